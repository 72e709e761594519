// Package console is the terminal platform: the embedded default, the
// offline fallback when every chat is down, and the test harness.
//
// Input, one chat message per line from the current person:
//
//	/crisis start Ransomware   a command (any "/<name>" prefix is accepted)
//	:as bernd                  the next lines are spoken by bernd
//	:room crisis-…             move to another room
//	:react ✅ m12              react to bot message m12 (:unreact takes it back)
//	:wait 30m                  wait (real time in a terminal; tests advance a clock)
//	# comment                  ignored, as is any other chat text
//
// Output: every bot message is a block whose first line is its ref and
// where it went: "[m12] #crisis-2026-11-22-ransomware" for a room post,
// "[m13] DM @anna" for a direct message, "[m14] → @anna" for an answer
// only the sender sees. Reactions refer to these refs.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/krisenstab/krisenstab/bot"
)

// Name is the platform key of the console.
const Name = "console"

// Handler is the part of the runtime the console drives.
type Handler interface {
	Handle(ctx context.Context, ev bot.Event) bot.Reply
}

// Options configure a console.
type Options struct {
	// Person speaks first (a roster ID).
	Person string
	// Flush delivers pending bot messages; called after each input line
	// and at the end of input, so output follows input in order.
	Flush func(ctx context.Context) error
	// Wait implements ":wait"; nil sleeps in real time.
	Wait func(ctx context.Context, d time.Duration) error
	// ShowKeys adds each message's delivery key to its header, to trace
	// at-least-once delivery (crash tests, debugging).
	ShowKeys bool
}

// Console is the terminal platform.
type Console struct {
	in   io.Reader
	opts Options

	mu     sync.Mutex
	out    io.Writer
	n      int
	person string
	room   string
	refs   map[string]bot.Ref
}

var _ bot.Platform = (*Console)(nil)

// New returns a console reading in and writing out.
func New(in io.Reader, out io.Writer, opts Options) *Console {
	return &Console{in: in, out: out, opts: opts, person: opts.Person, room: "lobby", refs: map[string]bot.Ref{}}
}

// Name implements bot.Platform.
func (c *Console) Name() string { return Name }

// CreateRoom implements bot.Platform. The console is one terminal, so the
// new room simply becomes the current one.
func (c *Console) CreateRoom(_ context.Context, name string, _ []string) (bot.Room, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.room = name
	return bot.Room{Platform: Name, ID: name, Name: "#" + name}, nil
}

// Post implements bot.Platform.
func (c *Console) Post(_ context.Context, room bot.Room, msg bot.Message) (bot.Ref, error) {
	return c.print(c.header("#"+room.ID, msg.Key), room.ID, msg.Text), nil
}

func (c *Console) header(h, key string) string {
	if c.opts.ShowKeys && key != "" {
		return h + " {" + key + "}"
	}
	return h
}

// DirectMessage implements bot.Platform.
func (c *Console) DirectMessage(_ context.Context, user string, msg bot.Message) (bot.Ref, error) {
	return c.print(c.header("DM "+c.Mention(user), msg.Key), "dm:"+user, msg.Text), nil
}

// Mention implements bot.Platform.
func (c *Console) Mention(user string) string { return "@" + user }

func (c *Console) print(header, room, text string) bot.Ref {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	id := fmt.Sprintf("m%d", c.n)
	fmt.Fprintf(c.out, "[%s] %s\n%s\n\n", id, header, strings.TrimRight(text, "\n"))
	ref := bot.Ref{Platform: Name, Room: room, ID: id}
	c.refs[id] = ref
	return ref
}

// Run reads input until it ends or ctx is cancelled, then delivers what is
// pending and returns.
func (c *Console) Run(ctx context.Context, h Handler) error {
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		// Owned by Run: it ends when input ends; Run does not wait for it
		// on cancellation because a blocked terminal read cannot be undone.
		defer close(lines)
		sc := bufio.NewScanner(c.in)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		readErr <- sc.Err()
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				if err := c.flush(ctx); err != nil {
					return err
				}
				select {
				case err := <-readErr:
					if err != nil {
						return fmt.Errorf("read input: %w", err)
					}
				default:
				}
				return nil
			}
			if err := c.line(ctx, h, line); err != nil {
				return err
			}
		}
	}
}

