package auth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func deployConfig() Config[string] {
	key, _ := HMACKey("k1", "HS256", testSecret)
	return Config[string]{Issuer: "i", Audience: "a", SigningKey: key, Logger: discardLogger,
		Lookup: func(context.Context, string) (string, error) { return "", nil }}
}

// TestDeployment is docs/security-cases.md case 55 and the shapes of
// docs/deploying.md: what New accepts and what it refuses, with what to do.
func TestDeployment(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Config[string])
		want   string // "" accepted; else a part of the ErrConfig message
	}{
		{"same origin: nothing to configure", func(c *Config[string]) {}, ""},
		{"same-site subdomain with Lax", func(c *Config[string]) {
			c.TrustedOrigins, c.APIOrigin = []string{"https://app.example.com"}, "https://api.example.com"
		}, ""},
		{"same-site subdomain of a two-label public suffix", func(c *Config[string]) {
			c.TrustedOrigins, c.APIOrigin = []string{"https://app.example.co.uk"}, "https://api.example.co.uk"
		}, ""},
		{"same site, another port, dev on localhost", func(c *Config[string]) {
			c.Insecure, c.TrustedOrigins, c.APIOrigin = true, []string{"http://localhost:5173"}, "http://localhost:8080"
		}, ""},
		{"same site, another port of 127.0.0.1", func(c *Config[string]) {
			c.Insecure, c.TrustedOrigins, c.APIOrigin = true, []string{"http://127.0.0.1:5173"}, "http://127.0.0.1:8080"
		}, ""},
		{"cross-site with None and Secure", func(c *Config[string]) {
			c.SameSite, c.TrustedOrigins, c.APIOrigin = http.SameSiteNoneMode, []string{"https://shop.example"}, "https://api.example.com"
		}, ""},
		{"Strict on the same site", func(c *Config[string]) {
			c.SameSite, c.TrustedOrigins, c.APIOrigin = http.SameSiteStrictMode, []string{"https://app.example.com"}, "https://api.example.com"
		}, ""},

		{"case 55 a trusted origin on another site with Lax cookies", func(c *Config[string]) {
			c.TrustedOrigins, c.APIOrigin = []string{"https://shop.example"}, "https://api.example.com"
		}, `"https://shop.example" is on another site (https://shop.example) than APIOrigin "https://api.example.com" (https://example.com), so browsers do not send SameSite=Lax cookies`},
		{"case 55 a trusted origin on another site with Strict cookies", func(c *Config[string]) {
			c.SameSite, c.TrustedOrigins, c.APIOrigin = http.SameSiteStrictMode, []string{"https://shop.example"}, "https://api.example.com"
		}, "SameSite=Strict cookies"},
		{"case 55 sibling under a private public suffix is another site", func(c *Config[string]) {
			c.TrustedOrigins, c.APIOrigin, c.PublicSuffixList = []string{"https://app.github.io"}, "https://api.github.io", testSuffixes
		}, "another site"},
		{"without a suffix list, siblings under a longer suffix pass (the documented limit)", func(c *Config[string]) {
			c.TrustedOrigins, c.APIOrigin = []string{"https://app.github.io"}, "https://api.github.io"
		}, ""},
		{"case 55 http front end, https API: schemeful same-site says cross-site", func(c *Config[string]) {
			c.TrustedOrigins, c.APIOrigin = []string{"http://app.example.com"}, "https://api.example.com"
		}, "another site"},
		{"case 55 another IP address is another site", func(c *Config[string]) {
			c.Insecure, c.TrustedOrigins, c.APIOrigin = true, []string{"http://127.0.0.2:5173"}, "http://127.0.0.1:8080"
		}, "another site"},
		{"case 55 SameSite None without Secure", func(c *Config[string]) {
			c.SameSite, c.Insecure = http.SameSiteNoneMode, true
		}, "SameSite None needs Secure cookies"},
		{"case 55 Secure cookies on a plain-http API", func(c *Config[string]) {
			c.TrustedOrigins, c.APIOrigin = []string{"http://app.example.com"}, "http://api.example.com"
		}, "browsers refuse Secure cookies"},
		{"case 55 TrustedOrigins without APIOrigin", func(c *Config[string]) {
			c.TrustedOrigins = []string{"https://app.example.com"}
		}, "APIOrigin is empty"},
		{"case 55 Origin null is never trusted", func(c *Config[string]) {
			c.TrustedOrigins, c.APIOrigin = []string{"null"}, "https://api.example.com"
		}, "never trusted"},
		{"SameSite DefaultMode is ambiguous", func(c *Config[string]) { c.SameSite = http.SameSiteDefaultMode }, "SameSiteLaxMode"},
		{"wildcard CORS header", func(c *Config[string]) {
			c.TrustedOrigins, c.APIOrigin, c.CORS.AllowHeaders = []string{"https://app.example.com"}, "https://api.example.com", []string{"*"}
		}, "no wildcard"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := deployConfig()
			tc.mutate(&cfg)
			_, err := New(cfg)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (!errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("err = %v, want ErrConfig with %q", err, tc.want)
			}
		})
	}
}

