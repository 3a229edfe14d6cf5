//! Every example under `examples/` run through the lifecycle a user runs:
//! validate and `fmt -check`, apply (with its environment's `tfvars`),
//! plan again with no changes, every other environment's `tfvars` planned
//! against an empty state, one change made behind Strata's back and caught
//! by `strata drift` (exit 2, the drifted address in the report), and
//! destroy leaving an empty state (and, where the example says how to
//! look, nothing behind in the emulator).
//!
//! The examples share one endpoint per service: the test process's moto
//! ([`moto`]), one Prometheus, and one search test server over one
//! osmem-server; only Alertmanager, whose one configuration file an example
//! owns, is started per example. Each example names its objects after the
//! `name` variable, which its row sets, so they run in parallel.
//!
//! The rows are in [`EXAMPLES`]; an example's own story (canary steps,
//! workspaces, a drill script, …) is a test next to it that uses
//! [`Example::start`] and the same steps.

use crate::aws_example::copy_tree;
use crate::aws_support::strata_with;
use crate::moto::{moto, ENV};
use crate::prom_support::{self, installed};
use crate::search_support::{self, Flavour};
use crate::support::{repo_root, run, Output, TempDir};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A server an example needs besides moto; each arrives as variables.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Needs {
    /// `prometheus_url`, `prometheus_rules_dir` (the shared Prometheus
    /// loads every `*.yml` there).
    Prometheus,
    /// `alertmanager_url`, `alertmanager_config_file` (an Alertmanager of
    /// the example's own, started on a minimal configuration).
    Alertmanager,
    /// `opensearch_url` (the search test server, OpenSearch flavour, over
    /// osmem-server).
    Search,
}

/// One example's lifecycle.
pub struct Example {
    /// The directory under `examples/`.
    pub dir: &'static str,
    /// The `name` variable: prefixes every object, unique among the rows.
    pub name: &'static str,
    /// The region the example's objects live in (for the Python checks).
    pub region: &'static str,
    /// The `tfvars` applied (relative to the example), when it has
    /// environments.
    pub var_file: Option<&'static str>,
    /// The other environments' `tfvars`: each must plan against an empty
    /// state.
    pub other_var_files: &'static [&'static str],
    pub needs: &'static [Needs],
    /// Python run before the drift check, with boto3 imported, `name`,
    /// `region` (the row's), `endpoint` (moto), `search_url`,
    /// `prometheus_url`, `rules_dir`, `alertmanager_url` and
    /// `alertmanager_config` set, `client(service)` a boto3 client in
    /// `region`, and `http(method, url, body=None)` returning (status,
    /// text): the out-of-band change.
    pub drift: &'static str,
    /// What the drift report (`strata drift -no-color`) must contain.
    pub drifted: &'static [&'static str],
    /// Python (as for `drift`) run after destroy that prints what is left
    /// behind: it must print nothing.
    pub leftovers: Option<&'static str>,
}

/// An example copied (with `modules/`) into a scratch directory, with the
/// servers it needs and the variables that point it at them.
pub struct Running {
    pub example: &'static Example,
    /// The example's directory in the copy.
    pub dir: PathBuf,
    var_file: Option<String>,
    /// `-var name=…` and the servers' variables.
    vars: Vec<String>,
    python_vars: Vec<(&'static str, String)>,
    _alertmanager: Option<prom_support::Server>,
    _scratch: TempDir,
}

/// The shared Prometheus: its URL and rules directory (it lives until the
/// test process ends, stopped by `timeout` at the latest).
fn shared_prometheus() -> Option<(&'static str, &'static Path)> {
    static PROMETHEUS: OnceLock<(prom_support::Server, PathBuf)> = OnceLock::new();
    if !installed("prometheus") {
        return None;
    }
    let (server, rules) = PROMETHEUS.get_or_init(|| {
        let work = std::env::temp_dir().join(format!("strata-e2e-examples-prometheus-{}", std::process::id()));
        let rules = work.join("rules");
        (prom_support::prometheus(&work, &rules, "1s", None, None), rules)
    });
    Some((server.url.as_str(), rules.as_path()))
}

/// The shared search test server (OpenSearch flavour) over one osmem.
fn shared_search() -> Option<&'static str> {
    static SEARCH: OnceLock<Option<(search_support::Server, search_support::Server)>> = OnceLock::new();
    SEARCH
        .get_or_init(|| {
            let osmem = search_support::osmem()?;
            let server = search_support::search_test_server(Flavour::OpenSearch, Some(&osmem.url));
            Some((osmem, server))
        })
        .as_ref()
        .map(|(_, server)| server.url.as_str())
}

