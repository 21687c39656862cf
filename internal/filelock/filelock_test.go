package filelock

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestLockExcludesSecondHolder(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), ".lock")
	unlock, err := Lock(context.Background(), path, time.Second)
	if err != nil {
		t.Fatal(err)
	}

	_, err = Lock(context.Background(), path, 50*time.Millisecond)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("second Lock error = %v, want ErrTimeout", err)
	}

	unlock()
	unlock2, err := Lock(context.Background(), path, time.Second)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	unlock2()
}
