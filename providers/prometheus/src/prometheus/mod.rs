//! The `prometheus` provider (source `strata/prometheus`) for a self-hosted
//! Prometheus: `prometheus_rule_group` (a rule file in the directory
//! Prometheus loads, then a reload, then a check that Prometheus serves it;
//! `rule_group`) and `prometheus_rule_test` (promtool's rule unit tests,
//! run whenever a plan is made, so a failing test stops the plan before
//! anything is applied; `rule_test`).

mod rule_group;
mod rule_test;

use crate::http::{Auth, Http, Options, Tls};
use crate::setting;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_promrules::rules::Version;
use strata_provider::values::{bool_attr, str_attr};
use strata_provider::*;

pub struct Factory;

impl ProviderFactory for Factory {
    fn source(&self) -> &str {
        "strata/prometheus"
    }
    fn version(&self) -> &str {
        env!("CARGO_PKG_VERSION")
    }
    fn new_instance(&self) -> Arc<dyn Provider> {
        Arc::new(PrometheusProvider::default())
    }
}

#[derive(Default)]
struct PrometheusProvider {
    settings: OnceLock<Settings>,
    /// Rule files are written, reloaded and checked one group at a time:
    /// a reload loads every file, so a rollback must not undo another's.
    writing: Mutex<()>,
}

pub(crate) struct Settings {
    http: Option<Http>,
    rules_dir: Option<PathBuf>,
    promtool: String,
    version: OnceLock<Option<Version>>,
    version_setting: Option<String>,
}

impl Settings {
    fn http(&self) -> Result<&Http, ProviderDiagnostic> {
        self.http.as_ref().ok_or_else(|| {
            ProviderDiagnostic::error(
                "Prometheus URL not set",
                "The prometheus provider needs `url` (or PROMETHEUS_URL): after writing a rule file Strata reloads Prometheus and checks that it serves the rules.",
            )
        })
    }

    fn rules_dir(&self) -> Result<&PathBuf, ProviderDiagnostic> {
        self.rules_dir.as_ref().ok_or_else(|| {
            ProviderDiagnostic::error(
                "Rules directory not set",
                "The prometheus provider needs `rules_dir` (or PROMETHEUS_RULES_DIR): the directory whose files Prometheus's rule_files loads.",
            )
        })
    }

    /// The release the rules are checked for: the provider's
    /// `prometheus_version`, else what the server reports, else the newest.
    fn version(&self) -> Option<Version> {
        *self.version.get_or_init(|| {
            if let Some(v) = &self.version_setting {
                return Version::parse(v);
            }
            let resp = self.http.as_ref()?.get("/api/v1/status/buildinfo").ok()?;
            let v = resp.json().ok()?;
            Version::parse(v["data"]["version"].as_str()?)
        })
    }
}

fn provider_block() -> Block {
    let attrs = [
        ("url", Attribute::optional(Type::String).describe("Prometheus's base URL (PROMETHEUS_URL)")),
        (
            "rules_dir",
            Attribute::optional(Type::String).describe(
                "The directory rule files are written to; Prometheus's rule_files must load it (PROMETHEUS_RULES_DIR)",
            ),
        ),
        ("username", Attribute::optional(Type::String)),
        ("password", Attribute::optional(Type::String).sensitive()),
        ("bearer_token", Attribute::optional(Type::String).sensitive()),
        ("insecure_skip_verify", Attribute::optional(Type::Bool)),
        ("headers", Attribute::optional(Type::map(Type::String))),
        (
            "promtool_path",
            Attribute::optional(Type::String).describe("promtool, for prometheus_rule_test (default: on PATH)"),
        ),
        (
            "prometheus_version",
            Attribute::optional(Type::String)
                .describe("The release rules are checked for (default: what the server reports)"),
        ),
        ("timeout", Attribute::optional(Type::String).describe("Each API call's limit (default 60s)")),
    ];
    Block { attributes: attrs.into_iter().map(|(k, a)| (k.to_string(), a)).collect(), blocks: BTreeMap::new() }
}

fn schema() -> Arc<ProviderSchema> {
    static SCHEMA: OnceLock<Arc<ProviderSchema>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            Arc::new(ProviderSchema {
                provider: provider_block(),
                resources: BTreeMap::from([
                    (rule_group::TYPE.to_string(), rule_group::schema()),
                    (rule_test::TYPE.to_string(), rule_test::schema()),
                ]),
                data_sources: BTreeMap::new(),
            })
        })
        .clone()
}

fn unknown_type(type_name: &str) -> ProviderDiagnostic {
    ProviderDiagnostic::error(
        "Unknown resource type",
        format!("The provider strata/prometheus has no resource type {type_name:?}."),
    )
}

impl PrometheusProvider {
    fn settings(&self) -> &Settings {
        self.settings.get_or_init(|| {
            settings_from(&Value::dynamic_null()).unwrap_or_else(|_| Settings {
                http: None,
                rules_dir: None,
                promtool: "promtool".into(),
                version: OnceLock::new(),
                version_setting: None,
            })
        })
    }
}

