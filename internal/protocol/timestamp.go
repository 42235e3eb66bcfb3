package protocol

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Timestamp formats (tag option timestamp=).
const (
	tsISO8601 = "iso8601"
	tsEpoch   = "epoch"
	tsRFC822  = "rfc822"
)

// formatTime renders t in the given format; iso8601 is IAM's
// "2026-01-02T03:04:05Z" (milliseconds only when present).
func formatTime(t time.Time, format string) string {
	t = t.UTC()
	switch format {
	case tsEpoch:
		return epochString(t)
	case tsRFC822:
		return t.Format(http1123)
	}
	if t.Nanosecond()/1e6 != 0 {
		return t.Format("2006-01-02T15:04:05.000Z")
	}
	return t.Format("2006-01-02T15:04:05Z")
}

const http1123 = "Mon, 02 Jan 2006 15:04:05 GMT"

// epochString is seconds since the epoch with up to millisecond precision:
// 1767322800 or 1767322800.123.
func epochString(t time.Time) string {
	sec := t.Unix()
	ms := t.Nanosecond() / 1e6
	s := strconv.FormatInt(sec, 10)
	if ms == 0 {
		return s
	}
	frac := strings.TrimRight(strconv.Itoa(1000 + ms)[1:], "0")
	return s + "." + frac
}

// parseTime accepts ISO 8601 (with or without fraction and zone), epoch
// seconds (fractional allowed) and RFC 1123, whatever the protocol default.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if c := s[0]; c >= '0' && c <= '9' && !strings.ContainsAny(s, "-:T") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return time.Time{}, false
		}
		return epochTime(f), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02", http1123, time.RFC1123Z} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func epochTime(f float64) time.Time {
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e3))*1e6).UTC()
}
