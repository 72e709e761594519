package crisis

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Status is the lifecycle state of an incident.
type Status string

// Incident statuses.
const (
	StatusOpen     Status = "open"
	StatusResolved Status = "resolved"
	StatusClosed   Status = "closed"
)

// TargetKind says what a reminder target is.
type TargetKind string

// Target kinds.
const (
	TargetTask       TargetKind = "task"
	TargetDeadline   TargetKind = "deadline"
	TargetObligation TargetKind = "obligation"
	TargetPage       TargetKind = "page"
	TargetReceipt    TargetKind = "receipt"
)

// Target names something with a due instant that reminders are about.
type Target struct {
	Kind TargetKind `json:"kind"`
	ID   int        `json:"id,omitempty"`
	Name string     `json:"name,omitempty"` // obligation ID
}

// String renders a target as "task:3" or "obligation:bsig.meldung"; it is
// used as a stable key.
func (t Target) String() string {
	if t.Kind == TargetObligation || t.Kind == TargetReceipt {
		return string(t.Kind) + ":" + t.Name
	}
	return string(t.Kind) + ":" + strconv.Itoa(t.ID)
}

// ParseTarget reads the String form.
func ParseTarget(s string) (Target, error) {
	k, n, ok := strings.Cut(s, ":")
	if ok && (k == string(TargetObligation) || k == string(TargetReceipt)) && IsObligation(n) {
		return Target{Kind: TargetKind(k), Name: n}, nil
	}
	id, err := strconv.Atoi(n)
	if !ok || err != nil || (k != string(TargetTask) && k != string(TargetDeadline) && k != string(TargetPage)) {
		return Target{}, fmt.Errorf("parse target %q: want task:N, deadline:N, page:N or obligation:ID", s)
	}
	return Target{Kind: TargetKind(k), ID: id}, nil
}

// Task is a piece of work with an owner and maybe a due instant.
type Task struct {
	ID        int        `json:"id"`
	Text      string     `json:"text,omitempty"`
	Checklist string     `json:"checklist,omitempty"`
	Owner     PersonID   `json:"owner,omitempty"`
	OwnerRole Role       `json:"owner_role,omitempty"`
	Due       *Instant   `json:"due,omitempty"`
	Created   time.Time  `json:"created"`
	Done      *time.Time `json:"done,omitempty"`
	DoneBy    PersonID   `json:"done_by,omitempty"`
}

// Deadline is a custom deadline set with the deadline command.
type Deadline struct {
	ID      int        `json:"id"`
	Name    string     `json:"name"`
	Due     Instant    `json:"due"`
	Owner   PersonID   `json:"owner"`
	Created time.Time  `json:"created"`
	Met     *time.Time `json:"met,omitempty"`
}

// State is everything known about one incident, derived from its events.
// It is JSON-encodable so the store can snapshot it.
type State struct {
	ID        IncidentID               `json:"id"`
	Title     string                   `json:"title"`
	Severity  string                   `json:"severity,omitempty"`
	Lang      string                   `json:"lang,omitempty"`
	Status    Status                   `json:"status"`
	Opened    time.Time                `json:"opened"`
	OpenedBy  PersonID                 `json:"opened_by"`
	Detected  Instant                  `json:"detected"`
	Aware     *Instant                 `json:"aware,omitempty"`
	Regimes   []string                 `json:"regimes,omitempty"`
	Rooms     []Room                   `json:"rooms"`
	Roles     map[Role]PersonID        `json:"roles"`
	Members   []PersonID               `json:"members"`
	Tasks     []Task                   `json:"tasks"`
	Deadlines []Deadline               `json:"deadlines"`
	Snoozed   map[string]time.Time     `json:"snoozed,omitempty"`
	Sent      map[string]time.Duration `json:"sent,omitempty"`
	Resolved  *time.Time               `json:"resolved,omitempty"`

	// Regulatory clocks and drafts (crisis-domain.md 2-4).
	AwareBy      map[string]Instant          `json:"aware_by,omitempty"`
	PendingAware map[string]PendingAware     `json:"pending_aware,omitempty"`
	Withdrawn    map[string]string           `json:"withdrawn,omitempty"` // regime -> reason
	Classified   *Instant                    `json:"classified,omitempty"`
	HighRisk     *Instant                    `json:"high_risk,omitempty"`
	Requests     map[string]AuthorityRequest `json:"requests,omitempty"`
	Submissions  map[string][]Submission     `json:"submissions,omitempty"`
	Waivers      map[string]Waiver           `json:"waivers,omitempty"`
	Facts        map[string]Fact             `json:"facts,omitempty"`
	Drafts       []Draft                     `json:"drafts,omitempty"`
	Pages        []PageCall                  `json:"pages,omitempty"`
	Receipts     map[string]Submission       `json:"receipts,omitempty"`
	Updated      time.Time                   `json:"updated"`
	Closed       *time.Time                  `json:"closed,omitempty"`
	LastSeq      uint64                      `json:"last_seq"`
	LastHash     string                      `json:"last_hash"`
}

