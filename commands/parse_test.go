package commands

import (
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/google/go-cmp/cmp"

	"github.com/krisenstab/krisenstab/crisis"
)

type roster map[string]crisis.PersonID

func (r roster) Lookup(ref string) (crisis.PersonID, bool) {
	id, ok := r[strings.ToLower(ref)]
	return id, ok
}

var (
	berlin, _ = time.LoadLocation("Europe/Berlin")
	now       = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	env       = Env{Now: now, Zone: berlin, People: roster{"anna": "anna", "eva": "eva", "u04dirk": "dirk"}}
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseInstant(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 UTC, or "" when an error is expected
		code Code
	}{
		// Ensures an explicit offset is honoured (SC-04).
		{"2026-10-25T02:30+02:00", "2026-10-25T00:30:00Z", ""},
		{"2026-10-25T02:30+01:00", "2026-10-25T01:30:00Z", ""},
		// Ensures Z and seconds are kept.
		{"2026-11-20T17:40:30Z", "2026-11-20T17:40:30Z", ""},
		// Ensures local input is read in the organisation zone (CET).
		{"2026-01-17 09:00", "2026-01-17T08:00:00Z", ""},
		{"2026-01-17T09:00", "2026-01-17T08:00:00Z", ""},
		// Ensures summer time is applied (CEST).
		{"2026-06-05 20:00", "2026-06-05T18:00:00Z", ""},
		// Ensures a bare clock time means today in the zone.
		{"17:40", "2026-11-22T16:40:00Z", ""},
		// Ensures relative forms.
		{"+2h", "2026-11-22T11:00:00Z", ""},
		{"+30m", "2026-11-22T09:30:00Z", ""},
		{"+1d", "2026-11-23T09:00:00Z", ""},
		{"+1h30m", "2026-11-22T10:30:00Z", ""},
		{"-30m", "2026-11-22T08:30:00Z", ""},
		{"jetzt", "2026-11-22T09:00:00Z", ""},
		// Ensures the repeated autumn hour is rejected, not guessed (SC-04).
		{"2026-10-25 02:30", "", CodeAmbiguousTime},
		// Ensures the skipped spring hour is rejected (SC-03).
		{"2026-03-29 02:30", "", CodeNonexistentTime},
		// Ensures nonsense and impossible dates are rejected.
		{"gestern", "", CodeBadTime},
		{"2026-02-30 10:00", "", CodeBadTime},
		{"2026-13-01 10:00", "", CodeBadTime},
		{"25:00", "", CodeBadTime},
		{"+", "", CodeBadTime},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseInstant(tt.in, now, berlin)
			if tt.code != "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != tt.code {
					t.Fatalf("ParseInstant(%q) error = %v, want code %s", tt.in, err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseInstant(%q): %v", tt.in, err)
			}
			if !got.At.Equal(at(tt.want)) || got.At.Location() != time.UTC {
				t.Errorf("ParseInstant(%q) = %v, want %s", tt.in, got.At, tt.want)
			}
			if got.Input != tt.in {
				t.Errorf("Input = %q, want %q", got.Input, tt.in)
			}
		})
	}
}

func TestAmbiguousOffsets(t *testing.T) {
	_, err := ParseInstant("2026-10-25 02:30", now, berlin)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v", err)
	}
	if got, want := e.Params["offsets"], "+02:00,+01:00"; got != want {
		t.Errorf("offsets = %q, want %q", got, want)
	}
}

func inst(s, input string) crisis.Instant {
	return crisis.Instant{At: at(s), Input: input, Zone: "Europe/Berlin"}
}

