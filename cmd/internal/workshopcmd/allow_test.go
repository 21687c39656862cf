package workshopcmd

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/sandbox"
	"github.com/secretslab/workshop/sandbox/githost"
)

func TestAllowSecretFlags(t *testing.T) {
	t.Parallel()
	f, _ := testFactory(t)
	var got *AllowSecretOptions
	cmd := NewCmdAllowSecret(f, func(o *AllowSecretOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"3f2a9c1d4e5b6a70", "--reason", "fix-later", "--dir", "sb"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.SecretID != "3f2a9c1d4e5b6a70" || got.Reason != "fix-later" || got.Dir != "sb" {
		t.Errorf("options = %+v", got)
	}
}

func TestAllowSecretNeedsOneID(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"allow-secret"}, {"allow-secret", "a", "b", "--reason", "fix-later"}} {
		f, _ := testFactory(t)
		if code := Execute(context.Background(), f, args); code != cmdutil.ExitFailure {
			t.Errorf("%v: exit code = %d, want %d", args, code, cmdutil.ExitFailure)
		}
	}
}

func TestAllowSecretInvalidReason(t *testing.T) {
	t.Parallel()
	f, _ := testFactory(t)
	err := allowSecretRun(&AllowSecretOptions{F: f, SecretID: "3f2a9c1d4e5b6a70", Reason: "because"})
	var flagErr *cmdutil.FlagError
	if !errors.As(err, &flagErr) {
		t.Fatalf("error = %v, want a usage error", err)
	}
	for _, want := range append([]string{`"because"`}, githost.Reasons...) {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

// blockedFork gives sb a fork whose events file records a push blocked by
// the secret id, as the pre-receive hook records it.
func blockedFork(t *testing.T, sb *sandbox.Sandbox, id string) {
	t.Helper()
	if _, err := sb.Fork(context.Background(), []string{"true"}); err != nil {
		t.Fatal(err)
	}
	ev := githost.Event{
		Time: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Actor: sb.Config.Learner, Blocked: true,
		Findings: []githost.EventFinding{{Path: "config.py", Line: 3, RuleID: "aws-access-key-pair",
			Description: "AWS access key ID and secret access key", SecretID: id, Redacted: "AKIA…", Blocking: true}},
	}
	line, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(sb.ForkDir(), githost.ProtectionDir, githost.EventsFile)
	if err := os.WriteFile(path, append(line, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestAllowSecretRecordsBypassShownByStatus(t *testing.T) {
	t.Parallel()
	sb := newSandbox(t)
	const id = "3f2a9c1d4e5b6a70"
	f, out := testFactory(t)
	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	f.Now = func() time.Time { return now }

	err := allowSecretRun(&AllowSecretOptions{F: f, Dir: sb.Dir, SecretID: id, Reason: githost.ReasonUsedInTests})
	if err == nil || !strings.Contains(err.Error(), "workshop fork") {
		t.Fatalf("allow-secret before a fork: %v, want an error pointing at workshop fork", err)
	}

	blockedFork(t, sb, id)
	err = allowSecretRun(&AllowSecretOptions{F: f, Dir: sb.Dir, SecretID: "0000000000000000", Reason: githost.ReasonUsedInTests})
	var flagErr *cmdutil.FlagError
	if !errors.As(err, &flagErr) || !strings.Contains(err.Error(), id) {
		t.Errorf("unknown id: %v, want a usage error naming the blocked id %s", err, id)
	}

	if err := allowSecretRun(&AllowSecretOptions{F: f, Dir: sb.Dir, SecretID: id, Reason: githost.ReasonUsedInTests}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out(), "2026-03-02 12:30:00 UTC") {
		t.Errorf("output does not give the expiry three hours on:\n%s", out())
	}

	statusF, statusOut := testFactory(t)
	statusF.Now = func() time.Time { return now.Add(time.Hour) }
	if err := statusRun(&StatusOptions{F: statusF, Dir: sb.Dir, JSON: true}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Current  string            `json:"current"`
		Steps    []json.RawMessage `json:"steps"`
		Bypasses []struct {
			SecretID string    `json:"secret_id"`
			Reason   string    `json:"reason"`
			Actor    string    `json:"actor"`
			Time     time.Time `json:"time"`
			Expires  time.Time `json:"expires"`
			Active   bool      `json:"active"`
		} `json:"bypasses"`
	}
	if err := json.Unmarshal([]byte(statusOut()), &doc); err != nil {
		t.Fatalf("status --json is not JSON: %v", err)
	}
	if len(doc.Bypasses) != 1 {
		t.Fatalf("bypasses = %+v, want one", doc.Bypasses)
	}
	b := doc.Bypasses[0]
	if b.SecretID != id || b.Reason != githost.ReasonUsedInTests || b.Actor != "ada" || !b.Time.Equal(now) ||
		!b.Expires.Equal(now.Add(githost.BypassDuration)) || !b.Active {
		t.Errorf("bypass = %+v", b)
	}
	if doc.Current == "" || len(doc.Steps) == 0 {
		t.Error("status --json lost its current and steps keys")
	}
}

func TestStatusListsBypassesInText(t *testing.T) {
	t.Parallel()
	sb := newSandbox(t)
	blockedFork(t, sb, "3f2a9c1d4e5b6a70")
	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	if _, err := githost.AllowSecret(sb.ForkDir(), "3f2a9c1d4e5b6a70", githost.ReasonFixLater, "ada", now); err != nil {
		t.Fatal(err)
	}
	f, out := testFactory(t)
	f.Now = func() time.Time { return now.Add(4 * time.Hour) }
	if err := statusRun(&StatusOptions{F: f, Dir: sb.Dir}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3f2a9c1d4e5b6a70", "fix-later", "by ada", "(expired)"} {
		if !strings.Contains(out(), want) {
			t.Errorf("status output lacks %q:\n%s", want, out())
		}
	}
}
