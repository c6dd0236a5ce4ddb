package probe

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// holesServer serves testdata/holes.yaml by hand, with two deliberate holes:
// GET /hole checks nothing, GET /unchecked checks the session but not the role.
// GET /strict refuses everyone although the document makes it public.
// requests records "METHOD path?query as sid" for each request.
type holesServer struct {
	mu       sync.Mutex
	requests []string
	bodies   map[string]string
}

func (s *holesServer) handler() http.Handler {
	roles := map[string][]string{"reader": nil, "admin": {"admin"}}
	user := func(r *http.Request) (string, bool) {
		c, err := r.Cookie("sid")
		if err != nil {
			return "", false
		}
		_, ok := roles[c.Value]
		return c.Value, ok
	}
	// guard is what a correct service does: 401 without a session, 403 without a role.
	guard := func(role string, next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			u, ok := user(r)
			if !ok {
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
			if role != "" && !slices.Contains(roles[u], role) {
				http.Error(w, "forbidden", http.StatusForbidden)
				return
			}
			next(w, r)
		}
	}
	ok := func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"ok":true}`)) }
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ User, Password string }
		if json.NewDecoder(r.Body).Decode(&in) != nil || in.Password != "s3cret" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: in.User, Path: "/", HttpOnly: true})
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("GET /public", ok)
	mux.HandleFunc("GET /me", guard("", ok))
	mux.HandleFunc("GET /admin", guard("admin", ok))
	mux.HandleFunc("GET /hole", ok)                 // hole: no auth at all
	mux.HandleFunc("GET /unchecked", guard("", ok)) // hole: the role is never checked
	mux.HandleFunc("GET /items/{id}", guard("", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != "7" || r.URL.Query().Get("view") != "full" {
			http.Error(w, "bad parameters", http.StatusBadRequest)
			return
		}
		ok(w, r)
	}))
	mux.HandleFunc("POST /items", guard("", func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		buf := make([]byte, 512)
		n, _ := r.Body.Read(buf)
		b.Write(buf[:n])
		s.mu.Lock()
		s.bodies[r.Header.Get("Content-Type")] = b.String()
		s.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	}))
	mux.HandleFunc("GET /feed", ok)
	mux.HandleFunc("GET /strict", guard("", ok))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sid := "-"
		if c, err := r.Cookie("sid"); err == nil {
			sid = c.Value
		}
		s.mu.Lock()
		s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI()+" as "+sid)
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	})
}

// startHoles serves holesServer over loopback.
func startHoles(t *testing.T) (*holesServer, string) {
	t.Helper()
	s := &holesServer{bodies: map[string]string{}}
	srv := httptest.NewServer(s.handler())
	t.Cleanup(srv.Close)
	return s, srv.URL
}

// holesProbe is the probe file of the tests: reader by a fixed cookie, admin by
// logging in with a password from the environment.
const holesProbe = `
identities:
  reader:
    headers: {Cookie: "sid=reader"}
  admin:
    roles: [admin]
    login:
      path: /login
      json: {user: admin, password: "${HOLES_PASSWORD}"}
`
