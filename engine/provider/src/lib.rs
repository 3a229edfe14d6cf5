//! The provider interface: what a provider declares (schemas) and the
//! narrow set of calls the engine makes (validate, configure, upgrade state,
//! read, plan, apply, import, read data source, and optionally list the
//! objects of a type and find an object an interrupted create made). Requests and responses are
//! plain structs carrying values and diagnostics, so an out-of-process
//! provider can implement the same trait over RPC. This crate knows nothing
//! of the engine, state files or any cloud.

mod schema;
pub mod values;

pub use schema::{Attribute, Block, NestedBlock, Nesting, ProviderSchema, ReadOnlyWording, ResourceSchema};

use std::collections::BTreeMap;
use std::sync::Arc;
use strata_lang::Value;

/// A step in an attribute path (`tags["Name"]`, `ingress[0].from_port`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathStep {
    Attr(String),
    Key(String),
    Index(u64),
}

pub type AttributePath = Vec<PathStep>;

/// A problem a provider reports; the engine attaches source locations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderDiagnostic {
    pub error: bool,
    pub summary: String,
    pub detail: String,
    /// The attribute the problem is about, when there is one.
    pub attribute: Option<AttributePath>,
}

impl ProviderDiagnostic {
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> ProviderDiagnostic {
        ProviderDiagnostic { error: true, summary: summary.into(), detail: detail.into(), attribute: None }
    }
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> ProviderDiagnostic {
        ProviderDiagnostic { error: false, ..ProviderDiagnostic::error(summary, detail) }
    }
    pub fn at(mut self, path: AttributePath) -> ProviderDiagnostic {
        self.attribute = Some(path);
        self
    }
}

pub type Diagnostics = Vec<ProviderDiagnostic>;

pub fn has_errors(d: &Diagnostics) -> bool {
    d.iter().any(|d| d.error)
}

pub struct ValidateResourceRequest<'a> {
    pub type_name: &'a str,
    /// The configuration, possibly with unknown values.
    pub config: &'a Value,
}

pub struct ConfigureRequest<'a> {
    pub config: &'a Value,
}

pub struct UpgradeStateRequest<'a> {
    pub type_name: &'a str,
    pub version: u64,
    /// The stored attributes as JSON, in the older schema's shape.
    pub raw_state: &'a serde_json_value::Json,
}

pub struct UpgradeStateResponse {
    pub upgraded: Option<Value>,
    pub diagnostics: Diagnostics,
}

pub struct ReadResourceRequest<'a> {
    pub type_name: &'a str,
    pub current: &'a Value,
    pub private: &'a [u8],
}

pub struct ReadResourceResponse {
    /// `None` when the object no longer exists.
    pub new_state: Option<Value>,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

pub struct PlanRequest<'a> {
    pub type_name: &'a str,
    /// Null when creating.
    pub prior: &'a Value,
    /// What the engine proposes: configuration merged with prior computed values.
    pub proposed: &'a Value,
    /// Null when deleting.
    pub config: &'a Value,
    pub prior_private: &'a [u8],
}

pub struct PlanResponse {
    pub planned: Value,
    /// Attribute changes that force replacement.
    pub requires_replace: Vec<AttributePath>,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

pub struct ApplyRequest<'a> {
    pub type_name: &'a str,
    pub prior: &'a Value,
    /// Null when deleting.
    pub planned: &'a Value,
    pub config: &'a Value,
    pub planned_private: &'a [u8],
    /// Creating an object that lives outside the state: a token unique to
    /// this create, journalled before the call. Put it on the object where
    /// the API allows (a tag, an idempotency token) so that
    /// [`Provider::find_created`] can find the object should Strata die
    /// before it records the result.
    pub create_token: Option<&'a str>,
}

pub struct ApplyResponse {
    /// Null after a delete; the partial object when creation failed half-way.
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

pub struct ImportRequest<'a> {
    pub type_name: &'a str,
    pub id: &'a str,
}

pub struct ImportedObject {
    pub type_name: String,
    pub state: Value,
    pub private: Vec<u8>,
}

pub struct ImportResponse {
    pub imported: Vec<ImportedObject>,
    pub diagnostics: Diagnostics,
}

pub struct ReadDataRequest<'a> {
    pub type_name: &'a str,
    pub config: &'a Value,
}

pub struct ReadDataResponse {
    pub state: Value,
    pub diagnostics: Diagnostics,
}

pub struct FindCreatedRequest<'a> {
    pub type_name: &'a str,
    /// The token the interrupted create was given.
    pub token: &'a str,
    /// How long ago the create was about to be sent: a service that makes
    /// new objects visible only after a while may need to look again.
    pub age: std::time::Duration,
    /// The object that create was planned as (unknown values null): for
    /// types whose objects carry no token but are named by their arguments.
    pub planned: &'a Value,
}

