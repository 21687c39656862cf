package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// inspectUnreachable reports the matched objects that nothing reaches. It
// must run after every step that marks objects as reached.
func (in *inspector) inspectUnreachable(context.Context) error {
	for oid, obj := range in.objects {
		if in.reached[oid] {
			continue
		}
		for _, m := range obj.matches {
			in.addHit(Hit{
				Place: Unreachable, Object: oid, Commit: oid,
				Path: m.part, Label: m.label, Encoding: m.encoding,
			})
		}
	}
	return nil
}

// inspectIndexes reports the staged blobs and paths that contain a value,
// in the index of every work tree. Staged blobs count as reached, because
// git gc keeps them.
func (in *inspector) inspectIndexes(ctx context.Context) error {
	if in.layout.bare {
		return nil
	}
	for _, dir := range in.layout.adminDirs {
		path := filepath.Join(dir.path, "index")
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := in.inspectIndex(ctx, path, dir.prefix+"index"); err != nil {
			return err
		}
	}
	return nil
}

func (in *inspector) inspectIndex(ctx context.Context, path, name string) error {
	out, err := in.git.outputWith(ctx, []string{"GIT_INDEX_FILE=" + path}, nil, "ls-files", "--stage", "-z")
	if err != nil {
		return fmt.Errorf("list the entries of %s: %w", name, err)
	}
	for _, entry := range bytes.Split(out, []byte{0}) {
		// Each entry is "MODE OID STAGE\tPATH".
		meta, filePath, ok := strings.Cut(string(entry), "\t")
		fields := strings.Fields(meta)
		if !ok || len(fields) != 3 || fields[0] == "160000" {
			continue
		}
		in.matchText(Index, name, filePath, PathFileName)
		obj, matched := in.objects[fields[1]]
		if !matched {
			continue
		}
		in.reached[fields[1]] = true
		for _, m := range obj.matches {
			in.addHit(Hit{
				Place: Index, Ref: name, Object: fields[1],
				Path: in.redact(filePath), Label: m.label, Encoding: m.encoding,
			})
		}
	}
	return nil
}

// inspectGitDirectory searches the plain files in the git directory:
// messages of commits, merges and squashes, the state of a stopped rebase,
// cherry-pick or revert, rerere's recorded resolutions, linked work trees,
// git filter-repo's maps, Git LFS objects and any other file. It skips what
// other places cover: objects, refs, reflogs and indexes.
func (in *inspector) inspectGitDirectory(context.Context) error {
	if in.layout.bare {
		return nil
	}
	skip := map[string]bool{
		filepath.Join(in.layout.commonDir, "objects"):     true,
		filepath.Join(in.layout.commonDir, "packed-refs"): true,
	}
	for _, dir := range in.layout.adminDirs {
		for _, name := range []string{"refs", "logs", "index"} {
			skip[filepath.Join(dir.path, name)] = true
		}
	}
	return in.searchFiles(in.layout.commonDir, func(path string, d fs.DirEntry) bool {
		return skip[path] || isSubmoduleObjects(path, d)
	}, func(rel string, data []byte) {
		in.matchFile(GitDirectory, "", rel, data)
	})
}

// isSubmoduleObjects reports whether path is the object store of a git
// directory nested in the git directory, such as modules/NAME/objects. Its
// files are compressed, so searching them as text finds nothing.
func isSubmoduleObjects(path string, d fs.DirEntry) bool {
	if !d.IsDir() || d.Name() != "objects" {
		return false
	}
	_, err := os.Stat(filepath.Join(filepath.Dir(path), "HEAD"))
	return err == nil
}

// inspectWorkingTrees searches every file in every work tree, tracked,
// untracked and ignored, and every file name. It skips .git at any depth
// and does not follow symbolic links.
func (in *inspector) inspectWorkingTrees(context.Context) error {
	for _, top := range in.layout.workTrees {
		ref := ""
		if top != in.layout.repo {
			ref = in.redact(top)
		}
		err := in.searchFiles(top, func(_ string, d fs.DirEntry) bool {
			return d.Name() == ".git"
		}, func(rel string, data []byte) {
			in.matchText(WorkingTree, ref, rel, PathFileName)
			in.matchFile(WorkingTree, ref, rel, data)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// searchFiles calls found with the slash-separated path relative to top and
// the content of every regular file under top, except what skip returns
// true for.
func (in *inspector) searchFiles(top string, skip func(string, fs.DirEntry) bool, found func(string, []byte)) error {
	err := filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return in.pathError(err)
		}
		if path != top && skip(path, d) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return in.pathError(err)
		}
		rel, err := filepath.Rel(top, path)
		if err != nil {
			return err
		}
		found(filepath.ToSlash(rel), data)
		return nil
	})
	if err != nil {
		return fmt.Errorf("search the files in %s: %w", in.redact(top), err)
	}
	return nil
}

// pathError rewrites a file system error so that the path in its message is
// redacted.
func (in *inspector) pathError(err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return fmt.Errorf("%s %s: %w", pathErr.Op, in.redact(pathErr.Path), pathErr.Err)
	}
	return err
}

// matchFile adds one hit per value and encoding found in a file's content.
func (in *inspector) matchFile(place Place, ref, rel string, data []byte) {
	if !in.matcher.Contains(data) {
		return
	}
	path := in.redact(rel)
	for _, vm := range in.matcher.Find(data) {
		in.addHit(Hit{Place: place, Ref: ref, Path: path, Label: vm.Label, Encoding: vm.Encoding})
	}
}

// redact shortens every value in s to its first four characters followed by
// an ellipsis, so that paths and ref names can be reported.
func (in *inspector) redact(s string) string {
	matches := in.matcher.Find([]byte(s))
	if len(matches) == 0 {
		return s
	}
	var b strings.Builder
	cursor := 0
	for _, m := range matches {
		if m.Start < cursor {
			cursor = max(cursor, m.End)
			continue
		}
		b.WriteString(s[cursor:m.Start])
		b.WriteString(s[m.Start:min(m.Start+4, m.End)])
		b.WriteString("…")
		cursor = m.End
	}
	b.WriteString(s[cursor:])
	return b.String()
}
