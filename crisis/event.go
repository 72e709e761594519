package crisis

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"time"
)

// IncidentID names an incident, e.g. "2026-11-22-ransomware".
type IncidentID string

// PersonID names a person of the roster, e.g. "anna".
type PersonID string

// Kind is the type of an event. Values are stable: they are stored.
type Kind string

// Event kinds. Append only: a stored kind is never renamed.
const (
	KindOpened       Kind = "opened"
	KindRoleAssigned Kind = "role_assigned"
	KindInvited      Kind = "invited"
	KindPaged        Kind = "paged"
	KindRoomAdded    Kind = "room_added"
	KindLogged       Kind = "logged"
	KindDecided      Kind = "decided"
	KindTaskCreated  Kind = "task_created"
	KindTaskDone     Kind = "task_done"
	KindDeadlineSet  Kind = "deadline_set"
	KindAwareSet     Kind = "aware_set"
	KindDetectedSet  Kind = "detected_set"
	KindSnoozed      Kind = "snoozed"
	KindReminderSent Kind = "reminder_sent"
	KindResolved     Kind = "resolved"
	KindClosed       Kind = "closed"
)

// Payload is the kind-specific body of an event.
type Payload interface {
	Kind() Kind
}

// Event is one entry of an incident's log. Seq starts at 1; Prev is the Hash
// of the event before it (empty for Seq 1).
type Event struct {
	Incident IncidentID `json:"incident"`
	Seq      uint64     `json:"seq"`
	At       time.Time  `json:"at"`
	Actor    PersonID   `json:"actor,omitempty"`
	Data     Payload    `json:"-"`
	Prev     string     `json:"prev,omitempty"`
	Hash     string     `json:"hash"`
}

// Kind returns the kind of the event's payload.
func (e Event) Kind() Kind { return e.Data.Kind() }

// Instant is a point in time as a person stated it: the UTC instant plus the
// original input and the zone it was read in, kept for the audit trail.
type Instant struct {
	At    time.Time `json:"at"`
	Input string    `json:"input,omitempty"`
	Zone  string    `json:"zone,omitempty"`
}

// Room is a chat room on one platform.
type Room struct {
	Platform string `json:"platform"`
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
}

// Opened starts an incident.
type Opened struct {
	Title    string   `json:"title"`
	Severity string   `json:"severity,omitempty"`
	Detected Instant  `json:"detected"`
	Aware    *Instant `json:"aware,omitempty"`
	Regimes  []string `json:"regimes,omitempty"`
	Room     Room     `json:"room"`
	Lang     string   `json:"lang,omitempty"`
}

// RoleAssigned gives a role to a person; Previous is who held it before.
type RoleAssigned struct {
	Role     Role     `json:"role"`
	Person   PersonID `json:"person"`
	Previous PersonID `json:"previous,omitempty"`
}

// Invited adds people to the incident's team.
type Invited struct {
	People []PersonID `json:"people"`
}

// Paged calls everyone who holds a role.
type Paged struct {
	Role   Role       `json:"role"`
	People []PersonID `json:"people"`
	// Escalates: the seq of the page this one escalates to deputies
	// because nobody acknowledged it within PageAckWindow.
	Escalates uint64 `json:"escalates,omitempty"`
}

// RoomAdded records an additional room, e.g. on a second platform.
type RoomAdded struct {
	Room Room `json:"room"`
}

// Logged is a free timeline entry.
type Logged struct {
	Text string `json:"text"`
}

// Decided records a decision.
type Decided struct {
	Text string `json:"text"`
}

// TaskCreated creates a task. Checklist names the checklist item (FH-01) the
// task came from, if any.
type TaskCreated struct {
	Task      int      `json:"task"`
	Text      string   `json:"text"`
	Owner     PersonID `json:"owner,omitempty"`
	OwnerRole Role     `json:"owner_role,omitempty"`
	Due       *Instant `json:"due,omitempty"`
	Checklist string   `json:"checklist,omitempty"`
}

// TaskDone ticks off a task.
type TaskDone struct {
	Task int `json:"task"`
}

// DeadlineSet creates a custom deadline; Met marks it done.
type DeadlineSet struct {
	Deadline int      `json:"deadline"`
	Name     string   `json:"name"`
	Due      Instant  `json:"due"`
	Owner    PersonID `json:"owner"`
}

// DeadlineMet ticks off a custom deadline.
type DeadlineMet struct {
	Deadline int `json:"deadline"`
}

