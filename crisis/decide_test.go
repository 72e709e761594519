package crisis_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/krisenstab/krisenstab/crisis"
)

// t0 is SC-01's detection instant: Friday 2026-01-16 17:40 CET.
var t0 = ts("2026-01-16T16:40:00Z")

const incident crisis.IncidentID = "2026-01-16-ransomware"

var (
	console    = crisis.Room{Platform: "console", ID: "c1", Name: "crisis-2026-01-16-ransomware"}
	mattermost = crisis.Room{Platform: "mattermost", ID: "mm1", Name: "crisis-2026-01-16-ransomware"}
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// testRoster covers every role but external. ivo and ida both default to
// it, so "first roster holder" is visible; hanna (helpdesk) and otto hold no
// role.
func testRoster() crisis.Roster {
	return crisis.Roster{People: []crisis.Person{
		{ID: "lena", Roles: []crisis.Role{crisis.RoleLead}},
		{ID: "mia", Roles: []crisis.Role{crisis.RoleMgmt}},
		{ID: "ivo", Roles: []crisis.Role{crisis.RoleIT}},
		{ID: "ida", Roles: []crisis.Role{crisis.RoleIT}},
		{ID: "kai", Roles: []crisis.Role{crisis.RoleComms}},
		{ID: "lara", Roles: []crisis.Role{crisis.RoleLegal}},
		{ID: "dora", Roles: []crisis.Role{crisis.RoleDPO}},
		{ID: "rene", Roles: []crisis.Role{crisis.RoleReporter}},
		{ID: "sven", Roles: []crisis.Role{crisis.RoleScribe}},
		{ID: "bea", Roles: []crisis.Role{crisis.RoleBCM}},
		{ID: "hugo", Roles: []crisis.Role{crisis.RoleHR}},
		{ID: "sina", Roles: []crisis.Role{crisis.RoleService}},
		{ID: "hanna"},
		{ID: "otto"},
	}}
}

func testEnv() crisis.Env {
	return crisis.Env{Roster: testRoster(), Policy: crisis.DefaultPolicy()}
}

// without returns r minus the people ids.
func without(r crisis.Roster, ids ...crisis.PersonID) crisis.Roster {
	var out crisis.Roster
	for _, p := range r.People {
		keep := true
		for _, id := range ids {
			keep = keep && p.ID != id
		}
		if keep {
			out.People = append(out.People, p)
		}
	}
	return out
}

// history is an incident log under construction: payloads are numbered and
// linked with crisis.Chain, and the state is crisis.Fold of the log.
type history struct {
	tb  testing.TB
	env crisis.Env
	evs []crisis.Event
}

func newHistory(tb testing.TB, env crisis.Env) *history {
	return &history{tb: tb, env: env}
}

func (h *history) state() crisis.State { return crisis.Fold(h.evs) }

// fork returns a copy of h that can grow without changing h.
func (h *history) fork() *history {
	return &history{tb: h.tb, env: h.env, evs: append([]crisis.Event(nil), h.evs...)}
}

// add chains payloads as events by actor at at.
func (h *history) add(at time.Time, actor crisis.PersonID, ps ...crisis.Payload) []crisis.Event {
	h.tb.Helper()
	var seq uint64
	var hash string
	if n := len(h.evs); n > 0 {
		seq, hash = h.evs[n-1].Seq, h.evs[n-1].Hash
	}
	evs, err := crisis.Chain(incident, seq, hash, at, actor, ps)
	if err != nil {
		h.tb.Fatalf("Chain: %v", err)
	}
	h.evs = append(h.evs, evs...)
	return evs
}

// do decides c on the current state and appends the resulting events.
func (h *history) do(at time.Time, actor crisis.PersonID, c crisis.Command) []crisis.Event {
	h.tb.Helper()
	ps, err := crisis.Decide(h.state(), h.env, actor, c, at)
	if err != nil {
		h.tb.Fatalf("Decide(%T by %q at %s): %v", c, actor, at.Format(time.RFC3339), err)
	}
	return h.add(at, actor, ps...)
}

// started is an incident opened by hanna at t0 with the test roster: every
// roster person is a member and tasks 1–13 are the first-hour checklist.
func started(tb testing.TB) *history {
	tb.Helper()
	h := newHistory(tb, testEnv())
	h.do(t0, "hanna", crisis.Start{ID: incident, Title: "Ransomware on file shares", Severity: "high",
		Regimes: []string{"bsig", "gdpr", "internal"}, Room: console, Lang: "de"})
	return h
}

// busy is started plus task 14 (owner lara, due t0+3h), deadline 1
// "Insurer" (open), task 3 done and deadline 2 "Police" (met).
func busy(tb testing.TB) *history {
	tb.Helper()
	h := started(tb)
	h.do(t0.Add(5*time.Minute), "lena", crisis.CreateTask{Text: "Call insurer", Owner: "lara",
		Due: &crisis.Instant{At: t0.Add(3 * time.Hour)}})
	h.do(t0.Add(6*time.Minute), "lena", crisis.SetDeadline{Name: "Insurer",
		Due: crisis.Instant{At: t0.Add(24 * time.Hour)}, Owner: "lara"})
	h.do(t0.Add(7*time.Minute), "ivo", crisis.Done{Ref: "3"})
	h.do(t0.Add(8*time.Minute), "lena", crisis.SetDeadline{Name: "Police",
		Due: crisis.Instant{At: t0.Add(48 * time.Hour)}, Owner: "lara"})
	h.do(t0.Add(9*time.Minute), "lara", crisis.Done{Ref: "police"})
	return h
}

// snapshot is a deep copy of s that shares nothing with it.
func snapshot(tb testing.TB, s crisis.State) crisis.State {
	tb.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		tb.Fatalf("marshal state: %v", err)
	}
	var c crisis.State
	if err := json.Unmarshal(b, &c); err != nil {
		tb.Fatalf("unmarshal state: %v", err)
	}
	return c
}

// domainError returns err as a *crisis.Error, failing the test if it is not
// one.
func domainError(tb testing.TB, err error) *crisis.Error {
	tb.Helper()
	var de *crisis.Error
	if !errors.As(err, &de) {
		tb.Fatalf("error %v (%T) is not a *crisis.Error", err, err)
	}
	return de
}

