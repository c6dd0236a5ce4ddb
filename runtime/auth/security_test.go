package auth

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// docs/security-cases.md cases 48 to 51, served over loopback through the real guard.
func TestSecurityCases(t *testing.T) {
	t.Run("case 48 lacking a scope or role of every alternative is 403, no accepted credential 401", func(t *testing.T) {
		s := newSecEnv(t)
		alice := s.login("alice") // signed in, not admin
		runSecCases(t, s, []secCase{
			{"session without the role", req{path: "/report", cookie: s.both(alice)}, 403, ""},
			{"api key without the scope", req{path: "/report", header: map[string]string{"X-API-Key": keyPlain}}, 403, ""},
			{"both, each lacking", req{path: "/report", cookie: s.both(alice), header: map[string]string{"X-API-Key": keyPlain}}, 403, ""},
			{"nothing", req{path: "/report"}, 401, ""},
			{"only credentials no alternative accepts", req{path: "/report", cookie: s.accessCookie("forged.token.value"), header: map[string]string{"X-API-Key": "not-a-key"}}, 401, ""},
			{"a credential of a scheme the route does not declare", req{path: "/report", header: map[string]string{"Authorization": "Bearer tok-orders"}}, 401, ""},
		})
	})
	t.Run("case 49 a combined requirement with one scheme satisfied is refused", func(t *testing.T) {
		s := newSecEnv(t)
		runSecCases(t, s, []secCase{
			{"key only", req{path: "/combined", header: map[string]string{"X-API-Key": keyPlain}}, 401, ""},
			{"token only", req{path: "/combined", header: map[string]string{"Authorization": "Bearer tok-orders"}}, 401, ""},
			{"key and a bad token", req{path: "/combined", header: map[string]string{"X-API-Key": keyPlain, "Authorization": "Bearer forged"}}, 401, ""},
			{"key and a token lacking the scope", req{path: "/combined", header: map[string]string{"X-API-Key": keyPlain, "Authorization": "Bearer tok-read"}}, 403, ""},
			{"both", req{path: "/combined", header: map[string]string{"X-API-Key": keyPlain, "Authorization": "Bearer tok-orders"}}, 200, "schemes=partnerKey+oauth"},
		})
	})
	t.Run("case 50 api key wrong, empty, twice or elsewhere is 401; hashes only", func(t *testing.T) {
		s := newSecEnv(t)
		runSecCases(t, s, []secCase{
			{"wrong", req{path: "/partner", header: map[string]string{"X-API-Key": keyReports[:len(keyReports)-1] + "X"}}, 401, ""},
			{"prefix of a real key", req{path: "/partner", header: map[string]string{"X-API-Key": keyReports[:MinAPIKeyLen]}}, 401, ""},
			{"empty", req{path: "/partner", header: map[string]string{"X-API-Key": ""}}, 401, ""},
			{"in the query instead of the header", req{path: "/partner?X-API-Key=" + keyReports}, 401, ""},
			{"in a cookie instead of the header", req{path: "/partner", cookie: "X-API-Key=" + keyReports}, 401, ""},
			{"in another header", req{path: "/partner", header: map[string]string{"X-Api-Token": keyReports}}, 401, ""},
			{"query twice", req{path: "/q?api_key=" + keyReports + "&api_key=" + keyReports}, 401, ""},
			{"cookie twice", req{path: "/c", cookie: "api_key=" + keyReports + "; api_key=" + keyReports}, 401, ""},
			{"right", req{path: "/partner", header: map[string]string{"X-API-Key": keyReports}}, 200, "partner-a"},
		})
		r, _ := http.NewRequest("GET", s.url+"/partner", nil)
		r.Header["X-Api-Key"] = []string{keyReports, keyReports}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Fatalf("header twice: %d", resp.StatusCode)
		}
		set := s.a.cfg.Verifiers["partnerKey"].(*APIKeySet)
		assertOnlyHashes(t, set, keyReports, keyPlain)
	})
	t.Run("case 51 a scheme without verifier stops start-up", func(t *testing.T) {
		e := newEnv(t, func(c *Config[*testUser]) { c.Verifiers = map[string]Verifier{"partnerKey": NewAPIKeys()} })
		rt := Route{Method: "DELETE", Pattern: "/admin/purge", OperationID: "purge", Security: []Requirement{alt(need(schOAuth, "admin"))}}
		msg := wrapPanic(t, e.a, rt)
		if !strings.Contains(msg, `scheme "oauth"`) || !strings.Contains(msg, "purge") || !strings.Contains(msg, "no verifier") {
			t.Fatalf("panic message %q does not name the scheme, the operation and the problem", msg)
		}
		err := e.a.CheckRoutes([]Route{rt, {Method: "GET", Pattern: "/orders", OperationID: "listOrders", Security: []Requirement{alt(need(schOAuth))}}})
		if err == nil || !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "purge, listOrders") {
			t.Fatalf("CheckRoutes: %v", err)
		}
	})
}

// wrapPanic returns the message Wrap panicked with, failing if it did not.
func wrapPanic(t *testing.T, a *Authenticator[*testUser], rt Route) (msg string) {
	t.Helper()
	defer func() {
		p := recover()
		if p == nil {
			t.Fatalf("Wrap(%+v) did not panic", rt)
		}
		err, ok := p.(error)
		if !ok || !errors.Is(err, ErrConfig) {
			t.Fatalf("panic %v is not an ErrConfig error", p)
		}
		msg = err.Error()
	}()
	a.Wrap(rt, whoHandler)
	return ""
}

