package compat

import "testing"

// TestSitePath checks that a path spelled out from its segments is the string
// the walk used to build by concatenation.
func TestSitePath(t *testing.T) {
	root := rootPath("#/paths/", escape("/a/{id}~x"))
	op := root.child("/", "get")
	media := op.child("/responses/", "200").child("/content/", escape("application/json"))
	s := media.child("/schema", "").child("/properties/", escape("a/b")).child("/items", "").child("/oneOf/", itoa(12))
	want := "#/paths/~1a~1{id}~0x/get/responses/200/content/application~1json/schema/properties/a~1b/items/oneOf/12"
	if got := s.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := (schemaSite{at: rootPath("#/components/schemas/", "Pet")}).where(); got != "#/components/schemas/Pet" {
		t.Errorf("where() = %q", got)
	}
	if got := rootPath("GET /pets", "").String(); got != "GET /pets" {
		t.Errorf("one-segment path = %q", got)
	}
}
