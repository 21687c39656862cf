package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// latency is the median time of a one-commit push to a fork with the
// workshop's pre-receive hook and to one without.
type latency struct {
	withHook, without time.Duration
}

// hook returns the time the hook adds to a push.
func (l latency) hook() time.Duration { return l.withHook - l.without }

// newSandbox creates the sandbox whose issued values and learner the hook
// reads, and stops its AWS endpoint, which the hook does not use.
func (t *tools) newSandbox(ctx context.Context, dir string) error {
	if _, _, _, _, err := t.runTimed(ctx, []int{0}, t.workshop, "start", "--dir", dir, "--learner", "bench"); err != nil {
		return err
	}
	_, _, _, _, err := t.runTimed(ctx, []int{0}, t.workshop, "stop", "--dir", dir)
	return err
}

// hookLatency clones repo into a fork with the hook, a fork without it and
// a source of new commits, then pushes runs new commits, one at a time, to
// both forks.
func (t *tools) hookLatency(ctx context.Context, dir, repo, sandboxDir string, runs int) (latency, error) {
	hooked, plain, work := filepath.Join(dir, "hooked.git"), filepath.Join(dir, "plain.git"), filepath.Join(dir, "work.git")
	for _, clone := range []string{hooked, plain, work} {
		if err := t.git(ctx, "", "clone", "--quiet", "--bare", repo, clone); err != nil {
			return latency{}, err
		}
	}
	if err := t.installHook(hooked, sandboxDir); err != nil {
		return latency{}, err
	}
	var withHook, without []time.Duration
	for i := range runs {
		if err := t.newCommit(ctx, work, i); err != nil {
			return latency{}, err
		}
		for _, fork := range []string{hooked, plain} {
			start := time.Now()
			if err := t.git(ctx, "", "--git-dir", work, "push", "--quiet", fork, "main"); err != nil {
				return latency{}, err
			}
			if fork == hooked {
				withHook = append(withHook, time.Since(start))
			} else {
				without = append(without, time.Since(start))
			}
		}
	}
	return latency{withHook: median(withHook), without: median(without)}, nil
}

// installHook writes the pre-receive hook that `workshop fork` installs.
func (t *tools) installHook(fork, sandboxDir string) error {
	script := fmt.Sprintf("#!/bin/sh\nexec '%s' hook pre-receive --dir '%s'\n", t.workshop, sandboxDir)
	if err := os.WriteFile(filepath.Join(fork, "hooks", "pre-receive"), []byte(script), 0o755); err != nil {
		return fmt.Errorf("install the hook in %s: %w", fork, err)
	}
	return os.MkdirAll(filepath.Join(fork, "push-protection"), 0o755)
}

// newCommit adds to main in the bare repository work a commit that changes
// one small file, with git's plumbing commands.
func (t *tools) newCommit(ctx context.Context, work string, i int) error {
	index := filepath.Join(filepath.Dir(work), "bench-index")
	content := fmt.Sprintf("package bench\n\n// Change is the number of this change.\nconst Change = %d\n", i)
	blob, err := t.gitOutput(ctx, nil, content, "--git-dir", work, "hash-object", "-w", "--stdin", "--path", "bench/change.go")
	if err != nil {
		return err
	}
	env := []string{"GIT_INDEX_FILE=" + index}
	steps := [][]string{
		{"--git-dir", work, "read-tree", "main"},
		{"--git-dir", work, "update-index", "--add", "--cacheinfo", "100644," + blob + ",bench/change.go"},
	}
	for _, args := range steps {
		if _, err := t.gitOutput(ctx, env, "", args...); err != nil {
			return err
		}
	}
	tree, err := t.gitOutput(ctx, env, "", "--git-dir", work, "write-tree")
	if err != nil {
		return err
	}
	commit, err := t.gitOutput(ctx, nil, "", "--git-dir", work, "commit-tree", tree, "-p", "main", "-m", fmt.Sprintf("Change %d", i))
	if err != nil {
		return err
	}
	return t.git(ctx, "", "--git-dir", work, "update-ref", "refs/heads/main", commit)
}

// gitOutput runs git with args, extra environment env and standard input
// stdin, and returns its output without surrounding white space.
func (t *tools) gitOutput(ctx context.Context, env []string, stdin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Env = append(append(slices.Clone(t.env), identity...), env...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out)), nil
}

func (t *tools) git(ctx context.Context, dir string, args ...string) error {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Env = append(slices.Clone(t.env), identity...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// identity names the author and committer of the benchmark's commits.
var identity = []string{
	"GIT_AUTHOR_NAME=Bench", "GIT_AUTHOR_EMAIL=bench@example.test",
	"GIT_COMMITTER_NAME=Bench", "GIT_COMMITTER_EMAIL=bench@example.test",
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
