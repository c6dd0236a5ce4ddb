package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

var updateScreenshot = flag.Bool("update-screenshot", false, "write ../../docs/screenshot.png from the signed-in page")

// TestBrowserSession drives the page in headless Chromium over real loopback HTTP:
// sign in, read protected data, live past the access TTL, resist a second origin,
// sign out.
//
// Expiry uses the app's injectable clock (config.Now), not a sleep: the test moves the
// server's clock past the access TTL, so the browser presents an access cookie the
// server now finds expired (its Max-Age is relative and still running in the
// browser). That is the harder path: the guard must refuse the token and mint a new
// one from the refresh cookie, in the same request.
func TestBrowserSession(t *testing.T) {
	ctx := newBrowser(t)
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	t.Cleanup(func() { screenshotOnFailure(t, ctx) })

	// The second origin: another loopback port. Same host, so the browser sends the
	// SameSite=Lax cookies along (same-site); only the CSRF check stands in the way.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, evilPage)
	}))
	t.Cleanup(evil.Close)

	clock := newTestClock()
	var rec recorder
	// permissiveCORS stands for the worst case: an app whose CORS lets the other
	// origin send credentialed PUTs. Without it the browser would stop the PUT at
	// its preflight, and the CSRF layer would never be exercised.
	_, base := startApp(t, clock, rec.wrap, permissiveCORS(evil.URL))

	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(tctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(what, js string) string {
		t.Helper()
		v, err := chromedp.Run(tctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
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
	// fetchStatus calls the API from the page, as the page's own script would.
	fetchStatus := func(path string) string {
		t.Helper()
		return eval("fetch "+path, `fetch("/api/v1`+path+`", {credentials: "include"}).then(r => String(r.status))`)
	}

	// Signed out: the form shows and the feed is the public one.
	do("open the page",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.ID("login-form")),
		chromedp.WaitReady(chromedp.CSS(`#feed[data-personalised="false"]`)),
	)

	// A wrong password gets the one vague message.
	do("wrong password",
		chromedp.SendKeys(chromedp.ID("email"), "alice@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "not-wonderland"),
		chromedp.Click(chromedp.ID("sign-in")),
		chromedp.WaitVisible(chromedp.ID("login-error")),
	)
	if msg, _ := chromedp.Run(tctx, chromedp.Text(chromedp.ID("login-error"))); msg != "Wrong email or password." {
		t.Errorf("login error = %q", msg)
	}

	// Sign in by typing and clicking.
	do("sign in",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("password").value = ""`),
		chromedp.SendKeys(chromedp.ID("password"), "wonderland"),
		chromedp.Click(chromedp.ID("sign-in")),
		chromedp.WaitVisible(chromedp.ID("signed-in")),
		chromedp.WaitReady(chromedp.CSS(`#subscription[data-plan="basic"]`)),
		chromedp.WaitReady(chromedp.CSS(`#feed[data-personalised="true"] li[data-id="digest"]`)),
	)
	if name, _ := chromedp.Run(tctx, chromedp.Text(chromedp.ID("user-name"))); name != "Alice" {
		t.Errorf("greeting name = %q, want Alice", name)
	}

	// The script sees no token: both session cookies are HttpOnly.
	if dc := eval("document.cookie", `Promise.resolve(document.cookie)`); dc != "" {
		t.Errorf("document.cookie = %q, want empty", dc)
	}
	before := cookies()
	for _, name := range []string{"access", "refresh"} {
		c := before[name]
		if c == nil {
			t.Fatalf("no %s cookie; have %v", name, keys(before))
		}
		if !c.HTTPOnly || c.SameSite != network.CookieSameSiteLax || c.Path != "/" {
			t.Errorf("%s cookie: httpOnly=%v sameSite=%q path=%q", name, c.HTTPOnly, c.SameSite, c.Path)
		}
	}

	// Past the access TTL the next call still succeeds, and carries a new access cookie.
	clock.Advance(testAccessTTL + time.Minute)
	do("change plan after expiry",
		chromedp.SetValue(chromedp.ID("plan-select"), "plus"),
		chromedp.Click(chromedp.ID("change-plan")),
		chromedp.WaitReady(chromedp.CSS(`#subscription[data-plan="plus"]`)),
		chromedp.WaitReady(chromedp.CSS(`#feed li[data-id="daily"]`)),
	)
	after := cookies()
	if after["access"] == nil || after["access"].Value == before["access"].Value {
		t.Fatal("no new access cookie after the access TTL passed")
	}
	if after["refresh"] == nil || after["refresh"].Value == before["refresh"].Value {
		t.Error("the refresh token was not rotated")
	}
	// The old access token alone is really expired to the server, not just replaced.
	if st := statusWithCookie(t, base+"/api/v1/me", "access="+before["access"].Value); st != http.StatusUnauthorized {
		t.Errorf("old access token after the TTL: %d, want 401", st)
	}

	if *updateScreenshot {
		shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		path := filepath.Join("..", "..", "docs", "screenshot.png")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}

	// The second origin, in another tab of the same browser (same cookie jar).
	etab, ecancel := chromedp.NewContext(tctx)
	defer ecancel()
	if err := chromedp.Do(etab, chromedp.Navigate(evil.URL+"/?target="+base)); err != nil {
		t.Fatalf("open the other origin: %v", err)
	}
	put, err := chromedp.Run(etab, chromedp.Evaluate[string](`attackPut()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("cross-origin PUT: %v", err)
	}
	if put != "403" {
		t.Errorf("cross-origin PUT /subscription: %s, want 403", put)
	}
	if r, ok := rec.last("PUT", "/api/v1/subscription"); !ok || r.status != http.StatusForbidden || !r.cookies {
		t.Errorf("the app saw the cross-origin PUT as %+v (seen %v), want 403 with the session cookies", r, ok)
	}
	// Plain form POSTs need no CORS at all: a logout CSRF and a login CSRF.
	for _, form := range []string{"logout", "login"} {
		// Each submission navigates the tab away; come back to the other origin first.
		if err := chromedp.Do(etab, chromedp.Navigate(evil.URL+"/?target="+base)); err != nil {
			t.Fatalf("reopen the other origin: %v", err)
		}
		res, err := chromedp.RunResponse(etab, chromedp.Evaluate[chromedp.Void](`document.getElementById("`+form+`").submit()`))
		if err != nil {
			t.Fatalf("cross-origin %s form: %v", form, err)
		}
		if res.Status != http.StatusForbidden {
			t.Errorf("cross-origin %s form POST: %d, want 403", form, res.Status)
		}
	}
	if r, ok := rec.last("POST", "/api/v1/auth/logout"); !ok || !r.cookies {
		t.Errorf("the logout form POST reached the app as %+v (seen %v), want with the session cookies", r, ok)
	}
	ecancel()

	// Still signed in, plan unchanged: checked through the API.
	if got := eval("plan", `fetch("/api/v1/subscription_info", {credentials: "include"}).then(r => r.json()).then(s => s.plan.id)`); got != "plus" {
		t.Errorf("plan after the cross-origin attempts = %q, want plus", got)
	}

	// Sign out; protected data is refused and the cookies are gone.
	do("sign out",
		chromedp.Click(chromedp.ID("sign-out")),
		chromedp.WaitVisible(chromedp.ID("login-form")),
		chromedp.WaitReady(chromedp.CSS(`#feed[data-personalised="false"]`)),
	)
	if st := fetchStatus("/subscription_info"); st != "401" {
		t.Errorf("subscription_info after sign-out: %s, want 401", st)
	}
	if left := cookies(); left["access"] != nil || left["refresh"] != nil {
		t.Errorf("session cookies left after sign-out: %v", keys(left))
	}

	// Signing out revoked the session on the server: the last refresh token, put
	// back into the browser, no longer works.
	if _, err := chromedp.Call(tctx, network.SetCookie, network.SetCookieParams{
		Name: "refresh", Value: after["refresh"].Value, URL: base + "/", Path: "/",
		HTTPOnly: ptr(true), SameSite: network.CookieSameSiteLax,
	}); err != nil {
		t.Fatalf("restore refresh cookie: %v", err)
	}
	if st := fetchStatus("/me"); st != "401" {
		t.Errorf("revoked refresh token: %s, want 401", st)
	}
}

// evilPage is the second origin's page. It learns the app's URL from ?target=.
const evilPage = `<!doctype html>
<title>Another origin</title>
<h1>Another origin</h1>
<form id="logout" method="POST"><input name="x" value="1"></form>
<form id="login" method="POST"><input name="email" value="mallory@example.com"><input name="password" value="x"></form>
<script>
const target = new URLSearchParams(location.search).get("target");
document.getElementById("logout").action = target + "/api/v1/auth/logout";
document.getElementById("login").action = target + "/api/v1/auth/login";
async function attackPut() {
  try {
    const r = await fetch(target + "/api/v1/subscription", {
      method: "PUT", credentials: "include",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({plan: "pro"}),
    });
    return String(r.status);
  } catch (e) {
    return "blocked: " + e;
  }
}
</script>`

// permissiveCORS answers CORS for origin as a too-trusting app would: credentialed
// requests with any method. Tests use it to reach the CSRF check from a browser.
func permissiveCORS(origin string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Origin") == origin {
				h := w.Header()
				h.Set("Access-Control-Allow-Origin", origin)
				h.Set("Access-Control-Allow-Credentials", "true")
				h.Add("Vary", "Origin")
				if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
					h.Set("Access-Control-Allow-Methods", "GET, POST, PUT")
					h.Set("Access-Control-Allow-Headers", "Content-Type")
					w.WriteHeader(http.StatusNoContent)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// recorder remembers what reached the app: method, path, status, and whether the
// request carried a session cookie.
type recorder struct {
	mu   sync.Mutex
	seen []seenRequest
}

type seenRequest struct {
	method, path string
	status       int
	cookies      bool
}

// wrap records every request that passes through next.
func (rec *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		_, errA := r.Cookie("access")
		_, errR := r.Cookie("refresh")
		rec.mu.Lock()
		rec.seen = append(rec.seen, seenRequest{r.Method, r.URL.Path, sw.status, errA == nil || errR == nil})
		rec.mu.Unlock()
	})
}

// last returns the latest request with the method and path.
func (rec *recorder) last(method, path string) (seenRequest, bool) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for i := len(rec.seen) - 1; i >= 0; i-- {
		if s := rec.seen[i]; s.method == method && s.path == path {
			return s, true
		}
	}
	return seenRequest{}, false
}

// statusWriter keeps the status code a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(p)
}

// statusWithCookie sends GET url with only the given Cookie header and returns the
// status.
func statusWithCookie(t *testing.T, url, cookie string) int {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Cookie", cookie)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// screenshotOnFailure saves what the browser showed when the test failed: under
// the -artifacts output directory when that flag is on, else in testdata/failures.
func screenshotOnFailure(t *testing.T, ctx context.Context) {
	if !t.Failed() {
		return
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	shot, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("no failure screenshot: %v", err)
		return
	}
	dir := filepath.Join("testdata", "failures")
	if f := flag.Lookup("test.artifacts"); f != nil && f.Value.String() == "true" {
		dir = t.ArtifactDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("no failure screenshot: %v", err)
		return
	}
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + "-" + time.Now().Format("20060102-150405") + ".png"
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Logf("no failure screenshot: %v", err)
		return
	}
	abs, _ := filepath.Abs(path)
	t.Logf("failure screenshot: %s", abs)
}

func keys(m map[string]*network.Cookie) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func ptr[T any](v T) *T { return &v }
