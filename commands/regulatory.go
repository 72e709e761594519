package commands

import (
	"slices"
	"strconv"
	"strings"

	"github.com/krisenstab/krisenstab/crisis"
)

// The commands of the regulatory clocks and the draft workflow
// (crisis-domain.md 3.2, DESIGN.md command table).
func init() {
	specs = append(specs[:len(specs)-2:len(specs)-2], append([]Spec{
		{Name: "regime", Aliases: []string{"regelwerk"}, Args: "add|remove <nis2|bsig|gdpr|dora> [reason]", Mutates: true, NeedsIncident: true, parse: parseRegime},
		{Name: "classify", Aliases: []string{"einstufen"}, Args: "major|high_risk <TIME>", Mutates: true, NeedsIncident: true, parse: parseClassify},
		{Name: "request", Aliases: []string{"ersuchen"}, Args: "<report> [--at TIME] [--due TIME] [--ref ID]", Mutates: true, NeedsIncident: true, flags: []string{"at", "due", "ref"}, parse: parseRequest},
		{Name: "submitted", Aliases: []string{"gemeldet", "eingereicht"}, Args: "<report> [--at TIME] [--ref ID]", Mutates: true, NeedsIncident: true, flags: []string{"at", "ref"}, parse: parseSubmitted},
		{Name: "receipt", Aliases: []string{"eingang"}, Args: "<report> --ref CASE [--at TIME]", Mutates: true, NeedsIncident: true, flags: []string{"at", "ref"}, parse: parseReceipt},
		{Name: "waive", Aliases: []string{"verzichten"}, Args: "<obligation> <reason>", Mutates: true, NeedsIncident: true, parse: parseWaive},
		{Name: "set", Aliases: []string{"setzen", "fakt"}, Args: "<fact> <text>", Mutates: true, NeedsIncident: true, parse: parseSet},
		{Name: "facts", Aliases: []string{"fakten"}, NeedsIncident: true, parse: query(Facts{})},
		{Name: "draft", Aliases: []string{"entwurf"}, Args: "<kind> [--lang de|en] [--for obligation] [--nonews]", Mutates: true, NeedsIncident: true, flags: []string{"lang", "for"}, bools: []string{"nonews"}, parse: parseDraft},
		{Name: "drafts", Aliases: []string{"entwürfe"}, Args: "[draft]", NeedsIncident: true, parse: parseDrafts},
		{Name: "edit", Aliases: []string{"bearbeiten"}, Args: "<draft> <text>", Mutates: true, NeedsIncident: true, parse: parseEdit},
		{Name: "review", Aliases: []string{"gesehen"}, Args: "<draft>", Mutates: true, NeedsIncident: true, parse: parseDraftRef(func(d int) crisis.Command { return crisis.ReviewDraft{Draft: d} })},
		{Name: "approve", Aliases: []string{"freigeben"}, Args: "<draft> [--ack] [--break-glass reason]", Mutates: true, NeedsIncident: true, flags: []string{"break-glass"}, bools: []string{"ack"}, parse: parseApprove},
		{Name: "reject", Aliases: []string{"ablehnen"}, Args: "<draft> [reason]", Mutates: true, NeedsIncident: true, parse: parseReject},
		{Name: "ack", Aliases: []string{"quittieren"}, Mutates: true, NeedsIncident: true, parse: parseAck},
	}, specs[len(specs)-2:]...)...)
}

// DraftKinds are the kinds `draft` accepts (crisis-domain.md 6).
var DraftKinds = []string{"early_warning", "notification", "intermediate", "progress", "final", "gdpr33",
	"gdpr34", "customer", "staff", "update", "nonews", "followup", "press", "dora_initial",
	"dora_intermediate", "dora_final"}

