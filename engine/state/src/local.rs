//! State stores: the checks every backend shares ([`StateStore`]: parse,
//! lineage and serial rules, `state push` rules, journal recovery) over a
//! [`Storage`] that only moves bytes, holds a lock and keeps a journal. The
//! local backend (`terraform.tfstate`, as Terraform's) is [`LocalStorage`];
//! the S3 backend lives in its own crate, so this one needs no AWS SDK.

use crate::journal::JournalHeader;
use crate::model::StateFile;
use crate::StateError;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Who holds a lock, in Terraform's lock info shape.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LockInfo {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(rename = "Operation")]
    pub operation: String,
    #[serde(rename = "Info")]
    pub info: String,
    #[serde(rename = "Who")]
    pub who: String,
    #[serde(rename = "Version")]
    pub version: String,
    #[serde(rename = "Created")]
    pub created: String,
    #[serde(rename = "Path")]
    pub path: String,
}

impl LockInfo {
    /// The holder as Terraform describes it in "state locked" errors.
    pub fn describe(&self) -> String {
        format!(
            "Lock Info:\n  ID:        {}\n  Path:      {}\n  Operation: {}\n  Who:       {}\n  Version:   {}\n  Created:   {}\n  Info:      {}",
            self.id, self.path, self.operation, self.who, self.version, self.created, self.info
        )
    }
}

/// A held lock; released when dropped.
pub struct StateLock {
    _guard: Box<dyn Send>,
    pub info: LockInfo,
}

impl StateLock {
    pub fn new(guard: Box<dyn Send>, info: LockInfo) -> StateLock {
        StateLock { _guard: guard, info }
    }
}

/// An append-only journal of completed operations.
pub trait JournalLog: Send {
    /// Appends one line; it must survive the process dying once this returns.
    fn append(&mut self, line: &[u8]) -> Result<(), StateError>;
    /// Makes everything appended so far survive the machine dying too.
    fn sync(&mut self) -> Result<(), StateError>;
    /// Removes the journal once its entries are in the state.
    fn finish(self: Box<Self>) -> Result<(), StateError>;
}

/// What a backend provides: bytes in and out, a lock, a journal.
pub trait Storage: Send + Sync {
    /// Where the state lives, for messages (`terraform.tfstate`, `s3://b/k`).
    fn describe(&self) -> String;
    /// The stored bytes; `None` when there is no state yet.
    fn read(&self) -> Result<Option<Vec<u8>>, StateError>;
    /// Replaces the stored bytes atomically; `previous` are the bytes being
    /// replaced (the local backend keeps them as `.backup`).
    fn write(&self, lock: &StateLock, bytes: &[u8], previous: Option<&[u8]>) -> Result<(), StateError>;
    /// Takes the lock for `info`, retrying for up to `timeout`.
    fn lock(&self, info: LockInfo, timeout: std::time::Duration) -> Result<StateLock, StateError>;
    /// Releases a lock left by someone else, if its ID is `id`.
    fn force_unlock(&self, id: &str) -> Result<(), StateError>;
    /// Starts a journal (replacing any old one).
    fn journal_create(&self, header: &JournalHeader) -> Result<Box<dyn JournalLog>, StateError>;
    /// A journal left by a run that did not finish: its lines.
    fn journal_read(&self) -> Result<Option<Vec<Vec<u8>>>, StateError>;
    fn journal_remove(&self) -> Result<(), StateError>;
    /// Where the journal lives, for messages.
    fn journal_describe(&self) -> String;
}

/// A state store: the rules of every backend over one [`Storage`].
#[derive(Clone)]
pub struct StateStore {
    storage: Arc<dyn Storage>,
}

/// The local store is the default one.
pub type LocalState = StateStore;

impl StateStore {
    /// The local backend's state at `path`.
    pub fn new(path: impl Into<PathBuf>) -> StateStore {
        StateStore::with_storage(Arc::new(LocalStorage::new(path)))
    }

    pub fn with_storage(storage: Arc<dyn Storage>) -> StateStore {
        StateStore { storage }
    }

    pub fn describe(&self) -> String {
        self.storage.describe()
    }

    pub fn journal_describe(&self) -> String {
        self.storage.journal_describe()
    }

