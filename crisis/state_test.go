package crisis_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/krisenstab/krisenstab/crisis"
)

// fullLog is an open, resolved incident whose log holds every event kind
// but closed: two rooms, a role change, an invitation, a page, tasks done
// and open, a met and an open deadline, aware and detected statements, a
// snooze and a sent reminder.
func fullLog(tb testing.TB) *history {
	tb.Helper()
	h := started(tb)
	h.env.Roster.People = append(h.env.Roster.People, crisis.Person{ID: "nina"})
	m := func(d int) time.Time { return t0.Add(time.Duration(d) * time.Minute) }
	h.do(m(1), "lena", crisis.AddRoom{Room: mattermost})
	h.do(m(2), "lena", crisis.AssignRole{Role: crisis.RoleScribe, Person: "otto"})
	h.do(m(3), "lena", crisis.Invite{People: []crisis.PersonID{"nina"}})
	h.do(m(4), "ivo", crisis.Page{Role: crisis.RoleIT})
	h.do(m(5), "sven", crisis.Log{Text: "shares isolated"})
	h.do(m(6), "lena", crisis.Decision{Text: "pay no ransom"})
	h.do(m(7), "lena", crisis.CreateTask{Text: "Call insurer", Owner: "lara", Due: &crisis.Instant{At: m(180)}})
	h.do(m(8), "ivo", crisis.Done{Ref: "2"})
	h.do(m(9), "lena", crisis.SetDeadline{Name: "Insurer", Due: crisis.Instant{At: m(24 * 60)}, Owner: "lara"})
	h.do(m(10), "lena", crisis.SetDeadline{Name: "Police", Due: crisis.Instant{At: m(48 * 60)}, Owner: "lara"})
	h.do(m(11), "lara", crisis.Done{Ref: "police"})
	h.do(m(12), "lena", crisis.Aware{At: crisis.Instant{At: t0, Input: "17:40", Zone: "Europe/Berlin"}})
	h.do(m(13), "lena", crisis.Detected{At: crisis.Instant{At: m(-30)}, Reason: "SOC alert"})
	h.do(m(14), "lara", crisis.Snooze{Ref: "14", For: time.Hour})
	h.do(m(20), "", crisis.FireReminder{Target: crisis.Target{Kind: crisis.TargetTask, ID: 1}})
	h.do(m(120), "lena", crisis.Resolve{Summary: "restored"})
	return h
}

func TestFoldEqualsApply(t *testing.T) {
	h := fullLog(t)
	h.do(t0.Add(3*time.Hour), "lena", crisis.Submit{Obligation: "gdpr.breach_register", At: crisis.Instant{At: t0.Add(3 * time.Hour)}})
	h.do(t0.Add(3*time.Hour), "lena", crisis.Close{Summary: "done"})
	// Ensures folding a prefix equals applying its events one by one to
	// the previous state, for every prefix of the log.
	var st crisis.State
	for i, e := range h.evs {
		st.Apply(e)
		if diff := cmp.Diff(st, crisis.Fold(h.evs[:i+1])); diff != "" {
			t.Fatalf("after event %d (%s): Apply differs from Fold (-apply +fold):\n%s", e.Seq, e.Kind(), diff)
		}
	}
	// Ensures the empty log folds to the zero State.
	if diff := cmp.Diff(crisis.Fold(nil), crisis.State{}); diff != "" {
		t.Errorf("Fold(nil) (-got +want):\n%s", diff)
	}
}

