//! Override files (`override.tf`, `*_override.tf` and their `.tf.json`
//! forms), merged into the blocks of the primary files by Terraform's rules
//! (`configs.Module.mergeFile` and the `merge` methods beside it):
//!
//! - each block merges into the primary block of the same type and labels
//!   (a provider by name and alias); a missing one is an error, except for a
//!   default provider configuration, which an override may create;
//! - an attribute replaces the base's; nested block types named in the
//!   override replace every base block of those types (`dynamic` blocks
//!   count as the type they generate);
//! - a resource's `lifecycle` merges setting by setting
//!   (`create_before_destroy`, `prevent_destroy`, `ignore_changes`), and
//!   `depends_on` may not be overridden;
//! - a `locals` entry replaces the local of its name; a `terraform` block's
//!   `required_version` and backend replace the module's, its
//!   `required_providers` entries replace those of the same name.
//!
//! Merging happens on the syntax, before the loader decodes anything, so a
//! merged block is decoded as if it had been written whole. Its nodes come
//! from two files: a merged block lives in a derived file whose text is the
//! base file's followed by the override file's, and whose spans lead back
//! to each, so diagnostics name the file that set the attribute.

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::Span as _;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use strata_diag::{Diagnostic, Diagnostics, OriginSegment, SourceFile, Span};

/// Whether a file of a module directory is an override file.
pub(crate) fn is_override_file(name: &str) -> bool {
    let base = name.strip_suffix(".json").unwrap_or(name);
    base == "override.tf" || base.ends_with("_override.tf")
}

/// What the loader needs to know of the overrides to word its diagnostics
/// as Terraform does.
#[derive(Debug, Default)]
pub(crate) struct Notes {
    /// Variables whose type or default an override set, with the override's header.
    pub variables: BTreeMap<String, (VariableOverride, Span)>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum VariableOverride {
    Type,
    Default,
    Both,
}

impl VariableOverride {
    /// Terraform's detail for a default that no longer suits the type.
    pub(crate) fn invalid_default(self, error: &str) -> String {
        match self {
            VariableOverride::Type => {
                format!("Overriding this variable's type constraint has made its default value invalid: {error}.")
            }
            VariableOverride::Default => format!(
                "The overridden default value for this variable is not compatible with the variable's type constraint: {error}."
            ),
            VariableOverride::Both => {
                format!("This variable's default value is not compatible with its type constraint: {error}.")
            }
        }
    }
}

/// A top-level item of the module and the file its spans point into.
pub(crate) type Item = (Arc<SourceFile>, Structure);

/// The primary files' top-level items with every override file merged in,
/// in source order (a merged block stays where its base was).
pub(crate) fn merge(
    primary: Vec<(Arc<SourceFile>, Body)>,
    overrides: Vec<(Arc<SourceFile>, Body)>,
    diags: &mut Diagnostics,
) -> (Vec<Item>, Notes) {
    let mut notes = Notes::default();
    let mut items: Vec<Item> =
        primary.into_iter().flat_map(|(file, body)| body.into_iter().map(move |s| (file.clone(), s))).collect();
    for (file, body) in overrides {
        let mut shifted = Shifted { file: &file, by_base: Vec::new() };
        for (index, s) in body.iter().enumerate() {
            match s {
                // Reported by the loader.
                Structure::Attribute(_) => items.push((file.clone(), s.clone())),
                Structure::Block(b) => {
                    if b.ident.as_str() == "variable" {
                        note_variable(&mut notes, &file, b);
                    }
                    merge_block(&mut items, &file, index, b, &mut shifted, diags)
                }
            }
        }
    }
    (items, notes)
}

fn note_variable(notes: &mut Notes, file: &Arc<SourceFile>, b: &Block) {
    let what = match (b.body.has_attribute("type"), b.body.has_attribute("default")) {
        (true, false) => VariableOverride::Type,
        (false, true) => VariableOverride::Default,
        (true, true) => VariableOverride::Both,
        (false, false) => return,
    };
    if let Some(name) = b.labels.first() {
        notes.variables.insert(name.as_str().to_string(), (what, header_span(file, b)));
    }
}

/// The override file's top-level structures parsed again behind a base
/// file's text, so their spans fit a derived file (base text, newline,
/// override text): one derived file and one parse per base file.
struct Shifted<'a> {
    file: &'a Arc<SourceFile>,
    /// Base file, the derived file joining it with the override, the override parsed to fit.
    by_base: Vec<(Arc<SourceFile>, Arc<SourceFile>, Body)>,
}

