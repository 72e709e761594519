package messages

import (
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/krisenstab/krisenstab/crisis"
)

// Ensure both languages define exactly the same template names.
func TestSameTemplateNames(t *testing.T) {
	r := newRenderer(t)
	de, en := r.Names(DE), r.Names(EN)
	if len(de) == 0 {
		t.Fatal("no templates parsed")
	}
	if diff := cmp.Diff(en, de); diff != "" {
		t.Errorf("template names differ (-en +de):\n%s", diff)
	}
}

// domainCodes lists every crisis.Code; keep it in step with crisis/errors.go.
var domainCodes = []crisis.Code{
	crisis.CodeNoIncident, crisis.CodeIncidentExists, crisis.CodeIncidentClosed,
	crisis.CodeIncidentResolved, crisis.CodeNotResolved, crisis.CodeUnknownPerson,
	crisis.CodeUnknownRole, crisis.CodeUnknownTask, crisis.CodeUnknownDeadline,
	crisis.CodeUnknownTarget, crisis.CodeAlreadyDone, crisis.CodeAlreadyHolds,
	crisis.CodeNoHolder, crisis.CodeFutureInstant, crisis.CodeDueInPast,
	crisis.CodeBeforeDetected, crisis.CodeNotPermitted, crisis.CodeNothingChanged,
	crisis.CodeRoomExists, crisis.CodeTooLong, crisis.CodeEmptyText,
	crisis.CodeNoReminder, crisis.CodeSnoozeTooLong,
	crisis.CodeUnknownRegime, crisis.CodeRegimeInactive, crisis.CodeUnknownOblig, crisis.CodeNotRequestable,
	crisis.CodeUnknownFact, crisis.CodeUnknownKind, crisis.CodeUnknownDraft, crisis.CodeDraftReleased,
	crisis.CodeStaleRevision, crisis.CodeNotApprover, crisis.CodeSelfApproval, crisis.CodeLintErrors,
	crisis.CodeLintWarnings, crisis.CodeBreakGlass, crisis.CodeNeedsReason, crisis.CodeNoPending,
	crisis.CodeSameApprover, crisis.CodeDelayReasons, crisis.CodeRegisterMissing, crisis.CodeNothingToAck,
	crisis.CodeDraftRejected, crisis.CodeNotSubmitted,
}

// usageCodes lists every usage error code of package commands.
var usageCodes = []string{
	"empty", "unknown_command", "missing_arg", "extra_arg", "unknown_flag",
	"missing_flag_value", "bad_time", "ambiguous_time", "nonexistent_time",
	"bad_duration", "unknown_person", "unknown_role", "too_long",
	"unbalanced_quote", "bad_format", "bad_regime", "bad_incident",
	"bad_obligation", "bad_draft", "bad_kind", "bad_lang", "bad_class",
}

// textKeys lists every runtime phrase the runtime asks for.
var textKeys = []string{
	"not_in_roster", "no_incident_here", "duplicate", "internal", "platform_unknown",
	"incident_started", "room_added", "done", "export_written", "chain_ok",
	"chain_broken", "unknown_incident", "catchup", "gap_warning",
	"reaction_not_approver", "reaction_stale", "reaction_released", "button_approve", "button_reject",
}

// commandNames lists every command that needs a help description.
var commandNames = []string{
	"start", "status", "role", "roles", "invite", "page", "room add", "log",
	"decision", "timeline", "task", "done", "tasks", "deadline", "deadlines",
	"aware", "detected", "snooze", "resolve", "close", "export", "help",
	"regime", "classify", "request", "submitted", "waive", "set", "facts", "draft",
	"drafts", "edit", "review", "approve", "reject", "ack", "receipt",
}

// Ensure every domain and usage error code has its own text in both
// languages, not the generic fallback.
func TestEveryCodeHasText(t *testing.T) {
	r := newRenderer(t)
	codes := usageCodes
	for _, c := range domainCodes {
		codes = append(codes, string(c))
	}
	for _, code := range codes {
		for _, l := range Langs() {
			if r.sets[l].Lookup("problem."+code) == nil {
				t.Errorf("%s: no problem.%s", l, code)
				continue
			}
			got, err := r.Problem(View{Lang: l}, code, nil)
			if err != nil {
				t.Errorf("%s: problem %s without params: %v", l, code, err)
			}
			generic, _ := r.Problem(View{Lang: l}, "no_such_code", nil)
			if got == strings.ReplaceAll(generic, "no_such_code", code) {
				t.Errorf("%s: problem %s renders the generic text", l, code)
			}
		}
	}
	for _, c := range Codes() {
		if !strings.Contains(strings.Join(codes, " "), c) {
			t.Errorf("Codes() has %q, which neither crisis nor commands defines", c)
		}
	}
}