    /// The stored bytes, unparsed (`state pull`).
    pub fn read_bytes(&self) -> Result<Option<Vec<u8>>, StateError> {
        self.storage.read()
    }

    /// Reads the state; `Ok(None)` when there is none yet.
    pub fn read(&self) -> Result<Option<StateFile>, StateError> {
        let Some(bytes) = self.storage.read()? else { return Ok(None) };
        self.parse(&bytes)
    }

    fn parse(&self, bytes: &[u8]) -> Result<Option<StateFile>, StateError> {
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Ok(None);
        }
        let text = std::str::from_utf8(bytes)
            .map_err(|_| StateError::Corrupt(format!("{} is not valid UTF-8; it is corrupted.", self.describe())))?;
        StateFile::from_json(text).map(Some).map_err(|m| StateError::Corrupt(format!("{}: {m}", self.describe())))
    }

    /// Takes the lock, waiting up to `timeout` for another holder.
    pub fn lock(&self, operation: &str, timeout: std::time::Duration, version: &str) -> Result<StateLock, StateError> {
        let info = LockInfo {
            id: uuid::Uuid::new_v4().to_string(),
            operation: operation.to_string(),
            info: String::new(),
            who: who_am_i(),
            version: version.to_string(),
            created: now_rfc3339(),
            path: self.describe(),
        };
        self.storage.lock(info, timeout)
    }

    pub fn force_unlock(&self, id: &str) -> Result<(), StateError> {
        self.storage.force_unlock(id)
    }

    /// Starts the apply journal on top of `base`.
    pub fn journal(&self, lock: &StateLock, base: &StateFile) -> Result<crate::Journal, StateError> {
        self.journal_carrying(lock, base, &[])
    }

    /// Starts a journal on top of `base` that begins with `pending`
    /// intents (those an interrupted run left unresolved), so that they
    /// survive this run dying too.
    pub fn journal_carrying(
        &self,
        _lock: &StateLock,
        base: &StateFile,
        pending: &[crate::JournalEntry],
    ) -> Result<crate::Journal, StateError> {
        let header = JournalHeader { lineage: base.lineage.clone(), serial: base.serial };
        let mut journal = crate::Journal::new(self.storage.journal_create(&header)?);
        for e in pending {
            journal.record(e)?;
        }
        if !pending.is_empty() {
            journal.sync()?;
        }
        Ok(journal)
    }

    /// Folds a journal left by an interrupted run into the state. Intents
    /// nothing resolved are kept in a new journal on top of the written
    /// state and returned: the engine asks their providers about them.
    pub fn recover(&self, lock: &StateLock, version: &str) -> Result<Recovered, StateError> {
        let Some(lines) = self.storage.journal_read()? else { return Ok(Recovered::default()) };
        let Some((header, entries)) = crate::journal::parse_journal(&lines, &self.journal_describe())? else {
            self.storage.journal_remove()?;
            return Ok(Recovered::default());
        };
        let state = self.read()?.unwrap_or_else(|| {
            let mut s = StateFile::new(version);
            s.lineage = header.lineage.clone();
            s
        });
        if state.lineage != header.lineage {
            return Err(StateError::Conflict(format!(
                "{} holds operations for state lineage {:?}, but {} has lineage {:?}. Move the journal aside after checking it by hand.",
                self.journal_describe(),
                header.lineage,
                self.describe(),
                state.lineage
            )));
        }
        let pending = crate::journal::pending_intents(&entries);
        let mut builder = crate::journal::StateBuilder::new(state);
        let operations = entries.iter().filter(|e| e.intent.is_none()).count();
        for e in entries {
            builder.apply(e);
        }
        let written = self.write(lock, builder.finish())?;
        if pending.is_empty() {
            self.storage.journal_remove()?;
        } else {
            drop(self.journal_carrying(lock, &written, &pending)?);
        }
        Ok(Recovered { operations, pending })
    }

    /// Writes `new` over the stored state. Needs the lock. The serial is
    /// bumped when the content changed; a stored state of another lineage or
    /// a newer serial is never overwritten. Returns the state as written.
    pub fn write(&self, lock: &StateLock, mut new: StateFile) -> Result<StateFile, StateError> {
        Ok(self.write_in_place(lock, &mut new)?.unwrap_or(new))
    }

    /// `write` without taking the state: `new` gets the serial written, and
    /// keeps its own on failure (so the caller can still save it elsewhere,
    /// without a second copy of a large state). Returns the stored state
    /// when it already had this content (nothing is written then).
    pub fn write_in_place(&self, lock: &StateLock, new: &mut StateFile) -> Result<Option<StateFile>, StateError> {
        let current_bytes = self.storage.read()?;
        let current = match &current_bytes {
            Some(b) => self.parse(b)?,
            None => None,
        };
        if let Some(cur) = &current {
            if cur.lineage != new.lineage {
                return Err(StateError::Conflict(format!(
                    "Cannot write state with lineage {:?} over unrelated state with lineage {:?} at {}.",
                    new.lineage,
                    cur.lineage,
                    self.describe()
                )));
            }
            if cur.serial > new.serial {
                return Err(StateError::Conflict(format!(
                    "Cannot write state with serial {} over newer state with serial {} at {}; another operation changed it meanwhile.",
                    new.serial,
                    cur.serial,
                    self.describe()
                )));
            }
            if cur.same_content(new) {
                return Ok(current);
            }
        }
        let own_serial = new.serial;
        new.serial = current.as_ref().map_or(own_serial.max(1), |cur| cur.serial + 1);
        let previous = current.as_ref().and(current_bytes.as_deref());
        drop(current);
        let written = self.storage.write(lock, new.to_json().as_bytes(), previous);
        if written.is_err() {
            new.serial = own_serial;
        }
        written.map(|()| None)
    }

    /// Replaces the stored state with `new`, as `state push` does. Unless
    /// `force`, a state of another lineage, an older serial, or the same
    /// serial with other content is refused, in Terraform's words
    /// (`statemgr.CheckValidImport`); an empty stored state may always be
    /// replaced. The result keeps `new`'s lineage and serial, plus one when
    /// the content changes. Needs the lock.
    pub fn import(&self, lock: &StateLock, mut new: StateFile, force: bool) -> Result<StateFile, StateError> {
        let current_bytes = self.storage.read()?;
        let current = match &current_bytes {
            Some(b) => self.parse(b)?,
            None => None,
        };
        if let Some(cur) = &current {
            let empty = cur.resources.is_empty() && cur.outputs.is_empty();
            if !force && !empty {
                if cur.lineage != new.lineage {
                    return Err(StateError::Conflict(format!(
                        "cannot import state with lineage {:?} over unrelated state with lineage {:?}",
                        new.lineage, cur.lineage
                    )));
                }
                if new.serial < cur.serial {
                    return Err(StateError::Conflict(format!(
                        "cannot import state with serial {} over newer state with serial {}",
                        new.serial, cur.serial
                    )));
                }
                if new.serial == cur.serial && !cur.same_content(&new) {
                    return Err(StateError::Conflict(format!(
                        "cannot overwrite existing state with serial {} with a different state that has the same serial",
                        new.serial
                    )));
                }
            }
            let same = cur.same_content(&new);
            if same && cur.lineage == new.lineage && cur.serial == new.serial {
                return Ok(cur.clone());
            }
            if !same {
                new.serial += 1;
            }
        } else {
            new.serial = new.serial.max(1);
        }
        let previous = current.as_ref().and(current_bytes.as_deref());
        self.storage.write(lock, new.to_json().as_bytes(), previous)?;
        Ok(new)
    }
}

