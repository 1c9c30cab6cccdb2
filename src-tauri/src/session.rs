//! The shell's one logged-in service, or none: the app starts locked, a login
//! puts a backend here, and locking, logging out, idleness or closing the
//! window take it away again. Dropping the service wipes the database key
//! and empties the viewing area (the library does both on drop), so "locked"
//! really means the key is no longer in memory.
//!
//! Idleness is enforced here, not only in the window: `watch_idle` runs on a
//! thread of its own, so the key leaves memory at the time even when the
//! window is frozen or its script stopped.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;
use sportello::{Code, Error, Result};

use crate::backend::Backend;

/// Why there is no service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockReason {
    /// Nobody has logged in since the app started (or they logged out).
    NotLoggedIn,
    /// The operator locked the screen.
    Locked,
    /// No command for longer than the idle time.
    Idle,
}

struct Inner {
    backend: Option<Box<dyn Backend>>,
    last_command: Instant,
    reason: LockReason,
}

pub struct Sessions {
    inner: Mutex<Inner>,
    idle: Duration,
}

impl Sessions {
    pub fn new(idle: Duration) -> Sessions {
        Sessions {
            inner: Mutex::new(Inner {
                backend: None,
                last_command: Instant::now(),
                reason: LockReason::NotLoggedIn,
            }),
            idle,
        }
    }

    pub fn idle(&self) -> Duration {
        self.idle
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A command that panicked must not lock everyone out for good.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs a command of the logged-in service; `locked` when there is none.
    /// Every command is activity (the idle clock starts again after it),
    /// except the frame's sync state and its automatic exchange every few
    /// seconds ([`BACKGROUND`]): a desk nobody uses must still lock.
    pub fn call(&self, command: &str, input: Value) -> Result<Value> {
        let mut inner = self.inner();
        let Some(backend) = inner.backend.as_ref() else {
            return Err(locked_error(inner.reason));
        };
        let result = backend.call(command, input);
        if !BACKGROUND.contains(&command) {
            inner.last_command = Instant::now();
        }
        result
    }

    /// Installs a freshly logged-in backend (the previous one, if any, is
    /// dropped first by [`Sessions::end`] in the login).
    pub fn start(&self, backend: Box<dyn Backend>) {
        let mut inner = self.inner();
        inner.backend = Some(backend);
        inner.last_command = Instant::now();
    }

    /// Drops the service (key wiped, viewing area emptied).
    pub fn end(&self, reason: LockReason) {
        let old = {
            let mut inner = self.inner();
            inner.reason = reason;
            inner.backend.take()
        };
        drop(old);
    }

    pub fn is_open(&self) -> bool {
        self.inner().backend.is_some()
    }

    pub fn reason(&self) -> LockReason {
        self.inner().reason
    }

    /// Locks when the last command is older than the idle time. Returns
    /// whether it locked now.
    pub fn lock_if_idle(&self, now: Instant) -> bool {
        let old = {
            let mut inner = self.inner();
            if inner.backend.is_none() || now.saturating_duration_since(inner.last_command) < self.idle {
                return false;
            }
            inner.reason = LockReason::Idle;
            inner.backend.take()
        };
        drop(old);
        true
    }

    /// The idle watch: checks a few times per idle period (at least once a
    /// second), for as long as the app runs.
    pub fn watch_idle(sessions: impl Fn() -> Option<std::sync::Arc<Sessions>> + Send + 'static) {
        std::thread::Builder::new()
            .name("blocco-inattivita".into())
            .spawn(move || loop {
                let Some(s) = sessions() else { return };
                let step = (s.idle / 4).clamp(Duration::from_millis(200), Duration::from_secs(1));
                drop(s);
                std::thread::sleep(step);
                if let Some(s) = sessions() {
                    s.lock_if_idle(Instant::now());
                }
            })
            .expect("thread del blocco per inattività");
    }
}

pub fn locked_error(reason: LockReason) -> Error {
    let message = match reason {
        LockReason::Idle => "Sessione bloccata per inattività: accedere di nuovo",
        LockReason::Locked => "Sessione bloccata: accedere di nuovo",
        LockReason::NotLoggedIn => "Accedere con il proprio nome utente e la password",
    };
    Error::new(Code::Locked, message)
}

/// The commands the window sends on its own, every few seconds (the frame's
/// sync state, ui/js/sync-state.js): not activity, for the window's idle
/// timer (ui/js/api.js) nor for this clock, so both still agree.
pub const BACKGROUND: &[&str] = &["sync_status", "sync_now"];

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;

