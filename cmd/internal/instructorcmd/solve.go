package instructorcmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/secretslab/workshop/checks"
	"github.com/secretslab/workshop/cmd/internal/session"
)

// errUnknownStep is returned for a step id the workshop does not have.
var errUnknownStep = errors.New("unknown step")

// stepsBefore returns the ids of the steps before to, in order; an empty to
// means none.
func stepsBefore(s *session.Session, to string) ([]string, error) {
	if to == "" {
		return nil, nil
	}
	var ids []string
	for _, step := range s.Workshop.Steps {
		if step.ID == to {
			return ids, nil
		}
		ids = append(ids, step.ID)
	}
	return nil, fmt.Errorf("%w %q: use one of %s", errUnknownStep, to, strings.Join(stepIDs(s), ", "))
}

func stepIDs(s *session.Session) []string {
	var ids []string
	for _, step := range s.Workshop.Steps {
		ids = append(ids, step.ID)
	}
	return ids
}

// solveAndRecord applies the reference solution of step id, then checks it
// and records the pass, as if the learner had done it. A reference solution
// whose check fails is an error naming the failed items.
func solveAndRecord(ctx context.Context, s *session.Session, id string) error {
	step, ok := checks.Lookup(id)
	if !ok {
		return fmt.Errorf("%w %q: the workshop has no check for it", errUnknownStep, id)
	}
	env, err := s.CheckEnv(ctx)
	if err != nil {
		return err
	}
	if err := step.Solve(ctx, env); err != nil {
		return fmt.Errorf("apply the reference solution of %s: %w", id, err)
	}
	res, err := checkAndRecord(ctx, s, id)
	if err != nil {
		return err
	}
	if !res.Passed {
		return fmt.Errorf("the reference solution of %s did not pass its check: %s", id, failedItems(res))
	}
	return nil
}

// checkAndRecord runs step id's check in a fresh environment and records it.
func checkAndRecord(ctx context.Context, s *session.Session, id string) (*checks.Result, error) {
	env, err := s.CheckEnv(ctx)
	if err != nil {
		return nil, err
	}
	res, err := checks.Run(ctx, env, id)
	if err != nil {
		return nil, err
	}
	if err := s.RecordCheck(ctx, res); err != nil {
		return nil, err
	}
	return res, nil
}

func failedItems(res *checks.Result) string {
	var parts []string
	for _, it := range res.Items {
		if !it.Passed {
			parts = append(parts, fmt.Sprintf("%s (%s)", it.Name, it.Evidence))
		}
	}
	if len(parts) == 0 {
		return "no failed item"
	}
	return strings.Join(parts, "; ")
}
