//! Table-driven tests for the string functions, evaluated through the real
//! evaluator; expected values are what Terraform 1.11.4 prints in its console.

mod support;

use support::{check, check_err_prefix as check_err};
#[test]
fn string_values() {
    for (src, want) in [
        (r#"format("%5.2f|%-4d|%q", 3.14159, 7, "x")"#, r#"" 3.14|7   |\"x\"""#),
        (
            r#"format("%10.3e|%-8.2f|%+d|% d|%x|%#x|%#o|%b|%08.3f|%g|%.3g|%G", 12345.678, 3.14159, 5, 5, 255, 255, 8, 5, -3.14159, 0.00001234, 1234567, 1e21)"#,
            r#"" 1.235e+04|3.14    |+5| 5|ff|0xff|010|101|-003.142|1.234e-05|1.23e+06|1E+21""#,
        ),
        (
            r#"format("%v %v %v %v %v", "a", 1.5, true, [1,"a"], {b=1,a=null})"#,
            r#""a 1.5 true [1,\"a\"] {\"a\":null,\"b\":1}""#,
        ),
        (r#"format("%#v", "a")"#, r#""\"a\"""#),
        (r#"format("%#v", [1, 2])"#, r#""[1,2]""#),
        (r#"format("%v", null)"#, r#"(known after apply)"#),
        (r#"format("%s", null)"#, r#"(known after apply)"#),
        (r#"format("%t", "true")"#, r#""true""#),
        (r#"format("%5t|", true)"#, r#""true|""#),
        (r#"format("%[2]s %[1]s", "a", "b")"#, r#""b a""#),
        (r#"format("%.2s|%5.1s|%-5s|%05s", "hello", "world", "ab", "ab")"#, r#""he|    w|ab   |000ab""#),
        (r#"format("%q", "<a>&\u2028")"#, r#""\"\\u003ca\\u003e\\u0026\\u2028\"""#),
        (r#"format("%x", "255")"#, r#""ff""#),
        (r#"format("%X %o %b", 3054, -8, -5)"#, r#""BEE -10 -101""#),
        (
            r#"format("%08d|%-08d|%+08d|%.5d|%8.3d", 42, 42, 42, 42, -42)"#,
            r#""00000042|42      |+0000042|00042|    -042""#,
        ),
        (r#"format("%e", 0)"#, r#""0.000000e+00""#),
        (r#"format("%.0f %.0f %.0f %.0f", 0.5, 1.5, 2.5, 3.5)"#, r#""0 2 2 4""#),
        (r#"format("%.1f", 0.05)"#, r#""0.1""#),
        (r#"format("%.2f", 1.005)"#, r#""1.00""#),
        (r#"format("%f", 1e20)"#, r#""100000000000000000000.000000""#),
        (r#"format("%g %g %g %g", 100000, 1000000, 0.0001, 0.00001)"#, r#""100000 1e+06 0.0001 1e-05""#),
        (
            r#"format("%.3g %.10g %g", 3.14159, 1.0/3, 1.0/3)"#,
            r#""3.14 0.3333333333 0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335""#,
        ),
        (
            r#"format("%v", 1.0/3)"#,
            r#""0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335""#,
        ),
        (r#"format("%v", 12345678901234567890)"#, r#""1.234567890123456789e+19""#),
        (r#"format("%d", 12345678901234567890)"#, r#""12345678901234567890""#),
        (r#"format("%.1e", 9.96)"#, r#""1.0e+01""#),
        (r#"format("%-+5d|% -5d|", 3, 3)"#, r#""+3   | 3   |""#),
        (r#"format("%#b %#X", 5, 255)"#, r#""0b101 0XFF""#),
        (r#"format("%.0d", 0)"#, r#""""#),
        (r#"format("%[1]d %d", 1, 2)"#, r#""1 2""#),
        (r#"format("héllo %s", "wörld")"#, r#""héllo wörld""#),
        (r#"format("%10s|", "👾🕹️")"#, r#""        👾🕹️|""#),
        (r#"format("%v", toset(["b","a"]))"#, r#""[\"a\",\"b\"]""#),
        (r#"format("%v", tomap({a="x"}))"#, r#""{\"a\":\"x\"}""#),
        (r#"format("%s", 1.50)"#, r#""1.5""#),
        (r#"format("%s", true)"#, r#""true""#),
        (r#"format("%v", "")"#, r#""""#),
        (r#"format("%.3v", "hello")"#, r#""hello""#),
        (r#"format("%E", 123456.789)"#, r#""1.234568E+05""#),
        (r#"format("%10.4v|", 3.14159265)"#, r#""3.14159265|""#),
        (r#"format("% x", 255)"#, r#"" ff""#),
        (
            r#"formatlist("Hello, %s!", ["Valentina", "Ander"])"#,
            r#"tolist([
  "Hello, Valentina!",
  "Hello, Ander!",
])"#,
        ),
        (
            r#"formatlist("%s %s", ["hello", "goodbye"], "world")"#,
            r#"tolist([
  "hello world",
  "goodbye world",
])"#,
        ),
        (
            r#"formatlist("x")"#,
            r#"tolist([
  "x",
])"#,
        ),
        (r#"formatlist("%s", [])"#, r#"tolist([])"#),
        (r#"formatlist("%s", null)"#, r#"(known after apply)"#),
        (
            r#"formatlist("%s %s", toset(["b","a"]), ["1","2"])"#,
            r#"tolist([
  "a 1",
  "b 2",
])"#,
        ),
        (r#"regex("a*?", "a")"#, r#""""#),
        (r#"regex("a+?b{2}?", "abb")"#, r#""abb""#),
        (
            r#"regex("(?<n>a)", "a")"#,
            r#"{
  "n" = "a"
}"#,
        ),
        (r#"regex("[[:alpha:]]+", "ab1")"#, r#""ab""#),
        (r#"regex("(?i)AB", "xab")"#, r#""ab""#),
        (r#"chomp("hello\n")"#, r#""hello""#),
        (r#"endswith("hello world", "world")"#, r#"true"#),
        (r#"endswith("hello world", "hello")"#, r#"false"#),
        (r#"endswith("", " ")"#, r#"false"#),
        (r#"startswith("hello world", "hello")"#, r#"true"#),
        (r#"startswith("hey world", "hello")"#, r#"false"#),
        (r#"strcontains("hello world", "wor")"#, r#"true"#),
        (r#"strcontains("hello1", "heo")"#, r#"false"#),
        (r#"format("Hello, %s!", "Ander")"#, r#""Hello, Ander!""#),
        (r#"format("%#v", 1)"#, r#""1""#),
        (r#"format("100%% successful")"#, r#""100% successful""#),
        (r#"format("%5d|", 10)"#, r#""   10|""#),
        (r#"format("%o", 9)"#, r#""11""#),
        (r#"format("%.1f", "1.06")"#, r#""1.1""#),
        (r#"format("%-10s|", "hello")"#, r#""hello     |""#),
        (r#"format("%q", "Hello\nWorld")"#, r#""\"Hello\\nWorld\"""#),
        (
            r#"formatlist("Hello, %s!", ["Valentina", "Ander", "Olivia", "Sam"])"#,
            r#"tolist([
  "Hello, Valentina!",
  "Hello, Ander!",
  "Hello, Olivia!",
  "Hello, Sam!",
])"#,
        ),
        (
            r#""  items: ${indent(2, "[\n  foo,\n  bar,\n]\n")}""#,
            r#"<<EOT
  items: [
    foo,
    bar,
  ]
  
EOT"#,
        ),
        (r#"join("-", ["foo", "bar", "baz"])"#, r#""foo-bar-baz""#),
        (r#"join(", ", ["foo", "bar", "baz"])"#, r#""foo, bar, baz""#),
        (r#"join("", ["horse", "face"])"#, r#""horseface""#),
        (r#"lower("HELLO")"#, r#""hello""#),
        (r#"upper("hello")"#, r#""HELLO""#),
        // cty keeps strings in NFC, so the decomposed ë comes back composed (Terraform 1.11.4).
        (r#"upper("noël")"#, r#""NOËL""#),
        (r#"regex("[a-z]+", "53453453.345345aaabbbccc23454")"#, r#""aaabbbccc""#),
        (
            r#"regex("(\\d+)([a-z]+)", "aaa111bbb222")"#,
            r#"[
  "111",
  "bbb",
]"#,
        ),
        (
            r#"regexall("[a-z]+", "1234abcd5678efgh9")"#,
            r#"tolist([
  "abcd",
  "efgh",
])"#,
        ),
        (
            r#"regexall("(\\d+)([a-z]+)", "...111aaa222bbb...")"#,
            r#"tolist([
  [
    "111",
    "aaa",
  ],
  [
    "222",
    "bbb",
  ],
])"#,
        ),
        (r#"replace("1 + 2 + 3", "+", "-")"#, r#""1 - 2 - 3""#),
        (r#"replace("hello", "nope", "bel")"#, r#""hello""#),
        (r#"replace("-ab-axxb-", "/a(x*)b/", "T")"#, r#""-T-T-""#),
        (
            r#"split(",", "foo,bar,baz")"#,
            r#"tolist([
  "foo",
  "bar",
  "baz",
])"#,
        ),
        (
            r#"split(",", "")"#,
            r#"tolist([
  "",
])"#,
        ),
        (r#"strrev("hello")"#, r#""olleh""#),
        (r#"strrev("Живой Журнал")"#, r#""ланруЖ йовиЖ""#),
        (r#"substr("hello world", 1, 4)"#, r#""ello""#),
        (r#"substr("hello world", -5, -1)"#, r#""world""#),
        (r#"substr("hello", 10, 10)"#, r#""""#),
        (r#"title("hello world")"#, r#""Hello World""#),
        (r#"title("hello")"#, r#""Hello""#),
        (r#"trim("?!hello?!", "!?")"#, r#""hello""#),
        (r#"trimprefix("helloworld", "hello")"#, r#""world""#),
        (r#"trimsuffix("helloworld", "world")"#, r#""hello""#),
        (r#"trimspace("  hello\n\n")"#, r#""hello""#),
        (r#"trimspace(" hello ")"#, r#""hello""#),
    ] {
        check(src, want);
    }
}

#[test]
fn string_errors() {
    for (src, want) in [
        (
            r#"format("%d", 1.5)"#,
            r#"Error in function call: Call to function "format" failed: unsupported value for "%d" at 0: an integer is required."#,
        ),
        (
            r#"format("%d", "abc")"#,
            r#"Error in function call: Call to function "format" failed: unsupported value for "%d" at 0: a number is required."#,
        ),
        (
            r#"format("%s", [1])"#,
            r#"Error in function call: Call to function "format" failed: unsupported value for "%s" at 0: string required."#,
        ),
        (
            r#"format("%t", 1)"#,
            r#"Error in function call: Call to function "format" failed: unsupported value for "%t" at 0: bool required."#,
        ),
        (
            r#"format("%c", 65)"#,
            r#"Error in function call: Call to function "format" failed: unsupported format verb 'c' in "%c" at offset 0."#,
        ),
        (
            r#"format("%[3]s", "a")"#,
            r#"Error in function call: Call to function "format" failed: not enough arguments for "%[3]s" at 0: need index 3 but have 1 total."#,
        ),
        (
            r#"format("%s %s", "a")"#,
            r#"Error in function call: Call to function "format" failed: not enough arguments for "%s" at 3: need index 2 but have 1 total."#,
        ),
        (
            r#"format("%5%")"#,
            r#"Error in function call: Call to function "format" failed: unrecognized format character '%' at offset 2."#,
        ),
        (
            r#"format("%[0]d", 1)"#,
            r#"Error in function call: Call to function "format" failed: unrecognized format character '0' at offset 2."#,
        ),
        (
            r#"format("%[1d", 1)"#,
            r#"Error in function call: Call to function "format" failed: unrecognized format character 'd' at offset 3."#,
        ),
        (
            r#"format("%1.2.3d", 1)"#,
            r#"Error in function call: Call to function "format" failed: unrecognized format character '.' at offset 4."#,
        ),
        (
            r#"format("%🙂", 1)"#,
            r#"Error in function call: Call to function "format" failed: unrecognized format character '🙂' at offset 1."#,
        ),
        (
            r#"formatlist("%s=%s", ["a","b"], ["1"])"#,
            r#"Invalid function argument: Invalid value for "args" parameter: argument 2 has length 1, which is inconsistent with argument 1 of length 2."#,
        ),
        (
            r#"formatlist("%s")"#,
            r#"Error in function call: Call to function "formatlist" failed: not enough arguments for "%s" at 0: need index 1 but have 0 total."#,
        ),
        (
            r#"formatlist("%d", ["a"])"#,
            r#"Error in function call: Call to function "formatlist" failed: error on format iteration 0: unsupported value for "%d" at 0: a number is required."#,
        ),
        (
            r#"formatlist("x", [1,2])"#,
            r#"Error in function call: Call to function "formatlist" failed: error on format iteration 0: too many arguments; no verbs in format string."#,
        ),
        (
            r#"regex("a**", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid nested repetition operator in **."#,
        ),
        (
            r#"regex("a{2}{3}", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid nested repetition operator in {2}{3}."#,
        ),
        (
            r#"regex("\\8", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \8."#,
        ),
        (
            r#"regex("\\q", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \q."#,
        ),
        (
            r#"regex("x{2,1}", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid repeat count in {2,1}."#,
        ),
        (
            r#"regex("[z-a]", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in z-a."#,
        ),
        (
            r#"regex("*a", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing argument to repetition operator in *."#,
        ),
        (
            r#"regex("[a", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing closing ] in [a."#,
        ),
        (
            r#"replace("x", "/a)/", "y")"#,
            r#"Error in function call: Call to function "replace" failed: error parsing regexp: unexpected ): `a)`."#,
        ),
        (
            r#"format("%s is not in the args list")"#,
            r#"Error in function call: Call to function "format" failed: not enough arguments for "%s" at 0: need index 1 but have 0 total."#,
        ),
    ] {
        check_err(src, want);
    }
}
