package table

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specgate/specgate/generator/ir"
	"github.com/specgate/specgate/generator/load"
)

// securityState is what Build remembers about security across routes.
type securityState struct {
	parsed  map[string]load.Parsed // source files parsed for positions (securitypos.go)
	checked map[string]bool        // scheme name → usable; each scheme is judged once
	used    map[string]bool        // schemes a route's Requirements name
}

// effectiveSecurity is the operation's security list, else the root's; nil
// when neither declares one. atOp says which.
func effectiveSecurity(t *openapi3.T, op *openapi3.Operation) (reqs openapi3.SecurityRequirements, atOp bool) {
	if op.Security != nil {
		return *op.Security, true
	}
	return t.Security, false
}

// toRequirements converts kin-openapi's requirements: alternatives in order,
// schemes sorted by name, scopes as written (never nil). A declared list is
// never nil, even when empty.
func toRequirements(reqs openapi3.SecurityRequirements) []ir.Requirement {
	out := make([]ir.Requirement, 0, len(reqs))
	for _, req := range reqs {
		alt := make(ir.Requirement, 0, len(req))
		for _, name := range sortedKeys(req) {
			alt = append(alt, ir.SchemeRequirement{Scheme: name, Scopes: append([]string{}, req[name]...)})
		}
		out = append(out, alt)
	}
	return out
}

// requirements fills r.Requirements and r.SecurityRequirements, checks what the
// route enforces can be enforced, and refuses an annotation that would make
// the table weaker than the document's security.
func (b *builder) requirements(r *ir.Route, path, method string, op *openapi3.Operation) {
	reqs, atOp := effectiveSecurity(b.doc.T, op)
	if reqs != nil {
		r.SecurityRequirements = toRequirements(reqs)
	}
	name := b.describeOp(r.Method+" "+r.Path, op)
	if !r.UsesSecurity() {
		r.Requirements = ir.ShortFormRequirements(r.Auth, r.Roles)
		b.checkAnnotationAgainstSecurity(r, name)
		return
	}
	if len(r.Roles) > 0 {
		b.diag(r.Pos, ir.Error, ir.CodeRolesOnSecurity, "%s takes its requirement from its OpenAPI security (no %s applies, auth.missing: from-security), but %s from %s applies too: roles belong to the short form; set %s, or ask for scopes in security", name, ExtAuthRequired, ExtAuthRoles, r.RolesFrom, ExtAuthRequired)
		r.Roles, r.RolesFrom = nil, ir.FromNone
	}
	r.Requirements = slices.Clone(r.SecurityRequirements)
	if r.Requirements == nil {
		r.Requirements = []ir.Requirement{}
	}
	var listOp *openapi3.Operation
	where := "its root-level security"
	if atOp {
		listOp, where = op, "its security"
	}
	at := b.securityList(listOp, path, strings.ToLower(method), r.Pos)
	for i, req := range reqs {
		if req == nil {
			b.diag(b.securityPos(at, i, "", -1), ir.Error, ir.CodeSecurityInvalid, "requirement %d of %s is null: write {} to admit anonymous callers, or name its schemes", i+1, where)
			continue
		}
		for _, scheme := range sortedKeys(req) {
			if !b.checkScheme(scheme, at, i, name, atOp) {
				continue
			}
			b.sec.used[scheme] = true
			kind := b.doc.T.Components.SecuritySchemes[scheme].Value.Type
			for j, scope := range req[scheme] {
				if why := scopeProblem(scope, kind); why != "" {
					b.diag(b.securityPos(at, i, scheme, j), ir.Error, ir.CodeScopeInvalid, "scope %q of scheme %s %s: no credential could be checked against it", scope, scheme, why)
				}
			}
		}
	}
}

// checkScheme reports whether the scheme a requirement names is declared and
// one the runtime enforces. A problem of the scheme itself is reported once,
// where it is declared; an undeclared one where it is named (once per list:
// the message does not name the operation when the list is the root's).
func (b *builder) checkScheme(scheme string, at securityAt, i int, opName string, atOp bool) bool {
	if b.sec.used == nil {
		b.sec.used, b.sec.checked = map[string]bool{}, map[string]bool{}
	}
	var ref *openapi3.SecuritySchemeRef
	if c := b.doc.T.Components; c != nil {
		ref = c.SecuritySchemes[scheme]
	}
	if ref == nil || ref.Value == nil {
		who := ""
		if atOp {
			who = " of " + opName
		}
		if ref != nil && ref.Ref != "" { // the loader left a $ref cycle unresolved
			b.diag(b.securityPos(at, i, scheme, -1), ir.Error, ir.CodeRefCycle, "the security requirement%s names scheme %q, whose $ref %q never reaches a security scheme object (a cycle of $refs)", who, scheme, ref.Ref)
			return false
		}
		b.diag(b.securityPos(at, i, scheme, -1), ir.Error, ir.CodeSecurityUndeclared, "the security requirement%s names scheme %q, which components.securitySchemes does not declare", who, scheme)
		return false
	}
	if ok, done := b.sec.checked[scheme]; done {
		return ok
	}
	problems := schemeProblems(scheme, ref.Value)
	for _, p := range problems {
		b.diag(b.schemeFieldPos(scheme, ref.Value, p.field), ir.Error, p.code, "security scheme %s %s (used by %s)", scheme, p.msg, opName)
	}
	b.sec.checked[scheme] = len(problems) == 0
	return len(problems) == 0
}

type schemeProblem struct{ field, code, msg string }

