package secretscan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// DefaultMaxDecodeDepth is the number of decoding passes a Scanner makes when
// Options.MaxDecodeDepth is zero. It is the gitleaks command line's default.
const DefaultMaxDecodeDepth = 5

// gcHeadroom is the size of a buffer the first New of a process holds while
// it compiles gitleaks' rules, which allocates tens of megabytes in small
// pieces. A fresh process starts with a garbage collection target of a few
// megabytes, so without the buffer, which raises the target, the collector
// runs several times during New. In a one-off measurement on two cores, New
// took about 22 ms in a fresh process without the buffer and 15 ms with it.
// A push protection hook pays that on every push. The buffer is never
// written, and in a fresh process it takes pages that were never touched,
// so the operating system does not back it with memory.
const gcHeadroom = 64 << 20

var firstNew sync.Once

// Finding is one secret found in one place.
type Finding struct {
	// RuleID names the rule that matched, for example "aws-access-key-pair",
	// "github-pat" or "sandbox-issued-value".
	RuleID string
	// Description is the secret type in a few words.
	Description string
	// SecretID is a stable opaque id of the secret value: the first 16 hex
	// digits of SHA-256 over the rule id and the value. The same value found
	// by the same rule in other files or commits has the same id.
	SecretID string
	// Redacted is the secret's first characters (at most four) and an ellipsis.
	Redacted string
	// Path is the file the secret is in, or a pseudo path such as
	// "(commit message)" for text that is not a file.
	Path string
	// Line and Column are 1-based. Column counts characters.
	Line   int
	Column int
	// Commit is the commit that introduced the secret. Scan leaves it empty
	// for the caller to fill in.
	Commit string
	// Excerpt is at most 120 characters of the line around the secret, with
	// every secret on the line redacted and no carriage return.
	Excerpt string
	// Blocking reports whether the finding rejects a push.
	Blocking bool
	// Tags carry details such as "decoded:base64" or "encoding:hex".
	Tags []string
}

// Options configure a Scanner.
type Options struct {
	// Known are the values the sandbox issued. They are found exactly, in
	// many encodings, and always block.
	Known []Value
	// MaxDecodeDepth is how many passes of base64, hex, percent and unicode
	// escape decoding the pattern rules see. Zero means
	// DefaultMaxDecodeDepth, and a negative value turns decoding off.
	MaxDecodeDepth int
	// Logger receives debug records about scans. Nil discards them.
	Logger *slog.Logger
}

// Scanner finds secrets in files. Create one with New. A Scanner may be used
// by several goroutines at once.
type Scanner struct {
	patterns *patternDetector
	matcher  *Matcher
	known    map[string]string // label of an issued value to the value
	logger   *slog.Logger
	// margin is how many bytes around a change ScanVersion scans again:
	// marginBytes, or twice the longest encoded issued value when that is
	// longer.
	margin int
}

