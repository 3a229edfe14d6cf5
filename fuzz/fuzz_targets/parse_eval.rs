//! Parse any input as a configuration file, evaluate every attribute
//! expression (references resolve to unknown values) and format it:
//! nothing may panic, hang or overflow the stack.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_diag::{Diagnostic, SourceFile, Span};
use strata_lang::functions::{CallContext, Functions};
use strata_lang::{Evaluator, Scope, Value};

struct Unknowns;

impl Scope for Unknowns {
    fn resolve(&self, _root: &str, attrs: &[&str], _span: &Span) -> Result<(Value, usize), Diagnostic> {
        Ok((Value::dynamic_unknown(), attrs.len().min(1)))
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = strata_fmt::format_source(text);
    let file = SourceFile::new("fuzz.tf", text);
    let Ok(body) = strata_lang::syntax::parse_body(&file) else { return };
    let functions = Functions::builtin();
    let ctx = CallContext { base_dir: std::env::temp_dir().join("strata-fuzz-nonexistent"), plan_timestamp: None };
    let ev = Evaluator::new(&Unknowns, &functions, &ctx, &file);
    let _ = strata_lang::body::evaluate_body(&ev, &body, &[]);
});
