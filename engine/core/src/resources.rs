//! Resources in the walk: expanding count/for_each, decoding configuration
//! against the provider's schema, planning each instance through its
//! provider and — when applying — applying it and journalling the result
//! before anything that depends on it starts.

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

mod reread;

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
}

/// An object that changed outside Strata (`after` null: deleted).
#[derive(Debug, Clone)]
pub struct Drift {
    pub addr: ResourceInstanceAddr,
    pub before: Value,
    pub after: Value,
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

struct PriorResource<'a> {
    provider: &'a str,
    instances: BTreeMap<InstanceKey, &'a InstanceState>,
}

/// The prior state, indexed by resource. It borrows the objects: a copy of
/// every prior object would double the memory of a large state.
pub struct PriorState<'a> {
    resources: HashMap<ResourceAddr, PriorResource<'a>>,
    /// Objects deposed by an earlier, partially-failed replacement:
    /// (instance, provider, object).
    deposed: Vec<(ResourceInstanceAddr, &'a str, &'a InstanceState)>,
}

impl<'a> PriorState<'a> {
    pub fn new(state: Option<&'a StateFile>) -> PriorState<'a> {
        let mut resources = HashMap::new();
        let mut deposed = Vec::new();
        for r in state.map_or(&[][..], |s| &s.resources) {
            let Some(module) = ModuleInstance::parse(r.module.as_deref().unwrap_or("")) else { continue };
            let mode = if r.mode == "data" { ResourceMode::Data } else { ResourceMode::Managed };
            let addr = ResourceAddr { module, mode, type_name: r.type_name.clone(), name: r.name.clone() };
            let instances = r
                .instances
                .iter()
                .filter(|i| i.deposed.is_none())
                .map(|i| (key_from_json(i.index_key.as_ref()), i))
                .collect();
            for i in r.instances.iter().filter(|i| i.deposed.is_some()) {
                deposed.push((addr.instance(key_from_json(i.index_key.as_ref())), r.provider.as_str(), i));
            }
            resources.insert(addr, PriorResource { provider: &r.provider, instances });
        }
        PriorState { resources, deposed }
    }

    fn instance(&self, addr: &ResourceInstanceAddr) -> Option<(&'a str, &'a InstanceState)> {
        let r = self.resources.get(&addr.resource)?;
        r.instances.get(&addr.key).map(|i| (r.provider, *i))
    }

    fn all(&self) -> impl Iterator<Item = (ResourceInstanceAddr, &'a str, &'a InstanceState)> + '_ {
        self.resources
            .iter()
            .flat_map(|(a, r)| r.instances.iter().map(move |(k, i)| (a.instance(k.clone()), r.provider, *i)))
    }
}

fn key_from_json(k: Option<&serde_json::Value>) -> InstanceKey {
    match k {
        Some(serde_json::Value::Number(n)) => n.as_i64().map_or(InstanceKey::None, InstanceKey::Int),
        Some(serde_json::Value::String(s)) => InstanceKey::Str(s.clone()),
        _ => InstanceKey::None,
    }
}

