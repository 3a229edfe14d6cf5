//! RDS, as hashicorp/aws 6.x models it: `aws_db_parameter_group` (id =
//! name; parameters set in chunks of 20, removed ones reset),
//! `aws_db_instance` (id = DbiResourceId, imported by identifier; renamed
//! in place, read replicas in the same region or another, promoted when
//! `replicate_source_db` is removed, final snapshots and deletion
//! protection honoured on destroy) and `aws_db_snapshot` (id = the
//! snapshot identifier). `aws_db_subnet_group` lives in `subnet_group`,
//! shared with ElastiCache and Redshift.
//!
//! The rest of the crate reaches this family only through [`Rds`], its
//! `family::Family`.

mod instance;
mod parameter_group;
mod snapshot;

use crate::client::{aws_error, Aws, AwsError};
use crate::family::Family;
use crate::tags;
use crate::util::{attr, map_of};
use std::collections::BTreeMap;
use std::time::Duration;
use strata_lang::Value;
use strata_provider::{AttributePath, Block, ListedObject, PathStep, ProviderDiagnostic};

pub const PARAMETER_GROUP: &str = "aws_db_parameter_group";
pub const INSTANCE: &str = "aws_db_instance";
pub const SNAPSHOT: &str = "aws_db_snapshot";

/// The resource types of this family.
pub const TYPES: [&str; 3] = [PARAMETER_GROUP, INSTANCE, SNAPSHOT];

/// The family (`family::FAMILIES`).
pub struct Rds;

impl Family for Rds {
    fn types(&self) -> &'static [&'static str] {
        &TYPES
    }

    fn schema(&self, type_name: &str) -> Block {
        match type_name {
            PARAMETER_GROUP => parameter_group::schema(),
            INSTANCE => instance::schema(),
            _ => snapshot::schema(),
        }
    }

    /// The provider's `SchemaVersion`s: the instance migrated its state twice.
    fn schema_version(&self, type_name: &str) -> u64 {
        if type_name == INSTANCE {
            2
        } else {
            0
        }
    }

    fn timeouts(&self, type_name: &str) -> &'static [(&'static str, u64)] {
        match type_name {
            INSTANCE => &[("create", 40), ("update", 80), ("delete", 60)],
            SNAPSHOT => &[("create", 20)],
            _ => &[],
        }
    }

    fn defaults(&self, type_name: &str) -> Vec<(&'static str, Value)> {
        match type_name {
            PARAMETER_GROUP => vec![("description", Value::string(crate::subnet_group::DEFAULT_DESCRIPTION))],
            INSTANCE => instance::defaults(),
            _ => Vec::new(),
        }
    }

    fn validate(&self, type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
        if config.is_null() {
            return Vec::new();
        }
        match type_name {
            PARAMETER_GROUP => parameter_group::validate(config),
            INSTANCE => instance::validate(config),
            _ => snapshot::validate(config),
        }
    }

    fn plan(&self, type_name: &str, planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
        match type_name {
            PARAMETER_GROUP => (parameter_group::plan(planned), Vec::new()),
            INSTANCE => (instance::plan(planned, config, prior), Vec::new()),
            _ => (planned.clone(), Vec::new()),
        }
    }

    fn apply(&self, aws: &Aws, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
        let creating = prior.is_null();
        match (type_name, creating) {
            (PARAMETER_GROUP, true) => parameter_group::create(aws, planned),
            (PARAMETER_GROUP, false) => parameter_group::update(aws, prior, planned),
            (INSTANCE, true) => instance::create(aws, planned),
            (INSTANCE, false) => instance::update(aws, prior, planned),
            (_, true) => snapshot::create(aws, planned),
            (_, false) => snapshot::update(aws, prior, planned),
        }
    }

    fn read(&self, aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        match type_name {
            PARAMETER_GROUP => parameter_group::read(aws, current),
            INSTANCE => instance::read(aws, current),
            _ => snapshot::read(aws, current),
        }
    }

    fn delete(&self, aws: &Aws, type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
        match type_name {
            PARAMETER_GROUP => parameter_group::delete(aws, prior),
            INSTANCE => instance::delete(aws, prior),
            _ => snapshot::delete(aws, prior),
        }
    }

    /// By the planned name (or among those with the planned prefix) and
    /// the create token tag.
    fn find(
        &self,
        aws: &Aws,
        type_name: &str,
        token: &str,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderDiagnostic> {
        let planned = &crate::util::known_or_null(planned);
        match type_name {
            PARAMETER_GROUP => parameter_group::find(aws, token, planned),
            INSTANCE => instance::find(aws, token, planned),
            _ => snapshot::find(aws, token, planned),
        }
    }

    /// An instance whose wait for `available` failed or timed out exists.
    fn keeps_failed_creates(&self, type_name: &str) -> bool {
        type_name == INSTANCE
    }

    fn list(&self, aws: &Aws, type_name: &str) -> Option<Result<Vec<ListedObject>, ProviderDiagnostic>> {
        match type_name {
            INSTANCE => Some(instance::list(aws)),
            PARAMETER_GROUP => Some(parameter_group::list(aws)),
            _ => None,
        }
    }
}

