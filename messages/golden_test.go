package messages

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "time/tzdata"

	"github.com/google/go-cmp/cmp"
	"github.com/krisenstab/krisenstab/crisis"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// rendered is one text of a golden file.
type rendered struct {
	file string // golden file name without language and suffix
	name string // section heading
	text string
}

// helpEntries mirrors commands.Specs (messages may not import commands).
var helpEntries = []HelpEntry{
	{Name: "start", Aliases: []string{"beginn", "eröffnen"}, Args: "<title> [--severity S] [--aware TIME] [--detected TIME] [--regime nis2,bsig,gdpr,dora]"},
	{Name: "status", Aliases: []string{"lage"}},
	{Name: "role", Aliases: []string{"rolle"}, Args: "<role> @person"},
	{Name: "roles", Aliases: []string{"rollen"}},
	{Name: "invite", Aliases: []string{"einladen"}, Args: "@person…"},
	{Name: "page", Aliases: []string{"alarmieren"}, Args: "<role>"},
	{Name: "room add", Aliases: []string{"raum add", "raum hinzufügen"}, Args: "<platform>"},
	{Name: "log", Aliases: []string{"notiz"}, Args: "<text>"},
	{Name: "decision", Aliases: []string{"entscheidung"}, Args: "<text>"},
	{Name: "timeline", Aliases: []string{"verlauf"}, Args: "[--since TIME]"},
	{Name: "task", Aliases: []string{"aufgabe"}, Args: "<text> @owner [--due TIME]"},
	{Name: "done", Aliases: []string{"erledigt"}, Args: "<task|FH-nn|deadline>"},
	{Name: "tasks", Aliases: []string{"aufgaben"}},
	{Name: "deadline", Aliases: []string{"frist"}, Args: "<name> <TIME> @owner"},
	{Name: "deadlines", Aliases: []string{"fristen"}},
	{Name: "aware", Aliases: []string{"kenntnis"}, Args: "<TIME> [--reason text]"},
	{Name: "detected", Aliases: []string{"entdeckt"}, Args: "<TIME> [--reason text]"},
	{Name: "snooze", Aliases: []string{"zurückstellen"}, Args: "<task|deadline> <duration>"},
	{Name: "resolve", Aliases: []string{"bewältigt"}, Args: "[summary]"},
	{Name: "close", Aliases: []string{"schließen"}, Args: "[summary]"},
	{Name: "export", Args: "[md|json]"},
	{Name: "help", Aliases: []string{"hilfe"}, Args: "[command]"},
}

func withCommand(cmds []HelpEntry, c string) []HelpEntry {
	out := slices.Clone(cmds)
	for i := range out {
		out[i].Command = c
	}
	return out
}

