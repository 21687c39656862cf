package githost

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/secretslab/workshop/internal/secretscan"
)

// PreReceiveOptions configure PreReceive.
type PreReceiveOptions struct {
	// RepoDir is the bare repository receiving the push.
	RepoDir string
	// Updates is the hook's standard input: one "<old> <new> <ref>" line per
	// updated ref.
	Updates io.Reader
	// Report receives the rejection report or notes about findings that do
	// not block. In a hook it is standard error, which git shows to the
	// pusher as "remote:" lines.
	Report io.Writer
	// Scanner finds the secrets.
	Scanner *secretscan.Scanner
	// Now returns the current time, for the event record and bypass expiry.
	Now func() time.Time
	// Actor names who pushed, for the event record.
	Actor string
}

// PushResult is push protection's decision about one push.
type PushResult struct {
	// Blocked is true when the push adds a secret that blocks and has no
	// active bypass. The hook must then exit non-zero.
	Blocked bool
	// Findings are every secret the push adds, blocking or not, in the
	// order of the commits that introduced them. A blocking finding let
	// through by a bypass has Blocking false and the tag "bypassed".
	Findings []secretscan.Finding
	// Skipped names the blobs that were not scanned with the pattern rules,
	// and why, such as "logo.png in 1a2b3c4 (binary)".
	Skipped []string
}

// RefUpdate is one ref a push updates. Old is the null id for a new ref and
// New is the null id for a deleted one.
type RefUpdate struct {
	Old string `json:"old"`
	New string `json:"new"`
	Ref string `json:"ref"`
}

// TagBypassed marks a finding let through by a bypass.
const TagBypassed = "bypassed"

// PreReceive scans what a push adds, writes a report to opts.Report, records
// the attempt in the fork's events file, and returns the decision. It runs
// inside the pre-receive hook and spawns git with the inherited environment,
// so git's quarantine variables make the pushed objects visible.
func PreReceive(ctx context.Context, opts PreReceiveOptions) (*PushResult, error) {
	if err := validatePreReceive(opts); err != nil {
		return nil, err
	}
	repoDir, err := filepath.Abs(opts.RepoDir)
	if err != nil {
		return nil, fmt.Errorf("pre-receive in %s: %w", opts.RepoDir, err)
	}
	updates, err := parseUpdates(opts.Updates)
	if err != nil {
		return nil, err
	}
	now := opts.Now()
	bypasses, err := ReadBypasses(repoDir)
	if err != nil {
		return nil, err
	}

	result, refs, err := scanPush(ctx, repoDir, opts.Scanner, updates)
	if err != nil {
		return nil, err
	}
	applyBypasses(result, activeBypasses(bypasses, now))
	if err := writeReport(opts.Report, result, updates, refs); err != nil {
		return nil, fmt.Errorf("write push protection report: %w", err)
	}
	if err := appendEvent(repoDir, newEvent(now, opts.Actor, updates, result)); err != nil {
		return nil, err
	}
	return result, nil
}

func validatePreReceive(opts PreReceiveOptions) error {
	var missing []string
	if opts.RepoDir == "" {
		missing = append(missing, "RepoDir")
	}
	if opts.Updates == nil {
		missing = append(missing, "Updates")
	}
	if opts.Report == nil {
		missing = append(missing, "Report")
	}
	if opts.Scanner == nil {
		missing = append(missing, "Scanner")
	}
	if opts.Now == nil {
		missing = append(missing, "Now")
	}
	if len(missing) > 0 {
		return fmt.Errorf("pre-receive: missing options: %s", strings.Join(missing, ", "))
	}
	return nil
}

// parseUpdates reads the hook's "<old> <new> <ref>" lines.
func parseUpdates(r io.Reader) ([]RefUpdate, error) {
	var updates []RefUpdate
	lines := bufio.NewScanner(r)
	for lines.Scan() {
		line := strings.TrimSpace(lines.Text())
		if line == "" {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 3 || !isObjectID(fields[0]) || !isObjectID(fields[1]) {
			return nil, fmt.Errorf("pre-receive: invalid ref update %q: want \"<old> <new> <ref>\"", line)
		}
		updates = append(updates, RefUpdate{Old: fields[0], New: fields[1], Ref: fields[2]})
	}
	if err := lines.Err(); err != nil {
		return nil, fmt.Errorf("pre-receive: read ref updates: %w", err)
	}
	return updates, nil
}

// isObjectID reports whether s is a SHA-1 or SHA-256 object id in hex.
func isObjectID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	return strings.Trim(s, "0123456789abcdef") == ""
}

// applyBypasses lets through the blocking findings whose secret has an
// active bypass, and sets Blocked from what is left.
func applyBypasses(result *PushResult, active map[string]Bypass) {
	for i, f := range result.Findings {
		if !f.Blocking {
			continue
		}
		if _, ok := active[f.SecretID]; ok {
			result.Findings[i].Blocking = false
			result.Findings[i].Tags = append(slices.Clip(f.Tags), TagBypassed)
			continue
		}
		result.Blocked = true
	}
}
