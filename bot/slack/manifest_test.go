package slack

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
	"gopkg.in/yaml.v3"

	"github.com/krisenstab/krisenstab/commands"
)

func TestManifest(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "manifest.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var m slack.Manifest
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("manifest.yaml: %v", err)
	}
	// Ensures exactly the scopes the adapter's calls need: commands;
	// chat.postMessage/postEphemeral; conversations.create/invite on
	// private channels; conversations.open; reaction events; file uploads.
	scopes := slices.Sorted(slices.Values(m.OAuthConfig.Scopes.Bot))
	want := slices.Sorted(slices.Values(Scopes))
	if d := cmp.Diff(scopes, want); d != "" {
		t.Errorf("bot scopes (-got +want):\n%s", d)
	}
	// Ensures the command the adapter expects by default, sent with
	// mentions escaped to IDs (commandText relies on it).
	if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != "/crisis" || !m.Features.SlashCommands[0].ShouldEscape {
		t.Errorf("slash commands = %+v", m.Features.SlashCommands)
	}
	// Ensures the usage hint names only commands the registry knows, so
	// the hint Slack shows cannot drift from the parser.
	for _, part := range strings.Split(m.Features.SlashCommands[0].UsageHint, "|") {
		name := strings.Fields(part)[0]
		if _, ok := commands.Lookup(name); !ok {
			t.Errorf("usage hint names %q, which the command registry does not know", name)
		}
	}
	// Ensures buttons and reactions reach the bot, over Socket Mode.
	if m.Settings.Interactivity == nil || !m.Settings.Interactivity.IsEnabled {
		t.Error("interactivity disabled")
	}
	if m.Settings.EventSubscriptions == nil || !cmp.Equal(m.Settings.EventSubscriptions.BotEvents, BotEvents) {
		t.Errorf("events = %+v", m.Settings.EventSubscriptions)
	}
	if !m.Settings.SocketModeEnabled || m.Features.BotUser.DisplayName == "" || m.Display.Name == "" {
		t.Errorf("settings = %+v, bot user = %+v", m.Settings, m.Features.BotUser)
	}
}
