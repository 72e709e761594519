package crisis_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/krisenstab/krisenstab/crisis"
)

// clock returns 2026-01-16 hh:mm UTC.
func clock(hh, mm int) time.Time { return time.Date(2026, 1, 16, hh, mm, 0, 0, time.UTC) }

var task1 = crisis.Target{Kind: crisis.TargetTask, ID: 1}

// taskLog is an incident opened at 09:00 with lena as lead and, created at
// created by lena, task 1 "Call insurer" for owner due at due. It has no
// checklist, so task 1 is the only reminder target.
func taskLog(tb testing.TB, created, due time.Time, owner crisis.PersonID) *history {
	tb.Helper()
	h := newHistory(tb, testEnv())
	h.add(clock(9, 0), "lena", crisis.Opened{Title: "Outage", Detected: crisis.Instant{At: clock(9, 0)}, Room: console},
		crisis.RoleAssigned{Role: crisis.RoleLead, Person: "lena"})
	h.do(created, "lena", crisis.CreateTask{Text: "Call insurer", Owner: owner, Due: &crisis.Instant{At: due}})
	return h
}

// next returns the pending reminder instant for target.
func next(st crisis.State, p crisis.Policy, target crisis.Target) (time.Time, bool) {
	for _, r := range crisis.Reminders(st, p, time.Time{}) {
		if r.Target == target {
			return r.At, true
		}
	}
	return time.Time{}, false
}

// fire decides FireReminder at at (as the scheduler: no actor) and appends
// the event on success.
func (h *history) fire(at time.Time, target crisis.Target) (crisis.ReminderSent, error) {
	h.tb.Helper()
	ps, err := crisis.Decide(h.state(), h.env, "", crisis.FireReminder{Target: target}, at)
	if err != nil {
		return crisis.ReminderSent{}, err
	}
	if len(ps) != 1 {
		h.tb.Fatalf("FireReminder made %d payloads, want 1", len(ps))
	}
	h.add(at, "", ps...)
	return ps[0].(crisis.ReminderSent), nil
}

// step is one expected ping of a ladder.
type step struct {
	at     time.Time
	step   time.Duration
	missed int
	to     []crisis.PersonID
}

// walk checks that h reminds target at each step's instant, not a
// nanosecond earlier, and that firing then sends exactly that step.
func walk(t *testing.T, h *history, target crisis.Target, label string, due time.Time, steps []step) {
	t.Helper()
	p := h.env.Policy
	for _, s := range steps {
		at, ok := next(h.state(), p, target)
		if !ok || !at.Equal(s.at) {
			t.Fatalf("next reminder of %s = %s (%v), want %s", target, at.Format(time.TimeOnly), ok, s.at.Format(time.TimeOnly))
		}
		if _, err := h.fire(s.at.Add(-time.Nanosecond), target); err == nil {
			t.Fatalf("FireReminder just before %s succeeded, want %s", s.at.Format(time.TimeOnly), crisis.CodeNoReminder)
		} else if de := domainError(t, err); de.Code != crisis.CodeNoReminder {
			t.Fatalf("FireReminder just before %s: %v, want %s", s.at.Format(time.TimeOnly), err, crisis.CodeNoReminder)
		}
		got, err := h.fire(s.at, target)
		if err != nil {
			t.Fatalf("FireReminder at %s: %v", s.at.Format(time.TimeOnly), err)
		}
		want := crisis.ReminderSent{Target: target, Label: label, Due: due, Step: s.step, Missed: s.missed, Recipients: s.to}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("ReminderSent at %s (-got +want):\n%s", s.at.Format(time.TimeOnly), diff)
		}
	}
}

