package render

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/specgate/specgate/generator/ir"
)

// schemeVar is one generated auth.Scheme variable of routes.gen.go.
type schemeVar struct {
	Var, Name, Kind, In, Param string
}

// schemeUse is one auth.SchemeRequirement of a generated route.
type schemeUse struct {
	Var    string
	Scopes []string
}

// securityData is what routes.tmpl needs to emit auth.Route.Security: one
// variable per scheme the table uses, named specgateScheme + the scheme name
// made an identifier (numbered when two names come out alike), and per route
// its alternatives. Only routes whose requirement came from security get any;
// the {} alternative is not emitted (auth.Optional says it), so a route whose
// only alternative is {} is emitted like a short-form optional one.
func securityData(t *ir.Table) ([]schemeVar, [][][]schemeUse) {
	vars := make([]schemeVar, 0, len(t.Schemes))
	byName := make(map[string]string, len(t.Schemes))
	taken := map[string]bool{}
	for _, s := range t.Schemes {
		v := "specgateScheme" + identifier(s.Name)
		for n := 2; taken[v]; n++ {
			v = "specgateScheme" + identifier(s.Name) + strconv.Itoa(n)
		}
		taken[v] = true
		byName[s.Name] = v
		vars = append(vars, schemeVar{Var: v, Name: s.Name, Kind: s.GoKind(), In: s.GoIn(), Param: s.Param})
	}
	per := make([][][]schemeUse, len(t.Routes))
	for i, r := range t.Routes {
		if !r.UsesSecurity() || r.Auth == ir.Public {
			continue
		}
		for _, alt := range r.Requirements {
			if len(alt) == 0 {
				continue
			}
			uses := make([]schemeUse, 0, len(alt))
			for _, s := range alt {
				uses = append(uses, schemeUse{Var: byName[s.Scheme], Scopes: s.Scopes})
			}
			per[i] = append(per[i], uses)
		}
	}
	return vars, per
}

// identifier makes name a Go identifier tail: letters and digits kept, the
// first letter of each run upper-cased, anything else dropped.
func identifier(name string) string {
	var b strings.Builder
	up := true
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) || r > unicode.MaxASCII {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "X"
	}
	return b.String()
}
