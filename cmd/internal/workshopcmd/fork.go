package workshopcmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
)

// ForkOptions configures `workshop fork`.
type ForkOptions struct {
	F   *cmdutil.Factory
	Dir string
}

// NewCmdFork returns `workshop fork`.
func NewCmdFork(f *cmdutil.Factory, runF func(*ForkOptions) error) *cobra.Command {
	opts := &ForkOptions{F: f}
	cmd := &cobra.Command{
		Use:   "fork",
		Short: "Fork the sample app on the sandbox git host",
		Long: cmdutil.Heredoc(`
			Create your fork of the sample app on the sandbox's git host, the way a Fork
			button would, and print its URL. The fork runs push protection: a push that
			carries a secret is rejected before any of its objects land. Running it again
			prints the existing fork's URL.
		`),
		Example: cmdutil.Heredoc(`
			$ workshop fork
			$ git remote set-url origin "$(workshop env --json | jq -r .fork_url)"
		`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return forkRun(cmd.Context(), opts)
		},
	}
	addDirFlag(cmd, &opts.Dir)
	return cmd
}

func forkRun(ctx context.Context, opts *ForkOptions) error {
	f := opts.F
	sb, err := f.Sandbox(opts.Dir)
	if err != nil {
		return err
	}
	hook, err := f.SelfCommand("hook", "pre-receive", "--dir", sb.Dir)
	if err != nil {
		return err
	}
	unlock, err := sb.Lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()

	created, err := sb.Fork(ctx, hook)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(f.IO.ErrOut, "Forked the sample app with push protection on.\n")
	} else {
		fmt.Fprintf(f.IO.ErrOut, "Your fork already exists.\n")
	}
	fmt.Fprintln(f.IO.Out, sb.ForkURL())
	fmt.Fprintf(f.IO.ErrOut, "Next: cd %s && git remote set-url origin %s\n", sb.AppDir(), sb.ForkURL())
	return nil
}
