package slack

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/krisenstab/krisenstab/bot"
)

func TestSignatureVector(t *testing.T) {
	// Slack's published example ("Verifying requests from Slack").
	const (
		ts   = "1531420618"
		body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
		sig  = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
	)
	h := http.Header{}
	h.Set(headerTimestamp, ts)
	h.Set(headerSignature, sig)
	sent := time.Unix(1531420618, 0)
	tests := []struct {
		name string
		now  time.Time
		body string
		want error
	}{
		// Ensures our verifier accepts Slack's own signature in its window.
		{"valid", sent.Add(time.Minute), body, nil},
		// Ensures 5 minutes of clock skew either way are tolerated.
		{"edge", sent.Add(-5 * time.Minute), body, nil},
		// Ensures a replay after the window is refused.
		{"replayed", sent.Add(5*time.Minute + time.Second), body, errExpiredTimestamp},
		// Ensures a changed body is refused.
		{"tampered", sent, body + "x", errInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := verify(h, []byte(tt.body), testSecret, tt.now); err != tt.want {
				t.Errorf("verify = %v, want %v", err, tt.want)
			}
		})
	}
	if got := "v0=" + hex.EncodeToString(signature(testSecret, ts, []byte(body))); got != sig {
		t.Errorf("signature = %s, want %s", got, sig)
	}
}

