package compat_test

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"

	"github.com/specgate/specgate/generator/compat"
)

// load parses a document the way the generator does (origins on).
func load(t testing.TB, src string) *openapi3.T {
	t.Helper()
	l := openapi3.NewLoader()
	l.IncludeOrigin = true
	doc, err := l.LoadFromData([]byte(src))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return doc
}

func generate(t *testing.T, doc *openapi3.T) string {
	t.Helper()
	out, err := codegen.Generate(doc, codegen.Configuration{
		PackageName: "api",
		Generate:    codegen.GenerateOptions{Models: true, StdHTTPServer: true, Strict: true, EmbeddedSpec: true},
	})
	if err != nil {
		t.Fatalf("oapi-codegen after Prepare: %v", err)
	}
	return out
}

func codes(ws []compat.Warning) map[string]int {
	m := map[string]int{}
	for _, w := range ws {
		m[w.Code]++
	}
	return m
}

// Each case is one failure class from the corpus README, small enough to
// read; the corpus test checks that real documents compile and vet.
func TestPrepare(t *testing.T) {
	cases := []struct {
		name, doc string
		want      []string // warning codes Prepare must report
		contains  []string // text the generated code must contain
	}{
		{
			name: "example-only response becomes raw JSON",
			doc: `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/x":{"get":{"operationId":"getX",
"responses":{"200":{"description":"ok","content":{"application/json":{"example":{"a":1}}}}}}}}}`,
			want:     []string{compat.CodeRawJSON},
			contains: []string{"type GetX200JSONResponse struct{ json.RawMessage }"},
		},
		{
			name: "parameter and schema named alike",
			doc: `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/p":{"get":{"operationId":"getP",
"parameters":[{"$ref":"#/components/parameters/project"}],
"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Project"}}}}}}}},
"components":{"parameters":{"project":{"name":"project","in":"query","schema":{"type":"string"}}},
"schemas":{"Project":{"type":"object","properties":{"id":{"type":"string"}}}}}}`,
			want:     []string{compat.CodeRenamedType},
			contains: []string{"type ProjectParameter = string", "type Project struct"},
		},
		{
			name: "x-go-name like a generated declaration",
			doc: `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/p":{"get":{"operationId":"getP",
"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Project"}}}}}}}},
"components":{"schemas":{"Project":{"x-go-name":"ServerInterface","type":"object","properties":{"id":{"type":"string"}}}}}}`,
			want:     []string{compat.CodeRenamedType},
			contains: []string{"type ProjectSchema struct"},
		},
		{
			name: "required self reference",
			doc: `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/n":{"get":{"operationId":"getN",
"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Node"}}}}}}}},
"components":{"schemas":{"Node":{"type":"object","required":["parent"],"properties":{"parent":{"$ref":"#/components/schemas/Node"}}}}}}`,
			want:     []string{compat.CodeRecursivePointer},
			contains: []string{"Parent *Node"},
		},
		{
			name: "enum value that is no number, duplicate union member, backtick property",
			doc: `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/e":{"post":{"operationId":"postE",
"requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{
"n":{"type":"number","enum":[1,""]},
"u":{"oneOf":[{"$ref":"#/components/schemas/A"},{"$ref":"#/components/schemas/A"}]},
"weird ` + "`name`" + `":{"type":"string"}}}}}},
"responses":{"204":{"description":"ok"}}}}},
"components":{"schemas":{"A":{"type":"object","properties":{"a":{"type":"string"}}}}}}`,
			want: []string{compat.CodeDroppedEnum, compat.CodeDroppedUnionMember, compat.CodeRawJSON},
		},
		{
			name: "$ref into paths",
			doc: `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"operationId":"getA",
"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"object","properties":{"page":{"type":"object","properties":{"n":{"type":"integer"}}}}}}}}}}},
"/b":{"get":{"operationId":"getB","responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"object",
"properties":{"page":{"$ref":"#/paths/~1a/get/responses/200/content/application~1json/schema/properties/page"}}}}}}}}}}}`,
			want:     []string{compat.CodeHoistedRef},
			contains: []string{"type APage struct", "Page *APage"},
		},
		{
			name: "webhook-only schema and two webhook operations",
			doc: `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"webhooks":{"newPet":{
"post":{"requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Pet"}}}},"responses":{"200":{"description":"ok"}}},
"delete":{"responses":{"204":{"description":"ok"}}}}},
"components":{"schemas":{"Pet":{"type":"object","properties":{"name":{"type":"string"}}}}}}`,
			want:     []string{compat.CodeWebhook},
			contains: []string{"type Pet struct"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := load(t, c.doc)
			ws := compat.Prepare(doc)
			got := codes(ws)
			for _, code := range c.want {
				if got[code] == 0 {
					t.Errorf("no %s warning; got %v", code, ws)
				}
			}
			for _, w := range ws {
				if w.Line == 0 && w.Code != compat.CodeWebhook {
					t.Errorf("warning without a position: %v", w)
				}
			}
			out := generate(t, doc)
			for _, s := range c.contains {
				if !strings.Contains(out, s) {
					t.Errorf("generated code lacks %q (warnings: %v)", s, ws)
				}
			}
		})
	}
}

