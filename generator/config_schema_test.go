package generator

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/specgate/specgate/internal/configschema"
	"github.com/specgate/specgate/schema"
)

// configCases are small specgate.yaml files. want is "" for a file both the
// schema and ParseConfig accept, else what ParseConfig's error starts with (its
// position) or contains.
var configCases = []struct{ name, src, want string }{
	// Accepted.
	{"minimal", "version: 1\n", ""},
	{"every key", "version: 1\nspec: api/openapi.yaml\noutput: internal/api\npackage: api\nstrict: true\nembed-spec: true\nallow-remote-refs: true\nbase-url: /api/v1\nauth:\n  missing: from-security\n", ""},
	{"modeline and comments", schema.Modeline + "\n# a comment\nversion: 1 # one\n", ""},
	{"document markers", "---\nversion: 1\n...\n", ""},
	{"flow mapping", "{version: 1, spec: a.yaml, auth: {missing: required}}\n", ""},
	{"JSON", `{"version": 1, "spec": "a.yaml", "strict": false}`, ""},
	{"version 1.0", "version: 1.0\n", ""},
	{"version 0x1", "version: 0x1\n", ""},
	{"quoted strings", "version: 1\nspec: 'a.yaml'\noutput: \"out dir\"\n", ""},
	{"number as tagged string", "version: 1\nspec: !!str 12\n", ""},
	{"alias", "version: 1\nspec: &p shared\noutput: *p\n", ""},
	{"date is text", "version: 1\noutput: 2026-12-07\n", ""},
	{"remote spec", "version: 1\nspec: https://example.com/openapi.yaml\n", ""},
	{"unicode package", "version: 1\npackage: café\n", ""},
	{"underscore package", "version: 1\npackage: _api\n", ""},
	{"base-url servers", "version: 1\nbase-url: servers\n", ""},
	{"base-url one letter", "version: 1\nbase-url: /a\n", ""},
	{"base-url empty", "version: 1\nbase-url: \"\"\n", ""},
	{"auth empty", "version: 1\nauth: {}\n", ""},
	{"auth missing error", "version: 1\nauth:\n  missing: error\n", ""},

	// The document.
	{"empty", "", "c.yaml: empty config"},
	{"comments only", "# nothing\n", "c.yaml: empty config"},
	{"list", "- version: 1\n", "c.yaml:1:1: config must be a mapping"},
	{"scalar", "1\n", "c.yaml:1:1: config must be a mapping"},
	{"two documents", "version: 1\n---\nversion: 1\n", "c.yaml:2:1: a config is one YAML document"},
	{"syntax", "version: 1\n spec: [\n", "c.yaml:2:6: mapping values are not allowed"},
	{"syntax in a second document", "version: 1\n---\n spec: [\n", "c.yaml:3:"},
	{"tab indent", "version: 1\nauth:\n\tmissing: error\n", "c.yaml:3:1:"},

	// Keys.
	{"no version", "spec: a.yaml\n", "c.yaml:1:1: missing version: 1"},
	{"unknown key", "version: 1\nspec: a.yaml\nouptut: x\n", `c.yaml:3:1: unknown key "ouptut"`},
	{"key case", "Version: 1\n", `c.yaml:1:1: unknown key "Version"`},
	{"merge key", "<<: {version: 1}\n", `c.yaml:1:1: unknown key "<<"`},
	{"number key", "version: 1\n1: x\n", `c.yaml:2:1: unknown key "1"`},
	{"list key", "version: 1\n? [spec]\n: a.yaml\n", "c.yaml:2:3: unknown key"},
	{"duplicate", "version: 1\nspec: a\nspec: b\n", `c.yaml:3:1: duplicate key "spec"`},
	{"duplicate version", "version: 1\nversion: 1\n", `c.yaml:2:1: duplicate key "version"`},
	{"unknown auth key", "version: 1\nauth:\n  mising: error\n", "c.yaml:3:3: unknown key auth.mising"},
	{"duplicate auth key", "version: 1\nauth:\n  missing: error\n  missing: required\n", `c.yaml:4:3: duplicate key "auth.missing"`},

	// version.
	{"version 2", "version: 2\n", "c.yaml:1:10: version must be 1, got 2"},
	{"version 0", "version: 0\n", "c.yaml:1:10: version must be 1"},
	{"version 1.5", "version: 1.5\n", "c.yaml:1:10: version must be 1, got 1.5"},
	{"version string", "version: \"1\"\n", "c.yaml:1:10: version must be 1"},
	{"version bool", "version: true\n", "c.yaml:1:10: version must be 1"},
	{"version null", "version:\n", "c.yaml:1:9: version must be 1"},
	{"version list", "version: [1]\n", "c.yaml:1:10: version must be 1"},
	{"version infinite", "version: .inf\n", "c.yaml:1:10: version must be 1"},

	// Types.
	{"spec list", "version: 1\nspec: [a]\n", "c.yaml:2:7: spec: want a string, got a list"},
	{"spec number", "version: 1\nspec: 1\n", `c.yaml:2:7: spec: want a string, got "1"`},
	{"spec bool", "version: 1\nspec: true\n", "c.yaml:2:7: spec: want a string"},
	{"spec null", "version: 1\nspec:\n", "c.yaml:2:6: spec: want a string"},
	{"spec empty", "version: 1\nspec: \"\"\n", "c.yaml:2:7: spec: must not be empty"},
	{"output empty", "version: 1\noutput: ''\n", "c.yaml:2:9: output: must not be empty"},
	{"output mapping", "version: 1\noutput: {dir: x}\n", "c.yaml:2:9: output: want a string, got a mapping"},
	{"strict yes", "version: 1\nstrict: yes\n", `c.yaml:2:9: strict: want true or false, got "yes"`},
	{"strict quoted", "version: 1\nstrict: \"true\"\n", "c.yaml:2:9: strict: want true or false"},
	{"strict number", "version: 1\nstrict: 1\n", "c.yaml:2:9: strict: want true or false"},
	{"embed-spec on", "version: 1\nembed-spec: on\n", "c.yaml:2:13: embed-spec: want true or false"},
	{"allow-remote-refs null", "version: 1\nallow-remote-refs: ~\n", "c.yaml:2:20: allow-remote-refs: want true or false"},
	{"base-url number", "version: 1\nbase-url: 1\n", "c.yaml:2:11: base-url: want a string"},

	// package.
	{"package dash", "version: 1\npackage: my-api\n", `c.yaml:2:10: package: "my-api" is not a Go identifier`},
	{"package digit", "version: 1\npackage: 1api\n", `c.yaml:2:10: package: "1api" is not a Go identifier`},
	{"package keyword", "version: 1\npackage: type\n", `c.yaml:2:10: package: "type" is a Go keyword`},
	{"package blank", "version: 1\npackage: _\n", `c.yaml:2:10: package: "_" is the blank identifier`},
	{"package empty", "version: 1\npackage: \"\"\n", `c.yaml:2:10: package: "" is not a Go identifier`},

	// base-url.
	{"base-url relative", "version: 1\nbase-url: v1\n", `c.yaml:2:11: base-url: must be a path like /api/v1 (no trailing slash) or "servers", got "v1"`},
	{"base-url trailing slash", "version: 1\nbase-url: /v1/\n", "c.yaml:2:11: base-url: must be a path"},
	{"base-url root", "version: 1\nbase-url: /\n", "c.yaml:2:11: base-url: must be a path"},
	{"base-url wildcard", "version: 1\nbase-url: /{tenant}\n", "c.yaml:2:11: base-url: must be a path"},
	{"base-url space", "version: 1\nbase-url: /a b\n", "c.yaml:2:11: base-url: must be a path"},
	{"base-url URL", "version: 1\nbase-url: https://example.com/v1\n", "c.yaml:2:11: base-url: must be a path"},
	{"base-url Servers", "version: 1\nbase-url: Servers\n", "c.yaml:2:11: base-url: must be a path"},

	// auth.
	{"auth scalar", "version: 1\nauth: error\n", "c.yaml:2:7: auth must be a mapping with the key missing"},
	{"auth null", "version: 1\nauth:\n", "c.yaml:2:6: auth must be a mapping"},
	{"auth list", "version: 1\nauth: [missing]\n", "c.yaml:2:7: auth must be a mapping"},
	{"auth top-level key", "version: 1\nauth:\n  spec: a.yaml\n", "c.yaml:3:3: unknown key auth.spec"},
	{"missing maybe", "version: 1\nauth:\n  missing: maybe\n", `c.yaml:3:12: auth.missing must be error, required or from-security, got "maybe"`},
	{"missing case", "version: 1\nauth:\n  missing: Error\n", `c.yaml:3:12: auth.missing must be error, required or from-security, got "Error"`},
	{"missing empty", "version: 1\nauth:\n  missing: ''\n", "c.yaml:3:12: auth.missing must be error"},
	{"missing bool", "version: 1\nauth:\n  missing: false\n", `c.yaml:3:12: auth.missing: want a string, got "false"`},
	{"missing alias to its mapping", "version: 1\nauth: &a\n  missing: *a\n", "c.yaml:3:12: auth.missing: want a string, got a mapping"},
}

