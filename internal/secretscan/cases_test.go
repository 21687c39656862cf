package secretscan

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Inputs that secret scanners have been reported to miss, flag wrongly or
// report badly, each with the result push protection must give.

func blockingFindings(findings []Finding) []Finding {
	var out []Finding
	for _, f := range findings {
		if f.Blocking {
			out = append(out, f)
		}
	}
	return out
}

// assertBlockedBy fails unless exactly one secret blocks and it is ruleID.
func assertBlockedBy(t *testing.T, findings []Finding, ruleID string) Finding {
	t.Helper()
	blocking := blockingFindings(findings)
	if len(blocking) != 1 || blocking[0].RuleID != ruleID {
		t.Fatalf("blocking findings = %+v, want one %s", blocking, ruleID)
	}
	return blocking[0]
}

func assertNotBlocked(t *testing.T, findings []Finding) {
	t.Helper()
	if blocking := blockingFindings(findings); len(blocking) > 0 {
		t.Fatalf("blocking findings = %+v, want none", blocking)
	}
}

func assertCleanExcerpts(t *testing.T, findings []Finding, secrets ...string) {
	t.Helper()
	for _, f := range findings {
		if strings.ContainsRune(f.Excerpt, '\r') {
			t.Errorf("excerpt %q holds a carriage return", f.Excerpt)
		}
		if n := utf8.RuneCountInString(f.Excerpt); n > MaxExcerptLength {
			t.Errorf("excerpt of %s has %d characters, want at most %d", f.RuleID, n, MaxExcerptLength)
		}
		for _, s := range secrets {
			if strings.Contains(f.Excerpt, s[4:]) {
				t.Errorf("excerpt %q shows a secret", f.Excerpt)
			}
		}
	}
}

func TestCRLFEnvFileBlockedWithRightLines(t *testing.T) {
	t.Parallel()
	pair := fakePair(t)
	content := "# local settings\r\nAWS_ACCESS_KEY_ID=" + pair.ID + "\r\nAWS_SECRET_ACCESS_KEY=" + pair.Secret + "\r\nDB_PASSWORD=" + fakeChars(t, fakeAlnum, 20) + "\r\n"
	findings := testScanner(t).Scan(".env", []byte(content))
	f := assertBlockedBy(t, findings, RuleAWSKeyPair)
	if f.Line != 2 || f.Column != 19 {
		t.Errorf("pair at line %d column %d, want line 2 column 19", f.Line, f.Column)
	}
	if want := "AWS_ACCESS_KEY_ID=" + pair.ID[:4] + "…"; f.Excerpt != want {
		t.Errorf("Excerpt = %q, want %q", f.Excerpt, want)
	}
	if g, ok := findRule(findings, "generic-api-key"); !ok || g.Line != 4 {
		t.Errorf("generic finding = %+v, want one on line 4", g)
	}
	assertCleanExcerpts(t, findings, pair.Secret)
	if f.SecretID != SecretID(RuleAWSKeyPair, pair.ID+":"+pair.Secret) {
		t.Errorf("SecretID differs from the LF file's, so a carriage return reached the value")
	}
}

func TestUTF16FilesScanned(t *testing.T) {
	t.Parallel()
	pair := fakePair(t)
	text := "[default]\r\naws_access_key_id = " + pair.ID + "\r\naws_secret_access_key = " + pair.Secret + "\r\n"
	units := utf16.Encode([]rune(text))
	encode := func(bom []byte, bigEndian bool) []byte {
		out := append([]byte(nil), bom...)
		for _, u := range units {
			if bigEndian {
				out = append(out, byte(u>>8), byte(u))
			} else {
				out = append(out, byte(u), byte(u>>8))
			}
		}
		return out
	}
	tests := map[string][]byte{
		"utf-16le with BOM":    encode([]byte{0xFF, 0xFE}, false),
		"utf-16be with BOM":    encode([]byte{0xFE, 0xFF}, true),
		"utf-16le without BOM": encode(nil, false),
		"utf-8 with BOM":       append([]byte{0xEF, 0xBB, 0xBF}, text...),
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if IsBinary(data) {
				t.Fatal("IsBinary = true, want text")
			}
			f := assertBlockedBy(t, testScanner(t).Scan("credentials", data), RuleAWSKeyPair)
			if f.Line != 2 {
				t.Errorf("pair on line %d, want 2", f.Line)
			}
		})
	}
}

