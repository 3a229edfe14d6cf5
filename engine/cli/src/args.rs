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
        /// Machine-readable output: Terraform's JSON UI lines on stdout.
        #[arg(long)]
        json: bool,
        /// Plan to destroy every object in the state.
        #[arg(long)]
        destroy: bool,
        /// Save the plan to this file, for `strata apply FILE`.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Write configuration for `import` targets that have none to this new file.
        #[arg(long, value_name = "FILE")]
        generate_config_out: Option<PathBuf>,
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
        /// Print the state or the saved plan in Terraform's JSON representation.
        #[arg(long)]
        json: bool,
        /// Render saved plans as one markdown comment for a pull request.
        #[arg(long, conflicts_with = "json")]
        markdown: bool,
        /// With -markdown: the most characters the comment may take (default 65536, GitHub's limit).
        #[arg(long, value_name = "N", requires = "markdown")]
        max_chars: Option<usize>,
        #[command(flatten)]
        ui: Ui,
        #[arg(long, value_name = "PATH")]
        state: Option<PathBuf>,
        /// A saved plan; the current state when omitted.
        plan_file: Option<PathBuf>,
        /// More saved plans, for -markdown.
        more_plan_files: Vec<PathBuf>,
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
    /// Show the providers the configuration and the state require, module by module.
    Providers {
        #[command(flatten)]
        ui: Ui,
    },
    /// Inspect and edit the state: list, show, mv, rm, pull, push, replace-provider.
    #[command(subcommand)]
    State(StateCommand),
    /// Mark a resource instance for replacement (prefer `apply -replace=ADDR`).
    ///
    /// Strata uses the term "tainted" for a resource instance that may not be
    /// fully functional, either because its creation partially failed or
    /// because it was marked with this command. This does not change your
    /// infrastructure; the next plan destroys the object and creates a new one
    /// to replace it. `strata untaint` removes the mark.
    ///
    /// We recommend `strata apply -replace=ADDR` (or `plan -replace=ADDR`)
    /// instead, as Terraform does since v0.15.2: it shows the replacement in a
    /// plan before anything happens, while taint changes the shared state at
    /// once, for everyone's next plan.
    ///
    /// The address is a resource instance, such as aws_instance.foo,
    /// aws_instance.bar[1] or module.foo.module.bar.aws_instance.baz.
    Taint(TaintArgs),
    /// Remove the "tainted" mark from a resource instance.
    ///
    /// The instance is then seen as fully functional and no longer planned for
    /// replacement. This does not change your infrastructure.
    Untaint(TaintArgs),
    /// Prepare the working directory: set up the backend the configuration
    /// names (and move state between backends with -migrate-state).
    Init {
        /// Backend settings: KEY=VALUE or a file of HCL attributes (repeatable).
        #[arg(long = "backend-config", value_name = "FILE|KEY=VALUE")]
        backend_config: Vec<String>,
        /// Use the backend configuration as it is now, ignoring what init saved before.
        #[arg(long)]
        reconfigure: bool,
        /// Copy the state from the previous backend to the new one.
        #[arg(long)]
        migrate_state: bool,
        /// Answer yes to state copy questions (replace a destination state).
        #[arg(long)]
        force_copy: bool,
        #[arg(long, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
        input: Option<bool>,
        #[arg(long, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
        lock: Option<bool>,
        #[arg(long, value_name = "DURATION")]
        lock_timeout: Option<String>,
        /// Install the newest module versions the constraints allow, and
        /// fetch git and archive modules again.
        #[arg(long)]
        upgrade: bool,
        /// Install the modules the configuration calls (default true).
        #[arg(long, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
        get: Option<bool>,
        #[command(flatten)]
        ui: Ui,
    },
    /// Install the modules the configuration calls (what init does for them).
    Get {
        /// Install the newest module versions the constraints allow, and
        /// fetch git and archive modules again.
        #[arg(long)]
        update: bool,
        #[command(flatten)]
        ui: Ui,
    },
    /// Check whether the real infrastructure still matches the state (for
    /// scheduled jobs): exit 0 in sync, 2 drift, 1 error. Writes nothing.
    Drift {
        /// Machine-readable report.
        #[arg(long)]
        json: bool,
        /// Report as Markdown, for an issue or a chat message.
        #[arg(long)]
        markdown: bool,
        /// Also report objects of managed types that no state holds (where providers can list them).
        #[arg(long)]
        unmanaged: bool,
        #[command(flatten)]
        vars: VarArgs,
        #[command(flatten)]
        ui: Ui,
        #[command(flatten)]
        lock: LockArgs,
        #[arg(long, value_name = "PATH")]
        state: Option<PathBuf>,
    },
    /// Release a state lock left by an operation that died.
    ForceUnlock {
        /// Do not ask for confirmation.
        #[arg(long)]
        force: bool,
        /// The lock ID reported by the "state locked" error.
        lock_id: String,
        #[command(flatten)]
        ui: Ui,
    },
    /// Associate an existing remote object with a resource instance.
    ///
    /// The resource block must already exist in the configuration. Prefer an
    /// `import` block, which shows the import in a plan first (and, with
    /// `plan -generate-config-out=FILE`, writes the resource block for you).
    Import {
        #[command(flatten)]
        vars: VarArgs,
        #[command(flatten)]
        ui: Ui,
        #[command(flatten)]
        lock: LockArgs,
        #[arg(long, value_name = "PATH")]
        state: Option<PathBuf>,
        /// Where to import to, such as aws_vpc.main or module.net.aws_subnet.private[0].
        addr: String,
        /// The object's id, as the resource type's import documentation describes it.
        id: String,
    },
    /// Workspace management: new, list, show, select and delete workspaces.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Run the configuration's tests (`*.tftest.hcl`), each file against its
    /// own temporary state, destroying what it created when it ends.
    Test {
        /// Run only this test file (its path as shown, e.g. tests/a.tftest.hcl; repeatable).
        #[arg(long = "filter", value_name = "FILE")]
        filter: Vec<String>,
        /// The directory of test files besides the configuration's own (default tests).
        #[arg(long, value_name = "DIR", default_value = "tests")]
        test_directory: String,
        /// Show the plan or state of every run.
        #[arg(long)]
        verbose: bool,
        /// Machine-readable output: Terraform's JSON lines for tests on stdout.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        vars: VarArgs,
        #[command(flatten)]
        ui: Ui,
    },
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
    /// Show the attributes of one resource instance in the state.
    Show {
        #[arg(long, value_name = "PATH")]
        state: Option<PathBuf>,
        #[command(flatten)]
        ui: Ui,
        /// A resource instance address, such as aws_instance.web[0].
        address: String,
    },
    /// Move an instance, a resource or a module instance to another address.
    ///
    /// With -state-out, the objects move into another state file. The state
    /// is backed up first (terraform.tfstate.backup and a timestamped copy).
    Mv {
        /// Print what would move, change nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        write: StateWriteArgs,
        /// Move the objects into this state file instead.
        #[arg(long, value_name = "PATH")]
        state_out: Option<PathBuf>,
        /// Where to back up the -state-out file before changing it.
        #[arg(long, value_name = "PATH")]
        backup_out: Option<PathBuf>,
        #[command(flatten)]
        ui: Ui,
        /// What to move: module.a[0], aws_instance.web or aws_instance.web[1].
        source: String,
        /// Where to: an address of the same kind (a resource instance may also
        /// go to a bare resource address).
        destination: String,
    },
    /// Forget resource instances without destroying the real objects.
    ///
    /// A resource address removes all its instances; a module address removes
    /// everything in it and in its child modules.
    Rm {
        /// Print what would be removed, change nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        write: StateWriteArgs,
        #[command(flatten)]
        ui: Ui,
        /// Instances, resources or modules to forget.
        #[arg(required = true)]
        addresses: Vec<String>,
    },
    /// Print the current state, exactly as stored.
    Pull {
        #[command(flatten)]
        ui: Ui,
    },
    /// Replace the current state with a state file.
    ///
    /// A state of another lineage, an older serial, or the same serial with
    /// other content is refused unless -force.
    Push {
        /// Write the state even if the lineages differ or the stored serial is higher.
        #[arg(long)]
        force: bool,
        /// Hold a state lock during the operation (default true).
        #[arg(long, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
        lock: Option<bool>,
        /// How long to retry taking the state lock, e.g. 30s or 5m.
        #[arg(long, value_name = "DURATION")]
        lock_timeout: Option<String>,
        #[command(flatten)]
        ui: Ui,
        /// The state file to push; `-` reads standard input.
        path: String,
    },
    /// Point the resources of one provider at another.
    ///
    /// For a provider that moved to a new namespace or registry; the change is
    /// shown and confirmed first unless -auto-approve.
    ReplaceProvider {
        /// Skip interactive approval.
        #[arg(long)]
        auto_approve: bool,
        #[command(flatten)]
        write: StateWriteArgs,
        #[command(flatten)]
        ui: Ui,
        /// The provider to replace, e.g. hashicorp/aws or registry.terraform.io/hashicorp/aws.
        from: String,
        /// The provider to use instead.
        to: String,
    },
}

