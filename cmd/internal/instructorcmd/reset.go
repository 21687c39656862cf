package instructorcmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/cmd/internal/session"
	"github.com/secretslab/workshop/sandbox"
	"github.com/secretslab/workshop/sandbox/endpoint"
)

// ResetOptions configures `instructor reset`.
type ResetOptions struct {
	F *cmdutil.Factory

	// Dir is the sandbox; default $WORKSHOP_DIR, else the current folder and its parents.
	Dir string
	// To is the step to stop at; the steps before it are solved. Empty means the first step.
	To string
	// Yes skips the confirmation.
	Yes bool
	// Learner is used when the sandbox's config is unreadable.
	Learner string
}

// NewCmdReset returns `instructor reset`.
func NewCmdReset(f *cmdutil.Factory, runF func(*ResetOptions) error) *cobra.Command {
	opts := &ResetOptions{F: f}
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Archive a learner's sandbox and rebuild it",
		Long: cmdutil.Heredoc(`
			Archive the learner's sandbox to a .tar.gz beside it (the path and the command
			that restores it are printed), then rebuild it with the same learner name and
			endpoint port. With --to STEP, fast-forward by applying the reference solution
			of every step before STEP, each proven by its check.

			A sandbox whose files are corrupted can be reset too: its folder is archived
			as it is.
		`),
		Example: cmdutil.Heredoc(`
			$ instructor reset --dir ~/labs/secrets --yes
			$ instructor reset --dir ~/labs/secrets --to rewrite-history --yes
		`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return resetRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "sandbox folder (default: $WORKSHOP_DIR, else the current folder and its parents)")
	cmd.Flags().StringVar(&opts.To, "to", "", "step to fast-forward to (id or number), solving every step before it")
	cmd.Flags().BoolVar(&opts.Yes, "yes", false, "do not ask for confirmation")
	cmd.Flags().StringVar(&opts.Learner, "learner", "", "learner name to use when the sandbox's config is unreadable")
	return cmd
}

// resetTarget describes the sandbox that reset replaces.
type resetTarget struct {
	dir     string
	learner string
	mode    string
	port    int
	// profile and region are the learner's choices in real-AWS mode.
	profile string
	region  string
}

func resetRun(ctx context.Context, opts *ResetOptions) error {
	f := opts.F
	to, err := resolveStep(f, opts.To)
	if err != nil {
		return err
	}
	opts.To = to
	target, err := findResetTarget(f, opts)
	if err != nil {
		return err
	}
	if !opts.Yes {
		if err := confirm(f, target.dir); err != nil {
			return err
		}
	}

	endpoint.Stop(ctx, filepath.Join(target.dir, "aws")) //nolint:errcheck // a sandbox being replaced may have no endpoint
	archive, err := sandbox.Archive(target.dir, f.Now())
	if err != nil {
		return fmt.Errorf("archive %s: %w (nothing was changed)", target.dir, err)
	}
	fmt.Fprintf(f.IO.ErrOut, "Archived the old sandbox to %s\n", archive)
	fmt.Fprintf(f.IO.ErrOut, "To restore it: %s\n", sandbox.RestoreCommand(target.dir, archive))
	if err := os.RemoveAll(target.dir); err != nil {
		return fmt.Errorf("remove %s after archiving it: %w", target.dir, err)
	}

	s, err := rebuild(ctx, f, target)
	if err != nil {
		return err
	}
	if err := fastForward(ctx, s, opts.To); err != nil {
		return err
	}
	current, ok := s.Current()
	if !ok {
		fmt.Fprintf(f.IO.ErrOut, "Rebuilt %s with every step done.\n", target.dir)
		return nil
	}
	fmt.Fprintf(f.IO.ErrOut, "Rebuilt %s; the current step is %s (%s).\n", target.dir, current.ID, current.Title)
	return nil
}

