package crisis

import (
	"slices"
	"strings"
	"time"
)

// Regime keys (crisis-domain.md 2.1).
const (
	RegimeNIS2     = "nis2"
	RegimeBSIG     = "bsig"
	RegimeGDPR     = "gdpr"
	RegimeDORA     = "dora"
	RegimeInternal = "internal"
)

// Regimes lists the regime keys; internal is always on.
func RegimeKeys() []string {
	return []string{RegimeNIS2, RegimeBSIG, RegimeGDPR, RegimeDORA, RegimeInternal}
}

// Entity holds the organisation attributes the regimes depend on (2.1).
type Entity struct {
	Class                string // essential | important | none
	KRITIS               bool
	TrustServiceProvider bool
	DORAType             string // credit_institution, payment_institution, ...
	NIS2Identified       bool
	// DORAWeekendRelief: nil derives it from DORAType and NIS2Identified.
	DORAWeekendRelief *bool
	// DORAFinalRelief: final reports keep the relief unless excluded.
	DORAFinalRelief *bool
}

// doraExcluded are the DORA entity types without relief for initial and
// intermediate reports (RTS Art. 5(5)).
var doraExcluded = []string{"credit_institution", "central_counterparty", "trading_venue"}

func (e Entity) initialRelief() bool {
	if e.DORAWeekendRelief != nil {
		return *e.DORAWeekendRelief
	}
	return !e.NIS2Identified && !slices.Contains(doraExcluded, e.DORAType)
}

func (e Entity) finalRelief() bool { return e.DORAFinalRelief == nil || *e.DORAFinalRelief }

// Regulation is the configuration the statutory clocks are computed with.
type Regulation struct {
	Zone      *time.Location
	Holidays  Holidays
	MonthRule MonthRule
	Entity    Entity
	// Cadence of status updates while acute and after resolve (2.2).
	Cadence, ResolvedCadence time.Duration
	// Ladders per clock length (3.9); zero values take the defaults.
	Ladders map[Length]Ladder
}

// DefaultRegulation is the product default: Berlin, calendar month,
// nationwide German holidays, 4 h / 24 h status cadence.
func DefaultRegulation() Regulation {
	z, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		z = time.UTC
	}
	return Regulation{Zone: z, Holidays: HolidayCalendar{Name: "DE"}, MonthRule: MonthCalendar,
		Cadence: 4 * time.Hour, ResolvedCadence: 24 * time.Hour}
}

func (r Regulation) zone() *time.Location {
	if r.Zone == nil {
		return time.UTC
	}
	return r.Zone
}

// Length classifies a clock for its reminder ladder (3.9).
type Length string

// Clock lengths.
const (
	Length4h      Length = "4h"
	Length24h     Length = "24h"
	Length72h     Length = "72h"
	LengthMonth   Length = "1M"
	LengthCadence Length = "cadence"
	LengthNone    Length = "none" // no due instant
)

// DefaultLadders is the schedule of 3.9.
func DefaultLadders() map[Length]Ladder {
	h, m := time.Hour, time.Minute
	return map[Length]Ladder{
		Length4h:      {Before: []time.Duration{2 * h, h, 30 * m, 10 * m}, Repeat: 30 * m},
		Length24h:     {Before: []time.Duration{12 * h, 6 * h, 2 * h, h, 30 * m}, Repeat: 30 * m},
		Length72h:     {Before: []time.Duration{48 * h, 24 * h, 6 * h, 2 * h, h}, Repeat: h},
		LengthMonth:   {Before: []time.Duration{7 * 24 * h, 3 * 24 * h, 24 * h, 4 * h}, Repeat: 4 * h},
		LengthCadence: {Before: []time.Duration{30 * m}},
	}
}

func (r Regulation) ladder(l Length) Ladder {
	if lad, ok := r.Ladders[l]; ok {
		return lad
	}
	return DefaultLadders()[l]
}

// ObStatus is the status of an obligation (3.8).
type ObStatus string

// Obligation statuses. Met and late are "submitted" judged against the due.
const (
	ObPending    ObStatus = "pending"
	ObDrafted    ObStatus = "drafted"
	ObInReview   ObStatus = "in_review"
	ObApproved   ObStatus = "approved"
	ObMet        ObStatus = "met"
	ObLate       ObStatus = "late"
	ObOverdue    ObStatus = "overdue"
	ObWaived     ObStatus = "waived"
	ObWithdrawn  ObStatus = "withdrawn"
	ObSuperseded ObStatus = "superseded"
)

// Closed reports whether nothing more is owed.
func (s ObStatus) Closed() bool {
	switch s {
	case ObMet, ObLate, ObWaived, ObWithdrawn, ObSuperseded:
		return true
	}
	return false
}

// Obligation is one computed clock: never stored, always folded from the
// events (3.7), so corrections move it without editing anything.
type Obligation struct {
	ID          string     `json:"id"`
	Regime      string     `json:"regime"`
	Owner       Role       `json:"owner"`
	Statutory   bool       `json:"statutory"`
	Draft       string     `json:"draft,omitempty"` // draft kind that fulfils it
	Due         *time.Time `json:"due,omitempty"`   // nil: not yet known
	Anchor      string     `json:"anchor"`          // e.g. "aware_at"
	AnchorAt    *time.Time `json:"anchor_at,omitempty"`
	Provisional bool       `json:"provisional,omitempty"`
	// Conditional: shown only as "if classified major" (DORA before
	// classification); no reminders.
	Conditional bool       `json:"conditional,omitempty"`
	Relief      *time.Time `json:"relief,omitempty"`       // DORA weekend relief
	LegalLatest *time.Time `json:"legal_latest,omitempty"` // month clocks, informational
	Status      ObStatus   `json:"status"`
	Done        *time.Time `json:"done,omitempty"` // submission or release instant
	Ref         string     `json:"ref,omitempty"`
	Unapproved  bool       `json:"unapproved,omitempty"`
	// Receipt is the authority's acknowledgement of the filing (case number).
	Receipt    *time.Time `json:"receipt,omitempty"`
	ReceiptRef string     `json:"receipt_ref,omitempty"`
	Length     Length     `json:"length"`
	// Ask: the reminder before this due also asks whether the incident
	// is still ongoing (final report vs. progress report, 3.6).
	Ask bool `json:"ask,omitempty"`
}

// draftFor maps obligation IDs to the draft kind that fulfils them.
var draftFor = map[string]string{
	"nis2.early_warning": "early_warning", "bsig.erstmeldung": "early_warning",
	"nis2.notification": "notification", "bsig.meldung": "notification",
	"nis2.intermediate": "intermediate", "bsig.zwischenmeldung": "intermediate",
	"nis2.progress": "progress", "bsig.fortschrittsmeldung": "progress",
	"nis2.final": "final", "bsig.abschlussmeldung": "final",
	"nis2.final_after_handling": "final", "bsig.final_after_handling": "final",
	"nis2.recipients": "customer", "bsig.unterrichtung": "customer", "dora.clients": "customer",
	"gdpr.art33": "gdpr33", "gdpr.art34": "gdpr34",
	"dora.initial": "dora_initial", "dora.intermediate": "dora_intermediate", "dora.final": "dora_final",
	"internal.staff_notice": "staff", "internal.customer_notice": "customer",
	"internal.status_update": "update", "internal.post_crisis_letter": "followup",
}

// DraftKindFor returns the draft kind that fulfils obligation id, or "".
func DraftKindFor(id string) string { return draftFor[id] }

