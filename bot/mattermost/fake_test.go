package mattermost

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/krisenstab/krisenstab/bot"
	"github.com/krisenstab/krisenstab/bot/bottest"
)

// t0 is the fake clock's instant in every test.
var t0 = time.Date(2026, 11, 20, 16, 40, 0, 0, time.UTC)

const (
	testBotToken     = "bottoken-secret-1"
	testCommandToken = "cmdtoken-secret-2"
	testBotID        = "botuserid"
	testTeam         = "krisenstab"
	testTeamID       = "teamid1"
)

// testUsers are the accounts the fake server knows, by ID.
var testUsers = map[string]string{
	testBotID: "krisenstab-bot",
	"uanna":   "anna",
	"ubernd":  "bernd",
}

// call is one request the fake Mattermost received.
type call struct {
	Route string // the ServeMux pattern, e.g. "POST /api/v4/posts"
	Path  string
	Body  string // raw body; for uploads the file content
	Extra string // uploads: the channel_id field
}

// fakeMM speaks the REST v4 routes model.Client4 calls, the command hook
// of a response_url, and the WebSocket, with realistic answers.
type fakeMM struct {
	t     testing.TB
	srv   *httptest.Server
	calls chan call
	// frames are the WebSocket requests the client sent.
	frames chan model.WebSocketRequest

	mu        sync.Mutex
	taken     map[string]bool        // channel names in use
	rateLimit map[string]http.Header // route -> headers of a 429
	fail      map[string]int         // route -> status of an AppError answer
	reactions map[string][]*model.Reaction
	posts     int
	conns     int
	// ws scripts connection n (1, 2, …) after authentication and hello;
	// returning true drops the connection abruptly.
	ws func(n int, conn *websocket.Conn) bool
}

