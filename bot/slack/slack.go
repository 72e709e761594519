package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/krisenstab/krisenstab/bot"
)

// Name is the platform key of Slack.
const Name = "slack"

// Receiving modes.
const (
	ModeSocket = "socket"
	ModeHTTP   = "http"
)

// Config configures the Slack platform. cmd fills it from the config file
// and the environment; the package reads neither.
type Config struct {
	BotToken      string // xoxb-…, for every Web API call
	AppToken      string // xapp-… with connections:write, Socket Mode only
	SigningSecret string // HTTP mode only
	Mode          string // ModeSocket (default) or ModeHTTP
	Listen        string // HTTP mode: listen address, e.g. ":8080"
	Command       string // slash command without "/", default "crisis"
	APIURL        string // Web API base URL; tests point it at slacktest
	Clock         bot.Clock
	// Public makes incident rooms public channels. The default is private:
	// an attacker inside the network may read public ones.
	Public bool
}

// LogValue keeps the tokens out of logs.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("mode", c.Mode),
		slog.String("listen", c.Listen),
		slog.String("command", c.Command),
		slog.String("bot_token", redact(c.BotToken)),
		slog.String("app_token", redact(c.AppToken)),
		slog.String("signing_secret", redact(c.SigningSecret)),
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

var commandPattern = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)

// Scopes are the bot token scopes the adapter's calls need; manifest.yaml
// must ask for exactly these (a test checks it).
var Scopes = []string{
	"commands",       // the slash command
	"chat:write",     // chat.postMessage, chat.postEphemeral
	"groups:write",   // conversations.create/invite for private incident channels
	"im:write",       // conversations.open for direct messages
	"reactions:read", // reaction events and reactions.get (reconcile)
	"files:write",    // exports as file uploads
}

// BotEvents are the events the adapter handles.
var BotEvents = []string{"reaction_added", "reaction_removed"}

// Slack is the Slack platform. Create it with New.
type Slack struct {
	cfg   Config
	log   *slog.Logger
	clock bot.Clock
	api   *slack.Client

	// botUser is the bot's own user ID, learnt by Run (auth.test); its
	// reactions (e.g. a seeded ✅) are not the team's.
	botUser string

	mu  sync.Mutex
	dms map[string]string // user ID -> DM channel ID

	// ackBudget is how long a slash command may run before it is
	// acknowledged empty and answered later; Slack's limit is 3 s.
	ackBudget time.Duration
	// work tracks the goroutines that handle events; sem bounds them.
	work sync.WaitGroup
	sem  chan struct{}
}

var _ bot.Platform = (*Slack)(nil)

// New checks cfg and returns the platform. It makes no network call and
// starts nothing.
func New(cfg Config, log *slog.Logger) (*Slack, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Mode == "" {
		cfg.Mode = ModeSocket
	}
	cfg.Command = strings.TrimPrefix(cfg.Command, "/")
	if cfg.Command == "" {
		cfg.Command = "crisis"
	}
	var problems []string
	if cfg.BotToken == "" {
		problems = append(problems, "bot token missing (KRISENSTAB_SLACK_BOT_TOKEN, xoxb-…)")
	} else if !strings.HasPrefix(cfg.BotToken, "xoxb-") {
		problems = append(problems, "bot token must be a bot token starting with xoxb-")
	}
	switch cfg.Mode {
	case ModeSocket:
		if cfg.AppToken == "" {
			problems = append(problems, "socket mode needs an app-level token (KRISENSTAB_SLACK_APP_TOKEN, xapp-… with connections:write)")
		} else if !strings.HasPrefix(cfg.AppToken, "xapp-") {
			problems = append(problems, "app token must be an app-level token starting with xapp-")
		}
	case ModeHTTP:
		if cfg.SigningSecret == "" {
			problems = append(problems, "http mode needs the signing secret (KRISENSTAB_SLACK_SIGNING_SECRET)")
		}
		if cfg.Listen == "" {
			problems = append(problems, `http mode needs a listen address, e.g. ":8080"`)
		}
	default:
		problems = append(problems, fmt.Sprintf("mode %q unknown (use %q or %q)", cfg.Mode, ModeSocket, ModeHTTP))
	}
	if !commandPattern.MatchString(cfg.Command) {
		problems = append(problems, fmt.Sprintf("command %q: use lower-case letters, digits, - or _ (max 32)", cfg.Command))
	}
	if cfg.APIURL != "" && !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/" // slack-go appends the method name
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("slack config: %s", strings.Join(problems, "; "))
	}
	if cfg.Clock == nil {
		cfg.Clock = bot.SystemClock{}
	}
	log = log.With("platform", Name)
	opts := []slack.Option{
		// The default client has no timeout; each call also has its ctx.
		slack.OptionHTTPClient(&http.Client{Timeout: 30 * time.Second}),
		slack.OptionLog(slog.NewLogLogger(log.Handler(), slog.LevelDebug)),
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	if cfg.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(cfg.APIURL))
	}
	return &Slack{
		cfg:       cfg,
		log:       log,
		clock:     cfg.Clock,
		api:       slack.New(cfg.BotToken, opts...),
		dms:       map[string]string{},
		ackBudget: 2500 * time.Millisecond,
		sem:       make(chan struct{}, 32),
	}, nil
}

// Name implements bot.Platform.
func (s *Slack) Name() string { return Name }

// Mention implements bot.Platform.
func (s *Slack) Mention(user string) string { return "<@" + user + ">" }

// maxNameTries bounds the suffixes tried when a channel name is taken.
const maxNameTries = 20

