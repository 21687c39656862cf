package secretscan

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
	"github.com/zricethezav/gitleaks/v8/report"
	"github.com/zricethezav/gitleaks/v8/sources"
)

var silenceOnce sync.Once

// silenceGitleaksLog stops gitleaks' global logger, which writes to standard
// error at info level by default.
func silenceGitleaksLog() {
	silenceOnce.Do(func() { logging.Logger = zerolog.Nop() })
}

// patternDetector runs gitleaks' catalogue and the AWS candidate rules.
// Normal lines are scanned only where a rule's keyword or encoded text can
// produce a match (see keywordIndex and scanRuns), and long lines in
// windows around keywords.
type patternDetector struct {
	// detector runs every rule with decoding, on lines that hold encoded
	// text and on windows of long lines.
	detector *detect.Detector
	// plainDetector runs every rule but the secret access key candidate,
	// without decoding, on the lines around keywords. secretKeyRuns finds
	// the candidates there instead, in every line.
	plainDetector func() *detect.Detector
	// blockingDetector runs only the blocking and AWS rules, without
	// decoding, on windows of long lines.
	blockingDetector func() *detect.Detector
	// pathAllowlists are the path parts of gitleaks' global allowlists
	// (lockfiles, images, vendored code). They are applied to the catalogue
	// rules only, after scanning, so that an AWS key pair is found in any
	// file.
	pathAllowlists []*config.Allowlist
	// keywords anchor the windows scanned in long lines.
	keywords func() keywordSets
	// index anchors the windows scanned in normal lines.
	index *keywordIndex
}

// match is one gitleaks finding located in the scanned text.
type match struct {
	ruleID, description string
	secret              string
	// start and end locate the whole match. For a decoded match they cover
	// the encoded segment.
	start, end int
	// secretStart and secretEnd locate the captured secret, or equal start
	// and end for a decoded match.
	secretStart, secretEnd int
	tags                   []string
}

// newPatternDetector builds the detector from gitleaks' embedded default
// configuration and the AWS candidate rules. The catalogue's
// aws-access-token rule is removed, because the AWS rules of this package
// report access key ids. The parts that only some texts need are built on
// first use, which keeps a push protection hook's start short.
func newPatternDetector(decodeDepth int) (*patternDetector, error) {
	cfg, err := defaultConfig()
	if err != nil {
		return nil, err
	}
	delete(cfg.Rules, "aws-access-token")
	cfg.OrderedRules = slices.DeleteFunc(cfg.OrderedRules, func(id string) bool { return id == "aws-access-token" })
	for _, r := range awsCandidateRules() {
		cfg.Rules[r.RuleID] = r
		cfg.OrderedRules = append(cfg.OrderedRules, r.RuleID)
		for _, k := range r.Keywords {
			cfg.Keywords[k] = struct{}{}
		}
	}
	p := &patternDetector{}
	if cfg.Allowlists, p.pathAllowlists, err = splitPathAllowlists(cfg.Allowlists); err != nil {
		return nil, err
	}
	p.index = newKeywordIndex(cfg)
	p.detector = newDetector(cfg, decodeDepth)
	p.plainDetector = sync.OnceValue(func() *detect.Detector { return newDetector(withoutRule(cfg, candidateSecretKey), 0) })
	p.blockingDetector = sync.OnceValue(func() *detect.Detector { return newDetector(blockingConfig(cfg), 0) })
	p.keywords = sync.OnceValue(func() keywordSets { return newKeywordSets(cfg) })
	return p, nil
}

func newDetector(cfg config.Config, decodeDepth int) *detect.Detector {
	d := detect.NewDetector(cfg)
	d.MaxDecodeDepth = decodeDepth
	// Push protection honours no inline markers: a gitleaks:allow comment
	// added next to a secret must not let it through. The bypass flow is
	// the way to allow a secret.
	d.IgnoreGitleaksAllow = true
	return d
}

