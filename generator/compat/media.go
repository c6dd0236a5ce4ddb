package compat

import (
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// nullMedia is a media type written with no value (`application/json:` and
// nothing after it): kin-openapi keeps it as a nil *MediaType, on which
// oapi-codegen dereferences nil.
type nullMedia struct {
	content openapi3.Content
	key     string
	at      *sitePath
	owner   *openapi3.Origin // of the response, request body, parameter or header
}

// responseSite is a response object and where the walk met it first.
type responseSite struct {
	resp *openapi3.Response
	at   *sitePath
}

// fixNullMedia gives each media type written as null an empty media type
// object: the same meaning (a body of that type, no schema), which
// oapi-codegen can type (as raw bytes or, for JSON, through fixAnyResponses).
func (p *prep) fixNullMedia() {
	null := p.collect().null
	for _, m := range null {
		mt := openapi3.NewMediaType()
		mt.Origin = m.owner // later warnings about the body are placed with it
		m.content[m.key] = mt
		p.warn(m.owner, CodeDroppedMediaType, "media type %q at %s has a null value; generated as a media type without a schema", m.key, m.at.String())
	}
	if len(null) > 0 {
		p.invalidate()
	}
}

// fixHeaderNames drops response headers whose names oapi-codegen refuses to
// copy into Go source (a quote, a backtick, a control character), as
// fixText does for parameters: HTTP header names cannot hold a quote or a
// control character, so no response can send one anyway.
func (p *prep) fixHeaderNames() {
	for _, r := range p.collect().resps {
		for _, name := range sortedKeys(r.resp.Headers) {
			var origin *openapi3.Origin
			if h := r.resp.Headers[name]; h != nil && h.Value != nil {
				origin = h.Value.Origin
			}
			if origin == nil {
				origin = r.resp.Origin
			}
			if !badText(name) {
				// Backslashes are doubled, as for parameters (fixText): the
				// literal then holds the name as written.
				if e := escapeBackslashes(name); e != name {
					if _, taken := r.resp.Headers[e]; !taken {
						r.resp.Headers[e] = r.resp.Headers[name]
						delete(r.resp.Headers, name)
						p.warn(origin, CodeEscapedName, "response header %q at %s: its backslashes are doubled, since oapi-codegen copies the name into Go string literals; the response still names it as written (the embedded document shows it doubled)", name, r.at.String())
						continue
					}
				} else {
					continue
				}
			}
			delete(r.resp.Headers, name)
			p.warn(origin, CodeDroppedParameter, "response header %q at %s cannot be written in Go source; not generated", name, r.at.String())
		}
		// oapi-codegen names each header's field of <Op><Code>ResponseHeaders
		// after the header (X-Rate, x-rate and X_Rate are all XRate) and
		// reads no x-go-name there: the first keeps the field, the others are
		// not generated (x-rate is the same HTTP header as X-Rate anyway).
		fields := map[string]string{}
		for _, name := range sortedKeys(r.resp.Headers) {
			field := codegen.SchemaNameToTypeName(name)
			first, dup := fields[field]
			if !dup {
				fields[field] = name
				continue
			}
			origin := r.resp.Origin
			if h := r.resp.Headers[name]; h != nil && h.Value != nil && h.Value.Origin != nil {
				origin = h.Value.Origin
			}
			delete(r.resp.Headers, name)
			p.warn(origin, CodeDroppedParameter, "response header %q at %s has the Go field name %s of header %q; not generated", name, r.at.String(), field, first)
		}
	}
}
