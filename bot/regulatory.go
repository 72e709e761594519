package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
	"github.com/krisenstab/krisenstab/messages"
)

func (rt *Runtime) approval() crisis.ApprovalPolicy {
	if rt.cfg.Approval != nil {
		return rt.cfg.Approval
	}
	return crisis.DefaultApprovalPolicy()
}

func (rt *Runtime) obligations(st crisis.State) []crisis.Obligation {
	return crisis.Obligations(st, rt.cfg.Policy.Regs, rt.clock.Now())
}

// react turns a reaction (or button) on a bot message into an approval,
// a withdrawal or a rejection of the draft revision that message carries.
// Reactions on other messages and other emoji are ignored silently:
// people react with 👍 all day.
func (rt *Runtime) react(ctx context.Context, ev Event, person *Person, now time.Time) Reply {
	lang := rt.langOf(person)
	id, found, err := rt.store.IncidentByRoom(ctx, ev.Platform, ev.Room)
	if err != nil {
		return rt.fail(lang, "find incident by room", err)
	}
	if !found {
		return Reply{}
	}
	st, _, err := rt.load(ctx, id)
	if err != nil {
		return rt.fail(lang, "load incident", err)
	}
	d, rev, ok := st.DraftByRef(ev.Platform, ev.Room, ev.Reaction.Message)
	if !ok {
		return Reply{}
	}
	var cmd crisis.Command
	switch r := ev.Reaction; {
	case r.Emoji == ReactApprove && !r.Removed:
		cmd = crisis.Approve{Draft: d.ID, Rev: rev, Reaction: true}
	case r.Emoji == ReactApprove && r.Removed:
		cmd = crisis.Withdraw{Draft: d.ID, Rev: rev}
	case r.Emoji == ReactReject && !r.Removed:
		cmd = crisis.Reject{Draft: d.ID, Rev: rev}
	case r.Emoji == ReactReview && !r.Removed && rev == d.Current().Rev:
		cmd = crisis.ReviewDraft{Draft: d.ID}
	default:
		return Reply{}
	}
	_, err = rt.apply(ctx, id, person.ID, cmd, now, ev.DedupeKey, nil)
	var de *crisis.Error
	switch {
	case err == nil:
		return Reply{}
	case errors.As(err, &de) && de.Code == crisis.CodeNothingChanged:
		return Reply{}
	case errors.As(err, &de) && de.Code == crisis.CodeNotApprover:
		return rt.private(rt.text(lang, "reaction_not_approver", de.Params))
	case errors.As(err, &de) && de.Code == crisis.CodeStaleRevision:
		return rt.private(rt.text(lang, "reaction_stale", de.Params))
	case errors.As(err, &de) && de.Code == crisis.CodeDraftReleased:
		if _, ok := cmd.(crisis.Withdraw); ok {
			return rt.private(rt.text(lang, "reaction_released", de.Params))
		}
		return Reply{}
	}
	return rt.private(rt.problem(lang, err))
}

func (rt *Runtime) private(r Reply) Reply {
	r.Private = true
	return r
}

// draftLang is the language of a new draft: as asked, else the incident's,
// else the organisation's.
func (rt *Runtime) draftLang(st crisis.State, asked string) messages.Lang {
	if l, ok := messages.ParseLang(asked); ok && asked != "" {
		return l
	}
	if l, ok := messages.ParseLang(st.Lang); ok && st.Lang != "" {
		return l
	}
	return rt.cfg.Lang
}

// lint is crisis.Env.Lint: the text rules of package messages.
func (rt *Runtime) lint(s *crisis.State, kind, lang, text string, now time.Time) []crisis.Finding {
	l, _ := messages.ParseLang(lang)
	in := messages.LintInput{Kind: kind, Text: text, Lang: l, Facts: facts(s), Now: now,
		Aware: s.AwareFor(crisis.RegimeGDPR), LandingURL: rt.cfg.Drafting.LandingURL,
		Kritis: rt.cfg.Drafting.Kritis,
		Config: messages.LintConfig{Hostnames: rt.cfg.Drafting.Hostnames, Groups: rt.cfg.Drafting.Groups}}
	// LINT-13 compares figures with what the template renders from the
	// facts now, so a draft written before a fact changed is caught.
	if ref, err := messages.RenderDraft(rt.draftInput(s, kind, l, now)); err == nil {
		in.Reference = ref.Text
	}
	var out []crisis.Finding
	for _, f := range messages.Lint(in) {
		out = append(out, crisis.Finding{Rule: f.Rule, Severity: string(f.Severity), Field: f.Field,
			Match: f.Match, Hint: f.Hint, NeedsRole: crisis.Role(f.NeedsRole)})
	}
	return out
}

func facts(s *crisis.State) map[string]string {
	out := make(map[string]string, len(s.Facts))
	for k, f := range s.Facts {
		out[k] = f.Value
	}
	return out
}

