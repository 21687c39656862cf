// Package keys generates AWS-shaped access key pairs and redacts them for
// display.
//
// Generated values look like real AWS keys (the access key id prefix, the
// alphabets and the entropy), so secret scanners treat them as real. They are
// built at run time from random bytes and never stored in the repository.
package keys

import (
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"strings"
)

const (
	// idAlphabet is the base32 alphabet of the 16 characters after an access key id's prefix.
	idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	// secretAlphabet is the alphabet of a secret access key.
	secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+"

	// LongTermPrefix starts the id of an IAM user's long-term access key.
	LongTermPrefix = "AK" + "IA"
	// UserIDPrefix starts the unique id of an IAM user.
	UserIDPrefix = "AI" + "DA"
)

// Pair is an access key id with its secret access key.
type Pair struct {
	ID     string
	Secret string
}

// NewPair returns a long-term access key pair read from r, or from
// crypto/rand when r is nil.
func NewPair(r io.Reader) (Pair, error) {
	id, err := NewID(r, LongTermPrefix)
	if err != nil {
		return Pair{}, err
	}
	secret, err := NewSecret(r)
	if err != nil {
		return Pair{}, err
	}
	return Pair{ID: id, Secret: secret}, nil
}

// NewID returns prefix followed by 16 random characters of A-Z and 2-7.
func NewID(r io.Reader, prefix string) (string, error) {
	body, err := randomString(r, idAlphabet, 16)
	if err != nil {
		return "", fmt.Errorf("generate access key id: %w", err)
	}
	return prefix + body, nil
}

// NewSecret returns a 40-character secret access key that mixes upper case,
// lower case and digits, as real secrets do.
func NewSecret(r io.Reader) (string, error) {
	for {
		s, err := randomString(r, secretAlphabet, 40)
		if err != nil {
			return "", fmt.Errorf("generate secret access key: %w", err)
		}
		if mixed(s) {
			return s, nil
		}
	}
}

// randomString draws n characters from alphabet and retries until no
// character repeats three times in a row, because scanners skip such runs as
// fake.
func randomString(r io.Reader, alphabet string, n int) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	max := big.NewInt(int64(len(alphabet)))
	for {
		var b strings.Builder
		for range n {
			i, err := rand.Int(r, max)
			if err != nil {
				return "", err
			}
			b.WriteByte(alphabet[i.Int64()])
		}
		if s := b.String(); !hasRun(s, 3) {
			return s, nil
		}
	}
}

func hasRun(s string, n int) bool {
	run := 1
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] {
			run++
			if run >= n {
				return true
			}
		} else {
			run = 1
		}
	}
	return false
}

func mixed(s string) bool {
	return strings.ContainsAny(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") &&
		strings.ContainsAny(s, "abcdefghijklmnopqrstuvwxyz") &&
		strings.ContainsAny(s, "0123456789")
}

// Redact keeps the first four characters of value and replaces the rest with
// an ellipsis, so a message can name a key without disclosing it.
func Redact(value string) string {
	const keep = 4
	if len(value) <= keep {
		return strings.Repeat("*", len(value))
	}
	return value[:keep] + "…"
}

// RedactID keeps the first and last four characters of an access key id,
// enough to tell two keys apart in a message. Key ids identify a key but do
// not authenticate; the secret access key is never shown this way.
func RedactID(id string) string {
	const keep = 4
	if len(id) <= 3*keep {
		return Redact(id)
	}
	return id[:keep] + "…" + id[len(id)-keep:]
}