// resolveStep turns a step id, or its number as `workshop status` shows it,
// into the step id, and rejects an unknown one before anything is changed.
func resolveStep(f *cmdutil.Factory, step string) (string, error) {
	if step == "" {
		return "", nil
	}
	w, err := f.Workshop()
	if err != nil {
		return "", err
	}
	if n, err := strconv.Atoi(step); err == nil && n >= 1 && n <= len(w.Steps) {
		return w.Steps[n-1].ID, nil
	}
	if _, ok := w.Step(step); ok {
		return step, nil
	}
	var ids []string
	for _, s := range w.Steps {
		ids = append(ids, s.ID)
	}
	return "", &cmdutil.FlagError{Err: fmt.Errorf("%w %q: use one of %s, or a number from 1 to %d", errUnknownStep, step, strings.Join(ids, ", "), len(w.Steps))}
}

// findResetTarget locates the sandbox to reset and reads what it can of its
// config; a corrupted config falls back to defaults.
func findResetTarget(f *cmdutil.Factory, opts *ResetOptions) (resetTarget, error) {
	sb, err := f.Sandbox(opts.Dir)
	if err == nil {
		t := resetTarget{dir: sb.Dir, learner: sb.Config.Learner, mode: sb.Config.AWSMode, port: sb.Config.AWSPort, region: sb.Config.AWSRegion}
		if t.mode == sandbox.AWSReal {
			t.profile = sb.Config.AWSProfile
		}
		return t, nil
	}
	if !errors.Is(err, sandbox.ErrCorrupt) {
		return resetTarget{}, err
	}
	dir := opts.Dir
	if dir == "" {
		dir = f.Getenv("WORKSHOP_DIR")
	}
	if dir == "" {
		return resetTarget{}, fmt.Errorf("%w; pass --dir to reset it", err)
	}
	abs, absErr := filepath.Abs(dir)
	if absErr != nil {
		return resetTarget{}, absErr
	}
	fmt.Fprintf(f.IO.ErrOut, "warning: %v; resetting with default settings\n", err)
	return resetTarget{dir: abs, learner: opts.Learner, mode: sandbox.AWSLocal}, nil
}

func confirm(f *cmdutil.Factory, dir string) error {
	if !f.IO.IsStdinTTY() {
		return &cmdutil.FlagError{Err: fmt.Errorf("reset archives and rebuilds %s: pass --yes to confirm", dir)}
	}
	fmt.Fprintf(f.IO.ErrOut, "Archive and rebuild %s? [y/N] ", dir)
	answer, _ := bufio.NewReader(f.IO.In).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
		return errors.New("reset cancelled; nothing was changed")
	}
	return nil
}

// rebuild creates a fresh sandbox in place of the old one.
func rebuild(ctx context.Context, f *cmdutil.Factory, t resetTarget) (*session.Session, error) {
	port := t.port
	if port == 0 && t.mode == sandbox.AWSLocal {
		p, err := endpoint.FreePort()
		if err != nil {
			return nil, err
		}
		port = p
	}
	sb, err := sandbox.Create(ctx, sandbox.CreateOptions{
		Dir: t.dir, Learner: t.learner, AWSMode: t.mode, AWSPort: port, AWSProfile: t.profile, AWSRegion: t.region,
		Git: f.Git, Now: f.Now,
	})
	if err != nil {
		return nil, fmt.Errorf("rebuild %s: %w", t.dir, err)
	}
	if _, err := f.EnsureEndpoint(ctx, sb); err != nil {
		return nil, err
	}
	return session.ForSandbox(f, sb)
}

// fastForward solves every step before to.
func fastForward(ctx context.Context, s *session.Session, to string) error {
	ids, err := stepsBefore(s, to)
	if err != nil {
		return &cmdutil.FlagError{Err: err}
	}
	for _, id := range ids {
		fmt.Fprintf(s.F.IO.ErrOut, "Solving %s\n", id)
		if err := solveAndRecord(ctx, s, id); err != nil {
			return err
		}
	}
	return nil
}
