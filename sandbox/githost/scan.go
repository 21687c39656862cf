package githost

import (
	"context"
	"fmt"
	"strings"

	"github.com/secretslab/workshop/internal/gitcmd"
	"github.com/secretslab/workshop/internal/secretscan"
)

// Pseudo paths of findings in text that is not a file.
const (
	PathCommitMessage = "(commit message)"
	PathCommitAuthor  = "(commit author or committer)"
	PathTagMessage    = "(tag message)"
	PathFileName      = "(file name)"
)

// Size limits for the blobs of a push, as secretscan sets them for files:
// a blob larger than maxPatternBytes is searched for issued values only,
// and a blob larger than maxBlobBytes is not read at all. Both are reported
// as skipped.
const (
	maxPatternBytes = secretscan.MaxPatternBytes
	maxBlobBytes    = secretscan.MaxReadBytes
)

// pushScan holds the state of one push's scan.
type pushScan struct {
	git     gitcmd.Runner
	repoDir string
	scanner *secretscan.Scanner
	objects *objectReader

	blobs    map[blobKey]blobResult // each blob is scanned once per path
	seen     map[string]bool        // commits and tags already scanned
	refsOf   map[string][]string    // commit or tag id to the refs that pushed it
	parents  map[string][]string    // commit id to its parents
	result   *PushResult
	skipSeen map[string]bool
}

type blobKey struct{ blob, path string }

type blobResult struct {
	findings []secretscan.Finding
	skipped  string              // the reason the pattern rules did not run, or ""
	version  *secretscan.Version // for scanning another version of the file, or nil
}

// pushedRefs maps each commit or tag id with findings to the refs whose
// update brought it, and each commit to its parents.
type pushedRefs struct {
	refsOf  map[string][]string
	parents map[string][]string
}

// scanPush scans what updates add to the repository.
func scanPush(ctx context.Context, repoDir string, scanner *secretscan.Scanner, updates []RefUpdate) (*PushResult, pushedRefs, error) {
	objects, err := newObjectReader(ctx, repoDir)
	if err != nil {
		return nil, pushedRefs{}, err
	}
	s := &pushScan{
		repoDir:  repoDir,
		scanner:  scanner,
		objects:  objects,
		blobs:    map[blobKey]blobResult{},
		seen:     map[string]bool{},
		refsOf:   map[string][]string{},
		parents:  map[string][]string{},
		result:   &PushResult{},
		skipSeen: map[string]bool{},
	}
	for _, u := range updates {
		if err = s.scanUpdate(ctx, u); err != nil {
			break
		}
	}
	if closeErr := objects.close(); err == nil && closeErr != nil {
		err = closeErr
	}
	if err != nil {
		return nil, pushedRefs{}, err
	}
	return s.result, pushedRefs{refsOf: s.refsOf, parents: s.parents}, nil
}

