//! `aws_db_snapshot`: id = the snapshot identifier (also its import ID);
//! both identifiers force a new snapshot; `shared_accounts` (the
//! snapshot's `restore` attribute) and tags change in place.

use super::*;
use crate::util::{attrs, nonempty, object, str_attr, strings_of, with_attr};
use aws_sdk_rds::types::DbSnapshot;
use strata_lang::Type;
use strata_provider::Attribute;

const WHAT: &str = "RDS DB Snapshot";

pub fn schema() -> Block {
    use Attribute as A;
    let (s, n, b) = (Type::String, Type::Number, Type::Bool);
    Block {
        attributes: attrs(vec![
            ("allocated_storage", A::computed(n.clone())),
            ("availability_zone", A::computed(s.clone())),
            ("db_instance_identifier", A::required(s.clone()).force_new()),
            ("db_snapshot_arn", A::computed(s.clone())),
            ("db_snapshot_identifier", A::required(s.clone()).force_new()),
            ("encrypted", A::computed(b)),
            ("engine", A::computed(s.clone())),
            ("engine_version", A::computed(s.clone())),
            ("id", A::computed(s.clone())),
            ("iops", A::computed(n.clone())),
            ("kms_key_id", A::computed(s.clone())),
            ("license_model", A::computed(s.clone())),
            ("option_group_name", A::computed(s.clone())),
            ("port", A::computed(n)),
            ("shared_accounts", A::optional(Type::set(s.clone()))),
            ("snapshot_type", A::computed(s.clone())),
            ("source_db_snapshot_identifier", A::computed(s.clone())),
            ("source_region", A::computed(s.clone())),
            ("status", A::computed(s.clone())),
            ("storage_type", A::computed(s.clone())),
            ("tags", A::optional(Type::map(s.clone()))),
            ("tags_all", A::optional_computed(Type::map(s.clone()))),
            ("vpc_id", A::computed(s)),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    if let Some(id) = str_attr(config, "db_snapshot_identifier") {
        let ok = id.starts_with(|c: char| c.is_ascii_alphabetic())
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !id.contains("--")
            && !id.ends_with('-')
            && id.len() <= 255;
        if !ok {
            diags.push(err_at(
                "db_snapshot_identifier",
                "Invalid db_snapshot_identifier",
                format!("db_snapshot_identifier must begin with a letter, contain only letters, digits and single hyphens, not end with a hyphen, and be at most 255 characters; got {id:?}"),
            ));
        }
    }
    diags
}

fn describe(aws: &Aws, id: &str) -> Result<Option<DbSnapshot>, AwsError> {
    aws.log_call("rds:DescribeDBSnapshots");
    match aws.block(aws.rds.describe_db_snapshots().db_snapshot_identifier(id).send()) {
        Ok(out) => Ok(out.db_snapshots().iter().find(|s| s.db_snapshot_identifier() == Some(id)).cloned()),
        Err(e) => match aws_error(e) {
            e if is_gone(&e) => Ok(None),
            e => Err(e),
        },
    }
}

fn set_shared(aws: &Aws, id: &str, prior: &Value, planned: &Value, what: &str) -> Result<(), ProviderDiagnostic> {
    let (before, after) = (strings_of(&attr(prior, "shared_accounts")), strings_of(&attr(planned, "shared_accounts")));
    let add: Vec<String> = after.iter().filter(|a| !before.contains(a)).cloned().collect();
    let remove: Vec<String> = before.iter().filter(|a| !after.contains(a)).cloned().collect();
    if add.is_empty() && remove.is_empty() {
        return Ok(());
    }
    aws.log_call("rds:ModifyDBSnapshotAttribute");
    aws.block(
        aws.rds
            .modify_db_snapshot_attribute()
            .db_snapshot_identifier(id)
            .attribute_name("restore")
            .set_values_to_add((!add.is_empty()).then_some(add))
            .set_values_to_remove((!remove.is_empty()).then_some(remove))
            .send(),
    )
    .map(|_| ())
    .map_err(|e| aws_error(e).into_diag(what))
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = str_attr(planned, "db_snapshot_identifier").unwrap_or_default();
    let what = format!("creating {WHAT} ({id})");
    aws.log_call("rds:CreateDBSnapshot");
    aws.block(
        aws.rds
            .create_db_snapshot()
            .db_snapshot_identifier(&id)
            .db_instance_identifier(str_attr(planned, "db_instance_identifier").unwrap_or_default())
            .set_tags(rds_tags(&map_of(&attr(planned, "tags_all"))))
            .send(),
    )
    .map_err(|e| aws_error(e).into_diag(&what))?;
    wait_until(aws, &format!("{WHAT} ({id}) to be available"), || {
        Ok(describe(aws, &id)?.filter(|s| s.status() == Some("available")))
    })
    .map_err(|e| e.into_diag(&format!("waiting for {WHAT} ({id}) create")))?;
    let planned = with_attr(planned, "id", Value::string(id.as_str()));
    let null = Value::null(schema().implied_type());
    set_shared(aws, &id, &null, &planned, &what)?;
    read(aws, &planned)?.ok_or_else(|| ProviderDiagnostic::error(format!("{what}: not found"), what.clone()))
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(prior);
    let what = format!("updating {WHAT} ({id})");
    set_shared(aws, &id, prior, planned, &what)?;
    let arn = nonempty(prior, "db_snapshot_arn").unwrap_or_default();
    update_tags(aws, &arn, prior, planned, &what)?;
    read(aws, planned)?.ok_or_else(|| ProviderDiagnostic::error(format!("{what}: not found"), what.clone()))
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = crate::id_of(current);
    let what = format!("reading {WHAT} ({id})");
    let Some(s) = describe(aws, &id).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    Ok(Some(to_state(aws, current, &s).map_err(|e| e.into_diag(&what))?))
}

fn to_state(aws: &Aws, current: &Value, s: &DbSnapshot) -> Result<Value, AwsError> {
    let text = |v: Option<&str>| v.map(Value::string).unwrap_or_else(|| Value::null(Type::String));
    let int = |v: Option<i32>| Value::int(v.unwrap_or(0) as i64);
    let id = s.db_snapshot_identifier().unwrap_or_default();
    let arn = s.db_snapshot_arn().unwrap_or_default();
    let (tags, tags_all) = read_tags(aws, current, list_tags(aws, arn)?);
    aws.log_call("rds:DescribeDBSnapshotAttributes");
    let shared: Vec<String> = aws
        .block(aws.rds.describe_db_snapshot_attributes().db_snapshot_identifier(id).send())
        .map_err(aws_error)?
        .db_snapshot_attributes_result()
        .map(|r| {
            r.db_snapshot_attributes()
                .iter()
                .filter(|a| a.attribute_name() == Some("restore"))
                .flat_map(|a| a.attribute_values().to_vec())
                .collect()
        })
        .unwrap_or_default();
    Ok(object(
        &schema(),
        [
            ("allocated_storage", int(s.allocated_storage())),
            ("availability_zone", text(s.availability_zone())),
            ("db_instance_identifier", text(s.db_instance_identifier())),
            ("db_snapshot_arn", Value::string(arn)),
            ("db_snapshot_identifier", Value::string(id)),
            ("encrypted", Value::bool(s.encrypted().unwrap_or(false))),
            ("engine", text(s.engine())),
            ("engine_version", text(s.engine_version())),
            ("id", Value::string(id)),
            ("iops", int(s.iops())),
            ("kms_key_id", text(s.kms_key_id())),
            ("license_model", text(s.license_model())),
            ("option_group_name", text(s.option_group_name())),
            ("port", int(s.port())),
            ("shared_accounts", Value::set(Type::String, shared.iter().map(|a| Value::string(a.as_str())).collect())),
            ("snapshot_type", text(s.snapshot_type())),
            ("source_db_snapshot_identifier", text(s.source_db_snapshot_identifier())),
            ("source_region", text(s.source_region())),
            ("status", text(s.status())),
            ("storage_type", text(s.storage_type())),
            ("tags", tags),
            ("tags_all", tags_all),
            ("vpc_id", text(s.vpc_id())),
        ],
    ))
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = crate::id_of(prior);
    let what = format!("deleting {WHAT} ({id})");
    aws.log_call("rds:DeleteDBSnapshot");
    match aws.block(aws.rds.delete_db_snapshot().db_snapshot_identifier(&id).send()).map_err(aws_error) {
        Err(e) if !is_gone(&e) => Err(e.into_diag(&what)),
        _ => Ok(()),
    }
}

/// Named by its identifier; found when it carries the create token.
pub fn find(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = format!("looking for an {WHAT} an interrupted create made");
    let Some(id) = nonempty(planned, "db_snapshot_identifier") else { return Ok(None) };
    let Some(s) = describe(aws, &id).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    let tags = list_tags(aws, s.db_snapshot_arn().unwrap_or_default()).map_err(|e| e.into_diag(&what))?;
    if !has_token(&tags, token) {
        return Ok(None);
    }
    to_state(aws, planned, &s).map(Some).map_err(|e| e.into_diag(&what))
}
