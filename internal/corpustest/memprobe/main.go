// Command memprobe measures peak memory of specgate against oapi-codegen on
// one document, one tool per process so that /usr/bin/time -v reports each
// one's own peak RSS (BENCHMARKS.md, "Memory"):
//
//	memprobe gen PATHS FILE      write a synthetic JSON document of PATHS paths
//	memprobe specgate FILE       generator.Generate (load, Build, compat, oapi-codegen, routes)
//	memprobe oapi-codegen FILE   oapi-codegen's own load (util.LoadSwagger) + compat.Prepare + codegen.Generate
//
// The oapi-codegen run includes compat.Prepare because corpus documents need
// its fixes before codegen.Generate accepts them, as BenchmarkGenerateCorpusLargest does.
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"

	"github.com/specgate/specgate/generator"
	"github.com/specgate/specgate/generator/compat"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "memprobe:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: memprobe gen PATHS FILE | specgate FILE | oapi-codegen FILE")
	}
	switch args[0] {
	case "gen":
		if len(args) != 3 {
			return fmt.Errorf("usage: memprobe gen PATHS FILE")
		}
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 1 {
			return fmt.Errorf("PATHS: %q is not a positive number", args[1])
		}
		return writeDoc(args[2], n)
	case "specgate":
		dir, err := os.MkdirTemp("", "memprobe")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		res, err := generator.Generate(context.Background(), generator.Config{
			Spec: args[1], Output: dir, Package: "api", Strict: true, Missing: generator.MissingFromSecurity,
		})
		if err != nil {
			return err
		}
		fmt.Printf("specgate: %d routes, %d bytes of api.gen.go\n", len(res.Table.Routes), len(res.Files[0].Data))
		return nil
	case "oapi-codegen":
		doc, err := util.LoadSwagger(args[1])
		if err != nil {
			return err
		}
		compat.Prepare(doc)
		version := "v2.8.2"
		out, err := codegen.Generate(doc, codegen.Configuration{
			PackageName:          "api",
			Generate:             codegen.GenerateOptions{StdHTTPServer: true, Models: true, Strict: true},
			AllowRemoteRefsFrom:  []string{},
			NoVCSVersionOverride: &version,
		})
		if err != nil {
			return err
		}
		fmt.Printf("oapi-codegen: %d bytes\n", len(out))
		return nil
	}
	return fmt.Errorf("unknown mode %q", args[0])
}

// writeDoc writes a JSON document of n paths, one GET each (a path and a
// query parameter, a response referring to one of 100 schemas, security on
// half of them, a paragraph of description): about 930 bytes a path, so
// 54,000 paths make about 50 MB, the size and shape of the document the
// issue measured.
func writeDoc(file string, n int) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprint(w, `{"openapi":"3.0.3","info":{"title":"memprobe","version":"1"},`+
		`"components":{"securitySchemes":{"bearer":{"type":"http","scheme":"bearer"}},"schemas":{`)
	for i := range 100 {
		if i > 0 {
			w.WriteString(",")
		}
		fmt.Fprintf(w, `"Thing%d":{"type":"object","required":["id","name"],"properties":{"id":{"type":"integer","format":"int64"},"name":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}},"kind":{"type":"string","enum":["a","b","c"]}}}`, i)
	}
	w.WriteString(`}},"paths":{`)
	const text = "Returns the thing with this id, as the caller may see it. The limit bounds the tags listed; a thing the caller may not see is a 404, not a 403, so that ids cannot be probed. Results are cached for a minute."
	for i := range n {
		if i > 0 {
			w.WriteString(",")
		}
		sec := ""
		if i%2 == 0 {
			sec = `"security":[{"bearer":[]}],`
		}
		fmt.Fprintf(w, `"/things%d/{thingId}":{"parameters":[{"name":"thingId","in":"path","required":true,"schema":{"type":"integer","format":"int64"}}],`+
			`"get":{"operationId":"getThing%d","summary":"Get thing %d","description":"%s %s",%s"parameters":[{"name":"limit","in":"query","description":"at most this many tags","schema":{"type":"integer"}}],"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Thing%d"}}}},"404":{"description":"not found"}}}}`,
			i, i, i, text, text, sec, i%100)
	}
	w.WriteString("}}\n")
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}
