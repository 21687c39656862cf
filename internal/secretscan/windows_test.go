package secretscan

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// referenceMatches scans text the slow way the windows replace: every
// normal line in chunks, with every rule and decoding.
func referenceMatches(p *patternDetector, path, text string) []match {
	ctx := context.Background()
	var all []match
	budget := &windowBudget{blocking: blockingBudget, other: otherBudget}
	for _, r := range regionsOf(text) {
		if r.long {
			all = append(all, p.longLineMatches(ctx, path, text, r, budget)...)
			continue
		}
		for _, c := range chunksOf(text, r) {
			all = append(all, fragmentMatches(ctx, p.detector, path, text, c)...)
		}
		all = append(all, secretKeyRuns(text, r.start, r.end, r.end)...)
	}
	return dedupeMatches(all)
}

// difference returns the elements of a that b lacks.
func difference(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// matchKeys describes matches for comparison. Secret access key
// candidates other than 40 characters long are left out: secretKeyRuns
// skips the runs that awsHits would reject.
func matchKeys(matches []match) []string {
	var keys []string
	for _, m := range matches {
		if m.ruleID == candidateSecretKey && len(m.secret) != 40 {
			continue
		}
		keys = append(keys, fmt.Sprintf("%s %d-%d %s", m.ruleID, m.secretStart, m.secretEnd, Redact(m.secret)))
	}
	slices.Sort(keys)
	return keys
}

// TestWindowsMatchWholeScan compares the matches found in windows around
// keywords and encoded lines with those of scanning every line, on real
// code with fake secrets of many kinds inserted.
func TestWindowsMatchWholeScan(t *testing.T) {
	t.Parallel()
	p := testScanner(t).patterns
	rounds := 8
	if testing.Short() || raceEnabled {
		rounds = 2
	}
	for seed := range rounds {
		e := newEditor(t, uint64(100+seed))
		for range 30 {
			e.edit()
		}
		text := withFinalNewline(string(e.text()))
		got, _ := p.matches(context.Background(), "src/app.go", text)
		want := referenceMatches(p, "src/app.go", text)
		g, w := matchKeys(got), matchKeys(want)
		if extra, missing := difference(g, w), difference(w, g); len(extra)+len(missing) > 0 {
			t.Errorf("text %d: windows found these too:\n%s\nand missed:\n%s", seed, strings.Join(extra, "\n"), strings.Join(missing, "\n"))
		}
	}
}

func TestScanRunsFindsEncodedLines(t *testing.T) {
	t.Parallel()
	printable := "user=admin;" + fakeChars(t, fakeAlnum, 12)
	binary := string([]byte{0x01, 0x9f, 0xee, 0x02, 0x10, 0x80, 0xff, 0x03, 0x04, 0x05, 0x06, 0x07})
	tests := []struct {
		line string
		want bool
	}{
		{"v = " + base64.StdEncoding.EncodeToString([]byte(printable)), true},
		{"v = " + base64.RawURLEncoding.EncodeToString([]byte(printable+"?>")), true},
		{"v = " + base64.StdEncoding.EncodeToString([]byte(binary)), false},
		{"v = " + hex.EncodeToString([]byte(printable+printable)), true},
		{"v = " + strings.Repeat("ab", 20), false}, // hex without a decimal digit
		{"u = " + url.QueryEscape("a/b?c=d"), true},
		{`fmt.Printf("%02x", b)`, false}, // %02 encodes a control character
		{`s := "\u0041\u0042"`, true},
		{"cp := U+0041 ", true},
		{"func TestServerTimeoutsWithContext(t *testing.T) {", false},
	}
	for _, tt := range tests {
		text := tt.line + "\n"
		ws, _ := scanRuns(text, region{start: 0, end: len(text)}, false)
		if got := len(ws) > 0; got != tt.want {
			t.Errorf("scanRuns(%q) flags the line = %v, want %v", tt.line, got, tt.want)
		}
	}
}

func TestRuleReach(t *testing.T) {
	t.Parallel()
	rules := testScanner(t).patterns.detector.Config.Rules
	tests := []struct {
		rule       string
		assignment bool
		wide       bool
		required   string // a literal Required must hold, or ""
	}{
		{rule: "generic-api-key", assignment: true},
		{rule: "github-pat"},
		{rule: "private-key", wide: true, required: "-----begin"},
		{rule: "kubernetes-secret-yaml", wide: true, required: "kind:"},
	}
	for _, tt := range tests {
		rc := ruleReach(rules[tt.rule])
		if rc.assignment != tt.assignment || rc.wide != tt.wide {
			t.Errorf("%s: assignment %v, wide %v; want %v, %v", tt.rule, rc.assignment, rc.wide, tt.assignment, tt.wide)
		}
		if !rc.assignment && !rc.wide && (rc.lines < 0 || rc.lines > maxNarrowLines) {
			t.Errorf("%s: lines %d, want at most %d", tt.rule, rc.lines, maxNarrowLines)
		}
		if tt.required != "" && !slices.Contains(rc.required, tt.required) {
			t.Errorf("%s: required %q, want %q among them", tt.rule, rc.required, tt.required)
		}
	}
}

// TestKeywordsInEveryMatch checks the property windows rest on: each match
// of a rule holds one of the rule's keywords.
func TestKeywordsInEveryMatch(t *testing.T) {
	t.Parallel()
	p := testScanner(t).patterns
	rules := p.detector.Config.Rules
	rounds := 4
	if testing.Short() || raceEnabled {
		rounds = 1
	}
	for seed := range rounds {
		e := newEditor(t, uint64(200+seed))
		for range 40 {
			e.edit()
		}
		text := withFinalNewline(string(e.text()))
		for _, m := range referenceMatches(p, "src/app.go", text) {
			r := rules[m.ruleID]
			if len(r.Keywords) == 0 || isDecoded(m.tags) {
				continue
			}
			found := strings.ToLower(text[m.start:max(m.start, m.end)])
			if !slices.ContainsFunc(r.Keywords, func(k string) bool { return strings.Contains(found, k) }) {
				t.Errorf("match of %s (%s) holds none of its keywords %q", m.ruleID, Redact(m.secret), r.Keywords)
			}
		}
	}
}

func TestMatchCacheBounded(t *testing.T) {
	t.Parallel()
	var c matchCache
	re := testScanner(t).patterns.detector.Config.Rules["github-pat"].Regex
	for i := range maxCachedTexts + 10 {
		c.match(1, re, fmt.Sprintf("line %d", i))
	}
	if n := len(c.matched); n > maxCachedTexts {
		t.Errorf("cache holds %d entries, want at most %d", n, maxCachedTexts)
	}
	token := fakeGitHubToken(t)
	if !c.match(1, re, "t = "+token) || !c.match(1, re, "t = "+token) {
		t.Error("cached answer lost the match")
	}
}

func TestDiffTexts(t *testing.T) {
	t.Parallel()
	old := "a\nb\nc\nd\ne\n"
	tests := []struct {
		name, cur        string
		oldCore, newCore span
	}{
		{"change in the middle", "a\nb\nX\nd\ne\n", span{2, 8}, span{2, 8}},
		{"insertion", "a\nb\nc\nX\nY\nd\ne\n", span{4, 8}, span{4, 12}},
		{"deletion", "a\nb\nd\ne\n", span{2, 8}, span{2, 6}},
		{"change at the end", "a\nb\nc\nd\nX\n", span{6, 10}, span{6, 10}},
		{"same text", old, span{8, 10}, span{8, 10}},
	}
	for _, tt := range tests {
		c := diffTexts(old, tt.cur)
		if c.oldCore != tt.oldCore || c.newCore != tt.newCore {
			t.Errorf("%s: cores %v and %v, want %v and %v", tt.name, c.oldCore, c.newCore, tt.oldCore, tt.newCore)
		}
		if old[c.oldCore.end:] != tt.cur[c.newCore.end:] || old[:c.oldCore.start] != tt.cur[:c.newCore.start] {
			t.Errorf("%s: text outside the cores differs", tt.name)
		}
	}
}

func TestHasLongLine(t *testing.T) {
	t.Parallel()
	short := strings.Repeat(strings.Repeat("x", 99)+"\n", 1000)
	tests := map[string]struct {
		text string
		want bool
	}{
		"short lines":          {short, false},
		"line of longLine":     {short + strings.Repeat("y", longLine-1) + "\n" + short, false},
		"line over longLine":   {short + strings.Repeat("y", longLine) + "\n" + short, true},
		"long line at the end": {short + strings.Repeat("y", longLine+5) + "\n", true},
	}
	for name, tt := range tests {
		if got := hasLongLine(tt.text); got != tt.want {
			t.Errorf("%s: hasLongLine = %v, want %v", name, got, tt.want)
		}
	}
}
