package slack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// HTTP endpoints, to be entered in the app config (see manifest.yaml).
const (
	PathCommands      = "/slack/commands"
	PathEvents        = "/slack/events"
	PathInteractivity = "/slack/interactivity"
)

const (
	// maxBody bounds a request body; Slack's are a few KB.
	maxBody = 256 << 10
	// maxSkew is how far a request's timestamp may lie from now: Slack's
	// replay window.
	maxSkew = 5 * time.Minute
)

// serveHTTP runs the HTTP endpoints until ctx ends.
func (s *Slack) serveHTTP(ctx context.Context, h Handler) error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("slack http: %w", err)
	}
	srv := &http.Server{
		Handler:           s.httpHandler(ctx, h),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.log.Info("slack http listening", "addr", ln.Addr().String())
	s.reconcile(ctx, h)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }() // ends with Shutdown below
	select {
	case err := <-errc:
		return fmt.Errorf("slack http: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	<-errc
	return nil
}

// httpHandler serves the three Slack endpoints. Work started by a request
// runs under ctx and is owned by Run.
func (s *Slack) httpHandler(ctx context.Context, h Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST "+PathCommands, s.verified(func(w http.ResponseWriter, r *http.Request, _ []byte) {
		cmd, err := slack.SlashCommandParse(r)
		if err != nil || cmd.UserID == "" || cmd.ChannelID == "" {
			http.Error(w, "bad slash command", http.StatusBadRequest)
			return
		}
		if cmd.Command != "/"+s.cfg.Command {
			http.Error(w, "unknown command", http.StatusBadRequest)
			return
		}
		// Slack does not resend slash commands; the signature identifies
		// a replay within the window should trigger_id be missing.
		ev, to := slashEvent(cmd, r.Header.Get(headerSignature))
		reply, ok := s.command(ctx, r.Context(), h, ev, to)
		if !ok {
			w.WriteHeader(http.StatusOK) // the reply follows via response_url
			return
		}
		p := ackPayload(reply)
		if p == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(p)
	}))
	mux.Handle("POST "+PathEvents, s.verified(func(w http.ResponseWriter, r *http.Request, body []byte) {
		if !json.Valid(body) {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
		if err != nil {
			// Signed by Slack but not for us (an event type we do not
			// know): 200, or Slack retries it three times.
			s.log.Info("ignored slack event", "err", err)
			w.WriteHeader(http.StatusOK)
			return
		}
		switch ev.Type {
		case slackevents.URLVerification:
			uv, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent)
			if !ok || uv.Challenge == "" {
				http.Error(w, "no challenge", http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, uv.Challenge)
			return
		case slackevents.AppRateLimited:
			s.log.Warn("slack dropped events: app rate limited")
		case slackevents.CallbackEvent:
			if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
				s.log.Debug("slack event retry", "retry", n, "reason", r.Header.Get("X-Slack-Retry-Reason"))
			}
			if e, to, ok := reactionEvent(ev, s.self()); ok {
				s.event(ctx, h, e, to)
			}
		}
		w.WriteHeader(http.StatusOK)
	}))
	mux.Handle("POST "+PathInteractivity, s.verified(func(w http.ResponseWriter, r *http.Request, _ []byte) {
		cb, err := slack.InteractionCallbackParse(r)
		if err != nil {
			http.Error(w, "bad interaction payload", http.StatusBadRequest)
			return
		}
		evs, to := actionEvents(cb)
		for _, e := range evs {
			s.event(ctx, h, e, to)
		}
		w.WriteHeader(http.StatusOK)
	}))
	return mux
}

// verified reads a bounded body and passes it on only if Slack signed it
// recently; everything else is answered 413, 400 or 401 and never reaches
// the runtime.
func (s *Slack) verified(next func(http.ResponseWriter, *http.Request, []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read request", http.StatusBadRequest)
			return
		}
		if err := verify(r.Header, body, s.cfg.SigningSecret, s.clock.Now()); err != nil {
			s.log.Warn("rejected slack request", "path", r.URL.Path, "remote", r.RemoteAddr, "err", err)
			http.Error(w, "invalid or expired signature", http.StatusUnauthorized)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r, body)
	})
}

const (
	headerTimestamp = "X-Slack-Request-Timestamp"
	headerSignature = "X-Slack-Signature"
)

var (
	errMissingHeaders   = errors.New("signature headers missing")
	errBadTimestamp     = errors.New("bad request timestamp")
	errExpiredTimestamp = errors.New("request timestamp outside the 5 minute window")
	errInvalidSignature = errors.New("invalid signature")
)

// verify checks Slack's request signature: "v0=" + hex(HMAC-SHA256(secret,
// "v0:" + timestamp + ":" + body)). It is slack.NewSecretsVerifier's
// algorithm, with now injected: the library reads time.Now and cannot be
// tested against a fixed clock.
func verify(h http.Header, body []byte, secret string, now time.Time) error {
	ts, sig := h.Get(headerTimestamp), h.Get(headerSignature)
	if ts == "" || sig == "" {
		return errMissingHeaders
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errBadTimestamp
	}
	if d := now.Sub(time.Unix(sec, 0)); d > maxSkew || d < -maxSkew {
		return errExpiredTimestamp
	}
	hexSig, ok := strings.CutPrefix(sig, "v0=")
	if !ok {
		return errInvalidSignature
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || !hmac.Equal(got, signature(secret, ts, body)) {
		return errInvalidSignature
	}
	return nil
}

func signature(secret, ts string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return mac.Sum(nil)
}
