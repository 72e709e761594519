package slack

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/krisenstab/krisenstab/bot"
	"github.com/krisenstab/krisenstab/bot/bottest"
	"github.com/krisenstab/krisenstab/crisis"
	"github.com/krisenstab/krisenstab/messages"
)

// e2e is the whole bot on Slack: the real runtime and dispatcher, the
// adapter's HTTP endpoints with signed requests, and the fake Slack API.
type e2e struct {
	rig   *httpRig
	rt    *bot.Runtime
	disp  *bot.Dispatcher
	store *bottest.Store
	calls []call
	n     int // event counter for unique event IDs
}

const incident = crisis.IncidentID("2026-11-20-ransomware")

func newE2E(t *testing.T) *e2e {
	t.Helper()
	f := newFakeSlack(t, nil)
	s, clock := newTestSlack(t, f, ModeHTTP)
	msgs, err := messages.New()
	if err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	acc := func(u string) map[string]string { return map[string]string{Name: u} }
	cfg := bot.Config{Org: "Muster GmbH", Lang: messages.EN, Zone: berlin, Command: "crisis", Policy: crisis.DefaultPolicy(),
		People: []bot.Person{
			{ID: "anna", Name: "Anna", Roles: []crisis.Role{crisis.RoleLead}, Accounts: acc("UANNA")},
			{ID: "dirk", Name: "Dirk", Roles: []crisis.Role{crisis.RoleMgmt}, Accounts: acc("UDIRK")},
			{ID: "eva", Name: "Eva", Roles: []crisis.Role{crisis.RoleLegal, crisis.RoleReporter}, Accounts: acc("UEVA")},
			{ID: "carla", Name: "Carla", Roles: []crisis.Role{crisis.RoleComms}, Accounts: acc("UCARLA")},
		},
		Publish: map[string][]crisis.Room{
			"staff":    {{Platform: Name, ID: "CSTAFF", Name: "#alle"}},
			"customer": {{Platform: Name, ID: "CKUNDEN", Name: "#kunden"}},
		}}
	st := bottest.NewStore()
	rt := bot.New(cfg, st, clock, slog.New(slog.NewTextHandler(io.Discard, nil)), msgs, s)
	ctx, cancel := context.WithCancel(t.Context())
	srv := httptest.NewServer(s.httpHandler(ctx, rt))
	t.Cleanup(func() {
		srv.Close()
		cancel()
		s.work.Wait()
	})
	return &e2e{rig: &httpRig{f: f, s: s, url: srv.URL, clock: clock}, rt: rt, disp: bot.NewDispatcher(rt), store: st}
}

// settle waits for the adapter's work and delivers the outbox, then
// collects the calls Slack received.
func (e *e2e) settle(t *testing.T) {
	t.Helper()
	e.rig.s.work.Wait()
	if _, err := e.disp.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	e.calls = append(e.calls, e.rig.f.drain()...)
}

func (e *e2e) slash(t *testing.T, user, channel, text string) string {
	t.Helper()
	body := url.Values{"command": {"/crisis"}, "text": {text}, "user_id": {user}, "channel_id": {channel},
		"team_id": {"T1"}, "trigger_id": {"trig-" + user + "-" + text}, "response_url": {e.rig.f.responseURL()}}.Encode()
	status, resp := e.rig.do(t, request{path: PathCommands, body: body})
	if status != 200 {
		t.Fatalf("slash %q: %d %s", text, status, resp)
	}
	e.settle(t)
	return resp
}

func (e *e2e) react(t *testing.T, user, channel, ts, name string) {
	t.Helper()
	e.n++
	body := eventBody(t, "Ev"+strconv.Itoa(e.n), map[string]any{
		"type": "reaction_added", "user": user, "reaction": name, "item_user": testBotUser, "event_ts": "1700000100.000200",
		"item": map[string]any{"type": "message", "channel": channel, "ts": ts}})
	if status, resp := e.rig.do(t, request{path: PathEvents, body: body, contentType: "application/json"}); status != 200 {
		t.Fatalf("reaction: %d %s", status, resp)
	}
	e.settle(t)
}

