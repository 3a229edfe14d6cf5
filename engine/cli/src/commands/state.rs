//! `strata state list`

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
