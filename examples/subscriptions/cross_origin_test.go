package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// spaDir holds the cross-origin front end and its package.json; scripts/test runs
// `npm ci` there, which installs the pinned axios.
const spaDir = "testdata/spa"

// axiosPath finds the browser build of axios that npm installed. Without it the
// test fails when SPECGATE_REQUIRE_BROWSER is set (CI), and is skipped otherwise.
func axiosPath(t *testing.T) string {
	t.Helper()
	p := filepath.Join(spaDir, "node_modules", "axios", "dist", "axios.min.js")
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("SPECGATE_REQUIRE_BROWSER") != "" {
			t.Fatalf("axios is not installed (%v): run `npm ci --prefix examples/subscriptions/%s`", err, spaDir)
		}
		t.Skipf("axios is not installed: run `npm ci --prefix examples/subscriptions/%s` (set SPECGATE_REQUIRE_BROWSER=1 to fail instead)", spaDir)
	}
	return p
}

// spaServer serves the front end (index.html, spa.js, spa.css, axios) on an
// origin of its own: another loopback port.
func spaServer(t *testing.T, axios string) *httptest.Server {
	t.Helper()
	files := map[string]string{"/": "index.html", "/spa.js": "spa.js", "/spa.css": "spa.css"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/axios.min.js" {
			http.ServeFile(w, r, axios)
			return
		}
		name, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, filepath.Join(spaDir, name))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// originLog remembers every request that reached the app, with its Origin.
type originLog struct {
	mu   sync.Mutex
	seen []originSeen
}

type originSeen struct {
	origin, method, path string
	status               int
}

func (l *originLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		l.mu.Lock()
		l.seen = append(l.seen, originSeen{r.Header.Get("Origin"), r.Method, r.URL.Path, sw.status})
		l.mu.Unlock()
	})
}

// from returns what reached the app from origin.
func (l *originLog) from(origin string) []originSeen {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []originSeen
	for _, s := range l.seen {
		if s.origin == origin {
			out = append(out, s)
		}
	}
	return out
}

// spaResult is what window.spa's calls resolve to.
type spaResult struct {
	Status int             `json:"status"`
	Code   string          `json:"code"`
	Data   json.RawMessage `json:"data"`
}

