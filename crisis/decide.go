package crisis

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on user text, so one message cannot bloat the log or a chat post.
const (
	MaxText  = 4000
	MaxTitle = 200
	// Skew is how far in the future an "it happened" instant may lie.
	Skew = 2 * time.Minute
	// MaxSnooze bounds a snooze: a reminder is postponed, never silenced.
	MaxSnooze = 24 * time.Hour
	// MaxAssessmentGap is policy.max_assessment_gap (crisis-domain.md 3.2).
	MaxAssessmentGap = 4 * time.Hour
)

// Env is what decisions need besides the state: the roster and the
// reminder policy from configuration.
type Env struct {
	Roster Roster
	Policy Policy
	// Approval is the release policy per draft kind; nil: the default.
	Approval ApprovalPolicy
	// Lint checks a draft's text (package messages); nil: no text rules.
	Lint Linter
	// Publish lists the rooms a released draft kind goes to.
	Publish map[string][]Room
	// FactKeys are the fact keys set accepts; nil accepts any.
	FactKeys []string
}

// Linter checks a draft text against the incident's facts at now.
type Linter func(s *State, kind, lang, text string, now time.Time) []Finding

// Decide turns a command by actor at now into the payloads of new events, or
// a *Error. It never changes s. For Start, s must be the zero State.
func Decide(s State, env Env, actor PersonID, c Command, now time.Time) ([]Payload, error) {
	now = now.UTC()
	if st, ok := c.(Start); ok {
		return decideStart(s, env, actor, st, now)
	}
	if s.ID == "" {
		return nil, fail(CodeNoIncident)
	}
	if _, ok := c.(FireReminder); !ok && s.Status == StatusClosed {
		return nil, fail(CodeIncidentClosed, "incident", string(s.ID))
	}
	switch c := c.(type) {
	case AssignRole:
		return decideRole(s, env, actor, c)
	case Invite:
		var add []PersonID
		for _, p := range c.People {
			if _, ok := env.Roster.Person(p); !ok {
				return nil, fail(CodeUnknownPerson, "person", string(p))
			}
			if !slices.Contains(s.Members, p) && !slices.Contains(add, p) {
				add = append(add, p)
			}
		}
		if len(add) == 0 {
			return nil, fail(CodeNothingChanged)
		}
		return []Payload{Invited{People: add}}, nil
	case Page:
		if !slices.Contains(Roles(), c.Role) {
			return nil, fail(CodeUnknownRole, "role", string(c.Role))
		}
		people := holders(s, env.Roster, c.Role)
		if len(people) == 0 {
			return nil, fail(CodeNoHolder, "role", string(c.Role))
		}
		return []Payload{Paged{Role: c.Role, People: people}}, nil
	case AddRoom:
		if s.HasRoom(c.Room.Platform, c.Room.ID) {
			return nil, fail(CodeRoomExists, "platform", c.Room.Platform)
		}
		return []Payload{RoomAdded{Room: c.Room}}, nil
	case Log:
		if err := checkText(c.Text); err != nil {
			return nil, err
		}
		return []Payload{Logged{Text: c.Text}}, nil
	case Decision:
		if err := checkText(c.Text); err != nil {
			return nil, err
		}
		return []Payload{Decided{Text: c.Text}}, nil
	case CreateTask:
		return decideTask(s, env, actor, c, now)
	case Done:
		return decideDone(s, c)
	case SetDeadline:
		if err := checkText(c.Name); err != nil {
			return nil, err
		}
		if _, ok := env.Roster.Person(c.Owner); !ok {
			return nil, fail(CodeUnknownPerson, "person", string(c.Owner))
		}
		if !c.Due.At.After(now) {
			return nil, fail(CodeDueInPast, "input", c.Due.Input)
		}
		for _, d := range s.Deadlines {
			if strings.EqualFold(d.Name, c.Name) && d.Met == nil {
				return nil, fail(CodeNothingChanged, "name", c.Name)
			}
		}
		return []Payload{DeadlineSet{Deadline: len(s.Deadlines) + 1, Name: c.Name, Due: utc(c.Due), Owner: c.Owner}}, nil
	case Aware:
		return decideAware(s, env, actor, c, now)
	case Detected:
		// Detection anchors internal clocks and the awareness gap, so it is
		// corrected under the same rules as awareness (3.7).
		if !s.Holds(actor, RoleLead) && !s.Holds(actor, RoleLegal) {
			return nil, fail(CodeNotPermitted, "need", "lead,legal")
		}
		if c.At.At.After(now.Add(Skew)) {
			return nil, fail(CodeFutureInstant, "input", c.At.Input)
		}
		if c.At.At.Equal(s.Detected.At) {
			return nil, fail(CodeNothingChanged)
		}
		if c.At.At.After(s.Detected.At) && strings.TrimSpace(c.Reason) == "" {
			return nil, fail(CodeNotPermitted, "need", "reason")
		}
		return []Payload{DetectedSet{Detected: utc(c.At), Previous: s.Detected.At, Reason: c.Reason}}, nil
	case Snooze:
		t, err := s.resolveRef(c.Ref)
		if err != nil {
			return nil, err
		}
		if t.Kind == TargetTask && s.Task(t.ID).Done != nil || t.Kind == TargetDeadline && s.Deadline(t.ID).Met != nil {
			return nil, fail(CodeAlreadyDone, "ref", c.Ref)
		}
		if t.Kind == TargetTask && s.Task(t.ID).Due == nil {
			return nil, fail(CodeNoReminder, "target", t.String())
		}
		if c.For <= 0 || c.For > MaxSnooze {
			return nil, fail(CodeSnoozeTooLong, "max", "24h")
		}
		return []Payload{Snoozed{Target: t, Until: now.Add(c.For)}}, nil
	case FireReminder:
		if c.Target.Kind == TargetPage {
			return decideEscalation(s, env, c.Target, now)
		}
		if c.Target.Kind == TargetReceipt {
			return decideReceiptCheck(s, c.Target, now)
		}
		ev, err := s.fire(env.Policy, c.Target, now)
		if err != nil {
			return nil, err
		}
		return []Payload{ev}, nil
	case Resolve:
		if !s.Holds(actor, RoleLead) && !s.Holds(actor, RoleMgmt) {
			return nil, fail(CodeNotPermitted, "need", "lead,mgmt")
		}
		if s.Status != StatusOpen {
			return nil, fail(CodeIncidentResolved)
		}
		return []Payload{Resolved{Summary: c.Summary}}, nil
	case Close:
		if !s.Holds(actor, RoleLead) && !s.Holds(actor, RoleMgmt) {
			return nil, fail(CodeNotPermitted, "need", "lead,mgmt")
		}
		if s.Status != StatusResolved {
			return nil, fail(CodeNotResolved)
		}
		// The breach register (Art. 33(5)) is kept even when nothing was
		// notified; closing without it would lose the record.
		if s.Active(RegimeGDPR) && len(s.Submissions["gdpr.breach_register"]) == 0 {
			return nil, fail(CodeRegisterMissing)
		}
		return []Payload{Closed{Summary: c.Summary}}, nil
	}
	if out, err, ok := decideReg(s, env, actor, c, now); ok {
		return out, err
	}
	return nil, fail(CodeNothingChanged)
}

