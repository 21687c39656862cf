package awsapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/secretslab/workshop/internal/atomicfile"
)

// stateFormat is the version of the state file layout this code reads and
// writes.
const stateFormat = 1

// ErrStateFormat is returned when a state file is not valid JSON or was
// written in a layout this code does not read.
var ErrStateFormat = errors.New("unsupported state file")

// stateData is the endpoint's whole state, as stored in the state file.
type stateData struct {
	Format    int    `json:"format"`
	SandboxID string `json:"sandbox_id"`
	AccountID string `json:"account_id"`
	Region    string `json:"region"`

	Users []*userRecord `json:"users"`
	// Keys holds the access keys that exist now, active or inactive.
	Keys []*keyRecord `json:"access_keys"`
	// Issued holds every access key ever issued, deleted ones included. It
	// never shrinks.
	Issued  []*IssuedKey    `json:"issued_keys"`
	Buckets []bucketRecord  `json:"buckets"`
	Secrets []*secretRecord `json:"secrets"`
}

type userRecord struct {
	Name    string    `json:"name"`
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	// Actions lists the IAM actions the user may call, such as
	// "secretsmanager:GetSecretValue"; "*" allows every action and
	// "service:*" every action of one service.
	Actions []string `json:"actions"`
}

type keyRecord struct {
	ID       string       `json:"id"`
	Secret   string       `json:"secret"`
	User     string       `json:"user"`
	Status   string       `json:"status"`
	Created  time.Time    `json:"created"`
	LastUsed *lastUseInfo `json:"last_used,omitempty"`
}

// lastUseInfo records the most recent authenticated request signed with an
// access key, at minute resolution.
type lastUseInfo struct {
	Date    time.Time `json:"date"`
	Service string    `json:"service"`
	Region  string    `json:"region"`
}

type bucketRecord struct {
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
}

type secretRecord struct {
	ARN          string     `json:"arn"`
	Name         string     `json:"name"`
	Description  string     `json:"description,omitempty"`
	KmsKeyID     string     `json:"kms_key_id,omitempty"`
	Type         string     `json:"type,omitempty"`
	Created      time.Time  `json:"created"`
	LastChanged  time.Time  `json:"last_changed"`
	LastAccessed *time.Time `json:"last_accessed,omitempty"`
	// DeletedDate is when DeleteSecret scheduled the deletion, and
	// DeletionDate is when the recovery window ends and the secret goes.
	DeletedDate  *time.Time       `json:"deleted_date,omitempty"`
	DeletionDate *time.Time       `json:"deletion_date,omitempty"`
	Rotation     *rotationRecord  `json:"rotation,omitempty"`
	Tags         []tagRecord      `json:"tags,omitempty"`
	Versions     []*versionRecord `json:"versions,omitempty"`
}

type rotationRecord struct {
	Enabled      bool          `json:"enabled"`
	LambdaARN    string        `json:"lambda_arn,omitempty"`
	Rules        *rotationJSON `json:"rules,omitempty"`
	LastRotated  *time.Time    `json:"last_rotated,omitempty"`
	NextRotation *time.Time    `json:"next_rotation,omitempty"`
}

type tagRecord struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// versionRecord is one version of a secret. A version created by
// RotateSecret has no value until PutSecretValue fills it in; otherwise
// exactly one of String and Binary is set.
type versionRecord struct {
	ID           string     `json:"id"`
	String       *string    `json:"string,omitempty"`
	Binary       []byte     `json:"binary,omitempty"`
	Stages       []string   `json:"stages,omitempty"`
	Created      time.Time  `json:"created"`
	LastAccessed *time.Time `json:"last_accessed,omitempty"`
}

func readStateData(path string) (*stateData, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read AWS state %s: %w", path, err)
	}
	var st stateData
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("read AWS state %s: %w: %w", path, ErrStateFormat, err)
	}
	if st.Format != stateFormat {
		return nil, fmt.Errorf("read AWS state %s: %w: format %d, want %d", path, ErrStateFormat, st.Format, stateFormat)
	}
	return &st, nil
}

func writeStateData(path string, st *stateData) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode AWS state: %w", err)
	}
	if err := atomicfile.WriteFile(path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("save AWS state: %w", err)
	}
	return nil
}

func (st *stateData) user(name string) *userRecord {
	for _, u := range st.Users {
		if u.Name == name {
			return u
		}
	}
	return nil
}

func (st *stateData) key(id string) *keyRecord {
	for _, k := range st.Keys {
		if k.ID == id {
			return k
		}
	}
	return nil
}

func (st *stateData) userKeys(name string) []*keyRecord {
	var keys []*keyRecord
	for _, k := range st.Keys {
		if k.User == name {
			keys = append(keys, k)
		}
	}
	return keys
}

func (st *stateData) issued(id string) *IssuedKey {
	for _, k := range st.Issued {
		if k.ID == id {
			return k
		}
	}
	return nil
}

// deleteKey removes an access key and stamps its deletion in the list of
// issued keys.
func (st *stateData) deleteKey(id string, now time.Time) {
	st.Keys = slices.DeleteFunc(st.Keys, func(k *keyRecord) bool { return k.ID == id })
	if rec := st.issued(id); rec != nil && rec.Deleted == nil {
		deleted := now
		rec.Deleted = &deleted
	}
}

func (u *userRecord) arn(account string) string {
	return "arn:aws:iam::" + account + ":user/" + u.Name
}
