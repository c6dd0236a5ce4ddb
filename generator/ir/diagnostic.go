package ir

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
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
	CodeRouteConflict        = "route-conflict"         // net/http.ServeMux would refuse the pattern
	CodeSecurityMismatch     = "security-mismatch"      // x-auth-required disagrees with security (lint)
	CodeSwaggerConverted     = "swagger-converted"      // a Swagger 2.0 document was converted (notice)
	CodeYAMLSyntax           = "yaml-syntax"            // the document is not valid YAML or JSON
	CodeRefBroken            = "ref-broken"             // a $ref could not be resolved
	CodeRefRemote            = "ref-remote"             // a remote $ref was refused
	CodeLoadFailed           = "load-failed"            // any other load failure
	CodeCompat               = "compat"                 // prefix of compat rewrites before oapi-codegen
	// CodeCodegenFailed is an error or a panic of oapi-codegen, placed at the
	// schema, path or operation its message names.
	CodeCodegenFailed = "codegen-failed"
)

// CodeDuplicateKey is the error for a key written twice in one mapping of the
// document or of a file it $refs: kin-openapi (like encoding/json) keeps the
// last copy without a word, so a second /admin path, or a second security
// scheme of the same name, would silently replace the first.
const CodeDuplicateKey = "duplicate-key"

// Codes of route planning (warnings; stable like the others).
const (
	// CodeRouteAdapted marks a route that net/http.ServeMux cannot register as
	// written and that RegisterRoutes reaches through an adapter
	// (runtime/pathmatch).
	CodeRouteAdapted = "route-adapted"
	// CodeRouteShadowed marks a route that can never be reached: an earlier
	// route matches every request it matches (two paths differing only in
	// parameter names). It is still wired, so the code compiles.
	CodeRouteShadowed = "route-shadowed"
)

// Codes of the security requirements.
const (
	CodeSecurityUndeclared  = "security-undeclared"  // a requirement names a scheme components.securitySchemes lacks
	CodeSecurityUnsupported = "security-unsupported" // a scheme type specgate cannot enforce (mutualTLS, http digest, ...)
	CodeSecurityInvalid     = "security-invalid"     // a scheme or requirement that cannot be enforced as written
	CodeScopeInvalid        = "scope-invalid"        // a scope no credential could ever be checked against
	CodeSecurityWeakened    = "security-weakened"    // an annotation would admit callers the document's security refuses
	CodeRolesOnSecurity     = "roles-on-security"    // x-auth-roles on a route whose requirement comes from security
)

// Codes of the schema-graph checks run before compat and oapi-codegen.
const (
	// CodeRefCycle is a $ref that never reaches a schema: A → A, or A → B → A.
	// kin-openapi leaves such a reference without a value, on which
	// oapi-codegen dereferences nil.
	CodeRefCycle = "ref-cycle"
	// CodePathRefChain is a path item that reaches its operations only through
	// a $ref to another $ref: kin-openapi follows one hop of a path item's $ref
	// (in some key orders more), so its operations would be missing from the
	// table.
	CodePathRefChain = "path-ref-chain"
	// CodeSchemaCycle is a schema that is its own allOf member, directly or
	// through others: allOf merges members into one Go struct, so the merge
	// (specgate's and oapi-codegen's) would never end.
	CodeSchemaCycle = "schema-cycle"
	// CodeSchemaTooDeep is an inline schema nested deeper than
	// the generator's bound (256 levels; a $ref starts again at 0): each level is one more nested Go type literal, and
	// gofmt (go/parser) refuses source nested about a thousand deep.
	CodeSchemaTooDeep = "schema-too-deep"
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
