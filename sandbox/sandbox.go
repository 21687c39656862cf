package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/secretslab/workshop/internal/atomicfile"
)

// ConfigFile is the name of the file that marks a folder as a sandbox.
const ConfigFile = "sandbox.json"

// ConfigFormatVersion is the version of the sandbox.json layout this code writes.
const ConfigFormatVersion = 1

// AWS modes.
const (
	AWSLocal = "local"
	AWSReal  = "real"
)

var (
	// ErrNotFound is returned when no sandbox is found in the given folder or its parents.
	ErrNotFound = errors.New("no sandbox found")
	// ErrExists is returned when a sandbox is created in a folder that already holds one.
	ErrExists = errors.New("folder already holds a sandbox")
	// ErrCorrupt is returned when a sandbox file cannot be parsed.
	ErrCorrupt = errors.New("sandbox file is corrupted")
)

// Config is the content of sandbox.json: the facts fixed when the sandbox was
// created.
type Config struct {
	FormatVersion int       `json:"format_version"`
	ID            string    `json:"id"`
	Workshop      string    `json:"workshop"`
	Learner       string    `json:"learner"`
	Created       time.Time `json:"created"`

	// AWSMode is AWSLocal (the sandbox endpoint) or AWSReal (the learner's account).
	AWSMode   string `json:"aws_mode"`
	AWSRegion string `json:"aws_region"`
	// AWSPort is the loopback port of the local endpoint.
	AWSPort   int    `json:"aws_port"`
	AccountID string `json:"account_id"`
	// AWSProfile names the profile in the sandbox's own AWS config files.
	AWSProfile string `json:"aws_profile"`

	// LearnerUser is the IAM user behind the learner's own aws commands.
	LearnerUser string `json:"learner_user"`
	// AppUser is the least-privilege IAM user meant for the sample app.
	AppUser string `json:"app_iam_user"`

	// FakeAccessKeyID and FakeSecretAccessKey are the invalid pair the
	// learner hardcodes in the first step. No endpoint accepts them.
	FakeAccessKeyID     string `json:"fake_access_key_id"`
	FakeSecretAccessKey string `json:"fake_secret_access_key"`

	SuggestedSecretName string `json:"suggested_secret_name"`
}

// Sandbox is an opened sandbox folder.
type Sandbox struct {
	Dir    string
	Config Config
}

// Open reads the sandbox in dir.
func Open(dir string) (*Sandbox, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open sandbox %s: %w", dir, err)
	}
	path := filepath.Join(abs, ConfigFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w in %s", ErrNotFound, abs)
	}
	if err != nil {
		return nil, fmt.Errorf("open sandbox: %w", err)
	}

	var cfg Config
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	if cfg.FormatVersion != ConfigFormatVersion {
		return nil, fmt.Errorf("%w: %s has format_version %d, this workshop reads %d", ErrCorrupt, path, cfg.FormatVersion, ConfigFormatVersion)
	}
	return &Sandbox{Dir: abs, Config: cfg}, nil
}

// Find opens the sandbox in start or the nearest parent folder that holds one.
func Find(start string) (*Sandbox, error) {
	abs, err := filepath.Abs(start)
	if err != nil {
		return nil, fmt.Errorf("find sandbox from %s: %w", start, err)
	}
	for dir := abs; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, ConfigFile)); err == nil {
			return Open(dir)
		}
		if filepath.Dir(dir) == dir {
			return nil, fmt.Errorf("%w in %s or its parent folders", ErrNotFound, abs)
		}
	}
}

// Exists reports whether dir holds a sandbox.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, ConfigFile))
	return err == nil
}

func (s *Sandbox) writeConfig() error {
	data, err := json.MarshalIndent(s.Config, "", "  ")
	if err != nil {
		return fmt.Errorf("encode sandbox config: %w", err)
	}
	return atomicfile.WriteFile(filepath.Join(s.Dir, ConfigFile), append(data, '\n'), 0o600)
}

// AppDir is the learner's working clone of the sample app.
func (s *Sandbox) AppDir() string { return filepath.Join(s.Dir, "app") }

// GitHostDir is the root of the local git host.
func (s *Sandbox) GitHostDir() string { return filepath.Join(s.Dir, "githost") }

// UpstreamDir is the bare upstream repository of the sample app.
func (s *Sandbox) UpstreamDir() string {
	return filepath.Join(s.GitHostDir(), "upstream", "sample-app.git")
}

// ForkDir is the learner's fork on the git host; it exists after `workshop fork`.
func (s *Sandbox) ForkDir() string {
	return filepath.Join(s.GitHostDir(), s.Config.Learner, "sample-app.git")
}

// UpstreamURL is the URL git uses for the upstream repository.
func (s *Sandbox) UpstreamURL() string { return fileURL(s.UpstreamDir()) }

// ForkURL is the URL git uses for the fork, whether or not it exists yet.
func (s *Sandbox) ForkURL() string { return fileURL(s.ForkDir()) }

// HasFork reports whether the learner's fork exists.
func (s *Sandbox) HasFork() bool {
	_, err := os.Stat(filepath.Join(s.ForkDir(), "HEAD"))
	return err == nil
}

// AWSDir holds the endpoint's state and the sandbox-only AWS config files.
func (s *Sandbox) AWSDir() string { return filepath.Join(s.Dir, "aws") }

// AWSStatePath is the endpoint's persistent state.
func (s *Sandbox) AWSStatePath() string { return filepath.Join(s.AWSDir(), "state.json") }

// AWSRequestLogPath is the endpoint's request log.
func (s *Sandbox) AWSRequestLogPath() string { return filepath.Join(s.AWSDir(), "requests.jsonl") }

// AWSConfigFile is the sandbox's own AWS config file (AWS_CONFIG_FILE).
func (s *Sandbox) AWSConfigFile() string { return filepath.Join(s.AWSDir(), "config") }

// AWSCredentialsFile is the sandbox's own AWS credentials file (AWS_SHARED_CREDENTIALS_FILE).
func (s *Sandbox) AWSCredentialsFile() string { return filepath.Join(s.AWSDir(), "credentials") }

// AWSEndpointURL is the local endpoint's URL.
func (s *Sandbox) AWSEndpointURL() string {
	return fmt.Sprintf("http://127.0.0.1:%d", s.Config.AWSPort)
}

// LockPath is the file every writing command locks.
func (s *Sandbox) LockPath() string { return filepath.Join(s.Dir, ".workshop.lock") }

// ProgressPath is the learner's progress file.
func (s *Sandbox) ProgressPath() string { return filepath.Join(s.Dir, "progress.json") }

func fileURL(path string) string { return "file://" + filepath.ToSlash(path) }
