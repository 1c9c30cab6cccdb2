//! Issue 10 §2: the patto goes one way. The app prints it from the stored case,
//! the command line from its file, both through the same domain value and the
//! same printer: same data, same text; the paper says what the forms said; the
//! signature lines are the signatures the app asks for.

use crate::print_support;
use crate::service_support;

use std::process::Command;

use print_support::{pdf_text, squash};
use serde_json::{json, Value};
use service_support::{analysis_json, create_family, d, env, family_json};
use sportello::domain::{Household, Id, Project, ProjectStatus};
use sportello::service::Service;

fn analysed(s: &Service, h: &Household) {
    s.analysis_save(
        serde_json::from_value(analysis_json(h, "2026-11-20", "progetto_servizio_sociale")).unwrap(),
    )
    .unwrap();
}

fn printed(s: &Service, project: Id) -> String {
    let doc = s.agreement_print(project).unwrap();
    let (_, bytes) = s.document_bytes(doc.id).unwrap();
    if let Some(dir) = std::env::var_os("SPORTELLO_KEEP_PDF") {
        std::fs::write(std::path::Path::new(&dir).join(format!("patto-{}.pdf", doc.id)), &bytes).unwrap();
    }
    pdf_text(&bytes)
}

fn cli_print(input: &Value) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("progetto.json");
    std::fs::write(&file, serde_json::to_string_pretty(input).unwrap()).unwrap();
    let out = dir.path().join("patto.pdf");
    let run = Command::new(env!("CARGO_BIN_EXE_sportello"))
        .args(["agreement", "--input"])
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    pdf_text(&std::fs::read(out).unwrap())
}

const ACTIONS: [&str; 3] = [
    "Presentarsi al Centro per l'impiego (AFOL Metropolitana) per il colloquio di orientamento.",
    "Frequentare il corso di lingua italiana livello A2, almeno l'80% delle ore previste.",
    "Frequentare regolarmente la scuola primaria; i genitori mantengono i contatti con gli insegnanti.",
];

#[test]
fn the_app_and_the_command_line_print_the_same_patto_for_the_same_data() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    analysed(s, &h);
    let form = json!({
        "household_id": h.id.to_string(),
        "objectives": ["Raggiungere l'autonomia economica del nucleo entro dodici mesi."],
        "commitments": h.members.iter().zip(ACTIONS).zip(["2026-12-15", "2027-03-31", "2027-06-10"])
            .map(|((m, action), due)| json!({"action": action, "member_id": m.id.to_string(), "due_date": due}))
            .collect::<Vec<_>>(),
        "supports": [{"description": "Colloqui di monitoraggio ogni 90 giorni", "provider": "Servizio sociale"}],
    });
    let p: Project = s.project_save(serde_json::from_value(form).unwrap()).unwrap();
    let from_app = printed(s, p.id);

    // The same case as a script would write it for `sportello agreement`.
    let office = s.session().unwrap().office;
    let file = json!({
        "comune": office.comune,
        "office": {"name": office.name, "address": office.address, "phone": office.phone, "email": office.email},
        "case_number": h.case_number,
        "analysis_date": "2026-11-20",
        "operator": "Anna Verdi",
        "members": [
            {"id": "m1", "first_name": "Niccolò", "last_name": "Dell'Orto", "codice_fiscale": "DLLNCL80A01F205Q",
             "birth_date": "1980-01-01", "role": "richiedente"},
            {"id": "m2", "first_name": "Thị Lan", "last_name": "Nguyễn", "codice_fiscale": "NGYTLN88S60Z251L",
             "birth_date": "1988-11-20", "role": "coniuge"},
            {"id": "m3", "first_name": "Zoë", "last_name": "Dell'Orto", "codice_fiscale": "DLLZOE15P70F205X",
             "birth_date": "2015-09-30", "role": "figlia", "guardian": "m2"}
        ],
        "objectives": ["Raggiungere l'autonomia economica del nucleo entro dodici mesi."],
        "commitments": [
            {"member": "m1", "text": ACTIONS[0], "due": "2026-12-15"},
            {"member": "m2", "text": ACTIONS[1], "due": "2027-03-31"},
            {"member": "m3", "text": ACTIONS[2], "due": "2027-06-10"}
        ],
        "supports": ["Colloqui di monitoraggio ogni 90 giorni (Servizio sociale)"]
    });
    let from_cli = cli_print(&file);
    assert_eq!(from_app, from_cli, "the two doors print different texts");
    // And the text is the patto, not an empty page twice.
    let flat = squash(&from_app);
    assert!(
        flat.contains("Zoë Dell'Orto DLLZOE15P70F205X 30/09/2015, Milano (MI) figlia (minore)"),
        "{flat}"
    );
    assert!(flat.contains("per Zoë Dell'Orto, minore: firma del genitore/tutore Thị Lan Nguyễn"), "{flat}");
    // The seed office is named "Comune di Milano — …": the Comune heads the page once.
    let heading = &flat[..flat.find("Progetto personalizzato").unwrap()];
    assert_eq!(heading.matches("Comune di Milano").count(), 1, "{heading}");
}

