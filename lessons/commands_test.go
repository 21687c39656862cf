package lessons

import (
	"bufio"
	"bytes"
	"encoding/json"
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

// codeBlock is one fenced code block of a Markdown text.
type codeBlock struct {
	language string
	text     string
}

func codeBlocks(markdown string) []codeBlock {
	var blocks []codeBlock
	var current *codeBlock
	scanner := bufio.NewScanner(strings.NewReader(markdown))
	for scanner.Scan() {
		line := scanner.Text()
		switch {
		case current == nil && strings.HasPrefix(line, "```"):
			current = &codeBlock{language: strings.TrimPrefix(line, "```")}
		case current != nil && line == "```":
			blocks = append(blocks, *current)
			current = nil
		case current != nil:
			current.text += line + "\n"
		}
	}
	return blocks
}

// shellCommands splits a shell block into commands, joining lines that end
// in a backslash or sit inside a single-quoted string.
func shellCommands(block string) []string {
	var commands []string
	var pending strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(block, "\n"), "\n") {
		pending.WriteString(line + "\n")
		text := pending.String()
		if strings.Count(text, "'")%2 == 1 || strings.HasSuffix(line, "\\") {
			continue
		}
		commands = append(commands, strings.TrimSpace(text))
		pending.Reset()
	}
	return commands
}

func TestCodeLinesFitTerminal(t *testing.T) {
	t.Parallel()
	// Glamour wraps code blocks like paragraphs, and a wrapped command breaks
	// when copied. At a width of 80, a code line keeps 74 columns after the
	// document margins and the code indent. The limit of 72 leaves a little
	// room for sandbox paths longer than the test values.
	const maxColumns = 72
	w := mustEmbedded(t)
	for _, s := range w.Steps {
		text, err := w.StepText(s.ID, testValues())
		if err != nil {
			t.Fatal(err)
		}
		for _, block := range codeBlocks(text) {
			for _, line := range strings.Split(block.text, "\n") {
				if len(line) > maxColumns {
					t.Errorf("step %s: code line of %d columns: %s", s.ID, len(line), line)
				}
			}
		}
	}
}

func TestShellCommands(t *testing.T) {
	t.Parallel()
	block := "cd /app\naws x \\\n  --y 1\naws z --s '{\n  \"a\": 1\n}'\n"
	got := shellCommands(block)
	want := []string{"cd /app", "aws x \\\n  --y 1", "aws z --s '{\n  \"a\": 1\n}'"}
	if len(got) != len(want) {
		t.Fatalf("shellCommands = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("command %d = %q, want %q", i, got[i], want[i])
		}
	}
}

// startMoto starts moto_server on a free port and returns its URL. The
// server stops when the test ends.
func startMoto(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := fmt.Sprint(listener.Addr().(*net.TCPAddr).Port)
	listener.Close()

	cmd := exec.Command("moto_server", "-H", "127.0.0.1", "-p", port)
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
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if conn, err := net.DialTimeout("tcp", address, 200*time.Millisecond); err == nil {
			conn.Close()
			return "http://" + address
		}
	}
	t.Fatalf("moto_server did not listen on %s within 20s:\n%s", address, logs.String())
	return ""
}

// awsEnv returns the environment for aws and python3 against endpoint. It
// drops the test's own AWS_ variables and names config files that do not exist.
func awsEnv(t *testing.T, endpoint string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	missing := filepath.Join(t.TempDir(), "missing")
	return append(env,
		"AWS_ENDPOINT_URL="+endpoint,
		"AWS_CONFIG_FILE="+missing,
		"AWS_SHARED_CREDENTIALS_FILE="+missing,
		"AWS_ACCESS_KEY_ID=testing",
		"AWS_SECRET_ACCESS_KEY=testing",
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_DEFAULT_OUTPUT=json",
		"AWS_EC2_METADATA_DISABLED=true",
		"PYTHONDONTWRITEBYTECODE=1",
	)
}

