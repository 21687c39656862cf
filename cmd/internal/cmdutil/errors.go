package cmdutil

import (
	"errors"
	"fmt"
	"io"

	"github.com/secretslab/workshop/internal/gitcmd"
	"github.com/secretslab/workshop/sandbox"
)

// Exit codes shared by both binaries.
const (
	ExitOK = 0
	// ExitNotYet means the learner's step is not done yet, or an instructor
	// test found a step that is not proven.
	ExitNotYet = 1
	// ExitError means the tool could not do its work: bad input, a broken
	// sandbox, a missing git, an endpoint that is down.
	ExitFailure = 2
)

// ExitError ends a command with Code after the command has printed its own
// output, so PrintError adds nothing for it.
type ExitError struct {
	Code int
}

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// FlagError is a usage mistake; Main prints the error and the usage hint.
type FlagError struct {
	Err error
}

func (e *FlagError) Error() string { return e.Err.Error() }

func (e *FlagError) Unwrap() error { return e.Err }

// ExitCode maps the error a command returned to the process exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var exitErr *ExitError
	if errors.As(err, &exitErr) {
		return exitErr.Code
	}
	return ExitFailure
}

// PrintError writes err to w with a hint for the next step when one is known.
// It prints nothing for an ExitError.
func PrintError(w io.Writer, cmdName string, err error) {
	if err == nil {
		return
	}
	var exitErr *ExitError
	if errors.As(err, &exitErr) {
		return
	}
	fmt.Fprintf(w, "%s: %v\n", cmdName, err)
	if hint := nextStep(err); hint != "" {
		fmt.Fprintf(w, "%s\n", hint)
	}
	var flagErr *FlagError
	if errors.As(err, &flagErr) {
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", cmdName)
	}
}

func nextStep(err error) string {
	switch {
	case errors.Is(err, sandbox.ErrNotFound):
		return "Run `workshop start` to create a sandbox, or pass --dir (or set WORKSHOP_DIR) to use an existing one."
	case errors.Is(err, sandbox.ErrCorrupt):
		return "Rebuild the sandbox with `instructor reset --yes`, adding `--to STEP` to skip back to the step you were on (see `workshop status` in a healthy sandbox for the ids). It archives the current one first, so nothing is lost."
	case errors.Is(err, gitcmd.ErrNotInstalled):
		return "The workshop drives the real git binary. Install it (for example `apt-get install git`) and try again."
	}
	return ""
}