// ObligationIDs lists every obligation key the commands accept.
func ObligationIDs() []string {
	return []string{
		"nis2.early_warning", "nis2.notification", "nis2.intermediate", "nis2.final", "nis2.progress",
		"nis2.final_after_handling", "nis2.recipients",
		"bsig.erstmeldung", "bsig.meldung", "bsig.zwischenmeldung", "bsig.abschlussmeldung",
		"bsig.fortschrittsmeldung", "bsig.final_after_handling", "bsig.unterrichtung",
		"gdpr.art33", "gdpr.art34", "gdpr.breach_register",
		"dora.initial", "dora.intermediate", "dora.final", "dora.delay_notice", "dora.clients",
		"internal.crisis_team", "internal.staff_notice", "internal.customer_notice",
		"internal.status_update", "internal.post_crisis_letter", "internal.lessons_learned",
	}
}

// IsObligation reports whether id names an obligation.
func IsObligation(id string) bool { return slices.Contains(ObligationIDs(), id) }

// Requestable lists the obligations that exist only on an authority's
// request or order.
var Requestable = []string{"nis2.intermediate", "bsig.zwischenmeldung", "bsig.unterrichtung"}

// Active reports whether a regime is switched on (internal always is).
func (s *State) Active(regime string) bool {
	return regime == RegimeInternal || slices.Contains(s.Regimes, regime)
}

// AwareFor returns the awareness instant for a regime: its own, else the
// shared one.
func (s *State) AwareFor(regime string) *time.Time {
	if a, ok := s.AwareBy[regime]; ok {
		return &a.At
	}
	if s.Aware != nil {
		return &s.Aware.At
	}
	return nil
}

func (s *State) lastSubmission(id string) *Submission {
	subs := s.Submissions[id]
	if len(subs) == 0 {
		return nil
	}
	return &subs[len(subs)-1]
}

func (s *State) firstSubmission(id string) *Submission {
	subs := s.Submissions[id]
	if len(subs) == 0 {
		return nil
	}
	return &subs[0]
}

func ptr(t time.Time) *time.Time { return &t }

