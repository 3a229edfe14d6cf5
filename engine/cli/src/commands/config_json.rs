//! Terraform's `configuration` and `relevant_attributes` for plan JSON,
//! built when planning and kept in the saved plan: the resources, module
//! calls, outputs, variables and provider configurations of every module,
//! each expression written as its constant value or as the references it
//! makes, spelled as Terraform spells them (`terraform_data.c["a"].id`,
//! `terraform_data.c["a"]`, `terraform_data.c`).
//!
//! Unlike Terraform, constants that would show a secret are written as
//! `null`: defaults of sensitive variables, attributes the provider's schema
//! marks sensitive, values of sensitive outputs and inputs to sensitive
//! variables of a called module.

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::{Directive, Element, Template};
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::sync::Arc;
use strata_addrs::{InstanceKey, ModuleInstance};
use strata_config::{Module, ModuleTree, Resource, ResourceMode};
use strata_core::{Action, PlannedChange};
use strata_diag::SourceFile;
use strata_lang::{CallContext, EmptyScope, Evaluator, Functions, Kind, Value};
use strata_provider::{Block, Nesting, Registry};

// ---------------------------------------------------------------------------
// References, as Terraform's `addrs.Reference`.

/// One static step of a reference after its subject.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Attr(String),
    Index(InstanceKey),
}

/// What a reference names.
#[derive(Debug, Clone, PartialEq)]
enum Subject {
    /// `var.x`, `local.y`, `count.index`, `each.key`, `path.module`,
    /// `terraform.workspace`, `self`: (root, name).
    Named(&'static str, String),
    /// A resource; `key` is `None` for the whole resource (nothing follows
    /// it), `Some(InstanceKey::None)` for its only instance.
    Resource { data: bool, type_name: String, name: String, key: Option<InstanceKey> },
    /// `module.x`
    ModuleCall(String),
    /// `module.x[0]`
    ModuleInstance(String, InstanceKey),
    /// `module.x.out`, `module.x[0].out`
    ModuleOutput(String, InstanceKey, String),
}

#[derive(Debug, Clone, PartialEq)]
struct Reference {
    subject: Subject,
    remaining: Vec<Step>,
}

fn key_text(k: &InstanceKey) -> String {
    k.to_string()
}

impl Subject {
    fn text(&self) -> String {
        match self {
            Subject::Named("self", _) => "self".into(),
            Subject::Named(root, name) => format!("{root}.{name}"),
            Subject::Resource { data, type_name, name, key } => {
                let base = if *data { format!("data.{type_name}.{name}") } else { format!("{type_name}.{name}") };
                format!("{base}{}", key.as_ref().map(key_text).unwrap_or_default())
            }
            Subject::ModuleCall(n) => format!("module.{n}"),
            Subject::ModuleInstance(n, k) => format!("module.{n}{}", key_text(k)),
            Subject::ModuleOutput(n, k, o) => format!("module.{n}{}.{o}", key_text(k)),
        }
    }
}

fn steps_text(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| match s {
            Step::Attr(a) => format!(".{a}"),
            Step::Index(k) => key_text(k),
        })
        .collect()
}

impl Reference {
    /// The strings Terraform lists for this reference: the whole traversal,
    /// then each shorter prefix down to the subject, then the containing
    /// resource or module call where there is one.
    fn strings(&self) -> Vec<String> {
        let subject = self.subject.text();
        let mut out: Vec<String> = (1..=self.remaining.len())
            .rev()
            .map(|n| format!("{subject}{}", steps_text(&self.remaining[..n])))
            .collect();
        out.push(subject);
        match &self.subject {
            Subject::ModuleInstance(n, k) if *k != InstanceKey::None => out.push(format!("module.{n}")),
            Subject::Resource { data, type_name, name, key: Some(k) } if *k != InstanceKey::None => {
                out.push(if *data { format!("data.{type_name}.{name}") } else { format!("{type_name}.{name}") })
            }
            Subject::ModuleOutput(n, k, _) => out.push(format!("module.{n}{}", key_text(k))),
            _ => {}
        }
        out
    }
}

/// Parses a static traversal (root name and steps) as Terraform's
/// `addrs.ParseRef` does; `None` for what is not a reference.
fn parse_ref(root: &str, steps: &[Step]) -> Option<Reference> {
    let attr = |i: usize| match steps.get(i) {
        Some(Step::Attr(a)) => Some(a.clone()),
        _ => None,
    };
    let named = |root: &'static str| {
        Some(Reference { subject: Subject::Named(root, attr(0)?), remaining: steps[1..].to_vec() })
    };
    match root {
        "count" => named("count"),
        "each" => named("each"),
        "local" => named("local"),
        "path" => named("path"),
        "terraform" => named("terraform"),
        "var" => named("var"),
        "self" => Some(Reference { subject: Subject::Named("self", String::new()), remaining: steps.to_vec() }),
        "module" => {
            let call = attr(0)?;
            let mut rest = &steps[1..];
            let mut key = InstanceKey::None;
            if rest.is_empty() {
                return Some(Reference { subject: Subject::ModuleCall(call), remaining: Vec::new() });
            }
            if let Step::Index(k) = &rest[0] {
                key = k.clone();
                rest = &rest[1..];
                if rest.is_empty() {
                    return Some(Reference { subject: Subject::ModuleInstance(call, key), remaining: Vec::new() });
                }
            }
            match &rest[0] {
                Step::Attr(out) => Some(Reference {
                    subject: Subject::ModuleOutput(call, key, out.clone()),
                    remaining: rest[1..].to_vec(),
                }),
                Step::Index(_) => None,
            }
        }
        "data" | "resource" => {
            let (type_name, name) = (attr(0)?, attr(1)?);
            resource_ref(root == "data", type_name, name, &steps[2..])
        }
        "ephemeral" | "template" | "lazy" | "arg" => None,
        type_name => resource_ref(false, type_name.to_string(), attr(0)?, &steps[1..]),
    }
}

