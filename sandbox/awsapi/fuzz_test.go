package awsapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

var fuzzServices = []string{"secretsmanager", "sts", "iam", "s3", "ec2"}

// fuzzRequest builds a request from fuzz input: the service picks the
// protocol, op is the X-Amz-Target operation, the query Action or the S3
// path, and signed requests carry a valid signature of the learner's key.
func fuzzRequest(env *testEnv, service uint8, op string, body []byte, signed bool) *http.Request {
	svc := fuzzServices[int(service)%len(fuzzServices)]
	req := &http.Request{
		Method: http.MethodPost,
		URL:    &url.URL{Scheme: "http", Host: "127.0.0.1:4566", Path: "/"},
		Host:   "127.0.0.1:4566",
		Header: http.Header{},
	}
	switch svc {
	case "secretsmanager":
		req.Header.Set("X-Amz-Target", "secretsmanager."+op)
		req.Header.Set("Content-Type", jsonContentType)
	case "s3":
		req.Method = http.MethodGet
		req.URL.Path = "/" + op
	default:
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		body = append([]byte("Action="+url.QueryEscape(op)+"&"), body...)
	}
	req.Body = http.NoBody
	if len(body) > 0 {
		req.Body = httpBody(body)
		req.ContentLength = int64(len(body))
	}
	if signed {
		sum := sha256.Sum256(body)
		creds := aws.Credentials{AccessKeyID: env.learner.ID, SecretAccessKey: env.learner.Secret}
		v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), svc, testRegion, time.Now()) //nolint:errcheck // an unsigned request is a valid fuzz case too
	}
	return req
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

func httpBody(b []byte) readCloser { return readCloser{bytes.NewReader(b)} }

func FuzzHandler(f *testing.F) {
	seeds := []struct {
		service uint8
		op      string
		body    string
	}{
		{0, "CreateSecret", `{"Name":"f","SecretString":"v","ClientRequestToken":"00000000-0000-4000-8000-000000000000"}`},
		{0, "GetSecretValue", `{"SecretId":"f","VersionStage":"AWSPREVIOUS"}`},
		{0, "PutSecretValue", `{"SecretId":"f","SecretBinary":"AAEC","ClientRequestToken":"00000000-0000-4000-8000-000000000001","VersionStages":["x"]}`},
		{0, "ListSecrets", `{"Filters":[{"Key":"all","Values":["!a b"]}],"MaxResults":1,"SortBy":"name"}`},
		{0, "ListSecretVersionIds", `{"SecretId":"f","NextToken":"dmVyc2lvbnM6MQ"}`},
		{0, "UpdateSecretVersionStage", `{"SecretId":"f","VersionStage":"AWSCURRENT","RemoveFromVersionId":"00000000-0000-4000-8000-000000000000"}`},
		{0, "BatchGetSecretValue", `{"SecretIdList":["f","arn:aws:secretsmanager:x"]}`},
		{0, "DeleteSecret", `{"SecretId":"f","RecoveryWindowInDays":7}`},
		{0, "GetRandomPassword", `{"PasswordLength":5,"ExcludeCharacters":"abc"}`},
		{0, "RotateSecret", `{"SecretId":"f","RotationRules":{"Duration":"3h"}}`},
		{0, "TagResource", `{"SecretId":"f","Tags":[{"Key":"k"}]}`},
		{0, "CreateSecret", `{"Name":null,"SecretBinary":12}`},
		{1, "GetCallerIdentity", "Version=2011-06-15"},
		{2, "CreateAccessKey", "UserName=app&Version=2010-05-08"},
		{2, "ListAccessKeys", "MaxItems=abc&Marker=%ff"},
		{2, "UpdateAccessKey", "AccessKeyId=AAAAAAAAAAAAAAAAAAAA&Status=Expired"},
		{3, "", ""},
		{3, "bucket/key%20x", ""},
		{4, "DescribeInstances", ""},
	}
	for _, s := range seeds {
		f.Add(s.service, s.op, []byte(s.body), true)
		f.Add(s.service, s.op, []byte(s.body), false)
	}
	env := newTestEnv(f)
	f.Fuzz(func(t *testing.T, service uint8, op string, body []byte, signed bool) {
		rec := httptest.NewRecorder()
		env.server.ServeHTTP(rec, fuzzRequest(env, service, op, body, signed))
		checkResponse(t, rec)
	})
}

// checkResponse fails on a server error and on an error response whose body
// is not a well-formed error of its protocol.
func checkResponse(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code == http.StatusInternalServerError {
		t.Fatalf("server error: %s", rec.Body)
	}
	if rec.Code < 400 {
		return
	}
	body := rec.Body.Bytes()
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/x-amz-json") {
		var e map[string]string
		if err := json.Unmarshal(body, &e); err != nil || e["__type"] == "" || (e["Message"] == "" && e["message"] == "") {
			t.Fatalf("malformed JSON error %q: %v", body, err)
		}
		return
	}
	var e struct {
		Code    string
		Message string
		Error   struct{ Code, Message string }
	}
	if err := xml.Unmarshal(body, &e); err != nil || e.Code+e.Error.Code == "" || e.Message+e.Error.Message == "" {
		t.Fatalf("malformed XML error %q: %v", body, err)
	}
}
