//! Named points where a debug build can be made to die on purpose, for the
//! crash tests (`tests/cli_crash_outputs.rs`): `SPORTELLO_CRASH_AT=<label>`
//! aborts the process the moment the write path reaches `<label>`, exactly as
//! a power cut or a `kill -9` would at that instant (no destructor, no cleanup).
//!
//! Release builds compile the hook away: an environment variable must never be
//! able to make the office's program stop half-way through a write.

/// Aborts the process when `SPORTELLO_CRASH_AT` equals `label` (debug builds only).
#[inline]
pub fn crashpoint(label: &str) {
    #[cfg(debug_assertions)]
    if std::env::var_os("SPORTELLO_CRASH_AT").is_some_and(|v| v == label) {
        // SIGABRT, not exit: no buffered write is flushed, no Drop runs.
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = label;
}
