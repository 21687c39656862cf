package checks

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/secretslab/workshop/internal/gitcmd"
	"github.com/secretslab/workshop/internal/history"
	"github.com/secretslab/workshop/internal/keys"
)

func useSecretStep() Step {
	return Step{ID: StepUseSecret, Check: checkUseSecret, Solve: solveUseSecret, Wrong: useSecretWrongs()}
}

func checkUseSecret(ctx context.Context, e *Env) (*Result, error) {
	r := newResult(StepUseSecret)
	local, err := e.inspect(ctx, e.Sandbox.AppDir())
	if err != nil {
		return nil, err
	}
	tree := local.Place(history.WorkingTree)
	r.add(tree.Clean, "no key material in the working tree",
		"Remove every key from the files in app/, including untracked ones such as a .env file: the code reads the keys from Secrets Manager now.",
		"%s", describeHits(tree.Hits))

	source, found, err := e.readAppFile("config.py")
	if err != nil {
		return nil, err
	}
	info, err := e.inspectConfig(ctx, source)
	if err != nil {
		return nil, err
	}
	if !found || info.SyntaxError != nil {
		r.fail("config.py parses", "Fix app/config.py so that `python3 -c 'import config'` runs.", "%s", syntaxText(found, info))
		return r.done(), nil
	}
	r.add(info.calls("get_secret_value"), "config.py calls get_secret_value", "Fetch the keys with a boto3 secretsmanager client's get_secret_value(SecretId=...).",
		"calls found: %s", orText(strings.Join(info.Calls, ", "), "none"))
	r.add(info.catches("ClientError"), "config.py handles ClientError", "Wrap the call in try/except botocore.exceptions.ClientError and say which secret failed.",
		"exceptions caught: %s", orText(strings.Join(info.Caught, ", "), "none"))

	secret, err := e.namedSecret(ctx, info.Strings)
	if err != nil {
		return nil, err
	}
	r.add(secret != "", "config.py names an existing secret", "Use the exact name of the secret you stored in the store-secret step.",
		"%s", orText(secret, "no string in config.py is the name or ARN of an existing secret"))

	if err := e.checkImportYieldsSecret(ctx, r, secret); err != nil {
		return nil, err
	}

	committed, err := e.committedAsInTree(ctx, "config.py")
	if err != nil {
		return nil, err
	}
	r.add(committed, "the change to config.py is committed", "Commit it: `git commit -am \"Read AWS keys from Secrets Manager\"`.",
		"%s", map[bool]string{true: "HEAD's config.py equals the working tree's", false: "config.py differs from HEAD"}[committed])
	return r.done(), nil
}

func syntaxText(found bool, info *configInfo) string {
	if !found {
		return "app/config.py is missing"
	}
	return "app/config.py does not parse: " + *info.SyntaxError
}

// namedSecret returns the first string of config.py that is the name or ARN
// of an existing secret.
func (e *Env) namedSecret(ctx context.Context, candidates []string) (string, error) {
	// Look up the recorded and suggested names directly first: ListSecrets
	// in real AWS can lag minutes behind a new secret.
	for _, s := range candidates {
		if s != e.secretName() && s != e.Sandbox.Config.SuggestedSecretName {
			continue
		}
		if _, found, err := e.secretValue(ctx, s, "AWSCURRENT"); err != nil || found {
			return s, err
		}
	}
	names, err := e.secretNames(ctx)
	if err != nil {
		return "", err
	}
	for _, s := range candidates {
		if slices.Contains(names, s) {
			return s, nil
		}
		if strings.Contains(s, ":secretsmanager:") {
			if _, found, err := e.secretValue(ctx, s, "AWSCURRENT"); err != nil || found {
				return s, err
			}
		}
	}
	return "", nil
}

// checkImportYieldsSecret imports config.py and compares the key id it ends
// up with against the secret's current value.
func (e *Env) checkImportYieldsSecret(ctx context.Context, r *result, secret string) error {
	const name = "importing config.py yields the stored key"
	imported, err := e.importConfig(ctx)
	if err != nil {
		return err
	}
	if imported.Error != nil {
		r.fail(name, "Run `python3 -c 'import config'` in app/ and fix the error it prints.", "import config failed: %s", redactKeys(*imported.Error))
		return nil
	}
	if secret == "" {
		r.fail(name, "Name your secret in config.py.", "import gave %s, but config.py names no secret", keys.RedactID(imported.AccessKeyID))
		return nil
	}
	value, _, err := e.secretValue(ctx, secret, "AWSCURRENT")
	if err != nil {
		return err
	}
	stored := parseStoredPair(value)
	ok := stored.Problem == "" && imported.AccessKeyID == stored.ID && imported.SecretAccessKey == stored.Secret
	r.add(ok, name, "Assign AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the secret's JSON members of the same names.",
		"import gave %s; the secret's AWSCURRENT holds %s", keys.RedactID(imported.AccessKeyID), orText(keys.RedactID(stored.ID), stored.Problem))
	return nil
}

// redactKeys shortens anything in s that looks like a long token, so an
// error message quoted as evidence cannot disclose a key.
func redactKeys(s string) string {
	fields := strings.Fields(s)
	for i, f := range fields {
		trimmed := strings.Trim(f, `"',.:;()[]{}`)
		if len(trimmed) >= 16 && !strings.ContainsAny(trimmed, " ") {
			fields[i] = strings.Replace(f, trimmed, keys.Redact(trimmed), 1)
		}
	}
	return strings.Join(fields, " ")
}

// committedAsInTree reports whether the file in the working tree equals its
// version in HEAD.
func (e *Env) committedAsInTree(ctx context.Context, path string) (bool, error) {
	_, err := e.Git.Run(ctx, e.Sandbox.AppDir(), "diff", "--quiet", "HEAD", "--", path)
	if err == nil {
		return true, nil
	}
	if code := gitcmd.ExitCode(err); code == 1 {
		return false, nil
	}
	return false, fmt.Errorf("%w: %v", ErrToolFailed, err)
}
