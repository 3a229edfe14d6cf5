//! The apply journal: each completed resource operation is appended to
//! `<state>.journal` and fsync'd before the next one starts, so a run that
//! dies loses nothing; at the end the journal is folded into the state file
//! (one atomic write) and removed. A journal found at start-up is replayed.
//! Appending costs the size of one object, so 10,000 operations stay linear.
//!
//! Before a create is sent, an *intent* is journalled (the instance, a
//! unique token the provider puts on the object, the planned object). Any
//! later entry for the same instance resolves it. An intent still
//! unresolved when a journal is replayed is a create whose outcome nobody
//! recorded: it stays in the journal until the engine has asked the
//! provider whether the object exists (and adopted it if it does).

use crate::model::{InstanceState, ResourceState, StateFile};
use crate::StateError;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// The state a journal builds on; replay refuses another base.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JournalHeader {
    pub lineage: String,
    pub serial: u64,
}

/// One completed operation: the instance's new object, or its removal.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct JournalEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    pub mode: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub each: Option<String>,
    pub provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_key: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposed: Option<String>,
    /// `None`: the instance (or deposed object) is gone. On an intent: the
    /// planned object (unknown values null).
    pub instance: Option<InstanceState>,
    /// Set on an intent: a create of the instance's current object is about
    /// to be sent, tagged with this token. It changes no state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    /// On an intent: when it was journalled (milliseconds since the Unix
    /// epoch), so that a lookup right after a crash can allow for a create
    /// the service is still completing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent_at: Option<u64>,
}

impl JournalEntry {
    /// The instance (and deposed key) this entry is about.
    fn instance_key(&self) -> (Option<&str>, &str, &str, &str, String, Option<&str>) {
        (
            self.module.as_deref(),
            self.mode.as_str(),
            self.type_name.as_str(),
            self.name.as_str(),
            key_text(&self.index_key),
            self.deposed.as_deref(),
        )
    }
}

/// The intents among `entries` that no later entry for the same instance
/// resolves, in journal order.
pub fn pending_intents(entries: &[JournalEntry]) -> Vec<JournalEntry> {
    let mut open: std::collections::HashMap<_, usize> = std::collections::HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        let key = e.instance_key();
        if e.intent.is_some() {
            open.insert(key, i);
        } else {
            open.remove(&key);
        }
    }
    let mut at: Vec<usize> = open.into_values().collect();
    at.sort_unstable();
    at.into_iter().map(|i| entries[i].clone()).collect()
}

/// The apply journal of one run, over whatever log the backend keeps.
pub struct Journal {
    log: Box<dyn crate::local::JournalLog>,
}

impl Journal {
    pub fn new(log: Box<dyn crate::local::JournalLog>) -> Journal {
        Journal { log }
    }

    /// Appends one entry. It reaches the backend at once (so it survives the
    /// process dying); `sync` makes it survive the machine dying too.
    pub fn record(&mut self, entry: &JournalEntry) -> Result<(), StateError> {
        self.log.append(serde_json::to_string(entry).expect("entry serializes").as_bytes())
    }

    /// Makes recorded entries durable. The engine calls it before work that
    /// depends on them starts (after each resource's instances).
    pub fn sync(&mut self) -> Result<(), StateError> {
        self.log.sync()
    }

    /// Removes the journal once its entries are in the state.
    pub fn finish(self) -> Result<(), StateError> {
        self.log.finish()
    }
}

/// Reads a journal's lines: its header and every complete entry (a torn
/// last line, from a crash mid-write, is ignored).
pub fn parse_journal(
    lines: &[Vec<u8>],
    describe: &str,
) -> Result<Option<(JournalHeader, Vec<JournalEntry>)>, StateError> {
    let Some(first) = lines.first() else { return Ok(None) };
    let header: JournalHeader = serde_json::from_slice(first)
        .map_err(|e| StateError::Corrupt(format!("{describe}: the journal header is unreadable ({e}).")))?;
    let mut entries = Vec::new();
    for line in &lines[1..] {
        match serde_json::from_slice(line) {
            Ok(e) => entries.push(e),
            Err(_) => break,
        }
    }
    Ok(Some((header, entries)))
}