func TestFold(t *testing.T) {
	h := fullLog(t)
	st := h.state()
	last := h.evs[len(h.evs)-1]
	m := func(d int) time.Time { return t0.Add(time.Duration(d) * time.Minute) }
	tests := []struct {
		name      string
		got, want any
	}{
		// Ensures the opening fields come from Opened and its event.
		{"id", st.ID, incident},
		{"title", st.Title, "Ransomware on file shares"},
		{"opened", []any{st.Opened, st.OpenedBy, st.Severity, st.Lang, st.Regimes}, []any{t0, crisis.PersonID("hanna"), "high", "de", []string{"bsig", "gdpr", "internal"}}},
		// Ensures Resolved moves the status and records the instant.
		{"status", st.Status, crisis.StatusResolved},
		{"resolved", st.Resolved, ptr(m(120))},
		{"closed", st.Closed, (*time.Time)(nil)},
		// Ensures rooms accumulate in order.
		{"rooms", st.Rooms, []crisis.Room{console, mattermost}},
		// Ensures the latest assignment of a role wins.
		{"scribe", st.Roles[crisis.RoleScribe], crisis.PersonID("otto")},
		// Ensures members are the actor, role holders, invited, in order of arrival.
		{"members", st.Members, []crisis.PersonID{"hanna", "lena", "mia", "ivo", "kai", "lara", "dora", "rene", "sven", "bea", "hugo", "sina", "ida", "otto", "nina"}},
		// Ensures a task is created with its creation instant.
		{"task 14", *st.Task(14), crisis.Task{ID: 14, Text: "Call insurer", Owner: "lara", Due: &crisis.Instant{At: m(180)}, Created: m(7)}},
		// Ensures done records when and by whom.
		{"task 2 done", []any{st.Task(2).Done, st.Task(2).DoneBy}, []any{ptr(m(8)), crisis.PersonID("ivo")}},
		{"tasks", len(st.Tasks), 14},
		// Ensures deadlines are numbered and met records the instant.
		{"deadline 2", *st.Deadline(2), crisis.Deadline{ID: 2, Name: "Police", Due: crisis.Instant{At: m(48 * 60)}, Owner: "lara", Created: m(10), Met: ptr(m(11))}},
		{"deadline 1 open", st.Deadline(1).Met, (*time.Time)(nil)},
		// Ensures anchors follow their latest statement.
		{"aware", st.Aware, &crisis.Instant{At: t0, Input: "17:40", Zone: "Europe/Berlin"}},
		{"detected", st.Detected, crisis.Instant{At: m(-30)}},
		// Ensures snoozes and sent steps are keyed by target.
		{"snoozed", st.Snoozed, map[string]time.Time{"task:14": m(74)}},
		{"sent", st.Sent, map[string]time.Duration{"task:1": 0}},
		// Ensures the state knows the head of the chain.
		{"head", []any{st.LastSeq, st.LastHash}, []any{last.Seq, last.Hash}},
		// Ensures lookups out of range are nil, not a panic.
		{"task 0", st.Task(0), (*crisis.Task)(nil)},
		{"task 99", st.Task(99), (*crisis.Task)(nil)},
		{"deadline 9", st.Deadline(9), (*crisis.Deadline)(nil)},
		// Ensures role queries.
		{"roles of lena", st.RolesOf("lena"), []crisis.Role{crisis.RoleLead}},
		{"holds", []bool{st.Holds("otto", crisis.RoleScribe), st.Holds("sven", crisis.RoleScribe), st.Holds("", crisis.RoleExternal)}, []bool{true, false, false}},
		{"has room", []bool{st.HasRoom("mattermost", "mm1"), st.HasRoom("mattermost", "c1")}, []bool{true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.got, tt.want); diff != "" {
				t.Errorf("(-got +want):\n%s", diff)
			}
		})
	}
}

func TestFoldIgnoresUnknownReferences(t *testing.T) {
	h := newHistory(t, testEnv())
	h.add(t0, "lena", crisis.Opened{Title: "x", Detected: crisis.Instant{At: t0}, Room: console})
	before := h.state()
	h.add(t0.Add(time.Minute), "lena", crisis.TaskDone{Task: 9}, crisis.DeadlineMet{Deadline: 9})
	st := h.state()
	// Ensures references to missing tasks and deadlines change nothing but
	// the head of the chain.
	before.LastSeq, before.LastHash, before.Updated = st.LastSeq, st.LastHash, st.Updated
	if diff := cmp.Diff(st, before); diff != "" {
		t.Errorf("Fold (-got +want):\n%s", diff)
	}
}

