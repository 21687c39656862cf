package instructorcmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/checks"
	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/cmd/internal/session"
	"github.com/secretslab/workshop/sandbox"
	"github.com/secretslab/workshop/sandbox/endpoint"
)

// TestOptions configures `instructor test`.
type TestOptions struct {
	F *cmdutil.Factory

	// Step limits the proof to one step; empty proves every step.
	Step string
	// WorkDir holds the throwaway sandboxes; default a new temporary folder.
	WorkDir string
	// Keep leaves the throwaway sandboxes on disk for inspection.
	Keep bool
}

// NewCmdTest returns `instructor test`.
func NewCmdTest(f *cmdutil.Factory, runF func(*TestOptions) error) *cobra.Command {
	opts := &TestOptions{F: f}
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Prove that every step's check fails before its solution and passes after",
		Long: cmdutil.Heredoc(`
			For every step, in fresh sandboxes fast-forwarded to that step: the check must
			fail on the untouched step, fail after each of the step's plausible wrong
			solutions, and pass after the reference solution. Each claim prints one line.

			EXIT STATUS
			  0  every claim holds
			  1  at least one claim does not hold
			  2  the test could not run (no git, no python3, a port that cannot be bound)
		`),
		Example: cmdutil.Heredoc(`
			$ instructor test
			$ instructor test --step rewrite-history --keep
		`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return testRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Step, "step", "", "prove only this step")
	cmd.Flags().StringVar(&opts.WorkDir, "work-dir", "", "folder for the throwaway sandboxes (default: a new temporary folder)")
	cmd.Flags().BoolVar(&opts.Keep, "keep", false, "keep the throwaway sandboxes")
	return cmd
}

// prover runs the claims and counts them.
type prover struct {
	f       *cmdutil.Factory
	workDir string
	n       int
	passed  int
	failed  int
	out     io.Writer
}

func testRun(ctx context.Context, opts *TestOptions) error {
	f := opts.F
	if err := validateStep(f, opts.Step); err != nil {
		return err
	}
	w, err := f.Workshop()
	if err != nil {
		return err
	}
	work, cleanup, err := workDir(opts)
	if err != nil {
		return err
	}
	defer cleanup()

	p := &prover{f: f, workDir: work, out: f.IO.Out}
	for _, step := range w.Steps {
		if opts.Step != "" && step.ID != opts.Step {
			continue
		}
		if err := p.proveStep(ctx, step.ID); err != nil {
			return err
		}
	}
	fmt.Fprintf(p.out, "\n%d passed, %d failed\n", p.passed, p.failed)
	if p.failed > 0 {
		return &cmdutil.ExitError{Code: cmdutil.ExitNotYet}
	}
	return nil
}

func workDir(opts *TestOptions) (string, func(), error) {
	if opts.WorkDir != "" {
		if err := os.MkdirAll(opts.WorkDir, 0o755); err != nil {
			return "", nil, err
		}
		return opts.WorkDir, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "workshop-test-")
	if err != nil {
		return "", nil, err
	}
	if opts.Keep {
		fmt.Fprintf(opts.F.IO.ErrOut, "Keeping the sandboxes in %s\n", dir)
		return dir, func() {}, nil
	}
	return dir, func() { os.RemoveAll(dir) }, nil //nolint:errcheck // a temporary folder
}

// proveStep proves the three claims of one step.
func (p *prover) proveStep(ctx context.Context, id string) error {
	step, ok := checks.Lookup(id)
	if !ok {
		p.claim(id, "has a check", false, "no check is registered for this step")
		return nil
	}
	if err := p.proveUntouchedAndReference(ctx, step); err != nil {
		return err
	}
	for _, wrong := range step.Wrong {
		if err := p.proveWrong(ctx, step, wrong); err != nil {
			return err
		}
	}
	return nil
}

func (p *prover) proveUntouchedAndReference(ctx context.Context, step checks.Step) error {
	s, done, err := p.sandboxAt(ctx, step.ID)
	if err != nil {
		return err
	}
	defer done()

	res, err := checkAndRecord(ctx, s, step.ID)
	if err != nil {
		return fmt.Errorf("check %s on the untouched step: %w", step.ID, err)
	}
	p.claim(step.ID, "fails on the untouched step", !res.Passed, "the check passed")

	env, err := s.CheckEnv(ctx)
	if err != nil {
		return err
	}
	if err := step.Solve(ctx, env); err != nil {
		p.claim(step.ID, "passes after the reference solution", false, "the solution failed: "+err.Error())
		return nil
	}
	res, err = checkAndRecord(ctx, s, step.ID)
	if err != nil {
		return fmt.Errorf("check %s after the reference solution: %w", step.ID, err)
	}
	p.claim(step.ID, "passes after the reference solution", res.Passed, failedItems(res))
	return nil
}

func (p *prover) proveWrong(ctx context.Context, step checks.Step, wrong checks.Wrong) error {
	s, done, err := p.sandboxAt(ctx, step.ID)
	if err != nil {
		return err
	}
	defer done()

	env, err := s.CheckEnv(ctx)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("fails on a wrong solution: %s", wrong.Name)
	if err := wrong.Apply(ctx, env); err != nil {
		p.claim(step.ID, name, false, "the wrong solution could not be applied: "+err.Error())
		return nil
	}
	res, err := checkAndRecord(ctx, s, step.ID)
	if err != nil {
		return fmt.Errorf("check %s after the wrong solution %q: %w", step.ID, wrong.Name, err)
	}
	p.claim(step.ID, name, !res.Passed, "the check passed")
	return nil
}

// sandboxAt creates a fresh sandbox solved up to step id. done stops its
// endpoint.
func (p *prover) sandboxAt(ctx context.Context, id string) (*session.Session, func(), error) {
	p.n++
	dir := filepath.Join(p.workDir, fmt.Sprintf("%02d-%s", p.n, id))
	port, err := endpoint.FreePort()
	if err != nil {
		return nil, nil, err
	}
	sb, err := sandbox.Create(ctx, sandbox.CreateOptions{Dir: dir, Learner: "tester", AWSPort: port, Git: p.f.Git, Now: p.f.Now})
	if err != nil {
		return nil, nil, err
	}
	done := func() { endpoint.Stop(context.WithoutCancel(ctx), sb.AWSDir()) } //nolint:errcheck // best-effort stop of a throwaway endpoint
	if _, err := p.f.EnsureEndpoint(ctx, sb); err != nil {
		done()
		return nil, nil, err
	}
	s, err := session.ForSandbox(p.f, sb)
	if err == nil {
		err = solveThrough(ctx, s, id)
	}
	if err != nil {
		done()
		return nil, nil, err
	}
	return s, done, nil
}

// solveThrough solves every step before id.
func solveThrough(ctx context.Context, s *session.Session, id string) error {
	ids, err := stepsBefore(s, id)
	if err != nil {
		return err
	}
	for _, before := range ids {
		if err := solveAndRecord(ctx, s, before); err != nil {
			return err
		}
	}
	return nil
}

func (p *prover) claim(step, claim string, ok bool, why string) {
	if ok {
		p.passed++
		fmt.Fprintf(p.out, "ok    %-16s %s\n", step, claim)
		return
	}
	p.failed++
	fmt.Fprintf(p.out, "FAIL  %-16s %s: %s\n", step, claim, why)
}
