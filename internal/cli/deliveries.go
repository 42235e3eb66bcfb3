package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service/events"
	"github.com/moatdev/moat/internal/service/logs"
	"github.com/moatdev/moat/internal/service/sns"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/internal/store/sqlite"
)

func init() {
	registerCmd(newDeadLettersCmd)
	registerCmd(newLogsCmd)
}

// openData opens a data directory's store (moat serve may be running: SQLite
// in WAL mode lets another process read).
func openData(data string) (*sqlite.DB, error) {
	path := filepath.Join(data, "moat.db")
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%s: no moat data directory here (run moat serve --data %s once first): %w", data, data, err)
	}
	return sqlite.Open(path)
}

func newDeadLettersCmd() *cobra.Command {
	var data string
	cmd := &cobra.Command{
		Use:   "dead-letters",
		Short: "List what EventBridge and SNS could not deliver, and why",
		Long: `dead-letters prints, oldest first, every event an EventBridge rule could not
deliver to a target (an SNS topic whose policy refused EventBridge, a failed
automation, a target type moat does not deliver to) and every SNS message an
endpoint did not accept after the retries. Nothing is dropped silently: this
is where it goes. One JSON object per line.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := openData(data)
			if err != nil {
				return err
			}
			defer db.Close()
			out := cmd.OutOrStdout()
			return db.View(context.Background(), func(tx store.Tx) error {
				for _, src := range []struct{ table, name string }{{events.TableDeadLetter, "eventbridge"}, {sns.TableDeadLetter, "sns"}} {
					err := tx.Scan(src.table, "", "", 0, func(k string, b []byte) error {
						var m map[string]any
						if err := json.Unmarshal(b, &m); err != nil {
							return fmt.Errorf("%s %s: %w", src.table, k, err)
						}
						m["source"], m["key"] = src.name, k
						line, _ := json.Marshal(m)
						fmt.Fprintln(out, string(line))
						return nil
					})
					if err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&data, "data", envOr("MOAT_DATA", ".moat"), "moat's data directory")
	return cmd
}

func newLogsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "logs", Short: "Read moat's CloudWatch Logs log groups"}
	var data, account, region string
	var since time.Duration
	tail := &cobra.Command{
		Use:   "tail GROUP",
		Short: "Print a log group's events (what EventBridge rules delivered)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := openData(data)
			if err != nil {
				return err
			}
			defer db.Close()
			ctx := context.Background()
			if account == "" {
				err := db.View(ctx, func(tx store.Tx) error {
					b, err := tx.Get(identity.TableMeta, identity.MetaManagement)
					account = string(b)
					return err
				})
				if err != nil {
					return fmt.Errorf("management account: %w", err)
				}
			}
			from := time.Now().Add(-since).UnixMilli()
			out := cmd.OutOrStdout()
			n := 0
			err = db.View(ctx, func(tx store.Tx) error {
				prefix := account + "/" + region + "/" + args[0] + "/"
				return tx.Scan(logs.TableEvents, prefix, "", 0, func(_ string, b []byte) error {
					var e logs.Event
					if err := json.Unmarshal(b, &e); err != nil {
						return err
					}
					if since > 0 && e.Timestamp < from {
						return nil
					}
					n++
					fmt.Fprintf(out, "%s %s %s\n", time.UnixMilli(e.Timestamp).UTC().Format(time.RFC3339), e.Stream, strings.TrimSpace(e.Message))
					return nil
				})
			})
			if err == nil && n == 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "no events in log group %s (account %s, region %s)\n", args[0], account, region)
			}
			return err
		},
	}
	tail.Flags().StringVar(&data, "data", envOr("MOAT_DATA", ".moat"), "moat's data directory")
	tail.Flags().StringVar(&account, "account", "", "account of the log group (default the management account)")
	tail.Flags().StringVar(&region, "region", "us-east-1", "region of the log group")
	tail.Flags().DurationVar(&since, "since", 0, "only events newer than this (e.g. 10m); 0: all")
	cmd.AddCommand(tail)
	return cmd
}
