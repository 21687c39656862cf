package cmdutil

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/secretslab/workshop/internal/gitcmd"
	"github.com/secretslab/workshop/sandbox"
)

func TestExitCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{&ExitError{Code: ExitNotYet}, ExitNotYet},
		{fmt.Errorf("wrapped: %w", &ExitError{Code: ExitNotYet}), ExitNotYet},
		{errors.New("boom"), ExitFailure},
		{&FlagError{Err: errors.New("bad flag")}, ExitFailure},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err); got != tt.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestPrintErrorNextStep(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("open: %w", sandbox.ErrNotFound), "workshop start"},
		{fmt.Errorf("read: %w", sandbox.ErrCorrupt), "instructor reset"},
		{gitcmd.ErrNotInstalled, "Install it"},
		{&FlagError{Err: errors.New("unknown flag: --x")}, "--help"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		PrintError(&buf, "workshop", tt.err)
		if !strings.Contains(buf.String(), tt.want) {
			t.Errorf("PrintError(%v) = %q, want it to mention %q", tt.err, buf.String(), tt.want)
		}
	}
}

func TestPrintErrorSilent(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	PrintError(&buf, "workshop", &ExitError{Code: 1})
	PrintError(&buf, "workshop", nil)
	if buf.Len() != 0 {
		t.Errorf("PrintError printed %q", buf.String())
	}
}

func TestHeredoc(t *testing.T) {
	t.Parallel()
	got := Heredoc(`
		first
		  indented

		last
	`)
	want := "first\n  indented\n\nlast\n"
	if got != want {
		t.Errorf("Heredoc = %q, want %q", got, want)
	}
}
