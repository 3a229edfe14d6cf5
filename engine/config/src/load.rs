//! Reading a directory of `*.tf` files into a [`Module`], and a root module
//! with its local child modules into a [`ModuleTree`].

use crate::manifest::ModuleManifest;
use crate::model::*;
use crate::sources::{is_local_source, parse_module_source, ModuleSource};
use crate::version::check_required_version;
use crate::version::VersionConstraint;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, Body, Structure};
use hcl_edit::Span as _;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use strata_diag::{Diagnostic, Diagnostics, SourceFile, Span};

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Prefix for file names shown to users (the `-chdir` relative path).
    pub display_prefix: String,
    /// Where `init` installed the module calls whose source is not a local
    /// path (`.terraform/modules/modules.json`); `None`: nothing installed.
    pub installed: Option<ModuleManifest>,
}

/// One `*.tf` file of a module directory: its name and its bytes (or why
/// they could not be read).
pub type ListedFile = (String, std::io::Result<Vec<u8>>);

/// Where a module's `*.tf` files come from: the disk, or the snapshot a
/// saved plan carries.
pub trait ModuleFiles {
    /// The `*.tf` files of `dir`, sorted by name, hidden files left out;
    /// `Err` when the directory cannot be read.
    fn tf_files(&self, dir: &Path) -> Result<Vec<ListedFile>, String>;
    /// What identifies `dir`, for finding modules that call themselves;
    /// `None` when it does not exist.
    fn identity(&self, dir: &Path) -> Option<PathBuf>;
}

/// The files on disk.
pub struct DiskFiles;

impl ModuleFiles for DiskFiles {
    fn tf_files(&self, dir: &Path) -> Result<Vec<ListedFile>, String> {
        let entries = std::fs::read_dir(dir).map_err(|e| e.to_string())?;
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().map(|t| t.is_file() || t.is_symlink()).unwrap_or(false))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| (n.ends_with(".tf") || n.ends_with(".tf.json")) && !n.starts_with('.'))
            .collect();
        names.sort();
        Ok(names.into_iter().map(|n| (n.clone(), std::fs::read(dir.join(&n)))).collect())
    }

    fn identity(&self, dir: &Path) -> Option<PathBuf> {
        dir.canonicalize().ok()
    }
}

/// Loads the root module in `dir` and, recursively, local child modules.
pub fn load_module_tree(dir: &Path, opts: &LoadOptions) -> (Option<ModuleTree>, Diagnostics) {
    load_module_tree_with(dir, opts, &DiskFiles)
}

/// `load_module_tree` with the files from `files` (a saved plan's snapshot).
pub fn load_module_tree_with(
    dir: &Path,
    opts: &LoadOptions,
    files: &dyn ModuleFiles,
) -> (Option<ModuleTree>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut stack = vec![files.identity(dir).unwrap_or_else(|| dir.to_path_buf())];
    let root = TreeRoot { dir, opts, files };
    let tree = load_tree(&root, dir, &opts.display_prefix, "", &mut stack, &mut diags);
    (tree, diags)
}

struct TreeRoot<'a> {
    dir: &'a Path,
    opts: &'a LoadOptions,
    files: &'a dyn ModuleFiles,
}

fn load_tree(
    root: &TreeRoot,
    dir: &Path,
    display: &str,
    key: &str,
    stack: &mut Vec<PathBuf>,
    diags: &mut Diagnostics,
) -> Option<ModuleTree> {
    let files = root.files;
    let (module, d) = load_module_from(dir, display, files);
    diags.extend(d);
    let module = module?;
    let mut children = BTreeMap::new();
    for call in &module.module_calls {
        let child_key = if key.is_empty() { call.name.clone() } else { format!("{key}.{}", call.name) };
        let (child_dir, child_display) = if is_local_source(&call.source) {
            (dir.join(&call.source), join_display(display, &call.source))
        } else {
            match installed_dir(root, call, &child_key) {
                Ok(Some(rel)) => (root.dir.join(&rel), join_display(&root.opts.display_prefix, &rel)),
                Ok(None) => continue, // an invalid source, reported when the call was loaded
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            }
        };
        let Some(canonical) = files.identity(&child_dir) else {
            diags.push(
                Diagnostic::error("Unreadable module directory")
                    .with_detail(format!("The directory {} does not exist or cannot be read.", child_dir.display()))
                    .with_span(call.span.clone()),
            );
            continue;
        };
        if stack.contains(&canonical) {
            diags.push(
                Diagnostic::error("Module calls itself")
                    .with_detail(format!(
                        "Module {:?} calls a module that is already being loaded, which would recurse forever.",
                        call.name
                    ))
                    .with_span(call.span.clone()),
            );
            continue;
        }
        if stack.len() > 64 {
            diags.push(Diagnostic::error("Module tree too deep").with_span(call.source_span.clone()));
            continue;
        }
        stack.push(canonical);
        let child = load_tree(root, &child_dir, &child_display, &child_key, stack, diags);
        stack.pop();
        if let Some(child) = child {
            children.insert(call.name.clone(), child);
        }
    }
    Some(ModuleTree { module, children })
}

