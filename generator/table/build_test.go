package table_test

import (
	"context"
	"slices"
	"testing"

	"github.com/specgate/specgate/generator/ir"
	"github.com/specgate/specgate/generator/load"
	"github.com/specgate/specgate/generator/table"
)

const doc = `openapi: 3.0.3
info: {title: t, version: "1"}
x-auth-required: true
paths:
  /plans:
    get:
      operationId: listPlans
      x-auth-required: false
      responses: {"200": {description: ok}}
  /admin/users:
    x-auth-roles: [admin]
    get:
      operationId: listUsers
      responses: {"200": {description: ok}}
  /feed:
    get:
      x-auth-required: optional
      responses: {"200": {description: ok}}
`

func build(t *testing.T, src string, opts table.Options) (*ir.Table, []ir.Diagnostic) {
	t.Helper()
	d, err := load.LoadData(context.Background(), "openapi.yaml", []byte(src), load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return table.Build(d, opts)
}

// TestBuild reads the annotations at their three levels into the table, in
// document order, with where each route was written, and plans the routes.
func TestBuild(t *testing.T) {
	tab, diags := build(t, doc, table.Options{BaseURL: "/v1"})
	if ir.HasErrors(diags) {
		t.Fatalf("errors: %v", diags)
	}
	type row struct {
		method, pattern, id string
		auth                ir.Mode
		roles               []string
		line                int
	}
	want := []row{
		{"GET", "/v1/plans", "listPlans", ir.Public, nil, 6},
		{"GET", "/v1/admin/users", "listUsers", ir.Required, []string{"admin"}, 12},
		{"GET", "/v1/feed", "GetFeed", ir.Optional, nil, 16},
	}
	if len(tab.Routes) != len(want) {
		t.Fatalf("%d routes, want %d: %+v", len(tab.Routes), len(want), tab.Routes)
	}
	for i, w := range want {
		r := tab.Routes[i]
		if r.Method != w.method || r.Pattern != w.pattern || r.OperationID != w.id || r.Auth != w.auth ||
			!slices.Equal(r.Roles, w.roles) || r.Pos.Line != w.line || r.Pos.File != "openapi.yaml" {
			t.Errorf("route %d = %s %s %s %v %v at %v, want %+v", i, r.Method, r.Pattern, r.OperationID, r.Auth, r.Roles, r.Pos, w)
		}
		if r.Registered == "" {
			t.Errorf("route %d not planned (no Registered pattern)", i)
		}
	}
	if !slices.ContainsFunc(diags, func(d ir.Diagnostic) bool {
		return d.Code == ir.CodeOperationIDMissing && d.Line == 16
	}) {
		t.Errorf("no operation-id-missing warning at line 16: %v", diags)
	}
}

// TestBuildMissingPolicy: an operation annotated at no level is an error at its
// position by default, and required (fail closed, with a warning) under
// MissingRequired; never public.
func TestBuildMissingPolicy(t *testing.T) {
	const bare = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /me:
    get:
      operationId: getMe
      responses: {"200": {description: ok}}
`
	_, diags := build(t, bare, table.Options{})
	if !ir.HasErrors(diags) || !slices.ContainsFunc(diags, func(d ir.Diagnostic) bool {
		return d.Code == ir.CodeAuthMissing && d.Severity == ir.Error && d.Line == 5
	}) {
		t.Fatalf("default policy: want an auth-missing error at line 5, got %v", diags)
	}
	tab, diags := build(t, bare, table.Options{Missing: table.MissingRequired})
	if ir.HasErrors(diags) || len(tab.Routes) != 1 || tab.Routes[0].Auth != ir.Required {
		t.Fatalf("required policy: %v, %+v", diags, tab.Routes)
	}
}
