//! `aws_api_gateway_rest_api` (id = the API's ID, imported by it).
//!
//! Created by CreateRestApi, the OpenAPI `body` then put with PutRestApi
//! (mode `put_rest_api_mode`) and the configured arguments patched back
//! over what the document set, as the provider does. `policy` is compared
//! by meaning; the text AWS returns (quotes escaped) keeps the stored
//! text when it means the same. `endpoint_configuration` is an optional
//! and computed block: AWS reports `EDGE` when none was given.

use super::*;
use crate::iam_policy;
use crate::util::{attrs, bool_attr, nonempty, object, plan_computed_block, single, strings_of};
use aws_sdk_apigateway::primitives::Blob;
use aws_sdk_apigateway::types::{ApiKeySourceType, EndpointConfiguration, EndpointType, PutMode, RestApi};
use strata_provider::Attribute;

const WHAT: &str = "API Gateway REST API";

fn endpoint_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("types", Attribute::required(Type::list(Type::String))),
            ("vpc_endpoint_ids", Attribute::optional_computed(Type::set(Type::String))),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("api_key_source", Attribute::optional_computed(Type::String)),
            ("arn", Attribute::computed(Type::String)),
            ("binary_media_types", Attribute::optional_computed(Type::list(Type::String))),
            ("body", Attribute::optional(Type::String)),
            ("created_date", Attribute::computed(Type::String)),
            ("description", Attribute::optional_computed(Type::String)),
            ("disable_execute_api_endpoint", Attribute::optional_computed(Type::Bool)),
            ("execution_arn", Attribute::computed(Type::String)),
            ("fail_on_warnings", Attribute::optional(Type::Bool)),
            ("id", Attribute::computed(Type::String)),
            // The provider's nullable int: a string, "-1" for "unset it".
            ("minimum_compression_size", Attribute::optional_computed(Type::String)),
            ("name", Attribute::required(Type::String)),
            ("parameters", Attribute::optional(Type::map(Type::String))),
            ("policy", Attribute::optional_computed(Type::String)),
            ("put_rest_api_mode", Attribute::optional(Type::String)),
            ("root_resource_id", Attribute::computed(Type::String)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::from([("endpoint_configuration".to_string(), single(endpoint_block()))]),
    }
}

pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    check_enum(config, "api_key_source", &["HEADER", "AUTHORIZER"], &mut diags);
    check_enum(config, "put_rest_api_mode", &["merge", "overwrite"], &mut diags);
    if let Some(p) = nonempty(config, "policy") {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&p) {
            diags.push(err_at("policy", "Invalid policy", format!("\"policy\" contains an invalid JSON: {e}")));
        }
    }
    if let Some(m) = str_attr(config, "minimum_compression_size") {
        let ok = m.parse::<i64>().is_ok_and(|n| (-1..=10_485_760).contains(&n));
        if !ok {
            diags.push(err_at(
                "minimum_compression_size",
                "Invalid minimum_compression_size",
                format!("expected minimum_compression_size to be an integer in the range (-1 - 10485760), got {m}"),
            ));
        }
    }
    for e in crate::util::items(&attr(config, "endpoint_configuration")) {
        for t in strings_of(&attr(&e, "types")) {
            if !["EDGE", "REGIONAL", "PRIVATE"].contains(&t.as_str()) {
                diags.push(err_at(
                    "endpoint_configuration",
                    "Invalid endpoint_configuration",
                    format!("expected endpoint_configuration.0.types to be one of [\"EDGE\" \"REGIONAL\" \"PRIVATE\"], got {t}"),
                ));
            }
        }
        if attr(&e, "types").as_seq().is_some_and(|s| s.len() != 1) {
            diags.push(err_at(
                "endpoint_configuration",
                "Invalid endpoint_configuration",
                "endpoint_configuration.0.types must hold exactly 1 item".into(),
            ));
        }
    }
    diags
}