// Obligations computes every obligation of the incident's active regimes
// as of now, in a stable order.
func Obligations(s State, r Regulation, now time.Time) []Obligation {
	if s.ID == "" {
		return nil
	}
	z := r.zone()
	c := obCalc{s: &s, r: r, z: z, now: now}
	var out []Obligation
	add := func(o Obligation) { out = append(out, c.finish(o)) }

	detected := s.Detected.At
	for _, reg := range []string{RegimeNIS2, RegimeBSIG} {
		if !s.Active(reg) && !c.withdrawn(reg) {
			continue
		}
		ids := nis2IDs
		if reg == RegimeBSIG {
			ids = bsigIDs
		}
		aware, prov := s.AwareFor(reg), false
		anchor := "aware_at"
		if aware == nil {
			aware, prov, anchor = &detected, true, "detected_at"
		}
		notifLen, notifH := Length72h, 72*time.Hour
		if r.Entity.TrustServiceProvider && reg == RegimeNIS2 {
			notifLen, notifH = Length24h, 24*time.Hour
		}
		add(Obligation{ID: ids.early, Regime: reg, Owner: RoleReporter, Statutory: true, Anchor: anchor,
			AnchorAt: aware, Due: ptr(aware.Add(24 * time.Hour)), Provisional: prov, Length: Length24h})
		add(Obligation{ID: ids.notif, Regime: reg, Owner: RoleReporter, Statutory: true, Anchor: anchor,
			AnchorAt: aware, Due: ptr(aware.Add(notifH)), Provisional: prov, Length: notifLen})
		if rq, ok := s.Requests[ids.inter]; ok {
			due := rq.At.Add(24 * time.Hour)
			if rq.Due != nil {
				due = *rq.Due
			}
			add(Obligation{ID: ids.inter, Regime: reg, Owner: RoleReporter, Statutory: true,
				Anchor: "requested_at", AnchorAt: ptr(rq.At), Due: &due, Length: Length24h})
		}
		// Final report: anchored on the notification's submission (3.6).
		fin := Obligation{ID: ids.final, Regime: reg, Owner: RoleReporter, Statutory: true,
			Anchor: ids.notif + ".submitted_at", Length: LengthMonth}
		if sub := s.firstSubmission(ids.notif); sub != nil {
			fin.AnchorAt, fin.Due = ptr(sub.At), ptr(AddMonthBy(sub.At, z, r.MonthRule))
		} else {
			pred := aware.Add(notifH)
			fin.AnchorAt, fin.Due, fin.Provisional = &pred, ptr(AddMonthBy(pred, z, r.MonthRule)), true
		}
		fin.LegalLatest = ptr(LegalLatest(*fin.Due, z))
		c.progress(&out, fin, ids, reg)
		if reg == RegimeNIS2 {
			add(Obligation{ID: "nis2.recipients", Regime: reg, Owner: RoleComms, Anchor: anchor,
				AnchorAt: aware, Due: ptr(aware.Add(24 * time.Hour)), Provisional: prov, Length: Length24h})
		} else if rq, ok := s.Requests["bsig.unterrichtung"]; ok {
			o := Obligation{ID: "bsig.unterrichtung", Regime: reg, Owner: RoleComms, Statutory: true,
				Anchor: "requested_at", AnchorAt: ptr(rq.At), Length: Length24h}
			if rq.Due != nil {
				o.Due = rq.Due
			}
			add(o)
		}
	}
	if s.Active(RegimeGDPR) || c.withdrawn(RegimeGDPR) {
		aware, prov, anchor := s.AwareFor(RegimeGDPR), false, "aware_at"
		if aware == nil {
			aware, prov, anchor = &detected, true, "detected_at"
		}
		add(Obligation{ID: "gdpr.art33", Regime: RegimeGDPR, Owner: RoleDPO, Statutory: true, Anchor: anchor,
			AnchorAt: aware, Due: ptr(aware.Add(72 * time.Hour)), Provisional: prov, Length: Length72h})
		if s.HighRisk != nil {
			add(Obligation{ID: "gdpr.art34", Regime: RegimeGDPR, Owner: RoleComms, Anchor: "high_risk_decided_at",
				AnchorAt: ptr(s.HighRisk.At), Due: ptr(s.HighRisk.At.Add(24 * time.Hour)), Length: Length24h})
		}
		add(Obligation{ID: "gdpr.breach_register", Regime: RegimeGDPR, Owner: RoleDPO, Anchor: anchor,
			AnchorAt: aware, Length: LengthNone})
	}
	if s.Active(RegimeDORA) || c.withdrawn(RegimeDORA) {
		c.dora(&out)
	}
	// internal: always on.
	add(Obligation{ID: "internal.crisis_team", Regime: RegimeInternal, Owner: RoleLead, Anchor: "detected_at",
		AnchorAt: &detected, Due: ptr(detected.Add(time.Hour)), Length: Length4h})
	{
		aware, anchor := s.AwareFor(RegimeInternal), "aware_at"
		if aware == nil {
			aware, anchor = &detected, "detected_at"
		}
		add(Obligation{ID: "internal.staff_notice", Regime: RegimeInternal, Owner: RoleComms, Anchor: anchor,
			AnchorAt: aware, Due: ptr(aware.Add(4 * time.Hour)), Length: Length4h})
		add(Obligation{ID: "internal.customer_notice", Regime: RegimeInternal, Owner: RoleComms, Anchor: anchor,
			AnchorAt: aware, Due: ptr(aware.Add(24 * time.Hour)), Length: Length24h})
	}
	if last := c.lastUpdate(); last != nil && s.Status != StatusClosed {
		cad := r.Cadence
		if s.Resolved != nil {
			cad = r.ResolvedCadence
		}
		if cad <= 0 {
			cad = 4 * time.Hour
		}
		add(Obligation{ID: "internal.status_update", Regime: RegimeInternal, Owner: RoleComms,
			Anchor: "last_update", AnchorAt: last, Due: ptr(last.Add(cad)), Length: LengthCadence})
	}
	if s.Resolved != nil {
		// Anchored on resolve, not close: a closed incident takes no more
		// commands, and the follow-up phase runs between the two.
		add(Obligation{ID: "internal.post_crisis_letter", Regime: RegimeInternal, Owner: RoleComms,
			Anchor: "handled_at", AnchorAt: s.Resolved, Due: ptr(AddDays(*s.Resolved, 14, z)), Length: Length72h})
		add(Obligation{ID: "internal.lessons_learned", Regime: RegimeInternal, Owner: RoleLead,
			Anchor: "handled_at", AnchorAt: s.Resolved, Due: ptr(AddDays(*s.Resolved, 30, z)), Length: Length72h})
	}
	return out
}

