package load

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// swaggerKeyRegexp is what hasSwaggerKey replaced; the two must agree everywhere.
var swaggerKeyRegexp = regexp.MustCompile(`(?m)(^|[{,]\s*)["']?swagger["']?\s*:`)

func TestHasSwaggerKeyMatchesRegexp(t *testing.T) {
	fixed := []string{
		"", "swagger", "swagger:", "swagger: '2.0'", `{"swagger":"2.0"}`, `{ "swagger" : 1}`,
		"openapi: 3.0.0\nswagger: x", "a: 1\n  swagger: 2", "a: {b: 1,\n\t'swagger'\n:", `x"swagger":`,
		"url: https://x/swagger.json", "'swagger' :", "\"swagger'\t:", ",swagger\r\n:", "{'swaggerswagger':",
		"\n\"swagger\"\"\":", "\fswagger:",
	}
	for _, s := range fixed {
		if got, want := hasSwaggerKey([]byte(s)), swaggerKeyRegexp.MatchString(s); got != want {
			t.Errorf("hasSwaggerKey(%q) = %v, regexp says %v", s, got, want)
		}
	}
	// Random strings over the characters that matter to the pattern.
	parts := []string{"swagger", "swag", "ger", "\"", "'", ":", "{", ",", " ", "\t", "\n", "\r", "\f", "x", "}"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var b []byte
		for range r.IntN(10) {
			b = append(b, parts[r.IntN(len(parts))]...)
		}
		if got, want := hasSwaggerKey(b), swaggerKeyRegexp.Match(b); got != want {
			t.Fatalf("hasSwaggerKey(%q) = %v, regexp says %v", b, got, want)
		}
	}
}

func FuzzHasSwaggerKey(f *testing.F) {
	f.Add([]byte(`{"swagger": "2.0"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := hasSwaggerKey(b), swaggerKeyRegexp.Match(b); got != want {
			t.Fatalf("hasSwaggerKey(%q) = %v, regexp says %v", b, got, want)
		}
	})
}
