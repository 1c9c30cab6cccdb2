// The names of the app's commands as build.rs reads them from the library's
// command table (src/service/commands.rs): the first word of each row of its
// `ipc { … }` section, a line that starts with the name and `(`. Shared with
// the test that checks this reading equals `sportello::service::ipc::COMMANDS`
// (src/commands.rs), so the app's permissions are the table's.

/// The `ipc` rows' names of `table` (the text of src/service/commands.rs).
pub fn ipc_names(table: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut inside = false;
    for line in table.lines().map(str::trim) {
        if !inside {
            inside = line == "ipc {";
            continue;
        }
        if line == "}" {
            break;
        }
        let Some((name, _)) = line.split_once('(') else { continue };
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            names.push(name);
        }
    }
    names
}
