package crisis

import (
	"slices"
	"time"
)

// Ladder is a reminder schedule relative to a due instant: one ping at each
// Before offset ahead of due (e.g. 1h, 15m), one at due, then one every
// Repeat while overdue (0: none).
type Ladder struct {
	Before []time.Duration
	Repeat time.Duration
}

// Policy holds the reminder ladders per kind of target.
type Policy struct {
	Task      Ladder
	Checklist Ladder
	Deadline  Ladder
	// Regs computes the statutory and internal clocks (crisis-domain 3).
	Regs Regulation
}

// DefaultPolicy is the product default of issue "core": -1h, -15m, at due,
// then every 30 min while overdue. Checklist items are due minutes after
// start, so they get only the at-due ping and a slower overdue repeat.
func DefaultPolicy() Policy {
	std := Ladder{Before: []time.Duration{time.Hour, 15 * time.Minute}, Repeat: 30 * time.Minute}
	return Policy{Task: std, Deadline: std, Checklist: Ladder{Repeat: time.Hour}, Regs: DefaultRegulation()}
}

// maxRepeats bounds the overdue repeats so a forgotten task cannot ping
// forever (a week of 30-minute pings is 336).
const maxRepeats = 400

// steps returns the ladder's offsets from due, ascending: -Before..., 0.
func (l Ladder) steps() []time.Duration {
	out := make([]time.Duration, 0, len(l.Before)+1)
	for _, b := range l.Before {
		if b > 0 {
			out = append(out, -b)
		}
	}
	out = append(out, 0)
	slices.Sort(out)
	return slices.Compact(out)
}

// next returns the first step strictly after `after` whose instant lies
// after notBefore (a ping at the very instant a task is created is noise).
func (l Ladder) next(due time.Time, after *time.Duration, notBefore time.Time) (time.Duration, bool) {
	ok := func(s time.Duration) bool {
		return (after == nil || s > *after) && due.Add(s).After(notBefore)
	}
	for _, s := range l.steps() {
		if ok(s) {
			return s, true
		}
	}
	if l.Repeat <= 0 {
		return 0, false
	}
	// First repeat k*Repeat (k >= 1) that satisfies ok.
	k := int64(1)
	if after != nil && *after > 0 {
		k = int64(*after/l.Repeat) + 1
	}
	if gap := notBefore.Sub(due); gap > 0 {
		if kk := int64(gap/l.Repeat) + 1; kk > k {
			k = kk
		}
	}
	if k > maxRepeats {
		return 0, false
	}
	return time.Duration(k) * l.Repeat, true
}

// latest returns the last step strictly after `after` with instant <= now,
// and how many steps after `after` it covers.
func (l Ladder) latest(due time.Time, after *time.Duration, created, now time.Time) (time.Duration, int, bool) {
	var (
		best  time.Duration
		count int
	)
	cur := after
	for {
		s, ok := l.next(due, cur, created)
		if !ok || due.Add(s).After(now) {
			break
		}
		best, count = s, count+1
		cur = &s
		if count > maxRepeats {
			break
		}
	}
	return best, count, count > 0
}

// item is anything reminders are computed for.
type item struct {
	target  Target
	label   string
	due     time.Time
	owner   PersonID
	role    Role
	created time.Time
	ladder  Ladder
	ask     bool
}

