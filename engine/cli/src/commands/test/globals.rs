//! A test run's global variables: every value of the variables files and
//! the command line, whether or not the configuration declares it, so that
//! test files can use `var.NAME` for values the configuration does not
//! take (as Terraform's test command allows). Values the configuration
//! declares are also gathered with its types by `collect_root_variables`;
//! those win.

use std::collections::BTreeMap;
use std::path::Path;
use strata_core::VarArg;
use strata_diag::{Diagnostic, Diagnostics, SourceFile};
use strata_lang::{CallContext, EmptyScope, Evaluator, Functions, Value};

/// Root `terraform.tfvars` and `*.auto.tfvars`, `-var-file` and `-var` in
/// command-line order, then the test directory's tfvars: later wins.
/// Undeclared `-var` values are expressions (`-var 'x="a"'`), as Terraform
/// reads them; files that do not parse are left to `collect_root_variables`
/// to report.
pub fn global_values(
    dir: &Path,
    test_dir: &Path,
    var_args: &[VarArg],
    root_declares: &dyn Fn(&str) -> bool,
) -> (BTreeMap<String, Value>, Diagnostics) {
    let mut out = BTreeMap::new();
    let mut diags = Diagnostics::new();
    for f in tfvars_files(dir) {
        read_file(&f, dir, &mut out);
    }
    for a in var_args {
        match a {
            VarArg::File(p) => read_file(&dir.join(p), dir, &mut out),
            VarArg::Var(text) => {
                let Some((name, raw)) = text.split_once('=') else { continue };
                let name = name.trim();
                if root_declares(name) {
                    // Read with its declared type by collect_root_variables.
                    out.insert(name.to_string(), Value::string(raw));
                    continue;
                }
                let file = SourceFile::new(format!("<value for var.{name}>"), raw.to_string());
                match strata_lang::syntax::parse_expr(&file, raw).and_then(|e| evaluate(&e, &file, dir)) {
                    Ok(v) => {
                        out.insert(name.to_string(), v);
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
    }
    for f in tfvars_files(test_dir) {
        read_file(&f, dir, &mut out);
    }
    (out, diags)
}

/// `terraform.tfvars(.json)` then `*.auto.tfvars(.json)` by name, as they exist.
pub fn tfvars_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut autos: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"))
        .collect();
    autos.sort();
    ["terraform.tfvars", "terraform.tfvars.json"]
        .into_iter()
        .map(str::to_string)
        .chain(autos)
        .map(|n| dir.join(n))
        .filter(|p| p.is_file())
        .collect()
}

fn read_file(path: &Path, dir: &Path, out: &mut BTreeMap<String, Value>) {
    let Ok(text) = std::fs::read_to_string(path) else { return };
    let shown = path.strip_prefix(dir).unwrap_or(path).display().to_string();
    if shown.ends_with(".json") {
        let Ok(serde_json::Value::Object(obj)) = serde_json::from_str::<serde_json::Value>(&text) else { return };
        for (k, v) in obj {
            if let Ok(v) = strata_lang::json::from_json_implied(&v) {
                out.insert(k, v);
            }
        }
        return;
    }
    let file = SourceFile::new(shown, text);
    let Ok(body) = strata_lang::syntax::parse_body(&file) else { return };
    for a in body.attributes() {
        if let Ok(v) = evaluate(&a.value, &file, dir) {
            out.insert(a.key.as_str().to_string(), v);
        }
    }
}

fn evaluate(
    e: &hcl_edit::expr::Expression,
    file: &std::sync::Arc<SourceFile>,
    dir: &Path,
) -> Result<Value, Diagnostic> {
    let ctx = CallContext { base_dir: dir.to_path_buf(), plan_timestamp: None };
    Evaluator::new(&EmptyScope, &Functions::builtin(), &ctx, file).eval(e)
}
