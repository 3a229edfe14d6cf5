//! `alertmanager_config`'s typed model: its schema, the YAML written from
//! it, the YAML read back into it, and the document paths of the checks'
//! problems turned into attribute paths. One table (`yaml_key`) names each
//! block's YAML key, so writing, reading and paths agree.

use std::collections::BTreeMap;
use strata_lang::json::Json;
use strata_lang::{Kind, Type, Value};
use strata_promrules::yaml::{self, Node, Out};
use strata_promrules::PathPart;
use strata_provider::*;

/// How deep `route` blocks nest below the root route.
pub const ROUTE_DEPTH: usize = 4;

fn attrs(list: Vec<(&str, Attribute)>) -> BTreeMap<String, Attribute> {
    list.into_iter().map(|(k, a)| (k.to_string(), a)).collect()
}

fn s() -> Attribute {
    Attribute::optional(Type::String)
}
fn secret() -> Attribute {
    Attribute::optional(Type::String).sensitive()
}
fn b() -> Attribute {
    Attribute::optional(Type::Bool)
}
fn strings() -> Attribute {
    Attribute::optional(Type::list(Type::String))
}

fn list(block: Block) -> NestedBlock {
    NestedBlock { nesting: Nesting::List, block, min_items: 0, max_items: 0 }
}

fn one(block: Block, required: bool) -> NestedBlock {
    NestedBlock { nesting: Nesting::List, block, min_items: u64::from(required), max_items: 1 }
}

fn route_block(depth: usize) -> Block {
    let mut blocks = BTreeMap::new();
    if depth < ROUTE_DEPTH {
        blocks.insert("route".to_string(), list(route_block(depth + 1)));
    }
    Block {
        attributes: attrs(vec![
            ("receiver", s()),
            ("group_by", strings()),
            ("group_wait", s()),
            ("group_interval", s()),
            ("repeat_interval", s()),
            ("matchers", strings()),
            ("continue", b()),
            ("mute_time_intervals", strings()),
            ("active_time_intervals", strings()),
        ]),
        blocks,
    }
}

fn receiver_block() -> Block {
    let webhook = Block {
        attributes: attrs(vec![
            ("url", Attribute::required(Type::String).sensitive()),
            ("send_resolved", b()),
            ("max_alerts", Attribute::optional(Type::Number)),
        ]),
        blocks: BTreeMap::new(),
    };
    let slack = Block {
        attributes: attrs(vec![
            ("api_url", secret()),
            ("channel", s()),
            ("username", s()),
            ("title", s()),
            ("title_link", s()),
            ("text", s()),
            ("color", s()),
            ("icon_emoji", s()),
            ("icon_url", s()),
            ("send_resolved", b()),
        ]),
        blocks: BTreeMap::new(),
    };
    let pagerduty = Block {
        attributes: attrs(vec![
            ("routing_key", secret()),
            ("service_key", secret()),
            ("url", s()),
            ("client", s()),
            ("client_url", s()),
            ("description", s()),
            ("severity", s()),
            ("send_resolved", b()),
        ]),
        blocks: BTreeMap::new(),
    };
    let email = Block {
        attributes: attrs(vec![
            ("to", Attribute::required(Type::String)),
            ("from", s()),
            ("smarthost", s()),
            ("hello", s()),
            ("auth_username", s()),
            ("auth_password", secret()),
            ("auth_identity", s()),
            ("require_tls", b()),
            ("html", s()),
            ("text", s()),
            ("headers", Attribute::optional(Type::map(Type::String))),
            ("send_resolved", b()),
        ]),
        blocks: BTreeMap::new(),
    };
    Block {
        attributes: attrs(vec![("name", Attribute::required(Type::String))]),
        blocks: BTreeMap::from([
            ("webhook_config".to_string(), list(webhook)),
            ("slack_config".to_string(), list(slack)),
            ("pagerduty_config".to_string(), list(pagerduty)),
            ("email_config".to_string(), list(email)),
        ]),
    }
}

/// `alertmanager_config`'s schema (built once).
pub fn config_block() -> &'static Block {
    static BLOCK: std::sync::OnceLock<Block> = std::sync::OnceLock::new();
    BLOCK.get_or_init(build_config_block)
}

