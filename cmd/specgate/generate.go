package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/specgate/specgate/generator"
)

func init() { register(newGenerateCmd) }

func newGenerateCmd(a *app) *cobra.Command {
	var (
		flags   configFlags
		verbose bool
	)
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Generate api.gen.go and routes.gen.go from the OpenAPI document",
		Long: `generate reads specgate.yaml (or -c FILE; flags override it), checks every
operation's x-auth-required and x-auth-roles, and writes api.gen.go
(oapi-codegen) and routes.gen.go (route table, RegisterRoutes) into the output
folder. Nothing is written unless everything succeeded; stale files specgate
generated before are removed.

It prints one line per file written. Errors and warnings go to stderr;
notices only with -v. Exit 0 fine, 1 annotation findings, 2 usage, I/O or
load errors.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, res, err := generateInMemory(cmd, &flags, func(ds []generator.Diagnostic) { printDiagnostics(a, ds, verbose) })
			if err != nil {
				return err
			}
			written, err := generator.Write(cfg.Output, res.Files)
			for _, p := range written {
				fmt.Fprintln(a.stdout, p)
			}
			if err != nil {
				return usageErr(err)
			}
			return nil
		},
	}
	flags.add(cmd)
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "also print notices")
	return cmd
}

// printDiagnostics prints errors and warnings to stderr, notices too when verbose.
func printDiagnostics(a *app, ds []generator.Diagnostic, verbose bool) {
	for _, d := range ds {
		if d.Severity == generator.Notice && !verbose {
			continue
		}
		fmt.Fprintln(a.stderr, d.String())
	}
}

// generateInMemory resolves the configuration and runs the generator without
// touching the disk, handing its diagnostics to report. The error it returns
// carries the command's exit code (findings 1, usage, I/O and load errors 2).
func generateInMemory(cmd *cobra.Command, flags *configFlags, report func([]generator.Diagnostic)) (generator.Config, *generator.Result, error) {
	cfg, err := flags.resolve()
	if err != nil {
		return cfg, nil, err
	}
	res, err := generator.Generate(cmd.Context(), cfg)
	if res != nil {
		report(res.Diagnostics)
	}
	switch {
	case errors.Is(err, generator.ErrFindings):
		return cfg, nil, findingsErr(nil)
	case errors.Is(err, generator.ErrLoad):
		return cfg, nil, usageErr(nil) // the load diagnostic is printed already
	case err != nil:
		return cfg, nil, usageErr(err)
	}
	return cfg, res, nil
}
