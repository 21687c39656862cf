package oldscan

import (
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/zricethezav/gitleaks/v8/config"
)

// Rule ids of the candidate rules run with gitleaks' catalogue. Their
// matches never become findings on their own, because awsHits pairs them first.
const (
	candidateKeyID = "aws-key-id-candidate"
	// candidateSecretKey contains "generic" because gitleaks drops a
	// generic finding that a specific finding on the same line contains.
	// The secret key candidate must not hide generic-api-key that way,
	// because an unpaired candidate is not reported at all.
	candidateSecretKey = "aws-secret-key-generic-candidate"
)

// Regular expressions of the AWS rules.
var (
	// An access key id: a four-character prefix naming its kind (AKIA for a
	// long-term key, ASIA for a temporary one) and 16 base32 characters.
	keyIDPattern = `\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b`
	// A run of at least 40 base64 characters. Only runs of exactly 40 are
	// secret access key candidates, so a 40-character part of a longer blob
	// is not one.
	secretKeyPattern = `[A-Za-z0-9/+]{40,}={0,2}`
	// A session token after a key such as aws_session_token or
	// SessionToken, or on its own when it starts like an STS token. The
	// base64 padding belongs to the token.
	sessionTokenPattern = `(?i:aws_?session_?token|session_?token|security_?token|x-amz-security-token)["']?\s*(?:=|:|=>|:=)\s*["']?([A-Za-z0-9/+]{100,}={0,2})` +
		`|\b((?:FwoGZXIvYXdz|FQoGZXIvYXdz|IQoJb3JpZ2luX2Vj)[A-Za-z0-9/+]{100,}={0,2})`
)

var hexOnly = regexp.MustCompile(`^[0-9a-fA-F]+$`)

// awsCandidateRules returns the gitleaks rules that find the parts awsHits
// pairs: access key ids, secret access key candidates and session tokens.
func awsCandidateRules() []config.Rule {
	return []config.Rule{
		{
			RuleID:      candidateKeyID,
			Description: "AWS access key ID",
			Regex:       regexp.MustCompile(keyIDPattern),
			Keywords:    []string{"a3t", "akia", "asia", "abia", "acca"},
		},
		{
			RuleID:      candidateSecretKey,
			Description: "AWS secret access key",
			Regex:       regexp.MustCompile(secretKeyPattern),
		},
		{
			RuleID:      RuleAWSSessionToken,
			Description: "AWS session token",
			Regex:       regexp.MustCompile(sessionTokenPattern),
			Keywords: []string{
				"session_token", "sessiontoken", "security_token", "securitytoken", "security-token",
				"fwogzxivyxdz", "fqogzxivyxdz", "iqojb3jpz2lux2vj",
			},
		},
	}
}

// isAWSRule reports whether ruleID is one of awsCandidateRules.
func isAWSRule(ruleID string) bool {
	return ruleID == candidateKeyID || ruleID == candidateSecretKey || ruleID == RuleAWSSessionToken
}

// awsHits pairs the AWS candidate matches of one file. Each access key id
// pairs with the nearest secret access key in the file, and the pair blocks.
// An id with no secret key in the file is reported without blocking. A
// session token blocks when the file also contains an id or a secret key.
func awsHits(matches []match) []hit {
	var ids, secrets, tokens []match
	for _, m := range matches {
		switch {
		case m.ruleID == candidateKeyID && !strings.HasSuffix(m.secret, "EXAMPLE"):
			ids = append(ids, m)
		case m.ruleID == candidateSecretKey && isSecretKey(m.secret):
			secrets = append(secrets, m)
		case m.ruleID == RuleAWSSessionToken:
			tokens = append(tokens, m)
		}
	}
	var hits []hit
	for _, id := range ids {
		hits = append(hits, keyIDHit(id, nearest(id, secrets)))
	}
	for _, t := range tokens {
		hits = append(hits, sessionTokenHit(t, len(ids)+len(secrets) > 0))
	}
	return hits
}

func keyIDHit(id match, secret *match) hit {
	if secret == nil {
		return hit{
			rule: rule{
				id:          RuleAWSKeyID,
				description: "AWS access key ID without a secret access key in the same file",
			},
			value: id.secret,
			start: id.secretStart,
			end:   id.secretEnd,
			tags:  append([]string{"aws"}, id.tags...),
		}
	}
	return hit{
		rule: rule{
			id:          RuleAWSKeyPair,
			description: "AWS access key ID and secret access key",
			blocking:    true,
		},
		value:     id.secret + ":" + secret.secret,
		displayed: id.secret,
		start:     id.secretStart,
		end:       id.secretEnd,
		extra:     []span{{secret.secretStart, secret.secretEnd}},
		tags:      append([]string{"aws", "pair"}, mergeTags(id.tags, secret.tags)...),
	}
}

func sessionTokenHit(token match, withKey bool) hit {
	description := "AWS session token"
	if !withKey {
		description += " without an access key in the same file"
	}
	return hit{
		rule:  rule{id: RuleAWSSessionToken, description: description, blocking: withKey},
		value: token.secret,
		start: token.secretStart,
		end:   token.secretEnd,
		tags:  append([]string{"aws"}, token.tags...),
	}
}

// nearest returns the secret key closest to id in the file, or nil.
func nearest(id match, secrets []match) *match {
	var best *match
	bestDistance := math.MaxInt
	for i := range secrets {
		d := secrets[i].secretStart - id.secretStart
		if d < 0 {
			d = -d
		}
		if d < bestDistance {
			best, bestDistance = &secrets[i], d
		}
	}
	return best
}

// isSecretKey reports whether s looks like a secret access key: exactly 40
// characters of A-Za-z0-9/+, upper and lower case letters mixed with digits
// or symbols, and the entropy of random data. A 40-digit hex string, such as
// a git commit id, is not one, and neither is the secret of AWS'
// documentation, which ends in EXAMPLEKEY.
func isSecretKey(s string) bool {
	if len(s) != 40 || hexOnly.MatchString(s) || strings.HasSuffix(s, "EXAMPLEKEY") {
		return false
	}
	hasUpper := strings.ContainsAny(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
	hasLower := strings.ContainsAny(s, "abcdefghijklmnopqrstuvwxyz")
	hasOther := strings.ContainsAny(s, "0123456789/+")
	return hasUpper && hasLower && hasOther && entropy(s) >= minSecretKeyEntropy
}

// minSecretKeyEntropy is the least Shannon entropy, in bits per character, of
// a secret access key. Forty characters drawn at random from the 64 of the
// alphabet average about 4.8. None of 200,000 such draws in a one-off
// simulation fell below 4.0, while paths and long identifiers often do.
const minSecretKeyEntropy = 4.0

func entropy(s string) float64 {
	counts := map[rune]int{}
	for _, r := range s {
		counts[r]++
	}
	n := float64(len(s))
	var bits float64
	for _, c := range counts {
		p := float64(c) / n
		bits -= p * math.Log2(p)
	}
	return bits
}

func mergeTags(a, b []string) []string {
	out := slices.Clone(a)
	for _, t := range b {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
