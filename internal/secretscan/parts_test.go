package secretscan

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/secretslab/workshop/internal/keys"
)

func TestDecodeText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		data         []byte
		wantText     string
		wantEncoding string
	}{
		{"plain", []byte("a\nb\n"), "a\nb\n", TextUTF8},
		{"crlf", []byte("a\r\nb\r\n"), "a\nb\n", TextUTF8},
		{"lone carriage return kept", []byte("a\rb"), "a\rb", TextUTF8},
		{"utf-8 bom", []byte("\xEF\xBB\xBFa\r\n"), "a\n", TextUTF8BOM},
		{"utf-16le bom", []byte("\xFF\xFEa\x00\r\x00\n\x00"), "a\n", TextUTF16LE},
		{"utf-16be bom", []byte("\xFE\xFF\x00a\x00\r\x00\n"), "a\n", TextUTF16BE},
		{"utf-16le without bom", []byte("k\x00e\x00y\x00=\x001\x00\n\x00"), "key=1\n", TextUTF16LE},
		{"binary", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "", TextBinary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			text, encoding := DecodeText(tt.data)
			if text != tt.wantText || encoding != tt.wantEncoding {
				t.Errorf("DecodeText = %q, %q; want %q, %q", text, encoding, tt.wantText, tt.wantEncoding)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	t.Parallel()
	secret := fakeChars(t, fakeAlnum, 40)
	other := fakeChars(t, fakeAlnum, 30)
	long := strings.Repeat("ä", 100) + " key=" + secret + " other=" + other + " " + strings.Repeat("ö", 100)
	x := newLineIndex("first line\n" + long + "\nlast\n")
	start := strings.Index(x.text, secret)
	otherStart := strings.Index(x.text, other)
	redact := newSortedSpans([]span{{start, start + len(secret)}, {otherStart, otherStart + len(other)}})

	got := excerpt(x, start, start+len(secret), redact)
	if n := utf8.RuneCountInString(got); n > MaxExcerptLength {
		t.Errorf("excerpt has %d characters, want at most %d", n, MaxExcerptLength)
	}
	if !utf8.ValidString(got) {
		t.Errorf("excerpt %q cuts a character", got)
	}
	want := "key=" + secret[:4] + "… other=" + other[:4] + "… "
	if !strings.Contains(got, want) || !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Errorf("excerpt = %q, want it to contain %q and be cut on both sides", got, want)
	}
	if strings.Contains(got, secret[4:8]) || strings.Contains(got, other[4:8]) {
		t.Errorf("excerpt %q shows a secret", got)
	}
}

func TestInlineAllowMarkerIgnored(t *testing.T) {
	t.Parallel()
	content := "TOKEN = \"" + fakeGitHubToken(t) + "\"  # gitleaks:allow\n"
	assertBlockedBy(t, testScanner(t).Scan("ci.py", []byte(content)), "github-pat")
}

func TestPrivateKeyAcrossChunkLimit(t *testing.T) {
	t.Parallel()
	key := fakePrivateKey(t)
	for _, lead := range []int{chunkSize - 100, chunkSize - len(key)/2, chunkSize + 10} {
		filler := strings.Repeat("x = 1 # filler line\n", lead/20)
		content := filler + key + "print('done')\n"
		findings := testScanner(t).Scan("keys.py", []byte(content))
		f := assertBlockedBy(t, findings, "private-key")
		if want := strings.Count(filler, "\n") + 1; f.Line != want {
			t.Errorf("key after %d bytes found on line %d, want %d", lead, f.Line, want)
		}
	}
}

func TestLongLineWithEscapedPrivateKeyBlocked(t *testing.T) {
	t.Parallel()
	escaped := strings.ReplaceAll(fakePrivateKey(t), "\n", `\n`)
	line := `{"padding":"` + strings.Repeat("lorem ipsum ", 3000) + `","private_key":"` + escaped + `","tail":"` + strings.Repeat("dolor ", 3000) + "\"}\n"
	if len(line) <= longLine {
		t.Fatalf("test line has %d bytes, want more than %d", len(line), longLine)
	}
	f := assertBlockedBy(t, testScanner(t).Scan("service-account.json", []byte(line)), "private-key")
	if !strings.HasPrefix(f.Excerpt, `…`) || !strings.Contains(f.Excerpt, `"private_key":"`) {
		t.Errorf("excerpt = %q, want the code around the key", f.Excerpt)
	}
}

func TestDecodingOffMissesEncodedPair(t *testing.T) {
	t.Parallel()
	pair := fakePair(t)
	content := "blob: " + base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("id=%s\nsecret=%s\n", pair.ID, pair.Secret))) + "\n"
	s, err := New(Options{MaxDecodeDepth: -1})
	if err != nil {
		t.Fatal(err)
	}
	assertNotBlocked(t, s.Scan("values.yaml", []byte(content)))
	assertBlockedBy(t, testScanner(t).Scan("values.yaml", []byte(content)), RuleAWSKeyPair)
}

