package crisis

import "time"

// ChecklistItem is one item of a checklist (crisis-domain.md section 5).
// Its text lives in package messages, keyed by ID, in each language.
type ChecklistItem struct {
	ID     string
	Role   Role
	Within time.Duration
}

// FirstHour is the first-hour checklist (crisis-domain.md 5.1), posted on
// start and turned into tasks for the role holders. FH-01 has no role: it
// goes to whoever opened the incident.
var FirstHour = []ChecklistItem{
	{"FH-01", "", 5 * time.Minute},
	{"FH-02", RoleIT, 5 * time.Minute},
	{"FH-03", RoleIT, 15 * time.Minute},
	{"FH-04", RoleLead, 15 * time.Minute},
	{"FH-05", RoleLead, time.Hour},
	{"FH-06", RoleLead, time.Hour},
	{"FH-07", RoleIT, time.Hour},
	{"FH-08", RoleIT, time.Hour},
	{"FH-09", RoleComms, 2 * time.Hour},
	{"FH-10", RoleReporter, 2 * time.Hour},
	{"FH-11", RoleComms, 4 * time.Hour},
	{"FH-12", RoleLegal, 4 * time.Hour},
	{"FH-13", RoleLead, 4 * time.Hour},
}

// DefaultRoles are the roles assigned from the roster when an incident
// opens (FH-04: lead, scribe, it, comms; the others help the checklist).
var DefaultRoles = []Role{RoleLead, RoleMgmt, RoleIT, RoleComms, RoleLegal, RoleDPO,
	RoleReporter, RoleScribe, RoleBCM, RoleHR, RoleService}
