package sampleapp

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/storage/memory"
)

// runGit runs the git binary with no user or system configuration and
// returns its standard output.
func runGit(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.Output()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, exitErr.Stderr)
		}
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

func writeTestUpstream(t *testing.T) string {
	t.Helper()
	bare := filepath.Join(t.TempDir(), "sample-app.git")
	start := time.Now()
	if err := WriteUpstream(context.Background(), bare); err != nil {
		t.Fatalf("WriteUpstream: %v", err)
	}
	t.Logf("WriteUpstream took %v", time.Since(start))
	return bare
}

func TestWriteUpstreamGitLog(t *testing.T) {
	t.Parallel()
	bare := writeTestUpstream(t)
	history := History()

	log := runGit(t, "-C", bare, "log", "--format=%an <%ae>|%aI|%cI|%s", Branch)
	lines := strings.Split(strings.TrimSpace(log), "\n")
	if len(lines) != len(history) {
		t.Fatalf("git log shows %d commits, want %d:\n%s", len(lines), len(history), log)
	}
	for i, line := range lines {
		c := history[len(history)-1-i]
		date := c.When.Format(time.RFC3339)
		want := c.AuthorName + " <" + c.AuthorEmail + ">|" + date + "|" + date + "|" + firstLine(c.Message)
		if line != want {
			t.Errorf("git log line %d = %q, want %q", i+1, line, want)
		}
	}
}

func TestWriteUpstreamFsck(t *testing.T) {
	t.Parallel()
	bare := writeTestUpstream(t)
	runGit(t, "-C", bare, "fsck", "--strict", "--no-dangling")

	if head := strings.TrimSpace(runGit(t, "-C", bare, "symbolic-ref", "HEAD")); head != "refs/heads/"+Branch {
		t.Errorf("HEAD = %q, want refs/heads/%s", head, Branch)
	}
	if bareFlag := strings.TrimSpace(runGit(t, "-C", bare, "rev-parse", "--is-bare-repository")); bareFlag != "true" {
		t.Errorf("rev-parse --is-bare-repository = %q, want true", bareFlag)
	}
	if branches := strings.TrimSpace(runGit(t, "-C", bare, "branch", "--format=%(refname)")); branches != "refs/heads/"+Branch {
		t.Errorf("branches = %q, want only refs/heads/%s", branches, Branch)
	}
}

func TestWriteUpstreamCommitTrees(t *testing.T) {
	t.Parallel()
	bare := writeTestUpstream(t)
	history := History()

	for i, c := range history {
		rev := Branch + "~" + strconv.Itoa(len(history)-1-i)
		listed := strings.Fields(runGit(t, "-C", bare, "ls-tree", "-r", "--name-only", rev))
		if len(listed) != len(c.Files) {
			t.Errorf("commit %d: tree lists %d files, want %d: %v", i+1, len(listed), len(c.Files), listed)
		}
		for path, want := range c.Files {
			if got := runGit(t, "-C", bare, "show", rev+":"+path); got != want {
				t.Errorf("commit %d: %s differs from History", i+1, path)
			}
		}
	}
}

func TestWriteUpstreamClone(t *testing.T) {
	t.Parallel()
	bare := writeTestUpstream(t)
	work := filepath.Join(t.TempDir(), "app")
	runGit(t, "clone", "--quiet", bare, work)

	if branch := strings.TrimSpace(runGit(t, "-C", work, "branch", "--show-current")); branch != Branch {
		t.Errorf("clone is on branch %q, want %q", branch, Branch)
	}
	if status := runGit(t, "-C", work, "status", "--porcelain"); status != "" {
		t.Errorf("fresh clone is not clean:\n%s", status)
	}
	content, err := os.ReadFile(filepath.Join(work, ConfigFile))
	if err != nil {
		t.Fatalf("read %s in clone: %v", ConfigFile, err)
	}
	if want := finalFile(ConfigFile); string(content) != want {
		t.Errorf("%s in clone differs from Files()", ConfigFile)
	}
}

func TestWriteUpstreamDeterministic(t *testing.T) {
	t.Parallel()
	first := strings.TrimSpace(runGit(t, "-C", writeTestUpstream(t), "rev-parse", Branch))
	second := strings.TrimSpace(runGit(t, "-C", writeTestUpstream(t), "rev-parse", Branch))
	if first != second {
		t.Errorf("two upstreams have different heads: %s and %s", first, second)
	}
}

func TestWriteUpstreamExistingRepository(t *testing.T) {
	t.Parallel()
	bare := writeTestUpstream(t)
	err := WriteUpstream(context.Background(), bare)
	if !errors.Is(err, git.ErrRepositoryAlreadyExists) {
		t.Fatalf("second WriteUpstream error = %v, want git.ErrRepositoryAlreadyExists", err)
	}
	if !strings.Contains(err.Error(), bare) {
		t.Errorf("error %q does not name %s", err, bare)
	}
}

func TestWriteUpstreamCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := WriteUpstream(ctx, filepath.Join(t.TempDir(), "sample-app.git"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("WriteUpstream error = %v, want context.Canceled", err)
	}
}

func TestWriteTreeInvalidPath(t *testing.T) {
	t.Parallel()
	tests := map[string]map[string]string{
		"leading slash": {"/app.py": ""},
		"empty segment": {"templates//index.html": ""},
		"dot dot":       {"../app.py": ""},
		"trailing":      {"templates/": ""},
		"file and dir":  {"templates": "", "templates/index.html": ""},
	}
	for name, files := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			repo, err := git.Init(memory.NewStorage(), nil)
			if err != nil {
				t.Fatalf("init memory repository: %v", err)
			}
			if _, err := writeTree(repo.Storer, files); err == nil {
				t.Errorf("writeTree(%v) succeeded, want an error", files)
			}
		})
	}
}

func BenchmarkWriteUpstream(b *testing.B) {
	dir := b.TempDir()
	for i := 0; b.Loop(); i++ {
		if err := WriteUpstream(context.Background(), filepath.Join(dir, strconv.Itoa(i))); err != nil {
			b.Fatal(err)
		}
	}
}
