//! `aws_lambda_permission`: one statement of a function's resource policy
//! (id = the statement id). Every argument replaces; it is read back from
//! GetPolicy by its Sid, the principal and conditions taken apart as the
//! provider does. Imported as `function_name/statement_id` (the function
//! name may carry `:qualifier`).

use super::{at, is_gone};
use crate::client::{aws_error, Aws, AwsError};
use crate::util::{attr, attrs, nonempty, object, str_attr, with_attr};
use aws_sdk_lambda::types::FunctionUrlAuthType;
use std::collections::BTreeMap;
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, AttributePath, Block, ProviderDiagnostic};

const WHAT: &str = "Lambda Permission";

/// Every argument, all of which force a new statement.
const ARGUMENTS: [&str; 11] = [
    "action",
    "event_source_token",
    "function_name",
    "function_url_auth_type",
    "principal",
    "principal_org_id",
    "qualifier",
    "source_account",
    "source_arn",
    "statement_id",
    "statement_id_prefix",
];

pub fn schema() -> Block {
    let required = ["action", "function_name", "principal"];
    let computed = ["statement_id", "statement_id_prefix"];
    let mut list: Vec<(&str, Attribute)> = ARGUMENTS
        .iter()
        .map(|n| {
            let a = if required.contains(n) {
                Attribute::required(Type::String)
            } else if computed.contains(n) {
                Attribute::optional_computed(Type::String)
            } else {
                Attribute::optional(Type::String)
            };
            (*n, a.force_new())
        })
        .collect();
    list.push(("id", Attribute::computed(Type::String)));
    Block { attributes: attrs(list), blocks: BTreeMap::new() }
}

pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    if !attr(config, "statement_id").is_null() && !attr(config, "statement_id_prefix").is_null() {
        diags.push(at(
            "statement_id",
            "Conflicting configuration arguments",
            "\"statement_id\": conflicts with statement_id_prefix",
        ));
    }
    for name in ["statement_id", "statement_id_prefix"] {
        let Some(id) = str_attr(config, name) else { continue };
        let max = if name == "statement_id" { 100 } else { 74 };
        if id.len() > max || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            diags.push(at(
                name,
                &format!("Invalid {name}"),
                format!("{name} must be at most {max} letters, numbers, hyphens or underscores: {id:?}"),
            ));
        }
    }
    if let Some(a) = str_attr(config, "action") {
        if !a.starts_with("lambda:") {
            diags.push(at("action", "Invalid action", format!("expected action to start with \"lambda:\", got {a}")));
        }
    }
    if let Some(t) = str_attr(config, "function_url_auth_type") {
        if !["AWS_IAM", "NONE"].contains(&t.as_str()) {
            diags.push(at(
                "function_url_auth_type",
                "Invalid function_url_auth_type",
                format!("expected function_url_auth_type to be one of [\"AWS_IAM\" \"NONE\"], got {t}"),
            ));
        }
    }
    diags
}

/// A statement id generated from the prefix is known only after apply.
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
    let mut p = planned.clone();
    if prior.is_null() {
        if attr(config, "statement_id").is_null() {
            p = with_attr(&p, "statement_id", Value::unknown(Type::String));
        }
        if attr(config, "statement_id_prefix").is_null() {
            p = with_attr(&p, "statement_id_prefix", Value::string(""));
        }
        return (p, Vec::new());
    }
    if attr(config, "statement_id").is_null() && !attr(config, "statement_id_prefix").is_null() {
        if super::changed(prior, &p, "statement_id_prefix") {
            p = with_attr(&p, "statement_id", Value::unknown(Type::String));
        } else {
            p = with_attr(&p, "statement_id", attr(prior, "statement_id"));
        }
    }
    // Every argument is ForceNew in the schema: the engine replaces on any change.
    (p, Vec::new())
}

/// The function name AddPermission and GetPolicy take: the name (or ARN)
/// without a `:qualifier` written into it.
fn function_and_qualifier(v: &Value) -> (String, Option<String>) {
    let name = str_attr(v, "function_name").unwrap_or_default();
    (name, nonempty(v, "qualifier"))
}

