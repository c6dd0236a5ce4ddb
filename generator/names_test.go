package generator

import (
	"slices"
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

// The probe takes the routes template's branches: its names include the
// exported API of routes.gen.go and its unexported helper.
func TestRoutesNames(t *testing.T) {
	names, err := routesNames()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Routes", "RegisterRoutes", "RegisterRoutesWithOptions", "specgateRoutes"} {
		if !slices.Contains(names, want) {
			t.Errorf("routesNames() = %q, missing %s", names, want)
		}
	}
}
