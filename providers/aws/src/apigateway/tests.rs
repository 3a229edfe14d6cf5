use super::*;
use crate::util::object;

fn value(type_name: &str, values: Vec<(&str, Value)>) -> Value {
    object(&ApiGateway.schema(type_name), values)
}

/// (type, configuration, a fragment of the expected error)
fn validation_cases() -> Vec<(&'static str, Value, &'static str)> {
    let s = Value::string;
    vec![
        (
            REST_API,
            value(REST_API, vec![("name", s("a")), ("api_key_source", s("QUERY"))]),
            "api_key_source to be one of",
        ),
        (
            REST_API,
            value(REST_API, vec![("name", s("a")), ("policy", s("{not json"))]),
            "\"policy\" contains an invalid JSON",
        ),
        (
            REST_API,
            value(REST_API, vec![("name", s("a")), ("minimum_compression_size", s("10485761"))]),
            "minimum_compression_size to be an integer in the range (-1 - 10485760)",
        ),
        (
            METHOD,
            value(METHOD, vec![("http_method", s("FETCH")), ("authorization", s("NONE"))]),
            "http_method to be one of",
        ),
        (
            INTEGRATION,
            value(INTEGRATION, vec![("http_method", s("POST")), ("type", s("LAMBDA"))]),
            "expected type to be one of",
        ),
        (
            INTEGRATION,
            value(INTEGRATION, vec![("http_method", s("POST")), ("type", s("AWS_PROXY")), ("uri", s("arn:x"))]),
            "integration_http_method must be set",
        ),
        (
            INTEGRATION,
            value(
                INTEGRATION,
                vec![("http_method", s("POST")), ("type", s("MOCK")), ("timeout_milliseconds", Value::int(10))],
            ),
            "timeout_milliseconds to be in the range (50 - 300000), got 10",
        ),
        (API_KEY, value(API_KEY, vec![("name", s("k")), ("value", s("short-secret"))]), "got a value of 12 characters"),
        (
            STAGE,
            value(STAGE, vec![("stage_name", s("no spaces")), ("cache_cluster_size", s("0.5"))]),
            "stage_name may contain only",
        ),
    ]
}

#[test]
fn validation_names_the_attribute_and_never_shows_a_key_value() {
    for (t, config, want) in validation_cases() {
        let diags = ApiGateway.validate(t, &config);
        assert!(diags.iter().any(|d| d.detail.contains(want)), "{t}: {want:?} in {diags:?}");
        assert!(diags.iter().all(|d| !d.detail.contains("short-secret")), "{t}: {diags:?}");
    }
    let ok = value(INTEGRATION, vec![("http_method", Value::string("GET")), ("type", Value::string("MOCK"))]);
    assert!(ApiGateway.validate(INTEGRATION, &ok).is_empty());
}

fn quota(limit: i64, period: &str) -> Value {
    let block = &ApiGateway.schema(USAGE_PLAN).blocks["quota_settings"].block;
    let q = object(block, [("limit", Value::int(limit)), ("offset", Value::int(0)), ("period", Value::string(period))]);
    Value::list(block.implied_type(), vec![q])
}

fn ops_text(ops: &[PatchOperation]) -> Vec<String> {
    ops.iter()
        .map(|o| {
            format!(
                "{} {} {}",
                o.op().map(|o| o.as_str()).unwrap_or(""),
                o.path().unwrap_or(""),
                o.value().unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn usage_plan_patches_only_what_changed() {
    let plan = |q: Value| value(USAGE_PLAN, vec![("name", Value::string("p")), ("quota_settings", q)]);
    let (prior, planned) = (plan(quota(1000, "DAY")), plan(quota(1000, "WEEK")));
    assert_eq!(ops_text(&usage_plan::usage_plan_ops(&prior, &planned)), vec!["replace /quota/period WEEK"]);
    let block = &ApiGateway.schema(USAGE_PLAN).blocks["quota_settings"].block;
    let added = usage_plan::usage_plan_ops(&plan(Value::list(block.implied_type(), vec![])), &prior);
    assert_eq!(ops_text(&added), vec!["add /quota/limit 1000", "add /quota/offset 0", "add /quota/period DAY"]);
}
