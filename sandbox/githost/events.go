package githost

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// EventsFile is the name of the events file inside ProtectionDir.
const EventsFile = "events.jsonl"

// Event records one push attempt.
type Event struct {
	Time     time.Time      `json:"time"`
	Actor    string         `json:"actor"`
	Refs     []RefUpdate    `json:"refs"`
	Blocked  bool           `json:"blocked"`
	Findings []EventFinding `json:"findings"`
	Skipped  []string       `json:"skipped,omitempty"`
}

// EventFinding is a finding as the events file keeps it: where the secret
// is and which it is, never its value.
type EventFinding struct {
	Path        string `json:"path"`
	Line        int    `json:"line"`
	Commit      string `json:"commit"`
	RuleID      string `json:"rule"`
	Description string `json:"description"`
	SecretID    string `json:"secret_id"`
	Redacted    string `json:"redacted"`
	Blocking    bool   `json:"blocking"`
	Bypassed    bool   `json:"bypassed,omitempty"`
}

func newEvent(now time.Time, actor string, updates []RefUpdate, result *PushResult) Event {
	ev := Event{
		Time:     now.UTC(),
		Actor:    actor,
		Refs:     updates,
		Blocked:  result.Blocked,
		Findings: make([]EventFinding, 0, len(result.Findings)),
		Skipped:  result.Skipped,
	}
	for _, f := range result.Findings {
		ev.Findings = append(ev.Findings, EventFinding{
			Path:        f.Path,
			Line:        f.Line,
			Commit:      f.Commit,
			RuleID:      f.RuleID,
			Description: f.Description,
			SecretID:    f.SecretID,
			Redacted:    f.Redacted,
			Blocking:    f.Blocking,
			Bypassed:    slices.Contains(f.Tags, TagBypassed),
		})
	}
	return ev
}

// ReadEvents returns the push attempts recorded in the fork at repoDir,
// oldest first. A fork without an events file has none.
func ReadEvents(repoDir string) ([]Event, error) {
	return readJSONLines[Event](filepath.Join(repoDir, ProtectionDir, EventsFile))
}

func appendEvent(repoDir string, ev Event) error {
	return appendJSONLine(filepath.Join(repoDir, ProtectionDir, EventsFile), ev)
}

// appendJSONLine appends v as one JSON line with a single write to a file
// opened with O_APPEND, so concurrent writers never interleave lines.
func appendJSONLine(path string, v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("append to %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("append to %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("append to %s: %w", path, err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close() //nolint:errcheck // the write error is the one to report
		return fmt.Errorf("append to %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("append to %s: %w", path, err)
	}
	return nil
}

// readJSONLines decodes each line of the file at path. A missing file holds
// no records; a line that is not valid JSON is an error naming its number.
func readJSONLines[T any](path string) ([]T, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var records []T
	lines := bufio.NewScanner(bytes.NewReader(data))
	lines.Buffer(nil, len(data)+1)
	for n := 1; lines.Scan(); n++ {
		if len(bytes.TrimSpace(lines.Bytes())) == 0 {
			continue
		}
		var v T
		if err := json.Unmarshal(lines.Bytes(), &v); err != nil {
			return nil, fmt.Errorf("read %s: line %d: %w", path, n, err)
		}
		records = append(records, v)
	}
	return records, nil
}
