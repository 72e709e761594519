package crisis_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/krisenstab/krisenstab/crisis"
)

// everyPayload holds one fully populated payload of each kind, so a field
// that does not survive JSON shows up in the round trip.
func everyPayload() []crisis.Payload {
	sat := ts("2026-01-17T08:00:00Z")
	berlin := crisis.Instant{At: sat, Input: "2026-01-17 09:00", Zone: "Europe/Berlin"}
	return []crisis.Payload{
		crisis.Opened{Title: "Ransomware on file shares", Severity: "high", Detected: crisis.Instant{At: t0, Input: "17:40", Zone: "Europe/Berlin"},
			Aware: &berlin, Regimes: []string{"bsig", "gdpr", "internal"}, Room: console, Lang: "de"},
		crisis.RoleAssigned{Role: crisis.RoleLead, Person: "lena", Previous: "hanna"},
		crisis.Invited{People: []crisis.PersonID{"ida", "otto"}},
		crisis.Paged{Role: crisis.RoleIT, People: []crisis.PersonID{"ivo", "ida"}},
		crisis.RoomAdded{Room: mattermost},
		crisis.Logged{Text: `Shares <b>isolated</b> & "quoted" – Größe ✓`},
		crisis.Decided{Text: "Pay no ransom\nsecond line"},
		crisis.TaskCreated{Task: 14, Text: "Call insurer", Owner: "lara", OwnerRole: crisis.RoleLegal, Due: &berlin, Checklist: "FH-12"},
		crisis.TaskDone{Task: 14},
		crisis.DeadlineSet{Deadline: 1, Name: "Insurer", Due: berlin, Owner: "lara"},
		crisis.DeadlineMet{Deadline: 1},
		crisis.AwareSet{Aware: berlin, Previous: ptr(t0), Reason: "provider report", GapWarning: true},
		crisis.DetectedSet{Detected: crisis.Instant{At: t0.Add(-time.Hour)}, Previous: t0, Reason: "SOC alert"},
		crisis.Snoozed{Target: crisis.Target{Kind: crisis.TargetDeadline, ID: 1}, Until: sat.Add(time.Hour)},
		crisis.ReminderSent{Target: crisis.Target{Kind: crisis.TargetTask, ID: 14}, Label: "Call insurer", Due: sat,
			Step: -15 * time.Minute, Missed: 2, Recipients: []crisis.PersonID{"lara", "lena"}},
		crisis.Resolved{Summary: "restored from backup"},
		crisis.Closed{Summary: "lessons learned"},
	}
}

func TestPayloadKinds(t *testing.T) {
	want := []crisis.Kind{
		crisis.KindOpened, crisis.KindRoleAssigned, crisis.KindInvited, crisis.KindPaged,
		crisis.KindRoomAdded, crisis.KindLogged, crisis.KindDecided, crisis.KindTaskCreated,
		crisis.KindTaskDone, crisis.KindDeadlineSet, crisis.KindDeadlineMet, crisis.KindAwareSet,
		crisis.KindDetectedSet, crisis.KindSnoozed, crisis.KindReminderSent, crisis.KindResolved,
		crisis.KindClosed,
	}
	var got []crisis.Kind
	for _, p := range everyPayload() {
		got = append(got, p.Kind())
	}
	// Ensures everyPayload covers every kind once, so the round trip below
	// is complete; a new kind must be added to both lists.
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("payload kinds (-got +want):\n%s", diff)
	}
	// Ensures stored kind values never change (they are in every log).
	stored := []string{"opened", "role_assigned", "invited", "paged", "room_added", "logged", "decided",
		"task_created", "task_done", "deadline_set", "deadline_met", "aware_set", "detected_set",
		"snoozed", "reminder_sent", "resolved", "closed"}
	var gotStored []string
	for _, k := range want {
		gotStored = append(gotStored, string(k))
	}
	if diff := cmp.Diff(gotStored, stored); diff != "" {
		t.Errorf("stored kind values (-got +want):\n%s", diff)
	}
}

func TestEventJSONRoundTrip(t *testing.T) {
	evs, err := crisis.Chain(incident, 0, "", t0, "lena", everyPayload())
	if err != nil {
		t.Fatalf("Chain: %v", err)
	}
	var back []crisis.Event
	for _, e := range evs {
		// Ensures every payload kind survives Marshal → Unmarshal unchanged.
		t.Run(string(e.Kind()), func(t *testing.T) {
			b, err := json.Marshal(e)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			var wire map[string]any
			if err := json.Unmarshal(b, &wire); err != nil {
				t.Fatalf("Unmarshal to map: %v", err)
			}
			if got, want := wire["kind"], string(e.Kind()); got != want {
				t.Errorf("wire kind = %v, want %q", got, want)
			}
			var got crisis.Event
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if diff := cmp.Diff(got, e); diff != "" {
				t.Errorf("round trip (-got +want):\n%s", diff)
			}
			back = append(back, got)
		})
	}
	// Ensures the hash chain still verifies after storage: the hash is
	// stable across a round trip.
	if err := crisis.Verify(back); err != nil {
		t.Errorf("Verify after round trip: %v", err)
	}

	// Ensures a whole log round-trips as a JSON array.
	b, err := json.Marshal(evs)
	if err != nil {
		t.Fatalf("Marshal log: %v", err)
	}
	var log []crisis.Event
	if err := json.Unmarshal(b, &log); err != nil {
		t.Fatalf("Unmarshal log: %v", err)
	}
	if diff := cmp.Diff(log, evs); diff != "" {
		t.Errorf("log round trip (-got +want):\n%s", diff)
	}
}

