//! OpenSearch Service, as hashicorp/aws 6.x models it: `aws_opensearch_domain`
//! and the legacy `aws_elasticsearch_domain` (one implementation over the
//! 2021-01-01 API, which serves both engines: the legacy type's
//! `elasticsearch_version = "7.10"` is sent as `Elasticsearch_7.10`, its
//! instance types end in `.elasticsearch`; id = the domain's ARN, imported
//! by domain name), `aws_opensearch_domain_policy` (id = `esd-policy-NAME`;
//! deleting it leaves an empty policy) and data `aws_opensearch_domain`.
//!
//! The service takes 10–30 minutes per change; every wait polls
//! DescribeDomain from the first second, bounded by the type's `timeouts`.
//! Each change sends whole configuration blocks (UpdateDomainConfig
//! replaces a block wholesale on moto, and the provider sends them whole
//! too), and the service's own rules (tiers, zone awareness, fine-grained
//! access) are checked at validate, before anything is applied: moto
//! accepts anything.
//!
//! The rest of the crate reaches this family only through [`OpenSearch`].

mod domain;
mod policy;

use crate::client::{aws_error, Aws, AwsError};
use crate::family::Family;
use crate::tags;
use crate::util::{attr, map_of};
use std::time::{Duration, Instant};
use strata_lang::Value;
use strata_provider::{AttributePath, Block, ProviderDiagnostic};

pub const OPENSEARCH_DOMAIN: &str = "aws_opensearch_domain";
pub const ELASTICSEARCH_DOMAIN: &str = "aws_elasticsearch_domain";
pub const DOMAIN_POLICY: &str = "aws_opensearch_domain_policy";

const TYPES: [&str; 3] = [OPENSEARCH_DOMAIN, ELASTICSEARCH_DOMAIN, DOMAIN_POLICY];
const DATA_TYPES: [&str; 1] = [OPENSEARCH_DOMAIN];

/// The family (`family::FAMILIES`).
pub struct OpenSearch;

/// Which of the two domain types: their schemas differ in names only
/// where the legacy one kept Elasticsearch's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    OpenSearch,
    Elasticsearch,
}

impl Flavour {
    fn of(type_name: &str) -> Flavour {
        if type_name == ELASTICSEARCH_DOMAIN {
            Flavour::Elasticsearch
        } else {
            Flavour::OpenSearch
        }
    }

    /// The argument naming the engine version.
    fn version_attr(self) -> &'static str {
        match self {
            Flavour::OpenSearch => "engine_version",
            Flavour::Elasticsearch => "elasticsearch_version",
        }
    }

    /// How instance types end (`m6g.large.search`).
    fn instance_suffix(self) -> &'static str {
        match self {
            Flavour::OpenSearch => ".search",
            Flavour::Elasticsearch => ".elasticsearch",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Flavour::OpenSearch => "OpenSearch Domain",
            Flavour::Elasticsearch => "Elasticsearch Domain",
        }
    }

    /// The version as the 2021-01-01 API takes it.
    fn to_api_version(self, v: &str) -> String {
        match self {
            Flavour::Elasticsearch if !v.starts_with("Elasticsearch_") => format!("Elasticsearch_{v}"),
            _ => v.to_string(),
        }
    }

    /// The version as the type's argument holds it.
    fn version_from_api(self, v: &str) -> String {
        match self {
            Flavour::Elasticsearch => v.strip_prefix("Elasticsearch_").unwrap_or(v).to_string(),
            Flavour::OpenSearch => v.to_string(),
        }
    }
}

