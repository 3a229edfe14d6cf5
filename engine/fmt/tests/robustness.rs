//! Error reporting and robustness: invalid input yields a `FormatError` with
//! a position, never a panic; big and deeply nested inputs are handled.

use std::time::{Duration, Instant};

use strata_fmt::{format_source, FormatError};

fn error_of(src: &str) -> FormatError {
    match format_source(src) {
        Ok(out) => panic!("expected an error for {src:?}, got {out:?}"),
        Err(e) => e,
    }
}

#[test]
fn reports_errors_with_positions() {
    let cases: &[(&str, usize, usize)] = &[
        ("a = \"unterminated\n", 1, 18),
        ("a = \"abc", 1, 5),
        ("x {\n  a = 1\n", 1, 3),
        ("a = [1, 2\n", 1, 5),
        ("a = (1]\n", 1, 7),
        ("a = 1)\n", 1, 6),
        ("b = <<EOT\nno end\n", 1, 5),
        ("/* open comment", 1, 1),
        ("a = 'single'\n", 1, 5),
        ("a = 1;\n", 1, 6),
        ("a = \"${b\"\n", 1, 10),
        ("= 1\n", 1, 1),
        ("a = 1\na = 2\n", 2, 1),
        ("a = \n", 1, 5),
        ("x {\n  a = 1 }\n", 2, 9),
        ("x { y { } }\n", 1, 5),
        ("a = 1 <<x\n", 1, 7),
        ("a = 1\r2\n", 1, 6),
    ];
    for &(src, line, column) in cases {
        let e = error_of(src);
        assert_eq!((e.line, e.column), (line, column), "position for {src:?}: {e}");
        assert!(!e.message.is_empty());
        assert!(e.to_string().contains(&e.message));
    }
}

#[test]
fn never_panics_on_truncated_or_garbled_input() {
    let samples = [
        "resource \"a\" \"b\" {\n  x = \"${var.a}\"\n  y = <<EOT\nhi ${x}\nEOT\n  z = [for k, v in m : k => v]\n}\n",
        "locals {\n  a = \"%{ if x }y%{ endif }\"\n  b = { a = 1, b = [1, 2] } # c\n  c = -1 /* d */\n}\n",
        "variable \"v\" {\n  type = \"list\"\n  default = <<-EOT\n    a\n    EOT\n}\n",
    ];
    for sample in samples {
        let bytes = sample.as_bytes();
        for end in 0..=bytes.len() {
            if let Ok(prefix) = std::str::from_utf8(&bytes[..end]) {
                let _ = format_source(prefix);
            }
            for start in (0..end).step_by(7) {
                if let Ok(s) = std::str::from_utf8(&bytes[start..end]) {
                    let _ = format_source(s);
                }
            }
        }
        // Also try every single-byte deletion.
        for skip in 0..bytes.len() {
            let mut v = bytes.to_vec();
            v.remove(skip);
            if let Ok(s) = String::from_utf8(v) {
                let _ = format_source(&s);
            }
        }
    }
}

#[test]
fn deep_nesting_is_fine() {
    let depth = 1000;
    let src = format!("a = {}1{}\n", "[".repeat(depth), "]".repeat(depth));
    let out = format_source(&src).expect("deeply nested tuple formats");
    assert_eq!(out, src);

    let mut blocks = String::new();
    for _ in 0..depth {
        blocks.push_str("b {\n");
    }
    blocks.push_str("x = 1\n");
    for _ in 0..depth {
        blocks.push_str("}\n");
    }
    let out = format_source(&blocks).expect("deeply nested blocks format");
    assert!(out.lines().nth(depth).is_some_and(|l| l.trim() == "x = 1" && l.len() == 2 * depth + 5));

    let interp = format!("a = {}x{}\n", "\"${".repeat(depth), "}\"".repeat(depth));
    format_source(&interp).expect("deeply nested templates format");

    let unbalanced = format!("a = {}\n", "(".repeat(100_000));
    assert!(format_source(&unbalanced).is_err());
}

#[test]
fn large_input_is_linear() {
    let unit = "resource \"aws_instance\" \"web\" {\n  ami   = \"${var.ami}\"\n  tags = {\n    Name = \"x\" # c\n  }\n  user_data = <<EOT\nline ${var.x}\nEOT\n}\n\n";
    let small: String = unit.repeat(2_000);
    let big: String = unit.repeat(2_000 * 16);
    let t0 = Instant::now();
    format_source(&small).expect("small formats");
    let t_small = t0.elapsed();
    let t1 = Instant::now();
    let out = format_source(&big).expect("big formats");
    let t_big = t1.elapsed();
    assert!(out.len() > big.len() / 2);
    // 16x the input should take nowhere near 16^2 the time.
    assert!(t_big < t_small * 64 + Duration::from_secs(2), "small {t_small:?}, big {t_big:?}");
}

#[test]
fn raw_mode_does_not_append_a_newline() {
    assert_eq!(strata_fmt::format_source_raw("a=1").unwrap(), "a = 1");
    assert_eq!(format_source("a=1").unwrap(), "a = 1\n");
    assert_eq!(format_source("").unwrap(), "\n");
    assert_eq!(strata_fmt::format_source_raw("").unwrap(), "");
}
