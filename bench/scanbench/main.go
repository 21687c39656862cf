// Command scanbench compares the workshop's full-history secret scan and
// push protection hook with gitleaks, on the same machine in the same run,
// and prints the results as Markdown tables.
//
// Run it from the module root:
//
//	go run ./bench/scanbench
//
// It installs gitleaks v8.30.1 from the module proxy and builds workshop
// into a temporary folder, then, for each of two repositories, times
// `workshop scan --history` and `gitleaks git` and the latency a one-commit
// push gains from the hook:
//
//   - a generated repository of -commits commits (20,000 by default) of
//     real Go source from GOROOT with fake secrets planted, built with git
//     fast-import;
//   - a history of real code built from every file of every module version
//     in the module cache, one commit per file (left out with -modcache "").
//
// Nothing it generates is kept unless -keep is set; the gitleaks binary and
// its reports, which hold the fake secrets, stay in the temporary folder.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := benchmark(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "scanbench:", err)
		os.Exit(1)
	}
}

// config holds the command-line flags.
type config struct {
	commits  int
	modCache string
	runs     int
	keep     bool
}

func parseFlags() config {
	var c config
	flag.IntVar(&c.commits, "commits", 20000, "commits of the generated repository")
	flag.StringVar(&c.modCache, "modcache", goEnv("GOMODCACHE"), "module cache to build the real-code repository from; empty to skip it")
	flag.IntVar(&c.runs, "runs", 9, "one-commit pushes per fork for the hook latency")
	flag.BoolVar(&c.keep, "keep", false, "keep the temporary folder and print its path")
	flag.Parse()
	return c
}

func benchmark(ctx context.Context) error {
	cfg := parseFlags()
	dir, err := os.MkdirTemp("", "scanbench-")
	if err != nil {
		return err
	}
	if cfg.keep {
		fmt.Fprintln(os.Stderr, "scanbench: working in", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	moduleRoot := filepath.Dir(goEnv("GOMOD"))
	progress("building gitleaks and workshop")
	t, err := buildTools(ctx, dir, moduleRoot)
	if err != nil {
		return err
	}
	sandboxDir := filepath.Join(dir, "sandbox")
	if err := t.newSandbox(ctx, sandboxDir); err != nil {
		return err
	}

	var reports []*repoReport
	synthetic, err := benchSynthetic(ctx, t, dir, sandboxDir, cfg)
	if err != nil {
		return err
	}
	reports = append(reports, synthetic)
	if cfg.modCache != "" {
		real, err := benchModCache(ctx, t, dir, sandboxDir, cfg)
		if err != nil {
			return err
		}
		reports = append(reports, real)
	}
	printReport(os.Stdout, machine(ctx), reports)
	return nil
}

// repoReport is everything measured on one repository.
type repoReport struct {
	name    string
	commits int
	build   string // the way the repository was made
	scans   []*scanResult
	planted []planted
	hook    latency
}

func benchSynthetic(ctx context.Context, t *tools, dir, sandboxDir string, cfg config) (*repoReport, error) {
	repo := filepath.Join(dir, "synthetic.git")
	progress(fmt.Sprintf("generating %d commits with git fast-import", cfg.commits))
	secrets, err := buildSynthetic(ctx, repo, runtime.GOROOT(), cfg.commits)
	if err != nil {
		return nil, err
	}
	r := &repoReport{name: "generated", build: "git fast-import: GOROOT sources added and edited by small commits, fake secrets planted", planted: secrets}
	return r, measure(ctx, t, r, repo, filepath.Join(dir, "synthetic-hook"), sandboxDir, cfg.runs, true)
}

func benchModCache(ctx context.Context, t *tools, dir, sandboxDir string, cfg config) (*repoReport, error) {
	repo := filepath.Join(dir, "modcache.git")
	progress("building the real-code history from " + cfg.modCache)
	if _, err := buildModCache(ctx, repo, cfg.modCache); err != nil {
		return nil, err
	}
	r := &repoReport{name: "module cache", build: "git fast-import: every file of every module version in " + cfg.modCache + ", one commit per file"}
	return r, measure(ctx, t, r, repo, filepath.Join(dir, "modcache-hook"), sandboxDir, cfg.runs, false)
}

// measure runs the scans and the hook latency on repo. With merges,
// gitleaks also runs with the diffs of merge commits, which its default
// leaves out.
func measure(ctx context.Context, t *tools, r *repoReport, repo, hookDir, sandboxDir string, runs int, merges bool) error {
	count, err := t.gitOutput(ctx, nil, "", "--git-dir", repo, "rev-list", "--all", "--count")
	if err != nil {
		return err
	}
	fmt.Sscan(count, &r.commits)
	progress(fmt.Sprintf("%s: scanning %d commits", r.name, r.commits))
	ours, err := t.scanWorkshop(ctx, repo)
	if err != nil {
		return err
	}
	theirs, err := t.scanGitleaks(ctx, repo, "")
	if err != nil {
		return err
	}
	r.scans = []*scanResult{ours, theirs}
	if merges {
		withMerges, err := t.scanGitleaks(ctx, repo, mergeLogOpts)
		if err != nil {
			return err
		}
		r.scans = append(r.scans, withMerges)
	}
	progress(fmt.Sprintf("%s: timing %d pushes with and without the hook", r.name, runs))
	if err := os.MkdirAll(hookDir, 0o755); err != nil {
		return err
	}
	r.hook, err = t.hookLatency(ctx, hookDir, repo, sandboxDir, runs)
	return err
}

// mergeLogOpts are gitleaks' default git log options with the first-parent
// diff of each merge commit added, so that content a merge resolution adds
// is scanned too.
const mergeLogOpts = "--all --full-history --diff-filter=tuxdb --diff-merges=first-parent"

// machine describes the computer the benchmark runs on.
func machine(ctx context.Context) string {
	model := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	gitVersion, _ := exec.CommandContext(ctx, "git", "--version").Output()
	return fmt.Sprintf("%d CPUs (nproc), %s, %s %s/%s, %s", runtime.NumCPU(), model, runtime.Version(),
		runtime.GOOS, runtime.GOARCH, strings.TrimSpace(string(gitVersion)))
}

func goEnv(name string) string {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func progress(msg string) { fmt.Fprintln(os.Stderr, "scanbench:", msg) }
