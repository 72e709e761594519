package crisis_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/krisenstab/krisenstab/crisis"
)

func TestErrorString(t *testing.T) {
	tests := []struct {
		name string
		err  *crisis.Error
		want string
	}{
		// Ensures a code without parameters renders as the code.
		{"bare", failure(crisis.CodeNoIncident), "no_incident"},
		// Ensures parameters are sorted and quoted, so logs are stable.
		{"params", failure(crisis.CodeAlreadyHolds, "role", "it", "person", "ivo"), `already_holds person="ivo" role="it"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorIs(t *testing.T) {
	err := fmt.Errorf("decide: %w", failure(crisis.CodeUnknownTask, "ref", "9"))
	// Ensures errors.Is matches a wrapped domain error by code alone.
	if !errors.Is(err, &crisis.Error{Code: crisis.CodeUnknownTask}) {
		t.Errorf("errors.Is(%v, unknown_task) = false, want true", err)
	}
	// Ensures another code does not match.
	if errors.Is(err, &crisis.Error{Code: crisis.CodeUnknownTarget}) {
		t.Errorf("errors.Is(%v, unknown_target) = true, want false", err)
	}
}
