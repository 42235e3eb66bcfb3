package events

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A schedule expression, as EventBridge defines them: rate(value unit) or
// cron(minutes hours day-of-month month day-of-week year), in UTC.
type schedule struct {
	every time.Duration // rate
	cron  [6]cronField  // cron
}

// cronField is the set of values one cron field allows (nil: any).
type cronField map[int]bool

var (
	monthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
	dayNames   = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
	cronRanges = [6][2]int{{0, 59}, {0, 23}, {1, 31}, {1, 12}, {1, 7}, {1970, 2199}}
)

// parseSchedule reads an expression, or says what is wrong with it. moat's
// cron has no L, W or # (EventBridge has them: said in RATIONALE.md).
func parseSchedule(expr string) (*schedule, error) {
	switch {
	case strings.HasPrefix(expr, "rate(") && strings.HasSuffix(expr, ")"):
		parts := strings.Fields(expr[5 : len(expr)-1])
		if len(parts) != 2 {
			return nil, fmt.Errorf("rate needs a value and a unit")
		}
		n, err := strconv.Atoi(parts[0])
		if err != nil || n < 1 {
			return nil, fmt.Errorf("rate value must be a positive whole number")
		}
		unit := map[string]time.Duration{"minute": time.Minute, "minutes": time.Minute, "hour": time.Hour, "hours": time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour}[parts[1]]
		if unit == 0 || (n == 1) != !strings.HasSuffix(parts[1], "s") {
			return nil, fmt.Errorf("rate unit must be minute, hour or day for 1, and minutes, hours or days otherwise")
		}
		return &schedule{every: time.Duration(n) * unit}, nil
	case strings.HasPrefix(expr, "cron(") && strings.HasSuffix(expr, ")"):
		fields := strings.Fields(expr[5 : len(expr)-1])
		if len(fields) != 6 {
			return nil, fmt.Errorf("cron needs six fields: minutes hours day-of-month month day-of-week year")
		}
		if (fields[2] == "?") == (fields[4] == "?") {
			return nil, fmt.Errorf("one of day-of-month and day-of-week must be ?")
		}
		s := &schedule{}
		for i, f := range fields {
			set, err := parseCronField(f, i)
			if err != nil {
				return nil, fmt.Errorf("cron field %d (%q): %v", i+1, f, err)
			}
			s.cron[i] = set
		}
		return s, nil
	}
	return nil, fmt.Errorf("must be rate(...) or cron(...)")
}

func parseCronField(f string, i int) (cronField, error) {
	if f == "*" || f == "?" {
		return nil, nil
	}
	lo, hi := cronRanges[i][0], cronRanges[i][1]
	value := func(s string) (int, error) {
		if i == 3 {
			if v, ok := monthNames[strings.ToUpper(s)]; ok {
				return v, nil
			}
		}
		if i == 4 {
			if v, ok := dayNames[strings.ToUpper(s)]; ok {
				return v, nil
			}
		}
		v, err := strconv.Atoi(s)
		if err != nil || v < lo || v > hi {
			return 0, fmt.Errorf("%q is not a value between %d and %d", s, lo, hi)
		}
		return v, nil
	}
	set := cronField{}
	for _, part := range strings.Split(f, ",") {
		step := 1
		if base, st, ok := strings.Cut(part, "/"); ok {
			n, err := strconv.Atoi(st)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("bad increment %q", st)
			}
			part, step = base, n
		}
		from, to := lo, hi
		switch {
		case part == "*":
		case strings.Contains(part, "-"):
			a, b, _ := strings.Cut(part, "-")
			var err error
			if from, err = value(a); err != nil {
				return nil, err
			}
			if to, err = value(b); err != nil {
				return nil, err
			}
		default:
			v, err := value(part)
			if err != nil {
				return nil, err
			}
			from = v
			if step == 1 {
				to = v
			}
		}
		for v := from; v <= to; v += step {
			set[v] = true
		}
	}
	return set, nil
}

// matches reports whether the minute t (UTC) is one a cron schedule fires at.
func (s *schedule) matches(t time.Time) bool {
	t = t.UTC()
	vals := [6]int{t.Minute(), t.Hour(), t.Day(), int(t.Month()), int(t.Weekday()) + 1, t.Year()}
	for i, f := range s.cron {
		if f != nil && !f[vals[i]] {
			return false
		}
	}
	return true
}

// due reports whether the schedule fires after last and up to now (at most
// once however long moat was away: missed runs are not replayed).
func (s *schedule) due(last, now time.Time) bool {
	if s.every > 0 {
		return !now.Before(last.Add(s.every))
	}
	start := last.Truncate(time.Minute).Add(time.Minute)
	if now.Sub(start) > 31*24*time.Hour {
		start = now.Add(-31 * 24 * time.Hour).Truncate(time.Minute)
	}
	for m := start; !m.After(now); m = m.Add(time.Minute) {
		if s.matches(m) {
			return true
		}
	}
	return false
}
