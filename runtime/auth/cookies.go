package auth

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// jar is what a request's Cookie headers say about our two cookies. Values alias
// the header strings: reading cookies allocates nothing.
type jar struct {
	access, refresh string
	present         bool // either cookie name appeared, even empty
	duplicate       bool // a name appeared twice: cookie tossing, refuse
}

// readCookies scans every Cookie header line for the access and refresh cookie. It
// does not use r.Cookie, which returns the first of duplicates: a tossed cookie
// (set by a sibling subdomain or a plain-http page) would shadow the real one, so a
// name seen twice refuses the request (docs/security-cases.md case 23). Linear in the header
// size, however many cookies it holds (case 27).
func readCookies(lines []string, accessName, refreshName string) jar {
	var j jar
	var seenA, seenR bool
	for _, line := range lines {
		for line != "" {
			var part string
			part, line, _ = strings.Cut(line, ";")
			part = strings.TrimLeft(part, " \t")
			name, val, ok := strings.Cut(part, "=")
			if !ok {
				continue
			}
			name = strings.TrimRight(name, " \t")
			val = strings.TrimRight(val, " \t")
			switch name {
			case accessName:
				j.duplicate = j.duplicate || seenA
				seenA, j.access = true, val
			case refreshName:
				j.duplicate = j.duplicate || seenR
				seenR, j.refresh = true, val
			}
		}
	}
	j.present = seenA || seenR
	return j
}

// cookieValueOK accepts only what we set: base64url and dots, under the size cap.
// Quoted, empty or odd values are refused here, before any decoding.
func cookieValueOK(v string) bool {
	if v == "" || len(v) > maxTokenLen {
		return false
	}
	for i := 0; i < len(v); i++ {
		if !tokenByte[v[i]] {
			return false
		}
	}
	return true
}

// tokenByte marks the bytes a token may contain: the base64url alphabet and '.'.
// A table, because this check runs over every byte of every presented token.
var tokenByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
	}
	return t
}()

// setCookie adds a Set-Cookie with the fixed attributes: HttpOnly, Secure, SameSite
// (Lax unless Config.SameSite says otherwise), Path=/, no Domain (what the __Host-
// prefix requires); Insecure drops Secure only.
func (a *Authenticator[U]) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	var b strings.Builder
	b.Grow(len(name) + len(value) + 80)
	b.WriteString(name)
	b.WriteByte('=')
	b.WriteString(value)
	b.WriteString("; Path=/; Max-Age=")
	secs := int64(maxAge / time.Second)
	if secs < 0 {
		secs = 0
	}
	b.WriteString(strconv.FormatInt(secs, 10))
	b.WriteString("; HttpOnly")
	if !a.cfg.Insecure {
		b.WriteString("; Secure")
	}
	b.WriteString("; SameSite=")
	b.WriteString(a.sameSite)
	w.Header().Add("Set-Cookie", b.String())
}

// clearCookies expires both cookies.
func (a *Authenticator[U]) clearCookies(w http.ResponseWriter) {
	a.setCookie(w, a.accessName, "", 0)
	a.setCookie(w, a.refreshName, "", 0)
	w.Header().Set("Cache-Control", "no-store")
}
