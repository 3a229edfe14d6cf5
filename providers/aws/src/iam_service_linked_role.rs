//! `aws_iam_service_linked_role`: the role an AWS service defines, made
//! for `aws_service_name` (and `custom_suffix`, both forcing a new role);
//! `description` and tags change in place. Its id is the role's ARN,
//! `arn:PARTITION:iam::ACCOUNT:role/aws-service-role/SERVICE/NAME`, from
//! which the service name and suffix are read back (and an import takes
//! them). Tags are added after the create: CreateServiceLinkedRole takes
//! none, so the create token is found on the role by the service's name.

use crate::client::{aws_error, Aws};
use crate::iam::{iam_tags, is_no_such_entity, tag_pairs, timestamp};
use crate::tags;
use crate::util::{attr, map_of, nonempty, object, str_attr, with_attr};
use std::collections::BTreeMap;
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, PathStep, ProviderDiagnostic};

const WHAT: &str = "IAM Service Linked Role";

pub fn schema() -> Block {
    let c = || Attribute::computed(Type::String);
    Block {
        attributes: [
            ("arn", c()),
            ("aws_service_name", Attribute::required(Type::String).force_new()),
            ("create_date", c()),
            ("custom_suffix", Attribute::optional(Type::String).force_new()),
            ("description", Attribute::optional(Type::String)),
            ("id", c()),
            ("name", c()),
            ("path", c()),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
            ("unique_id", c()),
        ]
        .into_iter()
        .map(|(k, a)| (k.to_string(), a))
        .collect(),
        blocks: BTreeMap::new(),
    }
}

pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    match str_attr(config, "aws_service_name") {
        Some(s) if !s.contains('.') => vec![ProviderDiagnostic::error(
            "Invalid aws_service_name",
            format!("invalid value for aws_service_name (must be a full service hostname e.g. elasticbeanstalk.amazonaws.com), got {s:?}"),
        )
        .at(vec![PathStep::Attr("aws_service_name".into())])],
        _ => Vec::new(),
    }
}

/// Application Auto Scaling picks the suffix itself: an unset
/// `custom_suffix` plans no change there (the provider's diff suppression).
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> Value {
    let service = str_attr(planned, "aws_service_name").unwrap_or_default();
    if !prior.is_null() && service.contains(".application-autoscaling.") && nonempty(config, "custom_suffix").is_none()
    {
        return with_attr(planned, "custom_suffix", attr(prior, "custom_suffix"));
    }
    planned.clone()
}

/// (service name, role name, custom suffix) from the role's ARN.
pub fn decode_id(id: &str) -> Result<(String, String, String), ProviderDiagnostic> {
    let bad = || {
        ProviderDiagnostic::error(
            "Invalid IAM service linked role ID",
            format!("expected IAM Service Role ARN (arn:PARTITION:iam::ACCOUNTID:role/aws-service-role/SERVICENAME/ROLENAME), received: {id}"),
        )
    };
    let parts: Vec<&str> = id.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" {
        return Err(bad());
    }
    let resource: Vec<&str> = parts[5].split('/').collect();
    if resource.len() != 4 {
        return Err(bad());
    }
    let (service, role) = (resource[2].to_string(), resource[3].to_string());
    let pieces: Vec<&str> = role.split('_').collect();
    let suffix = if pieces.len() == 2 { pieces[1].to_string() } else { String::new() };
    Ok((service, role, suffix))
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let service = str_attr(planned, "aws_service_name").unwrap_or_default();
    let what = format!("creating {WHAT} ({service})");
    aws.log_call("iam:CreateServiceLinkedRole");
    let out = aws
        .block(
            aws.iam
                .create_service_linked_role()
                .aws_service_name(&service)
                .set_custom_suffix(nonempty(planned, "custom_suffix"))
                .set_description(nonempty(planned, "description"))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    let Some(role) = out.role() else {
        return Err(ProviderDiagnostic::error(format!("{what}: empty result"), format!("{what}: empty result")));
    };
    let arn = role.arn().to_string();
    if let Some(t) = iam_tags(&map_of(&attr(planned, "tags_all"))) {
        aws.log_call("iam:TagRole");
        aws.block(aws.iam.tag_role().role_name(role.role_name()).set_tags(Some(t)).send())
            .map_err(|e| aws_error(e).into_diag(&format!("{what}: adding tags")))?;
    }
    read_after_write(aws, &with_attr(planned, "id", Value::string(arn.as_str())))
}

