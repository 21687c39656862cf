package githost

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/secretslab/workshop/internal/secretscan"
)

// historyOf scans the history of the learner's clone of f.
func historyOf(t *testing.T, f *forge, known ...secretscan.Value) *HistoryResult {
	t.Helper()
	scanner, err := secretscan.New(secretscan.Options{Known: known})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ScanHistory(context.Background(), HistoryOptions{RepoDir: f.git(f.work, "rev-parse", "--absolute-git-dir"), Scanner: scanner})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// place is where a finding is: rule, commit, path and line.
type place struct {
	rule, commit, path string
	line               int
}

func placesOf(findings []secretscan.Finding, blocking bool) []place {
	var out []place
	for _, f := range findings {
		if f.Blocking == blocking {
			out = append(out, place{f.RuleID, f.Commit, f.Path, f.Line})
		}
	}
	return out
}

// TestScanHistoryFindsEveryIntroduction builds a history with secrets
// added and deleted, edited around, renamed, merged in, encoded, and put
// in messages, and checks each is reported once, at the commit that
// introduced it.
func TestScanHistoryFindsEveryIntroduction(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	pair, other, encoded := fakePair(t), fakePair(t), fakePair(t)
	token, mergeToken, tagToken := fakeGitHubToken(t), fakeGitHubToken(t), fakeGitHubToken(t)

	f.write("config.py", configWithPair(pair))
	added := f.commit("Add keys")
	f.write("config.py", "REGION = \"eu-west-1\"\n")
	f.commit("Remove keys")

	f.write("ci.py", strings.Repeat("print('step')\n", 200)+"TOKEN = \""+token+"\"\n")
	tokenCommit := f.commit("Add the CI script")
	f.write("ci.py", "# CI\n"+strings.Repeat("print('step')\n", 200)+"TOKEN = \""+token+"\"\nprint('done')\n")
	f.commit("Edit the CI script around the token")
	f.git(f.work, "mv", "ci.py", "build.py")
	f.commit("Rename the CI script")

	f.write("values.yaml", "blob: "+base64.StdEncoding.EncodeToString([]byte("id="+encoded.ID+"\nsecret="+encoded.Secret+"\n"))+"\n")
	encodedCommit := f.commit("Add chart values")

	f.git(f.work, "checkout", "--quiet", "-b", "feature")
	f.write("feature.py", "print('feature')\n")
	f.commit("Add a feature")
	f.git(f.work, "checkout", "--quiet", "main")
	f.write("app.py", "print('main')\n")
	f.commit("Change the app")
	f.git(f.work, "merge", "--quiet", "--no-commit", "feature")
	f.write("feature.py", "print('feature')\nTOKEN = \""+mergeToken+"\"\n")
	merge := f.commit("Merge feature")

	f.write("notes.txt", "nothing here\n")
	f.git(f.work, "add", "-A")
	f.git(f.work, "commit", "--quiet", "-m", "Add notes\n\nDeploy key "+other.ID+" "+other.Secret)
	message := f.git(f.work, "rev-parse", "HEAD")
	f.git(f.work, "tag", "-a", "v1.0", "-m", "Release\n\nUse "+tagToken)
	tag := f.git(f.work, "rev-parse", "v1.0")

	res := historyOf(t, f)
	want := []place{
		{secretscan.RuleAWSKeyPair, added, "config.py", 3},
		{"github-pat", tokenCommit, "ci.py", 201},
		{secretscan.RuleAWSKeyPair, encodedCommit, "values.yaml", 1},
		{"github-pat", merge, "feature.py", 2},
		{secretscan.RuleAWSKeyPair, message, PathCommitMessage, 3},
		{"github-pat", tag, PathTagMessage, 3},
	}
	if got := placesOf(res.Findings, true); !slices.Equal(got, want) {
		t.Errorf("blocking findings at\n%v\nwant\n%v", got, want)
	}
	if want := f.git(f.work, "rev-list", "--all", "--count"); fmt.Sprint(res.Commits) != want {
		t.Errorf("Commits = %d, want %s", res.Commits, want)
	}
}

// TestScanHistoryLongFileEdits edits a long file many times with a secret
// in it, which the scan reads incrementally, and checks the secret is
// reported once and a secret added late is found at its commit.
func TestScanHistoryLongFileEdits(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	var lines []string
	for i := range 2000 {
		lines = append(lines, fmt.Sprintf("value_%d = compute(%d)\n", i, i))
	}
	pair := fakePair(t)
	lines[1000] = "AWS_ACCESS_KEY_ID = \"" + pair.ID + "\"\nAWS_SECRET_ACCESS_KEY = \"" + pair.Secret + "\"\n"
	f.write("big.py", strings.Join(lines, ""))
	first := f.commit("Add the big file")
	for i := range 15 {
		lines[100*i+7] = fmt.Sprintf("value_%d = compute(%d) + 1\n", i, i)
		f.write("big.py", strings.Join(lines, ""))
		f.commit(fmt.Sprintf("Edit %d", i))
	}
	token := fakeGitHubToken(t)
	lines[1500] = "TOKEN = \"" + token + "\"\n"
	f.write("big.py", strings.Join(lines, ""))
	late := f.commit("Add a token")

	res := historyOf(t, f)
	want := []place{
		{secretscan.RuleAWSKeyPair, first, "big.py", 1001},
		{"github-pat", late, "big.py", 1502},
	}
	if got := placesOf(res.Findings, true); !slices.Equal(got, want) {
		t.Errorf("blocking findings at %v, want %v", got, want)
	}
}

func TestScanHistoryIssuedValues(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	pair := fakePair(t)
	f.write("notes.md", "The id is "+pair.ID+".\n")
	commit := f.commit("Add notes")
	res := historyOf(t, f, secretscan.Value{Label: "fake access key id", Value: pair.ID})
	want := []place{{secretscan.RuleIssuedValue, commit, "notes.md", 1}}
	if got := placesOf(res.Findings, true); !slices.Equal(got, want) {
		t.Errorf("blocking findings at %v, want %v", got, want)
	}
}

func TestParseDiffTreeStream(t *testing.T) {
	t.Parallel()
	const (
		c1 = "1111111111111111111111111111111111111111"
		c2 = "2222222222222222222222222222222222222222"
		a  = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		b  = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
		z  = "0000000000000000000000000000000000000000"
	)
	out := c1 + "\x00:000000 100644 " + z + " " + a + " A\x00new.py\x00" +
		c2 + "\x00:100644 100644 " + a + " " + b + " R090\x00new.py\x00moved.py\x00"
	var got []string
	err := parseDiffTreeStream(bufio.NewReader(strings.NewReader(out)), func(commit string, changes []change) error {
		for _, c := range changes {
			got = append(got, fmt.Sprintf("%s %s %s %v %v", commit[:1], c.path, c.blob[:1], c.newPath, c.parents))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1 new.py a true []", "2 moved.py b true [" + a + "]"}
	if !slices.Equal(got, want) {
		t.Errorf("changes = %q, want %q", got, want)
	}
	if err := parseDiffTreeStream(bufio.NewReader(strings.NewReader(c1+"\x00:100644 100644 "+a)), func(string, []change) error { return nil }); err == nil {
		t.Error("a truncated entry parsed without an error")
	}
}
