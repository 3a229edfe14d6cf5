//! Writing completed operations to the apply journal, and progress events.

use super::*;

impl ResourceEngine<'_> {
    pub(super) fn progress(&self, p: Progress) {
        if let Some(f) = self.progress {
            f(p);
        }
    }

    /// Writes one completed operation on the current object to the journal.
    pub(super) fn record(
        &self,
        addr: &ResourceInstanceAddr,
        provider_addr: &str,
        instance: Option<InstanceState>,
        each: Option<&str>,
        diags: &mut Diagnostics,
    ) {
        self.journal(addr, provider_addr, None, instance, each, diags);
    }

    /// Writes one completed operation on a deposed object to the journal.
    pub(super) fn record_deposed(
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

    pub(super) fn journal(
        &self,
        addr: &ResourceInstanceAddr,
        provider_addr: &str,
        deposed: Option<&str>,
        instance: Option<InstanceState>,
        each: Option<&str>,
        diags: &mut Diagnostics,
    ) {
        let Some(sink) = &self.sink else { return };
        let entry = journal_entry(addr, provider_addr, deposed, instance, each);
        if let Err(d) = sink.lock().expect("no poisoned locks").record(entry) {
            diags.push(d);
        }
    }

    /// Journals the intent to create `addr`'s object with `token` and makes
    /// it durable; false (reported) when it could not be: then the create
    /// must not be sent.
    pub(super) fn journal_intent(
        &self,
        addr: &ResourceInstanceAddr,
        provider_addr: &str,
        token: &str,
        planned: InstanceState,
        each: Option<&str>,
        diags: &mut Diagnostics,
    ) -> bool {
        let Some(sink) = &self.sink else { return true };
        let at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
        let entry = JournalEntry {
            intent: Some(token.to_string()),
            intent_at: Some(at),
            ..journal_entry(addr, provider_addr, None, Some(planned), each)
        };
        let mut sink = sink.lock().expect("no poisoned locks");
        match sink.record(entry).and_then(|()| sink.sync()) {
            Ok(()) => true,
            Err(d) => {
                diags.push(d);
                false
            }
        }
    }

    /// Planning: an object as refreshing found it (or read a data source),
    /// for the plan's prior state; `None`: it is gone.
    pub(super) fn note_refreshed(
        &self,
        addr: &ResourceInstanceAddr,
        provider_addr: &str,
        deposed: Option<&str>,
        instance: Option<InstanceState>,
        each: Option<&str>,
    ) {
        let entry = journal_entry(addr, provider_addr, deposed, instance, each);
        self.refreshed.lock().expect("no poisoned locks").push(entry);
    }

    /// What refreshing found, for the plan's prior state (see
    /// [`Refreshed::fold_into`]). Takes what the walk noted; call once,
    /// after the walk.
    pub fn refreshed(&self) -> Refreshed {
        Refreshed(std::mem::take(&mut *self.refreshed.lock().expect("no poisoned locks")))
    }
}

pub(super) fn journal_entry(
    addr: &ResourceInstanceAddr,
    provider_addr: &str,
    deposed: Option<&str>,
    instance: Option<InstanceState>,
    each: Option<&str>,
) -> JournalEntry {
    JournalEntry {
        module: (!addr.resource.module.is_root()).then(|| addr.resource.module.to_string()),
        mode: if addr.resource.mode == ResourceMode::Data { "data".into() } else { "managed".into() },
        type_name: addr.resource.type_name.clone(),
        name: addr.resource.name.clone(),
        each: each.map(String::from),
        provider: provider_addr.to_string(),
        index_key: key_to_json(&addr.key),
        deposed: deposed.map(String::from),
        instance,
        intent: None,
        intent_at: None,
    }
}

/// Objects as a plan walk's refresh found them (and data sources as read).
pub struct Refreshed(Vec<JournalEntry>);

impl Refreshed {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The plan's prior state: `stored` (the state the walk planned
    /// against, after moves) with every object as refreshing found it.
    pub fn fold_into(self, stored: StateFile) -> StateFile {
        if self.0.is_empty() {
            return stored;
        }
        let mut builder = strata_state::StateBuilder::new(stored);
        for e in self.0 {
            builder.apply(e);
        }
        builder.finish()
    }
}
