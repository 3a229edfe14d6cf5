//! The state file as Terraform writes it (`version: 4`).
//!
//! Reading is built for large states: the structs are read field by field
//! straight from the parser (serde's `flatten`, used for the fields a newer
//! writer may add, would first buffer the whole document), and each
//! object's attributes are kept as compact JSON text ([`Attributes`]),
//! about their size on disk, rather than as a tree of generic JSON values
//! several times larger. They are decoded when used.

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;

/// The version of the state format this crate reads and writes.
pub const STATE_VERSION: u64 = 4;

#[derive(Debug, Clone, Serialize, PartialEq)]
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

#[derive(Debug, Clone, Serialize, PartialEq)]
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

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InstanceState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_key: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposed: Option<String>,
    pub schema_version: u64,
    pub attributes: Attributes,
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

/// An object's attributes as compact JSON text (see the module doc).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes(Box<str>);

impl Attributes {
    pub fn from_json(v: &Json) -> Attributes {
        Attributes(serde_json::to_string(v).expect("JSON serializes").into_boxed_str())
    }

    /// The attributes as JSON (`null` when there are none).
    pub fn to_json(&self) -> Json {
        if self.0.is_empty() {
            return Json::Null;
        }
        serde_json::from_str(&self.0).unwrap_or(Json::Null)
    }

    /// One top-level attribute.
    pub fn get(&self, key: &str) -> Option<Json> {
        match self.to_json() {
            Json::Object(mut m) => m.remove(key),
            _ => None,
        }
    }

    /// The compact JSON text.
    pub fn as_text(&self) -> &str {
        if self.0.is_empty() {
            "null"
        } else {
            &self.0
        }
    }
}

impl From<Json> for Attributes {
    fn from(v: Json) -> Attributes {
        Attributes::from_json(&v)
    }
}

impl Serialize for Attributes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Through a JSON value, so the pretty writer indents it as the rest.
        self.to_json().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Attributes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Attributes, D::Error> {
        let raw: Box<serde_json::value::RawValue> = Deserialize::deserialize(d)?;
        Ok(Attributes(minify(raw.get()).into_boxed_str()))
    }
}

/// `json` (valid JSON) without the whitespace between its tokens. (Bytes,
/// not chars: every byte that matters here is ASCII, and no byte of a
/// multi-byte UTF-8 character is.)
fn minify(json: &str) -> String {
    let bytes = json.as_bytes();
    if !bytes.iter().any(|b| b.is_ascii_whitespace()) {
        return json.to_string();
    }
    let mut out = Vec::with_capacity(bytes.len());
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
            out.push(b);
        } else if !b.is_ascii_whitespace() {
            out.push(b);
        }
    }
    String::from_utf8(out).expect("only ASCII whitespace was removed")
}

/// Reads a struct field by field: `field` takes each known key (reading its
/// value from `map`) and returns false for others, which go to `extra`.
fn read_fields<'de, A: MapAccess<'de>>(
    mut map: A,
    mut field: impl FnMut(&str, &mut A) -> Result<bool, A::Error>,
) -> Result<Map<String, Json>, A::Error> {
    let mut extra = Map::new();
    while let Some(key) = map.next_key::<String>()? {
        if !field(&key, &mut map)? {
            let v: Json = map.next_value()?;
            extra.insert(key, v);
        }
    }
    Ok(extra)
}

fn missing<E: de::Error, T>(v: Option<T>, name: &'static str) -> Result<T, E> {
    v.ok_or_else(|| de::Error::missing_field(name))
}

/// `Deserialize` for a struct read by hand from a JSON object.
macro_rules! map_visitor {
    ($ty:ty, $expecting:literal, |$map:ident| $body:block) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_map<A: MapAccess<'de>>(self, $map: A) -> Result<$ty, A::Error> $body
                }
                d.deserialize_map(V)
            }
        }
    };
}

