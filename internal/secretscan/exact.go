package secretscan

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Encoding names reported in ValueMatch.Encoding.
const (
	EncodingRaw       = "raw"
	EncodingBase64    = "base64"
	EncodingBase64URL = "base64url"
	EncodingPercent   = "percent"
	EncodingHex       = "hex"
	EncodingJSON      = "json"
	EncodingUTF16LE   = "utf16le"
	EncodingUTF16BE   = "utf16be"
	EncodingFragment  = "fragment"
)

// FragmentLength is the number of characters in each window of a value that
// is searched on its own, so that a value split across lines or strings is
// still found. Values shorter than this are searched raw only.
//
// NOTE: a value cut into pieces that are all shorter than FragmentLength is
// not found, for example a 20-character access key id split in the middle.
const FragmentLength = 16

// Value is a value the sandbox issued, searched for exactly.
type Value struct {
	Label string
	Value string
}

// ValueMatch locates one encoded occurrence of a Value in scanned data.
// Start and End are byte offsets, End exclusive.
type ValueMatch struct {
	Label    string
	Start    int
	End      int
	Encoding string
}

// Matcher finds issued values in data, raw and in common encodings, with one
// pass of a multi-pattern automaton. A Matcher is safe for concurrent use.
type Matcher struct {
	patterns []pattern
	auto     *automaton
}

// pattern is one byte string to search for, with every value encoding that
// produces it.
type pattern struct {
	text   []byte
	owners []owner
}

// owner ties a pattern to the value and encoding it came from.
type owner struct {
	value    int
	label    string
	encoding string
}

// NewMatcher builds a matcher for values. Empty values are ignored. Values of
// at least FragmentLength characters are searched raw, in base64 (standard
// and URL alphabets, all three alignments), percent-encoded, in hex, as JSON
// string escapes, in UTF-16LE and UTF-16BE, and as fragments. Shorter values
// are searched raw only.
func NewMatcher(values []Value) *Matcher {
	m := &Matcher{}
	index := map[string]int{}
	for i, v := range values {
		if v.Value == "" {
			continue
		}
		for _, enc := range encodeValue(v.Value) {
			m.addPattern(index, enc, owner{value: i, label: v.Label, encoding: enc.encoding})
		}
	}
	texts := make([][]byte, len(m.patterns))
	for i, p := range m.patterns {
		texts[i] = p.text
	}
	m.auto = newAutomaton(texts)
	return m
}

// addPattern records enc under owner o, sharing the pattern with earlier
// encodings that produce the same bytes. An encoding that equals an earlier
// encoding of the same value is dropped, so a value without special
// characters is reported as raw rather than as percent-encoded or JSON.
func (m *Matcher) addPattern(index map[string]int, enc encoded, o owner) {
	key := string(enc.text)
	i, ok := index[key]
	if !ok {
		index[key] = len(m.patterns)
		m.patterns = append(m.patterns, pattern{text: enc.text, owners: []owner{o}})
		return
	}
	for _, prev := range m.patterns[i].owners {
		if prev.value == o.value {
			return
		}
	}
	m.patterns[i].owners = append(m.patterns[i].owners, o)
}

// Find returns every occurrence of a value in data, ordered by position.
// Overlapping fragment windows of one value merge into one fragment match,
// and fragments inside a whole match of the same value are left out.
func (m *Matcher) Find(data []byte) []ValueMatch {
	return findValues(m, data)
}

func findValues[T string | []byte](m *Matcher, data T) []ValueMatch {
	var whole, fragments []located
	scanAutomaton(m.auto, data, func(id, end int) bool {
		p := m.patterns[id]
		for _, o := range p.owners {
			loc := located{owner: o, start: end - len(p.text), end: end}
			if o.encoding == EncodingFragment {
				fragments = append(fragments, loc)
			} else {
				whole = append(whole, loc)
			}
		}
		return true
	})
	if len(whole) == 0 && len(fragments) == 0 {
		return nil
	}
	matches := make([]ValueMatch, 0, len(whole)+len(fragments))
	for _, loc := range whole {
		matches = append(matches, loc.match())
	}
	for _, loc := range mergeFragments(fragments, whole) {
		matches = append(matches, loc.match())
	}
	slices.SortFunc(matches, compareMatches)
	return matches
}

// Contains reports whether data contains any value in any encoding. It stops
// at the first occurrence, so it is faster than Find on data that leaks.
func (m *Matcher) Contains(data []byte) bool {
	found := false
	m.auto.scan(data, func(int, int) bool {
		found = true
		return false
	})
	return found
}

// MaxPatternLength returns the length in bytes of the longest encoded form
// searched for. Callers that scan a stream in chunks overlap consecutive
// chunks by this length minus one so that no occurrence is cut in two.
func (m *Matcher) MaxPatternLength() int {
	longest := 0
	for _, p := range m.patterns {
		longest = max(longest, len(p.text))
	}
	return longest
}

// located is one occurrence of a pattern for one owner.
type located struct {
	owner
	start, end int
}

func (l located) match() ValueMatch {
	return ValueMatch{Label: l.label, Start: l.start, End: l.end, Encoding: l.encoding}
}