// TestConfigSchemaAgrees holds schema/specgate.schema.json and ParseConfig to
// the same answer for every file: the cases above, every specgate.yaml under
// testdata/ and examples/, and every config in the CLI's txtar scripts.
func TestConfigSchemaAgrees(t *testing.T) {
	if len(configCases) < 40 {
		t.Fatalf("%d cases; keep at least 40", len(configCases))
	}
	for _, tc := range configCases {
		t.Run(tc.name, func(t *testing.T) {
			schemaErr := configschema.Validate([]byte(tc.src))
			_, parseErr := ParseConfig("c.yaml", []byte(tc.src))
			if tc.want == "" {
				if schemaErr != nil {
					t.Errorf("the schema refuses it: %v", schemaErr)
				}
				if parseErr != nil {
					t.Errorf("ParseConfig refuses it: %v", parseErr)
				}
				return
			}
			if schemaErr == nil {
				t.Errorf("the schema accepts it; ParseConfig says %v", parseErr)
			}
			var ce *ConfigError
			switch {
			case parseErr == nil:
				t.Errorf("ParseConfig accepts it; the schema says %v", schemaErr)
			case !errors.As(parseErr, &ce) || !errors.Is(parseErr, ErrConfig):
				t.Errorf("ParseConfig: %v is not a *ConfigError", parseErr)
			case !strings.HasPrefix(parseErr.Error(), tc.want) && !strings.Contains(parseErr.Error(), tc.want):
				t.Errorf("ParseConfig: %v\nwant %q", parseErr, tc.want)
			case ce.Line == 0 && !strings.Contains(tc.want, "empty config"):
				t.Errorf("ParseConfig: %v has no position", parseErr)
			}
		})
	}

	files := repoConfigFiles(t)
	if len(files) < 30 {
		t.Fatalf("found %d config files in testdata, examples and scripts; the walk is broken", len(files))
	}
	refused := 0
	for _, f := range files {
		schemaErr := configschema.Validate(f.data)
		_, parseErr := ParseConfig(f.name, f.data)
		if (schemaErr == nil) != (parseErr == nil) {
			t.Errorf("%s: schema says %v, ParseConfig says %v", f.name, schemaErr, parseErr)
		}
		if parseErr != nil {
			refused++
		}
	}
	t.Logf("%d repository config files, %d refused by both", len(files), refused)
	// check.txtar's bad-config.yaml (specs: for spec) is the one refused on purpose.
	if refused != 1 {
		t.Errorf("%d of %d repository config files refused, want 1 (bad-config.yaml)", refused, len(files))
	}
}

