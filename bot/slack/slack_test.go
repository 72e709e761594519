package slack

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/krisenstab/krisenstab/bot"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestNew(t *testing.T) {
	ok := Config{BotToken: "xoxb-secret-1", AppToken: "xapp-secret-2"}
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string // "" means valid
	}{
		// Ensures Socket Mode with both tokens is the default.
		{"socket default", func(*Config) {}, ""},
		// Ensures HTTP mode needs only the bot token, secret and address.
		{"http", func(c *Config) { *c = Config{BotToken: "xoxb-s", SigningSecret: "s", Mode: ModeHTTP, Listen: ":8080"} }, ""},
		// Ensures a missing bot token is named with its env var.
		{"no bot token", func(c *Config) { c.BotToken = "" }, "KRISENSTAB_SLACK_BOT_TOKEN"},
		// Ensures a user or app token in the bot slot is refused.
		{"wrong bot token", func(c *Config) { c.BotToken = "xoxp-secret-1" }, "xoxb-"},
		// Ensures Socket Mode demands the app-level token.
		{"no app token", func(c *Config) { c.AppToken = "" }, "KRISENSTAB_SLACK_APP_TOKEN"},
		{"wrong app token", func(c *Config) { c.AppToken = "xoxb-secret-2" }, "xapp-"},
		// Ensures HTTP mode demands the signing secret and an address.
		{"http no secret", func(c *Config) { c.Mode, c.Listen = ModeHTTP, ":8080" }, "KRISENSTAB_SLACK_SIGNING_SECRET"},
		{"http no listen", func(c *Config) { c.Mode, c.SigningSecret = ModeHTTP, "s" }, "listen address"},
		// Ensures unknown modes and bad command names are refused.
		{"bad mode", func(c *Config) { c.Mode = "rtm" }, `mode "rtm" unknown`},
		{"bad command", func(c *Config) { c.Command = "/Krise!" }, "command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.edit(&cfg)
			s, err := New(cfg, nil)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if s.Name() != "slack" || s.cfg.Command != "crisis" {
					t.Errorf("Name, Command = %q, %q", s.Name(), s.cfg.Command)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want one mentioning %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "secret-") {
				t.Errorf("error leaks a token: %v", err)
			}
		})
	}
}

func TestConfigRedacted(t *testing.T) {
	// Ensures logging or printing the config never shows a token.
	cfg := Config{BotToken: "xoxb-secret-1", AppToken: "xapp-secret-2", SigningSecret: "secret-3", Mode: ModeSocket}
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("start", "slack", cfg)
	for _, out := range []string{b.String(), fmt.Sprint(cfg), fmt.Sprintf("%v %s", cfg, cfg)} {
		if strings.Contains(out, "secret-") || !strings.Contains(out, "REDACTED") {
			t.Errorf("config output not redacted: %s", out)
		}
	}
}

func TestMention(t *testing.T) {
	s, _ := newTestSlack(t, newFakeSlack(t, nil), ModeSocket)
	if got := s.Mention("U024BE7LH"); got != "<@U024BE7LH>" {
		t.Errorf("Mention = %q", got)
	}
}

func TestPostWithButtons(t *testing.T) {
	f := newFakeSlack(t, nil)
	s, _ := newTestSlack(t, f, ModeSocket)
	msg := bot.Message{
		Text: "**Draft: customer notice** (rev 3) by <@U1>\n- approve with ✅\n- reject with ❌",
		Key:  "n-17",
		Actions: []bot.Action{
			{ID: bot.ReactApprove, Label: "Approve"},
			{ID: bot.ReactReject, Label: "Reject"},
		},
	}
	ref, err := s.Post(t.Context(), bot.Room{Platform: Name, ID: "G0ROOM"}, msg)
	if err != nil {
		t.Fatal(err)
	}
	// Ensures the ref names the channel and the ts Slack returned.
	if want := (bot.Ref{Platform: "slack", Room: "G0ROOM", ID: "1700000000.000001"}); ref != want {
		t.Errorf("ref = %+v, want %+v", ref, want)
	}
	c := f.next(t)
	if c.Method != "chat.postMessage" {
		t.Fatalf("method = %s", c.Method)
	}
	// Ensures the payload (mrkdwn fallback text, sections, buttons with
	// action_id approve/reject and harmless values) matches the golden file.
	var blocks any
	if err := json.Unmarshal([]byte(c.Form.Get("blocks")), &blocks); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	got := map[string]any{"channel": c.Form.Get("channel"), "text": c.Form.Get("text"), "blocks": blocks}
	golden(t, "post_actions.json", got)
}

