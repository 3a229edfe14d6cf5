//! The `opensearch` and `elasticsearch` providers, driven through the
//! strata binary: templates and their settings against osmem-server (a
//! real OpenSearch-compatible server); ISM, ILM, SM, SLM, roles and
//! repositories against the search test server (written from the
//! documented API, forwarding the rest to osmem); bodies checked before
//! anything is sent.

use temp_support::*;
// TEMP until the search test server lands (search_support.rs).
mod temp_support {
    pub struct Server {
        pub url: String,
        _child: std::process::Child,
    }
    pub fn osmem() -> Option<Server> {
        use std::io::BufRead;
        let bin = std::env::var("STRATA_OSMEM_SERVER").ok()?;
        let mut child = std::process::Command::new(bin)
            .args(["-addr", "127.0.0.1:0"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        Some(Server { url: v["url"].as_str().unwrap().to_string(), _child: child })
    }
    pub fn request(method: &str, url: &str, body: Option<&str>) -> (u16, String) {
        let out = std::process::Command::new("curl")
            .args([
                "-s",
                "-o",
                "/dev/stdout",
                "-w",
                "\n%{http_code}",
                "-X",
                method,
                "-H",
                "content-type: application/json",
                url,
            ])
            .args(body.map(|b| vec!["-d", b]).unwrap_or_default())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let (b, code) = text.rsplit_once('\n').unwrap();
        (code.parse().unwrap(), b.to_string())
    }
}
use crate::support::*;

fn config(provider: &str, url: &str, body: &str) -> String {
    let source = match provider {
        "opensearch" => "opensearch-project/opensearch",
        _ => "strata/elasticsearch",
    };
    format!(
        r#"terraform {{
  required_providers {{
    {provider} = {{ source = "{source}" }}
  }}
}}

provider "{provider}" {{
  url = "{url}"
}}
{body}"#
    )
}

fn run_ok(d: &TempDir, args: &[&str]) -> Output {
    let out = run(d.path(), args);
    assert_eq!(out.code, 0, "strata {args:?}:\n{}", out.transcript());
    out
}

fn plan_code(d: &TempDir) -> (i32, String) {
    let out = run(d.path(), &["plan", "-detailed-exitcode", "-no-color"]);
    (out.code, out.transcript())
}

fn get_json(url: &str) -> (u16, serde_json::Value) {
    let (status, body) = request("GET", url, None);
    (status, serde_json::from_str(&body).unwrap_or(serde_json::Value::Null))
}

const TEMPLATES: &str = r#"
resource "opensearch_component_template" "base" {
  name = "logs-base"
  body = jsonencode({
    template = {
      settings = { number_of_shards = 1, "index.refresh_interval" = "5s", routing = { allocation = { total_shards_per_node = 2 } } }
      mappings = { properties = { "@timestamp" = { type = "date" }, user = { properties = { name = { type = "keyword" } } } } }
    }
  })
}

resource "opensearch_composable_index_template" "monthly" {
  name = "logs-monthly"
  body = jsonencode({
    index_patterns = ["logs-*"]
    priority       = PRIORITY
    composed_of    = [opensearch_component_template.base.name]
    template       = { settings = { number_of_replicas = 1 }, aliases = { logs = {} } }
  })
}

resource "opensearch_index_template" "legacy" {
  name = "audit"
  body = jsonencode({ index_patterns = ["audit-*"], order = 1, settings = { "index.number_of_replicas" = 0 } })
}
"#;

