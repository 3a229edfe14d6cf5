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

/// textencodebase64/textdecodebase64 with every IANA name Go's ianaindex
/// supports, Go's x/text tables and its error texts; base64 offsets as Go.
#[test]
fn text_encodings_as_go() {
    for (src, want) in [
        (r#"textdecodebase64("", "UTF-8")"#, r#""""#),
        (r#"textdecodebase64("+kA=", "Shift_JIS")"#, r#""ⅰ""#),
        (r#"textdecodebase64("//5hAA==", "UTF-16")"#, r#""a""#),
        (r#"textdecodebase64("//5hAA==", "UTF-16LE")"#, r#""\ufeffa""#),
        (r#"textdecodebase64("/v8AYQ==", "UTF-16")"#, r#""a""#),
        (r#"textdecodebase64("/v8AYQ==", "UTF-16BE")"#, r#""\ufeffa""#),
        (r#"textdecodebase64("/w==", "IBM037")"#, r#""\u009f""#),
        (r#"textdecodebase64("1tDOxA==", "GBK")"#, r#""中文""#),
        (r#"textdecodebase64("6Q==", "ISO-8859-1")"#, r#""é""#),
        (r#"textdecodebase64("6aQ=", "macintosh")"#, r#""È§""#),
        (r#"textdecodebase64("8NLJ18XU", "KOI8-R")"#, r#""Привет""#),
        (r#"textdecodebase64("AGE=", "UTF-16")"#, r#""a""#),
        (r#"textdecodebase64("GyRCRnxLXBsoQg==", "ISO-2022-JP")"#, r#""日本""#),
        (r#"textdecodebase64("YX5+Yn4KYw==", "HZ-GB-2312")"#, r#""a~bc""#),
        (r#"textdecodebase64("aGk=\r\n", "UTF-8")"#, r#""hi""#),
        (r#"textdecodebase64("fns8Okt5MjtTeyMsTnBKKWw2SEshI359", "HZ-GB-2312")"#, r#""己所不欲，勿施於人。""#),
        (r#"textdecodebase64("gA==", "GBK")"#, r#""€""#),
        (r#"textdecodebase64("gA==", "windows-1252")"#, r#""€""#),
        (
            r#"textdecodebase64("gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp8=", "ISO-8859-1")"#,
            r#""\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008a\u008b\u008c\u008d\u008e\u008f\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009a\u009b\u009c\u009d\u009e\u009f""#,
        ),
        (r#"textdecodebase64("gTCBMA==", "GB18030")"#, r#""\u0080""#),
        (r#"textdecodebase64("gps=", "IBM437")"#, r#""é¢""#),
        (r#"textdecodebase64("iG0=", "Big5")"#, r#""é""#),
        (r#"textdecodebase64("iGI=", "Big5")"#, r#""Ê̄""#),
        (r#"textdecodebase64("j6ux", "EUC-JP")"#, r#""é""#),
        (r#"textdecodebase64("k/qWe4zq", "Shift_JIS")"#, r#""日本語""#),
        (r#"textdecodebase64("pKSk5Q==", "Big5")"#, r#""中文""#),
        (r#"textdecodebase64("wcI=", "IBM037")"#, r#""AB""#),
        (r#"textdecodebase64("x9Gxub7u", "EUC-KR")"#, r#""한국어""#),
        (r#"textdecodebase64("xvzL3Ljs", "EUC-JP")"#, r#""日本語""#),
        (r#"textencodebase64("\uFFFD", "UTF-8")"#, r#""77+9""#),
        (r#"textencodebase64("a", "  UTF-8  ")"#, r#""YQ==""#),
        (r#"textencodebase64("a", "Utf-8")"#, r#""YQ==""#),
        (r#"textencodebase64("aé", "Big5")"#, r#""YYht""#),
        (r#"textencodebase64("aé", "CP437")"#, r#""YYI=""#),
        (r#"textencodebase64("aé", "EUC-JP")"#, r#""YY+rsQ==""#),
        (r#"textencodebase64("aé", "GB18030")"#, r#""Yaim""#),
        (r#"textencodebase64("aé", "GBK")"#, r#""Yaim""#),
        (r#"textencodebase64("aé", "HZ-GB-2312")"#, r#""YX57KCY=""#),
        (r#"textencodebase64("aé", "IBM037")"#, r#""gVE=""#),
        (r#"textencodebase64("aé", "IBM1047")"#, r#""gVE=""#),
        (r#"textencodebase64("aé", "IBM437")"#, r#""YYI=""#),
        (r#"textencodebase64("aé", "IBM850")"#, r#""YYI=""#),
        (r#"textencodebase64("aé", "IBM852")"#, r#""YYI=""#),
        (r#"textencodebase64("aé", "IBM860")"#, r#""YYI=""#),
        (r#"textencodebase64("aé", "IBM863")"#, r#""YYI=""#),
        (r#"textencodebase64("aé", "IBM865")"#, r#""YYI=""#),
        (r#"textencodebase64("aé", "ISO-8859-1")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "ISO-8859-10")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "ISO-8859-13")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "ISO-8859-14")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "ISO-8859-15")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "ISO-8859-16")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "ISO-8859-2")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "ISO-8859-3")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "ISO-8859-4")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "ISO-8859-9")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "UTF-16")"#, r#""/v8AYQDp""#),
        (r#"textencodebase64("aé", "UTF-16BE")"#, r#""AGEA6Q==""#),
        (r#"textencodebase64("aé", "UTF-16LE")"#, r#""YQDpAA==""#),
        (r#"textencodebase64("aé", "UTF-8")"#, r#""YcOp""#),
        (r#"textencodebase64("aé", "WINDOWS-1252")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "Windows-1252")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "csPC8CodePage437")"#, r#""YYI=""#),
        (r#"textencodebase64("aé", "l1")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "latin1")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "latin2")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "mac")"#, r#""YY4=""#),
        (r#"textencodebase64("aé", "macintosh")"#, r#""YY4=""#),
        (r#"textencodebase64("aé", "utf-16le")"#, r#""YQDpAA==""#),
        (r#"textencodebase64("aé", "windows-1250")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "windows-1252")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "windows-1254")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "windows-1256")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "windows-1257")"#, r#""Yek=""#),
        (r#"textencodebase64("aé", "windows-1258")"#, r#""Yek=""#),
        (r#"textencodebase64("aé€", "Big5")"#, r#""YYhto+E=""#),
        (r#"textencodebase64("aé€", "GB18030")"#, r#""YaimouM=""#),
        (r#"textencodebase64("aé€", "GBK")"#, r#""YaimgA==""#),
        (r#"textencodebase64("aé€", "HZ-GB-2312")"#, r#""YX57KCYiYw==""#),
        (r#"textencodebase64("aé€", "ISO-8859-15")"#, r#""Yemk""#),
        (r#"textencodebase64("aé€", "ISO-8859-16")"#, r#""Yemk""#),
        (r#"textencodebase64("aé€", "UTF-16")"#, r#""/v8AYQDpIKw=""#),
        (r#"textencodebase64("aé€", "UTF-16BE")"#, r#""AGEA6SCs""#),
        (r#"textencodebase64("aé€", "UTF-16LE")"#, r#""YQDpAKwg""#),
        (r#"textencodebase64("aé€", "UTF-8")"#, r#""YcOp4oKs""#),
        (r#"textencodebase64("aé€", "WINDOWS-1252")"#, r#""YemA""#),
        (r#"textencodebase64("aé€", "Windows-1252")"#, r#""YemA""#),
        (r#"textencodebase64("aé€", "mac")"#, r#""YY7b""#),
        (r#"textencodebase64("aé€", "macintosh")"#, r#""YY7b""#),
        (r#"textencodebase64("aé€", "utf-16le")"#, r#""YQDpAKwg""#),
        (r#"textencodebase64("aé€", "windows-1250")"#, r#""YemA""#),
        (r#"textencodebase64("aé€", "windows-1252")"#, r#""YemA""#),
        (r#"textencodebase64("aé€", "windows-1254")"#, r#""YemA""#),
        (r#"textencodebase64("aé€", "windows-1256")"#, r#""YemA""#),
        (r#"textencodebase64("aé€", "windows-1257")"#, r#""YemA""#),
        (r#"textencodebase64("aé€", "windows-1258")"#, r#""YemA""#),
        (r#"textencodebase64("x", "IBM00858")"#, r#""eA==""#),
        (r#"textencodebase64("x", "IBM01140")"#, r#""pw==""#),
        (r#"textencodebase64("~", "HZ-GB-2312")"#, r#""fn4=""#),
        (r#"textencodebase64("Ä", "IBM037")"#, r#""Yw==""#),
        (r#"textencodebase64("Ä", "IBM1047")"#, r#""Yw==""#),
        (r#"textencodebase64("é", "HZ-GB-2312")"#, r#""fnsoJg==""#),
        (r#"textencodebase64("€", "Big5")"#, r#""o+E=""#),
        (r#"textencodebase64("€", "GB18030")"#, r#""ouM=""#),
        (r#"textencodebase64("€", "IBM00858")"#, r#""1Q==""#),
        (r#"textencodebase64("ⅰ", "Shift_JIS")"#, r#""7u8=""#),
        (r#"textencodebase64("∥", "Shift_JIS")"#, r#""gWE=""#),
        (r#"textencodebase64("①", "Shift_JIS")"#, r#""h0A=""#),
        (r#"textencodebase64("①②", "EUC-JP")"#, r#""raGtog==""#),
        (r#"textencodebase64("中~a", "HZ-GB-2312")"#, r#""fntWUH5+fn1h""#),
        (r#"textencodebase64("日本語ｱｲ", "ISO-2022-JP")"#, r#""GyRCRnxLXDhsGyhJMTIbKEI=""#),
        (r#"textencodebase64("纊", "Shift_JIS")"#, r#""7UA=""#),
        (r#"textencodebase64("鍞", "Big5")"#, r#""7ug=""#),
        (r#"textencodebase64("髙", "EUC-JP")"#, r#""/OI=""#),
        (r#"textencodebase64("髙", "Shift_JIS")"#, r#""7uA=""#),
        (r#"textencodebase64("～", "Shift_JIS")"#, r#""gWA=""#),
        (r#"textencodebase64("ｱ", "EUC-JP")"#, r#""jrE=""#),
        (r#"textencodebase64("ｱ", "ISO-2022-JP")"#, r#""GyhJMRsoQg==""#),
        (r#"textencodebase64("ｱ", "Shift_JIS")"#, r#""sQ==""#),
        (r#"textencodebase64("ｱa", "ISO-2022-JP")"#, r#""GyhJMRsoQmE=""#),
        (r#"textencodebase64("￢", "Shift_JIS")"#, r#""gco=""#),
        (r#"textencodebase64("😀", "GB18030")"#, r#""lDn8Ng==""#),
        (r#"base64decode("aG==")"#, r#""h""#),
        (r#"base64decode("aGk=\n")"#, r#""hi""#),
        (r#"base64decode("aG\nk=")"#, r#""hi""#),
    ] {
        check(src, want);
    }
}

/// Unsupported names, unencodable characters, undefined bytes, bad base64.
#[test]
fn text_encoding_errors_as_go() {
    for (src, want) in [
        (
            r#"textdecodebase64("%%%", "UTF-8")"#,
            r#"Invalid function argument: Invalid value for "source" parameter: the given value is has an invalid base64 symbol at offset 0."#,
        ),
        (
            r#"textdecodebase64("ANhhAA==", "UTF-16LE")"#,
            r#"Invalid function argument: Invalid value for "source" parameter: the given string contains symbols that are not defined for UTF-16LE."#,
        ),
        (
            r#"textdecodebase64("YQBi", "UTF-16LE")"#,
            r#"Invalid function argument: Invalid value for "source" parameter: the given string contains symbols that are not defined for UTF-16LE."#,
        ),
        (
            r#"textdecodebase64("aGk", "UTF-8")"#,
            r#"Invalid function argument: Invalid value for "source" parameter: the given value is has an invalid base64 symbol at offset 0."#,
        ),
        (
            r#"textdecodebase64("aGk=", "nope")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "nope" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textdecodebase64("aGk=x", "UTF-8")"#,
            r#"Invalid function argument: Invalid value for "source" parameter: the given value is has an invalid base64 symbol at offset 4."#,
        ),
        (
            r#"textdecodebase64("fng=", "HZ-GB-2312")"#,
            r#"Invalid function argument: Invalid value for "source" parameter: the given string contains symbols that are not defined for HZ-GB-2312."#,
        ),
        (
            r#"textdecodebase64("gA==", "US-ASCII")"#,
            r#"Invalid function argument: Invalid value for "source" parameter: the given string contains symbols that are not defined for US-ASCII."#,
        ),
        (
            r#"textdecodebase64("gQ==", "windows-1252")"#,
            r#"Invalid function argument: Invalid value for "source" parameter: the given string contains symbols that are not defined for windows-1252."#,
        ),
        (
            r#"textdecodebase64("gTCBMA==", "GBK")"#,
            r#"Invalid function argument: Invalid value for "source" parameter: the given string contains symbols that are not defined for GBK."#,
        ),
        (
            r#"textdecodebase64("gg==", "Shift_JIS")"#,
            r#"Invalid function argument: Invalid value for "source" parameter: the given string contains symbols that are not defined for Shift_JIS."#,
        ),
        (
            r#"textdecodebase64("oA==", "Shift_JIS")"#,
            r#"Invalid function argument: Invalid value for "source" parameter: the given string contains symbols that are not defined for Shift_JIS."#,
        ),
        (
            r#"textdecodebase64("pQ==", "ISO-8859-3")"#,
            r#"Invalid function argument: Invalid value for "source" parameter: the given string contains symbols that are not defined for ISO_8859-3:1988."#,
        ),
        (
            r#"textdecodebase64("wyg=", "UTF-8")"#,
            r#"Invalid function argument: Invalid value for "source" parameter: the given string contains symbols that are not defined for UTF-8."#,
        ),
        (
            r#"textencodebase64("\u0080", "windows-1252")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in windows-1252."#,
        ),
        (
            r#"textencodebase64("\uFFFD", "ISO-8859-1")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-1:1987."#,
        ),
        (
            r#"textencodebase64("aé", "866")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM866."#,
        ),
        (
            r#"textencodebase64("aé", "EUC-KR")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in EUC-KR."#,
        ),
        (
            r#"textencodebase64("aé", "GB2312")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "GB2312" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "IBM1140")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "IBM1140" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "IBM855")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM855."#,
        ),
        (
            r#"textencodebase64("aé", "IBM858")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "IBM858" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "IBM862")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM862."#,
        ),
        (
            r#"textencodebase64("aé", "IBM866")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM866."#,
        ),
        (
            r#"textencodebase64("aé", "ISO-10646-UCS-2")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "ISO-10646-UCS-2" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "ISO-2022-JP")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO-2022-JP."#,
        ),
        (
            r#"textencodebase64("aé", "ISO-8859-11")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "ISO-8859-11" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "ISO-8859-5")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-5:1988."#,
        ),
        (
            r#"textencodebase64("aé", "ISO-8859-6")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-6:1987."#,
        ),
        (
            r#"textencodebase64("aé", "ISO-8859-6-E")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-6-E."#,
        ),
        (
            r#"textencodebase64("aé", "ISO-8859-6-I")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-6-I."#,
        ),
        (
            r#"textencodebase64("aé", "ISO-8859-7")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-7:1987."#,
        ),
        (
            r#"textencodebase64("aé", "ISO-8859-8")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-8:1988."#,
        ),
        (
            r#"textencodebase64("aé", "ISO-8859-8-E")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-8-E."#,
        ),
        (
            r#"textencodebase64("aé", "ISO-8859-8-I")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-8-I."#,
        ),
        (
            r#"textencodebase64("aé", "KOI8-R")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in KOI8-R."#,
        ),
        (
            r#"textencodebase64("aé", "KOI8-U")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in KOI8-U."#,
        ),
        (
            r#"textencodebase64("aé", "MS_Kanji")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in Shift_JIS."#,
        ),
        (
            r#"textencodebase64("aé", "Shift_JIS")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in Shift_JIS."#,
        ),
        (
            r#"textencodebase64("aé", "TIS-620")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "TIS-620" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "US-ASCII")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in US-ASCII."#,
        ),
        (
            r#"textencodebase64("aé", "UTF-32")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "UTF-32" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "UTF-32LE")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "UTF-32LE" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "UTF-7")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "UTF-7" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "Windows-31J")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "Windows-31J" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "ascii")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "ascii" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "big5-hkscs")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "big5-hkscs" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "cp1252")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "cp1252" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "cp866")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM866."#,
        ),
        (
            r#"textencodebase64("aé", "csKOI8R")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in KOI8-R."#,
        ),
        (
            r#"textencodebase64("aé", "csUnicode")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "csUnicode" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "ibm-866")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "ibm-866" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "replacement")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "replacement" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "sjis")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "sjis" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "utf8")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "utf8" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "windows-1251")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in windows-1251."#,
        ),
        (
            r#"textencodebase64("aé", "windows-1253")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in windows-1253."#,
        ),
        (
            r#"textencodebase64("aé", "windows-1255")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in windows-1255."#,
        ),
        (
            r#"textencodebase64("aé", "windows-874")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in windows-874."#,
        ),
        (
            r#"textencodebase64("aé", "x-mac-cyrillic")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "x-mac-cyrillic" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé", "x-user-defined")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "x-user-defined" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "866")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM866."#,
        ),
        (
            r#"textencodebase64("aé€", "CP437")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM437."#,
        ),
        (
            r#"textencodebase64("aé€", "EUC-JP")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in Extended_UNIX_Code_Packed_Format_for_Japanese."#,
        ),
        (
            r#"textencodebase64("aé€", "EUC-KR")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in EUC-KR."#,
        ),
        (
            r#"textencodebase64("aé€", "GB2312")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "GB2312" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "IBM037")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM037."#,
        ),
        (
            r#"textencodebase64("aé€", "IBM1047")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM1047."#,
        ),
        (
            r#"textencodebase64("aé€", "IBM1140")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "IBM1140" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "IBM437")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM437."#,
        ),
        (
            r#"textencodebase64("aé€", "IBM850")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM850."#,
        ),
        (
            r#"textencodebase64("aé€", "IBM852")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM852."#,
        ),
        (
            r#"textencodebase64("aé€", "IBM855")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM855."#,
        ),
        (
            r#"textencodebase64("aé€", "IBM858")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "IBM858" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "IBM860")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM860."#,
        ),
        (
            r#"textencodebase64("aé€", "IBM862")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM862."#,
        ),
        (
            r#"textencodebase64("aé€", "IBM863")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM863."#,
        ),
        (
            r#"textencodebase64("aé€", "IBM865")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM865."#,
        ),
        (
            r#"textencodebase64("aé€", "IBM866")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM866."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-10646-UCS-2")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "ISO-10646-UCS-2" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-2022-JP")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO-2022-JP."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-8859-1")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-1:1987."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-8859-10")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO-8859-10."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-8859-11")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "ISO-8859-11" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-8859-13")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO-8859-13."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-8859-14")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO-8859-14."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-8859-2")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-2:1987."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-8859-3")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-3:1988."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-8859-4")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-4:1988."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-8859-5")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-5:1988."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-8859-6")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-6:1987."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-8859-6-E")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-6-E."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-8859-6-I")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-6-I."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-8859-7")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-7:1987."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-8859-8")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-8:1988."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-8859-8-E")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-8-E."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-8859-8-I")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-8-I."#,
        ),
        (
            r#"textencodebase64("aé€", "ISO-8859-9")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-9:1989."#,
        ),
        (
            r#"textencodebase64("aé€", "KOI8-R")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in KOI8-R."#,
        ),
        (
            r#"textencodebase64("aé€", "KOI8-U")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in KOI8-U."#,
        ),
        (
            r#"textencodebase64("aé€", "MS_Kanji")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in Shift_JIS."#,
        ),
        (
            r#"textencodebase64("aé€", "Shift_JIS")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in Shift_JIS."#,
        ),
        (
            r#"textencodebase64("aé€", "TIS-620")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "TIS-620" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "US-ASCII")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in US-ASCII."#,
        ),
        (
            r#"textencodebase64("aé€", "UTF-32")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "UTF-32" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "UTF-32LE")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "UTF-32LE" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "UTF-7")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "UTF-7" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "Windows-31J")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "Windows-31J" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "ascii")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "ascii" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "big5-hkscs")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "big5-hkscs" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "cp1252")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "cp1252" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "cp866")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM866."#,
        ),
        (
            r#"textencodebase64("aé€", "csKOI8R")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in KOI8-R."#,
        ),
        (
            r#"textencodebase64("aé€", "csPC8CodePage437")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in IBM437."#,
        ),
        (
            r#"textencodebase64("aé€", "csUnicode")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "csUnicode" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "ibm-866")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "ibm-866" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "l1")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-1:1987."#,
        ),
        (
            r#"textencodebase64("aé€", "latin1")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-1:1987."#,
        ),
        (
            r#"textencodebase64("aé€", "latin2")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-2:1987."#,
        ),
        (
            r#"textencodebase64("aé€", "replacement")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "replacement" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "sjis")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "sjis" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "utf8")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "utf8" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "windows-1251")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in windows-1251."#,
        ),
        (
            r#"textencodebase64("aé€", "windows-1253")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in windows-1253."#,
        ),
        (
            r#"textencodebase64("aé€", "windows-1255")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in windows-1255."#,
        ),
        (
            r#"textencodebase64("aé€", "windows-874")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in windows-874."#,
        ),
        (
            r#"textencodebase64("aé€", "x-mac-cyrillic")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "x-mac-cyrillic" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("aé€", "x-user-defined")"#,
            r#"Invalid function argument: Invalid value for "encoding" parameter: "x-user-defined" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            r#"textencodebase64("¥", "EUC-JP")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in Extended_UNIX_Code_Packed_Format_for_Japanese."#,
        ),
        (
            r#"textencodebase64("¥", "ISO-2022-JP")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO-2022-JP."#,
        ),
        (
            r#"textencodebase64("¥", "Shift_JIS")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in Shift_JIS."#,
        ),
        (
            r#"textencodebase64("‾", "Shift_JIS")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in Shift_JIS."#,
        ),
        (
            r#"textencodebase64("−", "Shift_JIS")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in Shift_JIS."#,
        ),
        (
            r#"textencodebase64("〜", "Shift_JIS")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in Shift_JIS."#,
        ),
        (
            r#"textencodebase64("😀", "GBK")"#,
            r#"Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in GBK."#,
        ),
        (
            r#"base64decode("aGk")"#,
            r#"Error in function call: Call to function "base64decode" failed: failed to decode base64 data "aGk"."#,
        ),
        (
            r#"base64decode("aGk=x")"#,
            r#"Error in function call: Call to function "base64decode" failed: failed to decode base64 data "aGk=x"."#,
        ),
        (
            r#"base64decode("a===")"#,
            r#"Error in function call: Call to function "base64decode" failed: failed to decode base64 data "a==="."#,
        ),
        (
            r#"base64decode("aGVsbG8gd29ybGQ")"#,
            r#"Error in function call: Call to function "base64decode" failed: failed to decode base64 data "aGVsbG8gd29ybGQ"."#,
        ),
        (
            r#"base64decode("aGVsbG8gd29ybGQ!")"#,
            r#"Error in function call: Call to function "base64decode" failed: failed to decode base64 data "aGVsbG8gd29ybGQ!"."#,
        ),
        (
            r#"base64decode("aGVs bG8=")"#,
            r#"Error in function call: Call to function "base64decode" failed: failed to decode base64 data "aGVs bG8="."#,
        ),
        (
            r#"base64decode("=")"#,
            r#"Error in function call: Call to function "base64decode" failed: failed to decode base64 data "="."#,
        ),
        (
            r#"base64decode("aGk==")"#,
            r#"Error in function call: Call to function "base64decode" failed: failed to decode base64 data "aGk=="."#,
        ),
        (
            r#"base64decode("aGVsbG8=aGk=")"#,
            r#"Error in function call: Call to function "base64decode" failed: failed to decode base64 data "aGVsbG8=aGk="."#,
        ),
    ] {
        check_err(src, want);
    }
}

/// YAML edge cases as go-cty-yaml decodes them.
#[test]
fn yamldecode_like_go_cty_yaml() {
    for (src, want) in [
        (
            r#"yamldecode("a: 1\na: 2")"#,
            r#"{
  "a" = 2
}"#,
        ),
        (r#"yamldecode("!!bool yes")"#, r#"true"#),
        (
            r#"yamldecode("? a\n? a")"#,
            r#"{
  "a" = null
}"#,
        ),
        (
            r#"yamldecode("a: |\n b\n  c")"#,
            r#"{
  "a" = <<-EOT
  b
   c
  EOT
}"#,
        ),
        (
            r#"yamldecode("{a: 1, a: 2}")"#,
            r#"{
  "a" = 2
}"#,
        ),
        (r#"yamldecode("!<tag:yaml.org,2002:str> 1")"#, r#""1""#),
        (
            r#"yamldecode("a: !!binary aGk=")"#,
            r#"{
  "a" = "aGk="
}"#,
        ),
        (
            r#"yamldecode("a: 0x1F")"#,
            r#"{
  "a" = 31
}"#,
        ),
        (
            r#"yamldecode("a: 0o17")"#,
            r#"{
  "a" = 15
}"#,
        ),
        (
            r#"yamldecode("a: 1_000")"#,
            r#"{
  "a" = "1_000"
}"#,
        ),
        (
            r#"yamldecode("a: .inf")"#,
            r#"{
  "a" = +Inf
}"#,
        ),
        (
            r#"yamldecode("a: -.Inf")"#,
            r#"{
  "a" = -Inf
}"#,
        ),
        (
            r#"yamldecode("a: ~")"#,
            r#"{
  "a" = null
}"#,
        ),
        (
            r#"yamldecode("a: 2001-12-14")"#,
            r#"{
  "a" = "2001-12-14T00:00:00Z"
}"#,
        ),
        (
            r#"yamldecode("a: 1e3")"#,
            r#"{
  "a" = 1000
}"#,
        ),
        (
            r#"yamldecode("a: +12")"#,
            r#"{
  "a" = 12
}"#,
        ),
        (
            r#"yamldecode("a: 012")"#,
            r#"{
  "a" = 12
}"#,
        ),
        (
            r#"yamldecode("a: yes")"#,
            r#"{
  "a" = true
}"#,
        ),
        (
            r#"yamldecode("a: On")"#,
            r#"{
  "a" = true
}"#,
        ),
        (
            r#"yamldecode("<<: {a: 1}\nb: 2")"#,
            r#"{
  "a" = 1
  "b" = 2
}"#,
        ),
        (
            r#"yamldecode("a: \"\\x41\\u263A\"")"#,
            r#"{
  "a" = "A☺"
}"#,
        ),
    ] {
        check(src, want);
    }
}

/// libyaml's problem texts and go-cty-yaml's (0-based) positions.
#[test]
fn yamldecode_errors_like_libyaml() {
    for (src, want) in [
        (
            r#"yamldecode("a: b: c")"#,
            r#"Error in function call: Call to function "yamldecode" failed: mapping values are not allowed in this context."#,
        ),
        (
            r#"yamldecode("[1, 2")"#,
            r#"Error in function call: Call to function "yamldecode" failed: on line 1, column 1: did not find expected ',' or ']'."#,
        ),
        (
            r#"yamldecode("{a: 1")"#,
            r#"Error in function call: Call to function "yamldecode" failed: on line 1, column 1: did not find expected ',' or '}'."#,
        ),
        (
            r#"yamldecode("a:\n  - b\n - c")"#,
            r#"Error in function call: Call to function "yamldecode" failed: on line 2, column 2: did not find expected key."#,
        ),
        (
            r#"yamldecode("key: 'unterminated")"#,
            r#"Error in function call: Call to function "yamldecode" failed: found unexpected end of stream."#,
        ),
        (
            r#"yamldecode("key: \"unterminated")"#,
            r#"Error in function call: Call to function "yamldecode" failed: found unexpected end of stream."#,
        ),
        (
            r#"yamldecode("- a\nb: c")"#,
            r#"Error in function call: Call to function "yamldecode" failed: on line 1, column 1: did not find expected '-' indicator."#,
        ),
        (
            r#"yamldecode("*unknown")"#,
            r#"Error in function call: Call to function "yamldecode" failed: reference to undefined anchor "unknown"."#,
        ),
        (
            r#"yamldecode("&a [*a]")"#,
            r#"Error in function call: Call to function "yamldecode" failed: cannot refer to anchor "a" from inside its own definition."#,
        ),
        (
            r#"yamldecode("!!int abc")"#,
            r#"Error in function call: Call to function "yamldecode" failed: cannot parse "abc" as tag:yaml.org,2002:int."#,
        ),
        (
            r#"yamldecode("!!float x")"#,
            r#"Error in function call: Call to function "yamldecode" failed: cannot parse "x" as tag:yaml.org,2002:float."#,
        ),
        (
            r#"yamldecode("\ta: 1")"#,
            r#"Error in function call: Call to function "yamldecode" failed: found character that cannot start any token."#,
        ),
        (
            r#"yamldecode("a:\n\tb: 1")"#,
            r#"Error in function call: Call to function "yamldecode" failed: on line 2, column 1: found character that cannot start any token."#,
        ),
        (
            r#"yamldecode("---\na: 1\n---\nb: 2")"#,
            r#"Error in function call: Call to function "yamldecode" failed: on line 2, column 1: unexpected extra content after value."#,
        ),
        (
            r#"yamldecode("")"#,
            r#"Error in function call: Call to function "yamldecode" failed: on line 1, column 1: missing start of document."#,
        ),
        (
            r#"yamldecode("%YAML 2.0\n---\na")"#,
            r#"Error in function call: Call to function "yamldecode" failed: found incompatible YAML document."#,
        ),
        (
            r#"yamldecode("a: [1, 2]]")"#,
            r#"Error in function call: Call to function "yamldecode" failed: did not find expected key."#,
        ),
        (
            r#"yamldecode("@foo")"#,
            r#"Error in function call: Call to function "yamldecode" failed: found character that cannot start any token."#,
        ),
        (
            r#"yamldecode("`foo")"#,
            r#"Error in function call: Call to function "yamldecode" failed: found character that cannot start any token."#,
        ),
        (
            r#"yamldecode("- !!map [1]")"#,
            r#"Error in function call: Call to function "yamldecode" failed: can't interpret sequence as tag:yaml.org,2002:map."#,
        ),
        (
            r#"yamldecode("!custom 1")"#,
            r#"Error in function call: Call to function "yamldecode" failed: unsupported tag "!custom"."#,
        ),
        (
            r#"yamldecode("a: .nan")"#,
            r#"Error in function call: Call to function "yamldecode" failed: floating point NaN is not supported."#,
        ),
        (
            r#"yamldecode("a: \"\\q\"")"#,
            r#"Error in function call: Call to function "yamldecode" failed: found unknown escape character."#,
        ),
        (
            r#"yamldecode("[a, b]: c")"#,
            r#"Error in function call: Call to function "yamldecode" failed: only strings are allowed as mapping keys."#,
        ),
        (
            r#"yamldecode("? [a]\n: b")"#,
            r#"Error in function call: Call to function "yamldecode" failed: only strings are allowed as mapping keys."#,
        ),
    ] {
        check_err(src, want);
    }
}
