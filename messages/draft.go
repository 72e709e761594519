package messages

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Audience says who reads a draft; linter rules depend on it
// (crisis-domain.md 7).
type Audience string

// Audiences.
const (
	AudienceAuthority Audience = "auth"
	AudienceExternal  Audience = "ext"
	AudienceStaff     Audience = "staff"
)

// Requirement is how a template needs a field (crisis-domain.md 6).
type Requirement string

// Requirements: R, R with "unknown" allowed, Rec (lint warning), O, and R
// for KRITIS operators only.
const (
	Required          Requirement = "required"
	RequiredUnknownOK Requirement = "required_unknown_ok"
	Recommended       Requirement = "recommended"
	Optional          Requirement = "optional"
	RequiredIfKritis  Requirement = "required_if_kritis"
)

// FieldSpec is one field of a template.
type FieldSpec struct {
	Key string
	Req Requirement
}

// DraftKindInfo describes one draft kind.
type DraftKindInfo struct {
	Kind     string
	Audience Audience
	Fields   []FieldSpec
}

func f(key string, r Requirement) FieldSpec { return FieldSpec{key, r} }

var (
	rq, ru, rec, opt, kritis = Required, RequiredUnknownOK, Recommended, Optional, RequiredIfKritis
)

// header is the common header of every authority report (6.0).
var header = []FieldSpec{f("org_name", rq), f("org_registration_id", opt), f("incident_ref", rq),
	f("authority_ref", opt), f("report_type", rq), f("report_revision", rq), f("prepared_at", rq),
	f("reporting_contact", rq)}

func withHeader(fs ...FieldSpec) []FieldSpec { return append(slices.Clone(header), fs...) }

// draftKinds is crisis-domain.md section 6 as data.
var draftKinds = []DraftKindInfo{
	{"early_warning", AudienceAuthority, withHeader(f("aware_at", rq), f("detected_at", opt), f("what_happened", rq),
		f("suspected_malicious", ru), f("suspicion_basis", opt), f("cross_border", ru), f("systems", opt), f("impact", opt),
		f("support_requested", opt))},
	{"notification", AudienceAuthority, withHeader(f("aware_at", rq), f("suspected_malicious", ru), f("cross_border", ru),
		f("initial_assessment", rq), f("severity", rq), f("impact", rq), f("iocs", ru), f("systems", rq), f("cause", opt),
		f("measures", rq), f("data", opt), f("facility_type", kritis), f("critical_service", kritis),
		f("critical_service_impact", kritis))},
	{"intermediate", AudienceAuthority, withHeader(f("requested_at", rq), f("request_ref", rq), f("status", rq),
		f("changes", rq), f("remaining_risk", rq), f("measures", rq), f("measures_planned", rq),
		f("expected_development", opt), f("eta_recovery", opt))},
	{"progress", AudienceAuthority, withHeader(f("status", rq), f("changes", rq), f("remaining_risk", rq),
		f("measures", rq), f("measures_planned", rq), f("ongoing_reason", rq), f("expected_handling_end", rq),
		f("expected_development", opt), f("eta_recovery", opt))},
	{"final", AudienceAuthority, withHeader(f("description", rq), f("severity", rq), f("impact", rq), f("cause", rq),
		f("mitigation_applied", rq), f("mitigation_ongoing", rq), f("cross_border", rq), f("handled_at", opt),
		f("lessons", opt), f("prevention", opt))},
	{"gdpr33", AudienceAuthority, []FieldSpec{f("controller", rq), f("dpo_contact", rq), f("phase", rq),
		f("started_at", ru), f("detected_at", rq), f("aware_at", rq), f("breach_type", rq), f("nature", rq), f("data", rq),
		f("data_subjects", rq), f("records", rq), f("likely_consequences", rq), f("measures", rq),
		f("art34_decision", rec), f("other_authorities", opt), f("delay_reasons", opt)}},
	{"gdpr34", AudienceExternal, []FieldSpec{f("subject_line", rq), f("what_happened", rq), f("when", rq), f("data", rq),
		f("likely_consequences", rq), f("measures", rq), f("recipient_actions", rq), f("dpo_contact", rq),
		f("help_offer", rec), f("apology", rec), f("genuine_contact_hint", rec), f("next_update_at", opt),
		f("landing_url", opt)}},
	{"customer", AudienceExternal, []FieldSpec{f("subject_line", rq), f("what_happened", rq), f("incident_type", opt),
		f("detected_at", rq), f("systems", ru), f("services", ru), f("data", ru), f("impact", rq), f("measures", rq),
		f("recipient_actions", rq), f("next_update_at", rq), f("contact", rq), f("hotline", opt), f("landing_url", opt),
		f("apology", rec), f("genuine_contact_hint", rec), f("account_manager", opt), f("legal_basis", opt)}},
	{"staff", AudienceStaff, []FieldSpec{f("what_happened", rq), f("work_impact", rq), f("dos_donts", rq), f("contact", rq),
		f("next_update_at", rq), f("update_channel", rq), f("customer_script", opt), f("works_council_note", opt)}},
	{"update", AudienceExternal, []FieldSpec{f("update_no", rq), f("published_at", rq), f("status", rq), f("changes", rq),
		f("impact", rq), f("recipient_actions", rq), f("measures", opt), f("next_update_at", rq), f("contact", rq),
		f("landing_url", opt)}},
	{"nonews", AudienceExternal, []FieldSpec{f("update_no", rq), f("published_at", rq), f("status", rq),
		f("next_update_at", rq), f("contact", rq), f("landing_url", opt)}},
	{"followup", AudienceExternal, []FieldSpec{f("address", rq), f("reference", rq), f("summary", rq), f("resolution", rq),
		f("compensation", rq), f("prevention", rq), f("qr_landing", rq), f("support_phone", rq), f("feedback_invite", rec),
		f("thanks_apology", rec), f("signatory", rec)}},
	{"press", AudienceExternal, []FieldSpec{f("what_happened", rq), f("impact", rq), f("measures", rq),
		f("next_update_at", rq), f("contact", rq), f("landing_url", opt)}},
	{"dora_initial", AudienceAuthority, withHeader(f("aware_at", rq), f("classified_at", rq), f("description", rq),
		f("classification_criteria", rq), f("member_states", rq), f("discovery", rq), f("origin", opt),
		f("bcp_activated", rq), f("reclassification", opt), f("other_info", opt))},
	{"dora_intermediate", AudienceAuthority, withHeader(f("occurred_at", rq), f("recovered_at", opt),
		f("classification_values", rq), f("incident_type", rq), f("threats", rq), f("affected_functions", rq),
		f("client_impact", rq), f("other_reports", opt), f("temporary_actions", rq), f("iocs", opt))},
	{"dora_final", AudienceAuthority, withHeader(f("root_causes", rq), f("handled_at", rq), f("resolution", rq),
		f("resolution_info", opt), f("costs", rq), f("recoveries", opt), f("recurring", opt))},
}

