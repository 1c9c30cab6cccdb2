//! The real-window tests, one executable: each file here is a module (a
//! screen or a path through the app). One executable links the library and
//! the WebDriver client once instead of ten times; the tests still take the
//! window one at a time (`sportello_e2e`'s turn), as they did when each file
//! was its own executable.

mod access;
mod access_log;
mod accessibility;
mod calls;
// GDPR issue 16 items 2-3 (branch h2).
mod data_requests;
mod finance;
mod forms;
mod housing;
mod informativa;
mod installed;
mod keyboard;
mod keyboard_path;
mod legal_acts;
// Issue 12 item 3: a monitoring meeting in the project tab.
mod monitoring;
mod path;
mod programmes;
// Issue 12 item 0: the équipe's quadro di analisi.
mod quadro;
mod restriction;
// Retention and erasure (issue 16 item 4).
mod retention;
mod sync;
mod update;
mod viewer;
mod window;
