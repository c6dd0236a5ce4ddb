package load

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/specgate/specgate/generator/ir"
)

// loadWithRef writes a document in dir whose path /a $refs ref, and loads it.
func loadWithRef(t *testing.T, dir, ref string, opts Options) error {
	t.Helper()
	spec := filepath.Join(dir, "openapi.yaml")
	doc := "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /a:\n    $ref: \"" + ref + "\"\n"
	if err := os.WriteFile(spec, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := Load(context.Background(), spec, opts); done <- err }()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatalf("$ref %q: Load still reading after 20 s", ref)
		return nil
	}
}

// TestLoadRefNotRegular: a $ref to a named pipe, a device or a directory is a
// positioned ref-broken error at once, never a read that blocks (a pipe, or
// /dev/stdin, waits for a writer) or never ends (/dev/zero fills memory).
func TestLoadRefNotRegular(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for ref, kind := range map[string]string{
		"pipe.yaml#/x":  "a named pipe",
		"/dev/zero#/x":  "a device",
		"/dev/stdin#/x": "", // a pipe or a device, depending on how the test runs
		"sub#/x":        "a directory",
	} {
		err := loadWithRef(t, dir, ref, Options{})
		var le *Error
		if !errors.As(err, &le) {
			t.Fatalf("%s: err = %v, want a *load.Error", ref, err)
		}
		d := le.Diagnostic
		if d.Code != ir.CodeRefBroken || d.Line != 5 || !strings.Contains(d.Message, "not a regular file") || !strings.Contains(d.Message, kind) {
			t.Errorf("%s: %s", ref, d)
		}
	}
}

// TestLoadSizeCap: a document, a file it $refs or a remote one holding more
// than MaxFileSize bytes is refused with an error naming the cap, not read
// whole.
func TestLoadSizeCap(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, MaxFileSize+1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	if _, err := Load(context.Background(), big, Options{}); err == nil || !strings.Contains(err.Error(), "MiB, the most specgate reads") {
		t.Errorf("the document itself: %v", err)
	}
	if err := loadWithRef(t, dir, "big.yaml#/x", Options{}); err == nil || !strings.Contains(err.Error(), "MiB, the most specgate reads") {
		t.Errorf("a $ref to it: %v", err)
	}
	endless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := make([]byte, 1<<20)
		for i := 0; i <= MaxFileSize>>20+1; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer endless.Close()
	if err := loadWithRef(t, dir, endless.URL+"/item.yaml#/x", Options{AllowRemoteRefs: true}); err == nil || !strings.Contains(err.Error(), "MiB, the most specgate reads") {
		t.Errorf("a remote $ref: %v", err)
	}
}
