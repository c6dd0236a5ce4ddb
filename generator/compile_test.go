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

// TestCompileAndServe generates the serve case into a fresh module that uses this
// checkout through a replace directive, vets it, and runs its test
// (testdata/generate/serve/serve_test.go.txt), which serves the generated routes
// over httptest with the real runtime/auth: public 200, required without cookies
// 401, a malformed path parameter without cookies 401 (not 400), a missing role
// 403, optional without cookies 200.
func TestCompileAndServe(t *testing.T) {
	out := compileAndServeCase(t, "serve")
	for _, want := range []string{"--- PASS: TestServe", "--- PASS: TestRoutesTable"} {
		if !strings.Contains(out, want) {
			t.Errorf("go test output lacks %q:\n%s", want, out)
		}
	}
}

// TestCompileAndServeAdapted does for the route-adapted case what
// TestCompileAndServe does for serve: it generates the case into a fresh
// module (a replace to this checkout), vets it and runs its
// serve_test.go.txt, which serves every adapted route over httptest with the
// real runtime/auth: each reached with the right path values, 401 before 400
// on a protected one, 404 for a path that does not fit, and every operation
// wrapped once with its own entry.
func TestCompileAndServeAdapted(t *testing.T) {
	out := compileAndServeCase(t, "route-adapted")
	for _, want := range []string{"--- PASS: TestServe", "--- PASS: TestRoutesTable"} {
		if !strings.Contains(out, want) {
			t.Errorf("go test output lacks %q:\n%s", want, out)
		}
	}
}

// TestCompileAndServeReservedImports compiles the reserved-imports case:
// schemas whose x-go-name is auth, pathmatch or http, the names routes.gen.go's
// imports take, are renamed by compat, so both files build side by side, and
// the adapted route still serves.
func TestCompileAndServeReservedImports(t *testing.T) {
	out := compileAndServeCase(t, "reserved-imports")
	for _, want := range []string{"--- PASS: TestServe", "--- PASS: TestRoutesTable"} {
		if !strings.Contains(out, want) {
			t.Errorf("go test output lacks %q:\n%s", want, out)
		}
	}
}

// TestCompileAndServeOperationIDCollision generates the operation-id-collision
// case (operationIds and generated ids whose Go names collide) into a fresh
// module, vets it (the strict server too) and runs its serve_test.go.txt: every
// operation reaches the handler under the name specgate gave it, written names
// kept, taken ones suffixed.
func TestCompileAndServeOperationIDCollision(t *testing.T) {
	out := compileAndServeCase(t, "operation-id-collision")
	for _, want := range []string{"--- PASS: TestServe", "--- PASS: TestRoutesTable"} {
		if !strings.Contains(out, want) {
			t.Errorf("go test output lacks %q:\n%s", want, out)
		}
	}
}

// TestCompileAndServeBackslashNames generates the backslash-names case
// (parameter, header, cookie, scheme and scope names with backslashes and
// percent signs, which oapi-codegen copies into Go literals) into a fresh
// module, vets it and serves it: each value is bound under its name as
// written and the response headers are set under theirs.
func TestCompileAndServeBackslashNames(t *testing.T) {
	out := compileAndServeCase(t, "backslash-names")
	for _, want := range []string{"--- PASS: TestServe", "--- PASS: TestRoutesTable"} {
		if !strings.Contains(out, want) {
			t.Errorf("go test output lacks %q:\n%s", want, out)
		}
	}
}

// TestCompileXMLResponseEnum generates the xml-response-enum case (enums and
// unions inside XML and YAML bodies, which oapi-codegen does not decode) into
// a fresh module and vets and tests it: every type the output names is
// declared.
func TestCompileXMLResponseEnum(t *testing.T) {
	out := compileAndServeCase(t, "xml-response-enum")
	if !strings.Contains(out, "--- PASS: TestRoutesTable") {
		t.Errorf("go test output lacks TestRoutesTable passing:\n%s", out)
	}
}

