//! Saved plans (`plan -out=FILE`): a [`Plan`] as a versioned,
//! self-contained JSON file — variables, the state it was made against
//! (lineage and serial), the configuration files, and every planned change
//! with its values, unknown and sensitive marks included — so `show` can
//! render it and `apply FILE` can execute exactly it, or refuse it when the
//! state moved.
//!
//! Version 2 added what the machine and review renderings need (`show
//! -json`, `show -markdown`): the prior state, drift, every root output and
//! variable value, and the configuration summary. Version 3 makes a plan
//! applicable on its own: the configuration snapshot, the prior state as
//! refreshing found it, the providers' private data. Older files still
//! load for `show`; only version 3 applies.

use crate::plan::{Action, ConfigSnapshot, Drift, OutputChange, Plan, PlanOptions, PlannedChange, StateVersion};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;
use strata_addrs::{InstanceKey, ModuleInstance, ResourceAddr, ResourceInstanceAddr, ResourceMode};
use strata_lang::{Kind, Type, Value};

pub const PLAN_FORMAT: &str = "strata-plan";
pub const PLAN_VERSION: u64 = 3;
/// The oldest plan version this Strata still reads.
pub const PLAN_MIN_VERSION: u64 = 1;
/// The oldest plan version this Strata applies.
pub const PLAN_MIN_APPLY_VERSION: u64 = 3;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedPlan {
    pub format: String,
    pub version: u64,
    pub strata_version: String,
    pub timestamp: String,
    /// The state the plan was made against (`None`: no state yet).
    pub lineage: Option<String>,
    pub serial: Option<u64>,
    pub workspace: String,
    pub destroy: bool,
    pub refresh: bool,
    pub replace: Vec<String>,
    /// sha256 of every configuration file (name and text).
    pub config_digest: String,
    /// Root variables as the plan used them (encoded values).
    pub variables: BTreeMap<String, Json>,
    pub changes: Vec<SavedChange>,
    pub output_changes: Vec<SavedOutputChange>,
    pub errored: bool,
    // Version 2 on; empty when reading version 1.
    #[serde(default)]
    pub refresh_only: bool,
    /// `-target` addresses (a targeted plan is not complete).
    #[serde(default)]
    pub targets: Vec<String>,
    /// Every root variable's value as the plan used it, defaults included
    /// (encoded; sensitive ones marked).
    #[serde(default)]
    pub variable_values: BTreeMap<String, Json>,
    /// The state the plan was made against, after `moved` blocks, as its
    /// state file (`None`: no state yet). From version 3 on, as refreshing
    /// found each object, data sources as read: what apply starts from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_state: Option<Json>,
    /// Version 3 on: whether `moved` blocks renamed stored objects.
    #[serde(default)]
    pub moved: bool,
    /// Version 3 on: the configuration files the plan was made from.
    #[serde(default, skip_serializing_if = "ConfigSnapshot::is_empty")]
    pub config_snapshot: ConfigSnapshot,
    /// Objects that changed outside Strata (action `update`, or `delete`
    /// when they are gone).
    #[serde(default)]
    pub drift: Vec<SavedChange>,
    /// Every root output as planned (none when destroying).
    #[serde(default)]
    pub outputs: Vec<SavedOutput>,
    /// Terraform's `configuration` object for plan JSON, made when planning
    /// (sensitive constants already left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration: Option<Json>,
    /// Terraform's `relevant_attributes` for plan JSON.
    #[serde(default)]
    pub relevant_attributes: Vec<Json>,
    /// The plan's condition and check block results, in the state's
    /// `check_results` shape (`None`: nothing checkable, or an older plan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<Json>,
}

impl SavedPlan {
    /// Whether this plan carries the version 2 details (`show -json`).
    pub fn has_details(&self) -> bool {
        self.version >= 2
    }
}

/// A root output's planned value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedOutput {
    pub name: String,
    /// Encoded value, marks included.
    pub value: Json,
    pub sensitive: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedChange {
    pub module: String,
    pub mode: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub name: String,
    pub key: Json,
    pub provider: String,
    pub action: String,
    pub reason: Option<String>,
    pub before: Json,
    pub after: Json,
    pub replace_paths: Vec<Vec<String>>,
    /// The address in the prior state, when a `moved` block renamed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_address: Option<String>,
    /// The import id, when the plan imports the object first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub importing: Option<String>,
    /// The deposed object's key, when the change is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposed: Option<String>,
    /// The provider's private data for the change (version 3 on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedOutputChange {
    pub name: String,
    /// Encoded values; `null` when absent.
    pub before: Json,
    pub after: Json,
    #[serde(default)]
    pub sensitive: bool,
}

