package generator

import (
	"bytes"
	"errors"
	"fmt"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/specgate/specgate/generator/load"
	"github.com/specgate/specgate/generator/table"
)

// MissingPolicy is table.MissingPolicy: what Build does with an operation
// that carries no x-auth-required at any level.
type MissingPolicy = table.MissingPolicy

// The auth.missing policies (see package table).
const (
	MissingError        = table.MissingError
	MissingRequired     = table.MissingRequired
	MissingFromSecurity = table.MissingFromSecurity
)

// ConfigFile is the name specgate looks for in the current folder.
const ConfigFile = "specgate.yaml"

// Config is everything a generation run needs. Paths are used as given (LoadConfig
// makes them relative to the config file's folder).
type Config struct {
	Spec      string        // the OpenAPI document (YAML or JSON)
	Output    string        // the folder generated files go into
	Package   string        // Go package name of the generated files
	Strict    bool          // also generate oapi-codegen's strict server
	EmbedSpec bool          // also embed the (normalised) document in api.gen.go
	Missing   MissingPolicy // what to do about operations without x-auth-required
	// AllowRemoteRefs lets $refs fetch http(s) documents; local files are always allowed.
	AllowRemoteRefs bool
	// BaseURL is prefixed to every ServeMux pattern: a path such as "/api/v1", or
	// "servers" for the path of the document's first server URL.
	BaseURL string
}

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("invalid configuration")

// ConfigError is a problem in a specgate.yaml, with its position.
type ConfigError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *ConfigError) Error() string {
	if e.Line > 0 && e.Col == 0 { // yaml.v3 gave a line only
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Unwrap lets errors.Is(err, ErrConfig) match.
func (e *ConfigError) Unwrap() error { return ErrConfig }

// LoadConfig reads a specgate.yaml. It is strict: unknown keys, wrong types and a
// version other than 1 are errors with a line. Relative spec and output paths are
// resolved against the config file's folder.
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	cfg, err := ParseConfig(path, data)
	if err != nil {
		return Config{}, err
	}
	dir := filepath.Dir(path)
	if cfg.Spec != "" && !filepath.IsAbs(cfg.Spec) && !isRemote(cfg.Spec) {
		cfg.Spec = filepath.Join(dir, cfg.Spec)
	}
	if cfg.Output != "" && !filepath.IsAbs(cfg.Output) {
		cfg.Output = filepath.Join(dir, cfg.Output)
	}
	return cfg, nil
}

// ParseConfig parses the bytes of a specgate.yaml named file (for messages) without
// resolving paths. It accepts exactly the files schema/specgate.schema.json
// accepts; every error carries the file and, when there is one, a line and column.
func ParseConfig(file string, data []byte) (Config, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil && err != io.EOF {
		line, col, msg := load.SyntaxError(data, err)
		return Config{}, &ConfigError{File: file, Line: line, Col: col, Msg: msg}
	}
	if len(root.Content) == 0 {
		return Config{}, &ConfigError{File: file, Msg: "empty config: at least version: 1 is required"}
	}
	// yaml.Unmarshal would read the first document and drop the others unseen.
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return Config{}, &ConfigError{File: file, Line: next.Line, Col: next.Column, Msg: "a config is one YAML document; found another"}
	case err != io.EOF:
		line, col, msg := load.SyntaxError(data, err)
		return Config{}, &ConfigError{File: file, Line: line, Col: col, Msg: msg}
	}
	var cfg Config
	seen, err := readMapping(root.Content[0], "", configFields, &cfg)
	if err == nil && !seen["version"] {
		err = errAt(root.Content[0], "missing version: 1")
	}
	if err != nil {
		var ne *nodeError
		if errors.As(err, &ne) {
			return Config{}, &ConfigError{File: file, Line: ne.n.Line, Col: ne.n.Column, Msg: ne.msg}
		}
		return Config{}, &ConfigError{File: file, Msg: err.Error()}
	}
	return cfg, nil
}