func newFakeMM(t testing.TB) *fakeMM {
	t.Helper()
	f := &fakeMM{
		t: t, calls: make(chan call, 1000), frames: make(chan model.WebSocketRequest, 100),
		taken: map[string]bool{}, rateLimit: map[string]http.Header{}, fail: map[string]int{},
		reactions: map[string][]*model.Reaction{},
	}
	mux := http.NewServeMux()
	api := func(route string, answer func(r *http.Request, body []byte) (int, any)) {
		mux.HandleFunc(route, func(w http.ResponseWriter, r *http.Request) {
			var body []byte
			c := call{Route: route, Path: r.URL.Path}
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
				if err := r.ParseMultipartForm(1 << 20); err == nil {
					c.Extra = r.FormValue("channel_id")
					if file, _, err := r.FormFile("files"); err == nil {
						b, _ := io.ReadAll(file)
						c.Body = string(b)
					}
				}
			} else {
				body, _ = io.ReadAll(r.Body)
				c.Body = string(body)
			}
			if got := r.Header.Get("Authorization"); got != model.HeaderBearer+" "+testBotToken {
				appError(w, http.StatusUnauthorized, "api.context.session_expired.app_error")
				return
			}
			f.calls <- c
			f.mu.Lock()
			h, limited := f.rateLimit[route]
			status, failed := f.fail[route]
			f.mu.Unlock()
			if limited {
				for k, v := range h {
					w.Header()[k] = v
				}
				// Mattermost's limiter answers in plain text.
				http.Error(w, "limit exceeded", http.StatusTooManyRequests)
				return
			}
			if failed {
				appError(w, status, "fake.failure.app_error")
				return
			}
			status, v := answer(r, body)
			if ae, ok := v.(*model.AppError); ok {
				appError(w, status, ae.Id)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(v)
		})
	}
	user := func(id string) (int, any) {
		name, ok := testUsers[id]
		if !ok {
			return 404, &model.AppError{Id: "app.user.missing_account.const"}
		}
		return 200, &model.User{Id: id, Username: name}
	}
	api("GET /api/v4/users/me", func(*http.Request, []byte) (int, any) { return user(testBotID) })
	api("GET /api/v4/users/{id}", func(r *http.Request, _ []byte) (int, any) { return user(r.PathValue("id")) })
	api("GET /api/v4/users/username/{name}", func(r *http.Request, _ []byte) (int, any) {
		for id, name := range testUsers {
			if name == r.PathValue("name") {
				return user(id)
			}
		}
		return 404, &model.AppError{Id: "app.user.missing_account.const"}
	})
	api("GET /api/v4/teams/name/{name}", func(r *http.Request, _ []byte) (int, any) {
		if r.PathValue("name") != testTeam {
			return 404, &model.AppError{Id: "app.team.get_by_name.missing.app_error"}
		}
		return 200, &model.Team{Id: testTeamID, Name: testTeam}
	})
	api("POST /api/v4/channels", func(_ *http.Request, body []byte) (int, any) {
		var ch model.Channel
		if err := json.Unmarshal(body, &ch); err != nil || !model.IsValidChannelIdentifier(ch.Name) || ch.DisplayName == "" {
			return 400, &model.AppError{Id: "model.channel.is_valid.2_or_more.app_error"}
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.taken[ch.Name] {
			return 400, &model.AppError{Id: "store.sql_channel.save_channel.exists.app_error"}
		}
		f.taken[ch.Name] = true
		ch.Id = "chnew"
		return 201, &ch
	})
	api("POST /api/v4/channels/{id}/members", func(r *http.Request, body []byte) (int, any) {
		var in map[string]string
		_ = json.Unmarshal(body, &in)
		return 201, &model.ChannelMember{ChannelId: r.PathValue("id"), UserId: in["user_id"]}
	})
	api("POST /api/v4/channels/direct", func(_ *http.Request, body []byte) (int, any) {
		var ids []string
		if err := json.Unmarshal(body, &ids); err != nil || len(ids) != 2 {
			return 400, &model.AppError{Id: "api.context.invalid_body_param.app_error"}
		}
		return 201, &model.Channel{Id: "dm-" + ids[1], Type: model.ChannelTypeDirect, Name: ids[0] + "__" + ids[1]}
	})
	post := func(_ *http.Request, body []byte) (int, any) {
		var p model.Post
		if err := json.Unmarshal(body, &p); err != nil || p.ChannelId == "" {
			return 400, &model.AppError{Id: "api.context.invalid_body_param.app_error"}
		}
		f.mu.Lock()
		f.posts++
		p.Id = "post" + strconv.Itoa(f.posts)
		f.mu.Unlock()
		p.UserId = testBotID
		return 201, &p
	}
	api("POST /api/v4/posts", post)
	api("POST /api/v4/posts/ephemeral", func(r *http.Request, body []byte) (int, any) {
		var e model.PostEphemeral
		if err := json.Unmarshal(body, &e); err != nil || e.Post == nil || e.UserID == "" {
			return 400, &model.AppError{Id: "api.context.invalid_body_param.app_error"}
		}
		e.Post.Id = "ephemeral1"
		return 201, e.Post
	})
	api("GET /api/v4/posts/{id}/reactions", func(r *http.Request, _ []byte) (int, any) {
		f.mu.Lock()
		defer f.mu.Unlock()
		rs := f.reactions[r.PathValue("id")]
		if rs == nil {
			rs = []*model.Reaction{}
		}
		return 200, rs
	})
	api("POST /api/v4/files", func(*http.Request, []byte) (int, any) {
		return 201, &model.FileUploadResponse{FileInfos: []*model.FileInfo{{Id: "file1"}}}
	})
	mux.HandleFunc("POST /hooks/commands/{id}", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.calls <- call{Route: "POST /hooks/commands/{id}", Path: r.URL.Path, Body: string(b), Extra: r.Header.Get("Content-Type")}
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("GET /api/v4/websocket", f.serveWS)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// appError answers like the server: a JSON model.AppError.
func appError(w http.ResponseWriter, status int, id string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"id": id, "message": id, "status_code": status})
}

// serveWS is the server's WebSocket: the client must authenticate with
// the bot token first; then hello, then the test's script.
func (f *fakeMM) serveWS(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	var auth model.WebSocketRequest
	if err := conn.ReadJSON(&auth); err != nil {
		return
	}
	f.frames <- auth
	if auth.Action != string(model.WebsocketAuthenticationChallenge) || auth.Data["token"] != testBotToken {
		b, _ := model.NewWebSocketError(auth.Seq, model.NewAppError("auth", "api.web_socket_router.bad_auth", nil, "", 401)).ToJSON()
		_ = conn.WriteMessage(websocket.TextMessage, b)
		return
	}
	b, _ := model.NewWebSocketResponse(model.StatusOk, auth.Seq, nil).ToJSON()
	_ = conn.WriteMessage(websocket.TextMessage, b)
	hello := model.NewWebSocketEvent(model.WebsocketEventHello, "", "", testBotID, nil, "")
	hello.Add("connection_id", "c1")
	b, _ = hello.ToJSON()
	_ = conn.WriteMessage(websocket.TextMessage, b)

	f.mu.Lock()
	f.conns++
	n, script := f.conns, f.ws
	f.mu.Unlock()
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for {
			var req model.WebSocketRequest
			if err := conn.ReadJSON(&req); err != nil {
				return
			}
			f.frames <- req
		}
	}()
	if script != nil && script(n, conn) {
		_ = conn.UnderlyingConn().Close() // dropped: no close frame
	}
	<-readerDone // until the client goes away
}

