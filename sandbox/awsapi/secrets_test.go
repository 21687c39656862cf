package awsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

var arnPattern = regexp.MustCompile(`^arn:aws:secretsmanager:` + testRegion + `:` + testAccount + `:secret:app/db-[A-Za-z0-9]{6}$`)

func TestCreateGetPutDescribe(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.sm(env.learner)

	created, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name: aws.String("app/db"), SecretString: aws.String(`{"password":"one"}`), Description: aws.String("database"),
		Tags: []smtypes.Tag{{Key: aws.String("team"), Value: aws.String("web")}},
	})
	requireNoError(t, err)
	if !arnPattern.MatchString(aws.ToString(created.ARN)) || aws.ToString(created.Name) != "app/db" || created.VersionId == nil {
		t.Fatalf("CreateSecret = %+v, want an ARN with a 6-character suffix and a version", created)
	}

	got, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("app/db")})
	requireNoError(t, err)
	if aws.ToString(got.SecretString) != `{"password":"one"}` || aws.ToString(got.VersionId) != aws.ToString(created.VersionId) ||
		strings.Join(got.VersionStages, ",") != "AWSCURRENT" || got.CreatedDate == nil || got.SecretBinary != nil {
		t.Errorf("GetSecretValue = %+v, want the first value as AWSCURRENT", got)
	}

	put, err := client.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: created.ARN, SecretString: aws.String(`{"password":"two"}`)})
	requireNoError(t, err)
	if strings.Join(put.VersionStages, ",") != "AWSCURRENT" {
		t.Errorf("PutSecretValue stages = %v, want AWSCURRENT", put.VersionStages)
	}
	prev, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("app/db"), VersionStage: aws.String("AWSPREVIOUS")})
	requireNoError(t, err)
	if aws.ToString(prev.SecretString) != `{"password":"one"}` {
		t.Errorf("AWSPREVIOUS = %q, want the first value", aws.ToString(prev.SecretString))
	}

	desc, err := client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("app/db")})
	requireNoError(t, err)
	if aws.ToString(desc.Description) != "database" || len(desc.Tags) != 1 || desc.RotationEnabled != nil || desc.DeletedDate != nil ||
		len(desc.VersionIdsToStages) != 2 || desc.LastAccessedDate == nil || desc.CreatedDate == nil || desc.KmsKeyId != nil {
		t.Errorf("DescribeSecret = %+v", desc)
	}
	if stages := desc.VersionIdsToStages[aws.ToString(put.VersionId)]; strings.Join(stages, ",") != "AWSCURRENT" {
		t.Errorf("new version stages = %v, want AWSCURRENT", stages)
	}
}

func TestSecretBinaryRoundTrip(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.sm(env.learner)
	value := []byte{0, 1, 2, 0xfe, 0xff, '"', '\\'}

	_, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("bin"), SecretBinary: value})
	requireNoError(t, err)
	got, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("bin")})
	requireNoError(t, err)
	if !bytes.Equal(got.SecretBinary, value) || got.SecretString != nil {
		t.Errorf("SecretBinary = %v, want %v", got.SecretBinary, value)
	}
	st, err := LoadState(env.statePath)
	requireNoError(t, err)
	if sec, ok := st.Secret("bin"); !ok || !bytes.Equal(sec.Versions[0].Binary, value) {
		t.Errorf("stored binary = %+v, want the raw bytes", sec.Versions)
	}
}