func compareMatches(a, b ValueMatch) int {
	if c := a.Start - b.Start; c != 0 {
		return c
	}
	if c := a.End - b.End; c != 0 {
		return c
	}
	if c := strings.Compare(a.Label, b.Label); c != 0 {
		return c
	}
	return strings.Compare(a.Encoding, b.Encoding)
}

// mergeFragments drops fragment windows that lie inside a whole match of the
// same value and merges the overlapping windows left into one span each.
func mergeFragments(fragments, whole []located) []located {
	outside := slices.DeleteFunc(fragments, func(f located) bool {
		return slices.ContainsFunc(whole, func(w located) bool {
			return w.value == f.value && w.start <= f.start && f.end <= w.end
		})
	})
	slices.SortFunc(outside, func(a, b located) int {
		if a.value != b.value {
			return a.value - b.value
		}
		return a.start - b.start
	})
	var merged []located
	for _, f := range outside {
		last := len(merged) - 1
		if last >= 0 && merged[last].value == f.value && f.start < merged[last].end {
			merged[last].end = max(merged[last].end, f.end)
			continue
		}
		merged = append(merged, f)
	}
	return merged
}

// encoded is one byte form of a value.
type encoded struct {
	text     []byte
	encoding string
}

// encodeValue returns the forms of v to search for, raw first, so that
// deduplication keeps the plainest name for a form shared by two encodings.
func encodeValue(v string) []encoded {
	forms := []encoded{{[]byte(v), EncodingRaw}}
	if utf8.RuneCountInString(v) < FragmentLength {
		return forms
	}
	add := func(encoding string, texts ...string) {
		for _, t := range texts {
			if t != "" {
				forms = append(forms, encoded{[]byte(t), encoding})
			}
		}
	}
	add(EncodingBase64, base64Cores(base64.StdEncoding, v)...)
	add(EncodingBase64URL, base64Cores(base64.URLEncoding, v)...)
	add(EncodingPercent, percentForms(v)...)
	add(EncodingHex, hex.EncodeToString([]byte(v)), strings.ToUpper(hex.EncodeToString([]byte(v))))
	add(EncodingJSON, jsonForms(v)...)
	add(EncodingUTF16LE, string(utf16Bytes(v, false)))
	add(EncodingUTF16BE, string(utf16Bytes(v, true)))
	add(EncodingFragment, windows(v, FragmentLength)...)
	return forms
}

// base64Cores returns, for each of the three byte offsets at which v can sit
// in a base64-encoded stream, the characters that depend only on the bytes
// of v. Those characters are the same whatever bytes come before or after
// v, so they find v anywhere inside a larger base64 blob.
func base64Cores(enc *base64.Encoding, v string) []string {
	cores := make([]string, 0, 3)
	for lead := range 3 {
		buf := make([]byte, lead+len(v))
		copy(buf[lead:], v)
		s := enc.WithPadding(base64.NoPadding).EncodeToString(buf)
		// Character j holds bits [6j, 6j+6) of the stream, and v holds
		// bits [8*lead, 8*(lead+len(v))).
		first := (8*lead + 5) / 6
		last := 8 * len(buf) / 6
		cores = append(cores, s[first:last])
	}
	return cores
}

// percentForms returns v as url.QueryEscape and url.PathEscape write it,
// each with upper-case and lower-case hex digits.
func percentForms(v string) []string {
	query, path := url.QueryEscape(v), url.PathEscape(v)
	return []string{query, lowerPercentHex(query), path, lowerPercentHex(path)}
}

func lowerPercentHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1] = lowerASCII(b[i+1])
			b[i+2] = lowerASCII(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// jsonForms returns v as the body of a JSON string in the forms encoders
// write: minimal escaping, HTML-safe escaping, with the solidus escaped as
// \/, and with every character as a \uXXXX escape in lower and upper hex.
func jsonForms(v string) []string {
	return []string{
		jsonEscape(v, false, false),
		jsonEscape(v, true, false),
		jsonEscape(v, true, true),
		jsonUnicodeEscape(v, "\\u%04x"),
		jsonUnicodeEscape(v, "\\u%04X"),
	}
}

func jsonEscape(v string, html, solidus bool) string {
	var b strings.Builder
	for _, r := range v {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '/' && solidus:
			b.WriteString(`\/`)
		case r < 0x20 || (html && (r == '<' || r == '>' || r == '&')) || r == '\u2028' || r == '\u2029':
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func jsonUnicodeEscape(v, format string) string {
	var b strings.Builder
	for _, unit := range utf16.Encode([]rune(v)) {
		fmt.Fprintf(&b, format, unit)
	}
	return b.String()
}

func utf16Bytes(v string, bigEndian bool) []byte {
	units := utf16.Encode([]rune(v))
	out := make([]byte, 0, 2*len(units))
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

// windows returns every run of n consecutive characters of v.
func windows(v string, n int) []string {
	starts := make([]int, 0, len(v)+1)
	for i := range v {
		starts = append(starts, i)
	}
	starts = append(starts, len(v))
	var out []string
	for i := 0; i+n < len(starts); i++ {
		out = append(out, v[starts[i]:starts[i+n]])
	}
	return out
}

// automaton is an Aho-Corasick automaton compiled to a dense transition
// table over byte classes. Bytes that occur in no pattern share class 0.
// States are renumbered so that every state that ends a pattern comes after
// every state that does not, which lets the scan loop test for a match with
// one comparison.
type automaton struct {
	classes  [256]uint16
	stride   int
	next     []int32 // next[state*stride+class] is the following state times stride
	firstOut int32   // offset of the first state that ends a pattern
	outputs  [][]int // pattern ids ending at each state, by state number
	empty    bool
}

// newAutomaton compiles patterns. Every pattern must be non-empty.
func newAutomaton(patterns [][]byte) *automaton {
	a := &automaton{empty: len(patterns) == 0}
	a.assignClasses(patterns)
	goTo, outputs := a.buildTrie(patterns)
	a.link(goTo, outputs)
	a.renumber(goTo, outputs)
	return a
}

// newFoldingAutomaton compiles lower-case patterns into an automaton that
// matches ASCII letters of either case, as if the scanned data were in
// lower case.
func newFoldingAutomaton(patterns [][]byte) *automaton {
	a := newAutomaton(patterns)
	for c := byte('A'); c <= 'Z'; c++ {
		a.classes[c] = a.classes[c+'a'-'A']
	}
	return a
}

func (a *automaton) assignClasses(patterns [][]byte) {
	n := uint16(0)
	for _, p := range patterns {
		for _, c := range p {
			if a.classes[c] == 0 {
				n++
				a.classes[c] = n
			}
		}
	}
	a.stride = int(n) + 1
}

// buildTrie returns the trie's transitions, -1 where a state has no child,
// and the pattern ids that end at each state.
func (a *automaton) buildTrie(patterns [][]byte) ([]int32, [][]int) {
	goTo := a.newState(nil)
	outputs := [][]int{nil}
	for id, p := range patterns {
		state := 0
		for _, c := range p {
			cell := state*a.stride + int(a.classes[c])
			if goTo[cell] < 0 {
				goTo[cell] = int32(len(outputs))
				goTo = a.newState(goTo)
				outputs = append(outputs, nil)
			}
			state = int(goTo[cell])
		}
		outputs[state] = append(outputs[state], id)
	}
	return goTo, outputs
}

func (a *automaton) newState(table []int32) []int32 {
	for range a.stride {
		table = append(table, -1)
	}
	return table
}

// link fills the missing transitions from failure links, breadth first, and
// adds to each state the outputs of its failure state.
func (a *automaton) link(goTo []int32, outputs [][]int) {
	fail := make([]int32, len(outputs))
	queue := make([]int32, 0, len(outputs))
	for c := range a.stride {
		if child := goTo[c]; child > 0 {
			queue = append(queue, child)
		} else {
			goTo[c] = 0
		}
	}
	for len(queue) > 0 {
		state := int(queue[0])
		queue = queue[1:]
		outputs[state] = append(outputs[state], outputs[fail[state]]...)
		for c := range a.stride {
			cell := state*a.stride + c
			fallback := goTo[int(fail[state])*a.stride+c]
			if child := goTo[cell]; child >= 0 {
				fail[child] = fallback
				queue = append(queue, child)
			} else {
				goTo[cell] = fallback
			}
		}
	}
}

// renumber stores the transitions in a.next with matching states last and
// every target premultiplied by the stride.
func (a *automaton) renumber(goTo []int32, outputs [][]int) {
	order := make([]int, 0, len(outputs))
	for s := range outputs {
		if len(outputs[s]) == 0 {
			order = append(order, s)
		}
	}
	a.firstOut = int32(len(order) * a.stride)
	for s := range outputs {
		if len(outputs[s]) > 0 {
			order = append(order, s)
		}
	}
	newNumber := make([]int32, len(outputs))
	for n, s := range order {
		newNumber[s] = int32(n)
	}
	a.next = make([]int32, len(goTo))
	a.outputs = make([][]int, len(outputs))
	for n, s := range order {
		a.outputs[n] = outputs[s]
		for c := range a.stride {
			a.next[n*a.stride+c] = newNumber[goTo[s*a.stride+c]] * int32(a.stride)
		}
	}
}

// scan calls found with the pattern id and end offset of every occurrence in
// data, in order of end offset, until found returns false.
func (a *automaton) scan(data []byte, found func(id, end int) bool) { scanAutomaton(a, data, found) }

// scanString is scan for a string.
func (a *automaton) scanString(data string, found func(id, end int) bool) {
	scanAutomaton(a, data, found)
}

func scanAutomaton[T string | []byte](a *automaton, data T, found func(id, end int) bool) {
	if a.empty {
		return
	}
	state := int32(0)
	for i := 0; i < len(data); i++ {
		state = a.next[state+int32(a.classes[data[i]])]
		if state < a.firstOut {
			continue
		}
		for _, id := range a.outputs[int(state)/a.stride] {
			if !found(id, i+1) {
				return
			}
		}
	}
}
