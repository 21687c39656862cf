package sampleapp

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cloneApp writes the upstream repository and returns a fresh clone of it.
func cloneApp(t *testing.T) string {
	t.Helper()
	work := filepath.Join(t.TempDir(), "app")
	runGit(t, "clone", "--quiet", writeTestUpstream(t), work)
	return work
}

// fakeKeyPair builds an AWS-shaped key pair that no server has issued.
func fakeKeyPair(t *testing.T) (id, secret string) {
	t.Helper()
	idBytes := make([]byte, 10)
	secretBytes := make([]byte, 30)
	if _, err := rand.Read(idBytes); err != nil {
		t.Fatal(err)
	}
	if _, err := rand.Read(secretBytes); err != nil {
		t.Fatal(err)
	}
	id = "AK" + "IA" + base32.StdEncoding.EncodeToString(idBytes)
	secret = base64.StdEncoding.EncodeToString(secretBytes)
	return id, secret
}

// putKeys replaces the placeholders in the clone's config.py.
func putKeys(t *testing.T, dir, id, secret string) {
	t.Helper()
	path := filepath.Join(dir, ConfigFile)
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	replaced := strings.NewReplacer(PlaceholderAccessKeyID, id, PlaceholderSecretAccessKey, secret).Replace(string(content))
	if replaced == string(content) {
		t.Fatalf("%s contains no placeholders", path)
	}
	if err := os.WriteFile(path, []byte(replaced), 0o644); err != nil {
		t.Fatal(err)
	}
}

type pythonResult struct {
	stdout, stderr string
	exitCode       int
}

