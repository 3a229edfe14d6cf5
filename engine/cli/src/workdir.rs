//! The working directory: configuration, workspace and local state paths.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use strata_config::{load_module_tree, LoadOptions, ModuleTree};
use strata_diag::Diagnostics;

pub mod workspaces;

pub struct WorkDir {
    /// Absolute path of the working directory (after -chdir).
    pub dir: PathBuf,
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
        Ok(WorkDir { dir })
    }

    pub fn load(&self) -> (Option<ModuleTree>, Diagnostics) {
        load_module_tree(&self.dir, &LoadOptions::default())
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
