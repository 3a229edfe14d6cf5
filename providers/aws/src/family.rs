//! A service family: the resource types and data sources one module serves
//! (ECS, S3, Lambda, …), behind one interface. The provider's dispatch
//! points (schema, validate, plan, apply, read, find, list, data sources,
//! timeouts) reach every family through [`FAMILIES`], so a new family is
//! one module and one line there.

use crate::client::Aws;
use strata_lang::Value;
use strata_provider::{AttributePath, Block, ListedObject, ProviderDiagnostic};

pub trait Family: Sync {
    /// The resource types it serves.
    fn types(&self) -> &'static [&'static str];

    /// The data sources it serves.
    fn data_types(&self) -> &'static [&'static str] {
        &[]
    }

    /// The type's schema, without `region` and `timeouts` (added for it).
    fn schema(&self, type_name: &str) -> Block;

    /// hashicorp/aws's `SchemaVersion` for the type.
    fn schema_version(&self, _type_name: &str) -> u64 {
        0
    }

    /// Built on the plugin framework (unset arguments are null, not zero
    /// values); the legacy plugin SDK otherwise.
    fn is_framework(&self, _type_name: &str) -> bool {
        false
    }

    /// A global type (IAM-like: no `region`).
    fn is_global(&self, _type_name: &str) -> bool {
        false
    }

    fn data_schema(&self, type_name: &str) -> Block {
        unreachable!("{type_name} is not a data source of this family")
    }

    /// The type's `timeouts {}` operations and their default minutes.
    fn timeouts(&self, _type_name: &str) -> &'static [(&'static str, u64)] {
        &[]
    }

    /// Defaults planned where the configuration leaves an argument unset.
    fn defaults(&self, _type_name: &str) -> Vec<(&'static str, Value)> {
        Vec::new()
    }

    fn validate(&self, _type_name: &str, _config: &Value) -> Vec<ProviderDiagnostic> {
        Vec::new()
    }

    /// The planned value (computed attributes unknown where they will
    /// change) and the paths whose change forces a replacement.
    fn plan(&self, _type_name: &str, planned: &Value, _config: &Value, _prior: &Value) -> (Value, Vec<AttributePath>) {
        (planned.clone(), Vec::new())
    }

    /// Create (when `prior` is null) or update in place.
    fn apply(&self, aws: &Aws, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic>;

    /// The object as it is now; `None` when it is gone. Imports read a
    /// value holding only the import ID as `id`.
    fn read(&self, aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic>;

    fn delete(&self, aws: &Aws, type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic>;

    /// The object an interrupted create made, found by the create token
    /// tag (`tags::CREATE_TOKEN_TAG`) or, for untagged types, by what
    /// names them.
    fn find(
        &self,
        aws: &Aws,
        type_name: &str,
        token: &str,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderDiagnostic>;

    /// Whether nothing can tell if an interrupted create of this object
    /// made it (untagged, and nothing names it before it exists): the
    /// engine then asks the user to check and import, rather than
    /// creating a second one.
    fn cannot_find_created(&self, _type_name: &str, _planned: &Value) -> bool {
        false
    }

    /// Whether a create that failed may already have made its object,
    /// which `find` then finds and the engine keeps tainted.
    fn keeps_failed_creates(&self, _type_name: &str) -> bool {
        false
    }

    /// Every object of the type in the region, for `drift -unmanaged`.
    fn list(&self, _aws: &Aws, _type_name: &str) -> Option<Result<Vec<ListedObject>, ProviderDiagnostic>> {
        None
    }

    fn read_data(&self, _aws: &Aws, type_name: &str, _config: &Value) -> Result<Value, ProviderDiagnostic> {
        unreachable!("{type_name} is not a data source of this family")
    }
}

/// Every family, in no particular order.
pub static FAMILIES: &[&dyn Family] = &[
    &crate::ecs::Ecs,
    &crate::apigateway::ApiGateway,
    &crate::rds::Rds,
    &crate::sqs::Sqs,
    &crate::sns::Sns,
    &crate::kms::Kms,
    &crate::secretsmanager::SecretsManager,
    &crate::dynamodb::DynamoDb,
    &crate::lambda::Lambda,
    &crate::s3::S3,
    &crate::amp::Amp,
    &crate::opensearch::OpenSearch,
    &crate::subscription_filter::Subscriptions,
];

/// The family serving resource type `type_name`.
pub fn of(type_name: &str) -> Option<&'static dyn Family> {
    FAMILIES.iter().copied().find(|f| f.types().contains(&type_name))
}

/// The family serving data source `type_name`.
pub fn of_data(type_name: &str) -> Option<&'static dyn Family> {
    FAMILIES.iter().copied().find(|f| f.data_types().contains(&type_name))
}
