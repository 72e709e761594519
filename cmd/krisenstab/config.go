package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/krisenstab/krisenstab/bot"
	"github.com/krisenstab/krisenstab/crisis"
	"github.com/krisenstab/krisenstab/messages"
)

// at is a config value with the line and column it was read from, so
// `krisenstab check` can point at the exact place of a mistake.
type at[T any] struct {
	V      T
	Line   int
	Column int
}

func (a *at[T]) UnmarshalYAML(n *yaml.Node) error {
	a.Line, a.Column = n.Line, n.Column
	return n.Decode(&a.V)
}

type fileConfig struct {
	Organisation struct {
		Name     at[string] `yaml:"name"`
		Language at[string] `yaml:"language"`
		Timezone at[string] `yaml:"timezone"`
		// HolidayCalendar decides DORA weekend relief: DE or DE-<state>.
		HolidayCalendar at[string] `yaml:"holiday_calendar"`
		RegistrationID  at[string] `yaml:"registration_id"`
	} `yaml:"organisation"`
	Entity     fileEntity                  `yaml:"entity"`
	Policy     filePolicy                  `yaml:"policy"`
	Publish    map[string][]at[fileTarget] `yaml:"publish"`
	Drafting   fileDrafting                `yaml:"drafting"`
	Command    at[string]                  `yaml:"command"`
	RoomPrefix at[string]                  `yaml:"room_prefix"`
	DataDir    at[string]                  `yaml:"data_dir"`
	Roster     []filePerson                `yaml:"roster"`
	Reminders  map[string]at[fileLadder]   `yaml:"reminders"`
	Platforms  map[string]at[yaml.Node]    `yaml:"platforms"`
}

type filePerson struct {
	ID       at[string]            `yaml:"id"`
	Name     at[string]            `yaml:"name"`
	Roles    []at[string]          `yaml:"roles"`
	Deputy   at[string]            `yaml:"deputy"`
	Phone    at[string]            `yaml:"phone"`
	Email    at[string]            `yaml:"email"`
	Language at[string]            `yaml:"language"`
	Accounts map[string]at[string] `yaml:"accounts"`
}

type fileEntity struct {
	Class                at[string] `yaml:"class"`
	KRITIS               at[bool]   `yaml:"kritis"`
	TrustServiceProvider at[bool]   `yaml:"trust_service_provider"`
	DORAType             at[string] `yaml:"dora_type"`
	NIS2Identified       at[bool]   `yaml:"nis2_identified"`
	DORAWeekendRelief    *at[bool]  `yaml:"dora_weekend_relief"`
	DORAFinalRelief      *at[bool]  `yaml:"dora_final_relief"`
}

type filePolicy struct {
	MonthRule       at[string]              `yaml:"month_rule"`
	StatusCadence   at[string]              `yaml:"status_cadence"`
	ResolvedCadence at[string]              `yaml:"resolved_cadence"`
	Approval        map[string]at[fileRule] `yaml:"approval"`
}

// fileRule is an approval rule: approve is a list of groups, each a list
// of roles of which one distinct person must approve.
type fileRule struct {
	Approve          [][]string `yaml:"approve"`
	Review           []string   `yaml:"review"`
	Informed         []string   `yaml:"informed"`
	AuthorMayApprove bool       `yaml:"author_may_approve"`
}

type fileTarget struct {
	Platform string `yaml:"platform"`
	Room     string `yaml:"room"`
	Name     string `yaml:"name"`
}

type fileDrafting struct {
	ReportingContact  at[string]   `yaml:"reporting_contact"`
	LandingURL        at[string]   `yaml:"landing_url"`
	InternalHostnames []at[string] `yaml:"internal_hostnames"`
	AttackerGroups    []at[string] `yaml:"attacker_groups"`
}

var (
	entityClasses = []string{"", "essential", "important", "none"}
	doraTypes     = []string{"", "credit_institution", "payment_institution", "e_money_institution", "investment_firm",
		"insurance_undertaking", "reinsurance_undertaking", "central_counterparty", "trading_venue", "crypto_asset_service_provider",
		"central_securities_depository", "ict_third_party", "other"}
)

