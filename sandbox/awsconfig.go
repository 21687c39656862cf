package sandbox

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// AWSConfig returns the SDK configuration of the learner's own identity. In
// local mode it signs with the key in the sandbox's credentials file and
// sends every request to the local endpoint, reading nothing from the
// process environment or ~/.aws. In real mode it loads the learner's chosen
// profile the way the AWS CLI does.
func (s *Sandbox) AWSConfig(ctx context.Context) (aws.Config, error) {
	if s.Config.AWSMode == AWSReal {
		cfg, err := config.LoadDefaultConfig(ctx,
			config.WithRegion(s.Config.AWSRegion),
			config.WithSharedConfigProfile(s.Config.AWSProfile))
		if err != nil {
			return aws.Config{}, fmt.Errorf("load AWS profile %q: %w", s.Config.AWSProfile, err)
		}
		return cfg, nil
	}
	id, secret, err := s.learnerKey()
	if err != nil {
		return aws.Config{}, err
	}
	return s.AWSConfigFor(id, secret), nil
}

// AWSConfigFor returns an SDK configuration that signs with the given key
// pair and sends requests to the sandbox's endpoint (local mode) or to AWS
// (real mode).
func (s *Sandbox) AWSConfigFor(accessKeyID, secretAccessKey string) aws.Config {
	cfg := aws.Config{
		Region:           s.Config.AWSRegion,
		Credentials:      credentials.NewStaticCredentialsProvider(accessKeyID, secretAccessKey, ""),
		RetryMaxAttempts: 1,
	}
	if s.Config.AWSMode == AWSLocal {
		cfg.BaseEndpoint = aws.String(s.AWSEndpointURL())
	}
	return cfg
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