func (e *e2e) press(t *testing.T, user, channel, ts, action string) {
	t.Helper()
	payload := mustJSON(t, map[string]any{
		"type": "block_actions", "trigger_id": "trig", "response_url": e.rig.f.responseURL(),
		"user":      map[string]any{"id": user},
		"channel":   map[string]any{"id": channel},
		"container": map[string]any{"type": "message", "message_ts": ts, "channel_id": channel},
		"message":   map[string]any{"ts": ts},
		"actions": []any{map[string]any{"type": "button", "action_id": action, "block_id": actionsBlockID,
			"value": action, "action_ts": "1700000200." + strings.Repeat("3", 6)}},
	})
	body := url.Values{"payload": {payload}}.Encode()
	if status, resp := e.rig.do(t, request{path: PathInteractivity, body: body}); status != 200 {
		t.Fatalf("button: %d %s", status, resp)
	}
	e.settle(t)
}

func (e *e2e) state(t *testing.T) crisis.State {
	t.Helper()
	st, ok, err := e.store.Load(t.Context(), incident)
	if err != nil || !ok {
		t.Fatalf("load: %v %v", ok, err)
	}
	return st
}

// postOf is the Slack ts of the post carrying the current revision of a
// draft in the incident channel.
func (e *e2e) postOf(t *testing.T, draft int) string {
	t.Helper()
	st := e.state(t)
	d := st.Draft(draft)
	for i := len(d.Posts) - 1; i >= 0; i-- {
		if d.Posts[i].Rev == d.Current().Rev {
			return d.Posts[i].Ref
		}
	}
	t.Fatalf("draft %d revision %d not posted", draft, d.Current().Rev)
	return ""
}

func (e *e2e) find(method string, match func(call) bool) []call {
	var out []call
	for _, c := range e.calls {
		if c.Method == method && (match == nil || match(c)) {
			out = append(out, c)
		}
	}
	return out
}

func staffDraft() string {
	return "**Information for all staff** **What happened:** File servers encrypted. " +
		"**What it means for your work:** Use paper forms. **Do and don't:** Switch nothing off. " +
		"**Contact:** crisis team, phone +49 170 1111111 **Next update:** Sat 2026-11-21 09:00 CET " +
		"**Where the next update comes:** notice board"
}

func customerDraft() string {
	return "**Security incident at Muster GmbH** We are sorry to tell you about a security incident. " +
		"**What happened:** Our file servers were encrypted. **Time of detection:** Fri 2026-11-20 17:40 CET (16:40 UTC) " +
		"**Affected systems:** file servers **Affected services:** order intake **Affected data:** unknown " +
		"**Impact:** Orders are taken by phone. **Measures taken:** We isolated the systems. " +
		"**What you should do:** No action needed. **How to recognise genuine messages from us:** We never ask for passwords. " +
		"**Next update:** Sat 2026-11-21 09:00 CET **Contact:** crisis team, phone +49 170 1111111"
}