fn resource_ref(data: bool, type_name: String, name: String, rest: &[Step]) -> Option<Reference> {
    let (key, remaining) = match rest.first() {
        None => (None, Vec::new()),
        Some(Step::Index(k)) => (Some(k.clone()), rest[1..].to_vec()),
        Some(Step::Attr(_)) => (Some(InstanceKey::None), rest.to_vec()),
    };
    Some(Reference { subject: Subject::Resource { data, type_name, name, key }, remaining })
}

/// Collects the references of expressions in HCL's walk order, skipping
/// names bound by `for` expressions and template `for` directives.
struct RefWalker<'a> {
    file: &'a Arc<SourceFile>,
    bound: Vec<String>,
    out: Vec<Reference>,
}

impl<'a> RefWalker<'a> {
    fn new(file: &'a Arc<SourceFile>) -> Self {
        RefWalker { file, bound: Vec::new(), out: Vec::new() }
    }

    /// A literal index key (`[0]`, `["a"]`), as HCL folds into a traversal.
    fn literal_key(&self, e: &Expression) -> Option<InstanceKey> {
        let v = match e {
            Expression::Number(_) | Expression::String(_) => constant(e, self.file)?,
            _ => return None,
        };
        match v.kind() {
            Kind::String(s) => Some(InstanceKey::Str(s.to_string())),
            Kind::Number(n) => n.to_string().parse::<i64>().ok().map(InstanceKey::Int),
            _ => None,
        }
    }

    fn expr(&mut self, e: &Expression) {
        match e {
            Expression::Null(_) | Expression::Bool(_) | Expression::Number(_) | Expression::String(_) => {}
            Expression::Array(a) => a.iter().for_each(|x| self.expr(x)),
            Expression::Object(o) => {
                for (k, v) in o.iter() {
                    if let ObjectKey::Expression(k) = k {
                        if !matches!(k, Expression::Variable(_)) {
                            self.expr(k);
                        }
                    }
                    self.expr(v.expr());
                }
            }
            Expression::StringTemplate(t) => self.template(t),
            Expression::HeredocTemplate(h) => self.template(&h.template),
            Expression::Parenthesis(p) => self.expr(p.inner()),
            Expression::Variable(v) => self.root(v.value().as_str(), Vec::new()),
            Expression::Conditional(c) => {
                self.expr(&c.cond_expr);
                self.expr(&c.true_expr);
                self.expr(&c.false_expr);
            }
            Expression::FuncCall(f) => f.args.iter().for_each(|a| self.expr(a)),
            Expression::Traversal(t) => {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                let mut dynamic_from = 0;
                match &t.expr {
                    Expression::Variable(v) => {
                        let mut steps = Vec::new();
                        for op in &ops {
                            let step = match op {
                                TraversalOperator::GetAttr(id) => Some(Step::Attr(id.value().as_str().to_string())),
                                TraversalOperator::LegacyIndex(i) => {
                                    Some(Step::Index(InstanceKey::Int(*i.value() as i64)))
                                }
                                TraversalOperator::Index(e) => self.literal_key(e).map(Step::Index),
                                _ => None,
                            };
                            match step {
                                Some(s) => steps.push(s),
                                None => break,
                            }
                        }
                        dynamic_from = steps.len();
                        self.root(v.value().as_str(), steps);
                    }
                    other => self.expr(other),
                }
                for op in &ops[dynamic_from..] {
                    if let TraversalOperator::Index(i) = op {
                        self.expr(i);
                    }
                }
            }
            Expression::UnaryOp(u) => self.expr(&u.expr),
            Expression::BinaryOp(b) => {
                self.expr(&b.lhs_expr);
                self.expr(&b.rhs_expr);
            }
            Expression::ForExpr(f) => {
                self.expr(&f.intro.collection_expr);
                let n = self.bound.len();
                if let Some(k) = &f.intro.key_var {
                    self.bound.push(k.value().as_str().to_string());
                }
                self.bound.push(f.intro.value_var.value().as_str().to_string());
                if let Some(k) = &f.key_expr {
                    self.expr(k);
                }
                self.expr(&f.value_expr);
                if let Some(c) = &f.cond {
                    self.expr(&c.expr);
                }
                self.bound.truncate(n);
            }
        }
    }

    fn root(&mut self, name: &str, steps: Vec<Step>) {
        if self.bound.iter().any(|b| b == name) {
            return;
        }
        if let Some(r) = parse_ref(name, &steps) {
            self.out.push(r);
        }
    }

    fn template(&mut self, t: &Template) {
        for el in t.iter() {
            match el {
                Element::Literal(_) => {}
                Element::Interpolation(i) => self.expr(&i.expr),
                Element::Directive(d) => match &**d {
                    Directive::If(i) => {
                        self.expr(&i.if_expr.cond_expr);
                        self.template(&i.if_expr.template);
                        if let Some(e) = &i.else_expr {
                            self.template(&e.template);
                        }
                    }
                    Directive::For(f) => {
                        self.expr(&f.for_expr.collection_expr);
                        let n = self.bound.len();
                        if let Some(k) = &f.for_expr.key_var {
                            self.bound.push(k.value().as_str().to_string());
                        }
                        self.bound.push(f.for_expr.value_var.value().as_str().to_string());
                        self.template(&f.for_expr.template);
                        self.bound.truncate(n);
                    }
                },
            }
        }
    }

    /// Every reference of a block body, `dynamic` blocks included (their
    /// iterator bound).
    fn body(&mut self, body: &Body) {
        self.structures(body.iter());
    }

