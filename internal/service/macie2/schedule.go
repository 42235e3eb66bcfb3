package macie2

import (
	"context"
	"encoding/json"
	"time"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Scheduled runs. moat has no background scheduler: a SCHEDULED job that is
// due runs when the account next calls DescribeClassificationJob,
// ListClassificationJobs, ListFindings, GetFindings or
// GetFindingStatistics, before the call is answered (so the server's clock,
// not wall time, decides, and a run is never lost while moat is down). A
// run analyzes only the objects created or changed since the job's last
// run (or its creation), as Macie's recurring jobs do; periods missed while
// nobody looked count as one run. Runs start at 00:00 UTC: daily the next
// midnight, weekly the next dayOfWeek, monthly the next dayOfMonth (the
// month's last day when it is shorter) [moat's choice: AWS does not
// document the time of day]. A job USER_PAUSED for 30 days is cancelled at
// the same moments, as Macie expires it.

type schedule struct {
	Daily  *struct{} `json:"dailySchedule"`
	Weekly *struct {
		DayOfWeek string `json:"dayOfWeek"`
	} `json:"weeklySchedule"`
	Monthly *struct {
		DayOfMonth int `json:"dayOfMonth"`
	} `json:"monthlySchedule"`
}

var weekdays = map[string]time.Weekday{"SUNDAY": time.Sunday, "MONDAY": time.Monday, "TUESDAY": time.Tuesday,
	"WEDNESDAY": time.Wednesday, "THURSDAY": time.Thursday, "FRIDAY": time.Friday, "SATURDAY": time.Saturday}

// nextRun is when a scheduled job runs next after its last run (or its
// creation); zero when the schedule cannot be read.
func nextRun(j *jobRecord) time.Time {
	var s schedule
	if json.Unmarshal(j.ScheduleFrequency, &s) != nil {
		return time.Time{}
	}
	ref := j.LastRunTime
	if ref.IsZero() {
		ref = j.CreatedAt
	}
	ref = ref.UTC()
	d := time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	switch {
	case s.Daily != nil:
		return d
	case s.Weekly != nil:
		want, ok := weekdays[s.Weekly.DayOfWeek]
		if !ok {
			return time.Time{}
		}
		for d.Weekday() != want {
			d = d.AddDate(0, 0, 1)
		}
		return d
	case s.Monthly != nil:
		for i := 0; i < 62; i++ {
			last := time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
			if d.Day() == min(s.Monthly.DayOfMonth, last) {
				return d
			}
			d = d.AddDate(0, 0, 1)
		}
	}
	return time.Time{}
}

// catchUp runs the caller's scheduled jobs that are due. Errors of a run
// are the job's lastRunErrorStatus, never the calling operation's.
func (m *Service) catchUp(ctx context.Context, c *service.Call) {
	var due, expired []*jobRecord
	_ = c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		return tx.Scan(TableJobs, scope(c)+"/", "", 0, func(_ string, raw []byte) error {
			var j jobRecord
			if err := json.Unmarshal(raw, &j); err != nil {
				return err
			}
			if j.Status == statusUserPaused && !c.Now.Before(j.UserPausedAt.AddDate(0, 0, userPauseDays)) {
				expired = append(expired, &j)
			}
			if j.JobType == "SCHEDULED" && j.Status == statusIdle {
				if n := nextRun(&j); !n.IsZero() && !c.Now.Before(n) {
					due = append(due, &j)
				}
			}
			return nil
		})
	})
	for _, j := range due {
		m.runScheduled(ctx, c, j)
	}
	if len(expired) > 0 {
		// A job paused for 30 days expires: Macie cancels it.
		_ = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
			for _, e := range expired {
				cur, err := loadJob(tx, c, e.ID)
				if err != nil || cur.Status != statusUserPaused || !cur.UserPausedAt.Equal(e.UserPausedAt) {
					continue
				}
				cur.Status = statusCancelled
				if err := putJSON(tx, TableJobs, key(c, e.ID), cur); err != nil {
					return err
				}
			}
			return nil
		})
	}
}

func (m *Service) runScheduled(ctx context.Context, c *service.Call, j *jobRecord) {
	since := j.LastRunTime
	if since.IsZero() {
		since = j.CreatedAt
	}
	prevRun := j.LastRunTime
	def, err := parseJobDef(j.S3JobDefinition)
	var findings []*finding
	if err == nil {
		findings, err = m.runPrepared(ctx, c, j, def, since)
	}
	if err != nil {
		j.LastRunError = "ERROR"
		j.Runs++
		j.LastRunTime = c.Now.UTC()
		findings = nil
	}
	buckets, berr := regionBuckets(ctx, c)
	_ = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		cur, err := loadJob(tx, c, j.ID)
		if err != nil || cur.Status != statusIdle || !cur.LastRunTime.Equal(prevRun) {
			return err // changed meanwhile (cancelled, paused, or run by another call)
		}
		j.Tags = cur.Tags
		if err := putJSON(tx, TableJobs, key(c, j.ID), j); err != nil {
			return err
		}
		sup, err := loadSuppression(tx, c)
		if err != nil {
			return err
		}
		for _, f := range findings {
			sup.apply(f)
			if err := putJSON(tx, TableFindings, key(c, f.ID), f); err != nil {
				return err
			}
			if err := publish(tx, c, f); err != nil {
				return err
			}
		}
		if berr != nil {
			return nil
		}
		return refreshPolicyFindings(tx, c, buckets)
	})
}

// runPrepared compiles the job's scanner and runs it.
func (m *Service) runPrepared(ctx context.Context, c *service.Call, j *jobRecord, def *s3JobDef, since time.Time) ([]*finding, error) {
	scanner, arns, listErr, err := m.prepare(ctx, c, j)
	if err != nil {
		return nil, err
	}
	fs, err := m.run(ctx, c, j, def, scanner, arns, since)
	if listErr {
		j.LastRunError = "ERROR"
	}
	return fs, err
}

// withCatchUp runs due scheduled jobs before the operation.
func withCatchUp[In, Out any](m *Service, h func(context.Context, *service.Call, *In) (*Out, error)) func(context.Context, *service.Call, *In) (*Out, error) {
	return func(ctx context.Context, c *service.Call, in *In) (*Out, error) {
		m.catchUp(ctx, c)
		return h(ctx, c, in)
	}
}
