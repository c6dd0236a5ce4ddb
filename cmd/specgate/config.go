package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/specgate/specgate/generator"
)

// configFlags are the flags that locate the document and override specgate.yaml.
// Commands that read the configuration add them with addConfigFlags.
type configFlags struct {
	config, spec, out, pkg string
}

func (f *configFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.config, "config", "c", "", "config file (default: ./"+generator.ConfigFile+" when present)")
	cmd.Flags().StringVar(&f.spec, "spec", "", "OpenAPI document (overrides spec in the config)")
	cmd.Flags().StringVar(&f.out, "out", "", "output folder (overrides output in the config)")
	cmd.Flags().StringVar(&f.pkg, "package", "", "Go package name (overrides package in the config)")
}

// resolve merges the config file (given, or ./specgate.yaml when present) with the
// flags. Flag paths are relative to the current folder, config paths to the
// config file. Without either, output is the current folder and the package
// comes from it ($GOPACKAGE under go generate).
func (f *configFlags) resolve() (generator.Config, error) {
	var cfg generator.Config
	path := f.config
	if path == "" {
		if _, err := os.Stat(generator.ConfigFile); err == nil {
			path = generator.ConfigFile
		} else if !errors.Is(err, fs.ErrNotExist) {
			return cfg, usageErr(err)
		}
	}
	if path != "" {
		var err error
		if cfg, err = generator.LoadConfig(path); err != nil {
			return cfg, usageErr(err)
		}
	}
	if f.spec != "" {
		cfg.Spec = f.spec
	}
	if f.out != "" {
		cfg.Output = f.out
	}
	if f.pkg != "" {
		cfg.Package = f.pkg
	}
	if cfg.Output == "" {
		cfg.Output = "."
	}
	if cfg.Package == "" {
		cfg.Package = generator.DefaultPackage(cfg.Output)
		if cfg.Package == "" {
			return cfg, usageErr(fmt.Errorf("cannot derive a package name from %q: set package in the config or pass --package", cfg.Output))
		}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, usageErr(err)
	}
	return cfg, nil
}
