package history

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// layout locates the parts of a repository on disk.
type layout struct {
	// repo names the repository in the report.
	repo string
	bare bool
	// commonDir is the git directory shared by all work trees.
	commonDir string
	// adminDirs are commonDir and the private git directory of every linked
	// work tree, each with the prefix that names its files in hits.
	adminDirs []adminDir
	// workTrees are the top folders of every work tree that exists on disk.
	workTrees []string
	// borrows is true when objects/info/alternates lends the repository
	// objects of another repository.
	borrows bool
}

// adminDir is a git directory that has its own HEAD, index, reflog of HEAD
// and special heads.
type adminDir struct {
	path string
	// prefix is "" for the main git directory and "worktrees/NAME/" for a
	// linked work tree.
	prefix string
}

func openLayout(ctx context.Context, git *gitRunner) (*layout, error) {
	out, err := git.output(ctx, "rev-parse", "--path-format=absolute", "--git-common-dir", "--is-bare-repository")
	if err != nil {
		return nil, fmt.Errorf("open repository %s: %w", git.dir, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		return nil, fmt.Errorf("open repository %s: unexpected git rev-parse output %q", git.dir, out)
	}
	l := &layout{commonDir: lines[0], bare: lines[1] == "true", repo: lines[0]}
	_, err = os.Stat(filepath.Join(l.commonDir, "objects", "info", "alternates"))
	l.borrows = err == nil

	if l.adminDirs, err = listAdminDirs(l.commonDir); err != nil {
		return nil, err
	}
	if l.bare {
		return l, nil
	}
	top, err := git.output(ctx, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("open repository %s: %w", git.dir, err)
	}
	l.repo = strings.TrimSpace(string(top))
	if l.workTrees, err = listWorkTrees(ctx, git); err != nil {
		return nil, err
	}
	return l, nil
}

func listAdminDirs(commonDir string) ([]adminDir, error) {
	dirs := []adminDir{{path: commonDir}}
	entries, err := os.ReadDir(filepath.Join(commonDir, "worktrees"))
	if os.IsNotExist(err) {
		return dirs, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list linked work trees: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, adminDir{
				path:   filepath.Join(commonDir, "worktrees", e.Name()),
				prefix: "worktrees/" + e.Name() + "/",
			})
		}
	}
	return dirs, nil
}

// listWorkTrees returns the work trees that git worktree list names and that
// exist on disk.
func listWorkTrees(ctx context.Context, git *gitRunner) ([]string, error) {
	out, err := git.output(ctx, "worktree", "list", "--porcelain")
	if err != nil {
		return nil, fmt.Errorf("list work trees: %w", err)
	}
	var trees []string
	for _, block := range strings.Split(string(out), "\n\n") {
		path, bare := "", false
		for _, line := range strings.Split(block, "\n") {
			if p, ok := strings.CutPrefix(line, "worktree "); ok {
				path = p
			}
			bare = bare || line == "bare"
		}
		if path == "" || bare {
			continue
		}
		if info, err := os.Stat(path); err == nil && info.IsDir() {
			trees = append(trees, path)
		}
	}
	return trees, nil
}
