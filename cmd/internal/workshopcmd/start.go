package workshopcmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/cmd/internal/session"
	"github.com/secretslab/workshop/sandbox"
	"github.com/secretslab/workshop/sandbox/endpoint"
)

// StartOptions configures `workshop start`.
type StartOptions struct {
	F *cmdutil.Factory

	// Dir is the sandbox folder to create; default ./secrets-workshop.
	Dir string
	// Learner names the learner; default "learner".
	Learner string
	// AWS is "local" (default) or "real".
	AWS string
	// Port is the local endpoint's port; 0 picks a free one.
	Port int
}

// NewCmdStart returns `workshop start`.
func NewCmdStart(f *cmdutil.Factory, runF func(*StartOptions) error) *cobra.Command {
	opts := &StartOptions{F: f}
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Create a sandbox and show the first step",
		Long: cmdutil.Heredoc(`
			Create a sandbox: the sample app's upstream repository, your clone of it in
			app/, a local git host for your fork, and a local AWS endpoint on 127.0.0.1
			with its own AWS config files. Then show the first step.

			The sandbox never reads or writes your ~/.aws. Exit status 2 when the folder
			already holds a sandbox.
		`),
		Example: cmdutil.Heredoc(`
			$ workshop start
			$ workshop start --dir ~/labs/secrets --learner ada
		`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return startRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", sandbox.DefaultDirName, "folder to create the sandbox in")
	cmd.Flags().StringVar(&opts.Learner, "learner", "", "your name, used for your fork (lower-case letters, digits, hyphens; default \"learner\")")
	cmd.Flags().StringVar(&opts.AWS, "aws", sandbox.AWSLocal, "where AWS calls go: \"local\" (the sandbox endpoint) or \"real\" (your account)")
	cmd.Flags().IntVar(&opts.Port, "port", 0, "loopback port of the local AWS endpoint (default: a free port)")
	return cmd
}

func startRun(ctx context.Context, opts *StartOptions) error {
	f := opts.F
	if sandbox.Exists(opts.Dir) {
		fmt.Fprintf(f.IO.ErrOut, "workshop: %s already holds a sandbox.\n", opts.Dir)
		fmt.Fprintf(f.IO.ErrOut, "Continue with `workshop next --dir %s`, or rebuild it with `instructor reset --dir %s` (it archives the old one first).\n", opts.Dir, opts.Dir)
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure}
	}
	port := opts.Port
	if port == 0 && opts.AWS != sandbox.AWSReal {
		p, err := endpoint.FreePort()
		if err != nil {
			return fmt.Errorf("pick a port for the AWS endpoint: %w", err)
		}
		port = p
	}

	sb, err := sandbox.Create(ctx, sandbox.CreateOptions{
		Dir: opts.Dir, Learner: opts.Learner, AWSMode: opts.AWS, AWSPort: port, Git: f.Git, Now: f.Now,
	})
	if errors.Is(err, sandbox.ErrInvalidLearner) {
		return &cmdutil.FlagError{Err: err}
	}
	if err != nil {
		return err
	}
	if _, err := f.EnsureEndpoint(ctx, sb); err != nil {
		return err
	}

	s, err := session.ForSandbox(f, sb)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Created the sandbox in %s\n\n", sb.Dir)
	return renderCurrent(s, true)
}
