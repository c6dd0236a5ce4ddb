// Package render is the generator's last stage before Write: from a loaded
// document and its table (package ir, made by Build and planned by
// routeplan) it produces api.gen.go, with oapi-codegen after compat has
// prepared the document, and routes.gen.go, from our templates
// (package templates), which get data only: the routes, their security and
// the registration units. Each route's operation is found at its Route.Key.
// Nothing is written to disk here.
package render
