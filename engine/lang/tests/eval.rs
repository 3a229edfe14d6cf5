//! Data-driven evaluator tests: each case is an expression and the value
//! Terraform's console prints for it (checked against Terraform 1.11.4).

use strata_diag::SourceFile;
use strata_lang::eval::{parse_expression, EmptyScope, Evaluator};
use strata_lang::functions::{CallContext, Functions};
use strata_lang::render::console;

fn eval(src: &str) -> Result<String, String> {
    let file = SourceFile::new("<test>", src);
    let expr = parse_expression(src, &file).map_err(|d| format!("parse: {}: {}", d.summary, d.detail))?;
    let functions = Functions::builtin();
    let ctx = CallContext::default();
    let ev = Evaluator::new(&EmptyScope, &functions, &ctx, &file);
    ev.eval(&expr).map(|v| console(&v)).map_err(|d| format!("{}: {}", d.summary, d.detail))
}

#[track_caller]
fn check(src: &str, want: &str) {
    match eval(src) {
        Ok(got) => assert_eq!(got, want, "for {src}"),
        Err(e) => panic!("{src}: unexpected error {e}"),
    }
}

#[track_caller]
fn check_err(src: &str, want_summary: &str) {
    match eval(src) {
        Ok(got) => panic!("{src}: expected error {want_summary:?}, got {got}"),
        Err(e) => assert!(e.starts_with(want_summary), "{src}: got error {e}"),
    }
}

