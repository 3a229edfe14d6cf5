//! Which backend keeps the state: local files unless `strata init` set up
//! the configuration's `backend "s3"` block. `init` records the effective
//! settings in `.terraform/terraform.tfstate` (Terraform's layout); every
//! other command uses that record and refuses to run when the block changed
//! since.

use crate::workdir::WorkDir;
use serde_json::{json, Map, Value as Json};
use std::sync::Arc;
use strata_backend_s3::{S3Backend, S3Settings};
use strata_config::{Module, TERRAFORM_COMPAT_VERSION};
use strata_diag::{Diagnostic, Span};
use strata_lang::functions::{CallContext, Functions};
use strata_lang::{Evaluator, Scope, Value};

/// What `init` recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub kind: String,
    /// Settings in effect: the block merged with `-backend-config`.
    pub config: Map<String, Json>,
    /// A digest of the block alone, to notice when it changes.
    pub hash: u64,
}

fn record_path(workdir: &WorkDir) -> std::path::PathBuf {
    workdir.dir.join(".terraform").join("terraform.tfstate")
}

/// The record `init` left, if any.
pub fn read_record(workdir: &WorkDir) -> Result<Option<Record>, Diagnostic> {
    let path = record_path(workdir);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(
                Diagnostic::error("Failed to read the backend record").with_detail(format!("{}: {e}.", path.display()))
            )
        }
    };
    let v: Json = serde_json::from_str(&text).map_err(|e| {
        Diagnostic::error("Failed to read the backend record")
            .with_detail(format!("{}: {e}. Run strata init -reconfigure.", path.display()))
    })?;
    let Some(b) = v.get("backend").filter(|b| !b.is_null()) else { return Ok(None) };
    Ok(Some(Record {
        kind: b["type"].as_str().unwrap_or_default().to_string(),
        config: b["config"].as_object().cloned().unwrap_or_default(),
        hash: b["hash"].as_u64().unwrap_or(0),
    }))
}

pub fn write_record(workdir: &WorkDir, record: Option<&Record>) -> Result<(), Diagnostic> {
    let path = record_path(workdir);
    let io = |e: std::io::Error| {
        Diagnostic::error("Failed to save the backend record").with_detail(format!("{}: {e}.", path.display()))
    };
    match record {
        None => match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io(e)),
        },
        Some(r) => {
            std::fs::create_dir_all(path.parent().expect("has a parent")).map_err(io)?;
            let v = json!({
                "version": 3,
                "terraform_version": TERRAFORM_COMPAT_VERSION,
                "backend": { "type": r.kind, "config": r.config, "hash": r.hash }
            });
            std::fs::write(&path, serde_json::to_string_pretty(&v).expect("serializes")).map_err(io)
        }
    }
}

/// Backend blocks take literal values only, as in Terraform.
struct NoReferences;

impl Scope for NoReferences {
    fn resolve(&self, _root: &str, _attrs: &[&str], span: &Span) -> Result<(Value, usize), Diagnostic> {
        Err(Diagnostic::error("Variables not allowed")
            .with_detail("Variables may not be used here: a backend is set up before anything is evaluated. Use -backend-config to pass values at init time.")
            .with_span(span.clone()))
    }
}

/// A backend block: its type, its settings as JSON, where it is.
pub type BackendBlock = (String, Map<String, Json>, Span);

/// The configuration's backend block.
pub fn configured_block(module: &Module) -> Result<Option<BackendBlock>, Diagnostic> {
    let Some(b) = module.backend() else { return Ok(None) };
    let settings = evaluate_settings(&module.dir, &b.config.body, &b.config.file)?;
    Ok(Some((b.kind.clone(), settings, b.span.clone())))
}

/// A backend block's (or `-backend-config` file's) literal settings as JSON.
pub fn evaluate_settings(
    base_dir: &std::path::Path,
    body: &hcl_edit::structure::Body,
    file: &std::sync::Arc<strata_diag::SourceFile>,
) -> Result<Map<String, Json>, Diagnostic> {
    let functions = Functions::builtin();
    let ctx = CallContext { base_dir: base_dir.to_path_buf(), plan_timestamp: None };
    let ev = Evaluator::new(&NoReferences, &functions, &ctx, file);
    let body = strata_lang::body::evaluate_body(&ev, body, &[])
        .map_err(|ds| ds.into_iter().next().unwrap_or_else(|| Diagnostic::error("Invalid backend configuration")))?;
    Ok(body_json(&body))
}

