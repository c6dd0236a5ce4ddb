package auth

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// MemoryThrottle is the embedded ThrottleStore: fixed-window counters in a map,
// for one instance. Expired windows are dropped by a sweep every 1,024 calls.
type MemoryThrottle struct {
	mu  sync.Mutex
	m   map[string]throttleWindow
	ops int
}

type throttleWindow struct {
	n     int
	reset time.Time
}

// NewMemoryThrottle returns an empty MemoryThrottle.
func NewMemoryThrottle() *MemoryThrottle { return &MemoryThrottle{m: map[string]throttleWindow{}} }

var _ ThrottleStore = (*MemoryThrottle)(nil)

// Failures returns key's count in its open window.
func (m *MemoryThrottle) Failures(ctx context.Context, key string, now time.Time) (int, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return 0, time.Time{}, fmt.Errorf("auth: throttle: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	w, ok := m.m[key]
	if !ok || !now.Before(w.reset) {
		return 0, time.Time{}, nil
	}
	return w.n, w.reset, nil
}

// Fail counts one failure for key.
func (m *MemoryThrottle) Fail(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return 0, time.Time{}, fmt.Errorf("auth: throttle: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(now)
	w, ok := m.m[key]
	if !ok || !now.Before(w.reset) {
		w = throttleWindow{reset: now.Add(window)}
	}
	w.n++
	m.m[key] = w
	return w.n, w.reset, nil
}

// Reset forgets key.
func (m *MemoryThrottle) Reset(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("auth: throttle: %w", err)
	}
	m.mu.Lock()
	delete(m.m, key)
	m.mu.Unlock()
	return nil
}

func (m *MemoryThrottle) sweep(now time.Time) {
	m.ops++
	if m.ops < 1024 {
		return
	}
	m.ops = 0
	for k, w := range m.m {
		if !now.Before(w.reset) {
			delete(m.m, k)
		}
	}
}
