package secretscan

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	mathrand "math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"
)

const (
	idAlphabet     = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// randomString returns n characters drawn from alphabet with crypto/rand.
func randomString(t testing.TB, alphabet string, n int) string {
	t.Helper()
	raw := make([]byte, n)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	for i, b := range raw {
		raw[i] = alphabet[int(b)%len(alphabet)]
	}
	return string(raw)
}

// testPair returns an AWS-shaped access key id and a secret that contains
// both '/' and '+', so percent-encoding and JSON escaping change it.
func testPair(t testing.TB) (id, secret string) {
	t.Helper()
	id = "AK" + "IA" + randomString(t, idAlphabet, 16)
	s := []byte(randomString(t, secretAlphabet, 40))
	s[11], s[27] = '/', '+'
	return id, string(s)
}

func labels(matches []ValueMatch) string {
	var parts []string
	for _, m := range matches {
		parts = append(parts, fmt.Sprintf("%s/%s[%d:%d]", m.Label, m.Encoding, m.Start, m.End))
	}
	return strings.Join(parts, " ")
}

func utf16Of(s string, bigEndian bool) string { return string(utf16Bytes(s, bigEndian)) }

func TestMatcherFindsEachEncoding(t *testing.T) {
	t.Parallel()
	id, secret := testPair(t)
	m := NewMatcher([]Value{{Label: "access key id", Value: id}, {Label: "secret access key", Value: secret}})

	tests := []struct {
		name     string
		encoded  string
		encoding string
	}{
		{"raw", secret, EncodingRaw},
		{"query escape", url.QueryEscape(secret), EncodingPercent},
		{"query escape lower hex", strings.ReplaceAll(strings.ReplaceAll(url.QueryEscape(secret), "%2F", "%2f"), "%2B", "%2b"), EncodingPercent},
		{"path escape", url.PathEscape(secret), EncodingPercent},
		{"path escape lower hex", strings.ReplaceAll(url.PathEscape(secret), "%2F", "%2f"), EncodingPercent},
		{"hex lower", hex.EncodeToString([]byte(secret)), EncodingHex},
		{"hex upper", strings.ToUpper(hex.EncodeToString([]byte(secret))), EncodingHex},
		{"json solidus", strings.ReplaceAll(secret, "/", `\/`), EncodingJSON},
		{"json unicode lower", jsonUnicodeEscape(secret, "\\u%04x"), EncodingJSON},
		{"json unicode upper", jsonUnicodeEscape(secret, "\\u%04X"), EncodingJSON},
		{"utf16le", utf16Of(secret, false), EncodingUTF16LE},
		{"utf16be", utf16Of(secret, true), EncodingUTF16BE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := []byte("prefix = \"" + tt.encoded + "\"\n")
			got := m.Find(data)
			want := []ValueMatch{{Label: "secret access key", Start: 10, End: 10 + len(tt.encoded), Encoding: tt.encoding}}
			if !slices.Equal(got, want) {
				t.Errorf("Find = %s, want %s", labels(got), labels(want))
			}
			if !m.Contains(data) {
				t.Error("Contains = false, want true")
			}
		})
	}
}

func TestMatcherFindsBase64AtEveryAlignment(t *testing.T) {
	t.Parallel()
	id, secret := testPair(t)
	m := NewMatcher([]Value{{Label: "id", Value: id}, {Label: "secret", Value: secret}})
	encodings := []struct {
		name string
		enc  *base64.Encoding
		want []string
	}{
		{"standard", base64.StdEncoding, []string{EncodingBase64}},
		// A core without '+' or '/' is the same in both alphabets, and the
		// matcher reports it under the first name.
		{"url", base64.URLEncoding, []string{EncodingBase64URL, EncodingBase64}},
		{"raw url", base64.RawURLEncoding, []string{EncodingBase64URL, EncodingBase64}},
	}
	for _, e := range encodings {
		for lead := range 6 {
			for trail := range 3 {
				name := fmt.Sprintf("%s lead %d trail %d", e.name, lead, trail)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					plain := strings.Repeat("x", lead) + "aws_access_key_id=" + id + "\nsecret=" + secret + strings.Repeat("y", trail)
					data := []byte("blob: " + e.enc.EncodeToString([]byte(plain)) + "\n")
					got := m.Find(data)
					if len(got) != 2 {
						t.Fatalf("Find = %s, want one match per value", labels(got))
					}
					for _, match := range got {
						if !slices.Contains(e.want, match.Encoding) {
							t.Errorf("%s matched as %s, want one of %v", match.Label, match.Encoding, e.want)
						}
					}
				})
			}
		}
	}
}

