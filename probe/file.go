package probe

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"

	yamlv4 "go.yaml.in/yaml/v4"
	"gopkg.in/yaml.v3"
)

// Anonymous is the identity every probe adds: no credentials at all.
const Anonymous = "anonymous"

// ErrProbeFile is wrapped by every error about a probe file.
var ErrProbeFile = errors.New("invalid probe file")

// FileError is a problem in a probe file, with its position.
type FileError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: probe-file: %s", e.File, e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s: probe-file: %s", e.File, e.Msg)
}

// Unwrap lets errors.Is(err, ErrProbeFile) match.
func (e *FileError) Unwrap() error { return ErrProbeFile }

// File is a parsed probe file: where the service is and whom to send.
type File struct {
	BaseURL    string     // scheme://host[:port][/prefix]; route patterns are appended
	Identities []Identity // in file order, without Anonymous
	// Skip names operations never to send, by operationId or "METHOD /path".
	Skip []string
	// Params gives values for parameters by name, over the document's.
	Params map[string]string
}

// Identity is one caller the probe sends requests as.
type Identity struct {
	Name string
	// Roles are the roles or scopes the identity holds.
	Roles []string
	// Schemes are the security schemes its credentials satisfy. Default
	// [x-auth-session] when it logs in or sends a Cookie header.
	Schemes []string
	Headers map[string]string // sent with every request
	Login   *Login            // sent once before probing; its Set-Cookie is kept
}

// Login is a request whose cookies an identity keeps.
type Login struct {
	Method  string // default POST
	Path    string // appended to the base URL
	JSON    any    // sent as application/json when set
	Form    map[string]string
	Headers map[string]string
}

var identityName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// ParseFile parses a probe file. It is strict: unknown keys, duplicate keys and
// wrong types are errors with their line and column. ${NAME} in any string value
// is replaced by the environment variable (getenv; nil for os.LookupEnv); an
// unset one is an error, $$ is a literal $.
func ParseFile(name string, data []byte, getenv func(string) (string, bool)) (*File, error) {
	if getenv == nil {
		getenv = os.LookupEnv
	}
	p := &fileParser{name: name, data: data, getenv: getenv}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, p.yamlError(data, err)
	}
	if len(doc.Content) == 0 {
		return nil, &FileError{File: name, Msg: "empty file: it needs identities"}
	}
	f, err := p.file(doc.Content[0])
	if err != nil {
		return nil, err
	}
	return f, nil
}

type fileParser struct {
	name   string
	data   []byte // the file, to place errors inside a value
	getenv func(string) (string, bool)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError positions a syntax error. yaml.v3 gives only a line, often the one
// where the broken construct started; go.yaml.in/yaml/v4 gives the line and
// column where the parser stopped, so data is read again with it.
func (p *fileParser) yamlError(data []byte, err error) error {
	var le *yamlv4.LoadError
	var n yamlv4.Node
	if errors.As(yamlv4.Unmarshal(data, &n), &le) && le.Mark.Line > 0 {
		return &FileError{File: p.name, Line: le.Mark.Line, Col: le.Mark.Column, Msg: le.Message}
	}
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscan(m[1], &line)
		return &FileError{File: p.name, Line: line, Col: 1, Msg: m[2]}
	}
	return &FileError{File: p.name, Msg: strings.TrimPrefix(msg, "yaml: ")}
}

func (p *fileParser) errorf(n *yaml.Node, format string, args ...any) error {
	return &FileError{File: p.name, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)}
}

