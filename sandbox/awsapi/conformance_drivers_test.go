package awsapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// callTimeout bounds one call through any client.
const callTimeout = 30 * time.Second

// sdkDriver sends calls through aws-sdk-go-v2. It finds the client method by
// the operation's name and decodes the input JSON into the method's input
// struct.
type sdkDriver struct {
	url     string
	region  string
	clients map[string]reflect.Value
}

func newSDKDriver(url, region string) *sdkDriver {
	return &sdkDriver{url: url, region: region, clients: map[string]reflect.Value{}}
}

func (d *sdkDriver) name() string { return "go" }

// client returns the service client for a key, made once and reused.
func (d *sdkDriver) client(t *testing.T, service string, key SeedKey) reflect.Value {
	t.Helper()
	cacheKey := service + "\x00" + key.ID + "\x00" + key.Secret
	if c, ok := d.clients[cacheKey]; ok {
		return c
	}
	cfg := aws.Config{
		Region:       d.region,
		Credentials:  credentials.NewStaticCredentialsProvider(key.ID, key.Secret, ""),
		BaseEndpoint: aws.String(d.url),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
	var c any
	switch service {
	case "secretsmanager":
		c = secretsmanager.NewFromConfig(cfg)
	case "iam":
		c = iam.NewFromConfig(cfg)
	case "sts":
		c = sts.NewFromConfig(cfg)
	case "s3":
		c = s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	default:
		t.Fatalf("Go driver: unknown service %q", service)
	}
	d.clients[cacheKey] = reflect.ValueOf(c)
	return d.clients[cacheKey]
}

func (d *sdkDriver) call(t *testing.T, c resolvedCall) callResult {
	t.Helper()
	method := d.client(t, c.Service, c.Key).MethodByName(c.Op)
	if !method.IsValid() {
		t.Fatalf("Go driver: the %s client has no method %s", c.Service, c.Op)
	}
	in := reflect.New(method.Type().In(1).Elem())
	data, err := json.Marshal(c.Input)
	requireNoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(in.Interface()); err != nil {
		t.Fatalf("Go driver: decode %s input into %s: %v", c.Op, in.Type().Elem(), err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	results := method.Call([]reflect.Value{reflect.ValueOf(ctx), in})
	if err, _ := results[1].Interface().(error); err != nil {
		return sdkErrorResult(err)
	}
	out := results[0]
	res := callResult{Status: sdkStatus(out), Output: map[string]any{}}
	plain, _ := plainValue(out)
	data, err = json.Marshal(plain)
	requireNoError(t, err)
	requireNoError(t, json.Unmarshal(data, &res.Output))
	return res
}

// sdkStatus reads the HTTP status of a successful call from the output's
// result metadata.
func sdkStatus(out reflect.Value) int {
	meta, ok := out.Elem().FieldByName("ResultMetadata").Interface().(middleware.Metadata)
	if !ok {
		return 0
	}
	if resp, ok := awsmiddleware.GetRawResponse(meta).(*smithyhttp.Response); ok {
		return resp.StatusCode
	}
	return 0
}

// sdkErrorResult reads the status and error code of a failed call. An
// error without a response, or a response without an error code, is a
// client error.
func sdkErrorResult(err error) callResult {
	var res callResult
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) {
		res.Status = respErr.HTTPStatusCode()
	}
	var apiErr smithy.APIError
	if res.Status == 0 || !errors.As(err, &apiErr) {
		res.ClientError = err.Error()
		return res
	}
	res.Error, res.Message = apiErr.ErrorCode(), apiErr.ErrorMessage()
	return res
}

// plainValue turns an SDK output into plain JSON values: times become epoch
// seconds, byte slices base64 strings, and nil pointers, nil slices, nil
// maps and unset enums disappear. The bool reports whether v has a value.
func plainValue(v reflect.Value) (any, bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, false
		}
		if e := v.Elem(); e.Kind() == reflect.String {
			return e.String(), true
		}
		return plainValue(v.Elem())
	case reflect.Struct:
		return plainStruct(v)
	case reflect.Slice:
		return plainSlice(v)
	case reflect.Map:
		if v.IsNil() {
			return nil, false
		}
		out := map[string]any{}
		for iter := v.MapRange(); iter.Next(); {
			x, _ := plainValue(iter.Value())
			out[iter.Key().String()] = x
		}
		return out, true
	case reflect.String:
		return v.String(), v.String() != ""
	case reflect.Bool:
		return v.Bool(), true
	case reflect.Int, reflect.Int32, reflect.Int64:
		return v.Int(), true
	}
	return nil, false
}

