package oldscan

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// excerptContext is how many bytes of the line an excerpt shows on each
	// side of the secret.
	excerptContext = 40
	// MaxExcerptLength is the longest excerpt in characters.
	MaxExcerptLength = 120
)

// excerpt returns the part of the line holding start that surrounds the
// secret at [start, end), with the secret and every span in redact that
// reaches into the window replaced by its redacted form. A secret that runs
// past the end of its line is cut there.
func excerpt(x *lineIndex, start, end int, redact *sortedSpans) string {
	lineStart, lineEnd := x.bounds(x.line(start))
	end = min(end, lineEnd)
	from := runeStart(x.text, max(lineStart, start-excerptContext))
	to := runeEnd(x.text, min(lineEnd, end+excerptContext))

	var b strings.Builder
	if from > lineStart {
		b.WriteString("…")
	}
	pos := from
	for _, sp := range windowSpans(append(redact.within(from, to), span{start, end}), from, to) {
		b.WriteString(printable(x.text[pos:max(pos, sp.start)]))
		if sp.start >= from {
			b.WriteString(Redact(x.text[sp.start:sp.end]))
		} else {
			b.WriteString("…")
		}
		pos = max(pos, min(sp.end, to))
	}
	b.WriteString(printable(x.text[pos:to]))
	if to < lineEnd {
		b.WriteString("…")
	}
	return truncateRunes(b.String(), MaxExcerptLength)
}

// sortedSpans finds the spans that reach into a range without looking at
// every span.
type sortedSpans struct {
	spans  []span // sorted by start
	maxLen int
}

func newSortedSpans(spans []span) *sortedSpans {
	s := &sortedSpans{spans: slices.Clone(spans)}
	slices.SortFunc(s.spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	for _, sp := range spans {
		s.maxLen = max(s.maxLen, sp.end-sp.start)
	}
	return s
}

// within returns the spans that reach into [from, to). A span that does
// starts before to and, being at most maxLen long, after from-maxLen.
func (s *sortedSpans) within(from, to int) []span {
	if s == nil {
		return nil
	}
	n, _ := slices.BinarySearchFunc(s.spans, to, func(sp span, to int) int { return cmp.Compare(sp.start, to) })
	var out []span
	for i := n - 1; i >= 0 && s.spans[i].start >= from-s.maxLen; i-- {
		if s.spans[i].end > from {
			out = append(out, s.spans[i])
		}
	}
	return out
}

// windowSpans returns the spans that reach into [from, to), sorted, with
// overlapping spans merged.
func windowSpans(spans []span, from, to int) []span {
	var in []span
	for _, sp := range spans {
		if sp.start < to && sp.end > from {
			in = append(in, sp)
		}
	}
	slices.SortFunc(in, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	var merged []span
	for _, sp := range in {
		last := len(merged) - 1
		if last >= 0 && sp.start < merged[last].end {
			merged[last].end = max(merged[last].end, sp.end)
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// printable replaces control characters, the carriage return among them,
// with spaces.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// runeStart moves offset back to the first byte of the character it is in.
func runeStart(s string, offset int) int {
	for offset > 0 && offset < len(s) && !utf8.RuneStart(s[offset]) {
		offset--
	}
	return offset
}

// runeEnd moves offset forward past the character it is in.
func runeEnd(s string, offset int) int {
	for offset < len(s) && !utf8.RuneStart(s[offset]) {
		offset++
	}
	return offset
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return string(runes[:n-1]) + "…"
}
