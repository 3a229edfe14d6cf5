//! Filesystem functions, checked against Terraform 1.11.4.

mod support;

use std::path::PathBuf;
use support::{check, eval_in};

/// A fresh directory with the given files, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(files: &[(&str, &[u8])]) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "strata-fs-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        for (name, data) in files {
            let p = dir.join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, data).unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fixture() -> TempDir {
    TempDir::new(&[
        ("hello.txt", b"Hello World"),
        ("hello.tmpl", b"Hello, ${name}!"),
        ("bare.tmpl", b"${val}"),
        ("list.tmpl", b"%{ for x in list }- ${x}\n%{ endfor }"),
        ("func.tmpl", b"The items are ${join(\", \", list)}"),
        ("rec.tmpl", b"${templatefile(\"x\", {})}"),
        ("bin.dat", b"\xff\xfe"),
        ("files/hello.txt", b"hello"),
        ("files/world.txt", b"world"),
        ("files/b.md", b"b"),
        ("files/.hidden", b"h"),
        ("files/subdirectory/anotherfile.txt", b"another"),
    ])
}

#[track_caller]
fn check_in(dir: &TempDir, src: &str, want: &str) {
    match eval_in(src, dir.path()) {
        Ok(got) => assert_eq!(got, want, "for {src}"),
        Err(e) => panic!("{src}: unexpected error {e}"),
    }
}

#[track_caller]
fn check_err_in(dir: &TempDir, src: &str, want: &str) {
    match eval_in(src, dir.path()) {
        Ok(got) => panic!("{src}: expected error {want:?}, got {got}"),
        Err(e) => assert!(e.contains(want), "{src}: got error {e}"),
    }
}

