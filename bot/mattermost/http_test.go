package mattermost

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/krisenstab/krisenstab/bot"
)

// httpRig is the adapter's HTTP side under test: its handler on a real
// server, the fake Mattermost for its REST calls, and a recording Handler.
type httpRig struct {
	f   *fakeMM
	m   *Mattermost
	rec *recorder
	url string
}

func newHTTPRig(t *testing.T, reply func(bot.Event) bot.Reply) *httpRig {
	t.Helper()
	f := newFakeMM(t)
	m := newTestMM(t, f)
	rec := newRecorder(reply)
	ctx, cancel := context.WithCancel(t.Context())
	srv := httptest.NewServer(m.httpHandler(ctx, rec))
	t.Cleanup(func() {
		srv.Close()
		cancel()
		m.work.Wait()
	})
	return &httpRig{f: f, m: m, rec: rec, url: srv.URL}
}

// request is one request to the adapter's endpoints, as the server sends.
type request struct {
	method, path, body string
	contentType        string
	auth               string // Authorization header; "-" for none
}

type response struct {
	status int
	header http.Header
	body   string
}

// do sends rq and waits for all work it started, so that what the test
// checks afterwards is complete.
func (r *httpRig) do(t *testing.T, rq request) response {
	t.Helper()
	resp, err := r.send(t.Context(), rq)
	if err != nil {
		t.Fatal(err)
	}
	r.m.work.Wait()
	return resp
}

// send sends rq; safe to call from any goroutine.
func (r *httpRig) send(ctx context.Context, rq request) (response, error) {
	if rq.method == "" {
		rq.method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, r.url+rq.path, strings.NewReader(rq.body))
	if err != nil {
		return response{}, err
	}
	if rq.contentType != "" {
		req.Header.Set("Content-Type", rq.contentType)
	}
	switch rq.auth {
	case "":
		req.Header.Set("Authorization", "Token "+testCommandToken)
	case "-":
	default:
		req.Header.Set("Authorization", rq.auth)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(b)}, err
}

// slash is what app.DoCommandRequest posts for "/crisis text", mention
// fields included.
func slash(f *fakeMM, text string, edit func(url.Values)) request {
	v := url.Values{
		"token": {testCommandToken}, "team_id": {testTeamID}, "team_domain": {testTeam},
		"channel_id": {"chroom"}, "channel_name": {"crisis-x"}, "user_id": {"uanna"}, "user_name": {"anna"},
		"command": {"/crisis"}, "text": {text}, "trigger_id": {"trig1"}, "root_id": {""},
		"response_url": {f.responseURL()},
	}
	for k, vs := range (model.UserMentionMap{"bernd": "ubernd"}).ToURLValues() {
		v[k] = vs
	}
	if edit != nil {
		edit(v)
	}
	return request{path: PathCommand, body: v.Encode(), contentType: "application/x-www-form-urlencoded"}
}

