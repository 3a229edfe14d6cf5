//! After a crash: creates whose intent is in the journal but whose outcome
//! is not. For each, the provider is asked whether the object exists
//! (found by the token the create carried, or by what names it); a found
//! object is adopted into state, so the next plan treats it as existing
//! rather than creating it a second time. The recovery walk evaluates only
//! what provider configurations need: resources are not planned.

use super::*;
use strata_provider::{FindCreatedRequest, FoundCreated};

impl ResourceEngine<'_> {
    /// Resolves every intent in `pending`, journalling the outcome (the
    /// adopted object, or nothing). An intent whose lookup fails stays
    /// pending, and the error says so.
    pub(super) fn resolve_intents(&self, pending: &[JournalEntry], diags: &mut Diagnostics) {
        let mut unknowable = Vec::new();
        for intent in pending {
            let Some(addr) = entry_address(intent) else { continue };
            let mut local = Diagnostics::new();
            let Some((provider, schema)) = self.provider_for_state(&addr, &intent.provider, &mut local) else {
                diags.extend(local);
                diags.push(still_pending(&addr));
                continue;
            };
            let planned = intent.instance.as_ref().map_or_else(
                || Value::null(schema.implied_type()),
                |i| {
                    strata_lang::json::from_json_typed(&i.attributes.to_json(), &schema.implied_type())
                        .unwrap_or_else(|_| Value::null(schema.implied_type()))
                },
            );
            let token = intent.intent.as_deref().unwrap_or_default();
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            // (Unknown: an old intent, no allowance needed.)
            let age = intent
                .intent_at
                .map_or(std::time::Duration::MAX, |at| now.saturating_sub(std::time::Duration::from_millis(at)));
            let resp = provider.find_created(FindCreatedRequest {
                type_name: &addr.resource.type_name,
                token,
                planned: &planned,
                age,
            });
            if report(resp.diagnostics, None, diags) {
                diags.push(still_pending(&addr));
                continue;
            }
            let each = intent.each.as_deref();
            match resp.found {
                FoundCreated::Object { state, private } => {
                    let state = mark_schema_sensitive(state, &schema.block);
                    let dependencies =
                        intent.instance.as_ref().and_then(|i| i.dependencies.clone()).unwrap_or_default();
                    let inst = InstanceState {
                        create_before_destroy: intent.instance.as_ref().and_then(|i| i.create_before_destroy),
                        ..instance_state(&addr.key, &state, &schema, &private, dependencies, false)
                    };
                    let named = object_id(&state).map(|(k, v)| format!(" ({k}={v})")).unwrap_or_default();
                    diags.push(Diagnostic::warning("Adopted an object an interrupted apply created").with_detail(
                        format!("A previous run stopped while creating {addr}. The object it created{named} exists, and is now in the state."),
                    ));
                    self.record(&addr, &intent.provider, Some(inst), each, diags);
                }
                FoundCreated::Nothing => self.record(&addr, &intent.provider, None, each, diags),
                FoundCreated::CannotTell => {
                    unknowable.push(addr.to_string());
                    self.record(&addr, &intent.provider, None, each, diags);
                }
            }
        }
        if !unknowable.is_empty() {
            let listed: Vec<String> = unknowable.iter().map(|a| format!("  {a}")).collect();
            diags.push(Diagnostic::warning("Objects an interrupted apply may have created").with_detail(format!(
                "A previous run stopped while creating these objects, and their provider cannot tell whether they exist:\n{}\n\nCheck each one; if it exists, adopt it with `strata import ADDRESS ID` before applying again, or the next apply creates it a second time.",
                listed.join("\n")
            )));
        }
    }
}

/// The instance a journal entry is about.
fn entry_address(e: &JournalEntry) -> Option<ResourceInstanceAddr> {
    let module = ModuleInstance::parse(e.module.as_deref().unwrap_or(""))?;
    let mode = if e.mode == "data" { ResourceMode::Data } else { ResourceMode::Managed };
    let resource = ResourceAddr { module, mode, type_name: e.type_name.clone(), name: e.name.clone() };
    Some(resource.instance(prior::key_from_json(e.index_key.as_ref())))
}

fn still_pending(addr: &ResourceInstanceAddr) -> Diagnostic {
    Diagnostic::error("Interrupted create not resolved").with_detail(format!(
        "A previous run stopped while creating {addr}, and Strata could not find out whether the object exists (see above). Nothing more is done until it can: the journal keeps the create, and the next plan or apply asks again."
    ))
}