// reactionEvent builds a reaction event the way the server does: the
// reaction is a JSON string inside the event's data.
func reactionEvent(t testing.TB, typ model.WebsocketEventType, user, emoji string, createAt int64) []byte {
	t.Helper()
	rb, err := json.Marshal(model.Reaction{UserId: user, PostId: "post9", EmojiName: emoji, ChannelId: "chroom", CreateAt: createAt})
	if err != nil {
		t.Fatal(err)
	}
	ev := model.NewWebSocketEvent(typ, "", "chroom", "", nil, "")
	ev.Add("reaction", string(rb))
	b, err := ev.ToJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// set changes the fake's answers under its lock.
func (f *fakeMM) set(change func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change()
}

// next waits for the next call (go test's -timeout ends a hang).
func (f *fakeMM) next(t *testing.T) call {
	t.Helper()
	return <-f.calls
}

// drain returns the calls received so far.
func (f *fakeMM) drain() []call {
	var out []call
	for {
		select {
		case c := <-f.calls:
			out = append(out, c)
		default:
			return out
		}
	}
}

// routes lists the routes of calls.
func routes(calls []call) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c.Route)
	}
	return out
}

// responseURL is a response_url on the fake server.
func (f *fakeMM) responseURL() string { return f.srv.URL + "/hooks/commands/hook1" }

// nonces is a deterministic stand-in for crypto/rand.
type nonces struct{ n byte }

func (r *nonces) Read(p []byte) (int, error) {
	for i := range p {
		r.n++
		p[i] = r.n
	}
	return len(p), nil
}

// newTestMM returns an adapter on the fake server that knows its bot user
// and team, as Run would have learnt them.
func newTestMM(t *testing.T, f *fakeMM) *Mattermost {
	t.Helper()
	m, err := New(Config{
		URL: f.srv.URL, BotToken: testBotToken, CommandToken: testCommandToken, Team: testTeam,
		Listen: "127.0.0.1:0", PublicURL: "https://bot.example.com/", Clock: bottest.NewClock(t0),
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	m.rand = &nonces{}
	m.setSelf(&model.User{Id: testBotID, Username: testUsers[testBotID]})
	m.teamID = testTeamID
	return m
}

// recorder is a fake Handler (and Reconciler) that records events and
// answers with reply.
type recorder struct {
	events     chan bot.Event
	reconciles chan string
	reply      func(bot.Event) bot.Reply
	// hold, if set, blocks Handle until it is closed (slow commands).
	hold chan struct{}
}

func newRecorder(reply func(bot.Event) bot.Reply) *recorder {
	return &recorder{events: make(chan bot.Event, 16), reconciles: make(chan string, 16), reply: reply}
}

func (r *recorder) Handle(ctx context.Context, ev bot.Event) bot.Reply {
	r.events <- ev
	if r.hold != nil {
		select {
		case <-r.hold:
		case <-ctx.Done():
		}
	}
	if r.reply == nil {
		return bot.Reply{}
	}
	return r.reply(ev)
}

func (r *recorder) Reconcile(_ context.Context, platform string) error {
	r.reconciles <- platform
	return nil
}

// got returns the events handled so far.
func (r *recorder) got() []bot.Event {
	var out []bot.Event
	for {
		select {
		case ev := <-r.events:
			out = append(out, ev)
		default:
			return out
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