func plainStruct(v reflect.Value) (any, bool) {
	if t, ok := v.Interface().(time.Time); ok {
		return float64(t.UnixMilli()) / 1000, true
	}
	out := map[string]any{}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() || f.Name == "ResultMetadata" {
			continue
		}
		if x, ok := plainValue(v.Field(i)); ok {
			out[f.Name] = x
		}
	}
	return out, true
}

func plainSlice(v reflect.Value) (any, bool) {
	if v.IsNil() {
		return nil, false
	}
	if v.Type().Elem().Kind() == reflect.Uint8 {
		return base64.StdEncoding.EncodeToString(v.Bytes()), true
	}
	out := make([]any, v.Len())
	for i := range v.Len() {
		out[i], _ = plainValue(v.Index(i))
	}
	return out, true
}

// clientProcessEnv returns the environment of a boto3 or aws CLI child
// process: the parent's environment without AWS and proxy settings, pointed
// at url with key. The child gets its own home folder and config files, so it
// never reads the real ~/.aws.
func clientProcessEnv(t *testing.T, url, region string, key SeedKey) []string {
	t.Helper()
	home := t.TempDir()
	config, creds := filepath.Join(home, "config"), filepath.Join(home, "credentials")
	for _, f := range []string{config, creds} {
		requireNoError(t, os.WriteFile(f, nil, 0o600))
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AWS_") || strings.HasSuffix(strings.ToLower(name), "_proxy") || name == "HOME" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"HOME="+home,
		"AWS_CONFIG_FILE="+config,
		"AWS_SHARED_CREDENTIALS_FILE="+creds,
		"AWS_ENDPOINT_URL="+url,
		"AWS_ACCESS_KEY_ID="+key.ID,
		"AWS_SECRET_ACCESS_KEY="+key.Secret,
		"AWS_DEFAULT_REGION="+region,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_MAX_ATTEMPTS=1",
	)
}

// boto3Driver sends calls through boto3, in one Python process that reads a
// call per line on stdin and writes its result per line on stdout.
type boto3Driver struct {
	stdin  io.WriteCloser
	out    *bufio.Scanner
	stderr *bytes.Buffer
}

func newBoto3Driver(t *testing.T, target conformanceTarget) *boto3Driver {
	t.Helper()
	cmd := exec.Command("python3", filepath.Join("testdata", "conformance", "boto3_driver.py"))
	cmd.Env = clientProcessEnv(t, target.url, target.region, target.learner)
	d := &boto3Driver{stderr: &bytes.Buffer{}}
	d.stdin, d.out = startLineProcess(t, cmd, d.stderr)
	return d
}

func (d *boto3Driver) name() string { return "boto3" }

func (d *boto3Driver) call(t *testing.T, c resolvedCall) callResult {
	t.Helper()
	line, err := json.Marshal(map[string]any{"service": c.Service, "op": c.Op, "params": c.Input, "key_id": c.Key.ID, "secret": c.Key.Secret})
	requireNoError(t, err)
	var res callResult
	exchangeLine(t, "boto3 driver", d.stdin, d.out, d.stderr, line, &res)
	return res
}

// startLineProcess starts a helper process that responds to each line on its
// stdin with one line on its stdout, and stops it when the test ends.
func startLineProcess(t *testing.T, cmd *exec.Cmd, stderr *bytes.Buffer) (io.WriteCloser, *bufio.Scanner) {
	t.Helper()
	stdin, err := cmd.StdinPipe()
	requireNoError(t, err)
	stdout, err := cmd.StdoutPipe()
	requireNoError(t, err)
	cmd.Stderr = stderr
	requireNoError(t, cmd.Start())
	t.Cleanup(func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("%s exited: %v\n%s", filepath.Base(cmd.Path), err, truncate(stderr.String(), 2000))
		}
	})
	out := bufio.NewScanner(stdout)
	out.Buffer(make([]byte, 0, 1<<20), 16<<20)
	return stdin, out
}

