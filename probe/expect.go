package probe

import (
	"slices"

	"github.com/specgate/specgate/generator"
)

// SessionScheme is the name of specgate's built-in cookie session among a route's
// security schemes (x-auth-required / x-auth-roles are its short form).
const SessionScheme = generator.SessionScheme

// SchemeRequirement is one scheme of an alternative with the scopes (or roles)
// it must grant, all of them.
type SchemeRequirement = generator.SchemeRequirement

// Requirement is one alternative of a route's security: every scheme must hold.
// An empty Requirement lets anyone in (an optional route).
type Requirement = generator.Requirement

// requirementsOf is a route's security in OpenAPI's meaning, as the table
// carries it whatever form the document used: a list of alternatives, any one
// of which suffices; empty is public. A Route built by hand without
// Requirements is read in its short form (Auth, Roles).
func requirementsOf(r generator.Route) []Requirement {
	if r.Requirements == nil {
		return generator.ShortFormRequirements(r.Auth, r.Roles)
	}
	return r.Requirements
}

// Expect is what the document says a route owes a caller.
type Expect uint8

const (
	// Allowed: the call passes auth; any answer but 401/403 is fine.
	Allowed Expect = iota
	// Unauthorized: 401 is due, the caller has no credentials an alternative accepts.
	Unauthorized
	// Forbidden: 403 is due, the caller has an alternative's schemes but lacks scopes.
	Forbidden
)

// String returns "allowed", "401" or "403", as in reports.
func (e Expect) String() string {
	switch e {
	case Unauthorized:
		return "401"
	case Forbidden:
		return "403"
	}
	return "allowed"
}

// MarshalText makes an Expect print as its String in JSON.
func (e Expect) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// Expectation decides what reqs owe a caller holding schemes and roles: allowed
// when some alternative's schemes are all held with all their scopes; 403 when
// some alternative's schemes are all held but a scope is missing; else 401.
// Anonymous holds nothing, so every route that needs auth owes it 401.
func Expectation(reqs []Requirement, schemes, roles []string) Expect {
	if len(reqs) == 0 {
		return Allowed
	}
	out := Unauthorized
	for _, alt := range reqs {
		held, granted := true, true
		for _, sr := range alt {
			if !slices.Contains(schemes, sr.Scheme) {
				held = false
				break
			}
			for _, s := range sr.Scopes {
				if !slices.Contains(roles, s) {
					granted = false
				}
			}
		}
		switch {
		case held && granted:
			return Allowed
		case held:
			out = Forbidden
		}
	}
	return out
}

// Verdict compares what was due with what came back.
type Verdict string

// The verdicts of a route × identity result.
const (
	OK       Verdict = "ok"       // the answer is what the document says
	Weaker   Verdict = "weaker"   // 401/403 was due and something else came back
	Stricter Verdict = "stricter" // allowed by the document, refused with 401/403
	Skipped  Verdict = "skipped"  // not sent (unsafe method, skip list) or no answer
)

// Judge compares an expectation with a status code. Only 401 and 403 count as a
// refusal: auth runs before routing to the handler and before parameter
// binding, so any other answer where a refusal was due (a 2xx, a redirect, a 400
// from binding, a 404 from a handler or a proxy, a 5xx) means the request got
// past where auth should have stopped it, or never reached the guard the
// document promises. The two refusals are interchangeable for the verdict: a 403
// where 401 was due, or a 401 where 403 was due, still lets nothing through.
func Judge(e Expect, status int) Verdict {
	refused := status == 401 || status == 403
	switch {
	case e == Allowed && refused:
		return Stricter
	case e == Allowed, refused:
		return OK
	}
	return Weaker
}
