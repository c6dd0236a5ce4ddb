package ir

import (
	"slices"
	"strings"
)

// SessionScheme is the built-in cookie session in the normalized view of a
// route's requirements: the short form (x-auth-required, x-auth-roles) becomes
// requirements of this scheme, its scopes the roles. No document may declare a
// security scheme of this name.
const SessionScheme = "x-auth-session"

// SchemeRequirement is one scheme of a Requirement and the scopes it must
// grant, all of them.
type SchemeRequirement struct {
	Scheme string   `json:"scheme"`
	Scopes []string `json:"scopes"`
}

// Requirement is one alternative of a route's security, OpenAPI's security
// requirement object: every scheme in it must hold at once. An empty
// Requirement ({}) admits anonymous callers. Schemes are sorted by name (the
// document's object has no order), scopes are as written.
type Requirement []SchemeRequirement

// SecurityScheme is a security scheme of the document (components.securitySchemes)
// as declared, for the schemes a Table's routes use.
type SecurityScheme struct {
	Name       string   `json:"name"`                 // its key in components.securitySchemes
	Type       string   `json:"type"`                 // apiKey, http, oauth2 or openIdConnect
	In         string   `json:"in,omitempty"`         // apiKey: header, query or cookie
	Param      string   `json:"param,omitempty"`      // apiKey: the header, query parameter or cookie name
	HTTPScheme string   `json:"httpScheme,omitempty"` // http: bearer or basic, lower case
	Pos        Position `json:"-"`                    // the scheme's key
}

// GoKind is the runtime/auth SchemeKind constant for s, as used in generated
// code; "InvalidScheme" for a scheme Build would have refused.
func (s SecurityScheme) GoKind() string {
	switch {
	case s.Type == "apiKey":
		return "APIKey"
	case s.Type == "http" && s.HTTPScheme == "bearer":
		return "HTTPBearer"
	case s.Type == "http" && s.HTTPScheme == "basic":
		return "HTTPBasic"
	case s.Type == "oauth2":
		return "OAuth2"
	case s.Type == "openIdConnect":
		return "OpenIDConnect"
	}
	return "InvalidScheme"
}

// GoIn is the runtime/auth In constant for an apiKey scheme, "" for others.
func (s SecurityScheme) GoIn() string {
	switch s.In {
	case "header":
		return "InHeader"
	case "query":
		return "InQuery"
	case "cookie":
		return "InCookie"
	}
	return ""
}

// UsesSecurity reports whether r's requirement came from the document's OpenAPI
// security (no annotation applied, auth.missing: from-security): generated code
// then carries it in auth.Route.Security. Otherwise r is in the short form,
// Auth and Roles for the built-in session.
func (r Route) UsesSecurity() bool { return r.AuthFrom == FromSecurity }

// ShortFormRequirements is the short form in OpenAPI's meaning: public → none
// (an empty, non-nil list: no requirement at all), optional → {} or the session,
// required with roles [a, b] → the session with scope a, or with scope b;
// required without roles → the session.
func ShortFormRequirements(m Mode, roles []string) []Requirement {
	switch m {
	case Public:
		return []Requirement{}
	case Optional:
		return []Requirement{{}, {{Scheme: SessionScheme, Scopes: []string{}}}}
	}
	if len(roles) == 0 {
		return []Requirement{{{Scheme: SessionScheme, Scopes: []string{}}}}
	}
	reqs := make([]Requirement, 0, len(roles))
	for _, role := range roles {
		reqs = append(reqs, Requirement{{Scheme: SessionScheme, Scopes: []string{role}}})
	}
	return reqs
}

// RequirementsMode is the mode a list of requirements amounts to: none →
// public, an empty requirement among them → optional, else required.
func RequirementsMode(reqs []Requirement) Mode {
	if len(reqs) == 0 {
		return Public
	}
	if slices.ContainsFunc(reqs, func(r Requirement) bool { return len(r) == 0 }) {
		return Optional
	}
	return Required
}

// String formats r for people: schemes joined by " + " (all must hold), each
// with its scopes in brackets; {} for the empty requirement.
func (r Requirement) String() string {
	if len(r) == 0 {
		return "{}"
	}
	parts := make([]string, 0, len(r))
	for _, s := range r {
		if len(s.Scopes) == 0 {
			parts = append(parts, s.Scheme)
			continue
		}
		parts = append(parts, s.Scheme+"["+strings.Join(s.Scopes, ", ")+"]")
	}
	return strings.Join(parts, " + ")
}

// RequirementsString formats a list of alternatives for people, joined by
// " | " (any one suffices); "none (public)" for the empty list.
func RequirementsString(reqs []Requirement) string {
	if len(reqs) == 0 {
		return "none (public)"
	}
	parts := make([]string, 0, len(reqs))
	for _, r := range reqs {
		parts = append(parts, r.String())
	}
	return strings.Join(parts, " | ")
}

// Scheme returns the scopes r asks of the scheme name, and whether r names it.
func (r Requirement) Scheme(name string) ([]string, bool) {
	for _, s := range r {
		if s.Scheme == name {
			return s.Scopes, true
		}
	}
	return nil, false
}

// Implies reports whether every caller who satisfies r also satisfies o: r
// names every scheme o names, each with at least o's scopes.
func (r Requirement) Implies(o Requirement) bool {
	for _, s := range o {
		scopes, ok := r.Scheme(s.Scheme)
		if !ok {
			return false
		}
		for _, sc := range s.Scopes {
			if !slices.Contains(scopes, sc) {
				return false
			}
		}
	}
	return true
}

// Equal reports whether r and o ask the same: the same schemes with the same
// sets of scopes.
func (r Requirement) Equal(o Requirement) bool { return r.Implies(o) && o.Implies(r) }

// SchemeByName returns the scheme of t named name.
func (t *Table) SchemeByName(name string) (SecurityScheme, bool) {
	i, ok := slices.BinarySearchFunc(t.Schemes, name, func(s SecurityScheme, n string) int { return strings.Compare(s.Name, n) })
	if !ok {
		return SecurityScheme{}, false
	}
	return t.Schemes[i], true
}
