package mattermost

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/krisenstab/krisenstab/bot"
)

// Name is the platform key of Mattermost.
const Name = "mattermost"

// HTTP endpoints the Mattermost server calls: the slash command's request
// URL and the buttons' integration URL, both under Config.PublicURL.
const (
	PathCommand = "/mattermost/command"
	PathActions = "/mattermost/actions"
)

// Config configures the Mattermost platform. cmd fills it from the config
// file and the environment; the package reads neither.
type Config struct {
	URL          string // server base URL, e.g. https://chat.example.com
	BotToken     string // bot account access token (env KRISENSTAB_MATTERMOST_BOT_TOKEN)
	CommandToken string // token of the custom slash command (env KRISENSTAB_MATTERMOST_COMMAND_TOKEN)
	Team         string // team name (not ID) incident channels are created in
	Listen       string // where the bot's HTTP endpoints listen, e.g. ":8065"
	PublicURL    string // base URL the Mattermost server uses to reach the bot
	Command      string // slash command without "/", default "crisis"
	// Public makes incident rooms public channels. The default is private:
	// an attacker inside the network may read public ones.
	Public bool
	Clock  bot.Clock
}

// LogValue keeps the tokens out of logs.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("url", c.URL),
		slog.String("team", c.Team),
		slog.String("listen", c.Listen),
		slog.String("public_url", c.PublicURL),
		slog.String("command", c.Command),
		slog.Bool("public", c.Public),
		slog.String("bot_token", redact(c.BotToken)),
		slog.String("command_token", redact(c.CommandToken)),
	)
}

// String keeps the tokens out of fmt output.
func (c Config) String() string { return c.LogValue().String() }

func redact(s string) string {
	if s == "" {
		return ""
	}
	return "REDACTED"
}

var commandPattern = regexp.MustCompile(`^[a-z0-9_-]{1,128}$`)

// Mattermost is the Mattermost platform. Create it with New.
type Mattermost struct {
	cfg   Config
	log   *slog.Logger
	clock bot.Clock
	api   *model.Client4
	// web posts to response URLs (Client4 only speaks /api/v4).
	web   *http.Client
	wsURL string
	// actionKey signs button contexts; derived from the bot token so no
	// extra secret needs configuring, and rotating the token voids old
	// buttons.
	actionKey []byte
	rand      io.Reader // nonces; tests make them deterministic

	mu      sync.Mutex
	botUser string            // the bot's user ID (GetMe)
	teamID  string            // ID of cfg.Team
	ids     map[string]string // username -> user ID
	names   map[string]string // user ID -> username
	dms     map[string]string // username -> direct channel ID
	// reconciling and reconcileAgain keep catch-ups from piling up.
	reconciling, reconcileAgain bool

	// ackBudget is how long a slash command or button press may run
	// before it is answered empty and its reply delivered later.
	ackBudget time.Duration
	// backoff is the wait before the attempt'th reconnect (1, 2, …).
	backoff func(attempt int) time.Duration
	dialer  *websocket.Dialer
	// work tracks the goroutines Run owns; sem bounds the handlers.
	work sync.WaitGroup
	sem  chan struct{}
}

var (
	_ bot.Platform       = (*Mattermost)(nil)
	_ bot.ReactionReader = (*Mattermost)(nil)
)

