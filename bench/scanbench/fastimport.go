package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// importer writes a `git fast-import` stream into a new bare repository.
type importer struct {
	repo  string
	cmd   *exec.Cmd
	in    io.WriteCloser
	w     *bufio.Writer
	marks string // file git writes the marks to
	next  int    // the next mark to hand out
	clock int64  // the timestamp of the last commit, in seconds
}

// fileOp is one change of a commit: content (a blob mark) at path, or the
// deletion of path when mark is zero.
type fileOp struct {
	path string
	mark int
}

func startImport(ctx context.Context, repo string) (*importer, error) {
	if err := run(ctx, "", "git", "init", "--quiet", "--bare", "--initial-branch=main", repo); err != nil {
		return nil, err
	}
	im := &importer{repo: repo, marks: filepath.Join(repo, "bench-marks"), next: 1, clock: 1700000000}
	im.cmd = exec.CommandContext(ctx, "git", "--git-dir", repo, "fast-import", "--quiet", "--export-marks="+im.marks)
	im.cmd.Stderr = os.Stderr
	in, err := im.cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("start git fast-import: %w", err)
	}
	if err := im.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start git fast-import: %w", err)
	}
	im.in, im.w = in, bufio.NewWriterSize(in, 1<<20)
	return im, nil
}

// blob adds content and returns its mark.
func (im *importer) blob(content []byte) int {
	mark := im.next
	im.next++
	fmt.Fprintf(im.w, "blob\nmark :%d\ndata %d\n", mark, len(content))
	im.w.Write(content) //nolint:errcheck // bufio keeps the first error for Flush
	im.w.WriteString("\n")
	return mark
}

// commit adds a commit to ref with the given parents (marks, zero for none)
// and changes, and returns its mark.
func (im *importer) commit(ref, message string, from, merge int, ops []fileOp) int {
	mark := im.next
	im.next++
	im.clock += 97
	signature := fmt.Sprintf("Bench Author <bench@example.test> %d +0000", im.clock)
	fmt.Fprintf(im.w, "commit %s\nmark :%d\nauthor %s\ncommitter %s\ndata %d\n%s\n", ref, mark, signature, signature, len(message), message)
	if from > 0 {
		fmt.Fprintf(im.w, "from :%d\n", from)
	}
	if merge > 0 {
		fmt.Fprintf(im.w, "merge :%d\n", merge)
	}
	for _, op := range ops {
		if op.mark == 0 {
			fmt.Fprintf(im.w, "D %s\n", op.path)
			continue
		}
		fmt.Fprintf(im.w, "M 100644 :%d %s\n", op.mark, op.path)
	}
	im.w.WriteString("\n")
	return mark
}

// finish ends the stream and returns the commit id of every mark.
func (im *importer) finish() (map[int]string, error) {
	if err := im.w.Flush(); err != nil {
		return nil, fmt.Errorf("write to git fast-import: %w", err)
	}
	if err := im.in.Close(); err != nil {
		return nil, fmt.Errorf("write to git fast-import: %w", err)
	}
	if err := im.cmd.Wait(); err != nil {
		return nil, fmt.Errorf("git fast-import into %s: %w", im.repo, err)
	}
	data, err := os.ReadFile(im.marks)
	if err != nil {
		return nil, fmt.Errorf("read fast-import marks: %w", err)
	}
	ids := map[int]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var mark int
		var id string
		if _, err := fmt.Sscanf(line, ":%d %s", &mark, &id); err == nil {
			ids[mark] = id
		}
	}
	return ids, os.Remove(im.marks)
}

// run runs a command in dir with its output going to this process's
// standard error.
func run(ctx context.Context, dir, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}
