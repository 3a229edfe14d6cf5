//! `strata output [-json] [-raw] [NAME]`

use crate::output::Ui;
use crate::workdir::WorkDir;
use std::path::Path;
use strata_diag::Diagnostic;
use strata_lang::Value;
use strata_state::OutputState;

pub fn run(workdir: &WorkDir, json: bool, raw: bool, state: Option<&Path>, name: Option<&str>, ui: Ui) -> u8 {
    let store = match workdir.state_store(state) {
        Ok(s) => s,
        Err(d) => {
            ui.print_diagnostics(&d.into());
            return 1;
        }
    };
    let outputs = match store.read() {
        Ok(s) => s.map(|s| s.outputs).unwrap_or_default(),
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            return 1;
        }
    };
    if let Some(name) = name {
        let Some(o) = outputs.get(name) else {
            ui.print_diagnostics(
                &Diagnostic::error(format!("Output {name:?} not found"))
                    .with_detail("The output variable requested could not be found in the state file. If you recently added this to your configuration, be sure to run `strata apply`, since the state won't be updated with new output variables until that command is run.")
                    .into(),
            );
            return 1;
        };
        if json {
            println!("{}", serde_json::to_string(&o.value).expect("json"));
            return 0;
        }
        let v = value_of(o);
        if raw {
            return match (v.as_str(), v.as_number(), v.as_bool()) {
                (Some(s), _, _) => {
                    print!("{s}");
                    0
                }
                (_, Some(n), _) => {
                    print!("{n}");
                    0
                }
                (_, _, Some(b)) => {
                    print!("{b}");
                    0
                }
                _ => {
                    ui.print_diagnostics(
                        &Diagnostic::error("Unsupported value for raw output")
                            .with_detail(format!(
                                "The -raw option only supports strings, numbers, and boolean values, but output value {name:?} is {}.\n\nUse the -json option for machine-readable representations of output values that have complex types.",
                                v.ty().friendly_name()
                            ))
                            .into(),
                    );
                    1
                }
            };
        }
        println!("{}", strata_lang::render::console(&v.unmark_deep().0));
        return 0;
    }
    if json {
        let obj: serde_json::Map<String, serde_json::Value> = outputs
            .iter()
            .map(|(k, o)| (k.clone(), serde_json::json!({"sensitive": o.sensitive, "type": o.ty, "value": o.value})))
            .collect();
        println!("{}", serde_json::to_string_pretty(&serde_json::Value::Object(obj)).expect("json"));
        return 0;
    }
    if outputs.is_empty() {
        ui.print_diagnostics(
            &Diagnostic::warning("No outputs found")
                .with_detail("The state file either has no outputs defined, or all the defined outputs are empty. Please define an output in your configuration with the `output` keyword and run `strata apply` for it to become available.")
                .into(),
        );
        return 0;
    }
    for (k, o) in &outputs {
        if o.sensitive {
            println!("{k} = <sensitive>");
        } else {
            println!("{k} = {}", strata_lang::render::console(&value_of(o)));
        }
    }
    0
}

fn value_of(o: &OutputState) -> Value {
    let ty = strata_lang::Type::from_json(&o.ty).unwrap_or(strata_lang::Type::Dynamic);
    strata_lang::json::from_json_typed(&o.value, &ty)
        .unwrap_or_else(|_| strata_lang::json::from_json_implied(&o.value).unwrap_or_else(|_| Value::dynamic_null()))
}
