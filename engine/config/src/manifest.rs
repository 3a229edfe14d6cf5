//! `.terraform/modules/modules.json`: where `init` installed each module
//! call, in Terraform's format, so a working directory initialized by
//! Terraform loads in Strata and the other way round.

use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One installed module call. `key` is the call path (`vpc`, `vpc.inner`;
/// `""` for the root module).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    pub key: String,
    /// The normalized source address (`ModuleSource::normalized`).
    pub source: String,
    /// The version a registry module was installed at.
    pub version: Option<String>,
    /// The module's directory, relative to the root module, `/`-separated.
    pub dir: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleManifest {
    pub entries: BTreeMap<String, ManifestEntry>,
}

impl ModuleManifest {
    pub fn path(root: &Path) -> PathBuf {
        root.join(".terraform").join("modules").join("modules.json")
    }

    /// The manifest of the working directory `root`; `Ok(None)` when no
    /// module was installed there.
    pub fn read(root: &Path) -> Result<Option<ModuleManifest>, String> {
        let path = Self::path(root);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        Self::parse(&text).map(Some).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<ModuleManifest, String> {
        let doc: Json = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut entries = BTreeMap::new();
        for m in doc.get("Modules").and_then(|m| m.as_array()).ok_or("no \"Modules\" list")? {
            let field = |k: &str| m.get(k).and_then(|v| v.as_str()).map(str::to_string);
            let entry = ManifestEntry {
                key: field("Key").ok_or("a module without \"Key\"")?,
                source: field("Source").unwrap_or_default(),
                version: field("Version").filter(|v| !v.is_empty()),
                dir: field("Dir").ok_or("a module without \"Dir\"")?.replace('\\', "/"),
            };
            entries.insert(entry.key.clone(), entry);
        }
        Ok(ModuleManifest { entries })
    }

    /// The JSON Terraform writes: one line, entries in key order.
    pub fn to_json(&self) -> String {
        let modules: Vec<Json> = self
            .entries
            .values()
            .map(|e| {
                let mut o = serde_json::Map::new();
                o.insert("Key".into(), json!(e.key));
                o.insert("Source".into(), json!(e.source));
                if let Some(v) = &e.version {
                    o.insert("Version".into(), json!(v));
                }
                o.insert("Dir".into(), json!(e.dir));
                Json::Object(o)
            })
            .collect();
        json!({ "Modules": modules }).to_string()
    }

    pub fn get(&self, key: &str) -> Option<&ManifestEntry> {
        self.entries.get(key)
    }

    pub fn insert(&mut self, entry: ManifestEntry) {
        self.entries.insert(entry.key.clone(), entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_terraforms_manifest() {
        let text = r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"l","Source":"./loc","Dir":"loc"},{"Key":"r","Source":"registry.example.test/acme/net/aws","Version":"1.2.0","Dir":".terraform/modules/r"},{"Key":"r.inner","Source":"./sub","Dir":".terraform/modules/r/sub"}]}"#;
        let m = ModuleManifest::parse(text).unwrap();
        assert_eq!(m.get("r").unwrap().version.as_deref(), Some("1.2.0"));
        assert_eq!(m.to_json(), text);
    }
}
