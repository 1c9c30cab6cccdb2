//! `sportello indicators --periodo` (cli.md): without the flag, or with
//! `2014-2020`, the contract's output byte for byte; with `2021-2027` the ESF+
//! indicators of Reg. UE 2021/1057 (EECO01-EECO17, EECR01-EECR04); a period
//! not in the list, or an entry before 2021 for ESF+, is exit 2 naming the field.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sportello"));
    c.env_remove("SPORTELLO_DATA_DIR");
    c.args(args).output().unwrap()
}

fn esempi(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenari/esempi").join(name)
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Exit 2, nothing on stdout, the message on stderr.
fn err(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(2), "{}", out(o));
    assert!(o.stdout.is_empty());
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn the_default_is_the_contract_and_2021_2027_counts_the_esf_plus_codes() {
    let input = esempi("esf-participants.json");
    let input = input.to_str().unwrap();
    // The contract's output is unchanged, and `--periodo 2014-2020` is the same.
    let plain = run(&["indicators", "--json", "--input", input]);
    assert_eq!(plain.status.code(), Some(0));
    let explicit = run(&["indicators", "--json", "--input", input, "--periodo", "2014-2020"]);
    assert_eq!(out(&plain), out(&explicit));
    let plain_json: serde_json::Value = serde_json::from_str(&out(&plain)).unwrap();
    assert!(plain_json.get("period").is_none(), "{plain_json}");
    let text = out(&run(&["indicators", "--input", input]));
    assert!(text.starts_with("Indicatori comuni FSE (Reg. UE 1304/2013, Allegato I)"), "{text}");

    // The same participants as a 2021-2027 programme's, if they entered from 2021.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.json");
    let body = serde_json::json!({"participants": [
        {"id": "a", "sex": "F", "birth_date": "2004-05-10", "entry_date": "2022-05-10",
         "labour_status": "disoccupato", "unemployed_since": "2021-01-10", "isced": 0,
         "third_country_national": true, "minority": null, "foreign_background": true,
         "exit_date": "2022-11-30", "exit_status": "occupato"},
        {"id": "b", "sex": "M", "birth_date": "1967-05-10", "entry_date": "2022-05-10",
         "labour_status": "inattivo", "isced": 3, "third_country_national": false}
    ]});
    std::fs::write(&file, body.to_string()).unwrap();
    let f = file.to_str().unwrap();
    let o = run(&["indicators", "--json", "--input", f, "--periodo", "2021-2027"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let got: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(got["period"], "2021-2027");
    assert_eq!(got["rule_set"], "fse-plus-indicatori-2021");
    assert_eq!(got["participants"], 2);
    let ind = got["indicators"].as_object().unwrap();
    assert_eq!(ind.len(), 17);
    assert!(ind.keys().all(|k| k.starts_with("EECO")), "{got}");
    assert_eq!(got["indicators"]["EECO01"], serde_json::json!({"F": 1, "M": 1, "total": 2}));
    assert_eq!(got["indicators"]["EECO07"]["F"], 1, "18 on the entry day");
    assert_eq!(got["indicators"]["EECO08"]["M"], 1, "55 on the entry day");
    assert_eq!(got["indicators"]["EECO09"]["total"], 1, "ISCED 0 is in ISCED 0-2");
    assert_eq!(got["indicators"]["EECO13"]["total"], 1);
    assert_eq!(got["missing"]["EECO15"], 2);
    assert_eq!(got["results"]["EECR04"]["F"], 1);
    let text = out(&run(&["indicators", "--input", f, "--periodo", "2021-2027"]));
    assert!(text.starts_with("Indicatori comuni FSE+ 2021-2027 (Reg. UE 2021/1057, Allegato I)"), "{text}");
    assert!(text.contains("EECO13") && text.contains("cittadini di paesi terzi"), "{text}");

    // A period not in the list; an ESF+ participant who entered in 2020.
    let e = err(&run(&["indicators", "--json", "--input", f, "--periodo", "2028-2034"]));
    assert!(e.contains("periodo") && e.contains("2028-2034"), "{e}");
    let e = err(&run(&["indicators", "--json", "--input", input, "--periodo", "2021-2027"]));
    assert!(e.contains("entry_date") && e.contains("FSE+"), "{e}");
}
