package messages

import (
	"slices"

	"github.com/krisenstab/krisenstab/crisis"
)

// sortObligations orders clocks by due; those without a due come last.
func sortObligations(obs []crisis.Obligation) []crisis.Obligation {
	out := slices.Clone(obs)
	slices.SortStableFunc(out, func(a, b crisis.Obligation) int {
		switch {
		case a.Due == nil && b.Due == nil:
			return 0
		case a.Due == nil:
			return 1
		case b.Due == nil:
			return -1
		}
		return a.Due.Compare(*b.Due)
	})
	return out
}

// openObligations are the clocks status shows: not closed, with a due.
func openObligations(obs []crisis.Obligation) []crisis.Obligation {
	var out []crisis.Obligation
	for _, o := range sortObligations(obs) {
		if !o.Status.Closed() && o.Due != nil {
			out = append(out, o)
		}
	}
	return out
}

// Drafts renders the list of drafts with their state.
func (r *Renderer) Drafts(v View, st crisis.State) (string, error) {
	return r.exec(v, "drafts", &data{S: st})
}

// DraftView renders one draft: its current text, findings and what its
// release still needs under rule.
func (r *Renderer) DraftView(v View, st crisis.State, d crisis.Draft, rule crisis.Rule) (string, error) {
	return r.exec(v, "draft.view", &data{S: st, Draft: &d, Rule: &rule})
}

// Facts renders the fact sheet.
func (r *Renderer) Facts(v View, st crisis.State) (string, error) {
	return r.exec(v, "facts", &data{S: st})
}

// ObligationLabel is the name of an obligation in v's language.
func (r *Renderer) ObligationLabel(v View, id string) string {
	s, err := r.exec(v, "ob.label", &data{P: map[string]string{"id": id}})
	if err != nil {
		return id
	}
	return s
}