impl Shifted<'_> {
    /// The derived file joining `base` and this override file, and the
    /// override's block `index` with spans in it.
    fn block_behind(&mut self, base: &Arc<SourceFile>, index: usize) -> Option<(Arc<SourceFile>, Block)> {
        if !self.by_base.iter().any(|(b, _, _)| Arc::ptr_eq(b, base)) {
            let offset = base.text.len() + 1;
            let padded = SourceFile::new(self.file.name.clone(), format!("{}{}", " ".repeat(offset), self.file.text));
            let body = strata_lang::syntax::parse_body(&padded).ok()?;
            let joined = SourceFile::derived(
                base.name.clone(),
                format!("{}\n{}", base.text, self.file.text),
                vec![
                    OriginSegment { at: 0, file: base.clone(), start: 0, len: base.text.len() },
                    OriginSegment { at: offset, file: self.file.clone(), start: 0, len: self.file.text.len() },
                ],
            );
            self.by_base.push((base.clone(), joined, body));
        }
        let (_, joined, body) = self.by_base.iter().find(|(b, _, _)| Arc::ptr_eq(b, base))?;
        let Some(Structure::Block(b)) = body.get(index) else { return None };
        Some((joined.clone(), b.clone()))
    }
}

fn header_span(file: &Arc<SourceFile>, b: &Block) -> Span {
    let start = b.ident.span().map_or(0, |r| r.start);
    let end = b.labels.last().and_then(|l| l.span()).or(b.ident.span()).map_or(start, |r| r.end);
    Span::new(file, start..end)
}

fn labels(b: &Block) -> Vec<&str> {
    b.labels.iter().map(|l| l.as_str()).collect()
}

fn literal(e: &Expression) -> Option<String> {
    crate::load::literal_string(e)
}

/// A provider block's alias, when it is a literal.
fn alias(b: &Block) -> Option<String> {
    b.body.get_attribute("alias").and_then(|a| literal(&a.value))
}

