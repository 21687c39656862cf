package checks

import (
	"context"
	"fmt"
	"strings"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// Each step's wrong solutions are mistakes learners make; its check must
// reject every one of them.

func hardcodeWrongs() []Wrong {
	return []Wrong{
		{"only the key id pasted", func(ctx context.Context, e *Env) error {
			if err := e.writeConfigKeys(e.Sandbox.Config.FakeAccessKeyID, "REPLACE_WITH_SECRET_ACCESS_KEY"); err != nil {
				return err
			}
			_, err := e.runApp(ctx)
			return err
		}},
		{"id and secret swapped", func(ctx context.Context, e *Env) error {
			cfg := e.Sandbox.Config
			if err := e.writeConfigKeys(cfg.FakeSecretAccessKey, cfg.FakeAccessKeyID); err != nil {
				return err
			}
			_, err := e.runApp(ctx)
			return err
		}},
		{"pair pasted as comments only", func(ctx context.Context, e *Env) error {
			cfg := e.Sandbox.Config
			return e.appendAppFile("config.py", fmt.Sprintf("# AWS_ACCESS_KEY_ID = %q\n# AWS_SECRET_ACCESS_KEY = %q\n", cfg.FakeAccessKeyID, cfg.FakeSecretAccessKey))
		}},
		{"pair pasted but the app never run", func(ctx context.Context, e *Env) error {
			cfg := e.Sandbox.Config
			return e.writeConfigKeys(cfg.FakeAccessKeyID, cfg.FakeSecretAccessKey)
		}},
	}
}

func ownKeysWrongs() []Wrong {
	return []Wrong{
		{"the learner's own key used", func(ctx context.Context, e *Env) error {
			cfg, err := e.Sandbox.AWSConfig(ctx)
			if err != nil {
				return err
			}
			creds, err := cfg.Credentials.Retrieve(ctx)
			if err != nil {
				return err
			}
			if err := e.writeConfigKeys(creds.AccessKeyID, creds.SecretAccessKey); err != nil {
				return err
			}
			_, err = e.runApp(ctx)
			return err
		}},
		{"a deactivated key", func(ctx context.Context, e *Env) error {
			if err := solveOwnKeys(ctx, e); err != nil {
				return err
			}
			id, _, err := e.configLiterals(ctx)
			if err != nil {
				return err
			}
			return e.setAppKeyStatus(ctx, id, iamtypes.StatusTypeInactive)
		}},
		{"secret mistyped", func(ctx context.Context, e *Env) error {
			id, secret, err := e.createAppKey(ctx)
			if err != nil {
				return err
			}
			if err := e.writeConfigKeys(id, mistype(secret)); err != nil {
				return err
			}
			_, err = e.runApp(ctx)
			return err
		}},
	}
}

// mistype changes the last character of s, as a bad copy and paste does.
func mistype(s string) string {
	last := s[len(s)-1]
	replacement := byte('x')
	if last == 'x' {
		replacement = 'y'
	}
	return s[:len(s)-1] + string(replacement)
}

func forkAndPushWrongs() []Wrong {
	return []Wrong{
		{"pushed to upstream instead of a fork", func(ctx context.Context, e *Env) error {
			if _, err := e.gitApp(ctx, nil, "commit", "--quiet", "-am", "Add AWS keys to config"); err != nil {
				return err
			}
			_, err := e.gitApp(ctx, nil, "push", "--quiet", "origin", "main")
			return err
		}},
		{"forked but origin unchanged", func(ctx context.Context, e *Env) error {
			if _, err := e.Sandbox.Fork(ctx, e.HookCommand); err != nil {
				return err
			}
			_, err := e.gitApp(ctx, nil, "commit", "--quiet", "-am", "Add AWS keys to config")
			return err
		}},
		{"committed but never pushed", func(ctx context.Context, e *Env) error {
			if _, err := e.Sandbox.Fork(ctx, e.HookCommand); err != nil {
				return err
			}
			if _, err := e.gitApp(ctx, nil, "remote", "set-url", "origin", e.Sandbox.ForkURL()); err != nil {
				return err
			}
			_, err := e.gitApp(ctx, nil, "commit", "--quiet", "-am", "Add AWS keys to config")
			return err
		}},
	}
}

func storeSecretWrongs() []Wrong {
	storeAs := func(value func(id, secret string) string) func(context.Context, *Env) error {
		return func(ctx context.Context, e *Env) error {
			id, secret, err := e.configLiterals(ctx)
			if err != nil {
				return err
			}
			return e.createSecret(ctx, e.Sandbox.Config.SuggestedSecretName, value(id, secret))
		}
	}
	return []Wrong{
		{"secret stored under the wrong JSON keys", storeAs(func(id, secret string) string {
			return fmt.Sprintf(`{"access_key":%q,"secret_key":%q}`, id, secret)
		})},
		{"secret stored as plain text", storeAs(func(id, secret string) string { return id + ":" + secret })},
		{"the fake pair stored", func(ctx context.Context, e *Env) error {
			cfg := e.Sandbox.Config
			return e.createSecret(ctx, cfg.SuggestedSecretName, secretJSON(cfg.FakeAccessKeyID, cfg.FakeSecretAccessKey))
		}},
	}
}

// envFileConfig reads the keys from a .env file next to it: it moves the
// key, it does not remove it.
const envFileConfig = `"""Settings read from the .env file next to this module."""

import os

_here = os.path.dirname(os.path.abspath(__file__))
_values = {}
with open(os.path.join(_here, ".env"), encoding="utf-8") as f:
    for line in f:
        name, _, value = line.strip().partition("=")
        _values[name] = value

AWS_ACCESS_KEY_ID = _values["AWS_ACCESS_KEY_ID"]
AWS_SECRET_ACCESS_KEY = _values["AWS_SECRET_ACCESS_KEY"]
AWS_REGION = "us-east-1"
`

func useSecretWrongs() []Wrong {
	commitConfig := func(content func(e *Env) string) func(context.Context, *Env) error {
		return func(ctx context.Context, e *Env) error {
			if err := e.writeAppFile("config.py", content(e)); err != nil {
				return err
			}
			_, err := e.gitApp(ctx, nil, "commit", "--quiet", "-am", "Read AWS keys from Secrets Manager")
			return err
		}
	}
	return []Wrong{
		{"key moved to a committed .env", func(ctx context.Context, e *Env) error {
			id, secret, err := e.configLiterals(ctx)
			if err != nil {
				return err
			}
			if err := e.writeAppFile(".env", fmt.Sprintf("AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n", id, secret)); err != nil {
				return err
			}
			if err := e.writeAppFile("config.py", envFileConfig); err != nil {
				return err
			}
			if _, err := e.gitApp(ctx, nil, "add", "-f", ".env", "config.py"); err != nil {
				return err
			}
			_, err = e.gitApp(ctx, nil, "commit", "--quiet", "-m", "Move keys to .env")
			return err
		}},
		{"secret name misspelled", commitConfig(func(e *Env) string {
			return referenceConfig(e.secretName()+"-prod", e.Sandbox.Config.AWSRegion, true)
		})},
		{"no ClientError handling", commitConfig(func(e *Env) string {
			return referenceConfig(e.secretName(), e.Sandbox.Config.AWSRegion, false)
		})},
		{"change not committed", func(ctx context.Context, e *Env) error {
			return e.writeAppFile("config.py", referenceConfig(e.secretName(), e.Sandbox.Config.AWSRegion, true))
		}},
	}
}

func rewriteHistoryWrongs() []Wrong {
	return []Wrong{
		{"backup branch keeps the key", func(ctx context.Context, e *Env) error {
			if _, err := e.gitApp(ctx, nil, "branch", "backup-before-rebase"); err != nil {
				return err
			}
			return solveRewriteHistory(ctx, e)
		}},
		{"rebase left unfinished", func(ctx context.Context, e *Env) error {
			return e.startRebaseDropping(ctx, 1)
		}},
		{"the Secrets Manager commit dropped instead", func(ctx context.Context, e *Env) error {
			if err := e.startRebaseDropping(ctx, 2); err != nil {
				return err
			}
			return e.purge(ctx)
		}},
		{"key kept in a stash", func(ctx context.Context, e *Env) error {
			if err := solveRewriteHistory(ctx, e); err != nil {
				return err
			}
			cfg := e.Sandbox.Config
			if err := e.appendAppFile("config.py", fmt.Sprintf("\n# old key: %s %s\n", cfg.FakeAccessKeyID, cfg.FakeSecretAccessKey)); err != nil {
				return err
			}
			_, err := e.gitApp(ctx, nil, "stash")
			return err
		}},
	}
}

func pushCleanWrongs() []Wrong {
	return []Wrong{
		{"pushed to another branch", func(ctx context.Context, e *Env) error {
			_, err := e.gitApp(ctx, nil, "push", "--quiet", "origin", "main:clean-history")
			return err
		}},
		{"pushed only the upstream commits", func(ctx context.Context, e *Env) error {
			_, err := e.gitApp(ctx, nil, "push", "--quiet", "origin", "HEAD~1:main")
			return err
		}},
	}
}

func rotateWrongs() []Wrong {
	newKeyInSecret := func(ctx context.Context, e *Env) (string, error) {
		oldID, _, err := e.configCurrentKey(ctx)
		if err != nil {
			return "", err
		}
		id, secret, err := e.createAppKey(ctx)
		if err != nil {
			return "", err
		}
		return oldID, e.putSecret(ctx, e.secretName(), secretJSON(id, secret))
	}
	return []Wrong{
		{"old key left active", func(ctx context.Context, e *Env) error {
			_, err := newKeyInSecret(ctx, e)
			return err
		}},
		{"old key deactivated but the secret not updated", func(ctx context.Context, e *Env) error {
			oldID, _, err := e.configCurrentKey(ctx)
			if err != nil {
				return err
			}
			if _, _, err := e.createAppKey(ctx); err != nil {
				return err
			}
			return e.setAppKeyStatus(ctx, oldID, iamtypes.StatusTypeInactive)
		}},
		{"new key stored in a new secret", func(ctx context.Context, e *Env) error {
			oldID, _, err := e.configCurrentKey(ctx)
			if err != nil {
				return err
			}
			id, secret, err := e.createAppKey(ctx)
			if err != nil {
				return err
			}
			if err := e.createSecret(ctx, strings.TrimSuffix(e.secretName(), "/")+"-rotated", secretJSON(id, secret)); err != nil {
				return err
			}
			return e.setAppKeyStatus(ctx, oldID, iamtypes.StatusTypeInactive)
		}},
	}
}
