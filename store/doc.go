// Package store keeps Krisenstab's data in Badger on local disk.
//
// Durability: every write is one synced Badger transaction (SyncWrites is
// always on). Commit writes a command's events, the outbox entries and the
// due-index entries it changes, the room index and the dedupe key
// together, so after a crash either all of it is there or none.
//
// Key schema (numbers big-endian so keys sort):
//
//	ev/<incident>\x00<seq:8>       event JSON (crisis.Event)
//	head/<incident>                last seq (8) + last hash
//	snap/<incident>                crisis.State JSON at some seq
//	inc/<incident>                 opened instant (8, unix nanos)
//	room/<platform>\x00<room>      incident ID
//	due/<at:8><incident>\x00<target>  empty; the due index, ordered by instant
//	rem/<incident>                 JSON []crisis.Reminder: the incident's due entries
//	out/<id:8>                     crisis.Notice JSON; the outbox in commit order
//	                               (IDs continue after the last pending entry)
//	dedupe/<key>                   empty, 7-day TTL
package store
