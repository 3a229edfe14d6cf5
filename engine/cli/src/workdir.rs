//! The working directory: configuration, workspace and local state paths.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use strata_config::{load_module_tree, LoadOptions, ModuleManifest, ModuleTree};
use strata_diag::Diagnostics;

pub mod workspaces;

pub struct WorkDir {
    /// Absolute path of the working directory (after -chdir).
    pub dir: PathBuf,
    /// The remote backend `init` set up, connected on first use.
    remote: std::sync::OnceLock<Result<Option<std::sync::Arc<strata_backend_s3::S3Backend>>, strata_diag::Diagnostic>>,
}

impl WorkDir {
    pub fn new(chdir: Option<&Path>) -> Result<WorkDir, String> {
        let cwd = std::env::current_dir().map_err(|e| format!("Cannot read the working directory: {e}"))?;
        let dir = match chdir {
            Some(d) => {
                let d = cwd.join(d);
                if !d.is_dir() {
                    return Err(format!("The directory given by -chdir does not exist: {}", d.display()));
                }
                std::env::set_current_dir(&d).map_err(|e| format!("Cannot change to {}: {e}", d.display()))?;
                d.canonicalize().unwrap_or(d)
            }
            None => cwd,
        };
        Ok(WorkDir { dir, remote: std::sync::OnceLock::new() })
    }

    /// The configuration: the root module, its local modules and the
    /// modules `init` installed.
    pub fn load(&self) -> (Option<ModuleTree>, Diagnostics) {
        let installed = match ModuleManifest::read(&self.dir) {
            Ok(m) => m,
            Err(e) => {
                let mut diags = Diagnostics::new();
                diags.push(
                    strata_diag::Diagnostic::error("Failed to read module manifest")
                        .with_detail(format!("{e}. Run \"strata init\" to install the modules again.")),
                );
                return (None, diags);
            }
        };
        load_module_tree(&self.dir, &LoadOptions { installed, ..LoadOptions::default() })
    }

    /// The selected workspace: `TF_WORKSPACE`, else `.terraform/environment`, else "default".
    pub fn workspace(&self) -> String {
        if let Ok(w) = std::env::var("TF_WORKSPACE") {
            if !w.is_empty() {
                return w;
            }
        }
        std::fs::read_to_string(self.dir.join(".terraform").join("environment"))
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "default".to_string())
    }

    /// The state store every command reads and writes: an explicit
    /// `-state` file, else the selected workspace's state in the configured
    /// backend (local files unless `strata init` set up another).
    pub fn state_store(&self, explicit: Option<&Path>) -> Result<strata_state::StateStore, strata_diag::Diagnostic> {
        if explicit.is_none() {
            if let Some(remote) = self.remote()? {
                return Ok(strata_state::StateStore::with_storage(remote.storage(&self.workspace())));
            }
        }
        Ok(strata_state::StateStore::new(self.state_path(explicit)))
    }

    /// The S3 backend `strata init` set up; `None` for local state.
    pub fn remote(&self) -> Result<Option<std::sync::Arc<strata_backend_s3::S3Backend>>, strata_diag::Diagnostic> {
        self.remote
            .get_or_init(|| match crate::backend::read_record(self)? {
                Some(r) if r.kind == "s3" => crate::backend::connect(&r).map(Some),
                Some(r) => Err(strata_diag::Diagnostic::error("Unsupported backend type").with_detail(format!(
                    "The backend {:?} recorded by init is not supported; Strata has \"local\" and \"s3\".",
                    r.kind
                ))),
                None => Ok(None),
            })
            .clone()
    }

    /// The local file behind `state_store`, when the state is local.
    pub fn local_state_path(&self, explicit: Option<&Path>) -> Option<PathBuf> {
        match (explicit, self.remote()) {
            (None, Ok(Some(_))) => None,
            _ => Some(self.state_path(explicit)),
        }
    }

    /// Local state path for the selected workspace, as Terraform's local backend.
    pub fn state_path(&self, explicit: Option<&Path>) -> PathBuf {
        if let Some(p) = explicit {
            return self.dir.join(p);
        }
        self.workspaces().state_path(&self.workspace())
    }

    pub fn environment() -> BTreeMap<String, String> {
        std::env::vars().collect()
    }
}

/// Parses Terraform durations like `30s`, `5m`, `1m30s`, `500ms`.
pub fn parse_duration(s: &str) -> Option<std::time::Duration> {
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.trim().chars().peekable();
    if s.trim() == "0" {
        return Some(std::time::Duration::ZERO);
    }
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        while let Some(n) = chars.peek() {
            if n.is_ascii_alphabetic() {
                unit.push(*n);
                chars.next();
            } else {
                break;
            }
        }
        let v: f64 = num.parse().ok()?;
        num.clear();
        total += v * match unit.as_str() {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
    }
    if !num.is_empty() {
        return None;
    }
    Some(std::time::Duration::from_secs_f64(total))
}
