package crisis_test

import (
	"errors"
	"testing"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
)

// The worked scenarios of crisis-domain.md section 8, driven through
// Decide and Fold exactly as the runtime does; every expected instant is
// asserted to the second.

func scenario(t testing.TB, detected string, regimes ...string) *history {
	t.Helper()
	return scenarioEnv(t, testEnv(), detected, regimes...)
}

func scenarioEnv(t testing.TB, env crisis.Env, detected string, regimes ...string) *history {
	t.Helper()
	h := newHistory(t, env)
	at := ts(detected)
	h.do(at, "lena", crisis.Start{ID: incident, Title: "Scenario", Regimes: regimes, Room: console, Lang: "de",
		Detected: &crisis.Instant{At: at}})
	return h
}

func (h *history) ob(now time.Time, id string) crisis.Obligation {
	h.tb.Helper()
	o, ok := crisis.Find(crisis.Obligations(h.state(), h.env.Policy.Regs, now), id)
	if !ok {
		h.tb.Fatalf("obligation %s not present at %s", id, now.Format(time.RFC3339))
	}
	return o
}

func (h *history) absent(now time.Time, id string) {
	h.tb.Helper()
	if o, ok := crisis.Find(crisis.Obligations(h.state(), h.env.Policy.Regs, now), id); ok {
		h.tb.Fatalf("obligation %s present (%+v), want absent", id, o)
	}
}

func (h *history) wantDue(now time.Time, id, due string) crisis.Obligation {
	h.tb.Helper()
	o := h.ob(now, id)
	if o.Due == nil || !o.Due.Equal(ts(due)) {
		h.tb.Fatalf("%s due = %v, want %s", id, o.Due, due)
	}
	return o
}

func (h *history) wantStatus(now time.Time, id string, want crisis.ObStatus) crisis.Obligation {
	h.tb.Helper()
	o := h.ob(now, id)
	if o.Status != want {
		h.tb.Fatalf("%s status at %s = %s, want %s", id, now.Format(time.RFC3339), o.Status, want)
	}
	return o
}

func at(s string) crisis.Instant { return crisis.Instant{At: ts(s)} }

// release drafts kind by author and approves it by approvers at when.
func (h *history) release(when time.Time, kind string, author crisis.PersonID, reviewers []crisis.PersonID, approvers ...crisis.PersonID) int {
	h.tb.Helper()
	h.do(when.Add(-5*time.Minute), author, crisis.CreateDraft{Kind: kind, Lang: "de", Text: kind + " text " + when.String()})
	id := len(h.state().Drafts)
	for _, r := range reviewers {
		h.do(when.Add(-time.Minute), r, crisis.ReviewDraft{Draft: id})
	}
	for _, a := range approvers {
		h.do(when, a, crisis.Approve{Draft: id})
	}
	if st := h.state(); st.Draft(id).Released == nil {
		h.tb.Fatalf("draft %d (%s) not released after approvals by %v", id, kind, approvers)
	}
	return id
}

func findMove(evs []crisis.Event, id string) *crisis.Move {
	for _, e := range evs {
		var moves []crisis.Move
		switch d := e.Data.(type) {
		case crisis.AwareSet:
			moves = d.Moves
		case crisis.AwareConfirmed:
			moves = d.Moves
		case crisis.Submitted:
			moves = d.Moves
		case crisis.Classified:
			moves = d.Moves
		}
		for i := range moves {
			if moves[i].Obligation == id {
				return &moves[i]
			}
		}
	}
	return nil
}

