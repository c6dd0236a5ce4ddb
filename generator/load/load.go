package load

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	yamlv4 "go.yaml.in/yaml/v4"
	"gopkg.in/yaml.v3"

	"github.com/specgate/specgate/generator/ir"
)

// Document is a loaded OpenAPI document: kin-openapi's tree with origins, plus
// what specgate needs to position findings.
type Document struct {
	// File is the path the document was loaded from, as given to Load.
	File string
	// T is the kin-openapi document. Render (through oapi-codegen) mutates it.
	T *openapi3.T
	// Converted is true when the source was Swagger 2.0 and was converted to 3.0.
	Converted bool
	// Diagnostics are load-time findings (a Swagger 2.0 conversion notice).
	Diagnostics []ir.Diagnostic

	// Source is the root document's bytes as written, for positions
	// kin-openapi does not record (see Index and Parse).
	Source []byte
	// Files are the files its $refs made the loader read, as written, in the
	// order read.
	Files []SourceFile
	// PathOrder is every key of T.Paths in the order the document writes
	// them: by line, then column, from origins; from the root document's
	// own YAML when a path item lives in another file; by name, as a last
	// resort, for paths of unknown place (see pathOrder).
	PathOrder []string

	shifts map[string]columnShift // by origin file (a URL): lines marked for the loader, see Position
}

// Options tunes Load and LoadData.
type Options struct {
	// AllowRemoteRefs lets $refs fetch http(s) URLs. Local files are always allowed.
	AllowRemoteRefs bool
	// HTTPClient fetches remote refs when allowed; nil means a client with a 30s timeout.
	HTTPClient *http.Client
	// FS, when not nil, holds the document and the local files its $refs
	// name: the path and every $ref resolve to slash-separated paths inside
	// it (see fs.ValidPath). Nil reads the operating system's files.
	FS fs.FS
}

// ErrLoad is wrapped by every Error.
var ErrLoad = errors.New("cannot load document")

// ErrRemoteRef is wrapped when a remote $ref was refused.
var ErrRemoteRef = errors.New("remote $ref refused (set allow-remote-refs: true to allow)")

// Error is a document that could not be loaded, positioned where known.
type Error struct {
	Diagnostic ir.Diagnostic
	// More are further findings of the same failure (every other duplicate
	// key), sorted; Diagnostics returns them all.
	More []ir.Diagnostic
	Err  error
}

// Diagnostics returns ir.Diagnostic and More, in order.
func (e *Error) Diagnostics() []ir.Diagnostic {
	return append([]ir.Diagnostic{e.Diagnostic}, e.More...)
}

func (e *Error) Error() string { return e.Diagnostic.String() }

// Unwrap returns ErrLoad and the underlying cause, for errors.Is.
func (e *Error) Unwrap() []error { return []error{ErrLoad, e.Err} }

// Load reads an OpenAPI 3.0 or 3.1 document (YAML or JSON) with origins on, resolving
// $refs to local files relative to it, from opts.FS or the operating system. A
// Swagger 2.0 document is converted to 3.0 with a notice. It never panics on a
// bad document: every failure is an *Error.
func Load(ctx context.Context, path string, opts Options) (*Document, error) {
	return load(ctx, path, opts, true)
}

// LoadData is Load for a document already read: data is the content of the
// document at path, which names it in positions and is where its $refs
// resolve from.
func LoadData(ctx context.Context, path string, data []byte, opts Options) (*Document, error) {
	return loadData(ctx, path, data, opts, true)
}

// load is Load; markFlow=false turns markFlowDocument off, for the tests that
// check it changes no position.
func load(ctx context.Context, path string, opts Options, markFlow bool) (*Document, error) {
	data, err := readRoot(opts.FS, path)
	if err != nil {
		return nil, loadErr(path, 0, 0, ir.CodeLoadFailed, err)
	}
	return loadData(ctx, path, data, opts, markFlow)
}

