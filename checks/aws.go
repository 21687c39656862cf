package checks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/secretslab/workshop/sandbox"
)

// Names of the JSON members a stored key pair must use, the same as the
// environment variables the AWS tools read.
const (
	secretKeyID     = "AWS_ACCESS_KEY_ID"
	secretKeySecret = "AWS_SECRET_ACCESS_KEY"
)

// apiErrorCode returns the AWS error code of err, or "" when err is not an
// answer from the service (for example a refused connection).
func apiErrorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// serviceAnswer returns the AWS error code an SDK error carries, or a tool
// error when no response came back from the service.
func serviceAnswer(op string, err error) (code string, toolErr error) {
	if err == nil {
		return "", nil
	}
	if code := apiErrorCode(err); code != "" {
		return code, nil
	}
	return "", fmt.Errorf("%w: %s: %v", ErrToolFailed, op, err)
}

// configFor returns an SDK configuration signing with the pair, marked as
// the checks' own so the request log can separate it from the learner's requests.
func (e *Env) configFor(id, secret string) aws.Config {
	cfg := e.Sandbox.AWSConfigFor(id, secret)
	cfg.AppID = checkAppID
	return cfg
}

// newKeyWait is how long a check retries a request that real AWS rejects
// with InvalidClientTokenId: a new IAM key can take several seconds to work.
const newKeyWait = 10 * time.Second

// pairIdentity signs GetCallerIdentity with the pair and returns the caller's
// ARN, or the error code of AWS's response. In real mode it retries while AWS
// rejects the key as unknown, as it can for a key created seconds ago.
func (e *Env) pairIdentity(ctx context.Context, id, secret string) (arn, code string, err error) {
	client := sts.NewFromConfig(e.configFor(id, secret))
	deadline := e.now().Add(newKeyWait)
	for {
		out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		code, toolErr := serviceAnswer("sts GetCallerIdentity", err)
		if toolErr != nil {
			return "", "", toolErr
		}
		if code == "" {
			return aws.ToString(out.Arn), "", nil
		}
		if code != "InvalidClientTokenId" || e.Sandbox.Config.AWSMode != sandbox.AWSReal || !e.now().Before(deadline) {
			return "", code, nil
		}
		select {
		case <-ctx.Done():
			return "", "", fmt.Errorf("%w: sts GetCallerIdentity: %v", ErrToolFailed, ctx.Err())
		case <-time.After(time.Second):
		}
	}
}

func (e *Env) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// pairListBuckets signs S3 ListBuckets with the pair and returns the number
// of buckets, or the error code AWS answered with.
func (e *Env) pairListBuckets(ctx context.Context, id, secret string) (buckets int, code string, err error) {
	client := s3.NewFromConfig(e.configFor(id, secret), func(o *s3.Options) { o.UsePathStyle = true })
	out, err := client.ListBuckets(ctx, &s3.ListBucketsInput{})
	if code, toolErr := serviceAnswer("s3 ListBuckets", err); toolErr != nil || code != "" {
		return 0, code, toolErr
	}
	return len(out.Buckets), "", nil
}

// appUserKeys lists the access keys of the app's IAM user, by id.
func (e *Env) appUserKeys(ctx context.Context) (map[string]iamtypes.StatusType, error) {
	cfg, err := e.awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	out, err := iam.NewFromConfig(cfg).ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(e.Sandbox.Config.AppUser)})
	if err != nil {
		return nil, fmt.Errorf("%w: iam ListAccessKeys for %s: %v", ErrToolFailed, e.Sandbox.Config.AppUser, err)
	}
	keys := map[string]iamtypes.StatusType{}
	for _, k := range out.AccessKeyMetadata {
		keys[aws.ToString(k.AccessKeyId)] = k.Status
	}
	return keys, nil
}

// isAppUserARN reports whether arn names the app's IAM user.
func (e *Env) isAppUserARN(arn string) bool {
	return strings.HasSuffix(arn, ":user/"+e.Sandbox.Config.AppUser)
}

// secretsClient is the learner's Secrets Manager client.
func (e *Env) secretsClient(ctx context.Context) (*secretsmanager.Client, error) {
	cfg, err := e.awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	return secretsmanager.NewFromConfig(cfg), nil
}

// secretNames lists the names and ARNs of all secrets not scheduled for deletion.
func (e *Env) secretNames(ctx context.Context) ([]string, error) {
	client, err := e.secretsClient(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	pages := secretsmanager.NewListSecretsPaginator(client, &secretsmanager.ListSecretsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("%w: secretsmanager ListSecrets: %v", ErrToolFailed, err)
		}
		for _, s := range page.SecretList {
			names = append(names, aws.ToString(s.Name))
		}
	}
	return names, nil
}

// secretValue returns the secret's value at stage, or found=false when the
// secret or the stage does not exist.
func (e *Env) secretValue(ctx context.Context, name, stage string) (value string, found bool, err error) {
	client, err := e.secretsClient(ctx)
	if err != nil {
		return "", false, err
	}
	out, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(name), VersionStage: aws.String(stage)})
	code, toolErr := serviceAnswer("secretsmanager GetSecretValue", err)
	switch {
	case toolErr != nil:
		return "", false, toolErr
	case code == "ResourceNotFoundException" || code == "InvalidRequestException":
		return "", false, nil
	case code != "":
		return "", false, fmt.Errorf("%w: secretsmanager GetSecretValue %s: %s", ErrToolFailed, name, code)
	}
	return aws.ToString(out.SecretString), true, nil
}
