package crisis

import (
	"slices"
	"time"
)

// Draft is a stakeholder message or report being prepared for release.
type Draft struct {
	ID         int        `json:"id"`
	Kind       string     `json:"kind"`
	Lang       string     `json:"lang"`
	Obligation string     `json:"obligation,omitempty"`
	Created    time.Time  `json:"created"`
	Revs       []Revision `json:"revs"`
	Released   *Release   `json:"released,omitempty"`
	Posts      []Post     `json:"posts,omitempty"`
	Published  []Post     `json:"published,omitempty"`
}

// Revision is one exact text of a draft; approvals bind to its hash.
type Revision struct {
	Rev       int        `json:"rev"`
	Text      string     `json:"text"`
	Hash      string     `json:"hash"`
	Author    PersonID   `json:"author"`
	At        time.Time  `json:"at"`
	Findings  []Finding  `json:"findings,omitempty"`
	Approvals []Approval `json:"approvals,omitempty"`
	Reviews   []PersonID `json:"reviews,omitempty"`
	Rejection *Rejection `json:"rejection,omitempty"`
}

// Approval is one person's release vote for a revision.
type Approval struct {
	Person     PersonID  `json:"person"`
	Roles      []Role    `json:"roles"`
	At         time.Time `json:"at"`
	BreakGlass bool      `json:"break_glass,omitempty"`
}

