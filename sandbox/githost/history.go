package githost

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/secretslab/workshop/internal/gitcmd"
	"github.com/secretslab/workshop/internal/secretscan"
)

// HistoryOptions configure ScanHistory.
type HistoryOptions struct {
	// RepoDir is a bare repository or the .git folder of a work tree.
	RepoDir string
	// Scanner finds the secrets.
	Scanner *secretscan.Scanner
	// Workers is how many blobs are scanned at once; zero means one per
	// CPU.
	Workers int
}

// HistoryResult is what ScanHistory found.
type HistoryResult struct {
	// Findings are the secrets of every commit reachable from any ref,
	// each at the commit that introduced it, in the order of the commits
	// (parents first). Findings in annotated tags come last.
	Findings []secretscan.Finding
	// Skipped names the blobs the pattern rules did not scan, and why.
	Skipped []string
	// Commits and Blobs count the commits scanned and the distinct blobs
	// read.
	Commits, Blobs int
}

// ScanHistory scans every commit reachable from any ref of the repository
// the way PreReceive scans a push: the files each commit introduces, its
// message, author and committer, the names of the files it adds, and the
// annotated tags the refs name. A secret that a file already held in a
// parent commit is reported only at the commit that introduced it. Each
// blob is read once and scanned once per path it appears under, by
// opts.Workers goroutines.
func ScanHistory(ctx context.Context, opts HistoryOptions) (*HistoryResult, error) {
	if opts.RepoDir == "" || opts.Scanner == nil {
		return nil, fmt.Errorf("scan history: missing repository or scanner")
	}
	h := &historyScan{git: gitcmd.Runner{}, repoDir: opts.RepoDir, scanner: opts.Scanner, workers: opts.Workers}
	if h.workers <= 0 {
		h.workers = runtime.NumCPU()
	}
	if err := h.list(ctx); err != nil {
		return nil, err
	}
	if err := h.scanObjects(ctx); err != nil {
		return nil, err
	}
	if err := h.scanTags(ctx); err != nil {
		return nil, err
	}
	return h.assemble(), nil
}

// historyScan holds the state of one ScanHistory call.
type historyScan struct {
	git     gitcmd.Runner
	repoDir string
	scanner *secretscan.Scanner
	workers int

	commits []string            // parents first
	changes map[string][]change // commit id to the files it introduces
	paths   map[string][]string // blob id to the paths it is scanned under

	mu       sync.Mutex
	info     map[string][]secretscan.Finding // commit id to the findings in its message and author
	blobs    map[blobKey]blobResult
	names    map[string][]secretscan.Finding // file name to the findings in it
	tagFinds []secretscan.Finding
}

// list finds the commits, the files each introduces and the blobs to read.
func (h *historyScan) list(ctx context.Context) error {
	out, err := h.git.Run(ctx, h.repoDir, "--git-dir", h.repoDir, "rev-list", "--all", "--topo-order", "--reverse")
	if err != nil {
		return fmt.Errorf("list commits of %s: %w", h.repoDir, err)
	}
	h.commits = strings.Fields(out)
	h.changes, err = h.commitsChanges(ctx)
	if err != nil {
		return err
	}
	h.paths = map[string][]string{}
	seen := map[blobKey]bool{}
	add := func(blob, path string) {
		if k := (blobKey{blob, path}); !seen[k] {
			seen[k] = true
			h.paths[blob] = append(h.paths[blob], path)
		}
	}
	for _, id := range h.commits {
		for _, c := range h.changes[id] {
			add(c.blob, c.path)
			for _, p := range c.parents {
				add(p, c.path)
			}
		}
	}
	return nil
}

// commitsChanges runs one `git diff-tree --stdin` over every commit.
func (h *historyScan) commitsChanges(ctx context.Context) (map[string][]change, error) {
	if len(h.commits) == 0 {
		return map[string][]change{}, nil
	}
	input := []byte(strings.Join(h.commits, "\n") + "\n")
	out, err := h.git.RunBytes(ctx, h.repoDir, input, "--git-dir", h.repoDir, "diff-tree", "--stdin",
		"-r", "-z", "--raw", "--no-abbrev", "-M", "--root", "-c")
	if err != nil {
		return nil, fmt.Errorf("list files of the commits of %s: %w", h.repoDir, err)
	}
	changes, err := parseDiffTreeStdin(string(out))
	if err != nil {
		return nil, fmt.Errorf("list files of the commits of %s: %w", h.repoDir, err)
	}
	return changes, nil
}

// parseDiffTreeStdin splits `git diff-tree --stdin -z --raw` output, where
// each commit id, ended by NUL, precedes the entries of that commit.
func parseDiffTreeStdin(out string) (map[string][]change, error) {
	changes := map[string][]change{}
	fields := strings.Split(out, "\x00")
	commit := ""
	for i := 0; i < len(fields); {
		f := fields[i]
		if !strings.HasPrefix(f, ":") {
			if f != "" {
				commit = f
				changes[commit] = nil
			}
			i++
			continue
		}
		n := 2
		if isRenameOrCopy(f) {
			n = 3
		}
		if i+n > len(fields) {
			return nil, fmt.Errorf("git diff-tree entry %q lacks its path", f)
		}
		entry, err := parseRawDiff(strings.Join(fields[i:i+n], "\x00") + "\x00")
		if err != nil {
			return nil, err
		}
		changes[commit] = append(changes[commit], entry...)
		i += n
	}
	return changes, nil
}

