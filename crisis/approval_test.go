package crisis_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
)

// approvalBase is an incident with bsig, gdpr and dora on, awareness
// stated and the staff notice released, so external drafts pass LINT-17.
func approvalBase(t *testing.T) (*history, time.Time) {
	t.Helper()
	h := scenario(t, "2026-01-16T16:40:00Z", "bsig", "gdpr", "dora")
	now := ts("2026-01-16T17:00:00Z")
	h.do(now, "lena", crisis.Aware{At: crisis.Instant{At: now}})
	h.release(now.Add(10*time.Minute), "staff", "kai", []crisis.PersonID{"hugo"}, "lena")
	return h, now.Add(20 * time.Minute)
}

func wantCode(t *testing.T, err error, code crisis.Code) {
	t.Helper()
	if !errors.Is(err, &crisis.Error{Code: code}) {
		t.Fatalf("error = %v, want %s", err, code)
	}
}

// The whole matrix of crisis-domain.md 4.2: for each audience, who must
// review, which approvers are not yet enough, and which release it.
func TestApprovalMatrix(t *testing.T) {
	tests := []struct {
		kind      string
		author    crisis.PersonID
		reviewers []crisis.PersonID
		partial   []crisis.PersonID // approvals that do not release
		release   []crisis.PersonID // the approvals that complete it
		outsider  crisis.PersonID   // holds no approving role
	}{
		{"early_warning", "rene", []crisis.PersonID{"ivo"}, nil, []crisis.PersonID{"lara"}, "kai"},
		{"notification", "rene", []crisis.PersonID{"ivo"}, []crisis.PersonID{"lena"}, []crisis.PersonID{"lara"}, "mia"},
		{"intermediate", "rene", []crisis.PersonID{"ivo"}, nil, []crisis.PersonID{"lena"}, "kai"},
		{"progress", "rene", []crisis.PersonID{"ivo"}, nil, []crisis.PersonID{"lara"}, "kai"},
		{"final", "rene", []crisis.PersonID{"ivo", "lena"}, []crisis.PersonID{"mia"}, []crisis.PersonID{"lara"}, "lena"},
		{"gdpr33", "dora", []crisis.PersonID{"dora"}, nil, []crisis.PersonID{"mia"}, "lena"},
		{"gdpr34", "kai", []crisis.PersonID{"dora"}, []crisis.PersonID{"lara"}, []crisis.PersonID{"otto"}, "lena"},
		{"dora_initial", "rene", []crisis.PersonID{"ivo"}, nil, []crisis.PersonID{"lena"}, "mia"},
		{"dora_intermediate", "rene", []crisis.PersonID{"ivo"}, nil, []crisis.PersonID{"lara"}, "mia"},
		{"dora_final", "rene", []crisis.PersonID{"ivo", "lena"}, []crisis.PersonID{"lara"}, []crisis.PersonID{"mia"}, "kai"},
		{"staff", "hugo", []crisis.PersonID{"hugo"}, nil, []crisis.PersonID{"mia"}, "kai"},
		{"customer", "kai", nil, []crisis.PersonID{"mia"}, []crisis.PersonID{"lena"}, "lara"},
		{"update", "otto", nil, nil, []crisis.PersonID{"kai"}, "mia"},
		{"nonews", "kai", nil, nil, []crisis.PersonID{"kai"}, "mia"},
		{"press", "kai", []crisis.PersonID{"lena"}, []crisis.PersonID{"mia"}, []crisis.PersonID{"lara"}, "kai"},
		{"followup", "otto", nil, []crisis.PersonID{"mia"}, []crisis.PersonID{"kai"}, "lena"},
	}
	if len(tests) != len(crisis.DefaultApprovalPolicy()) {
		t.Fatalf("matrix test covers %d kinds, policy has %d", len(tests), len(crisis.DefaultApprovalPolicy()))
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			h, now := approvalBase(t)
			if tt.kind == "gdpr34" {
				// comms is the author here, so a second comms holder approves.
				h.do(now, "lena", crisis.AssignRole{Role: crisis.RoleComms, Person: "otto"})
			}
			h.do(now, tt.author, crisis.CreateDraft{Kind: tt.kind, Lang: "de", Text: "Text " + tt.kind})
			id := len(h.state().Drafts)
			_, err := crisis.Decide(h.state(), h.env, tt.outsider, crisis.Approve{Draft: id}, now)
			wantCode(t, err, crisis.CodeNotApprover)
			for _, r := range tt.reviewers {
				h.do(now, r, crisis.ReviewDraft{Draft: id})
			}
			for _, p := range tt.partial {
				evs := h.do(now, p, crisis.Approve{Draft: id})
				if len(evs) != 1 || len(evs[0].Data.(crisis.Approved).Missing) == 0 {
					t.Fatalf("approval by %s released or names nothing missing: %+v", p, evs)
				}
			}
			var last []crisis.Event
			for _, p := range tt.release {
				last = h.do(now, p, crisis.Approve{Draft: id})
			}
			rel, ok := last[len(last)-1].Data.(crisis.Released)
			if !ok {
				t.Fatalf("not released after %v: %+v", tt.release, last)
			}
			st := h.state()
			if d := st.Draft(id); d.Released == nil || d.Released.Hash != d.Current().Hash {
				t.Fatalf("release does not bind to the current hash: %+v", d.Released)
			}
			if !slices.Contains(rel.Approvers, tt.release[len(tt.release)-1]) {
				t.Fatalf("approvers %v miss %s", rel.Approvers, tt.release[len(tt.release)-1])
			}
		})
	}
}

