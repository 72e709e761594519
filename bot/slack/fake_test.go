package slack

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack/slacktest"

	"github.com/krisenstab/krisenstab/bot"
	"github.com/krisenstab/krisenstab/bot/bottest"
)

// t0 is the fake clock's instant in every test.
var t0 = time.Date(2026, 11, 20, 16, 40, 0, 0, time.UTC)

const (
	testSecret  = "8f742231b10e8888abcd99yyyzzz85a5"
	testBotUser = "UBOT"
)

// call is one request the fake Slack received.
type call struct {
	Method string
	Form   url.Values
	Body   string // raw body for JSON (response_url) and uploads
}

// fakeSlack is slacktest with every route the adapter uses overridden by a
// recording handler with realistic answers (slacktest's own are canned).
type fakeSlack struct {
	srv   *slacktest.Server
	calls chan call

	mu        sync.Mutex
	taken     map[string]bool          // channel names that answer name_taken
	rateLimit map[string]time.Duration // method -> Retry-After
	fail      map[string]string        // method -> Slack error code
	reactions map[string]string        // message ts -> reactions JSON (reactions.get)
	ts        int
}

func newFakeSlack(t testing.TB, ws func(*websocket.Conn)) *fakeSlack {
	t.Helper()
	f := &fakeSlack{calls: make(chan call, 1000), taken: map[string]bool{}, rateLimit: map[string]time.Duration{}, fail: map[string]string{},
		reactions: map[string]string{}}
	f.srv = slacktest.NewTestServer(func(c slacktest.Customize) {
		api := func(method string, answer func(form url.Values) string) {
			c.Handle("/"+method, func(w http.ResponseWriter, r *http.Request) {
				_ = r.ParseForm()
				f.record(call{Method: method, Form: r.PostForm})
				f.mu.Lock()
				wait, limited := f.rateLimit[method]
				code, failed := f.fail[method]
				f.mu.Unlock()
				if failed {
					w.Header().Set("Content-Type", "application/json")
					_, _ = io.WriteString(w, `{"ok":false,"error":"`+code+`"}`)
					return
				}
				if limited {
					w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())))
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, answer(r.PostForm))
			})
		}
		api("auth.test", func(url.Values) string {
			return `{"ok":true,"user_id":"` + testBotUser + `","team_id":"T1","user":"krisenstab","bot_id":"B1"}`
		})
		api("conversations.create", func(form url.Values) string {
			name := form.Get("name")
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.taken[name] {
				return `{"ok":false,"error":"name_taken"}`
			}
			f.taken[name] = true
			return `{"ok":true,"channel":{"id":"G0NEW","name":"` + name + `","is_private":true}}`
		})
		api("reactions.get", func(form url.Values) string {
			f.mu.Lock()
			defer f.mu.Unlock()
			r := f.reactions[form.Get("timestamp")]
			if r == "" {
				r = "[]"
			}
			return `{"ok":true,"type":"message","channel":"` + form.Get("channel") + `","message":{"ts":"` + form.Get("timestamp") + `","reactions":` + r + `}}`
		})
		api("conversations.invite", func(form url.Values) string {
			return `{"ok":true,"channel":{"id":"` + form.Get("channel") + `"}}`
		})
		api("conversations.open", func(form url.Values) string {
			return `{"ok":true,"channel":{"id":"D` + form.Get("users") + `"}}`
		})
		api("chat.postMessage", func(form url.Values) string {
			return `{"ok":true,"channel":"` + form.Get("channel") + `","ts":"` + f.nextTS() + `"}`
		})
		api("chat.postEphemeral", func(url.Values) string {
			return `{"ok":true,"message_ts":"` + f.nextTS() + `"}`
		})
		api("files.getUploadURLExternal", func(url.Values) string {
			return `{"ok":true,"upload_url":"` + f.srv.GetAPIURL() + `upload/F1","file_id":"F1"}`
		})
		api("files.completeUploadExternal", func(form url.Values) string {
			return `{"ok":true,"files":[{"id":"F1","title":"export.md"}]}`
		})
		raw := func(method string, w http.ResponseWriter, r *http.Request) {
			var body string
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
				if file, _, err := r.FormFile("file"); err == nil {
					b, _ := io.ReadAll(file)
					body = string(b)
				}
			} else {
				b, _ := io.ReadAll(r.Body)
				body = string(b)
			}
			f.record(call{Method: method, Body: body})
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, "ok")
		}
		c.Handle("/upload/", func(w http.ResponseWriter, r *http.Request) { raw("upload", w, r) })
		c.Handle("/response/", func(w http.ResponseWriter, r *http.Request) { raw("response_url", w, r) })
		if ws != nil {
			c.Handle("/ws", slacktest.Websocket(ws))
		}
	})
	f.srv.Start()
	t.Cleanup(f.srv.Stop)
	return f
}

func (f *fakeSlack) record(c call) {
	c.Form.Del("token") // never compared; kept out of failure output
	f.calls <- c
}

// set changes the fake's answers under its lock.
func (f *fakeSlack) set(change func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change()
}

func (f *fakeSlack) nextTS() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ts++
	return fmt.Sprintf("1700000000.%06d", f.ts)
}

// responseURL is a response_url on the fake server.
func (f *fakeSlack) responseURL() string { return f.srv.GetAPIURL() + "response/1" }

// next waits for the next call (go test's -timeout ends a hang).
func (f *fakeSlack) next(t *testing.T) call {
	t.Helper()
	return <-f.calls
}

// drain returns the calls received so far.
func (f *fakeSlack) drain() []call {
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

// newTestSlack returns an adapter on the fake server in the given mode.
func newTestSlack(t *testing.T, f *fakeSlack, mode string) (*Slack, *bottest.Clock) {
	t.Helper()
	clock := bottest.NewClock(t0)
	s, err := New(Config{
		BotToken: "xoxb-test", AppToken: "xapp-test", SigningSecret: testSecret,
		Mode: mode, Listen: "127.0.0.1:0", APIURL: f.srv.GetAPIURL(), Clock: clock,
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	s.setBotUser(testBotUser)
	return s, clock
}

// recorder is a fake Handler that records events and answers with reply.
type recorder struct {
	events chan bot.Event
	reply  func(bot.Event) bot.Reply
	// hold, if set, blocks Handle until it is closed (slow commands).
	hold chan struct{}
}

func newRecorder(reply func(bot.Event) bot.Reply) *recorder {
	return &recorder{events: make(chan bot.Event, 16), reply: reply}
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

// sign sets Slack's signature headers on a request, as Slack does.
func sign(h http.Header, secret string, ts time.Time, body string) {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	h.Set(headerTimestamp, stamp)
	h.Set(headerSignature, "v0="+hex.EncodeToString(signature(secret, stamp, []byte(body))))
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