func TestMatcherFindsSplitValueAsFragments(t *testing.T) {
	t.Parallel()
	_, secret := testPair(t)
	m := NewMatcher([]Value{{Label: "secret", Value: secret}})
	head, tail := secret[:20], secret[20:]
	data := []byte("key = \"" + head + "\" +\n      \"" + tail + "\"\n")

	got := m.Find(data)
	headStart := bytes.Index(data, []byte(head))
	tailStart := bytes.Index(data, []byte(tail))
	want := []ValueMatch{
		{Label: "secret", Start: headStart, End: headStart + 20, Encoding: EncodingFragment},
		{Label: "secret", Start: tailStart, End: tailStart + 20, Encoding: EncodingFragment},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Find = %s, want %s", labels(got), labels(want))
	}
}

func TestMatcherPieceShorterThanWindowNotFound(t *testing.T) {
	t.Parallel()
	_, secret := testPair(t)
	m := NewMatcher([]Value{{Label: "secret", Value: secret}})
	var parts []string
	for i := 0; i < len(secret); i += FragmentLength - 1 {
		parts = append(parts, secret[i:min(i+FragmentLength-1, len(secret))])
	}
	data := []byte(strings.Join(parts, "\n"))
	if got := m.Find(data); got != nil {
		t.Errorf("Find = %s, want no match for pieces of %d characters", labels(got), FragmentLength-1)
	}
}

func TestMatcherWholeMatchHidesFragments(t *testing.T) {
	t.Parallel()
	id, secret := testPair(t)
	m := NewMatcher([]Value{{Label: "id", Value: id}, {Label: "secret", Value: secret}})
	data := []byte(id + " " + secret + " " + id)

	got := m.Find(data)
	want := []ValueMatch{
		{Label: "id", Start: 0, End: 20, Encoding: EncodingRaw},
		{Label: "secret", Start: 21, End: 61, Encoding: EncodingRaw},
		{Label: "id", Start: 62, End: 82, Encoding: EncodingRaw},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Find = %s, want %s", labels(got), labels(want))
	}
}

func TestMatcherShortValueRawOnly(t *testing.T) {
	t.Parallel()
	short := randomString(t, secretAlphabet, FragmentLength-1)
	m := NewMatcher([]Value{{Label: "short", Value: short}})

	if m.Contains([]byte(base64.StdEncoding.EncodeToString([]byte(short)))) {
		t.Error("base64 of a short value matched, want raw only")
	}
	if m.Contains([]byte(hex.EncodeToString([]byte(short)))) {
		t.Error("hex of a short value matched, want raw only")
	}
	got := m.Find([]byte("v=" + short))
	want := []ValueMatch{{Label: "short", Start: 2, End: 2 + len(short), Encoding: EncodingRaw}}
	if !slices.Equal(got, want) {
		t.Errorf("Find = %s, want %s", labels(got), labels(want))
	}
}

func TestMatcherNoMatch(t *testing.T) {
	t.Parallel()
	id, secret := testPair(t)
	other, _ := testPair(t)
	tests := []struct {
		name   string
		values []Value
		data   string
	}{
		{"no values", nil, id},
		{"empty value", []Value{{Label: "empty", Value: ""}}, id},
		{"other key", []Value{{Label: "id", Value: id}, {Label: "secret", Value: secret}}, other + "\n" + strings.ToLower(secret)},
		{"empty data", []Value{{Label: "id", Value: id}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := NewMatcher(tt.values)
			if got := m.Find([]byte(tt.data)); got != nil {
				t.Errorf("Find = %s, want nil", labels(got))
			}
			if m.Contains([]byte(tt.data)) {
				t.Error("Contains = true, want false")
			}
		})
	}
}

