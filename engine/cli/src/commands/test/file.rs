//! A `.tftest.hcl` file read into its model, every problem a diagnostic
//! with a span (Terraform's `configs.TestFile`, the parts Strata runs).

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, Body, Structure};
use hcl_edit::Span as _;
use std::collections::BTreeMap;
use std::sync::Arc;
use strata_config::{CheckRule, Expr, ProviderConfig, RawBody};
use strata_diag::{Diagnostic, Diagnostics, SourceFile, Span};

/// One test file.
pub struct TestFile {
    /// As shown: `tests/main.tftest.hcl`.
    pub name: String,
    /// The top-level `variables` block, in source order.
    pub variables: Vec<(String, Expr)>,
    /// `provider` blocks: they replace the configuration's of the same name and alias.
    pub providers: Vec<ProviderConfig>,
    /// `mock_provider` blocks: providers replaced by mocks for this file.
    pub mocks: Vec<MockProvider>,
    /// `override_resource`/`override_data` for every run of the file.
    pub overrides: Vec<Override>,
    pub runs: Vec<Run>,
}

/// `override_resource { target = aws_vpc.main, values = {...} }` (or
/// `override_data`): the resource is served by a mock with these values.
pub struct Override {
    /// The target as written (`aws_vpc.main`, `module.net.data.aws_region.here`).
    pub target: String,
    pub data: bool,
    pub values: Option<Expr>,
    pub span: Span,
}

/// A `mock_provider "name"` block.
pub struct MockProvider {
    pub name: String,
    pub span: Span,
    /// `mock_resource "type" { defaults = {...} }`, by type.
    pub resources: Vec<(String, Option<Expr>)>,
    /// `mock_data "type" { defaults = {...} }`, by type.
    pub data: Vec<(String, Option<Expr>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunCommand {
    Plan,
    Apply,
}

/// A `run` block.
pub struct Run {
    pub name: String,
    /// `run "name"`, for diagnostics about the run as a whole.
    pub span: Span,
    pub command: RunCommand,
    pub variables: Vec<(String, Expr)>,
    /// `module { source = "./setup" }`: the module's directory as written.
    pub module: Option<String>,
    /// Where that source is written.
    pub module_span: Option<Span>,
    pub asserts: Vec<CheckRule>,
    /// `expect_failures`: checkable objects as written (`var.x`,
    /// `terraform_data.y`, `output.z`, `check.c`), with their spans.
    pub expect_failures: Vec<(String, Span)>,
    pub options: RunOptions,
    /// `state_key`: runs with the same key share a state (default: the module's).
    pub state_key: Option<String>,
    /// `providers = { aws = aws.west }`: which of the file's provider
    /// configurations the module gets, under which name (`None`: all).
    pub providers: Option<Vec<ProviderMapping>>,
    /// The run's own `override_resource`/`override_data` blocks.
    pub overrides: Vec<Override>,
}

/// One entry of a run's `providers`.
pub struct ProviderMapping {
    /// The module's name for it: (name, alias).
    pub to: (String, Option<String>),
    /// The test file's provider block: (name, alias).
    pub from: (String, Option<String>),
    pub span: Span,
}

/// `plan_options`.
#[derive(Default)]
pub struct RunOptions {
    pub refresh_only: bool,
    pub refresh: Option<bool>,
    pub replace: Vec<String>,
    pub target: Vec<String>,
}

/// Reads one test file; `None` with the diagnostics when it has errors.
pub fn load(name: &str, text: String) -> (Option<TestFile>, Diagnostics) {
    let file = SourceFile::new(name.to_string(), text);
    let mut diags = Diagnostics::new();
    let body = match strata_lang::syntax::parse_body(&file) {
        Ok(b) => b,
        Err(d) => {
            diags.push(d);
            return (None, diags);
        }
    };
    let mut loader = Loader { file: &file, diags: &mut diags };
    let test = loader.file(name, &body);
    let ok = !diags.has_errors();
    (ok.then_some(test), diags)
}

struct Loader<'a> {
    file: &'a Arc<SourceFile>,
    diags: &'a mut Diagnostics,
}

const TOP_LEVEL: &[&str] = &["run", "variables", "provider", "mock_provider", "override_resource", "override_data"];
const NOT_SUPPORTED: &[&str] = &["override_module"];

impl Loader<'_> {
    fn span(&self, r: Option<std::ops::Range<usize>>) -> Span {
        Span::new(self.file, r.unwrap_or(0..0))
    }

