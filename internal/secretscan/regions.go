package secretscan

import (
	"cmp"
	"context"
	"slices"
	"strings"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
)

// Limits that keep the work on one text bounded. Go's regular expressions
// run in linear time, but gitleaks' keyword-context rules (generic-api-key
// above all) and its decoder move at a few MB per second, and gitleaks
// walks every line of a fragment for each match it locates.
const (
	// chunkSize is the size of the fragments a region of normal lines is
	// cut into, at line ends. A smaller fragment holds fewer keywords, so
	// gitleaks' keyword filter skips more rules.
	chunkSize = 16 << 10
	// chunkOverlap is how far a fragment reaches into the next one, so that
	// a match spanning lines, such as a private key block, is found whole
	// in the fragment where it starts.
	chunkOverlap = 4 << 10
	// longLine is the length from which a line is scanned in windows around
	// rule keywords instead of whole, as minified code and embedded data
	// have such lines.
	longLine = 16 << 10
	// windowGrowth is how far a window may grow past its nominal end to
	// reach a delimiter, so that an unbounded token is not cut.
	windowGrowth = 64 << 10
	// blockingBudget and otherBudget cap the bytes of windows scanned in
	// the long lines of one text: around keywords of blocking and AWS rules,
	// and around the keywords of every other rule.
	blockingBudget = 1 << 20
	otherBudget    = 256 << 10
)

// windowShape is how far a window reaches before and after its keyword.
type windowShape struct{ before, after int }

var (
	// A blocking rule's match starts at most about 100 characters before its
	// keyword (an OpenAI key's marker sits in its middle) and a private key
	// block, the longest, is about 3.3 KB for RSA 4096.
	blockingWindow = windowShape{before: 128, after: 4 << 10}
	// A keyword-context rule's match starts at most 50 characters before its
	// keyword, and its value is at most a few hundred characters.
	otherWindow = windowShape{before: 256, after: 1 << 10}
)

// region is a part of a text: a run of normal lines, or one long line.
type region struct {
	start, end int
	long       bool
}

// regionsOf cuts text, which ends with a newline, into regions.
func regionsOf(text string) []region {
	var regions []region
	normalStart := 0
	for lineStart := 0; lineStart < len(text); {
		lineEnd := afterNewline(text, lineStart)
		if lineEnd-lineStart > longLine {
			if normalStart < lineStart {
				regions = append(regions, region{start: normalStart, end: lineStart})
			}
			regions = append(regions, region{start: lineStart, end: lineEnd, long: true})
			normalStart = lineEnd
		}
		lineStart = lineEnd
	}
	if normalStart < len(text) {
		regions = append(regions, region{start: normalStart, end: len(text)})
	}
	return regions
}

// fragment is a part of a text scanned in one gitleaks call. Matches that
// start at or after limit belong to the next fragment.
type fragment struct {
	start, end, limit int
}

// chunksOf cuts a region at line ends into fragments of about chunkSize
// bytes that overlap by about chunkOverlap bytes.
func chunksOf(text string, r region) []fragment {
	var fragments []fragment
	for start := r.start; start < r.end; {
		limit := min(r.end, afterNewline(text, start+chunkSize))
		end := min(r.end, afterNewline(text, limit+chunkOverlap))
		fragments = append(fragments, fragment{start: start, end: end, limit: limit})
		start = limit
	}
	return fragments
}

// afterNewline returns the offset just after the first newline at or after
// offset, or the end of text.
func afterNewline(text string, offset int) int {
	if offset >= len(text) {
		return len(text)
	}
	i := strings.IndexByte(text[offset:], '\n')
	if i < 0 {
		return len(text)
	}
	return offset + i + 1
}

// longLineMatches scans a long line in windows around the rules' keywords,
// within the budgets, and finds secret access key candidates in the whole
// line by hand. Windows around keywords of blocking and AWS rules are
// scanned with those rules only and without decoding. The other windows are
// scanned with every rule and decoding.
//
// NOTE: past the budgets, the rest of a keyword-dense long line is searched
// only for AWS secret key candidates and, by the caller, for issued values.
func (p *patternDetector) longLineMatches(ctx context.Context, path, text string, r region, budget *windowBudget) []match {
	line := text[r.start:r.end]
	lower := asciiLower(line)
	keywords := p.keywords()
	keep := func(*ahocorasick.Match) bool { return true }
	assigned := func(m *ahocorasick.Match) bool {
		return assignmentFollows(line, int(m.Pos())+len(m.Match()), keywords.needsValue[m.MatchString()])
	}
	blocking := keywordWindows(line, keywords.blocking.MatchString(lower), keep, blockingWindow, &budget.blocking, nil)
	others := keywordWindows(line, keywords.assignment.MatchString(lower), assigned, otherWindow, &budget.other, nil)
	others = keywordWindows(line, keywords.other.MatchString(lower), keep, otherWindow, &budget.other, others)

	var out []match
	for _, w := range mergeWindows(blocking) {
		f := fragment{start: r.start + w.start, end: r.start + w.end, limit: r.start + w.end}
		out = append(out, fragmentMatches(ctx, p.blockingDetector(), path, text, f)...)
	}
	for _, w := range mergeWindows(others) {
		f := fragment{start: r.start + w.start, end: r.start + w.end, limit: r.start + w.end}
		out = append(out, fragmentMatches(ctx, p.detector, path, text, f)...)
	}
	return append(out, secretKeyRuns(text, r.start, r.end, r.end)...)
}

