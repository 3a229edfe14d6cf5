//! The search test server against its documented behaviour: ISM and SM
//! version conflicts, the plugins' validation, security's immutable roles,
//! snapshot repository errors, ILM/SLM, basic auth, and forwarding to a
//! real osmem-server (ISM templates attaching indices created there;
//! `index.lifecycle.*` kept back from it).

use crate::search_support::{osmem, request, request_as, search_test_server, search_test_server_with, Flavour};
use serde_json::json;

const POLICY: &str = r#"{"policy": {"description": "hot then delete", "default_state": "hot",
  "states": [
    {"name": "hot", "actions": [{"rollover": {"min_index_age": "1d"}}], "transitions": [{"state_name": "delete", "conditions": {"min_index_age": "7d"}}]},
    {"name": "delete", "actions": [{"delete": {}}], "transitions": []}],
  "ism_template": {"index_patterns": ["logs-*"], "priority": 10}}}"#;

#[test]
fn ism_policies_are_versioned_and_conflicts_refused() {
    let s = search_test_server(Flavour::OpenSearch, None);
    let at = |p: &str| format!("{}/_plugins/_ism/policies/{p}", s.url);
    let created = request("PUT", &at("logs"), Some(POLICY));
    assert_eq!(created.status, 201, "{}", created.body);
    let c = created.json();
    assert_eq!(
        (c["_id"].clone(), c["_version"].clone(), c["_primary_term"].clone()),
        (json!("logs"), json!(1), json!(1))
    );
    let stored = &c["policy"]["policy"];
    assert_eq!(stored["policy_id"], "logs");
    assert!(stored["last_updated_time"].is_u64() && stored["schema_version"].is_u64(), "{stored}");
    assert_eq!(stored["error_notification"], json!(null));
    assert!(stored["ism_template"][0]["last_updated_time"].is_u64(), "ism_template becomes a list: {stored}");

    // Without if_seq_no/if_primary_term a PUT is a create: 409.
    let again = request("PUT", &at("logs"), Some(POLICY));
    assert_eq!(again.status, 409);
    assert_eq!(again.json()["error"]["type"], "version_conflict_engine_exception");
    let seq = c["_seq_no"].as_u64().unwrap();
    let stale = request("PUT", &format!("{}?if_seq_no={}&if_primary_term=1", at("logs"), seq + 5), Some(POLICY));
    assert_eq!(stale.status, 409);
    assert!(stale.json()["error"]["reason"].as_str().unwrap().contains(&format!("current document has seqNo [{seq}]")));
    let updated = request("PUT", &format!("{}?if_seq_no={seq}&if_primary_term=1", at("logs")), Some(POLICY));
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(updated.json()["_version"], 2);
    assert!(updated.json()["_seq_no"].as_u64().unwrap() > seq);

    // The Open Distro path is the same plugin.
    let got = request("GET", &format!("{}/_opendistro/_ism/policies/logs", s.url), None);
    assert_eq!(got.status, 200);
    assert_eq!(got.json()["_version"], 2);
    assert_eq!(got.json()["policy"]["default_state"], "hot");
    let list = request("GET", &format!("{}/_plugins/_ism/policies", s.url), None).json();
    assert_eq!(list["policies"][0]["_id"], "logs");

    assert_eq!(request("DELETE", &at("logs"), None).json()["result"], "deleted");
    let gone = request("DELETE", &at("logs"), None);
    assert_eq!((gone.status, gone.json()["result"].clone()), (404, json!("not_found")));
    let missing = request("GET", &at("logs"), None);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["type"], "status_exception");
}

