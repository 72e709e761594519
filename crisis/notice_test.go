package crisis_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/krisenstab/krisenstab/crisis"
)

// roomNotice and dm build expected notices.
func roomNotice(seq uint64, r crisis.Room) crisis.Notice {
	return crisis.Notice{Incident: incident, Seq: seq, Room: &r}
}

func dm(seq uint64, p crisis.PersonID) crisis.Notice {
	return crisis.Notice{Incident: incident, Seq: seq, Person: p}
}

func TestNoticesOpening(t *testing.T) {
	h := newHistory(t, testEnv())
	evs := h.do(t0, "hanna", crisis.Start{Title: "Ransomware", Room: console})
	got := crisis.Notices(h.state(), "hanna", evs)
	// Ensures the opening batch posts only the opened event to the room and
	// calls up every member but the actor once, in member order.
	want := []crisis.Notice{roomNotice(1, console)}
	for _, p := range []crisis.PersonID{"lena", "mia", "ivo", "kai", "lara", "dora", "rene", "sven", "bea", "hugo", "sina", "ida", "otto"} {
		want = append(want, dm(1, p))
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Notices(opening) (-got +want):\n%s", diff)
	}
}

func TestNotices(t *testing.T) {
	now := t0.Add(10 * time.Minute)
	withNina := testEnv()
	withNina.Roster.People = append(withNina.Roster.People, crisis.Person{ID: "nina"})

	tests := []struct {
		name  string
		two   bool // add a mattermost room first
		env   *crisis.Env
		actor crisis.PersonID
		at    time.Time // zero: now
		cmd   crisis.Command
		// want lists per event of the batch (offset from the first seq) the
		// people who get a DM; every event is posted to every room.
		dms [][]crisis.PersonID
	}{
		// Ensures a plain event is posted to the room and DMs nobody.
		{name: "log", actor: "sven", cmd: crisis.Log{Text: "shares isolated"}, dms: [][]crisis.PersonID{nil}},
		// Ensures a role assignment DMs the new holder.
		{name: "role", actor: "lena", cmd: crisis.AssignRole{Role: crisis.RoleScribe, Person: "otto"}, dms: [][]crisis.PersonID{{"otto"}}},
		// Ensures taking a role oneself DMs nobody.
		{name: "role self", actor: "lena", cmd: crisis.AssignRole{Role: crisis.RoleScribe, Person: "lena"}, dms: [][]crisis.PersonID{nil}},
		// Ensures a task for another owner DMs the owner.
		{name: "task other", actor: "lena", cmd: crisis.CreateTask{Text: "x", Owner: "otto"}, dms: [][]crisis.PersonID{{"otto"}}},
		// Ensures an own task DMs nobody.
		{name: "task own", actor: "otto", cmd: crisis.CreateTask{Text: "x"}, dms: [][]crisis.PersonID{nil}},
		// Ensures a deadline DMs its owner.
		{name: "deadline", actor: "lena", cmd: crisis.SetDeadline{Name: "x", Due: crisis.Instant{At: now.Add(time.Hour)}, Owner: "lara"},
			dms: [][]crisis.PersonID{{"lara"}}},
		// Ensures an invitation DMs the invited.
		{name: "invite", env: &withNina, actor: "lena", cmd: crisis.Invite{People: []crisis.PersonID{"nina"}}, dms: [][]crisis.PersonID{{"nina"}}},
		// Ensures a page DMs everyone paged but the actor.
		{name: "page", actor: "ivo", cmd: crisis.Page{Role: crisis.RoleIT}, dms: [][]crisis.PersonID{{"ida"}}},
		// Ensures a reminder DMs all its recipients, the actor included.
		{name: "reminder", actor: "lena", at: t0.Add(time.Hour), cmd: crisis.FireReminder{Target: crisis.Target{Kind: crisis.TargetTask, ID: 5}},
			dms: [][]crisis.PersonID{{"lena"}}},
		// Ensures a reminder to owner and lead DMs both.
		{name: "reminder two", at: t0.Add(time.Hour), cmd: crisis.FireReminder{Target: crisis.Target{Kind: crisis.TargetTask, ID: 7}},
			dms: [][]crisis.PersonID{{"ivo", "lena"}}},
		// Ensures every post goes to both rooms of a two-platform incident.
		{name: "two rooms log", two: true, actor: "sven", cmd: crisis.Log{Text: "x"}, dms: [][]crisis.PersonID{nil}},
		// Ensures DMs are not doubled by a second room.
		{name: "two rooms role", two: true, actor: "lena", cmd: crisis.AssignRole{Role: crisis.RoleScribe, Person: "otto"}, dms: [][]crisis.PersonID{{"otto"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := started(t)
			if tt.env != nil {
				h.env = *tt.env
			}
			rooms := []crisis.Room{console}
			if tt.two {
				h.do(t0.Add(time.Minute), "lena", crisis.AddRoom{Room: mattermost})
				rooms = append(rooms, mattermost)
			}
			at := tt.at
			if at.IsZero() {
				at = now
			}
			evs := h.do(at, tt.actor, tt.cmd)
			if len(evs) != len(tt.dms) {
				t.Fatalf("%d events, want %d", len(evs), len(tt.dms))
			}
			var want []crisis.Notice
			for i, e := range evs {
				for _, r := range rooms {
					want = append(want, roomNotice(e.Seq, r))
				}
				for _, p := range tt.dms[i] {
					want = append(want, dm(e.Seq, p))
				}
			}
			got := crisis.Notices(h.state(), tt.actor, evs)
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("Notices (-got +want):\n%s", diff)
			}
		})
	}
}

