package redisstore_test

import (
	"context"
	"encoding/binary"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/specgate/specgate/runtime/auth"
	"github.com/specgate/specgate/runtime/auth/storetest"
	"github.com/specgate/specgate/runtime/redisstore"
)

// stores runs fn once with each store: the embedded one and Redis.
func stores(b *testing.B, fn func(b *testing.B, s auth.RefreshStore)) {
	b.Run("memory", func(b *testing.B) { fn(b, auth.NewMemoryStore()) })
	b.Run("redis", func(b *testing.B) {
		srv := startRedis(b)
		fn(b, redisstore.New(srv.Client(b), redisstore.Options{KeyPrefix: uniquePrefix()}))
	})
}

// BenchmarkRefresh measures the guard's refresh path, one request at a time: an
// expired access cookie and a live refresh cookie come in; the store rotates, the
// user is looked up, a new access token is minted and both cookies are set. Each
// iteration presents the refresh token the previous one received.
func BenchmarkRefresh(b *testing.B) {
	stores(b, func(b *testing.B, store auth.RefreshStore) {
		key, err := auth.HMACKey("k1", "HS256", []byte("0123456789abcdef0123456789abcdef"))
		if err != nil {
			b.Fatal(err)
		}
		clk := newClock()
		a, err := auth.New(auth.Config[string]{
			Issuer: "https://specgate.test", Audience: "api", SigningKey: key, Store: store,
			Lookup:   func(_ context.Context, sub string) (string, error) { return sub, nil },
			Insecure: true, Now: clk.Now, Logger: slog.New(slog.DiscardHandler),
		})
		if err != nil {
			b.Fatal(err)
		}
		h := a.Wrap(auth.Route{Method: "GET", Pattern: "/me", Auth: auth.Required},
			http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))

		rec := httptest.NewRecorder()
		if err := a.Login(rec, httptest.NewRequest("POST", "/login", nil), "alice"); err != nil {
			b.Fatal(err)
		}
		access, refresh := cookieValue(rec.Header(), "access"), cookieValue(rec.Header(), "refresh")
		clk.Advance(auth.DefaultAccessTTL + time.Minute) // the access cookie stays expired

		req := httptest.NewRequest("GET", "/me", nil)
		b.ReportAllocs()
		for b.Loop() {
			req.Header.Set("Cookie", "access="+access+"; refresh="+refresh)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("refresh: %d %s", rec.Code, rec.Body)
			}
			refresh = cookieValue(rec.Header(), "refresh")
		}
	})
}

// BenchmarkRotate measures the store alone: one Rotate of a live token. The clock
// moves 1ms per rotation and tokens live 1s, so expired ones are swept as they
// would be in a service and the store stays small.
func BenchmarkRotate(b *testing.B) {
	stores(b, func(b *testing.B, s auth.RefreshStore) {
		ctx := b.Context()
		now := time.Now()
		cur := storetest.Hash(b)
		if err := s.Issue(ctx, cur, auth.RefreshSession{Family: "f", Subject: "alice", ExpiresAt: now.Add(time.Second)}); err != nil {
			b.Fatal(err)
		}
		next := storetest.Hash(b)
		b.ReportAllocs()
		for i := uint64(0); b.Loop(); i++ {
			binary.LittleEndian.PutUint64(next[:], i) // distinct successors, no hashing cost
			if _, err := s.Rotate(ctx, cur, next, now, 30*time.Second, now.Add(time.Second)); err != nil {
				b.Fatal(err)
			}
			cur, now = next, now.Add(time.Millisecond)
		}
	})
}

// cookieValue finds name's value among a response's Set-Cookie headers.
func cookieValue(h http.Header, name string) string {
	for _, line := range h.Values("Set-Cookie") {
		if v, ok := strings.CutPrefix(line, name+"="); ok {
			v, _, _ = strings.Cut(v, ";")
			return v
		}
	}
	return ""
}
