//! What the commands call: a command of docs/ipc.md by name, with its `input`
//! (JSON in, JSON out: the wire format is the contract).
//!
//! A trait so that the commands stay the same whichever backend is behind them:
//! the real service in the app (`service_backend`), a recording fake in the
//! commands' tests.

use serde_json::Value;
use sportello::Result;

pub trait Backend: Send + Sync {
    /// Runs `command` with its `input` object (`Value::Null` when it takes none).
    fn call(&self, command: &str, input: Value) -> Result<Value>;
}
