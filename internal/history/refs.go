package history

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// specialHeads are the files beside HEAD that name commits (AUTO_MERGE names
// a tree). They are not refs, so git gc may prune what they name, as git
// 2.39 does for ORIG_HEAD, but until then git can still read those objects.
var specialHeads = []string{
	"ORIG_HEAD", "FETCH_HEAD", "MERGE_HEAD", "CHERRY_PICK_HEAD",
	"REVERT_HEAD", "REBASE_HEAD", "BISECT_HEAD", "AUTO_MERGE",
}

// root is a named set of tips whose reachable objects belong to a place.
type root struct {
	place Place
	name  string
	tips  []string
	// entries names reflog entries by the id they set, such as HEAD@{2}.
	entries map[string]string
}

// reach is the location of an object in a traversal: the path it was listed
// under and the newest commit, in traversal order, whose tree contains it.
type reach struct {
	path   string
	commit string
}

// gitRef is one ref from git for-each-ref.
type gitRef struct {
	name, oid string
}

// inspectRefs reports the objects reachable from every ref, stash entry and
// detached HEAD, and the ref names that contain a value.
func (in *inspector) inspectRefs(ctx context.Context) error {
	refs, err := in.listRefs(ctx)
	if err != nil {
		return err
	}
	stashRoots, err := in.stashRoots(refs)
	if err != nil {
		return err
	}
	roots := slices.Concat(refRoots(refs), stashRoots, in.detachedHeads())
	for _, r := range refs {
		in.matchText(refPlace(r.name), r.name, r.name, PathRefName)
	}
	for _, r := range roots {
		if err := in.reportRoot(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// inspectReflogs reports the objects that only reflogs and special heads
// reach, and the reflog entries whose text contains a value.
func (in *inspector) inspectReflogs(ctx context.Context) error {
	var roots []root
	for _, dir := range in.layout.adminDirs {
		logRoots, err := in.reflogRoots(dir)
		if err != nil {
			return err
		}
		roots = append(roots, logRoots...)
		roots = append(roots, readSpecialHeads(dir)...)
	}
	for _, r := range roots {
		if err := in.reportRoot(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

func (in *inspector) listRefs(ctx context.Context) ([]gitRef, error) {
	out, err := in.git.output(ctx, "for-each-ref", "--format=%(objectname)%00%(symref)%00%(refname)")
	if err != nil {
		return nil, fmt.Errorf("list refs: %w", err)
	}
	var refs []gitRef
	for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		fields := strings.Split(line, "\x00")
		// A symbolic ref such as refs/remotes/origin/HEAD is listed again
		// under the ref it points to.
		if len(fields) != 3 || fields[1] != "" {
			continue
		}
		refs = append(refs, gitRef{oid: fields[0], name: fields[2]})
	}
	return refs, nil
}

func refPlace(name string) Place {
	switch {
	case strings.HasPrefix(name, "refs/heads/"):
		return Branches
	case strings.HasPrefix(name, "refs/tags/"):
		return Tags
	case name == "refs/stash":
		return Stash
	case strings.HasPrefix(name, "refs/notes/"):
		return Notes
	default:
		return OtherRefs
	}
}

// refRoots returns one root per ref except refs/stash, whose entries come
// from its reflog.
func refRoots(refs []gitRef) []root {
	var roots []root
	for _, r := range refs {
		if r.name != "refs/stash" {
			roots = append(roots, root{place: refPlace(r.name), name: r.name, tips: []string{r.oid}})
		}
	}
	return roots
}

// stashRoots returns one root per stash entry, stash@{0} first, and reports
// the entries whose text contains a value. refs/stash gets its own root when
// its reflog does not list it.
func (in *inspector) stashRoots(refs []gitRef) ([]root, error) {
	entries, err := readReflog(filepath.Join(in.layout.commonDir, "logs", "refs", "stash"))
	if err != nil {
		return nil, err
	}
	var roots []root
	listed := map[string]bool{}
	for n, e := range entries {
		name := fmt.Sprintf("stash@{%d}", n)
		in.matchText(Stash, name, e.line, PathReflogEntry)
		if e.newOID != "" {
			roots = append(roots, root{place: Stash, name: name, tips: []string{e.newOID}})
			listed[e.newOID] = true
		}
	}
	for _, r := range refs {
		if r.name == "refs/stash" && !listed[r.oid] {
			roots = append(roots, root{place: Stash, name: r.name, tips: []string{r.oid}})
		}
	}
	return roots, nil
}

// detachedHeads returns a root for each HEAD that names a commit rather than
// a branch.
func (in *inspector) detachedHeads() []root {
	var roots []root
	for _, dir := range in.layout.adminDirs {
		data, err := os.ReadFile(filepath.Join(dir.path, "HEAD"))
		if err != nil || bytes.HasPrefix(data, []byte("ref:")) {
			continue
		}
		if oid := strings.TrimSpace(string(data)); isObjectID(oid) {
			roots = append(roots, root{place: OtherRefs, name: dir.prefix + "HEAD", tips: []string{oid}})
		}
	}
	return roots
}

// reflogRoots returns one root per reflog file in dir, except the stash
// reflog, and reports the entries whose text contains a value.
func (in *inspector) reflogRoots(dir adminDir) ([]root, error) {
	logsDir := filepath.Join(dir.path, "logs")
	var roots []root
	err := filepath.WalkDir(logsDir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && path == logsDir {
			return fs.SkipDir
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(logsDir, path)
		if err != nil {
			return err
		}
		refName := filepath.ToSlash(rel)
		if dir.prefix == "" && refName == "refs/stash" {
			return nil
		}
		r, err := in.reflogRoot(path, dir.prefix+"logs/"+refName, dir.prefix+refName)
		if err != nil {
			return err
		}
		roots = append(roots, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read reflogs in %s: %w", logsDir, err)
	}
	return roots, nil
}

// reflogRoot reads one reflog file. Its root is named after the file, and
// its entries as REF@{N}.
func (in *inspector) reflogRoot(path, fileName, refName string) (root, error) {
	entries, err := readReflog(path)
	if err != nil {
		return root{}, err
	}
	r := root{place: Reflog, name: fileName, entries: map[string]string{}}
	for n, e := range entries {
		name := fmt.Sprintf("%s@{%d}", refName, n)
		in.matchText(Reflog, name, e.line, PathReflogEntry)
		for _, oid := range []string{e.newOID, e.oldOID} {
			if oid != "" {
				r.tips = append(r.tips, oid)
			}
		}
		if _, named := r.entries[e.newOID]; !named && e.newOID != "" {
			r.entries[e.newOID] = name
		}
	}
	return r, nil
}

// reflogEntry is one line of a reflog, "OLD NEW IDENTITY TIME ZONE\tMESSAGE".
// Ids of all zeros, which mark a created or deleted ref, are left empty.
type reflogEntry struct {
	oldOID, newOID, line string
}

// readReflog returns the entries of a reflog file, newest first, so that
// entry N is REF@{N}. A missing file has no entries.
func readReflog(path string) ([]reflogEntry, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read reflog: %w", err)
	}
	var entries []reflogEntry
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if line == "" {
			continue
		}
		fields := strings.Fields(line)
		e := reflogEntry{line: line}
		if len(fields) >= 2 {
			e.oldOID, e.newOID = nonZeroID(fields[0]), nonZeroID(fields[1])
		}
		entries = append(entries, e)
	}
	slices.Reverse(entries)
	return entries, nil
}

func nonZeroID(s string) string {
	if !isObjectID(s) || strings.Trim(s, "0") == "" {
		return ""
	}
	return s
}

func isObjectID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// readSpecialHeads returns a root for each special head in dir that names
// an object. FETCH_HEAD and MERGE_HEAD can name several, one a line.
func readSpecialHeads(dir adminDir) []root {
	var roots []root
	for _, name := range specialHeads {
		data, err := os.ReadFile(filepath.Join(dir.path, name))
		if err != nil {
			continue
		}
		r := root{place: Reflog, name: dir.prefix + name}
		for _, line := range strings.Split(string(data), "\n") {
			if fields := strings.Fields(line); len(fields) > 0 && isObjectID(fields[0]) {
				r.tips = append(r.tips, fields[0])
			}
		}
		if len(r.tips) > 0 {
			roots = append(roots, r)
		}
	}
	return roots
}

// reportRoot adds a hit for every matched object that r reaches and marks
// the object as reached. A reflog or special head gets no hit for an object
// that a ref reaches, so inspectRefs must run first. Tips that are no longer
// in the object database, such as an ORIG_HEAD left after git gc, are
// skipped.
func (in *inspector) reportRoot(ctx context.Context, r root) error {
	if len(in.objects) == 0 {
		return nil
	}
	tips, err := in.existingObjects(ctx, r.tips)
	if err != nil || len(tips) == 0 {
		return err
	}
	found, err := in.reachable(ctx, tips)
	if err != nil {
		return fmt.Errorf("walk the history of %s: %w", in.redact(r.name), err)
	}
	for oid, where := range found {
		in.reached[oid] = true
		if r.place != Reflog {
			in.refReached[oid] = true
		} else if in.refReached[oid] {
			continue
		}
		in.addObjectHits(r, oid, where)
	}
	return nil
}

func (in *inspector) addObjectHits(r root, oid string, where reach) {
	obj := in.objects[oid]
	ref := r.name
	if name, ok := r.entries[where.commit]; ok {
		ref = name
	}
	commit := where.commit
	if obj.kind == "tag" {
		commit = obj.target
	}
	for _, m := range obj.matches {
		path := m.part
		if path == "" {
			path = in.redact(where.path)
		}
		in.addHit(Hit{
			Place: r.place, Ref: in.redact(ref), Object: oid, Commit: commit,
			Path: path, Label: m.label, Encoding: m.encoding,
		})
	}
}

// existingObjects returns the ids among oids that are in the object
// database.
func (in *inspector) existingObjects(ctx context.Context, oids []string) ([]string, error) {
	var unknown []string
	for _, oid := range oids {
		if _, ok := in.exists[oid]; !ok {
			unknown = append(unknown, oid)
		}
	}
	if len(unknown) > 0 {
		stdin := []byte(strings.Join(unknown, "\n") + "\n")
		out, err := in.git.outputWith(ctx, nil, stdin, "cat-file", "--batch-check=%(objectname)")
		if err != nil {
			return nil, fmt.Errorf("check reflog and head objects: %w", err)
		}
		for _, oid := range unknown {
			in.exists[oid] = false
		}
		for _, line := range strings.Split(string(out), "\n") {
			if isObjectID(line) {
				in.exists[line] = true
			}
		}
	}
	var existing []string
	for _, oid := range oids {
		if in.exists[oid] {
			existing = append(existing, oid)
		}
	}
	return existing, nil
}

// reachable returns the matched objects reachable from tips. It lists the
// objects with git rev-list --objects --in-commit-order. That prints each
// commit, newest first, followed by the trees and blobs it is the first to
// reference. So the commit printed last before an object is the newest
// commit that contains it.
func (in *inspector) reachable(ctx context.Context, tips []string) (map[string]reach, error) {
	sorted := slices.Sorted(slices.Values(tips))
	key := strings.Join(slices.Compact(sorted), " ")
	if found, ok := in.traversals[key]; ok {
		return found, nil
	}
	found := map[string]reach{}
	stdin := []byte(strings.ReplaceAll(key, " ", "\n") + "\n")
	args := []string{"rev-list", "--objects", "--in-commit-order", "--stdin"}
	err := in.git.stream(ctx, nil, stdin, args, func(r *bufio.Reader) error {
		commit := ""
		for {
			line, err := r.ReadString('\n')
			if errors.Is(err, io.EOF) && line == "" {
				return nil
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return err
			}
			oid, path, hasPath := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
			if !hasPath {
				commit = oid
			}
			if _, matched := in.objects[oid]; matched {
				if _, seen := found[oid]; !seen {
					found[oid] = reach{path: path, commit: commit}
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	in.traversals[key] = found
	return found, nil
}

// matchText adds a hit for each value in text, such as a ref name or a
// reflog entry, which is not stored in an object.
func (in *inspector) matchText(place Place, ref, text, path string) {
	for _, vm := range in.matcher.Find([]byte(text)) {
		in.addHit(Hit{Place: place, Ref: in.redact(ref), Path: path, Label: vm.Label, Encoding: vm.Encoding})
	}
}
