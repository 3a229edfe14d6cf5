//! Table-driven tests for the numeric functions, evaluated through the real
//! evaluator; expected values are what Terraform 1.11.4 prints in its console.

mod support;

use support::{check, check_err_prefix as check_err};
#[test]
fn numeric_values() {
    for (src, want) in [
        (r#"abs(-15)"#, r#"15"#),
        (r#"abs(23)"#, r#"23"#),
        (r#"ceil(5)"#, r#"5"#),
        (r#"ceil(log(15, 2))"#, r#"4"#),
        (r#"floor(4.9)"#, r#"4"#),
        (r#"floor(5)"#, r#"5"#),
        (r#"log(10, 10)"#, r#"1"#),
        (r#"log(50, 10)"#, r#"1.6989700043360185"#),
        (r#"max(12, 54, 3)"#, r#"54"#),
        (r#"min(12, 54, 3)"#, r#"3"#),
        (r#"min([12, 54, 3]...)"#, r#"3"#),
        (r#"parseint("-00128", 10)"#, r#"-128"#),
        (r#"parseint("-10", 16)"#, r#"-16"#),
        (r#"parseint("100", 10)"#, r#"100"#),
        (r#"pow(0.5, 3.7)"#, r#"0.07694652583405726"#),
        (r#"pow(10, 0.7)"#, r#"5.011872336272722"#),
        (r#"pow(100, 0.123)"#, r#"1.7619760464116292"#),
        (r#"pow(2, -2)"#, r#"0.25"#),
        (r#"pow(2, 0.3)"#, r#"1.2311444133449163"#),
        (r#"pow(3, 2)"#, r#"9"#),
        (r#"pow(3.3, -1.25)"#, r#"0.22483171598075788"#),
        (r#"pow(7, 1.1)"#, r#"8.50369830827347"#),
        (r#"signum(-13)"#, r#"-1"#),
        (r#"signum(0)"#, r#"0"#),
        (r#"sum(["1", "2", "3"])"#, r#"6"#),
        (r#"sum([10, 13, 6, 4.5])"#, r#"33.5"#),
        (r#"sum([1476, 2093, 2092495, 64589234, 234])"#, r#"66685532"#),
    ] {
        check(src, want);
    }
}

#[test]
fn numeric_errors() {
    for (src, want) in [
        (
            r#"parseint("zz", 10)"#,
            r#"Invalid function argument: Invalid value for "number" parameter: cannot parse "zz" as a base 10 integer."#,
        ),
        (
            r#"pow(-2, 0.5)"#,
            r#"Error in function call: Call to function "pow" failed: panic in function implementation: Float.SetFloat64(NaN)"#,
        ),
    ] {
        check_err(src, want);
    }
}