// problemCases are realistic parameters for every code, as Decide and the
// parser pass them.
var problemCases = []struct {
	code   string
	params map[string]string
}{
	{"no_incident", nil},
	{"incident_exists", map[string]string{"incident": "2026-11-20-ransomware"}},
	{"incident_closed", map[string]string{"incident": "2026-11-20-ransomware"}},
	{"incident_resolved", nil},
	{"not_resolved", nil},
	{"unknown_person", map[string]string{"person": "gabi"}},
	{"unknown_role", map[string]string{"role": "boss"}},
	{"unknown_task", map[string]string{"ref": "42"}},
	{"unknown_deadline", map[string]string{"ref": "Versicherung"}},
	{"unknown_target", map[string]string{"ref": "Versicherung"}},
	{"already_done", map[string]string{"ref": "FH-02"}},
	{"already_holds", map[string]string{"person": "dirk", "role": "legal"}},
	{"no_holder", map[string]string{"role": "service"}},
	{"future_instant", map[string]string{"input": "2026-11-21 09:00"}},
	{"due_in_past", map[string]string{"input": "17:00"}},
	{"before_detected", nil},
	{"not_permitted", map[string]string{"need": "lead,mgmt"}},
	{"not_permitted", map[string]string{"need": "lead,legal"}},
	{"not_permitted", map[string]string{"need": "reason"}},
	{"nothing_changed", nil},
	{"nothing_changed", map[string]string{"name": "Frühe Erstmeldung an das BSI"}},
	{"room_exists", map[string]string{"platform": "mattermost"}},
	{"too_long", map[string]string{"max": "4000"}},
	{"empty_text", nil},
	{"no_reminder", map[string]string{"target": "task:15"}},
	{"snooze_too_long", map[string]string{"max": "24h"}},
	{"empty", map[string]string{"command": ""}},
	{"unknown_command", map[string]string{"command": "", "input": "aufgabenliste"}},
	{"missing_arg", map[string]string{"command": "deadline", "arg": "owner"}},
	{"missing_arg", map[string]string{"command": "start", "arg": "title"}},
	{"extra_arg", map[string]string{"command": "page", "arg": "jetzt"}},
	{"unknown_flag", map[string]string{"command": "task", "flag": "--owner"}},
	{"missing_flag_value", map[string]string{"command": "task", "flag": "--due"}},
	{"bad_time", map[string]string{"command": "task", "input": "morgen früh"}},
	{"ambiguous_time", map[string]string{"command": "aware", "input": "2026-10-25 02:30", "offsets": "+02:00,+01:00", "example": "2026-10-25T02:30+02:00"}},
	{"nonexistent_time", map[string]string{"command": "aware", "input": "2026-03-29 02:30"}},
	{"bad_duration", map[string]string{"command": "snooze", "input": "halbe Stunde"}},
	{"unknown_person", map[string]string{"command": "task", "person": "gabi"}},
	{"unknown_role", map[string]string{"command": "role", "input": "chef"}},
	{"too_long", map[string]string{"command": "", "max": "4000"}},
	{"unbalanced_quote", map[string]string{"command": ""}},
	{"bad_format", map[string]string{"command": "export", "input": "pdf"}},
	{"bad_regime", map[string]string{"command": "start", "input": "nis3"}},
	{"bad_incident", map[string]string{"command": "status", "input": "Ransomware!"}},
	{"no_such_code", map[string]string{"x": "y"}},
}

// textCases are realistic parameters for every Text key.
var textCases = []struct {
	key    string
	params map[string]string
}{
	{"not_in_roster", map[string]string{"platform": "slack", "user": "U07ABCDEF"}},
	{"no_incident_here", map[string]string{"command": "task"}},
	{"duplicate", nil},
	{"internal", nil},
	{"platform_unknown", map[string]string{"platform": "teams"}},
	{"incident_started", map[string]string{"incident": "2026-11-20-ransomware", "room": "#krise-ransomware"}},
	{"room_added", map[string]string{"platform": "mattermost", "room": "~krise-ransomware"}},
	{"done", map[string]string{"incident": "2026-11-20-ransomware"}},
	{"export_written", map[string]string{"format": "md", "events": "57"}},
	{"chain_ok", map[string]string{"events": "57"}},
	{"chain_broken", map[string]string{"seq": "23"}},
	{"unknown_incident", map[string]string{"incident": "2026-11-19-phishing"}},
	{"catchup", map[string]string{"count": "4"}},
	{"catchup", map[string]string{"count": "1"}},
	{"gap_warning", map[string]string{"gap": "4h10m0s"}},
}

// noticeCase renders one event as room post and as direct messages.
type noticeCase struct {
	name string
	step step
	dm   []crisis.PersonID
}

