package crisis

import (
	"fmt"
	"strings"
	"time"
)

// MonthRule says how "one month" is counted (crisis-domain.md 3.4).
type MonthRule string

// Month rules: calendar month at the same wall time (default), 30 days at
// the same wall time, or the earlier of both.
const (
	MonthCalendar MonthRule = "calendar"
	MonthDays30   MonthRule = "days30"
	MonthMin      MonthRule = "min"
)

// ParseMonthRule reads a policy.month_rule value.
func ParseMonthRule(s string) (MonthRule, error) {
	switch r := MonthRule(s); r {
	case "", MonthCalendar:
		return MonthCalendar, nil
	case MonthDays30, MonthMin:
		return r, nil
	}
	return "", fmt.Errorf("unknown month rule %q (calendar, days30, min)", s)
}

// AddMonth is the product rule of 3.4: the same local wall time one calendar
// month later, the day clamped to the month's last day. Never
// time.AddDate, which overflows Jan 31 into March and resolves skipped and
// repeated local times its own way.
func AddMonth(anchor time.Time, zone *time.Location) time.Time {
	l := anchor.In(zone)
	y, m := l.Year(), l.Month()+1
	if m > time.December {
		y, m = y+1, time.January
	}
	d := min(l.Day(), daysIn(y, m))
	return wallInstant(y, m, d, l, zone)
}

// AddDays is the day offset of internal clocks (+14d, +30d): the same local
// wall time n calendar days later, resolved like AddMonth.
func AddDays(anchor time.Time, n int, zone *time.Location) time.Time {
	l := anchor.In(zone)
	// Date arithmetic on a UTC noon cannot be disturbed by DST.
	day := time.Date(l.Year(), l.Month(), l.Day(), 12, 0, 0, 0, time.UTC).AddDate(0, 0, n)
	return wallInstant(day.Year(), day.Month(), day.Day(), l, zone)
}

// AddMonthBy applies a month rule.
func AddMonthBy(anchor time.Time, zone *time.Location, rule MonthRule) time.Time {
	cal := AddMonth(anchor, zone)
	switch rule {
	case MonthDays30:
		return AddDays(anchor, 30, zone)
	case MonthMin:
		if d30 := AddDays(anchor, 30, zone); d30.Before(cal) {
			return d30
		}
	}
	return cal
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 12, 0, 0, 0, time.UTC).Day()
}