func (c *Console) flush(ctx context.Context) error {
	if c.opts.Flush == nil {
		return nil
	}
	return c.opts.Flush(ctx)
}

func (c *Console) line(ctx context.Context, h Handler, line string) error {
	line = strings.TrimSpace(line)
	switch {
	case line == "" || strings.HasPrefix(line, "#"):
		return nil
	case strings.HasPrefix(line, ":"):
		return c.directive(ctx, h, line)
	case strings.HasPrefix(line, "/"):
		_, text, _ := strings.Cut(line[1:], " ")
		c.mu.Lock()
		ev := bot.Event{Platform: Name, Room: c.room, User: c.person, Text: text}
		c.mu.Unlock()
		reply := h.Handle(ctx, ev)
		c.reply(reply)
		return c.flush(ctx)
	}
	return nil // ordinary chat: not for the bot
}

func (c *Console) reply(r bot.Reply) {
	if r.Text == "" && r.File == nil {
		return
	}
	text := r.Text
	if r.File != nil {
		if text != "" {
			text += "\n"
		}
		text += "— " + r.File.Name + " —\n" + string(r.File.Content)
	}
	c.print("→ "+c.Mention(c.person), "reply", text)
}

// react sends a reaction on a bot message: ":react ✅ m12" approves the
// draft m12 carries, ":react ❌ m12" rejects it, ":unreact ✅ m12" takes
// the approval back.
func (c *Console) react(ctx context.Context, h Handler, arg string, removed bool) error {
	emoji, id, ok := strings.Cut(arg, " ")
	id = strings.TrimPrefix(strings.Trim(strings.TrimSpace(id), "[]"), "#")
	c.mu.Lock()
	ref, known := c.refs[id]
	person := c.person
	c.mu.Unlock()
	if !ok {
		return c.note(":react needs an emoji and a message ref, e.g. :react ✅ m12")
	}
	if !known {
		return c.note("no bot message " + id)
	}
	ev := bot.Event{Platform: Name, Room: ref.Room, User: person,
		Reaction: &bot.Reaction{Emoji: Emoji(emoji), Message: ref.ID, Removed: removed}}
	c.reply(h.Handle(ctx, ev))
	return c.flush(ctx)
}

// Emoji normalises what a person types for approval and rejection.
func Emoji(s string) string {
	switch strings.Trim(strings.TrimSpace(s), ":") {
	case "✅", "✔️", "✔", "☑️", "white_check_mark", "heavy_check_mark", "ballot_box_with_check":
		return bot.ReactApprove
	case "❌", "✖️", "x", "heavy_multiplication_x":
		return bot.ReactReject
	case "👀", "eyes":
		return bot.ReactReview
	}
	return s
}

func (c *Console) directive(ctx context.Context, h Handler, line string) error {
	word, arg, _ := strings.Cut(line[1:], " ")
	arg = strings.TrimSpace(arg)
	switch word {
	case "as":
		if arg == "" {
			return c.note(":as needs a person ID")
		}
		c.mu.Lock()
		c.person = arg
		c.mu.Unlock()
	case "room":
		if arg == "" {
			return c.note(":room needs a room name")
		}
		c.mu.Lock()
		c.room = strings.TrimPrefix(arg, "#")
		c.mu.Unlock()
	case "wait":
		d, err := time.ParseDuration(arg)
		if err != nil || d < 0 {
			return c.note(":wait needs a duration like 30m")
		}
		if c.opts.Wait != nil {
			if err := c.opts.Wait(ctx, d); err != nil {
				return err
			}
		} else {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
		return c.flush(ctx)
	case "react", "unreact":
		return c.react(ctx, h, arg, word == "unreact")
	default:
		return c.note("unknown directive :" + word + " (known: :as :room :wait :react)")
	}
	return nil
}

// note prints a console-only hint (not a bot message, so it has no ref).
func (c *Console) note(s string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := fmt.Fprintf(c.out, "(console) %s\n\n", s)
	return err
}
