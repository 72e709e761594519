// Package messages holds every text the bot posts, in German and English,
// as embedded text/template files (templates/de.tmpl, templates/en.tmpl),
// and renders them into neutral markup: **bold**, "- " lists, and mention
// tokens ⟨@person⟩ that each platform replaces with its own mention form.
// Domain and usage errors arrive here as codes with parameters and leave as
// sentences in the reader's language.
package messages

import (
	"bytes"
	"embed"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"text/template"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
)

// Lang is a language the bot writes in.
type Lang string

// The languages.
const (
	DE Lang = "de"
	EN Lang = "en"
)

// Langs lists every language.
var Langs = []Lang{DE, EN}

// ParseLang reads "de" or "en" (also "deutsch", "english").
func ParseLang(s string) (Lang, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "de", "deutsch", "german", "de-de":
		return DE, true
	case "en", "english", "englisch", "en-gb", "en-us":
		return EN, true
	}
	return "", false
}

// View is who reads and when: language, zone, the current instant (for
// relative times and overdue marks) and how people are named.
type View struct {
	Lang Lang
	Zone *time.Location
	Now  time.Time
	Name func(crisis.PersonID) string
}

// HelpEntry describes a command for help texts.
type HelpEntry struct {
	Name    string
	Aliases []string
	Args    string
	Command string
}

//go:embed templates/*.tmpl
var files embed.FS

// Renderer renders messages. It is safe for concurrent use.
type Renderer struct {
	sets map[Lang]*template.Template
}

// New parses the embedded templates.
func New() (*Renderer, error) {
	r := &Renderer{sets: map[Lang]*template.Template{}}
	for _, l := range Langs {
		set := template.New(string(l))
		set.Funcs(funcs(l, set))
		b, err := files.ReadFile("templates/" + string(l) + ".tmpl")
		if err != nil {
			return nil, fmt.Errorf("read %s templates: %w", l, err)
		}
		if _, err := set.Parse(string(b)); err != nil {
			return nil, fmt.Errorf("parse %s templates: %w", l, err)
		}
		r.sets[l] = set
	}
	return r, nil
}

// Names lists the template names of a language (for tests).
func (r *Renderer) Names(l Lang) []string {
	var out []string
	for _, t := range r.sets[l].Templates() {
		if t.Name() != string(l) {
			out = append(out, t.Name())
		}
	}
	sort.Strings(out)
	return out
}

// Has reports whether the language defines a template.
func (r *Renderer) Has(l Lang, name string) bool { return r.sets[l].Lookup(name) != nil }

// data is what templates see.
type data struct {
	V       View
	S       crisis.State
	E       crisis.Event
	D       crisis.Payload
	DM      bool
	To      crisis.PersonID
	P       map[string]string
	Items   []Item
	Entries []string
	Help    []HelpEntry
	Cmd     HelpEntry
}

func (r *Renderer) exec(v View, name string, d data) (string, error) {
	if v.Zone == nil {
		v.Zone = time.UTC
	}
	if v.Name == nil {
		v.Name = func(p crisis.PersonID) string { return string(p) }
	}
	d.V = v
	set, ok := r.sets[v.Lang]
	if !ok {
		set = r.sets[DE]
	}
	var b bytes.Buffer
	if err := set.ExecuteTemplate(&b, name, d); err != nil {
		return "", fmt.Errorf("render %s/%s: %w", v.Lang, name, err)
	}
	return tidy(b.String()), nil
}

var blankRuns = regexp.MustCompile(`\n{3,}`)

// tidy trims template whitespace: no trailing spaces, at most one blank line.
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(blankRuns.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}

// Notice renders the room post about e, or with to set the direct message
// to that person.
func (r *Renderer) Notice(v View, st crisis.State, e crisis.Event, to crisis.PersonID) (string, error) {
	name := "notice." + string(e.Kind())
	if to != "" && r.Has(v.Lang, "dm."+string(e.Kind())) {
		name = "dm." + string(e.Kind())
	}
	return r.exec(v, name, data{S: st, E: e, D: e.Data, DM: to != "", To: to})
}

// Entry renders one timeline line.
func (r *Renderer) Entry(v View, e crisis.Event) (string, error) {
	return r.exec(v, "entry."+string(e.Kind()), data{E: e, D: e.Data})
}

// Status renders the incident summary.
func (r *Renderer) Status(v View, st crisis.State) (string, error) {
	return r.exec(v, "status", data{S: st, Items: Items(st, v.Now)})
}

// Roles lists the incident's roles.
func (r *Renderer) Roles(v View, st crisis.State) (string, error) {
	return r.exec(v, "roles", data{S: st})
}

// Tasks lists tasks, open first.
func (r *Renderer) Tasks(v View, st crisis.State) (string, error) {
	return r.exec(v, "tasks", data{S: st})
}