// blockingConfig returns cfg with only the blocking and AWS rules.
func blockingConfig(cfg config.Config) config.Config {
	out := cfg
	out.Rules = map[string]config.Rule{}
	out.Keywords = map[string]struct{}{}
	out.OrderedRules = nil
	for _, id := range cfg.OrderedRules {
		if !isAWSRule(id) && blockingRules[id] == "" {
			continue
		}
		r := cfg.Rules[id]
		out.Rules[id] = r
		out.OrderedRules = append(out.OrderedRules, id)
		for _, k := range r.Keywords {
			out.Keywords[strings.ToLower(k)] = struct{}{}
		}
	}
	return out
}

// withoutRule returns cfg without the rule id.
func withoutRule(cfg config.Config, id string) config.Config {
	out := cfg
	out.Rules = maps.Clone(cfg.Rules)
	delete(out.Rules, id)
	out.OrderedRules = slices.DeleteFunc(slices.Clone(cfg.OrderedRules), func(r string) bool { return r == id })
	return out
}

// splitPathAllowlists returns the global allowlists without their paths,
// and the allowlists that hold those paths. gitleaks skips a whole file whose
// path a global allowlist names, so the paths are kept apart to apply them
// to the catalogue rules only.
func splitPathAllowlists(lists []*config.Allowlist) (content, paths []*config.Allowlist, err error) {
	for _, a := range lists {
		if len(a.Paths) == 0 {
			content = append(content, a)
			continue
		}
		if a.MatchCondition != config.AllowlistMatchOr {
			return nil, nil, fmt.Errorf("load gitleaks default config: global allowlist %q combines its paths with AND", a.Description)
		}
		paths = append(paths, a)
		if len(a.Regexes) == 0 && len(a.StopWords) == 0 && len(a.Commits) == 0 {
			continue
		}
		rest := &config.Allowlist{
			Description: a.Description,
			Commits:     a.Commits,
			RegexTarget: a.RegexTarget,
			Regexes:     a.Regexes,
			StopWords:   a.StopWords,
		}
		if err := rest.Validate(); err != nil {
			return nil, nil, fmt.Errorf("load gitleaks default config: global allowlist %q: %w", a.Description, err)
		}
		content = append(content, rest)
	}
	return content, paths, nil
}

// semiGenericOperator is the assignment operator group of gitleaks'
// keyword-context rules, whose regexes read: a name containing the keyword,
// this operator, then the value.
const semiGenericOperator = `(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)`

// keywordSets sorts the rules' keywords for the windows of long lines into
// three sets. The first holds the keywords of blocking and AWS rules. The
// second holds keywords used only by keyword-context rules, whose hits count
// only when an assignment follows them. For the keywords of generic-api-key
// alone, a value of at least 10 characters must follow too. The third holds
// the rest.
type keywordSets struct {
	blocking, assignment, other *ahocorasick.Trie
	needsValue                  map[string]bool // assignment keywords of generic-api-key alone
}

func newKeywordSets(cfg config.Config) keywordSets {
	kinds := map[string]map[string]bool{} // keyword to the kinds of rules using it
	for id, r := range cfg.Rules {
		kind := "other"
		switch {
		case isAWSRule(id) || blockingRules[id] != "":
			kind = "blocking"
		case id == "generic-api-key":
			kind = "generic"
		case r.Regex != nil && strings.Contains(r.Regex.String(), semiGenericOperator):
			kind = "assignment"
		}
		for _, k := range r.Keywords {
			k = strings.ToLower(k)
			if kinds[k] == nil {
				kinds[k] = map[string]bool{}
			}
			kinds[k][kind] = true
		}
	}
	var blocking, assignment, other []string
	needsValue := map[string]bool{}
	for k, ks := range kinds {
		switch {
		case ks["blocking"]:
			blocking = append(blocking, k)
		case ks["other"]:
			other = append(other, k)
		default:
			assignment = append(assignment, k)
			needsValue[k] = !ks["assignment"]
		}
	}
	build := func(words []string) *ahocorasick.Trie { return ahocorasick.NewTrieBuilder().AddStrings(words).Build() }
	return keywordSets{blocking: build(blocking), assignment: build(assignment), other: build(other), needsValue: needsValue}
}

// pathAllowed reports whether gitleaks' global allowlists exempt path from
// the catalogue rules.
func (p *patternDetector) pathAllowed(path string) bool {
	return slices.ContainsFunc(p.pathAllowlists, func(a *config.Allowlist) bool { return a.PathAllowed(path) })
}

