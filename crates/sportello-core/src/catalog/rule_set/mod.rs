//! Rule sets: dated parameter files with the act each value comes from.
//!
//! The model is OpenFisca's parameters: every threshold, point, window and cap is a
//! value with its legal source, inside a file that says which days it covers
//! (`valido_dal`, `valido_al`). The evaluation code never holds a legal number; it
//! asks the [`RuleSets`] for the one set that covers the date, and a date no set
//! covers is [`Code::NoRuleSet`], never a default (Catala's "no applicable rule").
//!
//! File format (TOML, keys in Italian because administrators write them): see
//! `assets/rules/*.toml`, which are the reference examples. Parsing validates every
//! field and refuses a broken file with the line at fault ([`Code::BadRuleSet`]).
//!
//! Coverage: `valido_al` may be left out, meaning "until a later set of the same kind
//! (and comune) replaces it"; two sets whose explicit periods overlap are a conflict
//! error at load time, never resolved silently.
//!
//! The rule sets' values live with the other data files: the model
//! ([`model`]: what a set says), the parsing of a file ([`parse`]: the one reader
//! of the format, with the line at fault) and the set of sets in force
//! ([`set`]: checked together, selected by date). The rules read them as
//! `crate::rules::rule_set`.

mod model;
mod parse;
mod set;

pub use model::*;
pub use parse::parse;
pub use set::RuleSets;

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use chrono::NaiveDate;

    use super::*;
    use crate::error::{Code, Error};
    use crate::money::Money;
    const MINIMAL_MATERNITA: &str = r#"
id = "assegno-maternita-2030"
versione = 1
tipo = "assegno-maternita"
titolo = "Assegno di maternità dei comuni 2030"
valido_dal = 2030-01-01
valido_al = 2030-12-31

[atti.legge]
titolo = "d.lgs. 151/2001, art. 74"

[mesi_dalla_nascita]
valore = 6
atto = "legge"

[tetto_isee]
valore = "21000.00"
confronto = "<="
atto = "legge"
"#;

    #[test]
    fn a_minimal_file_parses() {
        let rs = parse(MINIMAL_MATERNITA, Some("assegno-maternita-2030")).unwrap();
        let m = rs.maternita().unwrap();
        assert_eq!(m.isee_cap.value.amount, Money::parse("21000.00").unwrap());
        assert_eq!(m.isee_cap.value.comparator, Comparator::Le);
        assert_eq!(m.isee_cap.act.title, "d.lgs. 151/2001, art. 74");
        assert_eq!(rs.reference().to_string(), "assegno-maternita-2030 v1");
    }

    fn broken(from: &str, to: &str) -> Error {
        let text = MINIMAL_MATERNITA.replacen(from, to, 1);
        assert_ne!(text, MINIMAL_MATERNITA, "{from} not in the fixture");
        parse(&text, None).unwrap_err()
    }

    #[test]
    fn broken_files_name_the_line() {
        // Lines of the fixture: 1 is empty, `valido_al` is 7, `[tetto_isee]` 16.
        let e = broken("\"21000.00\"", "21000.0");
        assert_eq!((e.code, e.line), (Code::BadRuleSet, Some(17)), "{e:?}");
        let e = broken("\"21000.00\"", "\"21.000,00\"");
        assert_eq!((e.line, e.field.as_deref()), (Some(17), Some("tetto_isee.valore")), "{e:?}");
        let e = broken("\"<=\"", "\"=<\"");
        assert_eq!((e.line, e.field.as_deref()), (Some(18), Some("tetto_isee.confronto")), "{e:?}");
        let e = broken("2030-12-31", "2029-12-31");
        assert_eq!((e.line, e.field.as_deref()), (Some(7), Some("valido_al")), "{e:?}");
        let e = broken("atto = \"legge\"\n\n[tetto", "atto = \"leggi\"\n\n[tetto");
        assert_eq!((e.line, e.field.as_deref()), (Some(14), Some("mesi_dalla_nascita.atto")), "{e:?}");
        let e = broken("valore = 6", "valore = 6\nvalroe = 7");
        assert_eq!(e.line, Some(14), "an unknown key is refused: {e:?}");
        let e = broken("2030-12-31", "2030-02-30");
        assert_eq!(e.line, Some(7), "{e:?}");
        let e = broken("[tetto_isee]", "[tetto_isee");
        assert_eq!(e.line, Some(16), "{e:?}");
        let e = broken("tipo = \"assegno-maternita\"", "tipo = \"assegno\"");
        assert_eq!((e.line, e.field.as_deref()), (Some(4), Some("tipo")), "{e:?}");
    }

    #[test]
    fn the_id_must_match_the_file_name() {
        let e = parse(MINIMAL_MATERNITA, Some("assegno-maternita-2031")).unwrap_err();
        assert_eq!((e.code, e.line), (Code::BadRuleSet, Some(2)));
    }

    fn dated(id: &str, from: &str, to: Option<&str>) -> RuleSet {
        let mut text = MINIMAL_MATERNITA.replace("assegno-maternita-2030", id).replace("2030-01-01", from);
        text = match to {
            Some(t) => text.replace("2030-12-31", t),
            None => text.replace("valido_al = 2030-12-31\n", ""),
        };
        parse(&text, None).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::from_str(s).unwrap()
    }

    #[test]
    fn selection_by_date_and_replacement_of_open_ended_sets() {
        let sets = RuleSets::new(vec![
            dated("a", "2020-01-01", None),
            dated("b", "2022-03-01", Some("2022-12-31")),
            dated("c", "2024-01-01", None),
        ])
        .unwrap();
        let pick = |s: &str| sets.covering(Kind::AssegnoMaternita, "F205", d(s)).map(|r| r.id.clone());
        assert_eq!(pick("2020-01-01").unwrap(), "a");
        assert_eq!(pick("2022-02-28").unwrap(), "a");
        assert_eq!(pick("2022-03-01").unwrap(), "b");
        assert_eq!(pick("2022-12-31").unwrap(), "b");
        // A gap after an explicit end is uncovered, not filled by the predecessor.
        assert_eq!(pick("2023-06-01").unwrap_err().code, Code::NoRuleSet);
        assert_eq!(pick("2019-12-31").unwrap_err().code, Code::NoRuleSet);
        assert_eq!(pick("2099-01-01").unwrap(), "c");
        assert_eq!(sets.effective_end("a"), Some(d("2022-02-28")));
    }

    #[test]
    fn overlaps_and_duplicates_are_conflicts() {
        let e =
            RuleSets::new(vec![dated("a", "2020-01-01", Some("2020-12-31")), dated("b", "2020-12-31", None)]);
        assert_eq!(e.unwrap_err().code, Code::BadRuleSet);
        let e = RuleSets::new(vec![dated("a", "2020-01-01", None), dated("b", "2020-01-01", None)]);
        assert_eq!(e.unwrap_err().code, Code::BadRuleSet);
        let e = RuleSets::new(vec![dated("a", "2020-01-01", None), dated("a", "2021-01-01", None)]);
        assert_eq!(e.unwrap_err().code, Code::BadRuleSet);
    }

    #[test]
    fn comparators() {
        assert!(Comparator::Lt.holds(5, 6) && !Comparator::Lt.holds(6, 6));
        assert!(Comparator::Le.holds(6, 6) && !Comparator::Le.holds(7, 6));
        assert!(Comparator::Gt.holds(74, 73) && !Comparator::Gt.holds(73, 73));
        assert!(Comparator::Ge.holds(73, 73) && !Comparator::Ge.holds(72, 73));
    }
}
