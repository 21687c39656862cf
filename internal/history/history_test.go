package history

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/secretslab/workshop/internal/keys"
	"github.com/secretslab/workshop/internal/secretscan"
)

// fixture is a key pair and a git environment with a fixed identity and no
// user or system configuration.
type fixture struct {
	t       *testing.T
	id      string
	secret  string
	env     []string
	matcher *secretscan.Matcher
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	pair, err := keys.NewPair(nil)
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	env := append(os.Environ(),
		"HOME="+home,
		"GIT_CONFIG_GLOBAL="+filepath.Join(home, ".gitconfig"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Workshop Learner",
		"GIT_AUTHOR_EMAIL=learner@workshop.test",
		"GIT_COMMITTER_NAME=Workshop Learner",
		"GIT_COMMITTER_EMAIL=learner@workshop.test",
		"GIT_EDITOR=true",
	)
	return &fixture{
		t:      t,
		id:     pair.ID,
		secret: pair.Secret,
		env:    env,
		matcher: secretscan.NewMatcher([]secretscan.Value{
			{Label: "access key id", Value: pair.ID},
			{Label: "secret access key", Value: pair.Secret},
		}),
	}
}

// configPy returns a config.py that contains the key pair.
func (f *fixture) configPy() string {
	return fmt.Sprintf("AWS_ACCESS_KEY_ID = %q\nAWS_SECRET_ACCESS_KEY = %q\n", f.id, f.secret)
}

// cleanConfigPy is config.py after the learner moved the keys out.
const cleanConfigPy = "import os\n\nAWS_ACCESS_KEY_ID = os.environ[\"AWS_ACCESS_KEY_ID\"]\n"

// git runs git in dir and returns its trimmed output.
func (f *fixture) git(dir string, args ...string) string {
	f.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = f.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		f.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, f.redact(string(out)))
	}
	return strings.TrimSpace(string(out))
}

// redact hides the key pair in text that a failing test prints.
func (f *fixture) redact(text string) string {
	text = strings.ReplaceAll(text, f.id, keys.Redact(f.id))
	return strings.ReplaceAll(text, f.secret, keys.Redact(f.secret))
}

// newRepo creates a work-tree repository with one commit of a clean
// config.py and returns its folder.
func (f *fixture) newRepo() string {
	f.t.Helper()
	dir := filepath.Join(f.t.TempDir(), "app")
	f.git(f.t.TempDir(), "init", "-q", "-b", "main", dir)
	f.commitFile(dir, "config.py", cleanConfigPy, "add config")
	return dir
}