// TestPrepareDeterministic checks that two runs on the same document report
// the same warnings in the same order.
func TestPrepareDeterministic(t *testing.T) {
	src := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/x":{"get":{"operationId":"getX",
"parameters":[{"name":"ifModifiedSince","in":"query","schema":{"type":"integer"}},{"name":"If-Modified-Since","in":"header","schema":{"type":"string"}}],
"responses":{"200":{"description":"ok","content":{"application/json":{}}}}}}},
"components":{"schemas":{"a_b":{"type":"string"},"AB":{"type":"integer"}}}}`
	a := compat.Prepare(load(t, src))
	b := compat.Prepare(load(t, src))
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("runs differ or found nothing: %v / %v", a, b)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("warning %d differs: %v / %v", i, a[i], b[i])
		}
	}
	if codes(a)[compat.CodeRenamedField] != 1 {
		t.Errorf("want one renamed field, got %v", a)
	}
}

// FuzzPrepare loads arbitrary documents and runs Prepare on them: it must
// never panic, whatever kin-openapi accepted.
func FuzzPrepare(f *testing.F) {
	f.Add([]byte(`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}}`))
	f.Add([]byte(`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"webhooks":{"w":{"post":{"responses":{"200":{"description":"x"}}}}}}`))
	f.Add([]byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a/{id}?q={q}:
    get:
      parameters: [{name: "x\"y", in: query, schema: {type: string, enum: [1, "a", null]}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/S"}}}}}
components:
  schemas:
    S: {type: object, required: [s], properties: {s: {$ref: "#/components/schemas/S"}, "a,b": {type: [string, integer]}}, allOf: [{type: string}, {type: integer}]}
`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l := openapi3.NewLoader()
		l.IncludeOrigin = true
		doc, err := l.LoadFromData(data)
		if err != nil {
			return
		}
		_ = compat.Prepare(doc)
	})
}

// Prepare reuses one document walk across passes; a pass that moves a schema
// must make the next pass walk again, or its messages would name the old place.
func TestPrepareRewalksAfterHoist(t *testing.T) {
	doc := load(t, `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  kind: {type: integer, enum: [1, "x"]}
  /b:
    get:
      operationId: getB
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/paths/~1a/get/responses/200/content/application~1json/schema"}
`)
	var got string
	for _, w := range compat.Prepare(doc) {
		if w.Code == compat.CodeDroppedEnum {
			got = w.Message
		}
	}
	if want := "enum of #/components/schemas/a/properties/kind has values"; !strings.HasPrefix(got, want) {
		t.Fatalf("dropped-enum warning = %q, want prefix %q", got, want)
	}
	generate(t, doc)
}
