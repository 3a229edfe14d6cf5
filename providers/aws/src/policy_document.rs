//! Data sources computed without calling AWS: `aws_iam_policy_document`
//! (rendered byte for byte as hashicorp/aws renders it: Go's
//! `json.MarshalIndent` with two spaces and HTML-safe escapes, one-element
//! lists as a string, longer ones sorted in reverse, principals and
//! conditions grouped and keyed in order, `&{…}` as `${…}`; source and
//! override documents merged by `Sid`) and `aws_partition`.

use crate::util::attrs;
use crate::util::{attr, nonempty, object, str_attr, strings_of};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, NestedBlock, Nesting, ProviderDiagnostic};

fn principal_block() -> NestedBlock {
    NestedBlock {
        nesting: Nesting::Set,
        block: Block {
            attributes: attrs(vec![
                ("type", Attribute::required(Type::String)),
                ("identifiers", Attribute::required(Type::set(Type::String))),
            ]),
            blocks: BTreeMap::new(),
        },
        min_items: 0,
        max_items: 0,
    }
}

pub fn schema() -> Block {
    let strings = || Attribute::optional(Type::set(Type::String));
    let condition = NestedBlock {
        nesting: Nesting::Set,
        block: Block {
            attributes: attrs(vec![
                ("test", Attribute::required(Type::String)),
                ("variable", Attribute::required(Type::String)),
                ("values", Attribute::required(Type::list(Type::String))),
            ]),
            blocks: BTreeMap::new(),
        },
        min_items: 0,
        max_items: 0,
    };
    let statement = NestedBlock {
        nesting: Nesting::List,
        block: Block {
            attributes: attrs(vec![
                ("sid", Attribute::optional(Type::String)),
                ("effect", Attribute::optional(Type::String)),
                ("actions", strings()),
                ("not_actions", strings()),
                ("resources", strings()),
                ("not_resources", strings()),
            ]),
            blocks: BTreeMap::from([
                ("principals".to_string(), principal_block()),
                ("not_principals".to_string(), principal_block()),
                ("condition".to_string(), condition),
            ]),
        },
        min_items: 0,
        max_items: 0,
    };
    Block {
        attributes: attrs(vec![
            ("id", Attribute::computed(Type::String)),
            ("json", Attribute::computed(Type::String)),
            ("minified_json", Attribute::computed(Type::String)),
            ("override_policy_documents", Attribute::optional(Type::list(Type::String))),
            ("policy_id", Attribute::optional(Type::String)),
            ("source_policy_documents", Attribute::optional(Type::list(Type::String))),
            ("version", Attribute::optional(Type::String)),
        ]),
        blocks: BTreeMap::from([("statement".to_string(), statement)]),
    }
}

pub fn partition_schema() -> Block {
    let c = || Attribute::computed(Type::String);
    Block {
        attributes: attrs(vec![("dns_suffix", c()), ("id", c()), ("partition", c()), ("reverse_dns_prefix", c())]),
        blocks: BTreeMap::new(),
    }
}

/// `aws_partition` of the provider's region.
pub fn partition(region: &str) -> Value {
    let p = crate::util::partition(region);
    let (suffix, reverse) = match p {
        "aws-cn" => ("amazonaws.com.cn", "cn.com.amazonaws"),
        _ => ("amazonaws.com", "com.amazonaws"),
    };
    object(
        &partition_schema(),
        [
            ("dns_suffix", Value::string(suffix)),
            ("id", Value::string(p)),
            ("partition", Value::string(p)),
            ("reverse_dns_prefix", Value::string(reverse)),
        ],
    )
}

/// One statement, its fields in the provider's order; values are JSON as
/// they will be written (a string for one element, a reverse-sorted list
/// for more, or what a source document held).
#[derive(Debug, Clone, Default)]
struct Statement {
    sid: String,
    effect: String,
    fields: Vec<(&'static str, Json)>,
}

#[derive(Debug, Clone, Default)]
struct Document {
    version: String,
    id: String,
    statements: Vec<Statement>,
}

impl Document {
    /// `IAMPolicyDoc.Merge`: the newer Id and Version, statements with the
    /// same Sid replaced in place, others appended.
    fn merge(&mut self, other: Document) {
        if !other.id.is_empty() {
            self.id = other.id;
        }
        if other.version > self.version {
            self.version = other.version;
        }
        for s in other.statements {
            match self.statements.iter_mut().find(|e| !s.sid.is_empty() && e.sid == s.sid) {
                Some(existing) => *existing = s,
                None => self.statements.push(s),
            }
        }
    }

