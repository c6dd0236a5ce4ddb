package auth

import "testing"

func TestModeZeroValueIsRequired(t *testing.T) {
	var r Route
	if r.Auth != Required {
		t.Fatalf("zero Route.Auth = %v, want required", r.Auth)
	}
	for m, want := range map[Mode]string{Required: "required", Optional: "optional", Public: "public", Mode(9): "invalid"} {
		if got := m.String(); got != want {
			t.Errorf("Mode(%d).String() = %q, want %q", m, got, want)
		}
	}
}

// TestModes covers what DESIGN.md asks of Optional and Public routes and of roles.
func TestModes(t *testing.T) {
	e := newEnv(t)
	alice, root := e.login("alice"), e.login("root")
	cases := []struct {
		name     string
		q        req
		want     int
		wantBody string
		setsNone bool
	}{
		{"optional without cookies is anonymous", req{path: "/maybe"}, 200, "anonymous", true},
		{"optional with a session attaches the user", req{path: "/maybe", cookie: e.both(alice)}, 200, "user:alice", true},
		{"optional with garbage cookies is anonymous", req{path: "/maybe", cookie: e.accessCookie("x.y.z") + "; " + e.refreshCookie("nope")}, 200, "anonymous", false},
		{"optional with duplicate cookies is anonymous", req{path: "/maybe", cookie: e.both(alice) + "; " + e.accessCookie("x")}, 200, "anonymous", false},
		{"public never reads cookies", req{path: "/public", cookie: e.accessCookie("x") + "; " + e.accessCookie("y")}, 200, "public", true},
		{"roles: a user without the role gets 403", req{path: "/admin", cookie: e.both(alice)}, 403, "", true},
		{"roles: a user with the role passes", req{path: "/admin", cookie: e.both(root)}, 200, "user:root", true},
		{"roles: anonymous gets 401, not 403", req{path: "/admin"}, 401, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			r := e.do(tc.q)
			if r.status != tc.want || (tc.wantBody != "" && r.body != tc.wantBody) {
				t.Fatalf("%d %q, want %d %q", r.status, r.body, tc.want, tc.wantBody)
			}
			if tc.setsNone && len(r.cookies) != 0 {
				t.Fatalf("unexpected Set-Cookie %q", r.cookies)
			}
		})
	}
	t.Run("optional with the stores down is anonymous", func(t *testing.T) {
		e.t = t
		e.db.down.Store(true)
		defer e.db.down.Store(false)
		if r := e.do(req{path: "/maybe", cookie: e.both(alice)}); r.status != 200 || r.body != "anonymous" {
			t.Fatalf("%d %q", r.status, r.body)
		}
	})
}
