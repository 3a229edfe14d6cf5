//! Encoding functions, checked against Terraform 1.11.4's console output.

mod support;

use support::{check, check_err_containing as check_err, eval_in};

/// Prints each expression of $DUMP_EXPRS (one per line) for comparing with
/// `terraform console`: `DUMP_EXPRS=f cargo test --test functions_encoding dump -- --ignored`.
#[test]
#[ignore]
#[allow(clippy::print_stdout)]
fn dump() {
    let Ok(path) = std::env::var("DUMP_EXPRS") else { return };
    let base = std::env::var("DUMP_BASE").unwrap_or_else(|_| ".".into());
    for line in std::fs::read_to_string(path).unwrap().lines() {
        println!("### {line}");
        match eval_in(line, &base) {
            Ok(v) => println!("{v}"),
            Err(e) => println!("ERROR {e}"),
        }
    }
}

#[test]
fn base64_and_gzip() {
    for (src, want) in [
        (r#"base64decode("SGVsbG8gV29ybGQ=")"#, r#""Hello World""#),
        (r#"base64decode("SGVsbG8=\n")"#, r#""Hello""#),
        (r#"base64encode("Hello World")"#, r#""SGVsbG8gV29ybGQ=""#),
        (r#"base64gzip("test")"#, r#""H4sIAAAAAAAA/ypJLS4BAAAA//8BAAD//wx+f9gEAAAA""#),
        (r#"base64gzip("")"#, r#""H4sIAAAAAAAA/wAAAP//AQAA//8AAAAAAAAAAA==""#),
        (
            r#"base64gunzip(base64gzip("The quick brown fox, again and again and again"))"#,
            r#""The quick brown fox, again and again and again""#,
        ),
        (r#"textencodebase64("abc", "UTF-16LE")"#, r#""YQBiAGMA""#),
        (r#"textdecodebase64("YWJjMTIzIT8kKiYoKSctPUB+", "UTF-8")"#, r#""abc123!?$*&()'-=@~""#),
        (r#"textdecodebase64("YWJj", "ISO-8859-1")"#, r#""abc""#),
        (r#"urlencode("a b&c=d/é~*")"#, r#""a+b%26c%3Dd%2F%C3%A9~%2A""#),
        (r#"urldecode("a+b%26c%3Dd%2F%C3%A9~%2A")"#, r#""a b&c=d/é~*""#),
        (r#"base64decode(var.unknown_string)"#, "(known after apply)"),
        (r#"base64encode(var.secret)"#, "(sensitive value)"),
        (r#"issensitive(base64decode(sensitive("SGVsbG8=")))"#, "true"),
    ] {
        check(src, want);
    }
    check_err(r#"base64decode("xx")"#, r#"failed to decode base64 data "xx"."#);
    check_err(r#"base64decode("/w==")"#, "the result of decoding the provided string is not valid UTF-8.");
    check_err(r#"base64decode(sensitive("xx"))"#, "failed to decode base64 data (sensitive value).");
    check_err(r#"textencodebase64("abc", "foo")"#, r#""foo" is not a supported IANA encoding name"#);
    check_err(r#"textdecodebase64("YW*j", "UTF-8")"#, "invalid base64 symbol at offset 2");
}

/// base64gzip must be byte-identical to Terraform 1.11.4 (Go's compress/gzip
/// at the default level after Write, Flush and Close); each expected value
/// is Terraform's output for the same expression.
#[test]
fn base64gzip_matches_terraform() {
    for (src, want) in [
        (r##"base64gzip("a")"##, r##""H4sIAAAAAAAA/0oEAAAA//8BAAD//0O+t+gBAAAA""##),
        (r##"base64gzip("hello world")"##, r##""H4sIAAAAAAAA/8pIzcnJVyjPL8pJAQAAAP//AQAA//+FEUoNCwAAAA==""##),
        (
            r##"base64gzip("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")"##,
            r##""H4sIAAAAAAAA/0qkAwAAAAD//wEAAP//ZHpwr2QAAAA=""##,
        ),
        (
            r##"base64gzip("The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy dog.")"##,
            r##""H4sIAAAAAAAA/wrJSFUoLM1MzlZIKsovz1NIy69QyCrNLShWyC9LLVIoyUhVyEmsqlRIyU/XUyBFMQAAAP//AQAA//+nCumaWQAAAA==""##,
        ),
        (
            r##"base64gzip("héllo wörld — 中文 😀 \t\u0001\u007f")"##,
            r##""H4sIAAAAAAAA/8o4vDInJ1+h/PC2opwUhUcNUxSe7Fj7bFq7wof5MxoUOBnrAQAAAP//AQAA///YD420IQAAAA==""##,
        ),
        (
            r##"base64gzip(join(",", [for i in range(40) : "item-${i}"]))"##,
            r##""H4sIAAAAAAAA/zTPPQ6DQBBD4QslUmyHnz0QBQUd9xcSflu9aj6Nz/u4vr/PGzVu0vybpVmbrdmbwflkcAQkJEEJS2BCE5zwjOf5F57xjGc84xnPeMYLXvAyh+IFL3jBC17wMh4AAAD//wEAAP//5E2tMTUBAAA=""##,
        ),
        // Longer outputs are compared through sha256 of the whole base64 text.
        (
            r##"sha256(base64gzip(join("", [for i in range(60) : sha256(tostring(i))])))"##,
            r##""772053f64b3f08c996dc4b34d48232d1a35fbb4850c6bfaebcefc8aa08df096d""##,
        ),
        // 48,890 bytes of numbered lines.
        (
            r##"sha256(base64gzip(join("", [for i in range(1000) : join("", [for j in range(5) : "line ${i * 5 + j}\n"])])))"##,
            r##""bd33a8e62803c8c073c5baabb64993be5b9fd901718f4f83617e47ecdd3346d2""##,
        ),
        // "a" x 100,000 (one long run of maximal matches).
        (
            r##"sha256(base64gzip(join("", [for i in range(1000) : join("", [for j in range(100) : "a"])])))"##,
            r##""1e31436b84bc65c449ed6360a46d31fd2eb97d445b1e2021763d4f011648aa69""##,
        ),
        // 192,000 hex digits (> 64 KiB; mostly literals).
        (
            r##"sha256(base64gzip(join("", [for i in range(1000) : join("", [for j in range(3) : sha256("${i}-${j}")])])))"##,
            r##""e676db139ac3e0df455fa70b6727dc182459a8347d2e6e6d8c3b685ec64fcc06""##,
        ),
        // 1,492,650 bytes (> 1 MiB): long matches at varied distances between literal runs.
        (
            r##"sha256(base64gzip(join("", [for c in [join("", [for i in range(500) : "${i}:${sha1(tostring(i))}\n"])] : join("", [for k in range(80) : "${k}|${substr(c, (k * 37) % 5000, 22000 - (k * 101) % 7000)}"])])))"##,
            r##""cdea032a2664d35e8c7bcf02917d6a2b6f08fd18e7942670e9eef5bdec9c00c6""##,
        ),
        // A realistic cloud-init document.
        (
            r##"sha256(base64gzip(join("\n", concat(["#cloud-config", "package_update: true", "packages:"], [for i in range(300) : "  - pkg-${i % 37}-${md5(tostring(i % 11))}"], ["write_files:"], flatten([for i in range(200) : ["  - path: /etc/app/conf.d/svc_${i}.conf", "    permissions: \"0644\"", "    content: |", "      [section_${i % 17}]", "      key = ${sha1(tostring(i % 23))}", "      enabled = ${i % 3 == 0}"]]), ["runcmd:"], [for i in range(500) : "  - [ sh, -c, \"echo ${i} >> /var/log/init.log && systemctl restart svc-${i % 13}\" ]"]))))"##,
            r##""04e1170f22594f709ebec390b39870ffbbde7dc8a5aaa0820ac8f6c22afccd3c""##,
        ),
        // Mixed 1-4 byte UTF-8 with control characters.
        (
            r##"sha256(base64gzip(join("", [for c in [join("", [for i in range(1000) : substr("aé中😀\t\u0001\u007f€𝄞ÿ", i % 10, 1 + i % 3)])] : join("", [for k in range(20) : substr(c, k * 13, 2000 - k * 29)])])))"##,
            r##""ec2f6cf07c817260c416c112e6cf25a5f9fe6591e19913b5d00359ff295a9d6c""##,
        ),
        // Runs of up to 299 identical bytes.
        (
            r##"sha256(base64gzip(join("", [for c in [join("", [for j in range(300) : "x"])] : join("", [for i in range(1000) : "${replace(substr(c, 0, (i * 7919) % 300), "x", substr("xyz", i % 3, 1))}${i}"])])))"##,
            r##""12cc53e0aa94ce98f223e61f5844468b3de88c870c6c55bf7d818ad26eeb2023""##,
        ),
        // Many short, distinct matches.
        (
            r##"sha256(base64gzip(join("", [for i in range(1000) : join("", [for k in range(2) : "${substr(md5(tostring((i * 7 + k) % 1501)), (i + k) % 16, 1 + (i * 3 + k) % 17)}${(i * k) % 97}"])])))"##,
            r##""bc4e7fc1863d41c0fd58b30a6fd11faf174d6280c598d6672e4dd4d054be028f""##,
        ),
        // 66,048 hex digits: just over 64 KiB.
        (
            r##"sha256(base64gzip(join("", [for i in range(2) : join("", [for j in range(516) : sha256("${i}/${j}")])])))"##,
            r##""ce90d366052b883618f72494b49ce5e836a4f3402ca8b4ce34bb08252f167d44""##,
        ),
    ] {
        check(src, want);
    }
    check(
        r#"base64gunzip(base64gzip(join("", [for i in range(1000) : "line ${i}\n"]))) == join("", [for i in range(1000) : "line ${i}\n"])"#,
        "true",
    );
}

#[test]
fn csv() {
    check(
        r#"csvdecode("a,b,c\n1,2,3\n4,5,6")"#,
        "tolist([\n  {\n    \"a\" = \"1\"\n    \"b\" = \"2\"\n    \"c\" = \"3\"\n  },\n  {\n    \"a\" = \"4\"\n    \"b\" = \"5\"\n    \"c\" = \"6\"\n  },\n])",
    );
    check(r#"csvdecode("a,b\n")"#, "tolist([])");
    check(
        r#"csvdecode("a,\"b\"\"c\"\n\"x\ny\",2\n\n3,4\r\n")"#,
        "tolist([\n  {\n    \"a\" = <<-EOT\n    x\n    y\n    EOT\n    \"b\\\"c\" = \"2\"\n  },\n  {\n    \"a\" = \"3\"\n    \"b\\\"c\" = \"4\"\n  },\n])",
    );
    check_err(r#"csvdecode("a,b\n1")"#, "CSV parse error on line 2: wrong number of fields.");
    check_err(r#"csvdecode("a\n\"b")"#, "CSV parse error on line 2: extraneous or missing \" in quoted-field.");
    check_err(r#"csvdecode("a,b\n1,x\"y")"#, "bare \" in non-quoted-field");
    check_err(r#"csvdecode("")"#, "missing header line.");
    check_err(r#"csvdecode("a,a\n1,2")"#, "duplicate column name \"a\".");
}

#[test]
fn json() {
    for (src, want) in [
        (r#"jsondecode("{\"hello\": \"world\"}")"#, "{\n  \"hello\" = \"world\"\n}"),
        (r#"jsondecode("true")"#, "true"),
        (r#"jsondecode("{\"a\":1,\"a\":2}")"#, "{\n  \"a\" = 2\n}"),
        (r#"jsondecode("[\"\\u00e9\\ud83d\\ude00\", null, [], {}]")"#, "[\n  \"é😀\",\n  null,\n  [],\n  {},\n]"),
        (r#"jsonencode({"hello" = "world"})"#, r#""{\"hello\":\"world\"}""#),
        (
            r#"jsonencode({a="<&>", b=1e20, c=0.1, d=[1,2], e=null, f=tolist([])})"#,
            r#""{\"a\":\"\\u003c\\u0026\\u003e\",\"b\":100000000000000000000,\"c\":0.1,\"d\":[1,2],\"e\":null,\"f\":[]}""#,
        ),
        (r#"jsonencode("\u2028\t\n\u0001")"#, r#""\"\\u2028\\t\\n\\u0001\"""#),
        (r#"jsonencode(null)"#, r#""null""#),
        (r#"jsonencode(toset(["b","a"]))"#, r#""[\"a\",\"b\"]""#),
        (r#"jsonencode({a = var.unknown_string})"#, "(known after apply)"),
        (r#"jsonencode({a = sensitive(1)})"#, "(sensitive value)"),
        (r#"jsondecode(var.unknown_string)"#, "(known after apply)"),
    ] {
        check(src, want);
    }
    for (src, want) in [
        (r#"jsondecode("{x")"#, "failed: invalid character 'x'."),
        (r#"jsondecode("")"#, "failed: EOF."),
        (r#"jsondecode("[1")"#, "failed: EOF."),
        (r#"jsondecode("tru")"#, "failed: unexpected EOF."),
        (r#"jsondecode("1 2")"#, "extraneous data after JSON object."),
        (r#"jsondecode("[1,]")"#, "invalid character ']' looking for beginning of value."),
        (r#"jsondecode("{\"a\" 1}")"#, "invalid character '1' after object key."),
        (r#"jsondecode("\"\\x\"")"#, "invalid character 'x' in string escape code."),
    ] {
        check_err(src, want);
    }
}

#[test]
fn yaml_decode() {
    for (src, want) in [
        (r#"yamldecode("hello: world")"#, "{\n  \"hello\" = \"world\"\n}"),
        (r#"yamldecode("{a: &foo [1, 2, 3], b: *foo}")"#, "{\n  \"a\" = [\n    1,\n    2,\n    3,\n  ]\n  \"b\" = [\n    1,\n    2,\n    3,\n  ]\n}"),
        (r#"yamldecode("a: !!str 1")"#, "{\n  \"a\" = \"1\"\n}"),
        (r#"yamldecode("a: !!int \"1\"")"#, "{\n  \"a\" = \"1\"\n}"),
        (r#"yamldecode("1: 2")"#, "{\n  \"1\" = 2\n}"),
        (r#"yamldecode("{<<: {a: 1}, b: 2}")"#, "{\n  \"a\" = 1\n  \"b\" = 2\n}"),
        (r#"yamldecode("!!binary aGVsbG8=")"#, "\"aGVsbG8=\""),
        (
            r#"yamldecode("[0x1F, -0x1F, 0o17, 0b1, 1_0, 017, 08, 1e, -5, +.5, 12:30, 0xFFFFFFFFFFFFFFFF, yes, off, ~, \"1\", 2001-12-14]")"#,
            "[\n  31,\n  \"-0x1F\",\n  15,\n  \"0b1\",\n  \"1_0\",\n  17,\n  8,\n  \"1e\",\n  -5,\n  0.5,\n  \"12:30\",\n  18446744073709551615,\n  true,\n  false,\n  null,\n  \"1\",\n  \"2001-12-14T00:00:00Z\",\n]",
        ),
        (
            r#"yamldecode("[2001-12-14t21:59:43.10-05:00, 2001-12-14 21:59:43.10, 2001-1-2]")"#,
            "[\n  \"2001-12-14T21:59:43-05:00\",\n  \"2001-12-14T21:59:43Z\",\n  \"2001-01-02T00:00:00Z\",\n]",
        ),
        (r#"yamldecode("a: |\n  line1\n  line2\nb: >\n  folded\n  text\n")"#, "{\n  \"a\" = <<-EOT\n  line1\n  line2\n  \n  EOT\n  \"b\" = <<-EOT\n  folded text\n  \n  EOT\n}"),
        (r#"yamldecode(var.unknown_string)"#, "(known after apply)"),
    ] {
        check(src, want);
    }
    check_err(r#"yamldecode("a: 1\n---\nb: 2")"#, "unexpected extra content after value.");
    check_err(r#"yamldecode("")"#, "missing start of document.");
    check_err(r#"yamldecode("{a: !not-supported foo}")"#, "unsupported tag \"!not-supported\".");
    check_err(r#"yamldecode("[.NaN]")"#, "floating point NaN is not supported.");
    check_err(r#"yamldecode("{? [1]: 2}")"#, "only strings are allowed as mapping keys");
    check_err(r#"yamldecode("[!!int abc]")"#, "cannot parse \"abc\" as tag:yaml.org,2002:int.");
    check_err(r#"yamldecode("a: [1")"#, "yamldecode");
}

#[test]
fn yaml_encode() {
    for (src, want) in [
        (r#"yamlencode({"a" : "b", "c" : "d"})"#, "<<EOT\n\"a\": \"b\"\n\"c\": \"d\"\n\nEOT"),
        (
            r#"yamlencode({"foo" : [1, {"a" : "b", "c" : "d"}, 3], "bar" : "baz"})"#,
            "<<EOT\n\"bar\": \"baz\"\n\"foo\":\n- 1\n- \"a\": \"b\"\n  \"c\": \"d\"\n- 3\n\nEOT",
        ),
        (
            r#"yamlencode({a=[1,"x"], b="multi\nline\n", c=null, d=true, e=1.5, "f g"={}, h=[], i="", j="yes", m="  lead", n="tab\there"})"#,
            "<<EOT\n\"a\":\n- 1\n- \"x\"\n\"b\": |\n  multi\n  line\n\"c\": null\n\"d\": true\n\"e\": 1.5\n\"f g\": {}\n\"h\": []\n\"i\": \"\"\n\"j\": \"yes\"\n\"m\": \"  lead\"\n\"n\": \"tab\\there\"\n\nEOT",
        ),
        (
            r#"yamlencode({a="multi\nline", b="x\n\n", c=" lead\nx", m="\n", n="trail \nx", f="é😀\u0001\u007f\u0085\ufeff"})"#,
            "<<EOT\n\"a\": |-\n  multi\n  line\n\"b\": |+\n  x\n\n\"c\": |2-\n   lead\n  x\n\"f\": \"é\\U0001F600\\x01\\x7F\\N\\uFEFF\"\n\"m\": |2+\n\n\"n\": \"trail \\nx\"\n\nEOT",
        ),
        (
            r#"yamlencode({e="${join(" ", [for i in range(30): "word"])}"})"#,
            "<<EOT\n\"e\": \"word word word word word word word word word word word word word word word word\n  word word word word word word word word word word word word word word\"\n\nEOT",
        ),
        (r#"yamlencode([[1,2],[], [{}], [{a={b="x\ny"}}]])"#, "<<EOT\n- - 1\n  - 2\n- []\n- - {}\n- - \"a\":\n      \"b\": |-\n        x\n        y\n\nEOT"),
        (r#"yamlencode("s")"#, "<<EOT\n\"s\"\n\nEOT"),
        (r#"yamlencode(1)"#, "<<EOT\n1\n...\n\nEOT"),
        (r#"yamlencode(null)"#, "<<EOT\nnull\n...\n\nEOT"),
        (r#"yamlencode([])"#, "<<EOT\n[]\n\nEOT"),
        (r#"yamlencode(["a\nb"])"#, "<<EOT\n- |-\n  a\n  b\n\nEOT"),
        (r#"yamlencode({a = var.unknown_string})"#, "(known after apply)"),
        (r#"yamlencode({a = var.secret})"#, "(sensitive value)"),
    ] {
        check(src, want);
    }
}
