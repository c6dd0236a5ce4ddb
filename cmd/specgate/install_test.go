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
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/modfile"
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
		for _, m := range checkoutModules {
			if m.path == "" {
				continue
			}
			os.RemoveAll(filepath.Join(modcache, filepath.FromSlash(m.path)+"@"+installVersion))
			old, _ := filepath.Glob(filepath.Join(modcache, "cache", "download", filepath.FromSlash(m.path), "@v", "v0.*-local-*"))
			for _, f := range old {
				os.Remove(f)
			}
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
	if out := run(app, nil, "list", "-m", "github.com/specgate/specgate/runtime"); !strings.Contains(out, installVersion) {
		t.Errorf("the app builds against runtime %q, want the tool's version %s", out, installVersion)
	}

	// The same generated code against a runtime of an older contract: the build
	// fails on the version constant, which names what to upgrade.
	old := serveOlderRuntime(t, proxy, installVersion)
	stale := t.TempDir()
	writeTree(t, stale, map[string]string{
		"go.mod":            "module example.com/stale\n\ngo 1.25\n\nrequire github.com/specgate/specgate/runtime " + old + "\n",
		"go.sum":            string(mustReadFile(t, filepath.Join("..", "..", "go.sum"))),
		"api/routes.gen.go": string(mustReadFile(t, filepath.Join(app, "api", "routes.gen.go"))),
	})
	cmd := exec.Command("go", "build", "./...")
	cmd.Dir, cmd.Env = stale, env
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "SupportPackageIsVersion1") {
		t.Errorf("routes.gen.go against runtime %s: err %v, want a compile error naming SupportPackageIsVersion1:\n%s", old, err, out)
	}

	// go run pkg@version ignores any module around it, go.sum included, so it would
	// check every dependency against the checksum database, which a CI machine may
	// not reach; the module cache verified them when it downloaded them.
	// From an empty folder.
	if out := run(t.TempDir(), []string{"GOSUMDB=off"}, "run", "github.com/specgate/specgate/cmd/specgate@"+installVersion, "version"); !strings.Contains(out, installVersion) {
		t.Errorf("go run ...@%s version = %q, want it to name the version", installVersion, out)
	}
}

// checkoutModules are the modules a user's build meets, by folder in the checkout
// (examples is not one of them). Deeper folders first: a file belongs to the first
// whose folder holds it.
var checkoutModules = []struct{ dir, path string }{
	{"runtime/redisstore", "github.com/specgate/specgate/runtime/redisstore"},
	{"runtime", "github.com/specgate/specgate/runtime"},
	{"examples", ""},
	{"", "github.com/specgate/specgate"},
}

// serveCheckout writes a GOPROXY folder that serves the files git would commit
// from this checkout (tracked, and untracked but not ignored) as one version of
// each of its modules, named after their content, so that a module cache holding
// an earlier checkout's files under the same version can never stand in for these.
// Each go.mod is served as a release would tag it: its replace directives dropped
// and its requirements on the other modules set to that version. It returns the
// version.
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
	files := map[string][]modzip.File{}
	sum := sha256.New()
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil { // deleted in the work tree, or not a file
			continue
		}
		fmt.Fprintf(sum, "%s\x00%d\x00", name, len(data))
		sum.Write(data)
		name = filepath.ToSlash(name)
		for _, m := range checkoutModules {
			if rel, ok := strings.CutPrefix(name, m.dir+"/"); ok || m.dir == "" {
				if m.dir == "" {
					rel = name
				}
				files[m.path] = append(files[m.path], checkoutFile{root: filepath.Join(root, m.dir), name: rel})
				break
			}
		}
	}
	installVersion := fmt.Sprintf("v0.1.0-local-%x", sum.Sum(nil)[:6])
	for _, m := range checkoutModules {
		if m.path != "" {
			serveModule(t, proxy, module.Version{Path: m.path, Version: installVersion}, files[m.path],
				releaseGoMod(t, filepath.Join(root, m.dir, "go.mod"), installVersion))
		}
	}
	return installVersion
}

// serveOlderRuntime serves, beside version, a runtime module whose contract
// predates the generator's (its version constant is SupportPackageIsVersion0), as
// a user's go.mod pinned to an old runtime would build against. It returns its version.
func serveOlderRuntime(t *testing.T, proxy, version string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "runtime")
	var files []modzip.File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, "redisstore/") || strings.HasSuffix(rel, "_test.go") || !strings.HasSuffix(rel, ".go") {
			return nil
		}
		data := mustReadFile(t, p)
		if rel == "auth/version.go" {
			data = bytes.ReplaceAll(data, []byte("SupportPackageIsVersion1"), []byte("SupportPackageIsVersion0"))
		}
		files = append(files, memFile{rel, data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(version, "v0.1.0-local-", "v0.0.1-local-", 1)
	serveModule(t, proxy, module.Version{Path: "github.com/specgate/specgate/runtime", Version: old}, files,
		releaseGoMod(t, filepath.Join(dir, "go.mod"), old))
	return old
}

// releaseGoMod is the go.mod at path as a release of version would carry it.
func releaseGoMod(t *testing.T, path, version string) []byte {
	t.Helper()
	f, err := modfile.Parse(path, mustReadFile(t, path), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Replace {
		if err := f.DropReplace(r.Old.Path, r.Old.Version); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range f.Require {
		if strings.HasPrefix(r.Mod.Path, "github.com/specgate/specgate") {
			if err := f.AddRequire(r.Mod.Path, version); err != nil {
				t.Fatal(err)
			}
		}
	}
	data, err := f.Format()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// serveModule writes mv, made of files with the given go.mod, into the GOPROXY
// folder proxy.
func serveModule(t *testing.T, proxy string, mv module.Version, files []modzip.File, goMod []byte) {
	t.Helper()
	escaped, err := module.EscapePath(mv.Path)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(proxy, filepath.FromSlash(escaped), "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var zip bytes.Buffer
	if err := modzip.Create(&zip, mv, withGoMod(files, goMod)); err != nil {
		t.Fatalf("%s: %v", mv, err)
	}
	info, _ := json.Marshal(struct {
		Version string
		Time    time.Time
	}{mv.Version, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)})
	list, _ := os.ReadFile(filepath.Join(dir, "list"))
	writeTree(t, dir, map[string]string{
		"list":               string(list) + mv.Version + "\n",
		mv.Version + ".info": string(info),
		mv.Version + ".mod":  string(goMod),
		mv.Version + ".zip":  zip.String(),
	})
}

// withGoMod replaces the go.mod among files with one holding data (the zip's
// go.mod must be the .mod file the proxy serves).
func withGoMod(files []modzip.File, data []byte) []modzip.File {
	out := []modzip.File{memFile{"go.mod", data}}
	for _, f := range files {
		if f.Path() != "go.mod" {
			out = append(out, f)
		}
	}
	return out
}

// memFile is a file held in memory, for modzip.Create.
type memFile struct {
	name string
	data []byte
}

func (f memFile) Path() string                 { return f.name }
func (f memFile) Lstat() (fs.FileInfo, error)  { return memInfo(f), nil }
func (f memFile) Open() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(f.data)), nil }

type memInfo memFile

func (i memInfo) Name() string       { return path.Base(i.name) }
func (i memInfo) Size() int64        { return int64(len(i.data)) }
func (i memInfo) Mode() fs.FileMode  { return 0o644 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }

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
