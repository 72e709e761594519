package commands

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
)

var (
	relPattern   = regexp.MustCompile(`^([+-])((?:\d+[dhm])+)$`)
	durPattern   = regexp.MustCompile(`^\+?((?:\d+[dhm])+)$`)
	partPattern  = regexp.MustCompile(`(\d+)([dhm])`)
	datePattern  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	clockPattern = regexp.MustCompile(`^\d{1,2}:\d{2}(:\d{2})?$`)
)

// ParseDuration reads "30m", "2h", "1d", "+30m", "1h30m" (d = 24 h).
func ParseDuration(s string) (time.Duration, error) {
	m := durPattern.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return 0, fail(CodeBadDuration, "", "input", s)
	}
	d, ok := sumParts(m[1])
	if !ok || d <= 0 {
		return 0, fail(CodeBadDuration, "", "input", s)
	}
	return d, nil
}

func sumParts(s string) (time.Duration, bool) {
	var d time.Duration
	for _, p := range partPattern.FindAllStringSubmatch(s, -1) {
		n, err := strconv.Atoi(p[1])
		if err != nil || n > 10000 {
			return 0, false
		}
		unit := map[string]time.Duration{"d": 24 * time.Hour, "h": time.Hour, "m": time.Minute}[p[2]]
		d += time.Duration(n) * unit
	}
	return d, true
}

// ParseInstant reads a time as crisis-domain.md 3.1 specifies: ISO 8601
// with offset, local date and time in zone, a bare HH:MM (today in zone),
// relative +2h/-30m/+1d, or now. Local times that do not exist or exist
// twice in zone are rejected, never guessed.
func ParseInstant(s string, now time.Time, zone *time.Location) (crisis.Instant, error) {
	in := strings.TrimSpace(s)
	low := strings.ToLower(in)
	zname := zone.String()
	switch {
	case low == "now" || low == "jetzt":
		return crisis.Instant{At: now.UTC(), Input: in, Zone: zname}, nil
	case relPattern.MatchString(low):
		m := relPattern.FindStringSubmatch(low)
		d, ok := sumParts(m[2])
		if !ok {
			return crisis.Instant{}, fail(CodeBadTime, "", "input", in)
		}
		if m[1] == "-" {
			d = -d
		}
		return crisis.Instant{At: now.Add(d).UTC(), Input: in, Zone: zname}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, in); err == nil {
			_, off := t.Zone()
			z := "UTC"
			if off != 0 || !strings.HasSuffix(strings.ToUpper(in), "Z") {
				z = t.Format("-07:00")
			}
			return crisis.Instant{At: t.UTC(), Input: in, Zone: z}, nil
		}
	}
	var y, mo, d, h, mi, sec int
	date, clock, hasT := strings.Cut(strings.Replace(in, " ", "T", 1), "T")
	switch {
	case !hasT && clockPattern.MatchString(in):
		l := now.In(zone)
		y, mo, d = l.Year(), int(l.Month()), l.Day()
		clock = in
	case hasT && datePattern.MatchString(date) && clockPattern.MatchString(clock):
		if _, err := fmt.Sscanf(date, "%d-%d-%d", &y, &mo, &d); err != nil {
			return crisis.Instant{}, fail(CodeBadTime, "", "input", in)
		}
	default:
		return crisis.Instant{}, fail(CodeBadTime, "", "input", in)
	}
	parts := strings.Split(clock, ":")
	h, _ = strconv.Atoi(parts[0])
	mi, _ = strconv.Atoi(parts[1])
	if len(parts) == 3 {
		sec, _ = strconv.Atoi(parts[2])
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		return crisis.Instant{}, fail(CodeBadTime, "", "input", in)
	}
	if t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC); t.Day() != d {
		return crisis.Instant{}, fail(CodeBadTime, "", "input", in)
	}
	at, err := resolveLocal(y, time.Month(mo), d, h, mi, sec, zone)
	if err != nil {
		err.Params["input"] = in
		return crisis.Instant{}, err
	}
	return crisis.Instant{At: at, Input: in, Zone: zname}, nil
}

// resolveLocal finds the instants whose reading in zone is the given wall
// time, by trying every offset the zone uses around that day. Exactly one:
// fine; none: the time was skipped; two: it is ambiguous.
func resolveLocal(y int, mo time.Month, d, h, mi, sec int, zone *time.Location) (time.Time, *Error) {
	wall := time.Date(y, mo, d, h, mi, sec, 0, time.UTC)
	offsets := map[int]bool{}
	for _, probe := range []time.Duration{-36 * time.Hour, -12 * time.Hour, 0, 12 * time.Hour, 36 * time.Hour} {
		_, off := wall.Add(probe).In(zone).Zone()
		offsets[off] = true
	}
	var hits []time.Time
	var offs []string
	for off := range offsets {
		t := wall.Add(-time.Duration(off) * time.Second)
		l := t.In(zone)
		if l.Year() == y && l.Month() == mo && l.Day() == d && l.Hour() == h && l.Minute() == mi && l.Second() == sec {
			hits = append(hits, t)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0].UTC(), nil
	case 0:
		return time.Time{}, fail(CodeNonexistentTime, "")
	}
	if hits[1].Before(hits[0]) {
		hits[0], hits[1] = hits[1], hits[0]
	}
	for _, t := range hits {
		offs = append(offs, t.In(zone).Format("-07:00"))
	}
	return time.Time{}, fail(CodeAmbiguousTime, "", "offsets", strings.Join(offs, ","),
		"example", fmt.Sprintf("%04d-%02d-%02dT%02d:%02d%s", y, mo, d, h, mi, offs[0]))
}
