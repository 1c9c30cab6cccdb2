//! Properties of the reimbursement of a B2 award (rules.md §7) on random claims:
//! nothing beyond the award or a month's cap, caps that add up, and an answer that
//! does not depend on how documents of different months are interleaved.

use std::collections::{BTreeMap, HashMap};

use proptest::prelude::*;
use sportello_core::catalog::rule_sets;
use sportello_core::dates::Month;
use sportello_core::rules::reimbursement::{
    monthly_caps, parse_claim_json, reimburse, Award, Claim, EarlierDocument, ExpenseDocument, MonthAmount,
    Outcome, ReimbursementCode,
};
use sportello_core::rules::rule_set::{CapRounding, CapSplit, Remainder};
use sportello_core::Money;

const TYPES: &[&str] = &["busta_paga", "contributi_inps", "fattura_servizio", "scontrino"];
const ISSUERS: &[&str] = &["BRNGNN45C12F205U", "VRDLCU70M41F205Z", "01234567897"];

fn month_plus(first: Month, k: i32) -> Month {
    let index = first.year() * 12 + first.month() as i32 - 1 + k;
    Month::new(index.div_euclid(12), index.rem_euclid(12) as u32 + 1).unwrap()
}

fn cents(c: i64) -> Money {
    Money::from_cents(c)
}

#[derive(Debug, Clone)]
struct DocSpec {
    offset: i32,
    kind: usize,
    issuer: usize,
    number: u8,
    day: u32,
    amount: i64,
}

fn doc_spec(months: u32) -> impl Strategy<Value = DocSpec> {
    (-2..months as i32 + 2, 0..TYPES.len(), 0..ISSUERS.len(), 0u8..12, 0u32..60, 0i64..80_000).prop_map(
        |(offset, kind, issuer, number, day, amount)| DocSpec { offset, kind, issuer, number, day, amount },
    )
}

fn claim_strategy() -> impl Strategy<Value = Claim> {
    (0i32..48, 1u32..=24, 0i64..1_000_000, any::<bool>()).prop_flat_map(|(start, months, extra, funded)| {
        let first = month_plus(Month::new(2019, 1).unwrap(), start);
        let amount = i64::from(months) * 100 + extra;
        (
            prop::collection::vec((0..months as i32, 0i64..60_000), 0..6),
            prop::collection::vec((0..ISSUERS.len(), 0u8..12), 0..4),
            prop::collection::vec(doc_spec(months), 0..14),
        )
            .prop_map(move |(before, earlier, docs)| {
                let last = month_plus(first, months as i32 - 1);
                Claim {
                    measure: "b2-anziani".into(),
                    comune: "F205".into(),
                    funded,
                    award: Award { amount: cents(amount), first_month: first, last_month: last },
                    already_reimbursed: before
                        .into_iter()
                        .map(|(k, a)| MonthAmount { month: month_plus(first, k), amount: cents(a) })
                        .collect(),
                    earlier_documents: earlier
                        .into_iter()
                        .map(|(i, n)| EarlierDocument { issuer: ISSUERS[i].into(), number: n.to_string() })
                        .collect(),
                    documents: docs
                        .into_iter()
                        .enumerate()
                        .map(|(i, d)| {
                            let month = month_plus(first, d.offset);
                            ExpenseDocument {
                                id: format!("d{i}"),
                                kind: TYPES[d.kind].into(),
                                issuer: ISSUERS[d.issuer].into(),
                                number: d.number.to_string(),
                                date: month.first_day() + chrono::Duration::days(i64::from(d.day)),
                                month,
                                amount: cents(d.amount),
                            }
                        })
                        .collect(),
                }
            })
    })
}

fn decide(c: &Claim) -> Outcome {
    reimburse(c, rule_sets::builtin()).unwrap()
}

