//! The differential corpus: multi-step workflows under
//! `tests/differential/scenarios/<feature>/<name>.scn`, each beside the
//! outcome Terraform 1.11.4 recorded for it (`<name>.recorded.json`).
//! Strata must reach the same outcome at every step: the same exit code,
//! errors at the same file and line, the same action and reason for every
//! instance, the same output changes, and afterwards the same state and
//! outputs. See `tests/differential/README.md` for the file format.
//!
//! `STRATA_DIFFERENTIAL=record` re-records every scenario with `terraform`,
//! `STRATA_DIFFERENTIAL=recheck` checks the recordings are still what
//! `terraform` does; `STRATA_SCENARIO=text` runs only the scenarios whose
//! path contains `text`.

use crate::support::{repo_root, run, terraform_with, TempDir};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// One scenario file, parsed.
struct Scenario {
    path: PathBuf,
    /// `# differs: why` — a difference from Terraform kept on purpose or
    /// not fixed yet; the test then insists the outcomes still differ, so
    /// whoever closes the gap is told to drop the line.
    differs: Option<String>,
    /// Files to write before the first step.
    files: Vec<FileEdit>,
    steps: Vec<Step>,
}

enum FileEdit {
    Write(String, String),
    Remove(String),
}

struct Step {
    line: String,
    args: Vec<String>,
    /// File edits made after this step, before the next one.
    edits_after: Vec<FileEdit>,
}

fn parse(path: &Path) -> Scenario {
    let text = std::fs::read_to_string(path).unwrap();
    let mut sc = Scenario { path: path.to_path_buf(), differs: None, files: vec![], steps: vec![] };
    let mut current: Option<(String, String)> = None;
    let flush = |sc: &mut Scenario, current: &mut Option<(String, String)>| {
        if let Some((name, body)) = current.take() {
            let edit = FileEdit::Write(name, body);
            match sc.steps.last_mut() {
                Some(step) => step.edits_after.push(edit),
                None => sc.files.push(edit),
            }
        }
    };
    for line in text.lines() {
        if let Some(header) = line.strip_prefix("-- ").and_then(|l| l.strip_suffix(" --")) {
            flush(&mut sc, &mut current);
            if let Some(gone) = header.strip_prefix("rm ") {
                let edit = FileEdit::Remove(gone.to_string());
                match sc.steps.last_mut() {
                    Some(step) => step.edits_after.push(edit),
                    None => sc.files.push(edit),
                }
            } else {
                current = Some((header.to_string(), String::new()));
            }
        } else if let Some(cmd) = line.strip_prefix("== ") {
            flush(&mut sc, &mut current);
            sc.steps.push(Step { line: cmd.to_string(), args: split_args(cmd), edits_after: vec![] });
        } else if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
        } else if let Some(why) = line.strip_prefix("# differs:") {
            sc.differs = Some(why.trim().to_string());
        } else {
            assert!(
                line.starts_with('#') || line.trim().is_empty(),
                "{}: a line outside any file or step: {line}",
                path.display()
            );
        }
    }
    flush(&mut sc, &mut current);
    assert!(!sc.steps.is_empty(), "{}: no steps", path.display());
    sc
}

/// Splits a step line as a shell would: spaces separate words, single or
/// double quotes group them.
fn split_args(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quote, mut in_word) = (vec![], String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (None, '\'' | '"') => (quote, in_word) = (Some(c), true),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                }
                in_word = false;
            }
            (_, c) => (word.push(c), in_word = true).1,
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

fn apply_edits(dir: &Path, edits: &[FileEdit]) {
    for edit in edits {
        match edit {
            FileEdit::Write(name, body) => {
                let p = dir.join(name);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, body).unwrap();
            }
            FileEdit::Remove(name) => {
                let p = dir.join(name);
                if p.is_dir() {
                    std::fs::remove_dir_all(p).unwrap();
                } else {
                    let _ = std::fs::remove_file(p);
                }
            }
        }
    }
}

/// The tool a scenario runs with: Strata or the `terraform` oracle.
#[derive(Clone, Copy, PartialEq)]
enum Tool {
    Strata,
    Terraform,
}

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Tool {
    fn run(self, dir: &Path, args: &[&str]) -> Ran {
        match self {
            Tool::Strata => {
                let o = run(dir, args);
                Ran { code: o.code, stdout: o.stdout, stderr: o.stderr }
            }
            Tool::Terraform => {
                let mut all = args.to_vec();
                if matches!(args.first(), Some(&("plan" | "apply" | "destroy" | "init" | "import"))) {
                    all.insert(1, "-input=false");
                }
                let o = terraform_with(dir, &all, &[("TF_IN_AUTOMATION", "1"), ("NO_COLOR", "1")]);
                Ran {
                    code: o.status.code().unwrap_or(-1),
                    stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
                    stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
                }
            }
        }
    }
}

