package cmdutil

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/secretslab/workshop/internal/gitcmd"
	"github.com/secretslab/workshop/lessons"
	"github.com/secretslab/workshop/sandbox"
	"github.com/secretslab/workshop/sandbox/endpoint"
)

// Factory carries the dependencies of every command. Fields that are
// functions are evaluated only by the commands that need them.
type Factory struct {
	IO *IOStreams
	// AppName is the binary's name as the user types it, for messages.
	AppName string
	Getenv  func(string) string
	Getwd   func() (string, error)
	Environ func() []string
	Now     func() time.Time
	// Executable returns the path of the running binary, which hooks and the
	// endpoint process run again.
	Executable func() (string, error)
	Git        gitcmd.Runner
	Logger     *slog.Logger
	// Workshop loads the lessons: embedded, or from WORKSHOP_LESSONS_DIR for authors.
	Workshop func() (*lessons.Workshop, error)
}

// NewFactory returns the Factory of a real process.
func NewFactory(appName string) *Factory {
	f := &Factory{
		AppName:    appName,
		Getenv:     os.Getenv,
		Getwd:      os.Getwd,
		Environ:    os.Environ,
		Now:        time.Now,
		Executable: os.Executable,
	}
	f.IO = System(f.Getenv)
	f.Logger = newLogger(f.IO.ErrOut, f.Getenv("WORKSHOP_DEBUG") != "")
	f.Workshop = func() (*lessons.Workshop, error) {
		if dir := f.Getenv("WORKSHOP_LESSONS_DIR"); dir != "" {
			return lessons.LoadDir(dir)
		}
		return lessons.Embedded()
	}
	return f
}

func newLogger(w io.Writer, debug bool) *slog.Logger {
	level := slog.LevelWarn
	if debug {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// Sandbox finds the sandbox from dir, else WORKSHOP_DIR, else the current
// folder and its parents.
func (f *Factory) Sandbox(dir string) (*sandbox.Sandbox, error) {
	if dir == "" {
		dir = f.Getenv("WORKSHOP_DIR")
	}
	if dir != "" {
		return sandbox.Open(dir)
	}
	wd, err := f.Getwd()
	if err != nil {
		return nil, fmt.Errorf("find sandbox: %w", err)
	}
	return sandbox.Find(wd)
}

// SelfCommand returns the command line that runs this binary with args,
// for hooks and background processes.
func (f *Factory) SelfCommand(args ...string) ([]string, error) {
	exe, err := f.Executable()
	if err != nil {
		return nil, fmt.Errorf("locate the running binary: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return append([]string{exe}, args...), nil
}

// EnsureEndpoint starts the sandbox's local AWS endpoint when it is not
// running and returns its URL. In real-AWS mode it does nothing.
func (f *Factory) EnsureEndpoint(ctx context.Context, sb *sandbox.Sandbox) (string, error) {
	if sb.Config.AWSMode != sandbox.AWSLocal {
		return "", nil
	}
	command, err := f.SelfCommand("endpoint", "serve", "--dir", sb.Dir)
	if err != nil {
		return "", err
	}
	url, err := endpoint.Ensure(ctx, endpoint.EnsureOptions{
		Dir:       sb.AWSDir(),
		Port:      sb.Config.AWSPort,
		SandboxID: sb.Config.ID,
		Command:   command,
	})
	if err != nil {
		return "", fmt.Errorf("start the local AWS endpoint: %w", err)
	}
	return url, nil
}

// Heredoc removes the common leading indentation of a raw string literal, so
// help text can be indented with the code.
func Heredoc(s string) string {
	lines := strings.Split(strings.TrimLeft(strings.TrimRight(s, " \t\n"), "\n"), "\n")
	indent := -1
	for _, line := range lines {
		if strings.TrimSpace(line) == "" {
			continue
		}
		n := len(line) - len(strings.TrimLeft(line, " \t"))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	for i, line := range lines {
		switch {
		case strings.TrimSpace(line) == "":
			lines[i] = ""
		case indent > 0:
			lines[i] = line[indent:]
		}
	}
	return strings.Join(lines, "\n") + "\n"
}
