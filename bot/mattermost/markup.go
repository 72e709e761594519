package mattermost

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/krisenstab/krisenstab/bot"
)

// maxPostRunes is Mattermost's post limit (model.PostMessageMaxRunesV2).
const maxPostRunes = model.PostMessageMaxRunesV2

var (
	// everyone matches the mentions that notify a whole channel. Neutral
	// text is already Markdown, so this is the only thing to defuse:
	// anyone who can put text into a notice must not page the company.
	everyone = regexp.MustCompile(`(?i)@(channel|all|here)\b`)
	// slackEveryone is the Slack form, which Mattermost converts in
	// webhook and command responses.
	slackEveryone = regexp.MustCompile(`(?i)<!(channel|all|here|everyone)`)
	nameInvalid   = regexp.MustCompile(`[^a-z0-9_-]+`)
	dashes        = regexp.MustCompile(`[-_]{2,}`)
	translit      = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")
	notAlnum      = regexp.MustCompile(`[^A-Za-z0-9]+`)
)

// zwsp breaks a mention without changing how the text looks.
const zwsp = "\u200b"

// render turns neutral markup into a Mattermost message. **bold**, "- "
// lists and `code` are Markdown already and @username mentions stay;
// @channel, @all and @here are broken with a zero-width space.
func render(text string) string {
	text = everyone.ReplaceAllString(text, "@"+zwsp+"$1")
	return slackEveryone.ReplaceAllString(text, "<"+zwsp+"!$1")
}

// chunks splits s at line breaks into pieces of at most n runes, cutting
// inside a line only when the line alone is too long.
func chunks(s string, n int) []string {
	var out []string
	for utf8.RuneCountInString(s) > n {
		head := truncateRunes(s, n)
		cut := strings.LastIndexByte(head, '\n')
		if cut <= 0 {
			out = append(out, head)
			s = s[len(head):]
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

// truncateRunes cuts s to at most n runes.
func truncateRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// channelName makes a valid channel name (model.IsValidChannelIdentifier):
// lower-case letters, digits, - and _, starting with a letter or digit,
// at most 64 bytes.
func channelName(name string) string {
	s := translit.Replace(strings.ToLower(strings.TrimLeft(strings.TrimSpace(name), "~#")))
	s = nameInvalid.ReplaceAllString(s, "-")
	s = dashes.ReplaceAllString(s, "-")
	s = strings.Trim(truncate(strings.Trim(s, "-_"), model.ChannelNameMaxLength), "-_")
	if s == "" {
		return "crisis"
	}
	return s
}

// displayName is the channel's title: the name as given, at most 64 runes.
func displayName(name string) string {
	s := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(name), "~#"))
	if s == "" {
		return "crisis"
	}
	return truncateRunes(s, model.ChannelDisplayNameMaxRunes)
}

// emoji normalises a reaction name: the approve, reject and review
// families map to bot.ReactApprove, bot.ReactReject and bot.ReactReview,
// anything else is passed on bare (without colons).
func emoji(name string) string {
	name = strings.Trim(strings.TrimSpace(name), ":")
	switch name {
	case "white_check_mark", "heavy_check_mark", "ballot_box_with_check":
		return bot.ReactApprove
	case "x", "negative_squared_cross_mark", "heavy_multiplication_x":
		return bot.ReactReject
	case "eyes":
		return bot.ReactReview
	}
	return name
}

// Keys of a button's integration context. Mattermost keeps the context on
// the server (it strips it before posts reach clients) and echoes it back
// on a press; it does not sign the press, so token proves the button is
// ours.
const (
	ctxAction  = "action"
	ctxNonce   = "nonce"
	ctxToken   = "token"
	maxButtons = 5
	maxLabel   = 64
)

// attachment carries the message's buttons. PostAction.Id must match
// [A-Za-z0-9]+ (the server's click route) and be unique in the post; the
// real action ID travels, signed, in the context.
func (m *Mattermost) attachment(channel string, actions []bot.Action) (*model.MessageAttachment, error) {
	att := &model.MessageAttachment{}
	used := map[string]bool{}
	var labels []string
	for i, a := range actions {
		if i == maxButtons {
			break
		}
		nonce := make([]byte, 16)
		if _, err := io.ReadFull(m.rand, nonce); err != nil {
			return nil, fmt.Errorf("mattermost button nonce: %w", err)
		}
		n := hex.EncodeToString(nonce)
		id := notAlnum.ReplaceAllString(a.ID, "")
		if id == "" || used[id] {
			id += "a" + strconv.Itoa(i)
		}
		used[id] = true
		label := a.Label
		if label == "" {
			label = a.ID
		}
		label = truncateRunes(label, maxLabel)
		labels = append(labels, label)
		style := "default"
		switch a.ID {
		case bot.ReactApprove:
			style = "success"
		case bot.ReactReject:
			style = "danger"
		}
		att.Actions = append(att.Actions, &model.PostAction{
			Id:    id,
			Type:  model.PostActionTypeButton,
			Name:  label,
			Style: style,
			Integration: &model.PostActionIntegration{
				URL: m.cfg.PublicURL + PathActions,
				Context: map[string]any{
					ctxAction: a.ID,
					ctxNonce:  n,
					ctxToken:  actionToken(m.actionKey, channel, a.ID, n),
				},
			},
		})
	}
	att.Fallback = strings.Join(labels, " / ")
	return att, nil
}

// actionToken binds a button to its action, its channel and a nonce.
func actionToken(key []byte, channel, action, nonce string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("v1\x00" + channel + "\x00" + action + "\x00" + nonce))
	return hex.EncodeToString(mac.Sum(nil))
}

var (
	errNoToken  = errors.New("button context without token")
	errBadToken = errors.New("button context token invalid")
)

// verifyAction checks a press's context and returns the action ID.
func verifyAction(key []byte, channel string, ctx map[string]any) (string, error) {
	str := func(k string) string {
		s, _ := ctx[k].(string)
		return s
	}
	action, nonce, token := str(ctxAction), str(ctxNonce), str(ctxToken)
	if token == "" {
		return "", errNoToken
	}
	got, err := hex.DecodeString(token)
	if err != nil || action == "" || nonce == "" {
		return "", errBadToken
	}
	want, _ := hex.DecodeString(actionToken(key, channel, action, nonce))
	if !hmac.Equal(got, want) {
		return "", errBadToken
	}
	return action, nil
}

// codeBlock shows a file inline, with a fence longer than any backtick
// run in it so the content cannot end the block.
func codeBlock(name string, content string) string {
	fence := "```"
	for strings.Contains(content, fence) {
		fence += "`"
	}
	return "**" + render(name) + "**\n" + fence + "\n" + content + "\n" + fence
}
