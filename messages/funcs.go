package messages

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
)

// funcs is the FuncMap of one language's template set. Functions that need
// the reader's zone, clock or roster take the View (.V) as first argument,
// because a parsed template cannot close over a per-call value.
func funcs(l Lang, set *template.Template) template.FuncMap {
	// call executes another template of the set and returns its text.
	call := func(name string, d any) (string, error) {
		var b bytes.Buffer
		if err := set.ExecuteTemplate(&b, name, d); err != nil {
			return "", err
		}
		return strings.TrimSpace(b.String()), nil
	}
	// lookup renders a static text (role label, checklist item, ...) once
	// and remembers it: templates are immutable after parsing.
	var static sync.Map
	lookup := func(prefix, key string) string {
		if s, ok := static.Load(prefix + key); ok {
			return s.(string)
		}
		s := key
		if set.Lookup(prefix+key) != nil {
			if out, err := call(prefix+key, nil); err == nil {
				s = out
			}
		}
		static.Store(prefix+key, s)
		return s
	}
	return template.FuncMap{
		// at shows an instant (time.Time, *time.Time, crisis.Instant or
		// *crisis.Instant) per crisis-domain.md 3.10.
		"at": func(v *View, x any) string { return FormatInstant(l, v.Zone, instant(x)) },
		// rel shows how far an instant lies from v.Now.
		"rel": func(v *View, t time.Time) string { return Relative(l, v.Now, t) },
		// span shows a duration; dur does the same for a duration string
		// such as "24h" from error parameters, leaving anything else as is.
		"span": func(d time.Duration) string { return Span(l, d) },
		"dur": func(s string) string {
			if d, err := time.ParseDuration(s); err == nil && d > 0 {
				return Span(l, d)
			}
			return s
		},
		// diff is a - b rounded to the minute: reminders fire on their
		// ladder step plus scheduling jitter, and 14 min 59 s is "15 min".
		"diff": func(a, b time.Time) time.Duration { return a.Sub(b).Round(time.Minute) },
		"mention": func(p any) string {
			id := fmt.Sprint(p)
			if id == "" {
				return ""
			}
			return Mention(crisis.PersonID(id))
		},
		"name":    displayName,
		"bold":    func(s string) string { return "**" + s + "**" },
		"t":       func(name string, d ...any) (string, error) { return call(name, first(d)) },
		"has":     func(name string) bool { return set.Lookup(name) != nil },
		"role":    func(r any) string { return lookup("role.", fmt.Sprint(r)) },
		"roles":   crisis.Roles,
		"fh":      func(id string) string { return lookup("fh.", id) },
		"brief":   func(id string) string { return briefly(lookup("fh.", id)) },
		"isFH":    func(s string) bool { return strings.HasPrefix(s, "FH-") && set.Lookup("fh."+s) != nil },
		"holder":  func(st *crisis.State, r crisis.Role) crisis.PersonID { return st.Roles[r] },
		"owner":   taskOwner,
		"rolesOf": func(st *crisis.State, p crisis.PersonID) []crisis.Role { return st.RolesOf(p) },
		"tasksOf": tasksOf,
		"task":    func(st *crisis.State, id int) *crisis.Task { return st.Task(id) },
		"deadline": func(st *crisis.State, id int) *crisis.Deadline {
			return st.Deadline(id)
		},
		"target": func(s string) crisis.Target {
			t, err := crisis.ParseTarget(s)
			if err != nil {
				return crisis.Target{}
			}
			return t
		},
		"isTask":  func(t crisis.Target) bool { return t.Kind == crisis.TargetTask },
		"members": func(st *crisis.State) []crisis.PersonID { return withoutRole(st) },
		"split": func(s, sep string) []string {
			if s == "" {
				return nil
			}
			return strings.Split(s, sep)
		},
		"join":     strings.Join,
		"trim":     func(s, prefix string) string { return strings.TrimPrefix(strings.TrimSpace(s), prefix) },
		"variants": variants,
		"args":     func(s string) string { return placeholders(s, func(w string) string { return lookup("ph.", w) }) },
		"cmdline": func(h HelpEntry) string {
			if h.Command == "" {
				return h.Name
			}
			return "/" + h.Command + " " + h.Name
		},
		"gap": func(st *crisis.State) time.Duration {
			if st.Aware == nil {
				return 0
			}
			return st.Aware.At.Sub(st.Detected.At)
		},
		"maxGap": func() time.Duration { return crisis.MaxAssessmentGap },
		// label looks up prefix+key ("arg." "title"), falling back to key.
		"label": lookup,
		"mentions": func(ps []crisis.PersonID) string {
			out := make([]string, len(ps))
			for i, p := range ps {
				out[i] = Mention(p)
			}
			return strings.Join(out, ", ")
		},
		"names": func(v *View, ps []crisis.PersonID) string {
			out := make([]string, len(ps))
			for i, p := range ps {
				out[i] = displayName(v, p)
			}
			return strings.Join(out, ", ")
		},
		"unassigned": func(st *crisis.State) []crisis.Role {
			var out []crisis.Role
			for _, r := range crisis.DefaultRoles {
				if st.Roles[r] == "" {
					out = append(out, r)
				}
			}
			return out
		},
		"roleTasks": func(st *crisis.State, r crisis.Role) []crisis.Task {
			var out []crisis.Task
			for _, t := range st.Tasks {
				if t.Done == nil && t.OwnerRole == r {
					out = append(out, t)
				}
			}
			return out
		},
		"fhTotal": func(st *crisis.State) int {
			n := 0
			for _, t := range st.Tasks {
				if t.Checklist != "" {
					n++
				}
			}
			return n
		},
		"fhDone": func(st *crisis.State) int {
			n := 0
			for _, t := range st.Tasks {
				if t.Checklist != "" && t.Done != nil {
					n++
				}
			}
			return n
		},
		"openTasks": func(st *crisis.State) int {
			n := 0
			for _, t := range st.Tasks {
				if t.Done == nil {
					n++
				}
			}
			return n
		},
		"ob": func(id string) string { return lookup("ob.", id) },
		// tt is a task's text; tasks the bot creates itself carry a key
		// ("correction:bsig.meldung") rendered in the reader's language.
		"tt": func(text string) string {
			for _, kind := range []string{"correction", "receipt"} {
				if id, ok := strings.CutPrefix(text, kind+":"); ok && crisis.IsObligation(id) {
					return strings.ReplaceAll(lookup("task.", kind), "{report}", lookup("ob.", id))
				}
			}
			return text
		},
		"isOb":     func(t crisis.Target) bool { return t.Kind == crisis.TargetObligation },
		"obDraft":  crisis.DraftKindFor,
		"internal": func(id string) bool { return strings.HasPrefix(id, "internal.") },
		"isPage":   func(t crisis.Target) bool { return t.Kind == crisis.TargetPage },
		"obs":      func(s any) string { return lookup("obs.", fmt.Sprint(s)) },
		"kind":     func(k string) string { return lookup("kind.", k) },
		"regime":   func(r string) string { return lookup("regime.", r) },
		"fact":     func(k string) string { return FactLabel(l, k) },
		"lint":     func(rule string) string { return ruleText(l, rule) },
		"groups": func(gs [][]crisis.Role) string {
			parts := make([]string, len(gs))
			for i, g := range gs {
				names := make([]string, len(g))
				for j, r := range g {
					names[j] = lookup("role.", string(r))
				}
				parts[i] = strings.Join(names, lookup("word.", "or"))
			}
			return strings.Join(parts, " + ")
		},
		// need renders a quorum written with role keys ("lead/mgmt + legal").
		"need": func(s string) string {
			groups := strings.Split(s, " + ")
			for i, g := range groups {
				names := strings.Split(g, "/")
				for j, n := range names {
					names[j] = lookup("role.", n)
				}
				groups[i] = strings.Join(names, lookup("word.", "or"))
			}
			return strings.Join(groups, " + ")
		},
		"roleList": func(rs []crisis.Role) string {
			names := make([]string, len(rs))
			for i, r := range rs {
				names[i] = lookup("role.", string(r))
			}
			return strings.Join(names, ", ")
		},
		"verdict": func(st *crisis.State, d *crisis.Draft, rule *crisis.Rule) crisis.Verdict {
			cur := d.Current()
			return rule.Evaluate(st, &cur)
		},
		"draft": func(st *crisis.State, id int) *crisis.Draft { return st.Draft(id) },
		"cur":   func(d *crisis.Draft) crisis.Revision { return d.Current() },
		// rev is the revision an event is about (DraftCreated: 1).
		"rev": func(d *crisis.Draft, p crisis.Payload) crisis.Revision {
			n := 1
			if e, ok := p.(crisis.DraftEdited); ok {
				n = e.Rev
			}
			if d == nil || n < 1 || n > len(d.Revs) {
				return crisis.Revision{}
			}
			return d.Revs[n-1]
		},
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				v := kv[i+1]
				if view, ok := v.(View); ok {
					v = &view // "at" and "rel" take *View
				}
				m[fmt.Sprint(kv[i])] = v
			}
			return m
		},
		"authority": crisis.IsAuthorityKind,
		"short": func(h string) string {
			if len(h) > 8 {
				return h[:8]
			}
			return h
		},
		"errors":   func(fs []crisis.Finding) []crisis.Finding { return bySeverity(fs, crisis.SevError) },
		"warnings": func(fs []crisis.Finding) []crisis.Finding { return bySeverity(fs, crisis.SevWarning) },
		"sortedFacts": func(st *crisis.State) []string {
			keys := make([]string, 0, len(st.Facts))
			for k := range st.Facts {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			return keys
		},
		"factOf": func(st *crisis.State, k string) crisis.Fact { return st.Facts[k] },
		"incidentRoom": func(st *crisis.State, r *crisis.Room) bool {
			return r != nil && st.HasRoom(r.Platform, r.ID)
		},
		// itemOf finds the task or deadline a reminder or snooze is about.
		"itemOf": func(st *crisis.State, t crisis.Target) *item {
			for _, it := range items(*st, time.Time{}) {
				if it.Task != nil && t.Kind == crisis.TargetTask && it.Task.ID == t.ID ||
					it.Deadline != nil && t.Kind == crisis.TargetDeadline && it.Deadline.ID == t.ID {
					return &it
				}
			}
			return nil
		},
	}
}

