//! The S3 backend against a real `moto_server` on 127.0.0.1 (scripts/test.sh
//! installs it; `STRATA_TEST_MOTO_ENDPOINT` may name one already running):
//! each lock mode, workspaces, migration to S3 and back, many appliers at
//! once, a killed lock holder, corrupted and missing state, and Terraform
//! on the same bucket.

use crate::aws_support::strata;
use crate::moto::{aws, moto, venv, ENV};
use crate::support::{strata_bin, terraform_available, terraform_with, TempDir};
use std::io::{BufRead, Read};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A fresh bucket and lock table for one test.
fn fresh_bucket() -> (String, String) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let (bucket, table) = (format!("strata-{}-{n}", std::process::id()), format!("locks-{}-{n}", std::process::id()));
    aws(&format!(
        "s3.create_bucket(Bucket='{bucket}')\nddb.create_table(TableName='{table}', KeySchema=[{{'AttributeName':'LockID','KeyType':'HASH'}}], AttributeDefinitions=[{{'AttributeName':'LockID','AttributeType':'S'}}], BillingMode='PAY_PER_REQUEST')"
    ));
    (bucket, table)
}

fn backend(bucket: &str, table: Option<&str>, lockfile: bool) -> String {
    let e = &moto().endpoint;
    let table = table.map(|t| format!("    dynamodb_table = \"{t}\"\n")).unwrap_or_default();
    format!(
        "terraform {{\n  backend \"s3\" {{\n    bucket         = \"{bucket}\"\n    key            = \"app/terraform.tfstate\"\n    region         = \"us-east-1\"\n{table}    use_lockfile   = {lockfile}\n    use_path_style = true\n    endpoints = {{\n      s3       = \"{e}\"\n      dynamodb = \"{e}\"\n    }}\n    skip_credentials_validation = true\n    skip_requesting_account_id  = true\n  }}\n}}\n"
    )
}

fn keys(bucket: &str) -> Vec<String> {
    aws(&format!(
        "print(json.dumps(sorted(o['Key'] for o in s3.list_objects_v2(Bucket='{bucket}').get('Contents', []))))"
    ))
    .trim()
    .trim_start_matches('[')
    .trim_end_matches(']')
    .split(", ")
    .filter(|s| !s.is_empty())
    .map(|s| s.trim_matches('"').to_string())
    .collect()
}

const RESOURCES: &str = "resource \"terraform_data\" \"a\" {\n  input = var.v\n}\nvariable \"v\" {\n  default = \"one\"\n}\noutput \"a\" {\n  value = terraform_data.a.output\n}\n";

#[test]
fn every_lock_mode_plans_applies_and_destroys() {
    for (table, lockfile) in [(true, false), (false, true), (true, true), (false, false)] {
        let (bucket, t) = fresh_bucket();
        let config = format!("{}{RESOURCES}", backend(&bucket, table.then_some(t.as_str()), lockfile));
        let d = TempDir::with_files("s3-modes", &[("main.tf", &config)]);
        let before_init = strata(&d, &["plan", "-no-color"]);
        assert_eq!(before_init.code, 1);
        assert!(before_init.stderr.contains("Backend initialization required"), "{}", before_init.stderr);
        let init = strata(&d, &["init", "-no-color"]);
        assert_eq!(init.code, 0, "{}", init.transcript());
        let apply = strata(&d, &["apply", "-auto-approve", "-no-color"]);
        assert_eq!(apply.code, 0, "table={table} lockfile={lockfile}: {}", apply.transcript());
        assert!(!d.path().join("terraform.tfstate").exists(), "the state is not local");
        assert_eq!(keys(&bucket), ["app/terraform.tfstate"], "no lock file or journal left behind");
        if table {
            let items = aws(&format!("print(json.dumps(ddb.scan(TableName='{t}')['Items']))"));
            assert!(items.contains(&format!("{bucket}/app/terraform.tfstate-md5")), "{items}");
            assert!(!items.contains(&format!("\"{bucket}/app/terraform.tfstate\"")), "lock released: {items}");
        }
        let plan = strata(&d, &["plan", "-no-color", "-detailed-exitcode"]);
        assert_eq!(plan.code, 0, "{}", plan.transcript());
        let update = strata(&d, &["apply", "-auto-approve", "-no-color", "-var", "v=two"]);
        assert_eq!(update.code, 0, "{}", update.transcript());
        let pulled: serde_json::Value = serde_json::from_str(&strata(&d, &["state", "pull"]).stdout).unwrap();
        assert_eq!(pulled["outputs"]["a"]["value"], "two");
        let destroy = strata(&d, &["destroy", "-auto-approve", "-no-color", "-var", "v=two"]);
        assert_eq!(destroy.code, 0, "{}", destroy.transcript());
        assert_eq!(strata(&d, &["state", "list"]).stdout, "");
    }
}

