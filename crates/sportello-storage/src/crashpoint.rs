//! Named places where a test can make the program die on the spot, as a power
//! cut or `kill -9` would: `SPORTELLO_CRASH_AT=<label>` aborts the process
//! when it reaches `crashpoint("<label>")`. Only in debug builds (the tests'):
//! a release build compiles every call to nothing, so no environment variable
//! can make the office's program stop halfway on purpose.

/// Aborts the process here when `SPORTELLO_CRASH_AT` is `label` (debug builds only).
pub fn crashpoint(label: &str) {
    #[cfg(debug_assertions)]
    {
        if std::env::var_os("SPORTELLO_CRASH_AT").is_some_and(|v| v == label) {
            // No destructor, no flush, no unwinding: what a kill leaves behind.
            std::process::abort();
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = label;
}
