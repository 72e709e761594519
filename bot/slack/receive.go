package slack

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/krisenstab/krisenstab/bot"
)

// Handler is the part of the runtime Slack drives.
type Handler interface {
	Handle(ctx context.Context, ev bot.Event) bot.Reply
}

// Reconciler is implemented by a handler that can catch up on reactions
// given while the bot was not connected; Run calls it on every (re)connect.
type Reconciler interface {
	Reconcile(ctx context.Context, platform string) error
}

// reconcile runs the handler's catch-up in a goroutine owned by Run.
func (s *Slack) reconcile(ctx context.Context, h Handler) {
	r, ok := h.(Reconciler)
	if !ok {
		return
	}
	s.goOwned(func() {
		if err := r.Reconcile(ctx, Name); err != nil {
			s.log.Warn("reconcile reactions", "err", scrub(err))
		}
	})
}

// internalError answers an event whose handling panicked. The runtime
// renders its own errors in the sender's language; this is the last resort
// when it could not, hence both languages.
const internalError = "⚠️ Krisenstab: internal error / interner Fehler"

// deliverTimeout bounds sending one reply after the acknowledgement.
const deliverTimeout = 15 * time.Second

// Run receives commands, reactions and button presses until ctx ends or
// Slack refuses the tokens. It checks the bot token first (auth.test) and
// learns the bot's own user ID. Call it once.
func (s *Slack) Run(ctx context.Context, h Handler) error {
	at, err := s.api.AuthTestContext(ctx)
	if err != nil {
		return apiError("auth.test", err)
	}
	s.setBotUser(at.UserID)
	s.log.Info("slack connected", "mode", s.cfg.Mode, "team_id", at.TeamID, "bot_user", at.UserID)

	// Deferred in this order so that work still running is cancelled
	// first and then waited for.
	defer s.work.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if s.cfg.Mode == ModeHTTP {
		return s.serveHTTP(ctx, h)
	}
	return s.runSocket(ctx, h)
}

func (s *Slack) setBotUser(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.botUser = id
}

func (s *Slack) self() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.botUser
}

// spawn runs f in a goroutine owned by Run (s.work), at most cap(s.sem) at
// a time. It blocks while all slots are busy, which pushes back on Slack
// instead of piling up work, and reports false if ctx ended first.
func (s *Slack) spawn(ctx context.Context, f func()) bool {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	s.goOwned(func() {
		defer func() { <-s.sem }()
		f()
	})
	return true
}

// goOwned runs f in a goroutine owned by Run, without taking a slot: for
// goroutines that only wait for one that has a slot.
func (s *Slack) goOwned(f func()) {
	s.work.Go(func() {
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic in slack event", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			}
		}()
		f()
	})
}

// handle calls h and turns a panic into a generic answer.
func (s *Slack) handle(ctx context.Context, h Handler, ev bot.Event) (r bot.Reply) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic in handler", "room", ev.Room, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			r = bot.Reply{Text: internalError, Private: true}
		}
	}()
	return h.Handle(ctx, ev)
}

// target is where the answer to an event goes.
type target struct {
	channel     string
	user        string
	responseURL string // slash commands: works even where the bot is no member
}

// command runs h on a slash command and waits up to s.ackBudget (or until
// wait ends) for its reply. ok reports that the reply came in time: the
// caller puts reply into the acknowledgement, and a file, if any, is
// uploaded by the worker. Otherwise the caller acknowledges empty and the
// worker delivers the whole reply when it is ready.
func (s *Slack) command(ctx, wait context.Context, h Handler, ev bot.Event, to target) (reply bot.Reply, ok bool) {
	const (
		pending int32 = iota
		inTime
		late
	)
	var state atomic.Int32
	replies := make(chan bot.Reply, 1)
	started := s.spawn(ctx, func() {
		r := s.handle(ctx, h, ev)
		if state.CompareAndSwap(pending, inTime) {
			replies <- r
			if r.File != nil {
				s.upload(ctx, to, r)
			}
			return
		}
		s.deliver(ctx, to, r)
	})
	if !started {
		return bot.Reply{}, false
	}
	timer := time.NewTimer(s.ackBudget)
	defer timer.Stop()
	select {
	case r := <-replies:
		return r, true
	case <-timer.C:
	case <-wait.Done():
	}
	if state.CompareAndSwap(pending, late) {
		s.log.Info("slow command answered late", "room", ev.Room, "budget", s.ackBudget.String())
		return bot.Reply{}, false
	}
	return <-replies, true // the worker won the race and is sending
}