/// What recovering a journal found.
#[derive(Debug, Default)]
pub struct Recovered {
    /// Completed operations folded into the state.
    pub operations: usize,
    /// Creates whose outcome no entry recorded (still in the journal).
    pub pending: Vec<crate::JournalEntry>,
}

/// Terraform's local backend: the state file, `.backup` beside it, an OS
/// file lock plus lock info, and the journal as `<state>.journal`.
pub struct LocalStorage {
    pub path: PathBuf,
}

impl LocalStorage {
    pub fn new(path: impl Into<PathBuf>) -> LocalStorage {
        LocalStorage { path: path.into() }
    }

    fn sibling(&self, name: impl FnOnce(&str) -> String) -> PathBuf {
        let file = self.path.file_name().and_then(|n| n.to_str()).unwrap_or("terraform.tfstate");
        self.path.with_file_name(name(file))
    }

    fn info_path(&self) -> PathBuf {
        self.sibling(|n| format!(".{n}.lock.info"))
    }

    fn lock_file_path(&self) -> PathBuf {
        self.sibling(|n| format!(".{n}.lock"))
    }

    /// Where the apply journal lives: beside the state file.
    pub fn journal_path(&self) -> PathBuf {
        self.sibling(|n| format!("{n}.journal"))
    }
}

