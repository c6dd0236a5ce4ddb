//go:build race

package auth

// raceEnabled: under the race detector sync.Pool drops a share of what is put back
// (on purpose, to shake out misuse), so pooled paths allocate on some calls.
const raceEnabled = true
