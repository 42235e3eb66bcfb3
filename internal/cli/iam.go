package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service/iam"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/internal/store/sqlite"
)

func newIAMCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "iam", Short: "Work with the IAM state of a data directory"}
	cmd.AddCommand(newIAMImportCmd())
	return cmd
}

func newIAMImportCmd() *cobra.Command {
	var data string
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Load `aws iam get-account-authorization-details` output into the management account",
		Long: `Load the JSON that "aws iam get-account-authorization-details" prints (users,
groups, roles, their policies and boundaries, customer managed policies with
every version) into the management account of a data directory, so that you
can test against a copy of your real account. Start moat once with
--account-id set to the exported account on a new data directory, stop it,
import, and start it again. Nothing is written unless the whole file imports.`,
		Example: `  aws iam get-account-authorization-details > details.json
  moat serve --account-id 123456789012 --data ./copy   # once, then stop it
  moat iam import --data ./copy details.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			path := filepath.Join(data, "moat.db")
			if _, err := os.Stat(path); err != nil {
				return fmt.Errorf("%s: no moat data directory here (run moat serve --data %s once first): %w", data, data, err)
			}
			db, err := sqlite.Open(path)
			if err != nil {
				return err
			}
			defer db.Close()
			ctx := context.Background()
			var account string
			err = db.View(ctx, func(tx store.Tx) error {
				b, err := tx.Get(identity.TableMeta, identity.MetaManagement)
				account = string(b)
				return err
			})
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("%s has no management account yet (run moat serve --data %s once first)", data, data)
			}
			if err != nil {
				return err
			}
			sum, err := iam.Import(ctx, db, account, f, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "imported into account %s: %d users, %d groups, %d roles, %d managed policies\n", account, sum.Users, sum.Groups, sum.Roles, sum.Policies)
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", envOr("MOAT_DATA", ".moat"), "data directory (env MOAT_DATA)")
	return cmd
}
