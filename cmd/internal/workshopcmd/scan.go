package workshopcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/internal/secretscan"
	"github.com/secretslab/workshop/sandbox"
	"github.com/secretslab/workshop/sandbox/githost"
)

// ScanOptions configures `workshop scan`.
type ScanOptions struct {
	F   *cmdutil.Factory
	Dir string
	// Path is the folder or repository to scan; default: the sandbox's app
	// folder inside a sandbox, else the current folder.
	Path string
	// History scans the history of the repository at Path as well as its
	// files. A bare repository has only a history.
	History bool
	JSON    bool
}

// NewCmdScan returns `workshop scan`.
func NewCmdScan(f *cmdutil.Factory, runF func(*ScanOptions) error) *cobra.Command {
	opts := &ScanOptions{F: f}
	cmd := &cobra.Command{
		Use:   "scan [PATH]",
		Short: "Find secrets in a folder or in a repository's history",
		Long: cmdutil.Heredoc(`
			Find secrets with the same rules as push protection. PATH is a folder, a
			work tree or a bare repository; it defaults to the sandbox's app folder inside
			a sandbox, else the current folder.

			A folder's files are scanned, untracked ones included and .git skipped. With
			--history, or when PATH is a bare repository, every commit reachable from any
			ref is scanned too: the files each commit introduces, its message, author and
			file names, and annotated tags. Each secret is listed once with every place
			it was found, redacted. Inside a sandbox the values it issued are searched for
			exactly; elsewhere only the patterns apply.

			EXIT STATUS
			  0  no secret that blocks a push was found
			  1  at least one secret that blocks a push was found
			  2  error: bad input, a missing folder, a missing git
		`),
		Example: cmdutil.Heredoc(`
			$ workshop scan
			$ workshop scan --history --json ~/src/my-app
		`),
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Path = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return scanRun(cmd.Context(), opts)
		},
	}
	addDirFlag(cmd, &opts.Dir)
	cmd.Flags().BoolVar(&opts.History, "history", false, "scan the repository's history as well as its files")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the findings as one JSON object")
	return cmd
}

func scanRun(ctx context.Context, opts *ScanOptions) error {
	f := opts.F
	sb, err := optionalSandbox(f, opts.Dir)
	if err != nil {
		return err
	}
	path, err := scanPath(f, sb, opts.Path)
	if err != nil {
		return err
	}
	scanner, err := newScanner(f, sb)
	if err != nil {
		return err
	}

	report, err := scanTarget(ctx, f, scanner, path, opts.History)
	if err != nil {
		return err
	}
	if opts.JSON {
		err = writeJSON(f.IO.Out, report)
	} else {
		err = printScan(f.IO.Out, report)
	}
	if err != nil {
		return err
	}
	if report.blocking() > 0 {
		return &cmdutil.ExitError{Code: cmdutil.ExitNotYet}
	}
	return nil
}

// optionalSandbox returns the sandbox that dir, $WORKSHOP_DIR or the
// current folder names, or nil when no sandbox is found and none was named.
func optionalSandbox(f *cmdutil.Factory, dir string) (*sandbox.Sandbox, error) {
	sb, err := f.Sandbox(dir)
	named := dir != "" || f.Getenv("WORKSHOP_DIR") != ""
	if errors.Is(err, sandbox.ErrNotFound) && !named {
		return nil, nil
	}
	return sb, err
}

// scanPath returns the absolute folder to scan.
func scanPath(f *cmdutil.Factory, sb *sandbox.Sandbox, path string) (string, error) {
	switch {
	case path != "":
	case sb != nil:
		path = sb.AppDir()
	default:
		wd, err := f.Getwd()
		if err != nil {
			return "", fmt.Errorf("find the current folder: %w", err)
		}
		path = wd
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("scan %s: %w", path, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return "", &cmdutil.FlagError{Err: fmt.Errorf("scan %s: %w", path, err)}
	}
	if !info.IsDir() {
		return "", &cmdutil.FlagError{Err: fmt.Errorf("scan %s: not a folder; give a folder or a repository", path)}
	}
	return abs, nil
}

// newScanner builds the scanner, with the values sb issued when there is a
// sandbox.
func newScanner(f *cmdutil.Factory, sb *sandbox.Sandbox) (*secretscan.Scanner, error) {
	var known []secretscan.Value
	if sb != nil {
		values, err := sb.IssuedValues()
		if err != nil {
			return nil, err
		}
		known = values
	}
	return secretscan.New(secretscan.Options{Known: known, Logger: f.Logger})
}

// scanTarget scans the folder at path, its repository's history, or both.
func scanTarget(ctx context.Context, f *cmdutil.Factory, scanner *secretscan.Scanner, path string, history bool) (*scanReport, error) {
	gitDir, bare := repository(ctx, f, path)
	report := &scanReport{Path: path, Findings: []scanSecret{}, Skipped: []string{}}
	var found []secretscan.Finding
	if !bare {
		res, err := scanner.ScanDir(ctx, path, 0)
		if err != nil {
			return nil, err
		}
		report.Scanned.Files = res.Files
		found = append(found, res.Findings...)
		report.Skipped = append(report.Skipped, res.Skipped...)
	}
	if history || bare {
		if gitDir == "" {
			return nil, &cmdutil.FlagError{Err: fmt.Errorf("scan the history of %s: not a git repository", path)}
		}
		res, err := githost.ScanHistory(ctx, githost.HistoryOptions{RepoDir: gitDir, Scanner: scanner})
		if err != nil {
			return nil, err
		}
		report.Scanned.Commits, report.Scanned.Blobs = res.Commits, res.Blobs
		found = append(found, res.Findings...)
		report.Skipped = append(report.Skipped, res.Skipped...)
	}
	report.Findings = groupSecrets(found)
	return report, nil
}

// repository returns the git folder of the repository at path and whether
// path is that repository's bare folder itself, or "" when path is in no
// repository.
func repository(ctx context.Context, f *cmdutil.Factory, path string) (gitDir string, bare bool) {
	out, err := f.Git.Output(ctx, path, "rev-parse", "--absolute-git-dir", "--is-bare-repository")
	if err != nil {
		return "", false
	}
	dir, isBare, _ := strings.Cut(out, "\n")
	same := filepath.Clean(dir) == filepath.Clean(path)
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		same = same || filepath.Clean(dir) == resolved
	}
	return dir, strings.TrimSpace(isBare) == "true" && same
}

