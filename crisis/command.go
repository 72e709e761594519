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
	Regime string // "" = all regimes
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

// RegimeChange switches a regime on (Add) or off (with a reason).
type RegimeChange struct {
	Add    bool
	Regime string
	Reason string
}

// ConfirmAware is the second approval of a pending later correction.
type ConfirmAware struct {
	Regime string
}

// Classify records a DORA major classification or a GDPR high-risk decision.
type Classify struct {
	Class string
	At    Instant
}

// Request records an authority's request for a report.
type Request struct {
	Obligation string
	At         Instant
	Due        *Instant
	Ref        string
}

// Submit records a filing.
type Submit struct {
	Obligation string
	At         Instant
	Ref        string
}

// Waive records a decision not to file.
type Waive struct {
	Obligation string
	Reason     string
}

// SetFact sets (or with an empty value clears) a fact.
type SetFact struct {
	Key   string
	Value string
}

// CreateDraft starts a draft from text the runtime rendered from the facts.
type CreateDraft struct {
	Kind       string
	Lang       string
	Obligation string
	Text       string
}

// EditDraft replaces a draft's text with a new revision.
type EditDraft struct {
	Draft int
	Text  string
}

// ReviewDraft records that the actor has seen the current revision.
type ReviewDraft struct {
	Draft int
}

// Approve approves a revision (Rev 0: the current one). Reaction: the
// approval came as ✅ on the posted revision, which acknowledges the
// warnings shown with it.
type Approve struct {
	Draft      int
	Rev        int
	Ack        bool
	BreakGlass bool
	Reason     string
	Reaction   bool
}

// Withdraw takes an approval back before release.
type Withdraw struct {
	Draft int
	Rev   int
}

// Reject turns the current revision down.
type Reject struct {
	Draft  int
	Rev    int
	Reason string
}

// RecordPost, RecordPublished and RecordFailure are issued by the
// dispatcher after delivering a draft or publication.
type RecordPost struct {
	Draft int
	Rev   int
	Post  Post
}

// RecordPublished records a delivered publication.
type RecordPublished struct {
	Draft int
	Post  Post
}

// RecordFailure records a failed publication attempt.
type RecordFailure struct {
	Draft int
	Room  Room
	Error string
}

// RecordReceipt records an authority's receipt for a filed report.
type RecordReceipt struct {
	Obligation string
	At         Instant
	Ref        string
}

func (RecordReceipt) command() {}

// Ack acknowledges the actor's open pages.
type Ack struct{}

func (RegimeChange) command()    {}
func (ConfirmAware) command()    {}
func (Classify) command()        {}
func (Request) command()         {}
func (Submit) command()          {}
func (Waive) command()           {}
func (SetFact) command()         {}
func (CreateDraft) command()     {}
func (EditDraft) command()       {}
func (ReviewDraft) command()     {}
func (Approve) command()         {}
func (Withdraw) command()        {}
func (Reject) command()          {}
func (RecordPost) command()      {}
func (RecordPublished) command() {}
func (RecordFailure) command()   {}
func (Ack) command()             {}