fn build_config_block() -> Block {
    let global = Block {
        attributes: attrs(vec![
            ("resolve_timeout", s()),
            ("slack_api_url", secret()),
            ("pagerduty_url", s()),
            ("smtp_from", s()),
            ("smtp_smarthost", s()),
            ("smtp_hello", s()),
            ("smtp_auth_username", s()),
            ("smtp_auth_password", secret()),
            ("smtp_auth_identity", s()),
            ("smtp_require_tls", b()),
        ]),
        blocks: BTreeMap::new(),
    };
    let inhibit = Block {
        attributes: attrs(vec![("source_matchers", strings()), ("target_matchers", strings()), ("equal", strings())]),
        blocks: BTreeMap::new(),
    };
    let times = Block {
        attributes: attrs(vec![
            ("start_time", Attribute::required(Type::String)),
            ("end_time", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    };
    let interval = Block {
        attributes: attrs(vec![
            ("weekdays", strings()),
            ("days_of_month", strings()),
            ("months", strings()),
            ("years", strings()),
            ("location", s()),
        ]),
        blocks: BTreeMap::from([("times".to_string(), list(times))]),
    };
    let time_interval = Block {
        attributes: attrs(vec![("name", Attribute::required(Type::String))]),
        blocks: BTreeMap::from([("interval".to_string(), list(interval))]),
    };
    Block {
        attributes: attrs(vec![
            ("id", Attribute::computed(Type::String).describe("The configuration file's path.")),
            ("templates", strings()),
            (
                "content",
                Attribute::computed(Type::String)
                    .sensitive()
                    .describe("The YAML written to the configuration file (it holds the secrets)."),
            ),
        ]),
        blocks: BTreeMap::from([
            ("global".to_string(), one(global, false)),
            ("route".to_string(), one(route_block(0), true)),
            ("receiver".to_string(), list(receiver_block())),
            ("inhibit_rule".to_string(), list(inhibit)),
            ("time_interval".to_string(), list(time_interval)),
        ]),
    }
}

/// The YAML key of block `name`, and whether it holds one object (not a
/// list), at `top` (the resource's own body) or inside another block.
fn yaml_key(name: &str, top: bool) -> (&'static str, bool) {
    match name {
        "global" => ("global", true),
        "route" if top => ("route", true),
        "route" => ("routes", false),
        "receiver" => ("receivers", false),
        "webhook_config" => ("webhook_configs", false),
        "slack_config" => ("slack_configs", false),
        "pagerduty_config" => ("pagerduty_configs", false),
        "email_config" => ("email_configs", false),
        "inhibit_rule" => ("inhibit_rules", false),
        "time_interval" => ("time_intervals", false),
        "interval" => ("time_intervals", false),
        "times" => ("times", false),
        _ => ("", false),
    }
}

/// Attributes that are Strata's, not Alertmanager's.
fn is_meta(name: &str, top: bool) -> bool {
    top && matches!(name, "id" | "content")
}

/// The order keys are written in: names first, then the rest by name.
fn ordered<'a>(names: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
    let mut v: Vec<&String> = names.collect();
    v.sort_by_key(|n| (!matches!(n.as_str(), "name" | "receiver"), n.as_str()));
    v
}

fn out_of(v: &Value, ty: &Type) -> Option<Out> {
    let v = v.unmark_deep().0;
    if v.is_null() || !v.is_known() {
        return None;
    }
    match (ty, v.kind()) {
        (Type::String, Kind::String(s)) => Some(Out::str(s.to_string())),
        (Type::Bool, Kind::Bool(b)) => Some(Out::Bool(*b)),
        (Type::Number, Kind::Number(n)) => Some(match n.to_string().parse::<i64>() {
            Ok(i) => Out::Int(i),
            Err(_) => Out::str(n.to_string()),
        }),
        (Type::List(e), _) => {
            let items: Vec<Out> = v.as_seq().unwrap_or_default().iter().filter_map(|x| out_of(x, e)).collect();
            (!items.is_empty()).then_some(Out::Seq(items))
        }
        (Type::Map(e), _) => {
            let m = v.as_entries()?;
            let items: Vec<(String, Out)> =
                m.iter().filter_map(|(k, x)| out_of(x, e).map(|o| (k.clone(), o))).collect();
            (!items.is_empty()).then_some(Out::Map(items))
        }
        _ => None,
    }
}

fn block_out(block: &Block, v: &Value, top: bool) -> Out {
    let mut entries = Vec::new();
    let names: Vec<&String> = block.attributes.keys().chain(block.blocks.keys()).collect();
    for name in ordered(names.into_iter()) {
        let value = super::attr(v, name);
        if let Some(a) = block.attributes.get(name) {
            if is_meta(name, top) {
                continue;
            }
            if let Some(o) = out_of(&value, &a.ty) {
                entries.push((name.clone(), o));
            }
        } else if let Some(nb) = block.blocks.get(name) {
            let (key, single) = yaml_key(name, top);
            let items: Vec<Out> = value
                .unmark()
                .0
                .as_seq()
                .unwrap_or_default()
                .iter()
                .map(|item| block_out(&nb.block, item, false))
                .collect();
            if single {
                if let Some(first) = items.into_iter().next() {
                    entries.push((key.to_string(), first));
                }
            } else if !items.is_empty() {
                entries.push((key.to_string(), Out::Seq(items)));
            }
        }
    }
    Out::Map(entries)
}

/// The YAML document `v` (an `alertmanager_config` value) stands for.
pub fn to_yaml(v: &Value) -> String {
    let mut text = String::from("# Managed by Strata (alertmanager_config): edits here show as drift.\n");
    text.push_str(&yaml::emit(&block_out(config_block(), v, true)));
    text
}

fn scalar_json(node: &Node, ty: &Type) -> Json {
    match (&node.kind, ty) {
        (yaml::Kind::Null, _) => Json::Null,
        (yaml::Kind::Scalar(s, _), Type::Bool) => match s.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "y" => Json::Bool(true),
            "false" | "no" | "off" | "n" => Json::Bool(false),
            _ => Json::Null,
        },
        (yaml::Kind::Scalar(s, _), Type::Number) => s.parse::<i64>().map(Json::from).unwrap_or(Json::Null),
        (yaml::Kind::Scalar(s, _), _) => Json::String(s.clone()),
        (yaml::Kind::Seq(items), Type::List(e)) => Json::Array(items.iter().map(|i| scalar_json(i, e)).collect()),
        (yaml::Kind::Map(m), Type::Map(e)) => {
            Json::Object(m.iter().filter_map(|(k, v)| k.as_str().map(|k| (k.to_string(), scalar_json(v, e)))).collect())
        }
        _ => Json::Null,
    }
}

fn block_json(block: &Block, node: &Node, top: bool) -> Json {
    let mut o = serde_json::Map::new();
    for (name, a) in &block.attributes {
        if let Some(n) = node.get(name) {
            o.insert(name.clone(), scalar_json(n, &a.ty));
        }
    }
    for (name, nb) in &block.blocks {
        let (key, single) = yaml_key(name, top);
        // Absent blocks are empty lists, as the configuration's are.
        let Some(n) = node.get(key) else {
            o.insert(name.clone(), Json::Array(Vec::new()));
            continue;
        };
        let items: Vec<Json> = if single {
            if n.is_map() {
                vec![block_json(&nb.block, n, false)]
            } else {
                Vec::new()
            }
        } else {
            n.items().iter().filter(|i| i.is_map()).map(|i| block_json(&nb.block, i, false)).collect()
        };
        o.insert(name.clone(), Json::Array(items));
    }
    Json::Object(o)
}

/// The typed value a YAML document reads as (what the model cannot hold is
/// left out; `same_document` tells whether anything was).
pub fn from_yaml(root: &Node) -> Value {
    let block = config_block();
    let json = block_json(block, root, true);
    strata_lang::json::from_json_typed(&json, &block.implied_type())
        .unwrap_or_else(|_| Value::null(block.implied_type()))
}

fn empty(n: Option<&Node>) -> bool {
    n.is_none_or(|n| n.is_null() || (n.is_seq() && n.items().is_empty()) || (n.is_map() && n.entries().is_empty()))
}

/// Whether two documents mean the same to Alertmanager: keys in any
/// order, durations by length (`60m` = `1h`), absent = null = empty.
pub fn same_document(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (yaml::Kind::Scalar(x, _), yaml::Kind::Scalar(y, _)) => {
            x == y
                || matches!((strata_promrules::duration::parse(x), strata_promrules::duration::parse(y)), (Ok(p), Ok(q)) if p == q)
        }
        (yaml::Kind::Seq(x), yaml::Kind::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_document(p, q))
        }
        (yaml::Kind::Map(x), yaml::Kind::Map(y)) => {
            let keys: std::collections::BTreeSet<&str> = x.iter().chain(y).filter_map(|(k, _)| k.as_str()).collect();
            keys.into_iter().all(|k| match (a.get(k), b.get(k)) {
                (Some(p), Some(q)) => same_document(p, q) || (empty(Some(p)) && empty(Some(q))),
                (p, q) => empty(p) && empty(q),
            })
        }
        _ => empty(Some(a)) && empty(Some(b)),
    }
}

