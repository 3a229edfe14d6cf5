//! `testing_resource` (provider `strata/testing`): a resource whose
//! operations can be delayed, made to fail, or to fail half-way (leaving a
//! partial object), and whose every call is appended to the file named by
//! `STRATA_TESTING_LOG`, so tests can count calls and see their order.
//! Its computed `note` is planned from the world directory (below), so a
//! test can make the provider plan a different known value at apply.
//! Linked only into debug builds of the binary.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use strata_lang::{Type, Value};
use strata_provider::*;

pub struct Factory;

impl ProviderFactory for Factory {
    fn source(&self) -> &str {
        "strata/testing"
    }
    fn version(&self) -> &str {
        "0.1.0"
    }
    fn new_instance(&self) -> Arc<dyn Provider> {
        Arc::new(Testing::default())
    }
}

/// `provider "testing" { prefix = "..." }` prefixes every id it creates,
/// so tests can see which configuration (alias) made an object.
#[derive(Default)]
struct Testing {
    prefix: std::sync::Mutex<String>,
}

fn log(line: &str) {
    if let Ok(path) = std::env::var("STRATA_TESTING_LOG") {
        if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
            // One write per line: appends from parallel calls don't interleave.
            let _ = f.write_all(format!("{line}\n").as_bytes());
        }
    }
}

fn attr(v: &Value, name: &str) -> Value {
    v.as_entries().and_then(|m| m.get(name).cloned()).unwrap_or_else(Value::dynamic_null)
}

fn flag(v: &Value, name: &str) -> bool {
    attr(v, name).as_bool().unwrap_or(false)
}

fn text(v: &Value, name: &str) -> String {
    attr(v, name).as_str().unwrap_or_default().to_string()
}

fn delay(v: &Value) {
    if let Some(ms) = attr(v, "delay_ms").as_number().and_then(|n| n.to_i64()) {
        std::thread::sleep(std::time::Duration::from_millis(ms.clamp(0, 60_000) as u64));
    }
}

impl Testing {
    /// The object a create or update of `planned` leaves.
    fn applied(&self, planned: &Value) -> Value {
        let mut m = planned.as_entries().cloned().unwrap_or_default();
        if m.get("id").is_none_or(|v| v.is_unknown() || v.is_null()) {
            let prefix = self.prefix.lock().expect("no poisoned locks").clone();
            m.insert("id".into(), Value::string(format!("id-{prefix}{}", text(planned, "name"))));
        }
        m.insert("result".into(), Value::string(format!("{}!", text(planned, "value"))));
        if m.get("note").is_none_or(|v| v.is_unknown()) {
            m.insert("note".into(), Value::null(Type::String));
        }
        Value::object(m)
    }
}

impl Provider for Testing {
    fn configure(&self, req: ConfigureRequest) -> Diagnostics {
        log(&format!("configure {}", text(req.config, "prefix")));
        *self.prefix.lock().expect("no poisoned locks") = text(req.config, "prefix");
        Vec::new()
    }

    fn schema(&self) -> Arc<ProviderSchema> {
        let block = Block {
            attributes: BTreeMap::from([
                ("id".to_string(), Attribute::computed(Type::String)),
                ("name".to_string(), Attribute::required(Type::String).force_new()),
                ("value".to_string(), Attribute::optional(Type::String)),
                ("delay_ms".to_string(), Attribute::optional(Type::Number)),
                ("fail_create".to_string(), Attribute::optional(Type::Bool)),
                ("fail_update".to_string(), Attribute::optional(Type::Bool)),
                ("fail_delete".to_string(), Attribute::optional(Type::Bool)),
                ("partial_create".to_string(), Attribute::optional(Type::Bool)),
                ("result".to_string(), Attribute::computed(Type::String)),
                ("note".to_string(), Attribute::computed(Type::String)),
                ("untraceable".to_string(), Attribute::optional(Type::Bool)),
            ]),
            blocks: BTreeMap::new(),
        };
        let provider = Block {
            attributes: BTreeMap::from([("prefix".to_string(), Attribute::optional(Type::String))]),
            blocks: BTreeMap::new(),
        };
        let mut echo = block.clone();
        echo.attributes.remove("note");
        echo.attributes.remove("untraceable");
        Arc::new(ProviderSchema {
            provider,
            resources: BTreeMap::from([(
                "testing_resource".to_string(),
                ResourceSchema { version: 0, block: block.clone(), ..Default::default() },
            )]),
            data_sources: BTreeMap::from([(
                "testing_echo".to_string(),
                ResourceSchema { version: 0, block: echo, ..Default::default() },
            )]),
        })
    }