func TestClone(t *testing.T) {
	h := fullLog(t)
	orig := h.state()
	want := snapshot(t, orig)

	c := orig.Clone()
	// Ensures the clone starts equal.
	if diff := cmp.Diff(c, orig); diff != "" {
		t.Fatalf("Clone (-got +want):\n%s", diff)
	}
	// Ensures changing the clone's maps and slices leaves the original alone.
	c.Roles[crisis.RoleLead] = "otto"
	c.Roles[crisis.RoleExternal] = "nina"
	c.Members[0] = "zed"
	c.Members = append(c.Members, "zed")
	c.Rooms[0].ID = "changed"
	c.Regimes[0] = "dora"
	c.Tasks[0].Text = "changed"
	c.Tasks[0].Owner = "zed"
	c.Tasks = append(c.Tasks, crisis.Task{ID: 99})
	c.Deadlines[0].Name = "changed"
	c.Snoozed["task:14"] = t0
	c.Snoozed["task:1"] = t0
	c.Sent["task:1"] = time.Hour
	delete(c.Sent, "task:1")
	if diff := cmp.Diff(orig, want); diff != "" {
		t.Errorf("original changed through its clone (-got +want):\n%s", diff)
	}

	// Ensures applying events to a clone (as the runtime does before
	// commit) leaves the original alone.
	c = orig.Clone()
	more := h.fork()
	evs := more.add(t0.Add(3*time.Hour), "lena",
		crisis.TaskDone{Task: 14}, crisis.DeadlineMet{Deadline: 1},
		crisis.AwareSet{Aware: crisis.Instant{At: t0.Add(-time.Hour)}, Previous: ptr(t0)},
		crisis.DetectedSet{Detected: crisis.Instant{At: t0.Add(-2 * time.Hour)}, Previous: t0.Add(-30 * time.Minute)},
		crisis.RoleAssigned{Role: crisis.RoleIT, Person: "otto", Previous: "ivo"},
		crisis.RoomAdded{Room: crisis.Room{Platform: "slack", ID: "s1"}},
		crisis.Snoozed{Target: crisis.Target{Kind: crisis.TargetTask, ID: 4}, Until: t0.Add(4 * time.Hour)},
		crisis.ReminderSent{Target: crisis.Target{Kind: crisis.TargetTask, ID: 4}, Step: time.Hour},
		crisis.Closed{})
	for _, e := range evs {
		c.Apply(e)
	}
	if diff := cmp.Diff(orig, want); diff != "" {
		t.Errorf("original changed by Apply on its clone (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(c, more.state()); diff != "" {
		t.Errorf("clone after Apply differs from Fold (-got +want):\n%s", diff)
	}

	// Ensures the zero State clones to the zero State.
	if diff := cmp.Diff(crisis.State{}.Clone(), crisis.State{}); diff != "" {
		t.Errorf("zero Clone (-got +want):\n%s", diff)
	}
}

func TestStateJSONRoundTrip(t *testing.T) {
	open := fullLog(t)
	closed := open.fork()
	closed.do(t0.Add(3*time.Hour), "lena", crisis.Submit{Obligation: "gdpr.breach_register", At: crisis.Instant{At: t0.Add(3 * time.Hour)}})
	closed.do(t0.Add(3*time.Hour), "lena", crisis.Close{Summary: "done"})
	tests := []struct {
		name string
		st   crisis.State
	}{
		// Ensures a state with every field set survives a snapshot.
		{"resolved", open.state()},
		// Ensures a closed state survives a snapshot.
		{"closed", closed.state()},
		// Ensures a fresh incident survives a snapshot.
		{"started", started(t).state()},
		// Ensures the zero State survives a snapshot.
		{"zero", crisis.State{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.st)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			var got crisis.State
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if diff := cmp.Diff(got, tt.st); diff != "" {
				t.Errorf("round trip (-got +want):\n%s", diff)
			}
			// The store resumes from a snapshot: reminders and further
			// decisions must not notice the difference.
			p := crisis.DefaultPolicy()
			if diff := cmp.Diff(crisis.Reminders(got, p, time.Time{}), crisis.Reminders(tt.st, p, time.Time{})); diff != "" {
				t.Errorf("Reminders after round trip (-got +want):\n%s", diff)
			}
		})
	}
}

func TestTargetString(t *testing.T) {
	tests := []struct {
		in   string
		want crisis.Target
		ok   bool
	}{
		// Ensures both kinds parse back from String.
		{"task:3", crisis.Target{Kind: crisis.TargetTask, ID: 3}, true},
		{"deadline:12", crisis.Target{Kind: crisis.TargetDeadline, ID: 12}, true},
		// Ensures malformed keys are rejected.
		{"task", crisis.Target{}, false},
		{"task:", crisis.Target{}, false},
		{"task:x", crisis.Target{}, false},
		{"draft:1", crisis.Target{}, false},
		{"TASK:1", crisis.Target{}, false},
		{"", crisis.Target{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := crisis.ParseTarget(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseTarget(%q) error = %v, want ok = %v", tt.in, err, tt.ok)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("ParseTarget(%q) (-got +want):\n%s", tt.in, diff)
			}
			if tt.ok && got.String() != tt.in {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

// foldLog returns an incident log of n events: the opening, then tasks
// created, logged, reminded and done in turn.
func foldLog(tb testing.TB, n int) []crisis.Event {
	h := newHistory(tb, testEnv())
	h.add(t0, "lena", crisis.Opened{Title: "x", Detected: crisis.Instant{At: t0}, Room: console},
		crisis.RoleAssigned{Role: crisis.RoleLead, Person: "lena"})
	task := 0
	at := t0
	for len(h.evs) < n {
		var ps []crisis.Payload
		for len(ps) < 100 && len(h.evs)+len(ps) < n {
			switch len(ps) % 4 {
			case 0:
				task++
				ps = append(ps, crisis.TaskCreated{Task: task, Text: "task", Owner: "otto", Due: &crisis.Instant{At: at.Add(time.Hour)}})
			case 1:
				ps = append(ps, crisis.Logged{Text: "progress on the task"})
			case 2:
				ps = append(ps, crisis.ReminderSent{Target: crisis.Target{Kind: crisis.TargetTask, ID: task}, Step: -15 * time.Minute, Recipients: []crisis.PersonID{"otto"}})
			case 3:
				ps = append(ps, crisis.TaskDone{Task: task})
			}
		}
		at = at.Add(time.Minute)
		h.add(at, "lena", ps...)
	}
	return h.evs
}

func BenchmarkFold10k(b *testing.B) {
	evs := foldLog(b, 10_000)
	if got := crisis.Fold(evs).LastSeq; got != 10_000 {
		b.Fatalf("LastSeq = %d, want 10000", got)
	}
	b.ReportAllocs()
	for b.Loop() {
		crisis.Fold(evs)
	}
}