// TestCompileCallbackNames generates the callback-names case (callback
// operations named like a route, a callback object shared by two operations,
// callbacks without operationId named alike) into a fresh module and vets and
// tests it: no type is declared twice.
func TestCompileCallbackNames(t *testing.T) {
	out := compileAndServeCase(t, "callback-names")
	if !strings.Contains(out, "--- PASS: TestRoutesTable") {
		t.Errorf("go test output lacks TestRoutesTable passing:\n%s", out)
	}
}

// TestCompileUnionArrayEnum generates the union-array-enum case (oneOf/anyOf
// members that are arrays of an inline enum, which oapi-codegen names like
// the member) into a fresh module and vets and tests it.
func TestCompileUnionArrayEnum(t *testing.T) {
	out := compileAndServeCase(t, "union-array-enum")
	if !strings.Contains(out, "--- PASS: TestRoutesTable") {
		t.Errorf("go test output lacks TestRoutesTable passing:\n%s", out)
	}
}

// TestCompileMultipartTypes generates the multipart-types case (one request
// body listing several multipart/* types, which oapi-codegen would all
// declare as <Op>MultipartBody) into a fresh module and vets and tests it.
func TestCompileMultipartTypes(t *testing.T) {
	out := compileAndServeCase(t, "multipart-types")
	if !strings.Contains(out, "--- PASS: TestRoutesTable") {
		t.Errorf("go test output lacks TestRoutesTable passing:\n%s", out)
	}
}

// TestCompileFieldNames generates the field-names case (properties and
// response headers whose Go field names collide) into a fresh module, vets it
// and decodes a body with every property: each renamed field keeps its JSON
// name.
func TestCompileFieldNames(t *testing.T) {
	out := compileAndServeCase(t, "field-names")
	if !strings.Contains(out, "--- PASS: TestRoutesTable") {
		t.Errorf("go test output lacks TestRoutesTable passing:\n%s", out)
	}
}

// TestCompileAndServePathParamNames generates the path-param-names case (path
// parameters named w, r, err, fmt, type) into a fresh module, vets it and
// serves it: each value reaches the handler.
func TestCompileAndServePathParamNames(t *testing.T) {
	out := compileAndServeCase(t, "path-param-names")
	for _, want := range []string{"--- PASS: TestServe", "--- PASS: TestRoutesTable"} {
		if !strings.Contains(out, want) {
			t.Errorf("go test output lacks %q:\n%s", want, out)
		}
	}
}

// TestCompileMediaTypeNames generates the media-type-names case (media types
// differing only in spacing and case, which oapi-codegen names alike) into a
// fresh module and vets it.
func TestCompileMediaTypeNames(t *testing.T) {
	out := compileAndServeCase(t, "media-type-names")
	if !strings.Contains(out, "--- PASS: TestRoutesTable") {
		t.Errorf("go test output lacks TestRoutesTable passing:\n%s", out)
	}
}

// TestCompileAndServeSecurity generates the security case (every shape of
// OpenAPI security requirement, from-security) into a fresh module, vets it and
// runs its serve_test.go.txt: the generated table, auth.Scheme values and
// Route.Security included, compiles against runtime/auth and is exactly what
// the document says.
func TestCompileAndServeSecurity(t *testing.T) {
	out := compileAndServeCase(t, "security")
	if !strings.Contains(out, "--- PASS: TestRoutesTable") {
		t.Errorf("go test output lacks TestRoutesTable passing:\n%s", out)
	}
}

// TestServeSecurityRequirements serves the security case through the real
// runtime/auth with a verifier per scheme (serve_security_test.go.txt): 401
// when no alternative's credentials all hold, 403 when authenticated but every
// alternative lacks a scope, combined requirements, each scheme type, API keys
// wrong, empty, twice or in another place. It needs the runtime's enforcement
// of Route.Security and Config.Verifiers.
func TestServeSecurityRequirements(t *testing.T) {
	out := compileAndServeCase(t, "security", "serve_security_test.go.txt")
	for _, want := range []string{"--- PASS: TestServeSecurity", "--- PASS: TestRoutesTable"} {
		if !strings.Contains(out, want) {
			t.Errorf("go test output lacks %q:\n%s", want, out)
		}
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
