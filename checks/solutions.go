package checks

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// The reference solutions below do what a learner types: they edit files,
// run the app with python3, drive git, and call AWS through the SDK with the
// learner's sandbox identity.

func solveHardcode(ctx context.Context, e *Env) error {
	cfg := e.Sandbox.Config
	if err := e.writeConfigKeys(cfg.FakeAccessKeyID, cfg.FakeSecretAccessKey); err != nil {
		return err
	}
	_, err := e.runApp(ctx)
	return err
}

func solveOwnKeys(ctx context.Context, e *Env) error {
	id, secret, err := e.createAppKey(ctx)
	if err != nil {
		return err
	}
	if err := e.writeConfigKeys(id, secret); err != nil {
		return err
	}
	_, err = e.runApp(ctx)
	return err
}

func solveForkAndPush(ctx context.Context, e *Env) error {
	if _, err := e.Sandbox.Fork(ctx, e.HookCommand); err != nil {
		return err
	}
	if _, err := e.gitApp(ctx, nil, "remote", "set-url", "origin", e.Sandbox.ForkURL()); err != nil {
		return err
	}
	if _, err := e.gitApp(ctx, nil, "commit", "--quiet", "-am", "Add AWS keys to config"); err != nil {
		return err
	}
	return e.pushExpectingBlock(ctx)
}

// pushExpectingBlock pushes main to origin and returns an error when push
// protection let it through.
func (e *Env) pushExpectingBlock(ctx context.Context) error {
	if _, err := e.gitApp(ctx, nil, "push", "--quiet", "origin", "main"); err == nil {
		return fmt.Errorf("push protection accepted a push that carries a key")
	}
	return nil
}

func solveStoreSecret(ctx context.Context, e *Env) error {
	id, secret, err := e.configLiterals(ctx)
	if err != nil {
		return err
	}
	return e.createSecret(ctx, e.Sandbox.Config.SuggestedSecretName, secretJSON(id, secret))
}

func (e *Env) createSecret(ctx context.Context, name, value string) error {
	client, err := e.secretsClient(ctx)
	if err != nil {
		return err
	}
	_, err = client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(value)})
	if err != nil {
		return fmt.Errorf("create secret %s: %w", name, err)
	}
	return nil
}

func solveUseSecret(ctx context.Context, e *Env) error {
	if err := e.writeAppFile("config.py", referenceConfig(e.secretName(), e.Sandbox.Config.AWSRegion, true)); err != nil {
		return err
	}
	if code, err := e.runApp(ctx); err != nil || code != 0 {
		return fmt.Errorf("the app failed with config.py reading the secret (exit %d): %v", code, err)
	}
	if _, err := e.gitApp(ctx, nil, "commit", "--quiet", "-am", "Read AWS keys from Secrets Manager"); err != nil {
		return err
	}
	return e.pushExpectingBlock(ctx)
}

// secretName is the secret the store-secret step recorded, or the
// suggested one.
func (e *Env) secretName() string {
	if name := e.Facts[factSecretName]; name != "" {
		return name
	}
	return e.Sandbox.Config.SuggestedSecretName
}

func solveRewriteHistory(ctx context.Context, e *Env) error {
	if err := e.rebaseDropping(ctx, 1); err != nil {
		return err
	}
	return e.purge(ctx)
}

// rebaseDropping runs an interactive rebase of the learner's commits onto
// upstream main that drops the commit at position n (1 is the oldest), and
// resolves the conflict by keeping the Secrets Manager version of config.py.
func (e *Env) rebaseDropping(ctx context.Context, n int) error {
	if err := e.startRebaseDropping(ctx, n); err != nil {
		return err
	}
	if rebaseInProgress(e.Sandbox.AppDir()) == "" {
		return nil
	}
	if err := e.writeAppFile("config.py", referenceConfig(e.secretName(), e.Sandbox.Config.AWSRegion, true)); err != nil {
		return err
	}
	if _, err := e.gitApp(ctx, nil, "add", "config.py"); err != nil {
		return err
	}
	_, err := e.gitApp(ctx, []string{"GIT_EDITOR=true"}, "rebase", "--continue")
	return err
}

// startRebaseDropping starts the rebase; it stops at the conflict.
func (e *Env) startRebaseDropping(ctx context.Context, n int) error {
	upstream, err := e.Git.Output(ctx, e.Sandbox.UpstreamDir(), "rev-parse", "main")
	if err != nil {
		return err
	}
	editor := fmt.Sprintf("sed -i -e '%ds/^pick /drop /'", n)
	_, err = e.gitApp(ctx, []string{"GIT_SEQUENCE_EDITOR=" + editor}, "rebase", "-i", upstream)
	if err != nil && rebaseInProgress(e.Sandbox.AppDir()) == "" {
		return err
	}
	return nil
}

// purge removes reflog entries and unreachable objects.
func (e *Env) purge(ctx context.Context) error {
	if _, err := e.gitApp(ctx, nil, "reflog", "expire", "--expire=now", "--all"); err != nil {
		return err
	}
	_, err := e.gitApp(ctx, nil, "gc", "--quiet", "--prune=now")
	return err
}

func solvePushClean(ctx context.Context, e *Env) error {
	_, err := e.gitApp(ctx, nil, "push", "--quiet", "--force-with-lease", "origin", "main")
	return err
}

func solveRotate(ctx context.Context, e *Env) error {
	oldID, _, err := e.configCurrentKey(ctx)
	if err != nil {
		return err
	}
	newID, newSecret, err := e.createAppKey(ctx)
	if err != nil {
		return err
	}
	if err := e.putSecret(ctx, e.secretName(), secretJSON(newID, newSecret)); err != nil {
		return err
	}
	if err := e.setAppKeyStatus(ctx, oldID, iamtypes.StatusTypeInactive); err != nil {
		return err
	}
	if code, err := e.runApp(ctx); err != nil || code != 0 {
		return fmt.Errorf("the app failed after rotation (exit %d): %v", code, err)
	}
	return e.deleteAppKey(ctx, oldID)
}

// configCurrentKey imports config.py and returns the key it yields.
func (e *Env) configCurrentKey(ctx context.Context) (id, secret string, err error) {
	imported, err := e.importConfig(ctx)
	if err != nil {
		return "", "", err
	}
	if imported.Error != nil {
		return "", "", fmt.Errorf("import config: %s", *imported.Error)
	}
	return imported.AccessKeyID, imported.SecretAccessKey, nil
}

func (e *Env) putSecret(ctx context.Context, name, value string) error {
	client, err := e.secretsClient(ctx)
	if err != nil {
		return err
	}
	_, err = client.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(name), SecretString: aws.String(value)})
	if err != nil {
		return fmt.Errorf("put a new value in secret %s: %w", name, err)
	}
	return nil
}

func (e *Env) deleteAppKey(ctx context.Context, id string) error {
	client, err := e.iamClient(ctx)
	if err != nil {
		return err
	}
	_, err = client.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(e.Sandbox.Config.AppUser), AccessKeyId: aws.String(id)})
	if err != nil {
		return fmt.Errorf("delete access key: %w", err)
	}
	return nil
}

// appendAppFile adds text to the end of a file of the working tree.
func (e *Env) appendAppFile(name, text string) error {
	f, err := os.OpenFile(filepath.Join(e.Sandbox.AppDir(), name), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString(text)
	return err
}
