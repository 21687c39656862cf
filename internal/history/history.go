package history

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/secretslab/workshop/internal/secretscan"
)

// Place is one kind of location in a repository where a value can survive.
type Place string

// The places Inspect reports, in report order.
const (
	// Branches are the objects reachable from refs/heads/*.
	Branches Place = "branches"
	// Tags are the objects reachable from refs/tags/*, with annotated tag
	// messages and taggers.
	Tags Place = "tags"
	// Stash is refs/stash and every stash entry in its reflog, with the
	// index and untracked-files commits of each entry.
	Stash Place = "stash"
	// Notes are the objects reachable from refs/notes/*.
	Notes Place = "notes"
	// OtherRefs are the objects reachable from any other ref, such as
	// refs/remotes/*, refs/original/* and refs/replace/*, and from a
	// detached HEAD.
	OtherRefs Place = "other refs"
	// Reflog is the objects reachable only from reflog entries and from
	// ORIG_HEAD, FETCH_HEAD and the other special heads, plus the text of
	// the reflog entries.
	Reflog Place = "reflog"
	// Unreachable is the objects in the object database that no ref,
	// reflog, special head or index reaches.
	Unreachable Place = "unreachable objects"
	// Index is the staged blobs and paths of the index of every work tree.
	Index Place = "index"
	// GitDirectory is the plain files that git keeps in the git directory,
	// such as COMMIT_EDITMSG and the state of a stopped rebase.
	GitDirectory Place = "git directory"
	// WorkingTree is the files in every work tree, tracked, untracked and
	// ignored.
	WorkingTree Place = "working tree"
)

// Places returns every place in report order.
func Places() []Place {
	return []Place{Branches, Tags, Stash, Notes, OtherRefs, Reflog, Unreachable, Index, GitDirectory, WorkingTree}
}

// Hit.Path values for occurrences outside a file's content.
const (
	PathCommitMessage = "<commit message>"
	PathAuthor        = "<author>"
	PathCommitter     = "<committer>"
	PathCommitHeader  = "<commit header>"
	PathTagMessage    = "<tag message>"
	PathTagger        = "<tagger>"
	PathTagHeader     = "<tag header>"
	PathFileName      = "<file name>"
	PathRefName       = "<ref name>"
	PathReflogEntry   = "<reflog entry>"
)

// ErrInvalidOptions is returned when Options lacks a repository or a matcher.
var ErrInvalidOptions = errors.New("invalid history options")

// Options configures Inspect.
type Options struct {
	// RepoDir is a work tree of a clone, or a bare repository.
	RepoDir string
	// Matcher finds the issued values.
	Matcher *secretscan.Matcher
	// Git is the git binary. Empty means "git" from PATH.
	Git string
	// Env is the environment git runs with. Nil means the environment of
	// the current process. Variables that point git at another repository,
	// such as GIT_DIR and GIT_INDEX_FILE, are removed either way.
	Env []string
}

// Hit is one occurrence of an issued value.
type Hit struct {
	Place Place
	// Ref is the ref, stash entry, reflog entry or index file that reaches
	// the object, or the top folder of a linked work tree. It is empty for
	// unreachable objects, the git directory and the main work tree.
	Ref string
	// Object is the id of the git object that contains the value.
	Object string
	// Commit is the newest commit on Ref's history that contains Object,
	// the commit itself for a commit message, the tagged object for an
	// annotated tag, and Object itself for an unreachable object.
	Commit string
	// Path is the file's path, or one of the Path constants when the value
	// is in a commit, a tag, a file name, a ref name or a reflog entry.
	Path     string
	Label    string
	Encoding string
}

// PlaceReport is the result for one place.
type PlaceReport struct {
	Place Place
	// Clean is true when the place has no hits.
	Clean bool
	// Warning is true when the place has hits that a clone or fetch does
	// not receive by default: reflog entries and unreachable objects.
	Warning bool
	Hits    []Hit
	// Purge is the command or step that removes the hits, empty when clean.
	Purge string
	// Note explains a place that does not exist, such as the index of a bare
	// repository, or unreachable objects borrowed from another repository.
	Note string
}

// Report is the result of Inspect for one repository.
type Report struct {
	// Repo is the work tree's top folder, or the git directory of a bare
	// repository.
	Repo   string
	Places []PlaceReport
}

