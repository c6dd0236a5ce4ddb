package generator

import (
	"context"
	"fmt"
	"sync"

	"github.com/specgate/specgate/generator/load"
	"github.com/specgate/specgate/generator/render"
)

// reservedProbe is a document that takes every branch of routes.tmpl: routes
// registered as written, wildcards inside a segment (adapted), two patterns
// ServeMux refuses side by side (a dispatch group), each auth mode, roles and
// security schemes. Rendering it gives the package-level names routes.gen.go
// can declare, whatever the document.
const reservedProbe = `openapi: 3.0.3
info: {title: probe, version: "1"}
x-auth-required: true
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    key: {type: apiKey, in: header, name: X-Key}
paths:
  /a/{id}:
    get: {operationId: a, x-auth-roles: [admin], parameters: [{name: id, in: path, required: true, schema: {type: string}}], responses: {"204": {description: ok}}}
  /b/{name}.json:
    get: {operationId: b, x-auth-required: false, parameters: [{name: name, in: path, required: true, schema: {type: string}}], responses: {"204": {description: ok}}}
  /r/{x}/c/{y}:
    get: {operationId: c, x-auth-required: optional, parameters: [{name: x, in: path, required: true, schema: {type: string}}, {name: y, in: path, required: true, schema: {type: string}}], responses: {"204": {description: ok}}}
  /r/c/{z}/{w}:
    get: {operationId: d, security: [{bearer: []}, {key: []}], parameters: [{name: z, in: path, required: true, schema: {type: string}}, {name: w, in: path, required: true, schema: {type: string}}], responses: {"204": {description: ok}}}
`

// routesNames are the package-level names routes.gen.go declares and the
// names its imports take (from the probe's render), reserved in compat
// against everything oapi-codegen declares: a schema whose x-go-name is auth
// or pathmatch would not compile beside those imports. checkClashes still
// guards the real render.
var routesNames = sync.OnceValues(func() ([]string, error) {
	doc, err := load.LoadData(context.Background(), "probe.yaml", []byte(reservedProbe), load.Options{})
	if err != nil {
		return nil, fmt.Errorf("%w: reserved-name probe: %w", ErrRender, err)
	}
	table, diags := Build(doc, BuildOptions{Missing: MissingFromSecurity})
	if HasErrors(diags) {
		return nil, fmt.Errorf("%w: reserved-name probe: %v", ErrRender, diags)
	}
	stand := make([]string, len(table.Routes))
	for i, r := range table.Routes {
		stand[i] = r.GoName
	}
	src, err := render.Routes(table, stand, "probe")
	if err != nil {
		return nil, err
	}
	return render.RoutesNames(src), nil
})
