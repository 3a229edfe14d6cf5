//! Workspaces: named states of one configuration, and which one is selected.
//!
//! A backend keeps the states; `WorkspaceStore` is what the workspace
//! commands need from it. `LocalWorkspaces` is Terraform's local backend:
//! `default` in `terraform.tfstate`, the others in
//! `terraform.tfstate.d/<name>/terraform.tfstate`. It is the only place that
//! knows that layout; a remote backend (S3) lists and deletes objects instead.
//! The selection itself (`.terraform/environment`, `TF_WORKSPACE`) is always
//! local, whatever the backend, so it lives on `WorkDir`.

use super::WorkDir;
use std::path::{Path, PathBuf};
use std::time::Duration;
use strata_config::TERRAFORM_COMPAT_VERSION;
use strata_diag::Diagnostic;
use strata_state::{LocalState, StateError, StateFile, StateLock};

/// The workspace every backend has and none may delete.
pub const DEFAULT_WORKSPACE: &str = "default";

/// Where a backend keeps its workspaces' states.
pub trait WorkspaceStore {
    /// Every workspace: `default` first, then the others sorted by name.
    fn list(&self) -> Result<Vec<String>, StateError>;
    /// Makes a new, empty workspace.
    fn create(&self, name: &str) -> Result<(), StateError>;
    /// Removes a workspace and everything stored for it (never `default`).
    fn delete(&self, name: &str) -> Result<(), StateError>;
    /// A workspace's state; `None` when it has none yet.
    fn read_state(&self, name: &str) -> Result<Option<StateFile>, StateError>;
    /// Takes a workspace's state lock, waiting up to `timeout`. The handle
    /// reads and writes the state under the lock and releases it on drop.
    fn lock(&self, name: &str, operation: &str, timeout: Duration) -> Result<Box<dyn LockedState + '_>, StateError>;
}

/// A workspace state held under its lock.
pub trait LockedState {
    fn read(&self) -> Result<Option<StateFile>, StateError>;
    /// Writes the state (serial and lineage checks as `LocalState::write`).
    fn write(&self, state: StateFile) -> Result<StateFile, StateError>;
    /// Replaces the state with another one whatever its lineage (`init
    /// -migrate-state`), serial kept.
    fn replace(&self, state: StateFile) -> Result<StateFile, StateError>;
}

/// Terraform's local backend layout, rooted at the working directory.
pub struct LocalWorkspaces {
    dir: PathBuf,
}

impl LocalWorkspaces {
    pub fn new(dir: &Path) -> LocalWorkspaces {
        LocalWorkspaces { dir: dir.to_path_buf() }
    }

    /// `terraform.tfstate.d`: one directory per non-default workspace.
    fn workspaces_dir(&self) -> PathBuf {
        self.dir.join("terraform.tfstate.d")
    }

    /// The state file of a workspace.
    pub fn state_path(&self, name: &str) -> PathBuf {
        if name == DEFAULT_WORKSPACE {
            self.dir.join("terraform.tfstate")
        } else {
            self.workspaces_dir().join(name).join("terraform.tfstate")
        }
    }
}