func TestSignMatchesLibrary(t *testing.T) {
	// Ensures the signing the tests use is what slack-go's own verifier
	// accepts (it reads the wall clock, hence a fresh timestamp here).
	body := "command=%2Fcrisis&text=status"
	h := http.Header{}
	sign(h, testSecret, time.Now(), body)
	sv, err := slack.NewSecretsVerifier(h, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sv.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := sv.Ensure(); err != nil {
		t.Errorf("slack-go rejects our signature: %v", err)
	}
}

// httpRig is the HTTP mode under test: the adapter's handler on a real
// server, a fake Slack for its Web API calls, and a recording Handler.
type httpRig struct {
	f     *fakeSlack
	s     *Slack
	rec   *recorder
	url   string
	clock interface{ Advance(time.Duration) }
}

func newHTTPRig(t *testing.T, reply func(bot.Event) bot.Reply) *httpRig {
	t.Helper()
	f := newFakeSlack(t, nil)
	s, clock := newTestSlack(t, f, ModeHTTP)
	rec := newRecorder(reply)
	ctx, cancel := context.WithCancel(t.Context())
	srv := httptest.NewServer(s.httpHandler(ctx, rec))
	t.Cleanup(func() {
		srv.Close()
		cancel()
		s.work.Wait()
	})
	return &httpRig{f: f, s: s, rec: rec, url: srv.URL, clock: clock}
}

// request is one request to the adapter's endpoints.
type request struct {
	method, path, body string
	contentType        string
	secret             string        // "" means testSecret
	age                time.Duration // how long before the clock's now it was signed
	unsigned           bool
	query              string
}

// do sends rq and waits for all work it started, so that what the test
// checks afterwards is complete.
func (r *httpRig) do(t *testing.T, rq request) (int, string) {
	t.Helper()
	status, body, err := r.send(t.Context(), rq)
	if err != nil {
		t.Fatal(err)
	}
	r.s.work.Wait()
	return status, body
}

// send signs and sends rq; safe to call from any goroutine.
func (r *httpRig) send(ctx context.Context, rq request) (int, string, error) {
	if rq.method == "" {
		rq.method = http.MethodPost
	}
	if rq.contentType == "" {
		rq.contentType = "application/x-www-form-urlencoded"
	}
	u := r.url + rq.path
	if rq.query != "" {
		u += "?" + rq.query
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, u, strings.NewReader(rq.body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", rq.contentType)
	if !rq.unsigned {
		secret := rq.secret
		if secret == "" {
			secret = testSecret
		}
		sign(req.Header, secret, t0.Add(-rq.age), rq.body)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func slashBody(f *fakeSlack, command, text string) string {
	return url.Values{
		"command": {command}, "text": {text}, "user_id": {"U1"}, "user_name": {"anna"},
		"channel_id": {"G1"}, "team_id": {"T1"}, "trigger_id": {"13345224609.738474920.8088930838d88f008e0"},
		"response_url": {f.responseURL()},
	}.Encode()
}

func TestHTTPSlashCommand(t *testing.T) {
	rig := newHTTPRig(t, func(ev bot.Event) bot.Reply {
		return bot.Reply{Text: "**Task created** for <@U2>", Private: ev.Text != "status"}
	})
	good := slashBody(rig.f, "/crisis", "task Backup prüfen <@U2|bernd> --due 21:00")
	wantEvent := bot.Event{Platform: "slack", Room: "G1", User: "U1", Text: "task Backup prüfen @U2 --due 21:00",
		DedupeKey: "slack:cmd:13345224609.738474920.8088930838d88f008e0"}
	tests := []struct {
		name       string
		rq         request
		wantStatus int
		wantBody   map[string]any // decoded JSON; nil: not checked
		wantEvents []bot.Event
	}{
		// Ensures a signed command reaches Handle normalised and the reply
		// rides on the acknowledgement, ephemeral when private.
		{"valid", request{path: PathCommands, body: good}, 200,
			map[string]any{"response_type": "ephemeral", "text": "*Task created* for <@U2>"}, []bot.Event{wantEvent}},
		// Ensures a public reply is shown in the channel.
		{"public reply", request{path: PathCommands, body: slashBody(rig.f, "/crisis", "status")}, 200,
			map[string]any{"response_type": "in_channel", "text": "*Task created* for <@U2>"},
			[]bot.Event{{Platform: "slack", Room: "G1", User: "U1", Text: "status", DedupeKey: wantEvent.DedupeKey}}},
		// Ensures a request signed with another secret is refused unseen.
		{"forged", request{path: PathCommands, body: good, secret: "not-the-secret"}, 401, nil, nil},
		// Ensures a replay older than five minutes is refused.
		{"replayed", request{path: PathCommands, body: good, age: 6 * time.Minute}, 401, nil, nil},
		// Ensures a timestamp from the future is refused as well.
		{"future", request{path: PathCommands, body: good, age: -6 * time.Minute}, 401, nil, nil},
		// Ensures a request without signature headers is refused.
		{"unsigned", request{path: PathCommands, body: good, unsigned: true}, 401, nil, nil},
		// Ensures an oversized body is refused before anything else.
		{"too large", request{path: PathCommands, body: good + "&x=" + strings.Repeat("a", maxBody)}, 413, nil, nil},
		// Ensures another slash command is not taken for ours.
		{"other command", request{path: PathCommands, body: slashBody(rig.f, "/other", "status")}, 400, nil, nil},
		// Ensures a signed but incomplete command is a 400.
		{"no user", request{path: PathCommands, body: "command=%2Fcrisis&text=status&channel_id=G1"}, 400, nil, nil},
		// Ensures only POST is served.
		{"get", request{method: http.MethodGet, path: PathCommands}, 405, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := rig.do(t, tt.rq)
			if status != tt.wantStatus {
				t.Fatalf("status = %d (%s), want %d", status, body, tt.wantStatus)
			}
			if tt.wantBody != nil {
				var got map[string]any
				if err := json.Unmarshal([]byte(body), &got); err != nil {
					t.Fatalf("body %q: %v", body, err)
				}
				if d := cmp.Diff(got, tt.wantBody); d != "" {
					t.Errorf("body (-got +want):\n%s", d)
				}
			}
			if d := cmp.Diff(rig.rec.got(), tt.wantEvents); d != "" {
				t.Errorf("events (-got +want):\n%s", d)
			}
			if calls := rig.f.drain(); len(calls) > 0 {
				t.Errorf("unexpected Web API calls: %+v", calls)
			}
		})
	}
}

func TestHTTPReplay(t *testing.T) {
	rig := newHTTPRig(t, nil)
	rq := request{path: PathCommands, body: slashBody(rig.f, "/crisis", "status")}
	if status, _ := rig.do(t, rq); status != 200 {
		t.Fatalf("first = %d", status)
	}
	// Ensures the very same signed request, replayed once the window has
	// passed on the injected clock, is refused and not handled again.
	rig.clock.Advance(5*time.Minute + time.Second)
	if status, _ := rig.do(t, rq); status != 401 {
		t.Errorf("replay = %d, want 401", status)
	}
	if n := len(rig.rec.got()); n != 1 {
		t.Errorf("Handle called %d times, want 1", n)
	}
}

func TestHTTPSlowCommand(t *testing.T) {
	rig := newHTTPRig(t, func(bot.Event) bot.Reply { return bot.Reply{Text: "**Started**", Private: true} })
	rig.s.ackBudget = time.Millisecond
	// Handle blocks until released, so the budget runs out for sure.
	rig.rec.hold = make(chan struct{})
	type result struct {
		status int
		body   string
		err    error
	}
	res := make(chan result, 1)
	go func() {
		status, body, err := rig.send(t.Context(), request{path: PathCommands, body: slashBody(rig.f, "/crisis", "start Ransomware")})
		res <- result{status, body, err}
	}()
	<-rig.rec.events
	// Ensures a slow command is acknowledged empty while Handle still runs ...
	if r := <-res; r.err != nil || r.status != 200 || r.body != "" {
		t.Errorf("ack = %d %q %v, want 200 and empty", r.status, r.body, r.err)
	}
	close(rig.rec.hold)
	// ... and its reply follows through response_url.
	c := rig.f.next(t)
	var got map[string]any
	_ = json.Unmarshal([]byte(c.Body), &got)
	if c.Method != "response_url" || got["text"] != "*Started*" || got["response_type"] != "ephemeral" {
		t.Errorf("late reply = %s %s", c.Method, c.Body)
	}
}

func TestHTTPFileReply(t *testing.T) {
	content := "# Timeline\n- 17:40 aware\n"
	tests := []struct {
		name        string
		private     bool
		failUpload  bool
		wantMethods []string
		wantChannel string // channel_id of files.completeUploadExternal
	}{
		// Ensures a public file is uploaded into the channel (upload v2).
		{"public", false, false, []string{"files.getUploadURLExternal", "upload", "files.completeUploadExternal"}, "G1"},
		// Ensures a private file goes to the sender's DM, not the channel.
		{"private", true, false, []string{"conversations.open", "files.getUploadURLExternal", "upload", "files.completeUploadExternal"}, "DU1"},
		// Ensures a failed upload still gets the content to the sender.
		{"upload fails", true, true, []string{"conversations.open", "files.getUploadURLExternal", "response_url"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rig := newHTTPRig(t, func(bot.Event) bot.Reply {
				return bot.Reply{Text: "Export:", Private: tt.private, File: &bot.File{Name: "export.md", Content: []byte(content)}}
			})
			if tt.failUpload {
				rig.f.set(func() { rig.f.rateLimit["files.getUploadURLExternal"] = time.Second })
			}
			status, body := rig.do(t, request{path: PathCommands, body: slashBody(rig.f, "/crisis", "export md")})
			if status != 200 || !strings.Contains(body, "Export:") {
				t.Errorf("ack = %d %q", status, body)
			}
			var methods []string
			for _, c := range rig.f.drain() {
				methods = append(methods, c.Method)
				switch c.Method {
				case "upload":
					if c.Body != content {
						t.Errorf("uploaded %q", c.Body)
					}
				case "files.getUploadURLExternal":
					if c.Form.Get("filename") != "export.md" {
						t.Errorf("filename = %q", c.Form.Get("filename"))
					}
				case "files.completeUploadExternal":
					if c.Form.Get("channel_id") != tt.wantChannel {
						t.Errorf("shared to %q, want %q", c.Form.Get("channel_id"), tt.wantChannel)
					}
				case "response_url":
					if !strings.Contains(c.Body, "17:40 aware") {
						t.Errorf("inline fallback = %s", c.Body)
					}
				}
			}
			if d := cmp.Diff(methods, tt.wantMethods); d != "" {
				t.Errorf("calls (-got +want):\n%s", d)
			}
		})
	}
}

func eventBody(t *testing.T, eventID string, inner map[string]any) string {
	return mustJSON(t, map[string]any{
		"token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event_id": eventID, "event_time": 1763656800, "event": inner,
	})
}

func reaction(kind, user, name string) map[string]any {
	return map[string]any{
		"type": kind, "user": user, "reaction": name, "item_user": testBotUser, "event_ts": "1700000100.000200",
		"item": map[string]any{"type": "message", "channel": "G1", "ts": "1700000000.000100"},
	}
}

func TestHTTPEvents(t *testing.T) {
	rig := newHTTPRig(t, nil)
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantBody   string
		wantEvents []bot.Event
	}{
		// Ensures the challenge Slack sends when the URL is saved is echoed.
		{"url_verification", `{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`,
			200, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", nil},
		// Ensures ✅ on a bot message becomes an approve reaction.
		{"reaction_added", eventBody(t, "Ev1", reaction("reaction_added", "U1", "white_check_mark")), 200, "",
			[]bot.Event{{Platform: "slack", Room: "G1", User: "U1", DedupeKey: "slack:ev:Ev1",
				Reaction: &bot.Reaction{Emoji: bot.ReactApprove, Message: "1700000000.000100"}}}},
		// Ensures taking ❌ back becomes a removed reject reaction.
		{"reaction_removed", eventBody(t, "Ev2", reaction("reaction_removed", "U2", "x")), 200, "",
			[]bot.Event{{Platform: "slack", Room: "G1", User: "U2", DedupeKey: "slack:ev:Ev2",
				Reaction: &bot.Reaction{Emoji: bot.ReactReject, Message: "1700000000.000100", Removed: true}}}},
		// Ensures other emoji are passed on by name.
		{"other emoji", eventBody(t, "Ev3", reaction("reaction_added", "U1", "eyes")), 200, "",
			[]bot.Event{{Platform: "slack", Room: "G1", User: "U1", DedupeKey: "slack:ev:Ev3",
				Reaction: &bot.Reaction{Emoji: "eyes", Message: "1700000000.000100"}}}},
		// Ensures the bot's own (seeded) reaction is ignored.
		{"own reaction", eventBody(t, "Ev4", reaction("reaction_added", testBotUser, "white_check_mark")), 200, "", nil},
		// Ensures an event type we do not handle is answered 200 (no retries).
		{"other event", eventBody(t, "Ev5", map[string]any{"type": "pin_added", "user": "U1", "channel_id": "G1"}), 200, "", nil},
		// Ensures broken JSON is a 400.
		{"bad json", `{"type":`, 400, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := rig.do(t, request{path: PathEvents, body: tt.body, contentType: "application/json"})
			if status != tt.wantStatus || (tt.wantBody != "" && body != tt.wantBody) {
				t.Fatalf("got %d %q, want %d %q", status, body, tt.wantStatus, tt.wantBody)
			}
			if d := cmp.Diff(rig.rec.got(), tt.wantEvents); d != "" {
				t.Errorf("events (-got +want):\n%s", d)
			}
		})
	}
	// Ensures a forged event is refused and not handled.
	status, _ := rig.do(t, request{path: PathEvents, body: eventBody(t, "Ev9", reaction("reaction_added", "U1", "x")),
		contentType: "application/json", secret: "forged"})
	if status != 401 || len(rig.rec.got()) != 0 {
		t.Errorf("forged event: status %d", status)
	}
}

func TestHTTPReactionReply(t *testing.T) {
	tests := []struct {
		name       string
		private    bool
		wantMethod string
	}{
		// Ensures a private answer to a reaction is ephemeral to the reactor.
		{"private", true, "chat.postEphemeral"},
		// Ensures a public answer is posted in the room.
		{"public", false, "chat.postMessage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rig := newHTTPRig(t, func(bot.Event) bot.Reply {
				return bot.Reply{Text: "**Approved**", Private: tt.private}
			})
			rig.do(t, request{path: PathEvents, body: eventBody(t, "Ev1", reaction("reaction_added", "U1", "white_check_mark")), contentType: "application/json"})
			c := rig.f.next(t)
			if c.Method != tt.wantMethod || c.Form.Get("channel") != "G1" || c.Form.Get("text") != "*Approved*" {
				t.Errorf("reply = %s %v", c.Method, c.Form)
			}
			if tt.private && c.Form.Get("user") != "U1" {
				t.Errorf("ephemeral to %q", c.Form.Get("user"))
			}
		})
	}
}

