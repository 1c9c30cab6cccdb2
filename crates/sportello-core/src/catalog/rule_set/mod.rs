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

    const MINIMAL_RIMBORSO: &str = r#"
id = "rimborso-b2-2030"
versione = 1
tipo = "rimborso-b2"
titolo = "Rimborsi B2 2030"
comune = "F205"
valido_dal = 2030-01-01

[atti.dgc]
titolo = "Deliberazione di Giunta"

[contributo_minimo_mensile]
valore = "1.00"
atto = "dgc"

[quota_mensile]
arrotondamento = "mezzo-su"
resto = "ultimo-mese"
atto = "dgc"

[misure.b2-anziani]
titolo = "Misura B2 anziani"

[misure.b2-anziani.documenti]
tipi = { busta_paga = "busta paga" }
atto = "dgc"
"#;

    #[test]
    fn a_reimbursement_set_parses() {
        let rs = parse(MINIMAL_RIMBORSO, Some("rimborso-b2-2030")).unwrap();
        assert_eq!(rs.kind, Kind::RimborsoB2);
        let r = rs.rimborso_b2().unwrap();
        assert_eq!(r.min_monthly_award.value, Money::parse("1.00").unwrap());
        assert_eq!(
            r.cap_split.value,
            CapSplit { rounding: CapRounding::HalfUp, remainder: Remainder::LastMonth }
        );
        let m = r.measure("b2-anziani").unwrap();
        assert_eq!(m.documents.value.get("busta_paga").map(String::as_str), Some("busta paga"));
        let e = r.measure("b2-giovani").unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (Code::Invalid, Some("measure")));
        assert!(e.message.contains("b2-anziani"), "{}", e.message);
    }

    #[test]
    fn broken_reimbursement_sets_name_the_line() {
        let broken = |from: &str, to: &str| {
            let text = MINIMAL_RIMBORSO.replacen(from, to, 1);
            assert_ne!(text, MINIMAL_RIMBORSO, "{from} not in the fixture");
            let e = parse(&text, None).unwrap_err();
            assert_eq!(e.code, Code::BadRuleSet, "{e:?}");
            assert!(e.line.is_some(), "{from} → {to}: no line in {e:?}");
            e
        };
        // Lines: `[contributo_minimo_mensile]` is 12, `[quota_mensile]` 16, the
        // types 25.
        let e = broken("\"1.00\"", "\"0.00\"");
        assert_eq!(
            (e.line, e.field.as_deref()),
            (Some(13), Some("contributo_minimo_mensile.valore")),
            "{e:?}"
        );
        let e = broken("\"1.00\"", "\"1,00\"");
        assert_eq!(e.line, Some(13), "{e:?}");
        let e = broken("\"mezzo-su\"", "\"banchiere\"");
        assert_eq!((e.line, e.field.as_deref()), (Some(17), Some("quota_mensile.arrotondamento")), "{e:?}");
        let e = broken("\"ultimo-mese\"", "\"primo-mese\"");
        assert_eq!((e.line, e.field.as_deref()), (Some(18), Some("quota_mensile.resto")), "{e:?}");
        let e = broken("busta_paga = \"busta paga\"", "");
        assert_eq!(e.field.as_deref(), Some("misure.b2-anziani.documenti.tipi"), "{e:?}");
        let e = broken("busta_paga = \"busta paga\"", "Busta-Paga = \"busta paga\"");
        assert_eq!(e.line, Some(25), "{e:?}");
        let e = broken("busta_paga = \"busta paga\"", "busta_paga = \" \"");
        assert_eq!(e.line, Some(25), "{e:?}");
        let e = broken("atto = \"dgc\"\n\n[quota", "atto = \"dgx\"\n\n[quota");
        assert_eq!((e.line, e.field.as_deref()), (Some(14), Some("contributo_minimo_mensile.atto")), "{e:?}");
        // A missing parameter, an unknown one, a measure without its documents.
        let e = broken("[contributo_minimo_mensile]\nvalore = \"1.00\"\natto = \"dgc\"\n", "");
        assert_eq!(e.field.as_deref(), Some("contributo_minimo_mensile"), "{e:?}");
        assert!(e.message.contains("manca il parametro «contributo_minimo_mensile»"), "{e:?}");
        let e = broken("resto = \"ultimo-mese\"\n", "");
        assert_eq!((e.line, e.field.as_deref()), (Some(16), Some("resto")), "{e:?}");
        broken("resto = \"ultimo-mese\"\n", "resto = \"ultimo-mese\"\nriporto = true\n");
        broken("[misure.b2-anziani.documenti]\ntipi = { busta_paga = \"busta paga\" }\natto = \"dgc\"\n", "");
        let e = broken(
            "[misure.b2-anziani]\ntitolo = \"Misura B2 anziani\"\n\n[misure.b2-anziani.documenti]\ntipi = { busta_paga = \"busta paga\" }\natto = \"dgc\"\n",
            "",
        );
        assert_eq!(e.field.as_deref(), Some("misure"), "{e:?}");
        assert!(e.message.contains("manca il parametro «misure»"), "{e:?}");
    }

    const MINIMAL_ALLOGGI: &str = r#"