#[test]
fn workspaces_live_under_the_key_prefix() {
    let (bucket, table) = fresh_bucket();
    let config = format!("{}{RESOURCES}", backend(&bucket, Some(&table), false));
    let d = TempDir::with_files("s3-workspaces", &[("main.tf", &config)]);
    assert_eq!(strata(&d, &["init", "-no-color"]).code, 0);
    assert_eq!(strata(&d, &["apply", "-auto-approve", "-no-color"]).code, 0);
    let new = strata(&d, &["workspace", "new", "-no-color", "staging"]);
    assert_eq!(new.code, 0, "{}", new.transcript());
    let apply = strata(&d, &["apply", "-auto-approve", "-no-color", "-var", "v=staging"]);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert_eq!(keys(&bucket), ["app/terraform.tfstate", "env:/staging/app/terraform.tfstate"]);
    assert_eq!(strata(&d, &["workspace", "list", "-no-color"]).stdout, "  default\n* staging\n\n");
    assert_eq!(strata(&d, &["workspace", "select", "-no-color", "default"]).code, 0);
    let refused = strata(&d, &["workspace", "delete", "-no-color", "staging"]);
    assert_eq!(refused.code, 1, "staging still manages an object: {}", refused.transcript());
    let deleted = strata(&d, &["workspace", "delete", "-force", "-no-color", "staging"]);
    assert_eq!(deleted.code, 0, "{}", deleted.transcript());
    assert_eq!(keys(&bucket), ["app/terraform.tfstate"]);
}

#[test]
fn state_migrates_to_s3_and_back_keeping_its_lineage() {
    let (bucket, table) = fresh_bucket();
    let d = TempDir::with_files("s3-migrate", &[("main.tf", RESOURCES)]);
    assert_eq!(strata(&d, &["apply", "-auto-approve", "-no-color"]).code, 0);
    let local: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap()).unwrap();
    d.write("main.tf", &format!("{}{RESOURCES}", backend(&bucket, Some(&table), true)));
    let refused = strata(&d, &["init", "-no-color"]);
    assert_eq!(refused.code, 1, "{}", refused.transcript());
    assert!(refused.stderr.contains("Backend configuration changed"), "{}", refused.stderr);
    let init = strata(&d, &["init", "-migrate-state", "-no-color"]);
    assert_eq!(init.code, 0, "{}", init.transcript());
    let remote: serde_json::Value = serde_json::from_str(&strata(&d, &["state", "pull"]).stdout).unwrap();
    assert_eq!(remote["lineage"], local["lineage"]);
    assert_eq!(remote["resources"], local["resources"]);
    assert!(!d.path().join("terraform.tfstate").exists(), "the local copy is set aside");
    assert_eq!(strata(&d, &["plan", "-no-color", "-detailed-exitcode"]).code, 0);

    // And back: the backend block goes, the state comes home.
    d.write("main.tf", RESOURCES);
    let stale = strata(&d, &["plan", "-no-color"]);
    assert!(stale.stderr.contains("Backend initialization required"), "{}", stale.stderr);
    let init = strata(&d, &["init", "-migrate-state", "-no-color"]);
    assert_eq!(init.code, 0, "{}", init.transcript());
    let home: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap()).unwrap();
    assert_eq!(home["lineage"], local["lineage"]);
    assert_eq!(strata(&d, &["plan", "-no-color", "-detailed-exitcode"]).code, 0);
}