// event handles a reaction or button press after it was acknowledged.
func (s *Slack) event(ctx context.Context, h Handler, ev bot.Event, to target) {
	s.spawn(ctx, func() {
		s.deliver(ctx, to, s.handle(ctx, h, ev))
	})
}

// deliver sends a reply outside an acknowledgement.
func (s *Slack) deliver(ctx context.Context, to target, r bot.Reply) {
	if r.Text != "" {
		s.sendText(ctx, to, r.Private, mrkdwn(r.Text))
	}
	if r.File != nil {
		s.upload(ctx, to, r)
	}
}

// sendText posts mrkdwn to the sender: through the response URL if there
// is one, else ephemeral or into the channel.
func (s *Slack) sendText(ctx context.Context, to target, private bool, md string) {
	ctx, cancel := context.WithTimeout(ctx, deliverTimeout)
	defer cancel()
	// Slack cuts message text at 40,000 characters; a long listing goes
	// out in parts, in order, never cut silently.
	for _, part := range chunks(md, maxMessageText) {
		text := slack.MsgOptionText(part, false)
		var err error
		switch {
		case to.responseURL != "":
			_, _, err = s.api.PostMessageContext(ctx, to.channel, slack.MsgOptionResponseURL(to.responseURL, responseType(private)), text)
		case private:
			_, err = s.api.PostEphemeralContext(ctx, to.channel, to.user, text)
		default:
			_, _, err = s.api.PostMessageContext(ctx, to.channel, text)
		}
		if err != nil {
			s.log.Warn("reply not delivered", "room", to.channel, "err", scrub(err))
			return
		}
	}
}

// scrub drops the path and query from URLs in transport errors: response
// and upload URLs are short-lived credentials and stay out of logs.
func scrub(err error) error {
	ue, ok := errors.AsType[*url.Error](err)
	if !ok {
		return err
	}
	host := ue.URL
	if u, perr := url.Parse(ue.URL); perr == nil {
		host = u.Scheme + "://" + u.Host + "/…"
	}
	return fmt.Errorf("%s %s: %w", ue.Op, host, ue.Err)
}

func responseType(private bool) string {
	if private {
		return slack.ResponseTypeEphemeral
	}
	return slack.ResponseTypeInChannel
}

// ackPayload is the body of a slash command's acknowledgement; nil means
// an empty acknowledgement.
func ackPayload(r bot.Reply) map[string]any {
	if r.Text == "" {
		return nil
	}
	return map[string]any{"response_type": responseType(r.Private), "text": mrkdwn(r.Text)}
}

// maxSnippet bounds a file shown inline when the upload failed (Slack
// truncates message text at 40 000 characters).
const maxSnippet = 35000