fn is_conflict(e: &AwsError) -> bool {
    e.code == "ResourceConflictException" || e.code == "TooManyRequestsException"
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let sid = match nonempty(planned, "statement_id") {
        Some(s) => s,
        None => {
            let prefix = nonempty(planned, "statement_id_prefix").unwrap_or_else(|| "terraform-".into());
            let named =
                Value::object([("name_prefix".to_string(), Value::string(prefix.as_str()))].into_iter().collect());
            crate::iam::name_for(&named)
        }
    };
    let (function, qualifier) = function_and_qualifier(planned);
    let what = format!("adding {WHAT} ({function}/{sid})");
    aws.log_call("lambda:AddPermission");
    aws.retry(Duration::from_secs(300), is_conflict, || {
        aws.block(
            aws.lambda
                .add_permission()
                .function_name(&function)
                .statement_id(&sid)
                .action(str_attr(planned, "action").unwrap_or_default())
                .principal(str_attr(planned, "principal").unwrap_or_default())
                .set_qualifier(qualifier.clone())
                .set_source_arn(nonempty(planned, "source_arn"))
                .set_source_account(nonempty(planned, "source_account"))
                .set_event_source_token(nonempty(planned, "event_source_token"))
                .set_principal_org_id(nonempty(planned, "principal_org_id"))
                .set_function_url_auth_type(
                    nonempty(planned, "function_url_auth_type").map(|t| FunctionUrlAuthType::from(t.as_str())),
                )
                .send(),
        )
        .map(|_| ())
        .map_err(aws_error)
    })
    .map_err(|e| e.into_diag(&what))?;
    let stub = with_attr(planned, "id", Value::string(sid.as_str()));
    let stub = with_attr(&stub, "statement_id", Value::string(sid.as_str()));
    aws.until_visible(&what, || read_statement(aws, &stub))
        .map_err(|e| e.into_diag(&format!("reading {WHAT} ({function}/{sid}) after create")))
}

/// The function's policy statements (none when it has no policy).
fn statements(aws: &Aws, function: &str, qualifier: Option<String>) -> Result<Vec<serde_json::Value>, AwsError> {
    aws.log_call("lambda:GetPolicy");
    let out = match aws.block(aws.lambda.get_policy().function_name(function).set_qualifier(qualifier).send()) {
        Ok(out) => out,
        Err(e) => {
            let e = aws_error(e);
            return if is_gone(&e) { Ok(Vec::new()) } else { Err(e) };
        }
    };
    let doc: serde_json::Value = serde_json::from_str(out.policy().unwrap_or("{}")).unwrap_or_default();
    Ok(match doc.get("Statement") {
        Some(serde_json::Value::Array(items)) => items.clone(),
        Some(one @ serde_json::Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    })
}

/// A condition value: `Condition.OP.KEY` as text.
fn condition(statement: &serde_json::Value, op: &str, key: &str) -> Option<String> {
    let v = statement.get("Condition")?.get(op)?;
    let v = v.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(key))?.1;
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(a) => a.first().and_then(|x| x.as_str()).map(String::from),
        _ => None,
    }
}

/// The principal as written: a service name, an ARN, an account id or `*`
/// (an account's root ARN is the account id written for it).
fn principal_of(statement: &serde_json::Value, written: Option<&str>) -> String {
    let p = match statement.get("Principal") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Object(m)) => m
            .values()
            .next()
            .and_then(|v| v.as_str().map(String::from).or_else(|| v.as_array()?.first()?.as_str().map(String::from)))
            .unwrap_or_default(),
        _ => String::new(),
    };
    if let Some(w) = written {
        if w.len() == 12 && w.chars().all(|c| c.is_ascii_digit()) && p.ends_with(&format!(":{w}:root")) {
            return w.to_string();
        }
    }
    p
}

fn read_statement(aws: &Aws, current: &Value) -> Result<Option<Value>, AwsError> {
    let sid = str_attr(current, "statement_id").unwrap_or_else(|| crate::id_of(current));
    let (function, qualifier) = function_and_qualifier(current);
    let found = statements(aws, &function, qualifier)?
        .into_iter()
        .find(|s| s.get("Sid").and_then(|x| x.as_str()) == Some(sid.as_str()));
    let Some(s) = found else { return Ok(None) };
    let action = match s.get("Action") {
        Some(serde_json::Value::String(a)) => a.clone(),
        Some(serde_json::Value::Array(a)) => a.first().and_then(|x| x.as_str()).unwrap_or_default().to_string(),
        _ => String::new(),
    };
    let text = |v: Option<String>, name: &str| match v {
        Some(s) => Value::string(s),
        None if attr(current, name).is_null() => Value::null(Type::String),
        None => Value::string(""),
    };
    let prefix = match attr(current, "statement_id_prefix") {
        v if v.is_known() && !v.is_null() => v,
        _ => Value::string(""),
    };
    Ok(Some(object(
        &schema(),
        [
            ("action", Value::string(action)),
            (
                "event_source_token",
                text(condition(&s, "StringEquals", "lambda:EventSourceToken"), "event_source_token"),
            ),
            ("function_name", Value::string(function.as_str())),
            (
                "function_url_auth_type",
                text(condition(&s, "StringEquals", "lambda:FunctionUrlAuthType"), "function_url_auth_type"),
            ),
            ("id", Value::string(sid.as_str())),
            ("principal", Value::string(principal_of(&s, str_attr(current, "principal").as_deref()))),
            ("principal_org_id", text(condition(&s, "StringEquals", "aws:PrincipalOrgID"), "principal_org_id")),
            ("qualifier", text(nonempty(current, "qualifier"), "qualifier")),
            ("source_account", text(condition(&s, "StringEquals", "AWS:SourceAccount"), "source_account")),
            ("source_arn", text(condition(&s, "ArnLike", "AWS:SourceArn"), "source_arn")),
            ("statement_id", Value::string(sid.as_str())),
            ("statement_id_prefix", prefix),
        ],
    )))
}

