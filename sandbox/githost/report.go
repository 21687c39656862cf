package githost

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/secretslab/workshop/internal/secretscan"
)

// maxReported is how many secrets a report lists before it only counts the
// rest; GitHub's command-line rejection shows five.
const maxReported = 5

// AllowSecretCommand is the command that a report gives the pusher for
// allowing a secret. The secret id and the reason follow it.
const AllowSecretCommand = "workshop allow-secret"

// secretGroup is one secret and every place a push adds it.
type secretGroup struct {
	id       string
	findings []secretscan.Finding
}

// groupBySecret groups findings by secret id in the order of first
// appearance, keeping only those keep accepts.
func groupBySecret(findings []secretscan.Finding, keep func(secretscan.Finding) bool) []secretGroup {
	var groups []secretGroup
	index := map[string]int{}
	for _, f := range findings {
		if !keep(f) {
			continue
		}
		i, ok := index[f.SecretID]
		if !ok {
			i = len(groups)
			index[f.SecretID] = i
			groups = append(groups, secretGroup{id: f.SecretID})
		}
		groups[i].findings = append(groups[i].findings, f)
	}
	return groups
}

// writeReport writes the rejection, or notes about findings that do not
// block, to w in one write.
func writeReport(w io.Writer, result *PushResult, updates []RefUpdate, refs pushedRefs) error {
	var b strings.Builder
	blocking := groupBySecret(result.Findings, func(f secretscan.Finding) bool { return f.Blocking })
	if len(blocking) > 0 {
		writeRejection(&b, blocking, rejectedRefs(blocking, updates, refs), refs)
	}
	bypassed := groupBySecret(result.Findings, func(f secretscan.Finding) bool { return slices.Contains(f.Tags, TagBypassed) })
	writeNotes(&b, "allowed by a bypass", bypassed)
	others := groupBySecret(result.Findings, func(f secretscan.Finding) bool {
		return !f.Blocking && !slices.Contains(f.Tags, TagBypassed)
	})
	writeNotes(&b, "found but not blocking (generic patterns and partial credentials do not block)", others)
	writeSkipped(&b, result.Skipped)
	if b.Len() == 0 {
		return nil
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// rejectedRefs returns the refs whose update brought a blocking secret, or
// every updated ref when none can be named.
func rejectedRefs(groups []secretGroup, updates []RefUpdate, refs pushedRefs) []string {
	var names []string
	for _, g := range groups {
		for _, f := range g.findings {
			for _, r := range refs.refsOf[f.Commit] {
				names = appendNew(names, r)
			}
		}
	}
	if len(names) == 0 {
		for _, u := range updates {
			names = appendNew(names, u.Ref)
		}
	}
	return names
}

func writeRejection(b *strings.Builder, groups []secretGroup, refNames []string, refs pushedRefs) {
	fmt.Fprintf(b, "error: push protection rejected the push to %s\n", strings.Join(refNames, ", "))
	b.WriteString("\n- push cannot contain secrets\n\n")
	b.WriteString("  Remove each secret below from every commit that holds it, then push again.\n")
	for i, g := range groups {
		if i == maxReported {
			fmt.Fprintf(b, "\n  and %d more %s not shown; resolve those listed and push again to see them.\n",
				len(groups)-maxReported, plural(len(groups)-maxReported, "secret", "secrets"))
			break
		}
		writeGroup(b, g, refs)
	}
	b.WriteString("\n")
}

func writeGroup(b *strings.Builder, g secretGroup, refs pushedRefs) {
	first := g.findings[0]
	fmt.Fprintf(b, "\n  —— %s ——\n", first.Description)
	fmt.Fprintf(b, "    secret id: %s\n", g.id)
	b.WriteString("    locations:\n")
	seen := map[string]bool{}
	for _, f := range g.findings {
		loc := fmt.Sprintf("      - commit: %s\n        path: %s:%d\n", f.Commit, f.Path, f.Line)
		if !seen[loc] {
			seen[loc] = true
			b.WriteString(loc)
		}
	}
	fmt.Fprintf(b, "    excerpt: %s\n\n", first.Excerpt)
	writeResolution(b, first, refs)
	b.WriteString("    If it is not a secret, or must be pushed, allow it for three hours:\n")
	fmt.Fprintf(b, "      %s %s --reason false-positive|used-in-tests|fix-later\n", AllowSecretCommand, g.id)
}

// writeResolution writes how to remove the secret of finding f, the first
// place a push adds it.
func writeResolution(b *strings.Builder, f secretscan.Finding, refs pushedRefs) {
	if f.Path == PathTagMessage {
		b.WriteString("    To resolve it, re-create the tag with a message without the secret\n")
		b.WriteString("    (`git tag -f -a <tag>`) and push the tag again.\n")
		return
	}
	b.WriteString("    To resolve it, remove the secret from every commit listed, for example:\n")
	fmt.Fprintf(b, "      %s\n", rebaseCommand(f.Commit, refs))
	b.WriteString("    then mark each listed commit \"edit\", delete the secret, run\n")
	b.WriteString("    `git commit --amend -a` and `git rebase --continue`, and push again.\n")
}

// rebaseCommand returns the interactive rebase that starts at commit, or at
// the root when commit has no parent.
func rebaseCommand(commit string, refs pushedRefs) string {
	if parents, ok := refs.parents[commit]; ok && len(parents) == 0 {
		return "git rebase -i --root"
	}
	return "git rebase -i " + shortID(commit) + "~1"
}

// writeNotes lists groups under a heading, at most maxReported of them.
func writeNotes(b *strings.Builder, heading string, groups []secretGroup) {
	if len(groups) == 0 {
		return
	}
	fmt.Fprintf(b, "push protection: %d %s %s:\n", len(groups), plural(len(groups), "secret", "secrets"), heading)
	for i, g := range groups {
		if i == maxReported {
			fmt.Fprintf(b, "  and %d more\n", len(groups)-maxReported)
			break
		}
		f := g.findings[0]
		fmt.Fprintf(b, "  - %s (secret id %s) at %s:%d in %s: %s\n", f.Description, g.id, f.Path, f.Line, shortID(f.Commit), f.Excerpt)
	}
}

// writeSkipped lists the blobs the pattern rules did not scan.
func writeSkipped(b *strings.Builder, skipped []string) {
	if len(skipped) == 0 {
		return
	}
	fmt.Fprintf(b, "push protection: %d %s not scanned for patterns:\n", len(skipped), plural(len(skipped), "file", "files"))
	for i, s := range skipped {
		if i == maxReported {
			fmt.Fprintf(b, "  and %d more\n", len(skipped)-maxReported)
			break
		}
		fmt.Fprintf(b, "  - %s\n", s)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
