//! Resources whose object is one JSON document the user writes as `body`
//! (an ISM or ILM policy, a template, a snapshot policy), as
//! opensearch-project/opensearch declares them: a name, the body, and for
//! documents OpenSearch versions, `seq_no`/`primary_term`. One lifecycle
//! for all of them:
//! - validate: the body is JSON of the right shape (`check`), problems at
//!   `body`;
//! - plan: a body that means what the stored one means keeps the stored
//!   text (no change shows); a new name replaces (force_new);
//! - apply: PUT (or POST to create), with `if_seq_no`/`if_primary_term`
//!   where versioned, so a change made since the plan is not overwritten;
//!   then read back;
//! - read: the server's answer reduced to the body's shape (`extract`),
//!   normalized (`crate::normalize`): what means the stored body keeps its
//!   text, anything else is drift shown as the server's document.

use crate::connection::{refused, Settings};
use crate::normalize::{self, Kind};
use crate::resource::{Failure, ResourceType};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::values::{attr, int_attr, str_attr, with_attr};
use strata_provider::*;

/// A document as the server holds it, with its `(seq_no, primary_term)`
/// where it is versioned.
type Stored = (Json, Option<(u64, u64)>);

pub struct DocumentType {
    pub type_name: &'static str,
    /// The attribute naming the document (`policy_id`, `name`, …).
    pub name_attr: &'static str,
    pub kind: Kind,
    /// The document's URL path, given the server's plugin prefix.
    pub path: fn(&Settings, &str) -> Result<String, ProviderDiagnostic>,
    /// `PUT`, or `POST` where creating differs from updating (SM policies).
    pub create_method: &'static str,
    /// Has `seq_no`/`primary_term`, sent as `if_seq_no`/`if_primary_term`.
    pub versioned: bool,
    /// The state's `id` is the name and this (`-sm-policy` for SM policies,
    /// as opensearch-project/opensearch stores them).
    pub id_suffix: &'static str,
    /// The body, from a GET answer for `name`.
    pub extract: fn(&Json, &str) -> Option<Json>,
    /// The document's shape checked before anything is sent: (where in the
    /// body, what is wrong).
    pub check: fn(&Json) -> Vec<String>,
}

