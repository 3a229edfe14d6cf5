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

/// Go's regular expression syntax (RE2 with Perl flags), not Rust's:
/// ASCII Perl classes, `\Q…\E`, octal escapes, literal braces, repeated
/// group names, Go's `$name` expansion and empty-match rules.
#[test]
fn regex_go_syntax() {
    for (src, want) in [
        (
            r#"regex("(?<n>a)", "a")"#,
            r#"{
  "n" = "a"
}"#,
        ),
        (r#"regex("[[:alpha:]]+", "ab1")"#, r#""ab""#),
        (r#"regex("\\z", "a")"#, r#""""#),
        (r#"regex("a\\z", "a")"#, r#""a""#),
        (r#"regex("(?U)a+", "aaa")"#, r#""a""#),
        (r#"regex("\\pL+", "héllo")"#, r#""héllo""#),
        (r#"regex("\\Qa.b\\E", "a.b")"#, r#""a.b""#),
        (r#"regex("[\\d]+", "12")"#, r#""12""#),
        (r#"regex("a{,5}", "a{,5}")"#, r#""a{,5}""#),
        (r#"regex("a{1", "a{1")"#, r#""a{1""#),
        (r#"regex("(?i)A", "a")"#, r#""a""#),
        (r#"regex("\\A", "a")"#, r#""""#),
        (
            r#"regex("(?s).", "\n")"#,
            r#"<<EOT


EOT"#,
        ),
        (r#"regex("\\b", "a")"#, r#""""#),
        (r#"regex("(?m)^a$", "a")"#, r#""a""#),
        (r#"regex("\\07", "\u0007")"#, r#""\a""#),
        (r#"regex("[]a]", "]")"#, r#""]""#),
        (
            r#"regex("((((((((((a))))))))))", "a")"#,
            r#"[
  "a",
  "a",
  "a",
  "a",
  "a",
  "a",
  "a",
  "a",
  "a",
  "a",
]"#,
        ),
        (r#"regex("\\pN", "1")"#, r#""1""#),
        (r#"regex("\\p{Greek}", "α")"#, r#""α""#),
        (r#"regex("\\p{^Greek}", "a")"#, r#""a""#),
        (r#"regex("\\PL", "1")"#, r#""1""#),
        (r#"regex("[a-]", "-")"#, r#""-""#),
        (r#"regex("[-a]", "-")"#, r#""-""#),
        (r#"regex("(?i:a)", "A")"#, r#""A""#),
        (r#"regex("(?i-s:a)", "A")"#, r#""A""#),
        (r#"regex("\\p{Latin}", "a")"#, r#""a""#),
        (r#"regex("\\p{Any}", "a")"#, r#""a""#),
        (r#"regex("\\p{Common}", "1")"#, r#""1""#),
        (r#"regex("\\p{Lu}+", "ABc")"#, r#""AB""#),
        (r#"regex("\\pZ", " ")"#, r#"" ""#),
        (r#"regex("\\p{Zs}", " ")"#, r#"" ""#),
        (r#"regex("\\p{Inherited}", "\u0300")"#, r#""̀""#),
        (r#"regex("\\p{Nd}+", "١٢")"#, r#""١٢""#),
        (r#"regex("\\d+", "١٢3")"#, r#""3""#),
        (r#"regex("\\w+", "héllo")"#, r#""h""#),
        (r#"regex("\\s+", "\u00a0 x")"#, r#"" ""#),
        (r#"regex("\\b\\w+\\b", "é ab")"#, r#""ab""#),
        (r#"regex("(?i)ſ", "S")"#, r#""S""#),
        (r#"regex("(?i)k", "\u212a")"#, r#""K""#),
        (r#"regex("(?i)[k]", "\u212a")"#, r#""K""#),
        (r#"regex("[[:word:]]+", "ab_1é")"#, r#""ab_1""#),
        (r#"regex("[[:^alpha:]]+", "12ab")"#, r#""12""#),
        (r#"regex("(?i)[[:upper:]]+", "abC")"#, r#""abC""#),
        (r#"regex("^*a", "a")"#, r#""a""#),
        (r#"regex("$*", "a")"#, r#""""#),
        (r#"regex("\\b+", "a")"#, r#""""#),
        (r#"regex("a(?i)*", "aaa")"#, r#""aaa""#),
        (r#"regex("(?)a", "a")"#, r#""a""#),
        (r#"regex("a(?U)*", "aaa")"#, r#""""#),
        (r#"regex("(?U)a+?", "aaa")"#, r#""aaa""#),
        (
            r#"regex("(?s:.)", "\n")"#,
            r#"<<EOT


EOT"#,
        ),
        (r#"regex("(?m)^b", "a\nb")"#, r#""b""#),
        (r#"regex("x*?", "xx")"#, r#""""#),
        (r#"regex("\\pN+", "12Ⅻ")"#, r#""12Ⅻ""#),
        (r#"regex("[\\pN]+", "12Ⅻ")"#, r#""12Ⅻ""#),
        (r#"regex("[^\\PN]+", "12Ⅻ")"#, r#""12Ⅻ""#),
        (r#"regex("[\\d\\s]+", "1 2")"#, r#""1 2""#),
        (r#"regex("[\\D]+", "ab1")"#, r#""ab""#),
        (r#"regex("[^\\d]+", "ab1")"#, r#""ab""#),
        (r#"regex("[\\W]+", "!!a")"#, r#""!!""#),
        (r#"regex("\\x41", "A")"#, r#""A""#),
        (r#"regex("\\x{1F600}", "😀")"#, r#""😀""#),
        (r#"regex("\\101", "A")"#, r#""A""#),
        (
            r#"regex("\\12", "\n")"#,
            r#"<<EOT


EOT"#,
        ),
        (
            r#"regex("[\\012]", "\n")"#,
            r#"<<EOT


EOT"#,
        ),
        (r#"regex("\\_", "_")"#, r#""_""#),
        (r#"regex("\\-", "-")"#, r#""-""#),
        (r#"regex("\\ ", " ")"#, r#"" ""#),
        (r#"regex("\\v", "\u000b")"#, r#""\v""#),
        (r#"regex("\\a", "\u0007")"#, r#""\a""#),
        (
            r#"regex("(?P<n>a)(?P<n>b)?", "a")"#,
            r#"{
  "n" = tostring(null)
}"#,
        ),
        (
            r#"regex("(?P<n>a)(?P<n>b)", "ab")"#,
            r#"{
  "n" = "b"
}"#,
        ),
        (
            r#"regex("(?<first>a)(?P<second>b)", "ab")"#,
            r#"{
  "first" = "a"
  "second" = "b"
}"#,
        ),
        (
            r#"regex("(?P<1a>a)", "a")"#,
            r#"{
  "1a" = "a"
}"#,
        ),
        (
            r#"regex("(?:a)(b)", "ab")"#,
            r#"[
  "b",
]"#,
        ),
        (
            r#"regexall("(?i)a", "AaA")"#,
            r#"tolist([
  "A",
  "a",
  "A",
])"#,
        ),
        (r#"regex("a{0}", "a")"#, r#""""#),
        (r#"regex("a{0,0}", "a")"#, r#""""#),
        (r#"regex("a{01}", "a{01}")"#, r#""a{01}""#),
        (r#"regex("a{1,}", "aaa")"#, r#""aaa""#),
        (r#"regex("a{1,2}?", "aaa")"#, r#""a""#),
        (
            r#"regex("(|a)+", "a")"#,
            r#"[
  "",
]"#,
        ),
        (r#"regex("a||b", "b")"#, r#""""#),
        (
            r#"regex("()", "")"#,
            r#"[
  "",
]"#,
        ),
        (r#"regex("(?:)*", "a")"#, r#""""#),
        (r#"regex("\\p{C}", "\u0001")"#, r#""\x01""#),
        (r#"regex("\\p{Cs}|a", "a")"#, r#""a""#),
        (r#"regex("[\\p{Cs}a]", "a")"#, r#""a""#),
        (r#"regex("\\P{Cs}", "a")"#, r#""a""#),
        (r#"regex("[^\\p{Cs}]", "a")"#, r#""a""#),
        (r#"regex("\\b+a", "a")"#, r#""a""#),
        (r#"regex("(?i)\\p{Lu}", "a")"#, r#""a""#),
        (r#"regex("\\p{Co}", "\ue000")"#, r#""\ue000""#),
        (
            r#"regexall("b*", "abc")"#,
            r#"tolist([
  "",
  "b",
  "",
])"#,
        ),
        (
            r#"regexall("x*", "abc")"#,
            r#"tolist([
  "",
  "",
  "",
  "",
])"#,
        ),
        (
            r#"regexall("", "héllo")"#,
            r#"tolist([
  "",
  "",
  "",
  "",
  "",
  "",
])"#,
        ),
        (
            r#"regexall("a|", "baaa")"#,
            r#"tolist([
  "",
  "a",
  "a",
  "a",
])"#,
        ),
        (r#"replace("abc", "/b*/", "-")"#, r#""-a-c-""#),
        (r#"replace("abc", "/x*/", "-")"#, r#""-a-b-c-""#),
        (r#"replace("héllo", "//", "-")"#, r#""-h-é-l-l-o-""#),
        (r#"replace("hello world", "/(\\w+) (\\w+)/", "$2 $1")"#, r#""world hello""#),
        (r#"replace("abc", "/(b)/", "$1x")"#, r#""ac""#),
        (r#"replace("abc", "/(b)/", "$01")"#, r#""ac""#),
        (r#"replace("abc", "/(b)/", "$9")"#, r#""ac""#),
        (r#"replace("abc", "/(?P<n>x)?(?P<n>b)/", "[$n]")"#, r#""a[b]c""#),
        (r#"replace("a.b", "/\\Q.\\E/", "!")"#, r#""a!b""#),
        (
            r#"regexall("(?m)^\\w", "ab\ncd")"#,
            r#"tolist([
  "a",
  "c",
])"#,
        ),
        (
            r#"regex("(a)|(b)", "b")"#,
            r#"[
  tostring(null),
  "b",
]"#,
        ),
        (
            r#"regex("(?P<x>a)|(?P<y>b)", "b")"#,
            r#"{
  "x" = tostring(null)
  "y" = "b"
}"#,
        ),
        (
            r#"regexall("(a)(x)?", "aa")"#,
            r#"tolist([
  [
    "a",
    tostring(null),
  ],
  [
    "a",
    tostring(null),
  ],
])"#,
        ),
        (r#"regex("[[:alpha:]]+", "abc1")"#, r#""abc""#),
        (r#"regex("[[:^space:]]+", "ab c")"#, r#""ab""#),
        (r#"regex("(?i)[[:lower:]]+", "ABC")"#, r#""ABC""#),
        (
            r#"regex("(?s).+", "a\nb")"#,
            r#"<<EOT
a
b
EOT"#,
        ),
        (r#"regex("(?i)ǅ", "ǆ")"#, r#""ǆ""#),
        (r#"regex("[a-c--b]+", "a-b")"#, r#""a-b""#),
        (r#"regex("[a~~b]+", "a~b")"#, r#""a~b""#),
        (r#"regex("a#b", "a#b")"#, r#""a#b""#),
        (r#"regex("a\\ b", "a b")"#, r#""a b""#),
        (r#"replace("abc", "/(b)/", "$${")"#, r#""a${c""#),
        (r#"replace("abc", "/(b)/", "$${1")"#, r#""a${1c""#),
        (r#"replace("abc", "/(b)/", "$${x}")"#, r#""ac""#),
        (r#"replace("abc", "/(b)/", "$$1")"#, r#""a$1c""#),
        (r#"replace("a-b", "/-/", "$")"#, r#""a$b""#),
    ] {
        check(src, want);
    }
}

/// Patterns Go rejects, with Go's error code and the text at fault.
#[test]
fn regex_go_syntax_errors() {
    for (src, want) in [
        (
            r#"regex("(", "x")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing closing ) in (."#,
        ),
        (
            r#"regex("[a", "x")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing closing ] in [a."#,
        ),
        (
            r#"regex("a**", "x")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid nested repetition operator in **."#,
        ),
        (
            r#"regex("\\p{Foo}", "x")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p{Foo}."#,
        ),
        (
            r#"regex("(?P<n>a)(?P<n>b)", "x")"#,
            r#"Error in function call: Call to function "regex" failed: pattern did not match any part of the given string."#,
        ),
        (
            r#"regex("a{1001}", "x")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid repeat count in {1001}."#,
        ),
        (
            r#"regex("a{2,1}", "x")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid repeat count in {2,1}."#,
        ),
        (
            r#"regex("a{1,1001}", "x")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid repeat count in {1,1001}."#,
        ),
        (
            r#"regex(")", "x")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: unexpected ) in )."#,
        ),
        (
            r#"regex("x\\", "x")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: trailing backslash at end of expression in ."#,
        ),
        (
            r#"regex("[z-a]", "x")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in z-a."#,
        ),
        (
            r#"regex("\\8", "x")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \8."#,
        ),
        (
            r#"regex("(?P<>a)", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid named capture in (?P<>."#,
        ),
        (
            r#"regex("(?P<a-b>a)", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid named capture in (?P<a-b>."#,
        ),
        (
            r#"regex("(?i", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?i."#,
        ),
        (
            r#"regex("(?z)", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?z."#,
        ),
        (
            r#"regex("*", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing argument to repetition operator in *."#,
        ),
        (
            r#"regex("+a", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing argument to repetition operator in +."#,
        ),
        (
            r#"regex("a|*", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing argument to repetition operator in *."#,
        ),
        (
            r#"regex("(*)", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing argument to repetition operator in *."#,
        ),
        (
            r#"regex("[[:foo:]]", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in [:foo:]."#,
        ),
        (
            r#"regex("\\C", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \C."#,
        ),
        (
            r#"regex("\\x{110000}", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \x{110000."#,
        ),
        (
            r#"regex("a++", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid nested repetition operator in ++."#,
        ),
        (
            r#"regex("a?*", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid nested repetition operator in ?*."#,
        ),
        (
            r#"regex("[^\\x00-\\x{10FFFF}]", "a")"#,
            r#"Error in function call: Call to function "regex" failed: pattern did not match any part of the given string."#,
        ),
        (
            r#"regex("x{2}{3}", "x")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid nested repetition operator in {2}{3}."#,
        ),
        (
            r#"regex("[a-\\d]", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \d."#,
        ),
        (
            r#"regex("\\Z", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \Z."#,
        ),
        (
            r#"regex("\\e", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \e."#,
        ),
        (
            r#"regex("\\0", "a")"#,
            r#"Error in function call: Call to function "regex" failed: pattern did not match any part of the given string."#,
        ),
        (
            r#"regex("(?P=n)", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?P."#,
        ),
        (
            r#"regex("(?#comment)", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?#."#,
        ),
        (
            r#"regex("(?=a)", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?=."#,
        ),
        (
            r#"regex("(?!a)", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?!."#,
        ),
        (
            r#"regex("(?<=a)", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid named capture in (?<=a)."#,
        ),
        (
            r#"regex("\\1", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \1."#,
        ),
        (
            r#"regex("\\k<n>", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \k."#,
        ),
        (
            r#"regex("[]", "]")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing closing ] in []."#,
        ),
        (
            r#"regex("[\\p{Foo}]", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p{Foo}."#,
        ),
        (
            r#"regex("\\p", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p."#,
        ),
        (
            r#"regex("\\p{", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p{."#,
        ),
        (
            r#"regex("\\x{", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \x{."#,
        ),
        (
            r#"regex("\\xZ", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \xZ."#,
        ),
        (
            r#"regex("\\x4", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \x4."#,
        ),
        (
            r#"regex("(?-)", "A")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?-)."#,
        ),
        (
            r#"regex("(?i-)", "A")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?i-)."#,
        ),
        (
            r#"regex("(?:", "A")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing closing ) in (?:."#,
        ),
        (
            r#"regex("(?P<n>", "A")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing closing ) in (?P<n>."#,
        ),
        (
            r#"regex("(?P<n", "A")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid named capture in (?P<n."#,
        ),
        (
            r#"regex("(?Px)", "A")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?P."#,
        ),
        (
            r#"regex("\\p{Assigned}", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p{Assigned}."#,
        ),
        (
            r#"regex("\\p{ASCII}", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p{ASCII}."#,
        ),
        (
            r#"regex("\\p{greek}", "α")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p{greek}."#,
        ),
        (
            r#"regex("\\p{Letter}", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p{Letter}."#,
        ),
        (
            r#"regex("\\p{LC}", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p{LC}."#,
        ),
        (
            r#"regex("\\p{Cn}", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p{Cn}."#,
        ),
        (
            r#"regex("\\p{Cs}", "a")"#,
            r#"Error in function call: Call to function "regex" failed: pattern did not match any part of the given string."#,
        ),
        (
            r#"regex("\\p{Alphabetic}", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p{Alphabetic}."#,
        ),
        (
            r#"regex("(?i)*", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing argument to repetition operator in *."#,
        ),
        (
            r#"regex("(?i-i)A", "a")"#,
            r#"Error in function call: Call to function "regex" failed: pattern did not match any part of the given string."#,
        ),
        (
            r#"regex("(?i)(?-i)A", "a")"#,
            r#"Error in function call: Call to function "regex" failed: pattern did not match any part of the given string."#,
        ),
        (
            r#"regex("(?x) a", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?x."#,
        ),
        (
            r#"regex("(?u)a", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?u."#,
        ),
        (
            r#"regex("(?R)a", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?R."#,
        ),
        (
            r#"regex("^b", "a\nb")"#,
            r#"Error in function call: Call to function "regex" failed: pattern did not match any part of the given string."#,
        ),
        (
            r#"regex("a$", "a\n")"#,
            r#"Error in function call: Call to function "regex" failed: pattern did not match any part of the given string."#,
        ),
        (
            r#"regex("(?i:A)B", "ab")"#,
            r#"Error in function call: Call to function "regex" failed: pattern did not match any part of the given string."#,
        ),
        (
            r#"regex("\\é", "é")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \é."#,
        ),
        (
            r#"regex("(a)(?P<x>b)", "ab")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: cannot mix both named and unnamed capture groups."#,
        ),
        (
            r#"regex("(a{2}){501}", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid repeat count in {501}."#,
        ),
        (
            r#"regex("((a{10}){10}){11}", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid repeat count in {11}."#,
        ),
        (
            r#"regex("((a{10}){10}){10}", "a")"#,
            r#"Error in function call: Call to function "regex" failed: pattern did not match any part of the given string."#,
        ),
        (
            r#"regex("(a*){1001}", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid repeat count in {1001}."#,
        ),
        (
            r#"regex("a{2}*", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid nested repetition operator in {2}*."#,
        ),
        (
            r#"regex("{1}", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing argument to repetition operator in {1}."#,
        ),
        (
            r#"regex("a|{1}", "a")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing argument to repetition operator in {1}."#,
        ),
        (
            r#"replace("abc", "/(/", "x")"#,
            r#"Error in function call: Call to function "replace" failed: error parsing regexp: missing closing ): `(`."#,
        ),
        (
            r#"replace("abc", "/\\p{Foo}/", "x")"#,
            r#"Error in function call: Call to function "replace" failed: error parsing regexp: invalid character class range: `\p{Foo}`."#,
        ),
        (
            r#"regex("(?i)straße", "STRASSE")"#,
            r#"Error in function call: Call to function "regex" failed: pattern did not match any part of the given string."#,
        ),
        (
            r#"regex("[a-z&&[^b]]+", "a&&b")"#,
            r#"Error in function call: Call to function "regex" failed: pattern did not match any part of the given string."#,
        ),
        (
            r#"regex("(?x)a b", "ab")"#,
            r#"Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?x."#,
        ),
        (
            r#"regex("\\x{D800}", "a")"#,
            r#"Error in function call: Call to function "regex" failed: pattern did not match any part of the given string."#,
        ),
        (
            r#"regex("[\\x{D800}-\\x{DFFF}]", "a")"#,
            r#"Error in function call: Call to function "regex" failed: pattern did not match any part of the given string."#,
        ),
        (
            r#"replace("abc", "/(?P<é>b)/", "[$é]")"#,
            r#"Error in function call: Call to function "replace" failed: error parsing regexp: invalid named capture: `(?P<é>`."#,
        ),
    ] {
        check_err(src, want);
    }
}

/// The console quotes strings as Go's strconv.Quote (non-printable runes
/// escaped), map keys too, heredocs included.
#[test]
fn console_quotes_like_go() {
    for (src, want) in [
        (r#""\u0001""#, r#""\x01""#),
        (r#""\u007f""#, r#""\x7f""#),
        (r#""\u00ad""#, r#""\u00ad""#),
        (r#""\u200b""#, r#""\u200b""#),
        (r#""\ue000""#, r#""\ue000""#),
        (r#""\U0001F600""#, r#""😀""#),
        (r#""\u00a0x""#, r#""\u00a0x""#),
        (r#""a\u2028b""#, r#""a\u2028b""#),
        (r#""\u0378""#, r#""\u0378""#),
        (r#""\u0085""#, r#""\u0085""#),
        (r#""é\u0301""#, r#""é́""#),
        (r#""\ufeff""#, r#""\ufeff""#),
        (r#""\U000E0001""#, r#""\U000e0001""#),
        (r#""x\u3000y""#, r#""x\u3000y""#),
        (r#""\u1680""#, r#""\u1680""#),
        (r#""🙂‍↕️""#, r#""🙂\u200d↕️""#),
        (
            r#"["\u00a0"]"#,
            r#"[
  "\u00a0",
]"#,
        ),
        (
            r#"{"\u00a0" = 1}"#,
            r#"{
  "\u00a0" = 1
}"#,
        ),
        (r#"tostring("\u00a0")"#, r#""\u00a0""#),
        (r#"jsonencode("\u00a0\u2028<>&")"#, r#""\"\u00a0\\u2028\\u003c\\u003e\\u0026\"""#),
        (r#"format("%q", "\u00a0\u0001")"#, r#""\"\u00a0\\u0001\"""#),
        (
            r#""a\nb\u00a0""#,
            r#"<<EOT
a
b 
EOT"#,
        ),
        (
            r#""a\nb\u0001""#,
            r#"<<EOT
a
b
EOT"#,
        ),
        (r#"jsonencode({"\u00a0" = "\u0001"})"#, r#""{\"\u00a0\":\"\\u0001\"}""#),
        (r#"cidrhost("::ffff:10.0.0.0/120", 1)"#, r#""0:1::ffff:a00:0""#),
        (
            r#"csvdecode("a,\"b\nc\"\n1,2")"#,
            r#"tolist([
  {
    "a" = "1"
    <<-EOT
    b
    c
    EOT = "2"
  },
])"#,
        ),
    ] {
        check(src, want);
    }
}
