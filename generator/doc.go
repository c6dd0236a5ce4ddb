// Package generator turns an OpenAPI document annotated with x-auth-required and
// x-auth-roles into Go code for net/http: oapi-codegen's api.gen.go and specgate's
// routes.gen.go (the route-auth table and RegisterRoutes).
//
// It works in stages, one package each, with plain data in between (the
// approach of ogen's openapi/parser → gen/ir → gen and sqlc's compiler →
// codegen); each is usable on its own:
//
//	load      (path, fs.FS or bytes → *load.Document)  kin-openapi, origins on, YAML
//	          or JSON, 3.0/3.1 (Swagger 2.0 converted with a notice); duplicate keys;
//	          the paths in document order; Position maps origins to file:line:col
//	compat    (compat.Paths: *openapi3.T → compat.Changes)  path keys oapi-codegen
//	          cannot generate rewritten before the table is built; it returns what
//	          it moved (old key → new key, served path) and the operationIds it set
//	table     (table.Build: *Document → *ir.Table, []ir.Diagnostic)  the annotations and
//	          security into routes, requirements and positions, every problem at
//	          once; package ir is the plain data every stage shares (one Position)
//	routeplan (routeplan.Make: routes → Plan)  how RegisterRoutes registers each
//	          route (Table.Units, Route.Registered), adapters where ServeMux cannot
//	render    (render.Render: *Document, *ir.Table → []File)  compat.PrepareWith,
//	          oapi-codegen, templates/routes.tmpl; operations found at Route.Key
//	Write     (dir, []File → paths)  atomic per file, removes stale specgate files
//
// Generate runs load, compat.Paths, table.Build (with routeplan) and Render
// in memory; nothing touches the disk until the caller passes Result.Files to
// Write. Build alone (lint, routes, probe) leaves the document untouched and
// plans compat's moves with compat.PlanPaths, the function compat.Paths
// applies, so both give the same table. The generator package re-exports
// the stages' types and entry points (Route, Table, Diagnostic, Document,
// Load, Build, Render, ...), so callers import only it.
//
// Decisions, for users and for the tools built on this package:
//
//   - Spec order is document order: paths as written (from origins, or from the root
//     document's own YAML when a path item lives in another file), methods as written
//     within a path. Without origins (a converted Swagger 2.0 document) paths sort by
//     name and methods go GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH, TRACE, QUERY.
//   - x-auth-required is true (Required), false (Public) or "optional" (Optional),
//     nothing else: not "true", not "yes", not 1. The nearest level that sets it wins
//     (operation, path item, root), even when its value is invalid: that is an
//     error, and nothing is guessed from outer levels.
//   - x-auth-roles is a list of non-empty strings without surrounding spaces; [] means
//     any authenticated user and clears inherited roles. Roles resolve nearest-first
//     independently of x-auth-required. Roles set at a level as near as, or nearer
//     than, the one that made a route public or optional are an error (they could
//     never be enforced); roles from farther out are overridden by that level.
//   - Missing annotations follow the auth.missing policy: error (default),
//     required (fail closed, one warning per operation), or from-security.
//   - A missing operationId is a warning, not an error: like oapi-codegen, the id is
//     generated from the method and path (GET /pets/{id} → GetPetsId) and used in the
//     table. Duplicate operationIds, and distinct ones that become the same Go method
//     name, are errors.
//   - Every operation is reachable even where net/http.ServeMux cannot take its
//     path as written (see package routeplan): a wildcard inside a segment
//     (/critics/{type}.json), a query string in the path, a parameter written
//     twice, or paths ServeMux refuses side by side. RegisterRoutes then registers
//     a wider pattern with an adapter in front of g.Wrap (runtime/pathmatch, fed
//     with generated pathmatch.Segment data) that checks the rest of the path
//     (404 when it does not fit) and sets the path values;
//     conflicting routes, and an adapted route with a more general route its wider
//     pattern would take requests from, share one pattern whose handler tries its
//     few members, most specific first, then in document order. Each such route gets a
//     route-adapted warning, Route.Registered and auth.Route.Pattern name the
//     registered pattern, and routes registered as written are generated exactly
//     as before. A route that an earlier one shadows entirely (paths differing
//     only in parameter names) is a route-shadowed warning; only a path ServeMux
//     cannot parse at all is a route-conflict error. The plan is checked by
//     registering it on a throwaway ServeMux.
//   - Unknown x-auth-* extensions are warnings: a typo there silently changes access.
//   - Config.BaseURL prefixes every pattern; "servers" takes the path of the first
//     server URL with its variables at their defaults. RegisterRoutesWithOptions
//     replaces it with its own BaseURL.
//   - Diagnostics print as file:line:col: code: message, sorted and deduplicated;
//     codes are stable (see the Code constants).
//   - A document that opens with '{' or '[' (JSON) is parsed with "--- " put before
//     it, which spares kin-openapi's YAML scanner a queue of every token of the
//     document (see markFlowDocument); positions are moved back, so no diagnostic
//     changes.
package generator