// CreateRoom implements bot.Platform. Incident rooms are private channels:
// the attacker may read public ones. A taken name gets a numeric suffix.
// Invitations that fail are logged, not returned: the room exists and the
// incident must start; people can still be invited by command.
func (s *Slack) CreateRoom(ctx context.Context, name string, users []string) (bot.Room, error) {
	base := channelName(name)
	var ch *slack.Channel
	for n := 1; ; n++ {
		try := base
		if n > 1 {
			suffix := "-" + strconv.Itoa(n)
			try = truncate(base, maxChannelName-len(suffix)) + suffix
		}
		c, err := s.api.CreateConversationContext(ctx, slack.CreateConversationParams{ChannelName: try, IsPrivate: !s.cfg.Public})
		if err == nil {
			ch = c
			break
		}
		var se slack.SlackErrorResponse
		if errors.As(err, &se) && se.Err == "name_taken" && n < maxNameTries {
			continue
		}
		return bot.Room{}, apiError("conversations.create", err)
	}
	invite := make([]string, 0, len(users))
	for _, u := range users {
		if u != "" && u != s.botUser {
			invite = append(invite, u)
		}
	}
	if len(invite) > 0 {
		if _, err := s.api.InviteUsersToConversationContext(ctx, ch.ID, invite...); err != nil {
			s.log.Warn("invite to incident room failed", "room", ch.ID, "users", len(invite), "err", err)
		}
	}
	chName := ch.Name
	if chName == "" {
		chName = base
	}
	return bot.Room{Platform: Name, ID: ch.ID, Name: "#" + chName}, nil
}

// Reactions implements bot.ReactionReader: the reactions on a message, to
// pick up approvals given while the bot was disconnected. The bot's own
// reactions are left out.
func (s *Slack) Reactions(ctx context.Context, room bot.Room, msgID string) ([]bot.ReactionSet, error) {
	item, err := s.api.GetReactionsContext(ctx, slack.NewRefToMessage(room.ID, msgID), slack.GetReactionsParameters{Full: true})
	if err != nil {
		return nil, apiError("reactions.get", err)
	}
	self := s.self()
	var out []bot.ReactionSet
	for _, r := range item.Reactions {
		set := bot.ReactionSet{Emoji: emoji(r.Name)}
		for _, u := range r.Users {
			if u != self {
				set.Users = append(set.Users, u)
			}
		}
		if len(set.Users) > 0 {
			out = append(out, set)
		}
	}
	return out, nil
}

// Post implements bot.Platform.
func (s *Slack) Post(ctx context.Context, room bot.Room, msg bot.Message) (bot.Ref, error) {
	return s.post(ctx, room.ID, msg)
}

// DirectMessage implements bot.Platform.
func (s *Slack) DirectMessage(ctx context.Context, user string, msg bot.Message) (bot.Ref, error) {
	ch, err := s.dm(ctx, user)
	if err != nil {
		return bot.Ref{}, err
	}
	return s.post(ctx, ch, msg)
}

// dm returns the DM channel with user, opening it once.
func (s *Slack) dm(ctx context.Context, user string) (string, error) {
	s.mu.Lock()
	ch, ok := s.dms[user]
	s.mu.Unlock()
	if ok {
		return ch, nil
	}
	c, _, _, err := s.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
	if err != nil {
		return "", apiError("conversations.open", err)
	}
	if c == nil || c.ID == "" {
		return "", fmt.Errorf("slack conversations.open: no channel for %s", user)
	}
	s.mu.Lock()
	s.dms[user] = c.ID
	s.mu.Unlock()
	return c.ID, nil
}

// post sends a message; text beyond Slack's limit goes out as several
// posts in order, the buttons on the last, whose ref is returned (it is the
// one people react to). A retry after a failed part resends the whole
// message: at-least-once, like every delivery.
func (s *Slack) post(ctx context.Context, channel string, msg bot.Message) (bot.Ref, error) {
	parts := chunks(msg.Text, maxMessageText)
	var ref bot.Ref
	for i, part := range parts {
		var actions []bot.Action
		if i == len(parts)-1 {
			actions = msg.Actions
		}
		ch, ts, err := s.api.PostMessageContext(ctx, channel, messageOptions(part, actions)...)
		if err != nil {
			return bot.Ref{}, apiError("chat.postMessage", err)
		}
		if ch == "" {
			ch = channel
		}
		ref = bot.Ref{Platform: Name, Room: ch, ID: ts}
	}
	return ref, nil
}

// messageOptions renders neutral text and buttons for chat.postMessage.
func messageOptions(text string, actions []bot.Action) []slack.MsgOption {
	md := mrkdwn(text)
	opts := []slack.MsgOption{
		// Escaping is done by mrkdwn: the library's would break mentions.
		slack.MsgOptionText(md, false),
		slack.MsgOptionDisableLinkUnfurl(),
	}
	if len(actions) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(blocks(md, actions)...))
	}
	return opts
}

// rateLimitError is a Slack 429; the dispatcher waits RetryAfter.
type rateLimitError struct {
	method string
	wait   time.Duration
	err    *slack.RateLimitedError
}

func (e *rateLimitError) Error() string {
	return fmt.Sprintf("slack %s: rate limited, retry after %s", e.method, e.wait)
}

// RetryAfter implements bot.RetryAfterError.
func (e *rateLimitError) RetryAfter() time.Duration { return e.wait }

func (e *rateLimitError) Unwrap() error { return e.err }

var _ bot.RetryAfterError = (*rateLimitError)(nil)

// apiError names the failed method and turns rate limits into a
// bot.RetryAfterError.
func apiError(method string, err error) error {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return &rateLimitError{method: method, wait: rl.RetryAfter, err: rl}
	}
	return fmt.Errorf("slack %s: %w", method, err)
}