// regulation reads entity, organisation holidays and policy into the
// statutory clocks' configuration.
func regulation(fc *fileConfig, zone *time.Location, probs *Problems) crisis.Regulation {
	r := crisis.DefaultRegulation()
	r.Zone = zone
	if h := fc.Organisation.HolidayCalendar; h.V != "" {
		cal, err := crisis.ParseHolidayCalendar(h.V)
		if err != nil {
			probs.add(h.Line, h.Column, "organisation.holiday_calendar: %v", err)
		}
		r.Holidays = cal
	}
	e := fc.Entity
	if !slices.Contains(entityClasses, e.Class.V) {
		probs.add(e.Class.Line, e.Class.Column, "entity.class %q: use essential, important or none", e.Class.V)
	}
	if !slices.Contains(doraTypes, e.DORAType.V) {
		probs.add(e.DORAType.Line, e.DORAType.Column, "entity.dora_type %q: use one of %s", e.DORAType.V, strings.Join(doraTypes[1:], ", "))
	}
	r.Entity = crisis.Entity{Class: e.Class.V, KRITIS: e.KRITIS.V, TrustServiceProvider: e.TrustServiceProvider.V,
		DORAType: e.DORAType.V, NIS2Identified: e.NIS2Identified.V}
	if e.DORAWeekendRelief != nil {
		v := e.DORAWeekendRelief.V
		r.Entity.DORAWeekendRelief = &v
	}
	if e.DORAFinalRelief != nil {
		v := e.DORAFinalRelief.V
		r.Entity.DORAFinalRelief = &v
	}
	p := fc.Policy
	if m := p.MonthRule; m.V != "" {
		rule, err := crisis.ParseMonthRule(m.V)
		if err != nil {
			probs.add(m.Line, m.Column, "policy.month_rule: %v", err)
		}
		r.MonthRule = rule
	}
	for _, c := range []struct {
		v   at[string]
		dst *time.Duration
		key string
	}{{p.StatusCadence, &r.Cadence, "status_cadence"}, {p.ResolvedCadence, &r.ResolvedCadence, "resolved_cadence"}} {
		if c.v.V == "" {
			continue
		}
		d, err := time.ParseDuration(c.v.V)
		if err != nil || d < 15*time.Minute {
			probs.add(c.v.Line, c.v.Column, "policy.%s: %q must be a duration of at least 15m", c.key, c.v.V)
			continue
		}
		*c.dst = d
	}
	return r
}

