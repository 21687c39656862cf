package workshopcmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/internal/keys"
	"github.com/secretslab/workshop/sandbox"
	"github.com/secretslab/workshop/sandbox/awsapi"
)

func TestRotateFlags(t *testing.T) {
	t.Parallel()
	f, _ := testFactory(t)
	var got *RotateOptions
	cmd := NewCmdRotate(f, func(o *RotateOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"sample-app/ada/aws-credentials", "--user", "billing-app", "--delete-old", "--dir", "sb"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.SecretID != "sample-app/ada/aws-credentials" || got.User != "billing-app" || !got.DeleteOld || got.Dir != "sb" {
		t.Errorf("options = %+v", got)
	}
}

func TestRotateDefaults(t *testing.T) {
	t.Parallel()
	f, _ := testFactory(t)
	var got *RotateOptions
	cmd := NewCmdRotate(f, func(o *RotateOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"s"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.User != "" || got.DeleteOld || got.Dir != "" {
		t.Errorf("options = %+v, want no user, no deletion, no folder", got)
	}
}

func TestRotateNeedsOneSecret(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"rotate"}, {"rotate", "a", "b"}} {
		f, _ := testFactory(t)
		if code := Execute(context.Background(), f, args); code != cmdutil.ExitFailure {
			t.Errorf("%v: exit code = %d, want %d", args, code, cmdutil.ExitFailure)
		}
	}
}

func TestStartRejectsProfileInLocalMode(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--profile", "lab"}, {"--region", "eu-west-1"}} {
		opts := &StartOptions{F: &cmdutil.Factory{}, AWS: sandbox.AWSLocal}
		switch args[0] {
		case "--profile":
			opts.Profile = args[1]
		case "--region":
			opts.Region = args[1]
		}
		_, err := createOptions(opts)
		var flagErr *cmdutil.FlagError
		if !errors.As(err, &flagErr) {
			t.Errorf("%v in local mode: error = %v, want a usage error", args, err)
		}
	}
}

func TestStartRealProfileDefault(t *testing.T) {
	t.Parallel()
	f, _ := testFactory(t)
	f.Getenv = func(name string) string {
		if name == "AWS_PROFILE" {
			return "from-shell"
		}
		return ""
	}
	tests := []struct{ flag, want string }{{"", "from-shell"}, {"lab", "lab"}}
	for _, tt := range tests {
		create, err := createOptions(&StartOptions{F: f, AWS: sandbox.AWSReal, Profile: tt.flag})
		if err != nil {
			t.Fatal(err)
		}
		if create.AWSProfile != tt.want || create.AWSPort != 0 {
			t.Errorf("--profile %q: profile %q, port %d; want %q and no port", tt.flag, create.AWSProfile, create.AWSPort, tt.want)
		}
	}
}

// realAccount is a local endpoint standing in for the learner's AWS
// account, reached through a profile whose endpoint_url points at it.
type realAccount struct {
	url     string
	learner keys.Pair
	app     keys.Pair
}

// startRealAccount seeds the endpoint and points this test process (never
// the tester's ~/.aws) at shared config files with profile "lab". Tests
// that call it cannot run in parallel.
func startRealAccount(t *testing.T) *realAccount {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	dir := t.TempDir()
	acct := &realAccount{learner: newTestPair(t), app: newTestPair(t)}
	seed := awsapi.SeedOptions{
		SandboxID: "real-account", AccountID: "567890123456", Region: sandbox.DefaultRegion,
		Users: []awsapi.SeedUser{
			{Name: "ada", Admin: true, Keys: []awsapi.SeedKey{{ID: acct.learner.ID, Secret: acct.learner.Secret}}},
			{Name: sandbox.DefaultAppUser, Keys: []awsapi.SeedKey{{ID: acct.app.ID, Secret: acct.app.Secret}}},
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
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	acct.url = hs.URL

	config := fmt.Sprintf("[profile lab]\nregion = %s\nendpoint_url = %s\n", sandbox.DefaultRegion, acct.url)
	creds := fmt.Sprintf("[lab]\naws_access_key_id = %s\naws_secret_access_key = %s\n", acct.learner.ID, acct.learner.Secret)
	for name, content := range map[string]string{"config": config, "credentials": creds} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "AWS_") {
			t.Setenv(name, "")
		}
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return acct
}

func newTestPair(t *testing.T) keys.Pair {
	t.Helper()
	p, err := keys.NewPair(nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (a *realAccount) config() aws.Config {
	return aws.Config{
		Region:       sandbox.DefaultRegion,
		Credentials:  credentials.NewStaticCredentialsProvider(a.learner.ID, a.learner.Secret, ""),
		BaseEndpoint: aws.String(a.url),
	}
}

// run executes the workshop command and returns its exit code and output.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	f := cmdutil.NewFactory("workshop")
	ios, _, out, errOut := cmdutil.Test()
	f.IO = ios
	f.Getenv = func(string) string { return "" }
	code = Execute(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

func TestRotateRealModeThroughProfile(t *testing.T) {
	acct := startRealAccount(t)
	dir := filepath.Join(t.TempDir(), "sb")
	if code, _, stderr := run(t, "start", "--aws", "real", "--profile", "lab", "--dir", dir, "--learner", "ada"); code != 0 {
		t.Fatalf("start exited %d:\n%s", code, stderr)
	}
	sb, err := sandbox.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	secret := sb.Config.SuggestedSecretName
	value := fmt.Sprintf(`{"AWS_ACCESS_KEY_ID":%q,"AWS_SECRET_ACCESS_KEY":%q}`, acct.app.ID, acct.app.Secret)
	sm := secretsmanager.NewFromConfig(acct.config())
	if _, err := sm.CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{Name: aws.String(secret), SecretString: aws.String(value)}); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := run(t, "rotate", secret, "--dir", dir, "--delete-old")
	if code != 0 {
		t.Fatalf("rotate exited %d:\n%s%s", code, stdout, stderr)
	}
	for _, step := range []string{"createSecret: ", "setSecret: ", "testSecret: ", "finishSecret: "} {
		if !strings.Contains(stdout, step) {
			t.Errorf("stdout lacks the %s line:\n%s", step, stdout)
		}
	}
	if strings.Contains(stdout+stderr, acct.app.ID) || strings.Contains(stdout+stderr, acct.app.Secret) {
		t.Error("rotate printed the old key in full")
	}

	current, err := sm.GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(secret)})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(aws.ToString(current.SecretString), acct.app.ID) {
		t.Error("AWSCURRENT still holds the old key")
	}
	listed, err := iam.NewFromConfig(acct.config()).ListAccessKeys(context.Background(), &iam.ListAccessKeysInput{UserName: aws.String(sandbox.DefaultAppUser)})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(listed.AccessKeyMetadata); n != 1 || aws.ToString(listed.AccessKeyMetadata[0].AccessKeyId) == acct.app.ID {
		t.Errorf("app user has %d keys after --delete-old, want only the new one", n)
	}
}

func TestEnvRealModeExportsOnlyProfile(t *testing.T) {
	startRealAccount(t)
	dir := filepath.Join(t.TempDir(), "sb")
	if code, _, stderr := run(t, "start", "--aws", "real", "--profile", "lab", "--dir", dir); code != 0 {
		t.Fatalf("start exited %d:\n%s", code, stderr)
	}
	code, stdout, stderr := run(t, "env", "--dir", dir)
	if code != 0 {
		t.Fatalf("env exited %d:\n%s", code, stderr)
	}
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		name, _, _ := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		names = append(names, name)
	}
	want := "WORKSHOP_DIR AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("env exports %s, want %s:\n%s", got, want, stdout)
	}
	if !strings.Contains(stdout, "AWS_PROFILE='lab'") || bytes.Contains([]byte(stdout), []byte("unset")) {
		t.Errorf("env output:\n%s", stdout)
	}
}
