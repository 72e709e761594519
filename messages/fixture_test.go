package messages

import (
	"testing"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
)

// The fixture is a ransomware incident at Muster GmbH on Friday
// 2026-11-20 (CET), built the way the runtime builds it: crisis.Decide turns
// commands into payloads, crisis.Chain links them, State.Apply folds them.
// Each step keeps the state right after it, so a notice renders against the
// state its event produced.

var berlin = mustZone("Europe/Berlin")

func mustZone(name string) *time.Location {
	z, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return z
}

// at reads a Berlin wall time "2006-01-02 15:04:05".
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, berlin)
	if err != nil {
		panic(err)
	}
	return t
}

func inst(s string) crisis.Instant {
	return crisis.Instant{At: at(s + ":00").UTC(), Input: s, Zone: "Europe/Berlin"}
}

var displayNames = map[crisis.PersonID]string{
	"anna": "Anna Albrecht", "bernd": "Bernd Brandt", "carla": "Carla Conrad",
	"dirk": "Dirk Dreyer", "eva": "Eva Engel", "frank": "Frank Fischer",
}

func view(l Lang, now time.Time) View {
	return View{Lang: l, Zone: berlin, Now: now, Name: func(p crisis.PersonID) string { return displayNames[p] }}
}

// roster is Muster GmbH's crisis roster; nobody holds service or external
// by default, so those roles stay open.
var roster = crisis.Roster{People: []crisis.Person{
	{ID: "anna", Name: "Anna Albrecht", Roles: []crisis.Role{crisis.RoleLead}},
	{ID: "bernd", Name: "Bernd Brandt", Roles: []crisis.Role{crisis.RoleIT, crisis.RoleBCM}},
	{ID: "carla", Name: "Carla Conrad", Roles: []crisis.Role{crisis.RoleComms, crisis.RoleHR}},
	{ID: "dirk", Name: "Dirk Dreyer", Roles: []crisis.Role{crisis.RoleMgmt, crisis.RoleLegal}},
	{ID: "eva", Name: "Eva Engel", Roles: []crisis.Role{crisis.RoleReporter, crisis.RoleDPO, crisis.RoleScribe}},
}}

// later adds Frank of the contracted incident-response provider, who joins
// the roster during the incident.
var later = crisis.Roster{People: append(append([]crisis.Person{}, roster.People...),
	crisis.Person{ID: "frank", Name: "Frank Fischer", Roles: []crisis.Role{crisis.RoleExternal}})}

const incidentID crisis.IncidentID = "2026-11-20-ransomware"

type step struct {
	Event crisis.Event
	State crisis.State // after Event
}

type incident struct {
	t     testing.TB
	state crisis.State
	steps []step
	env   crisis.Env
}

// do decides c by actor at the Berlin wall time when and appends the events.
func (in *incident) do(when string, actor crisis.PersonID, c crisis.Command) []crisis.Event {
	in.t.Helper()
	now := at(when)
	pl, err := crisis.Decide(in.state, in.env, actor, c, now)
	if err != nil {
		in.t.Fatalf("decide %T at %s: %v", c, when, err)
	}
	return in.add(now, actor, pl...)
}

// add chains payloads as they are, for events Decide would not produce
// from this state (used for branches).
func (in *incident) add(now time.Time, actor crisis.PersonID, pl ...crisis.Payload) []crisis.Event {
	in.t.Helper()
	evs, err := crisis.Chain(incidentID, in.state.LastSeq, in.state.LastHash, now, actor, pl)
	if err != nil {
		in.t.Fatal(err)
	}
	for _, e := range evs {
		in.state.Apply(e)
		in.steps = append(in.steps, step{Event: e, State: in.state.Clone()})
	}
	return evs
}

// branch returns a copy of the incident to add a what-if event to.
func (in *incident) branch() *incident {
	c := *in
	c.state = in.state.Clone()
	c.steps = append([]step(nil), in.steps...)
	return &c
}

func (in *incident) events() []crisis.Event {
	out := make([]crisis.Event, len(in.steps))
	for i, s := range in.steps {
		out[i] = s.Event
	}
	return out
}

