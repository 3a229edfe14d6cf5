//! The apply journal: each completed resource operation is appended to
//! `<state>.journal` and fsync'd before the next one starts, so a run that
//! dies loses nothing; at the end the journal is folded into the state file
//! (one atomic write) and removed. A journal found at start-up is replayed.
//! Appending costs the size of one object, so 10,000 operations stay linear.

use crate::model::{InstanceState, ResourceState, StateFile};
use crate::StateError;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// The state a journal builds on; replay refuses another base.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JournalHeader {
    pub lineage: String,
    pub serial: u64,
}

/// One completed operation: the instance's new object, or its removal.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct JournalEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    pub mode: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub each: Option<String>,
    pub provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_key: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposed: Option<String>,
    /// `None`: the instance (or deposed object) is gone.
    pub instance: Option<InstanceState>,
}

pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Starts a journal for operations on top of `base`.
    pub fn create(path: &Path, base: &StateFile) -> Result<Journal, StateError> {
        let io = |e: std::io::Error| StateError::Io(format!("Writing {}: {e}.", path.display()));
        let mut file = OpenOptions::new().create(true).truncate(true).write(true).open(path).map_err(io)?;
        let header = JournalHeader { lineage: base.lineage.clone(), serial: base.serial };
        writeln!(file, "{}", serde_json::to_string(&header).expect("header serializes")).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(Journal { path: path.to_path_buf(), file })
    }

    /// Appends one entry and makes it durable before returning.
    pub fn record(&mut self, entry: &JournalEntry) -> Result<(), StateError> {
        let io = |e: std::io::Error| StateError::Io(format!("Writing {}: {e}.", self.path.display()));
        let mut line = serde_json::to_string(entry).expect("entry serializes");
        line.push('\n');
        self.file.write_all(line.as_bytes()).map_err(io)?;
        self.file.sync_data().map_err(io)
    }

    /// Removes the journal once its entries are in the state file.
    pub fn finish(self) -> Result<(), StateError> {
        drop(self.file);
        std::fs::remove_file(&self.path).map_err(|e| StateError::Io(format!("Removing {}: {e}.", self.path.display())))
    }
}

/// Reads a journal: its header and every complete entry (a torn last line,
/// from a crash mid-write, is ignored).
pub fn read_journal(path: &Path) -> Result<Option<(JournalHeader, Vec<JournalEntry>)>, StateError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StateError::Io(format!("Reading {}: {e}.", path.display()))),
    };
    let mut lines = std::io::BufReader::new(file).lines();
    let header: JournalHeader = match lines.next() {
        Some(Ok(l)) => serde_json::from_str(&l)
            .map_err(|e| StateError::Corrupt(format!("{}: the journal header is unreadable ({e}).", path.display())))?,
        _ => return Ok(None),
    };
    let mut entries = Vec::new();
    for line in lines {
        let Ok(line) = line else { break };
        match serde_json::from_str(&line) {
            Ok(e) => entries.push(e),
            Err(_) => break,
        }
    }
    Ok(Some((header, entries)))
}

/// Applies one entry to a state: upserts or removes the instance (or
/// deposed object), creating or dropping the resource entry as needed.
pub fn apply_entry(state: &mut StateFile, e: &JournalEntry) {
    let pos = state
        .resources
        .iter()
        .position(|r| r.module == e.module && r.mode == e.mode && r.type_name == e.type_name && r.name == e.name);
    let same_instance = |i: &InstanceState| i.index_key == e.index_key && i.deposed == e.deposed;
    match (pos, &e.instance) {
        (Some(p), Some(inst)) => {
            let r = &mut state.resources[p];
            r.provider = e.provider.clone();
            r.each = e.each.clone();
            match r.instances.iter().position(same_instance) {
                Some(i) => r.instances[i] = inst.clone(),
                None => r.instances.push(inst.clone()),
            }
        }
        (None, Some(inst)) => state.resources.push(ResourceState {
            module: e.module.clone(),
            mode: e.mode.clone(),
            type_name: e.type_name.clone(),
            name: e.name.clone(),
            each: e.each.clone(),
            provider: e.provider.clone(),
            instances: vec![inst.clone()],
            extra: Default::default(),
        }),
        (Some(p), None) => {
            state.resources[p].instances.retain(|i| !same_instance(i));
            if state.resources[p].instances.is_empty() {
                state.resources.remove(p);
            }
        }
        (None, None) => {}
    }
}
