package generator_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/specgate/specgate/generator"
)

func TestSecurityMismatches(t *testing.T) {
	dir := filepath.Join("..", "testdata", "generate", "missing-from-security")
	doc, err := generator.Load(context.Background(), filepath.Join(dir, "openapi.yaml"), generator.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	table, _ := generator.Build(doc, generator.BuildOptions{Missing: generator.MissingFromSecurity})
	got := formatDiagnostics(dir, generator.SecurityMismatches(table))
	want := "warning openapi.yaml:22:7: security-mismatch: GET /admin (admin) is required by x-auth-required (operation level) but its OpenAPI security is empty (public); the annotation decides\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestSecurityMismatchesPerAlternative compares an annotated operation with
// its security, one shape at a time.
func TestSecurityMismatchesPerAlternative(t *testing.T) {
	const head = "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses: {\"200\": {description: ok}}\n"
	const tail = "components:\n  securitySchemes:\n    k: {type: apiKey, in: header, name: K}\n    o: {type: oauth2, flows: {clientCredentials: {tokenUrl: \"https://t.example\", scopes: {a: a, b: b}}}}\n"
	tests := []struct {
		name, op string
		want     []string // messages
	}{
		{"no security declared", "      x-auth-required: true\n", nil},
		{"agree: required, no roles, no scopes", "      x-auth-required: true\n      security: [{k: []}]\n", nil},
		{"agree: roles are the alternatives", "      x-auth-required: true\n      x-auth-roles: [a, b]\n      security: [{o: [a]}, {o: [b]}]\n", nil},
		{"agree: public", "      x-auth-required: false\n      security: []\n", nil},
		{"agree: optional", "      x-auth-required: optional\n      security: [{}, {k: []}]\n", nil},
		{"required but security public", "      x-auth-required: true\n      security: []\n",
			[]string{"GET /a (a) is required by x-auth-required (operation level) but its OpenAPI security is empty (public); the annotation decides"}},
		{"optional but security public", "      x-auth-required: optional\n      security: []\n",
			[]string{"GET /a (a) is optional by x-auth-required (operation level) but its OpenAPI security is empty (public); the annotation decides"}},
		{"roles but no scopes", "      x-auth-required: true\n      x-auth-roles: [a]\n      security: [{k: []}]\n", []string{
			`GET /a (a) admits role "a" (x-auth-roles) but no alternative of its OpenAPI security (k) asks for that scope alone; the annotation decides`,
			"GET /a (a) has x-auth-roles [a] (any one of them) but its security alternative 1 (k) asks no scopes; the annotation decides",
		}},
		{"scopes but no roles", "      x-auth-required: true\n      security: [{o: [a, b]}]\n", []string{
			"GET /a (a) has no x-auth-roles (any signed-in user) but its security alternative 1 (o[a, b]) asks scopes [a, b] (all of them); the annotation decides",
		}},
		{"one role of two", "      x-auth-required: true\n      x-auth-roles: [a, b]\n      security: [{o: [a]}]\n", []string{
			`GET /a (a) admits role "b" (x-auth-roles) but no alternative of its OpenAPI security (o[a]) asks for that scope alone; the annotation decides`,
		}},
		{"weakening: an error of Build, not repeated", "      x-auth-required: false\n      security: [{k: []}]\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "openapi.yaml")
			if err := os.WriteFile(p, []byte(head+tt.op+tail), 0o644); err != nil {
				t.Fatal(err)
			}
			doc, err := generator.Load(context.Background(), p, generator.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			table, _ := generator.Build(doc, generator.BuildOptions{})
			ds := generator.SecurityMismatches(table)
			var got []string
			for _, d := range ds {
				if d.Code != generator.CodeSecurityMismatch || d.Severity != generator.Warning {
					t.Errorf("unexpected %v", d)
				}
				got = append(got, d.Message)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d warnings %q, want %q", len(got), got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("warning %d:\ngot  %s\nwant %s", i, got[i], tt.want[i])
				}
			}
		})
	}
}
