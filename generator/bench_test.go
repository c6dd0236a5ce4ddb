//go:build unix

package generator_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"

	"github.com/specgate/specgate/generator"
	"github.com/specgate/specgate/generator/compat"
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

// BenchmarkGenerate1000 compares specgate with oapi-codegen alone on a
// 1,000-operation document, in the same run and the same iterations, so load on
// the (shared) machine hits both alike. Each iteration times, each phase after a
// runtime.GC() so that no phase pays for the garbage of another:
//
//   - specgate: generator.Generate, everything (load with origins, Build,
//     compat.Prepare, codegen.Generate, the routes file);
//   - oapi-codegen: what oapi-codegen's own command does with the document,
//     util.LoadSwagger (kin-openapi, origins on) and codegen.Generate with the
//     options specgate passes; compat.Prepare runs between them untimed, since
//     real-world documents need its fixes before Generate accepts them (it
//     changes nothing in the synthetic one) and it is specgate's own work;
//   - generate: codegen.Generate alone, the second half of the above;
//   - load: generator.Load alone (origins on), and load-plain: the same file read
//     and kin-openapi loader call with origins off, for the record.
//
// specgate's own share is (specgate − oapi-codegen) / specgate: what specgate
// adds to running oapi-codegen on the same document. beyond-generate is the
// stricter (specgate − generate) / specgate, which counts the load as specgate's
// own. Both in CPU time (the process's user+system time, which other processes
// on the machine do not inflate) and in wall time. The specgate and oapi-codegen
// phases alternate which runs first.
func BenchmarkGenerate1000(b *testing.B) {
	spec := syntheticDoc(b, 250)
	benchmarkVersusCodegen(b, generator.Config{Spec: spec, Output: b.TempDir(), Package: "api", Strict: true}, 1000)
}

// BenchmarkGenerateCorpusLargest is BenchmarkGenerate1000 on the largest documents
// of the corpus (fetched by scripts/corpus/fetch.sh into $SPECGATE_CORPUS or
// ~/.cache/specgate-corpus), with the from-security policy the corpus test uses.
func BenchmarkGenerateCorpusLargest(b *testing.B) {
	dir := os.Getenv("SPECGATE_CORPUS")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".cache", "specgate-corpus")
	}
	for _, name := range []string{"loket.nl.json", "github.com/ghes-3.1.json"} {
		spec := filepath.Join(dir, "directory", "api", name)
		if _, err := os.Stat(spec); err != nil {
			b.Fatalf("%v: run scripts/corpus/fetch.sh first", err)
		}
		b.Run(filepath.Base(name), func(b *testing.B) {
			cfg := generator.Config{Spec: spec, Output: b.TempDir(), Package: "api", Strict: true, Missing: generator.MissingFromSecurity}
			benchmarkVersusCodegen(b, cfg, -1)
		})
	}
}

// benchmarkVersusCodegen times specgate's Generate against codegen.Generate alone
// on cfg.Spec, as BenchmarkGenerate1000 describes; wantRoutes < 0 skips the count check.
func benchmarkVersusCodegen(b *testing.B, cfg generator.Config, wantRoutes int) {
	spec := cfg.Spec
	version := "v2.8.2"
	// The options generator.Render passes (EmbeddedSpec is off in cfg).
	opts := codegen.Configuration{
		PackageName:          "api",
		Generate:             codegen.GenerateOptions{StdHTTPServer: true, Models: true, Strict: true},
		AllowRemoteRefsFrom:  []string{},
		NoVCSVersionOverride: &version,
	}
	var sg, oapiLoad, gen, loadOrigins, loadPlain span
	runSpecgate := func() {
		runtime.GC()
		m := sg.start()
		res, err := generator.Generate(context.Background(), cfg)
		m.stop()
		if err != nil || (wantRoutes >= 0 && len(res.Table.Routes) != wantRoutes) {
			b.Fatalf("Generate: %v", err)
		}
	}
	runOapiCodegen := func() {
		runtime.GC()
		m := oapiLoad.start()
		doc, err := util.LoadSwagger(spec) // Generate mutates the document: a fresh one each time
		m.stop()
		if err != nil {
			b.Fatal(err)
		}
		compat.Prepare(doc)
		runtime.GC()
		m = gen.start()
		out, err := codegen.Generate(doc, opts)
		m.stop()
		if err != nil || len(out) == 0 {
			b.Fatalf("codegen.Generate: %v", err)
		}
	}
	i := 0
	for b.Loop() {
		if i%2 == 0 {
			runSpecgate()
			runOapiCodegen()
		} else {
			runOapiCodegen()
			runSpecgate()
		}
		i++

		runtime.GC()
		m := loadOrigins.start()
		if _, err := generator.Load(context.Background(), spec, generator.LoadOptions{}); err != nil {
			b.Fatal(err)
		}
		m.stop()
		runtime.GC()
		m = loadPlain.start()
		if _, err := loadWithoutOrigins(spec); err != nil {
			b.Fatal(err)
		}
		m.stop()
	}
	n := float64(b.N)
	ns := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / n }
	share := func(total, other time.Duration) float64 { return 100 * float64(total-other) / float64(total) }
	tool := span{wall: oapiLoad.wall + gen.wall, cpu: oapiLoad.cpu + gen.cpu}
	b.ReportMetric(ns(sg.wall), "specgate-ns/op")
	b.ReportMetric(ns(tool.wall), "oapi-codegen-ns/op")
	b.ReportMetric(ns(gen.wall), "generate-ns/op")
	b.ReportMetric(ns(sg.cpu), "specgate-cpu-ns/op")
	b.ReportMetric(ns(tool.cpu), "oapi-codegen-cpu-ns/op")
	b.ReportMetric(ns(oapiLoad.cpu), "oapi-load-cpu-ns/op")
	b.ReportMetric(ns(gen.cpu), "generate-cpu-ns/op")
	b.ReportMetric(ns(loadOrigins.cpu), "load-cpu-ns/op")
	b.ReportMetric(ns(loadPlain.cpu), "load-plain-cpu-ns/op")
	b.ReportMetric(share(sg.cpu, tool.cpu), "%own-share-cpu")
	b.ReportMetric(share(sg.wall, tool.wall), "%own-share-wall")
	b.ReportMetric(share(sg.cpu, gen.cpu), "%beyond-generate-cpu")
	b.ReportMetric(share(sg.wall, gen.wall), "%beyond-generate-wall")
}

// loadWithoutOrigins is generator.Load's file read and kin-openapi call, with
// origins off.
func loadWithoutOrigins(path string) (*openapi3.T, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	return loader.LoadFromDataWithPath(data, &url.URL{Path: filepath.ToSlash(path)})
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
