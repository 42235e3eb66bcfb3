package macie2

import (
	"encoding/json"
	"time"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/events"
	"github.com/moatdev/moat/internal/store"
)

// publish puts a new finding, or a new occurrence of a policy finding, on
// the account's default bus as Macie's "Macie Finding" event (detail: the
// finding as GetFindings returns it), in the caller's transaction. A
// finding archived (by a suppression rule, or by a user before the
// condition returned) is not published: Macie publishes "all new findings
// and subsequent occurrences of existing policy findings, except findings
// that are archived automatically by a suppression rule".
func publish(tx store.Tx, c *service.Call, f *finding) error {
	if f.Archived {
		return nil
	}
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	t, err := time.Parse(time.RFC3339Nano, f.UpdatedAt)
	if err != nil {
		t = c.Now
	}
	if err := events.Emit(tx, events.Finding{Source: events.SourceMacie, DetailType: events.DetailMacieFinding,
		Account: c.Account(), Region: c.Region, Time: t, Detail: b}); err != nil {
		return err
	}
	return toSecurityHub(tx, c, f)
}