func runShell(t *testing.T, dir string, env []string, command string) string {
	t.Helper()
	cmd := exec.Command("sh", "-c", command)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			t.Fatalf("%s: %v\n%s", command, err, exitErr.Stderr)
		}
		t.Fatalf("%s: %v", command, err)
	}
	return string(out)
}

type accessKey struct{ id, secret string }

// TestLessonCommandsAgainstMoto runs every aws command of the lessons, in
// order, against moto_server, with the placeholders replaced by the keys
// that the commands create. It also runs the example config.py of the
// use-secret step before and after the rotation.
func TestLessonCommandsAgainstMoto(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts moto_server and runs the aws CLI")
	}
	for _, tool := range []string{"aws", "moto_server", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH", tool)
		}
	}
	env := awsEnv(t, startMoto(t))
	dir := t.TempDir()
	v := testValues()
	runShell(t, dir, env, "aws iam create-user --user-name "+v.AppIAMUser)

	w := mustEmbedded(t)
	var keys []accessKey
	for _, s := range w.Steps {
		text, err := w.StepText(s.ID, v)
		if err != nil {
			t.Fatal(err)
		}
		for _, block := range codeBlocks(text) {
			switch block.language {
			case "sh":
				keys = runAWSCommands(t, dir, env, block.text, keys)
			case "python":
				writeConfig(t, dir, block.text)
			}
		}
		if s.ID == "use-secret" {
			assertConfigKeyID(t, dir, env, keys[0].id)
		}
	}

	if len(keys) != 2 {
		t.Fatalf("the lessons created %d access keys, want 2", len(keys))
	}
	assertConfigKeyID(t, dir, env, keys[1].id)
	listed := runShell(t, dir, env, "aws iam list-access-keys --user-name "+v.AppIAMUser)
	if strings.Contains(listed, keys[0].id) || !strings.Contains(listed, keys[1].id) {
		t.Errorf("after the rotation, the user's keys are not only the new key:\n%s", listed)
	}
}

// runAWSCommands runs the aws commands of one shell block and returns keys
// with every key that the block created appended.
func runAWSCommands(t *testing.T, dir string, env []string, block string, keys []accessKey) []accessKey {
	t.Helper()
	for _, command := range shellCommands(block) {
		if !strings.HasPrefix(command, "aws ") {
			continue
		}
		command = fillPlaceholders(t, command, keys)
		out := runShell(t, dir, env, command)
		if strings.HasPrefix(command, "aws iam create-access-key") {
			var created struct {
				AccessKey struct{ AccessKeyId, SecretAccessKey string }
			}
			if err := json.Unmarshal([]byte(out), &created); err != nil {
				t.Fatalf("%s: decode output: %v", command, err)
			}
			keys = append(keys, accessKey{created.AccessKey.AccessKeyId, created.AccessKey.SecretAccessKey})
		}
	}
	return keys
}

func fillPlaceholders(t *testing.T, command string, keys []accessKey) string {
	t.Helper()
	var pairs []string
	if len(keys) >= 1 {
		pairs = append(pairs, "PASTE_KEY_ID", keys[0].id, "PASTE_SECRET", keys[0].secret, "OLD_KEY_ID", keys[0].id)
	}
	if len(keys) >= 2 {
		pairs = append(pairs, "NEW_KEY_ID", keys[1].id, "NEW_SECRET", keys[1].secret)
	}
	filled := strings.NewReplacer(pairs...).Replace(command)
	for _, placeholder := range []string{"PASTE_", "NEW_KEY_ID", "NEW_SECRET", "OLD_KEY_ID"} {
		if strings.Contains(filled, placeholder) {
			t.Fatalf("%s: %s comes before the command that creates its key", command, placeholder)
		}
	}
	return filled
}

func writeConfig(t *testing.T, dir, code string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "config.py"), []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
}

func assertConfigKeyID(t *testing.T, dir string, env []string, want string) {
	t.Helper()
	got := strings.TrimSpace(runShell(t, dir, env, `python3 -c 'import config; print(config.AWS_ACCESS_KEY_ID)'`))
	if got != want {
		t.Errorf("config.py yields key id %q, want %q", got, want)
	}
}
