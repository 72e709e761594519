package bot

import (
	"context"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
)

// Store is the persistence the runtime consumes. Package store implements
// it on Badger; cmd wires the two together so bot never imports store.
//
// Durability contract: when Commit returns nil, the change's events, notices,
// reminders and dedupe key are on disk (synced), all of them or none.
type Store interface {
	// Load returns the current state of an incident; found is false if the
	// incident does not exist.
	Load(ctx context.Context, id crisis.IncidentID) (st crisis.State, found bool, err error)
	// Commit writes a change atomically. The change's first event must
	// follow the stored last event (Seq and Prev), else it fails. If the
	// dedupe key was committed before, it fails with an error whose
	// Duplicate() method reports true, and nothing is written.
	Commit(ctx context.Context, c crisis.Change) error
	// Events calls fn for every event of the incident with Seq >= from, in
	// order, until fn returns an error.
	Events(ctx context.Context, id crisis.IncidentID, from uint64, fn func(crisis.Event) error) error
	// RawEvents is Events without decoding: fn gets each event's stored
	// JSON (valid only during the call).
	RawEvents(ctx context.Context, id crisis.IncidentID, from uint64, fn func([]byte) error) error
	// Event returns one event.
	Event(ctx context.Context, id crisis.IncidentID, seq uint64) (crisis.Event, error)
	// IncidentByRoom finds the incident a room belongs to.
	IncidentByRoom(ctx context.Context, platform, room string) (id crisis.IncidentID, found bool, err error)
	// Incidents lists all incident IDs, newest first.
	Incidents(ctx context.Context) ([]crisis.IncidentID, error)
	// NextReminder returns the earliest pending reminder of all incidents.
	NextReminder(ctx context.Context) (r crisis.Reminder, found bool, err error)
	// DueReminders returns pending reminders with At <= until, earliest
	// first, at most limit.
	DueReminders(ctx context.Context, until time.Time, limit int) ([]crisis.Reminder, error)
	// SetReminders replaces the incident's pending reminders without
	// writing events (used when the due index and the state disagree).
	SetReminders(ctx context.Context, id crisis.IncidentID, rems []crisis.Reminder) error
	// PendingNotices returns undelivered notices in commit order, at most
	// limit, each with the outbox ID to pass to DeleteNotice.
	PendingNotices(ctx context.Context, limit int) ([]crisis.PendingNotice, error)
	// DeleteNotice removes a delivered notice from the outbox (synced).
	DeleteNotice(ctx context.Context, outboxID uint64) error
}
