package render

import (
	"slices"
	"strings"
	"testing"
)

func TestDeclaredNames(t *testing.T) {
	src := []byte(`package api

import (
	"net/http"
)

// Pet is a pet.
type Pet struct {
	Name string
}

type (
	Grouped int
	// a comment
	Other = string
)

const (
	Red  Colour = "red"
	Blue Colour = "blue"
)

var Routes = specgateRoutes()

var _ = http.MethodGet

func specgateRoutes() []int { return nil }

func (p Pet) Method() {}

const Single = 1
`)
	got := declaredNames(src)
	want := []string{"Pet", "Grouped", "Other", "Red", "Blue", "Routes", "specgateRoutes", "Single"}
	if !slices.Equal(got, want) {
		t.Errorf("declaredNames = %q, want %q", got, want)
	}
}

func TestImportNames(t *testing.T) {
	src := []byte(`package api

import (
	"net/http"
	_ "embed"
	. "strings"
	rt "github.com/oapi-codegen/runtime"

	"github.com/specgate/specgate/runtime/pathmatch"
)

import "fmt"

var _ = fmt.Sprint
`)
	got := importNames(src)
	want := []string{"http", "rt", "pathmatch", "fmt"}
	if !slices.Equal(got, want) {
		t.Errorf("importNames = %q, want %q", got, want)
	}
}

// A declaration of api.gen.go named like an import of routes.gen.go would not
// compile: checkClashes says so first.
func TestCheckClashesSeesImports(t *testing.T) {
	routes := []byte("package api\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/specgate/specgate/runtime/pathmatch\"\n)\n\nvar Routes = 1\n")
	if err := checkClashes([]byte("package api\n\ntype pathmatch struct{}\n"), routes); err == nil || !strings.Contains(err.Error(), "declares pathmatch") {
		t.Errorf("checkClashes = %v, want the pathmatch clash", err)
	}
	if err := checkClashes([]byte("package api\n\ntype Pathmatch struct{}\n"), routes); err != nil {
		t.Errorf("checkClashes = %v for distinct names", err)
	}
}