func noticeCases(f *fixture) map[crisis.Kind][]noticeCase {
	fh7 := f.full.steps[0]
	for _, s := range f.full.steps {
		if tc, ok := s.Event.Data.(crisis.TaskCreated); ok && tc.Checklist == "FH-07" {
			fh7 = step{Event: s.Event, State: f.at["opened"].State}
		}
	}
	return map[crisis.Kind][]noticeCase{
		crisis.KindOpened:       {{"opened", f.at["opened"], []crisis.PersonID{"bernd", "carla", "frank"}}},
		crisis.KindRoleAssigned: {{"scribe handed over", f.at["role_assigned"], []crisis.PersonID{"carla"}}},
		crisis.KindInvited:      {{"provider invited", f.at["invited"], []crisis.PersonID{"frank"}}},
		crisis.KindPaged: {
			{"legal paged", f.at["paged"], []crisis.PersonID{"dirk"}},
			{"escalated to deputies", f.escalated, []crisis.PersonID{"anna"}},
		},
		crisis.KindRoomAdded: {{"second platform", f.at["room_added"], []crisis.PersonID{"eva"}}},
		crisis.KindLogged:    {{"log entry", f.at["logged"], []crisis.PersonID{"anna"}}},
		crisis.KindDecided:   {{"decision", f.at["decided"], []crisis.PersonID{"dirk"}}},
		crisis.KindTaskCreated: {
			{"task with due time", f.at["task_created"], []crisis.PersonID{"bernd"}},
			{"checklist item", fh7, []crisis.PersonID{"bernd"}},
			{"correction after a filed report", f.correction, []crisis.PersonID{"eva"}},
			{"no receipt 24 h after filing", f.receiptTask, []crisis.PersonID{"eva"}},
		},
		crisis.KindTaskDone: {
			{"checklist item", f.at["task_done_fh"], []crisis.PersonID{"anna"}},
			{"task", f.at["task_done"], []crisis.PersonID{"anna"}},
		},
		crisis.KindDeadlineSet: {{"deadline", f.at["deadline_set"], []crisis.PersonID{"eva"}}},
		crisis.KindDeadlineMet: {
			{"in time", f.at["deadline_met"], []crisis.PersonID{"anna"}},
			{"late", f.metLate, []crisis.PersonID{"anna"}},
		},
		crisis.KindAwareSet: {
			{"first statement", f.at["aware_first"], []crisis.PersonID{"dirk"}},
			{"corrected earlier", f.awareEarlier, []crisis.PersonID{"dirk"}},
			{"corrected later with gap warning", f.at["aware_later"], []crisis.PersonID{"dirk"}},
		},
		crisis.KindDetectedSet: {
			{"corrected earlier", f.at["detected_earlier"], []crisis.PersonID{"dirk"}},
			{"corrected later", f.detectedLater, []crisis.PersonID{"dirk"}},
		},
		crisis.KindSnoozed: {{"task", f.at["snoozed"], []crisis.PersonID{"anna"}}},
		crisis.KindReminderSent: {
			{"before due", f.at["reminder_before"], []crisis.PersonID{"bernd"}},
			{"checklist item at due", f.at["reminder_fh_due"], []crisis.PersonID{"bernd"}},
			{"at due, consolidating a snoozed step", f.at["reminder_due"], []crisis.PersonID{"bernd"}},
			{"overdue, catch-up after an outage", f.at["reminder_catchup"], []crisis.PersonID{"bernd", "anna"}},
			{"deadline before due", f.at["reminder_deadline"], []crisis.PersonID{"eva"}},
			{"statutory obligation", f.obReminder, []crisis.PersonID{"eva"}},
		},
		crisis.KindResolved:        {{"acute phase ended", f.at["resolved"], []crisis.PersonID{"dirk"}}},
		crisis.KindRegimeAdded:     {{"nis2 switched on", f.regimeAdded, []crisis.PersonID{"eva"}}},
		crisis.KindRegimeRemoved:   {{"gdpr withdrawn", f.regimeRemoved, []crisis.PersonID{"eva"}}},
		crisis.KindAwareConfirmed:  {{"later awareness confirmed", f.at["aware_confirmed"], []crisis.PersonID{"anna"}}},
		crisis.KindClassified:      {{"high risk", f.at["classified"], []crisis.PersonID{"carla"}}},
		crisis.KindRequested:       {{"intermediate report requested", f.at["requested"], []crisis.PersonID{"anna"}}},
		crisis.KindSubmitted:       {{"early report filed", f.at["submitted"], []crisis.PersonID{"anna"}}},
		crisis.KindWaived:          {{"art34 waived", f.at["waived"], []crisis.PersonID{"anna"}}},
		crisis.KindFactSet:         {{"impact", f.at["fact_set"], []crisis.PersonID{"anna"}}},
		crisis.KindDraftCreated:    {{"staff notice", f.at["draft_created"], []crisis.PersonID{"anna"}}},
		crisis.KindDraftEdited:     {{"customer notice rev 2", f.at["draft_edited"], []crisis.PersonID{"anna"}}},
		crisis.KindReviewed:        {{"hr reviewed", f.at["reviewed"], []crisis.PersonID{"anna"}}},
		crisis.KindApproved:        {{"first of two", f.at["approved"], []crisis.PersonID{"carla"}}},
		crisis.KindApprovalRevoked: {{"withdrawn", f.at["approval_withdrawn"], []crisis.PersonID{"carla"}}},
		crisis.KindRejected:        {{"with reason", f.at["rejected"], []crisis.PersonID{"carla"}}},
		crisis.KindReleased: {
			{"staff notice", f.at["released_staff"], []crisis.PersonID{"carla"}},
			{"customer notice with targets", f.at["released"], []crisis.PersonID{"carla"}},
		},
		crisis.KindDraftPosted:   {{"staff notice posted", f.at["draft_posted"], []crisis.PersonID{"carla"}}},
		crisis.KindPublished:     {{"customer notice published", f.at["published"], []crisis.PersonID{"carla"}}},
		crisis.KindPublishFailed: {{"no access", f.at["publish_failed"], []crisis.PersonID{"carla"}}},
		crisis.KindAcked:         {{"legal acknowledged", f.at["acknowledged"], []crisis.PersonID{"anna"}}},
		crisis.KindReceipt:       {{"BSI receipt", f.at["receipt"], []crisis.PersonID{"anna"}}},
		crisis.KindClosed:        {{"closed", f.at["closed"], []crisis.PersonID{"eva"}}},
	}
}

