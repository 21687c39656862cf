package awsapi

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

func TestStateSurvivesRestart(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	_, err := env.sm(env.learner).CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("kept"), SecretString: aws.String("v1")})
	requireNoError(t, err)
	created, err := env.iam(env.learner).CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(appName)})
	requireNoError(t, err)

	env.start(t)
	got, err := env.sm(env.learner).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("kept")})
	requireNoError(t, err)
	if aws.ToString(got.SecretString) != "v1" {
		t.Errorf("value after restart = %q, want v1", aws.ToString(got.SecretString))
	}
	newKey := SeedKey{ID: aws.ToString(created.AccessKey.AccessKeyId), Secret: aws.ToString(created.AccessKey.SecretAccessKey)}
	_, err = env.sm(newKey).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("kept")})
	requireNoError(t, err)
}

func TestConcurrentPutSecretValue(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.sm(env.learner)
	_, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("busy"), SecretString: aws.String("v0")})
	requireNoError(t, err)

	const writers = 16
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			_, err := client.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("busy"), SecretString: aws.String(strings.Repeat("v", i+1))})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		requireNoError(t, err)
	}

	st, err := LoadState(env.statePath)
	requireNoError(t, err)
	sec, _ := st.Secret("busy")
	counts := map[string]int{}
	for _, v := range sec.Versions {
		for _, stage := range v.Stages {
			counts[stage]++
		}
	}
	if len(sec.Versions) != writers+1 || counts["AWSCURRENT"] != 1 || counts["AWSPREVIOUS"] != 1 {
		t.Errorf("versions = %d, stage counts = %v; want %d versions, one AWSCURRENT and one AWSPREVIOUS", len(sec.Versions), counts, writers+1)
	}
}

func TestRequestLogHasNoSecrets(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	value := "log-check-" + newKey(t).Secret
	_, err := env.sm(env.learner).CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("logged"), SecretString: aws.String(value)})
	requireNoError(t, err)
	_, err = env.sm(env.app).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("logged")})
	requireNoError(t, err)
	created, err := env.iam(env.learner).CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	requireNoError(t, err)
	_, err = env.sm(env.app).PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("logged"), SecretString: aws.String(value)})
	requireAPIError(t, err, "AccessDeniedException", 400)

	raw, err := os.ReadFile(env.logPath)
	requireNoError(t, err)
	for _, secret := range []string{value, env.learner.Secret, env.app.Secret, aws.ToString(created.AccessKey.SecretAccessKey)} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("request log contains a secret value or secret access key")
		}
	}
	entries, err := ReadRequestLog(env.logPath)
	requireNoError(t, err)
	if len(entries) != 4 {
		t.Fatalf("log entries = %d, want 4", len(entries))
	}
	get, denied := entries[1], entries[3]
	if get.Service != "secretsmanager" || get.Operation != "GetSecretValue" || get.AccessKeyID != env.app.ID || get.User != appName || get.Status != 200 || get.RequestID == "" {
		t.Errorf("GetSecretValue entry = %+v", get)
	}
	if denied.Status != 400 || denied.ErrorCode != "AccessDeniedException" {
		t.Errorf("denied entry = %+v, want 400 AccessDeniedException", denied)
	}
}

func TestSwappedKeyPairNotLogged(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	swapped := SeedKey{ID: strings.ReplaceAll(env.learner.Secret, "/", "x"), Secret: env.learner.ID}
	errs := callEach(env, swapped)
	requireAPIError(t, errs["s3"], "InvalidAccessKeyId", 403)
	if strings.Contains(errs["s3"].Error(), swapped.ID) {
		t.Errorf("S3 error body repeats the secret given as key id")
	}
	raw, err := os.ReadFile(env.logPath)
	requireNoError(t, err)
	if strings.Contains(string(raw), swapped.ID) {
		t.Errorf("request log contains the secret given as key id")
	}
}

