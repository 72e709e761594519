// Package bot is the runtime of Krisenstab. It turns platform events into
// commands, decides them against the incident's state, commits the
// resulting events with their notices and reminders in one store
// transaction, and delivers the notices to every room and person.
//
// Ports: Platform (declared here, implemented by bot/console, bot/slack,
// bot/mattermost, bot/discord) and Store (declared here, implemented by
// package store, wired in cmd).
//
// Goroutines: nothing here starts a goroutine in a constructor. Scheduler
// and Dispatcher expose Run(ctx) and return when ctx ends; cmd runs them in
// an errgroup. Runtime.Handle is safe for concurrent use: commands on one
// incident are serialised, different incidents proceed in parallel.
//
// Delivery: a command is acknowledged only after Store.Commit returned. Its
// notices sit in the outbox until a platform accepted them, so a crash or a
// chat outage delays a post, never drops it (at least once; Notice.Key lets
// platforms that can deduplicate do so).
package bot
