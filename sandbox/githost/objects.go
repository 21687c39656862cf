package githost

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// objectReader reads objects through one long-running `git cat-file --batch`.
// The process inherits the environment, so inside a pre-receive hook it can
// read the quarantined objects of the push.
type objectReader struct {
	repoDir string
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stdout  *bufio.Reader
	stderr  bytes.Buffer
}

// object is one object read from the repository.
type object struct {
	kind string // "blob", "tree", "commit" or "tag"
	size int64
	data []byte // nil when the object was larger than the read limit
}

func newObjectReader(ctx context.Context, repoDir string) (*objectReader, error) {
	r := &objectReader{repoDir: repoDir}
	r.cmd = exec.CommandContext(ctx, "git", "--git-dir", repoDir, "cat-file", "--batch")
	r.cmd.Stderr = &r.stderr
	stdin, err := r.cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("start git cat-file in %s: %w", repoDir, err)
	}
	stdout, err := r.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("start git cat-file in %s: %w", repoDir, err)
	}
	if err := r.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start git cat-file in %s: %w", repoDir, err)
	}
	r.stdin, r.stdout = stdin, bufio.NewReaderSize(stdout, 64<<10)
	return r, nil
}

// read returns the object named id. Content larger than limit bytes is
// skipped and data is left nil.
func (r *objectReader) read(id string, limit int64) (object, error) {
	if _, err := io.WriteString(r.stdin, id+"\n"); err != nil {
		return object{}, r.fail(id, err)
	}
	obj, err := readObject(r.stdout, limit)
	if errors.Is(err, errObjectMissing) {
		return object{}, fmt.Errorf("read object %s in %s: %w", id, r.repoDir, err)
	}
	if err != nil {
		return object{}, r.fail(id, err)
	}
	return obj, nil
}

func (r *objectReader) fail(id string, err error) error {
	msg := strings.TrimSpace(r.stderr.String())
	if msg != "" {
		return fmt.Errorf("read object %s in %s: %w: %s", id, r.repoDir, err, msg)
	}
	return fmt.Errorf("read object %s in %s: %w", id, r.repoDir, err)
}

// close ends the git process.
func (r *objectReader) close() error {
	r.stdin.Close() //nolint:errcheck // closing stdin only makes git exit, and Wait reports failures
	if err := r.cmd.Wait(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return fmt.Errorf("git cat-file in %s: %w: %s", r.repoDir, err, strings.TrimSpace(r.stderr.String()))
		}
		return fmt.Errorf("git cat-file in %s: %w", r.repoDir, err)
	}
	return nil
}

// commitInfo is the part of a commit object that push protection reads.
type commitInfo struct {
	id        string
	parents   []string
	author    string
	committer string
	message   string
}

// parseCommit reads the headers and message of a raw commit object.
func parseCommit(id string, data []byte) commitInfo {
	c := commitInfo{id: id}
	headers, message, _ := bytes.Cut(data, []byte("\n\n"))
	c.message = string(message)
	for _, line := range strings.Split(string(headers), "\n") {
		key, value, _ := strings.Cut(line, " ")
		switch key {
		case "parent":
			c.parents = append(c.parents, value)
		case "author":
			c.author = value
		case "committer":
			c.committer = value
		}
	}
	return c
}

// tagInfo is the part of an annotated tag object that push protection reads.
type tagInfo struct {
	id, object, kind, name, tagger, message string
}

func parseTag(id string, data []byte) tagInfo {
	t := tagInfo{id: id}
	headers, message, _ := bytes.Cut(data, []byte("\n\n"))
	t.message = string(message)
	for _, line := range strings.Split(string(headers), "\n") {
		key, value, _ := strings.Cut(line, " ")
		switch key {
		case "object":
			t.object = value
		case "type":
			t.kind = value
		case "tag":
			t.name = value
		case "tagger":
			t.tagger = value
		}
	}
	return t
}
