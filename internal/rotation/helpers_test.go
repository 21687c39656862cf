package rotation

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/secretslab/workshop/internal/keys"
	"github.com/secretslab/workshop/sandbox/awsapi"
)

const (
	testRegion  = "eu-west-1"
	testAccount = "345678901234"
	adminUser   = "admin"
	appUser     = "app"
	secretName  = "sample-app/test/aws-credentials"
)

// fault makes the endpoint reject calls of one Secrets Manager operation,
// as a failure in the middle of a rotation would: it lets skip calls pass,
// then rejects the next fail calls.
type fault struct {
	target string
	skip   atomic.Int32
	fail   atomic.Int32
}

// rejects reports whether the fault rejects a request for target.
func (f *fault) rejects(target string) bool {
	if f.target == "" || target != "secretsmanager."+f.target {
		return false
	}
	if f.skip.Add(-1) >= 0 {
		return false
	}
	return f.fail.Add(-1) >= 0
}

// testEnv is a seeded local endpoint on a loopback httptest server, with a
// secret holding the app user's first key.
type testEnv struct {
	url   string
	admin awsapi.SeedKey
	app   awsapi.SeedKey
	fault fault
}

func newKey(t *testing.T) awsapi.SeedKey {
	t.Helper()
	pair, err := keys.NewPair(nil)
	if err != nil {
		t.Fatal(err)
	}
	return awsapi.SeedKey{ID: pair.ID, Secret: pair.Secret}
}

