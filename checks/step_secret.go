package checks

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secretslab/workshop/internal/keys"
)

// storedPair is a key pair read from a secret's JSON value.
type storedPair struct {
	ID     string
	Secret string
	// Problem is the reason the value is not a usable pair, or empty when it is.
	Problem string
}

// parseStoredPair reads the JSON members AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY from a secret value.
func parseStoredPair(value string) storedPair {
	var fields map[string]any
	if err := json.Unmarshal([]byte(value), &fields); err != nil {
		return storedPair{Problem: "the value is not a JSON object"}
	}
	id, _ := fields[secretKeyID].(string)
	secret, _ := fields[secretKeySecret].(string)
	if id == "" || secret == "" {
		return storedPair{Problem: fmt.Sprintf("the JSON lacks %s or %s (it has %s)", secretKeyID, secretKeySecret, memberNames(fields))}
	}
	return storedPair{ID: id, Secret: secret}
}

func memberNames(fields map[string]any) string {
	var names []string
	for k := range fields {
		names = append(names, k)
	}
	if len(names) == 0 {
		return "no members"
	}
	return strings.Join(names, ", ")
}

// pairProblem returns why a pair is not an active, working key of the app
// user, or "" when it is.
func (e *Env) pairProblem(ctx context.Context, p storedPair, appKeys map[string]iamtypes.StatusType) (string, error) {
	if p.Problem != "" {
		return p.Problem, nil
	}
	status, ok := appKeys[p.ID]
	if !ok {
		return fmt.Sprintf("%s is not a key of %s", keys.RedactID(p.ID), e.Sandbox.Config.AppUser), nil
	}
	if status != iamtypes.StatusTypeActive {
		return fmt.Sprintf("%s is %s", keys.RedactID(p.ID), status), nil
	}
	arn, code, err := e.pairIdentity(ctx, p.ID, p.Secret)
	if err != nil {
		return "", err
	}
	if code != "" || !e.isAppUserARN(arn) {
		return fmt.Sprintf("a request signed with %s failed: %s", keys.RedactID(p.ID), identityText(arn, code)), nil
	}
	return "", nil
}

func storeSecretStep() Step {
	return Step{ID: StepStoreSecret, Check: checkStoreSecret, Solve: solveStoreSecret, Wrong: storeSecretWrongs()}
}

func checkStoreSecret(ctx context.Context, e *Env) (*Result, error) {
	r := newResult(StepStoreSecret)
	names, err := e.secretNames(ctx)
	if err != nil {
		return nil, err
	}
	appKeys, err := e.appUserKeys(ctx)
	if err != nil {
		return nil, err
	}

	var problems []string
	for _, name := range preferFirst(names, e.Sandbox.Config.SuggestedSecretName) {
		value, found, err := e.secretValue(ctx, name, "AWSCURRENT")
		if err != nil {
			return nil, err
		}
		if !found {
			if slices.Contains(names, name) {
				problems = append(problems, name+": no current value")
			}
			continue
		}
		pair := parseStoredPair(value)
		problem, err := e.pairProblem(ctx, pair, appKeys)
		if err != nil {
			return nil, err
		}
		if problem == "" {
			r.pass("a secret holds the active key pair as JSON", "secret %s: AWSCURRENT is JSON with %s = %s and a matching secret; the key is active", name, secretKeyID, keys.RedactID(pair.ID))
			r.Facts[factSecretName] = name
			return r.done(), nil
		}
		problems = append(problems, name+": "+problem)
	}

	evidence := "no secrets in Secrets Manager"
	if len(problems) > 0 {
		evidence = strings.Join(problems, "; ")
	}
	name := e.Sandbox.Config.SuggestedSecretName
	hint := fmt.Sprintf("Store the working pair from config.py: `aws secretsmanager create-secret --name %s --secret-string '{\"%s\":\"...\",\"%s\":\"...\"}'`.", name, secretKeyID, secretKeySecret)
	if slices.Contains(names, name) {
		hint = fmt.Sprintf("The secret %s exists: give it a new value with `aws secretsmanager put-secret-value --secret-id %s --secret-string '{\"%s\":\"...\",\"%s\":\"...\"}'`.", name, name, secretKeyID, secretKeySecret)
	}
	r.fail("a secret holds the active key pair as JSON", hint, "%s", evidence)
	return r.done(), nil
}

// preferFirst returns names with first at the front, listed or not:
// ListSecrets in real AWS can lag minutes behind a secret created a moment
// ago, while GetSecretValue of its name finds it at once.
func preferFirst(names []string, first string) []string {
	if first == "" {
		return names
	}
	out := []string{first}
	for _, n := range names {
		if n != first {
			out = append(out, n)
		}
	}
	return out
}