func loadData(ctx context.Context, path string, data []byte, opts Options, markFlow bool) (doc *Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, loadErr(path, 0, 0, ir.CodeLoadFailed, fmt.Errorf("kin-openapi panicked: %v", r))
		}
	}()
	if isSwagger2(data) {
		if doc, err = loadSwagger2(path, data); err == nil {
			doc.checkDuplicateKeys()
		}
		return doc, err
	}

	location := &url.URL{Path: filepath.ToSlash(path)}
	var refDocs []SourceFile // what $refs made the loader read, in order
	// read loads data; with shifts non-nil it marks the JSON documents it reads
	// (markFlowDocument) and records where in shifts.
	read := func(data []byte, shifts map[string]columnShift) (*openapi3.T, error) {
		loader := openapi3.NewLoader()
		loader.Context = ctx
		loader.IncludeOrigin = true
		loader.IsExternalRefsAllowed = true
		loader.ReadFromURIFunc = readURI(opts, &refDocs, shifts)
		if shifts != nil {
			data = mark(data, location.String(), shifts)
		}
		return loader.LoadFromDataWithPath(data, location)
	}
	var t *openapi3.T
	var shifts map[string]columnShift
	if markFlow {
		// A failure is retried as written, so that errors read exactly as before.
		shifts = map[string]columnShift{}
		if t, err = read(data, shifts); err != nil {
			if len(shifts) == 0 { // nothing was marked: the retry would fail alike
				return nil, loadFailure(path, data, err, refDocs)
			}
			t, shifts, refDocs = nil, nil, nil
		}
	}
	if t == nil {
		if t, err = read(data, nil); err != nil {
			return nil, loadFailure(path, data, err, refDocs)
		}
	}
	// "3" alone is a 3.x version too (kin-openapi reads it as 3.0).
	if t.OpenAPI != "3" && !strings.HasPrefix(t.OpenAPI, "3.") {
		line, col := 1, 1
		if l, c, ok := NewIndex(data).Find("openapi"); ok {
			line, col = l, c
		}
		return nil, loadErr(path, line, col, ir.CodeLoadFailed, fmt.Errorf("not an OpenAPI 3 document (openapi: %q)", t.OpenAPI))
	}
	if t.Paths == nil {
		t.Paths = openapi3.NewPaths()
	}
	doc = &Document{File: path, T: t, Source: data, shifts: shifts, Files: refDocs}
	doc.PathOrder = pathOrder(doc)
	doc.checkDuplicateKeys()
	return doc, nil
}

// readURI reads $ref targets: local files always, remote ones only when allowed.
// It does not cache across loads (kin-openapi's default reader does), so a run
// always sees the files as they are now. It appends what it reads, as written,
// to *read, for placing an error kin-openapi reports without its file, and marks
// it when shifts is not nil (see mark).
func readURI(opts Options, read *[]SourceFile, shifts map[string]columnShift) openapi3.ReadFromURIFunc {
	client := opts.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	fetch := func(l *openapi3.Loader, u *url.URL) (name string, data []byte, err error) {
		if u.Scheme == "" || u.Scheme == "file" {
			if opts.FS != nil {
				data, err = readRefFile(opts.FS, u.Path)
				return filepath.FromSlash(u.Path), data, err
			}
			data, err = readRefFile(nil, filepath.Clean(filepath.FromSlash(u.Path)))
			return filepath.FromSlash(u.Path), data, err
		}
		if (u.Scheme == "http" || u.Scheme == "https") && opts.AllowRemoteRefs {
			data, err = readRemote(client, u)
			return u.Redacted(), data, err
		}
		return "", nil, fmt.Errorf("%w: %s", ErrRemoteRef, u.Redacted())
	}
	return func(l *openapi3.Loader, u *url.URL) ([]byte, error) {
		name, data, err := fetch(l, u)
		if err != nil {
			return nil, err
		}
		*read = append(*read, SourceFile{Name: name, Data: data})
		if shifts == nil {
			return data, nil
		}
		return mark(data, u.String(), shifts), nil
	}
}

// isSwagger2 reports whether data is a Swagger 2.0 document. hasSwaggerKey keeps
// the common case (OpenAPI 3) to one cheap scan; a hit is confirmed by a parse.
func isSwagger2(data []byte) bool {
	if !hasSwaggerKey(data) {
		return false
	}
	var head struct {
		Swagger any `yaml:"swagger"`
	}
	if yaml.Unmarshal(data, &head) != nil {
		return false
	}
	return head.Swagger != nil
}

