//go:build race

package secretscan

// raceEnabled is true when the tests run under the race detector, which
// slows scanning too much for timing checks.
const raceEnabled = true