impl Example {
    /// The example copied and its servers up; `None` when a server it
    /// needs is not installed here (the test is then skipped, as the
    /// servers' own tests are; CI requires them).
    pub fn start(&'static self) -> Option<Running> {
        let scratch = TempDir::new(&format!("example-{}", self.dir));
        let root = repo_root();
        let dir = scratch.path().join("examples").join(self.dir);
        copy_tree(&root.join("examples").join(self.dir), &dir);
        copy_tree(&root.join("modules"), &scratch.path().join("modules"));

        let mut vars = var("name", self.name).to_vec();
        let mut python_vars = vec![("endpoint", moto().endpoint.clone())];
        let mut alertmanager = None;
        for need in self.needs {
            match need {
                Needs::Prometheus => {
                    let (url, rules) = shared_prometheus()?;
                    vars.extend(var("prometheus_url", url));
                    vars.extend(var("prometheus_rules_dir", &rules.display().to_string()));
                    python_vars.push(("prometheus_url", url.to_string()));
                    python_vars.push(("rules_dir", rules.display().to_string()));
                }
                Needs::Alertmanager => {
                    if !installed("prometheus-alertmanager") {
                        return None;
                    }
                    let config = scratch.path().join("alertmanager.yml");
                    std::fs::write(&config, "route:\n  receiver: default\nreceivers:\n  - name: default\n").unwrap();
                    let server = prom_support::alertmanager(scratch.path(), &config);
                    vars.extend(var("alertmanager_url", &server.url));
                    vars.extend(var("alertmanager_config_file", &config.display().to_string()));
                    python_vars.push(("alertmanager_url", server.url.clone()));
                    python_vars.push(("alertmanager_config", config.display().to_string()));
                    alertmanager = Some(server);
                }
                Needs::Search => {
                    let url = shared_search()?;
                    vars.extend(var("opensearch_url", url));
                    python_vars.push(("search_url", url.to_string()));
                }
            }
        }
        Some(Running {
            example: self,
            dir,
            var_file: self.var_file.map(|f| format!("-var-file={f}")),
            vars,
            python_vars,
            _alertmanager: alertmanager,
            _scratch: scratch,
        })
    }

    /// The whole lifecycle (see the module's comment).
    pub fn lifecycle(&'static self) {
        self.check_files();
        let Some(run) = self.start() else { return };
        run.apply();
        run.plan_clean();
        for file in self.other_var_files {
            run.plan_other_environment(file);
        }
        run.drift_caught();
        run.destroy();
    }

    /// The example validates and is formatted.
    pub fn check_files(&self) {
        let root = repo_root();
        let dir = root.join("examples").join(self.dir);
        assert!(dir.join("README.md").is_file(), "{} has no README.md", self.dir);
        let v = run(&dir, &["validate", "-no-color"]);
        assert_eq!(v.code, 0, "validate {}:\n{}", self.dir, v.transcript());
        let fmt = run(&root, &["fmt", "-check", "-diff", "-recursive", &format!("examples/{}", self.dir)]);
        assert_eq!(fmt.code, 0, "fmt {}:\n{}", self.dir, fmt.transcript());
    }
}

fn var(name: &str, value: &str) -> [String; 2] {
    ["-var".to_string(), format!("{name}={value}")]
}

impl Running {
    /// strata in the example's directory with its variables after `args`
    /// (for the commands that take them) and moto's credentials.
    pub fn strata(&self, args: &[&str]) -> Output {
        let mut all: Vec<&str> = args.to_vec();
        let takes_vars = matches!(args.first(), Some(&("plan" | "apply" | "destroy" | "drift" | "import" | "refresh")));
        if takes_vars {
            all.push("-no-color");
            all.extend(self.var_file.as_deref());
            all.extend(self.vars.iter().map(String::as_str));
        }
        strata_with(&self.dir, &all, &[("AWS_ENDPOINT_URL", moto().endpoint.as_str())])
    }

    /// [`Running::strata`], which must exit 0.
    pub fn strata_ok(&self, args: &[&str]) -> Output {
        let out = self.strata(args);
        assert_eq!(out.code, 0, "{}: strata {args:?}:\n{}", self.example.dir, out.transcript());
        out
    }

    pub fn apply(&self) -> Output {
        self.strata_ok(&["apply", "-auto-approve"])
    }

    /// A plan with no changes (`-detailed-exitcode` 0).
    pub fn plan_clean(&self) {
        let plan = self.strata(&["plan", "-detailed-exitcode"]);
        assert_eq!(plan.code, 0, "{}: a second plan must have no changes:\n{}", self.example.dir, plan.transcript());
    }

