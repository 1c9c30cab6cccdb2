//! The output files of one command (a published PDF and its office CSV, an
//! agreement, an access-history CSV): written all or none, never at the cost of a
//! file that was there before unless it is being replaced on success.
//!
//! Every output is built in memory first; [`Outputs::commit`] then
//! 1. finishes or undoes what an earlier, killed run left in the same folders
//!    (see *Recovery* below) and removes its temporary files;
//! 2. writes each output to `.NAME.PID.tmp` beside its target (created
//!    exclusively, mode 0600, flushed to disk);
//! 3. keeps every target that already exists as `.NAME.PID.keep` (a hard link:
//!    no copy, the original is not touched);
//! 4. writes a journal `.sportello-uscite.PID.json` in every target folder, naming
//!    the three files of each output;
//! 5. renames the temporary files over their targets;
//! 6. deletes the journals (the commit point), then the kept copies.
//!
//! A failure in 2-5 undoes what was done: kept copies are renamed back, new
//! targets removed, temporary files deleted. A kill in 4-6 leaves a journal: the
//! next command that writes into that folder rolls the whole set back before its
//! own writing (the killed command never said it succeeded, so "none" is the
//! answer it owed). A kill in 2-3 leaves only temporary and kept files of a dead
//! process, which the next write into the folder deletes. So after any kill and
//! the next run, either every output of the killed command is in place or none,
//! and every earlier file is whole.
//!
//! Created files are readable by their owner only (0600): they carry names and
//! codici fiscali. An office that shares a folder does it on purpose, with the
//! folder's group and `chmod g+r` (README, "The two commands").
//!
//! `SPORTELLO_CRASH_AT` labels (debug builds, [`crate::crashpoint`]):
//! `outputs.temp.N` (temporary file N written and flushed), `outputs.keep.N`,
//! `outputs.journal`, `outputs.rename.N` (target N in place), `outputs.dirsync`,
//! `outputs.commit` (journals deleted, kept copies not yet). N counts from 1 in
//! the order the outputs were added.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::crashpoint::crashpoint;
use crate::error::{Code, Error, Result};

const JOURNAL_PREFIX: &str = ".sportello-uscite.";
const JOURNAL_SUFFIX: &str = ".json";

/// One process commits one set at a time: the temporary names carry the PID.
static COMMITTING: Mutex<()> = Mutex::new(());

/// The outputs of one command, in memory until [`Outputs::commit`].
#[derive(Default)]
pub struct Outputs {
    files: Vec<(PathBuf, Vec<u8>)>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    pid: u32,
    entries: Vec<Entry>,
    /// Every copy of this journal (one per target folder).
    journals: Vec<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    target: PathBuf,
    temp: PathBuf,
    /// The target as it was, when there was one.
    kept: Option<PathBuf>,
}

impl Outputs {
    pub fn new() -> Self {
        Outputs::default()
    }