// exchangeLine sends one request line to a helper process and decodes the
// response line into v.
func exchangeLine(t *testing.T, name string, stdin io.Writer, out *bufio.Scanner, stderr *bytes.Buffer, line []byte, v any) {
	t.Helper()
	if _, err := stdin.Write(append(line, '\n')); err != nil {
		t.Fatalf("%s: send request: %v\n%s", name, err, truncate(stderr.String(), 2000))
	}
	if !out.Scan() {
		t.Fatalf("%s: no response: %v\n%s", name, out.Err(), truncate(stderr.String(), 2000))
	}
	if err := json.Unmarshal(out.Bytes(), v); err != nil {
		t.Fatalf("%s: decode response: %v", name, err)
	}
}

// cliDriver sends each call as one aws CLI command with --cli-input-json.
// It runs the CLI with --debug only to read the HTTP status from urllib3's
// log line. That output holds request bodies, so a failure message shows at
// most its last line.
type cliDriver struct {
	dir    string
	runner cliRunner
}

// cliRun is the exit code and output of one aws CLI command.
type cliRun struct {
	ExitCode int    `json:"exit_code"`
	Stdout   string `json:"stdout"`
	Stderr   string `json:"stderr"`
}

// cliRunner runs aws CLI commands with an access key pair.
type cliRunner interface {
	run(t *testing.T, args []string, key SeedKey) cliRun
}

func newCLIDriver(t *testing.T, cli cliProgram, target conformanceTarget) *cliDriver {
	t.Helper()
	env := clientProcessEnv(t, target.url, target.region, target.learner)
	d := &cliDriver{dir: t.TempDir()}
	if cli.python == "" || os.Getenv(cliPerProcessVar) != "" {
		d.runner = &processRunner{program: cli.program, env: env}
	} else {
		d.runner = startInProcessRunner(t, cli.python, env)
	}
	return d
}

func (d *cliDriver) name() string { return "cli" }

var (
	cliStatusPattern = regexp.MustCompile(`"(?:GET|POST|PUT|DELETE|HEAD) \S+ HTTP/1\.1" (\d{3})`)
	cliErrorPattern  = regexp.MustCompile(`An error occurred \(([^)]+)\) when calling the \w+ operation(?: \(reached max retries: \d+\))?: ([^\n]*)`)
)

// cliServiceErrorExit is the exit code of aws CLI v1 for an error response
// from the service.
const cliServiceErrorExit = 255

func (d *cliDriver) call(t *testing.T, c resolvedCall) callResult {
	t.Helper()
	input, err := cliInput(c.Input)
	if err != nil {
		return callResult{ClientError: err.Error()}
	}
	inputPath := filepath.Join(d.dir, "input.json")
	requireNoError(t, os.WriteFile(inputPath, input, 0o600))
	service := c.Service
	if service == "s3" {
		service = "s3api"
	}
	args := []string{service, kebabCase(c.Op), "--cli-input-json", "file://" + inputPath, "--output", "json", "--no-paginate", "--debug"}
	return cliResult(c.Op, d.runner.run(t, args, c.Key))
}

// cliResult reads a call's result from the CLI's output and exit code.
func cliResult(op string, run cliRun) callResult {
	var res callResult
	if m := cliStatusPattern.FindAllStringSubmatch(run.Stderr, -1); len(m) > 0 {
		res.Status, _ = strconv.Atoi(m[len(m)-1][1])
	}
	if run.ExitCode == 0 {
		res.Output = map[string]any{}
		if strings.TrimSpace(run.Stdout) != "" {
			if err := json.Unmarshal([]byte(run.Stdout), &res.Output); err != nil {
				res.ClientError = fmt.Sprintf("decode output of %s: %v", op, err)
			}
		}
		return res
	}
	m := cliErrorPattern.FindStringSubmatch(run.Stderr)
	switch {
	case m == nil:
		res.ClientError = fmt.Sprintf("exit code %d: %s", run.ExitCode, lastLine(run.Stderr))
	case run.ExitCode != cliServiceErrorExit:
		res.ClientError = fmt.Sprintf("exit code %d for service error %s, want %d", run.ExitCode, m[1], cliServiceErrorExit)
	default:
		res.Error, res.Message = m[1], m[2]
	}
	return res
}

// processRunner runs each command as its own aws process.
type processRunner struct {
	program string
	env     []string
}

