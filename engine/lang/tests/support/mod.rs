//! The harness shared by the function tests: evaluate an expression through
//! the real evaluator and render it as Terraform's console does.
#![allow(dead_code)]

use std::path::PathBuf;
use strata_diag::{Diagnostic, SourceFile, Span};
use strata_lang::eval::{parse_expression, Evaluator, Scope};
use strata_lang::functions::{CallContext, Functions};
use strata_lang::render::console;
use strata_lang::{Type, Value};

/// `var.unknown_*` are unknown values of the named type, `var.secret` a
/// sensitive string and `path.module` the call context's base directory.
pub struct TestScope(pub String);

impl Scope for TestScope {
    fn resolve(&self, root: &str, attrs: &[&str], span: &Span) -> Result<(Value, usize), Diagnostic> {
        let v = match (root, attrs.first().copied()) {
            ("var", Some("unknown_string")) => Value::unknown(Type::String),
            ("var", Some("unknown_number")) => Value::unknown(Type::Number),
            ("var", Some("unknown_bool")) => Value::unknown(Type::Bool),
            ("var", Some("unknown_list")) => Value::unknown(Type::list(Type::String)),
            ("var", Some("unknown_map")) => Value::unknown(Type::map(Type::String)),
            ("var", Some("unknown")) => Value::dynamic_unknown(),
            ("var", Some("secret")) => Value::string("s3cr3t").mark_sensitive(),
            ("path", Some("module")) => Value::string(self.0.as_str()),
            _ => return Err(Diagnostic::error("Unknown reference").with_span(span.clone())),
        };
        Ok((v, 1))
    }
}

/// Evaluates `src` with `base` as `path.module`; the console rendering, or
/// "summary: detail" of the error.
pub fn eval_in(src: &str, base: &str) -> Result<String, String> {
    let file = SourceFile::new("<test>", src);
    let expr = parse_expression(src, &file).map_err(|d| format!("parse: {}: {}", d.summary, d.detail))?;
    let functions = Functions::builtin();
    let ctx = CallContext { base_dir: PathBuf::from(base), plan_timestamp: None };
    let scope = TestScope(base.to_string());
    let ev = Evaluator::new(&scope, &functions, &ctx, &file);
    ev.eval(&expr).map(|v| console(&v)).map_err(|d| format!("{}: {}", d.summary, d.detail))
}

pub fn eval(src: &str) -> Result<String, String> {
    eval_in(src, ".")
}

#[track_caller]
pub fn check(src: &str, want: &str) {
    match eval(src) {
        Ok(got) => assert_eq!(got, want, "for {src}"),
        Err(e) => panic!("{src}: unexpected error {e}"),
    }
}

/// The error must start with `want` (usually the summary).
#[track_caller]
pub fn check_err_prefix(src: &str, want: &str) {
    match eval(src) {
        Ok(got) => panic!("{src}: expected error {want:?}, got {got}"),
        Err(e) => assert!(e.starts_with(want), "{src}: got error {e}"),
    }
}

/// The error must contain `want` anywhere.
#[track_caller]
pub fn check_err_containing(src: &str, want: &str) {
    match eval(src) {
        Ok(got) => panic!("{src}: expected error {want:?}, got {got}"),
        Err(e) => assert!(e.contains(want), "{src}: got error {e}"),
    }
}
