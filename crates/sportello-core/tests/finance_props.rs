//! Properties of a funded project's amounts (rules.md §8) on random records: the
//! amounts are the sums of the records dated on or before the date, counted here
//! in whole cents, and neither they nor the warnings depend on the records' order.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use sportello_core::rules::project_finance::{
    amounts, check_records, warnings, Commitment, Cup, FundedProject, Payment, WarningCode,
};
use sportello_core::Money;

fn day(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2017, 6, 1).unwrap() + Duration::days(offset)
}

fn project(programmato: i64, ammesso: i64) -> FundedProject {
    FundedProject {
        code: "MI3.1.1.c".into(),
        cup: Cup::parse("B49J17000130006").unwrap(),
        rup: "Guido Gandino".into(),
        attuatore: "Comune di Milano".into(),
        start: NaiveDate::from_ymd_opt(2017, 9, 1).unwrap(),
        end: NaiveDate::from_ymd_opt(2019, 12, 31).unwrap(),
        programmato: Money::from_cents(programmato),
        ammesso: Money::from_cents(ammesso),
    }
}

fn records() -> impl Strategy<Value = (Vec<Commitment>, Vec<Payment>)> {
    (
        prop::collection::vec((0i64..1200, 1i64..50_000_000), 0..8),
        prop::collection::vec((0i64..1200, 1i64..30_000_000, proptest::option::of(0usize..10)), 0..12),
    )
        .prop_map(|(cs, ps)| {
            let commitments: Vec<Commitment> = cs
                .iter()
                .enumerate()
                .map(|(i, &(d, a))| Commitment {
                    id: format!("i{i}"),
                    date: day(d),
                    amount: Money::from_cents(a),
                    description: format!("impegno {i}"),
                })
                .collect();
            let n = commitments.len();
            let payments = ps
                .iter()
                .enumerate()
                .map(|(i, &(d, a, c))| Payment {
                    id: format!("p{i}"),
                    date: day(d),
                    amount: Money::from_cents(a),
                    commitment: c.filter(|&k| k < n).map(|k| format!("i{k}")),
                })
                .collect();
            (commitments, payments)
        })
}

fn cents(m: Money) -> i64 {
    (m.as_decimal() * rust_decimal::Decimal::ONE_HUNDRED).try_into().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn amounts_are_the_sums_of_the_records_and_do_not_depend_on_their_order(
        (commitments, payments) in records(),
        programmato in 0i64..100_000_000,
        ammesso in 0i64..100_000_000,
        on in 0i64..1300,
        seed in any::<u64>(),
    ) {
        let p = project(programmato, ammesso);
        prop_assert!(check_records(&p, &commitments, &payments).is_ok());
        let on = day(on);
        let a = amounts(&p, &commitments, &payments, on);
        let committed: i64 = commitments.iter().filter(|c| c.date <= on).map(|c| cents(c.amount)).sum();
        let paid: i64 = payments.iter().filter(|x| x.date <= on).map(|x| cents(x.amount)).sum();
        prop_assert_eq!(cents(a.giuridicamente_vincolante), committed);
        prop_assert_eq!(cents(a.erogato), paid);
        prop_assert_eq!((a.programmato, a.ammesso), (p.programmato, p.ammesso));

        let w = warnings(&p, &commitments, &payments, on);
        let has = |c: WarningCode| w.iter().any(|x| x.code == c);
        prop_assert_eq!(has(WarningCode::PaymentsOverCommitments), paid > committed);
        prop_assert_eq!(has(WarningCode::CommitmentsOverAdmitted), committed > ammesso);
        prop_assert_eq!(has(WarningCode::AdmittedOverProgrammed), ammesso > programmato);
        prop_assert!(w.iter().all(|x| x.text.contains(" €") || x.code == WarningCode::PaymentBeforeCommitment));

        // The same records in another order (a deterministic shuffle from the seed).
        let mut rc = commitments.clone();
        let mut rp = payments.clone();
        let mut s = seed;
        let mut next = |n: usize| { s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); (s >> 33) as usize % n.max(1) };
        for i in (1..rc.len()).rev() { let j = next(i + 1); rc.swap(i, j); }
        for i in (1..rp.len()).rev() { let j = next(i + 1); rp.swap(i, j); }
        prop_assert_eq!(amounts(&p, &rc, &rp, on), a);
        prop_assert_eq!(warnings(&p, &rc, &rp, on), w);
    }

    #[test]
    fn later_records_only_add(
        (commitments, payments) in records(),
        on in 0i64..1300,
        later in 0i64..400,
    ) {
        let p = project(81_700_000, 81_700_000);
        let a = amounts(&p, &commitments, &payments, day(on));
        let b = amounts(&p, &commitments, &payments, day(on + later));
        prop_assert!(a.giuridicamente_vincolante <= b.giuridicamente_vincolante);
        prop_assert!(a.erogato <= b.erogato);
    }
}