/// Reads the statement; an import ID `function[:qualifier]/statement_id`
/// names both.
pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let mut current = current.clone();
    if attr(&current, "function_name").is_null() {
        let id = crate::id_of(&current);
        let Some((function, sid)) = id.split_once('/').filter(|(f, s)| !f.is_empty() && !s.is_empty()) else {
            return Err(ProviderDiagnostic::error(
                "Unexpected format of ID",
                format!("Unexpected format of ID ({id}), expected FUNCTION_NAME[:QUALIFIER]/STATEMENT_ID"),
            ));
        };
        let (function, qualifier) = match function.rsplit_once(':').filter(|(f, _)| !f.contains(":function")) {
            Some((f, q)) if !f.starts_with("arn:") => (f.to_string(), Some(q.to_string())),
            _ => (function.to_string(), None),
        };
        current = object(
            &schema(),
            [
                ("function_name", Value::string(function.as_str())),
                ("statement_id", Value::string(sid)),
                ("id", Value::string(sid)),
                ("qualifier", qualifier.map_or(Value::null(Type::String), Value::string)),
            ],
        );
    }
    let sid = str_attr(&current, "statement_id").unwrap_or_default();
    read_statement(aws, &current).map_err(|e| e.into_diag(&format!("reading {WHAT} ({sid})")))
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let (function, qualifier) = function_and_qualifier(prior);
    let sid = str_attr(prior, "statement_id").unwrap_or_else(|| crate::id_of(prior));
    aws.log_call("lambda:RemovePermission");
    let result = aws.retry(Duration::from_secs(300), is_conflict, || {
        aws.block(
            aws.lambda
                .remove_permission()
                .function_name(&function)
                .statement_id(&sid)
                .set_qualifier(qualifier.clone())
                .send(),
        )
        .map(|_| ())
        .map_err(aws_error)
    });
    match result {
        Err(e) if !is_gone(&e) => Err(e.into_diag(&format!("removing {WHAT} ({function}/{sid})"))),
        _ => Ok(()),
    }
}

/// The statement an interrupted create added: by its statement id (or,
/// from a prefix, a statement with that prefix granting the same).
pub fn find(aws: &Aws, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for a Lambda Permission an interrupted create added";
    if nonempty(planned, "statement_id").is_some() {
        return read_statement(aws, planned).map_err(|e| e.into_diag(what));
    }
    let prefix = nonempty(planned, "statement_id_prefix").unwrap_or_else(|| "terraform-".into());
    let (function, qualifier) = function_and_qualifier(planned);
    for s in statements(aws, &function, qualifier).map_err(|e| e.into_diag(what))? {
        let Some(sid) = s.get("Sid").and_then(|x| x.as_str()).filter(|sid| sid.starts_with(&prefix)) else { continue };
        let stub = with_attr(planned, "statement_id", Value::string(sid));
        let Some(found) = read_statement(aws, &stub).map_err(|e| e.into_diag(what))? else { continue };
        let same = ["action", "principal", "source_arn", "source_account"]
            .iter()
            .all(|n| str_attr(&found, n).unwrap_or_default() == str_attr(planned, n).unwrap_or_default());
        if same {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_and_conditions_read_back_as_written() {
        let s: serde_json::Value = serde_json::json!({
            "Sid": "s",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::b"}, "StringEquals": {"AWS:SourceAccount": "123456789012"}}
        });
        assert_eq!(principal_of(&s, None), "s3.amazonaws.com");
        assert_eq!(condition(&s, "ArnLike", "AWS:SourceArn").as_deref(), Some("arn:aws:s3:::b"));
        assert_eq!(condition(&s, "StringEquals", "aws:sourceaccount").as_deref(), Some("123456789012"));
        let root = serde_json::json!({"Principal": {"AWS": "arn:aws:iam::123456789012:root"}});
        assert_eq!(principal_of(&root, Some("123456789012")), "123456789012");
        assert_eq!(principal_of(&serde_json::json!({"Principal": "*"}), Some("*")), "*");
    }

    #[test]
    fn every_argument_replaces() {
        let v = |sid: &str, principal: &str| {
            object(
                &schema(),
                [
                    ("action", Value::string("lambda:InvokeFunction")),
                    ("function_name", Value::string("f")),
                    ("principal", Value::string(principal)),
                    ("statement_id", Value::string(sid)),
                    ("statement_id_prefix", Value::string("")),
                ],
            )
        };
        assert!(schema().attributes.values().filter(|a| !a.computed || a.optional).all(|a| a.force_new));
        let (p, _) = plan(&v("a", "p"), &v("a", "p"), &Value::null(schema().implied_type()));
        assert_eq!(str_attr(&p, "statement_id").as_deref(), Some("a"));
        let both = with_attr(&v("a", "p"), "statement_id_prefix", Value::string("x"));
        assert_eq!(validate(&both).len(), 1);
    }
}
