//! Root module input variables from every source, in Terraform's order of
//! precedence: defaults < `TF_VAR_` environment < `terraform.tfvars` <
//! `terraform.tfvars.json` < `*.auto.tfvars[.json]` (lexical) < `-var-file`
//! and `-var` in command-line order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use strata_config::{Module, Variable};
use strata_diag::{Diagnostic, Diagnostics, SourceFile, Span};
use strata_lang::functions::{CallContext, Functions};
use strata_lang::{EmptyScope, Evaluator, Value};

/// A `-var` or `-var-file` argument, kept in command-line order.
#[derive(Debug, Clone)]
pub enum VarArg {
    Var(String),
    File(PathBuf),
}

/// Where a variable's value came from, for diagnostics.
#[derive(Debug, Clone)]
pub enum ValueSource {
    Default,
    Environment(String),
    File(Span),
    CommandLine(String),
    Prompt,
    ModuleArgument(Span),
}

impl ValueSource {
    pub fn span(&self) -> Option<Span> {
        match self {
            ValueSource::File(s) | ValueSource::ModuleArgument(s) => Some(s.clone()),
            _ => None,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            ValueSource::Default => "its default value".into(),
            ValueSource::Environment(n) => format!("the environment variable {n}"),
            ValueSource::File(s) => format!("{}", s),
            ValueSource::CommandLine(a) => format!("the command line option -var={a:?}"),
            ValueSource::Prompt => "the interactive prompt".into(),
            ValueSource::ModuleArgument(s) => format!("the module argument at {s}"),
        }
    }
}

/// A value before type conversion and validation.
#[derive(Debug, Clone)]
pub struct RawVariable {
    pub value: Value,
    pub source: ValueSource,
}

/// Asks the user for missing required variables (on a terminal).
pub trait Prompter {
    fn prompt(&self, var: &Variable) -> Option<String>;
}

