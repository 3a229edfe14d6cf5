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
        (r#"0 / 0"#, r#"Operation failed: Error during operation: can't divide zero by zero or infinity by infinity."#),
        (
            r#"log(0, 10) / log(0, 10)"#,
            r#"Operation failed: Error during operation: can't divide zero by zero or infinity by infinity."#,
        ),
        (
            r#"log(0, 10) + -log(0, 10)"#,
            r#"Operation failed: Error during operation: can't compute sum of opposing infinities."#,
        ),
        (
            r#"log(0, 10) - log(0, 10)"#,
            r#"Operation failed: Error during operation: can't subtract infinity from itself."#,
        ),
        (r#"5 % log(0, 10)"#, r#"Operation failed: Error during operation: can't use modulo with zero and infinity."#),
        (
            r#"log(0, 10) % 2"#,
            r#"Operation failed: Error during operation: panic in function implementation: runtime error: invalid memory address or nil pointer dereference"#,
        ),
        (
            r#"sum([log(0, 10), -log(0, 10)])"#,
            r#"Error in function call: Call to function "sum" failed: can't compute sum of opposing infinities."#,
        ),
        (
            r#"pow(-2, 0.5)"#,
            r#"Error in function call: Call to function "pow" failed: panic in function implementation: Float.SetFloat64(NaN)"#,
        ),
    ] {
        check_err(src, want);
    }
}