func TestEventJSONErrors(t *testing.T) {
	good, err := json.Marshal(started(t).evs[0])
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	edit := func(f func(map[string]any)) string {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatalf("Unmarshal to map: %v", err)
		}
		f(m)
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("Marshal map: %v", err)
		}
		return string(b)
	}
	tests := []struct {
		name string
		in   string
	}{
		// Ensures an unknown kind is rejected rather than dropped.
		{"unknown kind", edit(func(m map[string]any) { m["kind"] = "exploded" })},
		// Ensures a missing kind is rejected.
		{"missing kind", edit(func(m map[string]any) { delete(m, "kind") })},
		// Ensures a payload of the wrong shape is rejected.
		{"bad payload", edit(func(m map[string]any) { m["data"] = "not an object" })},
		// Ensures a missing payload is rejected.
		{"missing payload", edit(func(m map[string]any) { delete(m, "data") })},
		// Ensures a bad envelope is rejected.
		{"bad envelope", `{"seq":"one"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e crisis.Event
			if err := json.Unmarshal([]byte(tt.in), &e); err == nil {
				t.Errorf("Unmarshal(%s) = %+v, want error", tt.in, e)
			}
		})
	}
	// Ensures an event without payload cannot be written.
	if b, err := json.Marshal(crisis.Event{Incident: incident, Seq: 1}); err == nil {
		t.Errorf("Marshal(event without payload) = %s, want error", b)
	}
	// Ensures an event without payload cannot be chained.
	if evs, err := crisis.Chain(incident, 0, "", t0, "lena", []crisis.Payload{nil}); err == nil {
		t.Errorf("Chain(nil payload) = %+v, want error", evs)
	}
}

func TestChain(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	at := t0.In(cet)
	ps := []crisis.Payload{crisis.Logged{Text: "a"}, crisis.Decided{Text: "b"}, crisis.Logged{Text: "c"}}
	hex64 := regexp.MustCompile(`^[0-9a-f]{64}$`)

	first, err := crisis.Chain(incident, 0, "", at, "sven", ps)
	if err != nil {
		t.Fatalf("Chain: %v", err)
	}
	// Ensures a continuation links to the given last event.
	next, err := crisis.Chain(incident, 3, first[2].Hash, at, "lena", ps[:1])
	if err != nil {
		t.Fatalf("Chain: %v", err)
	}
	all := append(slices.Clone(first), next...)
	for i, e := range all {
		if got, want := e.Seq, uint64(i+1); got != want {
			t.Errorf("event %d Seq = %d, want %d", i, got, want)
		}
		wantPrev := ""
		if i > 0 {
			wantPrev = all[i-1].Hash
		}
		if e.Prev != wantPrev {
			t.Errorf("event %d Prev = %q, want %q", e.Seq, e.Prev, wantPrev)
		}
		if !hex64.MatchString(e.Hash) {
			t.Errorf("event %d Hash = %q, want 64 hex digits", e.Seq, e.Hash)
		}
		if h, err := crisis.HashOf(e); err != nil || h != e.Hash {
			t.Errorf("HashOf(event %d) = %q, %v; want %q", e.Seq, h, err, e.Hash)
		}
		if e.Incident != incident {
			t.Errorf("event %d Incident = %q, want %q", e.Seq, e.Incident, incident)
		}
		// Ensures At is stored in UTC (3.1) and names the same instant.
		if !e.At.Equal(t0) || e.At.Location() != time.UTC {
			t.Errorf("event %d At = %s, want %s in UTC", e.Seq, e.At, t0)
		}
	}
	if err := crisis.Verify(all); err != nil {
		t.Errorf("Verify(chained log) = %v, want nil", err)
	}
	// Ensures the stamped actor is each batch's actor.
	if got := []crisis.PersonID{all[0].Actor, all[2].Actor, all[3].Actor}; !slices.Equal(got, []crisis.PersonID{"sven", "sven", "lena"}) {
		t.Errorf("actors = %v, want [sven sven lena]", got)
	}
	// Ensures the hash ignores the Hash field itself but covers Prev.
	e := all[1]
	e.Hash = "forged"
	if h, _ := crisis.HashOf(e); h != all[1].Hash {
		t.Errorf("HashOf depends on the Hash field")
	}
	e.Prev = all[0].Prev
	if h, _ := crisis.HashOf(e); h == all[1].Hash {
		t.Errorf("HashOf does not cover Prev")
	}
	// Ensures an empty batch chains to nothing.
	if evs, err := crisis.Chain(incident, 3, "x", at, "lena", nil); err != nil || len(evs) != 0 {
		t.Errorf("Chain(nil) = %v, %v; want empty", evs, err)
	}
}

func TestVerify(t *testing.T) {
	h := busy(t)
	h.do(t0.Add(20*time.Minute), "sven", crisis.Log{Text: "shares isolated"})
	valid := h.evs
	n := len(valid)

	// mutate returns a copy of valid changed by f.
	mutate := func(f func([]crisis.Event) []crisis.Event) []crisis.Event {
		return f(slices.Clone(valid))
	}
	rehash := func(e *crisis.Event) {
		hash, err := crisis.HashOf(*e)
		if err != nil {
			t.Fatalf("HashOf: %v", err)
		}
		e.Hash = hash
	}

	tests := []struct {
		name string
		evs  []crisis.Event
		seq  uint64 // 0: Verify must accept
	}{
		// Ensures a log written by Chain verifies.
		{"valid", valid, 0},
		// Ensures an empty log verifies (nothing to contradict).
		{"empty", nil, 0},
		// Ensures a changed payload is detected at its event.
		{"changed payload", mutate(func(e []crisis.Event) []crisis.Event {
			e[n-1].Data = crisis.Logged{Text: "shares NOT isolated"}
			return e
		}), uint64(n)},
		// Ensures a changed instant is detected at its event.
		{"changed at", mutate(func(e []crisis.Event) []crisis.Event {
			e[4].At = e[4].At.Add(time.Second)
			return e
		}), 5},
		// Ensures a changed actor is detected at its event.
		{"changed actor", mutate(func(e []crisis.Event) []crisis.Event {
			e[n-2].Actor = "mia"
			return e
		}), uint64(n - 1)},
		// Ensures a changed incident is detected at its event.
		{"changed incident", mutate(func(e []crisis.Event) []crisis.Event {
			e[2].Incident = "other"
			return e
		}), 3},
		// Ensures a removed event (a gap) is detected where it is missing.
		{"removed", mutate(func(e []crisis.Event) []crisis.Event {
			return slices.Delete(e, 9, 10)
		}), 10},
		// Ensures a removal with the later events renumbered is still
		// detected, by the broken Prev link.
		{"removed renumbered", mutate(func(e []crisis.Event) []crisis.Event {
			e = slices.Delete(e, 9, 10)
			for i := 9; i < len(e); i++ {
				e[i].Seq--
			}
			return e
		}), 10},
		// Ensures a removed first event is detected.
		{"removed first", mutate(func(e []crisis.Event) []crisis.Event {
			return e[1:]
		}), 1},
		// Ensures two swapped events (a reorder) are detected at the first.
		{"swapped", mutate(func(e []crisis.Event) []crisis.Event {
			e[5], e[6] = e[6], e[5]
			return e
		}), 6},
		// Ensures a duplicated event is detected at the copy.
		{"duplicated", mutate(func(e []crisis.Event) []crisis.Event {
			return slices.Insert(e, 8, e[7])
		}), 9},
		// Ensures a changed event whose own hash was recomputed breaks the
		// chain at the next event.
		{"forged hash", mutate(func(e []crisis.Event) []crisis.Event {
			e[3].Data = crisis.RoleAssigned{Role: crisis.RoleMgmt, Person: "otto"}
			rehash(&e[3])
			return e
		}), 5},
		// Ensures a changed Prev is detected even when the hash is recomputed.
		{"forged prev", mutate(func(e []crisis.Event) []crisis.Event {
			e[0].Prev = "0000"
			rehash(&e[0])
			return e
		}), 1},
		// Documents the limit: a truncated tail is a valid shorter log.
		// Completeness of the tail is proven by the exporter's head hash
		// (the last Hash, published with the export), not by Verify alone.
		{"truncated tail", valid[:n-3], 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := crisis.Verify(tt.evs)
			if tt.seq == 0 {
				if err != nil {
					t.Errorf("Verify = %v, want nil", err)
				}
				return
			}
			var ce *crisis.ChainError
			if !errors.As(err, &ce) {
				t.Fatalf("Verify = %v (%T), want *crisis.ChainError", err, err)
			}
			if ce.Seq != tt.seq {
				t.Errorf("ChainError.Seq = %d (%s), want %d", ce.Seq, ce.Reason, tt.seq)
			}
		})
	}
	// Ensures the original log was not changed by the cases above.
	if err := crisis.Verify(valid); err != nil {
		t.Errorf("Verify(valid) after the cases = %v", err)
	}
	// Ensures the head hash exposes a truncated tail: it is the last Hash
	// of the complete log and appears nowhere in the truncated one.
	head := valid[n-1].Hash
	if slices.ContainsFunc(valid[:n-3], func(e crisis.Event) bool { return e.Hash == head }) {
		t.Errorf("head hash %s found in the truncated log", head)
	}
}