func approvalPolicy(in map[string]at[fileRule], probs *Problems) crisis.ApprovalPolicy {
	pol := crisis.DefaultApprovalPolicy()
	roles := func(line, col int, where string, names []string) []crisis.Role {
		var out []crisis.Role
		for _, n := range names {
			r, ok := crisis.ParseRole(n)
			if !ok {
				probs.add(line, col, "%s: unknown role %q (roles: %s)", where, n, roleList())
				continue
			}
			out = append(out, r)
		}
		return out
	}
	for kind, fr := range in {
		if _, ok := pol[kind]; !ok {
			probs.add(fr.Line, fr.Column, "policy.approval.%s: unknown draft kind (kinds: %s)", kind, strings.Join(sortedKeys(pol), ", "))
			continue
		}
		rule := crisis.Rule{AuthorMayApprove: fr.V.AuthorMayApprove}
		if len(fr.V.Approve) == 0 {
			probs.add(fr.Line, fr.Column, "policy.approval.%s.approve: name at least one group of roles, e.g. [[lead, legal]]", kind)
		}
		for _, g := range fr.V.Approve {
			group := roles(fr.Line, fr.Column, "policy.approval."+kind+".approve", g)
			if slices.Contains(group, crisis.RoleExternal) {
				probs.add(fr.Line, fr.Column, "policy.approval.%s.approve: external responders never approve", kind)
			}
			if len(group) > 0 {
				rule.Approve = append(rule.Approve, group)
			}
		}
		rule.Review = roles(fr.Line, fr.Column, "policy.approval."+kind+".review", fr.V.Review)
		rule.Informed = roles(fr.Line, fr.Column, "policy.approval."+kind+".informed", fr.V.Informed)
		pol[kind] = rule
	}
	return pol
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func publishTargets(in map[string][]at[fileTarget], platforms map[string]at[yaml.Node], probs *Problems) map[string][]crisis.Room {
	out := map[string][]crisis.Room{}
	kinds := crisis.DefaultApprovalPolicy()
	for kind, targets := range in {
		if _, ok := kinds[kind]; !ok {
			line, col := 1, 1
			if len(targets) > 0 {
				line, col = targets[0].Line, targets[0].Column
			}
			probs.add(line, col, "publish.%s: unknown draft kind (kinds: %s)", kind, strings.Join(sortedKeys(kinds), ", "))
			continue
		}
		for _, t := range targets {
			switch {
			case t.V.Platform == "" || t.V.Room == "":
				probs.add(t.Line, t.Column, "publish.%s: a target needs platform and room", kind)
			case !slices.Contains(knownPlatforms, t.V.Platform):
				probs.add(t.Line, t.Column, "publish.%s: unknown platform %q", kind, t.V.Platform)
			case t.V.Platform != "console" && platforms[t.V.Platform].Line == 0:
				probs.add(t.Line, t.Column, "publish.%s: platform %q is not configured under platforms", kind, t.V.Platform)
			default:
				out[kind] = append(out[kind], crisis.Room{Platform: t.V.Platform, ID: t.V.Room, Name: t.V.Name})
			}
		}
	}
	return out
}

func drafting(fc *fileConfig, probs *Problems) bot.Drafting {
	d := bot.Drafting{OrgRegistrationID: fc.Organisation.RegistrationID.V, Kritis: fc.Entity.KRITIS.V,
		ReportingContact: fc.Drafting.ReportingContact.V, LandingURL: fc.Drafting.LandingURL.V}
	if u := fc.Drafting.LandingURL; u.V != "" && !strings.HasPrefix(u.V, "https://") && !strings.HasPrefix(u.V, "http://") {
		probs.add(u.Line, u.Column, "drafting.landing_url %q: use an http(s) address", u.V)
	}
	for _, h := range fc.Drafting.InternalHostnames {
		d.Hostnames = append(d.Hostnames, h.V)
	}
	for _, g := range fc.Drafting.AttackerGroups {
		d.Groups = append(d.Groups, g.V)
	}
	return d
}

type fileLadder struct {
	Before []string `yaml:"before"`
	Repeat string   `yaml:"repeat"`
}

// consoleConfig is platforms.console.
type consoleConfig struct {
	Person string `yaml:"person"`
}

// slackConfig is platforms.slack; the tokens come from the environment.
type slackConfig struct {
	Mode   string `yaml:"mode"`   // socket (default) or http
	Listen string `yaml:"listen"` // http mode, e.g. ":8080"
	Public bool   `yaml:"public"` // incident channels public (default private)
}

// mattermostConfig is platforms.mattermost; the tokens come from the
// environment.
type mattermostConfig struct {
	URL       string `yaml:"url"`        // the server, e.g. https://chat.example.com
	Team      string `yaml:"team"`       // team name incident channels are created in
	Listen    string `yaml:"listen"`     // where the bot's endpoints listen, e.g. ":8065"
	PublicURL string `yaml:"public_url"` // how the server reaches the bot (slash command and buttons)
	Public    bool   `yaml:"public"`     // incident channels public (default private)
}

// Environment variables with the Mattermost secrets.
const (
	envMattermostBot     = "KRISENSTAB_MATTERMOST_BOT_TOKEN"
	envMattermostCommand = "KRISENSTAB_MATTERMOST_COMMAND_TOKEN"
)

// Environment variables with the Slack secrets.
const (
	envSlackBot    = "KRISENSTAB_SLACK_BOT_TOKEN"
	envSlackApp    = "KRISENSTAB_SLACK_APP_TOKEN"
	envSlackSecret = "KRISENSTAB_SLACK_SIGNING_SECRET"
)

// Config is the validated configuration.
type Config struct {
	Source  string // file name for messages
	Path    string // "" for the embedded example
	DataDir string
	Runtime bot.Config
	Console consoleConfig
	Slack   *slackConfig // nil: not configured
	// SlackLine is where platforms.slack starts, for errors about it.
	SlackLine, SlackColumn int
	Mattermost             *mattermostConfig // nil: not configured
	MattermostLine         int
	MattermostColumn       int
}

// Problem is one configuration mistake at a line.
type Problem struct {
	Line, Column int
	Msg          string
}

// Problems lists every mistake found; its Error names them all.
type Problems struct {
	File  string
	Items []Problem
}

func (p *Problems) Error() string {
	var b strings.Builder
	for i, it := range p.Items {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s:%d:%d: %s", p.File, it.Line, it.Column, it.Msg)
	}
	return b.String()
}

func (p *Problems) add(line, col int, format string, args ...any) {
	p.Items = append(p.Items, Problem{line, col, fmt.Sprintf(format, args...)})
}

var (
	idPattern         = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,39}$`)
	roomPrefixPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,20}$`)
	commandPattern    = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)
	yamlLine          = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	typeErrLine       = regexp.MustCompile(`^line (\d+): (.*)$`)
	knownPlatforms    = []string{"console", "slack", "mattermost", "discord"}
)

