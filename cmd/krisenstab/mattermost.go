package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/krisenstab/krisenstab/commands"
)

// envMattermostAdmin holds an admin's (or a system-admin bot's) token for
// `krisenstab mattermost setup`; it is needed only once.
const envMattermostAdmin = "KRISENSTAB_MATTERMOST_ADMIN_TOKEN"

// mattermostSetup registers the custom slash command on the server,
// pointing at the bot's public URL, with autocomplete from the command
// registry, and prints the command token the bot needs.
func mattermostSetup(ctx context.Context, cfg *Config, getenv func(string) string, stdout, stderr io.Writer) int {
	if cfg.Mattermost == nil {
		fmt.Fprintln(stderr, "mattermost setup: platforms.mattermost is not configured")
		return 2
	}
	admin := getenv(envMattermostAdmin)
	if admin == "" {
		fmt.Fprintf(stderr, "mattermost setup needs an admin token in %s\n", envMattermostAdmin)
		return 2
	}
	m := cfg.Mattermost
	call := func(method, path string, body, out any) error {
		var rd io.Reader
		if body != nil {
			b, err := json.Marshal(body)
			if err != nil {
				return err
			}
			rd = bytes.NewReader(b)
		}
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(m.URL, "/")+"/api/v4"+path, rd)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+admin)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if resp.StatusCode >= 300 {
			return fmt.Errorf("%s %s: %s %s", method, path, resp.Status, strings.TrimSpace(string(b)))
		}
		if out != nil {
			return json.Unmarshal(b, out)
		}
		return nil
	}
	var team struct{ ID string }
	if err := call(http.MethodGet, "/teams/name/"+m.Team, nil, &team); err != nil {
		fmt.Fprintf(stderr, "mattermost setup: find team %q: %v\n", m.Team, err)
		return 1
	}
	var names []string
	for _, s := range commands.Specs() {
		names = append(names, strings.SplitN(s.Name, " ", 2)[0])
	}
	cmd := map[string]any{
		"team_id": team.ID, "trigger": cfg.Runtime.Command, "method": "P",
		"url":          strings.TrimSuffix(m.PublicURL, "/") + "/mattermost/command",
		"display_name": "Krisenstab", "description": "Run the crisis team",
		"auto_complete": true, "auto_complete_desc": "Krisenstab: " + strings.Join(dedupeStrings(names), ", "),
		"auto_complete_hint": "start <title> | status | help [command]",
	}
	var created struct{ Token string }
	if err := call(http.MethodPost, "/commands", cmd, &created); err != nil {
		fmt.Fprintf(stderr, "mattermost setup: register /%s: %v\n", cfg.Runtime.Command, err)
		return 1
	}
	fmt.Fprintf(stdout, "registered /%s in team %s → %s\nput the command token into the bot's environment:\n  %s=%s\n",
		cfg.Runtime.Command, m.Team, cmd["url"], envMattermostCommand, created.Token)
	return 0
}

func dedupeStrings(in []string) []string {
	var out []string
	for _, s := range in {
		if len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	return out
}