func TestApprovalMissingReviewBlocksRelease(t *testing.T) {
	h, now := approvalBase(t)
	h.do(now, "rene", crisis.CreateDraft{Kind: "early_warning", Lang: "de", Text: "Erstmeldung"})
	evs := h.do(now, "lena", crisis.Approve{Draft: 2})
	if ap := evs[0].Data.(crisis.Approved); len(evs) != 1 || !slices.Equal(ap.Review, []crisis.Role{crisis.RoleIT}) {
		t.Fatalf("approval without the it review = %+v", evs)
	}
	// The review completes the release only with the next approval
	// decision; the approval already given stays bound to the hash.
	h.do(now, "ivo", crisis.ReviewDraft{Draft: 2})
	last := h.do(now, "lara", crisis.Approve{Draft: 2})
	if _, ok := last[len(last)-1].Data.(crisis.Released); !ok {
		t.Fatalf("not released after review and second approval: %+v", last)
	}
}

func TestApprovalRules(t *testing.T) {
	t.Run("self-approval refused", func(t *testing.T) {
		h, now := approvalBase(t)
		h.do(now, "kai", crisis.CreateDraft{Kind: "update", Lang: "de", Text: "Stand 12:00 MEZ"})
		_, err := crisis.Decide(h.state(), h.env, "kai", crisis.Approve{Draft: 2}, now)
		wantCode(t, err, crisis.CodeSelfApproval)
	})
	t.Run("no-news author alone only while unmodified", func(t *testing.T) {
		h, now := approvalBase(t)
		h.do(now, "kai", crisis.CreateDraft{Kind: "nonews", Lang: "de", Text: "Keine neuen Erkenntnisse"})
		h.do(now, "kai", crisis.EditDraft{Draft: 2, Text: "Keine neuen Erkenntnisse, aber ..."})
		_, err := crisis.Decide(h.state(), h.env, "kai", crisis.Approve{Draft: 2}, now)
		wantCode(t, err, crisis.CodeSelfApproval)
	})
	t.Run("one person with two roles counts once", func(t *testing.T) {
		h, now := approvalBase(t)
		h.do(now, "lena", crisis.AssignRole{Role: crisis.RoleLegal, Person: "lena"})
		h.do(now, "rene", crisis.CreateDraft{Kind: "notification", Lang: "de", Text: "Meldung"})
		h.do(now, "ivo", crisis.ReviewDraft{Draft: 2})
		evs := h.do(now, "lena", crisis.Approve{Draft: 2})
		if len(evs) != 1 {
			t.Fatalf("lead+legal released by one person: %+v", evs)
		}
		if st := h.state(); st.Draft(2).Released != nil {
			t.Fatal("released")
		}
	})
	t.Run("edit voids approval", func(t *testing.T) {
		h, now := approvalBase(t)
		h.do(now, "kai", crisis.CreateDraft{Kind: "customer", Lang: "de", Text: "Version 1"})
		h.do(now, "lena", crisis.Approve{Draft: 2})
		h.do(now, "kai", crisis.EditDraft{Draft: 2, Text: "Version 2"})
		evs := h.do(now, "mia", crisis.Approve{Draft: 2})
		if len(evs) != 1 {
			t.Fatalf("released with an approval of an older revision: %+v", evs)
		}
		_, err := crisis.Decide(h.state(), h.env, "lena", crisis.Approve{Draft: 2, Rev: 1}, now)
		wantCode(t, err, crisis.CodeStaleRevision)
		last := h.do(now, "lena", crisis.Approve{Draft: 2, Rev: 2})
		if rel, ok := last[len(last)-1].Data.(crisis.Released); !ok || rel.Rev != 2 {
			t.Fatalf("rev 2 not released: %+v", last)
		}
		_, err = crisis.Decide(h.state(), h.env, "kai", crisis.EditDraft{Draft: 2, Text: "Version 3"}, now)
		wantCode(t, err, crisis.CodeDraftReleased)
	})
	t.Run("withdrawn approval no longer counts", func(t *testing.T) {
		h, now := approvalBase(t)
		h.do(now, "kai", crisis.CreateDraft{Kind: "customer", Lang: "de", Text: "Text"})
		h.do(now, "lena", crisis.Approve{Draft: 2, Reaction: true})
		h.do(now, "lena", crisis.Withdraw{Draft: 2})
		if evs := h.do(now, "mia", crisis.Approve{Draft: 2}); len(evs) != 1 {
			t.Fatalf("released after withdrawal: %+v", evs)
		}
	})
	t.Run("rejection blocks until edited", func(t *testing.T) {
		h, now := approvalBase(t)
		h.do(now, "kai", crisis.CreateDraft{Kind: "customer", Lang: "de", Text: "Text"})
		_, err := crisis.Decide(h.state(), h.env, "sina", crisis.Reject{Draft: 2, Reason: "x"}, now)
		wantCode(t, err, crisis.CodeNotApprover)
		h.do(now, "mia", crisis.Reject{Draft: 2})
		h.do(now, "mia", crisis.Reject{Draft: 2, Reason: "Ton zu technisch"})
		_, err = crisis.Decide(h.state(), h.env, "lena", crisis.Approve{Draft: 2}, now)
		wantCode(t, err, crisis.CodeDraftRejected)
		h.do(now, "kai", crisis.EditDraft{Draft: 2, Text: "Einfacher Text"})
		h.do(now, "lena", crisis.Approve{Draft: 2})
	})
	t.Run("staff first (LINT-17)", func(t *testing.T) {
		h := scenario(t, "2026-01-16T16:40:00Z", "bsig")
		now := ts("2026-01-16T17:00:00Z")
		h.do(now, "kai", crisis.CreateDraft{Kind: "customer", Lang: "de", Text: "Kundeninformation"})
		if f := h.state().Drafts[0].Revs[0].Findings; len(f) != 1 || f[0].Rule != "LINT-17" {
			t.Fatalf("findings = %+v, want LINT-17", f)
		}
		_, err := crisis.Decide(h.state(), h.env, "lena", crisis.Approve{Draft: 1}, now)
		wantCode(t, err, crisis.CodeLintErrors)
		_, err = crisis.Decide(h.state(), h.env, "kai", crisis.Waive{Obligation: "internal.staff_notice", Reason: "x"}, now)
		wantCode(t, err, crisis.CodeNotPermitted)
		h.do(now, "lena", crisis.Waive{Obligation: "internal.staff_notice", Reason: "Belegschaft ist im Werksurlaub, Aushang folgt"})
		h.do(now, "lena", crisis.Approve{Draft: 1})
		h.do(now, "mia", crisis.Approve{Draft: 1})
	})
	t.Run("break-glass", func(t *testing.T) {
		h, now := approvalBase(t)
		h.do(now, "rene", crisis.CreateDraft{Kind: "notification", Lang: "de", Text: "Meldung"})
		// Meldung due at 2026-01-19T17:00Z; two hours before: refused.
		early := ts("2026-01-19T15:00:00Z")
		_, err := crisis.Decide(h.state(), h.env, "lena", crisis.Approve{Draft: 2, BreakGlass: true, Reason: "Legal nicht erreichbar"}, early)
		wantCode(t, err, crisis.CodeBreakGlass)
		close := ts("2026-01-19T16:15:00Z")
		_, err = crisis.Decide(h.state(), h.env, "lena", crisis.Approve{Draft: 2, BreakGlass: true}, close)
		wantCode(t, err, crisis.CodeNeedsReason)
		_, err = crisis.Decide(h.state(), h.env, "kai", crisis.Approve{Draft: 2, BreakGlass: true, Reason: "x"}, close)
		wantCode(t, err, crisis.CodeNotPermitted)
		evs := h.do(close, "lena", crisis.Approve{Draft: 2, BreakGlass: true, Reason: "Legal nicht erreichbar"})
		rel, ok := evs[len(evs)-1].Data.(crisis.Released)
		if !ok || !rel.BreakGlass {
			t.Fatalf("break-glass release = %+v", evs)
		}
	})
	t.Run("warnings need acknowledgement", func(t *testing.T) {
		h, now := approvalBase(t)
		h.env.Lint = func(_ *crisis.State, kind, _, text string, _ time.Time) []crisis.Finding {
			return []crisis.Finding{{Rule: "LINT-08", Severity: crisis.SevWarning, Match: "lediglich"}}
		}
		h.do(now, "kai", crisis.CreateDraft{Kind: "customer", Lang: "de", Text: "Es ist lediglich ..."})
		_, err := crisis.Decide(h.state(), h.env, "lena", crisis.Approve{Draft: 2}, now)
		wantCode(t, err, crisis.CodeLintWarnings)
		evs := h.do(now, "lena", crisis.Approve{Draft: 2, Ack: true})
		if ack := evs[0].Data.(crisis.Approved).Acknowledged; !slices.Equal(ack, []string{"LINT-08"}) {
			t.Fatalf("acknowledged = %v", ack)
		}
		// A reaction on the posted revision acknowledges what it showed.
		h.do(now, "mia", crisis.Approve{Draft: 2, Reaction: true})
	})
	t.Run("LINT-12 needs legal among the approvers", func(t *testing.T) {
		h, now := approvalBase(t)
		h.env.Lint = func(_ *crisis.State, kind, _, text string, _ time.Time) []crisis.Finding {
			return []crisis.Finding{{Rule: "LINT-12", Severity: crisis.SevError, NeedsRole: crisis.RoleLegal}}
		}
		h.do(now, "kai", crisis.CreateDraft{Kind: "customer", Lang: "de", Text: "Wir bieten eine Entschädigung"})
		h.do(now, "lena", crisis.Approve{Draft: 2})
		if evs := h.do(now, "mia", crisis.Approve{Draft: 2}); len(evs) != 1 {
			t.Fatalf("released without legal: %+v", evs)
		}
		evs := h.do(now, "lara", crisis.Approve{Draft: 2})
		if _, ok := evs[len(evs)-1].Data.(crisis.Released); !ok {
			t.Fatalf("not released after legal approved: %+v", evs)
		}
	})
}

