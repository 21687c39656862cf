package secretscan

import (
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/zricethezav/gitleaks/v8/config"
)

// reach describes how far a rule's match can lie from one of the rule's
// keywords, so that a text is scanned only around its keyword hits. It
// rests on a property of every rule in gitleaks' default catalogue: a match
// contains one of the rule's keywords.
type reach struct {
	// regex is the rule's regular expression. A window where it does not
	// match can hold no finding of the rule.
	regex *regexp.Regexp
	// assignment marks a keyword-context rule: a name holding the keyword,
	// an assignment operator and a value, all after the keyword and at most
	// assignmentReach bytes past it before the value starts.
	assignment bool
	// needsValue marks generic-api-key, whose value has at least 10
	// characters (see assignmentFollows).
	needsValue bool
	// lines is how many lines before and after the keyword's line a match
	// can cover, or -1 when a match can hold any number of newlines.
	lines int
	// wide marks a rule whose match can cover more than maxNarrowLines
	// lines around its keyword. ScanVersion scans a text whole when such
	// a rule may match across its change.
	wide bool
	// required are lower-case literals that every match of a wide rule
	// contains. A rule of unbounded reach is run only on texts that hold
	// all of them.
	required []string
}

// maxNarrowLines is the most lines before or after its keyword's line that
// a match of a rule that is not wide covers.
const maxNarrowLines = 2

// assignmentReach bounds the bytes from the end of a keyword to the start
// of the value in a keyword-context rule. The rule allows 20 name
// characters, 3 quotes or spaces, an operator of up to 3 characters and 7
// quotes, spaces or signs; the bound leaves room to spare.
const assignmentReach = 40

// maxReachLines caps reach.lines. A rule whose match can cover more lines
// around its keyword is treated as unbounded.
const maxReachLines = 16

// ruleReach analyses the regular expression of r.
func ruleReach(r config.Rule) reach {
	if r.Regex == nil {
		return reach{}
	}
	src := r.Regex.String()
	if strings.Contains(src, semiGenericOperator) {
		return reach{regex: r.Regex, assignment: true, needsValue: r.RuleID == "generic-api-key"}
	}
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		// The rule compiled, so parsing cannot fail. If it does, treating
		// the rule as unbounded keeps every match.
		return reach{lines: -1}
	}
	rc := reach{regex: r.Regex, lines: innerNewlines(re)}
	if rc.lines > maxReachLines {
		rc.lines = -1
	}
	rc.wide = rc.lines < 0 || rc.lines > maxNarrowLines
	if rc.wide {
		rc.required = requiredLiterals(re)
	}
	return rc
}

// innerNewlines returns how many newlines a match of re can hold before its
// last character, or -1 for any number. A final terminator such as
// (?:\s|$), which ends the match at the end of the line, is left out.
func innerNewlines(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpCapture:
		return innerNewlines(re.Sub[0])
	case syntax.OpAlternate:
		most := 0
		for _, sub := range re.Sub {
			n := innerNewlines(sub)
			if n < 0 {
				return -1
			}
			most = max(most, n)
		}
		return most
	case syntax.OpConcat:
		subs := re.Sub
		if n := len(subs); n > 1 && isTerminator(subs[n-1]) {
			subs = subs[:n-1]
		}
		return newlines(&syntax.Regexp{Op: syntax.OpConcat, Sub: subs})
	}
	return newlines(re)
}

// isTerminator reports whether re matches one character, or two without a
// newline, or nothing, in each of its alternatives: a newline it matches
// can only be the last character of the match.
func isTerminator(re *syntax.Regexp) bool {
	branches := []*syntax.Regexp{re}
	if re.Op == syntax.OpAlternate {
		branches = re.Sub
	}
	for _, b := range branches {
		switch {
		case width(b) <= 1:
		case width(b) == 2 && newlines(b) == 0:
		default:
			return false
		}
	}
	return true
}

// width returns the most characters a match of re can have, or -1 for any
// number.
func width(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpQuest:
		return width(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		return -1
	case syntax.OpRepeat:
		w := width(re.Sub[0])
		if w < 0 || re.Max < 0 {
			return -1
		}
		return w * re.Max
	case syntax.OpConcat:
		return combine(re.Sub, width, func(a, b int) int { return a + b })
	case syntax.OpAlternate:
		return combine(re.Sub, width, maxInt)
	}
	return 0 // empty-width assertions
}

// newlines returns how many newlines a match of re can hold, or -1 for any
// number.
func newlines(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return strings.Count(string(re.Rune), "\n")
	case syntax.OpCharClass:
		return boolInt(classHasNewline(re.Rune))
	case syntax.OpAnyChar:
		return 1
	case syntax.OpCapture, syntax.OpQuest:
		return newlines(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		if newlines(re.Sub[0]) != 0 {
			return -1
		}
		return 0
	case syntax.OpRepeat:
		n := newlines(re.Sub[0])
		if n > 0 && re.Max < 0 {
			return -1
		}
		if n < 0 {
			return -1
		}
		return n * re.Max
	case syntax.OpConcat:
		return combine(re.Sub, newlines, func(a, b int) int { return a + b })
	case syntax.OpAlternate:
		return combine(re.Sub, newlines, maxInt)
	}
	return 0
}

// combine folds measure over subs with op, where -1 stands for unbounded.
func combine(subs []*syntax.Regexp, measure func(*syntax.Regexp) int, op func(a, b int) int) int {
	total := 0
	for _, sub := range subs {
		n := measure(sub)
		if n < 0 {
			return -1
		}
		total = op(total, n)
	}
	return total
}

func maxInt(a, b int) int { return max(a, b) }

func classHasNewline(ranges []rune) bool {
	for i := 0; i+1 < len(ranges); i += 2 {
		if ranges[i] <= '\n' && '\n' <= ranges[i+1] {
			return true
		}
	}
	return false
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// requiredLiterals returns lower-case literals of at least three
// characters that every match of re contains.
func requiredLiterals(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) >= 3 {
			return []string{strings.ToLower(string(re.Rune))}
		}
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiterals(re.Sub[0])
		}
	case syntax.OpConcat:
		var all []string
		for _, sub := range re.Sub {
			all = append(all, requiredLiterals(sub)...)
		}
		return all
	case syntax.OpAlternate:
		return commonLiterals(re.Sub)
	}
	return nil
}

// commonLiterals returns the literals that every alternative requires.
func commonLiterals(alternatives []*syntax.Regexp) []string {
	common := requiredLiterals(alternatives[0])
	for _, alt := range alternatives[1:] {
		theirs := requiredLiterals(alt)
		kept := common[:0]
		for _, lit := range common {
			if containsString(theirs, lit) {
				kept = append(kept, lit)
			}
		}
		common = kept
	}
	return common
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
