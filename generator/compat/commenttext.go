package compat

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// fixNULText removes NUL characters from the texts oapi-codegen copies into
// Go comments (titles, summaries, descriptions): Go source may not hold a
// NUL anywhere, and gofmt inside oapi-codegen refuses the whole file
// ("illegal character NUL"). Every other character is legal in a comment.
// One warning per document says how many texts changed.
func (p *prep) fixNULText() {
	n := 0
	var first *openapi3.Origin
	clean := func(s *string, o *openapi3.Origin) {
		if strings.IndexByte(*s, 0) < 0 {
			return
		}
		*s = strings.ReplaceAll(*s, "\x00", "")
		if n == 0 {
			first = o
		}
		n++
	}
	if p.doc.Info != nil {
		clean(&p.doc.Info.Title, p.doc.Info.Origin)
		clean(&p.doc.Info.Description, p.doc.Info.Origin)
	}
	for _, s := range p.values() {
		clean(&s.ref.Value.Title, s.ref.Value.Origin)
		clean(&s.ref.Value.Description, s.ref.Value.Origin)
	}
	params := func(ps openapi3.Parameters) {
		for _, prm := range ps {
			if prm != nil && prm.Value != nil {
				clean(&prm.Value.Description, prm.Value.Origin)
			}
		}
	}
	response := func(r *openapi3.ResponseRef) {
		if r == nil || r.Value == nil {
			return
		}
		if r.Value.Description != nil {
			clean(r.Value.Description, r.Value.Origin)
		}
		for _, h := range r.Value.Headers {
			if h != nil && h.Value != nil {
				clean(&h.Value.Description, h.Value.Origin)
			}
		}
	}
	for _, op := range p.operations() {
		clean(&op.op.Summary, op.op.Origin)
		clean(&op.op.Description, op.op.Origin)
		clean(&op.item.Summary, op.item.Origin)
		clean(&op.item.Description, op.item.Origin)
		params(op.item.Parameters)
		params(op.op.Parameters)
		if rb := op.op.RequestBody; rb != nil && rb.Value != nil {
			clean(&rb.Value.Description, rb.Value.Origin)
		}
		if op.op.Responses != nil {
			for _, r := range op.op.Responses.Map() {
				response(r)
			}
		}
	}
	if c := p.doc.Components; c != nil {
		for _, prm := range c.Parameters {
			params(openapi3.Parameters{prm})
		}
		for _, r := range c.Responses {
			response(r)
		}
		for _, rb := range c.RequestBodies {
			if rb != nil && rb.Value != nil {
				clean(&rb.Value.Description, rb.Value.Origin)
			}
		}
		for _, h := range c.Headers {
			if h != nil && h.Value != nil {
				clean(&h.Value.Description, h.Value.Origin)
			}
		}
	}
	if n > 0 {
		p.warn(first, CodeText, "%d titles, summaries or descriptions hold NUL characters, which Go source cannot; removed", n)
	}
}
