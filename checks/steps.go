package checks

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/secretslab/workshop/sandbox"
)

// Step ids, fixed by the workshop's contract.
const (
	StepHardcode       = "hardcode"
	StepOwnKeys        = "own-keys"
	StepForkAndPush    = "fork-and-push"
	StepStoreSecret    = "store-secret"
	StepUseSecret      = "use-secret"
	StepRewriteHistory = "rewrite-history"
	StepPushClean      = "push-clean"
	StepRotate         = "rotate"
)

// Facts recorded in the learner's progress by passing checks.
const (
	// factCommittedKeyID is the working key id that was committed in
	// fork-and-push: the key the workshop treats as leaked.
	factCommittedKeyID = sandbox.FactCommittedKeyID
	// factSecretName is the secret that passed store-secret.
	factSecretName = "secret_name"
)

// ErrAppMissing is returned when the learner's app folder is gone.
var ErrAppMissing = errors.New("the app folder is missing")

// Step is one step's check, its reference solution, and the wrong solutions
// its check must reject.
type Step struct {
	ID    string
	Check func(ctx context.Context, e *Env) (*Result, error)
	// Solve applies the reference solution to a sandbox whose earlier steps
	// are solved.
	Solve func(ctx context.Context, e *Env) error
	// Wrong are plausible mistakes; each, applied instead of Solve, must
	// leave the check failing.
	Wrong []Wrong
}

// Wrong is a plausible wrong solution of a step.
type Wrong struct {
	Name  string
	Apply func(ctx context.Context, e *Env) error
}

// Steps returns every step in workshop order.
func Steps() []Step {
	return []Step{
		hardcodeStep(), ownKeysStep(), forkAndPushStep(), storeSecretStep(),
		useSecretStep(), rewriteHistoryStep(), pushCleanStep(), rotateStep(),
	}
}

// Lookup returns the step with id.
func Lookup(id string) (Step, bool) {
	for _, s := range Steps() {
		if s.ID == id {
			return s, true
		}
	}
	return Step{}, false
}

// Run runs the check of step id.
func Run(ctx context.Context, e *Env, id string) (*Result, error) {
	step, ok := Lookup(id)
	if !ok {
		return nil, fmt.Errorf("unknown step %q", id)
	}
	if err := e.requireApp(); err != nil {
		return nil, err
	}
	return step.Check(ctx, e)
}

func (e *Env) requireApp() error {
	if _, err := os.Stat(filepath.Join(e.Sandbox.AppDir(), ".git")); errors.Is(err, fs.ErrNotExist) {
		// The fork holds what the learner pushed; the upstream only the start.
		source := e.Sandbox.UpstreamURL()
		if e.Sandbox.HasFork() {
			source = e.Sandbox.ForkURL()
		}
		return fmt.Errorf("%w: %s has no git clone: move what is left aside, then restore it with `git clone %s %s`, or rebuild the sandbox with `instructor reset --to STEP` (it archives the old one first)",
			ErrAppMissing, e.Sandbox.AppDir(), source, e.Sandbox.AppDir())
	}
	return nil
}

// readAppFile reads a file of the learner's working tree; a missing file is
// empty content, not an error, because a learner may have deleted it.
func (e *Env) readAppFile(name string) ([]byte, bool, error) {
	data, err := os.ReadFile(filepath.Join(e.Sandbox.AppDir(), name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("%w: read %s: %v", ErrToolFailed, name, err)
	}
	return data, true, nil
}