#[test]
fn ism_and_sm_refuse_invalid_policies() {
    let s = search_test_server(Flavour::OpenSearch, None);
    let put = |body: &str| request("PUT", &format!("{}/_plugins/_ism/policies/p", s.url), Some(body));
    for (body, reason) in [
        (
            r#"{"policy": {"description": "", "default_state": "hot", "states": [{"name": "hot"}], "phases": {}}}"#,
            "Invalid field: [phases] found in Policy.",
        ),
        (r#"{"policy": {"default_state": "hot", "states": [{"name": "hot"}]}}"#, "description is null"),
        (
            r#"{"policy": {"description": "", "default_state": "hot", "states": [{"name": "hot", "actions": [{"rolover": {}}]}]}}"#,
            "Invalid field: [rolover] found in Actions.",
        ),
        (
            r#"{"policy": {"description": "", "default_state": "hot", "states": [{"name": "hot", "transitions": [{"state_name": "gone"}]}]}}"#,
            "pointing to a nonexistent state=gone",
        ),
        (
            r#"{"policy": {"description": "", "default_state": "warm", "states": [{"name": "hot"}]}}"#,
            "Policy must have a valid default state",
        ),
        (
            r#"{"policy": {"description": "", "default_state": "hot", "states": []}}"#,
            "Policy must contain at least one State",
        ),
    ] {
        let r = put(body);
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert!(r.json()["error"]["reason"].as_str().unwrap().contains(reason), "{body}: {}", r.body);
    }
    assert_eq!(put("{not json").status, 400);

    let sm = |method: &str, name: &str, body: &str| {
        request(method, &format!("{}/_plugins/_sm/policies/{name}", s.url), Some(body))
    };
    let good = r#"{"creation": {"schedule": {"cron": {"expression": "0 8 * * *", "timezone": "UTC"}}}, "snapshot_config": {"repository": "backups"}, "deletion": {"condition": {"max_count": 21, "min_count": 7}}}"#;
    for (body, reason) in [
        (
            r#"{"creation": {"schedule": {"cron": {"expression": "every day"}}}, "snapshot_config": {"repository": "r"}}"#,
            "Invalid cron expression",
        ),
        (r#"{"creation": {"schedule": {"cron": {"expression": "0 8 * * *"}}}, "snapshot_config": {}}"#, "repository"),
        (
            r#"{"creation": {"schedule": {"cron": {"expression": "0 8 * * *"}}}, "snapshot_config": {"repository": "r"}, "deletion": {"condition": {"max_count": 3, "min_count": 7}}}"#,
            "max_count",
        ),
    ] {
        let r = sm("POST", "daily", body);
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert!(r.json()["error"]["reason"].as_str().unwrap().contains(reason), "{body}: {}", r.body);
    }
    let created = sm("POST", "daily", good);
    assert_eq!(created.status, 201, "{}", created.body);
    let c = created.json();
    assert_eq!(c["_id"], "daily-sm-policy");
    let p = &c["sm_policy"];
    assert!(p["enabled_time"].is_u64() && p["last_updated_time"].is_u64() && p["schema_version"].is_u64(), "{p}");
    assert_eq!(p["enabled"], true);
    assert_eq!(p["deletion"]["schedule"], p["creation"]["schedule"], "deletion takes the creation schedule");
    assert_eq!(p["deletion"]["condition"], json!({"min_count": 7, "max_count": 21}));
    let weekly =
        sm("POST", "weekly", &good.replace(r#""max_count": 21, "min_count": 7"#, r#""max_age": "30d""#)).json();
    assert_eq!(
        weekly["sm_policy"]["deletion"]["condition"],
        json!({"max_age": "30d", "min_count": 1}),
        "min_count defaults to 1"
    );
    assert_eq!(sm("POST", "daily", good).status, 409);
    assert_eq!(sm("PUT", "daily", good).status, 400, "an update needs if_seq_no and if_primary_term");
    let seq = c["_seq_no"].as_u64().unwrap();
    let url = format!("{}/_plugins/_sm/policies/daily?if_seq_no={seq}&if_primary_term=1", s.url);
    assert_eq!(request("PUT", &url, Some(good)).json()["_version"], 2);
    assert_eq!(request("PUT", &url, Some(good)).status, 409, "the old seq_no is stale now");
    let explain = request("GET", &format!("{}/_plugins/_sm/policies/dai*/_explain", s.url), None).json();
    assert_eq!(explain["policies"][0]["name"], "daily");
    assert_eq!(explain["policies"][0]["creation"]["current_state"], "CREATION_START");
    assert_eq!(request("DELETE", &format!("{}/_plugins/_sm/policies/daily", s.url), None).status, 200);
    let missing = request("GET", &format!("{}/_plugins/_sm/policies/daily", s.url), None);
    assert_eq!((missing.status, missing.json()["error"]["type"].clone()), (404, json!("status_exception")));
}

#[test]
fn snapshot_repositories_are_checked_by_type() {
    for flavour in [Flavour::OpenSearch, Flavour::Elasticsearch] {
        let s = search_test_server(flavour, None);
        let repo =
            |method: &str, path: &str, body: Option<&str>| request(method, &format!("{}/_snapshot{path}", s.url), body);
        let no_location = repo("PUT", "/backups", Some(r#"{"type": "fs", "settings": {"compress": true}}"#));
        assert_eq!(no_location.status, 500, "{}", no_location.body);
        let e = no_location.json();
        assert_eq!(e["error"]["type"], "repository_exception");
        assert_eq!(e["error"]["reason"], "[backups] failed to create repository");
        assert_eq!(e["error"]["root_cause"][0]["reason"], "[backups] missing location");
        let no_bucket = repo("PUT", "/s3", Some(r#"{"type": "s3", "settings": {"region": "eu-west-1"}}"#));
        assert!(no_bucket.json()["error"]["caused_by"]["reason"].as_str().unwrap().contains("No bucket defined"));
        let no_type = repo("PUT", "/x", Some(r#"{"settings": {}}"#));
        assert_eq!(
            (no_type.status, no_type.json()["error"]["type"].clone()),
            (400, json!("action_request_validation_exception"))
        );
        assert_eq!(repo("PUT", "/x", Some(r#"{"type": "tape"}"#)).status, 500);

        assert_eq!(repo("PUT", "/backups", Some(r#"{"type": "fs", "settings": {"location": "/mnt/b", "compress": true, "max_restore_bytes_per_sec": 40}}"#)).status, 200);
        assert_eq!(repo("POST", "/s3", Some(r#"{"type": "s3", "settings": {"bucket": "snaps"}}"#)).status, 200);
        // Settings come back as strings.
        let one = repo("GET", "/backups", None).json();
        assert_eq!(
            one,
            json!({"backups": {"type": "fs", "settings": {"location": "/mnt/b", "compress": "true", "max_restore_bytes_per_sec": "40"}}})
        );
        let all = repo("GET", "", None).json();
        assert_eq!(all.as_object().unwrap().keys().collect::<Vec<_>>(), ["backups", "s3"]);
        assert_eq!(repo("GET", "/_all", None).json(), all);
        assert!(repo("POST", "/backups/_verify", None).json()["nodes"].is_object());
        assert_eq!(repo("DELETE", "/s3", None).status, 200);
        let missing = repo("GET", "/s3", None);
        assert_eq!(missing.status, 404);
        assert_eq!(missing.json()["error"]["type"], "repository_missing_exception");
        assert_eq!(repo("POST", "/s3/_verify", None).status, 404);
    }
}

#[test]
fn security_refuses_static_and_reserved_roles() {
    let s = search_test_server(Flavour::OpenSearch, None);
    let role = |method: &str, name: &str, body: Option<&str>| {
        request(method, &format!("{}/_plugins/_security/api/roles/{name}", s.url), body)
    };
    let body = r#"{"cluster_permissions": ["cluster_composite_ops"], "index_permissions": [{"index_patterns": ["logs-*"], "fls": ["~secret"], "dls": "{\"term\": {\"team\": \"a\"}}", "allowed_actions": ["read"]}]}"#;
    for (name, word) in [("all_access", "static"), ("security_rest_api_access", "reserved")] {
        let r = role("PUT", name, Some(body));
        assert_eq!(r.status, 403, "{name}");
        assert_eq!(r.json(), json!({"status": "FORBIDDEN", "message": format!("Resource '{name}' is {word}.")}));
        assert_eq!(role("DELETE", name, None).status, 403);
    }
    assert_eq!(role("GET", "all_access", None).json()["all_access"]["static"], true);
    let created = role("PUT", "logs_reader", Some(body));
    assert_eq!((created.status, created.json()["status"].clone()), (201, json!("CREATED")));
    assert_eq!(role("PUT", "logs_reader", Some(body)).json()["message"], "'logs_reader' updated.");
    let got = role("GET", "logs_reader", None).json();
    let r = &got["logs_reader"];
    assert_eq!(
        (r["reserved"].clone(), r["hidden"].clone(), r["static"].clone()),
        (json!(false), json!(false), json!(false))
    );
    assert_eq!(r["index_permissions"][0]["masked_fields"], json!([]), "the plugin fills the empty lists");
    assert_eq!(r["tenant_permissions"], json!([]));
    let unknown = role("PUT", "x", Some(r#"{"cluster": ["all"]}"#)).json();
    assert_eq!(unknown["invalid_keys"]["keys"], "cluster");
    let wrong = role("PUT", "x", Some(r#"{"cluster_permissions": "all"}"#)).json();
    assert_eq!(wrong["wrong_datatypes"]["cluster_permissions"], "Array expected");
    assert_eq!(role("DELETE", "logs_reader", None).json()["message"], "'logs_reader' deleted.");
    let missing = role("GET", "logs_reader", None);
    assert_eq!((missing.status, missing.json()["status"].clone()), (404, json!("NOT_FOUND")));
}

#[test]
fn credentials_are_required_when_configured() {
    let os = search_test_server_with(Flavour::OpenSearch, None, Some(("admin", "s3cret")));
    let bare = request("GET", &format!("{}/", os.url), None);
    assert_eq!((bare.status, bare.body.as_str()), (401, "Unauthorized"));
    assert!(bare.header("www-authenticate").is_some_and(|h| h.starts_with("Basic")));
    assert_eq!(request_as("GET", &format!("{}/", os.url), None, Some(("admin", "wrong"))).status, 401);
    let ok = request_as("GET", &format!("{}/", os.url), None, Some(("admin", "s3cret")));
    assert_eq!(ok.json()["version"]["distribution"], "opensearch");

    let es = search_test_server_with(Flavour::Elasticsearch, None, Some(("elastic", "changeme")));
    let bad = request_as("GET", &format!("{}/_ilm/policy", es.url), None, Some(("elastic", "nope")));
    assert_eq!(bad.status, 401);
    let e = bad.json();
    assert_eq!(e["error"]["type"], "security_exception");
    assert_eq!(e["error"]["reason"], "unable to authenticate user [elastic] for REST request [/_ilm/policy]");
    let root = request_as("GET", &format!("{}/", es.url), None, Some(("elastic", "changeme"))).json();
    assert!(root["version"]["distribution"].is_null() && root["version"]["number"].as_str().unwrap().starts_with("8."));
    assert_eq!(root["tagline"], "You Know, for Search");

    // Without an upstream, what the server does not serve is a 404 in the servers' error shape.
    let bare_server = search_test_server(Flavour::OpenSearch, None);
    let none = request("GET", &format!("{}/_cluster/health", bare_server.url), None);
    assert_eq!(none.status, 404);
    assert!(none.json()["error"]["root_cause"][0]["type"].is_string());
}

#[test]
fn ism_templates_attach_indices_created_in_osmem() {
    let Some(up) = osmem() else { return };
    let s = search_test_server(Flavour::OpenSearch, Some(&up.url));
    let url = |p: &str| format!("{}{p}", s.url);
    assert_eq!(request("PUT", &url("/_plugins/_ism/policies/logs"), Some(POLICY)).status, 201);
    // Forwarded unchanged: the template lands in osmem, which answers for it.
    let template =
        r#"{"index_patterns": ["logs-*"], "priority": 1, "template": {"settings": {"number_of_shards": 1}}}"#;
    assert_eq!(request("PUT", &url("/_index_template/logs"), Some(template)).status, 200);
    let direct = request("GET", &format!("{}/_index_template/logs", up.url), None).json();
    assert_eq!(
        direct["index_templates"][0]["index_template"]["template"]["settings"]["index"]["number_of_shards"],
        "1"
    );
    let bad = request(
        "PUT",
        &url("/_index_template/bad"),
        Some(r#"{"index_patterns": ["x-*"], "template": {"settings": {"index.no_such": 1}}}"#),
    );
    assert_eq!(bad.status, 400, "osmem's own refusal comes back: {}", bad.body);

    assert_eq!(request("PUT", &url("/logs-2026.12"), Some("{}")).status, 200);
    assert_eq!(request("PUT", &url("/metrics-1"), Some("{}")).status, 200);
    // A document written to a new index creates it: the template applies too.
    assert_eq!(request("PUT", &url("/logs-auto/_doc/1?refresh=true"), Some(r#"{"message": "hi"}"#)).status, 201);
    // The policy-id setting at creation names the policy itself.
    let named = r#"{"settings": {"index.plugins.index_state_management.policy_id": "logs"}}"#;
    assert_eq!(request("PUT", &url("/audit-1"), Some(named)).status, 200);
    assert_eq!(request("GET", &format!("{}/logs-2026.12", up.url), None).status, 200, "the index is in osmem");
    let explain = request("GET", &url("/_plugins/_ism/explain/*"), None).json();
    assert_eq!(explain["total_managed_indices"], 3, "{explain}");
    assert_eq!(
        (explain["logs-auto"]["policy_id"].clone(), explain["audit-1"]["policy_id"].clone()),
        (json!("logs"), json!("logs"))
    );
    let managed = &explain["logs-2026.12"];
    assert_eq!(managed["policy_id"], "logs");
    assert_eq!(managed["state"]["name"], "hot");
    assert!(explain["metrics-1"]["index.plugins.index_state_management.policy_id"].is_null());
    let first_seq = managed["policy_seq_no"].as_u64().unwrap();

    let add = request("POST", &url("/_plugins/_ism/add/metrics-*"), Some(r#"{"policy_id": "logs"}"#)).json();
    assert_eq!(add, json!({"updated_indices": 1, "failures": false, "failed_indices": []}));
    let twice = request("POST", &url("/_plugins/_ism/add/metrics-1"), Some(r#"{"policy_id": "logs"}"#)).json();
    assert_eq!(twice["failures"], true);
    assert!(twice["failed_indices"][0]["reason"].as_str().unwrap().contains("already has a policy"));
    let no_policy = request("POST", &url("/_plugins/_ism/add/metrics-1"), Some(r#"{"policy_id": "nope"}"#));
    assert_eq!(no_policy.status, 404);
    let no_index = request("GET", &url("/_plugins/_ism/explain/nope"), None);
    assert_eq!((no_index.status, no_index.json()["error"]["type"].clone()), (404, json!("index_not_found_exception")));

    // An updated policy does not move the indices already under it; change_policy does.
    let seq = request("GET", &url("/_plugins/_ism/policies/logs"), None).json()["_seq_no"].as_u64().unwrap();
    let put =
        request("PUT", &url(&format!("/_plugins/_ism/policies/logs?if_seq_no={seq}&if_primary_term=1")), Some(POLICY));
    let new_seq = put.json()["_seq_no"].as_u64().unwrap();
    assert_eq!(
        request("GET", &url("/_plugins/_ism/explain/logs-2026.12"), None).json()["logs-2026.12"]["policy_seq_no"],
        first_seq
    );
    let moved = request(
        "POST",
        &url("/_plugins/_ism/change_policy/logs-*"),
        Some(r#"{"policy_id": "logs", "state": "delete"}"#),
    )
    .json();
    assert_eq!(moved["updated_indices"], 2, "logs-2026.12 and logs-auto");
    let after = request("GET", &url("/_plugins/_ism/explain/logs-2026.12"), None).json();
    assert_eq!(
        (after["logs-2026.12"]["policy_seq_no"].as_u64(), after["logs-2026.12"]["state"]["name"].clone()),
        (Some(new_seq), json!("delete"))
    );
    assert_eq!(request("POST", &url("/_plugins/_ism/remove/metrics-1"), None).json()["updated_indices"], 1);
    // A deleted index is no longer managed.
    assert_eq!(request("DELETE", &url("/logs-2026.12"), None).status, 200);
    assert_eq!(request("DELETE", &url("/logs-auto,audit-1"), None).status, 200);
    assert_eq!(request("GET", &url("/_plugins/_ism/explain"), None).json(), json!({"total_managed_indices": 0}));
}

#[test]
fn elasticsearch_lifecycles_around_osmem() {
    let Some(up) = osmem() else { return };
    let s = search_test_server(Flavour::Elasticsearch, Some(&up.url));
    let url = |p: &str| format!("{}{p}", s.url);
    let policy = r#"{"policy": {"phases": {"hot": {"actions": {"rollover": {"max_age": "1d"}}}, "delete": {"min_age": "30d", "actions": {"delete": {}}}}}}"#;
    assert_eq!(request("PUT", &url("/_ilm/policy/logs"), Some(policy)).status, 200);
    let bad = request(
        "PUT",
        &url("/_ilm/policy/bad"),
        Some(r#"{"policy": {"phases": {"warm": {"actions": {"rollover": {}}}}}}"#),
    );
    assert_eq!(bad.json()["error"]["reason"], "invalid action [rollover] defined in phase [warm]");
    let bad_phase = request("PUT", &url("/_ilm/policy/bad"), Some(r#"{"policy": {"phases": {"lukewarm": {}}}}"#));
    assert_eq!(bad_phase.status, 400);

    // osmem alone refuses the lifecycle setting; through the server it is kept back and read back.
    let template = r#"{"index_patterns": ["logs-*"], "priority": 5, "template": {"settings": {"index.lifecycle.name": "logs", "number_of_shards": 1}}}"#;
    assert_eq!(request("PUT", &format!("{}/_index_template/direct", up.url), Some(template)).status, 400);
    assert_eq!(request("PUT", &url("/_index_template/logs"), Some(template)).status, 200);
    let got = request("GET", &url("/_index_template/logs"), None).json();
    let settings = &got["index_templates"][0]["index_template"]["template"]["settings"]["index"];
    assert_eq!(
        (settings["lifecycle"]["name"].clone(), settings["number_of_shards"].clone()),
        (json!("logs"), json!("1"))
    );
    assert_eq!(request("PUT", &url("/logs-000001"), Some("{}")).status, 200);
    let index = request("GET", &url("/logs-000001/_settings"), None).json();
    assert_eq!(
        index["logs-000001"]["settings"]["index"]["lifecycle"]["name"], "logs",
        "the index takes its template's lifecycle"
    );

    let ilm = request("GET", &url("/_ilm/policy/logs"), None).json();
    let p = &ilm["logs"];
    assert_eq!(p["version"], 1);
    assert!(p["modified_date"].as_str().unwrap().ends_with('Z'));
    assert_eq!(p["policy"]["phases"]["hot"]["min_age"], "0ms");
    assert_eq!(
        p["in_use_by"],
        json!({"indices": ["logs-000001"], "data_streams": [], "composable_templates": ["logs"]})
    );
    let refused = request("DELETE", &url("/_ilm/policy/logs"), None);
    assert_eq!(refused.status, 400, "in use: {}", refused.body);
    assert_eq!(request("PUT", &url("/_ilm/policy/logs"), Some(policy)).status, 200);
    assert_eq!(
        request("GET", &url("/_ilm/policy/logs"), None).json()["logs"]["version"],
        1,
        "the same policy again is no change"
    );
    assert_eq!(request("DELETE", &url("/logs-000001"), None).status, 200);
    assert_eq!(request("DELETE", &url("/_ilm/policy/logs"), None).status, 200);
    assert_eq!(request("GET", &url("/_ilm/policy/logs"), None).json()["error"]["type"], "resource_not_found_exception");

    let slm = r#"{"schedule": "0 30 1 * * ?", "name": "<nightly-{now/d}>", "repository": "backups", "retention": {"expire_after": "30d", "min_count": 5, "max_count": 50}}"#;
    let no_repo = request("PUT", &url("/_slm/policy/nightly"), Some(slm));
    assert_eq!(no_repo.json()["error"]["reason"], "no such repository [backups]");
    assert_eq!(
        request("PUT", &url("/_snapshot/backups"), Some(r#"{"type": "fs", "settings": {"location": "/mnt/b"}}"#))
            .status,
        200
    );
    let unix_cron = request("PUT", &url("/_slm/policy/nightly"), Some(&slm.replace("0 30 1 * * ?", "30 1 * * *")));
    assert_eq!(unix_cron.json()["error"]["type"], "action_request_validation_exception");
    assert_eq!(request("PUT", &url("/_slm/policy/nightly"), Some(slm)).status, 200);
    let got = request("GET", &url("/_slm/policy/nightly"), None).json();
    assert_eq!(got["nightly"]["policy"]["repository"], "backups");
    assert!(got["nightly"]["next_execution_millis"].is_u64() && got["nightly"]["modified_date_millis"].is_u64());
    assert_eq!(request("DELETE", &url("/_slm/policy/nightly"), None).status, 200);
    assert_eq!(request("DELETE", &url("/_slm/policy/nightly"), None).status, 404);
}

#[test]
fn the_server_exits_when_its_stdin_closes() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_search-test-server"))
        .args(["--listen", "127.0.0.1:0"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = serde_json::from_str::<serde_json::Value>(&line).unwrap()["url"].as_str().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    assert_eq!(request("GET", &format!("{url}/"), None).status, 200);
    drop(child.stdin.take());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server still runs 10 s after its stdin closed");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
}
