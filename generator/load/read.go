package load

import (
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
)

// MaxFileSize bounds a document and every file it $refs: ten times the
// largest document of the corpus (6.3 MB). A bigger one is refused once that
// much is read, so a $ref to /dev/zero, or a remote that never stops sending,
// cannot exhaust memory.
const MaxFileSize = 64 << 20

// readCapped reads r to its end, refusing more than MaxFileSize bytes.
func readCapped(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s holds more than %d MiB, the most specgate reads", name, MaxFileSize>>20)
	}
	return data, nil
}

// readRoot reads the document itself from fsys, or from the operating system
// when fsys is nil. It may be a pipe (--spec /dev/stdin); only its size is
// bounded.
func readRoot(fsys fs.FS, name string) ([]byte, error) {
	var f io.ReadCloser
	var err error
	if fsys == nil {
		f, err = os.Open(name)
	} else {
		f, err = fsys.Open(filepath.ToSlash(name))
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readCapped(f, name)
}

// readRefFile reads a file a $ref names: a regular file only, since a device,
// a FIFO or a directory would block (/dev/stdin), never end (/dev/zero) or
// mean nothing; and at most MaxFileSize bytes.
func readRefFile(fsys fs.FS, name string) ([]byte, error) {
	var st fs.FileInfo
	var err error
	if fsys == nil {
		st, err = os.Stat(name) // not Open: opening a FIFO blocks until a writer comes
	} else {
		st, err = fs.Stat(fsys, name)
	}
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is %s, not a regular file", name, fileKind(st.Mode()))
	}
	return readRoot(fsys, name)
}

// readRemote is what a $ref to http(s) reads when remote refs are allowed:
// kin-openapi's ReadFromHTTP, with the size bounded.
func readRemote(client *http.Client, u *url.URL) ([]byte, error) {
	resp, err := client.Get(u.String())
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode > 399 {
		return nil, fmt.Errorf("error loading %q: request returned status code %d", u.Redacted(), resp.StatusCode)
	}
	return readCapped(resp.Body, u.Redacted())
}

// fileKind names what a file that is not a regular one is.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeDir != 0:
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "special"
}