func TestSlashCommand(t *testing.T) {
	rig := newHTTPRig(t, func(ev bot.Event) bot.Reply {
		if ev.Text == "quiet" {
			return bot.Reply{}
		}
		return bot.Reply{Text: "**Task created** for @bernd", Private: ev.Text != "status"}
	})
	good := slash(rig.f, " task Backup prüfen @bernd --due 21:00 ", nil)
	event := func(text string) []bot.Event {
		return []bot.Event{{Platform: "mattermost", Room: "chroom", User: "anna", Text: text, DedupeKey: "mm:cmd:trig1"}}
	}
	with := func(rq request, edit func(*request)) request { edit(&rq); return rq }
	tests := []struct {
		name       string
		rq         request
		wantStatus int
		want       *model.CommandResponse // parsed as the server does; nil: not checked
		wantEvents []bot.Event
	}{
		// Ensures a command with the right token reaches Handle normalised
		// (username, @mentions kept) and a private reply is ephemeral.
		{"valid", good, 200, &model.CommandResponse{ResponseType: "ephemeral", Text: "**Task created** for @bernd", SkipSlackParsing: true},
			event("task Backup prüfen @bernd --due 21:00")},
		// Ensures a public reply is shown in the channel.
		{"public reply", slash(rig.f, "status", nil), 200,
			&model.CommandResponse{ResponseType: "in_channel", Text: "**Task created** for @bernd", SkipSlackParsing: true}, event("status")},
		// Ensures no reply is an empty answer the server shows as nothing.
		{"no reply", slash(rig.f, "quiet", nil), 200, &model.CommandResponse{}, event("quiet")},
		// Ensures a wrong, missing or differently sent token is refused
		// before Handle is called.
		{"wrong token", with(good, func(r *request) { r.auth = "Token not-the-token" }), 401, nil, nil},
		{"missing token", with(good, func(r *request) { r.auth = "-" }), 401, nil, nil},
		{"bearer", with(good, func(r *request) { r.auth = "Bearer " + testCommandToken }), 401, nil, nil},
		// Ensures a request without the required fields is a 400.
		{"no user", slash(rig.f, "status", func(v url.Values) { v.Del("user_name") }), 400, nil, nil},
		{"no channel", slash(rig.f, "status", func(v url.Values) { v.Del("channel_id") }), 400, nil, nil},
		// Ensures another command is not taken for ours.
		{"other command", slash(rig.f, "status", func(v url.Values) { v.Set("command", "/other") }), 400, nil, nil},
		// Ensures the token is bound to the configured team.
		{"other team", slash(rig.f, "status", func(v url.Values) { v.Set("team_id", "otherteam") }), 403, nil, nil},
		// Ensures an oversized body is refused.
		{"too large", slash(rig.f, strings.Repeat("a", maxBody), nil), 413, nil, nil},
		// Ensures only POST is served (the command is registered as POST).
		{"get", request{method: http.MethodGet, path: PathCommand + "?" + good.body}, 405, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := rig.do(t, tt.rq)
			if resp.status != tt.wantStatus {
				t.Fatalf("status = %d (%s), want %d", resp.status, resp.body, tt.wantStatus)
			}
			if tt.want != nil {
				got, err := model.CommandResponseFromHTTPBody(resp.header.Get("Content-Type"), strings.NewReader(resp.body))
				if err != nil {
					t.Fatalf("server cannot parse %q: %v", resp.body, err)
				}
				if d := cmp.Diff(got, tt.want); d != "" {
					t.Errorf("response (-got +want):\n%s", d)
				}
			}
			if d := cmp.Diff(rig.rec.got(), tt.wantEvents); d != "" {
				t.Errorf("events (-got +want):\n%s", d)
			}
			if calls := rig.f.drain(); len(calls) > 0 {
				t.Errorf("unexpected calls: %+v", calls)
			}
		})
	}
}

func TestSlashCommandSlow(t *testing.T) {
	rig := newHTTPRig(t, func(bot.Event) bot.Reply { return bot.Reply{Text: "**Started** @channel", Private: true} })
	rig.m.ackBudget = time.Millisecond
	// Handle blocks until released, so the budget runs out for sure.
	rig.rec.hold = make(chan struct{})
	type result struct {
		resp response
		err  error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := rig.send(t.Context(), slash(rig.f, "start Ransomware", nil))
		res <- result{resp, err}
	}()
	<-rig.rec.events
	// Ensures a slow command is answered empty while Handle still runs ...
	if r := <-res; r.err != nil || r.resp.status != 200 || r.resp.body != "" {
		t.Errorf("answer = %+v %v, want 200 and empty", r.resp, r.err)
	}
	close(rig.rec.hold)
	// ... and its reply follows through response_url as a CommandResponse.
	c := rig.f.next(t)
	if c.Route != "POST /hooks/commands/{id}" || c.Extra != "application/json" {
		t.Fatalf("late reply = %+v", c)
	}
	got, err := model.CommandResponseFromJSON(strings.NewReader(c.Body))
	if err != nil {
		t.Fatal(err)
	}
	if got.ResponseType != "ephemeral" || got.Text != "**Started** @\u200bchannel" || !got.SkipSlackParsing {
		t.Errorf("late reply = %+v", got)
	}
}

