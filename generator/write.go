package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// Write puts files into dir, creating it when needed, and removes the files in dir
// that specgate generated before (their first line is Header) and that are no
// longer in files. Every file is first written next to its target under a
// temporary name, and only when all of them are written are they renamed into
// place, so a failure leaves dir as it was. Files specgate did not generate are
// never touched. It returns the paths written, in the order of files.
func Write(dir string, files []File) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create output folder: %w", err)
	}
	stale, err := staleFiles(dir, files)
	if err != nil {
		return nil, err
	}
	temps := make([]string, 0, len(files))
	cleanup := func() {
		for _, t := range temps {
			os.Remove(t)
		}
	}
	for _, f := range files {
		if f.Name != filepath.Base(f.Name) || f.Name == "." || f.Name == ".." {
			cleanup()
			return nil, fmt.Errorf("write %q: not a plain file name", f.Name)
		}
		tmp, err := writeTemp(dir, f)
		if err != nil {
			cleanup()
			return nil, err
		}
		temps = append(temps, tmp)
	}
	written := make([]string, 0, len(files))
	for i, f := range files {
		target := filepath.Join(dir, f.Name)
		if err := os.Rename(temps[i], target); err != nil {
			cleanup()
			return written, fmt.Errorf("write %s: %w", target, err)
		}
		written = append(written, target)
	}
	for _, s := range stale {
		if err := os.Remove(s); err != nil && !errors.Is(err, os.ErrNotExist) {
			return written, fmt.Errorf("remove stale %s: %w", s, err)
		}
	}
	return written, nil
}

func writeTemp(dir string, f File) (string, error) {
	tmp, err := os.CreateTemp(dir, ".specgate-"+f.Name+"-*")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", f.Name, err)
	}
	_, werr := tmp.Write(f.Data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("write %s: %w", f.Name, err)
	}
	return tmp.Name(), nil
}

// StaleFiles lists the files in dir that specgate generated and that files no
// longer contains, sorted.
func StaleFiles(dir string, files []File) ([]string, error) { return staleFiles(dir, files) }

func staleFiles(dir string, files []File) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("read output folder: %w", err)
	}
	var stale []string
	for _, e := range entries {
		if !e.Type().IsRegular() || slices.ContainsFunc(files, func(f File) bool { return f.Name == e.Name() }) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		ours, err := IsGenerated(p)
		if err != nil {
			return nil, err
		}
		if ours {
			stale = append(stale, p)
		}
	}
	return stale, nil
}

// IsGenerated reports whether the file at path starts with Header.
func IsGenerated(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, len(Header)+2)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	head = head[:n]
	return bytes.HasPrefix(head, []byte(Header+"\n")) || bytes.HasPrefix(head, []byte(Header+"\r\n")) || bytes.Equal(head, []byte(Header)), nil
}