func TestCreateSecretValidation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.sm(env.learner)

	tests := []struct {
		name string
		in   secretsmanager.CreateSecretInput
		code string
	}{
		{"space in name", secretsmanager.CreateSecretInput{Name: aws.String("my secret")}, "ValidationException"},
		{"star in name", secretsmanager.CreateSecretInput{Name: aws.String("a*b")}, "ValidationException"},
		{"name too long", secretsmanager.CreateSecretInput{Name: aws.String(strings.Repeat("n", 513))}, "ValidationException"},
		{"both values", secretsmanager.CreateSecretInput{Name: aws.String("both"), SecretString: aws.String("s"), SecretBinary: []byte("b")}, "InvalidParameterException"},
		{"value over 64 KB", secretsmanager.CreateSecretInput{Name: aws.String("big"), SecretString: aws.String(strings.Repeat("x", 65537))}, "ValidationException"},
		{"binary over 64 KB", secretsmanager.CreateSecretInput{Name: aws.String("bigbin"), SecretBinary: bytes.Repeat([]byte{1}, 65537)}, "ValidationException"},
		{"empty string", secretsmanager.CreateSecretInput{Name: aws.String("empty"), SecretString: aws.String("")}, "ValidationException"},
		{"short token", secretsmanager.CreateSecretInput{Name: aws.String("tok"), ClientRequestToken: aws.String("short")}, "ValidationException"},
		{"reserved tag", secretsmanager.CreateSecretInput{Name: aws.String("tag"), Tags: []smtypes.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}}, "InvalidParameterException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client.CreateSecret(ctx, &tt.in)
			requireAPIError(t, err, tt.code, 400)
		})
	}

	_, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("max"), SecretString: aws.String(strings.Repeat("x", 65536))})
	requireNoError(t, err)
	_, err = client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("maxbin"), SecretBinary: bytes.Repeat([]byte{7}, 65536)})
	requireNoError(t, err)
	_, err = client.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("max"), SecretString: aws.String(strings.Repeat("y", 65537))})
	requireAPIError(t, err, "ValidationException", 400)
	if !strings.Contains(err.Error(), "Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536") {
		t.Errorf("error %q does not name the constraint", err)
	}
}

func TestClientRequestTokenIdempotency(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.sm(env.learner)
	token := newToken()

	first, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("idem"), ClientRequestToken: aws.String(token), SecretString: aws.String("v1")})
	requireNoError(t, err)
	again, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("idem"), ClientRequestToken: aws.String(token), SecretString: aws.String("v1")})
	requireNoError(t, err)
	if aws.ToString(again.ARN) != aws.ToString(first.ARN) || aws.ToString(again.VersionId) != token {
		t.Errorf("repeated CreateSecret = %+v, want the first result", again)
	}
	_, err = client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("idem"), ClientRequestToken: aws.String(token), SecretString: aws.String("v2")})
	requireAPIError(t, err, "ResourceExistsException", 400)
	_, err = client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("idem"), SecretString: aws.String("v1")})
	requireAPIError(t, err, "ResourceExistsException", 400)

	putToken := newToken()
	put, err := client.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("idem"), ClientRequestToken: aws.String(putToken), SecretString: aws.String("v2")})
	requireNoError(t, err)
	putAgain, err := client.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("idem"), ClientRequestToken: aws.String(putToken), SecretString: aws.String("v2")})
	requireNoError(t, err)
	if aws.ToString(putAgain.VersionId) != aws.ToString(put.VersionId) || strings.Join(putAgain.VersionStages, ",") != "AWSCURRENT" {
		t.Errorf("repeated PutSecretValue = %+v, want the same version, still AWSCURRENT", putAgain)
	}
	_, err = client.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("idem"), ClientRequestToken: aws.String(putToken), SecretString: aws.String("v3")})
	requireAPIError(t, err, "ResourceExistsException", 400)
	if !strings.Contains(err.Error(), "You can't use ClientRequestToken "+putToken+" because that value is already in use for a version of secret "+aws.ToString(first.ARN)) {
		t.Errorf("conflict message %q does not name the token and ARN", err)
	}

	updated, err := client.UpdateSecret(ctx, &secretsmanager.UpdateSecretInput{SecretId: aws.String("idem"), ClientRequestToken: aws.String(putToken), SecretString: aws.String("v2")})
	requireNoError(t, err)
	if aws.ToString(updated.VersionId) != putToken {
		t.Errorf("UpdateSecret with a used token and the same value = %+v, want VersionId %s", updated, putToken)
	}
	versions, err := client.ListSecretVersionIds(ctx, &secretsmanager.ListSecretVersionIdsInput{SecretId: aws.String("idem"), IncludeDeprecated: aws.Bool(true)})
	requireNoError(t, err)
	if len(versions.Versions) != 2 {
		t.Errorf("versions = %d, want 2: repeats must not add versions", len(versions.Versions))
	}
}

