package auth

import "fmt"

// denial is why a request or a session helper was refused: the event to emit, the
// Problem to answer with, whether the cookies are dead, and the cause. It is an
// error wrapping both the public sentinel (ErrUnauthorized...) and the cause, so
// helpers return it and callers use errors.Is.
type denial struct {
	kind            EventKind
	reason          Reason
	problem         Problem
	clear           bool   // the session is dead: clear both cookies
	subject         string // when known
	scheme          string // security routes: the scheme it is about
	sentinel, cause error
}

func (d *denial) Error() string {
	if d.cause != nil {
		return fmt.Sprintf("%v (%s): %v", d.sentinel, d.reason, d.cause)
	}
	return fmt.Sprintf("%v (%s)", d.sentinel, d.reason)
}

func (d *denial) Unwrap() []error {
	if d.cause != nil {
		return []error{d.sentinel, d.cause}
	}
	return []error{d.sentinel}
}

func unauthorized(reason Reason, cause error) *denial {
	return &denial{kind: EventRejected, reason: reason, problem: ProblemUnauthorized, clear: true, sentinel: ErrUnauthorized, cause: cause}
}

func unavailable(reason Reason, cause error) *denial {
	return &denial{kind: EventUnavailable, reason: reason, problem: ProblemUnavailable, sentinel: ErrUnavailable, cause: cause}
}

func internal(reason Reason, cause error) *denial {
	return &denial{kind: EventInternal, reason: reason, problem: ProblemInternal, sentinel: errLookupPanic, cause: cause}
}

func csrfDenied(cause error) *denial {
	return &denial{kind: EventCSRF, reason: ReasonCrossOrigin, problem: ProblemCSRF, sentinel: ErrCSRF, cause: cause}
}

func forbidden(sub string) *denial {
	return &denial{kind: EventForbidden, reason: ReasonRoles, problem: ProblemForbidden, subject: sub, sentinel: ErrForbidden}
}

// safeMethod refuses a session helper called by GET, HEAD or OPTIONS. It counts as
// a CSRF event: CrossOriginProtection passes safe methods from any origin, so this
// is the check that stops a cross-site link or image from logging a user in or out.
func safeMethod(method string) *denial {
	return &denial{kind: EventCSRF, reason: ReasonSafeMethod, problem: ProblemMethodNotAllowed, sentinel: ErrMethodNotAllowed,
		cause: fmt.Errorf("method %s", method)}
}
