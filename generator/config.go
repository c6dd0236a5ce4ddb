package generator

import (
	"errors"
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// MissingPolicy says what Build does with an operation that carries no
// x-auth-required at any level.
type MissingPolicy string

const (
	// MissingError reports every such operation as an error (the default).
	MissingError MissingPolicy = "error"
	// MissingRequired treats such operations as required (fail closed) and warns.
	MissingRequired MissingPolicy = "required"
	// MissingFromSecurity derives the mode from the operation's effective OpenAPI
	// security: none → public, containing {} → optional, else required.
	MissingFromSecurity MissingPolicy = "from-security"
)

// Valid reports whether p is one of the known policies or empty (meaning MissingError).
func (p MissingPolicy) Valid() bool {
	switch p {
	case "", MissingError, MissingRequired, MissingFromSecurity:
		return true
	}
	return false
}

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
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Unwrap lets errors.Is(err, ErrConfig) match.
func (e *ConfigError) Unwrap() error { return ErrConfig }

var configKeys = []string{"version", "spec", "output", "package", "strict", "embed-spec", "auth", "allow-remote-refs", "base-url"}

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
// resolving paths.
func ParseConfig(file string, data []byte) (Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		line, col, msg := yamlSyntaxError(data, err)
		return Config{}, &ConfigError{File: file, Line: line, Col: col, Msg: msg}
	}
	if len(root.Content) == 0 {
		return Config{}, &ConfigError{File: file, Msg: "empty config: at least version: 1 is required"}
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return Config{}, &ConfigError{File: file, Line: m.Line, Col: m.Column, Msg: "config must be a mapping"}
	}
	var cfg Config
	cerr := func(n *yaml.Node, format string, args ...any) error {
		return &ConfigError{File: file, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)}
	}
	seen := map[string]bool{}
	version := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if seen[k.Value] {
			return Config{}, cerr(k, "duplicate key %q", k.Value)
		}
		seen[k.Value] = true
		var err error
		switch k.Value {
		case "version":
			var n int
			if err = v.Decode(&n); err != nil || n != 1 {
				return Config{}, cerr(v, "version must be 1, got %s", v.Value)
			}
			version = true
		case "spec":
			err = decodeString(v, &cfg.Spec)
		case "output":
			err = decodeString(v, &cfg.Output)
		case "package":
			err = decodeString(v, &cfg.Package)
		case "base-url":
			err = decodeString(v, &cfg.BaseURL)
		case "strict":
			err = decodeBool(v, &cfg.Strict)
		case "embed-spec":
			err = decodeBool(v, &cfg.EmbedSpec)
		case "allow-remote-refs":
			err = decodeBool(v, &cfg.AllowRemoteRefs)
		case "auth":
			if v.Kind != yaml.MappingNode {
				return Config{}, cerr(v, "auth must be a mapping with the key missing")
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				ak, av := v.Content[j], v.Content[j+1]
				if ak.Value != "missing" {
					return Config{}, cerr(ak, "unknown key auth.%s (known: missing)", ak.Value)
				}
				var s string
				if err := decodeString(av, &s); err != nil {
					return Config{}, cerr(av, "auth.missing: %v", err)
				}
				cfg.Missing = MissingPolicy(s)
				if s == "" || !cfg.Missing.Valid() {
					return Config{}, cerr(av, "auth.missing must be error, required or from-security, got %q", s)
				}
			}
		default:
			return Config{}, cerr(k, "unknown key %q (known: %s)", k.Value, strings.Join(configKeys, ", "))
		}
		if err != nil {
			return Config{}, cerr(v, "%s: %v", k.Value, err)
		}
	}
	if !version {
		return Config{}, cerr(m, "missing version: 1")
	}
	if cfg.Package != "" && !token.IsIdentifier(cfg.Package) {
		return Config{}, &ConfigError{File: file, Msg: fmt.Sprintf("package %q is not a Go identifier", cfg.Package)}
	}
	return cfg, nil
}

func decodeString(n *yaml.Node, dst *string) error {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		return fmt.Errorf("want a string, got %s", describeNode(n))
	}
	*dst = n.Value
	return nil
}

func decodeBool(n *yaml.Node, dst *bool) error {
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
	case !token.IsIdentifier(c.Package) || token.Lookup(c.Package).IsKeyword():
		return fmt.Errorf("%w: package %q is not a Go package name", ErrConfig, c.Package)
	case !c.Missing.Valid():
		return fmt.Errorf("%w: auth.missing must be error, required or from-security, got %q", ErrConfig, c.Missing)
	case c.BaseURL != "" && c.BaseURL != "servers" && (!strings.HasPrefix(c.BaseURL, "/") || strings.HasSuffix(c.BaseURL, "/") || strings.ContainsAny(c.BaseURL, "{} ")):
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