impl ResourceType for DocumentType {
    fn type_name(&self) -> &'static str {
        self.type_name
    }

    fn schema(&self) -> ResourceSchema {
        let mut attrs = BTreeMap::from([
            ("id".to_string(), Attribute::computed(Type::String)),
            (self.name_attr.to_string(), Attribute::required(Type::String).force_new()),
            ("body".to_string(), Attribute::required(Type::String).describe("The document, as JSON")),
        ]);
        if self.versioned {
            attrs.insert("seq_no".into(), Attribute::optional_computed(Type::Number));
            attrs.insert("primary_term".into(), Attribute::optional_computed(Type::Number));
        }
        ResourceSchema {
            block: Block { attributes: attrs, blocks: BTreeMap::new() },
            read_only_wording: ReadOnlyWording::Sdk,
            ..Default::default()
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let body = attr(config, "body");
        let Some(text) = body.as_str().filter(|_| body.is_known()) else { return Vec::new() };
        let mut out = Vec::new();
        match serde_json::from_str::<Json>(text) {
            Err(e) => out.push(
                ProviderDiagnostic::error("Invalid JSON document", format!("body is not JSON: {e}")).at(at("body")),
            ),
            Ok(doc) if !doc.is_object() => out
                .push(ProviderDiagnostic::error("Invalid JSON document", "body must be a JSON object.").at(at("body"))),
            Ok(doc) => {
                for problem in (self.check)(&doc) {
                    out.push(ProviderDiagnostic::error(format!("Invalid {}", self.what()), problem).at(at("body")));
                }
            }
        }
        if let Some(name) = str_attr(config, self.name_attr) {
            if name.is_empty()
                || name.contains(['/', '?', '#', ' ', '\\', '"', '*', ',', '<', '>', '|'])
                || name.starts_with('_')
            {
                out.push(
                    ProviderDiagnostic::error(
                        format!("Invalid {}", self.name_attr),
                        format!("{name:?}: a name is not empty, does not start with _, and has no /, \\, *, ?, \", #, <, >, |, comma or space."),
                    )
                    .at(at(self.name_attr)),
                );
            }
        }
        out
    }

    /// A body that means what the stored one means keeps the stored text.
    fn plan(&self, prior: &Value, proposed: &Value, config: &Value, resp: &mut PlanResponse) {
        resp.diagnostics = self.validate(config);
        if has_errors(&resp.diagnostics) {
            return;
        }
        let mut planned = proposed.clone();
        let name = attr(config, self.name_attr);
        let id = match name.as_str() {
            Some(n) if name.is_known() => Value::string(format!("{n}{}", self.id_suffix).as_str()),
            _ => Value::unknown(Type::String),
        };
        planned = with_attr(&planned, "id", id);
        let (before, after) = (attr(prior, "body"), attr(config, "body"));
        let unchanged = match (before.as_str(), after.as_str()) {
            (Some(b), Some(a)) if before.is_known() && after.is_known() => same_text(self.kind, b, a),
            _ => false,
        };
        if unchanged {
            planned = with_attr(&planned, "body", before);
        }
        if self.versioned {
            for key in ["seq_no", "primary_term"] {
                let v = if unchanged && !prior.is_null() { attr(prior, key) } else { Value::unknown(Type::Number) };
                planned = with_attr(&planned, key, v);
            }
        }
        // A new name replaces: the schema marks it force_new for the engine.
        resp.planned = planned;
    }

    fn read(&self, settings: &Settings, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        let name = self.name_in(current);
        let held = str_attr(current, "body");
        Ok(self.fetch(settings, &name)?.map(|(doc, v)| self.state_of(&name, &doc, v, held.as_deref())))
    }

    fn import(&self, settings: &Settings, id: &str) -> Result<Value, ProviderDiagnostic> {
        let id = id.strip_suffix(self.id_suffix).filter(|_| !self.id_suffix.is_empty()).unwrap_or(id);
        match self.fetch(settings, id)? {
            Some((doc, v)) => Ok(self.state_of(id, &doc, v, None)),
            None => Err(ProviderDiagnostic::error(
                "Cannot import non-existent remote object",
                format!("The {} {id:?} does not exist.", self.what()),
            )),
        }
    }

    fn apply(&self, settings: &Settings, prior: &Value, planned: &Value) -> Result<Value, Failure> {
        Ok(self.write(settings, prior, planned)?)
    }

    /// After a crash during a create: the named document holding what was
    /// planned is adopted.
    fn find_created(&self, settings: &Settings, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        let (Some(name), Some(text)) = (str_attr(planned, self.name_attr), str_attr(planned, "body")) else {
            return Ok(None);
        };
        let Ok(want) = serde_json::from_str::<Json>(&text) else { return Ok(None) };
        Ok(match self.fetch(settings, &name)? {
            Some((doc, v)) if normalize::equivalent(self.kind, &want, &doc) => {
                Some(self.state_of(&name, &doc, v, Some(&text)))
            }
            _ => None,
        })
    }
}

impl DocumentType {
    /// The document's name in a stored object: its name attribute, or
    /// (in an imported object without it) its id.
    fn name_in(&self, object: &Value) -> String {
        str_attr(object, self.name_attr)
            .or_else(|| str_attr(object, "id").map(|id| id.strip_suffix(self.id_suffix).unwrap_or(&id).to_string()))
            .unwrap_or_default()
    }