// upload shares a reply's file: into the channel, or for a private reply
// into the sender's DM, since an uploaded file cannot be ephemeral. It uses
// files.getUploadURLExternal + upload + files.completeUploadExternal
// (files:write); files.upload is retired. If that fails the content is
// shown inline as a code block, truncated.
func (s *Slack) upload(ctx context.Context, to target, r bot.Reply) {
	ctx, cancel := context.WithTimeout(ctx, deliverTimeout)
	defer cancel()
	f := r.File
	if len(f.Content) == 0 {
		return
	}
	err := func() error {
		dest := to.channel
		if r.Private {
			ch, err := s.dm(ctx, to.user)
			if err != nil {
				return err
			}
			dest = ch
		}
		_, err := s.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Filename: f.Name,
			Title:    f.Name,
			FileSize: len(f.Content),
			Reader:   bytes.NewReader(f.Content),
			Channel:  dest,
		})
		if err != nil {
			return apiError("files upload", err)
		}
		return nil
	}()
	if err == nil {
		return
	}
	s.log.Warn("file upload failed, sending it inline", "room", to.channel, "file", f.Name, "err", scrub(err))
	body := truncate(string(f.Content), maxSnippet)
	md := "*" + escaper.Replace(f.Name) + "*\n```\n" + escaper.Replace(body) + "\n```"
	if len(body) < len(f.Content) {
		md += "\n…"
	}
	s.sendText(ctx, to, r.Private, md)
}

// dedupe builds an event's DedupeKey; none without an ID.
func dedupe(kind, id string) string {
	if id == "" {
		return ""
	}
	return "slack:" + kind + ":" + id
}

// slashEvent normalises a slash command. trigger_id is unique per
// invocation and survives Socket Mode re-delivery; fallback (envelope ID
// or request signature) serves when it is absent.
func slashEvent(cmd slack.SlashCommand, fallback string) (bot.Event, target) {
	id := cmd.TriggerID
	if id == "" {
		id = fallback
	}
	return bot.Event{
			Platform:  Name,
			Room:      cmd.ChannelID,
			User:      cmd.UserID,
			Text:      commandText(cmd.Text),
			DedupeKey: dedupe("cmd", id),
		}, target{
			channel: cmd.ChannelID, user: cmd.UserID, responseURL: cmd.ResponseURL,
		}
}

// reactionEvent normalises reaction_added and reaction_removed on a
// message; ok is false for anything else and for the bot's own reactions.
func reactionEvent(ev slackevents.EventsAPIEvent, self string) (bot.Event, target, bool) {
	var (
		user, name string
		item       slackevents.Item
		removed    bool
	)
	switch in := ev.InnerEvent.Data.(type) {
	case *slackevents.ReactionAddedEvent:
		user, name, item = in.User, in.Reaction, in.Item
	case *slackevents.ReactionRemovedEvent:
		user, name, item, removed = in.User, in.Reaction, in.Item, true
	default:
		return bot.Event{}, target{}, false
	}
	if item.Type != "message" || item.Timestamp == "" || user == "" || user == self {
		return bot.Event{}, target{}, false
	}
	var id string
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
		id = cb.EventID
	}
	return bot.Event{
		Platform:  Name,
		Room:      item.Channel,
		User:      user,
		DedupeKey: dedupe("ev", id),
		Reaction:  &bot.Reaction{Emoji: emoji(name), Message: item.Timestamp, Removed: removed},
	}, target{channel: item.Channel, user: user}, true
}

// actionEvents normalises the button presses of a block_actions
// interaction: Emoji is the button's action_id, Message the ts of the
// message carrying it.
func actionEvents(cb slack.InteractionCallback) ([]bot.Event, target) {
	if cb.Type != slack.InteractionTypeBlockActions {
		return nil, target{}
	}
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	msg := cb.Container.MessageTs
	if msg == "" {
		msg = cb.Message.Timestamp
	}
	to := target{channel: channel, user: cb.User.ID}
	if channel == "" || msg == "" || cb.User.ID == "" {
		return nil, to
	}
	var out []bot.Event
	for _, a := range cb.ActionCallback.BlockActions {
		if a == nil || a.ActionID == "" {
			continue
		}
		out = append(out, bot.Event{
			Platform:  Name,
			Room:      channel,
			User:      cb.User.ID,
			DedupeKey: dedupe("act", cb.User.ID+":"+msg+":"+cmp.Or(a.ActionTs, cb.ActionTs)+":"+a.ActionID),
			Reaction:  &bot.Reaction{Emoji: a.ActionID, Message: msg},
		})
	}
	return out, to
}
