package generator

import "fmt"

// SecurityMismatches returns a security-mismatch warning for every route whose
// x-auth-required annotation disagrees with the mode its OpenAPI security implies
// (none → public, {} among the requirements → optional, else required). Routes
// whose document declares no security, and routes whose mode came from the
// from-security policy, are not compared. Used by lint; generate does not call it.
func SecurityMismatches(t *Table) []Diagnostic {
	var ds []Diagnostic
	for _, r := range t.Routes {
		if !r.SecurityDeclared || r.AuthFrom < FromRoot || r.Auth == r.Security {
			continue
		}
		p := r.AuthPos
		if p.File == "" {
			p = r.Pos
		}
		ds = append(ds, Diagnostic{
			File: p.File, Line: p.Line, Col: p.Col, Severity: Warning, Code: CodeSecurityMismatch,
			Message: fmt.Sprintf("%s %s is %s by %s (from %s) but its OpenAPI security makes it %s", r.Method, r.Path, r.Auth, ExtAuthRequired, r.AuthFrom, r.Security),
		})
	}
	return SortDiagnostics(ds)
}