impl WorkspaceStore for LocalWorkspaces {
    fn list(&self) -> Result<Vec<String>, StateError> {
        let mut names = Vec::new();
        let dir = self.workspaces_dir();
        match std::fs::read_dir(&dir) {
            Ok(entries) => {
                for e in entries {
                    let e = e.map_err(|e| StateError::Io(format!("Reading {}: {e}.", dir.display())))?;
                    if e.file_type().is_ok_and(|t| t.is_dir()) {
                        names.push(e.file_name().to_string_lossy().into_owned());
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(StateError::Io(format!("Reading {}: {e}.", dir.display()))),
        }
        names.sort();
        names.insert(0, DEFAULT_WORKSPACE.to_string());
        Ok(names)
    }

    fn create(&self, name: &str) -> Result<(), StateError> {
        if name == DEFAULT_WORKSPACE {
            return Ok(());
        }
        let d = self.workspaces_dir().join(name);
        std::fs::create_dir_all(&d).map_err(|e| StateError::Io(format!("Creating {}: {e}.", d.display())))
    }

    fn delete(&self, name: &str) -> Result<(), StateError> {
        if name.is_empty() || !valid_workspace_name(name) {
            return Err(StateError::Io(format!("Invalid workspace name {name:?}.")));
        }
        if name == DEFAULT_WORKSPACE {
            return Err(StateError::Io("cannot delete default state".into()));
        }
        let d = self.workspaces_dir().join(name);
        match std::fs::remove_dir_all(&d) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StateError::Io(format!("Removing {}: {e}.", d.display()))),
        }
    }

    fn read_state(&self, name: &str) -> Result<Option<StateFile>, StateError> {
        LocalState::new(self.state_path(name)).read()
    }

    fn lock(&self, name: &str, operation: &str, timeout: Duration) -> Result<Box<dyn LockedState + '_>, StateError> {
        let store = LocalState::new(self.state_path(name));
        let lock = store.lock(operation, timeout, TERRAFORM_COMPAT_VERSION)?;
        // An apply interrupted in this workspace left its work in the journal.
        store.recover(&lock, TERRAFORM_COMPAT_VERSION)?;
        Ok(Box::new(LocalLocked { store, lock }))
    }
}

/// The S3 backend's workspaces: objects at `<prefix>/<name>/<key>`.
pub struct RemoteWorkspaces {
    pub backend: std::sync::Arc<strata_backend_s3::S3Backend>,
}

impl RemoteWorkspaces {
    fn store(&self, name: &str) -> LocalState {
        LocalState::with_storage(self.backend.storage(name))
    }
}

impl WorkspaceStore for RemoteWorkspaces {
    fn list(&self) -> Result<Vec<String>, StateError> {
        self.backend.workspaces()
    }

    fn create(&self, name: &str) -> Result<(), StateError> {
        // A workspace exists once its state object does, as in Terraform.
        let store = self.store(name);
        let lock = store.lock("workspace-new", Duration::ZERO, TERRAFORM_COMPAT_VERSION)?;
        if store.read()?.is_none() {
            store.write(&lock, StateFile::new(TERRAFORM_COMPAT_VERSION))?;
        }
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), StateError> {
        if name == DEFAULT_WORKSPACE {
            return Err(StateError::Io("cannot delete default state".into()));
        }
        self.backend.delete_workspace(name)
    }

    fn read_state(&self, name: &str) -> Result<Option<StateFile>, StateError> {
        self.store(name).read()
    }

    fn lock(&self, name: &str, operation: &str, timeout: Duration) -> Result<Box<dyn LockedState + '_>, StateError> {
        let store = self.store(name);
        let lock = store.lock(operation, timeout, TERRAFORM_COMPAT_VERSION)?;
        store.recover(&lock, TERRAFORM_COMPAT_VERSION)?;
        Ok(Box::new(LocalLocked { store, lock }))
    }
}

/// A workspace's store held under its lock (any backend).
struct LocalLocked {
    store: LocalState,
    lock: StateLock,
}

impl LockedState for LocalLocked {
    fn read(&self) -> Result<Option<StateFile>, StateError> {
        self.store.read()
    }

    fn write(&self, state: StateFile) -> Result<StateFile, StateError> {
        self.store.write(&self.lock, state)
    }

    fn replace(&self, state: StateFile) -> Result<StateFile, StateError> {
        self.store.import(&self.lock, state, true)
    }
}

/// Terraform's rule: a name is valid when URL path escaping leaves it as it
/// is (Go's `url.PathEscape`): ASCII letters, digits and `-_.~$&+:=@`.
/// Strata also refuses the empty name, `.` and `..`, which Terraform takes
/// and which would put a state outside `terraform.tfstate.d/<name>/`.
pub fn valid_workspace_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~$&+:=@".contains(&b))
}

