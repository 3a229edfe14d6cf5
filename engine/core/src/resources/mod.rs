//! The resource engine: what the walk does with resources. Planning
//! (`planning`, `data`) refreshes each instance and decides its change;
//! applying (`applying`) executes a plan's changes, each one's final plan
//! checked against what was planned (`compat`), every result journalled
//! (`journal`) before anything that depends on it starts. `walk` expands
//! resource blocks into instances; `orphans` deletes what the
//! configuration no longer has; `providers` finds each instance's
//! configured provider; `values` converts between state, provider and
//! plan values.

use crate::checks::RuleKind;
use crate::decode::{apply_sensitive_paths, decode_config, proposed_new, sensitive_paths};
use crate::graph::DependencyGraph;
use crate::module_eval::{count_value, for_each_value, ResourceHandler};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use strata_addrs::{InstanceKey, ModuleInstance, ResourceAddr, ResourceInstanceAddr, ResourceMode};
use strata_config::{Module, Resource};
use strata_diag::{Diagnostic, Diagnostics, Span};
use strata_lang::functions::{CallContext, Functions};
use strata_lang::{Evaluator, Kind, Scope, Type, Value};
use strata_provider::{AttributePath, PathStep, Provider, ProviderDiagnostic, Registry, ResourceSchema};
use strata_state::{InstanceState, JournalEntry, StateFile};

mod applying;
mod compat;
mod conditions;
mod data;
mod importing;
mod journal;
mod orphans;
mod planning;
mod prior;
mod providers;
mod recovery;
mod reread;
mod values;
mod walk;

pub use crate::plan::{Action, Drift, PlannedChange};
pub(crate) use applying::deposed_key;
pub use journal::Refreshed;
use orphans::prevent_destroy_error;
use prior::key_to_json;
pub use prior::PriorState;
use providers::{config_address, provider_display};
pub(crate) use providers::{provider_key, provider_source, unsupported_type};
use values::*;
pub use values::{object_id, object_id_or_name, path_text};
pub(crate) use values::{report, report_in};
use walk::InstanceCtx;

/// What a walk does with resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Plan,
    Apply,
    /// Plan or apply the destruction of everything in state.
    Destroy {
        apply: bool,
    },
}

/// Progress of an apply, for the CLI to show.
#[derive(Debug, Clone)]
pub enum Progress {
    /// `object` names the prior object (`id=...`) for updates and deletes.
    Started {
        addr: ResourceInstanceAddr,
        action: Action,
        deposed: Option<String>,
        object: Option<(String, String)>,
    },
    /// `object` names the new object (`id=...`).
    Finished {
        addr: ResourceInstanceAddr,
        action: Action,
        deposed: Option<String>,
        seconds: u64,
        object: Option<(String, String)>,
    },
    Failed {
        addr: ResourceInstanceAddr,
        action: Action,
    },
    /// Planning reads a stored object to see how it is now.
    Refreshing {
        addr: ResourceInstanceAddr,
        deposed: Option<String>,
        object: Option<(String, String)>,
    },
    Refreshed {
        addr: ResourceInstanceAddr,
        object: Option<(String, String)>,
    },
}

/// Where an apply writes each completed operation (the state journal).
pub trait ApplySink: Send {
    fn record(&mut self, entry: JournalEntry) -> Result<(), Diagnostic>;
    /// Makes everything recorded so far durable; called before work that
    /// may depend on it starts.
    fn sync(&mut self) -> Result<(), Diagnostic>;
}

