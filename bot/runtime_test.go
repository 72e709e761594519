package bot_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/krisenstab/krisenstab/bot"
	"github.com/krisenstab/krisenstab/bot/bottest"
	"github.com/krisenstab/krisenstab/crisis"
	"github.com/krisenstab/krisenstab/messages"
)

var t0 = time.Date(2026, 1, 16, 16, 40, 0, 0, time.UTC)

func config() bot.Config {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	acc := func(id string) map[string]string {
		return map[string]string{"slack": "U-" + id, "mattermost": id}
	}
	return bot.Config{Org: "Muster GmbH", Lang: messages.EN, Zone: berlin, Command: "crisis", Policy: crisis.DefaultPolicy(),
		People: []bot.Person{
			{ID: "anna", Name: "Anna", Roles: []crisis.Role{crisis.RoleLead}, Accounts: acc("anna")},
			{ID: "bernd", Name: "Bernd", Roles: []crisis.Role{crisis.RoleIT}, Lang: messages.DE, Accounts: map[string]string{"mattermost": "bernd"}},
			{ID: "eva", Name: "Eva", Roles: []crisis.Role{crisis.RoleLegal}, Accounts: acc("eva")},
		}}
}

type fixture struct {
	rt    *bot.Runtime
	disp  *bot.Dispatcher
	store *bottest.Store
	slack *bottest.Platform
	mm    *bottest.Platform
	clock *bottest.Clock
}

func newFixture(t *testing.T, clock bot.Clock) fixture {
	t.Helper()
	return newFixtureClock(t, clock, nil)
}

// newFixtureWith is newFixture with a changed configuration.
func newFixtureWith(t *testing.T, change func(*bot.Config)) fixture {
	t.Helper()
	return newFixtureClock(t, nil, change)
}

