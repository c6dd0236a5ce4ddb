package compat_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/specgate/specgate/generator/compat"
)

// syntheticSpec returns an OpenAPI document with paths×4 operations, shaped
// like the generator's BenchmarkGenerate1000 document: path, query and header
// parameters, request bodies and responses referring to shared schemas.
func syntheticSpec(paths int) string {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: Synthetic, version: \"1\"}\npaths:\n")
	for i := range paths {
		fmt.Fprintf(&b, "  /things%d/{thingId}:\n", i)
		b.WriteString("    parameters:\n      - {name: thingId, in: path, required: true, schema: {type: integer, format: int64}}\n")
		for _, m := range []string{"get", "put", "post", "delete"} {
			fmt.Fprintf(&b, "    %s:\n      operationId: %sThing%d\n", m, m, i)
			b.WriteString("      parameters:\n        - {name: limit, in: query, schema: {type: integer}}\n        - {name: X-Request-Id, in: header, schema: {type: string}}\n")
			if m == "put" || m == "post" {
				fmt.Fprintf(&b, "      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {$ref: \"#/components/schemas/Thing%d\"}\n", i%100)
			}
			fmt.Fprintf(&b, "      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/Thing%d\"}\n        \"404\": {description: not found}\n", i%100)
		}
	}
	b.WriteString("components:\n  schemas:\n")
	for i := range 100 {
		fmt.Fprintf(&b, "    Thing%d:\n      type: object\n      required: [id, name]\n      properties:\n        id: {type: integer, format: int64}\n        name: {type: string}\n        tags: {type: array, items: {type: string}}\n        kind: {type: string, enum: [a, b, c]}\n        createdAt: {type: string, format: date-time}\n", i)
	}
	return b.String()
}

// BenchmarkPrepare times compat.Prepare alone on a 1,000-operation document.
// Prepare rewrites the document in place, so each iteration loads a fresh
// copy with the timer stopped.
func BenchmarkPrepare(b *testing.B) {
	src := syntheticSpec(250)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		doc := load(b, src)
		b.StartTimer()
		if ws := compat.Prepare(doc); len(ws) != 0 {
			b.Fatalf("unexpected warnings on a clean document: %v", ws)
		}
	}
}
