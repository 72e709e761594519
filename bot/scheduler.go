package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
)

// dueBatch bounds one pass over the due index.
const dueBatch = 500

// Scheduler sends reminders when they fall due. It keeps one timer, armed
// for the earliest entry of the store's due index; a commit that writes an
// earlier entry kicks it to re-arm. No polling: idle means one sleeping
// timer. Entries that fell due while the bot was down are sent on the first
// pass, one consolidated ping per target (crisis.FireReminder covers every
// missed step).
type Scheduler struct {
	rt *Runtime
}

// NewScheduler returns the scheduler of rt; it starts nothing.
func NewScheduler(rt *Runtime) *Scheduler { return &Scheduler{rt: rt} }

// Run fires reminders until ctx ends.
func (s *Scheduler) Run(ctx context.Context) error {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		if _, err := s.rt.FireDue(ctx); err != nil && ctx.Err() == nil {
			s.rt.log.Error("fire reminders", "err", err)
		}
		wait := time.Duration(-1)
		next, found, err := s.rt.store.NextReminder(ctx)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil
			}
			s.rt.log.Error("next reminder", "err", err)
			wait = time.Minute // storage trouble: retry, but do not spin
		case found:
			wait = max(next.At.Sub(s.rt.clock.Now()), 0)
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		var fire <-chan time.Time
		if wait >= 0 {
			timer.Reset(wait)
			fire = timer.C
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.rt.kickScheduler:
		case <-fire:
		}
	}
}

// FireDue sends every reminder due at the clock's now and returns how many
// it sent. Each is its own committed change (a ReminderSent event, its
// notices and the incident's next reminders), deduplicated by target and
// step, so a crash between two never loses or doubles one.
func (rt *Runtime) FireDue(ctx context.Context) (int, error) {
	sent := 0
	for {
		now := rt.clock.Now()
		due, err := rt.store.DueReminders(ctx, now, dueBatch)
		if err != nil {
			return sent, fmt.Errorf("due reminders: %w", err)
		}
		if len(due) == 0 {
			return sent, nil
		}
		progress := false
		for _, r := range due {
			ok, err := rt.fire(ctx, r, now)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
				progress = true
			}
		}
		if !progress {
			return sent, nil
		}
	}
}

func (rt *Runtime) fire(ctx context.Context, r crisis.Reminder, now time.Time) (bool, error) {
	key := "reminder/" + r.Key() + "/" + now.Format(time.RFC3339Nano)
	_, err := rt.apply(ctx, r.Incident, "", crisis.FireReminder{Target: r.Target}, now, key, nil)
	var de *crisis.Error
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &de):
		// The due index disagrees with the state (e.g. the ladder changed in
		// the config): rewrite the incident's reminders from its state.
		rt.log.Warn("stale reminder", "incident", r.Incident, "target", r.Target.String(), "code", de.Code)
		return false, rt.resync(ctx, r.Incident)
	default:
		var dup interface{ Duplicate() bool }
		if errors.As(err, &dup) && dup.Duplicate() {
			return false, nil
		}
		return false, fmt.Errorf("fire %s: %w", r.Key(), err)
	}
}

// resync replaces an incident's due entries with those derived from its
// state, so a stale entry cannot fire again and again.
func (rt *Runtime) resync(ctx context.Context, id crisis.IncidentID) error {
	defer rt.lock(id)()
	st, found, err := rt.load(ctx, id)
	if err != nil || !found {
		return err
	}
	now := rt.clock.Now()
	rems := crisis.Reminders(st, rt.cfg.Policy, now)
	// Drop entries that are due now but would fire nothing; they would
	// loop otherwise. Due entries that do fire stay.
	env := rt.env
	keep := rems[:0]
	for _, r := range rems {
		if r.At.After(now) {
			keep = append(keep, r)
		} else if _, err := crisis.Decide(st, env, "", crisis.FireReminder{Target: r.Target}, now); err == nil {
			keep = append(keep, r)
		}
	}
	return rt.store.SetReminders(ctx, id, keep)
}