// fixture is the whole incident plus the named moments the golden tests
// render.
type fixture struct {
	full    *incident       // opened to closed
	at      map[string]step // named events with the state after them
	morning crisis.State    // Saturday 10:00: open, several items overdue
	resolve crisis.State    // after resolve
	// branches: what-if events on top of some state
	awareEarlier, detectedLater, metLate                                       step
	regimeAdded, regimeRemoved, escalated, obReminder, correction, receiptTask step
}

func task(n int) crisis.Target     { return crisis.Target{Kind: crisis.TargetTask, ID: n} }
func deadline(n int) crisis.Target { return crisis.Target{Kind: crisis.TargetDeadline, ID: n} }

func newFixture(t testing.TB) *fixture {
	t.Helper()
	in := &incident{t: t, env: crisis.Env{Roster: roster, Policy: crisis.DefaultPolicy(),
		Publish: map[string][]crisis.Room{"customer": {{Platform: "slack", ID: "C0KUNDEN", Name: "#kunden-info"}}}}}
	f := &fixture{full: in, at: map[string]step{}}
	mark := func(name string, evs []crisis.Event) {
		e := evs[len(evs)-1]
		f.at[name] = in.steps[e.Seq-1]
	}
	det := inst("2026-11-20 17:25")
	in.do("2026-11-20 17:40:00", "anna", crisis.Start{
		ID: incidentID, Title: "Ransomware auf Dateiserver und ERP", Severity: "kritisch",
		Detected: &det, Regimes: []string{"bsig", "gdpr"},
		Room: crisis.Room{Platform: "slack", ID: "C07KRISE", Name: "#krise-ransomware"}, Lang: "de",
	})
	// The batch's notice is the Opened event with the state after the
	// whole batch (roles and checklist), as crisis.Notices sends it.
	f.at["opened"] = step{Event: in.steps[0].Event, State: in.state.Clone()}
	mark("logged", in.do("2026-11-20 17:52:00", "bernd", crisis.Log{Text: "FS01 und ERP01 vom Netz getrennt; Abbilder der Festplatten werden erstellt."}))
	mark("task_done_fh", in.do("2026-11-20 17:55:00", "bernd", crisis.Done{Ref: "FH-02"}))
	mark("reminder_fh_due", in.do("2026-11-20 17:55:20", "", crisis.FireReminder{Target: task(3)}))
	in.do("2026-11-20 18:02:00", "anna", crisis.Done{Ref: "FH-01"})
	mark("decided", in.do("2026-11-20 18:05:00", "anna", crisis.Decision{Text: "Produktion bleibt bis Montag 06:00 abgeschaltet; Bestellungen werden telefonisch angenommen."}))
	mark("aware_first", in.do("2026-11-20 18:10:00", "anna", crisis.Aware{At: inst("2026-11-20 17:40")}))
	f.awareEarlier = in.branch().step(t, "2026-11-20 18:11:00", "anna", crisis.Aware{At: inst("2026-11-20 17:30"), Reason: "Der Anruf der Buchhaltung kam schon um 17:30."})
	mark("detected_earlier", in.do("2026-11-20 18:12:00", "anna", crisis.Detected{At: inst("2026-11-20 17:10"), Reason: "Erster Alarm im Firewall-Protokoll um 17:10."}))
	f.detectedLater = in.branch().step(t, "2026-11-20 18:13:00", "anna", crisis.Detected{At: inst("2026-11-20 17:20"), Reason: "Der Alarm um 17:10 war ein Fehlalarm."})
	mark("role_assigned", in.do("2026-11-20 18:15:00", "anna", crisis.AssignRole{Role: crisis.RoleScribe, Person: "carla"}))
	in.env.Roster = later
	mark("invited", in.do("2026-11-20 18:18:00", "anna", crisis.Invite{People: []crisis.PersonID{"frank"}}))
	mark("paged", in.do("2026-11-20 18:20:00", "anna", crisis.Page{Role: crisis.RoleLegal}))
	{
		b := in.branch()
		pg := b.do("2026-11-20 18:21:00", "anna", crisis.Page{Role: crisis.RoleComms})
		f.escalated = b.step(t, "2026-11-20 18:36:00", "", crisis.FireReminder{Target: crisis.Target{Kind: crisis.TargetPage, ID: int(pg[0].Seq)}})
	}
	mark("acknowledged", in.do("2026-11-20 18:22:00", "dirk", crisis.Ack{}))
	mark("room_added", in.do("2026-11-20 18:25:00", "anna", crisis.AddRoom{Room: crisis.Room{Platform: "mattermost", ID: "krise-ransomware", Name: "~krise-ransomware"}}))
	due := inst("2026-11-20 21:00")
	mark("task_created", in.do("2026-11-20 18:30:00", "anna", crisis.CreateTask{Text: "Datensicherung vom 19. November auf Unversehrtheit prüfen", Owner: "bernd", Due: &due}))
	mark("deadline_set", in.do("2026-11-20 18:35:00", "anna", crisis.SetDeadline{Name: "Frühe Erstmeldung an das BSI", Due: inst("2026-11-21 17:40"), Owner: "eva"}))
	mark("reminder_before", in.do("2026-11-20 20:00:02", "", crisis.FireReminder{Target: task(14)}))
	mark("reminder_catchup", in.do("2026-11-20 20:10:00", "", crisis.FireReminder{Target: task(3)}))
	mark("snoozed", in.do("2026-11-20 20:30:00", "bernd", crisis.Snooze{Ref: "14", For: 30 * time.Minute}))
	mark("reminder_due", in.do("2026-11-20 21:00:01", "", crisis.FireReminder{Target: task(14)}))
	mark("task_done", in.do("2026-11-20 21:20:00", "bernd", crisis.Done{Ref: "14"}))
	for _, ref := range []string{"FH-03", "FH-04", "FH-05", "FH-07", "FH-08", "FH-09"} {
		in.do("2026-11-20 21:30:00", "anna", crisis.Done{Ref: ref})
	}
	mark("deadline_set_dsgvo", in.do("2026-11-20 21:45:00", "dirk", crisis.SetDeadline{Name: "Meldung an die Datenschutzaufsicht", Due: inst("2026-11-23 17:40"), Owner: "eva"}))
	mark("aware_later", in.do("2026-11-21 09:30:00", "anna", crisis.Aware{At: inst("2026-11-20 21:20"), Reason: "Erst um 21:20 bestätigte der Dienstleister den Abfluss von Kundendaten."}))
	mark("aware_confirmed", in.do("2026-11-21 09:40:00", "dirk", crisis.ConfirmAware{}))
	f.morning = in.state.Clone()
	mark("reminder_deadline", in.do("2026-11-21 16:40:00", "", crisis.FireReminder{Target: deadline(1)}))
	f.metLate = in.branch().step(t, "2026-11-21 18:00:00", "eva", crisis.Done{Ref: "Frühe Erstmeldung an das BSI"})
	mark("deadline_met", in.do("2026-11-21 16:55:00", "eva", crisis.Done{Ref: "Frühe Erstmeldung an das BSI"}))
	f.regimeAdded = in.branch().step(t, "2026-11-21 17:00:00", "anna", crisis.RegimeChange{Add: true, Regime: "nis2"})
	f.regimeRemoved = in.branch().step(t, "2026-11-21 17:00:00", "dirk", crisis.RegimeChange{Regime: "gdpr", Reason: "Die Forensik zeigt: Es sind keine personenbezogenen Daten betroffen."})
	mark("fact_set", in.do("2026-11-21 17:05:00", "carla", crisis.SetFact{Key: "impact", Value: "Produktion und Versand stehen still; Bestellungen nur telefonisch."}))
	mark("classified", in.do("2026-11-21 17:10:00", "dirk", crisis.Classify{Class: crisis.ClassHighRisk, At: inst("2026-11-21 17:10")}))
	mark("draft_created", in.do("2026-11-21 17:15:00", "carla", crisis.CreateDraft{Kind: "staff", Lang: "de", Text: "**Information für alle Beschäftigten**\n\nUnsere IT wurde angegriffen. Bitte schalten Sie keine Rechner ein."}))
	mark("draft_posted", in.do("2026-11-21 17:15:01", "", crisis.RecordPost{Draft: 1, Rev: 1, Post: crisis.Post{Rev: 1, Room: crisis.Room{Platform: "slack", ID: "C07KRISE", Name: "#krise-ransomware"}, Ref: "1732205701.000100"}}))
	mark("reviewed", in.do("2026-11-21 17:16:00", "carla", crisis.ReviewDraft{Draft: 1}))
	mark("released_staff", in.do("2026-11-21 17:20:00", "anna", crisis.Approve{Draft: 1, Reaction: true}))
	in.do("2026-11-21 17:25:00", "carla", crisis.CreateDraft{Kind: "customer", Lang: "de", Text: "Sehr geehrte Kundin, sehr geehrter Kunde, ..."})
	mark("approved", in.do("2026-11-21 17:30:00", "anna", crisis.Approve{Draft: 2}))
	mark("approval_withdrawn", in.do("2026-11-21 17:31:00", "anna", crisis.Withdraw{Draft: 2}))
	mark("rejected", in.do("2026-11-21 17:35:00", "dirk", crisis.Reject{Draft: 2, Reason: "Bitte ohne Vermutungen zur Ursache."}))
	mark("draft_edited", in.do("2026-11-21 17:40:00", "carla", crisis.EditDraft{Draft: 2, Text: "Sehr geehrte Kundin, sehr geehrter Kunde, seit Freitagabend ..."}))
	in.do("2026-11-21 17:45:00", "anna", crisis.Approve{Draft: 2})
	mark("released", in.do("2026-11-21 17:50:00", "dirk", crisis.Approve{Draft: 2}))
	mark("published", in.do("2026-11-21 17:50:02", "", crisis.RecordPublished{Draft: 2, Post: crisis.Post{Rev: 2, Room: crisis.Room{Platform: "slack", ID: "C0KUNDEN", Name: "#kunden-info"}, Ref: "1732207802.000200"}}))
	mark("publish_failed", in.do("2026-11-21 17:50:03", "", crisis.RecordFailure{Draft: 2, Room: crisis.Room{Platform: "mattermost", ID: "kunden", Name: "~kunden"}, Error: "403 Forbidden: bot is not a member of the channel"}))
	mark("submitted", in.do("2026-11-21 18:00:00", "eva", crisis.Submit{Obligation: "bsig.erstmeldung", At: inst("2026-11-21 17:55"), Ref: "BSI-2026-4711"}))
	f.correction = in.branch().step(t, "2026-11-21 18:30:00", "anna", crisis.Aware{At: inst("2026-11-20 21:00"), Reason: "Der Dienstleister hatte den Abfluss schon um 21:00 gemeldet."})
	f.receiptTask = in.branch().step(t, "2026-11-22 18:00:00", "", crisis.FireReminder{Target: crisis.Target{Kind: crisis.TargetReceipt, Name: "bsig.erstmeldung"}})
	mark("receipt", in.do("2026-11-22 08:00:00", "eva", crisis.RecordReceipt{Obligation: "bsig.erstmeldung", At: inst("2026-11-22 07:55"), Ref: "BSI-2026-4711-E"}))
	mark("requested", in.do("2026-11-22 09:00:00", "eva", crisis.Request{Obligation: "bsig.zwischenmeldung", At: inst("2026-11-22 08:45"), Due: ptrInst(inst("2026-11-23 12:00")), Ref: "BSI-2026-4711"}))
	mark("waived", in.do("2026-11-22 10:00:00", "eva", crisis.Waive{Obligation: "gdpr.art34", Reason: "Art. 34 Abs. 3 lit. a: Die betroffenen Datensätze waren verschlüsselt, der Schlüssel ist nicht kompromittiert."}))
	f.obReminder = in.branch().step(t, "2026-11-22 11:00:00", "", crisis.FireReminder{Target: crisis.Target{Kind: crisis.TargetObligation, Name: "bsig.meldung"}})
	mark("resolved", in.do("2026-11-23 10:00:00", "anna", crisis.Resolve{Summary: "Systeme aus sauberen Sicherungen wiederhergestellt; seit Sonntag 06:00 keine weitere Aktivität."}))
	f.resolve = in.state.Clone()
	in.do("2026-11-27 15:00:00", "anna", crisis.Submit{Obligation: "gdpr.breach_register", At: inst("2026-11-27 15:00"), Ref: "VVT-17"})
	mark("closed", in.do("2026-11-27 16:00:00", "dirk", crisis.Close{Summary: "Nachbereitung abgeschlossen; Erkenntnisse im Abschlussbericht festgehalten."}))
	return f
}

func ptrInst(i crisis.Instant) *crisis.Instant { return &i }

// step decides c on the branch and returns its single event.
func (in *incident) step(t testing.TB, when string, actor crisis.PersonID, c crisis.Command) step {
	t.Helper()
	evs := in.do(when, actor, c)
	return in.steps[evs[len(evs)-1].Seq-1]
}