func first(d []any) any {
	if len(d) == 0 {
		return nil
	}
	return d[0]
}

// displayName is the person's name from the roster, or the ID.
func displayName(v *View, p crisis.PersonID) string {
	if v.Name != nil {
		if n := v.Name(p); n != "" {
			return n
		}
	}
	return string(p)
}

func instant(x any) time.Time {
	switch t := x.(type) {
	case time.Time:
		return t
	case *time.Time:
		if t != nil {
			return *t
		}
	case crisis.Instant:
		return t.At
	case *crisis.Instant:
		if t != nil {
			return t.At
		}
	}
	return time.Time{}
}

// briefly cuts a checklist text to its first clause, the headline for
// one-line mentions such as "FH-03 done": up to the first colon, semicolon
// or end of sentence (a question keeps its mark). Abbreviations such as
// "bzw." or "e.g." do not end a sentence.
func briefly(s string) string {
	for i := 0; i+1 < len(s); i++ {
		if s[i+1] != ' ' {
			continue
		}
		switch s[i] {
		case ':', ';':
			return s[:i]
		case '?':
			return s[:i+1]
		case '.':
			word := s[strings.LastIndexByte(s[:i], ' ')+1 : i]
			if !abbreviations[word] {
				return s[:i]
			}
		}
	}
	return strings.TrimSuffix(s, ".")
}