/// The local lock: the OS lock on `.terraform.tfstate.lock` and the info file.
struct LocalLock {
    file: File,
    info_path: PathBuf,
}

impl Drop for LocalLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.info_path);
        let _ = self.file.unlock();
    }
}

impl Storage for LocalStorage {
    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn read(&self) -> Result<Option<Vec<u8>>, StateError> {
        match std::fs::read(&self.path) {
            Ok(t) => Ok(Some(t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StateError::Io(format!("Reading {}: {e}.", self.path.display()))),
        }
    }

    fn write(&self, _lock: &StateLock, bytes: &[u8], previous: Option<&[u8]>) -> Result<(), StateError> {
        if let Some(prev) = previous {
            write_atomic(&backup_path(&self.path), prev)?;
        }
        write_atomic(&self.path, bytes)
    }

    fn lock(&self, info: LockInfo, timeout: std::time::Duration) -> Result<StateLock, StateError> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StateError::Io(format!("Creating {}: {e}.", dir.display())))?;
        }
        let lock_path = self.lock_file_path();
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&lock_path)
            .map_err(|e| StateError::Io(format!("Opening {}: {e}.", lock_path.display())))?;
        let deadline = std::time::Instant::now() + timeout;
        let mut wait = std::time::Duration::from_millis(50);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {
                    if std::time::Instant::now() >= deadline {
                        let holder = std::fs::read_to_string(self.info_path())
                            .ok()
                            .and_then(|t| serde_json::from_str::<LockInfo>(&t).ok());
                        let who = holder.map_or_else(|| "another process".to_string(), |h| h.describe());
                        return Err(StateError::Locked(format!(
                            "The state file {} is locked by {who}\n\nStrata acquires a state lock to protect the state from being written by multiple users at the same time. Wait for the other operation to finish, or retry with a longer -lock-timeout.",
                            self.path.display()
                        )));
                    }
                    std::thread::sleep(wait.min(deadline.saturating_duration_since(std::time::Instant::now())));
                    wait = (wait * 2).min(std::time::Duration::from_secs(1));
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(StateError::Io(format!("Locking {}: {e}.", lock_path.display())))
                }
            }
        }
        let _ = std::fs::write(self.info_path(), serde_json::to_string(&info).expect("lock info serializes"));
        Ok(StateLock::new(Box::new(LocalLock { file, info_path: self.info_path() }), info))
    }

    fn force_unlock(&self, _id: &str) -> Result<(), StateError> {
        // The OS releases a dead process's lock by itself; a live holder
        // must not be overridden.
        Err(StateError::Io("Local state cannot be unlocked by another process: the lock is released when the process holding it exits.".into()))
    }

    fn journal_create(&self, header: &JournalHeader) -> Result<Box<dyn JournalLog>, StateError> {
        let path = self.journal_path();
        let io = |e: std::io::Error| StateError::Io(format!("Writing {}: {e}.", path.display()));
        let mut file = OpenOptions::new().create(true).truncate(true).write(true).open(&path).map_err(io)?;
        writeln!(file, "{}", serde_json::to_string(header).expect("header serializes")).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(Box::new(LocalJournal { path: path.clone(), file }))
    }

    fn journal_read(&self) -> Result<Option<Vec<Vec<u8>>>, StateError> {
        let path = self.journal_path();
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StateError::Io(format!("Reading {}: {e}.", path.display()))),
        };
        let mut lines = Vec::new();
        for line in std::io::BufReader::new(file).split(b'\n') {
            match line {
                Ok(l) => lines.push(l),
                Err(_) => break,
            }
        }
        Ok(Some(lines))
    }

    fn journal_remove(&self) -> Result<(), StateError> {
        let path = self.journal_path();
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StateError::Io(format!("Removing {}: {e}.", path.display()))),
        }
    }

    fn journal_describe(&self) -> String {
        self.journal_path().display().to_string()
    }
}

