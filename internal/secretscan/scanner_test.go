package secretscan

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
)

var (
	sharedScannerOnce sync.Once
	sharedScanner     *Scanner
	sharedScannerErr  error
)

// testScanner returns a Scanner without issued values, built once because
// parsing gitleaks' catalogue takes a while.
func testScanner(t testing.TB) *Scanner {
	t.Helper()
	sharedScannerOnce.Do(func() { sharedScanner, sharedScannerErr = New(Options{}) })
	if sharedScannerErr != nil {
		t.Fatal(sharedScannerErr)
	}
	return sharedScanner
}

// ruleIDs returns the rule ids of the findings that block, or of those that
// do not, in order.
func ruleIDs(findings []Finding, blocking bool) []string {
	var ids []string
	for _, f := range findings {
		if f.Blocking == blocking {
			ids = append(ids, f.RuleID)
		}
	}
	return ids
}

func findRule(findings []Finding, ruleID string) (Finding, bool) {
	for _, f := range findings {
		if f.RuleID == ruleID {
			return f, true
		}
	}
	return Finding{}, false
}

func TestScanRules(t *testing.T) {
	t.Parallel()
	pair := fakePair(t)
	gitSHA := hex.EncodeToString([]byte(fakeChars(t, fakeAlnum, 20)))
	token := fakeSessionToken(t)
	tests := []struct {
		name         string
		path         string
		content      string
		wantBlocking []string
		wantReported []string // non-blocking rule ids that must be present
	}{
		{
			name:         "pair on adjacent lines",
			path:         "config.py",
			content:      fmt.Sprintf("AWS_ACCESS_KEY_ID = %q\nAWS_SECRET_ACCESS_KEY = %q\n", pair.ID, pair.Secret),
			wantBlocking: []string{RuleAWSKeyPair},
		},
		{
			name:         "pair far apart without keywords",
			path:         "notes.txt",
			content:      "id " + pair.ID + "\n" + strings.Repeat("filler line\n", 50) + "sec: " + pair.Secret + "\n",
			wantBlocking: []string{RuleAWSKeyPair},
		},
		{
			name:         "id alone",
			path:         "config.py",
			content:      fmt.Sprintf("AWS_ACCESS_KEY_ID = %q\n", pair.ID),
			wantReported: []string{RuleAWSKeyID},
		},
		{
			name:         "id next to a git commit id",
			path:         "deploy.sh",
			content:      fmt.Sprintf("KEY=%s\nREV=%s\n", pair.ID, gitSHA),
			wantReported: []string{RuleAWSKeyID},
		},
		{
			name:         "session token with a temporary id",
			path:         "credentials",
			content:      fmt.Sprintf("[default]\naws_access_key_id = %s\naws_session_token = %s\n", fakeTemporaryID(t), token),
			wantBlocking: []string{RuleAWSSessionToken},
			wantReported: []string{RuleAWSKeyID},
		},
		{
			name:         "session token alone",
			path:         "token.txt",
			content:      "aws_session_token = " + token + "\n",
			wantReported: []string{RuleAWSSessionToken},
		},
		{
			name:         "github token",
			path:         "ci.yml",
			content:      "env:\n  GH_TOKEN: " + fakeGitHubToken(t) + "\n",
			wantBlocking: []string{"github-pat"},
		},
		{
			name:         "private key",
			path:         "deploy/key.pem",
			content:      fakePrivateKey(t),
			wantBlocking: []string{"private-key"},
		},
		{
			name:         "slack bot token",
			path:         "bot.js",
			content:      "const token = '" + fakeSlackBotToken(t) + "';\n",
			wantBlocking: []string{"slack-bot-token"},
		},
		{
			name:         "stripe key",
			path:         "pay.rb",
			content:      "Stripe.api_key = \"" + fakeStripeKey(t) + "\"\n",
			wantBlocking: []string{"stripe-access-token"},
		},
		{
			name:         "base64 of a config holding a pair",
			path:         "values.yaml",
			content:      "blob: " + base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("aws_access_key_id=%s\naws_secret_access_key=%s\n", pair.ID, pair.Secret))) + "\n",
			wantBlocking: []string{RuleAWSKeyPair},
		},
		{
			name:         "base64 of a github token",
			path:         "secret.yaml",
			content:      "data:\n  token: " + base64.StdEncoding.EncodeToString([]byte(fakeGitHubToken(t))) + "\n",
			wantBlocking: []string{"github-pat"},
		},
		{
			name:         "generic password does not block",
			path:         "settings.py",
			content:      "DB_PASSWORD = \"" + fakeChars(t, fakeAlnum, 24) + "\"\n",
			wantReported: []string{"generic-api-key"},
		},
		{
			name:    "plain code",
			path:    "app.py",
			content: "import os\n\nprint(os.environ['HOME'])\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			findings := testScanner(t).Scan(tt.path, []byte(tt.content))
			if got := strings.Join(ruleIDs(findings, true), ","); got != strings.Join(tt.wantBlocking, ",") {
				t.Errorf("blocking rules = %q, want %q (findings %+v)", got, strings.Join(tt.wantBlocking, ","), findings)
			}
			for _, id := range tt.wantReported {
				if f, ok := findRule(findings, id); !ok || f.Blocking {
					t.Errorf("no non-blocking %s finding in %+v", id, findings)
				}
			}
			if len(tt.wantBlocking) == 0 && len(tt.wantReported) == 0 && len(findings) > 0 {
				t.Errorf("findings = %+v, want none", findings)
			}
		})
	}
}