// abbreviations are words that end in a full stop inside a sentence.
var abbreviations = map[string]bool{
	"bzw": true, "z": true, "B": true, "ggf": true, "usw": true, "vgl": true,
	"d": true, "h": true, "ca": true, "Nr": true, "e.g": true, "i.e": true, "etc": true,
}

// tasksOf lists the open tasks person p answers for now, checklist tasks
// through the roles p holds.
func tasksOf(st *crisis.State, p crisis.PersonID) []crisis.Task {
	var out []crisis.Task
	for _, t := range st.Tasks {
		if t.Done == nil && p != "" && taskOwner(st, t) == p {
			out = append(out, t)
		}
	}
	return out
}

// withoutRole lists the members who hold no role in the incident.
func withoutRole(st *crisis.State) []crisis.PersonID {
	var out []crisis.PersonID
	for _, p := range st.Members {
		if len(st.RolesOf(p)) == 0 {
			out = append(out, p)
		}
	}
	return out
}

// variants writes an ambiguous local time once per UTC offset, in the ISO
// form the parser accepts: "2026-10-25T02:30+02:00". The date and time come
// from the parser's example (which carries the first offset) or else from
// the input.
func variants(example, input, offsets string) []string {
	base := example
	if len(base) > 6 && (base[len(base)-6] == '+' || base[len(base)-6] == '-') {
		base = base[:len(base)-6]
	} else {
		base = strings.Replace(strings.TrimSpace(input), " ", "T", 1)
	}
	var out []string
	for _, off := range strings.Split(offsets, ",") {
		if off = strings.TrimSpace(off); off != "" {
			out = append(out, base+off)
		}
	}
	return out
}

// placeholderWord finds the words of a synopsis; a word right after "--" is
// a flag name and stays as typed.
var placeholderWord = regexp.MustCompile(`(?:--)?[A-Za-z]+`)

// placeholders translates the placeholder words of a command synopsis
// ("<text> @owner [--due TIME]") with tr, keeping flag names.
func placeholders(s string, tr func(string) string) string {
	return placeholderWord.ReplaceAllStringFunc(s, func(w string) string {
		if strings.HasPrefix(w, "--") {
			return w
		}
		return tr(w)
	})
}

func bySeverity(fs []crisis.Finding, sev string) []crisis.Finding {
	var out []crisis.Finding
	for _, f := range fs {
		if f.Severity == sev {
			out = append(out, f)
		}
	}
	return out
}
