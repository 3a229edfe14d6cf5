//! The `strata` command. Only this crate prints: library crates return
//! values and diagnostics, and this crate renders them.
#![allow(clippy::print_stdout, clippy::print_stderr)]

/// Like std's, but a closed stdout (`strata plan | head`) is not a crash:
/// the output is dropped and the work (an apply!) goes on.
macro_rules! println {
    () => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock());
    }};
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// See `println!`.
macro_rules! print {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod args;
mod backend;
mod commands;
mod json_diff;
mod json_view;
mod output;

mod plan_view;
mod progress_view;
mod providers;
mod value_diff;
mod workdir;

use std::process::ExitCode;

/// Deep-but-valid configurations recurse deeply; give the work a big stack.
pub(crate) const STACK_SIZE: usize = 256 * 1024 * 1024;

/// mimalloc: a plan of 100,000 instances makes and frees millions of small
/// values from several threads; glibc's malloc spent a fifth of the time
/// there and, with an arena per contending thread, peaked far above the
/// heap (see docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let worker =
        std::thread::Builder::new().name("strata".into()).stack_size(STACK_SIZE).spawn(move || commands::run(argv));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(_)) => {
            eprintln!("Error: Strata crashed. This is a bug; please report it with the command you ran.");
            ExitCode::from(11)
        }
        Err(e) => {
            eprintln!("Error: could not start: {e}");
            ExitCode::from(1)
        }
    }
}
