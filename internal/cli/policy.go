package cli

import "github.com/spf13/cobra"

func newPolicyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Validate IAM policies and evaluate authorization requests offline",
	}
	cmd.AddCommand(newPolicyValidateCmd(), newPolicyEvalCmd())
	return cmd
}
