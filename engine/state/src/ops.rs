//! Editing a state file the way Terraform's state commands do: selecting
//! instances (`state list`, `state rm`), moving instances, resources and
//! module instances (`state mv`), tainting and replacing providers. Pure
//! functions over [`StateFile`]; reading, locking and writing stay with the
//! caller. Errors carry Terraform's words.

use crate::model::{InstanceState, ResourceState, StateFile};
use serde_json::Value as Json;
use std::cmp::Ordering;
use strata_addrs::{InstanceKey, ModuleInstance, ResourceAddr, ResourceInstanceAddr, ResourceMode, Target};

/// A refused edit: a summary and a detail, as a diagnostic shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpError {
    pub summary: String,
    pub detail: String,
}

impl OpError {
    fn new(summary: &str, detail: impl Into<String>) -> OpError {
        OpError { summary: summary.to_string(), detail: detail.into() }
    }
}

impl std::fmt::Display for OpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.summary, self.detail)
    }
}

/// The address of a resource as stored; `None` for a module path that does
/// not parse (such a resource is never selected, never changed).
pub fn resource_addr(r: &ResourceState) -> Option<ResourceAddr> {
    let module = match &r.module {
        Some(m) => ModuleInstance::parse(m)?,
        None => ModuleInstance::root(),
    };
    let mode = if r.mode == "data" { ResourceMode::Data } else { ResourceMode::Managed };
    Some(ResourceAddr { module, mode, type_name: r.type_name.clone(), name: r.name.clone() })
}

/// The instance key of a stored object.
pub fn instance_key(i: &InstanceState) -> InstanceKey {
    match &i.index_key {
        Some(Json::Number(n)) => n.as_i64().map_or(InstanceKey::None, InstanceKey::Int),
        Some(Json::String(s)) => InstanceKey::Str(s.clone()),
        _ => InstanceKey::None,
    }
}

fn key_json(k: &InstanceKey) -> Option<Json> {
    match k {
        InstanceKey::None => None,
        InstanceKey::Int(i) => Some((*i).into()),
        InstanceKey::Str(s) => Some(s.clone().into()),
    }
}

fn module_text(m: &ModuleInstance) -> Option<String> {
    (!m.is_root()).then(|| m.to_string())
}

fn find_resource(state: &StateFile, addr: &ResourceAddr) -> Option<usize> {
    state.resources.iter().position(|r| resource_addr(r).as_ref() == Some(addr))
}

/// The stored resource at `addr`.
pub fn resource<'a>(state: &'a StateFile, addr: &ResourceAddr) -> Option<&'a ResourceState> {
    find_resource(state, addr).map(|i| &state.resources[i])
}

/// The current (not deposed) object of an instance.
pub fn current<'a>(state: &'a StateFile, addr: &ResourceInstanceAddr) -> Option<&'a InstanceState> {
    resource(state, &addr.resource)?.instances.iter().find(|i| i.deposed.is_none() && instance_key(i) == addr.key)
}

fn has_instance(state: &StateFile, addr: &ResourceInstanceAddr) -> bool {
    resource(state, &addr.resource).is_some_and(|r| r.instances.iter().any(|i| instance_key(i) == addr.key))
}

/// The module instances that hold resources (the root when it has any).
fn modules(state: &StateFile) -> Vec<ModuleInstance> {
    let mut out: Vec<ModuleInstance> =
        state.resources.iter().filter_map(resource_addr).map(|r| r.module).collect::<Vec<_>>();
    out.sort_by(ModuleInstance::terraform_cmp);
    out.dedup();
    out
}

fn has_module(state: &StateFile, m: &ModuleInstance) -> bool {
    state.resources.iter().filter_map(resource_addr).any(|r| r.module == *m)
}

fn instances_of(r: &ResourceState, addr: &ResourceAddr) -> Vec<ResourceInstanceAddr> {
    let mut keys: Vec<InstanceKey> = r.instances.iter().map(instance_key).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().map(|k| addr.instance(k)).collect()
}

/// Every resource instance in the state (with a current object or only
/// deposed ones), in Terraform's order.
pub fn instances(state: &StateFile) -> Vec<ResourceInstanceAddr> {
    let mut out: Vec<ResourceInstanceAddr> =
        state.resources.iter().filter_map(|r| Some(instances_of(r, &resource_addr(r)?))).flatten().collect();
    out.sort_by(ResourceInstanceAddr::terraform_cmp);
    out
}

