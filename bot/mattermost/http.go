package mattermost

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/krisenstab/krisenstab/bot"
)

// maxBody bounds a request body; the server's are a few KB.
const maxBody = 64 << 10

// unknownUser answers a press by someone the server cannot tell us about.
const unknownUser = "⚠️ Krisenstab: your Mattermost account could not be identified / Ihr Mattermost-Konto wurde nicht erkannt"

// serveHTTP runs the HTTP endpoints on ln until ctx ends.
func (m *Mattermost) serveHTTP(ctx context.Context, ln net.Listener, h Handler) error {
	srv := &http.Server{
		Handler:           m.httpHandler(ctx, h),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(m.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }() // ends with Shutdown below
	select {
	case err := <-errc:
		return fmt.Errorf("mattermost http: %w", err)
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

// httpHandler serves the slash command and the buttons. Work started by
// a request runs under ctx and is owned by Run.
func (m *Mattermost) httpHandler(ctx context.Context, h Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PathCommand, func(w http.ResponseWriter, r *http.Request) {
		m.slashCommand(ctx, h, w, r)
	})
	mux.HandleFunc("POST "+PathActions, func(w http.ResponseWriter, r *http.Request) {
		m.action(ctx, h, w, r)
	})
	return mux
}

// commandAuthorized checks "Authorization: Token <command token>", the
// only proof a request comes from the server: it signs nothing.
func (m *Mattermost) commandAuthorized(hd http.Header) bool {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(hd.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Token") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(m.cfg.CommandToken)) == 1
}

// readError answers a body that could not be read: 413 if too large.
func readError(w http.ResponseWriter, err error) {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return
	}
	http.Error(w, "cannot read request", http.StatusBadRequest)
}

// slashCommand serves the custom slash command: the server POSTs the form
// fields of app.DoCommandRequest and waits for a model.CommandResponse.
func (m *Mattermost) slashCommand(ctx context.Context, h Handler, w http.ResponseWriter, r *http.Request) {
	if !m.commandAuthorized(r.Header) {
		m.log.Warn("rejected slash command: bad or missing token", "remote", r.RemoteAddr)
		http.Error(w, "invalid command token", http.StatusUnauthorized)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		readError(w, err)
		return
	}
	f := r.PostForm
	if f.Get("command") != "/"+m.cfg.Command {
		http.Error(w, "unknown command", http.StatusBadRequest)
		return
	}
	channel, userID, user := f.Get("channel_id"), f.Get("user_id"), f.Get("user_name")
	if channel == "" || userID == "" || user == "" {
		http.Error(w, "bad slash command: channel_id, user_id and user_name are required", http.StatusBadRequest)
		return
	}
	// The command token belongs to one team's command.
	if team := m.knownTeam(); team != "" && f.Get("team_id") != team {
		m.log.Warn("rejected slash command from another team", "team_id", f.Get("team_id"))
		http.Error(w, "wrong team", http.StatusForbidden)
		return
	}
	m.remember(userID, user)
	ev := bot.Event{
		Platform: Name,
		Room:     channel,
		User:     user,
		// Mentions arrive as @username, the form the roster stores.
		Text:      strings.TrimSpace(f.Get("text")),
		DedupeKey: dedupe("cmd", f.Get("trigger_id")),
	}
	to := target{channel: channel, user: user, userID: userID, responseURL: f.Get("response_url")}
	reply, ok := m.command(ctx, r.Context(), h, ev, to)
	if !ok || reply.Text == "" {
		// Empty and not JSON: the server shows nothing (an empty JSON
		// body would be reported to the user as a failed command).
		w.WriteHeader(http.StatusOK)
		return
	}
	md := render(reply.Text)
	if !fits(md) {
		w.WriteHeader(http.StatusOK)
		m.goOwned(func() { m.sendText(ctx, to, reply.Private, md) })
		return
	}
	writeJSON(w, newCommandResponse(reply.Private, md))
}

func (m *Mattermost) knownTeam() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.teamID
}

// action serves a button press: the server POSTs a
// model.PostActionIntegrationRequest with the button's context and shows
// the clicker the EphemeralText of our answer.
func (m *Mattermost) action(ctx context.Context, h Handler, w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		readError(w, err)
		return
	}
	var req model.PostActionIntegrationRequest
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	action, err := verifyAction(m.actionKey, req.ChannelId, req.Context)
	if err != nil {
		m.log.Warn("rejected button press", "remote", r.RemoteAddr, "post", req.PostId, "err", err)
		status := http.StatusForbidden
		if errors.Is(err, errNoToken) {
			status = http.StatusUnauthorized
		}
		http.Error(w, "invalid button", status)
		return
	}
	if req.UserId == "" || req.PostId == "" || req.ChannelId == "" {
		http.Error(w, "bad button press: user_id, post_id and channel_id are required", http.StatusBadRequest)
		return
	}
	user, err := m.username(r.Context(), req.UserId)
	if err != nil {
		m.log.Warn("button press by unknown user", "user_id", req.UserId, "post", req.PostId, "err", err)
		writeJSON(w, model.PostActionIntegrationResponse{EphemeralText: unknownUser, SkipSlackParsing: true})
		return
	}
	ev := bot.Event{
		Platform:  Name,
		Room:      req.ChannelId,
		User:      user,
		DedupeKey: dedupe("act", req.PostId+":"+req.UserId+":"+action+":"+req.TriggerId),
		Reaction:  &bot.Reaction{Emoji: action, Message: req.PostId},
	}
	to := target{channel: req.ChannelId, user: user, userID: req.UserId}
	reply, ok := m.command(ctx, r.Context(), h, ev, to)
	out := model.PostActionIntegrationResponse{SkipSlackParsing: true}
	if ok && reply.Text != "" {
		md := render(reply.Text)
		if reply.Private && fits(md) {
			out.EphemeralText = md
		} else {
			m.goOwned(func() { m.sendText(ctx, to, reply.Private, md) })
		}
	}
	writeJSON(w, out)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
