//! The provider `terraform.io/builtin/terraform`, as Terraform 1.11:
//! `terraform_data` (`input` changes update in place and make `output`
//! unknown until apply; `triggers_replace` changes replace; `id` is a
//! UUID) and data `terraform_remote_state` (another configuration's root
//! outputs, read from its state; the `local` backend).

use crate::util::{attr, with_attr};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use strata_lang::{Type, Value};
use strata_provider::*;

/// The provider; `backends` reads remote states from backends other
/// than `local` (the CLI links the S3 one in, keeping the AWS SDK out of
/// this crate).
#[derive(Default)]
pub struct Factory {
    pub backends: Option<Arc<dyn RemoteStateBackends>>,
}

/// Reads a state for `terraform_remote_state` from a backend: `None` when
/// it does not know `backend`; `Ok(None)` when no state is stored there.
pub trait RemoteStateBackends: Send + Sync {
    fn read(&self, backend: &str, config: &Value, workspace: &str) -> Option<Result<Option<Vec<u8>>, String>>;
}

impl ProviderFactory for Factory {
    fn source(&self) -> &str {
        "terraform.io/builtin/terraform"
    }
    fn version(&self) -> &str {
        "1.11.4"
    }
    fn new_instance(&self) -> Arc<dyn Provider> {
        Arc::new(TerraformProvider { backends: self.backends.clone() })
    }
}

struct TerraformProvider {
    backends: Option<Arc<dyn RemoteStateBackends>>,
}

fn schema() -> Arc<ProviderSchema> {
    static SCHEMA: OnceLock<Arc<ProviderSchema>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let block = Block {
                attributes: BTreeMap::from([
                    ("id".to_string(), Attribute::computed(Type::String)),
                    ("input".to_string(), Attribute::optional(Type::Dynamic)),
                    ("output".to_string(), Attribute::computed(Type::Dynamic)),
                    ("triggers_replace".to_string(), Attribute::optional(Type::Dynamic)),
                ]),
                blocks: BTreeMap::new(),
            };
            Arc::new(ProviderSchema {
                provider: Block::default(),
                resources: BTreeMap::from([(
                    "terraform_data".to_string(),
                    ResourceSchema {
                        version: 0,
                        block,
                        read_only_wording: ReadOnlyWording::Builtin,
                        local_only: true,
                        ..Default::default()
                    },
                )]),
                data_sources: BTreeMap::from([(
                    "terraform_remote_state".to_string(),
                    ResourceSchema {
                        version: 0,
                        block: Block {
                            attributes: BTreeMap::from([
                                ("backend".to_string(), Attribute::required(Type::String)),
                                ("config".to_string(), Attribute::optional(Type::Dynamic)),
                                ("defaults".to_string(), Attribute::optional(Type::Dynamic)),
                                ("outputs".to_string(), Attribute::computed(Type::Dynamic)),
                                ("workspace".to_string(), Attribute::optional(Type::String)),
                            ]),
                            blocks: BTreeMap::new(),
                        },
                        read_only_wording: ReadOnlyWording::Builtin,
                        ..Default::default()
                    },
                )]),
            })
        })
        .clone()
}

impl Provider for TerraformProvider {
    fn schema(&self) -> Arc<ProviderSchema> {
        schema()
    }

    fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        ReadResourceResponse {
            new_state: Some(req.current.clone()),
            private: req.private.to_vec(),
            diagnostics: Vec::new(),
        }
    }

    fn plan_resource(&self, req: PlanRequest) -> PlanResponse {
        if req.proposed.is_null() {
            return PlanResponse {
                planned: req.proposed.clone(),
                requires_replace: Vec::new(),
                private: Vec::new(),
                diagnostics: Vec::new(),
            };
        }
        let creating = req.prior.is_null();
        let mut requires_replace = Vec::new();
        let mut planned = req.proposed.clone();
        // Two nulls are the same whatever their types (a typed null from
        // configuration against the untyped one read back from state).
        let same = |a: &Value, b: &Value| (a.is_null() && b.is_null()) || a.raw_equal(b);
        let triggers_changed =
            !creating && !same(&attr(req.proposed, "triggers_replace"), &attr(req.prior, "triggers_replace"));
        if triggers_changed {
            requires_replace.push(vec![PathStep::Attr("triggers_replace".into())]);
        }
        let input = attr(req.proposed, "input");
        if (creating || triggers_changed) && input.is_null() {
            // A new object's output is its input, so a null input is
            // known now; an update to null is still shown as unknown.
            planned = with_attr(&planned, "output", input);
        } else if creating || triggers_changed || !same(&input, &attr(req.prior, "input")) {
            planned = with_attr(&planned, "output", Value::unknown(input.ty()));
        }
        if creating || triggers_changed {
            planned = with_attr(&planned, "id", Value::unknown(Type::String));
        }
        PlanResponse { planned, requires_replace, private: Vec::new(), diagnostics: Vec::new() }
    }

    fn apply_resource(&self, req: ApplyRequest) -> ApplyResponse {
        if req.planned.is_null() {
            return ApplyResponse { new_state: req.planned.clone(), private: Vec::new(), diagnostics: Vec::new() };
        }
        let mut state = req.planned.clone();
        if attr(&state, "id").is_unknown() {
            state = with_attr(&state, "id", Value::string(crate::util::random_id()));
        }
        let input = attr(&state, "input");
        state = with_attr(&state, "output", input);
        ApplyResponse { new_state: state, private: Vec::new(), diagnostics: Vec::new() }
    }

    fn import_resource(&self, req: ImportRequest) -> ImportResponse {
        let state = Value::object(
            BTreeMap::from([
                ("id".to_string(), Value::string(req.id)),
                ("input".to_string(), Value::dynamic_null()),
                ("output".to_string(), Value::dynamic_null()),
                ("triggers_replace".to_string(), Value::dynamic_null()),
            ])
            .into(),
        );
        ImportResponse {
            imported: vec![ImportedObject { type_name: req.type_name.to_string(), state, private: Vec::new() }],
            diagnostics: Vec::new(),
        }
    }

    fn read_data_source(&self, req: ReadDataRequest) -> ReadDataResponse {
        if req.type_name != "terraform_remote_state" {
            return ReadDataResponse {
                state: Value::dynamic_null(),
                diagnostics: vec![ProviderDiagnostic::error(
                    "Unknown data source",
                    format!("No data source {:?}.", req.type_name),
                )],
            };
        }
        match remote_state(req.config, self.backends.as_deref()) {
            Ok(state) => ReadDataResponse { state, diagnostics: Vec::new() },
            Err(d) => ReadDataResponse { state: Value::dynamic_null(), diagnostics: vec![d] },
        }
    }
}