// New checks cfg and returns the platform. It makes no network call and
// starts nothing.
func New(cfg Config, log *slog.Logger) (*Mattermost, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.Command = strings.TrimPrefix(strings.TrimSpace(cfg.Command), "/")
	if cfg.Command == "" {
		cfg.Command = "crisis"
	}
	cfg.URL = strings.TrimRight(strings.TrimSpace(cfg.URL), "/")
	cfg.PublicURL = strings.TrimRight(strings.TrimSpace(cfg.PublicURL), "/")
	cfg.Team = strings.TrimSpace(cfg.Team)
	var problems []string
	wsURL, err := websocketURL(cfg.URL)
	if err != nil {
		problems = append(problems, "url: "+err.Error())
	}
	if cfg.BotToken == "" {
		problems = append(problems, "bot token missing (KRISENSTAB_MATTERMOST_BOT_TOKEN: the bot account's access token)")
	}
	if cfg.CommandToken == "" {
		problems = append(problems, "command token missing (KRISENSTAB_MATTERMOST_COMMAND_TOKEN: printed by `krisenstab mattermost setup`)")
	}
	if cfg.Team == "" {
		problems = append(problems, "team missing (the team name incident channels are created in)")
	}
	if cfg.Listen == "" {
		problems = append(problems, `listen address missing, e.g. ":8065"`)
	}
	if _, err := httpURL(cfg.PublicURL); err != nil {
		problems = append(problems, "public url (how the server reaches the bot): "+err.Error())
	}
	if !commandPattern.MatchString(cfg.Command) {
		problems = append(problems, fmt.Sprintf("command %q: use lower-case letters, digits, - or _", cfg.Command))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("mattermost config: %s", strings.Join(problems, "; "))
	}
	if cfg.Clock == nil {
		cfg.Clock = bot.SystemClock{}
	}
	api := model.NewAPIv4Client(cfg.URL)
	api.SetToken(cfg.BotToken)
	// The default client has no timeout; each call also has its ctx.
	api.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	return &Mattermost{
		cfg:       cfg,
		log:       log.With("platform", Name),
		clock:     cfg.Clock,
		api:       api,
		web:       &http.Client{Timeout: 15 * time.Second},
		wsURL:     wsURL,
		actionKey: deriveKey(cfg.BotToken),
		rand:      rand.Reader,
		ids:       map[string]string{},
		names:     map[string]string{},
		dms:       map[string]string{},
		ackBudget: 2500 * time.Millisecond,
		backoff:   backoff,
		dialer: &websocket.Dialer{
			Proxy:            http.ProxyFromEnvironment,
			HandshakeTimeout: 10 * time.Second,
			NetDialContext:   (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		},
		sem: make(chan struct{}, 32),
	}, nil
}

func httpURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || s == "" {
		return nil, errors.New("missing or malformed, use http(s)://host")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q: use http(s)://host", s)
	}
	return u, nil
}

// websocketURL turns the server URL into the ws(s) base the WebSocket
// client wants (it appends /api/v4/websocket); gorilla refuses http(s).
func websocketURL(server string) (string, error) {
	u, err := httpURL(server)
	if err != nil {
		return "", err
	}
	if u.Scheme == "https" {
		u.Scheme = "wss"
	} else {
		u.Scheme = "ws"
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func deriveKey(token string) []byte {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte("krisenstab mattermost action context v1"))
	return mac.Sum(nil)
}

// backoff doubles from 1 s up to 30 s.
func backoff(attempt int) time.Duration {
	d := time.Second
	for i := 1; i < attempt && d < 30*time.Second; i++ {
		d *= 2
	}
	return min(d, 30*time.Second)
}

// Name implements bot.Platform.
func (m *Mattermost) Name() string { return Name }

// Mention implements bot.Platform: Mattermost mentions by username.
func (m *Mattermost) Mention(user string) string { return "@" + normUser(user) }

func normUser(u string) string { return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(u), "@")) }

// self returns the bot's user ID, asking the server once.
func (m *Mattermost) self(ctx context.Context) (string, error) {
	m.mu.Lock()
	id := m.botUser
	m.mu.Unlock()
	if id != "" {
		return id, nil
	}
	me, resp, err := m.api.GetMe(ctx, "")
	if err != nil {
		return "", apiError("get me", resp, err, m.clock.Now())
	}
	m.setSelf(me)
	return me.Id, nil
}

func (m *Mattermost) setSelf(me *model.User) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.botUser = me.Id
	m.ids[me.Username] = me.Id
	m.names[me.Id] = me.Username
}

// botID is the bot's user ID if known; reactions by it are not the team's.
func (m *Mattermost) botID() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.botUser
}

// team returns the ID of the configured team, asking the server once.
func (m *Mattermost) team(ctx context.Context) (string, error) {
	m.mu.Lock()
	id := m.teamID
	m.mu.Unlock()
	if id != "" {
		return id, nil
	}
	t, resp, err := m.api.GetTeamByName(ctx, m.cfg.Team, "")
	if err != nil {
		return "", apiError("get team "+m.cfg.Team, resp, err, m.clock.Now())
	}
	m.mu.Lock()
	m.teamID = t.Id
	m.mu.Unlock()
	return t.Id, nil
}

// maxCachedUsers bounds the user caches; far above any crisis team, it
// only stops unbounded growth.
const maxCachedUsers = 10000

func (m *Mattermost) remember(id, username string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.ids) >= maxCachedUsers {
		m.ids, m.names = map[string]string{}, map[string]string{}
	}
	m.ids[username] = id
	m.names[id] = username
}

// userID looks up a username's ID (cached).
func (m *Mattermost) userID(ctx context.Context, username string) (string, error) {
	username = normUser(username)
	m.mu.Lock()
	id, ok := m.ids[username]
	m.mu.Unlock()
	if ok {
		return id, nil
	}
	u, resp, err := m.api.GetUserByUsername(ctx, username, "")
	if err != nil {
		return "", apiError("get user @"+username, resp, err, m.clock.Now())
	}
	m.remember(u.Id, u.Username)
	return u.Id, nil
}

