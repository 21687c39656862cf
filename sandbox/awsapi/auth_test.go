package awsapi

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// callEach calls one cheap operation of each service with key.
func callEach(env *testEnv, key SeedKey) map[string]error {
	ctx := context.Background()
	_, smErr := env.sm(key).ListSecrets(ctx, &secretsmanager.ListSecretsInput{})
	_, stsErr := env.sts(key).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	_, iamErr := env.iam(key).ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	_, s3Err := env.s3(key).ListBuckets(ctx, &s3.ListBucketsInput{})
	return map[string]error{"secretsmanager": smErr, "sts": stsErr, "iam": iamErr, "s3": s3Err}
}

type wantError struct {
	code   string
	status int
}

func TestAuthErrorsPerService(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(env *testEnv) SeedKey
		want  map[string]wantError
	}{
		{
			name:  "unknown key",
			setup: func(*testEnv) SeedKey { return newKey(t) },
			want: map[string]wantError{
				"secretsmanager": {"UnrecognizedClientException", 400}, "sts": {"InvalidClientTokenId", 403},
				"iam": {"InvalidClientTokenId", 403}, "s3": {"InvalidAccessKeyId", 403},
			},
		},
		{
			name:  "bad signature",
			setup: func(env *testEnv) SeedKey { return SeedKey{ID: env.learner.ID, Secret: newKey(t).Secret} },
			want: map[string]wantError{
				"secretsmanager": {"InvalidSignatureException", 400}, "sts": {"SignatureDoesNotMatch", 403},
				"iam": {"SignatureDoesNotMatch", 403}, "s3": {"SignatureDoesNotMatch", 403},
			},
		},
		{
			name:  "skewed clock",
			setup: func(env *testEnv) SeedKey { env.clock.advance(10 * time.Minute); return env.learner },
			want: map[string]wantError{
				"secretsmanager": {"InvalidSignatureException", 400}, "sts": {"SignatureDoesNotMatch", 403},
				"iam": {"SignatureDoesNotMatch", 403}, "s3": {"RequestTimeTooSkewed", 403},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t)
			errs := callEach(env, tt.setup(env))
			for svc, want := range tt.want {
				t.Run(svc, func(t *testing.T) { requireAPIError(t, errs[svc], want.code, want.status) })
			}
		})
	}
}

func TestInactiveKeyRejectedLikeUnknown(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	_, err := env.iam(env.learner).UpdateAccessKey(context.Background(), &iam.UpdateAccessKeyInput{
		UserName: aws.String(appName), AccessKeyId: aws.String(env.app.ID), Status: "Inactive",
	})
	requireNoError(t, err)
	errs := callEach(env, env.app)
	requireAPIError(t, errs["secretsmanager"], "UnrecognizedClientException", 400)
	requireAPIError(t, errs["s3"], "InvalidAccessKeyId", 403)
}

func TestSignatureErrorShowsCanonicalRequest(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	wrong := SeedKey{ID: env.learner.ID, Secret: newKey(t).Secret}
	status, _, body := env.do(t, rawRequest{service: "secretsmanager", target: "secretsmanager.ListSecrets", body: []byte("{}"), key: &wrong})
	var got map[string]string
	requireNoError(t, json.Unmarshal(body, &got))
	if status != 400 || got["__type"] != "InvalidSignatureException" {
		t.Fatalf("got %d %v, want 400 InvalidSignatureException", status, got)
	}
	if !strings.Contains(got["message"], "The Canonical String for this request should have been\n'POST\n/\n") ||
		strings.Contains(got["message"], wrong.Secret) || strings.Contains(got["message"], env.learner.Secret) {
		t.Errorf("message = %q, want the canonical request and no secret", got["message"])
	}
}

func TestMissingAuthentication(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	tests := []struct {
		name   string
		req    rawRequest
		status int
		code   string
	}{
		{"secretsmanager", rawRequest{target: "secretsmanager.ListSecrets", body: []byte("{}")}, 400, "MissingAuthenticationTokenException"},
		{"sts", rawRequest{form: true, body: []byte("Action=GetCallerIdentity&Version=2011-06-15")}, 403, "MissingAuthenticationToken"},
		{"iam", rawRequest{form: true, body: []byte("Action=ListAccessKeys&Version=2010-05-08")}, 403, "MissingAuthenticationToken"},
		{"s3", rawRequest{method: http.MethodGet}, 403, "AccessDenied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := env.do(t, tt.req)
			if status != tt.status || errorCode(t, body) != tt.code {
				t.Errorf("got %d %s, want %d %s", status, body, tt.status, tt.code)
			}
		})
	}
}

// errorCode reads the error code from a JSON or XML error body.
func errorCode(t testing.TB, body []byte) string {
	t.Helper()
	var j struct {
		Type string `json:"__type"`
	}
	if json.Unmarshal(body, &j) == nil {
		return j.Type
	}
	var x struct {
		Code  string
		Error struct{ Code string }
	}
	if err := xml.Unmarshal(body, &x); err != nil {
		t.Fatalf("error body is neither JSON nor XML: %q", body)
	}
	return x.Code + x.Error.Code
}

