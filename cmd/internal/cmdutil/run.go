package cmdutil

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// Main runs the root command that newRoot builds with the process's
// arguments, under a context that Ctrl-C and SIGTERM cancel, and returns
// the exit code.
func Main(appName string, newRoot func(*Factory) *cobra.Command) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	f := NewFactory(appName)
	return Execute(ctx, f, newRoot(f), os.Args[1:])
}

// Execute runs root with args, prints its error with the next step, and
// returns the exit code.
func Execute(ctx context.Context, f *Factory, root *cobra.Command, args []string) int {
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	PrintError(f.IO.ErrOut, f.AppName, err)
	return ExitCode(err)
}

// SetUpRoot applies what every root command shares: the streams, silenced
// cobra messages (PrintError prints errors once), and usage errors as
// FlagError.
func SetUpRoot(f *Factory, root *cobra.Command) {
	root.SilenceErrors = true
	root.SilenceUsage = true
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &FlagError{Err: err} })
}
