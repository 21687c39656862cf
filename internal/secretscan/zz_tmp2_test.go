package secretscan

import (
	"fmt"
	"regexp/syntax"
	"strings"
	"testing"
)

func canMatchNewline(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpAnyChar:
		return true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] <= '\n' && '\n' <= re.Rune[i+1] {
				return true
			}
		}
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if r == '\n' {
				return true
			}
		}
	}
	for _, s := range re.Sub {
		if canMatchNewline(s) {
			return true
		}
	}
	return false
}

func TestTmpAnalyze(t *testing.T) {
	cfg, err := defaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	nl := 0
	for id, r := range cfg.Rules {
		if r.Regex == nil {
			continue
		}
		re, err := syntax.Parse(r.Regex.String(), syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if canMatchNewline(re) {
			nl++
			fmt.Println("NL:", id, r.Keywords)
		}
		src := strings.ToLower(strings.ReplaceAll(r.Regex.String(), `\`, ""))
		for _, k := range r.Keywords {
			if !strings.Contains(src, strings.ToLower(k)) {
				fmt.Println("KW not literal:", id, k)
			}
		}
	}
	fmt.Println(nl, len(cfg.Rules))
}