/// The instances an address selects (`lookupResourceInstanceAddr`): all in
/// a module instance and below it, all of a resource, or one instance.
/// Unless `allow_missing`, selecting nothing is an error.
pub fn select(state: &StateFile, target: &Target, allow_missing: bool) -> Result<Vec<ResourceInstanceAddr>, OpError> {
    let mut out = Vec::new();
    match target {
        Target::Module(m) => {
            let mut found = false;
            for r in &state.resources {
                let Some(addr) = resource_addr(r) else { continue };
                if m.contains(&addr.module) {
                    found = true;
                    out.extend(instances_of(r, &addr));
                }
            }
            if !found && !allow_missing {
                return Err(OpError::new("Unknown module", format!("The current state contains no module at {m}. If you've just added this module to the configuration, you must run \"strata apply\" first to create the module's entry in the state.")));
            }
        }
        Target::Resource(addr) => match resource(state, addr) {
            Some(r) => out.extend(instances_of(r, addr)),
            None if allow_missing => {}
            None => return Err(OpError::new("Unknown resource", format!("The current state contains no resource {addr}. If you've just added this resource to the configuration, you must run \"strata apply\" first to create the resource's entry in the state."))),
        },
        Target::Instance(addr) => {
            if has_instance(state, addr) {
                out.push(addr.clone());
            } else if !allow_missing {
                return Err(OpError::new("Unknown resource instance", format!("The current state contains no resource instance {addr}. If you've just added its resource to the configuration or have changed the count or for_each arguments, you must run \"strata apply\" first to update the resource's entry in the state.")));
            }
        }
    }
    out.sort_by(ResourceInstanceAddr::terraform_cmp);
    Ok(out)
}

/// Forgets every object (current and deposed) of an instance, and the
/// resource when it has no instances left. Returns whether anything went.
pub fn remove_instance(state: &mut StateFile, addr: &ResourceInstanceAddr) -> bool {
    let Some(idx) = find_resource(state, &addr.resource) else { return false };
    let r = &mut state.resources[idx];
    let before = r.instances.len();
    r.instances.retain(|i| instance_key(i) != addr.key);
    let removed = r.instances.len() != before;
    if r.instances.is_empty() {
        state.resources.remove(idx);
    }
    removed
}

/// One completed move, as `state mv` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub from: String,
    pub to: String,
}

/// What a move source stands for once matched against the state
/// (`sourceObjectAddrs`).
enum Source {
    Module(ModuleInstance),
    Resource(ResourceAddr),
    Instance(ResourceInstanceAddr),
}