func (r *processRunner) run(t *testing.T, args []string, key SeedKey) cliRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.program, args...)
	cmd.Env = append(slices.Clip(r.env), "AWS_ACCESS_KEY_ID="+key.ID, "AWS_SECRET_ACCESS_KEY="+key.Secret)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return cliRun{Stdout: stdout.String(), Stderr: stderr.String()}
	case errors.As(err, &exit):
		return cliRun{ExitCode: exit.ExitCode(), Stdout: stdout.String(), Stderr: stderr.String()}
	}
	t.Fatalf("run %s: %v", r.program, err)
	return cliRun{}
}

// inProcessRunner runs commands through testdata/conformance/cli_driver.py,
// which calls the CLI's main function once per command in one Python
// process.
type inProcessRunner struct {
	stdin  io.WriteCloser
	out    *bufio.Scanner
	stderr *bytes.Buffer
}

func startInProcessRunner(t *testing.T, python string, env []string) *inProcessRunner {
	t.Helper()
	cmd := exec.Command(python, filepath.Join("testdata", "conformance", "cli_driver.py"))
	cmd.Env = env
	r := &inProcessRunner{stderr: &bytes.Buffer{}}
	r.stdin, r.out = startLineProcess(t, cmd, r.stderr)
	return r
}

func (r *inProcessRunner) run(t *testing.T, args []string, key SeedKey) cliRun {
	t.Helper()
	line, err := json.Marshal(map[string]any{"args": args, "env": map[string]string{"AWS_ACCESS_KEY_ID": key.ID, "AWS_SECRET_ACCESS_KEY": key.Secret}})
	requireNoError(t, err)
	var run cliRun
	exchangeLine(t, "aws CLI driver", r.stdin, r.out, r.stderr, line, &run)
	return run
}

// cliProgram is an installed aws CLI v1.
type cliProgram struct {
	// program is the aws executable.
	program string
	// python is the interpreter named on the first line of the aws script,
	// or "" when aws is not a Python script.
	python string
}

// cliPerProcessVar names the environment variable that, when set, makes the
// CLI driver start one aws process per call, as a user would. That is
// slower: about 0.37 s of CPU per call.
const cliPerProcessVar = "AWSAPI_CLI_PER_PROCESS"

// findCLI returns the aws CLI on PATH. When that is a pyenv shim, it returns
// the script the shim runs, which saves the shim's own start-up of about
// 0.1 s on every call.
func findCLI() (cliProgram, error) {
	path, err := exec.LookPath("aws")
	if err != nil {
		return cliProgram{}, err
	}
	if filepath.Base(filepath.Dir(path)) == "shims" {
		if out, err := exec.Command("pyenv", "which", "aws").Output(); err == nil {
			path = strings.TrimSpace(string(out))
		}
	}
	return cliProgram{program: path, python: scriptInterpreter(path)}, nil
}

// scriptInterpreter returns the Python interpreter of a "#!" script, or "".
func scriptInterpreter(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	first, _ := bufio.NewReader(f).ReadString('\n')
	interpreter, ok := strings.CutPrefix(strings.TrimSpace(first), "#!")
	if !ok || strings.Contains(interpreter, " ") || !strings.Contains(filepath.Base(interpreter), "python") {
		return ""
	}
	return interpreter
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return truncate(lines[len(lines)-1], 300)
}

// cliInput encodes a call's input for --cli-input-json. AWS CLI v1 sends a
// blob member's string as its UTF-8 bytes rather than decoding base64, so
// SecretBinary, base64 in the spec, is decoded first. Only bytes that form
// valid UTF-8 can be sent this way.
func cliInput(input map[string]any) ([]byte, error) {
	in := make(map[string]any, len(input))
	for k, v := range input {
		in[k] = v
	}
	if s, ok := in["SecretBinary"].(string); ok {
		raw, err := base64.StdEncoding.DecodeString(s)
		if err != nil || !utf8.Valid(raw) {
			return nil, fmt.Errorf("SecretBinary %q cannot be sent by AWS CLI v1: want base64 of valid UTF-8", truncate(s, 20))
		}
		in["SecretBinary"] = string(raw)
	}
	return json.Marshal(in)
}

// kebabCase turns an operation name into the CLI's command name:
// ListSecretVersionIds becomes list-secret-version-ids.
func kebabCase(op string) string {
	var b strings.Builder
	for i, r := range op {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}