map_visitor!(StateFile, "a state file object", |map| {
    let (mut version, mut terraform_version, mut serial, mut lineage) = (None, None, None, None);
    let (mut outputs, mut resources, mut check_results) = (BTreeMap::new(), Vec::new(), Json::Null);
    let extra = read_fields(map, |key, map| {
        match key {
            "version" => version = Some(map.next_value()?),
            "terraform_version" => terraform_version = Some(map.next_value()?),
            "serial" => serial = Some(map.next_value()?),
            "lineage" => lineage = Some(map.next_value()?),
            "outputs" => outputs = map.next_value::<Option<_>>()?.unwrap_or_default(),
            "resources" => resources = map.next_value::<Option<_>>()?.unwrap_or_default(),
            "check_results" => check_results = map.next_value()?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(StateFile {
        version: missing(version, "version")?,
        terraform_version: missing(terraform_version, "terraform_version")?,
        serial: missing(serial, "serial")?,
        lineage: missing(lineage, "lineage")?,
        outputs,
        resources,
        check_results,
        extra,
    })
});

map_visitor!(ResourceState, "a resource object", |map| {
    let (mut module, mut mode, mut type_name, mut name, mut each, mut provider) = (None, None, None, None, None, None);
    let mut instances = None;
    let extra = read_fields(map, |key, map| {
        match key {
            "module" => module = map.next_value()?,
            "mode" => mode = Some(map.next_value()?),
            "type" => type_name = Some(map.next_value()?),
            "name" => name = Some(map.next_value()?),
            "each" => each = map.next_value()?,
            "provider" => provider = Some(map.next_value()?),
            "instances" => instances = Some(map.next_value()?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(ResourceState {
        module,
        mode: missing(mode, "mode")?,
        type_name: missing(type_name, "type")?,
        name: missing(name, "name")?,
        each,
        provider: missing(provider, "provider")?,
        instances: missing(instances, "instances")?,
        extra,
    })
});

map_visitor!(InstanceState, "a resource instance object", |map| {
    let (mut index_key, mut status, mut deposed, mut schema_version) = (None, None, None, None);
    let (mut attributes, mut sensitive_attributes, mut private) = (Attributes::default(), Json::Null, None);
    let (mut dependencies, mut create_before_destroy) = (None, None);
    let extra = read_fields(map, |key, map| {
        match key {
            "index_key" => index_key = map.next_value()?,
            "status" => status = map.next_value()?,
            "deposed" => deposed = map.next_value()?,
            "schema_version" => schema_version = Some(map.next_value()?),
            "attributes" => attributes = map.next_value()?,
            "sensitive_attributes" => sensitive_attributes = map.next_value()?,
            "private" => private = map.next_value()?,
            "dependencies" => dependencies = map.next_value()?,
            "create_before_destroy" => create_before_destroy = map.next_value()?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(InstanceState {
        index_key,
        status,
        deposed,
        schema_version: missing(schema_version, "schema_version")?,
        attributes,
        sensitive_attributes,
        private,
        dependencies,
        create_before_destroy,
        extra,
    })
});

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
        // The common case first: one pass over a large state. Only when it
        // fails is the version read alone, to say what is wrong.
        let parsed = match serde_json::from_str::<StateFile>(text) {
            Ok(s) if s.version == STATE_VERSION => return Ok(s),
            other => other,
        };
        /// Only the version: the rest of the document is skipped unbuilt.
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
        parsed.map_err(|e| format!("The state file is not a valid version 4 state: {e}."))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_kept_compact_and_written_back_indented() {
        let text = "{\n  \"a\": \"x y\\\" z\",\n  \"b\": [ 1, 2 ],\n  \"c\": \"é \\\\\"\n}";
        let attrs: Attributes = serde_json::from_str(text).unwrap();
        assert_eq!(attrs.as_text(), r#"{"a":"x y\" z","b":[1,2],"c":"é \\"}"#);
        assert_eq!(attrs.get("b"), Some(serde_json::json!([1, 2])));
        let back = serde_json::to_string_pretty(&attrs).unwrap();
        assert_eq!(serde_json::from_str::<Json>(&back).unwrap(), serde_json::from_str::<Json>(text).unwrap());
        assert!(back.contains("\n  \"a\""), "{back}");
    }
}