/// `new` with every value that means the same as `prior`'s at the same
/// place replaced by `prior`'s (a duration written `60m` stays `60m` when
/// the file or the configuration says `1h`; an empty list stays empty).
pub fn keep_equivalent(new: &Value, prior: &Value) -> Value {
    if prior.is_null() || !prior.is_known() || !new.is_known() {
        return new.clone();
    }
    let marks = new.marks();
    match (new.kind(), prior.unmark_deep().0.kind()) {
        (Kind::String(a), Kind::String(p)) if a.as_ref() != p.as_ref() => {
            match (strata_promrules::duration::parse(a), strata_promrules::duration::parse(p)) {
                (Ok(x), Ok(y)) if x == y => Value::string(p.as_ref()).mark(marks),
                _ => new.clone(),
            }
        }
        (Kind::Null(_), Kind::List(_, items)) if items.is_empty() => prior.clone(),
        (Kind::Null(_), Kind::Map(_, items)) if items.is_empty() => prior.clone(),
        (Kind::Object(fields), _) => {
            let mut out = strata_lang::Fields::new();
            for (k, v) in fields.iter() {
                out.insert(k.clone(), keep_equivalent(v, &super::attr(prior, k)));
            }
            Value::object(out).mark(marks)
        }
        (Kind::List(t, items), _) => {
            let p = prior.as_seq().unwrap_or_default();
            let out = items
                .iter()
                .enumerate()
                .map(|(i, v)| p.get(i).map_or_else(|| v.clone(), |q| keep_equivalent(v, q)))
                .collect();
            Value::list(t.clone(), out).mark(marks)
        }
        _ => new.clone(),
    }
}