// wallInstant returns the earliest instant whose reading in zone is at or
// after the wall time (y, m, d, clock of l): the first occurrence of a
// repeated time, the transition instant for a skipped one.
func wallInstant(y int, m time.Month, d int, l time.Time, zone *time.Location) time.Time {
	want := time.Date(y, m, d, l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
	offset := func(t time.Time) time.Duration {
		_, off := t.In(zone).Zone()
		return time.Duration(off) * time.Second
	}
	// The offsets in force half a day either side are the only candidates.
	early := want.Add(-offset(want.Add(-12 * time.Hour)))
	late := want.Add(-offset(want.Add(12 * time.Hour)))
	first, second := early, late
	if late.Before(early) {
		first, second = late, early
	}
	for _, c := range []time.Time{first, second} {
		if localReading(c, zone).Equal(want) {
			return c
		}
	}
	// Skipped: find the transition between the two candidates.
	lo, hi := first, second
	for hi.Sub(lo) > time.Nanosecond {
		mid := lo.Add(hi.Sub(lo) / 2)
		if readsAtLeast(mid, zone, want) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// localReading is the wall clock of t in zone, expressed as a UTC time.
func localReading(t time.Time, zone *time.Location) time.Time {
	l := t.In(zone)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

func readsAtLeast(t time.Time, zone *time.Location, want time.Time) bool {
	return !localReading(t, zone).Before(want)
}

// LegalLatest is the informational end-of-day reading of a month period:
// 24:00 local at the end of the due's local day.
func LegalLatest(due time.Time, zone *time.Location) time.Time {
	l := due.In(zone)
	next := time.Date(l.Year(), l.Month(), l.Day(), 12, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	return wallInstant(next.Year(), next.Month(), next.Day(), time.Date(0, 1, 1, 0, 0, 0, 0, zone), zone)
}

// DORAInitialDue is 3.5: min(classified+4h, aware+24h) if classification
// came within 24 h of awareness, else classified+4h.
func DORAInitialDue(aware, classified time.Time) time.Time {
	limb := aware.Add(24 * time.Hour)
	c4 := classified.Add(4 * time.Hour)
	if !classified.After(limb) && c4.After(limb) {
		return limb
	}
	return c4
}

// Holidays tells which local dates are bank holidays.
type Holidays interface {
	Holiday(y int, m time.Month, d int) bool
}

// ReliefDue is the DORA weekend relief of RTS Art. 5(4)-(6): if the strict
// due falls, by its local date, on a weekend day or holiday, 12:00 local on
// the next working day; ok is false when no relief applies.
func ReliefDue(due time.Time, zone *time.Location, h Holidays) (time.Time, bool) {
	l := due.In(zone)
	day := time.Date(l.Year(), l.Month(), l.Day(), 12, 0, 0, 0, time.UTC)
	if working(day, h) {
		return time.Time{}, false
	}
	for !working(day, h) {
		day = day.AddDate(0, 0, 1)
	}
	return wallInstant(day.Year(), day.Month(), day.Day(), time.Date(0, 1, 1, 12, 0, 0, 0, zone), zone), true
}

func working(day time.Time, h Holidays) bool {
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return h == nil || !h.Holiday(day.Year(), day.Month(), day.Day())
}

// HolidayCalendar is a German bank-holiday calendar: "DE" (nationwide
// holidays only) or "DE-<state>" such as "DE-NW".
type HolidayCalendar struct {
	Name  string
	state string
}

var stateHolidays = map[string][]string{
	"BW": {"epiphany", "corpus", "allsaints"},
	"BY": {"epiphany", "corpus", "allsaints", "assumption"},
	"BE": {"womensday"},
	"BB": {"reformation"},
	"HB": {"reformation"},
	"HH": {"reformation"},
	"HE": {"corpus"},
	"MV": {"reformation", "womensday"},
	"NI": {"reformation"},
	"NW": {"corpus", "allsaints"},
	"RP": {"corpus", "allsaints"},
	"SL": {"corpus", "allsaints", "assumption"},
	"SN": {"reformation", "repentance"},
	"ST": {"epiphany", "reformation"},
	"SH": {"reformation"},
	"TH": {"reformation", "childrensday"},
}

// ParseHolidayCalendar reads org.holiday_calendar; "" means nationwide.
func ParseHolidayCalendar(s string) (HolidayCalendar, error) {
	switch u := strings.ToUpper(strings.TrimSpace(s)); {
	case u == "" || u == "DE":
		return HolidayCalendar{Name: "DE"}, nil
	case strings.HasPrefix(u, "DE-"):
		if _, ok := stateHolidays[u[3:]]; ok {
			return HolidayCalendar{Name: u, state: u[3:]}, nil
		}
	}
	return HolidayCalendar{}, fmt.Errorf("unknown holiday calendar %q (DE or DE-<state>, e.g. DE-NW)", s)
}

// Holiday reports whether the local date is a bank holiday.
func (c HolidayCalendar) Holiday(y int, m time.Month, d int) bool {
	day := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	easter := easterSunday(y)
	off := int(day.Sub(easter).Round(24*time.Hour) / (24 * time.Hour))
	switch {
	case m == time.January && d == 1, m == time.May && d == 1, m == time.October && d == 3,
		m == time.December && (d == 25 || d == 26):
		return true
	case off == -2 || off == 1 || off == 39 || off == 50:
		return true
	}
	st := c.state
	if st == "" && c.Name != "" && strings.HasPrefix(c.Name, "DE-") {
		st = c.Name[3:]
	}
	for _, h := range stateHolidays[st] {
		switch {
		case h == "epiphany" && m == time.January && d == 6,
			h == "womensday" && m == time.March && d == 8,
			h == "corpus" && off == 60,
			h == "assumption" && m == time.August && d == 15,
			h == "childrensday" && m == time.September && d == 20,
			h == "reformation" && m == time.October && d == 31,
			h == "allsaints" && m == time.November && d == 1,
			h == "repentance" && m == time.November && repentanceDay(y) == d:
			return true
		}
	}
	return false
}

// easterSunday is the Gregorian computus (anonymous algorithm).
func easterSunday(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 12, 0, 0, 0, time.UTC)
}

// repentanceDay is Buß- und Bettag: the Wednesday before November 23.
func repentanceDay(y int) int {
	d := time.Date(y, time.November, 22, 12, 0, 0, 0, time.UTC)
	for d.Weekday() != time.Wednesday {
		d = d.AddDate(0, 0, -1)
	}
	return d.Day()
}