fn read_after_write(aws: &Aws, current: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(current);
    read(aws, current)?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{WHAT} not found after change"), format!("{WHAT} ({id}) was not found."))
    })
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = crate::id_of(current);
    let what = format!("reading {WHAT} ({id})");
    let (service, name, suffix) = decode_id(&id)?;
    aws.log_call("iam:GetRole");
    let role = match aws.block(aws.iam.get_role().role_name(&name).send()).map_err(aws_error) {
        Ok(out) => match out.role {
            Some(r) => r,
            None => return Ok(None),
        },
        Err(e) if is_no_such_entity(&e) => return Ok(None),
        Err(e) => return Err(e.into_diag(&what)),
    };
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), tag_pairs(role.tags()));
    let suffix_value = if suffix.is_empty() && attr(current, "custom_suffix").is_null() {
        Value::null(Type::String)
    } else {
        Value::string(suffix.as_str())
    };
    Ok(Some(object(
        &schema(),
        [
            ("arn", Value::string(role.arn())),
            ("aws_service_name", Value::string(service.as_str())),
            ("create_date", Value::string(timestamp(role.create_date()))),
            ("custom_suffix", suffix_value),
            ("description", crate::iam::optional_text(role.description(), current, "description")),
            ("id", Value::string(id.as_str())),
            ("name", Value::string(role.role_name())),
            ("path", Value::string(role.path())),
            ("tags", tags),
            ("tags_all", tags_all),
            ("unique_id", Value::string(role.role_id())),
        ],
    )))
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(prior);
    let what = format!("updating {WHAT} ({id})");
    let (_, name, _) = decode_id(&id)?;
    if !attr(prior, "description").raw_equal(&attr(planned, "description")) {
        aws.log_call("iam:UpdateRole");
        aws.block(
            aws.iam
                .update_role()
                .role_name(&name)
                .description(str_attr(planned, "description").unwrap_or_default())
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("iam:UntagRole");
        aws.block(aws.iam.untag_role().role_name(&name).set_tag_keys(Some(remove)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    if let Some(t) = iam_tags(&set) {
        aws.log_call("iam:TagRole");
        aws.block(aws.iam.tag_role().role_name(&name).set_tags(Some(t)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    read_after_write(aws, planned)
}

/// DeleteServiceLinkedRole starts a deletion task; it is waited for
/// (bounded by the operation's deadline) until it succeeds or fails.
pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = crate::id_of(prior);
    let what = format!("deleting {WHAT} ({id})");
    let Ok((_, name, _)) = decode_id(&id) else { return Ok(()) };
    aws.log_call("iam:DeleteServiceLinkedRole");
    let task = match aws.block(aws.iam.delete_service_linked_role().role_name(&name).send()).map_err(aws_error) {
        Ok(out) => out.deletion_task_id().to_string(),
        Err(e) if is_no_such_entity(&e) => return Ok(()),
        Err(e) => return Err(e.into_diag(&what)),
    };
    if task.is_empty() {
        return Ok(());
    }
    let pending = crate::client::AwsError { code: "DeletionPending".into(), message: String::new() };
    let result = aws.retry(
        Duration::from_secs(300),
        |e| e.code == "DeletionPending",
        || {
            aws.log_call("iam:GetServiceLinkedRoleDeletionStatus");
            let out = aws
                .block(aws.iam.get_service_linked_role_deletion_status().deletion_task_id(&task).send())
                .map_err(aws_error)?;
            use aws_sdk_iam::types::DeletionTaskStatusType as S;
            match out.status() {
                S::Succeeded => Ok(()),
                S::Failed => Err(crate::client::AwsError {
                    code: "DeletionFailed".into(),
                    message: out.reason().and_then(|r| r.reason()).unwrap_or("the deletion task failed").to_string(),
                }),
                _ => Err(pending.clone()),
            }
        },
    );
    match result {
        // moto keeps no deletion tasks: the role is gone when the call returns.
        Err(e) if is_no_such_entity(&e) => Ok(()),
        Err(e) => Err(e.into_diag(&format!("waiting for {WHAT} ({id}) delete"))),
        Ok(()) => Ok(()),
    }
}

/// The role an interrupted create made: the service's roles (under its
/// path), with the suffix asked for and the create token tag (added just
/// after the create; a role found without it is `CannotTell`'s business,
/// so only a tagged one is claimed).
pub fn find(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for an IAM service linked role an interrupted create made";
    let service = str_attr(planned, "aws_service_name").unwrap_or_default();
    aws.log_call("iam:ListRoles");
    let out = aws
        .block(aws.iam.list_roles().path_prefix(format!("/aws-service-role/{service}/")).send())
        .map_err(|e| aws_error(e).into_diag(what))?;
    for role in out.roles() {
        aws.log_call("iam:ListRoleTags");
        let tagged = match aws.block(aws.iam.list_role_tags().role_name(role.role_name()).send()).map_err(aws_error) {
            Ok(t) => t.tags().iter().any(|t| t.key() == tags::CREATE_TOKEN_TAG && t.value() == token),
            Err(e) if is_no_such_entity(&e) => false,
            Err(e) => return Err(e.into_diag(what)),
        };
        if tagged {
            let stub = with_attr(planned, "id", Value::string(role.arn()));
            return read(aws, &crate::util::known_or_null(&stub));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_give_the_service_name_and_suffix() {
        let arn = "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_app";
        let (service, role, suffix) = decode_id(arn).unwrap();
        assert_eq!(
            (service.as_str(), role.as_str(), suffix.as_str()),
            ("autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling_app", "app")
        );
        let plain = "arn:aws:iam::123456789012:role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk";
        assert_eq!(decode_id(plain).unwrap().2, "");
        assert!(decode_id("AWSServiceRoleForAutoScaling").is_err());
        assert!(decode_id("arn:aws:iam::123456789012:role/plain").is_err());
    }

    #[test]
    fn a_service_name_is_a_hostname() {
        let config = object(&schema(), [("aws_service_name", Value::string("autoscaling"))]);
        assert_eq!(validate(&config).len(), 1);
        let config = object(&schema(), [("aws_service_name", Value::string("autoscaling.amazonaws.com"))]);
        assert!(validate(&config).is_empty());
    }
}
