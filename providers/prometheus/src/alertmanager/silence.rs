//! `alertmanager_silence`: one silence through API v2. A matcher change
//! replaces it (Alertmanager expires the old one and gives a new id);
//! `ends_at`, `starts_at`, `comment` and `created_by` change in place (the
//! silence posted again with its id). An expired silence is gone, so it is
//! planned again; an end already past is refused at plan.

use super::{attr, path, str_attr, time, with_attr, Settings};
use crate::http::excerpt;
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_promrules::alertmanager::{parse_matcher, valid_label_name};
use strata_provider::*;

/// The schema, built once.
fn cached() -> &'static Block {
    static BLOCK: std::sync::OnceLock<Block> = std::sync::OnceLock::new();
    BLOCK.get_or_init(block)
}

pub fn block() -> Block {
    let matcher = Block {
        attributes: BTreeMap::from([
            ("name".to_string(), Attribute::required(Type::String)),
            ("value".to_string(), Attribute::required(Type::String)),
            ("is_regex".to_string(), Attribute::optional_computed(Type::Bool).describe("Default false.")),
            ("is_equal".to_string(), Attribute::optional_computed(Type::Bool).describe("Default true.")),
        ]),
        blocks: BTreeMap::new(),
    };
    let a = [
        ("id", Attribute::computed(Type::String)),
        ("status", Attribute::computed(Type::String).describe("active, pending or expired.")),
        ("starts_at", Attribute::optional_computed(Type::String).describe("RFC 3339; default: when it is created.")),
        ("ends_at", Attribute::optional_computed(Type::String).describe("RFC 3339; or set `duration`.")),
        ("duration", Attribute::optional(Type::String).describe("How long from the start (`2h`); or set `ends_at`.")),
        ("created_by", Attribute::required(Type::String)),
        ("comment", Attribute::required(Type::String)),
    ];
    Block {
        attributes: a.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        blocks: BTreeMap::from([(
            "matchers".to_string(),
            NestedBlock { nesting: Nesting::List, block: matcher, min_items: 1, max_items: 0 },
        )]),
    }
}

/// A matcher as the API takes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct M {
    name: String,
    value: String,
    is_regex: bool,
    is_equal: bool,
}

fn matchers_of(v: &Value) -> Vec<M> {
    let v = v.unmark_deep().0;
    attr(&v, "matchers")
        .as_seq()
        .unwrap_or_default()
        .iter()
        .map(|m| M {
            name: str_attr(m, "name").unwrap_or_default(),
            value: str_attr(m, "value").unwrap_or_default(),
            is_regex: attr(m, "is_regex").as_bool().unwrap_or(false),
            is_equal: attr(m, "is_equal").as_bool().unwrap_or(true),
        })
        .collect()
}

fn matchers_value(ms: &[M]) -> Value {
    let ty = cached().blocks["matchers"].block.implied_type();
    let items = ms
        .iter()
        .map(|m| {
            let mut f = strata_lang::Fields::new();
            f.insert("name".into(), Value::string(m.name.as_str()));
            f.insert("value".into(), Value::string(m.value.as_str()));
            f.insert("is_regex".into(), Value::bool(m.is_regex));
            f.insert("is_equal".into(), Value::bool(m.is_equal));
            Value::object(f)
        })
        .collect();
    Value::list(ty, items)
}

fn sorted(mut ms: Vec<M>) -> Vec<M> {
    ms.sort();
    ms
}

fn matches_empty(m: &M) -> bool {
    let hit = if m.is_regex { strata_promrules::alertmanager::regex_matches(&m.value, "") } else { m.value.is_empty() };
    hit == m.is_equal
}

pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = Vec::new();
    let known = |n: &str| attr(config, n).is_known();
    let set = |n: &str| !attr(config, n).is_null();
    if known("ends_at") && known("duration") {
        match (set("ends_at"), set("duration")) {
            (true, true) => diags.push(
                ProviderDiagnostic::error("Conflicting attributes", "Set either `ends_at` or `duration`, not both.")
                    .at(path("duration")),
            ),
            (false, false) => diags.push(ProviderDiagnostic::error(
                "Missing end of silence",
                "Set `ends_at` (an RFC 3339 time) or `duration` (like `2h`): a silence must end.",
            )),
            _ => {}
        }
    }
    for name in ["starts_at", "ends_at"] {
        if let Some(s) = str_attr(config, name) {
            if let Err(e) = time::parse(&s) {
                diags.push(ProviderDiagnostic::error("Invalid timestamp", e).at(path(name)));
            }
        }
    }
    if let Some(d) = str_attr(config, "duration") {
        match strata_promrules::duration::parse(&d) {
            Ok(0) => diags.push(
                ProviderDiagnostic::error("Invalid duration", "`duration` must be longer than 0.").at(path("duration")),
            ),
            Ok(_) => {}
            Err(e) => diags.push(ProviderDiagnostic::error("Invalid duration", e).at(path("duration"))),
        }
    }
    for name in ["created_by", "comment"] {
        if str_attr(config, name).is_some_and(|s| s.trim().is_empty()) {
            diags.push(
                ProviderDiagnostic::error("Empty attribute", format!("Alertmanager requires a non-empty `{name}`."))
                    .at(path(name)),
            );
        }
    }
    let items = attr(config, "matchers");
    let all_known = items.is_wholly_known();
    for (i, m) in items.as_seq().unwrap_or_default().iter().enumerate() {
        let at = |a: &str| vec![PathStep::Attr("matchers".into()), PathStep::Index(i as u64), PathStep::Attr(a.into())];
        if let Some(name) = str_attr(m, "name") {
            if !valid_label_name(&name) {
                diags.push(
                    ProviderDiagnostic::error("Invalid matcher", format!("{name:?} is not a valid label name."))
                        .at(at("name")),
                );
            }
        }
        if attr(m, "is_regex").as_bool() == Some(true) {
            if let Some(value) = str_attr(m, "value") {
                if let Err(e) = parse_matcher(&format!("x=~\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))) {
                    diags.push(ProviderDiagnostic::error("Invalid matcher", e).at(at("value")));
                }
            }
        }
    }
    if all_known {
        let ms = matchers_of(config);
        if !ms.is_empty() && ms.iter().all(matches_empty) {
            diags.push(
                ProviderDiagnostic::error(
                    "Invalid matchers",
                    "At least one matcher must not match the empty string (Alertmanager refuses a silence of everything).",
                )
                .at(path("matchers")),
            );
        }
    }
    diags
}

fn time_attr(v: &Value, name: &str) -> Option<i64> {
    str_attr(v, name).and_then(|s| time::parse(&s).ok())
}

