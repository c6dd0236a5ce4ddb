package auth

import (
	"context"
	"fmt"
)

// Revoked reports whether session sid (a family) has ended: revoked, or no longer
// known (expired and swept, or never issued). See SessionStates.
func (m *MemoryStore) Revoked(ctx context.Context, sid string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("auth: session state: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.families[sid]
	return f == nil || f.revoked || (!m.now.IsZero() && !m.now.Before(f.expiresAt)), nil
}

// Subscribe calls revoked, in process, for every family this store revokes until
// ctx ends. Callbacks run synchronously after the revoking call has released the
// store's lock, before that call returns: an Authenticator sharing the store
// refuses the session's access tokens as soon as Logout returns.
func (m *MemoryStore) Subscribe(ctx context.Context, revoked func(sid string)) error {
	m.mu.Lock()
	id := m.nextID
	m.nextID++
	m.watchers[id] = revoked
	m.mu.Unlock()
	<-ctx.Done()
	m.mu.Lock()
	delete(m.watchers, id)
	m.mu.Unlock()
	return ctx.Err()
}

// RevokeSubject revokes every family of subject.
func (m *MemoryStore) RevokeSubject(ctx context.Context, subject string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("auth: revoke subject: %w", err)
	}
	m.mu.Lock()
	var ended []string
	for name := range m.subjects[subject] {
		if f := m.families[name]; f != nil && !f.revoked {
			f.revoked = true
			ended = append(ended, name)
		}
		m.forget(subject, name) // revoked now or before: nothing left to do for it
	}
	m.mu.Unlock()
	m.announce(ended)
	return nil
}

// announce tells every subscriber about ended families. Must not hold m.mu.
func (m *MemoryStore) announce(ended []string) {
	if len(ended) == 0 {
		return
	}
	m.mu.Lock()
	ws := make([]func(string), 0, len(m.watchers))
	for _, w := range m.watchers {
		ws = append(ws, w)
	}
	m.mu.Unlock()
	for _, w := range ws {
		for _, sid := range ended {
			w(sid)
		}
	}
}

// forget drops family from subject's index. Must hold m.mu.
func (m *MemoryStore) forget(subject, family string) {
	fams := m.subjects[subject]
	delete(fams, family)
	if len(fams) == 0 {
		delete(m.subjects, subject)
	}
}
