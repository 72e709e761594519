package crisis

import (
	"slices"
	"time"
)

// setAware applies an awareness statement: pending later corrections wait
// in PendingAware, everything else takes effect at once.
func (s *State) setAware(regime string, a Instant, pending bool, e Event) {
	if pending {
		if s.PendingAware == nil {
			s.PendingAware = map[string]PendingAware{}
		}
		s.PendingAware[regime] = PendingAware{Aware: a, Proposer: e.Actor, At: e.At}
		if d, ok := e.Data.(AwareSet); ok {
			p := s.PendingAware[regime]
			p.Reason = d.Reason
			s.PendingAware[regime] = p
		}
		return
	}
	delete(s.PendingAware, regime)
	if regime == "" {
		s.Aware = &a
		return
	}
	if s.AwareBy == nil {
		s.AwareBy = map[string]Instant{}
	}
	s.AwareBy[regime] = a
}

// applyReg applies the events of the regulatory clocks and drafts; it
// reports whether e was one of them.
func (s *State) applyReg(e Event) bool {
	switch d := e.Data.(type) {
	case RegimeAdded:
		if !slices.Contains(s.Regimes, d.Regime) {
			s.Regimes = append(s.Regimes, d.Regime)
		}
		delete(s.Withdrawn, d.Regime)
	case RegimeRemoved:
		s.Regimes = slices.DeleteFunc(s.Regimes, func(r string) bool { return r == d.Regime })
		if s.Withdrawn == nil {
			s.Withdrawn = map[string]string{}
		}
		s.Withdrawn[d.Regime] = d.Reason
	case AwareConfirmed:
		s.setAware(d.Regime, d.Aware, false, e)
	case Classified:
		at := d.At
		if d.Class == ClassHighRisk {
			s.HighRisk = &at
		} else {
			s.Classified = &at
		}
	case Requested:
		if s.Requests == nil {
			s.Requests = map[string]AuthorityRequest{}
		}
		r := AuthorityRequest{At: d.At.At, Ref: d.Ref}
		if d.Due != nil {
			due := d.Due.At
			r.Due = &due
		}
		s.Requests[d.Obligation] = r
	case Submitted:
		if s.Submissions == nil {
			s.Submissions = map[string][]Submission{}
		}
		s.Submissions[d.Obligation] = append(s.Submissions[d.Obligation],
			Submission{At: d.At.At, Ref: d.Ref, By: e.Actor, Unapproved: d.Unapproved})
	case Waived:
		if s.Waivers == nil {
			s.Waivers = map[string]Waiver{}
		}
		s.Waivers[d.Obligation] = Waiver{By: e.Actor, At: e.At, Reason: d.Reason}
	case FactSet:
		if s.Facts == nil {
			s.Facts = map[string]Fact{}
		}
		if d.Value == "" {
			delete(s.Facts, d.Key)
		} else {
			s.Facts[d.Key] = Fact{Value: d.Value, By: e.Actor, At: e.At}
		}
	case DraftCreated:
		s.Drafts = append(s.Drafts, Draft{ID: d.Draft, Kind: d.DraftKind, Lang: d.Lang, Obligation: d.Obligation,
			Created: e.At, Revs: []Revision{{Rev: 1, Text: d.Text, Hash: d.Hash, Author: e.Actor, At: e.At,
				Findings: d.Findings}}})
	case DraftEdited:
		if dr := s.Draft(d.Draft); dr != nil {
			dr.Revs = append(dr.Revs, Revision{Rev: d.Rev, Text: d.Text, Hash: d.Hash, Author: e.Actor,
				At: e.At, Findings: d.Findings})
		}
	case Reviewed:
		if r := s.rev(d.Draft, d.Rev); r != nil && !slices.Contains(r.Reviews, e.Actor) {
			r.Reviews = append(r.Reviews, e.Actor)
		}
	case Approved:
		if r := s.rev(d.Draft, d.Rev); r != nil {
			r.Approvals = append(r.Approvals, Approval{Person: e.Actor, Roles: slices.Clone(d.Roles), At: e.At,
				BreakGlass: d.BreakGlass})
		}
	case ApprovalWithdrawn:
		if r := s.rev(d.Draft, d.Rev); r != nil {
			r.Approvals = slices.DeleteFunc(r.Approvals, func(a Approval) bool { return a.Person == e.Actor })
		}
	case Rejected:
		if r := s.rev(d.Draft, d.Rev); r != nil {
			r.Rejection = &Rejection{By: e.Actor, At: e.At, Reason: d.Reason}
		}
	case Released:
		if dr := s.Draft(d.Draft); dr != nil {
			dr.Released = &Release{At: e.At, Rev: d.Rev, Hash: d.Hash, Approvers: slices.Clone(d.Approvers),
				BreakGlass: d.BreakGlass}
		}
	case DraftPosted:
		if dr := s.Draft(d.Draft); dr != nil {
			dr.Posts = append(dr.Posts, d.Post)
		}
	case Published:
		if dr := s.Draft(d.Draft); dr != nil {
			dr.Published = append(dr.Published, d.Post)
		}
	case ReceiptRecorded:
		if s.Receipts == nil {
			s.Receipts = map[string]Submission{}
		}
		s.Receipts[d.Obligation] = Submission{At: d.At.At, Ref: d.Ref, By: e.Actor}
	case PublishFailed:
	case Acked:
		for _, seq := range d.Pages {
			for i := range s.Pages {
				if s.Pages[i].Seq == seq {
					if s.Pages[i].Acked == nil {
						s.Pages[i].Acked = map[PersonID]bool{}
					}
					s.Pages[i].Acked[e.Actor] = true
				}
			}
		}
	default:
		return false
	}
	return true
}

func (s *State) rev(draft, rev int) *Revision {
	d := s.Draft(draft)
	if d == nil || rev < 1 || rev > len(d.Revs) {
		return nil
	}
	return &d.Revs[rev-1]
}

func (d Draft) clone() Draft {
	c := d
	c.Revs = make([]Revision, len(d.Revs))
	for i, r := range d.Revs {
		r.Findings = slices.Clone(r.Findings)
		r.Approvals = slices.Clone(r.Approvals)
		r.Reviews = slices.Clone(r.Reviews)
		c.Revs[i] = r
	}
	c.Posts = slices.Clone(d.Posts)
	c.Published = slices.Clone(d.Published)
	return c
}

// PageAckWindow is how long a paged person has to acknowledge before the
// deputies are paged (crisis-domain.md 4.1).
const PageAckWindow = 15 * time.Minute
