package generator_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specgate/specgate/generator"
)

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "specgate.yaml")
	writeFile(t, p, `version: 1
spec: api/openapi.yaml
output: internal/api
package: api
strict: true
embed-spec: true
base-url: /v1
allow-remote-refs: true
auth:
  missing: from-security
`)
	cfg, err := generator.LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	want := generator.Config{
		Spec: filepath.Join(dir, "api", "openapi.yaml"), Output: filepath.Join(dir, "internal", "api"),
		Package: "api", Strict: true, EmbedSpec: true, BaseURL: "/v1", AllowRemoteRefs: true,
		Missing: generator.MissingFromSecurity,
	}
	if cfg != want {
		t.Errorf("got %+v\nwant %+v", cfg, want)
	}
}

func TestParseConfigErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"unknown key", "version: 1\nspec: a.yaml\nouptut: x\n", `c.yaml:3:1: unknown key "ouptut"`},
		{"version 2", "version: 2\n", "c.yaml:1:10: version must be 1, got 2"},
		{"no version", "spec: a.yaml\n", "c.yaml:1:1: missing version: 1"},
		{"bad policy", "version: 1\nauth:\n  missing: maybe\n", `c.yaml:3:12: auth.missing must be error, required or from-security, got "maybe"`},
		{"unknown auth key", "version: 1\nauth:\n  mising: error\n", "c.yaml:3:3: unknown key auth.mising"},
		{"strict not bool", "version: 1\nstrict: yes\n", `c.yaml:2:9: strict: want true or false, got "yes"`},
		{"spec not string", "version: 1\nspec: [a]\n", "c.yaml:2:7: spec: want a string, got a list"},
		{"duplicate", "version: 1\nspec: a\nspec: b\n", `c.yaml:3:1: duplicate key "spec"`},
		{"bad yaml", "version: 1\n spec: [\n", "c.yaml:2:6: mapping values are not allowed in this context"},
		{"bad package", "version: 1\npackage: my-api\n", `c.yaml:2:10: package: "my-api" is not a Go identifier`},
		{"empty", "", "empty config"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := generator.ParseConfig("c.yaml", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if !errors.Is(err, generator.ErrConfig) {
				t.Errorf("errors.Is(err, ErrConfig) = false")
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	ok := generator.Config{Spec: "a.yaml", Output: ".", Package: "api"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []generator.Config{
		{Output: ".", Package: "api"},
		{Spec: "a.yaml", Output: ".", Package: "type"},
		{Spec: "a.yaml", Output: ".", Package: "_"},
		{Spec: "a.yaml", Output: ".", Package: "api", BaseURL: "v1"},
		{Spec: "a.yaml", Output: ".", Package: "api", BaseURL: "/v1/"},
		{Spec: "a.yaml", Output: ".", Package: "api", BaseURL: "/"},
		{Spec: "a.yaml", Output: ".", Package: "api", Missing: "sometimes"},
	} {
		if err := bad.Validate(); !errors.Is(err, generator.ErrConfig) {
			t.Errorf("Validate(%+v) = %v, want ErrConfig", bad, err)
		}
	}
}