fn key_to_json(k: &InstanceKey) -> Option<serde_json::Value> {
    match k {
        InstanceKey::None => None,
        InstanceKey::Int(i) => Some((*i).into()),
        InstanceKey::Str(s) => Some(s.clone().into()),
    }
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
    /// Resources and module instances the configuration still has.
    visited_resources: Mutex<HashSet<ResourceAddr>>,
    visited_modules: Mutex<HashSet<ModuleInstance>>,
    /// Resources with `prevent_destroy` (checked when destroying).
    protected: Mutex<HashSet<ResourceAddr>>,
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
            visited_resources: Mutex::new(HashSet::new()),
            visited_modules: Mutex::new(HashSet::new()),
            protected: Mutex::new(HashSet::new()),
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
        }
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

    /// Import targets no resource block consumed: an error, or (with
    /// `-generate-config-out`) generated configuration.
    fn unconfigured_imports(&self, diags: &mut Diagnostics) {
        let used = self.imports_used.lock().expect("no poisoned locks").clone();
        let visited = self.visited.lock().expect("no poisoned locks").clone();
        let mut pending: Vec<(ResourceInstanceAddr, (String, Span))> = self
            .imports
            .lock()
            .expect("no poisoned locks")
            .iter()
            .filter(|(a, _)| !used.contains(*a) && !visited.contains(*a) && self.prior.instance(a).is_none())
            .map(|(a, v)| (a.clone(), v.clone()))
            .collect();
        pending.sort_by(|a, b| a.0.cmp(&b.0));
        for (addr, (id, span)) in pending {
            if !self.generate_config || !addr.resource.module.is_root() {
                diags.push(Diagnostic::error("Configuration for import target does not exist").with_detail(format!("The configuration for the given import target {addr} does not exist. If you wish to automatically generate config for this resource, use the -generate-config-out option within strata plan. Otherwise, make sure the target resource exists within your configuration. For example:\n\n  strata plan -generate-config-out=generated.tf")).with_span(span));
                continue;
            }
            let local = addr.resource.type_name.split('_').next().unwrap_or_default().to_string();
            let source = self.source_of(self.root, &local);
            let provider_addr = config_address(&ModuleInstance::root(), &source, None);
            let Some(provider) = self.provider_instance(&provider_addr, &source, Some(&span), diags) else { continue };
            let Some(schema) = provider.schema().resources.get(&addr.resource.type_name).cloned() else {
                diags.push(
                    Diagnostic::error("Invalid resource type")
                        .with_detail(format!(
                            "The provider {source} does not support resource type {:?}.",
                            addr.resource.type_name
                        ))
                        .with_span(span),
                );
                continue;
            };
            let Some((object, private)) = self.import_object(&addr, &*provider, &schema, &id, &span, diags) else {
                continue;
            };
            let read = provider.read_resource(strata_provider::ReadResourceRequest {
                type_name: &addr.resource.type_name,
                current: &object,
                private: &private,
            });
            if report(read.diagnostics, Some(&span), diags) {
                continue;
            }
            let object = read.new_state.unwrap_or(object);
            let text = crate::imports::generated_config(&addr, &id, &object, &schema.block);
            self.generated.lock().expect("no poisoned locks").push((addr, text));
        }
    }

    /// `strata import ADDR ID`: import this one object into state and
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
        let mut visited_resources = self.visited_resources.lock().expect("no poisoned locks");
        let mut visited_modules = self.visited_modules.lock().expect("no poisoned locks");
        for a in &kept {
            visited_resources.insert(a.resource.clone());
            visited_modules.insert(a.resource.module.clone());
        }
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

    /// Planned changes so far, in address order.
    pub fn changes(&self) -> Vec<PlannedChange> {
        let mut c = self.changes.lock().expect("no poisoned locks").clone();
        c.sort_by(|a, b| a.addr.cmp(&b.addr).then_with(|| a.deposed.cmp(&b.deposed)));
        c
    }

    /// After the walk: objects in state that the configuration no longer has
    /// (or everything, when destroying) are deleted — dependents first.
    pub fn finish(&self, diags: &mut Diagnostics) {
        if self.refresh_only {
            // Deposed objects are read too (one deleted outside leaves the
            // state), but nothing is destroyed.
            let file = strata_diag::SourceFile::new("<state>", "");
            for (addr, provider_addr, inst) in &self.prior.deposed {
                self.remove_orphan(addr, provider_addr, inst, &file, diags);
            }
        }
        if self.refresh_only || self.import_only {
            return;
        }
        self.unconfigured_imports(diags);
        let visited = self.visited.lock().expect("no poisoned locks").clone();
        let mut orphans: Vec<(ResourceInstanceAddr, String, InstanceState)> = self
            .prior
            .all()
            .filter(|(a, _, _)| !visited.contains(a))
            .map(|(a, p, i)| (a, p.to_string(), i.clone()))
            .collect();
        // Objects deposed by this walk's create_before_destroy replacements
        // go now that their dependents are updated; after a failure they
        // stay in state, as Terraform leaves them.
        let deposed = std::mem::take(&mut *self.deposed.lock().expect("no poisoned locks"));
        let deposed_now: HashSet<(ResourceInstanceAddr, Option<String>)> =
            deposed.iter().map(|(a, _, i)| (a.clone(), i.deposed.clone())).collect();
        if !self.failed_before(diags) {
            orphans.extend(deposed);
        }
        // Those an earlier run left behind are planned for destruction like
        // orphans, as Terraform plans them.
        orphans.extend(self.prior.deposed.iter().map(|(a, p, i)| (a.clone(), p.to_string(), (*i).clone())));
        orphans.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.2.deposed.cmp(&b.2.deposed)));
        // Dependents are deleted before what they depend on. Dependencies
        // name configuration resources (as Terraform's do, without module
        // instance keys), so objects are ordered by theirs.
        let config_name = |a: &ResourceInstanceAddr| strip_module_keys(&a.resource.to_string());
        let mut graph = DependencyGraph::new();
        let file = strata_diag::SourceFile::new("<state>", "");
        for (a, _, i) in &orphans {
            let name = config_name(a);
            graph.add_node(&name);
            for d in i.dependencies.iter().flatten() {
                graph.add_edge(&name, &strip_module_keys(d), Span::file_start(&file));
            }
        }
        let (order, _) = graph.order();
        let rank: HashMap<String, usize> = order.iter().enumerate().map(|(i, n)| (n.clone(), i)).collect();
        orphans.sort_by_key(|(a, _, _)| std::cmp::Reverse(rank.get(&config_name(a)).copied().unwrap_or(0)));
        // One task per resource (its instances are independent of each
        // other); a resource waits for the resources that depend on it.
        let mut groups: Vec<Vec<(ResourceInstanceAddr, String, InstanceState)>> = Vec::new();
        for o in orphans {
            match groups.last_mut() {
                Some(g) if config_name(&g[0].0) == config_name(&o.0) => g.push(o),
                _ => groups.push(vec![o]),
            }
        }
        let group_of: HashMap<String, usize> =
            groups.iter().enumerate().map(|(i, g)| (config_name(&g[0].0), i)).collect();
        let mut needs: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
        for (h, g) in groups.iter().enumerate() {
            let deps: HashSet<String> =
                g.iter().flat_map(|(_, _, i)| i.dependencies.iter().flatten()).map(|d| strip_module_keys(d)).collect();
            for d in deps {
                if let Some(&target) = group_of.get(d.as_str()) {
                    if h < target {
                        needs[target].push(h);
                    }
                }
            }
        }
        let outcomes: Vec<Mutex<Diagnostics>> = groups.iter().map(|_| Mutex::new(Diagnostics::new())).collect();
        crate::parallel::run_dag(&needs, self.parallelism.min(groups.len()), |g| {
            let group = &groups[g];
            let per_instance: Vec<Mutex<Diagnostics>> = group.iter().map(|_| Mutex::new(Diagnostics::new())).collect();
            let independent = vec![Vec::new(); group.len()];
            crate::parallel::run_dag(&independent, self.parallelism.min(group.len()), |i| {
                let (addr, provider_addr, inst) = &group[i];
                let mut local = Diagnostics::new();
                if deposed_now.contains(&(addr.clone(), inst.deposed.clone())) {
                    self.destroy_deposed(addr, provider_addr, inst, &mut local);
                } else {
                    self.remove_orphan(addr, provider_addr, inst, &file, &mut local);
                }
                *per_instance[i].lock().expect("no poisoned locks") = local;
            });
            let mut all = Diagnostics::new();
            for d in per_instance {
                all.extend(d.into_inner().expect("no poisoned locks"));
            }
            *outcomes[g].lock().expect("no poisoned locks") = all;
        });
        for d in outcomes {
            diags.extend(d.into_inner().expect("no poisoned locks"));
        }
        if !self.applying() {
            self.create_before_destroy_cycles(diags);
        }
        self.reread_changed_by_dependents(diags);
    }

    /// A create_before_destroy replacement of an object that depends on
    /// one destroyed first (an orphan stored without the flag, or a plain
    /// replacement) cannot be ordered: its creation waits for that
    /// destruction, which waits for its deposed object to go, which waits
    /// for its creation. Terraform reports the cycle when planning.
    fn create_before_destroy_cycles(&self, diags: &mut Diagnostics) {
        let changes = self.changes.lock().expect("no poisoned locks").clone();
        let destroyed_first: Vec<&PlannedChange> = changes
            .iter()
            .filter(|c| match c.action {
                Action::Replace => true,
                // A deposed object goes last, whatever its flag.
                Action::Delete if c.deposed.is_some() => false,
                Action::Delete => {
                    self.prior.instance(&c.addr).is_some_and(|(_, i)| i.create_before_destroy != Some(true))
                }
                _ => false,
            })
            .collect();
        if destroyed_first.is_empty() {
            return;
        }
        let config_name = |a: &ResourceInstanceAddr| strip_module_keys(&a.resource.to_string());
        for c in changes.iter().filter(|c| c.action == Action::CreateThenDelete) {
            let stored = self.prior.instance(&c.addr).and_then(|(_, i)| i.dependencies.as_ref());
            let configured = self
                .references
                .get()
                .map_or_else(Vec::new, |(graph, _)| graph.resource_dependencies(&config_name(&c.addr)));
            let dependencies: HashSet<String> =
                stored.into_iter().flatten().map(|d| strip_module_keys(d)).chain(configured).collect();
            if let Some(d) = destroyed_first.iter().find(|d| dependencies.contains(&config_name(&d.addr))) {
                // A replaced dependency's creation waits for the deposed
                // object too (it is among what that object depended on).
                let mut members = vec![c.addr.to_string(), format!("{} (destroy deposed {})", c.addr, deposed_key())];
                members.push(format!("{} (destroy)", d.addr));
                if d.action == Action::Replace {
                    members.push(d.addr.to_string());
                }
                diags.push(Diagnostic::error(format!("Cycle: {}", members.join(", "))));
            }
        }
    }

    /// Destroys an object this walk deposed (its replacement exists).
    fn destroy_deposed(
        &self,
        addr: &ResourceInstanceAddr,
        provider_addr: &str,
        inst: &InstanceState,
        diags: &mut Diagnostics,
    ) {
        if self.stopping(diags) {
            return;
        }
        let Some((provider, schema)) = self.provider_for_state(addr, provider_addr, diags) else { return };
        let before = decode_state(inst, &schema);
        let _permit = self.operations.acquire();
        let _ = self.delete(addr, provider_addr, &*provider, &before, inst, diags);
    }

    /// Plans (and when applying, performs) the deletion of one object the
    /// configuration no longer has.
    fn remove_orphan(
        &self,
        addr: &ResourceInstanceAddr,
        provider_addr: &str,
        inst: &InstanceState,
        file: &Arc<strata_diag::SourceFile>,
        diags: &mut Diagnostics,
    ) {
        if self.targets.as_ref().is_some_and(|(targets, _)| {
            !targets.iter().any(|t| *t == addr.to_string() || *t == addr.resource.to_string())
        }) {
            return;
        }
        if addr.resource.mode == ResourceMode::Data {
            if self.applying() {
                self.record(addr, provider_addr, None, None, diags);
            }
            return;
        }
        let reason = if matches!(self.operation, Operation::Destroy { .. }) || inst.deposed.is_some() {
            None
        } else if !addr.resource.module.is_root()
            && !self.visited_modules.lock().expect("no poisoned locks").contains(&addr.resource.module)
        {
            Some("delete_because_no_module")
        } else if !self.visited_resources.lock().expect("no poisoned locks").contains(&addr.resource) {
            Some("delete_because_no_resource_config")
        } else {
            Some(orphan_reason(addr))
        };
        if inst.deposed.is_none() && self.protected.lock().expect("no poisoned locks").contains(&addr.resource) {
            diags.push(prevent_destroy_error(addr, &Span::file_start(file)));
            return;
        }
        let Some((provider, schema)) = self.provider_for_state(addr, provider_addr, diags) else { return };
        let mut before = decode_state(inst, &schema);
        // A deposed object that changed outside, as it is now: a
        // refresh-only apply writes it to state, as Terraform does.
        let mut refreshed_deposed = None;
        // As Terraform: what is to be destroyed is read first; an object
        // already deleted outside only leaves the state.
        if self.refresh && inst.status.as_deref() != Some("tainted") {
            let shown = !self.applying();
            if shown {
                self.progress(Progress::Refreshing {
                    addr: addr.clone(),
                    deposed: inst.deposed.clone(),
                    object: object_id(&before),
                });
            }
            let private = inst.private.as_deref().map(decode_private).unwrap_or_default();
            let resp = provider.read_resource(strata_provider::ReadResourceRequest {
                type_name: &addr.resource.type_name,
                current: &before,
                private: &private,
            });
            if report(resp.diagnostics, None, diags) {
                return;
            }
            if shown {
                self.progress(Progress::Refreshed { addr: addr.clone(), object: object_id(&before) });
            }
            match (resp.new_state, &inst.deposed) {
                // A deposed object deleted outside just leaves the state.
                (None, Some(key)) => {
                    if self.applying() {
                        self.record_deposed(addr, provider_addr, key, None, None, diags);
                    }
                    return;
                }
                (None, None) => {
                    self.drift.lock().expect("no poisoned locks").push(Drift {
                        addr: addr.clone(),
                        before: before.clone(),
                        after: Value::null(schema.implied_type()),
                    });
                    if self.applying() {
                        self.record(addr, provider_addr, None, None, diags);
                    }
                    return;
                }
                (Some(v), _) => {
                    let now = apply_sensitive_paths(mark_schema_sensitive(v, &schema.block), &sensitive_paths(&before));
                    if inst.deposed.is_some() && !now.unmark_deep().0.raw_equal(&before.unmark_deep().0) {
                        let dependencies = inst.dependencies.clone().unwrap_or_default();
                        refreshed_deposed = Some(InstanceState {
                            deposed: inst.deposed.clone(),
                            create_before_destroy: inst.create_before_destroy,
                            ..instance_state(&addr.key, &now, &schema, &resp.private, dependencies, false)
                        });
                    }
                    before = now;
                }
            }
        }
        if self.refresh_only {
            if let (Some(object), Some(key), true) = (refreshed_deposed, &inst.deposed, self.applying()) {
                self.record_deposed(addr, provider_addr, key, Some(object), None, diags);
            }
            return;
        }
        let forget = !matches!(self.operation, Operation::Destroy { .. })
            && self.removals.iter().any(|r| !r.destroy && r.covers(addr));
        if forget {
            self.changes.lock().expect("no poisoned locks").push(PlannedChange {
                addr: addr.clone(),
                provider: provider_addr.to_string(),
                action: Action::Forget,
                before: before.clone(),
                after: Value::null(schema.implied_type()),
                replace_paths: Vec::new(),
                reason,
                moved_from: None,
                importing: None,
                deposed: inst.deposed.clone(),
            });
            if self.applying() {
                match &inst.deposed {
                    Some(key) => self.record_deposed(addr, provider_addr, key, None, None, diags),
                    None => self.record(addr, provider_addr, None, None, diags),
                }
            }
            return;
        }
        self.changes.lock().expect("no poisoned locks").push(PlannedChange {
            addr: addr.clone(),
            provider: provider_addr.to_string(),
            action: Action::Delete,
            before: before.clone(),
            after: Value::null(schema.implied_type()),
            replace_paths: Vec::new(),
            reason,
            moved_from: self.moves.get(addr).cloned(),
            importing: None,
            deposed: inst.deposed.clone(),
        });
        if self.applying() && !self.stopping(diags) {
            let _permit = self.operations.acquire();
            let _ = self.delete(addr, provider_addr, &*provider, &before, inst, diags);
        }
    }

    fn provider_for_state(
        &self,
        addr: &ResourceInstanceAddr,
        provider_addr: &str,
        diags: &mut Diagnostics,
    ) -> Option<(Arc<dyn Provider>, ResourceSchema)> {
        // provider["registry.terraform.io/hashicorp/aws"].alias
        let source = provider_addr
            .split('"')
            .nth(1)
            .map(|s| {
                s.trim_start_matches("registry.terraform.io/").trim_start_matches("registry.opentofu.org/").to_string()
            })
            .unwrap_or_default();
        let provider = self.provider_instance(provider_addr, &source, None, diags)?;
        let schema = provider.schema();
        let rs = match addr.resource.mode {
            ResourceMode::Managed => schema.resources.get(&addr.resource.type_name),
            ResourceMode::Data => schema.data_sources.get(&addr.resource.type_name),
        };
        match rs {
            Some(rs) => Some((provider, rs.clone())),
            None => {
                diags.push(
                    Diagnostic::error("Unknown resource type in state")
                        .with_detail(format!("The state has {addr}, of a type the provider {source} does not have.")),
                );
                None
            }
        }
    }

    /// The configured instance for a provider configuration address.
    fn provider_instance(
        &self,
        config_addr: &str,
        source: &str,
        span: Option<&Span>,
        diags: &mut Diagnostics,
    ) -> Option<Arc<dyn Provider>> {
        if let Some(p) = self.providers.lock().expect("no poisoned locks").get(config_addr) {
            return Some(p.clone());
        }
        let Some(factory) = self.registry.get(source) else {
            let available: Vec<&str> = self.registry.sources().collect();
            diags.push(
                Diagnostic::error("Provider not available")
                    .with_detail(format!(
                        "Strata has no provider {source:?} built in. Available providers: {}.",
                        available.join(", ")
                    ))
                    .with_span_opt(span.cloned()),
            );
            return None;
        };
        let p = factory.new_instance();
        let config = self
            .provider_configs
            .lock()
            .expect("no poisoned locks")
            .get(config_addr)
            .cloned()
            .unwrap_or_else(|| Value::null(p.schema().provider.implied_type()));
        let pd = p.configure(strata_provider::ConfigureRequest { config: &config });
        if report(pd, span, diags) {
            return None;
        }
        self.providers.lock().expect("no poisoned locks").insert(config_addr.to_string(), p.clone());
        Some(p)
    }

    fn delete(
        &self,
        addr: &ResourceInstanceAddr,
        provider_addr: &str,
        provider: &dyn Provider,
        before: &Value,
        inst: &InstanceState,
        diags: &mut Diagnostics,
    ) -> Result<(), ()> {
        let deposed = inst.deposed.clone();
        self.progress(Progress::Started {
            addr: addr.clone(),
            action: Action::Delete,
            deposed: deposed.clone(),
            object: object_id_or_name(before),
        });
        let t = Instant::now();
        let null = Value::null(before.ty());
        let private = inst.private.as_deref().map(decode_private).unwrap_or_default();
        let resp = provider.apply_resource(strata_provider::ApplyRequest {
            type_name: &addr.resource.type_name,
            prior: before,
            planned: &null,
            config: &null,
            planned_private: &private,
        });
        self.reread.dependent_applied(inst.dependencies.as_deref().unwrap_or_default());
        if report(resp.diagnostics, None, diags) {
            self.progress(Progress::Failed { addr: addr.clone(), action: Action::Delete });
            return Err(());
        }
        match &deposed {
            Some(key) => self.record_deposed(addr, provider_addr, key, None, None, diags),
            None => self.record(addr, provider_addr, None, None, diags),
        }
        self.progress(Progress::Finished {
            addr: addr.clone(),
            action: Action::Delete,
            deposed,
            seconds: t.elapsed().as_secs(),
            object: None,
        });
        Ok(())
    }

    fn progress(&self, p: Progress) {
        if let Some(f) = self.progress {
            f(p);
        }
    }

    /// Writes one completed operation on the current object to the journal.
    fn record(
        &self,
        addr: &ResourceInstanceAddr,
        provider_addr: &str,
        instance: Option<InstanceState>,
        each: Option<&str>,
        diags: &mut Diagnostics,
    ) {
        self.journal(addr, provider_addr, None, instance, each, diags);
    }

    /// Resolves `provider = x.alias` or the type's prefix to (config address, source).
    /// The provider configuration a resource of module instance `path`
    /// uses: (configuration address, source). `provider = aws.west` picks an
    /// alias; otherwise the type's prefix names the provider.
    fn provider_of(&self, path: &ModuleInstance, module: &Module, r: &Resource) -> (String, String) {
        let key = provider_key(r);
        let local = key.split('.').next().unwrap_or(&key).to_string();
        let source = self.source_of(module, &local);
        let mapped = self.provider_maps.lock().expect("no poisoned locks").get(path).and_then(|m| m.get(&key).cloned());
        let addr = mapped
            .unwrap_or_else(|| config_address(&ModuleInstance::root(), &source, key.split_once('.').map(|(_, a)| a)));
        (addr, source)
    }

    /// The source address a module's local provider name stands for.
    fn source_of(&self, module: &Module, local: &str) -> String {
        provider_source(module, self.root, local)
    }
}

