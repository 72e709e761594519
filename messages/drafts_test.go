package messages

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fullFacts is a fact sheet with every field of every template filled.
func fullFacts(l Lang) map[string]string {
	de := map[string]string{
		"what_happened": "Unbekannte haben am Freitagnachmittag unsere Dateiserver verschlüsselt.", "incident_type": "Verschlüsselung von Dateien",
		"started_at": "unbekannt", "systems": "Dateiserver und Warenwirtschaft", "services": "Bestellannahme und Versand",
		"data": "Namen und Anschriften von Kunden", "data_subjects": "Kunden, ca. 1.200 Personen", "records": "ca. 3.400 Datensätze",
		"impact":   "Bestellungen nehmen wir derzeit telefonisch an; Lieferungen verzögern sich um etwa zwei Tage.",
		"severity": "hoch: Produktion steht", "suspected_malicious": "ja", "suspicion_basis": "Erpresserschreiben auf den Servern",
		"cross_border": "keine", "support_requested": "nein", "iocs": "unbekannt", "cause": "vermutlich gestohlene Zugangsdaten",
		"measures":         "Wir haben die betroffenen Systeme vom Netz getrennt und externe Fachleute hinzugezogen.",
		"measures_planned": "Wiederherstellung aus Sicherungen", "recipient_actions": "Seien Sie wachsam bei E-Mails, die angeblich von uns stammen.",
		"contact": "Krisenstab, Telefon +49 170 1111111", "dpo_contact": "Eva Schulz, datenschutz@muster.example",
		"hotline": "+49 800 1234567, täglich 8 bis 20 Uhr", "status": "eingedämmt", "eta_recovery": "Mo 2026-01-19 12:00 MEZ",
		"next_update_at": "Sa 2026-01-17 09:00 MEZ", "compensation": "keine", "prevention": "Anmeldung nur noch mit zweitem Faktor",
		"lessons": "Sicherungen offline halten", "initial_assessment": "gezielter Angriff", "changes": "keine",
		"remaining_risk": "gering", "expected_development": "Wiederanlauf am Montag", "ongoing_reason": "Wiederherstellung dauert an",
		"expected_handling_end": "Ende Februar", "description": "Verschlüsselung der Dateiserver am Freitag", "mitigation_applied": "Trennung vom Netz",
		"mitigation_ongoing": "Überwachung", "phase": "Erstmeldung", "breach_type": "Verfügbarkeit und Vertraulichkeit",
		"nature": "Zugriff auf Kundendaten durch Unbefugte", "likely_consequences": "gefälschte E-Mails an Kunden möglich",
		"art34_decision": "Betroffene werden per Brief informiert", "other_authorities": "BSI, Polizei", "subject_line": "Wichtige Information zu Ihren Daten",
		"when": "Fr 2026-01-16 17:40 MEZ", "help_offer": "kostenlose Beratung", "apology": "Es tut uns aufrichtig leid.",
		"genuine_contact_hint": "Wir fragen Sie nie nach Passwörtern.", "work_impact": "Arbeiten Sie mit Papierformularen.",
		"dos_donts": "Melden Sie Auffälliges sofort der IT.", "update_channel": "Aushang am Empfang", "customer_script": "Verweisen Sie an die Kommunikationsleitung.",
		"works_council_note": "Der Betriebsrat ist informiert.", "address": "Musterstraße 1, 70173 Stuttgart", "reference": "unsere Information vom 2026-01-17",
		"summary": "Angreifer verschlüsselten Dateiserver.", "resolution": "Neuaufbau aus sauberen Sicherungen", "qr_landing": "https://muster.example/v",
		"support_phone": "+49 800 1234567", "feedback_invite": "Sagen Sie uns Ihre Meinung.", "thanks_apology": "Danke für Ihre Geduld.",
		"signatory": "Dr. Dirk Hoffmann, Geschäftsführer", "account_manager": "Ihr Betreuer meldet sich.", "legal_basis": "NIS-2",
		"facility_type": "keine", "critical_service": "keine", "critical_service_impact": "keine", "request_ref": "BSI-2026-0117",
		"classification_criteria": "Kunden, Dauer", "member_states": "DE", "discovery": "Meldung eines Beschäftigten", "origin": "extern",
		"bcp_activated": "ja", "reclassification": "keine", "other_info": "keine", "occurred_at": "2026-01-16T15:00:00Z",
		"recovered_at": "2026-01-19T11:00:00Z", "classification_values": "Kunden: ca. 1.200", "threats": "Erpressung",
		"affected_functions": "Zahlungsverkehr", "client_impact": "gering", "other_reports": "keine", "temporary_actions": "Umgehungslösung",
		"root_causes": "gestohlene Zugangsdaten", "resolution_info": "keine", "costs": "ca. 80.000 EUR", "recoveries": "keine",
		"recurring": "nein", "delay_reasons": "", "last_update_at": "Sa 2026-01-17 09:00 MEZ",
	}
	if l == DE {
		return de
	}
	en := map[string]string{}
	for k, v := range de {
		en[k] = v
	}
	for k, v := range map[string]string{
		"what_happened": "Unknown persons encrypted our file servers on Friday afternoon.", "impact": "We take orders by phone at the moment; deliveries are delayed by about two days.",
		"measures": "We disconnected the affected systems and called in outside experts.", "recipient_actions": "Be careful with e-mails that claim to come from us.",
		"contact": "Crisis team, phone +49 170 1111111", "apology": "We are sincerely sorry.", "genuine_contact_hint": "We never ask you for passwords.",
		"next_update_at": "Sat 2026-01-17 09:00 CET", "suspected_malicious": "yes", "cross_border": "none", "iocs": "unknown", "started_at": "unknown",
		"data": "names and addresses of customers", "status": "contained", "work_impact": "Use paper forms.", "dos_donts": "Report anything unusual to IT at once.",
		"update_channel": "notice at the reception", "when": "Fri 2026-01-16 17:40 CET", "subject_line": "Important information about your data",
		"last_update_at": "Sat 2026-01-17 09:00 CET", "eta_recovery": "Mon 2026-01-19 12:00 CET", "support_requested": "no",
	} {
		en[k] = v
	}
	return en
}