// AwareSet states or corrects the awareness instant. Previous is the
// instant it replaces (nil for the first statement).
type AwareSet struct {
	Aware    Instant    `json:"aware"`
	Previous *time.Time `json:"previous,omitempty"`
	Reason   string     `json:"reason,omitempty"`
	// GapWarning: awareness lies more than MaxAssessmentGap after
	// detection; a decision explaining the gap is required (3.2).
	GapWarning bool `json:"gap_warning,omitempty"`
	// Regime: awareness for one regime only ("" = all).
	Regime string `json:"regime,omitempty"`
	// Pending: a later correction waiting for the second of lead and
	// legal (3.7); the earlier instant stays authoritative until then.
	Pending bool   `json:"pending,omitempty"`
	Moves   []Move `json:"moves,omitempty"`
	// Tasks: correction tasks created because reports already filed
	// carry the old instant.
	Corrections []string `json:"corrections,omitempty"`
}

// DetectedSet corrects the detection instant.
type DetectedSet struct {
	Detected Instant   `json:"detected"`
	Previous time.Time `json:"previous"`
	Reason   string    `json:"reason,omitempty"`
}

// Snoozed postpones the reminders of a target until an instant.
type Snoozed struct {
	Target Target    `json:"target"`
	Until  time.Time `json:"until"`
}

// ReminderSent records that a reminder was sent. It copies what the ping
// shows so the message can be rendered from the event alone. Step is the
// offset from the due instant of the latest ladder step it covers; Missed
// counts earlier steps it consolidates (catch-up after downtime).
type ReminderSent struct {
	Target     Target        `json:"target"`
	Label      string        `json:"label"`
	Due        time.Time     `json:"due"`
	Step       time.Duration `json:"step"`
	Missed     int           `json:"missed,omitempty"`
	Recipients []PersonID    `json:"recipients"`
	AskOngoing bool          `json:"ask_ongoing,omitempty"`
}

// Resolved ends the acute phase ("handling concluded").
type Resolved struct {
	Summary string `json:"summary,omitempty"`
}

// Closed closes the incident after follow-up.
type Closed struct {
	Summary string `json:"summary,omitempty"`
}

func (Opened) Kind() Kind       { return KindOpened }
func (RoleAssigned) Kind() Kind { return KindRoleAssigned }
func (Invited) Kind() Kind      { return KindInvited }
func (Paged) Kind() Kind        { return KindPaged }
func (RoomAdded) Kind() Kind    { return KindRoomAdded }
func (Logged) Kind() Kind       { return KindLogged }
func (Decided) Kind() Kind      { return KindDecided }
func (TaskCreated) Kind() Kind  { return KindTaskCreated }
func (TaskDone) Kind() Kind     { return KindTaskDone }
func (DeadlineSet) Kind() Kind  { return KindDeadlineSet }
func (DeadlineMet) Kind() Kind  { return KindDeadlineMet }
func (AwareSet) Kind() Kind     { return KindAwareSet }
func (DetectedSet) Kind() Kind  { return KindDetectedSet }
func (Snoozed) Kind() Kind      { return KindSnoozed }
func (ReminderSent) Kind() Kind { return KindReminderSent }
func (Resolved) Kind() Kind     { return KindResolved }
func (Closed) Kind() Kind       { return KindClosed }

// KindDeadlineMet ticks off a custom deadline.
const KindDeadlineMet Kind = "deadline_met"

var payloadTypes = map[Kind]func() Payload{
	KindOpened:       func() Payload { return new(Opened) },
	KindRoleAssigned: func() Payload { return new(RoleAssigned) },
	KindInvited:      func() Payload { return new(Invited) },
	KindPaged:        func() Payload { return new(Paged) },
	KindRoomAdded:    func() Payload { return new(RoomAdded) },
	KindLogged:       func() Payload { return new(Logged) },
	KindDecided:      func() Payload { return new(Decided) },
	KindTaskCreated:  func() Payload { return new(TaskCreated) },
	KindTaskDone:     func() Payload { return new(TaskDone) },
	KindDeadlineSet:  func() Payload { return new(DeadlineSet) },
	KindDeadlineMet:  func() Payload { return new(DeadlineMet) },
	KindAwareSet:     func() Payload { return new(AwareSet) },
	KindDetectedSet:  func() Payload { return new(DetectedSet) },
	KindSnoozed:      func() Payload { return new(Snoozed) },
	KindReminderSent: func() Payload { return new(ReminderSent) },
	KindResolved:     func() Payload { return new(Resolved) },
	KindClosed:       func() Payload { return new(Closed) },
}

// wireEvent is the stored and exported form of an Event.
type wireEvent struct {
	Incident IncidentID      `json:"incident"`
	Seq      uint64          `json:"seq"`
	At       time.Time       `json:"at"`
	Actor    PersonID        `json:"actor,omitempty"`
	Kind     Kind            `json:"kind"`
	Data     json.RawMessage `json:"data"`
	Prev     string          `json:"prev,omitempty"`
	Hash     string          `json:"hash"`
}

