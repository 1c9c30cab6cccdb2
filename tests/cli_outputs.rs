//! The files the command line writes and reads, on the built binary (issue 9):
//! an output is never an input (or another output) under another name; the
//! outputs of one command are all written or none; they are private (0600);
//! every CSV is safe to open in a spreadsheet; input files are bounded; JSON
//! inputs refuse unknown and repeated keys; a password and a recovery key
//! together are refused.

use crate::print_support as support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sportello"));
    c.env_remove("SPORTELLO_DATA_DIR").env_remove("SPORTELLO_CRASH_AT");
    c
}

fn esempi(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenari/esempi").join(name)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// `rank` of the public example with the given outputs.
fn rank(input: &Path, extra: &[&str]) -> Output {
    let mut c = bin();
    c.args(["rank", "--measure", "b2-anziani", "--budget", "20000.00"]).arg("--input").arg(input).args(extra);
    if extra.contains(&"--publish") {
        c.args(["--published-on", "2019-07-01"]);
    }
    c.output().unwrap()
}

fn applications(dir: &Path) -> PathBuf {
    let p = dir.join("domande.csv");
    fs::copy(esempi("b2-anziani-applications.csv"), &p).unwrap();
    p
}

fn assert_refused(o: &Output, needles: &[&str]) {
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {e}");
    assert!(o.stdout.is_empty(), "stdout: {}", String::from_utf8_lossy(&o.stdout));
    assert!(e.starts_with("sportello: "), "{e}");
    assert_eq!(e.lines().count(), 1, "{e}");
    for n in needles {
        assert!(e.contains(n), "«{n}» not in {e}");
    }
}

// ---------------------------------------------------------------------------
// 3. An output that is an input

#[test]
fn rank_refuses_to_write_over_its_input_under_any_name() {
    let dir = tempfile::tempdir().unwrap();
    let input = applications(dir.path());
    let before = fs::read(&input).unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    let other_spelling = dir.path().join("sub").join("..").join("domande.csv");
    let hard = dir.path().join("stessa.csv");
    fs::hard_link(&input, &hard).unwrap();
    let link = dir.path().join("collegamento.csv");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    for (option, path) in [
        ("--publish", &input),
        ("--export", &input),
        ("--publish", &other_spelling),
        ("--export", &hard),
        ("--publish", &link),
    ] {
        let o = rank(&input, &[option, path.to_str().unwrap()]);
        assert_refused(&o, &[option, "è lo stesso file di --input"]);
        assert_eq!(fs::read(&input).unwrap(), before, "{option} {}", path.display());
    }
    assert_eq!(names(dir.path()), ["collegamento.csv", "domande.csv", "stessa.csv", "sub"]);
}

#[test]
fn rank_refuses_two_outputs_that_are_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = applications(dir.path());
    fs::create_dir(dir.path().join("sub")).unwrap();
    let a = dir.path().join("uscita");
    let b = dir.path().join("sub").join("..").join("uscita");
    let o = rank(&input, &["--publish", a.to_str().unwrap(), "--export", b.to_str().unwrap()]);
    assert_refused(&o, &["--export", "--publish", "sono lo stesso file"]);
    assert!(!a.exists());
}

#[test]
fn agreement_refuses_to_write_over_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.json");
    fs::write(&p, support::EXAMPLE_JSON).unwrap();
    for out in [p.clone(), dir.path().join(".").join("p.json")] {
        let o = bin().args(["agreement", "--input"]).arg(&p).arg("--out").arg(&out).output().unwrap();
        assert_refused(&o, &["--out", "è lo stesso file di --input"]);
        assert_eq!(fs::read_to_string(&p).unwrap(), support::EXAMPLE_JSON);
    }
}

#[test]
fn audit_history_refuses_to_write_its_csv_over_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ufficio.sqlite");
    fs::write(&db, b"not touched").unwrap();
    let keys = dir.path().join("ufficio.sqlite.keys");
    for out in [&db, &keys] {
        let o = bin()
            .args(["audit", "history", "--household", "2026/000001", "--database"])
            .arg(&db)
            .arg("--csv")
            .arg(out)
            .env("SPORTELLO_PASSWORD", "una password qualsiasi")
            .env_remove("SPORTELLO_RECOVERY_KEY")
            .output()
            .unwrap();
        assert_refused(&o, &["--csv", "è lo stesso file di --database"]);
    }
    assert_eq!(fs::read(&db).unwrap(), b"not touched");
    assert!(!keys.exists());
}

