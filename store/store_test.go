package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/krisenstab/krisenstab/crisis"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 1, 16, 16, 40, 0, 0, time.UTC)
)

func open(t testing.TB, dir string, every int) *Store {
	t.Helper()
	s, err := Open(dir, Options{SnapshotEvery: every})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// change builds the next change of incident id after state st.
func change(t testing.TB, st crisis.State, id crisis.IncidentID, at time.Time, data ...crisis.Payload) crisis.Change {
	t.Helper()
	evs, err := crisis.Chain(id, st.LastSeq, st.LastHash, at, "anna", data)
	if err != nil {
		t.Fatal(err)
	}
	next := st.Clone()
	for _, e := range evs {
		next.Apply(e)
	}
	// Only task reminders: the store is tested on its index, not on the
	// regulatory clocks every incident has.
	var rems []crisis.Reminder
	for _, r := range crisis.Reminders(next, crisis.DefaultPolicy(), time.Time{}) {
		if r.Target.Kind == crisis.TargetTask {
			rems = append(rems, r)
		}
	}
	return crisis.Change{Incident: id, Events: evs, State: next, Reminders: rems, Notices: crisis.Notices(next, "anna", evs)}
}

func opened(id crisis.IncidentID) crisis.Opened {
	return crisis.Opened{Title: "Ransomware", Detected: crisis.Instant{At: t0},
		Room: crisis.Room{Platform: "console", ID: "crisis-" + string(id), Name: "#crisis-" + string(id)}}
}

func commit(t testing.TB, s *Store, c crisis.Change) crisis.State {
	t.Helper()
	if err := s.Commit(ctx, c); err != nil {
		t.Fatal(err)
	}
	return c.State
}

func allEvents(t testing.TB, s *Store, id crisis.IncidentID) []crisis.Event {
	t.Helper()
	var evs []crisis.Event
	if err := s.Events(ctx, id, 1, func(e crisis.Event) error { evs = append(evs, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return evs
}

// TestLoadEqualsFold ensures Load (snapshot + tail) equals folding the
// whole log, across snapshot boundaries and a reopen.
func TestLoadEqualsFold(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, 3)
	st := commit(t, s, change(t, crisis.State{}, "inc", t0, opened("inc")))
	for i := range 20 {
		at := t0.Add(time.Duration(i+1) * time.Minute)
		st = commit(t, s, change(t, st, "inc", at, crisis.Logged{Text: fmt.Sprint("entry ", i)},
			crisis.TaskCreated{Task: len(st.Tasks) + 1, Text: "t", Owner: "bernd", Due: &crisis.Instant{At: at.Add(time.Hour)}}))
		got, found, err := s.Load(ctx, "inc")
		if err != nil || !found {
			t.Fatalf("load: %v %v", found, err)
		}
		if diff := cmp.Diff(crisis.Fold(allEvents(t, s, "inc")), got); diff != "" {
			t.Fatalf("after %d changes Load differs from Fold (-fold +load):\n%s", i, diff)
		}
	}
	s.Close()
	s = open(t, dir, 3)
	defer s.Close()
	got, _, err := s.Load(ctx, "inc")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(st, got); diff != "" {
		t.Fatalf("after reopen (-want +got):\n%s", diff)
	}
	if err := crisis.Verify(allEvents(t, s, "inc")); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.Load(ctx, "nope"); found {
		t.Fatal("unknown incident found")
	}
}

// snapshotOf captures everything a failed commit must leave untouched.
func snapshotOf(t *testing.T, s *Store, id crisis.IncidentID) string {
	st, _, err := s.Load(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	due, _ := s.DueReminders(ctx, time.Unix(0, 1<<62), 1000)
	out, _ := s.PendingNotices(ctx, 1000)
	return fmt.Sprintf("%d %s %d %v %d", st.LastSeq, st.LastHash, len(allEvents(t, s, id)), due, len(out))
}

// TestCommitRejects ensures a change that does not follow the stored head,
// or repeats a dedupe key, writes nothing at all.
func TestCommitRejects(t *testing.T) {
	s := open(t, t.TempDir(), 1000)
	defer s.Close()
	st := commit(t, s, change(t, crisis.State{}, "inc", t0, opened("inc")))
	ok := change(t, st, "inc", t0, crisis.Logged{Text: "a"})
	ok.DedupeKey = "slack/evt-1"
	st2 := commit(t, s, ok)
	before := snapshotOf(t, s, "inc")

	gap := change(t, st2, "inc", t0, crisis.Logged{Text: "b"})
	gap.Events[0].Seq += 1
	stale := change(t, st, "inc", t0, crisis.Logged{Text: "c"}) // built on the old head
	wrongPrev := change(t, st2, "inc", t0, crisis.Logged{Text: "d"})
	wrongPrev.Events[0].Prev = "00"
	dup := change(t, st2, "inc", t0, crisis.Logged{Text: "e"})
	dup.DedupeKey = "slack/evt-1"
	for name, c := range map[string]crisis.Change{"gap": gap, "stale": stale, "prev": wrongPrev, "dup": dup, "empty": {Incident: "inc"}} {
		err := s.Commit(ctx, c)
		if err == nil {
			t.Errorf("%s: commit accepted", name)
		}
		if name == "dup" {
			var d interface{ Duplicate() bool }
			if !errors.As(err, &d) || !d.Duplicate() {
				t.Errorf("dup: error %v has no Duplicate()", err)
			}
		} else if name != "empty" && !errors.Is(err, ErrConflict) {
			t.Errorf("%s: error %v is not ErrConflict", name, err)
		}
		if after := snapshotOf(t, s, "inc"); after != before {
			t.Errorf("%s: store changed:\n%s\n%s", name, before, after)
		}
	}
}

// TestDedupeSurvivesReopen ensures a platform retry after a restart is
// still recognised.
func TestDedupeSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, 1000)
	c := change(t, crisis.State{}, "inc", t0, opened("inc"))
	c.DedupeKey = "k1"
	st := commit(t, s, c)
	s.Close()
	s = open(t, dir, 1000)
	defer s.Close()
	c2 := change(t, st, "inc", t0, crisis.Logged{Text: "x"})
	c2.DedupeKey = "k1"
	var d *DuplicateError
	if err := s.Commit(ctx, c2); !errors.As(err, &d) {
		t.Fatalf("got %v, want DuplicateError", err)
	}
}

// TestRemindersAndRooms ensures the due index is replaced per incident,
// ordered across incidents, and rooms map to incidents.
func TestRemindersAndRooms(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, 1000)
	a := commit(t, s, change(t, crisis.State{}, "a", t0, opened("a"),
		crisis.TaskCreated{Task: 1, Text: "x", Owner: "bernd", Due: &crisis.Instant{At: t0.Add(3 * time.Hour)}}))
	commit(t, s, change(t, crisis.State{}, "b", t0.Add(time.Second), opened("b"),
		crisis.TaskCreated{Task: 1, Text: "y", Owner: "bernd", Due: &crisis.Instant{At: t0.Add(2 * time.Hour)}}))
	next, found, err := s.NextReminder(ctx)
	if err != nil || !found || next.Incident != "b" || !next.At.Equal(t0.Add(time.Hour)) {
		t.Fatalf("next = %+v %v %v, want b at +1h", next, found, err)
	}
	// Completing a's task removes its reminder; b's stays.
	commit(t, s, change(t, a, "a", t0, crisis.TaskDone{Task: 1}))
	s.Close()
	s = open(t, dir, 1000)
	defer s.Close()
	due, err := s.DueReminders(ctx, t0.Add(24*time.Hour), 10)
	if err != nil || len(due) != 1 || due[0].Incident != "b" {
		t.Fatalf("due = %+v %v", due, err)
	}
	if due, _ := s.DueReminders(ctx, t0.Add(59*time.Minute), 10); len(due) != 0 {
		t.Fatalf("reminder due too early: %+v", due)
	}
	id, found, err := s.IncidentByRoom(ctx, "console", "crisis-a")
	if err != nil || !found || id != "a" {
		t.Fatalf("room: %v %v %v", id, found, err)
	}
	ids, _ := s.Incidents(ctx)
	if diff := cmp.Diff([]crisis.IncidentID{"b", "a"}, ids); diff != "" {
		t.Fatalf("incidents newest first: %s", diff)
	}
	if err := s.SetReminders(ctx, "b", nil); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.NextReminder(ctx); found {
		t.Fatal("SetReminders(nil) left an entry")
	}
}

// TestOutbox ensures notices keep commit order, and that after a reopen new
// notices sort after the ones still pending.
func TestOutbox(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, 1000)
	st := commit(t, s, change(t, crisis.State{}, "a", t0, opened("a")))
	st = commit(t, s, change(t, st, "a", t0, crisis.Logged{Text: "1"}))
	p, _ := s.PendingNotices(ctx, 100)
	if len(p) < 2 || p[len(p)-1].Notice.Seq != st.LastSeq {
		t.Fatalf("pending = %+v", p)
	}
	last := p[len(p)-1].ID
	for _, n := range p[:len(p)-1] {
		if err := s.DeleteNotice(ctx, n.ID); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s = open(t, dir, 1000)
	defer s.Close()
	commit(t, s, change(t, st, "a", t0, crisis.Logged{Text: "2"}))
	p, _ = s.PendingNotices(ctx, 100)
	if len(p) != 2 || p[0].ID != last || p[1].ID <= last || p[1].Notice.Seq != st.LastSeq+1 {
		t.Fatalf("after reopen pending = %+v, want the old one (ID %d) then the new one", p, last)
	}
}

// TestBackupRestore ensures a backup restores identically into a new
// folder and is refused on a folder with data.
func TestBackupRestore(t *testing.T) {
	s := open(t, t.TempDir(), 2)
	st := commit(t, s, change(t, crisis.State{}, "a", t0, opened("a")))
	for i := range 5 {
		st = commit(t, s, change(t, st, "a", t0, crisis.Logged{Text: fmt.Sprint(i)}))
	}
	var buf bytes.Buffer
	if err := s.Backup(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	r := open(t, t.TempDir(), 2)
	defer r.Close()
	if err := r.Restore(ctx, bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	got, _, _ := r.Load(ctx, "a")
	if diff := cmp.Diff(st, got); diff != "" {
		t.Fatalf("restored state differs: %s", diff)
	}
	if diff := cmp.Diff(allEvents(t, s, "a"), allEvents(t, r, "a")); diff != "" {
		t.Fatalf("restored events differ: %s", diff)
	}
	if err := s.Restore(ctx, bytes.NewReader(buf.Bytes())); err == nil {
		t.Fatal("restore into a store with data was accepted")
	}
	s.Close()
}