/// Runs every step of `sc` with `tool` in a fresh directory and returns
/// the outcome of each, normalized so only meaning is compared.
fn outcomes(sc: &Scenario, tool: Tool) -> Vec<Value> {
    let name = sc.path.file_stem().unwrap().to_string_lossy().to_string();
    let dir = TempDir::new(&format!("scn-{}-{name}", if tool == Tool::Strata { "s" } else { "t" }));
    apply_edits(dir.path(), &sc.files);
    let mut needs_init = tool == Tool::Terraform;
    let mut out = vec![];
    for step in &sc.steps {
        if needs_init && step.args.first().is_some_and(|c| c != "init") {
            // Terraform installs modules at `init`. A configuration it
            // cannot load fails there, and its `validate` or `plan` then
            // says where; Strata needs no `init` for local modules.
            tool.run(dir.path(), &["init", "-no-color"]);
        }
        needs_init = false;
        out.push(run_step(tool, dir.path(), step));
        apply_edits(dir.path(), &step.edits_after);
        if tool == Tool::Terraform && !step.edits_after.is_empty() {
            needs_init = true;
        }
    }
    out
}

fn run_step(tool: Tool, dir: &Path, step: &Step) -> Value {
    let args: Vec<&str> = step.args.iter().map(String::as_str).collect();
    let mut outcome = Map::new();
    outcome.insert("step".into(), json!(step.line));
    match args.first().copied() {
        Some("plan") => {
            plan_outcome(tool, dir, &args[1..], &mut outcome);
        }
        Some("apply" | "destroy") => {
            let mut plan_args: Vec<&str> = args[1..].to_vec();
            if args[0] == "destroy" {
                plan_args.insert(0, "-destroy");
            }
            if plan_outcome(tool, dir, &plan_args, &mut outcome) {
                let applied = tool.run(dir, &["apply", "-no-color", "tfplan"]);
                outcome.insert("apply_exit".into(), json!(applied.code));
                if applied.code != 0 {
                    outcome.insert("apply_errors".into(), json!(error_summaries(&applied.stderr)));
                }
            }
            state_outcome(tool, dir, &mut outcome);
        }
        Some("validate") => {
            let v = tool.run(dir, &["validate", "-json", "-no-color"]);
            outcome.insert("exit".into(), json!(v.code));
            let parsed: Value = serde_json::from_str(&v.stdout).unwrap_or(Value::Null);
            let diags = parsed["diagnostics"].as_array().cloned().unwrap_or_default();
            outcome.insert("diagnostics".into(), Value::Array(in_stable_order(diags.iter().map(diagnostic).collect())));
        }
        Some(_) => {
            // State commands and the like: the exit code, then the state.
            let mut full = args.clone();
            full.insert(1, "-no-color");
            let r = tool.run(dir, &full);
            outcome.insert("exit".into(), json!(r.code));
            state_outcome(tool, dir, &mut outcome);
        }
        None => unreachable!("steps are never empty"),
    }
    Value::Object(outcome)
}

