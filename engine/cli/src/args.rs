//! Command-line arguments, Terraform style (`-flag`, `-flag=value`), parsed
//! with clap after rewriting single-dash long flags to double-dash ones.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "strata",
    disable_version_flag = true,
    about = "Strata: declarative infrastructure as code, Terraform-compatible"
)]
pub struct Cli {
    /// Switch to a different working directory before executing the command.
    #[arg(long, global = true, value_name = "DIR")]
    pub chdir: Option<PathBuf>,
    /// Show the version (same as the version command).
    #[arg(long)]
    pub version: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Show the current Strata version.
    Version {
        #[arg(long)]
        json: bool,
    },
    /// Check whether the configuration is valid.
    Validate {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        ui: Ui,
    },
    /// Reformat configuration files to the canonical style.
    Fmt(FmtArgs),
    /// Evaluate expressions interactively (or from standard input).
    Console {
        #[command(flatten)]
        vars: VarArgs,
        #[command(flatten)]
        ui: Ui,
    },
    /// Show changes required by the current configuration.
    Plan {
        #[command(flatten)]
        vars: VarArgs,
        #[command(flatten)]
        ui: Ui,
        #[command(flatten)]
        lock: LockArgs,
        /// Exit 0 for no changes, 2 for changes, 1 for errors.
        #[arg(long)]
        detailed_exitcode: bool,
        /// Plan to destroy every object in the state.
        #[arg(long)]
        destroy: bool,
        /// Save the plan to this file, for `strata apply FILE`.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[arg(long, value_name = "PATH")]
        state: Option<PathBuf>,
    },
    /// Create or update infrastructure.
    Apply {
        /// Skip interactive approval of the plan before applying.
        #[arg(long)]
        auto_approve: bool,
        #[command(flatten)]
        vars: VarArgs,
        #[command(flatten)]
        ui: Ui,
        #[command(flatten)]
        lock: LockArgs,
        #[arg(long, value_name = "PATH")]
        state: Option<PathBuf>,
        /// A plan saved with `plan -out`: apply exactly it, without asking.
        plan_file: Option<PathBuf>,
    },
    /// Show the current state, or a saved plan.
    Show {
        #[command(flatten)]
        ui: Ui,
        #[arg(long, value_name = "PATH")]
        state: Option<PathBuf>,
        /// A saved plan; the current state when omitted.
        plan_file: Option<PathBuf>,
    },
    /// Destroy every object the state tracks.
    Destroy {
        /// Skip interactive approval before destroying.
        #[arg(long)]
        auto_approve: bool,
        #[command(flatten)]
        vars: VarArgs,
        #[command(flatten)]
        ui: Ui,
        #[command(flatten)]
        lock: LockArgs,
        #[arg(long, value_name = "PATH")]
        state: Option<PathBuf>,
    },
    /// Print the configuration's dependency graph in DOT.
    Graph {
        #[command(flatten)]
        ui: Ui,
    },
    /// Inspect the state.
    #[command(subcommand)]
    State(StateCommand),
    /// Show output values from the state.
    Output {
        /// Print the outputs as JSON.
        #[arg(long)]
        json: bool,
        /// Print a single string, number or bool output without quotes.
        #[arg(long)]
        raw: bool,
        #[command(flatten)]
        ui: Ui,
        #[arg(long, value_name = "PATH")]
        state: Option<PathBuf>,
        /// The output to show; all when omitted.
        name: Option<String>,
    },
}

#[derive(Args, Debug, Clone, Default)]
pub struct Ui {
    /// Disable colors in the output.
    #[arg(long)]
    pub no_color: bool,
}

#[derive(Args, Debug, Clone, Default)]
pub struct VarArgs {
    /// Set a root module variable: -var 'name=value'.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub var: Vec<String>,
    /// Load variable values from a file.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_file: Vec<PathBuf>,
    /// Ask for missing variables interactively (default true on a terminal).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub input: Option<bool>,
    #[arg(long, hide = true)]
    pub compact_warnings: bool,
}