type regimeIDs struct{ early, notif, inter, final, progress, after string }

var (
	nis2IDs = regimeIDs{"nis2.early_warning", "nis2.notification", "nis2.intermediate", "nis2.final", "nis2.progress", "nis2.final_after_handling"}
	bsigIDs = regimeIDs{"bsig.erstmeldung", "bsig.meldung", "bsig.zwischenmeldung", "bsig.abschlussmeldung", "bsig.fortschrittsmeldung", "bsig.final_after_handling"}
)

type obCalc struct {
	s   *State
	r   Regulation
	z   *time.Location
	now time.Time
}

func (c obCalc) withdrawn(reg string) bool {
	_, ok := c.s.Withdrawn[reg]
	return ok && !c.s.Active(reg)
}

// progress adds the final report, and the progress report and the final
// report after handling when the incident is still ongoing at its due.
func (c obCalc) progress(out *[]Obligation, fin Obligation, ids regimeIDs, reg string) {
	s := c.s
	fd := *fin.Due
	handled := s.Resolved
	ongoingAtDue := handled == nil || handled.After(fd)
	finSub := s.firstSubmission(ids.final)
	progSub := s.firstSubmission(ids.progress)
	superseded := !fin.Provisional && finSub == nil && ongoingAtDue &&
		(progSub != nil || !c.now.Before(fd))
	fin.Ask = !fin.Provisional && handled == nil
	if superseded {
		fin.Status = ObSuperseded
	}
	*out = append(*out, c.finish(fin))
	if fin.Provisional || finSub != nil || !ongoingAtDue {
		return
	}
	if progSub != nil || !c.now.Before(fd.Add(-24*time.Hour)) {
		*out = append(*out, c.finish(Obligation{ID: ids.progress, Regime: reg, Owner: RoleReporter, Statutory: true,
			Anchor: ids.final + ".due", AnchorAt: &fd, Due: &fd, Length: LengthMonth}))
	}
	if superseded {
		o := Obligation{ID: ids.after, Regime: reg, Owner: RoleReporter, Statutory: true, Anchor: "handled_at",
			AnchorAt: handled, Length: LengthMonth}
		if handled != nil {
			o.Due = ptr(AddMonthBy(*handled, c.z, c.r.MonthRule))
		}
		*out = append(*out, c.finish(o))
	}
}

