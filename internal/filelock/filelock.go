// Package filelock serializes commands that write the same sandbox, across
// processes, with an advisory lock on a file.
package filelock

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofrs/flock"
)

// ErrTimeout is returned when another process held the lock for longer than
// the caller was willing to wait.
var ErrTimeout = errors.New("timed out waiting for the lock")

// Lock takes an exclusive lock on path, creating the file if needed, and
// waits up to timeout for another holder to release it. The returned function
// releases the lock.
func Lock(ctx context.Context, path string, timeout time.Duration) (unlock func(), err error) {
	fl := flock.New(path)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	ok, err := fl.TryLockContext(ctx, 20*time.Millisecond)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		return nil, fmt.Errorf("lock %s: %w after %s: another workshop command is still running", path, ErrTimeout, timeout)
	}
	return func() { fl.Unlock() }, nil //nolint:errcheck // closing the descriptor releases the lock anyway
}
