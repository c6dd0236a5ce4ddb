package generator_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/specgate/specgate/generator"
)

// Generate renders everything in memory; nothing touches the disk until the caller
// passes the files to Write. Here it prints the route-auth table and the files it
// would write.
func ExampleGenerate() {
	cfg := generator.Config{
		Spec:    filepath.Join("..", "testdata", "generate", "roles", "openapi.yaml"),
		Output:  "api",
		Package: "api",
	}
	res, err := generator.Generate(context.Background(), cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res.Table.Routes {
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%-4s %-12s %-8s %s", r.Method, r.Pattern, r.Auth, strings.Join(r.Roles, ","))))
	}
	for _, f := range res.Files {
		fmt.Println(f.Name)
	}
	// Output:
	// GET  /admin/users required admin
	// POST /admin/users required admin,user-manager,quoted "role"
	// GET  /billing     required billing,admin
	// GET  /me          required
	// api.gen.go
	// routes.gen.go
}

// Build reads the annotations of a loaded document and reports every problem at
// once, each with its position.
func ExampleBuild() {
	dir, err := os.MkdirTemp("", "specgate-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	spec := filepath.Join(dir, "openapi.yaml")
	doc := `openapi: 3.0.3
info: {title: Example, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      x-auth-required: "yes"
      responses: {"200": {description: ok}}
    post:
      operationId: createPet
      responses: {"201": {description: created}}
`
	if err := os.WriteFile(spec, []byte(doc), 0o644); err != nil {
		fmt.Println(err)
		return
	}
	loaded, err := generator.Load(context.Background(), spec, generator.LoadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, diags := generator.Build(loaded, generator.BuildOptions{Missing: generator.MissingError})
	for _, d := range diags {
		fmt.Println(strings.TrimPrefix(d.String(), dir+string(filepath.Separator)))
	}
	// Output:
	// openapi.yaml:7:7: auth-invalid: x-auth-required must be true, false or "optional", got the string "yes"
	// openapi.yaml:9:5: auth-missing: POST /pets (createPet) has no x-auth-required at operation, path or root level (set it, or choose an auth.missing policy)
}
