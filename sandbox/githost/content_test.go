package githost

import (
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/secretslab/workshop/internal/secretscan"
)

// Pushes whose file content needs care beyond plain UTF-8 text.

func TestCRLFFilePushBlocked(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	pair := fakePair(t)
	f.write(".env", "# local\r\nAWS_ACCESS_KEY_ID="+pair.ID+"\r\nAWS_SECRET_ACCESS_KEY="+pair.Secret+"\r\n")
	f.commit("Add env file")

	out, ok := f.push()
	if ok {
		t.Fatalf("push accepted:\n%s", out)
	}
	report := remoteLines(out)
	if !strings.Contains(report, "path: .env:2") {
		t.Errorf("report lacks .env:2:\n%s", report)
	}
	if strings.Contains(report, "\r") {
		t.Errorf("report holds a carriage return:\n%q", report)
	}
}

func TestUTF16FilePushBlocked(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	pair := fakePair(t)
	text := "[default]\r\naws_access_key_id = " + pair.ID + "\r\naws_secret_access_key = " + pair.Secret + "\r\n"
	data := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(text)) {
		data = append(data, byte(u), byte(u>>8))
	}
	f.write("credentials", string(data))
	f.commit("Add credentials")

	if out, ok := f.push(); ok {
		t.Fatalf("push of UTF-16 credentials accepted:\n%s", out)
	}
	if b := blockingOf(f.lastEvent()); len(b) != 1 || b[0].Path != "credentials" || b[0].Line != 2 {
		t.Errorf("blocking findings = %+v, want the pair at credentials:2", b)
	}
}

func TestBinaryBlobReportedSkipped(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	f.write("static/logo.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
	f.commit("Add logo")

	out, ok := f.push()
	if !ok {
		t.Fatalf("push of a binary file rejected:\n%s", out)
	}
	ev := f.lastEvent()
	if len(ev.Skipped) != 1 || !strings.HasPrefix(ev.Skipped[0], "static/logo.png in ") || !strings.Contains(ev.Skipped[0], "binary") {
		t.Errorf("skipped = %q, want the logo reported as binary", ev.Skipped)
	}
	if !strings.Contains(remoteLines(out), "not scanned for patterns") {
		t.Errorf("output does not report the skipped file:\n%s", out)
	}
}

func TestIssuedValueInBinaryBlocked(t *testing.T) {
	t.Parallel()
	pair := fakePair(t)
	f := newForge(t, secretscan.Value{Label: "fake secret access key", Value: pair.Secret})
	f.write("backup.bin", "\x00\x01\x02key="+pair.Secret+"\x00")
	f.commit("Add backup")

	if out, ok := f.push(); ok {
		t.Fatalf("push of a binary holding an issued value accepted:\n%s", out)
	}
	if b := blockingOf(f.lastEvent()); len(b) != 1 || b[0].RuleID != secretscan.RuleIssuedValue {
		t.Errorf("blocking findings = %+v, want the issued value", b)
	}
}

func TestKeyIDAlonePushAcceptedWithNote(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	pair := fakePair(t)
	f.write("config.py", "AWS_ACCESS_KEY_ID = \""+pair.ID+"\"\n")
	f.write("secrets/key.txt", "secret: "+pair.Secret+"\n")
	f.commit("Add the key id and, elsewhere, its secret")

	out, ok := f.push()
	if !ok {
		t.Fatalf("push with the id and secret in different files rejected:\n%s", out)
	}
	if !strings.Contains(remoteLines(out), "AWS access key ID without a secret access key in the same file") {
		t.Errorf("output does not report the lone key id:\n%s", out)
	}
	if strings.Contains(out, pair.ID[4:]) {
		t.Errorf("output shows the key id:\n%s", out)
	}
}

func TestRejectionNamesOnlyRefWithSecret(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	f.git(f.work, "checkout", "--quiet", "-b", "docs")
	f.write("README.md", "# Sample app\n\nMore docs.\n")
	f.commit("More docs")
	f.git(f.work, "checkout", "--quiet", "main")
	f.git(f.work, "checkout", "--quiet", "-b", "keys")
	f.write("config.py", configWithPair(fakePair(t)))
	f.commit("Add keys")

	out, ok := f.pushRefs("docs", "keys")
	if ok {
		t.Fatalf("push accepted:\n%s", out)
	}
	report := remoteLines(out)
	if !strings.Contains(report, "rejected the push to refs/heads/keys\n") {
		t.Errorf("report does not name refs/heads/keys alone:\n%s", report)
	}
	if refs := f.lastEvent().Refs; len(refs) != 2 {
		t.Errorf("event refs = %+v, want both updates", refs)
	}
}

func TestRefDeletionAndExistingCommitsAccepted(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	if out, ok := f.pushRefs("HEAD:refs/heads/copy"); !ok {
		t.Fatalf("push of an existing commit to a new branch rejected:\n%s", out)
	}
	if ev := f.lastEvent(); len(ev.Findings) != 0 || ev.Blocked {
		t.Errorf("event = %+v, want nothing scanned", ev)
	}
	if out, ok := f.pushRefs(":refs/heads/copy"); !ok {
		t.Fatalf("branch deletion rejected:\n%s", out)
	}
}

func TestLargeTextBlobSearchedForIssuedValuesOnly(t *testing.T) {
	t.Parallel()
	pair := fakePair(t)
	f := newForge(t, secretscan.Value{Label: "fake access key id", Value: pair.ID})
	filler := strings.Repeat("# generated data line\n", maxPatternBytes/22+1)
	f.write("data/dump.py", filler+"TOKEN = \""+fakeGitHubToken(t)+"\"\n")
	f.commit("Add a large dump")
	if out, ok := f.push(); !ok {
		t.Fatalf("push of a large file without issued values rejected:\n%s", out)
	}
	if skipped := f.lastEvent().Skipped; len(skipped) != 1 || !strings.Contains(skipped[0], "issued values only") {
		t.Errorf("skipped = %q, want the large file searched for issued values only", skipped)
	}

	f.write("data/dump.py", filler+"KEY = \""+pair.ID+"\"\n")
	f.commit("Add the key to the dump")
	if out, ok := f.push(); ok {
		t.Fatalf("push of a large file holding an issued value accepted:\n%s", out)
	}
	if b := blockingOf(f.lastEvent()); len(b) != 1 || b[0].RuleID != secretscan.RuleIssuedValue {
		t.Errorf("blocking findings = %+v, want the issued key id", b)
	}
}
