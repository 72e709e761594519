package bot

import (
	"context"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
)

// Room is a chat room on one platform; adapters use it through bot so they
// need not import the domain.
type Room = crisis.Room

// Platform is a chat system the bot lives in.
type Platform interface {
	// Name is the platform key used in config and rooms ("console", "slack").
	Name() string
	// CreateRoom creates an incident room and adds the given platform users.
	CreateRoom(ctx context.Context, name string, users []string) (Room, error)
	// Post sends a message to a room.
	Post(ctx context.Context, room Room, msg Message) (Ref, error)
	// DirectMessage sends a message to one platform user.
	DirectMessage(ctx context.Context, user string, msg Message) (Ref, error)
	// Mention renders a mention of a platform user in message text.
	Mention(user string) string
}

// Message is a rendered message: neutral markup (**bold**, "- " lists) with
// mentions already in the platform's form. Key identifies the notice it
// delivers so a platform that can deduplicate may do so.
type Message struct {
	Text string
	Key  string
	// Actions are buttons offered with the message (approve/reject on a
	// draft). A platform without buttons ignores them: reactions work too.
	Actions []Action
}

// Action is a button. Pressing it arrives as an Event whose Reaction has
// Emoji = ID and Message = the ref of the message carrying the button.
type Action struct {
	ID    string // ReactApprove or ReactReject
	Label string
}

// Normalised reaction names: adapters map their platform's emoji (✅
// white_check_mark heavy_check_mark, ❌ x) to these; any other emoji is
// passed on by its platform name and ignored by the runtime.
const (
	ReactApprove = "approve"
	ReactReject  = "reject"
	ReactReview  = "review" // 👀: the reviewer has seen the revision
)

// Ref identifies a posted message (for reactions and edits).
type Ref struct {
	Platform string
	Room     string
	ID       string
}

// ReactionReader is implemented by platforms that can list the reactions
// on a message; the runtime uses it to catch up on approvals given while
// the bot was disconnected.
type ReactionReader interface {
	Reactions(ctx context.Context, room Room, msgID string) ([]ReactionSet, error)
}

// ReactionSet is one emoji (normalised like Reaction.Emoji) and who
// reacted with it.
type ReactionSet struct {
	Emoji string
	Users []string
}

// Event is one input from a platform, normalised by its adapter: a command
// text (what follows the slash command, mentions already in roster-neutral
// form) from a user in a room.
type Event struct {
	Platform  string
	Room      string
	User      string
	Text      string
	DedupeKey string
	// Reaction is set instead of Text when the user reacted to (or pressed
	// a button on) a message the bot posted.
	Reaction *Reaction
}

// Reaction is an emoji added to or removed from a bot message, or a button
// pressed on it.
type Reaction struct {
	Emoji   string // ReactApprove, ReactReject, or the platform's emoji name
	Message string // the message's Ref.ID
	Removed bool
}

// Reply is the answer shown to the sender of an event. Private replies are
// shown only to them (ephemeral) where the platform can.
type Reply struct {
	Text    string
	Private bool
	File    *File
}

// File is an attachment, e.g. an exported timeline.
type File struct {
	Name    string
	Content []byte
}

// RetryAfterError is implemented by platform errors that say when to try
// again (rate limits); the dispatcher waits that long for the destination.
type RetryAfterError interface {
	error
	RetryAfter() time.Duration
}

// Clock tells the time. Tests use bottest.Clock.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current instant in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }
