package generator

import (
	"slices"
	"testing"
)

// The probe takes the routes template's branches: its names include the
// exported API of routes.gen.go, its unexported helper and the names its
// imports take (an adapted route makes it import pathmatch).
func TestRoutesNames(t *testing.T) {
	names, err := routesNames()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Routes", "RegisterRoutes", "RegisterRoutesWithOptions", "specgateRoutes", "http", "auth", "pathmatch"} {
		if !slices.Contains(names, want) {
			t.Errorf("routesNames() = %q, missing %s", names, want)
		}
	}
}