/// Resource `r`'s type is not among `types`, those of provider `source`.
pub(crate) fn unsupported_type(source: &str, r: &Resource, types: &BTreeMap<String, ResourceSchema>) -> Diagnostic {
    let data = r.mode == strata_config::ResourceMode::Data;
    let what = if data { "data source" } else { "resource type" };
    let mut detail = format!("The provider {source} does not support {what} {:?}.", r.type_name);
    if let Some(s) = strata_diag::did_you_mean(&r.type_name, types.keys().map(String::as_str)) {
        detail.push_str(&format!(" Did you mean {s:?}?"));
    }
    let summary = if data { "Invalid data source" } else { "Invalid resource type" };
    Diagnostic::error(summary).with_detail(detail).with_span(type_label_span(&r.span))
}

/// The type label (quotes included) of a block header such as
/// `resource "aws_vpc" "main"`: where Terraform blames an unsupported type.
fn type_label_span(header: &Span) -> Span {
    let text = header.text();
    let label = text.find('"').and_then(|open| Some((open, open + 1 + text[open + 1..].find('"')?)));
    match label {
        Some((open, close)) => Span::new(&header.file, header.start + open..header.start + close + 1),
        None => header.clone(),
    }
}

/// The source address local provider name `local` stands for in `module`
/// (falling back on the root module's `required_providers`).
pub(crate) fn provider_source(module: &Module, root: &Module, local: &str) -> String {
    let required =
        |m: &Module| m.terraform.iter().find_map(|t| t.required_providers.get(local).map(|p| p.source.clone()));
    if local == "terraform" {
        "terraform.io/builtin/terraform".to_string()
    } else {
        required(module).or_else(|| required(root)).unwrap_or_else(|| format!("hashicorp/{local}"))
    }
}

/// The local provider name (and alias) resource `r` uses: its `provider`
/// argument, or the prefix of its type.
pub(crate) fn provider_key(r: &Resource) -> String {
    match &r.provider {
        Some(e) => e.span().text().trim().to_string(),
        None => r.type_name.split('_').next().unwrap_or(&r.type_name).to_string(),
    }
}

fn orphan_reason(addr: &ResourceInstanceAddr) -> &'static str {
    match addr.key {
        InstanceKey::Int(_) => "delete_because_count_index",
        InstanceKey::Str(_) => "delete_because_each_key",
        InstanceKey::None => "delete_because_no_resource_config",
    }
}

/// Reports provider diagnostics; true when there were errors.
fn report(pd: Vec<ProviderDiagnostic>, span: Option<&Span>, diags: &mut Diagnostics) -> bool {
    let mut errors = false;
    for d in pd {
        errors |= d.error;
        let mut detail = d.detail;
        if let Some(path) = &d.attribute {
            detail = format!("{detail}\n\n(at {})", path_text(path));
        }
        let base = if d.error { Diagnostic::error(d.summary) } else { Diagnostic::warning(d.summary) };
        diags.push(base.with_detail(detail).with_span_opt(span.cloned()));
    }
    errors
}

