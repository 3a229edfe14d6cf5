//! The `alertmanager` provider against a real Alertmanager 0.25 (Debian's
//! package) on loopback: the configuration written, served, updated,
//! drifted by hand, refused by the checks (nothing written) and by the
//! server's reload (the previous file restored), imported and destroyed,
//! its Slack secret never shown; silences created, changed in place or
//! replaced, expired behind Strata's back, imported and expired.

use crate::prom_support::*;
use crate::support::*;
use std::path::Path;
use std::time::Duration;

const SECRET: &str = "XSECRETSLACKX";

const INITIAL: &str = "route:\n  receiver: initial\nreceivers:\n- name: initial\n";

fn provider(url: &str, file: &Path) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    alertmanager = {{ source = "strata/alertmanager" }}
  }}
}}

provider "alertmanager" {{
  url         = "{url}"
  config_file = "{}"
}}
"#,
        file.display()
    )
}

/// The configuration under test; `nested_wait` is the innermost route's
/// group_wait, `extra` goes into the resource body.
fn config(url: &str, file: &Path, nested_wait: &str, extra: &str) -> String {
    provider(url, file)
        + &format!(
            r##"
variable "slack_url" {{
  type    = string
  default = "https://hooks.slack.com/services/T000/B000/{SECRET}"
}}

resource "alertmanager_config" "main" {{
  global {{
    resolve_timeout = "5m"
    slack_api_url   = var.slack_url
  }}

  route {{
    receiver   = "team"
    group_by   = ["alertname"]
    group_wait = "30s"

    route {{
      receiver            = "pager"
      matchers            = ["severity=\"page\""]
      mute_time_intervals = ["offhours"]
      continue            = true

      route {{
        receiver   = "hook"
        matchers   = ["team=~\"db|cache\""]
        group_wait = "{nested_wait}"
      }}
    }}
  }}

  receiver {{
    name = "team"
    slack_config {{
      channel       = "#alerts"
      send_resolved = true
    }}
  }}

  receiver {{
    name = "pager"
    webhook_config {{
      url = "http://127.0.0.1:9/pager"
    }}
  }}

  receiver {{
    name = "hook"
    webhook_config {{
      url        = "http://127.0.0.1:9/hook"
      max_alerts = 5
    }}
  }}

  inhibit_rule {{
    source_matchers = ["severity=\"page\""]
    target_matchers = ["severity=\"warn\""]
    equal           = ["alertname"]
  }}

  time_interval {{
    name = "offhours"
    interval {{
      weekdays = ["saturday", "sunday"]
      times {{
        start_time = "00:00"
        end_time   = "08:00"
      }}
    }}
  }}
{extra}
}}
"##
        )
}

fn strata(d: &TempDir, args: &[&str]) -> Output {
    run(d.path(), args)
}

fn ok(d: &TempDir, args: &[&str]) -> Output {
    let o = strata(d, args);
    assert_eq!(o.code, 0, "strata {args:?} failed:\n{}", o.transcript());
    assert!(!o.transcript().contains(SECRET), "the Slack secret leaked in strata {args:?}:\n{}", o.transcript());
    o
}

/// The YAML Alertmanager runs (`config.original`).
fn served(url: &str) -> String {
    let (code, body) = http_get(&format!("{url}/api/v2/status")).expect("status answers");
    assert_eq!(code, 200, "{body}");
    let j: serde_json::Value = serde_json::from_str(&body).unwrap();
    j["config"]["original"].as_str().unwrap_or_default().to_string()
}

