//! The `alertmanager` provider (source `strata/alertmanager`): a
//! self-hosted Alertmanager's configuration file (`alertmanager_config`,
//! `config`, its typed model and YAML in `model`) and its silences
//! (`alertmanager_silence`, `silence`, through API v2). The provider block
//! names the server (`url`), the file it loads (`config_file`) and the
//! credentials; secrets never reach a message.

mod config;
mod model;
mod silence;
mod time;

use crate::http::{Auth, Http, Options, Tls};
use crate::setting;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::*;

pub struct Factory;

impl ProviderFactory for Factory {
    fn source(&self) -> &str {
        "strata/alertmanager"
    }
    fn version(&self) -> &str {
        "0.1.0"
    }
    fn new_instance(&self) -> Arc<dyn Provider> {
        Arc::new(AlertmanagerProvider { settings: RwLock::new(None) })
    }
}

/// What `configure` found.
#[derive(Clone)]
pub(crate) struct Settings {
    pub http: Http,
    /// The `alertmanager.yml` the server loads, when configured.
    pub config_file: Option<String>,
}

struct AlertmanagerProvider {
    settings: RwLock<Option<Settings>>,
}

/// A failed apply: the state to keep, and why.
pub(crate) type Failed = Box<(Value, ProviderDiagnostic)>;

pub(crate) const CONFIG: &str = "alertmanager_config";
pub(crate) const SILENCE: &str = "alertmanager_silence";

fn schema() -> Arc<ProviderSchema> {
    static SCHEMA: OnceLock<Arc<ProviderSchema>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let attrs = [
                (
                    "url",
                    Attribute::optional(Type::String).describe("The Alertmanager's base URL (env ALERTMANAGER_URL)."),
                ),
                (
                    "config_file",
                    Attribute::optional(Type::String)
                        .describe("The alertmanager.yml the server loads (env ALERTMANAGER_CONFIG_FILE)."),
                ),
                ("username", Attribute::optional(Type::String)),
                ("password", Attribute::optional(Type::String).sensitive()),
                ("bearer_token", Attribute::optional(Type::String).sensitive()),
                ("insecure_skip_verify", Attribute::optional(Type::Bool)),
                ("headers", Attribute::optional(Type::map(Type::String))),
            ];
            let provider = Block {
                attributes: attrs.into_iter().map(|(k, a)| (k.to_string(), a)).collect(),
                blocks: BTreeMap::new(),
            };
            let rs = |block: Block| ResourceSchema { version: 0, block, ..Default::default() };
            Arc::new(ProviderSchema {
                provider,
                resources: BTreeMap::from([
                    (CONFIG.to_string(), rs(model::config_block().clone())),
                    (SILENCE.to_string(), rs(silence::block())),
                ]),
                data_sources: BTreeMap::new(),
            })
        })
        .clone()
}

pub(crate) use strata_provider::values::{attr, str_attr, with_attr};

pub(crate) fn path(name: &str) -> AttributePath {
    vec![PathStep::Attr(name.to_string())]
}

impl AlertmanagerProvider {
    fn settings(&self) -> Result<Settings, ProviderDiagnostic> {
        self.settings.read().ok().and_then(|s| s.clone()).ok_or_else(|| {
            ProviderDiagnostic::error("Provider not configured", "The alertmanager provider was not configured.")
        })
    }
}

impl Provider for AlertmanagerProvider {
    fn schema(&self) -> Arc<ProviderSchema> {
        schema()
    }

    fn validate_resource(&self, req: ValidateResourceRequest) -> Diagnostics {
        match req.type_name {
            CONFIG => config::validate(req.config),
            SILENCE => silence::validate(req.config),
            _ => Vec::new(),
        }
    }

