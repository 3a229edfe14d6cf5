//! `prometheus_rule_group`: one group of recording and alerting rules in a
//! file of its own under the provider's `rules_dir`. Checked as promtool
//! checks it before anything is written; written atomically; Prometheus
//! reloaded and asked (`/api/v1/rules`) whether it serves the group; a
//! refused reload or a group Prometheus does not load puts the previous
//! file back and reloads again. Reading parses the file, so a hand edit is
//! drift; what means the same (`60m` for `1h`, a reformatted expression)
//! is not.

use super::Settings;
use crate::http::excerpt;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use strata_lang::{Type, Value};
use strata_promrules::rules::{self, Field, Rule, RuleGroup, Version};
use strata_provider::values::{attr, int_attr, map_of, object, str_attr, string_map};
use strata_provider::*;

pub const TYPE: &str = "prometheus_rule_group";

fn rule_block() -> Block {
    let attrs = [
        ("alert", Attribute::optional(Type::String).describe("The alert's name (an alerting rule)")),
        ("record", Attribute::optional(Type::String).describe("The series it records (a recording rule)")),
        ("expr", Attribute::required(Type::String).describe("The PromQL expression")),
        ("for", Attribute::optional(Type::String)),
        ("keep_firing_for", Attribute::optional(Type::String)),
        ("labels", Attribute::optional(Type::map(Type::String))),
        ("annotations", Attribute::optional(Type::map(Type::String))),
    ];
    Block { attributes: attrs.into_iter().map(|(k, a)| (k.to_string(), a)).collect(), blocks: BTreeMap::new() }
}

fn block() -> &'static Block {
    static BLOCK: OnceLock<Block> = OnceLock::new();
    BLOCK.get_or_init(|| {
        let attrs = [
            ("id", Attribute::computed(Type::String)),
            ("name", Attribute::required(Type::String).describe("The group's name")),
            (
                "file",
                Attribute::optional_computed(Type::String)
                    .force_new()
                    .describe("The rule file's name in rules_dir (default: the group's name, .yml)"),
            ),
            ("interval", Attribute::optional(Type::String)),
            ("limit", Attribute::optional(Type::Number)),
            ("query_offset", Attribute::optional(Type::String)),
            ("labels", Attribute::optional(Type::map(Type::String))),
            ("path", Attribute::computed(Type::String).describe("Where the rule file is")),
            ("content", Attribute::computed(Type::String).describe("The rule file as written")),
        ];
        Block {
            attributes: attrs.into_iter().map(|(k, a)| (k.to_string(), a)).collect(),
            blocks: BTreeMap::from([(
                "rule".to_string(),
                NestedBlock { nesting: Nesting::List, block: rule_block(), min_items: 1, max_items: 0 },
            )]),
        }
    })
}

pub fn schema() -> ResourceSchema {
    ResourceSchema { block: block().clone(), read_only_wording: ReadOnlyWording::Framework, ..Default::default() }
}

/// The group a configuration (or state) describes. Unknown values are
/// left out, so that what is known is still checked at validate.
fn group_of(v: &Value) -> RuleGroup {
    let known = |name: &str| str_attr(v, name);
    let rules = attr(v, "rule")
        .unmark_deep()
        .0
        .as_seq()
        .map(|items| {
            items
                .iter()
                .map(|r| Rule {
                    record: str_attr(r, "record"),
                    alert: str_attr(r, "alert"),
                    // An expression not yet known is checked at plan.
                    expr: str_attr(r, "expr").unwrap_or_else(|| {
                        if attr(r, "expr").is_known() {
                            String::new()
                        } else {
                            "vector(0)".into()
                        }
                    }),
                    for_: str_attr(r, "for"),
                    keep_firing_for: str_attr(r, "keep_firing_for"),
                    labels: map_of(&attr(r, "labels")),
                    annotations: map_of(&attr(r, "annotations")),
                })
                .collect()
        })
        .unwrap_or_default();
    RuleGroup {
        name: known("name")
            .unwrap_or_else(|| if attr(v, "name").is_known() { String::new() } else { "unknown".into() }),
        interval: known("interval"),
        limit: int_attr(v, "limit"),
        query_offset: known("query_offset"),
        labels: map_of(&attr(v, "labels")),
        rules,
    }
}