type configFile struct {
	name string
	data []byte
}

// cFlag finds the configs a script passes with -c.
var cFlag = regexp.MustCompile(`(?m)\s-c\s+(\S+)`)

// repoConfigFiles returns every specgate.yaml under ../testdata and
// ../examples, and from the CLI's txtar scripts every file named *specgate.yaml
// or passed with -c.
func repoConfigFiles(t *testing.T) []configFile {
	t.Helper()
	var files []configFile
	for _, root := range []string{"../testdata", "../examples"} {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() != ConfigFile {
				return err
			}
			data, err := os.ReadFile(path)
			files = append(files, configFile{path, data})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	scripts, err := filepath.Glob("../cmd/specgate/testdata/script/*.txtar")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, s := range scripts {
		ar, err := txtar.ParseFile(s)
		if err != nil {
			t.Fatal(err)
		}
		var passed []string
		for _, m := range cFlag.FindAllStringSubmatch(string(ar.Comment), -1) {
			passed = append(passed, m[1])
		}
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ConfigFile) || slices.Contains(passed, f.Name) {
				files = append(files, configFile{s + ":" + f.Name, f.Data})
			}
		}
	}
	return files
}

// TestConfigSchemaKeys: the schema describes exactly the keys the parser reads
// (configFields and authFields), refuses every other key, and describes each.
func TestConfigSchemaKeys(t *testing.T) {
	type object struct {
		Properties           map[string]json.RawMessage `json:"properties"`
		AdditionalProperties *bool                      `json:"additionalProperties"`
	}
	var root object
	if err := json.Unmarshal(schema.JSON, &root); err != nil {
		t.Fatal(err)
	}
	var auth object
	if err := json.Unmarshal(root.Properties["auth"], &auth); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		where  string
		obj    object
		fields []configField
	}{{"top level", root, configFields}, {"auth", auth, authFields}} {
		var inSchema []string
		for k, raw := range c.obj.Properties {
			inSchema = append(inSchema, k)
			var p struct{ Description string }
			if err := json.Unmarshal(raw, &p); err != nil || p.Description == "" {
				t.Errorf("%s: property %s has no description", c.where, k)
			}
		}
		slices.Sort(inSchema)
		parsed := slices.Sorted(slices.Values(fieldKeys(c.fields)))
		if !slices.Equal(inSchema, parsed) {
			t.Errorf("%s: schema has %v, ParseConfig reads %v", c.where, inSchema, parsed)
		}
		if c.obj.AdditionalProperties == nil || *c.obj.AdditionalProperties {
			t.Errorf("%s: additionalProperties is not false; ParseConfig refuses unknown keys", c.where)
		}
	}
}