func draftInput(kind string, l Lang, facts map[string]string) DraftInput {
	aware := time.Date(2026, 1, 16, 16, 45, 0, 0, time.UTC)
	return DraftInput{Kind: kind, Lang: l, Zone: berlin, Now: time.Date(2026, 1, 17, 8, 0, 0, 0, time.UTC), Facts: facts,
		Org: "Muster Maschinenbau GmbH", OrgRegistrationID: "BSI-REG-0815", IncidentRef: "2026-01-16-ransomware",
		AuthorityRef: "BSI-2026-0117", ReportingContact: "Eva Schulz, +49 170 5555555", Revision: 1,
		Detected: time.Date(2026, 1, 16, 16, 40, 0, 0, time.UTC), Aware: &aware, Requested: &aware, Classified: &aware,
		Handled: &aware, UpdateNo: 3, LandingURL: "https://status.muster.example"}
}

// Every template in both languages, rendered from one full fact sheet, is
// a golden file; `go test ./messages -run DraftGolden -update` rewrites them.
func TestDraftGolden(t *testing.T) {
	for _, l := range Langs() {
		for _, k := range DraftKinds() {
			t.Run(k.Kind+"."+string(l), func(t *testing.T) {
				d, err := RenderDraft(draftInput(k.Kind, l, fullFacts(l)))
				if err != nil {
					t.Fatal(err)
				}
				got := d.Text
				if d.FileName != "" {
					got = "file: " + d.FileName + "\n\n" + got
				}
				file := filepath.Join("testdata", "drafts", k.Kind+"."+string(l)+".golden")
				if *update {
					if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(file, []byte(got+"\n"), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("%v (run go test ./messages -run DraftGolden -update)", err)
				}
				if diff := cmp.Diff(strings.TrimSuffix(string(want), "\n"), got); diff != "" {
					t.Errorf("%s differs (-want +got):\n%s", file, diff)
				}
				if strings.Contains(got, Placeholder(l)) {
					t.Errorf("full fact sheet still leaves a placeholder:\n%s", got)
				}
				if l == DE {
					if m := anglicisms.FindString(got); m != "" {
						t.Errorf("German draft uses %q", m)
					}
				}
			})
		}
	}
}

// Ensures every field of every template has a label in both languages and
// every phrase exists in both.
func TestDraftLabels(t *testing.T) {
	for _, k := range DraftKinds() {
		for _, fs := range k.Fields {
			l, ok := labels[fs.Key]
			if !ok || l[0] == "" || l[1] == "" {
				t.Errorf("%s: field %s has no label in both languages", k.Kind, fs.Key)
			}
		}
		for _, p := range []string{"subject." + k.Kind} {
			if ph, ok := phrases[p]; !ok || ph[0] == "" || ph[1] == "" {
				t.Errorf("no phrase %s in both languages", p)
			}
		}
	}
	for key, l := range labels {
		if m := anglicisms.FindString(l[0]); m != "" {
			t.Errorf("German label of %s uses %q", key, m)
		}
	}
	if !slices.Contains(FactKeys(), "impact") || slices.Contains(FactKeys(), "prepared_at") {
		t.Errorf("FactKeys = %v: want settable facts only", FactKeys())
	}
}

// A full fact sheet gives drafts without lint errors; an empty one gives
// placeholders that LINT-01 (or 05-07 for external messages) reports.
func TestDraftsLintClean(t *testing.T) {
	for _, l := range Langs() {
		for _, k := range DraftKinds() {
			in := draftInput(k.Kind, l, fullFacts(l))
			d, err := RenderDraft(in)
			if err != nil {
				t.Fatal(err)
			}
			fs := Lint(LintInput{Kind: k.Kind, Text: d.Text, Lang: l, Facts: in.Facts, Now: in.Now,
				LandingURL: in.LandingURL, Reference: d.Text})
			for _, f := range fs {
				if f.Severity == SevError && f.Rule != "LINT-12" {
					t.Errorf("%s/%s: %+v\n%s", k.Kind, l, f, d.Text)
				}
			}
			empty := draftInput(k.Kind, l, nil)
			e, _ := RenderDraft(empty)
			if !strings.Contains(e.Text, Placeholder(l)) {
				t.Errorf("%s/%s without facts has no placeholder:\n%s", k.Kind, l, e.Text)
			}
			errs := 0
			for _, f := range Lint(LintInput{Kind: k.Kind, Text: e.Text, Lang: l, Now: empty.Now, Reference: e.Text}) {
				if f.Severity == SevError {
					errs++
				}
			}
			if errs == 0 {
				t.Errorf("%s/%s without facts lints clean", k.Kind, l)
			}
		}
	}
}

func TestDraftFileName(t *testing.T) {
	d, err := RenderDraft(draftInput("early_warning", DE, fullFacts(DE)))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Muster Maschinenbau GmbH 2026-01-17 Fruehwarnung erheblicher Sicherheitsvorfall"; d.FileName != want {
		t.Fatalf("file name %q, want %q", d.FileName, want)
	}
	in := draftInput("early_warning", DE, nil)
	in.Org = "Bäckerei Müller & Söhne"
	d, _ = RenderDraft(in)
	for _, r := range d.FileName {
		if r > 126 {
			t.Fatalf("file name %q is not ASCII", d.FileName)
		}
	}
	if _, err := RenderDraft(DraftInput{Kind: "tweet"}); err == nil {
		t.Fatal("unknown kind rendered")
	}
}