    pub fn add(&mut self, path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) {
        self.files.push((path.into(), bytes.into()));
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Writes every output, or none of them (module doc). The error names the
    /// file at fault.
    pub fn commit(self) -> Result<()> {
        if self.files.is_empty() {
            return Ok(());
        }
        let _one_at_a_time = COMMITTING.lock().unwrap_or_else(|p| p.into_inner());
        let pid = std::process::id();
        // Absolute: the journal is read back by a run from another folder.
        let files: Vec<(PathBuf, Vec<u8>)> = self.files.into_iter().map(|(p, b)| (absolute(&p), b)).collect();
        let mut plan = Vec::with_capacity(files.len());
        for (path, _) in &files {
            let (dir, name) = split(path)?;
            plan.push(Entry {
                target: path.clone(),
                temp: dir.join(side_name(&name, pid, "tmp")),
                kept: None,
            });
        }
        let dirs: BTreeSet<PathBuf> = files.iter().map(|(p, _)| folder(p)).collect();
        for dir in &dirs {
            recover_dir(dir);
        }
        let mut state = Progress { entries: plan, temps_made: 0, renamed: 0, journals: Vec::new() };
        match write_all(&files, &dirs, pid, &mut state) {
            Ok(()) => Ok(()),
            Err((path, e)) => {
                state.undo();
                Err(io_error(&path, &e))
            }
        }
    }
}

/// How far a commit got, for undoing it in-process.
struct Progress {
    entries: Vec<Entry>,
    temps_made: usize,
    renamed: usize,
    journals: Vec<PathBuf>,
}

impl Progress {
    fn undo(&self) {
        for (i, e) in self.entries.iter().enumerate() {
            if i < self.renamed {
                restore(e);
            } else {
                if i < self.temps_made {
                    let _ = fs::remove_file(&e.temp);
                }
                if let Some(k) = &e.kept {
                    let _ = fs::remove_file(k);
                }
            }
        }
        for j in &self.journals {
            let _ = fs::remove_file(j);
        }
        sync_dirs(self.entries.iter().map(|e| folder(&e.target)));
    }
}

type Failure = (PathBuf, std::io::Error);

fn write_all(
    files: &[(PathBuf, Vec<u8>)],
    dirs: &BTreeSet<PathBuf>,
    pid: u32,
    st: &mut Progress,
) -> std::result::Result<(), Failure> {
    for (i, (path, bytes)) in files.iter().enumerate() {
        let temp = st.entries[i].temp.clone();
        let mut f = create_private(&temp).map_err(|e| (path.clone(), e))?;
        st.temps_made = i + 1;
        f.write_all(bytes).and_then(|()| f.sync_all()).map_err(|e| (path.clone(), e))?;
        crashpoint(&format!("outputs.temp.{}", i + 1));
    }
    for i in 0..files.len() {
        let target = st.entries[i].target.clone();
        match fs::symlink_metadata(&target) {
            Ok(m) if m.is_dir() => {
                return Err((target, std::io::Error::other("è una cartella, non un file")));
            }
            Ok(_) => {
                let (dir, name) = split(&target).map_err(|_| (target.clone(), bad_name()))?;
                let kept = dir.join(side_name(&name, pid, "keep"));
                keep(&target, &kept).map_err(|e| (target.clone(), e))?;
                st.entries[i].kept = Some(kept);
                crashpoint(&format!("outputs.keep.{}", i + 1));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err((target, e)),
        }
    }
    let journals: Vec<PathBuf> =
        dirs.iter().map(|d| d.join(format!("{JOURNAL_PREFIX}{pid}{JOURNAL_SUFFIX}"))).collect();
    let journal = Journal { pid, entries: st.entries.clone(), journals: journals.clone() };
    let text = serde_json::to_vec(&journal).map_err(|e| (files[0].0.clone(), std::io::Error::other(e)))?;
    for j in &journals {
        let mut f = create_private(j).map_err(|e| (j.clone(), e))?;
        st.journals.push(j.clone());
        f.write_all(&text).and_then(|()| f.sync_all()).map_err(|e| (j.clone(), e))?;
    }
    sync_dirs(dirs.iter().cloned());
    crashpoint("outputs.journal");
    for i in 0..files.len() {
        let e = &st.entries[i];
        fs::rename(&e.temp, &e.target).map_err(|err| (e.target.clone(), err))?;
        st.renamed = i + 1;
        crashpoint(&format!("outputs.rename.{}", i + 1));
    }
    sync_dirs(dirs.iter().cloned());
    crashpoint("outputs.dirsync");
    // The commit point: with the journals gone, no later run undoes this set.
    for j in &journals {
        let _ = fs::remove_file(j);
    }
    sync_dirs(dirs.iter().cloned());
    crashpoint("outputs.commit");
    for e in &st.entries {
        if let Some(k) = &e.kept {
            let _ = fs::remove_file(k);
        }
    }
    st.journals.clear();
    Ok(())
}

/// Puts an entry back as it was before its rename: the kept original over the
/// target, or no target at all when there was none.
fn restore(e: &Entry) {
    match &e.kept {
        Some(k) => {
            if k.exists() {
                let _ = fs::rename(k, &e.target);
            }
        }
        None => {
            if e.temp.exists() {
                // Never renamed: the target (if any) is not ours.
                let _ = fs::remove_file(&e.temp);
            } else {
                let _ = fs::remove_file(&e.target);
            }
        }
    }
    let _ = fs::remove_file(&e.temp);
}

/// Rolls back the journals of dead processes in `dir`, then deletes the
/// temporary and kept files they (or a process killed before its journal) left.
fn recover_dir(dir: &Path) {
    let Ok(list) = fs::read_dir(dir) else { return };
    let names: Vec<OsString> = list.filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    for name in &names {
        let Some(pid) = journal_pid(name) else { continue };
        if !stale(pid) {
            continue;
        }
        let path = dir.join(name);
        let Ok(text) = fs::read(&path) else { continue };
        // A journal cut short by the kill was written before any rename: there
        // is nothing to undo, only files to delete.
        if let Ok(j) = serde_json::from_slice::<Journal>(&text) {
            for e in &j.entries {
                restore(e);
            }
            sync_dirs(j.entries.iter().map(|e| folder(&e.target)));
            for other in &j.journals {
                let _ = fs::remove_file(other);
            }
        }
        let _ = fs::remove_file(&path);
    }
    for name in &names {
        let Some(pid) = side_pid(name) else { continue };
        if stale(pid) {
            let path = dir.join(name);
            if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                let _ = fs::remove_file(path);
            }
        }
    }
    sync_dirs([dir.to_path_buf()]);
}

/// `.NAME.PID.tmp` or `.NAME.PID.keep` → PID.
fn side_pid(name: &std::ffi::OsStr) -> Option<u32> {
    let s = name.to_str()?;
    let rest = s.strip_prefix('.')?;
    let rest = rest.strip_suffix(".tmp").or_else(|| rest.strip_suffix(".keep"))?;
    let (stem, pid) = rest.rsplit_once('.')?;
    if stem.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

fn journal_pid(name: &std::ffi::OsStr) -> Option<u32> {
    let s = name.to_str()?;
    let pid = s.strip_prefix(JOURNAL_PREFIX)?.strip_suffix(JOURNAL_SUFFIX)?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Whether files named with this process id are left over: the process is gone,
/// or it is this one from an earlier life of its id (this process commits one
/// set at a time and leaves nothing behind).
fn stale(pid: u32) -> bool {
    pid == std::process::id() || !alive(pid)
}

/// Whether a process with this id exists (on doubt, yes: its files stay).
fn alive(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        Path::new("/proc").join(pid.to_string()).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

fn side_name(name: &str, pid: u32, kind: &str) -> String {
    format!(".{name}.{pid}.{kind}")
}

fn folder(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn bad_name() -> std::io::Error {
    std::io::Error::other("nome di file non valido (solo testo UTF-8)")
}

/// The folder and the file name (UTF-8: the journal names the files as text).
fn split(path: &Path) -> Result<(PathBuf, String)> {
    let name = path.file_name().and_then(|n| n.to_str()).ok_or_else(|| io_error(path, &bad_name()))?;
    Ok((folder(path), name.to_string()))
}

fn create_private(path: &Path) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// A second name for the current target: a hard link (instant, the same
/// bytes), or a flushed copy where the file system has none.
fn keep(target: &Path, kept: &Path) -> std::io::Result<()> {
    if fs::hard_link(target, kept).is_err() {
        let bytes = fs::read(target)?;
        let mut f = create_private(kept)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
    }
    Ok(())
}

fn sync_dirs(dirs: impl IntoIterator<Item = PathBuf>) {
    for d in dirs {
        if let Ok(f) = File::open(&d) {
            let _ = f.sync_all();
        }
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> Error {
    if e.raw_os_error() == Some(28) {
        return Error::new(
            Code::DiskFull,
            format!("Il disco è pieno: {} non è stato scritto (nessun file cambiato)", path.display()),
        );
    }
    Error::new(
        Code::Io,
        format!("impossibile scrivere il file {}: {e} (nessun file cambiato)", path.display()),
    )
}

/// What a file is, to tell whether two paths name the same one: its device and
/// inode when it exists, and in any case its canonical path (the canonical
/// folder plus the name when the file does not exist yet).
#[derive(Debug)]
struct Identity {
    inode: Option<(u64, u64)>,
    path: PathBuf,
}

fn identity(p: &Path) -> Identity {
    match fs::canonicalize(p) {
        Ok(c) => Identity { inode: inode(&c), path: c },
        Err(_) => {
            let dir = folder(p);
            let dir = fs::canonicalize(&dir).unwrap_or_else(|_| absolute(&dir));
            let path = match p.file_name() {
                Some(n) => dir.join(n),
                None => dir,
            };
            Identity { inode: None, path }
        }
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(unix)]
fn inode(p: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn inode(_: &Path) -> Option<(u64, u64)> {
    None
}

impl Identity {
    fn same(&self, other: &Identity) -> bool {
        match (self.inode, other.inode) {
            (Some(a), Some(b)) => a == b,
            _ => self.path == other.path,
        }
    }
}

/// Refuses an output that is one of the inputs, or another output of the same
/// command: writing it would destroy the input (or one output would overwrite
/// the other). Each file is `(option, path)`, e.g. `("--input", "a.csv")`; the
/// error's field is the output's option.
pub fn refuse_same_files(inputs: &[(&str, &Path)], outputs: &[(&str, &Path)]) -> Result<()> {
    let ins: Vec<Identity> = inputs.iter().map(|(_, p)| identity(p)).collect();
    let outs: Vec<Identity> = outputs.iter().map(|(_, p)| identity(p)).collect();
    for (i, (opt, path)) in outputs.iter().enumerate() {
        for (k, (in_opt, in_path)) in inputs.iter().enumerate() {
            if outs[i].same(&ins[k]) {
                return Err(Error::invalid(
                    *opt,
                    format!(
                        "{opt} {} è lo stesso file di {in_opt} {}: verrebbe sovrascritto; indicare un altro file",
                        path.display(),
                        in_path.display()
                    ),
                ));
            }
        }
        for (k, (other_opt, other_path)) in outputs[..i].iter().enumerate() {
            if outs[i].same(&outs[k]) {
                return Err(Error::invalid(
                    *opt,
                    format!(
                        "{opt} {} e {other_opt} {} sono lo stesso file: indicare due file diversi",
                        path.display(),
                        other_path.display()
                    ),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_every_output_private_and_leaves_nothing_else() {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join("a.pdf"), b"old").unwrap();
        let mut o = Outputs::new();
        o.add(d.path().join("a.pdf"), b"new pdf".to_vec());
        o.add(d.path().join("b.csv"), b"new csv".to_vec());
        o.commit().unwrap();
        assert_eq!(fs::read(d.path().join("a.pdf")).unwrap(), b"new pdf");
        assert_eq!(fs::read(d.path().join("b.csv")).unwrap(), b"new csv");
        assert_eq!(names(d.path()), ["a.pdf", "b.csv"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for f in ["a.pdf", "b.csv"] {
                let mode = fs::metadata(d.path().join(f)).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o600, "{f}");
            }
        }
    }

    #[test]
    fn a_failed_second_output_leaves_the_first_as_it_was() {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join("a.pdf"), b"published before").unwrap();
        let mut o = Outputs::new();
        o.add(d.path().join("a.pdf"), b"new".to_vec());
        o.add(d.path().join("missing-folder").join("b.csv"), b"csv".to_vec());
        let e = o.commit().unwrap_err();
        assert_eq!(e.code, Code::Io);
        assert!(e.message.contains("b.csv"), "{}", e.message);
        assert_eq!(fs::read(d.path().join("a.pdf")).unwrap(), b"published before");
        assert_eq!(names(d.path()), ["a.pdf"]);
    }

    #[test]
    fn a_failed_rename_puts_back_the_outputs_already_renamed() {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join("a.pdf"), b"old pdf").unwrap();
        // The second target is a folder: its rename fails after the first one.
        fs::create_dir(d.path().join("b.csv")).unwrap();
        let mut st = Progress {
            entries: vec![
                Entry { target: d.path().join("a.pdf"), temp: d.path().join(".a.pdf.1.tmp"), kept: None },
                Entry { target: d.path().join("b.csv"), temp: d.path().join(".b.csv.1.tmp"), kept: None },
            ],
            temps_made: 0,
            renamed: 0,
            journals: vec![],
        };
        fs::write(&st.entries[0].temp, b"new").unwrap();
        fs::write(&st.entries[1].temp, b"new").unwrap();
        st.temps_made = 2;
        let kept = d.path().join(".a.pdf.1.keep");
        keep(&st.entries[0].target, &kept).unwrap();
        st.entries[0].kept = Some(kept);
        fs::rename(&st.entries[0].temp, &st.entries[0].target).unwrap();
        st.renamed = 1;
        assert!(fs::rename(&st.entries[1].temp, &st.entries[1].target).is_err());
        st.undo();
        assert_eq!(fs::read(d.path().join("a.pdf")).unwrap(), b"old pdf");
        assert_eq!(names(d.path()), ["a.pdf", "b.csv"]);
    }

    #[test]
    fn a_journal_of_a_dead_process_is_rolled_back_at_the_next_write() {
        let d = tempfile::tempdir().unwrap();
        let dead = dead_pid();
        let (a, b) = (d.path().join("a.pdf"), d.path().join("b.csv"));
        // The state a kill after the first rename leaves: a.pdf new (its
        // original kept), b.csv still a temporary file.
        fs::write(&a, b"new pdf").unwrap();
        let kept = d.path().join(format!(".a.pdf.{dead}.keep"));
        fs::write(&kept, b"old pdf").unwrap();
        let b_temp = d.path().join(format!(".b.csv.{dead}.tmp"));
        fs::write(&b_temp, b"new csv").unwrap();
        let journal_path = d.path().join(format!("{JOURNAL_PREFIX}{dead}{JOURNAL_SUFFIX}"));
        let j = Journal {
            pid: dead,
            entries: vec![
                Entry {
                    target: a.clone(),
                    temp: d.path().join(format!(".a.pdf.{dead}.tmp")),
                    kept: Some(kept),
                },
                Entry { target: b.clone(), temp: b_temp, kept: None },
            ],
            journals: vec![journal_path.clone()],
        };
        fs::write(&journal_path, serde_json::to_vec(&j).unwrap()).unwrap();
        // Another stale temporary file, of a process killed before its journal.
        fs::write(d.path().join(format!(".x.txt.{dead}.tmp")), b"x").unwrap();
        recover_dir(d.path());
        assert_eq!(fs::read(&a).unwrap(), b"old pdf");
        assert!(!b.exists());
        assert_eq!(names(d.path()), ["a.pdf"]);
    }

    #[test]
    fn a_live_processs_temporary_file_is_left_alone() {
        let d = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("sleep").arg("30").spawn().unwrap();
        let name = format!(".a.pdf.{}.tmp", child.id());
        fs::write(d.path().join(&name), b"being written").unwrap();
        recover_dir(d.path());
        let left = names(d.path());
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(left, [name]);
    }

    /// A process id that is not running (a child that has exited and was reaped).
    fn dead_pid() -> u32 {
        let mut c = std::process::Command::new("true").spawn().unwrap();
        let pid = c.id();
        c.wait().unwrap();
        pid
    }

    #[test]
    fn side_names_are_read_back() {
        assert_eq!(side_pid(".a.pdf.123.tmp".as_ref()), Some(123));
        assert_eq!(side_pid(".a.pdf.123.keep".as_ref()), Some(123));
        assert_eq!(side_pid(".a.pdf.x1.tmp".as_ref()), None);
        assert_eq!(side_pid("a.pdf.123.tmp".as_ref()), None);
        assert_eq!(side_pid("..123.tmp".as_ref()), None);
        assert_eq!(journal_pid(".sportello-uscite.77.json".as_ref()), Some(77));
    }

    #[test]
    fn the_same_file_is_found_through_other_spellings() {
        let d = tempfile::tempdir().unwrap();
        let a = d.path().join("a.csv");
        fs::write(&a, b"x").unwrap();
        fs::create_dir(d.path().join("sub")).unwrap();
        let other = d.path().join("sub").join("..").join("a.csv");
        let e = refuse_same_files(&[("--input", &a)], &[("--publish", &other)]).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("--publish"));
        #[cfg(unix)]
        {
            let hard = d.path().join("hard.csv");
            fs::hard_link(&a, &hard).unwrap();
            assert!(refuse_same_files(&[("--input", &a)], &[("--export", &hard)]).is_err());
            let link = d.path().join("link.csv");
            std::os::unix::fs::symlink(&a, &link).unwrap();
            assert!(refuse_same_files(&[("--input", &a)], &[("--export", &link)]).is_err());
        }
        // Two outputs that do not exist yet, named differently.
        let x = d.path().join("x.pdf");
        let y = d.path().join("sub").join("..").join("x.pdf");
        let e = refuse_same_files(&[], &[("--publish", &x), ("--export", &y)]).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("--export"));
        assert!(refuse_same_files(&[("--input", &a)], &[("--publish", &x)]).is_ok());
    }
}
