//! The static configuration model: a module is every `*.tf` file of a
//! directory; this crate loads them, checks their structure (block types,
//! labels, required and duplicate arguments) and builds the module tree from
//! local `source` paths and the modules `init` installed (`manifest`,
//! `sources`). It evaluates nothing but type constraints and
//! knows nothing of state, plans or providers' schemas.

mod json_syntax;
mod load;
mod lockfile;
mod manifest;
mod model;
mod overrides;
mod sources;
mod version;

pub use load::{
    join_display, literal_string, load_module, load_module_tree, load_module_tree_with, DiskFiles, ListedFile,
    LoadOptions, ModuleFiles,
};
pub use lockfile::{LockFile, LockedProvider, LOCK_FILE_NAME};
pub use manifest::{ManifestEntry, ModuleManifest};
pub use model::*;
pub use sources::{
    is_local_source, parse_module_source, ModuleSource, RegistryAddress, RemoteSource, SourceError,
    DEFAULT_REGISTRY_HOST,
};
pub use version::{check_required_version, VersionConstraint, TERRAFORM_COMPAT_VERSION};