/// Gathers root variable values from the environment, tfvars files and the
/// command line. Missing required variables are prompted for when a
/// prompter is given, otherwise left for evaluation to report.
pub fn collect_root_variables(
    module: &Module,
    cwd: &Path,
    args: &[VarArg],
    env: &BTreeMap<String, String>,
    prompter: Option<&dyn Prompter>,
) -> (BTreeMap<String, RawVariable>, Diagnostics) {
    let mut out: BTreeMap<String, RawVariable> = BTreeMap::new();
    let mut diags = Diagnostics::new();
    let declared = |name: &str| module.variable(name);

    for (key, raw) in env {
        if let Some(name) = key.strip_prefix("TF_VAR_") {
            if let Some(decl) = declared(name) {
                match parse_raw_string(decl, raw, &format!("<value for var.{name}>")) {
                    Ok(v) => {
                        out.insert(
                            name.to_string(),
                            RawVariable { value: v, source: ValueSource::Environment(key.clone()) },
                        );
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
    }

    let mut files: Vec<PathBuf> = Vec::new();
    for f in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = module.dir.join(f);
        if p.is_file() {
            files.push(p);
        }
    }
    if let Ok(entries) = std::fs::read_dir(&module.dir) {
        let mut autos: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"))
            .collect();
        autos.sort();
        files.extend(autos.into_iter().map(|n| module.dir.join(n)));
    }
    let display = |p: &Path| -> String {
        let rel = p.strip_prefix(cwd).unwrap_or(p);
        rel.display().to_string()
    };
    let mut undeclared_in_files: Vec<(String, Span)> = Vec::new();
    for f in &files {
        load_tfvars(f, &display(f), module, &mut out, &mut diags, &mut undeclared_in_files);
    }
    for arg in args {
        match arg {
            VarArg::File(p) => {
                let full = if p.is_absolute() { p.clone() } else { cwd.join(p) };
                if !full.is_file() {
                    diags.push(
                        Diagnostic::error("Failed to read variables file")
                            .with_detail(format!("Given variables file {} does not exist.", p.display())),
                    );
                    continue;
                }
                load_tfvars(&full, &display(&full), module, &mut out, &mut diags, &mut undeclared_in_files);
            }
            VarArg::Var(text) => {
                let Some((name, raw)) = text.split_once('=') else {
                    diags.push(Diagnostic::error("Invalid -var option").with_detail(format!(
                        "The given -var option {text:?} is not correctly specified. It must be a variable name and value separated by an equals sign, like -var=\"key=value\"."
                    )));
                    continue;
                };
                let name = name.trim();
                let Some(decl) = declared(name) else {
                    let mut detail = format!(
                        "A variable named {name:?} was assigned on the command line, but the root module does not declare a variable of that name. To use this value, add a \"variable\" block to the configuration."
                    );
                    if let Some(s) = strata_diag::did_you_mean(name, module.variables.iter().map(|v| v.name.as_str())) {
                        detail.push_str(&format!(" Did you mean {s:?}?"));
                    }
                    diags.push(Diagnostic::error("Value for undeclared variable").with_detail(detail));
                    continue;
                };
                match parse_raw_string(decl, raw, &format!("<value for var.{name}>")) {
                    Ok(v) => {
                        out.insert(
                            name.to_string(),
                            RawVariable { value: v, source: ValueSource::CommandLine(text.clone()) },
                        );
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
    }
    if !undeclared_in_files.is_empty() {
        if undeclared_in_files.len() <= 3 {
            for (name, span) in undeclared_in_files {
                diags.push(
                    Diagnostic::warning("Value for undeclared variable")
                        .with_detail(format!(
                            "The root module does not declare a variable named {name:?} but a value was found in file {:?}. If you meant to use this value, add a \"variable\" block to the configuration.\n\nTo silence these warnings, use TF_VAR_... environment variables to provide certain \"global\" settings to all configurations in your organization. To reduce the verbosity of these warnings, use the -compact-warnings option.",
                            span.file.name
                        ))
                        .with_span(span),
                );
            }
        } else {
            diags.push(Diagnostic::warning("Values for undeclared variables").with_detail(format!(
                "In addition to the other similar warnings shown, {} other variable(s) defined without being declared.",
                undeclared_in_files.len()
            )));
        }
    }
    if let Some(p) = prompter {
        for decl in &module.variables {
            if decl.default.is_none() && !out.contains_key(&decl.name) {
                if let Some(text) = p.prompt(decl) {
                    match parse_raw_string(decl, &text, &format!("<value for var.{}>", decl.name)) {
                        Ok(v) => {
                            out.insert(decl.name.clone(), RawVariable { value: v, source: ValueSource::Prompt });
                        }
                        Err(d) => diags.push(d),
                    }
                }
            }
        }
    }
    (out, diags)
}

/// A value given as a string (`-var`, `TF_VAR_`, prompt): kept as a string
/// for primitive or untyped variables, parsed as an expression otherwise.
fn parse_raw_string(decl: &Variable, raw: &str, name: &str) -> Result<Value, Diagnostic> {
    let as_string = decl.type_constraint.as_ref().is_none_or(|t| t.ty.is_primitive());
    if as_string {
        return Ok(Value::string(raw));
    }
    let file = SourceFile::new(name, raw);
    let expr = strata_lang::eval::parse_expression(raw, &file)?;
    let functions = Functions::default();
    let ctx = CallContext::default();
    Evaluator::new(&EmptyScope, &functions, &ctx, &file).eval(&expr)
}

fn load_tfvars(
    path: &Path,
    shown: &str,
    module: &Module,
    out: &mut BTreeMap<String, RawVariable>,
    diags: &mut Diagnostics,
    undeclared: &mut Vec<(String, Span)>,
) {
    let text = match std::fs::read(path).map(String::from_utf8) {
        Ok(Ok(t)) => t,
        Ok(Err(_)) => {
            diags.push(
                Diagnostic::error("Invalid character encoding")
                    .with_detail(format!("The variables file {shown} is not valid UTF-8.")),
            );
            return;
        }
        Err(e) => {
            diags.push(
                Diagnostic::error("Failed to read variables file").with_detail(format!("Error reading {shown}: {e}.")),
            );
            return;
        }
    };
    let file = SourceFile::new(shown, text);
    if shown.ends_with(".json") {
        let json: serde_json::Value = match serde_json::from_str(&file.text) {
            Ok(j) => j,
            Err(e) => {
                let offset = file.offset_of(e.line(), e.column());
                diags.push(
                    Diagnostic::error("Invalid JSON in variables file")
                        .with_detail(format!("{e}."))
                        .with_span(Span::new(&file, offset..offset)),
                );
                return;
            }
        };
        let Some(obj) = json.as_object() else {
            diags.push(
                Diagnostic::error("Invalid variables file")
                    .with_detail(format!("{shown} must contain a JSON object."))
                    .with_span(Span::file_start(&file)),
            );
            return;
        };
        for (name, v) in obj {
            let span = file
                .text
                .find(&format!("\"{name}\""))
                .map_or(Span::file_start(&file), |i| Span::new(&file, i..i + name.len() + 2));
            if module.variable(name).is_none() {
                undeclared.push((name.clone(), span));
                continue;
            }
            match strata_lang::json::from_json_implied(v) {
                Ok(value) => {
                    out.insert(name.clone(), RawVariable { value, source: ValueSource::File(span) });
                }
                Err(e) => {
                    diags.push(Diagnostic::error("Invalid value in variables file").with_detail(e).with_span(span))
                }
            }
        }
        return;
    }
    let body = match strata_lang::syntax::parse_body(&file) {
        Ok(b) => b,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    let functions = Functions::default();
    let ctx = CallContext::default();
    let ev = Evaluator::new(&EmptyScope, &functions, &ctx, &file);
    for s in body.iter() {
        match s {
            hcl_edit::structure::Structure::Attribute(a) => {
                let name = a.key.as_str();
                let span = Span::new(&file, hcl_edit::Span::span(a).unwrap_or(0..0));
                if module.variable(name).is_none() {
                    undeclared.push((name.to_string(), span));
                    continue;
                }
                match ev.eval(&a.value) {
                    Ok(value) => {
                        out.insert(name.to_string(), RawVariable { value, source: ValueSource::File(span) });
                    }
                    Err(d) => diags.push(d),
                }
            }
            hcl_edit::structure::Structure::Block(b) => diags.push(
                Diagnostic::error("Unexpected block in variables file")
                    .with_detail("A variables file may contain only attribute assignments, like name = \"value\".")
                    .with_span(Span::new(&file, hcl_edit::Span::span(&b.ident).unwrap_or(0..0))),
            ),
        }
    }
}
