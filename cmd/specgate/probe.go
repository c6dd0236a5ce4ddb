package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/specgate/specgate/generator"
	"github.com/specgate/specgate/probe"
)

func init() { register(newProbeCmd) }

func newProbeCmd(a *app) *cobra.Command {
	var (
		flags     docFlags
		format    string
		probeFile string
		htmlFile  string
		opts      probe.Options
		verbose   bool
	)
	cmd := &cobra.Command{
		Use:   "probe",
		Short: "Check a running service against the route-auth table, identity by identity",
		Long: `probe sends every route's request to a running service as anonymous and as
each identity of the probe file, and compares the answers with the table: a
route that needs credentials must answer 401 to a caller without any that it
accepts, and 403 to one that lacks every alternative's role or scope.

weaker: 401/403 was due and something else came back (the service lets
through someone the document refuses). stricter: 401/403 where the document
allows the call; reported, does not fail the run.

Safe by default: only GET, HEAD and OPTIONS unless --unsafe; redirects are
never followed; requests are rate-limited and bounded in number in flight, each
with a timeout. --verbose lists every request on stderr.

--format text prints findings and a summary, json every result, github
workflow annotations on the operations, html one self-contained page with the
route × identity matrix (--html FILE writes it besides another format).

Exit 0 nothing weaker, 1 any weaker result, 2 on usage, I/O, load or probe-file
errors, a failed login, requests without an answer, or an identity whose
credentials were never accepted.`,
		Example: `  specgate probe --probe probe.yaml
  specgate probe --probe probe.yaml --base-url https://staging.example.com --format github
  specgate probe --probe probe.yaml --format json | jq '.results[] | select(.verdict == "weaker")'
  specgate probe --probe probe.yaml --html probe-report.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if probeFile == "" {
				return usageErr(errors.New("--probe FILE is required: the base URL and identities to try"))
			}
			if opts.Rate <= 0 || opts.Concurrency <= 0 || opts.Timeout <= 0 {
				return usageErr(errors.New("--rate, --concurrency and --timeout must be positive"))
			}
			if opts.BaseURL != "" {
				if err := probe.CheckBaseURL(opts.BaseURL); err != nil {
					return usageErr(fmt.Errorf("--base-url: %w", err))
				}
			}
			data, err := os.ReadFile(probeFile)
			if err != nil {
				return usageErr(err)
			}
			pf, err := probe.ParseFile(probeFile, data, nil)
			if err != nil {
				return usageErr(err)
			}
			cfg, err := flags.resolve()
			if err != nil {
				return err
			}
			spec, diags, err := probe.Load(cmd.Context(), cfg)
			printDiagnostics(a, diags, false)
			switch {
			case errors.Is(err, generator.ErrLoad) && diags != nil:
				return usageErr(nil)
			case err != nil:
				return usageErr(err)
			}
			if verbose {
				opts.Verbose = a.stderr
			}
			rep, err := probe.Run(cmd.Context(), spec, pf, opts)
			if err != nil {
				return usageErr(err)
			}
			if htmlFile != "" {
				if err := writeHTMLReport(htmlFile, rep); err != nil {
					return usageErr(err)
				}
			}
			switch format {
			case "json":
				err = rep.WriteJSON(a.stdout)
			case "github":
				err = rep.WriteGitHub(a.stdout)
			case "html":
				err = rep.WriteHTML(a.stdout)
			default:
				err = rep.WriteText(a.stdout, verbose)
			}
			switch {
			case err != nil:
				return usageErr(err)
			case rep.Weaker():
				return findingsErr(fmt.Errorf("%d results weaker than the document", rep.Summary.Weaker))
			case len(rep.Incomplete) > 0:
				return usageErr(fmt.Errorf("the probe is incomplete: %s", rep.Incomplete[0]))
			}
			return nil
		},
	}
	flags.add(cmd)
	formatFlag(cmd, &format, "text", "json", "github", "html")
	f := cmd.Flags()
	f.StringVar(&probeFile, "probe", "", "probe file (YAML): base URL and identities")
	f.StringVar(&opts.BaseURL, "base-url", "", "service URL (overrides base-url in the probe file)")
	f.BoolVar(&opts.Unsafe, "unsafe", false, "also send POST, PUT, PATCH, DELETE... (staging only: they change data)")
	f.Float64Var(&opts.Rate, "rate", probe.DefaultRate, "requests per second, at most")
	f.IntVar(&opts.Concurrency, "concurrency", probe.DefaultConcurrency, "requests in flight, at most")
	f.DurationVar(&opts.Timeout, "timeout", probe.DefaultTimeout, "timeout of each request")
	f.StringVar(&htmlFile, "html", "", "also write the HTML report to this file")
	f.BoolVarP(&verbose, "verbose", "v", false, "list every request on stderr and every result in text output")
	return cmd
}

// writeHTMLReport writes the page to a temporary file first, so a failed write
// leaves no half page behind.
func writeHTMLReport(path string, rep *probe.Report) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := rep.WriteHTML(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
