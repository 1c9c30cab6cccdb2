//! Codice fiscale (rules.md §2): the examples, every reason, omocodia with 1 to 7
//! substitutions, and properties (round trips, no panics, typos always caught).

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use sportello::cf::{
    self, check_against, encode, expected_name_letters, expected_surname_letters, with_omocodia, Sex,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 6, 15)
}

#[test]
fn contract_examples() {
    let c = cf::parse("rssmra80a01f205x", today()).unwrap();
    assert_eq!(c.code, "RSSMRA80A01F205X");
    assert_eq!((c.sex, c.birth_date, c.birthplace.as_str()), (Sex::M, d(1980, 1, 1), "F205"));
    let e = cf::parse("RSSMRA80A01F205Y", today()).unwrap_err();
    assert_eq!((e.code.as_str(), e.reason.as_str()), ("RSSMRA80A01F205Y", "check letter should be X"));
    let c = cf::parse("BNCGLI92L55F205A", today()).unwrap();
    assert_eq!((c.sex, c.birth_date, c.birthplace.as_str()), (Sex::F, d(1992, 7, 15), "F205"));
    let c = cf::parse("RSSMRA80A01F20RS", today()).unwrap();
    assert_eq!((c.sex, c.birth_date, c.birthplace.as_str()), (Sex::M, d(1980, 1, 1), "F205"));
}

#[test]
fn omocodia_one_to_seven_substitutions_decode_to_the_same_person() {
    let people = [
        ("Rossi", "Mario", d(1980, 1, 1), Sex::M, "F205"),
        ("Bianchi", "Giulia", d(1992, 7, 15), Sex::F, "I690"),
        ("Nguyễn", "Thị Lan", d(1988, 12, 31), Sex::F, "Z251"),
        ("Dell'Orto", "Zoë", d(2015, 9, 30), Sex::F, "F205"),
        ("D'Angelo", "Niccolò", d(1959, 2, 28), Sex::M, "H501"),
    ];
    for (surname, name, birth, sex, place) in people {
        let base = encode(surname, name, birth, sex, place).unwrap();
        for k in 1..=7 {
            let code = with_omocodia(&base, k).unwrap();
            let letters = code.chars().filter(|c| c.is_ascii_alphabetic()).count();
            // 6 name letters + month + Belfiore letter + check letter, plus k.
            assert_eq!(letters, 9 + k, "{code}");
            let c = cf::parse(&code, today()).unwrap_or_else(|e| panic!("{code}: {}", e.reason));
            assert_eq!((c.sex, c.birth_date, c.birthplace.as_str()), (sex, birth, place), "{code}");
            assert_eq!(c.omocodia(), k);
            assert_eq!(c.base_code(), base);
            // The check letter is recomputed: keeping the old one is an error.
            let stale = format!("{}{}", &code[..15], &base[15..]);
            if stale != code {
                assert!(cf::parse(&stale, today())
                    .unwrap_err()
                    .reason
                    .starts_with("check letter should be "));
            }
        }
    }
}

#[test]
fn omocodia_in_any_position_is_decoded() {
    // Not only right-to-left: every digit slot on its own.
    let base = "RSSMRA80A01F205X";
    for slot in [6usize, 7, 9, 10, 12, 13, 14] {
        let mut chars: Vec<char> = base.chars().collect();
        let digit = chars[slot].to_digit(10).unwrap() as usize;
        chars[slot] = ['L', 'M', 'N', 'P', 'Q', 'R', 'S', 'T', 'U', 'V'][digit];
        let first15: String = chars[..15].iter().collect();
        let code = format!("{first15}{}", cf::check_letter(&first15));
        let c = cf::parse(&code, today()).unwrap();
        assert_eq!((c.birth_date, c.birthplace.as_str()), (d(1980, 1, 1), "F205"), "{code}");
    }
}

#[test]
fn every_reason_with_an_italian_message() {
    let cases = [
        ("RSSMRA80A01F20", "invalid length", "16 caratteri"),
        ("", "invalid length", "vuoto"),
        ("RSSMRA80A01F205X0", "invalid length", "16 caratteri"),
        ("RSSMRA8OA01F205X", "invalid character", "posizione 8"),
        ("R5SMRA80A01F205X", "invalid character", "posizione 2"),
        ("RSSMRA80A01F205-", "invalid character", "posizione 16"),
        ("RSSMRA80Z01F205X", "invalid month", "mese"),
        ("RSSMRA80A35F205X", "invalid day", "35"),
        ("RSSMRA80B30F205X", "invalid day", "non esiste"),
        ("RSSMRA80A01F205Y", "check letter should be X", "dovrebbe essere X"),
    ];
    for (code, reason, message) in cases {
        let e = cf::parse(code, today()).unwrap_err();
        assert_eq!(e.reason, reason, "{code}");
        assert!(e.messaggio.contains(message), "{code}: {}", e.messaggio);
    }
}