/// The attribute path of a problem at document path `doc`.
pub fn attribute_path(doc: &[PathPart]) -> AttributePath {
    let mut out = Vec::new();
    let mut block: &Block = config_block();
    let mut top = true;
    let mut parts = doc.iter().peekable();
    while let Some(part) = parts.next() {
        let PathPart::Key(key) = part else {
            if let PathPart::Index(i) = part {
                out.push(PathStep::Index(*i as u64));
            }
            continue;
        };
        if block.attributes.contains_key(key) && !is_meta(key, top) {
            out.push(PathStep::Attr(key.clone()));
            let ty = block.attributes[key].ty.clone();
            for rest in parts.by_ref() {
                match (rest, &ty) {
                    (PathPart::Index(i), Type::List(_)) => out.push(PathStep::Index(*i as u64)),
                    (PathPart::Key(k), Type::Map(_)) => out.push(PathStep::Key(k.clone())),
                    _ => break,
                }
            }
            break;
        }
        let Some((name, nb)) = block.blocks.iter().find(|(name, _)| yaml_key(name, top).0 == key) else { break };
        out.push(PathStep::Attr(name.clone()));
        if yaml_key(name, top).1 {
            out.push(PathStep::Index(0));
        } else if let Some(PathPart::Index(i)) = parts.next() {
            out.push(PathStep::Index(*i as u64));
        } else {
            break;
        }
        block = &nb.block;
        top = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_value(yaml_text: &str) -> Value {
        from_yaml(&yaml::parse(yaml_text).unwrap())
    }

    const DOC: &str = "global:\n  resolve_timeout: 5m\n  slack_api_url: https://hooks.slack.com/services/SECRET\nroute:\n  receiver: team\n  group_by:\n  - alertname\n  routes:\n  - receiver: pager\n    matchers:\n    - severity=\"page\"\n    continue: true\n    routes:\n    - receiver: team\n      group_wait: 1h\nreceivers:\n- name: team\n  slack_configs:\n  - channel: \"#alerts\"\n    send_resolved: true\n- name: pager\n  webhook_configs:\n  - url: http://127.0.0.1:9/hook\n    max_alerts: 3\ninhibit_rules:\n- source_matchers:\n  - severity=\"page\"\n  equal:\n  - alertname\ntime_intervals:\n- name: offhours\n  time_intervals:\n  - times:\n    - start_time: \"18:00\"\n      end_time: \"24:00\"\n    weekdays:\n    - saturday\n";

    #[test]
    fn a_document_reads_into_the_model_and_is_written_back_the_same() {
        let v = config_value(DOC);
        let route = super::super::attr(&v, "route");
        let root = &route.as_seq().unwrap()[0];
        assert_eq!(super::super::str_attr(root, "receiver").as_deref(), Some("team"));
        let written = to_yaml(&v);
        let (a, b) = (yaml::parse(DOC).unwrap(), yaml::parse(&written).unwrap());
        assert!(same_document(&a, &b), "{written}");
        assert!(strata_promrules::alertmanager::check_config(&written).is_empty());
        // Read again, it is the same value.
        assert!(config_value(&written).raw_equal(&v));
    }

    #[test]
    fn a_change_is_a_different_document_and_equal_durations_are_not() {
        let a = yaml::parse(DOC).unwrap();
        let b = yaml::parse(&DOC.replace("group_wait: 1h", "group_wait: 60m")).unwrap();
        assert!(same_document(&a, &b));
        let c = yaml::parse(&DOC.replace("group_wait: 1h", "group_wait: 2h")).unwrap();
        assert!(!same_document(&a, &c));
        let d = yaml::parse(&format!("{DOC}templates: [x.tmpl]\n")).unwrap();
        assert!(!same_document(&a, &d));
        let kept =
            keep_equivalent(&config_value(&DOC.replace("group_wait: 1h", "group_wait: 60m")), &config_value(DOC));
        assert!(kept.raw_equal(&config_value(DOC)));
    }

    #[test]
    fn document_paths_become_attribute_paths() {
        let k = |s: &str| PathPart::Key(s.into());
        let p = attribute_path(&[
            k("route"),
            k("routes"),
            PathPart::Index(0),
            k("routes"),
            PathPart::Index(1),
            k("receiver"),
        ]);
        let a = |s: &str| PathStep::Attr(s.into());
        assert_eq!(
            p,
            vec![
                a("route"),
                PathStep::Index(0),
                a("route"),
                PathStep::Index(0),
                a("route"),
                PathStep::Index(1),
                a("receiver")
            ]
        );
        let p = attribute_path(&[k("receivers"), PathPart::Index(2), k("slack_configs"), PathPart::Index(0)]);
        assert_eq!(p, vec![a("receiver"), PathStep::Index(2), a("slack_config"), PathStep::Index(0)]);
        let p = attribute_path(&[k("route"), k("matchers"), PathPart::Index(1)]);
        assert_eq!(p, vec![a("route"), PathStep::Index(0), a("matchers"), PathStep::Index(1)]);
        let p = attribute_path(&[
            k("time_intervals"),
            PathPart::Index(0),
            k("time_intervals"),
            PathPart::Index(0),
            k("times"),
            PathPart::Index(0),
            k("start_time"),
        ]);
        assert_eq!(
            p,
            vec![
                a("time_interval"),
                PathStep::Index(0),
                a("interval"),
                PathStep::Index(0),
                a("times"),
                PathStep::Index(0),
                a("start_time")
            ]
        );
    }
}