#[test]
fn reading_files() {
    let d = fixture();
    for (src, want) in [
        (r#"file("${path.module}/hello.txt")"#, r#""Hello World""#),
        (r#"file("hello.txt")"#, r#""Hello World""#),
        (r#"filebase64("hello.txt")"#, r#""SGVsbG8gV29ybGQ=""#),
        (r#"filebase64("bin.dat")"#, r#""//4=""#),
        (r#"fileexists("hello.txt")"#, "true"),
        (r#"fileexists("nope.txt")"#, "false"),
        (r#"filemd5("hello.txt")"#, r#""b10a8db164e0754105b7a99be72e3fe5""#),
        (r#"filesha1("hello.txt")"#, r#""0a4d55a8d778e5022fab701977c5d840bbc486d0""#),
        (r#"filesha256("hello.txt")"#, r#""a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e""#),
        (
            r#"filesha512("hello.txt")"#,
            r#""2c74fd17edafd80e8447b0d46741ee243b7eb74dd2149a0ab1b9246fb30382f27e853d8585719e0e67cbda0daa8f51671064615d645ae27acb15bfb1447f459b""#,
        ),
        (r#"filebase64sha256("hello.txt")"#, r#""pZGm1Av0IEBKARczz7exkNYsZb8LzaMrV7J32a2fFG4=""#),
        (
            r#"filebase64sha512("hello.txt")"#,
            r#""LHT9F+2v2A6ER7DUZ0HuJDt+t03SFJoKsbkkb7MDgvJ+hT2FhXGeDmfL2g2qj1FnEGRhXWRa4nrLFb+xRH9Fmw==""#,
        ),
        (r#"file(sensitive("hello.txt"))"#, "(sensitive value)"),
        (r#"file(var.unknown_string)"#, "(known after apply)"),
    ] {
        check_in(&d, src, want);
    }
    check_err_in(
        &d,
        r#"file("missing.txt")"#,
        r#"Invalid value for "path" parameter: no file exists at "missing.txt"; this function works only"#,
    );
    check_err_in(&d, r#"file(sensitive("missing.txt"))"#, "no file exists at (sensitive value);");
    check_err_in(&d, r#"file("bin.dat")"#, r#"contents of "bin.dat" are not valid UTF-8; use the filebase64 function"#);
    check_err_in(&d, r#"file("files")"#, "failed to read file: read ");
    check_err_in(&d, r#"fileexists("files")"#, "is a directory, not a file.");
    check_err_in(&d, r#"filesha256("missing")"#, "missing: no such file or directory.");
}

#[test]
fn fileset() {
    let d = fixture();
    for (src, want) in [
        (r#"fileset(path.module, "files/*.txt")"#, "toset([\n  \"files/hello.txt\",\n  \"files/world.txt\",\n])"),
        (r#"fileset("${path.module}/files", "*")"#, "toset([\n  \".hidden\",\n  \"b.md\",\n  \"hello.txt\",\n  \"world.txt\",\n])"),
        (r#"fileset("files", "**/*.txt")"#, "toset([\n  \"hello.txt\",\n  \"subdirectory/anotherfile.txt\",\n  \"world.txt\",\n])"),
        (r#"fileset("files", "**")"#, "toset([\n  \".hidden\",\n  \"b.md\",\n  \"hello.txt\",\n  \"subdirectory/anotherfile.txt\",\n  \"world.txt\",\n])"),
        (r#"fileset("files", "{hello,b}.*")"#, "toset([\n  \"b.md\",\n  \"hello.txt\",\n])"),
        (r#"fileset("files", "[hw]*.txt")"#, "toset([\n  \"hello.txt\",\n  \"world.txt\",\n])"),
        (r#"fileset("files", "?.md")"#, "toset([\n  \"b.md\",\n])"),
        (r#"fileset("nope", "*")"#, "toset([])"),
        (r#"fileset("files", "subdirectory/../hello.txt")"#, "toset([\n  \"hello.txt\",\n])"),
    ] {
        check_in(&d, src, want);
    }
    check_err_in(&d, r#"fileset(".", "files/[")"#, "syntax error in pattern.");
}

#[test]
fn templates() {
    let d = fixture();
    for (src, want) in [
        (r#"templatefile("${path.module}/hello.tmpl", { name = "Jodie" })"#, r#""Hello, Jodie!""#),
        (r#"templatefile("bare.tmpl", { val = true })"#, "true"),
        (r#"templatefile("bare.tmpl", { val = [1] })"#, "[\n  1,\n]"),
        (r#"templatefile("list.tmpl", { list = ["a", "b"] })"#, "<<EOT\n- a\n- b\n\nEOT"),
        (r#"templatefile("func.tmpl", { list = ["a", "b", "c"] })"#, r#""The items are a, b, c""#),
        (r#"templatefile("hello.tmpl", { name = var.unknown_string })"#, "(known after apply)"),
        (r#"templatefile("hello.tmpl", { name = sensitive("x") })"#, "(sensitive value)"),
        (r#"templatestring(var.unknown_string, {})"#, "(known after apply)"),
        (r#"[for t in ["Hello, $${name}!"] : templatestring(t, { name = "a" })][0]"#, r#""Hello, a!""#),
        (
            r#"[for t in ["List Items: $${join(\", \", list)}"] : templatestring(t, { list = ["value1", "value2"] })][0]"#,
            r#""List Items: value1, value2""#,
        ),
    ] {
        check_in(&d, src, want);
    }
    for (src, want) in [
        (
            r#"templatefile("hello.tmpl", {})"#,
            r#"vars map does not contain key "name", referenced at hello.tmpl:1,10-14."#,
        ),
        (r#"templatefile("list.tmpl", { list = true })"#, "list.tmpl:1,13-17: Iteration over non-iterable value;"),
        (
            r#"templatefile("rec.tmpl", {})"#,
            "cannot recursively call templatefile from inside another template function",
        ),
        (r#"templatefile("hello.tmpl", { "1bad" = 1, name = 2 })"#, "invalid template variable name \"1bad\""),
        (r#"templatefile("hello.tmpl", "x")"#, "invalid vars value: must be a map."),
        (r#"templatefile("missing.tmpl", {})"#, "no file exists at \"missing.tmpl\""),
    ] {
        check_err_in(&d, src, want);
    }
}

#[test]
fn paths() {
    for (src, want) in [
        (r#"basename("foo/bar/baz.txt")"#, r#""baz.txt""#),
        (r#"basename("/")"#, r#""/""#),
        (r#"basename("")"#, r#"".""#),
        (r#"basename("foo/")"#, r#""foo""#),
        (r#"dirname("foo/bar/baz.txt")"#, r#""foo/bar""#),
        (r#"dirname("baz.txt")"#, r#"".""#),
        (r#"dirname("/foo")"#, r#""/""#),
        (r#"dirname("a//b/../c/")"#, r#""a/c""#),
        (r#"abspath("/a/../b")"#, r#""/b""#),
        (r#"pathexpand("/x/y")"#, r#""/x/y""#),
    ] {
        check(src, want);
    }
    if let Ok(home) = std::env::var("HOME") {
        check(r#"pathexpand("~/x")"#, &format!("{:?}", format!("{home}/x")));
    }
}
