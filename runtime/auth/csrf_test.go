package auth

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
	"time"
)

// TestCSRFAndResponses covers docs/security-cases.md cases 37 to 41: unsafe
// cross-site requests refused, and every 401 alike.
func TestCSRFAndResponses(t *testing.T) {
	e := newEnv(t)
	trusted := newEnv(t, func(c *Config[*testUser]) {
		c.TrustedOrigins, c.APIOrigin = []string{"https://app.example.com"}, "https://api.example.com"
	})
	s := e.login("alice")
	csrfBody := string(ProblemCSRF.body())

	cases := []struct {
		name string
		env  *env
		q    req
		want int
	}{
		{"case 37 cross-site form POST with valid cookies", e, req{method: "POST", path: "/me", cookie: e.both(s), form: "x=1", header: map[string]string{"Sec-Fetch-Site": "cross-site"}}, 403},
		{"case 38 POST from a sibling subdomain", e, req{method: "POST", path: "/me", cookie: e.both(s), form: "x=1", header: map[string]string{"Sec-Fetch-Site": "same-site"}}, 403},
		{"case 39 no Sec-Fetch-Site and a mismatched Origin", e, req{method: "POST", path: "/me", cookie: e.both(s), form: "x=1", header: map[string]string{"Origin": "https://evil.example"}}, 403},
		{"case 40 login CSRF: cross-site POST to the login endpoint", e, req{method: "POST", path: "/login", form: "user=alice", header: map[string]string{"Sec-Fetch-Site": "cross-site"}}, 403},
		{"case 40 login from a trusted front-end origin", trusted, req{method: "POST", path: "/login", form: "user=alice", header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://app.example.com"}}, 200},
		{"case 37 control: same-origin POST", e, req{method: "POST", path: "/me", cookie: e.both(s), form: "x=1", header: map[string]string{"Sec-Fetch-Site": "same-origin"}}, 200},
		{"case 37 cross-site GET is a safe method", e, req{path: "/me", cookie: e.both(s), header: map[string]string{"Sec-Fetch-Site": "cross-site"}}, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.env.t = t
			r := tc.env.do(tc.q)
			if r.status != tc.want {
				t.Fatalf("status %d, want %d (%s)", r.status, tc.want, r.body)
			}
			if tc.want == 403 && (r.body != csrfBody || len(r.cookies) != 0) {
				t.Fatalf("refusal body %q, cookies %q", r.body, r.cookies)
			}
		})
	}

	t.Run("case 41 expired, invalid and missing tokens get the same response", func(t *testing.T) {
		e.t = t
		expired := e.login("bob")
		e.clock.Advance(16 * time.Minute)
		defer e.clock.Advance(-16 * time.Minute)
		var bodies []string
		for _, cookie := range []string{"", e.accessCookie(expired.access), e.accessCookie("garbage"), e.accessCookie(flipLastSigBit(e.valid("bob")))} {
			r := e.do(req{path: "/me", cookie: cookie})
			if r.status != 401 || r.header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("cookie %q: %d %s", cookie, r.status, r.header.Get("Content-Type"))
			}
			bodies = append(bodies, r.body)
		}
		for _, b := range bodies {
			if b != bodies[0] || !strings.Contains(b, `"code":"unauthorized"`) {
				t.Fatalf("401 bodies differ: %q", bodies)
			}
		}
	})

	t.Run("case 41 MACs are compared in constant time", func(t *testing.T) {
		// The only MAC comparison is signer.verify; it must use hmac.Equal, never
		// == or bytes.Equal, which stop at the first differing byte.
		f, err := parser.ParseFile(token.NewFileSet(), "token.go", nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		var sawEqual bool
		ast.Inspect(f, func(n ast.Node) bool {
			fd, ok := n.(*ast.FuncDecl)
			if !ok || fd.Name.Name != "verify" {
				return true
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					switch x, _ := sel.X.(*ast.Ident); {
					case x != nil && x.Name == "hmac" && sel.Sel.Name == "Equal":
						sawEqual = true
					case x != nil && x.Name == "bytes":
						t.Errorf("signer.verify uses bytes.%s", sel.Sel.Name)
					}
				}
				return true
			})
			return false
		})
		if !sawEqual {
			t.Fatal("signer.verify does not compare with hmac.Equal")
		}
	})

	t.Run("case 41 a panic in the user lookup is a 500, not a bypass", func(t *testing.T) {
		e.t = t
		e.db.panics.Store(true)
		defer e.db.panics.Store(false)
		for _, path := range []string{"/me", "/maybe"} {
			r := e.do(req{path: path, cookie: e.both(s)})
			if r.status != 500 || strings.Contains(r.body, "user:") || !strings.Contains(r.body, `"code":"internal"`) {
				t.Fatalf("%s: %d %q", path, r.status, r.body)
			}
		}
		if r := e.do(req{method: "POST", path: "/login", form: "user=alice"}); r.status != 500 || len(r.cookies) != 0 {
			t.Fatalf("login: %d %q", r.status, r.cookies)
		}
	})
}