    /// Counts how many backends are alive, to see the drop happen.
    struct Alive(Arc<AtomicUsize>);
    impl Backend for Alive {
        fn call(&self, command: &str, _: Value) -> Result<Value> {
            Ok(Value::String(command.to_string()))
        }
    }
    impl Drop for Alive {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::SeqCst);
        }
    }
    fn alive(n: &Arc<AtomicUsize>) -> Box<dyn Backend> {
        n.fetch_add(1, Ordering::SeqCst);
        Box::new(Alive(n.clone()))
    }

    #[test]
    fn before_login_every_command_is_locked() {
        let s = Sessions::new(Duration::from_secs(600));
        let e = s.call("households_search", Value::Null).unwrap_err();
        assert_eq!(e.code, Code::Locked);
        assert!(!s.is_open());
    }

    #[test]
    fn idleness_drops_the_service_and_commands_are_refused_in_italian() {
        let n = Arc::new(AtomicUsize::new(0));
        let s = Sessions::new(Duration::from_secs(60));
        s.start(alive(&n));
        let t0 = Instant::now();
        assert!(!s.lock_if_idle(t0 + Duration::from_secs(59)));
        assert_eq!(s.call("session", Value::Null).unwrap(), Value::String("session".into()));
        // The command moved the clock: 59 s after it is not idle yet either.
        assert!(!s.lock_if_idle(Instant::now() + Duration::from_secs(59)));
        assert_eq!(n.load(Ordering::SeqCst), 1);
        assert!(s.lock_if_idle(Instant::now() + Duration::from_secs(61)));
        assert_eq!(n.load(Ordering::SeqCst), 0, "the service (and its key) is gone");
        let e = s.call("session", Value::Null).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (Code::Locked, "Sessione bloccata per inattività: accedere di nuovo")
        );
        assert_eq!(s.reason(), LockReason::Idle);
    }

    #[test]
    fn the_frames_sync_every_few_seconds_does_not_keep_the_session_open() {
        let n = Arc::new(AtomicUsize::new(0));
        let s = Sessions::new(Duration::from_secs(60));
        s.start(alive(&n));
        let t0 = Instant::now();
        for command in BACKGROUND {
            s.call(command, Value::Null).unwrap();
        }
        // The clock still runs from the login: idle 61 s after it.
        assert!(s.lock_if_idle(t0 + Duration::from_secs(61)));
        assert_eq!(n.load(Ordering::SeqCst), 0);
        // And the window's list is the same (ui/js/api.js BACKGROUND).
        let api = include_str!("../../ui/js/api.js");
        let set =
            api.split("const BACKGROUND = new Set([").nth(1).and_then(|r| r.split("])").next()).unwrap();
        let listed: Vec<&str> =
            set.split(',').map(|n| n.trim().trim_matches('\'')).filter(|n| !n.is_empty()).collect();
        assert_eq!(listed, BACKGROUND);
    }

    #[test]
    fn the_watch_thread_locks_on_its_own() {
        let n = Arc::new(AtomicUsize::new(0));
        let s = Arc::new(Sessions::new(Duration::from_millis(300)));
        s.start(alive(&n));
        let weak = Arc::downgrade(&s);
        Sessions::watch_idle(move || weak.upgrade());
        let start = Instant::now();
        while s.is_open() && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(!s.is_open(), "locked by the thread");
        assert_eq!(n.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn locking_by_hand_says_so() {
        let n = Arc::new(AtomicUsize::new(0));
        let s = Sessions::new(Duration::from_secs(600));
        s.start(alive(&n));
        s.end(LockReason::Locked);
        assert_eq!(n.load(Ordering::SeqCst), 0);
        assert_eq!(s.call("x", Value::Null).unwrap_err().message, "Sessione bloccata: accedere di nuovo");
    }
}