#[test]
fn twenty_appliers_at_once_serialize_and_lose_nothing() {
    let (bucket, table) = fresh_bucket();
    let config = format!(
        "{}resource \"terraform_data\" \"item\" {{\n  for_each = toset([for i in range(20) : \"k${{i}}\"])\n  input    = each.key\n}}\n",
        backend(&bucket, Some(&table), true)
    );
    let d = TempDir::with_files("s3-race", &[("main.tf", &config)]);
    assert_eq!(strata(&d, &["init", "-no-color"]).code, 0);
    let children: Vec<_> = (0..20)
        .map(|i| {
            Command::new(strata_bin())
                .args([
                    "apply",
                    "-auto-approve",
                    "-no-color",
                    "-lock-timeout=120s",
                    &format!("-target=terraform_data.item[\"k{i}\"]"),
                ])
                .current_dir(d.path())
                .envs(ENV)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let state: serde_json::Value = serde_json::from_str(&strata(&d, &["state", "pull"]).stdout).unwrap();
    assert_eq!(state["resources"][0]["instances"].as_array().unwrap().len(), 20, "every change is in the state");
    assert!(state["serial"].as_u64().unwrap() >= 20, "each apply wrote after the previous one: {}", state["serial"]);
}

/// Starts `strata apply` of a slow test resource and returns once it holds
/// the lock (it prints "Creating...").
fn slow_apply(d: &TempDir, world: &std::path::Path) -> std::process::Child {
    let mut child = Command::new(strata_bin())
        .args(["apply", "-auto-approve", "-no-color"])
        .current_dir(d.path())
        .envs(ENV)
        .env("STRATA_TESTING_WORLD", world)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("slow: Creating...") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(60)).expect("the apply starts creating");
    child
}

#[test]
fn a_killed_holder_leaves_the_lock_until_force_unlock_with_its_id() {
    let (bucket, table) = fresh_bucket();
    let config = format!(
        "{}terraform {{\n  required_providers {{\n    testing = {{ source = \"strata/testing\" }}\n  }}\n}}\nresource \"testing_resource\" \"quick\" {{\n  name = \"quick\"\n}}\nresource \"testing_resource\" \"slow\" {{\n  name     = \"slow\"\n  value    = testing_resource.quick.id\n  delay_ms = 20000\n}}\n",
        backend(&bucket, Some(&table), true)
    );
    let d = TempDir::with_files("s3-kill", &[("main.tf", &config)]);
    let world = TempDir::new("s3-kill-world");
    assert_eq!(strata(&d, &["init", "-no-color"]).code, 0);
    let mut holder = slow_apply(&d, world.path());
    // Without a timeout, a second operation fails at once, naming the holder.
    let started = Instant::now();
    let blocked = strata(&d, &["plan", "-no-color"]);
    assert_eq!(blocked.code, 1, "{}", blocked.transcript());
    assert!(started.elapsed() < Duration::from_secs(15), "fails fast");
    assert!(
        blocked.stderr.contains("Error acquiring the state lock") && blocked.stderr.contains("OperationTypeApply"),
        "{}",
        blocked.stderr
    );
    holder.kill().unwrap();
    holder.wait().unwrap();

    let still = strata(&d, &["plan", "-no-color"]);
    assert_eq!(still.code, 1, "the lock outlives its holder: {}", still.transcript());
    let text = still.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    let id = text
        .split("ID: ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .expect("the lock ID is reported")
        .to_string();
    let wrong = strata(&d, &["force-unlock", "-force", "-no-color", "not-the-id"]);
    assert_eq!(wrong.code, 1);
    assert!(wrong.stderr.contains("does not match"), "{}", wrong.stderr);
    let unlocked = strata(&d, &["force-unlock", "-force", "-no-color", &id]);
    assert_eq!(unlocked.code, 0, "{}", unlocked.transcript());
    // The object the killed run completed was journalled in S3 and is
    // recovered; the one it was creating is found by its token and adopted.
    d.write("main.tf", &config.replace("delay_ms = 20000", "delay_ms = 0"));
    let world_env = [("STRATA_TESTING_WORLD", world.path().to_str().unwrap())];
    let converge = crate::aws_support::strata_with(&d, &["apply", "-auto-approve", "-no-color"], &world_env);
    assert_eq!(converge.code, 0, "{}", converge.transcript());
    assert!(converge.stderr.contains("Recovered an interrupted apply"), "{}", converge.transcript());
    assert!(converge.stderr.contains("Adopted an object an interrupted apply created"), "{}", converge.transcript());
    assert!(
        converge.stdout.contains("Resources: 0 added, 1 changed"),
        "quick was kept, slow adopted (then its delay updated): {}",
        converge.stdout
    );
    assert_eq!(keys(&bucket), ["app/terraform.tfstate"]);
}

#[test]
fn damaged_or_missing_state_is_a_clear_error() {
    let (bucket, table) = fresh_bucket();
    let config = format!("{}{RESOURCES}", backend(&bucket, Some(&table), false));
    let d = TempDir::with_files("s3-damage", &[("main.tf", &config)]);
    assert_eq!(strata(&d, &["init", "-no-color"]).code, 0);
    assert_eq!(strata(&d, &["apply", "-auto-approve", "-no-color"]).code, 0);
    // A digest that does not match: refused after a few retries.
    aws(&format!(
        "ddb.put_item(TableName='{table}', Item={{'LockID': {{'S': '{bucket}/app/terraform.tfstate-md5'}}, 'Digest': {{'S': '0123'}}}})"
    ));
    let mismatch = strata(&d, &["plan", "-no-color"]);
    assert_eq!(mismatch.code, 1);
    assert!(mismatch.stderr.contains("does not have the expected content"), "{}", mismatch.stderr);
    // A corrupted object.
    aws(&format!(
        "ddb.delete_item(TableName='{table}', Key={{'LockID': {{'S': '{bucket}/app/terraform.tfstate-md5'}}}})\ns3.put_object(Bucket='{bucket}', Key='app/terraform.tfstate', Body=b'{{\"version\": 4, \"serial\":')"
    ));
    let corrupt = strata(&d, &["plan", "-no-color"]);
    assert_eq!(corrupt.code, 1);
    assert!(corrupt.stderr.contains("Failed to load state"), "{}", corrupt.stderr);
    assert!(!corrupt.stderr.contains("panicked"), "{}", corrupt.stderr);
    // A bucket that is gone.
    aws(&format!(
        "for o in s3.list_objects_v2(Bucket='{bucket}').get('Contents', []):\n    s3.delete_object(Bucket='{bucket}', Key=o['Key'])\ns3.delete_bucket(Bucket='{bucket}')"
    ));
    let gone = strata(&d, &["plan", "-no-color"]);
    assert_eq!(gone.code, 1);
    assert!(gone.stderr.contains("NoSuchBucket"), "{}", gone.stderr);
}

/// Terraform, run once more after clearing a lock it left itself. Under
/// load moto can write Terraform's conditional PutItem and lose the answer;
/// the SDK retries, and Terraform finds its own new lock and gives up
/// (seen once in CI). Nothing else uses the test's bucket, so a lock there
/// that Terraform reports (its `Version: 1.x` line) is that one.
fn terraform_past_its_own_lock(dir: &std::path::Path, args: &[&str], table: &str) -> std::process::Output {
    let out = terraform_with(dir, args, &ENV);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    if out.status.success() || !err.contains("Error acquiring the state lock") || !err.contains("Version:   1.") {
        return out;
    }
    let Some(path) = err.lines().find_map(|l| l.trim().strip_prefix("Path:")).map(str::trim) else { return out };
    let (bucket, key) = path.split_once('/').unwrap_or((path, ""));
    aws(&format!(
        "ddb.delete_item(TableName='{table}', Key={{'LockID': {{'S': '{path}'}}}})\n\
         s3.delete_object(Bucket='{bucket}', Key='{key}.tflock')"
    ));
    terraform_with(dir, args, &ENV)
}

#[test]
fn terraform_shares_the_bucket_the_lock_and_the_digest() {
    if !terraform_available() {
        return;
    }
    let (bucket, table) = fresh_bucket();
    let config = format!("{}{RESOURCES}", backend(&bucket, Some(&table), true));
    let d = TempDir::with_files("s3-terraform", &[("main.tf", &config)]);
    let tf = |args: &[&str]| terraform_past_its_own_lock(d.path(), args, &table);
    assert!(tf(&["init", "-no-color"]).status.success());
    let applied = tf(&["apply", "-auto-approve", "-no-color"]);
    assert!(applied.status.success(), "{}", String::from_utf8_lossy(&applied.stderr));
    // Strata reads Terraform's state (its digest matches) and plans nothing.
    assert_eq!(strata(&d, &["init", "-no-color"]).code, 0);
    let plan = strata(&d, &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    // Strata writes; Terraform reads Strata's state and digest.
    assert_eq!(strata(&d, &["apply", "-auto-approve", "-no-color", "-var", "v=two"]).code, 0);
    let tf_plan = tf(&["plan", "-no-color", "-detailed-exitcode", "-var", "v=two"]);
    assert_eq!(
        tf_plan.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&tf_plan.stdout),
        String::from_utf8_lossy(&tf_plan.stderr)
    );
    // A lock held by Terraform (its console holds one) stops Strata.
    let mut console = Command::new("terraform")
        .args(["console", "-no-color"])
        .current_dir(d.path())
        .envs(ENV)
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut held = false;
    while Instant::now() < deadline {
        if keys(&bucket).iter().any(|k| k.ends_with(".tflock")) {
            held = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(held, "terraform console takes the lock");
    let blocked = strata(&d, &["plan", "-no-color", "-var", "v=two"]);
    drop(console.stdin.take());
    let _ = console.wait();
    assert_eq!(blocked.code, 1, "{}", blocked.transcript());
    assert!(blocked.stderr.contains("Error acquiring the state lock"), "{}", blocked.stderr);
}

#[test]
fn an_endpoint_that_dies_mid_apply_loses_nothing() {
    // A moto of its own, stopped half-way through an apply.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let mut server = Command::new(venv().join("bin/moto_server"))
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let python = &moto().python;
    let setup = format!(
        "import boto3, time\nfor _ in range(100):\n    try:\n        boto3.client('s3', endpoint_url='{endpoint}', region_name='us-east-1').create_bucket(Bucket='dying'); break\n    except Exception:\n        time.sleep(0.1)"
    );
    assert!(Command::new(python).arg("-c").arg(setup).envs(ENV).status().unwrap().success());
    let config = format!(
        "terraform {{\n  backend \"s3\" {{\n    bucket = \"dying\"\n    key = \"k.tfstate\"\n    region = \"us-east-1\"\n    use_lockfile = true\n    use_path_style = true\n    max_retries = 0\n    endpoints = {{ s3 = \"{endpoint}\" }}\n  }}\n  required_providers {{\n    testing = {{ source = \"strata/testing\" }}\n  }}\n}}\nresource \"testing_resource\" \"quick\" {{\n  name = \"quick\"\n}}\nresource \"testing_resource\" \"slow\" {{\n  name     = \"slow\"\n  value    = testing_resource.quick.id\n  delay_ms = 3000\n}}\n"
    );
    let d = TempDir::with_files("s3-dying", &[("main.tf", &config)]);
    assert_eq!(strata(&d, &["init", "-no-color"]).code, 0);
    // Stop the endpoint while `slow` is being created.
    let mut child = slow_apply(&d, d.path());
    server.kill().unwrap();
    server.wait().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    let flat = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("strata state push errored.tfstate"), "{stderr}");
    assert!(flat.contains("Connection refused"), "the cause, plainly: {stderr}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("errored.tfstate")).unwrap()).unwrap();
    let names: Vec<&str> = saved["resources"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["quick", "slow"], "every completed object is in errored.tfstate");
}

#[test]
fn a_split_brain_writer_is_refused_instead_of_overwriting() {
    let (bucket, table) = fresh_bucket();
    let config = format!(
        "{}terraform {{\n  required_providers {{\n    testing = {{ source = \"strata/testing\" }}\n  }}\n}}\nresource \"testing_resource\" \"slow\" {{\n  name     = \"slow\"\n  delay_ms = 4000\n}}\n",
        backend(&bucket, Some(&table), true)
    );
    let d = TempDir::with_files("s3-split", &[("main.tf", &config)]);
    assert_eq!(strata(&d, &["init", "-no-color"]).code, 0);
    let first = slow_apply(&d, d.path());
    // Someone deletes both locks by hand; a second writer gets in.
    aws(&format!(
        "ddb.delete_item(TableName='{table}', Key={{'LockID': {{'S': '{bucket}/app/terraform.tfstate'}}}})\ns3.delete_object(Bucket='{bucket}', Key='app/terraform.tfstate.tflock')"
    ));
    let other = TempDir::with_files(
        "s3-split-other",
        &[("main.tf", &format!("{}{RESOURCES}", backend(&bucket, Some(&table), true)))],
    );
    assert_eq!(strata(&other, &["init", "-no-color"]).code, 0);
    let second = strata(&other, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(second.code, 0, "{}", second.transcript());
    // The first writer's final write finds another state in place (by its
    // lineage and serial, or else by the object's ETag) and is refused.
    let out = first.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("State conflict"), "{stderr}");
    assert!(d.path().join("errored.tfstate").exists(), "the refused writer keeps its work locally");
    let pulled: serde_json::Value = serde_json::from_str(&strata(&other, &["state", "pull"]).stdout).unwrap();
    assert_eq!(pulled["outputs"]["a"]["value"], "one", "the second writer's state was not overwritten");
}

#[test]
fn a_lock_held_by_strata_stops_terraform() {
    if !terraform_available() {
        return;
    }
    let (bucket, table) = fresh_bucket();
    let slow = format!(
        "{}terraform {{\n  required_providers {{\n    testing = {{ source = \"strata/testing\" }}\n  }}\n}}\nresource \"testing_resource\" \"slow\" {{\n  name     = \"slow\"\n  delay_ms = 6000\n}}\n",
        backend(&bucket, Some(&table), true)
    );
    let ours = TempDir::with_files("s3-lock-ours", &[("main.tf", &slow)]);
    assert_eq!(strata(&ours, &["init", "-no-color"]).code, 0);
    let holder = slow_apply(&ours, ours.path());
    let theirs = TempDir::with_files(
        "s3-lock-tf",
        &[("main.tf", &format!("{}{RESOURCES}", backend(&bucket, Some(&table), true)))],
    );
    let tf = |args: &[&str]| terraform_with(theirs.path(), args, &ENV);
    assert!(tf(&["init", "-no-color"]).status.success());
    let blocked = tf(&["plan", "-no-color"]);
    let stderr = String::from_utf8_lossy(&blocked.stderr);
    assert!(!blocked.status.success());
    assert!(stderr.contains("Error acquiring the state lock") && stderr.contains("OperationTypeApply"), "{stderr}");
    let out = holder.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(keys(&bucket), ["app/terraform.tfstate"], "released once Strata is done");
}

#[test]
fn the_etag_guards_a_write_the_serial_rules_would_allow() {
    let (bucket, table) = fresh_bucket();
    let config = format!(
        "{}terraform {{\n  required_providers {{\n    testing = {{ source = \"strata/testing\" }}\n  }}\n}}\nresource \"testing_resource\" \"base\" {{\n  name = \"base\"\n}}\nresource \"testing_resource\" \"slow\" {{\n  name     = \"slow\"\n  value    = var.v\n  delay_ms = 4000\n}}\nvariable \"v\" {{\n  default = \"one\"\n}}\n",
        backend(&bucket, Some(&table), true)
    );
    let d = TempDir::with_files("s3-etag", &[("main.tf", &config)]);
    assert_eq!(strata(&d, &["init", "-no-color"]).code, 0);
    let fast = config.replace("delay_ms = 4000", "delay_ms = 0");
    d.write("main.tf", &fast);
    assert_eq!(strata(&d, &["apply", "-auto-approve", "-no-color"]).code, 0);
    assert_eq!(strata(&d, &["apply", "-auto-approve", "-no-color", "-var", "v=two"]).code, 0);
    // An old copy of the same lineage, pushed by force while the lock is
    // (wrongly) gone: the serial rules alone would let the next write in.
    let mut old: serde_json::Value = serde_json::from_str(&strata(&d, &["state", "pull"]).stdout).unwrap();
    old["serial"] = 1.into();
    d.write("old.tfstate", &old.to_string());
    d.write("main.tf", &config);
    let mut writer = Command::new(strata_bin())
        .args(["apply", "-auto-approve", "-no-color", "-var", "v=three"])
        .current_dir(d.path())
        .envs(ENV)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = writer.stdout.take().unwrap();
    let started = std::thread::spawn(move || {
        std::io::BufReader::new(stdout).lines().map_while(Result::ok).any(|l| l.contains("slow: Modifying..."))
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline && !keys(&bucket).iter().any(|k| k.contains(".journal/")) {
        std::thread::sleep(Duration::from_millis(100));
    }
    aws(&format!(
        "ddb.delete_item(TableName='{table}', Key={{'LockID': {{'S': '{bucket}/app/terraform.tfstate'}}}})\ns3.delete_object(Bucket='{bucket}', Key='app/terraform.tfstate.tflock')"
    ));
    let pushed = strata(&d, &["state", "push", "-force", "old.tfstate"]);
    assert_eq!(pushed.code, 0, "{}", pushed.transcript());
    let mut stderr = String::new();
    writer.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert_eq!(writer.wait().unwrap().code(), Some(1), "{stderr}");
    assert!(started.join().unwrap(), "the writer was applying");
    let flat = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("changed since this run took the lock"), "{stderr}");
}

/// `terraform_remote_state` with the `s3` backend: one stack reads the
/// outputs another stored in S3 (its default workspace and another one),
/// a key with no state is Terraform's "Unable to find remote state", and
/// Terraform reading the same bucket gets the same outputs.
#[test]
fn remote_state_reads_another_stacks_outputs_from_s3() {
    let (bucket, _) = fresh_bucket();
    let producer = format!(
        "{}output \"vpc_id\" {{\n  value = \"vpc-${{terraform.workspace}}\"\n}}\noutput \"cidrs\" {{\n  value = [\"10.0.0.0/24\"]\n}}\n",
        backend(&bucket, None, true)
    );
    let p = TempDir::with_files("s3-remote-producer", &[("main.tf", &producer)]);
    assert_eq!(strata(&p, &["init", "-no-color"]).code, 0);
    let applied = strata(&p, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert_eq!(strata(&p, &["workspace", "new", "-no-color", "staging"]).code, 0);
    assert_eq!(strata(&p, &["apply", "-auto-approve", "-no-color"]).code, 0);

    let e = &moto().endpoint;
    let reader = |key: &str, workspace: &str| {
        format!(
            "data \"terraform_remote_state\" \"net\" {{\n  backend   = \"s3\"\n  workspace = \"{workspace}\"\n  config = {{\n    bucket         = \"{bucket}\"\n    key            = \"{key}\"\n    region         = \"us-east-1\"\n    use_path_style = true\n    endpoints      = {{ s3 = \"{e}\" }}\n    skip_credentials_validation = true\n    skip_requesting_account_id  = true\n  }}\n}}\nresource \"terraform_data\" \"uses\" {{\n  input = data.terraform_remote_state.net.outputs.vpc_id\n}}\noutput \"vpc_id\" {{\n  value = data.terraform_remote_state.net.outputs.vpc_id\n}}\noutput \"cidrs\" {{\n  value = data.terraform_remote_state.net.outputs.cidrs\n}}\n"
        )
    };
    for (workspace, want) in [("default", "vpc-default"), ("staging", "vpc-staging")] {
        let r = TempDir::with_files("s3-remote-reader", &[("main.tf", &reader("app/terraform.tfstate", workspace))]);
        let out = strata(&r, &["apply", "-auto-approve", "-no-color"]);
        assert_eq!(out.code, 0, "{}", out.transcript());
        let outputs: serde_json::Value = serde_json::from_str(&strata(&r, &["output", "-json"]).stdout).unwrap();
        assert_eq!(outputs["vpc_id"]["value"], want);
        assert_eq!(outputs["cidrs"]["value"], serde_json::json!(["10.0.0.0/24"]));
        let plan = strata(&r, &["plan", "-detailed-exitcode", "-no-color"]);
        assert_eq!(plan.code, 0, "{}", plan.transcript());
        if terraform_available() {
            let tf = |args: &[&str]| terraform_with(r.path(), args, &ENV);
            assert!(tf(&["init", "-no-color"]).status.success());
            let theirs = tf(&["plan", "-no-color", "-detailed-exitcode"]);
            assert_eq!(theirs.status.code(), Some(0), "{}", String::from_utf8_lossy(&theirs.stdout));
        }
    }
    let missing = TempDir::with_files("s3-remote-missing", &[("main.tf", &reader("nothing/here.tfstate", "default"))]);
    let out = strata(&missing, &["plan", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stderr.contains("Unable to find remote state"), "{}", out.stderr);
}
