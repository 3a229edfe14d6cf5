//! The local state store (`terraform.tfstate`), as Terraform's local backend.

use crate::model::StateFile;
use crate::StateError;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

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

/// A held lock on a local state file; released on drop.
pub struct StateLock {
    file: File,
    info_path: PathBuf,
}

impl Drop for StateLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.info_path);
        let _ = self.file.unlock();
    }
}

pub struct LocalState {
    pub path: PathBuf,
}

impl LocalState {
    pub fn new(path: impl Into<PathBuf>) -> LocalState {
        LocalState { path: path.into() }
    }

    fn info_path(&self) -> PathBuf {
        let name = self.path.file_name().and_then(|n| n.to_str()).unwrap_or("terraform.tfstate");
        self.path.with_file_name(format!(".{name}.lock.info"))
    }

    /// Reads the state; `Ok(None)` when there is none yet.
    pub fn read(&self) -> Result<Option<StateFile>, StateError> {
        let text = match std::fs::read(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StateError::Io(format!("Reading {}: {e}.", self.path.display()))),
        };
        if text.iter().all(|b| b.is_ascii_whitespace()) {
            return Ok(None);
        }
        let text = String::from_utf8(text).map_err(|_| {
            StateError::Corrupt(format!("{} is not valid UTF-8; it is corrupted.", self.path.display()))
        })?;
        StateFile::from_json(&text).map(Some).map_err(|m| StateError::Corrupt(format!("{}: {m}", self.path.display())))
    }

    /// Takes the lock (advisory, like Terraform's local backend), waiting up
    /// to `timeout` for another holder to let go.
    pub fn lock(&self, operation: &str, timeout: std::time::Duration, version: &str) -> Result<StateLock, StateError> {
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
                        let who = holder.map_or_else(
                            || "another process".to_string(),
                            |h| format!("Lock Info:\n  ID:        {}\n  Path:      {}\n  Operation: {}\n  Who:       {}\n  Version:   {}\n  Created:   {}", h.id, h.path, h.operation, h.who, h.version, h.created),
                        );
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
        let info = LockInfo {
            id: uuid::Uuid::new_v4().to_string(),
            operation: operation.to_string(),
            info: String::new(),
            who: who_am_i(),
            version: version.to_string(),
            created: now_rfc3339(),
            path: self.path.display().to_string(),
        };
        let _ = std::fs::write(self.info_path(), serde_json::to_string(&info).expect("lock info serializes"));
        Ok(StateLock { file, info_path: self.info_path() })
    }

    /// Where the apply journal lives: beside the state file.
    pub fn journal_path(&self) -> PathBuf {
        let name = self.path.file_name().and_then(|n| n.to_str()).unwrap_or("terraform.tfstate");
        self.path.with_file_name(format!("{name}.journal"))
    }

    /// Folds a journal left by an interrupted run into the state file.
    /// Returns how many operations were recovered (0: no journal).
    pub fn recover(&self, lock: &StateLock, version: &str) -> Result<usize, StateError> {
        let path = self.journal_path();
        let Some((header, entries)) = crate::journal::read_journal(&path)? else {
            let _ = std::fs::remove_file(&path);
            return Ok(0);
        };
        let state = self.read()?.unwrap_or_else(|| {
            let mut s = StateFile::new(version);
            s.lineage = header.lineage.clone();
            s
        });
        if state.lineage != header.lineage {
            return Err(StateError::Conflict(format!(
                "{} holds operations for state lineage {:?}, but {} has lineage {:?}. Move the journal aside after checking it by hand.",
                path.display(),
                header.lineage,
                self.path.display(),
                state.lineage
            )));
        }
        let mut builder = crate::journal::StateBuilder::new(state);
        for e in &entries {
            builder.apply(e);
        }
        self.write(lock, builder.finish())?;
        std::fs::remove_file(&path).map_err(|e| StateError::Io(format!("Removing {}: {e}.", path.display())))?;
        Ok(entries.len())
    }

    fn lock_file_path(&self) -> PathBuf {
        let name = self.path.file_name().and_then(|n| n.to_str()).unwrap_or("terraform.tfstate");
        self.path.with_file_name(format!(".{name}.lock"))
    }

    /// Writes `new` over the stored state. Needs the lock. The serial is
    /// bumped when the content changed; a stored state of another lineage or
    /// a newer serial is never overwritten. Returns the state as written.
    pub fn write(&self, _lock: &StateLock, mut new: StateFile) -> Result<StateFile, StateError> {
        let current = self.read()?;
        if let Some(cur) = &current {
            if cur.lineage != new.lineage {
                return Err(StateError::Conflict(format!(
                    "Cannot write state with lineage {:?} over unrelated state with lineage {:?} at {}.",
                    new.lineage,
                    cur.lineage,
                    self.path.display()
                )));
            }
            if cur.serial > new.serial {
                return Err(StateError::Conflict(format!(
                    "Cannot write state with serial {} over newer state with serial {} at {}; another operation changed it meanwhile.",
                    new.serial,
                    cur.serial,
                    self.path.display()
                )));
            }
            if cur.same_content(&new) {
                return Ok(cur.clone());
            }
            new.serial = cur.serial + 1;
        } else {
            new.serial = new.serial.max(1);
        }
        let bytes = new.to_json();
        if let Some(cur_bytes) = current.as_ref().and_then(|_| std::fs::read(&self.path).ok()) {
            write_atomic(&backup_path(&self.path), &cur_bytes)?;
        }
        write_atomic(&self.path, bytes.as_bytes())?;
        Ok(new)
    }

    /// Replaces the stored state with `new`, as `state push` does. Unless
    /// `force`, a state of another lineage, an older serial, or the same
    /// serial with other content is refused, in Terraform's words
    /// (`statemgr.CheckValidImport`); an empty stored state may always be
    /// replaced. The result keeps `new`'s lineage and serial, plus one when
    /// the content changes. Needs the lock; keeps a backup.
    pub fn import(&self, _lock: &StateLock, mut new: StateFile, force: bool) -> Result<StateFile, StateError> {
        let current = self.read()?;
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
            let cur_bytes = std::fs::read(&self.path)
                .map_err(|e| StateError::Io(format!("Reading {}: {e}.", self.path.display())))?;
            write_atomic(&backup_path(&self.path), &cur_bytes)?;
        } else {
            new.serial = new.serial.max(1);
        }
        write_atomic(&self.path, new.to_json().as_bytes())?;
        Ok(new)
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
    fn unknown_fields_survive_a_round_trip() {
        let text = r#"{"version":4,"terraform_version":"1.11.4","serial":3,"lineage":"l","outputs":{},"resources":[{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"schema_version":0,"attributes":{"id":"x"},"sensitive_attributes":[],"identity_schema_version":1}],"future_field":true}],"check_results":null,"new_top":{"a":1}}"#;
        let s = StateFile::from_json(text).unwrap();
        let back: serde_json::Value = serde_json::from_str(&s.to_json()).unwrap();
        assert_eq!(back["new_top"]["a"], 1);
        assert_eq!(back["resources"][0]["future_field"], true);
        assert_eq!(back["resources"][0]["instances"][0]["identity_schema_version"], 1);
    }
}