// draftInput is what a draft of kind renders from: the incident's facts
// and times and the organisation's drafting settings.
func (rt *Runtime) draftInput(st *crisis.State, kind string, lang messages.Lang, now time.Time) messages.DraftInput {
	in := messages.DraftInput{Kind: kind, Lang: lang, Zone: rt.cfg.Zone, Now: now, Facts: facts(st),
		Org: rt.cfg.Org, OrgRegistrationID: rt.cfg.Drafting.OrgRegistrationID, IncidentRef: string(st.ID),
		ReportingContact: rt.cfg.Drafting.ReportingContact, Revision: 1, Detected: st.Detected.At,
		Handled: st.Resolved, Kritis: rt.cfg.Drafting.Kritis, LandingURL: rt.cfg.Drafting.LandingURL,
		Aware: st.AwareFor(regimeOfDraft(kind))}
	if st.Classified != nil {
		c := st.Classified.At
		in.Classified = &c
	}
	for _, d := range st.Drafts {
		if (d.Kind == "update" || d.Kind == "nonews") && d.Released != nil {
			in.UpdateNo++
		}
	}
	in.UpdateNo++
	// The first filed report's reference is what later reports cite.
	for _, id := range crisis.ObligationIDs() {
		if subs := st.Submissions[id]; len(subs) > 0 && subs[0].Ref != "" && in.AuthorityRef == "" {
			in.AuthorityRef = subs[0].Ref
		}
	}
	return in
}

// renderDraft completes a draft command with the text rendered from the
// incident's facts, under the incident lock.
func (rt *Runtime) renderDraft(ctx context.Context, id crisis.IncidentID, cd crisis.CreateDraft, now time.Time) (crisis.Command, error) {
	st, _, err := rt.load(ctx, id)
	if err != nil {
		return nil, err
	}
	lang := rt.draftLang(st, cd.Lang)
	dr, err := rt.msgs.Draft(rt.draftInput(&st, cd.Kind, lang, now))
	if err != nil {
		return nil, fmt.Errorf("render draft %s: %w", cd.Kind, err)
	}
	cd.Text, cd.Lang = dr.Text, string(lang)
	return cd, nil
}

func regimeOfDraft(kind string) string {
	switch kind {
	case "gdpr33", "gdpr34":
		return crisis.RegimeGDPR
	case "dora_initial", "dora_intermediate", "dora_final":
		return crisis.RegimeDORA
	}
	return crisis.RegimeInternal
}

// record commits a delivery record (who saw which revision where) as the
// system; the dedupe key makes a redelivered notice record once.
func (rt *Runtime) record(ctx context.Context, id crisis.IncidentID, key string, cmd crisis.Command) {
	_, err := rt.apply(ctx, id, "", cmd, rt.clock.Now(), "record:"+key, nil)
	var dup interface{ Duplicate() bool }
	if err != nil && !(errors.As(err, &dup) && dup.Duplicate()) {
		rt.log.Error("record delivery", "incident", id, "err", err)
	}
}

// draftPost is the post of a draft revision: with buttons, recorded so
// reactions find it.
func draftRev(ev crisis.Event) (int, int, bool) {
	switch d := ev.Data.(type) {
	case crisis.DraftCreated:
		return d.Draft, 1, true
	case crisis.DraftEdited:
		return d.Draft, d.Rev, true
	}
	return 0, 0, false
}

func (rt *Runtime) draftActions(lang messages.Lang) []Action {
	approve, _ := rt.msgs.Text(rt.view(lang), "button_approve", nil)
	reject, _ := rt.msgs.Text(rt.view(lang), "button_reject", nil)
	return []Action{{ID: ReactApprove, Label: approve}, {ID: ReactReject, Label: reject}}
}

// Reconcile catches up on reactions given on a platform while the bot was
// not connected: for the current revision of every unreleased draft of
// every open incident it reads the reactions and handles each as if it had
// just arrived. Approvals already recorded change nothing; the dedupe key
// makes a second reconcile of the same reaction a no-op.
func (rt *Runtime) Reconcile(ctx context.Context, platform string) error {
	p, ok := rt.platforms[platform]
	if !ok {
		return fmt.Errorf("reconcile: platform %q not configured", platform)
	}
	rr, ok := p.(ReactionReader)
	if !ok {
		return nil
	}
	ids, err := rt.store.Incidents(ctx)
	if err != nil {
		return fmt.Errorf("reconcile: list incidents: %w", err)
	}
	for _, id := range ids {
		st, found, err := rt.load(ctx, id)
		if err != nil || !found || st.Status == crisis.StatusClosed {
			continue
		}
		for _, d := range st.Drafts {
			if d.Released != nil {
				continue
			}
			cur := d.Current().Rev
			for _, post := range d.Posts {
				if post.Rev != cur || post.Room.Platform != platform {
					continue
				}
				sets, err := rr.Reactions(ctx, post.Room, post.Ref)
				if err != nil {
					rt.log.Warn("reconcile: read reactions", "incident", id, "draft", d.ID, "err", err)
					continue
				}
				for _, set := range sets {
					if set.Emoji != ReactApprove && set.Emoji != ReactReject {
						continue
					}
					for _, u := range set.Users {
						rt.Handle(ctx, Event{Platform: platform, Room: post.Room.ID, User: u,
							Reaction:  &Reaction{Emoji: set.Emoji, Message: post.Ref},
							DedupeKey: "reconcile:" + platform + ":" + post.Ref + ":" + u + ":" + set.Emoji})
					}
				}
			}
		}
	}
	return nil
}
