package slack

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/krisenstab/krisenstab/bot"
)

func TestMrkdwn(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Ensures bold turns into Slack's single asterisks.
		{"bold", "🕐 **Awareness stated**: 17:40", "🕐 *Awareness stated*: 17:40"},
		// Ensures "- " list items become bullets, indented ones too.
		{"list", "**Tasks**\n- one\n  - two\nnot-a-list", "*Tasks*\n• one\n  • two\nnot-a-list"},
		// Ensures user mentions survive while other markup is escaped.
		{"mention kept", "ask <@U024BE7LH> & <@W1>", "ask <@U024BE7LH> &amp; <@W1>"},
		// Ensures pasted Slack control sequences cannot ping everyone.
		{"no channel ping", "<!channel> <#C1> a<b>c", "&lt;!channel&gt; &lt;#C1&gt; a&lt;b&gt;c"},
		// Ensures code spans pass through (Slack renders them natively).
		{"code", "`/crisis task <text>`", "`/crisis task &lt;text&gt;`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mrkdwn(tt.in); got != tt.want {
				t.Errorf("mrkdwn(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCommandText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Ensures escaped mentions become the neutral @ID the parser resolves.
		{"mention with name", "task Backup prüfen <@U123|bernd> --due 21:00", "task Backup prüfen @U123 --due 21:00"},
		// Ensures the name part is optional.
		{"mention bare", "role lead <@W9>", "role lead @W9"},
		// Ensures channels, special mentions, groups and links are readable.
		{"others", "log <#C1|general> <!here> <!subteam^S1|@it> <https://x.example/a|x> <mailto:a@b.de|a@b.de>", "log #general @here @it https://x.example/a a@b.de"},
		// Ensures Slack's HTML escaping is undone once.
		{"unescape", "log a &lt; b &amp;&amp; c &gt; d &amp;lt;", "log a < b && c > d &lt;"},
		// Ensures plain text passes unchanged.
		{"plain", "start Ransomware auf Dateiserver", "start Ransomware auf Dateiserver"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := commandText(tt.in); got != tt.want {
				t.Errorf("commandText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestEmoji(t *testing.T) {
	tests := []struct{ in, want string }{
		// Ensures every approve variant is recognised.
		{"white_check_mark", bot.ReactApprove},
		{"heavy_check_mark", bot.ReactApprove},
		{":white_check_mark:", bot.ReactApprove},
		{"ballot_box_with_check", bot.ReactApprove},
		{"✅", bot.ReactApprove},
		{"✔️", bot.ReactApprove},
		// Ensures every reject variant is recognised.
		{"x", bot.ReactReject},
		{"negative_squared_cross_mark", bot.ReactReject},
		{"❌", bot.ReactReject},
		// Ensures other emoji pass by name, without skin tone.
		{"+1::skin-tone-3", "+1"},
		{"eyes", "eyes"},
	}
	for _, tt := range tests {
		if got := emoji(tt.in); got != tt.want {
			t.Errorf("emoji(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestChannelName(t *testing.T) {
	tests := []struct{ in, want string }{
		// Ensures a runtime room name passes unchanged.
		{"crisis-2026-11-20-ransomware", "crisis-2026-11-20-ransomware"},
		// Ensures case, spaces, periods and umlauts are made valid.
		{"#Crisis 2026.11 Datenabfluss Größe", "crisis-2026-11-datenabfluss-groesse"},
		// Ensures nothing valid left still gives a name.
		{"!!!", "crisis"},
		// Ensures the 80-character limit.
		{strings.Repeat("a", 100), strings.Repeat("a", 80)},
	}
	for _, tt := range tests {
		if got := channelName(tt.in); got != tt.want {
			t.Errorf("channelName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestChunks(t *testing.T) {
	// Ensures long texts split at line breaks within Block Kit's limit.
	line := strings.Repeat("x", 1000)
	text := strings.Join([]string{line, line, line, line}, "\n")
	got := chunks(text, maxSectionText)
	if two := line + "\n" + line; len(got) != 2 || got[0] != two || got[1] != two {
		t.Errorf("chunks: got %d pieces of %v", len(got), lens(got))
	}
	// Ensures a single overlong line is cut on a rune boundary.
	long := strings.Repeat("ä", 2000)
	for _, c := range chunks(long, maxSectionText) {
		if len(c) > maxSectionText || !strings.HasPrefix(c, "ä") {
			t.Errorf("bad chunk of %d bytes", len(c))
		}
	}
}

func lens(ss []string) []int {
	out := make([]int, len(ss))
	for i, s := range ss {
		out[i] = len(s)
	}
	return out
}

func TestScrub(t *testing.T) {
	// Ensures a response URL in a transport error does not reach the log.
	err := &url.Error{Op: "Post", URL: "https://hooks.slack.com/commands/T1/397700885554/96rGlfmibIGlgcZRskXaIFfN", Err: errors.New("timeout")}
	got := scrub(fmt.Errorf("send: %w", err)).Error()
	if strings.Contains(got, "96rGlf") || !strings.Contains(got, "hooks.slack.com") || !strings.Contains(got, "timeout") {
		t.Errorf("scrub = %q", got)
	}
}
