//! API Gateway REST (v1), as hashicorp/aws 6.x models it:
//! `aws_api_gateway_rest_api` (OpenAPI `body` through PutRestApi, policy
//! compared by meaning), `_resource`, `_method` and `_integration` (the
//! tree of paths and what each method calls), `_deployment` (6.x: no
//! stage of its own; every argument but `description` replaces) and
//! `_stage`, `_api_key` (its `value` sensitive), `_usage_plan` and
//! `_usage_plan_key`. Updates are the JSON-patch operations AWS takes
//! (`patchOperations`), built as the provider builds them.
//!
//! The rest of the crate reaches this family only through [`ApiGateway`].

mod deployment;
mod paths;
mod rest_api;
mod usage_plan;

use crate::client::{aws_error, Aws, AwsError};
use crate::family::Family;
use crate::tags;
use crate::util::{attr, map_of, str_attr, string_map, with_attr};
use aws_sdk_apigateway::types::{Op, PatchOperation};
use std::collections::{BTreeMap, HashMap};
use strata_lang::{Type, Value};
use strata_provider::{AttributePath, Block, ListedObject, PathStep, ProviderDiagnostic};

pub const REST_API: &str = "aws_api_gateway_rest_api";
pub const RESOURCE: &str = "aws_api_gateway_resource";
pub const METHOD: &str = "aws_api_gateway_method";
pub const INTEGRATION: &str = "aws_api_gateway_integration";
pub const DEPLOYMENT: &str = "aws_api_gateway_deployment";
pub const STAGE: &str = "aws_api_gateway_stage";
pub const API_KEY: &str = "aws_api_gateway_api_key";
pub const USAGE_PLAN: &str = "aws_api_gateway_usage_plan";
pub const USAGE_PLAN_KEY: &str = "aws_api_gateway_usage_plan_key";

pub const TYPES: [&str; 9] =
    [REST_API, RESOURCE, METHOD, INTEGRATION, DEPLOYMENT, STAGE, API_KEY, USAGE_PLAN, USAGE_PLAN_KEY];

/// The family (`family::FAMILIES`).
pub struct ApiGateway;

