package githost

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Pushes whose history, rather than content, decides the result.

// findingsOf returns the event's findings of secretID.
func findingsOf(ev Event, secretID string) []EventFinding {
	var out []EventFinding
	for _, f := range ev.Findings {
		if f.SecretID == secretID {
			out = append(out, f)
		}
	}
	return out
}

func blockingOf(ev Event) []EventFinding {
	var out []EventFinding
	for _, f := range ev.Findings {
		if f.Blocking {
			out = append(out, f)
		}
	}
	return out
}

var secretIDLine = regexp.MustCompile(`secret id: ([0-9a-f]{16})`)

func TestSecretAddedThenDeletedBlockedAtIntroducingCommit(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	token := fakeGitHubToken(t)
	f.write("deploy.sh", "#!/bin/sh\nexport GH_TOKEN="+token+"\n")
	added := f.commit("Add the deploy script")
	f.write("deploy.sh", "#!/bin/sh\nexport GH_TOKEN=\"$(cat ~/.gh-token)\"\n")
	deleted := f.commit("Read the token from a file")

	out, ok := f.push()
	if ok {
		t.Fatalf("push accepted although an earlier commit adds a token:\n%s", out)
	}
	report := remoteLines(out)
	if !strings.Contains(report, "commit: "+added) || !strings.Contains(report, "path: deploy.sh:2") {
		t.Errorf("report does not point at the commit that added the token:\n%s", report)
	}
	if strings.Contains(report, deleted) {
		t.Errorf("report names the clean commit %s:\n%s", deleted, report)
	}
	for _, id := range []string{added, deleted} {
		if f.forkHas(id) {
			t.Errorf("fork holds commit %s of the rejected push", id)
		}
	}
}

func TestAllowMarkerAddedLaterStillBlocked(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	token := fakeGitHubToken(t)
	f.write("ci.py", "TOKEN = \""+token+"\"\n")
	added := f.commit("Add CI helper")
	f.write("ci.py", "TOKEN = \""+token+"\"  # gitleaks:allow\n")
	marked := f.commit("Mark the token as allowed")

	out, ok := f.push()
	if ok {
		t.Fatalf("push accepted although the commit that added the token has no marker:\n%s", out)
	}
	blocking := blockingOf(f.lastEvent())
	if len(blocking) != 1 || blocking[0].Commit != added || blocking[0].Path != "ci.py" || blocking[0].Line != 1 {
		t.Errorf("blocking findings = %+v, want one at ci.py:1 in %s and none in %s", blocking, added, marked)
	}
}

func TestShallowClonePushReportsRealCommitIDs(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	shallow := filepath.Join(f.dir, "shallow")
	f.git(f.dir, "clone", "--quiet", "--depth", "1", "file://"+f.upstream, shallow)
	if got := f.git(shallow, "rev-parse", "--is-shallow-repository"); got != "true" {
		t.Fatalf("clone is not shallow: %s", got)
	}
	f.git(shallow, "remote", "add", "fork", f.fork)
	f.writeIn(shallow, "notes.md", "# Notes\n")
	f.git(shallow, "add", "-A")
	f.git(shallow, "commit", "--quiet", "-m", "Add notes")
	first := f.git(shallow, "rev-parse", "HEAD")
	pair := fakePair(t)
	f.writeIn(shallow, "config.py", configWithPair(pair))
	f.git(shallow, "add", "-A")
	f.git(shallow, "commit", "--quiet", "-m", "Add keys")
	second := f.git(shallow, "rev-parse", "HEAD")

	out, err := f.tryGit(shallow, "push", "fork", "HEAD:main")
	if err == nil {
		t.Fatalf("push from the shallow clone accepted:\n%s", out)
	}
	report := remoteLines(out)
	if !strings.Contains(report, "commit: "+second) {
		t.Errorf("report lacks the real id %s of the commit that adds the keys:\n%s", second, report)
	}
	if strings.Contains(report, first) {
		t.Errorf("report names the clean commit %s:\n%s", first, report)
	}
	ev := f.lastEvent()
	if b := blockingOf(ev); len(b) != 1 || b[0].Commit != second {
		t.Errorf("blocking findings = %+v, want one in %s", b, second)
	}
}

