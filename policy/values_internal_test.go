package policy

import "testing"

func TestParseDate(t *testing.T) {
	t.Parallel()
	epoch2025 := int64(1735689600)
	tests := []struct {
		in        string
		sec, nsec int64
		ok        bool
	}{
		{"2025-01-01T00:00:00Z", epoch2025, 0, true},
		{"2025-01-01", epoch2025, 0, true},
		{"2025-01-01T00:00Z", epoch2025, 0, true},
		{"2025-01-01T00:00:00", epoch2025, 0, true},
		{"2025-01-01T01:00:00+01:00", epoch2025, 0, true},
		{"2024-12-31T19:00:00-0500", epoch2025, 0, true},
		{"2025-01-01T00:00:00.250Z", epoch2025, 250000000, true},
		{"2025-01-01t00:00:00z", epoch2025, 0, true},
		{"1735689600", epoch2025, 0, true},
		{"1735689600.5", epoch2025, 500000000, true},
		{"-1.5", -2, 500000000, true},
		{"", 0, 0, false},
		{"2025-13-01", 0, 0, false},
		{"2025-01-32", 0, 0, false},
		{"2025-01-01T25:00:00Z", 0, 0, false},
		{"2025-01-01T00:00:00.Z", 0, 0, false},
		{"2025-01-01T00:00:00+1", 0, 0, false},
		{"2025-01-01 00:00:00", 0, 0, false},
		{"yesterday", 0, 0, false},
		{"1.2.3", 0, 0, false},
		{"-", 0, 0, false},
		{"99999999999999999999999", 0, 0, false},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in)
		if ok != tt.ok || (ok && (got.sec != tt.sec || got.nsec != tt.nsec)) {
			t.Errorf("parseDate(%q) = %+v, %v; want {%d %d}, %v", tt.in, got, ok, tt.sec, tt.nsec, tt.ok)
		}
	}
}

func TestParseNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"10", 10, true}, {"-1.5", -1.5, true}, {"1e3", 1000, true}, {"0.10", 0.1, true},
		{"", 0, false}, {"ten", 0, false}, {"Inf", 0, false}, {"NaN", 0, false}, {"0x10", 0, false}, {"1_000", 0, false}, {"-", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseNumber(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseNumber(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
