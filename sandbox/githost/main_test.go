package githost

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/secretslab/workshop/internal/secretscan"
)

// The tests install the test binary itself as the forks' pre-receive hook.
// The hook command sets hookEnv, and TestMain then runs PreReceive on the
// hook's standard input and error instead of the tests.
const (
	hookEnv      = "GITHOST_TEST_HOOK"
	hookKnownEnv = "GITHOST_TEST_KNOWN" // file with the issued values as JSON
	hookNowEnv   = "GITHOST_TEST_NOW"   // the hook's current time, RFC 3339
)

func TestMain(m *testing.M) {
	if os.Getenv(hookEnv) == "1" {
		os.Exit(runTestHook())
	}
	// Keep the developer's git configuration out of the tests; the hook
	// inherits these too.
	for k, v := range map[string]string{
		"GIT_CONFIG_GLOBAL":   os.DevNull,
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME":     "Learner",
		"GIT_AUTHOR_EMAIL":    "learner@example.test",
		"GIT_COMMITTER_NAME":  "Learner",
		"GIT_COMMITTER_EMAIL": "learner@example.test",
	} {
		os.Setenv(k, v)
	}
	os.Exit(m.Run())
}

// runTestHook runs push protection as the workshop's hook command does and
// returns the hook's exit code: 1 when the push is blocked, 2 on an error.
func runTestHook() int {
	var known []secretscan.Value
	if path := os.Getenv(hookKnownEnv); path != "" {
		data, err := os.ReadFile(path)
		if err == nil {
			err = json.Unmarshal(data, &known)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "test hook:", err)
			return 2
		}
	}
	now := time.Now
	if s := os.Getenv(hookNowEnv); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			fmt.Fprintln(os.Stderr, "test hook:", err)
			return 2
		}
		now = func() time.Time { return t }
	}
	scanner, err := secretscan.New(secretscan.Options{Known: known})
	if err != nil {
		fmt.Fprintln(os.Stderr, "test hook:", err)
		return 2
	}
	result, err := PreReceive(context.Background(), PreReceiveOptions{
		RepoDir: ".",
		Updates: os.Stdin,
		Report:  os.Stderr,
		Scanner: scanner,
		Now:     now,
		Actor:   "learner",
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "test hook:", err)
		return 2
	}
	if result.Blocked {
		return 1
	}
	return 0
}
