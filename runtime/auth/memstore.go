package auth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// errRefreshDuplicate reports an Issue of a hash that is already stored. With 256-bit
// random tokens this never happens by chance, so it is treated as a store failure.
var errRefreshDuplicate = errors.New("auth: refresh token already issued")

// minSweepInterval is the fewest operations between two sweeps of expired entries.
const minSweepInterval = 64

// KeptAncestors is how many rotated tokens of one family a store keeps (MemoryStore
// and redisstore alike), beside the live one, so that memory is bounded by sessions,
// not rotations (docs/security-cases.md case 47). Any of them presented after the grace window
// is reuse and revokes the family; an ancestor older than that is unknown: 401 and
// cleared cookies, but the family lives on. With a 15-minute access TTL a client
// rotates at most every 15 minutes, so 8 ancestors cover two hours of a thief
// refreshing with a stolen token before its owner comes back.
const KeptAncestors = 8

// MemoryStore is the embedded RefreshStore: maps behind one mutex. It suits a single
// instance; tokens do not survive a restart, and several instances need a shared store
// such as runtime/redisstore.
//
// Expired tokens and families are removed by a sweep that runs once every
// max(64, tokens left by the previous sweep) operations. Each operation adds at most
// one token, so a sweep visits at most twice as many entries as operations since the
// last: O(1) amortised per call, and memory stays proportional to the live tokens. Expiry follows the clock the guard
// passes to Rotate and IssueCapped (the latest now seen), so a test clock and the
// store agree; before the first of them nothing is swept.
type MemoryStore struct {
	mu       sync.Mutex
	tokens   map[TokenHash]*memToken
	families map[string]*memFamily
	subjects map[string]map[string]struct{} // subject → its families, for RevokeSubject
	watchers map[int]func(sid string)       // Subscribe callbacks by id
	nextID   int
	seq      uint64    // families created so far: orders a subject's sessions for the cap
	now      time.Time // latest now passed to Rotate or IssueCapped: the clock for sweeps
	ops      int       // operations since the last sweep
	sweepAt  int       // ops that trigger the next sweep
}

// memToken is one stored refresh token.
type memToken struct {
	session   RefreshSession
	rotatedAt time.Time // zero while the token is active
	next      TokenHash // the successor, once rotated
}

// memFamily is what the store knows about one family as a whole.
type memFamily struct {
	subject   string
	chain     []TokenHash // issued and successor tokens, oldest first; at most KeptAncestors+1
	expiresAt time.Time   // the latest expiry of any of its tokens
	revoked   bool
	seq       uint64 // creation order, store-wide: lower is older
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		tokens:   make(map[TokenHash]*memToken),
		families: make(map[string]*memFamily),
		subjects: make(map[string]map[string]struct{}),
		watchers: make(map[int]func(string)),
	}
}

var (
	_ RefreshStore  = (*MemoryStore)(nil)
	_ SessionStates = (*MemoryStore)(nil)
	_ SessionCapper = (*MemoryStore)(nil)
)

// Issue records the first token of a new family.
func (m *MemoryStore) Issue(ctx context.Context, token TokenHash, s RefreshSession) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("auth: issue refresh token: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tick()
	return m.issue(token, s)
}

// IssueCapped is Issue that leaves at most max live sessions of s.Subject, the new
// one included, revoking the oldest; see SessionCapper. The ended sessions are
// announced to subscribers before it returns, as RevokeFamily announces.
func (m *MemoryStore) IssueCapped(ctx context.Context, token TokenHash, s RefreshSession, now time.Time, max int) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("auth: issue refresh token: %w", err)
	}
	m.mu.Lock()
	var ended []string
	defer func() { m.mu.Unlock(); m.announce(ended) }()
	if now.After(m.now) {
		m.now = now
	}
	m.tick()
	if _, ok := m.tokens[token]; ok {
		return nil, errRefreshDuplicate // before evicting: a failed login ends nothing
	}
	if max > 0 {
		ended = m.evict(s.Subject, now, max-1)
	}
	return ended, m.issue(token, s)
}

// issue records token as the first of family s.Family. Must hold m.mu.
func (m *MemoryStore) issue(token TokenHash, s RefreshSession) error {
	if _, ok := m.tokens[token]; ok {
		return errRefreshDuplicate
	}
	m.tokens[token] = &memToken{session: s}
	m.extendFamily(s.Family, s.Subject, s.ExpiresAt)
	m.chain(s.Family, token)
	return nil
}

// evict revokes the oldest live families of subject beyond keep and returns them,
// oldest first; revoked ones it meets leave the subject's index. Expired ones stay
// (uncounted) until the sweep: another instance's clock may still rotate them.
// O(sessions of subject). Must hold m.mu.
func (m *MemoryStore) evict(subject string, now time.Time, keep int) []string {
	var live []string
	for name := range m.subjects[subject] {
		f := m.families[name]
		switch {
		case f == nil || f.revoked:
			m.forget(subject, name)
		case now.Before(f.expiresAt):
			live = append(live, name)
		}
	}
	if len(live) <= keep {
		return nil
	}
	slices.SortFunc(live, func(a, b string) int { return cmp.Compare(m.families[a].seq, m.families[b].seq) })
	ended := live[:len(live)-keep]
	for _, name := range ended {
		m.families[name].revoked = true
		m.forget(subject, name)
	}
	return ended
}