/// `base` joined with the relative path `rel`, `.` and `..` resolved where they
/// can be (`a/b` + `../c` = `a/c`; leading `..` are kept).
pub fn join_display(base: &str, rel: &str) -> String {
    let joined = if base.is_empty() { rel.to_string() } else { format!("{}/{}", base.trim_end_matches('/'), rel) };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "." | "" => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Where `init` installed a module call with a remote source (relative to
/// the root module), checked against the call as it is now.
fn installed_dir(root: &TreeRoot, call: &ModuleCall, key: &str) -> Result<Option<String>, Diagnostic> {
    let Ok(source) = parse_module_source(&call.source, call.version.is_some()) else { return Ok(None) };
    let not_installed = || {
        Diagnostic::error("Module not installed")
            .with_detail("This module is not yet installed. Run \"strata init\" to install all modules required by this configuration.")
            .with_span(call.span.clone())
    };
    let Some(entry) = root.opts.installed.as_ref().and_then(|m| m.get(key)) else { return Err(not_installed()) };
    if entry.source != source.normalized() {
        return Err(Diagnostic::error("Module source has changed")
            .with_detail("The source address was changed since this module was installed. Run \"strata init\" to install all modules required by this configuration.")
            .with_span(call.source_span.clone()));
    }
    if let (Some(constraint), ModuleSource::Registry(_)) = (&call.version, &source) {
        let Some(installed) = &entry.version else { return Err(not_installed()) };
        let allowed = VersionConstraint::parse(constraint).map(|c| c.allows(installed)).unwrap_or(true);
        if !allowed {
            return Err(Diagnostic::error("Module version requirements have changed")
                .with_detail(format!("The version requirements have changed since this module was installed and the installed version ({installed}) is no longer acceptable. Run \"strata init\" to install all modules required by this configuration."))
                .with_span(call.source_span.clone()));
        }
    }
    Ok(Some(entry.dir.clone()))
}

/// Loads every `*.tf` file of one directory.
pub fn load_module(dir: &Path, display: &str) -> (Option<Module>, Diagnostics) {
    load_module_from(dir, display, &DiskFiles)
}

fn load_module_from(dir: &Path, display: &str, files: &dyn ModuleFiles) -> (Option<Module>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let listed = match files.tf_files(dir) {
        Ok(l) => l,
        Err(e) => {
            diags.push(Diagnostic::error("Failed to read module directory").with_detail(format!(
                "Module directory {} does not exist or cannot be read: {e}.",
                if display.is_empty() { "." } else { display }
            )));
            return (None, diags);
        }
    };
    let mut module = Module {
        dir: dir.to_path_buf(),
        display_dir: display.to_string(),
        files: Vec::new(),
        terraform: Vec::new(),
        providers: Vec::new(),
        variables: Vec::new(),
        locals: Vec::new(),
        outputs: Vec::new(),
        resources: Vec::new(),
        module_calls: Vec::new(),
        moved: Vec::new(),
        imports: Vec::new(),
        removed: Vec::new(),
        checks: Vec::new(),
    };
    // Override files are merged after every primary file, in name order.
    let mut primary = Vec::new();
    let mut overrides = Vec::new();
    for (name, read) in listed {
        let shown = join_display(display, &name);
        let bytes = match read {
            Ok(b) => b,
            Err(e) => {
                diags.push(
                    Diagnostic::error("Failed to read file")
                        .with_detail(format!("The file {shown} could not be read: {e}.")),
                );
                continue;
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let file = SourceFile::new(shown.clone(), lossy);
                let start = file
                    .text
                    .char_indices()
                    .nth(String::from_utf8_lossy(&e.as_bytes()[..at]).chars().count())
                    .map_or(0, |(i, _)| i);
                let end = file.text[start..].chars().next().map_or(start, |c| start + c.len_utf8());
                diags.push(
                    Diagnostic::error("Invalid character encoding")
                        .with_detail("All input files must be UTF-8 encoded. Ensure that UTF-8 encoding is selected in your editor.")
                        .with_span(Span::new(&file, start..end))
                        .with_label("invalid UTF-8 byte sequence"),
                );
                continue;
            }
        };
        let file = SourceFile::new(shown, text);
        module.files.push(file.clone());
        // A JSON file is read as the HCL it stands for.
        let parsed = if name.ends_with(".tf.json") {
            let (shadow, d) = crate::json_syntax::json_to_hcl(&file);
            diags.extend(d);
            let Some(shadow) = shadow else { continue };
            strata_lang::syntax::parse_body(&shadow).map(|b| (shadow, b))
        } else {
            strata_lang::syntax::parse_body(&file).map(|b| (file, b))
        };
        let (file, body) = match parsed {
            Ok(p) => p,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        if crate::overrides::is_override_file(&name) {
            overrides.push((file, body));
        } else {
            primary.push((file, body));
        }
    }
    let (items, notes) = crate::overrides::merge(primary, overrides, &mut diags);
    for (file, s) in items {
        let mut loader = FileLoader { file: &file, diags: &mut diags, module: &mut module, overrides: &notes };
        loader.structure(&s);
    }
    check_duplicates(&module, &mut diags);
    (Some(module), diags)
}

struct FileLoader<'a> {
    file: &'a Arc<SourceFile>,
    diags: &'a mut Diagnostics,
    module: &'a mut Module,
    overrides: &'a crate::overrides::Notes,
}

const TOP_LEVEL_BLOCKS: &[&str] = &[
    "terraform",
    "provider",
    "variable",
    "locals",
    "output",
    "resource",
    "data",
    "module",
    "moved",
    "import",
    "removed",
    "check",
    "ephemeral",
];

impl FileLoader<'_> {
    fn span(&self, r: Option<std::ops::Range<usize>>) -> Span {
        Span::new(self.file, r.unwrap_or(0..0))
    }

    fn expr(&self, e: &Expression) -> Expr {
        Expr { expr: e.clone(), file: self.file.clone() }
    }

    /// `resource "a" "b"`: the block type and its labels.
    fn header_span(&self, b: &Block) -> Span {
        let start = b.ident.span().map_or(0, |r| r.start);
        let end = b.labels.last().and_then(|l| l.span()).or(b.ident.span()).map_or(start, |r| r.end);
        self.span(Some(start..end))
    }

    fn structure(&mut self, s: &Structure) {
        match s {
            Structure::Attribute(a) => {
                self.diags.push(
                    Diagnostic::error("Unsupported argument")
                        .with_detail(format!("An argument named {:?} is not expected here.", a.key.as_str()))
                        .with_span(self.span(a.key.span())),
                );
            }
            Structure::Block(b) => self.top_block(b),
        }
    }

    fn labels(&mut self, b: &Block, names: &[&str]) -> Option<Vec<String>> {
        let kind = b.ident.as_str();
        if b.labels.len() != names.len() {
            let (summary, detail) = if b.labels.len() < names.len() {
                let missing = names[b.labels.len()];
                (
                    format!("Missing {missing} for {kind}"),
                    format!(
                        "All {kind} blocks must have {} labels ({}).",
                        names.len(),
                        names.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
                    ),
                )
            } else {
                (
                    format!("Extraneous label for {kind}"),
                    format!("Only {} labels ({}) are expected for {kind} blocks.", names.len(), names.join(", ")),
                )
            };
            let summary = if names.is_empty() { format!("Extraneous label for {kind}") } else { summary };
            let detail = if names.is_empty() { format!("No labels are expected for {kind} blocks.") } else { detail };
            self.diags.push(Diagnostic::error(summary).with_detail(detail).with_span(self.header_span(b)));
            return None;
        }
        let labels: Vec<String> = b.labels.iter().map(|l| l.as_str().to_string()).collect();
        for (l, label) in labels.iter().zip(b.labels.iter()) {
            if !is_valid_name(l) {
                self.diags.push(
                    Diagnostic::error(format!("Invalid {kind} name"))
                        .with_detail("A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.")
                        .with_span(self.span(label.span())),
                );
                return None;
            }
        }
        Some(labels)
    }

    fn top_block(&mut self, b: &Block) {
        let kind = b.ident.as_str();
        match kind {
            "terraform" => self.terraform(b),
            "provider" => self.provider(b),
            "variable" => self.variable(b),
            "locals" => self.locals(b),
            "output" => self.output(b),
            "resource" => self.resource(b, ResourceMode::Managed),
            "data" => self.resource(b, ResourceMode::Data),
            "module" => self.module_call(b),
            "check" => self.check(b),
            "moved" | "import" | "removed" => {
                if let Some(labels) = self.labels(b, &[]) {
                    let raw = RawBlock {
                        labels,
                        body: RawBody { body: b.body.clone(), file: self.file.clone() },
                        span: self.header_span(b),
                    };
                    self.check_raw(kind, b);
                    match kind {
                        "moved" => self.module.moved.push(raw),
                        "import" => self.module.imports.push(raw),
                        _ => self.module.removed.push(raw),
                    }
                }
            }
            "ephemeral" => self.diags.push(
                Diagnostic::error("Ephemeral resources are not supported yet")
                    .with_detail("Strata does not implement ephemeral resources yet.")
                    .with_span(self.header_span(b)),
            ),
            other => {
                let mut detail = format!("Blocks of type {other:?} are not expected here.");
                if let Some(s) = strata_diag::did_you_mean(other, TOP_LEVEL_BLOCKS.iter().copied()) {
                    detail.push_str(&format!(" Did you mean {s:?}?"));
                }
                self.diags.push(
                    Diagnostic::error("Unsupported block type")
                        .with_detail(detail)
                        .with_span(self.span(b.ident.span())),
                );
            }
        }
    }

    /// Checks a body against the arguments and nested blocks it may have.
    /// Returns the attributes by name.
    fn decode<'b>(
        &mut self,
        body: &'b Body,
        context: &str,
        allowed_attrs: &[&str],
        required_attrs: &[&str],
        allowed_blocks: &[&str],
        header: &Span,
    ) -> BTreeMap<String, &'b Attribute> {
        let mut attrs = BTreeMap::new();
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let key = a.key.as_str();
                    if !allowed_attrs.contains(&key) {
                        let mut detail = format!("An argument named {key:?} is not expected here.");
                        if allowed_blocks.contains(&key) {
                            detail = format!("An argument named {key:?} is not expected here. Did you mean to define a block of type {key:?}?");
                        } else if let Some(s) = strata_diag::did_you_mean(key, allowed_attrs.iter().copied()) {
                            detail.push_str(&format!(" Did you mean {s:?}?"));
                        }
                        let span = self.span(a.key.span());
                        self.diags.push(unsupported_argument(detail, key, allowed_attrs, span));
                        continue;
                    }
                    if attrs.contains_key(key) {
                        self.diags.push(
                            Diagnostic::error("Attribute redefined")
                                .with_detail(format!(
                                    "The argument {key:?} was already set. Each argument may be set only once."
                                ))
                                .with_span(self.span(a.key.span())),
                        );
                        continue;
                    }
                    attrs.insert(key.to_string(), a);
                }
                Structure::Block(b) => {
                    let bkind = b.ident.as_str();
                    if !allowed_blocks.contains(&bkind) {
                        let detail = if allowed_attrs.contains(&bkind) {
                            format!("Blocks of type {bkind:?} are not expected here. Did you mean to define argument {bkind:?}? If so, use the equals sign to assign it a value.")
                        } else if TOP_LEVEL_BLOCKS.contains(&bkind) {
                            format!("Blocks of type {bkind:?} are not expected here: {bkind} blocks belong at the top level of a module, not inside {context}.")
                        } else {
                            format!("Blocks of type {bkind:?} are not expected here.")
                        };
                        self.diags.push(
                            Diagnostic::error("Unsupported block type")
                                .with_detail(detail)
                                .with_span(self.span(b.ident.span())),
                        );
                    }
                }
            }
        }
        for req in required_attrs {
            if !attrs.contains_key(*req) {
                self.diags.push(
                    Diagnostic::error("Missing required argument")
                        .with_detail(format!("The argument {req:?} is required, but no definition was found."))
                        .with_span(header.clone()),
                );
            }
        }
        attrs
    }

    fn literal_string(&mut self, a: &Attribute, what: &str) -> Option<String> {
        let value = match &a.value {
            // A heredoc without interpolations is a literal too (`<<-` dedented), as in Terraform.
            Expression::HeredocTemplate(h) => {
                let text = a.value.span().and_then(|r| self.file.text.get(r.start..));
                literal_heredoc(&h.template, text.is_some_and(|t| t.starts_with("<<-")))
            }
            e => literal_string(e),
        };
        match value {
            Some(s) => Some(s),
            None => {
                self.diags.push(
                    Diagnostic::error(format!("Invalid {what}"))
                        .with_detail(format!(
                            "The {what} must be a literal string, without interpolations or references."
                        ))
                        .with_span(self.span(a.value.span())),
                );
                None
            }
        }
    }

    fn literal_bool(&mut self, a: &Attribute) -> Option<bool> {
        match &a.value {
            Expression::Bool(b) => Some(*b.value()),
            _ => {
                self.diags.push(
                    Diagnostic::error("Invalid value")
                        .with_detail(format!("The {:?} argument must be a literal true or false.", a.key.as_str()))
                        .with_span(self.span(a.value.span())),
                );
                None
            }
        }
    }

    fn terraform(&mut self, b: &Block) {
        let header = self.header_span(b);
        if self.labels(b, &[]).is_none() {
            return;
        }
        let mut tf = TerraformBlock { span: Some(header.clone()), ..Default::default() };
        let attrs = self.decode(
            &b.body,
            "a terraform block",
            &["required_version", "experiments", "language"],
            &[],
            &["required_providers", "backend", "cloud", "provider_meta"],
            &header,
        );
        if let Some(a) = attrs.get("required_version") {
            if let Some(c) = self.literal_string(a, "required_version") {
                if let Err(detail) = check_required_version(&c) {
                    self.diags.push(
                        Diagnostic::error("Unsupported Terraform Core version")
                            .with_detail(detail)
                            .with_span(self.span(a.value.span())),
                    );
                }
            }
            tf.required_version = Some(self.expr(&a.value));
        }
        if let Some(a) = attrs.get("experiments") {
            self.diags.push(
                Diagnostic::error("Experiments are not supported")
                    .with_detail("Strata does not support Terraform language experiments.")
                    .with_span(self.span(a.span())),
            );
        }
        for inner in b.body.blocks() {
            let ih = self.header_span(inner);
            match inner.ident.as_str() {
                "required_providers" => {
                    if self.labels(inner, &[]).is_none() {
                        continue;
                    }
                    for s in inner.body.iter() {
                        match s {
                            Structure::Attribute(a) => {
                                let name = a.key.as_str().to_string();
                                let span = self.span(a.span());
                                let rp = match &a.value {
                                    Expression::Object(obj) => {
                                        let mut source = None;
                                        let mut version = None;
                                        for (k, v) in obj.iter() {
                                            let key = match k {
                                                hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                                                hcl_edit::expr::ObjectKey::Expression(e) => literal_string(e).unwrap_or_default(),
                                            };
                                            match key.as_str() {
                                                "source" => source = literal_string(v.expr()),
                                                "version" => version = literal_string(v.expr()),
                                                "configuration_aliases" => {}
                                                other => self.diags.push(
                                                    Diagnostic::error("Invalid required_providers object")
                                                        .with_detail(format!("required_providers objects can only contain \"version\", \"source\" and \"configuration_aliases\" attributes, not {other:?}."))
                                                        .with_span(span.clone()),
                                                ),
                                            }
                                        }
                                        RequiredProvider {
                                            source: normalize_provider_source(source.as_deref().unwrap_or(&format!("hashicorp/{name}"))),
                                            name: name.clone(),
                                            version,
                                            span,
                                        }
                                    }
                                    e => match literal_string(e) {
                                        // Terraform 0.12 style: `aws = "~> 5.0"`.
                                        Some(v) => RequiredProvider { source: format!("hashicorp/{name}"), name: name.clone(), version: Some(v), span },
                                        None => {
                                            self.diags.push(Diagnostic::error("Invalid required_providers object").with_detail("Each provider requirement must be an object with a source and a version.").with_span(span));
                                            continue;
                                        }
                                    },
                                };
                                if tf.required_providers.insert(name.clone(), rp).is_some() {
                                    self.diags.push(Diagnostic::error("Duplicate required provider").with_detail(format!("Provider {name:?} was required more than once.")).with_span(self.span(a.key.span())));
                                }
                            }
                            Structure::Block(bb) => self.diags.push(
                                Diagnostic::error("Unsupported block type")
                                    .with_detail(format!("Blocks of type {:?} are not expected here.", bb.ident.as_str()))
                                    .with_span(self.span(bb.ident.span())),
                            ),
                        }
                    }
                }
                "backend" => {
                    let Some(labels) = self.labels(inner, &["type"]) else { continue };
                    if tf.backend.is_some() || self.module.backend().is_some() {
                        self.diags.push(Diagnostic::error("Duplicate backend configuration").with_detail("A module may have only one backend configuration.").with_span(ih));
                        continue;
                    }
                    tf.backend = Some(Backend { kind: labels[0].clone(), config: RawBody { body: inner.body.clone(), file: self.file.clone() }, span: ih });
                }
                "cloud" => self.diags.push(
                    Diagnostic::error("HCP Terraform (cloud block) is not supported")
                        .with_detail("Strata keeps state in your own storage. Replace the cloud block with a backend block, for example backend \"s3\" { ... }, or remove it to use local state.")
                        .with_span(ih),
                ),
                "provider_meta" => {
                    let _ = self.labels(inner, &["provider"]);
                }
                _ => {}
            }
        }
        self.module.terraform.push(tf);
    }

    fn provider(&mut self, b: &Block) {
        let Some(labels) = self.labels(b, &["name"]) else { return };
        let header = self.header_span(b);
        let mut alias = None;
        for a in b.body.attributes() {
            match a.key.as_str() {
                "alias" => alias = self.literal_string(a, "provider alias"),
                "version" => self.diags.push(
                    Diagnostic::warning("Version constraints inside provider configuration blocks are deprecated")
                        .with_detail("Move the version constraint into the required_providers block.")
                        .with_span(self.span(a.span())),
                ),
                _ => {}
            }
        }
        self.module.providers.push(ProviderConfig {
            name: labels[0].clone(),
            alias,
            config: RawBody { body: b.body.clone(), file: self.file.clone() },
            span: header,
        });
    }

    fn variable(&mut self, b: &Block) {
        let Some(labels) = self.labels(b, &["name"]) else { return };
        let name = labels[0].clone();
        let header = self.header_span(b);
        if ["source", "version", "providers", "count", "for_each", "lifecycle", "depends_on", "locals"]
            .contains(&name.as_str())
        {
            self.diags.push(
                Diagnostic::error("Invalid variable name")
                    .with_detail(format!(
                        "The variable name {name:?} is reserved due to its special meaning inside module blocks."
                    ))
                    .with_span(header.clone()),
            );
        }
        let attrs = self.decode(
            &b.body,
            "a variable block",
            &["description", "default", "type", "sensitive", "nullable", "ephemeral"],
            &[],
            &["validation"],
            &header,
        );
        let description = attrs.get("description").and_then(|a| self.literal_string(a, "description"));
        let type_constraint =
            attrs.get("type").and_then(|a| match strata_lang::typeexpr::parse_type(&a.value, self.file) {
                Ok(t) => Some(t),
                Err(d) => {
                    self.diags.push(d);
                    None
                }
            });
        let sensitive = attrs.get("sensitive").and_then(|a| self.literal_bool(a)).unwrap_or(false);
        let nullable = attrs.get("nullable").and_then(|a| self.literal_bool(a)).unwrap_or(true);
        let ephemeral = attrs.get("ephemeral").and_then(|a| self.literal_bool(a)).unwrap_or(false);
        let default = attrs.get("default").map(|a| self.expr(&a.value));
        if let (Some(tc), Some(d)) = (&type_constraint, &default) {
            self.check_default(&name, tc, d);
        }
        let mut validations = Vec::new();
        for v in b.body.get_blocks("validation") {
            if let Some(rule) = self.check_rule(v, "validation") {
                validations.push(rule);
            }
        }
        self.module.variables.push(Variable {
            name,
            description,
            type_constraint,
            default,
            sensitive,
            nullable,
            ephemeral,
            validations,
            span: header,
        });
    }

    /// A default must suit the variable's type, as Terraform checks when
    /// loading the configuration (a default that cannot even be evaluated
    /// is reported when the variable is used).
    fn check_default(&mut self, name: &str, tc: &strata_lang::typeexpr::TypeConstraint, default: &Expr) {
        let functions = strata_lang::functions::Functions::default();
        let ctx = strata_lang::CallContext::default();
        let ev = strata_lang::Evaluator::new(&strata_lang::EmptyScope, &functions, &ctx, &default.file);
        let Ok(value) = ev.eval(&default.expr) else { return };
        let value = strata_lang::typeexpr::apply_defaults(&value, &tc.ty, &tc.defaults);
        if let Err(e) = strata_lang::convert::convert(&value, &tc.ty) {
            // Where an override file set the type or the default, Terraform blames it.
            let (detail, span) = match self.overrides.variables.get(name) {
                Some((what, span)) => (what.invalid_default(&e.to_string()), span.clone()),
                None => (
                    format!("This default value is not compatible with the variable's type constraint: {e}."),
                    default.span(),
                ),
            };
            self.diags
                .push(Diagnostic::error("Invalid default value for variable").with_detail(detail).with_span(span));
        }
    }

    fn check_rule(&mut self, b: &Block, kind: &str) -> Option<CheckRule> {
        self.labels(b, &[])?;
        let header = self.header_span(b);
        let attrs = self.decode(
            &b.body,
            &format!("a {kind} block"),
            &["condition", "error_message"],
            &["condition", "error_message"],
            &[],
            &header,
        );
        let condition = attrs.get("condition").map(|a| self.expr(&a.value))?;
        // A condition that refers to nothing is a constant: it checks nothing.
        if strata_lang::refs::references(&condition.expr, &condition.file, &[]).is_empty() {
            self.diags.push(
                Diagnostic::error(format!("Invalid {kind} expression"))
                    .with_detail("The condition expression must refer to at least one object from elsewhere in the configuration, or else its result would not be checking anything.")
                    .with_span(condition.span()),
            );
        }
        let error_message = attrs.get("error_message").map(|a| self.expr(&a.value))?;
        Some(CheckRule { condition, error_message, span: header })
    }

    fn locals(&mut self, b: &Block) {
        if self.labels(b, &[]).is_none() {
            return;
        }
        for s in b.body.iter() {
            match s {
                Structure::Attribute(a) => self.module.locals.push(Local {
                    name: a.key.as_str().to_string(),
                    expr: self.expr(&a.value),
                    span: self.span(a.span()),
                }),
                Structure::Block(bb) => self.diags.push(
                    Diagnostic::error("Unsupported block type")
                        .with_detail(format!("Blocks of type {:?} are not expected here: a locals block holds only name = value arguments.", bb.ident.as_str()))
                        .with_span(self.span(bb.ident.span())),
                ),
            }
        }
    }

    fn output(&mut self, b: &Block) {
        let Some(labels) = self.labels(b, &["name"]) else { return };
        let header = self.header_span(b);
        let attrs = self.decode(
            &b.body,
            "an output block",
            &["value", "description", "sensitive", "depends_on", "ephemeral"],
            &["value"],
            &["precondition"],
            &header,
        );
        let Some(value) = attrs.get("value").map(|a| self.expr(&a.value)) else { return };
        let description = attrs.get("description").and_then(|a| self.literal_string(a, "description"));
        let sensitive = attrs.get("sensitive").and_then(|a| self.literal_bool(a)).unwrap_or(false);
        let ephemeral = attrs.get("ephemeral").and_then(|a| self.literal_bool(a)).unwrap_or(false);
        let depends_on = attrs.get("depends_on").map(|a| self.depends_on(a)).unwrap_or_default();
        let mut preconditions = Vec::new();
        for p in b.body.get_blocks("precondition") {
            if let Some(rule) = self.check_rule(p, "precondition") {
                preconditions.push(rule);
            }
        }
        self.module.outputs.push(Output {
            name: labels[0].clone(),
            value,
            description,
            sensitive,
            ephemeral,
            depends_on,
            preconditions,
            span: header,
        });
    }

    fn depends_on(&mut self, a: &Attribute) -> Vec<Expr> {
        match &a.value {
            Expression::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    if matches!(item, Expression::Variable(_) | Expression::Traversal(_)) {
                        out.push(self.expr(item));
                    } else {
                        self.diags.push(
                            Diagnostic::error("Invalid depends_on reference")
                                .with_detail("References in depends_on must be to a whole object (resource, module, etc.), not an arbitrary expression.")
                                .with_span(self.span(item.span())),
                        );
                    }
                }
                out
            }
            _ => {
                self.diags.push(
                    Diagnostic::error("Invalid depends_on")
                        .with_detail("depends_on must be a list of references, like [aws_vpc.main].")
                        .with_span(self.span(a.value.span())),
                );
                Vec::new()
            }
        }
    }

    fn resource(&mut self, b: &Block, mode: ResourceMode) {
        if let Some(r) = self.resource_block(b, mode) {
            self.module.resources.push(r);
        }
    }

    /// A `check` block: one optional scoped data source and its assertions.
    fn check(&mut self, b: &Block) {
        let Some(labels) = self.labels(b, &["name"]) else { return };
        let header = self.header_span(b);
        self.decode(&b.body, "a check block", &[], &[], &["data", "assert"], &header);
        let mut data: Option<Resource> = None;
        let mut asserts = Vec::new();
        for block in b.body.blocks() {
            match block.ident.as_str() {
                "data" => {
                    if let Some(first) = &data {
                        self.diags.push(
                            Diagnostic::error("Multiple data resource blocks")
                                .with_detail(format!(
                                    "This check block already has a data resource defined at {}.",
                                    first.span
                                ))
                                .with_span(self.header_span(block)),
                        );
                        continue;
                    }
                    data = self.scoped_data_block(block);
                }
                "assert" => asserts.extend(self.check_rule(block, "assert")),
                _ => {}
            }
        }
        if asserts.is_empty() {
            self.diags.push(
                Diagnostic::error("Zero assert blocks")
                    .with_detail("Check blocks must have at least one assert block.")
                    .with_span(header.clone()),
            );
        }
        self.module.checks.push(Check { name: labels[0].clone(), data, asserts, span: header });
    }

    /// A `data` block inside a `check` block: no count, for_each or lifecycle.
    fn scoped_data_block(&mut self, b: &Block) -> Option<Resource> {
        let errors_before = self.diags.error_count();
        for a in b.body.attributes() {
            let name = a.key.as_str();
            if name == "count" || name == "for_each" {
                self.diags.push(
                    Diagnostic::error(format!("Invalid {name:?} attribute"))
                        .with_detail("The \"count\" and \"for_each\" meta-arguments are not supported within nested data blocks.")
                        .with_span(self.span(a.key.span())),
                );
            }
        }
        for lb in b.body.get_blocks("lifecycle") {
            self.diags.push(
                Diagnostic::error("Invalid lifecycle block")
                    .with_detail("Nested data blocks do not support \"lifecycle\" blocks as the lifecycle is managed by the containing block.")
                    .with_span(self.header_span(lb)),
            );
        }
        let r = self.resource_block(b, ResourceMode::Data)?;
        (self.diags.error_count() == errors_before).then_some(r)
    }

    fn resource_block(&mut self, b: &Block, mode: ResourceMode) -> Option<Resource> {
        let labels = self.labels(b, &["type", "name"])?;
        let header = self.header_span(b);
        let mut count = None;
        let mut for_each = None;
        let mut provider = None;
        let mut depends_on = Vec::new();
        for a in b.body.attributes() {
            match a.key.as_str() {
                "count" => count = Some(self.expr(&a.value)),
                "for_each" => for_each = Some(self.expr(&a.value)),
                "provider" => provider = Some(self.expr(&a.value)),
                "depends_on" => depends_on = self.depends_on(a),
                _ => {}
            }
        }
        if let (Some(_), Some(fe)) = (&count, &for_each) {
            self.diags.push(
                Diagnostic::error("Invalid combination of \"count\" and \"for_each\"")
                    .with_detail("The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of resources to be created.")
                    .with_span(fe.span()),
            );
        }
        let mut lifecycle = Lifecycle::default();
        for lb in b.body.get_blocks("lifecycle") {
            lifecycle = self.lifecycle(lb);
        }
        Some(Resource {
            mode,
            type_name: labels[0].clone(),
            name: labels[1].clone(),
            count,
            for_each,
            provider,
            depends_on,
            lifecycle,
            body: RawBody { body: b.body.clone(), file: self.file.clone() },
            span: header,
        })
    }

    fn lifecycle(&mut self, b: &Block) -> Lifecycle {
        let header = self.header_span(b);
        let attrs = self.decode(
            &b.body,
            "a lifecycle block",
            &["create_before_destroy", "prevent_destroy", "ignore_changes", "replace_triggered_by"],
            &[],
            &["precondition", "postcondition"],
            &header,
        );
        let mut l = Lifecycle::default();
        if let Some(a) = attrs.get("create_before_destroy") {
            l.create_before_destroy = self.literal_bool(a).unwrap_or(false);
        }
        if let Some(a) = attrs.get("prevent_destroy") {
            l.prevent_destroy = self.literal_bool(a).unwrap_or(false);
        }
        if let Some(a) = attrs.get("ignore_changes") {
            l.ignore_changes = match &a.value {
                Expression::Variable(v) if v.value().as_str() == "all" => IgnoreChanges::All,
                Expression::Array(items) => {
                    let mut paths = Vec::new();
                    for item in items.iter() {
                        match ignore_path(item) {
                            Some(path) => paths.push(path),
                            None => self.diags.push(
                                Diagnostic::error("Invalid ignore_changes")
                                    .with_detail(
                                        "ignore_changes takes attribute paths, like [tags, tags[\"Owner\"], ami], or the keyword all.",
                                    )
                                    .with_span(self.span(item.span())),
                            ),
                        }
                    }
                    IgnoreChanges::Paths(paths)
                }
                other => {
                    self.diags.push(
                        Diagnostic::error("Invalid ignore_changes")
                            .with_detail("ignore_changes takes a list of attribute names, or the keyword all.")
                            .with_span(self.span(other.span())),
                    );
                    IgnoreChanges::None
                }
            };
        }
        if let Some(a) = attrs.get("replace_triggered_by") {
            match &a.value {
                Expression::Array(items) => l.replace_triggered_by = items.iter().map(|i| self.expr(i)).collect(),
                other => self.diags.push(
                    Diagnostic::error("Invalid replace_triggered_by")
                        .with_detail(
                            "replace_triggered_by takes a list of references to resources or their attributes.",
                        )
                        .with_span(self.span(other.span())),
                ),
            }
        }
        for p in b.body.get_blocks("precondition") {
            if let Some(rule) = self.check_rule(p, "precondition") {
                l.preconditions.push(rule);
            }
        }
        for p in b.body.get_blocks("postcondition") {
            if let Some(rule) = self.check_rule(p, "postcondition") {
                l.postconditions.push(rule);
            }
        }
        l
    }

    fn module_call(&mut self, b: &Block) {
        let Some(labels) = self.labels(b, &["name"]) else { return };
        let header = self.header_span(b);
        let mut source = None;
        let mut source_span = header.clone();
        let mut version = None;
        let mut version_span = header.clone();
        let mut count = None;
        let mut for_each = None;
        let mut providers = None;
        let mut depends_on = Vec::new();
        let mut inputs = Vec::new();
        let mut seen = HashSet::new();
        for s in b.body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let key = a.key.as_str();
                    if !seen.insert(key.to_string()) {
                        self.diags.push(
                            Diagnostic::error("Attribute redefined")
                                .with_detail(format!(
                                    "The argument {key:?} was already set. Each argument may be set only once."
                                ))
                                .with_span(self.span(a.key.span())),
                        );
                        continue;
                    }
                    match key {
                        "source" => {
                            source_span = self.span(a.value.span());
                            source = self.literal_string(a, "module source");
                        }
                        "version" => {
                            version_span = self.span(a.value.span());
                            version = self.literal_string(a, "module version");
                        }
                        "count" => count = Some(self.expr(&a.value)),
                        "for_each" => for_each = Some(self.expr(&a.value)),
                        "providers" => providers = Some(self.expr(&a.value)),
                        "depends_on" => depends_on = self.depends_on(a),
                        _ => inputs.push((key.to_string(), self.expr(&a.value))),
                    }
                }
                Structure::Block(bb) => {
                    let detail = if bb.ident.as_str() == "lifecycle" {
                        "The lifecycle meta-argument is reserved for future versions of Terraform and is not supported in module blocks.".to_string()
                    } else {
                        format!("Blocks of type {:?} are not expected here.", bb.ident.as_str())
                    };
                    self.diags.push(
                        Diagnostic::error("Unsupported block type")
                            .with_detail(detail)
                            .with_span(self.span(bb.ident.span())),
                    );
                }
            }
        }
        let Some(source) = source else {
            if !seen.contains("source") {
                self.diags.push(
                    Diagnostic::error("Missing required argument")
                        .with_detail("The argument \"source\" is required, but no definition was found.")
                        .with_span(header),
                );
            }
            return;
        };
        if let Err(e) = parse_module_source(&source, version.is_some()) {
            self.diags.push(Diagnostic::error(e.summary).with_detail(e.detail).with_span(source_span.clone()));
        }
        if let Some(v) = &version {
            if let Err(e) = VersionConstraint::parse(v) {
                self.diags.push(
                    Diagnostic::error("Invalid version constraint")
                        .with_detail(format!("This string does not use correct version constraint syntax: {e}."))
                        .with_span(version_span.clone()),
                );
            }
        }
        if let (Some(_), Some(fe)) = (&count, &for_each) {
            self.diags.push(
                Diagnostic::error("Invalid combination of \"count\" and \"for_each\"")
                    .with_detail("The \"count\" and \"for_each\" meta-arguments are mutually-exclusive.")
                    .with_span(fe.span()),
            );
        }
        self.module.module_calls.push(ModuleCall {
            name: labels[0].clone(),
            source,
            source_span,
            version,
            count,
            for_each,
            depends_on,
            providers,
            inputs,
            span: header,
        });
    }

    fn check_raw(&mut self, kind: &str, b: &Block) {
        let header = self.header_span(b);
        match kind {
            "moved" => {
                self.decode(&b.body, "a moved block", &["from", "to"], &["from", "to"], &[], &header);
            }
            "import" => {
                self.decode(
                    &b.body,
                    "an import block",
                    &["to", "id", "identity", "provider", "for_each"],
                    &["to"],
                    &[],
                    &header,
                );
            }
            "removed" => {
                self.decode(
                    &b.body,
                    "a removed block",
                    &["from"],
                    &["from"],
                    &["lifecycle", "provisioner", "connection"],
                    &header,
                );
            }
            _ => {}
        }
    }
}

