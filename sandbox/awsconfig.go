package sandbox

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// ErrRootIdentity is returned when a real-AWS profile signs as the
// account's root user, whose keys should never be used for daily work.
var ErrRootIdentity = errors.New("the AWS profile signs as the account's root user")

// AWSConfig returns the SDK configuration of the learner's own identity. In
// local mode it signs with the key in the sandbox's credentials file and
// sends every request to the local endpoint, reading nothing from the
// process environment or ~/.aws. In real mode it loads the learner's chosen
// profile the way the AWS CLI does, endpoint_url settings included.
func (s *Sandbox) AWSConfig(ctx context.Context) (aws.Config, error) {
	if s.Config.AWSMode == AWSReal {
		return s.loadProfile(ctx)
	}
	id, secret, err := s.learnerKey()
	if err != nil {
		return aws.Config{}, err
	}
	return s.AWSConfigFor(id, secret), nil
}

// AWSConfigFor returns an SDK configuration that signs with the given key
// pair. In local mode it sends requests to the sandbox's endpoint. In real
// mode it keeps the region and endpoint settings of the learner's profile,
// so a profile whose endpoint_url points elsewhere is honoured for every
// request, and only the credentials differ.
func (s *Sandbox) AWSConfigFor(accessKeyID, secretAccessKey string) aws.Config {
	creds := credentials.NewStaticCredentialsProvider(accessKeyID, secretAccessKey, "")
	if s.Config.AWSMode == AWSReal {
		return s.profileConfigFor(creds)
	}
	return aws.Config{
		Region:           s.Config.AWSRegion,
		Credentials:      creds,
		RetryMaxAttempts: 1,
		BaseEndpoint:     aws.String(s.AWSEndpointURL()),
	}
}

// loadProfile loads the learner's profile with the sandbox's region. Options
// given here take precedence over the environment, so the profile's
// credentials win over AWS_ACCESS_KEY_ID in the shell, as with
// `aws --profile`.
func (s *Sandbox) loadProfile(ctx context.Context, extra ...func(*config.LoadOptions) error) (aws.Config, error) {
	opts := append([]func(*config.LoadOptions) error{
		config.WithRegion(s.Config.AWSRegion),
		config.WithSharedConfigProfile(s.Config.AWSProfile),
	}, extra...)
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS profile %q: %w", s.Config.AWSProfile, err)
	}
	return cfg, nil
}

// profileConfigFor is AWSConfigFor in real mode. Loading reads only files
// and the environment, so it needs no caller's context.
func (s *Sandbox) profileConfigFor(creds aws.CredentialsProvider) aws.Config {
	cfg, err := s.loadProfile(context.Background(), config.WithCredentialsProvider(creds))
	if err != nil {
		// AWSConfig fails on the same profile before any check gets this
		// far, so this path is rare. Requests then go to AWS's default
		// endpoint for the region.
		return aws.Config{Region: s.Config.AWSRegion, Credentials: creds}
	}
	return cfg
}

// verifyRealAWS signs in with the learner's profile, rejects the root user,
// and records the account and the caller's name in the config.
func (s *Sandbox) verifyRealAWS(ctx context.Context) error {
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return fmt.Errorf("%w: set it up with `aws configure --profile %s`, or choose another with --profile", err, s.Config.AWSProfile)
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return fmt.Errorf("sign in to AWS with profile %q: %w: check it with `aws sts get-caller-identity --profile %s`", s.Config.AWSProfile, err, s.Config.AWSProfile)
	}
	arn := aws.ToString(out.Arn)
	if strings.HasSuffix(arn, ":root") {
		return fmt.Errorf("%w (%s): use a profile of an IAM user or role instead", ErrRootIdentity, arn)
	}
	s.Config.AccountID = aws.ToString(out.Account)
	s.Config.LearnerUser = arn[strings.LastIndex(arn, "/")+1:]
	return nil
}

// learnerKey reads the key pair of the sandbox profile from the sandbox's
// credentials file.
func (s *Sandbox) learnerKey() (id, secret string, err error) {
	f, err := os.Open(s.AWSCredentialsFile())
	if err != nil {
		return "", "", fmt.Errorf("read sandbox credentials: %w", err)
	}
	defer f.Close()

	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok || section != s.Config.AWSProfile {
			continue
		}
		switch strings.TrimSpace(name) {
		case "aws_access_key_id":
			id = strings.TrimSpace(value)
		case "aws_secret_access_key":
			secret = strings.TrimSpace(value)
		}
	}
	if err := sc.Err(); err != nil {
		return "", "", fmt.Errorf("read sandbox credentials: %w", err)
	}
	if id == "" || secret == "" {
		return "", "", fmt.Errorf("%w: %s has no key pair for profile %q", ErrCorrupt, s.AWSCredentialsFile(), s.Config.AWSProfile)
	}
	return id, secret, nil
}