fn path_of(f: &Field) -> AttributePath {
    match f.rule {
        Some(i) => vec![PathStep::Attr("rule".into()), PathStep::Index(i as u64), PathStep::Attr(f.name.into())],
        None => vec![PathStep::Attr(f.name.into())],
    }
}

/// promtool's checks, each at the attribute it is about, plus the file name.
pub fn validate(config: &Value, target: Option<Version>) -> Diagnostics {
    if config.is_null() {
        return Vec::new();
    }
    let g = group_of(config);
    let mut out: Diagnostics = rules::check_group(&g, target)
        .into_iter()
        .filter(|(f, _)| !(f.rule.is_none() && f.name == "rules"))
        .map(|(f, message)| {
            let what = match f.rule {
                Some(i) => format!("group {:?}, rule {}", g.name, i + 1),
                None => format!("group {:?}", g.name),
            };
            ProviderDiagnostic::error("Invalid Prometheus rule", format!("{what}: {message}")).at(path_of(&f))
        })
        .collect();
    if let Some(file) = str_attr(config, "file") {
        if let Err(e) = check_file_name(&file) {
            out.push(ProviderDiagnostic::error("Invalid rule file name", e).at(vec![PathStep::Attr("file".into())]));
        }
    }
    out
}

fn check_file_name(file: &str) -> Result<(), String> {
    let plain =
        !file.is_empty() && file != "." && file != ".." && !file.contains(['/', '\\']) && !file.starts_with('.');
    if plain {
        Ok(())
    } else {
        Err(format!("{file:?} must be a plain file name in rules_dir (no directories, not hidden)"))
    }
}

/// The file a group is written to when `file` is not given.
fn default_file(name: &str) -> String {
    let safe: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    format!("{}.yml", safe.trim_start_matches('.'))
}

/// The computed attributes are decided from the configuration (the
/// proposed value holds them unknown on create): the file, its path and
/// the content to be written are known when the configuration is.
pub fn plan(settings: &Settings, prior: &Value, proposed: &Value, config: &Value, resp: &mut PlanResponse) {
    resp.diagnostics = validate(config, settings.version());
    if has_errors(&resp.diagnostics) {
        return;
    }
    let mut fields = proposed.as_entries().cloned().unwrap_or_default();
    let file = match attr(config, "file") {
        f if f.is_null() => {
            let name = attr(config, "name");
            match (name.is_known(), str_attr(config, "name")) {
                (true, Some(n)) => Value::string(default_file(&n)),
                _ => Value::unknown(Type::String),
            }
        }
        f => f,
    };
    fields.insert("file".into(), file.clone());
    fields.insert("id".into(), file.clone());
    let path = match (file.as_str(), settings.rules_dir.as_ref()) {
        (Some(f), Some(dir)) => Value::string(dir.join(f).to_string_lossy().as_ref()),
        _ => Value::unknown(Type::String),
    };
    fields.insert("path".into(), path);
    let content = if config.is_wholly_known() {
        Value::string(rules::render_file(&[group_of(config)]))
    } else {
        Value::unknown(Type::String)
    };
    fields.insert("content".into(), content);
    resp.planned = Value::object(fields).mark(proposed.marks());
    if !prior.is_null() && !attr(prior, "file").raw_equal(&file) {
        resp.requires_replace.push(vec![PathStep::Attr("file".into())]);
    }
}

fn file_path(settings: &Settings, file: &str) -> Result<PathBuf, ProviderDiagnostic> {
    check_file_name(file).map_err(|e| ProviderDiagnostic::error("Invalid rule file name", e))?;
    Ok(settings.rules_dir()?.join(file))
}

fn io_error(what: String, e: std::io::Error) -> ProviderDiagnostic {
    ProviderDiagnostic::error(format!("{what}: {e}"), format!("{what}: {e}"))
}

