package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/specgate/specgate/generator"
	"github.com/specgate/specgate/schema"
)

func init() { register(newInitCmd) }

// Defaults of specgate init.
const (
	initSpec    = "openapi.yaml"
	initOutput  = "internal/api"
	initPackage = "api"
)

func newInitCmd(a *app) *cobra.Command {
	var flags configFlags
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a starter specgate.yaml and, when there is none, an annotated openapi.yaml",
		Long: `init starts a spec-first project: it writes specgate.yaml (or the file given
with -c) naming the document, output folder and package, and, when the document
does not exist yet, a small openapi.yaml that shows x-auth-required at the root
and operation levels and x-auth-roles. The config's first line points editors
at its JSON Schema, for completion and checks as you type. It never overwrites: an existing config
is an error (exit 2), an existing document is kept.

It prints the paths it wrote. Run specgate generate next.`,
		Example: `  specgate init
  specgate init --spec api/openapi.yaml --out internal/api --package api
  specgate init -c tools/specgate.yaml --spec api/openapi.yaml`,
		Args: cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			cfgPath := cmpOr(flags.config, generator.ConfigFile)
			spec := cmpOr(flags.spec, initSpec)
			out := cmpOr(flags.out, initOutput)
			pkg := flags.pkg
			if pkg == "" {
				if pkg = generator.DefaultPackage(out); pkg == "" {
					pkg = initPackage
				}
			}
			// The config names its paths relative to its own folder.
			specRel, err1 := relTo(cfgPath, spec)
			outRel, err2 := relTo(cfgPath, out)
			if err := errors.Join(err1, err2); err != nil {
				return usageErr(err)
			}
			cfg := starterConfigFor(specRel, outRel, pkg)
			if _, err := generator.ParseConfig(cfgPath, []byte(cfg)); err != nil {
				return usageErr(err) // e.g. --package is not an identifier
			}
			if err := createNew(cfgPath, cfg); err != nil {
				if errors.Is(err, fs.ErrExist) {
					return usageErr(fmt.Errorf("%s already exists; init never overwrites (edit it, or remove it first)", cfgPath))
				}
				return usageErr(err)
			}
			fmt.Fprintln(a.stdout, cfgPath)
			switch err := createNew(spec, starterSpec); {
			case errors.Is(err, fs.ErrExist):
				fmt.Fprintf(a.stderr, "%s exists; kept as it is\n", spec)
			case err != nil:
				return usageErr(err)
			default:
				fmt.Fprintln(a.stdout, spec)
			}
			return nil
		},
	}
	flags.add(cmd)
	return cmd
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// relTo expresses target (relative to the current folder) relative to the folder
// of the config file at cfgPath.
func relTo(cfgPath, target string) (string, error) {
	if filepath.IsAbs(target) {
		return target, nil
	}
	rel, err := filepath.Rel(filepath.Dir(cfgPath), target)
	if err != nil {
		return "", fmt.Errorf("init: %w", err)
	}
	return filepath.ToSlash(rel), nil
}

// yamlQuote quotes s as a YAML double-quoted string when it needs it.
func yamlQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, ":#{}[],&*!|>'\"%@`\\ \t") {
		return s
	}
	return fmt.Sprintf("%q", s) // Go's escapes are valid in YAML double quotes
}

// createNew creates the file (and its folder) only when it does not exist yet.
func createNew(path, content string) error {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(content)
	return errors.Join(err, f.Close())
}

// starterConfigFor is the starter specgate.yaml naming spec, out and pkg. Its
// first line names the schema, so editors complete and check the file.
func starterConfigFor(spec, out, pkg string) string {
	return schema.Modeline + "\n" + fmt.Sprintf(starterConfig, yamlQuote(spec), yamlQuote(out), yamlQuote(pkg))
}

const starterConfig = `# specgate configuration. Paths are relative to this file.
version: 1
# The OpenAPI document, annotated with x-auth-required and x-auth-roles.
spec: %s
# Where api.gen.go and routes.gen.go go, and their package.
output: %s
package: %s
# true: also generate oapi-codegen's strict server.
strict: false
auth:
  # An operation without x-auth-required: error (default), required or from-security.
  missing: error
`

const starterSpec = `openapi: 3.0.3
info:
  title: Example API
  version: 0.1.0
# Every operation needs a session unless it says otherwise.
x-auth-required: true
paths:
  /health:
    get:
      operationId: getHealth
      x-auth-required: false # public
      responses:
        "204":
          description: The service is up.
  /me:
    get:
      operationId: getMe
      x-auth-required: optional # the user is attached when signed in, never rejected
      responses:
        "200":
          description: The signed-in user, or an anonymous profile.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/User"
  /users/{userId}:
    parameters:
      - name: userId
        in: path
        required: true
        schema:
          type: string
    get:
      operationId: getUser # required, from the root
      responses:
        "200":
          description: A user.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/User"
    delete:
      operationId: deleteUser
      x-auth-roles: [admin] # required, and the user needs the admin role
      responses:
        "204":
          description: Deleted.
components:
  schemas:
    User:
      type: object
      required: [id, name]
      properties:
        id:
          type: string
        name:
          type: string
`