func TestPostPlain(t *testing.T) {
	f := newFakeSlack(t, nil)
	s, _ := newTestSlack(t, f, ModeSocket)
	if _, err := s.Post(t.Context(), bot.Room{ID: "G0ROOM"}, bot.Message{Text: "**Logged** a < b"}); err != nil {
		t.Fatal(err)
	}
	// Ensures a message without actions is text only, converted and escaped.
	c := f.next(t)
	if got := c.Form.Get("text"); got != "*Logged* a &lt; b" || c.Form.Has("blocks") {
		t.Errorf("text = %q, blocks = %q", got, c.Form.Get("blocks"))
	}
}

// golden compares got with testdata/name after decoding both, rewriting the
// file with -update.
func golden(t *testing.T, name string, got any) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		b, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot/slack -update)", err)
	}
	var want any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	var norm any // got through JSON, so both sides have JSON types
	b, _ := json.Marshal(got)
	_ = json.Unmarshal(b, &norm)
	if d := cmp.Diff(norm, want); d != "" {
		t.Errorf("%s mismatch (-got +want):\n%s", name, d)
	}
}

func TestCreateRoom(t *testing.T) {
	f := newFakeSlack(t, nil)
	s, _ := newTestSlack(t, f, ModeSocket)
	f.set(func() { f.taken["crisis-2026-11-20-ransomware"] = true })
	f.set(func() { f.taken["crisis-2026-11-20-ransomware-2"] = true })

	room, err := s.CreateRoom(t.Context(), "crisis-2026-11-20-Ransomware", []string{"U1", testBotUser, "U2"})
	if err != nil {
		t.Fatal(err)
	}
	// Ensures a taken name is retried with -2, -3 and the room is private.
	if want := (bot.Room{Platform: "slack", ID: "G0NEW", Name: "#crisis-2026-11-20-ransomware-3"}); room != want {
		t.Errorf("room = %+v, want %+v", room, want)
	}
	calls := f.drain()
	var names []string
	for _, c := range calls {
		if c.Method == "conversations.create" {
			names = append(names, c.Form.Get("name"))
			if c.Form.Get("is_private") != "true" {
				t.Errorf("room not private: %v", c.Form)
			}
		}
	}
	want := []string{"crisis-2026-11-20-ransomware", "crisis-2026-11-20-ransomware-2", "crisis-2026-11-20-ransomware-3"}
	if d := cmp.Diff(names, want); d != "" {
		t.Errorf("names tried (-got +want):\n%s", d)
	}
	// Ensures the team is invited, without the bot (cant_invite_self).
	last := calls[len(calls)-1]
	if last.Method != "conversations.invite" || last.Form.Get("channel") != "G0NEW" || last.Form.Get("users") != "U1,U2" {
		t.Errorf("invite = %s %v", last.Method, last.Form)
	}
}

