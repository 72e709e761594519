package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// runSocket receives over Socket Mode until ctx ends or the client gives
// up (bad tokens).
func (s *Slack) runSocket(ctx context.Context, h Handler) error {
	sm := socketmode.New(s.api, socketmode.OptionLog(slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg     sync.WaitGroup
		runErr error
	)
	wg.Go(func() {
		// RunContext reconnects by itself; it returns on cancellation or
		// on a fatal error, which must end Run.
		defer cancel()
		runErr = sm.RunContext(ctx)
	})
	// sm.Events is never closed: drain it until ctx ends, or the reader
	// blocks and nothing gets acknowledged.
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			if runErr != nil && !errors.Is(runErr, context.Canceled) {
				return fmt.Errorf("slack socket mode: %w", runErr)
			}
			return nil
		case evt := <-sm.Events:
			s.socketEvent(ctx, sm, h, evt)
		}
	}
}

func (s *Slack) socketEvent(ctx context.Context, sm *socketmode.Client, h Handler, evt socketmode.Event) {
	ack := func(payload any) {
		if evt.Request == nil {
			return
		}
		if err := sm.AckCtx(ctx, evt.Request.EnvelopeID, payload); err != nil {
			s.log.Warn("socket mode ack failed", "envelope_id", evt.Request.EnvelopeID, "err", err)
		}
	}
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		s.log.Debug("socket mode connecting")
	case socketmode.EventTypeConnected:
		s.log.Info("socket mode connected")
		s.reconcile(ctx, h)
	case socketmode.EventTypeHello, socketmode.EventTypeDisconnect:
		s.log.Debug("socket mode", "type", string(evt.Type))
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth,
		socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage, socketmode.EventTypeErrorWriteFailed:
		s.log.Warn("socket mode trouble", "type", string(evt.Type), "detail", fmt.Sprint(evt.Data))
	case socketmode.EventTypeEventsAPI:
		ack(nil)
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok {
			return
		}
		if ev.Type == slackevents.AppRateLimited {
			s.log.Warn("slack dropped events: app rate limited")
			return
		}
		if e, to, ok := reactionEvent(ev, s.self()); ok {
			s.event(ctx, h, e, to)
		}
	case socketmode.EventTypeInteractive:
		ack(nil)
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			return
		}
		evs, to := actionEvents(cb)
		for _, e := range evs {
			s.event(ctx, h, e, to)
		}
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if evt.Request == nil {
			return
		}
		if !ok || cmd.Command != "/"+s.cfg.Command {
			s.log.Warn("unexpected slash command", "command", cmd.Command)
			ack(nil)
			return
		}
		ev, to := slashEvent(cmd, evt.Request.EnvelopeID)
		// Waiting for the reply must not hold up the event loop; the
		// handler itself runs in a slot (command).
		s.goOwned(func() {
			r, ok := s.command(ctx, ctx, h, ev, to)
			if !ok {
				ack(nil)
				return
			}
			p := ackPayload(r)
			if p == nil {
				ack(nil)
				return
			}
			if err := sm.AckCtx(ctx, evt.Request.EnvelopeID, p); err != nil {
				// Too large for an ack (20 KB): acknowledge empty, then
				// send the text through the response URL.
				ack(nil)
				s.sendText(ctx, to, r.Private, mrkdwn(r.Text))
			}
		})
	default:
		if evt.Request != nil {
			ack(nil) // unknown envelope: acknowledged so Slack does not resend it
		}
	}
}
