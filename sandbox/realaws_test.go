package sandbox

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/secretslab/workshop/internal/gitcmd"
	"github.com/secretslab/workshop/internal/keys"
	"github.com/secretslab/workshop/sandbox/awsapi"
)

const realTestAccount = "456789012345"

// realAWS is a local endpoint standing in for a real account, reached
// through a shared config profile whose endpoint_url points at it.
type realAWS struct {
	url     string
	learner keys.Pair
	app     keys.Pair
}

// startRealAWS seeds an endpoint with a learner and the app user, writes
// shared config and credentials files for profile, and points this test
// process (never the tester's ~/.aws) at them. Tests that call it cannot
// run in parallel.
func startRealAWS(t *testing.T, profile string) *realAWS {
	t.Helper()
	dir := t.TempDir()
	r := &realAWS{learner: newPair(t), app: newPair(t)}
	seed := awsapi.SeedOptions{
		SandboxID: "real-aws-test", AccountID: realTestAccount, Region: DefaultRegion,
		Users: []awsapi.SeedUser{
			{Name: "ada", Admin: true, Keys: []awsapi.SeedKey{{ID: r.learner.ID, Secret: r.learner.Secret}}},
			{Name: DefaultAppUser, Keys: []awsapi.SeedKey{{ID: r.app.ID, Secret: r.app.Secret}}},
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
	r.url = hs.URL

	section := "profile " + profile
	if profile == "default" {
		section = "default"
	}
	writeFile(t, filepath.Join(dir, "config"), fmt.Sprintf("[%s]\nregion = %s\nendpoint_url = %s\n", section, DefaultRegion, r.url))
	writeFile(t, filepath.Join(dir, "credentials"), fmt.Sprintf("[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n", profile, r.learner.ID, r.learner.Secret))
	isolateAWSEnv(t, dir)
	return r
}

// isolateAWSEnv points the SDK at the files in dir and clears every
// variable that could send a request elsewhere or sign with other keys.
func isolateAWSEnv(t *testing.T, dir string) {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "AWS_") {
			t.Setenv(name, "")
		}
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

func newPair(t *testing.T) keys.Pair {
	t.Helper()
	p, err := keys.NewPair(nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func createReal(t *testing.T, profile string) (*Sandbox, error) {
	t.Helper()
	requireGit(t)
	return Create(context.Background(), CreateOptions{
		Dir: filepath.Join(t.TempDir(), "sb"), Learner: "ada", AWSMode: AWSReal, AWSProfile: profile, Git: gitcmd.Runner{},
	})
}

func callerARN(t *testing.T, cfg aws.Config) string {
	t.Helper()
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	return aws.ToString(out.Arn)
}

func TestRealModeHonoursProfileEndpoint(t *testing.T) {
	startRealAWS(t, "lab")
	sb, err := createReal(t, "lab")
	if err != nil {
		t.Fatal(err)
	}
	if sb.Config.AccountID != realTestAccount || sb.Config.LearnerUser != "ada" || sb.Config.AWSProfile != "lab" {
		t.Errorf("config = account %s, learner user %s, profile %s; want the profile's identity", sb.Config.AccountID, sb.Config.LearnerUser, sb.Config.AWSProfile)
	}
	cfg, err := sb.AWSConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if arn := callerARN(t, cfg); arn != "arn:aws:iam::"+realTestAccount+":user/ada" {
		t.Errorf("AWSConfig signs as %s, want the profile's user", arn)
	}
}

func TestRealModeConfigForKeepsEndpoint(t *testing.T) {
	r := startRealAWS(t, "lab")
	sb, err := createReal(t, "lab")
	if err != nil {
		t.Fatal(err)
	}
	arn := callerARN(t, sb.AWSConfigFor(r.app.ID, r.app.Secret))
	if arn != "arn:aws:iam::"+realTestAccount+":user/"+DefaultAppUser {
		t.Errorf("AWSConfigFor signs as %s, want the app user through the profile's endpoint", arn)
	}
}

func TestRealModeProfileWinsOverEnvKeys(t *testing.T) {
	startRealAWS(t, "lab")
	other := newPair(t)
	t.Setenv("AWS_ACCESS_KEY_ID", other.ID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", other.Secret)
	sb, err := createReal(t, "lab")
	if err != nil {
		t.Fatalf("Create with keys in the environment: %v", err)
	}
	cfg, err := sb.AWSConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if arn := callerARN(t, cfg); !strings.HasSuffix(arn, ":user/ada") {
		t.Errorf("AWSConfig signs as %s, want the profile's user, not the environment's keys", arn)
	}
}

func TestRealModeDefaults(t *testing.T) {
	startRealAWS(t, "default")
	sb, err := createReal(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if sb.Config.AWSProfile != "default" || sb.Config.AWSRegion != DefaultRegion || sb.Config.AWSPort != 0 {
		t.Errorf("config = profile %q, region %q, port %d; want default, %s, 0", sb.Config.AWSProfile, sb.Config.AWSRegion, sb.Config.AWSPort, DefaultRegion)
	}
	want := "workshop/ada-" + sb.Config.ID + "/aws-credentials"
	if sb.Config.SuggestedSecretName != want {
		t.Errorf("suggested secret name = %q, want %q", sb.Config.SuggestedSecretName, want)
	}
	for _, path := range []string{sb.AWSConfigFile(), sb.AWSCredentialsFile(), sb.AWSStatePath()} {
		if _, err := os.Stat(path); err == nil {
			t.Errorf("real mode wrote %s", path)
		}
	}
	reopened, err := Open(sb.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if reopened.Config != sb.Config {
		t.Errorf("sandbox.json does not round-trip: %+v, want %+v", reopened.Config, sb.Config)
	}
}

func TestRealModeRejectsMissingProfile(t *testing.T) {
	startRealAWS(t, "lab")
	dir := filepath.Join(t.TempDir(), "sb")
	requireGit(t)
	_, err := Create(context.Background(), CreateOptions{Dir: dir, Learner: "ada", AWSMode: AWSReal, AWSProfile: "missing", Git: gitcmd.Runner{}})
	if err == nil || !strings.Contains(err.Error(), `"missing"`) || !strings.Contains(err.Error(), "aws configure --profile missing") {
		t.Fatalf("Create error = %v, want one naming the profile and how to set it up", err)
	}
	if _, statErr := os.Stat(dir); statErr == nil {
		t.Error("a failed Create left the sandbox folder behind")
	}
}

func TestRealModeRejectsBadKey(t *testing.T) {
	startRealAWS(t, "lab")
	wrong := newPair(t)
	writeFile(t, os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), fmt.Sprintf("[lab]\naws_access_key_id = %s\naws_secret_access_key = %s\n", wrong.ID, wrong.Secret))
	_, err := createReal(t, "lab")
	if err == nil || !strings.Contains(err.Error(), "InvalidClientTokenId") || !strings.Contains(err.Error(), "aws sts get-caller-identity --profile lab") {
		t.Fatalf("Create error = %v, want the rejected sign-in and how to check the profile", err)
	}
}

func TestLocalModeRejectsProfile(t *testing.T) {
	t.Parallel()
	requireGit(t)
	_, err := Create(context.Background(), CreateOptions{Dir: filepath.Join(t.TempDir(), "sb"), AWSPort: 40002, AWSProfile: "lab", Git: gitcmd.Runner{}})
	if err == nil || !strings.Contains(err.Error(), `"lab"`) {
		t.Fatalf("Create error = %v, want a rejected profile", err)
	}
}

func TestRealModeEnv(t *testing.T) {
	t.Parallel()
	sb := &Sandbox{Dir: "/sb", Config: Config{AWSMode: AWSReal, AWSRegion: "eu-west-1", AWSProfile: "lab"}}
	var names []string
	for _, v := range sb.Env() {
		names = append(names, v.Name+"="+v.Value)
	}
	want := []string{"WORKSHOP_DIR=/sb", "AWS_PROFILE=lab", "AWS_REGION=eu-west-1", "AWS_DEFAULT_REGION=eu-west-1"}
	if !slices.Equal(names, want) {
		t.Errorf("Env() = %v, want %v", names, want)
	}
	if cleared := sb.ClearedVars(); len(cleared) != 0 {
		t.Errorf("ClearedVars() = %v, want none in real mode", cleared)
	}
}

func TestRealModeChildEnvKeepsLearnerSettings(t *testing.T) {
	t.Parallel()
	sb := &Sandbox{Dir: "/sb", Config: Config{AWSMode: AWSReal, AWSRegion: "eu-west-1", AWSProfile: "lab"}}
	got := sb.ChildEnv([]string{"PATH=/bin", "AWS_CONFIG_FILE=/home/ada/.aws/config", "AWS_PROFILE=other", "AWS_REGION=us-west-2"})
	want := []string{"PATH=/bin", "AWS_CONFIG_FILE=/home/ada/.aws/config", "WORKSHOP_DIR=/sb", "AWS_PROFILE=lab", "AWS_REGION=eu-west-1", "AWS_DEFAULT_REGION=eu-west-1"}
	if !slices.Equal(got, want) {
		t.Errorf("ChildEnv() = %v, want %v", got, want)
	}
}
