package secretscan

import (
	"bytes"
	"cmp"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/zricethezav/gitleaks/v8/config"
)

// Bounds of the windows around a keyword of a rule whose match can hold any
// number of newlines, such as a private key block (about 3.3 KB for RSA
// 4096) or a Kubernetes secret manifest, whose "kind: Secret" may follow
// its data.
const (
	unboundedBefore = 1 << 10
	unboundedAfter  = 8 << 10
)

// keywordIndex finds the keywords of every rule in one pass and turns each
// hit into the lines a match around it can cover.
type keywordIndex struct {
	auto  *automaton
	words []string
	// rules[i] holds the indexes in reaches of the rules that have
	// words[i] as a keyword.
	rules [][]int
	// reaches[j] returns the reach of rule j, analysed on first use.
	reaches []func() reach
	// scanAll is set when a rule with a regular expression has no
	// keywords, so every line must be scanned.
	scanAll bool
	// pathOnly are the rules that match a file by its path alone.
	pathOnly []config.Rule
	// pathResults caches matchesPath for up to maxCachedPaths paths.
	pathResults sync.Map
	pathCount   atomic.Int64
	// seen remembers which windows the rules' expressions match.
	seen matchCache
}

func newKeywordIndex(cfg config.Config) *keywordIndex {
	k := &keywordIndex{}
	ids := map[string]int{}
	for _, id := range cfg.OrderedRules {
		r := cfg.Rules[id]
		switch {
		case r.Regex == nil && r.Path != nil:
			k.pathOnly = append(k.pathOnly, r)
		case len(r.Keywords) == 0 && id != candidateSecretKey:
			k.scanAll = true
		}
		j := len(k.reaches)
		k.reaches = append(k.reaches, sync.OnceValue(func() reach { return ruleReach(r) }))
		for _, word := range r.Keywords {
			word = strings.ToLower(word)
			i, ok := ids[word]
			if !ok {
				i = len(k.words)
				ids[word] = i
				k.words = append(k.words, word)
				k.rules = append(k.rules, nil)
			}
			k.rules[i] = append(k.rules[i], j)
		}
	}
	patterns := make([][]byte, len(k.words))
	for i, w := range k.words {
		patterns[i] = []byte(w)
	}
	k.auto = newFoldingAutomaton(patterns)
	return k
}

// wordHit is keyword number word found at [start, end).
type wordHit struct {
	word, start, end int
}

// ruleWindow is a window tested with a rule's regular expression.
type ruleWindow struct {
	regex *regexp.Regexp
	span
}

// window is a run of whole lines to scan. decode marks a window holding
// text that gitleaks' decoder may decode.
type window struct {
	span
	decode bool
}

// windowFinder collects the windows of one text.
type windowFinder struct {
	index *keywordIndex
	text  string
	// wide records the keyword hits of wide rules.
	wide  []wordHit
	lower []byte // text with ASCII letters in lower case, made on first use
	// present caches, per required literal, whether the text contains it.
	present map[string]bool
}

func newWindowFinder(index *keywordIndex, text string) *windowFinder {
	return &windowFinder{index: index, text: text, present: map[string]bool{}}
}

// windows returns the merged windows of region r: the lines around keyword
// hits that a match of the hit's rules can cover, and the lines that hold
// encoded text. It also returns the secret access key candidates of the
// region, found in the same pass as the encoded text.
func (f *windowFinder) windows(r region, path string) ([]window, []match) {
	encoded, candidates := scanRuns(f.text, r, true)
	if f.index.scanAll {
		return []window{{span: span{r.start, r.end}, decode: true}}, candidates
	}
	var ws []window
	tested := map[ruleWindow]bool{}
	f.index.auto.scanString(f.text[r.start:r.end], func(id, end int) bool {
		end += r.start
		start := end - len(f.index.words[id])
		recorded := false
		for _, j := range f.index.rules[id] {
			rc := f.index.reaches[j]()
			if rc.wide && !recorded {
				f.wide = append(f.wide, wordHit{word: id, start: start, end: end})
				recorded = true
			}
			w, ok := f.keywordWindow(rc, start, end)
			if !ok {
				continue
			}
			w = clampSpan(w, r)
			key := ruleWindow{rc.regex, w}
			if _, done := tested[key]; !done {
				tested[key] = true
				if rc.regex != nil && f.index.seen.match(j, rc.regex, f.text[w.start:w.end]) {
					ws = appendWindow(ws, window{span: w})
				}
			}
		}
		return true
	})
	ws = append(ws, encoded...)
	if r.start == 0 && f.index.matchesPath(path) {
		ws = append(ws, window{span: span{0, afterNewline(f.text, 0)}})
	}
	return mergeLineWindows(ws), candidates
}

