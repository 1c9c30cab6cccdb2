//! Comuni and patron days: built-in `assets/calendar/comuni.toml` plus overrides. OWNER: issue 2.
