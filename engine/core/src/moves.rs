//! Refactoring without destroying: `moved` blocks (and the moves Terraform
//! implies when `count` is added to or removed from a resource) rename
//! objects in the prior state before planning, and `removed` blocks say
//! which objects leave the configuration and whether they are destroyed or
//! only forgotten.
//!
//! Moves reuse `state mv`'s editing ([`strata_state::ops::move_objects`]);
//! what is added here is reading the statements, placing them in every
//! instance of the module that declares them, chaining them, and skipping
//! the ones that no longer apply.

use std::collections::HashMap;
use strata_addrs::{InstanceKey, ModuleInstance, ResourceInstanceAddr, ResourceMode, Target};
use strata_config::{ModuleTree, RawBlock};
use strata_diag::{Diagnostic, Diagnostics, Span};
use strata_state::ops;
use strata_state::StateFile;

/// What the moves did: each moved instance's new address → its address in
/// the stored state (chains resolved to the original address).
pub type MovedFrom = HashMap<ResourceInstanceAddr, ResourceInstanceAddr>;

/// A `moved` statement placed in one module instance.
struct Statement {
    from: Target,
    to: Target,
    span: Span,
}

/// Applies every `moved` block (and implied move) of the configuration to
/// `state`, returning which instances moved. Invalid statements are
/// diagnosed; statements whose source is gone or whose destination is
/// already taken are skipped (the latter with a warning, as Terraform).
pub fn apply_moves(tree: &ModuleTree, state: &mut StateFile, diags: &mut Diagnostics) -> MovedFrom {
    let mut moved = MovedFrom::new();
    let mut statements = Vec::new();
    collect(tree, &[], state, &mut statements, diags);
    if diags.has_errors() {
        return moved;
    }
    for s in chain_order(statements) {
        let Ok(mut sources) = ops::select(state, &s.from, true) else { continue };
        if let Target::Module(f) = &s.from {
            // Keys are exact here: `module.a` is the key-less instance only.
            sources.retain(|old| old.resource.module.starts_with(f));
        }
        if sources.is_empty() {
            continue;
        }
        let renames: Vec<(ResourceInstanceAddr, ResourceInstanceAddr)> =
            sources.iter().filter_map(|old| renamed(old, &s.from, &s.to).map(|new| (old.clone(), new))).collect();
        if let Some((_, taken)) = renames.iter().find(|(_, new)| ops::current(state, new).is_some()) {
            diags.push(
                Diagnostic::warning("Unresolved resource instance address changes")
                    .with_detail(format!(
                        "Strata tried to adjust resource instance addresses in the prior state based on change information recorded in the configuration, but some adjustments did not succeed:\n  - Cannot move {} to {}: the destination {taken} already has an object in the state.\n\nThe existing object at the destination is kept; the source is planned as it would be without this moved block.",
                        s.from, s.to
                    ))
                    .with_span(s.span.clone()),
            );
            continue;
        }
        let to_text = s.to.to_string();
        if let Err(errors) = ops::move_objects(state, None, &s.from, &s.to, &to_text) {
            for e in errors {
                diags.push(Diagnostic::error(e.summary).with_detail(e.detail).with_span(s.span.clone()));
            }
            continue;
        }
        for (old, new) in renames {
            let original = moved.remove(&old).unwrap_or(old);
            moved.insert(new, original);
        }
    }
    moved
}

