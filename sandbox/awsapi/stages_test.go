package awsapi

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

// stagesOf returns the labels of each version, keyed by version id.
func stagesOf(t *testing.T, client *secretsmanager.Client, id string) map[string]string {
	t.Helper()
	out, err := client.ListSecretVersionIds(context.Background(), &secretsmanager.ListSecretVersionIdsInput{SecretId: aws.String(id), IncludeDeprecated: aws.Bool(true)})
	requireNoError(t, err)
	m := map[string]string{}
	for _, v := range out.Versions {
		stages := slices.Clone(v.VersionStages)
		slices.Sort(stages)
		m[aws.ToString(v.VersionId)] = strings.Join(stages, ",")
	}
	return m
}

func put(t *testing.T, client *secretsmanager.Client, id, value string, stages ...string) string {
	t.Helper()
	out, err := client.PutSecretValue(context.Background(), &secretsmanager.PutSecretValueInput{
		SecretId: aws.String(id), SecretString: aws.String(value), ClientRequestToken: aws.String(newToken()), VersionStages: stages,
	})
	requireNoError(t, err)
	return aws.ToString(out.VersionId)
}

func TestManualRotationStages(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.sm(env.learner)
	created, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("rot"), SecretString: aws.String("v1")})
	requireNoError(t, err)
	v1 := aws.ToString(created.VersionId)

	v2 := put(t, client, "rot", "v2", "AWSPENDING")
	if got := stagesOf(t, client, "rot"); got[v1] != "AWSCURRENT" || got[v2] != "AWSPENDING" {
		t.Fatalf("after pending put: %v", got)
	}
	pending, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("rot"), VersionStage: aws.String("AWSPENDING")})
	requireNoError(t, err)
	if aws.ToString(pending.SecretString) != "v2" {
		t.Errorf("AWSPENDING value = %q", aws.ToString(pending.SecretString))
	}

	_, err = client.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{SecretId: aws.String("rot"), VersionStage: aws.String("AWSCURRENT"), MoveToVersionId: aws.String(v2)})
	requireAPIError(t, err, "InvalidParameterException", 400)
	if !strings.Contains(err.Error(), "The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version "+v1) {
		t.Errorf("message %q does not name the current version", err)
	}
	_, err = client.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
		SecretId: aws.String("rot"), VersionStage: aws.String("AWSCURRENT"), MoveToVersionId: aws.String(v2), RemoveFromVersionId: aws.String(v2),
	})
	requireAPIError(t, err, "InvalidParameterException", 400)

	_, err = client.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
		SecretId: aws.String("rot"), VersionStage: aws.String("AWSCURRENT"), MoveToVersionId: aws.String(v2), RemoveFromVersionId: aws.String(v1),
	})
	requireNoError(t, err)
	if got := stagesOf(t, client, "rot"); got[v1] != "AWSPREVIOUS" || got[v2] != "AWSCURRENT,AWSPENDING" {
		t.Fatalf("after moving AWSCURRENT: %v", got)
	}

	v3 := put(t, client, "rot", "v3")
	if got := stagesOf(t, client, "rot"); got[v1] != "" || got[v2] != "AWSPREVIOUS" || got[v3] != "AWSCURRENT" {
		t.Errorf("after the next put: %v, want v1 deprecated and AWSPENDING gone", got)
	}
	listed, err := client.ListSecretVersionIds(ctx, &secretsmanager.ListSecretVersionIdsInput{SecretId: aws.String("rot")})
	requireNoError(t, err)
	if len(listed.Versions) != 2 || aws.ToString(listed.Versions[0].VersionId) != v3 || listed.Versions[0].KmsKeyIds[0] != "DefaultEncryptionKey" {
		t.Errorf("ListSecretVersionIds = %+v, want v3 then v2 without the deprecated v1", listed.Versions)
	}
	desc, err := client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("rot")})
	requireNoError(t, err)
	if _, ok := desc.VersionIdsToStages[v1]; ok || len(desc.VersionIdsToStages) != 2 {
		t.Errorf("VersionIdsToStages = %v, want no deprecated version", desc.VersionIdsToStages)
	}
	old, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("rot"), VersionId: aws.String(v1)})
	requireNoError(t, err)
	if aws.ToString(old.SecretString) != "v1" || len(old.VersionStages) != 0 {
		t.Errorf("deprecated version = %+v", old)
	}
}

