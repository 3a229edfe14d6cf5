//! Terraform state, version 4: the file model (unknown fields preserved)
//! and the local state store. Every write is locked, atomic (temp file +
//! rename), keeps a backup, bumps the serial only when something changed,
//! and refuses to overwrite a state of another lineage or a newer serial.
//! This crate knows nothing of configuration or evaluation.

mod journal;
mod local;
mod model;
pub mod ops;

pub use journal::{parse_journal, pending_intents, Journal, JournalEntry, JournalHeader, StateBuilder};
pub use local::{
    now_rfc3339, JournalLog, LocalState, LocalStorage, LockInfo, Recovered, StateLock, StateStore, Storage,
};
pub use model::*;

use strata_diag::Diagnostic;

/// Why a state operation failed.
#[derive(Debug)]
pub enum StateError {
    Io(String),
    Corrupt(String),
    Locked(String),
    Conflict(String),
}

impl StateError {
    pub fn to_diagnostic(&self) -> Diagnostic {
        match self {
            StateError::Io(m) => Diagnostic::error("Failed to access state").with_detail(m.clone()),
            StateError::Corrupt(m) => Diagnostic::error("Failed to load state").with_detail(m.clone()),
            StateError::Locked(m) => Diagnostic::error("Error acquiring the state lock").with_detail(m.clone()),
            StateError::Conflict(m) => Diagnostic::error("State conflict").with_detail(m.clone()),
        }
    }
}

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.to_diagnostic();
        write!(f, "{}: {}", d.summary, d.detail)
    }
}