func TestAppUserAccessDenied(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	admin := env.sm(env.learner)
	_, err := admin.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("app/db"), SecretString: aws.String("v1")})
	requireNoError(t, err)

	app := env.sm(env.app)
	_, err = app.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("app/db")})
	requireNoError(t, err)
	_, err = app.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("app/db")})
	requireNoError(t, err)

	_, err = app.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("app/db"), SecretString: aws.String("v2")})
	requireAPIError(t, err, "AccessDeniedException", 400)
	if !strings.Contains(err.Error(), "user/app is not authorized to perform: secretsmanager:PutSecretValue on resource: app/db") {
		t.Errorf("error %q does not name the user, action and resource", err)
	}
	_, err = app.ListSecrets(ctx, &secretsmanager.ListSecretsInput{})
	requireAPIError(t, err, "AccessDeniedException", 400)
	_, err = app.BatchGetSecretValue(ctx, &secretsmanager.BatchGetSecretValueInput{SecretIdList: []string{"app/db"}})
	requireAPIError(t, err, "AccessDeniedException", 400)

	_, err = env.iam(env.app).CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	requireAPIError(t, err, "AccessDenied", 403)
	_, err = env.iam(env.app).ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	requireAPIError(t, err, "AccessDenied", 403)

	_, err = env.sts(env.app).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	requireNoError(t, err)
	_, err = env.s3(env.app).ListBuckets(ctx, &s3.ListBucketsInput{})
	requireNoError(t, err)
}

func TestUnsupportedServiceAndAction(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	status, _, body := env.do(t, rawRequest{service: "ec2", form: true, body: []byte("Action=DescribeInstances&Version=2016-11-15"), key: &env.learner})
	if status != 400 || errorCode(t, body) != "InvalidAction" {
		t.Errorf("ec2 = %d %s, want 400 InvalidAction", status, body)
	}
	status, _, body = env.do(t, rawRequest{service: "iam", form: true, body: []byte("Action=CreateUser&Version=2010-05-08&UserName=x"), key: &env.learner})
	if status != 400 || errorCode(t, body) != "InvalidAction" {
		t.Errorf("iam CreateUser = %d %s, want 400 InvalidAction", status, body)
	}
	status, _, body = env.do(t, rawRequest{service: "sts", form: true, body: []byte("%zz"), key: &env.learner})
	if status != 400 || errorCode(t, body) != "MalformedQueryString" {
		t.Errorf("malformed form = %d %s, want 400 MalformedQueryString", status, body)
	}
}

func TestRequestIDHeaders(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	tests := []struct {
		name, header string
		req          rawRequest
	}{
		{"secretsmanager", "x-amzn-RequestId", rawRequest{service: "secretsmanager", target: "secretsmanager.ListSecrets", body: []byte("{}"), key: &env.learner}},
		{"sts", "x-amzn-RequestId", rawRequest{service: "sts", form: true, body: []byte("Action=GetCallerIdentity&Version=2011-06-15"), key: &env.learner}},
		{"s3", "x-amz-request-id", rawRequest{service: "s3", method: http.MethodGet, key: &env.learner}},
		{"s3 error", "x-amz-request-id", rawRequest{service: "s3", method: http.MethodGet, path: "/no-such-bucket", key: &env.learner}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, headers, body := env.do(t, tt.req)
			id := headers.Get(tt.header)
			if id == "" {
				t.Fatalf("no %s header", tt.header)
			}
			if strings.HasPrefix(tt.name, "s3") && (len(id) != 16 || strings.ToUpper(id) != id) {
				t.Errorf("S3 request id %q is not 16 upper-case hex digits", id)
			}
			if tt.name != "secretsmanager" && tt.name != "s3" && !strings.Contains(string(body), "<RequestId>"+id+"</RequestId>") {
				t.Errorf("body does not carry request id %s: %s", id, body)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	big := `{"Name":"` + strings.Repeat("a", DefaultMaxBodyBytes) + `"}`
	status, body := env.smRaw(t, "CreateSecret", big)
	if status != http.StatusRequestEntityTooLarge || errorCode(t, body) != "RequestEntityTooLarge" {
		t.Errorf("oversized body = %d %s, want 413 RequestEntityTooLarge", status, body)
	}
}

func TestKeyChangedAfterVerification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(k *keyRecord, st *stateData)
		secret func(env *testEnv) string
	}{
		{"deactivated", func(k *keyRecord, _ *stateData) { k.Status = statusInactive }, nil},
		{"deleted", func(k *keyRecord, st *stateData) { st.deleteKey(k.ID, time.Now()) }, nil},
		{"user removed", func(k *keyRecord, st *stateData) { st.Users = st.Users[:1] }, nil},
		{"other secret", nil, func(*testEnv) string { return newKey(t).Secret }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t)
			s := env.server
			secret := env.app.Secret
			if tt.secret != nil {
				secret = tt.secret(env)
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			if tt.change != nil {
				tt.change(s.st.key(env.app.ID), s.st)
			}
			c := &call{svc: stsService, now: time.Now()}
			prob := s.bindCaller(c, authorization{AccessKeyID: env.app.ID, Region: testRegion, Service: "sts"}, secret)
			if prob == nil || prob.kind != authUnknownKey || c.user != nil {
				t.Errorf("bindCaller = %+v, user %v; want an unknown key and no caller", prob, c.user)
			}
		})
	}
}

func TestSharedSignerKeepsKeysApart(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	wrong := SeedKey{ID: env.learner.ID, Secret: newKey(t).Secret}
	for _, step := range []struct {
		key  SeedKey
		want string
	}{
		{env.learner, learnerName},
		{env.app, appName},
		{wrong, ""},
		{env.learner, learnerName},
		{wrong, ""},
	} {
		out, err := env.sts(step.key).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if step.want == "" {
			requireAPIError(t, err, "SignatureDoesNotMatch", 403)
			continue
		}
		requireNoError(t, err)
		if got := aws.ToString(out.Arn); !strings.HasSuffix(got, ":user/"+step.want) {
			t.Errorf("caller = %s, want user %s", got, step.want)
		}
	}
}