/// Moves what `src` names to `dst` (`state mv`). Objects leave `from` and
/// land in `to`, or in `from` itself when `to` is `None`. `dst_text` is the
/// destination as typed; Terraform reports instance moves with it. On
/// error the states may be half-edited: callers edit copies and write
/// nothing then.
pub fn move_objects(
    from: &mut StateFile,
    mut to: Option<&mut StateFile>,
    src: &Target,
    dst: &Target,
    dst_text: &str,
) -> Result<Vec<Moved>, Vec<OpError>> {
    let sources: Vec<Source> = match src {
        Target::Module(m) => modules(from).into_iter().filter(|x| x.starts_with(m)).map(Source::Module).collect(),
        Target::Resource(r) => match resource(from, r) {
            Some(rs) if rs.instances.iter().any(|i| instance_key(i) == InstanceKey::None) => {
                vec![Source::Instance(r.instance(InstanceKey::None))]
            }
            Some(_) => vec![Source::Resource(r.clone())],
            None => Vec::new(),
        },
        Target::Instance(i) => vec![Source::Instance(i.clone())],
    };
    if sources.is_empty() {
        return Err(vec![OpError::new(
            "Invalid source address",
            format!("Cannot move {src}: does not match anything in the current state."),
        )]);
    }
    let invalid_target = |detail: String| vec![OpError::new("Invalid target address", detail)];
    let mut moved = Vec::new();
    for source in sources {
        match source {
            Source::Module(module_from) => {
                let Target::Module(search_to) = dst else {
                    return Err(invalid_target(format!(
                        "Cannot move {module_from} to {dst}: the target must also be a module."
                    )));
                };
                let Target::Module(search) = src else { unreachable!("module sources come from module addresses") };
                let mut steps = search_to.0.clone();
                steps.extend_from_slice(&module_from.0[search.0.len()..]);
                let module_to = ModuleInstance(steps);
                if has_module(to.as_deref().unwrap_or(from), &module_to) {
                    return Err(invalid_target(format!(
                        "Cannot move {module_from} to {module_to}: there is already a module at that address in the current state."
                    )));
                }
                let mut taken = Vec::new();
                let mut i = 0;
                while i < from.resources.len() {
                    if resource_addr(&from.resources[i]).is_some_and(|a| a.module == module_from) {
                        taken.push(from.resources.remove(i));
                    } else {
                        i += 1;
                    }
                }
                let dest = destination(from, &mut to);
                for mut r in taken {
                    r.module = module_text(&module_to);
                    insert_resource(dest, r);
                }
                forget_dependencies_on(from, &mut to, &|dep| module_names_prefix(&module_from, &dep.module));
                moved.push(Moved { from: module_from.to_string(), to: module_to.to_string() });
            }
            Source::Resource(resource_from) => {
                let resource_to = match dst {
                    Target::Resource(r) => r.clone(),
                    _ => {
                        return Err(invalid_target(format!(
                            "Cannot move {resource_from} to {dst}: the source is a whole resource (not a resource instance) so the target must also be a whole resource."
                        )))
                    }
                };
                let mut errors = validate_resource_move(&resource_from, &resource_to);
                if resource(to.as_deref().unwrap_or(from), &resource_to).is_some() {
                    errors.extend(invalid_target(format!(
                        "Cannot move to {resource_to}: there is already a resource at that address in the current state."
                    )));
                }
                let Some(idx) = find_resource(from, &resource_from) else {
                    errors.push(OpError::new(
                        "Invalid source address",
                        format!("The current state does not contain {resource_from}."),
                    ));
                    return Err(errors);
                };
                if !errors.is_empty() {
                    return Err(errors);
                }
                let mut r = from.resources.remove(idx);
                r.module = module_text(&resource_to.module);
                r.name = resource_to.name.clone();
                insert_resource(destination(from, &mut to), r);
                forget_dependencies_on(from, &mut to, &|dep| same_config_resource(dep, &resource_from));
                moved.push(Moved { from: resource_from.to_string(), to: resource_to.to_string() });
            }
            Source::Instance(instance_from) => {
                let instance_to = match dst {
                    Target::Instance(i) => i.clone(),
                    Target::Resource(r) => r.instance(InstanceKey::None),
                    Target::Module(_) => {
                        return Err(invalid_target(format!(
                            "Cannot move {instance_from} to {dst}: the target must also be a resource instance."
                        )))
                    }
                };
                let mut errors = validate_resource_move(&instance_from.resource, &instance_to.resource);
                if has_instance(to.as_deref().unwrap_or(from), &instance_to) {
                    errors.extend(invalid_target(format!(
                        "Cannot move to {instance_to}: there is already a resource instance at that address in the current state."
                    )));
                }
                if !has_instance(from, &instance_from) {
                    errors.push(OpError::new(
                        "Invalid source address",
                        format!("The current state does not contain {instance_from}."),
                    ));
                }
                if !errors.is_empty() {
                    return Err(errors);
                }
                let idx = find_resource(from, &instance_from.resource).expect("checked above");
                let source = &mut from.resources[idx];
                let (objects, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut source.instances)
                    .into_iter()
                    .partition(|i| instance_key(i) == instance_from.key);
                source.instances = kept;
                let template = ResourceState { instances: Vec::new(), ..source.clone() };
                if source.instances.is_empty() {
                    from.resources.remove(idx);
                }
                let dest = destination(from, &mut to);
                let didx = match find_resource(dest, &instance_to.resource) {
                    Some(i) => i,
                    None => {
                        // A new resource brings the provider along, as when moving a whole resource.
                        let r = ResourceState {
                            module: module_text(&instance_to.resource.module),
                            name: instance_to.resource.name.clone(),
                            ..template
                        };
                        insert_resource(dest, r)
                    }
                };
                let r = &mut dest.resources[didx];
                for mut o in objects {
                    o.index_key = key_json(&instance_to.key);
                    r.instances.push(o);
                }
                r.instances.sort_by(instance_order);
                if r.each.is_some() {
                    r.each = each_for(&r.instances);
                }
                forget_dependencies_on(from, &mut to, &|dep| same_config_resource(dep, &instance_from.resource));
                moved.push(Moved { from: instance_from.to_string(), to: dst_text.to_string() });
            }
        }
    }
    Ok(moved)
}

fn destination<'a>(from: &'a mut StateFile, to: &'a mut Option<&mut StateFile>) -> &'a mut StateFile {
    match to {
        Some(t) => t,
        None => from,
    }
}

