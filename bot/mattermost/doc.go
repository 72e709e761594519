// Package mattermost is the Mattermost platform, built on the model
// package of github.com/mattermost/mattermost/server/public (Client4 for
// REST v4, WebSocketClient for events).
//
// Sending (bot.Platform) uses REST v4 with the bot account's token:
// private channels in the configured team for incident rooms, posts with
// message-attachment buttons for drafts, direct channels for direct
// messages. The client never retries: a 429 comes back at once as a
// bot.RetryAfterError so the outbox dispatcher decides when to try again.
//
// Receiving (Run) needs two paths, because Mattermost delivers commands
// and reactions differently:
//
//   - HTTP, served on Config.Listen: the custom slash command (PathCommand,
//     authenticated by the command token in "Authorization: Token …") and
//     button presses (PathActions). Mattermost signs neither, so every
//     button carries an HMAC in its integration context, made with a key
//     derived from the bot token; a press without a valid one is refused.
//   - A WebSocket with the bot token, for reaction_added and
//     reaction_removed: Mattermost has no other way to send reactions out.
//     The client does not reconnect by itself, so Run does, with capped
//     backoff, and asks the handler to reconcile after every connect.
//
// The server waits for a slash command's answer, but the runtime should
// not keep it waiting: a command gets ackBudget, a slower one is answered
// empty and its reply follows through the command's response_url.
//
// Goroutines: New starts nothing. Run owns everything it starts (the HTTP
// server, the WebSocket loop and its worker, one goroutine per command or
// press in progress) and returns only after all of it has ended.
package mattermost
