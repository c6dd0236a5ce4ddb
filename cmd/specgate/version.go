package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func init() { register(newVersionCmd) }

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print specgate's module version",
		Long: `version prints the module version specgate was built from, as recorded in
its build info: a release tag under go install or go run ...@version, (devel)
when built from a checkout.`,
		Example: `  specgate version
  go run github.com/specgate/specgate/cmd/specgate@latest version`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(a.stdout, "specgate %s %s\n", moduleVersion(), runtime.Version())
			return nil
		},
	}
}

// moduleVersion is the main module's version from the build info, "(devel)"
// when it is unknown.
func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