func TestRawRequestsWithoutSDK(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	tests := []struct {
		name, op, body, code string
	}{
		{"create without token", "CreateSecret", `{"Name":"raw","SecretString":"v"}`, "InvalidRequestException"},
		{"malformed JSON", "CreateSecret", `{"Name":`, "SerializationException"},
		{"wrong member type", "DeleteSecret", `{"SecretId":"x","RecoveryWindowInDays":"seven"}`, "SerializationException"},
		{"unknown operation", "LaunchRocket", `{}`, "UnknownOperationException"},
		{"missing SecretId", "GetSecretValue", `{}`, "ValidationException"},
		{"JSON array body", "ListSecrets", `[]`, "SerializationException"},
		{"invalid base64 binary", "CreateSecret", `{"Name":"b","SecretBinary":"@@@","ClientRequestToken":"` + newToken() + `"}`, "SerializationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := env.smRaw(t, tt.op, tt.body)
			if status != 400 || errorCode(t, body) != tt.code {
				t.Errorf("got %d %s, want 400 %s", status, body, tt.code)
			}
		})
	}
}

func TestWireFormat(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	status, _ := env.smRaw(t, "CreateSecret", `{"Name":"wire","SecretString":"v","ClientRequestToken":"`+newToken()+`"}`)
	if status != 200 {
		t.Fatalf("CreateSecret status = %d", status)
	}
	status, headers, body := env.do(t, rawRequest{service: "secretsmanager", target: "secretsmanager.DescribeSecret", body: []byte(`{"SecretId":"wire"}`), key: &env.learner})
	if status != 200 || headers.Get("Content-Type") != jsonContentType || headers.Get("x-amzn-RequestId") == "" {
		t.Fatalf("DescribeSecret = %d %v", status, headers)
	}
	if !regexp.MustCompile(`"CreatedDate":[0-9]{10}\.[0-9]{3}[,}]`).Match(body) {
		t.Errorf("CreatedDate is not epoch seconds with milliseconds: %s", body)
	}
	var fields map[string]any
	requireNoError(t, json.Unmarshal(body, &fields))
	for _, absent := range []string{"Description", "KmsKeyId", "RotationEnabled", "DeletedDate", "Tags", "NextToken", "LastAccessedDate"} {
		if _, ok := fields[absent]; ok {
			t.Errorf("DescribeSecret sends %s without a value: %s", absent, body)
		}
	}
}

func TestPartialARNLookup(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.sm(env.learner)
	created, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("app/db"), SecretString: aws.String("v")})
	requireNoError(t, err)
	arn := aws.ToString(created.ARN)

	for _, id := range []string{arn, arn[:len(arn)-7], "app/db"} {
		got, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
		requireNoError(t, err)
		if aws.ToString(got.ARN) != arn {
			t.Errorf("GetSecretValue(%s) ARN = %s, want %s", id, aws.ToString(got.ARN), arn)
		}
	}
	for _, id := range []string{"app/db" + arn[len(arn)-7:], arn[:len(arn)-7] + "-Zz9Zz9", strings.Replace(arn, testRegion, "us-east-1", 1)} {
		_, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
		requireAPIError(t, err, "ResourceNotFoundException", 400)
	}

	// A name that itself ends in "-" and six characters makes its partial
	// ARN look like a full one, so it finds nothing.
	trap, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("db-secret"), SecretString: aws.String("v")})
	requireNoError(t, err)
	trapARN := aws.ToString(trap.ARN)
	_, err = client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(trapARN[:len(trapARN)-7])})
	requireAPIError(t, err, "ResourceNotFoundException", 400)
}