/// Negative zero as cty keeps it: made by negation, products, quotients and
/// parsing; printed as `-0`; equal to `0` but a separate set element.
#[test]
fn negative_zero() {
    for (src, want) in [
        (r#"-0"#, r#"-0"#),
        (r#"0 * -1"#, r#"-0"#),
        (r#"-(0)"#, r#"-0"#),
        (r#"-(-0)"#, r#"0"#),
        (r#"jsondecode("-0")"#, r#"-0"#),
        (
            r#"jsondecode("[-0, -0.0, -0e5]")"#,
            r#"[
  -0,
  -0,
  -0,
]"#,
        ),
        (r#"tonumber("-0.0")"#, r#"-0"#),
        (r#"tostring(-0)"#, r#""-0""#),
        (r#"jsonencode({a = -0, b = [-0]})"#, r#""{\"a\":-0,\"b\":[-0]}""#),
        (r#""${-0}""#, r#"-0"#),
        (
            r#"{ (-0) = 1 }"#,
            r#"{
  "-0" = 1
}"#,
        ),
        (r#"abs(0 * -1)"#, r#"0"#),
        (r#"-abs(0)"#, r#"-0"#),
        (r#"signum(0 * -1)"#, r#"0"#),
        (r#"floor(0 * -1)"#, r#"0"#),
        (r#"ceil(-0.5)"#, r#"0"#),
        (r#"max(0 * -1, 0)"#, r#"-0"#),
        (r#"min(0, 0 * -1)"#, r#"0"#),
        (r#"min(0 * -1, 0)"#, r#"-0"#),
        (r#"sum([0 * -1, 0 * -1])"#, r#"-0"#),
        (r#"sum([0, 0 * -1])"#, r#"0"#),
        (r#"-0 == 0"#, r#"true"#),
        (r#"0 * -1 < 0"#, r#"false"#),
        (r#"-0 - 0"#, r#"-0"#),
        (r#"-0 + -0"#, r#"-0"#),
        (r#"(0 * -1) - (0 * -1)"#, r#"0"#),
        (r#"0 - (0 * -1)"#, r#"0"#),
        (r#"-2 + 2"#, r#"0"#),
        (r#"0 / -1"#, r#"-0"#),
        (r#"(0 * -1) % 3"#, r#"-0"#),
        (r#"0 % -3"#, r#"0"#),
        (r#"5 % 0"#, r#"5"#),
        (r#"-5 % 0"#, r#"-5"#),
        (r#"1 / 0"#, r#"+Inf"#),
        (r#"-1 / 0"#, r#"-Inf"#),
        (r#"1 / (0 * -1)"#, r#"-Inf"#),
        (r#"parseint("-0", 10)"#, r#"0"#),
        (r#"pow(0 * -1, 3)"#, r#"-0"#),
        (r#"pow(0 * -1, -1)"#, r#"-Inf"#),
        (
            r#"toset([0, 0 * -1, 1, -1])"#,
            r#"toset([
  -1,
  -0,
  0,
  1,
])"#,
        ),
        (
            r#"distinct([0, 0 * -1])"#,
            r#"tolist([
  0,
])"#,
        ),
        (r#"toset([0 * -1]) == toset([0])"#, r#"false"#),
        (r#"[0 * -1] == [0]"#, r#"true"#),
        (r#"contains([0], 0 * -1)"#, r#"true"#),
        (
            r#"format("%v|%d|%f|%e|%g|%5.1f|%q", -0, -0, -0, -0, -0, -0, -0)"#,
            r#""-0|0|-0.000000|-0.000000e+00|-0| -0.0|\"-0\"""#,
        ),
        (r#"format("%x|%b|%o", -0, -0, -0)"#, r#""0|0|0""#),
        (r#"log(1, 10) * -1"#, r#"-0"#),
        (
            r#"range(0 * -1, 2)"#,
            r#"tolist([
  -0,
  1,
])"#,
        ),
        (r#"coalesce(0 * -1, 1)"#, r#"-0"#),
    ] {
        check(src, want);
    }
}

/// Numbers keep their precision as cty's do: `pow` and `log` results are
/// float64 (53 bits, computed as Go's amd64 `math.Pow`/`math.Exp`/`math.Log`
/// do), function-made integers 64 bits, literals 512; operations round at
/// the larger precision.
#[test]
fn float64_results_and_precision() {
    for (src, want) in [
        (r#"pow(2, 0.5) * 1"#, r#"1.4142135623730951454746218587388284504413604736328125"#),
        (r#"pow(2, 0.5) + 0"#, r#"1.4142135623730951454746218587388284504413604736328125"#),
        (r#"log(2, 10) / 3"#, r#"0.10034333188799371416877193041727878153324127197265625"#),
        (r#"pow(2, 0.5) * pow(2, 0.5)"#, r#"2.00000000000000027343234630647693"#),
        (r#"pow(2, 0.5) == pow(2, 0.5) * 1"#, r#"false"#),
        (r#"pow(2, 0.5) == 1.4142135623730951"#, r#"true"#),
        (r#"length([1]) / length([1, 2, 3])"#, r#"0.33333333333333333334"#),
        (r#"parseint("1", 10) / parseint("3", 10)"#, r#"0.33333333333333333334"#),
        (
            r#"[for i, v in ["a", "b", "c"] : i / 3]"#,
            r#"[
  0,
  0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335,
  0.6666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666667,
]"#,
        ),
        (r#"length("abc") / 3"#, r#"1"#),
        (r#"pow(2, 60)"#, r#"1152921504606847000"#),
        (r#"pow(2, 60) * 1"#, r#"1152921504606846976"#),
        (
            r#"pow(2, -1074.5)"#,
            r#"0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000004940656458412465"#,
        ),
        (r#"pow(1.5, 2.5)"#, r#"2.7556759606310757"#),
        (r#"pow(3.7, 2.3)"#, r#"20.270476851916438"#),
        (r#"pow(2.5, 3.25)"#, r#"19.647397338795866"#),
        (r#"pow(12.34, 5.678)"#, r#"1572126.4582477359"#),
        (r#"pow(0.9, 100.1)"#, r#"0.00002628301572416507"#),
        (r#"pow(2, 0.5) % 1"#, r#"0.41421356237309515"#),
        (r#"format("%.20f", pow(2, 0.5))"#, r#""1.41421356237309514547""#),
        (r#"log(0, 10) + 1"#, r#"-Inf"#),
    ] {
        check(src, want);
    }
}

/// tostring/tonumber/tobool/tolist/toset/tomap as Terraform's MakeToFunc.
#[test]
fn type_conversions() {
    for (src, want) in [
        (r#"tonumber(null)"#, r#"tonumber(null)"#),
        (r#"tonumber(sensitive("1"))"#, r#"(sensitive value)"#),
        (r#"tobool("1")"#, r#"true"#),
        (r#"tobool("0")"#, r#"false"#),
        (r#"tostring(null)"#, r#"tostring(null)"#),
        (r#"tostring(true)"#, r#""true""#),
        (r#"tostring(1.5)"#, r#""1.5""#),
        (
            r#"toset([{a = 1}, {b = "x"}])"#,
            r#"toset([
  tomap({
    "a" = "1"
  }),
  tomap({
    "b" = "x"
  }),
])"#,
        ),
        (
            r#"tomap({a = {x = 1}, b = {y = 2}})"#,
            r#"tomap({
  "a" = tomap({
    "x" = 1
  })
  "b" = tomap({
    "y" = 2
  })
})"#,
        ),
        (r#"tolist(null)"#, r#"tolist(null) /* of dynamic */"#),
        (r#"tomap(null)"#, r#"tomap(null) /* of dynamic */"#),
        (
            r#"tolist([sensitive("a"), "b"])"#,
            r#"tolist([
  (sensitive value),
  "b",
])"#,
        ),
    ] {
        check(src, want);
    }
}

/// Terraform's conversion messages: type errors, quoted strings, sensitive values.
#[test]
fn type_conversion_errors() {
    for (src, want) in [
        (
            r#"tonumber("0x10")"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert "0x10" to number; given string must be a decimal representation of a number."#,
        ),
        (
            r#"tonumber(true)"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert bool to number."#,
        ),
        (
            r#"tonumber([])"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert tuple to number."#,
        ),
        (
            r#"tonumber(sensitive("x"))"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert this sensitive string to number."#,
        ),
        (
            r#"tobool("True")"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert "True" to bool; only the strings "true" or "false" are allowed."#,
        ),
        (
            r#"tobool("yes")"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert "yes" to bool; only the strings "true" or "false" are allowed."#,
        ),
        (
            r#"tobool(1)"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert number to bool."#,
        ),
        (
            r#"tobool(sensitive("x"))"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert this sensitive string to bool."#,
        ),
        (
            r#"tostring([])"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert tuple to string."#,
        ),
        (
            r#"tostring({})"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert object to string."#,
        ),
        (
            r#"tolist("a")"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert string to list of any single type."#,
        ),
        (
            r#"tolist({a = 1})"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert object to list of any single type."#,
        ),
        (
            r#"tolist([1, [2]])"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert tuple to list of any single type."#,
        ),
        (
            r#"toset("a")"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert string to set of any single type."#,
        ),
        (
            r#"tomap([1])"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert tuple to map of any single type."#,
        ),
        (
            r#"tomap({a = [1], b = "x"})"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert object to map of any single type."#,
        ),
        (
            r#"tomap("a")"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert string to map of any single type."#,
        ),
        (
            r#"tonumber("")"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert "" to number; given string must be a decimal representation of a number."#,
        ),
        (
            r#"tobool("")"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert "" to bool; only the strings "true" or "false" are allowed."#,
        ),
        (
            r#"tonumber(sensitive(true))"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert bool to number."#,
        ),
        (
            r#"tolist(sensitive("a"))"#,
            r#"Invalid function argument: Invalid value for "v" parameter: cannot convert string to list of any single type."#,
        ),
    ] {
        check_err(src, want);
    }
}