pub fn action_name(a: Action) -> &'static str {
    match a {
        Action::NoOp => "no-op",
        Action::Create => "create",
        Action::Update => "update",
        Action::Replace => "delete-create",
        Action::CreateThenDelete => "create-delete",
        Action::Delete => "delete",
        Action::Read => "read",
        Action::Forget => "forget",
    }
}

fn action_from(s: &str) -> Option<Action> {
    Some(match s {
        "no-op" => Action::NoOp,
        "create" => Action::Create,
        "update" => Action::Update,
        "delete-create" => Action::Replace,
        "create-delete" => Action::CreateThenDelete,
        "delete" => Action::Delete,
        "read" => Action::Read,
        "forget" => Action::Forget,
        _ => return None,
    })
}

static REASONS: &[&str] = &[
    "replace_because_cannot_update",
    "replace_because_tainted",
    "replace_by_request",
    "replace_by_triggers",
    "delete_because_no_resource_config",
    "delete_because_count_index",
    "delete_because_each_key",
    "delete_because_no_module",
    "delete_because_wrong_repetition",
    "read_because_config_unknown",
    "read_because_dependency_pending",
    "read_because_check_nested",
];

impl SavedChange {
    pub fn from_change(c: &PlannedChange) -> SavedChange {
        SavedChange {
            module: c.addr.resource.module.to_string(),
            mode: if c.addr.resource.mode == ResourceMode::Data { "data".into() } else { "managed".into() },
            type_name: c.addr.resource.type_name.clone(),
            name: c.addr.resource.name.clone(),
            key: match &c.addr.key {
                InstanceKey::None => Json::Null,
                InstanceKey::Int(i) => json!(i),
                InstanceKey::Str(s) => json!(s),
            },
            provider: c.provider.clone(),
            action: action_name(c.action).into(),
            reason: c.reason.map(String::from),
            before: encode(&c.before),
            after: encode(&c.after),
            replace_paths: c
                .replace_paths
                .iter()
                .map(|p| {
                    p.iter()
                        .map(|s| match s {
                            strata_provider::PathStep::Attr(a) => a.clone(),
                            strata_provider::PathStep::Key(k) => {
                                format!("[{}]", serde_json::to_string(k).unwrap_or_default())
                            }
                            strata_provider::PathStep::Index(i) => format!("[{i}]"),
                        })
                        .collect()
                })
                .collect(),
            previous_address: c.moved_from.as_ref().map(|a| a.to_string()),
            importing: c.importing.clone(),
            deposed: c.deposed.clone(),
            private: (!c.private.is_empty()).then(|| String::from_utf8_lossy(&c.private).into_owned()),
        }
    }

    pub fn to_change(&self) -> Option<PlannedChange> {
        let resource = ResourceAddr {
            module: ModuleInstance::parse(&self.module)?,
            mode: if self.mode == "data" { ResourceMode::Data } else { ResourceMode::Managed },
            type_name: self.type_name.clone(),
            name: self.name.clone(),
        };
        let key = match &self.key {
            Json::Number(n) => InstanceKey::Int(n.as_i64()?),
            Json::String(s) => InstanceKey::Str(s.clone()),
            _ => InstanceKey::None,
        };
        Some(PlannedChange {
            addr: ResourceInstanceAddr { resource, key },
            provider: self.provider.clone(),
            action: action_from(&self.action)?,
            before: decode(&self.before)?,
            after: decode(&self.after)?,
            replace_paths: self.replace_paths.iter().map(|p| p.iter().map(|s| decode_step(s)).collect()).collect(),
            reason: self.reason.as_deref().and_then(|r| REASONS.iter().copied().find(|x| *x == r)),
            moved_from: self.previous_address.as_deref().and_then(|a| ResourceInstanceAddr::parse(a).ok()),
            importing: self.importing.clone(),
            deposed: self.deposed.clone(),
            private: self.private.as_deref().map(|p| p.as_bytes().to_vec()).unwrap_or_default(),
        })
    }
}

