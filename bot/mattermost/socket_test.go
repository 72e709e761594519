package mattermost

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/krisenstab/krisenstab/bot"
)

// TestWebSocket runs Run against the fake server: the real WebSocket
// client connects, authenticates, receives reactions, loses the
// connection and is expected to come back by itself.
func TestWebSocket(t *testing.T) {
	f := newFakeMM(t)
	m := newTestMM(t, f)
	m.backoff = func(int) time.Duration { return time.Millisecond }
	drop := make(chan struct{})
	f.ws = func(n int, conn *websocket.Conn) bool {
		send := func(b []byte) { _ = conn.WriteMessage(websocket.TextMessage, b) }
		switch n {
		case 1:
			send(reactionEvent(t, model.WebsocketEventReactionAdded, "uanna", "white_check_mark", 100))
			send(reactionEvent(t, model.WebsocketEventReactionAdded, testBotID, "white_check_mark", 101))
			send(reactionEvent(t, model.WebsocketEventReactionRemoved, "ubernd", "x", 102))
			<-drop // once the adapter has them: a lost connection loses nothing here
			return true
		default:
			send(reactionEvent(t, model.WebsocketEventReactionAdded, "uanna", "eyes", 103))
			return false
		}
	}
	rec := newRecorder(nil)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- m.Run(ctx, rec) }()

	next := func() bot.Event {
		select {
		case ev := <-rec.events:
			return ev
		case err := <-runErr:
			t.Fatalf("Run ended early: %v", err)
		}
		return bot.Event{}
	}
	got := []bot.Event{next(), next()}
	// Ensures the connection is reconciled once it is up.
	if p := <-rec.reconciles; p != "mattermost" {
		t.Errorf("Reconcile(%q)", p)
	}
	close(drop)
	got = append(got, next())
	// Ensures a dropped connection is reopened and reconciled again.
	<-rec.reconciles
	cancel()
	// Ensures Run stops on cancellation, without error, after its work.
	if err := <-runErr; err != nil {
		t.Errorf("Run = %v", err)
	}
	got = append(got, rec.got()...)

	// Ensures reactions are decoded twice (a JSON string in the event),
	// normalised, by username, in order, and the bot's own is ignored.
	want := []bot.Event{
		{Platform: "mattermost", Room: "chroom", User: "anna", DedupeKey: "mm:reaction:post9:uanna:white_check_mark:added:100",
			Reaction: &bot.Reaction{Emoji: bot.ReactApprove, Message: "post9"}},
		{Platform: "mattermost", Room: "chroom", User: "bernd", DedupeKey: "mm:reaction:post9:ubernd:x:removed:102",
			Reaction: &bot.Reaction{Emoji: bot.ReactReject, Message: "post9", Removed: true}},
		{Platform: "mattermost", Room: "chroom", User: "anna", DedupeKey: "mm:reaction:post9:uanna:eyes:added:103",
			Reaction: &bot.Reaction{Emoji: bot.ReactReview, Message: "post9"}},
	}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("events (-got +want):\n%s", d)
	}
	// Ensures the socket authenticated with the bot token on both
	// connections and never set an active channel or team (the server
	// would then withhold reactions from other channels).
	var actions []string
	for len(f.frames) > 0 {
		actions = append(actions, (<-f.frames).Action)
	}
	if d := cmp.Diff(actions, []string{"authentication_challenge", "authentication_challenge"}); d != "" {
		t.Errorf("client frames (-got +want):\n%s", d)
	}
}

func TestWebSocketBackoff(t *testing.T) {
	f := newFakeMM(t)
	m := newTestMM(t, f)
	attempts := make(chan int, 100)
	m.backoff = func(attempt int) time.Duration {
		attempts <- attempt
		return time.Millisecond
	}
	// No WebSocket there: every handshake fails with a 404.
	m.wsURL += "/nowhere"
	rec := newRecorder(nil)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.runSocket(ctx, rec)
	}()
	got := []int{<-attempts, <-attempts, <-attempts}
	cancel()
	<-done
	m.work.Wait()
	// Ensures failed connects are retried with a growing attempt count
	// (hence growing waits) and no reconcile is asked for without a
	// connection.
	if d := cmp.Diff(got, []int{1, 2, 3}); d != "" {
		t.Errorf("attempts (-got +want):\n%s", d)
	}
	if len(rec.reconciles) != 0 {
		t.Errorf("reconciled without a connection")
	}
}

func TestBackoff(t *testing.T) {
	// Ensures the default backoff doubles from 1 s and is capped at 30 s.
	var got []time.Duration
	for a := 1; a <= 7; a++ {
		got = append(got, backoff(a))
	}
	want := []time.Duration{1, 2, 4, 8, 16, 30, 30}
	for i := range want {
		want[i] *= time.Second
	}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("backoff (-got +want):\n%s", d)
	}
}

func TestRunRefused(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string
	}{
		// Ensures a bad bot token ends Run at once, naming the variable.
		{"bad token", func(c *Config) { c.BotToken = "secret-wrong" }, "KRISENSTAB_MATTERMOST_BOT_TOKEN"},
		// Ensures an unknown team (or one the bot is not in) ends Run.
		{"bad team", func(c *Config) { c.Team = "nope" }, `team "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeMM(t)
			cfg := Config{URL: f.srv.URL, BotToken: testBotToken, CommandToken: testCommandToken, Team: testTeam,
				Listen: "127.0.0.1:0", PublicURL: "https://bot.example.com"}
			tt.edit(&cfg)
			m, err := New(cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = m.Run(t.Context(), newRecorder(nil))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "secret-") {
				t.Errorf("Run = %v, want an error mentioning %q", err, tt.wantErr)
			}
		})
	}
}
