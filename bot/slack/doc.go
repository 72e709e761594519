// Package slack is the Slack platform, built on github.com/slack-go/slack.
//
// Sending (bot.Platform) uses the Web API with the bot token: private
// channels for incident rooms, chat.postMessage with Block Kit buttons for
// drafts, conversations.open for direct messages. Library retries are off:
// a rate limit comes back at once as a bot.RetryAfterError, so the outbox
// dispatcher decides when to try again and a user-facing ack is never held
// up by a sleeping retry.
//
// Receiving (Run) works in one of two modes:
//
//   - Socket Mode (default): an outgoing WebSocket opened with the app-level
//     token; no public endpoint is needed.
//   - HTTP: Slack calls /slack/commands, /slack/events and
//     /slack/interactivity; every request must carry a valid signature made
//     with the signing secret and a timestamp at most five minutes from the
//     injected clock.
//
// Slack wants every request acknowledged within 3 s. Events and button
// presses are acknowledged first and handled afterwards. A slash command
// waits up to ackBudget for the runtime so its reply can ride on the
// acknowledgement; a slower command is acknowledged empty and its reply
// follows through the command's response_url.
//
// Goroutines: New starts nothing. Run owns everything it starts (the
// Socket Mode client or the HTTP server, and one goroutine per event in
// progress) and returns only after all of it has ended.
package slack
