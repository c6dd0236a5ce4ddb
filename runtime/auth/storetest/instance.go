package storetest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/specgate/specgate/runtime/auth"
)

// Instance starts one instance of a service over cfg.Store, for tests that run
// several instances over one store (revocation, session caps) and watch one refuse
// what another ended. The subject is the user. Unset fields of cfg get test
// defaults: issuer https://specgate.test, audience api, one shared HS256 key, a
// Lookup that returns the subject, a 1 ms grace window, Insecure (plain-HTTP
// loopback) and a discarding logger.
//
// The instance serves, on a loopback server closed at cleanup with the
// Authenticator: GET /me (a Required route that answers the user), POST
// /login?u=SUBJECT, POST /logout and POST /refresh (204, or the runtime's problem
// response). It returns the Authenticator and the server's base URL.
func Instance(t testing.TB, cfg auth.Config[string]) (*auth.Authenticator[string], string) {
	t.Helper()
	if cfg.Issuer == "" {
		cfg.Issuer = "https://specgate.test"
	}
	if cfg.Audience == "" {
		cfg.Audience = "api"
	}
	if cfg.SigningKey.KID() == "" {
		key, err := auth.HMACKey("k1", "HS256", []byte("0123456789abcdef0123456789abcdef"))
		if err != nil {
			t.Fatal(err)
		}
		cfg.SigningKey = key
	}
	if cfg.Lookup == nil {
		cfg.Lookup = func(_ context.Context, sub string) (string, error) { return sub, nil }
	}
	if cfg.GraceWindow == 0 {
		cfg.GraceWindow = time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Insecure = true
	a, err := auth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /me", a.Wrap(auth.Route{Method: "GET", Pattern: "/me", OperationID: "me"},
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, _ := auth.UserFrom[string](r.Context())
			fmt.Fprint(w, u)
		})))
	helper := func(f func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if err := f(w, r); err != nil {
				p, _ := auth.ProblemFor(err)
				auth.WriteProblem(w, r, p)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}
	}
	mux.Handle("POST /login", helper(func(w http.ResponseWriter, r *http.Request) error { return a.Login(w, r, r.URL.Query().Get("u")) }))
	mux.Handle("POST /logout", helper(a.Logout))
	mux.Handle("POST /refresh", helper(a.Refresh))
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { srv.Close(); a.Close() })
	return a, srv.URL
}

// Call sends one request to an Instance with a raw Cookie header ("" for none)
// and returns the status and the cookies the response set, by name.
func Call(t testing.TB, method, url, cookie string) (int, map[string]string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	set := map[string]string{}
	for _, c := range resp.Cookies() {
		set[c.Name] = c.Value
	}
	return resp.StatusCode, set
}
