package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	neturl "net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/specgate/specgate/generator"
)

// Defaults of Options: gentle enough for a shared staging service.
const (
	DefaultRate        = 10 // requests per second
	DefaultConcurrency = 2
	DefaultTimeout     = 10 * time.Second
)

// Options tune Run. The zero value takes the defaults.
type Options struct {
	BaseURL     string        // overrides the probe file's base-url
	Unsafe      bool          // also send methods other than GET, HEAD and OPTIONS
	Rate        float64       // requests per second, at most; 0: DefaultRate
	Concurrency int           // requests in flight, at most; 0: DefaultConcurrency
	Timeout     time.Duration // per request; 0: DefaultTimeout
	// Verbose, when not nil, gets one line per request sent.
	Verbose io.Writer
	// Transport sends the requests; nil: http.DefaultTransport.
	Transport http.RoundTripper
}

// ErrLogin is wrapped when an identity's login request fails.
var ErrLogin = errors.New("login failed")

// identity is an Identity ready to send: its client keeps its cookies.
type identity struct {
	Identity
	client *http.Client
}

// Run probes the service: the logins first, then every route as anonymous and
// as each identity, safe methods before unsafe ones. Errors are for what stops
// the whole probe (a bad base URL, a failed login); a request that gets no
// answer is a skipped result and is listed in Report.Incomplete.
func Run(ctx context.Context, spec *Spec, f *File, opts Options) (*Report, error) {
	base := f.BaseURL
	if opts.BaseURL != "" {
		base = opts.BaseURL
	}
	if base == "" {
		return nil, fmt.Errorf("no base URL: set base-url in the probe file or pass --base-url")
	}
	if err := CheckBaseURL(base); err != nil {
		return nil, fmt.Errorf("base URL: %w", err)
	}
	if opts.Rate <= 0 {
		opts.Rate = DefaultRate
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	s := &session{opts: opts, lim: newLimiter(opts.Rate)}

	ids := []*identity{{Identity: Identity{Name: Anonymous}, client: s.client(nil)}}
	for _, id := range f.Identities {
		jar, err := cookiejar.New(nil)
		if err != nil {
			return nil, err
		}
		ids = append(ids, &identity{Identity: id, client: s.client(jar)})
	}
	for _, id := range ids[1:] {
		if err := s.login(ctx, base, id); err != nil {
			return nil, err
		}
	}

	rep := &Report{BaseURL: base}
	for _, id := range ids {
		rep.Identities = append(rep.Identities, id.Name)
	}
	type job struct {
		res *Result
		id  *identity
		req request
	}
	var safe, unsafe []job
	for _, r := range spec.Table.Routes {
		reqs := requirementsOf(r)
		item, op, err := spec.operation(r)
		req := planRequest(base, spec.Table, r, item, op, f.Params)
		skip := skipReason(r, f, ids, opts.Unsafe)
		if err != nil && skip == "" {
			skip = err.Error()
		}
		rr := RouteInfo{OperationID: r.OperationID, Method: r.Method, Path: r.Path, Pattern: r.Pattern, Requirements: reqs, Pos: r.Pos}
		rep.Routes = append(rep.Routes, rr)
		for _, id := range ids {
			res := &Result{
				OperationID: r.OperationID, Method: r.Method, Path: r.Path, Identity: id.Name,
				Expected: Expectation(reqs, id.Schemes, id.Roles), URL: req.URL, Pos: r.Pos,
			}
			rep.Results = append(rep.Results, res)
			switch {
			case skip != "":
				res.Verdict, res.Reason = Skipped, skip
			case safeMethod(r.Method):
				safe = append(safe, job{res, id, req})
			default:
				unsafe = append(unsafe, job{res, id, req})
			}
		}
	}
	for _, batch := range [][]job{safe, unsafe} {
		var wg sync.WaitGroup
		work := make(chan job)
		for range opts.Concurrency {
			wg.Go(func() {
				for j := range work {
					s.probe(ctx, j.id, j.req, j.res)
				}
			})
		}
		for _, j := range batch {
			work <- j
		}
		close(work)
		wg.Wait()
	}
	rep.finish(ids, s.firstErr)
	return rep, nil
}

// skipReason says why a route is not sent, "" when it is.
func skipReason(r generator.Route, f *File, ids []*identity, unsafe bool) string {
	if slices.Contains(f.Skip, r.OperationID) || slices.Contains(f.Skip, r.Method+" "+r.Pattern) || slices.Contains(f.Skip, r.Method+" "+r.Path) {
		return "listed under skip in the probe file"
	}
	if !unsafe && !safeMethod(r.Method) {
		return "unsafe method: pass --unsafe to send it"
	}
	// Sending the login route as every identity would only sign in again (or
	// count towards its throttle); the route is named for all who use it.
	var users []string
	for _, id := range ids {
		if id.Login != nil && id.Login.Method == r.Method && r.Pattern == id.Login.Path {
			users = append(users, id.Name)
		}
	}
	if len(users) > 0 {
		return "the login request identities sign in with (" + strings.Join(users, ", ") + ")"
	}
	return ""
}

// maxNoAnswer is how many requests in a row may go unanswered before the probe
// stops sending: a wrong base URL or a service that is down should fail the run
// in seconds, not after a timeout per route and identity.
const maxNoAnswer = 3

// session is one run's shared machinery: rate limit, verbose log, and the count
// of requests in a row that got no answer.
type session struct {
	opts  Options
	lim   *limiter
	logMu sync.Mutex

	mu       sync.Mutex
	noAnswer int    // in a row; an answer resets it
	firstErr string // the first request error, for the report
	stopped  bool   // maxNoAnswer reached: nothing more is sent
}

// answered records the outcome of a request: an error counts towards stopping,
// an answer starts the count again.
func (s *session) answered(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		s.noAnswer = 0
		return
	}
	if s.firstErr == "" {
		s.firstErr = err.Error()
	}
	s.noAnswer++
	if s.noAnswer >= maxNoAnswer {
		s.stopped = true
	}
}