func TestNoticesRoomAdded(t *testing.T) {
	h := started(t)
	evs := h.do(t0.Add(time.Minute), "lena", crisis.AddRoom{Room: mattermost})
	// Ensures the event that adds a room is posted to the new room as well
	// (s is the state after the batch).
	want := []crisis.Notice{roomNotice(evs[0].Seq, console), roomNotice(evs[0].Seq, mattermost)}
	if diff := cmp.Diff(crisis.Notices(h.state(), "lena", evs), want); diff != "" {
		t.Errorf("Notices (-got +want):\n%s", diff)
	}
	// Ensures an empty batch owes nothing.
	if got := crisis.Notices(h.state(), "lena", nil); len(got) != 0 {
		t.Errorf("Notices(no events) = %v, want none", got)
	}
}

func TestNoticeKey(t *testing.T) {
	tests := []struct {
		name string
		n    crisis.Notice
		want string
	}{
		// Ensures a room notice is keyed by incident, event and room.
		{"room", roomNotice(7, console), "2026-01-16-ransomware/7/room:console:c1"},
		// Ensures the platform is part of a room key.
		{"other platform", roomNotice(7, mattermost), "2026-01-16-ransomware/7/room:mattermost:mm1"},
		// Ensures a DM is keyed by incident, event and person.
		{"dm", dm(7, "otto"), "2026-01-16-ransomware/7/dm:otto"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.n.Key(); got != tt.want {
				t.Errorf("Key() = %q, want %q", got, tt.want)
			}
		})
	}

	// Ensures keys are unique per destination over a whole incident with
	// two rooms, so the outbox never drops a notice as a duplicate.
	h := started(t)
	var all []crisis.Notice
	all = append(all, crisis.Notices(h.state(), "hanna", h.evs)...)
	step := func(at time.Time, actor crisis.PersonID, c crisis.Command) {
		evs := h.do(at, actor, c)
		all = append(all, crisis.Notices(h.state(), actor, evs)...)
	}
	step(t0.Add(time.Minute), "lena", crisis.AddRoom{Room: mattermost})
	step(t0.Add(2*time.Minute), "lena", crisis.AssignRole{Role: crisis.RoleScribe, Person: "otto"})
	step(t0.Add(3*time.Minute), "lena", crisis.CreateTask{Text: "x", Owner: "otto", Due: &crisis.Instant{At: t0.Add(time.Hour)}})
	step(t0.Add(4*time.Minute), "lena", crisis.Page{Role: crisis.RoleIT})
	step(t0.Add(time.Hour), "", crisis.FireReminder{Target: crisis.Target{Kind: crisis.TargetTask, ID: 7}})
	seen := map[string]bool{}
	for _, n := range all {
		if seen[n.Key()] {
			t.Errorf("duplicate notice key %s", n.Key())
		}
		seen[n.Key()] = true
	}
	if len(seen) < 20 {
		t.Errorf("only %d notices; the scenario should produce more", len(seen))
	}
}
