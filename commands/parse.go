package commands

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/krisenstab/krisenstab/crisis"
)

// MaxInput bounds a whole command line; texts inside are bounded by crisis.
const MaxInput = crisis.MaxDraft + 200

var incidentPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,79}$`)

var regimes = []string{"nis2", "bsig", "gdpr", "dora", "internal"}

type token struct {
	text    string
	quoted  bool
	mention bool
}

// quotes pairs opening and closing quote characters people type or their
// phones substitute.
var quotes = map[rune]rune{'"': '"', '„': '“', '“': '”', '«': '»', '»': '«'}

// Sanitize removes what must never come from a person: the bot's own
// mention delimiters and control characters other than newline and tab.
func Sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '⟨' || r == '⟩':
			return -1
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r) || r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
}

func lex(s string) ([]token, *Error) {
	var out []token
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		if unicode.IsSpace(r) {
			i++
			continue
		}
		if closeQ, ok := quotes[r]; ok {
			j := i + 1
			for j < len(rs) && rs[j] != closeQ && !(r == '"' && rs[j] == '"') {
				j++
			}
			if j >= len(rs) {
				return nil, fail(CodeUnbalancedQuote, "")
			}
			out = append(out, token{text: string(rs[i+1 : j]), quoted: true})
			i = j + 1
			continue
		}
		j := i
		for j < len(rs) && !unicode.IsSpace(rs[j]) {
			j++
		}
		w := string(rs[i:j])
		out = append(out, token{text: w, mention: strings.HasPrefix(w, "@") && len(w) > 1})
		i = j
	}
	return out, nil
}

type parser struct {
	raw   string // the text after the command name, as typed
	spec  Spec
	env   Env
	args  []token
	flags map[string]string
	out   Parsed
}

// Parse reads a command line (what follows the slash command).
func Parse(text string, env Env) (Parsed, error) {
	if env.Zone == nil {
		env.Zone = time.UTC
	}
	text = strings.TrimSpace(Sanitize(text))
	if utf8.RuneCountInString(text) > MaxInput {
		return Parsed{}, fail(CodeTooLong, "", "max", strconv.Itoa(crisis.MaxText))
	}
	toks, err := lex(text)
	if err != nil {
		return Parsed{}, err
	}
	if len(toks) == 0 {
		return Parsed{}, fail(CodeEmpty, "")
	}
	name := strings.ToLower(toks[0].text)
	rest := toks[1:]
	if (name == "room" || name == "raum") && len(rest) > 0 {
		name += " " + strings.ToLower(rest[0].text)
		rest = rest[1:]
	}
	spec, ok := Lookup(name)
	if toks[0].quoted || !ok {
		return Parsed{}, fail(CodeUnknownCommand, "", "input", name)
	}
	p := &parser{spec: spec, env: env, flags: map[string]string{}, raw: afterWords(text, len(strings.Fields(name)))}
	if err := p.splitFlags(rest); err != nil {
		return Parsed{}, err
	}
	if id, ok := p.flags["incident"]; ok {
		if !incidentPattern.MatchString(id) {
			return Parsed{}, p.fail(CodeBadIncident, "input", id)
		}
		p.out.Incident = crisis.IncidentID(id)
	}
	p.out.Spec = spec
	if err := spec.parse(p); err != nil {
		return Parsed{}, err
	}
	return p.out, nil
}

func (p *parser) fail(c Code, kv ...string) *Error { return fail(c, p.spec.Name, kv...) }

func (p *parser) splitFlags(toks []token) *Error {
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.quoted || !strings.HasPrefix(t.text, "--") {
			p.args = append(p.args, t)
			continue
		}
		if t.text == "--" {
			p.args = append(p.args, toks[i+1:]...)
			return nil
		}
		name, val, hasVal := strings.Cut(strings.ToLower(t.text[2:]), "=")
		if hasVal {
			val = t.text[3+len(name):]
		}
		if slices.Contains(p.spec.bools, name) && !hasVal {
			p.flags[name] = "true"
			continue
		}
		if name != "incident" && !slices.Contains(p.spec.flags, name) {
			return p.fail(CodeUnknownFlag, "flag", "--"+name)
		}
		if !hasVal {
			if i+1 >= len(toks) || (!toks[i+1].quoted && strings.HasPrefix(toks[i+1].text, "--")) {
				return p.fail(CodeMissingFlagValue, "flag", "--"+name)
			}
			i++
			val = toks[i].text
			// A local time may be two tokens: date and clock.
			if (name == "due" || name == "aware" || name == "detected" || name == "since" || name == "at") &&
				datePattern.MatchString(val) && i+1 < len(toks) && clockPattern.MatchString(toks[i+1].text) {
				i++
				val += " " + toks[i].text
			}
		}
		p.flags[name] = val
	}
	return nil
}

// afterWords returns s without its first n words, keeping the rest as typed
// (newlines included).
func afterWords(s string, n int) string {
	for i := 0; i < n; i++ {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		j := strings.IndexFunc(s, unicode.IsSpace)
		if j < 0 {
			return ""
		}
		s = s[j:]
	}
	return strings.TrimSpace(s)
}

// words joins the positional arguments as text.
func words(ts []token) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.text
	}
	return strings.TrimSpace(strings.Join(s, " "))
}

func (p *parser) person(t token) (crisis.PersonID, *Error) {
	ref := strings.TrimPrefix(t.text, "@")
	if p.env.People != nil {
		if id, ok := p.env.People.Lookup(ref); ok {
			return id, nil
		}
	}
	return "", p.fail(CodeUnknownPerson, "person", ref)
}

func (p *parser) instant(s string) (crisis.Instant, *Error) {
	in, err := ParseInstant(s, p.env.Now, p.env.Zone)
	if err != nil {
		e := err.(*Error)
		e.Params["command"] = p.spec.Name
		return crisis.Instant{}, e
	}
	return in, nil
}

func (p *parser) optInstant(flag string) (*crisis.Instant, *Error) {
	v, ok := p.flags[flag]
	if !ok {
		return nil, nil
	}
	in, err := p.instant(v)
	if err != nil {
		return nil, err
	}
	return &in, nil
}

// trailingTime splits a time off the end of args: the last token, or the
// last two when they read "YYYY-MM-DD HH:MM".
func trailingTime(args []token) (rest []token, timeText string, ok bool) {
	n := len(args)
	if n >= 2 && datePattern.MatchString(args[n-2].text) && clockPattern.MatchString(args[n-1].text) {
		return args[:n-2], args[n-2].text + " " + args[n-1].text, true
	}
	if n >= 1 && !args[n-1].quoted {
		return args[:n-1], args[n-1].text, true
	}
	return args, "", false
}

func query(q Query) func(*parser) error {
	return func(p *parser) error {
		if len(p.args) > 0 {
			return p.fail(CodeExtraArg, "arg", p.args[0].text)
		}
		p.out.Query = q
		return nil
	}
}

func checkText(p *parser, s string, max int) *Error {
	if utf8.RuneCountInString(s) > max {
		return p.fail(CodeTooLong, "max", strconv.Itoa(max))
	}
	return nil
}

func parseStart(p *parser) error {
	title := words(p.args)
	if title == "" {
		return p.fail(CodeMissingArg, "arg", "title")
	}
	if err := checkText(p, title, crisis.MaxTitle); err != nil {
		return err
	}
	c := crisis.Start{Title: title, Severity: p.flags["severity"]}
	var err *Error
	if c.Aware, err = p.optInstant("aware"); err != nil {
		return err
	}
	if c.Detected, err = p.optInstant("detected"); err != nil {
		return err
	}
	if v, ok := p.flags["regime"]; ok {
		for _, r := range strings.Split(strings.ToLower(v), ",") {
			r = strings.TrimSpace(r)
			if !slices.Contains(regimes, r) {
				return p.fail(CodeBadRegime, "input", r)
			}
			if !slices.Contains(c.Regimes, r) {
				c.Regimes = append(c.Regimes, r)
			}
		}
	}
	p.out.Command = c
	return nil
}

func parseRole(p *parser) error {
	if len(p.args) < 2 {
		return p.fail(CodeMissingArg, "arg", map[bool]string{true: "role", false: "person"}[len(p.args) == 0])
	}
	if len(p.args) > 2 {
		return p.fail(CodeExtraArg, "arg", p.args[2].text)
	}
	role, ok := crisis.ParseRole(p.args[0].text)
	if !ok {
		return p.fail(CodeUnknownRole, "input", p.args[0].text)
	}
	who, err := p.person(p.args[1])
	if err != nil {
		return err
	}
	p.out.Command = crisis.AssignRole{Role: role, Person: who}
	return nil
}

func parseInvite(p *parser) error {
	if len(p.args) == 0 {
		return p.fail(CodeMissingArg, "arg", "person")
	}
	var c crisis.Invite
	for _, t := range p.args {
		who, err := p.person(t)
		if err != nil {
			return err
		}
		c.People = append(c.People, who)
	}
	p.out.Command = c
	return nil
}

func parsePage(p *parser) error {
	if len(p.args) != 1 {
		if len(p.args) == 0 {
			return p.fail(CodeMissingArg, "arg", "role")
		}
		return p.fail(CodeExtraArg, "arg", p.args[1].text)
	}
	role, ok := crisis.ParseRole(p.args[0].text)
	if !ok {
		return p.fail(CodeUnknownRole, "input", p.args[0].text)
	}
	p.out.Command = crisis.Page{Role: role}
	return nil
}

func parseRoomAdd(p *parser) error {
	if len(p.args) != 1 {
		if len(p.args) == 0 {
			return p.fail(CodeMissingArg, "arg", "platform")
		}
		return p.fail(CodeExtraArg, "arg", p.args[1].text)
	}
	p.out.Command = crisis.AddRoom{Room: crisis.Room{Platform: strings.ToLower(p.args[0].text)}}
	return nil
}

func parseText(mk func(string) crisis.Command) func(*parser) error {
	return func(p *parser) error {
		t := words(p.args)
		if t == "" {
			return p.fail(CodeMissingArg, "arg", "text")
		}
		if err := checkText(p, t, crisis.MaxText); err != nil {
			return err
		}
		p.out.Command = mk(t)
		return nil
	}
}

func parseSummary(mk func(string) crisis.Command) func(*parser) error {
	return func(p *parser) error {
		t := words(p.args)
		if err := checkText(p, t, crisis.MaxText); err != nil {
			return err
		}
		p.out.Command = mk(t)
		return nil
	}
}

func parseTimeline(p *parser) error {
	if len(p.args) > 0 {
		return p.fail(CodeExtraArg, "arg", p.args[0].text)
	}
	since, err := p.optInstant("since")
	if err != nil {
		return err
	}
	q := Timeline{}
	if since != nil {
		q.Since = &since.At
	}
	p.out.Query = q
	return nil
}

// lastMention removes and returns the last @mention of args.
func lastMention(args []token) ([]token, *token) {
	for i := len(args) - 1; i >= 0; i-- {
		if args[i].mention {
			t := args[i]
			return append(slices.Clone(args[:i]), args[i+1:]...), &t
		}
	}
	return args, nil
}

func parseTask(p *parser) error {
	args, owner := lastMention(p.args)
	c := crisis.CreateTask{Text: words(args)}
	if c.Text == "" {
		return p.fail(CodeMissingArg, "arg", "text")
	}
	if err := checkText(p, c.Text, crisis.MaxText); err != nil {
		return err
	}
	if owner != nil {
		who, err := p.person(*owner)
		if err != nil {
			return err
		}
		c.Owner = who
	}
	var err *Error
	if c.Due, err = p.optInstant("due"); err != nil {
		return err
	}
	p.out.Command = c
	return nil
}

func parseDone(p *parser) error {
	ref := words(p.args)
	if ref == "" {
		return p.fail(CodeMissingArg, "arg", "ref")
	}
	p.out.Command = crisis.Done{Ref: ref}
	return nil
}

func parseDeadline(p *parser) error {
	args, owner := lastMention(p.args)
	if owner == nil {
		return p.fail(CodeMissingArg, "arg", "owner")
	}
	who, err := p.person(*owner)
	if err != nil {
		return err
	}
	var timeText string
	if v, ok := p.flags["due"]; ok {
		timeText = v
	} else {
		var ok bool
		if args, timeText, ok = trailingTime(args); !ok {
			return p.fail(CodeMissingArg, "arg", "time")
		}
	}
	name := words(args)
	if name == "" {
		return p.fail(CodeMissingArg, "arg", "name")
	}
	if err := checkText(p, name, crisis.MaxTitle); err != nil {
		return err
	}
	due, err := p.instant(timeText)
	if err != nil {
		return err
	}
	p.out.Command = crisis.SetDeadline{Name: name, Due: due, Owner: who}
	return nil
}

func (p *parser) onlyTime() (crisis.Instant, *Error) {
	rest, t, ok := trailingTime(p.args)
	if !ok || t == "" {
		return crisis.Instant{}, p.fail(CodeMissingArg, "arg", "time")
	}
	if len(rest) > 0 {
		return crisis.Instant{}, p.fail(CodeExtraArg, "arg", rest[len(rest)-1].text)
	}
	return p.instant(t)
}

func parseAware(p *parser) error {
	regime := strings.ToLower(p.flags["regime"])
	if regime != "" && !slices.Contains(regimes, regime) {
		return p.fail(CodeBadRegime, "input", regime)
	}
	if len(p.args) == 1 && (strings.EqualFold(p.args[0].text, "confirm") || strings.EqualFold(p.args[0].text, "bestätigen")) {
		p.out.Command = crisis.ConfirmAware{Regime: regime}
		return nil
	}
	at, err := p.onlyTime()
	if err != nil {
		return err
	}
	p.out.Command = crisis.Aware{At: at, Reason: p.flags["reason"], Regime: regime}
	return nil
}

func parseDetected(p *parser) error {
	at, err := p.onlyTime()
	if err != nil {
		return err
	}
	p.out.Command = crisis.Detected{At: at, Reason: p.flags["reason"]}
	return nil
}

func parseSnooze(p *parser) error {
	if len(p.args) < 2 {
		return p.fail(CodeMissingArg, "arg", map[bool]string{true: "ref", false: "duration"}[len(p.args) == 0])
	}
	d, err := ParseDuration(p.args[len(p.args)-1].text)
	if err != nil {
		e := err.(*Error)
		e.Params["command"] = p.spec.Name
		return e
	}
	p.out.Command = crisis.Snooze{Ref: words(p.args[:len(p.args)-1]), For: d}
	return nil
}

func parseExport(p *parser) error {
	q := Export{Format: "md"}
	switch len(p.args) {
	case 0:
	case 1:
		q.Format = strings.ToLower(p.args[0].text)
		if q.Format != "md" && q.Format != "json" {
			return p.fail(CodeBadFormat, "input", p.args[0].text)
		}
	default:
		return p.fail(CodeExtraArg, "arg", p.args[1].text)
	}
	p.out.Query = q
	return nil
}

func parseHelp(p *parser) error {
	topic := strings.ToLower(words(p.args))
	if topic != "" {
		s, ok := Lookup(topic)
		if !ok {
			return p.fail(CodeUnknownCommand, "input", topic)
		}
		topic = s.Name
	}
	p.out.Query = Help{Topic: topic}
	return nil
}