func decideStart(s State, env Env, actor PersonID, c Start, now time.Time) ([]Payload, error) {
	if s.ID != "" {
		return nil, fail(CodeIncidentExists, "incident", string(s.ID))
	}
	title := strings.TrimSpace(c.Title)
	if title == "" {
		return nil, fail(CodeEmptyText)
	}
	if utf8.RuneCountInString(title) > MaxTitle {
		return nil, fail(CodeTooLong, "max", strconv.Itoa(MaxTitle))
	}
	det := Instant{At: now}
	if c.Detected != nil {
		det = utc(*c.Detected)
	}
	if det.At.After(now.Add(Skew)) {
		return nil, fail(CodeFutureInstant, "input", det.Input)
	}
	var aware *Instant
	if c.Aware != nil {
		a := utc(*c.Aware)
		if a.At.After(now.Add(Skew)) {
			return nil, fail(CodeFutureInstant, "input", a.Input)
		}
		aware = &a
	}
	out := []Payload{Opened{Title: title, Severity: c.Severity, Detected: det, Aware: aware,
		Regimes: c.Regimes, Room: c.Room, Lang: c.Lang}}
	roles := map[Role]PersonID{}
	for _, r := range DefaultRoles {
		if p, ok := env.Roster.Holder(r); ok {
			roles[r] = p
			out = append(out, RoleAssigned{Role: r, Person: p})
		}
	}
	// Whoever opens the incident leads it until someone else is named, so
	// the lead-only steps are never blocked by an empty role.
	if _, ok := roles[RoleLead]; !ok && actor != "" {
		roles[RoleLead] = actor
		out = append(out, RoleAssigned{Role: RoleLead, Person: actor})
	}
	var invite []PersonID
	for _, p := range env.Roster.People {
		if p.ID != actor && !slices.ContainsFunc(out, func(pl Payload) bool {
			ra, ok := pl.(RoleAssigned)
			return ok && ra.Person == p.ID
		}) {
			invite = append(invite, p.ID)
		}
	}
	if len(invite) > 0 {
		out = append(out, Invited{People: invite})
	}
	for i, item := range FirstHour {
		owner := actor
		if item.Role != "" {
			owner = roles[item.Role]
		}
		due := Instant{At: det.At.Add(item.Within)}
		if !due.At.After(now) {
			due.At = now.Add(item.Within)
		}
		out = append(out, TaskCreated{Task: i + 1, Checklist: item.ID, Owner: owner, OwnerRole: item.Role, Due: &due})
	}
	return out, nil
}

