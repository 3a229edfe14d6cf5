//! Formats stdin to stdout; a development aid for comparing with
//! `terraform fmt -`.

use std::io::{Read, Write};

fn main() {
    let mut src = String::new();
    if std::io::stdin().read_to_string(&mut src).is_err() {
        std::process::exit(2);
    }
    match strata_fmt::format_source(&src) {
        Ok(out) => {
            let _ = std::io::stdout().write_all(out.as_bytes());
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "Error: {e}");
            std::process::exit(1);
        }
    }
}
