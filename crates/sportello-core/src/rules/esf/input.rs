//! Reading `sportello indicators`' input (cli.md): `{"participants": [...]}`.
//! Read by hand rather than with serde so that null and absent mean the same
//! (unknown) and every error names its field (`participants[2].isced`).

use serde_json::{Map, Value};

use super::{ExitStatus, Isced, LabourStatus, Participant, Sex};
use crate::dates;
use crate::error::{Error, Result};
use crate::json_in;

const PARTICIPANT_KEYS: &[&str] = &[
    "id",
    "sex",
    "birth_date",
    "entry_date",
    "labour_status",
    "unemployed_since",
    "in_education",
    "isced",
    "foreign_background",
    "disability",
    "other_disadvantaged",
    "homeless",
    "rural",
    "household_jobless",
    "dependent_children",
    "single_adult",
    "third_country_national",
    "minority",
    "exit_date",
    "exit_status",
];

/// The participants of the file, in the file's order. Unknown or repeated keys,
/// a repeated id, a bad date, an ISCED level outside 0-8, a sex other than F or M:
/// an error naming the field.
pub fn parse_participants_json(text: &str) -> Result<Vec<Participant>> {
    let v = json_in::parse(text)?;
    let root = v
        .as_object()
        .ok_or_else(|| Error::invalid("json", "atteso un oggetto JSON {\"participants\": [...]}"))?;
    json_in::only_keys(root, &["participants"], "")?;
    let list = match root.get("participants") {
        Some(Value::Array(a)) => a,
        None | Some(Value::Null) => {
            return Err(Error::invalid("participants", "campo obbligatorio mancante"))
        }
        Some(_) => return Err(Error::invalid("participants", "atteso un elenco di partecipanti")),
    };
    let participants = list
        .iter()
        .enumerate()
        .map(|(i, p)| participant(p, &format!("participants[{i}]")))
        .collect::<Result<Vec<_>>>()?;
    // Dates in order and unique ids: the same checks `indicators` makes.
    super::validate(&participants)?;
    Ok(participants)
}

fn participant(v: &Value, path: &str) -> Result<Participant> {
    let o =
        v.as_object().ok_or_else(|| Error::invalid(path, "atteso un oggetto con i dati del partecipante"))?;
    json_in::only_keys(o, PARTICIPANT_KEYS, path)?;
    let r = Reader { o, path };
    let id = match r.get("id") {
        Value::String(s) if !s.trim().is_empty() => s.trim().to_string(),
        Value::Null => return Err(Error::invalid(r.field("id"), "campo obbligatorio mancante")),
        _ => return Err(Error::invalid(r.field("id"), "atteso l'identificativo come testo non vuoto")),
    };
    let entry_date = match r.date("entry_date")? {
        Some(d) => d,
        None => return Err(Error::invalid(r.field("entry_date"), "campo obbligatorio mancante")),
    };
    Ok(Participant {
        id,
        sex: r.word("sex", &[("F", Sex::F), ("M", Sex::M)])?,
        birth_date: r.date("birth_date")?,
        entry_date,
        labour_status: r.word(
            "labour_status",
            &[
                ("occupato", LabourStatus::Occupato),
                ("disoccupato", LabourStatus::Disoccupato),
                ("inattivo", LabourStatus::Inattivo),
            ],
        )?,
        unemployed_since: r.date("unemployed_since")?,
        in_education: r.flag("in_education")?,
        isced: r.isced()?,
        foreign_background: r.flag("foreign_background")?,
        disability: r.flag("disability")?,
        other_disadvantaged: r.flag("other_disadvantaged")?,
        homeless: r.flag("homeless")?,
        rural: r.flag("rural")?,
        household_jobless: r.flag("household_jobless")?,
        dependent_children: r.flag("dependent_children")?,
        single_adult: r.flag("single_adult")?,
        third_country_national: r.flag("third_country_national")?,
        minority: r.flag("minority")?,
        exit_date: r.date("exit_date")?,
        exit_status: r.word("exit_status", &ExitStatus::ALL.map(|s| (s.as_str(), s)))?,
    })
}

/// One participant's object: every reader gives None for null or absent.
struct Reader<'a> {
    o: &'a Map<String, Value>,
    path: &'a str,
}

impl Reader<'_> {
    fn get(&self, k: &str) -> &Value {
        self.o.get(k).unwrap_or(&Value::Null)
    }
    fn field(&self, k: &str) -> String {
        format!("{}.{k}", self.path)
    }
    fn date(&self, k: &str) -> Result<Option<chrono::NaiveDate>> {
        match self.get(k) {
            Value::Null => Ok(None),
            Value::String(s) => dates::parse_iso(&self.field(k), s).map(Some),
            _ => Err(Error::invalid(self.field(k), "attesa una data come testo AAAA-MM-GG, oppure null")),
        }
    }
    fn flag(&self, k: &str) -> Result<Option<bool>> {
        match self.get(k) {
            Value::Null => Ok(None),
            Value::Bool(b) => Ok(Some(*b)),
            _ => Err(Error::invalid(self.field(k), "atteso true, false oppure null (non noto)")),
        }
    }
    fn word<T: Copy>(&self, k: &str, words: &[(&str, T)]) -> Result<Option<T>> {
        let allowed = || words.iter().map(|(w, _)| format!("«{w}»")).collect::<Vec<_>>().join(", ");
        match self.get(k) {
            Value::Null => Ok(None),
            Value::String(s) => words.iter().find(|(w, _)| w == s).map(|(_, t)| Some(*t)).ok_or_else(|| {
                Error::invalid(
                    self.field(k),
                    format!("valore «{s}» non ammesso (ammessi: {}, oppure null)", allowed()),
                )
            }),
            _ => Err(Error::invalid(self.field(k), format!("atteso uno tra {}, oppure null", allowed()))),
        }
    }
    fn isced(&self) -> Result<Option<Isced>> {
        let bad =
            || Error::invalid(self.field("isced"), "atteso un livello ISCED intero da 0 a 8, oppure null");
        match self.get("isced") {
            Value::Null => Ok(None),
            Value::Number(n) => {
                n.as_u64().and_then(|l| u8::try_from(l).ok()).and_then(Isced::new).map(Some).ok_or_else(bad)
            }
            _ => Err(bad()),
        }
    }
}
