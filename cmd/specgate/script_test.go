package main

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary run as the specgate command inside scripts, and
// as "exitcode N specgate ARGS...", which runs specgate and exits 0 only when its
// exit code is N: testscript's ! only says "not zero", and 1 and 2 mean different
// things here.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"specgate": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"exitcode": func() { os.Exit(exitcodeCmd(os.Args[1:])) },
	})
}

func exitcodeCmd(args []string) int {
	if len(args) < 2 || args[1] != "specgate" {
		fmt.Fprintln(os.Stderr, "usage: exitcode N specgate [args...]")
		return 100
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "usage: exitcode N specgate [args...]")
		return 100
	}
	if got := run(args[2:], os.Stdin, os.Stdout, os.Stderr); got != want {
		fmt.Fprintf(os.Stderr, "exit code %d, want %d\n", got, want)
		return 100
	}
	return 0
}

// TestScripts runs the CLI end to end from testdata/script/*.txtar.
// SPECGATE_UPDATE_SCRIPTS=1 rewrites the files that cmp compares stdout with
// (review the diff).
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       os.Getenv("SPECGATE_UPDATE_SCRIPTS") != "",
		Setup: func(env *testscript.Env) error {
			// git in diff scripts must not read the machine's configuration;
			// the scripts set their own identity.
			env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			env.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
			return nil
		},
	})
}