func (f *fixture) write(dir, name, content string) {
	f.t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

// commitFile writes one file, commits it and returns the commit id.
func (f *fixture) commitFile(dir, name, content, message string) string {
	f.t.Helper()
	f.write(dir, name, content)
	f.git(dir, "add", "--", name)
	f.git(dir, "commit", "-q", "-m", message)
	return f.git(dir, "rev-parse", "HEAD")
}

// inspect runs Inspect and checks that the report contains no whole value.
func (f *fixture) inspect(dir string) *Report {
	f.t.Helper()
	report, err := Inspect(context.Background(), Options{RepoDir: dir, Matcher: f.matcher, Env: f.env})
	if err != nil {
		f.t.Fatalf("Inspect: %v", err)
	}
	text, err := json.Marshal(report)
	if err != nil {
		f.t.Fatal(err)
	}
	if f.matcher.Contains(text) {
		f.t.Errorf("report contains a whole key: %s", f.redact(string(text)))
	}
	return report
}

// findHit returns the first hit in place that matches every non-empty field
// of want.
func findHit(r *Report, place Place, want Hit) (Hit, bool) {
	for _, h := range r.Place(place).Hits {
		if (want.Ref == "" || h.Ref == want.Ref) &&
			(want.Object == "" || h.Object == want.Object) &&
			(want.Commit == "" || h.Commit == want.Commit) &&
			(want.Path == "" || h.Path == want.Path) &&
			(want.Label == "" || h.Label == want.Label) &&
			(want.Encoding == "" || h.Encoding == want.Encoding) {
			return h, true
		}
	}
	return Hit{}, false
}

func requireHit(t *testing.T, r *Report, place Place, want Hit) Hit {
	t.Helper()
	h, ok := findHit(r, place, want)
	if !ok {
		t.Fatalf("no %s hit like %+v; report:\n%s", place, want, describe(r))
	}
	return h
}

func requireClean(t *testing.T, r *Report, places ...Place) {
	t.Helper()
	for _, p := range places {
		if !r.Clean(p) {
			t.Errorf("%s is not clean; report:\n%s", p, describe(r))
		}
	}
}

// requireOnlyDirty checks that exactly the given places have hits.
func requireOnlyDirty(t *testing.T, r *Report, dirty ...Place) {
	t.Helper()
	for _, p := range Places() {
		isDirty := !r.Clean(p)
		want := false
		for _, d := range dirty {
			want = want || d == p
		}
		if isDirty != want {
			t.Errorf("%s clean = %v, want %v; report:\n%s", p, !isDirty, !want, describe(r))
		}
	}
}

func describe(r *Report) string {
	var b strings.Builder
	for _, p := range r.Places {
		fmt.Fprintf(&b, "  %s: clean=%v warning=%v purge=%q note=%q\n", p.Place, p.Clean, p.Warning, p.Purge, p.Note)
		for _, h := range p.Hits {
			fmt.Fprintf(&b, "    ref=%q object=%.12s commit=%.12s path=%q %s/%s\n", h.Ref, h.Object, h.Commit, h.Path, h.Label, h.Encoding)
		}
	}
	return b.String()
}

func TestInspectOldBranchCommit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	f.commitFile(dir, "config.py", f.configPy(), "configure aws")
	newest := f.commitFile(dir, "README.md", "# app\n", "add readme")
	f.commitFile(dir, "config.py", cleanConfigPy, "read keys from the environment")

	r := f.inspect(dir)

	requireOnlyDirty(t, r, Branches)
	blob := f.git(dir, "rev-parse", newest+":config.py")
	for _, label := range []string{"access key id", "secret access key"} {
		requireHit(t, r, Branches, Hit{
			Ref: "refs/heads/main", Object: blob, Commit: newest,
			Path: "config.py", Label: label, Encoding: secretscan.EncodingRaw,
		})
	}
	if p := r.Place(Branches); p.Warning || !strings.Contains(p.Purge, "refs/heads/main") {
		t.Errorf("branches warning = %v, purge = %q, want a failure whose purge names refs/heads/main", p.Warning, p.Purge)
	}
}

func TestInspectAnnotatedTagMessage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	head := f.git(dir, "rev-parse", "HEAD")
	f.git(dir, "tag", "-a", "v1.0", "-m", "release with key "+f.id)

	r := f.inspect(dir)

	requireOnlyDirty(t, r, Tags)
	tag := f.git(dir, "rev-parse", "refs/tags/v1.0")
	requireHit(t, r, Tags, Hit{
		Ref: "refs/tags/v1.0", Object: tag, Commit: head,
		Path: PathTagMessage, Label: "access key id",
	})
	if got := r.Place(Tags).Purge; !strings.Contains(got, "git tag -d v1.0") {
		t.Errorf("tags purge = %q, want git tag -d v1.0", got)
	}
}

func TestInspectOlderStashEntry(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	f.write(dir, ".env", "AWS_SECRET_ACCESS_KEY="+f.secret+"\n")
	f.git(dir, "stash", "push", "-q", "--include-untracked", "-m", "keys")
	f.write(dir, "config.py", cleanConfigPy+"DEBUG = True\n")
	f.git(dir, "stash", "push", "-q", "-m", "debug")

	r := f.inspect(dir)

	requireOnlyDirty(t, r, Stash)
	h := requireHit(t, r, Stash, Hit{Ref: "stash@{1}", Path: ".env", Label: "secret access key"})
	if untracked := f.git(dir, "rev-parse", "stash@{1}^3"); h.Commit != untracked {
		t.Errorf("hit commit = %.12s, want the untracked-files commit %.12s", h.Commit, untracked)
	}
	if _, ok := findHit(r, Stash, Hit{Ref: "stash@{0}"}); ok {
		t.Errorf("stash@{0} has a hit, want only stash@{1}:\n%s", describe(r))
	}
	if got := r.Place(Stash).Purge; !strings.Contains(got, "git stash drop stash@{1}") {
		t.Errorf("stash purge = %q, want git stash drop stash@{1}", got)
	}
}