// job is one object to scan, sent from the reader to the workers.
type job struct {
	id  string
	obj object
}

// scanObjects reads every commit and blob once and scans them on workers.
func (h *historyScan) scanObjects(ctx context.Context) error {
	h.info = map[string][]secretscan.Finding{}
	h.blobs = map[blobKey]blobResult{}
	h.names = map[string][]secretscan.Finding{}
	ids := make([]string, 0, len(h.commits)+len(h.paths))
	ids = append(ids, h.commits...)
	for blob := range h.paths {
		ids = append(ids, blob)
	}

	jobs := make(chan job, 4*h.workers)
	var wg sync.WaitGroup
	for range h.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				h.scanJob(j)
			}
		}()
	}
	err := streamObjects(ctx, h.repoDir, ids, maxBlobBytes, func(id string, obj object) error {
		select {
		case jobs <- job{id, obj}:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(jobs)
	wg.Wait()
	return err
}

func (h *historyScan) scanJob(j job) {
	if j.obj.kind == "commit" {
		h.scanCommitText(j.id, j.obj.data)
		return
	}
	for _, path := range h.paths[j.id] {
		res := scanBlobData(h.scanner, path, j.obj)
		h.mu.Lock()
		h.blobs[blobKey{j.id, path}] = res
		h.mu.Unlock()
	}
}

// scanCommitText scans a commit's message, author and committer, and the
// names of the files it adds.
func (h *historyScan) scanCommitText(id string, data []byte) {
	commit := parseCommit(id, data)
	findings := h.scanner.Scan(PathCommitMessage, []byte(commit.message))
	findings = append(findings, h.scanner.Scan(PathCommitAuthor, []byte("author "+commit.author+"\ncommitter "+commit.committer))...)
	for i := range findings {
		findings[i].Commit = id
	}
	var names []string
	for _, c := range h.changes[id] {
		if c.newPath {
			names = append(names, c.path)
		}
	}
	nameFindings := map[string][]secretscan.Finding{}
	for _, name := range names {
		nameFindings[name] = h.scanner.Scan(PathFileName, []byte(name))
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	h.info[id] = findings
	for name, fs := range nameFindings {
		h.names[name] = fs
	}
}

// scanTags scans the annotated tags that refs name, following a tag of a
// tag.
func (h *historyScan) scanTags(ctx context.Context) error {
	out, err := h.git.Run(ctx, h.repoDir, "--git-dir", h.repoDir, "for-each-ref", "--format=%(objectname) %(objecttype)")
	if err != nil {
		return fmt.Errorf("list refs of %s: %w", h.repoDir, err)
	}
	var tags []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		id, kind, _ := strings.Cut(line, " ")
		if kind == "tag" {
			tags = append(tags, id)
		}
	}
	if len(tags) == 0 {
		return nil
	}
	objects, err := newObjectReader(ctx, h.repoDir)
	if err != nil {
		return err
	}
	scan := &pushScan{git: h.git, repoDir: h.repoDir, scanner: h.scanner, objects: objects,
		seen: map[string]bool{}, refsOf: map[string][]string{}, result: &PushResult{}}
	for _, id := range tags {
		if err = scan.scanTags(id, ""); err != nil {
			break
		}
	}
	if closeErr := objects.close(); err == nil && closeErr != nil {
		err = closeErr
	}
	h.tagFinds = scan.result.Findings
	return err
}

// assemble puts the findings in commit order, each file's findings without
// the secrets its parents already held.
func (h *historyScan) assemble() *HistoryResult {
	res := &HistoryResult{Commits: len(h.commits), Blobs: len(h.paths)}
	skipped := map[string]bool{}
	for _, id := range h.commits {
		res.Findings = append(res.Findings, h.info[id]...)
		for _, c := range h.changes[id] {
			if c.newPath {
				res.Findings = append(res.Findings, withCommit(h.names[c.path], id)...)
			}
			blob := h.blobs[blobKey{c.blob, c.path}]
			if blob.skipped != "" {
				entry := fmt.Sprintf("%s in %s (%s)", c.path, shortID(id), blob.skipped)
				if !skipped[entry] {
					skipped[entry] = true
					res.Skipped = append(res.Skipped, entry)
				}
			}
			res.Findings = append(res.Findings, withCommit(newSecrets(blob.findings, h.parentFindings(c)), id)...)
		}
	}
	res.Findings = append(res.Findings, h.tagFinds...)
	return res
}

func (h *historyScan) parentFindings(c change) []secretscan.Finding {
	var all []secretscan.Finding
	for _, p := range c.parents {
		all = append(all, h.blobs[blobKey{p, c.path}].findings...)
	}
	return all
}

// newSecrets returns the findings whose secret is not among old's.
func newSecrets(findings, old []secretscan.Finding) []secretscan.Finding {
	if len(old) == 0 {
		return findings
	}
	seen := map[string]bool{}
	for _, f := range old {
		seen[f.SecretID] = true
	}
	var out []secretscan.Finding
	for _, f := range findings {
		if !seen[f.SecretID] {
			out = append(out, f)
		}
	}
	return out
}

// withCommit returns copies of findings with Commit set to id.
func withCommit(findings []secretscan.Finding, id string) []secretscan.Finding {
	out := make([]secretscan.Finding, len(findings))
	for i, f := range findings {
		f.Commit = id
		out[i] = f
	}
	return out
}