/// Reads `terraform_remote_state`: `defaults`, overlaid by the root
/// outputs stored in the other configuration's state (sensitive ones
/// stay sensitive).
fn remote_state(config: &Value, backends: Option<&dyn RemoteStateBackends>) -> Result<Value, ProviderDiagnostic> {
    let backend = attr(config, "backend");
    let settings = attr(config, "config");
    let workspace = attr(config, "workspace");
    let defaults = attr(config, "defaults");
    let ws = workspace.as_str().unwrap_or("default");
    let not_found = || {
        ProviderDiagnostic::error(
            "Unable to find remote state",
            "No stored state was found for the given workspace in the given backend.",
        )
        .at(vec![PathStep::Attr("workspace".into())])
    };
    let failed =
        |e: String| ProviderDiagnostic::error("Error loading state", e).at(vec![PathStep::Attr("config".into())]);
    let (text, path) = match backend.as_str() {
        Some("local") => {
            let path = local_state_path(&settings, ws)?;
            (std::fs::read_to_string(&path).map_err(|_| not_found())?, path)
        }
        Some(other) => match backends.and_then(|b| b.read(other, &settings, ws)) {
            Some(Ok(Some(bytes))) => (String::from_utf8_lossy(&bytes).into_owned(), format!("the {other} backend")),
            Some(Ok(None)) => return Err(not_found()),
            Some(Err(e)) => return Err(failed(e)),
            None => {
                return Err(ProviderDiagnostic::error(
                    "Unsupported backend for remote state",
                    format!("Strata reads terraform_remote_state from the \"local\" and \"s3\" backends; {other:?} is not supported yet."),
                )
                .at(vec![PathStep::Attr("backend".into())]))
            }
        },
        None => return Err(ProviderDiagnostic::error("Invalid backend configuration", "The backend type must be a string.")),
    };
    let mut outputs = strata_lang::Fields::new();
    if let Some(d) = defaults.as_entries() {
        for (k, v) in d.iter() {
            outputs.insert(k.clone(), v.clone());
        }
    }
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| failed(format!("The state in {path} is not valid JSON: {e}.")))?;
    let Some(stored) = doc.get("outputs").and_then(|o| o.as_object()) else { return Err(not_found()) };
    for (name, o) in stored {
        let ty = o.get("type").and_then(Type::from_json).unwrap_or(Type::Dynamic);
        let value = strata_lang::json::from_json_typed(&o["value"], &ty)
            .map_err(|e| failed(format!("Output {name:?} in {path} cannot be read: {e}.")))?;
        let sensitive = o.get("sensitive").and_then(|s| s.as_bool()).unwrap_or(false);
        outputs.insert(name.clone(), if sensitive { value.mark_sensitive() } else { value });
    }
    let mut state = strata_lang::Fields::new();
    state.insert("backend".into(), backend);
    state.insert("config".into(), settings);
    state.insert("defaults".into(), defaults);
    state.insert("outputs".into(), Value::object(outputs));
    state.insert("workspace".into(), workspace);
    Ok(Value::object(state))
}

/// Where the local backend keeps a workspace's state: `path` (default
/// `terraform.tfstate`) for the default workspace, otherwise
/// `workspace_dir/NAME/terraform.tfstate` (default `terraform.tfstate.d`).
fn local_state_path(settings: &Value, workspace: &str) -> Result<String, ProviderDiagnostic> {
    let setting = |name: &str| -> Result<Option<String>, ProviderDiagnostic> {
        match attr(settings, name) {
            v if v.is_null() => Ok(None),
            v => v.as_str().map(|s| Some(s.to_string())).ok_or_else(|| {
                ProviderDiagnostic::error(
                    "Invalid backend configuration",
                    format!("The local backend's {name:?} must be a string."),
                )
            }),
        }
    };
    if workspace == "default" {
        Ok(setting("path")?.unwrap_or_else(|| "terraform.tfstate".to_string()))
    } else {
        let dir = setting("workspace_dir")?.unwrap_or_else(|| "terraform.tfstate.d".to_string());
        Ok(format!("{dir}/{workspace}/terraform.tfstate"))
    }
}