struct LocalJournal {
    path: PathBuf,
    file: File,
}

impl JournalLog for LocalJournal {
    fn append(&mut self, line: &[u8]) -> Result<(), StateError> {
        let mut buf = Vec::with_capacity(line.len() + 1);
        buf.extend_from_slice(line);
        buf.push(b'\n');
        self.file.write_all(&buf).map_err(|e| StateError::Io(format!("Writing {}: {e}.", self.path.display())))
    }

    fn sync(&mut self) -> Result<(), StateError> {
        self.file.sync_data().map_err(|e| StateError::Io(format!("Syncing {}: {e}.", self.path.display())))
    }

    fn finish(self: Box<Self>) -> Result<(), StateError> {
        let path = self.path.clone();
        drop(self);
        std::fs::remove_file(&path).map_err(|e| StateError::Io(format!("Removing {}: {e}.", path.display())))
    }
}

fn backup_path(p: &Path) -> PathBuf {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("terraform.tfstate");
    p.with_file_name(format!("{name}.backup"))
}

/// Writes through a temporary file, fsync and rename: a crash leaves the old
/// file or the new one, never half of either.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StateError> {
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    let io = |e: std::io::Error| StateError::Io(format!("Writing {}: {e}.", path.display()));
    {
        let mut f = File::create(&tmp).map_err(io)?;
        f.write_all(bytes).map_err(io)?;
        f.sync_all().map_err(io)?;
    }
    std::fs::rename(&tmp, path).map_err(io)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

fn who_am_i() -> String {
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    let host =
        std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_else(|_| "localhost".into());
    format!("{user}@{host}")
}