func TestCreateRoomNameLimit(t *testing.T) {
	f := newFakeSlack(t, nil)
	s, _ := newTestSlack(t, f, ModeSocket)
	long := strings.Repeat("x", 80)
	f.set(func() { f.taken[long] = true })
	// Ensures the suffix still fits the 80-character limit.
	room, err := s.CreateRoom(t.Context(), long, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "#" + strings.Repeat("x", 78) + "-2"; room.Name != want {
		t.Errorf("name = %q, want %q", room.Name, want)
	}
	for _, c := range f.drain() {
		if c.Method == "conversations.invite" {
			t.Errorf("invite without users: %v", c.Form)
		}
	}
}

func TestDirectMessage(t *testing.T) {
	f := newFakeSlack(t, nil)
	s, _ := newTestSlack(t, f, ModeSocket)
	for range 2 {
		ref, err := s.DirectMessage(t.Context(), "U7", bot.Message{Text: "**Page**: you are needed"})
		if err != nil {
			t.Fatal(err)
		}
		// Ensures the DM lands in the conversation opened for the user.
		if ref.Platform != "slack" || ref.Room != "DU7" || ref.ID == "" {
			t.Errorf("ref = %+v", ref)
		}
	}
	// Ensures the DM channel is opened once and then reused.
	var methods []string
	for _, c := range f.drain() {
		methods = append(methods, c.Method)
		if c.Method == "conversations.open" && c.Form.Get("users") != "U7" {
			t.Errorf("open users = %q", c.Form.Get("users"))
		}
		if c.Method == "chat.postMessage" && (c.Form.Get("channel") != "DU7" || c.Form.Get("text") != "*Page*: you are needed") {
			t.Errorf("post = %v", c.Form)
		}
	}
	if d := cmp.Diff(methods, []string{"conversations.open", "chat.postMessage", "chat.postMessage"}); d != "" {
		t.Errorf("calls (-got +want):\n%s", d)
	}
}

func TestRateLimit(t *testing.T) {
	f := newFakeSlack(t, nil)
	s, _ := newTestSlack(t, f, ModeSocket)
	f.set(func() { f.rateLimit["chat.postMessage"] = 7 * time.Second })
	f.set(func() { f.rateLimit["conversations.open"] = 30 * time.Second })
	tests := []struct {
		name string
		do   func() error
		want time.Duration
	}{
		// Ensures a 429 on a post becomes a RetryAfterError with Slack's wait.
		{"post", func() error { _, err := s.Post(t.Context(), bot.Room{ID: "G1"}, bot.Message{Text: "x"}); return err }, 7 * time.Second},
		// Ensures the same on the first step of a DM.
		{"dm", func() error { _, err := s.DirectMessage(t.Context(), "U1", bot.Message{Text: "x"}); return err }, 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			var ra bot.RetryAfterError
			if !errors.As(err, &ra) {
				t.Fatalf("err = %v (%T), want a bot.RetryAfterError", err, err)
			}
			if ra.RetryAfter() != tt.want {
				t.Errorf("RetryAfter = %s, want %s", ra.RetryAfter(), tt.want)
			}
		})
	}
}

// TestPostLongMessage ensures a text over Slack's message limit is sent in
// parts, in order, with nothing cut and the buttons on the last part.
func TestPostLongMessage(t *testing.T) {
	f := newFakeSlack(t, nil)
	s, _ := newTestSlack(t, f, ModeSocket)
	var lines []string
	for i := range 3000 {
		lines = append(lines, fmt.Sprintf("- line %04d of a long timeline entry that goes on", i))
	}
	text := strings.Join(lines, "\n")
	ref, err := s.Post(t.Context(), bot.Room{Platform: Name, ID: "G1"}, bot.Message{Text: text,
		Actions: []bot.Action{{ID: bot.ReactApprove, Label: "Approve"}}})
	if err != nil {
		t.Fatal(err)
	}
	calls := f.drain()
	if len(calls) < 2 {
		t.Fatalf("%d posts, want the text split", len(calls))
	}
	var got []string
	for i, c := range calls {
		got = append(got, c.Form.Get("text"))
		hasButtons := strings.Contains(c.Form.Get("blocks"), `"action_id":"approve"`)
		if hasButtons != (i == len(calls)-1) {
			t.Errorf("part %d buttons = %v", i, hasButtons)
		}
	}
	if joined := strings.Join(got, "\n"); joined != mrkdwn(text) {
		t.Error("the parts do not add up to the whole text")
	}
	if ref.ID == "" {
		t.Error("no ref for the last part")
	}
}
