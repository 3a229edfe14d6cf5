//! Benchmark: `strata validate` on a generated configuration of N blocks
//! (variables, locals blocks and outputs that reference each other).
//! Usage: bench-validate [BLOCKS] [RUNS]; prints min and median wall time.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Write;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let blocks: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let bin = std::env::var("STRATA_BIN").unwrap_or_else(|_| "target/release/strata".into());
    let dir = std::env::temp_dir().join(format!("strata-bench-{blocks}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let third = blocks / 3;
    let mut src = String::new();
    for i in 0..third {
        writeln!(src, "variable \"v{i}\" {{\n  type    = string\n  default = \"value-{i}\"\n}}\n").unwrap();
    }
    for i in 0..third {
        let prev = if i > 0 { format!("local.l{}.name", i - 1) } else { "\"root\"".into() };
        writeln!(src, "locals {{\n  l{i} = {{ name = var.v{i}, prev = {prev} }}\n}}\n").unwrap();
    }
    for i in 0..(blocks - 2 * third) {
        let l = i % third.max(1);
        writeln!(src, "output \"o{i}\" {{\n  value = upper(local.l{l}.name)\n}}\n").unwrap();
    }
    std::fs::write(dir.join("main.tf"), &src).unwrap();
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let out = std::process::Command::new(&bin)
            .args(["validate", "-no-color"])
            .current_dir(&dir)
            .output()
            .expect("run strata");
        let dt = t.elapsed();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        times.push(dt);
    }
    times.sort();
    println!(
        "validate {blocks} blocks ({} KiB): min {:.3}s, median {:.3}s over {runs} runs",
        src.len() / 1024,
        times[0].as_secs_f64(),
        times[times.len() / 2].as_secs_f64()
    );
}