func TestIsSecretKey(t *testing.T) {
	t.Parallel()
	for range 2000 {
		s, err := keys.NewSecret(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !isSecretKey(s) {
			t.Fatalf("generated secret %s rejected", Redact(s))
		}
	}
	secret := fakePair(t).Secret
	for name, s := range map[string]string{
		"git commit id":        strings.Repeat("0123456789abcdef", 3)[:40],
		"documentation suffix": secret[:30] + "EXAMPLE" + "KEY",
		"no upper case":        fakeChars(t, "abcdefghijklmnopqrstuvwxyz0123456789/+", 40),
		"path":                 "src/main/java/com/example/service/Impl2a",
		"too short":            secret[:39],
		"too long":             secret + "A",
	} {
		if isSecretKey(s) {
			t.Errorf("%s %q accepted as a secret access key", name, s)
		}
	}
}

func TestBlockingRulesInCatalogue(t *testing.T) {
	t.Parallel()
	rules := testScanner(t).patterns.detector.Config.Rules
	for id := range blockingRules {
		if _, ok := rules[id]; !ok {
			t.Errorf("blocking rule %s is not in gitleaks' catalogue", id)
		}
		if strings.Contains(id, "generic") {
			t.Errorf("generic rule %s blocks", id)
		}
	}
	if _, ok := rules["aws-access-token"]; ok {
		t.Error("gitleaks' aws-access-token rule is still in the catalogue")
	}
}

func TestChunksCoverRegion(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("some line of code\n", 5000)
	r := region{start: 0, end: len(text)}
	fragments := chunksOf(text, r)
	if len(fragments) < 2 {
		t.Fatalf("got %d fragments, want several", len(fragments))
	}
	next := 0
	for _, f := range fragments {
		if f.start != next || f.limit > f.end || f.end > len(text) || f.limit-f.start > chunkSize+len("some line of code\n") {
			t.Fatalf("fragment %+v does not continue at %d within bounds", f, next)
		}
		if f.limit < len(text) && f.end-f.limit < chunkOverlap {
			t.Errorf("fragment %+v overlaps the next by less than %d bytes", f, chunkOverlap)
		}
		next = f.limit
	}
	if next != len(text) {
		t.Errorf("fragments end at %d, want %d", next, len(text))
	}
}

func TestRegionsOf(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", longLine+1) + "\n"
	text := "a\nb\n" + long + "c\n"
	got := regionsOf(text)
	want := []region{{0, 4, false}, {4, 4 + len(long), true}, {4 + len(long), len(text), false}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("regionsOf = %v, want %v", got, want)
	}
}

func TestAssignmentFollows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		after      string // text after the keyword
		needsValue bool
		want       bool
	}{
		{`Key:"abcdefghij1234"`, true, true},
		{` = 'abcdefghij1234'`, true, true},
		{`===r.token?e`, true, false},
		{`(n):r`, false, false},
		{`Version}`, false, false},
		{`_name: x`, false, true},
		{`_name: x`, true, false},
		{` || "abcdefghij1234"`, true, true},
	}
	for _, tt := range tests {
		line := "key" + tt.after
		if got := assignmentFollows(line, 3, tt.needsValue); got != tt.want {
			t.Errorf("assignmentFollows(%q, needsValue %v) = %v, want %v", line, tt.needsValue, got, tt.want)
		}
	}
}