impl Family for ApiGateway {
    fn types(&self) -> &'static [&'static str] {
        &TYPES
    }

    fn schema(&self, type_name: &str) -> Block {
        match type_name {
            REST_API => rest_api::schema(),
            RESOURCE => paths::resource_schema(),
            METHOD => paths::method_schema(),
            INTEGRATION => paths::integration_schema(),
            DEPLOYMENT => deployment::deployment_schema(),
            STAGE => deployment::stage_schema(),
            API_KEY => usage_plan::api_key_schema(),
            USAGE_PLAN => usage_plan::usage_plan_schema(),
            _ => usage_plan::usage_plan_key_schema(),
        }
    }

    fn defaults(&self, type_name: &str) -> Vec<(&'static str, Value)> {
        match type_name {
            REST_API => vec![("put_rest_api_mode", Value::string("overwrite"))],
            METHOD => vec![("api_key_required", Value::bool(false))],
            INTEGRATION => {
                vec![("connection_type", Value::string("INTERNET")), ("timeout_milliseconds", Value::int(29000))]
            }
            API_KEY => vec![("description", Value::string("Managed by Terraform")), ("enabled", Value::bool(true))],
            _ => Vec::new(),
        }
    }

    fn validate(&self, type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
        if config.is_null() {
            return Vec::new();
        }
        match type_name {
            REST_API => rest_api::validate(config),
            METHOD => paths::validate_method(config),
            INTEGRATION => paths::validate_integration(config),
            STAGE => deployment::validate_stage(config),
            API_KEY => usage_plan::validate_api_key(config),
            USAGE_PLAN => usage_plan::validate_usage_plan(config),
            _ => Vec::new(),
        }
    }

    fn plan(&self, type_name: &str, planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
        match type_name {
            REST_API => (rest_api::plan(planned, config, prior), Vec::new()),
            RESOURCE => (paths::plan_resource(planned, prior), Vec::new()),
            STAGE => (deployment::plan_stage(planned, prior), Vec::new()),
            API_KEY => (usage_plan::plan_api_key(planned, prior), Vec::new()),
            USAGE_PLAN => (usage_plan::plan_usage_plan(planned), Vec::new()),
            _ => (planned.clone(), Vec::new()),
        }
    }

    fn apply(&self, aws: &Aws, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
        let creating = prior.is_null();
        match (type_name, creating) {
            (REST_API, true) => rest_api::create(aws, planned),
            (REST_API, false) => rest_api::update(aws, prior, planned),
            (RESOURCE, true) => paths::create_resource(aws, planned),
            (RESOURCE, false) => paths::update_resource(aws, prior, planned),
            (METHOD, true) => paths::put_method(aws, planned),
            (METHOD, false) => paths::update_method(aws, prior, planned),
            (INTEGRATION, true) => paths::put_integration(aws, planned),
            (INTEGRATION, false) => paths::update_integration(aws, prior, planned),
            (DEPLOYMENT, true) => deployment::create_deployment(aws, planned),
            (DEPLOYMENT, false) => deployment::update_deployment(aws, prior, planned),
            (STAGE, true) => deployment::create_stage(aws, planned),
            (STAGE, false) => deployment::update_stage(aws, prior, planned),
            (API_KEY, true) => usage_plan::create_api_key(aws, planned),
            (API_KEY, false) => usage_plan::update_api_key(aws, prior, planned),
            (USAGE_PLAN, true) => usage_plan::create_usage_plan(aws, planned),
            (USAGE_PLAN, false) => usage_plan::update_usage_plan(aws, prior, planned),
            // Every argument replaces: there is no update.
            (_, _) => usage_plan::create_usage_plan_key(aws, planned),
        }
    }

    fn read(&self, aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        match type_name {
            REST_API => rest_api::read(aws, current),
            RESOURCE => paths::read_resource(aws, current),
            METHOD => paths::read_method(aws, current),
            INTEGRATION => paths::read_integration(aws, current),
            DEPLOYMENT => deployment::read_deployment(aws, current),
            STAGE => deployment::read_stage(aws, current),
            API_KEY => usage_plan::read_api_key(aws, current),
            USAGE_PLAN => usage_plan::read_usage_plan(aws, current),
            _ => usage_plan::read_usage_plan_key(aws, current),
        }
    }

    fn delete(&self, aws: &Aws, type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
        match type_name {
            REST_API => rest_api::delete(aws, prior),
            RESOURCE => paths::delete_resource(aws, prior),
            METHOD => paths::delete_method(aws, prior),
            INTEGRATION => paths::delete_integration(aws, prior),
            DEPLOYMENT => deployment::delete_deployment(aws, prior),
            STAGE => deployment::delete_stage(aws, prior),
            API_KEY => usage_plan::delete_api_key(aws, prior),
            USAGE_PLAN => usage_plan::delete_usage_plan(aws, prior),
            _ => usage_plan::delete_usage_plan_key(aws, prior),
        }
    }

    /// A deployment is untagged and nothing names it before it exists.
    fn cannot_find_created(&self, type_name: &str, _planned: &Value) -> bool {
        type_name == DEPLOYMENT
    }

    /// Tagged types by their name (or stage) and the create token tag;
    /// the others by what names them.
    fn find(
        &self,
        aws: &Aws,
        type_name: &str,
        token: &str,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderDiagnostic> {
        let planned = &crate::util::known_or_null(planned);
        match type_name {
            REST_API => rest_api::find(aws, token, planned),
            RESOURCE => paths::find_resource(aws, planned),
            METHOD => paths::find_method(aws, planned),
            INTEGRATION => paths::find_integration(aws, planned),
            DEPLOYMENT => Ok(None), // `cannot_find_created`
            STAGE => deployment::find_stage(aws, token, planned),
            API_KEY => usage_plan::find_api_key(aws, token, planned),
            USAGE_PLAN => usage_plan::find_usage_plan(aws, token, planned),
            _ => usage_plan::find_usage_plan_key(aws, planned),
        }
    }

    /// A create that fails after its object exists (a REST API whose
    /// OpenAPI put AWS refused, a stage or usage plan whose follow-up
    /// patch failed) leaves it to be found by its token and kept tainted.
    fn keeps_failed_creates(&self, type_name: &str) -> bool {
        matches!(type_name, REST_API | STAGE | USAGE_PLAN)
    }

    /// The region's REST APIs, API keys and usage plans, for `drift -unmanaged`.
    fn list(&self, aws: &Aws, type_name: &str) -> Option<Result<Vec<ListedObject>, ProviderDiagnostic>> {
        let listed = |id: Option<&str>, tags: Option<&HashMap<String, String>>| ListedObject {
            id: id.unwrap_or_default().to_string(),
            tags: tags.map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default(),
        };
        let client = &aws.apigateway;
        Some(match type_name {
            REST_API => pages(aws, "apigateway:GetRestApis", "listing API Gateway REST APIs", |p| {
                let out = aws.block(client.get_rest_apis().set_position(p).limit(500).send()).map_err(aws_error)?;
                let items = out.items().iter().map(|a| listed(a.id(), a.tags())).collect();
                Ok((items, out.position().map(String::from)))
            }),
            API_KEY => pages(aws, "apigateway:GetApiKeys", "listing API Gateway API Keys", |p| {
                let out = aws.block(client.get_api_keys().set_position(p).limit(500).send()).map_err(aws_error)?;
                let items = out.items().iter().map(|k| listed(k.id(), k.tags())).collect();
                Ok((items, out.position().map(String::from)))
            }),
            USAGE_PLAN => pages(aws, "apigateway:GetUsagePlans", "listing API Gateway Usage Plans", |p| {
                let out = aws.block(client.get_usage_plans().set_position(p).limit(500).send()).map_err(aws_error)?;
                let items = out.items().iter().map(|u| listed(u.id(), u.tags())).collect();
                Ok((items, out.position().map(String::from)))
            }),
            _ => return None,
        })
    }
}

