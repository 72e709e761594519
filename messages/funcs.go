package messages

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
)

var (
	weekdaysDE = []string{"So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"}
	zonesDE    = map[string]string{"CET": "MEZ", "CEST": "MESZ"}
)

// FormatInstant shows an instant as crisis-domain.md 3.10 asks: weekday,
// local date and time in zone with its abbreviation, and UTC in brackets,
// rounded down to the minute so a due time never shows later than it is.
func FormatInstant(l Lang, zone *time.Location, t time.Time) string {
	if zone == nil {
		zone = time.UTC
	}
	t = t.Truncate(time.Minute)
	loc := t.In(zone)
	abbr, _ := loc.Zone()
	wd := loc.Format("Mon")
	if l == DE {
		wd = weekdaysDE[loc.Weekday()]
		if a, ok := zonesDE[abbr]; ok {
			abbr = a
		}
	}
	if zone == time.UTC {
		return fmt.Sprintf("%s %s UTC", wd, loc.Format("2006-01-02 15:04"))
	}
	return fmt.Sprintf("%s %s %s (%s UTC)", wd, loc.Format("2006-01-02 15:04"), abbr, t.UTC().Format("15:04"))
}

// Relative says how far t lies from now: "in 5 h 12 min" / "overdue by
// 20 min"; German "in 5 Std. 12 Min." / "seit 20 Min. überfällig".
func Relative(l Lang, now, t time.Time) string {
	d := t.Sub(now)
	over := d < 0
	if over {
		d = -d
	}
	s := span(l, d)
	switch {
	case over && l == DE:
		return "seit " + s + " überfällig"
	case over:
		return "overdue by " + s
	case l == DE:
		return "in " + s
	}
	return "in " + s
}

func span(l Lang, d time.Duration) string {
	d = d.Truncate(time.Minute)
	days, h, m := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	unitD, unitH, unitM := " d", " h", " min"
	if l == DE {
		unitD, unitH, unitM = " Tg.", " Std.", " Min."
	}
	var parts []string
	if days > 0 {
		parts = append(parts, fmt.Sprint(days)+unitD)
	}
	if h > 0 {
		parts = append(parts, fmt.Sprint(h)+unitH)
	}
	if m > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprint(m)+unitM)
	}
	return strings.Join(parts, " ")
}

// argsDE translates the placeholders of command synopses.
var argsDE = strings.NewReplacer("TIME", "ZEIT", "<title>", "<Titel>", "<text>", "<Text>",
	"@owner", "@verantwortlich", "<role>", "<Rolle>", "<name>", "<Name>", "<duration>", "<Dauer>",
	"<platform>", "<Plattform>", "[summary]", "[Zusammenfassung]", "<task|FH-nn|deadline>",
	"<Aufgabe|FH-nn|Frist>", "<task|deadline>", "<Aufgabe|Frist>", "[command]", "[Befehl]",
	"--reason text", "--reason Begründung", "S]", "Schweregrad]")

func funcs(l Lang, set *template.Template) template.FuncMap {
	call := func(name string, d any) (string, error) {
		var b bytes.Buffer
		if err := set.ExecuteTemplate(&b, name, d); err != nil {
			return "", err
		}
		return strings.TrimSpace(b.String()), nil
	}
	return template.FuncMap{
		"at": func(v View, t time.Time) string { return FormatInstant(l, v.Zone, t) },
		"atp": func(v View, t *time.Time) string {
			if t == nil {
				return ""
			}
			return FormatInstant(l, v.Zone, *t)
		},
		"rel":     func(v View, t time.Time) string { return Relative(l, v.Now, t) },
		"span":    func(d time.Duration) string { return span(l, d) },
		"mention": func(p crisis.PersonID) string { return Mention(p) },
		"name": func(v View, p crisis.PersonID) string {
			return v.Name(p)
		},
		"role":  func(r crisis.Role) (string, error) { return call("role."+string(r), nil) },
		"check": func(id string) (string, error) { return call("fh."+id, nil) },
		"t":     func(name string, d any) (string, error) { return call(name, d) },
		"label": func(s string) (string, error) {
			if set.Lookup("fh."+s) == nil {
				return s, nil
			}
			txt, err := call("fh."+s, nil)
			return s + " " + txt, err
		},
		"roles": func() []crisis.Role { return crisis.Roles() },
		"holder": func(s crisis.State, r crisis.Role) crisis.PersonID {
			return s.Roles[r]
		},
		"rolesOf": func(s crisis.State, p crisis.PersonID) []crisis.Role { return s.RolesOf(p) },
		"openTasks": func(s crisis.State) []crisis.Task {
			var out []crisis.Task
			for _, t := range s.Tasks {
				if t.Done == nil {
					out = append(out, t)
				}
			}
			return out
		},
		"doneTasks": func(s crisis.State) []crisis.Task {
			var out []crisis.Task
			for _, t := range s.Tasks {
				if t.Done != nil {
					out = append(out, t)
				}
			}
			return out
		},
		"task":     func(s crisis.State, id int) *crisis.Task { return s.Task(id) },
		"deadline": func(s crisis.State, id int) *crisis.Deadline { return s.Deadline(id) },
		"owner": func(s crisis.State, t crisis.Task) crisis.PersonID {
			if h := s.Roles[t.OwnerRole]; t.OwnerRole != "" && h != "" {
				return h
			}
			return t.Owner
		},
		"first": func(items []Item, n int) []Item {
			var out []Item
			for _, it := range items {
				if !it.Done && len(out) < n {
					out = append(out, it)
				}
			}
			return out
		},
		"neg":    func(d time.Duration) time.Duration { return -d },
		"sub":    func(a, b time.Time) time.Duration { return a.Sub(b) },
		"isTask": func(t crisis.Target) bool { return t.Kind == crisis.TargetTask },
		"join":   strings.Join,
		"args": func(a string) string {
			if l == DE {
				return argsDE.Replace(a)
			}
			return a
		},
		"add": func(a, b int) int { return a + b },
		"inc": func(p map[string]string, k string) string { return p[k] },
		"trunc": func(s string, n int) string {
			r := []rune(s)
			if len(r) > n {
				return string(r[:n]) + "…"
			}
			return s
		},
		"hasRoom": func(s crisis.State) bool { return len(s.Rooms) > 0 },
		"lastRoom": func(s crisis.State) crisis.Room {
			if len(s.Rooms) == 0 {
				return crisis.Room{}
			}
			return s.Rooms[len(s.Rooms)-1]
		},
	}
}
