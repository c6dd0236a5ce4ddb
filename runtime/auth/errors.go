package auth

import (
	"errors"
	"net/http"
	"strconv"
)

// Errors the session helpers return and that Lookup may return. Test them with
// errors.Is; helpers wrap the specific reason behind one of the first five.
var (
	// ErrUnauthorized: no valid session (missing, expired, invalid, revoked).
	ErrUnauthorized = errors.New("auth: unauthorized")
	// ErrForbidden: a valid session whose user lacks the route's roles.
	ErrForbidden = errors.New("auth: forbidden")
	// ErrCSRF: an unsafe cross-origin request refused by CrossOriginProtection.
	ErrCSRF = errors.New("auth: cross-origin request refused")
	// ErrUnavailable: the user lookup or the refresh store could not answer.
	ErrUnavailable = errors.New("auth: session backend unavailable")
	// ErrMethodNotAllowed: Login, Refresh or Logout was called for a safe method
	// (GET, HEAD, OPTIONS), which CrossOriginProtection lets through from any site.
	ErrMethodNotAllowed = errors.New("auth: session helpers need an unsafe method such as POST")

	// ErrUserNotFound is what Lookup returns (wrapped is fine) for an unknown
	// subject: the request gets 401 and the cookies are cleared.
	ErrUserNotFound = errors.New("auth: user not found")
	// ErrUserDisabled is what Lookup returns (wrapped is fine) for a user who may no
	// longer sign in: the request gets 401 and the cookies are cleared.
	ErrUserDisabled = errors.New("auth: user disabled")

	// errLookupPanic marks a Lookup that panicked: 500, never a pass.
	errLookupPanic = errors.New("auth: user lookup panicked")
)

// Problem is an RFC 9457 problem detail. Code is stable and meant for programs:
// "unauthorized", "forbidden", "csrf", "unavailable", "internal", or
// "method-not-allowed" (only from the session helpers, never from the guard: a
// programming error of the app's routing, or a cross-site GET aimed at it).
type Problem struct {
	Status int
	Code   string
	Title  string
}

// Problems the guard answers with. Their bodies never carry the reason, so every
// 401 is byte-for-byte the same whatever went wrong.
var (
	ProblemUnauthorized = Problem{http.StatusUnauthorized, "unauthorized", "Unauthorized"}
	ProblemForbidden    = Problem{http.StatusForbidden, "forbidden", "Forbidden"}
	ProblemCSRF         = Problem{http.StatusForbidden, "csrf", "Cross-origin request refused"}
	ProblemUnavailable  = Problem{http.StatusServiceUnavailable, "unavailable", "Service Unavailable"}
	ProblemInternal     = Problem{http.StatusInternalServerError, "internal", "Internal Server Error"}
	// ProblemMethodNotAllowed answers a session helper called by a safe method; the
	// helper has already set "Allow: POST".
	ProblemMethodNotAllowed = Problem{http.StatusMethodNotAllowed, "method-not-allowed", "Method Not Allowed"}
)

// ErrorWriter writes a refusal. Replace it through Config.ErrorWriter to match an
// application's error format; it must not reveal more than p does.
type ErrorWriter func(w http.ResponseWriter, r *http.Request, p Problem)

// WriteProblem is the default ErrorWriter: application/problem+json with the
// members type, title, status and code.
func WriteProblem(w http.ResponseWriter, _ *http.Request, p Problem) {
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_, _ = w.Write(p.body())
}

// body renders p as JSON. Titles and codes are ours (no user input), so quoting
// with strconv is enough.
func (p Problem) body() []byte {
	b := make([]byte, 0, 96)
	b = append(b, `{"type":"about:blank","title":`...)
	b = strconv.AppendQuote(b, p.Title)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(p.Status), 10)
	b = append(b, `,"code":`...)
	b = strconv.AppendQuote(b, p.Code)
	b = append(b, "}\n"...)
	return b
}

// ProblemFor maps an error from Login, Refresh or Logout to the Problem an
// application handler should answer with, and reports whether it knew the error.
func ProblemFor(err error) (Problem, bool) {
	switch {
	case err == nil:
		return Problem{}, false
	case errors.Is(err, ErrCSRF):
		return ProblemCSRF, true
	case errors.Is(err, ErrMethodNotAllowed):
		return ProblemMethodNotAllowed, true
	case errors.Is(err, ErrForbidden):
		return ProblemForbidden, true
	case errors.Is(err, ErrUnavailable):
		return ProblemUnavailable, true
	case errors.Is(err, ErrUnauthorized), errors.Is(err, ErrUserNotFound), errors.Is(err, ErrUserDisabled):
		return ProblemUnauthorized, true
	}
	return ProblemInternal, false
}