impl Family for OpenSearch {
    fn types(&self) -> &'static [&'static str] {
        &TYPES
    }

    fn data_types(&self) -> &'static [&'static str] {
        &DATA_TYPES
    }

    fn schema(&self, type_name: &str) -> Block {
        match type_name {
            DOMAIN_POLICY => policy::schema(),
            t => domain::schema(Flavour::of(t)),
        }
    }

    fn data_schema(&self, _type_name: &str) -> Block {
        domain::data_schema()
    }

    /// The provider's defaults: the OpenSearch domain's update may take
    /// three hours, the legacy one's one.
    fn timeouts(&self, type_name: &str) -> &'static [(&'static str, u64)] {
        match type_name {
            OPENSEARCH_DOMAIN => &[("create", 60), ("update", 180), ("delete", 90)],
            ELASTICSEARCH_DOMAIN => &[("create", 60), ("update", 60), ("delete", 90)],
            _ => &[("update", 180), ("delete", 90)],
        }
    }

    fn defaults(&self, type_name: &str) -> Vec<(&'static str, Value)> {
        match type_name {
            ELASTICSEARCH_DOMAIN => vec![("elasticsearch_version", Value::string("1.5"))],
            _ => Vec::new(),
        }
    }

    fn validate(&self, type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
        if config.is_null() {
            return Vec::new();
        }
        match type_name {
            DOMAIN_POLICY => policy::validate(config),
            t => domain::validate(Flavour::of(t), config),
        }
    }

    fn plan(&self, type_name: &str, planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
        match type_name {
            DOMAIN_POLICY => (policy::plan(planned, config, prior), Vec::new()),
            t => domain::plan(Flavour::of(t), planned, config, prior),
        }
    }

    fn apply(&self, aws: &Aws, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
        match (type_name, prior.is_null()) {
            (DOMAIN_POLICY, _) => policy::put(aws, planned),
            (t, true) => domain::create(aws, Flavour::of(t), planned),
            (t, false) => domain::update(aws, Flavour::of(t), prior, planned),
        }
    }

    fn read(&self, aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        match type_name {
            DOMAIN_POLICY => policy::read(aws, current),
            t => domain::read(aws, Flavour::of(t), current),
        }
    }

    fn delete(&self, aws: &Aws, type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
        match type_name {
            DOMAIN_POLICY => policy::delete(aws, prior),
            t => domain::delete(aws, Flavour::of(t), prior),
        }
    }

    /// A domain by its planned name and the create token tag; a policy
    /// (untagged) by its domain when it holds the planned policy.
    fn find(
        &self,
        aws: &Aws,
        type_name: &str,
        token: &str,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderDiagnostic> {
        let planned = &crate::util::known_or_null(planned);
        match type_name {
            DOMAIN_POLICY => policy::find(aws, planned),
            t => domain::find(aws, Flavour::of(t), token, planned),
        }
    }

    /// The wait for the domain to be ready comes after it exists.
    fn keeps_failed_creates(&self, type_name: &str) -> bool {
        type_name != DOMAIN_POLICY
    }

    fn read_data(&self, aws: &Aws, _type_name: &str, config: &Value) -> Result<Value, ProviderDiagnostic> {
        domain::read_data(aws, config)
    }
}

// Shared by the family's modules.

/// The service's "no such domain".
fn not_found(e: &AwsError) -> bool {
    e.code == "ResourceNotFoundException" || e.is_not_found()
}

