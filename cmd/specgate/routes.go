package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/specgate/specgate/generator"
)

func init() { register(newRoutesCmd) }

func newRoutesCmd(a *app) *cobra.Command {
	var (
		flags  docFlags
		format string
	)
	cmd := &cobra.Command{
		Use:   "routes",
		Short: "Print the route-auth table as text, JSON or Markdown",
		Long: `routes prints the route-auth table the generated code enforces: every
operation in spec order with its method, ServeMux pattern (base URL included),
auth mode (required, optional, public), roles (any of), the security
requirement where it comes from the document's OpenAPI security (alternatives
joined by |, schemes that must hold together by +, scopes in brackets, {}
admitting anonymous callers) and operationId.

--format text is an aligned table, markdown a table for pull request
descriptions and docs, json an object {"version": 1, "routes": [...],
"schemes": [...]} documented in docs/routes-json.md: each route with its
requirements in OpenAPI's meaning whatever form they came from (the short form
as the scheme x-auth-session, its roles as scopes), each scheme the routes
use as declared. Version 1 only ever gains fields.

Diagnostics go to stderr. Exit 0 fine, 1 when the document has annotation
errors (the table would not be what runs), 2 on usage, I/O or load errors.`,
		Example: `  specgate routes
  specgate routes --format markdown >> "$GITHUB_STEP_SUMMARY"
  specgate routes --spec openapi.yaml --format json | jq '.routes[] | select(.auth == "public")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := flags.resolve()
			if err != nil {
				return err
			}
			table, diags, err := loadTable(cmd.Context(), cfg, cfg.Spec)
			printDiagnostics(a, diags, false)
			switch {
			case errors.Is(err, generator.ErrLoad) && diags != nil:
				return usageErr(nil)
			case err != nil:
				return usageErr(err)
			case generator.HasErrors(diags):
				return findingsErr(errors.New("the document has errors: no route table (see specgate lint)"))
			}
			if err := writeRoutes(a.stdout, format, table); err != nil {
				return usageErr(err)
			}
			return nil
		},
	}
	flags.add(cmd)
	formatFlag(cmd, &format, "text", "json", "markdown")
	return cmd
}

// jsonRoute is the stable JSON shape of one route, for routes and diff.
type jsonRoute struct {
	Method      string           `json:"method"`
	Pattern     string           `json:"pattern"`
	Path        string           `json:"path"`
	OperationID string           `json:"operationId"`
	Auth        generator.Mode   `json:"auth"`
	AuthFrom    generator.Source `json:"authFrom"`
	Roles       []string         `json:"roles"`
	// Requirements are the alternatives the route enforces (generator.Route.Requirements);
	// FromSecurity says they are the document's security, not the short form.
	Requirements []generator.Requirement `json:"requirements"`
	FromSecurity bool                    `json:"fromSecurity"`
	File         string                  `json:"file,omitempty"`
	Line         int                     `json:"line,omitempty"`
	Col          int                     `json:"col,omitempty"`
}

func toJSONRoute(r *generator.Route) *jsonRoute {
	if r == nil {
		return nil
	}
	roles := r.Roles
	if roles == nil {
		roles = []string{}
	}
	return &jsonRoute{
		Method: r.Method, Pattern: r.Pattern, Path: r.Path, OperationID: r.OperationID,
		Auth: r.Auth, AuthFrom: r.AuthFrom, Roles: roles,
		Requirements: jsonRequirements(r), FromSecurity: r.UsesSecurity(),
		File: r.Pos.File, Line: r.Pos.Line, Col: r.Pos.Col,
	}
}

func writeRoutes(w io.Writer, format string, t *generator.Table) error {
	switch format {
	case "json":
		out := jsonRoutes{Version: routesJSONVersion, Routes: make([]*jsonRoute, 0, len(t.Routes)), Schemes: t.Schemes}
		for i := range t.Routes {
			out.Routes = append(out.Routes, toJSONRoute(&t.Routes[i]))
		}
		if out.Schemes == nil {
			out.Schemes = []generator.SecurityScheme{}
		}
		return writeJSON(w, out)
	case "markdown":
		var b strings.Builder
		b.WriteString("| Method | Path | Auth | Roles | Security | Operation |\n|---|---|---|---|---|---|\n")
		for _, r := range t.Routes {
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | `%s` |\n", r.Method, mdEscape(r.Pattern), r.Auth, mdEscape(rolesText(r.Roles)), mdEscape(securityText(r)), mdEscape(r.OperationID))
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "METHOD\tPATH\tAUTH\tROLES\tSECURITY\tOPERATION")
	for _, r := range t.Routes {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Method, r.Pattern, r.Auth, rolesText(r.Roles), securityText(r), r.OperationID)
	}
	return tw.Flush()
}

// routesJSONVersion is the version of the routes --format json shape
// (docs/routes-json.md); it changes only when a field changes meaning or goes.
const routesJSONVersion = 1

// jsonRoutes is the routes --format json document.
type jsonRoutes struct {
	Version int                        `json:"version"`
	Routes  []*jsonRoute               `json:"routes"`
	Schemes []generator.SecurityScheme `json:"schemes"`
}

// jsonRequirements is r's requirements for JSON: never null, scopes never null.
func jsonRequirements(r *generator.Route) []generator.Requirement {
	reqs := r.Requirements
	if reqs == nil { // a table not made by Build
		reqs = generator.ShortFormRequirements(r.Auth, r.Roles)
	}
	out := make([]generator.Requirement, 0, len(reqs))
	for _, alt := range reqs {
		a := make(generator.Requirement, 0, len(alt))
		for _, s := range alt {
			if s.Scopes == nil {
				s.Scopes = []string{}
			}
			a = append(a, s)
		}
		out = append(out, a)
	}
	return out
}

// securityText is a route's requirement from security for tables, "-" for a
// short-form route (its auth and roles say it all).
func securityText(r generator.Route) string {
	if !r.UsesSecurity() {
		return "-"
	}
	return generator.RequirementsString(r.Requirements)
}

// rolesText lists roles for tables, "-" for none.
func rolesText(roles []string) string {
	if len(roles) == 0 {
		return "-"
	}
	return strings.Join(roles, ", ")
}
