package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/secretslab/workshop/internal/atomicfile"
	"github.com/secretslab/workshop/internal/filelock"
)

// ProgressFormatVersion is the version of the progress.json layout this code writes.
const ProgressFormatVersion = 1

// lockTimeout bounds how long a command waits for another one to finish
// writing the same sandbox.
const lockTimeout = 30 * time.Second

// Progress is the learner's progress, keyed by step id so that steps can be
// reordered or added without losing it.
type Progress struct {
	FormatVersion int    `json:"format_version"`
	Note          string `json:"note"`
	// Steps holds one entry per step the learner has touched.
	Steps map[string]*StepProgress `json:"steps"`
	// Facts are values learned by checks that later checks need, such as the
	// id of the working key that was committed.
	Facts map[string]string `json:"facts,omitempty"`
}

// StepProgress is the learner's progress on one step.
type StepProgress struct {
	Done       bool       `json:"done"`
	PassedAt   *time.Time `json:"passed_at,omitempty"`
	Attempts   int        `json:"attempts"`
	HintsShown int        `json:"hints_shown"`
}

func newProgress() *Progress {
	return &Progress{
		FormatVersion: ProgressFormatVersion,
		Note:          "Written by the workshop. Use `workshop status` to read it and `instructor reset` to change it.",
		Steps:         map[string]*StepProgress{},
		Facts:         map[string]string{},
	}
}

// Step returns the progress of step id, creating an empty entry if needed.
func (p *Progress) Step(id string) *StepProgress {
	sp, ok := p.Steps[id]
	if !ok {
		sp = &StepProgress{}
		p.Steps[id] = sp
	}
	return sp
}

// Done reports whether step id has passed.
func (p *Progress) Done(id string) bool {
	sp, ok := p.Steps[id]
	return ok && sp.Done
}

// LoadProgress reads the learner's progress. A missing file is an empty
// progress; a file that cannot be parsed is an error wrapping ErrCorrupt.
func (s *Sandbox) LoadProgress() (*Progress, error) {
	data, err := os.ReadFile(s.ProgressPath())
	if errors.Is(err, fs.ErrNotExist) {
		return newProgress(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read progress: %w", err)
	}

	p := newProgress()
	if err := json.Unmarshal(data, p); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, s.ProgressPath(), err)
	}
	if p.FormatVersion != ProgressFormatVersion {
		return nil, fmt.Errorf("%w: %s has format_version %d, this workshop reads %d", ErrCorrupt, s.ProgressPath(), p.FormatVersion, ProgressFormatVersion)
	}
	if p.Steps == nil {
		p.Steps = map[string]*StepProgress{}
	}
	if p.Facts == nil {
		p.Facts = map[string]string{}
	}
	return p, nil
}

// UpdateProgress applies change to the learner's progress under the sandbox
// lock and writes the result atomically. When change returns an error nothing
// is written.
func (s *Sandbox) UpdateProgress(ctx context.Context, change func(*Progress) error) error {
	unlock, err := s.Lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()

	p, err := s.LoadProgress()
	if err != nil {
		return err
	}
	if err := change(p); err != nil {
		return err
	}
	return s.writeProgress(p)
}

func (s *Sandbox) writeProgress(p *Progress) error {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("encode progress: %w", err)
	}
	return atomicfile.WriteFile(s.ProgressPath(), append(data, '\n'), 0o644)
}

// Lock takes the sandbox's cross-process lock.
func (s *Sandbox) Lock(ctx context.Context) (unlock func(), err error) {
	return filelock.Lock(ctx, s.LockPath(), lockTimeout)
}