// Rotate consumes old and records next as its successor; see RefreshStore.Rotate.
// With ErrRefreshReused it also returns the old token's session, so the reuse event
// can name the user.
// A different successor for a token rotated inside the grace window is treated as
// reuse: successors are derived deterministically, so a mismatch means the caller
// is not one of ours (or its keys differ), and failing closed is the safe answer.
func (m *MemoryStore) Rotate(ctx context.Context, old, next TokenHash, now time.Time, grace time.Duration, nextExpiresAt time.Time) (RefreshSession, error) {
	if err := ctx.Err(); err != nil {
		return RefreshSession{}, fmt.Errorf("auth: rotate refresh token: %w", err)
	}
	m.mu.Lock()
	var ended []string
	defer func() { m.mu.Unlock(); m.announce(ended) }()
	if now.After(m.now) {
		m.now = now
	}
	m.tick()

	t, ok := m.tokens[old]
	if !ok || !now.Before(t.session.ExpiresAt) {
		return RefreshSession{}, ErrRefreshUnknown
	}
	f := m.families[t.session.Family]
	if f == nil || f.revoked {
		return RefreshSession{}, ErrRefreshUnknown
	}
	if !t.rotatedAt.IsZero() {
		if t.next == next && now.Sub(t.rotatedAt) < grace {
			return t.session, nil
		}
		f.revoked = true
		m.forget(f.subject, t.session.Family)
		ended = append(ended, t.session.Family)
		return t.session, ErrRefreshReused // the session names whose family died, for audit
	}
	t.rotatedAt, t.next = now, next
	m.tokens[next] = &memToken{session: RefreshSession{
		Family:    t.session.Family,
		Subject:   t.session.Subject,
		ExpiresAt: nextExpiresAt,
	}}
	m.extendFamily(t.session.Family, t.session.Subject, nextExpiresAt)
	m.chain(t.session.Family, next)
	return t.session, nil
}

// RevokeFamily revokes the family token belongs to. The family's tokens stay in the
// maps, refused, until they expire: that keeps revocation O(1).
func (m *MemoryStore) RevokeFamily(ctx context.Context, token TokenHash) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("auth: revoke refresh family: %w", err)
	}
	m.mu.Lock()
	var ended []string
	defer func() { m.mu.Unlock(); m.announce(ended) }()
	m.tick()
	if t, ok := m.tokens[token]; ok {
		if f := m.families[t.session.Family]; f != nil && !f.revoked {
			f.revoked = true
			m.forget(f.subject, t.session.Family) // an ended session frees its slot
			ended = append(ended, t.session.Family)
		}
	}
	return nil
}

// extendFamily creates the family or pushes its expiry out to expiresAt.
func (m *MemoryStore) extendFamily(family, subject string, expiresAt time.Time) {
	f := m.families[family]
	if f == nil {
		m.seq++
		m.families[family] = &memFamily{subject: subject, expiresAt: expiresAt, seq: m.seq}
		if m.subjects[subject] == nil {
			m.subjects[subject] = make(map[string]struct{})
		}
		m.subjects[subject][family] = struct{}{}
		return
	}
	if expiresAt.After(f.expiresAt) {
		f.expiresAt = expiresAt
	}
}

// chain appends token to its family's chain and forgets the oldest token beyond
// KeptAncestors+1, so one session costs O(1) however often it rotates. Must hold m.mu.
func (m *MemoryStore) chain(family string, token TokenHash) {
	f := m.families[family]
	if len(f.chain) == KeptAncestors+1 {
		delete(m.tokens, f.chain[0])
		copy(f.chain, f.chain[1:])
		f.chain = f.chain[:KeptAncestors]
	}
	f.chain = append(f.chain, token)
}

// tick counts one operation and sweeps when enough have passed. Must hold m.mu.
func (m *MemoryStore) tick() {
	m.ops++
	if m.ops < max(minSweepInterval, m.sweepAt) {
		return
	}
	m.ops = 0
	if !m.now.IsZero() { // with no clock seen yet, nothing can be judged expired
		for h, t := range m.tokens {
			if !m.now.Before(t.session.ExpiresAt) {
				delete(m.tokens, h)
			}
		}
		// A family outlives its tokens (its expiry is their maximum), so a revoked
		// family's marker is only dropped once none of its tokens could be presented.
		for name, f := range m.families {
			if !m.now.Before(f.expiresAt) {
				delete(m.families, name)
				m.forget(f.subject, name)
			}
		}
	}
	// Fixed now, not len(m.tokens) at each call: that would grow as fast as ops
	// when every call adds a token, and the sweep would never come.
	m.sweepAt = len(m.tokens)
}

// Len reports how many tokens and families the store holds, expired ones included
// until the next sweep. It exists for tests and metrics.
func (m *MemoryStore) Len() (tokens, families int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.tokens), len(m.families)
}
