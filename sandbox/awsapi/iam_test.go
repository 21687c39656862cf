package awsapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestHealth(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	resp, err := http.Get(env.url + HealthPath)
	requireNoError(t, err)
	defer resp.Body.Close()
	var got map[string]string
	requireNoError(t, json.NewDecoder(resp.Body).Decode(&got))
	if resp.StatusCode != http.StatusOK || got["status"] != "ok" || got["sandbox_id"] != "sbx-test" {
		t.Errorf("health = %d %v, want 200 ok sbx-test", resp.StatusCode, got)
	}
}

func TestGetCallerIdentity(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	for _, tc := range []struct {
		key  SeedKey
		user string
	}{{env.learner, learnerName}, {env.app, appName}} {
		out, err := env.sts(tc.key).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		requireNoError(t, err)
		if want := "arn:aws:iam::" + testAccount + ":user/" + tc.user; aws.ToString(out.Arn) != want {
			t.Errorf("Arn = %s, want %s", aws.ToString(out.Arn), want)
		}
		if aws.ToString(out.Account) != testAccount {
			t.Errorf("Account = %s, want %s", aws.ToString(out.Account), testAccount)
		}
		if !strings.HasPrefix(aws.ToString(out.UserId), "AI"+"DA") {
			t.Errorf("UserId = %s, want the IAM user id prefix", aws.ToString(out.UserId))
		}
	}
}

func TestAccessKeyLifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.iam(env.learner)

	created, err := client.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(appName)})
	requireNoError(t, err)
	key := created.AccessKey
	if !accessKeyPattern.MatchString(aws.ToString(key.AccessKeyId)) || !strings.HasPrefix(aws.ToString(key.AccessKeyId), "AK"+"IA") || len(aws.ToString(key.AccessKeyId)) != 20 {
		t.Errorf("AccessKeyId %q is not AK+IA and 16 characters", aws.ToString(key.AccessKeyId))
	}
	if len(aws.ToString(key.SecretAccessKey)) != 40 || key.Status != iamtypes.StatusTypeActive || key.CreateDate == nil {
		t.Errorf("new key = %+v, want a 40-character secret, Active and a create date", key)
	}

	_, err = client.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(appName)})
	requireAPIError(t, err, "LimitExceeded", http.StatusConflict)

	listed, err := client.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(appName)})
	requireNoError(t, err)
	if len(listed.AccessKeyMetadata) != 2 || listed.IsTruncated {
		t.Fatalf("ListAccessKeys = %d keys truncated=%v, want 2", len(listed.AccessKeyMetadata), listed.IsTruncated)
	}

	newKey := SeedKey{ID: aws.ToString(key.AccessKeyId), Secret: aws.ToString(key.SecretAccessKey)}
	_, err = env.sts(newKey).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	requireNoError(t, err)

	_, err = client.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String(appName), AccessKeyId: key.AccessKeyId, Status: iamtypes.StatusTypeInactive})
	requireNoError(t, err)
	_, err = env.sts(newKey).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	requireAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden)

	_, err = client.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(appName), AccessKeyId: key.AccessKeyId})
	requireNoError(t, err)
	_, err = client.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(appName), AccessKeyId: key.AccessKeyId})
	requireAPIError(t, err, "NoSuchEntity", http.StatusNotFound)

	st, err := LoadState(env.statePath)
	requireNoError(t, err)
	var found bool
	for _, k := range st.IssuedKeys() {
		if k.ID == newKey.ID {
			found = k.Secret == newKey.Secret && k.User == appName && k.Deleted != nil
		}
	}
	if !found {
		t.Errorf("issued keys do not record the deleted key with its secret, user and deletion time")
	}
	if got := st.AccessKeys(appName); len(got) != 1 || got[0].ID != env.app.ID {
		t.Errorf("AccessKeys(app) = %+v, want only the seeded key", got)
	}
}

func TestAccessKeyErrors(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.iam(env.learner)

	_, err := client.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("nobody")})
	requireAPIError(t, err, "NoSuchEntity", http.StatusNotFound)

	_, err = client.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{AccessKeyId: aws.String(env.app.ID), Status: iamtypes.StatusTypeInactive})
	requireAPIError(t, err, "NoSuchEntity", http.StatusNotFound)

	_, err = client.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String(appName), AccessKeyId: aws.String(env.app.ID), Status: "Disabled"})
	requireAPIError(t, err, "ValidationError", http.StatusBadRequest)

	_, err = client.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bad name!")})
	requireAPIError(t, err, "ValidationError", http.StatusBadRequest)

	_, err = client.ListAccessKeys(ctx, &iam.ListAccessKeysInput{Marker: aws.String("not-a-marker")})
	requireAPIError(t, err, "InvalidInput", http.StatusBadRequest)
}