func TestSC01RansomwareFridayEvening(t *testing.T) {
	h := scenario(t, "2026-01-16T16:40:00Z", "bsig", "gdpr")
	e1 := ts("2026-01-16T16:40:00Z")
	h.wantDue(e1, "internal.crisis_team", "2026-01-16T17:40:00Z")
	// No awareness yet: BSIG clocks run provisionally from detection.
	if o := h.wantDue(e1, "bsig.erstmeldung", "2026-01-17T16:40:00Z"); !o.Provisional || o.Anchor != "detected_at" {
		t.Fatalf("erstmeldung before E2 = %+v, want provisional from detected_at", o)
	}
	h.wantDue(e1, "bsig.meldung", "2026-01-19T16:40:00Z")

	// E2: awareness Saturday 09:00 CET; gap 15 h 20 min > 4 h.
	e2 := ts("2026-01-17T08:00:00Z")
	evs := h.do(e2, "lena", crisis.Aware{At: at("2026-01-17T08:00:00Z"), Reason: "IT provider confirmed encryption"})
	if aw := evs[0].Data.(crisis.AwareSet); !aw.GapWarning {
		t.Fatal("gap of 15h20m not flagged")
	}
	if m := findMove(evs, "bsig.erstmeldung"); m == nil || !m.To.Equal(ts("2026-01-18T08:00:00Z")) {
		t.Fatalf("move of erstmeldung = %+v", m)
	}
	h.wantDue(e2, "bsig.erstmeldung", "2026-01-18T08:00:00Z")
	h.wantDue(e2, "bsig.meldung", "2026-01-20T08:00:00Z")
	h.wantDue(e2, "gdpr.art33", "2026-01-20T08:00:00Z")
	h.wantDue(e2, "internal.staff_notice", "2026-01-17T12:00:00Z")
	h.wantDue(e2, "internal.customer_notice", "2026-01-18T08:00:00Z")
	fin := h.wantDue(e2, "bsig.abschlussmeldung", "2026-02-20T08:00:00Z")
	if !fin.Provisional {
		t.Fatal("Abschlussmeldung before E6 not provisional")
	}
	// The -12h reminder of the Erstmeldung is pending at 2026-01-17T20:00Z.
	if r := reminderFor(t, h, e2, "bsig.erstmeldung"); r == nil || !r.At.Equal(ts("2026-01-17T20:00:00Z")) {
		t.Fatalf("erstmeldung reminder = %+v, want 2026-01-17T20:00:00Z", r)
	}

	// E3 staff notice released (hr reviews, lead releases).
	e3 := ts("2026-01-17T10:30:00Z")
	h.release(e3, "staff", "kai", []crisis.PersonID{"hugo"}, "lena")
	h.wantStatus(e3, "internal.staff_notice", crisis.ObMet)
	// E4 first customer notice: lead + mgmt; staff first is satisfied.
	e4 := ts("2026-01-17T11:00:00Z")
	h.release(e4, "customer", "kai", nil, "lena", "mia")
	h.wantStatus(e4, "internal.customer_notice", crisis.ObMet)
	h.wantDue(e4, "internal.status_update", "2026-01-17T15:00:00Z")

	// E5 Erstmeldung filed: met, and its reminder is gone before -12h.
	e5 := ts("2026-01-17T13:10:00Z")
	h.do(e5, "rene", crisis.Submit{Obligation: "bsig.erstmeldung", At: at("2026-01-17T13:10:00Z"), Ref: "BSI-1"})
	h.wantStatus(e5, "bsig.erstmeldung", crisis.ObMet)
	if r := reminderFor(t, h, e5, "bsig.erstmeldung"); r != nil {
		t.Fatalf("erstmeldung still reminds after E5: %+v", r)
	}

	// A no-news update at 14:55 satisfies the cadence and sets the next due.
	nn := ts("2026-01-17T14:55:00Z")
	h.release(nn, "nonews", "kai", nil, "kai")
	h.wantDue(nn, "internal.status_update", "2026-01-17T18:55:00Z")

	// E6 Meldung filed Monday: the final report becomes firm and earlier.
	e6 := ts("2026-01-19T14:30:00Z")
	evs = h.do(e6, "rene", crisis.Submit{Obligation: "bsig.meldung", At: at("2026-01-19T14:30:00Z"), Ref: "BSI-2"})
	m := findMove(evs, "bsig.abschlussmeldung")
	if m == nil || !m.From.Equal(ts("2026-02-20T08:00:00Z")) || !m.To.Equal(ts("2026-02-19T14:30:00Z")) {
		t.Fatalf("abschlussmeldung move = %+v, want 2026-02-20T08:00Z → 2026-02-19T14:30Z", m)
	}
	h.wantStatus(e6, "bsig.meldung", crisis.ObMet)
	if o := h.wantDue(e6, "bsig.abschlussmeldung", "2026-02-19T14:30:00Z"); o.Provisional {
		t.Fatal("Abschlussmeldung still provisional after E6")
	}
	// E7 GDPR Art. 33 filed.
	e7 := ts("2026-01-19T15:00:00Z")
	h.do(e7, "dora", crisis.Submit{Obligation: "gdpr.art33", At: at("2026-01-19T15:00:00Z")})
	h.wantStatus(e7, "gdpr.art33", crisis.ObMet)
}

