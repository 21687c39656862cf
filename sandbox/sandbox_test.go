package sandbox

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secretslab/workshop/internal/gitcmd"
)

func requireGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
}

func newTestSandbox(t *testing.T) *Sandbox {
	t.Helper()
	requireGit(t)
	dir := filepath.Join(t.TempDir(), "sb")
	sb, err := Create(context.Background(), CreateOptions{Dir: dir, Learner: "ada", AWSPort: 40000})
	if err != nil {
		t.Fatal(err)
	}
	return sb
}

func TestCreateLayout(t *testing.T) {
	t.Parallel()
	sb := newTestSandbox(t)
	for _, path := range []string{
		filepath.Join(sb.Dir, ConfigFile), sb.ProgressPath(), sb.AWSStatePath(),
		sb.AWSConfigFile(), sb.AWSCredentialsFile(), filepath.Join(sb.AppDir(), "config.py"),
		filepath.Join(sb.UpstreamDir(), "HEAD"),
	} {
		if _, err := os.Stat(path); err != nil {
			t.Errorf("missing %s: %v", path, err)
		}
	}
	if sb.HasFork() {
		t.Error("a new sandbox has a fork")
	}
	info, err := os.Stat(sb.AWSCredentialsFile())
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("credentials file mode = %v, want 0600", info.Mode().Perm())
	}
}

func TestCreateCloneOriginIsUpstream(t *testing.T) {
	t.Parallel()
	sb := newTestSandbox(t)
	origin, err := gitcmd.Runner{}.Output(context.Background(), sb.AppDir(), "remote", "get-url", "origin")
	if err != nil {
		t.Fatal(err)
	}
	if origin != sb.UpstreamURL() {
		t.Errorf("origin = %s, want %s", origin, sb.UpstreamURL())
	}
}

func TestCreateFakeKeysDiffer(t *testing.T) {
	t.Parallel()
	a, b := newTestSandbox(t), newTestSandbox(t)
	if a.Config.FakeAccessKeyID == b.Config.FakeAccessKeyID {
		t.Error("two sandboxes got the same fake key id")
	}
	if a.Config.ID == b.Config.ID {
		t.Error("two sandboxes got the same id")
	}
}

func TestCreateRejectsExistingSandbox(t *testing.T) {
	t.Parallel()
	sb := newTestSandbox(t)
	_, err := Create(context.Background(), CreateOptions{Dir: sb.Dir, AWSPort: 40000})
	if !errors.Is(err, ErrExists) {
		t.Fatalf("Create on a sandbox: error = %v, want ErrExists", err)
	}
}

func TestCreateRejectsNonEmptyFolder(t *testing.T) {
	t.Parallel()
	requireGit(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Create(context.Background(), CreateOptions{Dir: dir, AWSPort: 40000})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("error = %v, want a not-empty error", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Errorf("the learner's file is gone: %v", err)
	}
}

func TestCreateRejectsBadLearner(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"Ada", "-ada", "a b", "a/b", strings.Repeat("a", 40)} {
		_, err := Create(context.Background(), CreateOptions{Dir: t.TempDir(), Learner: name, AWSPort: 40000})
		if !errors.Is(err, ErrInvalidLearner) {
			t.Errorf("learner %q: error = %v, want ErrInvalidLearner", name, err)
		}
	}
}

func TestFindFromSubfolder(t *testing.T) {
	t.Parallel()
	sb := newTestSandbox(t)
	found, err := Find(filepath.Join(sb.AppDir(), ".git"))
	if err != nil {
		t.Fatal(err)
	}
	if found.Dir != sb.Dir {
		t.Errorf("Find = %s, want %s", found.Dir, sb.Dir)
	}
}

func TestFindOutsideSandbox(t *testing.T) {
	t.Parallel()
	_, err := Find(t.TempDir())
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("error = %v, want ErrNotFound", err)
	}
}

func TestOpenCorruptConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(dir)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("error = %v, want ErrCorrupt", err)
	}
}

func TestProgressConcurrentUpdates(t *testing.T) {
	t.Parallel()
	sb := newTestSandbox(t)
	const writers = 20
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			err := sb.UpdateProgress(context.Background(), func(p *Progress) error {
				p.Step("hardcode").Attempts++
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()

	p, err := sb.LoadProgress()
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Step("hardcode").Attempts; got != writers {
		t.Errorf("attempts = %d, want %d: an update was lost", got, writers)
	}
}

func TestProgressCorrupt(t *testing.T) {
	t.Parallel()
	sb := newTestSandbox(t)
	if err := os.WriteFile(sb.ProgressPath(), []byte(`{"format_version": 1, "steps": {`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := sb.LoadProgress()
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("error = %v, want ErrCorrupt", err)
	}
	err = sb.UpdateProgress(context.Background(), func(*Progress) error { return nil })
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("update error = %v, want ErrCorrupt", err)
	}
}

func TestArchiveRestores(t *testing.T) {
	t.Parallel()
	sb := newTestSandbox(t)
	marker := filepath.Join(sb.AppDir(), "my-work.txt")
	if err := os.WriteFile(marker, []byte("unsaved work"), 0o644); err != nil {
		t.Fatal(err)
	}
	archive, err := Archive(sb.Dir, time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(sb.Dir); err != nil {
		t.Fatal(err)
	}

	// The command starts with `workshop stop`, which this test has no binary
	// for and needs none of: no endpoint runs here.
	restore := RestoreCommand(sb.Dir, archive)
	if !strings.HasPrefix(restore, "workshop stop --dir ") {
		t.Fatalf("restore command %q does not stop the endpoint first", restore)
	}
	_, untar, _ := strings.Cut(restore, "; ")
	cmd := exec.Command("sh", "-c", untar)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	got, err := os.ReadFile(marker)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "unsaved work" {
		t.Errorf("restored file = %q", got)
	}
	if _, err := Open(sb.Dir); err != nil {
		t.Errorf("restored sandbox does not open: %v", err)
	}
}

func TestChildEnvDropsLearnerAWS(t *testing.T) {
	t.Parallel()
	sb := &Sandbox{Dir: "/sb", Config: Config{AWSMode: AWSLocal, AWSPort: 4566, AWSRegion: "us-east-1", AWSProfile: "workshop"}}
	env := sb.ChildEnv([]string{"PATH=/bin", "AWS_ACCESS_KEY_ID=mine", "AWS_PROFILE=prod", "WORKSHOP_DIR=/other"})
	joined := strings.Join(env, "\n")
	for _, unwanted := range []string{"AWS_ACCESS_KEY_ID=mine", "AWS_PROFILE=prod", "WORKSHOP_DIR=/other"} {
		if strings.Contains(joined, unwanted) {
			t.Errorf("child env keeps %s", unwanted)
		}
	}
	for _, wanted := range []string{"PATH=/bin", "AWS_PROFILE=workshop", "AWS_ENDPOINT_URL=http://127.0.0.1:4566", "WORKSHOP_DIR=/sb", "AWS_CONFIG_FILE=/sb/aws/config"} {
		if !strings.Contains(joined, wanted) {
			t.Errorf("child env lacks %s", wanted)
		}
	}
}
