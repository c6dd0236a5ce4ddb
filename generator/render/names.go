package render

import (
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// declaredNames lists the package-level names a gofmt'd Go file declares: a
// line-level scan, not a parse, since api.gen.go runs to megabytes and only
// the names at the start of a top-level line (or, inside a grouped const,
// var or type block, one tab in) matter. Methods are skipped: they live in
// their receiver's scope.
func declaredNames(src []byte) []string {
	var names []string
	group := false
	for len(src) > 0 {
		line := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		if group {
			if len(line) > 0 && line[0] == ')' {
				group = false
			} else if len(line) > 1 && line[0] == '\t' && line[1] != '\t' && line[1] != '/' {
				names = appendIdent(names, line[1:])
			}
			continue
		}
		for _, kw := range [...]string{"type ", "func ", "var ", "const "} {
			rest, ok := bytes.CutPrefix(line, []byte(kw))
			if !ok {
				continue
			}
			if bytes.HasPrefix(rest, []byte("(")) {
				group = kw != "func " // a method when func
				break
			}
			names = appendIdent(names, rest)
			break
		}
	}
	return names
}

// RoutesNames lists the names routes.gen.go source src takes at package
// level: what it declares and what its imports are called.
func RoutesNames(src []byte) []string {
	return append(declaredNames(src), importNames(src)...)
}

// importNames lists the names a Go file's imports take in its file scope
// (the package name, taken to be the last path element, or the name given).
// No package-level declaration of the package may use one: routes.gen.go's
// imports (http, auth, pathmatch) are reserved like its declarations.
func importNames(src []byte) []string {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
	if err != nil {
		return nil
	}
	var names []string
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		name := path.Base(p)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if name != "_" && name != "." {
			names = append(names, name)
		}
	}
	return names
}

// appendIdent appends the identifier s starts with, if any.
func appendIdent(names []string, s []byte) []string {
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRune(s[n:])
		if !(r == '_' || unicode.IsLetter(r) || (n > 0 && unicode.IsDigit(r))) {
			break
		}
		n += size
	}
	if n == 0 || string(s[:n]) == "_" {
		return names
	}
	return append(names, string(s[:n]))
}

// checkClashes fails when api.gen.go declares a name routes.gen.go declares
// or imports: the last guard behind compat's reservations, so that a clash is
// specgate's error, never a compile error for the user to find.
func checkClashes(api, routes []byte) error {
	mine := map[string]bool{}
	for _, n := range append(declaredNames(routes), importNames(routes)...) {
		mine[n] = true
	}
	var both []string
	for _, n := range declaredNames(api) {
		if mine[n] {
			both = append(both, n)
		}
	}
	if len(both) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s declares %s, which %s declares or imports", ErrRender, APIFile, strings.Join(both, ", "), RoutesFile)
}