/// Reads the statements of `tree` (at configuration path `path`) and its
/// children, placed in every instance of that module in `state`.
fn collect(tree: &ModuleTree, path: &[String], state: &StateFile, out: &mut Vec<Statement>, diags: &mut Diagnostics) {
    let instances = module_instances(state, path);
    for block in &tree.module.moved {
        let (Some((from, from_span)), Some((to, to_span))) =
            (endpoint(block, "from", diags), endpoint(block, "to", diags))
        else {
            continue;
        };
        if let Some(d) = invalid_pair(&from, &to, &from_span, &to_span, tree) {
            diags.push(d);
            continue;
        }
        // A whole resource moving to one instance (count added) means its
        // key-less instance, and the other way round.
        let (from, to) = match (from, to) {
            (Target::Resource(f), Target::Instance(t)) => {
                (Target::Instance(f.instance(InstanceKey::None)), Target::Instance(t))
            }
            (Target::Instance(f), Target::Resource(t)) => {
                (Target::Instance(f), Target::Instance(t.instance(InstanceKey::None)))
            }
            pair => pair,
        };
        for m in &instances {
            let (from, to) = (within(m, &from), within(m, &to));
            match (&from, &to) {
                // `module.a` → `module.b`: every instance of the call keeps its key.
                (Target::Module(f), Target::Module(t))
                    if f.0.last().is_some_and(|s| s.1 == InstanceKey::None)
                        && t.0.last().is_some_and(|s| s.1 == InstanceKey::None) =>
                {
                    for concrete in module_instances_of_call(state, f) {
                        let mut dest = t.clone();
                        if let Some(last) = dest.0.last_mut() {
                            last.1 = concrete.0.last().map(|s| s.1.clone()).unwrap_or(InstanceKey::None);
                        }
                        out.push(Statement {
                            from: Target::Module(concrete),
                            to: Target::Module(dest),
                            span: block.span.clone(),
                        });
                    }
                }
                _ => out.push(Statement { from, to, span: block.span.clone() }),
            }
        }
    }
    // Implied moves: `count` added to a resource moves its lone object to
    // index 0; `count` removed moves index 0 back.
    for r in tree.module.resources.iter().filter(|r| r.for_each.is_none()) {
        let mode = match r.mode {
            strata_config::ResourceMode::Managed => ResourceMode::Managed,
            strata_config::ResourceMode::Data => continue,
        };
        let (from_key, to_key) = if r.count.is_some() {
            (InstanceKey::None, InstanceKey::Int(0))
        } else {
            (InstanceKey::Int(0), InstanceKey::None)
        };
        for m in &instances {
            let resource = strata_addrs::ResourceAddr {
                module: m.clone(),
                mode,
                type_name: r.type_name.clone(),
                name: r.name.clone(),
            };
            let (from, to) = (resource.instance(from_key.clone()), resource.instance(to_key.clone()));
            if ops::current(state, &from).is_some() && ops::current(state, &to).is_none() {
                out.push(Statement { from: Target::Instance(from), to: Target::Instance(to), span: r.span.clone() });
            }
        }
    }
    for (name, child) in &tree.children {
        let mut p = path.to_vec();
        p.push(name.clone());
        collect(child, &p, state, out, diags);
    }
}

