//! The plan: everything a plan walk decided, as one value. The human view,
//! plan JSON, the PR comment and `show` render it; apply executes it. A
//! saved plan (`plan -out`) is this value on disk (`file`), configuration
//! snapshot included (`snapshot`), so that applying it later does exactly
//! what was reviewed.

pub mod file;
pub mod snapshot;

use crate::module_eval::OutputValue;
use std::collections::{BTreeMap, HashMap};
use strata_addrs::ResourceInstanceAddr;
use strata_lang::Value;
use strata_provider::AttributePath;
use strata_state::{OutputState, StateFile};

pub use snapshot::ConfigSnapshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    NoOp,
    Create,
    Update,
    /// Delete, then create (Terraform's default replacement order).
    Replace,
    /// Create the replacement, then delete the old object (`create_before_destroy`).
    CreateThenDelete,
    Delete,
    /// Read a data source during apply (its configuration is not known yet).
    Read,
    /// Drop from state without destroying (`removed` with `destroy = false`).
    Forget,
}

impl Action {
    /// Whether the action makes a new object.
    pub fn creates(self) -> bool {
        matches!(self, Action::Create | Action::Replace | Action::CreateThenDelete)
    }
}

/// One instance's planned change.
#[derive(Debug, Clone)]
pub struct PlannedChange {
    pub addr: ResourceInstanceAddr,
    pub provider: String,
    pub action: Action,
    /// Null when creating.
    pub before: Value,
    /// Null when deleting; may hold unknowns.
    pub after: Value,
    pub replace_paths: Vec<AttributePath>,
    /// Terraform's `action_reason`, when there is one.
    pub reason: Option<&'static str>,
    /// The import id, when this plan imports the object first.
    pub importing: Option<String>,
    /// The instance's address in the prior state, when a `moved` block
    /// (or an implied move) renamed it.
    pub moved_from: Option<ResourceInstanceAddr>,
    /// The key of the deposed object this change is about (one left over
    /// from a partially-failed create_before_destroy replacement).
    pub deposed: Option<String>,
    /// The provider's private data for this change (an imported object's,
    /// for an import that changes nothing).
    pub private: Vec<u8>,
}

impl PlannedChange {
    /// Whether a plan shows this change (no-ops only when they move or import).
    pub fn shown(&self) -> bool {
        self.action != Action::NoOp || self.moved_from.is_some() || self.importing.is_some()
    }
}

/// An object that changed outside Strata (`after` null: deleted).
#[derive(Debug, Clone)]
pub struct Drift {
    pub addr: ResourceInstanceAddr,
    /// The provider configuration address of the object.
    pub provider: String,
    pub before: Value,
    pub after: Value,
}

impl Drift {
    /// The drift as a change (`update`, or `delete` when the object is
    /// gone), for the views that show it like one.
    pub fn as_change(&self) -> PlannedChange {
        PlannedChange {
            addr: self.addr.clone(),
            provider: self.provider.clone(),
            action: if self.after.is_null() { Action::Delete } else { Action::Update },
            before: self.before.clone(),
            after: self.after.clone(),
            replace_paths: Vec::new(),
            reason: None,
            importing: None,
            moved_from: None,
            deposed: None,
            private: Vec::new(),
        }
    }
}

/// A planned change to one root output.
#[derive(Debug, Clone)]
pub struct OutputChange {
    pub name: String,
    pub before: Option<OutputState>,
    /// The new value and whether it is sensitive; `None`: removed.
    pub after: Option<(Value, bool)>,
}

/// How a plan was asked for; apply repeats none of it but needs to know.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    pub destroy: bool,
    pub refresh: bool,
    pub refresh_only: bool,
    /// `-replace` addresses.
    pub replace: Vec<String>,
    /// `-target` addresses (a targeted plan is not complete).
    pub targets: Vec<String>,
    pub workspace: String,
    /// When the plan was made (RFC 3339): `plantimestamp()` and plan JSON.
    pub timestamp: String,
}

/// The stored state a plan was made against; apply refuses any other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateVersion {
    pub lineage: String,
    pub serial: u64,
}