func TestScanPairFinding(t *testing.T) {
	t.Parallel()
	pair := fakePair(t)
	content := fmt.Sprintf("import os\n\nAWS_ACCESS_KEY_ID = %q\nAWS_SECRET_ACCESS_KEY = %q\n", pair.ID, pair.Secret)
	findings := testScanner(t).Scan("config.py", []byte(content))
	if len(findings) != 1 {
		t.Fatalf("got %d findings, want 1: %+v", len(findings), findings)
	}
	f := findings[0]
	if f.RuleID != RuleAWSKeyPair || !f.Blocking {
		t.Errorf("finding = %+v, want a blocking %s", f, RuleAWSKeyPair)
	}
	if f.Path != "config.py" || f.Line != 3 || f.Column != 22 {
		t.Errorf("location = %s:%d:%d, want config.py:3:22", f.Path, f.Line, f.Column)
	}
	if f.Redacted != pair.ID[:4]+"…" {
		t.Errorf("Redacted = %q, want %q", f.Redacted, pair.ID[:4]+"…")
	}
	if want := `AWS_ACCESS_KEY_ID = "` + pair.ID[:4] + `…"`; f.Excerpt != want {
		t.Errorf("Excerpt = %q, want %q", f.Excerpt, want)
	}
	if f.SecretID != SecretID(RuleAWSKeyPair, pair.ID+":"+pair.Secret) || len(f.SecretID) != 16 {
		t.Errorf("SecretID = %q, want the hash of the pair", f.SecretID)
	}
	again := testScanner(t).Scan("other/settings.py", []byte("x = 1\n"+content))
	if len(again) != 1 || again[0].SecretID != f.SecretID {
		t.Errorf("the same pair in another file has findings %+v, want one with secret id %s", again, f.SecretID)
	}
}

func TestScanSessionTokenRedactedWhole(t *testing.T) {
	t.Parallel()
	token := fakeSessionToken(t)
	if !strings.HasSuffix(token, "==") {
		t.Fatalf("test token %q… does not end in padding", token[:8])
	}
	content := fmt.Sprintf("AWS_ACCESS_KEY_ID=%s\nAWS_SESSION_TOKEN=%s\n", fakeTemporaryID(t), token)
	findings := testScanner(t).Scan(".env", []byte(content))
	f, ok := findRule(findings, RuleAWSSessionToken)
	if !ok || !f.Blocking {
		t.Fatalf("no blocking session token finding in %+v", findings)
	}
	if f.SecretID != SecretID(RuleAWSSessionToken, token) {
		t.Errorf("SecretID does not cover the whole token with its padding")
	}
	if f.Line != 2 || f.Excerpt != "AWS_SESSION_TOKEN="+token[:4]+"…" {
		t.Errorf("line %d excerpt %q, want line 2 and the token redacted to its first 4 characters", f.Line, f.Excerpt)
	}
	if strings.Contains(f.Excerpt, token[len(token)-12:]) {
		t.Errorf("excerpt %q shows the end of the token", f.Excerpt)
	}
}

func TestScanIssuedValues(t *testing.T) {
	t.Parallel()
	pair := fakePair(t)
	s, err := New(Options{Known: []Value{
		{Label: "fake access key id", Value: pair.ID},
		{Label: "fake secret access key", Value: pair.Secret},
	}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		content  string
		wantRule string
	}{
		{"secret alone in plain text", "the key is " + pair.Secret + "\n", RuleIssuedValue},
		{"id alone", "id: " + pair.ID + "\n", RuleIssuedValue},
		{"secret as hex", "blob = " + hex.EncodeToString([]byte(pair.Secret)) + "\n", RuleIssuedValue},
		{"pair reported as the pair", pair.ID + "\n" + pair.Secret + "\n", RuleAWSKeyPair},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			findings := s.Scan("notes.md", []byte(tt.content))
			if got := ruleIDs(findings, true); len(got) != 1 || got[0] != tt.wantRule {
				t.Fatalf("blocking rules = %v, want [%s] (findings %+v)", got, tt.wantRule, findings)
			}
			for _, f := range findings {
				if strings.Contains(f.Excerpt, pair.Secret[4:]) || strings.Contains(f.Redacted, pair.Secret[4:]) {
					t.Errorf("finding %+v shows the secret", f)
				}
			}
		})
	}
}

func TestScanIssuedValueInBinary(t *testing.T) {
	t.Parallel()
	pair := fakePair(t)
	s, err := New(Options{Known: []Value{{Label: "fake secret access key", Value: pair.Secret}}})
	if err != nil {
		t.Fatal(err)
	}
	data := append([]byte{0x89, 'P', 'N', 'G', 0, 0, 0, 0}, []byte("tEXt"+pair.Secret)...)
	if !IsBinary(data) {
		t.Fatal("IsBinary = false for data with NUL bytes")
	}
	findings := s.Scan("logo.png", data)
	if len(findings) != 1 || findings[0].RuleID != RuleIssuedValue || !findings[0].Blocking {
		t.Fatalf("findings = %+v, want one blocking issued value", findings)
	}
	if findings[0].Excerpt != "binary data at byte 12" {
		t.Errorf("Excerpt = %q, want the byte offset", findings[0].Excerpt)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"":                     "…",
		"abc":                  "…",
		"abcdefgh":             "ab…",
		"abcdefghijklmnopqrst": "abcd…",
		"äöüßäöüßäöüßäöüß":     "äöüß…",
	}
	for in, want := range tests {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