pub fn path_text(path: &AttributePath) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            PathStep::Attr(a) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(a);
            }
            PathStep::Key(k) => s.push_str(&format!("[{k:?}]")),
            PathStep::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn decode_private(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

/// An instance's stored object as a value, with its sensitive marks.
fn decode_state(inst: &InstanceState, schema: &ResourceSchema) -> Value {
    let v = strata_lang::json::from_json_typed(&inst.attributes, &schema.implied_type())
        .unwrap_or_else(|_| Value::null(schema.implied_type()));
    apply_sensitive_paths(mark_schema_sensitive(v, &schema.block), &inst.sensitive_attributes)
}

/// Marks attributes the schema declares sensitive.
fn mark_schema_sensitive(v: Value, block: &strata_provider::Block) -> Value {
    let Some(entries) = v.as_entries() else { return v };
    if !has_sensitive(block) {
        return v;
    }
    let marks = v.marks();
    let mut m = entries.clone();
    for (k, a) in &block.attributes {
        if a.sensitive {
            if let Some(x) = m.remove(k) {
                m.insert(k.clone(), x.mark_sensitive());
            }
        }
    }
    // Nested blocks: each element is an object of the nested schema.
    for (k, nb) in &block.blocks {
        if !has_sensitive(&nb.block) {
            continue;
        }
        let Some(x) = m.remove(k) else { continue };
        let xm = x.marks();
        let marked = match x.kind() {
            Kind::List(t, items) => {
                Value::list(t.clone(), items.iter().map(|e| mark_schema_sensitive(e.clone(), &nb.block)).collect())
            }
            Kind::Set(t, items) => {
                Value::set(t.clone(), items.iter().map(|e| mark_schema_sensitive(e.clone(), &nb.block)).collect())
            }
            Kind::Map(t, items) => Value::map(
                t.clone(),
                items.iter().map(|(k, e)| (k.clone(), mark_schema_sensitive(e.clone(), &nb.block))).collect(),
            ),
            Kind::Object(_) => mark_schema_sensitive(x.clone(), &nb.block),
            _ => x.clone(),
        };
        m.insert(k.clone(), marked.mark(xm));
    }
    Value::object(m).mark(marks)
}

fn has_sensitive(block: &strata_provider::Block) -> bool {
    block.attributes.values().any(|a| a.sensitive) || block.blocks.values().any(|b| has_sensitive(&b.block))
}

fn instance_state(
    key: &InstanceKey,
    value: &Value,
    schema: &ResourceSchema,
    private: &[u8],
    dependencies: Vec<String>,
    tainted: bool,
) -> InstanceState {
    let (plain, _) = value.unmark_deep();
    InstanceState {
        index_key: key_to_json(key),
        status: tainted.then(|| "tainted".to_string()),
        deposed: None,
        schema_version: schema.version,
        attributes: strata_lang::json::to_json_typed(&plain, &schema.implied_type()),
        sensitive_attributes: sensitive_paths(value),
        private: (!private.is_empty()).then(|| String::from_utf8_lossy(private).into_owned()),
        dependencies: (!dependencies.is_empty()).then_some(dependencies),
        create_before_destroy: None,
        extra: Default::default(),
    }
}

/// Paths whose values differ between `a` and `b` (or are unknown in `b`).
fn differs_at(a: &Value, b: &Value, path: &AttributePath) -> bool {
    fn get(v: &Value, path: &[PathStep]) -> Option<Value> {
        let Some((step, rest)) = path.split_first() else { return Some(v.clone()) };
        if v.is_unknown() {
            return Some(v.clone());
        }
        let next = match step {
            PathStep::Attr(k) | PathStep::Key(k) => v.as_entries()?.get(k)?.clone(),
            PathStep::Index(i) => v.as_seq()?.get(*i as usize)?.clone(),
        };
        get(&next, rest)
    }
    match (get(a, path), get(b, path)) {
        (Some(x), Some(y)) => y.is_unknown() || !x.unmark_deep().0.raw_equal(&y.unmark_deep().0),
        (None, None) => false,
        _ => true,
    }
}

impl ResourceHandler for ResourceEngine<'_> {
    fn check_results(&self) -> Option<&crate::checks::CheckResults> {
        Some(&self.checks)
    }

    fn walk_started(&self, tree: &strata_config::ModuleTree) {
        let graph = crate::graph::ReferenceGraph::new(tree);
        let create_before_destroy = graph.create_before_destroy_resources();
        let _ = self.references.set((graph, create_before_destroy));
    }

    fn parallelism(&self) -> usize {
        self.parallelism
    }

    fn note_errors(&self) {
        self.errored.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    fn skip_resource(&self, path: &ModuleInstance, r: &Resource) {
        let mode = match r.mode {
            strata_config::ResourceMode::Managed => ResourceMode::Managed,
            strata_config::ResourceMode::Data => ResourceMode::Data,
        };
        let addr = ResourceAddr { module: path.clone(), mode, type_name: r.type_name.clone(), name: r.name.clone() };
        self.keep_prior(|a| a.resource == addr);
    }

    fn skip_module_call(&self, path: &ModuleInstance, name: &str) {
        self.keep_prior(|a| {
            let module = &a.resource.module;
            module.starts_with(path) && module.0.get(path.0.len()).is_some_and(|(call, _)| call == name)
        });
    }

    fn import_block(
        &self,
        block: &strata_config::RawBlock,
        scope: &dyn Scope,
        ctx: &CallContext,
        functions: &Functions,
        diags: &mut Diagnostics,
    ) {
        if matches!(self.operation, Operation::Destroy { .. }) || self.refresh_only {
            return;
        }
        let ev = Evaluator::new(scope, functions, ctx, &block.body.file);
        let attr = |name: &str| block.body.body.get_attribute(name);
        let instances: Vec<Vec<(&str, Value)>> = match attr("for_each") {
            None => vec![Vec::new()],
            Some(fe) => {
                let expr = strata_config::Expr { expr: fe.value.clone(), file: block.body.file.clone() };
                match ev.eval(&fe.value).and_then(|v| for_each_value(&v, &expr)) {
                    Ok(Some(pairs)) => pairs
                        .into_iter()
                        .map(|(k, v)| {
                            vec![(
                                "each",
                                Value::object(BTreeMap::from([
                                    ("key".to_string(), Value::string(k.as_str())),
                                    ("value".to_string(), v),
                                ])),
                            )]
                        })
                        .collect(),
                    Ok(None) => {
                        diags.push(
                            Diagnostic::error("Invalid for_each argument")
                                .with_detail("The \"for_each\" value of an import block must be known during planning.")
                                .with_span(expr.span()),
                        );
                        return;
                    }
                    Err(d) => {
                        diags.push(d);
                        return;
                    }
                }
            }
        };
        let (Some(to), Some(id)) = (attr("to"), attr("id")) else { return };
        let to_span = Span::new(&block.body.file, hcl_edit::Span::span(&to.value).unwrap_or(0..0));
        for bindings in instances {
            let target = crate::module_eval::bind_all(&ev, &bindings, || {
                crate::imports::target_address(&ev, &to.value, &to_span)
            });
            let id_value = crate::module_eval::bind_all(&ev, &bindings, || ev.eval(&id.value));
            let (target, id_value) = match (target, id_value) {
                (Ok(t), Ok(v)) => (t, v),
                (Err(d), _) | (_, Err(d)) => {
                    diags.push(d);
                    continue;
                }
            };
            let id_span = Span::new(&block.body.file, hcl_edit::Span::span(&id.value).unwrap_or(0..0));
            let Some(id_text) = id_value.as_str().filter(|s| !s.is_empty() && id_value.is_known()) else {
                diags.push(
                    Diagnostic::error("Invalid import id argument")
                        .with_detail("The import ID must be a non-empty string known during planning.")
                        .with_span(id_span),
                );
                continue;
            };
            let mut imports = self.imports.lock().expect("no poisoned locks");
            if imports.contains_key(&target) {
                diags.push(
                    Diagnostic::error("Duplicate import configuration")
                        .with_detail(format!("An import block for the resource {target} was already declared."))
                        .with_span(to_span.clone()),
                );
                continue;
            }
            imports.insert(target, (id_text.to_string(), to_span.clone()));
        }
    }

    fn provider_block(
        &self,
        path: &ModuleInstance,
        module: &Module,
        block: &strata_config::ProviderConfig,
        scope: &dyn Scope,
        ctx: &CallContext,
        functions: &Functions,
        diags: &mut Diagnostics,
    ) {
        let addr = self.register_provider_block(path, module, block);
        let source = self.source_of(module, &block.name);
        let Some(factory) = self.registry.get(&source) else { return };
        let schema = factory.new_instance().schema();
        let ev = Evaluator::new(scope, functions, ctx, &block.config.file);
        match strata_lang::body::evaluate_body(&ev, &block.config.body, &["alias", "version"]) {
            Ok(body) => {
                let config = decode_config(&body, &schema.provider, &block.span, diags);
                self.provider_configs.lock().expect("no poisoned locks").insert(addr, config);
            }
            Err(ds) => diags.extend(ds),
        }
    }

    fn enter_module(
        &self,
        parent: &ModuleInstance,
        call: &strata_config::ModuleCall,
        child: &ModuleInstance,
        _child_module: &Module,
    ) {
        let mut maps = self.provider_maps.lock().expect("no poisoned locks");
        let parent_map = maps.get(parent).cloned().unwrap_or_default();
        // Default (unaliased) configurations are inherited implicitly.
        let mut child_map: HashMap<String, String> =
            parent_map.iter().filter(|(k, _)| !k.contains('.')).map(|(k, v)| (k.clone(), v.clone())).collect();
        // `providers = { aws = aws.west }` passes configurations explicitly.
        if let Some(expr) = &call.providers {
            if let hcl_edit::expr::Expression::Object(obj) = &expr.expr {
                for (k, v) in obj.iter() {
                    let text = |r: Option<std::ops::Range<usize>>| {
                        expr.file.text.get(r.unwrap_or(0..0)).unwrap_or("").trim().trim_matches('"').to_string()
                    };
                    let child_key = match k {
                        hcl_edit::expr::ObjectKey::Ident(id) => id.as_str().to_string(),
                        hcl_edit::expr::ObjectKey::Expression(e) => text(hcl_edit::Span::span(e)),
                    };
                    let parent_key = text(hcl_edit::Span::span(v.expr()));
                    let local = parent_key.split('.').next().unwrap_or(&parent_key).to_string();
                    let addr = parent_map.get(&parent_key).cloned().unwrap_or_else(|| {
                        config_address(
                            &ModuleInstance::root(),
                            &self.source_of(self.root, &local),
                            parent_key.split_once('.').map(|(_, a)| a),
                        )
                    });
                    child_map.insert(child_key, addr);
                }
            }
        }
        maps.insert(child.clone(), child_map);
    }

    fn resource(
        &self,
        path: &ModuleInstance,
        module: &Module,
        r: &Resource,
        scope: &dyn Scope,
        ctx: &CallContext,
        functions: &Functions,
        diags: &mut Diagnostics,
    ) -> Value {
        let mode = match r.mode {
            strata_config::ResourceMode::Managed => ResourceMode::Managed,
            strata_config::ResourceMode::Data => ResourceMode::Data,
        };
        let addr = ResourceAddr { module: path.clone(), mode, type_name: r.type_name.clone(), name: r.name.clone() };
        self.visited_resources.lock().expect("no poisoned locks").insert(addr.clone());
        self.visited_modules.lock().expect("no poisoned locks").insert(path.clone());
        let (in_plan, only_instances) = self.targeted(&addr);
        if matches!(self.operation, Operation::Destroy { .. }) {
            if r.lifecycle.prevent_destroy {
                self.protected.lock().expect("no poisoned locks").insert(addr.clone());
            }
            return Value::dynamic_unknown();
        }
        let (provider_addr, source) = self.provider_of(path, module, r);
        let Some(provider) = self.provider_instance(&provider_addr, &source, Some(&r.span), diags) else {
            return Value::dynamic_unknown();
        };
        if mode == ResourceMode::Managed {
            let mut types = self.managed_types.lock().expect("no poisoned locks");
            types.entry(provider_addr.clone()).or_default().insert(r.type_name.clone());
        }
        let schema_all = provider.schema();
        let types = if mode == ResourceMode::Data { &schema_all.data_sources } else { &schema_all.resources };
        let Some(schema) = types.get(&r.type_name).cloned() else {
            diags.push(unsupported_type(&source, r, types));
            return Value::dynamic_unknown();
        };
        let ev = Evaluator::new(scope, functions, ctx, &r.body.file);
        // Instances: key and the bindings their configuration sees.
        let mut instances: Vec<(InstanceKey, Vec<(&str, Value)>)> = Vec::new();
        let each_mode;
        if let Some(count) = &r.count {
            each_mode = Some("list");
            match ev.eval(&count.expr).and_then(|v| count_value(&v, count)) {
                Ok(Some(n)) => {
                    for i in 0..n {
                        instances.push((InstanceKey::Int(i), vec![("count", obj1("index", Value::int(i)))]));
                    }
                }
                Ok(None) if self.applying() && self.failed_before(diags) => return Value::dynamic_unknown(),
                Ok(None) => {
                    diags.push(Diagnostic::error("Invalid count argument").with_detail("The \"count\" value depends on resource attributes that cannot be determined until apply, so Strata cannot predict how many instances will be created. To work around this, use the -target argument to first apply only the resources that the count depends on.").with_span(count.span()));
                    return Value::dynamic_unknown();
                }
                Err(d) => {
                    diags.push(d);
                    return Value::dynamic_unknown();
                }
            }
        } else if let Some(fe) = &r.for_each {
            each_mode = Some("map");
            match ev.eval(&fe.expr).and_then(|v| for_each_value(&v, fe)) {
                Ok(Some(pairs)) => {
                    for (k, v) in pairs {
                        let each = Value::object(BTreeMap::from([
                            ("key".to_string(), Value::string(k.as_str())),
                            ("value".to_string(), v),
                        ]));
                        instances.push((InstanceKey::Str(k), vec![("each", each)]));
                    }
                }
                Ok(None) if self.applying() && self.failed_before(diags) => return Value::dynamic_unknown(),
                Ok(None) => {
                    diags.push(Diagnostic::error("Invalid for_each argument").with_detail("The \"for_each\" map includes keys derived from resource attributes that cannot be determined until apply, and so Strata cannot determine the full set of keys that will identify the instances of this resource. When working with unknown values in for_each, it's better to define the map keys statically in your configuration and place apply-time results only in the map values.").with_span(fe.span()));
                    return Value::dynamic_unknown();
                }
                Err(d) => {
                    diags.push(d);
                    return Value::dynamic_unknown();
                }
            }
        } else {
            each_mode = None;
            instances.push((InstanceKey::None, Vec::new()));
        }
        let dependencies = dependencies_of(r, path, module);
        let create_before_destroy = r.lifecycle.create_before_destroy
            || self.references.get().is_some_and(|(_, cbd)| cbd.contains(&strip_module_keys(&addr.to_string())));
        if module.checks.iter().any(|c| c.data.as_ref().is_some_and(|d| std::ptr::eq(d, r))) {
            self.check_data.lock().expect("no poisoned locks").insert(addr.clone());
        }
        let check_addr = strip_module_keys(&addr.to_string());
        if instances.is_empty() {
            self.checks.no_objects(&check_addr);
        }
        // 1. Configurations, in order (the evaluator is single-threaded).
        let mut jobs: Vec<InstanceJob> = Vec::new();
        let mut untouched: Vec<(InstanceKey, Value)> = Vec::new();
        for (key, bindings) in instances {
            let iaddr = addr.instance(key.clone());
            self.visited.lock().expect("no poisoned locks").insert(iaddr.clone());
            let wanted = in_plan && only_instances.as_ref().is_none_or(|only| only.contains(&iaddr.to_string()));
            if wanted {
                self.checks.object(&check_addr, &iaddr.to_string());
            } else {
                // Outside -target: keep the stored object as it is.
                let stored = self.prior.instance(&iaddr).map(|(_, i)| decode_state(i, &schema));
                untouched.push((key, stored.unwrap_or_else(|| Value::unknown(schema.implied_type()))));
                continue;
            }
            let body = crate::module_eval::bind_all(&ev, &bindings, || {
                strata_lang::body::evaluate_body(&ev, &r.body.body, crate::module_eval::RESOURCE_META)
            });
            let body = match body {
                Ok(b) => b,
                Err(ds) => {
                    diags.extend(ds);
                    jobs.push((key, bindings, None));
                    continue;
                }
            };
            let mut local = Diagnostics::new();
            let config = decode_config(&body, &schema.block, &r.span, &mut local);
            let failed = local.has_errors();
            diags.extend(local);
            if failed {
                jobs.push((key, bindings, None));
                continue;
            }
            if self.applying() && !config.is_wholly_known() {
                // Something this depends on failed (or was skipped): leave it
                // untouched rather than apply a half-known configuration.
                if !self.failed_before(diags) {
                    diags.push(
                        Diagnostic::error("Configuration still unknown at apply")
                            .with_detail(format!(
                                "{iaddr} depends on values that are still unknown; it was not changed."
                            ))
                            .with_span(r.span.clone()),
                    );
                }
                jobs.push((key, bindings, None));
                continue;
            }
            let rules = (RuleKind::ResourcePrecondition, r.lifecycle.preconditions.as_slice());
            if self.check_conditions(&ev, &bindings, (&check_addr, &iaddr), rules, None, diags) {
                jobs.push((key, bindings, None));
                continue;
            }
            let triggered = self.triggered(path, module, &r.lifecycle.replace_triggered_by);
            jobs.push((key, bindings, Some((config, triggered))));
        }
        // 2. Provider calls: the instances of one resource are independent,
        // so up to `parallelism` of them run at once.
        let run_one = |key: &InstanceKey, config: &Value, triggered: bool| -> (Value, Diagnostics) {
            let _permit = self.operations.acquire();
            let mut local = Diagnostics::new();
            let iaddr = addr.instance(key.clone());
            let opts = InstanceOpts { lifecycle: &r.lifecycle, triggered, create_before_destroy };
            let v = if mode == ResourceMode::Data {
                self.data_instance(
                    &iaddr,
                    &provider_addr,
                    &*provider,
                    &schema,
                    config,
                    &r.span,
                    each_mode,
                    &dependencies,
                    &mut local,
                )
            } else {
                self.instance(
                    &iaddr,
                    &provider_addr,
                    &*provider,
                    &schema,
                    config,
                    &r.span,
                    each_mode,
                    &dependencies,
                    &opts,
                    &mut local,
                )
            };
            (v, local)
        };
        let work: Vec<usize> = (0..jobs.len()).filter(|i| jobs[*i].2.is_some()).collect();
        // Each configuration is dropped once its instance is done, not kept
        // until the last of a large resource's instances finishes.
        let configs: Vec<Mutex<Option<(Value, bool)>>> = jobs.iter_mut().map(|j| Mutex::new(j.2.take())).collect();
        let results: Vec<Mutex<Option<(Value, Diagnostics)>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
        let workers = self.parallelism.min(work.len());
        if workers <= 1 {
            for &i in &work {
                let (config, triggered) =
                    configs[i].lock().expect("no poisoned locks").take().expect("work has a configuration");
                *results[i].lock().expect("no poisoned locks") = Some(run_one(&jobs[i].0, &config, triggered));
            }
        } else {
            let next = std::sync::atomic::AtomicUsize::new(0);
            std::thread::scope(|scope| {
                for _ in 0..workers {
                    scope.spawn(|| loop {
                        let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some(&i) = work.get(n) else { break };
                        let (config, triggered) =
                            configs[i].lock().expect("no poisoned locks").take().expect("work has a configuration");
                        let out = run_one(&jobs[i].0, &config, triggered);
                        *results[i].lock().expect("no poisoned locks") = Some(out);
                    });
                }
            });
        }
        // 3. Results in instance order, postconditions checked.
        let mut values: Vec<(InstanceKey, Value)> = untouched;
        for ((key, bindings, _), result) in jobs.into_iter().zip(results) {
            let Some((value, mut local)) = result.into_inner().expect("no poisoned locks") else {
                values.push((key, Value::dynamic_unknown()));
                continue;
            };
            // Postconditions see the planned object (unknowns leave them
            // unknown until apply), or the new one when applying.
            if !local.has_errors() {
                let iaddr = addr.instance(key.clone());
                let rules = (RuleKind::ResourcePostcondition, r.lifecycle.postconditions.as_slice());
                self.check_conditions(&ev, &bindings, (&check_addr, &iaddr), rules, Some(&value), &mut local);
            }
            diags.extend(local);
            values.push((key, value));
        }
        values.sort_by(|a, b| a.0.cmp(&b.0));
        // What depends on this resource starts only once its results are on disk.
        if let Some(sink) = &self.sink {
            if let Err(d) = sink.lock().expect("no poisoned locks").sync() {
                diags.push(d);
            }
        }
        match each_mode {
            None => values.pop().map(|(_, v)| v).unwrap_or_else(Value::dynamic_unknown),
            Some("list") => Value::tuple(values.into_iter().map(|(_, v)| v).collect()),
            _ => Value::object(
                values
                    .into_iter()
                    .map(|(k, v)| (if let InstanceKey::Str(s) = k { s } else { String::new() }, v))
                    .collect(),
            ),
        }
    }
}

/// The attribute that names an object in progress lines, as Terraform
/// picks it: a string `id`, else a string `name` (never a secret).
pub fn object_id(v: &Value) -> Option<(String, String)> {
    let entries = v.as_entries()?;
    let named = |key: &str| -> Option<Option<(String, String)>> {
        let a = entries.get(key)?;
        (a.ty() == Type::String).then(|| {
            (!a.is_sensitive() && a.is_known() && !a.is_null())
                .then(|| (key.to_string(), a.as_str().unwrap_or_default().to_string()))
        })
    };
    if v.is_null() || !v.is_known() {
        return None;
    }
    match named("id") {
        Some(found) => found,
        None => named("name").flatten(),
    }
}

/// `object_id`, else `name`, else the `Name` (or `name`) tag.
pub fn object_id_or_name(v: &Value) -> Option<(String, String)> {
    if let Some(found) = object_id(v) {
        return Some(found);
    }
    let entries = v.as_entries()?;
    if let Some(n) = entries.get("name").filter(|n| n.ty() == Type::String) {
        return (!n.is_sensitive() && n.is_known() && !n.is_null())
            .then(|| ("name".to_string(), n.as_str().unwrap_or_default().to_string()));
    }
    let tags = entries.get("tags").filter(|t| t.is_wholly_known() && !t.is_null() && !t.is_sensitive())?;
    let tags = tags.as_entries()?;
    ["name", "Name"].iter().find_map(|k| {
        let t = tags.get(*k)?;
        let text = t.as_str().filter(|_| !t.is_sensitive())?;
        Some((format!("tags.{k}"), text.to_string()))
    })
}

fn obj1(k: &str, v: Value) -> Value {
    Value::object(BTreeMap::from([(k.to_string(), v)]))
}

/// Absolute addresses of the resources `r` refers to (state `dependencies`).
fn dependencies_of(r: &Resource, path: &ModuleInstance, module: &Module) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    let exprs = r.count.iter().chain(r.for_each.iter()).chain(r.depends_on.iter());
    let mut refs: Vec<strata_lang::refs::Reference> =
        exprs.flat_map(|e| strata_lang::refs::references(&e.expr, &e.file, &[])).collect();
    refs.extend(strata_lang::refs::body_references(&r.body.body, &r.body.file));
    for reference in refs {
        let (mode, t, n) = match (reference.root.as_str(), reference.attrs.first(), reference.attrs.get(1)) {
            ("data", Some(t), Some(n)) => (strata_config::ResourceMode::Data, t.clone(), n.clone()),
            (t, Some(n), _) => (strata_config::ResourceMode::Managed, t.to_string(), n.clone()),
            _ => continue,
        };
        if module.resources.iter().any(|x| x.mode == mode && x.type_name == t && x.name == n) {
            let local =
                if mode == strata_config::ResourceMode::Data { format!("data.{t}.{n}") } else { format!("{t}.{n}") };
            out.insert(if path.is_root() { local } else { format!("{path}.{local}") });
        }
    }
    out.into_iter().collect()
}