#[derive(Args, Debug, Clone, Default)]
pub struct LockArgs {
    /// Hold a state lock during the operation (default true).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub lock: Option<bool>,
    /// How long to retry taking the state lock, e.g. 30s or 5m.
    #[arg(long, value_name = "DURATION")]
    pub lock_timeout: Option<String>,
    /// Only update the state to match the real objects; change nothing.
    #[arg(long)]
    pub refresh_only: bool,
    /// Plan only this resource or instance and what it depends on (repeatable).
    #[arg(long = "target", value_name = "ADDR")]
    pub target: Vec<String>,
    /// How many resource operations may run at once (default 10).
    #[arg(long, value_name = "N")]
    pub parallelism: Option<usize>,
    /// Replace this resource instance even if nothing changed (repeatable).
    #[arg(long = "replace", value_name = "ADDR")]
    pub replace: Vec<String>,
    /// Read the real objects before planning (default true).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub refresh: Option<bool>,
}

#[derive(Args, Debug, Clone, Default)]
pub struct FmtArgs {
    /// List files whose formatting differs (default true).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub list: Option<bool>,
    /// Write the result to the source files (default true).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub write: Option<bool>,
    /// Display diffs of formatting changes.
    #[arg(long)]
    pub diff: bool,
    /// Check whether the input is formatted; exit 3 if not.
    #[arg(long)]
    pub check: bool,
    /// Also process files in subdirectories.
    #[arg(long)]
    pub recursive: bool,
    #[command(flatten)]
    pub ui: Ui,
    /// Files or directories to format (default: the working directory); `-` for stdin.
    pub targets: Vec<String>,
}

/// Rewrites Terraform's `-flag` style to clap's `--flag`.
pub fn normalize(argv: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(argv.len());
    let mut value_next = false;
    for a in argv {
        let is_single_dash_long = a.len() > 2
            && a.starts_with('-')
            && !a.starts_with("--")
            && a.as_bytes()[1].is_ascii_alphabetic()
            && a[1..]
                .split('=')
                .next()
                .is_some_and(|n| n.len() > 1 && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        if is_single_dash_long && !value_next {
            let flag = format!("-{a}");
            value_next = matches!(flag.as_str(), "--var" | "--var-file" | "--chdir" | "--state" | "--lock-timeout");
            out.push(flag);
        } else {
            value_next = false;
            out.push(a);
        }
    }
    out
}

/// `-var` and `-var-file` in command-line order (their relative order matters).
pub fn var_args_in_order(argv: &[String]) -> Vec<strata_core::VarArg> {
    let mut out = Vec::new();
    let mut it = argv.iter().peekable();
    while let Some(a) = it.next() {
        if let Some(v) = a.strip_prefix("--var=") {
            out.push(strata_core::VarArg::Var(v.to_string()));
        } else if let Some(v) = a.strip_prefix("--var-file=") {
            out.push(strata_core::VarArg::File(v.into()));
        } else if a == "--var" {
            if let Some(v) = it.next() {
                out.push(strata_core::VarArg::Var(v.clone()));
            }
        } else if a == "--var-file" {
            if let Some(v) = it.next() {
                out.push(strata_core::VarArg::File(v.into()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terraform_style_flags_become_clap_flags() {
        let n = normalize(
            ["-chdir=x", "apply", "-auto-approve", "-var", "-x=1", "-input=false", "-5"].map(String::from).to_vec(),
        );
        assert_eq!(n, ["--chdir=x", "apply", "--auto-approve", "--var", "-x=1", "--input=false", "-5"]);
    }
}

#[derive(Subcommand, Debug)]
pub enum StateCommand {
    /// List resource instances in the state, optionally filtered by address.
    List {
        /// Only instances whose resource has this id.
        #[arg(long)]
        id: Option<String>,
        #[arg(long, value_name = "PATH")]
        state: Option<PathBuf>,
        #[command(flatten)]
        ui: Ui,
        /// Addresses (or prefixes like module.vpc) to list.
        addresses: Vec<String>,
    },
}
