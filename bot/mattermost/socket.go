package mattermost

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/krisenstab/krisenstab/bot"
)

// reactionItem is a reaction from the WebSocket, waiting for the worker.
type reactionItem struct {
	r       model.Reaction
	room    string
	removed bool
}

// runSocket keeps a WebSocket open until ctx ends, reconnecting with
// backoff: the client does not reconnect by itself. Reactions are handled
// one at a time, in the order they arrived, so that an emoji taken back
// right after it was given ends up removed.
func (m *Mattermost) runSocket(ctx context.Context, h Handler) {
	queue := make(chan reactionItem, 256)
	m.goOwned(func() {
		for {
			select {
			case it := <-queue:
				m.reaction(ctx, h, it)
			case <-ctx.Done():
				return
			}
		}
	})
	for attempt := 0; ; {
		healthy := m.connect(ctx, h, queue)
		if ctx.Err() != nil {
			return
		}
		if healthy {
			attempt = 0
		}
		attempt++
		wait := m.backoff(attempt)
		m.log.Info("mattermost websocket reconnecting", "in", wait.String(), "attempt", attempt)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// connect runs one WebSocket connection until it drops or ctx ends and
// reports whether the server accepted it. All three of the client's
// channels are drained throughout: if one fills, its reader or ping
// watchdog blocks and the connection stalls. The bot never sets an active
// channel or team: with WebSocketEventScope the server then withholds
// reactions in every other channel.
func (m *Mattermost) connect(ctx context.Context, h Handler, queue chan<- reactionItem) bool {
	ws, err := model.NewWebSocketClient4WithDialer(m.dialer, m.wsURL, m.cfg.BotToken)
	if err != nil {
		m.log.Warn("mattermost websocket connect failed", "err", err)
		return false
	}
	ws.Listen()
	// Closing the connection, not ws.Close, ends the client: its reader
	// then shuts everything down itself, and ws.Close could race a pong
	// being written.
	stop := func() { _ = ws.Conn.Close() }
	var (
		accepted  bool
		events    = ws.EventChannel
		responses = ws.ResponseChannel
		done      = ctx.Done()
	)
	up := func() {
		if accepted {
			return
		}
		accepted = true
		m.log.Info("mattermost websocket connected")
		m.reconcile(ctx, h)
	}
	for events != nil || responses != nil {
		select {
		case <-done:
			stop()
			done = nil // keep draining until the reader has ended
		case ev, ok := <-events:
			if !ok {
				events = nil
				if done != nil {
					m.log.Warn("mattermost websocket dropped", "err", listenError(ws))
				}
				stop()
				continue
			}
			if done == nil {
				continue
			}
			switch ev.EventType() {
			case model.WebsocketEventHello:
				up()
			case model.WebsocketEventReactionAdded, model.WebsocketEventReactionRemoved:
				it, ok := m.decodeReaction(ev)
				if !ok {
					continue
				}
				select {
				case queue <- it:
				case <-ctx.Done():
				}
			}
		case r, ok := <-responses:
			if !ok {
				responses = nil
				continue
			}
			if r.SeqReply != 1 { // 1 is the authentication challenge
				continue
			}
			if r.Status == model.StatusOk {
				up()
				continue
			}
			m.log.Error("mattermost websocket refused the bot token", "status", r.Status)
			stop()
		case <-ws.PingTimeoutChannel:
			m.log.Warn("mattermost websocket: no ping from the server, reconnecting")
			stop()
		}
	}
	return accepted
}

// listenError is why the reader ended; read only after EventChannel was
// closed, which orders it after the write.
func listenError(ws *model.WebSocketClient) string {
	if ws.ListenError == nil {
		return "closed by the server"
	}
	return ws.ListenError.Error()
}

// decodeReaction reads a reaction event: data["reaction"] is a JSON
// string inside the JSON event. The bot's own reactions (the seeded ✅)
// are dropped.
func (m *Mattermost) decodeReaction(ev *model.WebSocketEvent) (reactionItem, bool) {
	s, _ := ev.GetData()["reaction"].(string)
	var it reactionItem
	if err := json.Unmarshal([]byte(s), &it.r); err != nil || it.r.UserId == "" || it.r.PostId == "" || it.r.EmojiName == "" {
		m.log.Warn("malformed reaction event", "seq", ev.GetSequence())
		return reactionItem{}, false
	}
	if it.r.UserId == m.botID() {
		return reactionItem{}, false
	}
	it.removed = ev.EventType() == model.WebsocketEventReactionRemoved
	it.room = it.r.ChannelId
	if it.room == "" && ev.GetBroadcast() != nil {
		it.room = ev.GetBroadcast().ChannelId
	}
	return it, true
}

// reaction turns a reaction into an event for h and delivers the reply.
func (m *Mattermost) reaction(ctx context.Context, h Handler, it reactionItem) {
	lctx, cancel := context.WithTimeout(ctx, deliverTimeout)
	user, err := m.username(lctx, it.r.UserId)
	cancel()
	if err != nil {
		m.log.Warn("reaction by unknown user ignored", "user_id", it.r.UserId, "post", it.r.PostId, "err", err)
		return
	}
	change := "added"
	if it.removed {
		change = "removed"
	}
	ev := bot.Event{
		Platform: Name,
		Room:     it.room,
		User:     user,
		DedupeKey: "mm:reaction:" + it.r.PostId + ":" + it.r.UserId + ":" + it.r.EmojiName + ":" + change + ":" +
			strconv.FormatInt(it.r.CreateAt, 10),
		Reaction: &bot.Reaction{Emoji: emoji(it.r.EmojiName), Message: it.r.PostId, Removed: it.removed},
	}
	m.deliver(ctx, target{channel: it.room, user: user, userID: it.r.UserId}, m.handle(ctx, h, ev))
}
