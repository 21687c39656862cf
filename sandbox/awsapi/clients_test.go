package awsapi

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// clientEnv returns the environment of a boto3 or aws CLI child process
// that calls the test endpoint with key.
func (e *testEnv) clientEnv(t *testing.T, key SeedKey) []string {
	t.Helper()
	return clientProcessEnv(t, e.url, testRegion, key)
}

func requireTool(t *testing.T, name string, args ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs external AWS clients")
	}
	if err := exec.Command(name, args...).Run(); err != nil {
		t.Skipf("%s is not usable here: %v", name, err)
	}
}

func TestBoto3Smoke(t *testing.T) {
	requireTool(t, "python3", "-c", "import boto3")
	t.Parallel()
	env := newTestEnv(t)
	fake := newKey(t)
	cmd := exec.Command("python3", filepath.Join("testdata", "boto3_smoke.py"), fake.ID, fake.Secret)
	cmd.Env = env.clientEnv(t, env.learner)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("boto3 script: %v\n%s", err, stderr.String())
	}
	var got struct {
		ARN             string
		ValueMatches    bool   `json:"value_matches"`
		CreatedDateType string `json:"created_date_type"`
		Binary          []int
		Stages          []string
		Listed          []string
		Batch           []any
		Missing         []any
		PasswordLength  int `json:"password_length"`
		Caller          string
		Buckets         []string
		NoBuckets       []any `json:"no_buckets"`
		NoKeys          []any `json:"no_keys"`
		NewKey          []any `json:"new_key"`
		FakeS3          []any `json:"fake_s3"`
		FakeSTS         []any `json:"fake_sts"`
		FakeSM          []any `json:"fake_sm"`
	}
	requireNoError(t, json.Unmarshal(stdout, &got))

	check := func(name string, ok bool) {
		t.Helper()
		if !ok {
			t.Errorf("%s: got %s", name, stdout)
		}
	}
	check("ARN", strings.HasPrefix(got.ARN, "arn:aws:secretsmanager:"+testRegion+":"+testAccount+":secret:py/secret-"))
	check("value", got.ValueMatches)
	check("CreatedDate parsed as datetime", got.CreatedDateType == "datetime")
	check("binary bytes", len(got.Binary) == 5 && got.Binary[0] == 0 && got.Binary[1] == 1)
	check("stages", strings.Join(got.Stages, ",") == "AWSCURRENT,AWSPREVIOUS")
	check("paginated list", strings.Join(got.Listed, ",") == "py/secret")
	check("batch", len(got.Batch) == 2 && got.Batch[0] == float64(1))
	check("missing secret", len(got.Missing) == 2 && got.Missing[0] == "ResourceNotFoundException" && got.Missing[1] == float64(400))
	check("random password", got.PasswordLength == 20)
	check("caller", got.Caller == "arn:aws:iam::"+testAccount+":user/"+learnerName)
	check("buckets", len(got.Buckets) == 3)
	check("empty bucket list", got.NoBuckets != nil && len(got.NoBuckets) == 0)
	check("empty key list", got.NoKeys != nil && len(got.NoKeys) == 0)
	check("new key", len(got.NewKey) == 3 && got.NewKey[0] == "AK"+"IA" && got.NewKey[1] == float64(40) && got.NewKey[2] == "Active")
	check("fake key on S3", len(got.FakeS3) == 2 && got.FakeS3[0] == "InvalidAccessKeyId" && got.FakeS3[1] == float64(403))
	check("fake key on STS", len(got.FakeSTS) == 2 && got.FakeSTS[0] == "InvalidClientTokenId" && got.FakeSTS[1] == float64(403))
	check("fake key on Secrets Manager", len(got.FakeSM) == 2 && got.FakeSM[0] == "UnrecognizedClientException" && got.FakeSM[1] == float64(400))
}

func TestAWSCLISmoke(t *testing.T) {
	requireTool(t, "aws", "--version")
	t.Parallel()
	env := newTestEnv(t)
	run := func(t *testing.T, args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command("aws", append(args, "--output", "json")...)
		cmd.Env = env.clientEnv(t, env.learner)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.Output()
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		var out map[string]any
		requireNoError(t, json.Unmarshal(stdout, &out))
		return out
	}

	t.Run("secretsmanager", func(t *testing.T) {
		t.Parallel()
		created := run(t, "secretsmanager", "create-secret", "--name", "cli/secret", "--secret-string", "from-cli")
		got := run(t, "secretsmanager", "get-secret-value", "--secret-id", "cli/secret")
		if got["SecretString"] != "from-cli" || got["ARN"] != created["ARN"] {
			t.Errorf("get-secret-value = %v", got)
		}
	})
	t.Run("iam", func(t *testing.T) {
		t.Parallel()
		out := run(t, "iam", "create-access-key", "--user-name", appName)
		key, _ := out["AccessKey"].(map[string]any)
		if key["UserName"] != appName || key["Status"] != "Active" || len(key["SecretAccessKey"].(string)) != 40 {
			t.Errorf("create-access-key returned a key of user %v with status %v", key["UserName"], key["Status"])
		}
	})
	t.Run("s3api", func(t *testing.T) {
		t.Parallel()
		out := run(t, "s3api", "list-buckets")
		if buckets, _ := out["Buckets"].([]any); len(buckets) != 3 {
			t.Errorf("list-buckets = %v", out)
		}
	})
	t.Run("sts", func(t *testing.T) {
		t.Parallel()
		out := run(t, "sts", "get-caller-identity")
		if out["Arn"] != "arn:aws:iam::"+testAccount+":user/"+learnerName || out["Account"] != testAccount {
			t.Errorf("get-caller-identity = %v", out)
		}
	})
}
