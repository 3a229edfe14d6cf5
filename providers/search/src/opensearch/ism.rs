//! Updating an ISM policy does not change the indices it already manages:
//! each keeps the version it started with until it is moved with
//! `change_policy` (opensearch-project/index-management#813). With
//! `update_managed_indices = true`, an update of the policy moves them:
//! the indices `explain` shows under this policy are found, then
//! `change_policy` is called for them (optionally into
//! `managed_indices_state`). ISM switches each index once its current
//! state's actions finish, as the documentation says.

use crate::connection::{refused, Settings};
use crate::document::segment;
use serde_json::{json, Value as Json};
use strata_provider::ProviderDiagnostic;

/// `indices` as comma-separated path segments of at most `limit` bytes each.
fn batches(indices: &[String], limit: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for index in indices.iter().map(|i| segment(i)) {
        match out.last_mut() {
            Some(last) if last.len() + 1 + index.len() <= limit => {
                last.push(',');
                last.push_str(&index);
            }
            _ => out.push(index),
        }
    }
    out
}

/// The indices ISM manages under `policy_id`, sorted.
pub fn managed_indices(s: &Settings, policy_id: &str) -> Result<Vec<String>, ProviderDiagnostic> {
    let prefix = s.server()?.plugins_prefix();
    let resp = s.call("GET", &format!("/{prefix}/_ism/explain/*"), None)?;
    if resp.status == 404 {
        return Ok(Vec::new());
    }
    if !resp.ok() {
        return Err(refused("Listing the indices ISM manages", &resp));
    }
    let v = resp.json().map_err(|e| ProviderDiagnostic::error("Listing the indices ISM manages failed", e))?;
    let mut out: Vec<String> = v
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, e)| e.is_object() && policy_of(e) == Some(policy_id))
        .map(|(index, _)| index.clone())
        .collect();
    out.sort();
    Ok(out)
}

fn policy_of(e: &Json) -> Option<&str> {
    e["policy_id"]
        .as_str()
        .or_else(|| e["index.plugins.index_state_management.policy_id"].as_str())
        .or_else(|| e["index.opendistro.index_state_management.policy_id"].as_str())
}

/// Moves every index managed by `policy_id` to the policy's current
/// version; the indices moved.
pub fn move_managed_indices(
    s: &Settings,
    policy_id: &str,
    state: Option<&str>,
) -> Result<Vec<String>, ProviderDiagnostic> {
    let indices = managed_indices(s, policy_id)?;
    if indices.is_empty() {
        return Ok(indices);
    }
    let prefix = s.server()?.plugins_prefix();
    let mut body = json!({ "policy_id": policy_id });
    if let Some(state) = state {
        body["state"] = Json::String(state.to_string());
    }
    // One call per batch of names, each URL well under OpenSearch's 4 KB
    // request line (http.max_initial_line_length).
    let mut failed: Vec<String> = Vec::new();
    for batch in batches(&indices, 3000) {
        let resp = s.call("POST", &format!("/{prefix}/_ism/change_policy/{batch}"), Some(&body))?;
        if !resp.ok() {
            return Err(refused("Moving the managed indices to the new policy version (change_policy)", &resp));
        }
        let v = resp.json().map_err(|e| ProviderDiagnostic::error("change_policy failed", e))?;
        if v["failures"] == true {
            failed.extend(v["failed_indices"].as_array().into_iter().flatten().map(|f| {
                format!(
                    "{} ({})",
                    f["index_name"].as_str().unwrap_or("?"),
                    f["reason"].as_str().unwrap_or("no reason given")
                )
            }));
        }
    }
    if !failed.is_empty() {
        return Err(ProviderDiagnostic::error(
            "Some managed indices were not moved to the new policy version",
            format!(
                "The policy {policy_id:?} was updated, but change_policy failed for: {}. Move them with POST {prefix}/_ism/change_policy/<index>.",
                failed.join(", ")
            ),
        ));
    }
    Ok(indices)
}

#[cfg(test)]
mod tests {
    #[test]
    fn change_policy_urls_stay_short() {
        let indices: Vec<String> = (0..2555).map(|d| format!("security-logs-{d:05}")).collect();
        let batches = super::batches(&indices, 3000);
        assert!(batches.len() > 10, "{}", batches.len());
        assert!(batches.iter().all(|b| b.len() <= 3000));
        assert_eq!(batches.join(",").split(',').count(), 2555);
    }
}
