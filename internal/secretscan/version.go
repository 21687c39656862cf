package secretscan

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
)

// Version is the state ScanVersion keeps of one version of a file, so that
// another version can be scanned incrementally: the text and the raw
// matches with their byte offsets.
type Version struct {
	text string
	raw  rawFinds
}

// Size returns the approximate memory a Version holds, in bytes.
func (v *Version) Size() int {
	if v == nil {
		return 0
	}
	return len(v.text) + 128*(len(v.raw.hits)+len(v.raw.aws)+len(v.raw.wide))
}

// Bounds of an incremental scan.
const (
	// marginLines and marginBytes set how far the rescanned region reaches
	// past the changed lines. marginLines is twice the lines a match of a
	// rule that is not wide covers around its keyword. marginBytes leaves
	// room for a keyword-context rule's value and for most encoded issued
	// values (see Scanner.margin).
	marginLines = 2 * maxNarrowLines
	marginBytes = 512
)

// ScanVersion returns the findings in data, the content of the file at
// path, as Scan does. It also returns a Version of data to pass when
// another version of the same file is scanned, or nil when data is binary.
//
// When prev is the Version of another version of the file at the same
// path, made by the same Scanner, only the lines that differ from it are
// scanned again, with a margin of unchanged lines around them. Matches
// outside that region are carried over from prev. A text with a line longer than 16 KiB, or where a wide
// rule (one whose match can cover many lines, such as a private key block)
// may match across the change, is scanned whole.
//
// NOTE: where the regular expression of a rule matches twice in a row, the
// first match hides an overlapping second one. A match carried over from
// prev can be hidden in the new version by a new match next to it, and is
// then reported although a whole scan would not report it.
func (s *Scanner) ScanVersion(path string, data []byte, prev *Version) ([]Finding, *Version) {
	text, encoding := DecodeText(data)
	if encoding == TextBinary {
		return s.scanBinary(path, data), nil
	}
	text = withFinalNewline(text)
	raw, ok := s.rescan(path, text, prev)
	if !ok {
		raw = s.rawHits(path, text)
	}
	findings := s.finish(path, text, raw)
	s.logger.Debug("scanned version", "path", path, "encoding", encoding, "bytes", len(text), "incremental", ok, "findings", len(findings))
	return findings, &Version{text: text, raw: raw}
}

// rescan scans the region of text that differs from prev and carries the
// rest of prev's matches over, or returns false when text must be scanned
// whole.
func (s *Scanner) rescan(path, text string, prev *Version) (rawFinds, bool) {
	if prev == nil || hasLongLine(text) || s.patterns.index.matchesPath(path) {
		return rawFinds{}, false
	}
	c := diffTexts(prev.text, text)
	region := c.region(text, s.margin)
	if region.start == 0 && region.end == len(text) {
		return rawFinds{}, false
	}
	scanned := s.rawHits(path, text[region.start:region.end])
	shiftFinds(&scanned, region.start)
	out := carryOver(prev.raw, c.oldCore, c.delta())
	out.hits = append(out.hits, keepHits(scanned.hits, c.newCore)...)
	out.aws = append(out.aws, keepMatches(scanned.aws, c.newCore)...)
	for _, w := range scanned.wide {
		if overlapsSpan(w.start, w.end, c.newCore) {
			out.wide = append(out.wide, w)
		}
	}
	slices.SortFunc(out.wide, func(a, b wordHit) int { return cmp.Compare(a.start, b.start) })
	if s.patterns.wideNear(text, c.newCore, out.wide) {
		return rawFinds{}, false
	}
	return out, true
}

// lineChange is the run of lines where two versions of a text differ,
// widened by one line on each side so that a match that joins the lines
// around a deletion counts as changed. The text before the run is the same
// in both, and so is the text after it.
type lineChange struct {
	oldCore, newCore span
}

func diffTexts(old, cur string) lineChange {
	prefix := commonPrefix(old, cur)
	suffix := commonSuffix(old[prefix:], cur[prefix:])
	// The changed run starts at the line holding the first difference and
	// ends at the first line start of the common suffix in both texts.
	start := lineStart(cur, prefix)
	end := len(cur) - suffix
	if !atLineStart(cur, end) || !atLineStart(old, len(old)-suffix) {
		if i := strings.IndexByte(cur[end:], '\n'); i >= 0 {
			end += i + 1
		} else {
			end = len(cur)
		}
	}
	if start > 0 {
		start = lineStart(cur, start-1)
	}
	end = afterNewline(cur, end)
	after := len(cur) - end // bytes after the run, the same in both
	return lineChange{oldCore: span{start, len(old) - after}, newCore: span{start, end}}
}

func atLineStart(text string, offset int) bool {
	return offset == 0 || text[offset-1] == '\n'
}

// delta is how far the text after the change moved.
func (c lineChange) delta() int { return c.newCore.end - c.oldCore.end }

// region returns the bytes of the new text to scan again: the changed
// lines and a margin of at least marginLines lines and margin bytes on each
// side.
func (c lineChange) region(text string, margin int) span {
	start := linesBefore(text, c.newCore.start, marginLines)
	if c.newCore.start-start < margin {
		start = lineStart(text, max(0, c.newCore.start-margin))
	}
	end := c.newCore.end
	if end < len(text) {
		end = linesAfter(text, end, marginLines-1)
	}
	if end-c.newCore.end < margin {
		end = afterNewline(text, min(len(text), c.newCore.end+margin))
	}
	return span{start, end}
}