fn merge_block(
    items: &mut Vec<Item>,
    file: &Arc<SourceFile>,
    index: usize,
    over: &Block,
    shifted: &mut Shifted,
    diags: &mut Diagnostics,
) {
    let kind = over.ident.as_str();
    forbidden_rules(file, kind, over, diags);
    let missing = |summary: &str, detail: String| {
        Diagnostic::error(summary).with_detail(detail).with_span(header_span(file, over))
    };
    let over_labels = labels(over);
    let find = |items: &[Item], pred: &dyn Fn(&Block) -> bool| {
        items.iter().position(|(_, s)| matches!(s, Structure::Block(b) if b.ident.as_str() == kind && pred(b)))
    };
    let same_labels = |b: &Block| labels(b) == over_labels;
    match kind {
        "terraform" => merge_terraform(items, file, over),
        "locals" => {
            for a in over.body.attributes() {
                let name = a.key.as_str();
                let Some(at) = items.iter().position(|(_, s)| {
                    matches!(s, Structure::Block(b) if b.ident.as_str() == "locals" && b.body.has_attribute(name))
                }) else {
                    diags.push(
                        Diagnostic::error("Missing base local value definition to override")
                            .with_detail(format!("There is no local value named {name:?}. An override file can only override a local value that was already defined in a primary configuration file."))
                            .with_span(Span::new(file, a.span().unwrap_or(0..0))),
                    );
                    continue;
                };
                let (base_file, Structure::Block(base)) = &items[at] else { continue };
                let Some((joined, shifted_over)) = shifted.block_behind(base_file, index) else { continue };
                let Some(new_attr) = shifted_over.body.get_attribute(name).cloned() else { continue };
                let mut merged = base.clone();
                replace_attribute(&mut merged.body, new_attr);
                items[at] = (joined, Structure::Block(merged));
            }
        }
        "moved" | "import" => diags.push(
            Diagnostic::error(format!("Cannot override '{kind}' blocks"))
                .with_detail(if kind == "moved" {
                    "Records of moved objects can appear only in normal files, not in override files."
                } else {
                    "Import blocks can appear only in normal files, not in override files."
                })
                .with_span(header_span(file, over)),
        ),
        // Terraform does not merge these from override files.
        "removed" => {}
        "check" => diags.push(
            Diagnostic::error("Can't override check blocks")
                .with_detail("Override files cannot override check blocks.")
                .with_span(header_span(file, over)),
        ),
        "provider" | "variable" | "output" | "module" | "resource" | "data" => {
            let at = if kind == "provider" {
                let a = alias(over);
                find(items, &|b| same_labels(b) && alias(b) == a)
            } else {
                find(items, &same_labels)
            };
            let Some(at) = at else {
                let name = over_labels.last().copied().unwrap_or_default();
                let first = over_labels.first().copied().unwrap_or_default();
                let d = match kind {
                    "provider" => match alias(over) {
                        // An absent default configuration is an empty one: the override is it.
                        None => {
                            items.push((file.clone(), Structure::Block(over.clone())));
                            return;
                        }
                        Some(a) => missing(
                            "Missing base provider configuration for override",
                            format!("There is no {first} provider configuration with the alias {a:?}. An override file can only override an aliased provider configuration that was already defined in a primary configuration file."),
                        ),
                    },
                    "variable" => missing(
                        "Missing base variable declaration to override",
                        format!("There is no variable named {name:?}. An override file can only override a variable that was already declared in a primary configuration file."),
                    ),
                    "output" => missing(
                        "Missing base output definition to override",
                        format!("There is no output named {name:?}. An override file can only override an output that was already defined in a primary configuration file."),
                    ),
                    "module" => missing(
                        "Missing module call to override",
                        format!("There is no module call named {name:?}. An override file can only override a module call that was defined in a primary configuration file."),
                    ),
                    "resource" => missing(
                        "Missing resource to override",
                        format!("There is no {first} resource named {name:?}. An override file can only override a resource block defined in a primary configuration file."),
                    ),
                    _ => missing(
                        "Missing data resource to override",
                        format!("There is no {first} data resource named {name:?}. An override file can only override a data block defined in a primary configuration file."),
                    ),
                };
                diags.push(d);
                return;
            };
            let (base_file, Structure::Block(base)) = &items[at] else { return };
            let Some((joined, over)) = shifted.block_behind(base_file, index) else { return };
            let merged = merge_bodies_of(kind, base, &over, &joined, diags);
            items[at] = (joined, Structure::Block(merged));
        }
        // Unknown block types: the loader reports them.
        _ => items.push((file.clone(), Structure::Block(over.clone()))),
    }
}

/// Terraform refuses condition blocks in override files: validation rules,
/// preconditions and postconditions.
fn forbidden_rules(file: &Arc<SourceFile>, kind: &str, over: &Block, diags: &mut Diagnostics) {
    let mut rules: Vec<&Block> = Vec::new();
    match kind {
        "variable" => rules.extend(over.body.get_blocks("validation")),
        "output" => rules.extend(over.body.get_blocks("precondition")),
        "resource" | "data" => {
            for lb in over.body.get_blocks("lifecycle") {
                rules.extend(lb.body.blocks().filter(|b| matches!(b.ident.as_str(), "precondition" | "postcondition")));
            }
        }
        _ => {}
    }
    for b in rules {
        let t = b.ident.as_str();
        diags.push(
            Diagnostic::error(format!("Can't override {t} blocks"))
                .with_detail(format!("Override files cannot override {t:?} blocks."))
                .with_span(header_span(file, b)),
        );
    }
}

/// `base` with `over` merged in, by the rules of block type `kind`.
fn merge_bodies_of(kind: &str, base: &Block, over: &Block, joined: &Arc<SourceFile>, diags: &mut Diagnostics) -> Block {
    let mut merged = base.clone();
    let mut over_body = over.body.clone();
    if matches!(kind, "resource" | "data" | "output" | "module") {
        if let Some(d) = over_body.remove_attribute("depends_on") {
            let at = match &d.value {
                Expression::Array(items) => items.iter().next().and_then(|i| i.span()),
                _ => None,
            }
            .or(d.value.span());
            diags.push(
                Diagnostic::error("Unsupported override")
                    .with_detail("The depends_on argument may not be overridden.")
                    .with_span(Span::new(joined, at.unwrap_or(0..0))),
            );
        }
    }
    match kind {
        // Validation rules and preconditions stay the base's.
        "variable" => drop(over_body.remove_blocks("validation")),
        "output" => drop(over_body.remove_blocks("precondition")),
        "data" => drop(over_body.remove_blocks("lifecycle")),
        "resource" => {
            let over_lifecycles = over_body.remove_blocks("lifecycle");
            for ol in over_lifecycles {
                merge_lifecycle(&mut merged.body, ol);
            }
        }
        _ => {}
    }
    merge_body(&mut merged.body, over_body);
    merged
}

