package bot

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
	"github.com/krisenstab/krisenstab/messages"
)

// Delivery limits.
const (
	deliveryTimeout = 15 * time.Second
	outboxBatch     = 200
	minBackoff      = time.Second
	maxBackoff      = 5 * time.Minute
)

// Dispatcher delivers the outbox: every notice to its room or person, at
// least once, in commit order per destination. A destination that fails is
// backed off on its own (exponentially, or as long as a rate limit says)
// while the others go on; its later notices wait so they are not
// reordered.
type Dispatcher struct {
	rt *Runtime

	mu      sync.Mutex // one delivery pass at a time
	backoff map[string]backoff
}

type backoff struct {
	until time.Time
	delay time.Duration
}

// NewDispatcher returns the dispatcher of rt; it starts nothing.
func NewDispatcher(rt *Runtime) *Dispatcher {
	return &Dispatcher{rt: rt, backoff: map[string]backoff{}}
}

// Run delivers until ctx ends. It wakes on commits and when a backoff ends.
func (d *Dispatcher) Run(ctx context.Context) error {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		wait, err := d.Flush(ctx)
		if err != nil && ctx.Err() == nil {
			d.rt.log.Error("deliver outbox", "err", err)
			wait = minBackoff * 10
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		var retry <-chan time.Time
		if wait > 0 {
			timer.Reset(wait)
			retry = timer.C
		}
		select {
		case <-ctx.Done():
			return nil
		case <-d.rt.kickDispatcher:
		case <-retry:
		}
	}
}

// Flush makes one pass over the outbox. It returns how long until the
// earliest backed-off destination may be tried again (0: nothing waits).
func (d *Dispatcher) Flush(ctx context.Context) (time.Duration, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	blocked := map[string]bool{}
	for {
		pending, err := d.rt.store.PendingNotices(ctx, outboxBatch)
		if err != nil {
			return 0, fmt.Errorf("pending notices: %w", err)
		}
		progress := false
		for _, pn := range pending {
			dest := destination(pn.Notice)
			if blocked[dest] {
				continue
			}
			now := d.rt.clock.Now()
			if b, ok := d.backoff[dest]; ok && now.Before(b.until) {
				blocked[dest] = true
				continue
			}
			err := d.deliver(ctx, pn.Notice)
			if err != nil {
				if ctx.Err() != nil {
					return 0, nil
				}
				d.fail(dest, err, now)
				blocked[dest] = true
				continue
			}
			delete(d.backoff, dest)
			if err := d.rt.store.DeleteNotice(ctx, pn.ID); err != nil {
				return 0, fmt.Errorf("delete notice %d: %w", pn.ID, err)
			}
			progress = true
		}
		if len(pending) < outboxBatch || !progress {
			break
		}
	}
	return d.nextRetry(), nil
}

func (d *Dispatcher) nextRetry() time.Duration {
	now := d.rt.clock.Now()
	var wait time.Duration
	for _, b := range d.backoff {
		if w := b.until.Sub(now); w > 0 && (wait == 0 || w < wait) {
			wait = w
		}
	}
	return wait
}

func (d *Dispatcher) fail(dest string, err error, now time.Time) {
	b := d.backoff[dest]
	b.delay = min(max(b.delay*2, minBackoff), maxBackoff)
	var ra RetryAfterError
	if errors.As(err, &ra) && ra.RetryAfter() > 0 {
		b.delay = ra.RetryAfter()
	}
	b.until = now.Add(b.delay)
	d.backoff[dest] = b
	d.rt.log.Warn("delivery failed", "destination", dest, "retry_in", b.delay.String(), "err", err)
}

func destination(n crisis.Notice) string {
	if n.Room != nil {
		return "room:" + n.Room.Platform + ":" + n.Room.ID
	}
	return "dm:" + string(n.Person)
}