// matches returns every match in text with its offsets, and the hits of
// the keywords of wide rules. Regions
// of normal lines are scanned in windows around keywords and encoded text,
// and long lines in windows around keywords.
func (p *patternDetector) matches(ctx context.Context, path, text string) ([]match, []wordHit) {
	var all []match
	budget := &windowBudget{blocking: blockingBudget, other: otherBudget}
	finder := newWindowFinder(p.index, text)
	for _, r := range regionsOf(text) {
		if r.long {
			all = append(all, p.longLineMatches(ctx, path, text, r, budget)...)
			continue
		}
		windows, candidates := finder.windows(r, path)
		all = append(all, candidates...)
		for _, w := range windows {
			d := p.plainDetector()
			if w.decode {
				d = p.detector
			}
			for _, c := range chunksOf(text, region{start: w.start, end: w.end}) {
				all = append(all, fragmentMatches(ctx, d, path, text, c)...)
			}
		}
	}
	return dedupeMatches(all), finder.wide
}

// fragmentMatches runs d on one fragment of text and returns the matches
// that start before the fragment's limit.
func fragmentMatches(ctx context.Context, d *detect.Detector, path, text string, c fragment) []match {
	raw := text[c.start:c.end]
	findings := d.DetectContext(ctx, detect.Fragment(sources.Fragment{
		Raw:       raw,
		FilePath:  path,
		StartLine: 1,
	}))
	if len(findings) == 0 {
		return nil
	}
	newlines := newlineOffsets(raw)
	var out []match
	for _, f := range findings {
		m := locate(raw, newlines, f)
		if c.start+m.start >= c.limit {
			continue // the next fragment reports it
		}
		m.start, m.end = m.start+c.start, m.end+c.start
		m.secretStart, m.secretEnd = m.secretStart+c.start, m.secretEnd+c.start
		out = append(out, m)
	}
	return out
}

func newlineOffsets(text string) []int {
	var offsets []int
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			offsets = append(offsets, i)
		}
	}
	return offsets
}

// locate turns a gitleaks finding in fragment text into byte offsets.
//
// gitleaks v8.30.1 counts a column from the start of the fragment on the
// first line, but from the newline before the line on every later line. So
// a match starts at base+StartColumn-1 and ends at base+EndColumn, where
// base is 0 on the first line and the offset of the preceding newline on
// later lines. A match that is not where this puts it is searched for on
// its line.
func locate(text string, newlines []int, f report.Finding) match {
	base := func(line int) int {
		if line <= 1 || line-2 >= len(newlines) {
			return 0
		}
		return newlines[line-2]
	}
	m := match{
		ruleID:      f.RuleID,
		description: f.Description,
		secret:      f.Secret,
		start:       clamp(base(f.StartLine)+f.StartColumn-1, 0, len(text)),
		end:         clamp(base(f.EndLine)+f.EndColumn, 0, len(text)),
		tags:        f.Tags,
	}
	if isDecoded(f.Tags) {
		m.secretStart, m.secretEnd = m.start, m.end
		return m
	}
	if text[m.start:max(m.start, m.end)] != f.Match {
		m.start, m.end = searchLine(text, newlines, f.StartLine, f.Match)
	}
	m.secretStart, m.secretEnd = m.start, m.end
	if i := strings.Index(f.Match, f.Secret); i >= 0 && f.Secret != "" {
		m.secretStart = m.start + i
		m.secretEnd = m.secretStart + len(f.Secret)
	}
	return m
}

// searchLine finds s on the 1-based line of text, or from the line on when
// s spans several lines, and returns its offsets. When s is not there, it
// returns the start of the line and the length of s.
func searchLine(text string, newlines []int, line int, s string) (start, end int) {
	lineStart := 0
	if line >= 2 && line-2 < len(newlines) {
		lineStart = newlines[line-2] + 1
	}
	if i := strings.Index(text[lineStart:], s); i >= 0 {
		return lineStart + i, lineStart + i + len(s)
	}
	return lineStart, min(len(text), lineStart+len(s))
}

func isDecoded(tags []string) bool {
	return slices.ContainsFunc(tags, func(t string) bool { return strings.HasPrefix(t, "decoded:") })
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }
