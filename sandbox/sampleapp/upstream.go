package sampleapp

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// WriteUpstream creates the upstream bare repository at bareDir with the
// commits of [History] on branch [Branch] and HEAD pointing at that branch.
// bareDir may exist but must not contain a repository yet. The objects are written
// directly with go-git, so no git binary is needed. On error, bareDir may hold
// a partial repository.
func WriteUpstream(ctx context.Context, bareDir string) error {
	branch := plumbing.NewBranchReferenceName(Branch)
	repo, err := git.PlainInitWithOptions(bareDir, &git.PlainInitOptions{
		Bare:        true,
		InitOptions: git.InitOptions{DefaultBranch: branch},
	})
	if err != nil {
		return fmt.Errorf("create upstream repository %s: %w", bareDir, err)
	}

	head, err := writeHistory(ctx, repo.Storer, History())
	if err != nil {
		return fmt.Errorf("write upstream history to %s: %w", bareDir, err)
	}

	if err := repo.Storer.SetReference(plumbing.NewHashReference(branch, head)); err != nil {
		return fmt.Errorf("set branch %s in %s: %w", Branch, bareDir, err)
	}
	return nil
}

// writeHistory stores the commits in order, each the parent of the next, and
// returns the hash of the last one.
func writeHistory(ctx context.Context, s storer.EncodedObjectStorer, commits []Commit) (plumbing.Hash, error) {
	var head plumbing.Hash
	for i, c := range commits {
		if err := ctx.Err(); err != nil {
			return plumbing.ZeroHash, err
		}

		hash, err := writeCommit(s, c, head)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("commit %d (%q): %w", i+1, firstLine(c.Message), err)
		}
		head = hash
	}
	return head, nil
}

func writeCommit(s storer.EncodedObjectStorer, c Commit, parent plumbing.Hash) (plumbing.Hash, error) {
	tree, err := writeTree(s, c.Files)
	if err != nil {
		return plumbing.ZeroHash, err
	}

	signature := object.Signature{Name: c.AuthorName, Email: c.AuthorEmail, When: c.When}
	commit := &object.Commit{
		Author:    signature,
		Committer: signature,
		Message:   c.Message,
		TreeHash:  tree,
	}
	if !parent.IsZero() {
		commit.ParentHashes = []plumbing.Hash{parent}
	}
	return storeObject(s, commit)
}

// writeTree stores the files, given by slash-separated path, as a tree with
// subtrees and returns the root tree's hash.
func writeTree(s storer.EncodedObjectStorer, files map[string]string) (plumbing.Hash, error) {
	blobs := map[string]string{}
	subtrees := map[string]map[string]string{}
	for path, content := range files {
		dir, rest, nested := strings.Cut(path, "/")
		if dir == "" || dir == "." || dir == ".." || (nested && rest == "") {
			return plumbing.ZeroHash, fmt.Errorf("invalid file path %q", path)
		}
		if !nested {
			blobs[dir] = content
			continue
		}
		if subtrees[dir] == nil {
			subtrees[dir] = map[string]string{}
		}
		subtrees[dir][rest] = content
	}

	entries := make([]object.TreeEntry, 0, len(blobs)+len(subtrees))
	for name, content := range blobs {
		hash, err := writeBlob(s, content)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: hash})
	}
	for name, subtree := range subtrees {
		if _, clash := blobs[name]; clash {
			return plumbing.ZeroHash, fmt.Errorf("path %q is both a file and a folder", name)
		}
		hash, err := writeTree(s, subtree)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: hash})
	}

	sortTreeEntries(entries)
	return storeObject(s, &object.Tree{Entries: entries})
}

// sortTreeEntries puts entries in the order that git requires. Names compare
// as bytes, and a folder's name compares as if it ended in a slash.
func sortTreeEntries(entries []object.TreeEntry) {
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(entries, func(i, j int) bool { return key(entries[i]) < key(entries[j]) })
}

func writeBlob(s storer.EncodedObjectStorer, content string) (plumbing.Hash, error) {
	obj := s.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("open blob writer: %w", err)
	}
	if _, err := w.Write([]byte(content)); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write blob: %w", err)
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("close blob writer: %w", err)
	}
	hash, err := s.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("store blob: %w", err)
	}
	return hash, nil
}

type encoder interface {
	Encode(plumbing.EncodedObject) error
}

func storeObject(s storer.EncodedObjectStorer, value encoder) (plumbing.Hash, error) {
	obj := s.NewEncodedObject()
	if err := value.Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode %T: %w", value, err)
	}
	hash, err := s.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("store %s object: %w", obj.Type(), err)
	}
	return hash, nil
}

func firstLine(message string) string {
	line, _, _ := strings.Cut(message, "\n")
	return line
}