func TestGetSecretValueErrors(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.sm(env.learner)
	_, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("empty")})
	requireNoError(t, err)
	created, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("full"), SecretString: aws.String("v")})
	requireNoError(t, err)

	tests := []struct {
		name string
		in   secretsmanager.GetSecretValueInput
		code string
		text string
	}{
		{"unknown secret", secretsmanager.GetSecretValueInput{SecretId: aws.String("nope")}, "ResourceNotFoundException", "Secrets Manager can't find the specified secret."},
		{"no value", secretsmanager.GetSecretValueInput{SecretId: aws.String("empty")}, "ResourceNotFoundException", "for staging label: AWSCURRENT"},
		{"unused label", secretsmanager.GetSecretValueInput{SecretId: aws.String("full"), VersionStage: aws.String("AWSPREVIOUS")}, "ResourceNotFoundException", "for staging label: AWSPREVIOUS"},
		{"unknown version", secretsmanager.GetSecretValueInput{SecretId: aws.String("full"), VersionId: aws.String(newToken())}, "ResourceNotFoundException", "for VersionId:"},
		{"stage not on version", secretsmanager.GetSecretValueInput{SecretId: aws.String("full"), VersionId: created.VersionId, VersionStage: aws.String("AWSPENDING")}, "InvalidRequestException", "not associated"},
		{"invalid name", secretsmanager.GetSecretValueInput{SecretId: aws.String("bad name")}, "ValidationException", "Invalid name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client.GetSecretValue(ctx, &tt.in)
			requireAPIError(t, err, tt.code, 400)
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not contain %q", err, tt.text)
			}
		})
	}

	empty, err := client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("empty")})
	requireNoError(t, err)
	if empty.VersionIdsToStages != nil {
		t.Errorf("secret without a value has VersionIdsToStages %v", empty.VersionIdsToStages)
	}
	put, err := client.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("empty"), SecretString: aws.String("now"), VersionStages: []string{"custom"}})
	requireNoError(t, err)
	if strings.Join(put.VersionStages, ",") != "custom,AWSCURRENT" {
		t.Errorf("first version stages = %v, want custom and AWSCURRENT", put.VersionStages)
	}
}

func TestUpdateSecret(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.sm(env.learner)
	_, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("upd"), SecretString: aws.String("v1")})
	requireNoError(t, err)
	before, err := client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("upd")})
	requireNoError(t, err)

	env.clock.advance(2 * time.Second)
	meta, err := client.UpdateSecret(ctx, &secretsmanager.UpdateSecretInput{SecretId: aws.String("upd"), Description: aws.String("new text")})
	requireNoError(t, err)
	if meta.VersionId != nil {
		t.Errorf("metadata-only UpdateSecret returned VersionId %s", aws.ToString(meta.VersionId))
	}
	withValue, err := client.UpdateSecret(ctx, &secretsmanager.UpdateSecretInput{SecretId: aws.String("upd"), SecretString: aws.String("v2")})
	requireNoError(t, err)
	if withValue.VersionId == nil {
		t.Fatalf("UpdateSecret with a value returned no VersionId")
	}
	after, err := client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("upd")})
	requireNoError(t, err)
	if aws.ToString(after.Description) != "new text" || !after.CreatedDate.Equal(*before.CreatedDate) || !after.LastChangedDate.After(*before.LastChangedDate) {
		t.Errorf("after UpdateSecret: %+v", after)
	}
	if strings.Join(after.VersionIdsToStages[aws.ToString(withValue.VersionId)], ",") != "AWSCURRENT" || len(after.VersionIdsToStages) != 2 {
		t.Errorf("versions = %v, want the new one AWSCURRENT and the old AWSPREVIOUS", after.VersionIdsToStages)
	}
}