// renderAll renders every golden text of one language.
func renderAll(t *testing.T, r *Renderer, l Lang) []rendered {
	t.Helper()
	f := newFixture(t)
	var out []rendered
	add := func(file, name string, text string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s/%s/%s: %v", l, file, name, err)
		}
		out = append(out, rendered{file, name, text})
	}

	cases := noticeCases(f)
	for _, k := range kinds {
		if len(cases[k]) == 0 {
			t.Fatalf("no notice case for kind %s", k)
		}
		for _, c := range cases[k] {
			if c.step.Event.Kind() != k {
				t.Fatalf("notice case %s/%s is a %s event", k, c.name, c.step.Event.Kind())
			}
			v := view(l, c.step.Event.At)
			s, err := r.Notice(v, c.step.State, c.step.Event, "")
			add("notice."+string(k), c.name+" · room", s, err)
			for _, p := range c.dm {
				s, err := r.Notice(v, c.step.State, c.step.Event, p)
				add("notice."+string(k), c.name+" · direct message to "+string(p), s, err)
			}
		}
	}

	morning := view(l, at("2026-11-21 10:00:00"))
	st := func(name string, state crisis.State, v View) {
		s, err := r.Status(v, state, crisis.Obligations(state, crisis.DefaultRegulation(), v.Now)...)
		add("status", name, s, err)
	}
	st("right after opening", f.at["opened"].State, view(l, at("2026-11-20 17:41:00")))
	st("Saturday morning", f.morning, morning)
	st("acute phase ended", f.resolve, view(l, at("2026-11-23 10:05:00")))
	st("closed", f.full.state, view(l, at("2026-11-27 16:05:00")))

	s, err := r.Roles(morning, f.morning)
	add("roles", "Saturday morning", s, err)
	s, err = r.Tasks(morning, f.morning)
	add("tasks", "Saturday morning", s, err)
	s, err = r.Tasks(view(l, at("2026-11-20 17:41:00")), f.at["opened"].State)
	add("tasks", "right after opening", s, err)
	obs := func(st crisis.State, v View) []crisis.Obligation {
		return crisis.Obligations(st, crisis.DefaultRegulation(), v.Now)
	}
	s, err = r.Deadlines(morning, f.morning, obs(f.morning, morning)...)
	add("deadlines", "Saturday morning", s, err)
	closed := view(l, at("2026-11-27 16:05:00"))
	s, err = r.Deadlines(closed, f.full.state, obs(f.full.state, closed)...)
	add("deadlines", "closed", s, err)
	s, err = r.Drafts(closed, f.full.state)
	add("drafts", "two drafts", s, err)
	s, err = r.DraftView(closed, f.full.state, f.full.state.Drafts[1], crisis.DefaultApprovalPolicy()["customer"])
	add("drafts", "released customer notice", s, err)
	s, err = r.Facts(closed, f.full.state)
	add("facts", "impact", s, err)

	s, err = r.Timeline(morning, f.full.state, f.full.events())
	add("timeline", "whole incident", s, err)
	s, err = r.Timeline(morning, f.full.state, nil)
	add("timeline", "no entries", s, err)
	for _, k := range kinds {
		for _, c := range cases[k][:1] {
			s, err := r.Entry(morning, c.step.Event)
			add("entry", string(k)+" without state", s, err)
		}
	}

	var b strings.Builder
	err = r.WriteMarkdown(&b, view(l, at("2026-11-27 16:05:00")), f.full.state, func(yield func(crisis.Event) error) error {
		for _, e := range f.full.events() {
			if err := yield(e); err != nil {
				return err
			}
		}
		return nil
	})
	add("export", "Markdown export", b.String(), err)

	cmds := withCommand(helpEntries, "crisis")
	s, err = r.Help(morning, cmds, "")
	add("help", "all commands", s, err)
	for _, topic := range []string{"task", "room add", "frist", "status"} {
		s, err := r.Help(morning, cmds, topic)
		add("help", "topic "+topic, s, err)
	}
	s, err = r.Help(morning, cmds, "aufgabenliste")
	add("help", "unknown topic", s, err)
	s, err = r.Help(morning, helpEntries[:3], "")
	add("help", "console (no slash command)", s, err)
	for _, c := range cmds {
		s, err := r.Usage(morning, c)
		add("usage", c.Name, s, err)
	}
	p, err := r.Problem(morning, "missing_arg", map[string]string{"command": "deadline", "arg": "owner"})
	u, uerr := r.Usage(morning, cmds[13])
	if uerr != nil {
		err = uerr
	}
	add("usage", "usage error as the runtime sends it", p+"\n"+u, err)

	for _, c := range problemCases {
		s, err := r.Problem(morning, c.code, c.params)
		add("problems", c.code+paramsString(c.params), s, err)
	}
	for _, c := range textCases {
		s, err := r.Text(morning, c.key, c.params)
		add("texts", c.key+paramsString(c.params), s, err)
	}
	return out
}

func paramsString(p map[string]string) string {
	if len(p) == 0 {
		return ""
	}
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString(" ")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s=%q", k, p[k])
	}
	return b.String()
}

// TestGolden renders every notice kind, every overview, help, usage, every
// problem code and every runtime phrase in both languages and compares them
// with testdata/<file>.<lang>.golden; go test -update rewrites the files.
func TestGolden(t *testing.T) {
	r := newRenderer(t)
	for _, l := range Langs() {
		files := map[string]*strings.Builder{}
		var order []string
		for _, x := range renderAll(t, r, l) {
			b, ok := files[x.file]
			if !ok {
				b = &strings.Builder{}
				files[x.file] = b
				order = append(order, x.file)
			}
			fmt.Fprintf(b, "=== %s\n%s\n\n", x.name, x.text)
		}
		for _, name := range order {
			t.Run(name+"."+string(l), func(t *testing.T) {
				got := files[name].String()
				path := filepath.Join("testdata", name+"."+string(l)+".golden")
				if *update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./messages -update)", err)
				}
				if diff := cmp.Diff(string(want), got); diff != "" {
					t.Errorf("%s differs (-want +got):\n%s", path, diff)
				}
			})
		}
	}
}

func newRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// mustTime is for table tests in UTC.
func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}