// MarshalJSON writes the event with its kind and payload.
func (e Event) MarshalJSON() ([]byte, error) {
	if e.Data == nil {
		return nil, fmt.Errorf("marshal event %s/%d: no payload", e.Incident, e.Seq)
	}
	data, err := json.Marshal(e.Data)
	if err != nil {
		return nil, fmt.Errorf("marshal %s payload: %w", e.Data.Kind(), err)
	}
	return json.Marshal(wireEvent{
		Incident: e.Incident, Seq: e.Seq, At: e.At, Actor: e.Actor,
		Kind: e.Data.Kind(), Data: data, Prev: e.Prev, Hash: e.Hash,
	})
}

// UnmarshalJSON reads an event written by MarshalJSON.
func (e *Event) UnmarshalJSON(b []byte) error {
	var w wireEvent
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("unmarshal event: %w", err)
	}
	mk, ok := payloadTypes[w.Kind]
	if !ok {
		return fmt.Errorf("unmarshal event %s/%d: unknown kind %q", w.Incident, w.Seq, w.Kind)
	}
	p := mk()
	if err := json.Unmarshal(w.Data, p); err != nil {
		return fmt.Errorf("unmarshal %s payload: %w", w.Kind, err)
	}
	*e = Event{Incident: w.Incident, Seq: w.Seq, At: w.At, Actor: w.Actor,
		Data: deref(p), Prev: w.Prev, Hash: w.Hash}
	return nil
}

// deref turns the *T made by payloadTypes into the T value that Decide
// produces, so events compare equal after a round trip.
func deref(p Payload) Payload {
	switch v := p.(type) {
	case *Opened:
		return *v
	case *RoleAssigned:
		return *v
	case *Invited:
		return *v
	case *Paged:
		return *v
	case *RoomAdded:
		return *v
	case *Logged:
		return *v
	case *Decided:
		return *v
	case *TaskCreated:
		return *v
	case *TaskDone:
		return *v
	case *DeadlineSet:
		return *v
	case *DeadlineMet:
		return *v
	case *AwareSet:
		return *v
	case *DetectedSet:
		return *v
	case *Snoozed:
		return *v
	case *ReminderSent:
		return *v
	case *Resolved:
		return *v
	case *Closed:
		return *v
	}
	if v := reflect.ValueOf(p); v.Kind() == reflect.Pointer {
		return v.Elem().Interface().(Payload)
	}
	return p
}

// register adds a payload type for decoding.
func register(p Payload) {
	t := reflect.TypeOf(p)
	payloadTypes[p.Kind()] = func() Payload { return reflect.New(t).Interface().(Payload) }
}

// HashOf computes the chain hash of e: SHA-256 over the canonical JSON of
// everything but the Hash field itself (which includes Prev).
func HashOf(e Event) (string, error) {
	e.Hash = ""
	b, err := e.MarshalJSON()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Chain numbers and links new events after the event with sequence number
// lastSeq and hash lastHash, stamping each with at and actor.
func Chain(id IncidentID, lastSeq uint64, lastHash string, at time.Time, actor PersonID, data []Payload) ([]Event, error) {
	evs := make([]Event, 0, len(data))
	prev := lastHash
	for i, d := range data {
		e := Event{Incident: id, Seq: lastSeq + uint64(i) + 1, At: at.UTC(), Actor: actor, Data: d, Prev: prev}
		h, err := HashOf(e)
		if err != nil {
			return nil, fmt.Errorf("chain event %d: %w", e.Seq, err)
		}
		e.Hash = h
		prev = h
		evs = append(evs, e)
	}
	return evs, nil
}

// ChainError says where a log fails verification.
type ChainError struct {
	Seq    uint64
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("hash chain broken at event %d: %s", e.Seq, e.Reason)
}

// Verify checks that evs is an unaltered log from Seq 1: no gap, no change
// and no reorder. A truncated tail is only detectable against the head
// hash recorded elsewhere (the export carries it). It returns a *ChainError naming the first bad
// event.
func Verify(evs []Event) error {
	prev := ""
	for i, e := range evs {
		want := uint64(i) + 1
		if e.Seq != want {
			return &ChainError{Seq: want, Reason: fmt.Sprintf("found event %d in its place (gap or reorder)", e.Seq)}
		}
		if e.Prev != prev {
			return &ChainError{Seq: e.Seq, Reason: "previous hash does not match"}
		}
		h, err := HashOf(e)
		if err != nil {
			return &ChainError{Seq: e.Seq, Reason: err.Error()}
		}
		if h != e.Hash {
			return &ChainError{Seq: e.Seq, Reason: "content does not match its hash"}
		}
		prev = e.Hash
	}
	return nil
}