/// Plans (and applies) resources during a walk.
pub struct ResourceEngine<'a> {
    pub operation: Operation,
    registry: &'a Registry,
    root: &'a Module,
    prior: PriorState<'a>,
    providers: Mutex<HashMap<String, Arc<dyn Provider>>>,
    /// Evaluated `provider` block configurations, by configuration address.
    provider_configs: Mutex<HashMap<String, Value>>,
    /// Per module instance: provider key (`aws`, `aws.west`) → configuration address.
    provider_maps: Mutex<HashMap<ModuleInstance, HashMap<String, String>>>,
    visited: Mutex<HashSet<ResourceInstanceAddr>>,
    drift: Mutex<Vec<Drift>>,
    refresh: bool,
    /// How many provider operations may run at once (`-parallelism`).
    parallelism: usize,
    /// `-refresh-only`: update state from the real objects, change nothing.
    refresh_only: bool,
    /// `-target=ADDR`: (the addresses given, the configuration items they need).
    targets: Option<(Vec<String>, HashSet<String>)>,
    /// `-replace=ADDR` instances, and which of them were found.
    replace: Vec<String>,
    replace_found: Mutex<HashSet<String>>,
    /// Resources with `prevent_destroy` (checked when destroying), and
    /// where their blocks are.
    protected: Mutex<HashMap<ResourceAddr, Span>>,
    /// Every resource block of the configuration, whether or not its
    /// module has instances: how it repeats (known once the walk starts).
    configured: std::sync::OnceLock<HashMap<ConfiguredAddr, Repetition>>,
    /// With `-target`: the stored objects it reaches (`orphan_targeted`).
    targeted_objects: std::sync::OnceLock<HashSet<ResourceInstanceAddr>>,
    changes: Mutex<Vec<PlannedChange>>,
    sink: Option<Mutex<Box<dyn ApplySink + 'a>>>,
    progress: Option<&'a (dyn Fn(Progress) + Sync)>,
    /// Set on Ctrl-C: start no new operation, let running ones finish.
    stop: Option<&'a std::sync::atomic::AtomicBool>,
    stop_reported: std::sync::atomic::AtomicBool,
    /// At most `parallelism` provider operations at once, across every
    /// resource being walked.
    operations: crate::parallel::Semaphore,
    /// Some part of the walk failed: unknown values at apply are its
    /// consequence, not a new error.
    errored: std::sync::atomic::AtomicBool,
    /// Instances renamed by `moved` blocks: new address → stored address.
    moves: crate::moves::MovedFrom,
    /// `removed` blocks: objects to forget rather than destroy.
    removals: Vec<crate::moves::Removal>,
    /// `import` blocks: target instance → (import id, the block's span).
    imports: Mutex<HashMap<ResourceInstanceAddr, (String, Span)>>,
    /// Targets whose import found a configured resource.
    imports_used: Mutex<HashSet<ResourceInstanceAddr>>,
    generate_config: bool,
    generated: Mutex<Vec<(ResourceInstanceAddr, String)>>,
    /// `strata import`: only import (and record) objects; plan nothing.
    import_only: bool,
    /// Resources (as state `dependencies` name them) with a change planned:
    /// data sources depending on them are read during apply.
    changed_resources: Mutex<HashSet<String>>,
    /// Results of preconditions, postconditions and check blocks.
    checks: crate::checks::CheckResults,
    /// Data sources of `check` blocks: read again when applying.
    check_data: Mutex<HashSet<ResourceAddr>>,
    /// Managed resource types the walk met, by provider configuration address.
    managed_types: Mutex<BTreeMap<String, std::collections::BTreeSet<String>>>,
    /// The configuration's references (known once the walk starts), and
    /// the resources (configuration addresses) replaced create-before-destroy:
    /// set in configuration or forced by a dependent that sets it.
    references: std::sync::OnceLock<(crate::graph::ReferenceGraph, HashSet<String>)>,
    /// Objects deposed by create-before-destroy replacements, destroyed
    /// after the walk, once everything depending on them has been updated.
    deposed: Mutex<Vec<(ResourceInstanceAddr, String, InstanceState)>>,
    /// Objects that their dependents change, read again after the apply.
    reread: reread::RereadAfterDependents,
    /// Applying: the plan being executed (`None` while planning, and for
    /// `strata import`, which applies without one).
    plan: Option<crate::plan::PlannedChanges<'a>>,
    /// Planning: objects as refreshing found them (and data sources as
    /// read), for the plan's prior state.
    refreshed: Mutex<Vec<JournalEntry>>,
    /// Recovering: the creates an interrupted run left unresolved (the walk
    /// then only configures providers, to ask them).
    recovering: Option<Vec<JournalEntry>>,
    /// Resources (addresses without instance keys, `module.a.aws_vpc.main`)
    /// served by these providers instead of their configured one, for every
    /// call (`strata test`'s `override_resource`).
    overrides: HashMap<String, Arc<dyn Provider>>,
}