    /// Changes made "outside Strata" come from `STRATA_TESTING_WORLD`: a
    /// file `<name>.gone` there means the object was deleted, `<name>.value`
    /// holds a value someone set by hand.
    fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        let name = text(req.current, "name");
        log(&format!("read {name}"));
        let mut current = req.current.clone();
        if let Ok(world) = std::env::var("STRATA_TESTING_WORLD") {
            let dir = std::path::Path::new(&world);
            if dir.join(format!("{name}.gone")).exists() {
                return ReadResourceResponse { new_state: None, private: Vec::new(), diagnostics: Vec::new() };
            }
            if let Ok(v) = std::fs::read_to_string(dir.join(format!("{name}.value"))) {
                let mut m = current.as_entries().cloned().unwrap_or_default();
                m.insert("value".into(), Value::string(v.trim()));
                current = Value::object(m);
            }
        }
        ReadResourceResponse { new_state: Some(current), private: req.private.to_vec(), diagnostics: Vec::new() }
    }

    /// `<name>.note` in `STRATA_TESTING_WORLD`, when there is one, is the
    /// planned `note`; otherwise the prior one is kept.
    fn plan_resource(&self, req: PlanRequest) -> PlanResponse {
        let mut planned = req.proposed.clone();
        let noted = std::env::var("STRATA_TESTING_WORLD").ok().and_then(|w| {
            std::fs::read_to_string(std::path::Path::new(&w).join(format!("{}.note", text(&planned, "name")))).ok()
        });
        if let (Some(note), false) = (noted, planned.is_null()) {
            let mut m = planned.as_entries().cloned().unwrap_or_default();
            m.insert("note".into(), Value::string(note.trim()));
            planned = Value::object(m);
        }
        if !planned.is_null() {
            let value = attr(&planned, "value");
            let changed = req.prior.is_null() || !value.raw_equal(&attr(req.prior, "value"));
            if changed {
                let mut m = planned.as_entries().cloned().unwrap_or_default();
                m.insert("result".into(), Value::unknown(Type::String));
                planned = Value::object(m);
            }
        }
        PlanResponse { planned, requires_replace: Vec::new(), private: Vec::new(), diagnostics: Vec::new() }
    }

    fn apply_resource(&self, req: ApplyRequest) -> ApplyResponse {
        let deleting = req.planned.is_null();
        let creating = req.prior.is_null();
        let subject = if deleting { req.prior } else { req.planned };
        let name = text(subject, "name");
        let verb = if deleting {
            "delete"
        } else if creating {
            "create"
        } else {
            "update"
        };
        log(&format!("{verb} {name} start"));
        // The "remote" object exists from here on: a create's token names
        // it in the world directory (see `find_created`).
        if let (Some(token), Ok(world), false) = (req.create_token, std::env::var("STRATA_TESTING_WORLD"), deleting) {
            let _ = std::fs::write(std::path::Path::new(&world).join(format!("created-{token}")), &name);
        }
        delay(subject);
        let fail = |summary: &str| ApplyResponse {
            new_state: if deleting {
                req.prior.clone()
            } else if creating {
                Value::null(req.planned.ty())
            } else {
                req.prior.clone()
            },
            private: Vec::new(),
            diagnostics: vec![ProviderDiagnostic::error(
                summary,
                format!("testing_resource {name:?} was told to fail."),
            )],
        };
        if deleting {
            if flag(req.prior, "fail_delete") {
                return fail("Deletion failed");
            }
            log(&format!("delete {name} done"));
            return ApplyResponse { new_state: req.planned.clone(), private: Vec::new(), diagnostics: Vec::new() };
        }
        let new_state = self.applied(req.planned);
        if creating && flag(req.planned, "partial_create") {
            log(&format!("create {name} partial"));
            return ApplyResponse {
                new_state,
                private: Vec::new(),
                diagnostics: vec![ProviderDiagnostic::error(
                    "Creation failed half-way",
                    format!("testing_resource {name:?} exists but is not ready."),
                )],
            };
        }
        if (creating && flag(req.planned, "fail_create")) || (!creating && flag(req.planned, "fail_update")) {
            return fail(if creating { "Creation failed" } else { "Update failed" });
        }
        log(&format!("{verb} {name} done"));
        ApplyResponse { new_state, private: Vec::new(), diagnostics: Vec::new() }
    }

    /// A create whose token is in the world directory made its object;
    /// an `untraceable` one cannot be told.
    fn find_created(&self, req: FindCreatedRequest) -> FindCreatedResponse {
        log(&format!("find {}", text(req.planned, "name")));
        let made = std::env::var("STRATA_TESTING_WORLD")
            .is_ok_and(|w| std::path::Path::new(&w).join(format!("created-{}", req.token)).exists());
        let found = if flag(req.planned, "untraceable") {
            FoundCreated::CannotTell
        } else if made {
            FoundCreated::Object { state: self.applied(req.planned), private: Vec::new() }
        } else {
            FoundCreated::Nothing
        };
        FindCreatedResponse { found, diagnostics: Vec::new() }
    }

    fn read_data_source(&self, req: ReadDataRequest) -> ReadDataResponse {
        log(&format!("data {}", text(req.config, "name")));
        let mut m = req.config.as_entries().cloned().unwrap_or_default();
        m.insert("id".into(), Value::string(format!("data-{}", text(req.config, "name"))));
        m.insert("result".into(), Value::string(format!("{}!", text(req.config, "value"))));
        ReadDataResponse { state: Value::object(m), diagnostics: Vec::new() }
    }
}