func TestInspectNote(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	f.git(dir, "notes", "add", "-m", "deployed with "+f.secret, "HEAD")

	r := f.inspect(dir)

	requireOnlyDirty(t, r, Notes)
	requireHit(t, r, Notes, Hit{
		Ref: "refs/notes/commits", Commit: f.git(dir, "rev-parse", "refs/notes/commits"),
		Path: f.git(dir, "rev-parse", "HEAD"), Label: "secret access key",
	})
}

func TestInspectFilterBranchBackup(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	leaked := f.commitFile(dir, "config.py", f.configPy(), "configure aws")
	f.git(dir, "update-ref", "refs/original/refs/heads/main", leaked)
	f.git(dir, "reset", "-q", "--hard", "HEAD~1")
	f.commitFile(dir, "README.md", "# app\n", "add readme")
	f.git(dir, "pack-refs", "--all")

	r := f.inspect(dir)

	// The reflog reaches the leaked commit too, but a ref keeps it, so it
	// is reported under other refs only.
	requireOnlyDirty(t, r, OtherRefs)
	requireHit(t, r, OtherRefs, Hit{Ref: "refs/original/refs/heads/main", Commit: leaked, Path: "config.py"})
	if got := r.Place(OtherRefs).Purge; got != "git update-ref -d refs/original/refs/heads/main" {
		t.Errorf("other refs purge = %q", got)
	}
}

func TestInspectReplaceRef(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	original := f.git(dir, "rev-parse", "HEAD")
	f.git(dir, "switch", "-q", "--orphan", "scratch")
	replacement := f.commitFile(dir, "config.py", f.configPy(), "configure aws")
	f.git(dir, "switch", "-q", "main")
	f.git(dir, "replace", original, replacement)
	f.git(dir, "branch", "-q", "-D", "scratch")
	f.git(dir, "reflog", "expire", "--expire=now", "--all")

	r := f.inspect(dir)

	// main is searched as stored, so the key shows up only under the
	// replace ref that substitutes the leaked commit.
	requireOnlyDirty(t, r, OtherRefs)
	requireHit(t, r, OtherRefs, Hit{Ref: "refs/replace/" + original, Commit: replacement, Path: "config.py"})
}

func TestInspectReflogOnly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	leaked := f.commitFile(dir, "config.py", f.configPy(), "configure aws")
	f.git(dir, "reset", "-q", "--hard", "HEAD~1")

	r := f.inspect(dir)

	requireOnlyDirty(t, r, Reflog)
	for _, ref := range []string{"HEAD@{1}", "refs/heads/main@{1}", "ORIG_HEAD"} {
		requireHit(t, r, Reflog, Hit{Ref: ref, Commit: leaked, Path: "config.py", Label: "secret access key"})
	}
	p := r.Place(Reflog)
	if !p.Warning || p.Purge != reflogPurge {
		t.Errorf("reflog warning = %v, purge = %q, want a warning with %q", p.Warning, p.Purge, reflogPurge)
	}
	if !r.Clean(Branches, Tags, Stash, Notes, OtherRefs) {
		t.Error("Clean(refs places) = false, want true")
	}
	if r.Clean() {
		t.Error("Clean() = true, want false")
	}
}

func TestInspectUnreachableBeforeGC(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	f.commitFile(dir, "config.py", f.configPy(), "configure aws")
	blob := f.git(dir, "rev-parse", "HEAD:config.py")
	f.write(dir, "config.py", cleanConfigPy+"REGION = \"eu-west-1\"\n")
	f.git(dir, "commit", "-q", "--amend", "-a", "-m", "configure aws")
	f.git(dir, "reflog", "expire", "--expire=now", "--all")

	r := f.inspect(dir)

	requireOnlyDirty(t, r, Unreachable)
	requireHit(t, r, Unreachable, Hit{Object: blob, Commit: blob, Label: "access key id"})
	if p := r.Place(Unreachable); !p.Warning || p.Purge != "git gc --prune=now" {
		t.Errorf("unreachable warning = %v, purge = %q, want a warning with git gc --prune=now", p.Warning, p.Purge)
	}
}

