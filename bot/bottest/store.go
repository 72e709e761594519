package bottest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
)

// Store is an in-memory bot.Store with the same contract as the Badger
// store (atomic commits, head check, dedupe), for tests that must not do
// real I/O, such as timer tests inside testing/synctest bubbles.
type Store struct {
	mu     sync.Mutex
	events map[crisis.IncidentID][]crisis.Event
	rooms  map[string]crisis.IncidentID
	rems   map[crisis.IncidentID][]crisis.Reminder
	outbox []crisis.PendingNotice
	nextID uint64
	dedupe map[string]bool
	opened []crisis.IncidentID
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{events: map[crisis.IncidentID][]crisis.Event{}, rooms: map[string]crisis.IncidentID{},
		rems: map[crisis.IncidentID][]crisis.Reminder{}, dedupe: map[string]bool{}, nextID: 1}
}

type dupError struct{}

func (dupError) Error() string   { return "duplicate" }
func (dupError) Duplicate() bool { return true }

// Load implements bot.Store.
func (s *Store) Load(_ context.Context, id crisis.IncidentID) (crisis.State, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	evs, ok := s.events[id]
	if !ok {
		return crisis.State{}, false, nil
	}
	return crisis.Fold(evs), true, nil
}

// Commit implements bot.Store.
func (s *Store) Commit(_ context.Context, c crisis.Change) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.DedupeKey != "" && s.dedupe[c.DedupeKey] {
		return dupError{}
	}
	old := s.events[c.Incident]
	var seq uint64
	var prev string
	if n := len(old); n > 0 {
		seq, prev = old[n-1].Seq, old[n-1].Hash
	}
	if len(c.Events) == 0 {
		return fmt.Errorf("commit %s: no events", c.Incident)
	}
	for _, e := range c.Events {
		if e.Seq != seq+1 || e.Prev != prev {
			return fmt.Errorf("commit %s: event %d does not follow %d", c.Incident, e.Seq, seq)
		}
		seq, prev = e.Seq, e.Hash
	}
	if len(old) == 0 {
		s.opened = append(s.opened, c.Incident)
	}
	s.events[c.Incident] = append(slices.Clone(old), c.Events...)
	for _, e := range c.Events {
		switch d := e.Data.(type) {
		case crisis.Opened:
			s.rooms[d.Room.Platform+"\x00"+d.Room.ID] = c.Incident
		case crisis.RoomAdded:
			s.rooms[d.Room.Platform+"\x00"+d.Room.ID] = c.Incident
		}
	}
	s.rems[c.Incident] = slices.Clone(c.Reminders)
	for _, n := range c.Notices {
		s.outbox = append(s.outbox, crisis.PendingNotice{ID: s.nextID, Notice: n})
		s.nextID++
	}
	if c.DedupeKey != "" {
		s.dedupe[c.DedupeKey] = true
	}
	return nil
}

// Events implements bot.Store.
func (s *Store) Events(_ context.Context, id crisis.IncidentID, from uint64, fn func(crisis.Event) error) error {
	s.mu.Lock()
	evs := slices.Clone(s.events[id])
	s.mu.Unlock()
	for _, e := range evs {
		if e.Seq >= from {
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// RawEvents implements bot.Store.
func (s *Store) RawEvents(ctx context.Context, id crisis.IncidentID, from uint64, fn func([]byte) error) error {
	return s.Events(ctx, id, from, func(e crisis.Event) error {
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		return fn(b)
	})
}

// Event implements bot.Store.
func (s *Store) Event(_ context.Context, id crisis.IncidentID, seq uint64) (crisis.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	evs := s.events[id]
	if seq < 1 || seq > uint64(len(evs)) {
		return crisis.Event{}, fmt.Errorf("event %s/%d not found", id, seq)
	}
	return evs[seq-1], nil
}

// IncidentByRoom implements bot.Store.
func (s *Store) IncidentByRoom(_ context.Context, platform, room string) (crisis.IncidentID, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.rooms[platform+"\x00"+room]
	return id, ok, nil
}

// Incidents implements bot.Store.
func (s *Store) Incidents(context.Context) ([]crisis.IncidentID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.opened)
	slices.Reverse(out)
	return out, nil
}

func (s *Store) all() []crisis.Reminder {
	var out []crisis.Reminder
	for _, rs := range s.rems {
		out = append(out, rs...)
	}
	slices.SortFunc(out, func(a, b crisis.Reminder) int { return a.At.Compare(b.At) })
	return out
}

// NextReminder implements bot.Store.
func (s *Store) NextReminder(context.Context) (crisis.Reminder, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.all()
	if len(all) == 0 {
		return crisis.Reminder{}, false, nil
	}
	return all[0], true, nil
}

// DueReminders implements bot.Store.
func (s *Store) DueReminders(_ context.Context, until time.Time, limit int) ([]crisis.Reminder, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []crisis.Reminder
	for _, r := range s.all() {
		if r.At.After(until) || len(out) >= limit {
			break
		}
		out = append(out, r)
	}
	return out, nil
}

// SetReminders implements bot.Store.
func (s *Store) SetReminders(_ context.Context, id crisis.IncidentID, rems []crisis.Reminder) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rems[id] = slices.Clone(rems)
	return nil
}

// PendingNotices implements bot.Store.
func (s *Store) PendingNotices(_ context.Context, limit int) ([]crisis.PendingNotice, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.outbox[:min(limit, len(s.outbox))]), nil
}

// DeleteNotice implements bot.Store.
func (s *Store) DeleteNotice(_ context.Context, id uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outbox = slices.DeleteFunc(s.outbox, func(p crisis.PendingNotice) bool { return p.ID == id })
	return nil
}

// Requeue puts a notice back into the outbox, as if its delivery had
// happened but the crash came before the entry was deleted.
func (s *Store) Requeue(n crisis.Notice) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outbox = append(s.outbox, crisis.PendingNotice{ID: s.nextID, Notice: n})
	s.nextID++
}
