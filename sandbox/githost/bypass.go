package githost

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// BypassesFile is the name of the bypass file inside ProtectionDir.
const BypassesFile = "bypasses.jsonl"

// BypassDuration is how long a bypass lets its secret through. GitHub
// requires the push to be repeated within three hours of allowing a secret.
const BypassDuration = 3 * time.Hour

// Reasons for allowing a secret, as GitHub's bypass offers them.
const (
	ReasonFalsePositive = "false-positive"
	ReasonUsedInTests   = "used-in-tests"
	ReasonFixLater      = "fix-later"
)

// Reasons lists the valid bypass reasons.
var Reasons = []string{ReasonFalsePositive, ReasonUsedInTests, ReasonFixLater}

var (
	// ErrInvalidReason is returned by AllowSecret for a reason not in Reasons.
	ErrInvalidReason = errors.New("invalid bypass reason")
	// ErrSecretNotFound is returned by AllowSecret for a secret id that no
	// recorded push was blocked by.
	ErrSecretNotFound = errors.New("secret id not found in any blocked push")
)

// Bypass lets pushes of one secret through for BypassDuration.
type Bypass struct {
	SecretID string    `json:"secret_id"`
	Reason   string    `json:"reason"`
	Actor    string    `json:"actor"`
	Time     time.Time `json:"time"`
	Expires  time.Time `json:"expires"`
	// Description is the type of the secret, copied from the push it
	// blocked.
	Description string `json:"description,omitempty"`
}

// AllowSecret records a bypass for secretID in the fork at repoDir, so that
// pushes of that secret pass until BypassDuration after now. The secret id
// must come from a push the fork blocked, and reason must be one of Reasons.
func AllowSecret(repoDir, secretID, reason, actor string, now time.Time) (*Bypass, error) {
	if !slices.Contains(Reasons, reason) {
		return nil, fmt.Errorf("%w %q: use one of %s", ErrInvalidReason, reason, strings.Join(Reasons, ", "))
	}
	description, err := blockedSecret(repoDir, secretID)
	if err != nil {
		return nil, err
	}
	b := &Bypass{
		SecretID:    secretID,
		Reason:      reason,
		Actor:       actor,
		Time:        now.UTC(),
		Expires:     now.Add(BypassDuration).UTC(),
		Description: description,
	}
	if err := appendJSONLine(filepath.Join(repoDir, ProtectionDir, BypassesFile), b); err != nil {
		return nil, fmt.Errorf("allow secret %s: %w", secretID, err)
	}
	return b, nil
}

// blockedSecret returns the description of secretID from the newest push it
// blocked.
func blockedSecret(repoDir, secretID string) (string, error) {
	events, err := ReadEvents(repoDir)
	if err != nil {
		return "", fmt.Errorf("allow secret %s: %w", secretID, err)
	}
	for i := len(events) - 1; i >= 0; i-- {
		for _, f := range events[i].Findings {
			if f.SecretID == secretID && (f.Blocking || f.Bypassed) {
				return f.Description, nil
			}
		}
	}
	return "", fmt.Errorf("%w: %q in %s: copy the id from the rejected push's report", ErrSecretNotFound, secretID, repoDir)
}

// ReadBypasses returns the bypasses recorded in the fork at repoDir, oldest
// first, expired ones included.
func ReadBypasses(repoDir string) ([]Bypass, error) {
	return readJSONLines[Bypass](filepath.Join(repoDir, ProtectionDir, BypassesFile))
}

// activeBypasses returns the bypasses in force at now, by secret id.
func activeBypasses(bypasses []Bypass, now time.Time) map[string]Bypass {
	active := map[string]Bypass{}
	for _, b := range bypasses {
		if !now.Before(b.Time) && now.Before(b.Expires) {
			active[b.SecretID] = b
		}
	}
	return active
}
