use super::*;
use crate::util::{object, str_attr};

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

#[test]
fn plans_keep_equivalent_policies_and_mark_what_a_change_moves() {
    let s = Value::string;
    let stored = r#"{"Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Principal":"*","Resource":"*"}],"Version":"2012-10-17"}"#;
    let prior = value(REST_API, vec![("name", s("a")), ("id", s("x")), ("policy", s(stored))]);
    let same = r#"{"Version":"2012-10-17","Statement":{"Effect":"allow","Principal":"*","Action":["execute-api:Invoke"],"Resource":"*"}}"#;
    let config = value(REST_API, vec![("name", s("a")), ("policy", s(same))]);
    let planned = ApiGateway.plan(REST_API, &config, &config, &prior).0;
    assert_eq!(str_attr(&planned, "policy").as_deref(), Some(stored), "the stored text is kept");
    let with_body = value(REST_API, vec![("name", s("a")), ("body", s("{}"))]);
    let planned = ApiGateway.plan(REST_API, &with_body, &with_body, &prior).0;
    assert!(attr(&planned, "description").is_unknown(), "a new document may set the description");

    let resource = value(RESOURCE, vec![("id", s("r")), ("path_part", s("a")), ("path", s("/a"))]);
    let moved = with_attr(&resource, "path_part", s("b"));
    assert!(attr(&ApiGateway.plan(RESOURCE, &moved, &moved, &resource).0, "path").is_unknown());
    assert!(!attr(&ApiGateway.plan(RESOURCE, &resource, &resource, &resource).0, "path").is_unknown());

    let key = value(API_KEY, vec![("name", s("k")), ("last_updated_date", s("2026-01-01T00:00:00Z"))]);
    let renamed = with_attr(&key, "name", s("k2"));
    assert!(attr(&ApiGateway.plan(API_KEY, &renamed, &renamed, &key).0, "last_updated_date").is_unknown());
}

#[test]
fn usage_plan_blocks_get_the_providers_zero_defaults() {
    let block = ApiGateway.schema(USAGE_PLAN);
    let throttle = &block.blocks["throttle_settings"].block;
    let t = object(throttle, [("burst_limit", Value::int(5))]);
    let config = value(
        USAGE_PLAN,
        vec![("name", Value::string("p")), ("throttle_settings", Value::list(throttle.implied_type(), vec![t]))],
    );
    let planned = ApiGateway.plan(USAGE_PLAN, &config, &config, &Value::null(block.implied_type())).0;
    let t = crate::util::items(&attr(&planned, "throttle_settings")).remove(0);
    assert!(attr(&t, "rate_limit").raw_equal(&Value::int(0)), "{t:?}");
    assert!(attr(&t, "burst_limit").raw_equal(&Value::int(5)));
}