func TestSC01VariantBSIReading(t *testing.T) {
	h := scenario(t, "2026-01-16T16:40:00Z", "bsig", "gdpr")
	h.do(ts("2026-01-17T08:00:00Z"), "lena", crisis.Aware{At: at("2026-01-16T16:40:00Z")})
	now := ts("2026-01-17T08:00:00Z")
	h.wantDue(now, "bsig.erstmeldung", "2026-01-17T16:40:00Z")
	h.wantDue(now, "bsig.meldung", "2026-01-19T16:40:00Z")
	h.wantDue(now, "gdpr.art33", "2026-01-19T16:40:00Z")
	for _, s := range []struct{ id, at string }{
		{"bsig.erstmeldung", "2026-01-17T13:10:00Z"}, {"bsig.meldung", "2026-01-19T14:30:00Z"}, {"gdpr.art33", "2026-01-19T15:00:00Z"},
	} {
		h.do(ts(s.at), "rene", crisis.Submit{Obligation: s.id, At: at(s.at)})
		h.wantStatus(ts(s.at), s.id, crisis.ObMet)
	}
}

func reminderFor(t *testing.T, h *history, now time.Time, id string) *crisis.Reminder {
	t.Helper()
	for _, r := range crisis.Reminders(h.state(), h.env.Policy, now) {
		if r.Target.Kind == crisis.TargetObligation && r.Target.Name == id {
			return &r
		}
	}
	return nil
}

func TestSC02FinalReportAtMonthEnd(t *testing.T) {
	for _, tt := range []struct {
		name, start, submitted, due string
		rule                        crisis.MonthRule
	}{
		{"calendar", "2026-01-30T09:00:00Z", "2026-01-31T09:00:00Z", "2026-02-28T09:00:00Z", crisis.MonthCalendar},
		{"days30", "2026-01-30T09:00:00Z", "2026-01-31T09:00:00Z", "2026-03-02T09:00:00Z", crisis.MonthDays30},
		{"min", "2026-01-30T09:00:00Z", "2026-01-31T09:00:00Z", "2026-02-28T09:00:00Z", crisis.MonthMin},
		{"leap year", "2028-01-30T09:00:00Z", "2028-01-31T09:00:00Z", "2028-02-29T09:00:00Z", crisis.MonthCalendar},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := testEnv()
			env.Policy.Regs.MonthRule = tt.rule
			h := scenarioEnv(t, env, tt.start, "bsig")
			h.do(ts(tt.start), "lena", crisis.Aware{At: at(tt.start)})
			h.do(ts(tt.submitted), "rene", crisis.Submit{Obligation: "bsig.meldung", At: at(tt.submitted)})
			o := h.wantDue(ts(tt.submitted), "bsig.abschlussmeldung", tt.due)
			if tt.name == "calendar" && !o.LegalLatest.Equal(ts("2026-02-28T23:00:00Z")) {
				t.Fatalf("legal latest = %v, want 2026-02-28T23:00:00Z", o.LegalLatest)
			}
		})
	}
}

func TestSC03SC04DaylightSaving(t *testing.T) {
	h := scenario(t, "2026-03-28T08:00:00Z", "nis2", "gdpr")
	h.do(ts("2026-03-28T09:00:00Z"), "lena", crisis.Aware{At: at("2026-03-28T09:00:00Z")})
	now := ts("2026-03-28T09:00:00Z")
	h.wantDue(now, "nis2.early_warning", "2026-03-29T09:00:00Z")
	h.wantDue(now, "nis2.notification", "2026-03-31T09:00:00Z")
	h.wantDue(now, "gdpr.art33", "2026-03-31T09:00:00Z")

	h = scenario(t, "2026-10-24T20:00:00Z", "bsig", "gdpr")
	h.do(ts("2026-10-24T20:30:00Z"), "lena", crisis.Aware{At: at("2026-10-24T20:30:00Z")})
	now = ts("2026-10-24T20:30:00Z")
	h.wantDue(now, "bsig.erstmeldung", "2026-10-25T20:30:00Z")
	h.wantDue(now, "bsig.meldung", "2026-10-27T20:30:00Z")
	h.wantDue(now, "gdpr.art33", "2026-10-27T20:30:00Z")
}

