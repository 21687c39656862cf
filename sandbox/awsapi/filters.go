package awsapi

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// filterKeys are the filter keys of ListSecrets and BatchGetSecretValue.
var filterKeys = []string{"description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"}

var filterValuePattern = regexp.MustCompile(`^!?[a-zA-Z0-9 :_@/+=.\-!]*$`)

type filterJSON struct {
	Key    *string
	Values []string
}

// secretFilter is a validated filter. Its values are ORed, except negated
// values ("!x"), which must all hold.
type secretFilter struct {
	key    string
	values []string
}

// filtersOf validates filters: model constraints first, as
// ValidationException, then a missing key or missing values, as
// InvalidParameterException.
func filtersOf(in []filterJSON) ([]secretFilter, *apiError) {
	var v violations
	if len(in) > 10 {
		v.lengthOf("filters", "", len(in), 0, 10, true)
	}
	for i, f := range in {
		field := memberField("filters", i)
		v.enum(field+".key", f.Key, filterKeys...)
		if len(f.Values) > 10 {
			v.lengthOf(field+".values", "", len(f.Values), 1, 10, true)
		}
		for j, val := range f.Values {
			vf := memberField(field+".values", j)
			v.length(vf, &val, 0, 512, false)
			v.pattern(vf, &val, filterValuePattern, `^\!?[a-zA-Z0-9 :_@\/\+\=\.\-\!]*$`)
		}
	}
	if e := v.err("ValidationException"); e != nil {
		return nil, e
	}
	out := make([]secretFilter, 0, len(in))
	for _, f := range in {
		if f.Key == nil {
			return nil, smError("InvalidParameterException", "Invalid filter key")
		}
		if len(f.Values) == 0 {
			return nil, smError("InvalidParameterException", "Invalid filter values for key: %s", *f.Key)
		}
		out = append(out, secretFilter{key: *f.Key, values: f.Values})
	}
	return out, nil
}

// matchesAll reports whether a secret passes every filter; filters are
// ANDed, even two with the same key.
func matchesAll(filters []secretFilter, sec *secretRecord, region string) bool {
	for _, f := range filters {
		if !f.matches(sec, region) {
			return false
		}
	}
	return true
}

func (f secretFilter) matches(sec *secretRecord, region string) bool {
	anyPositive, positiveHit := false, false
	for _, raw := range f.values {
		value, negated := strings.CutPrefix(raw, "!")
		hit := matchFilterKey(f.key, value, sec, region)
		switch {
		case negated && hit:
			return false
		case !negated:
			anyPositive = true
			positiveHit = positiveHit || hit
		}
	}
	return !anyPositive || positiveHit
}

// matchFilterKey matches one filter value. Most keys match by prefix, case-
// sensitively. The description key ignores case and also matches the start
// of any word. The all key requires every word of the value to start a word
// of the name, description, tag keys or tag values, ignoring case.
func matchFilterKey(key, value string, sec *secretRecord, region string) bool {
	switch key {
	case "name":
		return strings.HasPrefix(sec.Name, value)
	case "description":
		return hasPrefixFold(sec.Description, value) || wordsMatch(value, []string{sec.Description})
	case "tag-key":
		return slices.ContainsFunc(sec.Tags, func(t tagRecord) bool { return strings.HasPrefix(t.Key, value) })
	case "tag-value":
		return slices.ContainsFunc(sec.Tags, func(t tagRecord) bool { return strings.HasPrefix(t.Value, value) })
	case "primary-region":
		return strings.HasPrefix(region, value)
	case "owning-service":
		return value == ""
	default:
		return wordsMatch(value, secretAttributes(sec))
	}
}

func secretAttributes(sec *secretRecord) []string {
	attrs := []string{sec.Name, sec.Description}
	for _, t := range sec.Tags {
		attrs = append(attrs, t.Key, t.Value)
	}
	return attrs
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// wordsMatch reports whether every word of value starts some word of the
// attributes, ignoring case.
func wordsMatch(value string, attrs []string) bool {
	var words []string
	for _, a := range attrs {
		words = append(words, splitWords(a)...)
	}
	for _, w := range splitWords(value) {
		if !slices.ContainsFunc(words, func(x string) bool { return strings.HasPrefix(x, w) }) {
			return false
		}
	}
	return true
}

// splitWords splits s into lower-case words at characters other than
// letters and digits, and where a lower-case letter meets an upper-case one.
func splitWords(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for i, r := range s {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
			continue
		case unicode.IsUpper(r) && i > 0 && len(cur) > 0 && unicode.IsLower(cur[len(cur)-1]):
			flush()
		}
		cur = append(cur, r)
	}
	flush()
	return words
}