    fn structures<'s>(&mut self, items: impl Iterator<Item = &'s Structure>) {
        for s in items {
            match s {
                Structure::Attribute(a) => self.expr(&a.value),
                Structure::Block(b) if b.ident.as_str() == "dynamic" => {
                    let iterator = b
                        .body
                        .get_attribute("iterator")
                        .and_then(|a| match &a.value {
                            Expression::Variable(v) => Some(v.value().as_str().to_string()),
                            _ => None,
                        })
                        .or_else(|| b.labels.first().map(|l| l.as_str().to_string()));
                    if let Some(fe) = b.body.get_attribute("for_each") {
                        self.expr(&fe.value);
                    }
                    let n = self.bound.len();
                    if let Some(it) = iterator {
                        self.bound.push(it);
                    }
                    for s in b.body.iter() {
                        match s {
                            Structure::Attribute(a) if a.key.as_str() == "labels" => self.expr(&a.value),
                            Structure::Block(c) => self.body(&c.body),
                            _ => {}
                        }
                    }
                    self.bound.truncate(n);
                }
                Structure::Block(b) => self.body(&b.body),
            }
        }
    }
}

fn references(e: &Expression, file: &Arc<SourceFile>) -> Vec<Reference> {
    let mut w = RefWalker::new(file);
    w.expr(e);
    w.out
}

/// The value of an expression without any scope or functions (HCL's
/// `Value(nil)`), when it is wholly known.
fn constant(e: &Expression, file: &Arc<SourceFile>) -> Option<Value> {
    let (functions, ctx) = (Functions::default(), CallContext::default());
    Evaluator::new(&EmptyScope, &functions, &ctx, file).eval(e).ok().filter(|v| v.is_wholly_known())
}

// ---------------------------------------------------------------------------
// The configuration.

/// An expression written in a `.tf.json` file, as the JSON written there.
fn json_literal(e: &Expression, file: &Arc<SourceFile>) -> Option<Json> {
    let span = strata_diag::Span::new(file, hcl_edit::Span::span(e)?).resolved();
    if !span.in_json() {
        return None;
    }
    let json: Json = serde_json::from_str(span.text()).ok()?;
    // Numbers as Terraform prints them (`1.50` is 1.5).
    strata_lang::json::from_json_implied(&json).ok().map(|v| strata_lang::json::to_json(&v))
}

/// One expression: `constant_value` when it has no references,
/// `references` otherwise (both absent for, say, a function call).
fn expression_json(e: &Expression, file: &Arc<SourceFile>, secret: bool) -> Json {
    let mut m = Map::new();
    if let Some(literal) = json_literal(e, file) {
        // HCL's JSON expressions evaluate without a scope to their JSON
        // value, templates left as written.
        m.insert("constant_value".into(), if secret { Json::Null } else { literal });
    } else if let Some(v) = constant(e, file) {
        m.insert("constant_value".into(), if secret { Json::Null } else { strata_lang::json::to_json(&v) });
    }
    let refs: Vec<String> = references(e, file).iter().flat_map(Reference::strings).collect();
    if !refs.is_empty() {
        m.insert("references".into(), refs.into());
    }
    Json::Object(m)
}

/// `count_expression` and the like: absent when the expression is empty.
fn optional_expression(e: Option<&strata_config::Expr>) -> Option<Json> {
    let e = e?;
    let j = expression_json(&e.expr, &e.file, false);
    (j.as_object().is_some_and(|m| !m.is_empty())).then_some(j)
}

/// A block body's attributes and nested blocks, as the schema reads them
/// (meta-arguments, `dynamic` blocks and unknown names are left out).
/// Blocks written for a list- or set-of-object attribute are that
/// attribute, as Terraform's `blocktoattr` fixup reads them.
fn expressions(body: &Body, file: &Arc<SourceFile>, schema: &Block) -> Map<String, Json> {
    let mut out: BTreeMap<String, Json> = BTreeMap::new();
    let mut attribute_blocks: BTreeMap<&str, Vec<&hcl_edit::structure::Block>> = BTreeMap::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                let name = a.key.as_str();
                if let Some(attr) = schema.attributes.get(name) {
                    out.insert(name.to_string(), expression_json(&a.value, file, attr.sensitive));
                }
            }
            Structure::Block(b) => {
                let name = b.ident.as_str();
                if strata_core::decode::attribute_may_be_blocks(schema, name) && body.get_attribute(name).is_none() {
                    attribute_blocks.entry(name).or_default().push(b);
                    continue;
                }
                let Some(nested) = schema.blocks.get(name) else { continue };
                let inner = Json::Object(expressions(&b.body, file, &nested.block));
                match nested.nesting {
                    Nesting::Single => {
                        out.insert(name.to_string(), inner);
                    }
                    Nesting::List | Nesting::Set => {
                        let list = out.entry(name.to_string()).or_insert_with(|| Json::Array(Vec::new()));
                        if let Json::Array(items) = list {
                            items.push(inner);
                        }
                    }
                    Nesting::Map => {
                        let Some(label) = b.labels.first() else { continue };
                        let map = out.entry(name.to_string()).or_insert_with(|| Json::Object(Map::new()));
                        if let Json::Object(entries) = map {
                            entries.insert(label.as_str().to_string(), inner);
                        }
                    }
                }
            }
        }
    }
    for (name, blocks) in attribute_blocks {
        let secret = schema.attributes.get(name).is_some_and(|a| a.sensitive);
        out.insert(name.to_string(), attribute_blocks_json(schema, name, &blocks, file, secret));
    }
    out.into_iter().collect()
}

