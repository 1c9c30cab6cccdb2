//! `sportello rank --measure M --budget AMOUNT --input APPLICATIONS.csv
//! [--rule-set ID] [--publish OUT.pdf] [--json]` (cli.md, rules.md §4).
//!
//! Added options: `--export OUT.csv|OUT.xlsx` (the office's table with points by
//! criterion and reasons, as CSV for an Italian spreadsheet or as a workbook), `--explain PROTOCOL` (the trace of one application, text), `--published-on
//! DATE` (publication date printed on the PDF, default today), `--data-dir DIR`.
//!
//! Everything is computed before anything is written: a bad row, an unknown rule
//! set or a failed PDF leaves no output file and nothing on stdout (exit 2).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;

use sportello::calendar::Comune;
use sportello::dates::{self, format_it};
use sportello::rules::appeals::public_ranking;
use sportello::rules::applications::{Application, ImportReport};
use sportello::rules::b2::{self, Ranking};
use sportello::rules::rule_set::{B2Rules, RuleSet, TieBreak};
use sportello::{Code, Error, Money};

use super::{distinct_files, print_json, read_bytes, write_outputs, CliError, CSV_LIMIT};

#[derive(clap::Args)]
pub struct Args {
    /// La misura dell'avviso: b2-anziani oppure b2-disabili.
    #[arg(long)]
    measure: String,
    /// Lo stanziamento, es. 250000.00.
    #[arg(long, allow_hyphen_values = true)]
    budget: String,
    /// Il file delle domande: CSV (colonne in cli.md) o cartella di lavoro XLSX con le stesse colonne.
    #[arg(long)]
    input: PathBuf,
    /// L'insieme di regole dell'avviso.
    #[arg(long, default_value = "milano-b2-2019")]
    rule_set: String,
    /// Scrive il PDF pubblico della graduatoria.
    #[arg(long)]
    publish: Option<PathBuf>,
    /// Data di pubblicazione stampata sul PDF (AAAA-MM-GG; predefinita: oggi).
    #[arg(long, requires = "publish")]
    published_on: Option<String>,
    /// Scrive la tabella per l'ufficio (punti per criterio e motivi): CSV per un
    /// foglio di calcolo italiano, oppure XLSX se il nome finisce in .xlsx.
    #[arg(long)]
    export: Option<PathBuf>,
    /// Spiega l'esito di una domanda (protocollo), condizione per condizione.
    #[arg(long, conflicts_with = "json")]
    explain: Option<String>,
    /// Stampa un documento JSON invece del testo.
    #[arg(long)]
    json: bool,
    /// Cartella dei dati: regole aggiuntive in <cartella>/rules/*.toml
    /// (predefinita: la variabile SPORTELLO_DATA_DIR).
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

#[derive(Serialize)]
struct JsonOut<'a> {
    measure: &'a str,
    budget: Money,
    allocated: Money,
    remaining: Money,
    funded: Vec<JsonRanked<'a>>,
    admitted_not_funded: Vec<JsonRanked<'a>>,
    not_admitted: Vec<JsonNotAdmitted<'a>>,
}

#[derive(Serialize)]
struct JsonRanked<'a> {
    position: u32,
    protocol: &'a str,
    score: String,
    amount: Money,
}

#[derive(Serialize)]
struct JsonNotAdmitted<'a> {
    protocol: &'a str,
    reasons: Vec<&'static str>,
}