// newTestEnv seeds an admin user, an app user with appKeys extra keys
// besides the one the secret holds, and the secret.
func newTestEnv(t *testing.T, appKeys int) (*testEnv, []awsapi.SeedKey) {
	t.Helper()
	dir := t.TempDir()
	env := &testEnv{admin: newKey(t), app: newKey(t)}
	extra := make([]awsapi.SeedKey, appKeys)
	for i := range extra {
		extra[i] = newKey(t)
	}
	seed := awsapi.SeedOptions{
		SandboxID: "rotation-test", AccountID: testAccount, Region: testRegion,
		Users: []awsapi.SeedUser{
			{Name: adminUser, Admin: true, Keys: []awsapi.SeedKey{env.admin}},
			{Name: appUser, Keys: append([]awsapi.SeedKey{env.app}, extra...)},
		},
	}
	state := filepath.Join(dir, "state.json")
	if err := awsapi.Seed(state, seed, time.Now()); err != nil {
		t.Fatal(err)
	}
	srv, err := awsapi.NewServer(awsapi.Options{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(env.withFault(srv))
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	env.url = hs.URL
	env.createSecret(t, pairJSON(env.app))
	return env, extra
}

func (e *testEnv) withFault(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e.fault.rejects(r.Header.Get("X-Amz-Target")) {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"InvalidRequestException","Message":"injected failure"}`) //nolint:errcheck // the test reads the client's error
			return
		}
		next.ServeHTTP(w, r)
	})
}

// failAfter makes the Secrets Manager operation fail n times after skip
// calls have passed.
func (e *testEnv) failAfter(op string, skip, n int32) {
	e.fault.target = op
	e.fault.skip.Store(skip)
	e.fault.fail.Store(n)
}

func (e *testEnv) config(k awsapi.SeedKey) aws.Config {
	return aws.Config{
		Region:           testRegion,
		Credentials:      credentials.NewStaticCredentialsProvider(k.ID, k.Secret, ""),
		BaseEndpoint:     aws.String(e.url),
		RetryMaxAttempts: 1,
	}
}

func (e *testEnv) sm() *secretsmanager.Client { return secretsmanager.NewFromConfig(e.config(e.admin)) }

func (e *testEnv) iam() *iam.Client { return iam.NewFromConfig(e.config(e.admin)) }

func pairJSON(k awsapi.SeedKey) string {
	data, _ := json.Marshal(map[string]string{MemberAccessKeyID: k.ID, MemberSecretAccessKey: k.Secret}) //nolint:errcheck // a map of strings always encodes
	return string(data)
}

func (e *testEnv) createSecret(t *testing.T, value string) {
	t.Helper()
	_, err := e.sm().CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{Name: aws.String(secretName), SecretString: aws.String(value)})
	if err != nil {
		t.Fatal(err)
	}
}

// rotate runs Rotate as the admin for the app user and returns its output.
func (e *testEnv) rotate(t *testing.T, opts Options) (*Result, string, error) {
	t.Helper()
	var out bytes.Buffer
	opts.Out = &out
	if opts.SecretID == "" {
		opts.SecretID = secretName
	}
	if opts.TestTimeout == 0 {
		opts.TestTimeout = 2 * time.Second
	}
	res, err := Rotate(context.Background(), e.config(e.admin), opts)
	return res, out.String(), err
}

// stageValue returns the pair the secret holds at stage, or an empty pair
// when no version carries it.
func (e *testEnv) stageValue(t *testing.T, stage string) keyValue {
	t.Helper()
	out, err := e.sm().GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretName), VersionStage: aws.String(stage)})
	if errorCode(err) == "ResourceNotFoundException" {
		return keyValue{}
	}
	if err != nil {
		t.Fatal(err)
	}
	v, err := parseKeyValue(aws.ToString(out.SecretString))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// stages returns the secret's staging labels by version id.
func (e *testEnv) stages(t *testing.T) map[string][]string {
	t.Helper()
	out, err := e.sm().DescribeSecret(context.Background(), &secretsmanager.DescribeSecretInput{SecretId: aws.String(secretName)})
	if err != nil {
		t.Fatal(err)
	}
	return out.VersionIdsToStages
}

// appKeys returns the app user's keys by id.
func (e *testEnv) appKeys(t *testing.T) map[string]iamtypes.StatusType {
	t.Helper()
	out, err := e.iam().ListAccessKeys(context.Background(), &iam.ListAccessKeysInput{UserName: aws.String(appUser)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]iamtypes.StatusType{}
	for _, k := range out.AccessKeyMetadata {
		got[aws.ToString(k.AccessKeyId)] = k.Status
	}
	return got
}

// putCurrent stores value as the secret's new AWSCURRENT version.
func (e *testEnv) putCurrent(t *testing.T, value string) {
	t.Helper()
	_, err := e.sm().PutSecretValue(context.Background(), &secretsmanager.PutSecretValueInput{SecretId: aws.String(secretName), SecretString: aws.String(value)})
	if err != nil {
		t.Fatal(err)
	}
}

func (e *testEnv) deleteKey(t *testing.T, id string) {
	t.Helper()
	_, err := e.iam().DeleteAccessKey(context.Background(), &iam.DeleteAccessKeyInput{UserName: aws.String(appUser), AccessKeyId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
}

func (e *testEnv) setStatus(t *testing.T, id string, status iamtypes.StatusType) {
	t.Helper()
	_, err := e.iam().UpdateAccessKey(context.Background(), &iam.UpdateAccessKeyInput{UserName: aws.String(appUser), AccessKeyId: aws.String(id), Status: status})
	if err != nil {
		t.Fatal(err)
	}
}

// boto3Script prints the access key id of the secret's current value, as
// the sample app's config.py reads it.
const boto3Script = `
import json, sys
import boto3
value = boto3.client("secretsmanager").get_secret_value(SecretId=sys.argv[1])
print(json.loads(value["SecretString"])["AWS_ACCESS_KEY_ID"])
`

// boto3CurrentKeyID reads the secret with boto3 in a python3 subprocess
// whose environment points at the test endpoint, never at the tester's
// ~/.aws.
func (e *testEnv) boto3CurrentKeyID(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not on PATH")
	}
	dir := t.TempDir()
	cmd := exec.Command("python3", "-c", boto3Script, secretName)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env,
		"AWS_ENDPOINT_URL="+e.url,
		"AWS_ACCESS_KEY_ID="+e.admin.ID,
		"AWS_SECRET_ACCESS_KEY="+e.admin.Secret,
		"AWS_DEFAULT_REGION="+testRegion,
		"AWS_CONFIG_FILE="+filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
	)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if strings.Contains(stderr.String(), "No module named 'boto3'") {
		t.Skip("boto3 is not installed for python3")
	}
	if err != nil {
		t.Fatalf("python3 get_secret_value: %v\n%s", err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}
