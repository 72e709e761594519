package crisis

import (
	"testing"
	"time"
)

func berlin(t testing.TB) *time.Location {
	t.Helper()
	z, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func utcAt(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

// SC-02, SC-05 and the month rules of 3.4.
func TestAddMonth(t *testing.T) {
	z := berlin(t)
	tests := []struct {
		name, anchor, want string
		rule               MonthRule
	}{
		{"SC-02 month end clamps to Feb 28", "2026-01-31T09:00:00Z", "2026-02-28T09:00:00Z", MonthCalendar},
		{"SC-02 days30", "2026-01-31T09:00:00Z", "2026-03-02T09:00:00Z", MonthDays30},
		{"SC-02 min", "2026-01-31T09:00:00Z", "2026-02-28T09:00:00Z", MonthMin},
		{"SC-02 leap year", "2028-01-31T09:00:00Z", "2028-02-29T09:00:00Z", MonthCalendar},
		{"SC-05a same wall time across DST", "2026-03-10T13:00:00Z", "2026-04-10T12:00:00Z", MonthCalendar},
		{"SC-05b 31st clamped to 30th", "2026-03-31T07:15:00Z", "2026-04-30T07:15:00Z", MonthCalendar},
		{"SC-05c skipped wall time → transition", "2027-02-28T01:30:00Z", "2027-03-28T01:00:00Z", MonthCalendar},
		{"SC-05d repeated wall time → first occurrence", "2026-09-25T00:30:00Z", "2026-10-25T00:30:00Z", MonthCalendar},
		{"SC-05e year rollover", "2026-12-15T09:00:00Z", "2027-01-15T09:00:00Z", MonthCalendar},
		{"SC-08 final report", "2026-02-02T10:00:00Z", "2026-03-02T10:00:00Z", MonthCalendar},
		{"SC-08 after handling", "2026-03-20T15:00:00Z", "2026-04-20T14:00:00Z", MonthCalendar},
		{"SC-06 DORA final after E4", "2026-05-07T14:00:00Z", "2026-06-07T14:00:00Z", MonthCalendar},
		{"SC-01 provisional final", "2026-01-20T08:00:00Z", "2026-02-20T08:00:00Z", MonthCalendar},
		{"SC-01 firm final", "2026-01-19T14:30:00Z", "2026-02-19T14:30:00Z", MonthCalendar},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AddMonthBy(utcAt(t, tt.anchor), z, tt.rule)
			if want := utcAt(t, tt.want); !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("AddMonthBy(%s, %s) = %s, want %s", tt.anchor, tt.rule, got, want)
			}
		})
	}
}

// The negative case of SC-02: AddDate overflows Jan 31 into March. The
// test keeps proving why AddMonth exists.
func TestAddDateWouldBeWrong(t *testing.T) {
	z := berlin(t)
	anchor := utcAt(t, "2026-01-31T09:00:00Z")
	naive := anchor.In(z).AddDate(0, 1, 0)
	if naive.Equal(AddMonth(anchor, z)) {
		t.Fatalf("AddDate and AddMonth agree (%s); the clamp is not exercised", naive)
	}
	if got := naive.In(z).Format("2006-01-02 15:04"); got != "2026-03-03 10:00" {
		t.Fatalf("AddDate gave %s; the spec's negative case expects 2026-03-03 10:00", got)
	}
}

func TestLegalLatest(t *testing.T) {
	z := berlin(t)
	got := LegalLatest(utcAt(t, "2026-02-28T09:00:00Z"), z)
	if want := utcAt(t, "2026-02-28T23:00:00Z"); !got.Equal(want) {
		t.Fatalf("LegalLatest = %s, want %s", got, want)
	}
}

func TestAddDays(t *testing.T) {
	z := berlin(t)
	// 14 days across the spring change keep the wall time (not 14×24 h).
	got := AddDays(utcAt(t, "2026-03-20T10:00:00Z"), 14, z)
	if want := utcAt(t, "2026-04-03T09:00:00Z"); !got.Equal(want) {
		t.Fatalf("AddDays = %s, want %s", got, want)
	}
}

// SC-06 and SC-07: DORA initial due and weekend relief by local date.
func TestDORA(t *testing.T) {
	z := berlin(t)
	cal, err := ParseHolidayCalendar("DE-NW")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, aware, classified, due, relief string
	}{
		{"SC-06 classified within 24h", "2026-05-04T06:00:00Z", "2026-05-05T04:00:00Z", "2026-05-05T06:00:00Z", ""},
		{"SC-06 late classification", "2026-05-04T06:00:00Z", "2026-05-06T13:00:00Z", "2026-05-06T17:00:00Z", ""},
		{"SC-07a Saturday by local date", "2026-06-05T18:00:00Z", "2026-06-05T20:00:00Z", "2026-06-06T00:00:00Z", "2026-06-08T10:00:00Z"},
		{"SC-07b Friday UTC, Saturday local", "2026-06-04T22:30:00Z", "2026-06-05T20:00:00Z", "2026-06-05T22:30:00Z", "2026-06-08T10:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			due := DORAInitialDue(utcAt(t, tt.aware), utcAt(t, tt.classified))
			if want := utcAt(t, tt.due); !due.Equal(want) {
				t.Fatalf("initial due = %s, want %s", due, want)
			}
			relief, ok := ReliefDue(due, z, cal)
			if tt.relief == "" {
				if ok {
					t.Fatalf("relief %s on a working day", relief)
				}
				return
			}
			if want := utcAt(t, tt.relief); !ok || !relief.Equal(want) {
				t.Fatalf("relief = %s %v, want %s", relief, ok, want)
			}
		})
	}
	// SC-06: final report due on a Sunday keeps the relief note.
	relief, ok := ReliefDue(utcAt(t, "2026-06-07T14:00:00Z"), z, cal)
	if want := utcAt(t, "2026-06-08T10:00:00Z"); !ok || !relief.Equal(want) {
		t.Fatalf("final relief = %s %v, want %s", relief, ok, want)
	}
}

func TestHolidays(t *testing.T) {
	nw, _ := ParseHolidayCalendar("DE-NW")
	de, _ := ParseHolidayCalendar("DE")
	tests := []struct {
		cal  HolidayCalendar
		date string
		want bool
	}{
		{de, "2026-04-03", true},  // Good Friday
		{de, "2026-04-06", true},  // Easter Monday
		{de, "2026-05-14", true},  // Ascension
		{de, "2026-05-25", true},  // Whit Monday
		{de, "2026-06-04", false}, // Corpus Christi is regional
		{nw, "2026-06-04", true},
		{nw, "2026-11-01", true},
		{de, "2026-10-03", true},
		{de, "2026-10-05", false},
	}
	for _, tt := range tests {
		d, _ := time.Parse("2006-01-02", tt.date)
		if got := tt.cal.Holiday(d.Year(), d.Month(), d.Day()); got != tt.want {
			t.Errorf("%s %s holiday = %v, want %v", tt.cal.Name, tt.date, got, tt.want)
		}
	}
	// Whit Monday 2026-05-25 pushes relief for a Sunday due to Tuesday.
	relief, ok := ReliefDue(utcAt(t, "2026-05-24T10:00:00Z"), berlin(t), de)
	if want := utcAt(t, "2026-05-26T10:00:00Z"); !ok || !relief.Equal(want) {
		t.Fatalf("relief over Whit Monday = %s, want %s", relief, want)
	}
	if _, err := ParseHolidayCalendar("DE-XX"); err == nil {
		t.Fatal("DE-XX accepted")
	}
}
