package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/krisenstab/krisenstab"
	"github.com/krisenstab/krisenstab/bot"
	"github.com/krisenstab/krisenstab/bot/console"
	"github.com/krisenstab/krisenstab/bot/mattermost"
	"github.com/krisenstab/krisenstab/bot/slack"
	"github.com/krisenstab/krisenstab/crisis"
	"github.com/krisenstab/krisenstab/messages"
	"github.com/krisenstab/krisenstab/store"
)

var _ bot.Store = (*store.Store)(nil)

// deps are what tests replace: the clock and, with it, how the console
// waits. With a clock set, run drives the scheduler and dispatcher
// synchronously from the console (deterministic scripted sessions).
type deps struct {
	clock interface {
		bot.Clock
		Advance(time.Duration)
	}
	showKeys bool
}

const usage = `usage: krisenstab [command] [flags]

commands:
  run      start the bot (default); on the terminal unless a chat platform is configured
  check    validate the configuration file
  export   write an incident's timeline: export --incident ID [--format md|json] [--out FILE]
  verify   verify a JSON export's hash chain: verify FILE
  backup   write a backup of the data: backup FILE
  restore  restore a backup into an empty data folder: restore FILE
  incidents list the incidents
  mattermost setup  register the slash command on the Mattermost server
                    (admin token in KRISENSTAB_MATTERMOST_ADMIN_TOKEN)

flags:
  --config FILE   configuration (default: ./krisenstab.yaml if present, else the embedded example)
  --data DIR      data folder (default: data_dir of the configuration)
`

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer, d deps) int {
	cmd, sub := "run", ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	// "mattermost setup": the sub-command comes before the flags.
	if cmd == "mattermost" && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("krisenstab "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	configPath := fs.String("config", "", "configuration file")
	dataDir := fs.String("data", "", "data folder")
	incident := fs.String("incident", "", "incident ID (export)")
	format := fs.String("format", "md", "export format: md or json")
	out := fs.String("out", "", "output file (export; default stdout)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	log := newLogger(stderr, getenv("KRISENSTAB_LOG_LEVEL"))
	if cmd == "help" || cmd == "-h" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if cmd == "verify" {
		return verify(fs.Args(), stdout, stderr)
	}
	path := *configPath
	if path == "" {
		if _, err := os.Stat("krisenstab.yaml"); err == nil {
			path = "krisenstab.yaml"
		}
	}
	cfg, err := LoadConfig(path, krisenstab.ExampleConfig)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if *dataDir != "" {
		cfg.DataDir = *dataDir
	}
	switch cmd {
	case "check":
		name := path
		if name == "" {
			name = "embedded example configuration"
		}
		if cfg.Slack != nil {
			if _, _, _, err := cfg.SlackSecrets(getenv); err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
		}
		if cfg.Mattermost != nil {
			if _, _, err := cfg.MattermostSecrets(getenv); err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
		}
		fmt.Fprintf(stdout, "%s: ok (%d people, language %s, zone %s)\n", name, len(cfg.Runtime.People), cfg.Runtime.Lang, cfg.Runtime.Zone)
		return 0
	case "mattermost":
		if sub != "setup" || len(fs.Args()) > 0 {
			fmt.Fprint(stderr, usage)
			return 2
		}
		return mattermostSetup(ctx, cfg, getenv, stdout, stderr)
	case "run", "export", "backup", "restore", "incidents":
	default:
		fmt.Fprintf(stderr, "unknown command %q\n%s", cmd, usage)
		return 2
	}
	st, err := store.Open(cfg.DataDir, store.Options{Logger: log})
	if err != nil {
		fmt.Fprintf(stderr, "open data folder %s: %v\n", cfg.DataDir, err)
		return 1
	}
	defer st.Close()
	switch cmd {
	case "backup", "restore":
		return backupRestore(ctx, cmd, st, fs.Args(), stdout, stderr)
	}
	msgs, err := messages.New()
	if err != nil {
		fmt.Fprintf(stderr, "load message templates: %v\n", err)
		return 1
	}
	var clock bot.Clock = bot.SystemClock{}
	if d.clock != nil {
		clock = d.clock
	}
	switch cmd {
	case "incidents":
		ids, err := st.Incidents(ctx)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		for _, id := range ids {
			fmt.Fprintln(stdout, id)
		}
		return 0
	case "export":
		rt := bot.New(cfg.Runtime, st, clock, log, msgs)
		return export(ctx, rt, cfg, *incident, *format, *out, stdout, stderr)
	}
	var chats []chat
	if cfg.Slack != nil {
		botToken, appToken, secret, err := cfg.SlackSecrets(getenv)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		sl, err := slack.New(slack.Config{BotToken: botToken, AppToken: appToken, SigningSecret: secret,
			Mode: cfg.Slack.Mode, Listen: cfg.Slack.Listen, Command: cfg.Runtime.Command, Public: cfg.Slack.Public,
			Clock: clock, APIURL: getenv("KRISENSTAB_SLACK_API_URL")}, log)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		chats = append(chats, chat{sl, func(ctx context.Context, rt *bot.Runtime) error { return sl.Run(ctx, rt) }})
	}
	if m := cfg.Mattermost; m != nil {
		botToken, commandToken, err := cfg.MattermostSecrets(getenv)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		mm, err := mattermost.New(mattermost.Config{URL: m.URL, BotToken: botToken, CommandToken: commandToken,
			Team: m.Team, Listen: m.Listen, PublicURL: m.PublicURL, Command: cfg.Runtime.Command, Public: m.Public,
			Clock: clock}, log)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		chats = append(chats, chat{mm, func(ctx context.Context, rt *bot.Runtime) error { return mm.Run(ctx, rt) }})
	}
	return serve(ctx, cfg, st, msgs, clock, log, stdin, stdout, d, chats)
}

// chat is a configured chat platform and how to run it.
type chat struct {
	platform bot.Platform
	run      func(ctx context.Context, rt *bot.Runtime) error
}

func serve(ctx context.Context, cfg *Config, st *store.Store, msgs *messages.Renderer, clock bot.Clock, log *slog.Logger, stdin io.Reader, stdout io.Writer, d deps, chats []chat) int {
	var rt *bot.Runtime
	var disp *bot.Dispatcher
	opts := console.Options{Person: cfg.Console.Person, ShowKeys: d.showKeys}
	opts.Flush = func(ctx context.Context) error {
		_, err := disp.Flush(ctx)
		return err
	}
	if d.clock != nil {
		opts.Wait = func(ctx context.Context, dur time.Duration) error {
			d.clock.Advance(dur)
			return rt.Tick(ctx, disp)
		}
	}
	con := console.New(stdin, stdout, opts)
	platforms := []bot.Platform{con}
	for _, c := range chats {
		platforms = append(platforms, c.platform)
	}
	rt = bot.New(cfg.Runtime, st, clock, log, msgs, platforms...)
	disp = bot.NewDispatcher(rt)
	// Catch up first: what fell due while the bot was down is sent once,
	// consolidated, before new input is served.
	if err := rt.Tick(ctx, disp); err != nil {
		log.Error("catch up", "err", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return st.Run(gctx) })
	if d.clock == nil {
		g.Go(func() error { return bot.NewScheduler(rt).Run(gctx) })
		g.Go(func() error { return disp.Run(gctx) })
	}
	for _, c := range chats {
		g.Go(func() error { return c.run(gctx, rt) })
	}
	g.Go(func() error {
		// On the terminal alone, end of input ends the bot; with a chat
		// platform the bot runs until it is stopped (SIGINT, SIGTERM) and
		// the terminal stays available as the fallback.
		if len(chats) == 0 {
			defer cancel()
		}
		return con.Run(gctx, rt)
	})
	if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) {
		log.Error("bot stopped", "err", err)
		return 1
	}
	return 0
}

func export(ctx context.Context, rt *bot.Runtime, cfg *Config, id, format, out string, stdout, stderr io.Writer) int {
	if id == "" {
		fmt.Fprintln(stderr, "export needs --incident ID (see: krisenstab incidents)")
		return 2
	}
	w := stdout
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		defer f.Close()
		w = f
	}
	if err := rt.WriteExport(ctx, w, cfg.Runtime.Lang, crisis.IncidentID(id), format); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

func verify(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: krisenstab verify FILE")
		return 2
	}
	f, err := os.Open(args[0])
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer f.Close()
	doc, err := bot.VerifyExport(f)
	if err != nil {
		fmt.Fprintf(stderr, "%s: NOT verified: %v\n", args[0], err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: verified: incident %s, %d events, head %s\n", args[0], doc.Incident, len(doc.Events), doc.HeadHash)
	return 0
}

func backupRestore(ctx context.Context, cmd string, st *store.Store, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintf(stderr, "usage: krisenstab %s FILE\n", cmd)
		return 2
	}
	if cmd == "backup" {
		f, err := os.Create(args[0])
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		if err := st.Backup(ctx, f); err != nil {
			f.Close()
			fmt.Fprintln(stderr, err)
			return 1
		}
		if err := f.Close(); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "backup written to %s\n", args[0])
		return 0
	}
	f, err := os.Open(args[0])
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer f.Close()
	if err := st.Restore(ctx, f); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "restored from %s\n", args[0])
	return 0
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil || level == "" {
		l = slog.LevelWarn
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}