// PendingAware is a later awareness correction awaiting its second approver.
type PendingAware struct {
	Aware    Instant   `json:"aware"`
	Reason   string    `json:"reason"`
	Proposer PersonID  `json:"proposer"`
	At       time.Time `json:"at"`
}

// AuthorityRequest is an authority's request for a report.
type AuthorityRequest struct {
	At  time.Time  `json:"at"`
	Due *time.Time `json:"due,omitempty"`
	Ref string     `json:"ref,omitempty"`
}

// Submission is a recorded filing.
type Submission struct {
	At         time.Time `json:"at"`
	Ref        string    `json:"ref,omitempty"`
	By         PersonID  `json:"by"`
	Unapproved bool      `json:"unapproved,omitempty"`
}

// Waiver is a recorded decision not to file.
type Waiver struct {
	By     PersonID  `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// Fact is one entry of the incident's fact sheet.
type Fact struct {
	Value string    `json:"value"`
	By    PersonID  `json:"by"`
	At    time.Time `json:"at"`
}

// PageCall is a call to a role's holders that expects an acknowledgement.
type PageCall struct {
	Seq       uint64            `json:"seq"`
	Role      Role              `json:"role"`
	People    []PersonID        `json:"people"`
	At        time.Time         `json:"at"`
	Acked     map[PersonID]bool `json:"acked,omitempty"`
	Escalated bool              `json:"escalated,omitempty"`
}

// Fold derives the state of an incident from its whole log.
func Fold(evs []Event) State {
	var st State
	for _, e := range evs {
		st.Apply(e)
	}
	return st
}

// Apply advances the state by one event. Events were validated by Decide
// before they were stored, so Apply never fails; unknown references are
// ignored rather than trusted.
func (s *State) Apply(e Event) {
	s.LastSeq, s.LastHash = e.Seq, e.Hash
	if s.applyReg(e) {
		s.Updated = e.At
		return
	}
	s.Updated = e.At
	switch d := e.Data.(type) {
	case Opened:
		*s = State{ID: e.Incident, Title: d.Title, Severity: d.Severity, Lang: d.Lang,
			Status: StatusOpen, Opened: e.At, OpenedBy: e.Actor, Detected: d.Detected,
			Aware: d.Aware, Regimes: slices.Clone(d.Regimes), Rooms: []Room{d.Room},
			Roles: map[Role]PersonID{}, LastSeq: e.Seq, LastHash: e.Hash}
		s.addMember(e.Actor)
	case RoleAssigned:
		s.Roles[d.Role] = d.Person
		s.addMember(d.Person)
	case Invited:
		for _, p := range d.People {
			s.addMember(p)
		}
	case Paged:
		if d.Escalates != 0 {
			for i := range s.Pages {
				if s.Pages[i].Seq == d.Escalates {
					s.Pages[i].Escalated = true
				}
			}
		}
		s.Pages = append(s.Pages, PageCall{Seq: e.Seq, Role: d.Role, People: slices.Clone(d.People), At: e.At,
			Escalated: d.Escalates != 0})
	case RoomAdded:
		s.Rooms = append(s.Rooms, d.Room)
	case TaskCreated:
		t := Task{ID: d.Task, Text: d.Text, Checklist: d.Checklist, Owner: d.Owner,
			OwnerRole: d.OwnerRole, Due: d.Due, Created: e.At}
		s.Tasks = append(s.Tasks, t)
		s.addMember(d.Owner)
	case TaskDone:
		if t := s.Task(d.Task); t != nil {
			at := e.At
			t.Done, t.DoneBy = &at, e.Actor
		}
	case DeadlineSet:
		s.Deadlines = append(s.Deadlines, Deadline{ID: d.Deadline, Name: d.Name, Due: d.Due,
			Owner: d.Owner, Created: e.At})
		s.addMember(d.Owner)
	case DeadlineMet:
		if dl := s.Deadline(d.Deadline); dl != nil {
			at := e.At
			dl.Met = &at
		}
	case AwareSet:
		s.setAware(d.Regime, d.Aware, d.Pending, e)
	case DetectedSet:
		s.Detected = d.Detected
	case Snoozed:
		if s.Snoozed == nil {
			s.Snoozed = map[string]time.Time{}
		}
		s.Snoozed[d.Target.String()] = d.Until
	case ReminderSent:
		if s.Sent == nil {
			s.Sent = map[string]time.Duration{}
		}
		s.Sent[d.Target.String()] = d.Step
	case Resolved:
		at := e.At
		s.Status, s.Resolved = StatusResolved, &at
	case Closed:
		at := e.At
		s.Status, s.Closed = StatusClosed, &at
	}
}

func (s *State) addMember(p PersonID) {
	if p == "" || slices.Contains(s.Members, p) {
		return
	}
	s.Members = append(s.Members, p)
}

// Task returns the task with id, or nil.
func (s *State) Task(id int) *Task {
	if id < 1 || id > len(s.Tasks) {
		return nil
	}
	return &s.Tasks[id-1]
}

// Deadline returns the custom deadline with id, or nil.
func (s *State) Deadline(id int) *Deadline {
	if id < 1 || id > len(s.Deadlines) {
		return nil
	}
	return &s.Deadlines[id-1]
}

// HasRoom reports whether the incident has room r.
func (s *State) HasRoom(platform, id string) bool {
	for _, r := range s.Rooms {
		if r.Platform == platform && r.ID == id {
			return true
		}
	}
	return false
}

// Holds reports whether person p holds role r in this incident.
func (s *State) Holds(p PersonID, r Role) bool {
	return p != "" && s.Roles[r] == p
}

// RolesOf lists the incident roles person p holds.
func (s *State) RolesOf(p PersonID) []Role {
	var out []Role
	for _, r := range Roles() {
		if s.Holds(p, r) {
			out = append(out, r)
		}
	}
	return out
}

// Clone returns a deep copy, so a cached state can be decided on without
// being changed until the events are committed.
func (s State) Clone() State {
	c := s
	c.Regimes = slices.Clone(s.Regimes)
	c.Rooms = slices.Clone(s.Rooms)
	c.Members = slices.Clone(s.Members)
	c.Tasks = slices.Clone(s.Tasks)
	c.Deadlines = slices.Clone(s.Deadlines)
	c.Roles = cloneMap(s.Roles)
	c.Snoozed = cloneMap(s.Snoozed)
	c.Sent = cloneMap(s.Sent)
	c.AwareBy = cloneMap(s.AwareBy)
	c.PendingAware = cloneMap(s.PendingAware)
	c.Withdrawn = cloneMap(s.Withdrawn)
	c.Requests = cloneMap(s.Requests)
	c.Waivers = cloneMap(s.Waivers)
	c.Facts = cloneMap(s.Facts)
	c.Receipts = cloneMap(s.Receipts)
	if s.Submissions != nil {
		c.Submissions = make(map[string][]Submission, len(s.Submissions))
		for k, v := range s.Submissions {
			c.Submissions[k] = slices.Clone(v)
		}
	}
	c.Drafts = make([]Draft, len(s.Drafts))
	for i, d := range s.Drafts {
		c.Drafts[i] = d.clone()
	}
	if s.Drafts == nil {
		c.Drafts = nil
	}
	c.Pages = make([]PageCall, len(s.Pages))
	for i, p := range s.Pages {
		p.Acked = cloneMap(p.Acked)
		c.Pages[i] = p
	}
	if s.Pages == nil {
		c.Pages = nil
	}
	return c
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	c := make(map[K]V, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