fn settings_from(config: &Value) -> Result<Settings, ProviderDiagnostic> {
    let timeout = match str_attr(config, "timeout") {
        Some(t) => strata_promrules::duration::parse(&t)
            .map(Duration::from_millis)
            .map_err(|e| ProviderDiagnostic::error("Invalid timeout", e).at(vec![PathStep::Attr("timeout".into())]))?,
        None => Duration::from_secs(60),
    };
    let auth = match (
        str_attr(config, "username"),
        str_attr(config, "password"),
        setting(config, "bearer_token", Some("PROMETHEUS_BEARER_TOKEN")),
    ) {
        (Some(username), password, _) => Auth::Basic { username, password: password.unwrap_or_default() },
        (None, _, Some(token)) => Auth::Bearer(token),
        _ => Auth::None,
    };
    let headers =
        strata_provider::values::map_of(&strata_provider::values::attr(config, "headers")).into_iter().collect();
    let insecure = bool_attr(config, "insecure_skip_verify").unwrap_or(false);
    let http = match setting(config, "url", Some("PROMETHEUS_URL")) {
        Some(url) => Some(
            Http::new(&url, Options { auth, headers, timeout, tls: Tls { insecure, ..Tls::default() }, proxy: None })
                .map_err(|e| ProviderDiagnostic::error("Invalid TLS settings", e))?,
        ),
        None => None,
    };
    Ok(Settings {
        http,
        rules_dir: setting(config, "rules_dir", Some("PROMETHEUS_RULES_DIR")).map(PathBuf::from),
        promtool: setting(config, "promtool_path", Some("PROMTOOL")).unwrap_or_else(|| "promtool".into()),
        version: OnceLock::new(),
        version_setting: str_attr(config, "prometheus_version"),
    })
}

impl Provider for PrometheusProvider {
    fn schema(&self) -> Arc<ProviderSchema> {
        schema()
    }

    fn validate_resource(&self, req: ValidateResourceRequest) -> Diagnostics {
        match req.type_name {
            rule_group::TYPE => rule_group::validate(req.config, None),
            rule_test::TYPE => rule_test::validate(req.config),
            other => vec![unknown_type(other)],
        }
    }

    fn configure(&self, req: ConfigureRequest) -> Diagnostics {
        match settings_from(req.config) {
            Ok(s) => {
                if let Some(v) = &s.version_setting {
                    if Version::parse(v).is_none() {
                        return vec![ProviderDiagnostic::error(
                            "Invalid prometheus_version",
                            format!("{v:?} is not a Prometheus release such as \"2.42\" or \"3.1.0\"."),
                        )
                        .at(vec![PathStep::Attr("prometheus_version".into())])];
                    }
                }
                let _ = self.settings.set(s);
                Vec::new()
            }
            Err(d) => vec![d],
        }
    }

    fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        let result = match req.type_name {
            rule_group::TYPE => rule_group::read(self.settings(), req.current),
            rule_test::TYPE => Ok(Some(req.current.clone())),
            other => Err(unknown_type(other)),
        };
        match result {
            Ok(new_state) => ReadResourceResponse { new_state, private: Vec::new(), diagnostics: Vec::new() },
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
        if req.proposed.is_null() {
            return resp;
        }
        match req.type_name {
            rule_group::TYPE => rule_group::plan(self.settings(), req.prior, req.proposed, req.config, &mut resp),
            rule_test::TYPE => rule_test::plan(self.settings(), req.proposed, req.config, &mut resp),
            other => resp.diagnostics.push(unknown_type(other)),
        }
        resp
    }

    fn apply_resource(&self, req: ApplyRequest) -> ApplyResponse {
        let result = match req.type_name {
            rule_group::TYPE => {
                let _one_at_a_time = self.writing.lock().unwrap_or_else(|e| e.into_inner());
                rule_group::apply(self.settings(), req.prior, req.planned)
            }
            rule_test::TYPE => Ok(rule_test::apply(req.planned)),
            other => Err(unknown_type(other)),
        };
        match result {
            Ok(new_state) => ApplyResponse { new_state, private: Vec::new(), diagnostics: Vec::new() },
            // Nothing changed: the previous files are back.
            Err(d) => ApplyResponse { new_state: req.prior.clone(), private: Vec::new(), diagnostics: vec![d] },
        }
    }

    fn import_resource(&self, req: ImportRequest) -> ImportResponse {
        let found = match req.type_name {
            rule_group::TYPE => rule_group::import(self.settings(), req.id),
            other => Err(ProviderDiagnostic::error(
                "Resource import not supported",
                format!("The resource type {other:?} does not support import."),
            )),
        };
        match found {
            Ok(state) => ImportResponse {
                imported: vec![ImportedObject { type_name: req.type_name.to_string(), state, private: Vec::new() }],
                diagnostics: Vec::new(),
            },
            Err(d) => ImportResponse { imported: Vec::new(), diagnostics: vec![d] },
        }
    }

    fn read_data_source(&self, req: ReadDataRequest) -> ReadDataResponse {
        ReadDataResponse {
            state: Value::dynamic_null(),
            diagnostics: vec![ProviderDiagnostic::error(
                "Unknown data source",
                format!("The provider strata/prometheus has no data source {:?}.", req.type_name),
            )],
        }
    }

    fn find_created(&self, req: FindCreatedRequest) -> FindCreatedResponse {
        match req.type_name {
            rule_group::TYPE => match rule_group::find_created(self.settings(), req.planned) {
                Ok(Some(state)) => FindCreatedResponse {
                    found: FoundCreated::Object { state, private: Vec::new() },
                    diagnostics: Vec::new(),
                },
                Ok(None) => FindCreatedResponse { found: FoundCreated::Nothing, diagnostics: Vec::new() },
                Err(d) => FindCreatedResponse { found: FoundCreated::CannotTell, diagnostics: vec![d] },
            },
            _ => FindCreatedResponse { found: FoundCreated::Nothing, diagnostics: Vec::new() },
        }
    }
}