/// Every page of a `position`-paged listing.
fn pages(
    aws: &Aws,
    call: &str,
    what: &str,
    mut page: impl FnMut(Option<String>) -> Result<(Vec<ListedObject>, Option<String>), AwsError>,
) -> Result<Vec<ListedObject>, ProviderDiagnostic> {
    let (mut all, mut position) = (Vec::new(), None);
    for _ in 0..1000 {
        aws.log_call(call);
        let (items, next) = page(position).map_err(|e| e.into_diag(what))?;
        all.extend(items.into_iter().filter(|o| !o.id.is_empty()));
        match next.filter(|p| !p.is_empty()) {
            Some(p) => position = Some(p),
            None => break,
        }
    }
    Ok(all)
}

// Shared by the family's modules.

/// One JSON-patch operation.
fn patch(op: Op, path: &str, value: Option<String>) -> PatchOperation {
    PatchOperation::builder().op(op).path(path).set_value(value).build()
}

fn replace(path: &str, value: impl Into<String>) -> PatchOperation {
    patch(Op::Replace, path, Some(value.into()))
}

/// A JSON pointer segment (RFC 6901): `~` and `/` escaped.
fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// API Gateway's "not there" error (`NotFoundException`).
fn is_gone(e: &AwsError) -> bool {
    e.code == "NotFoundException" || e.is_not_found()
}

/// What an AWS call answered, `None` when the object is not there.
fn found<T>(r: Result<T, AwsError>, what: &str) -> Result<Option<T>, ProviderDiagnostic> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if is_gone(&e) => Ok(None),
        Err(e) => Err(e.into_diag(what)),
    }
}

/// A delete that finds the object already gone has done its work.
fn deleted(r: Result<(), AwsError>, what: &str) -> Result<(), ProviderDiagnostic> {
    match r {
        Err(e) if !is_gone(&e) => Err(e.into_diag(what)),
        _ => Ok(()),
    }
}

/// Text where AWS has it, null where not.
fn opt_text(v: Option<&str>) -> Value {
    v.map(Value::string).unwrap_or_else(|| Value::null(Type::String))
}

/// A timestamp as the provider stores it (RFC 3339).
fn date(d: Option<&aws_sdk_apigateway::primitives::DateTime>) -> Value {
    d.and_then(|d| d.fmt(aws_sdk_apigateway::primitives::DateTimeFormat::DateTime).ok())
        .map(|s| Value::string(s.as_str()))
        .unwrap_or_else(|| Value::null(Type::String))
}

