package crisis

import (
	"fmt"
	"sort"
	"strings"
)

// Code identifies a domain error. Codes carry no prose: package messages
// renders them in the reader's language. Append only.
type Code string

// Domain error codes.
const (
	CodeNoIncident       Code = "no_incident"
	CodeIncidentExists   Code = "incident_exists"
	CodeIncidentClosed   Code = "incident_closed"
	CodeIncidentResolved Code = "incident_resolved"
	CodeNotResolved      Code = "not_resolved"
	CodeUnknownPerson    Code = "unknown_person"
	CodeUnknownRole      Code = "unknown_role"
	CodeUnknownTask      Code = "unknown_task"
	CodeUnknownDeadline  Code = "unknown_deadline"
	CodeUnknownTarget    Code = "unknown_target"
	CodeAlreadyDone      Code = "already_done"
	CodeAlreadyHolds     Code = "already_holds"
	CodeNoHolder         Code = "no_holder"
	CodeFutureInstant    Code = "future_instant"
	CodeDueInPast        Code = "due_in_past"
	CodeBeforeDetected   Code = "before_detected"
	CodeNotPermitted     Code = "not_permitted"
	CodeNothingChanged   Code = "nothing_changed"
	CodeRoomExists       Code = "room_exists"
	CodeTooLong          Code = "too_long"
	CodeEmptyText        Code = "empty_text"
	CodeNoReminder       Code = "no_reminder"
	CodeSnoozeTooLong    Code = "snooze_too_long"
	CodeUnknownRegime    Code = "unknown_regime"
	CodeRegimeInactive   Code = "regime_inactive"
	CodeUnknownOblig     Code = "unknown_obligation"
	CodeNotRequestable   Code = "not_requestable"
	CodeUnknownFact      Code = "unknown_fact"
	CodeUnknownKind      Code = "unknown_draft_kind"
	CodeUnknownDraft     Code = "unknown_draft"
	CodeDraftReleased    Code = "draft_released"
	CodeStaleRevision    Code = "stale_revision"
	CodeNotApprover      Code = "not_approver"
	CodeSelfApproval     Code = "self_approval"
	CodeLintErrors       Code = "lint_errors"
	CodeLintWarnings     Code = "lint_warnings"
	CodeBreakGlass       Code = "break_glass_refused"
	CodeNeedsReason      Code = "needs_reason"
	CodeNoPending        Code = "no_pending_correction"
	CodeSameApprover     Code = "same_approver"
	CodeDelayReasons     Code = "delay_reasons_missing"
	CodeRegisterMissing  Code = "breach_register_missing"
	CodeNothingToAck     Code = "nothing_to_ack"
	CodeDraftRejected    Code = "draft_rejected"
	CodeNotSubmitted     Code = "not_submitted"
)

// Error is a domain error: a code plus the parameters its message needs.
type Error struct {
	Code   Code
	Params map[string]string
}

func (e *Error) Error() string {
	keys := make([]string, 0, len(e.Params))
	for k := range e.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(string(e.Code))
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%q", k, e.Params[k])
	}
	return b.String()
}

// Is makes errors.Is(err, &Error{Code: c}) match on the code alone.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

func fail(c Code, kv ...string) *Error {
	e := &Error{Code: c}
	if len(kv) > 0 {
		e.Params = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			e.Params[kv[i]] = kv[i+1]
		}
	}
	return e
}
