package crisis

import "time"

// Command is a request to change an incident. Decide turns it into events.
// Package commands parses chat text into these values.
type Command interface {
	command()
}

// Start opens an incident. ID and Room are filled in by the runtime (it
// picks a free ID and creates the room) before Decide sees the command.
type Start struct {
	ID       IncidentID
	Title    string
	Severity string
	Detected *Instant
	Aware    *Instant
	Regimes  []string
	Room     Room
	Lang     string
}

// AssignRole gives Role to Person.
type AssignRole struct {
	Role   Role
	Person PersonID
}

// Invite adds people to the team.
type Invite struct {
	People []PersonID
}

// Page calls everyone holding Role.
type Page struct {
	Role Role
}

// AddRoom records an additional room (created by the runtime).
type AddRoom struct {
	Room Room
}

// Log adds a timeline entry.
type Log struct {
	Text string
}

// Decision records a decision.
type Decision struct {
	Text string
}

// CreateTask creates a task.
type CreateTask struct {
	Text  string
	Owner PersonID
	Due   *Instant
}

// Done ticks off a task (by number or checklist ID) or a custom deadline
// (by name).
type Done struct {
	Ref string
}

// SetDeadline creates a custom deadline.
type SetDeadline struct {
	Name  string
	Due   Instant
	Owner PersonID
}

// Aware states or corrects the awareness instant.
type Aware struct {
	At     Instant
	Reason string
}

// Detected corrects the detection instant.
type Detected struct {
	At     Instant
	Reason string
}

// Snooze postpones the reminders of a task or custom deadline.
type Snooze struct {
	Ref string
	For time.Duration
}

// FireReminder is issued by the scheduler when a reminder is due.
type FireReminder struct {
	Target Target
}

// Resolve ends the acute phase.
type Resolve struct {
	Summary string
}

// Close closes the incident.
type Close struct {
	Summary string
}

func (Start) command()        {}
func (AssignRole) command()   {}
func (Invite) command()       {}
func (Page) command()         {}
func (AddRoom) command()      {}
func (Log) command()          {}
func (Decision) command()     {}
func (CreateTask) command()   {}
func (Done) command()         {}
func (SetDeadline) command()  {}
func (Aware) command()        {}
func (Detected) command()     {}
func (Snooze) command()       {}
func (FireReminder) command() {}
func (Resolve) command()      {}
func (Close) command()        {}
