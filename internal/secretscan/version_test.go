package secretscan

import (
	"encoding/base64"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// editor applies random edits to the lines of a text: lines of real code
// moved around, fake secrets added, lines deleted.
type editor struct {
	t     *testing.T
	rng   *mrand.Rand
	pool  []string // lines of this package's sources
	lines []string
}

func newEditor(t *testing.T, seed uint64) *editor {
	t.Helper()
	paths, err := filepath.Glob("*.go")
	if err != nil || len(paths) == 0 {
		t.Fatalf("list the package's sources: %v", err)
	}
	e := &editor{t: t, rng: mrand.New(mrand.NewPCG(seed, 7))}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		e.pool = append(e.pool, strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")...)
	}
	start := e.rng.IntN(len(e.pool) - 1500)
	e.lines = slices.Clone(e.pool[start : start+600+e.rng.IntN(900)])
	return e
}

func (e *editor) text() []byte { return []byte(strings.Join(e.lines, "")) }

// edit makes one random change.
func (e *editor) edit() {
	at := e.rng.IntN(len(e.lines) + 1)
	switch e.rng.IntN(8) {
	case 0, 1:
		n := min(len(e.lines)-at, 1+e.rng.IntN(4))
		e.lines = slices.Delete(e.lines, at, at+n)
	case 2, 3:
		from := e.rng.IntN(len(e.pool) - 6)
		e.lines = slices.Insert(e.lines, at, e.pool[from:from+1+e.rng.IntN(5)]...)
	default:
		e.lines = slices.Insert(e.lines, at, e.secretLines()...)
	}
	if len(e.lines) < 5 {
		e.lines = append(e.lines, e.pool[:20]...)
	}
}

// secretLines returns lines holding a fake secret of a random kind.
func (e *editor) secretLines() []string {
	t := e.t
	pair := fakePair(t)
	switch e.rng.IntN(8) {
	case 0:
		return []string{"AWS_ACCESS_KEY_ID=" + pair.ID + "\n", "AWS_SECRET_ACCESS_KEY=" + pair.Secret + "\n"}
	case 1:
		return []string{"id := \"" + pair.ID + "\"\n"}
	case 2:
		return []string{"secret := \"" + pair.Secret + "\"\n"}
	case 3:
		return []string{"token = \"" + fakeGitHubToken(t) + "\"\n"}
	case 4:
		return strings.SplitAfter(strings.TrimSuffix(fakePrivateKey(t), "\n"), "\n")
	case 5:
		return []string{"blob: " + base64.StdEncoding.EncodeToString([]byte("aws_access_key_id="+pair.ID+"\n")) + "\n"}
	case 6:
		return []string{"api_key = \"" + fakeChars(t, fakeAlnum, 32) + "\"\n"}
	}
	return []string{"slack := \"" + fakeSlackBotToken(t) + "\"\n"}
}

func findingKeys(findings []Finding) []string {
	keys := make([]string, len(findings))
	for i, f := range findings {
		keys[i] = fmt.Sprintf("%s %s %d:%d %v %q %v", f.RuleID, f.SecretID, f.Line, f.Column, f.Blocking, f.Excerpt, f.Tags)
	}
	slices.Sort(keys)
	return keys
}

// TestScanVersionMatchesScan edits texts at random and compares the
// findings of each version, scanned incrementally from the previous one,
// with those of a whole scan.
func TestScanVersionMatchesScan(t *testing.T) {
	t.Parallel()
	texts, edits := 6, 30
	if testing.Short() || raceEnabled {
		texts, edits = 2, 10
	}
	s := testScanner(t)
	incremental := 0
	for seed := range texts {
		e := newEditor(t, uint64(seed))
		_, v := s.ScanVersion("app/config.go", e.text(), nil)
		for i := range edits {
			e.edit()
			data := e.text()
			if _, ok := s.rescan("app/config.go", withFinalNewline(string(data)), v); ok {
				incremental++
			}
			want := findingKeys(s.Scan("app/config.go", data))
			got, next := s.ScanVersion("app/config.go", data, v)
			if gotKeys := findingKeys(got); !slices.Equal(gotKeys, want) {
				t.Fatalf("text %d, edit %d: ScanVersion found\n%s\nScan found\n%s", seed, i, strings.Join(gotKeys, "\n"), strings.Join(want, "\n"))
			}
			v = next
		}
	}
	// Versions near a private key are scanned whole.
	if incremental < texts*edits/3 {
		t.Errorf("%d of %d versions scanned incrementally, want at least a third", incremental, texts*edits)
	}
}
