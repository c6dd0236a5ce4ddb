package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/specgate/specgate/generator"
)

func loadHoles(t *testing.T) *Spec {
	t.Helper()
	spec, diags, err := Load(context.Background(), generator.Config{Spec: "testdata/holes.yaml"})
	if err != nil {
		t.Fatalf("load: %v %v", err, diags)
	}
	return spec
}

func parseHolesProbe(t *testing.T, base string) *File {
	t.Helper()
	env := func(k string) (string, bool) {
		if k == "HOLES_PASSWORD" {
			return "s3cret", true
		}
		return "", false
	}
	f, err := ParseFile("probe.yaml", []byte("base-url: "+base+"\n"+holesProbe), env)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func runHoles(t *testing.T, opts Options) (*holesServer, *Report) {
	t.Helper()
	srv, base := startHoles(t)
	if opts.Rate == 0 {
		opts.Rate = 1000
	}
	rep, err := Run(context.Background(), loadHoles(t), parseHolesProbe(t, base), opts)
	if err != nil {
		t.Fatal(err)
	}
	return srv, rep
}

func names(rs []*Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.OperationID+" as "+r.Identity)
	}
	return out
}

// The two holes are found, and only they.
func TestProbeFindsHoles(t *testing.T) {
	_, rep := runHoles(t, Options{})
	if got, want := names(rep.Findings(Weaker)), []string{"getHole as anonymous", "getUnchecked as reader"}; !slices.Equal(got, want) {
		t.Errorf("weaker = %q, want %q", got, want)
	}
	if got, want := names(rep.Findings(Stricter)), []string{"getStrict as anonymous"}; !slices.Equal(got, want) {
		t.Errorf("stricter = %q, want %q", got, want)
	}
	if len(rep.Incomplete) != 0 {
		t.Errorf("incomplete: %q", rep.Incomplete)
	}
	for _, c := range []struct {
		op, id   string
		expected Expect
		actual   int
		verdict  Verdict
	}{
		{"getMe", Anonymous, Unauthorized, 401, OK},
		{"getMe", "reader", Allowed, 200, OK},
		{"getAdmin", "reader", Forbidden, 403, OK},
		{"getAdmin", "admin", Allowed, 200, OK},
		{"getItem", "reader", Allowed, 200, OK}, // parameters from example and enum
		{"getItem", Anonymous, Unauthorized, 401, OK},
		{"getUnchecked", "reader", Forbidden, 200, Weaker},
		{"getHole", Anonymous, Unauthorized, 200, Weaker},
		{"getFeed", Anonymous, Allowed, 200, OK},
		{"createItem", "admin", Allowed, 0, Skipped},
		{"login", Anonymous, Allowed, 0, Skipped},
	} {
		r := rep.Result(c.op, c.id)
		if r == nil {
			t.Errorf("%s as %s: no result", c.op, c.id)
			continue
		}
		if r.Expected != c.expected || r.Actual != c.actual || r.Verdict != c.verdict {
			t.Errorf("%s as %s: expected %s actual %d verdict %s, want %s %d %s (%s)", c.op, c.id, r.Expected, r.Actual, r.Verdict, c.expected, c.actual, c.verdict, r.Reason)
		}
	}
	w := rep.Result("getHole", Anonymous)
	if !strings.Contains(w.Sent, "GET http://") || !strings.HasPrefix(w.Received, "200 ") {
		t.Errorf("finding lacks what was sent and what came back: sent %q got %q", w.Sent, w.Received)
	}
	if s := rep.Summary; s.Weaker != 2 || s.Stricter != 1 || s.OK+s.Weaker+s.Stricter+s.Skipped != len(rep.Results) {
		t.Errorf("summary %+v", s)
	}
}

