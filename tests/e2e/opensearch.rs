//! The `opensearch` and `elasticsearch` providers, driven through the
//! strata binary: templates and their settings against osmem-server (a
//! real OpenSearch-compatible server); ISM, ILM, SM, SLM, roles and
//! repositories against the search test server (written from the
//! documented API, forwarding the rest to osmem); bodies checked before
//! anything is sent.

use crate::search_support::*;
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
    let r = request("GET", url, None);
    (r.status, serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null))
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

resource "opensearch_index_template" "monthly" {
  name = "logs-monthly"
  body = jsonencode({
    index_patterns = ["logs-*"]
    priority       = PRIORITY
    composed_of    = [opensearch_component_template.base.name]
    template       = { settings = { number_of_replicas = 1 }, aliases = { logs = {} } }
  })
}

resource "opensearch_legacy_index_template" "legacy" {
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
    assert!(plan.stdout.contains("# opensearch_index_template.monthly will be updated in-place"), "{}", plan.stdout);
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
    let changed = request(
        "PUT",
        &format!("{}/_component_template/logs-base", osmem.url),
        Some(r#"{"template":{"settings":{"number_of_shards":3}}}"#),
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
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
    let base_only = &TEMPLATES[..TEMPLATES.find("resource \"opensearch_index_template\"").unwrap()];
    other.write("main.tf", &config("opensearch", &osmem.url, base_only));
    let refused = run(other.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(refused.code, 1, "{}", refused.transcript());
    assert!(refused.stderr.contains("The component template already exists"), "{}", refused.stderr);
    assert!(refused.stderr.contains("import opensearch_component_template"), "{}", refused.stderr);
    let imported = run(other.path(), &["import", "-no-color", "opensearch_component_template.base", "logs-base"]);
    assert_eq!(imported.code, 0, "{}", imported.transcript());
    assert_eq!(plan_code(&other).0, 0);
    let missing =
        run(other.path(), &["import", "-no-color", "opensearch_legacy_index_template.legacy", "nothing-here"]);
    assert_ne!(missing.code, 0);
    assert!(missing.stderr.contains("does not exist"), "{}", missing.stderr);

    run_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    for path in ["_component_template/logs-base", "_index_template/logs-monthly", "_template/audit"] {
        assert_eq!(request("GET", &format!("{}/{path}", osmem.url), None).status, 404, "{path} is gone");
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

const LIFECYCLE: &str = r#"
resource "opensearch_snapshot_repository" "archive" {
  name     = "archive"
  type     = "fs"
  settings = { location = "/mnt/snapshots", compress = "true" }
}

resource "opensearch_ism_policy" "security_logs" {
  policy_id              = "security-logs"
  update_managed_indices = true
  body = jsonencode({
    policy = {
      description   = "hot HOT, warm, deleted after 7 years"
      default_state = "hot"
      states = [
        { name = "hot", actions = [{ rollover = { min_index_age = "1d" }, retry = { count = 5 } }],
          transitions = [{ state_name = "warm", conditions = { min_index_age = "HOT" } }] },
        { name = "warm", actions = [{ replica_count = { number_of_replicas = 1 } }, { allocation = { require = { temp = "warm" } } }],
          transitions = [{ state_name = "delete", conditions = { min_index_age = "2555d" } }] },
        { name = "delete", actions = [{ delete = {} }] },
      ]
      ism_template = [{ index_patterns = ["security-logs-*"], priority = 100 }]
    }
  })
}

resource "opensearch_sm_policy" "nightly" {
  policy_name = "nightly"
  body = jsonencode({
    description     = "nightly snapshots kept 30 days"
    creation        = { schedule = { cron = { expression = "0 2 * * *", timezone = "UTC" } } }
    # Deletion on the creation schedule and min_count 1, as SM fills them in.
    deletion        = { condition = { max_age = "30d" } }
    snapshot_config = { repository = opensearch_snapshot_repository.archive.name, indices = "security-logs-*" }
  })
}

resource "opensearch_role" "auditor" {
  role_name           = "auditor"
  description         = "reads audit logs without personal data"
  cluster_permissions = ["cluster_composite_ops_ro"]

  index_permissions {
    index_patterns          = ["security-logs-*"]
    allowed_actions         = ["read"]
    field_level_security    = ["~patient.ssn", "~patient.address"]
    masked_fields           = ["patient.name"]
    document_level_security = jsonencode({ term = { tenant = "acme" } })
  }
}
"#;

fn managed_index(url: &str, index: &str) -> serde_json::Value {
    let explained = request("GET", &format!("{url}/_plugins/_ism/explain/{index}"), None);
    assert_eq!(explained.status, 200, "{}", explained.body);
    explained.json()[index].clone()
}

#[test]
fn ism_sm_roles_and_repositories_settle_move_managed_indices_and_refuse_stale_writes() {
    let Some(osmem) = osmem() else { return };
    let server = search_test_server(Flavour::OpenSearch, Some(&osmem.url));
    let d = TempDir::with_files("os-lifecycle", &[]);
    let write = |hot: &str| d.write("main.tf", &config("opensearch", &server.url, &LIFECYCLE.replace("HOT", hot)));
    write("7d");
    run_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let (code, out) = plan_code(&d);
    assert_eq!(
        code, 0,
        "what the plugins add (retry, schema_version, last_updated_time, reserved, ...) is no change:\n{out}"
    );
    let st = state(d.path());
    let ism = st["resources"].as_array().unwrap().iter().find(|r| r["type"] == "opensearch_ism_policy").unwrap();
    let first_seq = ism["instances"][0]["attributes"]["seq_no"].as_i64().unwrap();

    // An index made by the cluster's users is attached by the ISM template.
    let made = request("PUT", &format!("{}/security-logs-2026.12", server.url), Some("{}"));
    assert_eq!(made.status, 200, "{}", made.body);
    let before = managed_index(&server.url, "security-logs-2026.12");
    assert_eq!(before["policy_id"], "security-logs", "{before}");
    assert_eq!(before["policy_seq_no"].as_i64(), Some(first_seq), "{before}");

    // A new version of the policy moves the index to it (change_policy).
    write("14d");
    let plan = run(d.path(), &["plan", "-no-color"]);
    assert!(plan.stdout.contains("# opensearch_ism_policy.security_logs will be updated in-place"), "{}", plan.stdout);
    let shown = plan.transcript();
    assert!(shown.contains("Managed indices will move to the new policy version"), "{shown}");
    assert!(shown.contains("1 index managed by \"security-logs\" (security-logs-2026.12)"), "{shown}");
    assert!(plan.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{}", plan.stdout);
    run_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let st = state(d.path());
    let ism = st["resources"].as_array().unwrap().iter().find(|r| r["type"] == "opensearch_ism_policy").unwrap();
    let second_seq = ism["instances"][0]["attributes"]["seq_no"].as_i64().unwrap();
    assert!(second_seq > first_seq, "{ism}");
    let after = managed_index(&server.url, "security-logs-2026.12");
    assert_eq!(after["policy_seq_no"].as_i64(), Some(second_seq), "the index follows the new version: {after}");
    assert_eq!(plan_code(&d).0, 0);

    // A change made on the server after the plan is not overwritten.
    write("7d");
    let saved = run(d.path(), &["plan", "-out=change.plan", "-no-color"]);
    assert_eq!(saved.code, 0, "{}", saved.transcript());
    let current = request("GET", &format!("{}/_plugins/_ism/policies/security-logs", server.url), None).json();
    let mut theirs = serde_json::json!({ "policy": current["policy"].clone() });
    theirs["policy"]["description"] = "changed by hand".into();
    let hand = request(
        "PUT",
        &format!(
            "{}/_plugins/_ism/policies/security-logs?if_seq_no={}&if_primary_term={}",
            server.url, current["_seq_no"], current["_primary_term"]
        ),
        Some(&theirs.to_string()),
    );
    assert_eq!(hand.status, 200, "{}", hand.body);
    let stale = run(d.path(), &["apply", "-no-color", "change.plan"]);
    assert_eq!(stale.code, 1, "{}", stale.transcript());
    assert!(stale.stderr.contains("changed since the plan"), "{}", stale.stderr);
    assert!(stale.stderr.contains("Plan again"), "{}", stale.stderr);
    let kept = request("GET", &format!("{}/_plugins/_ism/policies/security-logs", server.url), None).json();
    assert_eq!(kept["policy"]["description"], "changed by hand");
    // Planned again, the hand change shows as drift and is undone.
    let drift = run(d.path(), &["plan", "-no-color"]);
    assert!(drift.stdout.contains("changed by hand"), "{}", drift.stdout);
    run_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(plan_code(&d).0, 0);

    // The security plugin's own roles cannot be taken over.
    let reserved = TempDir::with_files("os-reserved-role", &[]);
    reserved.write(
        "main.tf",
        &config(
            "opensearch",
            &server.url,
            "resource \"opensearch_role\" \"admin\" {\n  role_name = \"all_access\"\n}\n",
        ),
    );
    let refused = run(reserved.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(refused.code, 1, "{}", refused.transcript());
    assert!(refused.stderr.contains("Cannot manage a reserved role"), "{}", refused.stderr);

    run_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    for path in [
        "_plugins/_ism/policies/security-logs",
        "_plugins/_sm/policies/nightly",
        "_snapshot/archive",
        "_plugins/_security/api/roles/auditor",
    ] {
        assert_eq!(request("GET", &format!("{}/{path}", server.url), None).status, 404, "{path} is gone");
    }
}

const ELASTIC: &str = r#"
resource "elasticsearch_snapshot_repository" "worm" {
  name     = "worm"
  type     = "fs"
  settings = { location = "/mnt/worm" }
}

resource "elasticsearch_index_lifecycle" "audit" {
  name = "audit-7y"
  body = jsonencode({
    policy = {
      _meta = { owner = "security" }
      phases = {
        hot    = { actions = { rollover = { max_age = "30d", max_primary_shard_size = "50gb" }, set_priority = { priority = 100 } } }
        warm   = { min_age = "WARM", actions = { allocate = { number_of_replicas = 1 }, readonly = {} } }
        cold   = { min_age = "90d", actions = { set_priority = { priority = 0 } } }
        delete = { min_age = "2555d", actions = { wait_for_snapshot = { policy = "nightly" }, delete = {} } }
      }
    }
  })
}

resource "elasticsearch_snapshot_lifecycle" "nightly" {
  name = "nightly"
  body = jsonencode({
    schedule   = "0 30 1 * * ?"
    name       = "<audit-{now/d}>"
    repository = elasticsearch_snapshot_repository.worm.name
    config     = { indices = ["audit-*"], include_global_state = false }
    retention  = { expire_after = "2555d", min_count = 30, max_count = 3000 }
  })
}

resource "elasticsearch_component_template" "audit_mappings" {
  name = "audit-mappings"
  body = jsonencode({ template = { mappings = { properties = { "@timestamp" = { type = "date" }, user = { type = "object", properties = { id = { type = "keyword" } } } } } } })
}

resource "elasticsearch_index_template" "audit" {
  name = "audit-monthly"
  body = jsonencode({
    index_patterns = ["audit-*"]
    priority       = 200
    composed_of    = [elasticsearch_component_template.audit_mappings.name]
    template       = { settings = { "index.lifecycle.name" = elasticsearch_index_lifecycle.audit.name, number_of_replicas = 1 } }
  })
}
"#;

#[test]
fn the_elasticsearch_flavour_settles_ilm_slm_templates_and_repositories() {
    let Some(osmem) = osmem() else { return };
    let server = search_test_server(Flavour::Elasticsearch, Some(&osmem.url));
    let d = TempDir::with_files("es-lifecycle", &[]);
    let write = |warm: &str| d.write("main.tf", &config("elasticsearch", &server.url, &ELASTIC.replace("WARM", warm)));
    write("7d");
    run_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let (code, out) = plan_code(&d);
    assert_eq!(code, 0, "what Elasticsearch adds (version, modified_date, min_age 0ms, defaults) is no change:\n{out}");
    let ilm = request("GET", &format!("{}/_ilm/policy/audit-7y", server.url), None).json();
    assert_eq!(ilm["audit-7y"]["policy"]["phases"]["delete"]["min_age"], "2555d", "{ilm}");

    write("14d");
    let plan = run(d.path(), &["plan", "-no-color"]);
    assert!(plan.stdout.contains("# elasticsearch_index_lifecycle.audit will be updated in-place"), "{}", plan.stdout);
    assert!(plan.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{}", plan.stdout);
    run_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let ilm = request("GET", &format!("{}/_ilm/policy/audit-7y", server.url), None).json();
    assert_eq!(ilm["audit-7y"]["policy"]["phases"]["warm"]["min_age"], "14d", "{ilm}");
    assert_eq!(plan_code(&d).0, 0);

    // The opensearch provider pointed at Elasticsearch says which to use.
    let wrong = TempDir::with_files("es-wrong-flavour", &[]);
    wrong.write(
        "main.tf",
        &config(
            "opensearch",
            &server.url,
            "resource \"opensearch_component_template\" \"x\" {\n  name = \"x\"\n  body = jsonencode({ template = {} })\n}\n",
        ),
    );
    let refused = run(wrong.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(refused.code, 1, "{}", refused.transcript());
    assert!(refused.stderr.contains("strata/elasticsearch"), "{}", refused.stderr);

    run_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    for path in ["_ilm/policy/audit-7y", "_slm/policy/nightly", "_snapshot/worm", "_index_template/audit-monthly"] {
        assert_eq!(request("GET", &format!("{}/{path}", server.url), None).status, 404, "{path} is gone");
    }
}

#[test]
fn basic_auth_from_the_provider_block_or_the_environment_and_the_password_never_shown() {
    let Some(osmem) = osmem() else { return };
    let secret = "Tr0ub4dor-and-3";
    let server = search_test_server_with(Flavour::OpenSearch, Some(&osmem.url), Some(("strata", secret)));
    let d = TempDir::with_files("os-auth", &[]);
    let body = r#"
variable "search_password" {
  type      = string
  sensitive = true
}

resource "opensearch_component_template" "base" {
  name = "auth-base"
  body = jsonencode({ template = { settings = { number_of_shards = 1 } } })
}
"#;
    let with_auth = config("opensearch", &server.url, body).replace(
        &format!("  url = \"{}\"\n", server.url),
        &format!("  url = \"{}\"\n  username = \"strata\"\n  password = var.search_password\n", server.url),
    );
    d.write("main.tf", &with_auth);
    let wrong =
        run_with(d.path(), &["apply", "-auto-approve", "-no-color", "-var", "search_password=not-it"], &[], None);
    assert_eq!(wrong.code, 1, "{}", wrong.transcript());
    assert!(wrong.stderr.contains("401"), "{}", wrong.stderr);
    assert!(!wrong.transcript().contains("not-it"), "the password is not shown:\n{}", wrong.transcript());
    let var = format!("search_password={secret}");
    for args in [vec!["apply", "-auto-approve", "-no-color", "-var", &var], vec!["plan", "-no-color", "-var", &var]] {
        let out = run(d.path(), &args);
        assert_eq!(out.code, 0, "{}", out.transcript());
        assert!(!out.transcript().contains(secret), "the password leaked in strata {args:?}:\n{}", out.transcript());
    }
    assert!(!std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap().contains(secret));

    // The same from OPENSEARCH_USERNAME / OPENSEARCH_PASSWORD.
    d.write(
        "main.tf",
        &config("opensearch", &server.url, &body.replace("sensitive = true", "sensitive = true\n  default   = null")),
    );
    let env = [("OPENSEARCH_USERNAME", "strata"), ("OPENSEARCH_PASSWORD", secret)];
    let plan = run_with(d.path(), &["plan", "-detailed-exitcode", "-no-color"], &env, None);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let out = run_with(d.path(), &["destroy", "-auto-approve", "-no-color"], &env, None);
    assert_eq!(out.code, 0, "{}", out.transcript());
}

/// `opensearch_roles_mapping` against the search test server: a role's
/// users and backend roles (an IAM role ARN, as a managed domain sees it)
/// mapped, planned clean, a user added by hand caught by drift and put
/// back, a mapping of a role that does not exist and the reserved mapping
/// refused, and destroy removing the mapping only.
#[test]
fn roles_mappings_map_users_and_backend_roles_and_refuse_missing_or_reserved_roles() {
    let server = search_test_server(Flavour::OpenSearch, None);
    let body = r#"
resource "opensearch_role" "analyst" {
  role_name           = "analyst"
  cluster_permissions = ["cluster_composite_ops_ro"]
  index_permissions {
    index_patterns  = ["logs-*"]
    allowed_actions = ["read"]
  }
}

resource "opensearch_roles_mapping" "analyst" {
  role_name     = opensearch_role.analyst.role_name
  description   = "Analysts, through their IAM role"
  backend_roles = ["arn:aws:iam::123456789012:role/analyst"]
  users         = ["alice"]
}
"#;
    let d = TempDir::with_files("os-roles-mapping", &[("main.tf", &config("opensearch", &server.url, body))]);
    run_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let url = format!("{}/_plugins/_security/api/rolesmapping/analyst", server.url);
    let (status, mapping) = get_json(&url);
    assert_eq!(status, 200);
    assert_eq!(mapping["analyst"]["backend_roles"], serde_json::json!(["arn:aws:iam::123456789012:role/analyst"]));
    assert_eq!(mapping["analyst"]["users"], serde_json::json!(["alice"]));
    assert_eq!(plan_code(&d).0, 0, "a clean re-plan");

    // Bob given the role by hand: drift, and the next apply takes it back.
    let put = request(
        "PUT",
        &url,
        Some(
            r#"{"backend_roles": ["arn:aws:iam::123456789012:role/analyst"], "users": ["alice", "bob"], "description": "Analysts, through their IAM role"}"#,
        ),
    );
    assert_eq!(put.status, 200, "{}", put.body);
    let drift = run(d.path(), &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    assert!(drift.stdout.contains("opensearch_roles_mapping.analyst has changed"), "{}", drift.stdout);
    run_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(get_json(&url).1["analyst"]["users"], serde_json::json!(["alice"]));

    // A role that does not exist, and the plugin's reserved mapping.
    let bad = TempDir::with_files(
        "os-roles-mapping-bad",
        &[(
            "main.tf",
            &config(
                "opensearch",
                &server.url,
                "resource \"opensearch_roles_mapping\" \"ghost\" {\n  role_name = \"ghost\"\n  users     = [\"alice\"]\n}\n",
            ),
        )],
    );
    let out = run(bad.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stderr.contains("NOT_FOUND"), "{}", out.stderr);
    bad.write(
        "main.tf",
        &config(
            "opensearch",
            &server.url,
            "resource \"opensearch_roles_mapping\" \"api\" {\n  role_name = \"security_rest_api_access\"\n  users     = [\"mallory\"]\n}\n",
        ),
    );
    let out = run(bad.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stderr.contains("reserved"), "{}", out.stderr);

    run_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(get_json(&url).0, 404);
}
