package main

import (
	"strings"
	"testing"

	"github.com/specgate/specgate/generator"
	"github.com/specgate/specgate/internal/configschema"
	"github.com/specgate/specgate/schema"
)

// The starter file names the schema in its first line, satisfies it, and parses
// with ParseConfig to what init was asked for, also for paths that need quoting.
func TestStarterConfigSchema(t *testing.T) {
	for _, tc := range []struct{ spec, out, pkg string }{
		{initSpec, initOutput, initPackage},
		{"api/openapi.yaml", "gen/store", "store"},
		{"my api: v1.yaml", "out #1", "api"},
		{`odd "quoted" \ name.json`, "[brackets]", "api"},
		{"2026-12-07.yaml", "2026-12-07", "api"},
		{"https://example.com/openapi.yaml", ".", "café"},
	} {
		cfg := starterConfigFor(tc.spec, tc.out, tc.pkg)
		if first, _, _ := strings.Cut(cfg, "\n"); first != schema.Modeline {
			t.Errorf("%+v: first line %q, want %q", tc, first, schema.Modeline)
		}
		if err := configschema.Validate([]byte(cfg)); err != nil {
			t.Errorf("%+v: the schema refuses the starter file: %v\n%s", tc, err, cfg)
		}
		got, err := generator.ParseConfig("specgate.yaml", []byte(cfg))
		if err != nil {
			t.Errorf("%+v: ParseConfig: %v\n%s", tc, err, cfg)
			continue
		}
		want := generator.Config{Spec: tc.spec, Output: tc.out, Package: tc.pkg, Missing: generator.MissingError}
		if got != want {
			t.Errorf("%+v: parsed %+v, want %+v", tc, got, want)
		}
	}
	// init refuses what both refuse.
	bad := starterConfigFor(initSpec, initOutput, "not-a-name")
	if configschema.Validate([]byte(bad)) == nil {
		t.Error("the schema accepts package: not-a-name")
	}
	if _, err := generator.ParseConfig("specgate.yaml", []byte(bad)); err == nil {
		t.Error("ParseConfig accepts package: not-a-name")
	}
}