/// Blocks written for attribute `name`, as Terraform's `fixupBlocksExpr`
/// shows them: the list of objects they make when no block refers to
/// anything, and the references of the attributes directly in each block
/// (Terraform's `hcldec.Variables` over the element's attributes).
fn attribute_blocks_json(
    schema: &Block,
    name: &str,
    blocks: &[&hcl_edit::structure::Block],
    file: &Arc<SourceFile>,
    secret: bool,
) -> Json {
    let mut m = Map::new();
    let (functions, ctx) = (Functions::default(), CallContext::default());
    let ev = Evaluator::new(&EmptyScope, &functions, &ctx, file);
    let evaluated: Option<Vec<(strata_lang::body::EvaluatedBody, strata_diag::Span)>> = blocks
        .iter()
        .map(|b| {
            let span = strata_diag::Span::new(file, hcl_edit::Span::span(*b).unwrap_or(0..0));
            strata_lang::body::evaluate_body(&ev, &b.body, &[]).ok().map(|body| (body, span))
        })
        .collect();
    let constant = evaluated.and_then(|bodies| {
        let bodies: Vec<_> = bodies.iter().map(|(body, span)| (body, span)).collect();
        strata_core::decode::constant_of_attribute_blocks(schema, name, &bodies).filter(Value::is_wholly_known)
    });
    if let Some(v) = constant {
        m.insert("constant_value".into(), if secret { Json::Null } else { strata_lang::json::to_json(&v) });
    }
    let element_fields: HashSet<String> = match schema.attributes.get(name).map(|a| &a.ty) {
        Some(strata_lang::Type::List(e) | strata_lang::Type::Set(e)) => match e.as_ref() {
            strata_lang::Type::Object(o) => o.attrs.keys().cloned().collect(),
            _ => HashSet::new(),
        },
        _ => HashSet::new(),
    };
    let refs: Vec<String> = blocks
        .iter()
        .flat_map(|b| b.body.iter())
        .filter_map(|s| match s {
            Structure::Attribute(a) if element_fields.contains(a.key.as_str()) => Some(&a.value),
            _ => None,
        })
        .flat_map(|e| references(e, file))
        .flat_map(|r| r.strings())
        .collect();
    if !refs.is_empty() {
        m.insert("references".into(), refs.into());
    }
    Json::Object(m)
}

/// The body of a resource whose schema is unknown: its attributes only.
fn schemaless_expressions(body: &Body, file: &Arc<SourceFile>) -> Map<String, Json> {
    const META: &[&str] = &["count", "for_each", "provider", "depends_on"];
    let out: BTreeMap<String, Json> = body
        .iter()
        .filter_map(|s| match s {
            Structure::Attribute(a) if !META.contains(&a.key.as_str()) => {
                Some((a.key.as_str().to_string(), expression_json(&a.value, file, false)))
            }
            _ => None,
        })
        .collect();
    out.into_iter().collect()
}

/// `depends_on` entries as the subjects they name.
fn depends_on(list: &[strata_config::Expr]) -> Vec<String> {
    list.iter().filter_map(|e| references(&e.expr, &e.file).into_iter().next().map(|r| r.subject.text())).collect()
}

/// A provider's source address in full: `registry.terraform.io/hashicorp/aws`.
fn full_source(source: &str) -> String {
    match source.split('/').count() {
        1 => format!("registry.terraform.io/hashicorp/{source}"),
        2 => format!("registry.terraform.io/{source}"),
        _ => source.to_string(),
    }
}

/// The provider source a module's local provider name stands for.
fn source_of(module: &Module, root: &Module, local: &str) -> String {
    if local == "terraform" {
        return "terraform.io/builtin/terraform".into();
    }
    let required =
        |m: &Module| m.terraform.iter().find_map(|t| t.required_providers.get(local).map(|p| p.source.clone()));
    full_source(&required(module).or_else(|| required(root)).unwrap_or_else(|| format!("hashicorp/{local}")))
}

/// A resource's provider configuration, as written: `aws` or `aws.west`.
fn provider_local_key(r: &Resource) -> String {
    match &r.provider {
        Some(e) => e.span().text().trim().to_string(),
        None => r.type_name.split('_').next().unwrap_or(&r.type_name).to_string(),
    }
}

/// Looks up resource and provider schemas, one provider instance each.
pub struct Schemas<'a> {
    registry: &'a Registry,
    cache: std::cell::RefCell<BTreeMap<String, Option<Arc<strata_provider::ProviderSchema>>>>,
}

impl<'a> Schemas<'a> {
    pub fn new(registry: &'a Registry) -> Self {
        Schemas { registry, cache: Default::default() }
    }

    /// The schema of the provider with this source (`registry.terraform.io/hashicorp/random`).
    pub fn provider(&self, source: &str) -> Option<Arc<strata_provider::ProviderSchema>> {
        let short = source.trim_start_matches("registry.terraform.io/").trim_start_matches("registry.opentofu.org/");
        self.cache
            .borrow_mut()
            .entry(short.to_string())
            .or_insert_with(|| self.registry.get(short).map(|f| f.new_instance().schema()))
            .clone()
    }

    /// A resource type's schema and version.
    pub fn resource(&self, source: &str, data: bool, type_name: &str) -> Option<(Block, u64)> {
        let schema = self.provider(source)?;
        let types = if data { &schema.data_sources } else { &schema.resources };
        types.get(type_name).map(|r| (r.block.clone(), r.version))
    }
}

struct ProviderEntry {
    name: String,
    full_name: String,
    alias: Option<String>,
    version_constraint: Option<String>,
    module_address: String,
    expressions: Option<Map<String, Json>>,
    /// Set when a parent module's configuration with the same source is
    /// the one used; the entry is then left out.
    parent_key: Option<String>,
}

fn opaque_key(local: &str, module_address: &str) -> String {
    if module_address.is_empty() {
        local.to_string()
    } else {
        format!("{module_address}:{local}")
    }
}

