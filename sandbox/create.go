package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/secretslab/workshop/internal/atomicfile"
	"github.com/secretslab/workshop/internal/gitcmd"
	"github.com/secretslab/workshop/internal/keys"
	"github.com/secretslab/workshop/sandbox/awsapi"
	"github.com/secretslab/workshop/sandbox/sampleapp"
)

// Defaults fixed for every sandbox.
const (
	DefaultDirName     = "secrets-workshop"
	DefaultRegion      = "us-east-1"
	DefaultAccountID   = "123456789012"
	DefaultProfile     = "workshop"
	DefaultLearnerUser = "workshop-learner"
	DefaultAppUser     = "sample-app-user"
	WorkshopID         = "secrets"
)

var learnerPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,38}$`)

// ErrInvalidLearner is returned when a learner name cannot be used as a
// folder and user name.
var ErrInvalidLearner = errors.New("invalid learner name")

// CreateOptions configures Create.
type CreateOptions struct {
	// Dir is the folder to create; it must not exist or be empty.
	Dir string
	// Learner names the learner; it becomes the owner of the fork. Default "learner".
	Learner string
	// AWSMode is AWSLocal (default) or AWSReal.
	AWSMode string
	// AWSRegion defaults to DefaultRegion.
	AWSRegion string
	// AWSProfile names the learner's AWS profile in real mode; default
	// "default". Local mode always uses the sandbox's own profile,
	// DefaultProfile, so setting it there is an error.
	AWSProfile string
	// AWSPort is the local endpoint's loopback port; required in local mode.
	AWSPort int
	// Git runs the git binary.
	Git gitcmd.Runner
	// Now returns the current time; default time.Now.
	Now func() time.Time
	// Rand is the source of key material and ids; default crypto/rand.
	Rand io.Reader
}

// ValidateLearner returns an error naming name when it cannot be used.
func ValidateLearner(name string) error {
	if !learnerPattern.MatchString(name) {
		return fmt.Errorf("%w %q: use 1 to 39 lower-case letters, digits and hyphens, starting with a letter or digit", ErrInvalidLearner, name)
	}
	return nil
}

// Create builds a new sandbox in opts.Dir: the upstream repository with its
// history, the learner's clone, the sandbox-only AWS files and the endpoint's
// seeded state. It does not start the endpoint. When it fails it removes what
// it created.
//
// In real mode there are no AWS files and no endpoint. Instead, before it
// writes anything, Create signs sts GetCallerIdentity with the learner's
// profile, rejects the account's root user, and records the account id.
func Create(ctx context.Context, opts CreateOptions) (sb *Sandbox, err error) {
	opts, err = opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if _, err := opts.Git.LookPath(); err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("create sandbox %s: %w", opts.Dir, err)
	}
	sb = &Sandbox{Dir: dir}
	if sb.Config, err = newConfig(opts); err != nil {
		return nil, err
	}
	if sb.Config.AWSMode == AWSReal {
		if err := sb.verifyRealAWS(ctx); err != nil {
			return nil, err
		}
	}

	if err := prepareEmptyDir(dir); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir) //nolint:errcheck // the folder was empty or missing before Create
		}
	}()
	if err := sb.build(ctx, opts); err != nil {
		return nil, err
	}
	return sb, nil
}

func (o CreateOptions) withDefaults() (CreateOptions, error) {
	if o.Dir == "" {
		o.Dir = DefaultDirName
	}
	if o.Learner == "" {
		o.Learner = "learner"
	}
	if err := ValidateLearner(o.Learner); err != nil {
		return o, err
	}
	if o.AWSMode == "" {
		o.AWSMode = AWSLocal
	}
	if o.AWSMode != AWSLocal && o.AWSMode != AWSReal {
		return o, fmt.Errorf("invalid AWS mode %q: use %q or %q", o.AWSMode, AWSLocal, AWSReal)
	}
	if o.AWSMode == AWSLocal && (o.AWSPort <= 0 || o.AWSPort > 65535) {
		return o, fmt.Errorf("invalid endpoint port %d: use a port from 1 to 65535", o.AWSPort)
	}
	if o.AWSRegion == "" {
		o.AWSRegion = DefaultRegion
	}
	if o.AWSMode == AWSLocal && o.AWSProfile != "" {
		return o, fmt.Errorf("invalid AWS profile %q: a local sandbox uses its own profile; profiles apply to real AWS only", o.AWSProfile)
	}
	if o.AWSMode == AWSReal && o.AWSProfile == "" {
		o.AWSProfile = "default"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	return o, nil
}

// prepareEmptyDir creates dir, or accepts it when it exists and is empty, so
// Create never mixes a sandbox into someone's files.
func prepareEmptyDir(dir string) error {
	if Exists(dir) {
		return fmt.Errorf("%w: %s", ErrExists, dir)
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return fmt.Errorf("create sandbox %s: %w", dir, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("create sandbox: folder %s is not empty: choose another folder with --dir", dir)
	}
	return nil
}

func newConfig(opts CreateOptions) (Config, error) {
	fake, err := keys.NewPair(opts.Rand)
	if err != nil {
		return Config{}, err
	}
	id := make([]byte, 6)
	if _, err := io.ReadFull(opts.Rand, id); err != nil {
		return Config{}, fmt.Errorf("generate sandbox id: %w", err)
	}
	cfg := Config{
		FormatVersion:       ConfigFormatVersion,
		ID:                  hex.EncodeToString(id),
		Workshop:            WorkshopID,
		Learner:             opts.Learner,
		Created:             opts.Now().UTC().Truncate(time.Second),
		AWSMode:             opts.AWSMode,
		AWSRegion:           opts.AWSRegion,
		AWSPort:             opts.AWSPort,
		AccountID:           DefaultAccountID,
		AWSProfile:          DefaultProfile,
		LearnerUser:         DefaultLearnerUser,
		AppUser:             DefaultAppUser,
		FakeAccessKeyID:     fake.ID,
		FakeSecretAccessKey: fake.Secret,
		SuggestedSecretName: "sample-app/" + opts.Learner + "/aws-credentials",
	}
	if opts.AWSMode == AWSReal {
		cfg.AWSPort = 0
		cfg.AWSProfile = opts.AWSProfile
		// AWS keeps the name of a secret scheduled for deletion taken for
		// its 7 to 30 day recovery window, so every real sandbox gets a
		// name of its own.
		cfg.SuggestedSecretName = "workshop/" + opts.Learner + "-" + cfg.ID + "/aws-credentials"
	}
	return cfg, nil
}

func (s *Sandbox) build(ctx context.Context, opts CreateOptions) error {
	if err := os.MkdirAll(filepath.Dir(s.UpstreamDir()), 0o755); err != nil {
		return fmt.Errorf("create git host: %w", err)
	}
	if err := sampleapp.WriteUpstream(ctx, s.UpstreamDir()); err != nil {
		return fmt.Errorf("create upstream repository: %w", err)
	}
	if err := s.cloneApp(ctx, opts.Git); err != nil {
		return err
	}
	if err := os.MkdirAll(s.AWSDir(), 0o700); err != nil {
		return fmt.Errorf("create AWS folder: %w", err)
	}
	if s.Config.AWSMode == AWSLocal {
		if err := s.seedLocalAWS(opts); err != nil {
			return err
		}
	}
	if err := s.writeConfig(); err != nil {
		return err
	}
	return s.writeProgress(newProgress())
}

func (s *Sandbox) cloneApp(ctx context.Context, git gitcmd.Runner) error {
	if _, err := git.Run(ctx, s.Dir, "clone", "--quiet", s.UpstreamURL(), s.AppDir()); err != nil {
		return fmt.Errorf("clone the sample app: %w", err)
	}
	// Commits in the sandbox need an identity; keep the learner's own one
	// when git has it, and give the clone a local one otherwise.
	if _, err := git.Output(ctx, s.AppDir(), "config", "user.email"); err == nil {
		return nil
	}
	if _, err := git.Run(ctx, s.AppDir(), "config", "user.name", s.Config.Learner); err != nil {
		return fmt.Errorf("set the clone's git identity: %w", err)
	}
	if _, err := git.Run(ctx, s.AppDir(), "config", "user.email", s.Config.Learner+"@workshop.invalid"); err != nil {
		return fmt.Errorf("set the clone's git identity: %w", err)
	}
	return nil
}

func (s *Sandbox) seedLocalAWS(opts CreateOptions) error {
	learnerKey, err := keys.NewPair(opts.Rand)
	if err != nil {
		return err
	}
	seed := awsapi.SeedOptions{
		SandboxID: s.Config.ID,
		AccountID: s.Config.AccountID,
		Region:    s.Config.AWSRegion,
		Users: []awsapi.SeedUser{
			{Name: s.Config.LearnerUser, Admin: true, Keys: []awsapi.SeedKey{{ID: learnerKey.ID, Secret: learnerKey.Secret}}},
			{Name: s.Config.AppUser},
		},
		Buckets: []string{"sample-app-assets", "sample-app-uploads", s.Config.Learner + "-workshop-reports"},
	}
	if err := awsapi.Seed(s.AWSStatePath(), seed, opts.Now()); err != nil {
		return fmt.Errorf("seed the local AWS endpoint: %w", err)
	}
	return s.writeAWSFiles(learnerKey)
}

// writeAWSFiles writes the sandbox-only AWS config and credentials files, so
// the aws CLI and boto3 never read or write the learner's ~/.aws.
func (s *Sandbox) writeAWSFiles(learnerKey keys.Pair) error {
	var config strings.Builder
	fmt.Fprintf(&config, "[profile %s]\n", s.Config.AWSProfile)
	fmt.Fprintf(&config, "region = %s\n", s.Config.AWSRegion)
	fmt.Fprintf(&config, "output = json\n")
	fmt.Fprintf(&config, "endpoint_url = %s\n", s.AWSEndpointURL())
	if err := atomicfile.WriteFile(s.AWSConfigFile(), []byte(config.String()), 0o600); err != nil {
		return err
	}

	var creds strings.Builder
	fmt.Fprintf(&creds, "[%s]\n", s.Config.AWSProfile)
	fmt.Fprintf(&creds, "aws_access_key_id = %s\n", learnerKey.ID)
	fmt.Fprintf(&creds, "aws_secret_access_key = %s\n", learnerKey.Secret)
	return atomicfile.WriteFile(s.AWSCredentialsFile(), []byte(creds.String()), 0o600)
}
