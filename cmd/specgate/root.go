package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit codes shared by every command.
const (
	exitOK       = 0
	exitFindings = 1 // annotation findings, lint errors, drift, weakening
	exitUsage    = 2 // usage, I/O, config and load errors
)

// app is what every command gets: the streams of this run.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// commands holds the constructors of the subcommands. Each command's file adds
// itself in an init function, so commands stay one file each.
var commands []func(*app) *cobra.Command

// register adds a subcommand constructor; call it from an init function.
func register(newCmd func(*app) *cobra.Command) { commands = append(commands, newCmd) }

// exitError carries an exit code through cobra. A nil err means the message was
// already printed.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErr, findingsErr and failErr wrap an error with its exit code.
func usageErr(err error) error    { return &exitError{code: exitUsage, err: err} }
func findingsErr(err error) error { return &exitError{code: exitFindings, err: err} }

// newRoot builds the root command with every registered subcommand.
func newRoot(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "specgate",
		Short: "Generate net/http code and a route-auth table from an annotated OpenAPI document",
		Long: `specgate turns an OpenAPI document whose operations say x-auth-required into
Go net/http server code (through oapi-codegen) plus a route-auth table that
specgate's runtime enforces with JWTs in HttpOnly cookies.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
	for _, newCmd := range commands {
		cmd := newCmd(a)
		cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
		root.AddCommand(cmd)
	}
	return root
}

// run is the whole CLI: main is one line around it and tests drive it directly.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRoot(a)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "specgate: %v\n", ee.err)
		}
		return ee.code
	}
	// cobra's own errors: unknown command, bad arguments.
	fmt.Fprintf(stderr, "specgate: %v\n", err)
	return exitUsage
}