id = "alloggi-2030"
versione = 1
tipo = "residenzialita-temporanea"
titolo = "Alloggi temporanei 2030"
comune = "F205"
valido_dal = 2030-01-01

[atti.ufficio]
titolo = "Impostazioni dell'ufficio"

[durata_massima_mesi]
valore = 18
atto = "ufficio"

[preavviso_scadenza_giorni]
valore = 30
atto = "ufficio"

[contributo_ospite]
valore = "50.00"
atto = "ufficio"
"#;

    #[test]
    fn a_housing_set_parses_with_or_without_a_contribution() {
        let rs = parse(MINIMAL_ALLOGGI, Some("alloggi-2030")).unwrap();
        assert_eq!(rs.kind, Kind::ResidenzialitaTemporanea);
        let h = rs.residenzialita_temporanea().unwrap();
        assert_eq!((h.max_months.value, h.warning_days.value), (18, 30));
        assert_eq!(h.guest_contribution.as_ref().map(|c| c.value), Some(Money::from_cents(5000)));
        let without =
            MINIMAL_ALLOGGI.replace("[contributo_ospite]\nvalore = \"50.00\"\natto = \"ufficio\"\n", "");
        assert_ne!(without, MINIMAL_ALLOGGI);
        let rs = parse(&without, None).unwrap();
        assert_eq!(rs.residenzialita_temporanea().unwrap().guest_contribution, None);
    }

    #[test]
    fn broken_housing_sets_name_the_line() {
        let broken = |from: &str, to: &str| {
            let text = MINIMAL_ALLOGGI.replacen(from, to, 1);
            assert_ne!(text, MINIMAL_ALLOGGI, "{from} not in the fixture");
            let e = parse(&text, None).unwrap_err();
            assert_eq!(e.code, Code::BadRuleSet, "{e:?}");
            e
        };
        // Lines: `[durata_massima_mesi]` is 12, `[preavviso_scadenza_giorni]` 16,
        // `[contributo_ospite]` 20.
        let e = broken("valore = 18", "valore = 0");
        assert_eq!((e.line, e.field.as_deref()), (Some(13), Some("durata_massima_mesi.valore")), "{e:?}");
        let e = broken("valore = 18", "valore = 121");
        assert_eq!(e.line, Some(13), "{e:?}");
        let e = broken("valore = 30", "valore = \"30\"");
        assert_eq!(e.line, Some(17), "{e:?}");
        let e = broken("\"50.00\"", "\"0.00\"");
        assert_eq!((e.line, e.field.as_deref()), (Some(21), Some("contributo_ospite.valore")), "{e:?}");
        let e = broken("\"50.00\"", "\"-5.00\"");
        assert_eq!(e.line, Some(21), "{e:?}");
        let e = broken("\"50.00\"", "\"50,00\"");
        assert_eq!(e.line, Some(21), "{e:?}");
        let e = broken("valore = 30\natto = \"ufficio\"", "valore = 30\natto = \"giunta\"");
        assert_eq!((e.line, e.field.as_deref()), (Some(18), Some("preavviso_scadenza_giorni.atto")), "{e:?}");
        let e = broken("[preavviso_scadenza_giorni]\nvalore = 30\natto = \"ufficio\"\n", "");
        assert_eq!(e.field.as_deref(), Some("preavviso_scadenza_giorni"), "{e:?}");
        assert!(e.message.contains("manca il parametro «preavviso_scadenza_giorni»"), "{e:?}");
        assert!(e.line.is_some(), "{e:?}");
        let e = broken("valore = 18\n", "valore = 18\nproroga = 6\n");
        assert_eq!(e.line, Some(14), "an unknown key is refused: {e:?}");
        let e = broken("[contributo_ospite]", "[contributo_guest]");
        assert_eq!(e.line, Some(20), "an unknown parameter is refused: {e:?}");
    }
}
