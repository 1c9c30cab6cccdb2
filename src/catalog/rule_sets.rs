//! Rule-set files: built-in `assets/rules/*.toml` plus overrides. OWNER: issue 4.