// TestBrowserCrossOrigin drives a single-page app on another origin (a second
// loopback port: same site, so the SameSite=Lax cookies go along) that calls the
// API with axios and withCredentials, in headless Chromium: 401 read as 401,
// sign in, GET, PUT, a transparent refresh after the access token expired, sign
// out. A third origin, not trusted, reads nothing and changes nothing.
func TestBrowserCrossOrigin(t *testing.T) {
	axios := axiosPath(t)
	ctx := newBrowser(t)
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	t.Cleanup(func() { screenshotOnFailure(t, ctx) })

	spa := spaServer(t, axios)
	evil := spaServer(t, axios) // the same page on a third origin, not trusted
	clock := newTestClock()
	var seen originLog
	app, base := startAppTrusting(t, clock, []string{spa.URL}, seen.wrap)

	call := func(tab context.Context, what, js string) spaResult {
		t.Helper()
		v, err := chromedp.Run(tab, chromedp.Evaluate[string](js+".then(JSON.stringify)", chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		var r spaResult
		if err := json.Unmarshal([]byte(v), &r); err != nil {
			t.Fatalf("%s: %q: %v", what, v, err)
		}
		return r
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(tctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	cookies := func() map[string]*network.Cookie {
		t.Helper()
		res, err := chromedp.Call(tctx, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/"}})
		if err != nil {
			t.Fatalf("get cookies: %v", err)
		}
		m := map[string]*network.Cookie{}
		for _, c := range res.Cookies {
			m[c.Name] = c
		}
		return m
	}
	plan := func() planID {
		t.Helper()
		u, err := app.users.lookup(context.Background(), "usr_alice")
		if err != nil {
			t.Fatal(err)
		}
		return u.Plan
	}

	do("open the SPA", chromedp.Navigate(spa.URL+"/?api="+base), chromedp.WaitReady(chromedp.CSS(`body[data-ready="true"]`)))

	// Signed out, a protected call is a 401 that axios reads: error.response.status.
	if r := call(tctx, "GET /me signed out", "spa.me()"); r.Status != 401 || r.Code != "unauthorized" {
		t.Fatalf("GET /me signed out: %+v, want a readable 401", r)
	}

	do("sign in",
		chromedp.SendKeys(chromedp.ID("email"), "alice@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "wonderland"),
		chromedp.Click(chromedp.ID("sign-in")),
		chromedp.WaitReady(chromedp.CSS(`#plan[data-plan="basic"]`)),
	)
	before := cookies()
	for _, name := range []string{"access", "refresh"} {
		c := before[name]
		if c == nil {
			t.Fatalf("no %s cookie for the API after signing in from %s; have %v", name, spa.URL, keys(before))
		}
		if !c.HTTPOnly || c.SameSite != network.CookieSameSiteLax {
			t.Errorf("%s cookie: httpOnly=%v sameSite=%q", name, c.HTTPOnly, c.SameSite)
		}
	}
	if r := call(tctx, "GET /me", "spa.me()"); r.Status != 200 {
		t.Fatalf("GET /me signed in: %+v", r)
	}

	// PUT: a preflighted request (JSON body), answered for the trusted origin.
	do("change plan",
		chromedp.SetValue(chromedp.ID("plan-select"), "plus"),
		chromedp.Click(chromedp.ID("change-plan")),
		chromedp.WaitReady(chromedp.CSS(`#plan[data-plan="plus"]`)),
	)
	if got := plan(); got != planPlus {
		t.Fatalf("plan on the server after the PUT: %q", got)
	}
	if !hasRequest(seen.from(spa.URL), "OPTIONS", "/api/v1/subscription", http.StatusNoContent) {
		t.Errorf("no answered preflight for the PUT; seen %+v", seen.from(spa.URL))
	}

	// Past the access TTL: the guard refreshes inside the same request.
	clock.Advance(testAccessTTL + time.Minute)
	if r := call(tctx, "GET /subscription_info after expiry", "spa.subscription()"); r.Status != 200 {
		t.Fatalf("after expiry: %+v, want 200 through a refresh", r)
	}
	after := cookies()
	if after["access"] == nil || after["access"].Value == before["access"].Value || after["refresh"] == nil || after["refresh"].Value == before["refresh"].Value {
		t.Fatal("no new access and refresh cookies after the access TTL passed")
	}

	if *updateScreenshot {
		shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		path := filepath.Join("..", "..", "docs", "cross-origin.png")
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}

	// The untrusted origin, in another tab of the same browser (same cookies).
	etab, ecancel := chromedp.NewContext(tctx)
	defer ecancel()
	if err := chromedp.Do(etab, chromedp.Navigate(evil.URL+"/?api="+base), chromedp.WaitReady(chromedp.CSS(`body[data-ready="true"]`))); err != nil {
		t.Fatalf("open the untrusted origin: %v", err)
	}
	for _, c := range []struct{ what, js string }{
		{"read the user", "spa.me()"},
		{"read the subscription", "spa.subscription()"},
		{"change the plan", `spa.setPlan("pro")`},
		{"sign out", "spa.logout()"},
		{"sign in as another user", `spa.login("admin@example.com", "admin-pass")`},
	} {
		if r := call(etab, c.what, c.js); r.Status != 0 || len(r.Data) != 0 {
			t.Errorf("untrusted origin, %s: %+v, want nothing readable", c.what, r)
		}
	}
	ecancel()
	for _, s := range seen.from(evil.URL) {
		switch {
		case s.method == "OPTIONS" && s.status < 300:
			t.Errorf("a preflight of the untrusted origin was answered: %+v", s)
		case s.method == "PUT" || s.method == "POST" && s.path == "/api/v1/auth/login":
			t.Errorf("a preflighted request of the untrusted origin reached the app: %+v", s)
		case s.method == "POST" && s.status != http.StatusForbidden:
			t.Errorf("an unsafe request of the untrusted origin was not refused: %+v", s)
		}
	}
	if !hasRequest(seen.from(evil.URL), "POST", "/api/v1/auth/logout", http.StatusForbidden) {
		t.Errorf("the untrusted logout (a simple request, no preflight) did not meet the CSRF check; seen %+v", seen.from(evil.URL))
	}
	// Nothing changed: same plan, same session.
	if got := plan(); got != planPlus {
		t.Errorf("plan after the untrusted origin's attempts: %q, want plus", got)
	}
	if r := call(tctx, "GET /me after the untrusted origin", "spa.me()"); r.Status != 200 {
		t.Fatalf("session after the untrusted origin's attempts: %+v", r)
	}

	// Sign out from the trusted origin: the cookies go, and the next call is a 401
	// that axios reads.
	do("sign out", chromedp.Click(chromedp.ID("sign-out")), chromedp.WaitVisible(chromedp.ID("signed-out")))
	if left := cookies(); left["access"] != nil || left["refresh"] != nil {
		t.Errorf("session cookies left after sign-out: %v", keys(left))
	}
	if r := call(tctx, "GET /me signed out", "spa.me()"); r.Status != 401 || r.Code != "unauthorized" {
		t.Errorf("GET /me after sign-out: %+v, want a readable 401", r)
	}
}

// hasRequest reports whether seen has a request with the method, path and status.
func hasRequest(seen []originSeen, method, path string, status int) bool {
	for _, s := range seen {
		if s.method == method && s.path == path && s.status == status {
			return true
		}
	}
	return false
}