// Clean reports whether every named place is clean, or every place when
// none is named.
func (r *Report) Clean(places ...Place) bool {
	for _, p := range r.Places {
		if len(places) > 0 && !slices.Contains(places, p.Place) {
			continue
		}
		if !p.Clean {
			return false
		}
	}
	return true
}

// Place returns the report for place, or a zero PlaceReport when the report
// has none.
func (r *Report) Place(place Place) PlaceReport {
	for _, p := range r.Places {
		if p.Place == place {
			return p
		}
	}
	return PlaceReport{}
}

// Inspect searches every place in the repository at opts.RepoDir for the
// values of opts.Matcher.
func Inspect(ctx context.Context, opts Options) (*Report, error) {
	if opts.RepoDir == "" || opts.Matcher == nil {
		return nil, fmt.Errorf("%w: RepoDir and Matcher are required", ErrInvalidOptions)
	}
	git := newGitRunner(opts.Git, opts.RepoDir, opts.Env)
	layout, err := openLayout(ctx, git)
	if err != nil {
		return nil, err
	}
	in := &inspector{
		git:        git,
		layout:     layout,
		matcher:    opts.Matcher,
		refReached: map[string]bool{},
		reached:    map[string]bool{},
		exists:     map[string]bool{},
		traversals: map[string]map[string]reach{},
		hits:       map[Place][]Hit{},
	}

	steps := []func(context.Context) error{
		in.scanObjects,
		in.inspectRefs,
		in.inspectReflogs,
		in.inspectIndexes,
		in.inspectUnreachable,
		in.inspectGitDirectory,
		in.inspectWorkingTrees,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	return in.report(), nil
}

// inspector carries the state of one Inspect call.
type inspector struct {
	git     *gitRunner
	layout  *layout
	matcher *secretscan.Matcher

	// objects are the objects whose content matches, by id.
	objects map[string]*matchedObject
	// refReached are the matched objects that a ref, stash entry or
	// detached HEAD reaches.
	refReached map[string]bool
	// reached are the matched objects that anything reaches, refs, reflogs,
	// special heads and indexes included.
	reached map[string]bool
	// exists records which tips are in the object database.
	exists map[string]bool
	// traversals caches the matched objects reachable from a set of tips.
	traversals map[string]map[string]reach
	hits       map[Place][]Hit
}

func (in *inspector) addHit(h Hit) {
	in.hits[h.Place] = append(in.hits[h.Place], h)
}

// report assembles the hits into one PlaceReport per place.
func (in *inspector) report() *Report {
	r := &Report{Repo: in.layout.repo}
	for _, place := range Places() {
		hits := uniqueHits(in.hits[place])
		pr := PlaceReport{Place: place, Clean: len(hits) == 0, Hits: hits}
		if !pr.Clean {
			pr.Warning = place == Reflog || place == Unreachable
			pr.Purge = purgeCommand(place, hits)
		} else if in.layout.bare {
			pr.Note = bareNotes[place]
		}
		if place == Unreachable && in.layout.borrows {
			pr.Note = alternatesNote
		}
		r.Places = append(r.Places, pr)
	}
	return r
}

// alternatesNote explains unreachable objects in a repository that borrows
// objects, because git gc there does not prune the lender's objects.
const alternatesNote = "objects borrowed through objects/info/alternates are searched too: git gc --prune=now in the repository that lends them removes the unreachable ones"

// bareNotes explain the places that a bare repository does not have.
var bareNotes = map[Place]string{
	Index:        "not applicable: a bare repository has no index",
	GitDirectory: "not applicable: leftover files come from commands that need a work tree, such as commit, merge and rebase; the refs, reflogs and objects of the bare repository are searched in the other places",
	WorkingTree:  "not applicable: a bare repository has no working tree",
}

func uniqueHits(hits []Hit) []Hit {
	slices.SortFunc(hits, compareHits)
	return slices.Compact(hits)
}

func compareHits(a, b Hit) int {
	return cmp.Or(
		cmp.Compare(a.Ref, b.Ref),
		cmp.Compare(a.Path, b.Path),
		cmp.Compare(a.Object, b.Object),
		cmp.Compare(a.Commit, b.Commit),
		cmp.Compare(a.Label, b.Label),
		cmp.Compare(a.Encoding, b.Encoding),
	)
}