func TestSC05MonthAcrossDSTThroughObligations(t *testing.T) {
	for _, tt := range []struct{ submitted, due string }{
		{"2026-03-10T13:00:00Z", "2026-04-10T12:00:00Z"},
		{"2026-03-31T07:15:00Z", "2026-04-30T07:15:00Z"},
		{"2027-02-28T01:30:00Z", "2027-03-28T01:00:00Z"},
		{"2026-09-25T00:30:00Z", "2026-10-25T00:30:00Z"},
		{"2026-12-15T09:00:00Z", "2027-01-15T09:00:00Z"},
	} {
		t.Run(tt.submitted, func(t *testing.T) {
			start := ts(tt.submitted).Add(-time.Hour).Format(time.RFC3339)
			h := scenario(t, start, "nis2")
			h.do(ts(tt.submitted), "rene", crisis.Submit{Obligation: "nis2.notification", At: at(tt.submitted)})
			h.wantDue(ts(tt.submitted), "nis2.final", tt.due)
		})
	}
}

func doraEnv(typ string, relief *bool) crisis.Env {
	env := testEnv()
	cal, _ := crisis.ParseHolidayCalendar("DE")
	env.Policy.Regs.Holidays = cal
	env.Policy.Regs.Entity = crisis.Entity{DORAType: typ, DORAWeekendRelief: relief}
	return env
}

func TestSC06DORACreditInstitution(t *testing.T) {
	h := scenarioEnv(t, doraEnv("credit_institution", ptr(false)), "2026-05-04T06:00:00Z", "dora")
	e1 := ts("2026-05-04T06:00:00Z")
	h.do(e1, "lena", crisis.Aware{At: at("2026-05-04T06:00:00Z")})
	if o := h.wantDue(e1, "dora.initial", "2026-05-05T06:00:00Z"); !o.Conditional {
		t.Fatal("DORA initial before classification is not conditional")
	}
	if r := reminderFor(t, h, e1, "dora.initial"); r != nil {
		t.Fatalf("conditional clock reminds: %+v", r)
	}
	e2 := ts("2026-05-05T04:00:00Z")
	h.do(e2, "lena", crisis.Classify{Class: crisis.ClassMajor, At: at("2026-05-05T04:00:00Z")})
	if o := h.wantDue(e2, "dora.initial", "2026-05-05T06:00:00Z"); o.Conditional || o.Relief != nil {
		t.Fatalf("initial after classification = %+v", o)
	}
	e3 := ts("2026-05-05T05:30:00Z")
	h.do(e3, "rene", crisis.Submit{Obligation: "dora.initial", At: at("2026-05-05T05:30:00Z")})
	h.wantStatus(e3, "dora.initial", crisis.ObMet)
	h.wantDue(e3, "dora.intermediate", "2026-05-08T05:30:00Z")
	e4 := ts("2026-05-07T14:00:00Z")
	h.do(e4, "rene", crisis.Submit{Obligation: "dora.intermediate", At: at("2026-05-07T14:00:00Z")})
	h.wantStatus(e4, "dora.intermediate", crisis.ObMet)
	fin := h.wantDue(e4, "dora.final", "2026-06-07T14:00:00Z")
	if fin.Relief == nil || !fin.Relief.Equal(ts("2026-06-08T10:00:00Z")) {
		t.Fatalf("final relief = %v, want 2026-06-08T10:00:00Z", fin.Relief)
	}
	e5 := ts("2026-05-12T09:00:00Z")
	h.do(e5, "rene", crisis.Submit{Obligation: "dora.intermediate", At: at("2026-05-12T09:00:00Z")})
	if fin := h.wantDue(e5, "dora.final", "2026-06-12T09:00:00Z"); fin.Relief != nil {
		t.Fatalf("weekday final has relief %v", fin.Relief)
	}

	late := scenarioEnv(t, doraEnv("credit_institution", ptr(false)), "2026-05-04T06:00:00Z", "dora")
	late.do(e1, "lena", crisis.Aware{At: at("2026-05-04T06:00:00Z")})
	late.do(ts("2026-05-06T13:00:00Z"), "lena", crisis.Classify{Class: crisis.ClassMajor, At: at("2026-05-06T13:00:00Z")})
	late.wantDue(ts("2026-05-06T13:00:00Z"), "dora.initial", "2026-05-06T17:00:00Z")
}

