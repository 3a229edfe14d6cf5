//! `strata fmt [-check] [-diff] [-recursive] [-list=false] [-write=false] [TARGET...]`

use crate::args::FmtArgs;
use crate::output::Ui;
use crate::workdir::WorkDir;
use std::io::Read;
use std::path::{Path, PathBuf};
use strata_diag::{Diagnostic, Diagnostics, SourceFile, Span};

const EXTENSIONS: &[&str] = &[".tf", ".tfvars", ".tftest.hcl"];

pub fn run(workdir: &WorkDir, args: &FmtArgs, ui: Ui) -> u8 {
    let list = args.list.unwrap_or(true);
    let write = args.write.unwrap_or(!args.check);
    let mut diags = Diagnostics::new();
    let mut unformatted = false;
    if args.targets.iter().any(|t| t == "-") {
        let mut src = String::new();
        if std::io::stdin().read_to_string(&mut src).is_err() {
            ui.print_diagnostics(&Diagnostic::error("Failed to read standard input").into());
            return 2;
        }
        return match format_one("<stdin>", &src) {
            Ok(out) => {
                if args.check {
                    u8::from(out != src) * 3
                } else {
                    print!("{out}");
                    0
                }
            }
            Err(d) => {
                ui.print_diagnostics(&d.into());
                2
            }
        };
    }
    let targets: Vec<PathBuf> = if args.targets.is_empty() {
        vec![workdir.dir.clone()]
    } else {
        args.targets.iter().map(|t| workdir.dir.join(t)).collect()
    };
    let mut files = Vec::new();
    for t in &targets {
        if t.is_dir() {
            collect(t, args.recursive, &mut files);
        } else if t.is_file() {
            files.push(t.clone());
        } else {
            diags.push(
                Diagnostic::error("No file or directory at target")
                    .with_detail(format!("There is no file or directory at {}.", t.display())),
            );
        }
    }
    for f in files {
        let shown = f.strip_prefix(&workdir.dir).unwrap_or(&f).display().to_string();
        let src = match std::fs::read(&f).map(String::from_utf8) {
            Ok(Ok(s)) => s,
            _ => {
                diags.push(
                    Diagnostic::error("Failed to read file")
                        .with_detail(format!("{shown} could not be read as UTF-8 text.")),
                );
                continue;
            }
        };
        match format_one(&shown, &src) {
            Ok(out) if out != src => {
                unformatted = true;
                if list {
                    println!("{shown}");
                }
                if args.diff {
                    let diff = similar::TextDiff::from_lines(&src, &out);
                    print!("{}", diff.unified_diff().header(&format!("old/{shown}"), &format!("new/{shown}")));
                }
                if write {
                    if let Err(e) = std::fs::write(&f, &out) {
                        diags.push(Diagnostic::error("Failed to write file").with_detail(format!("{shown}: {e}.")));
                    }
                }
            }
            Ok(_) => {}
            Err(d) => diags.push(d),
        }
    }
    ui.print_diagnostics(&diags);
    if diags.has_errors() {
        2
    } else if args.check && unformatted {
        3
    } else {
        0
    }
}

fn collect(dir: &Path, recursive: bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            if recursive && !name.starts_with('.') {
                collect(&p, recursive, out);
            }
        } else if EXTENSIONS.iter().any(|e| name.ends_with(e)) && !name.starts_with('.') {
            out.push(p);
        }
    }
}

fn format_one(shown: &str, src: &str) -> Result<String, Diagnostic> {
    strata_fmt::format_source(src).map_err(|e| {
        let file = SourceFile::new(shown, src);
        let start = e.byte.min(src.len());
        Diagnostic::error("Invalid HCL syntax")
            .with_detail(format!("{}. Strata formats only valid configuration files.", e.message.trim_end_matches('.')))
            .with_span(Span::new(&file, start..start))
    })
}
