package messages

import (
	"strconv"
	"strings"
	"time"
)

// weekdaysDE are the German weekday abbreviations, indexed by time.Weekday.
var weekdaysDE = [7]string{"So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"}

// zonesDE maps zone abbreviations to their German form. Other zones keep
// the abbreviation the zone database gives them.
var zonesDE = map[string]string{"CET": "MEZ", "CEST": "MESZ"}

// FormatInstant shows t as crisis-domain.md 3.10 asks: weekday, local date
// and time in zone with the zone's abbreviation, and UTC in brackets, e.g.
// "Sun 2026-01-18 09:00 CET (08:00 UTC)" or, in German,
// "So 2026-01-18 09:00 MEZ (08:00 UTC)". The UTC part carries its date too
// when it falls on another day. The instant is rounded down to the minute,
// so a due time is never shown later than it is. A nil zone means UTC; the
// zero instant is shown as "—".
func FormatInstant(lang Lang, zone *time.Location, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	if zone == nil {
		zone = time.UTC
	}
	t = t.Truncate(time.Minute)
	local := t.In(zone)
	abbr, _ := local.Zone()
	wd := weekdaysEN[local.Weekday()]
	if lang == DE {
		wd = weekdaysDE[local.Weekday()]
		if a, ok := zonesDE[abbr]; ok {
			abbr = a
		}
	}
	// Built by hand rather than with time.Format: the export formats an
	// instant or two per event.
	b := make([]byte, 0, 48)
	b = append(b, wd...)
	b = append(b, ' ')
	b = appendDate(b, local)
	b = append(b, ' ')
	b = appendClock(b, local)
	b = append(b, ' ')
	if zone == time.UTC {
		return string(append(b, "UTC"...))
	}
	b = append(b, abbr...)
	b = append(b, " ("...)
	u := t.UTC()
	if u.YearDay() != local.YearDay() || u.Year() != local.Year() {
		b = appendDate(b, u)
		b = append(b, ' ')
	}
	b = appendClock(b, u)
	return string(append(b, " UTC)"...))
}

var weekdaysEN = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

// appendDate appends t's date as 2006-01-02.
func appendDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	if y >= 0 && y < 10000 {
		b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
	} else {
		b = strconv.AppendInt(b, int64(y), 10)
	}
	return append(b, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}

// appendClock appends t's time of day as 15:04.
func appendClock(b []byte, t time.Time) []byte {
	h, m, _ := t.Clock()
	return append(b, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10))
}

// Relative says how far t lies from now, for status overviews: "in 5 h 12 min"
// or "overdue by 20 min"; in German "in 5 Std. 12 Min." or
// "seit 20 Min. überfällig". Less than a minute either way is "now"/"jetzt".
// The distance is rounded down to the minute.
func Relative(lang Lang, now, t time.Time) string {
	d := t.Sub(now)
	if d > -time.Minute && d < time.Minute {
		if lang == DE {
			return "jetzt"
		}
		return "now"
	}
	if d > 0 {
		return "in " + Span(lang, d)
	}
	if lang == DE {
		return "seit " + Span(lang, -d) + " überfällig"
	}
	return "overdue by " + Span(lang, -d)
}

// Span writes a positive duration in days (from 48 hours on), hours and
// minutes, rounded down to the minute: "2 d 3 h", "5 h 12 min", "20 min";
// German "2 Tagen 3 Std.", "5 Std. 12 Min.", "20 Min.". German days use the
// dative plural because spans follow "in" or "seit"; from 48 hours on there
// are always at least two.
func Span(lang Lang, d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Truncate(time.Minute)
	var days int64
	if d >= 48*time.Hour {
		days = int64(d / (24 * time.Hour))
		d -= time.Duration(days) * 24 * time.Hour
	}
	h, m := int64(d/time.Hour), int64(d%time.Hour/time.Minute)
	unitD, unitH, unitM := " d", " h", " min"
	if lang == DE {
		unitD, unitH, unitM = " Tagen", " Std.", " Min."
	}
	var parts []string
	if days > 0 {
		parts = append(parts, strconv.FormatInt(days, 10)+unitD)
	}
	if h > 0 {
		parts = append(parts, strconv.FormatInt(h, 10)+unitH)
	}
	if m > 0 || len(parts) == 0 {
		parts = append(parts, strconv.FormatInt(m, 10)+unitM)
	}
	return strings.Join(parts, " ")
}
