package generator

import "github.com/specgate/specgate/generator/table"

// The annotation keys specgate reads.
const (
	ExtAuthRequired = table.ExtAuthRequired
	ExtAuthRoles    = table.ExtAuthRoles
)

// BuildOptions is table.Options: the auth.missing policy, the base URL, and
// what compat.Paths changed when it ran first.
type BuildOptions = table.Options

// Build is table.Build: the route-auth table of doc and every problem found,
// sorted; doc is not modified.
func Build(doc *Document, opts BuildOptions) (*Table, []Diagnostic) {
	return table.Build(doc, opts)
}
