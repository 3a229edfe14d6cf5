//! The state file as Terraform writes it (`version: 4`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;

/// The version of the state format this crate reads and writes.
pub const STATE_VERSION: u64 = 4;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StateFile {
    pub version: u64,
    pub terraform_version: String,
    pub serial: u64,
    pub lineage: String,
    #[serde(default)]
    pub outputs: BTreeMap<String, OutputState>,
    #[serde(default)]
    pub resources: Vec<ResourceState>,
    #[serde(default)]
    pub check_results: Json,
    /// Fields a newer writer added; kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OutputState {
    pub value: Json,
    #[serde(rename = "type")]
    pub ty: Json,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ResourceState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    pub mode: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub each: Option<String>,
    pub provider: String,
    pub instances: Vec<InstanceState>,
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InstanceState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_key: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposed: Option<String>,
    pub schema_version: u64,
    #[serde(default)]
    pub attributes: Json,
    #[serde(default)]
    pub sensitive_attributes: Json,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependencies: Option<Vec<String>>,
    /// Whether replacements create first (set, or forced by a dependent);
    /// written only when true, as Terraform writes it.
    #[serde(default, skip_serializing_if = "is_not_true")]
    pub create_before_destroy: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

fn is_not_true(flag: &Option<bool>) -> bool {
    *flag != Some(true)
}

impl StateFile {
    /// A fresh, empty state with a new lineage.
    pub fn new(terraform_version: &str) -> StateFile {
        StateFile {
            version: STATE_VERSION,
            terraform_version: terraform_version.to_string(),
            serial: 0,
            lineage: uuid::Uuid::new_v4().to_string(),
            outputs: BTreeMap::new(),
            resources: Vec::new(),
            check_results: Json::Null,
            extra: Map::new(),
        }
    }

    /// Parses state JSON, refusing other versions with a clear message.
    pub fn from_json(text: &str) -> Result<StateFile, String> {
        /// Only the version, read first: the rest of the document is skipped
        /// without being built, so a large state is never held as generic JSON.
        #[derive(Deserialize)]
        struct VersionField {
            #[serde(default)]
            version: Option<Json>,
        }
        let version = match serde_json::from_str::<VersionField>(text) {
            Err(e) if e.classify() != serde_json::error::Category::Data => {
                return Err(format!("The state file is not valid JSON ({e}). It may be truncated or corrupted; restore it from a backup (terraform.tfstate.backup) or from your backend's versioning."));
            }
            // Valid JSON of another shape (an array, a string) has no version field.
            Ok(header) if text.trim_start().starts_with('{') => header.version.as_ref().and_then(Json::as_u64),
            _ => None,
        };
        match version {
            Some(STATE_VERSION) => {}
            Some(v) if v > STATE_VERSION => {
                return Err(format!(
                    "The state file uses format version {v}, which is newer than the version {STATE_VERSION} this Strata understands. It was written by a newer tool; upgrade Strata."
                ))
            }
            Some(v) => {
                return Err(format!(
                    "The state file uses format version {v}. Strata reads version 4 (Terraform 0.12 and later); upgrade the state with Terraform 0.13 or later first."
                ))
            }
            None => return Err("The state file has no \"version\" field; it is not a Terraform state file.".into()),
        }
        serde_json::from_str(text).map_err(|e| format!("The state file is not a valid version 4 state: {e}."))
    }

    /// Compact or pretty JSON, as Terraform writes it (pretty, 2 spaces, trailing newline).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("state serializes");
        s.push('\n');
        s
    }

    /// True when the two states hold the same content (serial, lineage and version stamp aside).
    pub fn same_content(&self, other: &StateFile) -> bool {
        self.outputs == other.outputs
            && self.resources == other.resources
            && self.check_results == other.check_results
            && self.extra == other.extra
    }
}