/// A map(string) from what AWS reports (empty when absent).
fn text_map(m: Option<&HashMap<String, String>>) -> Value {
    string_map(&m.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default())
}

/// A map(string) argument as AWS takes it (None when empty).
fn hash_map(v: &Value) -> Option<HashMap<String, String>> {
    let m = map_of(v);
    (!m.is_empty()).then(|| m.into_iter().collect())
}

/// `tags_all` as sent at create time (create token included).
fn tags_in(planned: &Value) -> Option<HashMap<String, String>> {
    hash_map(&attr(planned, "tags_all"))
}

fn has_token(remote: Option<&HashMap<String, String>>, token: &str) -> bool {
    remote.and_then(|t| t.get(tags::CREATE_TOKEN_TAG)).is_some_and(|v| v == token)
}

/// `(tags, tags_all)` as state holds them, from what AWS reports.
fn read_tags(aws: &Aws, current: &Value, remote: Option<&HashMap<String, String>>) -> (Value, Value) {
    let pairs: Vec<(String, String)> =
        remote.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default();
    tags::read_tags(&aws.default_tags, &attr(current, "tags"), pairs)
}

/// Tags changed in place through TagResource/UntagResource.
fn update_tags(aws: &Aws, arn: &str, prior: &Value, planned: &Value, what: &str) -> Result<(), ProviderDiagnostic> {
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("apigateway:UntagResource");
        aws.block(aws.apigateway.untag_resource().resource_arn(arn).set_tag_keys(Some(remove)).send())
            .map_err(|e| aws_error(e).into_diag(what))?;
    }
    if !set.is_empty() {
        aws.log_call("apigateway:TagResource");
        aws.block(aws.apigateway.tag_resource().resource_arn(arn).set_tags(Some(set.into_iter().collect())).send())
            .map_err(|e| aws_error(e).into_diag(what))?;
    }
    Ok(())
}

/// An API Gateway resource ARN: `arn:aws:apigateway:REGION::PATH`.
fn arn(aws: &Aws, path: &str) -> String {
    format!("arn:{}:apigateway:{}::{path}", crate::util::partition(&aws.region), aws.region)
}

/// An execute-api ARN: `arn:aws:execute-api:REGION:ACCOUNT:RESOURCE`.
fn execution_arn(aws: &Aws, resource: &str) -> String {
    let account = aws.account_id.clone().unwrap_or_default();
    format!("arn:{}:execute-api:{}:{account}:{resource}", crate::util::partition(&aws.region), aws.region)
}

/// The pieces of an import ID `A/B[/C]`, or the provider's message.
fn id_parts(id: &str, count: usize, expected: &str) -> Result<Vec<String>, ProviderDiagnostic> {
    let parts: Vec<String> = id.split('/').map(String::from).collect();
    if parts.len() != count || parts.iter().any(|p| p.is_empty()) {
        return Err(ProviderDiagnostic::error(
            "Invalid import ID",
            format!("Unexpected format of ID ({id:?}), expected {expected}"),
        ));
    }
    Ok(parts)
}

/// `current` with the attributes an import ID names filled in.
fn with_ids(current: &Value, pairs: &[(&str, &str)]) -> Value {
    pairs.iter().fold(current.clone(), |v, (k, x)| with_attr(&v, k, Value::string(*x)))
}

fn err_at(path: &str, summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(vec![PathStep::Attr(path.into())])
}

/// `expected NAME to be one of [...], got V` when a set string is not allowed.
fn check_enum(config: &Value, name: &str, allowed: &[&str], diags: &mut Vec<ProviderDiagnostic>) {
    if let Some(v) = str_attr(config, name) {
        if !allowed.contains(&v.as_str()) {
            let list: Vec<String> = allowed.iter().map(|a| format!("{a:?}")).collect();
            diags.push(err_at(
                name,
                &format!("Invalid {name}"),
                format!("expected {name} to be one of [{}], got {v}", list.join(" ")),
            ));
        }
    }
}

/// Whether the attribute differs between two objects.
fn changed(prior: &Value, planned: &Value, name: &str) -> bool {
    !attr(prior, name).raw_equal(&attr(planned, name))
}

#[cfg(test)]
mod tests;
