package messages

import (
	"bufio"
	"embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Severity of a finding: errors block approval, warnings are acknowledged
// by the approver (crisis-domain.md 7).
type Severity string

// Severities.
const (
	SevError   Severity = "error"
	SevWarning Severity = "warning"
)

// Finding is one linter result.
type Finding struct {
	Rule      string
	Severity  Severity
	Field     string // fact key concerned, if any
	Match     string // offending text, if any
	Hint      string // plain replacement, if any
	NeedsRole string // "legal" for LINT-12 and LINT-25
}

// JargonEntry is a term and its plain replacement.
type JargonEntry struct{ Term, Plain string }

// LintConfig is the organisation's additions to the word lists.
type LintConfig struct {
	Hostnames []string // internal host and domain names (LINT-11)
	Groups    []string // attacker group names (LINT-25)
	Jargon    map[Lang][]JargonEntry
}

// LintInput is one draft text to check.
type LintInput struct {
	Kind, Text string
	Lang       Lang
	Facts      map[string]string
	Now        time.Time
	Aware      *time.Time // GDPR awareness, for LINT-20
	LandingURL string     // configured landing page (LINT-14, LINT-27)
	Channel    string     // "", "sms" or "messenger" (LINT-27)
	Kritis     bool
	Config     LintConfig
	// Reference is the text the template renders from the current facts;
	// numbers and dates in it are facts (LINT-13).
	Reference string
}

//go:embed wordlists
var wordFiles embed.FS

// wordList is one data file: terms (with an optional replacement) compiled
// to whole-word, case-insensitive patterns.
type wordList struct {
	terms []string
	plain []string
	res   []*regexp.Regexp
}

var lists = sync.OnceValue(func() map[string]*wordList {
	out := map[string]*wordList{}
	for _, l := range Langs() {
		dir := "wordlists/" + string(l)
		entries, err := wordFiles.ReadDir(dir)
		if err != nil {
			panic(fmt.Sprintf("messages: word lists for %s: %v", l, err)) // embedded: a build defect
		}
		for _, e := range entries {
			b, _ := wordFiles.ReadFile(dir + "/" + e.Name())
			wl := &wordList{}
			sc := bufio.NewScanner(strings.NewReader(string(b)))
			for sc.Scan() {
				line := strings.TrimSpace(sc.Text())
				if line == "" || strings.HasPrefix(line, "#") {
					continue
				}
				term, plain, _ := strings.Cut(line, "\t")
				wl.add(strings.TrimSpace(term), strings.TrimSpace(plain))
			}
			out[string(l)+"/"+strings.TrimSuffix(e.Name(), ".txt")] = wl
		}
	}
	return out
})

func (wl *wordList) add(term, plain string) {
	wl.terms = append(wl.terms, term)
	wl.plain = append(wl.plain, plain)
	wl.res = append(wl.res, wordPattern(term))
}

// wordPattern matches term as a whole word, case-insensitively; a trailing
// * matches any word ending. Boundaries are Unicode-aware (\b is ASCII
// only and would split "Lösegeld").
func wordPattern(term string) *regexp.Regexp {
	suffix := ""
	if strings.HasSuffix(term, "*") {
		term, suffix = strings.TrimSuffix(term, "*"), `[\p{L}\p{N}]*`
	}
	return regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}])(` + regexp.QuoteMeta(term) + suffix + `)(?:$|[^\p{L}\p{N}])`)
}

// find returns the first term of the list in text, with its replacement.
func (wl *wordList) find(text string) (match, plain string, ok bool) {
	if wl == nil {
		return "", "", false
	}
	for i, re := range wl.res {
		if m := re.FindStringSubmatch(text); m != nil {
			return m[1], wl.plain[i], true
		}
	}
	return "", "", false
}

func (wl *wordList) all(text string) [][2]string {
	if wl == nil {
		return nil
	}
	var out [][2]string
	for i, re := range wl.res {
		if m := re.FindStringSubmatch(text); m != nil {
			out = append(out, [2]string{m[1], wl.plain[i]})
		}
	}
	return out
}

func list(l Lang, name string) *wordList { return lists()[string(l)+"/"+name] }

var (
	ipv4     = regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b`)
	ipv6     = regexp.MustCompile(`(?i)\b(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}\b`)
	hexHash  = regexp.MustCompile(`(?i)\b(?:[0-9a-f]{64}|[0-9a-f]{40}|[0-9a-f]{32})\b`)
	cve      = regexp.MustCompile(`(?i)\bCVE-\d{4}-\d{4,}\b`)
	path     = regexp.MustCompile(`(?:\b[A-Za-z]:\\[^\s]+|(?:^|\s)/(?:etc|var|usr|home|opt|tmp|srv|root)/[^\s]*)`)
	phone    = regexp.MustCompile(`(?:^|[^\w.:-])(?:\+|0)\d[\d /()-]{5,}\d`)
	email    = regexp.MustCompile(`[\w.+-]+@[\w-]+\.[\w.-]+`)
	url      = regexp.MustCompile(`https?://\S+`)
	clock    = regexp.MustCompile(`\b([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?`)
	zoneNext = regexp.MustCompile(`^(?:Z|\s*(?:Uhr\s+)?(?:MEZ|MESZ|CET|CEST|UTC|GMT)\b|\s*[+-]\d{2}:?\d{2}|\s*\(?UTC)`)
	number   = regexp.MustCompile(`\d[\d.,]*\d|\d`)
	estimate = regexp.MustCompile(`(?i)(?:ca\.|circa|etwa|rund|ungefähr|approx\.?|about|around|~|mehr als|über|more than|over)\s*$`)
	sentence = regexp.MustCompile(`[^.!?\n]+[.!?]?`)
	anyLabel = regexp.MustCompile(`\*\*[^*\n]{1,80}:\*\*`)
	dateLike = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\.\d{1,2}\.(?:\d{2,4})?`)
)

// coreFields have their own rules for external messages (LINT-05..07).
var coreFields = []string{"recipient_actions", "what_happened", "impact", "measures"}

// blocks splits a draft into its labelled fields: "**Label:** value" up
// to the next label line.
func blocks(kind string, lang Lang, text string) map[string]string {
	info, _ := DraftKindOf(kind)
	out := map[string]string{}
	for _, fs := range info.Fields {
		label := "**" + FactLabel(lang, fs.Key) + ":**"
		i := strings.Index(text, label)
		if i < 0 {
			continue
		}
		rest := text[i+len(label):]
		end := len(rest)
		// A field ends at the next label, on the same line or the next:
		// an edit typed on one line keeps its structure.
		if loc := anyLabel.FindStringIndex(rest); loc != nil {
			end = loc[0]
		}
		if j := strings.Index(rest, "\n\n"); j >= 0 && j < end {
			end = j
		}
		out[fs.Key] = strings.TrimSpace(rest[:end])
	}
	return out
}

// isUnknown reports whether an answer is "unknown" (possibly with a note
// in brackets or after a comma), not a sentence that starts with the word.
func isUnknown(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	for _, w := range []string{"unknown", "unbekannt"} {
		if rest, ok := strings.CutPrefix(v, w); ok {
			rest = strings.TrimSpace(rest)
			return rest == "" || strings.ContainsAny(rest[:1], ".,;:(–-")
		}
	}
	return false
}

// Lint checks a draft text (crisis-domain.md 7). LINT-17 (staff first) and
// LINT-18 (cadence) need the incident's state and are checked in package
// crisis and by the status-update clock.
func Lint(in LintInput) []Finding {
	info, ok := DraftKindOf(in.Kind)
	if !ok {
		return nil
	}
	if _, ok := ParseLang(string(in.Lang)); !ok || in.Lang == "" {
		in.Lang = DE
	}
	var out []Finding
	add := func(rule string, sev Severity, field, match, hint string) {
		out = append(out, Finding{Rule: rule, Severity: sev, Field: field, Match: match, Hint: hint})
	}
	ext, staff, auth := info.Audience == AudienceExternal, info.Audience == AudienceStaff, info.Audience == AudienceAuthority
	text := in.Text
	b := blocks(in.Kind, in.Lang, text)
	missing := func(key string) bool {
		v := b[key]
		return v == "" || strings.Contains(v, Placeholder(in.Lang)) || strings.Contains(v, Placeholder(otherLang(in.Lang)))
	}
	has := func(key string) bool {
		return slices.ContainsFunc(info.Fields, func(f FieldSpec) bool { return f.Key == key })
	}

	// LINT-01 required fields; "unknown" only where allowed. External
	// messages name the core fields with their own rules (05-07).
	for _, fs := range info.Fields {
		if fs.Key == "subject_line" || ext && slices.Contains(coreFields, fs.Key) {
			continue
		}
		req := fs.Req == Required || fs.Req == RequiredUnknownOK || (fs.Req == RequiredIfKritis && in.Kritis)
		switch {
		case req && missing(fs.Key):
			add("LINT-01", SevError, fs.Key, "", "")
		case req && fs.Req != RequiredUnknownOK && isUnknown(b[fs.Key]) && auth && fs.Key != "started_at":
			add("LINT-01", SevError, fs.Key, b[fs.Key], "")
		}
	}
	if ext || staff {
		// LINT-02 jargon: a warning, an error for data subjects (LINT-21).
		wl := list(in.Lang, "jargon")
		extra := &wordList{}
		for _, j := range in.Config.Jargon[in.Lang] {
			extra.add(j.Term, j.Plain)
		}
		for _, w := range append(wl.all(text), extra.all(text)...) {
			if in.Kind == "gdpr34" {
				add("LINT-21", SevError, "", w[0], w[1])
			} else {
				add("LINT-02", SevWarning, "", w[0], w[1])
			}
		}
		// LINT-03 a contact channel.
		if !phone.MatchString(text) && !email.MatchString(text) && !url.MatchString(text) &&
			!regexp.MustCompile(`(?i)hotline|telefon|phone`).MatchString(text) {
			add("LINT-03", SevError, "contact", "", "")
		}
		// LINT-04 a concrete next update.
		if has("next_update_at") {
			v := b["next_update_at"]
			if m, _, ok := list(in.Lang, "vague_time").find(v); ok {
				add("LINT-04", SevError, "next_update_at", m, "")
			} else if !missing("next_update_at") && !(clock.MatchString(v) && zoneAfterAll(v)) {
				add("LINT-04", SevError, "next_update_at", v, "")
			}
		}
	}
	if ext {
		for _, r := range []struct{ rule, key string }{{"LINT-05", "recipient_actions"}, {"LINT-06", "what_happened"},
			{"LINT-06", "impact"}, {"LINT-07", "measures"}} {
			if has(r.key) && missing(r.key) {
				add(r.rule, SevError, r.key, "", "")
			}
		}
		for _, w := range list(in.Lang, "downplay").all(text) {
			add("LINT-08", SevWarning, "", w[0], "")
		}
		for _, w := range list(in.Lang, "promises").all(text) {
			add("LINT-09", SevWarning, "", w[0], "")
		}
		if slices.Contains([]string{"gdpr34", "customer", "followup"}, in.Kind) {
			if _, _, ok := list(in.Lang, "apology").find(text); !ok && missing("apology") && missing("thanks_apology") {
				add("LINT-10", SevWarning, "apology", "", "")
			}
		}
		// LINT-11 details that help attackers.
		for _, re := range []*regexp.Regexp{ipv4, ipv6, hexHash, cve, path} {
			if m := re.FindString(text); m != "" {
				add("LINT-11", SevError, "", strings.TrimSpace(m), "")
			}
		}
		for _, h := range in.Config.Hostnames {
			if h != "" && wordPattern(h).MatchString(text) {
				add("LINT-11", SevError, "", h, "")
			}
		}
		if m, _, ok := list(in.Lang, "liability").find(text); ok {
			out = append(out, Finding{Rule: "LINT-12", Severity: SevError, Match: m, NeedsRole: "legal"})
		} else if has("compensation") && !missing("compensation") {
			out = append(out, Finding{Rule: "LINT-12", Severity: SevError, Field: "compensation", NeedsRole: "legal"})
		}
		if in.LandingURL != "" && in.Kind != "followup" && !strings.Contains(text, in.LandingURL) {
			add("LINT-14", SevError, "landing_url", "", in.LandingURL)
		}
		if slices.Contains([]string{"customer", "gdpr34"}, in.Kind) && missing("genuine_contact_hint") {
			add("LINT-16", SevWarning, "genuine_contact_hint", "", "")
		}
		sentences := sentencesOf(text)
		if in.Kind == "gdpr34" {
			if avg := averageWords(sentences); avg > 20 {
				add("LINT-21", SevError, "", fmt.Sprintf("%.0f", avg), "")
			}
			for _, s := range sentences {
				if wordCount(s) > 30 {
					add("LINT-21", SevWarning, "", s, "")
				}
			}
		} else {
			for _, s := range sentences {
				if wordCount(s) > 25 {
					add("LINT-22", SevWarning, "", s, "")
				}
			}
		}
		if in.Lang == DE {
			if m, _, ok := list(DE, "informal").find(text); ok {
				add("LINT-23", SevWarning, "", m, "")
			}
		}
		ransom := list(in.Lang, "ransom")
		m, _, ok := ransom.find(text)
		for _, g := range in.Config.Groups {
			if !ok && g != "" && wordPattern(g).MatchString(text) {
				m, ok = g, true
			}
		}
		if ok {
			out = append(out, Finding{Rule: "LINT-25", Severity: SevWarning, Match: m, NeedsRole: "legal"})
		}
		switch in.Channel {
		case "sms":
			if utf8.RuneCountInString(text) > 320 || (in.LandingURL != "" && !strings.Contains(text, in.LandingURL)) {
				add("LINT-27", SevError, "", in.Channel, "")
			}
		case "messenger":
			if utf8.RuneCountInString(text) > 1000 {
				add("LINT-27", SevError, "", in.Channel, "")
			}
		}
	}
	if in.Kind == "followup" {
		for _, k := range []string{"qr_landing", "support_phone"} {
			if missing(k) {
				add("LINT-15", SevError, k, "", "")
			}
		}
	}
	if in.Kind == "nonews" {
		if _, _, ok := list(in.Lang, "nonews").find(text); !ok || missing("status") || missing("next_update_at") || missing("contact") {
			add("LINT-19", SevError, "", "", "")
		}
	}
	if in.Kind == "gdpr33" && in.Aware != nil && in.Now.After(in.Aware.Add(72*time.Hour)) &&
		strings.TrimSpace(in.Facts["delay_reasons"]) == "" && missing("delay_reasons") {
		add("LINT-20", SevError, "delay_reasons", "", "")
	}
	// LINT-24 every time of day carries a zone.
	for _, loc := range clock.FindAllStringIndex(text, -1) {
		if !zoneNext.MatchString(text[loc[1]:]) {
			add("LINT-24", SevError, "", text[loc[0]:loc[1]], "")
			break
		}
	}
	if auth {
		for _, k := range []string{"suspected_malicious", "cross_border"} {
			if !has(k) || missing(k) {
				continue
			}
			w := strings.ToLower(strings.Trim(strings.Fields(b[k] + " x")[0], ".,;:"))
			if !slices.Contains([]string{"ja", "nein", "unbekannt", "yes", "no", "unknown", "keine", "none"}, w) {
				add("LINT-26", SevError, k, b[k], "")
			}
		}
	}
	out = append(out, factCheck(in)...)
	slices.SortStableFunc(out, func(a, b Finding) int { return strings.Compare(a.Rule, b.Rule) })
	return out
}

func otherLang(l Lang) Lang {
	if l == EN {
		return DE
	}
	return EN
}

// zoneAfterAll reports whether every time of day in s carries a zone.
func zoneAfterAll(s string) bool {
	for _, loc := range clock.FindAllStringIndex(s, -1) {
		if !zoneNext.MatchString(s[loc[1]:]) {
			return false
		}
	}
	return true
}

// factCheck is LINT-13: every number of two or more digits and every date
// in the text is a fact, part of the reference rendering, or marked as an
// estimate.
func factCheck(in LintInput) []Finding {
	var known strings.Builder
	for _, v := range in.Facts {
		known.WriteString(v)
		known.WriteByte('\n')
	}
	known.WriteString(in.Reference)
	if in.LandingURL != "" {
		known.WriteString(in.LandingURL)
	}
	ref := known.String()
	var out []Finding
	for _, loc := range number.FindAllStringIndex(in.Text, -1) {
		n := in.Text[loc[0]:loc[1]]
		if len(strings.Trim(n, ".,")) < 2 || strings.Contains(ref, n) {
			continue
		}
		// Times, dates, phone numbers and URLs are checked by other rules
		// or are contacts; a number inside a word (LINT-24, B2B) is not a figure.
		before, after := in.Text[:loc[0]], in.Text[loc[1]:]
		if estimate.MatchString(before) || strings.HasPrefix(after, ":") || strings.HasSuffix(before, ":") ||
			inside(phone, in.Text, loc) || inside(url, in.Text, loc) || inside(email, in.Text, loc) ||
			inside(dateLike, in.Text, loc) && strings.Contains(ref, in.Text[loc[0]:loc[1]]) ||
			(len(before) > 0 && isWordRune(lastRune(before))) || (len(after) > 0 && isWordRune(firstRune(after))) {
			continue
		}
		out = append(out, Finding{Rule: "LINT-13", Severity: SevError, Match: n})
	}
	return out
}

func inside(re *regexp.Regexp, s string, loc []int) bool {
	for _, m := range re.FindAllStringIndex(s, -1) {
		if m[0] <= loc[0] && loc[1] <= m[1] {
			return true
		}
	}
	return false
}

func isWordRune(r rune) bool  { return unicode.IsLetter(r) || r == '-' || r == '_' }
func lastRune(s string) rune  { r, _ := utf8.DecodeLastRuneInString(s); return r }
func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }

// sentencesOf splits prose into sentences; label lines and list markers
// are not prose.
func sentencesOf(text string) []string {
	var out []string
	text = anyLabel.ReplaceAllString(text, "\n")
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, ":**"); strings.HasPrefix(line, "**") && i > 0 {
			line = strings.TrimSpace(line[i+3:])
		}
		for _, s := range sentence.FindAllString(line, -1) {
			if s = strings.TrimSpace(s); wordCount(s) > 0 {
				out = append(out, s)
			}
		}
	}
	return out
}

func wordCount(s string) int { return len(strings.Fields(s)) }

func averageWords(ss []string) float64 {
	if len(ss) == 0 {
		return 0
	}
	n := 0
	for _, s := range ss {
		n += wordCount(s)
	}
	return float64(n) / float64(len(ss))
}

// ruleTexts describe each rule in one line (German, English).
var ruleTexts = map[string][2]string{
	"LINT-01": {"Pflichtangabe fehlt", "required field missing"},
	"LINT-02": {"Fachbegriff; bitte verständlich formulieren", "technical jargon; say it plainly"},
	"LINT-03": {"kein Kontaktweg genannt (Telefon, E-Mail, Adresse)", "no contact channel (phone, e-mail, address)"},
	"LINT-04": {"nächste Information ohne konkreten Zeitpunkt mit Zeitzone", "next update without a concrete time and zone"},
	"LINT-05": {"keine Handlungsempfehlung", "no recommended action"},
	"LINT-06": {"es fehlt, was passiert ist oder was es für die Empfänger bedeutet", "what happened or what it means is missing"},
	"LINT-07": {"es fehlt, was bereits unternommen wurde", "what has been done is missing"},
	"LINT-08": {"verharmlosende Formulierung", "downplaying wording"},
	"LINT-09": {"Versprechen, das niemand halten kann", "a promise nobody can keep"},
	"LINT-10": {"kein Wort des Bedauerns oder der Verantwortung", "no regret or responsibility expressed"},
	"LINT-11": {"technische Einzelheiten, die Angreifern helfen", "technical details that help attackers"},
	"LINT-12": {"Aussage zu Schuld, Haftung oder Entschädigung: Recht & Compliance muss freigeben", "fault, liability or compensation: legal must approve"},
	"LINT-13": {"Zahl oder Datum stimmt mit keinem Fakt überein (sonst als Schätzung kennzeichnen: „ca.“)", "number or date matches no fact (mark estimates with “approx.”)"},
	"LINT-14": {"Informationsseite nicht verlinkt", "information page not linked"},
	"LINT-15": {"QR-Code/Kurzadresse oder Telefonnummer des Kundendienstes fehlt", "QR code/short link or support phone missing"},
	"LINT-16": {"kein Hinweis, woran man echte Nachrichten erkennt (Phishing-Schutz)", "no hint how to recognise genuine messages (phishing)"},
	"LINT-17": {"die Belegschaft wurde noch nicht informiert (Information der Belegschaft zuerst freigeben oder begründet verzichten)", "staff not informed yet (release the staff notification first or waive it)"},
	"LINT-19": {"Statusmeldung ohne neue Erkenntnisse unvollständig", "no-news update incomplete"},
	"LINT-20": {"verspätete Meldung ohne Gründe für die Verzögerung", "late notification without reasons for the delay"},
	"LINT-21": {"für Betroffene zu schwer verständlich", "too hard to read for data subjects"},
	"LINT-22": {"Satz mit mehr als 25 Wörtern", "sentence longer than 25 words"},
	"LINT-23": {"informelle Anrede; bitte „Sie“", "informal address"},
	"LINT-24": {"Uhrzeit ohne Zeitzone", "time of day without a zone"},
	"LINT-25": {"Angaben zu Angreifern oder Lösegeld: Prüfung durch Recht & Compliance", "attacker or ransom details: legal review"},
	"LINT-26": {"Bewertung muss ja, nein oder unbekannt lauten", "assessment must be yes, no or unknown"},
	"LINT-27": {"Kanalvariante zu lang oder ohne Link", "channel variant too long or without link"},
}

// FindingText is a one-line description of a finding.
func FindingText(lang Lang, f Finding) string {
	t, ok := ruleTexts[f.Rule]
	if !ok {
		return f.Rule
	}
	s := t[0]
	if lang == EN {
		s = t[1]
	}
	return s
}

func ruleText(l Lang, rule string) string { return FindingText(l, Finding{Rule: rule}) }