    fn what(&self) -> &'static str {
        match self.kind {
            Kind::IsmPolicy => "ISM policy",
            Kind::IndexTemplate => "index template",
            Kind::ComponentTemplate => "component template",
            Kind::LegacyTemplate => "index template",
            Kind::SmPolicy => "snapshot management policy",
            Kind::IlmPolicy => "index lifecycle policy",
            Kind::SlmPolicy => "snapshot lifecycle policy",
        }
    }

    /// The document and its versions as the server holds them, or `None`.
    fn fetch(&self, settings: &Settings, name: &str) -> Result<Option<Stored>, ProviderDiagnostic> {
        let path = (self.path)(settings, name)?;
        let resp = settings.call("GET", &path, None)?;
        if resp.status == 404 {
            return Ok(None);
        }
        if !resp.ok() {
            return Err(refused(&format!("Reading {} {name:?}", self.what()), &resp));
        }
        let answer = resp
            .json()
            .map_err(|e| ProviderDiagnostic::error(format!("Reading {} {name:?} failed", self.what()), e))?;
        let Some(doc) = (self.extract)(&answer, name) else { return Ok(None) };
        let versions = match (answer["_seq_no"].as_u64(), answer["_primary_term"].as_u64()) {
            (Some(s), Some(p)) => Some((s, p)),
            _ => None,
        };
        Ok(Some((doc, versions)))
    }

    /// The state for what the server holds, keeping `held`'s text where it
    /// means the same.
    fn state_of(&self, name: &str, doc: &Json, versions: Option<(u64, u64)>, held: Option<&str>) -> Value {
        let text = match held {
            Some(h) if serde_json::from_str::<Json>(h).is_ok_and(|h| normalize::equivalent(self.kind, &h, doc)) => {
                h.to_string()
            }
            _ => {
                let mut shown = doc.clone();
                normalize::normalize(self.kind, &mut shown);
                normalize::canonical_text(&shown)
            }
        };
        let mut fields = BTreeMap::from([
            ("id".to_string(), Value::string(format!("{name}{}", self.id_suffix).as_str())),
            (self.name_attr.to_string(), Value::string(name)),
            ("body".to_string(), Value::string(text.as_str())),
        ]);
        if self.versioned {
            let (s, p) = versions.unwrap_or((0, 0));
            fields.insert("seq_no".into(), Value::int(s as i64));
            fields.insert("primary_term".into(), Value::int(p as i64));
        }
        Value::object(fields.into_iter().collect())
    }

    /// Creates or updates; on a delete (`planned` null) removes.
    fn write(&self, settings: &Settings, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
        if planned.is_null() {
            let name = self.name_in(prior);
            let resp = settings.call("DELETE", &(self.path)(settings, &name)?, None)?;
            if !resp.ok() && resp.status != 404 {
                return Err(refused(&format!("Deleting {} {name:?}", self.what()), &resp));
            }
            return Ok(Value::dynamic_null());
        }
        let name = str_attr(planned, self.name_attr).unwrap_or_default();
        let text = str_attr(planned, "body").unwrap_or_default();
        let body: Json = serde_json::from_str(&text)
            .map_err(|e| ProviderDiagnostic::error("Invalid JSON document", e.to_string()).at(at("body")))?;
        let creating = prior.is_null();
        if creating && self.fetch(settings, &name)?.is_some() {
            return Err(already_exists(self.what(), &name, self.type_name));
        }
        let mut path = (self.path)(settings, &name)?;
        let method = if creating { self.create_method } else { "PUT" };
        if self.versioned && !creating {
            // The versions read at plan: a change made since is refused
            // (409) rather than overwritten.
            let (s, p) = (int_attr(prior, "seq_no").unwrap_or(0), int_attr(prior, "primary_term").unwrap_or(0));
            path = format!("{path}?if_seq_no={s}&if_primary_term={p}");
        }
        let resp = settings.call(method, &path, Some(&body))?;
        if resp.status == 409 && self.versioned && !creating {
            return Err(ProviderDiagnostic::error(
                format!("The {} changed since the plan", self.what()),
                format!(
                    "{name:?} was changed on the server after it was read (the server answered 409: {}). Plan again to see the change.",
                    crate::connection::error_reason(&resp)
                ),
            ));
        }
        if !resp.ok() {
            return Err(refused(&format!("Writing {} {name:?}", self.what()), &resp));
        }
        match self.fetch(settings, &name)? {
            Some((doc, v)) => Ok(self.state_of(&name, &doc, v, Some(&text))),
            None => Err(ProviderDiagnostic::error(
                format!("The {} is not there after writing it", self.what()),
                format!("{name:?} was accepted but a read right after found nothing."),
            )),
        }
    }
}

fn same_text(kind: Kind, a: &str, b: &str) -> bool {
    match (serde_json::from_str::<Json>(a), serde_json::from_str::<Json>(b)) {
        (Ok(a), Ok(b)) => normalize::equivalent(kind, &a, &b),
        _ => a == b,
    }
}

/// A create over an object someone else made is refused, not overwritten.
pub fn already_exists(what: &str, name: &str, type_name: &str) -> ProviderDiagnostic {
    ProviderDiagnostic::error(
        format!("The {what} already exists"),
        format!("{name:?} exists on the server but not in this state. To manage it, import it (strata import {type_name}.<name> {name}); Strata does not overwrite it."),
    )
}

pub fn at(name: &str) -> AttributePath {
    vec![PathStep::Attr(name.into())]
}

/// A name as one URL path segment.
pub fn segment(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_one_path_segment() {
        assert_eq!(super::segment("logs-2026.12"), "logs-2026.12");
        assert_eq!(super::segment("a b/c"), "a%20b%2Fc");
    }
}
