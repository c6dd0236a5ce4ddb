package auth_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/specgate/specgate/runtime/auth"
)

// A front end on another origin of the API's site: one list of trusted origins
// for CSRF and CORS, and Authenticator.CORS around the mux that the generated
// RegisterRoutes filled.
func ExampleAuthenticator_CORS() {
	key, _ := auth.HMACKey("2026-01", "HS256", []byte("use HMACKeyFromEnv in production!"))
	a, err := auth.New(auth.Config[*User]{
		Issuer: "https://api.example.com", Audience: "example-web", SigningKey: key, Lookup: lookup,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),

		TrustedOrigins: []string{"https://app.example.com"},
		APIOrigin:      "https://api.example.com",
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	for _, rt := range []auth.Route{ // what api.RegisterRoutes(mux, si, a) does
		{Method: "GET", Pattern: "/pets/{id}", OperationID: "getPet"},
		{Method: "DELETE", Pattern: "/pets/{id}", OperationID: "deletePet"},
	} {
		mux.Handle(rt.Method+" "+rt.Pattern, a.Wrap(rt, http.NotFoundHandler()))
	}
	handler := a.CORS(mux) // serve this

	preflight := httptest.NewRequest("OPTIONS", "/pets/7", nil)
	preflight.Header.Set("Origin", "https://app.example.com")
	preflight.Header.Set("Access-Control-Request-Method", "DELETE")
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, preflight)
	h := rec.Header()
	fmt.Println(rec.Code, h.Get("Access-Control-Allow-Origin"), h.Get("Access-Control-Allow-Credentials"))
	fmt.Println(h.Get("Access-Control-Allow-Methods"), "|", h.Get("Access-Control-Allow-Headers"))

	// The 401 that follows carries the headers too, so the page can read it.
	get := httptest.NewRequest("GET", "/pets/7", nil)
	get.Header.Set("Origin", "https://app.example.com")
	rec = httptest.NewRecorder()
	handler.ServeHTTP(rec, get)
	fmt.Println(rec.Code, rec.Header().Get("Access-Control-Allow-Origin"), rec.Header().Get("Vary"))

	// Another site gets nothing to read.
	get.Header.Set("Origin", "https://evil.example")
	rec = httptest.NewRecorder()
	handler.ServeHTTP(rec, get)
	fmt.Printf("%d %q\n", rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
	// Output:
	// 204 https://app.example.com true
	// DELETE, GET | Content-Type, Authorization
	// 401 https://app.example.com Origin
	// 401 ""
}

// A front end on another site than the API cannot get Lax cookies: New says so.
func ExampleConfig_crossSite() {
	key, _ := auth.HMACKey("2026-01", "HS256", []byte("use HMACKeyFromEnv in production!"))
	_, err := auth.New(auth.Config[*User]{
		Issuer: "https://api.example.com", Audience: "example-web", SigningKey: key, Lookup: lookup,
		TrustedOrigins: []string{"https://shop.example"},
		APIOrigin:      "https://api.example.com",
	})
	fmt.Println(err)
	// Output:
	// auth: invalid config: TrustedOrigins "https://shop.example" is on another site (https://shop.example) than APIOrigin "https://api.example.com" (https://example.com), so browsers do not send SameSite=Lax cookies with its requests. Serve the front end on the API's site (app.example.com next to api.example.com, or another port), proxy the API through the front end's origin, or set SameSite to http.SameSiteNoneMode (with Secure; browsers that block third-party cookies still refuse it)
}
