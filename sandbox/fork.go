package sandbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/secretslab/workshop/sandbox/githost"
)

// Fork creates the learner's fork of the upstream repository on the sandbox
// git host, with push protection running hookCommand. It returns false when
// the fork already existed, which is not an error.
func (s *Sandbox) Fork(ctx context.Context, hookCommand []string) (created bool, err error) {
	if s.HasFork() {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(s.ForkDir()), 0o755); err != nil {
		return false, fmt.Errorf("create fork: %w", err)
	}
	err = githost.Fork(ctx, githost.ForkOptions{
		UpstreamDir: s.UpstreamDir(),
		ForkDir:     s.ForkDir(),
		HookCommand: hookCommand,
	})
	if err != nil {
		return false, fmt.Errorf("create fork: %w", err)
	}
	return true, nil
}
