//go:build unix

package generator_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"

	"github.com/specgate/specgate/generator"
)

// syntheticDoc writes an OpenAPI document with paths×4 operations: path, query and
// header parameters, request bodies and responses referring to shared schemas, and
// annotations at every level.
func syntheticDoc(tb testing.TB, paths int) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: Synthetic, version: \"1\"}\nx-auth-required: true\npaths:\n")
	for i := range paths {
		fmt.Fprintf(&b, "  /things%d/{thingId}:\n", i)
		if i%3 == 0 {
			b.WriteString("    x-auth-roles: [admin]\n")
		}
		b.WriteString("    parameters:\n      - {name: thingId, in: path, required: true, schema: {type: integer, format: int64}}\n")
		for _, m := range []string{"get", "put", "post", "delete"} {
			fmt.Fprintf(&b, "    %s:\n      operationId: %sThing%d\n", m, m, i)
			switch {
			case m == "get" && i%2 == 0:
				b.WriteString("      x-auth-required: optional\n      x-auth-roles: []\n")
			case m == "delete":
				b.WriteString("      x-auth-roles: [admin, owner]\n")
			}
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
	p := filepath.Join(tb.TempDir(), "openapi.yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkGenerate1000 generates a 1,000-operation document with specgate
// (load with origins, build, compat, oapi-codegen, routes template) and, in the
// same iteration, the same document with oapi-codegen alone: its own loader
// (util.LoadSwagger) and its Generate, each timed. It reports specgate's own
// share of its total, measured against oapi-codegen's Generate call alone and
// against oapi-codegen's whole pipeline (load + Generate), in wall and CPU time.
func BenchmarkGenerate1000(b *testing.B) {
	spec := syntheticDoc(b, 250)
	cfg := generator.Config{Spec: spec, Output: b.TempDir(), Package: "api", Strict: true}
	opts := codegen.Configuration{PackageName: "api", Generate: codegen.GenerateOptions{StdHTTPServer: true, Models: true, Strict: true}}
	var sg, load, gen span
	for b.Loop() {
		m := sg.start()
		res, err := generator.Generate(context.Background(), cfg)
		m.stop()
		if err != nil || len(res.Table.Routes) != 1000 {
			b.Fatalf("Generate: %v", err)
		}

		m = load.start()
		doc, err := util.LoadSwagger(spec)
		m.stop()
		if err != nil {
			b.Fatal(err)
		}
		m = gen.start()
		if _, err := codegen.Generate(doc, opts); err != nil {
			b.Fatal(err)
		}
		m.stop()
	}
	n := float64(b.N)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / n }
	share := func(total, other time.Duration) float64 { return 100 * float64(total-other) / float64(total) }
	b.ReportMetric(ms(sg.wall), "ms-specgate/op")
	b.ReportMetric(ms(gen.wall), "ms-oapi-generate/op")
	b.ReportMetric(ms(load.wall), "ms-oapi-load/op")
	// CPU time is what this process spent, so other load on the machine does
	// not skew it the way it skews wall time.
	b.ReportMetric(ms(sg.cpu), "cpu-ms-specgate/op")
	b.ReportMetric(ms(gen.cpu), "cpu-ms-oapi-generate/op")
	b.ReportMetric(ms(load.cpu), "cpu-ms-oapi-load/op")
	b.ReportMetric(share(sg.cpu, gen.cpu), "%cpu-share-vs-generate")
	b.ReportMetric(share(sg.cpu, gen.cpu+load.cpu), "%cpu-share-vs-pipeline")
	b.ReportMetric(share(sg.wall, gen.wall), "%wall-share-vs-generate")
	b.ReportMetric(share(sg.wall, gen.wall+load.wall), "%wall-share-vs-pipeline")
}

// span adds up the wall and CPU time of measured intervals.
type span struct{ wall, cpu time.Duration }

type mark struct {
	s          *span
	wall       time.Time
	cpuAtStart time.Duration
}

func (s *span) start() mark { return mark{s: s, wall: time.Now(), cpuAtStart: cpuTime()} }

func (m mark) stop() {
	m.s.wall += time.Since(m.wall)
	m.s.cpu += cpuTime() - m.cpuAtStart
}

// cpuTime is the CPU time (user + system) this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBuild1000 measures Build alone (the annotation pass) on the same document.
func BenchmarkBuild1000(b *testing.B) {
	doc, err := generator.Load(context.Background(), syntheticDoc(b, 250), generator.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if table, _ := generator.Build(doc, generator.BuildOptions{}); len(table.Routes) != 1000 {
			b.Fatal(len(table.Routes))
		}
	}
}
