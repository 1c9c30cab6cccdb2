//! The answer to a claim, as `sportello reimburse --json` prints it (cli.md) and
//! as the statement the office prints for the family.

use serde_json::{json, Value};

use super::Outcome;
use crate::dates;
use crate::money::Money;

/// Exactly the cli.md shape: `total`, `months` (`month`, `cap`, `reimbursed`),
/// `documents` (`id`, `accepted`, `reasons`), money as strings with two decimals.
pub fn to_contract_json(o: &Outcome) -> Value {
    let months: Vec<Value> = o
        .months
        .iter()
        .map(|m| json!({"month": m.month.to_string(), "cap": m.cap.to_string(), "reimbursed": m.reimbursed.to_string()}))
        .collect();
    let documents: Vec<Value> = o
        .documents
        .iter()
        .map(|d| {
            let reasons: Vec<&str> = d.reasons.iter().map(|r| r.code.as_str()).collect();
            json!({"id": d.id, "accepted": d.accepted.to_string(), "reasons": reasons})
        })
        .collect();
    json!({"total": o.total.to_string(), "months": months, "documents": documents})
}

/// The cli.md shape plus what the contract allows beside it: each document's
/// Italian `texts` (one per reason, same order) and the `rule_set` decided under.
pub fn to_json(o: &Outcome) -> Value {
    let mut v = to_contract_json(o);
    for (d, line) in v["documents"].as_array_mut().expect("documents").iter_mut().zip(&o.documents) {
        let texts: Vec<&str> = line.reasons.iter().map(|r| r.text.as_str()).collect();
        d["texts"] = json!(texts);
    }
    v["rule_set"] = json!({"id": o.rule_set.id, "version": o.rule_set.version});
    v
}

/// The statement in Italian: the award, the month table, each document with
/// what was accepted and why not all of it, and the balance.
pub fn render_text(o: &Outcome) -> String {
    let mut s = String::new();
    let line = |s: &mut String, t: String| {
        s.push_str(&t);
        s.push('\n');
    };
    line(&mut s, format!("Rimborso del contributo — {}", o.measure_title));
    line(
        &mut s,
        format!(
            "Contributo assegnato: {} per il periodo {} ({} mesi){}",
            o.award.amount.format_it(),
            o.award.period_it(),
            o.months.len(),
            if o.funded { "" } else { " — domanda ammessa ma non finanziata" }
        ),
    );
    // People read the act in words, never the rule set's file id (ARCHITECTURE.md).
    line(&mut s, format!("Regole applicate: {} ({})", o.rule_set_title, o.acts.join("; ")));
    line(&mut s, String::new());
    line(&mut s, "Mesi".into());
    line(
        &mut s,
        format!("  {:<8} {:>14} {:>18} {:>18}", "mese", "quota", "già rimborsato", "questa richiesta"),
    );
    for m in &o.months {
        line(
            &mut s,
            format!(
                "  {:<8} {:>14} {:>18} {:>18}",
                m.month.format_it(),
                m.cap.format_it(),
                m.reimbursed_before.format_it(),
                m.reimbursed.format_it()
            ),
        );
    }
    line(&mut s, String::new());
    line(&mut s, "Documenti".into());
    for d in &o.documents {
        let kind = d.kind_label.as_deref().map_or_else(|| format!("«{}»", d.kind), str::to_string);
        let status = if d.refused() {
            "respinto".to_string()
        } else if d.accepted == Money::ZERO && d.amount > Money::ZERO {
            "accolto, ma la quota del mese è esaurita: 0,00 €".to_string()
        } else if d.accepted < d.amount {
            format!("accolto in parte: {}", d.accepted.format_it())
        } else {
            format!("accolto: {}", d.accepted.format_it())
        };
        line(
            &mut s,
            format!(
                "  {} — {kind} n. {} di {}, del {}, mese {}, {} — {status}",
                d.id,
                d.number,
                d.issuer,
                dates::format_it(d.date),
                d.month.format_it(),
                d.amount.format_it()
            ),
        );
        for r in &d.reasons {
            line(&mut s, format!("      {}: {}", r.code, r.text));
        }
    }
    line(&mut s, String::new());
    let b = &o.balance;
    line(&mut s, format!("Rimborsato con questa richiesta: {}", o.total.format_it()));
    line(&mut s, format!("Contributo assegnato: {}", b.awarded.format_it()));
    line(&mut s, format!("Rimborsato con richieste precedenti: {}", b.reimbursed_before.format_it()));
    line(&mut s, format!("Ancora rimborsabile (quote mensili non usate): {}", b.left.format_it()));
    s
}
