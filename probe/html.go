package probe

import (
	_ "embed"
	"html/template"
	"io"
	"strconv"
	"strings"
)

//go:embed report.html.tmpl
var reportHTML string

var reportTemplate = template.Must(template.New("report").Parse(reportHTML))

type htmlCell struct {
	Verdict Verdict
	Class   string // ok-allowed, ok-refused, weaker, stricter, skipped
	Text    string
	Title   string
}

type htmlRow struct {
	Method, Path, OperationID, Requires, Search string
	Findings                                    bool
	Cells                                       []htmlCell
}

// WriteHTML writes the report as one self-contained page: the route × identity
// matrix, cells coloured by expected and actual outcome, a filter box. It loads
// nothing from the network.
func (r *Report) WriteHTML(w io.Writer) error {
	n := len(r.Identities)
	data := struct {
		*Report
		Host string
		Rows []htmlRow
	}{Report: r, Host: r.host()}
	for i, route := range r.Routes {
		row := htmlRow{Method: route.Method, Path: route.Path, OperationID: route.OperationID, Requires: requiresText(route.Requirements)}
		for _, res := range r.Results[i*n : (i+1)*n] {
			row.Cells = append(row.Cells, cellOf(res))
			if res.Verdict == Weaker || res.Verdict == Stricter {
				row.Findings = true
			}
		}
		row.Search = strings.ToLower(route.Method + " " + route.Path + " " + route.OperationID + " " + row.Requires)
		data.Rows = append(data.Rows, row)
	}
	return reportTemplate.Execute(w, data)
}

func cellOf(res *Result) htmlCell {
	c := htmlCell{Verdict: res.Verdict}
	got := strconv.Itoa(res.Actual)
	due := res.Expected.String()
	switch res.Verdict {
	case Skipped:
		c.Class, c.Text, c.Title = "skipped", "skipped", res.Reason
		return c
	case OK:
		if res.Expected == Allowed {
			c.Class = "ok-allowed"
		} else {
			c.Class = "ok-refused"
		}
		c.Text = got
	case Weaker:
		c.Class, c.Text = "weaker", got+" (expected "+due+")"
	case Stricter:
		c.Class, c.Text = "stricter", got+" (expected access)"
	}
	c.Title = "expected " + due + ", got " + got + "\nsent: " + res.Sent
	if res.Received != "" {
		c.Title += "\ngot: " + res.Received
	}
	return c
}

// requiresText is a route's security in a short form: "public", "optional", or
// alternatives joined by " or ", each scheme with its scopes in brackets.
func requiresText(reqs []Requirement) string {
	if len(reqs) == 0 {
		return "public"
	}
	var alts []string
	for _, alt := range reqs {
		if len(alt) == 0 {
			return "optional"
		}
		var parts []string
		for _, sr := range alt {
			s := sr.Scheme
			if len(sr.Scopes) > 0 {
				s += "[" + strings.Join(sr.Scopes, ",") + "]"
			}
			parts = append(parts, s)
		}
		alts = append(alts, strings.Join(parts, " + "))
	}
	return strings.Join(alts, " or ")
}
