package main

import (
	"embed"
	"io/fs"
	"net/http"
)

// pageFiles is the static page: plain HTML, CSS and JS, no build step.
//
//go:embed page
var pageFiles embed.FS

// pageCSP allows only the page's own scripts, styles and API calls, so injected
// markup cannot run script or send data elsewhere.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// pageHandler serves the embedded page at / (GET and HEAD only).
func pageHandler() http.Handler {
	sub, err := fs.Sub(pageFiles, "page")
	if err != nil {
		panic(err) // "page" is a literal embedded directory; this cannot fail
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Security-Policy", pageCSP)
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}
