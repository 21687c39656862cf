package lessons

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zricethezav/gitleaks/v8/detect"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// stepIDs are the step ids that progress, checks and instructors rely on.
var stepIDs = []string{
	"hardcode", "own-keys", "fork-and-push", "store-secret",
	"use-secret", "rewrite-history", "push-clean", "rotate",
}

// testValues returns sandbox values for tests. The fake pair is plainly not
// key-shaped, so that golden files never look like a leaked key.
func testValues() Values {
	return Values{
		SandboxDir:          "/home/ada/secrets-workshop",
		AppDir:              "/home/ada/secrets-workshop/app",
		UpstreamURL:         "/home/ada/secrets-workshop/githost/upstream/sample-app.git",
		ForkURL:             "/home/ada/secrets-workshop/githost/ada/sample-app.git",
		Learner:             "ada",
		AWSEndpointURL:      "http://127.0.0.1:47321",
		AWSRegion:           "us-east-1",
		AWSProfile:          "workshop",
		FakeAccessKeyID:     "fake-access-key-id",
		FakeSecretAccessKey: "fake-secret-access-key",
		SuggestedSecretName: "workshop/bucket-browser/aws-key",
		AppIAMUser:          "bucket-browser",
		WorkshopBin:         "workshop",
	}
}

func mustEmbedded(t *testing.T) *Workshop {
	t.Helper()
	w, err := Embedded()
	if err != nil {
		t.Fatalf("Embedded: %v", err)
	}
	return w
}

func TestEmbeddedLoads(t *testing.T) {
	t.Parallel()
	w := mustEmbedded(t)
	if w.FormatVersion != FormatVersion {
		t.Errorf("FormatVersion = %d, want %d", w.FormatVersion, FormatVersion)
	}
	if w.ID != "secrets" {
		t.Errorf("ID = %q, want secrets", w.ID)
	}
	var ids []string
	for _, s := range w.Steps {
		ids = append(ids, s.ID)
	}
	if !slices.Equal(ids, stepIDs) {
		t.Errorf("step ids = %v, want %v", ids, stepIDs)
	}
}

func TestEmbeddedHintCounts(t *testing.T) {
	t.Parallel()
	for _, s := range mustEmbedded(t).Steps {
		if n := len(s.Hints); n < 2 || n > 4 {
			t.Errorf("step %s has %d hints, want 2 to 4", s.ID, n)
		}
	}
}

func TestLoadDirMatchesEmbedded(t *testing.T) {
	t.Parallel()
	fromDisk, err := LoadDir("secrets")
	if err != nil {
		t.Fatalf("LoadDir: %v", err)
	}
	embedded := mustEmbedded(t)
	if len(fromDisk.Steps) != len(embedded.Steps) {
		t.Fatalf("LoadDir has %d steps, Embedded has %d", len(fromDisk.Steps), len(embedded.Steps))
	}
	for i := range embedded.Steps {
		if fromDisk.Steps[i].ID != embedded.Steps[i].ID {
			t.Errorf("step %d: LoadDir id %q, Embedded id %q", i, fromDisk.Steps[i].ID, embedded.Steps[i].ID)
		}
	}
}

func TestStepAndIndex(t *testing.T) {
	t.Parallel()
	w := mustEmbedded(t)
	for i, id := range stepIDs {
		if got := w.Index(id); got != i {
			t.Errorf("Index(%q) = %d, want %d", id, got, i)
		}
		step, ok := w.Step(id)
		if !ok || step.ID != id {
			t.Errorf("Step(%q) = %q, %v", id, step.ID, ok)
		}
	}
	if got := w.Index("no-such-step"); got != -1 {
		t.Errorf("Index of an unknown id = %d, want -1", got)
	}
	if _, ok := w.Step("no-such-step"); ok {
		t.Error("Step of an unknown id reports ok")
	}
}

