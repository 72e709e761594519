package crisis

import (
	"fmt"
	"time"
)

// Reminder is a pending ping: at At, Target of Incident is due for its next
// reminder step. An incident has at most one pending reminder per target;
// Reminders derives the whole set from State.
type Reminder struct {
	Incident IncidentID `json:"incident"`
	Target   Target     `json:"target"`
	At       time.Time  `json:"at"`
}

// Key identifies the reminder's target across the store.
func (r Reminder) Key() string { return string(r.Incident) + "/" + r.Target.String() }

// Notice is a message an event owes someone: a post to one of the
// incident's rooms, or a direct message to a person. Notices are written to
// the outbox in the same transaction as their event and delivered at least
// once; Key deduplicates repeated deliveries.
type Notice struct {
	Incident IncidentID `json:"incident"`
	Seq      uint64     `json:"seq"`
	Room     *Room      `json:"room,omitempty"`
	Person   PersonID   `json:"person,omitempty"`
}

// Key identifies a notice: incident, event and destination.
func (n Notice) Key() string {
	dest := "dm:" + string(n.Person)
	if n.Room != nil {
		dest = "room:" + n.Room.Platform + ":" + n.Room.ID
	}
	return fmt.Sprintf("%s/%d/%s", n.Incident, n.Seq, dest)
}

// Change is everything one decision writes, all or nothing: the new events,
// the state after them (the store may snapshot it), the incident's complete
// set of pending reminders after the change (it replaces the previous set),
// the notices the events cause, and the platform's dedupe key for the
// request that caused it (a second Change with the same key is refused).
type Change struct {
	Incident  IncidentID
	Events    []Event
	State     State
	Reminders []Reminder
	Notices   []Notice
	DedupeKey string
}

// PendingNotice is a notice in the outbox with the store's outbox ID, which
// orders notices by commit.
type PendingNotice struct {
	ID     uint64
	Notice Notice
}
