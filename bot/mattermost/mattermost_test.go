package mattermost

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/krisenstab/krisenstab/bot"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestNew(t *testing.T) {
	ok := Config{URL: "https://chat.example.com/", BotToken: "secret-1", CommandToken: "secret-2", Team: "acme",
		Listen: ":8065", PublicURL: "https://bot.example.com"}
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string // "" means valid
	}{
		// Ensures a complete config is accepted and the command defaults.
		{"valid", func(*Config) {}, ""},
		// Ensures each secret is named with its environment variable.
		{"no bot token", func(c *Config) { c.BotToken = "" }, "KRISENSTAB_MATTERMOST_BOT_TOKEN"},
		{"no command token", func(c *Config) { c.CommandToken = "" }, "KRISENSTAB_MATTERMOST_COMMAND_TOKEN"},
		// Ensures the server URL must be http(s) (the WebSocket URL is derived).
		{"bad url", func(c *Config) { c.URL = "chat.example.com" }, "url"},
		{"ws url", func(c *Config) { c.URL = "wss://chat.example.com" }, "url"},
		// Ensures team, listen address and public URL are required.
		{"no team", func(c *Config) { c.Team = "" }, "team"},
		{"no listen", func(c *Config) { c.Listen = "" }, "listen"},
		{"no public url", func(c *Config) { c.PublicURL = "" }, "public url"},
		// Ensures a command name the server would refuse is caught early.
		{"bad command", func(c *Config) { c.Command = "/Krise!" }, "command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.edit(&cfg)
			m, err := New(cfg, nil)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if m.Name() != "mattermost" || m.cfg.Command != "crisis" || m.wsURL != "wss://chat.example.com" {
					t.Errorf("Name, Command, wsURL = %q, %q, %q", m.Name(), m.cfg.Command, m.wsURL)
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
	cfg := Config{URL: "https://chat.example.com", BotToken: "secret-1", CommandToken: "secret-2", Team: "acme"}
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("start", "mattermost", cfg)
	for _, out := range []string{b.String(), fmt.Sprint(cfg), fmt.Sprintf("%v %s %+v", cfg, cfg, cfg)} {
		if strings.Contains(out, "secret-") || !strings.Contains(out, "REDACTED") {
			t.Errorf("config output not redacted: %s", out)
		}
	}
}

func TestMention(t *testing.T) {
	m := newTestMM(t, newFakeMM(t))
	// Ensures mentions are by username, the form the roster stores.
	if got := m.Mention("anna"); got != "@anna" {
		t.Errorf("Mention = %q", got)
	}
}

var actionID = regexp.MustCompile(`^[A-Za-z0-9]+$`)

func TestPostWithButtons(t *testing.T) {
	f := newFakeMM(t)
	m := newTestMM(t, f)
	msg := bot.Message{
		Text: "**Draft: customer notice** (rev 3) by @anna\n- approve with ✅\n- reject with ❌",
		Key:  "n-17",
		Actions: []bot.Action{
			{ID: bot.ReactApprove, Label: "Approve"},
			{ID: bot.ReactReject, Label: "Reject"},
		},
	}
	ref, err := m.Post(t.Context(), bot.Room{Platform: Name, ID: "chroom"}, msg)
	if err != nil {
		t.Fatal(err)
	}
	// Ensures the ref names the channel and the post ID the server gave.
	if want := (bot.Ref{Platform: "mattermost", Room: "chroom", ID: "post1"}); ref != want {
		t.Errorf("ref = %+v, want %+v", ref, want)
	}
	c := f.next(t)
	if c.Route != "POST /api/v4/posts" {
		t.Fatalf("route = %s", c.Route)
	}
	// Ensures the wire form (Markdown text, one attachment with buttons
	// whose integration URL is ours and whose context is signed, pending
	// post ID from the key) matches the golden file.
	var got map[string]any
	if err := json.Unmarshal([]byte(c.Body), &got); err != nil {
		t.Fatal(err)
	}
	golden(t, "post_actions.json", got)

	// Ensures the server will route the presses (ids [A-Za-z0-9]+, unique)
	// and each button's context verifies for its own action only.
	var p model.Post
	if err := json.Unmarshal([]byte(c.Body), &p); err != nil {
		t.Fatal(err)
	}
	atts := p.Attachments()
	if len(atts) != 1 || len(atts[0].Actions) != 2 {
		t.Fatalf("attachments = %+v", atts)
	}
	seen := map[string]bool{}
	for i, a := range atts[0].Actions {
		if !actionID.MatchString(a.Id) || seen[a.Id] {
			t.Errorf("action id %q not routable or not unique", a.Id)
		}
		seen[a.Id] = true
		got, err := verifyAction(m.actionKey, "chroom", a.Integration.Context)
		if err != nil || got != msg.Actions[i].ID {
			t.Errorf("verify %s = %q, %v", a.Id, got, err)
		}
	}
}

func TestButtonIDs(t *testing.T) {
	m := newTestMM(t, newFakeMM(t))
	att, err := m.attachment("ch", []bot.Action{{ID: "approve_draft"}, {ID: "approve-draft"}, {ID: "✅"}})
	if err != nil {
		t.Fatal(err)
	}
	// Ensures IDs the click route would 404 on are made alphanumeric and
	// unique, while the context keeps the real action.
	var ids, acts []string
	for _, a := range att.Actions {
		ids = append(ids, a.Id)
		acts = append(acts, a.Integration.Context[ctxAction].(string))
	}
	if d := cmp.Diff(ids, []string{"approvedraft", "approvedrafta1", "a2"}); d != "" {
		t.Errorf("ids (-got +want):\n%s", d)
	}
	if d := cmp.Diff(acts, []string{"approve_draft", "approve-draft", "✅"}); d != "" {
		t.Errorf("actions (-got +want):\n%s", d)
	}
}

func TestPostEscapesEveryone(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		// Ensures injected @channel, @all and @here (any case) cannot notify
		// everyone, while the text looks the same.
		{"channel", "Notice: @channel please read", "Notice: @\u200bchannel please read"},
		{"all and here", "@ALL and @here.", "@\u200bALL and @\u200bhere."},
		// Ensures Slack's form, which the server converts, is defused too.
		{"slack form", "<!channel> <!here|here>", "<\u200b!channel> <\u200b!here|here>"},
		// Ensures people and lookalike usernames are still mentioned.
		{"people", "@anna @allison @channel_ops **bold**", "@anna @allison @channel_ops **bold**"},
	}
	f := newFakeMM(t)
	m := newTestMM(t, f)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := m.Post(t.Context(), bot.Room{ID: "chroom"}, bot.Message{Text: tt.text}); err != nil {
				t.Fatal(err)
			}
			var p model.Post
			if err := json.Unmarshal([]byte(f.next(t).Body), &p); err != nil {
				t.Fatal(err)
			}
			if p.Message != tt.want {
				t.Errorf("message = %q, want %q", p.Message, tt.want)
			}
		})
	}
}

