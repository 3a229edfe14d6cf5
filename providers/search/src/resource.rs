//! What every resource type of these providers does, whatever its shape
//! (a JSON `body` document, a typed repository or role), so one provider
//! implementation (`crate::provider`) serves both flavours.

use crate::connection::Settings;
use strata_lang::Value;
use strata_provider::{Diagnostics, PlanResponse, ProviderDiagnostic, ResourceSchema};

pub trait ResourceType: Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> ResourceSchema;
    /// Checks made before anything is sent, as the server would make them.
    fn validate(&self, config: &Value) -> Diagnostics;
    /// Fills `resp` (its `planned` starts as the proposed object).
    fn plan(&self, prior: &Value, proposed: &Value, config: &Value, resp: &mut PlanResponse);
    /// Warnings for the reviewer of a planned change that the server must
    /// be asked about (say, the indices an ISM update will move).
    fn plan_notes(&self, _settings: &Settings, _prior: &Value, _planned: &Value) -> Diagnostics {
        Vec::new()
    }
    /// What the server holds now, or `None` when it is gone.
    fn read(&self, settings: &Settings, current: &Value) -> Result<Option<Value>, ProviderDiagnostic>;
    /// Creates, updates, or (when `planned` is null) deletes. (One call per
    /// resource, so the size of the error does not matter.)
    #[allow(clippy::result_large_err)]
    fn apply(&self, settings: &Settings, prior: &Value, planned: &Value) -> Result<Value, Failure>;
    fn import(&self, settings: &Settings, id: &str) -> Result<Value, ProviderDiagnostic>;
    /// After a crash during a create: the object the create made, if the
    /// server holds one matching `planned`.
    fn find_created(&self, settings: &Settings, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic>;
}

/// An apply that failed; `written` is the state when the object itself
/// was written and only a step after it failed (so it is not lost).
pub struct Failure {
    pub diagnostic: ProviderDiagnostic,
    pub written: Option<Value>,
}

impl From<ProviderDiagnostic> for Failure {
    fn from(diagnostic: ProviderDiagnostic) -> Self {
        Failure { diagnostic, written: None }
    }
}