/// A household with a sister's brother and two children: the brother (an
/// adult without commitments) signs for himself; Luca, a minor with no
/// commitment, signs nothing; Zoë's commitment is signed by her mother.
#[test]
fn the_printed_patto_says_what_the_forms_said_and_its_signers_are_the_apps() {
    let e = env();
    let s = &e.service;
    let mut form = family_json();
    let code = |last: &str, first: &str, birth: &str, sex| {
        sportello::cf::encode(last, first, d(birth), sex, "F205").unwrap()
    };
    let mut brother = form["members"][0].clone();
    brother["first_name"] = json!("Marco");
    brother["birth_date"] = json!("1983-05-10");
    brother["codice_fiscale"] = json!(code("Dell'Orto", "Marco", "1983-05-10", sportello::cf::Sex::M));
    brother["relationship"] = json!("fratello_sorella");
    let mut son = form["members"][2].clone();
    son["first_name"] = json!("Luca");
    son["sex"] = json!("M");
    son["birth_date"] = json!("2012-03-04");
    son["codice_fiscale"] = json!(code("Dell'Orto", "Luca", "2012-03-04", sportello::cf::Sex::M));
    form["members"].as_array_mut().unwrap().extend([brother, son]);
    let h: Household = s.household_save(serde_json::from_value(form).unwrap()).unwrap();
    let (niccolo, thi_lan, zoe) = (h.members[0].id, h.members[1].id, h.members[2].id);
    analysed(s, &h);
    let project = json!({
        "household_id": h.id.to_string(),
        "objectives": ["Raggiungere l'autonomia economica del nucleo entro dodici mesi."],
        "expected_results": ["Un contratto di lavoro per almeno un adulto.", "Frequenza scolastica regolare di Zoë."],
        "commitments": [
            {"action": ACTIONS[0], "member_id": niccolo.to_string(), "due_date": "2026-12-15"},
            {"action": ACTIONS[1], "member_id": thi_lan.to_string(), "due_date": "2027-03-31"},
            {"action": ACTIONS[2], "member_id": zoe.to_string(), "due_date": "2027-06-10",
             "other_member_ids": [thi_lan.to_string(), niccolo.to_string()]}
        ],
        "supports": [{"description": "Colloqui di monitoraggio ogni 90 giorni", "provider": "Servizio sociale"}],
        "meetings": [
            {"date": "2027-02-15", "time": "09:30", "duration_minutes": "45", "place": "largo Treves 1",
             "notes": "Verifica della frequenza al corso di lingua."},
            {"date": "2027-05-17", "time": "11:00", "duration_minutes": "60"}
        ]
    });
    let p: Project = s.project_save(serde_json::from_value(project).unwrap()).unwrap();
    let text = printed(s, p.id);
    let flat = squash(&text);
    for want in [
        // Relationships in words, by sex.
        "Niccolò Dell'Orto DLLNCL80A01F205Q 01/01/1980, Milano (MI) richiedente",
        "Thị Lan Nguyễn NGYTLN88S60Z251L 20/11/1988, Vietnam coniuge",
        "Zoë Dell'Orto DLLZOE15P70F205X 30/09/2015, Milano (MI) figlia (minore)",
        "Marco Dell'Orto",
        "fratello",
        "Luca Dell'Orto",
        "figlio (minore)",
        // The project's expected results, the members involved, the meetings.
        "Risultati attesi",
        "Un contratto di lavoro per almeno un adulto.",
        "Frequenza scolastica regolare di Zoë.",
        "Con la partecipazione di: Thị Lan Nguyễn, Niccolò Dell'Orto",
        "Incontri di monitoraggio",
        "lunedì 15/02/2027 alle ore 09:30 (45 minuti), largo Treves 1 — Verifica della frequenza al corso di lingua.",
        "lunedì 17/05/2027 alle ore 11:00 (60 minuti)",
        "Colloqui di monitoraggio ogni 90 giorni (Servizio sociale)",
    ] {
        assert!(flat.contains(want), "«{want}» missing from:\n{text}");
    }
    for code in ["fratello_sorella", "figlio/a", "fratello/sorella"] {
        assert!(!flat.contains(code), "«{code}» printed as a code:\n{text}");
    }
    // Exactly the signature lines of the one rule: four people and the operator.
    for line in [
        "Niccolò Dell'Orto (richiedente)",
        "Thị Lan Nguyễn (coniuge)",
        "Marco Dell'Orto (fratello)",
        "per Zoë Dell'Orto, minore: firma del genitore/tutore Thị Lan Nguyễn",
    ] {
        assert!(flat.contains(line), "«{line}» missing:\n{text}");
    }
    assert!(!flat.contains("per Luca"), "Luca has no commitment and signs nothing:\n{text}");
    assert_eq!(flat.matches("Firma").count(), 5, "{text}");

    // The app asks for exactly those signatures: recording them signs the project.
    let p = s.project_get(h.id).unwrap().unwrap();
    assert_eq!(p.status, ProjectStatus::DaFirmare);
    let asked: Vec<_> = p.required_signers.iter().map(|r| (r.member_id, r.signer_id)).collect();
    let (marco, luca) = (h.members[3].id, h.members[4].id);
    assert_eq!(asked, [(niccolo, niccolo), (thi_lan, thi_lan), (zoe, thi_lan), (marco, marco)]);
    assert!(s.signature_record(p.id, luca, service_support::today()).is_err(), "no signature for Luca");
    let mut last = None;
    for (member, _) in asked {
        last = Some(s.signature_record(p.id, member, service_support::today()).unwrap());
    }
    assert_eq!(last.unwrap().status, ProjectStatus::Sottoscritto);
}

