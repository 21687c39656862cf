package checks

import (
	"context"
	"fmt"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secretslab/workshop/internal/keys"
)

func pushCleanStep() Step {
	return Step{ID: StepPushClean, Check: checkPushClean, Solve: solvePushClean, Wrong: pushCleanWrongs()}
}

func checkPushClean(ctx context.Context, e *Env) (*Result, error) {
	r := newResult(StepPushClean)
	if !e.Sandbox.HasFork() {
		r.fail("your fork exists", "Run `workshop fork` first.", "no fork at %s", e.Sandbox.ForkURL())
		return r.done(), nil
	}
	local, err := e.Git.Output(ctx, e.Sandbox.AppDir(), "rev-parse", "--verify", "main")
	if err != nil {
		return nil, fmt.Errorf("%w: read local main: %v", ErrToolFailed, err)
	}
	remote, err := e.Git.Output(ctx, e.Sandbox.ForkDir(), "rev-parse", "--verify", "--quiet", "refs/heads/main")
	if err != nil {
		remote = ""
	}
	r.add(remote == local, "the fork's main equals your main", "Push the rewritten history: `git push origin main` (add --force-with-lease if the fork already had other commits).",
		"fork main is %s, local main is %s", orText(shortSHA(remote), "missing"), shortSHA(local))

	fork, err := e.inspect(ctx, e.Sandbox.ForkDir())
	if err != nil {
		return nil, err
	}
	r.add(fork.Clean(), "no object in the fork holds a key", "The fork holds a key. Rewrite again, push with --force-with-lease, and rebuild the fork if needed.",
		"%s", describeHits(allHits(fork)))
	return r.done(), nil
}

func rotateStep() Step {
	return Step{ID: StepRotate, Check: checkRotate, Solve: solveRotate, Wrong: rotateWrongs()}
}

func checkRotate(ctx context.Context, e *Env) (*Result, error) {
	r := newResult(StepRotate)
	oldID := e.Facts[factCommittedKeyID]
	secret := e.Facts[factSecretName]
	if oldID == "" || secret == "" {
		return nil, fmt.Errorf("%w: the progress file lacks the leaked key or the secret name that earlier steps recorded: pass the own-keys and store-secret checks again, or rebuild with `instructor reset --to rotate`", ErrToolFailed)
	}

	appKeys, err := e.appUserKeys(ctx)
	if err != nil {
		return nil, err
	}
	status, exists := appKeys[oldID]
	r.add(!exists || status == iamtypes.StatusTypeInactive, "the leaked key is inactive or deleted",
		fmt.Sprintf("Deactivate it: `aws iam update-access-key --user-name %s --access-key-id %s --status Inactive`, then delete it.", e.Sandbox.Config.AppUser, oldID),
		"%s is %s", keys.RedactID(oldID), map[bool]string{true: string(status), false: "deleted"}[exists])

	current, _, err := e.secretValue(ctx, secret, "AWSCURRENT")
	if err != nil {
		return nil, err
	}
	pair := parseStoredPair(current)
	problem, err := e.pairProblem(ctx, pair, appKeys)
	if err != nil {
		return nil, err
	}
	if problem == "" && pair.ID == oldID {
		problem = "it still holds the leaked key"
	}
	r.add(problem == "", "the secret's AWSCURRENT holds a new active key",
		fmt.Sprintf("Create a new key and store it: `aws secretsmanager put-secret-value --secret-id %s --secret-string '{...}'`.", secret),
		"secret %s AWSCURRENT: %s", secret, orText(problem, "a new active key "+keys.RedactID(pair.ID)))

	previous, _, err := e.secretValue(ctx, secret, "AWSPREVIOUS")
	if err != nil {
		return nil, err
	}
	prev := parseStoredPair(previous)
	r.add(prev.ID == oldID, "the secret's AWSPREVIOUS holds the leaked key",
		"Update the existing secret with put-secret-value (not a new secret), so Secrets Manager keeps the old value as AWSPREVIOUS.",
		"secret %s AWSPREVIOUS: %s", secret, orText(keys.RedactID(prev.ID), "no previous version"))

	imported, err := e.importConfig(ctx)
	if err != nil {
		return nil, err
	}
	got := ""
	if imported.Error == nil {
		got = imported.AccessKeyID
	}
	r.add(got != "" && got == pair.ID && got != oldID, "importing config.py yields the new key", "config.py should need no change: it reads AWSCURRENT. Check the secret name it uses.",
		"import gave %s", orText(keys.RedactID(got), "an error"))
	return r.done(), nil
}