/// `validateResourceMove`: the mode and the type must stay.
fn validate_resource_move(from: &ResourceAddr, to: &ResourceAddr) -> Vec<OpError> {
    let mut out = Vec::new();
    let invalid = |detail: String| OpError::new("Invalid state move request", detail);
    if from.mode != to.mode {
        out.push(invalid(match from.mode {
            ResourceMode::Managed => format!(
                "Cannot move {from} to {to}: a managed resource can be moved only to another managed resource address."
            ),
            ResourceMode::Data => {
                format!(
                    "Cannot move {from} to {to}: a data resource can be moved only to another data resource address."
                )
            }
        }));
    }
    if from.type_name != to.type_name {
        out.push(invalid(format!("Cannot move {from} to {to}: resource types don't match.")));
    }
    out
}

/// `each` as the keys make it: `list` for numbers, `map` for strings.
fn each_for(instances: &[InstanceState]) -> Option<String> {
    match instances.first().map(instance_key) {
        Some(InstanceKey::Int(_)) => Some("list".into()),
        Some(InstanceKey::Str(_)) => Some("map".into()),
        _ => None,
    }
}

/// Terraform's file order for instances: no key, numbers, strings; the
/// current object before deposed ones.
fn instance_order(a: &InstanceState, b: &InstanceState) -> Ordering {
    instance_key(a).cmp(&instance_key(b)).then_with(|| a.deposed.cmp(&b.deposed))
}

/// Terraform's file order for resources: module, mode, type, name.
fn resource_order(a: &ResourceState, b: &ResourceState) -> Ordering {
    (a.module.as_deref().unwrap_or(""), &a.mode, &a.type_name, &a.name).cmp(&(
        b.module.as_deref().unwrap_or(""),
        &b.mode,
        &b.type_name,
        &b.name,
    ))
}

/// Inserts before the first resource that sorts after it, so a sorted file
/// stays sorted; returns its index.
fn insert_resource(state: &mut StateFile, r: ResourceState) -> usize {
    let at = state
        .resources
        .iter()
        .position(|x| resource_order(x, &r) == Ordering::Greater)
        .unwrap_or(state.resources.len());
    state.resources.insert(at, r);
    at
}

/// A dependency as recorded in state: a resource without instance keys.
fn dependency_addr(dep: &str) -> Option<ResourceAddr> {
    match Target::parse(dep).ok()? {
        Target::Resource(r) => Some(r),
        _ => None,
    }
}

fn module_names(m: &ModuleInstance) -> Vec<&str> {
    m.0.iter().map(|(n, _)| n.as_str()).collect()
}

fn module_names_prefix(prefix: &ModuleInstance, m: &ModuleInstance) -> bool {
    let (p, m) = (module_names(prefix), module_names(m));
    m.len() >= p.len() && m[..p.len()] == p[..]
}

fn same_config_resource(dep: &ResourceAddr, r: &ResourceAddr) -> bool {
    module_names(&dep.module) == module_names(&r.module)
        && dep.mode == r.mode
        && dep.type_name == r.type_name
        && dep.name == r.name
}

/// Drops the recorded dependencies of every current object that depends on
/// what moved; the next apply records them afresh (as Terraform does).
fn forget_dependencies_on(
    from: &mut StateFile,
    to: &mut Option<&mut StateFile>,
    moved: &dyn Fn(&ResourceAddr) -> bool,
) {
    let clear = |state: &mut StateFile| {
        for r in &mut state.resources {
            for i in r.instances.iter_mut().filter(|i| i.deposed.is_none()) {
                let hit = i
                    .dependencies
                    .as_ref()
                    .is_some_and(|deps| deps.iter().any(|d| dependency_addr(d).is_some_and(|d| moved(&d))));
                if hit {
                    i.dependencies = None;
                }
            }
        }
    };
    clear(from);
    if let Some(t) = to.as_deref_mut() {
        clear(t);
    }
}

