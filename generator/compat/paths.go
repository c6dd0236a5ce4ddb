package compat

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// pathParamRE is oapi-codegen's own path template pattern.
var pathParamRE = regexp.MustCompile(`{[.;?]?([^{}*]+)\*?}`)

// badText reports whether s cannot be copied into generated Go source as
// oapi-codegen does (string literals, struct tags, line comments).
func badText(s string) bool {
	for _, r := range s {
		if r == '"' || r == '`' || unicode.IsControl(r) {
			return true
		}
	}
	return false
}

// escapePathText percent-encodes the characters that cannot appear in a Go
// string literal as oapi-codegen writes it; the route still matches the same
// request, whose path arrives percent-encoded anyway.
func escapePathText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '"' || r == '`' || r == '\\' || unicode.IsControl(r) {
			fmt.Fprintf(&b, "%%%02X", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cleanParamName makes a path template name usable in Go source; path
// parameters are positional, so renaming one does not change the wire.
func cleanParamName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '"' || r == '`' || r == '\\' || unicode.IsControl(r) {
			continue
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "param"
	}
	return b.String()
}

// pathKey computes the key fixPaths generates a path written as key under
// (PathMove.Served: without a query string, with quotes and control
// characters percent-encoded, with template names cleaned), the template names it renamed (old → clean), the
// query string written into the path and the names it holds.
func pathKey(key string) (newKey string, renamed map[string]string, query string, queryNames []string) {
	newKey = key
	if i := strings.IndexByte(newKey, '?'); i >= 0 && !inBraces(newKey, i) {
		query = newKey[i:]
		for _, m := range pathParamRE.FindAllStringSubmatch(query, -1) {
			queryNames = append(queryNames, m[1])
		}
		newKey = newKey[:i]
	}
	// Clean template names, then escape the literal text between them.
	renamed = map[string]string{}
	var b strings.Builder
	last := 0
	for _, loc := range pathParamRE.FindAllStringSubmatchIndex(newKey, -1) {
		b.WriteString(escapePathText(newKey[last:loc[0]]))
		whole := newKey[loc[0]:loc[1]]
		name := newKey[loc[2]:loc[3]]
		if clean := cleanParamName(name); clean != name {
			renamed[name] = clean
			whole = strings.Replace(whole, name, clean, 1)
		}
		b.WriteString(whole)
		last = loc[1]
	}
	b.WriteString(escapePathText(newKey[last:]))
	newKey = b.String()
	if newKey == "" {
		newKey = "/"
	}
	return newKey, renamed, query, queryNames
}

// fixPaths rewrites path keys oapi-codegen cannot generate: a query string
// written into the path, quotes or control characters, template parameters
// that are not declared (or declared ones missing from the template).
func (p *prep) fixPaths() {
	if p.doc.Paths == nil {
		return
	}
	moves := map[string]PathMove{}
	for _, mv := range PlanPaths(p.doc.Paths) {
		moves[mv.Old] = mv
	}
	m := p.doc.Paths.Map()
	for _, key := range sortedKeys(m) {
		item := m[key]
		if item == nil {
			continue
		}
		newKey, renamed, _, queryNames := pathKey(key)
		if mv, ok := moves[key]; ok {
			newKey = mv.New
			p.doc.Paths.Delete(key)
			p.doc.Paths.Set(newKey, item)
			p.changes.Paths = append(p.changes.Paths, mv)
			p.warn(item.Origin, CodePath, "path %q cannot be generated as written; generated as %q", key, newKey)
		}
		p.queryParams(key, newKey, item, queryNames)
		for old, clean := range renamed {
			renameParam := func(params openapi3.Parameters) {
				for _, prm := range params {
					if prm != nil && prm.Value != nil && prm.Value.In == openapi3.ParameterInPath && prm.Value.Name == old {
						prm.Value.Name = clean
					}
				}
			}
			renameParam(item.Parameters)
			for _, method := range sortedOps(item) {
				renameParam(item.GetOperation(method).Parameters)
			}
		}
		p.declarePathParams(newKey, item)
	}
}

// queryParams turns the path parameters named only in the query string written
// into a path (/rides?page={page}) into query parameters, which is where the
// client sends them; the route is registered without the query string. Shared
// ($ref) parameters are copied, not changed.
func (p *prep) queryParams(key, newKey string, item *openapi3.PathItem, names []string) {
	if len(names) == 0 {
		return
	}
	inPath := map[string]bool{}
	for _, m := range pathParamRE.FindAllStringSubmatch(newKey, -1) {
		inPath[m[1]] = true
	}
	move := func(params openapi3.Parameters, where string) {
		for i, prm := range params {
			if prm == nil || prm.Value == nil || prm.Value.In != openapi3.ParameterInPath || inPath[prm.Value.Name] || !slices.Contains(names, prm.Value.Name) {
				continue
			}
			v := *prm.Value
			v.In = openapi3.ParameterInQuery
			params[i] = &openapi3.ParameterRef{Value: &v}
			p.warn(prm.Value.Origin, CodePath, "path parameter %q of %s is written in the query string of %q; generated as a query parameter", v.Name, where, key)
		}
	}
	move(item.Parameters, "the path item")
	for _, method := range sortedOps(item) {
		move(item.GetOperation(method).Parameters, method)
	}
}

// inBraces reports whether position i of s lies inside a {template}.
func inBraces(s string, i int) bool {
	return strings.LastIndexByte(s[:i], '{') > strings.LastIndexByte(s[:i], '}')
}

// declarePathParams makes every operation of item declare exactly the path
// parameters its template names, as oapi-codegen requires.
func (p *prep) declarePathParams(key string, item *openapi3.PathItem) {
	var names []string
	seen := map[string]bool{}
	for _, m := range pathParamRE.FindAllStringSubmatch(key, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			names = append(names, m[1])
		}
	}
	for _, method := range sortedOps(item) {
		op := item.GetOperation(method)
		declared := map[string]bool{}
		isPath := func(prm *openapi3.ParameterRef) bool {
			return prm != nil && prm.Value != nil && prm.Value.In == openapi3.ParameterInPath
		}
		// Drop path parameters the template does not name.
		keep := func(params openapi3.Parameters) openapi3.Parameters {
			out := params[:0]
			for _, prm := range params {
				if isPath(prm) && !seen[prm.Value.Name] {
					p.warn(prm.Value.Origin, CodePath, "path parameter %q of %s %s is not in the path template; dropped", prm.Value.Name, method, key)
					continue
				}
				out = append(out, prm)
			}
			return out
		}
		if len(item.Parameters) > 0 {
			item.Parameters = keep(item.Parameters)
		}
		if len(op.Parameters) > 0 {
			op.Parameters = keep(op.Parameters)
		}
		for _, prms := range []openapi3.Parameters{item.Parameters, op.Parameters} {
			for _, prm := range prms {
				if isPath(prm) {
					declared[prm.Value.Name] = true
				}
			}
		}
		for _, n := range names {
			if declared[n] {
				continue
			}
			prm := openapi3.NewPathParameter(n).WithSchema(openapi3.NewStringSchema())
			op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: prm})
			p.warn(op.Origin, CodePath, "path parameter %q of %s %s is not declared; declared as a string", n, method, key)
		}
	}
}