// DraftKinds lists every draft kind in a stable order.
func DraftKinds() []DraftKindInfo { return slices.Clone(draftKinds) }

// DraftKindOf returns the description of a kind.
func DraftKindOf(kind string) (DraftKindInfo, bool) {
	for _, k := range draftKinds {
		if k.Kind == kind {
			return k, true
		}
	}
	return DraftKindInfo{}, false
}

// derived are fields the renderer fills from the incident, not from facts.
var derived = []string{"org_name", "org_registration_id", "incident_ref", "authority_ref", "report_type",
	"report_revision", "prepared_at", "reporting_contact", "aware_at", "detected_at", "handled_at",
	"requested_at", "classified_at", "published_at", "update_no", "when"}

// FactKeys lists every fact a person may set: the fields of all templates
// that are not filled from the incident itself, plus fact-sheet keys.
func FactKeys() []string {
	var out []string
	for _, k := range draftKinds {
		for _, fs := range k.Fields {
			if !slices.Contains(derived, fs.Key) || fs.Key == "authority_ref" || fs.Key == "when" {
				out = append(out, fs.Key)
			}
		}
	}
	out = append(out, "title", "last_update_at", "reporting_contact")
	slices.Sort(out)
	return slices.Compact(out)
}

// FactLabel is the label of a field in lang.
func FactLabel(lang Lang, key string) string {
	if l, ok := labels[key]; ok {
		if lang == EN {
			return l[1]
		}
		return l[0]
	}
	return key
}

// DraftInput is everything a draft renders from.
type DraftInput struct {
	Kind  string
	Lang  Lang
	Zone  *time.Location
	Now   time.Time
	Facts map[string]string

	Org, OrgRegistrationID, IncidentRef, AuthorityRef, ReportingContact string

	Revision                              int
	Detected                              time.Time
	Aware, Handled, Requested, Classified *time.Time
	Kritis                                bool
	UpdateNo                              int
	LandingURL                            string
}

// Draft is a rendered, platform-neutral draft.
type Draft struct {
	Kind     string
	Lang     Lang
	Subject  string
	FileName string
	Text     string
}

// Placeholder marks a missing fact in a draft, so the linter (which reads
// the text, because people edit it) finds it.
func Placeholder(lang Lang) string {
	if lang == EN {
		return "[missing]"
	}
	return "[fehlt]"
}

// Draft renders a draft from the incident's facts.
func (r *Renderer) Draft(in DraftInput) (Draft, error) { return RenderDraft(in) }

