package workshopcmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/internal/keys"
	"github.com/secretslab/workshop/internal/rotation"
	"github.com/secretslab/workshop/sandbox"
)

// localTestTimeout bounds the test of a new key against the local endpoint,
// which accepts a key as soon as it creates it. Real AWS gets
// rotation.DefaultTestTimeout, because a new key takes seconds to propagate.
const localTestTimeout = 5 * time.Second

// RotateOptions configures `workshop rotate`.
type RotateOptions struct {
	F   *cmdutil.Factory
	Dir string

	// SecretID is the name or ARN of the secret holding the key pair.
	SecretID string
	// User is the IAM user that owns the key; default the sandbox's app user.
	User string
	// DeleteOld deletes the old key after deactivating it.
	DeleteOld bool
}

// NewCmdRotate returns `workshop rotate`.
func NewCmdRotate(f *cmdutil.Factory, runF func(*RotateOptions) error) *cobra.Command {
	opts := &RotateOptions{F: f}
	cmd := &cobra.Command{
		Use:   "rotate SECRET",
		Short: "Rotate the access key pair stored in a secret",
		Long: cmdutil.Heredoc(`
			Rotate the IAM access key pair stored in a Secrets Manager secret, the way a
			rotation function would, but from your machine and with no Lambda:

			  createSecret  create a new key for the user and store it as the AWSPENDING
			                version (when the user has two keys already, an inactive one
			                that is not in the secret is deleted to make room)
			  setSecret     nothing to do: a new IAM key works as soon as it exists
			  testSecret    sign sts get-caller-identity with the new key
			  finishSecret  move AWSCURRENT to the new version (AWSPREVIOUS follows to the
			                old one) and deactivate the old key

			The secret's value must be JSON with AWS_ACCESS_KEY_ID and
			AWS_SECRET_ACCESS_KEY, and may name the key's owner in UserName. An app that
			reads AWSCURRENT picks up the new key with no code change. If a run fails
			half-way, run it again: it continues from the pending version.

			The old key stays inactive, so you can turn it back on if something still
			needs it; --delete-old deletes it too. Works the same against the local
			endpoint and, in a sandbox started with --aws real, against your account.
		`),
		Example: cmdutil.Heredoc(`
			$ workshop rotate sample-app/ada/aws-credentials
			$ workshop rotate sample-app/ada/aws-credentials --delete-old
		`),
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.SecretID = args[0]
			if runF != nil {
				return runF(opts)
			}
			return rotateRun(cmd.Context(), opts)
		},
	}
	addDirFlag(cmd, &opts.Dir)
	cmd.Flags().StringVar(&opts.User, "user", "", "IAM user that owns the key (default: the sample app's user)")
	cmd.Flags().BoolVar(&opts.DeleteOld, "delete-old", false, "delete the old key after deactivating it")
	return cmd
}

func rotateRun(ctx context.Context, opts *RotateOptions) error {
	f := opts.F
	sb, err := f.Sandbox(opts.Dir)
	if err != nil {
		return err
	}
	if _, err := f.EnsureEndpoint(ctx, sb); err != nil {
		return err
	}
	cfg, err := sb.AWSConfig(ctx)
	if err != nil {
		return err
	}

	res, err := rotation.Rotate(ctx, cfg, rotation.Options{
		SecretID:    opts.SecretID,
		UserName:    orDefault(opts.User, sb.Config.AppUser),
		DeleteOld:   opts.DeleteOld,
		Out:         f.IO.Out,
		Now:         f.Now,
		TestTimeout: testTimeout(sb),
	})
	if err != nil {
		return fmt.Errorf("rotate secret %s: %w", opts.SecretID, err)
	}
	printRotated(opts, res)
	return nil
}

func testTimeout(sb *sandbox.Sandbox) time.Duration {
	if sb.Config.AWSMode == sandbox.AWSLocal {
		return localTestTimeout
	}
	return rotation.DefaultTestTimeout
}

func orDefault(value, fallback string) string {
	if value == "" {
		return fallback
	}
	return value
}

func printRotated(opts *RotateOptions, res *rotation.Result) {
	w := opts.F.IO.ErrOut
	fmt.Fprintf(w, "\nRotated %s: AWSCURRENT holds the new key %s of %s, AWSPREVIOUS the old key %s.\n",
		opts.SecretID, keys.Redact(res.NewKeyID), res.UserName, keys.Redact(res.OldKeyID))
	if res.OldKeyDeactivated && !res.OldKeyDeleted {
		fmt.Fprintf(w, "The old key is inactive. Delete it once nothing uses it: `aws iam list-access-keys --user-name %s` lists it, `aws iam delete-access-key --user-name %s --access-key-id ID` deletes it.\n",
			res.UserName, res.UserName)
	}
	fmt.Fprintln(w, "Next: run the app again (it reads AWSCURRENT, so it needs no change), then `workshop check`.")
}
