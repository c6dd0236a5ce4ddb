package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/text/secure/precis"
)

// Errors of the user store, for errors.Is.
var (
	// errBadCredentials: the email is unknown or the password is wrong. The two are
	// deliberately one error, so nothing downstream can tell them apart.
	errBadCredentials = errors.New("wrong email or password")
	// errNoUser: no user has this id (a token for a deleted user, for example).
	errNoUser = errors.New("no such user")
)

// user is one account of the example. Values are copied out of the store, so a
// handler never shares memory with it.
type user struct {
	ID    string // the JWT subject; stable, never the email
	Email string
	Name  string
	Roles []string
	Plan  planID
}

// hasRole reports whether u has the role.
func (u user) hasRole(role string) bool { return slices.Contains(u.Roles, role) }

// seedUser is a user of the embedded defaults, with a plain-text password that
// newUserStore hashes at start-up.
type seedUser struct {
	user
	Password string
}

// defaultUsers are the demo accounts the README shows.
var defaultUsers = []seedUser{
	{user: user{ID: "usr_alice", Email: "alice@example.com", Name: "Alice", Roles: []string{"subscriber"}, Plan: planBasic}, Password: "wonderland"},
	{user: user{ID: "usr_admin", Email: "admin@example.com", Name: "Admin", Roles: []string{"admin", "subscriber"}, Plan: planPro}, Password: "admin-pass"},
}

// record is what the store keeps per user.
type record struct {
	user
	hash []byte // bcrypt
}

// userStore is an in-memory user database with bcrypt password hashes. It is safe for
// concurrent use.
type userStore struct {
	mu        sync.RWMutex
	byID      map[string]*record
	byEmail   map[string]*record
	dummyHash []byte // compared against for unknown emails, so both paths cost the same
}

// newUserStore hashes the seed passwords with cost (bcrypt.DefaultCost in the app).
func newUserStore(seed []seedUser, cost int) (*userStore, error) {
	s := &userStore{byID: map[string]*record{}, byEmail: map[string]*record{}}
	dummy, err := bcrypt.GenerateFromPassword([]byte("not a password of anyone"), cost)
	if err != nil {
		return nil, fmt.Errorf("hash dummy password: %w", err)
	}
	s.dummyHash = dummy
	for _, su := range seed {
		h, err := bcrypt.GenerateFromPassword([]byte(su.Password), cost)
		if err != nil {
			return nil, fmt.Errorf("hash password of %s: %w", su.Email, err)
		}
		r := &record{user: su.user, hash: h}
		r.Roles = slices.Clone(su.Roles)
		if r.Email, err = normalizeEmail(su.Email); err != nil {
			return nil, fmt.Errorf("user %s: %w", su.ID, err)
		}
		if s.byEmail[r.Email] != nil {
			return nil, fmt.Errorf("user %s: email %q is another user's too", su.ID, su.Email)
		}
		s.byID[r.ID] = r
		s.byEmail[r.Email] = r
	}
	return s, nil
}

// normalizeEmail is the key an email is looked up by: surrounding spaces dropped,
// then the PRECIS UsernameCaseMapped profile of RFC 8265 (golang.org/x/text/
// secure/precis): full-width forms mapped to their usual width, Unicode's full
// lower-case mapping, NFC, and only the characters an identifier may hold (no
// spaces, controls or symbols; BiDi rule). So "Alice@Example.COM" is alice, while
// "ALİCE@example.com" (U+0130) lowers to "ali̇ce@example.com", another account:
// strings.ToLower's simple mapping would have turned it into alice. An address the
// profile refuses is an error: no account can have it.
func normalizeEmail(email string) (string, error) {
	return precis.UsernameCaseMapped.String(strings.TrimSpace(email))
}

// authenticate checks an email and password. Unknown emails still run one bcrypt
// comparison (against a dummy hash), so the response time does not tell whether the
// account exists.
func (s *userStore) authenticate(email, password string) (user, error) {
	key, err := normalizeEmail(email)
	s.mu.RLock()
	r, ok := s.byEmail[key]
	ok = ok && err == nil
	hash := s.dummyHash
	if ok {
		hash = r.hash
	}
	var u user
	if ok {
		u = r.clone()
	}
	s.mu.RUnlock()

	// bcrypt rejects passwords over 72 bytes; that is a wrong password too.
	if err := bcrypt.CompareHashAndPassword(hash, []byte(password)); err != nil || !ok {
		return user{}, errBadCredentials
	}
	return u, nil
}

// lookup returns the user with the id. It is the runtime's per-request hook, so a
// deleted user loses access at once.
func (s *userStore) lookup(_ context.Context, id string) (user, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.byID[id]
	if !ok {
		return user{}, fmt.Errorf("%w: %q", errNoUser, id)
	}
	return r.clone(), nil
}

// setPlan changes the plan of the user with the id and returns the updated user.
func (s *userStore) setPlan(id string, p planID) (user, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.byID[id]
	if !ok {
		return user{}, fmt.Errorf("%w: %q", errNoUser, id)
	}
	r.Plan = p
	return r.clone(), nil
}

// all returns every user, sorted by email.
func (s *userStore) all() []user {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]user, 0, len(s.byID))
	for _, r := range s.byID {
		out = append(out, r.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Email < out[j].Email })
	return out
}

// clone copies the user out of the store.
func (r *record) clone() user {
	u := r.user
	u.Roles = slices.Clone(r.Roles)
	return u
}
