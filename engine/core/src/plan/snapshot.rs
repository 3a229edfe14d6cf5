//! The configuration a plan was made from, as Terraform keeps it in its
//! plan files: every `*.tf` file of the root module and of the local
//! modules it calls. Applying a saved plan loads the configuration from
//! here, so editing the files after `plan -out` changes nothing.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use strata_config::{LoadOptions, ManifestEntry, ModuleFiles, ModuleManifest, ModuleTree};
use strata_diag::Diagnostics;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ConfigSnapshot {
    pub modules: Vec<SnapshotModule>,
    /// Where the module calls with remote sources were installed
    /// (`modules.json` as `init` wrote it when the plan was made).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub installed: Vec<SnapshotInstalled>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SnapshotInstalled {
    pub key: String,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub dir: String,
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
    pub fn of(tree: &ModuleTree, installed: Option<&ModuleManifest>) -> ConfigSnapshot {
        let mut modules: BTreeMap<String, SnapshotModule> = BTreeMap::new();
        let mut stack = vec![tree];
        while let Some(t) = stack.pop() {
            stack.extend(t.children.values());
            let dir = t.module.display_dir.clone();
            let files = t
                .module
                .files
                .iter()
                .map(|f| (f.name.rsplit('/').next().unwrap_or(&f.name).to_string(), f.text.to_string()))
                .collect();
            modules.insert(dir.clone(), SnapshotModule { dir, files });
        }
        let installed = installed
            .map(|m| {
                m.entries
                    .values()
                    .map(|e| SnapshotInstalled {
                        key: e.key.clone(),
                        source: e.source.clone(),
                        version: e.version.clone(),
                        dir: e.dir.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        ConfigSnapshot { modules: modules.into_values().collect(), installed }
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
        let installed = (!self.installed.is_empty()).then(|| {
            let mut m = ModuleManifest::default();
            for e in &self.installed {
                m.insert(ManifestEntry {
                    key: e.key.clone(),
                    source: e.source.clone(),
                    version: e.version.clone(),
                    dir: e.dir.clone(),
                });
            }
            m
        });
        strata_config::load_module_tree_with(&root, &LoadOptions { installed, ..LoadOptions::default() }, &files)
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
