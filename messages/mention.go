package messages

import (
	"strings"

	"github.com/krisenstab/krisenstab/crisis"
)

// Mention tokens are "⟨@" + person ID + "⟩" (U+27E8, U+27E9). The command
// parser strips these brackets from user text, so a token in a rendered
// message always comes from a template.
const (
	mentionOpen  = "⟨@"
	mentionClose = "⟩"
)

// Mention returns the neutral mention token of a person, e.g. "⟨@anna⟩".
// Platform adapters turn it into their own form with ReplaceMentions.
func Mention(id crisis.PersonID) string { return mentionOpen + string(id) + mentionClose }

// ReplaceMentions replaces every mention token in text with fn(person),
// e.g. "<@U024BE7LH>" on Slack or "@anna" on the console. Text that only
// looks like half a token is left as it is.
func ReplaceMentions(text string, fn func(crisis.PersonID) string) string {
	i := strings.Index(text, mentionOpen)
	if i < 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	for i >= 0 {
		rest := text[i+len(mentionOpen):]
		j := strings.Index(rest, mentionClose)
		if j <= 0 || strings.Contains(rest[:j], "⟨") {
			// Not a token: keep the opening bracket and look further.
			b.WriteString(text[:i+len(mentionOpen)])
			text = rest
		} else {
			b.WriteString(text[:i])
			b.WriteString(fn(crisis.PersonID(rest[:j])))
			text = rest[j+len(mentionClose):]
		}
		i = strings.Index(text, mentionOpen)
	}
	b.WriteString(text)
	return b.String()
}