/// Walks up from `start` while the entries have the same source; the last
/// one found is where the configuration comes from.
fn source_key(start: &str, full_name: &str, m: &BTreeMap<String, ProviderEntry>) -> Option<String> {
    let mut found = None;
    let mut key = Some(start.to_string());
    while let Some(k) = key {
        match m.get(&k) {
            Some(e) if e.full_name == full_name => {
                key = e.parent_key.clone();
                found = Some(k);
            }
            _ => break,
        }
    }
    found
}

fn collect_providers(
    tree: &ModuleTree,
    root: &Module,
    address: &str,
    parent_address: Option<&str>,
    passed: bool,
    schemas: &Schemas,
    m: &mut BTreeMap<String, ProviderEntry>,
) {
    let module = &tree.module;
    for pc in &module.providers {
        let full_name = source_of(module, root, &pc.name);
        let local = match &pc.alias {
            Some(a) => format!("{}.{a}", pc.name),
            None => pc.name.clone(),
        };
        let schema = schemas.provider(&full_name).map(|s| s.provider.clone()).unwrap_or_default();
        let version_constraint =
            module.terraform.iter().find_map(|t| t.required_providers.get(&pc.name).and_then(|p| p.version.clone()));
        m.insert(
            opaque_key(&local, address),
            ProviderEntry {
                name: pc.name.clone(),
                full_name,
                alias: pc.alias.clone(),
                version_constraint,
                module_address: address.to_string(),
                expressions: Some(expressions(&pc.config.body, &pc.config.file, &schema)),
                parent_key: None,
            },
        );
    }
    // Required and implied providers without a configuration block.
    let mut locals: BTreeMap<String, Option<String>> = BTreeMap::new();
    for t in &module.terraform {
        for (local, p) in &t.required_providers {
            locals.entry(local.clone()).or_insert_with(|| p.version.clone());
        }
    }
    for r in module.resources.iter().chain(module.checks.iter().filter_map(|c| c.data.as_ref())) {
        let key = provider_local_key(r);
        locals.entry(key.split('.').next().unwrap_or(&key).to_string()).or_insert(None);
    }
    for (local, version_constraint) in locals {
        let key = opaque_key(&local, address);
        if m.contains_key(&key) {
            continue;
        }
        let full_name = source_of(module, root, &local);
        let parent_key = match parent_address {
            Some(parent) if !passed => source_key(&opaque_key(&local, parent), &full_name, m),
            _ => None,
        };
        m.insert(
            key,
            ProviderEntry {
                name: local,
                full_name,
                alias: None,
                version_constraint,
                module_address: address.to_string(),
                expressions: None,
                parent_key,
            },
        );
    }
    for call in &module.module_calls {
        let Some(child) = tree.children.get(&call.name) else { continue };
        let child_address = if address.is_empty() {
            format!("module.{}", call.name)
        } else {
            format!("{address}.module.{}", call.name)
        };
        collect_providers(child, root, &child_address, Some(address), call.providers.is_some(), schemas, m);
    }
}

fn provider_entry_json(e: &ProviderEntry) -> Json {
    let mut j = Map::new();
    j.insert("name".into(), e.name.clone().into());
    j.insert("full_name".into(), e.full_name.clone().into());
    if let Some(a) = &e.alias {
        j.insert("alias".into(), a.clone().into());
    }
    if let Some(v) = &e.version_constraint {
        j.insert("version_constraint".into(), v.clone().into());
    }
    if !e.module_address.is_empty() {
        j.insert("module_address".into(), e.module_address.clone().into());
    }
    if let Some(x) = e.expressions.as_ref().filter(|x| !x.is_empty()) {
        j.insert("expressions".into(), Json::Object(x.clone()));
    }
    Json::Object(j)
}

/// Terraform's `configuration` object for the whole module tree.
pub fn configuration(tree: &ModuleTree, registry: &Registry) -> Json {
    let schemas = Schemas::new(registry);
    let mut providers = BTreeMap::new();
    collect_providers(tree, &tree.module, "", None, false, &schemas, &mut providers);
    let mut doc = Map::new();
    let configs: Map<String, Json> = providers
        .iter()
        .filter(|(_, e)| e.parent_key.is_none())
        .map(|(k, e)| (k.clone(), provider_entry_json(e)))
        .collect();
    if !configs.is_empty() {
        doc.insert("provider_config".into(), Json::Object(configs));
    }
    doc.insert("root_module".into(), module_json(tree, &tree.module, "", &schemas, &providers));
    Json::Object(doc)
}