func decideRole(s State, env Env, actor PersonID, c AssignRole) ([]Payload, error) {
	if !slices.Contains(Roles(), c.Role) {
		return nil, fail(CodeUnknownRole, "role", string(c.Role))
	}
	if _, ok := env.Roster.Person(c.Person); !ok {
		return nil, fail(CodeUnknownPerson, "person", string(c.Person))
	}
	lead, hasLead := s.Roles[RoleLead]
	if hasLead && lead != "" && actor != lead && !s.Holds(actor, RoleMgmt) {
		return nil, fail(CodeNotPermitted, "need", "lead,mgmt")
	}
	if s.Roles[c.Role] == c.Person {
		return nil, fail(CodeAlreadyHolds, "person", string(c.Person), "role", string(c.Role))
	}
	return []Payload{RoleAssigned{Role: c.Role, Person: c.Person, Previous: s.Roles[c.Role]}}, nil
}

func decideTask(s State, env Env, actor PersonID, c CreateTask, now time.Time) ([]Payload, error) {
	if err := checkText(c.Text); err != nil {
		return nil, err
	}
	owner := c.Owner
	if owner == "" {
		owner = actor
	}
	if _, ok := env.Roster.Person(owner); !ok {
		return nil, fail(CodeUnknownPerson, "person", string(owner))
	}
	var due *Instant
	if c.Due != nil {
		if !c.Due.At.After(now) {
			return nil, fail(CodeDueInPast, "input", c.Due.Input)
		}
		d := utc(*c.Due)
		due = &d
	}
	return []Payload{TaskCreated{Task: len(s.Tasks) + 1, Text: c.Text, Owner: owner, Due: due}}, nil
}

func decideDone(s State, c Done) ([]Payload, error) {
	t, err := s.resolveRef(c.Ref)
	if err != nil {
		return nil, err
	}
	switch t.Kind {
	case TargetTask:
		if s.Task(t.ID).Done != nil {
			return nil, fail(CodeAlreadyDone, "ref", c.Ref)
		}
		return []Payload{TaskDone{Task: t.ID}}, nil
	default:
		if s.Deadline(t.ID).Met != nil {
			return nil, fail(CodeAlreadyDone, "ref", c.Ref)
		}
		return []Payload{DeadlineMet{Deadline: t.ID}}, nil
	}
}

// decideAware applies crisis-domain.md 3.7: lead or legal state awareness;
// an earlier correction takes effect at once; a later one must give a
// reason (the two-person approval arrives with the regulatory clocks).

// resolveRef finds a task by number ("3", "#3") or checklist ID ("FH-04"),
// or a custom deadline by name.
func (s *State) resolveRef(ref string) (Target, error) {
	ref = strings.TrimSpace(ref)
	if n, err := strconv.Atoi(strings.TrimPrefix(ref, "#")); err == nil {
		if s.Task(n) == nil {
			return Target{}, fail(CodeUnknownTask, "ref", ref)
		}
		return Target{Kind: TargetTask, ID: n}, nil
	}
	for _, t := range s.Tasks {
		if t.Checklist != "" && strings.EqualFold(t.Checklist, ref) {
			return Target{Kind: TargetTask, ID: t.ID}, nil
		}
	}
	var found *Deadline
	for i := range s.Deadlines {
		if strings.EqualFold(s.Deadlines[i].Name, ref) {
			found = &s.Deadlines[i]
		}
	}
	if found == nil {
		return Target{}, fail(CodeUnknownTarget, "ref", ref)
	}
	return Target{Kind: TargetDeadline, ID: found.ID}, nil
}

// holders lists who holds role r: the incident's holder first, then the
// roster's default holders.
func holders(s State, r Roster, role Role) []PersonID {
	var out []PersonID
	if p := s.Roles[role]; p != "" {
		out = append(out, p)
	}
	for _, p := range r.People {
		if slices.Contains(p.Roles, role) && !slices.Contains(out, p.ID) {
			out = append(out, p.ID)
		}
	}
	return out
}

func checkText(t string) *Error {
	if strings.TrimSpace(t) == "" {
		return fail(CodeEmptyText)
	}
	if utf8.RuneCountInString(t) > MaxText {
		return fail(CodeTooLong, "max", strconv.Itoa(MaxText))
	}
	return nil
}

func utc(i Instant) Instant {
	i.At = i.At.UTC()
	return i
}
