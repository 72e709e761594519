// Package commands is the command language: it turns the text a person
// typed after the slash command into a typed crisis.Command or a read-only
// Query. One registry of Specs drives parsing, help and platform
// registration, so help can never drift from the parser.
package commands

import (
	"strings"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
)

// Spec describes one command.
type Spec struct {
	Name          string   // "task"; sub-commands "room add"
	Aliases       []string // German aliases
	Args          string   // synopsis, e.g. "<text> @owner [--due TIME]"
	Mutates       bool
	NeedsIncident bool
	flags         []string
	bools         []string // flags without a value (--ack)
	parse         func(p *parser) error
}

// Code identifies a usage error; package messages renders it.
type Code string

// Usage error codes. Append only.
const (
	CodeEmpty            Code = "empty"
	CodeUnknownCommand   Code = "unknown_command"
	CodeMissingArg       Code = "missing_arg"
	CodeExtraArg         Code = "extra_arg"
	CodeUnknownFlag      Code = "unknown_flag"
	CodeMissingFlagValue Code = "missing_flag_value"
	CodeBadTime          Code = "bad_time"
	CodeAmbiguousTime    Code = "ambiguous_time"
	CodeNonexistentTime  Code = "nonexistent_time"
	CodeBadDuration      Code = "bad_duration"
	CodeUnknownPerson    Code = "unknown_person"
	CodeUnknownRole      Code = "unknown_role"
	CodeTooLong          Code = "too_long"
	CodeUnbalancedQuote  Code = "unbalanced_quote"
	CodeBadFormat        Code = "bad_format"
	CodeBadRegime        Code = "bad_regime"
	CodeBadIncident      Code = "bad_incident"
	CodeBadObligation    Code = "bad_obligation"
	CodeBadDraft         Code = "bad_draft"
	CodeBadKind          Code = "bad_kind"
	CodeBadLang          Code = "bad_lang"
	CodeBadClass         Code = "bad_class"
)

// Error is a usage error. Params always has "command" (maybe "").
type Error struct {
	Code   Code
	Params map[string]string
}

func (e *Error) Error() string {
	// Same log form as domain errors: code and sorted parameters.
	return "usage: " + (&crisis.Error{Code: crisis.Code(e.Code), Params: e.Params}).Error()
}

func fail(c Code, command string, kv ...string) *Error {
	e := &Error{Code: c, Params: map[string]string{"command": command}}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Params[kv[i]] = kv[i+1]
	}
	return e
}

// People resolves a mention (without "@") or name to a roster person.
type People interface {
	Lookup(ref string) (crisis.PersonID, bool)
}

// Env is what parsing needs: the instant and zone to read times in, and
// the roster.
type Env struct {
	Now    time.Time
	Zone   *time.Location
	People People
}

// Query is a read-only command.
type Query interface{ query() }

// Queries.
type (
	Status    struct{}
	Roles     struct{}
	Tasks     struct{}
	Deadlines struct{}
	Timeline  struct{ Since *time.Time }
	Export    struct{ Format string }
	Help      struct{ Topic string }
	Facts     struct{}
	Drafts    struct{ Draft int } // 0: list all
)

func (Status) query()    {}
func (Roles) query()     {}
func (Tasks) query()     {}
func (Deadlines) query() {}
func (Timeline) query()  {}
func (Export) query()    {}
func (Help) query()      {}
func (Facts) query()     {}
func (Drafts) query()    {}

// Parsed is a parsed command line.
type Parsed struct {
	Spec     Spec
	Command  crisis.Command
	Query    Query
	Incident crisis.IncidentID
}

// specs is filled in init because help parsing looks specs up.
var specs []Spec

