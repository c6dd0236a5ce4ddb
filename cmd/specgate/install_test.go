package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// TestInstallAsTool installs specgate the two ways the README gives, from a module
// proxy (a folder) that serves this checkout as a local version, in a new module:
//
//   - go get -tool github.com/specgate/specgate/cmd/specgate@VERSION, then
//     //go:generate go tool specgate generate; the generated code must build, vet
//     and run against runtime/auth of that same version;
//   - go run github.com/specgate/specgate/cmd/specgate@VERSION, outside any module.
//
// Both report the version from specgate version, which reads the build info.
func TestInstallAsTool(t *testing.T) {
	proxy := t.TempDir()
	installVersion := serveCheckout(t, proxy)

	goproxy := "file://" + filepath.ToSlash(proxy) + "," + goEnv(t, "GOPROXY")
	env := append(os.Environ(),
		"GOPROXY="+goproxy,
		// Nothing may send github.com/specgate past the proxy folder.
		"GOPRIVATE=", "GONOPROXY=",
		// The local version is in no checksum database; the rest is checked
		// against the go.sum copied from the checkout.
		"GONOSUMDB=github.com/specgate/specgate",
		// -modcacherw: the cleanup below removes the local version from the cache.
		"GOFLAGS=-mod=mod -modcacherw",
		"GOWORK=off",
	)
	run := func(dir string, extraEnv []string, args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, append(env, extraEnv...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	modcache := goEnv(t, "GOMODCACHE")
	t.Cleanup(func() {
		os.RemoveAll(filepath.Join(modcache, "github.com", "specgate", "specgate@"+installVersion))
		old, _ := filepath.Glob(filepath.Join(modcache, "cache", "download", "github.com", "specgate", "specgate", "@v", installVersion+".*"))
		for _, f := range old {
			os.Remove(f)
		}
	})

	app := t.TempDir()
	writeTree(t, app, map[string]string{
		"go.mod": "module example.com/app\n\ngo 1.25\n",
		// The checkout's sums cover every dependency at the versions it pins.
		"go.sum":            string(mustReadFile(t, filepath.Join("..", "..", "go.sum"))),
		"api/generate.go":   "package api\n\n//go:generate go tool specgate generate\n",
		"api/specgate.yaml": "version: 1\nspec: openapi.yaml\noutput: .\npackage: api\n",
		"api/openapi.yaml": `openapi: 3.0.3
info: {title: Installed, version: "1"}
x-auth-required: true
paths:
  /health:
    get:
      operationId: health
      x-auth-required: false
      responses: {"200": {description: ok}}
  /me:
    get:
      operationId: me
      responses: {"200": {description: ok}}
`,
		"main_test.go": `package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"example.com/app/api"
	"github.com/specgate/specgate/runtime/auth"
)

type user struct{}

type server struct{}

func (server) Health(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }
func (server) Me(w http.ResponseWriter, r *http.Request)     { w.WriteHeader(http.StatusOK) }

func TestServe(t *testing.T) {
	key, err := auth.HMACKey("k1", "HS256", []byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	g, err := auth.New(auth.Config[user]{
		Issuer: "https://app.example.com", Audience: "app", SigningKey: key,
		Lookup: func(context.Context, string) (user, error) { return user{}, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	api.RegisterRoutes(mux, server{}, g)
	for path, want := range map[string]int{"/health": 200, "/me": 401} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != want {
			t.Errorf("GET %s: %d, want %d", path, rec.Code, want)
		}
	}
}
`,
	})

	run(app, nil, "get", "-tool", "github.com/specgate/specgate/cmd/specgate@"+installVersion)
	if out := run(app, nil, "tool", "specgate", "version"); !strings.Contains(out, installVersion) {
		t.Errorf("go tool specgate version = %q, want it to name %s", out, installVersion)
	}
	run(app, nil, "generate", "./...")
	for _, f := range []string{"api/api.gen.go", "api/routes.gen.go"} {
		if _, err := os.Stat(filepath.Join(app, f)); err != nil {
			t.Fatalf("go generate did not write %s: %v", f, err)
		}
	}
	run(app, nil, "vet", "./...")
	run(app, nil, "test", "-count=1", ".")

	// go run pkg@version ignores any module around it, go.sum included, so it would
	// check every dependency against the checksum database, which a CI machine may
	// not reach; the module cache verified them when it downloaded them.
	// From an empty folder.
	if out := run(t.TempDir(), []string{"GOSUMDB=off"}, "run", "github.com/specgate/specgate/cmd/specgate@"+installVersion, "version"); !strings.Contains(out, installVersion) {
		t.Errorf("go run ...@%s version = %q, want it to name the version", installVersion, out)
	}
}

// serveCheckout writes a GOPROXY folder that serves the files git would commit
// from this checkout (tracked, and untracked but not ignored) as a version named
// after their content, so that a module cache holding an earlier checkout's files
// under the same version can never stand in for these. It returns the version.
func serveCheckout(t *testing.T, proxy string) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	ls := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	ls.Dir = root
	out, err := ls.Output()
	if err != nil {
		t.Fatalf("git ls-files (the test serves the checkout's files): %v", err)
	}
	var files []modzip.File
	sum := sha256.New()
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil { // deleted in the work tree, or not a file
			continue
		}
		fmt.Fprintf(sum, "%s\x00%d\x00", name, len(data))
		sum.Write(data)
		files = append(files, checkoutFile{root: root, name: filepath.ToSlash(name)})
	}
	installVersion := fmt.Sprintf("v0.1.0-local-%x", sum.Sum(nil)[:6])
	mv := module.Version{Path: "github.com/specgate/specgate", Version: installVersion}
	dir := filepath.Join(proxy, "github.com", "specgate", "specgate", "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var zip bytes.Buffer
	if err := modzip.Create(&zip, mv, files); err != nil {
		t.Fatal(err)
	}
	info, _ := json.Marshal(struct {
		Version string
		Time    time.Time
	}{installVersion, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)})
	writeTree(t, dir, map[string]string{
		"list":                   installVersion + "\n",
		installVersion + ".info": string(info),
		installVersion + ".mod":  string(mustReadFile(t, filepath.Join(root, "go.mod"))),
		installVersion + ".zip":  zip.String(),
	})
	return installVersion
}

// checkoutFile is a file of the checkout, for modzip.Create.
type checkoutFile struct{ root, name string }

func (f checkoutFile) Path() string                 { return f.name }
func (f checkoutFile) Lstat() (fs.FileInfo, error)  { return os.Lstat(filepath.Join(f.root, f.name)) }
func (f checkoutFile) Open() (io.ReadCloser, error) { return os.Open(filepath.Join(f.root, f.name)) }

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		write(t, filepath.Join(dir, filepath.FromSlash(name)), content)
	}
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
