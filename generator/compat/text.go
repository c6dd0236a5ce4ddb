package compat

import (
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"
)

// fixText removes the names oapi-codegen would have to copy verbatim into Go
// source but cannot (a quote, a backtick or a control character): such a
// property or parameter is dropped with a warning; an enum is dropped by
// fixEnums.
func (p *prep) fixText() {
	for _, s := range p.values() {
		v := s.ref.Value
		// A property whose name cannot be a struct tag leaves the object
		// untypeable: it becomes raw JSON, which keeps every member. Names
		// oapi-codegen refuses outright are also removed from the schema.
		var untaggable []string
		for _, name := range sortedKeys(v.Properties) {
			if badTag(name) {
				untaggable = append(untaggable, name)
			}
		}
		if len(untaggable) > 0 {
			if _, ok := v.Extensions["x-go-type"]; !ok {
				p.rawJSON(s, fmt.Sprintf("has properties whose names cannot be Go struct tags (%s)", quoteList(untaggable)))
			}
			for _, name := range untaggable {
				if badText(name) {
					delete(v.Properties, name)
					p.invalidate()
					v.Required = without(v.Required, name)
				}
			}
		}
		if d := v.Discriminator; d != nil {
			bad := badText(d.PropertyName)
			for k := range d.Mapping {
				bad = bad || badText(k) || strings.ContainsRune(k, '\\')
			}
			if bad {
				v.Discriminator = nil
				p.warn(v.Origin, CodeDroppedUnionMember, "discriminator of %s has a name that cannot be written in Go source; dropped (the union is decoded by trying each member)", s.where())
			}
		}
		p.fixExtensions(v.Extensions, v.Origin, s.at)
		p.fixExtensions(s.ref.Extensions, schemaOrigin(s.ref), s.at)
	}
	escaped := map[*openapi3.Parameter]bool{} // a shared parameter is escaped once
	for _, op := range p.operations() {
		where := op.method + " " + op.key
		for _, params := range []*openapi3.Parameters{&op.item.Parameters, &op.op.Parameters} {
			out := (*params)[:0]
			for _, prm := range *params {
				if prm != nil && prm.Value != nil && prm.Value.In != openapi3.ParameterInPath && !escaped[prm.Value] {
					if badText(prm.Value.Name) {
						p.warn(prm.Value.Origin, CodeDroppedParameter, "%s parameter %q of %s cannot be written in Go source; not generated", prm.Value.In, prm.Value.Name, where)
						p.invalidate()
						continue
					}
					if e := escapeBackslashes(prm.Value.Name); e != prm.Value.Name {
						escaped[prm.Value] = true
						p.warn(prm.Value.Origin, CodeEscapedName, "%s parameter %q of %s: its backslashes are doubled, since oapi-codegen copies the name into Go string literals; requests still carry it as written (the embedded document shows it doubled)", prm.Value.In, prm.Value.Name, where)
						prm.Value.Name = e
					}
				}
				out = append(out, prm)
			}
			if len(*params) > 0 {
				*params = out
			}
		}
		p.fixExtensions(op.op.Extensions, op.op.Origin, rootPath(where, ""))
		if badText(op.op.OperationID) {
			op.op.OperationID = strings.Map(func(r rune) rune {
				if badText(string(r)) {
					return -1
				}
				return r
			}, op.op.OperationID)
			p.warn(op.op.Origin, CodeOperationID, "operationId of %s had characters that cannot be written in Go source; removed", where)
		}
		if op.op.Security != nil {
			p.fixScopes(*op.op.Security, op.op.Origin)
		}
		// Media types with control characters cannot be written at all.
		if rb := op.op.RequestBody; rb != nil && rb.Value != nil {
			p.fixMediaKeys(rb.Value.Content, where)
		}
		if op.op.Responses != nil {
			for _, r := range op.op.Responses.Map() {
				if r != nil && r.Value != nil {
					p.fixMediaKeys(r.Value.Content, where)
				}
			}
		}
	}
	p.fixScopes(p.doc.Security, nil)
}

// fixScopes drops security scopes that cannot be written in Go source (they
// are only copied into a []string literal; auth is decided before this).
func (p *prep) fixScopes(reqs openapi3.SecurityRequirements, origin *openapi3.Origin) {
	for _, req := range reqs {
		for name, scopes := range req {
			out := scopes[:0]
			for _, s := range scopes {
				if badText(s) {
					p.warn(origin, CodeDroppedParameter, "security scope %q of %q cannot be written in Go source; dropped from the generated code", s, name)
					continue
				}
				out = append(out, s)
			}
			req[name] = out
		}
	}
}

func (p *prep) fixMediaKeys(content openapi3.Content, where string) {
	for _, k := range sortedKeys(content) {
		if strings.IndexFunc(k, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
			p.warn(content[k].Origin, CodeDroppedMediaType, "media type %q of %s has control characters; dropped", k, where)
			delete(content, k)
			p.invalidate()
		}
	}
}

// fixExtensions drops oapi-codegen extensions whose values would not compile.
func (p *prep) fixExtensions(ext map[string]any, origin *openapi3.Origin, where *sitePath) {
	for _, k := range []string{"x-go-name", "x-go-type-name", "x-go-type", "x-oapi-codegen-extra-tags", "x-go-type-import", "x-enum-varnames", "x-enumNames"} {
		v, ok := ext[k]
		if !ok {
			continue
		}
		bad := false
		switch k {
		case "x-go-name", "x-go-type-name":
			s, isStr := v.(string)
			bad = !isStr || !isIdent(s)
		case "x-go-type":
			s, isStr := v.(string)
			bad = isStr && strings.ContainsAny(s, "\"`;\n\r")
		default:
			bad = anyBadText(v)
		}
		if bad {
			delete(ext, k)
			p.warn(origin, CodeRawJSON, "extension %s of %s cannot be written in Go source; ignored", k, where.String())
		}
	}
}

func anyBadText(v any) bool {
	switch t := v.(type) {
	case string:
		return badText(t) || strings.ContainsRune(t, '\\')
	case []any:
		for _, e := range t {
			if anyBadText(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range t {
			if badText(k) || anyBadText(e) {
				return true
			}
		}
	}
	return false
}

// escapeBackslashes doubles the backslashes of a name oapi-codegen copies
// verbatim between double quotes (string literals, struct tags, comments):
// the Go literal then holds the name as written, where a lone backslash
// would start an escape (`\x` does not compile, `\a` is a bell).
func escapeBackslashes(s string) string { return strings.ReplaceAll(s, `\`, `\\`) }

func isIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
			return false
		}
	}
	return s != ""
}

func without(list []string, s string) []string {
	out := list[:0]
	for _, e := range list {
		if e != s {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// isJSON reports whether oapi-codegen treats a media type as JSON.
func isJSON(mediaType string) bool { return util.IsMediaTypeJson(mediaType) }

// badTag reports whether a property name cannot be the name in a json
// struct tag that compiles and passes go vet.
func badTag(name string) bool {
	return badText(name) || strings.ContainsAny(name, ", \\")
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) > 3 {
		q = append(q[:3], "...")
	}
	return strings.Join(q, ", ")
}
