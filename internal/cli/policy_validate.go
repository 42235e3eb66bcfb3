package cli

import "github.com/spf13/cobra"

// newPolicyValidateCmd is implemented with the policy engine (owner: policy/).
func newPolicyValidateCmd() *cobra.Command {
	return &cobra.Command{Use: "validate FILE...", Short: "Validate IAM policy documents (not yet built)"}
}