pub fn plan(req: &PlanRequest, resp: &mut PlanResponse) {
    resp.diagnostics.extend(validate(req.config));
    if has_errors(&resp.diagnostics) {
        return;
    }
    let c = req.config;
    let mut planned = req.proposed.clone();
    // Matcher defaults.
    if attr(c, "matchers").is_wholly_known() {
        planned = with_attr(&planned, "matchers", matchers_value(&matchers_of(c)));
    }
    let replacing = !req.prior.is_null() && sorted(matchers_of(req.prior)) != sorted(matchers_of(&planned));
    if replacing {
        resp.requires_replace.push(path("matchers"));
    } else if !req.prior.is_null() {
        // The same matchers in another order are the same silence.
        planned = with_attr(&planned, "matchers", attr(req.prior, "matchers"));
    }
    let fresh = req.prior.is_null() || replacing;
    let unknown = || Value::unknown(Type::String);
    if fresh {
        planned = with_attr(&planned, "id", unknown());
        planned = with_attr(&planned, "status", unknown());
    }
    // The start: configured, kept, or now when created.
    let configured_start = attr(c, "starts_at");
    let start = if !configured_start.is_null() {
        configured_start
    } else if fresh {
        unknown()
    } else {
        attr(req.prior, "starts_at")
    };
    planned = with_attr(&planned, "starts_at", start.clone());
    let configured_end = attr(c, "ends_at");
    let duration = attr(c, "duration");
    let end = if !configured_end.is_null() {
        // Same instant as the stored one: no change.
        match (configured_end.unmark_deep().0.as_str().map(String::from), str_attr(req.prior, "ends_at")) {
            (Some(a), Some(b)) if !fresh && time::parse(&a).ok() == time::parse(&b).ok() => Value::string(b),
            _ => configured_end.clone(),
        }
    } else if !duration.is_known() {
        unknown()
    } else {
        let same_duration = !fresh && attr(req.prior, "duration").unmark_deep().0.raw_equal(&duration.unmark_deep().0);
        let same_start = !fresh && attr(req.prior, "starts_at").unmark_deep().0.raw_equal(&start.unmark_deep().0);
        let ms = duration.as_str().and_then(|d| strata_promrules::duration::parse(d).ok());
        match (same_duration && same_start, start.as_str().and_then(|s| time::parse(s).ok()), ms) {
            (true, _, _) => attr(req.prior, "ends_at"),
            (false, Some(s), Some(d)) => Value::string(time::format(s + d as i64)),
            _ => unknown(),
        }
    };
    planned = with_attr(&planned, "ends_at", end.clone());
    if let Some(e) = end.as_str().and_then(|s| time::parse(s).ok()) {
        let at = if configured_end.is_null() { "duration" } else { "ends_at" };
        if e <= time::now_ms() {
            resp.diagnostics.push(
                ProviderDiagnostic::error(
                    "Silence ends in the past",
                    format!("The silence would end at {}, which has passed: Alertmanager refuses it. Set a later `ends_at`, or a `duration`.", time::format(e)),
                )
                .at(path(at)),
            );
        }
        if let Some(s) = start.as_str().and_then(|s| time::parse(s).ok()) {
            if e <= s {
                resp.diagnostics.push(
                    ProviderDiagnostic::error(
                        "Silence ends before it starts",
                        format!("`ends_at` {} is not after `starts_at` {}.", time::format(e), time::format(s)),
                    )
                    .at(path(at)),
                );
            }
        }
    }
    resp.planned = planned;
}

fn body(v: &Value, id: Option<&str>) -> serde_json::Value {
    // Unset: the next whole second. A start already past would be moved to
    // the server's "now", kept to the nanosecond but shown to the
    // millisecond, and re-posting that start would no longer match, so a
    // later comment change would replace the silence instead of updating it.
    let start = time_attr(v, "starts_at").unwrap_or_else(|| (time::now_ms() / 1000 + 1) * 1000);
    let end = time_attr(v, "ends_at").unwrap_or_else(|| {
        let d = str_attr(v, "duration").and_then(|d| strata_promrules::duration::parse(&d).ok()).unwrap_or(0);
        start + d as i64
    });
    let matchers: Vec<serde_json::Value> = matchers_of(v)
        .into_iter()
        .map(|m| serde_json::json!({"name": m.name, "value": m.value, "isRegex": m.is_regex, "isEqual": m.is_equal}))
        .collect();
    let mut b = serde_json::json!({
        "matchers": matchers,
        "startsAt": time::format(start),
        "endsAt": time::format(end),
        "createdBy": str_attr(v, "created_by").unwrap_or_default(),
        "comment": str_attr(v, "comment").unwrap_or_default(),
    });
    if let Some(id) = id {
        b["id"] = serde_json::Value::String(id.to_string());
    }
    b
}

fn api_error(what: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(format!("Alertmanager refused to {what} the silence"), detail)
}

/// GET one silence: `None` when Alertmanager does not know it.
fn get(settings: &Settings, id: &str) -> Result<Option<serde_json::Value>, ProviderDiagnostic> {
    let r = settings.http.get(&format!("/api/v2/silence/{id}")).map_err(|e| api_error("read", e))?;
    if r.status == 404 || (r.status == 500 && r.body.contains("not found")) {
        return Ok(None);
    }
    if !r.ok() {
        return Err(api_error("read", format!("GET /api/v2/silence/{id}: HTTP {}: {}", r.status, excerpt(&r.body))));
    }
    r.json().map(Some).map_err(|e| api_error("read", e))
}