// ---------------------------------------------------------------------------
// 4. All or none, private

#[test]
fn a_failed_export_leaves_the_pdf_published_before() {
    let dir = tempfile::tempdir().unwrap();
    let input = applications(dir.path());
    let pdf = dir.path().join("graduatoria.pdf");
    fs::write(&pdf, b"published last week").unwrap();
    let csv = dir.path().join("manca").join("ufficio.csv");
    let o = rank(&input, &["--publish", pdf.to_str().unwrap(), "--export", csv.to_str().unwrap()]);
    assert_refused(&o, &["ufficio.csv", "nessun file cambiato"]);
    assert_eq!(fs::read(&pdf).unwrap(), b"published last week");
    assert_eq!(names(dir.path()), ["domande.csv", "graduatoria.pdf"]);
    // Without a PDF before, none after.
    fs::remove_file(&pdf).unwrap();
    let o = rank(&input, &["--publish", pdf.to_str().unwrap(), "--export", csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(names(dir.path()), ["domande.csv"]);
}

#[test]
fn outputs_replace_old_files_and_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let input = applications(dir.path());
    let pdf = dir.path().join("graduatoria.pdf");
    let csv = dir.path().join("ufficio.csv");
    fs::write(&pdf, b"old").unwrap();
    fs::set_permissions(&pdf, fs::Permissions::from_mode(0o644)).unwrap();
    let o = rank(&input, &["--publish", pdf.to_str().unwrap(), "--export", csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    assert!(fs::read_to_string(&csv).unwrap().starts_with("\u{feff}posizione;protocollo"));
    let out = dir.path().join("patto.pdf");
    let p = dir.path().join("p.json");
    fs::write(&p, support::EXAMPLE_JSON).unwrap();
    let o = bin().args(["agreement", "--input"]).arg(&p).arg("--out").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for f in [&pdf, &csv, &out] {
        let mode = fs::metadata(f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", f.display());
    }
    assert_eq!(names(dir.path()), ["domande.csv", "graduatoria.pdf", "p.json", "patto.pdf", "ufficio.csv"]);
}

#[test]
fn stale_temporary_files_of_dead_runs_are_removed_at_the_next_write() {
    let dir = tempfile::tempdir().unwrap();
    let input = applications(dir.path());
    let mut c = Command::new("true").spawn().unwrap();
    let dead = c.id();
    c.wait().unwrap();
    let stale = format!(".graduatoria.pdf.{dead}.tmp");
    fs::write(dir.path().join(&stale), b"%PDF half a ranking").unwrap();
    let unrelated = ".appunti.txt";
    fs::write(dir.path().join(unrelated), b"mine").unwrap();
    let pdf = dir.path().join("graduatoria.pdf");
    let o = rank(&input, &["--publish", pdf.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(names(dir.path()), [".appunti.txt", "domande.csv", "graduatoria.pdf"]);
}

// ---------------------------------------------------------------------------
// 10. CSV injection

#[test]
fn the_office_csv_neutralises_formulas_and_keeps_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("domande.csv");
    let header = "protocol,submitted_on,birth_date,isee,isee_expires_on,resident,continuation,non_self_sufficient,independent_living,other_interventions,amount";
    let rows = [
        "\"=HYPERLINK(\"\"http://x.example\"\",\"\"apri\"\")\",2019-02-04,1933-03-10,12000.00,2019-12-31,true,true,true,false,false,4800.00",
        "@SUM(A1),2019-02-04,1934-02-04,9000.00,2019-12-31,true,false,true,false,false,4800.00",
        "-2+3,2019-02-04,1935-02-04,,,true,false,true,false,false,4800.00",
        "+39 PG/1,2019-02-04,1936-02-04,8000.00,2019-12-31,true,false,true,false,false,4800.00",
    ];
    fs::write(&input, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    let csv = dir.path().join("ufficio.csv");
    let o = rank(&input, &["--export", csv.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = fs::read_to_string(&csv).unwrap();
    // As an Italian spreadsheet reads it: BOM, `;`, decimal comma.
    let body = text.strip_prefix('\u{feff}').expect("the BOM first");
    let mut r = csv::ReaderBuilder::new().delimiter(b';').from_reader(body.as_bytes());
    let mut protocols = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        protocols.push(rec[1].to_string());
        for (i, cell) in rec.iter().enumerate() {
            if i != 1 {
                assert!(!cell.starts_with(['=', '+', '@', '\t', '\r']), "cell {i}: {cell:?} in {text}");
            }
        }
        if !rec[0].is_empty() {
            // Position, scores and amount stay numbers, with the decimal comma.
            for i in [0, 4, 5, 6, 7, 9] {
                assert!(!rec[i].contains('.'), "cell {i} {:?}: a decimal point", &rec[i]);
                rec[i]
                    .replace(',', ".")
                    .parse::<f64>()
                    .unwrap_or_else(|_| panic!("cell {i} {:?} not a number", &rec[i]));
            }
        }
    }
    protocols.sort();
    assert_eq!(protocols, ["'+39 PG/1", "'-2+3", "'=HYPERLINK(\"http://x.example\",\"apri\")", "'@SUM(A1)"]);
    // The JSON on stdout keeps the protocols as they are.
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v.to_string().contains("=HYPERLINK"), "{v}");
}

// ---------------------------------------------------------------------------
// 11. Spreadsheets in and out (cli.md `rank`)

/// The public example as an Italian office's spreadsheet saves it: `;`,
/// amounts `12.000,00`, dates `gg/mm/aaaa`, `sì`/`no`, a name column with
/// accents and a typographic apostrophe, CRLF; then the text as given.
fn italian_spreadsheet(plain: &str) -> String {
    let mut out = Vec::new();
    for (n, line) in plain.lines().enumerate() {
        let cells: Vec<String> = line
            .split(',')
            .enumerate()
            .map(|(i, c)| match i {
                _ if n == 0 => c.to_string(),
                3 | 10 if !c.is_empty() => {
                    let (int, frac) = c.split_once('.').unwrap_or((c, "00"));
                    let digits: Vec<char> = int.chars().collect();
                    let mut grouped = String::new();
                    for (k, d) in digits.iter().enumerate() {
                        if k > 0 && (digits.len() - k).is_multiple_of(3) {
                            grouped.push('.');
                        }
                        grouped.push(*d);
                    }
                    format!("{grouped},{frac}")
                }
                1 | 2 | 4 if !c.is_empty() => {
                    let p: Vec<&str> = c.split('-').collect();
                    format!("{}/{}/{}", p[2], p[1], p[0])
                }
                5..=9 => match c {
                    "true" => "Sì".into(),
                    "false" => "no".into(),
                    other => other.into(),
                },
                _ => c.to_string(),
            })
            .collect();
        let name = if n == 0 { "nome".to_string() } else { format!("Niccolò D’Angelo {n}") };
        out.push(format!("{name};{}", cells.join(";")));
    }
    out.join("\r\n") + "\r\n"
}

/// Windows-1252 for the characters the test uses (Latin-1 and the curly apostrophe).
fn windows_1252(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '’' => 0x92,
            c if (c as u32) < 0x100 => c as u8,
            other => panic!("not in the test's Windows-1252: {other}"),
        })
        .collect()
}

#[test]
fn a_call_ranks_the_same_whichever_form_the_spreadsheet_saved() {
    let dir = tempfile::tempdir().unwrap();
    let plain = fs::read_to_string(esempi("b2-anziani-applications.csv")).unwrap();
    let italian = italian_spreadsheet(&plain);
    assert!(italian.contains("12.000,00") && italian.contains(";Sì;"), "{italian}");
    let forms: [(&str, Vec<u8>); 4] = [
        ("utf8.csv", plain.clone().into_bytes()),
        ("bom.csv", [b"\xEF\xBB\xBF".as_slice(), italian.as_bytes()].concat()),
        ("utf8-punto-e-virgola.csv", italian.clone().into_bytes()),
        ("windows-1252.csv", windows_1252(&italian)),
    ];
    let mut answers = Vec::new();
    for (name, bytes) in &forms {
        let p = dir.path().join(name);
        fs::write(&p, bytes).unwrap();
        let o = rank(&p, &["--json"]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        answers.push((name, serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()));
    }
    let expected: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(esempi("b2-anziani-expected.json")).unwrap()).unwrap();
    for (name, answer) in &answers {
        assert_eq!(answer, &expected, "{name}");
    }
    // The text output says how the file was read.
    let o = rank(&dir.path().join("windows-1252.csv"), &[]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("Windows-1252"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // A `;` file with an amount in the other convention: refused with line and column.
    let mixed = italian.replacen("4.800,00", "4800.00", 1);
    let p = dir.path().join("misto.csv");
    fs::write(&p, &mixed).unwrap();
    let o = rank(&p, &["--json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert_refused(&o, &["misto.csv:2", "amount", "4800.00"]);
}

/// The public example as a workbook an office keeps: amounts and ISEE as
/// numbers, dates as date cells, yes/no as booleans or as `sì`/`no` text,
/// a title row above the header.
fn example_workbook(plain: &str, text_amount_on_row: Option<usize>) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Domande B2 anziani 2019").unwrap();
    for (r, line) in plain.lines().enumerate() {
        let row = r as u32 + 2;
        for (c, cell) in line.split(',').enumerate() {
            let col = c as u16;
            if r == 0 || cell.is_empty() {
                sheet.write_string(row, col, cell).unwrap();
                continue;
            }
            match c {
                10 if text_amount_on_row == Some(r) => {
                    sheet.write_string(row, col, "4.800,00").unwrap();
                }
                3 | 10 => {
                    sheet.write_number(row, col, cell.parse::<f64>().unwrap()).unwrap();
                }
                1 | 2 | 4 => {
                    let p: Vec<u16> = cell.split('-').map(|x| x.parse().unwrap()).collect();
                    let d = ExcelDateTime::from_ymd(p[0], p[1] as u8, p[2] as u8).unwrap();
                    sheet.write_datetime_with_format(row, col, &d, &date).unwrap();
                }
                5 | 6 => {
                    sheet.write_boolean(row, col, cell == "true").unwrap();
                }
                7..=9 => {
                    sheet.write_string(row, col, if cell == "true" { "sì" } else { "no" }).unwrap();
                }
                _ => {
                    sheet.write_string(row, col, cell).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn a_call_kept_in_a_workbook_ranks_as_its_csv() {
    let dir = tempfile::tempdir().unwrap();
    let plain = fs::read_to_string(esempi("b2-anziani-applications.csv")).unwrap();
    let p = dir.path().join("domande.xlsx");
    fs::write(&p, example_workbook(&plain, None)).unwrap();
    let o = rank(&p, &["--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let expected: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(esempi("b2-anziani-expected.json")).unwrap()).unwrap();
    assert_eq!(got, expected);
    assert!(String::from_utf8_lossy(&rank(&p, &[]).stdout).contains("XLSX"));
    // A text amount in the Italian form: refused, named by the sheet's row
    // (title on 1, blank 2, header 3, so the 4th data row is row 7).
    fs::write(&p, example_workbook(&plain, Some(4))).unwrap();
    let o = rank(&p, &["--json"]);
    assert_refused(&o, &["domande.xlsx:7", "amount", "4.800,00"]);
}

#[test]
fn the_office_table_as_a_workbook_has_numbers_and_the_same_rows() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("domande.csv");
    fs::copy(esempi("b2-anziani-applications.csv"), &input).unwrap();
    let (xlsx, csv) = (dir.path().join("ufficio.xlsx"), dir.path().join("ufficio.csv"));
    for out in [&xlsx, &csv] {
        let o = rank(&input, &["--export", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("Graduatoria").unwrap();
    let text = fs::read_to_string(&csv).unwrap();
    let csv_rows: Vec<Vec<String>> = text
        .trim_start_matches('\u{feff}')
        .lines()
        .map(|l| l.split(';').map(str::to_string).collect())
        .collect();
    assert_eq!(sheet.height(), csv_rows.len());
    let header: Vec<String> = sheet.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header, csv_rows[0]);
    for (row, csv_row) in sheet.rows().skip(1).zip(&csv_rows[1..]) {
        assert_eq!(row[1].to_string(), csv_row[1], "protocol");
        if csv_row[0].is_empty() {
            assert_eq!(row[0], Data::Empty);
            continue;
        }
        // Position, score and amount: numbers equal to the CSV's.
        for i in [0, 3, 9] {
            let Data::Float(x) = row[i] else { panic!("cell {i} not a number: {:?}", row[i]) };
            let csv_value: f64 = csv_row[i].replace(',', ".").parse().unwrap();
            assert!((x - csv_value).abs() < 1e-9, "cell {i}: {x} vs {}", csv_row[i]);
        }
    }
}

// ---------------------------------------------------------------------------
// 8. Unknown and repeated keys

fn eligibility(dir: &Path, text: &str) -> Output {
    let p = dir.join("nucleo.json");
    fs::write(&p, text).unwrap();
    bin().args(["eligibility", "--json", "--input"]).arg(&p).output().unwrap()
}

#[test]
fn eligibility_refuses_a_misspelt_key_and_a_repeated_one() {
    let dir = tempfile::tempdir().unwrap();
    let good = fs::read_to_string(esempi("household-new-resident-elderly.json")).unwrap();
    assert_eq!(eligibility(dir.path(), &good).status.code(), Some(0));
    let misspelt = good.replacen("\"resident_since\"", "\"resident_snce\"", 1);
    assert_ne!(misspelt, good);
    assert_refused(
        &eligibility(dir.path(), &misspelt),
        &["nucleo.json", "resident_snce", "Campo sconosciuto"],
    );
    let member = good.replacen("\"invalidity_percent\"", "\"invalidita\": 1, \"invalidity_percent\"", 1);
    assert_refused(&eligibility(dir.path(), &member), &["members[0].invalidita"]);
    let isee = good.replacen("\"expires_on\"", "\"expire_on\": null, \"expires_on\"", 1);
    assert_refused(&eligibility(dir.path(), &isee), &["isee.expire_on"]);
    let twice = good.replacen(
        "\"other_subsidies\": false",
        "\"other_subsidies\": true, \"other_subsidies\": false",
        1,
    );
    assert_ne!(twice, good);
    assert_refused(&eligibility(dir.path(), &twice), &["other_subsidies", "ripetuto"]);
}

#[test]
fn agreement_refuses_unknown_and_repeated_keys_by_path() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.json");
    let out = dir.path().join("patto.pdf");
    let run = |text: &str| {
        fs::write(&p, text).unwrap();
        bin().args(["agreement", "--input"]).arg(&p).arg("--out").arg(&out).output().unwrap()
    };
    let guardian = support::EXAMPLE_JSON.replacen("\"guardian\"", "\"guardain\"", 1);
    assert_ne!(guardian, support::EXAMPLE_JSON);
    assert_refused(&run(&guardian), &["members[2].guardain", "Campo sconosciuto"]);
    let twice = support::EXAMPLE_JSON.replacen(
        "\"case_number\"",
        "\"case_number\": \"2026/000999\", \"case_number\"",
        1,
    );
    assert_refused(&run(&twice), &["case_number", "ripetuto"]);
    assert!(!out.exists());
}

// ---------------------------------------------------------------------------
// 11. Bounded inputs, one kind of credentials

#[test]
fn json_inputs_over_one_mebibyte_are_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let good = fs::read_to_string(esempi("household-new-resident-elderly.json")).unwrap();
    // Valid JSON, only too big: the limit, not the parser, refuses it.
    let big = good.replacen('{', &format!("{{{}", " ".repeat((1 << 20) + 1 - good.len())), 1);
    assert_eq!(big.len(), (1 << 20) + 1);
    assert_refused(&eligibility(dir.path(), &big), &["nucleo.json", "troppo grande", "1 MiB"]);
    let fits = good.replacen('{', &format!("{{{}", " ".repeat((1 << 20) - good.len())), 1);
    assert_eq!(eligibility(dir.path(), &fits).status.code(), Some(0), "exactly the limit is read");
    let p = dir.path().join("p.json");
    fs::write(&p, support::EXAMPLE_JSON.replacen('{', &format!("{{{}", " ".repeat(1 << 20)), 1)).unwrap();
    let o = bin()
        .args(["agreement", "--input"])
        .arg(&p)
        .arg("--out")
        .arg(dir.path().join("x.pdf"))
        .output()
        .unwrap();
    assert_refused(&o, &["troppo grande"]);
}

#[test]
fn an_applications_csv_over_the_limit_is_refused_without_reading_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("enorme.csv");
    // A sparse file of 2 GiB: read whole it would take 2 GiB of memory.
    fs::File::create(&p).unwrap().set_len(2 << 30).unwrap();
    let o = rank(&p, &["--json"]);
    assert_refused(&o, &["enorme.csv", "troppo grande", "64 MiB"]);
}

#[test]
fn a_hundred_thousand_applications_fit_the_limit() {
    // With the optional name, codice fiscale and notes columns: the largest
    // real file is well under the limit (ranking 100,000 rows in a debug build
    // takes minutes; benches/rank.rs times it in release).
    let mut text = String::from("protocol,submitted_on,birth_date,isee,isee_expires_on,resident,continuation,non_self_sufficient,independent_living,other_interventions,amount,name,codice_fiscale,notes\n");
    for i in 0..100_000 {
        text.push_str(&format!(
            "2019/{i:06},2019-02-04,1933-03-10,12000.00,2019-12-31,true,true,true,false,false,4800.00,Dell'Orto Niccolò Maria Giovanni,DLLNCL33C10F205X,{}\n",
            "nota dell'ufficio ".repeat(8)
        ));
    }
    assert!(text.len() > 25 << 20 && text.len() < 64 << 20, "{}", text.len());
    // A file of exactly 64 MiB passes the size check: it is refused for what
    // it holds (not a CSV of applications), not for its size.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("limite.csv");
    let mut exact = "x\n".repeat(32 << 20).into_bytes();
    exact.truncate(64 << 20);
    fs::write(&p, &exact).unwrap();
    let o = rank(&p, &["--json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!stderr(&o).contains("troppo grande"), "{}", stderr(&o));
}

#[test]
fn a_password_and_a_recovery_key_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ufficio.sqlite");
    for args in [
        vec!["audit", "verify", "--database", db.to_str().unwrap()],
        vec!["backup", "--database", db.to_str().unwrap(), "--out", "/nonexistent/x"],
    ] {
        let o = bin()
            .args(&args)
            .env("SPORTELLO_PASSWORD", "una password lunga")
            .env("SPORTELLO_RECOVERY_KEY", "ABCD-EFGH-IJKL-MNOP")
            .output()
            .unwrap();
        assert_refused(&o, &["SPORTELLO_RECOVERY_KEY", "SPORTELLO_PASSWORD", "non entrambe"]);
    }
    assert_eq!(names(dir.path()), Vec::<String>::new());
}

#[test]
fn backup_and_restore_refuse_a_copy_that_is_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ufficio.sqlite");
    fs::write(&db, b"not touched").unwrap();
    let same = dir.path().join(".").join("ufficio.sqlite");
    let run = |args: &[&std::ffi::OsStr]| {
        bin()
            .args(args)
            .env("SPORTELLO_PASSWORD", "una password lunga")
            .env_remove("SPORTELLO_RECOVERY_KEY")
            .output()
            .unwrap()
    };
    let o =
        run(&["backup".as_ref(), "--database".as_ref(), db.as_os_str(), "--out".as_ref(), same.as_os_str()]);
    assert_refused(&o, &["--out", "è lo stesso file di --database"]);
    let o = run(&[
        "restore".as_ref(),
        "--from".as_ref(),
        same.as_os_str(),
        "--database".as_ref(),
        db.as_os_str(),
    ]);
    assert_refused(&o, &["--database", "è lo stesso file di --from"]);
    assert_eq!(fs::read(&db).unwrap(), b"not touched");
    assert_eq!(names(dir.path()), ["ufficio.sqlite"]);
}