impl ResourceEngine<'_> {
    /// Reads a data source now when its configuration is known; otherwise
    /// plans the read for apply time (`<= read`).
    #[allow(clippy::too_many_arguments)]
    fn data_instance(
        &self,
        addr: &ResourceInstanceAddr,
        provider_addr: &str,
        provider: &dyn Provider,
        schema: &ResourceSchema,
        config: &Value,
        span: &Span,
        each: Option<&str>,
        dependencies: &[String],
        diags: &mut Diagnostics,
    ) -> Value {
        let prior = self
            .prior
            .instance(addr)
            .map_or_else(|| Value::null(schema.implied_type()), |(_, i)| decode_state(i, schema));
        // As Terraform: a data source whose configuration is not known yet,
        // or which depends on a resource with changes pending, is read
        // during apply, so that it sees the world after those changes.
        let pending = !self.applying() && {
            let changed = self.changed_resources.lock().expect("no poisoned locks");
            dependencies.iter().any(|d| changed.contains(d))
        };
        if !config.is_wholly_known() || pending {
            let planned = proposed_new(&schema.block, &Value::null(schema.implied_type()), config);
            let reason = if config.is_wholly_known() {
                "read_because_dependency_pending"
            } else {
                "read_because_config_unknown"
            };
            self.changes.lock().expect("no poisoned locks").push(PlannedChange {
                addr: addr.clone(),
                provider: provider_addr.to_string(),
                action: Action::Read,
                before: prior,
                after: planned.clone(),
                replace_paths: Vec::new(),
                reason: Some(reason),
                moved_from: None,
                importing: None,
                deposed: None,
            });
            return planned;
        }
        let t = Instant::now();
        if self.applying() {
            self.progress(Progress::Started { addr: addr.clone(), action: Action::Read, deposed: None, object: None });
        }
        let resp =
            provider.read_data_source(strata_provider::ReadDataRequest { type_name: &addr.resource.type_name, config });
        // A check block's data source is read now for the plan's checks,
        // and planned to be read again when applying (as Terraform does).
        let nested_read = |after: Value| {
            let nested = !self.applying()
                && !self.refresh_only
                && self.check_data.lock().expect("no poisoned locks").contains(&addr.resource);
            if nested {
                self.changes.lock().expect("no poisoned locks").push(PlannedChange {
                    addr: addr.clone(),
                    provider: provider_addr.to_string(),
                    action: Action::Read,
                    before: prior.clone(),
                    after,
                    replace_paths: Vec::new(),
                    reason: Some("read_because_check_nested"),
                    moved_from: None,
                    importing: None,
                    deposed: None,
                });
            }
        };
        if report(resp.diagnostics, Some(span), diags) {
            nested_read(proposed_new(&schema.block, &Value::null(schema.implied_type()), config));
            return Value::dynamic_unknown();
        }
        if self.applying() {
            self.progress(Progress::Finished {
                addr: addr.clone(),
                action: Action::Read,
                deposed: None,
                seconds: t.elapsed().as_secs(),
                object: object_id(&resp.state),
            });
        }
        let value = carry_sensitive(&mark_schema_sensitive(resp.state, &schema.block), config);
        nested_read(value.clone());
        if self.applying() && !value.unmark_deep().0.raw_equal(&prior.unmark_deep().0) {
            let inst = instance_state(&addr.key, &value, schema, &[], dependencies.to_vec(), false);
            self.record(addr, provider_addr, Some(inst), each, diags);
        }
        value
    }

    /// Plans one instance and, when applying, applies it. Returns the value
    /// references to the instance see.
    #[allow(clippy::too_many_arguments)]
    fn instance(
        &self,
        addr: &ResourceInstanceAddr,
        provider_addr: &str,
        provider: &dyn Provider,
        schema: &ResourceSchema,
        config: &Value,
        span: &Span,
        each: Option<&str>,
        dependencies: &[String],
        opts: &InstanceOpts,
        diags: &mut Diagnostics,
    ) -> Value {
        let prior_inst = self.prior.instance(addr).map(|(_, i)| i.clone());
        let tainted = prior_inst.as_ref().is_some_and(|i| i.status.as_deref() == Some("tainted"));
        // An `import` block for an instance not yet in state: the object
        // is imported first and planned as if it had been there.
        let import = match &prior_inst {
            None => self.imports.lock().expect("no poisoned locks").get(addr).cloned(),
            Some(_) => None,
        };
        let importing = import.as_ref().map(|(id, _)| id.clone());
        let (stored, mut prior_private) = match &import {
            Some((id, import_span)) => {
                self.imports_used.lock().expect("no poisoned locks").insert(addr.clone());
                match self.import_object(addr, provider, schema, id, import_span, diags) {
                    Some(found) => found,
                    None => return Value::dynamic_unknown(),
                }
            }
            None => (
                prior_inst.as_ref().map_or_else(|| Value::null(schema.implied_type()), |i| decode_state(i, schema)),
                prior_inst.as_ref().and_then(|i| i.private.as_deref()).map(decode_private).unwrap_or_default(),
            ),
        };
        // Refresh: what the object looks like now, outside our state.
        let mut prior = stored.clone();
        if (self.refresh || importing.is_some()) && !stored.is_null() && !tainted {
            // Shown while planning (an apply has shown it in its plan).
            let shown = !self.applying() && importing.is_none();
            if shown {
                self.progress(Progress::Refreshing { addr: addr.clone(), deposed: None, object: object_id(&stored) });
            }
            let resp = provider.read_resource(strata_provider::ReadResourceRequest {
                type_name: &addr.resource.type_name,
                current: &stored,
                private: &prior_private,
            });
            if report(resp.diagnostics, Some(span), diags) {
                return Value::dynamic_unknown();
            }
            prior = match resp.new_state {
                None => Value::null(schema.implied_type()),
                Some(v) => apply_sensitive_paths(mark_schema_sensitive(v, &schema.block), &sensitive_paths(&stored)),
            };
            prior_private = resp.private;
            if shown {
                self.progress(Progress::Refreshed { addr: addr.clone(), object: object_id(&stored) });
            }
            if let (Some(id), true) = (&importing, prior.is_null()) {
                diags.push(Diagnostic::error("Cannot import non-existent remote object").with_detail(format!("While attempting to import an existing object to {addr}, the provider detected that no object exists with the given id {id:?}. Only pre-existing objects can be imported; check that the id is correct and that it is associated with the provider's configured region or endpoint, or use \"strata apply\" to create a new remote object for this resource.")).with_span(span.clone()));
                return Value::dynamic_unknown();
            }
            if importing.is_none() && !prior.unmark_deep().0.raw_equal(&stored.unmark_deep().0) {
                self.drift.lock().expect("no poisoned locks").push(Drift {
                    addr: addr.clone(),
                    before: stored.clone(),
                    after: prior.clone(),
                });
            }
        }
        if self.import_only {
            if importing.is_some() && self.applying() {
                let inst = instance_state(&addr.key, &prior, schema, &prior_private, dependencies.to_vec(), false);
                self.record(addr, provider_addr, Some(inst), each, diags);
            }
            return if prior.is_null() { Value::unknown(schema.implied_type()) } else { prior };
        }
        // The object as state stores it, with its create_before_destroy
        // flag (Terraform writes it only when true).
        let cbd_flag = opts.create_before_destroy.then_some(true);
        let object = |value: &Value, private: &[u8], tainted: bool| InstanceState {
            create_before_destroy: cbd_flag,
            ..instance_state(&addr.key, value, schema, private, dependencies.to_vec(), tainted)
        };
        let flag_changed = prior_inst.as_ref().is_some_and(|p| p.create_before_destroy.filter(|f| *f) != cbd_flag);
        if self.refresh_only {
            // Only bring the state up to date with the real objects.
            let refreshed = !prior.unmark_deep().0.raw_equal(&stored.unmark_deep().0);
            if self.applying() && !stored.is_null() && (refreshed || flag_changed) {
                let inst = (!prior.is_null()).then(|| object(&prior, &prior_private, tainted));
                self.record(addr, provider_addr, inst, each, diags);
            }
            return if prior.is_null() { Value::unknown(schema.implied_type()) } else { prior };
        }
        let config = &ignore_changes(config, &prior, &opts.lifecycle.ignore_changes);
        let plan = |prior: &Value| {
            let proposed = proposed_new(&schema.block, prior, config);
            provider.plan_resource(strata_provider::PlanRequest {
                type_name: &addr.resource.type_name,
                prior,
                proposed: &proposed,
                config,
                prior_private: &prior_private,
            })
        };
        let checked = provider.validate_resource(strata_provider::ValidateResourceRequest {
            type_name: &addr.resource.type_name,
            config,
        });
        if report(checked, Some(span), diags) {
            return Value::dynamic_unknown();
        }
        let resp = if tainted { plan(&Value::null(schema.implied_type())) } else { plan(&prior) };
        if report(resp.diagnostics, Some(span), diags) {
            return Value::dynamic_unknown();
        }
        let mut replace_paths = resp.requires_replace.clone();
        for (name, a) in &schema.block.attributes {
            let p = vec![PathStep::Attr(name.clone())];
            if a.force_new && !prior.is_null() && differs_at(&prior, &resp.planned, &p) && !replace_paths.contains(&p) {
                replace_paths.push(p);
            }
        }
        replace_paths.retain(|p| prior.is_null() || differs_at(&prior, &resp.planned, p));
        let (action, reason) = if prior.is_null() {
            (Action::Create, None)
        } else if tainted {
            (Action::Replace, Some("replace_because_tainted"))
        } else if !replace_paths.is_empty() {
            (Action::Replace, Some("replace_because_cannot_update"))
        } else if self.replace.contains(&addr.to_string()) {
            self.replace_found.lock().expect("no poisoned locks").insert(addr.to_string());
            (Action::Replace, Some("replace_by_request"))
        } else if opts.triggered {
            (Action::Replace, Some("replace_by_triggers"))
        } else if resp.planned.unmark_deep().0.raw_equal(&prior.unmark_deep().0) && resp.planned.is_wholly_known() {
            (Action::NoOp, None)
        } else {
            (Action::Update, None)
        };
        let action =
            if action == Action::Replace && opts.create_before_destroy { Action::CreateThenDelete } else { action };
        if matches!(action, Action::Replace | Action::CreateThenDelete) && opts.lifecycle.prevent_destroy {
            diags.push(prevent_destroy_error(addr, span));
            return Value::dynamic_unknown();
        }
        let mut planned = mark_schema_sensitive(resp.planned.clone(), &schema.block);
        if action == Action::NoOp
            && planned.marks_deep() == prior.marks_deep()
            && sensitive_paths(&planned) == sensitive_paths(&prior)
        {
            // The same object, marks included: share the prior value rather
            // than keep a second copy of every unchanged object.
            planned = prior.clone();
        }
        let mut planned_private = resp.private.clone();
        if matches!(action, Action::Replace | Action::CreateThenDelete) && !tainted {
            // The new object is planned as a create.
            let create = plan(&Value::null(schema.implied_type()));
            if report(create.diagnostics, Some(span), diags) {
                return Value::dynamic_unknown();
            }
            planned = mark_schema_sensitive(create.planned, &schema.block);
            planned_private = create.private;
        }
        self.changes.lock().expect("no poisoned locks").push(PlannedChange {
            addr: addr.clone(),
            provider: provider_addr.to_string(),
            action,
            before: prior.clone(),
            after: planned.clone(),
            replace_paths,
            reason,
            moved_from: self.moves.get(addr).cloned(),
            importing: importing.clone(),
            deposed: None,
        });
        if action != Action::NoOp {
            self.changed_resources.lock().expect("no poisoned locks").insert(addr.resource.to_string());
        }
        if !self.applying() || action == Action::NoOp {
            if action == Action::NoOp && self.applying() {
                // Keep the refreshed object, current dependencies and flag.
                let inst = object(&prior, &prior_private, false);
                self.note_rereadable(schema, (addr, provider_addr, each), &prior, &inst);
                let refreshed = !prior.unmark_deep().0.raw_equal(&stored.unmark_deep().0);
                if refreshed
                    || importing.is_some()
                    || flag_changed
                    || prior_inst.as_ref().and_then(|p| p.dependencies.as_ref()) != inst.dependencies.as_ref()
                {
                    self.record(addr, provider_addr, Some(inst), each, diags);
                }
            }
            return planned;
        }
        if self.stopping(diags) {
            return Value::dynamic_unknown();
        }
        if action == Action::Replace {
            let inst = prior_inst.clone().unwrap_or_else(|| {
                instance_state(&addr.key, &prior, schema, &prior_private, dependencies.to_vec(), false)
            });
            if self.delete(addr, provider_addr, provider, &prior, &inst, diags).is_err() {
                return Value::dynamic_unknown();
            }
        }
        // create_before_destroy: the old object is deposed (kept under a
        // key, no longer current) until its replacement exists and what
        // depends on it is updated; the journal says so before anything
        // happens. Its dependencies, stored and configured (through locals
        // and modules too, as Terraform records them), order its
        // destruction after the walk.
        let deposed = if action == Action::CreateThenDelete {
            let mut inst = object(&prior, &prior_private, tainted);
            let stored_deps = prior_inst.as_ref().and_then(|p| p.dependencies.clone()).unwrap_or_default();
            let configured = self.references.get().map_or_else(Vec::new, |(graph, _)| {
                graph.resource_dependencies(&strip_module_keys(&addr.resource.to_string()))
            });
            let merged: std::collections::BTreeSet<String> = stored_deps
                .into_iter()
                .chain(dependencies.iter().cloned())
                .chain(configured)
                .map(|d| strip_module_keys(&d))
                .collect();
            inst.dependencies = (!merged.is_empty()).then(|| merged.into_iter().collect());
            let key = crate::resources::deposed_key();
            inst.deposed = Some(key.clone());
            self.record_deposed(addr, provider_addr, &key, Some(inst.clone()), each, diags);
            self.record(addr, provider_addr, None, each, diags);
            Some((key, inst))
        } else {
            None
        };
        let verb = if action == Action::Update { Action::Update } else { Action::Create };
        self.progress(Progress::Started {
            addr: addr.clone(),
            action: verb,
            deposed: None,
            object: if verb == Action::Update { object_id_or_name(&prior) } else { None },
        });
        let t = Instant::now();
        let before = if action == Action::Update { prior.clone() } else { Value::null(schema.implied_type()) };
        let applied = provider.apply_resource(strata_provider::ApplyRequest {
            type_name: &addr.resource.type_name,
            prior: &before,
            planned: &planned,
            config,
            planned_private: &planned_private,
        });
        self.reread.dependent_applied(dependencies);
        let failed = report(applied.diagnostics, Some(span), diags);
        let new_state = mark_schema_sensitive(applied.new_state.clone(), &schema.block);
        let new_state = if config.marks_deep().contains(strata_lang::Marks::SENSITIVE) {
            carry_sensitive(&new_state, config)
        } else {
            new_state
        };
        if failed {
            self.progress(Progress::Failed { addr: addr.clone(), action: verb });
            if !applied.new_state.is_null() {
                // Keep what the provider says exists. Half-created objects are
                // tainted so the next plan replaces them; a failed update
                // is not (as Terraform: the object is still the same one).
                let inst = object(&new_state, &applied.private, before.is_null());
                self.record(addr, provider_addr, Some(inst), each, diags);
            } else if let Some((key, old)) = deposed {
                // Nothing was created: the deposed object is current again,
                // as Terraform restores it.
                self.record(addr, provider_addr, Some(InstanceState { deposed: None, ..old }), each, diags);
                self.record_deposed(addr, provider_addr, &key, None, each, diags);
            }
            return Value::dynamic_unknown();
        }
        if !new_state.is_wholly_known() {
            diags.push(
                Diagnostic::error("Provider returned invalid result object after apply")
                    .with_detail(format!(
                        "After applying {addr}, the provider left some values unknown. This is a bug in the provider."
                    ))
                    .with_span(span.clone()),
            );
        }
        let inst = object(&new_state, &applied.private, false);
        self.note_rereadable(schema, (addr, provider_addr, each), &new_state, &inst);
        self.record(addr, provider_addr, Some(inst), each, diags);
        self.progress(Progress::Finished {
            addr: addr.clone(),
            action: verb,
            deposed: None,
            seconds: t.elapsed().as_secs(),
            object: object_id(&new_state),
        });
        if let Some((_, old)) = deposed {
            self.deposed.lock().expect("no poisoned locks").push((addr.clone(), provider_addr.to_string(), old));
        }
        new_state
    }

    /// Imports the object `id` for `addr`: (its value, provider private data).
    fn import_object(
        &self,
        addr: &ResourceInstanceAddr,
        provider: &dyn Provider,
        schema: &ResourceSchema,
        id: &str,
        span: &Span,
        diags: &mut Diagnostics,
    ) -> Option<(Value, Vec<u8>)> {
        let resp = provider.import_resource(strata_provider::ImportRequest { type_name: &addr.resource.type_name, id });
        if report(resp.diagnostics, Some(span), diags) {
            return None;
        }
        match resp.imported.into_iter().find(|o| o.type_name == addr.resource.type_name) {
            Some(o) => Some((mark_schema_sensitive(o.state, &schema.block), o.private)),
            None => {
                diags.push(
                    Diagnostic::error("Import returned no object")
                        .with_detail(format!(
                            "Importing {id:?} into {addr} gave no object of type {}.",
                            addr.resource.type_name
                        ))
                        .with_span(span.clone()),
                );
                None
            }
        }
    }

    /// Writes one completed operation on a deposed object to the journal.
    fn record_deposed(
        &self,
        addr: &ResourceInstanceAddr,
        provider_addr: &str,
        key: &str,
        instance: Option<InstanceState>,
        each: Option<&str>,
        diags: &mut Diagnostics,
    ) {
        self.journal(addr, provider_addr, Some(key), instance, each, diags);
    }

    fn journal(
        &self,
        addr: &ResourceInstanceAddr,
        provider_addr: &str,
        deposed: Option<&str>,
        instance: Option<InstanceState>,
        each: Option<&str>,
        diags: &mut Diagnostics,
    ) {
        let Some(sink) = &self.sink else { return };
        let entry = JournalEntry {
            module: (!addr.resource.module.is_root()).then(|| addr.resource.module.to_string()),
            mode: if addr.resource.mode == ResourceMode::Data { "data".into() } else { "managed".into() },
            type_name: addr.resource.type_name.clone(),
            name: addr.resource.name.clone(),
            each: each.map(String::from),
            provider: provider_addr.to_string(),
            index_key: key_to_json(&addr.key),
            deposed: deposed.map(String::from),
            instance,
        };
        if let Err(d) = sink.lock().expect("no poisoned locks").record(entry) {
            diags.push(d);
        }
    }

    /// Evaluates every precondition (or postcondition, with `self`) rule of
    /// one instance with its bindings and records each result; whether any
    /// of them failed with an error (with `-refresh-only` they only warn).
    fn check_conditions(
        &self,
        ev: &Evaluator,
        bindings: &[(&str, Value)],
        (config_addr, iaddr): (&str, &ResourceInstanceAddr),
        (kind, rules): (RuleKind, &[strata_config::CheckRule]),
        self_value: Option<&Value>,
        diags: &mut Diagnostics,
    ) -> bool {
        let mut all: Vec<(&str, Value)> = bindings.to_vec();
        if let Some(v) = self_value {
            all.push(("self", v.clone()));
        }
        let object_addr = iaddr.to_string();
        let severity = self.checks.condition_severity();
        let mut local = Diagnostics::new();
        for (index, rule) in rules.iter().enumerate() {
            let outcome = crate::module_eval::bind_all(ev, &all, || {
                crate::checks::evaluate_rule(ev, rule, kind, severity, &mut local)
            });
            self.checks.report(config_addr, &object_addr, (kind, index), &outcome);
        }
        let failed = local.has_errors();
        diags.extend(local);
        failed
    }

    /// Whether any reference in `replace_triggered_by` names a resource
    /// (of the same module instance) planned to change.
    fn triggered(&self, path: &ModuleInstance, module: &Module, refs: &[strata_config::Expr]) -> bool {
        if refs.is_empty() {
            return false;
        }
        let changes = self.changes.lock().expect("no poisoned locks");
        refs.iter().flat_map(|e| strata_lang::refs::references(&e.expr, &e.file, &[])).any(|reference| {
            let Some(name) = reference.attrs.first() else { return false };
            if !module.resources.iter().any(|r| r.type_name == reference.root && &r.name == name) {
                return false;
            }
            changes.iter().any(|c| {
                c.addr.resource.module == *path
                    && c.addr.resource.type_name == reference.root
                    && &c.addr.resource.name == name
                    && matches!(c.action, Action::Update | Action::Replace | Action::CreateThenDelete)
            })
        })
    }
}