fn body_json(body: &strata_lang::body::EvaluatedBody) -> Map<String, Json> {
    let mut out = Map::new();
    for (name, (v, _)) in &body.attributes {
        out.insert(name.clone(), strata_lang::json::to_json(&v.unmark_deep().0));
    }
    for block in &body.blocks {
        out.insert(block.block_type.clone(), Json::Object(body_json(&block.body)));
    }
    out
}

/// Whether every setting the block gives is recorded with the same value
/// (the record also holds `-backend-config` values, and Terraform's record
/// lists every argument, unset ones as null).
fn settings_within(block: &Map<String, Json>, record: &Map<String, Json>) -> bool {
    block.iter().all(|(k, v)| match (v, record.get(k)) {
        (Json::Null, _) => true,
        (Json::Object(inner), Some(Json::Object(rec))) => settings_within(inner, rec),
        (v, Some(r)) => v == r || v.to_string().trim_matches('"') == r.to_string().trim_matches('"'),
        (_, None) => false,
    })
}

/// A stable digest of settings (FNV-1a over sorted JSON).
pub fn digest(config: &Map<String, Json>) -> u64 {
    let sorted: std::collections::BTreeMap<&String, &Json> = config.iter().collect();
    let text = serde_json::to_string(&sorted).expect("serializes");
    text.bytes().fold(0xcbf29ce484222325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100000001b3))
}

/// The backends `terraform_remote_state` reads besides `local`: `s3`,
/// with the settings of a `backend "s3"` block.
pub struct RemoteStates;

impl strata_providers_builtin::RemoteStateBackends for RemoteStates {
    fn read(
        &self,
        backend: &str,
        config: &strata_lang::Value,
        workspace: &str,
    ) -> Option<Result<Option<Vec<u8>>, String>> {
        if backend != "s3" {
            return None;
        }
        let json = strata_lang::json::to_json(&config.unmark_deep().0);
        let empty = serde_json::Map::new();
        let settings = match S3Settings::from_json(json.as_object().unwrap_or(&empty)) {
            Ok(s) => s,
            Err(e) => return Some(Err(format!("The backend \"s3\" setting {:?}: {}", e.setting, e.message))),
        };
        Some(S3Backend::new(settings).and_then(|b| b.storage(workspace).read()).map_err(|e| {
            let d = e.to_diagnostic();
            format!("{}: {}", d.summary, d.detail)
        }))
    }
}

/// Connects to the recorded S3 backend.
pub fn connect(record: &Record) -> Result<Arc<S3Backend>, Diagnostic> {
    let settings = S3Settings::from_json(&record.config).map_err(|e| {
        Diagnostic::error("Invalid backend configuration")
            .with_detail(format!("The backend \"s3\" setting {:?}: {}", e.setting, e.message))
    })?;
    S3Backend::new(settings).map(Arc::new).map_err(|e| e.to_diagnostic())
}

/// Refuses to go on when the configuration's backend block no longer
/// matches what `init` set up, as Terraform does.
pub fn check_initialized(workdir: &WorkDir, module: &Module) -> Result<(), Diagnostic> {
    let record = read_record(workdir)?;
    let block = configured_block(module)?;
    match (block, record) {
        (None, None) => Ok(()),
        (Some((kind, _, span)), None) => Err(Diagnostic::error("Backend initialization required, please run \"strata init\"")
            .with_detail(format!("Reason: Initial configuration of the requested backend {kind:?}.\n\nThe \"backend\" is the interface that Strata uses to store state. Run \"strata init\" to set it up; local state can be copied into it with -migrate-state."))
            .with_span(span)),
        (None, Some(r)) => Err(Diagnostic::error("Backend initialization required, please run \"strata init\"").with_detail(format!(
            "Reason: Unsetting the previously set backend {:?}.\n\nRun \"strata init -migrate-state\" to copy the state back to local files, or \"strata init -reconfigure\" to forget the old backend.",
            r.kind
        ))),
        (Some((kind, config, span)), Some(r)) => {
            if kind != r.kind || !settings_within(&config, &r.config) {
                Err(Diagnostic::error("Backend initialization required, please run \"strata init\"")
                    .with_detail("Reason: Backend configuration block has changed.\n\nThe backend block changed since \"strata init\". Run \"strata init -migrate-state\" to move the state to the new settings, or \"strata init -reconfigure\" to use them without moving anything.")
                    .with_span(span))
            } else {
                Ok(())
            }
        }
    }
}