func failure(c crisis.Code, kv ...string) *crisis.Error {
	e := &crisis.Error{Code: c}
	if len(kv) > 0 {
		e.Params = map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			e.Params[kv[i]] = kv[i+1]
		}
	}
	return e
}

// checkDecide runs Decide and compares its payloads or its error; it also
// ensures Decide left the state untouched.
func checkDecide(t *testing.T, st crisis.State, env crisis.Env, actor crisis.PersonID, c crisis.Command, now time.Time, want []crisis.Payload, wantErr *crisis.Error) {
	t.Helper()
	before := snapshot(t, st)
	got, err := crisis.Decide(st, env, actor, c, now)
	if diff := cmp.Diff(snapshot(t, st), before); diff != "" {
		t.Errorf("Decide changed its input state (-got +want):\n%s", diff)
	}
	if wantErr != nil {
		if err == nil {
			t.Fatalf("Decide = %#v, want error %v", got, wantErr)
		}
		de := domainError(t, err)
		if diff := cmp.Diff(de, wantErr); diff != "" {
			t.Errorf("Decide error (-got +want):\n%s", diff)
		}
		return
	}
	if err != nil {
		t.Fatalf("Decide: %v, want %#v", err, want)
	}
	// Moved dues are asserted by the scenario tests of regime_test.go.
	if diff := cmp.Diff(got, want, cmpopts.IgnoreFields(crisis.AwareSet{}, "Moves")); diff != "" {
		t.Errorf("Decide payloads (-got +want):\n%s", diff)
	}
}