// Rejection records why a revision was turned down.
type Rejection struct {
	By     PersonID  `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
}

// Release is the moment a revision was approved for publication.
type Release struct {
	At         time.Time  `json:"at"`
	Rev        int        `json:"rev"`
	Hash       string     `json:"hash"`
	Approvers  []PersonID `json:"approvers"`
	BreakGlass bool       `json:"break_glass,omitempty"`
}

// Post is a message carrying a draft revision (for reactions) or a
// publication of it.
type Post struct {
	Rev  int    `json:"rev"`
	Room Room   `json:"room"`
	Ref  string `json:"ref"`
}

// Finding is one linter result (crisis-domain.md 7). Package messages
// checks the text; Decide adds the rules that need the incident's state.
type Finding struct {
	Rule      string `json:"rule"`
	Severity  string `json:"severity"` // "error" or "warning"
	Field     string `json:"field,omitempty"`
	Match     string `json:"match,omitempty"`
	Hint      string `json:"hint,omitempty"`
	NeedsRole Role   `json:"needs_role,omitempty"`
}

// Severities of findings.
const (
	SevError   = "error"
	SevWarning = "warning"
)

func (d *Draft) current() *Revision { return &d.Revs[len(d.Revs)-1] }

// Current returns the latest revision.
func (d *Draft) Current() Revision { return *d.current() }

// Rejected reports whether the current revision was rejected.
func (d *Draft) Rejected() bool { return d.current().Rejection != nil }

// Draft returns the draft with id, or nil.
func (s *State) Draft(id int) *Draft {
	if id < 1 || id > len(s.Drafts) {
		return nil
	}
	return &s.Drafts[id-1]
}

// DraftByRef finds the draft revision a platform message carries.
func (s *State) DraftByRef(platform, room, ref string) (*Draft, int, bool) {
	for i := range s.Drafts {
		for _, p := range s.Drafts[i].Posts {
			if p.Ref == ref && p.Room.Platform == platform && p.Room.ID == room {
				return &s.Drafts[i], p.Rev, true
			}
		}
	}
	return nil, 0, false
}

// Rule is who releases one audience (crisis-domain.md 4.2). Approve is the
// quorum: one distinct person per group, holding one of the group's roles
// ("lead + legal" is two groups, "lead / legal" one group of two roles).
type Rule struct {
	Approve  [][]Role `json:"approve"`
	Review   []Role   `json:"review,omitempty"`
	Informed []Role   `json:"informed,omitempty"`
	// AuthorMayApprove: the no-news update may be released by its author
	// alone while it is the unmodified template (4.2).
	AuthorMayApprove bool `json:"author_may_approve,omitempty"`
}

// ApprovalPolicy maps draft kinds to their rules.
type ApprovalPolicy map[string]Rule

// DefaultApprovalPolicy is the matrix of crisis-domain.md 4.2.
func DefaultApprovalPolicy() ApprovalPolicy {
	one := func(r ...Role) []Role { return r }
	report := Rule{Approve: [][]Role{one(RoleLead, RoleLegal)}, Review: one(RoleIT), Informed: one(RoleMgmt)}
	final := Rule{Approve: [][]Role{one(RoleMgmt), one(RoleLegal)}, Review: one(RoleIT, RoleLead)}
	return ApprovalPolicy{
		"early_warning":     report,
		"notification":      {Approve: [][]Role{one(RoleLead), one(RoleLegal)}, Review: one(RoleIT), Informed: one(RoleMgmt)},
		"intermediate":      report,
		"progress":          report,
		"final":             final,
		"gdpr33":            {Approve: [][]Role{one(RoleLegal, RoleMgmt)}, Review: one(RoleDPO), Informed: one(RoleLead)},
		"gdpr34":            {Approve: [][]Role{one(RoleLegal), one(RoleComms)}, Review: one(RoleDPO), Informed: one(RoleService, RoleMgmt)},
		"dora_initial":      report,
		"dora_intermediate": report,
		"dora_final":        final,
		"staff":             {Approve: [][]Role{one(RoleLead, RoleMgmt)}, Review: one(RoleHR)},
		"customer":          {Approve: [][]Role{one(RoleLead), one(RoleMgmt)}, Informed: one(RoleService)},
		"update":            {Approve: [][]Role{one(RoleComms, RoleLead)}, Informed: one(RoleService)},
		"nonews":            {Approve: [][]Role{one(RoleComms, RoleLead)}, AuthorMayApprove: true},
		"press":             {Approve: [][]Role{one(RoleMgmt), one(RoleLegal)}, Review: one(RoleLead), Informed: one(RoleService)},
		"followup":          {Approve: [][]Role{one(RoleMgmt), one(RoleComms)}, Informed: one(RoleService)},
	}
}

// External lists the draft kinds that leave the company to customers,
// data subjects or the public (LINT-17 staff-first applies to them).
var External = []string{"customer", "gdpr34", "update", "nonews", "press", "followup"}

// Verdict is the state of a revision against its rule.
type Verdict struct {
	Complete      bool
	MissingGroups [][]Role
	MissingReview []Role
}

// Evaluate checks whether the approvals of rev satisfy rule: every group
// gets a distinct approver (a person with two roles counts once), and every
// review role that has a holder in the incident has seen the revision.
func (rule Rule) Evaluate(s *State, rev *Revision) Verdict {
	var v Verdict
	people := make([][]Role, 0, len(rev.Approvals))
	for _, a := range rev.Approvals {
		people = append(people, a.Roles)
	}
	used := make([]bool, len(people))
	var assign func(g int) bool
	assign = func(g int) bool {
		if g == len(rule.Approve) {
			return true
		}
		for i, roles := range people {
			if used[i] || !overlaps(roles, rule.Approve[g]) {
				continue
			}
			used[i] = true
			if assign(g + 1) {
				return true
			}
			used[i] = false
		}
		return false
	}
	if !assign(0) {
		// Report the groups no single approver covers, for the message.
		for _, g := range rule.Approve {
			covered := false
			for _, roles := range people {
				covered = covered || overlaps(roles, g)
			}
			if !covered {
				v.MissingGroups = append(v.MissingGroups, g)
			}
		}
		if len(v.MissingGroups) == 0 {
			v.MissingGroups = rule.Approve // covered only by the same person
		}
	}
	for _, r := range rule.Review {
		holder := s.Roles[r]
		if holder == "" || slices.Contains(rev.Reviews, holder) || rev.approvedBy(holder) {
			continue
		}
		v.MissingReview = append(v.MissingReview, r)
	}
	v.Complete = len(v.MissingGroups) == 0 && len(v.MissingReview) == 0
	return v
}

func (r *Revision) approvedBy(p PersonID) bool {
	for _, a := range r.Approvals {
		if a.Person == p {
			return true
		}
	}
	return false
}

func overlaps(a, b []Role) bool {
	for _, r := range a {
		if slices.Contains(b, r) {
			return true
		}
	}
	return false
}

// CanApprove reports whether roles put a person in any approval group.
func (rule Rule) CanApprove(roles []Role) bool {
	for _, g := range rule.Approve {
		if overlaps(roles, g) {
			return true
		}
	}
	return false
}
