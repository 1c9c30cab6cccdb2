//! The Italian scenario files of `tests/scenari/<folder>/` (the repository's,
//! beside the top crate's runners), for the core's runners: each file's name
//! and text, in name order.

use std::path::PathBuf;

/// Every `*.toml` of the folder, sorted; at least `min` of them (a folder
/// emptied by mistake must fail, not pass with nothing checked).
pub fn files(folder: &str, min: usize) -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenari").join(folder);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= min, "{folder}: only {} scenarios", paths.len());
    paths
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, text)
        })
        .collect()
}
