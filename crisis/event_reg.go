package crisis

import "time"

// Event kinds of the regulatory clocks and the draft workflow.
const (
	KindRegimeAdded     Kind = "regime_added"
	KindRegimeRemoved   Kind = "regime_removed"
	KindAwareConfirmed  Kind = "aware_confirmed"
	KindClassified      Kind = "classified"
	KindRequested       Kind = "requested"
	KindSubmitted       Kind = "submitted"
	KindWaived          Kind = "waived"
	KindFactSet         Kind = "fact_set"
	KindDraftCreated    Kind = "draft_created"
	KindDraftEdited     Kind = "draft_edited"
	KindReviewed        Kind = "reviewed"
	KindApproved        Kind = "approved"
	KindApprovalRevoked Kind = "approval_withdrawn"
	KindRejected        Kind = "rejected"
	KindReleased        Kind = "released"
	KindDraftPosted     Kind = "draft_posted"
	KindPublished       Kind = "published"
	KindPublishFailed   Kind = "publish_failed"
	KindAcked           Kind = "acknowledged"
	KindReceipt         Kind = "receipt_recorded"
)

// Move is a due instant that an event moved (3.6, 3.7); the room is told.
type Move struct {
	Obligation string     `json:"obligation"`
	From       *time.Time `json:"from,omitempty"`
	To         *time.Time `json:"to,omitempty"`
	Overdue    bool       `json:"overdue,omitempty"`
}

// RegimeAdded switches a regime on.
type RegimeAdded struct {
	Regime string `json:"regime"`
	Moves  []Move `json:"moves,omitempty"`
}

// RegimeRemoved withdraws a regime; its open obligations become withdrawn
// and submitted reports stay on record.
type RegimeRemoved struct {
	Regime string `json:"regime"`
	Reason string `json:"reason"`
}

// AwareConfirmed makes a pending later awareness correction authoritative:
// the second of lead and legal agreed (3.7).
type AwareConfirmed struct {
	Regime   string     `json:"regime,omitempty"`
	Aware    Instant    `json:"aware"`
	Previous *time.Time `json:"previous,omitempty"`
	Proposer PersonID   `json:"proposer"`
	Moves    []Move     `json:"moves,omitempty"`
}

// Classification kinds.
const (
	ClassMajor    = "major"     // DORA major incident: starts the 4 h limb
	ClassHighRisk = "high_risk" // GDPR Art. 34 high-risk decision
)

// Classified records a classification decision.
type Classified struct {
	Class string  `json:"class"`
	At    Instant `json:"at"`
	Moves []Move  `json:"moves,omitempty"`
}

// Requested records an authority's request or order for a report.
type Requested struct {
	Obligation string   `json:"obligation"`
	At         Instant  `json:"at"`
	Due        *Instant `json:"due,omitempty"`
	Ref        string   `json:"ref,omitempty"`
}

// Submitted records that a report was filed (or an internal obligation
// done) at At, with the recipient's reference.
type Submitted struct {
	Obligation string  `json:"obligation"`
	At         Instant `json:"at"`
	Ref        string  `json:"ref,omitempty"`
	// Unapproved: filed without a released draft (3.8), kept for review.
	Unapproved bool   `json:"unapproved,omitempty"`
	Status     string `json:"status"` // met or late, as judged when recorded
	Moves      []Move `json:"moves,omitempty"`
}

// Waived records a decision not to file, with its reason.
type Waived struct {
	Obligation string `json:"obligation"`
	Reason     string `json:"reason"`
}

// FactSet sets an incident fact used by drafts.
type FactSet struct {
	Key      string `json:"key"`
	Value    string `json:"value"`
	Previous string `json:"previous,omitempty"`
}

// DraftCreated starts a draft with its first revision.
type DraftCreated struct {
	Draft      int       `json:"draft"`
	DraftKind  string    `json:"kind"`
	Lang       string    `json:"lang"`
	Obligation string    `json:"obligation,omitempty"`
	Text       string    `json:"text"`
	Hash       string    `json:"hash"`
	Findings   []Finding `json:"findings,omitempty"`
}

// DraftEdited adds a revision; approvals of earlier ones no longer count.
type DraftEdited struct {
	Draft    int       `json:"draft"`
	Rev      int       `json:"rev"`
	Text     string    `json:"text"`
	Hash     string    `json:"hash"`
	Findings []Finding `json:"findings,omitempty"`
}

// Reviewed records that a reviewer has seen a revision.
type Reviewed struct {
	Draft int    `json:"draft"`
	Rev   int    `json:"rev"`
	Hash  string `json:"hash"`
}

