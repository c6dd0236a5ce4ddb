// Package templates holds the text/template files specgate renders its own
// generated code from (routes.gen.go); oapi-codegen brings its own for api.gen.go.
package templates

import "embed"

// FS holds every *.tmpl file of this folder.
//
//go:embed *.tmpl
var FS embed.FS