func TestStepTextFillsValues(t *testing.T) {
	t.Parallel()
	w := mustEmbedded(t)
	v := testValues()
	for _, id := range stepIDs {
		text, err := w.StepText(id, v)
		if err != nil {
			t.Fatalf("StepText(%q): %v", id, err)
		}
		if strings.Contains(text, "{{") || strings.Contains(text, "<no value>") {
			t.Errorf("step %s contains an unfilled template action", id)
		}
		if !strings.HasPrefix(text, "# ") {
			t.Errorf("step %s does not start with a level-1 heading", id)
		}
		if !strings.Contains(text, "```sh\n") {
			t.Errorf("step %s has no shell commands", id)
		}
		if !strings.Contains(text, "## Why") && !strings.Contains(text, "## How") && !strings.Contains(text, "## What") && !strings.Contains(text, "## Where") {
			t.Errorf("step %s has no section that explains why it matters", id)
		}
	}
}

func TestStepTextShowsSandboxValues(t *testing.T) {
	t.Parallel()
	w := mustEmbedded(t)
	v := testValues()
	tests := []struct {
		step string
		want []string
	}{
		{"hardcode", []string{"cd " + v.AppDir, `eval "$(workshop env)"`, `"` + v.FakeAccessKeyID + `"`, `"` + v.FakeSecretAccessKey + `"`, "InvalidAccessKeyId"}},
		{"own-keys", []string{"aws iam create-access-key --user-name " + v.AppIAMUser, "python3 list_buckets.py"}},
		{"fork-and-push", []string{"workshop fork", "git remote set-url origin " + v.ForkURL, "git push origin main"}},
		{"store-secret", []string{"aws secretsmanager create-secret --name " + v.SuggestedSecretName, `"AWS_ACCESS_KEY_ID"`, `"AWS_SECRET_ACCESS_KEY"`, "get-secret-value"}},
		{"use-secret", []string{`SECRET_NAME = "` + v.SuggestedSecretName + `"`, "get_secret_value", "except ClientError"}},
		{"rewrite-history", []string{"git rebase -i", "drop", "git rebase --continue", "git log -p", "git reflog expire --expire=now --all && git gc --prune=now"}},
		{"push-clean", []string{"git push --force-with-lease origin main"}},
		{"rotate", []string{"put-secret-value --secret-id " + v.SuggestedSecretName, "--status Inactive", "delete-access-key --user-name " + v.AppIAMUser, "AWSPREVIOUS"}},
	}
	for _, tt := range tests {
		text, err := w.StepText(tt.step, v)
		if err != nil {
			t.Fatalf("StepText(%q): %v", tt.step, err)
		}
		text = strings.ReplaceAll(text, " \\\n  ", " ") // join continued shell lines
		for _, want := range tt.want {
			if !strings.Contains(text, want) {
				t.Errorf("step %s does not contain %q", tt.step, want)
			}
		}
	}
}

func TestForkStepBeforeFork(t *testing.T) {
	t.Parallel()
	w := mustEmbedded(t)
	v := testValues()
	v.ForkURL = ""
	text, err := w.StepText("fork-and-push", v)
	if err != nil {
		t.Fatalf("StepText: %v", err)
	}
	if !strings.Contains(text, "git remote set-url origin FORK_URL") {
		t.Error("without a fork URL, the step does not show the FORK_URL placeholder")
	}
	if strings.Contains(text, "origin \n") {
		t.Error("without a fork URL, the step shows git remote set-url with an empty URL")
	}
	if strings.Contains(strings.ReplaceAll(text, "```", ""), "``") {
		t.Error("without a fork URL, the step shows an empty code span")
	}
}

func TestEveryTextRendersWithEmptyValues(t *testing.T) {
	t.Parallel()
	w := mustEmbedded(t)
	for _, id := range stepIDs {
		if _, err := w.StepText(id, Values{}); err != nil {
			t.Errorf("StepText(%q) with empty values: %v", id, err)
		}
	}
	if _, err := w.IntroText(Values{}); err != nil {
		t.Errorf("IntroText with empty values: %v", err)
	}
	if _, err := w.OutroText(Values{}); err != nil {
		t.Errorf("OutroText with empty values: %v", err)
	}
}