// scanReport is the output of `workshop scan`; its JSON form is the
// --json output.
type scanReport struct {
	Path     string       `json:"path"`
	Findings []scanSecret `json:"findings"`
	Skipped  []string     `json:"skipped"`
	Scanned  struct {
		Files   int `json:"files"`
		Commits int `json:"commits"`
		Blobs   int `json:"blobs"`
	} `json:"scanned"`
}

// scanSecret is one secret and every place it was found.
type scanSecret struct {
	SecretID    string         `json:"secret_id"`
	RuleID      string         `json:"rule"`
	Description string         `json:"description"`
	Redacted    string         `json:"redacted"`
	Blocking    bool           `json:"blocking"`
	Locations   []scanLocation `json:"locations"`
}

// scanLocation is one place a secret was found. Commit is empty for a file
// in the folder.
type scanLocation struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Commit  string `json:"commit,omitempty"`
	Excerpt string `json:"excerpt"`
}

func (r *scanReport) blocking() int {
	n := 0
	for _, s := range r.Findings {
		if s.Blocking {
			n++
		}
	}
	return n
}

// groupSecrets merges findings of the same secret, in order of first
// appearance.
func groupSecrets(findings []secretscan.Finding) []scanSecret {
	secrets := []scanSecret{}
	index := map[string]int{}
	for _, f := range findings {
		i, ok := index[f.SecretID]
		if !ok {
			i = len(secrets)
			index[f.SecretID] = i
			secrets = append(secrets, scanSecret{
				SecretID: f.SecretID, RuleID: f.RuleID, Description: f.Description,
				Redacted: f.Redacted, Locations: []scanLocation{},
			})
		}
		secrets[i].Blocking = secrets[i].Blocking || f.Blocking
		secrets[i].Locations = append(secrets[i].Locations, scanLocation{
			Path: f.Path, Line: f.Line, Column: f.Column, Commit: f.Commit, Excerpt: f.Excerpt,
		})
	}
	return secrets
}

func printScan(w io.Writer, r *scanReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Scanned %s: %s.\n", r.Path, scannedSummary(r))
	if len(r.Findings) == 0 {
		b.WriteString("No secrets found.\n")
	} else {
		fmt.Fprintf(&b, "Found %d %s, %d blocking a push:\n", len(r.Findings), plural(len(r.Findings), "secret", "secrets"), r.blocking())
	}
	for _, s := range r.Findings {
		writeSecret(&b, s)
	}
	if len(r.Skipped) > 0 {
		fmt.Fprintf(&b, "\nNot scanned with the patterns (%d):\n", len(r.Skipped))
		for _, s := range r.Skipped {
			fmt.Fprintf(&b, "  %s\n", s)
		}
	}
	if r.blocking() > 0 {
		b.WriteString("\nRemove each blocking secret, rotate it if it is real, and scan again.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func scannedSummary(r *scanReport) string {
	var parts []string
	if r.Scanned.Files > 0 || r.Scanned.Commits == 0 {
		parts = append(parts, fmt.Sprintf("%d %s", r.Scanned.Files, plural(r.Scanned.Files, "file", "files")))
	}
	if r.Scanned.Commits > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", r.Scanned.Commits, plural(r.Scanned.Commits, "commit", "commits")))
	}
	return strings.Join(parts, " and ")
}

func writeSecret(b *strings.Builder, s scanSecret) {
	status := "not blocking"
	if s.Blocking {
		status = "BLOCKING"
	}
	fmt.Fprintf(b, "\n  %s: %s %s (secret id %s, rule %s)\n", status, s.Description, s.Redacted, s.SecretID, s.RuleID)
	for _, l := range s.Locations {
		fmt.Fprintf(b, "    %s:%d", l.Path, l.Line)
		if l.Commit != "" {
			fmt.Fprintf(b, " in commit %s", shortCommit(l.Commit))
		}
		fmt.Fprintf(b, ": %s\n", l.Excerpt)
	}
}

func shortCommit(id string) string {
	if len(id) > 10 {
		return id[:10]
	}
	return id
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