func TestPageEscalation(t *testing.T) {
	h := scenario(t, "2026-01-16T16:40:00Z", "bsig")
	now := ts("2026-01-16T17:00:00Z")
	evs := h.do(now, "lena", crisis.Page{Role: crisis.RoleLegal})
	seq := evs[0].Seq
	target := crisis.Target{Kind: crisis.TargetPage, ID: int(seq)}
	var pending *crisis.Reminder
	for _, r := range crisis.Reminders(h.state(), h.env.Policy, now) {
		if r.Target == target {
			pending = &r
		}
	}
	if pending == nil || !pending.At.Equal(now.Add(crisis.PageAckWindow)) {
		t.Fatalf("escalation reminder = %+v, want at +15m", pending)
	}
	acked := h.fork()
	acked.do(now.Add(5*time.Minute), "lara", crisis.Ack{})
	for _, r := range crisis.Reminders(acked.state(), acked.env.Policy, now) {
		if r.Target == target {
			t.Fatalf("acknowledged page still escalates: %+v", r)
		}
	}
	evs = h.do(pending.At, "", crisis.FireReminder{Target: target})
	pg := evs[0].Data.(crisis.Paged)
	// legal → mgmt by default (4.1).
	if pg.Escalates != seq || !slices.Equal(pg.People, []crisis.PersonID{"mia"}) {
		t.Fatalf("escalation = %+v, want mia for page %d", pg, seq)
	}
	_, err := crisis.Decide(h.state(), h.env, "", crisis.FireReminder{Target: target}, pending.At.Add(time.Hour))
	wantCode(t, err, crisis.CodeNoReminder)
}
