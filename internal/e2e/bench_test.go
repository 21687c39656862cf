package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The benchmarks time whole commands of the built binaries, the way a
// learner meets them, endpoint start included where the command starts it.
// Run them with:
//
//	go test ./internal/e2e -run '^$' -bench . -benchtime 5x

var benchSteps = []string{"hardcode", "own-keys", "fork-and-push", "store-secret", "use-secret", "rewrite-history", "push-clean", "rotate"}

// benchEnv is the environment of the benchmarked commands: the binaries
// first on PATH and a throwaway HOME.
func benchEnv(b *testing.B, home string) []string {
	b.Helper()
	return append(os.Environ(),
		"PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HOME="+home, "NO_COLOR=1", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Bench", "GIT_AUTHOR_EMAIL=bench@example.com",
		"GIT_COMMITTER_NAME=Bench", "GIT_COMMITTER_EMAIL=bench@example.com")
}

func runBin(b *testing.B, env []string, wantCode int, name string, args ...string) {
	b.Helper()
	cmd := exec.Command(filepath.Join(binDir, name), args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	code := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		code = exitErr.ExitCode()
	} else if err != nil {
		b.Fatalf("%s %v: %v", name, args, err)
	}
	if code != wantCode {
		b.Fatalf("%s %v exited %d, want %d:\n%s", name, args, code, wantCode, out)
	}
}

func BenchmarkStart(b *testing.B) {
	home := b.TempDir()
	env := benchEnv(b, home)
	for i := 0; b.Loop(); i++ {
		dir := filepath.Join(home, fmt.Sprintf("sb%d", i))
		runBin(b, env, 0, "workshop", "start", "--dir", dir)
		b.StopTimer()
		runBin(b, env, 0, "workshop", "stop", "--dir", dir)
		b.StartTimer()
	}
}

// BenchmarkCheck times `workshop check` on each step left untouched, the
// check a learner runs most often.
func BenchmarkCheck(b *testing.B) {
	for _, step := range benchSteps {
		b.Run(step, func(b *testing.B) {
			home := b.TempDir()
			env := benchEnv(b, home)
			dir := filepath.Join(home, "sb")
			runBin(b, env, 0, "workshop", "start", "--dir", dir)
			defer runBin(b, env, 0, "workshop", "stop", "--dir", dir)
			runBin(b, env, 0, "instructor", "reset", "--dir", dir, "--yes", "--to", step)
			for b.Loop() {
				runBin(b, env, 1, "workshop", "check", "--dir", dir)
			}
		})
	}
}

func BenchmarkReset(b *testing.B) {
	home := b.TempDir()
	env := benchEnv(b, home)
	dir := filepath.Join(home, "sb")
	runBin(b, env, 0, "workshop", "start", "--dir", dir)
	defer runBin(b, env, 0, "workshop", "stop", "--dir", dir)
	for b.Loop() {
		runBin(b, env, 0, "instructor", "reset", "--dir", dir, "--yes")
	}
}