// Deadlines lists everything with a due instant, by due.
func (r *Renderer) Deadlines(v View, st crisis.State) (string, error) {
	return r.exec(v, "deadlines", data{S: st, Items: Items(st, v.Now)})
}

// Timeline renders events as the timeline.
func (r *Renderer) Timeline(v View, st crisis.State, evs []crisis.Event) (string, error) {
	lines := make([]string, 0, len(evs))
	for _, e := range evs {
		l, err := r.Entry(v, e)
		if err != nil {
			return "", err
		}
		lines = append(lines, l)
	}
	return r.exec(v, "timeline", data{S: st, Entries: lines})
}

// WriteMarkdown streams the Markdown export: a header, then one line per
// event. Each event line is rendered on its own so 100,000 events never sit
// in memory at once.
func (r *Renderer) WriteMarkdown(w io.Writer, v View, st crisis.State, each func(func(crisis.Event) error) error) error {
	head, err := r.exec(v, "export.header", data{S: st})
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, head+"\n\n"); err != nil {
		return err
	}
	err = each(func(e crisis.Event) error {
		l, err := r.Entry(v, e)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%d. %s  \n   `%s`\n", e.Seq, l, e.Hash[:16])
		return err
	})
	if err != nil {
		return err
	}
	foot, err := r.exec(v, "export.footer", data{S: st})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n"+foot+"\n")
	return err
}

// Problem renders an error code (domain or usage) with its parameters.
func (r *Renderer) Problem(v View, code string, params map[string]string) (string, error) {
	name := "problem." + code
	if !r.Has(v.Lang, name) {
		params = map[string]string{"code": code}
		name = "problem.unknown"
	}
	return r.exec(v, name, data{P: params})
}

// Text renders a runtime phrase.
func (r *Renderer) Text(v View, key string, params map[string]string) (string, error) {
	return r.exec(v, "text."+key, data{P: params})
}

// Help lists every command (topic "") or explains one.
func (r *Renderer) Help(v View, cmds []HelpEntry, topic string) (string, error) {
	if topic == "" {
		return r.exec(v, "help.list", data{Help: cmds})
	}
	for _, c := range cmds {
		if c.Name == topic {
			return r.exec(v, "help.topic", data{Cmd: c})
		}
	}
	return r.Problem(v, "unknown_command", map[string]string{"input": topic})
}

// Usage renders the usage line of a command.
func (r *Renderer) Usage(v View, cmd HelpEntry) (string, error) {
	return r.exec(v, "usage", data{Cmd: cmd})
}

// HasHelp reports whether a command has a description in every language.
func (r *Renderer) HasHelp(name string) bool {
	for _, l := range Langs {
		if !r.Has(l, "help."+name) {
			return false
		}
	}
	return true
}

// Item is one line of the deadlines overview.
type Item struct {
	Target  crisis.Target
	Label   string
	Check   string // checklist ID, if the task came from a checklist
	Due     time.Time
	Owner   crisis.PersonID
	Done    bool
	Overdue bool
}

// Items lists every open or done task with a due instant and every custom
// deadline, by due.
func Items(st crisis.State, now time.Time) []Item {
	var out []Item
	for _, t := range st.Tasks {
		if t.Due == nil {
			continue
		}
		owner := t.Owner
		if h := st.Roles[t.OwnerRole]; t.OwnerRole != "" && h != "" {
			owner = h
		}
		out = append(out, Item{Target: crisis.Target{Kind: crisis.TargetTask, ID: t.ID}, Label: t.Text,
			Check: t.Checklist, Due: t.Due.At, Owner: owner, Done: t.Done != nil,
			Overdue: t.Done == nil && now.After(t.Due.At)})
	}
	for _, d := range st.Deadlines {
		out = append(out, Item{Target: crisis.Target{Kind: crisis.TargetDeadline, ID: d.ID}, Label: d.Name,
			Due: d.Due.At, Owner: d.Owner, Done: d.Met != nil, Overdue: d.Met == nil && now.After(d.Due.At)})
	}
	slices.SortStableFunc(out, func(a, b Item) int { return a.Due.Compare(b.Due) })
	return out
}

// Mention returns the neutral mention token of a person.
func Mention(id crisis.PersonID) string { return "⟨@" + string(id) + "⟩" }

var mentionToken = regexp.MustCompile(`⟨@([^⟨⟩\s]+)⟩`)

// ReplaceMentions replaces every mention token using fn.
func ReplaceMentions(text string, fn func(crisis.PersonID) string) string {
	return mentionToken.ReplaceAllStringFunc(text, func(m string) string {
		return fn(crisis.PersonID(mentionToken.FindStringSubmatch(m)[1]))
	})
}