/// An equivalent policy keeps its stored text; `-1` for an unset
/// compression size is no change; the endpoint block left out keeps what
/// AWS reported.
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> Value {
    let endpoint = plan_computed_block(planned, config, prior, "endpoint_configuration", &endpoint_block(), &[]);
    let mut p = with_attr(planned, "endpoint_configuration", endpoint);
    if prior.is_null() {
        return p;
    }
    let (before, after) = (attr(prior, "policy"), attr(config, "policy"));
    if let (Some(b), Some(a)) = (before.as_str(), after.as_str()) {
        if after.is_known() && iam_policy::equivalent(b, a) {
            p = with_attr(&p, "policy", before.clone());
        }
    }
    let mcs = attr(&p, "minimum_compression_size");
    if mcs.as_str() == Some("-1") && str_attr(prior, "minimum_compression_size").is_none_or(|s| s.is_empty()) {
        p = with_attr(&p, "minimum_compression_size", attr(prior, "minimum_compression_size"));
    }
    // The document may set anything: what it sets is known after the put.
    if changed(prior, &p, "body") || changed(prior, &p, "parameters") {
        for name in ["api_key_source", "binary_media_types", "description", "minimum_compression_size", "policy"] {
            if attr(config, name).is_null() {
                p = with_attr(&p, name, Value::unknown(attr(&p, name).ty()));
            }
        }
    }
    p
}

fn endpoint_of(planned: &Value) -> Option<EndpointConfiguration> {
    let e = crate::util::items(&attr(planned, "endpoint_configuration")).into_iter().next()?;
    if !attr(&e, "types").is_wholly_known() {
        return None;
    }
    let ids = strings_of(&attr(&e, "vpc_endpoint_ids"));
    Some(
        EndpointConfiguration::builder()
            .set_types(Some(strings_of(&attr(&e, "types")).iter().map(|t| EndpointType::from(t.as_str())).collect()))
            .set_vpc_endpoint_ids((!ids.is_empty()).then_some(ids))
            .build(),
    )
}