// schemeProblems lists why s cannot be enforced: an unsupported type, an http
// scheme other than bearer and basic, an apiKey without a usable in or name,
// or the name reserved for the built-in session.
func schemeProblems(name string, s *openapi3.SecurityScheme) []schemeProblem {
	if name == ir.SessionScheme {
		return []schemeProblem{{"", ir.CodeSecurityInvalid, "has the name specgate reserves for its built-in cookie session; rename it"}}
	}
	switch s.Type {
	case "apiKey":
		var ps []schemeProblem
		switch s.In {
		case "header", "query", "cookie":
		case "":
			ps = append(ps, schemeProblem{"", ir.CodeSecurityInvalid, "is an apiKey without in: say where the key is (header, query or cookie)"})
		default:
			ps = append(ps, schemeProblem{"in", ir.CodeSecurityInvalid, fmt.Sprintf("is an apiKey in %q: only header, query and cookie are places a key can be", s.In)})
		}
		switch {
		case s.Name == "":
			ps = append(ps, schemeProblem{"", ir.CodeSecurityInvalid, "is an apiKey without name: say which " + cmp.Or(s.In, "parameter") + " holds the key"})
		case (s.In == "header" || s.In == "cookie") && !isToken(s.Name):
			ps = append(ps, schemeProblem{"name", ir.CodeSecurityInvalid, fmt.Sprintf("is an apiKey in %s %q, which is not a valid %s name: no request could carry it", s.In, s.Name, s.In)})
		}
		return ps
	case "http":
		switch strings.ToLower(s.Scheme) {
		case "bearer", "basic":
			return nil
		case "":
			return []schemeProblem{{"", ir.CodeSecurityInvalid, "is an http scheme without scheme: say bearer or basic"}}
		}
		return []schemeProblem{{"scheme", ir.CodeSecurityUnsupported, fmt.Sprintf("is http %q: specgate enforces http bearer and basic only", s.Scheme)}}
	case "oauth2", "openIdConnect":
		return nil
	case "":
		return []schemeProblem{{"", ir.CodeSecurityInvalid, "has no type"}}
	}
	return []schemeProblem{{"type", ir.CodeSecurityUnsupported, fmt.Sprintf("has type %q: specgate enforces apiKey, http (bearer, basic), oauth2 and openIdConnect only", s.Type)}}
}

// isToken reports whether s is an RFC 9110 token, what header and cookie
// names are made of.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// scopeProblem says why a scope cannot be checked, "" when it can. Every
// string can be written into generated code; these are the ones no credential
// could ever grant as one scope: empty, padded, with control characters or
// invalid UTF-8, and, for oauth2 and openIdConnect, whose tokens list scopes
// separated by spaces (RFC 6749 3.3), with a space.
func scopeProblem(scope, schemeType string) string {
	switch {
	case scope == "":
		return "is empty"
	case !utf8.ValidString(scope):
		return "is not valid UTF-8"
	case strings.IndexFunc(scope, unicode.IsControl) >= 0:
		return "has control characters"
	case strings.TrimSpace(scope) != scope:
		return "has leading or trailing spaces"
	case (schemeType == "oauth2" || schemeType == "openIdConnect") && strings.ContainsFunc(scope, unicode.IsSpace):
		return "has a space, which separates scopes in OAuth 2.0 tokens"
	}
	return ""
}

// schemeFieldPos is where field of scheme is declared, or its key.
func (b *builder) schemeFieldPos(name string, s *openapi3.SecurityScheme, field string) ir.Position {
	if s.Origin != nil {
		if field != "" {
			if loc, ok := s.Origin.Fields.Lookup(field); ok {
				return b.doc.Position(loc)
			}
		}
		if s.Origin.Key != nil {
			return b.doc.Position(*s.Origin.Key)
		}
	}
	keys := []string{"components", "securitySchemes", name}
	if b.doc.Converted {
		keys = []string{"securityDefinitions", name}
	}
	if field != "" {
		if p := b.pos(nil, append(keys, field)...); p.Line > 0 {
			return p
		}
	}
	return b.pos(nil, keys...)
}

// checkAnnotationAgainstSecurity refuses an annotation that admits anonymous
// callers where the operation's declared security does not: a public or
// optional x-auth-required over a security list without {}. The table would
// be weaker than the document. Other disagreements are lint warnings
// (SecurityMismatches).
func (b *builder) checkAnnotationAgainstSecurity(r *ir.Route, name string) {
	if r.AuthFrom < ir.FromRoot || r.SecurityRequirements == nil || r.Auth == ir.Required {
		return
	}
	if ir.RequirementsMode(r.SecurityRequirements) != ir.Required {
		return
	}
	p := r.AuthPos
	if p.File == "" {
		p = r.Pos
	}
	b.diag(p, ir.Error, ir.CodeSecurityWeakened, "%s is %s by %s (%s level), but its OpenAPI security requires %s: the route-auth table would admit anonymous callers the document refuses. Make them agree (security: [] for a public operation, {} among the alternatives for an optional one), or remove the annotation", name, r.Auth, ExtAuthRequired, r.AuthFrom, ir.RequirementsString(r.SecurityRequirements))
}

// usedSchemes lists the schemes the routes' Requirements name, sorted.
func (b *builder) usedSchemes() []ir.SecurityScheme {
	var out []ir.SecurityScheme
	for _, name := range sortedKeys(b.sec.used) {
		ref := b.doc.T.Components.SecuritySchemes[name]
		s := ref.Value
		ss := ir.SecurityScheme{Name: name, Type: s.Type, Pos: b.schemeFieldPos(name, s, "")}
		switch s.Type {
		case "apiKey":
			ss.In, ss.Param = s.In, s.Name
		case "http":
			ss.HTTPScheme = strings.ToLower(s.Scheme)
		}
		out = append(out, ss)
	}
	return out
}