/// The form accepts a codice fiscale whose birth date differs from the one
/// typed (with a warning): the patto of that household prints, with what was
/// saved.
#[test]
fn a_household_saved_with_a_codice_fiscale_warning_prints_its_patto() {
    let e = env();
    let s = &e.service;
    let mut form = family_json();
    form["members"][0]["birth_date"] = json!("1980-01-02");
    let h: Household = s.household_save(serde_json::from_value(form).unwrap()).unwrap();
    let warnings = s
        .cf_check(
            serde_json::from_value(json!({
                "code": "DLLNCL80A01F205Q", "first_name": "Niccolò", "last_name": "Dell'Orto",
                "birth_date": "1980-01-02", "sex": "M"
            }))
            .unwrap(),
        )
        .unwrap()
        .warnings;
    assert!(warnings.iter().any(|w| w.contains("data di nascita")), "{warnings:?}");
    analysed(s, &h);
    let p = s.project_save(serde_json::from_value(service_support::project_json(&h)).unwrap()).unwrap();
    let flat = squash(&printed(s, p.id));
    assert!(
        flat.contains("Niccolò Dell'Orto DLLNCL80A01F205Q 02/01/1980, Milano (MI) richiedente"),
        "{flat}"
    );
}

/// A minor with a commitment whom nobody can sign for is named before
/// anything is printed or asked, in the app as on the command line.
#[test]
fn a_minor_with_a_commitment_and_nobody_to_sign_stops_the_signing() {
    let e = env();
    // Zoë's guardian is her brother Luca, who was still a minor on the day of
    // the analysis (the form checks guardians against today).
    let mut form = family_json();
    let mut son = form["members"][2].clone();
    let luca = Id::new().to_string();
    son["id"] = json!(luca);
    son["first_name"] = json!("Luca");
    son["sex"] = json!("M");
    son["birth_date"] = json!("2008-11-25");
    son["codice_fiscale"] =
        json!(sportello::cf::encode("Dell'Orto", "Luca", d("2008-11-25"), sportello::cf::Sex::M, "F205")
            .unwrap());
    son["guardian_id"] = json!(null);
    form["members"].as_array_mut().unwrap().push(son);
    form["members"][2]["guardian_id"] = json!(luca);
    let later = e.reopen("averdi", d("2026-11-26"));
    let h: Household = later.household_save(serde_json::from_value(form).unwrap()).unwrap();
    analysed(&later, &h);
    let p = later.project_save(serde_json::from_value(service_support::project_json(&h)).unwrap()).unwrap();
    let err = later.agreement_print(p.id).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("members[2].guardian_id"), "{}", err.message);
    assert!(
        err.message.contains("Luca Dell'Orto") && err.message.contains("Zoë Dell'Orto"),
        "{}",
        err.message
    );
    assert!(later.documents_list(h.id).unwrap().is_empty());
    let err = later.project_set_status(p.id, ProjectStatus::DaFirmare).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("members[2].guardian_id"));
}
