package auth

import "testing"

// TestBearer401NamesScheme: RFC 6750 wants the scheme in WWW-Authenticate
// on a 401 to a Bearer request; cookie requests, and servers that ignore Bearer,
// must not advertise it.
func TestBearer401NamesScheme(t *testing.T) {
	bearer := func(c *Config[*testUser]) { c.AllowBearer = true }
	cases := []struct {
		name   string
		opts   []envOpt
		q      req
		status int
		want   string
	}{
		{"bad bearer", []envOpt{bearer}, req{path: "/me", header: map[string]string{"Authorization": "Bearer nope"}}, 401, "Bearer"},
		{"mixed", []envOpt{bearer}, req{path: "/me", cookie: "__Host-access=x", header: map[string]string{"Authorization": "bearer nope"}}, 401, "Bearer"},
		{"cookie only", []envOpt{bearer}, req{path: "/me", cookie: "__Host-access=x"}, 401, ""},
		{"bearer not accepted", nil, req{path: "/me", header: map[string]string{"Authorization": "Bearer nope"}}, 401, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.opts...)
			r := e.do(tc.q)
			if r.status != tc.status || r.header.Get("WWW-Authenticate") != tc.want {
				t.Fatalf("%d WWW-Authenticate %q, want %d %q", r.status, r.header.Get("WWW-Authenticate"), tc.status, tc.want)
			}
		})
	}
	// A valid Bearer token still passes, without the header.
	e := newEnv(t, bearer)
	r := e.do(req{path: "/me", header: map[string]string{"Authorization": "Bearer " + e.valid("alice")}})
	if r.status != 200 || r.header.Get("WWW-Authenticate") != "" {
		t.Fatalf("valid bearer: %d %q", r.status, r.header.Get("WWW-Authenticate"))
	}
}
