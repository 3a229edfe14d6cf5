//! The engine core: evaluates a loaded module tree in dependency order —
//! input variables from every source in Terraform's precedence, locals,
//! child module calls (with count/for_each) and outputs — with every error
//! of a run collected. Planning resources and applying them through
//! providers build on this. Knows nothing of the CLI or of rendering.

pub mod checks;
pub mod decode;
pub mod graph;
pub mod imports;
mod json_blocks;
pub mod module_eval;
pub mod moves;
pub mod parallel;
pub mod plan;
pub mod requirements;
/// The saved plan file (kept under its old name).
pub use plan::file as plan_file;
pub mod resources;
pub mod validate;
pub mod variables;

pub use module_eval::{
    evaluate_in_root, evaluate_in_root_with, evaluate_root, evaluate_root_with, validate_root, EvalMode, EvalSettings,
    ModuleResult, OutputValue, ResourceHandler,
};
pub use plan::{Action, Drift, Plan, PlannedChange};
pub use resources::{ApplySink, Operation, Progress, ResourceEngine};
pub use variables::{collect_root_variables, RawVariable, ValueSource, VarArg};
