package workshopcmd

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/cmd/internal/session"
	"github.com/secretslab/workshop/sandbox"
)

func testFactory(t *testing.T) (*cmdutil.Factory, func() string) {
	t.Helper()
	f := cmdutil.NewFactory("workshop")
	ios, _, out, _ := cmdutil.Test()
	f.IO = ios
	f.Getenv = func(string) string { return "" }
	return f, out.String
}

func TestStartFlags(t *testing.T) {
	t.Parallel()
	f, _ := testFactory(t)
	var got *StartOptions
	cmd := NewCmdStart(f, func(o *StartOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--dir", "/tmp/x", "--learner", "ada", "--aws", "real", "--port", "4566"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Dir != "/tmp/x" || got.Learner != "ada" || got.AWS != "real" || got.Port != 4566 {
		t.Errorf("options = %+v", got)
	}
}

func TestStartDefaults(t *testing.T) {
	t.Parallel()
	f, _ := testFactory(t)
	var got *StartOptions
	cmd := NewCmdStart(f, func(o *StartOptions) error { got = o; return nil })
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Dir != sandbox.DefaultDirName || got.AWS != sandbox.AWSLocal || got.Port != 0 {
		t.Errorf("options = %+v", got)
	}
}

func TestCheckJSONFlag(t *testing.T) {
	t.Parallel()
	f, _ := testFactory(t)
	var got *CheckOptions
	cmd := NewCmdCheck(f, func(o *CheckOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--json", "--dir", "sb"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !got.JSON || got.Dir != "sb" {
		t.Errorf("options = %+v", got)
	}
}

func TestUnknownFlagIsUsageError(t *testing.T) {
	t.Parallel()
	f, _ := testFactory(t)
	code := Execute(context.Background(), f, []string{"check", "--no-such-flag"})
	if code != cmdutil.ExitFailure {
		t.Errorf("exit code = %d, want %d", code, cmdutil.ExitFailure)
	}
}

func newSandbox(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	sb, err := sandbox.Create(context.Background(), sandbox.CreateOptions{Dir: filepath.Join(t.TempDir(), "sb"), Learner: "ada", AWSPort: 40001})
	if err != nil {
		t.Fatal(err)
	}
	return sb
}

// TestStatusJSONContract pins the keys that instructors' tools read.
func TestStatusJSONContract(t *testing.T) {
	t.Parallel()
	f, out := testFactory(t)
	sb := newSandbox(t)
	if err := statusRun(&StatusOptions{F: f, Dir: sb.Dir, JSON: true}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Current  *string `json:"current"`
		Complete *bool   `json:"complete"`
		Steps    []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
			Done  *bool  `json:"done"`
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out()), &doc); err != nil {
		t.Fatalf("status --json is not JSON: %v\n%s", err, out())
	}
	if doc.Current == nil || *doc.Current != "hardcode" {
		t.Errorf("current = %v, want hardcode", doc.Current)
	}
	if doc.Complete == nil || *doc.Complete {
		t.Errorf("complete = %v, want false", doc.Complete)
	}
	if len(doc.Steps) != 8 {
		t.Fatalf("steps = %d, want 8", len(doc.Steps))
	}
	for _, s := range doc.Steps {
		if s.ID == "" || s.Title == "" || s.Done == nil {
			t.Errorf("step entry incomplete: %+v", s)
		}
	}
}

// TestEnvJSONContract pins the keys `workshop env --json` must print.
func TestEnvJSONContract(t *testing.T) {
	t.Parallel()
	sb := newSandbox(t)
	values := envValues(sb)
	for _, key := range []string{
		"sandbox_dir", "app_dir", "upstream_url", "fork_url", "aws_endpoint_url", "aws_region",
		"aws_profile", "aws_config_file", "aws_shared_credentials_file", "fake_access_key_id",
		"fake_secret_access_key", "suggested_secret_name", "app_iam_user",
	} {
		if _, ok := values[key]; !ok {
			t.Errorf("env --json lacks %q", key)
		}
	}
	if values["fork_url"] != "" {
		t.Errorf("fork_url = %q before a fork, want empty", values["fork_url"])
	}
	if values["fake_access_key_id"] != sb.Config.FakeAccessKeyID {
		t.Errorf("fake_access_key_id does not match the sandbox")
	}
}

func TestHintAdvancesAndStops(t *testing.T) {
	t.Parallel()
	f, out := testFactory(t)
	sb := newSandbox(t)
	s, err := session.ForSandbox(f, sb)
	if err != nil {
		t.Fatal(err)
	}
	step, _ := s.Current()
	for i := 0; i < len(step.Hints)+2; i++ {
		if err := hintRun(context.Background(), &HintOptions{F: f, Dir: sb.Dir}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := sb.LoadProgress()
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Step(step.ID).HintsShown; got != len(step.Hints) {
		t.Errorf("hints shown = %d, want %d", got, len(step.Hints))
	}
	if out() == "" {
		t.Error("hint printed nothing")
	}
}
