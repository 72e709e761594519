// Package crisis is the domain of Krisenstab: incidents, their events, the
// state folded from those events, the decisions that turn commands into new
// events, roles, tasks, deadlines and the reminder arithmetic.
//
// The package is pure: it imports only the standard library, does no I/O and
// never reads the clock. Every function that needs the current instant takes
// it as an argument, so tests pass the instants of crisis-domain.md directly.
//
// Vocabulary:
//
//   - Incident: one crisis, identified by an IncidentID, with an append-only
//     log of Events. Each event carries the SHA-256 hash of its predecessor,
//     so Verify detects any gap, change or reorder.
//   - State: everything known about an incident, derived by Fold.
//   - Command: what a person asked for; Decide turns State + Command + now
//     into new events or an *Error with a Code (no prose: package messages
//     renders it in German or English).
//   - Reminder: a ping that is due at an instant, derived from State by
//     Reminders; the store keeps them in its due index.
package crisis
