package bot

import (
	"strings"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
	"github.com/krisenstab/krisenstab/messages"
)

// Person is a roster entry with the person's identity on each platform.
type Person struct {
	ID       crisis.PersonID
	Name     string
	Lang     messages.Lang
	Roles    []crisis.Role
	Deputy   crisis.PersonID
	Phone    string
	Email    string
	Accounts map[string]string // platform -> platform user ID
}

// Config is the runtime's configuration, built by cmd from the YAML file.
type Config struct {
	Org     string
	Lang    messages.Lang
	Zone    *time.Location
	Command string // slash command name without "/", e.g. "crisis"
	// RoomPrefix starts every incident room's name ("crisis-" + ID).
	RoomPrefix string
	People     []Person
	Policy     crisis.Policy // reminder ladders and the regulatory clocks (Policy.Regs)
	// Approval is the release policy per draft kind (nil: crisis-domain 4.2).
	Approval crisis.ApprovalPolicy
	// Publish lists the stakeholder rooms each draft kind is published to
	// on release, besides the announcement in the incident's rooms.
	Publish map[string][]crisis.Room
	// Drafting configures the draft templates and the linter.
	Drafting Drafting
}

// Drafting is what drafts need beyond the incident's facts.
type Drafting struct {
	OrgRegistrationID string
	ReportingContact  string
	LandingURL        string
	Hostnames         []string // internal host names the linter flags
	Groups            []string // attacker group names the linter flags
	Kritis            bool
}

// roster indexes the configured people.
type roster struct {
	people    []Person
	byID      map[crisis.PersonID]*Person
	byAccount map[string]*Person // platform + "\x00" + user
	byRef     map[string]*Person // lower-cased id, e-mail and account names
}

func newRoster(people []Person) *roster {
	r := &roster{people: people, byID: map[crisis.PersonID]*Person{},
		byAccount: map[string]*Person{}, byRef: map[string]*Person{}}
	for i := range people {
		p := &r.people[i]
		r.byID[p.ID] = p
		r.byRef[strings.ToLower(string(p.ID))] = p
		if p.Email != "" {
			r.byRef[strings.ToLower(p.Email)] = p
		}
		for platform, user := range p.Accounts {
			r.byAccount[platform+"\x00"+user] = p
			if _, taken := r.byRef[strings.ToLower(user)]; !taken {
				r.byRef[strings.ToLower(user)] = p
			}
		}
	}
	return r
}

// Lookup resolves a mention or name to a person ID (commands.People).
func (r *roster) Lookup(ref string) (crisis.PersonID, bool) {
	p, ok := r.byRef[strings.ToLower(strings.TrimPrefix(ref, "@"))]
	if !ok {
		return "", false
	}
	return p.ID, true
}

func (r *roster) account(platform, user string) (*Person, bool) {
	p, ok := r.byAccount[platform+"\x00"+user]
	return p, ok
}

func (r *roster) domain() crisis.Roster {
	out := crisis.Roster{People: make([]crisis.Person, len(r.people))}
	for i, p := range r.people {
		out.People[i] = crisis.Person{ID: p.ID, Name: p.Name, Roles: p.Roles, Deputy: p.Deputy, Lang: string(p.Lang)}
	}
	return out
}

func (r *roster) name(id crisis.PersonID) string {
	if p, ok := r.byID[id]; ok && p.Name != "" {
		return p.Name
	}
	return string(id)
}
