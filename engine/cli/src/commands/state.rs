//! `strata state list` and `strata show` (of the state)

use crate::output::Ui;
use crate::workdir::WorkDir;
use std::path::Path;
use strata_diag::Diagnostic;
use strata_state::LocalState;

pub fn list(workdir: &WorkDir, state: Option<&Path>, id: Option<&str>, filters: &[String], ui: Ui) -> u8 {
    let store = LocalState::new(workdir.state_path(state));
    let st = match store.read() {
        Ok(Some(s)) => s,
        Ok(None) => {
            ui.print_diagnostics(&Diagnostic::error("No state file was found!").with_detail("State management commands require a state file. Run this command in a directory where Strata has been run or use the -state flag to point the command to a specific state location.").into());
            return 1;
        }
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            return 1;
        }
    };
    let mut out = Vec::new();
    for r in &st.resources {
        let base = match (&r.module, r.mode.as_str()) {
            (Some(m), "data") => format!("{m}.data.{}.{}", r.type_name, r.name),
            (Some(m), _) => format!("{m}.{}.{}", r.type_name, r.name),
            (None, "data") => format!("data.{}.{}", r.type_name, r.name),
            (None, _) => format!("{}.{}", r.type_name, r.name),
        };
        for i in r.instances.iter().filter(|i| i.deposed.is_none()) {
            let key = match &i.index_key {
                Some(serde_json::Value::String(s)) => format!("[{s:?}]"),
                Some(k) => format!("[{k}]"),
                None => String::new(),
            };
            let addr = format!("{base}{key}");
            if let Some(want) = id {
                if i.attributes.get("id").and_then(|v| v.as_str()) != Some(want) {
                    continue;
                }
            }
            let matches = filters.is_empty()
                || filters.iter().any(|f| {
                    addr == *f || addr.starts_with(&format!("{f}.")) || addr.starts_with(&format!("{f}[")) || base == *f
                });
            if matches {
                // Numeric keys sort as numbers ([2] before [10]), as Terraform.
                let order = match &i.index_key {
                    Some(serde_json::Value::Number(n)) => (n.as_i64().unwrap_or(0), String::new()),
                    Some(serde_json::Value::String(s)) => (0, s.clone()),
                    _ => (-1, String::new()),
                };
                out.push((base.clone(), order, addr));
            }
        }
    }
    out.sort();
    for (_, _, a) in out {
        println!("{a}");
    }
    0
}

/// `strata show`: every object in the state and the outputs, as Terraform
/// prints them; secrets as `(sensitive value)`.
pub fn show(workdir: &WorkDir, state: Option<&Path>, ui: Ui) -> u8 {
    let store = LocalState::new(workdir.state_path(state));
    let st = match store.read() {
        Ok(Some(s)) => s,
        Ok(None) => {
            println!("No state.");
            return 0;
        }
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            return 1;
        }
    };
    let registry = crate::providers::registry();
    let mut first = true;
    for r in &st.resources {
        // The provider's schema types the attributes when it is linked in.
        let source =
            r.provider.split('"').nth(1).unwrap_or("").trim_start_matches("registry.terraform.io/").to_string();
        let ty = registry.get(&source).and_then(|f| {
            let schema = f.new_instance().schema();
            let types = if r.mode == "data" { &schema.data_sources } else { &schema.resources };
            types.get(&r.type_name).map(|rs| rs.block.implied_type())
        });
        for i in r.instances.iter().filter(|i| i.deposed.is_none()) {
            let key = match &i.index_key {
                Some(serde_json::Value::String(s)) => format!("[{s:?}]"),
                Some(k) => format!("[{k}]"),
                None => String::new(),
            };
            let prefix = r.module.as_ref().map(|m| format!("{m}.")).unwrap_or_default();
            let data = if r.mode == "data" { "data." } else { "" };
            let value = match &ty {
                Some(t) => strata_lang::json::from_json_typed(&i.attributes, t),
                None => strata_lang::json::from_json_implied(&i.attributes),
            }
            .unwrap_or_else(|_| strata_lang::Value::dynamic_null());
            let value = strata_core::decode::apply_sensitive_paths(value, &i.sensitive_attributes);
            if !first {
                println!();
            }
            first = false;
            let tainted = if i.status.as_deref() == Some("tainted") { " (tainted)" } else { "" };
            println!("# {prefix}{data}{}.{}{key}:{tainted}", r.type_name, r.name);
            println!("{} {:?} {:?} {{", if r.mode == "data" { "data" } else { "resource" }, r.type_name, r.name);
            let entries = value.as_entries().cloned().unwrap_or_default();
            let shown: Vec<_> = entries.iter().filter(|(_, v)| !v.is_null()).collect();
            let width = shown.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            for (k, v) in shown {
                let text = crate::plan_view::show(v).replace('\n', "\n    ");
                println!("    {k:width$} = {text}");
            }
            println!("}}");
        }
    }
    if !st.outputs.is_empty() {
        println!("\n\nOutputs:\n");
        for (k, o) in &st.outputs {
            if o.sensitive {
                println!("{k} = (sensitive value)");
            } else {
                let t = strata_lang::Type::from_json(&o.ty).unwrap_or(strata_lang::Type::Dynamic);
                let v = strata_lang::json::from_json_typed(&o.value, &t)
                    .unwrap_or_else(|_| strata_lang::Value::dynamic_null());
                println!("{k} = {}", strata_lang::render::console(&v));
            }
        }
    }
    0
}
