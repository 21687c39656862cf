package githost

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPushOfKeyPairBlocked(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	pair := fakePair(t)
	f.write("config.py", configWithPair(pair))
	commit := f.commit("Add AWS keys")
	blob := f.git(f.work, "rev-parse", "HEAD:config.py")

	out, ok := f.push()
	if ok {
		t.Fatalf("push accepted, want rejected:\n%s", out)
	}
	report := remoteLines(out)
	for _, want := range []string{
		"push protection rejected the push to refs/heads/main",
		"push cannot contain secrets",
		"AWS access key ID and secret access key",
		"commit: " + commit,
		"path: config.py:3",
		"git rebase -i " + commit[:7] + "~1",
		"workshop allow-secret ",
		"--reason false-positive|used-in-tests|fix-later",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(out, pair.Secret) || strings.Contains(out, pair.ID) {
		t.Errorf("git output holds the key:\n%s", out)
	}
	if !strings.Contains(out, "pre-receive hook declined") {
		t.Errorf("git output lacks the hook's rejection:\n%s", out)
	}

	for name, id := range map[string]string{"commit": commit, "blob": blob} {
		if f.forkHas(id) {
			t.Errorf("fork holds the pushed %s %s after the rejection", name, id)
		}
	}

	ev := f.lastEvent()
	if !ev.Blocked {
		t.Errorf("event Blocked = false, want true")
	}
	if len(ev.Refs) != 1 || ev.Refs[0].Ref != "refs/heads/main" {
		t.Errorf("event refs = %+v, want one update of refs/heads/main", ev.Refs)
	}
	if len(ev.Findings) != 1 {
		t.Fatalf("event has %d findings, want 1: %+v", len(ev.Findings), ev.Findings)
	}
	got := ev.Findings[0]
	if got.Path != "config.py" || got.Line != 3 || got.Commit != commit || got.RuleID != "aws-access-key-pair" || !got.Blocking {
		t.Errorf("event finding = %+v, want the pair at config.py:3 in %s", got, commit)
	}
	if !strings.Contains(report, "secret id: "+got.SecretID) {
		t.Errorf("report lacks the secret id %s", got.SecretID)
	}
}

func TestEventsFileNeverHoldsSecret(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	pair := fakePair(t)
	f.write("config.py", configWithPair(pair))
	f.commit("Add AWS keys")
	f.push()

	raw := readFile(t, filepath.Join(f.fork, ProtectionDir, EventsFile))
	if !strings.Contains(raw, "config.py") {
		t.Fatalf("events file lacks config.py:\n%s", raw)
	}
	for _, part := range []string{pair.ID, pair.Secret, pair.Secret[:12]} {
		if strings.Contains(raw, part) {
			t.Errorf("events file holds part of the key: %s", raw)
		}
	}
}

func TestCleanPushAccepted(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	f.write("app.py", "import config\n\nprint(config.REGION, 'ok')\n")
	commit := f.commit("Print a status")

	out, ok := f.push()
	if !ok {
		t.Fatalf("clean push rejected:\n%s", out)
	}
	if !f.forkHas(commit) {
		t.Errorf("fork lacks the pushed commit %s", commit)
	}
	ev := f.lastEvent()
	if ev.Blocked || len(ev.Findings) != 0 {
		t.Errorf("event = %+v, want an accepted push without findings", ev)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