func parseRegime(p *parser) error {
	if len(p.args) < 2 {
		return p.fail(CodeMissingArg, "arg", map[bool]string{true: "add|remove", false: "regime"}[len(p.args) == 0])
	}
	op := strings.ToLower(p.args[0].text)
	reg := strings.ToLower(p.args[1].text)
	if !slices.Contains(regimes, reg) || reg == "internal" {
		return p.fail(CodeBadRegime, "input", reg)
	}
	switch op {
	case "add", "hinzufügen":
		if len(p.args) > 2 {
			return p.fail(CodeExtraArg, "arg", p.args[2].text)
		}
		p.out.Command = crisis.RegimeChange{Add: true, Regime: reg}
	case "remove", "entfernen":
		reason := words(p.args[2:])
		if reason == "" {
			return p.fail(CodeMissingArg, "arg", "reason")
		}
		if err := checkText(p, reason, crisis.MaxText); err != nil {
			return err
		}
		p.out.Command = crisis.RegimeChange{Regime: reg, Reason: reason}
	default:
		return p.fail(CodeMissingArg, "arg", "add|remove")
	}
	return nil
}

func parseClassify(p *parser) error {
	if len(p.args) == 0 {
		return p.fail(CodeMissingArg, "arg", "major|high_risk")
	}
	class := strings.ReplaceAll(strings.ToLower(p.args[0].text), "-", "_")
	switch class {
	case "major", "schwerwiegend":
		class = crisis.ClassMajor
	case "high_risk", "hohes_risiko":
		class = crisis.ClassHighRisk
	default:
		return p.fail(CodeBadClass, "input", p.args[0].text)
	}
	p.args = p.args[1:]
	at, err := p.onlyTime()
	if err != nil {
		return err
	}
	p.out.Command = crisis.Classify{Class: class, At: at}
	return nil
}

func (p *parser) obligation() (string, *Error) {
	if len(p.args) == 0 {
		return "", p.fail(CodeMissingArg, "arg", "report")
	}
	id := strings.ToLower(p.args[0].text)
	if !crisis.IsObligation(id) {
		return "", p.fail(CodeBadObligation, "input", p.args[0].text)
	}
	return id, nil
}

// atOrNow reads --at, defaulting to now.
func (p *parser) atOrNow() (crisis.Instant, *Error) {
	at, err := p.optInstant("at")
	if err != nil {
		return crisis.Instant{}, err
	}
	if at == nil {
		return crisis.Instant{At: p.env.Now.UTC()}, nil
	}
	return *at, nil
}

func parseRequest(p *parser) error {
	id, err := p.obligation()
	if err != nil {
		return err
	}
	if len(p.args) > 1 {
		return p.fail(CodeExtraArg, "arg", p.args[1].text)
	}
	at, err := p.atOrNow()
	if err != nil {
		return err
	}
	due, err := p.optInstant("due")
	if err != nil {
		return err
	}
	p.out.Command = crisis.Request{Obligation: id, At: at, Due: due, Ref: p.flags["ref"]}
	return nil
}

func parseSubmitted(p *parser) error {
	id, err := p.obligation()
	if err != nil {
		return err
	}
	if len(p.args) > 1 {
		return p.fail(CodeExtraArg, "arg", p.args[1].text)
	}
	at, err := p.atOrNow()
	if err != nil {
		return err
	}
	p.out.Command = crisis.Submit{Obligation: id, At: at, Ref: p.flags["ref"]}
	return nil
}

func parseWaive(p *parser) error {
	id, err := p.obligation()
	if err != nil {
		return err
	}
	reason := words(p.args[1:])
	if reason == "" {
		return p.fail(CodeMissingArg, "arg", "reason")
	}
	if err := checkText(p, reason, crisis.MaxText); err != nil {
		return err
	}
	p.out.Command = crisis.Waive{Obligation: id, Reason: reason}
	return nil
}

func parseSet(p *parser) error {
	if len(p.args) == 0 {
		return p.fail(CodeMissingArg, "arg", "fact")
	}
	key := strings.ToLower(p.args[0].text)
	value := afterWords(p.raw, 1)
	if len(p.args) == 2 && p.args[1].quoted {
		value = p.args[1].text
	}
	if err := checkText(p, value, crisis.MaxText); err != nil {
		return err
	}
	p.out.Command = crisis.SetFact{Key: key, Value: value}
	return nil
}