/// Everything a plan walk decided.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub options: PlanOptions,
    /// `None`: there was no state yet.
    pub base: Option<StateVersion>,
    /// What apply starts from: the stored state after `moved` blocks, each
    /// object as refreshing found it (with its current dependencies), and
    /// data sources as read while planning. `None`: no state yet.
    pub prior_state: Option<StateFile>,
    /// Whether `moved` blocks (or implied moves) renamed stored objects.
    pub moved: bool,
    /// Every instance's change, no-ops included, in address order.
    pub changes: Vec<PlannedChange>,
    /// Objects that changed outside Strata, in address order.
    pub drift: Vec<Drift>,
    /// Every root output as planned (none when destroying).
    pub outputs: BTreeMap<String, OutputValue>,
    pub output_changes: Vec<OutputChange>,
    /// Root variables as given (apply evaluates them again from these).
    pub variables: BTreeMap<String, Value>,
    /// Every root variable's value, defaults included.
    pub variable_values: BTreeMap<String, Value>,
    /// Condition and check block results, in the state's `check_results` shape.
    pub checks: serde_json::Value,
    /// Planning failed part-way: the plan is for review only.
    pub errored: bool,
    /// The configuration files the plan was made from.
    pub config: ConfigSnapshot,
    /// Terraform's `configuration` object for plan JSON (made while planning,
    /// sensitive constants left out).
    pub configuration: Option<serde_json::Value>,
    /// Terraform's `relevant_attributes` for plan JSON.
    pub relevant_attributes: Vec<serde_json::Value>,
}

impl Plan {
    /// Whether applying the plan would change anything (resources, outputs,
    /// or — refresh-only — the state).
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(PlannedChange::shown)
            || !self.output_changes.is_empty()
            || (self.options.refresh_only && !self.drift.is_empty())
    }

    /// The changes indexed for the apply walk.
    pub fn index(&self) -> PlannedChanges<'_> {
        PlannedChanges {
            changes: &self.changes,
            current: self.changes.iter().filter(|c| c.deposed.is_none()).map(|c| (&c.addr, c)).collect(),
        }
    }
}

/// A plan's changes, those of current objects by instance.
#[derive(Default)]
pub struct PlannedChanges<'p> {
    changes: &'p [PlannedChange],
    current: HashMap<&'p ResourceInstanceAddr, &'p PlannedChange>,
}

impl<'p> PlannedChanges<'p> {
    /// The change of `addr`'s current object (not of a deposed one).
    pub fn current(&self, addr: &ResourceInstanceAddr) -> Option<&'p PlannedChange> {
        self.current.get(addr).copied()
    }

    pub fn all(&self) -> impl Iterator<Item = &'p PlannedChange> + '_ {
        self.changes.iter()
    }
}

/// Root outputs whose stored value (in `prior`) differs from the planned one.
pub fn output_changes(prior: Option<&StateFile>, outputs: &BTreeMap<String, OutputValue>) -> Vec<OutputChange> {
    let empty = BTreeMap::new();
    let before = prior.map_or(&empty, |p| &p.outputs);
    let mut names: Vec<&String> = before.keys().chain(outputs.keys()).collect();
    names.sort();
    names.dedup();
    let mut changes = Vec::new();
    for name in names {
        let b = before.get(name);
        let a = outputs.get(name).filter(|o| !o.value.is_null());
        let same = match (b, a) {
            (Some(b), Some(a)) => {
                a.value.is_wholly_known() && {
                    let s = output_state(&a.value, a.sensitive);
                    s.value == b.value && s.ty == b.ty && s.sensitive == b.sensitive
                }
            }
            (None, None) => true,
            _ => false,
        };
        if !same {
            changes.push(OutputChange {
                name: name.clone(),
                before: b.cloned(),
                after: a.map(|o| (o.value.clone(), o.sensitive)),
            });
        }
    }
    changes
}

/// An output value as the state stores it.
pub fn output_state(v: &Value, sensitive: bool) -> OutputState {
    let (plain, _) = v.unmark_deep();
    OutputState {
        value: strata_lang::json::to_json(&plain),
        ty: plain.ty().to_json(),
        sensitive,
        extra: Default::default(),
    }
}

/// A stored output as a value (sensitive ones marked).
pub fn output_value(o: &OutputState) -> Value {
    let ty = strata_lang::Type::from_json(&o.ty).unwrap_or(strata_lang::Type::Dynamic);
    let v = strata_lang::json::from_json_typed(&o.value, &ty).unwrap_or_else(|_| Value::dynamic_null());
    if o.sensitive {
        v.mark_sensitive()
    } else {
        v
    }
}