func TestSameSecretInThreeCommitsListedOnce(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	pair := fakePair(t)
	f.write("config.py", configWithPair(pair))
	c1 := f.commit("Add keys")
	f.write("config.py", "REGION = \"eu-west-1\"\n")
	f.write("deploy/settings.py", "# deployment\n"+configWithPair(pair))
	c2 := f.commit("Move keys to the deploy settings")
	f.write("config.py", "import os\n"+configWithPair(pair))
	c3 := f.commit("Put keys back")

	out, ok := f.push()
	if ok {
		t.Fatalf("push accepted:\n%s", out)
	}
	report := remoteLines(out)
	if ids := secretIDLine.FindAllStringSubmatch(report, -1); len(ids) != 1 {
		t.Fatalf("report lists %d secrets, want the one secret once:\n%s", len(ids), report)
	}
	for _, loc := range []string{
		"commit: " + c1 + "\n        path: config.py:3",
		"commit: " + c2 + "\n        path: deploy/settings.py:4",
		"commit: " + c3 + "\n        path: config.py:4",
	} {
		if !strings.Contains(report, loc) {
			t.Errorf("report lacks the location %q:\n%s", loc, report)
		}
	}
	if !strings.Contains(report, "git rebase -i "+c1[:7]+"~1") {
		t.Errorf("report does not start the rebase at the first commit %s:\n%s", c1[:7], report)
	}
}

func TestMoreThanFiveSecretsCounted(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	var lines []string
	for i := range 7 {
		lines = append(lines, fmt.Sprintf("TOKEN_%d = %q", i, fakeGitHubToken(t)))
	}
	f.write("tokens.py", strings.Join(lines, "\n")+"\n")
	f.commit("Add tokens")

	out, ok := f.push()
	if ok {
		t.Fatalf("push accepted:\n%s", out)
	}
	report := remoteLines(out)
	if ids := secretIDLine.FindAllStringSubmatch(report, -1); len(ids) != 5 {
		t.Errorf("report lists %d secrets, want 5:\n%s", len(ids), report)
	}
	if !strings.Contains(report, "and 2 more secrets") {
		t.Errorf("report does not count the 2 secrets left out:\n%s", report)
	}
	if b := blockingOf(f.lastEvent()); len(b) != 7 {
		t.Errorf("event holds %d blocking findings, want all 7", len(b))
	}
}

func TestMergeResolutionScanned(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	base := f.git(f.work, "rev-parse", "HEAD")
	f.git(f.work, "checkout", "--quiet", "-b", "feature")
	f.write("feature.py", "print('feature')\n")
	f.commit("Add a feature")
	f.git(f.work, "checkout", "--quiet", "main")
	f.write("app.py", "import config\n\nprint(config.REGION, 'main')\n")
	f.commit("Change the app")
	f.git(f.work, "merge", "--quiet", "--no-commit", "feature")
	token := fakeGitHubToken(t)
	f.write("feature.py", "print('feature')\nTOKEN = \""+token+"\"\n")
	merge := f.commit("Merge feature")
	if parents := strings.Fields(f.git(f.work, "log", "-1", "--format=%P")); len(parents) != 2 {
		t.Fatalf("commit %s has parents %v, want a merge", merge, parents)
	}

	out, ok := f.push()
	if ok {
		t.Fatalf("push accepted although the merge resolution adds a token:\n%s", out)
	}
	b := blockingOf(f.lastEvent())
	if len(b) != 1 || b[0].Commit != merge || b[0].Path != "feature.py" || b[0].Line != 2 {
		t.Errorf("blocking findings = %+v, want the token at feature.py:2 in the merge %s (base %s)", b, merge, base)
	}
}