func (c obCalc) dora(out *[]Obligation) {
	s := c.s
	aware, anchor := s.AwareFor(RegimeDORA), "aware_at"
	if aware == nil {
		aware, anchor = &s.Detected.At, "detected_at"
	}
	relief := c.r.Entity.initialRelief()
	ini := Obligation{ID: "dora.initial", Regime: RegimeDORA, Owner: RoleReporter, Statutory: true,
		Anchor: anchor, AnchorAt: aware, Length: Length4h}
	if s.Classified != nil {
		ini.Anchor, ini.AnchorAt = "classified_at", ptr(s.Classified.At)
		ini.Due = ptr(DORAInitialDue(*aware, s.Classified.At))
	} else {
		ini.Due, ini.Conditional = ptr(aware.Add(24*time.Hour)), true
	}
	c.relief(&ini, relief)
	*out = append(*out, c.finish(ini))
	inter := Obligation{ID: "dora.intermediate", Regime: RegimeDORA, Owner: RoleReporter, Statutory: true,
		Anchor: "dora.initial.submitted_at", Length: Length72h, Conditional: ini.Conditional}
	if sub := s.firstSubmission("dora.initial"); sub != nil {
		inter.AnchorAt, inter.Due = ptr(sub.At), ptr(sub.At.Add(72*time.Hour))
	} else {
		inter.AnchorAt, inter.Due, inter.Provisional = ini.Due, ptr(ini.Due.Add(72*time.Hour)), true
	}
	c.relief(&inter, relief)
	// The first intermediate submission meets it; later ones are updates
	// that move the final report (3.6).
	*out = append(*out, c.finish(inter))
	fin := Obligation{ID: "dora.final", Regime: RegimeDORA, Owner: RoleReporter, Statutory: true,
		Anchor: "dora.intermediate.submitted_at", Length: LengthMonth, Conditional: ini.Conditional}
	if sub := s.lastSubmission("dora.intermediate"); sub != nil {
		fin.AnchorAt, fin.Due = ptr(sub.At), ptr(AddMonthBy(sub.At, c.z, c.r.MonthRule))
	} else {
		fin.AnchorAt, fin.Due, fin.Provisional = inter.Due, ptr(AddMonthBy(*inter.Due, c.z, c.r.MonthRule)), true
	}
	c.relief(&fin, c.r.Entity.finalRelief())
	fin.LegalLatest = ptr(LegalLatest(*fin.Due, c.z))
	*out = append(*out, c.finish(fin))
	// A DORA report that cannot be made in time needs a delay notice
	// before its due (RTS Art. 5(3)).
	for _, o := range (*out)[len(*out)-3:] {
		if o.Status == ObOverdue && !o.Conditional {
			*out = append(*out, c.finish(Obligation{ID: "dora.delay_notice", Regime: RegimeDORA, Owner: RoleReporter,
				Statutory: true, Anchor: o.ID + ".due", AnchorAt: o.Due, Due: o.Due, Length: Length4h}))
			break
		}
	}
	aw := *aware
	*out = append(*out, c.finish(Obligation{ID: "dora.clients", Regime: RegimeDORA, Owner: RoleComms,
		Anchor: anchor, AnchorAt: &aw, Due: ptr(aw.Add(24 * time.Hour)), Length: Length24h}))
}

func (c obCalc) relief(o *Obligation, eligible bool) {
	if !eligible || o.Due == nil {
		return
	}
	if at, ok := ReliefDue(*o.Due, c.z, c.r.Holidays); ok {
		o.Relief = &at
	}
}

// lastUpdate is the anchor of the status cadence: the last released status
// update, else the first released customer notice.
func (c obCalc) lastUpdate() *time.Time {
	var last *time.Time
	for i := range c.s.Drafts {
		d := &c.s.Drafts[i]
		if d.Released == nil {
			continue
		}
		if d.Kind == "update" || d.Kind == "nonews" || (d.Kind == "customer" && last == nil) {
			if last == nil || d.Released.At.After(*last) {
				last = ptr(d.Released.At)
			}
		}
	}
	return last
}