    fn to_json(&self) -> Json {
        let mut doc = Map::new();
        if !self.version.is_empty() {
            doc.insert("Version".into(), Json::String(self.version.clone()));
        }
        if !self.id.is_empty() {
            doc.insert("Id".into(), Json::String(self.id.clone()));
        }
        let statements = self
            .statements
            .iter()
            .map(|s| {
                let mut o = Map::new();
                if !s.sid.is_empty() {
                    o.insert("Sid".into(), Json::String(s.sid.clone()));
                }
                if !s.effect.is_empty() {
                    o.insert("Effect".into(), Json::String(s.effect.clone()));
                }
                for key in ["Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"]
                {
                    if let Some((_, v)) = s.fields.iter().find(|(k, _)| *k == key) {
                        o.insert(key.into(), v.clone());
                    }
                }
                Json::Object(o)
            })
            .collect();
        doc.insert("Statement".into(), Json::Array(statements));
        Json::Object(doc)
    }
}

/// `policyDecodeConfigStringList`: one element as a string, more sorted in
/// reverse.
fn string_or_list(mut items: Vec<String>) -> Json {
    if items.len() == 1 {
        return Json::String(items.remove(0));
    }
    items.sort_by(|a, b| b.cmp(a));
    Json::Array(items.into_iter().map(Json::String).collect())
}

/// IAM policy variables written `&{aws:username}` (so HCL leaves them
/// alone) become `${aws:username}` in a 2012-10-17 policy.
fn policy_vars(items: Vec<String>, version: &str) -> Vec<String> {
    if version != "2012-10-17" {
        return items;
    }
    items.into_iter().map(|s| s.replace("&{", "${")).collect()
}

fn principals(blocks: &Value, version: &str) -> Option<Json> {
    let blocks = blocks.unmark_deep().0;
    let list: Vec<(String, Vec<String>)> = blocks
        .as_seq()?
        .iter()
        .map(|b| (str_attr(b, "type").unwrap_or_default(), policy_vars(strings_of(&attr(b, "identifiers")), version)))
        .collect();
    if list.is_empty() {
        return None;
    }
    // Only a bare `*` type with the one identifier `*` is written as "*"
    // (IAM refuses it in trust policies otherwise).
    if let [(t, ids)] = list.as_slice() {
        if t == "*" && ids.len() == 1 && ids[0] == "*" {
            return Some(Json::String("*".into()));
        }
    }
    let mut by_type: BTreeMap<String, Json> = BTreeMap::new();
    for (t, ids) in list {
        let ids = string_or_list(ids);
        let merged = match (by_type.remove(&t), ids) {
            (None, ids) => ids,
            (Some(Json::String(a)), Json::String(b)) => Json::Array(vec![Json::String(a), Json::String(b)]),
            (Some(Json::String(a)), Json::Array(b)) => reverse_sorted([vec![Json::String(a)], b].concat()),
            (Some(Json::Array(mut a)), Json::String(b)) => {
                a.push(Json::String(b));
                Json::Array(a)
            }
            (Some(Json::Array(a)), Json::Array(b)) => reverse_sorted([a, b].concat()),
            (Some(_), ids) => ids,
        };
        by_type.insert(t, merged);
    }
    Some(Json::Object(by_type.into_iter().collect()))
}

fn reverse_sorted(mut items: Vec<Json>) -> Json {
    items.sort_by(|a, b| b.as_str().cmp(&a.as_str()));
    Json::Array(items)
}

fn conditions(blocks: &Value, version: &str) -> Option<Json> {
    let blocks = blocks.unmark_deep().0;
    let seq = blocks.as_seq()?;
    if seq.is_empty() {
        return None;
    }
    let mut by_test: BTreeMap<String, BTreeMap<String, Json>> = BTreeMap::new();
    for c in seq {
        let test = str_attr(c, "test").unwrap_or_default();
        let variable = str_attr(c, "variable").unwrap_or_default();
        let values = string_or_list(policy_vars(strings_of(&attr(c, "values")), version));
        let slot = by_test.entry(test).or_default();
        let merged = match (slot.remove(&variable), values) {
            (Some(Json::Array(mut a)), Json::Array(b)) => {
                // Order matters for values: appended, not sorted.
                a.extend(b);
                Json::Array(a)
            }
            (_, v) => v,
        };
        slot.insert(variable, merged);
    }
    Some(Json::Object(by_test.into_iter().map(|(t, vars)| (t, Json::Object(vars.into_iter().collect()))).collect()))
}

fn configured_document(config: &Value) -> Result<Document, ProviderDiagnostic> {
    let version = nonempty(config, "version").unwrap_or_else(|| "2012-10-17".to_string());
    let mut doc = Document {
        version: version.clone(),
        id: str_attr(config, "policy_id").unwrap_or_default(),
        statements: Vec::new(),
    };
    let statements = attr(config, "statement").unmark_deep().0;
    let mut sids = std::collections::HashSet::new();
    for s in statements.as_seq().map(|s| s.to_vec()).unwrap_or_default() {
        let sid = str_attr(&s, "sid").unwrap_or_default();
        if !sid.is_empty() && !sids.insert(sid.clone()) {
            return Err(ProviderDiagnostic::error(
                "Duplicate Sid",
                format!("duplicate Sid ({sid}). Remove the Sid or ensure the Sid is unique."),
            ));
        }
        let effect = nonempty(&s, "effect").unwrap_or_else(|| "Allow".to_string());
        let mut fields = Vec::new();
        for (name, key, vars) in [
            ("actions", "Action", false),
            ("not_actions", "NotAction", false),
            ("resources", "Resource", true),
            ("not_resources", "NotResource", true),
        ] {
            let items = strings_of(&attr(&s, name));
            if !items.is_empty() {
                let items = if vars { policy_vars(items, &version) } else { items };
                fields.push((key, string_or_list(items)));
            }
        }
        if let Some(p) = principals(&attr(&s, "principals"), &version) {
            fields.push(("Principal", p));
        }
        if let Some(p) = principals(&attr(&s, "not_principals"), &version) {
            fields.push(("NotPrincipal", p));
        }
        if let Some(c) = conditions(&attr(&s, "condition"), &version) {
            fields.push(("Condition", c));
        }
        doc.statements.push(Statement { sid, effect, fields });
    }
    Ok(doc)
}

/// A policy document given as JSON (`source_policy_documents`,
/// `override_policy_documents`).
fn parse_document(text: &str, what: &str) -> Result<Document, ProviderDiagnostic> {
    let bad = |e: String| ProviderDiagnostic::error("Invalid policy document", format!("decoding {what}: {e}"));
    let json: Json = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    let obj = json.as_object().ok_or_else(|| bad("the document is not a JSON object".into()))?;
    let text_of = |k: &str| obj.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let mut doc = Document { version: text_of("Version"), id: text_of("Id"), statements: Vec::new() };
    let statements = match obj.get("Statement") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(a)) => a.clone(),
        Some(one @ Json::Object(_)) => vec![one.clone()],
        Some(_) => return Err(bad("Statement is neither an object nor a list".into())),
    };
    for s in statements {
        let Json::Object(o) = s else { return Err(bad("a statement is not an object".into())) };
        let sid = o.get("Sid").and_then(|v| v.as_str()).unwrap_or_default().to_string();
        let effect = o.get("Effect").and_then(|v| v.as_str()).unwrap_or_default().to_string();
        let mut fields = Vec::new();
        for key in ["Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"] {
            if let Some(v) = o.get(key) {
                fields.push((key, normalize_source_value(key, v)));
            }
        }
        doc.statements.push(Statement { sid, effect, fields });
    }
    Ok(doc)
}

