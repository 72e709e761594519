package crisis

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxDraft bounds a draft's text (a letter, not a log line).
const MaxDraft = 16000

// BreakGlassWindow: a statutory due closer than this lets lead or mgmt
// release alone with a reason (4.3 rule 3).
const BreakGlassWindow = 60 * time.Minute

// TextHash is the revision hash approvals bind to.
func TextHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

func (env Env) approval() ApprovalPolicy {
	if env.Approval != nil {
		return env.Approval
	}
	return DefaultApprovalPolicy()
}

func anyRole(s State, p PersonID, roles ...Role) bool {
	for _, r := range roles {
		if s.Holds(p, r) {
			return true
		}
	}
	return false
}

func need(roles ...Role) *Error {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return fail(CodeNotPermitted, "need", strings.Join(names, ","))
}

// withMoves applies evs to a copy of s and reports the dues that moved.
func withMoves(s State, env Env, actor PersonID, now time.Time, p Payload) []Move {
	before := Obligations(s, env.Policy.Regs, now)
	next := s.Clone()
	next.Apply(Event{Incident: s.ID, Seq: s.LastSeq + 1, At: now, Actor: actor, Data: p})
	after := Obligations(next, env.Policy.Regs, now)
	var out []Move
	for _, a := range after {
		if a.Status.Closed() || a.Conditional {
			continue
		}
		b, ok := Find(before, a.ID)
		if ok && sameDue(b.Due, a.Due) {
			continue
		}
		m := Move{Obligation: a.ID, To: a.Due, Overdue: a.Status == ObOverdue}
		if ok {
			m.From = b.Due
		}
		out = append(out, m)
	}
	return out
}

