package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// binDir holds the workshop and instructor binaries built for this run.
var binDir string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "workshop-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(dir)
	build := exec.Command("go", "build", "-o", dir, "github.com/secretslab/workshop/cmd/workshop", "github.com/secretslab/workshop/cmd/instructor")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build the binaries:", err)
		return 2
	}
	binDir = dir
	return m.Run()
}

func TestScripts(t *testing.T) {
	for _, tool := range []string{"git", "python3", "aws"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH; the end-to-end scripts drive the real tools", tool)
		}
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		RequireExplicitExec: true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") != "",
		Setup:               setup,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"jsonenv": cmdJSONEnv,
			"edit":    cmdEdit,
			"subst":   cmdSubst,
			"stopall": cmdStopAll,
			"lacks":   cmdLacks,
			"status":  cmdStatus,
		},
	})
}

// setup gives every script the binaries, the real tools, and a home of its
// own, so nothing reads or writes the tester's ~/.aws or git config.
func setup(env *testscript.Env) error {
	path := binDir + string(os.PathListSeparator) + os.Getenv("PATH")
	env.Setenv("PATH", path)
	env.Setenv("BINDIR", binDir)
	env.Setenv("HOME", env.WorkDir)
	env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	env.Setenv("GIT_AUTHOR_NAME", "Ada Learner")
	env.Setenv("GIT_AUTHOR_EMAIL", "ada@example.com")
	env.Setenv("GIT_COMMITTER_NAME", "Ada Learner")
	env.Setenv("GIT_COMMITTER_EMAIL", "ada@example.com")
	env.Setenv("NO_COLOR", "1")
	// pyenv's shims need these to find the interpreter and the aws CLI.
	for _, name := range []string{"PYENV_ROOT", "PYENV_VERSION", "LANG"} {
		if v := os.Getenv(name); v != "" {
			env.Setenv(name, v)
		}
	}
	env.Defer(func() { stopEndpoints(env.WorkDir) })
	return nil
}

// stopEndpoints stops every sandbox endpoint a script started below dir.
func stopEndpoints(dir string) {
	matches, _ := filepath.Glob(filepath.Join(dir, "*", "aws", "endpoint.json"))
	more, _ := filepath.Glob(filepath.Join(dir, "*", "*", "aws", "endpoint.json"))
	for _, m := range append(matches, more...) {
		sandbox := filepath.Dir(filepath.Dir(m))
		exec.Command(filepath.Join(binDir, "workshop"), "stop", "--dir", sandbox).Run() //nolint:errcheck // cleanup
	}
}

// cmdJSONEnv sets an environment variable from a JSON file:
// jsonenv FILE DOTTED.PATH NAME.
func cmdJSONEnv(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: jsonenv FILE PATH NAME")
	}
	var doc any
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &doc))
	for _, part := range strings.Split(args[1], ".") {
		obj, ok := doc.(map[string]any)
		if !ok {
			ts.Fatalf("jsonenv: %s: %q is not an object member", args[0], part)
		}
		doc = obj[part]
	}
	switch v := doc.(type) {
	case string:
		ts.Setenv(args[2], v)
	case float64:
		ts.Setenv(args[2], fmt.Sprintf("%d", int64(v)))
	default:
		ts.Fatalf("jsonenv: %s: %s is not a string or a number", args[0], args[1])
	}
}

// cmdEdit sets a module-level string assignment in a Python file, as a
// learner would in an editor: edit FILE NAME VALUE.
func cmdEdit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: edit FILE NAME VALUE")
	}
	path := ts.MkAbs(args[0])
	line := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(args[1]) + `\s*=.*$`)
	src := ts.ReadFile(args[0])
	if !line.MatchString(src) {
		ts.Fatalf("edit: %s has no assignment to %s", args[0], args[1])
	}
	out := line.ReplaceAllLiteralString(src, fmt.Sprintf("%s = %q", args[1], args[2]))
	ts.Check(os.WriteFile(path, []byte(out), 0o644))
}

// cmdSubst expands $NAME and ${NAME} in a file with the script's
// environment: subst TEMPLATE OUTPUT.
func cmdSubst(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: subst TEMPLATE OUTPUT")
	}
	out := os.Expand(ts.ReadFile(args[0]), ts.Getenv)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(out), 0o644))
}

// cmdStopAll stops every endpoint the script started.
func cmdStopAll(ts *testscript.TestScript, neg bool, args []string) {
	stopEndpoints(ts.Getenv("WORK"))
}

// cmdLacks fails when the last command's stdout or stderr contains the
// value of an environment variable, compared literally: lacks NAME.
func cmdLacks(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: lacks NAME")
	}
	value := ts.Getenv(args[0])
	if value == "" {
		ts.Fatalf("lacks: $%s is empty", args[0])
	}
	for _, stream := range []string{"stdout", "stderr"} {
		if strings.Contains(ts.ReadFile(stream), value) {
			ts.Fatalf("%s contains the value of $%s", stream, args[0])
		}
	}
}

// cmdStatus runs a command and requires its exit status: status N CMD ARGS...
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status N COMMAND [ARGS...]")
	}
	err := ts.Exec(args[1], args[2:]...)
	got := 0
	if err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			ts.Fatalf("status: run %s: %v", args[1], err)
		}
		got = exitErr.ExitCode()
	}
	if fmt.Sprint(got) != args[0] {
		ts.Fatalf("%s exited with status %d, want %s", args[1], got, args[0])
	}
}
