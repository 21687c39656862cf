package githost

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
)

// streamDiffTree runs `git diff-tree --stdin` on the commit ids that input
// holds, one a line, and calls fn with each commit's changes as soon as git
// has printed them. The output lists each commit id, ended by NUL, before
// the entries of that commit; a commit without changes may be left out.
func streamDiffTree(ctx context.Context, repoDir string, input io.Reader, fn func(commit string, changes []change) error) error {
	cmd := exec.CommandContext(ctx, "git", "--git-dir", repoDir, "diff-tree", "--stdin",
		"-r", "-z", "--raw", "--no-abbrev", "-M", "--root", "-c")
	cmd.Stdin = input
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("start git diff-tree in %s: %w", repoDir, err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start git diff-tree in %s: %w", repoDir, err)
	}
	err = parseDiffTreeStream(bufio.NewReaderSize(stdout, 1<<20), fn)
	if err != nil {
		io.Copy(io.Discard, stdout) //nolint:errcheck // drains git's output so that it exits; err is the one to report
	}
	if waitErr := cmd.Wait(); err == nil && waitErr != nil {
		err = fmt.Errorf("%w: %s", waitErr, strings.TrimSpace(stderr.String()))
	}
	if err != nil {
		return fmt.Errorf("list files of the commits of %s: %w", repoDir, err)
	}
	return nil
}

// parseDiffTreeStream reads NUL-ended fields: a commit id, then each entry
// as a header starting with a colon, its path, and for a rename or copy its
// new path.
func parseDiffTreeStream(r *bufio.Reader, fn func(commit string, changes []change) error) error {
	commit := ""
	var changes []change
	for {
		field, err := readField(r)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if !strings.HasPrefix(field, ":") {
			if commit != "" {
				if err := fn(commit, changes); err != nil {
					return err
				}
			}
			commit, changes = strings.TrimSpace(field), nil
			continue
		}
		entry, err := readEntry(r, field)
		if err != nil {
			return err
		}
		changes = append(changes, entry...)
	}
	if commit == "" {
		return nil
	}
	return fn(commit, changes)
}

// readEntry reads the paths of the entry whose header is header and
// parses it.
func readEntry(r *bufio.Reader, header string) ([]change, error) {
	n := 1
	if isRenameOrCopy(header) {
		n = 2
	}
	fields := []string{header}
	for range n {
		path, err := readField(r)
		if err != nil {
			return nil, fmt.Errorf("git diff-tree entry %q lacks its path: %w", header, err)
		}
		fields = append(fields, path)
	}
	return parseRawDiff(strings.Join(fields, "\x00") + "\x00")
}

func readField(r *bufio.Reader) (string, error) {
	field, err := r.ReadString(0)
	if err == io.EOF && field != "" {
		return field, nil
	}
	if err != nil {
		return "", err
	}
	return field[:len(field)-1], nil
}

// readObjectsSplit reads the objects of requests with n `git cat-file`
// processes at once. The blobs of one path go to the same process, whose
// cache of delta bases then serves the versions of a file that git stored
// as deltas of each other.
func readObjectsSplit(ctx context.Context, repoDir string, requests <-chan request, jobs chan<- job, n int) error {
	parts := make([]chan request, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range parts {
		parts[i] = make(chan request, cap(requests))
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = readObjects(ctx, repoDir, parts[i], jobs)
		}()
	}
	readerOf := map[string]int{} // blob id to its reader
	for req := range requests {
		i := partOf(req, n)
		if !req.commit {
			readerOf[req.id] = i
			sameReader(&req, readerOf, i)
		}
		parts[i] <- req
	}
	for _, p := range parts {
		close(p)
	}
	wg.Wait()
	return errors.Join(errs...)
}

// sameReader drops the related blobs of req that another reader reads. A
// scan waits for its related blob's scan, and only one reader keeps the
// order that guarantees the related blob's scan has started.
func sameReader(req *request, readerOf map[string]int, reader int) {
	for i, r := range req.related {
		if j, ok := readerOf[r]; r != "" && (!ok || j != reader) {
			req.related[i] = ""
		}
	}
}

// partOf returns the reader of req: by the hash of a blob's first path, and
// the first reader for commits.
func partOf(req request, n int) int {
	if req.commit || len(req.paths) == 0 {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(req.paths[0])) //nolint:errcheck // hash.Hash's Write never returns an error
	return int(h.Sum32() % uint32(n))
}

// readObjects reads the object of each request through one `git cat-file
// --batch` and sends it to jobs. Requests are written to git as they come,
// and the buffered ones are flushed before waiting, so that git always
// holds every id the reader waits for.
func readObjects(ctx context.Context, repoDir string, requests <-chan request, jobs chan<- job) error {
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
	pending := make(chan request, 4096)
	go writeRequests(stdin, requests, pending)

	out := bufio.NewReaderSize(stdout, 1<<20)
	for req := range pending {
		obj, err := readObject(out, maxBlobBytes)
		if err == nil {
			select {
			case jobs <- job{req, obj}:
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		if err != nil {
			cancel()
			for range pending { // let writeRequests finish
			}
			cmd.Wait() //nolint:errcheck // the read error is the one to report
			return fmt.Errorf("read object %s in %s: %w", req.id, repoDir, err)
		}
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git cat-file in %s: %w: %s", repoDir, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// writeRequests writes the id of each request to git and passes the
// request on to pending, in the same order. It closes git's input and
// pending when requests is closed. After a failed write, which means git
// exited and the reader reports the error, the requests left are passed on
// unwritten.
func writeRequests(w io.WriteCloser, requests <-chan request, pending chan<- request) {
	defer close(pending)
	buf := bufio.NewWriterSize(w, 64<<10)
	failed := false
	for req := range requests {
		if !failed {
			_, err := buf.WriteString(req.id + "\n")
			failed = err != nil
		}
		if len(requests) == 0 && !failed {
			failed = buf.Flush() != nil
		}
		select {
		case pending <- req:
		default:
			if !failed {
				failed = buf.Flush() != nil
			}
			pending <- req
		}
	}
	if !failed {
		buf.Flush() //nolint:errcheck // see above
	}
	w.Close() //nolint:errcheck // see above
}

// readObject reads one `git cat-file --batch` response. Content larger
// than limit bytes is skipped and left nil.
func readObject(r *bufio.Reader, limit int64) (object, error) {
	header, err := r.ReadString('\n')
	if err != nil {
		return object{}, err
	}
	fields := strings.Fields(header)
	if len(fields) == 2 && fields[1] == "missing" {
		return object{}, errObjectMissing
	}
	if len(fields) != 3 {
		return object{}, fmt.Errorf("unexpected git cat-file output %q", header)
	}
	size, err := strconv.ParseInt(fields[2], 10, 64)
	if err != nil {
		return object{}, fmt.Errorf("invalid size %q in git cat-file output", fields[2])
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
		return object{}, err
	}
	return obj, nil
}

// errObjectMissing is returned by readObject for an object the repository
// does not have.
var errObjectMissing = errors.New("not found")
