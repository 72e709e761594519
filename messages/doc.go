// Package messages holds every text the bot posts, in German and English.
//
// The texts are text/template files embedded from templates/de and
// templates/en; both languages define exactly the same template names (a
// test enforces it). Names are grouped by prefix:
//
//   - notice.<kind>, dm.<kind>: what an event tells the incident's rooms,
//     and the direct message to one person about it;
//   - entry.<kind>: the one-line timeline entry of an event;
//   - status, roles, tasks, deadlines, timeline, export.header: overviews;
//   - problem.<code>: domain errors (crisis.Code) and usage errors (package
//     commands) rendered from their code and parameters;
//   - text.<key>: runtime phrases (Keys);
//   - help.<command>, example.<command>, help.list, help.topic, usage: help;
//   - role.<role>, fh.<ID>, state.<status>, ph.<word>, arg.<name>: vocabulary.
//
// Output is neutral markup that platform adapters convert: **bold**, plain
// lines, "- " lists, and mention tokens "⟨@person⟩" (Mention), which the
// runtime replaces per platform with ReplaceMentions. User text (titles, log
// entries, task texts) is inserted verbatim; the command parser has already
// removed the mention brackets from it.
//
// Instants follow crisis-domain.md 3.10 (FormatInstant): weekday, local
// date and time in the organisation's zone with its abbreviation, UTC in
// brackets, rounded down to the minute. German uses MEZ/MESZ.
//
// The package imports only the standard library and package crisis.
package messages