func TestSeedRejectsBadOptions(t *testing.T) {
	t.Parallel()
	key := newKey(t)
	valid := func() SeedOptions {
		return SeedOptions{SandboxID: "s", AccountID: testAccount, Region: testRegion, Users: []SeedUser{{Name: "u", Keys: []SeedKey{key}}}, Buckets: []string{"bucket-a"}}
	}
	tests := []struct {
		name   string
		change func(*SeedOptions)
	}{
		{"missing sandbox id", func(o *SeedOptions) { o.SandboxID = "" }},
		{"short account id", func(o *SeedOptions) { o.AccountID = "123" }},
		{"bad region", func(o *SeedOptions) { o.Region = "moon" }},
		{"bad user name", func(o *SeedOptions) { o.Users[0].Name = "a b" }},
		{"duplicate user", func(o *SeedOptions) { o.Users = append(o.Users, SeedUser{Name: "u"}) }},
		{"three keys", func(o *SeedOptions) { o.Users[0].Keys = []SeedKey{newKey(t), newKey(t), newKey(t)} }},
		{"duplicate key", func(o *SeedOptions) { o.Users = append(o.Users, SeedUser{Name: "v", Keys: []SeedKey{key}}) }},
		{"bad bucket", func(o *SeedOptions) { o.Buckets = []string{"Bad_Bucket"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := valid()
			tt.change(&opts)
			if err := Seed(filepath.Join(t.TempDir(), "state.json"), opts, time.Now()); err == nil {
				t.Errorf("Seed accepted %s", tt.name)
			}
		})
	}
	if err := Seed(filepath.Join(t.TempDir(), "state.json"), valid(), time.Now()); err != nil {
		t.Errorf("Seed rejected valid options: %v", err)
	}
}

func TestLoadState(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	st, err := LoadState(env.statePath)
	requireNoError(t, err)
	if st.SandboxID() != "sbx-test" || st.AccountID() != testAccount || st.Region() != testRegion {
		t.Errorf("state ids = %s %s %s", st.SandboxID(), st.AccountID(), st.Region())
	}
	if got := st.IssuedKeys(); len(got) != 2 || got[0].ID != env.learner.ID || got[0].User != learnerName || got[0].Deleted != nil {
		t.Errorf("IssuedKeys = %+v, want the two seeded keys", got)
	}
	if got := st.AccessKeys(""); len(got) != 2 || got[1].Status != "Active" || got[1].Secret != env.app.Secret {
		t.Errorf("AccessKeys = %+v, want both seeded keys, active", got)
	}
	users := st.Users()
	if len(users) != 2 || users[0].Actions[0] != "*" || strings.Join(users[1].Actions, ",") != strings.Join(AppUserActions, ",") {
		t.Errorf("Users = %+v", users)
	}
	if len(st.Buckets()) != 3 {
		t.Errorf("Buckets = %v", st.Buckets())
	}

	_, err = LoadState(filepath.Join(t.TempDir(), "missing.json"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadState of a missing file = %v, want ErrNotExist", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	requireNoError(t, os.WriteFile(bad, []byte(`{"format":99}`), 0o600))
	if _, err := LoadState(bad); !errors.Is(err, ErrStateFormat) {
		t.Errorf("LoadState of another format = %v, want ErrStateFormat", err)
	}
}

func TestSaveFailureRollsBack(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	env.server.mu.Lock()
	env.server.writeState = func(string, *stateData) error { return errors.New("disk full") }
	env.server.mu.Unlock()

	_, err := env.sm(env.learner).CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("lost"), SecretString: aws.String("v")})
	requireAPIError(t, err, "InternalServiceError", 500)
	_, err = env.iam(env.learner).CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	requireAPIError(t, err, "ServiceFailure", 500)

	env.server.mu.Lock()
	env.server.writeState = writeStateData
	env.server.mu.Unlock()
	_, err = env.sm(env.learner).DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("lost")})
	requireAPIError(t, err, "ResourceNotFoundException", 400)
	keys, err := env.iam(env.learner).ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	requireNoError(t, err)
	if len(keys.AccessKeyMetadata) != 1 {
		t.Errorf("keys after a failed save = %d, want 1", len(keys.AccessKeyMetadata))
	}
}
