package checks

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/secretslab/workshop/internal/history"
	"github.com/secretslab/workshop/internal/secretscan"
	"github.com/secretslab/workshop/sandbox/githost"
)

// inspect runs the history verifier on a repository, searching for every
// value the sandbox issued.
func (e *Env) inspect(ctx context.Context, repoDir string) (*history.Report, error) {
	values, err := e.issuedValues()
	if err != nil {
		return nil, err
	}
	report, err := history.Inspect(ctx, history.Options{
		RepoDir: repoDir,
		Matcher: secretscan.NewMatcher(values),
		Git:     e.Git.Git,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: inspect %s: %v", ErrToolFailed, repoDir, err)
	}
	return report, nil
}

// describeHits summarizes where keys were found, naming at most three places.
func describeHits(hits []history.Hit) string {
	if len(hits) == 0 {
		return "no issued key found"
	}
	var parts []string
	for i, h := range hits {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(hits)-3))
			break
		}
		parts = append(parts, describeHit(h))
	}
	return strings.Join(parts, "; ")
}

func describeHit(h history.Hit) string {
	var where []string
	if h.Ref != "" {
		where = append(where, h.Ref)
	}
	if h.Commit != "" {
		where = append(where, "commit "+shortSHA(h.Commit))
	} else if h.Object != "" {
		where = append(where, "object "+shortSHA(h.Object))
	}
	if h.Path != "" {
		where = append(where, h.Path)
	}
	text := h.Label
	if h.Encoding != "" && h.Encoding != "raw" {
		text += " (" + h.Encoding + ")"
	}
	return text + " in " + strings.Join(where, " ")
}

func shortSHA(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

func forkAndPushStep() Step {
	return Step{ID: StepForkAndPush, Check: checkForkAndPush, Solve: solveForkAndPush, Wrong: forkAndPushWrongs()}
}

func checkForkAndPush(ctx context.Context, e *Env) (*Result, error) {
	r := newResult(StepForkAndPush)
	if !e.Sandbox.HasFork() {
		r.fail("your fork exists", "Run `workshop fork` to create your fork on the sandbox git host.", "no fork at %s", e.Sandbox.ForkURL())
		return r.done(), nil
	}

	origin, err := e.Git.Output(ctx, e.Sandbox.AppDir(), "remote", "get-url", "origin")
	if err != nil {
		origin = ""
	}
	r.add(sameRepo(origin, e.Sandbox.ForkURL()), "origin is your fork",
		fmt.Sprintf("Point origin at the fork: `cd %s && git remote set-url origin %s`.", e.Sandbox.AppDir(), e.Sandbox.ForkURL()),
		"origin is %s", orNone(origin))

	local, err := e.inspect(ctx, e.Sandbox.AppDir())
	if err != nil {
		return nil, err
	}
	branches := local.Place(history.Branches)
	r.add(!branches.Clean, "a local commit carries the key", "Commit config.py with the working key in it: `git commit -am \"Add AWS keys\"`.",
		"%s", describeHits(branches.Hits))

	blocked, err := blockedPushNaming(e.Sandbox.ForkDir(), "config.py")
	if err != nil {
		return nil, err
	}
	r.add(blocked != "", "the fork blocked a push naming config.py", "Push the commit: `git push origin main`, and read the rejection.",
		"%s", orText(blocked, "no blocked push recorded that names config.py"))

	fork, err := e.inspect(ctx, e.Sandbox.ForkDir())
	if err != nil {
		return nil, err
	}
	r.add(fork.Clean(), "the fork received none of the key's objects", "The fork holds a key: rebuild it with `instructor reset --to fork-and-push`.",
		"%s", describeHits(allHits(fork)))
	return r.done(), nil
}

// blockedPushNaming returns a description of the newest blocked push whose
// findings name path, or "" when there is none.
func blockedPushNaming(forkDir, path string) (string, error) {
	events, err := githost.ReadEvents(forkDir)
	if err != nil {
		return "", fmt.Errorf("%w: read push-protection events: %v", ErrToolFailed, err)
	}
	for i := len(events) - 1; i >= 0; i-- {
		ev := events[i]
		if !ev.Blocked {
			continue
		}
		for _, f := range ev.Findings {
			if f.Path == path {
				return fmt.Sprintf("push at %s blocked: %s in %s:%d, commit %s", ev.Time.Format("15:04:05"), f.Description, f.Path, f.Line, shortSHA(f.Commit)), nil
			}
		}
	}
	return "", nil
}

func allHits(r *history.Report) []history.Hit {
	var hits []history.Hit
	for _, p := range r.Places {
		hits = append(hits, p.Hits...)
	}
	return hits
}

// sameRepo reports whether a remote URL names the repository at url, which
// may be written as a file URL or a path.
func sameRepo(remote, url string) bool {
	norm := func(s string) string {
		s = strings.TrimPrefix(s, "file://")
		s = strings.TrimSuffix(filepath.Clean(s), "/")
		if resolved, err := filepath.EvalSymlinks(s); err == nil {
			return resolved
		}
		return s
	}
	return remote != "" && norm(remote) == norm(url)
}

func orNone(s string) string { return orText(s, "not set") }

func orText(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