// runPython runs python3 in dir against the AWS endpoint URL given. It drops
// every AWS_ variable of the test's own environment and points the AWS config
// and credentials files at a path that does not exist.
func runPython(t *testing.T, dir, endpoint string, args ...string) pythonResult {
	t.Helper()
	cmd := exec.Command("python3", args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	missing := filepath.Join(t.TempDir(), "missing")
	cmd.Env = append(cmd.Env,
		"PYTHONDONTWRITEBYTECODE=1",
		"AWS_CONFIG_FILE="+missing,
		"AWS_SHARED_CREDENTIALS_FILE="+missing,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL="+endpoint,
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatalf("run python3 %s: %v", strings.Join(args, " "), err)
	}
	return pythonResult{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

func requirePython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not on PATH")
	}
}

func TestAppCompiles(t *testing.T) {
	t.Parallel()
	requirePython(t)
	dir := cloneApp(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.py"))
	if err != nil || len(files) == 0 {
		t.Fatalf("glob *.py in %s: %v, %d files", dir, err, len(files))
	}
	cmd := exec.Command("python3", append([]string{"-m", "py_compile"}, files...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("py_compile: %v\n%s", err, out)
	}
}

func TestListBucketsPlaceholders(t *testing.T) {
	t.Parallel()
	requirePython(t)
	res := runPython(t, cloneApp(t), "http://127.0.0.1:1", "list_buckets.py")
	if res.exitCode != 2 {
		t.Errorf("exit code = %d, want 2; stderr:\n%s", res.exitCode, res.stderr)
	}
	for _, want := range []string{"placeholder", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr does not mention %s:\n%s", want, res.stderr)
		}
	}
	if res.stdout != "" {
		t.Errorf("stdout = %q, want nothing", res.stdout)
	}
}

func TestListBucketsUnreachableEndpoint(t *testing.T) {
	t.Parallel()
	requirePython(t)
	dir := cloneApp(t)
	id, secret := fakeKeyPair(t)
	putKeys(t, dir, id, secret)

	res := runPython(t, dir, "http://127.0.0.1:1", "list_buckets.py")
	if res.exitCode != 1 {
		t.Errorf("exit code = %d, want 1; stderr:\n%s", res.exitCode, res.stderr)
	}
	if !strings.HasPrefix(res.stderr, "error: EndpointConnectionError: ") {
		t.Errorf("stderr does not start with the connection error:\n%s", res.stderr)
	}
	if !strings.Contains(res.stderr, "127.0.0.1:1") {
		t.Errorf("stderr does not name the endpoint:\n%s", res.stderr)
	}
	if strings.Contains(res.stderr, "Traceback") {
		t.Errorf("stderr contains a traceback:\n%s", res.stderr)
	}
}

func TestWebPagePlaceholders(t *testing.T) {
	t.Parallel()
	requirePython(t)
	res := runPython(t, cloneApp(t), "http://127.0.0.1:1", "-c", flaskGet)
	if res.exitCode != 0 {
		t.Fatalf("flask test client: exit %d\n%s", res.exitCode, res.stderr)
	}
	if !strings.HasPrefix(res.stdout, "500\n") {
		t.Errorf("status is not 500:\n%s", res.stdout)
	}
	if !strings.Contains(res.stdout, "PlaceholderSettings") {
		t.Errorf("page does not report the placeholders:\n%s", res.stdout)
	}
}

// flaskGet requests / from app.py through Flask's test client and prints the
// status code and the body.
const flaskGet = `
import app
response = app.app.test_client().get("/")
print(response.status_code)
print(response.get_data(as_text=True))
`

// startMoto starts moto_server on a free port with the given extra
// environment and returns its URL; the server stops when the test ends.
func startMoto(t *testing.T, env ...string) string {
	t.Helper()
	if _, err := exec.LookPath("moto_server"); err != nil {
		t.Skip("moto_server is not on PATH")
	}
	port := freePort(t)
	cmd := exec.Command("moto_server", "-H", "127.0.0.1", "-p", port)
	cmd.Env = append(os.Environ(), env...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start moto_server: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // the server keeps no state worth a clean stop
		_ = cmd.Wait()
	})

	address := "127.0.0.1:" + port
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if conn, err := net.DialTimeout("tcp", address, 200*time.Millisecond); err == nil {
			conn.Close()
			return "http://" + address
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("moto_server did not listen on %s within 20s:\n%s", address, logs.String())
	return ""
}

func freePort(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	return fmt.Sprint(listener.Addr().(*net.TCPAddr).Port)
}

func TestAppListsBuckets(t *testing.T) {
	t.Parallel()
	requirePython(t)
	if testing.Short() {
		t.Skip("starts moto_server")
	}
	endpoint := startMoto(t)
	dir := cloneApp(t)
	id, secret := fakeKeyPair(t)
	putKeys(t, dir, id, secret)

	create := runPython(t, dir, endpoint, "-c",
		`import storage; c = storage.s3_client(); c.create_bucket(Bucket="invoices"); c.create_bucket(Bucket="assets")`)
	if create.exitCode != 0 {
		t.Fatalf("create buckets: exit %d\n%s", create.exitCode, create.stderr)
	}

	res := runPython(t, dir, endpoint, "list_buckets.py")
	if res.exitCode != 0 {
		t.Errorf("list_buckets.py exit code = %d, want 0; stderr:\n%s", res.exitCode, res.stderr)
	}
	if res.stdout != "assets\ninvoices\n" {
		t.Errorf("list_buckets.py stdout = %q, want the two buckets in order", res.stdout)
	}

	page := runPython(t, dir, endpoint, "-c", flaskGet)
	if !strings.HasPrefix(page.stdout, "200\n") {
		t.Errorf("status is not 200:\n%s%s", page.stdout, page.stderr)
	}
	if !strings.Contains(page.stdout, "<li>invoices</li>") {
		t.Errorf("page does not list the buckets:\n%s", page.stdout)
	}
}

func TestAppReportsClientError(t *testing.T) {
	t.Parallel()
	requirePython(t)
	if testing.Short() {
		t.Skip("starts moto_server")
	}
	// With INITIAL_NO_AUTH_ACTION_COUNT=0, moto rejects keys it has not issued.
	endpoint := startMoto(t, "INITIAL_NO_AUTH_ACTION_COUNT=0")
	dir := cloneApp(t)
	id, secret := fakeKeyPair(t)
	putKeys(t, dir, id, secret)

	res := runPython(t, dir, endpoint, "list_buckets.py")
	if res.exitCode != 1 {
		t.Errorf("list_buckets.py exit code = %d, want 1; stderr:\n%s", res.exitCode, res.stderr)
	}
	if !strings.HasPrefix(res.stderr, "error: InvalidAccessKeyId: ") {
		t.Errorf("stderr = %q, want the InvalidAccessKeyId code and message", res.stderr)
	}

	page := runPython(t, dir, endpoint, "-c", flaskGet)
	if !strings.HasPrefix(page.stdout, "502\n") {
		t.Errorf("status is not 502:\n%s%s", page.stdout, page.stderr)
	}
	if !strings.Contains(page.stdout, "<strong>InvalidAccessKeyId</strong>") {
		t.Errorf("page does not show the AWS error code:\n%s", page.stdout)
	}
}