/// A state being updated entry by entry, with indexes so that each entry
/// costs the same whatever the number of resources and instances
/// (`apply_entry` on a plain `StateFile` scans).
pub struct StateBuilder {
    base: StateFile,
    resources: Vec<BuilderResource>,
    by_resource: std::collections::HashMap<(Option<String>, String, String, String), usize>,
}

struct BuilderResource {
    meta: ResourceState,
    instances: Vec<Option<InstanceState>>,
    by_key: std::collections::HashMap<(String, Option<String>), usize>,
}

fn key_text(k: &Option<Json>) -> String {
    k.as_ref().map(|v| v.to_string()).unwrap_or_default()
}

impl StateBuilder {
    pub fn new(mut state: StateFile) -> StateBuilder {
        let mut b = StateBuilder {
            resources: Vec::new(),
            by_resource: Default::default(),
            base: StateFile { resources: Vec::new(), ..state.clone() },
        };
        for mut r in std::mem::take(&mut state.resources) {
            let instances = std::mem::take(&mut r.instances);
            let idx = b.resources.len();
            b.by_resource.insert((r.module.clone(), r.mode.clone(), r.type_name.clone(), r.name.clone()), idx);
            let mut br = BuilderResource { meta: r, instances: Vec::new(), by_key: Default::default() };
            for i in instances {
                br.by_key.insert((key_text(&i.index_key), i.deposed.clone()), br.instances.len());
                br.instances.push(Some(i));
            }
            b.resources.push(br);
        }
        b
    }

    /// Folds in one entry; the entry's object moves into the builder (an
    /// apply of N instances must not hold each object twice). Intents
    /// change nothing.
    pub fn apply(&mut self, e: JournalEntry) {
        if e.intent.is_some() {
            return;
        }
        let rkey = (e.module.clone(), e.mode.clone(), e.type_name.clone(), e.name.clone());
        let idx = match (self.by_resource.get(&rkey), &e.instance) {
            (Some(i), _) => *i,
            (None, None) => return,
            (None, Some(_)) => {
                let idx = self.resources.len();
                self.resources.push(BuilderResource {
                    meta: ResourceState {
                        module: e.module.clone(),
                        mode: e.mode.clone(),
                        type_name: e.type_name.clone(),
                        name: e.name.clone(),
                        each: e.each.clone(),
                        provider: e.provider.clone(),
                        instances: Vec::new(),
                        extra: Default::default(),
                    },
                    instances: Vec::new(),
                    by_key: Default::default(),
                });
                self.by_resource.insert(rkey, idx);
                idx
            }
        };
        let r = &mut self.resources[idx];
        let ikey = (key_text(&e.index_key), e.deposed);
        match e.instance {
            Some(inst) => {
                r.meta.provider = e.provider;
                r.meta.each = e.each;
                match r.by_key.get(&ikey) {
                    Some(i) => r.instances[*i] = Some(inst),
                    None => {
                        r.by_key.insert(ikey, r.instances.len());
                        r.instances.push(Some(inst));
                    }
                }
            }
            None => {
                if let Some(i) = r.by_key.remove(&ikey) {
                    r.instances[i] = None;
                }
            }
        }
    }

    /// The state as built: removed instances dropped, empty resources too.
    /// Consumes the builder so that every object moves, none is copied.
    pub fn finish(self) -> StateFile {
        let mut out = self.base;
        for r in self.resources {
            let mut instances: Vec<InstanceState> = r.instances.into_iter().flatten().collect();
            // Operations may finish in any order; state lists instances by key.
            instances.sort_by_cached_key(instance_order);
            if !instances.is_empty() {
                out.resources.push(ResourceState { instances, ..r.meta });
            }
        }
        out
    }

    /// Sets fields outside resources (outputs, version stamp).
    pub fn base_mut(&mut self) -> &mut StateFile {
        &mut self.base
    }
}

