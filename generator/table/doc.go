// Package table is the generator's table stage: Build reads a loaded
// document's annotations (x-auth-required, x-auth-roles) and OpenAPI
// security into the route-auth table, the IR of package ir: routes in
// document order, their modes, roles and requirements, positions, the names
// oapi-codegen will give them, and every problem at once as positioned
// diagnostics. It then plans the routes' registration (package routeplan).
// It runs after compat's path stage, or plans what that stage will move,
// and never modifies the document.
package table
