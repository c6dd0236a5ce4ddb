package pathmatch

import "net/http"

// Member is one operation behind an adapted pattern: its method, the
// Segments its path must fit, and its handler (in generated code, already
// wrapped by the auth guard, so a request reaches auth only once its route
// is known).
type Member struct {
	Method   string
	Segments []Segment
	Handler  http.Handler
}

// Dispatch serves one adapted pattern: the first member whose method
// (MethodMatches) and Segments (Match) fit the request handles it, with the
// members' parameters set as path values; any other request is a 404, before
// any member's handler runs. Members come most specific first (the generator
// orders them). It looks only at the members of this pattern and, through an
// index built once here, only at those that can fit the request.
//
// Compared with registering each member's own pattern (where ServeMux could),
// one difference remains, by construction: ServeMux answers a request that
// the wider pattern matches but with another method 405, and may redirect to
// a trailing slash the wider pattern allows, where the member's own pattern
// would have been a 404. Dispatch never serves such a request (FuzzMatch).
func Dispatch(members ...Member) http.Handler {
	members = append([]Member(nil), members...) // the caller's slice may change
	ix := newIndex(members)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, i := range ix.candidates(r) {
			m := members[i]
			if MethodMatches(r.Method, m.Method) && Match(r, m.Segments) {
				m.Handler.ServeHTTP(w, r)
				return
			}
		}
		http.NotFound(w, r)
	})
}

// index narrows a request to the members that can fit it, by the value of one
// wildcard that many members check against a literal.
type index struct {
	key       string           // the wildcard; "" for none
	byLiteral map[string][]int // members, in order, that can fit each literal value of key
	rest      []int            // members that can fit any other value
}

// literal is the literal value m requires of wildcard, if it requires one.
func literal(m Member, wildcard string) (string, bool) {
	for _, s := range m.Segments {
		if s.Wildcard == wildcard && len(s.Params) == 0 && len(s.Text) == 1 {
			return s.Text[0], true
		}
	}
	return "", false
}

// newIndex picks the wildcard whose literal values split members best: the
// one leaving the fewest members to try in the worst case. Without such a
// wildcard every request tries all members.
func newIndex(members []Member) index {
	key, best := "", len(members)
	for _, m := range members {
		for _, s := range m.Segments {
			if len(s.Params) != 0 || len(s.Text) != 1 {
				continue
			}
			if n := worstCase(members, s.Wildcard); n < best {
				key, best = s.Wildcard, n
			}
		}
	}
	ix := index{key: key}
	if key == "" {
		for i := range members {
			ix.rest = append(ix.rest, i)
		}
		return ix
	}
	ix.byLiteral = map[string][]int{}
	for _, m := range members {
		if lit, ok := literal(m, key); ok {
			ix.byLiteral[lit] = nil
		}
	}
	for i, m := range members {
		if lit, ok := literal(m, key); ok {
			ix.byLiteral[lit] = append(ix.byLiteral[lit], i)
			continue
		}
		ix.rest = append(ix.rest, i)
		for lit := range ix.byLiteral { // a member with no literal there can fit any value
			ix.byLiteral[lit] = append(ix.byLiteral[lit], i)
		}
	}
	return ix
}

// worstCase is how many members a request may have to try when the index is
// on wildcard: those of the most common literal plus those with none.
func worstCase(members []Member, wildcard string) int {
	count, others := map[string]int{}, 0
	for _, o := range members {
		if lit, ok := literal(o, wildcard); ok {
			count[lit]++
		} else {
			others++
		}
	}
	most := 0
	for _, n := range count {
		most = max(most, n)
	}
	return most + others
}

// candidates lists, in order, the members that can fit a request whose
// wildcard values r gives.
func (ix index) candidates(r PathValuer) []int {
	if ix.key == "" {
		return ix.rest
	}
	if l, ok := ix.byLiteral[r.PathValue(ix.key)]; ok {
		return l
	}
	return ix.rest
}