func TestReminderLadder(t *testing.T) {
	owner := []crisis.PersonID{"otto"}
	both := []crisis.PersonID{"otto", "lena"}
	tests := []struct {
		name    string
		created time.Time
		owner   crisis.PersonID
		steps   []step
	}{
		// Ensures the default ladder -1h, -15m, at due, then every 30 min;
		// the lead joins at due.
		{"default ladder", clock(10, 0), "otto", []step{
			{clock(11, 0), -time.Hour, 0, owner},
			{clock(11, 45), -15 * time.Minute, 0, owner},
			{clock(12, 0), 0, 0, both},
			{clock(12, 30), 30 * time.Minute, 0, both},
			{clock(13, 0), time.Hour, 0, both},
			{clock(13, 30), 90 * time.Minute, 0, both},
		}},
		// Ensures the lead is named once when the owner is the lead.
		{"owner is lead", clock(10, 0), "lena", []step{
			{clock(11, 0), -time.Hour, 0, []crisis.PersonID{"lena"}},
			{clock(11, 45), -15 * time.Minute, 0, []crisis.PersonID{"lena"}},
			{clock(12, 0), 0, 0, []crisis.PersonID{"lena"}},
			{clock(12, 30), 30 * time.Minute, 0, []crisis.PersonID{"lena"}},
		}},
		// Ensures steps before the task was created are skipped.
		{"created after -1h", clock(11, 30), "otto", []step{
			{clock(11, 45), -15 * time.Minute, 0, owner},
			{clock(12, 0), 0, 0, both},
		}},
		// Ensures a step at the very creation instant is skipped: the
		// creation itself was the news.
		{"created at -15m", clock(11, 45), "otto", []step{
			{clock(12, 0), 0, 0, both},
			{clock(12, 30), 30 * time.Minute, 0, both},
		}},
		// Ensures a task created minutes before due starts at due.
		{"created after -15m", clock(11, 50), "otto", []step{
			{clock(12, 0), 0, 0, both},
			{clock(12, 30), 30 * time.Minute, 0, both},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := taskLog(t, tt.created, clock(12, 0), tt.owner)
			walk(t, h, task1, "Call insurer", clock(12, 0), tt.steps)
		})
	}
}

func TestReminderCatchUp(t *testing.T) {
	both := []crisis.PersonID{"otto", "lena"}
	tests := []struct {
		name  string
		fired []time.Time // sent before the downtime
		at    time.Time
		want  crisis.ReminderSent
		next  time.Time
	}{
		// Ensures one consolidated ping after downtime: nothing fired until
		// 14:10, so -1h, -15m, 0, +30m, +1h, +1h30 and +2h collapse into +2h
		// with 6 missed, and the ladder continues at 14:30.
		{"nothing sent", nil, clock(14, 10),
			crisis.ReminderSent{Target: task1, Label: "Call insurer", Due: clock(12, 0), Step: 2 * time.Hour, Missed: 6, Recipients: both},
			clock(14, 30)},
		// Ensures only the steps after the last one sent are counted.
		{"after -1h", []time.Time{clock(11, 0)}, clock(12, 5),
			crisis.ReminderSent{Target: task1, Label: "Call insurer", Due: clock(12, 0), Step: 0, Missed: 1, Recipients: both},
			clock(12, 30)},
		// Ensures a catch-up exactly on a step instant covers that step.
		{"on a step", []time.Time{clock(11, 0)}, clock(13, 0),
			crisis.ReminderSent{Target: task1, Label: "Call insurer", Due: clock(12, 0), Step: time.Hour, Missed: 3, Recipients: both},
			clock(13, 30)},
		// Ensures a catch-up before due covers only steps before due, so
		// the lead is not yet called.
		{"before due", nil, clock(11, 50),
			crisis.ReminderSent{Target: task1, Label: "Call insurer", Due: clock(12, 0), Step: -15 * time.Minute, Missed: 1, Recipients: []crisis.PersonID{"otto"}},
			clock(12, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := taskLog(t, clock(10, 0), clock(12, 0), "otto")
			for _, at := range tt.fired {
				if _, err := h.fire(at, task1); err != nil {
					t.Fatalf("FireReminder at %s: %v", at.Format(time.TimeOnly), err)
				}
			}
			got, err := h.fire(tt.at, task1)
			if err != nil {
				t.Fatalf("FireReminder at %s: %v", tt.at.Format(time.TimeOnly), err)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("ReminderSent (-got +want):\n%s", diff)
			}
			if at, ok := next(h.state(), h.env.Policy, task1); !ok || !at.Equal(tt.next) {
				t.Errorf("next reminder = %s (%v), want %s", at.Format(time.TimeOnly), ok, tt.next.Format(time.TimeOnly))
			}
		})
	}
}