    fn configure(&self, req: ConfigureRequest) -> Diagnostics {
        let c = req.config;
        let mut diags = Vec::new();
        let url = setting(c, "url", Some("ALERTMANAGER_URL"));
        let Some(url) = url else {
            return vec![ProviderDiagnostic::error(
                "Missing Alertmanager URL",
                "Set `url` in the provider block or the ALERTMANAGER_URL environment variable.",
            )
            .at(path("url"))];
        };
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            diags.push(
                ProviderDiagnostic::error(
                    "Invalid Alertmanager URL",
                    format!("{url:?} is not an http:// or https:// URL."),
                )
                .at(path("url")),
            );
        }
        let bearer = setting(c, "bearer_token", None);
        let username = setting(c, "username", None);
        let password = setting(c, "password", None);
        let auth = match (bearer, username) {
            (Some(_), Some(_)) => {
                diags.push(
                    ProviderDiagnostic::error(
                        "Conflicting credentials",
                        "Set either `username`/`password` (basic auth) or `bearer_token`, not both.",
                    )
                    .at(path("bearer_token")),
                );
                Auth::None
            }
            (Some(t), None) => Auth::Bearer(t),
            (None, Some(u)) => Auth::Basic { username: u, password: password.unwrap_or_default() },
            (None, None) => Auth::None,
        };
        let headers: Vec<(String, String)> = attr(c, "headers")
            .unmark_deep()
            .0
            .as_entries()
            .map(|m| m.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string()))).collect())
            .unwrap_or_default();
        let insecure = attr(c, "insecure_skip_verify").unmark_deep().0.as_bool().unwrap_or(false);
        if has_errors(&diags) {
            return diags;
        }
        let options = Options {
            auth,
            headers,
            timeout: Duration::from_secs(60),
            tls: Tls { insecure, ..Tls::default() },
            proxy: None,
        };
        let http = match Http::new(&url, options) {
            Ok(h) => h,
            Err(e) => return vec![ProviderDiagnostic::error("Invalid TLS settings", e)],
        };
        let config_file = setting(c, "config_file", Some("ALERTMANAGER_CONFIG_FILE"));
        if let Ok(mut s) = self.settings.write() {
            *s = Some(Settings { http, config_file });
        }
        diags
    }

    fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        let settings = match self.settings() {
            Ok(s) => s,
            Err(d) => {
                return ReadResourceResponse {
                    new_state: Some(req.current.clone()),
                    private: Vec::new(),
                    diagnostics: vec![d],
                }
            }
        };
        let result = match req.type_name {
            CONFIG => config::read(&settings, req.current),
            SILENCE => silence::read(&settings, req.current),
            other => Err(unknown_type(other)),
        };
        match result {
            Ok(state) => ReadResourceResponse { new_state: state, private: Vec::new(), diagnostics: Vec::new() },
            Err(d) => {
                ReadResourceResponse { new_state: Some(req.current.clone()), private: Vec::new(), diagnostics: vec![d] }
            }
        }
    }

    fn plan_resource(&self, req: PlanRequest) -> PlanResponse {
        let mut resp = PlanResponse {
            planned: req.proposed.clone(),
            requires_replace: Vec::new(),
            private: Vec::new(),
            diagnostics: Vec::new(),
        };
        if req.proposed.is_null() || req.config.is_null() {
            return resp;
        }
        let settings = self.settings().ok();
        match req.type_name {
            CONFIG => config::plan(settings.as_ref(), &req, &mut resp),
            SILENCE => silence::plan(&req, &mut resp),
            other => resp.diagnostics.push(unknown_type(other)),
        }
        resp
    }

    fn apply_resource(&self, req: ApplyRequest) -> ApplyResponse {
        let settings = match self.settings() {
            Ok(s) => s,
            Err(d) => return ApplyResponse { new_state: req.prior.clone(), private: Vec::new(), diagnostics: vec![d] },
        };
        let result = match req.type_name {
            CONFIG => config::apply(&settings, &req),
            SILENCE => silence::apply(&settings, &req),
            other => Err(Box::new((req.prior.clone(), unknown_type(other)))),
        };
        match result {
            Ok(state) => ApplyResponse { new_state: state, private: Vec::new(), diagnostics: Vec::new() },
            Err(failed) => {
                let (state, d) = *failed;
                ApplyResponse { new_state: state, private: Vec::new(), diagnostics: vec![d] }
            }
        }
    }

    fn import_resource(&self, req: ImportRequest) -> ImportResponse {
        let result = self.settings().and_then(|s| match req.type_name {
            CONFIG => config::import(&s, req.id),
            SILENCE => silence::import(&s, req.id),
            other => Err(unknown_type(other)),
        });
        match result {
            Ok(state) => ImportResponse {
                imported: vec![ImportedObject { type_name: req.type_name.to_string(), state, private: Vec::new() }],
                diagnostics: Vec::new(),
            },
            Err(d) => ImportResponse { imported: Vec::new(), diagnostics: vec![d] },
        }
    }

    fn find_created(&self, req: FindCreatedRequest) -> FindCreatedResponse {
        let result = self.settings().and_then(|s| match req.type_name {
            CONFIG => config::find_created(&s, req.planned),
            SILENCE => silence::find_created(&s, req.planned),
            other => Err(unknown_type(other)),
        });
        match result {
            Ok(Some(state)) => FindCreatedResponse {
                found: FoundCreated::Object { state, private: Vec::new() },
                diagnostics: Vec::new(),
            },
            Ok(None) => FindCreatedResponse { found: FoundCreated::Nothing, diagnostics: Vec::new() },
            Err(d) => FindCreatedResponse { found: FoundCreated::CannotTell, diagnostics: vec![d] },
        }
    }

    fn read_data_source(&self, req: ReadDataRequest) -> ReadDataResponse {
        ReadDataResponse {
            state: Value::dynamic_null(),
            diagnostics: vec![ProviderDiagnostic::error(
                "Unknown data source",
                format!("The provider strata/alertmanager has no data source {:?}.", req.type_name),
            )],
        }
    }
}

fn unknown_type(name: &str) -> ProviderDiagnostic {
    ProviderDiagnostic::error(
        "Unknown resource type",
        format!("The provider strata/alertmanager has no resource type {name:?}."),
    )
}
