package oldscan

import (
	"cmp"
	"slices"
	"strings"
)

// rule describes the rule behind a hit.
type rule struct {
	id          string
	description string
	blocking    bool
	issued      bool // the rule finds values the sandbox issued
}

// priority orders rules for dropCovered: a blocking provider pattern, then
// an issued value, then a specific pattern that does not block, then a
// generic one.
func (r rule) priority() int {
	switch {
	case r.blocking && !r.issued:
		return 3
	case r.issued:
		return 2
	case !strings.Contains(r.id, "generic"):
		return 1
	}
	return 0
}

func issuedRule(label string) rule {
	description := "Sandbox-issued value"
	if label != "" {
		description += " (" + label + ")"
	}
	return rule{id: RuleIssuedValue, description: description, blocking: true, issued: true}
}

// span is a half-open byte range of the scanned text.
type span struct{ start, end int }

// hit is a secret located in the scanned text, before it becomes a Finding.
type hit struct {
	rule      rule
	value     string // the secret, which SecretID hashes
	displayed string // the part Redacted shows, or "" for value
	// start and end locate the reported part. For decoded matches they
	// cover the whole encoded segment.
	start, end int
	extra      []span // other parts of the secret, such as a pair's secret key
	tags       []string
}

func (h hit) spans() []span {
	return append([]span{{h.start, h.end}}, h.extra...)
}

func (h hit) display() string {
	if h.displayed != "" {
		return h.displayed
	}
	return h.value
}

// dropCovered removes each hit that overlaps a hit of a higher priority, so
// that one secret is reported once, by its most specific rule. For example,
// an AWS pair hides the generic finding on its secret key, and an issued
// value found as part of a pair is reported as the pair.
func dropCovered(hits []hit) []hit {
	const levels = 4
	var above [levels]spanSet // above[p] holds the spans of hits with priority > p
	for _, h := range hits {
		for p := range h.rule.priority() {
			above[p].add(h.spans()...)
		}
	}
	for p := range above {
		above[p].index()
	}
	kept := make([]hit, 0, len(hits))
	for _, h := range hits {
		set := &above[h.rule.priority()]
		if !slices.ContainsFunc(h.spans(), set.overlaps) {
			kept = append(kept, h)
		}
	}
	return dropDuplicates(kept)
}

// spanSet reports in logarithmic time whether any of its spans overlaps a
// given span.
type spanSet struct {
	spans  []span // sorted by start after index
	maxEnd []int  // maxEnd[i] is the largest end among spans[:i+1]
}

func (s *spanSet) add(spans ...span) { s.spans = append(s.spans, spans...) }

func (s *spanSet) index() {
	slices.SortFunc(s.spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	s.maxEnd = make([]int, len(s.spans))
	for i, sp := range s.spans {
		s.maxEnd[i] = sp.end
		if i > 0 {
			s.maxEnd[i] = max(sp.end, s.maxEnd[i-1])
		}
	}
}

func (s *spanSet) overlaps(q span) bool {
	// Spans that start before q ends are spans[:n]. One of them overlaps q
	// when the largest end among them lies beyond q's start.
	n, _ := slices.BinarySearchFunc(s.spans, q.end, func(sp span, end int) int {
		return cmp.Compare(sp.start, end)
	})
	return n > 0 && s.maxEnd[n-1] > q.start
}

// dropDuplicates keeps one hit per rule, value and position, because
// gitleaks can report a match again from a later decoding pass.
func dropDuplicates(hits []hit) []hit {
	type key struct {
		rule, value string
		start, end  int
	}
	seen := map[key]bool{}
	kept := hits[:0]
	for _, h := range hits {
		k := key{h.rule.id, h.value, h.start, h.end}
		if !seen[k] {
			seen[k] = true
			kept = append(kept, h)
		}
	}
	return kept
}

func compareHits(a, b hit) int {
	return cmp.Or(
		cmp.Compare(a.start, b.start),
		cmp.Compare(a.end, b.end),
		cmp.Compare(a.rule.id, b.rule.id),
		cmp.Compare(a.value, b.value),
	)
}