/// Current UTC time in RFC 3339, without external crates.
pub fn now_rfc3339() -> String {
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0) as i64;
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Days since 1970-01-01 to (year, month, day) — Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z.rem_euclid(146097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("strata-state-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn writes_bump_serial_keep_lineage_and_backup() {
        let dir = temp_dir("serial");
        let store = LocalState::new(dir.join("terraform.tfstate"));
        let lock = store.lock("OperationTypeApply", std::time::Duration::ZERO, "1.11.4").unwrap();
        let mut s = StateFile::new("1.11.4");
        s.outputs.insert(
            "a".into(),
            crate::OutputState { value: 1.into(), ty: "number".into(), sensitive: false, extra: Default::default() },
        );
        let w1 = store.write(&lock, s.clone()).unwrap();
        assert_eq!(w1.serial, 1);
        let unchanged = store.write(&lock, w1.clone()).unwrap();
        assert_eq!(unchanged.serial, 1, "no change, no new serial");
        let mut s2 = w1.clone();
        s2.outputs.clear();
        let w2 = store.write(&lock, s2).unwrap();
        assert_eq!(w2.serial, 2);
        assert!(dir.join("terraform.tfstate.backup").exists());
        let other = StateFile::new("1.11.4");
        assert!(matches!(store.write(&lock, other), Err(StateError::Conflict(_))));
        let mut stale = w1;
        stale.serial = 1;
        stale.outputs.clear();
        assert!(matches!(store.write(&lock, stale), Err(StateError::Conflict(_))));
    }

    #[test]
    fn a_second_lock_waits_then_fails() {
        let dir = temp_dir("lock");
        let store = LocalState::new(dir.join("terraform.tfstate"));
        let _held = store.lock("OperationTypeApply", std::time::Duration::ZERO, "1.11.4").unwrap();
        // A separate open file description conflicts even within one process.
        let err =
            store.lock("OperationTypePlan", std::time::Duration::from_millis(120), "1.11.4").err().expect("locked");
        assert!(err.to_string().contains("OperationTypeApply"), "{err}");
    }

    #[test]
    fn imports_refuse_other_lineages_and_older_serials_unless_forced() {
        let dir = temp_dir("import");
        let store = LocalState::new(dir.join("terraform.tfstate"));
        let lock = store.lock("state-push", std::time::Duration::ZERO, "1.11.4").unwrap();
        let output = |v: i64| crate::OutputState {
            value: v.into(),
            ty: "number".into(),
            sensitive: false,
            extra: Default::default(),
        };
        let mut s = StateFile::new("1.11.4");
        s.serial = 7;
        s.outputs.insert("a".into(), output(1));
        let stored = store.import(&lock, s.clone(), false).unwrap();
        assert_eq!(stored.serial, 7, "nothing to replace: the pushed serial stays");
        let mut other = s.clone();
        other.lineage = "other".into();
        let e = store.import(&lock, other.clone(), false).unwrap_err().to_string();
        assert!(e.contains("cannot import state with lineage \"other\" over unrelated state"), "{e}");
        let mut older = s.clone();
        older.serial = 3;
        older.outputs.insert("a".into(), output(2));
        let e = store.import(&lock, older.clone(), false).unwrap_err().to_string();
        assert!(e.contains("cannot import state with serial 3 over newer state with serial 7"), "{e}");
        let mut same_serial = s.clone();
        same_serial.outputs.clear();
        let e = store.import(&lock, same_serial, false).unwrap_err().to_string();
        assert!(e.contains("with a different state that has the same serial"), "{e}");
        assert_eq!(store.import(&lock, s.clone(), false).unwrap().serial, 7, "the same state is a no-op");
        let forced = store.import(&lock, older, true).unwrap();
        assert_eq!(forced.serial, 4, "a forced push writes its own serial plus one");
        assert!(dir.join("terraform.tfstate.backup").exists());
        let forced = store.import(&lock, other, true).unwrap();
        assert_eq!(store.read().unwrap().unwrap().lineage, "other");
        assert_eq!(forced.serial, 8);
    }

    #[test]
    fn corrupt_and_future_states_are_refused() {
        let dir = temp_dir("corrupt");
        let p = dir.join("terraform.tfstate");
        std::fs::write(&p, "{\"version\": 4, \"serial\": ").unwrap();
        assert!(matches!(LocalState::new(&p).read(), Err(StateError::Corrupt(_))));
        std::fs::write(&p, r#"{"version": 5, "serial": 1, "lineage": "x", "terraform_version": "9"}"#).unwrap();
        let e = LocalState::new(&p).read().err().unwrap().to_string();
        assert!(e.contains("newer"), "{e}");
    }

    #[test]
    fn each_kind_of_bad_state_text_gets_its_own_message() {
        let message = |text: &str| StateFile::from_json(text).unwrap_err();
        assert!(message("{\"version\": 4, \"serial\": ").contains("not valid JSON"));
        assert!(message("[4]").contains("no \"version\" field"));
        assert!(message("\"state\"").contains("no \"version\" field"));
        assert!(message(r#"{"serial": 1}"#).contains("no \"version\" field"));
        assert!(message(r#"{"version": 3}"#).contains("format version 3"));
        assert!(message(r#"{"version": 4, "serial": 1}"#).contains("not a valid version 4 state"));
    }

    #[test]
    fn writing_in_place_sets_the_serial_and_reports_unchanged_content() {
        let dir = temp_dir("in-place");
        let store = LocalState::new(dir.join("terraform.tfstate"));
        let lock = store.lock("OperationTypeApply", std::time::Duration::ZERO, "1.11.4").unwrap();
        let mut state = StateFile::new("1.11.4");
        assert!(store.write_in_place(&lock, &mut state).unwrap().is_none(), "written");
        assert_eq!(state.serial, 1);
        let unchanged = store.write_in_place(&lock, &mut state).unwrap().expect("nothing to write");
        assert_eq!((unchanged.serial, state.serial), (1, 1));
    }

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let text = r#"{"version":4,"terraform_version":"1.11.4","serial":3,"lineage":"l","outputs":{},"resources":[{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"schema_version":0,"attributes":{"id":"x"},"sensitive_attributes":[],"identity_schema_version":1}],"future_field":true}],"check_results":null,"new_top":{"a":1}}"#;
        let s = StateFile::from_json(text).unwrap();
        let back: serde_json::Value = serde_json::from_str(&s.to_json()).unwrap();
        assert_eq!(back["new_top"]["a"], 1);
        assert_eq!(back["resources"][0]["future_field"], true);
        assert_eq!(back["resources"][0]["instances"][0]["identity_schema_version"], 1);
    }
}
