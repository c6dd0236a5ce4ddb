package main

import (
	"context"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/specgate/specgate/generator"
	"github.com/specgate/specgate/probe"
)

// probeEnv is what probe.yaml reads from the environment: the demo accounts'
// passwords and the test apps' report key.
var probeEnv = map[string]string{
	"SUBSCRIPTIONS_READER_PASSWORD": "wonderland",
	"SUBSCRIPTIONS_ADMIN_PASSWORD":  "admin-pass",
	"SUBSCRIPTIONS_REPORT_KEY":      testReportKey,
}

// runProbe probes the app at base with the example's own probe.yaml and
// openapi.yaml, as `specgate probe --probe probe.yaml --base-url base` does.
func runProbe(t *testing.T, base string, opts probe.Options) *probe.Report {
	t.Helper()
	cfg, err := generator.LoadConfig(generator.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	spec, diags, err := probe.Load(context.Background(), cfg)
	if err != nil {
		t.Fatalf("load: %v %v", err, diags)
	}
	data, err := os.ReadFile("probe.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := probe.ParseFile("probe.yaml", data, func(k string) (string, bool) {
		v, ok := probeEnv[k]
		return v, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	opts.BaseURL = base
	if opts.Rate == 0 {
		opts.Rate = 1000 // loopback; the default is for shared staging services
	}
	var log strings.Builder
	opts.Verbose = &log
	rep, err := probe.Run(context.Background(), spec, f, opts)
	t.Logf("requests:\n%s", log.String())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// findings names a report's results of verdict v as "operationId as identity".
func findings(rep *probe.Report, v probe.Verdict) []string {
	var out []string
	for _, r := range rep.Findings(v) {
		out = append(out, r.OperationID+" as "+r.Identity)
	}
	return out
}

// TestProbeExample: the example passes its own probe, with identities that sign
// in by the login route and one by the report key. Every protected route is
// really sent as anonymous and as the reader, and the answers are the ones the
// document owes them, not just "not weaker".
func TestProbeExample(t *testing.T) {
	for _, unsafe := range []bool{false, true} {
		name := "safe"
		if unsafe {
			name = "unsafe"
		}
		t.Run(name, func(t *testing.T) {
			_, base := startApp(t, newTestClock())
			rep := runProbe(t, base, probe.Options{Unsafe: unsafe})
			var text strings.Builder
			if err := rep.WriteText(&text, true); err != nil {
				t.Fatal(err)
			}
			t.Logf("report:\n%s", text.String())

			if w := findings(rep, probe.Weaker); len(w) > 0 {
				t.Errorf("weaker: %q", w)
			}
			// POST /auth/refresh is public in the table (it runs before there is a
			// session) and its handler answers 401 without a refresh cookie: stricter
			// for callers without one, as it should be, and reported without failing.
			var wantStricter []string
			if unsafe {
				wantStricter = []string{"refreshSession as anonymous", "refreshSession as exporter"}
			}
			if got := findings(rep, probe.Stricter); !slices.Equal(got, wantStricter) {
				t.Errorf("stricter = %q, want %q", got, wantStricter)
			}
			if len(rep.Incomplete) > 0 {
				t.Errorf("incomplete: %q", rep.Incomplete)
			}
			if got, want := rep.Identities, []string{probe.Anonymous, "reader", "admin", "exporter"}; !slices.Equal(got, want) {
				t.Errorf("identities = %q, want %q", got, want)
			}

			// Every protected route the run may send was sent, as anonymous and the
			// reader at least; the unsafe ones only with Unsafe, logout never.
			protected := 0
			for _, r := range rep.Routes {
				if generator.RequirementsMode(r.Requirements) != generator.Required {
					continue
				}
				sent := r.OperationID != "logout" && (unsafe || r.Method == http.MethodGet)
				for _, id := range []string{probe.Anonymous, "reader"} {
					res := rep.Result(r.OperationID, id)
					switch {
					case res == nil:
						t.Errorf("%s as %s: no result", r.OperationID, id)
					case sent && (res.Verdict == probe.Skipped || res.Actual == 0):
						t.Errorf("%s as %s: not checked: %s", r.OperationID, id, res.Reason)
					case !sent && res.Verdict != probe.Skipped:
						t.Errorf("%s as %s: sent (%s), want skipped", r.OperationID, id, res.Sent)
					}
				}
				if sent {
					protected++
				}
			}
			if want := map[bool]int{false: 4, true: 5}[unsafe]; protected != want {
				t.Errorf("%d protected routes checked, want %d", protected, want)
			}

			for _, c := range []struct {
				op, id   string
				expected probe.Expect
				actual   int
			}{
				{"getMe", probe.Anonymous, probe.Unauthorized, 401},
				{"getMe", "reader", probe.Allowed, 200},
				{"getMe", "exporter", probe.Unauthorized, 401},
				{"listUsers", "reader", probe.Forbidden, 403},
				{"listUsers", "admin", probe.Allowed, 200},
				{"listUsers", "exporter", probe.Unauthorized, 401},
				{"getReport", probe.Anonymous, probe.Unauthorized, 401},
				{"getReport", "reader", probe.Forbidden, 403},
				{"getReport", "admin", probe.Allowed, 200},
				{"getReport", "exporter", probe.Allowed, 200},
				{"listPlans", probe.Anonymous, probe.Allowed, 200},
				{"getFeed", probe.Anonymous, probe.Allowed, 200},
			} {
				r := rep.Result(c.op, c.id)
				if r == nil || r.Expected != c.expected || r.Actual != c.actual || r.Verdict != probe.OK {
					t.Errorf("%s as %s: %+v, want expected %s, actual %d, ok", c.op, c.id, r, c.expected, c.actual)
				}
			}
			if unsafe {
				if r := rep.Result("updateSubscription", "reader"); r.Actual != 200 {
					t.Errorf("updateSubscription as reader: %+v, want 200 with a body from the schema", r)
				}
			}
		})
	}
}

// unguardedAdminUsers is a hole of the kind the probe is for: a handler
// registered by hand in front of the generated routes, answering GET
// /api/v1/admin/users to anyone.
func unguardedAdminUsers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/api/v1/admin/users" {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`[{"email":"alice@example.com"}]`))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// TestProbeExampleFindsAHole: the same probe against the example with a hole
// fails on exactly the callers the hole lets through.
func TestProbeExampleFindsAHole(t *testing.T) {
	_, base := startApp(t, newTestClock(), unguardedAdminUsers)
	rep := runProbe(t, base, probe.Options{})
	want := []string{"listUsers as anonymous", "listUsers as reader", "listUsers as exporter"}
	if got := findings(rep, probe.Weaker); !slices.Equal(got, want) {
		t.Errorf("weaker = %q, want %q", got, want)
	}
	if !rep.Weaker() || len(rep.Incomplete) > 0 {
		t.Errorf("weaker %v, incomplete %q", rep.Weaker(), rep.Incomplete)
	}
}