/// The instances in `state` of the module at configuration path `path`
/// (the root is always there; a child only once it has objects).
fn module_instances(state: &StateFile, path: &[String]) -> Vec<ModuleInstance> {
    if path.is_empty() {
        return vec![ModuleInstance::root()];
    }
    let mut found: Vec<ModuleInstance> = state
        .resources
        .iter()
        .filter_map(ops::resource_addr)
        .filter_map(|r| {
            let m = r.module;
            (m.0.len() >= path.len() && m.0.iter().zip(path).all(|((n, _), p)| n == p))
                .then(|| ModuleInstance(m.0[..path.len()].to_vec()))
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

/// The instances in `state` of the module call `call` (its last step's key
/// ignored), each as the module instance of that call.
fn module_instances_of_call(state: &StateFile, call: &ModuleInstance) -> Vec<ModuleInstance> {
    let n = call.0.len();
    let mut found: Vec<ModuleInstance> = state
        .resources
        .iter()
        .filter_map(ops::resource_addr)
        .filter(|r| r.module.0.len() >= n && call.contains(&ModuleInstance(r.module.0[..n].to_vec())))
        .map(|r| ModuleInstance(r.module.0[..n].to_vec()))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// `from`/`to` of a moved block, as an address relative to its module.
fn endpoint(block: &RawBlock, name: &str, diags: &mut Diagnostics) -> Option<(Target, Span)> {
    let attr = block.body.body.get_attribute(name)?;
    let span = Span::new(&block.body.file, hcl_edit::Span::span(&attr.value).unwrap_or(0..0));
    match Target::parse(span.text().trim()) {
        Ok(Target::Resource(r)) if r.mode == ResourceMode::Data => {
            diags.push(
                Diagnostic::error("Invalid \"moved\" address")
                    .with_detail("Data resources cannot be moved: they have no stored objects worth keeping.")
                    .with_span(span),
            );
            None
        }
        Ok(t) => Some((t, span)),
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("Invalid \"moved\" address: {}", e.summary))
                    .with_detail(e.detail)
                    .with_span(span),
            );
            None
        }
    }
}

/// Terraform's checks on a statement that need no state.
fn invalid_pair(from: &Target, to: &Target, from_span: &Span, to_span: &Span, tree: &ModuleTree) -> Option<Diagnostic> {
    let resource_of = |t: &Target| match t {
        Target::Resource(r) => Some(r.clone()),
        Target::Instance(i) => Some(i.resource.clone()),
        Target::Module(_) => None,
    };
    match (resource_of(from), resource_of(to)) {
        (None, None) => None,
        (Some(a), Some(b)) if a.type_name != b.type_name => Some(
            Diagnostic::error("Resource type mismatch")
                .with_detail(format!(
                    "This statement declares a move from {from} to {to}, which is a resource of a different type."
                ))
                .with_span(to_span.clone()),
        ),
        (Some(a), Some(_)) => {
            // The source must really be gone from the configuration.
            let declared = a.module.is_root()
                && tree.module.resources.iter().any(|r| r.type_name == a.type_name && r.name == a.name)
                && matches!((from, to), (Target::Resource(_), Target::Resource(_)));
            declared.then(|| {
                Diagnostic::error("Moved object still exists")
                    .with_detail(format!(
                        "This statement declares a move from {from}, but that resource is still declared at {}.\n\nChange your configuration so that this address is no longer declared, or remove this moved block.",
                        tree.module
                            .resources
                            .iter()
                            .find(|r| r.type_name == a.type_name && r.name == a.name)
                            .map(|r| r.span.to_string())
                            .unwrap_or_default()
                    ))
                    .with_span(from_span.clone())
            })
        }
        _ => Some(
            Diagnostic::error("Invalid \"moved\" addresses")
                .with_detail(format!(
                    "Cannot move {from} to {to}: a module can only move to a module, and a resource to a resource."
                ))
                .with_span(to_span.clone()),
        ),
    }
}

/// `t`, relative to module instance `m`, as an absolute address.
fn within(m: &ModuleInstance, t: &Target) -> Target {
    let prefix = |inner: &ModuleInstance| {
        let mut steps = m.0.clone();
        steps.extend(inner.0.iter().cloned());
        ModuleInstance(steps)
    };
    match t {
        Target::Module(x) => Target::Module(prefix(x)),
        Target::Resource(r) => Target::Resource(strata_addrs::ResourceAddr { module: prefix(&r.module), ..r.clone() }),
        Target::Instance(i) => Target::Instance(ResourceInstanceAddr {
            resource: strata_addrs::ResourceAddr { module: prefix(&i.resource.module), ..i.resource.clone() },
            key: i.key.clone(),
        }),
    }
}

/// Where `old` (selected by `from`) lands when `from` moves to `to`.
fn renamed(old: &ResourceInstanceAddr, from: &Target, to: &Target) -> Option<ResourceInstanceAddr> {
    match (from, to) {
        (Target::Module(f), Target::Module(t)) => {
            let module = &old.resource.module;
            if module.0.len() < f.0.len() {
                return None;
            }
            let mut steps = t.0.clone();
            steps.extend(module.0[f.0.len()..].iter().cloned());
            Some(ResourceInstanceAddr {
                resource: strata_addrs::ResourceAddr { module: ModuleInstance(steps), ..old.resource.clone() },
                key: old.key.clone(),
            })
        }
        (Target::Resource(_), Target::Resource(t)) => Some(t.instance(old.key.clone())),
        (_, Target::Instance(t)) => Some(t.clone()),
        (Target::Instance(_), Target::Resource(t)) => Some(t.instance(InstanceKey::None)),
        _ => None,
    }
}

/// Statements in an order where a chain `a → b`, `b → c` runs first to last.
fn chain_order(statements: Vec<Statement>) -> Vec<Statement> {
    let n = statements.len();
    let by_from: HashMap<String, Vec<usize>> = statements.iter().enumerate().fold(HashMap::new(), |mut m, (i, s)| {
        m.entry(s.from.to_string()).or_default().push(i);
        m
    });
    // Statement i must run before every statement whose source is i's destination.
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut waiting = vec![0usize; n];
    for (i, s) in statements.iter().enumerate() {
        for &j in by_from.get(&s.to.to_string()).into_iter().flatten() {
            if j != i {
                after[i].push(j);
                waiting[j] += 1;
            }
        }
    }
    let mut ready: std::collections::VecDeque<usize> = (0..n).filter(|&i| waiting[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_front() {
        order.push(i);
        for &j in &after[i] {
            waiting[j] -= 1;
            if waiting[j] == 0 {
                ready.push_back(j);
            }
        }
    }
    // Statements on a cycle (a → b, b → a) run last, in written order.
    let placed: std::collections::HashSet<usize> = order.iter().copied().collect();
    order.extend((0..n).filter(|i| !placed.contains(i)));
    let mut slots: Vec<Option<Statement>> = statements.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// A `removed` block: objects of `from` (a resource or a module call, in
/// configuration terms: no instance keys) leave the configuration; with
/// `destroy = false` they are forgotten instead of destroyed.
#[derive(Debug, Clone)]
pub struct Removal {
    pub from: Target,
    pub destroy: bool,
}

impl Removal {
    /// Whether the stored instance `addr` is one this block removes.
    pub fn covers(&self, addr: &ResourceInstanceAddr) -> bool {
        let calls = |m: &ModuleInstance| m.0.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        match &self.from {
            Target::Module(m) => {
                let (want, have) = (calls(m), calls(&addr.resource.module));
                have.len() >= want.len() && have[..want.len()] == want[..]
            }
            Target::Resource(r) => {
                r.type_name == addr.resource.type_name
                    && r.name == addr.resource.name
                    && r.mode == addr.resource.mode
                    && calls(&r.module) == calls(&addr.resource.module)
            }
            Target::Instance(_) => false,
        }
    }
}

/// Reads every `removed` block of the configuration, checking that what it
/// removes is really gone from the configuration.
pub fn removals(tree: &ModuleTree, diags: &mut Diagnostics) -> Vec<Removal> {
    let mut out = Vec::new();
    collect_removals(tree, &[], &mut out, diags);
    out
}

fn collect_removals(tree: &ModuleTree, path: &[String], out: &mut Vec<Removal>, diags: &mut Diagnostics) {
    for block in &tree.module.removed {
        let Some(attr) = block.body.body.get_attribute("from") else { continue };
        let span = Span::new(&block.body.file, hcl_edit::Span::span(&attr.value).unwrap_or(0..0));
        let from = match Target::parse(span.text().trim()) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::error(e.summary).with_detail(e.detail).with_span(span));
                continue;
            }
        };
        let keyed_module = |m: &ModuleInstance| m.0.iter().any(|(_, k)| *k != InstanceKey::None);
        match &from {
            Target::Instance(_) => {
                diags.push(Diagnostic::error("Resource instance keys not allowed").with_detail("Resource address must be a resource (e.g. \"test_instance.foo\"), not a resource instance (e.g. \"test_instance.foo[1]\").").with_span(span));
                continue;
            }
            Target::Resource(r) if keyed_module(&r.module) => {
                diags.push(Diagnostic::error("Module instance keys not allowed").with_detail("Module address must be a module (e.g. \"module.foo\"), not a module instance (e.g. \"module.foo[1]\").").with_span(span));
                continue;
            }
            Target::Module(m) if keyed_module(m) => {
                diags.push(Diagnostic::error("Module instance keys not allowed").with_detail("Module address must be a module (e.g. \"module.foo\"), not a module instance (e.g. \"module.foo[1]\").").with_span(span));
                continue;
            }
            _ => {}
        }
        // Still declared? Only the declaring module's own items can be checked
        // without walking into children.
        match &from {
            Target::Resource(r) if r.module.is_root() => {
                let mode = if r.mode == ResourceMode::Data {
                    strata_config::ResourceMode::Data
                } else {
                    strata_config::ResourceMode::Managed
                };
                if let Some(decl) = tree
                    .module
                    .resources
                    .iter()
                    .find(|x| x.mode == mode && x.type_name == r.type_name && x.name == r.name)
                {
                    diags.push(
                        Diagnostic::error("Removed resource still exists")
                            .with_detail(format!(
                                "This statement declares that {from} was removed, but it is still declared in configuration."
                            ))
                            .with_span(decl.span.clone()),
                    );
                    continue;
                }
            }
            Target::Module(m) if m.0.len() == 1 => {
                if let Some(call) = tree.module.module_calls.iter().find(|c| c.name == m.0[0].0) {
                    diags.push(
                        Diagnostic::error("Removed module still exists")
                            .with_detail(format!(
                                "This statement declares that {from} was removed, but it is still declared in configuration."
                            ))
                            .with_span(call.span.clone()),
                    );
                    continue;
                }
            }
            _ => {}
        }
        let destroy = block
            .body
            .body
            .get_blocks("lifecycle")
            .find_map(|l| l.body.get_attribute("destroy"))
            .map(|a| a.value.as_bool() != Some(false))
            .unwrap_or(true);
        let here = ModuleInstance(path.iter().map(|p| (p.clone(), InstanceKey::None)).collect());
        out.push(Removal { from: within(&here, &from), destroy });
    }
    for (name, child) in &tree.children {
        let mut p = path.to_vec();
        p.push(name.clone());
        collect_removals(child, &p, out, diags);
    }
}
