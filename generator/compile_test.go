package generator_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/specgate/specgate/generator"

	// The generated api.gen.go imports oapi-codegen's runtime. Importing it here
	// keeps its version in go.mod, so the modules these tests build (and users'
	// modules, through minimal version selection) start from the pinned version
	// instead of looking up the latest one.
	_ "github.com/oapi-codegen/runtime"
	// And the generated routes.gen.go imports runtime/auth: this keeps the runtime
	// module (replaced by ./runtime) and its sums in the checkout's go.mod.
	_ "github.com/specgate/specgate/runtime/auth"
)

// TestCompileCases generates each case below into a fresh module that uses this
// checkout through replace directives, vets it, and runs its serve_test.go.txt
// (plus the extra .go.txt files named) with the real runtime/auth. Each must
// print the PASS lines listed: TestRoutesTable checks the generated table, and
// TestServe, where the case has one, serves the routes over httptest.
func TestCompileCases(t *testing.T) {
	serve := []string{"--- PASS: TestServe", "--- PASS: TestRoutesTable"}
	table := []string{"--- PASS: TestRoutesTable"}
	cases := []struct {
		name  string   // the case under testdata/generate
		extra []string // more .go.txt files of the case to build in
		want  []string // lines go test -v must print
		why   string
	}{
		{"serve", nil, serve, "public 200, required without cookies 401, a malformed path parameter without cookies 401 (not 400), a missing role 403, optional without cookies 200"},
		{"route-adapted", nil, serve, "every adapted route reached with the right path values, 401 before 400 on a protected one, 404 for a path that does not fit, every operation wrapped once with its own entry"},
		{"reserved-imports", nil, serve, "schemas whose x-go-name is auth, pathmatch or http (routes.gen.go's imports) are renamed by compat, so both files build side by side; the adapted route still serves"},
		{"operation-id-collision", nil, serve, "operationIds and generated ids whose Go names collide: every operation reaches its handler under the name specgate gave it, written names kept, taken ones suffixed (strict server too)"},
		{"backslash-names", nil, serve, "parameter, header, cookie, scheme and scope names with backslashes and percent signs: each value bound under its name as written, response headers set under theirs"},
		{"xml-response-enum", nil, table, "enums and unions inside XML and YAML bodies, which oapi-codegen does not decode: every type the output names is declared"},
		{"callback-names", nil, table, "callback operations named like a route, a callback object shared by two operations, callbacks without operationId named alike: no type declared twice"},
		{"union-array-enum", nil, table, "oneOf/anyOf members that are arrays of an inline enum, which oapi-codegen names like the member"},
		{"multipart-types", nil, table, "one request body listing several multipart/* types, which oapi-codegen would all declare as <Op>MultipartBody"},
		{"field-names", nil, table, "properties and response headers whose Go field names collide: a body with every property decodes, each renamed field keeping its JSON name"},
		{"path-param-names", nil, serve, "path parameters named w, r, err, fmt, type: each value reaches the handler"},
		{"media-type-names", nil, table, "media types differing only in spacing and case, which oapi-codegen names alike"},
		{"security", nil, table, "every shape of OpenAPI security requirement (from-security): the table, auth.Scheme values and Route.Security compile against runtime/auth and are exactly what the document says"},
		// The security case served through the real runtime with a verifier per
		// scheme: 401 when no alternative's credentials all hold, 403 when
		// authenticated but every alternative lacks a scope, combined requirements,
		// each scheme type, API keys wrong, empty, twice or in another place.
		{"security", []string{"serve_security_test.go.txt"}, []string{"--- PASS: TestServeSecurity", "--- PASS: TestRoutesTable"}, "Route.Security enforced with Config.Verifiers"},
	}
	for _, c := range cases {
		name := c.name
		if len(c.extra) > 0 {
			name += "+" + strings.Join(c.extra, "+")
		}
		t.Run(name, func(t *testing.T) {
			out := compileAndServeCase(t, c.name, c.extra...)
			for _, want := range c.want {
				if !strings.Contains(out, want) {
					t.Errorf("%s: go test output lacks %q:\n%s", c.why, want, out)
				}
			}
		})
	}
}

// compileAndServeCase generates testdata/generate/<name> into a temporary
// module with the case's serve_test.go.txt (and the extra .go.txt files
// named), runs go vet and go test -v on it, and returns the test output.
func compileAndServeCase(t *testing.T, name string, extra ...string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed: %v", err)
	}
	checkout, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	caseDir := filepath.Join(checkout, "testdata", "generate", name)
	mod := t.TempDir()

	cfg := caseConfig(t, caseDir)
	cfg.Output = filepath.Join(mod, "api")
	res, err := generator.Generate(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := generator.Write(cfg.Output, res.Files); err != nil {
		t.Fatal(err)
	}
	goMod := readFile(t, filepath.Join(checkout, "go.mod"))
	goLine := regexp.MustCompile(`(?m)^go \S+$`).FindString(goMod)
	writeFile(t, filepath.Join(mod, "go.mod"), "module example.com/served\n\n"+goLine+"\n\n"+
		"require (\n\tgithub.com/specgate/specgate v0.0.0\n\tgithub.com/specgate/specgate/runtime v0.0.0\n)\n\n"+
		"replace (\n\tgithub.com/specgate/specgate => "+checkout+"\n\tgithub.com/specgate/specgate/runtime => "+filepath.Join(checkout, "runtime")+"\n)\n")
	writeFile(t, filepath.Join(mod, "go.sum"), readFile(t, filepath.Join(checkout, "go.sum")))
	writeFile(t, filepath.Join(mod, "serve_test.go"), readFile(t, filepath.Join(caseDir, "serve_test.go.txt")))
	for _, f := range extra {
		writeFile(t, filepath.Join(mod, strings.TrimSuffix(f, ".txt")), readFile(t, filepath.Join(caseDir, f)))
	}

	goCmd := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, goBin, args...)
		cmd.Dir = mod
		// The checkout's go.sum is copied in, so modules are verified; a module that
		// the checkout's own build never needed (the generated code's runtime, say)
		// may still have to be downloaded on a fresh machine.
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	goCmd("vet", "./...")
	return goCmd("test", "-count=1", "-v", "./...")
}
