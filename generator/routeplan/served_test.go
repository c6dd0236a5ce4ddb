package routeplan

import (
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specgate/specgate/generator/compat"
)

// served is path as compat generates it (what the generator hands Make as
// Route.Served), "" when compat leaves it as written.
func served(path string) string {
	paths := openapi3.NewPaths()
	paths.Set(path, &openapi3.PathItem{})
	if moves := compat.PlanPaths(paths); len(moves) == 1 {
		return moves[0].Served
	}
	return ""
}
