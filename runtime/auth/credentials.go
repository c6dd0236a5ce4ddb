package auth

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
)

// credential reads s's credential from r exactly where s declares it, and nowhere
// else. ReasonNone means c is complete; ReasonMissing that there is none. A header
// or query parameter sent twice, a duplicate cookie, an empty or oversized value,
// or a malformed Authorization header is a refusal: the verifier never sees it.
func credential(r *http.Request, e *schemeEval) (Credential, Reason) {
	c := Credential{Scheme: e.scheme}
	var v string
	switch e.scheme.Kind {
	case APIKey:
		var reason Reason
		switch e.scheme.In {
		case InHeader:
			v, reason = oneHeader(r.Header[e.header])
		case InQuery:
			v, reason = queryValue(r.URL.RawQuery, e.scheme.Param)
		case InCookie:
			v, reason = cookieValue(r.Header["Cookie"], e.scheme.Param)
		default:
			return c, ReasonMalformed // refused at Wrap; never reached
		}
		if reason != ReasonNone {
			return c, reason
		}
	case HTTPBearer, OAuth2, OpenIDConnect:
		tok, reason := authorization(r, "Bearer")
		if reason != ReasonNone {
			return c, reason
		}
		if !token68(tok) {
			return c, ReasonMalformed
		}
		v = tok
	case HTTPBasic:
		enc, reason := authorization(r, "Basic")
		if reason != ReasonNone {
			return c, reason
		}
		b, err := base64.StdEncoding.Strict().DecodeString(enc)
		if err != nil {
			return c, ReasonMalformed
		}
		user, pass, ok := strings.Cut(string(b), ":")
		if !ok || hasCTL(user) || hasCTL(pass) {
			return c, ReasonMalformed
		}
		c.Username, c.Password = user, pass
		return c, ReasonNone
	default:
		return c, ReasonMalformed
	}
	if len(v) > maxCredentialLen {
		return c, ReasonOversize
	}
	c.Value = v
	return c, ReasonNone
}

// oneHeader is the value of a header that must come exactly once, non-empty.
func oneHeader(lines []string) (string, Reason) {
	switch {
	case len(lines) == 0:
		return "", ReasonMissing
	case len(lines) > 1:
		return "", ReasonDuplicateCredential
	case lines[0] == "":
		return "", ReasonEmptyCredential
	case len(lines[0]) > maxCredentialLen:
		return "", ReasonOversize
	}
	return lines[0], ReasonNone
}

// authorization returns the credentials of a single Authorization header whose
// auth-scheme is scheme (case-insensitive). Another auth-scheme is not this
// scheme's credential: ReasonMissing.
func authorization(r *http.Request, scheme string) (string, Reason) {
	h, reason := oneHeader(r.Header["Authorization"])
	if reason != ReasonNone {
		return "", reason
	}
	name, rest, _ := strings.Cut(h, " ")
	if !strings.EqualFold(name, scheme) {
		return "", ReasonMissing
	}
	rest = strings.TrimLeft(rest, " ")
	if rest == "" {
		return "", ReasonEmptyCredential
	}
	return rest, ReasonNone
}

// token68 reports whether s is an RFC 7235 token68, the form of a bearer token
// (RFC 6750 section 2.1).
func token68(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~+/", c) >= 0) {
			break
		}
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}

func hasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// queryValue finds name in a raw query string. It scans instead of url.ParseQuery
// (which builds a map of everything) and counts: a parameter given twice is
// refused, never resolved to its first or last copy.
func queryValue(raw, name string) (string, Reason) {
	var val string
	n := 0
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		k, v, _ := strings.Cut(kv, "=")
		if strings.ContainsAny(k, "%+") {
			var err error
			if k, err = url.QueryUnescape(k); err != nil {
				continue // not a parameter net/url would see either
			}
		}
		if k != name {
			continue
		}
		if n++; n > 1 {
			return "", ReasonDuplicateCredential
		}
		val = v
	}
	if n == 0 {
		return "", ReasonMissing
	}
	if strings.ContainsAny(val, "%+") {
		var err error
		if val, err = url.QueryUnescape(val); err != nil {
			return "", ReasonMalformed
		}
	}
	if val == "" {
		return "", ReasonEmptyCredential
	}
	return val, ReasonNone
}

// cookieValue finds the cookie name in the Cookie header lines, verbatim; the
// name twice is refused (cookie tossing), like the session's own cookies.
func cookieValue(lines []string, name string) (string, Reason) {
	var val string
	n := 0
	for _, line := range lines {
		for line != "" {
			var part string
			part, line, _ = strings.Cut(line, ";")
			k, v, ok := strings.Cut(trimBlankLeft(part), "=")
			if !ok || trimBlankRight(k) != name {
				continue
			}
			if n++; n > 1 {
				return "", ReasonDuplicateCookie
			}
			val = trimBlankRight(v)
		}
	}
	switch {
	case n == 0:
		return "", ReasonMissing
	case val == "":
		return "", ReasonEmptyCredential
	}
	return val, ReasonNone
}
