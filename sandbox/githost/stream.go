package githost

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
)

// streamObjects reads the objects named by ids through one `git cat-file
// --batch`, writing every id up front so that git never waits for the
// reader, and calls fn with each object in the order of ids. Content larger
// than limit bytes is skipped and left nil, as objectReader.read does.
func streamObjects(ctx context.Context, repoDir string, ids []string, limit int64, fn func(id string, obj object) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", "--git-dir", repoDir, "cat-file", "--batch")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("start git cat-file in %s: %w", repoDir, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("start git cat-file in %s: %w", repoDir, err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start git cat-file in %s: %w", repoDir, err)
	}
	go writeIDs(stdin, ids)

	out := bufio.NewReaderSize(stdout, 1<<20)
	for _, id := range ids {
		obj, err := readObject(out, id, limit)
		if err == nil {
			err = fn(id, obj)
		}
		if err != nil {
			cancel()
			cmd.Wait() //nolint:errcheck // the read error is the one to report
			return fmt.Errorf("read objects in %s: %w", repoDir, err)
		}
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git cat-file in %s: %w: %s", repoDir, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// writeIDs writes one id a line and closes w, which ends git's input. A
// write fails only when git has exited, which the reader reports.
func writeIDs(w io.WriteCloser, ids []string) {
	buf := bufio.NewWriterSize(w, 64<<10)
	for _, id := range ids {
		if _, err := buf.WriteString(id + "\n"); err != nil {
			break
		}
	}
	buf.Flush() //nolint:errcheck // see above
	w.Close()   //nolint:errcheck // see above
}

// readObject reads one `git cat-file --batch` response for id.
func readObject(r *bufio.Reader, id string, limit int64) (object, error) {
	header, err := r.ReadString('\n')
	if err != nil {
		return object{}, fmt.Errorf("object %s: %w", id, err)
	}
	fields := strings.Fields(header)
	if len(fields) == 2 && fields[1] == "missing" {
		return object{}, fmt.Errorf("object %s: %w", id, errObjectMissing)
	}
	if len(fields) != 3 {
		return object{}, fmt.Errorf("object %s: unexpected git cat-file output %q", id, header)
	}
	size, err := strconv.ParseInt(fields[2], 10, 64)
	if err != nil {
		return object{}, fmt.Errorf("object %s: invalid size %q", id, fields[2])
	}
	obj := object{kind: fields[1], size: size}
	if size > limit {
		_, err = io.CopyN(io.Discard, r, size+1)
	} else {
		obj.data = make([]byte, size+1)
		_, err = io.ReadFull(r, obj.data)
		obj.data = obj.data[:size]
	}
	if err != nil {
		return object{}, fmt.Errorf("object %s: %w", id, err)
	}
	return obj, nil
}

var errObjectMissing = errors.New("not found")