func TestInspectStagedOnly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	f.write(dir, "config.py", f.configPy())
	f.git(dir, "add", "config.py")
	staged := f.git(dir, "rev-parse", ":config.py")
	f.write(dir, "config.py", cleanConfigPy)

	r := f.inspect(dir)

	// git gc keeps staged blobs, so the blob is not reported as unreachable.
	requireOnlyDirty(t, r, Index)
	requireHit(t, r, Index, Hit{Ref: "index", Object: staged, Path: "config.py", Label: "secret access key"})
}

func TestInspectCommitEditMessage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	f.write(dir, ".git/COMMIT_EDITMSG", "use key "+f.id+"\n# Please enter the commit message\n")

	r := f.inspect(dir)

	requireOnlyDirty(t, r, GitDirectory)
	requireHit(t, r, GitDirectory, Hit{Path: "COMMIT_EDITMSG", Label: "access key id"})
}

func TestInspectStoppedRebase(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	base := f.git(dir, "rev-parse", "HEAD")
	f.commitFile(dir, "config.py", f.configPy(), "configure aws")
	f.commitFile(dir, "README.md", "# app\n", "add readme")
	f.env = append(f.env, "GIT_SEQUENCE_EDITOR=sed -i -e 1s/^pick/edit/")
	f.git(dir, "rebase", "-q", "-i", base)

	r := f.inspect(dir)

	requireHit(t, r, GitDirectory, Hit{Path: "rebase-merge/patch", Label: "secret access key"})
	// The stopped rebase leaves HEAD detached at the leaked commit.
	requireHit(t, r, OtherRefs, Hit{Ref: "HEAD", Path: "config.py"})
	if got := r.Place(GitDirectory).Purge; !strings.Contains(got, "git rebase --abort") {
		t.Errorf("git directory purge = %q, want git rebase --abort", got)
	}
}

func TestInspectIgnoredEnvFile(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	f.commitFile(dir, ".gitignore", ".env\n", "ignore .env")
	f.write(dir, ".env", "AWS_ACCESS_KEY_ID="+f.id+"\nAWS_SECRET_ACCESS_KEY="+f.secret+"\n")

	r := f.inspect(dir)

	requireOnlyDirty(t, r, WorkingTree)
	requireHit(t, r, WorkingTree, Hit{Path: ".env", Label: "access key id"})
	requireHit(t, r, WorkingTree, Hit{Path: ".env", Label: "secret access key"})
}

func TestInspectCommitMessage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	commit := f.commitFile(dir, "README.md", "# app\n", "rotate key "+f.id)

	r := f.inspect(dir)

	requireHit(t, r, Branches, Hit{Ref: "refs/heads/main", Object: commit, Commit: commit, Path: PathCommitMessage})
	// git writes the subject into the reflog entry and COMMIT_EDITMSG too.
	requireHit(t, r, Reflog, Hit{Ref: "HEAD@{0}", Path: PathReflogEntry})
	requireHit(t, r, GitDirectory, Hit{Path: "COMMIT_EDITMSG"})
}

func TestInspectAuthorField(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	f.write(dir, "README.md", "# app\n")
	f.git(dir, "add", "README.md")
	f.git(dir, "commit", "-q", "-m", "add readme", "--author", "Learner <"+f.id+"@workshop.test>")

	r := f.inspect(dir)

	requireHit(t, r, Branches, Hit{Path: PathAuthor, Label: "access key id"})
}

func TestInspectFileName(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	commit := f.commitFile(dir, "keys/"+f.id+".txt", "rotated\n", "add key notes")

	r := f.inspect(dir)

	tree := f.git(dir, "rev-parse", commit+":keys")
	requireHit(t, r, Branches, Hit{Object: tree, Commit: commit, Path: PathFileName, Label: "access key id"})
	requireHit(t, r, Index, Hit{Ref: "index", Path: PathFileName})
	requireHit(t, r, WorkingTree, Hit{Path: PathFileName})
}

func TestInspectRefNameRedacted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	f.git(dir, "branch", "fix-"+f.id)

	r := f.inspect(dir)

	want := "refs/heads/fix-" + keys.Redact(f.id)
	requireHit(t, r, Branches, Hit{Ref: want, Path: PathRefName, Label: "access key id"})
}