/// `state` updated from the API's silence; strings meaning the same
/// instant as `prior`'s kept as written.
fn from_api(s: &serde_json::Value, prior: &Value) -> Value {
    let text = |k: &str| s.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let api_ms: Vec<M> = s
        .get("matchers")
        .and_then(|m| m.as_array())
        .map(|a| {
            a.iter()
                .map(|m| M {
                    name: m.get("name").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
                    value: m.get("value").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
                    is_regex: m.get("isRegex").and_then(|v| v.as_bool()).unwrap_or(false),
                    is_equal: m.get("isEqual").and_then(|v| v.as_bool()).unwrap_or(true),
                })
                .collect()
        })
        .unwrap_or_default();
    let prior_ms = matchers_of(prior);
    let ms = if !prior.is_null() && sorted(prior_ms.clone()) == sorted(api_ms.clone()) { prior_ms } else { api_ms };
    let state_kind = s.pointer("/status/state").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let keep = |name: &str, api: String, clamped_ok: bool| -> Value {
        let (Some(p), Ok(a)) = (str_attr(prior, name), time::parse(&api)) else { return Value::string(api) };
        match time::parse(&p) {
            Ok(q) if q == a => Value::string(p),
            // A start in the past is moved to the moment of creation.
            Ok(q) if clamped_ok && q < a && state_kind != "pending" => Value::string(p),
            _ => Value::string(api),
        }
    };
    let mut v = if prior.is_null() {
        let ty = cached().implied_type();
        strata_lang::json::from_json_typed(&serde_json::json!({}), &ty).unwrap_or_else(|_| Value::null(ty))
    } else {
        prior.clone()
    };
    v = with_attr(&v, "id", Value::string(text("id")));
    v = with_attr(&v, "matchers", matchers_value(&ms));
    v = with_attr(&v, "starts_at", keep("starts_at", text("startsAt"), true));
    v = with_attr(&v, "ends_at", keep("ends_at", text("endsAt"), false));
    v = with_attr(&v, "created_by", Value::string(text("createdBy")));
    v = with_attr(&v, "comment", Value::string(text("comment")));
    v = with_attr(&v, "status", Value::string(state_kind));
    v
}

pub fn read(settings: &Settings, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let Some(id) = str_attr(current, "id") else { return Ok(Some(current.clone())) };
    match get(settings, &id)? {
        None => Ok(None),
        Some(s) if s.pointer("/status/state").and_then(|v| v.as_str()) == Some("expired") => Ok(None),
        Some(s) => Ok(Some(from_api(&s, current))),
    }
}

pub fn apply(settings: &Settings, req: &ApplyRequest) -> Result<Value, super::Failed> {
    if req.planned.is_null() {
        let Some(id) = str_attr(req.prior, "id") else { return Ok(req.planned.clone()) };
        let r = settings
            .http
            .delete(&format!("/api/v2/silence/{id}"))
            .map_err(|e| Box::new((req.prior.clone(), api_error("expire", e))))?;
        let gone = r.status == 404 || (r.status == 500 && (r.body.contains("not found") || r.body.contains("expired")));
        if !r.ok() && !gone {
            return Err(Box::new((
                req.prior.clone(),
                api_error("expire", format!("DELETE /api/v2/silence/{id}: HTTP {}: {}", r.status, excerpt(&r.body))),
            )));
        }
        return Ok(req.planned.clone());
    }
    let failed = |d: ProviderDiagnostic| {
        let state = if req.prior.is_null() { Value::null(req.planned.ty()) } else { req.prior.clone() };
        Box::new((state, d))
    };
    let id = if req.prior.is_null() { None } else { str_attr(req.prior, "id") };
    let what = if id.is_some() { "update" } else { "create" };
    let payload = body(req.planned, id.as_deref());
    let bytes = serde_json::to_vec(&payload).unwrap_or_default();
    let r = settings
        .http
        .post("/api/v2/silences", Some(("application/json", &bytes)))
        .map_err(|e| failed(api_error(what, e)))?;
    if !r.ok() {
        return Err(failed(api_error(what, format!("POST /api/v2/silences: HTTP {}: {}", r.status, excerpt(&r.body)))));
    }
    let new_id =
        r.json().ok().and_then(|j| j.get("silenceID").and_then(|v| v.as_str()).map(String::from)).ok_or_else(|| {
            failed(api_error(what, format!("POST /api/v2/silences answered without a silenceID: {}", excerpt(&r.body))))
        })?;
    let partial = with_attr(req.planned, "id", Value::string(new_id.as_str()));
    let s = get(settings, &new_id).map_err(|d| Box::new((partial.clone(), d)))?.ok_or_else(|| {
        Box::new((
            partial.clone(),
            api_error("read", format!("silence {new_id} is not found right after it was posted")),
        ))
    })?;
    let mut state = from_api(&s, req.planned);
    // Keep the planned duration; the API does not know it.
    state = with_attr(&state, "duration", attr(req.planned, "duration"));
    Ok(state)
}