// hasSwaggerKey reports whether data holds something that looks like a swagger
// key: the word at a line start or after '{' or ',' (and whitespace), quoted or
// not, followed by whitespace and ':'. It matches exactly what the regexp
// (?m)(^|[{,]\s*)["']?swagger["']?\s*: matches, but visits only the places
// where the word occurs: Go's regexp tries that leading alternation at every
// byte, which took 220-350 ms on a 6 MB document (this scan: 2.3 ms).
func hasSwaggerKey(data []byte) bool {
	const word = "swagger"
	for from := 0; ; {
		i := bytes.Index(data[from:], []byte(word))
		if i < 0 {
			return false
		}
		i += from
		from = i + 1
		before := i
		if before > 0 && isQuote(data[before-1]) && keyStartsAt(data, before-1) || keyStartsAt(data, before) {
			if keyEndsAt(data, i+len(word)) {
				return true
			}
		}
	}
}

func isQuote(c byte) bool { return c == '"' || c == '\'' }

// isRegexpSpace is \s in Go's regexp syntax.
func isRegexpSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// keyStartsAt reports whether (?m)(^|[{,]\s*) matches ending at data[:at].
func keyStartsAt(data []byte, at int) bool {
	if at == 0 || data[at-1] == '\n' {
		return true
	}
	j := at
	for j > 0 && isRegexpSpace(data[j-1]) {
		j--
	}
	return j > 0 && (data[j-1] == '{' || data[j-1] == ',')
}

// keyEndsAt reports whether ["']?\s*: matches starting at data[at:].
func keyEndsAt(data []byte, at int) bool {
	colonAfterSpace := func(j int) bool {
		for j < len(data) && isRegexpSpace(data[j]) {
			j++
		}
		return j < len(data) && data[j] == ':'
	}
	return colonAfterSpace(at) || at < len(data) && isQuote(data[at]) && colonAfterSpace(at+1)
}

func loadSwagger2(path string, data []byte) (*Document, error) {
	var doc2 openapi2.T
	if err := openapi2.UnmarshalFromData(data, &doc2); err != nil {
		return nil, classifyLoadError(path, data, err, nil)
	}
	if doc2.Swagger != "2.0" {
		return nil, loadErr(path, 1, 1, ir.CodeLoadFailed, fmt.Errorf("unsupported swagger version %q (only 2.0 and OpenAPI 3.x)", doc2.Swagger))
	}
	t, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		return nil, loadErr(path, 0, 0, ir.CodeLoadFailed, fmt.Errorf("convert Swagger 2.0: %w", err))
	}
	// openapi2conv leaves empty, non-nil collections (allOf: []) that oapi-codegen
	// takes for real ones and panics on. A round trip through JSON gives the
	// document exactly as a 3.0 file with the same content would load.
	js, err := json.Marshal(t)
	if err != nil {
		return nil, loadErr(path, 0, 0, ir.CodeLoadFailed, fmt.Errorf("convert Swagger 2.0: %w", err))
	}
	if t, err = openapi3.NewLoader().LoadFromData(js); err != nil {
		return nil, loadErr(path, 0, 0, ir.CodeLoadFailed, fmt.Errorf("convert Swagger 2.0: %w", err))
	}
	if t.Paths == nil {
		t.Paths = openapi3.NewPaths()
	}
	doc := &Document{File: path, T: t, Converted: true, Source: data}
	doc.PathOrder = pathOrder(doc)
	// The converted tree has no origins; positions come from the source instead.
	doc.Diagnostics = append(doc.Diagnostics, ir.Diagnostic{
		File: path, Line: 1, Col: 1, Severity: ir.Notice, Code: ir.CodeSwaggerConverted,
		Message: "Swagger 2.0 document converted to OpenAPI 3.0 with kin-openapi's openapi2conv; review the generated code, and consider converting the document itself",
	})
	return doc, nil
}

func loadErr(file string, line, col int, code string, err error) *Error {
	return &Error{
		Diagnostic: ir.Diagnostic{File: file, Line: line, Col: col, Severity: ir.Error, Code: code, Message: err.Error()},
		Err:        err,
	}
}

var (
	yamlLineCol = regexp.MustCompile(`line (\d+)(?:, column (\d+))?`)
	quotedRef   = regexp.MustCompile(`(?:reference|in URI:|ref) "([^"]*)"`)
)

