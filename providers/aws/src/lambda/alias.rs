//! `aws_lambda_alias` (id = the alias ARN; imported as
//! `function_name/alias_name`). `name` and `function_name` replace;
//! the version, description and weighted routing change in place.

use super::{at, first, invoke_arn, is_gone};
use crate::client::{aws_error, Aws};
use crate::util::{attr, attrs, nonempty, object, single, str_attr, with_attr};
use aws_sdk_lambda::types::AliasRoutingConfiguration;
use std::collections::{BTreeMap, HashMap};
use strata_lang::{Number, Type, Value};
use strata_provider::{Attribute, AttributePath, Block, ProviderDiagnostic};

const WHAT: &str = "Lambda Alias";

fn routing_block() -> Block {
    Block {
        attributes: attrs(vec![("additional_version_weights", Attribute::optional(Type::map(Type::Number)))]),
        blocks: BTreeMap::new(),
    }
}

pub fn schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("description", Attribute::optional(Type::String)),
            ("function_name", Attribute::required(Type::String).force_new()),
            ("function_version", Attribute::required(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("invoke_arn", Attribute::computed(Type::String)),
            ("name", Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::from([("routing_config".to_string(), single(routing_block()))]),
    }
}

pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    if let Some(name) = str_attr(config, "name") {
        let ok = !name.is_empty()
            && name.len() <= 128
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && !name.chars().all(|c| c.is_ascii_digit());
        if !ok {
            diags.push(at(
                "name",
                "Invalid name",
                format!(
                    "{name:?}: an alias name is 1 to 128 letters, numbers, hyphens or underscores, not only digits"
                ),
            ));
        }
    }
    if let Some(weights) = first(config, "routing_config").map(|r| attr(&r, "additional_version_weights")) {
        if let Some(m) = weights.as_entries() {
            for (version, w) in m.iter() {
                let w = w.as_number().map(|n| n.to_f64());
                if w.is_some_and(|w| !(0.0..=1.0).contains(&w)) {
                    diags.push(at(
                        "routing_config",
                        "Invalid routing_config",
                        format!("the weight of version {version} must be between 0.0 and 1.0"),
                    ));
                }
            }
        }
    }
    diags
}

/// The ARN and invoke ARN are known once the alias exists.
pub fn plan(planned: &Value, _config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
    let mut p = planned.clone();
    if !prior.is_null() && !super::changed(prior, &p, "name") && !super::changed(prior, &p, "function_name") {
        for n in ["arn", "invoke_arn", "id"] {
            p = with_attr(&p, n, attr(prior, n));
        }
    }
    (p, Vec::new())
}

fn routing_of(v: &Value) -> Option<AliasRoutingConfiguration> {
    let r = first(v, "routing_config")?;
    let weights = attr(&r, "additional_version_weights");
    let m: HashMap<String, f64> = weights
        .unmark_deep()
        .0
        .as_entries()
        .map(|m| m.iter().filter_map(|(k, w)| Some((k.clone(), w.as_number()?.to_f64()))).collect())
        .unwrap_or_default();
    Some(AliasRoutingConfiguration::builder().set_additional_version_weights(Some(m)).build())
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (function, name) =
        (str_attr(planned, "function_name").unwrap_or_default(), str_attr(planned, "name").unwrap_or_default());
    let what = format!("creating {WHAT} ({name})");
    aws.log_call("lambda:CreateAlias");
    aws.block(
        aws.lambda
            .create_alias()
            .function_name(&function)
            .name(&name)
            .function_version(str_attr(planned, "function_version").unwrap_or_default())
            .set_description(nonempty(planned, "description"))
            .set_routing_config(routing_of(planned))
            .send(),
    )
    .map_err(|e| aws_error(e).into_diag(&what))?;
    read_named(aws, planned, &function, &name)?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{WHAT} not found after create"), format!("{WHAT} ({name}) was not found."))
    })
}