func TestDeleteAndRestore(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.sm(env.learner)
	_, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("del"), SecretString: aws.String("v")})
	requireNoError(t, err)

	for _, days := range []int64{6, 31} {
		_, err = client.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("del"), RecoveryWindowInDays: aws.Int64(days)})
		requireAPIError(t, err, "InvalidParameterException", 400)
	}
	_, err = client.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("del"), RecoveryWindowInDays: aws.Int64(7), ForceDeleteWithoutRecovery: aws.Bool(true)})
	requireAPIError(t, err, "InvalidParameterException", 400)

	start := env.clock.now()
	deleted, err := client.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("del"), RecoveryWindowInDays: aws.Int64(7)})
	requireNoError(t, err)
	if d := deleted.DeletionDate.Sub(start); d < 7*24*time.Hour-time.Minute || d > 7*24*time.Hour+time.Minute {
		t.Errorf("DeletionDate is %s after now, want 7 days", d)
	}

	_, err = client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("del")})
	requireAPIError(t, err, "InvalidRequestException", 400)
	_, err = client.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("del"), SecretString: aws.String("w")})
	requireAPIError(t, err, "InvalidRequestException", 400)
	_, err = client.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("del")})
	requireAPIError(t, err, "InvalidRequestException", 400)
	_, err = client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("del"), SecretString: aws.String("v")})
	requireAPIError(t, err, "InvalidRequestException", 400)

	desc, err := client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("del")})
	requireNoError(t, err)
	if desc.DeletedDate == nil {
		t.Errorf("DescribeSecret of a scheduled secret has no DeletedDate")
	}
	listed, err := client.ListSecrets(ctx, &secretsmanager.ListSecretsInput{})
	requireNoError(t, err)
	withDeleted, err := client.ListSecrets(ctx, &secretsmanager.ListSecretsInput{IncludePlannedDeletion: aws.Bool(true)})
	requireNoError(t, err)
	if len(listed.SecretList) != 0 || len(withDeleted.SecretList) != 1 {
		t.Errorf("ListSecrets = %d, with planned deletion %d; want 0 and 1", len(listed.SecretList), len(withDeleted.SecretList))
	}

	_, err = client.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: aws.String("del")})
	requireNoError(t, err)
	_, err = client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("del")})
	requireNoError(t, err)

	_, err = client.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("del")})
	requireNoError(t, err)
	_, err = client.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("del"), ForceDeleteWithoutRecovery: aws.Bool(true)})
	requireNoError(t, err)
	_, err = client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("del")})
	requireAPIError(t, err, "ResourceNotFoundException", 400)
	_, err = client.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("never-existed"), ForceDeleteWithoutRecovery: aws.Bool(true)})
	requireNoError(t, err)
	_, err = client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("del"), SecretString: aws.String("again")})
	requireNoError(t, err)
}

func TestRecoveryWindowEnds(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	_, err := env.sm(env.learner).CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("gone"), SecretString: aws.String("v")})
	requireNoError(t, err)
	_, err = env.sm(env.learner).DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("gone"), RecoveryWindowInDays: aws.Int64(7)})
	requireNoError(t, err)

	// The SDK signs with the real time, so a raw request signed with the
	// server's clock, eight days ahead, triggers the purge.
	env.clock.advance(8 * 24 * time.Hour)
	status, _, _ := env.do(t, rawRequest{service: "secretsmanager", target: "secretsmanager.ListSecrets", body: []byte("{}"), key: &env.learner, at: env.clock.now()})
	if status != 200 {
		t.Fatalf("ListSecrets status = %d", status)
	}
	st, err := LoadState(env.statePath)
	requireNoError(t, err)
	if _, ok := st.Secret("gone"); ok {
		t.Errorf("secret still exists after its recovery window")
	}
}