impl<'a> ResourceEngine<'a> {
    pub fn new(operation: Operation, registry: &'a Registry, root: &'a Module, prior: Option<&'a StateFile>) -> Self {
        ResourceEngine {
            operation,
            registry,
            root,
            prior: PriorState::new(prior),
            providers: Mutex::new(HashMap::new()),
            provider_configs: Mutex::new(HashMap::new()),
            provider_maps: Mutex::new(HashMap::new()),
            visited: Mutex::new(HashSet::new()),
            drift: Mutex::new(Vec::new()),
            refresh: true,
            parallelism: 10,
            refresh_only: false,
            targets: None,
            replace: Vec::new(),
            replace_found: Mutex::new(HashSet::new()),
            protected: Mutex::new(HashMap::new()),
            configured: std::sync::OnceLock::new(),
            targeted_objects: std::sync::OnceLock::new(),
            changes: Mutex::new(Vec::new()),
            sink: None,
            progress: None,
            stop: None,
            stop_reported: std::sync::atomic::AtomicBool::new(false),
            operations: crate::parallel::Semaphore::new(10),
            errored: std::sync::atomic::AtomicBool::new(false),
            moves: crate::moves::MovedFrom::new(),
            removals: Vec::new(),
            imports: Mutex::new(HashMap::new()),
            imports_used: Mutex::new(HashSet::new()),
            generate_config: false,
            generated: Mutex::new(Vec::new()),
            import_only: false,
            changed_resources: Mutex::new(HashSet::new()),
            checks: crate::checks::CheckResults::new(matches!(operation, Operation::Destroy { .. })),
            check_data: Mutex::new(HashSet::new()),
            managed_types: Mutex::new(BTreeMap::new()),
            references: std::sync::OnceLock::new(),
            deposed: Mutex::new(Vec::new()),
            reread: Default::default(),
            plan: None,
            refreshed: Mutex::new(Vec::new()),
            recovering: None,
            overrides: HashMap::new(),
        }
    }

    /// Resources served by other providers than their configured one (by
    /// address without instance keys); their types must be in those
    /// providers' schemas.
    pub fn with_provider_overrides(mut self, overrides: HashMap<String, Arc<dyn Provider>>) -> Self {
        self.overrides = overrides;
        self
    }

    /// The provider that serves every instance of `addr`, when overridden.
    fn overridden(&self, addr: &ResourceAddr) -> Option<Arc<dyn Provider>> {
        if self.overrides.is_empty() {
            return None;
        }
        self.overrides.get(&strip_module_keys(&addr.to_string())).cloned()
    }

    /// Recovering after a crash: the walk evaluates provider
    /// configurations only, and `finish` asks providers whether the
    /// `pending` creates made their objects, adopting those that exist.
    pub fn with_recovery(mut self, pending: Vec<JournalEntry>) -> Self {
        self.recovering = Some(pending);
        self.refresh = false;
        self
    }

    /// Applying `plan`: its changes are executed, nothing is refreshed
    /// again, and data sources it read are not read again. The engine's
    /// prior state must be the plan's.
    pub fn with_plan(mut self, plan: &'a crate::plan::Plan) -> Self {
        self.plan = Some(plan.index());
        self.refresh = false;
        self
    }

    /// Applying: every completed operation goes to `sink` first.
    pub fn with_sink(mut self, sink: Box<dyn ApplySink + 'a>, progress: &'a (dyn Fn(Progress) + Sync)) -> Self {
        self.sink = Some(Mutex::new(sink));
        self.progress = Some(progress);
        self
    }

    /// Instances renamed by `moved` blocks, for the plan to say so.
    pub fn with_moves(mut self, moves: crate::moves::MovedFrom) -> Self {
        self.moves = moves;
        self
    }

    /// `plan -generate-config-out`: import targets without a resource block
    /// get generated configuration instead of an error.
    pub fn with_generate_config(mut self, on: bool) -> Self {
        self.generate_config = on;
        self
    }

    /// Configuration generated for imported objects (`-generate-config-out`).
    pub fn generated_config(&self) -> Vec<String> {
        let mut g = self.generated.lock().expect("no poisoned locks").clone();
        g.sort();
        g.into_iter().map(|(_, text)| text).collect()
    }
    /// change nothing else.
    pub fn with_import(mut self, addr: ResourceInstanceAddr, id: String, span: Span) -> Self {
        self.imports.lock().expect("no poisoned locks").insert(addr, (id, span));
        self.import_only = true;
        self
    }