/// Whether an interrupted create made its object.
pub enum FoundCreated {
    /// It exists: the object as state would hold it (as after an import).
    Object { state: Value, private: Vec<u8> },
    /// Nothing was created.
    Nothing,
    /// This type's objects carry no token and have no other identity to
    /// look them up by: the user is told what to check and import.
    CannotTell,
}

pub struct FindCreatedResponse {
    pub found: FoundCreated,
    pub diagnostics: Diagnostics,
}

pub struct ListResourcesRequest<'a> {
    pub type_name: &'a str,
}

/// One object found by listing a resource type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedObject {
    /// What the object's `id` attribute is in state.
    pub id: String,
    /// Its tags (`Name` names it in reports); empty for untagged types.
    pub tags: BTreeMap<String, String>,
}

pub struct ListResourcesResponse {
    /// `None` when the provider cannot list this type.
    pub objects: Option<Vec<ListedObject>>,
    pub diagnostics: Diagnostics,
}

/// One configured provider instance (one per `provider` block or alias).
/// Calls may come from several threads at once.
pub trait Provider: Send + Sync {
    fn schema(&self) -> Arc<ProviderSchema>;

    fn validate_resource(&self, _req: ValidateResourceRequest) -> Diagnostics {
        Vec::new()
    }

    /// Called once, before any other call but `schema` and `validate_resource`.
    fn configure(&self, _req: ConfigureRequest) -> Diagnostics {
        Vec::new()
    }

    /// Brings state written under an older schema version up to date. The
    /// default decodes the JSON as the current schema (no upgrade needed).
    fn upgrade_state(&self, req: UpgradeStateRequest) -> UpgradeStateResponse {
        let schema = self.schema();
        let Some(rs) = schema.resources.get(req.type_name) else {
            return UpgradeStateResponse {
                upgraded: None,
                diagnostics: vec![ProviderDiagnostic::error("Unknown resource type", req.type_name.to_string())],
            };
        };
        match strata_lang::json::from_json_typed(req.raw_state, &rs.block.implied_type()) {
            Ok(v) => UpgradeStateResponse { upgraded: Some(v), diagnostics: Vec::new() },
            Err(e) => UpgradeStateResponse {
                upgraded: None,
                diagnostics: vec![ProviderDiagnostic::error("Invalid stored state", e)],
            },
        }
    }

    fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse;

    fn plan_resource(&self, req: PlanRequest) -> PlanResponse;

    fn apply_resource(&self, req: ApplyRequest) -> ApplyResponse;

    fn import_resource(&self, req: ImportRequest) -> ImportResponse {
        ImportResponse {
            imported: Vec::new(),
            diagnostics: vec![ProviderDiagnostic::error(
                "Resource import not supported",
                format!("The resource type {:?} does not support import.", req.type_name),
            )],
        }
    }

    fn read_data_source(&self, req: ReadDataRequest) -> ReadDataResponse;

    /// Every object of a type that exists where this instance looks (for
    /// AWS: one account and region), objects the cloud made itself left
    /// out; `strata drift -unmanaged` reports those no state has. Optional.
    fn list_resources(&self, _req: ListResourcesRequest) -> ListResourcesResponse {
        ListResourcesResponse { objects: None, diagnostics: Vec::new() }
    }

    /// After Strata died during a create of an object that lives outside
    /// the state: whether the create made it, found by the token it was
    /// given ([`ApplyRequest::create_token`]) or by what names it. The
    /// engine adopts a found object into state. Optional: the default
    /// cannot tell, and the engine asks the user to check.
    fn find_created(&self, _req: FindCreatedRequest) -> FindCreatedResponse {
        FindCreatedResponse { found: FoundCreated::CannotTell, diagnostics: Vec::new() }
    }
}

/// Makes provider instances; one per provider configuration.
pub trait ProviderFactory: Send + Sync {
    /// Source address without the registry host: `hashicorp/aws`, `terraform.io/builtin/terraform`.
    fn source(&self) -> &str;
    /// The release of the Terraform provider this one stands for, which
    /// `required_providers` version constraints are checked against.
    fn version(&self) -> &str;
    fn new_instance(&self) -> Arc<dyn Provider>;
}

/// Providers linked into the binary, by source address.
#[derive(Default, Clone)]
pub struct Registry {
    factories: BTreeMap<String, Arc<dyn ProviderFactory>>,
}

impl Registry {
    pub fn add(&mut self, f: Arc<dyn ProviderFactory>) {
        self.factories.insert(f.source().to_string(), f);
    }

    pub fn get(&self, source: &str) -> Option<&Arc<dyn ProviderFactory>> {
        self.factories.get(source)
    }

    pub fn sources(&self) -> impl Iterator<Item = &str> {
        self.factories.keys().map(String::as_str)
    }
}

/// Re-exported so providers need not depend on serde_json themselves.
pub mod serde_json_value {
    pub type Json = strata_lang::json::Json;
}