// Shared by the family's modules.

/// RDS's "not there" errors (query-protocol codes, with or without `Fault`).
fn is_gone(e: &AwsError) -> bool {
    e.is_not_found() || e.code.ends_with("NotFoundFault")
}

fn rds_tags(m: &BTreeMap<String, String>) -> Option<Vec<aws_sdk_rds::types::Tag>> {
    let t: Vec<_> = m.iter().map(|(k, v)| aws_sdk_rds::types::Tag::builder().key(k).value(v).build()).collect();
    (!t.is_empty()).then_some(t)
}

fn tag_pairs(tags: &[aws_sdk_rds::types::Tag]) -> Vec<(String, String)> {
    tags.iter().filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string()))).collect()
}

fn has_token(tags: &[(String, String)], token: &str) -> bool {
    tags::carry_token(tags, token)
}

fn list_tags(aws: &Aws, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
    aws.log_call("rds:ListTagsForResource");
    let out = aws.block(aws.rds.list_tags_for_resource().resource_name(arn).send()).map_err(aws_error)?;
    Ok(tag_pairs(out.tag_list()))
}

/// `(tags, tags_all)` as state holds them, from what AWS reports.
fn read_tags(aws: &Aws, current: &Value, remote: Vec<(String, String)>) -> (Value, Value) {
    tags::read_tags(&aws.default_tags, &attr(current, "tags"), remote)
}

/// Tags changed in place (Add/RemoveTagsFromResource), from the prior
/// `tags_all` to the planned one.
fn update_tags(aws: &Aws, arn: &str, prior: &Value, planned: &Value, what: &str) -> Result<(), ProviderDiagnostic> {
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("rds:RemoveTagsFromResource");
        aws.block(aws.rds.remove_tags_from_resource().resource_name(arn).set_tag_keys(Some(remove)).send())
            .map_err(|e| aws_error(e).into_diag(what))?;
    }
    if !set.is_empty() {
        aws.log_call("rds:AddTagsToResource");
        aws.block(aws.rds.add_tags_to_resource().resource_name(arn).set_tags(rds_tags(&set)).send())
            .map_err(|e| aws_error(e).into_diag(what))?;
    }
    Ok(())
}

/// The prefix of a name made from one: what comes before the 26 digits
/// of the unique suffix (the provider's `create.NamePrefixFromName`).
fn name_prefix_from_name(name: &str) -> Option<&str> {
    const SUFFIX: usize = 26;
    let cut = name.len().checked_sub(SUFFIX).filter(|&i| i > 0)?;
    let suffix = name.get(cut..)?;
    suffix.chars().all(|c| c.is_ascii_hexdigit()).then(|| &name[..cut])
}

/// Polls `check` from the start until it answers, bounded by the
/// operation's timeout (`timeouts {}`); `Ok(None)` means not yet. The
/// pause between polls grows from 200 ms to 10 s.
fn wait_until<T>(
    aws: &Aws,
    waiting_for: &str,
    mut check: impl FnMut() -> Result<Option<T>, AwsError>,
) -> Result<T, AwsError> {
    let limit = aws.time_left().unwrap_or(Duration::from_secs(20 * 60));
    let still_waiting = |e: &AwsError| e.code == "StillWaiting";
    aws.retry(limit, still_waiting, || match check()? {
        Some(found) => Ok(found),
        None => Err(AwsError { code: "StillWaiting".into(), message: waiting_for.to_string() }),
    })
    .map_err(|e| match still_waiting(&e) {
        true => AwsError { code: "timeout".into(), message: format!("timeout while waiting for {waiting_for}") },
        false => e,
    })
}

fn err_at(name: &str, summary: impl Into<String>, detail: impl Into<String>) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(vec![PathStep::Attr(name.to_string())])
}

fn conflicts(config: &Value, a: &str, b: &str) -> Option<ProviderDiagnostic> {
    // As the plugin SDK: a value still unknown conflicts with nothing yet.
    let set = |n: &str| crate::util::is_set(&attr(config, n));
    (set(a) && set(b)).then(|| err_at(a, "Conflicting configuration arguments", format!("\"{a}\": conflicts with {b}")))
}
