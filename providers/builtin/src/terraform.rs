//! `terraform_data` (provider `terraform.io/builtin/terraform`), as
//! Terraform 1.11: `input` changes update in place (and make `output`
//! unknown until apply); `triggers_replace` changes replace; `id` is a UUID.

use crate::util::{attr, with_attr};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use strata_lang::{Type, Value};
use strata_provider::*;

pub struct Factory;

impl ProviderFactory for Factory {
    fn source(&self) -> &str {
        "terraform.io/builtin/terraform"
    }
    fn new_instance(&self) -> Arc<dyn Provider> {
        Arc::new(TerraformProvider)
    }
}

struct TerraformProvider;

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
                data_sources: BTreeMap::new(),
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
        ReadDataResponse {
            state: Value::dynamic_null(),
            diagnostics: vec![ProviderDiagnostic::error(
                "Unknown data source",
                format!("No data source {:?}.", req.type_name),
            )],
        }
    }
}
