package instructorcmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

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
	// Parallel is how many sandboxes are proven at once; default the number of CPUs.
	Parallel int
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
	cmd.Flags().IntVar(&opts.Parallel, "parallel", runtime.NumCPU(), "how many sandboxes to prove at once")
	return cmd
}

// claim is one proven or disproven statement about a step.
type claim struct {
	step, text string
	ok         bool
	why        string
}

// job proves some claims in sandboxes of its own, so jobs can run in
// parallel.
type job func(ctx context.Context, sandboxDir string) ([]claim, error)

func testRun(ctx context.Context, opts *TestOptions) error {
	f := opts.F
	only, err := resolveStep(f, opts.Step)
	if err != nil {
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

	var jobs []job
	for _, step := range w.Steps {
		if only == "" || step.ID == only {
			jobs = append(jobs, stepJobs(f, step.ID)...)
		}
	}
	passed, failed := 0, 0
	err = runJobs(ctx, jobs, opts.Parallel, work, func(claims []claim) {
		for _, c := range claims {
			if c.ok {
				passed++
				fmt.Fprintf(f.IO.Out, "ok    %-16s %s\n", c.step, c.text)
			} else {
				failed++
				fmt.Fprintf(f.IO.Out, "FAIL  %-16s %s: %s\n", c.step, c.text, c.why)
			}
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Out, "\n%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return &cmdutil.ExitError{Code: cmdutil.ExitNotYet}
	}
	return nil
}

// runJobs runs jobs on up to workers goroutines and hands each job's claims
// to emit in job order, as soon as every earlier job has finished. It stops
// at the first job that fails to run.
func runJobs(ctx context.Context, jobs []job, workers int, work string, emit func([]claim)) error {
	type outcome struct {
		claims []claim
		err    error
	}
	done := make([]chan outcome, len(jobs))
	for i := range done {
		done[i] = make(chan outcome, 1)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	next := make(chan int)
	go func() {
		defer close(next)
		for i := range jobs {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range max(workers, 1) {
		go func() {
			for i := range next {
				dir := filepath.Join(work, fmt.Sprintf("job%02d", i+1))
				claims, err := jobs[i](ctx, dir)
				done[i] <- outcome{claims, err}
			}
		}()
	}

	for i := range jobs {
		var o outcome
		select {
		case o = <-done[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		if o.err != nil {
			return o.err
		}
		emit(o.claims)
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

// stepJobs returns the jobs that prove one step: the untouched step and
// the reference solution in one sandbox, and each wrong solution in its own.
func stepJobs(f *cmdutil.Factory, id string) []job {
	step, ok := checks.Lookup(id)
	if !ok {
		return []job{func(context.Context, string) ([]claim, error) {
			return []claim{{id, "has a check", false, "no check is registered for this step"}}, nil
		}}
	}
	jobs := []job{func(ctx context.Context, dir string) ([]claim, error) {
		return proveUntouchedAndReference(ctx, f, dir, step)
	}}
	for _, wrong := range step.Wrong {
		jobs = append(jobs, func(ctx context.Context, dir string) ([]claim, error) {
			return proveWrong(ctx, f, dir, step, wrong)
		})
	}
	return jobs
}

func proveUntouchedAndReference(ctx context.Context, f *cmdutil.Factory, dir string, step checks.Step) ([]claim, error) {
	s, done, err := sandboxAt(ctx, f, dir, step.ID)
	if err != nil {
		return nil, err
	}
	defer done()

	res, err := checkAndRecord(ctx, s, step.ID)
	if err != nil {
		return nil, fmt.Errorf("check %s on the untouched step: %w", step.ID, err)
	}
	claims := []claim{{step.ID, "fails on the untouched step", !res.Passed, "the check passed"}}

	const reference = "passes after the reference solution"
	env, err := s.CheckEnv(ctx)
	if err != nil {
		return nil, err
	}
	if err := step.Solve(ctx, env); err != nil {
		return append(claims, claim{step.ID, reference, false, "the solution failed: " + err.Error()}), nil
	}
	res, err = checkAndRecord(ctx, s, step.ID)
	if err != nil {
		return nil, fmt.Errorf("check %s after the reference solution: %w", step.ID, err)
	}
	return append(claims, claim{step.ID, reference, res.Passed, failedItems(res)}), nil
}

func proveWrong(ctx context.Context, f *cmdutil.Factory, dir string, step checks.Step, wrong checks.Wrong) ([]claim, error) {
	s, done, err := sandboxAt(ctx, f, dir, step.ID)
	if err != nil {
		return nil, err
	}
	defer done()

	env, err := s.CheckEnv(ctx)
	if err != nil {
		return nil, err
	}
	text := "fails on a wrong solution: " + wrong.Name
	if err := wrong.Apply(ctx, env); err != nil {
		return []claim{{step.ID, text, false, "the wrong solution could not be applied: " + err.Error()}}, nil
	}
	res, err := checkAndRecord(ctx, s, step.ID)
	if err != nil {
		return nil, fmt.Errorf("check %s after the wrong solution %q: %w", step.ID, wrong.Name, err)
	}
	return []claim{{step.ID, text, !res.Passed, "the check passed"}}, nil
}

// sandboxAt creates a fresh sandbox in dir solved up to step id. done stops
// its endpoint.
func sandboxAt(ctx context.Context, f *cmdutil.Factory, dir, id string) (*session.Session, func(), error) {
	port, err := endpoint.FreePort()
	if err != nil {
		return nil, nil, err
	}
	sb, err := sandbox.Create(ctx, sandbox.CreateOptions{Dir: dir, Learner: "tester", AWSPort: port, Git: f.Git, Now: f.Now})
	if err != nil {
		return nil, nil, err
	}
	done := func() { endpoint.Stop(context.WithoutCancel(ctx), sb.AWSDir()) } //nolint:errcheck // best-effort stop of a throwaway endpoint
	if _, err := f.EnsureEndpoint(ctx, sb); err != nil {
		done()
		return nil, nil, err
	}
	s, err := session.ForSandbox(f, sb)
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
