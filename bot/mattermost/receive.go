package mattermost

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/krisenstab/krisenstab/bot"
)

// Handler is the part of the runtime Mattermost drives.
type Handler interface {
	Handle(ctx context.Context, ev bot.Event) bot.Reply
}

// Reconciler is implemented by a handler that can catch up on reactions
// given while the bot was not connected; Run calls it after every
// (re)connect of the WebSocket.
type Reconciler interface {
	Reconcile(ctx context.Context, platform string) error
}

// internalError answers an event whose handling panicked. The runtime
// renders its own errors in the sender's language; this is the last resort
// when it could not, hence both languages.
const internalError = "⚠️ Krisenstab: internal error / interner Fehler"

// deliverTimeout bounds sending one reply outside an answer to the server.
const deliverTimeout = 15 * time.Second

// Run receives commands, button presses and reactions until ctx ends. It
// checks the bot token first (fails fast if the server refuses it), learns
// the bot's user ID and the team, then serves the HTTP endpoints and keeps
// a WebSocket open. It returns an error only if it cannot start or the
// HTTP server fails; the WebSocket reconnects by itself. Call it once.
func (m *Mattermost) Run(ctx context.Context, h Handler) error {
	me, resp, err := m.api.GetMe(ctx, "")
	if err != nil {
		return apiError("get me (is KRISENSTAB_MATTERMOST_BOT_TOKEN valid?)", resp, err, m.clock.Now())
	}
	m.setSelf(me)
	teamID, err := m.team(ctx)
	if err != nil {
		return fmt.Errorf("%w (is the bot a member of team %q?)", err, m.cfg.Team)
	}
	ln, err := net.Listen("tcp", m.cfg.Listen)
	if err != nil {
		return fmt.Errorf("mattermost http: %w", err)
	}
	m.log.Info("mattermost connected", "bot_user", me.Username, "team", m.cfg.Team, "team_id", teamID, "addr", ln.Addr().String())

	// Deferred in this order so that work still running is cancelled
	// first and then waited for.
	defer m.work.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m.work.Go(func() { m.runSocket(ctx, h) })
	return m.serveHTTP(ctx, ln, h)
}

// reconcile runs the handler's catch-up in a goroutine owned by Run. A
// request while one runs is remembered and run once afterwards, so quick
// reconnects do not pile up catch-ups.
func (m *Mattermost) reconcile(ctx context.Context, h Handler) {
	r, ok := h.(Reconciler)
	if !ok {
		return
	}
	m.mu.Lock()
	if m.reconciling {
		m.reconcileAgain = true
		m.mu.Unlock()
		return
	}
	m.reconciling = true
	m.mu.Unlock()
	m.goOwned(func() {
		for {
			if err := r.Reconcile(ctx, Name); err != nil && ctx.Err() == nil {
				m.log.Warn("reconcile reactions", "err", err)
			}
			m.mu.Lock()
			again := m.reconcileAgain && ctx.Err() == nil
			m.reconcileAgain = false
			if !again {
				m.reconciling = false
				m.mu.Unlock()
				return
			}
			m.mu.Unlock()
		}
	})
}

