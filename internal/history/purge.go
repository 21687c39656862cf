package history

import (
	"cmp"
	"slices"
	"strings"
)

// reflogPurge removes reflog entries and the objects that only they kept.
const reflogPurge = "git reflog expire --expire=now --all && git gc --prune=now"

// purgeCommand returns the command or step that removes hits from place.
// Ref names in it come from the hits, so they are redacted when they
// contain a value.
func purgeCommand(place Place, hits []Hit) string {
	refs := hitRefs(hits)
	switch place {
	case Branches:
		return "rewrite the history of " + strings.Join(refs, ", ") +
			" without the value (git rebase -i, or git filter-repo --replace-text FILE with FILE outside the repository), then git push --force-with-lease"
	case Tags:
		names := trimPrefixes(refs, "refs/tags/")
		return "git tag -d " + strings.Join(names, " ") +
			", then delete the tags on the server too: git push REMOTE --delete " + strings.Join(names, " ")
	case Stash:
		return stashPurge(refs)
	case Notes:
		// Removing only the note keeps the old note blob in the notes ref's
		// own history.
		return joinCommands("git update-ref -d ", refs)
	case OtherRefs:
		return otherRefsPurge(refs)
	case Reflog:
		return reflogPurge
	case Unreachable:
		return "git gc --prune=now"
	case Index:
		return "remove the value from the files listed and stage them again (git add PATH), or unstage them (git restore --staged PATH)"
	case GitDirectory:
		return "finish or abort the operation in progress (git rebase --abort, git merge --abort, git cherry-pick --abort), then delete the files listed"
	case WorkingTree:
		return "remove the value from the files listed, or delete them, and keep secrets in files outside the repository"
	}
	return ""
}

// hitRefs returns the distinct non-empty refs of hits, sorted.
func hitRefs(hits []Hit) []string {
	var refs []string
	for _, h := range hits {
		if h.Ref != "" {
			refs = append(refs, h.Ref)
		}
	}
	slices.Sort(refs)
	return slices.Compact(refs)
}

func trimPrefixes(names []string, prefix string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.TrimPrefix(n, prefix)
	}
	return out
}

func joinCommands(command string, args []string) string {
	commands := make([]string, len(args))
	for i, a := range args {
		commands[i] = command + a
	}
	return strings.Join(commands, " && ")
}

// stashPurge drops stash entries from the highest number down, because
// dropping an entry renumbers the entries after it. A dropped entry's
// objects stay in the object database until git gc prunes them.
func stashPurge(refs []string) string {
	var entries, other []string
	for _, r := range refs {
		if strings.HasPrefix(r, "stash@{") {
			entries = append(entries, r)
		} else {
			other = append(other, r)
		}
	}
	slices.SortFunc(entries, func(a, b string) int {
		return cmp.Compare(stashNumber(b), stashNumber(a))
	})
	var commands []string
	for _, e := range entries {
		commands = append(commands, "git stash drop "+e)
	}
	for _, r := range other {
		commands = append(commands, "git update-ref -d "+r)
	}
	return strings.Join(commands, " && ") + ", then git gc --prune=now"
}

func stashNumber(entry string) int {
	n := 0
	for _, c := range strings.TrimSuffix(strings.TrimPrefix(entry, "stash@{"), "}") {
		n = 10*n + int(c-'0')
	}
	return n
}

// otherRefsPurge deletes each ref, and moves a detached HEAD back to a
// branch.
func otherRefsPurge(refs []string) string {
	var commands []string
	for _, r := range refs {
		worktree, isWorktreeHead := strings.CutSuffix(strings.TrimPrefix(r, "worktrees/"), "/HEAD")
		switch {
		case r == "HEAD":
			commands = append(commands, "git switch BRANCH (HEAD is detached at a commit that reaches the value)")
		case strings.HasPrefix(r, "worktrees/") && isWorktreeHead:
			commands = append(commands, "git switch BRANCH in the linked work tree "+worktree)
		default:
			commands = append(commands, "git update-ref -d "+r)
		}
	}
	return strings.Join(commands, " && ")
}