    /// Whether `addr` was imported (or is being imported) by this walk.
    pub fn imported(&self, addr: &ResourceInstanceAddr) -> bool {
        self.imports_used.lock().expect("no poisoned locks").contains(addr)
    }

    /// `removed` blocks of the configuration.
    pub fn with_removals(mut self, removals: Vec<crate::moves::Removal>) -> Self {
        self.removals = removals;
        self
    }

    /// Planning: reports refreshes (`Refreshing state...`) to `progress`.
    pub fn with_progress(mut self, progress: &'a (dyn Fn(Progress) + Sync)) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Stops starting new operations once `stop` is set (Ctrl-C).
    pub fn with_stop(mut self, stop: &'a std::sync::atomic::AtomicBool) -> Self {
        self.stop = Some(stop);
        self
    }

    /// Objects in the prior state that match `which` are kept as they are:
    /// the walk did not reach their configuration because of an error, so
    /// they are not orphans.
    fn keep_prior(&self, which: impl Fn(&ResourceInstanceAddr) -> bool) {
        let kept: Vec<ResourceInstanceAddr> = self.prior.all().map(|(a, _, _)| a).filter(|a| which(a)).collect();
        self.visited.lock().expect("no poisoned locks").extend(kept);
    }

    /// Whether anything failed earlier in the walk (here or in another node).
    fn failed_before(&self, diags: &Diagnostics) -> bool {
        diags.has_errors() || self.errored.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// True (and reported once) when an interrupt asked us to stop.
    fn stopping(&self, diags: &mut Diagnostics) -> bool {
        use std::sync::atomic::Ordering;
        let Some(stop) = self.stop else { return false };
        if !stop.load(Ordering::SeqCst) {
            return false;
        }
        if !self.stop_reported.swap(true, Ordering::SeqCst) {
            diags.push(Diagnostic::error("Operation interrupted").with_detail(
                "Strata stopped starting new operations after an interrupt. Everything that completed is in the state; run apply again to finish.",
            ));
        }
        true
    }

    /// `-target=ADDR`: plan only these resources (or instances) and what
    /// they depend on. `needed` is the dependency closure of the targets'
    /// resources in the configuration graph.
    pub fn with_targets(mut self, targets: Vec<String>, needed: HashSet<String>) -> Self {
        if !targets.is_empty() {
            self.targets = Some((targets, needed));
        }
        self
    }

    /// Whether a resource is in a targeted plan; and if only some of its
    /// instances were named, which.
    fn targeted(&self, addr: &ResourceAddr) -> (bool, Option<Vec<String>>) {
        let Some((targets, needed)) = &self.targets else { return (true, None) };
        let name = addr.to_string();
        let unkeyed = strip_module_keys(&name);
        let instances: Vec<String> = targets.iter().filter(|t| t.starts_with(&format!("{name}["))).cloned().collect();
        if targets.contains(&name) || !instances.is_empty() {
            return (true, (!instances.is_empty() && !targets.contains(&name)).then_some(instances));
        }
        if targets.iter().any(|t| within_module(&name, t)) {
            return (true, None);
        }
        (needed.contains(&unkeyed), None)
    }

    /// `-refresh-only`: plan (and apply) only the state updates that
    /// refreshing finds; never create, change or delete anything.
    pub fn with_refresh_only(mut self, on: bool) -> Self {
        self.refresh_only = on;
        let destroying = self.checks.destroying();
        self.checks = crate::checks::CheckResults::new(destroying).with_refresh_only(on);
        self
    }

    /// The walk's condition and check block results, as the state's
    /// `check_results` (`null` when nothing is checkable).
    pub fn check_results_json(&self) -> serde_json::Value {
        self.checks.to_state_json()
    }

    /// `-parallelism=N` (Terraform's default is 10).
    pub fn with_parallelism(mut self, n: usize) -> Self {
        self.parallelism = n.max(1);
        self.operations = crate::parallel::Semaphore::new(self.parallelism);
        self
    }

    /// `-replace=ADDR`: replace these instances even if nothing changed.
    pub fn with_replace(mut self, addrs: Vec<String>) -> Self {
        self.replace = addrs;
        self
    }

    /// `-replace` addresses that matched nothing (a typo there silently
    /// replaces nothing in Terraform; Strata warns).
    pub fn unmatched_replace(&self) -> Vec<String> {
        let found = self.replace_found.lock().expect("no poisoned locks");
        self.replace.iter().filter(|a| !found.contains(*a)).cloned().collect()
    }

    /// `-refresh=false`: plan against the stored state without reading objects.
    pub fn with_refresh(mut self, refresh: bool) -> Self {
        self.refresh = refresh;
        self
    }

    /// The managed resource types the walk met in the configuration, by
    /// provider configuration address (for commands that ask providers
    /// more than the walk does, like `drift -unmanaged`).
    pub fn managed_types(&self) -> BTreeMap<String, std::collections::BTreeSet<String>> {
        self.managed_types.lock().expect("no poisoned locks").clone()
    }

    /// The instance the walk configured for a provider configuration address.
    pub fn configured_provider(&self, config_addr: &str) -> Option<Arc<dyn Provider>> {
        self.providers.lock().expect("no poisoned locks").get(config_addr).cloned()
    }

    /// Objects that changed outside Strata, found by refreshing.
    pub fn drift(&self) -> Vec<Drift> {
        let mut d = self.drift.lock().expect("no poisoned locks").clone();
        d.sort_by(|a, b| a.addr.cmp(&b.addr));
        d
    }

    fn applying(&self) -> bool {
        matches!(self.operation, Operation::Apply | Operation::Destroy { apply: true })
    }

    /// Planned changes so far, in address order. Takes them: call once,
    /// after the walk (a large plan's changes are moved, not copied).
    pub fn take_changes(&self) -> Vec<PlannedChange> {
        let mut c = std::mem::take(&mut *self.changes.lock().expect("no poisoned locks"));
        c.sort_by(|a, b| a.addr.cmp(&b.addr).then_with(|| a.deposed.cmp(&b.deposed)));
        c
    }
}

/// `module.a["x"].aws_vpc.main` → `module.a.aws_vpc.main` (configuration graph names).
pub fn strip_module_keys(addr: &str) -> String {
    let mut out = String::with_capacity(addr.len());
    let mut depth = 0;
    let mut in_quotes = false;
    for c in addr.chars() {
        match c {
            '"' if depth > 0 => in_quotes = !in_quotes,
            '[' if !in_quotes => depth += 1,
            ']' if !in_quotes && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// A resource block's address in the configuration: the module calls
/// leading to it (no instance keys), its mode, type and name.
pub(super) type ConfiguredAddr = (Vec<String>, ResourceMode, String, String);

/// How a resource block repeats its instances.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Repetition {
    Single,
    Count,
    ForEach,
}

/// Every resource block in `tree`, with how it repeats.
pub(super) fn configured_resources(tree: &strata_config::ModuleTree) -> HashMap<ConfiguredAddr, Repetition> {
    fn walk(tree: &strata_config::ModuleTree, path: &mut Vec<String>, out: &mut HashMap<ConfiguredAddr, Repetition>) {
        for r in &tree.module.resources {
            let mode = match r.mode {
                strata_config::ResourceMode::Managed => ResourceMode::Managed,
                strata_config::ResourceMode::Data => ResourceMode::Data,
            };
            let repetition = match (&r.count, &r.for_each) {
                (Some(_), _) => Repetition::Count,
                (None, Some(_)) => Repetition::ForEach,
                (None, None) => Repetition::Single,
            };
            out.insert((path.clone(), mode, r.type_name.clone(), r.name.clone()), repetition);
        }
        for (name, child) in &tree.children {
            path.push(name.clone());
            walk(child, path, out);
            path.pop();
        }
    }
    let mut out = HashMap::new();
    walk(tree, &mut Vec::new(), &mut out);
    out
}

/// Whether the resource `name` lies in the module (instance) `target`
/// names: `module.m` holds every instance of it and what they call;
/// `module.m[0]` only that instance's.
pub(super) fn within_module(name: &str, target: &str) -> bool {
    if !target.starts_with("module.") {
        return false;
    }
    let keyed = name.starts_with(&format!("{target}."));
    let unkeyed = !target.ends_with(']') && strip_module_keys(name).starts_with(&format!("{target}."));
    keyed || unkeyed
}