pub fn apply(settings: &Settings, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    if planned.is_null() {
        let file = str_attr(prior, "file").unwrap_or_default();
        let path = file_path(settings, &file)?;
        let previous = read_text(&path)?;
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(io_error(format!("removing {}", path.display()), e))
            }
            _ => {}
        }
        let name = str_attr(prior, "name").unwrap_or_default();
        reload_and_verify(settings, &path, previous.as_deref(), &name, None)?;
        return Ok(Value::null(planned.ty()));
    }
    let g = group_of(planned);
    let problems = validate(planned, settings.version());
    if let Some(d) = problems.into_iter().find(|d| d.error) {
        return Err(d);
    }
    let file = str_attr(planned, "file").unwrap_or_else(|| default_file(&g.name));
    let path = file_path(settings, &file)?;
    let content = rules::render_file(std::slice::from_ref(&g));
    let previous = read_text(&path)?;
    if prior.is_null() {
        if let Some(existing) = &previous {
            if *existing != content {
                return Err(ProviderDiagnostic::error(
                    format!("Rule file {file} already exists"),
                    format!(
                        "{} already exists and holds other rules. Import it (strata import {TYPE}.NAME {file}) to manage it, or give this group another `file`.",
                        path.display()
                    ),
                ));
            }
        }
    }
    write_atomically(&path, &content)?;
    reload_and_verify(settings, &path, previous.as_deref(), &g.name, Some(&g))?;
    let mut fields = planned.as_entries().cloned().unwrap_or_default();
    fields.insert("id".into(), Value::string(file.as_str()));
    fields.insert("file".into(), Value::string(file.as_str()));
    fields.insert("path".into(), Value::string(path.to_string_lossy().as_ref()));
    fields.insert("content".into(), Value::string(content));
    Ok(Value::object(fields).mark(planned.marks()))
}

fn read_text(path: &Path) -> Result<Option<String>, ProviderDiagnostic> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(format!("reading {}", path.display()), e)),
    }
}

fn write_atomically(path: &Path, content: &str) -> Result<(), ProviderDiagnostic> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| io_error(format!("creating {}", dir.display()), e))?;
    crate::files::write_atomic(path, content.as_bytes())
        .map_err(|e| io_error(format!("writing the new rules into {}", path.display()), e))
}

/// Puts back what `path` held before (nothing: removes it).
fn restore(path: &Path, previous: Option<&str>) -> Result<(), ProviderDiagnostic> {
    match previous {
        Some(text) => write_atomically(path, text),
        None => match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(io_error(format!("removing {}", path.display()), e))
            }
            _ => Ok(()),
        },
    }
}

fn reload(settings: &Settings) -> Result<(), String> {
    let http = settings.http().map_err(|d| d.detail)?;
    let resp = http.post("/-/reload", None)?;
    match resp.status {
        200..=299 => Ok(()),
        403 => Err(format!(
            "Prometheus at {} refused the reload (403: {}): start it with --web.enable-lifecycle",
            http.base(),
            excerpt(&resp.body)
        )),
        s => Err(format!(
            "Prometheus at {} refused the new rules ({s}: {}); its log names the rule it could not load",
            http.base(),
            excerpt(&resp.body)
        )),
    }
}

/// Reloads, then asks Prometheus what it serves from `path`: `group` (or,
/// after a delete, nothing). Any failure puts `previous` back, reloads
/// again and reports what went wrong.
fn reload_and_verify(
    settings: &Settings,
    path: &Path,
    previous: Option<&str>,
    name: &str,
    group: Option<&RuleGroup>,
) -> Result<(), ProviderDiagnostic> {
    let outcome = reload(settings).and_then(|()| verify(settings, path, name, group));
    let Err(problem) = outcome else { return Ok(()) };
    let restored = restore(path, previous).map_err(|d| d.detail).and_then(|()| reload(settings));
    let after = match restored {
        Ok(()) => format!("The previous content of {} is back and Prometheus was reloaded with it.", path.display()),
        Err(e) => format!("Putting the previous content of {} back failed too: {e}", path.display()),
    };
    Err(ProviderDiagnostic::error(
        format!("Prometheus did not take rule group {name:?}"),
        format!("{problem}. {after}"),
    ))
}

