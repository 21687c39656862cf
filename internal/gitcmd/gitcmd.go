// Package gitcmd runs the git binary and turns its failures into errors that
// name the command, the folder and git's own message.
package gitcmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// ErrNotInstalled is returned when no git binary is found on PATH.
var ErrNotInstalled = errors.New("git is not installed or not on PATH")

// Error is a git command that ran and failed.
type Error struct {
	Dir      string
	Args     []string
	ExitCode int
	Stderr   string
}

func (e *Error) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if msg == "" {
		msg = fmt.Sprintf("exit status %d", e.ExitCode)
	}
	return fmt.Sprintf("git %s (in %s): %s", strings.Join(e.Args, " "), e.Dir, msg)
}

// Runner runs git in a folder with an optional extra environment.
type Runner struct {
	// Git is the binary to run; empty means "git" from PATH.
	Git string
	// Env is added to the process environment of every command.
	Env []string
}

// LookPath returns the git binary's path, or an error wrapping ErrNotInstalled.
func (r Runner) LookPath() (string, error) {
	name := r.Git
	if name == "" {
		name = "git"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%w: install git, or add it to PATH, then run the command again", ErrNotInstalled)
	}
	return path, nil
}

// Run runs git with args in dir and returns its standard output.
func (r Runner) Run(ctx context.Context, dir string, args ...string) (string, error) {
	out, err := r.RunBytes(ctx, dir, nil, args...)
	return string(out), err
}

// RunBytes runs git with args in dir, feeding stdin when it is not nil, and
// returns its standard output.
func (r Runner) RunBytes(ctx context.Context, dir string, stdin []byte, args ...string) ([]byte, error) {
	bin, err := r.LookPath()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	if len(r.Env) > 0 {
		cmd.Env = append(cmd.Environ(), r.Env...)
	}
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr

	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return stdout.Bytes(), &Error{Dir: dir, Args: args, ExitCode: exitErr.ExitCode(), Stderr: stderr.String()}
		}
		return stdout.Bytes(), fmt.Errorf("run git %s in %s: %w", strings.Join(args, " "), dir, err)
	}
	return stdout.Bytes(), nil
}

// Output runs git and returns its standard output without surrounding white space.
func (r Runner) Output(ctx context.Context, dir string, args ...string) (string, error) {
	out, err := r.Run(ctx, dir, args...)
	return strings.TrimSpace(out), err
}

// ExitCode returns the exit code of a failed git command, or -1 when err is
// not a git failure.
func ExitCode(err error) int {
	var gitErr *Error
	if errors.As(err, &gitErr) {
		return gitErr.ExitCode
	}
	return -1
}
