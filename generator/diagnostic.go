package generator

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/specgate/specgate/generator/routeplan"
)

// Severity says how much a Diagnostic matters. Only errors fail a run.
type Severity uint8

const (
	// Error findings stop generation: nothing is written.
	Error Severity = iota
	// Warning findings are shown but do not stop generation.
	Warning
	// Notice findings are informational (shown with -v).
	Notice
)

// String returns "error", "warning" or "notice".
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Notice:
		return "notice"
	}
	return "invalid"
}

// MarshalText makes a Severity print as its name in JSON output.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Stable diagnostic codes. Tools and tests may match on them; they never change meaning.
const (
	CodeAuthMissing          = "auth-missing"           // no x-auth-required at any level
	CodeAuthInvalid          = "auth-invalid"           // x-auth-required is not true, false or "optional"
	CodeRolesInvalid         = "roles-invalid"          // x-auth-roles is not a list of non-empty strings
	CodeRolesOnPublic        = "roles-on-public"        // roles where the route is public
	CodeRolesOnOptional      = "roles-on-optional"      // roles where the route is optional (never enforced)
	CodeOperationIDMissing   = "operation-id-missing"   // an operationId was generated (warning)
	CodeOperationIDDuplicate = "operation-id-duplicate" // two operations share an operationId
	CodeOperationIDRenamed   = "operation-id-renamed"   // an operationId's Go name was taken; a suffix was added (warning)
	CodeRouteConflict        = routeplan.CodeConflict   // net/http.ServeMux would refuse the pattern
	CodeSecurityMismatch     = "security-mismatch"      // x-auth-required disagrees with security (lint)
	CodeSwaggerConverted     = "swagger-converted"      // a Swagger 2.0 document was converted (notice)
	CodeYAMLSyntax           = "yaml-syntax"            // the document is not valid YAML or JSON
	CodeRefBroken            = "ref-broken"             // a $ref could not be resolved
	CodeRefRemote            = "ref-remote"             // a remote $ref was refused
	CodeLoadFailed           = "load-failed"            // any other load failure
	CodeCompat               = "compat"                 // prefix of compat rewrites before oapi-codegen
)

// Diagnostic is one finding about the document, positioned where the user can fix it.
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Col      int      `json:"col"`
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
}

// String formats d as file:line:col: code: message. Unknown parts are left out, so a
// finding without a position prints as file: code: message.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.Pos())
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(d.Code)
	b.WriteString(": ")
	b.WriteString(d.Message)
	return b.String()
}

// Pos returns file:line:col, file:line or file, whichever is known.
func (d Diagnostic) Pos() string {
	switch {
	case d.Line > 0 && d.Col > 0:
		return fmt.Sprintf("%s:%d:%d", d.File, d.Line, d.Col)
	case d.Line > 0:
		return fmt.Sprintf("%s:%d", d.File, d.Line)
	}
	return d.File
}

// SortDiagnostics sorts ds by position, then severity, code and message, and drops
// exact duplicates. The same document always gives the same list.
func SortDiagnostics(ds []Diagnostic) []Diagnostic {
	slices.SortFunc(ds, compareDiagnostics)
	return slices.Compact(ds)
}

func compareDiagnostics(a, b Diagnostic) int {
	return cmp.Or(
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Col, b.Col),
		cmp.Compare(a.Severity, b.Severity),
		cmp.Compare(a.Code, b.Code),
		cmp.Compare(a.Message, b.Message),
	)
}

// HasErrors reports whether any of ds has severity Error.
func HasErrors(ds []Diagnostic) bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}