    fn expr(&self, e: &Expression) -> Expr {
        Expr { expr: e.clone(), file: self.file.clone() }
    }

    fn header(&self, b: &Block) -> Span {
        let start = b.ident.span().map_or(0, |r| r.start);
        let end = b.labels.last().and_then(|l| l.span()).or(b.ident.span()).map_or(start, |r| r.end);
        self.span(Some(start..end))
    }

    fn error(&mut self, summary: &str, detail: String, span: Span) {
        self.diags.push(Diagnostic::error(summary).with_detail(detail).with_span(span));
    }

    fn file(&mut self, name: &str, body: &Body) -> TestFile {
        let mut test = TestFile {
            name: name.to_string(),
            variables: Vec::new(),
            providers: Vec::new(),
            mocks: Vec::new(),
            overrides: Vec::new(),
            runs: Vec::new(),
        };
        let mut seen_variables = false;
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => self.error(
                    "Unsupported argument",
                    format!("An argument named {:?} is not expected here.", a.key.as_str()),
                    self.span(a.key.span()),
                ),
                Structure::Block(b) => match b.ident.as_str() {
                    "run" => {
                        if let Some(run) = self.run(b) {
                            if test.runs.iter().any(|r| r.name == run.name) {
                                self.error(
                                    "Duplicate \"run\" block names",
                                    format!("This test file already has a run block named {}.", run.name),
                                    run.span.clone(),
                                );
                            }
                            test.runs.push(run);
                        }
                    }
                    "variables" => {
                        if seen_variables {
                            self.error(
                                "Duplicate \"variables\" block",
                                "A test file may have only one top-level \"variables\" block.".into(),
                                self.header(b),
                            );
                        }
                        seen_variables = true;
                        if self.no_labels(b) {
                            test.variables = self.variables(b);
                        }
                    }
                    "provider" => {
                        if let Some(p) = self.provider(b) {
                            test.providers.push(p);
                        }
                    }
                    "mock_provider" => {
                        if let Some(m) = self.mock_provider(b) {
                            if test.mocks.iter().any(|o| o.name == m.name) {
                                self.error(
                                    "Duplicate \"mock_provider\" block",
                                    format!("This test file already mocks the provider {:?}.", m.name),
                                    m.span.clone(),
                                );
                            }
                            test.mocks.push(m);
                        }
                    }
                    "override_resource" | "override_data" => {
                        if let Some(o) = self.override_block(b) {
                            test.overrides.push(o);
                        }
                    }
                    other if NOT_SUPPORTED.contains(&other) => self.not_supported(b),
                    other => {
                        let mut detail = format!("Blocks of type {other:?} are not expected here.");
                        if let Some(s) = strata_diag::did_you_mean(other, TOP_LEVEL.iter().copied()) {
                            detail.push_str(&format!(" Did you mean {s:?}?"));
                        }
                        self.error("Unsupported block type", detail, self.span(b.ident.span()));
                    }
                },
            }
        }
        test
    }

    fn not_supported(&mut self, b: &Block) {
        self.error(
            "Unsupported block type",
            format!("Strata does not support {:?} blocks yet.", b.ident.as_str()),
            self.span(b.ident.span()),
        );
    }

    fn no_labels(&mut self, b: &Block) -> bool {
        if b.labels.is_empty() {
            return true;
        }
        let kind = b.ident.as_str();
        self.error(
            &format!("Extraneous label for {kind}"),
            format!("No labels are expected for {kind} blocks."),
            self.header(b),
        );
        false
    }

    /// Arguments `allowed`; nested blocks `blocks` (others reported).
    fn attributes<'b>(
        &mut self,
        body: &'b Body,
        allowed: &[&str],
        blocks: &[&str],
    ) -> (BTreeMap<String, &'b Attribute>, Vec<&'b Block>) {
        let mut attrs = BTreeMap::new();
        let mut nested = Vec::new();
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let key = a.key.as_str();
                    if !allowed.contains(&key) {
                        let mut detail = format!("An argument named {key:?} is not expected here.");
                        if blocks.contains(&key) {
                            detail.push_str(&format!(" Did you mean to define a block of type {key:?}?"));
                        } else if let Some(s) = strata_diag::did_you_mean(key, allowed.iter().copied()) {
                            detail.push_str(&format!(" Did you mean {s:?}?"));
                        }
                        self.error("Unsupported argument", detail, self.span(a.key.span()));
                    } else if attrs.insert(key.to_string(), a).is_some() {
                        self.error(
                            "Attribute redefined",
                            format!("The argument {key:?} was already set. Each argument may be set only once."),
                            self.span(a.key.span()),
                        );
                    }
                }
                Structure::Block(b) => {
                    let kind = b.ident.as_str();
                    if blocks.contains(&kind) {
                        nested.push(b);
                    } else if NOT_SUPPORTED.contains(&kind) {
                        self.not_supported(b);
                    } else {
                        let detail = if allowed.contains(&kind) {
                            format!("Blocks of type {kind:?} are not expected here. Did you mean to define argument {kind:?}? If so, use the equals sign to assign it a value.")
                        } else {
                            format!("Blocks of type {kind:?} are not expected here.")
                        };
                        self.error("Unsupported block type", detail, self.span(b.ident.span()));
                    }
                }
            }
        }
        (attrs, nested)
    }

    fn required(&mut self, attrs: &BTreeMap<String, &Attribute>, names: &[&str], header: &Span) {
        for name in names {
            if !attrs.contains_key(*name) {
                self.error(
                    "Missing required argument",
                    format!("The argument {name:?} is required, but no definition was found."),
                    header.clone(),
                );
            }
        }
    }

    /// A `variables` block: every argument is a variable's value.
    fn variables(&mut self, b: &Block) -> Vec<(String, Expr)> {
        let mut out: Vec<(String, Expr)> = Vec::new();
        for s in b.body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let key = a.key.as_str().to_string();
                    if out.iter().any(|(k, _)| *k == key) {
                        self.error(
                            "Attribute redefined",
                            format!("The argument {key:?} was already set. Each argument may be set only once."),
                            self.span(a.key.span()),
                        );
                        continue;
                    }
                    out.push((key, self.expr(&a.value)));
                }
                Structure::Block(nested) => self.error(
                    "Unexpected \"variables\" block",
                    "A \"variables\" block holds only arguments, one per variable.".into(),
                    self.span(nested.ident.span()),
                ),
            }
        }
        out
    }

    fn provider(&mut self, b: &Block) -> Option<ProviderConfig> {
        if b.labels.len() != 1 {
            let (summary, detail) = if b.labels.is_empty() {
                ("Missing name for provider", "All provider blocks must have 1 labels (name).")
            } else {
                ("Extraneous label for provider", "Only 1 labels (name) are expected for provider blocks.")
            };
            self.error(summary, detail.into(), self.header(b));
            return None;
        }
        let alias = b.body.attributes().find(|a| a.key.as_str() == "alias").and_then(|a| {
            let s = strata_config::literal_string(&a.value);
            if s.is_none() {
                self.error(
                    "Invalid provider alias",
                    "The provider alias must be a literal string, without interpolations or references.".into(),
                    self.span(a.value.span()),
                );
            }
            s
        });
        Some(ProviderConfig {
            name: b.labels[0].as_str().to_string(),
            alias,
            config: RawBody { body: b.body.clone(), file: self.file.clone() },
            span: self.header(b),
        })
    }

    fn override_block(&mut self, b: &Block) -> Option<Override> {
        let header = self.header(b);
        if !self.no_labels(b) {
            return None;
        }
        let data = b.ident.as_str() == "override_data";
        let (attrs, _) = self.attributes(&b.body, &["target", "values", "override_during"], &[]);
        self.required(&attrs, &["target"], &header);
        if let Some(a) = attrs.get("override_during") {
            self.error(
                "Unsupported argument",
                "Strata does not support override_during yet: overridden values are known after apply.".into(),
                self.span(a.key.span()),
            );
        }
        let a = attrs.get("target")?;
        let span = self.span(a.value.span());
        let text = a.value.span().and_then(|r| self.file.text.get(r)).map(|t| t.split_whitespace().collect::<String>());
        let target = match text.filter(|_| matches!(a.value, Expression::Traversal(_))) {
            Some(t) => t,
            None => {
                self.error(
                    "Invalid override target",
                    "The target of an override is a reference to a resource or data source, like aws_vpc.main.".into(),
                    span,
                );
                return None;
            }
        };
        // Whole resources only: no instance keys, data sources for override_data.
        let steps: Vec<&str> = target.split('.').collect();
        let mut local = 0;
        while steps.get(local) == Some(&"module") && local + 2 < steps.len() {
            local += 2;
        }
        let rest = &steps[local..];
        let well_formed = !target.contains('[')
            && match rest {
                ["data", _, _] => data,
                [_, _] => !data,
                _ => false,
            };
        if !well_formed {
            let what =
                if data { "a data source, like data.aws_region.here" } else { "a managed resource, like aws_vpc.main" };
            self.error(
                "Invalid override target",
                format!("The target of {} must be {what} (a whole resource: no instance keys).", b.ident.as_str()),
                span.clone(),
            );
            return None;
        }
        Some(Override { target, data, values: attrs.get("values").map(|a| self.expr(&a.value)), span })
    }

    fn mock_provider(&mut self, b: &Block) -> Option<MockProvider> {
        let header = self.header(b);
        if b.labels.len() != 1 {
            let summary = if b.labels.is_empty() {
                "Missing name for mock_provider"
            } else {
                "Extraneous label for mock_provider"
            };
            self.error(summary, "All mock_provider blocks must have 1 labels (name).".into(), header);
            return None;
        }
        let (attrs, blocks) = self.attributes(&b.body, &["alias", "source"], &["mock_resource", "mock_data"]);
        for key in ["alias", "source"] {
            if let Some(a) = attrs.get(key) {
                self.error(
                    "Unsupported argument",
                    format!("Strata does not support the {key:?} argument of mock_provider blocks yet: a mock replaces the provider for the whole file."),
                    self.span(a.key.span()),
                );
            }
        }
        let mut mock = MockProvider {
            name: b.labels[0].as_str().to_string(),
            span: header,
            resources: Vec::new(),
            data: Vec::new(),
        };
        for nested in blocks {
            let kind = nested.ident.as_str();
            if nested.labels.len() != 1 {
                self.error(
                    &format!("Missing type for {kind}"),
                    format!("All {kind} blocks must have 1 labels (type)."),
                    self.header(nested),
                );
                continue;
            }
            let (attrs, _) = self.attributes(&nested.body, &["defaults", "override_during"], &[]);
            if let Some(a) = attrs.get("override_during") {
                self.error(
                    "Unsupported argument",
                    "Strata does not support override_during yet: mocked values are known after apply.".into(),
                    self.span(a.key.span()),
                );
            }
            let entry = (nested.labels[0].as_str().to_string(), attrs.get("defaults").map(|a| self.expr(&a.value)));
            if kind == "mock_resource" {
                mock.resources.push(entry);
            } else {
                mock.data.push(entry);
            }
        }
        Some(mock)
    }

    fn run(&mut self, b: &Block) -> Option<Run> {
        let header = self.header(b);
        let name = match b.labels.len() {
            1 => b.labels[0].as_str().to_string(),
            0 => {
                self.error("Missing name for run", "All run blocks must have 1 labels (name).".into(), header);
                return None;
            }
            _ => {
                self.error(
                    "Extraneous label for run",
                    "Only 1 labels (name) are expected for run blocks.".into(),
                    header,
                );
                return None;
            }
        };
        if !is_valid_name(&name) {
            self.error(
                "Invalid run block name",
                "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.".into(),
                self.span(b.labels[0].span()),
            );
        }
        let (attrs, blocks) = self.attributes(
            &b.body,
            &["command", "expect_failures", "state_key", "providers"],
            &["variables", "module", "assert", "plan_options", "override_resource", "override_data"],
        );
        let mut run = Run {
            name,
            span: header,
            command: RunCommand::Apply,
            variables: Vec::new(),
            module: None,
            module_span: None,
            asserts: Vec::new(),
            expect_failures: Vec::new(),
            options: RunOptions::default(),
            state_key: None,
            providers: None,
            overrides: Vec::new(),
        };
        if let Some(a) = attrs.get("command") {
            match keyword(&a.value).as_deref() {
                Some("apply") => run.command = RunCommand::Apply,
                Some("plan") => run.command = RunCommand::Plan,
                _ => self.error(
                    "Invalid \"command\" keyword",
                    "The \"command\" argument requires one of the following keywords without quotes: apply or plan."
                        .into(),
                    self.span(a.value.span()),
                ),
            }
        }
        if let Some(a) = attrs.get("state_key") {
            match strata_config::literal_string(&a.value) {
                Some(k) => run.state_key = Some(k),
                None => self.error(
                    "Invalid \"state_key\" argument",
                    "The state_key must be a literal string, without interpolations or references.".into(),
                    self.span(a.value.span()),
                ),
            }
        }
        if let Some(a) = attrs.get("providers") {
            run.providers = Some(self.provider_mappings(a));
        }
        if let Some(a) = attrs.get("expect_failures") {
            run.expect_failures = self.references(a, "expect_failures");
        }
        let mut seen = BTreeMap::new();
        for nested in blocks {
            let kind = nested.ident.as_str();
            if kind.starts_with("override_") {
                if let Some(o) = self.override_block(nested) {
                    run.overrides.push(o);
                }
                continue;
            }
            if kind != "assert" && seen.insert(kind, ()).is_some() {
                self.error(
                    &format!("Duplicate \"{kind}\" block"),
                    format!("A run block may have only one {kind:?} block."),
                    self.header(nested),
                );
                continue;
            }
            if !self.no_labels(nested) {
                continue;
            }
            match kind {
                "variables" => run.variables = self.variables(nested),
                "module" => {
                    if let Some((source, span)) = self.module(nested) {
                        run.module = Some(source);
                        run.module_span = Some(span);
                    }
                }
                "assert" => {
                    if let Some(rule) = self.assert(nested) {
                        run.asserts.push(rule);
                    }
                }
                _ => run.options = self.plan_options(nested),
            }
        }
        Some(run)
    }

    fn module(&mut self, b: &Block) -> Option<(String, Span)> {
        let header = self.header(b);
        let (attrs, _) = self.attributes(&b.body, &["source", "version"], &[]);
        self.required(&attrs, &["source"], &header);
        if let Some(a) = attrs.get("version") {
            self.error(
                "Unsupported argument",
                "Strata runs tests only against local modules, which have no version.".into(),
                self.span(a.key.span()),
            );
        }
        let a = attrs.get("source")?;
        match strata_config::literal_string(&a.value) {
            Some(s) if strata_config::is_local_source(&s) => Some((s, self.span(a.value.span()))),
            Some(_) => {
                self.error(
                    "Invalid module source",
                    "Strata runs tests only against local modules: the source must start with \"./\" or \"../\"."
                        .into(),
                    self.span(a.value.span()),
                );
                None
            }
            None => {
                self.error(
                    "Invalid module source",
                    "The module source must be a literal string, without interpolations or references.".into(),
                    self.span(a.value.span()),
                );
                None
            }
        }
    }

    fn assert(&mut self, b: &Block) -> Option<CheckRule> {
        let header = self.header(b);
        let (attrs, _) = self.attributes(&b.body, &["condition", "error_message"], &[]);
        self.required(&attrs, &["condition", "error_message"], &header);
        let condition = attrs.get("condition")?;
        if strata_lang::refs::references(&condition.value, self.file, &[]).is_empty() {
            self.error(
                "Invalid assert expression",
                "The condition expression must refer to at least one object from elsewhere in the configuration, or else its result would not be checking anything.".into(),
                self.span(condition.value.span()),
            );
        }
        let message = attrs.get("error_message")?;
        Some(CheckRule {
            condition: self.expr(&condition.value),
            error_message: self.expr(&message.value),
            span: header,
        })
    }

    fn plan_options(&mut self, b: &Block) -> RunOptions {
        let (attrs, _) = self.attributes(&b.body, &["mode", "refresh", "replace", "target"], &[]);
        let mut options = RunOptions::default();
        if let Some(a) = attrs.get("mode") {
            match keyword(&a.value).as_deref() {
                Some("normal") => {}
                Some("refresh-only") => options.refresh_only = true,
                _ => self.error(
                    "Invalid \"mode\" keyword",
                    "The \"mode\" argument requires one of the following keywords without quotes: normal or refresh-only.".into(),
                    self.span(a.value.span()),
                ),
            }
        }
        if let Some(a) = attrs.get("refresh") {
            match &a.value {
                Expression::Bool(v) => options.refresh = Some(*v.value()),
                _ => self.error(
                    "Invalid \"refresh\" argument",
                    "The \"refresh\" argument must be true or false.".into(),
                    self.span(a.value.span()),
                ),
            }
        }
        if let Some(a) = attrs.get("replace") {
            options.replace = self.references(a, "replace").into_iter().map(|(s, _)| s).collect();
        }
        if let Some(a) = attrs.get("target") {
            options.target = self.references(a, "target").into_iter().map(|(s, _)| s).collect();
        }
        options
    }

    /// `providers = { aws = aws.west, "aws.east" = aws }`.
    fn provider_mappings(&mut self, a: &Attribute) -> Vec<ProviderMapping> {
        let Expression::Object(obj) = &a.value else {
            self.error(
                "Invalid \"providers\" argument",
                "The \"providers\" argument must be a map from the module's provider names to provider configurations of the test file, like { aws = aws.west }.".into(),
                self.span(a.value.span()),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, value) in obj.iter() {
            let text = |r: Option<std::ops::Range<usize>>| {
                r.and_then(|r| self.file.text.get(r)).map(|t| t.trim().trim_matches('"').to_string())
            };
            let key_span = match key {
                hcl_edit::expr::ObjectKey::Ident(id) => id.span(),
                hcl_edit::expr::ObjectKey::Expression(e) => e.span(),
            };
            let value = value.expr();
            let span = self.span(value.span());
            let name = |t: String| -> Option<(String, Option<String>)> {
                let mut parts = t.split('.');
                let name = parts.next()?.to_string();
                let alias = parts.next().map(str::to_string);
                (parts.next().is_none() && is_valid_name(&name) && alias.as_deref().is_none_or(is_valid_name))
                    .then_some((name, alias))
            };
            let is_reference = matches!(value, Expression::Variable(_) | Expression::Traversal(_));
            match (text(key_span).and_then(name), text(value.span()).filter(|_| is_reference).and_then(name)) {
                (Some(to), Some(from)) => out.push(ProviderMapping { to, from, span }),
                _ => self.error(
                    "Invalid provider configuration reference",
                    "Each entry of \"providers\" maps a provider name (aws or aws.alias) to a provider configuration of the test file (aws or aws.alias).".into(),
                    span,
                ),
            }
        }
        out
    }

    /// A list of references to whole objects (`[var.x, aws_vpc.main]`), as written.
    fn references(&mut self, a: &Attribute, what: &str) -> Vec<(String, Span)> {
        let Expression::Array(items) = &a.value else {
            self.error(
                &format!("Invalid \"{what}\" argument"),
                format!("The \"{what}\" argument must be a list of references, like [var.name]."),
                self.span(a.value.span()),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            let span = self.span(item.span());
            let text =
                item.span().and_then(|r| self.file.text.get(r)).map(|t| t.split_whitespace().collect::<String>());
            match text.filter(|_| matches!(item, Expression::Variable(_) | Expression::Traversal(_))) {
                Some(t) => out.push((t, span)),
                None => self.error(
                    "Invalid reference",
                    format!("The \"{what}\" list holds references to whole objects, not arbitrary expressions."),
                    span,
                ),
            }
        }
        out
    }
}

/// A bare keyword (`plan`, `refresh-only`), as Terraform's `hcl.ExprAsKeyword` reads it.
fn keyword(e: &Expression) -> Option<String> {
    match e {
        Expression::Variable(v) => Some(v.value().as_str().to_string()),
        // `refresh-only` parses as the subtraction `refresh - only`.
        Expression::BinaryOp(op) => {
            let (Expression::Variable(l), Expression::Variable(r)) = (&op.lhs_expr, &op.rhs_expr) else {
                return None;
            };
            (op.operator.value() == &hcl_edit::expr::BinaryOperator::Minus)
                .then(|| format!("{}-{}", l.value().as_str(), r.value().as_str()))
        }
        _ => None,
    }
}

fn is_valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        let (_, diags) = load("t.tftest.hcl", text.to_string());
        diags
            .iter()
            .map(|d| format!("{}: {}", d.summary, d.span.as_ref().map(|s| s.to_string()).unwrap_or_default()))
            .collect()
    }

    #[test]
    fn reads_runs_with_their_parts() {
        let (file, diags) = load(
            "t.tftest.hcl",
            r#"
variables { a = 1 }
run "setup" {
  module { source = "./setup" }
}
run "check" {
  command = plan
  variables { b = run.setup.x }
  expect_failures = [var.a, terraform_data.x]
  plan_options {
    mode    = refresh-only
    refresh = false
    target  = [terraform_data.x]
  }
  assert {
    condition     = var.a == 1
    error_message = "a"
  }
}
"#
            .into(),
        );
        assert!(diags.is_empty(), "{diags:?}");
        let file = file.unwrap();
        assert_eq!(file.variables.len(), 1);
        assert_eq!(file.runs[0].module.as_deref(), Some("./setup"));
        let run = &file.runs[1];
        assert_eq!(run.command, RunCommand::Plan);
        assert_eq!(
            run.expect_failures.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(),
            ["var.a", "terraform_data.x"]
        );
        assert!(run.options.refresh_only);
        assert_eq!(run.options.refresh, Some(false));
        assert_eq!(run.options.target, ["terraform_data.x"]);
        assert_eq!(run.asserts.len(), 1);
    }

    #[test]
    fn bad_input_is_diagnosed_with_places() {
        let errs = errors(
            "foo {}\nrun {\n}\nrun \"x\" {\n  bogus = 1\n  command = destroy\n  assert {\n    condition = true\n  }\n}\n",
        );
        assert_eq!(
            errs,
            [
                "Unsupported block type: t.tftest.hcl:1:1",
                "Missing name for run: t.tftest.hcl:2:1",
                "Unsupported argument: t.tftest.hcl:5:3",
                "Invalid \"command\" keyword: t.tftest.hcl:6:13",
                "Missing required argument: t.tftest.hcl:7:3",
                "Invalid assert expression: t.tftest.hcl:8:17",
            ]
        );
    }
}
