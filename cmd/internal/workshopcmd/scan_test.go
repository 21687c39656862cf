package workshopcmd

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
)

func TestScanFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want ScanOptions
	}{
		{nil, ScanOptions{}},
		{[]string{"src"}, ScanOptions{Path: "src"}},
		{[]string{"--history", "--json", "--dir", "sb", "repo.git"}, ScanOptions{Path: "repo.git", History: true, JSON: true, Dir: "sb"}},
	}
	for _, tt := range tests {
		f, _ := testFactory(t)
		var got *ScanOptions
		cmd := NewCmdScan(f, func(o *ScanOptions) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got.Path != tt.want.Path || got.History != tt.want.History || got.JSON != tt.want.JSON || got.Dir != tt.want.Dir {
			t.Errorf("%v: options = %+v, want %+v", tt.args, *got, tt.want)
		}
	}
}

func TestScanTwoPathsIsUsageError(t *testing.T) {
	t.Parallel()
	f, _ := testFactory(t)
	if code := Execute(context.Background(), f, []string{"scan", "a", "b"}); code != cmdutil.ExitFailure {
		t.Errorf("exit code = %d, want %d", code, cmdutil.ExitFailure)
	}
}

// fakeToken returns a GitHub-shaped token built at run time.
func fakeToken(t *testing.T) string {
	t.Helper()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 36)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			t.Fatal(err)
		}
		b[i] = alphabet[n.Int64()]
	}
	return "gh" + "p_" + string(b)
}

// scanFolder runs `workshop scan` on dir, outside any sandbox, and returns
// the exit code and standard output.
func scanFolder(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	f, out := testFactory(t)
	f.Getwd = func() (string, error) { return dir, nil }
	code := Execute(context.Background(), f, append([]string{"scan"}, args...))
	return code, out()
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestScanExitCodes(t *testing.T) {
	t.Parallel()
	clean := t.TempDir()
	writeFile(t, filepath.Join(clean, "app.py"), "print('hello')\n")
	if code, out := scanFolder(t, clean); code != cmdutil.ExitOK || !strings.Contains(out, "No secrets found") {
		t.Errorf("clean folder: exit %d, output:\n%s", code, out)
	}

	dirty := t.TempDir()
	token := fakeToken(t)
	writeFile(t, filepath.Join(dirty, "ci", "deploy.py"), "TOKEN = \""+token+"\"\n")
	writeFile(t, filepath.Join(dirty, ".git", "config.py"), "TOKEN = \""+fakeToken(t)+"\"\n")
	code, out := scanFolder(t, dirty, "--json")
	if code != cmdutil.ExitNotYet {
		t.Errorf("folder with a token: exit %d, want %d", code, cmdutil.ExitNotYet)
	}
	if strings.Contains(out, token[4:]) {
		t.Errorf("output shows the token:\n%s", out)
	}
	var report struct {
		Findings []struct {
			Rule      string `json:"rule"`
			Blocking  bool   `json:"blocking"`
			Locations []struct {
				Path string `json:"path"`
				Line int    `json:"line"`
			} `json:"locations"`
		} `json:"findings"`
		Skipped []string `json:"skipped"`
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("scan --json printed no JSON object: %v\n%s", err, out)
	}
	if len(report.Findings) != 1 || !report.Findings[0].Blocking || report.Findings[0].Rule != "github-pat" {
		t.Fatalf("findings = %+v, want the token only (.git is skipped)", report.Findings)
	}
	if l := report.Findings[0].Locations; len(l) != 1 || l[0].Path != "ci/deploy.py" || l[0].Line != 1 {
		t.Errorf("locations = %+v, want ci/deploy.py:1", l)
	}
	if report.Skipped == nil {
		t.Error("skipped is null, want an array")
	}
}

func TestScanHistoryOfWorkTree(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=T", "-c", "user.email=t@example.test"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "--quiet")
	writeFile(t, filepath.Join(dir, "app.py"), "TOKEN = \""+fakeToken(t)+"\"\n")
	git("add", "-A")
	git("commit", "--quiet", "-m", "Add token")
	writeFile(t, filepath.Join(dir, "app.py"), "TOKEN = None\n")
	git("commit", "--quiet", "-am", "Remove token")

	if code, out := scanFolder(t, dir); code != cmdutil.ExitOK {
		t.Errorf("files only: exit %d, want 0:\n%s", code, out)
	}
	code, out := scanFolder(t, dir, "--history")
	if code != cmdutil.ExitNotYet || !strings.Contains(out, "app.py:1 in commit") {
		t.Errorf("with history: exit %d, output:\n%s", code, out)
	}
}

func TestScanHistoryOutsideRepositoryIsUsageError(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	f, _ := testFactory(t)
	dir := t.TempDir()
	f.Getwd = func() (string, error) { return dir, nil }
	err := scanRun(context.Background(), &ScanOptions{F: f, History: true})
	var flagErr *cmdutil.FlagError
	if !errors.As(err, &flagErr) || !strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("error = %v, want a usage error saying the folder is not a repository", err)
	}
}

func TestScanInsideSandboxFindsIssuedValues(t *testing.T) {
	t.Parallel()
	sb := newSandbox(t)
	writeFile(t, filepath.Join(sb.AppDir(), "notes.md"), "id "+sb.Config.FakeAccessKeyID+"\n")
	f, out := testFactory(t)
	err := scanRun(context.Background(), &ScanOptions{F: f, Dir: sb.Dir})
	var exitErr *cmdutil.ExitError
	if !errors.As(err, &exitErr) || exitErr.Code != cmdutil.ExitNotYet {
		t.Fatalf("scan of the app folder: %v, want exit 1", err)
	}
	if !strings.Contains(out(), "notes.md:1") || !strings.Contains(out(), "sandbox-issued-value") {
		t.Errorf("output lacks the issued id in notes.md:\n%s", out())
	}
}
