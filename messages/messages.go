package messages

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
)

// Lang is a language the bot writes in.
type Lang string

// The languages. Every template exists in each of them.
const (
	DE Lang = "de"
	EN Lang = "en"
)

// Langs lists every language, German first.
func Langs() []Lang { return []Lang{DE, EN} }

// ParseLang reads a language from configuration: "de" or "en", also
// "deutsch", "german", "english", "englisch" and region forms like "de-DE".
func ParseLang(s string) (Lang, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "de", "de-de", "de-at", "de-ch", "deutsch", "german":
		return DE, true
	case "en", "en-gb", "en-us", "english", "englisch":
		return EN, true
	}
	return "", false
}

// View says for whom and when a text is rendered.
type View struct {
	Lang Lang
	// Zone is the organisation's zone; instants are shown in it (nil: UTC).
	Zone *time.Location
	// Now is the instant of rendering, for relative times and overdue marks.
	Now time.Time
	// Name gives a person's display name from the roster. Nil, or an empty
	// result, falls back to the person ID.
	Name func(crisis.PersonID) string
}

// HelpEntry describes one command for help texts; package commands' Spec
// supplies it. Command is the slash command ("crisis"); empty means the
// command is typed without one (console).
type HelpEntry struct {
	Name    string
	Aliases []string
	Args    string
	Command string
}

//go:embed templates
var files embed.FS

// Renderer renders every text of the bot from the embedded templates. It is
// safe for concurrent use.
type Renderer struct {
	sets map[Lang]*template.Template
	// entries holds each language's timeline templates by event kind, looked
	// up once so the export does not look them up per event.
	entries map[Lang]map[crisis.Kind]*template.Template
}

// New parses the embedded templates of every language.
func New() (*Renderer, error) {
	r := &Renderer{
		sets:    map[Lang]*template.Template{},
		entries: map[Lang]map[crisis.Kind]*template.Template{},
	}
	for _, l := range Langs() {
		set := template.New(string(l)).Option("missingkey=zero")
		set.Funcs(funcs(l, set))
		if _, err := set.ParseFS(files, "templates/"+string(l)+"/*.tmpl"); err != nil {
			return nil, fmt.Errorf("parse %s templates: %w", l, err)
		}
		r.sets[l] = set
		r.entries[l] = map[crisis.Kind]*template.Template{}
		for _, k := range kinds {
			t := set.Lookup("entry." + string(k))
			if t == nil {
				return nil, fmt.Errorf("parse %s templates: no entry.%s", l, k)
			}
			r.entries[l][k] = t
		}
	}
	return r, nil
}

// kinds lists every event kind; each has a notice, a direct message and a
// timeline entry in every language.
var kinds = []crisis.Kind{
	crisis.KindOpened, crisis.KindRoleAssigned, crisis.KindInvited, crisis.KindPaged,
	crisis.KindRoomAdded, crisis.KindLogged, crisis.KindDecided, crisis.KindTaskCreated,
	crisis.KindTaskDone, crisis.KindDeadlineSet, crisis.KindDeadlineMet, crisis.KindAwareSet,
	crisis.KindDetectedSet, crisis.KindSnoozed, crisis.KindReminderSent, crisis.KindResolved,
	crisis.KindClosed,
	crisis.KindRegimeAdded, crisis.KindRegimeRemoved, crisis.KindAwareConfirmed, crisis.KindClassified,
	crisis.KindRequested, crisis.KindSubmitted, crisis.KindWaived, crisis.KindFactSet,
	crisis.KindDraftCreated, crisis.KindDraftEdited, crisis.KindReviewed, crisis.KindApproved,
	crisis.KindApprovalRevoked, crisis.KindRejected, crisis.KindReleased, crisis.KindDraftPosted,
	crisis.KindPublished, crisis.KindPublishFailed, crisis.KindAcked, crisis.KindReceipt,
}

var defaultRenderer = sync.OnceValues(New)

// HasHelp reports whether the command name (a Spec name such as "task" or
// "room add") has a help description in every language.
func HasHelp(name string) bool {
	r, err := defaultRenderer()
	return err == nil && r.has("help."+name)
}

// Keys lists the runtime phrase keys Text accepts.
func Keys() []string { return names("text.") }

// Codes lists the error codes Problem has a text for: every crisis.Code and
// every usage error code of package commands.
func Codes() []string { return names("problem.") }