fn verify(settings: &Settings, path: &Path, name: &str, group: Option<&RuleGroup>) -> Result<(), String> {
    let http = settings.http().map_err(|d| d.detail)?;
    let resp = http.get("/api/v1/rules")?;
    if !resp.ok() {
        return Err(format!("GET /api/v1/rules answered {}: {}", resp.status, excerpt(&resp.body)));
    }
    let json = resp.json()?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let same_file =
        |f: &str| Path::new(f) == path || Path::new(f).file_name().is_some_and(|n| n.to_string_lossy() == file_name);
    let served = json["data"]["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|g| g["name"].as_str() == Some(name) && g["file"].as_str().is_some_and(same_file));
    match (group, served) {
        (None, None) => Ok(()),
        (None, Some(_)) => {
            Err(format!("Prometheus still serves group {name:?} from {} after the reload", path.display()))
        }
        (Some(_), None) => Err(format!(
            "Prometheus reloaded but does not serve group {name:?} from {}: is {}/*.yml among its rule_files?",
            path.display(),
            path.parent().unwrap_or(Path::new(".")).display()
        )),
        (Some(g), Some(s)) => {
            let want: Vec<&str> =
                g.rules.iter().map(|r| r.alert.as_deref().or(r.record.as_deref()).unwrap_or_default()).collect();
            let got: Vec<&str> =
                s["rules"].as_array().into_iter().flatten().map(|r| r["name"].as_str().unwrap_or_default()).collect();
            if want == got {
                Ok(())
            } else {
                Err(format!("Prometheus serves group {name:?} with rules {got:?}, not {want:?}"))
            }
        }
    }
}

/// The group as its file holds it, keeping the stored text of what means
/// the same; gone when the file is.
pub fn read(settings: &Settings, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let file = str_attr(current, "file").or_else(|| str_attr(current, "id")).unwrap_or_default();
    let path = file_path(settings, &file)?;
    let Some(text) = read_text(&path)? else { return Ok(None) };
    Ok(Some(state_from_file(&file, &path, &text, current)))
}

fn state_from_file(file: &str, path: &Path, text: &str, prior: &Value) -> Value {
    let parsed = rules::parse_file(text).ok().filter(|g| g.len() == 1).map(|mut g| g.remove(0).group);
    let prior_group = group_of(prior);
    let (group, content) = match parsed {
        Some(g) => {
            let g = keep_equivalent(g, &prior_group);
            let content = rules::render_file(std::slice::from_ref(&g));
            (g, content)
        }
        // Not one group Strata could have written: the rules are gone and
        // the content is what the file holds, so the plan puts it right.
        None => {
            (RuleGroup { name: prior_group.name.clone(), rules: Vec::new(), ..RuleGroup::default() }, text.to_string())
        }
    };
    to_value(&group, file, path, content, prior)
}

fn same_duration(a: &Option<String>, b: &Option<String>) -> bool {
    let ms = |d: &Option<String>| d.as_deref().map(strata_promrules::duration::parse);
    match (ms(a), ms(b)) {
        (Some(Ok(x)), Some(Ok(y))) => x == y,
        (None, None) => true,
        (x, y) => x == y,
    }
}

fn same_expr(a: &str, b: &str) -> bool {
    a == b
        || match (promql_parser::parser::parse(a), promql_parser::parser::parse(b)) {
            (Ok(x), Ok(y)) => x.to_string() == y.to_string(),
            _ => false,
        }
}

/// `read` with the prior's text wherever it means the same.
fn keep_equivalent(mut read: RuleGroup, prior: &RuleGroup) -> RuleGroup {
    let keep = |r: &mut Option<String>, p: &Option<String>| {
        if r != p && same_duration(r, p) {
            r.clone_from(p);
        }
    };
    keep(&mut read.interval, &prior.interval);
    keep(&mut read.query_offset, &prior.query_offset);
    for (r, p) in read.rules.iter_mut().zip(&prior.rules) {
        if same_expr(&r.expr, &p.expr) {
            r.expr.clone_from(&p.expr);
        }
        keep(&mut r.for_, &p.for_);
        keep(&mut r.keep_firing_for, &p.keep_firing_for);
    }
    read
}

fn optional_map(m: &BTreeMap<String, String>, prior: &Value) -> Value {
    if m.is_empty() && prior.is_null() {
        Value::null(Type::map(Type::String))
    } else {
        string_map(m)
    }
}

fn to_value(g: &RuleGroup, file: &str, path: &Path, content: String, prior: &Value) -> Value {
    let text = |s: &Option<String>| s.as_deref().map_or(Value::null(Type::String), Value::string);
    let prior_rules = attr(prior, "rule").unmark_deep().0;
    let prior_rules = prior_rules.as_seq().unwrap_or_default();
    let rule_type = rule_block().implied_type();
    let rules = g
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let p = prior_rules.get(i).cloned().unwrap_or_else(Value::dynamic_null);
            object(
                &rule_block(),
                [
                    ("alert", text(&r.alert)),
                    ("record", text(&r.record)),
                    ("expr", Value::string(r.expr.as_str())),
                    ("for", text(&r.for_)),
                    ("keep_firing_for", text(&r.keep_firing_for)),
                    ("labels", optional_map(&r.labels, &attr(&p, "labels"))),
                    ("annotations", optional_map(&r.annotations, &attr(&p, "annotations"))),
                ],
            )
        })
        .collect();
    let value = object(
        block(),
        [
            ("id", Value::string(file)),
            ("name", Value::string(g.name.as_str())),
            ("file", Value::string(file)),
            ("interval", text(&g.interval)),
            ("limit", g.limit.map_or(Value::null(Type::Number), Value::int)),
            ("query_offset", text(&g.query_offset)),
            ("labels", optional_map(&g.labels, &attr(prior, "labels"))),
            ("path", Value::string(path.to_string_lossy().as_ref())),
            ("content", Value::string(content)),
            ("rule", Value::list(rule_type, rules)),
        ],
    );
    // The prior's sensitive marks stay where they were.
    value.mark(prior.marks())
}