func TestSC07DORAWeekendRelief(t *testing.T) {
	for _, tt := range []struct {
		name, typ, aware, due, relief string
	}{
		{"a payment institution", "payment_institution", "2026-06-05T18:00:00Z", "2026-06-06T00:00:00Z", "2026-06-08T10:00:00Z"},
		{"a credit institution", "credit_institution", "2026-06-05T18:00:00Z", "2026-06-06T00:00:00Z", ""},
		{"b local date decides", "payment_institution", "2026-06-04T22:30:00Z", "2026-06-05T22:30:00Z", "2026-06-08T10:00:00Z"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := scenarioEnv(t, doraEnv(tt.typ, nil), tt.aware, "dora")
			now := ts("2026-06-05T20:00:00Z")
			h.do(now, "lena", crisis.Aware{At: at(tt.aware)})
			h.do(now, "lena", crisis.Classify{Class: crisis.ClassMajor, At: at("2026-06-05T20:00:00Z")})
			o := h.wantDue(now, "dora.initial", tt.due)
			switch {
			case tt.relief == "" && o.Relief != nil:
				t.Fatalf("relief %v for %s", o.Relief, tt.typ)
			case tt.relief != "" && (o.Relief == nil || !o.Relief.Equal(ts(tt.relief))):
				t.Fatalf("relief = %v, want %s", o.Relief, tt.relief)
			}
			// Reminders run against the strict due.
			if r := reminderFor(t, h, now, "dora.initial"); r == nil || r.At.After(ts(tt.due)) {
				t.Fatalf("reminder %+v not before the strict due", r)
			}
		})
	}
}

func TestSC08ProgressReport(t *testing.T) {
	start := "2026-02-01T10:00:00Z"
	sub := ts("2026-02-02T10:00:00Z")
	h := scenario(t, start, "bsig")
	h.do(ts(start), "lena", crisis.Aware{At: at(start)})
	h.do(sub, "rene", crisis.Submit{Obligation: "bsig.meldung", At: crisis.Instant{At: sub}})
	h.wantDue(sub, "bsig.abschlussmeldung", "2026-03-02T10:00:00Z")
	h.absent(sub, "bsig.fortschrittsmeldung")

	// -24 h: no resolve → the reminder asks whether it is still ongoing.
	ask := ts("2026-03-01T10:00:00Z")
	ps, err := crisis.Decide(h.state(), h.env, "", crisis.FireReminder{Target: crisis.Target{Kind: crisis.TargetObligation, Name: "bsig.abschlussmeldung"}}, ask)
	if err != nil {
		t.Fatal(err)
	}
	if rs := ps[0].(crisis.ReminderSent); !rs.AskOngoing || rs.Step != -24*time.Hour {
		t.Fatalf("reminder at -24h = %+v, want AskOngoing at step -24h", rs)
	}
	h.add(ask, "", ps...)
	h.wantDue(ask, "bsig.fortschrittsmeldung", "2026-03-02T10:00:00Z")

	variant := h.fork()
	prog := ts("2026-03-02T08:30:00Z")
	h.do(prog, "rene", crisis.Submit{Obligation: "bsig.fortschrittsmeldung", At: crisis.Instant{At: prog}})
	h.wantStatus(prog, "bsig.fortschrittsmeldung", crisis.ObMet)
	h.wantStatus(prog, "bsig.abschlussmeldung", crisis.ObSuperseded)
	if o := h.ob(prog, "bsig.final_after_handling"); o.Due != nil {
		t.Fatalf("final after handling has a due before resolve: %v", o.Due)
	}
	res := ts("2026-03-20T15:00:00Z")
	h.do(res, "lena", crisis.Resolve{})
	h.wantDue(res, "bsig.final_after_handling", "2026-04-20T14:00:00Z")

	// Variant: resolved before the due → final report stays as is.
	v := scenario(t, start, "bsig")
	v.do(ts(start), "lena", crisis.Aware{At: at(start)})
	v.do(sub, "rene", crisis.Submit{Obligation: "bsig.meldung", At: crisis.Instant{At: sub}})
	v.do(ts("2026-02-27T12:00:00Z"), "lena", crisis.Resolve{})
	after := ts("2026-03-03T00:00:00Z")
	v.wantDue(after, "bsig.abschlussmeldung", "2026-03-02T10:00:00Z")
	v.wantStatus(after, "bsig.abschlussmeldung", crisis.ObOverdue)
	v.absent(after, "bsig.fortschrittsmeldung")
	v.absent(after, "bsig.final_after_handling")

	// Not handled at the due and nothing filed: superseded at the due.
	variant.wantStatus(ts("2026-03-02T10:00:00Z"), "bsig.abschlussmeldung", crisis.ObSuperseded)
	variant.wantStatus(ts("2026-03-02T10:00:01Z"), "bsig.fortschrittsmeldung", crisis.ObOverdue)
}

