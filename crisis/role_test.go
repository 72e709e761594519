package crisis_test

import (
	"testing"

	"github.com/krisenstab/krisenstab/crisis"
)

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want crisis.Role
		ok   bool
	}{
		// Ensures every role key parses to itself.
		{"lead", crisis.RoleLead, true},
		{"external", crisis.RoleExternal, true},
		// Ensures case and surrounding space do not matter.
		{"  DPO ", crisis.RoleDPO, true},
		// Ensures German and English aliases, including umlauts.
		{"Geschäftsleitung", crisis.RoleMgmt, true},
		{"management", crisis.RoleMgmt, true},
		{"PROTOKOLLFÜHRUNG", crisis.RoleScribe, true},
		{"datenschutz", crisis.RoleDPO, true},
		{"communications", crisis.RoleComms, true},
		// Ensures unknown words are refused.
		{"ceo", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := crisis.ParseRole(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseRole(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
	// Ensures every role of Roles parses.
	for _, r := range crisis.Roles() {
		if got, ok := crisis.ParseRole(string(r)); !ok || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, ok)
		}
	}
}

func TestRoster(t *testing.T) {
	r := testRoster()
	// Ensures the first roster holder of a role is its default.
	if got, ok := r.Holder(crisis.RoleIT); !ok || got != "ivo" {
		t.Errorf("Holder(it) = %q, %v; want ivo, true", got, ok)
	}
	// Ensures a role nobody holds has no default.
	if got, ok := r.Holder(crisis.RoleExternal); ok {
		t.Errorf("Holder(external) = %q, true; want none", got)
	}
	// Ensures people are found by ID only.
	if p, ok := r.Person("ida"); !ok || p.ID != "ida" {
		t.Errorf("Person(ida) = %+v, %v", p, ok)
	}
	if _, ok := r.Person("Ida"); ok {
		t.Errorf("Person(Ida) found; IDs are exact")
	}
}