// configField is a key of specgate.yaml and how its value is read into a Config.
type configField struct {
	key  string
	read func(cfg *Config, v *yaml.Node) error
}

// configFields are the top-level keys, in the order messages list them. The
// schema test derives the parser's keys from here.
var configFields = []configField{
	{"version", readVersion},
	{"spec", readString(func(c *Config) *string { return &c.Spec }, notEmpty)},
	{"output", readString(func(c *Config) *string { return &c.Output }, notEmpty)},
	{"package", readString(func(c *Config) *string { return &c.Package }, packageProblem)},
	{"strict", readBool(func(c *Config) *bool { return &c.Strict })},
	{"embed-spec", readBool(func(c *Config) *bool { return &c.EmbedSpec })},
	{"auth", readAuth},
	{"allow-remote-refs", readBool(func(c *Config) *bool { return &c.AllowRemoteRefs })},
	{"base-url", readString(func(c *Config) *string { return &c.BaseURL }, baseURLProblem)},
}

// authFields are the keys of the auth mapping.
var authFields = []configField{
	{"missing", readMissing},
}

func fieldKeys(fields []configField) []string {
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = f.key
	}
	return keys
}

// nodeError is a problem at a node of the config; ParseConfig adds the file.
type nodeError struct {
	n   *yaml.Node
	msg string
}

func (e *nodeError) Error() string { return e.msg }

func errAt(n *yaml.Node, format string, args ...any) error {
	return &nodeError{n: n, msg: fmt.Sprintf(format, args...)}
}

// readMapping reads the mapping n (or what it aliases) with fields; prefix (""
// or "auth.") names nested keys in messages. It returns the keys it saw.
func readMapping(n *yaml.Node, prefix string, fields []configField, cfg *Config) (map[string]bool, error) {
	m := resolveAlias(n)
	if m.Kind != yaml.MappingNode {
		if prefix == "" {
			return nil, errAt(n, "config must be a mapping")
		}
		return nil, errAt(n, "%s must be a mapping with the key %s", strings.TrimSuffix(prefix, "."), strings.Join(fieldKeys(fields), ", "))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		// Values are read through aliases but errors point at what is written.
		k, v := resolveAlias(m.Content[i]), m.Content[i+1]
		if seen[k.Value] {
			return nil, errAt(k, "duplicate key %q", prefix+k.Value)
		}
		seen[k.Value] = true
		j := slices.IndexFunc(fields, func(f configField) bool { return f.key == k.Value })
		if j < 0 || k.Kind != yaml.ScalarNode {
			if prefix == "" {
				return nil, errAt(k, "unknown key %q (known: %s)", k.Value, strings.Join(fieldKeys(fields), ", "))
			}
			return nil, errAt(k, "unknown key %s%s (known: %s)", prefix, k.Value, strings.Join(fieldKeys(fields), ", "))
		}
		if err := fields[j].read(cfg, v); err != nil {
			var ne *nodeError
			if !errors.As(err, &ne) {
				err = errAt(v, "%s%s: %v", prefix, k.Value, err)
			}
			return nil, err
		}
	}
	return seen, nil
}

// resolveAlias follows *alias to the node it names, as YAML (and the schema's
// reading of it) does.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func readVersion(_ *Config, v *yaml.Node) error {
	// 1 and 1.0 are the same number to JSON Schema; 1.5 and "1" are not 1.
	var f float64
	if r := resolveAlias(v); r.Kind != yaml.ScalarNode || r.Decode(&f) != nil || f != 1 {
		return errAt(v, "version must be 1, got %s", r.Value)
	}
	return nil
}

func readString(field func(*Config) *string, check func(string) string) func(*Config, *yaml.Node) error {
	return func(cfg *Config, v *yaml.Node) error {
		if err := decodeString(v, field(cfg)); err != nil {
			return err
		}
		if msg := check(*field(cfg)); msg != "" {
			return errors.New(msg)
		}
		return nil
	}
}