func TestReminderSnooze(t *testing.T) {
	h := taskLog(t, clock(10, 0), clock(12, 0), "otto")
	if _, err := h.fire(clock(11, 0), task1); err != nil {
		t.Fatalf("FireReminder at 11:00: %v", err)
	}
	// Ensures a snooze that ends before the next step changes nothing.
	h.do(clock(11, 5), "otto", crisis.Snooze{Ref: "1", For: 10 * time.Minute})
	if at, _ := next(h.state(), h.env.Policy, task1); !at.Equal(clock(11, 45)) {
		t.Errorf("next after a short snooze = %s, want 11:45", at.Format(time.TimeOnly))
	}
	// Ensures a snooze postpones the next reminder to its end, firing
	// before the end is refused, and at the end the latest step is sent.
	h.do(clock(11, 10), "otto", crisis.Snooze{Ref: "#1", For: 55 * time.Minute})
	walk(t, h, task1, "Call insurer", clock(12, 0), []step{
		{clock(12, 5), 0, 1, []crisis.PersonID{"otto", "lena"}},
		{clock(12, 30), 30 * time.Minute, 0, []crisis.PersonID{"otto", "lena"}},
	})
	// Ensures firing during a snooze reports the target.
	h.do(clock(12, 31), "otto", crisis.Snooze{Ref: "1", For: time.Hour})
	_, err := h.fire(clock(13, 0), task1)
	if err == nil {
		t.Fatalf("FireReminder during snooze succeeded")
	}
	if diff := cmp.Diff(domainError(t, err), failure(crisis.CodeNoReminder, "target", "task:1")); diff != "" {
		t.Errorf("FireReminder during snooze (-got +want):\n%s", diff)
	}
}

