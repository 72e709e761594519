package messages

import (
	"strings"
	"testing"
	"time"
)

// lintCase starts from a clean draft of kind (full facts) and changes it;
// the rule must fire on the changed text and not on the clean one.
type lintCase struct {
	rule   string
	kind   string
	lang   Lang
	change func(in *LintInput)
}

func replace(old, new string) func(*LintInput) {
	return func(in *LintInput) {
		if !strings.Contains(in.Text, old) {
			panic("lint case: text lacks " + old)
		}
		in.Text = strings.Replace(in.Text, old, new, 1)
	}
}

func appendText(s string) func(*LintInput) { return func(in *LintInput) { in.Text += "\n" + s } }

func cleanInput(t *testing.T, kind string, l Lang) LintInput {
	t.Helper()
	in := draftInput(kind, l, fullFacts(l))
	d, err := RenderDraft(in)
	if err != nil {
		t.Fatal(err)
	}
	return LintInput{Kind: kind, Text: d.Text, Lang: l, Facts: in.Facts, Now: in.Now, LandingURL: in.LandingURL,
		Reference: d.Text, Aware: in.Aware}
}

func has(fs []Finding, rule string) bool {
	for _, f := range fs {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

func TestLintRules(t *testing.T) {
	de, en := DE, EN
	cases := []lintCase{
		{"LINT-01", "notification", de, replace("**Schweregrad und Begründung:** hoch: Produktion steht", "**Schweregrad und Begründung:** [fehlt]")},
		{"LINT-01", "notification", en, replace("**Measures taken:** We disconnected", "**Measures taken:** unknown. We disconnected")},
		{"LINT-02", "customer", de, appendText("Die Ransomware kam über Phishing.")},
		{"LINT-02", "staff", en, appendText("Our SOC found lateral movement.")},
		{"LINT-03", "staff", de, func(in *LintInput) {
			in.Text = strings.NewReplacer("+49 170 1111111", "der Krisenstab", "Telefon", "").Replace(in.Text)
		}},
		{"LINT-04", "customer", de, replace("**Nächste Information:** Sa 2026-01-17 09:00 MEZ", "**Nächste Information:** zeitnah")},
		{"LINT-04", "update", en, replace("**Next update:** Sat 2026-01-17 09:00 CET", "**Next update:** Saturday morning")},
		{"LINT-05", "customer", de, replace("**Ihre Handlungsempfehlung:** Seien Sie wachsam bei E-Mails, die angeblich von uns stammen.", "**Ihre Handlungsempfehlung:**")},
		{"LINT-06", "customer", en, replace("**What happened:** Unknown persons encrypted our file servers on Friday afternoon.", "**What happened:** [missing]")},
		{"LINT-07", "press", de, replace("**Ergriffene Maßnahmen:** Wir haben die betroffenen Systeme vom Netz getrennt und externe Fachleute hinzugezogen.", "**Ergriffene Maßnahmen:** [fehlt]")},
		{"LINT-08", "customer", de, appendText("Es handelt sich lediglich um eine Störung.")},
		{"LINT-08", "update", en, appendText("This is merely a minor issue.")},
		{"LINT-09", "customer", de, appendText("Ein weiterer Angriff ist ausgeschlossen.")},
		{"LINT-09", "customer", en, appendText("Your data is completely secure.")},
		{"LINT-10", "customer", de, func(in *LintInput) {
			in.Text = strings.Replace(in.Text, "**Entschuldigung:** Es tut uns aufrichtig leid.\n", "", 1)
		}},
		{"LINT-11", "customer", en, appendText("The attack came from 203.0.113.7.")},
		{"LINT-11", "update", de, appendText("Betroffen ist fs01.muster.local.")},
		{"LINT-11", "customer", de, appendText("Ursache war CVE-2024-3400.")},
		{"LINT-12", "customer", de, appendText("Wir prüfen eine Entschädigung.")},
		{"LINT-12", "customer", en, appendText("We will compensate you.")},
		{"LINT-13", "customer", de, replace("um etwa zwei Tage", "um 14 Tage")},
		{"LINT-14", "update", en, replace("https://status.muster.example", "our website")},
		{"LINT-15", "followup", de, replace("**Telefonnummer des Kundendienstes:** +49 800 1234567", "**Telefonnummer des Kundendienstes:** [fehlt]")},
		{"LINT-16", "customer", en, func(in *LintInput) {
			in.Text = strings.Replace(in.Text, "**How to recognise genuine messages from us:** We never ask you for passwords.\n", "", 1)
		}},
		{"LINT-19", "nonews", de, replace("Seit Sa 2026-01-17 09:00 MEZ liegen keine neuen Erkenntnisse vor.", "Es gibt Neuigkeiten.")},
		{"LINT-20", "gdpr33", de, func(in *LintInput) { in.Now = in.Aware.Add(73 * time.Hour) }},
		{"LINT-21", "gdpr34", de, appendText("Die Angreifer nutzten Mimikatz.")},
		{"LINT-21", "gdpr34", en, appendText(strings.Repeat("word ", 40) + "end.")},
		{"LINT-22", "customer", en, appendText(strings.Repeat("very ", 26) + "long.")},
		{"LINT-23", "customer", de, appendText("Bitte ändere dein Passwort.")},
		{"LINT-24", "customer", de, appendText("Die Hotline ist ab 08:00 erreichbar.")},
		{"LINT-24", "early_warning", en, replace("**Time of becoming aware:** Fri 2026-01-16 17:45 CET (16:45 UTC)", "**Time of becoming aware:** Fri 2026-01-16 17:45")},
		{"LINT-25", "customer", de, appendText("Die Erpresser fordern Lösegeld.")},
		{"LINT-26", "early_warning", de, replace("**Verdacht auf rechtswidrige oder böswillige Handlung:** ja", "**Verdacht auf rechtswidrige oder böswillige Handlung:** eher schon")},
		{"LINT-27", "update", de, func(in *LintInput) { in.Channel = "sms" }},
		{"LINT-27", "update", en, func(in *LintInput) { in.Channel = "messenger"; in.Text += strings.Repeat(" x", 600) }},
	}
	for _, c := range cases {
		t.Run(c.rule+"/"+c.kind+"/"+string(c.lang), func(t *testing.T) {
			in := cleanInput(t, c.kind, c.lang)
			in.Config.Hostnames = []string{"fs01.muster.local"}
			if fs := Lint(in); has(fs, c.rule) {
				t.Fatalf("%s fires on the clean draft: %+v\n%s", c.rule, fs, in.Text)
			}
			c.change(&in)
			fs := Lint(in)
			if !has(fs, c.rule) {
				t.Fatalf("%s does not fire: %+v\n%s", c.rule, fs, in.Text)
			}
			for _, f := range fs {
				if f.Rule == c.rule && FindingText(c.lang, f) == f.Rule {
					t.Errorf("%s has no description", f.Rule)
				}
			}
		})
	}
}

// LINT-12 and LINT-25 name the role that must approve or review.
func TestLintNeedsLegal(t *testing.T) {
	in := cleanInput(t, "customer", DE)
	in.Text += "\nEs war unser Fehler; die Erpresser fordern Lösegeld."
	for _, f := range Lint(in) {
		if (f.Rule == "LINT-12" || f.Rule == "LINT-25") && f.NeedsRole != "legal" {
			t.Errorf("%s without NeedsRole legal", f.Rule)
		}
	}
}

// LINT-13: a number changed after the draft is caught against the current
// facts; an estimate is fine.
func TestLintFactsConsistency(t *testing.T) {
	facts := fullFacts(DE)
	facts["records"] = "3400 Datensätze"
	old, _ := RenderDraft(draftInput("gdpr33", DE, facts))
	facts["records"] = "5000 Datensätze"
	now, _ := RenderDraft(draftInput("gdpr33", DE, facts))
	in := LintInput{Kind: "gdpr33", Lang: DE, Text: old.Text, Facts: facts, Reference: now.Text}
	fs := Lint(in)
	if !has(fs, "LINT-13") {
		t.Fatalf("old figure 3400 not caught after the fact changed: %+v", fs)
	}
	in.Text = now.Text
	if has(Lint(in), "LINT-13") {
		t.Fatal("the current rendering fails LINT-13")
	}
	in = cleanInput(t, "customer", DE)
	in.Text += "\nBetroffen sind etwa 900 Kunden."
	if has(Lint(in), "LINT-13") {
		t.Fatal("an estimate marked with etwa is reported")
	}
}

// Jargon from the configuration is checked too, with its replacement.
func TestLintConfiguredJargon(t *testing.T) {
	in := cleanInput(t, "staff", DE)
	in.Config.Jargon = map[Lang][]JargonEntry{DE: {{Term: "SAP-Basis", Plain: "Warenwirtschaft"}}}
	in.Text += "\nDie SAP-Basis ist gestört."
	for _, f := range Lint(in) {
		if f.Rule == "LINT-02" && f.Hint == "Warenwirtschaft" {
			return
		}
	}
	t.Fatal("configured jargon not reported with its replacement")
}
