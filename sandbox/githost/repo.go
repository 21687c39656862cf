package githost

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/secretslab/workshop/internal/atomicfile"
	"github.com/secretslab/workshop/internal/gitcmd"
)

// ProtectionDir is the folder inside a fork that holds push protection's
// records.
const ProtectionDir = "push-protection"

// ErrRepoExists is returned when CreateBare or Fork is asked to create a
// repository in a folder that already exists.
var ErrRepoExists = errors.New("repository folder already exists")

// ForkOptions configure Fork.
type ForkOptions struct {
	// UpstreamDir is the bare repository to fork.
	UpstreamDir string
	// ForkDir is the folder of the new bare repository; it must not exist.
	ForkDir string
	// HookCommand is the program and arguments the pre-receive hook runs,
	// for example [/abs/workshop hook pre-receive --dir /abs/sandbox]. The
	// hook passes its standard input through.
	HookCommand []string
}

// CreateBare creates an empty bare repository in dir with main as its
// default branch.
func CreateBare(ctx context.Context, dir string) error {
	if err := ensureAbsent(dir); err != nil {
		return err
	}
	if _, err := (gitcmd.Runner{}).Run(ctx, ".", "init", "--quiet", "--bare", "--initial-branch=main", dir); err != nil {
		return fmt.Errorf("create bare repository %s: %w", dir, err)
	}
	return nil
}

// Fork clones the upstream repository bare into opts.ForkDir, installs a
// pre-receive hook that runs opts.HookCommand, and creates the fork's
// push-protection folder.
func Fork(ctx context.Context, opts ForkOptions) error {
	if len(opts.HookCommand) == 0 {
		return fmt.Errorf("fork %s: missing hook command", opts.UpstreamDir)
	}
	if err := ensureAbsent(opts.ForkDir); err != nil {
		return err
	}
	if _, err := (gitcmd.Runner{}).Run(ctx, ".", "clone", "--quiet", "--bare", opts.UpstreamDir, opts.ForkDir); err != nil {
		return fmt.Errorf("fork %s into %s: %w", opts.UpstreamDir, opts.ForkDir, err)
	}
	if err := InstallHook(opts.ForkDir, opts.HookCommand); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(opts.ForkDir, ProtectionDir), 0o755); err != nil {
		return fmt.Errorf("fork %s: %w", opts.UpstreamDir, err)
	}
	return nil
}

// InstallHook writes repoDir/hooks/pre-receive as a shell script that runs
// command with every argument quoted, replacing any hook already there.
func InstallHook(repoDir string, command []string) error {
	quoted := make([]string, len(command))
	for i, arg := range command {
		quoted[i] = shellQuote(arg)
	}
	script := "#!/bin/sh\n" +
		"# Push protection: scans what a push adds and rejects secrets.\n" +
		"exec " + strings.Join(quoted, " ") + "\n"
	hooks := filepath.Join(repoDir, "hooks")
	if err := os.MkdirAll(hooks, 0o755); err != nil {
		return fmt.Errorf("install pre-receive hook in %s: %w", repoDir, err)
	}
	if err := atomicfile.WriteFile(filepath.Join(hooks, "pre-receive"), []byte(script), 0o755); err != nil {
		return fmt.Errorf("install pre-receive hook in %s: %w", repoDir, err)
	}
	return nil
}

// shellQuote quotes s for a POSIX shell. Inside single quotes nothing is
// special, so each single quote in s ends the quoted text, is written
// escaped with a backslash, and starts new quoted text.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func ensureAbsent(dir string) error {
	_, err := os.Lstat(dir)
	switch {
	case err == nil:
		return fmt.Errorf("%w: %s", ErrRepoExists, dir)
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("check %s: %w", dir, err)
	}
	return nil
}
