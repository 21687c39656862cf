package keys

import (
	"regexp"
	"testing"
)

func TestNewPairShape(t *testing.T) {
	t.Parallel()
	idPattern := regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`)
	secretPattern := regexp.MustCompile(`^[A-Za-z0-9/+]{40}$`)
	seen := map[string]bool{}
	for range 50 {
		p, err := NewPair(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !idPattern.MatchString(p.ID) {
			t.Errorf("id %s has the wrong shape", Redact(p.ID))
		}
		if !secretPattern.MatchString(p.Secret) {
			t.Errorf("secret %s has the wrong shape", Redact(p.Secret))
		}
		if hasRun(p.ID[4:], 3) || hasRun(p.Secret, 3) {
			t.Errorf("pair %s has a run of three equal characters", Redact(p.ID))
		}
		if seen[p.ID] {
			t.Errorf("id %s generated twice", Redact(p.ID))
		}
		seen[p.ID] = true
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "***"},
		{"abcd", "****"},
		{"abcdefgh", "abcd…"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactID(t *testing.T) {
	t.Parallel()
	id := "AKIA" + "ABCDEFGHIJKLMNOP"
	if got, want := RedactID(id), "AKIA…MNOP"; got != want {
		t.Errorf("RedactID = %q, want %q", got, want)
	}
	if got := RedactID("short"); got != "shor…" {
		t.Errorf("RedactID(short) = %q", got)
	}
}