// LoadConfig reads and validates a config file; path "" means the embedded
// example configuration with its data in ./krisenstab-data.
func LoadConfig(path string, example []byte) (*Config, error) {
	src, name, base := example, "krisenstab.example.yaml (embedded)", "."
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read config: %w", err)
		}
		src, name, base = b, path, filepath.Dir(path)
	}
	cfg, err := parseConfig(src, name)
	if err != nil {
		return nil, err
	}
	cfg.Path, cfg.Source = path, name
	if !filepath.IsAbs(cfg.DataDir) {
		cfg.DataDir = filepath.Join(base, cfg.DataDir)
	}
	return cfg, nil
}

// decodeStrict decodes a sub-document, refusing unknown keys.
func decodeStrict(n *yaml.Node, v any) error {
	b, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	return dec.Decode(v)
}

func parseConfig(src []byte, name string) (*Config, error) {
	probs := &Problems{File: name}
	var fc fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&fc); err != nil {
		var te *yaml.TypeError
		switch {
		case errors.Is(err, io.EOF):
			probs.add(1, 1, "the file is empty")
		case errors.As(err, &te):
			for _, m := range te.Errors {
				line, msg := 1, m
				if sm := typeErrLine.FindStringSubmatch(m); sm != nil {
					line, _ = strconv.Atoi(sm[1])
					msg = sm[2]
				}
				probs.add(line, 1, "%s", msg)
			}
		default:
			if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
				l, _ := strconv.Atoi(m[1])
				probs.add(l, 1, "%s", m[2])
			} else {
				probs.add(1, 1, "%v", err)
			}
		}
		return nil, probs
	}
	cfg := &Config{}
	rc := &cfg.Runtime
	rc.Org = fc.Organisation.Name.V
	if rc.Org == "" {
		probs.add(max(fc.Organisation.Name.Line, 1), 1, "organisation.name is required")
	}
	rc.Lang = messages.DE
	if l := fc.Organisation.Language; l.V != "" {
		lang, ok := messages.ParseLang(l.V)
		if !ok {
			probs.add(l.Line, l.Column, "organisation.language %q: use de or en", l.V)
		}
		rc.Lang = lang
	}
	rc.Zone, _ = time.LoadLocation("Europe/Berlin")
	if z := fc.Organisation.Timezone; z.V != "" {
		loc, err := time.LoadLocation(z.V)
		if err != nil {
			probs.add(z.Line, z.Column, "organisation.timezone %q is not a time zone (e.g. Europe/Berlin)", z.V)
		} else {
			rc.Zone = loc
		}
	}
	rc.Command = "crisis"
	if c := fc.Command; c.V != "" {
		if !commandPattern.MatchString(strings.TrimPrefix(c.V, "/")) {
			probs.add(c.Line, c.Column, "command %q: use lower-case letters, digits, - or _ (max 32)", c.V)
		}
		rc.Command = strings.TrimPrefix(c.V, "/")
	}
	rc.RoomPrefix = "crisis-"
	if rp := fc.RoomPrefix; rp.V != "" {
		if !roomPrefixPattern.MatchString(rp.V) {
			probs.add(rp.Line, rp.Column, "room_prefix %q: use lower-case letters, digits, - or _ (max 21)", rp.V)
		}
		rc.RoomPrefix = rp.V
	}
	cfg.DataDir = "krisenstab-data"
	if fc.DataDir.V != "" {
		cfg.DataDir = fc.DataDir.V
	}
	rc.People = roster(fc.Roster, probs)
	rc.Policy = reminders(fc.Reminders, probs)
	rc.Policy.Regs = regulation(&fc, rc.Zone, probs)
	rc.Approval = approvalPolicy(fc.Policy.Approval, probs)
	rc.Publish = publishTargets(fc.Publish, fc.Platforms, probs)
	rc.Drafting = drafting(&fc, probs)
	names := make([]string, 0, len(fc.Platforms))
	for n := range fc.Platforms {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := fc.Platforms[n]
		switch n {
		case "console":
			if err := decodeStrict(&p.V, &cfg.Console); err != nil {
				probs.add(p.Line, p.Column, "platforms.console: %v", err)
			}
		case "slack":
			cfg.Slack = &slackConfig{}
			cfg.SlackLine, cfg.SlackColumn = p.Line, p.Column
			if err := decodeStrict(&p.V, cfg.Slack); err != nil {
				subdocProblems(probs, p.Line, "platforms.slack", err)
			}
			switch cfg.Slack.Mode {
			case "", "socket":
			case "http":
				if cfg.Slack.Listen == "" {
					probs.add(p.Line, p.Column, "platforms.slack: mode http needs listen, e.g. \":8080\"")
				}
			default:
				probs.add(p.Line, p.Column, "platforms.slack.mode %q: use socket or http", cfg.Slack.Mode)
			}
		case "mattermost":
			m := &mattermostConfig{}
			cfg.Mattermost, cfg.MattermostLine, cfg.MattermostColumn = m, p.Line, p.Column
			if err := decodeStrict(&p.V, m); err != nil {
				subdocProblems(probs, p.Line, "platforms.mattermost", err)
			}
			for _, f := range []struct{ key, v string }{{"url", m.URL}, {"team", m.Team}, {"listen", m.Listen}, {"public_url", m.PublicURL}} {
				if f.v == "" {
					probs.add(p.Line, p.Column, "platforms.mattermost.%s is required", f.key)
				}
			}
			for _, f := range []struct{ key, v string }{{"url", m.URL}, {"public_url", m.PublicURL}} {
				if f.v != "" && !strings.HasPrefix(f.v, "http://") && !strings.HasPrefix(f.v, "https://") {
					probs.add(p.Line, p.Column, "platforms.mattermost.%s %q: use an http(s) address", f.key, f.v)
				}
			}
		case "discord":
			probs.add(p.Line, p.Column, "platforms.%s is not available in this version yet; remove it to run on the terminal", n)
		default:
			probs.add(p.Line, p.Column, "unknown platform %q (known: %s)", n, strings.Join(knownPlatforms, ", "))
		}
	}
	if cfg.Console.Person == "" && len(rc.People) > 0 {
		cfg.Console.Person = string(rc.People[0].ID)
	} else if cfg.Console.Person != "" && !slices.ContainsFunc(rc.People, func(p bot.Person) bool { return string(p.ID) == cfg.Console.Person }) {
		l := fc.Platforms["console"]
		probs.add(l.Line, l.Column, "platforms.console.person %q is not in the roster", cfg.Console.Person)
	}
	if len(probs.Items) > 0 {
		sort.SliceStable(probs.Items, func(i, j int) bool {
			a, b := probs.Items[i], probs.Items[j]
			return a.Line < b.Line || a.Line == b.Line && a.Column < b.Column
		})
		return nil, probs
	}
	return cfg, nil
}

