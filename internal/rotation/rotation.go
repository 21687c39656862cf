package rotation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/smithy-go"
)

// Staging labels that a rotation moves.
const (
	StageCurrent  = "AWSCURRENT"
	StagePending  = "AWSPENDING"
	StagePrevious = "AWSPREVIOUS"
)

// DefaultTestTimeout is how long testSecret retries a request signed with
// the new key when Options.TestTimeout is zero. AWS may reject a new IAM key
// for several seconds while it propagates, so the default suits real AWS.
const DefaultTestTimeout = 30 * time.Second

// maxKeysPerUser is IAM's quota of access keys per user.
const maxKeysPerUser = 2

var (
	// ErrInvalidOptions is returned when Options lacks a required value.
	ErrInvalidOptions = errors.New("invalid rotation options")
	// ErrInvalidValue is returned when a version of the secret does not
	// hold a JSON object with an access key pair.
	ErrInvalidValue = errors.New("secret value contains no access key pair")
	// ErrWrongUser is returned when the secret's key or its UserName member
	// names another IAM user than the one being rotated.
	ErrWrongUser = errors.New("secret belongs to another IAM user")
	// ErrActiveKey is returned when the user already has the two keys IAM
	// allows and the one that is not in the secret is active, so no new key
	// can be created without deactivating a key that may be in use.
	ErrActiveKey = errors.New("another active access key is in the way")
	// ErrTestFailed is returned when no request signed with the new key
	// succeeded as the expected user within the test timeout.
	ErrTestFailed = errors.New("the new access key failed its test")
)

// Options configures Rotate.
type Options struct {
	// SecretID is the name or ARN of the secret. Required.
	SecretID string
	// UserName is the IAM user that owns the key. When empty, the secret's
	// UserName member is used. When both are set they must agree.
	UserName string
	// DeleteOld deletes the old key after deactivating it. By default the
	// old key stays inactive, so it can be turned back on if something
	// still needs it.
	DeleteOld bool
	// Out receives one line per step. Key ids are redacted and secrets are
	// never written. Nil discards the lines.
	Out io.Writer
	// Now returns the current time; default time.Now.
	Now func() time.Time
	// TestTimeout bounds the retries of testSecret; default
	// DefaultTestTimeout.
	TestTimeout time.Duration
	// Rand is the source of the new version's id; default crypto/rand.
	Rand io.Reader
}

// Result describes a finished rotation.
type Result struct {
	SecretARN string
	UserName  string
	// OldKeyID is the key the secret held before the rotation.
	OldKeyID string
	// NewKeyID is the key the secret's AWSCURRENT version holds now.
	NewKeyID string
	// OldVersionID carries AWSPREVIOUS after the rotation.
	OldVersionID string
	// NewVersionID carries AWSCURRENT after the rotation.
	NewVersionID string
	// Resumed reports that the rotation continued from a pending version
	// left by an earlier run.
	Resumed bool
	// RemovedKeyID is an inactive key of the user that was deleted to make
	// room for the new one, or empty.
	RemovedKeyID string
	// OldKeyDeactivated reports that the old key was made inactive. It is
	// false when the old key no longer existed.
	OldKeyDeactivated bool
	// OldKeyDeleted reports that the old key was deleted (Options.DeleteOld).
	OldKeyDeleted bool
}

// Rotate replaces the access key pair held in the secret with a new key of
// the same IAM user, through the standard four rotation steps, and
// deactivates the old key. cfg is the identity that manages the secret and
// the user's keys; the new key itself is only used to test it.
func Rotate(ctx context.Context, cfg aws.Config, opts Options) (*Result, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	r := &rotator{
		opts: opts,
		cfg:  cfg,
		sm:   secretsmanager.NewFromConfig(cfg),
		iam:  iam.NewFromConfig(cfg),
	}
	if err := r.load(ctx); err != nil {
		return nil, err
	}
	if err := r.createSecret(ctx); err != nil {
		return nil, err
	}
	r.setSecret()
	if err := r.testSecret(ctx); err != nil {
		return nil, err
	}
	if err := r.finishSecret(ctx); err != nil {
		return nil, err
	}
	return &r.res, nil
}

func (o Options) withDefaults() (Options, error) {
	if o.SecretID == "" {
		return o, fmt.Errorf("%w: missing secret id", ErrInvalidOptions)
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TestTimeout <= 0 {
		o.TestTimeout = DefaultTestTimeout
	}
	return o, nil
}

// rotator carries one rotation's clients and what it learned so far.
type rotator struct {
	opts Options
	cfg  aws.Config
	sm   *secretsmanager.Client
	iam  *iam.Client
	res  Result

	// Version ids holding each staging label at the start, or empty.
	current, pending, previous string

	// oldVersion is the version being replaced, and old its value.
	oldVersion string
	old        keyValue
	// oldKeyOwned reports that the old key is one of the user's keys; it
	// is false when the key was deleted already.
	oldKeyOwned bool

	user string
	keys []userKey

	// token is the id of the new version, and next its value.
	token string
	next  keyValue
}

// writeStep writes one step's line to Options.Out.
func (r *rotator) writeStep(step, format string, args ...any) {
	fmt.Fprintf(r.opts.Out, "%s: %s\n", step, fmt.Sprintf(format, args...))
}

// errorCode returns the AWS error code of err, or "" when the service did
// not answer (for example a refused connection).
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}