/// Marks an instance's current object tainted (or ready again), as `taint`
/// and `untaint` do.
pub fn set_tainted(state: &mut StateFile, addr: &ResourceInstanceAddr, tainted: bool) -> Result<(), OpError> {
    let no_such = |detail: String| OpError::new("No such resource instance", detail);
    if tainted && addr.resource.mode == ResourceMode::Data {
        return Err(OpError {
            summary: format!("Resource instance {addr} cannot be tainted"),
            detail: "Only managed resources can be tainted; a data resource is read again at every plan.".into(),
        });
    }
    if state.resources.is_empty() && state.outputs.is_empty() {
        return Err(no_such("The state currently contains no resource instances whatsoever. This may occur if the configuration has never been applied or if it has recently been destroyed.".into()));
    }
    if !has_instance(state, addr) {
        return Err(no_such(format!("There is no resource instance in the state with the address {addr}. If the resource configuration has just been added, you must run \"strata apply\" once to create the corresponding instance(s) before they can be tainted.")));
    }
    let idx = find_resource(state, &addr.resource).expect("has_instance found it");
    let Some(obj) =
        state.resources[idx].instances.iter_mut().find(|i| i.deposed.is_none() && instance_key(i) == addr.key)
    else {
        return Err(no_such(format!("Resource instance {addr} is currently part-way through a create_before_destroy replacement action. Run \"strata apply\" to complete its replacement before tainting it.")));
    };
    if !tainted && obj.status.as_deref() != Some("tainted") {
        return Err(OpError::new(
            "Resource instance is not tainted",
            format!("Resource instance {addr} is not currently tainted, and so it cannot be untainted."),
        ));
    }
    obj.status = tainted.then(|| "tainted".to_string());
    Ok(())
}

/// The provider's fully qualified name in a resource's `provider` field:
/// `registry.terraform.io/hashicorp/aws` in
/// `module.m.provider["registry.terraform.io/hashicorp/aws"].west`.
pub fn provider_fqn(provider: &str) -> Option<&str> {
    let start = provider.find("provider[\"")? + "provider[\"".len();
    let len = provider[start..].find("\"]")?;
    Some(&provider[start..start + len])
}

/// Parses a provider source (`aws`, `hashicorp/aws`,
/// `example.com/acme/aws`) into its fully qualified name, with the defaults
/// and messages of Terraform's `ParseProviderSourceString`.
pub fn parse_provider_source(source: &str) -> Result<String, String> {
    let parts: Vec<&str> = source.split('/').collect();
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return Err("Invalid provider source string: The \"source\" attribute must be in the format \"[hostname/][namespace/]name\"".into());
    }
    let valid =
        |p: &str| !p.starts_with('-') && !p.ends_with('-') && p.chars().all(|c| c.is_alphanumeric() || c == '-');
    let name = parts[parts.len() - 1];
    if !valid(name) {
        return Err(format!("Invalid provider type: Invalid provider type {name:?} in source {source:?}: must contain only letters, digits, and dashes, and may not use leading or trailing dashes"));
    }
    let namespace = if parts.len() >= 2 { parts[parts.len() - 2] } else { "hashicorp" };
    if !valid(namespace) {
        return Err(format!("Invalid provider namespace: Invalid provider namespace {namespace:?} in source {source:?}: must contain only letters, digits, and dashes, and may not use leading or trailing dashes"));
    }
    let host = if parts.len() == 3 { parts[0] } else { "registry.terraform.io" };
    if !host.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':')) {
        return Err(format!("Invalid provider source hostname: Invalid provider source hostname namespace {host:?} in source {source:?}: must be a valid hostname"));
    }
    Ok(format!("{}/{}/{}", host.to_lowercase(), namespace.to_lowercase(), name.to_lowercase()))
}

/// The resources whose provider is `from` (a fully qualified name), in
/// Terraform's order.
pub fn resources_with_provider(state: &StateFile, from: &str) -> Vec<ResourceAddr> {
    let mut out: Vec<ResourceAddr> =
        state.resources.iter().filter(|r| provider_fqn(&r.provider) == Some(from)).filter_map(resource_addr).collect();
    out.sort_by(|a, b| a.instance(InstanceKey::None).terraform_cmp(&b.instance(InstanceKey::None)));
    out
}