// username looks up a user ID's username (cached): the roster and the
// runtime know people by username.
func (m *Mattermost) username(ctx context.Context, id string) (string, error) {
	m.mu.Lock()
	name, ok := m.names[id]
	m.mu.Unlock()
	if ok {
		return name, nil
	}
	u, resp, err := m.api.GetUser(ctx, id, "")
	if err != nil {
		return "", apiError("get user "+id, resp, err, m.clock.Now())
	}
	if u.Username == "" {
		return "", fmt.Errorf("mattermost get user %s: no username", id)
	}
	m.remember(u.Id, u.Username)
	return u.Username, nil
}

// maxNameTries bounds the suffixes tried when a channel name is taken.
const maxNameTries = 20

// CreateRoom implements bot.Platform: a channel in the configured team,
// private unless Config.Public, with the given users (usernames) added. A
// taken name gets a numeric suffix. Members that cannot be added are
// logged, not returned: the room exists and the incident must start.
func (m *Mattermost) CreateRoom(ctx context.Context, name string, users []string) (bot.Room, error) {
	teamID, err := m.team(ctx)
	if err != nil {
		return bot.Room{}, err
	}
	typ := model.ChannelTypePrivate
	if m.cfg.Public {
		typ = model.ChannelTypeOpen
	}
	base, display := channelName(name), displayName(name)
	var ch *model.Channel
	for n := 1; ; n++ {
		try, tryDisplay := base, display
		if n > 1 {
			suffix := "-" + strconv.Itoa(n)
			try = truncate(base, model.ChannelNameMaxLength-len(suffix)) + suffix
			tryDisplay = truncateRunes(display, model.ChannelDisplayNameMaxRunes-len(suffix)) + suffix
		}
		c, resp, err := m.api.CreateChannel(ctx, &model.Channel{TeamId: teamID, Name: try, DisplayName: tryDisplay, Type: typ})
		if err == nil {
			ch = c
			if ch.Name == "" {
				ch.Name = try
			}
			break
		}
		if nameTaken(err) && n < maxNameTries {
			continue
		}
		return bot.Room{}, apiError("create channel", resp, err, m.clock.Now())
	}
	self := m.botID()
	for _, u := range users {
		if normUser(u) == "" {
			continue
		}
		id, err := m.userID(ctx, u)
		if err != nil {
			m.log.Warn("incident room member unknown", "room", ch.Id, "user", u, "err", err)
			continue
		}
		if id == self {
			continue // the creator is a member already
		}
		if _, resp, err := m.api.AddChannelMember(ctx, ch.Id, id); err != nil {
			m.log.Warn("add to incident room failed", "room", ch.Id, "user", u, "err", apiError("add member", resp, err, m.clock.Now()))
		}
	}
	return bot.Room{Platform: Name, ID: ch.Id, Name: "~" + ch.Name}, nil
}

// nameTaken reports the server's answer to a channel name in use (also by
// an archived channel).
func nameTaken(err error) bool {
	var ae *model.AppError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.Id {
	case "store.sql_channel.save_channel.exists.app_error", "store.sql_channel.save_channel.previously.app_error":
		return true
	}
	return false
}

// Post implements bot.Platform.
func (m *Mattermost) Post(ctx context.Context, room bot.Room, msg bot.Message) (bot.Ref, error) {
	return m.post(ctx, room.ID, msg)
}

// DirectMessage implements bot.Platform; user is a username.
func (m *Mattermost) DirectMessage(ctx context.Context, user string, msg bot.Message) (bot.Ref, error) {
	ch, err := m.dm(ctx, user)
	if err != nil {
		return bot.Ref{}, err
	}
	return m.post(ctx, ch, msg)
}

// dm returns the direct channel between the bot and a user, opening it
// once (the server returns the existing one anyway).
func (m *Mattermost) dm(ctx context.Context, user string) (string, error) {
	user = normUser(user)
	m.mu.Lock()
	ch, ok := m.dms[user]
	m.mu.Unlock()
	if ok {
		return ch, nil
	}
	self, err := m.self(ctx)
	if err != nil {
		return "", err
	}
	id, err := m.userID(ctx, user)
	if err != nil {
		return "", err
	}
	c, resp, err := m.api.CreateDirectChannel(ctx, self, id)
	if err != nil {
		return "", apiError("create direct channel", resp, err, m.clock.Now())
	}
	m.mu.Lock()
	m.dms[user] = c.Id
	m.mu.Unlock()
	return c.Id, nil
}