func TestHintText(t *testing.T) {
	t.Parallel()
	w := mustEmbedded(t)
	v := testValues()
	for _, s := range w.Steps {
		for n := range s.Hints {
			hint, err := w.HintText(s.ID, n, v)
			if err != nil {
				t.Fatalf("HintText(%q, %d): %v", s.ID, n, err)
			}
			if strings.Contains(hint, "{{") || strings.TrimSpace(hint) == "" {
				t.Errorf("hint %d of %s is not filled in: %q", n, s.ID, hint)
			}
		}
	}

	hint, err := w.HintText("own-keys", 1, v)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(hint, "--user-name "+v.AppIAMUser) {
		t.Errorf("own-keys hint 1 = %q, want the app user filled in", hint)
	}
}

func TestLookupErrors(t *testing.T) {
	t.Parallel()
	w := mustEmbedded(t)
	if _, err := w.StepText("no-such-step", testValues()); !errors.Is(err, ErrStepNotFound) {
		t.Errorf("StepText of an unknown step: error %v, want ErrStepNotFound", err)
	}
	if _, err := w.HintText("no-such-step", 0, testValues()); !errors.Is(err, ErrStepNotFound) {
		t.Errorf("HintText of an unknown step: error %v, want ErrStepNotFound", err)
	}
	for _, n := range []int{-1, 99} {
		if _, err := w.HintText("hardcode", n, testValues()); !errors.Is(err, ErrHintNotFound) {
			t.Errorf("HintText(hardcode, %d): error %v, want ErrHintNotFound", n, err)
		}
	}
}

// goldenCase is one rendered text compared with a file in testdata/golden.
type goldenCase struct {
	file string
	text func(*Workshop) (string, error)
}

func goldenCases(w *Workshop) []goldenCase {
	v := testValues()
	beforeFork := testValues()
	beforeFork.ForkURL = ""
	cases := []goldenCase{
		{"intro.md", func(w *Workshop) (string, error) { return w.IntroText(v) }},
		{"outro.md", func(w *Workshop) (string, error) { return w.OutroText(v) }},
		{"03-fork-and-push.before-fork.md", func(w *Workshop) (string, error) { return w.StepText("fork-and-push", beforeFork) }},
	}
	for _, s := range w.Steps {
		cases = append(cases, goldenCase{s.File, func(w *Workshop) (string, error) { return w.StepText(s.ID, v) }})
	}
	return cases
}

// TestGoldenPlainOutput compares the plain rendering of every text with
// testdata/golden. Run `go test ./lessons -run Golden -update` after changing
// a lesson, and review the diff.
func TestGoldenPlainOutput(t *testing.T) {
	w := mustEmbedded(t)
	for _, c := range goldenCases(w) {
		text, err := c.text(w)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		var out strings.Builder
		if err := Render(&out, text, RenderOptions{TTY: false}); err != nil {
			t.Fatalf("%s: Render: %v", c.file, err)
		}

		path := filepath.Join("testdata", "golden", c.file)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read golden file (run with -update to create it): %v", err)
		}
		if out.String() != string(want) {
			t.Errorf("%s differs from %s; run with -update and review the diff", c.file, path)
		}
	}
}

// TestNoSecretsInLessons runs gitleaks' default rules over the lesson
// sources and the golden files, which must look like no leaked key.
func TestNoSecretsInLessons(t *testing.T) {
	t.Parallel()
	detector, err := detect.NewDetectorDefaultConfig()
	if err != nil {
		t.Fatalf("create gitleaks detector: %v", err)
	}
	var paths []string
	for _, pattern := range []string{"secrets/*", "testdata/golden/*"} {
		matches, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, matches...)
	}
	for _, path := range paths {
		content, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, finding := range detector.DetectBytes(content) {
			t.Errorf("%s: gitleaks rule %s matches line %d", path, finding.RuleID, finding.StartLine)
		}
	}
}
