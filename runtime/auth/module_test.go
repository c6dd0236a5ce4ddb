package auth_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestConsumerModuleGraph builds a service that imports only runtime/auth, as a
// user's would, and counts the modules its build graph holds: the runtime module
// is kept to the standard library, golang-jwt and x/sync so that importing it
// raises nothing else in a service's go.mod.
func TestConsumerModuleGraph(t *testing.T) {
	const limit = 8
	runtimeDir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	svc := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/service\n\ngo 1.25\n\nrequire github.com/specgate/specgate/runtime v0.0.0\n\n" +
			"replace github.com/specgate/specgate/runtime => " + runtimeDir + "\n",
		"main.go": "package main\n\nimport _ \"github.com/specgate/specgate/runtime/auth\"\n\nfunc main() {}\n",
	}
	sum, err := os.ReadFile(filepath.Join(runtimeDir, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	files["go.sum"] = string(sum)
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(svc, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goCmd := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir = svc
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	goCmd("mod", "tidy")
	goCmd("build", "./...")
	mods := strings.Fields(goCmd("list", "-m", "-f", "{{.Path}}", "all"))
	t.Logf("%d modules: %s", len(mods), strings.Join(mods, " "))
	if len(mods) > limit {
		t.Errorf("a service importing runtime/auth builds against %d modules (limit %d): %s", len(mods), limit, strings.Join(mods, " "))
	}
	gomod, err := os.ReadFile(filepath.Join(svc, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(gomod), "\ngo 1.25") {
		t.Errorf("importing runtime/auth raised the service's go line:\n%s", gomod)
	}
}
