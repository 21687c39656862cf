package checks

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/secretslab/workshop/internal/history"
)

// purgeCommand removes reflog entries and unreachable objects, the places a
// rewritten key survives locally.
const purgeCommand = "git reflog expire --expire=now --all && git gc --prune=now"

// historyPlaces are checked in this order; the first five must be clean,
// reflog and unreachable objects only warn, and the last three must be clean.
var historyPlaces = []struct {
	place   history.Place
	warning bool
	hint    string
}{
	{history.Branches, false, "Rewrite the branch with `git rebase -i` and drop or edit the commit that added the key; delete backup branches that still hold it."},
	{history.Tags, false, "Delete or move the tag that points at a commit holding the key: `git tag -d NAME`."},
	{history.Stash, false, "Drop the stash entries that hold the key: `git stash list`, then `git stash drop stash@{N}`."},
	{history.Notes, false, "Remove the note holding the key: `git notes remove COMMIT`."},
	{history.OtherRefs, false, "Delete the ref that still holds the key, for example `git update-ref -d refs/original/refs/heads/main`."},
	{history.Reflog, true, "The reflog still reaches the old commits. Purge it: `" + purgeCommand + "`."},
	{history.Unreachable, true, "Unreachable objects still hold the key until git prunes them: `git gc --prune=now`."},
	{history.Index, false, "Unstage and fix the file that holds the key, then `git add` it again."},
	{history.GitDirectory, false, "Finish or abort the operation in progress, and remove leftovers under .git that hold the key."},
	{history.WorkingTree, false, "Remove the key from the files in app/, untracked ones included."},
}

func rewriteHistoryStep() Step {
	return Step{ID: StepRewriteHistory, Check: checkRewriteHistory, Solve: solveRewriteHistory, Wrong: rewriteHistoryWrongs()}
}

func checkRewriteHistory(ctx context.Context, e *Env) (*Result, error) {
	r := newResult(StepRewriteHistory)
	app := e.Sandbox.AppDir()

	inProgress := rebaseInProgress(app)
	r.add(inProgress == "", "no rebase in progress", "Finish the rebase: resolve the conflict, `git add config.py`, `git rebase --continue` (or start over with `git rebase --abort`).",
		"%s", orText(inProgress, "no rebase state in .git"))

	markers, err := e.conflictMarkers(ctx)
	if err != nil {
		return nil, err
	}
	r.add(len(markers) == 0, "no conflict markers", "Edit the files listed and remove the <<<<<<<, ======= and >>>>>>> lines, keeping the Secrets Manager version.",
		"%s", orText(strings.Join(markers, ", "), "no tracked file contains a conflict marker"))

	report, err := e.inspect(ctx, app)
	if err != nil {
		return nil, err
	}
	for _, p := range historyPlaces {
		pr := report.Place(p.place)
		name := fmt.Sprintf("no issued key in %s", p.place)
		switch {
		case pr.Clean:
			r.pass(name, "clean")
		case p.warning:
			r.warn(name, p.hint, "%s", describeHits(pr.Hits))
		default:
			r.fail(name, p.hint, "%s", describeHits(pr.Hits))
		}
	}

	if err := e.checkSecretsChangeSurvived(ctx, r); err != nil {
		return nil, err
	}
	if err := e.checkUpstreamSurvived(ctx, r); err != nil {
		return nil, err
	}
	return r.done(), nil
}

// rebaseInProgress names the rebase state folder in .git, or returns "".
func rebaseInProgress(appDir string) string {
	for _, name := range []string{"rebase-merge", "rebase-apply"} {
		if _, err := os.Stat(filepath.Join(appDir, ".git", name)); err == nil {
			return ".git/" + name + " exists: a rebase is in progress"
		}
	}
	return ""
}

// conflictMarkers lists tracked files of the working tree with a line that
// starts a conflict block.
func (e *Env) conflictMarkers(ctx context.Context) ([]string, error) {
	out, err := e.Git.Run(ctx, e.Sandbox.AppDir(), "ls-files", "-z")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrToolFailed, err)
	}
	var found []string
	seen := map[string]bool{}
	for _, name := range strings.Split(strings.TrimRight(out, "\x00"), "\x00") {
		if seen[name] {
			continue // an unmerged file is listed once per stage
		}
		seen[name] = true
		data, err := os.ReadFile(filepath.Join(e.Sandbox.AppDir(), name))
		if errors.Is(err, fs.ErrNotExist) || name == "" {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%w: read %s: %v", ErrToolFailed, name, err)
		}
		if hasConflictMarker(data) {
			found = append(found, name)
		}
	}
	return found, nil
}

func hasConflictMarker(data []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "<<<<<<< ") || strings.HasPrefix(line, ">>>>>>> ") || line == "=======" {
			return true
		}
	}
	return false
}

// checkSecretsChangeSurvived proves HEAD's config.py still reads the keys
// from Secrets Manager: dropping the wrong commit would lose it.
func (e *Env) checkSecretsChangeSurvived(ctx context.Context, r *result) error {
	const name = "HEAD's config.py still reads the keys from Secrets Manager"
	source, err := e.Git.RunBytes(ctx, e.Sandbox.AppDir(), nil, "show", "HEAD:config.py")
	if err != nil {
		r.fail(name, "Restore config.py in HEAD.", "HEAD has no config.py")
		return nil
	}
	info, err := e.inspectConfig(ctx, source)
	if err != nil {
		return err
	}
	ok := info.SyntaxError == nil && info.calls("get_secret_value") && info.Literals[secretKeyID] == "" && info.Literals[secretKeySecret] == ""
	r.add(ok, name, "When you resolve the conflict keep the Secrets Manager version of config.py; if you dropped that commit, redo the use-secret change and commit it.",
		"get_secret_value called: %t; literal key assigned: %t", info.calls("get_secret_value"), info.Literals[secretKeyID] != "")
	return nil
}

// checkUpstreamSurvived proves the rewrite kept the upstream history.
func (e *Env) checkUpstreamSurvived(ctx context.Context, r *result) error {
	upstream, err := e.Git.Output(ctx, e.Sandbox.UpstreamDir(), "rev-parse", "main")
	if err != nil {
		return fmt.Errorf("%w: read upstream main: %v", ErrToolFailed, err)
	}
	_, err = e.Git.Run(ctx, e.Sandbox.AppDir(), "merge-base", "--is-ancestor", upstream, "HEAD")
	kept := err == nil
	r.add(kept, "the upstream history survived", "Rebase onto the upstream commit (`git rebase -i origin/main` before you changed origin, or the commit named here) without dropping upstream commits.",
		"upstream main %s is %san ancestor of HEAD", shortSHA(upstream), map[bool]string{true: "", false: "not "}[kept])
	return nil
}