func (s *session) isStopped() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopped
}

// client never follows a redirect: the 3xx is the answer, and no request goes to
// a host the probe file did not name.
func (s *session) client(jar http.CookieJar) *http.Client {
	return &http.Client{
		Jar:           jar,
		Timeout:       s.opts.Timeout,
		Transport:     s.opts.Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func (s *session) logf(format string, args ...any) {
	if s.opts.Verbose == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.opts.Verbose, format+"\n", args...)
}

// maxRead bounds how much of an answer the probe reads.
const maxRead = 64 << 10

// send sends one request and returns the status and the start of the body.
func (s *session) send(ctx context.Context, c *http.Client, method, url string, header http.Header, body []byte, who string) (int, string, string, error) {
	if err := s.lim.wait(ctx); err != nil {
		return 0, "", "", err
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, "", "", err
	}
	req.Header = header
	req.Header.Set("User-Agent", "specgate-probe")
	start := time.Now()
	res, err := c.Do(req)
	if err != nil {
		s.logf("%s %s as %s: %v", method, url, who, err)
		return 0, "", "", err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, maxRead))
	s.logf("%s %s as %s: %d (%s)", method, url, who, res.StatusCode, time.Since(start).Round(time.Millisecond))
	return res.StatusCode, res.Header.Get("Content-Type"), snippet(b), nil
}

// snippet is the start of a body for reports, valid UTF-8.
func snippet(b []byte) string {
	const n = 300
	if len(b) > n {
		b = b[:n]
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
		return strings.ToValidUTF8(string(b), "") + "…"
	}
	return strings.ToValidUTF8(string(b), "")
}

func (s *session) probe(ctx context.Context, id *identity, rq request, res *Result) {
	h := rq.Header.Clone()
	for k, v := range id.Headers {
		h.Set(k, v)
	}
	if rq.ContentType != "" {
		h.Set("Content-Type", rq.ContentType)
	}
	res.Sent = describeSent(rq, id)
	if s.isStopped() {
		res.Verdict, res.Reason = Skipped, fmt.Sprintf("not sent: %d requests in a row got no answer", maxNoAnswer)
		res.unsent = true
		return
	}
	status, ct, body, err := s.send(ctx, id.client, rq.Method, rq.URL, h, rq.Body, id.Name)
	s.answered(err)
	if err != nil {
		res.Verdict, res.Reason = Skipped, "no answer: "+err.Error()
		res.failed = true
		return
	}
	res.Actual = status
	res.Verdict = Judge(res.Expected, status)
	if res.Verdict != OK {
		res.Received = strings.TrimSpace(fmt.Sprintf("%d %s %s", status, ct, body))
	}
}

// describeSent is the request as reports show it: credential values never.
func describeSent(rq request, id *identity) string {
	var b strings.Builder
	b.WriteString(rq.Method + " " + rq.URL)
	var names []string
	for k := range id.Headers {
		names = append(names, k)
	}
	if id.Login != nil {
		names = append(names, "cookies from login")
	}
	slices.Sort(names)
	if len(names) > 0 {
		fmt.Fprintf(&b, " with %s", strings.Join(names, ", "))
	}
	if rq.Body != nil {
		fmt.Fprintf(&b, " body %s %s", rq.ContentType, snippet(rq.Body))
	}
	return b.String()
}

// login sends an identity's login request; its cookies stay in the jar.
func (s *session) login(ctx context.Context, base string, id *identity) error {
	l := id.Login
	if l == nil {
		return nil
	}
	h := http.Header{}
	var body []byte
	switch {
	case l.JSON != nil:
		b, err := json.Marshal(l.JSON)
		if err != nil {
			return fmt.Errorf("%w: %s: json: %v", ErrLogin, id.Name, err)
		}
		body = b
		h.Set("Content-Type", "application/json")
	case l.Form != nil:
		body = []byte(formEncode(l.Form))
		h.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range l.Headers {
		h.Set(k, v)
	}
	url := strings.TrimSuffix(base, "/") + l.Path
	status, _, _, err := s.send(ctx, id.client, l.Method, url, h, body, id.Name+" (login)")
	switch {
	case err != nil:
		return fmt.Errorf("%w: %s: %s %s: %v", ErrLogin, id.Name, l.Method, url, err)
	case status < 200 || status > 399:
		return fmt.Errorf("%w: %s: %s %s answered %d", ErrLogin, id.Name, l.Method, url, status)
	}
	return nil
}

// limiter spaces request starts at least 1/rate apart, across goroutines.
type limiter struct {
	mu    sync.Mutex
	every time.Duration
	next  time.Time
}

func newLimiter(rate float64) *limiter {
	return &limiter{every: time.Duration(float64(time.Second) / rate)}
}

func (l *limiter) wait(ctx context.Context) error {
	l.mu.Lock()
	now := time.Now()
	at := l.next
	if at.Before(now) {
		at = now
	}
	l.next = at.Add(l.every)
	l.mu.Unlock()
	if d := time.Until(at); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return ctx.Err()
}

func formEncode(m map[string]string) string {
	v := neturl.Values{}
	for k, x := range m {
		v.Set(k, x)
	}
	return v.Encode()
}