// classifyLoadError turns a kin-openapi error into a positioned Error. A YAML
// error carries its line and column but not its file, which is the root document
// (path, data) or one of refDocs; $ref errors carry no position, so those are
// found by looking the $ref up in the source.
func classifyLoadError(path string, data []byte, err error, refDocs []SourceFile) *Error {
	msg := err.Error()
	var pe *fs.PathError
	var yerr *yamlv4.LoadError
	ref := ""
	if m := quotedRef.FindStringSubmatch(msg); m != nil {
		ref = m[1]
	}
	switch {
	case errors.Is(err, ErrRemoteRef):
		line, col := refPos(data, msg)
		return loadErr(path, line, col, ir.CodeRefRemote, fmt.Errorf("remote $ref %q refused (set allow-remote-refs: true to allow)", ref))
	case ref != "" && !strings.Contains(msg, "failed to unmarshal data"):
		line, col := refPos(data, msg)
		return loadErr(path, line, col, ir.CodeRefBroken, errors.New(refMessage(ref, err)))
	case errors.As(err, &pe):
		// A $ref'd file that cannot be read: kin-openapi names the file, not the $ref.
		if ref, line, col := fileRefPos(path, data, pe.Path); ref != "" {
			return loadErr(path, line, col, ir.CodeRefBroken, errors.New(refMessage(ref, err)))
		}
	case errors.As(err, &yerr) && yerr.Mark.Line > 0:
		return yamlLoadError(SourceFile{Name: path, Data: data}, refDocs, yerr)
	case strings.Contains(msg, "failed to unmarshal data") || strings.HasPrefix(msg, "yaml: "):
		if m := yamlLineCol.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			col, _ := strconv.Atoi(m[2])
			return loadErr(path, line, col, ir.CodeYAMLSyntax, errors.New(yamlMessage(msg)))
		}
		line, col := syntaxPos(data)
		return loadErr(path, line, col, ir.CodeYAMLSyntax, errors.New(yamlMessage(msg)))
	}
	// kin-openapi names a value it cannot decode by its JSON pointer.
	if m := badDataPointer.FindStringSubmatch(msg); m != nil {
		keys, _ := PointerKeys("#" + m[1])
		if line, col, ok := NewIndex(data).Find(keys...); ok {
			return loadErr(path, line, col, ir.CodeLoadFailed, err)
		}
	}
	return loadErr(path, 0, 0, ir.CodeLoadFailed, err)
}

var badDataPointer = regexp.MustCompile(`bad data in "#(/[^"]*)"`)

