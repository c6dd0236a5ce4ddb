package routeplan

import "github.com/specgate/specgate/runtime/pathmatch"

// groupPattern is a pattern matching every request any member matches: the
// literal where all members have the same one, else a wildcard, named like the
// members' parameter when they all agree on one.
func groupPattern(members []int, shapes []routeShape) []regSeg {
	first := shapes[members[0]].reg
	used := map[string]bool{}
	for _, m := range members {
		for _, s := range shapes[m].segs {
			used = addNames(used, s.Params...)
		}
	}
	taken := map[string]bool{}
	reg := make([]regSeg, len(first))
	for i := range first {
		sameLit, sameName := first[i].lit, !first[i].lit
		for _, m := range members[1:] {
			s := shapes[m].reg[i]
			sameLit = sameLit && s.lit && s.val == first[i].val
			sameName = sameName && !s.lit && s.name == first[i].name
		}
		switch {
		case sameLit:
			reg[i] = first[i]
		case sameName && !taken[first[i].name]:
			reg[i] = regSeg{name: first[i].name}
		default:
			reg[i] = regSeg{name: freshName(i, used, taken)}
		}
		if !reg[i].lit {
			taken[reg[i].name] = true
		}
	}
	return reg
}

// orderMembers sorts a unit's routes the way they are tried: a route goes
// after every route of the unit that is strictly more specific, otherwise
// document order decides.
func orderMembers(members []int, shapes []routeShape) []int {
	left := append([]int(nil), members...)
	var order []int
	for len(left) > 0 {
		pick := 0
	candidates:
		for c, m := range left {
			for _, o := range left {
				if o != m && shapeWithin(shapes[o], shapes[m]) && !shapeWithin(shapes[m], shapes[o]) {
					continue candidates
				}
			}
			pick = c
			break
		}
		order = append(order, left[pick])
		left = append(left[:pick], left[pick+1:]...)
	}
	return order
}

// memberRules lists the checks one route needs behind pattern reg: nothing for
// a segment the pattern matches exactly as the route does.
func memberRules(sh routeShape, reg []regSeg) []pathmatch.Segment {
	if sh.invalid {
		return nil
	}
	count := map[string]int{}
	for _, s := range sh.segs {
		for _, p := range s.Params {
			count[p]++
		}
	}
	var rules []pathmatch.Segment
	for i, s := range sh.segs {
		g := reg[i]
		switch {
		case g.lit:
			// every member has this literal
		case s.lit:
			rules = append(rules, pathmatch.Segment{Wildcard: g.name, Text: []string{s.val}})
		case s.plain() && s.Params[0] == g.name && count[g.name] == 1:
			// the wildcard already carries the parameter
		default:
			rules = append(rules, pathmatch.Segment{Wildcard: g.name, Text: s.Text, Params: s.Params})
		}
	}
	return rules
}