/// `plan -out=tfplan -json ARGS`, then `show -json tfplan`: exit code,
/// diagnostics, and each instance's action, reason and planned value.
/// Returns whether a plan file was written.
fn plan_outcome(tool: Tool, dir: &Path, args: &[&str], outcome: &mut Map<String, Value>) -> bool {
    let _ = std::fs::remove_file(dir.join("tfplan"));
    let mut full = vec!["plan", "-out=tfplan", "-json", "-detailed-exitcode", "-no-color"];
    full.extend_from_slice(args);
    let r = tool.run(dir, &full);
    outcome.insert("exit".into(), json!(r.code));
    let diags = json_diagnostics(&r.stdout);
    if !diags.is_empty() {
        outcome.insert("diagnostics".into(), Value::Array(diags));
    }
    if r.code == 1 || !dir.join("tfplan").exists() {
        if r.code == 1 && outcome.get("diagnostics").is_none() {
            outcome.insert("diagnostics".into(), json!(error_summaries(&r.stderr)));
        }
        return false;
    }
    let shown = tool.run(dir, &["show", "-json", "tfplan"]);
    let plan: Value = serde_json::from_str(&shown.stdout)
        .unwrap_or_else(|e| panic!("show -json tfplan is not JSON ({e}):\n{}\n{}", shown.stdout, shown.stderr));
    let changes: Vec<Value> = plan["resource_changes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|rc| {
            let c = &rc["change"];
            let mut m = Map::new();
            m.insert("address".into(), rc["address"].clone());
            if let Some(d) = rc.get("deposed") {
                m.insert("deposed".into(), json!(!d.is_null()));
            }
            m.insert("actions".into(), c["actions"].clone());
            if let Some(reason) = rc.get("action_reason") {
                m.insert("reason".into(), reason.clone());
            }
            if let Some(prev) = rc.get("previous_address") {
                m.insert("previous_address".into(), prev.clone());
            }
            m.insert("after".into(), marked(&c["after"], &c["after_unknown"], &c["after_sensitive"]));
            Value::Object(m)
        })
        .collect();
    outcome.insert("changes".into(), Value::Array(changes));
    let outputs: Map<String, Value> = plan["output_changes"]
        .as_object()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|(k, c)| {
            let after = marked(&c["after"], &c["after_unknown"], &c["after_sensitive"]);
            (k, json!({ "actions": c["actions"], "after": after }))
        })
        .collect();
    outcome.insert("output_changes".into(), Value::Object(outputs));
    true
}

/// The state after a step, from `show -json`, and `output -json`.
fn state_outcome(tool: Tool, dir: &Path, outcome: &mut Map<String, Value>) {
    let shown = tool.run(dir, &["show", "-json", "-no-color"]);
    let state: Value = serde_json::from_str(&shown.stdout).unwrap_or(Value::Null);
    let mut resources = vec![];
    collect_resources(&state["values"]["root_module"], &mut resources);
    outcome.insert("state".into(), Value::Array(resources));
    let outputs = tool.run(dir, &["output", "-json", "-no-color"]);
    let outputs: Value = serde_json::from_str(&outputs.stdout).unwrap_or(Value::Null);
    outcome.insert("outputs".into(), masked(&outputs));
}

fn collect_resources(module: &Value, out: &mut Vec<Value>) {
    for r in module["resources"].as_array().into_iter().flatten() {
        let mut m = Map::new();
        m.insert("address".into(), r["address"].clone());
        m.insert("values".into(), marked(&r["values"], &Value::Null, &r["sensitive_values"]));
        let mut deps: Vec<Value> = r["depends_on"].as_array().cloned().unwrap_or_default();
        deps.sort_by_key(|d| d.as_str().unwrap_or("").to_string());
        if !deps.is_empty() {
            m.insert("depends_on".into(), Value::Array(deps));
        }
        if r["tainted"] == true {
            m.insert("tainted".into(), json!(true));
        }
        if r.get("deposed_key").is_some() {
            m.insert("deposed".into(), json!(true));
        }
        out.push(Value::Object(m));
    }
    for child in module["child_modules"].as_array().into_iter().flatten() {
        collect_resources(child, out);
    }
}

/// The diagnostics of a JSON UI stream (`-json`), as compared.
fn json_diagnostics(stream: &str) -> Vec<Value> {
    let diags: Vec<Value> = stream
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["type"] == "diagnostic")
        .map(|v| diagnostic(&v["diagnostic"]))
        .collect();
    in_stable_order(diags)
}

/// Diagnostics sorted and without repeats. Terraform walks independent
/// nodes in parallel, so the order of their errors changes from run to run
/// (and it reports some twice, once validating and once planning).
fn in_stable_order(mut diags: Vec<Value>) -> Vec<Value> {
    let key = |d: &Value| (d["severity"].to_string(), d["at"].to_string(), d["summary"].to_string());
    diags.sort_by_key(key);
    diags.dedup();
    diags
}

