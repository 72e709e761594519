package crisis

import "strings"

// Role is a crisis-team role key (crisis-domain.md 4.1).
type Role string

// The roles of crisis-domain.md 4.1.
const (
	RoleLead     Role = "lead"
	RoleMgmt     Role = "mgmt"
	RoleIT       Role = "it"
	RoleBCM      Role = "bcm"
	RoleComms    Role = "comms"
	RoleLegal    Role = "legal"
	RoleDPO      Role = "dpo"
	RoleReporter Role = "reporter"
	RoleService  Role = "service"
	RoleHR       Role = "hr"
	RoleScribe   Role = "scribe"
	RoleExternal Role = "external"
)

// Roles lists every role in display order.
func Roles() []Role {
	return []Role{RoleLead, RoleMgmt, RoleIT, RoleBCM, RoleComms, RoleLegal, RoleDPO,
		RoleReporter, RoleService, RoleHR, RoleScribe, RoleExternal}
}

// roleAliases maps accepted spellings (English and German) to role keys.
var roleAliases = map[string]Role{
	"management": RoleMgmt, "geschäftsleitung": RoleMgmt, "gl": RoleMgmt,
	"leitung": RoleLead, "krisenleitung": RoleLead,
	"security": RoleIT, "sicherheit": RoleIT,
	"notfall": RoleBCM, "notfallbeauftragte": RoleBCM,
	"kommunikation": RoleComms, "communications": RoleComms,
	"recht": RoleLegal, "compliance": RoleLegal,
	"datenschutz": RoleDPO,
	"melder":      RoleReporter, "meldung": RoleReporter,
	"kundenservice": RoleService,
	"personal":      RoleHR,
	"protokoll":     RoleScribe, "protokollführung": RoleScribe,
	"extern": RoleExternal,
}

// ParseRole reads a role key or one of its aliases, case-insensitively.
func ParseRole(s string) (Role, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, r := range Roles() {
		if string(r) == s {
			return r, true
		}
	}
	r, ok := roleAliases[s]
	return r, ok
}

// DefaultDeputies are the roles that stand in when a role holder does not
// answer a page (crisis-domain.md 4.1).
var DefaultDeputies = map[Role]Role{
	RoleLead: RoleMgmt, RoleComms: RoleLead, RoleLegal: RoleMgmt,
	RoleReporter: RoleLegal, RoleDPO: RoleLegal, RoleIT: RoleBCM,
}

// Person is a member of the roster as the domain sees it.
type Person struct {
	ID     PersonID
	Name   string
	Roles  []Role
	Deputy PersonID
	Lang   string
}

// Roster is the organisation's list of people, from configuration.
type Roster struct {
	People []Person
}

// Person returns the person with id.
func (r Roster) Person(id PersonID) (Person, bool) {
	for _, p := range r.People {
		if p.ID == id {
			return p, true
		}
	}
	return Person{}, false
}

// Holder returns the first person in roster order who holds role by default.
func (r Roster) Holder(role Role) (PersonID, bool) {
	for _, p := range r.People {
		for _, pr := range p.Roles {
			if pr == role {
				return p.ID, true
			}
		}
	}
	return "", false
}