func roster(in []filePerson, probs *Problems) []bot.Person {
	if len(in) == 0 {
		probs.add(1, 1, "roster is empty: name at least the crisis lead")
	}
	seen := map[string]int{}
	accounts := map[string]int{}
	var out []bot.Person
	for _, fp := range in {
		p := bot.Person{ID: crisis.PersonID(fp.ID.V), Name: fp.Name.V, Phone: fp.Phone.V,
			Email: fp.Email.V, Deputy: crisis.PersonID(fp.Deputy.V), Accounts: map[string]string{}}
		switch {
		case fp.ID.V == "":
			probs.add(max(fp.Name.Line, 1), 1, "roster entry without id")
		case !idPattern.MatchString(fp.ID.V):
			probs.add(fp.ID.Line, fp.ID.Column, "id %q: use lower-case letters, digits, '.', '-' or '_'", fp.ID.V)
		case seen[fp.ID.V] > 0:
			probs.add(fp.ID.Line, fp.ID.Column, "id %q is used twice (first on line %d)", fp.ID.V, seen[fp.ID.V])
		default:
			seen[fp.ID.V] = fp.ID.Line
		}
		if fp.Name.V == "" {
			probs.add(fp.ID.Line, fp.ID.Column, "roster entry %q has no name", fp.ID.V)
		}
		for _, r := range fp.Roles {
			role, ok := crisis.ParseRole(r.V)
			if !ok {
				probs.add(r.Line, r.Column, "unknown role %q (roles: %s)", r.V, roleList())
				continue
			}
			p.Roles = append(p.Roles, role)
		}
		if l := fp.Language; l.V != "" {
			lang, ok := messages.ParseLang(l.V)
			if !ok {
				probs.add(l.Line, l.Column, "language %q: use de or en", l.V)
			}
			p.Lang = lang
		}
		for platform, acc := range fp.Accounts {
			if !slices.Contains(knownPlatforms, platform) {
				probs.add(acc.Line, acc.Column, "account on unknown platform %q (known: %s)", platform, strings.Join(knownPlatforms, ", "))
				continue
			}
			key := platform + "/" + acc.V
			if first, dup := accounts[key]; dup {
				probs.add(acc.Line, acc.Column, "%s account %q is given twice (first on line %d)", platform, acc.V, first)
			}
			accounts[key] = acc.Line
			p.Accounts[platform] = acc.V
		}
		// On the terminal everyone types under their roster ID.
		if _, ok := p.Accounts["console"]; !ok && p.ID != "" {
			p.Accounts["console"] = string(p.ID)
		}
		out = append(out, p)
	}
	for _, fp := range in {
		if d := fp.Deputy; d.V != "" && seen[d.V] == 0 {
			probs.add(d.Line, d.Column, "deputy %q is not in the roster", d.V)
		}
	}
	return out
}