func TestSlashCommandFile(t *testing.T) {
	content := "# Timeline\n- 17:40 aware\n"
	tests := []struct {
		name       string
		private    bool
		failUpload bool
		want       []string // routes after the answer
		wantDest   string   // channel the file went to
	}{
		// Ensures a public file is uploaded and posted in the channel.
		{"public", false, false, []string{"POST /api/v4/files", "POST /api/v4/posts"}, "chroom"},
		// Ensures a private file goes to the sender's direct channel.
		{"private", true, false, []string{"POST /api/v4/channels/direct", "POST /api/v4/files", "POST /api/v4/posts"}, "dm-uanna"},
		// Ensures a failed upload still gets the content to the sender,
		// inline, through response_url.
		{"upload fails", true, true, []string{"POST /api/v4/channels/direct", "POST /api/v4/files", "POST /hooks/commands/{id}"}, "dm-uanna"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rig := newHTTPRig(t, func(bot.Event) bot.Reply {
				return bot.Reply{Text: "Export:", Private: tt.private, File: &bot.File{Name: "export.md", Content: []byte(content)}}
			})
			if tt.failUpload {
				rig.f.set(func() { rig.f.fail["POST /api/v4/files"] = 403 })
			}
			resp := rig.do(t, slash(rig.f, "export md", nil))
			if resp.status != 200 || !strings.Contains(resp.body, "Export:") {
				t.Errorf("answer = %d %q", resp.status, resp.body)
			}
			calls := rig.f.drain()
			if d := cmp.Diff(routes(calls), tt.want); d != "" {
				t.Errorf("calls (-got +want):\n%s", d)
			}
			for _, c := range calls {
				switch c.Route {
				case "POST /api/v4/files":
					if c.Body != content || c.Extra != tt.wantDest {
						t.Errorf("uploaded %q to %q", c.Body, c.Extra)
					}
				case "POST /api/v4/posts":
					var p model.Post
					_ = json.Unmarshal([]byte(c.Body), &p)
					if p.ChannelId != tt.wantDest || len(p.FileIds) != 1 || p.FileIds[0] != "file1" {
						t.Errorf("file post = %s", c.Body)
					}
				case "POST /hooks/commands/{id}":
					if !strings.Contains(c.Body, "17:40 aware") || !strings.Contains(c.Body, "```") {
						t.Errorf("inline fallback = %s", c.Body)
					}
				}
			}
		})
	}
}

// press is the server's request for a click on a button the adapter
// rendered for channel (context echoed back through JSON, as stored).
func press(t *testing.T, m *Mattermost, channel, action string, edit func(*model.PostActionIntegrationRequest)) request {
	t.Helper()
	att, err := m.attachment(channel, []bot.Action{{ID: action}})
	if err != nil {
		t.Fatal(err)
	}
	var ctx map[string]any
	_ = json.Unmarshal([]byte(mustJSON(t, att.Actions[0].Integration.Context)), &ctx)
	req := model.PostActionIntegrationRequest{
		UserId: "uanna", UserName: "anna", ChannelId: "chroom", ChannelName: "crisis-x", TeamId: testTeamID, TeamName: testTeam,
		PostId: "post9", TriggerId: "trig2", Type: model.PostActionTypeButton, Context: ctx,
	}
	if edit != nil {
		edit(&req)
	}
	return request{path: PathActions, body: mustJSON(t, req), contentType: "application/json", auth: "-"}
}

