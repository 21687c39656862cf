package workshopcmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"

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
	// Profile is the learner's AWS profile in real mode; default
	// $AWS_PROFILE, else "default".
	Profile string
	// Region is the AWS region in real mode; default us-east-1.
	Region string
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

			With --aws real, AWS calls go to your own account instead, through the AWS
			profile named by --profile (default: $AWS_PROFILE, else "default") in the
			region named by --region. Start checks the profile by calling sts
			get-caller-identity, and refuses the account's root user. Real mode costs
			money: Secrets Manager bills each secret per month, so delete the secret when
			you are done.
		`),
		Example: cmdutil.Heredoc(`
			$ workshop start
			$ workshop start --dir ~/labs/secrets --learner ada
			$ workshop start --aws real --profile lab --region eu-west-1
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
	cmd.Flags().StringVar(&opts.Profile, "profile", "", "with --aws real: your AWS profile (default: $AWS_PROFILE, else \"default\")")
	cmd.Flags().StringVar(&opts.Region, "region", "", "with --aws real: the AWS region to use (default \""+sandbox.DefaultRegion+"\")")
	return cmd
}

func startRun(ctx context.Context, opts *StartOptions) error {
	f := opts.F
	if err := rejectNestedSandbox(opts.Dir); err != nil {
		return err
	}
	if sandbox.Exists(opts.Dir) {
		fmt.Fprintf(f.IO.ErrOut, "workshop: %s already holds a sandbox.\n", opts.Dir)
		fmt.Fprintf(f.IO.ErrOut, "Continue with `workshop next --dir %s`, or rebuild it with `instructor reset --dir %s` (it archives the old one first).\n", opts.Dir, opts.Dir)
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure}
	}
	create, err := createOptions(opts)
	if err != nil {
		return err
	}
	if opts.AWS == sandbox.AWSReal && f.Getenv("AWS_ENDPOINT_URL") != "" {
		fmt.Fprintf(f.IO.ErrOut, "warning: AWS_ENDPOINT_URL is set to %s, so the workshop and your aws commands send requests there, not to AWS. Unset it for real mode.\n", f.Getenv("AWS_ENDPOINT_URL"))
	}

	sb, err := sandbox.Create(ctx, create)
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
	fmt.Fprintf(f.IO.ErrOut, "Created the sandbox in %s\n", sb.Dir)
	if sb.Config.AWSMode == sandbox.AWSReal {
		printRealAWS(f, sb)
	}
	fmt.Fprintln(f.IO.ErrOut)
	return renderCurrent(s, true)
}

// createOptions checks the AWS flags against the mode and fills in the
// real-mode defaults.
func createOptions(opts *StartOptions) (sandbox.CreateOptions, error) {
	create := sandbox.CreateOptions{
		Dir: opts.Dir, Learner: opts.Learner, AWSMode: opts.AWS, AWSPort: opts.Port, Git: opts.F.Git, Now: opts.F.Now,
	}
	if opts.AWS != sandbox.AWSReal {
		if opts.Profile != "" || opts.Region != "" {
			return create, &cmdutil.FlagError{Err: fmt.Errorf("--profile and --region apply only with --aws real: a local sandbox uses its own profile and region")}
		}
		if create.AWSPort == 0 {
			p, err := endpoint.FreePort()
			if err != nil {
				return create, fmt.Errorf("pick a port for the AWS endpoint: %w", err)
			}
			create.AWSPort = p
		} else if err := portFree(create.AWSPort); err != nil {
			return create, err
		}
		return create, nil
	}
	if opts.Port != 0 {
		return create, &cmdutil.FlagError{Err: fmt.Errorf("--port applies only to the local endpoint, not with --aws real")}
	}
	create.AWSProfile = opts.Profile
	if create.AWSProfile == "" {
		create.AWSProfile = opts.F.Getenv("AWS_PROFILE")
	}
	create.AWSRegion = opts.Region
	return create, nil
}

// printRealAWS prints the account the sandbox uses, the setup it needs and
// how to stop its costs.
func printRealAWS(f *cmdutil.Factory, sb *sandbox.Sandbox) {
	cfg := sb.Config
	fmt.Fprintf(f.IO.ErrOut, "AWS calls go to account %s as %s, through profile %q in %s.\n", cfg.AccountID, cfg.LearnerUser, cfg.AWSProfile, cfg.AWSRegion)
	fmt.Fprintf(f.IO.ErrOut, "Before step 2, create the app's IAM user %s in that account (aws iam create-user --user-name %s).\n", cfg.AppUser, cfg.AppUser)
	fmt.Fprintf(f.IO.ErrOut, "Secrets Manager bills each secret per month. When you are done: aws secretsmanager delete-secret --secret-id %s --force-delete-without-recovery\n", cfg.SuggestedSecretName)
}

// rejectNestedSandbox refuses a sandbox inside another one, which would
// land in the learner's app clone or the git host.
func rejectNestedSandbox(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	outer, err := sandbox.Find(filepath.Dir(abs))
	if err != nil {
		return nil
	}
	return &cmdutil.FlagError{Err: fmt.Errorf("%s is inside the sandbox %s: continue there with `workshop next`, or pass --dir with a folder outside it", abs, outer.Dir)}
}

// portFree fails when another program listens on the loopback port, before
// a sandbox is pinned to it.
func portFree(port int) error {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return &cmdutil.FlagError{Err: fmt.Errorf("port 127.0.0.1:%d is in use by another program: choose another --port, or leave --port out to pick a free one", port)}
	}
	return l.Close()
}
