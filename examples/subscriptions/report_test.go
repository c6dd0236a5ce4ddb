package main

import (
	"encoding/json"
	"net/http"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// testReportKey is the operator's API key the test apps accept for GET /admin/report.
const testReportKey = "test-report-key-0123456789abcdef"

// TestAdminReport checks the route with two security alternatives over real HTTP:
// an administrator's session, or the API key with reports:read in X-API-Key.
func TestAdminReport(t *testing.T) {
	clock := newTestClock()
	_, base := startApp(t, clock)
	const report = "/api/v1/admin/report"

	get := func(path string, header http.Header) (int, []byte) {
		t.Helper()
		req, err := http.NewRequest("GET", base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body json.RawMessage
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body
	}

	st, b := get(report, http.Header{"X-Api-Key": {testReportKey}})
	if st != http.StatusOK {
		t.Fatalf("API key: %d %s, want 200", st, b)
	}
	var rep struct {
		Plans []struct {
			Plan  string
			Users int
		}
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, p := range rep.Plans {
		counts[p.Plan] = p.Users
	}
	if len(rep.Plans) != 3 || counts["basic"] != 1 || counts["plus"] != 0 || counts["pro"] != 1 {
		t.Errorf("report = %s, want basic 1, plus 0, pro 1", b)
	}

	// 401: no credential any alternative accepts (SECURITY case 50 for the key).
	for name, h := range map[string]http.Header{
		"anonymous":      nil,
		"wrong key":      {"X-Api-Key": {testReportKey + "x"}},
		"empty key":      {"X-Api-Key": {""}},
		"key sent twice": {"X-Api-Key": {testReportKey, testReportKey}},
		"key as Bearer":  {"Authorization": {"Bearer " + testReportKey}},
	} {
		if st, b := get(report, h); st != http.StatusUnauthorized {
			t.Errorf("%s: %d %s, want 401", name, st, b)
		}
	}
	if st, b := get(report+"?X-API-Key="+testReportKey, nil); st != http.StatusUnauthorized {
		t.Errorf("key in the query: %d %s, want 401", st, b)
	}
	// The key opens only routes that declare its scheme.
	if st, b := get("/api/v1/me", http.Header{"X-Api-Key": {testReportKey}}); st != http.StatusUnauthorized {
		t.Errorf("key on /me: %d %s, want 401", st, b)
	}

	// A session without the admin role is authenticated but lacks the scope: 403.
	alice := newAPIClient(t, base)
	alice.login("alice@example.com", "wonderland")
	if st, b := alice.do("GET", report, nil); st != http.StatusForbidden {
		t.Errorf("alice: %d %s, want 403", st, b)
	}
	admin := newAPIClient(t, base)
	admin.login("admin@example.com", "admin-pass")
	if st, b := admin.do("GET", report, nil); st != http.StatusOK {
		t.Errorf("admin: %d %s, want 200", st, b)
	}
}

// TestAdminReportWithoutKey: with SUBSCRIPTIONS_REPORT_KEY unset the API-key
// alternative accepts nothing, and the service still starts.
func TestAdminReportWithoutKey(t *testing.T) {
	a, err := newApp(config{Insecure: true, BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	if n := len(a.reportKeys.Hashes()); n != 0 {
		t.Errorf("%d keys without %s, want none", n, reportKeyEnv)
	}
}