func init() {
	specs = []Spec{
		{Name: "start", Aliases: []string{"beginn", "eröffnen"}, Args: "<title> [--severity S] [--aware TIME] [--detected TIME] [--regime nis2,bsig,gdpr,dora]", Mutates: true,
			flags: []string{"severity", "aware", "detected", "regime"}, parse: parseStart},
		{Name: "status", Aliases: []string{"lage"}, NeedsIncident: true, parse: query(Status{})},
		{Name: "role", Aliases: []string{"rolle"}, Args: "<role> @person", Mutates: true, NeedsIncident: true, parse: parseRole},
		{Name: "roles", Aliases: []string{"rollen"}, NeedsIncident: true, parse: query(Roles{})},
		{Name: "invite", Aliases: []string{"einladen"}, Args: "@person…", Mutates: true, NeedsIncident: true, parse: parseInvite},
		{Name: "page", Aliases: []string{"alarmieren"}, Args: "<role>", Mutates: true, NeedsIncident: true, parse: parsePage},
		{Name: "room add", Aliases: []string{"raum add", "raum hinzufügen"}, Args: "<platform>", Mutates: true, NeedsIncident: true, parse: parseRoomAdd},
		{Name: "log", Aliases: []string{"notiz"}, Args: "<text>", Mutates: true, NeedsIncident: true, parse: parseText(func(s string) crisis.Command { return crisis.Log{Text: s} })},
		{Name: "decision", Aliases: []string{"entscheidung"}, Args: "<text>", Mutates: true, NeedsIncident: true, parse: parseText(func(s string) crisis.Command { return crisis.Decision{Text: s} })},
		{Name: "timeline", Aliases: []string{"verlauf"}, Args: "[--since TIME]", NeedsIncident: true, flags: []string{"since"}, parse: parseTimeline},
		{Name: "task", Aliases: []string{"aufgabe"}, Args: "<text> @owner [--due TIME]", Mutates: true, NeedsIncident: true, flags: []string{"due"}, parse: parseTask},
		{Name: "done", Aliases: []string{"erledigt"}, Args: "<task|FH-nn|deadline>", Mutates: true, NeedsIncident: true, parse: parseDone},
		{Name: "tasks", Aliases: []string{"aufgaben"}, NeedsIncident: true, parse: query(Tasks{})},
		{Name: "deadline", Aliases: []string{"frist"}, Args: "<name> <TIME> @owner", Mutates: true, NeedsIncident: true, flags: []string{"due"}, parse: parseDeadline},
		{Name: "deadlines", Aliases: []string{"fristen"}, NeedsIncident: true, parse: query(Deadlines{})},
		{Name: "aware", Aliases: []string{"kenntnis"}, Args: "<TIME> [--regime R] [--reason text] · aware confirm [--regime R]", Mutates: true, NeedsIncident: true, flags: []string{"reason", "regime"}, parse: parseAware},
		{Name: "detected", Aliases: []string{"entdeckt"}, Args: "<TIME> [--reason text]", Mutates: true, NeedsIncident: true, flags: []string{"reason"}, parse: parseDetected},
		{Name: "snooze", Aliases: []string{"zurückstellen"}, Args: "<task|deadline> <duration>", Mutates: true, NeedsIncident: true, parse: parseSnooze},
		{Name: "resolve", Aliases: []string{"bewältigt"}, Args: "[summary]", Mutates: true, NeedsIncident: true, parse: parseSummary(func(s string) crisis.Command { return crisis.Resolve{Summary: s} })},
		{Name: "close", Aliases: []string{"schließen"}, Args: "[summary]", Mutates: true, NeedsIncident: true, parse: parseSummary(func(s string) crisis.Command { return crisis.Close{Summary: s} })},
		{Name: "export", Args: "[md|json]", NeedsIncident: true, parse: parseExport},
		{Name: "help", Aliases: []string{"hilfe"}, Args: "[command]", parse: parseHelp},
	}
}

// Specs returns every command in help order.
func Specs() []Spec { return append([]Spec(nil), specs...) }

// Lookup finds a spec by name or alias, case-insensitively.
func Lookup(name string) (Spec, bool) {
	name = strings.ToLower(strings.Join(strings.Fields(name), " "))
	for _, s := range specs {
		if s.Name == name {
			return s, true
		}
		for _, a := range s.Aliases {
			if a == name {
				return s, true
			}
		}
	}
	return Spec{}, false
}