func sameDue(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// decideAware applies crisis-domain.md 3.7: lead or legal state awareness;
// an earlier instant takes effect at once, a later one needs a reason and
// waits for the second of lead and legal.
func decideAware(s State, env Env, actor PersonID, c Aware, now time.Time) ([]Payload, error) {
	if !anyRole(s, actor, RoleLead, RoleLegal) {
		return nil, need(RoleLead, RoleLegal)
	}
	if c.Regime != "" && !s.Active(c.Regime) {
		return nil, fail(CodeRegimeInactive, "regime", c.Regime)
	}
	if c.At.At.After(now.Add(Skew)) {
		return nil, fail(CodeFutureInstant, "input", c.At.Input)
	}
	ev := AwareSet{Aware: utc(c.At), Reason: c.Reason, Regime: c.Regime}
	cur := s.Aware
	if c.Regime != "" {
		if a, ok := s.AwareBy[c.Regime]; ok {
			cur = &a
		}
	}
	if cur != nil {
		if cur.At.Equal(ev.Aware.At) {
			return nil, fail(CodeNothingChanged)
		}
		prev := cur.At
		ev.Previous = &prev
		if ev.Aware.At.After(prev) {
			if strings.TrimSpace(c.Reason) == "" {
				return nil, fail(CodeNeedsReason)
			}
			ev.Pending = true
		}
	}
	if ev.Aware.At.Sub(s.Detected.At) > MaxAssessmentGap {
		ev.GapWarning = true
	}
	if !ev.Pending {
		ev.Moves = withMoves(s, env, actor, now, ev)
		ev.Corrections = corrections(s, c.Regime)
	}
	out := []Payload{ev}
	return append(out, correctionTasks(s, env, ev.Corrections)...), nil
}

// corrections lists the filed reports whose facts an awareness correction
// changes: each needs a correction sent to its recipient (3.7).
func corrections(s State, regime string) []string {
	var out []string
	for _, id := range ObligationIDs() {
		r := regimeOf(id)
		if r == RegimeInternal || (regime != "" && r != regime) || len(s.Submissions[id]) == 0 {
			continue
		}
		out = append(out, id)
	}
	return out
}

func correctionTasks(s State, env Env, ids []string) []Payload {
	var out []Payload
	n := len(s.Tasks)
	for _, id := range ids {
		n++
		owner := s.Roles[RoleReporter]
		if owner == "" {
			owner = s.Roles[RoleLead]
		}
		out = append(out, TaskCreated{Task: n, Text: "correction:" + id, Owner: owner, OwnerRole: RoleReporter})
	}
	return out
}

func decideConfirmAware(s State, env Env, actor PersonID, c ConfirmAware, now time.Time) ([]Payload, error) {
	p, ok := s.PendingAware[c.Regime]
	if !ok {
		return nil, fail(CodeNoPending)
	}
	if !anyRole(s, actor, RoleLead, RoleLegal) {
		return nil, need(RoleLead, RoleLegal)
	}
	if actor == p.Proposer {
		return nil, fail(CodeSameApprover)
	}
	// Together the two must be lead and legal.
	roles := append(s.RolesOf(actor), s.RolesOf(p.Proposer)...)
	if !slices.Contains(roles, RoleLead) || !slices.Contains(roles, RoleLegal) {
		return nil, need(RoleLead, RoleLegal)
	}
	ev := AwareConfirmed{Regime: c.Regime, Aware: p.Aware, Proposer: p.Proposer}
	if cur := s.AwareFor(c.Regime); cur != nil {
		prev := *cur
		ev.Previous = &prev
	}
	ev.Moves = withMoves(s, env, actor, now, ev)
	return []Payload{ev}, nil
}

// decideReg handles the commands of the regulatory clocks and drafts; ok is
// false for any other command.
func decideReg(s State, env Env, actor PersonID, c Command, now time.Time) ([]Payload, error, bool) {
	var (
		out []Payload
		err error
	)
	switch c := c.(type) {
	case RegimeChange:
		out, err = decideRegime(s, env, actor, c, now)
	case ConfirmAware:
		out, err = decideConfirmAware(s, env, actor, c, now)
	case Classify:
		out, err = decideClassify(s, env, actor, c, now)
	case Request:
		out, err = decideRequest(s, env, actor, c, now)
	case Submit:
		out, err = decideSubmit(s, env, actor, c, now)
	case Waive:
		out, err = decideWaive(s, env, actor, c, now)
	case SetFact:
		out, err = decideFact(s, env, c)
	case CreateDraft:
		out, err = decideDraft(s, env, actor, c, now)
	case EditDraft:
		out, err = decideEdit(s, env, actor, c, now)
	case ReviewDraft:
		d := s.Draft(c.Draft)
		if d == nil {
			return nil, fail(CodeUnknownDraft, "draft", strconv.Itoa(c.Draft)), true
		}
		cur := d.current()
		if slices.Contains(cur.Reviews, actor) {
			return nil, fail(CodeNothingChanged), true
		}
		out = []Payload{Reviewed{Draft: d.ID, Rev: cur.Rev, Hash: cur.Hash}}
	case Approve:
		out, err = decideApprove(s, env, actor, c, now)
	case Withdraw:
		out, err = decideWithdraw(s, actor, c)
	case Reject:
		out, err = decideReject(s, env, actor, c)
	case RecordPost:
		if s.Draft(c.Draft) == nil {
			return nil, fail(CodeUnknownDraft, "draft", strconv.Itoa(c.Draft)), true
		}
		out = []Payload{DraftPosted{Draft: c.Draft, Rev: c.Rev, Post: c.Post}}
	case RecordPublished:
		if s.Draft(c.Draft) == nil {
			return nil, fail(CodeUnknownDraft, "draft", strconv.Itoa(c.Draft)), true
		}
		out = []Payload{Published{Draft: c.Draft, Post: c.Post}}
	case RecordFailure:
		if s.Draft(c.Draft) == nil {
			return nil, fail(CodeUnknownDraft, "draft", strconv.Itoa(c.Draft)), true
		}
		msg := c.Error
		if len(msg) > 300 {
			msg = msg[:300]
		}
		out = []Payload{PublishFailed{Draft: c.Draft, Room: c.Room, Error: msg}}
	case RecordReceipt:
		if !IsObligation(c.Obligation) {
			return nil, fail(CodeUnknownOblig, "obligation", c.Obligation), true
		}
		if len(s.Submissions[c.Obligation]) == 0 {
			return nil, fail(CodeNotSubmitted, "obligation", c.Obligation), true
		}
		if !anyRole(s, actor, RoleReporter, RoleLead, RoleLegal, RoleDPO) {
			return nil, need(RoleReporter, RoleLead, RoleLegal, RoleDPO), true
		}
		if c.At.At.After(now.Add(Skew)) {
			return nil, fail(CodeFutureInstant, "input", c.At.Input), true
		}
		if strings.TrimSpace(c.Ref) == "" {
			return nil, fail(CodeNeedsReason), true
		}
		if err := checkRef(c.Ref); err != nil {
			return nil, err, true
		}
		if r, ok := s.Receipts[c.Obligation]; ok && r.Ref == c.Ref {
			return nil, fail(CodeNothingChanged), true
		}
		out = []Payload{ReceiptRecorded{Obligation: c.Obligation, At: utc(c.At), Ref: c.Ref}}
	case Ack:
		var pages []uint64
		for _, p := range s.Pages {
			if slices.Contains(p.People, actor) && !p.Acked[actor] {
				pages = append(pages, p.Seq)
			}
		}
		if len(pages) == 0 {
			return nil, fail(CodeNothingToAck), true
		}
		out = []Payload{Acked{Pages: pages}}
	default:
		return nil, nil, false
	}
	return out, err, true
}

func decideRegime(s State, env Env, actor PersonID, c RegimeChange, now time.Time) ([]Payload, error) {
	if !slices.Contains(RegimeKeys(), c.Regime) || c.Regime == RegimeInternal {
		return nil, fail(CodeUnknownRegime, "regime", c.Regime)
	}
	if !anyRole(s, actor, RoleLead, RoleLegal) {
		return nil, need(RoleLead, RoleLegal)
	}
	if c.Add {
		if s.Active(c.Regime) {
			return nil, fail(CodeNothingChanged)
		}
		ev := RegimeAdded{Regime: c.Regime}
		ev.Moves = withMoves(s, env, actor, now, ev)
		return []Payload{ev}, nil
	}
	if !s.Active(c.Regime) {
		return nil, fail(CodeRegimeInactive, "regime", c.Regime)
	}
	if strings.TrimSpace(c.Reason) == "" {
		return nil, fail(CodeNeedsReason)
	}
	if err := checkText(c.Reason); err != nil {
		return nil, err
	}
	return []Payload{RegimeRemoved{Regime: c.Regime, Reason: c.Reason}}, nil
}

func decideClassify(s State, env Env, actor PersonID, c Classify, now time.Time) ([]Payload, error) {
	switch c.Class {
	case ClassMajor:
		if !s.Active(RegimeDORA) {
			return nil, fail(CodeRegimeInactive, "regime", RegimeDORA)
		}
		if !anyRole(s, actor, RoleLead, RoleLegal) {
			return nil, need(RoleLead, RoleLegal)
		}
	case ClassHighRisk:
		if !s.Active(RegimeGDPR) {
			return nil, fail(CodeRegimeInactive, "regime", RegimeGDPR)
		}
		if !anyRole(s, actor, RoleLead, RoleLegal, RoleDPO, RoleMgmt) {
			return nil, need(RoleLegal, RoleMgmt, RoleDPO, RoleLead)
		}
	default:
		return nil, fail(CodeUnknownOblig, "obligation", c.Class)
	}
	if c.At.At.After(now.Add(Skew)) {
		return nil, fail(CodeFutureInstant, "input", c.At.Input)
	}
	if (c.Class == ClassMajor && s.Classified != nil && s.Classified.At.Equal(c.At.At)) ||
		(c.Class == ClassHighRisk && s.HighRisk != nil && s.HighRisk.At.Equal(c.At.At)) {
		return nil, fail(CodeNothingChanged)
	}
	ev := Classified{Class: c.Class, At: utc(c.At)}
	ev.Moves = withMoves(s, env, actor, now, ev)
	return []Payload{ev}, nil
}

func decideRequest(s State, env Env, actor PersonID, c Request, now time.Time) ([]Payload, error) {
	if !slices.Contains(Requestable, c.Obligation) {
		return nil, fail(CodeNotRequestable, "obligation", c.Obligation)
	}
	if !s.Active(regimeOf(c.Obligation)) {
		return nil, fail(CodeRegimeInactive, "regime", regimeOf(c.Obligation))
	}
	if !anyRole(s, actor, RoleReporter, RoleLead, RoleLegal) {
		return nil, need(RoleReporter, RoleLead, RoleLegal)
	}
	if c.At.At.After(now.Add(Skew)) {
		return nil, fail(CodeFutureInstant, "input", c.At.Input)
	}
	ev := Requested{Obligation: c.Obligation, At: utc(c.At), Ref: c.Ref}
	if c.Due != nil {
		if !c.Due.At.After(c.At.At) {
			return nil, fail(CodeDueInPast, "input", c.Due.Input)
		}
		d := utc(*c.Due)
		ev.Due = &d
	}
	if err := checkRef(c.Ref); err != nil {
		return nil, err
	}
	return []Payload{ev}, nil
}

func checkRef(ref string) *Error {
	if utf8.RuneCountInString(ref) > MaxTitle {
		return fail(CodeTooLong, "max", strconv.Itoa(MaxTitle))
	}
	return nil
}

func decideSubmit(s State, env Env, actor PersonID, c Submit, now time.Time) ([]Payload, error) {
	if !IsObligation(c.Obligation) {
		return nil, fail(CodeUnknownOblig, "obligation", c.Obligation)
	}
	obs := Obligations(s, env.Policy.Regs, now)
	o, ok := Find(obs, c.Obligation)
	if !ok || o.Status == ObWithdrawn {
		return nil, fail(CodeRegimeInactive, "regime", regimeOf(c.Obligation))
	}
	if !anyRole(s, actor, RoleReporter, RoleLead, RoleLegal, RoleDPO, o.Owner) {
		return nil, need(RoleReporter, RoleLead, RoleLegal, RoleDPO)
	}
	if c.At.At.After(now.Add(Skew)) {
		return nil, fail(CodeFutureInstant, "input", c.At.Input)
	}
	if c.At.At.Before(s.Detected.At) {
		return nil, fail(CodeBeforeDetected, "input", c.At.Input)
	}
	if err := checkRef(c.Ref); err != nil {
		return nil, err
	}
	// Only DORA intermediate reports are filed repeatedly (updates); a
	// filed report is corrected, never filed twice.
	if len(s.Submissions[c.Obligation]) > 0 && c.Obligation != "dora.intermediate" {
		return nil, fail(CodeAlreadyDone, "ref", c.Obligation)
	}
	at := utc(c.At)
	ev := Submitted{Obligation: c.Obligation, At: at, Ref: c.Ref, Status: string(ObMet)}
	if o.Due != nil && at.At.After(*o.Due) {
		ev.Status = string(ObLate)
		if c.Obligation == "gdpr.art33" && strings.TrimSpace(s.Facts["delay_reasons"].Value) == "" {
			return nil, fail(CodeDelayReasons)
		}
	}
	if kind := draftFor[c.Obligation]; kind != "" {
		ev.Unapproved = !(obCalc{s: &s}).released(kind, c.Obligation, at.At)
	}
	ev.Moves = withMoves(s, env, actor, now, ev)
	return []Payload{ev}, nil
}

func decideWaive(s State, env Env, actor PersonID, c Waive, now time.Time) ([]Payload, error) {
	if !IsObligation(c.Obligation) {
		return nil, fail(CodeUnknownOblig, "obligation", c.Obligation)
	}
	o, ok := Find(Obligations(s, env.Policy.Regs, now), c.Obligation)
	if !ok {
		return nil, fail(CodeRegimeInactive, "regime", regimeOf(c.Obligation))
	}
	// GDPR decisions are the controller's with the DPO (2.3); the staff
	// first rule is the lead's to waive (4.3 rule 5).
	switch {
	case strings.HasPrefix(c.Obligation, "gdpr."):
		if !anyRole(s, actor, RoleLegal, RoleDPO) {
			return nil, need(RoleLegal, RoleDPO)
		}
	case c.Obligation == "internal.staff_notice":
		if !s.Holds(actor, RoleLead) {
			return nil, need(RoleLead)
		}
	default:
		if !anyRole(s, actor, RoleLead, RoleLegal) {
			return nil, need(RoleLead, RoleLegal)
		}
	}
	if o.Status.Closed() {
		return nil, fail(CodeAlreadyDone, "ref", c.Obligation)
	}
	if strings.TrimSpace(c.Reason) == "" {
		return nil, fail(CodeNeedsReason)
	}
	if err := checkText(c.Reason); err != nil {
		return nil, err
	}
	return []Payload{Waived{Obligation: c.Obligation, Reason: c.Reason}}, nil
}

func decideFact(s State, env Env, c SetFact) ([]Payload, error) {
	if env.FactKeys != nil && !slices.Contains(env.FactKeys, c.Key) {
		return nil, fail(CodeUnknownFact, "fact", c.Key)
	}
	v := strings.TrimSpace(c.Value)
	if v != "" {
		if err := checkText(v); err != nil {
			return nil, err
		}
	}
	prev := s.Facts[c.Key].Value
	if prev == v {
		return nil, fail(CodeNothingChanged)
	}
	return []Payload{FactSet{Key: c.Key, Value: v, Previous: prev}}, nil
}

func checkDraftText(text string) *Error {
	if strings.TrimSpace(text) == "" {
		return fail(CodeEmptyText)
	}
	if utf8.RuneCountInString(text) > MaxDraft {
		return fail(CodeTooLong, "max", strconv.Itoa(MaxDraft))
	}
	return nil
}

func decideDraft(s State, env Env, actor PersonID, c CreateDraft, now time.Time) ([]Payload, error) {
	if _, ok := env.approval()[c.Kind]; !ok {
		return nil, fail(CodeUnknownKind, "kind", c.Kind)
	}
	if err := checkDraftText(c.Text); err != nil {
		return nil, err
	}
	ob := c.Obligation
	if ob != "" {
		if !slices.Contains(ObligationsFor(c.Kind), ob) {
			return nil, fail(CodeUnknownOblig, "obligation", ob)
		}
	} else {
		obs := Obligations(s, env.Policy.Regs, now)
		for _, id := range ObligationsFor(c.Kind) {
			if o, ok := Find(obs, id); ok && !o.Status.Closed() {
				ob = id
				break
			}
		}
	}
	return []Payload{DraftCreated{Draft: len(s.Drafts) + 1, DraftKind: c.Kind, Lang: c.Lang, Obligation: ob,
		Text: c.Text, Hash: TextHash(c.Text), Findings: lint(&s, env, c.Kind, c.Lang, c.Text, now)}}, nil
}

func decideEdit(s State, env Env, actor PersonID, c EditDraft, now time.Time) ([]Payload, error) {
	d := s.Draft(c.Draft)
	if d == nil {
		return nil, fail(CodeUnknownDraft, "draft", strconv.Itoa(c.Draft))
	}
	if d.Released != nil {
		return nil, fail(CodeDraftReleased, "draft", strconv.Itoa(d.ID))
	}
	if err := checkDraftText(c.Text); err != nil {
		return nil, err
	}
	h := TextHash(c.Text)
	if h == d.current().Hash {
		return nil, fail(CodeNothingChanged)
	}
	return []Payload{DraftEdited{Draft: d.ID, Rev: len(d.Revs) + 1, Text: c.Text, Hash: h,
		Findings: lint(&s, env, d.Kind, d.Lang, c.Text, now)}}, nil
}

// lint runs the text rules of package messages plus the rules that need
// the incident's state: LINT-17 staff first.
func lint(s *State, env Env, kind, lang, text string, now time.Time) []Finding {
	var out []Finding
	if env.Lint != nil {
		out = env.Lint(s, kind, lang, text, now)
	}
	if slices.Contains(External, kind) && !staffInformed(s) {
		out = append(out, Finding{Rule: "LINT-17", Severity: SevError})
	}
	return out
}

func staffInformed(s *State) bool {
	if _, ok := s.Waivers["internal.staff_notice"]; ok {
		return true
	}
	for _, d := range s.Drafts {
		if d.Kind == "staff" && d.Released != nil {
			return true
		}
	}
	return false
}

func (d *Draft) revision(rev int) (*Revision, *Error) {
	cur := d.current()
	if rev != 0 && rev != cur.Rev {
		return nil, fail(CodeStaleRevision, "draft", strconv.Itoa(d.ID), "rev", strconv.Itoa(rev),
			"current", strconv.Itoa(cur.Rev))
	}
	return cur, nil
}

// openRevision finds the revision a vote is about: the draft must exist
// and not be released, and rev (0: current) must be the current one.
func openRevision(s *State, draft, rev int) (*Draft, *Revision, *Error) {
	d := s.Draft(draft)
	if d == nil {
		return nil, nil, fail(CodeUnknownDraft, "draft", strconv.Itoa(draft))
	}
	if d.Released != nil {
		return nil, nil, fail(CodeDraftReleased, "draft", strconv.Itoa(d.ID))
	}
	r, err := d.revision(rev)
	if err != nil {
		return nil, nil, err
	}
	return d, r, nil
}

func decideApprove(s State, env Env, actor PersonID, c Approve, now time.Time) ([]Payload, error) {
	d, rev, err := openRevision(&s, c.Draft, c.Rev)
	if err != nil {
		return nil, err
	}
	if rev.Rejection != nil {
		return nil, fail(CodeDraftRejected, "draft", strconv.Itoa(d.ID))
	}
	rule := env.approval()[d.Kind]
	roles := s.RolesOf(actor)
	// Findings that need a role (LINT-12: legal) make it an approver.
	findings := lint(&s, env, d.Kind, d.Lang, rev.Text, now)
	for _, f := range findings {
		if f.NeedsRole != "" && slices.Contains(roles, f.NeedsRole) && !rule.CanApprove(roles) {
			rule.Approve = append(slices.Clone(rule.Approve), []Role{f.NeedsRole})
			break
		}
	}
	breakGlass := c.BreakGlass
	if breakGlass {
		if !anyRole(s, actor, RoleLead, RoleMgmt) {
			return nil, need(RoleLead, RoleMgmt)
		}
		if strings.TrimSpace(c.Reason) == "" {
			return nil, fail(CodeNeedsReason)
		}
		if !breakGlassAllowed(s, env, d, now) {
			return nil, fail(CodeBreakGlass, "window", "60")
		}
	} else if !rule.CanApprove(roles) {
		return nil, fail(CodeNotApprover, "draft", strconv.Itoa(d.ID), "need", groupNames(rule.Approve))
	}
	if rev.Author == actor && !(rule.AuthorMayApprove && rev.Rev == 1) && !breakGlass {
		return nil, fail(CodeSelfApproval, "draft", strconv.Itoa(d.ID))
	}
	if rev.approvedBy(actor) {
		return nil, fail(CodeNothingChanged)
	}
	// Lint runs at approval time: the facts may have changed since drafting.
	approvers := append(approverRoles(rev), roles...)
	var errs, warns []string
	for _, f := range findings {
		switch {
		case f.Severity == SevError && f.NeedsRole != "" && slices.Contains(approvers, f.NeedsRole):
		case f.Severity == SevError && f.NeedsRole != "":
			// Satisfied once the named role approves; until then the
			// release cannot complete, but others may approve.
		case f.Severity == SevError:
			errs = append(errs, f.Rule)
		default:
			warns = append(warns, f.Rule)
		}
	}
	if len(errs) > 0 {
		return nil, fail(CodeLintErrors, "draft", strconv.Itoa(d.ID), "rules", strings.Join(dedupe(errs), ", "))
	}
	if len(warns) > 0 && !c.Ack {
		shown := map[string]bool{}
		for _, f := range rev.Findings {
			shown[f.Rule] = true
		}
		unseen := slices.ContainsFunc(warns, func(r string) bool { return !shown[r] })
		if !c.Reaction || unseen {
			return nil, fail(CodeLintWarnings, "draft", strconv.Itoa(d.ID), "rules", strings.Join(dedupe(warns), ", "))
		}
	}
	ap := Approved{Draft: d.ID, Rev: rev.Rev, Hash: rev.Hash, Roles: roles, Acknowledged: dedupe(warns),
		BreakGlass: breakGlass, Reason: c.Reason, Reaction: c.Reaction}
	next := *rev
	next.Approvals = append(slices.Clone(rev.Approvals), Approval{Person: actor, Roles: roles, At: now, BreakGlass: breakGlass})
	v := rule.Evaluate(&s, &next)
	pending := pendingRoleErrors(findings, approverRoles(&next))
	if !breakGlass && (!v.Complete || pending) {
		ap.Missing, ap.Review = v.MissingGroups, v.MissingReview
		return []Payload{ap}, nil
	}
	if breakGlass && pending {
		return nil, fail(CodeLintErrors, "draft", strconv.Itoa(d.ID), "rules", "LINT-12")
	}
	rel := Released{Draft: d.ID, Rev: rev.Rev, Hash: rev.Hash, BreakGlass: breakGlass,
		Targets: slices.Clone(env.Publish[d.Kind])}
	for _, a := range next.Approvals {
		rel.Approvers = append(rel.Approvers, a.Person)
	}
	for _, r := range rule.Informed {
		if h := s.Roles[r]; h != "" && !slices.Contains(rel.Notify, h) && !slices.Contains(rel.Approvers, h) {
			rel.Notify = append(rel.Notify, h)
		}
	}
	// Reports are filed by the reporter; tell them it is ready.
	if authorityKind(d.Kind) {
		if h := s.Roles[RoleReporter]; h != "" && !slices.Contains(rel.Notify, h) {
			rel.Notify = append(rel.Notify, h)
		}
	}
	return []Payload{ap, rel}, nil
}

func pendingRoleErrors(fs []Finding, approvers []Role) bool {
	for _, f := range fs {
		if f.Severity == SevError && f.NeedsRole != "" && !slices.Contains(approvers, f.NeedsRole) {
			return true
		}
	}
	return false
}

func approverRoles(r *Revision) []Role {
	var out []Role
	for _, a := range r.Approvals {
		out = append(out, a.Roles...)
	}
	return out
}

func dedupe(xs []string) []string {
	slices.Sort(xs)
	return slices.Compact(xs)
}

func groupNames(groups [][]Role) string {
	parts := make([]string, len(groups))
	for i, g := range groups {
		names := make([]string, len(g))
		for j, r := range g {
			names[j] = string(r)
		}
		parts[i] = strings.Join(names, "/")
	}
	return strings.Join(parts, " + ")
}

// breakGlassAllowed: the draft's statutory obligation is open and due in
// less than BreakGlassWindow (or already overdue).
func breakGlassAllowed(s State, env Env, d *Draft, now time.Time) bool {
	obs := Obligations(s, env.Policy.Regs, now)
	for _, id := range ObligationsFor(d.Kind) {
		if d.Obligation != "" && id != d.Obligation {
			continue
		}
		o, ok := Find(obs, id)
		if ok && o.Statutory && !o.Status.Closed() && o.Due != nil && o.Due.Sub(now) < BreakGlassWindow {
			return true
		}
	}
	return false
}

func decideWithdraw(s State, actor PersonID, c Withdraw) ([]Payload, error) {
	d, rev, err := openRevision(&s, c.Draft, c.Rev)
	if err != nil {
		return nil, err
	}
	if !rev.approvedBy(actor) {
		return nil, fail(CodeNothingChanged)
	}
	return []Payload{ApprovalWithdrawn{Draft: d.ID, Rev: rev.Rev, Hash: rev.Hash}}, nil
}

func decideReject(s State, env Env, actor PersonID, c Reject) ([]Payload, error) {
	d, rev, err := openRevision(&s, c.Draft, c.Rev)
	if err != nil {
		return nil, err
	}
	rule := env.approval()[d.Kind]
	if !rule.CanApprove(s.RolesOf(actor)) && !slices.ContainsFunc(rule.Review, func(r Role) bool { return s.Holds(actor, r) }) {
		return nil, fail(CodeNotApprover, "draft", strconv.Itoa(d.ID), "need", groupNames(rule.Approve))
	}
	if err := checkText(c.Reason); c.Reason != "" && err != nil {
		return nil, err
	}
	// A rejection without reason (❌) may be completed with one later.
	if r := rev.Rejection; r != nil && (r.Reason != "" || c.Reason == "") {
		return nil, fail(CodeNothingChanged)
	}
	return []Payload{Rejected{Draft: d.ID, Rev: rev.Rev, Hash: rev.Hash, Reason: c.Reason}}, nil
}

// ReceiptWindow: without a recorded receipt this long after a BSI filing,
// the reporter gets a task to check (practice reported by consultants, 3.8).
const ReceiptWindow = 24 * time.Hour

// receiptTaskText marks the check task; messages renders it.
func receiptTaskText(id string) string { return "receipt:" + id }

// decideReceiptCheck creates the task to check a missing receipt.
func decideReceiptCheck(s State, t Target, now time.Time) ([]Payload, error) {
	sub := s.receiptPending(t.Name)
	if sub == nil || now.Before(sub.At.Add(ReceiptWindow)) {
		return nil, fail(CodeNoReminder, "target", t.String())
	}
	owner := s.Roles[RoleReporter]
	if owner == "" {
		owner = s.Roles[RoleLead]
	}
	return []Payload{TaskCreated{Task: len(s.Tasks) + 1, Text: receiptTaskText(t.Name), Owner: owner, OwnerRole: RoleReporter}}, nil
}

// receiptPending returns the filing of a BSIG report that has neither a
// receipt nor a check task yet.
func (s *State) receiptPending(id string) *Submission {
	if regimeOf(id) != RegimeBSIG {
		return nil
	}
	if _, ok := s.Receipts[id]; ok {
		return nil
	}
	for _, t := range s.Tasks {
		if t.Text == receiptTaskText(id) {
			return nil
		}
	}
	return s.firstSubmission(id)
}

// decideEscalation pages the deputies of everyone who did not acknowledge
// a page within PageAckWindow (crisis-domain.md 4.1).
func decideEscalation(s State, env Env, t Target, now time.Time) ([]Payload, error) {
	var pg *PageCall
	for i := range s.Pages {
		if s.Pages[i].Seq == uint64(t.ID) {
			pg = &s.Pages[i]
		}
	}
	if pg == nil || pg.Escalated || len(pg.Acked) >= len(pg.People) || now.Before(pg.At.Add(PageAckWindow)) {
		return nil, fail(CodeNoReminder, "target", t.String())
	}
	var deputies []PersonID
	add := func(p PersonID) {
		if p != "" && !slices.Contains(pg.People, p) && !slices.Contains(deputies, p) {
			deputies = append(deputies, p)
		}
	}
	for _, p := range pg.People {
		if pg.Acked[p] {
			continue
		}
		if per, ok := env.Roster.Person(p); ok && per.Deputy != "" {
			add(per.Deputy)
			continue
		}
		if r, ok := DefaultDeputies[pg.Role]; ok {
			if h := s.Roles[r]; h != "" {
				add(h)
			} else if h, ok := env.Roster.Holder(r); ok {
				add(h)
			}
		}
	}
	return []Payload{Paged{Role: pg.Role, People: deputies, Escalates: pg.Seq}}, nil
}
