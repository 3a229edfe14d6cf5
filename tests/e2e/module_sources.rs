//! Module sources beyond local paths: git (a bare repository made by the
//! test, `git::file://…?ref=`), and the module registry protocol against a
//! registry the test serves on loopback (versions, download redirect to a
//! `.tar.gz`, a CLI configuration `host` block, a bearer token). `init`
//! installs into `.terraform/modules` and writes `modules.json` as
//! Terraform does (compared with Terraform's own where it is installed).

use crate::support::*;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.email=t@example.test", "-c", "user.name=t", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A module package: a root module with an output and a local submodule.
fn write_package(dir: &Path, value: &str) {
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(
        dir.join("main.tf"),
        format!(
            "variable \"x\" {{\n  default = \"{value}\"\n}}\n\nmodule \"inner\" {{\n  source = \"./sub\"\n}}\n\nresource \"terraform_data\" \"d\" {{\n  input = var.x\n}}\n\noutput \"x\" {{\n  value = terraform_data.d.output\n}}\n\noutput \"inner\" {{\n  value = module.inner.y\n}}\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("sub/main.tf"), format!("output \"y\" {{\n  value = \"sub-{value}\"\n}}\n")).unwrap();
}

/// A bare repository with tags v1 (value "one") and v2 (value "two").
fn bare_repo(tmp: &TempDir) -> PathBuf {
    let work = tmp.path().join("work");
    write_package(&work, "one");
    git(&work, &["init", "-q"]);
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-qm", "one"]);
    git(&work, &["tag", "v1"]);
    write_package(&work, "two");
    git(&work, &["commit", "-qam", "two"]);
    git(&work, &["tag", "v2"]);
    let bare = tmp.path().join("repo.git");
    git(tmp.path(), &["clone", "-q", "--bare", work.to_str().unwrap(), bare.to_str().unwrap()]);
    bare
}