func ptr[T any](v T) *T { return &v }

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		cmd   crisis.Command
		query Query
		code  Code
		param string // expected Params value for key "arg"/"input"/"person"/"flag" when code set
		incid crisis.IncidentID
	}{
		// Ensures start takes the rest as title and reads flags.
		{"start", `start Verschlüsselte Dateiserver --severity hoch --regime bsig,gdpr,bsig --aware -20m`, crisis.Start{Title: "Verschlüsselte Dateiserver", Severity: "hoch", Regimes: []string{"bsig", "gdpr"}, Aware: ptr(inst("2026-11-22T08:40:00Z", "-20m"))}, nil, "", "", ""},
		{"start alias", `beginn Ausfall`, crisis.Start{Title: "Ausfall"}, nil, "", "", ""},
		{"start no title", `start`, nil, nil, CodeMissingArg, "title", ""},
		{"start bad regime", `start X --regime nis3`, nil, nil, CodeBadRegime, "nis3", ""},
		{"start two-token aware", `start X --aware 2026-11-22 09:30`, crisis.Start{Title: "X", Aware: ptr(inst("2026-11-22T08:30:00Z", "2026-11-22 09:30"))}, nil, "", "", ""},
		// Ensures queries take no arguments.
		{"status", `status`, nil, Status{}, "", "", ""},
		{"lage", `Lage`, nil, Status{}, "", "", ""},
		{"status extra", `status now`, nil, nil, CodeExtraArg, "now", ""},
		{"roles", `roles`, nil, Roles{}, "", "", ""},
		{"tasks", `aufgaben`, nil, Tasks{}, "", "", ""},
		{"deadlines", `fristen`, nil, Deadlines{}, "", "", ""},
		{"timeline", `timeline`, nil, Timeline{}, "", "", ""},
		{"timeline since", `verlauf --since 2026-11-22 08:00`, nil, Timeline{Since: ptr(at("2026-11-22T07:00:00Z"))}, "", "", ""},
		{"export", `export`, nil, Export{Format: "md"}, "", "", ""},
		{"export json", `export JSON`, nil, Export{Format: "json"}, "", "", ""},
		{"export pdf", `export pdf`, nil, nil, CodeBadFormat, "pdf", ""},
		{"help", `help`, nil, Help{}, "", "", ""},
		// Ensures the commands of issue 3 parse, with their German aliases.
		{"regime add", `regime add BSIG`, crisis.RegimeChange{Add: true, Regime: "bsig"}, nil, "", "", ""},
		{"regime remove", `regelwerk entfernen gdpr keine personenbezogenen Daten`, crisis.RegimeChange{Regime: "gdpr", Reason: "keine personenbezogenen Daten"}, nil, "", "", ""},
		{"regime remove no reason", `regime remove gdpr`, nil, nil, CodeMissingArg, "reason", ""},
		{"regime internal", `regime add internal`, nil, nil, CodeBadRegime, "internal", ""},
		{"aware regime", `aware -10m --regime gdpr`, crisis.Aware{At: inst("2026-11-22T08:50:00Z", "-10m"), Regime: "gdpr"}, nil, "", "", ""},
		{"aware confirm", `kenntnis bestätigen`, crisis.ConfirmAware{}, nil, "", "", ""},
		{"aware bad regime", `aware -10m --regime cer`, nil, nil, CodeBadRegime, "cer", ""},
		{"classify major", `classify major 2026-11-22 09:30`, crisis.Classify{Class: crisis.ClassMajor, At: inst("2026-11-22T08:30:00Z", "2026-11-22 09:30")}, nil, "", "", ""},
		{"classify high risk", `einstufen high-risk -1h`, crisis.Classify{Class: crisis.ClassHighRisk, At: inst("2026-11-22T08:00:00Z", "-1h")}, nil, "", "", ""},
		{"classify bad", `classify minor now`, nil, nil, CodeBadClass, "minor", ""},
		{"request", `request bsig.zwischenmeldung --due 2026-11-23 12:00 --ref BSI-1`, crisis.Request{Obligation: "bsig.zwischenmeldung", At: crisis.Instant{At: now}, Due: ptr(inst("2026-11-23T11:00:00Z", "2026-11-23 12:00")), Ref: "BSI-1"}, nil, "", "", ""},
		{"submitted", `gemeldet bsig.erstmeldung --at 2026-11-22 09:55 --ref BSI-2026-0117`, crisis.Submit{Obligation: "bsig.erstmeldung", At: inst("2026-11-22T08:55:00Z", "2026-11-22 09:55"), Ref: "BSI-2026-0117"}, nil, "", "", ""},
		{"submitted default now", `submitted gdpr.art33`, crisis.Submit{Obligation: "gdpr.art33", At: crisis.Instant{At: now}}, nil, "", "", ""},
		{"submitted unknown", `submitted bsi.meldung`, nil, nil, CodeBadObligation, "bsi.meldung", ""},
		{"submitted bad time", `submitted gdpr.art33 --at gestern`, nil, nil, CodeBadTime, "gestern", ""},
		{"waive", `waive gdpr.art34 Daten waren verschlüsselt`, crisis.Waive{Obligation: "gdpr.art34", Reason: "Daten waren verschlüsselt"}, nil, "", "", ""},
		{"waive no reason", `verzichten gdpr.art34`, nil, nil, CodeMissingArg, "reason", ""},
		{"set", `set impact Produktion steht still`, crisis.SetFact{Key: "impact", Value: "Produktion steht still"}, nil, "", "", ""},
		{"set clear", `setzen impact`, crisis.SetFact{Key: "impact"}, nil, "", "", ""},
		{"facts", `fakten`, nil, Facts{}, "", "", ""},
		{"draft", `entwurf customer --lang en`, crisis.CreateDraft{Kind: "customer", Lang: "en"}, nil, "", "", ""},
		{"draft nonews", `draft update --nonews`, crisis.CreateDraft{Kind: "nonews"}, nil, "", "", ""},
		{"draft for", `draft early_warning --for nis2.early_warning`, crisis.CreateDraft{Kind: "early_warning", Obligation: "nis2.early_warning"}, nil, "", "", ""},
		{"draft bad kind", `draft tweet`, nil, nil, CodeBadKind, "tweet", ""},
		{"draft bad lang", `draft staff --lang fr`, nil, nil, CodeBadLang, "fr", ""},
		{"drafts", `entwürfe`, nil, Drafts{}, "", "", ""},
		{"drafts one", `drafts E3`, nil, Drafts{Draft: 3}, "", "", ""},
		{"edit keeps line breaks", "edit D2 Erste Zeile\nZweite  Zeile", crisis.EditDraft{Draft: 2, Text: "Erste Zeile\nZweite  Zeile"}, nil, "", "", ""},
		{"edit no text", `bearbeiten E2`, nil, nil, CodeMissingArg, "text", ""},
		{"edit bad ref", `edit X2 Text`, nil, nil, CodeBadDraft, "X2", ""},
		{"review", `gesehen E1`, crisis.ReviewDraft{Draft: 1}, nil, "", "", ""},
		{"approve", `freigeben E2 --ack`, crisis.Approve{Draft: 2, Ack: true}, nil, "", "", ""},
		{"approve break glass", `approve 2 --break-glass "Recht nicht erreichbar"`, crisis.Approve{Draft: 2, BreakGlass: true, Reason: "Recht nicht erreichbar"}, nil, "", "", ""},
		{"approve extra", `approve E2 E3`, nil, nil, CodeExtraArg, "E3", ""},
		{"reject", `ablehnen E2 Ton zu technisch`, crisis.Reject{Draft: 2, Reason: "Ton zu technisch"}, nil, "", "", ""},
		{"ack", `quittieren`, crisis.Ack{}, nil, "", "", ""},
		{"receipt", `eingang bsig.meldung --ref BSI-4711`, crisis.RecordReceipt{Obligation: "bsig.meldung", At: crisis.Instant{At: now}, Ref: "BSI-4711"}, nil, "", "", ""},
		{"receipt no ref", `receipt bsig.meldung`, nil, nil, CodeMissingFlagValue, "--ref", ""},
		{"help topic alias", `hilfe aufgabe`, nil, Help{Topic: "task"}, "", "", ""},
		{"help room add", `help room add`, nil, Help{Topic: "room add"}, "", "", ""},
		{"help unknown", `help fly`, nil, nil, CodeUnknownCommand, "fly", ""},
		// Ensures roles and people resolve, with German aliases.
		{"role", `role comms @anna`, crisis.AssignRole{Role: crisis.RoleComms, Person: "anna"}, nil, "", "", ""},
		{"rolle alias", `rolle Datenschutz @eva`, crisis.AssignRole{Role: crisis.RoleDPO, Person: "eva"}, nil, "", "", ""},
		{"role management", `role management U04DIRK`, crisis.AssignRole{Role: crisis.RoleMgmt, Person: "dirk"}, nil, "", "", ""},
		{"role unknown role", `role boss @anna`, nil, nil, CodeUnknownRole, "boss", ""},
		{"role unknown person", `role it @zoe`, nil, nil, CodeUnknownPerson, "zoe", ""},
		{"role missing", `role it`, nil, nil, CodeMissingArg, "person", ""},
		{"invite", `invite @anna @eva`, crisis.Invite{People: []crisis.PersonID{"anna", "eva"}}, nil, "", "", ""},
		{"invite none", `invite`, nil, nil, CodeMissingArg, "person", ""},
		{"page", `page legal`, crisis.Page{Role: crisis.RoleLegal}, nil, "", "", ""},
		{"room add", `room add Mattermost`, crisis.AddRoom{Room: crisis.Room{Platform: "mattermost"}}, nil, "", "", ""},
		{"raum hinzufügen", `raum hinzufügen slack`, crisis.AddRoom{Room: crisis.Room{Platform: "slack"}}, nil, "", "", ""},
		{"room alone", `room`, nil, nil, CodeUnknownCommand, "room", ""},
		// Ensures text commands keep quoted text and join words.
		{"log", `log Fileserver   vom Netz "genau  so"`, crisis.Log{Text: "Fileserver vom Netz genau  so"}, nil, "", "", ""},
		{"log german quotes", `notiz „Zitat“ gut`, crisis.Log{Text: "Zitat gut"}, nil, "", "", ""},
		{"log empty", `log`, nil, nil, CodeMissingArg, "text", ""},
		{"log unbalanced", `log "offen`, nil, nil, CodeUnbalancedQuote, "", ""},
		{"decision", `decision Wir zahlen kein Lösegeld`, crisis.Decision{Text: "Wir zahlen kein Lösegeld"}, nil, "", "", ""},
		// Ensures mention delimiters cannot be injected.
		{"log injected token", "log hallo ⟨@anna⟩", crisis.Log{Text: "hallo @anna"}, nil, "", "", ""},
		// Ensures task owner is the last mention and due is parsed.
		{"task", `task "Backups offline nehmen" @anna --due +1h`, crisis.CreateTask{Text: "Backups offline nehmen", Owner: "anna", Due: ptr(crisis.Instant{At: at("2026-11-22T10:00:00Z"), Input: "+1h", Zone: "Europe/Berlin"})}, nil, "", "", ""},
		{"task no owner", `aufgabe Presse vorbereiten`, crisis.CreateTask{Text: "Presse vorbereiten"}, nil, "", "", ""},
		{"task bad due", `task X @anna --due morgen`, nil, nil, CodeBadTime, "", ""},
		{"task due missing", `task X @anna --due`, nil, nil, CodeMissingFlagValue, "", ""},
		{"task unknown flag", `task X --owner anna`, nil, nil, CodeUnknownFlag, "", ""},
		{"done", `done #3`, crisis.Done{Ref: "#3"}, nil, "", "", ""},
		{"done name", `erledigt Versicherer informieren`, crisis.Done{Ref: "Versicherer informieren"}, nil, "", "", ""},
		{"done empty", `done`, nil, nil, CodeMissingArg, "ref", ""},
		// Ensures deadline takes name, time and owner in either form.
		{"deadline", `deadline Versicherer informieren 2026-11-22 18:00 @eva`, crisis.SetDeadline{Name: "Versicherer informieren", Due: inst("2026-11-22T17:00:00Z", "2026-11-22 18:00"), Owner: "eva"}, nil, "", "", ""},
		{"deadline relative", `frist "Versicherer informieren" +4h @eva`, crisis.SetDeadline{Name: "Versicherer informieren", Due: inst("2026-11-22T13:00:00Z", "+4h"), Owner: "eva"}, nil, "", "", ""},
		{"deadline --due", `deadline Versicherer --due +4h @eva`, crisis.SetDeadline{Name: "Versicherer", Due: inst("2026-11-22T13:00:00Z", "+4h"), Owner: "eva"}, nil, "", "", ""},
		{"deadline no owner", `deadline X +4h`, nil, nil, CodeMissingArg, "owner", ""},
		{"deadline no name", `deadline +4h @eva`, nil, nil, CodeMissingArg, "name", ""},
		// Ensures aware/detected read one time and a reason.
		{"aware", `aware 2026-11-22 08:10 --reason "IT bestätigt"`, crisis.Aware{At: inst("2026-11-22T07:10:00Z", "2026-11-22 08:10"), Reason: "IT bestätigt"}, nil, "", "", ""},
		{"aware ambiguous", `aware 2026-10-25 02:30`, nil, nil, CodeAmbiguousTime, "", ""},
		{"aware extra", `kenntnis heute 08:00`, nil, nil, CodeExtraArg, "heute", ""},
		{"aware missing", `aware`, nil, nil, CodeMissingArg, "time", ""},
		{"detected", `detected -2h`, crisis.Detected{At: inst("2026-11-22T07:00:00Z", "-2h")}, nil, "", "", ""},
		{"snooze", `snooze 3 30m`, crisis.Snooze{Ref: "3", For: 30 * time.Minute}, nil, "", "", ""},
		{"snooze bad", `snooze 3 bald`, nil, nil, CodeBadDuration, "", ""},
		{"snooze missing", `snooze 3`, nil, nil, CodeMissingArg, "duration", ""},
		{"resolve", `resolve Systeme wiederhergestellt`, crisis.Resolve{Summary: "Systeme wiederhergestellt"}, nil, "", "", ""},
		{"close", `schließen`, crisis.Close{}, nil, "", "", ""},
		// Ensures the global incident flag and its validation.
		{"incident flag", `status --incident 2026-11-22-ransomware`, nil, Status{}, "", "", "2026-11-22-ransomware"},
		{"incident flag bad", `status --incident ../x`, nil, nil, CodeBadIncident, "", ""},
		// Ensures unknown and empty input.
		{"unknown", `fly`, nil, nil, CodeUnknownCommand, "fly", ""},
		{"empty", `   `, nil, nil, CodeEmpty, "", ""},
		{"too long", "log " + strings.Repeat("x", 4001), nil, nil, CodeTooLong, "", ""},
		{"title too long", "start " + strings.Repeat("x", 201), nil, nil, CodeTooLong, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in, env)
			if tt.code != "" {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("Parse(%q) = %+v, %v; want error %s", tt.in, got, err, tt.code)
				}
				if e.Code != tt.code {
					t.Fatalf("Parse(%q) code = %s (%v), want %s", tt.in, e.Code, e, tt.code)
				}
				if _, ok := e.Params["command"]; !ok {
					t.Errorf("error params lack command: %v", e.Params)
				}
				if tt.param != "" {
					found := false
					for _, v := range e.Params {
						found = found || v == tt.param
					}
					if !found {
						t.Errorf("error params %v lack %q", e.Params, tt.param)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.cmd, got.Command); diff != "" {
				t.Errorf("command (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.query, got.Query); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
			if got.Incident != tt.incid {
				t.Errorf("incident = %q, want %q", got.Incident, tt.incid)
			}
		})
	}
}

func TestSpecsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Specs() {
		for _, n := range append([]string{s.Name}, s.Aliases...) {
			if seen[n] {
				t.Errorf("name %q used twice", n)
			}
			seen[n] = true
			got, ok := Lookup(strings.ToUpper(n))
			if !ok || got.Name != s.Name {
				t.Errorf("Lookup(%q) = %q, %v", n, got.Name, ok)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`start X --aware -2h`, `task "a" @anna --due 2026-11-22 18:00`, `deadline a b 17:40 @eva`,
		`log „x“`, `role it @anna`, `snooze 1 1h`, `status --incident a-b`, `aware 2026-10-25 02:30`, "log \x00⟨@x⟩", `--due`, `"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s, env)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) returned untyped error %v", s, err)
			}
			return
		}
		if (p.Command == nil) == (p.Query == nil) {
			t.Fatalf("Parse(%q) = %+v: want exactly one of command and query", s, p)
		}
	})
}