/// Options of the commands that write the state.
#[derive(Args, Debug, Clone, Default)]
pub struct StateWriteArgs {
    /// Hold a state lock during the operation (default true).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub lock: Option<bool>,
    /// How long to retry taking the state lock, e.g. 30s or 5m.
    #[arg(long, value_name = "DURATION")]
    pub lock_timeout: Option<String>,
    /// The state file to change (default: the selected workspace's state).
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
    /// Where to write a copy of the state before changing it (besides
    /// terraform.tfstate.backup).
    #[arg(long, value_name = "PATH")]
    pub backup: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct TaintArgs {
    /// Succeed (exit 0) even if the instance is not in the state.
    #[arg(long)]
    pub allow_missing: bool,
    #[command(flatten)]
    pub write: StateWriteArgs,
    /// Write the changed state to this file instead of -state.
    #[arg(long, value_name = "PATH")]
    pub state_out: Option<PathBuf>,
    #[command(flatten)]
    pub ui: Ui,
    /// A resource instance address, such as aws_instance.web[0].
    pub address: String,
}

#[derive(Subcommand, Debug)]
pub enum WorkspaceCommand {
    /// Create a new workspace and switch to it.
    New {
        /// Hold a state lock during the operation (default true).
        #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
        lock: Option<bool>,
        /// How long to retry taking the state lock, e.g. 30s or 5m.
        #[arg(long, value_name = "DURATION")]
        lock_timeout: Option<String>,
        /// Copy an existing state file into the new workspace.
        #[arg(long, value_name = "PATH")]
        state: Option<PathBuf>,
        #[command(flatten)]
        ui: Ui,
        name: String,
    },
    /// Select a different workspace.
    Select {
        /// Create the workspace if it doesn't exist.
        #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
        or_create: Option<bool>,
        #[command(flatten)]
        ui: Ui,
        name: String,
    },
    /// List workspaces; `*` marks the current one.
    List {
        #[command(flatten)]
        ui: Ui,
    },
    /// Show the name of the current workspace.
    Show {
        #[command(flatten)]
        ui: Ui,
    },
    /// Delete a workspace.
    Delete {
        /// Remove a workspace even if it is managing resources.
        #[arg(long)]
        force: bool,
        /// Hold a state lock during the operation (default true).
        #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
        lock: Option<bool>,
        /// How long to retry taking the state lock, e.g. 30s or 5m.
        #[arg(long, value_name = "DURATION")]
        lock_timeout: Option<String>,
        #[command(flatten)]
        ui: Ui,
        name: String,
    },
}