func TestDecideStart(t *testing.T) {
	title := "Ransomware on file shares"
	m := func(d int) time.Time { return t0.Add(time.Duration(d) * time.Minute) }
	roles := []crisis.Payload{
		crisis.RoleAssigned{Role: crisis.RoleLead, Person: "lena"},
		crisis.RoleAssigned{Role: crisis.RoleMgmt, Person: "mia"},
		crisis.RoleAssigned{Role: crisis.RoleIT, Person: "ivo"},
		crisis.RoleAssigned{Role: crisis.RoleComms, Person: "kai"},
		crisis.RoleAssigned{Role: crisis.RoleLegal, Person: "lara"},
		crisis.RoleAssigned{Role: crisis.RoleDPO, Person: "dora"},
		crisis.RoleAssigned{Role: crisis.RoleReporter, Person: "rene"},
		crisis.RoleAssigned{Role: crisis.RoleScribe, Person: "sven"},
		crisis.RoleAssigned{Role: crisis.RoleBCM, Person: "bea"},
		crisis.RoleAssigned{Role: crisis.RoleHR, Person: "hugo"},
		crisis.RoleAssigned{Role: crisis.RoleService, Person: "sina"},
	}
	// The first-hour checklist of 5.1 with the test roster's holders.
	fh := []struct {
		id     string
		owner  crisis.PersonID
		role   crisis.Role
		within time.Duration
	}{
		{"FH-01", "hanna", "", 5 * time.Minute},
		{"FH-02", "ivo", crisis.RoleIT, 5 * time.Minute},
		{"FH-03", "ivo", crisis.RoleIT, 15 * time.Minute},
		{"FH-04", "lena", crisis.RoleLead, 15 * time.Minute},
		{"FH-05", "lena", crisis.RoleLead, time.Hour},
		{"FH-06", "lena", crisis.RoleLead, time.Hour},
		{"FH-07", "ivo", crisis.RoleIT, time.Hour},
		{"FH-08", "ivo", crisis.RoleIT, time.Hour},
		{"FH-09", "kai", crisis.RoleComms, 2 * time.Hour},
		{"FH-10", "rene", crisis.RoleReporter, 2 * time.Hour},
		{"FH-11", "kai", crisis.RoleComms, 4 * time.Hour},
		{"FH-12", "lara", crisis.RoleLegal, 4 * time.Hour},
		{"FH-13", "lena", crisis.RoleLead, 4 * time.Hour},
	}
	// tasks returns the checklist tasks due det+Within, with owner
	// overrides by checklist ID.
	tasks := func(det time.Time, owners map[string]crisis.PersonID) []crisis.Payload {
		var out []crisis.Payload
		for i, f := range fh {
			owner := f.owner
			if o, ok := owners[f.id]; ok {
				owner = o
			}
			out = append(out, crisis.TaskCreated{Task: i + 1, Checklist: f.id, Owner: owner, OwnerRole: f.role,
				Due: &crisis.Instant{At: det.Add(f.within)}})
		}
		return out
	}
	// Dues are detected + Within (5.1), detected = now = t0.
	checklist := tasks(t0, nil)
	invited := []crisis.Payload{crisis.Invited{People: []crisis.PersonID{"ida", "otto"}}}
	cat := func(parts ...[]crisis.Payload) []crisis.Payload {
		var out []crisis.Payload
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	opened := crisis.Opened{Title: title, Severity: "high", Detected: crisis.Instant{At: t0},
		Regimes: []string{"bsig", "gdpr"}, Room: console, Lang: "de"}
	start := crisis.Start{ID: incident, Title: title, Severity: "high", Regimes: []string{"bsig", "gdpr"}, Room: console, Lang: "de"}

	// Detected 90 minutes back: items whose detected+Within has passed are
	// due now+Within, the others keep detected+Within.
	early := t0.Add(-90 * time.Minute)
	earlyStart := start
	earlyStart.Detected = &crisis.Instant{At: early, Input: "15:10"}
	earlyOpened := opened
	earlyOpened.Detected = crisis.Instant{At: early, Input: "15:10"}
	earlyTasks := tasks(early, nil)
	for i := range 8 { // FH-01..FH-08: early+Within has passed
		tc := earlyTasks[i].(crisis.TaskCreated)
		tc.Due = &crisis.Instant{At: t0.Add(fh[i].within)}
		earlyTasks[i] = tc
	}
	if got, want := earlyTasks[0].(crisis.TaskCreated).Due.At, m(5); !got.Equal(want) {
		t.Fatalf("test table: FH-01 due %s, want %s", got, want)
	}

	// No lead in the roster: hanna leads; FH-04/05/06/13 are hers.
	noLeadRoles := append(append([]crisis.Payload(nil), roles[1:]...), crisis.RoleAssigned{Role: crisis.RoleLead, Person: "hanna"})
	noLeadTasks := tasks(t0, map[string]crisis.PersonID{"FH-04": "hanna", "FH-05": "hanna", "FH-06": "hanna", "FH-13": "hanna"})

	// Nobody in the roster holds reporter: FH-10 keeps its role, no owner.
	noReporterTasks := tasks(t0, map[string]crisis.PersonID{"FH-10": ""})
	noReporterRoles := append(append([]crisis.Payload(nil), roles[:6]...), roles[7:]...)

	withAware := start
	withAware.Aware = &crisis.Instant{At: t0.Add(time.Minute)}
	withAwareOpened := opened
	withAwareOpened.Aware = &crisis.Instant{At: t0.Add(time.Minute)}

	longTitle := strings.Repeat("ü", crisis.MaxTitle)
	longStart := start
	longStart.Title = "  " + longTitle + "  "
	longOpened := opened
	longOpened.Title = longTitle

	with := func(s crisis.Start, f func(*crisis.Start)) crisis.Start { f(&s); return s }
	skewOpened := opened
	skewOpened.Detected = crisis.Instant{At: t0.Add(crisis.Skew)}

	tests := []struct {
		name   string
		st     crisis.State
		roster crisis.Roster
		actor  crisis.PersonID
		cmd    crisis.Start
		want   []crisis.Payload
		err    *crisis.Error
	}{
		// Ensures the defaults: first roster holder per role, the rest
		// invited, 13 checklist tasks owned by role and due detected+Within.
		{name: "roster defaults", roster: testRoster(), actor: "hanna", cmd: start,
			want: cat([]crisis.Payload{opened}, roles, invited, checklist)},
		// Ensures dues fall back to now+Within when detected+Within has passed.
		{name: "detected earlier", roster: testRoster(), actor: "hanna", cmd: earlyStart,
			want: cat([]crisis.Payload{earlyOpened}, roles, invited, earlyTasks)},
		// Ensures the actor leads when the roster names no lead.
		{name: "actor leads without roster lead", roster: without(testRoster(), "lena"), actor: "hanna", cmd: start,
			want: cat([]crisis.Payload{opened}, noLeadRoles, invited, noLeadTasks)},
		// Ensures a role nobody holds leaves its checklist items without owner.
		{name: "role without holder", roster: without(testRoster(), "rene"), actor: "hanna", cmd: start,
			want: cat([]crisis.Payload{opened}, noReporterRoles, invited, noReporterTasks)},
		// Ensures the lead opening the incident is not invited to it.
		{name: "lead opens", roster: testRoster(), actor: "lena", cmd: start,
			want: cat([]crisis.Payload{opened}, roles, []crisis.Payload{crisis.Invited{People: []crisis.PersonID{"ida", "hanna", "otto"}}},
				tasks(t0, map[string]crisis.PersonID{"FH-01": "lena"}))},
		// Ensures an awareness instant given on start is kept.
		{name: "aware on start", roster: testRoster(), actor: "hanna", cmd: withAware,
			want: cat([]crisis.Payload{withAwareOpened}, roles, invited, checklist)},
		// Ensures the title is trimmed and 200 runes are accepted.
		{name: "title of 200 runes", roster: testRoster(), actor: "hanna", cmd: longStart,
			want: cat([]crisis.Payload{longOpened}, roles, invited, checklist)},
		// Ensures --detected may lie up to Skew ahead (clock skew).
		{name: "detected within skew", roster: testRoster(), actor: "hanna",
			cmd:  with(start, func(s *crisis.Start) { s.Detected = &crisis.Instant{At: t0.Add(crisis.Skew)} }),
			want: cat([]crisis.Payload{skewOpened}, roles, invited, tasks(t0.Add(crisis.Skew), nil))},
		// Ensures --detected beyond the skew is rejected (3.1).
		{name: "future detected", roster: testRoster(), actor: "hanna",
			cmd: with(start, func(s *crisis.Start) {
				s.Detected = &crisis.Instant{At: t0.Add(crisis.Skew + time.Second), Input: "17:42:01"}
			}),
			err: failure(crisis.CodeFutureInstant, "input", "17:42:01")},
		// Ensures --aware beyond the skew is rejected (3.1).
		{name: "future aware", roster: testRoster(), actor: "hanna",
			cmd: with(start, func(s *crisis.Start) { s.Aware = &crisis.Instant{At: t0.Add(time.Hour), Input: "18:40"} }),
			err: failure(crisis.CodeFutureInstant, "input", "18:40")},
		// Ensures an empty title is rejected.
		{name: "empty title", roster: testRoster(), actor: "hanna",
			cmd: with(start, func(s *crisis.Start) { s.Title = " \t " }), err: failure(crisis.CodeEmptyText)},
		// Ensures a title longer than MaxTitle runes is rejected.
		{name: "title too long", roster: testRoster(), actor: "hanna",
			cmd: with(start, func(s *crisis.Start) { s.Title = longTitle + "x" }), err: failure(crisis.CodeTooLong, "max", "200")},
		// Ensures start on an existing incident is refused.
		{name: "incident exists", st: started(t).state(), roster: testRoster(), actor: "hanna", cmd: start,
			err: failure(crisis.CodeIncidentExists, "incident", string(incident))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := crisis.Env{Roster: tt.roster, Policy: crisis.DefaultPolicy()}
			checkDecide(t, tt.st, env, tt.actor, tt.cmd, t0, tt.want, tt.err)
		})
	}
}

