package githost

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestBypassLetsOnlyThatSecretThrough(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	pair := fakePair(t)
	token := fakeGitHubToken(t)
	f.write("config.py", configWithPair(pair))
	f.write("ci.py", "TOKEN = \""+token+"\"\n")
	f.commit("Add keys and token")
	if out, ok := f.push(); ok {
		t.Fatalf("push accepted:\n%s", out)
	}
	var pairID, tokenID string
	for _, fd := range blockingOf(f.lastEvent()) {
		switch fd.Path {
		case "config.py":
			pairID = fd.SecretID
		case "ci.py":
			tokenID = fd.SecretID
		}
	}
	if pairID == "" || tokenID == "" {
		t.Fatalf("blocking findings = %+v, want the pair and the token", blockingOf(f.lastEvent()))
	}

	b, err := AllowSecret(f.fork, pairID, ReasonUsedInTests, "learner", f.clock())
	if err != nil {
		t.Fatal(err)
	}
	if !b.Expires.Equal(f.clock().Add(3*time.Hour)) || b.Reason != ReasonUsedInTests || b.Description == "" {
		t.Errorf("bypass = %+v, want used-in-tests expiring three hours after %v", b, f.clock())
	}
	out, ok := f.push()
	if ok {
		t.Fatalf("push accepted although only the pair is allowed:\n%s", out)
	}
	report := remoteLines(out)
	if !strings.Contains(report, "secret id: "+tokenID) || strings.Contains(report, "secret id: "+pairID) {
		t.Errorf("report should list the token and not the allowed pair:\n%s", report)
	}
	for _, fd := range f.lastEvent().Findings {
		if fd.SecretID == pairID && (!fd.Bypassed || fd.Blocking) {
			t.Errorf("allowed pair recorded as %+v, want bypassed and not blocking", fd)
		}
	}

	other := fakePair(t)
	f.write("ci.py", "import os\nTOKEN = os.environ['TOKEN']\n")
	f.write("config.py", configWithPair(other))
	f.git(f.work, "add", "-A")
	f.git(f.work, "commit", "--quiet", "--amend", "-m", "Add keys")
	if out, ok := f.push(); ok {
		t.Fatalf("push of a different pair accepted under the first pair's bypass:\n%s", out)
	}

	f.write("config.py", configWithPair(pair))
	f.git(f.work, "add", "-A")
	f.git(f.work, "commit", "--quiet", "--amend", "-m", "Add keys")
	out, ok = f.push()
	if !ok {
		t.Fatalf("push of the allowed pair rejected:\n%s", out)
	}
	if !strings.Contains(remoteLines(out), "allowed by a bypass") {
		t.Errorf("output does not say a bypass let the pair through:\n%s", out)
	}
	if !f.forkHas(f.git(f.work, "rev-parse", "HEAD")) {
		t.Error("fork lacks the accepted commit")
	}
}

func TestBypassExpiresAfterThreeHours(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	f.write("config.py", configWithPair(fakePair(t)))
	f.commit("Add keys")
	f.push()
	id := blockingOf(f.lastEvent())[0].SecretID
	if _, err := AllowSecret(f.fork, id, ReasonFalsePositive, "learner", f.clock()); err != nil {
		t.Fatal(err)
	}

	f.setClock(f.clock().Add(BypassDuration + time.Second))
	if out, ok := f.push(); ok {
		t.Fatalf("push accepted after the bypass expired:\n%s", out)
	}
	bypasses, err := ReadBypasses(f.fork)
	if err != nil {
		t.Fatal(err)
	}
	if len(bypasses) != 1 || bypasses[0].SecretID != id || bypasses[0].Actor != "learner" {
		t.Errorf("bypasses = %+v, want the one recorded", bypasses)
	}
}

func TestAllowSecretRejectsBadInput(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	f.write("config.py", configWithPair(fakePair(t)))
	f.commit("Add keys")
	f.push()
	id := blockingOf(f.lastEvent())[0].SecretID

	_, err := AllowSecret(f.fork, id, "because", "learner", f.clock())
	if !errors.Is(err, ErrInvalidReason) {
		t.Errorf("error = %v, want ErrInvalidReason", err)
	}
	for _, want := range []string{`"because"`, ReasonFalsePositive, ReasonUsedInTests, ReasonFixLater} {
		if err != nil && !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if _, err := AllowSecret(f.fork, "0123456789abcdef", ReasonFixLater, "learner", f.clock()); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("error = %v, want ErrSecretNotFound for an id no push was blocked by", err)
	}
	if bypasses, err := ReadBypasses(f.fork); err != nil || len(bypasses) != 0 {
		t.Errorf("bypasses = %+v, %v; want none recorded", bypasses, err)
	}
}