// scanUpdate scans the commits a ref update adds, and the annotated tag it
// points to, if any. A deleted ref adds nothing.
func (s *pushScan) scanUpdate(ctx context.Context, u RefUpdate) error {
	if isNullID(u.New) {
		return nil
	}
	if err := s.scanTags(u.New, u.Ref); err != nil {
		return err
	}
	out, err := s.git.Run(ctx, s.repoDir, "--git-dir", s.repoDir, "rev-list", "--topo-order", "--reverse", u.New, "--not", "--all")
	if err != nil {
		return fmt.Errorf("list commits pushed to %s: %w", u.Ref, err)
	}
	for _, id := range strings.Fields(out) {
		s.refsOf[id] = appendNew(s.refsOf[id], u.Ref)
		if s.seen[id] {
			continue
		}
		s.seen[id] = true
		if err := s.scanCommit(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// scanTags scans the annotated tags that id names, following a tag of a tag.
func (s *pushScan) scanTags(id, ref string) error {
	for range 10 {
		obj, err := s.objects.read(id, maxBlobBytes)
		if err != nil {
			return err
		}
		if obj.kind != "tag" || obj.data == nil {
			return nil
		}
		s.refsOf[id] = appendNew(s.refsOf[id], ref)
		if s.seen[id] {
			return nil
		}
		s.seen[id] = true
		tag := parseTag(id, obj.data)
		s.addText(id, PathTagMessage, tag.message)
		s.addText(id, PathCommitAuthor, "tagger "+tag.tagger)
		id = tag.object
	}
	return nil
}

// scanCommit scans a commit's message, author and committer, and the files
// and file names it introduces.
func (s *pushScan) scanCommit(ctx context.Context, id string) error {
	obj, err := s.objects.read(id, maxBlobBytes)
	if err != nil {
		return err
	}
	commit := parseCommit(id, obj.data)
	s.parents[id] = commit.parents
	s.addText(id, PathCommitMessage, commit.message)
	s.addText(id, PathCommitAuthor, "author "+commit.author+"\ncommitter "+commit.committer)

	changes, err := commitChanges(ctx, s.git, s.repoDir, id)
	if err != nil {
		return err
	}
	for _, c := range changes {
		if err := s.scanChange(id, c); err != nil {
			return err
		}
	}
	return nil
}

// scanChange adds the secrets of a file that commit introduces, leaving out
// secrets that the file already held in a parent: those were pushed before,
// or are reported at the commit that added them.
func (s *pushScan) scanChange(commit string, c change) error {
	if c.newPath {
		s.addFileName(commit, c.path)
	}
	var old []secretscan.Finding
	var prev *secretscan.Version
	for i, p := range c.parents {
		parent, err := s.scanBlob(p, c.path, nil)
		if err != nil {
			return err
		}
		old = append(old, parent.findings...)
		if i == 0 {
			prev = parent.version
		}
	}
	res, err := s.scanBlob(c.blob, c.path, prev)
	if err != nil {
		return err
	}
	if res.skipped != "" {
		s.addSkipped(fmt.Sprintf("%s in %s (%s)", c.path, shortID(commit), res.skipped))
	}
	s.result.Findings = append(s.result.Findings, withCommit(newSecrets(res.findings, old), commit)...)
	return nil
}

// scanBlob scans a blob once per path; gitleaks' rules depend on the path.
// With prev, the Version of another version of the file, only the lines
// that differ from it are scanned.
func (s *pushScan) scanBlob(blob, path string, prev *secretscan.Version) (blobResult, error) {
	key := blobKey{blob, path}
	if res, ok := s.blobs[key]; ok {
		return res, nil
	}
	obj, err := s.objects.read(blob, maxBlobBytes)
	if err != nil {
		return blobResult{}, err
	}
	res, version := scanBlobVersion(s.scanner, path, obj, prev)
	res.version = version
	s.blobs[key] = res
	return res, nil
}

// scanBlobData scans the content of a blob at path within the size limits.
func scanBlobData(scanner *secretscan.Scanner, path string, obj object) blobResult {
	var res blobResult
	switch {
	case obj.data == nil:
		res.skipped = fmt.Sprintf("larger than %d MiB", maxBlobBytes>>20)
	case len(obj.data) > maxPatternBytes:
		res.skipped = fmt.Sprintf("larger than %d MiB; searched for issued values only", maxPatternBytes>>20)
		res.findings = scanner.ScanIssued(path, obj.data)
	case secretscan.IsBinary(obj.data):
		res.skipped = "binary; searched for issued values only"
		res.findings = scanner.Scan(path, obj.data)
	default:
		res.findings = scanner.Scan(path, obj.data)
	}
	return res
}

// scanBlobVersion is scanBlobData for a blob that is a version of the file
// at path whose previous version prev has, scanning only what changed. It
// returns the blob's Version too, nil when the pattern rules did not run.
func scanBlobVersion(scanner *secretscan.Scanner, path string, obj object, prev *secretscan.Version) (blobResult, *secretscan.Version) {
	if obj.data == nil || len(obj.data) > maxPatternBytes || secretscan.IsBinary(obj.data) {
		return scanBlobData(scanner, path, obj), nil
	}
	findings, version := scanner.ScanVersion(path, obj.data, prev)
	return blobResult{findings: findings}, version
}

// addText scans text that is not a file, such as a commit message.
func (s *pushScan) addText(id, path, text string) {
	for _, f := range s.scanner.Scan(path, []byte(text)) {
		f.Commit = id
		s.result.Findings = append(s.result.Findings, f)
	}
}

// addFileName scans the name of a file a commit adds. The finding's path is
// the pseudo path, and the redacted name is its excerpt, so the report never
// prints a secret that a name holds.
func (s *pushScan) addFileName(commit, path string) {
	for _, f := range s.scanner.Scan(PathFileName, []byte(path)) {
		f.Commit = commit
		s.result.Findings = append(s.result.Findings, f)
	}
}

func (s *pushScan) addSkipped(entry string) {
	if !s.skipSeen[entry] {
		s.skipSeen[entry] = true
		s.result.Skipped = append(s.result.Skipped, entry)
	}
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func shortID(id string) string {
	if len(id) > 7 {
		return id[:7]
	}
	return id
}