// Ensure every runtime phrase exists in both languages and Keys lists it.
func TestEveryKeyHasText(t *testing.T) {
	r := newRenderer(t)
	if diff := cmp.Diff(sorted(textKeys), Keys()); diff != "" {
		t.Errorf("Keys() (-want +got):\n%s", diff)
	}
	for _, k := range textKeys {
		for _, l := range Langs() {
			if _, err := r.Text(View{Lang: l}, k, nil); err != nil {
				t.Errorf("%s: %v", l, err)
			}
		}
	}
	if _, err := r.Text(View{Lang: EN}, "no_such_key", nil); err == nil {
		t.Error("Text with an unknown key: no error")
	}
}

func sorted(s []string) []string {
	c := append([]string(nil), s...)
	for i := range c {
		for j := i + 1; j < len(c); j++ {
			if c[j] < c[i] {
				c[i], c[j] = c[j], c[i]
			}
		}
	}
	return c
}

// Ensure every command has a help description and an example in both
// languages.
func TestHasHelp(t *testing.T) {
	r := newRenderer(t)
	for _, name := range commandNames {
		if !HasHelp(name) {
			t.Errorf("HasHelp(%q) = false", name)
		}
		if !r.has("example." + name) {
			t.Errorf("no example.%s", name)
		}
	}
	if HasHelp("no such command") {
		t.Error(`HasHelp("no such command") = true`)
	}
}

// Ensure every event kind has a room notice, a direct message and a
// timeline entry in both languages.
func TestEveryKindHasTemplates(t *testing.T) {
	r := newRenderer(t)
	for _, k := range kinds {
		for _, prefix := range []string{"notice.", "dm.", "entry."} {
			if !r.has(prefix + string(k)) {
				t.Errorf("missing %s%s", prefix, k)
			}
		}
	}
}

// anglicisms are English words the German texts must not use; the German
// words are Aufgabe, Frist, Lagechronik/Verlauf and Raum.
var anglicisms = regexp.MustCompile(`\b(Task|Deadline|Timeline|Channel)s?\b`)

// Ensure no rendered German text uses the English words, and no text of
// either language shows template residue.
func TestRenderedWording(t *testing.T) {
	r := newRenderer(t)
	for _, l := range Langs() {
		for _, x := range renderAll(t, r, l) {
			where := string(l) + "/" + x.file + "/" + x.name
			if l == DE {
				if m := anglicisms.FindString(x.text); m != "" {
					t.Errorf("%s uses %q:\n%s", where, m, x.text)
				}
			}
			for _, bad := range []string{"<no value>", "%!", "<nil>", "{{", "}}", "map[", "0001-01-01"} {
				if strings.Contains(x.text, bad) {
					t.Errorf("%s contains %q:\n%s", where, bad, x.text)
				}
			}
			if strings.TrimSpace(x.text) == "" {
				t.Errorf("%s is empty", where)
			}
		}
	}
}

