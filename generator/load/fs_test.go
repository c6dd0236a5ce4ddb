package load

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
)

// fsDoc is a document whose paths are not in name order, with a path item
// and a schema in another file.
var fsDoc = map[string]string{
	"api/openapi.yaml": "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /z:\n    $ref: items.yaml#/z\n  /a:\n    get:\n      responses: {\"200\": {description: ok}}\n",
	"api/items.yaml":   "z:\n  get:\n    responses: {\"200\": {description: ok, content: {application/json: {schema: {$ref: \"#/S\"}}}}}\nS: {type: string}\n",
}

// TestLoadFromFS loads the same document from an fs.FS, from bytes and from
// the disk: the three agree on the path order (as written, though one path
// item lives in another file), the files read and positions in them.
func TestLoadFromFS(t *testing.T) {
	fsys := fstest.MapFS{}
	dir := t.TempDir()
	for name, data := range fsDoc {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	fromFS, err := Load(ctx, "api/openapi.yaml", Options{FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	fromData, err := LoadData(ctx, "api/openapi.yaml", []byte(fsDoc["api/openapi.yaml"]), Options{FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	fromDisk, err := Load(ctx, filepath.Join("api", "openapi.yaml"), Options{})
	t.Chdir(wd)
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range map[string]*Document{"fs": fromFS, "data": fromData, "disk": fromDisk} {
		if want := []string{"/z", "/a"}; !slices.Equal(d.PathOrder, want) {
			t.Errorf("%s: PathOrder %v, want %v", name, d.PathOrder, want)
		}
		if len(d.Files) != 1 || d.Files[0].Name != filepath.Join("api", "items.yaml") {
			t.Errorf("%s: files read %v, want api/items.yaml", name, d.Files)
		}
		if len(d.Diagnostics) != 0 {
			t.Errorf("%s: diagnostics %v", name, d.Diagnostics)
		}
		op := d.T.Paths.Value("/z").Get
		if got, want := d.Position(*op.Origin.Key).String(), filepath.Join("api", "items.yaml")+":2:3"; got != want {
			t.Errorf("%s: GET /z at %s, want %s", name, got, want)
		}
	}
}

// TestLoadFromFSMissingRef: a $ref to a file the FS lacks is a positioned
// ref-broken error, as it is on disk; the operating system is not asked.
func TestLoadFromFSMissingRef(t *testing.T) {
	fsys := fstest.MapFS{"openapi.yaml": {Data: []byte("openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /a:\n    $ref: fs_test.go\n")}}
	_, err := Load(context.Background(), "openapi.yaml", Options{FS: fsys})
	var le *Error
	if !errors.As(err, &le) || !errors.Is(err, ErrLoad) {
		t.Fatalf("err = %v, want an *Error", err)
	}
	if got, want := le.Diagnostic.String(), `openapi.yaml:5:11: ref-broken: cannot resolve $ref "fs_test.go": file does not exist`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
