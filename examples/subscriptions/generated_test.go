package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/specgate/specgate/examples/subscriptions/api"
	"github.com/specgate/specgate/generator"
	"github.com/specgate/specgate/runtime/auth"
)

// TestGeneratedCodeIsCurrent regenerates api/ in memory and compares it with the
// committed files, as `specgate check` does in CI.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	cfg, err := generator.LoadConfig(generator.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	res, err := generator.Generate(context.Background(), cfg)
	if err != nil {
		t.Fatalf("generate: %v\n%v", err, res.Diagnostics)
	}
	for _, d := range res.Diagnostics {
		t.Errorf("the example's spec should be clean: %v", d)
	}
	for _, f := range res.Files {
		disk, err := os.ReadFile(filepath.Join(cfg.Output, f.Name))
		if err != nil || !bytes.Equal(disk, f.Data) {
			t.Errorf("api/%s is missing or stale (%v): run go generate ./examples/subscriptions", f.Name, err)
		}
	}
	stale, err := generator.StaleFiles(cfg.Output, res.Files)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Errorf("stale generated files: %v", stale)
	}
}

// TestRouteTable pins the protection of every operation to what the example promises.
func TestRouteTable(t *testing.T) {
	want := []auth.Route{
		{Method: "POST", Pattern: "/api/v1/auth/login", OperationID: "login", Auth: auth.Public},
		{Method: "POST", Pattern: "/api/v1/auth/refresh", OperationID: "refreshSession", Auth: auth.Public},
		{Method: "POST", Pattern: "/api/v1/auth/logout", OperationID: "logout", Auth: auth.Required},
		{Method: "GET", Pattern: "/api/v1/me", OperationID: "getMe", Auth: auth.Required},
		{Method: "GET", Pattern: "/api/v1/subscription_info", OperationID: "getSubscriptionInfo", Auth: auth.Required},
		{Method: "PUT", Pattern: "/api/v1/subscription", OperationID: "updateSubscription", Auth: auth.Required},
		{Method: "GET", Pattern: "/api/v1/plans", OperationID: "listPlans", Auth: auth.Public},
		{Method: "GET", Pattern: "/api/v1/feed", OperationID: "getFeed", Auth: auth.Optional},
		{Method: "GET", Pattern: "/api/v1/admin/users", OperationID: "listUsers", Auth: auth.Required, Roles: []string{"admin"}},
		{Method: "GET", Pattern: "/api/v1/admin/report", OperationID: "getReport", Auth: auth.Required, Security: []auth.Requirement{
			{{Scheme: auth.Scheme{Name: "cookieAuth", Kind: auth.APIKey, In: auth.InCookie, Param: "__Host-access"}, Scopes: []string{"admin"}}},
			{{Scheme: auth.Scheme{Name: "reportKey", Kind: auth.APIKey, In: auth.InHeader, Param: "X-API-Key"}, Scopes: []string{"reports:read"}}},
		}},
	}
	if len(api.Routes) != len(want) {
		t.Fatalf("%d routes, want %d: %+v", len(api.Routes), len(want), api.Routes)
	}
	for i, got := range api.Routes {
		w := want[i]
		if got.Method != w.Method || got.Pattern != w.Pattern || got.OperationID != w.OperationID ||
			got.Auth != w.Auth || !slices.Equal(got.Roles, w.Roles) || !reflect.DeepEqual(got.Security, w.Security) {
			t.Errorf("route %d = %+v, want %+v", i, got, w)
		}
	}
}