func TestSameSiteAttribute(t *testing.T) {
	for mode, want := range map[http.SameSite]string{0: "SameSite=Lax", http.SameSiteStrictMode: "SameSite=Strict", http.SameSiteNoneMode: "SameSite=None"} {
		cfg := deployConfig()
		cfg.SameSite = mode
		a, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		w := &headerRecorder{h: http.Header{}}
		a.setCookie(w, a.accessName, "v", 60)
		if got := w.h.Get("Set-Cookie"); !strings.HasSuffix(got, "; Secure; "+want) {
			t.Errorf("%v: %q", mode, got)
		}
	}
}

type headerRecorder struct{ h http.Header }

func (r *headerRecorder) Header() http.Header         { return r.h }
func (r *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *headerRecorder) WriteHeader(int)             {}

func TestParseOrigin(t *testing.T) {
	good := []string{"https://app.example.com", "http://localhost:5173", "http://127.0.0.1:8080", "http://[::1]:3000", "https://xn--bcher-kva.example"}
	for _, o := range good {
		if _, err := parseOrigin(o); err != nil {
			t.Errorf("%q: %v", o, err)
		}
	}
	bad := map[string]string{
		"https://App.example.com":     `"https://app.example.com"`,
		"HTTPS://app.example.com":     `"https://app.example.com"`,
		"https://app.example.com:443": `"https://app.example.com"`,
		"http://app.example.com:80":   `"http://app.example.com"`,
		"https://app.example.com:":    `"https://app.example.com"`,
		"https://app.example.com/":    "no user, path",
		"https://app.example.com?x":   "no user, path",
		"https://app.example.com#":    "no user, path",
		"https://u@app.example.com":   "no user, path",
		"https://bücher.example":      "punycode",
		"ftp://app.example.com":       "scheme http or https",
		"app.example.com":             "scheme http or https",
		"null":                        "never trusted",
		"":                            "scheme http or https",
	}
	for o, want := range bad {
		if _, err := parseOrigin(o); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", o, err, want)
		}
	}
}

// testSuffixes is a few rules of the Public Suffix List: the runtime module does
// not depend on golang.org/x/net, whose publicsuffix.List services pass in.
var testSuffixes = suffixList{"com", "io", "github.io", "uk", "co.uk", "example"}

type suffixList []string

func (l suffixList) String() string { return "test suffixes" }

// PublicSuffix returns the longest listed suffix of domain, or its last label
// (the list's default rule).
func (l suffixList) PublicSuffix(domain string) string {
	best := domain[strings.LastIndexByte(domain, '.')+1:]
	for _, s := range l {
		if (domain == s || strings.HasSuffix(domain, "."+s)) && len(s) > len(best) {
			best = s
		}
	}
	return best
}

func TestSiteOf(t *testing.T) {
	cases := []struct {
		origin       string
		list, noList string
	}{
		{"https://api.example.com", "https://example.com", "https://example.com"},
		{"https://a.b.example.co.uk", "https://example.co.uk", "https://co.uk"},
		{"https://me.github.io", "https://me.github.io", "https://github.io"}, // github.io is a (private) public suffix
		{"https://github.io", "https://github.io", "https://github.io"},
		{"http://localhost:8080", "http://localhost", "http://localhost"},
		{"http://app.localhost:5173", "http://app.localhost", "http://app.localhost"},
		{"http://127.0.0.1:5173", "http://127.0.0.1", "http://127.0.0.1"},
		{"http://[::1]:3000", "http://::1", "http://::1"},
	}
	for _, c := range cases {
		u, _ := url.Parse(c.origin)
		if got := siteOf(u, testSuffixes); got != c.list {
			t.Errorf("%s with a list: %q, want %q", c.origin, got, c.list)
		}
		if got := siteOf(u, nil); got != c.noList {
			t.Errorf("%s without a list: %q, want %q", c.origin, got, c.noList)
		}
	}
}

// FuzzParseOrigin: whatever the string, no panic, and an accepted origin is its
// own canonical form.
func FuzzParseOrigin(f *testing.F) {
	for _, s := range []string{"https://app.example.com", "http://[::1]:80", "https://A:443", "null", "http://%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := parseOrigin(s)
		if err != nil {
			return
		}
		if got := u.Scheme + "://" + u.Host; got != s {
			t.Fatalf("accepted %q, which is not scheme://host (%q)", s, got)
		}
		_ = siteOf(u, nil)
		_ = siteOf(u, testSuffixes)
	})
}