// post sends a message; text beyond the post limit goes out as several
// posts in order, the buttons on the last, whose ref is returned (it is
// the one people react to). With a Key, each part carries a pending post
// ID derived from it, so the server's own deduplication (30 s) swallows a
// quick retry of a part that did arrive.
func (m *Mattermost) post(ctx context.Context, channel string, msg bot.Message) (bot.Ref, error) {
	parts := chunks(render(msg.Text), maxPostRunes)
	var ref bot.Ref
	for i, part := range parts {
		p := &model.Post{ChannelId: channel, Message: part}
		if msg.Key != "" {
			p.PendingPostId = pendingID(channel, msg.Key, i)
		}
		if i == len(parts)-1 && len(msg.Actions) > 0 {
			att, err := m.attachment(channel, msg.Actions)
			if err != nil {
				return bot.Ref{}, err
			}
			p.AddProp(model.PostPropsAttachments, []*model.MessageAttachment{att})
		}
		created, resp, err := m.api.CreatePost(ctx, p)
		if err != nil {
			return bot.Ref{}, apiError("create post", resp, err, m.clock.Now())
		}
		ref = bot.Ref{Platform: Name, Room: channel, ID: created.Id}
	}
	return ref, nil
}

func pendingID(channel, key string, part int) string {
	sum := sha256.Sum256([]byte(channel + "\x00" + key + "\x00" + strconv.Itoa(part)))
	return "krisenstab:" + hex.EncodeToString(sum[:16])
}

// Reactions implements bot.ReactionReader: the reactions on a post by
// normalised emoji, users as usernames, the bot's own left out.
func (m *Mattermost) Reactions(ctx context.Context, room bot.Room, msgID string) ([]bot.ReactionSet, error) {
	rs, resp, err := m.api.GetReactions(ctx, msgID)
	if err != nil {
		return nil, apiError("get reactions", resp, err, m.clock.Now())
	}
	self := m.botID()
	var out []bot.ReactionSet
	index := map[string]int{}
	seen := map[[2]string]bool{}
	for _, r := range rs {
		if r == nil || r.UserId == "" || r.UserId == self || r.DeleteAt != 0 {
			continue
		}
		name, err := m.username(ctx, r.UserId)
		if err != nil {
			return nil, err
		}
		e := emoji(r.EmojiName)
		if seen[[2]string{e, name}] {
			continue // ✅ and ✔ by the same person
		}
		seen[[2]string{e, name}] = true
		i, ok := index[e]
		if !ok {
			i = len(out)
			index[e] = i
			out = append(out, bot.ReactionSet{Emoji: e})
		}
		out[i].Users = append(out[i].Users, name)
	}
	return out, nil
}

// rateLimitError is a Mattermost 429; the dispatcher waits RetryAfter.
type rateLimitError struct {
	op   string
	wait time.Duration
	err  error
}

func (e *rateLimitError) Error() string {
	return fmt.Sprintf("mattermost %s: rate limited, retry after %s", e.op, e.wait)
}

// RetryAfter implements bot.RetryAfterError.
func (e *rateLimitError) RetryAfter() time.Duration { return e.wait }

func (e *rateLimitError) Unwrap() error { return e.err }

var _ bot.RetryAfterError = (*rateLimitError)(nil)

// apiError names the failed operation and turns a 429 into a
// bot.RetryAfterError. Mattermost answers 429 in plain text, so the
// library's error is no AppError: the status decides.
func apiError(op string, resp *model.Response, err error, now time.Time) error {
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		return &rateLimitError{op: op, wait: retryAfter(resp.Header, now), err: err}
	}
	return fmt.Errorf("mattermost %s: %w", op, scrub(err))
}

// retryAfter reads Retry-After (seconds or a date), else X-RateLimit-Reset
// (seconds until the bucket refills); 1 s if neither helps.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.Atoi(v); err == nil && s >= 0 {
			return max(time.Duration(s)*time.Second, time.Second)
		}
		if t, err := http.ParseTime(v); err == nil && t.After(now) {
			return t.Sub(now)
		}
	}
	if s, err := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Reset"))); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return time.Second
}

// scrub drops the path and query from URLs in transport errors: response
// URLs are short-lived credentials and stay out of logs.
func scrub(err error) error {
	ue, ok := errors.AsType[*url.Error](err)
	if !ok {
		return err
	}
	host := ue.URL
	if u, perr := url.Parse(ue.URL); perr == nil {
		host = u.Scheme + "://" + u.Host + "/…"
	}
	return fmt.Errorf("%s %s: %w", ue.Op, host, ue.Err)
}
