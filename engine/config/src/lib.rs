//! The static configuration model: a module is every `*.tf` file of a
//! directory; this crate loads them, checks their structure (block types,
//! labels, required and duplicate arguments) and builds the module tree from
//! local `source` paths. It evaluates nothing but type constraints and
//! knows nothing of state, plans or providers' schemas.

mod load;
mod model;
mod version;

pub use load::{
    is_local_source, join_display, literal_string, load_module, load_module_tree, load_module_tree_with, DiskFiles,
    ListedFile, LoadOptions, ModuleFiles,
};
pub use model::*;
pub use version::{check_required_version, VersionConstraint, TERRAFORM_COMPAT_VERSION};