func TestSC09AwarenessCorrections(t *testing.T) {
	base := scenario(t, "2026-09-14T06:00:00Z", "bsig")
	base.do(ts("2026-09-14T12:00:00Z"), "lena", crisis.Aware{At: at("2026-09-14T12:00:00Z")})
	base.wantDue(ts("2026-09-14T12:00:00Z"), "bsig.erstmeldung", "2026-09-15T12:00:00Z")
	base.wantDue(ts("2026-09-14T12:00:00Z"), "bsig.meldung", "2026-09-17T12:00:00Z")

	// Earlier correction by the lead alone takes effect at once.
	now := ts("2026-09-15T07:00:00Z")
	h := base.fork()
	evs := h.do(now, "lena", crisis.Aware{At: at("2026-09-14T06:30:00Z")})
	if m := findMove(evs, "bsig.erstmeldung"); m == nil || !m.Overdue {
		t.Fatalf("erstmeldung move = %+v, want overdue", m)
	}
	h.wantStatus(now, "bsig.erstmeldung", crisis.ObOverdue)
	h.wantDue(now, "bsig.erstmeldung", "2026-09-15T06:30:00Z")
	h.wantDue(now, "bsig.meldung", "2026-09-17T06:30:00Z")
	// One consolidated page to the owner and the lead, at once.
	r := reminderFor(t, h, now, "bsig.erstmeldung")
	if r == nil || r.At.After(now) {
		t.Fatalf("overdue erstmeldung reminder = %+v, want due at once", r)
	}
	ps, err := crisis.Decide(h.state(), h.env, "", crisis.FireReminder{Target: r.Target}, now)
	if err != nil {
		t.Fatal(err)
	}
	rs := ps[0].(crisis.ReminderSent)
	if len(rs.Recipients) != 2 || rs.Recipients[0] != "rene" || rs.Recipients[1] != "lena" || rs.Missed == 0 {
		t.Fatalf("catch-up ping = %+v, want one consolidated ping to rene and lena", rs)
	}

	for _, tt := range []struct {
		submitted string
		want      crisis.ObStatus
	}{{"2026-09-15T06:00:00Z", crisis.ObMet}, {"2026-09-15T07:20:00Z", crisis.ObLate}} {
		s := base.fork()
		if tt.want == crisis.ObMet {
			s.do(ts(tt.submitted), "rene", crisis.Submit{Obligation: "bsig.erstmeldung", At: at(tt.submitted)})
			evs := s.do(now, "lena", crisis.Aware{At: at("2026-09-14T06:30:00Z")})
			// A filed report carries the old instant: correction task.
			if _, ok := evs[len(evs)-1].Data.(crisis.TaskCreated); !ok {
				t.Fatalf("no correction task after correcting a filed report: %+v", evs)
			}
		} else {
			s.do(now, "lena", crisis.Aware{At: at("2026-09-14T06:30:00Z")})
			s.do(ts(tt.submitted), "rene", crisis.Submit{Obligation: "bsig.erstmeldung", At: at(tt.submitted)})
		}
		o := s.wantStatus(ts("2026-09-15T08:00:00Z"), "bsig.erstmeldung", tt.want)
		if tt.want == crisis.ObLate && o.Done.Sub(*o.Due) != 50*time.Minute {
			t.Fatalf("late by %s, want 50m", o.Done.Sub(*o.Due))
		}
	}

	// Later correction: pending until lead and legal agree.
	l := base.fork()
	later := ts("2026-09-14T15:00:00Z")
	l.do(later, "lena", crisis.Aware{At: at("2026-09-14T14:00:00Z"), Reason: "SOC ticket was a false alarm until 14:00"})
	l.wantDue(later, "bsig.erstmeldung", "2026-09-15T12:00:00Z")
	if _, err := crisis.Decide(l.state(), l.env, "lena", crisis.ConfirmAware{}, later); !errors.Is(err, &crisis.Error{Code: crisis.CodeSameApprover}) {
		t.Fatalf("self-confirmation: %v", err)
	}
	if _, err := crisis.Decide(l.state(), l.env, "mia", crisis.ConfirmAware{}, later); !errors.Is(err, &crisis.Error{Code: crisis.CodeNotPermitted}) {
		t.Fatalf("confirmation by mgmt: %v", err)
	}
	l.do(later, "lara", crisis.ConfirmAware{})
	l.wantDue(later, "bsig.erstmeldung", "2026-09-15T14:00:00Z")
}

