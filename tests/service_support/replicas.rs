//! Two replicas of one office: the hub (the example family in it) and a
//! laptop made as a whole copy of it (`Service::sync_copy_replica`), and the
//! household form's edit as the app sends it. Shared by the sync tests.

use std::path::PathBuf;

use serde_json::{json, Value};
use sportello::domain::{Household, Id};
use sportello::service::Service;

use super::{create_family, env, login, today, Env, ADMIN};

pub struct Office {
    pub env: Env,
    pub laptop_db: PathBuf,
}

impl Office {
    /// A hub with the example family and a laptop copied from it.
    pub fn new() -> (Office, Household) {
        let env = env();
        let h = create_family(&env.service);
        let laptop_db = env.dir.path().join("portatile.sqlite");
        env.service.sync_copy_replica(&laptop_db, "portatile").unwrap();
        (Office { env, laptop_db }, h)
    }
    pub fn hub(&self) -> &Service {
        &self.env.service
    }
    pub fn laptop(&self) -> Service {
        login(&self.laptop_db, &self.env.docs(), ADMIN, today()).unwrap()
    }
}

/// Saves the household with `field` set to `value`, through the command as
/// the form sends it (the read-only fields of the loaded household, case
/// number and dates, are dropped there).
pub fn edit(s: &Service, id: Id, field: &str, value: Value) {
    let mut v = serde_json::to_value(s.household_get(id).unwrap()).unwrap();
    v[field] = value;
    s.call("household_save", json!({ "household": v })).unwrap();
}

/// A field of the household as the form loads it.
pub fn field(s: &Service, id: Id, field: &str) -> Value {
    serde_json::to_value(s.household_get(id).unwrap()).unwrap()[field].clone()
}
