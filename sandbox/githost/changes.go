package githost

import (
	"context"
	"fmt"
	"strings"

	"github.com/secretslab/workshop/internal/gitcmd"
)

// change is a file that a commit introduces: a path whose blob differs from
// the blob at that path in every parent.
type change struct {
	path    string
	blob    string
	mode    string
	newPath bool     // no parent has the path: the file is added or renamed
	parents []string // the blob at path, or at the renamed path, in each parent that has one
}

// submoduleMode is the tree entry mode of a gitlink, which names a commit
// of another repository rather than a blob.
const submoduleMode = "160000"

// commitChanges lists the files commit introduces. For a commit with one
// parent, or none, that is every added or modified file, with renames
// detected so that a renamed file's old content counts as its parent's. For
// a merge it is every file whose merged content differs from all parents,
// which is what the merge's own resolution added.
func commitChanges(ctx context.Context, git gitcmd.Runner, repoDir, commit string) ([]change, error) {
	out, err := git.Run(ctx, repoDir, "--git-dir", repoDir, "diff-tree", "-r", "-z", "--raw", "--no-abbrev",
		"-M", "--no-commit-id", "--root", "-c", commit)
	if err != nil {
		return nil, fmt.Errorf("list files of commit %s: %w", commit, err)
	}
	changes, err := parseRawDiff(out)
	if err != nil {
		return nil, fmt.Errorf("list files of commit %s: %w", commit, err)
	}
	return changes, nil
}

// parseRawDiff parses `git diff-tree -z --raw` output, plain or combined
// (-c). Each entry is a header and a path, each ended by NUL; a rename or
// copy has its old path before the new one. A header is one colon per
// parent, the modes of the parents' files and of the result, their object
// ids, and the status letters, with a similarity score after R or C.
func parseRawDiff(out string) ([]change, error) {
	var changes []change
	fields := strings.Split(out, "\x00")
	for i := 0; i+1 < len(fields); i += 2 {
		header, path := fields[i], fields[i+1]
		renamed := isRenameOrCopy(header)
		if renamed {
			if i+2 >= len(fields) {
				return nil, fmt.Errorf("git diff-tree entry %q lacks its new path", header)
			}
			path = fields[i+2]
			i++
		}
		c, ok, err := parseRawEntry(header, path)
		if err != nil {
			return nil, err
		}
		if ok {
			c.newPath = c.newPath || renamed
			changes = append(changes, c)
		}
	}
	return changes, nil
}

func isRenameOrCopy(header string) bool {
	parts := strings.Fields(header)
	if len(parts) == 0 {
		return false
	}
	status := parts[len(parts)-1]
	return strings.HasPrefix(status, "R") || strings.HasPrefix(status, "C")
}

// parseRawEntry returns the change of one entry, or false when the entry
// deletes its file or names a submodule.
func parseRawEntry(header, path string) (change, bool, error) {
	parents := len(header) - len(strings.TrimLeft(header, ":"))
	parts := strings.Fields(header[parents:])
	if parents == 0 || len(parts) != 2*(parents+1)+1 {
		return change{}, false, fmt.Errorf("unexpected git diff-tree entry %q", header)
	}
	modes, ids := parts[:parents+1], parts[parents+1:2*(parents+1)]
	c := change{path: path, mode: modes[parents], blob: ids[parents], newPath: true}
	if isNullID(c.blob) || c.mode == submoduleMode {
		return change{}, false, nil
	}
	for p := range parents {
		if !isNullID(ids[p]) && modes[p] != submoduleMode {
			c.parents = append(c.parents, ids[p])
			c.newPath = false
		}
	}
	return c, true, nil
}

// isNullID reports whether id is git's all-zero object id, which stands for
// a missing object: a created or deleted ref, or an absent file.
func isNullID(id string) bool {
	return id != "" && strings.Trim(id, "0") == ""
}