func TestJSONDocumentPairBlocked(t *testing.T) {
	t.Parallel()
	pair := fakePair(t)
	content := fmt.Sprintf("{\n  \"example\": {\n    \"awsAccessKeyId\": %q,\n    \"awsSecretAccessKey\": %q\n  }\n}\n", pair.ID, pair.Secret)
	f := assertBlockedBy(t, testScanner(t).Scan("docs/api.json", []byte(content)), RuleAWSKeyPair)
	if f.Line != 3 {
		t.Errorf("pair on line %d, want 3", f.Line)
	}
}

func TestKeyIDAloneReportedNotBlocked(t *testing.T) {
	t.Parallel()
	pair := fakePair(t)
	findings := testScanner(t).Scan("config.py", []byte("AWS_ACCESS_KEY_ID = \""+pair.ID+"\"\n"))
	assertNotBlocked(t, findings)
	f, ok := findRule(findings, RuleAWSKeyID)
	if !ok || !strings.Contains(f.Description, "without a secret access key") {
		t.Fatalf("findings = %+v, want an access key ID reported without its secret", findings)
	}
}

func TestPairSplitAcrossFilesNotBlocked(t *testing.T) {
	t.Parallel()
	pair := fakePair(t)
	s := testScanner(t)
	assertNotBlocked(t, s.Scan("settings/id.py", []byte("KEY_ID = \""+pair.ID+"\"\n")))
	assertNotBlocked(t, s.Scan("settings/secret.py", []byte("KEY_SECRET = \""+pair.Secret+"\"\n")))
}

func TestLockfileIntegrityNotBlocked(t *testing.T) {
	t.Parallel()
	raw := make([]byte, 64)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	hash := []byte(base64.StdEncoding.EncodeToString(raw))
	copy(hash[20:], "aWs") // letters an old rule read as the start of an AWS key
	content := fmt.Sprintf("{\n  \"packages\": {\n    \"node_modules/left-pad\": {\n      \"version\": \"1.3.0\",\n      \"integrity\": \"sha512-%s\"\n    }\n  }\n}\n", hash)
	for _, path := range []string{"package-lock.json", "deps/manifest.json"} {
		assertNotBlocked(t, testScanner(t).Scan(path, []byte(content)))
	}
}