// windowBudget is the bytes of windows a text's long lines may still use.
type windowBudget struct{ blocking, other int }

// keywordWindows appends to windows one window of the given shape per
// keyword hit that keep accepts, and takes their bytes from budget, until
// the budget is spent.
func keywordWindows(line string, hits []*ahocorasick.Match, keep func(*ahocorasick.Match) bool, shape windowShape, budget *int, windows []span) []span {
	for _, h := range hits {
		if *budget <= 0 {
			break
		}
		if !keep(h) {
			continue
		}
		pos := int(h.Pos())
		w := span{start: max(0, pos-shape.before), end: delimiterAfter(line, min(len(line), pos+shape.after))}
		if n := len(windows); n > 0 && windows[n-1].end >= w.end && windows[n-1].start <= w.start {
			continue // inside the previous window
		}
		windows = append(windows, w)
		*budget -= w.end - w.start
	}
	return windows
}

// assignmentFollows reports whether the text after a keyword ending at end
// can continue a keyword-context rule's match: at most 20 name characters
// and 3 quotes or spaces, then an assignment operator. With needsValue it
// also needs, after at most 5 quotes, spaces or equals signs, the 10 value
// characters generic-api-key requires. Both are necessary conditions of the
// rules' regular expressions, so no match is lost.
func assignmentFollows(line string, end int, needsValue bool) bool {
	i := skipWhile(line, end, 20, func(c byte) bool { return c == ' ' || c == '\t' || isWordByte(c) || c == '.' || c == '-' })
	i = skipWhile(line, i, 3, func(c byte) bool { return isSpaceByte(c) || c == '\'' || c == '"' })
	rest := line[i:]
	var op int
	switch {
	case strings.HasPrefix(rest, "||"), strings.HasPrefix(rest, "?="), strings.HasPrefix(rest, "=>"):
		op = 2
	case rest != "" && strings.IndexByte("=>:,", rest[0]) >= 0:
		op = 1
	default:
		return false
	}
	if !needsValue {
		return true
	}
	i = skipWhile(line, i+op, 5+2, func(c byte) bool { return isSpaceByte(c) || strings.IndexByte("`'\"=:", c) >= 0 })
	j := skipWhile(line, i, 10, func(c byte) bool { return isWordByte(c) || strings.IndexByte(".=-+/", c) >= 0 })
	return j-i >= 10
}

// skipWhile returns the offset after at most n bytes from i that ok accepts.
func skipWhile(s string, i, n int, ok func(byte) bool) int {
	for limit := min(len(s), i+n); i < limit && ok(s[i]); i++ {
	}
	return i
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// delimiterAfter returns the offset just past the first character at or
// after offset that cannot be part of a token, looking at most windowGrowth
// bytes ahead.
func delimiterAfter(line string, offset int) int {
	limit := min(len(line), offset+windowGrowth)
	for i := offset; i < limit; i++ {
		if !isTokenByte(line[i]) {
			return i + 1
		}
	}
	return limit
}

func isTokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("+/=_-.~%", c) >= 0
}

func mergeWindows(windows []span) []span {
	slices.SortFunc(windows, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	var merged []span
	for _, w := range windows {
		if n := len(merged); n > 0 && w.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, w.end)
			continue
		}
		merged = append(merged, w)
	}
	return merged
}

// secretKeyRuns finds the secret access key candidates in text[start:end]
// without a regular expression: runs of exactly 40 characters of
// A-Za-z0-9/+ that no base64 padding follows. A run that reaches end counts
// when end is limit, the end of the region scanned.
func secretKeyRuns(text string, start, end, limit int) []match {
	var out []match
	for i := start; i < end; {
		if byteClasses[text[i]]&classBase64 == 0 {
			i++
			continue
		}
		j := i + 1
		for j < end && byteClasses[text[j]]&classBase64 != 0 {
			j++
		}
		if j-i == 40 && (j == limit || text[j] != '=') {
			out = append(out, match{
				ruleID: candidateSecretKey, secret: text[i:j],
				start: i, end: j, secretStart: i, secretEnd: j,
			})
		}
		i = j
	}
	return out
}

// asciiLower lower-cases ASCII letters only, so that offsets in the result
// are offsets in s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// dedupeMatches drops repeated matches of one rule at one place, which
// overlapping fragments and windows produce.
func dedupeMatches(matches []match) []match {
	if len(matches) < 2 {
		return matches
	}
	type key struct {
		rule, secret string
		start, end   int
	}
	seen := map[key]bool{}
	out := matches[:0]
	for _, m := range matches {
		k := key{m.ruleID, m.secret, m.secretStart, m.secretEnd}
		if !seen[k] {
			seen[k] = true
			out = append(out, m)
		}
	}
	return out
}