// TestConfigSchemaDefaults: writing a property's schema default is the same as
// leaving the property out.
func TestConfigSchemaDefaults(t *testing.T) {
	var s struct {
		Properties map[string]struct {
			Default    any `json:"default"`
			Properties map[string]struct {
				Default any `json:"default"`
			} `json:"properties"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(schema.JSON, &s); err != nil {
		t.Fatal(err)
	}
	normal := func(c Config) Config {
		if c.Missing == "" {
			c.Missing = MissingError // what Build does with ""
		}
		return c
	}
	base, err := ParseConfig("c.yaml", []byte("version: 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	check := func(src string) {
		t.Helper()
		n++
		cfg, err := ParseConfig("c.yaml", []byte(src))
		if err != nil {
			t.Errorf("%s: %v", src, err)
		} else if normal(cfg) != normal(base) {
			t.Errorf("%s: %+v, want %+v as without it", src, cfg, base)
		}
	}
	for k, p := range s.Properties {
		if p.Default != nil {
			v, _ := json.Marshal(p.Default)
			check("version: 1\n" + k + ": " + string(v) + "\n")
		}
		for sub, sp := range p.Properties {
			if sp.Default != nil {
				v, _ := json.Marshal(sp.Default)
				check("version: 1\n" + k + ":\n  " + sub + ": " + string(v) + "\n")
			}
		}
	}
	if n < 5 {
		t.Errorf("%d defaults checked; the schema gives strict, embed-spec, allow-remote-refs, base-url and auth.missing one", n)
	}
}