fn module_json(
    tree: &ModuleTree,
    root: &Module,
    address: &str,
    schemas: &Schemas,
    providers: &BTreeMap<String, ProviderEntry>,
) -> Json {
    let module = &tree.module;
    let mut m = Map::new();
    let outputs: BTreeMap<String, Json> = module
        .outputs
        .iter()
        .map(|o| {
            let mut j = Map::new();
            if o.sensitive {
                j.insert("sensitive".into(), true.into());
            }
            j.insert("expression".into(), expression_json(&o.value.expr, &o.value.file, o.sensitive));
            let deps = depends_on(&o.depends_on);
            if !deps.is_empty() {
                j.insert("depends_on".into(), deps.into());
            }
            if let Some(d) = o.description.as_ref().filter(|d| !d.is_empty()) {
                j.insert("description".into(), d.clone().into());
            }
            (o.name.clone(), Json::Object(j))
        })
        .collect();
    if !outputs.is_empty() {
        m.insert("outputs".into(), Json::Object(outputs.into_iter().collect()));
    }
    // Managed resources, then data sources (those of check blocks too), each by address.
    let mut resources: Vec<(bool, String, Json)> = module
        .resources
        .iter()
        .chain(module.checks.iter().filter_map(|c| c.data.as_ref()))
        .map(|r| {
            (r.mode == ResourceMode::Data, r.address(), resource_json(r, module, root, address, schemas, providers))
        })
        .collect();
    resources.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    if !resources.is_empty() {
        m.insert("resources".into(), Json::Array(resources.into_iter().map(|(_, _, j)| j).collect()));
    }
    let calls: BTreeMap<String, Json> = module
        .module_calls
        .iter()
        .filter_map(|call| {
            let child = tree.children.get(&call.name)?;
            let child_address = if address.is_empty() {
                format!("module.{}", call.name)
            } else {
                format!("{address}.module.{}", call.name)
            };
            let mut j = Map::new();
            j.insert("source".into(), call.source.clone().into());
            let inputs: BTreeMap<String, Json> = call
                .inputs
                .iter()
                .filter_map(|(name, e)| {
                    let var = child.module.variables.iter().find(|v| &v.name == name)?;
                    Some((name.clone(), expression_json(&e.expr, &e.file, var.sensitive)))
                })
                .collect();
            if !inputs.is_empty() {
                j.insert("expressions".into(), Json::Object(inputs.into_iter().collect()));
            }
            if let Some(c) = optional_expression(call.count.as_ref()) {
                j.insert("count_expression".into(), c);
            } else if let Some(f) = optional_expression(call.for_each.as_ref()) {
                j.insert("for_each_expression".into(), f);
            }
            j.insert("module".into(), module_json(child, root, &child_address, schemas, providers));
            if let Some(v) = call.version.as_ref().filter(|v| !v.is_empty()) {
                j.insert("version_constraint".into(), v.clone().into());
            }
            let deps = depends_on(&call.depends_on);
            if !deps.is_empty() {
                j.insert("depends_on".into(), deps.into());
            }
            Some((call.name.clone(), Json::Object(j)))
        })
        .collect();
    if !calls.is_empty() {
        m.insert("module_calls".into(), Json::Object(calls.into_iter().collect()));
    }
    let variables: BTreeMap<String, Json> = module
        .variables
        .iter()
        .map(|v| {
            let mut j = Map::new();
            if let Some(d) = &v.default {
                if let Some(value) = constant(&d.expr, &d.file) {
                    let value = match &v.type_constraint {
                        Some(t) => strata_lang::convert::convert(&value, &t.ty).unwrap_or(value),
                        None => value,
                    };
                    j.insert(
                        "default".into(),
                        if v.sensitive { Json::Null } else { strata_lang::json::to_json(&value) },
                    );
                }
            }
            if let Some(d) = v.description.as_ref().filter(|d| !d.is_empty()) {
                j.insert("description".into(), d.clone().into());
            }
            if v.sensitive {
                j.insert("sensitive".into(), true.into());
            }
            (v.name.clone(), Json::Object(j))
        })
        .collect();
    if !variables.is_empty() {
        m.insert("variables".into(), Json::Object(variables.into_iter().collect()));
    }
    Json::Object(m)
}

fn resource_json(
    r: &Resource,
    module: &Module,
    root: &Module,
    address: &str,
    schemas: &Schemas,
    providers: &BTreeMap<String, ProviderEntry>,
) -> Json {
    let data = r.mode == ResourceMode::Data;
    let local = provider_local_key(r);
    let mut key = opaque_key(&local, address);
    if let Some(parent) = providers.get(&key).and_then(|e| e.parent_key.clone()) {
        if providers.contains_key(&parent) {
            key = parent;
        }
    }
    let source = source_of(module, root, local.split('.').next().unwrap_or(&local));
    let schema = schemas.resource(&source, data, &r.type_name);
    let mut j = Map::new();
    j.insert("address".into(), r.address().into());
    j.insert("mode".into(), if data { "data" } else { "managed" }.into());
    j.insert("type".into(), r.type_name.clone().into());
    j.insert("name".into(), r.name.clone().into());
    j.insert("provider_config_key".into(), key.into());
    let exprs = match &schema {
        Some((block, _)) => expressions(&r.body.body, &r.body.file, block),
        None => schemaless_expressions(&r.body.body, &r.body.file),
    };
    if !exprs.is_empty() {
        j.insert("expressions".into(), Json::Object(exprs));
    }
    j.insert("schema_version".into(), schema.as_ref().map_or(0, |(_, v)| *v).into());
    if let Some(c) = optional_expression(r.count.as_ref()) {
        j.insert("count_expression".into(), c);
    } else if let Some(f) = optional_expression(r.for_each.as_ref()) {
        j.insert("for_each_expression".into(), f);
    }
    let deps = depends_on(&r.depends_on);
    if !deps.is_empty() {
        j.insert("depends_on".into(), deps.into());
    }
    Json::Object(j)
}

// ---------------------------------------------------------------------------
// Relevant attributes.

/// The module of the tree at a module instance path (keys ignored).
fn module_at<'t>(tree: &'t ModuleTree, path: &ModuleInstance) -> Option<&'t ModuleTree> {
    let mut t = tree;
    for (name, _) in &path.0 {
        t = t.children.get(name)?;
    }
    Some(t)
}

fn find_resource<'m>(module: &'m Module, data: bool, type_name: &str, name: &str) -> Option<&'m Resource> {
    module
        .resources
        .iter()
        .chain(module.checks.iter().filter_map(|c| c.data.as_ref()))
        .find(|r| (r.mode == ResourceMode::Data) == data && r.type_name == type_name && r.name == name)
}