#[test]
fn born_on_29_february() {
    let code = encode("Rossi", "Mario", d(2000, 2, 29), Sex::M, "F205").unwrap();
    assert_eq!(cf::parse(&code, today()).unwrap().birth_date, d(2000, 2, 29));
    let code = encode("Rossi", "Maria", d(1996, 2, 29), Sex::F, "F205").unwrap();
    assert_eq!(cf::parse(&code, today()).unwrap().birth_date, d(1996, 2, 29));
}

#[test]
fn names_with_accents_apostrophes_and_foreign_letters() {
    assert_eq!(expected_surname_letters("Dell'Orto"), "DLL");
    assert_eq!(expected_surname_letters("Nguyễn"), "NGY");
    assert_eq!(expected_surname_letters("Niccolò"), "NCC");
    assert_eq!(expected_name_letters("Niccolò"), "NCL");
    assert_eq!(expected_surname_letters("D'Angelo"), "DNG");
    assert_eq!(expected_name_letters("Thị Lan"), "TLN");
    assert_eq!(expected_surname_letters("Li"), "LIX");
}

#[test]
fn warnings_for_a_code_that_does_not_match() {
    let c = cf::parse("RSSMRA80A01F205X", today()).unwrap();
    assert!(check_against(&c, "Mario", "Rossi", Some(d(1980, 1, 1)), Some(Sex::M)).is_empty());
    let w = check_against(&c, "Mario", "Rossi", Some(d(1980, 1, 1)), Some(Sex::F));
    assert_eq!(w.len(), 1);
    assert!(w[0].contains("sesso"), "{}", w[0]);
    let w = check_against(&c, "Marco", "Rossi", None, None);
    assert_eq!(w.len(), 1);
    assert!(w[0].contains("MRC"), "{}", w[0]);
}

fn person() -> impl Strategy<Value = (String, String, NaiveDate, Sex, String)> {
    let name = "[a-zA-ZàèéìòùÀÈÉÌÒÙäöüßñçøłđễịăơư' -]{0,18}";
    // Within the century before `today()`: the two-digit year is unambiguous.
    let first = d(1926, 6, 16);
    let span = (today() - first).num_days() as u64;
    (
        name,
        name,
        (0..=span).prop_map(move |n| first + Days::new(n)),
        prop_oneof![Just(Sex::M), Just(Sex::F)],
        "[A-Z][0-9]{3}",
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn encode_then_parse_round_trips((surname, name, birth, sex, place) in person(), k in 0usize..=7) {
        let code = with_omocodia(&encode(&surname, &name, birth, sex, &place).unwrap(), k).unwrap();
        let c = cf::parse(&code, today()).unwrap();
        prop_assert_eq!(c.sex, sex);
        prop_assert_eq!(c.birth_date, birth);
        prop_assert_eq!(&c.birthplace, &place);
        prop_assert_eq!(&c.code[..3], expected_surname_letters(&surname));
        prop_assert_eq!(&c.code[3..6], expected_name_letters(&name));
        prop_assert!(check_against(&c, &name, &surname, Some(birth), Some(sex)).is_empty());
        // Lower case and surrounding spaces change nothing.
        let typed = format!("  {} ", code.to_lowercase());
        prop_assert_eq!(cf::parse(&typed, today()).unwrap(), c);
    }

    #[test]
    fn a_single_typo_is_always_caught(
        (surname, name, birth, sex, place) in person(),
        k in 0usize..=7,
        position in 0usize..15,
        replacement in "[A-Z0-9]",
    ) {
        let code = with_omocodia(&encode(&surname, &name, birth, sex, &place).unwrap(), k).unwrap();
        let mut chars: Vec<char> = code.chars().collect();
        let r = replacement.chars().next().unwrap();
        prop_assume!(chars[position] != r);
        chars[position] = r;
        let typo: String = chars.into_iter().collect();
        prop_assert!(cf::parse(&typo, today()).is_err(), "{} → {} accepted", code, typo);
    }

    #[test]
    fn arbitrary_strings_never_panic(s in "\\PC{0,40}", y in 1900i32..2200, doy in 1u32..366) {
        let today = NaiveDate::from_yo_opt(y, doy).unwrap();
        match cf::parse(&s, today) {
            Ok(c) => {
                prop_assert_eq!(c.code.chars().count(), 16);
                prop_assert!(c.birth_date <= today);
            }
            Err(e) => prop_assert!(!e.reason.is_empty() && !e.messaggio.is_empty()),
        }
    }

    #[test]
    fn code_shaped_strings_never_panic(s in "[A-Z0-9LMNPQRSTUV]{16}", t in "[ \t]{0,2}[a-zA-Z0-9]{14,18}[ \t]{0,2}") {
        let _ = cf::parse(&s, today());
        let _ = cf::parse(&t, today());
    }
}