func TestRemindersNone(t *testing.T) {
	deadline1 := crisis.Target{Kind: crisis.TargetDeadline, ID: 1}
	base := func(t *testing.T) *history {
		h := taskLog(t, clock(10, 0), clock(12, 0), "otto")
		h.do(clock(10, 0), "lena", crisis.SetDeadline{Name: "Insurer", Due: crisis.Instant{At: clock(12, 0)}, Owner: "lara"})
		return h
	}
	tests := []struct {
		name   string
		build  func(*history)
		target crisis.Target
		want   bool // whether target still has a reminder
	}{
		// Ensures the fixture has reminders for both.
		{"task pending", func(*history) {}, task1, true},
		{"deadline pending", func(*history) {}, deadline1, true},
		// Ensures a done task has no reminders.
		{"task done", func(h *history) { h.do(clock(10, 30), "otto", crisis.Done{Ref: "1"}) }, task1, false},
		// Ensures a met deadline has no reminders.
		{"deadline met", func(h *history) { h.do(clock(10, 30), "lara", crisis.Done{Ref: "insurer"}) }, deadline1, false},
		// Ensures a task without due has no reminders.
		{"no due", func(h *history) { h.do(clock(10, 30), "otto", crisis.CreateTask{Text: "whenever"}) }, crisis.Target{Kind: crisis.TargetTask, ID: 2}, false},
		// Ensures a resolved incident still reminds (follow-up work goes on).
		{"resolved", func(h *history) { h.do(clock(10, 30), "lena", crisis.Resolve{}) }, task1, true},
		// Ensures a closed incident has no reminders.
		{"closed task", func(h *history) {
			h.do(clock(10, 30), "lena", crisis.Resolve{})
			h.do(clock(10, 31), "lena", crisis.Close{})
		}, task1, false},
		{"closed deadline", func(h *history) {
			h.do(clock(10, 30), "lena", crisis.Resolve{})
			h.do(clock(10, 31), "lena", crisis.Close{})
		}, deadline1, false},
		// Ensures a target that does not exist has none.
		{"unknown", func(*history) {}, crisis.Target{Kind: crisis.TargetTask, ID: 9}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := base(t)
			tt.build(h)
			st := h.state()
			_, got := next(st, h.env.Policy, tt.target)
			if got != tt.want {
				t.Errorf("has reminder = %v, want %v (%v)", got, tt.want, crisis.Reminders(st, h.env.Policy, time.Time{}))
			}
			// Firing long after due agrees with Reminders.
			_, err := crisis.Decide(st, h.env, "", crisis.FireReminder{Target: tt.target}, clock(20, 0))
			if tt.want {
				if err != nil {
					t.Errorf("FireReminder: %v, want a reminder", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("FireReminder succeeded, want %s", crisis.CodeNoReminder)
			}
			if diff := cmp.Diff(domainError(t, err), failure(crisis.CodeNoReminder, "target", tt.target.String())); diff != "" {
				t.Errorf("FireReminder error (-got +want):\n%s", diff)
			}
		})
	}
}

func TestReminderChecklist(t *testing.T) {
	h := started(t)
	st := h.state()
	// Ensures each checklist task is first reminded at its due (the
	// checklist ladder has no steps before due).
	for _, tk := range st.Tasks {
		at, ok := next(st, h.env.Policy, crisis.Target{Kind: crisis.TargetTask, ID: tk.ID})
		if !ok || !at.Equal(tk.Due.At) {
			t.Errorf("%s: next reminder %s (%v), want its due %s", tk.Checklist, at, ok, tk.Due.At)
		}
	}
	// Ensures FH-07 (it) pings at due to owner and lead, then hourly.
	fh07 := crisis.Target{Kind: crisis.TargetTask, ID: 7}
	due := t0.Add(time.Hour)
	to := []crisis.PersonID{"ivo", "lena"}
	walk(t, h, fh07, "FH-07", due, []step{
		{due, 0, 0, to},
		{due.Add(time.Hour), time.Hour, 0, to},
		{due.Add(2 * time.Hour), 2 * time.Hour, 0, to},
	})

	// Ensures a checklist task without owner reminds the role's current
	// holder and the lead.
	h = newHistory(t, crisis.Env{Roster: without(testRoster(), "rene"), Policy: crisis.DefaultPolicy()})
	h.do(t0, "hanna", crisis.Start{Title: "x", Room: console})
	fh10 := crisis.Target{Kind: crisis.TargetTask, ID: 10}
	due = t0.Add(2 * time.Hour)
	walk(t, h, fh10, "FH-10", due, []step{{due, 0, 0, []crisis.PersonID{"lena"}}})
	h.env = testEnv()
	h.do(due.Add(10*time.Minute), "lena", crisis.AssignRole{Role: crisis.RoleReporter, Person: "rene"})
	walk(t, h, fh10, "FH-10", due, []step{{due.Add(time.Hour), time.Hour, 0, []crisis.PersonID{"rene", "lena"}}})
}

func TestReminderDeadlineLadder(t *testing.T) {
	// Distinct ladders show which one each target uses.
	p := crisis.Policy{
		Task:      crisis.Ladder{Before: []time.Duration{time.Hour}, Repeat: 30 * time.Minute},
		Deadline:  crisis.Ladder{Before: []time.Duration{2 * time.Hour, 0, 2 * time.Hour}, Repeat: 4 * time.Hour},
		Checklist: crisis.Ladder{},
	}
	h := newHistory(t, crisis.Env{Roster: testRoster(), Policy: p})
	h.add(clock(8, 0), "lena", crisis.Opened{Title: "Outage", Detected: crisis.Instant{At: clock(8, 0)}, Room: console},
		crisis.RoleAssigned{Role: crisis.RoleLead, Person: "lena"})
	h.do(clock(8, 0), "lena", crisis.SetDeadline{Name: "Insurer", Due: crisis.Instant{At: clock(12, 0)}, Owner: "lara"})
	h.do(clock(8, 0), "lena", crisis.CreateTask{Text: "Call insurer", Owner: "otto", Due: &crisis.Instant{At: clock(12, 0)}})
	// Ensures the task uses the task ladder.
	if at, _ := next(h.state(), p, task1); !at.Equal(clock(11, 0)) {
		t.Errorf("task reminder at %s, want 11:00", at.Format(time.TimeOnly))
	}
	// Ensures the custom deadline uses the deadline ladder (duplicate and
	// zero offsets collapse), with the lead added at due.
	dl := crisis.Target{Kind: crisis.TargetDeadline, ID: 1}
	walk(t, h, dl, "Insurer", clock(12, 0), []step{
		{clock(10, 0), -2 * time.Hour, 0, []crisis.PersonID{"lara"}},
		{clock(12, 0), 0, 0, []crisis.PersonID{"lara", "lena"}},
		{clock(16, 0), 4 * time.Hour, 0, []crisis.PersonID{"lara", "lena"}},
	})
	// Ensures a ladder without Repeat ends at due.
	h = newHistory(t, crisis.Env{Roster: testRoster(), Policy: crisis.Policy{Task: crisis.Ladder{Before: []time.Duration{time.Hour}}}})
	h.add(clock(8, 0), "lena", crisis.Opened{Title: "Outage", Detected: crisis.Instant{At: clock(8, 0)}, Room: console})
	h.do(clock(8, 0), "lena", crisis.CreateTask{Text: "Call insurer", Owner: "otto", Due: &crisis.Instant{At: clock(12, 0)}})
	walk(t, h, task1, "Call insurer", clock(12, 0), []step{
		{clock(11, 0), -time.Hour, 0, []crisis.PersonID{"otto"}},
		{clock(12, 0), 0, 0, []crisis.PersonID{"otto"}},
	})
	if at, ok := next(h.state(), h.env.Policy, task1); ok {
		t.Errorf("reminder after the last step at %s, want none", at)
	}
}

func TestRemindersKeys(t *testing.T) {
	h := busy(t)
	rs := crisis.Reminders(h.state(), h.env.Policy, time.Time{})
	// Ensures at most one pending reminder per target, keyed by incident
	// and target, and none for done tasks or met deadlines.
	seen := map[string]bool{}
	for _, r := range rs {
		if r.Incident != incident {
			t.Errorf("reminder %+v has incident %q, want %q", r, r.Incident, incident)
		}
		if seen[r.Key()] {
			t.Errorf("two reminders for %s", r.Key())
		}
		seen[r.Key()] = true
	}
	want := map[string]bool{}
	for _, id := range []int{1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14} {
		want[fmt.Sprintf("%s/task:%d", incident, id)] = true
	}
	want[string(incident)+"/deadline:1"] = true
	// The statutory and internal clocks of the active regimes (bsig, gdpr).
	for _, id := range []string{"bsig.erstmeldung", "bsig.meldung", "gdpr.art33", "internal.crisis_team",
		"internal.staff_notice", "internal.customer_notice"} {
		want[string(incident)+"/obligation:"+id] = true
	}
	if diff := cmp.Diff(seen, want); diff != "" {
		t.Errorf("reminder keys (-got +want):\n%s", diff)
	}
}

// TestFireReminderProperties fires a task and a deadline at random
// instants, with random snoozes, and checks the invariants the scheduler
// relies on.
func TestFireReminderProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 116))
	dl := crisis.Target{Kind: crisis.TargetDeadline, ID: 1}
	for trial := range 300 {
		created := clock(9, 0).Add(time.Duration(r.IntN(120)) * time.Minute)
		taskDue := created.Add(time.Duration(1+r.IntN(300)) * time.Minute)
		dlDue := created.Add(time.Duration(1+r.IntN(600)) * time.Minute)
		h := taskLog(t, created, taskDue, "otto")
		h.do(created, "lena", crisis.SetDeadline{Name: "Insurer", Due: crisis.Instant{At: dlDue}, Owner: "lara"})
		due := map[crisis.Target]time.Time{task1: taskDue, dl: dlDue}
		last := map[crisis.Target]time.Duration{}
		now := created
		for range 80 {
			now = now.Add(time.Duration(r.IntN(50*60)) * time.Second)
			target := task1
			if r.IntN(2) == 0 {
				target = dl
			}
			if r.IntN(8) == 0 {
				h.do(now, "otto", crisis.Snooze{Ref: map[crisis.Target]string{task1: "1", dl: "insurer"}[target],
					For: time.Duration(1+r.IntN(120)) * time.Minute})
				continue
			}
			pending, ok := next(h.state(), h.env.Policy, target)
			sent, err := h.fire(now, target)
			ctx := fmt.Sprintf("trial %d, %s fired at %s (due %s)", trial, target, now.Format(time.TimeOnly), due[target].Format(time.TimeOnly))
			if err != nil {
				// Ensures a refused fire is a NoReminder that Reminders
				// agrees with: nothing was due yet.
				if de := domainError(t, err); de.Code != crisis.CodeNoReminder {
					t.Fatalf("%s: %v, want %s", ctx, err, crisis.CodeNoReminder)
				}
				if ok && !pending.After(now) {
					t.Fatalf("%s: refused, but Reminders said due at %s", ctx, pending.Format(time.TimeOnly))
				}
				continue
			}
			// Ensures a fire happens only when Reminders said it was due.
			if !ok || pending.After(now) {
				t.Fatalf("%s: sent %v, but Reminders said %s (%v)", ctx, sent.Step, pending.Format(time.TimeOnly), ok)
			}
			// Ensures steps strictly increase per target.
			if prev, seen := last[target]; seen && sent.Step <= prev {
				t.Fatalf("%s: step %v after %v", ctx, sent.Step, prev)
			}
			last[target] = sent.Step
			// Ensures a step is never later than the fire instant.
			if at := due[target].Add(sent.Step); at.After(now) {
				t.Fatalf("%s: step %v lies at %s, after the fire", ctx, sent.Step, at.Format(time.TimeOnly))
			}
			if sent.Missed < 0 {
				t.Fatalf("%s: Missed = %d", ctx, sent.Missed)
			}
			// Ensures the next reminder lies after now, so the scheduler
			// cannot loop on one instant.
			if at, ok := next(h.state(), h.env.Policy, target); ok && !at.After(now) {
				t.Fatalf("%s: next reminder %s is not after the fire", ctx, at.Format(time.TimeOnly))
			}
		}
	}
}