/// A diagnostic as compared: severity, summary and where it points.
fn diagnostic(d: &Value) -> Value {
    let mut m = Map::new();
    m.insert("severity".into(), d["severity"].clone());
    // The product's own name is the one difference a message may have.
    let mut summary = d["summary"].as_str().unwrap_or("").replace("Strata", "Terraform");
    if let Some(cycle) = summary.strip_prefix("Cycle: ") {
        // Terraform lists a cycle's members in no fixed order ("a, b");
        // Strata walks it ("resource.a → resource.b → resource.a").
        let mut members: Vec<&str> =
            cycle.split([',', '→']).map(|m| m.trim().trim_start_matches("resource.")).collect();
        members.sort();
        members.dedup();
        summary = format!("Cycle: {}", members.join(", "));
    }
    m.insert("summary".into(), json!(summary));
    if let Some(file) = d["range"]["filename"].as_str() {
        m.insert("at".into(), json!(format!("{file}:{}", d["range"]["start"]["line"])));
    }
    Value::Object(m)
}

/// The summaries of the errors a human rendering shows ("Error: …" lines).
fn error_summaries(text: &str) -> Vec<Value> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim_start_matches(['│', '╷', '╵', ' ', '×']);
            l.strip_prefix("Error: ").map(|s| json!({ "severity": "error", "summary": s.trim() }))
        })
        .collect()
}

/// `value` with unknown parts (per `unknown`, Terraform's `after_unknown`)
/// and sensitive parts (per `sensitive`) replaced by markers, and
/// generated IDs masked, so both tools' renderings compare by meaning.
fn marked(value: &Value, unknown: &Value, sensitive: &Value) -> Value {
    if sensitive == &Value::Bool(true) {
        return json!("<sensitive>");
    }
    if unknown == &Value::Bool(true) {
        return json!("<unknown>");
    }
    match value {
        Value::Object(fields) => {
            let mut keys: Vec<&String> = fields.keys().collect();
            if let Some(u) = unknown.as_object() {
                keys.extend(u.keys());
            }
            keys.sort();
            keys.dedup();
            let mut out = Map::new();
            for k in keys {
                let v = fields.get(k).unwrap_or(&Value::Null);
                out.insert(k.clone(), marked(v, &unknown[k.as_str()], &sensitive[k.as_str()]));
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            let len = items.len().max(unknown.as_array().map_or(0, Vec::len));
            Value::Array(
                (0..len).map(|i| marked(items.get(i).unwrap_or(&Value::Null), &unknown[i], &sensitive[i])).collect(),
            )
        }
        Value::Null if unknown.is_object() || unknown.is_array() => marked(
            &if unknown.is_object() { Value::Object(Map::new()) } else { Value::Array(vec![]) },
            unknown,
            sensitive,
        ),
        other => masked(other),
    }
}

/// Generated identifiers (terraform_data's UUIDs) replaced by `<uuid>`.
fn masked(value: &Value) -> Value {
    match value {
        Value::String(s) if is_uuid(s) => json!("<uuid>"),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), masked(v))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(masked).collect()),
        other => other.clone(),
    }
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

fn scenario_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "scn") {
                out.push(p);
            }
        }
    }
    let mut out = vec![];
    walk(&repo_root().join("tests/differential/scenarios"), &mut out);
    out.sort();
    if let Ok(only) = std::env::var("STRATA_SCENARIO") {
        out.retain(|p| p.to_string_lossy().contains(&only));
    }
    out
}

/// FNV-1a of the scenario file: a recording names the text it was made from.
fn scenario_hash(scn: &Path) -> String {
    let text = std::fs::read(scn).unwrap();
    let hash = text.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3));
    format!("{hash:016x}")
}

fn recording_path(scn: &Path) -> PathBuf {
    scn.with_extension("recorded.json")
}

/// The first step where two runs differ, shown for a failure message:
/// the paths whose values differ, Terraform's value first.
fn first_difference(name: &str, ours: &[Value], theirs: &[Value]) -> Option<String> {
    for (i, want) in theirs.iter().enumerate() {
        let got = &located_as(ours.get(i).unwrap_or(&Value::Null), want);
        if got != want {
            let mut lines = vec![];
            differing_paths("", want, got, &mut lines);
            return Some(format!(
                "{name} step {} `{}`:\n{}\n",
                i + 1,
                want["step"].as_str().unwrap_or(""),
                lines.join("\n")
            ));
        }
    }
    (ours.len() != theirs.len()).then(|| format!("{name}: {} steps, terraform {}", ours.len(), theirs.len()))
}

/// Where Strata words a diagnostic differently on purpose: Terraform's
/// summary, then Strata's. Terraform reports a module it could not load as
/// not installed, after `init` failed on it; Strata says why.
const SAME_MEANING: &[(&str, &str)] =
    &[("Module not installed", "Unreadable module directory"), ("Module not installed", "Module calls itself")];

