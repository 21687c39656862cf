package awsapi

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

// createListed creates secrets one second apart on the server's clock.
func createListed(t *testing.T, env *testEnv) *secretsmanager.Client {
	t.Helper()
	client := env.sm(env.learner)
	for _, s := range []struct{ name, desc, tagKey, tagValue string }{
		{"prod/db/password", "Production database password", "env", "production"},
		{"prod/api-key", "Payment API key", "env", "production"},
		{"dev/db/password", "Development database", "env", "dev"},
		{"shared/webhookToken", "", "owner", "web-team"},
	} {
		in := &secretsmanager.CreateSecretInput{Name: aws.String(s.name), SecretString: aws.String("v"), Tags: []smtypes.Tag{{Key: aws.String(s.tagKey), Value: aws.String(s.tagValue)}}}
		if s.desc != "" {
			in.Description = aws.String(s.desc)
		}
		_, err := client.CreateSecret(context.Background(), in)
		requireNoError(t, err)
		env.clock.advance(time.Second)
	}
	return client
}

func listNames(t *testing.T, client *secretsmanager.Client, in *secretsmanager.ListSecretsInput) string {
	t.Helper()
	var names []string
	p := secretsmanager.NewListSecretsPaginator(client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		requireNoError(t, err)
		for _, s := range page.SecretList {
			names = append(names, aws.ToString(s.Name))
		}
	}
	return strings.Join(names, ",")
}

func filter(key smtypes.FilterNameStringType, values ...string) smtypes.Filter {
	return smtypes.Filter{Key: key, Values: values}
}

