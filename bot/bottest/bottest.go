// Package bottest holds test doubles for the runtime: a settable clock and
// a recording platform. Only tests import it.
package bottest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/krisenstab/krisenstab/bot"
)

// Clock is a manual clock, safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t.UTC()} }

// Now implements bot.Clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t.UTC()
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Sent is one message a Platform received.
type Sent struct {
	Room    string // room ID, or "" for a DM
	User    string // DM recipient
	Text    string
	Key     string
	Actions []bot.Action
}

// Platform records everything posted to it. Fail makes the next posts fail
// (to test backoff); its methods are safe for concurrent use.
type Platform struct {
	PlatformName string

	mu    sync.Mutex
	sent  []Sent
	rooms []string
	fail  int
	err   error
}

var _ bot.Platform = (*Platform)(nil)

// Name implements bot.Platform.
func (p *Platform) Name() string { return p.PlatformName }

// CreateRoom implements bot.Platform.
func (p *Platform) CreateRoom(_ context.Context, name string, _ []string) (bot.Room, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rooms = append(p.rooms, name)
	return bot.Room{Platform: p.PlatformName, ID: "R-" + name, Name: "#" + name}, nil
}

// Post implements bot.Platform.
func (p *Platform) Post(_ context.Context, room bot.Room, msg bot.Message) (bot.Ref, error) {
	return p.record(Sent{Room: room.ID, Text: msg.Text, Key: msg.Key, Actions: msg.Actions})
}

// DirectMessage implements bot.Platform.
func (p *Platform) DirectMessage(_ context.Context, user string, msg bot.Message) (bot.Ref, error) {
	return p.record(Sent{User: user, Text: msg.Text, Key: msg.Key})
}

// Mention implements bot.Platform.
func (p *Platform) Mention(user string) string { return "<@" + user + ">" }

func (p *Platform) record(s Sent) (bot.Ref, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail > 0 {
		p.fail--
		return bot.Ref{}, p.err
	}
	p.sent = append(p.sent, s)
	return bot.Ref{Platform: p.PlatformName, Room: s.Room, ID: fmt.Sprint(len(p.sent))}, nil
}

// FailNext makes the next n deliveries fail with err.
func (p *Platform) FailNext(n int, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fail, p.err = n, err
}

// Sent returns a copy of everything delivered so far.
func (p *Platform) Sent() []Sent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Sent(nil), p.sent...)
}

// Rooms returns the names of the rooms created so far.
func (p *Platform) Rooms() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.rooms...)
}