// errorfAt is errorf at the ${ that starts at byte i of scalar n's value, where
// the value is written on one line with nothing escaped before it (the file is
// checked to hold ${ there); else at the value.
func (p *fileParser) errorfAt(n *yaml.Node, i int, format string, args ...any) error {
	err := p.errorf(n, format, args...).(*FileError)
	before := n.Value[:i]
	for j := 0; j < len(before); j++ {
		if c := before[j]; c < 0x20 || c > 0x7e || c == '\\' || c == '"' || c == '\'' {
			return err
		}
	}
	col := n.Column + i
	if n.Style == yaml.DoubleQuotedStyle || n.Style == yaml.SingleQuotedStyle {
		col++
	} else if n.Style != 0 {
		return err
	}
	lines := strings.Split(string(p.data), "\n")
	if n.Line < 1 || n.Line > len(lines) {
		return err
	}
	line := []rune(lines[n.Line-1])
	if col < 1 || col+1 > len(line) || string(line[col-1:col+1]) != "${" {
		return err
	}
	err.Col = col
	return err
}

// mapping checks that n is a mapping with only the given keys, each once, and
// calls fn for each pair.
func (p *fileParser) mapping(n *yaml.Node, what string, keys []string, fn func(key string, k, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, "%s must be a mapping", what)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return p.errorf(k, "%s: keys must be strings", what)
		}
		if seen[k.Value] {
			return p.errorf(k, "%s: duplicate key %q", what, k.Value)
		}
		seen[k.Value] = true
		if keys != nil && !slices.Contains(keys, k.Value) {
			return p.errorf(k, "%s: unknown key %q (known: %s)", what, k.Value, strings.Join(keys, ", "))
		}
		if err := fn(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

func (p *fileParser) file(n *yaml.Node) (*File, error) {
	f := &File{}
	var ids *yaml.Node
	err := p.mapping(n, "probe file", []string{"base-url", "identities", "skip", "params"}, func(key string, k, v *yaml.Node) error {
		var err error
		switch key {
		case "base-url":
			f.BaseURL, err = p.str(v, key)
			if err == nil && f.BaseURL != "" {
				err = p.checkBaseURL(v, f.BaseURL)
			}
		case "identities":
			ids = k
			f.Identities, err = p.identities(v)
		case "skip":
			f.Skip, err = p.strings(v, key)
		case "params":
			f.Params, err = p.stringMap(v, key)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if ids == nil {
		return nil, p.errorf(n, "no identities: name at least one caller to probe as")
	}
	return f, nil
}

func (p *fileParser) checkBaseURL(n *yaml.Node, s string) error {
	if err := CheckBaseURL(s); err != nil {
		return p.errorf(n, "base-url: %v", err)
	}
	return nil
}

// CheckBaseURL reports whether s is an absolute http(s) URL without query or
// fragment, fit to prefix route paths.
func CheckBaseURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return err
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%q is not an http or https URL", s)
	case u.Host == "":
		return fmt.Errorf("%q has no host", s)
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return fmt.Errorf("%q may have no user, query or fragment", s)
	}
	return nil
}

func (p *fileParser) identities(n *yaml.Node) ([]Identity, error) {
	var out []Identity
	err := p.mapping(n, "identities", nil, func(name string, k, v *yaml.Node) error {
		switch {
		case name == Anonymous:
			return p.errorf(k, "identity %q is reserved: the probe always adds it", name)
		case !identityName.MatchString(name):
			return p.errorf(k, "identity name %q: use letters, digits, '_', '.' and '-'", name)
		}
		id, err := p.identity(name, k, v)
		if err != nil {
			return err
		}
		out = append(out, id)
		return nil
	})
	if err == nil && len(out) == 0 {
		return nil, p.errorf(n, "identities: name at least one caller to probe as")
	}
	return out, err
}

func (p *fileParser) identity(name string, k, n *yaml.Node) (Identity, error) {
	id := Identity{Name: name}
	what := "identity " + name
	var schemesSet bool
	err := p.mapping(n, what, []string{"roles", "schemes", "headers", "login"}, func(key string, _, v *yaml.Node) error {
		var err error
		switch key {
		case "roles":
			id.Roles, err = p.strings(v, what+": roles")
		case "schemes":
			schemesSet = true
			id.Schemes, err = p.strings(v, what+": schemes")
		case "headers":
			id.Headers, err = p.stringMap(v, what+": headers")
		case "login":
			id.Login, err = p.login(v, what+": login")
		}
		return err
	})
	if err != nil {
		return id, err
	}
	if !schemesSet {
		if id.Login == nil && !hasHeader(id.Headers, "Cookie") {
			return id, p.errorf(k, "%s: no login, no Cookie header and no schemes: say which schemes its credentials satisfy", what)
		}
		id.Schemes = []string{SessionScheme}
	}
	return id, nil
}

func hasHeader(h map[string]string, name string) bool {
	for k := range h {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

func (p *fileParser) login(n *yaml.Node, what string) (*Login, error) {
	l := &Login{Method: "POST"}
	var jsonNode, formNode *yaml.Node
	err := p.mapping(n, what, []string{"method", "path", "json", "form", "headers"}, func(key string, k, v *yaml.Node) error {
		var err error
		switch key {
		case "method":
			l.Method, err = p.str(v, what+": method")
			l.Method = strings.ToUpper(l.Method)
			if err == nil && !regexp.MustCompile(`^[A-Z]+$`).MatchString(l.Method) {
				err = p.errorf(v, "%s: method %q is not an HTTP method", what, l.Method)
			}
		case "path":
			l.Path, err = p.str(v, what+": path")
			if err == nil && !strings.HasPrefix(l.Path, "/") {
				err = p.errorf(v, "%s: path must start with /", what)
			}
		case "json":
			jsonNode = k
			l.JSON, err = p.value(v)
		case "form":
			formNode = k
			l.Form, err = p.stringMap(v, what+": form")
		case "headers":
			l.Headers, err = p.stringMap(v, what+": headers")
		}
		return err
	})
	switch {
	case err != nil:
		return nil, err
	case l.Path == "":
		return nil, p.errorf(n, "%s: path is required", what)
	case jsonNode != nil && formNode != nil:
		return nil, p.errorf(formNode, "%s: json and form together: pick one", what)
	}
	return l, nil
}

func (p *fileParser) str(n *yaml.Node, what string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", p.errorf(n, "%s must be a string", what)
	}
	return p.expand(n)
}

func (p *fileParser) strings(n *yaml.Node, what string) ([]string, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errorf(n, "%s must be a list of strings", what)
	}
	out := []string{}
	for _, c := range n.Content {
		s, err := p.str(c, what+" item")
		if err != nil {
			return nil, err
		}
		if s == "" {
			return nil, p.errorf(c, "%s: empty string", what)
		}
		out = append(out, s)
	}
	return out, nil
}

func (p *fileParser) stringMap(n *yaml.Node, what string) (map[string]string, error) {
	out := map[string]string{}
	err := p.mapping(n, what, nil, func(key string, _, v *yaml.Node) error {
		s, err := p.str(v, what+": "+key)
		out[key] = s
		return err
	})
	return out, err
}

// value turns a YAML node into JSON-shaped data, expanding ${NAME} in strings.
func (p *fileParser) value(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		err := p.mapping(n, "json", nil, func(key string, _, v *yaml.Node) error {
			val, err := p.value(v)
			m[key] = val
			return err
		})
		return m, err
	case yaml.SequenceNode:
		s := []any{}
		for _, c := range n.Content {
			v, err := p.value(c)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		if n.Tag == "!!str" {
			return p.expand(n)
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, p.errorf(n, "%v", err)
		}
		return v, nil
	}
	return nil, p.errorf(n, "anchors and aliases are not supported here")
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// expand replaces ${NAME} in a scalar with the environment variable.
func (p *fileParser) expand(n *yaml.Node) (string, error) {
	s := n.Value
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '$' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return "", p.errorfAt(n, i, "unterminated ${ in %q", s)
			}
			name := s[i+2 : i+end]
			if !envName.MatchString(name) {
				return "", p.errorfAt(n, i, "${%s}: not a variable name", name)
			}
			v, ok := p.getenv(name)
			if !ok {
				return "", p.errorfAt(n, i, "environment variable %s is not set", name)
			}
			b.WriteString(v)
			i += end
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}