// keywordWindow returns the lines a match of a rule with reach rc can cover
// around its keyword at [start, end), or false when no match can contain
// that keyword.
func (f *windowFinder) keywordWindow(rc reach, start, end int) (span, bool) {
	switch {
	case rc.assignment:
		if !assignmentFollows(f.text, end, rc.needsValue) {
			return span{}, false
		}
		return span{lineStart(f.text, start), afterNewline(f.text, min(len(f.text), end+assignmentReach))}, true
	case rc.lines >= 0:
		return span{linesBefore(f.text, start, rc.lines), linesAfter(f.text, start, rc.lines)}, true
	}
	if !f.hasAll(rc.required) {
		return span{}, false
	}
	return span{lineStart(f.text, max(0, start-unboundedBefore)), afterNewline(f.text, min(len(f.text), end+unboundedAfter))}, true
}

// hasAll reports whether the text holds every literal, ignoring case.
func (f *windowFinder) hasAll(literals []string) bool {
	for _, lit := range literals {
		found, ok := f.present[lit]
		if !ok {
			if f.lower == nil {
				f.lower = asciiLowerBytes(f.text)
			}
			found = bytes.Contains(f.lower, []byte(lit))
			f.present[lit] = found
		}
		if !found {
			return false
		}
	}
	return true
}

// matchesPath reports whether a path-only rule matches path. Results are
// cached, because a history scan tests each path many times.
func (k *keywordIndex) matchesPath(path string) bool {
	if v, ok := k.pathResults.Load(path); ok {
		return v.(bool)
	}
	matched := false
	for _, r := range k.pathOnly {
		if r.Path.MatchString(path) {
			matched = true
			break
		}
	}
	if k.pathCount.Add(1) <= maxCachedPaths {
		k.pathResults.Store(path, matched)
	}
	return matched
}

// appendWindow appends w unless the last window already holds it, which is
// the common case of several keywords on one line.
func appendWindow(ws []window, w window) []window {
	if n := len(ws); n > 0 && ws[n-1].start <= w.start && w.end <= ws[n-1].end && ws[n-1].decode == w.decode {
		return ws
	}
	return append(ws, w)
}

func clampSpan(s span, r region) span {
	return span{max(s.start, r.start), min(s.end, r.end)}
}

// mergeLineWindows sorts windows and merges those that overlap or touch. A
// merged window needs decoding when any of its parts does.
func mergeLineWindows(ws []window) []window {
	slices.SortFunc(ws, func(a, b window) int { return cmp.Compare(a.start, b.start) })
	var merged []window
	for _, w := range ws {
		if n := len(merged); n > 0 && w.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, w.end)
			merged[n-1].decode = merged[n-1].decode || w.decode
			continue
		}
		merged = append(merged, w)
	}
	return merged
}

// lineStart returns the offset of the first byte of the line holding offset.
func lineStart(text string, offset int) int {
	return strings.LastIndexByte(text[:offset], '\n') + 1
}

// linesBefore returns the start of the line n lines above the one holding
// offset.
func linesBefore(text string, offset, n int) int {
	start := lineStart(text, offset)
	for ; n > 0 && start > 0; n-- {
		start = lineStart(text, start-1)
	}
	return start
}

// linesAfter returns the end, newline included, of the line n lines below
// the one holding offset.
func linesAfter(text string, offset, n int) int {
	end := afterNewline(text, offset)
	for ; n > 0 && end < len(text); n-- {
		end = afterNewline(text, end)
	}
	return end
}

func asciiLowerBytes(s string) []byte {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return b
}

// maxCachedPaths bounds the paths whose matchesPath result is cached.
const maxCachedPaths = 1 << 16

// Bounds of a matchCache: texts longer than maxCachedText are not kept,
// and the cache is emptied when it holds maxCachedTexts entries.
const (
	maxCachedText  = 512
	maxCachedTexts = 1 << 16
)

// matchCache remembers whether a rule's regular expression matches a text.
// The versions of a file in a repository's history share most of their
// lines, so a history scan tests the same window again and again.
type matchCache struct {
	mu      sync.Mutex
	matched map[matchKey]bool
}

type matchKey struct {
	rule int
	text string
}

// match reports whether re, the expression of rule, matches text.
func (c *matchCache) match(rule int, re *regexp.Regexp, text string) bool {
	if len(text) > maxCachedText {
		return re.MatchString(text)
	}
	c.mu.Lock()
	matched, ok := c.matched[matchKey{rule, text}]
	c.mu.Unlock()
	if ok {
		return matched
	}
	matched = re.MatchString(text)
	c.mu.Lock()
	if c.matched == nil || len(c.matched) >= maxCachedTexts {
		c.matched = map[matchKey]bool{}
	}
	c.matched[matchKey{rule, strings.Clone(text)}] = matched
	c.mu.Unlock()
	return matched
}
