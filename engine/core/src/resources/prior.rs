//! The prior state indexed by resource, borrowed (a copy of every prior
//! object would double the memory of a large state).

use super::*;

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
    pub(super) deposed: Vec<(ResourceInstanceAddr, &'a str, &'a InstanceState)>,
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

    pub(super) fn instance(&self, addr: &ResourceInstanceAddr) -> Option<(&'a str, &'a InstanceState)> {
        let r = self.resources.get(&addr.resource)?;
        r.instances.get(&addr.key).map(|i| (r.provider, *i))
    }

    /// The current object of `addr`, or its deposed object `deposed`.
    pub(super) fn object(
        &self,
        addr: &ResourceInstanceAddr,
        deposed: Option<&str>,
    ) -> Option<(&'a str, &'a InstanceState)> {
        match deposed {
            None => self.instance(addr),
            Some(key) => self
                .deposed
                .iter()
                .find(|(a, _, i)| a == addr && i.deposed.as_deref() == Some(key))
                .map(|(_, p, i)| (*p, *i)),
        }
    }

    pub(super) fn all(&self) -> impl Iterator<Item = (ResourceInstanceAddr, &'a str, &'a InstanceState)> + '_ {
        self.resources
            .iter()
            .flat_map(|(a, r)| r.instances.iter().map(move |(k, i)| (a.instance(k.clone()), r.provider, *i)))
    }
}

pub(super) fn key_from_json(k: Option<&serde_json::Value>) -> InstanceKey {
    match k {
        Some(serde_json::Value::Number(n)) => n.as_i64().map_or(InstanceKey::None, InstanceKey::Int),
        Some(serde_json::Value::String(s)) => InstanceKey::Str(s.clone()),
        _ => InstanceKey::None,
    }
}

pub(super) fn key_to_json(k: &InstanceKey) -> Option<serde_json::Value> {
    match k {
        InstanceKey::None => None,
        InstanceKey::Int(i) => Some((*i).into()),
        InstanceKey::Str(s) => Some(s.clone().into()),
    }
}