#[test]
fn alertmanager_config_is_served_updated_drifted_refused_imported_and_destroyed() {
    if !installed("prometheus-alertmanager") {
        return;
    }
    let d = TempDir::new("am-config");
    let file = d.path().join("alertmanager.yml");
    std::fs::write(&file, INITIAL).unwrap();
    let am = alertmanager(d.path(), &file);
    d.write("main.tf", &config(&am.url, &file, "1m", ""));

    // Created: the file written, reloaded and served.
    ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let running = served(&am.url);
    for want in ["receiver: team", "name: offhours", "team=~\"db|cache\"", "severity=\"warn\"", "group_wait: 1m"] {
        assert!(running.contains(want), "Alertmanager does not serve {want:?}:\n{running}");
    }
    assert!(!running.contains(SECRET), "Alertmanager hides the secret itself");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains(SECRET) && written.contains("routes:"), "{written}");
    assert!(amtool_accepts(&written), "{written}");

    // Nothing to do the second time.
    let again = ok(&d, &["plan", "-detailed-exitcode", "-no-color"]);
    assert!(again.stdout.contains("No changes"), "{}", again.stdout);

    // A nested route's change is an in-place update, field by field.
    d.write("main.tf", &config(&am.url, &file, "2m", ""));
    let plan = strata(&d, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 2, "{}", plan.transcript());
    assert!(plan.stdout.contains("~ update in-place") && plan.stdout.contains("\"1m\" -> \"2m\""), "{}", plan.stdout);
    assert!(!plan.stdout.contains("must be replaced") && !plan.stdout.contains(SECRET), "{}", plan.stdout);
    ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(served(&am.url).contains("group_wait: 2m"), "{}", served(&am.url));

    // The same length written another way by hand is no change.
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("group_wait: 2m", "group_wait: 120s")).unwrap();
    let same = strata(&d, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(same.code, 0, "120s is 2m:\n{}", same.transcript());

    // A real hand edit shows as that field's change, in plan and drift.
    std::fs::write(&file, text.replace("group_wait: 2m", "group_wait: 7m")).unwrap();
    let plan = strata(&d, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 2, "{}", plan.transcript());
    assert!(plan.stdout.contains("\"7m\" -> \"2m\""), "{}", plan.stdout);
    let drift = strata(&d, &["drift", "-json"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    let report: serde_json::Value = serde_json::from_str(&drift.stdout).unwrap();
    let attrs = report["resources"][0]["attributes"].as_array().cloned().unwrap_or_default();
    assert!(
        attrs.iter().any(|a| a["path"].as_str().is_some_and(|p| p.ends_with("group_wait"))
            && a["recorded"] == "2m"
            && a["actual"] == "7m"),
        "{}",
        drift.stdout
    );
    assert!(!drift.transcript().contains(SECRET));
    ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(std::fs::read_to_string(&file).unwrap().contains("group_wait: 2m"));

    // Refused by the checks: at validate, naming the attribute; nothing written.
    let before = std::fs::read_to_string(&file).unwrap();
    let bad = config(&am.url, &file, "2m", "").replace("receiver   = \"hook\"", "receiver   = \"nope\"");
    d.write("main.tf", &bad);
    let v = strata(&d, &["validate", "-no-color"]);
    assert_eq!(v.code, 1, "{}", v.transcript());
    assert!(v.stderr.contains("undefined receiver \"nope\" used in route"), "{}", v.transcript());
    assert!(
        v.stderr.contains("(at route[0].route[0].route[0].receiver)"),
        "the diagnostic names the attribute:\n{}",
        v.transcript()
    );
    let a = strata(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(a.code, 1, "{}", a.transcript());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before, "nothing written");
    let bad_duration = config(&am.url, &file, "2 minutes", "");
    d.write("main.tf", &bad_duration);
    let v = strata(&d, &["validate", "-no-color"]);
    assert_eq!(v.code, 1, "{}", v.transcript());
    assert!(
        v.stderr.contains("not a valid duration string")
            && v.stderr.contains("(at route[0].route[0].route[0].group_wait)"),
        "{}",
        v.transcript()
    );

    // Refused by the server's reload (a template that does not parse, which
    // only Alertmanager reads): the previous file is back and still served.
    let tmpl = d.path().join("broken.tmpl");
    std::fs::write(&tmpl, "{{ define \"x\" }}{{ .Unclosed ").unwrap();
    d.write("main.tf", &config(&am.url, &file, "2m", &format!("  templates = [\"{}\"]\n", tmpl.display())));
    let a = strata(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(a.code, 1, "{}", a.transcript());
    assert!(a.stderr.contains("Alertmanager refused the configuration"), "{}", a.transcript());
    assert!(
        a.stderr.contains("failed to reload config") && a.stderr.contains("previous file was put back"),
        "{}",
        a.transcript()
    );
    assert!(!a.transcript().contains(SECRET));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before, "the previous file is restored");
    assert!(served(&am.url).contains("group_wait: 2m"));
    d.write("main.tf", &config(&am.url, &file, "2m", ""));
    let clean = strata(&d, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(clean.code, 0, "{}", clean.transcript());

    // The secret is in no output.
    for args in [&["show", "-no-color"][..], &["state", "show", "alertmanager_config.main"]] {
        ok(&d, args);
    }

    // A deleted file is gone: planned again, and written back.
    std::fs::remove_file(&file).unwrap();
    let gone = strata(&d, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(gone.code, 2, "{}", gone.transcript());
    assert!(gone.stdout.contains("alertmanager_config.main will be created"), "{}", gone.stdout);
    ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);

    // Imported by the file's path: the same object, no changes.
    ok(&d, &["state", "rm", "alertmanager_config.main"]);
    ok(&d, &["import", "-no-color", "alertmanager_config.main", file.to_str().unwrap()]);
    let after_import = strata(&d, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(after_import.code, 0, "{}", after_import.transcript());

    // Destroyed: the minimal configuration left, loaded.
    ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    let left = std::fs::read_to_string(&file).unwrap();
    assert!(left.contains("receiver: blackhole") && !left.contains(SECRET), "{left}");
    assert!(served(&am.url).contains("receiver: blackhole"), "{}", served(&am.url));
}

/// Whether amtool accepts what Strata wrote (true without amtool).
fn amtool_accepts(yaml: &str) -> bool {
    let dir = TempDir::new("am-written");
    let f = dir.path().join("written.yml");
    std::fs::write(&f, yaml).unwrap();
    match std::process::Command::new("amtool").arg("check-config").arg(&f).output() {
        Ok(o) => o.status.success(),
        Err(_) => true,
    }
}

fn silence_config(url: &str, file: &Path, matcher_value: &str, comment: &str) -> String {
    provider(url, file)
        + &format!(
            r#"
resource "alertmanager_silence" "maintenance" {{
  matchers {{
    name  = "alertname"
    value = "{matcher_value}"
  }}
  matchers {{
    name     = "instance"
    value    = "db-.*"
    is_regex = true
  }}
  duration   = "2h"
  created_by = "strata-e2e"
  comment    = "{comment}"
}}
"#
        )
}

fn silences(url: &str) -> Vec<serde_json::Value> {
    let (code, body) = http_get(&format!("{url}/api/v2/silences")).expect("silences answer");
    assert_eq!(code, 200, "{body}");
    serde_json::from_str::<serde_json::Value>(&body).unwrap().as_array().cloned().unwrap_or_default()
}

/// The silence's state once it is not pending (it starts within a second).
fn silence_state(url: &str, id: &str) -> String {
    eventually(Duration::from_secs(3), || Some(silence_state_now(url, id)).filter(|s| s != "pending"))
        .unwrap_or_else(|| "pending".into())
}

fn silence_state_now(url: &str, id: &str) -> String {
    silences(url)
        .iter()
        .find(|s| s["id"] == id)
        .and_then(|s| s["status"]["state"].as_str().map(String::from))
        .unwrap_or_default()
}

fn state_id(d: &TempDir) -> String {
    let s = state(d.path());
    s["resources"][0]["instances"][0]["attributes"]["id"].as_str().unwrap_or_default().to_string()
}

/// DELETE on loopback (HTTP/1.0): the status.
fn http_delete(url: &str) -> Option<u16> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/')?;
    let mut s = std::net::TcpStream::connect(host).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    s.write_all(format!("DELETE /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    out.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn alertmanager_silences_are_created_changed_replaced_expired_imported_and_destroyed() {
    if !installed("prometheus-alertmanager") {
        return;
    }
    let d = TempDir::new("am-silence");
    let file = d.path().join("alertmanager.yml");
    std::fs::write(&file, INITIAL).unwrap();
    let am = alertmanager(d.path(), &file);
    d.write("main.tf", &silence_config(&am.url, &file, "DiskFull", "planned maintenance"));

    ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let id = state_id(&d);
    assert!(!id.is_empty());
    assert_eq!(silence_state(&am.url, &id), "active");
    let s = silences(&am.url).into_iter().find(|s| s["id"] == id.as_str()).unwrap();
    assert_eq!(s["comment"], "planned maintenance");
    assert_eq!(s["matchers"].as_array().map(Vec::len), Some(2));
    let clean = strata(&d, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(clean.code, 0, "{}", clean.transcript());

    // A comment change keeps the silence.
    d.write("main.tf", &silence_config(&am.url, &file, "DiskFull", "maintenance, extended"));
    let plan = strata(&d, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 2);
    assert!(plan.stdout.contains("~ update in-place"), "{}", plan.stdout);
    ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_id(&d), id, "same silence");
    assert!(silences(&am.url).iter().any(|s| s["id"] == id.as_str() && s["comment"] == "maintenance, extended"));

    // A matcher change replaces it: a new id, the old one expired.
    d.write("main.tf", &silence_config(&am.url, &file, "DiskAlmostFull", "maintenance, extended"));
    let plan = strata(&d, &["plan", "-no-color"]);
    assert!(plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let replaced = state_id(&d);
    assert_ne!(replaced, id);
    assert_eq!(silence_state(&am.url, &id), "expired");
    assert_eq!(silence_state(&am.url, &replaced), "active");

    // Expired behind Strata's back: planned again.
    assert_eq!(http_delete(&format!("{}/api/v2/silence/{replaced}", am.url)), Some(200));
    let plan = strata(&d, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 2, "{}", plan.transcript());
    assert!(plan.stdout.contains("will be created"), "{}", plan.stdout);
    ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let current = state_id(&d);
    assert_eq!(silence_state(&am.url, &current), "active");

    // Imported by id.
    ok(&d, &["state", "rm", "alertmanager_silence.maintenance"]);
    ok(&d, &["import", "-no-color", "alertmanager_silence.maintenance", &current]);
    assert_eq!(state_id(&d), current);
    let missing =
        strata(&d, &["import", "-no-color", "alertmanager_silence.other", "00000000-0000-0000-0000-000000000000"]);
    assert_ne!(missing.code, 0);

    // Destroyed: expired.
    ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(silence_state(&am.url, &current), "expired");

    // An end already past is refused at plan.
    let past = provider(&am.url, &file)
        + r#"
resource "alertmanager_silence" "late" {
  matchers {
    name  = "alertname"
    value = "X"
  }
  ends_at    = "2020-01-01T00:00:00Z"
  created_by = "strata-e2e"
  comment    = "too late"
}
"#;
    d.write("main.tf", &past);
    let p = strata(&d, &["plan", "-no-color"]);
    assert_eq!(p.code, 1, "{}", p.transcript());
    assert!(p.stderr.contains("Silence ends in the past") && p.stderr.contains("ends_at"), "{}", p.transcript());
}

/// An Alertmanager stand-in whose reload never answers (the apply is
/// killed while it waits): its URL.
fn hanging_alertmanager() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut buf = [0u8; 4096];
                let n = stream.read(&mut buf).unwrap_or(0);
                if String::from_utf8_lossy(&buf[..n]).contains("/-/reload") {
                    std::thread::sleep(Duration::from_secs(120));
                }
                let _ = stream.write_all(b"HTTP/1.0 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
            });
        }
    });
    url
}

#[test]
fn an_alertmanager_config_create_killed_mid_apply_is_adopted_from_the_file() {
    let d = TempDir::new("am-crash");
    let file = d.path().join("alertmanager.yml");
    std::fs::write(&file, INITIAL).unwrap();
    let url = hanging_alertmanager();
    let hcl = provider(&url, &file)
        + r#"
resource "alertmanager_config" "main" {
  route {
    receiver = "team"
  }
  receiver {
    name = "team"
    webhook_config {
      url = "http://127.0.0.1:9/team"
    }
  }
}
"#;
    d.write("main.tf", &hcl);
    let mut child = std::process::Command::new(strata_bin())
        .args(["apply", "-auto-approve", "-no-color"])
        .current_dir(d.path())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("strata runs");
    // Killed once the file is written, while it waits for the reload.
    let written = eventually(Duration::from_secs(30), || {
        std::fs::read_to_string(&file).ok().filter(|t| t.contains("receiver: team"))
    });
    child.kill().expect("killed");
    let _ = child.wait();
    assert!(written.is_some(), "the apply never wrote the file");
    let plan = strata(&d, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "the file is the object, now in state:\n{}", plan.transcript());
    assert!(plan.stderr.contains("Adopted an object an interrupted apply created"), "{}", plan.transcript());
    assert_eq!(state_id(&d), file.to_str().unwrap());
}

/// A proxy to `upstream` that passes every request on but never answers
/// the POST that creates a silence (the apply is killed while it waits):
/// its URL.
fn proxy_hanging_on_silence_create(upstream: &str) -> String {
    use std::io::{Read, Write};
    let upstream = upstream.trim_start_matches("http://").to_string();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let upstream = upstream.clone();
            std::thread::spawn(move || {
                let mut client = stream;
                let mut request = Vec::new();
                let mut buf = [0u8; 8192];
                // Headers, then the body by Content-Length.
                let header_end = loop {
                    let n = client.read(&mut buf).unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buf[..n]);
                    if let Some(i) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                };
                let head = String::from_utf8_lossy(&request[..header_end]).to_string();
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                    })
                    .unwrap_or(0);
                while request.len() < header_end + length {
                    let n = client.read(&mut buf).unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    request.extend_from_slice(&buf[..n]);
                }
                // One request per connection upstream.
                let head = head.replacen(" HTTP/1.1\r\n", " HTTP/1.0\r\n", 1);
                let mut up = std::net::TcpStream::connect(&upstream).unwrap();
                up.write_all(head.as_bytes()).unwrap();
                up.write_all(&request[header_end..]).unwrap();
                let mut response = Vec::new();
                let _ = up.read_to_end(&mut response);
                if head.starts_with("POST /api/v2/silences ") {
                    std::thread::sleep(Duration::from_secs(120));
                    return;
                }
                let _ = client.write_all(&response);
            });
        }
    });
    url
}

