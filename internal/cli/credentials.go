package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/cobra"
)

func newCredentialsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "credentials", Short: "Credential helpers for AWS clients pointed at moat"}
	cmd.AddCommand(newAssumeRoleCredentialsCmd())
	return cmd
}

// newAssumeRoleCredentialsCmd is a credential_process helper: AWS CLI v2
// releases before endpoint_url in profiles send the AssumeRole call of a
// role_arn profile to AWS whatever --endpoint-url says; this command makes
// that call to moat instead and prints the credentials in the format
// credential_process expects.
func newAssumeRoleCredentialsCmd() *cobra.Command {
	var roleARN, sourceProfile, endpoint, sessionName, region, externalID string
	var duration int32
	cmd := &cobra.Command{
		Use:   "assume-role",
		Short: "Assume a role in moat and print credential_process output",
		Long: `Assume a role through moat with the credentials of a profile and print them as
credential_process output (JSON with Version 1). Use it in ~/.aws/config where an
older AWS CLI would send a role_arn profile's AssumeRole call to AWS:

  [profile deploy]
  credential_process = moat credentials assume-role --role-arn arn:aws:iam::123456789012:role/deploy --source-profile dev --endpoint-url http://127.0.0.1:4566`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := context.Background()
			cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile(sourceProfile), config.WithRegion(region))
			if err != nil {
				return fmt.Errorf("profile %s: %w", sourceProfile, err)
			}
			client := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(endpoint) })
			in := &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String(sessionName)}
			if duration > 0 {
				in.DurationSeconds = aws.Int32(duration)
			}
			if externalID != "" {
				in.ExternalId = aws.String(externalID)
			}
			out, err := client.AssumeRole(ctx, in)
			if err != nil {
				return err
			}
			return json.NewEncoder(cmd.OutOrStdout()).Encode(map[string]any{
				"Version":         1,
				"AccessKeyId":     aws.ToString(out.Credentials.AccessKeyId),
				"SecretAccessKey": aws.ToString(out.Credentials.SecretAccessKey),
				"SessionToken":    aws.ToString(out.Credentials.SessionToken),
				"Expiration":      aws.ToTime(out.Credentials.Expiration).UTC().Format(time.RFC3339),
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&roleARN, "role-arn", "", "ARN of the role to assume (required)")
	f.StringVar(&sourceProfile, "source-profile", "default", "profile whose credentials call AssumeRole")
	f.StringVar(&endpoint, "endpoint-url", envOr("MOAT_ENDPOINT", "http://127.0.0.1:4566"), "moat's endpoint (env MOAT_ENDPOINT)")
	f.StringVar(&sessionName, "role-session-name", "moat-"+fmt.Sprint(os.Getpid()), "session name")
	f.StringVar(&region, "region", "us-east-1", "region to sign with")
	f.StringVar(&externalID, "external-id", "", "sts:ExternalId to pass")
	f.Int32Var(&duration, "duration-seconds", 0, "session length (default: the role's default, one hour)")
	_ = cmd.MarkFlagRequired("role-arn")
	return cmd
}
