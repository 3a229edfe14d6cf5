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
mod json_view;
mod output;

mod plan_view;
mod progress_view;
mod providers;
mod value_diff;
mod workdir;

use std::process::ExitCode;

/// Deep-but-valid configurations recurse deeply; give the work a big stack.
const STACK_SIZE: usize = 256 * 1024 * 1024;

/// glibc gives each thread that contends for malloc its own arena (up to 8
/// per core), and memory freed in one is not reused by another: the
/// parallel walk then peaks 40–90% above its heap. Two arenas cost the walk
/// no measurable time. `MALLOC_ARENA_MAX`, when set, still wins.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn cap_malloc_arenas() {
    const ARENAS: libc::c_int = 2;
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets an allocator parameter; called before
        // any other thread exists.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, ARENAS);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn cap_malloc_arenas() {}

fn main() -> ExitCode {
    cap_malloc_arenas();
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