func readBool(field func(*Config) *bool) func(*Config, *yaml.Node) error {
	return func(cfg *Config, v *yaml.Node) error { return decodeBool(v, field(cfg)) }
}

func readAuth(cfg *Config, v *yaml.Node) error {
	_, err := readMapping(v, "auth.", authFields, cfg)
	return err
}

func readMissing(cfg *Config, v *yaml.Node) error {
	var s string
	if err := decodeString(v, &s); err != nil {
		return err
	}
	cfg.Missing = MissingPolicy(s)
	if s == "" || !cfg.Missing.Valid() {
		return errAt(v, "auth.missing must be error, required or from-security, got %q", s)
	}
	return nil
}

func notEmpty(s string) string {
	if s == "" {
		return "must not be empty"
	}
	return ""
}

// packageProblem says why name cannot be the package clause of a Go file, or "".
func packageProblem(name string) string {
	switch {
	case token.Lookup(name).IsKeyword():
		return fmt.Sprintf("%q is a Go keyword", name)
	case !token.IsIdentifier(name):
		return fmt.Sprintf("%q is not a Go identifier", name)
	case name == "_":
		return `"_" is the blank identifier`
	}
	return ""
}

// baseURLProblem says why s is not a base-url, or "".
func baseURLProblem(s string) string {
	if s == "" || s == "servers" || strings.HasPrefix(s, "/") && !strings.HasSuffix(s, "/") && !strings.ContainsAny(s, "{} ") {
		return ""
	}
	return fmt.Sprintf("must be a path like /api/v1 (no trailing slash) or \"servers\", got %q", s)
}

// decodeString reads a string as YAML 1.2 does (and editors with it): a date is
// the text it is written as.
func decodeString(n *yaml.Node, dst *string) error {
	n = resolveAlias(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!timestamp" {
		*dst = n.Value
		return nil
	}
	var v any
	if n.Kind != yaml.ScalarNode || n.Decode(&v) != nil {
		return fmt.Errorf("want a string, got %s", describeNode(n))
	}
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("want a string, got %s", describeNode(n))
	}
	*dst = s
	return nil
}

func decodeBool(n *yaml.Node, dst *bool) error {
	n = resolveAlias(n)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		return fmt.Errorf("want true or false, got %s", describeNode(n))
	}
	return n.Decode(dst)
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

// Validate checks a merged configuration (config file plus flags) before a run.
func (c Config) Validate() error {
	switch {
	case c.Spec == "":
		return fmt.Errorf("%w: no spec: set spec in %s or pass --spec", ErrConfig, ConfigFile)
	case c.Output == "":
		return fmt.Errorf("%w: no output folder", ErrConfig)
	case packageProblem(c.Package) != "":
		return fmt.Errorf("%w: package %q is not a Go package name", ErrConfig, c.Package)
	case !c.Missing.Valid():
		return fmt.Errorf("%w: auth.missing must be error, required or from-security, got %q", ErrConfig, c.Missing)
	case baseURLProblem(c.BaseURL) != "":
		return fmt.Errorf("%w: base-url must be a path like /api/v1 (no trailing slash) or \"servers\", got %q", ErrConfig, c.BaseURL)
	}
	return nil
}

// DefaultPackage derives a package name from the output folder: $GOPACKAGE when it
// is the current folder under go generate, else the folder's name made into an
// identifier. It returns "" when no sensible name exists.
func DefaultPackage(output string) string {
	abs, err := filepath.Abs(output)
	if err != nil {
		return ""
	}
	if wd, err := os.Getwd(); err == nil && abs == wd {
		if p := os.Getenv("GOPACKAGE"); token.IsIdentifier(p) {
			return p
		}
	}
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return -1
	}, filepath.Base(abs))
	if !token.IsIdentifier(name) || token.Lookup(name).IsKeyword() {
		return ""
	}
	return name
}

func isRemote(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}
