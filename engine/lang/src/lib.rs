//! Terraform's expression language, owned by Strata: values with unknown and
//! sensitive marks, types, conversions, the expression evaluator and the
//! function library. It knows nothing of files on disk, modules, state or
//! providers: callers supply an [`eval::Scope`] that resolves references.

pub mod body;
pub mod convert;
pub mod eval;
pub mod fields;
pub mod functions;
pub mod json;
pub mod number;
pub mod refs;
pub mod render;
pub mod syntax;
pub mod typeexpr;
pub mod types;
pub mod value;

pub use eval::{EmptyScope, Evaluator, Scope};
pub use fields::Fields;
pub use functions::{CallContext, Functions};
pub use number::Number;
pub use types::Type;
pub use value::{Kind, Marks, Value};
