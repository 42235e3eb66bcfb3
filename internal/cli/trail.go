package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/moatdev/moat/internal/trail"
)

func init() { registerCmd(newTrailCmd) }

func newTrailCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "trail",
		Short: "Work with delivered CloudTrail files",
	}
	cmd.AddCommand(newTrailValidateCmd())
	return cmd
}

func newTrailValidateCmd() *cobra.Command {
	var data, pubKey string
	cmd := &cobra.Command{
		Use:   "validate DIR",
		Short: "Check a delivered trail tree as `aws cloudtrail validate-logs` does",
		Long: `validate checks the digest files under DIR (moat's --trail-dir, or one
bucket's directory in it): each digest's SHA256withRSA signature and its link
to the previous digest, and the SHA-256 of every log file a digest lists. It
names every log file that was changed, deleted, or added without being in a
digest, and exits 1 when it finds one.

moat signs digests with the key in <data>/cloudtrail/digest-key.pem; the
public half is beside it (digest-key.pem.pub.pem) and is what this command
reads unless --public-key names another. The signature of each digest is in
<digest>.metadata.json, standing for the x-amz-meta-signature CloudTrail puts
on the S3 object.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if pubKey == "" {
				pubKey = filepath.Join(data, "cloudtrail", "digest-key.pem.pub.pem")
			}
			pub, err := trail.ReadPublicKey(pubKey)
			if err != nil {
				return fmt.Errorf("public key: %w", err)
			}
			rep, err := trail.Validate(args[0], pub, cmd.OutOrStdout())
			if err != nil {
				return err
			}
			if !rep.OK() {
				return exitError{1}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", envOr("MOAT_DATA", ".moat"), "moat's data directory (for the digest public key)")
	cmd.Flags().StringVar(&pubKey, "public-key", "", "PEM public key the digests were signed with (default <data>/cloudtrail/digest-key.pem.pub.pem)")
	return cmd
}