/// The references of a resource's arguments (meta-arguments left out, as
/// Terraform's reference analysis leaves them out).
fn resource_references(r: &Resource) -> Vec<Reference> {
    const META_ATTRS: &[&str] = &["count", "for_each", "provider", "depends_on"];
    const META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];
    let mut w = RefWalker::new(&r.body.file);
    w.structures(r.body.body.iter().filter(|s| match s {
        Structure::Attribute(a) => !META_ATTRS.contains(&a.key.as_str()),
        Structure::Block(b) => !META_BLOCKS.contains(&b.ident.as_str()),
    }));
    w.out
}

/// Terraform's `relevant_attributes`: the resource attributes that the
/// planned changes (and changed root outputs) depend on, followed through
/// locals, module inputs and outputs, and other resources' arguments.
pub fn relevant_attributes(tree: &ModuleTree, changes: &[PlannedChange], changed_outputs: &[String]) -> Vec<Json> {
    let mut pending: VecDeque<(ModuleInstance, Reference)> = VecDeque::new();
    let mut seen_resources: HashSet<String> = HashSet::new();
    for c in changes.iter().filter(|c| c.action != Action::NoOp) {
        let r = &c.addr.resource;
        // Every instance of a resource makes the same references.
        if !seen_resources.insert(format!("{} {}", r.module, r.local())) {
            continue;
        }
        let Some(t) = module_at(tree, &r.module) else { continue };
        let data = r.mode == strata_addrs::ResourceMode::Data;
        if let Some(res) = find_resource(&t.module, data, &r.type_name, &r.name) {
            pending.extend(resource_references(res).into_iter().map(|x| (r.module.clone(), x)));
        }
    }
    // Outputs of called modules are not kept in state, so Terraform sees
    // each of them change in every plan.
    let mut instances: BTreeSet<ModuleInstance> = BTreeSet::new();
    for c in changes {
        let m = &c.addr.resource.module;
        for n in 1..=m.0.len() {
            instances.insert(ModuleInstance(m.0[..n].to_vec()));
        }
    }
    for path in instances {
        if let Some(t) = module_at(tree, &path) {
            for o in &t.module.outputs {
                pending.extend(references(&o.value.expr, &o.value.file).into_iter().map(|x| (path.clone(), x)));
            }
        }
    }
    for name in changed_outputs {
        if let Some(o) = tree.module.outputs.iter().find(|o| &o.name == name) {
            pending.extend(references(&o.value.expr, &o.value.file).into_iter().map(|x| (ModuleInstance::root(), x)));
        }
    }
    let mut seen: HashSet<String> = HashSet::new();
    let mut found: BTreeSet<(RelevantOrder, String)> = BTreeSet::new();
    while let Some((path, r)) = pending.pop_front() {
        let text = steps_text(&r.remaining);
        if !seen.insert(format!("{path}|{}{text}", r.subject.text())) {
            continue;
        }
        let Some(t) = module_at(tree, &path) else { continue };
        match &r.subject {
            Subject::Resource { data, type_name, name, key } => {
                let key = key.clone().unwrap_or(InstanceKey::None);
                let prefix = if path.is_root() { String::new() } else { format!("{path}.") };
                let local = if *data { format!("data.{type_name}.{name}") } else { format!("{type_name}.{name}") };
                let attribute: Vec<Json> = r
                    .remaining
                    .iter()
                    .map(|s| match s {
                        Step::Attr(a) | Step::Index(InstanceKey::Str(a)) => Json::from(a.clone()),
                        Step::Index(InstanceKey::Int(i)) => Json::from(*i),
                        Step::Index(InstanceKey::None) => Json::Null,
                    })
                    .collect();
                let order = RelevantOrder {
                    module: path.0.clone(),
                    managed: !data,
                    type_name: type_name.clone(),
                    name: name.clone(),
                    key: key.clone(),
                    attribute: serde_json::to_string(&attribute).unwrap_or_default(),
                };
                let entry = serde_json::json!({ "resource": format!("{prefix}{local}{key}"), "attribute": attribute });
                found.insert((order, serde_json::to_string(&entry).unwrap_or_default()));
                // What the referenced attribute is set from, when the
                // configuration sets it.
                if let Some(res) = find_resource(&t.module, *data, type_name, name) {
                    let more = match r.remaining.first() {
                        None => resource_references(res),
                        Some(Step::Attr(a)) => res
                            .body
                            .body
                            .get_attribute(a)
                            .map(|attr| references(&attr.value, &res.body.file))
                            .unwrap_or_default(),
                        Some(Step::Index(_)) => Vec::new(),
                    };
                    pending.extend(more.into_iter().map(|x| (path.clone(), x)));
                }
            }
            Subject::Named("local", name) => {
                if let Some(l) = t.module.locals.iter().find(|l| &l.name == name) {
                    pending.extend(references(&l.expr.expr, &l.expr.file).into_iter().map(|x| (path.clone(), x)));
                }
            }
            Subject::Named("var", name) if !path.is_root() => {
                let parent = ModuleInstance(path.0[..path.0.len() - 1].to_vec());
                let call_name = &path.0[path.0.len() - 1].0;
                let Some(pt) = module_at(tree, &parent) else { continue };
                let input = pt
                    .module
                    .module_calls
                    .iter()
                    .find(|c| &c.name == call_name)
                    .and_then(|c| c.inputs.iter().find(|(n, _)| n == name));
                if let Some((_, e)) = input {
                    pending.extend(references(&e.expr, &e.file).into_iter().map(|x| (parent.clone(), x)));
                }
            }
            Subject::ModuleOutput(call, key, output) => {
                let child = path.child(call, key.clone());
                if let Some(ct) = module_at(tree, &child) {
                    if let Some(o) = ct.module.outputs.iter().find(|o| &o.name == output) {
                        pending
                            .extend(references(&o.value.expr, &o.value.file).into_iter().map(|x| (child.clone(), x)));
                    }
                }
            }
            Subject::ModuleCall(call) | Subject::ModuleInstance(call, _) => {
                let key = match &r.subject {
                    Subject::ModuleInstance(_, k) => k.clone(),
                    _ => InstanceKey::None,
                };
                let child = path.child(call, key);
                if let Some(ct) = module_at(tree, &child) {
                    for o in &ct.module.outputs {
                        pending
                            .extend(references(&o.value.expr, &o.value.file).into_iter().map(|x| (child.clone(), x)));
                    }
                }
            }
            Subject::Named(..) => {}
        }
    }
    found.into_iter().filter_map(|(_, j)| serde_json::from_str(&j).ok()).collect()
}