// Ensure an unknown code renders the generic text naming the code.
func TestProblemUnknownCode(t *testing.T) {
	r := newRenderer(t)
	for _, l := range Langs() {
		got, err := r.Problem(View{Lang: l}, "disk_on_fire", map[string]string{"a": "b"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, "disk_on_fire") {
			t.Errorf("%s: %q does not name the code", l, got)
		}
	}
}

// Ensure an unknown language renders German, the product default, and a
// nil zone renders UTC.
func TestViewDefaults(t *testing.T) {
	r := newRenderer(t)
	got, err := r.Problem(View{Lang: "fr"}, "empty_text", nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Der Text ist leer."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	e := crisis.Event{At: mustTime("2026-01-18T08:00:00Z"), Actor: "anna", Data: crisis.Logged{Text: "x"}}
	got, err = r.Entry(View{Lang: EN}, e)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Sun 2026-01-18 08:00 UTC — anna: x"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Ensure events without payload fail instead of rendering half a text.
func TestNoPayload(t *testing.T) {
	r := newRenderer(t)
	if _, err := r.Notice(View{}, crisis.State{}, crisis.Event{}, ""); err == nil {
		t.Error("Notice: no error")
	}
	if _, err := r.Entry(View{}, crisis.Event{}); err == nil {
		t.Error("Entry: no error")
	}
}

// Ensure WriteMarkdown stops at the first error of the event source and of
// the writer.
func TestWriteMarkdownErrors(t *testing.T) {
	r := newRenderer(t)
	f := newFixture(t)
	boom := errors.New("boom")
	err := r.WriteMarkdown(io.Discard, view(EN, time.Time{}), f.full.state, func(func(crisis.Event) error) error { return boom })
	if !errors.Is(err, boom) {
		t.Errorf("source error: got %v", err)
	}
	err = r.WriteMarkdown(failWriter{boom}, view(EN, time.Time{}), f.full.state, func(yield func(crisis.Event) error) error {
		for _, e := range f.full.events() {
			if err := yield(e); err != nil {
				return err
			}
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Errorf("writer error: got %v", err)
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

func TestParseLang(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Lang
		ok   bool
	}{
		{"de", DE, true},
		{" DE ", DE, true},
		{"de-DE", DE, true},
		{"deutsch", DE, true},
		{"en", EN, true},
		{"English", EN, true},
		{"en-GB", EN, true},
		{"fr", "", false},
		{"", "", false},
	} {
		got, ok := ParseLang(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseLang(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestMention(t *testing.T) {
	if got, want := Mention("anna"), "⟨@anna⟩"; got != want {
		t.Errorf("Mention = %q, want %q", got, want)
	}
	slack := func(p crisis.PersonID) string { return "<@U" + strings.ToUpper(string(p)) + ">" }
	for _, c := range []struct {
		name, in, want string
	}{
		// Ensure a plain text passes unchanged.
		{"none", "no mentions", "no mentions"},
		// Ensure every token is replaced, also adjacent ones.
		{"several", "⟨@anna⟩ and ⟨@bernd⟩⟨@eva⟩.", "<@UANNA> and <@UBERND><@UEVA>."},
		// Ensure IDs with dots and hyphens survive.
		{"id chars", "to ⟨@anna.albrecht-2⟩", "to <@UANNA.ALBRECHT-2>"},
		// Ensure broken tokens stay as they are.
		{"unclosed", "⟨@anna and ⟨@bernd⟩", "⟨@anna and <@UBERND>"},
		{"empty id", "⟨@⟩ x", "⟨@⟩ x"},
		{"no open", "anna⟩", "anna⟩"},
		// Ensure multi-byte text around tokens is kept.
		{"umlauts", "Prüfen: ⟨@jörg⟩ für „Frist“", "Prüfen: <@UJÖRG> für „Frist“"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ReplaceMentions(c.in, slack); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestTidy(t *testing.T) {
	got := tidy("\n\n a  \nb\t\n\n\n\nc\n\n")
	if want := " a\nb\n\nc"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPlaceholders(t *testing.T) {
	r := newRenderer(t)
	for _, c := range []struct {
		lang       Lang
		args, want string
	}{
		{EN, "<text> @owner [--due TIME]", "Usage: `/crisis task <text> @owner [--due TIME]`"},
		{DE, "<text> @owner [--due TIME]", "Aufruf: `/crisis task <Text> @Person [--due ZEIT]`"},
		{DE, "<task|FH-nn|deadline>", "Aufruf: `/crisis task <Aufgabe|FH-nn|Frist>`"},
		{DE, "<title> [--severity S] [--regime nis2,bsig]", "Aufruf: `/crisis task <Titel> [--severity Schweregrad] [--regime nis2,bsig]`"},
	} {
		got, err := r.Usage(View{Lang: c.lang}, HelpEntry{Name: "task", Args: c.args, Command: "crisis"})
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s %q: got %q, want %q", c.lang, c.args, got, c.want)
		}
	}
}

func TestBriefly(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// Ensure the first clause ends at a colon, semicolon or full stop.
		{"Meldung aufnehmen: Wer meldet?", "Meldung aufnehmen"},
		{"Draft the early warning; check access now.", "Draft the early warning"},
		{"Convene the crisis team. Confirm a channel.", "Convene the crisis team"},
		// Ensure a question keeps its mark.
		{"Wer meldet? Welches System?", "Wer meldet?"},
		// Ensure abbreviations do not end the clause.
		{"Den IT-Dienstleister bzw. den Notfall-Dienstleister anrufen.", "Den IT-Dienstleister bzw. den Notfall-Dienstleister anrufen"},
		{"Call e.g. the provider. Then wait.", "Call e.g. the provider"},
		// Ensure a text without a break loses only its final stop.
		{"Call the contracted IT service provider.", "Call the contracted IT service provider"},
	} {
		if got := briefly(c.in); got != c.want {
			t.Errorf("briefly(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