// commonPrefix returns the length of the longest common prefix of a and
// b.
func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i+16 <= n && a[i:i+16] == b[i:i+16] {
		i += 16
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// commonSuffix returns the length of the longest common suffix of a and
// b.
func commonSuffix(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i+16 <= n && a[len(a)-i-16:len(a)-i] == b[len(b)-i-16:len(b)-i] {
		i += 16
	}
	for i < n && a[len(a)-1-i] == b[len(b)-1-i] {
		i++
	}
	return i
}

func hasLongLine(text string) bool {
	// From a line start, a window of longLine bytes without a newline
	// starts a long line; otherwise every line that ends in it is short.
	for start := 0; start+longLine < len(text); {
		i := strings.LastIndexByte(text[start:start+longLine], '\n')
		if i < 0 {
			return true
		}
		start += i + 1
	}
	return false
}

// carryOver returns prev's matches that lie wholly outside the old core,
// with those after it moved by delta.
func carryOver(prev rawFinds, core span, delta int) rawFinds {
	var out rawFinds
	for _, h := range prev.hits {
		if !h.intersects(core) {
			out.hits = append(out.hits, h.shifted(core.end, delta))
		}
	}
	for _, m := range prev.aws {
		if !m.intersects(core) {
			out.aws = append(out.aws, m.shifted(core.end, delta))
		}
	}
	for _, w := range prev.wide {
		if !overlapsSpan(w.start, w.end, core) {
			if w.start >= core.end {
				w.start, w.end = w.start+delta, w.end+delta
			}
			out.wide = append(out.wide, w)
		}
	}
	return out
}

func keepHits(hits []hit, core span) []hit {
	var out []hit
	for _, h := range hits {
		if h.intersects(core) {
			out = append(out, h)
		}
	}
	return out
}

func keepMatches(matches []match, core span) []match {
	var out []match
	for _, m := range matches {
		if m.intersects(core) {
			out = append(out, m)
		}
	}
	return out
}

// shiftFinds moves the offsets of raw, found in a region starting at base,
// to offsets in the whole text.
func shiftFinds(raw *rawFinds, base int) {
	for i := range raw.hits {
		raw.hits[i] = raw.hits[i].shifted(0, base)
	}
	for i := range raw.aws {
		raw.aws[i] = raw.aws[i].shifted(0, base)
	}
	for i := range raw.wide {
		raw.wide[i].start += base
		raw.wide[i].end += base
	}
}

// overlapsSpan reports whether [start, end) and s share a byte.
func overlapsSpan(start, end int, s span) bool {
	return start < s.end && end > s.start
}

func (h hit) intersects(core span) bool {
	for _, sp := range h.spans() {
		if overlapsSpan(sp.start, sp.end, core) {
			return true
		}
	}
	return false
}

// shifted returns h with every offset at or after from moved by delta.
func (h hit) shifted(from, delta int) hit {
	move := func(x int) int {
		if x >= from {
			return x + delta
		}
		return x
	}
	h.start, h.end = move(h.start), move(h.end)
	if len(h.extra) > 0 {
		extra := make([]span, len(h.extra))
		for i, sp := range h.extra {
			extra[i] = span{move(sp.start), move(sp.end)}
		}
		h.extra = extra
	}
	return h
}

func (m match) intersects(core span) bool {
	return overlapsSpan(min(m.start, m.secretStart), max(m.end, m.secretEnd), core)
}

func (m match) shifted(from, delta int) match {
	move := func(x int) int {
		if x >= from {
			return x + delta
		}
		return x
	}
	m.start, m.end = move(m.start), move(m.end)
	m.secretStart, m.secretEnd = move(m.secretStart), move(m.secretEnd)
	return m
}

// wideNear reports whether a match of a wide rule may overlap core: one
// of hits, keywords of wide rules, lies within the rule's reach of core, and
// the text there holds every literal the rule requires.
func (p *patternDetector) wideNear(text string, core span, hits []wordHit) bool {
	k := p.index
	for _, h := range hits {
		if h.end < core.start-unboundedAfter || h.start >= core.end+unboundedBefore {
			continue
		}
		for _, j := range k.rules[h.word] {
			rc := k.reaches[j]()
			if !rc.wide {
				continue
			}
			w := wideWindow(text, rc, h)
			if overlapsSpan(w.start, w.end, core) && containsAll(asciiLowerBytes(text[w.start:w.end]), rc.required) {
				return true
			}
		}
	}
	return false
}

// wideWindow returns the text a match of a wide rule around the keyword h
// can cover.
func wideWindow(text string, rc reach, h wordHit) span {
	if rc.lines >= 0 {
		return span{linesBefore(text, h.start, rc.lines), linesAfter(text, h.start, rc.lines)}
	}
	return span{lineStart(text, max(0, h.start-unboundedBefore)), afterNewline(text, min(len(text), h.end+unboundedAfter))}
}

func containsAll(lower []byte, literals []string) bool {
	for _, lit := range literals {
		if !bytes.Contains(lower, []byte(lit)) {
			return false
		}
	}
	return true
}