// Without --unsafe no unsafe request is sent; with it, a body shaped by the
// schema goes out. The login route is never probed: the login sent it once.
func TestProbeUnsafe(t *testing.T) {
	srv, _ := runHoles(t, Options{})
	for _, r := range srv.requests {
		if strings.HasPrefix(r, "POST ") && r != "POST /login as -" {
			t.Errorf("safe mode sent %s", r)
		}
	}
	srv, rep := runHoles(t, Options{Unsafe: true})
	if r := rep.Result("createItem", "admin"); r.Verdict != OK || r.Actual != 201 {
		t.Errorf("createItem as admin: %+v", r)
	}
	if r := rep.Result("createItem", Anonymous); r.Verdict != OK || r.Actual != 401 {
		t.Errorf("createItem as anonymous: %+v", r)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(srv.bodies["application/json"]), &body); err != nil {
		t.Fatalf("body %q: %v", srv.bodies["application/json"], err)
	}
	if body["name"] != "xxx" || body["count"] != 2.0 {
		t.Errorf("body = %v, want the minimal valid one", body)
	}
	if r := rep.Result("login", "admin"); r.Verdict != Skipped {
		t.Errorf("login route probed: %+v", r)
	}
}

// A failed login stops the probe: its 403 checks would prove nothing.
func TestProbeLoginFails(t *testing.T) {
	_, base := startHoles(t)
	f := parseHolesProbe(t, base)
	f.Identities[1].Login.JSON = map[string]any{"user": "admin", "password": "wrong"}
	_, err := Run(context.Background(), loadHoles(t), f, Options{Rate: 1000})
	if err == nil || !strings.Contains(err.Error(), "admin") || !strings.Contains(err.Error(), "401") {
		t.Fatalf("err = %v, want the failed login of admin", err)
	}
}

