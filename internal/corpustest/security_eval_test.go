package corpustest

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specgate/specgate/generator"
)

// TestSecurityEval checks, for every corpus document, that the route-auth table
// means what the document's security means. It recomputes each operation's
// requirement straight from kin-openapi's document, with none of Build's code:
// the operation's security list, else the root's; the alternatives in order,
// each a set of schemes with their scopes as written; none → public, {} among
// them → optional, else required. Documents Build refuses must be refused for
// a reason the document has (checked for the security codes), never silently.
func TestSecurityEval(t *testing.T) {
	root := repoRoot(t)
	corpus := fetchCorpus(t, root)
	var routes, withSecurity, docs, refused int
	codes := map[string]int{}
	for _, spec := range corpusDocs(t, root, corpus) {
		rel, _ := filepath.Rel(corpus, spec)
		doc, err := generator.Load(context.Background(), spec, generator.LoadOptions{})
		if err != nil {
			continue // TestCorpus accounts for documents that do not load
		}
		docs++
		// Build reads the document; it must not change what is compared below.
		table, diags := generator.Build(doc, generator.BuildOptions{Missing: generator.MissingFromSecurity})
		if generator.HasErrors(diags) {
			refused++
			for _, d := range diags {
				if d.Severity == generator.Error {
					codes[d.Code]++
					if why := confirmRefusal(doc.T, d.Code); why != "" {
						t.Errorf("%s: %s: %s", rel, d, why)
					}
				}
			}
			continue
		}
		for _, r := range table.Routes {
			routes++
			item := doc.T.Paths.Value(r.Path)
			if item == nil || item.GetOperation(r.Method) == nil {
				t.Errorf("%s: %s %s: no such operation in the document", rel, r.Method, r.Path)
				continue
			}
			op := item.GetOperation(r.Method)
			if hasAnnotation(doc.T, item, op) {
				continue // the short form decides; not what this test checks
			}
			want, declared := documentRequirement(doc.T, op)
			if declared {
				withSecurity++
			}
			if !r.UsesSecurity() {
				t.Errorf("%s: %s %s: no annotation, from-security, but the route is not from security (%s)", rel, r.Method, r.Path, r.AuthFrom)
				continue
			}
			if got := canonical(r.Requirements); !slices.Equal(got, want) {
				t.Errorf("%s: %s %s: table requires %q, document %q", rel, r.Method, r.Path, got, want)
			}
			if m := documentMode(want); r.Auth.String() != m {
				t.Errorf("%s: %s %s: table mode %s, document %s", rel, r.Method, r.Path, r.Auth, m)
			}
			for _, alt := range r.Requirements {
				for _, s := range alt {
					checkScheme(t, rel, doc.T, table, s.Scheme)
				}
			}
		}
	}
	if docs == 0 {
		t.Fatal("no corpus document loaded")
	}
	t.Logf("%d documents loaded, %d refused by Build %v; %d routes compared, %d with declared security", docs, refused, codes, routes, withSecurity)
}

// documentRequirement is op's effective security as the OpenAPI specification
// defines it, each alternative written "scheme[scope,...]+scheme[...]" with
// schemes in name order, scopes as written.
func documentRequirement(t *openapi3.T, op *openapi3.Operation) ([]string, bool) {
	list, declared := t.Security, t.Security != nil
	if op.Security != nil {
		list, declared = *op.Security, true
	}
	out := []string{}
	for _, req := range list {
		names := make([]string, 0, len(req))
		for name := range req {
			names = append(names, name)
		}
		sort.Strings(names)
		parts := make([]string, 0, len(names))
		for _, name := range names {
			parts = append(parts, name+"["+strings.Join(req[name], ",")+"]")
		}
		out = append(out, strings.Join(parts, "+"))
	}
	return out, declared
}

func canonical(reqs []generator.Requirement) []string {
	out := []string{}
	for _, alt := range reqs {
		parts := make([]string, 0, len(alt))
		for _, s := range alt {
			parts = append(parts, s.Scheme+"["+strings.Join(s.Scopes, ",")+"]")
		}
		out = append(out, strings.Join(parts, "+"))
	}
	return out
}

func documentMode(alts []string) string {
	switch {
	case len(alts) == 0:
		return "public"
	case slices.Contains(alts, ""):
		return "optional"
	}
	return "required"
}

func hasAnnotation(t *openapi3.T, item *openapi3.PathItem, op *openapi3.Operation) bool {
	for _, ext := range []map[string]any{t.Extensions, item.Extensions, op.Extensions} {
		if _, ok := ext["x-auth-required"]; ok {
			return true
		}
		if _, ok := ext["x-auth-roles"]; ok {
			return true
		}
	}
	return false
}

// checkScheme compares a scheme of the table with its declaration.
func checkScheme(t *testing.T, rel string, doc *openapi3.T, table *generator.Table, name string) {
	t.Helper()
	got, ok := table.SchemeByName(name)
	if !ok {
		t.Errorf("%s: scheme %s is used but not in Table.Schemes", rel, name)
		return
	}
	ref := doc.Components.SecuritySchemes[name]
	if ref == nil || ref.Value == nil {
		t.Errorf("%s: scheme %s is in the table but not declared", rel, name)
		return
	}
	s := ref.Value
	want := generator.SecurityScheme{Name: name, Type: s.Type}
	switch s.Type {
	case "apiKey":
		want.In, want.Param = s.In, s.Name
	case "http":
		want.HTTPScheme = strings.ToLower(s.Scheme)
	}
	got.Pos = generator.Position{}
	if got != want {
		t.Errorf("%s: scheme %s: table %+v, declared %+v", rel, name, got, want)
	}
}

// confirmRefusal says what is wrong when the document does not have the
// problem a security error names; "" when it does (or the code is not about
// security).
func confirmRefusal(t *openapi3.T, code string) string {
	var schemes openapi3.SecuritySchemes
	if t.Components != nil {
		schemes = t.Components.SecuritySchemes
	}
	lists := []openapi3.SecurityRequirements{t.Security}
	for _, item := range t.Paths.Map() {
		for _, op := range item.Operations() {
			if op.Security != nil {
				lists = append(lists, *op.Security)
			}
		}
	}
	found := false
	for _, list := range lists {
		for _, req := range list {
			for name := range req {
				ref := schemes[name]
				switch code {
				case generator.CodeSecurityUndeclared:
					found = found || ref == nil || ref.Value == nil
				case generator.CodeSecurityUnsupported:
					if ref != nil && ref.Value != nil {
						v := ref.Value
						supported := v.Type == "apiKey" || v.Type == "oauth2" || v.Type == "openIdConnect" ||
							v.Type == "http" && (strings.EqualFold(v.Scheme, "bearer") || strings.EqualFold(v.Scheme, "basic"))
						found = found || !supported
					}
				default:
					return ""
				}
			}
		}
	}
	if !found {
		return fmt.Sprintf("the document has no requirement that %s describes", code)
	}
	return ""
}
