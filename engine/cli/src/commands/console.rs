//! `strata console`: evaluates expressions in the root module, one per line.

use super::load_and_evaluate;
use crate::args::VarArgs;
use crate::output::Ui;
use crate::workdir::WorkDir;
use std::io::{BufRead, IsTerminal, Write};
use strata_core::{evaluate_in_root, EvalMode, VarArg};
use strata_diag::SourceFile;

pub fn run(workdir: &WorkDir, vars: &VarArgs, var_args: &[VarArg], ui: Ui) -> u8 {
    let Some(ev) = load_and_evaluate(workdir, EvalMode::Apply, vars, var_args, false, ui) else { return 1 };
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut status = 0;
    let mut line = String::new();
    loop {
        if interactive {
            print!("> ");
            let _ = std::io::stdout().flush();
        }
        line.clear();
        match stdin.lock().read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let text = line.trim_end_matches(['\n', '\r']);
        if text.trim().is_empty() {
            continue;
        }
        if interactive && matches!(text.trim(), "exit" | "quit") {
            break;
        }
        let file = SourceFile::new("<console-input>", text);
        let result = strata_lang::eval::parse_expression(text, &file)
            .and_then(|expr| evaluate_in_root(&ev.tree.module, &ev.result, &ev.settings, &ev.functions, &expr, &file));
        match result {
            Ok(v) => println!("{}", strata_lang::render::console(&v)),
            Err(d) => {
                eprintln!("{}", ui.render(&d));
                status = 1;
            }
        }
    }
    status
}
