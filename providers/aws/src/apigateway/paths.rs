//! The tree of an API: `aws_api_gateway_resource` (id = the resource's
//! ID, imported as `REST-API-ID/RESOURCE-ID`), `aws_api_gateway_method`
//! (id `agm-API-RESOURCE-METHOD`) and `aws_api_gateway_integration` (id
//! `agi-API-RESOURCE-METHOD`), both imported as
//! `REST-API-ID/RESOURCE-ID/HTTP-METHOD`.
//!
//! None is taggable: an interrupted create is found by what names it (the
//! parent and path part; the resource and method). Changes in place are
//! UpdateResource/UpdateMethod/UpdateIntegration patch operations.

use super::*;
use crate::util::{attrs, bool_attr, i32_attr, int_attr, nonempty, object, single, strings_of};
use aws_sdk_apigateway::types::{ConnectionType, ContentHandlingStrategy, IntegrationType, TlsConfig};
use strata_provider::Attribute;

const HTTP_METHODS: [&str; 8] = ["ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

// aws_api_gateway_resource

pub fn resource_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("id", Attribute::computed(Type::String)),
            ("parent_id", Attribute::required(Type::String)),
            ("path", Attribute::computed(Type::String)),
            ("path_part", Attribute::required(Type::String)),
            ("rest_api_id", Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

/// A new parent or path part moves the resource: its path is known after.
pub fn plan_resource(planned: &Value, prior: &Value) -> Value {
    if !prior.is_null() && (changed(prior, planned, "parent_id") || changed(prior, planned, "path_part")) {
        return with_attr(planned, "path", Value::unknown(Type::String));
    }
    planned.clone()
}

pub fn create_resource(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let api = str_attr(planned, "rest_api_id").unwrap_or_default();
    let part = str_attr(planned, "path_part").unwrap_or_default();
    let what = format!("creating API Gateway Resource ({part})");
    aws.log_call("apigateway:CreateResource");
    let out = aws
        .block(
            aws.apigateway
                .create_resource()
                .rest_api_id(&api)
                .parent_id(str_attr(planned, "parent_id").unwrap_or_default())
                .path_part(&part)
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    let current = with_attr(planned, "id", Value::string(out.id().unwrap_or_default()));
    read_resource(aws, &current)?.ok_or_else(|| missing(&what))
}

fn missing(what: &str) -> ProviderDiagnostic {
    ProviderDiagnostic::error(format!("{what}: not found"), format!("{what}: the object is not there after the call"))
}

pub fn update_resource(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (api, id) = (str_attr(prior, "rest_api_id").unwrap_or_default(), crate::id_of(prior));
    let what = format!("updating API Gateway Resource ({id})");
    let mut ops = Vec::new();
    for (name, path) in [("parent_id", "/parentId"), ("path_part", "/pathPart")] {
        if changed(prior, planned, name) {
            ops.push(replace(path, str_attr(planned, name).unwrap_or_default()));
        }
    }
    if !ops.is_empty() {
        aws.log_call("apigateway:UpdateResource");
        aws.block(
            aws.apigateway.update_resource().rest_api_id(&api).resource_id(&id).set_patch_operations(Some(ops)).send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    read_resource(aws, planned)?.ok_or_else(|| missing(&what))
}

pub fn read_resource(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let mut current = current.clone();
    let mut id = crate::id_of(&current);
    if id.contains('/') || nonempty(&current, "rest_api_id").is_none() {
        let parts = id_parts(&id, 2, "REST-API-ID/RESOURCE-ID")?;
        current = with_ids(&current, &[("rest_api_id", &parts[0])]);
        id = parts[1].clone();
    }
    let api = str_attr(&current, "rest_api_id").unwrap_or_default();
    let what = format!("reading API Gateway Resource ({id})");
    aws.log_call("apigateway:GetResource");
    let out = aws.block(aws.apigateway.get_resource().rest_api_id(&api).resource_id(&id).send()).map_err(aws_error);
    let Some(r) = found(out, &what)? else { return Ok(None) };
    Ok(Some(object(
        &resource_schema(),
        [
            ("id", Value::string(id.as_str())),
            ("parent_id", opt_text(r.parent_id())),
            ("path", opt_text(r.path())),
            ("path_part", opt_text(r.path_part())),
            ("rest_api_id", Value::string(api.as_str())),
        ],
    )))
}

pub fn delete_resource(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let (api, id) = (str_attr(prior, "rest_api_id").unwrap_or_default(), crate::id_of(prior));
    aws.log_call("apigateway:DeleteResource");
    let r = aws.block(aws.apigateway.delete_resource().rest_api_id(&api).resource_id(&id).send());
    deleted(r.map(|_| ()).map_err(aws_error), &format!("deleting API Gateway Resource ({id})"))
}

/// The API's resource under the planned parent with the planned path part.
pub fn find_resource(aws: &Aws, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for an API Gateway Resource an interrupted create made";
    let (Some(api), Some(parent), Some(part)) =
        (nonempty(planned, "rest_api_id"), nonempty(planned, "parent_id"), nonempty(planned, "path_part"))
    else {
        return Ok(None);
    };
    let mut position: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("apigateway:GetResources");
        let out = aws
            .block(aws.apigateway.get_resources().rest_api_id(&api).set_position(position.clone()).limit(500).send())
            .map_err(aws_error);
        let Some(out) = found(out, what)? else { return Ok(None) };
        if let Some(r) =
            out.items().iter().find(|r| r.parent_id() == Some(parent.as_str()) && r.path_part() == Some(part.as_str()))
        {
            let stub = with_attr(planned, "id", Value::string(r.id().unwrap_or_default()));
            return read_resource(aws, &stub);
        }
        match out.position().filter(|p| !p.is_empty()) {
            Some(p) => position = Some(p.to_string()),
            None => break,
        }
    }
    Ok(None)
}

// aws_api_gateway_method and aws_api_gateway_integration

/// `(rest_api_id, resource_id, http_method)` of a method or integration;
/// an import ID `API/RESOURCE/METHOD` fills them in.
fn method_key(current: &Value, prefix: &str) -> Result<(Value, [String; 3]), ProviderDiagnostic> {
    let id = crate::id_of(current);
    let mut current = current.clone();
    if id.contains('/') || nonempty(&current, "rest_api_id").is_none() {
        let p = id_parts(&id, 3, "REST-API-ID/RESOURCE-ID/HTTP-METHOD")?;
        current = with_ids(&current, &[("rest_api_id", &p[0]), ("resource_id", &p[1]), ("http_method", &p[2])]);
    }
    let key = ["rest_api_id", "resource_id", "http_method"].map(|n| str_attr(&current, n).unwrap_or_default());
    let current = with_attr(&current, "id", Value::string(format!("{prefix}-{}-{}-{}", key[0], key[1], key[2])));
    Ok((current, key))
}

pub fn method_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("api_key_required", Attribute::optional(Type::Bool)),
            ("authorization", Attribute::required(Type::String)),
            ("authorization_scopes", Attribute::optional(Type::set(Type::String))),
            ("authorizer_id", Attribute::optional(Type::String)),
            ("http_method", Attribute::required(Type::String).force_new()),
            ("id", Attribute::computed(Type::String)),
            ("operation_name", Attribute::optional(Type::String)),
            ("request_models", Attribute::optional(Type::map(Type::String))),
            ("request_parameters", Attribute::optional(Type::map(Type::Bool))),
            ("request_validator_id", Attribute::optional(Type::String)),
            ("resource_id", Attribute::required(Type::String).force_new()),
            ("rest_api_id", Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn validate_method(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    check_enum(config, "http_method", &HTTP_METHODS, &mut diags);
    check_enum(config, "authorization", &["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"], &mut diags);
    diags
}

fn bool_map(v: &Value) -> Option<HashMap<String, bool>> {
    let v = v.unmark_deep().0;
    let m: HashMap<String, bool> =
        v.as_entries()?.iter().filter_map(|(k, x)| x.as_bool().map(|b| (k.clone(), b))).collect();
    (!m.is_empty()).then_some(m)
}

pub fn put_method(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (current, [api, resource, method]) = method_key(planned, "agm")?;
    let what = format!("creating API Gateway Method ({})", crate::id_of(&current));
    let scopes = strings_of(&attr(planned, "authorization_scopes"));
    aws.log_call("apigateway:PutMethod");
    aws.block(
        aws.apigateway
            .put_method()
            .rest_api_id(&api)
            .resource_id(&resource)
            .http_method(&method)
            .authorization_type(str_attr(planned, "authorization").unwrap_or_default())
            .set_api_key_required(bool_attr(planned, "api_key_required"))
            .set_authorizer_id(nonempty(planned, "authorizer_id"))
            .set_authorization_scopes((!scopes.is_empty()).then_some(scopes))
            .set_operation_name(nonempty(planned, "operation_name"))
            .set_request_models(hash_map(&attr(planned, "request_models")))
            .set_request_parameters(bool_map(&attr(planned, "request_parameters")))
            .set_request_validator_id(nonempty(planned, "request_validator_id"))
            .send(),
    )
    .map_err(|e| aws_error(e).into_diag(&what))?;
    read_method(aws, &current)?.ok_or_else(|| missing(&what))
}

/// Map entries as patch operations under `prefix` (`/requestModels/`):
/// removed keys removed, new ones added, changed ones replaced.
fn map_ops(prefix: &str, old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Vec<PatchOperation> {
    let path = |k: &str| format!("{prefix}{}", escape_pointer(k));
    let mut ops: Vec<PatchOperation> =
        old.keys().filter(|k| !new.contains_key(*k)).map(|k| patch(Op::Remove, &path(k), None)).collect();
    for (k, v) in new {
        match old.get(k) {
            None => ops.push(patch(Op::Add, &path(k), Some(v.clone()))),
            Some(o) if o != v => ops.push(replace(&path(k), v.clone())),
            _ => {}
        }
    }
    ops
}

/// A map(bool) as text values, as the patch operations carry them.
fn bool_text_map(v: &Value) -> BTreeMap<String, String> {
    bool_map(v).unwrap_or_default().into_iter().map(|(k, b)| (k, b.to_string())).collect()
}

pub fn update_method(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (current, [api, resource, method]) = method_key(planned, "agm")?;
    let what = format!("updating API Gateway Method ({})", crate::id_of(&current));
    let mut ops = Vec::new();
    for (name, path) in [
        ("authorization", "/authorizationType"),
        ("authorizer_id", "/authorizerId"),
        ("operation_name", "/operationName"),
        ("request_validator_id", "/requestValidatorId"),
    ] {
        if changed(prior, planned, name) {
            ops.push(replace(path, str_attr(planned, name).unwrap_or_default()));
        }
    }
    if changed(prior, planned, "api_key_required") {
        ops.push(replace("/apiKeyRequired", bool_attr(planned, "api_key_required").unwrap_or(false).to_string()));
    }
    if changed(prior, planned, "authorization_scopes") {
        let (old, new) =
            (strings_of(&attr(prior, "authorization_scopes")), strings_of(&attr(planned, "authorization_scopes")));
        for s in old.iter().filter(|s| !new.contains(s)) {
            ops.push(patch(Op::Remove, "/authorizationScopes", Some(s.clone())));
        }
        for s in new.iter().filter(|s| !old.contains(s)) {
            ops.push(patch(Op::Add, "/authorizationScopes", Some(s.clone())));
        }
    }
    ops.extend(map_ops(
        "/requestModels/",
        &map_of(&attr(prior, "request_models")),
        &map_of(&attr(planned, "request_models")),
    ));
    ops.extend(map_ops(
        "/requestParameters/",
        &bool_text_map(&attr(prior, "request_parameters")),
        &bool_text_map(&attr(planned, "request_parameters")),
    ));
    if !ops.is_empty() {
        aws.log_call("apigateway:UpdateMethod");
        aws.block(
            aws.apigateway
                .update_method()
                .rest_api_id(&api)
                .resource_id(&resource)
                .http_method(&method)
                .set_patch_operations(Some(ops))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    read_method(aws, &current)?.ok_or_else(|| missing(&what))
}

pub fn read_method(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let (current, [api, resource, method]) = method_key(current, "agm")?;
    let what = format!("reading API Gateway Method ({})", crate::id_of(&current));
    aws.log_call("apigateway:GetMethod");
    let out = aws
        .block(aws.apigateway.get_method().rest_api_id(&api).resource_id(&resource).http_method(&method).send())
        .map_err(aws_error);
    let Some(m) = found(out, &what)? else { return Ok(None) };
    let params = m
        .request_parameters()
        .map(|p| Value::map(Type::Bool, p.iter().map(|(k, b)| (k.clone(), Value::bool(*b))).collect()));
    let scopes = Value::set(Type::String, m.authorization_scopes().iter().map(|s| Value::string(s.as_str())).collect());
    Ok(Some(object(
        &method_schema(),
        [
            ("api_key_required", Value::bool(m.api_key_required().unwrap_or(false))),
            ("authorization", opt_text(m.authorization_type())),
            ("authorization_scopes", scopes),
            ("authorizer_id", opt_text(m.authorizer_id())),
            ("http_method", Value::string(method.as_str())),
            ("id", attr(&current, "id")),
            ("operation_name", opt_text(m.operation_name())),
            ("request_models", text_map(m.request_models())),
            ("request_parameters", params.unwrap_or_else(|| Value::map(Type::Bool, Default::default()))),
            ("request_validator_id", opt_text(m.request_validator_id())),
            ("resource_id", Value::string(resource.as_str())),
            ("rest_api_id", Value::string(api.as_str())),
        ],
    )))
}

pub fn delete_method(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let (current, [api, resource, method]) = method_key(prior, "agm")?;
    aws.log_call("apigateway:DeleteMethod");
    let r =
        aws.block(aws.apigateway.delete_method().rest_api_id(&api).resource_id(&resource).http_method(&method).send());
    deleted(r.map(|_| ()).map_err(aws_error), &format!("deleting API Gateway Method ({})", crate::id_of(&current)))
}

/// Named by its resource and HTTP method: the method there, if any.
pub fn find_method(aws: &Aws, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    if nonempty(planned, "rest_api_id").is_none() || nonempty(planned, "resource_id").is_none() {
        return Ok(None);
    }
    read_method(aws, planned)
}

pub fn integration_schema() -> Block {
    let tls = Block {
        attributes: attrs(vec![("insecure_skip_verification", Attribute::optional(Type::Bool))]),
        blocks: BTreeMap::new(),
    };
    Block {
        attributes: attrs(vec![
            ("cache_key_parameters", Attribute::optional(Type::set(Type::String))),
            ("cache_namespace", Attribute::optional_computed(Type::String)),
            ("connection_id", Attribute::optional(Type::String)),
            ("connection_type", Attribute::optional(Type::String)),
            ("content_handling", Attribute::optional(Type::String)),
            ("credentials", Attribute::optional(Type::String).force_new()),
            ("http_method", Attribute::required(Type::String).force_new()),
            ("id", Attribute::computed(Type::String)),
            ("integration_http_method", Attribute::optional(Type::String).force_new()),
            ("passthrough_behavior", Attribute::optional_computed(Type::String).force_new()),
            ("request_parameters", Attribute::optional(Type::map(Type::String))),
            ("request_templates", Attribute::optional(Type::map(Type::String))),
            ("resource_id", Attribute::required(Type::String).force_new()),
            ("rest_api_id", Attribute::required(Type::String).force_new()),
            ("timeout_milliseconds", Attribute::optional(Type::Number)),
            ("type", Attribute::required(Type::String).force_new()),
            ("uri", Attribute::optional(Type::String)),
        ]),
        blocks: BTreeMap::from([("tls_config".to_string(), single(tls))]),
    }
}

const INTEGRATION_TYPES: [&str; 5] = ["AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"];

pub fn validate_integration(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    check_enum(config, "type", &INTEGRATION_TYPES, &mut diags);
    check_enum(config, "http_method", &HTTP_METHODS, &mut diags);
    check_enum(config, "integration_http_method", &HTTP_METHODS, &mut diags);
    check_enum(config, "connection_type", &["INTERNET", "VPC_LINK"], &mut diags);
    check_enum(config, "content_handling", &["CONVERT_TO_BINARY", "CONVERT_TO_TEXT"], &mut diags);
    check_enum(config, "passthrough_behavior", &["WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"], &mut diags);
    if let Some(n) = int_attr(config, "timeout_milliseconds") {
        if !(50..=300_000).contains(&n) {
            diags.push(err_at(
                "timeout_milliseconds",
                "Invalid timeout_milliseconds",
                format!("expected timeout_milliseconds to be in the range (50 - 300000), got {n}"),
            ));
        }
    }
    let t = str_attr(config, "type");
    let needs_method = matches!(t.as_deref(), Some("AWS" | "AWS_PROXY" | "HTTP" | "HTTP_PROXY"));
    if needs_method
        && attr(config, "integration_http_method").is_null()
        && attr(config, "integration_http_method").is_known()
    {
        diags.push(err_at(
            "integration_http_method",
            "Missing integration_http_method",
            format!("integration_http_method must be set for integrations of type {}", t.unwrap_or_default()),
        ));
    }
    if needs_method && attr(config, "uri").is_null() && attr(config, "uri").is_known() {
        diags.push(err_at(
            "uri",
            "Missing uri",
            "uri must be set for integrations of type AWS, AWS_PROXY, HTTP and HTTP_PROXY".into(),
        ));
    }
    diags
}

pub fn put_integration(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (current, [api, resource, method]) = method_key(planned, "agi")?;
    let what = format!("creating API Gateway Integration ({})", crate::id_of(&current));
    let keys = strings_of(&attr(planned, "cache_key_parameters"));
    let tls = crate::util::items(&attr(planned, "tls_config")).into_iter().next().map(|t| {
        TlsConfig::builder()
            .insecure_skip_verification(bool_attr(&t, "insecure_skip_verification").unwrap_or(false))
            .build()
    });
    aws.log_call("apigateway:PutIntegration");
    aws.block(
        aws.apigateway
            .put_integration()
            .rest_api_id(&api)
            .resource_id(&resource)
            .http_method(&method)
            .r#type(IntegrationType::from(str_attr(planned, "type").unwrap_or_default().as_str()))
            .set_integration_http_method(nonempty(planned, "integration_http_method"))
            .set_uri(nonempty(planned, "uri"))
            .set_credentials(nonempty(planned, "credentials"))
            .set_request_templates(hash_map(&attr(planned, "request_templates")))
            .set_request_parameters(hash_map(&attr(planned, "request_parameters")))
            .set_passthrough_behavior(nonempty(planned, "passthrough_behavior"))
            .set_cache_namespace(nonempty(planned, "cache_namespace"))
            .set_cache_key_parameters((!keys.is_empty()).then_some(keys))
            .set_connection_type(nonempty(planned, "connection_type").map(|c| ConnectionType::from(c.as_str())))
            .set_connection_id(nonempty(planned, "connection_id"))
            .set_content_handling(
                nonempty(planned, "content_handling").map(|c| ContentHandlingStrategy::from(c.as_str())),
            )
            .set_timeout_in_millis(i32_attr(planned, "timeout_milliseconds"))
            .set_tls_config(tls)
            .send(),
    )
    .map_err(|e| aws_error(e).into_diag(&what))?;
    read_integration(aws, &current)?.ok_or_else(|| missing(&what))
}

pub fn update_integration(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (current, [api, resource, method]) = method_key(planned, "agi")?;
    let what = format!("updating API Gateway Integration ({})", crate::id_of(&current));
    let mut ops = Vec::new();
    for (name, path) in [
        ("uri", "/uri"),
        ("cache_namespace", "/cacheNamespace"),
        ("connection_type", "/connectionType"),
        ("connection_id", "/connectionId"),
        ("content_handling", "/contentHandling"),
    ] {
        if changed(prior, planned, name) && attr(planned, name).is_known() {
            ops.push(replace(path, str_attr(planned, name).unwrap_or_default()));
        }
    }
    if changed(prior, planned, "timeout_milliseconds") {
        ops.push(replace("/timeoutInMillis", int_attr(planned, "timeout_milliseconds").unwrap_or(29000).to_string()));
    }
    ops.extend(map_ops(
        "/requestParameters/",
        &map_of(&attr(prior, "request_parameters")),
        &map_of(&attr(planned, "request_parameters")),
    ));
    ops.extend(map_ops(
        "/requestTemplates/",
        &map_of(&attr(prior, "request_templates")),
        &map_of(&attr(planned, "request_templates")),
    ));
    if changed(prior, planned, "cache_key_parameters") {
        let (old, new) =
            (strings_of(&attr(prior, "cache_key_parameters")), strings_of(&attr(planned, "cache_key_parameters")));
        for k in old.iter().filter(|k| !new.contains(k)) {
            ops.push(patch(Op::Remove, &format!("/cacheKeyParameters/{}", escape_pointer(k)), None));
        }
        for k in new.iter().filter(|k| !old.contains(k)) {
            ops.push(patch(Op::Add, &format!("/cacheKeyParameters/{}", escape_pointer(k)), None));
        }
    }
    if changed(prior, planned, "tls_config") {
        let skip = crate::util::items(&attr(planned, "tls_config"))
            .first()
            .and_then(|t| bool_attr(t, "insecure_skip_verification"))
            .unwrap_or(false);
        ops.push(replace("/tlsConfig/insecureSkipVerification", skip.to_string()));
    }
    if !ops.is_empty() {
        aws.log_call("apigateway:UpdateIntegration");
        aws.block(
            aws.apigateway
                .update_integration()
                .rest_api_id(&api)
                .resource_id(&resource)
                .http_method(&method)
                .set_patch_operations(Some(ops))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    read_integration(aws, &current)?.ok_or_else(|| missing(&what))
}

pub fn read_integration(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let (current, [api, resource, method]) = method_key(current, "agi")?;
    let what = format!("reading API Gateway Integration ({})", crate::id_of(&current));
    aws.log_call("apigateway:GetIntegration");
    let out = aws
        .block(aws.apigateway.get_integration().rest_api_id(&api).resource_id(&resource).http_method(&method).send())
        .map_err(aws_error);
    let Some(i) = found(out, &what)? else { return Ok(None) };
    // A method without an integration answers with an empty one.
    if i.r#type().is_none() {
        return Ok(None);
    }
    let block = integration_schema();
    let tls_block = &block.blocks["tls_config"].block;
    let tls: Vec<Value> = i
        .tls_config()
        .map(|t| object(tls_block, [("insecure_skip_verification", Value::bool(t.insecure_skip_verification()))]))
        .into_iter()
        .collect();
    let keys = Value::set(Type::String, i.cache_key_parameters().iter().map(|k| Value::string(k.as_str())).collect());
    Ok(Some(object(
        &block,
        [
            ("cache_key_parameters", keys),
            ("cache_namespace", opt_text(i.cache_namespace())),
            ("connection_id", opt_text(i.connection_id())),
            ("connection_type", Value::string(i.connection_type().map(|c| c.as_str()).unwrap_or("INTERNET"))),
            ("content_handling", opt_text(i.content_handling().map(|c| c.as_str()))),
            ("credentials", opt_text(i.credentials())),
            ("http_method", Value::string(method.as_str())),
            ("id", attr(&current, "id")),
            ("integration_http_method", opt_text(i.http_method())),
            ("passthrough_behavior", opt_text(i.passthrough_behavior())),
            ("request_parameters", text_map(i.request_parameters())),
            ("request_templates", text_map(i.request_templates())),
            ("resource_id", Value::string(resource.as_str())),
            ("rest_api_id", Value::string(api.as_str())),
            ("timeout_milliseconds", Value::int(i.timeout_in_millis() as i64)),
            ("type", opt_text(i.r#type().map(|t| t.as_str()))),
            ("uri", opt_text(i.uri())),
            ("tls_config", Value::list(tls_block.implied_type(), tls)),
        ],
    )))
}

pub fn delete_integration(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let (current, [api, resource, method]) = method_key(prior, "agi")?;
    aws.log_call("apigateway:DeleteIntegration");
    let r = aws.block(
        aws.apigateway.delete_integration().rest_api_id(&api).resource_id(&resource).http_method(&method).send(),
    );
    deleted(r.map(|_| ()).map_err(aws_error), &format!("deleting API Gateway Integration ({})", crate::id_of(&current)))
}

/// Named by its method: the integration there, if any.
pub fn find_integration(aws: &Aws, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    if nonempty(planned, "rest_api_id").is_none() || nonempty(planned, "resource_id").is_none() {
        return Ok(None);
    }
    read_integration(aws, planned)
}