/// Terraform sorts relevant attributes by their Go representation: module
/// path, data sources before managed resources, type, name, key, path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RelevantOrder {
    module: Vec<(String, InstanceKey)>,
    managed: bool,
    type_name: String,
    name: String,
    key: InstanceKey,
    attribute: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs_of(text: &str) -> Vec<String> {
        let file = SourceFile::new("t.tf", text);
        let expr = strata_lang::eval::parse_expression(text, &file).expect("parses");
        references(&expr, &file).iter().flat_map(Reference::strings).collect()
    }

    #[test]
    fn references_are_spelled_as_terraform_spells_them() {
        assert_eq!(refs_of("terraform_data.upd.output"), ["terraform_data.upd.output", "terraform_data.upd"]);
        assert_eq!(
            refs_of(r#"terraform_data.c["a"].id"#),
            [r#"terraform_data.c["a"].id"#, r#"terraform_data.c["a"]"#, "terraform_data.c"]
        );
        assert_eq!(refs_of(r#""${var.val}-${each.key}""#), ["var.val", "each.key"]);
        assert_eq!(refs_of("[local.l, local.l]"), ["local.l", "local.l"]);
        assert_eq!(refs_of("module.net[0].ids[1]"), ["module.net[0].ids[1]", "module.net[0].ids", "module.net[0]"]);
        assert_eq!(refs_of("module.net"), ["module.net"]);
        assert_eq!(refs_of("data.x.y[count.index].id"), ["data.x.y", "count.index"]);
        assert_eq!(refs_of("[for s in var.list : s.id if s.on]"), ["var.list"]);
        assert_eq!(refs_of("aws_instance.web[*].id"), ["aws_instance.web"]);
        assert!(refs_of(r#"upper("a")"#).is_empty());
    }

    #[test]
    fn constants_are_what_hcl_evaluates_without_a_scope() {
        let json = |text: &str| {
            let f = SourceFile::new("t.tf", text);
            let e = strata_lang::eval::parse_expression(text, &f).expect("parses");
            expression_json(&e, &f, false)
        };
        assert_eq!(json("[for x in [1, 2] : x * 2]"), serde_json::json!({"constant_value": [2, 4]}));
        assert_eq!(json(r#"upper("a")"#), serde_json::json!({}));
        assert_eq!(json("var.x"), serde_json::json!({"references": ["var.x"]}));
        assert_eq!(json("null"), serde_json::json!({"constant_value": null}));
    }

    /// A legacy-SDK-style schema: `ingress` is a set-of-object attribute.
    fn rules_schema() -> Block {
        use strata_lang::Type;
        let rule = Type::object(BTreeMap::from([
            ("cidr_blocks".to_string(), Type::list(Type::String)),
            ("from_port".to_string(), Type::Number),
            ("protocol".to_string(), Type::String),
        ]));
        Block {
            attributes: BTreeMap::from([
                ("name".to_string(), strata_provider::Attribute::optional(Type::String)),
                ("ingress".to_string(), strata_provider::Attribute::optional_computed(Type::set(rule))),
            ]),
            blocks: BTreeMap::new(),
        }
    }

    fn body_json(text: &str) -> Json {
        let file = SourceFile::new("main.tf", text);
        let body = strata_lang::syntax::parse_body(&file).expect("parses");
        Json::Object(expressions(&body, &file, &rules_schema()))
    }

    #[test]
    fn blocks_written_for_list_of_object_attributes_are_that_attribute() {
        // Constant blocks: the list of objects they make, missing fields null.
        let constant = "name = \"x\"\ningress {\n  from_port = 80\n  protocol  = \"tcp\"\n}\ningress {\n  from_port   = 443\n  protocol    = \"tcp\"\n  cidr_blocks = [\"10.0.0.0/8\"]\n}\n";
        assert_eq!(
            body_json(constant),
            serde_json::json!({
                "name": {"constant_value": "x"},
                "ingress": {"constant_value": [
                    {"cidr_blocks": null, "from_port": 80, "protocol": "tcp"},
                    {"cidr_blocks": ["10.0.0.0/8"], "from_port": 443, "protocol": "tcp"},
                ]},
            })
        );
        // A reference in any block: no constant, the references of every block.
        let referring = "ingress {\n  from_port = var.port\n  protocol  = \"tcp\"\n}\ningress {\n  from_port   = 22\n  protocol    = \"tcp\"\n  cidr_blocks = [aws_vpc.main.cidr_block]\n}\n";
        assert_eq!(
            body_json(referring),
            serde_json::json!({"ingress": {"references": ["var.port", "aws_vpc.main.cidr_block", "aws_vpc.main"]}})
        );
        // The attribute assigned: blocks of its name are not read; `dynamic`
        // blocks are not either.
        let assigned = "ingress = []\ningress {\n  from_port = 1\n}\n";
        assert_eq!(body_json(assigned), serde_json::json!({"ingress": {"constant_value": []}}));
        let dynamic = "dynamic \"ingress\" {\n  for_each = [1]\n  content {\n    from_port = 1\n  }\n}\n";
        assert_eq!(body_json(dynamic), serde_json::json!({}));
    }
}