fn import_failed(file: &Path, report: ImportReport) -> CliError {
    let mut first = report.first().clone();
    // One line per refused cell: the first is the error main prints; the others
    // follow it in the same message, in file order.
    let shown = file.display().to_string();
    for e in &report.errors[1..] {
        first.message.push_str(&format!("\nsportello: {}", e.located(&shown)));
    }
    if report.errors.len() > 1 {
        first.message.push_str(&format!(
            "\nsportello: {shown}: {} righe rifiutate su {}: nessuna domanda importata",
            report.refused_lines().len(),
            report.rows_read
        ));
    }
    CliError::in_file(file, first)
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let budget = Money::parse(&args.budget)
        .map_err(|e| CliError::from(Error { field: Some("--budget".into()), ..e }))?;
    if budget.is_negative() {
        return Err(Error::invalid("--budget", "lo stanziamento non può essere negativo").into());
    }
    let published_on = match &args.published_on {
        Some(s) => Some(dates::parse_iso("--published-on", s)?),
        None => None,
    };
    let rules = super::eligibility::load_rules(args.data_dir.clone())?;
    let (set, b2rules) =
        rules.b2(&args.rule_set).map_err(|e| Error { field: Some("--rule-set".into()), ..e })?;
    let measure =
        b2rules.measure(&args.measure).map_err(|e| Error { field: Some("--measure".into()), ..e })?;
    let mut used = measure.bonus.value.requires.clone();
    if measure.tie_breaks.value.contains(&TieBreak::WithoutOtherInterventions) {
        used.push(sportello::rules::rule_set::Flag::OtherInterventions);
    }

    // Before anything is read or computed: an output over the input would
    // destroy the applications file.
    distinct_files(
        &[("--input", args.input.as_path())],
        &[("--publish", args.publish.as_deref()), ("--export", args.export.as_deref())],
    )?;
    // As the office's spreadsheet saved it (cli.md): UTF-8 or Windows-1252, `,`
    // or `;`; the text output says which was read.
    let bytes = read_bytes(&args.input, CSV_LIMIT)?;
    let read = sportello::applications_file::read(&bytes, &used);
    let read_as = read.read_as;
    let apps: Vec<Application> =
        read.applications.map_err(|r| import_failed(&args.input, r))?.into_iter().map(|(_, a)| a).collect();
    let ranking =
        b2::rank(&apps, set, &args.measure, budget).map_err(|e| CliError::in_file(&args.input, e))?;

    let explained = match &args.explain {
        Some(p) => {
            let app = apps.iter().find(|a| &a.protocol == p).ok_or_else(|| {
                Error::invalid("--explain", format!("nessuna domanda con protocollo «{p}» nel file"))
            })?;
            Some(b2::explain(app, set, &args.measure)?)
        }
        None => None,
    };
    let pdf = match &args.publish {
        Some(_) => {
            let on = published_on.unwrap_or_else(|| chrono::Local::now().date_naive());
            let comune = office_comune(set, args.data_dir.as_deref())?;
            let deadline = sportello::calendar::try_add_days(on, b2rules.appeal_days.value, &comune)?;
            let public = public_ranking(set, &ranking, 1, on, deadline.date)?;
            Some(sportello::print::ranking::render(&public)?)
        }
        None => None,
    };
    // The office's table: XLSX when the file's name asks for it, else the CSV
    // an Italian spreadsheet opens (cli.md).
    let export = match &args.export {
        Some(path) if sportello::xlsx::wanted(path) => {
            Some(sportello::xlsx::workbook(&b2::office_table(&ranking))?)
        }
        Some(_) => Some(b2::office_csv(&ranking)),
        None => None,
    };

    // The PDF and the CSV are written together or not at all: a failed export
    // leaves the PDF as it was (published before, or absent).
    let mut files = Vec::new();
    if let (Some(path), Some(bytes)) = (&args.publish, pdf) {
        files.push((path.as_path(), bytes));
    }
    if let (Some(path), Some(bytes)) = (&args.export, export) {
        files.push((path.as_path(), bytes));
    }
    write_outputs(files)?;

    if args.json {
        print_json(&json_out(&ranking))?;
    } else if let Some(trace) = explained {
        let p = args.explain.as_deref().unwrap_or_default();
        println!("Domanda {p} — {} ({})", measure.title, ranking.rule_set);
        if let Some(r) = ranking.admitted().find(|r| r.protocol == p) {
            let status = if ranking.funded.iter().any(|f| f.protocol == p) {
                "ammessa e finanziata"
            } else {
                "ammessa non finanziata"
            };
            println!("Posizione {}: {status}", r.position);
            if let Some(t) = r.tie_break {
                println!(
                    "A parità di punteggio con la posizione {}, decide il criterio «{}»: {}",
                    r.position - 1,
                    t.label(),
                    t.italian()
                );
            }
        }
        for line in trace.lines() {
            println!("  {line}");
        }
    } else {
        println!("File letto come {read_as}.");
        print!("{}", render_text(&ranking, set, b2rules, &args.measure, &apps));
    }
    Ok(ExitCode::SUCCESS)
}