func TestIAMDefaultsToCaller(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.iam(env.learner)

	user, err := client.GetUser(ctx, &iam.GetUserInput{})
	requireNoError(t, err)
	if aws.ToString(user.User.UserName) != learnerName || aws.ToString(user.User.Path) != "/" || user.User.CreateDate == nil {
		t.Errorf("GetUser = %+v, want the caller", user.User)
	}

	listed, err := client.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	requireNoError(t, err)
	if len(listed.AccessKeyMetadata) != 1 || aws.ToString(listed.AccessKeyMetadata[0].AccessKeyId) != env.learner.ID {
		t.Errorf("ListAccessKeys = %+v, want the caller's key", listed.AccessKeyMetadata)
	}

	unused, err := client.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(env.app.ID)})
	requireNoError(t, err)
	if aws.ToString(unused.AccessKeyLastUsed.ServiceName) != "N/A" || unused.AccessKeyLastUsed.LastUsedDate != nil {
		t.Errorf("unused key last used = %+v, want N/A", unused.AccessKeyLastUsed)
	}
	used, err := client.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(env.learner.ID)})
	requireNoError(t, err)
	if aws.ToString(used.UserName) != learnerName || aws.ToString(used.AccessKeyLastUsed.ServiceName) != "iam" ||
		aws.ToString(used.AccessKeyLastUsed.Region) != testRegion || used.AccessKeyLastUsed.LastUsedDate == nil {
		t.Errorf("used key last used = %+v, want iam in %s", used.AccessKeyLastUsed, testRegion)
	}
}

func TestEmptyListsKeepTheirElement(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	_, err := env.iam(env.learner).DeleteAccessKey(context.Background(), &iam.DeleteAccessKeyInput{UserName: aws.String(appName), AccessKeyId: aws.String(env.app.ID)})
	requireNoError(t, err)
	status, _, body := env.do(t, rawRequest{service: "iam", form: true, body: []byte("Action=ListAccessKeys&Version=2010-05-08&UserName=" + appName), key: &env.learner})
	if status != 200 || !strings.Contains(string(body), "<AccessKeyMetadata></AccessKeyMetadata>") {
		t.Errorf("ListAccessKeys without keys = %d %s, want an empty AccessKeyMetadata element", status, body)
	}
	out, err := env.s3(env.learner).ListBuckets(context.Background(), &s3.ListBucketsInput{Prefix: aws.String("none-")})
	requireNoError(t, err)
	if out.Buckets == nil || len(out.Buckets) != 0 {
		t.Errorf("ListBuckets with no match = %#v, want an empty, non-nil list", out.Buckets)
	}
}

func TestListBuckets(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()

	out, err := env.s3(env.app).ListBuckets(ctx, &s3.ListBucketsInput{})
	requireNoError(t, err)
	var names []string
	for _, b := range out.Buckets {
		names = append(names, aws.ToString(b.Name))
		if b.CreationDate == nil || aws.ToString(b.BucketRegion) != testRegion {
			t.Errorf("bucket %+v lacks a creation date or region", b)
		}
	}
	if got := strings.Join(names, ","); got != "reports-bucket,sample-app-assets,sample-app-uploads" {
		t.Errorf("buckets = %s, want the seeded buckets in name order", got)
	}

	var paged []string
	p := s3.NewListBucketsPaginator(env.s3(env.learner), &s3.ListBucketsInput{MaxBuckets: aws.Int32(1), Prefix: aws.String("sample-")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		requireNoError(t, err)
		for _, b := range page.Buckets {
			paged = append(paged, aws.ToString(b.Name))
		}
	}
	if got := strings.Join(paged, ","); got != "sample-app-assets,sample-app-uploads" {
		t.Errorf("paged buckets = %s, want both sample-app buckets", got)
	}
}

func TestS3UnknownPaths(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()

	_, err := env.s3(env.learner).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("missing-bucket"), Key: aws.String("a.txt")})
	requireAPIError(t, err, "NoSuchBucket", http.StatusNotFound)

	_, err = env.s3(env.learner).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("sample-app-assets")})
	requireAPIError(t, err, "NotImplemented", http.StatusNotImplemented)

	_, err = env.s3(env.app).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("sample-app-assets")})
	requireAPIError(t, err, "AccessDenied", http.StatusForbidden)
}