func TestCustomLabels(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.sm(env.learner)
	_, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("labels"), SecretString: aws.String("v1")})
	requireNoError(t, err)

	a := put(t, client, "labels", "a", "one", "two")
	b := put(t, client, "labels", "b", "four", "one", "two")
	got := stagesOf(t, client, "labels")
	if got[a] != "" || got[b] != "four,one,two" {
		t.Errorf("custom labels = %v, want them moved to the newest version", got)
	}
	current, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("labels")})
	requireNoError(t, err)
	if aws.ToString(current.SecretString) != "v1" {
		t.Errorf("AWSCURRENT moved to %q, want it to stay on v1", aws.ToString(current.SecretString))
	}

	_, err = client.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{SecretId: aws.String("labels"), VersionStage: aws.String("four"), RemoveFromVersionId: aws.String(b)})
	requireNoError(t, err)
	_, err = client.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{SecretId: aws.String("labels"), VersionStage: aws.String("AWSCURRENT"), RemoveFromVersionId: current.VersionId})
	requireAPIError(t, err, "InvalidParameterException", 400)
	_, err = client.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{SecretId: aws.String("labels"), VersionStage: aws.String("x"), MoveToVersionId: aws.String(newToken())})
	requireAPIError(t, err, "ResourceNotFoundException", 400)
	if got := stagesOf(t, client, "labels"); got[b] != "one,two" {
		t.Errorf("after removing four: %v", got)
	}

	tooMany := make([]string, 21)
	for i := range tooMany {
		tooMany[i] = "l" + strings.Repeat("x", i)
	}
	_, err = client.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("labels"), SecretString: aws.String("c"), VersionStages: tooMany})
	requireAPIError(t, err, "ValidationException", 400)
}

func TestMoveCurrentWhenNoneExists(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.sm(env.learner)
	_, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("firstless")})
	requireNoError(t, err)
	v := put(t, client, "firstless", "v", "AWSPENDING")
	_, err = client.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{SecretId: aws.String("firstless"), VersionStage: aws.String("AWSCURRENT"), MoveToVersionId: aws.String(v)})
	requireNoError(t, err)
	if got := stagesOf(t, client, "firstless"); got[v] != "AWSCURRENT,AWSPENDING" {
		t.Errorf("stages = %v", got)
	}
}

func TestRotateSecretWithoutLambda(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.sm(env.learner)
	_, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("rotate"), SecretString: aws.String("v1")})
	requireNoError(t, err)

	_, err = client.RotateSecret(ctx, &secretsmanager.RotateSecretInput{SecretId: aws.String("rotate")})
	requireAPIError(t, err, "InvalidRequestException", 400)
	if !strings.Contains(err.Error(), "No Lambda rotation function ARN is associated with this secret.") {
		t.Errorf("message %q", err)
	}
	lambda := "arn:aws:lambda:" + testRegion + ":" + testAccount + ":function:rotator"
	_, err = client.RotateSecret(ctx, &secretsmanager.RotateSecretInput{SecretId: aws.String("rotate"), RotationLambdaARN: aws.String(lambda)})
	requireAPIError(t, err, "AccessDeniedException", 400)
	if !strings.Contains(err.Error(), "Secrets Manager cannot invoke the specified Lambda function.") {
		t.Errorf("message %q", err)
	}

	put(t, client, "rotate", "v2", "AWSPENDING")
	_, err = client.RotateSecret(ctx, &secretsmanager.RotateSecretInput{SecretId: aws.String("rotate"), RotationLambdaARN: aws.String(lambda)})
	requireAPIError(t, err, "InvalidRequestException", 400)
	if !strings.Contains(err.Error(), "A previous rotation isn't complete.") {
		t.Errorf("message %q", err)
	}

	_, err = client.RotateSecret(ctx, &secretsmanager.RotateSecretInput{SecretId: aws.String("rotate"), RotationRules: &smtypes.RotationRulesType{AutomaticallyAfterDays: aws.Int64(0)}})
	requireAPIError(t, err, "ValidationException", 400)

	canceled, err := client.CancelRotateSecret(ctx, &secretsmanager.CancelRotateSecretInput{SecretId: aws.String("rotate")})
	requireNoError(t, err)
	if canceled.VersionId == nil {
		t.Errorf("CancelRotateSecret did not name the version with AWSPENDING")
	}
	desc, err := client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("rotate")})
	requireNoError(t, err)
	if desc.RotationEnabled != nil || desc.RotationLambdaARN != nil {
		t.Errorf("failed rotations changed the rotation settings: %+v", desc)
	}
}