fn sum(it: impl Iterator<Item = Money>) -> Money {
    Money::from_decimal(it.map(Money::as_decimal).sum())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn caps_add_up_to_the_award(months in 1u32..=120, extra in 0i64..2_000_000_000, down in any::<bool>()) {
        let amount = cents(i64::from(months) * 100 + extra);
        let rounding = if down { CapRounding::Down } else { CapRounding::HalfUp };
        let caps = monthly_caps(amount, months, CapSplit { rounding, remainder: Remainder::LastMonth }).unwrap();
        prop_assert_eq!(caps.len(), months as usize);
        prop_assert_eq!(sum(caps.iter().copied()), amount);
        prop_assert!(caps.iter().all(|c| !c.is_negative()));
        // Every month but the last has the same cap, within a cent of the exact share.
        let share = amount.as_decimal() / rust_decimal::Decimal::from(months);
        for c in &caps[..caps.len() - 1] {
            prop_assert_eq!(*c, caps[0]);
            prop_assert!((c.as_decimal() - share).abs() < rust_decimal::Decimal::new(1, 2));
        }
    }

    #[test]
    fn nothing_beyond_the_award_or_a_cap(claim in claim_strategy()) {
        let o = decide(&claim);
        let award = claim.award.amount;
        prop_assert_eq!(o.months.len() as u32, claim.award.month_count());
        prop_assert_eq!(sum(o.months.iter().map(|m| m.cap)), award);
        prop_assert!(o.total <= award);
        // Counting what earlier claims could use of each cap, the award is never exceeded.
        let mut before: BTreeMap<Month, Money> = BTreeMap::new();
        for m in &claim.already_reimbursed {
            let e = before.entry(m.month).or_insert(Money::ZERO);
            *e = Money::from_decimal(e.as_decimal() + m.amount.as_decimal());
        }
        let used_before = sum(o.months.iter().map(|m| before.get(&m.month).copied().unwrap_or(Money::ZERO).min(m.cap)));
        prop_assert!(o.total.as_decimal() + used_before.as_decimal() <= award.as_decimal());
        // When no month was overpaid before, that is simply award − already reimbursed.
        if o.months.iter().all(|m| m.reimbursed_before <= m.cap) {
            prop_assert!(o.total.as_decimal() <= award.as_decimal() - o.balance.reimbursed_before.as_decimal());
            prop_assert_eq!(
                o.balance.left.as_decimal(),
                award.as_decimal() - o.balance.reimbursed_before.as_decimal() - o.total.as_decimal()
            );
        }
        prop_assert!(o.balance.left.as_decimal() + o.total.as_decimal() <= award.as_decimal());
        prop_assert_eq!(o.total, sum(o.documents.iter().map(|d| d.accepted)));
        prop_assert_eq!(o.total, sum(o.months.iter().map(|m| m.reimbursed)));
        let mut per_month: HashMap<Month, Money> = HashMap::new();
        for (d, input) in o.documents.iter().zip(&claim.documents) {
            prop_assert_eq!(&d.id, &input.id);
            prop_assert!(!d.accepted.is_negative() && d.accepted <= d.amount);
            let codes = d.codes();
            let mut sorted = codes.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(&codes, &sorted);
            if d.refused() {
                prop_assert_eq!(d.accepted, Money::ZERO);
                prop_assert!(!codes.contains(&ReimbursementCode::OverMonthlyCap));
            } else {
                prop_assert_eq!(codes.contains(&ReimbursementCode::OverMonthlyCap), d.accepted < d.amount);
            }
            if !claim.funded {
                prop_assert!(codes.contains(&ReimbursementCode::NotFunded));
            }
            let e = per_month.entry(d.month).or_insert(Money::ZERO);
            *e = Money::from_decimal(e.as_decimal() + d.accepted.as_decimal());
        }
        for m in &o.months {
            let got = per_month.get(&m.month).copied().unwrap_or(Money::ZERO);
            let left = (m.cap.as_decimal() - m.reimbursed_before.as_decimal()).max(rust_decimal::Decimal::ZERO);
            prop_assert!(got.as_decimal() <= left, "{}: {} > {}", m.month, got, left);
            prop_assert_eq!(got, m.reimbursed);
        }
    }

    #[test]
    fn interleaving_months_changes_nothing(claim in claim_strategy(), seed in any::<u64>()) {
        // Distinct numbers: which of two equal documents is "the later" depends
        // on the list by definition, so this property is about the months only.
        let mut claim = claim;
        for (i, d) in claim.documents.iter_mut().enumerate() {
            d.number = format!("N{i}");
        }
        claim.earlier_documents.clear();
        let a = decide(&claim);
        // A stable sort by a scrambled month rank keeps each month's own order.
        let rank = |m: Month| (u64::from(m.month()) * 2_654_435_761 + m.year() as u64).wrapping_mul(seed | 1);
        let mut shuffled = claim.clone();
        shuffled.documents.sort_by_key(|d| rank(d.month));
        let b = decide(&shuffled);
        prop_assert_eq!(a.total, b.total);
        prop_assert_eq!(&a.months, &b.months);
        for d in &a.documents {
            let e = b.documents.iter().find(|x| x.id == d.id).unwrap();
            prop_assert_eq!(d, e);
        }
    }
}

#[test]
fn a_negative_last_cap_is_refused_not_produced() {
    // 301,50 € in 300 months: the half-up share 1,01 € would leave −0,49 € to the last.
    let split = CapSplit { rounding: CapRounding::HalfUp, remainder: Remainder::LastMonth };
    let e = monthly_caps(cents(30_150), 300, split).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("award.amount"));
    let caps = monthly_caps(cents(30_150), 300, CapSplit { rounding: CapRounding::Down, ..split }).unwrap();
    assert_eq!(caps[299], cents(250));
}

const EXAMPLE: &str = include_str!("../../../tests/scenari/esempi/reimburse-claim.json");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// A damaged claim is answered or refused with the field (or line) at
    /// fault, never a panic and never an error nobody can locate.
    #[test]
    fn damaged_claims_are_refused_with_their_field(
        edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(vec!["", "9", "-", "\"", ",", "x", "2019-13", "{}", "null", "1.234"])), 1..4)
    ) {
        let mut text = EXAMPLE.to_string();
        for (at, with) in edits {
            let mut i = at.index(text.len());
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            let end = (i + 1..=text.len()).find(|&j| text.is_char_boundary(j)).unwrap_or(text.len());
            text.replace_range(i..end, with);
        }
        match parse_claim_json(&text).and_then(|c| reimburse(&c, rule_sets::builtin())) {
            Ok(o) => prop_assert!(o.total <= o.award.amount),
            Err(e) => {
                prop_assert!(e.field.is_some() || e.line.is_some(), "{:?}", e);
                prop_assert!(!e.message.trim().is_empty());
            }
        }
    }
}
