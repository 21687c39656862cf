package checks

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// gitApp runs git in the learner's clone, with extra environment variables.
func (e *Env) gitApp(ctx context.Context, env []string, args ...string) (string, error) {
	runner := e.Git
	runner.Env = append(append([]string(nil), runner.Env...), env...)
	return runner.Run(ctx, e.Sandbox.AppDir(), args...)
}

// writeAppFile replaces a file of the learner's working tree.
func (e *Env) writeAppFile(name, content string) error {
	path := filepath.Join(e.Sandbox.AppDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

var assignmentLine = regexp.MustCompile(`(?m)^(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY)\s*=.*$`)

// writeConfigKeys sets the two key assignments of config.py to literals, as
// a learner editing the file would.
func (e *Env) writeConfigKeys(id, secret string) error {
	source, found, err := e.readAppFile("config.py")
	if err != nil {
		return err
	}
	if !found {
		return errors.New("config.py is missing")
	}
	updated := assignmentLine.ReplaceAllStringFunc(string(source), func(line string) string {
		if strings.HasPrefix(line, secretKeyID) {
			return fmt.Sprintf("%s = %q", secretKeyID, id)
		}
		return fmt.Sprintf("%s = %q", secretKeySecret, secret)
	})
	return e.writeAppFile("config.py", updated)
}

// runApp runs the sample app's command-line entry point as the learner
// would, and returns its exit code.
func (e *Env) runApp(ctx context.Context) (int, error) {
	cmd := exec.CommandContext(ctx, e.python(), "list_buckets.py")
	cmd.Dir = e.Sandbox.AppDir()
	// Solutions rewrite config.py faster than the one-second mtime in a
	// .pyc, and the key lines keep their length, so a cached .pyc could
	// still hold the previous keys. Write none.
	cmd.Env = append(e.Sandbox.ChildEnv(e.Environ), "PYTHONDONTWRITEBYTECODE=1")
	err := cmd.Run()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode(), nil
	}
	if err != nil {
		return -1, fmt.Errorf("run list_buckets.py: %w", err)
	}
	return 0, nil
}

// iamClient is the learner's IAM client.
func (e *Env) iamClient(ctx context.Context) (*iam.Client, error) {
	cfg, err := e.Sandbox.AWSConfig(ctx)
	if err != nil {
		return nil, err
	}
	return iam.NewFromConfig(cfg), nil
}

// createAppKey creates an access key for the app's IAM user.
func (e *Env) createAppKey(ctx context.Context) (id, secret string, err error) {
	client, err := e.iamClient(ctx)
	if err != nil {
		return "", "", err
	}
	out, err := client.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(e.Sandbox.Config.AppUser)})
	if err != nil {
		return "", "", fmt.Errorf("create an access key for %s: %w", e.Sandbox.Config.AppUser, err)
	}
	return aws.ToString(out.AccessKey.AccessKeyId), aws.ToString(out.AccessKey.SecretAccessKey), nil
}

// setAppKeyStatus activates or deactivates a key of the app's IAM user.
func (e *Env) setAppKeyStatus(ctx context.Context, id string, status iamtypes.StatusType) error {
	client, err := e.iamClient(ctx)
	if err != nil {
		return err
	}
	_, err = client.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{
		UserName: aws.String(e.Sandbox.Config.AppUser), AccessKeyId: aws.String(id), Status: iamtypes.StatusType(status),
	})
	if err != nil {
		return fmt.Errorf("set key status to %s: %w", status, err)
	}
	return nil
}

// configLiterals reads the key pair config.py assigns as literals, for
// solutions that reuse what the learner pasted.
func (e *Env) configLiterals(ctx context.Context) (id, secret string, err error) {
	_, id, secret, err = e.configPair(ctx)
	if err != nil {
		return "", "", err
	}
	if id == "" || secret == "" {
		return "", "", errors.New("config.py assigns no key pair as literals")
	}
	return id, secret, nil
}

func secretJSON(id, secret string) string {
	return fmt.Sprintf(`{"%s":%q,"%s":%q}`, secretKeyID, id, secretKeySecret, secret)
}

// referenceConfig is config.py reading its keys from Secrets Manager, the
// shape the use-secret lesson teaches. handleErrors false leaves out the
// ClientError handling, a wrong solution.
func referenceConfig(secretName, region string, handleErrors bool) string {
	fetch := `    response = client.get_secret_value(SecretId=SECRET_NAME)
`
	if handleErrors {
		fetch = `    try:
        response = client.get_secret_value(SecretId=SECRET_NAME)
    except ClientError as err:
        code = err.response["Error"]["Code"]
        raise RuntimeError(f"cannot read secret {SECRET_NAME}: {code}") from err
`
	}
	return fmt.Sprintf(`"""Settings for the bucket browser.

The access key pair comes from AWS Secrets Manager when this module is
imported, so no key is stored in the code.
"""

import json

import boto3
from botocore.exceptions import ClientError

AWS_REGION = %q
SECRET_NAME = %q


def load_keys():
    """Return the key pair stored in the secret as JSON."""
    client = boto3.client("secretsmanager", region_name=AWS_REGION)
%s    keys = json.loads(response["SecretString"])
    return keys["AWS_ACCESS_KEY_ID"], keys["AWS_SECRET_ACCESS_KEY"]


AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY = load_keys()
`, region, secretName, fetch)
}