#[test]
fn templates_settle_against_a_real_server_drift_refuse_overwrites_import_and_go() {
    let Some(osmem) = osmem() else { return };
    let d = TempDir::with_files("os-templates", &[]);
    let write = |priority: &str| {
        d.write("main.tf", &config("opensearch", &osmem.url, &TEMPLATES.replace("PRIORITY", priority)))
    };
    write("100");
    run_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    // The server answers with nested, stringified settings, empty mappings
    // and aliases: the same meaning, so nothing to do.
    let (_, stored) = get_json(&format!("{}/_component_template/logs-base", osmem.url));
    assert_eq!(
        stored["component_templates"][0]["component_template"]["template"]["settings"]["index"]["number_of_shards"],
        "1",
        "{stored}"
    );
    let (code, out) = plan_code(&d);
    assert_eq!(code, 0, "{out}");

    // An edit is an in-place update the server then holds.
    write("200");
    let plan = run(d.path(), &["plan", "-no-color"]);
    assert!(
        plan.stdout.contains("# opensearch_composable_index_template.monthly will be updated in-place"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("priority       = 100 -> 200") || plan.stdout.contains("100 -> 200"),
        "{}",
        plan.stdout
    );
    run_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let (_, monthly) = get_json(&format!("{}/_index_template/logs-monthly", osmem.url));
    assert_eq!(monthly["index_templates"][0]["index_template"]["priority"], 200, "{monthly}");
    assert_eq!(plan_code(&d).0, 0);

    // A change made on the server is drift, reported and undone by apply.
    let (status, _) = request(
        "PUT",
        &format!("{}/_component_template/logs-base", osmem.url),
        Some(r#"{"template":{"settings":{"number_of_shards":3}}}"#),
    );
    assert_eq!(status, 200);
    let drift = run(d.path(), &["drift", "-json"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    let report: serde_json::Value = serde_json::from_str(&drift.stdout).unwrap();
    assert_eq!(report["summary"]["changed"], 1, "{report}");
    assert_eq!(report["resources"][0]["address"], "opensearch_component_template.base");
    assert!(report["resources"][0]["attributes"][0]["actual"]
        .as_str()
        .unwrap()
        .contains("\"index.number_of_shards\":\"3\""));
    run_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(plan_code(&d).0, 0);

    // Another configuration declaring the same name does not overwrite it;
    // it is told how to import it, and after the import nothing differs.
    let other = TempDir::with_files("os-templates-other", &[]);
    let base_only = &TEMPLATES[..TEMPLATES.find("resource \"opensearch_composable_index_template\"").unwrap()];
    other.write("main.tf", &config("opensearch", &osmem.url, base_only));
    let refused = run(other.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(refused.code, 1, "{}", refused.transcript());
    assert!(refused.stderr.contains("The component template already exists"), "{}", refused.stderr);
    assert!(refused.stderr.contains("import opensearch_component_template"), "{}", refused.stderr);
    let imported = run(other.path(), &["import", "-no-color", "opensearch_component_template.base", "logs-base"]);
    assert_eq!(imported.code, 0, "{}", imported.transcript());
    assert_eq!(plan_code(&other).0, 0);
    let missing = run(other.path(), &["import", "-no-color", "opensearch_index_template.legacy", "nothing-here"]);
    assert_ne!(missing.code, 0);
    assert!(missing.stderr.contains("does not exist"), "{}", missing.stderr);

    run_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    for path in ["_component_template/logs-base", "_index_template/logs-monthly", "_template/audit"] {
        assert_eq!(request("GET", &format!("{}/{path}", osmem.url), None).0, 404, "{path} is gone");
    }
}

#[test]
fn bodies_are_checked_before_anything_is_sent_with_the_line_of_the_body() {
    // Nothing listens on this port: validation alone must refuse these.
    let d = TempDir::with_files("os-validate", &[]);
    d.write(
        "main.tf",
        &config(
            "opensearch",
            "http://127.0.0.1:9",
            r#"
resource "opensearch_ism_policy" "logs" {
  policy_id = "logs"
  body = jsonencode({
    policy = {
      default_state = "hot"
      states = [{ name = "hot", actions = [{ rolover = {} }], transitions = [{ state_name = "warm" }] }]
    }
  })
}

resource "opensearch_snapshot_repository" "worm" {
  name     = "worm"
  type     = "s3"
  settings = { region = "eu-west-1" }
}
"#,
        ),
    );
    let out = run(d.path(), &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stderr.contains("\"rolover\" is not an ISM action"), "{}", out.stderr);
    assert!(out.stderr.contains("the state \"warm\" does not exist"), "{}", out.stderr);
    assert!(out.stderr.contains("main.tf:13:10]"), "the body's line:\n{}", out.stderr);
    assert!(out.stderr.contains("A s3 repository needs settings.bucket"), "{}", out.stderr);

    let es = TempDir::with_files("es-validate", &[]);
    es.write(
        "main.tf",
        &config(
            "elasticsearch",
            "http://127.0.0.1:9",
            r#"
resource "elasticsearch_index_lifecycle" "logs" {
  name = "logs"
  body = jsonencode({
    policy = { phases = {
      warm   = { min_age = "30d", actions = { readonly = {} } }
      cold   = { min_age = "7d", actions = {} }
      delete = { min_age = "2555d", actions = { delete = {}, rollover = { max_age = "1d" } } }
    } }
  })
}
"#,
        ),
    );
    let out = run(es.path(), &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stderr.contains("cold.min_age (7d) is before the warm phase"), "{}", out.stderr);
    assert!(
        out.stderr.contains("delete.actions.rollover: the delete phase allows wait_for_snapshot, delete"),
        "{}",
        out.stderr
    );
}
