package checks

import (
	"context"
	"fmt"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secretslab/workshop/internal/keys"
	"github.com/secretslab/workshop/sandbox"
)

// configPair reads the key pair config.py assigns as string literals.
func (e *Env) configPair(ctx context.Context) (info *configInfo, id, secret string, err error) {
	source, found, err := e.readAppFile("config.py")
	if err != nil || !found {
		return nil, "", "", err
	}
	info, err = e.inspectConfig(ctx, source)
	if err != nil {
		return nil, "", "", err
	}
	if info.SyntaxError != nil {
		return info, "", "", nil
	}
	return info, info.Literals[secretKeyID], info.Literals[secretKeySecret], nil
}

func describeLiteral(name, value string) string {
	if value == "" {
		return name + " is not assigned a string literal"
	}
	return fmt.Sprintf("%s = %q", name, keys.Redact(value))
}

func hardcodeStep() Step {
	return Step{ID: StepHardcode, Check: checkHardcode, Solve: solveHardcode, Wrong: hardcodeWrongs()}
}

func checkHardcode(ctx context.Context, e *Env) (*Result, error) {
	r := newResult(StepHardcode)
	cfg := e.Sandbox.Config
	info, id, secret, err := e.configPair(ctx)
	if err != nil {
		return nil, err
	}

	const name = "config.py assigns the fake key pair as literals"
	hint := fmt.Sprintf("In app/config.py set AWS_ACCESS_KEY_ID = %q and AWS_SECRET_ACCESS_KEY to the fake secret that `workshop next` shows, both as plain strings.", cfg.FakeAccessKeyID)
	switch {
	case info == nil:
		r.fail(name, hint, "app/config.py is missing")
	case info.SyntaxError != nil:
		r.fail(name, "Fix the Python syntax error in app/config.py.", "app/config.py does not parse: %s", *info.SyntaxError)
	default:
		r.add(id == cfg.FakeAccessKeyID && secret == cfg.FakeSecretAccessKey, name, hint,
			"%s; %s; %s", describeLiteral(secretKeyID, id), describeLiteral(secretKeySecret, secret), pairVerdict(id == cfg.FakeAccessKeyID, secret == cfg.FakeSecretAccessKey))
	}

	_, code, err := e.pairListBuckets(ctx, cfg.FakeAccessKeyID, cfg.FakeSecretAccessKey)
	if err != nil {
		return nil, err
	}
	r.add(code == "InvalidAccessKeyId", "the sandbox rejects the fake key id", "The sandbox should not know the fake key; rebuild the sandbox with `instructor reset` if this persists.",
		"S3 ListBuckets signed with %s answered %s", keys.RedactID(cfg.FakeAccessKeyID), orOK(code))

	if err := e.checkAppRan(r, cfg.FakeAccessKeyID, false, "run `python3 list_buckets.py` in app/ and read the InvalidAccessKeyId error"); err != nil {
		return nil, err
	}
	return r.done(), nil
}

func pairVerdict(idOK, secretOK bool) string {
	switch {
	case idOK && secretOK:
		return "both match the pair this sandbox issued"
	case idOK:
		return "the id matches but the secret does not"
	case secretOK:
		return "the secret matches but the id does not"
	}
	return "neither matches the pair this sandbox issued"
}

func orOK(code string) string {
	if code == "" {
		return "with success"
	}
	return code
}

// checkAppRan adds an item proving from the endpoint's request log that the
// app sent a request signed with keyID, succeeding or failing as expected.
func (e *Env) checkAppRan(r *result, keyID string, wantSuccess bool, hint string) error {
	if e.Sandbox.Config.AWSMode != sandbox.AWSLocal {
		return nil // real AWS keeps no request log the workshop can read
	}
	entries, err := e.learnerRequests()
	if err != nil {
		return err
	}
	var seen, matched int
	for _, entry := range entries {
		if entry.AccessKeyID != keyID || entry.Operation != "ListBuckets" {
			continue
		}
		seen++
		if (entry.Status < 300) == wantSuccess {
			matched++
		}
	}
	name, outcome := "the app ran with this key and was rejected", "rejected"
	if wantSuccess {
		name, outcome = "the app ran with this key and listed buckets", "succeeded"
	}
	fullHint := "Then " + hint + "."
	if seen == 0 {
		fullHint = "The endpoint saw no request from the app. In your shell run `eval \"$(workshop env)\"` first (without it the app tries real AWS), then " + hint + "."
	}
	r.add(matched > 0, name, fullHint,
		"the endpoint logged %d ListBuckets request(s) from the app signed with %s, %d %s", seen, keys.Redact(keyID), matched, outcome)
	return nil
}

func ownKeysStep() Step {
	return Step{ID: StepOwnKeys, Check: checkOwnKeys, Solve: solveOwnKeys, Wrong: ownKeysWrongs()}
}

func checkOwnKeys(ctx context.Context, e *Env) (*Result, error) {
	r := newResult(StepOwnKeys)
	user := e.Sandbox.Config.AppUser
	info, id, secret, err := e.configPair(ctx)
	if err != nil {
		return nil, err
	}
	if info == nil || info.SyntaxError != nil || id == "" || secret == "" {
		r.fail("config.py assigns a key pair as literals", fmt.Sprintf("Create a key with `aws iam create-access-key --user-name %s` and paste both values into app/config.py.", user),
			"%s; %s", describeLiteral(secretKeyID, id), describeLiteral(secretKeySecret, secret))
		return r.done(), nil
	}

	appKeys, err := e.appUserKeys(ctx)
	if err != nil {
		return nil, err
	}
	status, isAppKey := appKeys[id]
	r.add(isAppKey && status == iamtypes.StatusTypeActive, fmt.Sprintf("config.py holds an active key of %s", user),
		fmt.Sprintf("Use a key of the app's own user: `aws iam create-access-key --user-name %s` (not your own learner key, and not the fake one).", user),
		"%s is %s", keys.RedactID(id), keyStatusText(isAppKey, status, user))

	arn, code, err := e.pairIdentity(ctx, id, secret)
	if err != nil {
		return nil, err
	}
	r.add(code == "" && e.isAppUserARN(arn), "a request signed with the pair succeeds", "Copy the SecretAccessKey exactly as create-access-key printed it.",
		"STS GetCallerIdentity signed with %s answered %s", keys.RedactID(id), identityText(arn, code))

	if err := e.checkAppRan(r, id, true, "run `python3 list_buckets.py` in app/ and see the bucket names"); err != nil {
		return nil, err
	}
	r.Facts[factCommittedKeyID] = id
	return r.done(), nil
}

func keyStatusText(isAppKey bool, status iamtypes.StatusType, user string) string {
	if !isAppKey {
		return "not a key of " + user
	}
	return fmt.Sprintf("a key of %s, status %s", user, status)
}

func identityText(arn, code string) string {
	if code != "" {
		return code
	}
	return arn
}
