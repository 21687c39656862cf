package rotation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/secretslab/workshop/internal/keys"
)

// Delays between attempts of testSecret: the first wait, and the longest.
const (
	firstRetryDelay = 250 * time.Millisecond
	maxRetryDelay   = 4 * time.Second
)

// setSecret has nothing to apply: unlike a database password, an IAM access
// key works as soon as IAM creates it.
func (r *rotator) setSecret() {
	r.writeStep("setSecret", "nothing to do: IAM applied the new key when it created it")
}

// testSecret signs sts:GetCallerIdentity with the pending pair, retrying
// with backoff while the key propagates, and checks that it authenticates
// as the user.
func (r *rotator) testSecret(ctx context.Context) error {
	cfg := r.cfg.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(r.next.ID, r.next.Secret, "")
	cfg.RetryMaxAttempts = 1 // the loop below retries, with its own budget
	client := sts.NewFromConfig(cfg)

	deadline := r.opts.Now().Add(r.opts.TestTimeout)
	delay := firstRetryDelay
	for attempt := 1; ; attempt++ {
		out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err == nil {
			return r.checkIdentity(aws.ToString(out.Arn), attempt)
		}
		remaining := deadline.Sub(r.opts.Now())
		if ctx.Err() != nil || remaining <= 0 {
			return fmt.Errorf("%w: sts GetCallerIdentity signed with key %s of %s failed %d times in %s: %w",
				ErrTestFailed, keys.Redact(r.next.ID), r.user, attempt, r.opts.TestTimeout, err)
		}
		if err := sleep(ctx, min(delay, remaining)); err != nil {
			return fmt.Errorf("%w: %w", ErrTestFailed, err)
		}
		delay = min(2*delay, maxRetryDelay)
	}
}

// checkIdentity accepts an IAM user ARN whose name, after any path, is the
// user's.
func (r *rotator) checkIdentity(arn string, attempts int) error {
	_, resource, _ := strings.Cut(arn, ":user/")
	if i := strings.LastIndex(resource, "/"); i >= 0 {
		resource = resource[i+1:]
	}
	if resource != r.user {
		return fmt.Errorf("%w: a request signed with key %s authenticated as %s, not as IAM user %s", ErrTestFailed, keys.Redact(r.next.ID), arn, r.user)
	}
	r.writeStep("testSecret", "sts GetCallerIdentity signed with key %s returned %s (attempt %d)", keys.Redact(r.next.ID), arn, attempts)
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// finishSecret moves AWSCURRENT to the new version, which moves AWSPREVIOUS
// to the old one, removes AWSPENDING, and deactivates the old key.
func (r *rotator) finishSecret(ctx context.Context) error {
	var notes []string
	if r.current != r.token {
		if err := r.moveStage(ctx, StageCurrent, r.token, r.current); err != nil {
			return err
		}
		notes = append(notes, fmt.Sprintf("moved %s to version %s and %s to version %s", StageCurrent, r.token, StagePrevious, r.current))
	} else {
		notes = append(notes, fmt.Sprintf("%s was already on version %s", StageCurrent, r.token))
	}
	if err := r.moveStage(ctx, StagePending, "", r.token); err != nil {
		return err
	}
	notes = append(notes, "removed "+StagePending)
	r.res.OldVersionID = r.oldVersion

	note, err := r.retireOldKey(ctx)
	if err != nil {
		return err
	}
	r.writeStep("finishSecret", "%s; %s", strings.Join(notes, ", "), note)
	return nil
}

// moveStage attaches stage to version to (none when empty) and removes it
// from version from.
func (r *rotator) moveStage(ctx context.Context, stage, to, from string) error {
	in := &secretsmanager.UpdateSecretVersionStageInput{
		SecretId:            aws.String(r.opts.SecretID),
		VersionStage:        aws.String(stage),
		RemoveFromVersionId: aws.String(from),
	}
	if to != "" {
		in.MoveToVersionId = aws.String(to)
	}
	if _, err := r.sm.UpdateSecretVersionStage(ctx, in); err != nil {
		return fmt.Errorf("move %s of secret %s from version %s: %w", stage, r.opts.SecretID, from, err)
	}
	return nil
}

// retireOldKey deactivates the old key, and deletes it when asked, and
// returns what it did.
func (r *rotator) retireOldKey(ctx context.Context) (string, error) {
	old := keys.Redact(r.old.ID)
	if !r.oldKeyOwned {
		return fmt.Sprintf("the old key %s no longer exists, so there is nothing to deactivate", old), nil
	}
	_, err := r.iam.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{
		UserName: aws.String(r.user), AccessKeyId: aws.String(r.old.ID), Status: iamtypes.StatusTypeInactive,
	})
	if err != nil {
		return "", fmt.Errorf("deactivate the old key %s of IAM user %s: %w", old, r.user, err)
	}
	r.res.OldKeyDeactivated = true
	if !r.opts.DeleteOld {
		return fmt.Sprintf("deactivated the old key %s (delete it once nothing needs it)", old), nil
	}
	_, err = r.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(r.user), AccessKeyId: aws.String(r.old.ID)})
	if err != nil {
		return "", fmt.Errorf("delete the old key %s of IAM user %s after deactivating it: %w", old, r.user, err)
	}
	r.res.OldKeyDeleted = true
	return fmt.Sprintf("deactivated and deleted the old key %s", old), nil
}
