package mattermost_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/krisenstab/krisenstab/bot"
	"github.com/krisenstab/krisenstab/bot/mattermost"
	"github.com/krisenstab/krisenstab/crisis"
	"github.com/krisenstab/krisenstab/messages"
	"github.com/krisenstab/krisenstab/store"
)

// running is the bot in this process: runtime, dispatcher, scheduler and
// the adapter, on a store that outlives restarts.
type running struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	err    error
}

func (w *world) startBot(t *testing.T, st *store.Store) *running {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("KRISENSTAB_E2E_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	mm, err := mattermost.New(mattermost.Config{URL: w.srv.URL, BotToken: w.botToken, CommandToken: w.cmdToken,
		Team: "muster", Listen: fmt.Sprintf("127.0.0.1:%d", w.botPort), PublicURL: w.botURL, Command: "crisis",
		Clock: bot.SystemClock{}}, log)
	step(t, "configure the adapter", err)
	msgs, err := messages.New()
	step(t, "load templates", err)
	acc := func(u string) map[string]string { return map[string]string{mattermost.Name: u} }
	cfg := bot.Config{Org: "Muster GmbH", Lang: messages.EN, Zone: time.UTC, Command: "crisis", Policy: crisis.DefaultPolicy(),
		People: []bot.Person{
			{ID: "anna", Name: "Anna", Roles: []crisis.Role{crisis.RoleLead}, Accounts: acc("anna")},
			{ID: "dirk", Name: "Dirk", Roles: []crisis.Role{crisis.RoleMgmt}, Accounts: acc("dirk")},
			{ID: "eva", Name: "Eva", Roles: []crisis.Role{crisis.RoleLegal, crisis.RoleReporter}, Accounts: acc("eva")},
			{ID: "carla", Name: "Carla", Roles: []crisis.Role{crisis.RoleComms}, Accounts: acc("carla")},
		},
		Publish: map[string][]crisis.Room{
			"staff":    {{Platform: mattermost.Name, ID: w.channels["alle"].ID, Name: "~alle"}},
			"customer": {{Platform: mattermost.Name, ID: w.channels["kunden"].ID, Name: "~kunden"}},
		}}
	rt := bot.New(cfg, st, bot.SystemClock{}, log, msgs, mm)
	disp := bot.NewDispatcher(rt)
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{cancel: cancel}
	r.wg.Go(func() { _ = disp.Run(ctx) })
	r.wg.Go(func() { _ = bot.NewScheduler(rt).Run(ctx) })
	r.wg.Go(func() { r.err = mm.Run(ctx, rt) })
	t.Cleanup(r.stop)
	// The bot is up when its command endpoint answers (401 without token).
	w.eventually(t, "the bot's HTTP endpoint answers", func() bool {
		resp, err := http.Post(w.botURL+mattermost.PathCommand, "application/x-www-form-urlencoded", nil)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return true
	})
	return r
}

func (r *running) stop() {
	r.cancel()
	r.wg.Wait()
}

// eventually polls cond; the deadline only names what never happened.
func (w *world) eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("mattermost e2e: %s did not happen within 60 s\nserver log tail:\n%s", what, tail(w.srv.logs.Bytes(), 2000))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// run executes a slash command as a user through the server, as the
// Mattermost client does.
func (w *world) run(t *testing.T, as *api, channel, text string) {
	t.Helper()
	as.must("execute /crisis "+strings.Fields(text)[0], http.MethodPost, "/commands/execute",
		map[string]string{"channel_id": channel, "team_id": w.team.ID, "command": "/crisis " + text}, nil)
}

func (w *world) react(t *testing.T, as *api, user, post, emoji string) {
	t.Helper()
	as.must(user+" reacts :"+emoji+":", http.MethodPost, "/reactions",
		map[string]string{"user_id": w.users[user].ID, "post_id": post, "emoji_name": emoji}, nil)
}

type postList struct {
	Order []string `json:"order"`
	Posts map[string]struct {
		ID      string         `json:"id"`
		Message string         `json:"message"`
		UserID  string         `json:"user_id"`
		Props   map[string]any `json:"props"`
	} `json:"posts"`
}

func (w *world) posts(t *testing.T, channel string) postList {
	t.Helper()
	var pl postList
	w.admin.must("read posts", http.MethodGet, "/channels/"+channel+"/posts?per_page=200", nil, &pl)
	return pl
}

func (w *world) draft(t *testing.T, st *store.Store, id crisis.IncidentID, n int) (crisis.Draft, bool) {
	t.Helper()
	s, ok, err := st.Load(context.Background(), id)
	if err != nil || !ok || s.Draft(n) == nil {
		return crisis.Draft{}, false
	}
	return *s.Draft(n), true
}

// actionID finds the button for action; the server hides the integration
// context from readers, so the adapter names buttons by their action.
func (w *world) actionID(t *testing.T, post, action string) string {
	t.Helper()
	var p struct {
		Props struct {
			Attachments []struct {
				Actions []struct {
					ID string `json:"id"`
				} `json:"actions"`
			} `json:"attachments"`
		} `json:"props"`
	}
	w.admin.must("read the draft post", http.MethodGet, "/posts/"+post, nil, &p)
	for _, a := range p.Props.Attachments {
		for _, act := range a.Actions {
			if act.ID == action {
				return act.ID
			}
		}
	}
	t.Fatalf("post %s has no %s button: %+v", post, action, p.Props)
	return ""
}