pub fn import(settings: &Settings, id: &str) -> Result<Value, ProviderDiagnostic> {
    match get(settings, id)? {
        Some(s) if s.pointer("/status/state").and_then(|v| v.as_str()) != Some("expired") => {
            Ok(from_api(&s, &Value::null(cached().implied_type())))
        }
        Some(_) => {
            Err(ProviderDiagnostic::error("Cannot import alertmanager_silence", format!("Silence {id} has expired.")))
        }
        None => Err(ProviderDiagnostic::error(
            "Cannot import alertmanager_silence",
            format!("Alertmanager has no silence {id:?}."),
        )),
    }
}

/// An active (or pending) silence with the planned matchers, author and comment.
pub fn find_created(settings: &Settings, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let r = settings.http.get("/api/v2/silences").map_err(|e| api_error("list", e))?;
    if !r.ok() {
        return Err(api_error("list", format!("GET /api/v2/silences: HTTP {}: {}", r.status, excerpt(&r.body))));
    }
    let all = r.json().map_err(|e| api_error("list", e))?;
    let want = sorted(matchers_of(planned));
    let (by, comment) = (str_attr(planned, "created_by"), str_attr(planned, "comment"));
    for s in all.as_array().into_iter().flatten() {
        if s.pointer("/status/state").and_then(|v| v.as_str()) == Some("expired") {
            continue;
        }
        let candidate = from_api(s, &Value::null(cached().implied_type()));
        if sorted(matchers_of(&candidate)) == want
            && str_attr(&candidate, "created_by") == by
            && str_attr(&candidate, "comment") == comment
        {
            let mut state = from_api(s, planned);
            state = with_attr(&state, "duration", attr(planned, "duration"));
            return Ok(Some(state));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn silence(j: serde_json::Value) -> Value {
        strata_lang::json::from_json_typed(&j, &cached().implied_type()).unwrap()
    }

    fn config(value: &str, comment: &str, end: serde_json::Value, duration: serde_json::Value) -> Value {
        silence(serde_json::json!({
            "matchers": [{"name": "alertname", "value": value}],
            "ends_at": end, "duration": duration, "created_by": "me", "comment": comment,
        }))
    }

    fn plan_of(prior: &Value, config: &Value) -> PlanResponse {
        // As the engine proposes: computed values the configuration leaves out taken from the prior.
        let mut proposed = config.clone();
        for k in ["id", "status", "starts_at", "ends_at"] {
            if attr(config, k).is_null() && !prior.is_null() {
                proposed = with_attr(&proposed, k, attr(prior, k));
            }
        }
        let req =
            PlanRequest { type_name: super::super::SILENCE, prior, proposed: &proposed, config, prior_private: &[] };
        let mut resp = PlanResponse {
            planned: config.clone(),
            requires_replace: Vec::new(),
            private: Vec::new(),
            diagnostics: Vec::new(),
        };
        plan(&req, &mut resp);
        resp
    }

    fn summaries(d: &Diagnostics) -> Vec<String> {
        d.iter().map(|d| d.summary.clone()).collect()
    }

    #[test]
    fn the_end_is_required_once_and_in_the_future() {
        let null = serde_json::Value::Null;
        assert_eq!(summaries(&validate(&config("A", "c", null.clone(), null.clone()))), ["Missing end of silence"]);
        assert_eq!(
            summaries(&validate(&config("A", "c", "2999-01-01T00:00:00Z".into(), "2h".into()))),
            ["Conflicting attributes"]
        );
        assert_eq!(summaries(&validate(&config("A", "c", "next week".into(), null.clone()))), ["Invalid timestamp"]);
        assert_eq!(summaries(&validate(&config("A", "c", null.clone(), "2 hours".into()))), ["Invalid duration"]);
        let past = plan_of(
            &Value::null(cached().implied_type()),
            &config("A", "c", "2020-01-01T00:00:00Z".into(), null.clone()),
        );
        assert_eq!(summaries(&past.diagnostics), ["Silence ends in the past"]);
        assert_eq!(past.diagnostics[0].attribute, Some(path("ends_at")));
        let everything = silence(serde_json::json!({
            "matchers": [{"name": "alertname", "value": ".*", "is_regex": true}],
            "duration": "1h", "created_by": "me", "comment": "c",
        }));
        assert_eq!(summaries(&validate(&everything)), ["Invalid matchers"]);
    }

    #[test]
    fn a_matcher_change_replaces_and_a_comment_change_does_not() {
        let prior = silence(serde_json::json!({
            "id": "abc", "status": "active",
            "matchers": [{"name": "alertname", "value": "A", "is_regex": false, "is_equal": true}],
            "starts_at": "2999-01-01T00:00:00.000Z", "ends_at": "2999-01-01T02:00:00.000Z",
            "duration": "2h", "created_by": "me", "comment": "c",
        }));
        let null = serde_json::Value::Null;
        let same = plan_of(&prior, &config("A", "c", null.clone(), "2h".into()));
        assert!(same.requires_replace.is_empty() && same.diagnostics.is_empty(), "{:?}", same.diagnostics);
        assert_eq!(str_attr(&same.planned, "ends_at").as_deref(), Some("2999-01-01T02:00:00.000Z"));
        assert_eq!(str_attr(&same.planned, "id").as_deref(), Some("abc"));
        let comment = plan_of(&prior, &config("A", "other", null.clone(), "2h".into()));
        assert!(comment.requires_replace.is_empty());
        let longer = plan_of(&prior, &config("A", "c", null.clone(), "3h".into()));
        assert_eq!(str_attr(&longer.planned, "ends_at").as_deref(), Some("2999-01-01T03:00:00.000Z"));
        let two = |a: &str, b: &str| {
            silence(serde_json::json!({
                "matchers": [{"name": a, "value": "1"}, {"name": b, "value": "2"}],
                "duration": "2h", "created_by": "me", "comment": "c",
            }))
        };
        let prior_two = with_attr(
            &with_attr(&prior, "matchers", attr(&plan_of(&prior, &two("a", "b")).planned, "matchers")),
            "id",
            Value::string("abc"),
        );
        let swapped = silence(serde_json::json!({
            "matchers": [{"name": "b", "value": "2"}, {"name": "a", "value": "1"}],
            "duration": "2h", "created_by": "me", "comment": "c",
        }));
        let reordered = plan_of(&prior_two, &swapped);
        assert!(reordered.requires_replace.is_empty());
        assert!(attr(&reordered.planned, "matchers").raw_equal(&attr(&prior_two, "matchers")), "the order kept");
        let matcher = plan_of(&prior, &config("B", "c", null.clone(), "2h".into()));
        assert_eq!(matcher.requires_replace, vec![path("matchers")]);
        assert!(!attr(&matcher.planned, "id").is_known());
        // The same instant written another way is no change.
        let end = plan_of(&prior, &config("A", "c", "2999-01-01T03:00:00+01:00".into(), null));
        assert_eq!(str_attr(&end.planned, "ends_at").as_deref(), Some("2999-01-01T02:00:00.000Z"));
    }
}