impl SavedPlan {
    /// The plan as its file stores it.
    pub fn from_plan(plan: &Plan) -> SavedPlan {
        let prior = plan.prior_state.as_ref();
        SavedPlan {
            format: PLAN_FORMAT.into(),
            version: PLAN_VERSION,
            strata_version: env!("CARGO_PKG_VERSION").into(),
            timestamp: plan.options.timestamp.clone(),
            lineage: plan.base.as_ref().map(|b| b.lineage.clone()),
            serial: plan.base.as_ref().map(|b| b.serial),
            workspace: plan.options.workspace.clone(),
            destroy: plan.options.destroy,
            refresh: plan.options.refresh,
            replace: plan.options.replace.clone(),
            config_digest: plan.config.digest(),
            variables: plan.variables.iter().map(|(k, v)| (k.clone(), encode(v))).collect(),
            changes: plan.changes.iter().map(SavedChange::from_change).collect(),
            output_changes: plan
                .output_changes
                .iter()
                .map(|c| SavedOutputChange {
                    name: c.name.clone(),
                    before: c.before.as_ref().map_or(Json::Null, |b| encode(&crate::plan::output_value(b))),
                    after: c.after.as_ref().map_or(Json::Null, |(v, _)| encode(v)),
                    sensitive: c.before.as_ref().is_some_and(|b| b.sensitive)
                        || c.after.as_ref().is_some_and(|(_, s)| *s),
                })
                .collect(),
            errored: plan.errored,
            refresh_only: plan.options.refresh_only,
            targets: plan.options.targets.clone(),
            variable_values: plan.variable_values.iter().map(|(k, v)| (k.clone(), encode(v))).collect(),
            prior_state: prior.and_then(|p| serde_json::from_str(&p.to_json()).ok()),
            moved: plan.moved,
            config_snapshot: plan.config.clone(),
            drift: saved_drift(&plan.drift),
            outputs: plan
                .outputs
                .iter()
                .map(|(name, o)| SavedOutput { name: name.clone(), value: encode(&o.value), sensitive: o.sensitive })
                .collect(),
            configuration: plan.configuration.clone(),
            relevant_attributes: plan.relevant_attributes.clone(),
            checks: Some(plan.checks.clone()).filter(|c| !c.is_null()),
        }
    }

    /// The plan this file holds; `Err` names what is unreadable.
    pub fn to_plan(&self) -> Result<Plan, String> {
        let value = |what: &str, j: &Json| decode(j).ok_or_else(|| format!("the saved value of {what} is unreadable"));
        let changes = self
            .changes
            .iter()
            .map(|c| c.to_change().ok_or_else(|| format!("the change of {}.{} is unreadable", c.type_name, c.name)))
            .collect::<Result<Vec<_>, _>>()?;
        let drift = self
            .drift
            .iter()
            .filter_map(SavedChange::to_change)
            .map(|c| Drift { addr: c.addr, provider: c.provider, before: c.before, after: c.after })
            .collect();
        let mut outputs = BTreeMap::new();
        for o in &self.outputs {
            let v = value(&format!("output {:?}", o.name), &o.value)?;
            outputs.insert(
                o.name.clone(),
                crate::module_eval::OutputValue { value: v, sensitive: o.sensitive, description: None },
            );
        }
        let mut output_changes = Vec::new();
        for c in &self.output_changes {
            let before = match &c.before {
                Json::Null => None,
                j => Some(crate::plan::output_state(&value(&format!("output {:?}", c.name), j)?, c.sensitive)),
            };
            let after = match &c.after {
                Json::Null => None,
                j => Some((value(&format!("output {:?}", c.name), j)?, c.sensitive)),
            };
            output_changes.push(OutputChange { name: c.name.clone(), before, after });
        }
        let decode_all = |m: &BTreeMap<String, Json>| -> Result<BTreeMap<String, Value>, String> {
            m.iter().map(|(k, j)| Ok((k.clone(), value(&format!("variable {k:?}"), j)?))).collect()
        };
        let prior_state = match &self.prior_state {
            None => None,
            Some(j) => {
                Some(strata_state::StateFile::from_json(&j.to_string()).map_err(|e| format!("its prior state: {e}"))?)
            }
        };
        Ok(Plan {
            options: PlanOptions {
                destroy: self.destroy,
                refresh: self.refresh,
                refresh_only: self.refresh_only,
                replace: self.replace.clone(),
                targets: self.targets.clone(),
                workspace: self.workspace.clone(),
                timestamp: self.timestamp.clone(),
            },
            base: match (&self.lineage, self.serial) {
                (Some(lineage), Some(serial)) => Some(StateVersion { lineage: lineage.clone(), serial }),
                _ => None,
            },
            prior_state,
            moved: self.moved,
            changes,
            drift,
            outputs,
            output_changes,
            variables: decode_all(&self.variables)?,
            variable_values: decode_all(&self.variable_values)?,
            checks: self.checks.clone().unwrap_or(Json::Null),
            errored: self.errored,
            config: self.config_snapshot.clone(),
            configuration: self.configuration.clone(),
            relevant_attributes: self.relevant_attributes.clone(),
        })
    }
}

