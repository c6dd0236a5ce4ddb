//go:build !race

package auth

// raceEnabled: see perf_race_test.go.
const raceEnabled = false
