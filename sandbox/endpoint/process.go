package endpoint

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/secretslab/workshop/internal/filelock"
)

const (
	// startTimeout is how long Ensure waits for a started endpoint to respond.
	startTimeout = 5 * time.Second
	// stopTimeout is how long Stop waits after SIGTERM before SIGKILL.
	stopTimeout  = 5 * time.Second
	pollInterval = 50 * time.Millisecond
	lockTimeout  = 15 * time.Second
)

// EnsureOptions configures Ensure.
type EnsureOptions struct {
	// Dir is the sandbox's aws/ folder.
	Dir string
	// Port is the loopback port of the endpoint.
	Port int
	// SandboxID is the id the endpoint must report on its health path.
	SandboxID string
	// Command starts the endpoint, for example
	// [/path/to/workshop endpoint serve --dir SANDBOX].
	Command []string
}

// Ensure returns the URL of this sandbox's endpoint, starting it first when
// it does not respond. The process runs detached in its own session, with
// stdin from /dev/null and its output appended to endpoint.log. A lock file
// in Dir keeps concurrent calls from starting two processes. When the port
// is held by something else, the error wraps ErrPortInUse.
func Ensure(ctx context.Context, opts EnsureOptions) (string, error) {
	if err := opts.validate(); err != nil {
		return "", err
	}
	url := URL(opts.Port)
	if running, err := responding(ctx, opts); running || err != nil {
		return url, err
	}

	unlock, err := filelock.Lock(ctx, filepath.Join(opts.Dir, lockFile), lockTimeout)
	if err != nil {
		return "", fmt.Errorf("start AWS endpoint: %w", err)
	}
	defer unlock()
	if running, err := responding(ctx, opts); running || err != nil {
		return url, err
	}
	if !portFree(opts.Port) {
		return "", fmt.Errorf("start AWS endpoint: %w", portInUse(opts.Port))
	}
	if err := start(ctx, opts); err != nil {
		return "", err
	}
	return url, nil
}

func (o EnsureOptions) validate() error {
	switch {
	case o.Dir == "":
		return errors.New("start AWS endpoint: missing folder")
	case o.Port < 1 || o.Port > 65535:
		return fmt.Errorf("start AWS endpoint: invalid port %d: want 1-65535", o.Port)
	case o.SandboxID == "":
		return errors.New("start AWS endpoint: missing sandbox id")
	case len(o.Command) == 0:
		return errors.New("start AWS endpoint: missing command")
	}
	return nil
}

// responding reports whether this sandbox's endpoint responds on the port. A
// response from anything else is ErrPortInUse, and so is a listener that
// accepts the connection but does not respond in time.
func responding(ctx context.Context, opts EnsureOptions) (bool, error) {
	id, err := Health(ctx, URL(opts.Port))
	switch {
	case err == nil && id == opts.SandboxID:
		return true, nil
	case err == nil || errors.Is(err, ErrNotEndpoint) || (errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil):
		return false, fmt.Errorf("start AWS endpoint: %w", portInUse(opts.Port))
	}
	return false, nil
}

// start runs the command detached and waits until the endpoint responds.
func start(ctx context.Context, opts EnsureOptions) error {
	logPath := filepath.Join(opts.Dir, LogFile)
	logFile, err := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("start AWS endpoint: open log: %w", err)
	}
	defer logFile.Close()

	cmd := exec.Command(opts.Command[0], opts.Command[1:]...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start AWS endpoint %s: %w", opts.Command[0], err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	if err := waitReady(ctx, opts, exited); err != nil {
		cmd.Process.Signal(syscall.SIGTERM) //nolint:errcheck // the process may already have exited
		return fmt.Errorf("start AWS endpoint: %w; see %s", err, logPath)
	}
	return nil
}

// waitReady polls the health path until the endpoint responds, the process
// exits or startTimeout passes.
func waitReady(ctx context.Context, opts EnsureOptions, exited <-chan error) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	for {
		id, err := Health(ctx, URL(opts.Port))
		switch {
		case err == nil && id == opts.SandboxID:
			return nil
		case err == nil || errors.Is(err, ErrNotEndpoint):
			return portInUse(opts.Port)
		}
		select {
		case err := <-exited:
			return fmt.Errorf("the endpoint process exited before it responded (%v)", err)
		case <-ctx.Done():
			return fmt.Errorf("the endpoint did not respond on %s within %s", URL(opts.Port), startTimeout)
		case <-time.After(pollInterval):
		}
	}
}

// Stop ends the endpoint recorded in dir's endpoint.json with SIGTERM, then
// SIGKILL if it has not exited after a few seconds, and removes the file. It
// returns nil when no endpoint runs.
func Stop(ctx context.Context, dir string) error {
	info, err := ReadInfo(dir)
	if isNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("stop AWS endpoint: %w", err)
	}
	defer removeInfo(dir, info.PID)
	if info.PID <= 0 || !alive(info.PID) {
		return nil
	}
	if err := syscall.Kill(info.PID, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("stop AWS endpoint (pid %d): %w", info.PID, err)
	}
	if waitExit(ctx, info.PID, stopTimeout) {
		return nil
	}
	syscall.Kill(info.PID, syscall.SIGKILL) //nolint:errcheck // the process may have exited meanwhile
	if !waitExit(ctx, info.PID, time.Second) {
		return fmt.Errorf("stop AWS endpoint: process %d is still running after SIGKILL", info.PID)
	}
	return nil
}

// alive reports whether process pid runs. A zombie counts as gone: the
// endpoint is detached, so its reaper is whatever init the machine has, and
// some container inits never reap.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true // no procfs: trust the signal check
	}
	// The state follows the command name, which is in parentheses and may
	// itself contain spaces or parentheses.
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z'
	}
	return true
}

// waitExit polls until process pid is gone or the timeout passes.
func waitExit(ctx context.Context, pid int, timeout time.Duration) bool {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for alive(pid) {
		select {
		case <-ctx.Done():
			return !alive(pid)
		case <-time.After(pollInterval):
		}
	}
	return true
}