// Approved is one approval of a revision. Acknowledged lists the lint
// warnings the approver accepted.
type Approved struct {
	Draft        int      `json:"draft"`
	Rev          int      `json:"rev"`
	Hash         string   `json:"hash"`
	Roles        []Role   `json:"roles"`
	Acknowledged []string `json:"acknowledged,omitempty"`
	BreakGlass   bool     `json:"break_glass,omitempty"`
	Reason       string   `json:"reason,omitempty"`
	Reaction     bool     `json:"reaction,omitempty"`
	// Missing says what the release still needs after this approval.
	Missing [][]Role `json:"missing,omitempty"`
	Review  []Role   `json:"review,omitempty"`
}

// ApprovalWithdrawn removes an approval before release (✅ taken back).
type ApprovalWithdrawn struct {
	Draft int    `json:"draft"`
	Rev   int    `json:"rev"`
	Hash  string `json:"hash"`
}

// Rejected turns a revision down.
type Rejected struct {
	Draft  int    `json:"draft"`
	Rev    int    `json:"rev"`
	Hash   string `json:"hash"`
	Reason string `json:"reason,omitempty"`
}

// Released marks a revision approved under the policy. Targets are the
// rooms it is published to (none for reports to authorities, which are
// filed separately and recorded with submitted).
type Released struct {
	Draft      int        `json:"draft"`
	Rev        int        `json:"rev"`
	Hash       string     `json:"hash"`
	Approvers  []PersonID `json:"approvers"`
	BreakGlass bool       `json:"break_glass,omitempty"`
	Targets    []Room     `json:"targets,omitempty"`
	Notify     []PersonID `json:"notify,omitempty"` // informed roles' holders
}

// DraftPosted records where a revision was posted, so reactions find it.
type DraftPosted struct {
	Draft int  `json:"draft"`
	Rev   int  `json:"rev"`
	Post  Post `json:"post"`
}

// Published records a delivered publication of a released draft.
type Published struct {
	Draft int  `json:"draft"`
	Post  Post `json:"post"`
}

// PublishFailed records a failed delivery (the outbox keeps retrying).
type PublishFailed struct {
	Draft int    `json:"draft"`
	Room  Room   `json:"room"`
	Error string `json:"error"`
}

// ReceiptRecorded records the authority's receipt (case number) for a
// filed report (3.8 "acknowledged").
type ReceiptRecorded struct {
	Obligation string  `json:"obligation"`
	At         Instant `json:"at"`
	Ref        string  `json:"ref"`
}

// Acked records that a paged person acknowledged their pages.
type Acked struct {
	Pages []uint64 `json:"pages"`
}

func (RegimeAdded) Kind() Kind       { return KindRegimeAdded }
func (RegimeRemoved) Kind() Kind     { return KindRegimeRemoved }
func (AwareConfirmed) Kind() Kind    { return KindAwareConfirmed }
func (Classified) Kind() Kind        { return KindClassified }
func (Requested) Kind() Kind         { return KindRequested }
func (Submitted) Kind() Kind         { return KindSubmitted }
func (Waived) Kind() Kind            { return KindWaived }
func (FactSet) Kind() Kind           { return KindFactSet }
func (DraftCreated) Kind() Kind      { return KindDraftCreated }
func (DraftEdited) Kind() Kind       { return KindDraftEdited }
func (Reviewed) Kind() Kind          { return KindReviewed }
func (Approved) Kind() Kind          { return KindApproved }
func (ApprovalWithdrawn) Kind() Kind { return KindApprovalRevoked }
func (Rejected) Kind() Kind          { return KindRejected }
func (Released) Kind() Kind          { return KindReleased }
func (DraftPosted) Kind() Kind       { return KindDraftPosted }
func (Published) Kind() Kind         { return KindPublished }
func (PublishFailed) Kind() Kind     { return KindPublishFailed }
func (Acked) Kind() Kind             { return KindAcked }
func (ReceiptRecorded) Kind() Kind   { return KindReceipt }

func init() {
	for _, p := range []Payload{RegimeAdded{}, RegimeRemoved{}, AwareConfirmed{}, Classified{}, Requested{},
		Submitted{}, Waived{}, FactSet{}, DraftCreated{}, DraftEdited{}, Reviewed{}, Approved{},
		ApprovalWithdrawn{}, Rejected{}, Released{}, DraftPosted{}, Published{}, PublishFailed{}, Acked{},
		ReceiptRecorded{}} {
		register(p)
	}
}