func staffText() string {
	return "**Information for all staff** **What happened:** File servers encrypted. " +
		"**What it means for your work:** Use paper forms. **Do and don't:** Switch nothing off. " +
		"**Contact:** crisis team, phone +49 170 1111111 **Next update:** Sat 2026-11-21 09:00 CET " +
		"**Where the next update comes:** notice board"
}

func customerText(detected string) string {
	return "**Security incident at Muster GmbH** We are sorry to tell you about a security incident. " +
		"**What happened:** Our file servers were encrypted. **Time of detection:** " + detected + " " +
		"**Affected systems:** file servers **Affected services:** order intake **Affected data:** unknown " +
		"**Impact:** Orders are taken by phone. **Measures taken:** We isolated the systems. " +
		"**What you should do:** No action needed. **How to recognise genuine messages from us:** We never ask for passwords. " +
		"**Next update:** Sat 2026-11-21 09:00 CET **Contact:** crisis team, phone +49 170 1111111"
}

// TestMattermostEndToEnd runs the bot against the real server: a slash
// command as a user opens the incident (private channel, roster added,
// checklist posted); a staff notice is drafted, a non-approver's ✅ does not
// count, the lead's ✅ releases it and it appears in ~alle; then the bot is
// stopped, lead and management react ✅ on the customer notice while it is
// down, and after the restart the reconcile step releases it to ~kunden.
func TestMattermostEndToEnd(t *testing.T) {
	w := setup(t)
	st, err := store.Open(t.TempDir(), store.Options{})
	step(t, "open the bot's store", err)
	t.Cleanup(func() { st.Close() })
	b := w.startBot(t, st)

	anna := login(t, w.srv.URL, "anna", password)
	carla := login(t, w.srv.URL, "carla", password)
	eva := login(t, w.srv.URL, "eva", password)
	dirk := login(t, w.srv.URL, "dirk", password)

	w.run(t, anna, w.town.ID, "start Ransomware")
	id := crisis.IncidentID(time.Now().UTC().Format("2006-01-02") + "-ransomware")
	var room idObj
	w.eventually(t, "the incident channel is created", func() bool {
		_, err := w.admin.do(http.MethodGet, "/teams/"+w.team.ID+"/channels/name/crisis-"+string(id), nil, &room)
		return err == nil
	})
	var ch struct {
		Type string `json:"type"`
	}
	w.admin.must("read the incident channel", http.MethodGet, "/channels/"+room.ID, nil, &ch)
	if ch.Type != "P" {
		t.Errorf("incident channel type %q, want private (P)", ch.Type)
	}
	w.eventually(t, "the roster is added to the incident channel", func() bool {
		var members []idObj
		if _, err := w.admin.do(http.MethodGet, "/channels/"+room.ID+"/members", nil, &members); err != nil {
			return false
		}
		var have []string
		for _, m := range members {
			have = append(have, m.UserID)
		}
		for _, u := range w.users {
			if !slices.Contains(have, u.ID) {
				return false
			}
		}
		return true
	})
	w.eventually(t, "the first-hour checklist is posted", func() bool {
		for _, p := range w.posts(t, room.ID).Posts {
			if strings.Contains(p.Message, "FH-01") {
				return true
			}
		}
		return false
	})

	// Staff notice: eva (legal) may not release it, anna (lead) may.
	w.run(t, carla, room.ID, "draft staff")
	w.run(t, carla, room.ID, "edit D1 "+staffText())
	var post string
	w.eventually(t, "revision 2 of the staff notice is posted", func() bool {
		d, ok := w.draft(t, st, id, 1)
		if !ok || len(d.Revs) < 2 {
			return false
		}
		for _, p := range d.Posts {
			if p.Rev == 2 {
				post = p.Ref
			}
		}
		return post != ""
	})
	var pl postList
	w.admin.must("read the draft post", http.MethodGet, "/posts/"+post+"/thread", nil, &pl)
	if atts, _ := pl.Posts[post].Props["attachments"].([]any); len(atts) == 0 {
		t.Errorf("draft post has no attachment with buttons: %+v", pl.Posts[post].Props)
	}
	w.react(t, eva, "eva", post, "white_check_mark")
	w.react(t, anna, "anna", post, "white_check_mark")
	w.eventually(t, "the lead's ✅ releases the staff notice", func() bool {
		d, _ := w.draft(t, st, id, 1)
		return d.Released != nil
	})
	if d, _ := w.draft(t, st, id, 1); !slices.Equal(d.Released.Approvers, []crisis.PersonID{"anna"}) {
		t.Errorf("released by %v, want anna only (eva's ✅ must not count)", d.Released.Approvers)
	}
	w.eventually(t, "the staff notice is published in ~alle", func() bool {
		for _, p := range w.posts(t, w.channels["alle"].ID).Posts {
			if strings.Contains(p.Message, "File servers encrypted") {
				return true
			}
		}
		return false
	})

	// Customer notice, approved while the bot is down.
	s, _, _ := st.Load(context.Background(), id)
	detected := messages.FormatInstant(messages.EN, time.UTC, s.Detected.At)
	w.run(t, carla, room.ID, "set next_update_at Sat 2026-11-21 09:00 CET")
	w.run(t, carla, room.ID, "draft customer")
	w.run(t, carla, room.ID, "edit D2 "+customerText(detected))
	post = ""
	w.eventually(t, "revision 2 of the customer notice is posted", func() bool {
		d, ok := w.draft(t, st, id, 2)
		if !ok || len(d.Revs) < 2 {
			return false
		}
		for _, p := range d.Posts {
			if p.Rev == 2 {
				post = p.Ref
			}
		}
		return post != ""
	})
	b.stop()
	w.react(t, anna, "anna", post, "white_check_mark")
	w.react(t, dirk, "dirk", post, "white_check_mark")
	if d, _ := w.draft(t, st, id, 2); d.Released != nil {
		t.Fatal("released while the bot was stopped")
	}
	w.startBot(t, st)
	w.eventually(t, "the reconcile after the restart releases the customer notice", func() bool {
		d, _ := w.draft(t, st, id, 2)
		return d.Released != nil
	})
	if d, _ := w.draft(t, st, id, 2); len(d.Released.Approvers) != 2 {
		t.Errorf("customer notice approvers %v, want anna and dirk", d.Released.Approvers)
	}
	w.eventually(t, "the customer notice is published in ~kunden", func() bool {
		for _, p := range w.posts(t, w.channels["kunden"].ID).Posts {
			if strings.Contains(p.Message, "Our file servers were encrypted") {
				return true
			}
		}
		return false
	})

	// A status update released with the Approve button: the server calls
	// the bot's action URL with the context the bot put on the button.
	w.run(t, carla, room.ID, "draft update")
	w.run(t, carla, room.ID, "edit D3 **Status update** **Update no.:** 1 **As of:** "+detected+" **Current status:** contained "+
		"**Changes since the last report:** none **Impact:** Orders by phone. **What you should do:** nothing "+
		"**Measures taken:** Systems are being restored from backups. "+
		"**Next update:** Sat 2026-11-21 09:00 CET **Contact:** crisis team, phone +49 170 1111111")
	post = ""
	w.eventually(t, "the status update is posted with buttons", func() bool {
		d, ok := w.draft(t, st, id, 3)
		if !ok || len(d.Revs) < 2 {
			return false
		}
		for _, p := range d.Posts {
			if p.Rev == 2 {
				post = p.Ref
			}
		}
		return post != ""
	})
	approveID := w.actionID(t, post, "approve")
	if _, err := eva.do(http.MethodPost, "/posts/"+post+"/actions/"+approveID, map[string]string{}, nil); err != nil {
		t.Fatalf("eva presses Approve: %v", err)
	}
	if _, err := anna.do(http.MethodPost, "/posts/"+post+"/actions/"+approveID, map[string]string{}, nil); err != nil {
		t.Fatalf("anna presses Approve: %v", err)
	}
	w.eventually(t, "the Approve button releases the status update", func() bool {
		d, _ := w.draft(t, st, id, 3)
		return d.Released != nil
	})
	if d, _ := w.draft(t, st, id, 3); !slices.Equal(d.Released.Approvers, []crisis.PersonID{"anna"}) {
		t.Errorf("status update released by %v, want anna (eva is no approver)", d.Released.Approvers)
	}

	// Bad input straight at the bot: nothing changes.
	before, _, _ := st.Load(context.Background(), id)
	for _, c := range []struct {
		name, path, ctype, auth, body string
		want                          int
	}{
		{"forged token", mattermost.PathCommand, "application/x-www-form-urlencoded", "Token forged",
			url.Values{"channel_id": {room.ID}, "user_name": {"anna"}, "command": {"/crisis"}, "text": {"log forged"}}.Encode(), 401},
		{"no token", mattermost.PathCommand, "application/x-www-form-urlencoded", "",
			url.Values{"channel_id": {room.ID}, "user_name": {"anna"}, "command": {"/crisis"}, "text": {"log forged"}}.Encode(), 401},
		{"missing fields", mattermost.PathCommand, "application/x-www-form-urlencoded", "Token " + w.cmdToken, "text=log+x", 400},
		{"malformed action", mattermost.PathActions, "application/json", "", `{"post_id":`, 400},
	} {
		req, _ := http.NewRequest(http.MethodPost, w.botURL+c.path, strings.NewReader(c.body))
		req.Header.Set("Content-Type", c.ctype)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		step(t, "send "+c.name, err)
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s: status %d, want %d", c.name, resp.StatusCode, c.want)
		}
	}
	if after, _, _ := st.Load(context.Background(), id); after.LastSeq != before.LastSeq {
		t.Errorf("bad input changed the incident: %d events added", after.LastSeq-before.LastSeq)
	}
	_ = b
}