func TestListSecretsFilters(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	client := createListed(t, env)
	tests := []struct {
		name    string
		filters []smtypes.Filter
		want    string
	}{
		{"name prefix", []smtypes.Filter{filter("name", "prod/")}, "prod/db/password,prod/api-key"},
		{"name is case-sensitive", []smtypes.Filter{filter("name", "PROD/")}, ""},
		{"values are ORed", []smtypes.Filter{filter("name", "dev/", "shared/")}, "dev/db/password,shared/webhookToken"},
		{"filters are ANDed", []smtypes.Filter{filter("name", "prod/"), filter("tag-value", "production")}, "prod/db/password,prod/api-key"},
		{"negation", []smtypes.Filter{filter("tag-value", "!production")}, "dev/db/password,shared/webhookToken"},
		{"description ignores case", []smtypes.Filter{filter("description", "production")}, "prod/db/password"},
		{"description word", []smtypes.Filter{filter("description", "database")}, "prod/db/password,dev/db/password"},
		{"tag key", []smtypes.Filter{filter("tag-key", "own")}, "shared/webhookToken"},
		{"all splits words", []smtypes.Filter{filter("all", "token")}, "shared/webhookToken"},
		{"all needs every word", []smtypes.Filter{filter("all", "db password")}, "prod/db/password,dev/db/password"},
		{"primary region", []smtypes.Filter{filter("primary-region", testRegion)}, "prod/db/password,prod/api-key,dev/db/password,shared/webhookToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := listNames(t, client, &secretsmanager.ListSecretsInput{Filters: tt.filters}); got != tt.want {
				t.Errorf("names = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestListSecretsSortAndPaging(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	client := createListed(t, env)
	tests := []struct {
		name string
		in   secretsmanager.ListSecretsInput
		want string
	}{
		{"default", secretsmanager.ListSecretsInput{MaxResults: aws.Int32(1)}, "prod/db/password,prod/api-key,dev/db/password,shared/webhookToken"},
		{"created desc", secretsmanager.ListSecretsInput{SortOrder: "desc", MaxResults: aws.Int32(3)}, "shared/webhookToken,dev/db/password,prod/api-key,prod/db/password"},
		{"name asc", secretsmanager.ListSecretsInput{SortBy: "name", SortOrder: "asc", MaxResults: aws.Int32(2)}, "dev/db/password,prod/api-key,prod/db/password,shared/webhookToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := listNames(t, client, &tt.in); got != tt.want {
				t.Errorf("names = %q, want %q", got, tt.want)
			}
		})
	}

	ctx := context.Background()
	page, err := client.ListSecrets(ctx, &secretsmanager.ListSecretsInput{MaxResults: aws.Int32(4)})
	requireNoError(t, err)
	if page.NextToken != nil {
		t.Errorf("last page has NextToken %q", aws.ToString(page.NextToken))
	}
	if e := page.SecretList[0]; len(e.SecretVersionsToStages) != 1 || len(e.Tags) != 1 || e.CreatedDate == nil {
		t.Errorf("list entry = %+v", e)
	}
	_, err = client.ListSecrets(ctx, &secretsmanager.ListSecretsInput{NextToken: aws.String("bogus")})
	requireAPIError(t, err, "InvalidNextTokenException", 400)
	_, err = client.ListSecrets(ctx, &secretsmanager.ListSecretsInput{MaxResults: aws.Int32(101)})
	requireAPIError(t, err, "ValidationException", 400)
	_, err = client.ListSecrets(ctx, &secretsmanager.ListSecretsInput{Filters: []smtypes.Filter{{Key: "name"}}})
	requireAPIError(t, err, "InvalidParameterException", 400)
	_, err = client.ListSecrets(ctx, &secretsmanager.ListSecretsInput{Filters: []smtypes.Filter{filter("colour", "red")}})
	requireAPIError(t, err, "ValidationException", 400)
	_, err = client.ListSecrets(ctx, &secretsmanager.ListSecretsInput{SortBy: "size"})
	requireAPIError(t, err, "ValidationException", 400)
}

func TestListSecretVersionIDsPaging(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	client := env.sm(env.learner)
	_, err := client.CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{Name: aws.String("many"), SecretString: aws.String("v0")})
	requireNoError(t, err)
	for i := range 4 {
		put(t, client, "many", strings.Repeat("v", i+2))
	}
	var ids []string
	p := secretsmanager.NewListSecretVersionIdsPaginator(client, &secretsmanager.ListSecretVersionIdsInput{SecretId: aws.String("many"), MaxResults: aws.Int32(1), IncludeDeprecated: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		requireNoError(t, err)
		if aws.ToString(page.Name) != "many" || !strings.HasPrefix(aws.ToString(page.ARN), "arn:aws:secretsmanager:") {
			t.Errorf("page names %s %s", aws.ToString(page.Name), aws.ToString(page.ARN))
		}
		for _, v := range page.Versions {
			ids = append(ids, aws.ToString(v.VersionId))
		}
	}
	if len(ids) != 5 {
		t.Errorf("paged versions = %d, want 5", len(ids))
	}
	labelled, err := client.ListSecretVersionIds(context.Background(), &secretsmanager.ListSecretVersionIdsInput{SecretId: aws.String("many")})
	requireNoError(t, err)
	if len(labelled.Versions) != 2 {
		t.Errorf("versions without IncludeDeprecated = %d, want 2", len(labelled.Versions))
	}
}

func TestBatchGetSecretValue(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := createListed(t, env)
	_, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("novalue")})
	requireNoError(t, err)
	_, err = client.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("dev/db/password")})
	requireNoError(t, err)

	out, err := client.BatchGetSecretValue(ctx, &secretsmanager.BatchGetSecretValueInput{SecretIdList: []string{"prod/api-key", "nope", "dev/db/password", "novalue"}})
	requireNoError(t, err)
	var codes []string
	for _, e := range out.Errors {
		codes = append(codes, aws.ToString(e.SecretId)+"="+aws.ToString(e.ErrorCode))
	}
	if len(out.SecretValues) != 1 || aws.ToString(out.SecretValues[0].Name) != "prod/api-key" ||
		strings.Join(codes, ",") != "nope=ResourceNotFoundException,dev/db/password=InvalidRequestException,novalue=ResourceNotFoundException" {
		t.Errorf("values = %d, errors = %v", len(out.SecretValues), codes)
	}

	var names []string
	p := secretsmanager.NewBatchGetSecretValuePaginator(client, &secretsmanager.BatchGetSecretValueInput{Filters: []smtypes.Filter{filter("name", "prod/", "shared/")}, MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		requireNoError(t, err)
		for _, v := range page.SecretValues {
			names = append(names, aws.ToString(v.Name))
		}
	}
	if strings.Join(names, ",") != "prod/db/password,prod/api-key,shared/webhookToken" {
		t.Errorf("filtered batch = %v", names)
	}

	_, err = client.BatchGetSecretValue(ctx, &secretsmanager.BatchGetSecretValueInput{})
	requireAPIError(t, err, "InvalidParameterException", 400)
	_, err = client.BatchGetSecretValue(ctx, &secretsmanager.BatchGetSecretValueInput{SecretIdList: []string{"a"}, Filters: []smtypes.Filter{filter("name", "a")}})
	requireAPIError(t, err, "InvalidParameterException", 400)
	_, err = client.BatchGetSecretValue(ctx, &secretsmanager.BatchGetSecretValueInput{SecretIdList: []string{"a"}, MaxResults: aws.Int32(2)})
	requireAPIError(t, err, "InvalidParameterException", 400)
	_, err = client.BatchGetSecretValue(ctx, &secretsmanager.BatchGetSecretValueInput{SecretIdList: make([]string, 21)})
	requireAPIError(t, err, "ValidationException", 400)
}