func TestCommitMessageAndTagScanned(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	f.write("README.md", "# Sample app\n\nRun it.\n")
	f.git(f.work, "add", "-A")
	f.git(f.work, "commit", "--quiet", "-m", "Document the app\n\nUse token "+fakeGitHubToken(t)+" for the API.")
	commit := f.git(f.work, "rev-parse", "HEAD")

	out, ok := f.push()
	if ok {
		t.Fatalf("push with a token in the commit message accepted:\n%s", out)
	}
	b := blockingOf(f.lastEvent())
	if len(b) != 1 || b[0].Path != PathCommitMessage || b[0].Line != 3 || b[0].Commit != commit {
		t.Errorf("blocking findings = %+v, want the token on line 3 of the message of %s", b, commit)
	}

	f.git(f.work, "commit", "--quiet", "--amend", "-m", "Document the app")
	if out, ok := f.push(); !ok {
		t.Fatalf("push after amending the message rejected:\n%s", out)
	}
	f.git(f.work, "tag", "-a", "v1.0", "-m", "Release\n\nDeploy with "+fakeGitHubToken(t))
	tag := f.git(f.work, "rev-parse", "v1.0")
	out, ok = f.pushRefs("refs/tags/v1.0")
	if ok {
		t.Fatalf("push of a tag whose message holds a token accepted:\n%s", out)
	}
	b = blockingOf(f.lastEvent())
	if len(b) != 1 || b[0].Path != PathTagMessage || b[0].Commit != tag {
		t.Errorf("blocking findings = %+v, want the token in the message of tag %s", b, tag)
	}
	report := remoteLines(out)
	if !strings.Contains(report, "rejected the push to refs/tags/v1.0") || !strings.Contains(report, "git tag -f -a <tag>") {
		t.Errorf("report does not name the tag or how to re-create it:\n%s", report)
	}
}

func TestSecretInFileNameBlockedAndRedacted(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	token := fakeGitHubToken(t)
	f.write("keys/"+token+".txt", "placeholder\n")
	f.commit("Add key placeholder")

	out, ok := f.push()
	if ok {
		t.Fatalf("push accepted:\n%s", out)
	}
	if strings.Contains(out, token[4:]) {
		t.Errorf("git output shows the token from the file name:\n%s", out)
	}
	if b := blockingOf(f.lastEvent()); len(b) != 1 || b[0].Path != PathFileName {
		t.Errorf("blocking findings = %+v, want one in a file name", b)
	}
}

func TestSecretAlreadyInParentNotBlockedAgain(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	pair := fakePair(t)
	f.write("config.py", configWithPair(pair))
	f.commit("Add keys")
	if _, ok := f.push(); ok {
		t.Fatal("first push of the keys accepted")
	}
	id := blockingOf(f.lastEvent())[0].SecretID
	if _, err := AllowSecret(f.fork, id, ReasonFixLater, "learner", f.clock()); err != nil {
		t.Fatal(err)
	}
	if out, ok := f.push(); !ok {
		t.Fatalf("push with an allowed secret rejected:\n%s", out)
	}

	f.setClock(f.clock().Add(BypassDuration + time.Minute))
	f.write("config.py", "# settings\n"+configWithPair(pair))
	f.commit("Comment the settings")
	if out, ok := f.push(); !ok {
		t.Fatalf("push of an edit to a file whose secret the fork already holds rejected:\n%s", out)
	}
}

func TestRenameOfFileWithPushedSecretAccepted(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	f.write("config.py", configWithPair(fakePair(t)))
	f.commit("Add keys")
	f.push()
	id := blockingOf(f.lastEvent())[0].SecretID
	if _, err := AllowSecret(f.fork, id, ReasonFixLater, "learner", f.clock()); err != nil {
		t.Fatal(err)
	}
	if out, ok := f.push(); !ok {
		t.Fatalf("push with an allowed secret rejected:\n%s", out)
	}

	f.setClock(f.clock().Add(BypassDuration + time.Minute))
	f.git(f.work, "mv", "config.py", "settings.py")
	f.commit("Rename the settings")
	if out, ok := f.push(); !ok {
		t.Fatalf("push renaming a file whose secret the fork already holds rejected:\n%s", out)
	}

	f.write("copy.py", readFile(t, filepath.Join(f.work, "settings.py")))
	f.commit("Copy the settings")
	if out, ok := f.push(); ok {
		t.Fatalf("push of a new file with the same secret accepted:\n%s", out)
	}
}
