package main

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/specgate/specgate/runtime/auth"
	"golang.org/x/crypto/bcrypt"
)

func TestAuthenticate(t *testing.T) {
	s, err := newUserStore(defaultUsers, bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		email, password string
		wantID          string // "" means refused
	}{
		{"alice@example.com", "wonderland", "usr_alice"},
		{"  Alice@Example.COM", "wonderland", "usr_alice"},
		{"admin@example.com", "admin-pass", "usr_admin"},
		{"alice@example.com", "Wonderland", ""},
		{"alice@example.com", "", ""},
		{"alice@example.com", "wonderland" + strings.Repeat("x", 100), ""}, // over bcrypt's 72 bytes
		{"admin@example.com", "wonderland", ""},                            // another user's password
		{"nobody@example.com", "wonderland", ""},
		{"", "", ""},
	} {
		u, err := s.authenticate(tc.email, tc.password)
		switch {
		case tc.wantID == "" && !errors.Is(err, errBadCredentials):
			t.Errorf("authenticate(%q, %q) = %v, %v; want errBadCredentials", tc.email, tc.password, u.ID, err)
		case tc.wantID != "" && (err != nil || u.ID != tc.wantID):
			t.Errorf("authenticate(%q, %q) = %v, %v; want %s", tc.email, tc.password, u.ID, err, tc.wantID)
		}
	}

	// The runtime's hook: an unknown subject is auth.ErrUserNotFound (401, not 503).
	if _, err := s.lookupForAuth(context.Background(), "usr_gone"); !errors.Is(err, auth.ErrUserNotFound) {
		t.Errorf("lookup of an unknown id: %v, want auth.ErrUserNotFound", err)
	}
	// Values are copies: changing one does not change the store.
	u, _ := s.lookup(context.Background(), "usr_admin")
	u.Roles[0] = "root"
	if again, _ := s.lookup(context.Background(), "usr_admin"); again.Roles[0] != "admin" {
		t.Errorf("store shares memory with callers: roles %v", again.Roles)
	}
}

func TestSigningKeyFromEnv(t *testing.T) {
	t.Setenv(keyEnv, base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")))
	a, err := newApp(config{BcryptCost: bcrypt.MinCost})
	if err != nil || a == nil {
		t.Fatalf("newApp with a configured key: %v", err)
	}
	t.Setenv(keyEnv, base64.StdEncoding.EncodeToString([]byte("short")))
	if _, err := newApp(config{BcryptCost: bcrypt.MinCost}); err == nil || !strings.Contains(err.Error(), keyEnv) {
		t.Errorf("newApp with a 5-byte key: %v, want an error naming %s", err, keyEnv)
	}
}

// BenchmarkAuthenticate shows that an unknown email costs about as much as a wrong
// password for a known one (both run one bcrypt comparison at the default cost).
func BenchmarkAuthenticate(b *testing.B) {
	s, err := newUserStore(defaultUsers, bcrypt.DefaultCost)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, email string }{
		{"known-email", "alice@example.com"},
		{"unknown-email", "nobody@example.com"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.authenticate(bc.email, "wrong password"); err == nil {
					b.Fatal("accepted a wrong password")
				}
			}
		})
	}
}

// TestNormalizeEmail: lookups fold case the way Unicode does (PRECIS
// UsernameCaseMapped), not by strings.ToLower's simple mapping.
func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{
		"Alice@Example.COM":        "alice@example.com",
		" alice@example.com\t":     "alice@example.com",
		"ALİCE@example.com":        "ali\u0307ce@example.com", // U+0130 lowers to i + combining dot above
		"ＡＬＩＣＥ@ｅｘａｍｐｌｅ.ｃｏｍ":        "alice@example.com",       // full-width forms are the same letters
		"ÉLODIE@example.com":       "élodie@example.com",
		"E\u0301LODIE@example.com": "élodie@example.com", // NFC: decomposed and precomposed agree
		"STRASSE@example.com":      "strasse@example.com",
		"STRAßE@example.com":       "straße@example.com", // lower-casing, not case folding: ß stays
	} {
		got, err := normalizeEmail(in)
		if err != nil || got != want {
			t.Errorf("normalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"alice @example.com", "alice@example.com\u200b", "alice\x00@example.com", "\u202eliceA@example.com"} {
		if got, err := normalizeEmail(in); err == nil {
			t.Errorf("normalizeEmail(%q) = %q, want an error", in, got)
		}
	}

	s, err := newUserStore(defaultUsers, bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	for email, wantID := range map[string]string{
		"ALİCE@example.com":       "", // not alice: the bug strings.ToLower had
		"alİce@example.com":       "",
		"ＡＬＩＣＥ@example.com":       "usr_alice",
		"alice@example.com\u200b": "", // refused by the profile, still a plain wrong password
	} {
		u, err := s.authenticate(email, "wonderland")
		if wantID == "" && !errors.Is(err, errBadCredentials) || wantID != "" && (err != nil || u.ID != wantID) {
			t.Errorf("authenticate(%q) = %q, %v; want %q", email, u.ID, err, wantID)
		}
	}

	dup := []seedUser{defaultUsers[0], {user: user{ID: "usr_other", Email: "ALICE@example.com"}, Password: "x"}}
	if _, err := newUserStore(dup, bcrypt.MinCost); err == nil || !strings.Contains(err.Error(), "another user's") {
		t.Errorf("two seed users with one email: %v", err)
	}
}
