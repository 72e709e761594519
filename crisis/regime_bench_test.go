package crisis_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
)

// bigIncident is an incident with every regime on, requests, drafts with
// approvals and 10,000 events in all, the shape of a long crisis.
func bigIncident(b *testing.B) (*history, time.Time) {
	b.Helper()
	env := testEnv()
	env.Policy.Regs.Entity.DORAType = "payment_institution"
	h := scenarioEnv(b, env, "2026-01-16T16:40:00Z", "nis2", "bsig", "gdpr", "dora")
	now := ts("2026-01-16T17:00:00Z")
	h.do(now, "lena", crisis.Aware{At: crisis.Instant{At: now}})
	h.do(now, "lena", crisis.Classify{Class: crisis.ClassMajor, At: crisis.Instant{At: now}})
	h.do(now, "lara", crisis.Classify{Class: crisis.ClassHighRisk, At: crisis.Instant{At: now}})
	h.do(now, "rene", crisis.Request{Obligation: "bsig.zwischenmeldung", At: crisis.Instant{At: now}})
	h.do(now, "rene", crisis.Request{Obligation: "nis2.intermediate", At: crisis.Instant{At: now}})
	for i := 0; i < 20; i++ {
		h.do(now, "kai", crisis.CreateDraft{Kind: "update", Lang: "de", Text: fmt.Sprintf("Stand %d", i)})
	}
	for len(h.evs) < 10000 {
		now = now.Add(time.Second)
		h.do(now, "sven", crisis.Log{Text: "Lagebesprechung: Wiederherstellung läuft, keine neuen Erkenntnisse."})
	}
	return h, now
}

// BenchmarkObligations is the per-command cost of recomputing every clock
// (issue 3: under 1 ms with 10,000 events).
func BenchmarkObligations(b *testing.B) {
	h, now := bigIncident(b)
	st := h.state()
	if n := len(crisis.Obligations(st, h.env.Policy.Regs, now)); n < 15 {
		b.Fatalf("only %d obligations", n)
	}
	b.ReportAllocs()
	for b.Loop() {
		crisis.Obligations(st, h.env.Policy.Regs, now)
	}
}

// BenchmarkDecideSubmit is a whole submission decision: obligations before
// and after, moved dues, and the reminders the store would index.
func BenchmarkDecideSubmit(b *testing.B) {
	h, now := bigIncident(b)
	st := h.state()
	cmd := crisis.Submit{Obligation: "bsig.meldung", At: crisis.Instant{At: now}, Ref: "BSI-1"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := crisis.Decide(st, h.env, "rene", cmd, now); err != nil {
			b.Fatal(err)
		}
		crisis.Reminders(st, h.env.Policy, now)
	}
}