// lint20 is a test linter with LINT-20's rule, to show that a lint error
// blocks approval until the facts are fixed.
func lint20(s *crisis.State, kind, lang, text string, now time.Time) []crisis.Finding {
	if kind == "gdpr33" {
		if a := s.AwareFor("gdpr"); a != nil && now.After(a.Add(72*time.Hour)) && s.Facts["delay_reasons"].Value == "" {
			return []crisis.Finding{{Rule: "LINT-20", Severity: crisis.SevError, Field: "delay_reasons"}}
		}
	}
	return nil
}

func TestSC10GDPRChristmas(t *testing.T) {
	env := testEnv()
	env.Lint = lint20
	h := scenarioEnv(t, env, "2026-12-24T13:30:00Z", "gdpr")
	aware := ts("2026-12-24T14:00:00Z")
	h.do(aware, "lena", crisis.Aware{At: crisis.Instant{At: aware}})
	h.wantDue(aware, "gdpr.art33", "2026-12-27T14:00:00Z")
	// Reminders -48h and -24h; holidays do not move anything.
	r := reminderFor(t, h, aware, "gdpr.art33")
	if r == nil || !r.At.Equal(ts("2026-12-25T14:00:00Z")) {
		t.Fatalf("first reminder = %+v, want 2026-12-25T14:00:00Z", r)
	}
	h.do(r.At, "", crisis.FireReminder{Target: r.Target})
	if r := reminderFor(t, h, ts("2026-12-25T14:00:00Z"), "gdpr.art33"); r == nil || !r.At.Equal(ts("2026-12-26T14:00:00Z")) {
		t.Fatalf("second reminder = %+v, want 2026-12-26T14:00:00Z", r)
	}
	hr := ts("2026-12-26T10:00:00Z")
	h.do(hr, "lara", crisis.Classify{Class: crisis.ClassHighRisk, At: crisis.Instant{At: hr}})
	h.wantDue(hr, "gdpr.art34", "2026-12-27T10:00:00Z")

	waived := h.fork()

	// Late: approval blocked by LINT-20 until delay_reasons is filled.
	late := ts("2026-12-28T09:00:00Z")
	h.do(late.Add(-time.Hour), "dora", crisis.CreateDraft{Kind: "gdpr33", Lang: "de", Text: "Meldung"})
	h.do(late.Add(-time.Hour), "dora", crisis.ReviewDraft{Draft: 1})
	if _, err := crisis.Decide(h.state(), h.env, "lara", crisis.Approve{Draft: 1}, late); !errors.Is(err, &crisis.Error{Code: crisis.CodeLintErrors}) {
		t.Fatalf("approval without delay reasons: %v", err)
	}
	if _, err := crisis.Decide(h.state(), h.env, "rene", crisis.Submit{Obligation: "gdpr.art33", At: crisis.Instant{At: late}}, late); !errors.Is(err, &crisis.Error{Code: crisis.CodeDelayReasons}) {
		t.Fatalf("late submission without delay reasons: %v", err)
	}
	h.do(late, "dora", crisis.SetFact{Key: "delay_reasons", Value: "Feiertage, Umfang erst am 27.12. bekannt"})
	h.do(late, "lara", crisis.Approve{Draft: 1})
	h.do(late, "rene", crisis.Submit{Obligation: "gdpr.art33", At: crisis.Instant{At: late}})
	o := h.wantStatus(late, "gdpr.art33", crisis.ObLate)
	if o.Done.Sub(*o.Due) != 19*time.Hour || o.Unapproved {
		t.Fatalf("late by %s (unapproved %v), want 19h approved", o.Done.Sub(*o.Due), o.Unapproved)
	}

	// Variant: encrypted laptop → Art. 34 waived by the DPO; Art. 33
	// waived too; the breach register is still required before close.
	if _, err := crisis.Decide(waived.state(), waived.env, "kai", crisis.Waive{Obligation: "gdpr.art34", Reason: "x"}, hr); !errors.Is(err, &crisis.Error{Code: crisis.CodeNotPermitted}) {
		t.Fatalf("waiver by comms: %v", err)
	}
	waived.do(hr, "dora", crisis.Waive{Obligation: "gdpr.art34", Reason: "Art. 34(3)(a): laptop fully encrypted, key not compromised"})
	waived.do(hr, "lara", crisis.Waive{Obligation: "gdpr.art33", Reason: "unlikely to result in a risk (encrypted)"})
	waived.wantStatus(hr, "gdpr.art34", crisis.ObWaived)
	waived.wantStatus(hr, "gdpr.art33", crisis.ObWaived)
	waived.do(hr, "lena", crisis.Resolve{})
	if _, err := crisis.Decide(waived.state(), waived.env, "lena", crisis.Close{}, hr); !errors.Is(err, &crisis.Error{Code: crisis.CodeRegisterMissing}) {
		t.Fatalf("close without breach register: %v", err)
	}
	waived.do(hr, "dora", crisis.Submit{Obligation: "gdpr.breach_register", At: crisis.Instant{At: hr}, Ref: "VVT-2026-17"})
	waived.do(hr, "lena", crisis.Close{})
}