/// A source document's value as the provider writes it back: principal
/// lists sorted in reverse (its principal decoder and encoder do so),
/// principal and condition maps keyed in order; actions, resources and
/// condition values as they were.
fn normalize_source_value(key: &str, v: &Json) -> Json {
    let sorted_keys = |m: &Map<String, Json>, f: &dyn Fn(&Json) -> Json| {
        let sorted: BTreeMap<String, Json> = m.iter().map(|(k, x)| (k.clone(), f(x))).collect();
        Json::Object(sorted.into_iter().collect())
    };
    match (key, v) {
        ("Principal" | "NotPrincipal", Json::Object(m)) => sorted_keys(m, &|x| match x {
            Json::Array(items) if items.iter().all(|i| i.is_string()) => reverse_sorted(items.clone()),
            other => other.clone(),
        }),
        ("Condition", Json::Object(m)) => sorted_keys(m, &|x| match x {
            Json::Object(vars) => sorted_keys(vars, &|v| v.clone()),
            other => other.clone(),
        }),
        (_, other) => other.clone(),
    }
}

/// Go's `encoding/json` escapes `<`, `>`, `&`, U+2028 and U+2029 in
/// strings (HTML-safe output); the provider's JSON keeps those escapes.
fn go_escape(s: String) -> String {
    if !s.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return s;
    }
    s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