/// One instance to plan: its key, the bindings its configuration sees, and
/// (when it could be evaluated) its configuration and whether a
/// `replace_triggered_by` reference changed.
type InstanceJob<'b> = (InstanceKey, Vec<(&'b str, Value)>, Option<(Value, bool)>);

/// Options one instance's plan takes from its resource block.
struct InstanceOpts<'l> {
    lifecycle: &'l strata_config::Lifecycle,
    /// A `replace_triggered_by` reference changed.
    triggered: bool,
    /// Replacements create first: set on the resource, or forced by a
    /// dependent that sets it. Stored in state as Terraform stores it.
    create_before_destroy: bool,
}

/// Configuration with `ignore_changes` attributes taken from the prior object.
fn ignore_changes(config: &Value, prior: &Value, ignore: &strata_config::IgnoreChanges) -> Value {
    let (Some(c), Some(p)) = (config.as_entries(), prior.as_entries()) else { return config.clone() };
    let names: Vec<&String> = match ignore {
        strata_config::IgnoreChanges::None => return config.clone(),
        strata_config::IgnoreChanges::All => c.keys().collect(),
        strata_config::IgnoreChanges::Attributes(names) => names.iter().collect(),
    };
    let mut out = c.clone();
    for n in names {
        if let (Some(_), Some(pv)) = (out.get(n), p.get(n)) {
            out.insert(n.clone(), pv.clone());
        }
    }
    Value::object(out).mark(config.marks())
}

