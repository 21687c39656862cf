package checks

import (
	"strings"
	"testing"

	"github.com/secretslab/workshop/internal/keys"
)

func TestParseStoredPair(t *testing.T) {
	t.Parallel()
	pair, err := keys.NewPair(nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, value string
		wantOK      bool
	}{
		{"json pair", secretJSON(pair.ID, pair.Secret), true},
		{"extra members", `{"UserName":"u","AWS_ACCESS_KEY_ID":"` + pair.ID + `","AWS_SECRET_ACCESS_KEY":"` + pair.Secret + `"}`, true},
		{"wrong member names", `{"access_key":"` + pair.ID + `","secret_key":"` + pair.Secret + `"}`, false},
		{"plain text", pair.ID + ":" + pair.Secret, false},
		{"empty secret", `{"AWS_ACCESS_KEY_ID":"` + pair.ID + `","AWS_SECRET_ACCESS_KEY":""}`, false},
		{"number instead of string", `{"AWS_ACCESS_KEY_ID":1,"AWS_SECRET_ACCESS_KEY":2}`, false},
		{"json array", `["a","b"]`, false},
	}
	for _, tt := range tests {
		got := parseStoredPair(tt.value)
		if (got.Problem == "") != tt.wantOK {
			t.Errorf("%s: problem = %q, want ok=%t", tt.name, got.Problem, tt.wantOK)
		}
		if strings.Contains(got.Problem, pair.Secret) {
			t.Errorf("%s: problem text discloses the secret", tt.name)
		}
	}
}

func TestHasConflictMarker(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want bool
	}{
		{"<<<<<<< HEAD\na\n=======\nb\n>>>>>>> abc\n", true},
		{"a\n=======\n", true},
		{"# ======= a heading rule\n", false},
		{"x = '<<<<<<<'\n", false},
		{"plain\n", false},
	}
	for _, tt := range tests {
		if got := hasConflictMarker([]byte(tt.text)); got != tt.want {
			t.Errorf("hasConflictMarker(%q) = %t, want %t", tt.text, got, tt.want)
		}
	}
}

func TestRedactKeysInEvidence(t *testing.T) {
	t.Parallel()
	pair, err := keys.NewPair(nil)
	if err != nil {
		t.Fatal(err)
	}
	msg := "KeyError: '" + pair.Secret + "' and id " + pair.ID
	got := redactKeys(msg)
	if strings.Contains(got, pair.Secret) || strings.Contains(got, pair.ID) {
		t.Errorf("redactKeys left a key in %q", got)
	}
	if !strings.Contains(got, "KeyError") {
		t.Errorf("redactKeys lost the message: %q", got)
	}
}

func TestSameRepo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		remote, url string
		want        bool
	}{
		{"file:///sb/githost/ada/app.git", "file:///sb/githost/ada/app.git", true},
		{"/sb/githost/ada/app.git", "file:///sb/githost/ada/app.git", true},
		{"/sb/githost/ada/app.git/", "file:///sb/githost/ada/app.git", true},
		{"file:///sb/githost/upstream/app.git", "file:///sb/githost/ada/app.git", false},
		{"", "file:///sb/githost/ada/app.git", false},
	}
	for _, tt := range tests {
		if got := sameRepo(tt.remote, tt.url); got != tt.want {
			t.Errorf("sameRepo(%q, %q) = %t, want %t", tt.remote, tt.url, got, tt.want)
		}
	}
}

func TestStepsOrderMatchesContract(t *testing.T) {
	t.Parallel()
	want := []string{StepHardcode, StepOwnKeys, StepForkAndPush, StepStoreSecret, StepUseSecret, StepRewriteHistory, StepPushClean, StepRotate}
	steps := Steps()
	if len(steps) != len(want) {
		t.Fatalf("%d steps, want %d", len(steps), len(want))
	}
	for i, s := range steps {
		if s.ID != want[i] {
			t.Errorf("step %d = %s, want %s", i, s.ID, want[i])
		}
		if s.Check == nil || s.Solve == nil {
			t.Errorf("step %s lacks a check or a solution", s.ID)
		}
		if len(s.Wrong) < 2 {
			t.Errorf("step %s has %d wrong solutions, want at least 2", s.ID, len(s.Wrong))
		}
	}
}
