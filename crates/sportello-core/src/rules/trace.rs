//! Explanation traces: which condition was checked, with which value, under which
//! parameter and act, and whether it held. Written in Italian so that the operator
//! can read it to the family and the appeal office can check it line by line.

use serde::{Deserialize, Serialize};

use super::rule_set::{Param, RuleSet, RuleSetRef};
use super::ReasonCode;

/// The outcome of one step of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The condition holds.
    Passed,
    /// The condition does not hold; `Step::code` says which reason it gives.
    Failed,
    /// A fact or a computation (points, a date), not a condition.
    Info,
}

/// Where a value of the decision comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub rule_set: RuleSetRef,
    /// The parameter's path in the rule-set file.
    pub parameter: String,
    /// The act's title, e.g. "Deliberazione di Giunta comunale n. 1354/2018".
    pub act: String,
}

impl Source {
    pub fn of<T>(set: &RuleSet, param: &Param<T>) -> Source {
        Source { rule_set: set.reference(), parameter: param.name.clone(), act: param.act.title.clone() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub outcome: Outcome,
    /// For a failed condition, the reason it gives.
    pub code: Option<ReasonCode>,
    /// Italian, with the values compared: "ISEE 4.800,00 € inferiore alla soglia di 6.000,00 €".
    pub text: String,
    pub source: Option<Source>,
}

impl Step {
    pub fn passed(text: impl Into<String>, source: Option<Source>) -> Step {
        Step { outcome: Outcome::Passed, code: None, text: text.into(), source }
    }
    pub fn failed(code: ReasonCode, text: impl Into<String>, source: Option<Source>) -> Step {
        Step { outcome: Outcome::Failed, code: Some(code), text: text.into(), source }
    }
    pub fn info(text: impl Into<String>, source: Option<Source>) -> Step {
        Step { outcome: Outcome::Info, code: None, text: text.into(), source }
    }
    /// `✓ text — act`: one line of the explanation as people read it (the
    /// screen, the command line's text). The act is named in words; the rule
    /// set's id and the parameter's path (`tetto_isee`) stay in `source`, for
    /// the JSON and the office's files, and are never part of the line.
    pub fn line(&self) -> String {
        let mark = match self.outcome {
            Outcome::Passed => "✓",
            Outcome::Failed => "✗",
            Outcome::Info => "·",
        };
        let mut s = format!("{mark} {}", self.text);
        if let Some(src) = &self.source {
            s.push_str(&format!(" — {}", src.act));
        }
        s
    }
}

/// The steps of one decision, in the order they were taken.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    pub steps: Vec<Step>,
}

impl Trace {
    pub fn push(&mut self, step: Step) {
        self.steps.push(step);
    }
    /// The failed steps' reasons, in order, without repetitions.
    pub fn reasons(&self) -> Vec<super::Reason> {
        let mut out: Vec<super::Reason> = Vec::new();
        for s in &self.steps {
            if let (Outcome::Failed, Some(code)) = (s.outcome, s.code) {
                if !out.iter().any(|r| r.code == code) {
                    out.push(super::Reason { code, text: s.text.clone() });
                }
            }
        }
        out
    }
    pub fn lines(&self) -> impl Iterator<Item = String> + '_ {
        self.steps.iter().map(Step::line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_names_the_act_in_words_and_no_internal_id() {
        let src = Source {
            rule_set: RuleSetRef { id: "milano-b2-2019".into(), version: 1 },
            parameter: "misure.b2-anziani.punti_aggiuntivi".into(),
            act: "Deliberazione di Giunta comunale di Milano n. 1354/2018".into(),
        };
        let line = Step::passed("ISEE 12.000,00 € non superiore al tetto di 40.000,00 €", Some(src)).line();
        assert_eq!(
            line,
            "✓ ISEE 12.000,00 € non superiore al tetto di 40.000,00 € — Deliberazione di Giunta comunale di Milano n. 1354/2018"
        );
        for id in ["milano-b2-2019", "punti_aggiuntivi", "v1", "["] {
            assert!(!line.contains(id), "{line}");
        }
        assert_eq!(Step::info("Punteggio totale: 5", None).line(), "· Punteggio totale: 5");
    }
}
