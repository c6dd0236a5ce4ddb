package generator

import "github.com/specgate/specgate/generator/ir"

// The IR (package ir), re-exported so callers need only this package.
type (
	// Mode is ir.Mode: what a route asks of the caller.
	Mode = ir.Mode
	// Source is ir.Source: where a route's mode or roles came from.
	Source = ir.Source
	// Position is ir.Position: a place in a document.
	Position = ir.Position
	// Route is ir.Route: one operation of the route-auth table.
	Route = ir.Route
	// Table is ir.Table: the route-auth table of a document.
	Table = ir.Table
	// Severity is ir.Severity: how much a Diagnostic matters.
	Severity = ir.Severity
	// Diagnostic is ir.Diagnostic: one positioned finding.
	Diagnostic = ir.Diagnostic
	// SchemeRequirement is ir.SchemeRequirement.
	SchemeRequirement = ir.SchemeRequirement
	// Requirement is ir.Requirement: one alternative of a route's security.
	Requirement = ir.Requirement
	// SecurityScheme is ir.SecurityScheme: a security scheme the table uses.
	SecurityScheme = ir.SecurityScheme
)

// Modes, Sources and Severities (see package ir).
const (
	Required = ir.Required
	Optional = ir.Optional
	Public   = ir.Public

	FromNone      = ir.FromNone
	FromPolicy    = ir.FromPolicy
	FromSecurity  = ir.FromSecurity
	FromRoot      = ir.FromRoot
	FromPath      = ir.FromPath
	FromOperation = ir.FromOperation

	Error   = ir.Error
	Warning = ir.Warning
	Notice  = ir.Notice
)

// SessionScheme is ir.SessionScheme, the built-in cookie session.
const SessionScheme = ir.SessionScheme

// Stable diagnostic codes (see package ir).
const (
	CodeAuthMissing          = ir.CodeAuthMissing
	CodeAuthInvalid          = ir.CodeAuthInvalid
	CodeRolesInvalid         = ir.CodeRolesInvalid
	CodeRolesOnPublic        = ir.CodeRolesOnPublic
	CodeRolesOnOptional      = ir.CodeRolesOnOptional
	CodeOperationIDMissing   = ir.CodeOperationIDMissing
	CodeOperationIDDuplicate = ir.CodeOperationIDDuplicate
	CodeOperationIDRenamed   = ir.CodeOperationIDRenamed
	CodeRouteConflict        = ir.CodeRouteConflict
	CodeRouteAdapted         = ir.CodeRouteAdapted
	CodeRouteShadowed        = ir.CodeRouteShadowed
	CodeSecurityMismatch     = ir.CodeSecurityMismatch
	CodeSwaggerConverted     = ir.CodeSwaggerConverted
	CodeYAMLSyntax           = ir.CodeYAMLSyntax
	CodeRefBroken            = ir.CodeRefBroken
	CodeRefRemote            = ir.CodeRefRemote
	CodeLoadFailed           = ir.CodeLoadFailed
	CodeCompat               = ir.CodeCompat
	CodeDuplicateKey         = ir.CodeDuplicateKey
	CodeCodegenFailed        = ir.CodeCodegenFailed
	CodeSecurityUndeclared   = ir.CodeSecurityUndeclared
	CodeSecurityUnsupported  = ir.CodeSecurityUnsupported
	CodeSecurityInvalid      = ir.CodeSecurityInvalid
	CodeScopeInvalid         = ir.CodeScopeInvalid
	CodeSecurityWeakened     = ir.CodeSecurityWeakened
	CodeRolesOnSecurity      = ir.CodeRolesOnSecurity
	CodeRefCycle             = ir.CodeRefCycle
	CodeSchemaCycle          = ir.CodeSchemaCycle
	CodeSchemaTooDeep        = ir.CodeSchemaTooDeep
)

// SortDiagnostics is ir.SortDiagnostics: sorted by position, then severity,
// code and message, exact duplicates dropped.
func SortDiagnostics(ds []Diagnostic) []Diagnostic { return ir.SortDiagnostics(ds) }

// HasErrors is ir.HasErrors: whether any of ds has severity Error.
func HasErrors(ds []Diagnostic) bool { return ir.HasErrors(ds) }

// ShortFormRequirements is ir.ShortFormRequirements: the short form in
// OpenAPI's meaning.
func ShortFormRequirements(m Mode, roles []string) []Requirement {
	return ir.ShortFormRequirements(m, roles)
}

// RequirementsMode is ir.RequirementsMode: the mode a list of requirements
// amounts to.
func RequirementsMode(reqs []Requirement) Mode { return ir.RequirementsMode(reqs) }

// RequirementsString is ir.RequirementsString: alternatives for people.
func RequirementsString(reqs []Requirement) string { return ir.RequirementsString(reqs) }