#[test]
fn literals_and_operators() {
    for (src, want) in [
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("7 % 3", "1"),
        ("-7 % 3", "-1"),
        ("\"10\" + 5", "15"),
        ("0.1 + 0.2", "0.3"),
        ("10 / 4", "2.5"),
        ("true && false || true", "true"),
        ("!true", "false"),
        ("-(3)", "-3"),
        ("1 < 2", "true"),
        ("2 >= 2", "true"),
        ("1 == \"1\"", "false"),
        ("[1, 2] == [1, 2]", "true"),
        ("{a = 1, b = 2} == {b = 2, a = 1}", "true"),
        ("null == null", "true"),
        ("\"a\" != \"b\"", "true"),
        ("12345678901234567890 * 10", "123456789012345678900"),
        // Beyond f64's range, as Terraform's arbitrary precision allows.
        ("1e400 / 1e399", "10"),
        ("-2.5e-400 * 1e400", "-2.5"),
        ("[1e309, 2][1]", "2"),
        // Infinities, as cty has them (checked against Terraform 1.11.4).
        ("log(0, 10)", "-Inf"),
        ("pow(10, 400)", "+Inf"),
        ("-log(0, 10)", "+Inf"),
        ("log(0, 10) + 1", "-Inf"),
        ("tostring(log(0, 10))", r#""-Inf""#),
        ("log(0, 10) < 5", "true"),
        ("max(1, pow(10, 400))", "+Inf"),
        (r#"format("%v", log(0, 10))"#, r#""-Inf""#),
        (r#"tonumber("+Inf")"#, "+Inf"),
        ("abs(log(0, 10))", "+Inf"),
    ] {
        check(src, want);
    }
}

#[test]
fn strings_and_templates() {
    for (src, want) in [
        (r#""a\tb\\c\"d""#, r#""a\tb\\c\"d""#),
        (r#""x${10 / 4}""#, r#""x2.5""#),
        (r#""Hello, %{ if "Juan" != "" }Juan%{ else }unnamed%{ endif }!""#, r#""Hello, Juan!""#),
        (r#""${[1, 2]}""#, "[\n  1,\n  2,\n]"),
        (r#""a ${"b"} ~ c""#, r#""a b ~ c""#),
        (r#""a   ${~ "b" ~}   c""#, r#""abc""#),
        (r#""%{ for x in [1, 2, 3] ~} ${x} %{~ endfor }""#, r#""123""#),
        (r#""$${literal} %%{x}""#, r#""${literal} %{x}""#),
        ("<<EOT\nhello\nworld\nEOT\n", "<<EOT\nhello\nworld\n\nEOT"),
        ("<<-EOT\n    a\n      b\n    EOT\n", "<<EOT\na\n  b\n\nEOT"),
        (
            "<<EOT\n%{ for ip in [\"a\", \"b\"] }\nserver ${ip}\n%{ endfor }\nEOT\n",
            "<<EOT\n\nserver a\n\nserver b\n\n\nEOT",
        ),
        (r#""${true}""#, "true"),
        (r#""n=${1}""#, r#""n=1""#),
    ] {
        check(src, want);
    }
}

#[test]
fn collections_for_and_splat() {
    for (src, want) in [
        (r#"["a", "b", "c"][1]"#, r#""b""#),
        (r#"{a = {b = "c"}}.a.b"#, r#""c""#),
        (r#"{a = {b = "c"}}["a"]["b"]"#, r#""c""#),
        (r#"[for s in ["a", "", "b"] : upper(s) if s != ""]"#, "[\n  \"A\",\n  \"B\",\n]"),
        (
            r#"{for s in ["a", "b", "a"] : s => s...}"#,
            "{\n  \"a\" = [\n    \"a\",\n    \"a\",\n  ]\n  \"b\" = [\n    \"b\",\n  ]\n}",
        ),
        (r#"[for k, v in {b = 2, a = 1} : "${k}=${v}"]"#, "[\n  \"a=1\",\n  \"b=2\",\n]"),
        (r#"[for i, v in ["x", "y"] : i]"#, "[\n  0,\n  1,\n]"),
        (r#"[{a = 1}, {a = 2}][*].a"#, "[\n  1,\n  2,\n]"),
        (r#"[{a = {b = 1}}][*].a.b"#, "[\n  1,\n]"),
        (r#"{a = 1}[*].a"#, "[\n  1,\n]"),
        ("null[*]", "[]"),
        (r#"tolist([{a = 1}, {a = 2}])[*].a"#, "tolist([\n  1,\n  2,\n])"),
        (r#"[[1, 2], [3]].*[0]"#, "[\n  1,\n  2,\n]"),
        (r#"[1, 2].0"#, "1"),
        (r#"true ? "a" : "b""#, r#""a""#),
        (r#"false ? 1 : "b""#, r#""b""#),
        (r#"true ? 1 : null"#, "1"),
        (r#"{a = null, b = [null, 1]}"#, "{\n  \"a\" = null\n  \"b\" = [\n    null,\n    1,\n  ]\n}"),
        (r#"{"x y" = 1, (upper("k")) = 2}"#, "{\n  \"K\" = 2\n  \"x y\" = 1\n}"),
        (r#"toset(["b", "a", "b"])"#, "toset([\n  \"a\",\n  \"b\",\n])"),
        (r#"tomap({a = 1, b = "x"})"#, "tomap({\n  \"a\" = \"1\"\n  \"b\" = \"x\"\n})"),
    ] {
        check(src, want);
    }
}

#[test]
fn unknown_and_sensitive_values_propagate() {
    for (src, want) in [
        (r#"sensitive("x")"#, "(sensitive value)"),
        (r#"{a = sensitive("x")}"#, "{\n  \"a\" = (sensitive value)\n}"),
        (r#"upper(sensitive("x"))"#, "(sensitive value)"),
        (r#""a${sensitive("b")}""#, "(sensitive value)"),
        (r#"sensitive(1) + 1"#, "(sensitive value)"),
        (r#"[for x in sensitive([1]) : x]"#, "(sensitive value)"),
        (r#"issensitive(sensitive(1))"#, "true"),
        (r#"nonsensitive(sensitive(1))"#, "1"),
        (r#"sensitive({a = 1}).a"#, "(sensitive value)"),
        (r#"sensitive(true) ? 1 : 2"#, "(sensitive value)"),
        (r#"ephemeralasnull("not ephemeral")"#, r#""not ephemeral""#),
        // Strings are kept in Unicode NFC, as cty does: e + U+0308 is ë.
        (r#""noe\u0308l" == "no\u00ebl""#, "true"),
        (r#"upper("noe\u0308l")"#, "\"NO\u{cb}L\""),
    ] {
        check(src, want);
    }
}

#[test]
fn errors_are_reported_not_panicked() {
    for (src, want) in [
        (r#"["a", "b"][5]"#, "Invalid index"),
        (r#"{a = 1}.b"#, "Unsupported attribute"),
        (r#"1 + "a""#, "Invalid operand"),
        (r#"0 / 0"#, "Operation failed"),
        (r#"null.a"#, "Attempt to get attribute from null value"),
        (r#"[for x in null : x]"#, "Iteration over null value"),
        (r#"{for x in ["a", "a"] : x => 1}"#, "Duplicate object key"),
        (r#""x${null}""#, "Invalid template interpolation value"),
        (r#""${[1]} x""#, "Invalid template interpolation value"),
        (r#"nosuchfn(1)"#, "Call to unknown function"),
        (r#"upper()"#, "Wrong number of function arguments"),
        (r#"upper(null)"#, "Invalid function argument"),
        (r#"var.x"#, "Variables not allowed"),
        (r#"true ? [1] : "a""#, "Inconsistent conditional result types"),
        (r#"null ? 1 : 2"#, "Null condition"),
        (r#"toset([1])[0]"#, "Invalid index"),
        (r#"foo::bar(1)"#, "Call to unknown function"),
        ("1e999999999", "Invalid number literal"),
        ("log(0, 10) * 0", "Operation failed"),
        ("jsonencode(log(0, 10))", "Error in function call"),
        ("log(0, 10) + pow(10, 400)", "Operation failed"),
    ] {
        check_err(src, want);
    }
}

#[test]
fn try_and_can_catch_evaluation_errors() {
    check(r#"try({a = 1}.b, "fallback")"#, r#""fallback""#);
    check(r#"can([1][3])"#, "false");
    check(r#"can([1][0])"#, "true");
    check(r#"core::upper("a")"#, r#""A""#);
}