func TestActions(t *testing.T) {
	rig := newHTTPRig(t, func(ev bot.Event) bot.Reply {
		return bot.Reply{Text: "**Approved** rev 3", Private: ev.User == "anna"}
	})
	approve := bot.Event{Platform: "mattermost", Room: "chroom", User: "anna", DedupeKey: "mm:act:post9:uanna:approve:trig2",
		Reaction: &bot.Reaction{Emoji: bot.ReactApprove, Message: "post9"}}
	tests := []struct {
		name       string
		rq         request
		wantStatus int
		wantText   string // EphemeralText
		wantEvents []bot.Event
		wantCalls  []string
	}{
		// Ensures a press on our button becomes an approve on the post, by
		// username, and a private answer is shown to the presser only.
		{"approve", press(t, rig.m, "chroom", bot.ReactApprove, nil), 200, "**Approved** rev 3", []bot.Event{approve},
			[]string{"GET /api/v4/users/{id}"}},
		// Ensures a public answer is posted in the channel instead.
		{"public answer", press(t, rig.m, "chroom", bot.ReactApprove, func(r *model.PostActionIntegrationRequest) { r.UserId = "ubernd" }), 200, "",
			[]bot.Event{{Platform: "mattermost", Room: "chroom", User: "bernd", DedupeKey: "mm:act:post9:ubernd:approve:trig2",
				Reaction: &bot.Reaction{Emoji: bot.ReactApprove, Message: "post9"}}},
			[]string{"GET /api/v4/users/{id}", "POST /api/v4/posts"}},
		// Ensures a context whose action was changed is refused unseen.
		{"tampered action", press(t, rig.m, "chroom", bot.ReactReject, func(r *model.PostActionIntegrationRequest) {
			r.Context[ctxAction] = bot.ReactApprove
		}), 403, "", nil, nil},
		// Ensures a token is bound to its channel.
		{"other channel", press(t, rig.m, "chother", bot.ReactApprove, nil), 403, "", nil, nil},
		{"forged token", press(t, rig.m, "chroom", bot.ReactApprove, func(r *model.PostActionIntegrationRequest) {
			r.Context[ctxToken] = strings.Repeat("ab", 32)
		}), 403, "", nil, nil},
		// Ensures a press without token or context is refused unseen.
		{"missing token", press(t, rig.m, "chroom", bot.ReactApprove, func(r *model.PostActionIntegrationRequest) {
			delete(r.Context, ctxToken)
		}), 401, "", nil, nil},
		{"no context", press(t, rig.m, "chroom", bot.ReactApprove, func(r *model.PostActionIntegrationRequest) { r.Context = nil }), 401, "", nil, nil},
		// Ensures a body that is not JSON is a 400.
		{"malformed", request{path: PathActions, body: `{"user_id":`, contentType: "application/json", auth: "-"}, 400, "", nil, nil},
		// Ensures a presser the server does not know gets a clear message
		// and nothing is handled.
		{"unknown user", press(t, rig.m, "chroom", bot.ReactApprove, func(r *model.PostActionIntegrationRequest) { r.UserId = "ughost" }),
			200, unknownUser, nil, []string{"GET /api/v4/users/{id}"}},
		// Ensures only POST is served.
		{"get", request{method: http.MethodGet, path: PathActions, auth: "-"}, 405, "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := rig.do(t, tt.rq)
			if resp.status != tt.wantStatus {
				t.Fatalf("status = %d (%s), want %d", resp.status, resp.body, tt.wantStatus)
			}
			if resp.status == 200 {
				var got model.PostActionIntegrationResponse
				if err := json.Unmarshal([]byte(resp.body), &got); err != nil {
					t.Fatalf("body %q: %v", resp.body, err)
				}
				if got.EphemeralText != tt.wantText || got.Update != nil || !got.SkipSlackParsing {
					t.Errorf("response = %+v, want ephemeral %q", got, tt.wantText)
				}
			}
			if d := cmp.Diff(rig.rec.got(), tt.wantEvents); d != "" {
				t.Errorf("events (-got +want):\n%s", d)
			}
			if d := cmp.Diff(routes(rig.f.drain()), tt.wantCalls); d != "" {
				t.Errorf("calls (-got +want):\n%s", d)
			}
		})
	}
}

func TestDeliver(t *testing.T) {
	tests := []struct {
		name          string
		private       bool
		denyEphemeral bool
		want          []string
	}{
		// Ensures a public answer to a reaction is posted in the room.
		{"public", false, false, []string{"POST /api/v4/posts"}},
		// Ensures a private one is ephemeral to the reactor.
		{"private", true, false, []string{"POST /api/v4/posts/ephemeral"}},
		// Ensures that without the ephemeral permission it goes to the
		// reactor's direct channel, not into the room.
		{"no ephemeral permission", true, true,
			[]string{"POST /api/v4/posts/ephemeral", "POST /api/v4/channels/direct", "POST /api/v4/posts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeMM(t)
			m := newTestMM(t, f)
			m.remember("uanna", "anna")
			if tt.denyEphemeral {
				f.set(func() { f.fail["POST /api/v4/posts/ephemeral"] = 403 })
			}
			m.deliver(t.Context(), target{channel: "chroom", user: "anna", userID: "uanna"}, bot.Reply{Text: "**Noted**", Private: tt.private})
			calls := f.drain()
			if d := cmp.Diff(routes(calls), tt.want); d != "" {
				t.Errorf("calls (-got +want):\n%s", d)
			}
			last := calls[len(calls)-1]
			if !strings.Contains(last.Body, `"message":"**Noted**"`) {
				t.Errorf("body = %s", last.Body)
			}
			if tt.private && !tt.denyEphemeral && !strings.Contains(last.Body, `"user_id":"uanna"`) {
				t.Errorf("ephemeral body = %s", last.Body)
			}
		})
	}
}