fn instance_order(i: &InstanceState) -> (i64, String, String) {
    let key = match &i.index_key {
        Some(Json::Number(n)) => (n.as_i64().unwrap_or(0), String::new()),
        Some(Json::String(s)) => (0, s.clone()),
        _ => (-1, String::new()),
    };
    (key.0, key.1, i.deposed.clone().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inst(key: Option<Json>, deposed: Option<&str>, id: &str) -> InstanceState {
        InstanceState {
            index_key: key,
            status: None,
            deposed: deposed.map(String::from),
            schema_version: 0,
            attributes: serde_json::json!({"id": id}).into(),
            sensitive_attributes: serde_json::json!([]),
            private: None,
            dependencies: None,
            create_before_destroy: None,
            extra: Default::default(),
        }
    }

    fn entry(name: &str, key: Option<Json>, deposed: Option<&str>, instance: Option<InstanceState>) -> JournalEntry {
        JournalEntry {
            module: None,
            mode: "managed".into(),
            type_name: "t".into(),
            name: name.into(),
            each: None,
            provider: "p".into(),
            index_key: key,
            deposed: deposed.map(String::from),
            instance,
            intent: None,
            intent_at: None,
        }
    }

    fn intent(name: &str, token: &str) -> JournalEntry {
        JournalEntry { intent: Some(token.into()), ..entry(name, None, None, Some(inst(None, None, "planned"))) }
    }

    #[test]
    fn an_intent_is_pending_until_an_entry_for_its_instance_follows() {
        let entries = vec![
            intent("a", "t1"),
            intent("b", "t2"),
            entry("a", None, None, Some(inst(None, None, "a"))),
            intent("c", "t3"),
            entry("c", None, Some("d1"), None),
        ];
        let pending = pending_intents(&entries);
        let tokens: Vec<&str> = pending.iter().filter_map(|e| e.intent.as_deref()).collect();
        assert_eq!(tokens, ["t2", "t3"], "a deposed object's entry does not resolve a create");
        let mut b = StateBuilder::new(StateFile::new("1.11.4"));
        for e in entries {
            b.apply(e);
        }
        let names: Vec<String> = b.finish().resources.iter().map(|r| r.name.clone()).collect();
        assert_eq!(names, ["a"], "intents change no state");
    }

    #[test]
    fn the_builder_upserts_removes_and_keeps_deposed_objects_apart() {
        let mut b = StateBuilder::new(StateFile::new("1.11.4"));
        b.apply(entry("a", Some(0.into()), None, Some(inst(Some(0.into()), None, "a0"))));
        b.apply(entry("a", Some(1.into()), None, Some(inst(Some(1.into()), None, "a1"))));
        b.apply(entry("a", Some(0.into()), Some("d1"), Some(inst(Some(0.into()), Some("d1"), "old"))));
        b.apply(entry("a", Some(0.into()), None, Some(inst(Some(0.into()), None, "a0-new"))));
        b.apply(entry("b", None, None, Some(inst(None, None, "b"))));
        b.apply(entry("b", None, None, None));
        b.apply(entry("a", Some(0.into()), Some("d1"), None));
        b.apply(entry("c", None, None, None));
        let s = b.finish();
        assert_eq!(s.resources.len(), 1, "b was emptied and dropped");
        let ids: Vec<Json> = s.resources[0].instances.iter().filter_map(|i| i.attributes.get("id")).collect();
        assert_eq!(ids, [Json::from("a0-new"), Json::from("a1")]);
    }

    #[test]
    fn a_journal_reads_back_without_its_torn_last_line() {
        use crate::local::Storage;
        use std::io::Write;
        let dir = std::env::temp_dir().join(format!("strata-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let storage = crate::LocalStorage::new(dir.join("terraform.tfstate"));
        let store = crate::StateStore::new(dir.join("terraform.tfstate"));
        let lock = store.lock("OperationTypeApply", std::time::Duration::ZERO, "1.11.4").unwrap();
        let base = StateFile::new("1.11.4");
        let mut j = store.journal(&lock, &base).unwrap();
        j.record(&entry("a", None, None, Some(inst(None, None, "x")))).unwrap();
        j.sync().unwrap();
        drop(j);
        let mut f = std::fs::OpenOptions::new().append(true).open(storage.journal_path()).unwrap();
        f.write_all(b"{\"mode\": \"man").unwrap();
        let lines = storage.journal_read().unwrap().unwrap();
        let (header, entries) = parse_journal(&lines, "j").unwrap().unwrap();
        assert_eq!(header.lineage, base.lineage);
        assert_eq!(entries.len(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
