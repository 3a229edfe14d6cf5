//! The `elasticsearch` provider (source `strata/elasticsearch`): index
//! lifecycle (ILM) policies, composable and component index templates,
//! snapshot repositories and snapshot lifecycle (SLM) policies, the
//! documents as JSON `body`s (`documents`) like the opensearch provider's,
//! so one normalizer and one lifecycle serve both.

pub mod documents;

use crate::connection::Flavour;
use crate::provider::{Factory, Types};
use crate::repository::Repository;

pub const FACTORY: Factory = Factory {
    flavour: Flavour::Elasticsearch,
    // The Elasticsearch major whose APIs these are.
    version: "8.0.0",
    types: TYPES,
};

const TYPES: Types = &[
    &documents::LIFECYCLE_POLICY,
    &documents::INDEX_TEMPLATE,
    &documents::COMPONENT_TEMPLATE,
    &documents::SNAPSHOT_LIFECYCLE,
    &Repository { type_name: "elasticsearch_snapshot_repository" },
];
