//! The configuration model: what each block declares, with spans.

use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;
use hcl_edit::Span as _;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use strata_diag::{SourceFile, Span};
use strata_lang::typeexpr::TypeConstraint;

/// An expression with the file it came from, so it can be evaluated and
/// blamed in diagnostics.
#[derive(Clone, Debug)]
pub struct Expr {
    pub expr: Expression,
    pub file: Arc<SourceFile>,
}

impl Expr {
    pub fn span(&self) -> Span {
        Span::new(&self.file, self.expr.span().unwrap_or(0..0))
    }
}

/// A block body kept for later decoding against a schema (resources).
#[derive(Clone, Debug)]
pub struct RawBody {
    pub body: Body,
    pub file: Arc<SourceFile>,
}

#[derive(Debug, Clone)]
pub struct Module {
    /// Directory the module was loaded from.
    pub dir: PathBuf,
    /// Directory as shown to users (relative to the working directory).
    pub display_dir: String,
    pub files: Vec<Arc<SourceFile>>,
    pub terraform: Vec<TerraformBlock>,
    pub providers: Vec<ProviderConfig>,
    pub variables: Vec<Variable>,
    pub locals: Vec<Local>,
    pub outputs: Vec<Output>,
    pub resources: Vec<Resource>,
    pub module_calls: Vec<ModuleCall>,
    pub moved: Vec<RawBlock>,
    pub imports: Vec<RawBlock>,
    pub removed: Vec<RawBlock>,
    pub checks: Vec<Check>,
}

impl Module {
    pub fn variable(&self, name: &str) -> Option<&Variable> {
        self.variables.iter().find(|v| v.name == name)
    }
    pub fn local(&self, name: &str) -> Option<&Local> {
        self.locals.iter().find(|v| v.name == name)
    }
    pub fn output(&self, name: &str) -> Option<&Output> {
        self.outputs.iter().find(|v| v.name == name)
    }
    pub fn module_call(&self, name: &str) -> Option<&ModuleCall> {
        self.module_calls.iter().find(|v| v.name == name)
    }
    pub fn backend(&self) -> Option<&Backend> {
        self.terraform.iter().find_map(|t| t.backend.as_ref())
    }
}

#[derive(Debug, Clone, Default)]
pub struct TerraformBlock {
    pub required_version: Option<Expr>,
    pub required_providers: BTreeMap<String, RequiredProvider>,
    pub backend: Option<Backend>,
    pub span: Option<Span>,
}

#[derive(Debug, Clone)]
pub struct RequiredProvider {
    pub name: String,
    /// `hashicorp/aws` style, without the registry host.
    pub source: String,
    pub version: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Backend {
    pub kind: String,
    pub config: RawBody,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub name: String,
    pub alias: Option<String>,
    pub config: RawBody,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    pub description: Option<String>,
    pub type_constraint: Option<TypeConstraint>,
    pub default: Option<Expr>,
    pub sensitive: bool,
    pub nullable: bool,
    pub ephemeral: bool,
    pub validations: Vec<CheckRule>,
    /// The block's header (`variable "name"`).
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct CheckRule {
    pub condition: Expr,
    pub error_message: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Local {
    pub name: String,
    pub expr: Expr,
    /// The whole `name = expr` attribute.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Output {
    pub name: String,
    pub value: Expr,
    pub description: Option<String>,
    pub sensitive: bool,
    pub ephemeral: bool,
    pub depends_on: Vec<Expr>,
    pub preconditions: Vec<CheckRule>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceMode {
    Managed,
    Data,
}

#[derive(Debug, Clone)]
pub struct Resource {
    pub mode: ResourceMode,
    pub type_name: String,
    pub name: String,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    pub provider: Option<Expr>,
    pub depends_on: Vec<Expr>,
    pub lifecycle: Lifecycle,
    /// The body as written (meta-arguments included); decoded by the engine against the provider schema.
    pub body: RawBody,
    pub span: Span,
}

/// A resource's `lifecycle` block.
#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    pub create_before_destroy: bool,
    pub prevent_destroy: bool,
    pub ignore_changes: IgnoreChanges,
    /// References whose change replaces this resource.
    pub replace_triggered_by: Vec<Expr>,
    pub preconditions: Vec<CheckRule>,
    pub postconditions: Vec<CheckRule>,
}

/// One step of an `ignore_changes` path, as Terraform turns a traversal
/// into a value path: `.name` an attribute, `["key"]` a map key, `[0]` a
/// list index.
#[derive(Debug, Clone, PartialEq)]
pub enum IgnoreStep {
    Attr(String),
    Key(String),
    Index(i64),
}

#[derive(Debug, Clone, Default)]
pub enum IgnoreChanges {
    #[default]
    None,
    /// `ignore_changes = all`
    All,
    /// Paths into the object: `[tags, input.name, tags["Owner"]]`.
    Paths(Vec<Vec<IgnoreStep>>),
}

impl Resource {
    /// `aws_vpc.main` or `data.aws_vpc.main`.
    pub fn address(&self) -> String {
        match self.mode {
            ResourceMode::Managed => format!("{}.{}", self.type_name, self.name),
            ResourceMode::Data => format!("data.{}.{}", self.type_name, self.name),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ModuleCall {
    pub name: String,
    pub source: String,
    pub source_span: Span,
    pub version: Option<String>,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    pub depends_on: Vec<Expr>,
    pub providers: Option<Expr>,
    /// Input variable assignments, in source order.
    pub inputs: Vec<(String, Expr)>,
    pub span: Span,
}

/// A `check` block: assertions that warn, never fail, evaluated after
/// everything they reference, with an optional data source of its own.
#[derive(Debug, Clone)]
pub struct Check {
    pub name: String,
    /// The scoped `data` block, read on every plan and apply.
    pub data: Option<Resource>,
    pub asserts: Vec<CheckRule>,
    /// The block's header (`check "name"`).
    pub span: Span,
}

/// A block kept as written for a later stage (moved, import, removed).
#[derive(Debug, Clone)]
pub struct RawBlock {
    pub labels: Vec<String>,
    pub body: RawBody,
    pub span: Span,
}

/// A module and the modules it calls, by call name.
#[derive(Debug, Clone)]
pub struct ModuleTree {
    pub module: Module,
    pub children: BTreeMap<String, ModuleTree>,
}
