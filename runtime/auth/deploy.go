package auth

import (
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
)

// This file checks, in New, that the session cookies can work where the API and
// its front ends are served (docs/deploying.md has the shapes). Browsers drop or
// withhold cookies silently, so a configuration that cannot work is refused at
// start-up, with what to do instead, rather than found by users.

// deployment is what New derives from the cookie and origin settings.
type deployment struct {
	sameSite  http.SameSite // never zero
	crossSite []string      // trusted origins on another site than APIOrigin
}

// checkDeployment validates SameSite, Insecure, APIOrigin and TrustedOrigins
// together. Errors are plain; New wraps them with ErrConfig.
func checkDeployment(sameSite http.SameSite, insecure bool, apiOrigin string, trusted []string, cors CORSConfig, psl cookiejar.PublicSuffixList) (deployment, error) {
	d := deployment{sameSite: sameSite}
	switch sameSite {
	case 0:
		d.sameSite = http.SameSiteLaxMode
	case http.SameSiteLaxMode, http.SameSiteStrictMode:
	case http.SameSiteNoneMode:
		if insecure {
			return d, fmt.Errorf("SameSite None needs Secure cookies, and Insecure drops Secure: browsers refuse such cookies. " +
				"Serve the API over https without Insecure, or, for development, use Lax with the front end on the same site " +
				"(another port of localhost) or behind a dev-server proxy")
		}
	default:
		return d, fmt.Errorf("SameSite %d: use http.SameSiteLaxMode (the default), SameSiteStrictMode or SameSiteNoneMode", sameSite)
	}
	for _, h := range append(append([]string(nil), cors.AllowHeaders...), cors.ExposeHeaders...) {
		if !validHeaderName(h) {
			return d, fmt.Errorf("CORS header name %q is not a header name (and \"*\" is no wildcard with credentials: list the names)", h)
		}
	}
	var api *url.URL
	if apiOrigin != "" {
		var err error
		if api, err = parseOrigin(apiOrigin); err != nil {
			return d, fmt.Errorf("APIOrigin: %w", err)
		}
		if !insecure && api.Scheme == "http" && !isLoopback(api.Hostname()) {
			return d, fmt.Errorf("APIOrigin %q is plain http, where browsers refuse Secure cookies: serve it over https, "+
				"or set Insecure for local development", apiOrigin)
		}
	}
	if len(trusted) == 0 {
		return d, nil
	}
	sites := make([]string, len(trusted))
	for i, o := range trusted {
		u, err := parseOrigin(o)
		if err != nil {
			return d, fmt.Errorf("TrustedOrigins: %w", err)
		}
		sites[i] = siteOf(u, psl)
	}
	if api == nil {
		return d, fmt.Errorf("APIOrigin is empty: with TrustedOrigins, say where browsers reach this API " +
			"(e.g. \"https://api.example.com\"), so New can check that the session cookies reach it from each trusted origin")
	}
	apiSite := siteOf(api, psl)
	for i, o := range trusted {
		if site := sites[i]; site != apiSite {
			if d.sameSite != http.SameSiteNoneMode {
				return d, fmt.Errorf("TrustedOrigins %q is on another site (%s) than APIOrigin %q (%s), so browsers do not send "+
					"SameSite=%s cookies with its requests. Serve the front end on the API's site (app.example.com next to "+
					"api.example.com, or another port), proxy the API through the front end's origin, or set SameSite to "+
					"http.SameSiteNoneMode (with Secure; browsers that block third-party cookies still refuse it)",
					o, site, apiOrigin, apiSite, sameSiteName(d.sameSite))
			}
			d.crossSite = append(d.crossSite, o)
		}
	}
	return d, nil
}

// parseOrigin accepts an origin only in the form browsers send in the Origin
// header (lower-case scheme and host, no default port, no path, ASCII host), since
// trusted origins are compared with that header byte for byte.
func parseOrigin(o string) (*url.URL, error) {
	if o == "null" {
		return nil, fmt.Errorf("origin \"null\" (sandboxed pages, file: URLs, redirects) can be sent by any page; it is never trusted")
	}
	u, err := url.Parse(o)
	if err != nil {
		return nil, fmt.Errorf("origin %q: %w", o, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("origin %q: want scheme://host[:port], scheme http or https", o)
	}
	if u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery || strings.HasSuffix(o, "#") {
		return nil, fmt.Errorf("origin %q: an origin has no user, path (not even \"/\"), query or fragment", o)
	}
	for i := 0; i < len(u.Host); i++ {
		if c := u.Host[i]; c >= 0x80 {
			return nil, fmt.Errorf("origin %q: write the host in its ASCII (punycode) form, as browsers send it", o)
		}
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if u.Scheme == "https" && port == "443" || u.Scheme == "http" && port == "80" {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	want := u.Scheme + "://" + host
	if port != "" {
		want += ":" + port
	}
	if want != o {
		return nil, fmt.Errorf("origin %q: write it as browsers send it, %q", o, want)
	}
	return u, nil
}

// siteOf returns the schemeful site of an origin, as browsers decide SameSite:
// the scheme and the registrable domain (one label more than the host's public
// suffix by psl, private suffixes such as github.io included), or the host
// itself for an IP address or a host that is itself a public suffix
// (localhost). Ports do not count. A nil psl is the list's default rule: the
// last label is the suffix.
func siteOf(u *url.URL, psl cookiejar.PublicSuffixList) string {
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if net.ParseIP(host) != nil {
		return u.Scheme + "://" + host
	}
	suffix := host[strings.LastIndexByte(host, '.')+1:]
	if psl != nil {
		suffix = psl.PublicSuffix(host)
	}
	if rest, ok := strings.CutSuffix(host, "."+suffix); ok && rest != "" {
		host = rest[strings.LastIndexByte(rest, '.')+1:] + "." + suffix
	}
	return u.Scheme + "://" + host
}

// isLoopback reports whether browsers treat host as potentially trustworthy
// (Secure cookies work over plain http there).
func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func sameSiteName(s http.SameSite) string {
	switch s {
	case http.SameSiteStrictMode:
		return "Strict"
	case http.SameSiteNoneMode:
		return "None"
	}
	return "Lax"
}

// validHeaderName reports whether s is an HTTP field name (an RFC 9110 token).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}
