package history

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// redirectVariables are environment variables that point git at another
// repository, object store or index. A git hook sets several of them, so
// they are removed to make every command read the repository in RepoDir.
var redirectVariables = []string{
	"GIT_DIR",
	"GIT_WORK_TREE",
	"GIT_COMMON_DIR",
	"GIT_INDEX_FILE",
	"GIT_OBJECT_DIRECTORY",
	"GIT_ALTERNATE_OBJECT_DIRECTORIES",
	"GIT_QUARANTINE_PATH",
	"GIT_NAMESPACE",
	"GIT_REPLACE_REF_BASE",
	"GIT_SHALLOW_FILE",
}

// fixedVariables make git's output stable and keep it from changing the
// repository. GIT_NO_REPLACE_OBJECTS makes git read the objects as stored
// rather than their refs/replace substitutes, and GIT_OPTIONAL_LOCKS=0 keeps
// read commands from refreshing the index.
var fixedVariables = []string{
	"GIT_NO_REPLACE_OBJECTS=1",
	"GIT_OPTIONAL_LOCKS=0",
	"GIT_TERMINAL_PROMPT=0",
	"LC_ALL=C",
}

// gitRunner runs git in one folder with a cleaned environment.
type gitRunner struct {
	bin string
	dir string
	env []string
}

func newGitRunner(bin, dir string, env []string) *gitRunner {
	if bin == "" {
		bin = "git"
	}
	if env == nil {
		env = exec.Command(bin).Environ()
	}
	clean := make([]string, 0, len(env)+len(fixedVariables))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if !isRedirectVariable(name) {
			clean = append(clean, kv)
		}
	}
	return &gitRunner{bin: bin, dir: dir, env: append(clean, fixedVariables...)}
}

func isRedirectVariable(name string) bool {
	for _, v := range redirectVariables {
		if name == v {
			return true
		}
	}
	return false
}

// output runs git with args and returns its standard output.
func (g *gitRunner) output(ctx context.Context, args ...string) ([]byte, error) {
	return g.outputWith(ctx, nil, nil, args...)
}

// outputWith runs git with extra environment variables and stdin, and
// returns its standard output.
func (g *gitRunner) outputWith(ctx context.Context, extraEnv []string, stdin []byte, args ...string) ([]byte, error) {
	var stdout bytes.Buffer
	err := g.stream(ctx, extraEnv, stdin, args, func(r *bufio.Reader) error {
		_, err := io.Copy(&stdout, r)
		return err
	})
	return stdout.Bytes(), err
}

// stream runs git and passes its standard output to consume. When consume
// fails, git is stopped and consume's error is returned.
func (g *gitRunner) stream(parent context.Context, extraEnv []string, stdin []byte, args []string, consume func(*bufio.Reader) error) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()

	cmd := exec.CommandContext(ctx, g.bin, args...)
	cmd.Dir = g.dir
	cmd.Env = append(append([]string(nil), g.env...), extraEnv...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("run git %s in %s: %w", args[0], g.dir, err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("run git %s in %s: %w", args[0], g.dir, err)
	}

	consumeErr := consume(bufio.NewReaderSize(stdout, 64<<10))
	if consumeErr != nil {
		cancel()
	} else {
		// Drain what consume left so that git does not block on a full pipe.
		_, consumeErr = io.Copy(io.Discard, stdout)
	}
	waitErr := cmd.Wait()
	if err := parent.Err(); err != nil {
		return fmt.Errorf("git %s in %s: %w", args[0], g.dir, err)
	}
	if consumeErr != nil {
		return fmt.Errorf("read output of git %s in %s: %w", args[0], g.dir, consumeErr)
	}
	return commandError(g.dir, args, waitErr, stderr.String())
}

func commandError(dir string, args []string, err error, stderr string) error {
	if err == nil {
		return nil
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		msg := strings.TrimSpace(stderr)
		if msg == "" {
			msg = exitErr.Error()
		}
		return fmt.Errorf("git %s in %s failed: %s", strings.Join(args, " "), dir, msg)
	}
	return fmt.Errorf("run git %s in %s: %w", strings.Join(args, " "), dir, err)
}