func TestMatcherNonASCIIFragmentsKeepRunes(t *testing.T) {
	t.Parallel()
	value := "pässwörd-" + randomString(t, secretAlphabet, 12) + "-ünïcode"
	m := NewMatcher([]Value{{Label: "password", Value: value}})
	runes := []rune(value)
	head := string(runes[:FragmentLength+2])
	data := []byte("a=" + head + "\n")

	got := m.Find(data)
	want := []ValueMatch{{Label: "password", Start: 2, End: 2 + len(head), Encoding: EncodingFragment}}
	if !slices.Equal(got, want) {
		t.Errorf("Find = %s, want %s", labels(got), labels(want))
	}
	if !m.Contains([]byte(utf16Of(value, false))) {
		t.Error("UTF-16LE form of a non-ASCII value not found")
	}
}

func TestMatcherSameValueTwoLabels(t *testing.T) {
	t.Parallel()
	_, secret := testPair(t)
	m := NewMatcher([]Value{{Label: "first", Value: secret}, {Label: "second", Value: secret}})
	got := m.Find([]byte(secret))
	want := []ValueMatch{
		{Label: "first", Start: 0, End: 40, Encoding: EncodingRaw},
		{Label: "second", Start: 0, End: 40, Encoding: EncodingRaw},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Find = %s, want %s", labels(got), labels(want))
	}
}

func TestMaxPatternLength(t *testing.T) {
	t.Parallel()
	_, secret := testPair(t)
	m := NewMatcher([]Value{{Label: "secret", Value: secret}})
	// The longest form writes each of the 40 characters as \uXXXX.
	if got, want := m.MaxPatternLength(), 6*len(secret); got != want {
		t.Errorf("MaxPatternLength = %d, want %d", got, want)
	}
}

// TestAutomatonAgreesWithBruteForce compares every occurrence the automaton
// reports with a naive search, on random patterns over a small alphabet so
// that patterns overlap and share prefixes and suffixes.
func TestAutomatonAgreesWithBruteForce(t *testing.T) {
	t.Parallel()
	rng := mathrand.New(mathrand.NewPCG(1, 2))
	randomBytes := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abc\x00\xff"[rng.IntN(5)]
		}
		return b
	}
	for round := range 200 {
		var patterns [][]byte
		for range 1 + rng.IntN(8) {
			patterns = append(patterns, randomBytes(1+rng.IntN(5)))
		}
		data := randomBytes(rng.IntN(200))
		got := map[[2]int]int{}
		newAutomaton(patterns).scan(data, func(id, end int) bool {
			got[[2]int{id, end}]++
			return true
		})
		want := map[[2]int]int{}
		for id, p := range patterns {
			for end := len(p); end <= len(data); end++ {
				if bytes.Equal(data[end-len(p):end], p) {
					want[[2]int{id, end}]++
				}
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("round %d: patterns %q data %q: automaton found %v, brute force %v", round, patterns, data, got, want)
		}
	}
}

// BenchmarkMatcherFind scans 10 MB of base64 text, which shares the keys'
// alphabet and so keeps the automaton off its start state, with one key pair
// at the end.
func BenchmarkMatcherFind(b *testing.B) {
	id, secret := testPair(b)
	m := NewMatcher([]Value{{Label: "id", Value: id}, {Label: "secret", Value: secret}})
	rng := mathrand.New(mathrand.NewChaCha8([32]byte{1}))
	raw := make([]byte, 10<<20*3/4)
	for i := range raw {
		raw[i] = byte(rng.Uint32())
	}
	var data bytes.Buffer
	encoded := base64.StdEncoding.EncodeToString(raw)
	for len(encoded) > 76 {
		data.WriteString(encoded[:76])
		data.WriteByte('\n')
		encoded = encoded[76:]
	}
	data.WriteString(id + "\n" + secret + "\n")
	b.SetBytes(int64(data.Len()))
	b.ResetTimer()
	for b.Loop() {
		if got := m.Find(data.Bytes()); len(got) != 2 {
			b.Fatalf("Find = %s, want the id and the secret", labels(got))
		}
	}
}