/// The lifecycle settings an override may change, merged into the base's
/// lifecycle block (made when it has none).
fn merge_lifecycle(base: &mut Body, over: Block) {
    const MERGED: &[&str] = &["create_before_destroy", "prevent_destroy", "ignore_changes"];
    let settings: Vec<_> = over.body.attributes().filter(|a| MERGED.contains(&a.key.as_str())).cloned().collect();
    if settings.is_empty() {
        return;
    }
    let position = base.iter().position(|s| matches!(s, Structure::Block(b) if b.ident.as_str() == "lifecycle"));
    match position.and_then(|i| base.get_mut(i)) {
        Some(Structure::Block(lb)) => {
            for a in settings {
                replace_attribute(&mut lb.body, a);
            }
        }
        _ => {
            let mut lb = over.clone();
            lb.body = Body::builder().attributes(settings).build();
            base.push(lb);
        }
    }
}

fn replace_attribute(body: &mut Body, attr: hcl_edit::structure::Attribute) {
    let key = attr.key.as_str().to_string();
    let position = body.iter().position(|s| matches!(s, Structure::Attribute(a) if a.key.as_str() == key));
    match position {
        Some(i) => {
            body.remove(i);
            body.insert(i, attr);
        }
        None => body.push(attr),
    }
}

/// Terraform's `MergeBodies`: the override's attributes replace the base's;
/// the block types it has replace all base blocks of those types.
///
/// JSON cannot tell a block from an attribute (the schema decides, later),
/// so a name the override sets either way replaces the base's blocks and
/// attribute of that name alike.
fn merge_body(base: &mut Body, over: Body) {
    let mut overridden = BTreeSet::new();
    for b in over.blocks() {
        let generated = if b.ident.as_str() == "dynamic" { b.labels.first().map(|l| l.as_str()) } else { None };
        overridden.insert(generated.unwrap_or(b.ident.as_str()).to_string());
    }
    let block_types = overridden.clone();
    overridden.extend(over.attributes().map(|a| a.key.as_str().to_string()));
    let kept: Vec<Structure> = std::mem::take(base)
        .into_iter()
        .filter(|s| match s {
            Structure::Block(b) => {
                let generated = if b.ident.as_str() == "dynamic" { b.labels.first().map(|l| l.as_str()) } else { None };
                !overridden.contains(generated.unwrap_or(b.ident.as_str()))
            }
            Structure::Attribute(a) => !block_types.contains(a.key.as_str()),
        })
        .collect();
    *base = Body::builder().structures(kept).build();
    for s in over {
        match s {
            Structure::Attribute(a) => replace_attribute(base, a),
            Structure::Block(b) => base.push(b),
        }
    }
}