// New builds a Scanner from gitleaks' default catalogue, the AWS rules and
// the issued values in opts.
func New(opts Options) (*Scanner, error) {
	var headroom []byte
	firstNew.Do(func() { headroom = make([]byte, gcHeadroom) })
	defer runtime.KeepAlive(headroom)
	silenceGitleaksLog()
	depth := opts.MaxDecodeDepth
	switch {
	case depth == 0:
		depth = DefaultMaxDecodeDepth
	case depth < 0:
		depth = 0
	}
	patterns, err := newPatternDetector(depth)
	if err != nil {
		return nil, err
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	matcher := NewMatcher(opts.Known)
	return &Scanner{
		patterns: patterns,
		matcher:  matcher,
		known:    knownByLabel(opts.Known),
		logger:   logger,
		margin:   max(marginBytes, 2*matcher.MaxPatternLength()),
	}, nil
}

// knownByLabel maps each label to its value. A label given to several values
// maps to all of them joined, so that its findings still get one stable id.
func knownByLabel(values []Value) map[string]string {
	byLabel := map[string][]string{}
	for _, v := range values {
		if v.Value != "" {
			byLabel[v.Label] = append(byLabel[v.Label], v.Value)
		}
	}
	known := make(map[string]string, len(byLabel))
	for label, vs := range byLabel {
		known[label] = strings.Join(vs, "\x00")
	}
	return known
}

// Scan returns the secrets in data, which is the content of the file at
// path, sorted by position. Text in UTF-8, with or without a byte order mark,
// and in UTF-16 is scanned with every rule. Binary data is searched for the
// issued values only, and IsBinary distinguishes the two.
func (s *Scanner) Scan(path string, data []byte) []Finding {
	text, encoding := DecodeText(data)
	if encoding == TextBinary {
		return s.scanBinary(path, data)
	}
	return s.scanText(path, text, encoding)
}

func (s *Scanner) scanText(path, text, encoding string) []Finding {
	text = withFinalNewline(text)
	raw := s.rawHits(path, text)
	findings := s.finish(path, text, raw)
	s.logger.Debug("scanned text", "path", path, "encoding", encoding, "bytes", len(text), "findings", len(findings))
	return findings
}

// withFinalNewline ends text with a newline, so that gitleaks never takes
// the last line of a text for the whole text.
func withFinalNewline(text string) string {
	if !strings.HasSuffix(text, "\n") {
		return text + "\n"
	}
	return text
}

// rawFinds are the matches in a text before the AWS candidates are paired
// and overlapping hits are resolved.
type rawFinds struct {
	hits []hit   // catalogue matches outside allowed paths, and issued values
	aws  []match // AWS candidate matches
	// wide are the hits of keywords of wide rules, in normal lines.
	wide []wordHit
}

func (s *Scanner) rawHits(path, text string) rawFinds {
	var raw rawFinds
	var catalogue []match
	matches, wide := s.patterns.matches(context.Background(), path, text)
	raw.wide = wide
	for _, m := range matches {
		if isAWSRule(m.ruleID) {
			raw.aws = append(raw.aws, m)
		} else {
			catalogue = append(catalogue, m)
		}
	}
	if len(catalogue) > 0 && !s.patterns.pathAllowed(path) {
		for _, m := range catalogue {
			raw.hits = append(raw.hits, catalogueHit(m))
		}
	}
	raw.hits = append(raw.hits, exactHits(s, text)...)
	return raw
}

// finish pairs the AWS candidates, keeps the most specific hit where hits
// overlap and returns the findings.
func (s *Scanner) finish(path, text string, raw rawFinds) []Finding {
	hits := append(slices.Clone(raw.hits), awsHits(raw.aws)...)
	hits = dropCovered(hits)
	if len(hits) == 0 {
		return nil
	}
	return s.findings(path, newLineIndex(text), hits)
}

// ScanIssued returns the issued values in data, the content of the file at
// path, without running the pattern rules. It suits data too large for
// them, as its cost grows only with the size of data.
func (s *Scanner) ScanIssued(path string, data []byte) []Finding {
	return s.scanBinary(path, data)
}

func (s *Scanner) scanBinary(path string, data []byte) []Finding {
	hits := exactHits(s, data)
	x := newLineIndex(string(data))
	findings := make([]Finding, 0, len(hits))
	for _, h := range hits {
		f := s.finding(path, x, h, nil)
		f.Excerpt = fmt.Sprintf("binary data at byte %d", h.start)
		findings = append(findings, f)
	}
	s.logger.Debug("scanned binary data", "path", path, "bytes", len(data), "findings", len(findings))
	return findings
}

// exactHits finds the issued values in data.
func exactHits[T string | []byte](s *Scanner, data T) []hit {
	matches := findValues(s.matcher, data)
	hits := make([]hit, 0, len(matches))
	for _, m := range matches {
		hits = append(hits, hit{
			rule:  issuedRule(m.Label),
			value: s.known[m.Label],
			start: m.Start,
			end:   m.End,
			tags:  []string{"issued", "encoding:" + m.Encoding},
		})
	}
	return hits
}

// findings turns hits into findings, sorted by position and rule.
func (s *Scanner) findings(path string, x *lineIndex, hits []hit) []Finding {
	var spans []span
	for _, h := range hits {
		spans = append(spans, h.spans()...)
	}
	redact := newSortedSpans(spans)
	slices.SortFunc(hits, compareHits)
	findings := make([]Finding, 0, len(hits))
	for _, h := range hits {
		findings = append(findings, s.finding(path, x, h, redact))
	}
	return findings
}

func (s *Scanner) finding(path string, x *lineIndex, h hit, redact *sortedSpans) Finding {
	return Finding{
		RuleID:      h.rule.id,
		Description: h.rule.description,
		SecretID:    SecretID(h.rule.id, h.value),
		Redacted:    Redact(h.display()),
		Path:        path,
		Line:        x.line(h.start),
		Column:      x.column(h.start),
		Excerpt:     excerpt(x, h.start, h.end, redact),
		Blocking:    h.rule.blocking,
		Tags:        h.tags,
	}
}

// SecretID returns the first 16 hex digits of SHA-256 over ruleID and value.
func SecretID(ruleID, value string) string {
	sum := sha256.Sum256([]byte(ruleID + "\x00" + value))
	return hex.EncodeToString(sum[:8])
}

// Redact returns the first characters of value and an ellipsis: four
// characters of a value of 16 or more, a quarter of a shorter one.
func Redact(value string) string {
	keep := min(4, utf8.RuneCountInString(value)/4)
	var b strings.Builder
	for _, r := range value {
		if keep == 0 {
			break
		}
		b.WriteRune(r)
		keep--
	}
	return b.String() + "…"
}
