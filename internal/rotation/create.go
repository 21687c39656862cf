package rotation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/secretslab/workshop/internal/keys"
)

// cleanupTimeout bounds the deletion of a new key after a failed
// PutSecretValue; it runs even when ctx was cancelled.
const cleanupTimeout = 10 * time.Second

const stepCreate = "createSecret"

// createSecret stores a new key pair as the AWSPENDING version, or picks up
// the pending version an earlier run left.
func (r *rotator) createSecret(ctx context.Context) error {
	resumed, err := r.resumePending(ctx)
	if err != nil || resumed {
		return err
	}
	if r.token == "" {
		if r.token, err = newToken(r.opts.Rand); err != nil {
			return err
		}
	}
	r.res.NewVersionID = r.token
	return r.createKey(ctx)
}

// resumePending continues with the pending version when it holds a key of
// the user. A pending version with no value keeps its id for the new value,
// as AWS's rotation functions fill in the version RotateSecret created.
func (r *rotator) resumePending(ctx context.Context) (bool, error) {
	if r.pending == "" {
		return false, nil
	}
	out, err := r.sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId: aws.String(r.opts.SecretID), VersionId: aws.String(r.pending), VersionStage: aws.String(StagePending),
	})
	if errorCode(err) == "ResourceNotFoundException" {
		r.token = r.pending
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read the pending version %s of secret %s: %w", r.pending, r.opts.SecretID, err)
	}
	next, err := parseKeyValue(aws.ToString(out.SecretString))
	if err != nil {
		return false, fmt.Errorf("%w: secret %s pending version %s: %v: remove its label with `aws secretsmanager update-secret-version-stage --secret-id %s --version-stage %s --remove-from-version-id %s`",
			ErrInvalidValue, r.opts.SecretID, r.pending, err, r.opts.SecretID, StagePending, r.pending)
	}
	if !r.userHasKey(next.ID) {
		return false, r.startOver(ctx, next)
	}
	if next.ID == r.old.ID {
		return false, fmt.Errorf("%w: secret %s: the pending version %s contains the same key %s as the version it would replace",
			ErrInvalidValue, r.opts.SecretID, r.pending, keys.Redact(next.ID))
	}
	r.token, r.next = r.pending, next
	r.res.NewVersionID, r.res.NewKeyID, r.res.Resumed = r.pending, next.ID, true
	r.writeStep(stepCreate, "continuing with pending version %s from an earlier run (key %s of %s)", r.pending, keys.Redact(next.ID), r.user)
	return true, nil
}

// startOver drops a pending version whose key the user no longer has: a new
// version takes the AWSPENDING label.
func (r *rotator) startOver(ctx context.Context, stale keyValue) error {
	r.writeStep(stepCreate, "the pending version %s holds key %s, which IAM user %s no longer has; starting over", r.pending, keys.Redact(stale.ID), r.user)
	if r.pending != r.current {
		return nil
	}
	// The stale version is also AWSCURRENT, so it is the one to replace.
	r.oldVersion = r.current
	if err := r.readOld(ctx); err != nil {
		return err
	}
	return r.checkOldKeyOwner(ctx)
}

// createKey makes room for a new key, creates it, and stores it as the
// AWSPENDING version.
func (r *rotator) createKey(ctx context.Context) error {
	var notes []string
	removed, err := r.makeRoom(ctx)
	if err != nil {
		return err
	}
	if removed != "" {
		notes = append(notes, fmt.Sprintf("deleted inactive key %s of %s to make room (IAM allows %d keys per user)", keys.Redact(removed), r.user, maxKeysPerUser))
	}

	out, err := r.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(r.user)})
	if err != nil {
		return fmt.Errorf("create an access key for IAM user %s: %w", r.user, err)
	}
	id, secret := aws.ToString(out.AccessKey.AccessKeyId), aws.ToString(out.AccessKey.SecretAccessKey)
	if err := r.putPending(ctx, id, secret); err != nil {
		return r.undoKey(ctx, id, err)
	}
	r.res.NewKeyID = id
	notes = append(notes, fmt.Sprintf("created key %s for %s and stored it as version %s (%s)", keys.Redact(id), r.user, r.token, StagePending))
	r.writeStep(stepCreate, "%s", strings.Join(notes, "; "))
	return nil
}

// makeRoom deletes an inactive key that is not in the secret when the user
// has as many keys as IAM allows. It returns the deleted key's id, or "".
func (r *rotator) makeRoom(ctx context.Context) (string, error) {
	if len(r.keys) < maxKeysPerUser {
		return "", nil
	}
	others := slices.DeleteFunc(slices.Clone(r.keys), func(k userKey) bool { return k.ID == r.old.ID })
	for _, k := range others {
		if k.Status != iamtypes.StatusTypeInactive {
			continue
		}
		_, err := r.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(r.user), AccessKeyId: aws.String(k.ID)})
		if err != nil {
			return "", fmt.Errorf("delete inactive key %s of IAM user %s: %w", keys.Redact(k.ID), r.user, err)
		}
		r.keys = slices.DeleteFunc(r.keys, func(u userKey) bool { return u.ID == k.ID })
		r.res.RemovedKeyID = k.ID
		return k.ID, nil
	}
	return "", fmt.Errorf("%w: IAM user %s already has %d access keys, the most IAM allows, and the one not in secret %s is active: %s: "+
		"find its id with `aws iam list-access-keys --user-name %s`, deactivate it with `aws iam update-access-key --user-name %s --access-key-id ID --status Inactive` (or delete it), then rotate again",
		ErrActiveKey, r.user, len(r.keys), r.opts.SecretID, describeKeys(others), r.user, r.user)
}

// putPending stores the new pair as the AWSPENDING version whose id is the
// token.
func (r *rotator) putPending(ctx context.Context, id, secret string) error {
	value, err := r.old.withPair(id, secret)
	if err != nil {
		return err
	}
	_, err = r.sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId:           aws.String(r.opts.SecretID),
		ClientRequestToken: aws.String(r.token),
		SecretString:       aws.String(value),
		VersionStages:      []string{StagePending},
	})
	if err != nil {
		return fmt.Errorf("store the new key in secret %s as version %s: %w", r.opts.SecretID, r.token, err)
	}
	r.next = r.old
	r.next.ID, r.next.Secret = id, secret
	return nil
}

// undoKey deletes a new key that could not be stored, so a rerun does not
// find it in the way, and returns cause with what happened to the key.
func (r *rotator) undoKey(ctx context.Context, id string, cause error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	_, err := r.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(r.user), AccessKeyId: aws.String(id)})
	if err != nil {
		return fmt.Errorf("%w; the new key %s of IAM user %s could not be deleted either (%v): delete it with `aws iam delete-access-key --user-name %s --access-key-id ID` before rotating again",
			cause, keys.Redact(id), r.user, err, r.user)
	}
	return fmt.Errorf("%w; the new key %s was deleted again", cause, keys.Redact(id))
}
