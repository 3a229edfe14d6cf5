//! `examples/ci`'s scripts, the steps its workflows run, over several
//! example stacks against moto: `plan-stacks.sh` plans each team's stack of
//! `examples/saas-teams` (its own state) and writes one PR comment for all
//! of them, snapshot-tested; `drift-stacks.sh` checks each stack, and a
//! change made behind Strata's back turns its exit code to 2 with only
//! that stack reported as drifted.

use crate::aws_example::copy_tree;
use crate::aws_support::strata_with;
use crate::examples_ecs::mask_ids;
use crate::moto::{aws, moto, ENV};
use crate::support::{repo_root, strata_bin, Output, TempDir};
use std::path::Path;
use std::process::Command;

const TEAMS: [(&str, &str); 2] = [("payments", "cipay"), ("search", "cisearch")];

/// The repository's layout in `root`: the CI scripts, the team stacks
/// (each with its `name` in an auto-loaded file, as a team would pin it)
/// and the modules they call.
fn layout() -> TempDir {
    let root = TempDir::new("examples-ci");
    for dir in ["examples/ci", "examples/saas-teams", "modules"] {
        copy_tree(&repo_root().join(dir), &root.path().join(dir));
    }
    for (team, name) in TEAMS {
        root.write(&format!("examples/saas-teams/teams/{team}/ci.auto.tfvars"), &format!("name = \"{name}\"\n"));
    }
    root
}

fn env() -> Vec<(&'static str, String)> {
    let mut env: Vec<(&str, String)> = ENV.iter().map(|(k, v)| (*k, v.to_string())).collect();
    env.push(("AWS_ENDPOINT_URL", moto().endpoint.clone()));
    env.push(("STRATA", strata_bin().display().to_string()));
    env
}

fn strata(dir: &Path, args: &[&str]) -> Output {
    strata_with(dir, args, &[("AWS_ENDPOINT_URL", moto().endpoint.as_str())])
}

/// Runs one of the scripts in `root` with `stacks`: (exit code, output).
fn script(root: &Path, name: &str, stacks: &str, out: &str) -> (i32, String) {
    std::fs::write(root.join("stacks.txt"), stacks).unwrap();
    let o = Command::new("bash")
        .arg(root.join("examples/ci").join(name))
        .args(["stacks.txt", out])
        .current_dir(root)
        .envs(env())
        .output()
        .expect("bash runs");
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    (o.status.code().unwrap_or(-1), text)
}

#[test]
fn one_comment_for_several_stacks_and_a_drift_job_that_names_the_drifted_stack() {
    let root = layout();
    let team_dir = |team: &str| root.path().join("examples/saas-teams/teams").join(team);
    for (team, _) in TEAMS {
        let out = strata(&team_dir(team), &["apply", "-auto-approve", "-no-color", "-var-file=envs/1-canary-5.tfvars"]);
        assert_eq!(out.code, 0, "{team}:\n{}", out.transcript());
    }

    // The PR: payments moves its canary to 50 %, search is untouched.
    let stacks = "# the PR's stacks\nexamples/saas-teams/teams/payments 2-canary-50\nexamples/saas-teams/teams/search 1-canary-5\n";
    let (code, log) = script(root.path(), "plan-stacks.sh", stacks, "plans");
    assert_eq!(code, 0, "{log}");
    let comment = std::fs::read_to_string(root.path().join("plans/comment.md")).unwrap();
    assert!(comment.len() <= 65_536);
    assert!(comment.starts_with("<!-- strata:plan-comment -->\n"), "{comment}");
    insta::assert_snapshot!("saas_teams_comment", mask_ids(&comment));

    // A stack that cannot plan is named at the top, and fails the job.
    let (code, _) =
        script(root.path(), "plan-stacks.sh", &format!("{stacks}examples/saas-teams/teams/nowhere\n"), "plans2");
    assert_eq!(code, 1);
    let comment = std::fs::read_to_string(root.path().join("plans2/comment.md")).unwrap();
    assert!(
        comment.contains("**Strata plan: `examples/saas-teams/teams/nowhere`** — :x: the plan failed"),
        "{comment}"
    );
    assert!(comment.contains("examples/saas-teams/teams/payments/2-canary-50"), "{comment}");

    // The nightly job: in sync, then the payments canary's log retention
    // changed by hand.
    let applied = "examples/saas-teams/teams/payments 1-canary-5\nexamples/saas-teams/teams/search 1-canary-5\n";
    let (code, log) = script(root.path(), "drift-stacks.sh", applied, "drift");
    assert_eq!(code, 0, "{log}");
    aws("logs = boto3.client('logs', endpoint_url=ec2.meta.endpoint_url, region_name='us-east-1')\n\
         logs.put_retention_policy(logGroupName='/ecs/cipay-canary', retentionInDays=1)");
    let (code, log) = script(root.path(), "drift-stacks.sh", applied, "drift");
    assert_eq!(code, 2, "{log}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.path().join("drift/summary.json")).unwrap()).unwrap();
    assert_eq!(
        summary,
        serde_json::json!([
            {"stack": "examples/saas-teams/teams/payments/1-canary-5", "code": 2},
            {"stack": "examples/saas-teams/teams/search/1-canary-5", "code": 0},
        ])
    );
    let report =
        std::fs::read_to_string(root.path().join("drift/examples/saas-teams/teams/payments/1-canary-5/report.md"))
            .unwrap();
    assert!(report.contains("aws_cloudwatch_log_group.this"), "{report}");
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.path().join("drift/examples/saas-teams/teams/payments/1-canary-5/report.json"))
            .unwrap(),
    )
    .expect("report.json is JSON");
    assert_eq!(json["drift"], true, "{json}");

    // An error is never "in sync": a stack whose configuration is broken
    // makes the job exit 1.
    std::fs::write(team_dir("search").join("broken.tf"), "resource {").unwrap();
    let (code, _) = script(root.path(), "drift-stacks.sh", applied, "drift3");
    assert_eq!(code, 1);
    std::fs::remove_file(team_dir("search").join("broken.tf")).unwrap();

    for (team, _) in TEAMS {
        let out =
            strata(&team_dir(team), &["destroy", "-auto-approve", "-no-color", "-var-file=envs/1-canary-5.tfvars"]);
        assert_eq!(out.code, 0, "{team}:\n{}", out.transcript());
    }
}
