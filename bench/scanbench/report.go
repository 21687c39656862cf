package main

import (
	"fmt"
	"io"
	"time"
)

// printReport writes the results as Markdown.
func printReport(w io.Writer, machine string, reports []*repoReport) {
	fmt.Fprintf(w, "Machine: %s.\n\n", machine)
	for _, r := range reports {
		fmt.Fprintf(w, "- %s repository: %s.\n", r.name, r.build)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| repository | commits | tool and options | wall time | CPU time | findings (locations) | distinct secrets |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, r := range reports {
		for _, s := range r.scans {
			fmt.Fprintf(w, "| %s | %d | `%s %s` | %s | %s | %d | %d |\n",
				r.name, r.commits, s.tool, s.options, seconds(s.wall), seconds(s.cpu), s.findings, s.secrets)
		}
	}
	fmt.Fprintln(w)
	for _, r := range reports {
		ours := r.scans[0]
		for _, s := range r.scans[1:] {
			fmt.Fprintf(w, "- %s: `%s %s` took %.1f times the wall time of workshop scan.\n",
				r.name, s.tool, s.options, s.wall.Seconds()/ours.wall.Seconds())
		}
	}
	for _, r := range reports {
		if len(r.planted) > 0 {
			printPlanted(w, r)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| repository | commits | push with the hook (median) | push without a hook (median) | hook latency |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, r := range reports {
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s |\n", r.name, r.commits, millis(r.hook.withHook), millis(r.hook.without), millis(r.hook.hook()))
	}
}

// printPlanted lists which tool found each planted secret at its commit,
// path and line, and whether the workshop found every one gitleaks found.
func printPlanted(w io.Writer, r *repoReport) {
	fmt.Fprintf(w, "\nPlanted secrets in the %s repository:\n\n", r.name)
	header := "| planted secret | path:line |"
	rule := "|---|---|"
	found := make([][]bool, len(r.scans))
	for i, s := range r.scans {
		header += fmt.Sprintf(" `%s %s` |", s.tool, s.options)
		rule += "---|"
		found[i] = plantedFound(s, r.planted)
	}
	fmt.Fprintln(w, header)
	fmt.Fprintln(w, rule)
	for j, p := range r.planted {
		row := fmt.Sprintf("| %s | %s:%d |", p.kind, p.path, p.line)
		for i := range r.scans {
			row += " " + yesNo(found[i][j]) + " |"
		}
		fmt.Fprintln(w, row)
	}
	fmt.Fprintln(w)
	for i, s := range r.scans[1:] {
		fmt.Fprintf(w, "- Superset of `%s %s` on the planted secrets: %s (%d of %d against %d of %d).\n",
			s.tool, s.options, yesNo(superset(found[0], found[i+1])), count(found[0]), len(r.planted), count(found[i+1]), len(r.planted))
	}
}

// superset reports whether ours found every secret theirs found.
func superset(ours, theirs []bool) bool {
	for i := range theirs {
		if theirs[i] && !ours[i] {
			return false
		}
	}
	return true
}

func count(found []bool) int {
	n := 0
	for _, f := range found {
		if f {
			n++
		}
	}
	return n
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func millis(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
