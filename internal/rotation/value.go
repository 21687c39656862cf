package rotation

import (
	"encoding/json"
	"fmt"
)

// Members of the secret's JSON value. The key members use the names of the
// environment variables that the AWS tools read.
const (
	MemberAccessKeyID     = "AWS_ACCESS_KEY_ID"
	MemberSecretAccessKey = "AWS_SECRET_ACCESS_KEY"
	MemberUserName        = "UserName"
)

// keyValue is a secret value that holds an access key pair.
type keyValue struct {
	// members holds every JSON member as it was read, so a new value keeps
	// the members this package does not know.
	members  map[string]json.RawMessage
	ID       string
	Secret   string
	UserName string
}

// parseKeyValue reads an access key pair from a secret's JSON value. Its
// errors never quote the value.
func parseKeyValue(value string) (keyValue, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal([]byte(value), &members); err != nil || members == nil {
		return keyValue{}, fmt.Errorf("the value is not a JSON object")
	}
	v := keyValue{members: members}
	fields := []struct {
		name string
		dst  *string
	}{
		{MemberAccessKeyID, &v.ID},
		{MemberSecretAccessKey, &v.Secret},
		{MemberUserName, &v.UserName},
	}
	for _, f := range fields {
		raw, ok := members[f.name]
		if !ok {
			continue
		}
		if err := json.Unmarshal(raw, f.dst); err != nil {
			return keyValue{}, fmt.Errorf("the member %s is not a string", f.name)
		}
	}
	if v.ID == "" || v.Secret == "" {
		return keyValue{}, fmt.Errorf("the JSON object lacks %s or %s", MemberAccessKeyID, MemberSecretAccessKey)
	}
	return v, nil
}

// withPair returns v's JSON with the key pair replaced and every other
// member kept.
func (v keyValue) withPair(id, secret string) (string, error) {
	members := make(map[string]any, len(v.members)+2)
	for name, raw := range v.members {
		members[name] = raw
	}
	members[MemberAccessKeyID] = id
	members[MemberSecretAccessKey] = secret
	data, err := json.Marshal(members)
	if err != nil {
		return "", fmt.Errorf("encode the new secret value: %w", err)
	}
	return string(data), nil
}