/// The domain's status; `None` when it does not exist.
fn describe(aws: &Aws, name: &str) -> Result<Option<aws_sdk_opensearch::types::DomainStatus>, AwsError> {
    aws.log_call("es:DescribeDomain");
    match aws.block(aws.opensearch.describe_domain().domain_name(name).send()).map_err(aws_error) {
        Ok(out) => Ok(out.domain_status().cloned()),
        Err(e) if not_found(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether a domain has settled: not processing a change or an upgrade,
/// its processing status (where the endpoint reports one) Active, and,
/// after a create, an endpoint to answer on.
fn settled(d: &aws_sdk_opensearch::types::DomainStatus, need_endpoint: bool) -> Result<(), String> {
    if d.processing().unwrap_or(false) {
        return Err("Processing".into());
    }
    if d.upgrade_processing().unwrap_or(false) {
        return Err("UpgradeProcessing".into());
    }
    if let Some(s) = d.domain_processing_status() {
        if s.as_str() != "Active" {
            return Err(s.as_str().to_string());
        }
    }
    if need_endpoint && d.endpoint().is_none() && d.endpoints().is_none_or(|e| e.is_empty()) {
        return Err("no endpoint yet".into());
    }
    Ok(())
}

/// Polls DescribeDomain from the start until `done` says so (or, with
/// `gone`, until the domain no longer exists), bounded by what is left of
/// the operation's timeout; the pause grows from 200 ms to 15 s.
fn wait_domain(
    aws: &Aws,
    name: &str,
    what: &str,
    doing: &str,
    gone: bool,
    need_endpoint: bool,
) -> Result<(), ProviderDiagnostic> {
    let limit = aws.time_left().unwrap_or(Duration::from_secs(60 * 60));
    let deadline = Instant::now() + limit;
    let mut pause = Duration::from_millis(200);
    let mut last;
    let subject = format!("{what} ({name}) {doing}");
    loop {
        let found = describe(aws, name).map_err(|e| e.into_diag(&format!("waiting for {subject}")))?;
        match (&found, gone) {
            (None, true) => return Ok(()),
            (None, false) => last = "not found".into(),
            (Some(d), false) => match settled(d, need_endpoint) {
                Ok(()) => return Ok(()),
                Err(state) => last = state,
            },
            (Some(d), true) => last = if d.deleted().unwrap_or(false) { "Deleting".into() } else { "exists".into() },
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(ProviderDiagnostic::error(
                format!("waiting for {subject}"),
                format!(
                    "waiting for {subject}: timeout while waiting for state to become '{}' (last state: '{last}', timeout: {})",
                    if gone { "gone" } else { "Active" },
                    crate::timeouts::go_duration_text(limit)
                ),
            ));
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_secs(15));
    }
}

fn list_tags(aws: &Aws, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
    aws.log_call("es:ListTags");
    let out = aws.block(aws.opensearch.list_tags().arn(arn).send()).map_err(aws_error)?;
    Ok(out.tag_list().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect())
}

/// `tags_all` as CreateDomain takes it (the create token included).
fn tags_to_send(planned: &Value) -> Option<Vec<aws_sdk_opensearch::types::Tag>> {
    let all = map_of(&attr(planned, "tags_all"));
    let list: Vec<_> = all
        .iter()
        .filter_map(|(k, v)| aws_sdk_opensearch::types::Tag::builder().key(k).value(v).build().ok())
        .collect();
    (!list.is_empty()).then_some(list)
}

fn update_tags(aws: &Aws, arn: &str, prior: &Value, planned: &Value, what: &str) -> Result<(), ProviderDiagnostic> {
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("es:RemoveTags");
        aws.block(aws.opensearch.remove_tags().arn(arn).set_tag_keys(Some(remove)).send())
            .map_err(|e| aws_error(e).into_diag(&format!("removing tags from {what} ({arn})")))?;
    }
    if !set.is_empty() {
        let list: Vec<_> = set
            .iter()
            .filter_map(|(k, v)| aws_sdk_opensearch::types::Tag::builder().key(k).value(v).build().ok())
            .collect();
        aws.log_call("es:AddTags");
        aws.block(aws.opensearch.add_tags().arn(arn).set_tag_list(Some(list)).send())
            .map_err(|e| aws_error(e).into_diag(&format!("adding tags to {what} ({arn})")))?;
    }
    Ok(())
}

/// The domain name an id names: the domain's ARN (`…:domain/NAME`), or
/// the bare name an import gives.
fn domain_name_of_id(id: &str) -> String {
    match id.strip_prefix("arn:") {
        Some(rest) => rest.rsplit_once(":domain/").map(|(_, n)| n.to_string()).unwrap_or_else(|| id.to_string()),
        None => id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_their_domain() {
        assert_eq!(domain_name_of_id("arn:aws:es:eu-west-1:123456789012:domain/logs"), "logs");
        assert_eq!(domain_name_of_id("logs"), "logs");
    }

    #[test]
    fn legacy_versions_take_the_engine_prefix() {
        let es = Flavour::Elasticsearch;
        assert_eq!(es.to_api_version("7.10"), "Elasticsearch_7.10");
        assert_eq!(es.to_api_version("Elasticsearch_7.10"), "Elasticsearch_7.10");
        assert_eq!(es.version_from_api("Elasticsearch_7.10"), "7.10");
        assert_eq!(Flavour::OpenSearch.to_api_version("OpenSearch_2.11"), "OpenSearch_2.11");
    }
}
