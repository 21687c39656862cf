package awsapi

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/secretslab/workshop/internal/keys"
)

// AppUserActions are the IAM actions of a least-privilege application user:
// it may learn who it is, list buckets and read secrets, and nothing else.
var AppUserActions = []string{
	"sts:GetCallerIdentity",
	"s3:ListAllMyBuckets",
	"secretsmanager:GetSecretValue",
	"secretsmanager:DescribeSecret",
}

// SeedOptions describes the state of a new sandbox's endpoint.
type SeedOptions struct {
	// SandboxID is returned by the health check, so a client can tell this
	// sandbox's endpoint from another program on the same port.
	SandboxID string
	// AccountID is the 12-digit AWS account id used in every ARN.
	AccountID string
	// Region is the region of every secret and bucket, such as "us-east-1".
	Region string
	// Users are the IAM users. A user without keys can get some through
	// IAM CreateAccessKey.
	Users []SeedUser
	// Buckets are the names of the S3 buckets that ListBuckets returns.
	Buckets []string
}

// SeedUser is an IAM user of a new sandbox.
type SeedUser struct {
	Name string
	// Admin allows every action. Without it the user gets Actions, or
	// AppUserActions when Actions is empty.
	Admin   bool
	Actions []string
	// Keys are the user's access keys, at most two, all active.
	Keys []SeedKey
}

// SeedKey is an access key pair given to a seeded user.
type SeedKey struct {
	ID     string
	Secret string
}

var (
	accountIDPattern  = regexp.MustCompile(`^[0-9]{12}$`)
	regionPattern     = regexp.MustCompile(`^([a-z]+-)+[0-9]+$`)
	userNamePattern   = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	accessKeyPattern  = regexp.MustCompile(`^\w{16,128}$`)
	bucketNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

// Seed writes a fresh state file at path, replacing any old one. Every
// seeded key is recorded as issued at now.
func Seed(path string, opts SeedOptions, now time.Time) error {
	if err := opts.validate(); err != nil {
		return fmt.Errorf("seed AWS state %s: %w", path, err)
	}
	st, err := opts.state(now.UTC())
	if err != nil {
		return fmt.Errorf("seed AWS state %s: %w", path, err)
	}
	return writeStateData(path, st)
}

func (o SeedOptions) validate() error {
	switch {
	case o.SandboxID == "":
		return errors.New("missing sandbox id")
	case !accountIDPattern.MatchString(o.AccountID):
		return fmt.Errorf("invalid account id %q: want 12 digits", o.AccountID)
	case !regionPattern.MatchString(o.Region):
		return fmt.Errorf("invalid region %q: want a region code such as us-east-1", o.Region)
	}
	if err := validateSeedUsers(o.Users); err != nil {
		return err
	}
	return validateBuckets(o.Buckets)
}

func validateSeedUsers(users []SeedUser) error {
	names := map[string]bool{}
	keyIDs := map[string]bool{}
	for _, u := range users {
		if !userNamePattern.MatchString(u.Name) {
			return fmt.Errorf("invalid user name %q: want 1-64 characters of letters, digits and +=,.@_-", u.Name)
		}
		if names[u.Name] {
			return fmt.Errorf("duplicate user name %q", u.Name)
		}
		names[u.Name] = true
		if len(u.Keys) > maxKeysPerUser {
			return fmt.Errorf("user %q has %d access keys: at most %d are allowed", u.Name, len(u.Keys), maxKeysPerUser)
		}
		for _, k := range u.Keys {
			if !accessKeyPattern.MatchString(k.ID) || k.Secret == "" {
				return fmt.Errorf("invalid access key %s for user %q: want an id of 16-128 word characters and a secret", keys.Redact(k.ID), u.Name)
			}
			if keyIDs[k.ID] {
				return fmt.Errorf("duplicate access key %s", keys.Redact(k.ID))
			}
			keyIDs[k.ID] = true
		}
	}
	return nil
}

func validateBuckets(buckets []string) error {
	seen := map[string]bool{}
	for _, b := range buckets {
		if !bucketNamePattern.MatchString(b) {
			return fmt.Errorf("invalid bucket name %q: want 3-63 lower-case letters, digits, dots and hyphens", b)
		}
		if seen[b] {
			return fmt.Errorf("duplicate bucket name %q", b)
		}
		seen[b] = true
	}
	return nil
}

func (o SeedOptions) state(now time.Time) (*stateData, error) {
	st := &stateData{
		Format:    stateFormat,
		SandboxID: o.SandboxID,
		AccountID: o.AccountID,
		Region:    o.Region,
		Users:     []*userRecord{},
		Keys:      []*keyRecord{},
		Issued:    []*IssuedKey{},
		Buckets:   []bucketRecord{},
		Secrets:   []*secretRecord{},
	}
	for _, u := range o.Users {
		id, err := keys.NewID(nil, keys.UserIDPrefix)
		if err != nil {
			return nil, fmt.Errorf("generate user id for %q: %w", u.Name, err)
		}
		st.Users = append(st.Users, &userRecord{Name: u.Name, ID: id, Created: now, Actions: u.actions()})
		for _, k := range u.Keys {
			st.Keys = append(st.Keys, &keyRecord{ID: k.ID, Secret: k.Secret, User: u.Name, Status: statusActive, Created: now})
			st.Issued = append(st.Issued, &IssuedKey{ID: k.ID, Secret: k.Secret, User: u.Name, Created: now})
		}
	}
	for _, b := range o.Buckets {
		st.Buckets = append(st.Buckets, bucketRecord{Name: b, Created: now})
	}
	return st, nil
}

func (u SeedUser) actions() []string {
	switch {
	case u.Admin:
		return []string{"*"}
	case len(u.Actions) > 0:
		return slices.Clone(u.Actions)
	default:
		return slices.Clone(AppUserActions)
	}
}