func TestNotebookImageNotBlocked(t *testing.T) {
	t.Parallel()
	img := image.NewRGBA(image.Rect(0, 0, 28, 28))
	noise := make([]byte, len(img.Pix))
	if _, err := rand.Read(noise); err != nil {
		t.Fatal(err)
	}
	for i := range 28 * 28 {
		img.Set(i%28, i/28, color.RGBA{noise[4*i], noise[4*i+1], noise[4*i+2], 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	encoded := base64.StdEncoding.EncodeToString(buf.Bytes())
	if len(encoded) < 3000 {
		t.Fatalf("test image is %d base64 characters, want about 3 KB", len(encoded))
	}
	cell := map[string]any{
		"cell_type": "markdown",
		"metadata":  map[string]any{},
		"source":    []string{"## Results\n", "![chart](data:image/png;base64," + encoded + ")"},
	}
	notebook, err := json.MarshalIndent(map[string]any{"cells": []any{cell}, "nbformat": 4, "nbformat_minor": 5}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	assertNotBlocked(t, testScanner(t).Scan("analysis.ipynb", notebook))
}

func TestInvalidKeyIDPrefixNotBlocked(t *testing.T) {
	t.Parallel()
	pair := fakePair(t)
	invalid := "AK" + "IV" + pair.ID[4:]
	content := "aws_access_key_id = " + invalid + "\naws_secret_access_key = " + pair.Secret + "\n"
	findings := testScanner(t).Scan("credentials", []byte(content))
	assertNotBlocked(t, findings)
	if _, ok := findRule(findings, RuleAWSKeyID); ok {
		t.Errorf("findings = %+v, want no access key ID for the prefix AKIV", findings)
	}
}

func TestBase64JSONPrivateKeyBlocked(t *testing.T) {
	t.Parallel()
	doc, err := json.Marshal(map[string]string{"type": "service_account", "private_key": fakePrivateKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(doc, []byte(`\n`)) {
		t.Fatal("test document has no escaped newlines")
	}
	content := "SERVICE_ACCOUNT=" + base64.StdEncoding.EncodeToString(doc) + "\n"
	f := assertBlockedBy(t, testScanner(t).Scan("deploy.env", []byte(content)), "private-key")
	if f.Line != 1 || !strings.HasPrefix(f.Excerpt, "SERVICE_ACCOUNT=") {
		t.Errorf("finding at line %d with excerpt %q, want line 1 and the encoded blob redacted", f.Line, f.Excerpt)
	}
	assertCleanExcerpts(t, []Finding{f}, base64.StdEncoding.EncodeToString(doc))
}

func TestSessionTokenWithTemporaryIDBlocked(t *testing.T) {
	t.Parallel()
	token := fakeSessionToken(t)
	content := "aws_access_key_id = " + fakeTemporaryID(t) + "\naws_session_token = " + token + "\n"
	findings := testScanner(t).Scan("credentials", []byte(content))
	f := assertBlockedBy(t, findings, RuleAWSSessionToken)
	if f.SecretID != SecretID(RuleAWSSessionToken, token) {
		t.Error("the finding does not cover the whole token with its padding")
	}
	assertCleanExcerpts(t, findings, token, token[len(token)-20:])
}

// minifiedLine returns a single line of about size bytes of minified code
// with insert placed in its middle.
func minifiedLine(size int, insert string) string {
	var b strings.Builder
	b.WriteString("!function(e){var t={")
	for i := 0; b.Len() < size/2; i++ {
		fmt.Fprintf(&b, "m%d:function(n,r){return n.key===r.token?e.auth(n):r.apiVersion},", i)
	}
	b.WriteString(insert)
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "q%d:[\"data\",\"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3\"],", i)
	}
	b.WriteString("}}(window);")
	return b.String()
}

func TestMinifiedLineExcerptShort(t *testing.T) {
	t.Parallel()
	pair := fakePair(t)
	tests := []struct {
		name   string
		insert string
		rule   string
		block  bool
	}{
		{"api key", `apiKey:"` + fakeChars(t, fakeAlnum, 40) + `",`, "generic-api-key", false},
		{"key pair", `accessKeyId:"` + pair.ID + `",secretAccessKey:"` + pair.Secret + `",`, RuleAWSKeyPair, true},
		{"github token", `ghToken:"` + fakeGitHubToken(t) + `",`, "github-pat", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			line := minifiedLine(2<<20, tt.insert)
			start := time.Now()
			findings := testScanner(t).Scan("static/app.min.js", []byte(line))
			if elapsed := time.Since(start); elapsed > time.Second && !raceEnabled {
				t.Errorf("scan of a %d-byte line took %v, want well under a second", len(line), elapsed)
			}
			f, ok := findRule(findings, tt.rule)
			if !ok || f.Blocking != tt.block || f.Line != 1 {
				t.Fatalf("findings = %+v, want %s on line 1 with Blocking %v", findings, tt.rule, tt.block)
			}
			assertCleanExcerpts(t, findings, pair.Secret, pair.ID)
			if !strings.Contains(f.Excerpt, tt.insert[:5]) {
				t.Errorf("excerpt %q does not show the code around the secret", f.Excerpt)
			}
		})
	}
}

func TestPasswordFragmentLineFast(t *testing.T) {
	t.Parallel()
	line := strings.Repeat(`password = "`, 100000/12) + "\n"
	start := time.Now()
	findings := testScanner(t).Scan("fragments.txt", []byte(line))
	if elapsed := time.Since(start); elapsed > time.Second && !raceEnabled {
		t.Errorf("scan took %v, want well under a second", elapsed)
	}
	assertNotBlocked(t, findings)
}
