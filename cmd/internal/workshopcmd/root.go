package workshopcmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
)

// Main runs the workshop command with the process's arguments and returns
// the exit code.
func Main() int {
	return cmdutil.Main("workshop", NewCmdRoot)
}

// Execute runs the workshop command with args and returns the exit code.
func Execute(ctx context.Context, f *cmdutil.Factory, args []string) int {
	return cmdutil.Execute(ctx, f, NewCmdRoot(f), args)
}

// NewCmdRoot returns the workshop command with all its subcommands.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "workshop",
		Short: "Learn secret hygiene by making the mistake in a sandbox and fixing it",
		Long: cmdutil.Heredoc(`
			workshop guides you through the secrets workshop: you hardcode AWS keys in a
			sample app, get a push blocked by push protection, move the keys to Secrets
			Manager, rewrite history, and rotate the leaked key. Everything runs locally:
			a git host on disk and an AWS endpoint on 127.0.0.1, with no network and no
			AWS account.

			Commands find the sandbox from --dir, else $WORKSHOP_DIR, else the current
			folder and its parents.

			EXIT STATUS
			  0  success (for check: the step passed)
			  1  check: the step is not done yet
			  2  error: bad input, a broken sandbox, a missing git, an endpoint that is down
		`),
	}
	cmdutil.SetUpRoot(f, root)

	root.AddCommand(
		NewCmdStart(f, nil),
		NewCmdNext(f, nil),
		NewCmdCheck(f, nil),
		NewCmdHint(f, nil),
		NewCmdStatus(f, nil),
		NewCmdEnv(f, nil),
		NewCmdFork(f, nil),
		NewCmdScan(f, nil),
		NewCmdAllowSecret(f, nil),
		NewCmdStop(f, nil),
		NewCmdRotate(f, nil),
		NewCmdHook(f),
		NewCmdEndpoint(f),
	)
	return root
}
