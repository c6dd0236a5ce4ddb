package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary run as the specgate command inside scripts, and
// as "exitcode N specgate ARGS...", which runs specgate and exits 0 only when its
// exit code is N: testscript's ! only says "not zero", and 1 and 2 mean different
// things here.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"specgate": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"exitcode": func() { os.Exit(exitcodeCmd(os.Args[1:])) },
	})
}

func exitcodeCmd(args []string) int {
	if len(args) < 2 || args[1] != "specgate" {
		fmt.Fprintln(os.Stderr, "usage: exitcode N specgate [args...]")
		return 100
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "usage: exitcode N specgate [args...]")
		return 100
	}
	if got := run(args[2:], os.Stdin, os.Stdout, os.Stderr); got != want {
		fmt.Fprintf(os.Stderr, "exit code %d, want %d\n", got, want)
		return 100
	}
	return 0
}

// TestScripts runs the CLI end to end from testdata/script/*.txtar.
// SPECGATE_UPDATE_SCRIPTS=1 rewrites the files that cmp compares stdout with
// (review the diff).
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       os.Getenv("SPECGATE_UPDATE_SCRIPTS") != "",
		Setup: func(env *testscript.Env) error {
			// git in diff scripts must not read the machine's configuration;
			// the scripts set their own identity.
			env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			env.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"serve-probe-target": serveProbeTarget,
		},
	})
}

// serveProbeTarget is "serve-probe-target [-hole] VAR": it serves, on loopback
// until the script ends, the service of testdata/script/probe.txtar's document
// and sets VAR to its URL. POST /login takes {"user", "password": "s3cret"} and
// sets the session cookie sid=user; user admin has the role admin. With -hole,
// GET /admin checks nothing: the hole probe must find.
func serveProbeTarget(ts *testscript.TestScript, neg bool, args []string) {
	hole := len(args) == 2 && args[0] == "-hole"
	if neg || len(args) != 1 && !hole {
		ts.Fatalf("usage: serve-probe-target [-hole] VAR")
	}
	session := func(r *http.Request) string {
		if c, err := r.Cookie("sid"); err == nil && (c.Value == "reader" || c.Value == "admin") {
			return c.Value
		}
		return ""
	}
	guard := func(role string, code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			u := session(r)
			switch {
			case u == "":
				http.Error(w, "unauthorized", http.StatusUnauthorized)
			case role != "" && u != role:
				http.Error(w, "forbidden", http.StatusForbidden)
			default:
				w.WriteHeader(code)
			}
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ User, Password string }
		if json.NewDecoder(r.Body).Decode(&in) != nil || in.Password != "s3cret" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: in.User, Path: "/"})
	})
	mux.HandleFunc("GET /public", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("GET /me", guard("", http.StatusOK))
	if hole {
		mux.HandleFunc("GET /admin", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"users":["reader","admin"]}`)
		})
	} else {
		mux.HandleFunc("GET /admin", guard("admin", http.StatusOK))
	}
	mux.HandleFunc("POST /items", guard("", http.StatusCreated))
	srv := httptest.NewServer(mux)
	ts.Defer(srv.Close)
	ts.Setenv(args[len(args)-1], srv.URL)
}