func TestStartupRefusal(t *testing.T) {
	e := newEnv(t, func(c *Config[*testUser]) { c.Verifiers = secVerifiers(t) })
	noRoles := newEnv(t, func(c *Config[*testUser]) { c.Verifiers = secVerifiers(t); c.Roles = nil })
	for _, tc := range []struct {
		name string
		a    *Authenticator[*testUser]
		rt   Route
		want string
	}{
		{"no verifier", e.a, Route{OperationID: "op", Security: []Requirement{alt(need(Scheme{Name: "other", Kind: HTTPBearer}))}}, `scheme "other": has no verifier`},
		{"invalid kind", e.a, Route{OperationID: "op", Security: []Requirement{alt(need(Scheme{Name: "bearer"}))}}, `scheme "bearer": a scheme of invalid kind`},
		{"api key without In", e.a, Route{OperationID: "op", Security: []Requirement{alt(need(Scheme{Name: "partnerKey", Kind: APIKey, Param: "X-API-Key"}))}}, "without a valid location"},
		{"api key without Param", e.a, Route{OperationID: "op", Security: []Requirement{alt(need(Scheme{Name: "partnerKey", Kind: APIKey, In: InHeader}))}}, "without a parameter name"},
		{"api key header not a token", e.a, Route{OperationID: "op", Security: []Requirement{alt(need(Scheme{Name: "partnerKey", Kind: APIKey, In: InHeader, Param: "X Key"}))}}, "not a valid header or cookie name"},
		{"roles with security", e.a, Route{OperationID: "op", Roles: []string{"admin"}, Security: []Requirement{alt(need(schKeyH))}}, "Roles together with Security"},
		{"public with security", e.a, Route{OperationID: "op", Auth: Public, Security: []Requirement{alt(need(schKeyH))}}, "Public route with Security"},
		{"empty requirement", e.a, Route{OperationID: "op", Security: []Requirement{alt(need(schKeyH)), {}}}, "empty requirement"},
		{"required with no alternative", e.a, Route{OperationID: "op", Security: []Requirement{}}, "nothing could ever pass"},
		{"empty scope", e.a, Route{OperationID: "op", Security: []Requirement{alt(need(schKeyH, ""))}}, "an empty scope"},
		{"one name, two schemes", e.a, Route{OperationID: "op", Security: []Requirement{alt(need(schKeyH)), alt(need(Scheme{Name: "partnerKey", Kind: APIKey, In: InQuery, Param: "k"}))}}, "declared twice"},
		{"bad scheme name", e.a, Route{OperationID: "op", Security: []Requirement{alt(need(Scheme{Name: "a b", Kind: HTTPBearer}))}}, "not a valid scheme name"},
		{"session scopes without Config.Roles", noRoles.a, Route{OperationID: "op", Security: []Requirement{alt(need(schSess, "admin"))}}, "Config.Roles is nil"},
		{"operation named by method and pattern", e.a, Route{Method: "GET", Pattern: "/x", Security: []Requirement{alt(need(Scheme{Name: "other", Kind: OAuth2}))}}, "operations: GET /x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if msg := wrapPanic(t, tc.a, tc.rt); !strings.Contains(msg, tc.want) {
				t.Fatalf("panic %q, want %q", msg, tc.want)
			}
			err := tc.a.CheckRoutes([]Route{tc.rt})
			var re *RouteError
			if err == nil || !errors.As(err, &re) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("CheckRoutes: %v", err)
			}
		})
	}
	// Every problem at once, grouped by scheme and problem.
	err := e.a.CheckRoutes([]Route{
		{OperationID: "a", Security: []Requirement{alt(need(Scheme{Name: "x", Kind: OAuth2}))}},
		{OperationID: "b", Security: []Requirement{alt(need(Scheme{Name: "x", Kind: OAuth2}))}},
		{OperationID: "c", Roles: []string{"r"}, Security: []Requirement{alt(need(Scheme{Name: "y", Kind: HTTPBasic}))}},
		{OperationID: "d", Security: []Requirement{alt(need(Scheme{Name: "x", Kind: HTTPBearer}))}},
		{OperationID: "fine", Security: []Requirement{alt(need(schKeyH))}},
		{OperationID: "short", Roles: []string{"admin"}},
	})
	want := []string{
		`auth: scheme "x": has no verifier in Config.Verifiers (register one, or auth.Session for the cookie session) (operations: a, b, d)`,
		`auth: Roles together with Security: write the session's roles as its scopes (operations: c)`,
		`auth: scheme "y": has no verifier in Config.Verifiers (register one, or auth.Session for the cookie session) (operations: c)`,
		`auth: scheme "x": declared differently by different routes (operations: d)`,
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Fatalf("CheckRoutes:\n%v\nwant:\n%s", err, strings.Join(want, "\n"))
	}
	if err := e.a.CheckRoutes(secRoutes); err != nil {
		t.Fatal(err)
	}
	// New refuses nil verifiers and bad names.
	for _, vs := range []map[string]Verifier{{"k": nil}, {"a b": Session}} {
		cfg := Config[*testUser]{Issuer: "i", Audience: "a", Lookup: newUserDB().Lookup, SigningKey: mustHMAC(t), Verifiers: vs}
		if _, err := New(cfg); !errors.Is(err, ErrConfig) {
			t.Fatalf("New with Verifiers %v: %v", vs, err)
		}
	}
}

func mustHMAC(t testing.TB) Key {
	k, err := HMACKey(testKID, "HS256", testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
