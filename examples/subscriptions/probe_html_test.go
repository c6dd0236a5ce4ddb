package main

import (
	"context"
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/specgate/specgate/probe"
)

var updateProbeScreenshot = flag.Bool("update-probe-screenshot", false, "write ../../docs/probe.png from the HTML report of a probe run")

// matrixJS reads the report's matrix as the browser shows it: the identity
// columns, and per row the route text, whether it is displayed, and each cell's
// class and verdict.
const matrixJS = `JSON.stringify({
  identities: [...document.querySelectorAll("#matrix thead th.identity")].map(th => th.textContent),
  shown: document.getElementById("shown").textContent,
  rows: [...document.querySelectorAll("#matrix tbody tr")].map(tr => ({
    route: tr.cells[0].textContent,
    op: tr.querySelector(".op").textContent,
    visible: getComputedStyle(tr).display !== "none",
    cells: [...tr.querySelectorAll("td.cell")].map(td => ({class: td.className, verdict: td.dataset.verdict, color: getComputedStyle(td).backgroundColor})),
  })),
})`

type shownMatrix struct {
	Identities []string
	Shown      string
	Rows       []struct {
		Route, Op string
		Visible   bool
		Cells     []struct{ Class, Verdict, Color string }
	}
}

// TestProbeHTMLReport opens the HTML report of a probe run in headless
// Chromium, from a file and with nothing else to load: the run is the
// example's own probe, --unsafe, against the example with a hole (an
// unguarded GET /api/v1/admin/users), so the page has every kind of cell: ok
// (allowed and refused), skipped (logout, login), stricter (refresh without a
// refresh cookie) and weaker. The matrix has a row per route and a column per identity,
// cells coloured by verdict, and the filters hide the rows they should.
func TestProbeHTMLReport(t *testing.T) {
	_, base := startApp(t, newTestClock(), unguardedAdminUsers)
	rep := runProbe(t, base, probe.Options{Unsafe: true})
	page := filepath.Join(t.TempDir(), "probe-report.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteHTML(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	ctx := newBrowser(t)
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	t.Cleanup(func() { screenshotOnFailure(t, ctx) })

	// Everything the page asks for, and every script error.
	var mu sync.Mutex
	var requests, exceptions []string
	if err := chromedp.Listen(tctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		case *runtime.EventExceptionThrown:
			exceptions = append(exceptions, e.ExceptionDetails.Text)
		}
	}); err != nil {
		t.Fatal(err)
	}

	fileURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(page)}).String()
	if err := chromedp.Do(tctx, chromedp.Navigate(fileURL), chromedp.WaitVisible(chromedp.ID("matrix"))); err != nil {
		t.Fatalf("open %s: %v", fileURL, err)
	}
	read := func() shownMatrix {
		t.Helper()
		js, err := chromedp.Run(tctx, chromedp.Evaluate[string](matrixJS))
		if err != nil {
			t.Fatal(err)
		}
		var m shownMatrix
		if err := json.Unmarshal([]byte(js), &m); err != nil {
			t.Fatalf("%v: %s", err, js)
		}
		return m
	}
	visible := func(m shownMatrix) []string {
		var out []string
		for _, r := range m.Rows {
			if r.Visible {
				out = append(out, r.Op)
			}
		}
		return out
	}

	m := read()
	if !slices.Equal(m.Identities, rep.Identities) {
		t.Errorf("columns = %q, want %q", m.Identities, rep.Identities)
	}
	if len(m.Rows) != len(rep.Routes) {
		t.Fatalf("%d rows, want one per route (%d)", len(m.Rows), len(rep.Routes))
	}
	wantClass := map[probe.Verdict]string{probe.Weaker: "weaker", probe.Stricter: "stricter", probe.Skipped: "skipped"}
	colors := map[string]string{}
	for i, route := range rep.Routes {
		row := m.Rows[i]
		if want := route.Method + " " + route.Path + route.OperationID; row.Route != want || !row.Visible {
			t.Errorf("row %d = %q (visible %v), want %q", i, row.Route, row.Visible, want)
		}
		if len(row.Cells) != len(rep.Identities) {
			t.Errorf("%s: %d cells, want %d", route.OperationID, len(row.Cells), len(rep.Identities))
			continue
		}
		for j, id := range rep.Identities {
			res := rep.Result(route.OperationID, id)
			class, ok := wantClass[res.Verdict]
			switch {
			case ok:
			case res.Expected == probe.Allowed:
				class = "ok-allowed"
			default:
				class = "ok-refused"
			}
			c := row.Cells[j]
			if c.Class != "cell "+class || c.Verdict != string(res.Verdict) {
				t.Errorf("%s as %s: class %q verdict %q, want %q %q", route.OperationID, id, c.Class, c.Verdict, class, res.Verdict)
			}
			if prev, seen := colors[class]; seen && prev != c.Color {
				t.Errorf("%s cells in two colours: %s and %s", class, prev, c.Color)
			}
			colors[class] = c.Color
		}
	}
	// Each kind of cell is there, and each has its own colour.
	if len(colors) != 5 {
		t.Errorf("cell kinds shown: %v, want weaker, stricter, skipped, ok-allowed and ok-refused", colors)
	}
	seen := map[string]string{}
	for class, color := range colors {
		if other, dup := seen[color]; dup {
			t.Errorf("%s and %s share the colour %s", class, other, color)
		}
		seen[color] = class
	}
	if m.Shown != "10 of 10 routes" {
		t.Errorf("shown = %q", m.Shown)
	}

	if *updateProbeScreenshot {
		shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		path := filepath.Join("..", "..", "docs", "probe.png")
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}

	// "only routes with findings" leaves the route with the hole and the
	// stricter one.
	if err := chromedp.Do(tctx, chromedp.Click(chromedp.ID("findings"))); err != nil {
		t.Fatal(err)
	}
	m = read()
	if got := visible(m); !slices.Equal(got, []string{"refreshSession", "listUsers"}) || m.Shown != "2 of 10 routes" {
		t.Errorf("only findings: %q shown (%q), want refreshSession and listUsers", got, m.Shown)
	}
	if err := chromedp.Do(tctx, chromedp.Click(chromedp.ID("findings"))); err != nil {
		t.Fatal(err)
	}

	// Typing filters by method, path, operationId or requirement.
	if err := chromedp.Do(tctx, chromedp.SendKeys(chromedp.ID("filter"), "/admin")); err != nil {
		t.Fatal(err)
	}
	if got := visible(read()); !slices.Equal(got, []string{"listUsers", "getReport"}) {
		t.Errorf("filter /admin: %q shown, want listUsers and getReport", got)
	}
	if err := chromedp.Do(tctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("filter").value = ""`), chromedp.SendKeys(chromedp.ID("filter"), "reportkey")); err != nil {
		t.Fatal(err)
	}
	if got := visible(read()); !slices.Equal(got, []string{"getReport"}) {
		t.Errorf("filter reportkey: %q shown, want getReport", got)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(requests) != 1 || requests[0] != fileURL {
		t.Errorf("the page loaded %q, want only itself (%s)", requests, fileURL)
	}
	if len(exceptions) > 0 {
		t.Errorf("script errors: %q", exceptions)
	}
}
