package probe

import (
	"fmt"
	"net/url"
	"slices"

	"github.com/specgate/specgate/generator"
)

// Report is the outcome of a probe: one Result per route × identity, in table
// order, identities in file order after anonymous.
type Report struct {
	BaseURL    string      `json:"baseUrl"`
	Identities []string    `json:"identities"`
	Routes     []RouteInfo `json:"-"`
	Results    []*Result   `json:"results"`
	Summary    Summary     `json:"summary"`
	// Incomplete lists why the probe cannot vouch for the service: requests
	// without an answer, identities whose credentials were never accepted.
	Incomplete []string `json:"incomplete"`
}

// RouteInfo is a route of the table as a report shows it.
type RouteInfo struct {
	OperationID, Method, Path, Pattern string
	Requirements                       []Requirement
	Pos                                generator.Position
}

// Result is one route as one identity.
type Result struct {
	OperationID string  `json:"operationId"`
	Method      string  `json:"method"`
	Path        string  `json:"path"`
	Identity    string  `json:"identity"`
	Expected    Expect  `json:"expected"` // "allowed", "401" or "403"
	Actual      int     `json:"actual"`   // the status, 0 when nothing came back
	Verdict     Verdict `json:"verdict"`
	URL         string  `json:"url"`
	Reason      string  `json:"reason,omitempty"`   // why it was skipped
	Sent        string  `json:"sent,omitempty"`     // the request, credentials left out
	Received    string  `json:"received,omitempty"` // for findings: status, type, start of body

	Pos    generator.Position `json:"-"`
	failed bool               // sent, but no answer
	unsent bool               // not sent: the service had stopped answering
}

// Summary counts results by verdict.
type Summary struct {
	OK       int `json:"ok"`
	Weaker   int `json:"weaker"`
	Stricter int `json:"stricter"`
	Skipped  int `json:"skipped"`
}

// Weaker reports whether any result is weaker than the document.
func (r *Report) Weaker() bool { return r.Summary.Weaker > 0 }

// Findings returns the results with the given verdict, in report order.
func (r *Report) Findings(v Verdict) []*Result {
	var out []*Result
	for _, res := range r.Results {
		if res.Verdict == v {
			out = append(out, res)
		}
	}
	return out
}

// Result returns the result of a route (by operationId) as an identity, or nil.
func (r *Report) Result(operationID, identity string) *Result {
	for _, res := range r.Results {
		if res.OperationID == operationID && res.Identity == identity {
			return res
		}
	}
	return nil
}

// finish counts the verdicts and says why the report is incomplete, if it is.
// firstErr is the first request error of the run.
func (r *Report) finish(ids []*identity, firstErr string) {
	r.Incomplete = []string{}
	failed, unsent := 0, 0
	for _, res := range r.Results {
		switch res.Verdict {
		case OK:
			r.Summary.OK++
		case Weaker:
			r.Summary.Weaker++
		case Stricter:
			r.Summary.Stricter++
		case Skipped:
			r.Summary.Skipped++
		}
		if res.failed {
			failed++
		}
		if res.unsent {
			unsent++
		}
	}
	if failed > 0 {
		r.Incomplete = append(r.Incomplete, fmt.Sprintf("%d requests got no answer (the first: %s)", failed, firstErr))
	}
	if unsent > 0 {
		r.Incomplete = append(r.Incomplete, fmt.Sprintf("%d requests not sent: the probe stops after %d in a row get no answer", unsent, maxNoAnswer))
	}
	// An identity refused with 401 on every route it may call where the guard
	// demonstrably works (anonymous was refused there too) was never signed in:
	// its 403 checks prove nothing.
	n := len(ids)
	for k, id := range ids[1:] {
		var tried, refused int
		for i, route := range r.Routes {
			anon, res := r.Results[i*n], r.Results[i*n+k+1]
			if res.Expected != Allowed || res.Actual == 0 || !needsAuth(route.Requirements) || (anon.Actual != 401 && anon.Actual != 403) {
				continue
			}
			tried++
			if res.Actual == 401 {
				refused++
			}
		}
		if tried > 0 && refused == tried {
			r.Incomplete = append(r.Incomplete, fmt.Sprintf("identity %s got 401 on all %d routes it may call: its credentials do not work", id.Name, tried))
		}
	}
}

// needsAuth reports whether a caller without credentials is refused.
func needsAuth(reqs []Requirement) bool {
	return len(reqs) > 0 && !slices.ContainsFunc(reqs, func(r Requirement) bool { return len(r) == 0 })
}

// host is the base URL's host, for titles.
func (r *Report) host() string {
	if u, err := url.Parse(r.BaseURL); err == nil {
		return u.Host
	}
	return r.BaseURL
}
