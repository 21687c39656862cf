package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// gitleaksModule is the gitleaks release the benchmark builds, the one the
// workshop's scanner embeds.
const gitleaksModule = "github.com/zricethezav/gitleaks/v8@v8.30.1"

// tools are the binaries under test, built into a temporary folder.
type tools struct {
	gitleaks, workshop string
	env                []string // the environment both run in
	dir                string   // their working folder, outside any sandbox
}

// buildTools installs gitleaks from the module proxy and builds workshop
// from the module at moduleRoot, both into dir.
func buildTools(ctx context.Context, dir, moduleRoot string) (*tools, error) {
	gobin := filepath.Join(dir, "bin")
	install := exec.CommandContext(ctx, "go", "install", gitleaksModule)
	install.Dir = dir
	install.Env = append(os.Environ(), "GOBIN="+gobin)
	install.Stdout, install.Stderr = os.Stderr, os.Stderr
	if err := install.Run(); err != nil {
		return nil, fmt.Errorf("go install %s: %w", gitleaksModule, err)
	}
	if err := run(ctx, moduleRoot, "go", "build", "-o", gobin, "./cmd/workshop"); err != nil {
		return nil, err
	}
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return nil, err
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WORKSHOP_") && !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	env = append(env, "HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "NO_COLOR=1")
	return &tools{gitleaks: filepath.Join(gobin, "gitleaks"), workshop: filepath.Join(gobin, "workshop"), env: env, dir: home}, nil
}

// location is the commit, path and 1-based line of a finding.
type location struct {
	commit, path string
	line         int
}

// scanResult is one timed full-history scan.
type scanResult struct {
	tool, options string
	wall, cpu     time.Duration
	findings      int // findings as the tool counts them: one per location
	secrets       int // distinct secrets
	locations     map[location]bool
}

// runTimed runs a command and returns its exit code, output and times. Exit
// codes in ok are not errors.
func (t *tools) runTimed(ctx context.Context, ok []int, name string, args ...string) (int, []byte, time.Duration, time.Duration, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = t.dir, t.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	code := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		return 0, nil, 0, 0, fmt.Errorf("run %s: %w", name, err)
	}
	if !containsInt(ok, code) {
		return 0, nil, 0, 0, fmt.Errorf("%s %s exited %d: %s", name, strings.Join(args, " "), code, strings.TrimSpace(errOut.String()))
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return code, out.Bytes(), wall, cpu, nil
}

func containsInt(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

// scanWorkshop times `workshop scan --history --json` on repo.
func (t *tools) scanWorkshop(ctx context.Context, repo string) (*scanResult, error) {
	_, out, wall, cpu, err := t.runTimed(ctx, []int{0, 1}, t.workshop, "scan", "--history", "--json", repo)
	if err != nil {
		return nil, err
	}
	var report struct {
		Findings []struct {
			Locations []struct {
				Path   string `json:"path"`
				Line   int    `json:"line"`
				Commit string `json:"commit"`
			} `json:"locations"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		return nil, fmt.Errorf("parse workshop scan output: %w", err)
	}
	res := &scanResult{tool: "workshop scan", options: "--history --json", wall: wall, cpu: cpu,
		secrets: len(report.Findings), locations: map[location]bool{}}
	for _, s := range report.Findings {
		for _, l := range s.Locations {
			res.findings++
			res.locations[location{l.Commit, l.Path, l.Line}] = true
		}
	}
	return res, nil
}

// scanGitleaks times `gitleaks git` on repo with the given log options
// ("" for gitleaks' default) and the command line's default decoding depth
// made explicit.
func (t *tools) scanGitleaks(ctx context.Context, repo, logOpts string) (*scanResult, error) {
	report := filepath.Join(t.dir, "gitleaks-report.json")
	defer os.Remove(report)
	args := []string{"git", "--no-banner", "--max-decode-depth", "5", "--report-format", "json", "--report-path", report}
	options := "--max-decode-depth 5"
	if logOpts != "" {
		args = append(args, "--log-opts", logOpts)
		options += fmt.Sprintf(" --log-opts %q", logOpts)
	}
	_, _, wall, cpu, err := t.runTimed(ctx, []int{0, 1}, t.gitleaks, append(args, repo)...)
	if err != nil {
		return nil, err
	}

	res, err := readGitleaksReport(report)
	if err != nil {
		return nil, err
	}
	res.options, res.wall, res.cpu = options, wall, cpu
	return res, nil
}

// readGitleaksReport counts the findings of a gitleaks JSON report and
// notes their locations. Distinct secrets are told apart by a hash of rule
// and value, so that no value is kept.
func readGitleaksReport(path string) (*scanResult, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the gitleaks report: %w", err)
	}
	var findings []struct {
		RuleID, Commit, File, Secret string
		StartLine                    int
	}
	if err := json.Unmarshal(data, &findings); err != nil {
		return nil, fmt.Errorf("parse the gitleaks report: %w", err)
	}
	res := &scanResult{tool: "gitleaks git", findings: len(findings), locations: map[location]bool{}}
	distinct := map[[32]byte]bool{}
	for _, f := range findings {
		distinct[sha256.Sum256([]byte(f.RuleID+"\x00"+f.Secret))] = true
		res.locations[location{f.Commit, f.File, f.StartLine}] = true
	}
	res.secrets = len(distinct)
	return res, nil
}

// plantedFound returns which planted secrets res reports at their commit,
// path and line.
func plantedFound(res *scanResult, secrets []planted) []bool {
	found := make([]bool, len(secrets))
	for i, p := range secrets {
		found[i] = res.locations[location{p.commit, p.path, p.line}]
	}
	return found
}