// TestReceiptCheck: 24 h after a BSIG filing without a recorded receipt the
// reporter gets a task to check (3.8); a receipt recorded in time, or a
// filing under another regime, creates none.
func TestReceiptCheck(t *testing.T) {
	h := scenario(t, "2026-01-16T16:40:00Z", "bsig", "gdpr")
	filed := ts("2026-01-17T13:10:00Z")
	h.do(filed, "rene", crisis.Submit{Obligation: "bsig.erstmeldung", At: crisis.Instant{At: filed}, Ref: "BSI-1"})
	h.do(filed, "dora", crisis.Submit{Obligation: "gdpr.art33", At: crisis.Instant{At: filed}})
	var rems []crisis.Reminder
	for _, r := range crisis.Reminders(h.state(), h.env.Policy, filed) {
		if r.Target.Kind == crisis.TargetReceipt {
			rems = append(rems, r)
		}
	}
	if len(rems) != 1 || rems[0].Target.Name != "bsig.erstmeldung" || !rems[0].At.Equal(filed.Add(24*time.Hour)) {
		t.Fatalf("receipt checks = %+v, want one for bsig.erstmeldung at +24h", rems)
	}
	received := h.fork()
	received.do(filed.Add(2*time.Hour), "rene", crisis.RecordReceipt{Obligation: "bsig.erstmeldung", At: crisis.Instant{At: filed.Add(2 * time.Hour)}, Ref: "BSI-1-E"})
	for _, r := range crisis.Reminders(received.state(), received.env.Policy, filed) {
		if r.Target.Kind == crisis.TargetReceipt {
			t.Fatalf("receipt check after the receipt was recorded: %+v", r)
		}
	}
	if o := received.ob(filed, "bsig.erstmeldung"); o.ReceiptRef != "BSI-1-E" {
		t.Fatalf("obligation receipt = %q", o.ReceiptRef)
	}
	evs := h.do(rems[0].At, "", crisis.FireReminder{Target: rems[0].Target})
	task, ok := evs[0].Data.(crisis.TaskCreated)
	if !ok || task.Owner != "rene" || task.Text != "receipt:bsig.erstmeldung" {
		t.Fatalf("check task = %+v", evs[0].Data)
	}
	if _, err := crisis.Decide(h.state(), h.env, "", crisis.FireReminder{Target: rems[0].Target}, rems[0].At.Add(time.Hour)); !errors.Is(err, &crisis.Error{Code: crisis.CodeNoReminder}) {
		t.Fatalf("second check: %v", err)
	}
	if _, err := crisis.Decide(h.state(), h.env, "rene", crisis.RecordReceipt{Obligation: "bsig.meldung", At: crisis.Instant{At: filed}, Ref: "X"}, filed); !errors.Is(err, &crisis.Error{Code: crisis.CodeNotSubmitted}) {
		t.Fatalf("receipt for an unfiled report: %v", err)
	}
}
