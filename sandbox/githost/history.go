package githost

import (
	"context"
	"fmt"
	"runtime"
	"slices"
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
	// Workers is how many objects are scanned at once; zero means one per
	// CPU.
	Workers int
}

// HistoryResult is the outcome of ScanHistory.
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
// the way PreReceive scans a push. It scans the files each commit
// introduces, its message, author and committer, the names of the files it
// adds, and the annotated tags the refs name. A secret that a file already
// held in a parent commit is reported only at the commit that introduced
// it.
//
// The work runs as a pipeline: one `git diff-tree --stdin` lists the files
// of every commit, one `git cat-file --batch` reads each commit and each
// blob once, and opts.Workers goroutines scan them, a blob once per path it
// appears under.
func ScanHistory(ctx context.Context, opts HistoryOptions) (*HistoryResult, error) {
	if opts.RepoDir == "" || opts.Scanner == nil {
		return nil, fmt.Errorf("scan history: missing repository or scanner")
	}
	h := &historyScan{
		git: gitcmd.Runner{}, repoDir: opts.RepoDir, scanner: opts.Scanner, workers: opts.Workers,
		changes: map[string][]change{}, info: map[string][]secretscan.Finding{},
		blobs: map[blobKey]blobResult{}, names: map[string][]secretscan.Finding{},
		versions: newVersionStore(maxVersionBytes),
	}
	if h.workers <= 0 {
		h.workers = runtime.NumCPU()
	}
	out, err := h.git.Run(ctx, h.repoDir, "--git-dir", h.repoDir, "rev-list", "--all", "--topo-order")
	if err != nil {
		return nil, fmt.Errorf("list commits of %s: %w", h.repoDir, err)
	}
	h.commits = strings.Fields(out)
	if err := h.scanCommits(ctx); err != nil {
		return nil, err
	}
	if err := h.scanTags(ctx); err != nil {
		return nil, err
	}
	return h.assemble(), nil
}

// readers is how many `git cat-file` processes a history scan reads objects
// with. Inflating objects is most of git's share of the work, and two
// processes keep two cores busy.
const readers = 2

// historyScan holds the state of one ScanHistory call.
type historyScan struct {
	git     gitcmd.Runner
	repoDir string
	scanner *secretscan.Scanner
	workers int

	commits  []string            // children first, as git reads packed objects fastest in that order
	changes  map[string][]change // commit id to the files it introduces
	versions *versionStore

	mu       sync.Mutex
	info     map[string][]secretscan.Finding // commit id to the findings in its message and author
	blobs    map[blobKey]blobResult
	names    map[string][]secretscan.Finding // file name to the findings in it
	tagFinds []secretscan.Finding
}

// request is one object to read and scan: a commit with the names of the
// files it adds, or a blob with the paths to scan it under. For each path,
// related names another version of the file at that path, requested
// before, whose scan the blob's scan starts from ("" for none).
type request struct {
	id      string
	commit  bool
	paths   []string
	related []string
}

// scanCommits runs the pipeline: discover sends requests, readObjects
// reads them and the workers scan what it read.
func (h *historyScan) scanCommits(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	requests := make(chan request, 1024)
	var discoverErr error
	var discovering sync.WaitGroup
	discovering.Add(1)
	go func() {
		defer discovering.Done()
		defer close(requests)
		if discoverErr = h.discover(ctx, requests); discoverErr != nil {
			cancel()
		}
	}()

	jobs := make(chan job, 4*h.workers)
	var scanning sync.WaitGroup
	for range h.workers {
		scanning.Add(1)
		go func() {
			defer scanning.Done()
			for j := range jobs {
				h.scanJob(j)
			}
		}()
	}
	readErr := readObjectsSplit(ctx, h.repoDir, requests, jobs, readers)
	if readErr != nil {
		cancel()
		for range requests { // let discover finish
		}
	}
	close(jobs)
	scanning.Wait()
	discovering.Wait()
	if discoverErr != nil {
		return discoverErr
	}
	return readErr
}

// discover lists the files of every commit with one `git diff-tree
// --stdin` and sends a request for each commit and for each blob, with the
// paths it is new under.
func (h *historyScan) discover(ctx context.Context, requests chan<- request) error {
	input := strings.NewReader(strings.Join(h.commits, "\n") + "\n")
	announced := map[string]bool{}
	seen := map[blobKey]bool{}
	send := func(commit string, changes []change) error {
		h.changes[commit] = changes
		announced[commit] = true
		return h.sendRequests(ctx, requests, commit, changes, seen)
	}
	err := streamDiffTree(ctx, h.repoDir, input, send)
	if err != nil {
		return err
	}
	for _, id := range h.commits {
		if !announced[id] {
			if err := send(id, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// sendRequests sends the request of a commit and of the blobs its changes
// name that were not requested under the same path before. The new blob
// comes first. The blobs of the parents follow; they hold the secrets
// already there and are scanned starting from the new blob's scan.
func (h *historyScan) sendRequests(ctx context.Context, requests chan<- request, commit string, changes []change, seen map[blobKey]bool) error {
	out := []request{{id: commit, commit: true}}
	index := map[string]int{} // blob id to its request in out
	add := func(blob, path, related string) {
		k := blobKey{blob, path}
		if seen[k] {
			return
		}
		seen[k] = true
		h.versions.expect(k)
		i, ok := index[blob]
		if !ok {
			i = len(out)
			index[blob] = i
			out = append(out, request{id: blob})
		}
		out[i].paths = append(out[i].paths, path)
		out[i].related = append(out[i].related, related)
	}
	for _, c := range changes {
		if c.newPath {
			out[0].paths = append(out[0].paths, c.path)
		}
		add(c.blob, c.path, "")
		for _, p := range c.parents {
			add(p, c.path, c.blob)
		}
	}
	for _, r := range out {
		select {
		case requests <- r:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// job is one object read, sent to the workers.
type job struct {
	request
	obj object
}

func (h *historyScan) scanJob(j job) {
	if j.commit {
		h.scanCommitText(j.id, j.obj.data, j.paths)
		return
	}
	for i, path := range j.paths {
		k := blobKey{j.id, path}
		res, version := scanBlobVersion(h.scanner, path, j.obj, h.versions.take(blobKey{j.related[i], path}))
		h.mu.Lock()
		h.blobs[k] = res
		h.mu.Unlock()
		h.versions.put(k, version)
	}
}

// scanCommitText scans a commit's message, author and committer, and the
// names of the files it adds.
func (h *historyScan) scanCommitText(id string, data []byte, names []string) {
	commit := parseCommit(id, data)
	findings := h.scanner.Scan(PathCommitMessage, []byte(commit.message))
	findings = append(findings, h.scanner.Scan(PathCommitAuthor, []byte("author "+commit.author+"\ncommitter "+commit.committer))...)
	nameFindings := make([][]secretscan.Finding, len(names))
	for i, name := range names {
		nameFindings[i] = h.scanner.Scan(PathFileName, []byte(name))
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	h.info[id] = withCommit(findings, id)
	for i, name := range names {
		h.names[name] = nameFindings[i]
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

// assemble puts the findings in commit order, parents first, each file's
// findings without the secrets its parents already held.
func (h *historyScan) assemble() *HistoryResult {
	res := &HistoryResult{Commits: len(h.commits)}
	distinct := map[string]bool{}
	skipped := map[string]bool{}
	for _, id := range slices.Backward(h.commits) {
		res.Findings = append(res.Findings, h.info[id]...)
		for _, c := range h.changes[id] {
			distinct[c.blob] = true
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
	res.Blobs = len(distinct)
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