func parseDraft(p *parser) error {
	if len(p.args) == 0 {
		return p.fail(CodeMissingArg, "arg", "kind")
	}
	if len(p.args) > 1 {
		return p.fail(CodeExtraArg, "arg", p.args[1].text)
	}
	kind := strings.ToLower(p.args[0].text)
	if kind == "update" && p.flags["nonews"] == "true" {
		kind = "nonews"
	}
	if !slices.Contains(DraftKinds, kind) {
		return p.fail(CodeBadKind, "input", p.args[0].text)
	}
	lang := strings.ToLower(p.flags["lang"])
	if lang != "" && lang != "de" && lang != "en" {
		return p.fail(CodeBadLang, "input", lang)
	}
	ob := strings.ToLower(p.flags["for"])
	if ob != "" && !crisis.IsObligation(ob) {
		return p.fail(CodeBadObligation, "input", ob)
	}
	p.out.Command = crisis.CreateDraft{Kind: kind, Lang: lang, Obligation: ob}
	return nil
}

// draftNumber reads D3, E3, #3 or 3.
func draftNumber(s string) (int, bool) {
	s = strings.TrimLeft(strings.ToLower(s), "de#")
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

func (p *parser) draft() (int, *Error) {
	if len(p.args) == 0 {
		return 0, p.fail(CodeMissingArg, "arg", "draft")
	}
	n, ok := draftNumber(p.args[0].text)
	if !ok {
		return 0, p.fail(CodeBadDraft, "input", p.args[0].text)
	}
	return n, nil
}

func parseDrafts(p *parser) error {
	switch len(p.args) {
	case 0:
		p.out.Query = Drafts{}
	case 1:
		n, err := p.draft()
		if err != nil {
			return err
		}
		p.out.Query = Drafts{Draft: n}
	default:
		return p.fail(CodeExtraArg, "arg", p.args[1].text)
	}
	return nil
}

func parseEdit(p *parser) error {
	n, err := p.draft()
	if err != nil {
		return err
	}
	// The new text keeps its line breaks: it is a letter, not a log line.
	text := afterWords(p.raw, 1)
	if len(p.args) == 2 && p.args[1].quoted {
		text = p.args[1].text
	}
	if text == "" {
		return p.fail(CodeMissingArg, "arg", "text")
	}
	if err := checkText(p, text, crisis.MaxDraft); err != nil {
		return err
	}
	p.out.Command = crisis.EditDraft{Draft: n, Text: text}
	return nil
}

func parseDraftRef(mk func(int) crisis.Command) func(*parser) error {
	return func(p *parser) error {
		n, err := p.draft()
		if err != nil {
			return err
		}
		if len(p.args) > 1 {
			return p.fail(CodeExtraArg, "arg", p.args[1].text)
		}
		p.out.Command = mk(n)
		return nil
	}
}

func parseApprove(p *parser) error {
	n, err := p.draft()
	if err != nil {
		return err
	}
	if len(p.args) > 1 {
		return p.fail(CodeExtraArg, "arg", p.args[1].text)
	}
	reason, bg := p.flags["break-glass"]
	p.out.Command = crisis.Approve{Draft: n, Ack: p.flags["ack"] == "true", BreakGlass: bg, Reason: reason}
	return nil
}

func parseReject(p *parser) error {
	n, err := p.draft()
	if err != nil {
		return err
	}
	reason := words(p.args[1:])
	if err := checkText(p, reason, crisis.MaxText); err != nil {
		return err
	}
	p.out.Command = crisis.Reject{Draft: n, Reason: reason}
	return nil
}

func parseAck(p *parser) error {
	if len(p.args) > 0 {
		return p.fail(CodeExtraArg, "arg", p.args[0].text)
	}
	p.out.Command = crisis.Ack{}
	return nil
}

func parseReceipt(p *parser) error {
	id, err := p.obligation()
	if err != nil {
		return err
	}
	if len(p.args) > 1 {
		return p.fail(CodeExtraArg, "arg", p.args[1].text)
	}
	ref := strings.TrimSpace(p.flags["ref"])
	if ref == "" {
		return p.fail(CodeMissingFlagValue, "flag", "--ref")
	}
	at, err := p.atOrNow()
	if err != nil {
		return err
	}
	p.out.Command = crisis.RecordReceipt{Obligation: id, At: at, Ref: ref}
	return nil
}