// deliver renders and sends one notice. A panic in a platform adapter is
// recovered and treated as a failed delivery.
func (d *Dispatcher) deliver(ctx context.Context, n crisis.Notice) (err error) {
	defer func() {
		if r := recover(); r != nil {
			d.rt.log.Error("panic in delivery", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic in delivery: %v", r)
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, deliveryTimeout)
	defer cancel()
	return d.rt.deliver(ctx, n)
}

func (rt *Runtime) deliver(ctx context.Context, n crisis.Notice) error {
	st, found, err := rt.load(ctx, n.Incident)
	if err != nil {
		return fmt.Errorf("load %s: %w", n.Incident, err)
	}
	if !found {
		rt.log.Error("notice for unknown incident dropped", "incident", n.Incident)
		return nil
	}
	ev, err := rt.store.Event(ctx, n.Incident, n.Seq)
	if err != nil {
		return fmt.Errorf("load event %s/%d: %w", n.Incident, n.Seq, err)
	}
	if n.Room != nil {
		p, ok := rt.platforms[n.Room.Platform]
		if !ok {
			rt.log.Warn("notice for unconfigured platform dropped", "platform", n.Room.Platform, "incident", n.Incident)
			return nil
		}
		lang := rt.cfg.Lang
		if st.Lang != "" {
			lang = messages.Lang(st.Lang)
		}
		if rel, ok := ev.Data.(crisis.Released); ok && !st.HasRoom(n.Room.Platform, n.Room.ID) {
			return rt.publish(ctx, p, st, n, rel)
		}
		text, err := rt.msgs.Notice(rt.view(lang), st, ev, "")
		if err != nil {
			return fmt.Errorf("render notice: %w", err)
		}
		msg := Message{Text: rt.mentions(p, text), Key: n.Key()}
		draft, rev, isDraft := draftRev(ev)
		if isDraft {
			msg.Actions = rt.draftActions(lang)
		}
		ref, err := p.Post(ctx, *n.Room, msg)
		if err == nil && isDraft {
			// Keyed by the post too: a redelivery after a crash is a second
			// post people may react to, so it is recorded as well.
			rt.record(ctx, n.Incident, n.Key()+"@"+ref.ID, crisis.RecordPost{Draft: draft, Rev: rev,
				Post: crisis.Post{Rev: rev, Room: *n.Room, Ref: ref.ID}})
		}
		return err
	}
	person := rt.roster.byID[n.Person]
	if person == nil {
		rt.log.Warn("notice for unknown person dropped", "person", n.Person)
		return nil
	}
	p, user := rt.reach(st, person)
	if p == nil {
		rt.log.Warn("person unreachable on any configured platform", "person", n.Person)
		return nil
	}
	text, err := rt.msgs.Notice(rt.view(rt.langOf(person)), st, ev, person.ID)
	if err != nil {
		return fmt.Errorf("render notice: %w", err)
	}
	_, err = p.DirectMessage(ctx, user, Message{Text: rt.mentions(p, text), Key: n.Key()})
	return err
}

// publish posts exactly the released text to a stakeholder room and
// records the delivery, or the first failure, in the timeline.
func (rt *Runtime) publish(ctx context.Context, p Platform, st crisis.State, n crisis.Notice, rel crisis.Released) error {
	d := st.Draft(rel.Draft)
	if d == nil || rel.Rev < 1 || rel.Rev > len(d.Revs) {
		rt.log.Error("release of unknown draft revision dropped", "incident", n.Incident, "draft", rel.Draft)
		return nil
	}
	ref, err := p.Post(ctx, *n.Room, Message{Text: d.Revs[rel.Rev-1].Text, Key: n.Key()})
	if err != nil {
		if _, seen := rt.failedOnce.LoadOrStore(n.Key(), true); !seen {
			rt.record(ctx, n.Incident, "fail:"+n.Key(), crisis.RecordFailure{Draft: rel.Draft, Room: *n.Room, Error: err.Error()})
		}
		return err
	}
	rt.record(ctx, n.Incident, n.Key()+"@"+ref.ID, crisis.RecordPublished{Draft: rel.Draft,
		Post: crisis.Post{Rev: rel.Rev, Room: *n.Room, Ref: ref.ID}})
	return nil
}

// reach picks where to DM a person: the first platform of the incident's
// rooms where they have an account, else any configured platform.
func (rt *Runtime) reach(st crisis.State, person *Person) (Platform, string) {
	for _, r := range st.Rooms {
		if u, ok := person.Accounts[r.Platform]; ok {
			if p, ok := rt.platforms[r.Platform]; ok {
				return p, u
			}
		}
	}
	for _, name := range rt.order {
		if u, ok := person.Accounts[name]; ok {
			return rt.platforms[name], u
		}
	}
	return nil, ""
}

// mentions turns neutral mention tokens into the platform's form, or the
// person's name where they have no account there.
func (rt *Runtime) mentions(p Platform, text string) string {
	return messages.ReplaceMentions(text, func(id crisis.PersonID) string {
		person := rt.roster.byID[id]
		if person == nil {
			return string(id)
		}
		if u, ok := person.Accounts[p.Name()]; ok {
			return p.Mention(u)
		}
		return rt.roster.name(id)
	})
}

// Tick runs one scheduler pass and one delivery pass synchronously. The
// console uses it after advancing a test clock, so scripted sessions are
// deterministic.
func (rt *Runtime) Tick(ctx context.Context, d *Dispatcher) error {
	if _, err := rt.FireDue(ctx); err != nil {
		return err
	}
	_, err := d.Flush(ctx)
	return err
}