func TestDecide(t *testing.T) {
	bz := busy(t)
	st := bz.state()
	now := t0.Add(10 * time.Minute)

	resolvedH := bz.fork()
	resolvedH.do(t0.Add(time.Hour), "lena", crisis.Resolve{Summary: "restored"})
	resolvedH.do(t0.Add(time.Hour), "lena", crisis.Submit{Obligation: "gdpr.breach_register", At: crisis.Instant{At: t0.Add(time.Hour)}})
	resolved := resolvedH.state()

	reassignedH := bz.fork()
	reassignedH.do(now, "lena", crisis.AssignRole{Role: crisis.RoleIT, Person: "otto"})
	reassigned := reassignedH.state()

	noLeadH := newHistory(t, testEnv())
	noLeadH.add(t0, "", crisis.Opened{Title: "Outage", Detected: crisis.Instant{At: t0}, Room: console})
	noLead := noLeadH.state()

	// SC-01: awareness stated on Saturday 09:00 CET.
	sat0800 := ts("2026-01-17T08:00:00Z")
	awareH := bz.fork()
	awareH.do(sat0800.Add(10*time.Minute), "lena", crisis.Aware{At: crisis.Instant{At: sat0800}, Reason: "IT provider confirmed encryption"})
	aware := awareH.state()
	satNow := sat0800.Add(time.Hour)

	withNina := testEnv()
	withNina.Roster.People = append(withNina.Roster.People, crisis.Person{ID: "nina"})

	long := strings.Repeat("ä", crisis.MaxText)

	tests := []struct {
		name  string
		st    crisis.State
		env   *crisis.Env // nil: testEnv()
		actor crisis.PersonID
		cmd   crisis.Command
		now   time.Time // zero: now
		want  []crisis.Payload
		err   *crisis.Error
	}{
		// --- role
		// Ensures the lead hands a role on and the previous holder is recorded.
		{name: "role by lead", st: st, actor: "lena", cmd: crisis.AssignRole{Role: crisis.RoleScribe, Person: "otto"},
			want: []crisis.Payload{crisis.RoleAssigned{Role: crisis.RoleScribe, Person: "otto", Previous: "sven"}}},
		// Ensures management may assign roles as well.
		{name: "role by mgmt", st: st, actor: "mia", cmd: crisis.AssignRole{Role: crisis.RoleComms, Person: "otto"},
			want: []crisis.Payload{crisis.RoleAssigned{Role: crisis.RoleComms, Person: "otto", Previous: "kai"}}},
		// Ensures nobody else may assign roles while there is a lead.
		{name: "role not permitted", st: st, actor: "kai", cmd: crisis.AssignRole{Role: crisis.RoleScribe, Person: "otto"},
			err: failure(crisis.CodeNotPermitted, "need", "lead,mgmt")},
		// Ensures anyone may assign roles while no lead exists.
		{name: "role without lead", st: noLead, actor: "otto", cmd: crisis.AssignRole{Role: crisis.RoleLead, Person: "otto"},
			want: []crisis.Payload{crisis.RoleAssigned{Role: crisis.RoleLead, Person: "otto"}}},
		// Ensures only roster people get roles.
		{name: "role unknown person", st: st, actor: "lena", cmd: crisis.AssignRole{Role: crisis.RoleScribe, Person: "zed"},
			err: failure(crisis.CodeUnknownPerson, "person", "zed")},
		// Ensures assigning a role to its holder changes nothing.
		{name: "role already held", st: st, actor: "lena", cmd: crisis.AssignRole{Role: crisis.RoleIT, Person: "ivo"},
			err: failure(crisis.CodeAlreadyHolds, "person", "ivo", "role", "it")},
		// Ensures a role outside 4.1 is refused by the domain, not stored.
		{name: "role unknown role", st: st, actor: "lena", cmd: crisis.AssignRole{Role: "ceo", Person: "otto"},
			err: failure(crisis.CodeUnknownRole, "role", "ceo")},

		// --- invite
		// Ensures only new people are invited, each once.
		{name: "invite new", st: st, env: &withNina, actor: "lena", cmd: crisis.Invite{People: []crisis.PersonID{"nina", "nina", "otto"}},
			want: []crisis.Payload{crisis.Invited{People: []crisis.PersonID{"nina"}}}},
		// Ensures inviting members only is refused (start already invited the roster).
		{name: "invite nothing new", st: st, actor: "lena", cmd: crisis.Invite{People: []crisis.PersonID{"otto", "ida"}},
			err: failure(crisis.CodeNothingChanged)},
		// Ensures unknown people are refused.
		{name: "invite unknown", st: st, actor: "lena", cmd: crisis.Invite{People: []crisis.PersonID{"otto", "zed"}},
			err: failure(crisis.CodeUnknownPerson, "person", "zed")},

		// --- page
		// Ensures a page calls the incident holder, then the roster defaults, each once.
		{name: "page", st: st, actor: "lena", cmd: crisis.Page{Role: crisis.RoleIT},
			want: []crisis.Payload{crisis.Paged{Role: crisis.RoleIT, People: []crisis.PersonID{"ivo", "ida"}}}},
		// Ensures the incident's holder comes first after a reassignment.
		{name: "page reassigned", st: reassigned, actor: "lena", cmd: crisis.Page{Role: crisis.RoleIT},
			want: []crisis.Payload{crisis.Paged{Role: crisis.RoleIT, People: []crisis.PersonID{"otto", "ivo", "ida"}}}},
		// Ensures a role outside 4.1 is refused rather than reported as unheld.
		{name: "page unknown role", st: st, actor: "lena", cmd: crisis.Page{Role: "ceo"},
			err: failure(crisis.CodeUnknownRole, "role", "ceo")},
		// Ensures a role nobody holds cannot be paged.
		{name: "page no holder", st: st, actor: "lena", cmd: crisis.Page{Role: crisis.RoleExternal},
			err: failure(crisis.CodeNoHolder, "role", "external")},

		// --- room
		// Ensures a room on a second platform is recorded.
		{name: "room added", st: st, actor: "lena", cmd: crisis.AddRoom{Room: mattermost},
			want: []crisis.Payload{crisis.RoomAdded{Room: mattermost}}},
		// Ensures a second room on the same platform is fine.
		{name: "room same platform", st: st, actor: "lena", cmd: crisis.AddRoom{Room: crisis.Room{Platform: "console", ID: "c2"}},
			want: []crisis.Payload{crisis.RoomAdded{Room: crisis.Room{Platform: "console", ID: "c2"}}}},
		// Ensures the same room is not added twice.
		{name: "room exists", st: st, actor: "lena", cmd: crisis.AddRoom{Room: crisis.Room{Platform: "console", ID: "c1", Name: "other"}},
			err: failure(crisis.CodeRoomExists, "platform", "console")},

		// --- log and decision
		// Ensures a log entry is recorded verbatim.
		{name: "log", st: st, actor: "sven", cmd: crisis.Log{Text: "Shares isolated"},
			want: []crisis.Payload{crisis.Logged{Text: "Shares isolated"}}},
		// Ensures an empty entry is refused.
		{name: "log empty", st: st, actor: "sven", cmd: crisis.Log{Text: ""}, err: failure(crisis.CodeEmptyText)},
		// Ensures a blank entry is refused.
		{name: "log blank", st: st, actor: "sven", cmd: crisis.Log{Text: " \n\t"}, err: failure(crisis.CodeEmptyText)},
		// Ensures MaxText runes (not bytes) are accepted.
		{name: "log 4000 runes", st: st, actor: "sven", cmd: crisis.Log{Text: long},
			want: []crisis.Payload{crisis.Logged{Text: long}}},
		// Ensures MaxText+1 runes are refused.
		{name: "log 4001 runes", st: st, actor: "sven", cmd: crisis.Log{Text: long + "a"},
			err: failure(crisis.CodeTooLong, "max", "4000")},
		// Ensures a decision is recorded verbatim.
		{name: "decision", st: st, actor: "lena", cmd: crisis.Decision{Text: "Pay no ransom"},
			want: []crisis.Payload{crisis.Decided{Text: "Pay no ransom"}}},
		// Ensures an empty decision is refused.
		{name: "decision empty", st: st, actor: "lena", cmd: crisis.Decision{Text: "  "}, err: failure(crisis.CodeEmptyText)},
		// Ensures a decision of MaxText runes is accepted.
		{name: "decision 4000 runes", st: st, actor: "lena", cmd: crisis.Decision{Text: long},
			want: []crisis.Payload{crisis.Decided{Text: long}}},
		// Ensures a decision of MaxText+1 runes is refused.
		{name: "decision 4001 runes", st: st, actor: "lena", cmd: crisis.Decision{Text: long + "a"},
			err: failure(crisis.CodeTooLong, "max", "4000")},

		// --- task
		// Ensures the owner defaults to the actor and tasks are numbered on.
		{name: "task own", st: st, actor: "kai", cmd: crisis.CreateTask{Text: "Draft staff notice", Due: &crisis.Instant{At: now.Add(2 * time.Hour)}},
			want: []crisis.Payload{crisis.TaskCreated{Task: 15, Text: "Draft staff notice", Owner: "kai", Due: &crisis.Instant{At: now.Add(2 * time.Hour)}}}},
		// Ensures an explicit owner is kept and a task may have no due.
		{name: "task for other", st: st, actor: "lena", cmd: crisis.CreateTask{Text: "Brief hotline", Owner: "sina"},
			want: []crisis.Payload{crisis.TaskCreated{Task: 15, Text: "Brief hotline", Owner: "sina"}}},
		// Ensures only roster people own tasks.
		{name: "task unknown owner", st: st, actor: "lena", cmd: crisis.CreateTask{Text: "x", Owner: "zed"},
			err: failure(crisis.CodeUnknownPerson, "person", "zed")},
		// Ensures a due in the past is refused.
		{name: "task due in past", st: st, actor: "lena", cmd: crisis.CreateTask{Text: "x", Due: &crisis.Instant{At: now.Add(-time.Minute), Input: "17:49"}},
			err: failure(crisis.CodeDueInPast, "input", "17:49")},
		// Ensures a due of exactly now is refused too.
		{name: "task due now", st: st, actor: "lena", cmd: crisis.CreateTask{Text: "x", Due: &crisis.Instant{At: now, Input: "17:50"}},
			err: failure(crisis.CodeDueInPast, "input", "17:50")},
		// Ensures a task needs a text.
		{name: "task empty", st: st, actor: "lena", cmd: crisis.CreateTask{Text: " "}, err: failure(crisis.CodeEmptyText)},

		// --- done
		// Ensures a task is found by number.
		{name: "done number", st: st, actor: "ivo", cmd: crisis.Done{Ref: "5"}, want: []crisis.Payload{crisis.TaskDone{Task: 5}}},
		// Ensures a task is found by #number.
		{name: "done hash number", st: st, actor: "ivo", cmd: crisis.Done{Ref: "#14"}, want: []crisis.Payload{crisis.TaskDone{Task: 14}}},
		// Ensures a checklist ID matches case-insensitively and trimmed.
		{name: "done checklist lower", st: st, actor: "lena", cmd: crisis.Done{Ref: " fh-04 "}, want: []crisis.Payload{crisis.TaskDone{Task: 4}}},
		// Ensures a checklist ID matches as written.
		{name: "done checklist", st: st, actor: "lena", cmd: crisis.Done{Ref: "FH-13"}, want: []crisis.Payload{crisis.TaskDone{Task: 13}}},
		// Ensures a custom deadline is found by name, case-insensitively.
		{name: "done deadline", st: st, actor: "lara", cmd: crisis.Done{Ref: "INSURER"}, want: []crisis.Payload{crisis.DeadlineMet{Deadline: 1}}},
		// Ensures a done task cannot be done again.
		{name: "done twice", st: st, actor: "ivo", cmd: crisis.Done{Ref: "3"}, err: failure(crisis.CodeAlreadyDone, "ref", "3")},
		// Ensures a done task cannot be done again by checklist ID.
		{name: "done twice checklist", st: st, actor: "ivo", cmd: crisis.Done{Ref: "fh-03"}, err: failure(crisis.CodeAlreadyDone, "ref", "fh-03")},
		// Ensures a met deadline cannot be met again.
		{name: "deadline met twice", st: st, actor: "lara", cmd: crisis.Done{Ref: "Police"}, err: failure(crisis.CodeAlreadyDone, "ref", "Police")},
		// Ensures an unknown task number is reported as such.
		{name: "done unknown number", st: st, actor: "ivo", cmd: crisis.Done{Ref: "99"}, err: failure(crisis.CodeUnknownTask, "ref", "99")},
		// Ensures task numbers start at 1.
		{name: "done number zero", st: st, actor: "ivo", cmd: crisis.Done{Ref: "#0"}, err: failure(crisis.CodeUnknownTask, "ref", "#0")},
		// Ensures an unknown name is reported as an unknown target.
		{name: "done unknown name", st: st, actor: "ivo", cmd: crisis.Done{Ref: "nonsense"}, err: failure(crisis.CodeUnknownTarget, "ref", "nonsense")},

		// --- deadline
		// Ensures a custom deadline is numbered on and stored as given.
		{name: "deadline", st: st, actor: "lena", cmd: crisis.SetDeadline{Name: "Insurer notice", Due: crisis.Instant{At: now.Add(24 * time.Hour), Input: "+24h"}, Owner: "lara"},
			want: []crisis.Payload{crisis.DeadlineSet{Deadline: 3, Name: "Insurer notice", Due: crisis.Instant{At: now.Add(24 * time.Hour), Input: "+24h"}, Owner: "lara"}}},
		// Ensures two open deadlines cannot share a name (case-insensitively).
		{name: "deadline duplicate open", st: st, actor: "lena", cmd: crisis.SetDeadline{Name: "INSURER", Due: crisis.Instant{At: now.Add(time.Hour)}, Owner: "lara"},
			err: failure(crisis.CodeNothingChanged, "name", "INSURER")},
		// Ensures the name of a met deadline may be used again.
		{name: "deadline name of met", st: st, actor: "lena", cmd: crisis.SetDeadline{Name: "Police", Due: crisis.Instant{At: now.Add(time.Hour)}, Owner: "lara"},
			want: []crisis.Payload{crisis.DeadlineSet{Deadline: 3, Name: "Police", Due: crisis.Instant{At: now.Add(time.Hour)}, Owner: "lara"}}},
		// Ensures the owner must be a roster person.
		{name: "deadline unknown owner", st: st, actor: "lena", cmd: crisis.SetDeadline{Name: "x", Due: crisis.Instant{At: now.Add(time.Hour)}, Owner: "zed"},
			err: failure(crisis.CodeUnknownPerson, "person", "zed")},
		// Ensures a due in the past is refused.
		{name: "deadline in past", st: st, actor: "lena", cmd: crisis.SetDeadline{Name: "x", Due: crisis.Instant{At: now, Input: "17:50"}, Owner: "lara"},
			err: failure(crisis.CodeDueInPast, "input", "17:50")},
		// Ensures a deadline needs a name.
		{name: "deadline empty name", st: st, actor: "lena", cmd: crisis.SetDeadline{Name: "", Due: crisis.Instant{At: now.Add(time.Hour)}, Owner: "lara"},
			err: failure(crisis.CodeEmptyText)},

		// --- aware (3.2, 3.7)
		// Ensures the lead states awareness; the first statement has no Previous.
		{name: "aware by lead", st: st, actor: "lena", cmd: crisis.Aware{At: crisis.Instant{At: t0.Add(5 * time.Minute)}},
			want: []crisis.Payload{crisis.AwareSet{Aware: crisis.Instant{At: t0.Add(5 * time.Minute)}}}},
		// Ensures legal may state awareness.
		{name: "aware by legal", st: st, actor: "lara", cmd: crisis.Aware{At: crisis.Instant{At: t0}},
			want: []crisis.Payload{crisis.AwareSet{Aware: crisis.Instant{At: t0}}}},
		// Ensures nobody else may state awareness.
		{name: "aware not permitted", st: st, actor: "kai", cmd: crisis.Aware{At: crisis.Instant{At: t0}},
			err: failure(crisis.CodeNotPermitted, "need", "lead,legal")},
		// Ensures awareness up to Skew ahead is accepted.
		{name: "aware within skew", st: st, actor: "lena", cmd: crisis.Aware{At: crisis.Instant{At: now.Add(crisis.Skew)}},
			want: []crisis.Payload{crisis.AwareSet{Aware: crisis.Instant{At: now.Add(crisis.Skew)}}}},
		// Ensures awareness in the future is refused (3.1).
		{name: "aware future", st: st, actor: "lena", cmd: crisis.Aware{At: crisis.Instant{At: now.Add(crisis.Skew + time.Second), Input: "17:52:01"}},
			err: failure(crisis.CodeFutureInstant, "input", "17:52:01")},
		// Ensures SC-01 E2: a gap of 15 h 20 min after detection sets the warning.
		{name: "aware SC-01 gap", st: st, actor: "lena", now: sat0800.Add(10 * time.Minute),
			cmd:  crisis.Aware{At: crisis.Instant{At: sat0800, Input: "2026-01-17 09:00", Zone: "Europe/Berlin"}, Reason: "IT provider confirmed encryption"},
			want: []crisis.Payload{crisis.AwareSet{Aware: crisis.Instant{At: sat0800, Input: "2026-01-17 09:00", Zone: "Europe/Berlin"}, Reason: "IT provider confirmed encryption", GapWarning: true}}},
		// Ensures a gap of exactly MaxAssessmentGap does not warn.
		{name: "aware gap at limit", st: st, actor: "lena", now: t0.Add(5 * time.Hour), cmd: crisis.Aware{At: crisis.Instant{At: t0.Add(crisis.MaxAssessmentGap)}},
			want: []crisis.Payload{crisis.AwareSet{Aware: crisis.Instant{At: t0.Add(crisis.MaxAssessmentGap)}}}},
		// Ensures one second beyond MaxAssessmentGap warns.
		{name: "aware gap beyond limit", st: st, actor: "lena", now: t0.Add(5 * time.Hour), cmd: crisis.Aware{At: crisis.Instant{At: t0.Add(crisis.MaxAssessmentGap + time.Second)}},
			want: []crisis.Payload{crisis.AwareSet{Aware: crisis.Instant{At: t0.Add(crisis.MaxAssessmentGap + time.Second)}, GapWarning: true}}},
		// Ensures restating the same instant changes nothing.
		{name: "aware same", st: aware, actor: "lena", now: satNow, cmd: crisis.Aware{At: crisis.Instant{At: sat0800}},
			err: failure(crisis.CodeNothingChanged)},
		// Ensures an earlier correction takes effect at once, without reason, recording Previous (3.7).
		{name: "aware earlier", st: aware, actor: "lena", now: satNow, cmd: crisis.Aware{At: crisis.Instant{At: t0.Add(time.Hour)}},
			want: []crisis.Payload{crisis.AwareSet{Aware: crisis.Instant{At: t0.Add(time.Hour)}, Previous: ptr(sat0800)}}},
		// Ensures legal may correct earlier as well.
		{name: "aware earlier by legal", st: aware, actor: "lara", now: satNow, cmd: crisis.Aware{At: crisis.Instant{At: t0.Add(time.Hour)}},
			want: []crisis.Payload{crisis.AwareSet{Aware: crisis.Instant{At: t0.Add(time.Hour)}, Previous: ptr(sat0800)}}},
		// Ensures a later correction without reason is refused (3.7).
		{name: "aware later without reason", st: aware, actor: "lena", now: satNow, cmd: crisis.Aware{At: crisis.Instant{At: sat0800.Add(time.Hour)}, Reason: "  "},
			err: failure(crisis.CodeNeedsReason)},
		// Ensures a later correction with reason is recorded with Previous and the gap warning, pending the second approver (3.7).
		{name: "aware later with reason", st: aware, actor: "lena", now: satNow, cmd: crisis.Aware{At: crisis.Instant{At: sat0800.Add(time.Hour)}, Reason: "provider report"},
			want: []crisis.Payload{crisis.AwareSet{Aware: crisis.Instant{At: sat0800.Add(time.Hour)}, Previous: ptr(sat0800), Reason: "provider report", GapWarning: true, Pending: true}}},
		// Ensures a correction by someone else is refused.
		{name: "aware correction not permitted", st: aware, actor: "kai", now: satNow, cmd: crisis.Aware{At: crisis.Instant{At: t0}},
			err: failure(crisis.CodeNotPermitted, "need", "lead,legal")},

		// --- detected (3.7)
		// Ensures an earlier detection instant is recorded with Previous and reason.
		{name: "detected earlier", st: st, actor: "lena", cmd: crisis.Detected{At: crisis.Instant{At: t0.Add(-time.Hour)}, Reason: "SOC alert"},
			want: []crisis.Payload{crisis.DetectedSet{Detected: crisis.Instant{At: t0.Add(-time.Hour)}, Previous: t0, Reason: "SOC alert"}}},
		// Ensures a future detection instant is refused (3.1).
		{name: "detected future", st: st, actor: "lena", cmd: crisis.Detected{At: crisis.Instant{At: now.Add(time.Hour), Input: "18:50"}},
			err: failure(crisis.CodeFutureInstant, "input", "18:50")},
		// Ensures restating the same instant changes nothing.
		{name: "detected same", st: st, actor: "lena", cmd: crisis.Detected{At: crisis.Instant{At: t0}},
			err: failure(crisis.CodeNothingChanged)},
		// Ensures only lead or legal correct the detection anchor, as for aware (3.7).
		{name: "detected not permitted", st: st, actor: "otto", cmd: crisis.Detected{At: crisis.Instant{At: t0.Add(-time.Hour)}, Reason: "x"},
			err: failure(crisis.CodeNotPermitted, "need", "lead,legal")},
		// Ensures a later detection anchor needs a reason, as for aware (3.7).
		{name: "detected later without reason", st: st, actor: "lena", cmd: crisis.Detected{At: crisis.Instant{At: t0.Add(5 * time.Minute)}},
			err: failure(crisis.CodeNotPermitted, "need", "reason")},
		// Ensures a later detection anchor with reason is recorded.
		{name: "detected later with reason", st: st, actor: "lena", cmd: crisis.Detected{At: crisis.Instant{At: t0.Add(5 * time.Minute)}, Reason: "report was misdated"},
			want: []crisis.Payload{crisis.DetectedSet{Detected: crisis.Instant{At: t0.Add(5 * time.Minute)}, Previous: t0, Reason: "report was misdated"}}},

		// --- snooze
		// Ensures a task's reminders are postponed to now+For.
		{name: "snooze task", st: st, actor: "lara", cmd: crisis.Snooze{Ref: "14", For: 30 * time.Minute},
			want: []crisis.Payload{crisis.Snoozed{Target: crisis.Target{Kind: crisis.TargetTask, ID: 14}, Until: now.Add(30 * time.Minute)}}},
		// Ensures a deadline is snoozed by name, up to MaxSnooze.
		{name: "snooze deadline max", st: st, actor: "lara", cmd: crisis.Snooze{Ref: "insurer", For: crisis.MaxSnooze},
			want: []crisis.Payload{crisis.Snoozed{Target: crisis.Target{Kind: crisis.TargetDeadline, ID: 1}, Until: now.Add(crisis.MaxSnooze)}}},
		// Ensures a snooze beyond MaxSnooze is refused.
		{name: "snooze too long", st: st, actor: "lara", cmd: crisis.Snooze{Ref: "14", For: crisis.MaxSnooze + time.Nanosecond},
			err: failure(crisis.CodeSnoozeTooLong, "max", "24h")},
		// Ensures a zero snooze is refused.
		{name: "snooze zero", st: st, actor: "lara", cmd: crisis.Snooze{Ref: "14"},
			err: failure(crisis.CodeSnoozeTooLong, "max", "24h")},
		// Ensures an unknown ref is refused.
		{name: "snooze unknown", st: st, actor: "lara", cmd: crisis.Snooze{Ref: "nonsense", For: time.Hour},
			err: failure(crisis.CodeUnknownTarget, "ref", "nonsense")},

		// --- fire reminder
		// Ensures nothing fires before the first ladder step.
		{name: "fire early", st: st, cmd: crisis.FireReminder{Target: crisis.Target{Kind: crisis.TargetTask, ID: 14}},
			err: failure(crisis.CodeNoReminder, "target", "task:14")},
		// Ensures the -1h step fires to the owner only.
		{name: "fire", st: st, now: t0.Add(2 * time.Hour), cmd: crisis.FireReminder{Target: crisis.Target{Kind: crisis.TargetTask, ID: 14}},
			want: []crisis.Payload{crisis.ReminderSent{Target: crisis.Target{Kind: crisis.TargetTask, ID: 14}, Label: "Call insurer",
				Due: t0.Add(3 * time.Hour), Step: -time.Hour, Recipients: []crisis.PersonID{"lara"}}}},

		// --- resolve and close
		// Ensures the lead resolves.
		{name: "resolve by lead", st: st, actor: "lena", cmd: crisis.Resolve{Summary: "restored"},
			want: []crisis.Payload{crisis.Resolved{Summary: "restored"}}},
		// Ensures management resolves.
		{name: "resolve by mgmt", st: st, actor: "mia", cmd: crisis.Resolve{},
			want: []crisis.Payload{crisis.Resolved{}}},
		// Ensures nobody else resolves.
		{name: "resolve not permitted", st: st, actor: "kai", cmd: crisis.Resolve{},
			err: failure(crisis.CodeNotPermitted, "need", "lead,mgmt")},
		// Ensures an incident is resolved once.
		{name: "resolve twice", st: resolved, actor: "lena", cmd: crisis.Resolve{}, now: t0.Add(2 * time.Hour),
			err: failure(crisis.CodeIncidentResolved)},
		// Ensures close needs resolve first.
		{name: "close before resolve", st: st, actor: "lena", cmd: crisis.Close{},
			err: failure(crisis.CodeNotResolved)},
		// Ensures nobody but lead or mgmt closes.
		{name: "close not permitted", st: resolved, actor: "kai", cmd: crisis.Close{}, now: t0.Add(2 * time.Hour),
			err: failure(crisis.CodeNotPermitted, "need", "lead,mgmt")},
		// Ensures management closes a resolved incident.
		{name: "close by mgmt", st: resolved, actor: "mia", cmd: crisis.Close{Summary: "lessons learned"}, now: t0.Add(2 * time.Hour),
			want: []crisis.Payload{crisis.Closed{Summary: "lessons learned"}}},
		// Ensures work goes on after resolve (follow-up).
		{name: "log after resolve", st: resolved, actor: "sven", cmd: crisis.Log{Text: "follow-up"}, now: t0.Add(2 * time.Hour),
			want: []crisis.Payload{crisis.Logged{Text: "follow-up"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := testEnv()
			if tt.env != nil {
				env = *tt.env
			}
			n := tt.now
			if n.IsZero() {
				n = now
			}
			checkDecide(t, tt.st, env, tt.actor, tt.cmd, n, tt.want, tt.err)
		})
	}
}

// everyCommand lists one valid-looking command of each type but Start.
func everyCommand() []crisis.Command {
	return []crisis.Command{
		crisis.AssignRole{Role: crisis.RoleScribe, Person: "otto"},
		crisis.Invite{People: []crisis.PersonID{"otto"}},
		crisis.Page{Role: crisis.RoleIT},
		crisis.AddRoom{Room: mattermost},
		crisis.Log{Text: "x"},
		crisis.Decision{Text: "x"},
		crisis.CreateTask{Text: "x"},
		crisis.Done{Ref: "1"},
		crisis.SetDeadline{Name: "x", Due: crisis.Instant{At: t0.Add(100 * time.Hour)}, Owner: "lara"},
		crisis.Aware{At: crisis.Instant{At: t0}},
		crisis.Detected{At: crisis.Instant{At: t0.Add(-time.Hour)}, Reason: "x"},
		crisis.Snooze{Ref: "1", For: time.Hour},
		crisis.FireReminder{Target: crisis.Target{Kind: crisis.TargetTask, ID: 1}},
		crisis.Resolve{},
		crisis.Close{},
	}
}

func TestDecideClosed(t *testing.T) {
	h := busy(t)
	h.do(t0.Add(time.Hour), "lena", crisis.Resolve{})
	h.do(t0.Add(time.Hour), "lena", crisis.Submit{Obligation: "gdpr.breach_register", At: crisis.Instant{At: t0.Add(time.Hour)}})
	h.do(t0.Add(2*time.Hour), "lena", crisis.Close{})
	st := h.state()
	now := t0.Add(3 * time.Hour)
	for _, c := range everyCommand() {
		want := failure(crisis.CodeIncidentClosed, "incident", string(incident))
		if fr, ok := c.(crisis.FireReminder); ok {
			// The scheduler's stale entries are answered like any target
			// without reminder, so it resyncs instead of retrying.
			want = failure(crisis.CodeNoReminder, "target", fr.Target.String())
		}
		// Ensures a closed incident refuses every command.
		t.Run(typeName(c), func(t *testing.T) {
			checkDecide(t, st, testEnv(), "lena", c, now, nil, want)
		})
	}
	// Ensures start on a closed incident reports that it exists.
	t.Run("Start", func(t *testing.T) {
		checkDecide(t, st, testEnv(), "lena", crisis.Start{Title: "again", Room: console}, now, nil,
			failure(crisis.CodeIncidentExists, "incident", string(incident)))
	})
}

func TestDecideNoIncident(t *testing.T) {
	for _, c := range everyCommand() {
		// Ensures every command but start needs an incident.
		t.Run(typeName(c), func(t *testing.T) {
			checkDecide(t, crisis.State{}, testEnv(), "lena", c, t0, nil, failure(crisis.CodeNoIncident))
		})
	}
}

// TestDecideStoresUTC ensures instants entered in another zone are stored in
// UTC with the input and zone kept for the audit trail (3.1).
func TestDecideStoresUTC(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	local := func(d time.Duration) crisis.Instant {
		return crisis.Instant{At: t0.Add(d).In(cet), Input: "local", Zone: "Europe/Berlin"}
	}
	h := newHistory(t, testEnv())
	det := local(-time.Hour)
	aw := local(-30 * time.Minute)
	evs := h.do(t0, "lena", crisis.Start{Title: "x", Detected: &det, Aware: &aw, Room: console})
	later := t0.Add(time.Minute)
	evs = append(evs, h.do(later, "lena", crisis.CreateTask{Text: "x", Due: ptr(local(time.Hour))})...)
	evs = append(evs, h.do(later, "lena", crisis.SetDeadline{Name: "x", Due: local(time.Hour), Owner: "lara"})...)
	evs = append(evs, h.do(later, "lena", crisis.Aware{At: local(-45 * time.Minute)})...)
	evs = append(evs, h.do(later, "lena", crisis.Detected{At: local(-2 * time.Hour)})...)

	var got []crisis.Instant
	for _, e := range evs {
		if e.At.Location() != time.UTC {
			t.Errorf("event %d (%s) At in %v, want UTC", e.Seq, e.Kind(), e.At.Location())
		}
		switch d := e.Data.(type) {
		case crisis.Opened:
			got = append(got, d.Detected, *d.Aware)
		case crisis.TaskCreated:
			if d.Checklist == "" {
				got = append(got, *d.Due)
			}
		case crisis.DeadlineSet:
			got = append(got, d.Due)
		case crisis.AwareSet:
			got = append(got, d.Aware)
		case crisis.DetectedSet:
			got = append(got, d.Detected)
		}
	}
	want := []crisis.Instant{local(-time.Hour), local(-30 * time.Minute), local(time.Hour), local(time.Hour), local(-45 * time.Minute), local(-2 * time.Hour)}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("instants (-got +want):\n%s", diff)
	}
	for i, in := range got {
		if in.At.Location() != time.UTC {
			t.Errorf("instant %d (%s) in %v, want UTC", i, in.At, in.At.Location())
		}
	}
}

func typeName(c crisis.Command) string {
	return strings.TrimPrefix(fmt.Sprintf("%T", c), "crisis.")
}
