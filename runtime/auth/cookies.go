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
			name, val, ok := strings.Cut(trimBlankLeft(part), "=")
			if !ok {
				continue
			}
			name, val = trimBlankRight(name), trimBlankRight(val)
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

// trimBlankLeft and trimBlankRight strip spaces and tabs, the blanks a Cookie
// header may hold around its pairs: strings.TrimLeft(s, " \t") as a loop the
// compiler inlines, since readCookies runs on every guarded request.
func trimBlankLeft(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	return s
}

func trimBlankRight(s string) string {
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// cookieValueOK accepts only what we set: base64url and dots, under the size cap.
// Quoted, empty or odd values are refused here, before any decoding.
func cookieValueOK(v string) bool {
	if v == "" || len(v) > maxTokenLen {
		return false
	}
	// Branch-free: OR the verdicts of every byte and test once, since a valid
	// token (the usual case) is read to the end anyway.
	var bad byte
	for i := 0; i < len(v); i++ {
		bad |= notTokenByte[v[i]]
	}
	return bad == 0
}

// notTokenByte is 1 for the bytes a token may not contain: anything but the
// base64url alphabet and '.'. A table, because this check runs over every byte of
// every presented token.
var notTokenByte = func() (t [256]byte) {
	for c := 0; c < 256; c++ {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			t[c] = 1
		}
	}
	return t
}()

// setCookie adds a Set-Cookie with the fixed attributes: HttpOnly, Secure, SameSite
// (Lax unless Config.SameSite says otherwise), Path=/, no Domain (what the __Host-
// prefix requires); Insecure drops Secure only.
func (a *Authenticator[U]) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	// Appended into a stack buffer and copied out once: one allocation per cookie.
	var arr [768]byte
	b := append(arr[:0], name...)
	b = append(b, '=')
	b = append(b, value...)
	b = append(b, "; Path=/; Max-Age="...)
	b = strconv.AppendInt(b, max(int64(maxAge/time.Second), 0), 10)
	b = append(b, "; HttpOnly"...)
	if !a.cfg.Insecure {
		b = append(b, "; Secure"...)
	}
	b = append(b, "; SameSite="...)
	b = append(b, a.sameSite...)
	h := w.Header()
	h["Set-Cookie"] = append(h["Set-Cookie"], string(b)) // the canonical key, as Header.Add would write it
}

// clearCookies expires both cookies.
func (a *Authenticator[U]) clearCookies(w http.ResponseWriter) {
	a.setCookie(w, a.accessName, "", 0)
	a.setCookie(w, a.refreshName, "", 0)
	w.Header().Set("Cache-Control", "no-store")
}