/// Why the selected workspace cannot be used.
pub enum SelectionError {
    /// `TF_WORKSPACE` holds a name that is not allowed.
    InvalidOverride,
    /// `.terraform/environment` holds a name that is not allowed.
    InvalidSelection(String),
}

impl SelectionError {
    /// The message, as Terraform words it for `TF_WORKSPACE`.
    pub fn message(&self) -> String {
        match self {
            SelectionError::InvalidOverride => "Invalid workspace name set using TF_WORKSPACE".to_string(),
            SelectionError::InvalidSelection(name) => {
                format!("Invalid workspace name {name:?} selected in .terraform/environment")
            }
        }
    }

    pub fn to_diagnostic(&self) -> Diagnostic {
        let d = Diagnostic::error(self.message());
        match self {
            SelectionError::InvalidOverride => d,
            SelectionError::InvalidSelection(_) => d.with_detail(
                "A workspace name may hold only letters, digits and -_.~$&+:=@. Select a workspace with `strata workspace select NAME`.",
            ),
        }
    }
}

impl WorkDir {
    /// The local backend's workspace layout of this working directory.
    pub fn workspaces(&self) -> LocalWorkspaces {
        LocalWorkspaces::new(&self.dir)
    }

    /// The workspaces of the backend in use (local, or the one `init` set up).
    pub fn workspace_store(&self) -> Result<Box<dyn WorkspaceStore>, Diagnostic> {
        Ok(match self.remote()? {
            Some(backend) => Box::new(RemoteWorkspaces { backend }),
            None => Box::new(self.workspaces()),
        })
    }

    /// The workspace named by `TF_WORKSPACE`, which overrides the selection.
    pub fn workspace_override(&self) -> Option<String> {
        std::env::var("TF_WORKSPACE").ok().filter(|w| !w.is_empty())
    }

    /// The selected workspace, refused when its name is not allowed (it
    /// would name a state path outside the workspace directory).
    pub fn checked_workspace(&self) -> Result<String, SelectionError> {
        let name = self.workspace();
        if valid_workspace_name(&name) {
            Ok(name)
        } else if self.workspace_override().is_some() {
            Err(SelectionError::InvalidOverride)
        } else {
            Err(SelectionError::InvalidSelection(name))
        }
    }

    /// Records the selection in `.terraform/environment`, as Terraform does.
    pub fn select_workspace(&self, name: &str) -> std::io::Result<()> {
        let dir = self.dir.join(".terraform");
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("environment"), name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_as_url_path_segments() {
        for ok in ["default", "staging", "UP_x-1.2", "a$b", "a&b", "a+b", "a:b", "a=b", "a@b", "a~b"] {
            assert!(valid_workspace_name(ok), "{ok}");
        }
        for bad in ["", ".", "..", "a/b", "a;b", "a,b", "a?b", "a b", "é", "a%b", "a\\b"] {
            assert!(!valid_workspace_name(bad), "{bad}");
        }
    }

    #[test]
    fn local_layout_lists_default_first_then_sorted_directories() {
        let dir = std::env::temp_dir().join(format!("strata-ws-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("terraform.tfstate.d")).unwrap();
        std::fs::write(dir.join("terraform.tfstate.d/not-a-workspace"), "").unwrap();
        let ws = LocalWorkspaces::new(&dir);
        ws.create("zeta").unwrap();
        ws.create("alpha").unwrap();
        assert_eq!(ws.list().unwrap(), ["default", "alpha", "zeta"]);
        assert_eq!(ws.state_path("default"), dir.join("terraform.tfstate"));
        assert_eq!(ws.state_path("alpha"), dir.join("terraform.tfstate.d/alpha/terraform.tfstate"));
        assert!(ws.delete("default").is_err());
        ws.delete("alpha").unwrap();
        assert_eq!(ws.list().unwrap(), ["default", "zeta"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