func TestInspectEncodedBlob(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	encoded := base64.StdEncoding.EncodeToString([]byte(f.configPy()))
	f.write(dir, "deploy.json", `{"config": "`+encoded+`"}`+"\n")
	var utf16le []byte
	for _, u := range utf16.Encode([]rune(f.configPy())) {
		utf16le = append(utf16le, byte(u), byte(u>>8))
	}
	f.write(dir, "notes.txt", string(utf16le))
	f.git(dir, "add", ".")
	f.git(dir, "commit", "-q", "-m", "add deploy files")
	f.write(dir, "deploy.json", "{}\n")
	f.write(dir, "notes.txt", "\n")
	f.git(dir, "commit", "-q", "-a", "-m", "empty deploy files")

	r := f.inspect(dir)

	requireOnlyDirty(t, r, Branches)
	requireHit(t, r, Branches, Hit{Path: "deploy.json", Label: "secret access key", Encoding: secretscan.EncodingBase64})
	requireHit(t, r, Branches, Hit{Path: "notes.txt", Label: "secret access key", Encoding: secretscan.EncodingUTF16LE})
}

func TestInspectBareAfterForcePush(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	server := filepath.Join(t.TempDir(), "sample-app.git")
	f.git(t.TempDir(), "init", "-q", "--bare", "-b", "main", server)
	dir := f.newRepo()
	f.git(dir, "remote", "add", "origin", server)
	f.commitFile(dir, "config.py", f.configPy(), "configure aws")
	f.git(dir, "push", "-q", "origin", "main")
	f.git(dir, "reset", "-q", "--hard", "HEAD~1")
	f.git(dir, "push", "-q", "--force", "origin", "main")

	r := f.inspect(server)
	requireOnlyDirty(t, r, Unreachable)
	requireHit(t, r, Unreachable, Hit{Label: "secret access key"})
	for _, p := range []Place{Index, GitDirectory, WorkingTree} {
		if r.Place(p).Note == "" {
			t.Errorf("%s of a bare repository has no note saying it does not apply", p)
		}
	}

	// A plain gc keeps unreachable objects younger than two weeks.
	f.git(server, "gc", "-q")
	requireHit(t, f.inspect(server), Unreachable, Hit{Label: "secret access key"})

	f.git(server, "gc", "-q", "--prune=now")
	if r := f.inspect(server); !r.Clean() {
		t.Errorf("after gc --prune=now the server is not clean:\n%s", describe(r))
	}
}

func TestInspectCleanAfterPurge(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	f.commitFile(dir, "config.py", f.configPy(), "configure aws "+f.id)
	f.git(dir, "reset", "-q", "--hard", "HEAD~1")
	f.write(dir, "config.py", f.configPy())
	f.git(dir, "stash", "push", "-q")
	f.git(dir, "stash", "drop", "-q")
	f.write(dir, ".git/COMMIT_EDITMSG", "add config\n")
	if r := f.inspect(dir); r.Clean() {
		t.Fatal("repository is clean before the purge, want hits to purge")
	}

	f.git(dir, "reflog", "expire", "--expire=now", "--all")
	f.git(dir, "gc", "-q", "--prune=now")

	r := f.inspect(dir)
	requireOnlyDirty(t, r)
	for _, p := range r.Places {
		if p.Purge != "" || p.Warning || len(p.Hits) > 0 {
			t.Errorf("clean place %s has purge %q, warning %v, %d hits", p.Place, p.Purge, p.Warning, len(p.Hits))
		}
	}
	if len(r.Places) != len(Places()) {
		t.Errorf("report has %d places, want %d", len(r.Places), len(Places()))
	}
}

func TestInspectInvalidOptions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if _, err := Inspect(context.Background(), Options{RepoDir: t.TempDir()}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("Inspect without a matcher: err = %v, want ErrInvalidOptions", err)
	}
	_, err := Inspect(context.Background(), Options{RepoDir: t.TempDir(), Matcher: f.matcher, Env: f.env})
	if err == nil || !strings.Contains(err.Error(), "open repository") {
		t.Errorf("Inspect of a folder that is no repository: err = %v, want an open repository error", err)
	}
}

