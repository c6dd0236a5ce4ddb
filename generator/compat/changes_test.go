package compat_test

import (
	"reflect"
	"testing"

	"github.com/specgate/specgate/generator/compat"
)

// TestPathsReturnsWhatItPlanned: Paths moves exactly the keys PlanPaths
// names (a query string, a quote, a key taken by another path, which gets
// a suffix but is still served at the clean path, a double quote), reports the operationId
// it gave an aliased path item's operation under the key it has now, and
// PrepareWith with PathsDone does not run the stage again.
func TestPathsReturnsWhatItPlanned(t *testing.T) {
	doc := load(t, `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /rides:
    get: {operationId: list, responses: {"200": {description: ok}}}
  /rides?page={page}:
    get:
      operationId: page
      parameters: [{name: page, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: ok}}
  /it's:
    get: {responses: {"200": {description: ok}}}
  /alias:
    $ref: "#/paths/~1it's"
  '/say"hi':
    get: {operationId: hi, responses: {"200": {description: ok}}}
`)
	planned := compat.PlanPaths(doc.Paths)
	want := []compat.PathMove{
		{Old: "/rides?page={page}", New: "/rides?page=page", Served: "/rides"},
		{Old: `/say"hi`, New: "/say%22hi", Served: "/say%22hi"},
	}
	if !reflect.DeepEqual(planned, want) {
		t.Fatalf("PlanPaths = %+v, want %+v", planned, want)
	}
	changes, warns := compat.Paths(doc)
	if !reflect.DeepEqual(changes.Paths, planned) {
		t.Errorf("Paths moved %+v, planned %+v", changes.Paths, planned)
	}
	if ids := []compat.OperationIDSet{{Key: "/it's", Method: "GET", ID: "getItS"}}; !reflect.DeepEqual(changes.OperationIDs, ids) {
		t.Errorf("OperationIDs = %+v, want %+v", changes.OperationIDs, ids)
	}
	for _, mv := range planned {
		if doc.Paths.Value(mv.Old) != nil || doc.Paths.Value(mv.New) == nil {
			t.Errorf("%q is not at %q", mv.Old, mv.New)
		}
	}
	if codes(warns)[compat.CodePath] == 0 || codes(warns)[compat.CodeOperationID] != 1 {
		t.Errorf("warnings %v", warns)
	}
	if rest := compat.PrepareWith(doc, compat.Options{PathsDone: true}); codes(rest)[compat.CodePath]+codes(rest)[compat.CodeOperationID] != 0 {
		t.Errorf("PrepareWith with PathsDone ran the path stage again: %v", rest)
	}
}
