package probe

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteText prints the findings, weaker first, then stricter, then a summary
// line. verbose adds every result.
func (r *Report) WriteText(w io.Writer, verbose bool) error {
	var b strings.Builder
	for _, v := range []Verdict{Weaker, Stricter} {
		for _, res := range r.Findings(v) {
			fmt.Fprintf(&b, "%s: %s\n", v, res.headline())
			fmt.Fprintf(&b, "  sent: %s\n  got:  %s\n", res.Sent, res.Received)
		}
	}
	if verbose {
		for _, res := range r.Results {
			fmt.Fprintf(&b, "%-8s %s", res.Verdict, res.headline())
			if res.Reason != "" {
				fmt.Fprintf(&b, " (%s)", res.Reason)
			}
			b.WriteByte('\n')
		}
	}
	for _, s := range r.Incomplete {
		fmt.Fprintf(&b, "incomplete: %s\n", s)
	}
	fmt.Fprintf(&b, "probe %s: %d routes × %d identities: %d ok, %d weaker, %d stricter, %d skipped\n",
		r.BaseURL, len(r.Routes), len(r.Identities), r.Summary.OK, r.Summary.Weaker, r.Summary.Stricter, r.Summary.Skipped)
	_, err := io.WriteString(w, b.String())
	return err
}

// headline names a result: method, path, operationId, identity, due and got.
func (res *Result) headline() string {
	due := res.Expected.String()
	if res.Expected == Allowed {
		due = "access"
	}
	got := "nothing"
	if res.Actual != 0 {
		got = strconv.Itoa(res.Actual)
	}
	return fmt.Sprintf("%s %s (%s) as %s: expected %s, got %s", res.Method, res.Path, res.OperationID, res.Identity, due, got)
}

// WriteJSON prints the report as one JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteGitHub prints GitHub Actions workflow commands: an error annotation per
// weaker result and a warning per stricter one, on the operation in the
// document, then a notice with the summary.
func (r *Report) WriteGitHub(w io.Writer) error {
	var b strings.Builder
	for _, v := range []Verdict{Weaker, Stricter} {
		level := "error"
		if v == Stricter {
			level = "warning"
		}
		for _, res := range r.Findings(v) {
			var props []string
			if res.Pos.File != "" {
				props = append(props, "file="+escapeProperty(res.Pos.File))
			}
			if res.Pos.Line > 0 {
				props = append(props, "line="+strconv.Itoa(res.Pos.Line), "col="+strconv.Itoa(res.Pos.Col))
			}
			props = append(props, "title="+escapeProperty("specgate probe "+string(v)))
			fmt.Fprintf(&b, "::%s %s::%s\n", level, strings.Join(props, ","), escapeData(res.headline()+"; sent "+res.Sent+"; got "+res.Received))
		}
	}
	for _, s := range r.Incomplete {
		fmt.Fprintf(&b, "::error title=specgate probe incomplete::%s\n", escapeData(s))
	}
	fmt.Fprintf(&b, "::notice title=specgate probe::%s\n", escapeData(fmt.Sprintf("%d ok, %d weaker, %d stricter, %d skipped", r.Summary.OK, r.Summary.Weaker, r.Summary.Stricter, r.Summary.Skipped)))
	_, err := io.WriteString(w, b.String())
	return err
}

// escapeData and escapeProperty follow @actions/core, so a message cannot end
// the command early or inject another one.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
