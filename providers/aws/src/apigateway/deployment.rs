//! `aws_api_gateway_deployment` (id = the deployment's ID, imported as
//! `REST-API-ID/DEPLOYMENT-ID`; 6.x has no `stage_name` and friends: a
//! stage is an `aws_api_gateway_stage`) and `aws_api_gateway_stage` (id
//! `ags-API-STAGE`, imported as `REST-API-ID/STAGE-NAME`; a new
//! deployment is an in-place UpdateStage).
//!
//! A deployment is a snapshot: `triggers` and `variables` replace it,
//! `description` is patched. It is untagged and nothing names it before
//! it exists, so an interrupted create cannot be found.

use super::*;
use crate::util::{attrs, bool_attr, nonempty, object, single};
use aws_sdk_apigateway::types::{AccessLogSettings, CacheClusterSize, CanarySettings};
use strata_provider::Attribute;

pub fn deployment_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("created_date", Attribute::computed(Type::String)),
            ("description", Attribute::optional(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("rest_api_id", Attribute::required(Type::String).force_new()),
            ("triggers", Attribute::optional(Type::map(Type::String)).force_new()),
            ("variables", Attribute::optional(Type::map(Type::String)).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn create_deployment(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let api = str_attr(planned, "rest_api_id").unwrap_or_default();
    let what = format!("creating API Gateway Deployment ({api})");
    aws.log_call("apigateway:CreateDeployment");
    let out = aws
        .block(
            aws.apigateway
                .create_deployment()
                .rest_api_id(&api)
                .description(str_attr(planned, "description").unwrap_or_default())
                .set_variables(hash_map(&attr(planned, "variables")))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    let current = with_attr(planned, "id", Value::string(out.id().unwrap_or_default()));
    read_deployment(aws, &current)?.ok_or_else(|| ProviderDiagnostic::error(&what, format!("{what}: not found")))
}

/// Only the description changes in place (moto lacks UpdateDeployment).
pub fn update_deployment(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (api, id) = (str_attr(prior, "rest_api_id").unwrap_or_default(), crate::id_of(prior));
    let what = format!("updating API Gateway Deployment ({id})");
    if changed(prior, planned, "description") {
        let ops = vec![replace("/description", str_attr(planned, "description").unwrap_or_default())];
        aws.log_call("apigateway:UpdateDeployment");
        aws.block(
            aws.apigateway
                .update_deployment()
                .rest_api_id(&api)
                .deployment_id(&id)
                .set_patch_operations(Some(ops))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    read_deployment(aws, planned)?.ok_or_else(|| ProviderDiagnostic::error(&what, format!("{what}: not found")))
}

pub fn read_deployment(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let mut current = current.clone();
    let mut id = crate::id_of(&current);
    if id.contains('/') || nonempty(&current, "rest_api_id").is_none() {
        let parts = id_parts(&id, 2, "REST-API-ID/DEPLOYMENT-ID")?;
        current = with_ids(&current, &[("rest_api_id", &parts[0])]);
        id = parts[1].clone();
    }
    let api = str_attr(&current, "rest_api_id").unwrap_or_default();
    let what = format!("reading API Gateway Deployment ({id})");
    aws.log_call("apigateway:GetDeployment");
    let out = aws.block(aws.apigateway.get_deployment().rest_api_id(&api).deployment_id(&id).send()).map_err(aws_error);
    let Some(d) = found(out, &what)? else { return Ok(None) };
    Ok(Some(object(
        &deployment_schema(),
        [
            ("created_date", date(d.created_date())),
            ("description", Value::string(d.description().unwrap_or_default())),
            ("id", Value::string(id.as_str())),
            ("rest_api_id", Value::string(api.as_str())),
            // Not reported by AWS: what was configured.
            ("triggers", attr(&current, "triggers")),
            ("variables", attr(&current, "variables")),
        ],
    )))
}

pub fn delete_deployment(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let (api, id) = (str_attr(prior, "rest_api_id").unwrap_or_default(), crate::id_of(prior));
    aws.log_call("apigateway:DeleteDeployment");
    let r = aws.block(aws.apigateway.delete_deployment().rest_api_id(&api).deployment_id(&id).send());
    deleted(r.map(|_| ()).map_err(aws_error), &format!("deleting API Gateway Deployment ({id})"))
}

// aws_api_gateway_stage

fn access_log_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("destination_arn", Attribute::required(Type::String)),
            ("format", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn canary_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("percent_traffic", Attribute::optional(Type::Number)),
            ("stage_variable_overrides", Attribute::optional(Type::map(Type::String))),
            ("use_stage_cache", Attribute::optional(Type::Bool)),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn stage_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("cache_cluster_enabled", Attribute::optional(Type::Bool)),
            ("cache_cluster_size", Attribute::optional(Type::String)),
            ("client_certificate_id", Attribute::optional(Type::String)),
            ("deployment_id", Attribute::required(Type::String)),
            ("description", Attribute::optional(Type::String)),
            ("documentation_version", Attribute::optional(Type::String)),
            ("execution_arn", Attribute::computed(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("invoke_url", Attribute::computed(Type::String)),
            ("rest_api_id", Attribute::required(Type::String).force_new()),
            ("stage_name", Attribute::required(Type::String).force_new()),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
            ("variables", Attribute::optional(Type::map(Type::String))),
            ("web_acl_arn", Attribute::computed(Type::String)),
            ("xray_tracing_enabled", Attribute::optional(Type::Bool)),
        ]),
        blocks: BTreeMap::from([
            ("access_log_settings".to_string(), single(access_log_block())),
            ("canary_settings".to_string(), single(canary_block())),
        ]),
    }
}

const CACHE_SIZES: [&str; 8] = ["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"];

pub fn validate_stage(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    check_enum(config, "cache_cluster_size", &CACHE_SIZES, &mut diags);
    if let Some(name) = str_attr(config, "stage_name") {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            diags.push(err_at(
                "stage_name",
                "Invalid stage_name",
                format!("stage_name may contain only letters, numbers, hyphens and underscores, got {name:?}"),
            ));
        }
    }
    diags
}

/// A canary's traffic share defaults to 0.
pub fn plan_stage(planned: &Value, _prior: &Value) -> Value {
    let block = canary_block();
    let filled = crate::util::complete_items(
        &attr(planned, "canary_settings"),
        &block,
        strata_provider::Nesting::List,
        "",
        &[("percent_traffic", Value::int(0))],
    );
    with_attr(planned, "canary_settings", filled)
}

fn stage_key(current: &Value) -> Result<(Value, String, String), ProviderDiagnostic> {
    let id = crate::id_of(current);
    let mut current = current.clone();
    if id.contains('/') || nonempty(&current, "rest_api_id").is_none() {
        let p = id_parts(&id, 2, "REST-API-ID/STAGE-NAME")?;
        current = with_ids(&current, &[("rest_api_id", &p[0]), ("stage_name", &p[1])]);
    }
    let api = str_attr(&current, "rest_api_id").unwrap_or_default();
    let stage = str_attr(&current, "stage_name").unwrap_or_default();
    Ok((with_attr(&current, "id", Value::string(format!("ags-{api}-{stage}"))), api, stage))
}

fn stage_arn(aws: &Aws, api: &str, stage: &str) -> String {
    arn(aws, &format!("/restapis/{api}/stages/{stage}"))
}

fn number(n: f64) -> Value {
    strata_lang::Number::from_f64(n).map(Value::number).unwrap_or_else(|| Value::int(0))
}

fn float_attr(v: &Value, name: &str) -> Option<f64> {
    attr(v, name).unmark_deep().0.as_number().map(|n| n.to_f64())
}

pub fn create_stage(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (current, api, stage) = stage_key(planned)?;
    let what = format!("creating API Gateway Stage ({stage})");
    let deployment = str_attr(planned, "deployment_id").unwrap_or_default();
    let canary = crate::util::items(&attr(planned, "canary_settings")).into_iter().next().map(|c| {
        CanarySettings::builder()
            .deployment_id(&deployment)
            .percent_traffic(float_attr(&c, "percent_traffic").unwrap_or(0.0))
            .set_stage_variable_overrides(hash_map(&attr(&c, "stage_variable_overrides")))
            .use_stage_cache(bool_attr(&c, "use_stage_cache").unwrap_or(false))
            .build()
    });
    aws.log_call("apigateway:CreateStage");
    aws.block(
        aws.apigateway
            .create_stage()
            .rest_api_id(&api)
            .stage_name(&stage)
            .deployment_id(&deployment)
            .set_cache_cluster_enabled(bool_attr(planned, "cache_cluster_enabled").filter(|b| *b))
            .set_cache_cluster_size(nonempty(planned, "cache_cluster_size").map(|s| CacheClusterSize::from(s.as_str())))
            .set_canary_settings(canary)
            .set_description(nonempty(planned, "description"))
            .set_documentation_version(nonempty(planned, "documentation_version"))
            .set_variables(hash_map(&attr(planned, "variables")))
            .set_tracing_enabled(bool_attr(planned, "xray_tracing_enabled").filter(|b| *b))
            .set_tags(tags_in(planned))
            .send(),
    )
    .map_err(|e| aws_error(e).into_diag(&what))?;
    // What CreateStage does not take is patched on, as the provider does.
    let bare = with_attr(&current, "client_certificate_id", Value::null(Type::String));
    let bare = with_attr(&bare, "access_log_settings", Value::list(access_log_block().implied_type(), Vec::new()));
    patch_stage(aws, &api, &stage, &bare, planned, &what)?;
    read_stage(aws, &current)?.ok_or_else(|| ProviderDiagnostic::error(&what, format!("{what}: not found")))
}

fn patch_stage(
    aws: &Aws,
    api: &str,
    stage: &str,
    prior: &Value,
    planned: &Value,
    what: &str,
) -> Result<(), ProviderDiagnostic> {
    let ch = |n: &str| changed(prior, planned, n);
    let mut ops = Vec::new();
    if ch("cache_cluster_enabled") && !prior.is_null() {
        ops.push(replace(
            "/cacheClusterEnabled",
            bool_attr(planned, "cache_cluster_enabled").unwrap_or(false).to_string(),
        ));
    }
    if ch("cache_cluster_size") && bool_attr(planned, "cache_cluster_enabled") == Some(true) {
        ops.push(replace("/cacheClusterSize", str_attr(planned, "cache_cluster_size").unwrap_or_default()));
    }
    if ch("client_certificate_id") {
        ops.push(replace("/clientCertificateId", str_attr(planned, "client_certificate_id").unwrap_or_default()));
    }
    let canary = |v: &Value| crate::util::items(&attr(v, "canary_settings")).into_iter().next();
    if ch("canary_settings") {
        match canary(planned) {
            None => ops.push(patch(Op::Remove, "/canarySettings", None)),
            Some(c) => {
                let pct = float_attr(&c, "percent_traffic").unwrap_or(0.0);
                ops.push(replace("/canarySettings/percentTraffic", pct.to_string()));
                let cache = bool_attr(&c, "use_stage_cache").unwrap_or(false);
                ops.push(replace("/canarySettings/useStageCache", cache.to_string()));
                let old = canary(prior).map(|o| map_of(&attr(&o, "stage_variable_overrides"))).unwrap_or_default();
                let new = map_of(&attr(&c, "stage_variable_overrides"));
                for k in old.keys().filter(|k| !new.contains_key(*k)) {
                    ops.push(patch(Op::Remove, &format!("/canarySettings/stageVariableOverrides/{k}"), None));
                }
                for (k, v) in &new {
                    ops.push(replace(&format!("/canarySettings/stageVariableOverrides/{k}"), v.clone()));
                }
            }
        }
    }
    if ch("deployment_id") && !prior.is_null() {
        let d = str_attr(planned, "deployment_id").unwrap_or_default();
        ops.push(replace("/deploymentId", d.clone()));
        if canary(planned).is_some() {
            ops.push(replace("/canarySettings/deploymentId", d));
        }
    }
    if ch("description") && !prior.is_null() {
        ops.push(replace("/description", str_attr(planned, "description").unwrap_or_default()));
    }
    if ch("xray_tracing_enabled") && !prior.is_null() {
        ops.push(replace("/tracingEnabled", bool_attr(planned, "xray_tracing_enabled").unwrap_or(false).to_string()));
    }
    if ch("documentation_version") && !prior.is_null() {
        ops.push(replace("/documentationVersion", str_attr(planned, "documentation_version").unwrap_or_default()));
    }
    if ch("variables") && !prior.is_null() {
        let (old, new) = (map_of(&attr(prior, "variables")), map_of(&attr(planned, "variables")));
        for k in old.keys().filter(|k| !new.contains_key(*k)) {
            ops.push(patch(Op::Remove, &format!("/variables/{k}"), None));
        }
        for (k, v) in new.iter().filter(|(k, v)| old.get(*k) != Some(*v)) {
            ops.push(replace(&format!("/variables/{k}"), v.clone()));
        }
    }
    if ch("access_log_settings") {
        match crate::util::items(&attr(planned, "access_log_settings")).into_iter().next() {
            Some(l) => {
                ops.push(replace(
                    "/accessLogSettings/destinationArn",
                    str_attr(&l, "destination_arn").unwrap_or_default(),
                ));
                ops.push(replace("/accessLogSettings/format", str_attr(&l, "format").unwrap_or_default()));
            }
            None => ops.push(patch(Op::Remove, "/accessLogSettings", None)),
        }
    }
    if ops.is_empty() {
        return Ok(());
    }
    aws.log_call("apigateway:UpdateStage");
    aws.block(aws.apigateway.update_stage().rest_api_id(api).stage_name(stage).set_patch_operations(Some(ops)).send())
        .map(|_| ())
        .map_err(|e| aws_error(e).into_diag(what))
}

pub fn update_stage(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (current, api, stage) = stage_key(planned)?;
    let what = format!("updating API Gateway Stage ({})", crate::id_of(&current));
    patch_stage(aws, &api, &stage, prior, planned, &what)?;
    update_tags(aws, &stage_arn(aws, &api, &stage), prior, planned, &what)?;
    read_stage(aws, &current)?.ok_or_else(|| ProviderDiagnostic::error(&what, format!("{what}: not found")))
}

pub fn read_stage(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let (current, api, stage) = stage_key(current)?;
    let what = format!("reading API Gateway Stage ({})", crate::id_of(&current));
    aws.log_call("apigateway:GetStage");
    let out = aws.block(aws.apigateway.get_stage().rest_api_id(&api).stage_name(&stage).send()).map_err(aws_error);
    let Some(s) = found(out, &what)? else { return Ok(None) };
    let (tags, tags_all) = read_tags(aws, &current, s.tags());
    let logs: Vec<Value> = s
        .access_log_settings()
        .filter(|l| l.destination_arn().is_some())
        .map(|l: &AccessLogSettings| {
            object(
                &access_log_block(),
                [("destination_arn", opt_text(l.destination_arn())), ("format", opt_text(l.format()))],
            )
        })
        .into_iter()
        .collect();
    let canary: Vec<Value> = s
        .canary_settings()
        .map(|c| {
            object(
                &canary_block(),
                [
                    ("percent_traffic", number(c.percent_traffic())),
                    ("stage_variable_overrides", text_map(c.stage_variable_overrides())),
                    ("use_stage_cache", Value::bool(c.use_stage_cache())),
                ],
            )
        })
        .into_iter()
        .collect();
    let enabled = s.cache_cluster_enabled();
    let size = match s.cache_cluster_size() {
        Some(size) if enabled => Value::string(size.as_str()),
        _ => attr(&current, "cache_cluster_size"),
    };
    Ok(Some(object(
        &stage_schema(),
        [
            ("arn", Value::string(stage_arn(aws, &api, &stage))),
            ("cache_cluster_enabled", Value::bool(enabled)),
            ("cache_cluster_size", size),
            ("client_certificate_id", opt_text(s.client_certificate_id())),
            ("deployment_id", opt_text(s.deployment_id())),
            ("description", opt_text(s.description())),
            ("documentation_version", opt_text(s.documentation_version())),
            ("execution_arn", Value::string(execution_arn(aws, &format!("{api}/{stage}")))),
            ("id", attr(&current, "id")),
            ("invoke_url", Value::string(format!("https://{api}.execute-api.{}.amazonaws.com/{stage}", aws.region))),
            ("rest_api_id", Value::string(api.as_str())),
            ("stage_name", Value::string(stage.as_str())),
            ("tags", tags),
            ("tags_all", tags_all),
            ("variables", text_map(s.variables())),
            ("web_acl_arn", opt_text(s.web_acl_arn())),
            ("xray_tracing_enabled", Value::bool(s.tracing_enabled())),
            ("access_log_settings", Value::list(access_log_block().implied_type(), logs)),
            ("canary_settings", Value::list(canary_block().implied_type(), canary)),
        ],
    )))
}

pub fn delete_stage(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let (current, api, stage) = stage_key(prior)?;
    aws.log_call("apigateway:DeleteStage");
    let r = aws.block(aws.apigateway.delete_stage().rest_api_id(&api).stage_name(&stage).send());
    deleted(r.map(|_| ()).map_err(aws_error), &format!("deleting API Gateway Stage ({})", crate::id_of(&current)))
}

/// The planned stage, if it carries the create token.
pub fn find_stage(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let (Some(api), Some(stage)) = (nonempty(planned, "rest_api_id"), nonempty(planned, "stage_name")) else {
        return Ok(None);
    };
    let what = "looking for an API Gateway Stage an interrupted create made";
    aws.log_call("apigateway:GetStage");
    let out = aws.block(aws.apigateway.get_stage().rest_api_id(&api).stage_name(&stage).send()).map_err(aws_error);
    match found(out, what)? {
        Some(s) if has_token(s.tags(), token) => read_stage(aws, planned),
        _ => Ok(None),
    }
}