pub fn update(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (function, name) =
        (str_attr(planned, "function_name").unwrap_or_default(), str_attr(planned, "name").unwrap_or_default());
    let what = format!("updating {WHAT} ({name})");
    // No routing configuration clears the weights.
    let routing = routing_of(planned).unwrap_or_else(|| {
        AliasRoutingConfiguration::builder().set_additional_version_weights(Some(HashMap::new())).build()
    });
    aws.log_call("lambda:UpdateAlias");
    aws.block(
        aws.lambda
            .update_alias()
            .function_name(&function)
            .name(&name)
            .function_version(str_attr(planned, "function_version").unwrap_or_default())
            .description(str_attr(planned, "description").unwrap_or_default())
            .routing_config(routing)
            .send(),
    )
    .map_err(|e| aws_error(e).into_diag(&what))?;
    read_named(aws, planned, &function, &name)?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{WHAT} not found after update"), format!("{WHAT} ({name}) was not found."))
    })
}

fn read_named(aws: &Aws, current: &Value, function: &str, name: &str) -> Result<Option<Value>, ProviderDiagnostic> {
    aws.log_call("lambda:GetAlias");
    let out = match aws.block(aws.lambda.get_alias().function_name(function).name(name).send()).map_err(aws_error) {
        Ok(out) => out,
        Err(e) if is_gone(&e) => return Ok(None),
        Err(e) => return Err(e.into_diag(&format!("reading {WHAT} ({name})"))),
    };
    let arn = out.alias_arn().unwrap_or_default().to_string();
    let weights: BTreeMap<String, Value> = out
        .routing_config()
        .and_then(|r| r.additional_version_weights())
        .map(|m| {
            m.iter()
                .map(|(k, w)| {
                    (k.clone(), Number::parse(&w.to_string()).map_or_else(|_| Value::null(Type::Number), Value::number))
                })
                .collect()
        })
        .unwrap_or_default();
    let routing = if weights.is_empty() {
        Vec::new()
    } else {
        vec![object(
            &routing_block(),
            [("additional_version_weights", Value::map(Type::Number, weights.into_iter().collect()))],
        )]
    };
    // The function as written (a name or an ARN) stays as written.
    let function_name = match attr(current, "function_name") {
        v if v.is_known() && !v.is_null() => v,
        _ => Value::string(function),
    };
    Ok(Some(object(
        &schema(),
        [
            ("arn", Value::string(arn.as_str())),
            ("description", Value::string(out.description().unwrap_or_default())),
            ("function_name", function_name),
            ("function_version", Value::string(out.function_version().unwrap_or_default())),
            ("id", Value::string(arn.as_str())),
            ("invoke_arn", Value::string(invoke_arn(&aws.region, &arn))),
            ("name", Value::string(out.name().unwrap_or(name))),
            ("routing_config", Value::list(routing_block().implied_type(), routing)),
        ],
    )))
}

/// Reads the alias; an import ID `function_name/alias_name` names it.
pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    if let (Some(function), Some(name)) = (nonempty(current, "function_name"), nonempty(current, "name")) {
        return read_named(aws, current, &function, &name);
    }
    let id = crate::id_of(current);
    let Some((function, name)) = id.split_once('/').filter(|(f, n)| !f.is_empty() && !n.is_empty() && !n.contains('/'))
    else {
        return Err(ProviderDiagnostic::error(
            "Unexpected format of ID",
            format!("Unexpected format of ID ({id}), expected FUNCTION_NAME/ALIAS_NAME"),
        ));
    };
    read_named(aws, &Value::null(schema().implied_type()), function, name)
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let (function, name) =
        (str_attr(prior, "function_name").unwrap_or_default(), str_attr(prior, "name").unwrap_or_default());
    aws.log_call("lambda:DeleteAlias");
    match aws.block(aws.lambda.delete_alias().function_name(&function).name(&name).send()).map_err(aws_error) {
        Err(e) if !is_gone(&e) => Err(e.into_diag(&format!("deleting {WHAT} ({name})"))),
        _ => Ok(()),
    }
}

/// An alias is named by its function and name: the create made it when
/// one exists pointing at the planned version.
pub fn find(aws: &Aws, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let (Some(function), Some(name)) = (nonempty(planned, "function_name"), nonempty(planned, "name")) else {
        return Ok(None);
    };
    let found = read_named(aws, planned, &function, &name)?;
    Ok(found.filter(|f| str_attr(f, "function_version") == str_attr(planned, "function_version")))
}