/// Import by the rule file's name in rules_dir.
pub fn import(settings: &Settings, id: &str) -> Result<Value, ProviderDiagnostic> {
    let path = file_path(settings, id)?;
    let Some(text) = read_text(&path)? else {
        return Err(ProviderDiagnostic::error(
            "Cannot import non-existent remote object",
            format!("{} does not exist: the import ID is the rule file's name in rules_dir.", path.display()),
        ));
    };
    match rules::parse_file(&text) {
        Ok(g) if g.len() == 1 => Ok(state_from_file(id, &path, &text, &Value::dynamic_null())),
        Ok(g) => Err(ProviderDiagnostic::error(
            "Cannot import this rule file",
            format!("{} holds {} groups; a {TYPE} is one group in a file of its own.", path.display(), g.len()),
        )),
        Err(problems) => Err(ProviderDiagnostic::error(
            "Cannot import this rule file",
            format!(
                "{} is not a rule file Prometheus would load: {}",
                path.display(),
                problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; ")
            ),
        )),
    }
}

/// After a crash mid-create: the planned file holding the planned group.
pub fn find_created(settings: &Settings, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let name = str_attr(planned, "name").unwrap_or_default();
    let file = str_attr(planned, "file").unwrap_or_else(|| default_file(&name));
    let path = file_path(settings, &file)?;
    let Some(text) = read_text(&path)? else { return Ok(None) };
    match rules::parse_file(&text) {
        Ok(g) if g.len() == 1 && g[0].group.name == name => Ok(Some(state_from_file(&file, &path, &text, planned))),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_file_names_are_plain() {
        assert_eq!(default_file("api-slo"), "api-slo.yml");
        assert_eq!(default_file("team/api slo"), "team_api_slo.yml");
        assert_eq!(default_file(".hidden"), "hidden.yml");
        assert!(check_file_name("../x.yml").is_err());
        assert!(check_file_name("a.yml").is_ok());
    }

    #[test]
    fn equivalent_durations_and_expressions_keep_the_stored_text() {
        let prior = RuleGroup {
            name: "g".into(),
            interval: Some("60s".into()),
            rules: vec![Rule {
                alert: Some("A".into()),
                expr: "sum(rate(x[5m])) by (job) > 1".into(),
                for_: Some("60m".into()),
                ..Rule::default()
            }],
            ..RuleGroup::default()
        };
        let mut read = prior.clone();
        read.interval = Some("1m".into());
        read.rules[0].expr = "sum by (job) (rate(x[5m]))  >  1".into();
        read.rules[0].for_ = Some("1h".into());
        assert_eq!(keep_equivalent(read.clone(), &prior), prior);
        read.rules[0].for_ = Some("2h".into());
        assert_eq!(keep_equivalent(read, &prior).rules[0].for_.as_deref(), Some("2h"));
    }
}
