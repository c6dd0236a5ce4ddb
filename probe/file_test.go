package probe

import (
	"errors"
	"testing"

	"github.com/specgate/specgate/generator"
)

// TestParseFileEnvPosition: an unset or malformed ${NAME} is reported at the ${
// itself where the value is on one line and nothing before it is escaped, and at
// the value otherwise (never at a wrong column).
func TestParseFileEnvPosition(t *testing.T) {
	unset := func(string) (string, bool) { return "", false }
	for _, c := range []struct {
		name, value string
		col         int // of the reported error on line 4
	}{
		{"plain", `sid=${SID}`, 19},
		{"double-quoted", `"sid=${SID}"`, 20},
		{"single-quoted", `'sid=${SID}'`, 20},
		{"second variable", `"${HOME}-${SID}"`, 24},
		{"escape before it: at the value", `"a\tb${SID}"`, 15},
		{"bad name", `"x${1A}"`, 17},
		{"unterminated", `"x${SID"`, 17},
		{"non-ASCII key before it", `"${SID}"`, 16},
	} {
		t.Run(c.name, func(t *testing.T) {
			key := "Cookie"
			if c.name == "non-ASCII key before it" {
				key = "Coökie"
			}
			src := "identities:\n  reader:\n    headers:\n      " + key + ": " + c.value + "\n"
			env := unset
			if c.name == "second variable" {
				env = func(n string) (string, bool) { return "/root", n == "HOME" }
			}
			_, err := ParseFile("env.yaml", []byte(src), env)
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("want a FileError, got %v", err)
			}
			if fe.Line != 4 || fe.Col != c.col {
				t.Errorf("%s: at %d:%d, want 4:%d (%v)", c.value, fe.Line, fe.Col, c.col, err)
			}
		})
	}
}

// TestSkipReason: the login route is skipped for every identity, and the
// reason names all identities that sign in with it, not only the first.
func TestSkipReason(t *testing.T) {
	login := &Login{Method: "POST", Path: "/api/v1/auth/login"}
	ids := []*identity{
		{Identity: Identity{Name: "reader", Login: login}},
		{Identity: Identity{Name: "exporter", Headers: map[string]string{"X-API-Key": "k"}}},
		{Identity: Identity{Name: "admin", Login: login}},
	}
	f := &File{Skip: []string{"logout"}}
	for _, c := range []struct {
		route  generator.Route
		unsafe bool
		want   string
	}{
		{generator.Route{Method: "POST", Pattern: "/api/v1/auth/login", OperationID: "login"}, true, "the login request identities sign in with (reader, admin)"},
		{generator.Route{Method: "POST", Pattern: "/api/v1/auth/logout", OperationID: "logout"}, true, "listed under skip in the probe file"},
		{generator.Route{Method: "PUT", Pattern: "/api/v1/subscription", OperationID: "update"}, false, "unsafe method: pass --unsafe to send it"},
		{generator.Route{Method: "PUT", Pattern: "/api/v1/subscription", OperationID: "update"}, true, ""},
		{generator.Route{Method: "GET", Pattern: "/api/v1/me", OperationID: "getMe"}, false, ""},
	} {
		if got := skipReason(c.route, f, ids, c.unsafe); got != c.want {
			t.Errorf("%s %s (unsafe %v): %q, want %q", c.route.Method, c.route.Pattern, c.unsafe, got, c.want)
		}
	}
}