/// A saved path step: `[0]` an index, `["k"]` a key, anything else an
/// attribute name.
pub fn decode_step(s: &str) -> strata_provider::PathStep {
    use strata_provider::PathStep;
    if let Some(inner) = s.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        if let Ok(i) = inner.parse::<u64>() {
            return PathStep::Index(i);
        }
        if let Ok(k) = serde_json::from_str::<String>(inner) {
            return PathStep::Key(k);
        }
    }
    PathStep::Attr(s.to_string())
}

/// Objects changed outside Strata, as changes: `update` to what the provider
/// read now, or `delete` when the object is gone. The provider comes from the
/// prior state.
pub fn saved_drift(drift: &[crate::Drift]) -> Vec<SavedChange> {
    drift.iter().map(|d| SavedChange::from_change(&d.as_change())).collect()
}

/// Encodes a value exactly, marks included: `{"!": true}` marks sensitive.
pub fn encode(v: &Value) -> Json {
    let mut o = Map::new();
    match v.kind() {
        Kind::Unknown(t) => {
            o.insert("unknown".into(), t.to_json());
        }
        Kind::Null(t) => {
            o.insert("null".into(), t.to_json());
        }
        Kind::Bool(b) => {
            o.insert("bool".into(), json!(b));
        }
        Kind::Number(n) => {
            o.insert("number".into(), json!(n.to_string()));
        }
        Kind::String(s) => {
            o.insert("string".into(), json!(&**s));
        }
        Kind::List(t, items) => {
            o.insert("list".into(), Json::Array(items.iter().map(encode).collect()));
            o.insert("of".into(), t.to_json());
        }
        Kind::Set(t, items) => {
            o.insert("set".into(), Json::Array(items.iter().map(encode).collect()));
            o.insert("of".into(), t.to_json());
        }
        Kind::Map(t, items) => {
            o.insert("map".into(), Json::Object(items.iter().map(|(k, x)| (k.clone(), encode(x))).collect()));
            o.insert("of".into(), t.to_json());
        }
        Kind::Tuple(items) => {
            o.insert("tuple".into(), Json::Array(items.iter().map(encode).collect()));
        }
        Kind::Object(items) => {
            o.insert("object".into(), Json::Object(items.iter().map(|(k, x)| (k.clone(), encode(x))).collect()));
        }
    }
    if v.is_sensitive() {
        o.insert("!".into(), json!(true));
    }
    Json::Object(o)
}

pub fn decode(j: &Json) -> Option<Value> {
    let o = j.as_object()?;
    let of = || o.get("of").and_then(Type::from_json);
    let seq = |k: &str| -> Option<Vec<Value>> { o.get(k)?.as_array()?.iter().map(decode).collect() };
    let entries = |k: &str| -> Option<BTreeMap<String, Value>> {
        o.get(k)?.as_object()?.iter().map(|(k, x)| Some((k.clone(), decode(x)?))).collect()
    };
    let v = if let Some(t) = o.get("unknown") {
        Value::unknown(Type::from_json(t)?)
    } else if let Some(t) = o.get("null") {
        Value::null(Type::from_json(t)?)
    } else if let Some(b) = o.get("bool") {
        Value::bool(b.as_bool()?)
    } else if let Some(n) = o.get("number") {
        Value::number(strata_lang::Number::parse(n.as_str()?).ok()?)
    } else if let Some(s) = o.get("string") {
        Value::string(s.as_str()?)
    } else if o.contains_key("list") {
        Value::list(of()?, seq("list")?)
    } else if o.contains_key("set") {
        Value::set(of()?, seq("set")?)
    } else if o.contains_key("map") {
        Value::map(of()?, (entries("map")?).into())
    } else if o.contains_key("tuple") {
        Value::tuple(seq("tuple")?)
    } else {
        Value::object((entries("object")?).into())
    };
    Some(if o.get("!").and_then(Json::as_bool) == Some(true) { v.mark_sensitive() } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_with_their_marks() {
        let v = Value::object(
            BTreeMap::from([
                ("a".into(), Value::unknown(Type::String)),
                ("b".into(), Value::string("x").mark_sensitive()),
                ("c".into(), Value::list(Type::Number, vec![Value::int(1), Value::int(2)])),
                ("d".into(), Value::set(Type::String, vec![Value::string("z")])),
                ("e".into(), Value::null(Type::Bool)),
                ("f".into(), Value::tuple(vec![Value::number(strata_lang::Number::parse("0.1").unwrap())])),
            ])
            .into(),
        );
        let back = decode(&encode(&v)).unwrap();
        assert!(back.raw_equal(&v));
        assert!(back.as_entries().unwrap()["b"].is_sensitive());
        assert!(back.as_entries().unwrap()["a"].is_unknown());
    }
}