// importHistory adds commits to dir's main branch with git fast-import.
// Each commit changes app.py. When leakAt is positive, commit leakAt adds a
// config.py with the key pair and the next commit deletes it. It returns
// the id of commit leakAt, or "".
func (f *fixture) importHistory(dir string, commits, leakAt int) string {
	f.t.Helper()
	var stream strings.Builder
	data := func(s string) { fmt.Fprintf(&stream, "data %d\n%s\n", len(s), s) }

	for n := 1; n <= commits; n++ {
		fmt.Fprintf(&stream, "commit refs/heads/main\nmark :%d\n", n)
		fmt.Fprintf(&stream, "committer Workshop Learner <learner@workshop.test> %d +0000\n", 1_700_000_000+60*n)
		data(fmt.Sprintf("change %d", n))
		if n == 1 {
			stream.WriteString("from refs/heads/main^0\n")
		}
		fmt.Fprintf(&stream, "M 100644 inline app.py\n")
		data(fmt.Sprintf("VERSION = %d\n\ndef handler(event):\n    return {\"status\": %d}\n", n, 200+n%3))
		switch n {
		case leakAt:
			stream.WriteString("M 100644 inline config.py\n")
			data(f.configPy())
		case leakAt + 1:
			stream.WriteString("D config.py\n")
		}
	}

	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = dir
	cmd.Env = f.env
	cmd.Stdin = strings.NewReader(stream.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		f.t.Fatalf("git fast-import: %v\n%s", err, f.redact(string(out)))
	}
	f.git(dir, "reset", "-q", "--hard", "main")

	if leakAt <= 0 {
		return ""
	}
	return f.git(dir, "rev-parse", fmt.Sprintf("main~%d", commits-leakAt))
}

func TestInspectLargeHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 5,000 commits")
	}
	t.Parallel()
	const commits = 5000
	// The bound is loose on purpose: it catches a walk per commit, which
	// takes minutes, and not the speed of one machine.
	const limit = 60 * time.Second
	tests := []struct {
		name   string
		leakAt int
	}{
		{"no key", 0},
		{"key in an old commit", 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			dir := f.newRepo()
			leaked := f.importHistory(dir, commits, tt.leakAt)

			start := time.Now()
			r := f.inspect(dir)
			elapsed := time.Since(start)

			t.Logf("inspected %d commits in %v", commits, elapsed)
			if elapsed > limit {
				t.Errorf("Inspect took %v, want under %v", elapsed, limit)
			}
			if leaked == "" {
				requireOnlyDirty(t, r)
				return
			}
			requireOnlyDirty(t, r, Branches)
			requireHit(t, r, Branches, Hit{Commit: leaked, Path: "config.py", Label: "secret access key"})
		})
	}
}

func TestInspectLinkedWorktree(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := f.newRepo()
	linked := filepath.Join(t.TempDir(), "feature")
	f.git(dir, "worktree", "add", "-q", "-b", "feature", linked)
	f.write(linked, "config.py", f.configPy())
	f.git(linked, "add", "config.py")
	f.write(linked, "config.py", cleanConfigPy)
	f.write(linked, "local.env", "AWS_ACCESS_KEY_ID="+f.id+"\n")

	for _, repoDir := range []string{dir, linked} {
		r := f.inspect(repoDir)

		requireOnlyDirty(t, r, Index, WorkingTree)
		requireHit(t, r, Index, Hit{Ref: "worktrees/feature/index", Path: "config.py", Label: "secret access key"})
		h := requireHit(t, r, WorkingTree, Hit{Path: "local.env", Label: "access key id"})
		if repoDir == dir && h.Ref != linked {
			t.Errorf("working tree hit ref = %q, want the linked work tree %q", h.Ref, linked)
		}
	}
}

func TestInspectBorrowedObjects(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	lender := f.newRepo()
	f.commitFile(lender, "config.py", f.configPy(), "configure aws")
	f.git(lender, "reset", "-q", "--hard", "HEAD~1")
	f.git(lender, "reflog", "expire", "--expire=now", "--all")
	borrower := filepath.Join(t.TempDir(), "fork")
	f.git(t.TempDir(), "clone", "-q", "--shared", lender, borrower)

	r := f.inspect(borrower)

	requireOnlyDirty(t, r, Unreachable)
	if note := r.Place(Unreachable).Note; !strings.Contains(note, "alternates") {
		t.Errorf("unreachable note = %q, want it to explain borrowed objects", note)
	}
}
