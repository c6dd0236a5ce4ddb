package generator_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specgate/specgate/generator"
)

// shapeDoc builds an OpenAPI document from fuzz bytes: up to eight component
// schemas, each a $ref, an allOf, a oneOf, an object or an array naming
// others (so any cycle, through any of them, can arise), and an inline
// schema nested up to 1,500 levels deep. Random bytes rarely get past the
// YAML parser; these documents do, and reach compat and oapi-codegen.
func shapeDoc(data []byte) string {
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := int(data[0])
		data = data[1:]
		return b
	}
	n := 1 + next()%8
	name := func() string { return fmt.Sprintf("S%d", next()%n) }
	ref := func() string { return fmt.Sprintf(`{"$ref": "#/components/schemas/%s"}`, name()) }
	var schemas []string
	for i := range n {
		var s string
		switch next() % 7 {
		case 0:
			s = ref()
		case 1:
			s = fmt.Sprintf(`{"allOf": [%s, {"type": "object", "properties": {"a%d": {"type": "string"}}}]}`, ref(), i)
		case 2:
			s = fmt.Sprintf(`{"allOf": [%s, %s]}`, ref(), ref())
		case 3:
			s = fmt.Sprintf(`{"oneOf": [%s, {"type": "string"}]}`, ref())
		case 4:
			s = fmt.Sprintf(`{"type": "object", "required": ["p"], "properties": {"p": %s}}`, ref())
		case 5:
			s = fmt.Sprintf(`{"type": "array", "items": %s}`, ref())
		default:
			s = fmt.Sprintf(`{"type": "object", "additionalProperties": %s}`, ref())
		}
		schemas = append(schemas, fmt.Sprintf(`"S%d": %s`, i, s))
	}
	depth := (next()<<8 | next()) % 1500
	inner := ref()
	for range depth {
		if next()%2 == 0 {
			inner = `{"type": "object", "properties": {"p": ` + inner + `}}`
		} else {
			inner = `{"type": "array", "items": ` + inner + `}`
		}
	}
	return fmt.Sprintf(`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "x-auth-required": false,
"paths": {"/a": {"get": {"operationId": "getA", "responses": {"200": {"description": "ok",
  "content": {"application/json": {"schema": %s}}}}}},
 "/b": {"post": {"operationId": "postB", "requestBody": {"content": {"application/json": {"schema": %s}}},
  "responses": {"204": {"description": "ok"}}}}},
"components": {"schemas": {%s}}}`, ref(), inner, strings.Join(schemas, ", "))
}

// FuzzGenerateShapes generates documents with cycles and deep nesting: each
// either generates or fails with an error diagnostic that has a position;
// nothing panics (not even a panic Render recovers) and nothing overflows.
func FuzzGenerateShapes(f *testing.F) {
	f.Add([]byte{0, 0, 0})                   // S0: $ref to itself
	f.Add([]byte{1, 0, 1, 0, 1, 0})          // S0 → S1 → S0
	f.Add([]byte{0, 1, 0})                   // allOf of itself
	f.Add([]byte{2, 4, 1, 5, 0, 6, 1})       // a required property cycle, an array of itself
	f.Add([]byte{0, 3, 0, 0x05, 0xdb, 0, 1}) // a union of itself, 1,499 deep
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		spec := filepath.Join(dir, "openapi.json")
		if err := os.WriteFile(spec, []byte(shapeDoc(data)), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := generator.Generate(context.Background(), generator.Config{Spec: spec, Output: dir, Package: "api", Strict: true})
		if err == nil {
			return
		}
		doc := shapeDoc(data)
		if len(doc) > 2000 {
			doc = doc[:2000] + "..."
		}
		if strings.Contains(err.Error(), "panicked") {
			t.Fatalf("panic: %v\n%s", err, doc)
		}
		for _, d := range res.Diagnostics {
			if d.Severity == generator.Error && d.File != "" && d.Line > 0 {
				return
			}
		}
		t.Fatalf("error without a positioned diagnostic: %v\n%s", err, doc)
	})
}

// refsDoc builds a document whose parameters, headers, request bodies and
// responses are component chains from fuzz bytes: each of up to four per
// section is either a $ref to one of them (so A → A and A → B → A arise) or
// a real object, and one operation uses one of each. Component $ref cycles
// outside schemas are what kin-openapi leaves without a value.
func refsDoc(data []byte) string {
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := int(data[0])
		data = data[1:]
		return b
	}
	n := 1 + next()%4
	section := func(kind, real string) string {
		var items []string
		for i := range n {
			if next()%2 == 0 {
				items = append(items, fmt.Sprintf(`"%s%d": {"$ref": "#/components/%s/%s%d"}`, kind[:1], i, kind, kind[:1], next()%n))
			} else {
				items = append(items, fmt.Sprintf(`"%s%d": %s`, kind[:1], i, fmt.Sprintf(real, i)))
			}
		}
		return fmt.Sprintf(`"%s": {%s}`, kind, strings.Join(items, ", "))
	}
	use := func(kind string) string {
		return fmt.Sprintf(`{"$ref": "#/components/%s/%s%d"}`, kind, kind[:1], next()%n)
	}
	return fmt.Sprintf(`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "x-auth-required": false,
"paths": {"/a": {"post": {"operationId": "postA", "parameters": [%s], "requestBody": %s,
  "responses": {"200": %s, "204": {"description": "ok", "headers": {"X-H": %s}}}}}},
"components": {%s, %s, %s, %s}}`,
		use("parameters"), use("requestBodies"), use("responses"), use("headers"),
		section("parameters", `{"name": "q%d", "in": "query", "schema": {"type": "string"}}`),
		section("requestBodies", `{"content": {"application/json": {"schema": {"type": "object", "properties": {"b%d": {"type": "string"}}}}}}`),
		section("responses", `{"description": "r%d", "content": {"application/json": {"schema": {"type": "string"}}}}`),
		section("headers", `{"description": "h%d", "schema": {"type": "integer"}}`))
}

// FuzzGenerateComponentRefs is FuzzGenerateShapes for component $ref chains
// outside schemas: each document generates or fails with a positioned error
// diagnostic; nothing panics (oapi-codegen did, on a cycle) and nothing hangs.
func FuzzGenerateComponentRefs(f *testing.F) {
	// The bytes: n-1, the four components the operation uses, then per
	// section and component 0 (a $ref, then its target) or 1 (real).
	f.Add([]byte{0, 0, 0, 0, 0, 1, 1, 1, 1})                                     // one of each, real
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})                         // each a $ref to itself
	f.Add([]byte{1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0}) // pairs: A → B → A
	f.Add([]byte{1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0})             // X1 → X0, which is real
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		doc := refsDoc(data)
		spec := filepath.Join(dir, "openapi.json")
		if err := os.WriteFile(spec, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := generator.Generate(context.Background(), generator.Config{Spec: spec, Output: dir, Package: "api", Strict: true})
		if err == nil {
			return
		}
		if strings.Contains(err.Error(), "panicked") {
			t.Fatalf("panic: %v\n%s", err, doc)
		}
		for _, d := range res.Diagnostics {
			if d.Severity == generator.Error && d.File != "" && d.Line > 0 {
				return
			}
		}
		t.Fatalf("error without a positioned diagnostic: %v\n%s", err, doc)
	})
}
