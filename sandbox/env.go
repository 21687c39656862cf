package sandbox

import (
	"strings"
)

// EnvVar is one environment variable the sandbox sets for the learner's shell.
type EnvVar struct {
	Name  string
	Value string
}

// ClearedVars returns the variables `workshop env` unsets in local mode:
// keys and settings from the learner's shell that would otherwise take
// precedence over the sandbox's profile.
func (s *Sandbox) ClearedVars() []string {
	if s.Config.AWSMode != AWSLocal {
		return nil
	}
	return []string{
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
		"AWS_DEFAULT_PROFILE", "AWS_CA_BUNDLE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	}
}

// Env returns the variables that point the official AWS clients at this
// sandbox and name the sandbox for workshop commands.
//
// In real mode they are only the sandbox folder, the learner's profile and
// the sandbox's region. The region goes into both AWS_REGION and
// AWS_DEFAULT_REGION because botocore 1.43 and the AWS CLI v1 read only the
// latter.
func (s *Sandbox) Env() []EnvVar {
	vars := []EnvVar{{Name: "WORKSHOP_DIR", Value: s.Dir}}
	if s.Config.AWSMode == AWSReal {
		return append(vars,
			EnvVar{"AWS_PROFILE", s.Config.AWSProfile},
			EnvVar{"AWS_REGION", s.Config.AWSRegion},
			EnvVar{"AWS_DEFAULT_REGION", s.Config.AWSRegion},
		)
	}
	return append(vars,
		EnvVar{"AWS_ENDPOINT_URL", s.AWSEndpointURL()},
		EnvVar{"AWS_REGION", s.Config.AWSRegion},
		EnvVar{"AWS_DEFAULT_REGION", s.Config.AWSRegion},
		EnvVar{"AWS_PROFILE", s.Config.AWSProfile},
		EnvVar{"AWS_CONFIG_FILE", s.AWSConfigFile()},
		EnvVar{"AWS_SHARED_CREDENTIALS_FILE", s.AWSCredentialsFile()},
		EnvVar{"AWS_EC2_METADATA_DISABLED", "true"},
	)
}

// ChildEnv returns base with the learner's AWS variables removed and the
// sandbox's added, for running python3, aws or git as the learner would
// after `eval "$(workshop env)"`.
func (s *Sandbox) ChildEnv(base []string) []string {
	env := make([]string, 0, len(base)+10)
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		if s.overrides(name) {
			continue
		}
		env = append(env, kv)
	}
	for _, v := range s.Env() {
		env = append(env, v.Name+"="+v.Value)
	}
	return env
}

// overrides reports whether the sandbox replaces the variable name. In local
// mode every AWS_ variable of the learner's shell is dropped, so their own keys
// or settings never reach the sandbox and no request can reach real AWS. In
// real mode only the variables Env sets are replaced; the learner's other
// settings stay, as they do in their shell after `workshop env`.
func (s *Sandbox) overrides(name string) bool {
	if s.Config.AWSMode == AWSLocal && strings.HasPrefix(name, "AWS_") {
		return true
	}
	for _, v := range s.Env() {
		if v.Name == name {
			return true
		}
	}
	return false
}
