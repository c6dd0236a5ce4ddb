package auth

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"
)

// TestEventMessage: the constant slog message of every event kind is "auth " and
// the kind, as it was when it was built by concatenation.
func TestEventMessage(t *testing.T) {
	for _, k := range []EventKind{EventLogin, EventRefresh, EventReuseDetected, EventRejected, EventForbidden,
		EventCSRF, EventUnavailable, EventInternal, EventLogout, EventKind("future")} {
		if got := k.message(); got != "auth "+string(k) {
			t.Errorf("%s: message %q", k, got)
		}
	}
}

// TestEventLogLine: an event is logged at its level with the event's time, the
// constant message and the four attributes, and without a source.
func TestEventLogLine(t *testing.T) {
	var buf bytes.Buffer
	at := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	a := &Authenticator[*testUser]{log: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{AddSource: true})),
		now: func() time.Time { return at }}
	a.emit(context.Background(), Event{Kind: EventRefresh, Reason: ReasonStateless, Subject: "alice"})
	a.emit(context.Background(), Event{Kind: EventRejected, Reason: ReasonExpired}) // debug: not enabled
	want := `time=2026-12-07T06:00:00.000Z level=INFO msg="auth refresh" reason=stateless operation="" subject=alice scheme=""` + "\n"
	if buf.String() != want {
		t.Errorf("logged\n%q\nwant\n%q", buf.String(), want)
	}
}
