package slack

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/krisenstab/krisenstab/bot"
)

// Slack limits (platform docs).
const (
	maxChannelName = 80
	maxSectionText = 3000
	// maxMessageText stays under Slack's 40,000-character message text
	// limit with room for mrkdwn escaping.
	maxMessageText = 35000
	maxBlocks      = 50
	maxButtonLabel = 75
	actionsBlockID = "krisenstab_actions"
)

var (
	// userMention is the only Slack markup kept from neutral text: the
	// runtime puts mentions in this form (Mention). Anything else in angle
	// brackets, like a pasted "<!channel>", is escaped so it cannot ping.
	userMention = regexp.MustCompile(`<@[A-Z0-9]+>`)
	boldPair    = regexp.MustCompile(`\*\*([^*\n]+?)\*\*`)
	listItem    = regexp.MustCompile(`(?m)^([ \t]*)- `)
	escaper     = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
)

// mrkdwn converts the neutral markup (**bold**, "- " lists, `code`) to
// Slack mrkdwn and escapes &, < and > except in user mentions.
func mrkdwn(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range userMention.FindAllStringIndex(text, -1) {
		b.WriteString(escaper.Replace(text[last:m[0]]))
		b.WriteString(text[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(escaper.Replace(text[last:]))
	out := boldPair.ReplaceAllString(b.String(), "*$1*")
	return listItem.ReplaceAllString(out, "$1• ")
}

// blocks lays out mrkdwn text in sections (each at most 3000 characters)
// followed by one button per action.
func blocks(md string, actions []bot.Action) []slack.Block {
	var out []slack.Block
	for _, chunk := range chunks(md, maxSectionText) {
		if len(out) == maxBlocks-1 {
			break // the text fallback still carries everything
		}
		out = append(out, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, chunk, false, false), nil, nil))
	}
	buttons := make([]slack.BlockElement, 0, len(actions))
	for _, a := range actions {
		label := a.Label
		if label == "" {
			label = a.ID
		}
		// The value repeats the action: nothing secret, nothing to forge.
		btn := slack.NewButtonBlockElement(a.ID, a.ID, slack.NewTextBlockObject(slack.PlainTextType, truncate(label, maxButtonLabel), true, false))
		switch a.ID {
		case bot.ReactApprove:
			btn = btn.WithStyle(slack.StylePrimary)
		case bot.ReactReject:
			btn = btn.WithStyle(slack.StyleDanger)
		}
		buttons = append(buttons, btn)
	}
	return append(out, slack.NewActionBlock(actionsBlockID, buttons...))
}

// chunks splits s at line breaks into pieces of at most n bytes, cutting
// inside a line only when the line alone is too long.
func chunks(s string, n int) []string {
	var out []string
	for len(s) > n {
		cut := strings.LastIndexByte(s[:n], '\n')
		if cut <= 0 {
			cut = len(truncate(s, n))
			out = append(out, s[:cut])
			s = s[cut:]
			continue
		}
		out = append(out, s[:cut])
		s = s[cut+1:]
	}
	if strings.TrimSpace(s) != "" || len(out) == 0 {
		out = append(out, s)
	}
	return out
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

var (
	slackToken  = regexp.MustCompile(`<([^<>]*)>`)
	unescaper   = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
	nameInvalid = regexp.MustCompile(`[^a-z0-9_-]+`)
	dashes      = regexp.MustCompile(`-{2,}`)
	translit    = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")
)

// commandText turns slash-command text as Slack sends it (should_escape:
// mentions as <@U123|name>, channels as <#C1|name>, & < > escaped) into
// the neutral form the command parser expects: @U123, #name.
func commandText(s string) string {
	s = slackToken.ReplaceAllStringFunc(s, func(tok string) string {
		inner := tok[1 : len(tok)-1]
		id, label, hasLabel := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(id, "@"):
			return id
		case strings.HasPrefix(id, "#"):
			if hasLabel && label != "" {
				return "#" + label
			}
			return id
		case strings.HasPrefix(id, "!subteam^"):
			if hasLabel && label != "" {
				return label
			}
			return "@" + strings.TrimPrefix(id, "!subteam^")
		case strings.HasPrefix(id, "!"):
			if hasLabel && label != "" {
				return label
			}
			return "@" + id[1:]
		case strings.HasPrefix(id, "mailto:") && hasLabel:
			return label
		}
		return id // a link: keep the URL, drop the label
	})
	return unescaper.Replace(s)
}

// emoji normalises a reaction name: the approve and reject families map to
// bot.ReactApprove and bot.ReactReject, anything else is passed on bare
// (without colons and skin tone).
func emoji(name string) string {
	name = strings.Trim(name, ":")
	if base, _, ok := strings.Cut(name, "::"); ok {
		name = base
	}
	switch strings.ReplaceAll(name, "\uFE0F", "") {
	case "white_check_mark", "heavy_check_mark", "ballot_box_with_check", "✅", "✔", "☑":
		return bot.ReactApprove
	case "x", "negative_squared_cross_mark", "heavy_multiplication_x", "❌", "❎", "✖":
		return bot.ReactReject
	}
	return name
}

// channelName makes a valid Slack channel name: lower case, letters,
// digits, - and _, at most 80 characters.
func channelName(name string) string {
	s := translit.Replace(strings.ToLower(strings.TrimPrefix(strings.TrimSpace(name), "#")))
	s = nameInvalid.ReplaceAllString(s, "-")
	s = dashes.ReplaceAllString(s, "-")
	s = strings.Trim(truncate(s, maxChannelName), "-_")
	if s == "" {
		return "crisis"
	}
	return s
}