// spawn runs f in a goroutine owned by Run (m.work), at most cap(m.sem) at
// a time. It blocks while all slots are busy, which pushes back on the
// server instead of piling up work, and reports false if ctx ended first.
func (m *Mattermost) spawn(ctx context.Context, f func()) bool {
	select {
	case m.sem <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	m.goOwned(func() {
		defer func() { <-m.sem }()
		f()
	})
	return true
}

// goOwned runs f in a goroutine owned by Run, without taking a slot.
func (m *Mattermost) goOwned(f func()) {
	m.work.Go(func() {
		defer func() {
			if p := recover(); p != nil {
				m.log.Error("panic in mattermost event", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			}
		}()
		f()
	})
}

// handle calls h and turns a panic into a generic answer.
func (m *Mattermost) handle(ctx context.Context, h Handler, ev bot.Event) (r bot.Reply) {
	defer func() {
		if p := recover(); p != nil {
			m.log.Error("panic in handler", "room", ev.Room, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			r = bot.Reply{Text: internalError, Private: true}
		}
	}()
	return h.Handle(ctx, ev)
}

// target is where the answer to an event goes.
type target struct {
	channel     string
	user        string // username
	userID      string
	responseURL string // slash commands: works even where the bot is no member
}

// command runs h on a command or press and waits up to m.ackBudget (or
// until wait ends) for its reply. ok reports that the reply came in time:
// the caller puts its text into the answer to the server, and a file, if
// any, is uploaded by the worker. Otherwise the caller answers empty and
// the worker delivers the whole reply when it is ready.
func (m *Mattermost) command(ctx, wait context.Context, h Handler, ev bot.Event, to target) (reply bot.Reply, ok bool) {
	const (
		pending int32 = iota
		inTime
		late
	)
	var state atomic.Int32
	replies := make(chan bot.Reply, 1)
	started := m.spawn(ctx, func() {
		r := m.handle(ctx, h, ev)
		if state.CompareAndSwap(pending, inTime) {
			replies <- r
			if r.File != nil {
				m.upload(ctx, to, r)
			}
			return
		}
		m.deliver(ctx, to, r)
	})
	if !started {
		return bot.Reply{}, false
	}
	timer := time.NewTimer(m.ackBudget)
	defer timer.Stop()
	select {
	case r := <-replies:
		return r, true
	case <-timer.C:
	case <-wait.Done():
	}
	if state.CompareAndSwap(pending, late) {
		m.log.Info("slow event answered late", "room", ev.Room, "budget", m.ackBudget.String())
		return bot.Reply{}, false
	}
	return <-replies, true // the worker won the race and is sending
}

// deliver sends a reply outside an answer to the server.
func (m *Mattermost) deliver(ctx context.Context, to target, r bot.Reply) {
	if r.Text != "" {
		m.sendText(ctx, to, r.Private, render(r.Text))
	}
	if r.File != nil {
		m.upload(ctx, to, r)
	}
}

// maxHookUses is how often the server accepts posts to one response_url.
const maxHookUses = 5

// sendText posts rendered text to the sender: through the response URL
// while it lasts, else ephemeral or into the channel. Long text goes out
// in parts, in order, never cut silently.
func (m *Mattermost) sendText(ctx context.Context, to target, private bool, md string) {
	ctx, cancel := context.WithTimeout(ctx, deliverTimeout)
	defer cancel()
	for i, part := range chunks(md, maxPostRunes) {
		var err error
		switch {
		case to.responseURL != "" && i < maxHookUses:
			err = m.respond(ctx, to.responseURL, private, part)
		case private:
			err = m.ephemeral(ctx, to, part)
		default:
			_, resp, perr := m.api.CreatePost(ctx, &model.Post{ChannelId: to.channel, Message: part})
			if perr != nil {
				err = apiError("create post", resp, perr, m.clock.Now())
			}
		}
		if err != nil {
			m.log.Warn("reply not delivered", "room", to.channel, "err", err)
			return
		}
	}
}

// commandResponse is the JSON the server takes from a slash command and
// its response_url (model.CommandResponse, only the fields we set).
type commandResponse struct {
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
	// SkipSlackParsing stops the server turning "<!channel>" into
	// @channel after render defused the latter.
	SkipSlackParsing bool `json:"skip_slack_parsing"`
}

func newCommandResponse(private bool, md string) commandResponse {
	typ := model.CommandResponseTypeInChannel
	if private {
		typ = model.CommandResponseTypeEphemeral
	}
	return commandResponse{ResponseType: typ, Text: md, SkipSlackParsing: true}
}

// respond posts a late answer to a slash command's response_url.
func (m *Mattermost) respond(ctx context.Context, responseURL string, private bool, md string) error {
	b, err := json.Marshal(newCommandResponse(private, md))
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("mattermost response_url: bad url")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := m.web.Do(req)
	if err != nil {
		return fmt.Errorf("mattermost response_url: %w", scrub(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusTooManyRequests {
		return &rateLimitError{op: "response_url", wait: retryAfter(resp.Header, m.clock.Now())}
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("mattermost response_url: %s", resp.Status)
	}
	return nil
}

// ephemeral shows text to one user in a channel. POST /posts/ephemeral
// needs create_post_ephemeral, which by default only system admins have;
// without it the text goes to the user's direct channel instead.
func (m *Mattermost) ephemeral(ctx context.Context, to target, md string) error {
	if to.userID != "" {
		_, resp, err := m.api.CreatePostEphemeral(ctx, &model.PostEphemeral{UserID: to.userID, Post: &model.Post{ChannelId: to.channel, Message: md}})
		if err == nil {
			return nil
		}
		m.log.Info("ephemeral post refused, sending a direct message", "room", to.channel, "err", apiError("create ephemeral post", resp, err, m.clock.Now()))
	}
	ch, err := m.dm(ctx, to.user)
	if err != nil {
		return err
	}
	if _, resp, err := m.api.CreatePost(ctx, &model.Post{ChannelId: ch, Message: md}); err != nil {
		return apiError("create post", resp, err, m.clock.Now())
	}
	return nil
}

// maxSnippet bounds a file shown inline when the upload failed, so it
// fits one post with its heading and fences.
const maxSnippet = maxPostRunes - 200

// upload attaches a reply's file to a post: in the channel, or for a
// private reply in the sender's direct channel, since a file cannot be
// ephemeral. If that fails (the bot may not be a member of the channel a
// command came from) the content is shown inline as a code block,
// truncated.
func (m *Mattermost) upload(ctx context.Context, to target, r bot.Reply) {
	ctx, cancel := context.WithTimeout(ctx, deliverTimeout)
	defer cancel()
	f := r.File
	if len(f.Content) == 0 {
		return
	}
	err := func() error {
		dest := to.channel
		if r.Private {
			ch, err := m.dm(ctx, to.user)
			if err != nil {
				return err
			}
			dest = ch
		}
		up, resp, err := m.api.UploadFile(ctx, f.Content, dest, f.Name)
		if err != nil {
			return apiError("upload file", resp, err, m.clock.Now())
		}
		if up == nil || len(up.FileInfos) == 0 || up.FileInfos[0] == nil {
			return fmt.Errorf("mattermost upload file: no file info")
		}
		_, resp, err = m.api.CreatePost(ctx, &model.Post{ChannelId: dest, FileIds: model.StringArray{up.FileInfos[0].Id}})
		if err != nil {
			return apiError("create post", resp, err, m.clock.Now())
		}
		return nil
	}()
	if err == nil {
		return
	}
	m.log.Warn("file upload failed, sending it inline", "room", to.channel, "file", f.Name, "err", err)
	body := truncateRunes(string(f.Content), maxSnippet)
	md := codeBlock(f.Name, body)
	if len(body) < len(f.Content) {
		md += "\n…"
	}
	m.sendText(ctx, to, r.Private, md)
}

// fits reports whether rendered text fits one post.
func fits(md string) bool { return utf8.RuneCountInString(md) <= maxPostRunes }

// dedupe builds an event's DedupeKey; none without an ID.
func dedupe(kind, id string) string {
	if id == "" {
		return ""
	}
	return "mm:" + kind + ":" + id
}