func TestPostSplit(t *testing.T) {
	f := newFakeMM(t)
	m := newTestMM(t, f)
	// Three parts: lines of 1000 runes (ä is two bytes: the limit is in
	// runes), 40 lines.
	var lines []string
	for i := range 40 {
		lines = append(lines, fmt.Sprintf("%02d", i)+strings.Repeat("ä", 998))
	}
	msg := bot.Message{Text: strings.Join(lines, "\n"), Key: "n-1", Actions: []bot.Action{{ID: bot.ReactApprove, Label: "Approve"}}}
	ref, err := m.Post(t.Context(), bot.Room{ID: "chroom"}, msg)
	if err != nil {
		t.Fatal(err)
	}
	calls := f.drain()
	var (
		joined  []string
		pending = map[string]bool{}
	)
	for i, c := range calls {
		var p model.Post
		if err := json.Unmarshal([]byte(c.Body), &p); err != nil {
			t.Fatal(err)
		}
		// Ensures every part fits the post limit.
		if n := utf8.RuneCountInString(p.Message); n > maxPostRunes {
			t.Errorf("part %d: %d runes", i, n)
		}
		// Ensures the buttons are on the last part only.
		if last := i == len(calls)-1; (len(p.Attachments()) > 0) != last {
			t.Errorf("part %d: attachments %v", i, p.Attachments())
		}
		pending[p.PendingPostId] = true
		joined = append(joined, p.Message)
	}
	// Ensures the parts are posted in order, cut at line breaks (joining
	// them with one restores the text) and nothing is lost.
	if len(calls) != 3 || strings.Join(joined, "\n") != msg.Text {
		t.Errorf("%d parts, text preserved: %v", len(calls), strings.Join(joined, "\n") == msg.Text)
	}
	// Ensures each part has its own pending post ID (server dedupe).
	if len(pending) != len(calls) {
		t.Errorf("pending post ids not distinct: %v", pending)
	}
	// Ensures the ref is the last post, the one carrying the buttons.
	if ref.ID != "post3" {
		t.Errorf("ref = %+v", ref)
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
		t.Fatalf("%v (run go test ./bot/mattermost -update)", err)
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
	f := newFakeMM(t)
	m := newTestMM(t, f)
	f.set(func() {
		f.taken["crisis-2026-11-20-ransomware-bueroserver"] = true
		f.taken["crisis-2026-11-20-ransomware-bueroserver-2"] = true
	})
	room, err := m.CreateRoom(t.Context(), "crisis-2026-11-20 Ransomware Büroserver",
		[]string{"anna", "krisenstab-bot", "nobody", "@Bernd"})
	if err != nil {
		t.Fatal(err)
	}
	// Ensures a taken name is retried with -2, -3 and the room names the
	// channel as Mattermost links it.
	if want := (bot.Room{Platform: "mattermost", ID: "chnew", Name: "~crisis-2026-11-20-ransomware-bueroserver-3"}); room != want {
		t.Errorf("room = %+v, want %+v", room, want)
	}
	var names, members []string
	for _, c := range f.drain() {
		switch c.Route {
		case "POST /api/v4/channels":
			var ch model.Channel
			_ = json.Unmarshal([]byte(c.Body), &ch)
			names = append(names, ch.Name)
			// Ensures the room is private and in the configured team.
			if ch.Type != model.ChannelTypePrivate || ch.TeamId != testTeamID || ch.DisplayName == "" {
				t.Errorf("channel = %+v", ch)
			}
		case "POST /api/v4/channels/{id}/members":
			var in map[string]string
			_ = json.Unmarshal([]byte(c.Body), &in)
			members = append(members, c.Path+" "+in["user_id"])
		}
	}
	want := []string{"crisis-2026-11-20-ransomware-bueroserver", "crisis-2026-11-20-ransomware-bueroserver-2", "crisis-2026-11-20-ransomware-bueroserver-3"}
	if d := cmp.Diff(names, want); d != "" {
		t.Errorf("names tried (-got +want):\n%s", d)
	}
	// Ensures members are looked up by username and added by ID, without
	// the bot (the creator) and skipping an unknown name.
	wantMembers := []string{"/api/v4/channels/chnew/members uanna", "/api/v4/channels/chnew/members ubernd"}
	if d := cmp.Diff(members, wantMembers); d != "" {
		t.Errorf("members (-got +want):\n%s", d)
	}
}

func TestCreateRoomPublicAndLong(t *testing.T) {
	f := newFakeMM(t)
	m := newTestMM(t, f)
	m.cfg.Public = true
	long := strings.Repeat("x", 64)
	f.set(func() { f.taken[long] = true })
	room, err := m.CreateRoom(t.Context(), long, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Ensures the suffix still fits the 64-character limit.
	if want := "~" + strings.Repeat("x", 62) + "-2"; room.Name != want {
		t.Errorf("name = %q, want %q", room.Name, want)
	}
	// Ensures Public makes an open channel.
	for _, c := range f.drain() {
		var ch model.Channel
		_ = json.Unmarshal([]byte(c.Body), &ch)
		if ch.Type != model.ChannelTypeOpen {
			t.Errorf("type = %q", ch.Type)
		}
	}
}

func TestChannelName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"crisis-2026-11-20-ransomware", "crisis-2026-11-20-ransomware"},
		{"#Krise: Übung / Test!", "krise-uebung-test"},
		{"__x__", "x"},
		{"!!!", "crisis"},
	}
	for _, tt := range tests {
		// Ensures names are valid channel identifiers for the server.
		if got := channelName(tt.in); got != tt.want || !model.IsValidChannelIdentifier(got) {
			t.Errorf("channelName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDirectMessage(t *testing.T) {
	f := newFakeMM(t)
	m := newTestMM(t, f)
	for range 2 {
		ref, err := m.DirectMessage(t.Context(), "bernd", bot.Message{Text: "**Page**: you are needed"})
		if err != nil {
			t.Fatal(err)
		}
		// Ensures the DM lands in the direct channel of bot and user.
		if ref.Platform != "mattermost" || ref.Room != "dm-ubernd" || ref.ID == "" {
			t.Errorf("ref = %+v", ref)
		}
	}
	// Ensures the user and the channel are looked up once, then reused.
	calls := f.drain()
	want := []string{"GET /api/v4/users/username/{name}", "POST /api/v4/channels/direct", "POST /api/v4/posts", "POST /api/v4/posts"}
	if d := cmp.Diff(routes(calls), want); d != "" {
		t.Errorf("calls (-got +want):\n%s", d)
	}
	if calls[1].Body != `["botuserid","ubernd"]` {
		t.Errorf("direct body = %s", calls[1].Body)
	}
}

func TestReactions(t *testing.T) {
	f := newFakeMM(t)
	m := newTestMM(t, f)
	r := func(user, emoji string) *model.Reaction {
		return &model.Reaction{UserId: user, PostId: "post9", EmojiName: emoji, ChannelId: "chroom"}
	}
	f.set(func() {
		f.reactions["post9"] = []*model.Reaction{
			r(testBotID, "white_check_mark"), r("uanna", "white_check_mark"), r("ubernd", "heavy_check_mark"),
			r("uanna", "heavy_check_mark"), r("ubernd", "x"), r("uanna", "eyes"), r("uanna", "+1"),
		}
	})
	got, err := m.Reactions(t.Context(), bot.Room{ID: "chroom"}, "post9")
	if err != nil {
		t.Fatal(err)
	}
	// Ensures emoji are normalised, users are usernames, the bot's own
	// seeded ✅ is left out and one person counts once per emoji.
	want := []bot.ReactionSet{
		{Emoji: bot.ReactApprove, Users: []string{"anna", "bernd"}},
		{Emoji: bot.ReactReject, Users: []string{"bernd"}},
		{Emoji: bot.ReactReview, Users: []string{"anna"}},
		{Emoji: "+1", Users: []string{"anna"}},
	}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("reactions (-got +want):\n%s", d)
	}
	// Ensures user names are fetched once each (cache).
	var lookups int
	for _, c := range f.drain() {
		if c.Route == "GET /api/v4/users/{id}" {
			lookups++
		}
	}
	if lookups != 2 {
		t.Errorf("%d user lookups, want 2", lookups)
	}
}

func TestRateLimit(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		// Ensures Retry-After in seconds is honoured.
		{"retry-after", http.Header{"Retry-After": {"7"}}, 7 * time.Second},
		// Ensures an HTTP date is measured from the injected clock.
		{"retry-after date", http.Header{"Retry-After": {t0.Add(90 * time.Second).Format(http.TimeFormat)}}, 90 * time.Second},
		// Ensures the limiter's reset header serves when Retry-After is absent.
		{"reset", http.Header{"X-Ratelimit-Reset": {"3"}}, 3 * time.Second},
		// Ensures a bare 429 still says when to retry.
		{"no headers", http.Header{}, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeMM(t)
			m := newTestMM(t, f)
			f.set(func() { f.rateLimit["POST /api/v4/posts"] = tt.header })
			_, err := m.Post(t.Context(), bot.Room{ID: "chroom"}, bot.Message{Text: "hello"})
			var ra bot.RetryAfterError
			if !errors.As(err, &ra) {
				t.Fatalf("err = %v, want a bot.RetryAfterError", err)
			}
			if ra.RetryAfter() != tt.want {
				t.Errorf("RetryAfter = %s, want %s", ra.RetryAfter(), tt.want)
			}
		})
	}
	// Ensures other failures are plain errors naming the call.
	f := newFakeMM(t)
	m := newTestMM(t, f)
	f.set(func() { f.fail["POST /api/v4/posts"] = 403 })
	_, err := m.Post(t.Context(), bot.Room{ID: "chroom"}, bot.Message{Text: "hello"})
	var ra bot.RetryAfterError
	var ae *model.AppError
	if err == nil || errors.As(err, &ra) || !errors.As(err, &ae) || !strings.Contains(err.Error(), "create post") {
		t.Errorf("err = %v", err)
	}
}
