package auth_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/specgate/specgate/runtime/auth"
)

// User is the application's own user type.
type User struct {
	ID    string
	Roles []string
}

var users = map[string]*User{"alice": {ID: "alice", Roles: []string{"admin"}}}

func lookup(_ context.Context, subject string) (*User, error) {
	if u, ok := users[subject]; ok {
		return u, nil
	}
	return nil, auth.ErrUserNotFound
}

func newGuard() *auth.Authenticator[*User] {
	key, err := auth.HMACKey("2026-01", "HS256", []byte("use HMACKeyFromEnv in production!"))
	if err != nil {
		panic(err)
	}
	a, err := auth.New(auth.Config[*User]{
		Issuer:     "https://api.example.com",
		Audience:   "example-web",
		SigningKey: key,
		Lookup:     lookup,
		Roles:      func(u *User) []string { return u.Roles },
		Store:      auth.NewMemoryStore(),
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		panic(err)
	}
	return a
}

// Building a guard and registering routes the way generated RegisterRoutes does.
func ExampleNew() {
	a := newGuard()
	mux := http.NewServeMux()
	route := auth.Route{Method: "GET", Pattern: "/pets", OperationID: "listPets", Auth: auth.Required}
	mux.Handle("GET /pets", a.Wrap(route, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "pets")
	})))

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/pets", nil))
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Print(rec.Body.String())
	// Output:
	// 401 application/problem+json
	// {"type":"about:blank","title":"Unauthorized","status":401,"code":"unauthorized"}
}

// A login handler: the application checks the password, then Login sets the cookies.
func ExampleAuthenticator_Login() {
	a := newGuard()
	login := func(w http.ResponseWriter, r *http.Request) {
		user := r.FormValue("user")
		if r.FormValue("password") != "correct horse" { // your password check here
			auth.WriteProblem(w, r, auth.ProblemUnauthorized)
			return
		}
		if err := a.Login(w, r, user); err != nil {
			p, _ := auth.ProblemFor(err)
			auth.WriteProblem(w, r, p)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /login", a.Wrap(auth.Route{Method: "POST", Pattern: "/login", OperationID: "login", Auth: auth.Public}, http.HandlerFunc(login)))

	form := url.Values{"user": {"alice"}, "password": {"correct horse"}}
	r := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, r)
	fmt.Println(rec.Code)
	for _, c := range rec.Result().Cookies() {
		fmt.Println(c.Name, c.HttpOnly, c.Secure, c.SameSite == http.SameSiteLaxMode, c.Path)
	}
	// Output:
	// 204
	// __Host-access true true true /
	// __Host-refresh true true true /
}

// Reading the typed user in a handler behind a Required route.
func ExampleUserFrom() {
	a := newGuard()
	me := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := auth.UserFrom[*User](r.Context())
		if !ok {
			return // only on Public routes, or Optional ones without a session
		}
		fmt.Fprintf(w, "hello %s", u.ID)
	})
	mux := http.NewServeMux()
	mux.Handle("GET /me", a.Wrap(auth.Route{Method: "GET", Pattern: "/me", OperationID: "getMe", Roles: []string{"admin"}}, me))

	// Log in to get cookies, then call /me with them.
	rec := httptest.NewRecorder()
	if err := a.Login(rec, httptest.NewRequest("POST", "/login", nil), "alice"); err != nil {
		panic(err)
	}
	r := httptest.NewRequest("GET", "/me", nil)
	for _, c := range rec.Result().Cookies() {
		r.AddCookie(c)
	}
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, r)
	fmt.Println(rec.Code, rec.Body.String())
	// Output:
	// 200 hello alice
}
