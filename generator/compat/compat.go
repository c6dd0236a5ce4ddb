// Package compat rewrites a loaded OpenAPI document in place so that
// oapi-codegen v2 produces Go code that compiles and vets. It fixes or works
// around the failure classes met on real-world documents (see CORPUS.md at
// the repository root) and, where a schema still cannot be typed, degrades
// that schema to raw JSON with a positioned warning instead of failing the
// whole document.
//
// Prepare reads oapi-codegen's name normalizer (package state that
// codegen.Generate sets), so, like codegen.Generate, it must not run
// concurrently with another generation.
package compat

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// Warning reports one rewrite Prepare made, positioned at the object it
// concerns when the document was loaded with origins on (zero otherwise).
type Warning struct {
	File      string
	Line, Col int
	Code      string // stable, see the Code* constants
	Message   string
}

// String formats the warning as file:line:col: code: message.
func (w Warning) String() string {
	if w.File == "" && w.Line == 0 {
		return fmt.Sprintf("%s: %s", w.Code, w.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", w.File, w.Line, w.Col, w.Code, w.Message)
}

// Stable warning codes, one per kind of rewrite.
const (
	CodeRenamedType        = "compat-renamed-type"         // a component renamed so Go type names stay unique
	CodeRenamedField       = "compat-renamed-field"        // a parameter given a distinct Go field name
	CodeHoistedRef         = "compat-hoisted-ref"          // a $ref into paths or into a schema moved to components
	CodeHoistedSchema      = "compat-hoisted-schema"       // an inline schema of a shared response moved to components
	CodeRawJSON            = "compat-raw-json"             // a schema degraded to raw JSON
	CodeDroppedProperty    = "compat-dropped-property"     // a property whose name cannot appear in Go source
	CodeDroppedParameter   = "compat-dropped-parameter"    // a parameter whose name cannot appear in Go source
	CodeDroppedEnum        = "compat-dropped-enum"         // enum values that do not fit the Go type
	CodeDroppedUnionMember = "compat-dropped-union-member" // a duplicate oneOf/anyOf member
	CodeDroppedMediaType   = "compat-dropped-media-type"   // a request media type that would redeclare a field
	CodeRecursivePointer   = "compat-recursive-pointer"    // a required self-referencing property made optional
	CodeWebhook            = "compat-webhook"              // webhook operation ids and schemas kept for oapi-codegen
	CodeOperationID        = "compat-operation-id"         // an operation id set so an aliased path item resolves
	CodePath               = "compat-path"                 // a path or path parameter rewritten
	CodeEscapedName        = "compat-escaped-name"         // a parameter or header name's backslashes doubled for Go literals
	CodeText               = "compat-text"                 // NUL characters removed from texts copied into Go comments
	CodeResponseRange      = "compat-response-range"       // a response range written in lower case (4xx) made upper case
)

// Prepare rewrites doc in place for oapi-codegen and returns what it changed,
// in a deterministic order. It never fails: a construct it cannot type is
// degraded (raw JSON, dropped parameter) and reported.
func Prepare(doc *openapi3.T) []Warning { return PrepareWith(doc, Options{}) }

// Options tunes PrepareWith.
type Options struct {
	// Reserved are package-level Go names declared beside oapi-codegen's
	// output (specgate's routes.gen.go): no component, hoisted schema or enum
	// may take one. oapi-codegen's own fixed names are always reserved.
	Reserved []string
	// PathsDone says Paths already ran on the document (its warnings are
	// the caller's): PrepareWith runs only the passes after it.
	PathsDone bool
}

// PrepareWith is Prepare with names reserved for other generated files.
func PrepareWith(doc *openapi3.T, opts Options) []Warning {
	if doc == nil {
		return nil
	}
	p := &prep{doc: doc, reserved: map[string]bool{}}
	for _, n := range generatedIdents {
		p.reserved[n] = true
	}
	for _, n := range opts.Reserved {
		p.reserved[n] = true
	}
	// Order matters: names and refs first (later passes look components up
	// by name), raw-JSON degradation last (it sees the final shapes). The
	// path passes read no schemas, so normalize may follow them: it then
	// shares its document walk with the passes after it (see collect).
	if !opts.PathsDone {
		p.fixPathItemAliases()
		p.fixPaths()
	}
	p.fixNullMedia()
	p.fixResponseRanges()
	p.normalize()
	p.foldAllOfKeywords()
	p.hoistForeignRefs()
	p.fixAliasCycles()
	p.fixWebhooks()
	p.fixText()
	p.fixNULText()
	p.fixHeaderNames()
	p.fixEnums()
	p.dedupeUnions()
	p.hoistUnionArrayItems()
	p.hoistResponseSchemas()
	p.hoistOpaqueResponseSchemas()
	p.fixRequestBodies()
	p.dedupeResponseMediaTags()
	p.fixRecursion()
	if p.doc.Components != nil {
		p.fixUntypable(p.doc.Components.Schemas)
	} else {
		p.fixUntypable(nil)
	}
	p.fixPathParamVars()
	p.fixParamNames()
	p.fixPropertyNames()
	p.hoistParamUnions()
	p.fixTypeNames()
	p.fixEnumNames()
	p.fixAnyResponses()
	SortWarnings(p.warns)
	return p.warns
}

// prep carries one Prepare run.
type prep struct {
	doc      *openapi3.T
	reserved map[string]bool // Go names no component may take, see Options
	warns    []Warning
	changes  Changes    // what the path stage did (Paths)
	walk     *collector // cached document walk, see collect
	ops      []opSite   // cached operations, see operations
}

// warn records a warning positioned at origin (nil allowed).
func (p *prep) warn(origin *openapi3.Origin, code, format string, args ...any) {
	w := Warning{Code: code, Message: fmt.Sprintf(format, args...)}
	if origin != nil && origin.Key != nil {
		w.File, w.Line, w.Col = origin.Key.File, origin.Key.Line, origin.Key.Column
	}
	p.warns = append(p.warns, w)
}

// schemaOrigin returns the best origin for a schema site: the $ref node or
// the schema itself.
func schemaOrigin(ref *openapi3.SchemaRef) *openapi3.Origin {
	if ref == nil {
		return nil
	}
	if ref.Origin != nil && ref.Origin.Key != nil {
		return ref.Origin
	}
	if ref.Value != nil {
		return ref.Value.Origin
	}
	return nil
}

// normalize turns empty composition lists into nil: oapi-codegen indexes
// allOf[0] whenever the list is non-nil, and converted Swagger 2.0 documents
// carry empty lists.
func (p *prep) normalize() {
	for _, s := range p.schemas() {
		v := s.ref.Value
		if v == nil {
			continue
		}
		if len(v.AllOf) == 0 {
			v.AllOf = nil
		}
		if len(v.OneOf) == 0 {
			v.OneOf = nil
		}
		if len(v.AnyOf) == 0 {
			v.AnyOf = nil
		}
		n := len(v.AllOf) + len(v.OneOf) + len(v.AnyOf)
		v.AllOf = dropNil(v.AllOf)
		v.OneOf = dropNil(v.OneOf)
		v.AnyOf = dropNil(v.AnyOf)
		if len(v.AllOf)+len(v.OneOf)+len(v.AnyOf) != n {
			p.invalidate() // the walk met the dropped members
		}
	}
}

func dropNil(refs openapi3.SchemaRefs) openapi3.SchemaRefs {
	if refs == nil {
		return nil
	}
	out := refs[:0]
	for _, r := range refs {
		if r != nil && r.Value != nil {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