func roleList() string {
	var s []string
	for _, r := range crisis.Roles() {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

func reminders(in map[string]at[fileLadder], probs *Problems) crisis.Policy {
	p := crisis.DefaultPolicy()
	for kind, l := range in {
		var dst *crisis.Ladder
		switch kind {
		case "task":
			dst = &p.Task
		case "checklist":
			dst = &p.Checklist
		case "deadline":
			dst = &p.Deadline
		default:
			probs.add(l.Line, l.Column, "reminders.%s: known ladders are task, checklist, deadline", kind)
			continue
		}
		lad := crisis.Ladder{}
		for _, b := range l.V.Before {
			d, err := time.ParseDuration(b)
			if err != nil || d <= 0 {
				probs.add(l.Line, l.Column, "reminders.%s.before: %q is not a positive duration like 1h or 15m", kind, b)
				continue
			}
			lad.Before = append(lad.Before, d)
		}
		if l.V.Repeat != "" {
			d, err := time.ParseDuration(l.V.Repeat)
			if err != nil || d < 5*time.Minute {
				probs.add(l.Line, l.Column, "reminders.%s.repeat: %q must be a duration of at least 5m", kind, l.V.Repeat)
			}
			lad.Repeat = d
		}
		*dst = lad
	}
	return p
}

// SlackSecrets reads the Slack secrets from the environment and says which
// are missing for the configured mode.
func (c *Config) SlackSecrets(getenv func(string) string) (bot, app, secret string, err error) {
	bot, app, secret = getenv(envSlackBot), getenv(envSlackApp), getenv(envSlackSecret)
	var missing []string
	if bot == "" {
		missing = append(missing, envSlackBot)
	}
	if c.Slack.Mode == "http" && secret == "" {
		missing = append(missing, envSlackSecret)
	}
	if c.Slack.Mode != "http" && app == "" {
		missing = append(missing, envSlackApp)
	}
	if len(missing) > 0 {
		err = fmt.Errorf("%s:%d:%d: platforms.slack needs the environment variable(s) %s", c.Source, c.SlackLine, c.SlackColumn, strings.Join(missing, ", "))
	}
	return bot, app, secret, err
}

// subdocProblems reports the errors of decoding a sub-document at the lines
// of the whole file (yaml counts lines from the sub-document's start).
func subdocProblems(probs *Problems, start int, where string, err error) {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		probs.add(start, 1, "%s: %v", where, err)
		return
	}
	for _, m := range te.Errors {
		line, msg := start, m
		if sm := typeErrLine.FindStringSubmatch(m); sm != nil {
			n, _ := strconv.Atoi(sm[1])
			line, msg = start+n-1, sm[2]
		}
		probs.add(line, 1, "%s: %s", where, msg)
	}
}

// MattermostSecrets reads the Mattermost tokens from the environment.
func (c *Config) MattermostSecrets(getenv func(string) string) (botToken, commandToken string, err error) {
	botToken, commandToken = getenv(envMattermostBot), getenv(envMattermostCommand)
	var missing []string
	if botToken == "" {
		missing = append(missing, envMattermostBot)
	}
	if commandToken == "" {
		missing = append(missing, envMattermostCommand)
	}
	if len(missing) > 0 {
		err = fmt.Errorf("%s:%d:%d: platforms.mattermost needs the environment variable(s) %s", c.Source, c.MattermostLine, c.MattermostColumn, strings.Join(missing, ", "))
	}
	return botToken, commandToken, err
}