/// `ours` with the location dropped from each diagnostic where
/// Terraform's gives none (Strata may say more where Terraform says less),
/// and summaries of the same meaning (`SAME_MEANING`) made equal.
fn located_as(ours: &Value, theirs: &Value) -> Value {
    let mut ours = ours.clone();
    for key in ["diagnostics", "apply_errors"] {
        let (Some(mine), Some(want)) = (ours.get_mut(key).and_then(Value::as_array_mut), theirs[key].as_array()) else {
            continue;
        };
        for (d, w) in mine.iter_mut().zip(want) {
            if w.get("at").is_none() {
                d.as_object_mut().map(|o| o.remove("at"));
            }
            if SAME_MEANING.iter().any(|(t, s)| w["summary"] == *t && d["summary"] == *s) {
                d["summary"] = w["summary"].clone();
            }
        }
    }
    ours
}

fn differing_paths(path: &str, want: &Value, got: &Value, out: &mut Vec<String>) {
    match (want, got) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let (x, y) = (a.get(k).unwrap_or(&Value::Null), b.get(k).unwrap_or(&Value::Null));
                differing_paths(&format!("{path}.{k}"), x, y, out);
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                let label = x["address"].as_str().map_or(i.to_string(), str::to_string);
                differing_paths(&format!("{path}[{label}]"), x, y, out);
            }
        }
        _ if want != got => out.push(format!("  {path}: terraform {want} | strata {got}")),
        _ => {}
    }
}

/// Runs `each` over `items` on a few threads.
fn in_parallel<T: Sync, R: Send>(items: &[T], each: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get() * 2).clamp(2, 8);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<(usize, R)>> = std::sync::Mutex::new(vec![]);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(item) = items.get(i) else { break };
                let r = each(item);
                results.lock().unwrap().push((i, r));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[test]
fn scenarios_match_terraform() {
    let mode = std::env::var("STRATA_DIFFERENTIAL").unwrap_or_default();
    let files = scenario_files();
    let scenarios: Vec<Scenario> = files.iter().map(|p| parse(p)).collect();
    let root = repo_root().join("tests/differential/scenarios");
    let failures: Vec<String> = in_parallel(&scenarios, |sc| {
        let name = sc.path.strip_prefix(&root).unwrap_or(&sc.path).display().to_string();
        let recorded_path = recording_path(&sc.path);
        let hash = scenario_hash(&sc.path);
        let recording: Option<Value> =
            std::fs::read_to_string(&recorded_path).ok().map(|t| serde_json::from_str(&t).unwrap());
        let recorded: Option<Vec<Value>> = recording.as_ref().and_then(|r| r["steps"].as_array().cloned());
        if mode.is_empty() && recording.as_ref().is_some_and(|r| r["scenario_hash"] != hash) {
            return Some(format!("{name}: changed since it was recorded; run with STRATA_DIFFERENTIAL=record"));
        }
        let theirs = match mode.as_str() {
            "record" | "recheck" => {
                let theirs = outcomes(sc, Tool::Terraform);
                if mode == "record" {
                    let recording = json!({ "scenario_hash": hash, "steps": theirs });
                    let mut text = serde_json::to_string_pretty(&recording).unwrap();
                    text.push('\n');
                    std::fs::write(&recorded_path, text).unwrap();
                } else if recorded.as_ref() != Some(&theirs) {
                    return Some(format!(
                        "{name}: the recording is stale\n{}",
                        first_difference(&name, recorded.as_deref().unwrap_or(&[]), &theirs).unwrap_or_default()
                    ));
                }
                theirs
            }
            _ => match recorded {
                Some(r) => r,
                None => return Some(format!("{name}: no recording; run with STRATA_DIFFERENTIAL=record")),
            },
        };
        let ours = outcomes(sc, Tool::Strata);
        match (first_difference(&name, &ours, &theirs), &sc.differs) {
            (Some(diff), None) => Some(diff),
            (None, Some(why)) => {
                Some(format!("{name}: now matches Terraform; drop its `# differs: {why}` line (and README's mention)"))
            }
            _ => None,
        }
    })
    .into_iter()
    .flatten()
    .collect();
    if std::env::var_os("STRATA_SCENARIO").is_none() {
        assert!(scenarios.len() >= 100, "the corpus holds {} scenarios; it must stay over 100", scenarios.len());
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ:\n\n{}",
        failures.len(),
        scenarios.len(),
        failures.join("\n")
    );
}