/// "Unsupported argument", or in a JSON file Terraform's words for it.
fn unsupported_argument(detail: String, key: &str, allowed: &[&str], span: Span) -> Diagnostic {
    if !span.in_json() {
        return Diagnostic::error("Unsupported argument").with_detail(detail).with_span(span);
    }
    let mut detail = format!("No argument or block type is named {key:?}.");
    if let Some(s) = strata_diag::did_you_mean(key, allowed.iter().copied()) {
        detail.push_str(&format!(" Did you mean {s:?}?"));
    }
    Diagnostic::error("Extraneous JSON object property").with_detail(detail).with_span(span)
}

fn normalize_provider_source(s: &str) -> String {
    let parts: Vec<&str> = s.split('/').collect();
    match parts.as_slice() {
        [name] => format!("hashicorp/{}", name.to_lowercase()),
        [ns, name] => format!("{}/{}", ns.to_lowercase(), name.to_lowercase()),
        [host, ns, name]
            if host.eq_ignore_ascii_case("registry.terraform.io")
                || host.eq_ignore_ascii_case("registry.opentofu.org") =>
        {
            format!("{}/{}", ns.to_lowercase(), name.to_lowercase())
        }
        _ => s.to_lowercase(),
    }
}

/// A string expression without interpolations, as its text.
pub fn literal_string(e: &Expression) -> Option<String> {
    match e {
        Expression::String(s) => Some(s.value().to_string()),
        Expression::StringTemplate(t) => {
            let mut out = String::new();
            for el in t.iter() {
                match el {
                    hcl_edit::template::Element::Literal(l) => out.push_str(l.value()),
                    _ => return None,
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// The text of a heredoc made only of literal text; `flush` (`<<-`)
/// removes the smallest indentation of its non-blank lines from each.
fn literal_heredoc(t: &hcl_edit::template::Template, flush: bool) -> Option<String> {
    let mut text = String::new();
    for el in t.iter() {
        match el {
            hcl_edit::template::Element::Literal(l) => text.push_str(l.value()),
            _ => return None,
        }
    }
    if !flush {
        return Some(text);
    }
    // Blank lines neither count nor change, as in the evaluator's `<<-` rule.
    let indent = |l: &str| l.len() - l.trim_start().len();
    let blank = |l: &str| l.trim().is_empty() && l.ends_with('\n');
    let min = text.split_inclusive('\n').filter(|l| !blank(l)).map(indent).min().unwrap_or(0);
    Some(text.split_inclusive('\n').map(|l| if blank(l) { l } else { &l[min..] }).collect())
}

fn is_valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

fn check_duplicates(m: &Module, diags: &mut Diagnostics) {
    /// Reports each item whose key an earlier one has, with Terraform's
    /// summary and detail (`message(item, key, where the first is)`).
    fn dup<'a, T>(
        items: &'a [T],
        key: impl Fn(&T) -> String,
        span: impl Fn(&T) -> &Span,
        message: impl Fn(&T, &str, &Span) -> (String, String),
        diags: &mut Diagnostics,
    ) {
        let mut seen: BTreeMap<String, &'a T> = BTreeMap::new();
        for item in items {
            let k = key(item);
            if let Some(first) = seen.get(&k) {
                let (summary, detail) = message(item, &k, span(first));
                diags.push(Diagnostic::error(summary).with_detail(detail).with_span(span(item).clone()));
            } else {
                seen.insert(k, item);
            }
        }
    }
    fn named<T>(
        summary: &'static str,
        article: &'static str,
        what: &'static str,
        rule: &'static str,
    ) -> impl Fn(&T, &str, &Span) -> (String, String) {
        let verb = if what == "variable" { "declared" } else { "defined" };
        move |_, k, first| {
            (summary.to_string(), format!("{article} {what} named {k:?} was already {verb} at {first}. {rule}"))
        }
    }
    dup(
        &m.variables,
        |v| v.name.clone(),
        |v| &v.span,
        named("Duplicate variable declaration", "A", "variable", "Variable names must be unique within a module."),
        diags,
    );
    dup(
        &m.locals,
        |v| v.name.clone(),
        |v| &v.span,
        named(
            "Duplicate local value definition",
            "A",
            "local value",
            "Local value names must be unique within a module.",
        ),
        diags,
    );
    dup(
        &m.outputs,
        |v| v.name.clone(),
        |v| &v.span,
        named("Duplicate output definition", "An", "output", "Output names must be unique within a module."),
        diags,
    );
    dup(
        &m.module_calls,
        |v| v.name.clone(),
        |v| &v.span,
        named("Duplicate module call", "A", "module call", "Module calls must have unique names within a module."),
        diags,
    );
    dup(
        &m.resources,
        |r| r.address(),
        |r| &r.span,
        |r: &Resource, _, first: &Span| {
            let (mode, kind) =
                if r.mode == ResourceMode::Data { ("data", "data resource") } else { ("resource", "resource") };
            (
                format!("Duplicate {mode} {:?} configuration", r.type_name),
                format!(
                    "A {} {kind} named {:?} was already declared at {first}. Resource names must be unique per type in each module.",
                    r.type_name, r.name
                ),
            )
        },
        diags,
    );
    // Check blocks, and their data sources, which share the names of the module's.
    let mut data: BTreeMap<String, &Span> =
        m.resources.iter().filter(|r| r.mode == ResourceMode::Data).map(|r| (r.address(), &r.span)).collect();
    let mut checks: BTreeMap<&str, &Span> = BTreeMap::new();
    for c in &m.checks {
        if let Some(d) = &c.data {
            if let Some(first_at) = data.get(&d.address()) {
                diags.push(
                    Diagnostic::error(format!("Duplicate data {:?} configuration", d.type_name))
                        .with_detail(format!(
                            "A {} data resource named {:?} was already declared at {first_at}. Resource names must be unique per type in each module, including within check blocks.",
                            d.type_name, d.name
                        ))
                        .with_span(d.span.clone()),
                );
                continue;
            }
            data.insert(d.address(), &d.span);
        }
        if let Some(first_at) = checks.get(c.name.as_str()) {
            diags.push(
                Diagnostic::error(format!("Duplicate check {:?} configuration", c.name))
                    .with_detail(format!(
                        "A check block named {:?} was already declared at {first_at}. Check blocks must be unique within each module.",
                        c.name
                    ))
                    .with_span(c.span.clone()),
            );
            continue;
        }
        checks.insert(&c.name, &c.span);
    }
    dup(
        &m.providers,
        |p| match &p.alias {
            Some(a) => format!("{}.{a}", p.name),
            None => p.name.clone(),
        },
        |p| &p.span,
        |p: &ProviderConfig, _, first: &Span| {
            let which = match &p.alias {
                Some(a) => format!("A provider configuration for {:?} with alias {a:?}", p.name),
                None => format!("A default (non-aliased) provider configuration for {:?}", p.name),
            };
            (
                "Duplicate provider configuration".to_string(),
                format!("{which} was already given at {first}. If multiple configurations are required, set the \"alias\" argument for alternative configurations."),
            )
        },
        diags,
    );
}

/// An `ignore_changes` item as a path: `name`, `name.attr`, `name["key"]`,
/// `name[0]` (or a quoted name, as Terraform 0.11 wrote them).
fn ignore_path(item: &Expression) -> Option<Vec<crate::model::IgnoreStep>> {
    use crate::model::IgnoreStep;
    use hcl_edit::expr::TraversalOperator;
    match item {
        Expression::Variable(v) => Some(vec![IgnoreStep::Attr(v.value().as_str().to_string())]),
        Expression::Traversal(t) => {
            let Expression::Variable(root) = &t.expr else { return None };
            let mut path = vec![IgnoreStep::Attr(root.value().as_str().to_string())];
            for op in &t.operators {
                path.push(match op.value() {
                    TraversalOperator::GetAttr(name) => IgnoreStep::Attr(name.value().as_str().to_string()),
                    TraversalOperator::LegacyIndex(n) => IgnoreStep::Index(i64::try_from(*n.value()).ok()?),
                    TraversalOperator::Index(Expression::Number(n)) => IgnoreStep::Index(n.value().as_i64()?),
                    TraversalOperator::Index(key) => IgnoreStep::Key(literal_string(key)?),
                    _ => return None,
                });
            }
            Some(path)
        }
        e => literal_string(e).map(|name| vec![IgnoreStep::Attr(name)]),
    }
}
