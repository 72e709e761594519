package slack

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"

	"github.com/krisenstab/krisenstab/bot"
)

// TestSocketMode runs the real socketmode client against a fake Slack
// socket (slacktest's own /ws is an RTM fake, see platforms.md 7.1).
func TestSocketMode(t *testing.T) {
	big := strings.Repeat("a", 25000)
	envelopes := []map[string]any{
		{"type": "events_api", "envelope_id": "e1", "payload": map[string]any{
			"type": "event_callback", "event_id": "Ev1", "event": reaction("reaction_added", "U1", "white_check_mark")}},
		{"type": "slash_commands", "envelope_id": "e2", "payload": map[string]any{
			"command": "/crisis", "text": "role lead <@U2|bernd>", "user_id": "U1", "channel_id": "G1", "trigger_id": "trig-2"}},
		{"type": "interactive", "envelope_id": "e3", "payload": map[string]any{
			"type": "block_actions", "user": map[string]any{"id": "U3"}, "channel": map[string]any{"id": "G1"},
			"container": map[string]any{"type": "message", "message_ts": "1700000000.000100"},
			"actions": []any{map[string]any{"type": "button", "block_id": actionsBlockID, "action_id": "reject", "value": "reject",
				"action_ts": "1700000300.1"}}}},
		{"type": "events_api", "envelope_id": "e4", "payload": map[string]any{
			"type": "event_callback", "event_id": "Ev4", "event": reaction("reaction_added", testBotUser, "white_check_mark")}},
		{"type": "slash_commands", "envelope_id": "e5", "retry_attempt": 1, "retry_reason": "timeout", "payload": map[string]any{
			"command": "/crisis", "text": "big", "user_id": "U1", "channel_id": "G1", "trigger_id": "trig-5"}},
	}
	acks := make(chan map[string]any, len(envelopes))
	var (
		f    *fakeSlack
		once sync.Once
	)
	f = newFakeSlack(t, func(conn *websocket.Conn) {
		_ = conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1})
		_ = conn.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second))
		var first bool
		once.Do(func() { first = true })
		for _, env := range envelopes {
			if !first {
				break // a reconnect must not replay the script
			}
			if env["envelope_id"] == "e5" {
				env["payload"].(map[string]any)["response_url"] = f.responseURL()
			}
			_ = conn.WriteJSON(env)
		}
		for {
			_, m, err := conn.ReadMessage()
			if err != nil {
				return
			}
			var ack map[string]any
			_ = json.Unmarshal(m, &ack)
			acks <- ack
		}
	})
	s, _ := newTestSlack(t, f, ModeSocket)
	s.setBotUser("") // Run learns it from auth.test
	rec := newRecorder(func(ev bot.Event) bot.Reply {
		switch ev.Text {
		case "":
			return bot.Reply{}
		case "big":
			return bot.Reply{Text: big}
		}
		return bot.Reply{Text: "**Role assigned**", Private: true}
	})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- s.Run(ctx, rec) }()

	got := map[string]any{}
	for range envelopes {
		select {
		case a := <-acks:
			got[a["envelope_id"].(string)] = a["payload"]
		case err := <-runErr:
			t.Fatalf("Run ended early: %v", err)
		}
	}
	// Ensures every envelope is acknowledged, a slash command's reply rides
	// on its ack, and one too large for an ack (20 KB) is acked empty.
	want := map[string]any{
		"e1": nil, "e3": nil, "e4": nil, "e5": nil,
		"e2": map[string]any{"response_type": "ephemeral", "text": "*Role assigned*"},
	}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("acks (-got +want):\n%s", d)
	}
	// ... and its reply follows through response_url.
	for c := f.next(t); c.Method != "response_url"; c = f.next(t) {
	}

	// Acks precede handling, so wait for the four events expected.
	var events []bot.Event
	for range 4 {
		events = append(events, <-rec.events)
	}
	cancel()
	// Ensures Run stops on cancellation, without error, after its work.
	if err := <-runErr; err != nil {
		t.Errorf("Run = %v", err)
	}
	events = append(events, rec.got()...)
	slices.SortFunc(events, func(a, b bot.Event) int { return strings.Compare(a.DedupeKey, b.DedupeKey) })
	// Ensures the three kinds of input are normalised and the bot's own
	// reaction (learnt from auth.test) is ignored.
	wantEvents := []bot.Event{
		{Platform: "slack", Room: "G1", User: "U3", DedupeKey: "slack:act:U3:1700000000.000100:1700000300.1:reject",
			Reaction: &bot.Reaction{Emoji: "reject", Message: "1700000000.000100"}},
		{Platform: "slack", Room: "G1", User: "U1", Text: "role lead @U2", DedupeKey: "slack:cmd:trig-2"},
		{Platform: "slack", Room: "G1", User: "U1", Text: "big", DedupeKey: "slack:cmd:trig-5"},
		{Platform: "slack", Room: "G1", User: "U1", DedupeKey: "slack:ev:Ev1",
			Reaction: &bot.Reaction{Emoji: bot.ReactApprove, Message: "1700000000.000100"}},
	}
	if d := cmp.Diff(events, wantEvents); d != "" {
		t.Errorf("events (-got +want):\n%s", d)
	}
}

func TestRunBadToken(t *testing.T) {
	for _, mode := range []string{ModeSocket, ModeHTTP} {
		t.Run(mode, func(t *testing.T) {
			f := newFakeSlack(t, nil)
			s, _ := newTestSlack(t, f, mode)
			f.set(func() { f.fail["auth.test"] = "invalid_auth" })
			// Ensures Run returns the refusal instead of running blind.
			err := s.Run(t.Context(), newRecorder(nil))
			if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
				t.Errorf("Run = %v, want invalid_auth", err)
			}
		})
	}
}

// reconciler records Reconcile calls; the runtime implements it.
type reconciler struct {
	*recorder
	calls chan string
}

func (r reconciler) Reconcile(_ context.Context, platform string) error {
	r.calls <- platform
	return nil
}

// TestReconcileOnConnect ensures Run asks the handler to catch up on
// reactions when Socket Mode connects and when the HTTP server starts, so
// an approval given while the bot was away is not lost.
func TestReconcileOnConnect(t *testing.T) {
	for _, mode := range []string{ModeSocket, ModeHTTP} {
		t.Run(mode, func(t *testing.T) {
			f := newFakeSlack(t, func(conn *websocket.Conn) {
				_ = conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1})
				for {
					if _, _, err := conn.ReadMessage(); err != nil {
						return
					}
				}
			})
			s, _ := newTestSlack(t, f, mode)
			h := reconciler{recorder: newRecorder(nil), calls: make(chan string, 4)}
			ctx, cancel := context.WithCancel(t.Context())
			runErr := make(chan error, 1)
			go func() { runErr <- s.Run(ctx, h) }()
			select {
			case p := <-h.calls:
				if p != Name {
					t.Errorf("Reconcile(%q), want %q", p, Name)
				}
			case err := <-runErr:
				t.Fatalf("Run ended before reconciling: %v", err)
			}
			cancel()
			if err := <-runErr; err != nil {
				t.Errorf("Run = %v", err)
			}
		})
	}
}