fn compression_size(planned: &Value) -> Option<i32> {
    str_attr(planned, "minimum_compression_size").filter(|s| s != "-1").and_then(|s| s.parse().ok())
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = str_attr(planned, "name").unwrap_or_default();
    let what = format!("creating {WHAT} ({name})");
    let known = |n: &str| Some(attr(planned, n)).filter(|v| v.is_wholly_known() && !v.is_null());
    let media = known("binary_media_types").map(|v| strings_of(&v)).filter(|m| !m.is_empty());
    aws.log_call("apigateway:CreateRestApi");
    let out = aws
        .block(
            aws.apigateway
                .create_rest_api()
                .name(&name)
                .set_description(known("description").and_then(|v| v.as_str().map(String::from)))
                .set_api_key_source(nonempty(planned, "api_key_source").map(|s| ApiKeySourceType::from(s.as_str())))
                .set_binary_media_types(media)
                .set_disable_execute_api_endpoint(bool_attr(planned, "disable_execute_api_endpoint"))
                .set_endpoint_configuration(endpoint_of(planned))
                .set_minimum_compression_size(compression_size(planned))
                .set_policy(nonempty(planned, "policy").map(|p| iam_policy::normalize(&p)))
                .set_tags(tags_in(planned))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    let id = out.id().unwrap_or_default().to_string();
    let current = with_attr(planned, "id", Value::string(id.as_str()));
    if let Some(body) = nonempty(planned, "body") {
        put_body(aws, &id, planned, &body, &what)?;
    }
    read(aws, &current)?.ok_or_else(|| gone(&id, &what))
}

fn gone(id: &str, what: &str) -> ProviderDiagnostic {
    ProviderDiagnostic::error(format!("{what}: not found"), format!("{what}: {WHAT} {id} is not there"))
}

/// PutRestApi with the document, then the configured arguments patched
/// over what the document set (an `overwrite` put drops them).
fn put_body(aws: &Aws, id: &str, planned: &Value, body: &str, what: &str) -> Result<(), ProviderDiagnostic> {
    let mode = nonempty(planned, "put_rest_api_mode").unwrap_or_else(|| "overwrite".into());
    aws.log_call("apigateway:PutRestApi");
    let api = aws
        .block(
            aws.apigateway
                .put_rest_api()
                .rest_api_id(id)
                .mode(PutMode::from(mode.as_str()))
                .set_fail_on_warnings(bool_attr(planned, "fail_on_warnings"))
                .set_parameters(hash_map(&attr(planned, "parameters")))
                .body(Blob::new(body.as_bytes().to_vec()))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(what))?;
    let mut ops = Vec::new();
    if let Some(s) = nonempty(planned, "api_key_source") {
        if api.api_key_source().map(|a| a.as_str()) != Some(s.as_str()) {
            ops.push(replace("/apiKeySource", s));
        }
    }
    if let Some(d) = str_attr(planned, "description") {
        if api.description() != Some(d.as_str()) {
            ops.push(replace("/description", d));
        }
    }
    if let Some(p) = nonempty(planned, "policy") {
        if !iam_policy::equivalent(&p, &policy_text(api.policy())) {
            ops.push(replace("/policy", iam_policy::normalize(&p)));
        }
    }
    let media = attr(planned, "binary_media_types");
    if media.is_wholly_known() && !media.is_null() {
        let want = strings_of(&media);
        let have: Vec<String> = api.binary_media_types().to_vec();
        ops.extend(media_type_ops(&have, &want));
    }
    if let Some(n) = compression_size(planned) {
        if api.minimum_compression_size() != Some(n) {
            ops.push(replace("/minimumCompressionSize", n.to_string()));
        }
    }
    if let Some(t) = endpoint_of(planned).and_then(|e| e.types().first().cloned()) {
        let have = api.endpoint_configuration().and_then(|e| e.types().first().cloned());
        if have.as_ref() != Some(&t) {
            ops.push(replace("/endpointConfiguration/types/0", t.as_str()));
        }
    }
    patch_api(aws, id, ops, what)
}

/// Every old media type removed and the new ones added, as the provider
/// patches them (there is no replace).
fn media_type_ops(old: &[String], new: &[String]) -> Vec<PatchOperation> {
    if old == new {
        return Vec::new();
    }
    let path = |m: &str| format!("/binaryMediaTypes/{}", escape_pointer(m));
    old.iter()
        .map(|m| patch(Op::Remove, &path(m), None))
        .chain(new.iter().map(|m| patch(Op::Add, &path(m), None)))
        .collect()
}

fn patch_api(aws: &Aws, id: &str, ops: Vec<PatchOperation>, what: &str) -> Result<(), ProviderDiagnostic> {
    if ops.is_empty() {
        return Ok(());
    }
    aws.log_call("apigateway:UpdateRestApi");
    aws.block(aws.apigateway.update_rest_api().rest_api_id(id).set_patch_operations(Some(ops)).send())
        .map(|_| ())
        .map_err(|e| aws_error(e).into_diag(what))
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(prior);
    let what = format!("updating {WHAT} ({id})");
    let ch = |n: &str| changed(prior, planned, n) && attr(planned, n).is_wholly_known();
    let mut ops = Vec::new();
    if ch("api_key_source") {
        ops.push(replace("/apiKeySource", str_attr(planned, "api_key_source").unwrap_or_default()));
    }
    if ch("binary_media_types") {
        ops.extend(media_type_ops(
            &strings_of(&attr(prior, "binary_media_types")),
            &strings_of(&attr(planned, "binary_media_types")),
        ));
    }
    if ch("description") {
        ops.push(replace("/description", str_attr(planned, "description").unwrap_or_default()));
    }
    if ch("disable_execute_api_endpoint") {
        let v = bool_attr(planned, "disable_execute_api_endpoint").unwrap_or(false);
        ops.push(replace("/disableExecuteApiEndpoint", v.to_string()));
    }
    let endpoint = |v: &Value| crate::util::items(&attr(v, "endpoint_configuration")).into_iter().next();
    let (old_e, new_e) = (endpoint(prior), endpoint(planned));
    if let Some(new_e) = &new_e {
        let types = |e: &Option<Value>| e.as_ref().map(|e| strings_of(&attr(e, "types"))).unwrap_or_default();
        let new_types = strings_of(&attr(new_e, "types"));
        if types(&old_e) != new_types {
            if let Some(t) = new_types.first() {
                ops.push(replace("/endpointConfiguration/types/0", t.as_str()));
            }
        }
        let ids = |e: &Option<Value>| e.as_ref().map(|e| strings_of(&attr(e, "vpc_endpoint_ids"))).unwrap_or_default();
        if attr(new_e, "vpc_endpoint_ids").is_wholly_known() {
            let (old_ids, new_ids) = (ids(&old_e), strings_of(&attr(new_e, "vpc_endpoint_ids")));
            for gone in old_ids.iter().filter(|i| !new_ids.contains(i)) {
                ops.push(patch(Op::Remove, "/endpointConfiguration/vpcEndpointIds", Some(gone.clone())));
            }
            for added in new_ids.iter().filter(|i| !old_ids.contains(i)) {
                ops.push(patch(Op::Add, "/endpointConfiguration/vpcEndpointIds", Some(added.clone())));
            }
        }
    }
    if ch("minimum_compression_size") {
        let v = str_attr(planned, "minimum_compression_size").filter(|s| s != "-1" && !s.is_empty());
        ops.push(patch(Op::Replace, "/minimumCompressionSize", v));
    }
    if ch("name") {
        ops.push(replace("/name", str_attr(planned, "name").unwrap_or_default()));
    }
    if ch("policy") {
        ops.push(replace("/policy", iam_policy::normalize(&str_attr(planned, "policy").unwrap_or_default())));
    }
    patch_api(aws, &id, ops, &what)?;
    if changed(prior, planned, "body") || changed(prior, planned, "parameters") {
        if let Some(body) = nonempty(planned, "body") {
            put_body(aws, &id, planned, &body, &what)?;
        }
    }
    update_tags(aws, &super::arn(aws, &format!("/restapis/{id}")), prior, planned, &what)?;
    read(aws, planned)?.ok_or_else(|| gone(&id, &what))
}

/// The policy text AWS returns has its quotes escaped (`{\"Version\"…`).
fn policy_text(remote: Option<&str>) -> String {
    let Some(p) = remote.filter(|p| !p.is_empty()) else { return String::new() };
    if serde_json::from_str::<serde_json::Value>(p).is_ok() {
        return p.to_string();
    }
    p.replace("\\\"", "\"")
}

/// The API, as the `RestApi` a listing holds (GetRestApi answers with the
/// same fields), so that `read` and `find` share `to_state`.
fn describe(aws: &Aws, id: &str, what: &str) -> Result<Option<RestApi>, ProviderDiagnostic> {
    aws.log_call("apigateway:GetRestApi");
    let out = aws.block(aws.apigateway.get_rest_api().rest_api_id(id).send()).map_err(aws_error);
    Ok(found(out, what)?.map(|o| {
        RestApi::builder()
            .set_id(o.id().map(String::from))
            .set_name(o.name().map(String::from))
            .set_description(o.description().map(String::from))
            .set_created_date(o.created_date().cloned())
            .set_binary_media_types(Some(o.binary_media_types().to_vec()))
            .set_minimum_compression_size(o.minimum_compression_size())
            .set_api_key_source(o.api_key_source().cloned())
            .set_endpoint_configuration(o.endpoint_configuration().cloned())
            .set_policy(o.policy().map(String::from))
            .set_tags(o.tags().cloned())
            .disable_execute_api_endpoint(o.disable_execute_api_endpoint())
            .set_root_resource_id(o.root_resource_id().map(String::from))
            .build()
    }))
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = crate::id_of(current);
    let what = format!("reading {WHAT} ({id})");
    Ok(describe(aws, &id, &what)?.map(|api| to_state(aws, current, &api)))
}

fn to_state(aws: &Aws, current: &Value, api: &RestApi) -> Value {
    let id = api.id().unwrap_or_default();
    let (tags, tags_all) = read_tags(aws, current, api.tags());
    let endpoint: Vec<Value> = api
        .endpoint_configuration()
        .map(|e| {
            object(
                &endpoint_block(),
                [
                    ("types", crate::util::string_list(e.types().iter().map(|t| t.as_str().to_string()))),
                    (
                        "vpc_endpoint_ids",
                        Value::set(
                            Type::String,
                            e.vpc_endpoint_ids().iter().map(|i| Value::string(i.as_str())).collect(),
                        ),
                    ),
                ],
            )
        })
        .into_iter()
        .collect();
    let remote_policy = policy_text(api.policy());
    let policy = if remote_policy.is_empty() {
        String::new()
    } else {
        iam_policy::to_store(str_attr(current, "policy").as_deref(), &remote_policy)
    };
    let mode = nonempty(current, "put_rest_api_mode").unwrap_or_else(|| "overwrite".into());
    object(
        &schema(),
        [
            ("api_key_source", opt_text(api.api_key_source().map(|a| a.as_str()))),
            ("arn", Value::string(super::arn(aws, &format!("/restapis/{id}")))),
            ("binary_media_types", crate::util::string_list(api.binary_media_types().iter().cloned())),
            ("body", attr(current, "body")),
            ("created_date", date(api.created_date())),
            ("description", Value::string(api.description().unwrap_or_default())),
            ("disable_execute_api_endpoint", Value::bool(api.disable_execute_api_endpoint())),
            ("execution_arn", Value::string(execution_arn(aws, id))),
            ("fail_on_warnings", attr(current, "fail_on_warnings")),
            ("id", Value::string(id)),
            (
                "minimum_compression_size",
                api.minimum_compression_size()
                    .map(|n| Value::string(n.to_string()))
                    .unwrap_or_else(|| Value::string("")),
            ),
            ("name", Value::string(api.name().unwrap_or_default())),
            ("parameters", attr(current, "parameters")),
            ("policy", Value::string(policy)),
            ("put_rest_api_mode", Value::string(mode)),
            ("root_resource_id", opt_text(api.root_resource_id())),
            ("tags", tags),
            ("tags_all", tags_all),
            ("endpoint_configuration", Value::list(endpoint_block().implied_type(), endpoint)),
        ],
    )
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = crate::id_of(prior);
    let what = format!("deleting {WHAT} ({id})");
    aws.log_call("apigateway:DeleteRestApi");
    // AWS throttles deletes of REST APIs hard (one per 30 s per account).
    let r = aws.retry(
        crate::client::DEPENDENCY_TIMEOUT,
        |e| e.code == "TooManyRequestsException",
        || aws.block(aws.apigateway.delete_rest_api().rest_api_id(&id).send()).map(|_| ()).map_err(aws_error),
    );
    deleted(r, &what)
}

/// The API of the planned name carrying the create token.
pub fn find(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for an API Gateway REST API an interrupted create made";
    let Some(name) = nonempty(planned, "name") else { return Ok(None) };
    let mut position: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("apigateway:GetRestApis");
        let out = aws
            .block(aws.apigateway.get_rest_apis().set_position(position.clone()).limit(500).send())
            .map_err(|e| aws_error(e).into_diag(what))?;
        if let Some(api) = out.items().iter().find(|a| a.name() == Some(name.as_str()) && has_token(a.tags(), token)) {
            return Ok(Some(to_state(aws, planned, api)));
        }
        match out.position().filter(|p| !p.is_empty()) {
            Some(p) => position = Some(p.to_string()),
            None => break,
        }
    }
    Ok(None)
}