/// A `terraform` block of an override file: what it sets is removed from
/// the primary files' `terraform` blocks, and it is added as a block of its own.
fn merge_terraform(items: &mut Vec<Item>, file: &Arc<SourceFile>, over: &Block) {
    let sets_version = over.body.has_attribute("required_version");
    let sets_backend = over.body.blocks().any(|b| matches!(b.ident.as_str(), "backend" | "cloud"));
    let providers: BTreeSet<String> = over
        .body
        .get_blocks("required_providers")
        .flat_map(|rp| rp.body.attributes().map(|a| a.key.as_str().to_string()))
        .collect();
    for (_, s) in items.iter_mut() {
        let Structure::Block(b) = s else { continue };
        if b.ident.as_str() != "terraform" {
            continue;
        }
        if sets_version {
            b.body.remove_attribute("required_version");
        }
        if sets_backend {
            b.body.remove_blocks("backend");
            b.body.remove_blocks("cloud");
        }
        for rp in b.body.get_blocks_mut("required_providers") {
            for name in &providers {
                rp.body.remove_attribute(name);
            }
        }
    }
    items.push((file.clone(), Structure::Block(over.clone())));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{load_module_tree_with, ListedFile, LoadOptions, ModuleFiles};
    use std::path::{Path, PathBuf};

    struct Files(Vec<(&'static str, &'static str)>);

    impl ModuleFiles for Files {
        fn tf_files(&self, _: &Path) -> Result<Vec<ListedFile>, String> {
            let mut files: Vec<ListedFile> =
                self.0.iter().map(|(n, t)| (n.to_string(), Ok(t.as_bytes().to_vec()))).collect();
            files.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(files)
        }
        fn identity(&self, dir: &Path) -> Option<PathBuf> {
            Some(dir.to_path_buf())
        }
    }

    fn load(files: Vec<(&'static str, &'static str)>) -> (crate::Module, Vec<String>) {
        let (tree, diags) = load_module_tree_with(Path::new("."), &LoadOptions::default(), &Files(files));
        let diags = diags
            .iter()
            .map(|d| format!("{}: {}", d.summary, d.span.as_ref().map(|s| s.to_string()).unwrap_or_default()))
            .collect();
        (tree.expect("a module").module, diags)
    }

    #[test]
    fn terraform_blocks_merge_by_setting() {
        let (m, diags) = load(vec![
            (
                "main.tf",
                "terraform {\n  backend \"local\" {\n    path = \"a\"\n  }\n  required_providers {\n    aws = { source = \"hashicorp/aws\", version = \"1.0\" }\n    random = { source = \"hashicorp/random\" }\n  }\n}\n",
            ),
            ("override.tf.json", r#"{"terraform": {"backend": {"s3": {"bucket": "b"}}, "required_providers": {"aws": {"source": "hashicorp/aws", "version": "2.0"}}}}"#),
        ]);
        assert!(diags.is_empty(), "{diags:?}");
        let backend = m.backend().expect("a backend");
        assert_eq!(backend.kind, "s3");
        assert_eq!(backend.span.resolved().file.name, "override.tf.json");
        let providers: Vec<(String, Option<String>)> = m
            .terraform
            .iter()
            .flat_map(|t| t.required_providers.values().map(|p| (p.name.clone(), p.version.clone())))
            .collect();
        assert_eq!(providers, [("random".to_string(), None), ("aws".to_string(), Some("2.0".to_string()))]);
    }

    #[test]
    fn merged_blocks_keep_each_attribute_in_its_file() {
        let (m, diags) = load(vec![
            ("main.tf", "locals {\n  a = 1\n  b = 2\n}\nresource \"terraform_data\" \"r\" {\n  input = 1\n  lifecycle {\n    ignore_changes = [input]\n  }\n}\n"),
            ("x_override.tf", "locals {\n  b = 3\n}\nresource \"terraform_data\" \"r\" {\n  count = 2\n  lifecycle {\n    create_before_destroy = true\n    replace_triggered_by = [terraform_data.q]\n  }\n}\n"),
        ]);
        assert!(diags.is_empty(), "{diags:?}");
        let local = |n: &str| m.local(n).map(|l| l.expr.span().to_string());
        assert_eq!(local("a").as_deref(), Some("main.tf:2:7"));
        assert_eq!(local("b").as_deref(), Some("x_override.tf:2:7"));
        let r = &m.resources[0];
        assert_eq!(r.count.as_ref().map(|c| c.span().to_string()).as_deref(), Some("x_override.tf:5:11"));
        assert!(r.lifecycle.create_before_destroy);
        assert!(matches!(r.lifecycle.ignore_changes, crate::IgnoreChanges::Paths(ref p) if p.len() == 1));
        // replace_triggered_by is not taken from overrides.
        assert!(r.lifecycle.replace_triggered_by.is_empty());
    }

    #[test]
    fn override_file_names() {
        assert!(is_override_file("override.tf"));
        assert!(is_override_file("override.tf.json"));
        assert!(is_override_file("x_override.tf"));
        assert!(is_override_file("x_override.tf.json"));
        assert!(!is_override_file("main.tf"));
        assert!(!is_override_file("xoverride.tf"));
    }
}
