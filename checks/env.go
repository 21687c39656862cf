package checks

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/secretslab/workshop/internal/gitcmd"
	"github.com/secretslab/workshop/internal/secretscan"
	"github.com/secretslab/workshop/sandbox"
)

//go:embed python/inspect_config.py
var inspectConfigScript string

//go:embed python/import_config.py
var importConfigScript string

// pythonTimeout bounds a run of the learner's config.py, which may call the
// endpoint.
const pythonTimeout = 30 * time.Second

// ErrToolFailed wraps failures of the tools a check drives (python3, git,
// the endpoint), as opposed to a learner's unfinished step.
var ErrToolFailed = errors.New("tool failed")

// Env is the environment checks and solutions run in: the sandbox and the
// tools they drive.
type Env struct {
	Sandbox *sandbox.Sandbox
	Git     gitcmd.Runner
	// Python is the interpreter that runs the sample app; default "python3".
	Python string
	// Environ is the base environment of child processes, before the
	// sandbox's own variables are applied.
	Environ []string
	// Facts are values recorded by earlier steps' checks.
	Facts map[string]string
	// HookCommand is the command the fork's pre-receive hook runs.
	HookCommand []string
	Now         func() time.Time
}

func (e *Env) python() string {
	if e.Python == "" {
		return "python3"
	}
	return e.Python
}

// runPython runs a script in the app folder with the sandbox environment and
// returns its standard output.
func (e *Env) runPython(ctx context.Context, script string, stdin []byte, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, pythonTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.python(), append([]string{"-c", script}, args...)...)
	cmd.Dir = e.Sandbox.AppDir()
	cmd.Env = e.Sandbox.ChildEnv(e.Environ)
	cmd.Env = append(cmd.Env, "PYTHONDONTWRITEBYTECODE=1")
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v: %s", ErrToolFailed, e.python(), err, lastLine(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// configInfo describes a config.py without running it.
type configInfo struct {
	SyntaxError *string           `json:"syntax_error"`
	Literals    map[string]string `json:"literals"`
	Assigned    []string          `json:"assigned"`
	Strings     []string          `json:"strings"`
	Calls       []string          `json:"calls"`
	Caught      []string          `json:"caught"`
}

func (c *configInfo) calls(name string) bool   { return slices.Contains(c.Calls, name) }
func (c *configInfo) catches(name string) bool { return slices.Contains(c.Caught, name) }

// inspectConfig parses source (config.py's content) with Python's own parser.
func (e *Env) inspectConfig(ctx context.Context, source []byte) (*configInfo, error) {
	out, err := e.runPython(ctx, inspectConfigScript, source, "-")
	if err != nil {
		return nil, err
	}
	var info configInfo
	if err := json.Unmarshal(out, &info); err != nil {
		return nil, fmt.Errorf("%w: parse the config inspector's output: %v", ErrToolFailed, err)
	}
	return &info, nil
}

// importedConfig holds the key values that `import config` left in the module.
type importedConfig struct {
	Error           *string `json:"error"`
	AccessKeyID     string  `json:"access_key_id"`
	SecretAccessKey string  `json:"secret_access_key"`
}

// importConfig imports the learner's config.py against the sandbox, as the
// sample app does.
func (e *Env) importConfig(ctx context.Context) (*importedConfig, error) {
	out, err := e.runPython(ctx, importConfigScript, nil)
	if err != nil {
		return nil, err
	}
	var imported importedConfig
	if err := json.Unmarshal(out, &imported); err != nil {
		return nil, fmt.Errorf("%w: parse the import's output: %v", ErrToolFailed, err)
	}
	return &imported, nil
}

// awsConfig is the learner's own AWS identity in the sandbox.
func (e *Env) awsConfig(ctx context.Context) (aws.Config, error) {
	cfg, err := e.Sandbox.AWSConfig(ctx)
	if err != nil {
		return aws.Config{}, fmt.Errorf("%w: %v", ErrToolFailed, err)
	}
	cfg.AppID = checkAppID
	return cfg, nil
}

// issuedValues lists every value the sandbox handed out.
func (e *Env) issuedValues() ([]secretscan.Value, error) {
	values, err := e.Sandbox.IssuedValues()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrToolFailed, err)
	}
	return values, nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
