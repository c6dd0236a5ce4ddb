package auth_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/specgate/specgate/runtime/auth"
)

// Registering verifiers for the document's security schemes, and the 401/403
// rules. The route is what specgate generates for
//
//	security: [{session: [admin]}, {apiKey: [reports:read]}]
//
// with apiKey an apiKey scheme in header X-API-Key: the admin session, or an API
// key that grants reports:read.
func ExampleAuthenticator_CheckRoutes() {
	keys := auth.NewAPIKeys()                    // keeps only SHA-256 hashes of the keys
	reportKey := "rk_0123456789abcdefghijklmnop" // in production: from a secret store, made by auth.NewAPIKey
	if err := keys.Add(reportKey, auth.Principal{Subject: "exporter", Scopes: []string{"reports:read"}}); err != nil {
		panic(err)
	}
	otherKey := "ok_0123456789abcdefghijklmnop"
	if err := keys.Add(otherKey, auth.Principal{Subject: "dashboard"}); err != nil {
		panic(err)
	}
	key, _ := auth.HMACKey("2026-01", "HS256", []byte("use HMACKeyFromEnv in production!"))
	a, err := auth.New(auth.Config[*User]{
		Issuer: "https://api.example.com", Audience: "example-web", SigningKey: key,
		Lookup: lookup, Roles: func(u *User) []string { return u.Roles },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Verifiers: map[string]auth.Verifier{
			"session": auth.Session, // the built-in cookie session; its scopes are the roles
			"apiKey":  keys,
		},
	})
	if err != nil {
		panic(err)
	}
	session := auth.Scheme{Name: "session", Kind: auth.APIKey, In: auth.InCookie, Param: "__Host-access"}
	apiKey := auth.Scheme{Name: "apiKey", Kind: auth.APIKey, In: auth.InHeader, Param: "X-API-Key"}
	routes := []auth.Route{{
		Method: "GET", Pattern: "/admin/report", OperationID: "getReport",
		Security: []auth.Requirement{
			{{Scheme: session, Scopes: []string{"admin"}}},
			{{Scheme: apiKey, Scopes: []string{"reports:read"}}},
		},
	}}
	// Fail at start-up, with every problem at once, rather than panic in Wrap.
	if err := a.CheckRoutes(routes); err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /admin/report", a.Wrap(routes[0], http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := auth.PrincipalFrom(r.Context()) // which scheme let the caller in, and who
		fmt.Fprintf(w, "report for %s via %s", p.Subject, p.Scheme)
	})))

	call := func(key string) {
		r := httptest.NewRequest("GET", "/admin/report", nil)
		if key != "" {
			r.Header.Set("X-API-Key", key)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		fmt.Println(rec.Code, rec.Body.String())
	}
	call(reportKey)   // the second alternative holds
	call(otherKey)    // authenticated, but no alternative's scopes: 403
	call("wrong-key") // no alternative's credentials valid: 401
	call("")          // none at all: 401, the same body

	// A scheme without a verifier stops the service before it serves.
	bad := auth.Route{Method: "GET", Pattern: "/orders", OperationID: "listOrders",
		Security: []auth.Requirement{{{Scheme: auth.Scheme{Name: "oauth", Kind: auth.OAuth2}}}}}
	fmt.Println(a.CheckRoutes([]auth.Route{bad}))
	// Output:
	// 200 report for exporter via apiKey
	// 403 {"type":"about:blank","title":"Forbidden","status":403,"code":"forbidden"}
	//
	// 401 {"type":"about:blank","title":"Unauthorized","status":401,"code":"unauthorized"}
	//
	// 401 {"type":"about:blank","title":"Unauthorized","status":401,"code":"unauthorized"}
	//
	// auth: scheme "oauth": has no verifier in Config.Verifiers (register one, or auth.Session for the cookie session) (operations: listOrders)
}