    /// Another environment's `tfvars` plans (exit 2: everything to create)
    /// against an empty state, in a copy of its own.
    pub fn plan_other_environment(&self, file: &str) {
        let mut fresh = self.example.start().expect("the servers were there a moment ago");
        fresh.var_file = Some(format!("-var-file={file}"));
        let plan = fresh.strata(&["plan", "-detailed-exitcode"]);
        assert_eq!(
            plan.code,
            2,
            "{}: {file} must plan against an empty state:\n{}",
            self.example.dir,
            plan.transcript()
        );
    }

    /// The row's out-of-band change, then `strata drift`: exit 2 and every
    /// drifted text in the report; drift writes no state.
    pub fn drift_caught(&self) {
        let state_before = self.strata_ok(&["state", "pull"]).stdout;
        self.python(self.example.drift);
        let report = self.strata(&["drift"]);
        assert_eq!(report.code, 2, "{}: drift must be caught:\n{}", self.example.dir, report.transcript());
        for text in self.example.drifted {
            assert!(
                report.stdout.contains(text),
                "{}: the drift report lacks {text:?}:\n{}",
                self.example.dir,
                report.stdout
            );
        }
        assert_eq!(self.strata_ok(&["state", "pull"]).stdout, state_before, "drift writes nothing");
    }

    /// Destroy: an empty state, and nothing left behind where the row
    /// says how to look.
    pub fn destroy(&self) {
        self.strata_ok(&["destroy", "-auto-approve"]);
        let list = self.strata_ok(&["state", "list"]);
        assert_eq!(list.stdout.trim(), "", "{}: the state must be empty after destroy", self.example.dir);
        if let Some(script) = self.example.leftovers {
            let left = self.python(script);
            assert_eq!(left.trim(), "", "{}: left behind after destroy:\n{left}", self.example.dir);
        }
    }

    /// Runs `script` with the prelude [`Example::drift`] describes; what it
    /// prints.
    pub fn python(&self, script: &str) -> String {
        let mut prelude = String::from(
            "import boto3, json, sys, urllib.request, urllib.error\n\
             def http(method, url, body=None):\n    \
                 data = body.encode() if isinstance(body, str) else body\n    \
                 req = urllib.request.Request(url, data=data, method=method, headers={'Content-Type': 'application/json'})\n    \
                 try:\n        \
                     with urllib.request.urlopen(req, timeout=30) as r:\n            \
                         return r.status, r.read().decode()\n    \
                 except urllib.error.HTTPError as e:\n        \
                     return e.code, e.read().decode()\n",
        );
        let mut vars = self.python_vars.clone();
        vars.push(("name", self.example.name.to_string()));
        vars.push(("region", self.example.region.to_string()));
        for key in ["search_url", "prometheus_url", "rules_dir", "alertmanager_url", "alertmanager_config"] {
            if !vars.iter().any(|(k, _)| *k == key) {
                vars.push((key, String::new()));
            }
        }
        for (k, v) in &vars {
            prelude.push_str(&format!("{k} = {}\n", serde_json::Value::String(v.clone())));
        }
        prelude.push_str(
            "def client(service):\n    return boto3.client(service, endpoint_url=endpoint, region_name=region)\n",
        );
        let out = std::process::Command::new(&moto().python)
            .arg("-c")
            .arg(format!("{prelude}{script}"))
            .envs(ENV)
            .output()
            .expect("python runs");
        assert!(
            out.status.success(),
            "{}: python failed:\n{}\n--- script\n{script}",
            self.example.dir,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Applies (and plans, …) with `file` from now on: the next step of
    /// a story told in several `tfvars`.
    pub fn use_var_file(&mut self, file: &str) {
        self.var_file = Some(format!("-var-file={file}"));
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }
}

/// The rows: one test each, all in parallel.
macro_rules! examples {
    ($($test:ident: $row:expr;)*) => {
        $(
            #[test]
            fn $test() {
                static ROW: Example = $row;
                ROW.lifecycle();
            }
        )*
    };
}

pub(crate) use examples;

examples! {
    blue_green_applies_plans_clean_catches_drift_and_destroys: Example {
        dir: "blue-green",
        name: "bgx",
        region: "eu-west-1",
        var_file: Some("envs/1-deploy-green.tfvars"),
        other_var_files: &["envs/2-switch.tfvars", "envs/3-retire-blue.tfvars"],
        needs: &[],
        drift: "client('logs').put_retention_policy(logGroupName='/ecs/' + name, retentionInDays=7)",
        drifted: &["aws_cloudwatch_log_group.web"],
        leftovers: Some("print(' '.join(g['logGroupName'] for g in client('logs').describe_log_groups(logGroupNamePrefix='/ecs/' + name)['logGroups']))"),
    };
}