// finish sets the status of o from submissions, waivers, drafts and now.
func (c obCalc) finish(o Obligation) Obligation {
	s := c.s
	if o.Status != "" { // superseded, decided by the caller
		return o
	}
	kind := draftFor[o.ID]
	if sub := s.firstSubmission(o.ID); sub != nil {
		o.Done, o.Ref = ptr(sub.At), sub.Ref
		o.Unapproved = kind != "" && !c.released(kind, o.ID, sub.At)
		if r, ok := s.Receipts[o.ID]; ok {
			o.Receipt, o.ReceiptRef = ptr(r.At), r.Ref
		}
		o.Status = ObMet
		if o.Due != nil && sub.At.After(*o.Due) {
			o.Status = ObLate
		}
		return o
	}
	if !s.Active(o.Regime) {
		o.Status = ObWithdrawn
		return o
	}
	// Convening the team is checklist item FH-05; ticking it off meets
	// the internal clock.
	if o.ID == "internal.crisis_team" {
		for _, t := range s.Tasks {
			if t.Checklist == "FH-05" && t.Done != nil {
				o.Done, o.Status = ptr(*t.Done), ObMet
				if o.Due != nil && t.Done.After(*o.Due) {
					o.Status = ObLate
				}
				return o
			}
		}
	}
	if _, ok := s.Waivers[o.ID]; ok {
		o.Status = ObWaived
		return o
	}
	// Messages to people are met by their release (publication follows
	// through the outbox at once); reports to authorities by submission.
	if kind != "" && !authorityKind(kind) {
		if at := c.releasedAt(kind, o); at != nil {
			o.Done = at
			o.Status = ObMet
			if o.Due != nil && at.After(*o.Due) {
				o.Status = ObLate
			}
			return o
		}
	}
	o.Status = ObPending
	for i := range s.Drafts {
		d := &s.Drafts[i]
		if d.Kind != kind || kind == "" || (d.Obligation != "" && d.Obligation != o.ID) || d.Rejected() {
			continue
		}
		switch {
		case d.Released != nil:
			o.Status = ObApproved
		case len(d.current().Approvals) > 0 && o.Status != ObApproved:
			o.Status = ObInReview
		case o.Status == ObPending:
			o.Status = ObDrafted
		}
	}
	if o.Due != nil && c.now.After(*o.Due) && !o.Conditional {
		o.Status = ObOverdue
	}
	return o
}

// released reports whether a draft of kind for obligation id was released
// before at.
func (c obCalc) released(kind, id string, at time.Time) bool {
	for _, d := range c.s.Drafts {
		if d.Kind == kind && (d.Obligation == "" || d.Obligation == id) && d.Released != nil && !d.Released.At.After(at) {
			return true
		}
	}
	return false
}

// releasedAt finds the release that meets o: for status updates the first
// one after the cadence anchor... a recurring clock is never met, so only
// the one-off notices are matched here.
func (c obCalc) releasedAt(kind string, o Obligation) *time.Time {
	if o.ID == "internal.status_update" {
		return nil
	}
	for _, d := range c.s.Drafts {
		if d.Released == nil || (d.Obligation != "" && d.Obligation != o.ID) {
			continue
		}
		if d.Kind == kind || (kind == "update" && d.Kind == "nonews") {
			return ptr(d.Released.At)
		}
	}
	return nil
}

// IsAuthorityKind reports whether a draft kind is a report to an authority.
func IsAuthorityKind(kind string) bool { return authorityKind(kind) }

// authorityKind reports whether a draft kind is a report to an authority
// (met by submission, not by release).
func authorityKind(kind string) bool {
	switch kind {
	case "early_warning", "notification", "intermediate", "progress", "final", "gdpr33",
		"dora_initial", "dora_intermediate", "dora_final":
		return true
	}
	return false
}

// ObligationsFor returns the obligations a draft kind can fulfil, in the
// order of ObligationIDs.
func ObligationsFor(kind string) []string {
	var out []string
	for _, id := range ObligationIDs() {
		if draftFor[id] == kind {
			out = append(out, id)
		}
	}
	return out
}

// Find returns the obligation with id from a list.
func Find(obs []Obligation, id string) (Obligation, bool) {
	for _, o := range obs {
		if o.ID == id {
			return o, true
		}
	}
	return Obligation{}, false
}

func regimeOf(id string) string {
	r, _, _ := strings.Cut(id, ".")
	return r
}