func TestTagAndUntag(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.sm(env.learner)
	_, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("tagged"), Tags: []smtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}}})
	requireNoError(t, err)

	_, err = client.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: aws.String("tagged"), Tags: []smtypes.Tag{{Key: aws.String("a"), Value: aws.String("2")}, {Key: aws.String("B"), Value: aws.String("3")}}})
	requireNoError(t, err)
	_, err = client.UntagResource(ctx, &secretsmanager.UntagResourceInput{SecretId: aws.String("tagged"), TagKeys: []string{"b", "missing"}})
	requireNoError(t, err)
	desc, err := client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("tagged")})
	requireNoError(t, err)
	var tags []string
	for _, tag := range desc.Tags {
		tags = append(tags, aws.ToString(tag.Key)+"="+aws.ToString(tag.Value))
	}
	if strings.Join(tags, ",") != "a=2,B=3" {
		t.Errorf("tags = %v, want a=2 and the case-sensitive B kept", tags)
	}

	many := make([]smtypes.Tag, 50)
	for i := range many {
		many[i] = smtypes.Tag{Key: aws.String("k" + strings.Repeat("x", i)), Value: aws.String("v")}
	}
	_, err = client.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: aws.String("tagged"), Tags: many})
	requireAPIError(t, err, "LimitExceededException", 400)

	_, err = client.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("tagged")})
	requireNoError(t, err)
	_, err = client.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: aws.String("tagged"), Tags: []smtypes.Tag{{Key: aws.String("c"), Value: aws.String("4")}}})
	requireAPIError(t, err, "InvalidRequestException", 400)
	_, err = client.UntagResource(ctx, &secretsmanager.UntagResourceInput{SecretId: aws.String("tagged"), TagKeys: []string{"a"}})
	requireAPIError(t, err, "InvalidRequestException", 400)
}

func TestGetRandomPassword(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	ctx := context.Background()
	client := env.sm(env.learner)
	tests := []struct {
		name  string
		in    secretsmanager.GetRandomPasswordInput
		check func(string) bool
	}{
		{"default", secretsmanager.GetRandomPasswordInput{}, func(p string) bool {
			return len(p) == 32 && strings.ContainsAny(p, lowercaseLetters) && strings.ContainsAny(p, uppercaseLetters) &&
				strings.ContainsAny(p, digits) && strings.ContainsAny(p, punctuation)
		}},
		{"digits only", secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(12), ExcludeLowercase: aws.Bool(true), ExcludeUppercase: aws.Bool(true), ExcludePunctuation: aws.Bool(true)}, func(p string) bool {
			return len(p) == 12 && strings.Trim(p, digits) == ""
		}},
		{"excluded characters", secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(200), ExcludeCharacters: aws.String("abcABC012!@#")}, func(p string) bool {
			return len(p) == 200 && !strings.ContainsAny(p, "abcABC012!@#")
		}},
		{"with space", secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(4096), IncludeSpace: aws.Bool(true)}, func(p string) bool {
			return len(p) == 4096 && strings.Contains(p, " ")
		}},
		{"one character", secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(1), RequireEachIncludedType: aws.Bool(false)}, func(p string) bool {
			return len(p) == 1 && !unicode.IsSpace(rune(p[0]))
		}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := client.GetRandomPassword(ctx, &tt.in)
			requireNoError(t, err)
			if !tt.check(aws.ToString(out.RandomPassword)) {
				t.Errorf("password of length %d fails the check", len(aws.ToString(out.RandomPassword)))
			}
		})
	}

	_, err := client.GetRandomPassword(ctx, &secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(3)})
	requireAPIError(t, err, "InvalidParameterException", 400)
	_, err = client.GetRandomPassword(ctx, &secretsmanager.GetRandomPasswordInput{PasswordLength: aws.Int64(4097)})
	requireAPIError(t, err, "ValidationException", 400)
	_, err = client.GetRandomPassword(ctx, &secretsmanager.GetRandomPasswordInput{ExcludeLowercase: aws.Bool(true), ExcludeUppercase: aws.Bool(true), ExcludeNumbers: aws.Bool(true), ExcludePunctuation: aws.Bool(true)})
	requireAPIError(t, err, "InvalidParameterException", 400)
}