fn prevent_destroy_error(addr: &ResourceInstanceAddr, span: &Span) -> Diagnostic {
    Diagnostic::error("Instance cannot be destroyed")
        .with_detail(format!(
            "Resource {addr} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using the -target flag."
        ))
        .with_span(span.clone())
}

/// A deposed object's key: 8 hex digits, as Terraform.
pub(crate) fn deposed_key() -> String {
    let n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{:08x}", n ^ std::process::id().rotate_left(16))
}

/// Keeps the sensitivity a configuration gave (e.g. `input = var.secret`)
/// on the same paths of the applied object, whatever the provider returned:
/// a provider cannot launder a secret.
fn carry_sensitive(state: &Value, config: &Value) -> Value {
    apply_sensitive_paths(state.clone(), &sensitive_paths(config))
}

/// `provider["registry.terraform.io/hashicorp/aws"].west`, prefixed with the
/// module path when the configuration lives in a child module.
fn config_address(module: &ModuleInstance, source: &str, alias: Option<&str>) -> String {
    let host_source = if source.starts_with("terraform.io/") {
        source.to_string()
    } else {
        format!("registry.terraform.io/{source}")
    };
    let mut addr = String::new();
    if !module.is_root() {
        addr.push_str(&format!("{module}."));
    }
    addr.push_str(&format!("provider[\"{host_source}\"]"));
    if let Some(a) = alias {
        addr.push('.');
        addr.push_str(a);
    }
    addr
}

impl ResourceEngine<'_> {
    fn register_provider_block(
        &self,
        path: &ModuleInstance,
        module: &Module,
        block: &strata_config::ProviderConfig,
    ) -> String {
        let source = self.source_of(module, &block.name);
        let addr = config_address(path, &source, block.alias.as_deref());
        let key = match &block.alias {
            Some(a) => format!("{}.{a}", block.name),
            None => block.name.clone(),
        };
        self.provider_maps
            .lock()
            .expect("no poisoned locks")
            .entry(path.clone())
            .or_default()
            .insert(key, addr.clone());
        addr
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
