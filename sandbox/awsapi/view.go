package awsapi

import (
	"slices"
	"time"
)

// State is a read-only copy of the endpoint's state file, for checks that
// inspect what the learner did. It does not change when the file does; call
// LoadState again for a fresh copy.
type State struct {
	data *stateData
}

// IssuedKey is an access key the endpoint has issued at some time, whether
// seeded or created through IAM.
type IssuedKey struct {
	ID      string    `json:"id"`
	Secret  string    `json:"secret"`
	User    string    `json:"user"`
	Created time.Time `json:"created"`
	// Deleted is when DeleteAccessKey removed the key, or nil while it exists.
	Deleted *time.Time `json:"deleted,omitempty"`
}

// AccessKey is an access key that exists now.
type AccessKey struct {
	ID     string
	Secret string
	User   string
	// Status is "Active" or "Inactive".
	Status  string
	Created time.Time
	// LastUsed is the minute of the last request signed with the key, or
	// the zero time when it was never used.
	LastUsed time.Time
}

// User is an IAM user of the sandbox.
type User struct {
	Name    string
	ID      string
	ARN     string
	Created time.Time
	// Actions are the IAM actions the user may call; "*" allows all.
	Actions []string
}

// Secret is a Secrets Manager secret, including one scheduled for deletion.
type Secret struct {
	ARN         string
	Name        string
	Description string
	Created     time.Time
	LastChanged time.Time
	// DeletedDate is when DeleteSecret scheduled the deletion, or nil.
	DeletedDate *time.Time
	Tags        map[string]string
	// Versions are in creation order, oldest first.
	Versions []SecretVersion
}

// SecretVersion is one version of a secret. Exactly one of String and Binary
// is set, unless HasValue is false (a version that RotateSecret created and
// nothing has filled in yet).
type SecretVersion struct {
	ID       string
	Stages   []string
	Created  time.Time
	HasValue bool
	String   string
	Binary   []byte
}

// LoadState reads the state file at path.
func LoadState(path string) (*State, error) {
	data, err := readStateData(path)
	if err != nil {
		return nil, err
	}
	return &State{data: data}, nil
}

// SandboxID returns the id of the sandbox the state belongs to.
func (s *State) SandboxID() string { return s.data.SandboxID }

// AccountID returns the AWS account id used in ARNs.
func (s *State) AccountID() string { return s.data.AccountID }

// Region returns the region of the sandbox's secrets and buckets.
func (s *State) Region() string { return s.data.Region }

// IssuedKeys returns every access key ever issued, deleted ones included, in
// the order they were issued.
func (s *State) IssuedKeys() []IssuedKey {
	out := make([]IssuedKey, 0, len(s.data.Issued))
	for _, k := range s.data.Issued {
		c := *k
		if k.Deleted != nil {
			d := *k.Deleted
			c.Deleted = &d
		}
		out = append(out, c)
	}
	return out
}

// AccessKeys returns the access keys of user that exist now, or of every
// user when user is empty.
func (s *State) AccessKeys(user string) []AccessKey {
	var out []AccessKey
	for _, k := range s.data.Keys {
		if user != "" && k.User != user {
			continue
		}
		ak := AccessKey{ID: k.ID, Secret: k.Secret, User: k.User, Status: k.Status, Created: k.Created}
		if k.LastUsed != nil {
			ak.LastUsed = k.LastUsed.Date
		}
		out = append(out, ak)
	}
	return out
}

// Users returns the IAM users.
func (s *State) Users() []User {
	out := make([]User, 0, len(s.data.Users))
	for _, u := range s.data.Users {
		out = append(out, User{Name: u.Name, ID: u.ID, ARN: u.arn(s.data.AccountID), Created: u.Created, Actions: slices.Clone(u.Actions)})
	}
	return out
}

// Buckets returns the names of the S3 buckets.
func (s *State) Buckets() []string {
	out := make([]string, 0, len(s.data.Buckets))
	for _, b := range s.data.Buckets {
		out = append(out, b.Name)
	}
	return out
}

// Secrets returns every secret, including those scheduled for deletion, in
// creation order.
func (s *State) Secrets() []Secret {
	out := make([]Secret, 0, len(s.data.Secrets))
	for _, sec := range s.data.Secrets {
		out = append(out, exportSecret(sec))
	}
	return out
}

// Secret returns the secret that a SecretId names: a full ARN, a name, or an
// ARN without its random suffix, resolved as Secrets Manager does.
func (s *State) Secret(id string) (Secret, bool) {
	sec := s.data.findSecret(id)
	if sec == nil {
		return Secret{}, false
	}
	return exportSecret(sec), true
}

func exportSecret(sec *secretRecord) Secret {
	out := Secret{
		ARN:         sec.ARN,
		Name:        sec.Name,
		Description: sec.Description,
		Created:     sec.Created,
		LastChanged: sec.LastChanged,
		Tags:        map[string]string{},
	}
	if sec.DeletedDate != nil {
		d := *sec.DeletedDate
		out.DeletedDate = &d
	}
	for _, t := range sec.Tags {
		out.Tags[t.Key] = t.Value
	}
	for _, v := range sec.Versions {
		sv := SecretVersion{ID: v.ID, Stages: slices.Clone(v.Stages), Created: v.Created, HasValue: v.hasValue(), Binary: slices.Clone(v.Binary)}
		if v.String != nil {
			sv.String = *v.String
		}
		out.Versions = append(out.Versions, sv)
	}
	return out
}