// TestEndToEnd: /crisis start creates a private channel and invites the
// roster; a staff notice is approved by ✅ after a non-approver's ✅ was
// answered privately and ignored; it is published to the staff channel.
// Then a customer notice is released with the Approve buttons by lead and
// management and published to the customer channel.
func TestEndToEnd(t *testing.T) {
	e := newE2E(t)
	resp := e.slash(t, "UANNA", "CGENERAL", "start Ransomware")
	if !strings.Contains(resp, "crisis-2026-11-20-ransomware") {
		t.Fatalf("start answered %s", resp)
	}
	create := e.find("conversations.create", nil)
	if len(create) != 1 || create[0].Form.Get("name") != "crisis-2026-11-20-ransomware" || create[0].Form.Get("is_private") != "true" {
		t.Fatalf("conversations.create = %+v", create)
	}
	inv := e.find("conversations.invite", nil)
	if len(inv) != 1 {
		t.Fatalf("conversations.invite calls = %+v", inv)
	}
	users := strings.Split(inv[0].Form.Get("users"), ",")
	slices.Sort(users)
	if !slices.Equal(users, []string{"UANNA", "UCARLA", "UDIRK", "UEVA"}) {
		t.Fatalf("invited %v", users)
	}
	room := "G0NEW"
	if len(e.find("chat.postMessage", func(c call) bool { return c.Form.Get("channel") == room })) == 0 {
		t.Fatal("nothing posted in the incident channel")
	}

	e.slash(t, "UCARLA", room, "draft staff")
	e.slash(t, "UCARLA", room, "edit D1 "+staffDraft())
	ts := e.postOf(t, 1)
	if posts := e.find("chat.postMessage", func(c call) bool { return strings.Contains(c.Form.Get("blocks"), `"action_id":"approve"`) }); len(posts) < 2 {
		t.Fatalf("draft revisions not posted with Approve buttons: %d", len(posts))
	}
	e.react(t, "UEVA", room, ts, "white_check_mark")
	if notes := e.find("chat.postEphemeral", func(c call) bool {
		return c.Form.Get("user") == "UEVA" && strings.Contains(c.Form.Get("text"), "does not count")
	}); len(notes) != 1 {
		t.Fatalf("non-approver not told privately: %+v", e.find("chat.postEphemeral", nil))
	}
	if st := e.state(t); st.Draft(1).Released != nil {
		t.Fatal("released by a non-approver")
	}
	e.react(t, testBotUser, room, ts, "white_check_mark") // the bot's own seeded reaction
	if st := e.state(t); st.Draft(1).Released != nil {
		t.Fatal("released by the bot's own reaction")
	}
	e.react(t, "UANNA", room, ts, "white_check_mark")
	st := e.state(t)
	if st.Draft(1).Released == nil {
		t.Fatal("✅ by the lead did not release the staff notice")
	}
	published := e.find("chat.postMessage", func(c call) bool { return c.Form.Get("channel") == "CSTAFF" })
	if len(published) != 1 || published[0].Form.Get("text") != mrkdwn(st.Draft(1).Current().Text) {
		t.Fatalf("staff channel got %+v, want exactly revision 2", published)
	}

	e.slash(t, "UCARLA", room, "set next_update_at Sat 2026-11-21 09:00 CET")
	e.slash(t, "UCARLA", room, "draft customer")
	e.slash(t, "UCARLA", room, "edit D2 "+customerDraft())
	ts = e.postOf(t, 2)
	e.press(t, "UANNA", room, ts, bot.ReactApprove)
	if st := e.state(t); st.Draft(2).Released != nil {
		t.Fatal("customer notice released by one of lead + management")
	}
	e.press(t, "UDIRK", room, ts, bot.ReactApprove)
	st = e.state(t)
	if d := st.Draft(2); d.Released == nil {
		t.Fatalf("customer notice not released by the buttons; revision findings: %+v", d.Current().Findings)
	}
	if p := e.find("chat.postMessage", func(c call) bool { return c.Form.Get("channel") == "CKUNDEN" }); len(p) != 1 {
		t.Fatalf("customer channel got %d posts", len(p))
	}
}

// TestReconcileAfterReconnect: an approval given while the bot was not
// connected is found by reading the reactions of pending drafts on the
// next (re)connect, once.
func TestReconcileAfterReconnect(t *testing.T) {
	e := newE2E(t)
	e.slash(t, "UANNA", "CGENERAL", "start Ransomware")
	room := "G0NEW"
	e.slash(t, "UCARLA", room, "draft staff")
	e.slash(t, "UCARLA", room, "edit D1 "+staffDraft())
	ts := e.postOf(t, 1)
	// While disconnected, anna reacted ✅ and the bot seeded its own ✅.
	e.rig.f.set(func() {
		e.rig.f.reactions[ts] = `[{"name":"white_check_mark","count":2,"users":["UANNA","` + testBotUser + `"]},{"name":"eyes","count":1,"users":["UEVA"]}]`
	})
	if err := e.rt.Reconcile(t.Context(), Name); err != nil {
		t.Fatal(err)
	}
	e.settle(t)
	st := e.state(t)
	d := st.Draft(1)
	if d.Released == nil || len(d.Released.Approvers) != 1 || d.Released.Approvers[0] != "anna" {
		t.Fatalf("reconcile did not release by anna's ✅: %+v", d.Released)
	}
	seq := st.LastSeq
	if err := e.rt.Reconcile(t.Context(), Name); err != nil {
		t.Fatal(err)
	}
	if st := e.state(t); st.LastSeq != seq {
		t.Fatalf("second reconcile wrote %d events", st.LastSeq-seq)
	}
	if got := e.find("reactions.get", nil); len(got) != 1 || got[0].Form.Get("timestamp") != ts {
		t.Fatalf("reactions.get calls = %+v (released drafts are not read again)", got)
	}
}
