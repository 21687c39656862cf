package githost

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secretslab/workshop/internal/keys"
	"github.com/secretslab/workshop/internal/secretscan"
)

// forge is an upstream repository, a fork of it with push protection, and a
// learner's clone of the fork, all in a test's temporary folder.
type forge struct {
	t        *testing.T
	dir      string
	upstream string
	fork     string
	work     string
	known    string    // file holding the issued values the hook searches for
	now      time.Time // the hook's clock
}

func newForge(t *testing.T, known ...secretscan.Value) *forge {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	f := &forge{
		t:        t,
		dir:      dir,
		upstream: filepath.Join(dir, "upstream", "sample-app.git"),
		fork:     filepath.Join(dir, "learner", "sample-app.git"),
		work:     filepath.Join(dir, "app"),
		known:    filepath.Join(dir, "known.json"),
		now:      time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
	}
	f.setKnown(known)
	ctx := context.Background()
	if err := CreateBare(ctx, f.upstream); err != nil {
		t.Fatal(err)
	}
	f.seedUpstream()
	if err := Fork(ctx, ForkOptions{UpstreamDir: f.upstream, ForkDir: f.fork, HookCommand: f.hookCommand()}); err != nil {
		t.Fatal(err)
	}
	f.git(dir, "clone", "--quiet", f.fork, f.work)
	return f
}

// seedUpstream gives the upstream a short history of a clean app.
func (f *forge) seedUpstream() {
	seed := filepath.Join(f.dir, "seed")
	f.git(f.dir, "clone", "--quiet", f.upstream, seed)
	f.writeIn(seed, "README.md", "# Sample app\n")
	f.git(seed, "add", "-A")
	f.git(seed, "commit", "--quiet", "-m", "Start the sample app")
	f.writeIn(seed, "app.py", "import config\n\nprint(config.REGION)\n")
	f.writeIn(seed, "config.py", "REGION = \"eu-west-1\"\n")
	f.git(seed, "add", "-A")
	f.git(seed, "commit", "--quiet", "-m", "Add the app")
	f.git(seed, "push", "--quiet", "origin", "HEAD:main")
}

// hookCommand runs the test binary as the hook, with the forge's clock.
func (f *forge) hookCommand() []string {
	exe, err := os.Executable()
	if err != nil {
		f.t.Fatal(err)
	}
	env, err := exec.LookPath("env")
	if err != nil {
		f.t.Fatal(err)
	}
	return []string{env, hookEnv + "=1", hookKnownEnv + "=" + f.known, hookNowEnv + "=" + f.now.Format(time.RFC3339), exe}
}

func (f *forge) clock() time.Time { return f.now }

// setClock sets the hook's clock for the pushes that follow.
func (f *forge) setClock(now time.Time) {
	f.t.Helper()
	f.now = now
	if err := InstallHook(f.fork, f.hookCommand()); err != nil {
		f.t.Fatal(err)
	}
}

func (f *forge) setKnown(values []secretscan.Value) {
	data, err := json.Marshal(values)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(f.known, data, 0o600); err != nil {
		f.t.Fatal(err)
	}
}

// git runs git in dir and returns its trimmed standard output.
func (f *forge) git(dir string, args ...string) string {
	f.t.Helper()
	out, err := f.tryGit(dir, args...)
	if err != nil {
		f.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(out)
}

func (f *forge) tryGit(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (f *forge) writeIn(dir, path, content string) {
	f.t.Helper()
	full := filepath.Join(dir, path)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

// write writes a file of the learner's clone.
func (f *forge) write(path, content string) { f.t.Helper(); f.writeIn(f.work, path, content) }

// commit commits every change in the learner's clone and returns the
// commit id.
func (f *forge) commit(message string) string {
	f.t.Helper()
	f.git(f.work, "add", "-A")
	f.git(f.work, "commit", "--quiet", "-m", message)
	return f.git(f.work, "rev-parse", "HEAD")
}

// push pushes the clone's HEAD to the fork's main and returns git's output
// and whether the push was accepted.
func (f *forge) push() (string, bool) {
	f.t.Helper()
	return f.pushRefs("HEAD:main")
}

// pushRefs pushes refspecs from the clone to the fork.
func (f *forge) pushRefs(refspecs ...string) (string, bool) {
	f.t.Helper()
	out, err := f.tryGit(f.work, append([]string{"push", "origin"}, refspecs...)...)
	return out, err == nil
}

// forkHas reports whether the fork's object store holds object id.
func (f *forge) forkHas(id string) bool {
	_, err := f.tryGit(f.dir, "--git-dir", f.fork, "cat-file", "-e", id)
	return err == nil
}

func (f *forge) events() []Event {
	f.t.Helper()
	events, err := ReadEvents(f.fork)
	if err != nil {
		f.t.Fatal(err)
	}
	return events
}

func (f *forge) lastEvent() Event {
	f.t.Helper()
	events := f.events()
	if len(events) == 0 {
		f.t.Fatal("no push recorded in the events file")
	}
	return events[len(events)-1]
}

// Fake secrets are built at run time from pieces, so that no scanner finds
// them in the repository.

func fakePair(t *testing.T) keys.Pair {
	t.Helper()
	p, err := keys.NewPair(nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func fakeGitHubToken(t *testing.T) string {
	t.Helper()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	var b strings.Builder
	for range 36 {
		i, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			t.Fatal(err)
		}
		b.WriteByte(alphabet[i.Int64()])
	}
	return "gh" + "p_" + b.String()
}

// configWithPair returns config.py holding an access key pair on lines 3
// and 4.
func configWithPair(p keys.Pair) string {
	return "REGION = \"eu-west-1\"\n\nAWS_ACCESS_KEY_ID = \"" + p.ID + "\"\nAWS_SECRET_ACCESS_KEY = \"" + p.Secret + "\"\n"
}

// remoteLines returns the lines git printed from the hook, without their
// "remote: " prefix.
func remoteLines(out string) string {
	var lines []string
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "remote: "); ok {
			lines = append(lines, strings.TrimRight(rest, " "))
		} else if line == "remote:" {
			lines = append(lines, "")
		}
	}
	return strings.Join(lines, "\n")
}
