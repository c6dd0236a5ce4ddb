package compat

import (
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// rawJSONType is the Go type a degraded response body gets. A struct that
// embeds json.RawMessage, not json.RawMessage itself: the strict server
// declares `type <Op><Status>JSONResponse <T>` and methods on it, and a
// defined type keeps the promoted MarshalJSON of an embedded field (the
// body is written verbatim) where `type X json.RawMessage` would be encoded
// as base64 and an interface type could carry no methods at all.
const rawJSONType = "struct{ json.RawMessage }"

// rawJSONExtensions marks a schema as raw JSON. No x-go-type-import: the
// generated file always imports encoding/json, and a second import of it
// would not compile.
func rawJSONExtensions(goType string) map[string]any {
	return map[string]any{"x-go-type": goType}
}

// isRawJSON reports whether Prepare degraded the schema to json.RawMessage.
func isRawJSON(ref *openapi3.SchemaRef) bool {
	return ref != nil && ref.Value != nil && ref.Value.Extensions["x-go-type"] == "json.RawMessage"
}

// isAny reports whether oapi-codegen generates interface{} for the schema:
// no type, no structure, no composition.
func isAny(ref *openapi3.SchemaRef) bool { return isAnyIn(ref, map[*openapi3.Schema]bool{}) }

// isAnyIn is isAny with a visited set over allOf members: a schema met again
// is either being decided (a cycle adds nothing of its own) or was found to
// be untyped already, else the walk would have stopped at it.
func isAnyIn(ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) bool {
	if ref == nil || ref.Value == nil {
		return true
	}
	v := ref.Value
	if seen[v] {
		return true
	}
	if _, ok := v.Extensions["x-go-type"]; ok {
		return false
	}
	if _, ok := ref.Extensions["x-go-type"]; ok {
		return false
	}
	if v.Type != nil && len(v.Type.Slice()) == 1 && !v.Type.Is("null") {
		return false
	}
	if v.Type != nil && len(v.Type.Slice()) > 1 {
		return primaryType(v) == "" // several types: interface{}
	}
	if len(v.Properties) > 0 || v.Items != nil || v.AdditionalProperties.Schema != nil || v.AdditionalProperties.Has != nil {
		return false
	}
	if len(v.OneOf) > 0 || len(v.AnyOf) > 0 || len(v.Enum) > 0 {
		return false
	}
	if len(v.AllOf) > 0 {
		seen[v] = true
		for _, m := range v.AllOf {
			if !isAnyIn(m, seen) {
				return false
			}
		}
	}
	return true
}

// fixAnyResponses gives JSON responses whose body oapi-codegen would type as
// interface{} (no schema, as in example-only responses, or an untyped one)
// a raw-JSON body type: the strict server declares methods on the response
// type, which an interface type cannot have.
func (p *prep) fixAnyResponses() {
	seen := map[*openapi3.MediaType]bool{}
	for _, op := range p.operations() {
		if op.op.Responses == nil {
			continue
		}
		m := op.op.Responses.Map()
		for _, code := range sortedKeys(m) {
			r := m[code]
			if r == nil || r.Value == nil {
				continue
			}
			for _, mt := range sortedKeys(r.Value.Content) {
				media := r.Value.Content[mt]
				if media == nil || seen[media] {
					continue
				}
				if mt == "text/plain" && isAny(media.Schema) {
					// Written with fmt.Sprint: a string carries any text.
					seen[media] = true
					media.Schema = &openapi3.SchemaRef{Value: openapi3.NewStringSchema()}
					p.invalidate()
					continue
				}
				if !isJSON(mt) || !isAny(media.Schema) && !isRawJSON(media.Schema) {
					continue
				}
				seen[media] = true
				origin := media.Origin
				if media.Schema != nil {
					origin = schemaOrigin(media.Schema)
				}
				media.Schema = &openapi3.SchemaRef{Value: &openapi3.Schema{Extensions: rawJSONExtensions(rawJSONType)}}
				p.invalidate()
				p.warn(origin, CodeRawJSON, "%s %s response %s %s has no typed schema; its body is raw JSON (%s)", op.method, op.key, code, mt, rawJSONType)
			}
		}
	}
}

// needsNamedType reports whether an inline schema makes oapi-codegen declare
// helper types (enums, unions) that it leaves undeclared when the schema sits
// in a shared component response.
func needsNamedType(ref *openapi3.SchemaRef, depth int) bool {
	if ref == nil || ref.Value == nil || ref.Ref != "" || depth > 32 {
		return false
	}
	v := ref.Value
	if len(v.Enum) > 0 || len(v.OneOf) > 0 || len(v.AnyOf) > 0 || v.Const != nil {
		return true
	}
	for _, k := range sortedKeys(v.Properties) {
		if needsNamedType(v.Properties[k], depth+1) {
			return true
		}
	}
	for _, m := range v.AllOf {
		if needsNamedType(m, depth+1) {
			return true
		}
	}
	return needsNamedType(v.Items, depth+1) || needsNamedType(v.AdditionalProperties.Schema, depth+1)
}

// hoistResponseSchemas moves the inline JSON body schema of a component
// response (and request body) into components/schemas when it needs helper
// types: oapi-codegen refers to those helpers but does not declare them.
func (p *prep) hoistResponseSchemas() {
	c := p.doc.Components
	if c == nil {
		return
	}
	var taken map[string]bool
	hoist := func(kind, name string, content openapi3.Content) {
		for _, mt := range sortedKeys(content) {
			media := content[mt]
			if media == nil || !isJSON(mt) || !needsNamedType(media.Schema, 0) {
				continue
			}
			if taken == nil {
				taken = p.takenNames()
			}
			base := name + "Body"
			if len(content) > 1 {
				base = name + strings.ToUpper(mt[:1]) + "Body"
			}
			newName, ref := p.addSchema(taken, base, media.Schema.Value)
			p.warn(schemaOrigin(media.Schema), CodeHoistedSchema, "inline %s schema of %s %q needs named types; generated as %s", mt, kind, name, newName)
			media.Schema = &openapi3.SchemaRef{Ref: ref, Value: media.Schema.Value}
			p.invalidate() // a new SchemaRef, not the one the walk met
		}
	}
	for _, name := range sortedKeys(c.Responses) {
		if r := c.Responses[name]; r != nil && r.Ref == "" && r.Value != nil {
			hoist("response", name, r.Value.Content)
		}
	}
	for _, name := range sortedKeys(c.RequestBodies) {
		if rb := c.RequestBodies[name]; rb != nil && rb.Ref == "" && rb.Value != nil {
			hoist("request body", name, rb.Value.Content)
		}
	}
}

// taggedOpaque are the media types whose inline enums oapi-codegen emits
// constants for, under a type it does not declare: those it gives a tag of
// their own (its contentTypesXML, contentTypesYAML, contentTypesHalJSON,
// and text/x-json of contentTypesJSON, which its JSON test does not
// match). A probe of each media type found these and no others.
var taggedOpaque = []string{"application/xml", "text/xml", "application/problems+xml",
	"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
	"application/hal+json", "text/x-json"}

// hoistOpaqueResponseSchemas moves inline response schemas that need helper
// types (enums, unions) out of the media types of taggedOpaque (XML, YAML,
// HAL JSON) into components/schemas. Other media types (*/*, text/csv,
// application/problem+json) declare what they use, so they stay. oapi-codegen gives such a body no Go type, yet still
// emits the constants of an enum inside it (GetX200XMLResponseBodyStatus),
// for a type it never declares; as a component the type is declared once.
func (p *prep) hoistOpaqueResponseSchemas() {
	var taken map[string]bool
	seen := map[*openapi3.MediaType]bool{}
	hoist := func(base, where string, content openapi3.Content) {
		for _, mt := range sortedKeys(content) {
			media := content[mt]
			if media == nil || seen[media] || !slices.Contains(taggedOpaque, mt) || !needsNamedType(media.Schema, 0) {
				continue
			}
			seen[media] = true
			if taken == nil {
				taken = p.takenNames()
			}
			newName, ref := p.addSchema(taken, base+codegen.SchemaNameToTypeName(mt)+"Body", media.Schema.Value)
			p.warn(schemaOrigin(media.Schema), CodeHoistedSchema, "inline %s schema of %s needs named types, which oapi-codegen refers to for this media type but does not declare; generated as %s", mt, where, newName)
			media.Schema = &openapi3.SchemaRef{Ref: ref, Value: media.Schema.Value}
		}
	}
	if c := p.doc.Components; c != nil {
		for _, name := range sortedKeys(c.Responses) {
			if r := c.Responses[name]; r != nil && r.Ref == "" && r.Value != nil {
				hoist(codegen.SchemaNameToTypeName(name), "response "+name, r.Value.Content)
			}
		}
	}
	for _, op := range p.operations() {
		if op.op.Responses == nil {
			continue
		}
		id := op.op.OperationID
		if id == "" {
			id = defaultOperationID(op.method, op.key)
		}
		m := op.op.Responses.Map()
		for _, code := range sortedKeys(m) {
			if r := m[code]; r != nil && r.Value != nil {
				hoist(codegen.SchemaNameToTypeName(id)+codegen.ToCamelCase(code), op.method+" "+op.key+" response "+code, r.Value.Content)
			}
		}
	}
}

// supportedBody reports whether oapi-codegen gives a request media type its
// own named field; the others all become a field named Body.
func supportedBody(mt string) bool {
	return mt == "application/json" || isJSON(mt) || strings.HasPrefix(mt, "multipart/") ||
		mt == "application/x-www-form-urlencoded" || mt == "text/plain"
}

// fixRequestBodies keeps one of several request media types that
// oapi-codegen would all map to the same `Body io.Reader` field.
func (p *prep) fixRequestBodies() {
	seen := map[*openapi3.RequestBody]bool{}
	for _, op := range p.operations() {
		rb := op.op.RequestBody
		if rb == nil || rb.Value == nil || seen[rb.Value] {
			continue
		}
		seen[rb.Value] = true
		var other, multipart []string
		for _, mt := range sortedKeys(rb.Value.Content) {
			switch {
			case strings.HasPrefix(mt, "multipart/"):
				multipart = append(multipart, mt)
			case !supportedBody(mt):
				other = append(other, mt)
			}
		}
		if len(other) >= 2 {
			for _, mt := range other[1:] {
				p.warn(rb.Value.Content[mt].Origin, CodeDroppedMediaType, "request body of %s %s: %q would share the raw Body field with %q; dropped from the generated code", op.method, op.key, mt, other[0])
				delete(rb.Value.Content, mt)
				p.invalidate()
			}
		}
		p.dedupeMediaTags(rb.Value.Content, "request body of "+op.method+" "+op.key, isJSON)
		// Every multipart/* type is oapi-codegen's <Op>MultipartBody: keep
		// one, multipart/form-data where it is listed.
		if len(multipart) >= 2 {
			keep := multipart[0]
			if slices.Contains(multipart, "multipart/form-data") {
				keep = "multipart/form-data"
			}
			for _, mt := range multipart {
				if mt == keep {
					continue
				}
				p.warn(rb.Value.Content[mt].Origin, CodeDroppedMediaType, "request body of %s %s: %q would declare the same MultipartBody type as %q; dropped from the generated code", op.method, op.key, mt, keep)
				delete(rb.Value.Content, mt)
				p.invalidate()
			}
		}
	}
}

// mediaTag stands for the part of a Go type name oapi-codegen derives from
// a media type (its mediaTypeToCamelCase; application/json is JSON): two
// media types oapi-codegen names alike have one tag. The camel case is
// upper-cased because oapi-codegen then upper-cases initialisms (Json,
// JSON), with package state this must not depend on.
func mediaTag(mt string) string {
	if mt == "application/json" {
		return "JSON"
	}
	s := strings.Replace(mt, "/", "_", 1)
	s = strings.Replace(s, "*", "Wildcard_", 1)
	s = strings.Replace(s, "+", "Plus_", 1)
	return strings.ToUpper(codegen.ToCamelCase(s))
}

// dedupeMediaTags keeps one of the media types of content (those which
// selects) that oapi-codegen would name alike: `application/json;
// charset=utf-8` and `application/json;charset=UTF-8` are both
// ApplicationJSONCharsetUTF8, and their body types would be declared twice.
func (p *prep) dedupeMediaTags(content openapi3.Content, where string, which func(string) bool) {
	first := map[string]string{}
	for _, mt := range sortedKeys(content) {
		if !which(mt) {
			continue
		}
		tag := mediaTag(mt)
		if kept, dup := first[tag]; dup {
			origin := (*openapi3.Origin)(nil)
			if m := content[mt]; m != nil {
				origin = m.Origin
			}
			p.warn(origin, CodeDroppedMediaType, "%s: %q would get the Go type names of %q; dropped from the generated code", where, mt, kept)
			delete(content, mt)
			p.invalidate()
			continue
		}
		first[tag] = mt
	}
}

// dedupeResponseMediaTags does dedupeMediaTags for the JSON media types of
// every response, whose body types are named after the media type (the
// other ones were seen to get distinct names: snyk.io's
// `application/json, charset=utf-8` beside `application/json; charset=utf-8`).
func (p *prep) dedupeResponseMediaTags() {
	seen := map[*openapi3.Response]bool{}
	for _, op := range p.operations() {
		if op.op.Responses == nil {
			continue
		}
		m := op.op.Responses.Map()
		for _, code := range sortedKeys(m) {
			if r := m[code]; r != nil && r.Value != nil && !seen[r.Value] {
				seen[r.Value] = true
				p.dedupeMediaTags(r.Value.Content, op.method+" "+op.key+" response "+code, isJSON)
			}
		}
	}
}

// fixResponseRanges writes a response range in the upper case OpenAPI
// prescribes (4xx → 4XX): oapi-codegen refuses the lower case outright,
// which kin-openapi loads. Where both spellings are written, the upper one
// is kept and the other dropped.
func (p *prep) fixResponseRanges() {
	seen := map[*openapi3.Responses]bool{}
	for _, op := range p.operations() {
		rs := op.op.Responses
		if rs == nil || seen[rs] {
			continue
		}
		seen[rs] = true
		for _, code := range sortedKeys(rs.Map()) {
			up := strings.ToUpper(code)
			if len(code) != 3 || code == up || code[0] < '1' || code[0] > '5' || up[1:] != "XX" {
				continue
			}
			r := rs.Value(code)
			rs.Delete(code)
			p.invalidate()
			var origin *openapi3.Origin
			if r != nil && r.Value != nil {
				origin = r.Value.Origin
			}
			if rs.Value(up) != nil {
				p.warn(origin, CodeResponseRange, "response %q of %s %s is also written %q; the upper case one is generated", code, op.method, op.key, up)
				continue
			}
			rs.Set(up, r)
			p.warn(origin, CodeResponseRange, "response range %q of %s %s is generated as %q (OpenAPI writes ranges in upper case; oapi-codegen refuses the lower)", code, op.method, op.key, up)
		}
	}
}