#[test]
fn a_silence_create_killed_mid_apply_is_found_by_its_matchers_author_and_comment() {
    if !installed("prometheus-alertmanager") {
        return;
    }
    let d = TempDir::new("am-silence-crash");
    let file = d.path().join("alertmanager.yml");
    std::fs::write(&file, INITIAL).unwrap();
    let am = alertmanager(d.path(), &file);
    let proxy = proxy_hanging_on_silence_create(&am.url);
    d.write("main.tf", &silence_config(&proxy, &file, "DiskFull", "crash test"));
    let mut child = std::process::Command::new(strata_bin())
        .args(["apply", "-auto-approve", "-no-color"])
        .current_dir(d.path())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("strata runs");
    // Killed once Alertmanager has the silence, before Strata hears of it.
    let made = eventually(Duration::from_secs(30), || {
        silences(&am.url)
            .into_iter()
            .find(|s| s["comment"] == "crash test")
            .and_then(|s| s["id"].as_str().map(String::from))
    });
    child.kill().expect("killed");
    let _ = child.wait();
    let id = made.expect("the silence was created");
    // A silence someone else made with other matchers is not taken for it.
    let other = r#"{"matchers":[{"name":"alertname","value":"Other","isRegex":false,"isEqual":true}],"startsAt":"2020-01-01T00:00:00Z","endsAt":"2999-01-01T00:00:00Z","createdBy":"strata-e2e","comment":"crash test"}"#;
    let posted = http_post(&format!("{}/api/v2/silences", am.url), "application/json", other);
    assert_eq!(posted.as_ref().map(|p| p.0), Some(200), "{posted:?}");
    let plan = strata(&d, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "the silence is the object, now in state:\n{}", plan.transcript());
    assert!(plan.stderr.contains("Adopted an object an interrupted apply created"), "{}", plan.transcript());
    assert_eq!(state_id(&d), id);
    assert_eq!(silences(&am.url).iter().filter(|s| s["comment"] == "crash test").count(), 2, "nothing made twice");
}
