package awsapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/secretslab/workshop/internal/keys"
)

const (
	testAccount = "210987654321"
	testRegion  = "eu-west-2"
	learnerName = "learner"
	appName     = "app"
)

// testClock is the server's clock: real time plus an adjustable offset, so
// that signatures made by the SDK with the real time stay valid until a test
// moves the clock.
type testClock struct {
	offset atomic.Int64
}

func (c *testClock) now() time.Time {
	return time.Now().Add(time.Duration(c.offset.Load()))
}

func (c *testClock) advance(d time.Duration) {
	c.offset.Add(int64(d))
}

// testEnv is a seeded server on a loopback httptest server.
type testEnv struct {
	dir       string
	statePath string
	logPath   string
	server    *Server
	url       string
	clock     *testClock
	learner   SeedKey
	app       SeedKey
}

func newKey(t testing.TB) SeedKey {
	t.Helper()
	pair, err := keys.NewPair(nil)
	if err != nil {
		t.Fatalf("generate key pair: %v", err)
	}
	return SeedKey{ID: pair.ID, Secret: pair.Secret}
}

func newTestEnv(t testing.TB) *testEnv {
	t.Helper()
	dir := t.TempDir()
	env := &testEnv{
		dir:       dir,
		statePath: filepath.Join(dir, "state.json"),
		logPath:   filepath.Join(dir, "requests.jsonl"),
		clock:     &testClock{},
		learner:   newKey(t),
		app:       newKey(t),
	}
	opts := SeedOptions{
		SandboxID: "sbx-test",
		AccountID: testAccount,
		Region:    testRegion,
		Users: []SeedUser{
			{Name: learnerName, Admin: true, Keys: []SeedKey{env.learner}},
			{Name: appName, Keys: []SeedKey{env.app}},
		},
		Buckets: []string{"sample-app-uploads", "sample-app-assets", "reports-bucket"},
	}
	if err := Seed(env.statePath, opts, time.Now()); err != nil {
		t.Fatalf("seed: %v", err)
	}
	env.start(t)
	return env
}

// start serves the state files with a new Server.
func (e *testEnv) start(t testing.TB) {
	t.Helper()
	srv, err := NewServer(Options{StatePath: e.statePath, LogPath: e.logPath, Now: e.clock.now})
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	e.server, e.url = srv, hs.URL
}

func (e *testEnv) config(k SeedKey) aws.Config {
	return aws.Config{
		Region:       testRegion,
		Credentials:  credentials.NewStaticCredentialsProvider(k.ID, k.Secret, ""),
		BaseEndpoint: aws.String(e.url),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

func (e *testEnv) sm(k SeedKey) *secretsmanager.Client {
	return secretsmanager.NewFromConfig(e.config(k))
}

func (e *testEnv) iam(k SeedKey) *iam.Client { return iam.NewFromConfig(e.config(k)) }

func (e *testEnv) sts(k SeedKey) *sts.Client { return sts.NewFromConfig(e.config(k)) }

func (e *testEnv) s3(k SeedKey) *s3.Client {
	return s3.NewFromConfig(e.config(k), func(o *s3.Options) { o.UsePathStyle = true })
}

// requireAPIError checks an SDK error's code and HTTP status.
func requireAPIError(t testing.TB, err error, code string, status int) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s (%d)", code, status)
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("got %v, want API error %s", err, code)
	}
	if apiErr.ErrorCode() != code {
		t.Errorf("error code = %s (%s), want %s", apiErr.ErrorCode(), apiErr.ErrorMessage(), code)
	}
	var respErr *awshttp.ResponseError
	if !errors.As(err, &respErr) {
		t.Fatalf("got %v, want an HTTP response error", err)
	}
	if got := respErr.HTTPStatusCode(); got != status {
		t.Errorf("HTTP status = %d, want %d", got, status)
	}
}

func requireNoError(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// rawRequest is an HTTP request sent without an SDK, signed or not.
type rawRequest struct {
	method  string
	path    string
	service string
	target  string
	body    []byte
	form    bool
	key     *SeedKey
	at      time.Time
}

// do sends the request and returns its status, headers and body.
func (e *testEnv) do(t testing.TB, rr rawRequest) (int, http.Header, []byte) {
	t.Helper()
	req := e.rawHTTPRequest(t, rr)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("send raw request: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read raw response: %v", err)
	}
	return resp.StatusCode, resp.Header, body
}

func (e *testEnv) rawHTTPRequest(t testing.TB, rr rawRequest) *http.Request {
	t.Helper()
	if rr.method == "" {
		rr.method = http.MethodPost
	}
	if rr.path == "" {
		rr.path = "/"
	}
	req, err := http.NewRequest(rr.method, e.url+rr.path, bytes.NewReader(rr.body))
	if err != nil {
		t.Fatalf("build raw request: %v", err)
	}
	if rr.target != "" {
		req.Header.Set("X-Amz-Target", rr.target)
		req.Header.Set("Content-Type", jsonContentType)
	}
	if rr.form {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	if rr.key != nil {
		signRaw(t, req, rr, *rr.key)
	}
	return req
}

func signRaw(t testing.TB, req *http.Request, rr rawRequest, k SeedKey) {
	t.Helper()
	at := rr.at
	if at.IsZero() {
		at = time.Now()
	}
	sum := sha256.Sum256(rr.body)
	creds := aws.Credentials{AccessKeyID: k.ID, SecretAccessKey: k.Secret}
	err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), rr.service, testRegion, at)
	if err != nil {
		t.Fatalf("sign raw request: %v", err)
	}
}

// smRaw sends a signed Secrets Manager request with a JSON body.
func (e *testEnv) smRaw(t testing.TB, op, body string) (int, []byte) {
	t.Helper()
	status, _, out := e.do(t, rawRequest{service: "secretsmanager", target: "secretsmanager." + op, body: []byte(body), key: &e.learner})
	return status, out
}

// newToken returns a fresh ClientRequestToken.
func newToken() string { return newUUID() }