// Names lists the template names of a language, sorted. Tests use it to
// check that both languages define the same set.
func (r *Renderer) Names(l Lang) []string {
	var out []string
	for _, t := range r.sets[l].Templates() {
		if n := t.Name(); n != string(l) && !strings.HasSuffix(n, ".tmpl") {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func names(prefix string) []string {
	r, err := defaultRenderer()
	if err != nil {
		return nil
	}
	var out []string
	for _, n := range r.Names(EN) {
		if k, ok := strings.CutPrefix(n, prefix); ok && k != "unknown" {
			out = append(out, k)
		}
	}
	return out
}

// has reports whether every language defines the template.
func (r *Renderer) has(name string) bool {
	for _, l := range Langs() {
		if r.sets[l].Lookup(name) == nil {
			return false
		}
	}
	return true
}

// data is what templates see. V is always set; the rest depends on the
// text being rendered.
type data struct {
	// When and Who are the instant and actor of the event of a timeline
	// entry, formatted once in Go: every entry shows them, and the export
	// renders 100,000 entries.
	When, Who string
	D         crisis.Payload
	E         crisis.Event
	S         crisis.State
	V         View
	To        crisis.PersonID // addressee of a direct message
	P         map[string]string

	Open, Done []crisis.Task
	Items      []item // deadlines, or the next ones in status
	More       int    // status: open items not shown
	Entries    []string
	Help       []HelpEntry
	Cmd        HelpEntry

	Obs   []crisis.Obligation // the regulatory and internal clocks
	Draft *crisis.Draft
	Rule  *crisis.Rule
}

// set returns the templates of v's language; an unknown language renders
// German, the product default.
func (r *Renderer) set(v View) (*template.Template, Lang) {
	if s, ok := r.sets[v.Lang]; ok {
		return s, v.Lang
	}
	return r.sets[DE], DE
}

func normalize(v View) View {
	if v.Zone == nil {
		v.Zone = time.UTC
	}
	if _, ok := ParseLang(string(v.Lang)); !ok {
		v.Lang = DE
	}
	return v
}

func (r *Renderer) exec(v View, name string, d *data) (string, error) {
	v = normalize(v)
	d.V = v
	set, l := r.set(v)
	var b bytes.Buffer
	if err := set.ExecuteTemplate(&b, name, d); err != nil {
		return "", fmt.Errorf("render %s/%s: %w", l, name, err)
	}
	return tidy(b.String()), nil
}

// tidy removes what template layout leaves behind: trailing blanks on a
// line, more than one blank line in a row, and blank lines at either end.
func tidy(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	blank := 0
	for line := range strings.Lines(s) {
		line = strings.TrimRight(line, " \t\r\n")
		if line == "" {
			blank++
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
			if blank > 0 {
				b.WriteByte('\n')
			}
		}
		blank = 0
		b.WriteString(line)
	}
	return b.String()
}

// Notice renders what event e tells people: the post to the incident's
// rooms (to == ""), or the direct message to person to, which carries the
// incident's title and ID because it is read outside the room. st is the
// incident state after e, possibly later.
func (r *Renderer) Notice(v View, st crisis.State, e crisis.Event, to crisis.PersonID) (string, error) {
	if e.Data == nil {
		return "", fmt.Errorf("render notice %s/%d: no payload", e.Incident, e.Seq)
	}
	name := "notice." + string(e.Kind())
	if to != "" {
		name = "dm." + string(e.Kind())
	}
	return r.exec(v, name, &data{S: st, E: e, D: e.Data, To: to})
}

// Entry renders the timeline line of e: instant, what happened, who. It may
// span lines only where user text does.
func (r *Renderer) Entry(v View, e crisis.Event) (string, error) {
	return r.entry(v, crisis.State{}, e)
}

// entry renders e's timeline line; st, when known, names tasks and
// deadlines that the event refers to by number.
func (r *Renderer) entry(v View, st crisis.State, e crisis.Event) (string, error) {
	var b bytes.Buffer
	if err := r.writeEntry(&b, &data{V: normalize(v), S: st}, e); err != nil {
		return "", err
	}
	return strings.TrimSpace(b.String()), nil
}

// writeEntry executes e's pre-resolved entry template with d, which the
// caller reuses across events; consecutive events of the same minute reuse
// the formatted instant.
func (r *Renderer) writeEntry(w io.Writer, d *data, e crisis.Event) error {
	if e.Data == nil {
		return fmt.Errorf("render entry %s/%d: no payload", e.Incident, e.Seq)
	}
	_, l := r.set(d.V)
	t, ok := r.entries[l][e.Kind()]
	if !ok {
		return fmt.Errorf("render entry %s/%d: unknown kind %q", e.Incident, e.Seq, e.Kind())
	}
	if m := e.At.Truncate(time.Minute); d.When == "" || !m.Equal(d.E.At.Truncate(time.Minute)) {
		d.When = FormatInstant(l, d.V.Zone, m)
	}
	d.Who = ""
	if e.Actor != "" {
		d.Who = displayName(&d.V, e.Actor)
	}
	d.E, d.D = e, e.Data
	if err := t.Execute(w, d); err != nil {
		return fmt.Errorf("render %s/entry.%s: %w", l, e.Kind(), err)
	}
	return nil
}

// Status renders the situation overview: state, severity, detection and
// awareness, roles, the next open due items with relative times, and the
// count of open tasks.
func (r *Renderer) Status(v View, st crisis.State, obs ...crisis.Obligation) (string, error) {
	d := &data{S: st, Obs: openObligations(obs)}
	d.Open, d.Done = splitTasks(st)
	var open []item
	for _, it := range items(st, v.Now) {
		if it.State != "done" {
			open = append(open, it)
		}
	}
	const shown = 6
	if len(open) > shown {
		d.More = len(open) - shown
		open = open[:shown]
	}
	d.Items = open
	return r.exec(v, "status", d)
}

// Roles renders every role with its holder, and the members without a role.
func (r *Renderer) Roles(v View, st crisis.State) (string, error) {
	return r.exec(v, "roles", &data{S: st})
}

// Tasks renders the open tasks, then the done ones. Checklist tasks show
// their checklist text in v's language.
func (r *Renderer) Tasks(v View, st crisis.State) (string, error) {
	d := &data{S: st}
	d.Open, d.Done = splitTasks(st)
	return r.exec(v, "tasks", d)
}

// Deadlines renders every task with a due instant and every custom deadline,
// sorted by due, with owner and status (open, overdue, done).
func (r *Renderer) Deadlines(v View, st crisis.State, obs ...crisis.Obligation) (string, error) {
	return r.exec(v, "deadlines", &data{S: st, Items: items(st, v.Now), Obs: sortObligations(obs)})
}

// Timeline renders evs as the incident's timeline (Lagechronik).
func (r *Renderer) Timeline(v View, st crisis.State, evs []crisis.Event) (string, error) {
	d := &data{V: normalize(v), S: st}
	lines := make([]string, 0, len(evs))
	var b bytes.Buffer
	for _, e := range evs {
		b.Reset()
		if err := r.writeEntry(&b, d, e); err != nil {
			return "", err
		}
		lines = append(lines, indent(strings.TrimSpace(b.String()), "  "))
	}
	return r.exec(v, "timeline", &data{S: st, Entries: lines})
}

// WriteMarkdown writes the Markdown export of an incident: a header (title,
// ID, opened, detection and awareness, roles, rooms, head of the hash chain)
// and then one list item per event that each yields, with the first 16 hex
// digits of the event's chain hash. Events are rendered one at a time as they
// stream in, so the log never sits in memory whole.
func (r *Renderer) WriteMarkdown(w io.Writer, v View, st crisis.State, each func(func(crisis.Event) error) error) error {
	head, err := r.exec(v, "export.header", &data{S: st})
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(head)
	bw.WriteString("\n\n")
	d := &data{V: normalize(v), S: st}
	var line bytes.Buffer
	num := make([]byte, 0, 20)
	err = each(func(e crisis.Event) error {
		line.Reset()
		if err := r.writeEntry(&line, d, e); err != nil {
			return err
		}
		bw.WriteString("- ")
		bw.Write(strconv.AppendUint(num[:0], e.Seq, 10))
		bw.WriteString(" · ")
		writeIndented(bw, bytes.TrimSpace(line.Bytes()))
		bw.WriteString(" · `")
		bw.WriteString(e.Hash[:min(16, len(e.Hash))])
		_, err := bw.WriteString("`\n")
		return err
	})
	if err != nil {
		return fmt.Errorf("write markdown export: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write markdown export: %w", err)
	}
	return nil
}

// writeIndented writes b, indenting every line after the first by two
// spaces so multi-line user text stays inside its list item.
func writeIndented(w *bufio.Writer, b []byte) {
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			w.Write(b)
			return
		}
		w.Write(b[:i+1])
		w.WriteString("  ")
		b = b[i+1:]
	}
}

// indent prefixes every line of s but the first.
func indent(s, prefix string) string {
	return strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// Problem renders an error code with its parameters in v's language: a
// crisis.Code from Decide or a usage error code from package commands. An
// unknown code gets a generic "could not process" text naming the code.
// For usage errors the runtime appends the Usage line itself.
func (r *Renderer) Problem(v View, code string, params map[string]string) (string, error) {
	name := "problem." + code
	if code == "" || code == "unknown" || !r.has(name) {
		params = map[string]string{"code": code}
		name = "problem.unknown"
	}
	return r.exec(v, name, &data{P: params})
}

// Text renders a runtime phrase (see Keys) with its parameters.
func (r *Renderer) Text(v View, key string, params map[string]string) (string, error) {
	name := "text." + key
	if !r.has(name) {
		return "", fmt.Errorf("render text: unknown key %q", key)
	}
	return r.exec(v, name, &data{P: params})
}

// Help renders the list of all commands with one-line descriptions (topic
// ""), or usage, description, aliases and an example of the command named
// topic (its name or an alias). An unknown topic renders the
// unknown_command problem.
func (r *Renderer) Help(v View, cmds []HelpEntry, topic string) (string, error) {
	if topic == "" {
		return r.exec(v, "help.list", &data{Help: cmds})
	}
	topic = strings.ToLower(strings.TrimSpace(topic))
	for _, c := range cmds {
		if strings.EqualFold(c.Name, topic) || slices.ContainsFunc(c.Aliases, func(a string) bool { return strings.EqualFold(a, topic) }) {
			return r.exec(v, "help.topic", &data{Cmd: c})
		}
	}
	return r.Problem(v, "unknown_command", map[string]string{"command": "help", "input": topic})
}

// Usage renders a command's usage line: "Usage: `/crisis task <text> @owner
// [--due TIME]`", in German "Aufruf: …" with German placeholders.
func (r *Renderer) Usage(v View, cmd HelpEntry) (string, error) {
	return r.exec(v, "usage", &data{Cmd: cmd})
}

// item is one line of the deadline overview: a task with a due instant or a
// custom deadline.
type item struct {
	Task     *crisis.Task
	Deadline *crisis.Deadline
	Due      time.Time
	Owner    crisis.PersonID
	// State is "open", "overdue" or "done"; Late marks a done item that
	// was ticked off after it was due.
	State string
	Late  bool
}

// items lists every task with a due instant and every custom deadline,
// sorted by due (ties: tasks first, then by number).
func items(st crisis.State, now time.Time) []item {
	var out []item
	state := func(due time.Time, done *time.Time) (string, bool) {
		switch {
		case done != nil:
			return "done", done.After(due)
		case now.After(due):
			return "overdue", false
		}
		return "open", false
	}
	for i := range st.Tasks {
		t := &st.Tasks[i]
		if t.Due == nil {
			continue
		}
		s, late := state(t.Due.At, t.Done)
		out = append(out, item{Task: t, Due: t.Due.At, Owner: taskOwner(&st, *t), State: s, Late: late})
	}
	for i := range st.Deadlines {
		dl := &st.Deadlines[i]
		s, late := state(dl.Due.At, dl.Met)
		out = append(out, item{Deadline: dl, Due: dl.Due.At, Owner: dl.Owner, State: s, Late: late})
	}
	slices.SortStableFunc(out, func(a, b item) int { return a.Due.Compare(b.Due) })
	return out
}

// taskOwner is who answers for a task now: for checklist tasks the current
// holder of the task's role (reminders follow the role too), else the owner.
func taskOwner(st *crisis.State, t crisis.Task) crisis.PersonID {
	if t.OwnerRole != "" {
		if h := st.Roles[t.OwnerRole]; h != "" {
			return h
		}
	}
	return t.Owner
}

func splitTasks(st crisis.State) (open, done []crisis.Task) {
	for _, t := range st.Tasks {
		if t.Done == nil {
			open = append(open, t)
		} else {
			done = append(done, t)
		}
	}
	return open, done
}