func newFixtureClock(t *testing.T, clock bot.Clock, change func(*bot.Config)) fixture {
	t.Helper()
	msgs, err := messages.New()
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{store: bottest.NewStore(), slack: &bottest.Platform{PlatformName: "slack"}, mm: &bottest.Platform{PlatformName: "mattermost"}}
	if clock == nil {
		f.clock = bottest.NewClock(t0)
		clock = f.clock
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := config()
	if change != nil {
		change(&cfg)
	}
	f.rt = bot.New(cfg, f.store, clock, log, msgs, f.slack, f.mm)
	f.disp = bot.NewDispatcher(f.rt)
	return f
}

func (f fixture) do(t *testing.T, platform, room, user, text string) bot.Reply {
	t.Helper()
	r := f.rt.Handle(context.Background(), bot.Event{Platform: platform, Room: room, User: user, Text: text})
	if _, err := f.disp.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestOneIncidentManyRooms ensures an incident opened on Slack gets a
// second room on Mattermost, commands work from both, and every post fans
// out to both rooms (DESIGN principle 4).
func TestOneIncidentManyRooms(t *testing.T) {
	f := newFixture(t, nil)
	r := f.do(t, "slack", "C-general", "U-anna", "start Ransomware")
	if !strings.Contains(r.Text, "crisis-2026-01-16-ransomware") {
		t.Fatalf("start reply: %q", r.Text)
	}
	room := "R-crisis-2026-01-16-ransomware"
	r = f.do(t, "slack", room, "U-anna", "room add mattermost")
	if !strings.Contains(r.Text, "mattermost") {
		t.Fatalf("room add reply: %q", r.Text)
	}
	if got := f.mm.Rooms(); len(got) != 1 {
		t.Fatalf("mattermost rooms: %v", got)
	}
	// Bernd has no Slack account: he works from the Mattermost room.
	f.do(t, "mattermost", room, "bernd", "log Firewall rules changed")
	count := func(p *bottest.Platform, s string) int {
		n := 0
		for _, m := range p.Sent() {
			if m.Room == room && strings.Contains(m.Text, s) {
				n++
			}
		}
		return n
	}
	if count(f.slack, "Firewall rules changed") != 1 || count(f.mm, "Firewall rules changed") != 1 {
		t.Fatalf("log not posted once to each room: slack %d, mattermost %d", count(f.slack, "Firewall rules changed"), count(f.mm, "Firewall rules changed"))
	}
	// Mentions take each platform's form; without an account there, the
	// person's name stands in.
	if count(f.mm, "<@bernd>: Firewall") != 1 || count(f.slack, "Bernd: Firewall") != 1 || count(f.slack, "<@U-anna>") == 0 {
		t.Errorf("mentions not rendered per platform")
	}
	// Bernd's DM went to Mattermost, in German.
	var dm []string
	for _, m := range f.mm.Sent() {
		if m.User == "bernd" {
			dm = append(dm, m.Text)
		}
	}
	if len(dm) == 0 || !strings.Contains(dm[0], "Sie wurden") {
		t.Errorf("bernd's DMs: %q", dm)
	}
	if r := f.do(t, "slack", room, "U-anna", "room add mattermost"); !strings.Contains(r.Text, "already belongs to this incident") {
		t.Errorf("second room on the same platform: %q", r.Text)
	}
	if r := f.do(t, "slack", room, "U-anna", "room add discord"); !strings.Contains(r.Text, "configured") {
		t.Errorf("unconfigured platform: %q", r.Text)
	}
}

// TestBadInputChangesNothing ensures unknown people, malformed commands,
// retries and forbidden actions are answered and leave the log untouched.
func TestBadInputChangesNothing(t *testing.T) {
	f := newFixture(t, nil)
	f.do(t, "slack", "C", "U-anna", "start Outage")
	room := "R-crisis-2026-01-16-outage"
	id := crisis.IncidentID("2026-01-16-outage")
	st, _, _ := f.store.Load(context.Background(), id)
	seq := st.LastSeq
	for _, tc := range []struct{ user, text, want string }{
		{"U-zoe", "log hello", "not in the crisis roster"},
		{"U-anna", "log", "Missing: the text"},
		{"U-anna", `log "open`, "quotation mark"},
		{"U-anna", "task x @nobody", "is not in the crisis roster"},
		{"U-anna", "aware 2026-03-29 02:30", "does not exist"},
		{"U-anna", "aware +1h", "lies in the future"},
		{"U-eva", "close", "needs the role Crisis lead or Management"},
		{"U-anna", "log " + strings.Repeat("x", 5000), "too long"},
		{"U-anna", "frobnicate", "Unknown command"},
	} {
		r := f.do(t, "slack", room, tc.user, tc.text)
		if !strings.Contains(r.Text, tc.want) || !r.Private {
			t.Errorf("%q by %s: reply %q, want %q (private)", tc.text, tc.user, r.Text, tc.want)
		}
	}
	r := f.rt.Handle(context.Background(), bot.Event{Platform: "slack", Room: room, User: "U-anna", Text: "log once", DedupeKey: "evt-1"})
	r2 := f.rt.Handle(context.Background(), bot.Event{Platform: "slack", Room: room, User: "U-anna", Text: "log once", DedupeKey: "evt-1"})
	if r.Text != "" || !strings.Contains(r2.Text, "already processed") {
		t.Errorf("retry: first %q, second %q", r.Text, r2.Text)
	}
	st, _, _ = f.store.Load(context.Background(), id)
	if st.LastSeq != seq+1 {
		t.Fatalf("log grew by %d events, want 1 (the deduplicated log)", st.LastSeq-seq)
	}
}

type rateLimited struct{ after time.Duration }

func (e rateLimited) Error() string             { return "rate limited" }
func (e rateLimited) RetryAfter() time.Duration { return e.after }

// TestDispatcherBackoff ensures a failing destination is retried after its
// backoff (or the platform's Retry-After), nothing is lost, and the order
// of its messages is kept while other destinations go on.
func TestDispatcherBackoff(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	f.do(t, "slack", "C", "U-anna", "start Outage")
	room := "R-crisis-2026-01-16-outage"
	f.do(t, "slack", room, "U-anna", "room add mattermost")
	before := len(f.slack.Sent())
	f.slack.FailNext(1, rateLimited{after: 7 * time.Second})
	f.rt.Handle(ctx, bot.Event{Platform: "slack", Room: room, User: "U-anna", Text: "log first"})
	f.rt.Handle(ctx, bot.Event{Platform: "slack", Room: room, User: "U-anna", Text: "log second"})
	wait, err := f.disp.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if wait != 7*time.Second {
		t.Errorf("retry in %v, want the platform's 7s", wait)
	}
	if len(f.slack.Sent()) != before {
		t.Fatalf("slack got messages while backed off")
	}
	mmTexts := ""
	for _, m := range f.mm.Sent() {
		mmTexts += m.Text
	}
	if !strings.Contains(mmTexts, "second") {
		t.Errorf("mattermost room was held up by slack's backoff")
	}
	f.clock.Advance(7 * time.Second)
	if _, err := f.disp.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range f.slack.Sent()[before:] {
		got = append(got, m.Text)
	}
	if len(got) != 2 || !strings.Contains(got[0], "first") || !strings.Contains(got[1], "second") {
		t.Fatalf("after backoff slack got %q, want first then second", got)
	}
	// Plain errors back off exponentially from 1s.
	f.slack.FailNext(2, errors.New("connection reset"))
	f.rt.Handle(ctx, bot.Event{Platform: "slack", Room: room, User: "U-anna", Text: "log third"})
	if w, _ := f.disp.Flush(ctx); w != time.Second {
		t.Errorf("first retry in %v, want 1s", w)
	}
	f.clock.Advance(time.Second)
	if w, _ := f.disp.Flush(ctx); w != 2*time.Second {
		t.Errorf("second retry in %v, want 2s", w)
	}
	f.clock.Advance(2 * time.Second)
	f.disp.Flush(ctx)
	if last := f.slack.Sent(); !strings.Contains(last[len(last)-1].Text, "third") {
		t.Errorf("third never delivered")
	}
}

// TestSchedulerTimers runs the real scheduler and dispatcher goroutines in
// a synctest bubble: reminders arrive exactly at their ladder instants
// (-1h, -15m, due, +30m), and between them every goroutine sleeps (no
// polling: synctest.Wait returns only when all are durably blocked).
func TestSchedulerTimers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, bot.SystemClock{})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go bot.NewScheduler(f.rt).Run(ctx)
		go f.disp.Run(ctx)
		start := time.Now()
		room := "R-crisis-" + start.In(time.UTC).Format("2006-01-02") + "-outage"
		f.rt.Handle(ctx, bot.Event{Platform: "slack", Room: "C", User: "U-anna", Text: "start Outage"})
		f.rt.Handle(ctx, bot.Event{Platform: "slack", Room: room, User: "U-anna", Text: `task "Call provider" @eva --due +2h`})
		synctest.Wait()
		type ping struct {
			at   time.Duration
			text string
		}
		var pings []ping
		seen := len(f.slack.Sent())
		collect := func() {
			for _, m := range f.slack.Sent()[seen:] {
				if m.Room == room && strings.Contains(m.Text, "task #14") {
					pings = append(pings, ping{time.Since(start), m.Text})
				}
			}
			seen = len(f.slack.Sent())
		}
		for range 150 { // 2 h 30 min in 1-minute steps
			time.Sleep(time.Minute)
			synctest.Wait()
			collect()
		}
		want := []time.Duration{time.Hour, 105 * time.Minute, 2 * time.Hour, 150 * time.Minute}
		if len(pings) != len(want) {
			t.Fatalf("got %d pings %v, want at %v", len(pings), pings, want)
		}
		for i, p := range pings {
			if p.at != want[i] {
				t.Errorf("ping %d at +%v, want +%v: %s", i, p.at, want[i], p.text)
			}
		}
		if !strings.Contains(pings[2].text, "Due now") || !strings.Contains(pings[2].text, "<@U-anna>") {
			t.Errorf("at due the lead is pinged too: %s", pings[2].text)
		}
		f.do(t, "slack", room, "U-eva", "done 14")
		cancel()
	})
}