pub fn read(config: &Value) -> Result<Value, ProviderDiagnostic> {
    let config = &config.unmark_deep().0;
    let mut merged = Document::default();
    let mut seen = std::collections::HashSet::new();
    for (i, text) in strings_of(&attr(config, "source_policy_documents")).iter().enumerate() {
        let doc = parse_document(text, &format!("source_policy_documents (item {i})"))?;
        for s in &doc.statements {
            if !s.sid.is_empty() && !seen.insert(s.sid.clone()) {
                return Err(ProviderDiagnostic::error(
                    "Duplicate Sid",
                    format!("duplicate Sid ({}) in source_policy_documents (item {i}). Remove the Sid or ensure Sids are unique.", s.sid),
                ));
            }
        }
        merged.merge(doc);
    }
    merged.merge(configured_document(config)?);
    for (i, text) in strings_of(&attr(config, "override_policy_documents")).iter().enumerate() {
        merged.merge(parse_document(text, &format!("override_policy_documents (item {i})"))?);
    }
    let json = merged.to_json();
    let pretty = go_escape(serde_json::to_string_pretty(&json).expect("JSON values serialize"));
    let minified = go_escape(serde_json::to_string(&json).expect("JSON values serialize"));
    let mut out = config.as_entries().cloned().unwrap_or_default();
    out.insert("id".into(), Value::string(crate::util::hashcode(&pretty).to_string()));
    out.insert("json".into(), Value::string(pretty));
    out.insert("minified_json".into(), Value::string(minified));
    Ok(Value::object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_lang::json::from_json_typed;

    fn config(json: &str) -> Value {
        from_json_typed(&serde_json::from_str(json).unwrap(), &schema().implied_type()).unwrap()
    }

    #[test]
    fn renders_as_the_provider_does() {
        let c = config(
            r#"{"statement":[{"sid":"AWSVPCFlowLogsAssumeRole","effect":"Allow","actions":["sts:AssumeRole"],
                 "principals":[{"type":"Service","identifiers":["vpc-flow-logs.amazonaws.com"]}],
                 "condition":[{"test":"StringEquals","variable":"aws:SourceAccount","values":["123456789012"]}]},
                {"actions":["s3:GetBucketLocation","s3:ListAllMyBuckets"],"resources":["arn:aws:s3:::a/&{aws:username}/*"]}]}"#,
        );
        let out = read(&c).unwrap();
        let json = str_attr(&out, "json").unwrap();
        assert_eq!(
            json,
            r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AWSVPCFlowLogsAssumeRole",
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Principal": {
        "Service": "vpc-flow-logs.amazonaws.com"
      },
      "Condition": {
        "StringEquals": {
          "aws:SourceAccount": "123456789012"
        }
      }
    },
    {
      "Effect": "Allow",
      "Action": [
        "s3:ListAllMyBuckets",
        "s3:GetBucketLocation"
      ],
      "Resource": "arn:aws:s3:::a/${aws:username}/*"
    }
  ]
}"#
        );
        assert_eq!(
            str_attr(&out, "minified_json").unwrap(),
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"AWSVPCFlowLogsAssumeRole","Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"vpc-flow-logs.amazonaws.com"},"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}},{"Effect":"Allow","Action":["s3:ListAllMyBuckets","s3:GetBucketLocation"],"Resource":"arn:aws:s3:::a/${aws:username}/*"}]}"#
        );
        assert_eq!(str_attr(&out, "id").unwrap(), crate::util::hashcode(&json).to_string());
    }

    #[test]
    fn star_principal_and_empty_documents() {
        let c = config(r#"{"statement":[{"actions":["s3:*"],"principals":[{"type":"*","identifiers":["*"]}]}]}"#);
        assert!(str_attr(&read(&c).unwrap(), "minified_json").unwrap().contains(r#""Principal":"*""#));
        let aws_star =
            config(r#"{"statement":[{"actions":["s3:*"],"principals":[{"type":"AWS","identifiers":["*"]}]}]}"#);
        assert!(str_attr(&read(&aws_star).unwrap(), "minified_json").unwrap().contains(r#""Principal":{"AWS":"*"}"#));
        let empty = config("{}");
        assert_eq!(
            str_attr(&read(&empty).unwrap(), "minified_json").unwrap(),
            r#"{"Version":"2012-10-17","Statement":[]}"#
        );
    }

    #[test]
    fn source_and_override_documents_merge_by_sid() {
        let c = config(
            r#"{"source_policy_documents":["{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\"},{\"Sid\":\"B\",\"Effect\":\"Deny\",\"Action\":[\"s3:a\",\"s3:b\"],\"Resource\":\"*\"}]}"],
                "override_policy_documents":["{\"Statement\":{\"Sid\":\"A\",\"Effect\":\"Deny\",\"Action\":\"ec2:Run&Stop\",\"Resource\":\"*\"}}"],
                "statement":[{"sid":"C","actions":["iam:PassRole"],"resources":["*"]}]}"#,
        );
        let min = str_attr(&read(&c).unwrap(), "minified_json").unwrap();
        assert_eq!(
            min,
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","Action":"ec2:Run\u0026Stop","Resource":"*"},{"Sid":"B","Effect":"Deny","Action":["s3:a","s3:b"],"Resource":"*"},{"Sid":"C","Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}"#
        );
        let dup = config(r#"{"statement":[{"sid":"X","actions":["a:b"]},{"sid":"X","actions":["a:c"]}]}"#);
        assert!(read(&dup).is_err());
    }
}