// syntaxPos places a syntax error whose message gives no line: at the first
// byte that is not UTF-8 (the YAML parser refuses those without a mark), at
// the mark of go.yaml.in/yaml/v4's own parse, or at the start of the file.
func syntaxPos(data []byte) (line, col int) {
	if !utf8.Valid(data) {
		at := 0
		for at < len(data) {
			r, n := utf8.DecodeRune(data[at:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			at += n
		}
		line = 1 + bytes.Count(data[:at], []byte("\n"))
		start := bytes.LastIndexByte(data[:at], '\n') + 1
		return line, 1 + utf8.RuneCount(data[start:at])
	}
	if le := yamlv4Error(data); le != nil && le.Mark.Line > 0 {
		return le.Mark.Line, le.Mark.Column
	}
	return 1, 1
}

// SourceFile is a document the loader read, as written: the root or a $ref target.
type SourceFile struct {
	Name string // a file name as the user would write it, or a URL
	Data []byte
}

// yamlLoadError positions an error of kin-openapi's YAML parser (or of its decode
// into the document's types), which names a line and column but no file: the
// root document or one of refs. A syntax error is in the document that fails
// the same parse with the same error. A decode error (a value of the wrong type)
// parses fine; it is placed in the one document with a node at that line and
// column, and left unplaced, with the line and column in the message, when
// several have one.
func yamlLoadError(root SourceFile, refs []SourceFile, reported *yamlv4.LoadError) *Error {
	at := reported.Mark
	code, decode := ir.CodeYAMLSyntax, reported.Stage == yamlv4.ConstructorStage
	if decode {
		code = ir.CodeLoadFailed
	}
	// The root first, then the $ref targets, the last read first.
	order := append([]SourceFile{root}, refs...)
	slices.Reverse(order[1:])
	if !decode {
		for _, d := range order {
			if e := yamlv4Error(d.Data); e != nil && e.Mark == at && e.Message == reported.Message {
				return loadErr(d.Name, at.Line, at.Column, code, errors.New(reported.Message))
			}
		}
	}
	var fits []string
	for _, d := range order {
		if hasNodeAt(d.Data, at.Line, at.Column) && !slices.Contains(fits, d.Name) {
			fits = append(fits, d.Name)
		}
	}
	if len(fits) == 0 {
		for _, d := range order {
			fits = append(fits, d.Name)
		}
	}
	if len(fits) == 1 {
		return loadErr(fits[0], at.Line, at.Column, code, errors.New(reported.Message))
	}
	return loadErr(root.Name, 0, 0, code, fmt.Errorf("%s (at %d:%d of one of %s)", reported.Message, at.Line, at.Column, strings.Join(fits, ", ")))
}

// hasNodeAt reports whether a node of the YAML document data starts at line:col
// (a decode error names the node it could not decode).
func hasNodeAt(data []byte, line, col int) bool {
	var root yamlv4.Node
	if yamlv4.Unmarshal(data, &root) != nil {
		return false
	}
	var walk func(n *yamlv4.Node) bool
	walk = func(n *yamlv4.Node) bool {
		if n.Line == line && n.Column == col {
			return true
		}
		return slices.ContainsFunc(n.Content, walk)
	}
	return walk(&root)
}

// yamlMessage keeps the yaml parser's own words, without the wrappers and the
// JSON parser's complaint about the same bytes.
func yamlMessage(msg string) string {
	if i := strings.LastIndex(msg, "yaml: "); i >= 0 {
		msg = msg[i+len("yaml: "):]
	}
	msg = yamlLineCol.ReplaceAllString(msg, "")
	msg = strings.TrimLeft(msg, ": ")
	return msg
}

// refMessage names the broken $ref and its cause without machine-specific absolute
// paths, so the same document gives the same message everywhere.
func refMessage(ref string, err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Sprintf("cannot resolve $ref %q: %v", ref, pe.Err)
	}
	msg := err.Error()
	cause := "its target does not exist"
	if i := strings.LastIndex(msg, strconv.Quote(ref)); i >= 0 {
		if rest := strings.TrimLeft(msg[i+len(strconv.Quote(ref)):], ": "); rest != "" {
			cause = rest
		}
	}
	return fmt.Sprintf("cannot resolve $ref %q: %s", ref, cause)
}

// fileRefPos finds the $ref in the root document that points at file.
func fileRefPos(root string, data []byte, file string) (string, int, int) {
	var ref string
	var line, col int
	walkRefs(data, func(v *yaml.Node) bool {
		target, _, _ := strings.Cut(v.Value, "#")
		if target != "" && filepath.Clean(filepath.Join(filepath.Dir(root), filepath.FromSlash(target))) == filepath.Clean(file) {
			ref, line, col = v.Value, v.Line, v.Column
			return true
		}
		return false
	})
	return ref, line, col
}

// walkRefs calls found with the value node of every $ref in data until it returns true.
func walkRefs(data []byte, found func(*yaml.Node) bool) {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return
	}
	done := false
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || done {
			return
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content) && !done; i += 2 {
				if k, v := n.Content[i], n.Content[i+1]; k.Value == "$ref" && v.Kind == yaml.ScalarNode {
					done = found(v)
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
}

// refPos finds the first $ref in the root document whose value is the ref named in
// msg, so a broken $ref is reported where it is written.
func refPos(data []byte, msg string) (int, int) {
	var refs []string
	for _, m := range quotedRef.FindAllStringSubmatch(msg, -1) {
		refs = append(refs, m[1])
	}
	if len(refs) == 0 {
		return 0, 0
	}
	var line, col int
	walkRefs(data, func(v *yaml.Node) bool {
		for _, r := range refs {
			if v.Value == r || strings.HasSuffix(r, v.Value) {
				line, col = v.Line, v.Column
				return true
			}
		}
		return false
	})
	return line, col
}
