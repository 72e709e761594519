package messages

import (
	"testing"
	"time"
)

func TestFormatInstant(t *testing.T) {
	ny := mustZone("America/New_York")
	for _, c := range []struct {
		name string
		lang Lang
		zone *time.Location
		t    string
		want string
	}{
		// Ensure the example of crisis-domain.md 3.10, in winter time.
		{"winter en", EN, berlin, "2026-01-18T08:00:00Z", "Sun 2026-01-18 09:00 CET (08:00 UTC)"},
		{"winter de", DE, berlin, "2026-01-18T08:00:00Z", "So 2026-01-18 09:00 MEZ (08:00 UTC)"},
		// Ensure summer time shows CEST / MESZ and a two-hour offset.
		{"summer en", EN, berlin, "2026-07-14T10:30:00Z", "Tue 2026-07-14 12:30 CEST (10:30 UTC)"},
		{"summer de", DE, berlin, "2026-07-14T10:30:00Z", "Di 2026-07-14 12:30 MESZ (10:30 UTC)"},
		// Ensure seconds and nanoseconds are cut off, never rounded up.
		{"round down", EN, berlin, "2026-11-20T16:44:59.999Z", "Fri 2026-11-20 17:44 CET (16:44 UTC)"},
		{"round down de", DE, berlin, "2026-11-20T16:44:30Z", "Fr 2026-11-20 17:44 MEZ (16:44 UTC)"},
		// Ensure both readings of the repeated hour at the end of summer time.
		{"dst end first", DE, berlin, "2026-10-25T00:30:00Z", "So 2026-10-25 02:30 MESZ (00:30 UTC)"},
		{"dst end second", DE, berlin, "2026-10-25T01:30:00Z", "So 2026-10-25 02:30 MEZ (01:30 UTC)"},
		// Ensure the instant after the skipped hour at the start of summer time.
		{"dst start", EN, berlin, "2026-03-29T01:00:00Z", "Sun 2026-03-29 03:00 CEST (01:00 UTC)"},
		// Ensure the UTC part names its date when it falls on another day.
		{"other utc day", DE, berlin, "2026-01-17T23:30:00Z", "So 2026-01-18 00:30 MEZ (2026-01-17 23:30 UTC)"},
		{"other utc year", EN, berlin, "2026-12-31T23:15:00Z", "Fri 2027-01-01 00:15 CET (2026-12-31 23:15 UTC)"},
		// Ensure other zones keep their own abbreviation in German.
		{"new york de", DE, ny, "2026-01-18T14:00:00Z", "So 2026-01-18 09:00 EST (14:00 UTC)"},
		// Ensure UTC is not shown twice, and nil means UTC.
		{"utc", EN, time.UTC, "2026-01-18T08:00:00Z", "Sun 2026-01-18 08:00 UTC"},
		{"nil zone", DE, nil, "2026-01-18T08:00:00Z", "So 2026-01-18 08:00 UTC"},
		// Ensure the instant's own location does not matter.
		{"input in other zone", EN, berlin, "2026-01-18T03:00:00-05:00", "Sun 2026-01-18 09:00 CET (08:00 UTC)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := FormatInstant(c.lang, c.zone, mustTime(c.t)); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	// Ensure the zero instant is a dash, not year 1.
	if got := FormatInstant(EN, berlin, time.Time{}); got != "—" {
		t.Errorf("zero instant: got %q", got)
	}
}

func TestRelative(t *testing.T) {
	now := mustTime("2026-11-20T16:00:00Z")
	for _, c := range []struct {
		name string
		lang Lang
		d    time.Duration
		want string
	}{
		// Ensure the examples of the brief.
		{"ahead en", EN, 5*time.Hour + 12*time.Minute + 40*time.Second, "in 5 h 12 min"},
		{"ahead de", DE, 5*time.Hour + 12*time.Minute + 40*time.Second, "in 5 Std. 12 Min."},
		{"overdue en", EN, -20*time.Minute - 30*time.Second, "overdue by 20 min"},
		{"overdue de", DE, -20*time.Minute - 30*time.Second, "seit 20 Min. überfällig"},
		// Ensure whole hours drop the minutes and minutes drop the hours.
		{"hours", EN, 2 * time.Hour, "in 2 h"},
		{"minutes de", DE, 45 * time.Minute, "in 45 Min."},
		// Ensure under a minute either way is now.
		{"now en", EN, 59 * time.Second, "now"},
		{"now de", DE, -30 * time.Second, "jetzt"},
		// Ensure days appear from 48 hours on, in the German dative.
		{"47 h", EN, 47*time.Hour + 5*time.Minute, "in 47 h 5 min"},
		{"days en", EN, 3*24*time.Hour + 7*time.Hour, "in 3 d 7 h"},
		{"days de", DE, 2*24*time.Hour + 7*time.Hour + 40*time.Minute, "in 2 Tagen 7 Std. 40 Min."},
		{"days overdue de", DE, -(2*24*time.Hour + time.Minute), "seit 2 Tagen 1 Min. überfällig"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Relative(c.lang, now, now.Add(c.d)); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
