//! The configuration a plan was made from, as Terraform keeps it in its
//! plan files: every `*.tf` file of the root module and of the local
//! modules it calls. Applying a saved plan loads the configuration from
//! here, so editing the files after `plan -out` changes nothing.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use strata_config::{LoadOptions, ModuleFiles, ModuleTree};
use strata_diag::Diagnostics;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ConfigSnapshot {
    pub modules: Vec<SnapshotModule>,
}

/// One module directory's files.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SnapshotModule {
    /// Relative to the root module, `/`-separated (`""`: the root module,
    /// `../modules/vpc`).
    pub dir: String,
    /// File name → text.
    pub files: BTreeMap<String, String>,
}

impl ConfigSnapshot {
    /// The files of every module of `tree`.
    pub fn of(tree: &ModuleTree) -> ConfigSnapshot {
        let mut modules: BTreeMap<String, SnapshotModule> = BTreeMap::new();
        let mut stack = vec![(String::new(), tree)];
        while let Some((dir, t)) = stack.pop() {
            for (name, child) in &t.children {
                if let Some(call) = t.module.module_call(name) {
                    stack.push((strata_config::join_display(&dir, &call.source), child));
                }
            }
            let files = t
                .module
                .files
                .iter()
                .map(|f| (f.name.rsplit('/').next().unwrap_or(&f.name).to_string(), f.text.to_string()))
                .collect();
            modules.insert(dir.clone(), SnapshotModule { dir, files });
        }
        ConfigSnapshot { modules: modules.into_values().collect() }
    }

    /// sha256 over every file (directory, name and text).
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for m in &self.modules {
            for (name, text) in &m.files {
                for part in [m.dir.as_bytes(), name.as_bytes(), text.as_bytes()] {
                    h.update(part);
                    h.update([0]);
                }
            }
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    /// Loads the module tree from the snapshot, as if its files were in
    /// `root` (which `path.module` and file functions still read).
    pub fn load(&self, root: &Path) -> (Option<ModuleTree>, Diagnostics) {
        let root = absolute(root);
        let by_dir = self.modules.iter().map(|m| (normalize(&root.join(&m.dir)), m)).collect();
        let files = SnapshotFiles { by_dir };
        strata_config::load_module_tree_with(&root, &LoadOptions::default(), &files)
    }
}

struct SnapshotFiles<'a> {
    by_dir: HashMap<PathBuf, &'a SnapshotModule>,
}

impl ModuleFiles for SnapshotFiles<'_> {
    fn tf_files(&self, dir: &Path) -> Result<Vec<strata_config::ListedFile>, String> {
        let m = self.by_dir.get(&normalize(dir)).ok_or_else(|| "not in the saved plan".to_string())?;
        Ok(m.files.iter().map(|(name, text)| (name.clone(), Ok(text.clone().into_bytes()))).collect())
    }

    fn identity(&self, dir: &Path) -> Option<PathBuf> {
        let n = normalize(dir);
        self.by_dir.contains_key(&n).then_some(n)
    }
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(p)).unwrap_or_else(|_| p.to_path_buf())
    }
}

/// `.` and `..` resolved without asking the filesystem.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