func BenchmarkReminders(b *testing.B) {
	h := newHistory(b, testEnv())
	h.add(clock(8, 0), "lena", crisis.Opened{Title: "Outage", Detected: crisis.Instant{At: clock(8, 0)}, Room: console},
		crisis.RoleAssigned{Role: crisis.RoleLead, Person: "lena"})
	var ps []crisis.Payload
	for i := 1; i <= 500; i++ {
		ps = append(ps, crisis.TaskCreated{Task: i, Text: "task", Owner: "otto",
			Due: &crisis.Instant{At: clock(9, 0).Add(time.Duration(i) * time.Minute)}})
	}
	h.add(clock(8, 30), "lena", ps...)
	ps = ps[:0]
	for i := 1; i <= 500; i += 3 {
		ps = append(ps, crisis.ReminderSent{Target: crisis.Target{Kind: crisis.TargetTask, ID: i}, Step: -15 * time.Minute})
	}
	for i := 2; i <= 500; i += 7 {
		ps = append(ps, crisis.Snoozed{Target: crisis.Target{Kind: crisis.TargetTask, ID: i}, Until: clock(20, 0)})
	}
	h.add(clock(8, 45), "", ps...)
	st := h.state()
	p := crisis.DefaultPolicy()
	// 500 tasks plus the three internal clocks every incident has.
	if n := len(crisis.Reminders(st, p, time.Time{})); n != 503 {
		b.Fatalf("Reminders = %d, want 503", n)
	}
	b.ReportAllocs()
	for b.Loop() {
		crisis.Reminders(st, p, time.Time{})
	}
}