fn manifest(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join(".terraform/modules/modules.json")).expect("modules.json written");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn git_sources_install_plan_and_apply() {
    let tmp = TempDir::new("git-src");
    let repo = bare_repo(&tmp);
    let url = format!("git::file://{}", repo.display());
    let root = tmp.path().join("root");
    std::fs::create_dir_all(&root).unwrap();
    let config = |r: &str| {
        format!(
            "module \"m\" {{\n  source = \"{url}?ref={r}\"\n}}\n\nmodule \"s\" {{\n  source = \"{url}//sub?ref=v1\"\n}}\n\noutput \"x\" {{\n  value = module.m.x\n}}\n\noutput \"y\" {{\n  value = module.s.y\n}}\n"
        )
    };
    std::fs::write(root.join("main.tf"), config("v1")).unwrap();

    let plan = run(&root, &["plan"]);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(plan.stderr.contains("Module not installed") && plan.stderr.contains("strata init"), "{}", plan.stderr);

    let init = run(&root, &["init"]);
    assert_eq!(init.code, 0, "{}", init.transcript());
    assert!(init.stdout.contains(&format!("Downloading {url}?ref=v1 for m...")), "{}", init.stdout);
    assert!(init.stdout.contains("- m.inner in .terraform/modules/m/sub"), "{}", init.stdout);
    assert_eq!(
        manifest(&root),
        serde_json::json!({"Modules": [
            {"Key": "", "Source": "", "Dir": "."},
            {"Key": "m", "Source": format!("{url}?ref=v1"), "Dir": ".terraform/modules/m"},
            {"Key": "m.inner", "Source": "./sub", "Dir": ".terraform/modules/m/sub"},
            {"Key": "s", "Source": format!("{url}//sub?ref=v1"), "Dir": ".terraform/modules/s/sub"},
        ]})
    );
    let apply = run(&root, &["apply", "-auto-approve"]);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let out = run(&root, &["output", "-json"]);
    let outputs: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(outputs["x"]["value"], "one");
    assert_eq!(outputs["y"]["value"], "sub-one");
    // State names the objects by module path, as Terraform does.
    let st = state(&root);
    assert_eq!(st["resources"][0]["module"], "module.m");

    // A changed ref: the installed copy no longer matches.
    std::fs::write(root.join("main.tf"), config("v2")).unwrap();
    let plan = run(&root, &["plan"]);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(plan.stderr.contains("Module source has changed"), "{}", plan.stderr);
    assert!(plan.stderr.contains("main.tf:2:12"), "located at the source argument: {}", plan.stderr);

    // init fetches v2 for m only; s is kept.
    let init = run(&root, &["init"]);
    assert_eq!(init.code, 0, "{}", init.transcript());
    assert!(init.stdout.contains("?ref=v2 for m..."), "{}", init.stdout);
    assert!(!init.stdout.contains("for s..."), "s unchanged is not fetched again: {}", init.stdout);
    let plan = run(&root, &["plan", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(plan.stdout.contains("~ input  = \"one\" -> \"two\""), "{}", plan.stdout);

    // -upgrade fetches every remote module again.
    let up = run(&root, &["init", "-upgrade"]);
    assert_eq!(up.code, 0, "{}", up.transcript());
    assert!(
        up.stdout.contains("Upgrading modules...") && up.stdout.contains("repo.git?ref=v1 for s..."),
        "{}",
        up.stdout
    );

    // `strata get` installs too; a bad ref is located at the module block.
    std::fs::write(root.join("bad.tf"), format!("module \"bad\" {{\n  source = \"{url}?ref=nope\"\n}}\n")).unwrap();
    let get = run(&root, &["get"]);
    assert_eq!(get.code, 1, "{}", get.transcript());
    assert!(get.stderr.contains("Failed to download module") && get.stderr.contains("bad.tf:1:1"), "{}", get.stderr);
    assert!(get.stderr.contains("pathspec 'nope'"), "git's reason shown: {}", get.stderr);
}

#[test]
fn invalid_sources_are_located() {
    let dir = TempDir::with_files(
        "bad-src",
        &[(
            "main.tf",
            "module \"a\" {\n  source  = \"./x\"\n  version = \"1.0\"\n}\n\nmodule \"b\" {\n  source = \"example.test/acme/missing\"\n}\n\nmodule \"c\" {\n  source  = \"acme/net/aws\"\n  version = \"not a version\"\n}\n",
        )],
    );
    let v = run(dir.path(), &["validate"]);
    assert_eq!(v.code, 1, "{}", v.transcript());
    assert!(
        v.stderr.contains("Invalid registry module source address") && v.stderr.contains("main.tf:2:13"),
        "{}",
        v.stderr
    );
    assert!(v.stderr.contains("Invalid module source address") && v.stderr.contains("main.tf:7:12"), "{}", v.stderr);
    assert!(v.stderr.contains("Invalid version constraint") && v.stderr.contains("main.tf:12:13"), "{}", v.stderr);
}

/// A module registry on loopback, serving `acme/net/aws` at 1.0.0, 1.2.0
/// and 2.0.0 (each a `.tar.gz` of `write_package` with its version as the
/// value), and recording every request line and Authorization header.
struct TestRegistry {
    addr: String,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl TestRegistry {
    fn start(tmp: &TempDir) -> TestRegistry {
        let mut archives = std::collections::HashMap::new();
        for v in ["1.0.0", "1.2.0", "2.0.0"] {
            let pkg = tmp.path().join(format!("pkg-{v}"));
            write_package(&pkg, v);
            let tgz = tmp.path().join(format!("net-{v}.tar.gz"));
            let out = Command::new("tar")
                .args(["czf", tgz.to_str().unwrap(), "-C", pkg.to_str().unwrap(), "."])
                .output()
                .expect("tar runs");
            assert!(out.status.success());
            archives.insert(format!("/archives/net-{v}.tar.gz"), std::fs::read(&tgz).unwrap());
        }
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (log, stopping) = (requests.clone(), stop.clone());
        std::thread::spawn(move || {
            // Bounded: the test stops it on drop, and it gives up after 10 minutes.
            let deadline = Instant::now() + Duration::from_secs(600);
            while !stopping.load(Ordering::SeqCst) && Instant::now() < deadline {
                let Ok((mut conn, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                conn.set_nonblocking(false).unwrap();
                conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).into_owned();
                let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
                let auth =
                    head.lines().find(|l| l.to_ascii_lowercase().starts_with("authorization:")).map(|l| l.to_string());
                log.lock().unwrap().push(format!("{path} {}", auth.unwrap_or_default()));
                let (status, headers, body): (&str, String, Vec<u8>) = if path == "/v1/modules/acme/net/aws/versions" {
                    let body = r#"{"modules":[{"versions":[{"version":"1.0.0"},{"version":"2.0.0"},{"version":"1.2.0"},{"version":"2.1.0-beta1"}]}]}"#;
                    ("200 OK", "Content-Type: application/json\r\n".into(), body.as_bytes().to_vec())
                } else if let Some(v) =
                    path.strip_prefix("/v1/modules/acme/net/aws/").and_then(|p| p.strip_suffix("/download"))
                {
                    ("204 No Content", format!("X-Terraform-Get: /archives/net-{v}.tar.gz\r\n"), Vec::new())
                } else if let Some(a) = archives.get(&path) {
                    ("200 OK", "Content-Type: application/gzip\r\n".into(), a.clone())
                } else {
                    ("404 Not Found", String::new(), Vec::new())
                };
                let _ = write!(
                    conn,
                    "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = conn.write_all(&body);
            }
        });
        TestRegistry { addr, requests, stop }
    }

    /// A CLI configuration that sends `registry.example.test` here.
    fn cli_config(&self, tmp: &TempDir) -> PathBuf {
        let path = tmp.path().join("cli.tfrc");
        std::fs::write(
            &path,
            format!(
                "host \"registry.example.test\" {{\n  services = {{\n    \"modules.v1\" = \"http://{}/v1/modules/\"\n  }}\n}}\n",
                self.addr
            ),
        )
        .unwrap();
        path
    }
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn registry_config(constraint: &str) -> String {
    format!(
        "module \"net\" {{\n  source  = \"registry.example.test/acme/net/aws\"\n  version = \"{constraint}\"\n}}\n\nmodule \"local\" {{\n  source = \"./loc\"\n}}\n\noutput \"x\" {{\n  value = module.net.x\n}}\n"
    )
}

#[test]
fn registry_sources_resolve_versions_and_upgrade() {
    let tmp = TempDir::new("registry-src");
    let registry = TestRegistry::start(&tmp);
    let cli = registry.cli_config(&tmp);
    let cli = cli.to_str().unwrap();
    let root = tmp.path().join("root");
    std::fs::create_dir_all(root.join("loc")).unwrap();
    std::fs::write(root.join("loc/main.tf"), "output \"z\" {\n  value = 1\n}\n").unwrap();
    std::fs::write(root.join("main.tf"), registry_config("~> 1.0")).unwrap();
    let env = [("TF_CLI_CONFIG_FILE", cli), ("TF_TOKEN_registry_example_test", "sekrit-token")];

    let init = run_with(&root, &["init"], &env, None);
    assert_eq!(init.code, 0, "{}", init.transcript());
    assert!(init.stdout.contains("Downloading registry.example.test/acme/net/aws 1.2.0 for net..."), "{}", init.stdout);
    assert!(init.stdout.contains("- local in loc"), "{}", init.stdout);
    assert!(!init.stdout.contains("sekrit"), "the token is never shown");
    let expected = serde_json::json!({"Modules": [
        {"Key": "", "Source": "", "Dir": "."},
        {"Key": "local", "Source": "./loc", "Dir": "loc"},
        {"Key": "net", "Source": "registry.example.test/acme/net/aws", "Version": "1.2.0", "Dir": ".terraform/modules/net"},
        {"Key": "net.inner", "Source": "./sub", "Dir": ".terraform/modules/net/sub"},
    ]});
    assert_eq!(manifest(&root), expected);
    let requests = registry.requests.lock().unwrap().clone();
    assert!(
        requests
            .iter()
            .any(|r| r.starts_with("/v1/modules/acme/net/aws/versions") && r.contains("Bearer sekrit-token")),
        "the registry gets the token: {requests:?}"
    );

    let apply = run_with(&root, &["apply", "-auto-approve"], &env, None);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert!(apply.stdout.contains("x = \"1.2.0\""), "{}", apply.stdout);

    // Again: installed and still allowed, so nothing is downloaded.
    let again = run_with(&root, &["init"], &env, None);
    assert!(!again.stdout.contains("Downloading"), "{}", again.stdout);

    // A constraint the installed version no longer meets.
    std::fs::write(root.join("main.tf"), registry_config(">= 2.0")).unwrap();
    let plan = run_with(&root, &["plan"], &env, None);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(plan.stderr.contains("Module version requirements have changed"), "{}", plan.stderr);
    assert!(plan.stderr.contains("version (1.2.0) is no longer acceptable"), "{}", plan.stderr);
    let init = run_with(&root, &["init"], &env, None);
    assert_eq!(init.code, 0, "{}", init.transcript());
    assert!(init.stdout.contains("aws 2.0.0 for net"), "prereleases are not selected: {}", init.stdout);

    // A saved plan carries the installed module's files and directory.
    let plan = run_with(&root, &["plan", "-out=tfplan"], &env, None);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    std::fs::remove_dir_all(root.join(".terraform/modules")).unwrap();
    let apply = run_with(&root, &["apply", "tfplan"], &env, None);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert!(apply.stdout.contains("x = \"2.0.0\""), "{}", apply.stdout);

    // -upgrade within a constraint that allows 1.x again picks the newest.
    std::fs::write(root.join("main.tf"), registry_config(">= 1.0, < 2.0")).unwrap();
    let up = run_with(&root, &["init", "-upgrade"], &env, None);
    assert_eq!(up.code, 0, "{}", up.transcript());
    assert!(up.stdout.contains("aws 1.2.0 for net"), "{}", up.stdout);

    // Nothing matches.
    std::fs::write(root.join("main.tf"), registry_config("~> 9.0")).unwrap();
    let bad = run_with(&root, &["init"], &env, None);
    assert_eq!(bad.code, 1, "{}", bad.transcript());
    assert!(bad.stderr.contains("Unresolvable module version constraint"), "{}", bad.stderr);
    let flat = bad.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("(main.tf:1) which matches the given version constraint. The newest available version is 2.0.0."),
        "{flat}"
    );
}

/// The same working directory installed by Terraform: identical
/// `modules.json`, and Strata plans from Terraform's installation.
#[test]
#[allow(clippy::print_stderr)]
fn modules_json_matches_terraform() {
    if !terraform_available() {
        eprintln!("terraform not installed: skipping the comparison with Terraform's modules.json");
        return;
    }
    let tmp = TempDir::new("registry-tf");
    let registry = TestRegistry::start(&tmp);
    let cli = registry.cli_config(&tmp);
    let repo = bare_repo(&tmp);
    let config = format!(
        "{}\nmodule \"g\" {{\n  source = \"git::file://{}//sub?ref=v2\"\n}}\n",
        registry_config("~> 1.0"),
        repo.display()
    );
    let mut manifests = Vec::new();
    for tool in ["terraform", "strata"] {
        let root = tmp.path().join(tool);
        std::fs::create_dir_all(root.join("loc")).unwrap();
        std::fs::write(root.join("loc/main.tf"), "output \"z\" {\n  value = 1\n}\n").unwrap();
        std::fs::write(root.join("main.tf"), &config).unwrap();
        if tool == "terraform" {
            let out = Command::new("terraform")
                .arg("init")
                .current_dir(&root)
                .env("CHECKPOINT_DISABLE", "1")
                .env("TF_CLI_CONFIG_FILE", &cli)
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            // Strata plans from what Terraform installed.
            let plan = run_with(&root, &["plan"], &[("TF_CLI_CONFIG_FILE", cli.to_str().unwrap())], None);
            assert_eq!(plan.code, 0, "{}", plan.transcript());
        } else {
            let init = run_with(&root, &["init"], &[("TF_CLI_CONFIG_FILE", cli.to_str().unwrap())], None);
            assert_eq!(init.code, 0, "{}", init.transcript());
        }
        manifests.push(std::fs::read_to_string(root.join(".terraform/modules/modules.json")).unwrap());
    }
    assert_eq!(manifests[0].trim_end(), manifests[1].trim_end());
}