func blockActions(t *testing.T, actionID string) string {
	payload := mustJSON(t, map[string]any{
		"type": "block_actions", "trigger_id": "trig", "response_url": "https://hooks.slack.com/actions/T1/1/x",
		"user":      map[string]any{"id": "U1", "username": "anna"},
		"channel":   map[string]any{"id": "G1", "name": "crisis-x"},
		"container": map[string]any{"type": "message", "message_ts": "1700000000.000100", "channel_id": "G1"},
		"message":   map[string]any{"ts": "1700000000.000100", "text": "draft"},
		"actions": []any{map[string]any{"type": "button", "action_id": actionID, "block_id": actionsBlockID,
			"value": actionID, "action_ts": "1700000200.000300"}},
	})
	return url.Values{"payload": {payload}}.Encode()
}

func TestHTTPInteractivity(t *testing.T) {
	rig := newHTTPRig(t, func(bot.Event) bot.Reply { return bot.Reply{Text: "approved", Private: true} })
	approve := bot.Event{Platform: "slack", Room: "G1", User: "U1",
		DedupeKey: "slack:act:U1:1700000000.000100:1700000200.000300:approve",
		Reaction:  &bot.Reaction{Emoji: bot.ReactApprove, Message: "1700000000.000100"}}
	tests := []struct {
		name       string
		rq         request
		wantStatus int
		wantEvents []bot.Event
	}{
		// Ensures pressing Approve becomes an approve reaction on the draft.
		{"approve", request{path: PathInteractivity, body: blockActions(t, bot.ReactApprove)}, 200, []bot.Event{approve}},
		// Ensures a forged press is refused and not handled.
		{"forged", request{path: PathInteractivity, body: blockActions(t, bot.ReactApprove), secret: "x"}, 401, nil},
		// Ensures the payload is read from the signed body only, never the query.
		{"query only", request{path: PathInteractivity, query: blockActions(t, bot.ReactApprove)}, 400, nil},
		// Ensures a payload that is not JSON is a 400.
		{"bad payload", request{path: PathInteractivity, body: "payload=%7Bnope"}, 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := rig.do(t, tt.rq)
			if status != tt.wantStatus {
				t.Fatalf("status = %d (%s), want %d", status, body, tt.wantStatus)
			}
			if d := cmp.Diff(rig.rec.got(), tt.wantEvents); d != "" {
				t.Errorf("events (-got +want):\n%s", d)
			}
			// Ensures the answer to a press goes only to the presser.
			for _, c := range rig.f.drain() {
				if c.Method != "chat.postEphemeral" || c.Form.Get("user") != "U1" || c.Form.Get("channel") != "G1" {
					t.Errorf("reply = %s %v", c.Method, c.Form)
				}
			}
		})
	}
}