// An identity whose cookie the service never accepts makes the probe incomplete.
func TestProbeDeadCredentials(t *testing.T) {
	_, base := startHoles(t)
	f := parseHolesProbe(t, base)
	f.Identities[0].Headers = map[string]string{"Cookie": "sid=nobody"}
	rep, err := Run(context.Background(), loadHoles(t), f, Options{Rate: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Incomplete) != 1 || !strings.Contains(rep.Incomplete[0], "identity reader got 401") {
		t.Errorf("incomplete = %q", rep.Incomplete)
	}
}

// A request nobody answers is skipped and makes the report incomplete, with
// the first error; after maxNoAnswer in a row nothing more is sent.
func TestProbeNoAnswer(t *testing.T) {
	f := parseHolesProbe(t, "http://127.0.0.1:1")
	f.Identities = f.Identities[:1]
	rep, err := Run(context.Background(), loadHoles(t), f, Options{Rate: 1000, Timeout: time.Second, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.OK != 0 || rep.Summary.Weaker != 0 || len(rep.Incomplete) != 2 ||
		!strings.Contains(rep.Incomplete[0], "3 requests got no answer (the first: Get \"http://127.0.0.1:1/public\"") ||
		!strings.Contains(rep.Incomplete[1], "requests not sent") {
		t.Errorf("summary %+v incomplete %q", rep.Summary, rep.Incomplete)
	}
	sent := 0
	for _, r := range rep.Results {
		if strings.HasPrefix(r.Reason, "no answer: ") {
			sent++
		}
	}
	if sent != maxNoAnswer {
		t.Errorf("%d requests sent, want %d", sent, maxNoAnswer)
	}
}

func TestProbeVerboseListsEveryRequest(t *testing.T) {
	var log strings.Builder
	srv, _ := runHoles(t, Options{Verbose: &log})
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != len(srv.requests) {
		t.Errorf("verbose has %d lines for %d requests:\n%s", len(lines), len(srv.requests), log.String())
	}
	if !strings.Contains(log.String(), "/items/7?view=full as reader: 200") {
		t.Errorf("verbose log:\n%s", log.String())
	}
}

func TestProbeOutputs(t *testing.T) {
	_, rep := runHoles(t, Options{})
	var text, js, gh strings.Builder
	if err := rep.WriteText(&text, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "weaker: GET /hole (getHole) as anonymous: expected 401, got 200") ||
		!strings.Contains(text.String(), "2 weaker, 1 stricter") {
		t.Errorf("text:\n%s", text.String())
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Results []map[string]any
	}
	if err := json.Unmarshal([]byte(js.String()), &out); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range out.Results {
		if r["operationId"] == "getUnchecked" && r["identity"] == "reader" {
			found = r["method"] == "GET" && r["path"] == "/unchecked" && r["expected"] == "403" && r["actual"] == 200.0 && r["verdict"] == "weaker"
		}
	}
	if !found || len(out.Results) != len(rep.Results) {
		t.Errorf("json lacks the getUnchecked finding:\n%s", js.String())
	}
	if err := rep.WriteGitHub(&gh); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(gh.String(), "::error file=testdata/holes.yaml,line=25,col=5,title=specgate probe weaker::GET /hole (getHole) as anonymous") {
		t.Errorf("github:\n%s", gh.String())
	}
	if n := strings.Count(gh.String(), "::error "); n != 2 {
		t.Errorf("github has %d errors, want 2", n)
	}
}

func TestExpectation(t *testing.T) {
	session := func(scopes ...string) Requirement {
		return Requirement{{Scheme: SessionScheme, Scopes: scopes}}
	}
	key := Requirement{{Scheme: "apiKey"}}
	both := Requirement{{Scheme: "apiKey"}, {Scheme: "oauth", Scopes: []string{"write"}}}
	for _, c := range []struct {
		reqs           []Requirement
		schemes, roles []string
		want           Expect
	}{
		{nil, nil, nil, Allowed},
		{[]Requirement{{}}, nil, nil, Allowed},
		{[]Requirement{session()}, nil, nil, Unauthorized},
		{[]Requirement{session()}, []string{SessionScheme}, nil, Allowed},
		{[]Requirement{session("a"), session("b")}, []string{SessionScheme}, []string{"b"}, Allowed},
		{[]Requirement{session("a"), session("b")}, []string{SessionScheme}, []string{"c"}, Forbidden},
		{[]Requirement{session("a"), key}, []string{"apiKey"}, nil, Allowed},
		{[]Requirement{session("a"), key}, []string{SessionScheme}, nil, Forbidden},
		{[]Requirement{both}, []string{"apiKey"}, []string{"write"}, Unauthorized}, // one of a combined pair
		{[]Requirement{both}, []string{"apiKey", "oauth"}, nil, Forbidden},
		{[]Requirement{both}, []string{"apiKey", "oauth"}, []string{"write"}, Allowed},
	} {
		if got := Expectation(c.reqs, c.schemes, c.roles); got != c.want {
			t.Errorf("Expectation(%v, %v, %v) = %s, want %s", c.reqs, c.schemes, c.roles, got, c.want)
		}
	}
}

func TestJudge(t *testing.T) {
	for _, c := range []struct {
		e      Expect
		status int
		want   Verdict
	}{
		{Allowed, 200, OK}, {Allowed, 404, OK}, {Allowed, 500, OK},
		{Allowed, 401, Stricter}, {Allowed, 403, Stricter},
		{Unauthorized, 401, OK}, {Unauthorized, 403, OK}, {Forbidden, 403, OK}, {Forbidden, 401, OK},
		{Unauthorized, 200, Weaker}, {Unauthorized, 302, Weaker}, {Unauthorized, 400, Weaker},
		{Unauthorized, 404, Weaker}, {Unauthorized, 405, Weaker}, {Forbidden, 500, Weaker}, {Forbidden, 204, Weaker},
	} {
		if got := Judge(c.e, c.status); got != c.want {
			t.Errorf("Judge(%s, %d) = %s, want %s", c.e, c.status, got, c.want)
		}
	}
}

func TestRequirementsOf(t *testing.T) {
	for _, c := range []struct {
		r    generator.Route
		want string
	}{
		{generator.Route{Auth: generator.Public}, "public"},
		{generator.Route{Auth: generator.Optional}, "optional"},
		{generator.Route{Auth: generator.Required}, SessionScheme},
		{generator.Route{Auth: generator.Required, Roles: []string{"a", "b"}}, SessionScheme + "[a] or " + SessionScheme + "[b]"},
	} {
		if got := requiresText(requirementsOf(c.r)); got != c.want {
			t.Errorf("%v %v: %s, want %s", c.r.Auth, c.r.Roles, got, c.want)
		}
	}
}

func ExampleExpectation() {
	admin := []Requirement{{{Scheme: SessionScheme, Scopes: []string{"admin"}}}}
	fmt.Println(Expectation(admin, nil, nil))
	fmt.Println(Expectation(admin, []string{SessionScheme}, []string{"reader"}))
	fmt.Println(Expectation(admin, []string{SessionScheme}, []string{"admin"}))
	// Output:
	// 401
	// 403
	// allowed
}
