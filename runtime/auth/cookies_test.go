package auth

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestCookiesAndTransport covers docs/security-cases.md cases 23 to 27: how the
// session cookies are read and written.
func TestCookiesAndTransport(t *testing.T) {
	e := newEnv(t)
	bearerEnv := newEnv(t, func(c *Config[*testUser]) { c.AllowBearer = true })
	alice, bob := e.login("alice"), e.login("bob")
	bAlice, bBob := bearerEnv.login("alice"), bearerEnv.login("bob")
	junk := strings.Repeat("junk=1; ", 5000)

	cases := []struct {
		name   string
		env    *env
		q      req
		want   int
		wantIn string // expected in the body when 200
	}{
		{"case 23 two access cookies of one name", e, req{path: "/me", cookie: e.accessCookie(bob.access) + "; " + e.accessCookie(alice.access)}, 401, ""},
		{"case 23 the same access cookie twice", e, req{path: "/me", cookie: e.accessCookie(alice.access) + "; " + e.accessCookie(alice.access)}, 401, ""},
		{"case 23 two refresh cookies", e, req{path: "/me", cookie: e.both(alice) + "; " + e.refreshCookie(bob.refresh)}, 401, ""},
		{"control: one access cookie", e, req{path: "/me", cookie: e.accessCookie(alice.access)}, 200, "user:alice"},
		{"case 25 cookie and Bearer naming different users", bearerEnv, req{path: "/me", cookie: bearerEnv.accessCookie(bAlice.access), header: map[string]string{"Authorization": "Bearer " + bBob.access}}, 401, ""},
		{"case 25 cookie and Bearer naming the same user", bearerEnv, req{path: "/me", cookie: bearerEnv.accessCookie(bAlice.access), header: map[string]string{"Authorization": "Bearer " + bAlice.access}}, 401, ""},
		{"case 25 Bearer alone when allowed", bearerEnv, req{path: "/me", header: map[string]string{"Authorization": "Bearer " + bBob.access}}, 200, "user:bob"},
		{"case 25 Bearer alone when not allowed", e, req{path: "/me", header: map[string]string{"Authorization": "Bearer " + bob.access}}, 401, ""},
		{"case 25 Bearer ignored when not allowed: the cookie decides", e, req{path: "/me", cookie: e.accessCookie(alice.access), header: map[string]string{"Authorization": "Bearer " + bob.access}}, 200, "user:alice"},
		{"case 26 ?token= ignored", e, req{path: "/me?token=" + alice.access}, 401, ""},
		{"case 26 ?access_token= ignored", e, req{path: "/me?access_token=" + alice.access + "&__Host-access=" + alice.access}, 401, ""},
		{"case 26 a query token does not override the cookie", e, req{path: "/me?token=" + bob.access, cookie: e.accessCookie(alice.access)}, 200, "user:alice"},
		{"case 27 quoted cookie value", e, req{path: "/me", cookie: e.accessCookie(`"` + alice.access + `"`)}, 401, ""},
		{"case 27 empty cookie value", e, req{path: "/me", cookie: e.accessCookie("")}, 401, ""},
		{"case 27 empty values for both", e, req{path: "/me", cookie: e.accessCookie("") + "; " + e.refreshCookie("")}, 401, ""},
		{"case 27 thousands of cookies, no session", e, req{path: "/me", cookie: junk + "x=y"}, 401, ""},
		{"case 27 thousands of cookies around a valid session", e, req{path: "/me", cookie: junk + e.accessCookie(alice.access) + "; " + junk}, 200, "user:alice"},
		{"case 27 a cookie named like ours without the prefix", e, req{path: "/me", cookie: "access=" + alice.access}, 401, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.env.t = t
			r := tc.env.do(tc.q)
			if r.status != tc.want {
				t.Fatalf("status %d, want %d (%s)", r.status, tc.want, r.body)
			}
			if tc.want == 200 && r.body != tc.wantIn {
				t.Fatalf("body %q, want %q", r.body, tc.wantIn)
			}
		})
	}

	t.Run("case 23 duplicates split over two Cookie header lines", func(t *testing.T) {
		r, _ := http.NewRequest("GET", e.srv.URL+"/me", nil)
		r.Header.Add("Cookie", e.accessCookie(alice.access))
		r.Header.Add("Cookie", e.accessCookie(bob.access))
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Fatalf("status %d, want 401", resp.StatusCode)
		}
	})

	t.Run("case 24 every Set-Cookie has the safe attributes", func(t *testing.T) {
		for _, mode := range []string{"store", "stateless", "insecure"} {
			var opts []envOpt
			switch mode {
			case "stateless":
				opts = append(opts, stateless())
			case "insecure":
				opts = append(opts, func(c *Config[*testUser]) { c.Insecure = true })
			}
			me := newEnv(t, opts...)
			me.t = t
			var lines []string
			login := me.do(req{method: "POST", path: "/login", form: "user=alice"})
			lines = append(lines, login.cookies...)
			s := testSession{}
			s.access, _ = login.setCookie(me.a.accessName)
			s.refresh, _ = login.setCookie(me.a.refreshName)
			me.clock.Advance(20 * time.Minute) // access expired: transparent refresh
			tr := me.do(req{path: "/me", cookie: me.both(s)})
			lines = append(lines, tr.cookies...)
			if v, n := tr.setCookie(me.a.refreshName); n == 1 {
				s.refresh = v
			}
			lines = append(lines, me.do(req{method: "POST", path: "/refresh", cookie: me.refreshCookie(s.refresh)}).cookies...)
			lines = append(lines, me.do(req{path: "/me", cookie: me.accessCookie("garbage")}).cookies...) // 401 clears
			lines = append(lines, me.do(req{method: "POST", path: "/logout", cookie: me.both(s)}).cookies...)
			if len(lines) < 8 {
				t.Fatalf("%s: only %d Set-Cookie lines: %q", mode, len(lines), lines)
			}
			for _, l := range lines {
				attrs := strings.Split(l, "; ")
				name, _, _ := strings.Cut(attrs[0], "=")
				want := map[string]bool{"Path=/": true, "HttpOnly": true, "SameSite=Lax": true, "Secure": mode != "insecure"}
				for _, a := range attrs[1:] {
					if strings.HasPrefix(strings.ToLower(a), "domain") {
						t.Errorf("%s: Domain in %q", mode, l)
					}
					delete(want, a)
				}
				for a, needed := range want {
					if needed {
						t.Errorf("%s: %q lacks %s", mode, l, a)
					}
				}
				if mode != "insecure" && !strings.HasPrefix(name, "__Host-") {
					t.Errorf("%s: cookie %q lacks the __Host- prefix", mode, name)
				}
				if mode == "insecure" && (strings.HasPrefix(name, "__Host-") || strings.Contains(l, "Secure")) {
					t.Errorf("insecure: %q", l)
				}
			}
		}
	})
}