/// The comune whose calendar sets the appeal deadline: the call's.
fn office_comune(set: &RuleSet, data_dir: Option<&Path>) -> Result<Comune, CliError> {
    let belfiore = set.comune.as_deref().ok_or_else(|| {
        Error::new(
            Code::BadRuleSet,
            format!("l'avviso «{}» non indica il comune: serve per il termine dei ricorsi", set.id),
        )
    })?;
    let dir = data_dir.map(Path::to_path_buf).or_else(sportello::catalog::rule_sets::data_dir_from_env);
    let comuni = sportello::catalog::comuni::Comuni::load(dir.as_deref())?;
    Ok(comuni.get(belfiore)?.clone())
}

fn ranked(x: &b2::Ranked) -> JsonRanked<'_> {
    JsonRanked { position: x.position, protocol: &x.protocol, score: x.score_shown(), amount: x.amount }
}

fn json_out(r: &Ranking) -> JsonOut<'_> {
    JsonOut {
        measure: &r.measure,
        budget: r.budget,
        allocated: r.allocated,
        remaining: r.remaining,
        funded: r.funded.iter().map(ranked).collect(),
        admitted_not_funded: r.admitted_not_funded.iter().map(ranked).collect(),
        not_admitted: r
            .not_admitted
            .iter()
            .map(|x| JsonNotAdmitted {
                protocol: &x.protocol,
                reasons: x.reasons.iter().map(|c| c.as_str()).collect(),
            })
            .collect(),
    }
}

fn score_it(s: &str) -> String {
    s.replace('.', ",")
}

fn render_text(r: &Ranking, set: &RuleSet, rules: &B2Rules, measure: &str, apps: &[Application]) -> String {
    let title = rules.measures.get(measure).map_or(measure, |m| m.title.as_str());
    let (from, to) = rules.window.value;
    let mut s = format!(
        "Graduatoria {title} — regole {} ({})\nDomande raccolte dal {} al {}\nStanziamento {}; assegnato {}; residuo {}\n",
        r.rule_set,
        set.title,
        format_it(from),
        format_it(to),
        r.budget.format_it(),
        r.allocated.format_it(),
        r.remaining.format_it()
    );
    for (heading, list) in
        [("AMMESSE E FINANZIATE", &r.funded), ("AMMESSE NON FINANZIATE", &r.admitted_not_funded)]
    {
        s.push_str(&format!("\n{heading} ({})\n", list.len()));
        if !list.is_empty() {
            s.push_str(&format!(
                "{:>6}  {:<16} {:>10} {:>16}  {}\n",
                "pos.", "protocollo", "punteggio", "importo", "spareggio"
            ));
        }
        for x in list {
            s.push_str(&format!(
                "{:>6}  {:<16} {:>10} {:>16}  {}\n",
                x.position,
                x.protocol,
                score_it(&x.score_shown()),
                x.amount.format_it(),
                x.tie_break.map(|t| t.label()).unwrap_or("")
            ));
        }
    }
    s.push_str(&format!("\nNON AMMESSE ({})\n", r.not_admitted.len()));
    let by_protocol: std::collections::HashMap<&str, &Application> =
        apps.iter().map(|a| (a.protocol.as_str(), a)).collect();
    for x in &r.not_admitted {
        let codes: Vec<&str> = x.reasons.iter().map(|c| c.as_str()).collect();
        s.push_str(&format!("  {:<16} {}\n", x.protocol, codes.join(", ")));
        if let Some(app) = by_protocol.get(x.protocol.as_str()) {
            if let Ok(trace) = b2::explain(app, set, measure) {
                for reason in trace.reasons() {
                    s.push_str(&format!("  {:<16}   {}\n", "", reason.text));
                }
            }
        }
    }
    s
}