func (s *State) open(p Policy, now time.Time) []item {
	if s.Status == StatusClosed {
		return nil
	}
	var out []item
	for _, t := range s.Tasks {
		if t.Done != nil || t.Due == nil {
			continue
		}
		l := p.Task
		label := t.Text
		if t.Checklist != "" {
			l, label = p.Checklist, t.Checklist
		}
		out = append(out, item{target: Target{Kind: TargetTask, ID: t.ID}, label: label, due: t.Due.At,
			owner: t.Owner, role: t.OwnerRole, created: t.Created, ladder: l})
	}
	for _, d := range s.Deadlines {
		if d.Met != nil {
			continue
		}
		out = append(out, item{target: Target{Kind: TargetDeadline, ID: d.ID}, label: d.Name, due: d.Due.At,
			owner: d.Owner, created: d.Created, ladder: p.Deadline})
	}
	for _, o := range Obligations(*s, p.Regs, now) {
		// Conditional and dependent provisional clocks are informational
		// (3.6); clocks provisional only for want of an awareness
		// statement run, so nobody misses a BSIG deadline waiting for it.
		if o.Status.Closed() || o.Due == nil || o.Conditional || o.Length == LengthNone ||
			(o.Provisional && o.Anchor != "detected_at") {
			continue
		}
		// Steps at or before the clock's anchor are never due; after an
		// earlier correction every passed step is caught up at once.
		anchor := time.Time{}
		if o.AnchorAt != nil {
			anchor = *o.AnchorAt
		}
		out = append(out, item{target: Target{Kind: TargetObligation, Name: o.ID}, label: o.ID, due: *o.Due,
			role: o.Owner, created: anchor, ladder: p.Regs.ladder(o.Length), ask: o.Ask})
	}
	for _, id := range ObligationIDs() {
		if sub := s.receiptPending(id); sub != nil {
			out = append(out, item{target: Target{Kind: TargetReceipt, Name: id}, label: id,
				due: sub.At.Add(ReceiptWindow), created: sub.At})
		}
	}
	for _, pg := range s.Pages {
		if pg.Escalated || len(pg.Acked) >= len(pg.People) {
			continue
		}
		out = append(out, item{target: Target{Kind: TargetPage, ID: int(pg.Seq)}, label: string(pg.Role),
			due: pg.At.Add(PageAckWindow), created: pg.At})
	}
	return out
}

func (s *State) lastSent(t Target) *time.Duration {
	if v, ok := s.Sent[t.String()]; ok {
		return &v
	}
	return nil
}

// Reminders returns the incident's pending reminders: for every open task
// with a due instant and every open custom deadline, the instant of its next
// ladder step (never one at or before the instant the target was created), postponed to the
// end of a snooze. The store keeps exactly this set in its due index.
func Reminders(s State, p Policy, now time.Time) []Reminder {
	var out []Reminder
	for _, it := range s.open(p, now) {
		step, ok := it.ladder.next(it.due, s.lastSent(it.target), it.created)
		if !ok {
			continue
		}
		at := it.due.Add(step)
		if until, ok := s.Snoozed[it.target.String()]; ok && until.After(at) {
			at = until
		}
		out = append(out, Reminder{Incident: s.ID, Target: it.target, At: at})
	}
	return out
}

// fire decides the ReminderSent event for target at now: one consolidated
// ping for the latest step that has passed.
func (s *State) fire(p Policy, t Target, now time.Time) (ReminderSent, *Error) {
	var it *item
	for _, x := range s.open(p, now) {
		if x.target == t {
			it = &x
			break
		}
	}
	if it == nil {
		return ReminderSent{}, fail(CodeNoReminder, "target", t.String())
	}
	if until, ok := s.Snoozed[t.String()]; ok && until.After(now) {
		return ReminderSent{}, fail(CodeNoReminder, "target", t.String())
	}
	step, n, ok := it.ladder.latest(it.due, s.lastSent(t), it.created, now)
	if !ok {
		return ReminderSent{}, fail(CodeNoReminder, "target", t.String())
	}
	// Checklist items follow their role: after `role it @otto` the IT
	// items ping otto, not whoever held the role at start.
	owner := it.owner
	if h := s.Roles[it.role]; it.role != "" && h != "" {
		owner = h
	}
	var to []PersonID
	if owner != "" {
		to = append(to, owner)
	}
	if lead := s.Roles[RoleLead]; (step >= 0 || owner == "") && lead != "" && lead != owner {
		to = append(to, lead)
	}
	rs := ReminderSent{Target: t, Label: it.label, Due: it.due, Step: step, Missed: n - 1, Recipients: to}
	// A day before the final report, an unresolved incident is asked
	// whether it is still ongoing (progress report instead, 3.6).
	rs.AskOngoing = it.ask && step < 0 && step >= -24*time.Hour && s.Resolved == nil
	return rs, nil
}
