package auth

import "net/http"

// noStoreWriter forces "Cache-Control: no-store" on a response that carries session
// cookies, whatever Cache-Control the handler set: a shared cache that stored it
// would hand one user's tokens (or a cookie-clearing logout) to everyone. The guard
// wraps the ResponseWriter with it only when it set or cleared cookies, so the
// steady state (a valid access token) neither allocates it nor pays for it.
//
// The header is forced at every WriteHeader (1xx interim responses included), at the
// first Write or Flush, and once more after the handler returns in case it wrote
// nothing. Unwrap lets http.ResponseController reach the real writer (Hijack,
// deadlines, full duplex); Flush is passed through so streaming handlers work.
type noStoreWriter struct {
	http.ResponseWriter
	wrote bool // the final header is out: changing Header no longer matters
}

func (w *noStoreWriter) force() {
	h := w.ResponseWriter.Header()
	if v := h["Cache-Control"]; len(v) == 1 && v[0] == "no-store" {
		return // the usual case, set with the cookies: no new slice
	}
	h.Set("Cache-Control", "no-store")
}

// WriteHeader forces no-store before every status line: an interim 1xx response
// sends the header map too, and the handler may change it before the final one.
func (w *noStoreWriter) WriteHeader(code int) {
	if !w.wrote {
		w.force()
		w.wrote = code >= 200 || code == http.StatusSwitchingProtocols
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write forces no-store if it is the call that sends the header.
func (w *noStoreWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.force()
		w.wrote = true
	}
	return w.ResponseWriter.Write(b)
}

// FlushError flushes through http.ResponseController (which also finds a Flusher
// further down a chain of wrappers), forcing no-store first: a flush sends the header.
func (w *noStoreWriter) FlushError() error {
	if !w.wrote {
		w.force()
		w.wrote = true
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Flush implements http.Flusher for handlers that type-assert it.
func (w *noStoreWriter) Flush() { _ = w.FlushError() }

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *noStoreWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish runs after the handler: a handler that wrote nothing gets its response
// written by net/http from the header map as it is now.
func (w *noStoreWriter) finish() {
	if !w.wrote {
		w.force()
	}
}
