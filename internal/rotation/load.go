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

// userKey is one access key of the user being rotated.
type userKey struct {
	ID      string
	Status  iamtypes.StatusType
	Created time.Time
}

// load reads the secret's versions, the value being replaced, and the
// user's keys.
func (r *rotator) load(ctx context.Context) error {
	if err := r.describe(ctx); err != nil {
		return err
	}
	r.oldVersion = r.current
	if r.pending != "" && r.pending == r.current {
		// An earlier run moved AWSCURRENT but stopped before removing
		// AWSPENDING: the version it replaced carries AWSPREVIOUS.
		r.oldVersion = r.previous
	}
	if err := r.readOld(ctx); err != nil {
		return err
	}
	if err := r.resolveUser(); err != nil {
		return err
	}
	if err := r.listKeys(ctx); err != nil {
		return err
	}
	return r.checkOldKeyOwner(ctx)
}

// describe finds the versions that hold each staging label.
func (r *rotator) describe(ctx context.Context) error {
	out, err := r.sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(r.opts.SecretID)})
	if err != nil {
		return fmt.Errorf("describe secret %s: %w", r.opts.SecretID, err)
	}
	if out.DeletedDate != nil {
		return fmt.Errorf("secret %s is scheduled for deletion: restore it with `aws secretsmanager restore-secret --secret-id %s` first", r.opts.SecretID, r.opts.SecretID)
	}
	r.res.SecretARN = aws.ToString(out.ARN)
	for version, stages := range out.VersionIdsToStages {
		for _, stage := range stages {
			switch stage {
			case StageCurrent:
				r.current = version
			case StagePending:
				r.pending = version
			case StagePrevious:
				r.previous = version
			}
		}
	}
	if r.current == "" {
		return fmt.Errorf("%w: secret %s has no %s version", ErrInvalidValue, r.opts.SecretID, StageCurrent)
	}
	if r.oldVersionMissing() {
		r.pending = "" // nothing to resume: treat the label as a leftover
	}
	return nil
}

// oldVersionMissing reports a pending label on the current version with no
// previous version to fall back to.
func (r *rotator) oldVersionMissing() bool {
	return r.pending != "" && r.pending == r.current && r.previous == ""
}

// readOld reads and parses the value of the version being replaced.
func (r *rotator) readOld(ctx context.Context) error {
	out, err := r.sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId: aws.String(r.opts.SecretID), VersionId: aws.String(r.oldVersion),
	})
	if err != nil {
		return fmt.Errorf("read secret %s version %s: %w", r.opts.SecretID, r.oldVersion, err)
	}
	old, err := parseKeyValue(aws.ToString(out.SecretString))
	if err != nil {
		return fmt.Errorf("%w: secret %s version %s: %v", ErrInvalidValue, r.opts.SecretID, r.oldVersion, err)
	}
	r.old = old
	r.res.OldKeyID = old.ID
	return nil
}

// resolveUser picks the IAM user from the options or the secret's UserName
// member.
func (r *rotator) resolveUser() error {
	given, stored := r.opts.UserName, r.old.UserName
	switch {
	case given == "" && stored == "":
		return fmt.Errorf("%w: secret %s has no %s member, so the IAM user that owns the key must be given", ErrInvalidOptions, r.opts.SecretID, MemberUserName)
	case given != "" && stored != "" && given != stored:
		return fmt.Errorf("%w: secret %s names IAM user %q in its %s member, not %q", ErrWrongUser, r.opts.SecretID, stored, MemberUserName, given)
	case given != "":
		r.user = given
	default:
		r.user = stored
	}
	r.res.UserName = r.user
	return nil
}

// listKeys reads the user's access keys, oldest first.
func (r *rotator) listKeys(ctx context.Context) error {
	r.keys = nil
	pages := iam.NewListAccessKeysPaginator(r.iam, &iam.ListAccessKeysInput{UserName: aws.String(r.user)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the access keys of IAM user %s: %w", r.user, err)
		}
		for _, k := range page.AccessKeyMetadata {
			r.keys = append(r.keys, userKey{ID: aws.ToString(k.AccessKeyId), Status: k.Status, Created: aws.ToTime(k.CreateDate)})
		}
	}
	slices.SortFunc(r.keys, func(a, b userKey) int { return a.Created.Compare(b.Created) })
	return nil
}

// userHasKey reports whether id is one of the user's keys.
func (r *rotator) userHasKey(id string) bool {
	return slices.ContainsFunc(r.keys, func(k userKey) bool { return k.ID == id })
}

// checkOldKeyOwner makes sure the secret's key is not another user's, so a
// mistyped user name cannot swap another user's key for a new key of the
// wrong user. A key that no longer exists is accepted: the learner may
// have deleted the leaked key before rotating the secret.
func (r *rotator) checkOldKeyOwner(ctx context.Context) error {
	r.oldKeyOwned = r.userHasKey(r.old.ID)
	if r.oldKeyOwned {
		return nil
	}
	out, err := r.iam.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(r.old.ID)})
	if err != nil && errorCode(err) == "" {
		return fmt.Errorf("look up the owner of key %s: %w", keys.Redact(r.old.ID), err)
	}
	// NOTE: an AWS error here (NoSuchEntity for a deleted key, or
	// AccessDenied without iam:GetAccessKeyLastUsed) leaves the owner
	// unknown, and the rotation goes on as for a deleted key.
	if err == nil {
		if owner := aws.ToString(out.UserName); owner != "" && owner != r.user {
			return fmt.Errorf("%w: key %s in secret %s belongs to IAM user %q, not %q: rotate it as that user",
				ErrWrongUser, keys.Redact(r.old.ID), r.opts.SecretID, owner, r.user)
		}
	}
	return nil
}

// describeKeys lists the user's keys for a message, redacted.
func describeKeys(list []userKey) string {
	parts := make([]string, 0, len(list))
	for _, k := range list {
		parts = append(parts, fmt.Sprintf("%s (%s, created %s)", keys.Redact(k.ID), k.Status, k.Created.UTC().Format(time.RFC3339)))
	}
	return strings.Join(parts, ", ")
}