// RenderDraft renders a draft from the incident's facts: a bold subject,
// for reports the common header, then one "**Label:** value" line per
// field, so every channel states the same facts (seed 002).
func RenderDraft(in DraftInput) (Draft, error) {
	info, ok := DraftKindOf(in.Kind)
	if !ok {
		return Draft{}, fmt.Errorf("render draft: unknown kind %q", in.Kind)
	}
	if _, ok := ParseLang(string(in.Lang)); !ok || in.Lang == "" {
		in.Lang = DE
	}
	if in.Zone == nil {
		in.Zone = time.UTC
	}
	vals := draftValues(in)
	d := Draft{Kind: in.Kind, Lang: in.Lang, Subject: subject(in, vals)}
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**\n", d.Subject)
	if intro := phrase(in.Lang, "intro."+in.Kind); intro != "" {
		fmt.Fprintf(&b, "\n%s\n", intro)
	}
	b.WriteByte('\n')
	for _, fs := range info.Fields {
		if fs.Key == "subject_line" || fs.Req == RequiredIfKritis && !in.Kritis {
			continue
		}
		v := strings.TrimSpace(vals[fs.Key])
		if v == "" {
			if fs.Req == Optional || fs.Req == Recommended || (fs.Req == RequiredIfKritis && !in.Kritis) {
				continue
			}
			v = Placeholder(in.Lang)
		}
		fmt.Fprintf(&b, "**%s:** %s\n", FactLabel(in.Lang, fs.Key), v)
	}
	if in.Kind == "nonews" {
		since := vals["last_update_at"]
		if since == "" {
			since = vals["published_at"]
		}
		fmt.Fprintf(&b, "\n%s\n", strings.ReplaceAll(phrase(in.Lang, "nonews"), "{since}", since))
	}
	if outro := phrase(in.Lang, "outro."+in.Kind); outro != "" {
		fmt.Fprintf(&b, "\n%s\n", outro)
	}
	d.Text = strings.TrimRight(b.String(), "\n")
	if info.Audience == AudienceAuthority {
		d.FileName = fileName(in)
	}
	return d, nil
}

func draftValues(in DraftInput) map[string]string {
	vals := map[string]string{}
	for k, v := range in.Facts {
		vals[k] = v
	}
	iso := strings.HasPrefix(in.Kind, "dora_")
	when := func(t time.Time) string {
		if iso {
			return t.UTC().Format(time.RFC3339)
		}
		return FormatInstant(in.Lang, in.Zone, t)
	}
	set := func(k, v string) {
		if vals[k] == "" && v != "" {
			vals[k] = v
		}
	}
	set("org_name", in.Org)
	set("org_registration_id", in.OrgRegistrationID)
	set("incident_ref", in.IncidentRef)
	set("authority_ref", in.AuthorityRef)
	set("reporting_contact", in.ReportingContact)
	set("report_type", phrase(in.Lang, "kind."+in.Kind))
	rev := in.Revision
	if rev < 1 {
		rev = 1
	}
	set("report_revision", strconv.Itoa(rev))
	set("prepared_at", when(in.Now))
	set("published_at", when(in.Now))
	if !in.Detected.IsZero() {
		set("detected_at", when(in.Detected))
		set("when", when(in.Detected))
	}
	for k, t := range map[string]*time.Time{"aware_at": in.Aware, "handled_at": in.Handled,
		"requested_at": in.Requested, "classified_at": in.Classified} {
		if t != nil {
			set(k, when(*t))
		}
	}
	if in.UpdateNo > 0 {
		set("update_no", strconv.Itoa(in.UpdateNo))
	}
	set("landing_url", in.LandingURL)
	set("controller", in.Org)
	return vals
}

func subject(in DraftInput, vals map[string]string) string {
	info, _ := DraftKindOf(in.Kind)
	if s := vals["subject_line"]; s != "" && slices.ContainsFunc(info.Fields, func(f FieldSpec) bool { return f.Key == "subject_line" }) {
		return s
	}
	s := phrase(in.Lang, "subject."+in.Kind)
	s = strings.ReplaceAll(s, "{org}", in.Org)
	s = strings.ReplaceAll(s, "{no}", vals["update_no"])
	return strings.TrimSpace(s)
}

// fileName follows the seed-004 pattern, ASCII only.
func fileName(in DraftInput) string {
	kind := map[string]string{"early_warning": "Fruehwarnung", "notification": "Meldung",
		"intermediate": "Zwischenmeldung", "progress": "Fortschrittsmeldung", "final": "Abschlussmeldung",
		"gdpr33": "Meldung Datenschutzverletzung", "dora_initial": "DORA Erstmeldung",
		"dora_intermediate": "DORA Zwischenmeldung", "dora_final": "DORA Abschlussmeldung"}[in.Kind]
	name := fmt.Sprintf("%s %s %s erheblicher Sicherheitsvorfall", in.Org, in.Now.In(in.Zone).Format("2006-01-02"), kind)
	return asciiOnly(name)
}

var translit = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss",
	"é", "e", "è", "e", "á", "a", "à", "a")

func asciiOnly(s string) string {
	s = translit.Replace(s)
	return strings.Map(func(r rune) rune {
		if r > 126 || r == '/' || r == '\\' || r == ':' {
			return -1
		}
		return r
	}, s)
}