/// Points every resource of provider `from` at provider `to` (both fully
/// qualified names), keeping module prefixes and aliases. Returns how many
/// resources changed.
pub fn replace_provider(state: &mut StateFile, from: &str, to: &str) -> usize {
    let mut n = 0;
    for r in &mut state.resources {
        if provider_fqn(&r.provider) == Some(from) {
            r.provider = r.provider.replacen(&format!("provider[\"{from}\"]"), &format!("provider[\"{to}\"]"), 1);
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILTIN: &str = "provider[\"terraform.io/builtin/terraform\"]";

    fn inst(key: Option<Json>, id: &str, deps: &[&str]) -> InstanceState {
        InstanceState {
            index_key: key,
            status: None,
            deposed: None,
            schema_version: 0,
            attributes: serde_json::json!({ "id": id }).into(),
            sensitive_attributes: serde_json::json!([]),
            private: None,
            dependencies: (!deps.is_empty()).then(|| deps.iter().map(|d| d.to_string()).collect()),
            create_before_destroy: None,
            extra: Default::default(),
        }
    }

    fn res(module: Option<&str>, name: &str, each: Option<&str>, instances: Vec<InstanceState>) -> ResourceState {
        ResourceState {
            module: module.map(String::from),
            mode: "managed".into(),
            type_name: "terraform_data".into(),
            name: name.into(),
            each: each.map(String::from),
            provider: BUILTIN.into(),
            instances,
            extra: Default::default(),
        }
    }

    /// The shape of the e2e configuration: a plain resource, count,
    /// for_each, a child module and a counted module.
    fn sample() -> StateFile {
        let mut s = StateFile::new("1.11.4");
        s.resources = vec![
            res(None, "a", None, vec![inst(None, "a", &[])]),
            res(
                None,
                "c",
                Some("list"),
                vec![inst(Some(0.into()), "c0", &["terraform_data.a"]), inst(Some(1.into()), "c1", &[])],
            ),
            res(
                None,
                "e",
                Some("map"),
                vec![
                    inst(Some("x".into()), "ex", &[]),
                    inst(Some("y".into()), "ey", &["module.m.terraform_data.inner"]),
                ],
            ),
            res(Some("module.m"), "inner", None, vec![inst(None, "mi", &[])]),
            res(Some("module.n[0]"), "inner", None, vec![inst(None, "n0", &[])]),
            res(Some("module.n[0].module.deep"), "inner", None, vec![inst(None, "n0d", &[])]),
            res(Some("module.n[1]"), "inner", None, vec![inst(None, "n1", &[])]),
        ];
        s
    }

    fn t(s: &str) -> Target {
        Target::parse(s).unwrap()
    }

    fn listed(s: &StateFile) -> Vec<String> {
        instances(s).iter().map(|a| a.to_string()).collect()
    }

    fn id_at(s: &StateFile, addr: &str) -> String {
        let a = ResourceInstanceAddr::parse(addr).unwrap();
        current(s, &a).and_then(|i| i.attributes.get("id")).map(|v| v.as_str().unwrap().to_string()).unwrap_or_default()
    }

    fn mv(s: &mut StateFile, src: &str, dst: &str) -> Result<Vec<String>, Vec<String>> {
        move_objects(s, None, &t(src), &t(dst), dst)
            .map(|m| m.into_iter().map(|m| format!("{} -> {}", m.from, m.to)).collect())
            .map_err(|e| e.into_iter().map(|e| e.to_string()).collect())
    }

    #[test]
    fn instances_list_in_terraforms_order() {
        assert_eq!(
            listed(&sample()),
            [
                "terraform_data.a",
                "terraform_data.c[0]",
                "terraform_data.c[1]",
                "terraform_data.e[\"x\"]",
                "terraform_data.e[\"y\"]",
                "module.m.terraform_data.inner",
                "module.n[0].terraform_data.inner",
                "module.n[1].terraform_data.inner",
                "module.n[0].module.deep.terraform_data.inner",
            ]
        );
    }

    #[test]
    fn selection_follows_terraforms_rules() {
        let s = sample();
        let sel = |a: &str| select(&s, &t(a), false).map(|v| v.iter().map(|a| a.to_string()).collect::<Vec<_>>());
        assert_eq!(sel("module.n").unwrap().len(), 3, "a keyless call selects every instance and what is below");
        assert_eq!(sel("module.n[0]").unwrap().len(), 2);
        assert_eq!(sel("terraform_data.c").unwrap(), ["terraform_data.c[0]", "terraform_data.c[1]"]);
        assert_eq!(sel("terraform_data.c[1]").unwrap(), ["terraform_data.c[1]"]);
        assert_eq!(sel("module.zz").unwrap_err().summary, "Unknown module");
        assert_eq!(sel("terraform_data.zz").unwrap_err().summary, "Unknown resource");
        assert_eq!(sel("terraform_data.c[7]").unwrap_err().summary, "Unknown resource instance");
        assert_eq!(
            sel("module.n.module.deep").unwrap_err().summary,
            "Unknown module",
            "only the last step is a wildcard"
        );
        assert!(select(&s, &t("terraform_data.zz"), true).unwrap().is_empty());
    }

    #[test]
    fn removing_forgets_instances_and_empty_resources() {
        let mut s = sample();
        assert!(remove_instance(&mut s, &ResourceInstanceAddr::parse("terraform_data.c[0]").unwrap()));
        assert!(remove_instance(&mut s, &ResourceInstanceAddr::parse("terraform_data.a").unwrap()));
        assert!(!remove_instance(&mut s, &ResourceInstanceAddr::parse("terraform_data.a").unwrap()));
        assert_eq!(s.resources.len(), 6, "a is gone, c keeps c[1]");
        assert_eq!(listed(&s)[0], "terraform_data.c[1]");
    }

    #[test]
    fn instances_move_across_keys_and_into_modules() {
        let mut s = sample();
        assert_eq!(
            mv(&mut s, "terraform_data.c[0]", "terraform_data.e[\"z\"]").unwrap(),
            ["terraform_data.c[0] -> terraform_data.e[\"z\"]"]
        );
        assert_eq!(id_at(&s, "terraform_data.e[\"z\"]"), "c0");
        assert_eq!(s.resources[1].instances.len(), 1, "c keeps c[1]");
        // A bare resource is its no-key instance, so it can get a key; the new
        // module appears and the resource brings its provider.
        mv(&mut s, "terraform_data.a", "module.new.terraform_data.b[3]").unwrap();
        let r = resource(&s, &ResourceInstanceAddr::parse("module.new.terraform_data.b").unwrap().resource).unwrap();
        assert_eq!((r.provider.as_str(), r.each.as_deref()), (BUILTIN, None));
        assert_eq!(id_at(&s, "module.new.terraform_data.b[3]"), "a");
        assert!(resource(&s, &ResourceInstanceAddr::parse("terraform_data.a").unwrap().resource).is_none());
        // The order of resources in the file stays Terraform's.
        let order: Vec<_> =
            s.resources.iter().map(|r| (r.module.clone().unwrap_or_default(), r.name.clone())).collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted);
    }

    #[test]
    fn whole_resources_and_modules_move() {
        let mut s = sample();
        assert_eq!(
            mv(&mut s, "terraform_data.c", "module.m.terraform_data.c2").unwrap(),
            ["terraform_data.c -> module.m.terraform_data.c2"]
        );
        assert_eq!(id_at(&s, "module.m.terraform_data.c2[1]"), "c1");
        assert_eq!(
            mv(&mut s, "module.n[0]", "module.q").unwrap(),
            ["module.n[0] -> module.q", "module.n[0].module.deep -> module.q.module.deep"]
        );
        assert_eq!(id_at(&s, "module.q.module.deep.terraform_data.inner"), "n0d");
        mv(&mut s, "module.m", "module.n[\"k\"]").unwrap();
        assert_eq!(id_at(&s, "module.n[\"k\"].terraform_data.inner"), "mi");
    }

    #[test]
    fn moves_are_refused_with_terraforms_messages() {
        let mut s = sample();
        let err = |s: &mut StateFile, a: &str, b: &str| mv(s, a, b).unwrap_err().join(" / ");
        assert_eq!(
            err(&mut s, "terraform_data.zz", "terraform_data.f"),
            "Invalid source address: Cannot move terraform_data.zz: does not match anything in the current state."
        );
        assert_eq!(err(&mut s, "terraform_data.c", "terraform_data.e"), "Invalid target address: Cannot move to terraform_data.e: there is already a resource at that address in the current state.");
        assert_eq!(err(&mut s, "terraform_data.c[0]", "terraform_data.a"), "Invalid target address: Cannot move to terraform_data.a: there is already a resource instance at that address in the current state.");
        assert_eq!(
            err(&mut s, "terraform_data.a", "null_resource.a"),
            "Invalid state move request: Cannot move terraform_data.a to null_resource.a: resource types don't match."
        );
        assert_eq!(err(&mut s, "terraform_data.a", "data.terraform_data.a"), "Invalid state move request: Cannot move terraform_data.a to data.terraform_data.a: a managed resource can be moved only to another managed resource address.");
        assert!(err(&mut s, "terraform_data.c", "terraform_data.f[0]")
            .contains("the source is a whole resource (not a resource instance)"));
        assert_eq!(
            err(&mut s, "module.m", "terraform_data.x"),
            "Invalid target address: Cannot move module.m to terraform_data.x: the target must also be a module."
        );
        assert_eq!(err(&mut s, "terraform_data.a", "module.m"), "Invalid target address: Cannot move terraform_data.a to module.m: the target must also be a resource instance.");
        assert_eq!(
            err(&mut s, "terraform_data.a[0]", "terraform_data.b"),
            "Invalid source address: The current state does not contain terraform_data.a[0]."
        );
        assert!(err(&mut s, "module.n[0]", "module.m").contains("there is already a module at that address"));
        assert_eq!(
            err(&mut s, "module.n", "module.q"),
            "Invalid source address: Cannot move module.n: does not match anything in the current state."
        );
        assert_eq!(s.resources, sample().resources, "refused moves change nothing");
    }

    #[test]
    fn moves_forget_dependencies_on_what_moved() {
        let mut s = sample();
        mv(&mut s, "terraform_data.a", "terraform_data.a2").unwrap();
        assert_eq!(
            current(&s, &ResourceInstanceAddr::parse("terraform_data.c[0]").unwrap()).unwrap().dependencies,
            None
        );
        assert!(current(&s, &ResourceInstanceAddr::parse("terraform_data.e[\"y\"]").unwrap())
            .unwrap()
            .dependencies
            .is_some());
        mv(&mut s, "module.m", "module.m2").unwrap();
        assert_eq!(
            current(&s, &ResourceInstanceAddr::parse("terraform_data.e[\"y\"]").unwrap()).unwrap().dependencies,
            None
        );
    }

    #[test]
    fn moves_between_two_states() {
        let mut from = sample();
        let mut to = StateFile::new("1.11.4");
        let moved = move_objects(&mut from, Some(&mut to), &t("module.n"), &t("module.n"), "module.n");
        assert!(moved.is_err(), "module.n has only keyed instances");
        move_objects(&mut from, Some(&mut to), &t("terraform_data.e"), &t("terraform_data.e"), "terraform_data.e")
            .unwrap();
        assert_eq!(listed(&to), ["terraform_data.e[\"x\"]", "terraform_data.e[\"y\"]"]);
        assert!(!listed(&from).iter().any(|a| a.starts_with("terraform_data.e")));
    }

    #[test]
    fn taint_and_untaint() {
        let mut s = sample();
        let a = ResourceInstanceAddr::parse("terraform_data.c[1]").unwrap();
        set_tainted(&mut s, &a, true).unwrap();
        assert_eq!(current(&s, &a).unwrap().status.as_deref(), Some("tainted"));
        set_tainted(&mut s, &a, true).unwrap();
        set_tainted(&mut s, &a, false).unwrap();
        assert_eq!(current(&s, &a).unwrap().status, None);
        assert_eq!(set_tainted(&mut s, &a, false).unwrap_err().summary, "Resource instance is not tainted");
        let missing = ResourceInstanceAddr::parse("terraform_data.c").unwrap();
        assert!(set_tainted(&mut s, &missing, true).unwrap_err().detail.starts_with("There is no resource instance"));
        let data = ResourceInstanceAddr::parse("data.x.y").unwrap();
        assert!(set_tainted(&mut s, &data, true).is_err());
        assert!(set_tainted(&mut StateFile::new("1"), &a, true)
            .unwrap_err()
            .detail
            .contains("no resource instances whatsoever"));
    }

    #[test]
    fn providers_are_replaced_by_fully_qualified_name() {
        assert_eq!(parse_provider_source("aws").unwrap(), "registry.terraform.io/hashicorp/aws");
        assert_eq!(parse_provider_source("Acme/AWS").unwrap(), "registry.terraform.io/acme/aws");
        assert_eq!(parse_provider_source("example.com/me/x").unwrap(), "example.com/me/x");
        assert!(parse_provider_source("a/b/c/d").unwrap_err().contains("[hostname/][namespace/]name"));
        assert!(parse_provider_source("Hashi Corp/aws").unwrap_err().starts_with("Invalid provider namespace"));
        let mut s = sample();
        s.resources[0].provider = "module.m.provider[\"terraform.io/builtin/terraform\"].alias".into();
        assert_eq!(resources_with_provider(&s, "terraform.io/builtin/terraform").len(), 7);
        assert_eq!(replace_provider(&mut s, "terraform.io/builtin/terraform", "example.com/me/terraform"), 7);
        assert_eq!(s.resources[0].provider, "module.m.provider[\"example.com/me/terraform\"].alias");
        assert_eq!(provider_fqn(&s.resources[1].provider), Some("example.com/me/terraform"));
    }
}
