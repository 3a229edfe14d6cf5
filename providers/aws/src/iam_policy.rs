//! IAM policy documents compared by what they mean, as hashicorp/aws
//! compares them (`awspolicyequivalence`): statement order, a single
//! string or a one-element list, `"*"` or `{"AWS": "*"}` as principal, an
//! account ID or its `:root` ARN, whitespace and key order make no
//! difference; documents IAM returns URL-encoded are decoded first. A
//! document read back that means what the stored one means keeps the
//! stored text, so equivalent documents never show as drift or changes.
//!
//! Pure functions over text: no AWS calls, no values.

use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};

/// The text of a document IAM returned: URL-decoded (RFC 3986, as IAM
/// encodes it) unless it already reads as JSON.
pub fn decode(remote: &str) -> String {
    let t = remote.trim_start();
    if t.is_empty() || t.starts_with('{') || t.starts_with('[') {
        return remote.to_string();
    }
    percent_decode(remote).unwrap_or_else(|| remote.to_string())
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Why `doc` is not a policy document the provider accepts (its
/// `ValidIAMPolicyJSON`), as the reason after "contains an invalid JSON
/// policy: ".
pub fn invalid_reason(doc: &str) -> Option<String> {
    if doc.is_empty() {
        return Some("empty document".into());
    }
    if doc.starts_with(char::is_whitespace) {
        return Some("leading space characters are not allowed".into());
    }
    if !doc.starts_with('{') {
        return Some("not a JSON object".into());
    }
    match serde_json::from_str::<Json>(doc) {
        Err(e) => Some(format!("contains an invalid JSON: {e}")),
        Ok(Json::Object(_)) => None,
        Ok(_) => Some("not a JSON object".into()),
    }
}

/// `doc` as compact JSON with sorted keys (the provider's
/// `NormalizeJsonString`); text that is not JSON is kept as it is.
pub fn normalize(doc: &str) -> String {
    match serde_json::from_str::<Json>(doc) {
        Ok(v) => sorted(v).to_string(),
        Err(_) => doc.to_string(),
    }
}

/// `v` with every object's keys sorted (serde_json keeps insertion order
/// in this workspace; Go's encoder sorts).
fn sorted(v: Json) -> Json {
    match v {
        Json::Object(m) => {
            let mut entries: Vec<(String, Json)> = m.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Object(entries.into_iter().collect())
        }
        Json::Array(items) => Json::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// The text to store for a document read back as `remote` (raw from IAM)
/// when state or configuration holds `known`: `known` itself when the two
/// are equivalent, otherwise the remote document normalized (the
/// provider's `PolicyToSet`).
pub fn to_store(known: Option<&str>, remote: &str) -> String {
    let remote = decode(remote);
    match known {
        Some(k) if equivalent(k, &remote) => k.to_string(),
        _ => normalize(&remote),
    }
}

/// Whether two policy documents mean the same. Documents that are not
/// JSON are equivalent only when their text is equal.
pub fn equivalent(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (canonical(&decode(a)), canonical(&decode(b))) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
enum Principal {
    /// Everyone: `"*"` or `{"AWS": "*"}`.
    Anyone,
    /// Principal type → identifiers.
    Typed(BTreeMap<String, BTreeSet<String>>),
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone, Default)]
struct Statement {
    sid: String,
    effect: String,
    action: BTreeSet<String>,
    not_action: BTreeSet<String>,
    resource: BTreeSet<String>,
    not_resource: BTreeSet<String>,
    principal: Option<Principal>,
    not_principal: Option<Principal>,
    condition: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
}

#[derive(Debug, PartialEq, Eq, Default)]
struct Canonical {
    version: String,
    id: String,
    /// Sorted, duplicates removed: the provider compares statements as
    /// sets, each side's found in the other.
    statements: Vec<Statement>,
}

/// A document reduced to what it means; `None` when it is not JSON or
/// not shaped like a policy.
fn canonical(doc: &str) -> Option<Canonical> {
    let trimmed = doc.trim();
    if trimmed.is_empty() {
        return Some(Canonical::default());
    }
    let mut v: Json = serde_json::from_str(trimmed).ok()?;
    // A one-element list holding the document.
    if let Json::Array(items) = &v {
        if items.len() == 1 {
            v = items[0].clone();
        }
    }
    let Json::Object(m) = v else { return None };
    let text = |k: &str| -> Option<String> {
        match m.get(k) {
            None | Some(Json::Null) => Some(String::new()),
            Some(Json::String(s)) => Some(s.clone()),
            Some(_) => None,
        }
    };
    let statements = match m.get("Statement") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(items)) => items.iter().map(statement).collect::<Option<Vec<_>>>()?,
        Some(one @ Json::Object(_)) => vec![statement(one)?],
        Some(_) => return None,
    };
    let mut statements = statements;
    statements.sort();
    statements.dedup();
    Some(Canonical { version: text("Version")?, id: text("Id")?, statements })
}

fn statement(v: &Json) -> Option<Statement> {
    let Json::Object(m) = v else { return None };
    let get = |k: &str| m.get(k).filter(|x| !x.is_null());
    Some(Statement {
        sid: match get("Sid") {
            None => String::new(),
            Some(x) => scalar(x)?,
        },
        effect: match get("Effect") {
            None => String::new(),
            Some(x) => scalar(x)?.to_ascii_lowercase(),
        },
        action: string_set(get("Action"))?,
        not_action: string_set(get("NotAction"))?,
        resource: string_set(get("Resource"))?,
        not_resource: string_set(get("NotResource"))?,
        principal: match get("Principal") {
            None => None,
            Some(x) => Some(principal(x)?),
        },
        not_principal: match get("NotPrincipal") {
            None => None,
            Some(x) => Some(principal(x)?),
        },
        condition: match get("Condition") {
            None => BTreeMap::new(),
            Some(Json::Object(ops)) => ops
                .iter()
                .map(|(op, keys)| {
                    let Json::Object(keys) = keys else { return None };
                    let keys = keys
                        .iter()
                        .map(|(k, vals)| Some((k.clone(), string_set(Some(vals).filter(|x| !x.is_null()))?)))
                        .collect::<Option<BTreeMap<_, _>>>()?;
                    Some((op.clone(), keys))
                })
                .collect::<Option<BTreeMap<_, _>>>()?,
            Some(_) => return None,
        },
    })
}

/// A string, number or bool as text (IAM stringifies them).
fn scalar(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A string or a list of them as a set; absent is empty.
fn string_set(v: Option<&Json>) -> Option<BTreeSet<String>> {
    match v {
        None => Some(BTreeSet::new()),
        Some(Json::Array(items)) => items.iter().map(scalar).collect(),
        Some(x) => Some(BTreeSet::from([scalar(x)?])),
    }
}

fn principal(v: &Json) -> Option<Principal> {
    match v {
        Json::String(s) if s == "*" => Some(Principal::Anyone),
        Json::String(s) => Some(Principal::Typed(BTreeMap::from([("AWS".to_string(), account_forms([s.clone()]))]))),
        Json::Object(m) => {
            let typed = m
                .iter()
                .map(|(k, ids)| {
                    let ids = string_set(Some(ids))?;
                    Some((k.clone(), if k == "AWS" { account_forms(ids) } else { ids }))
                })
                .collect::<Option<BTreeMap<_, _>>>()?;
            if typed.len() == 1 && typed.get("AWS").is_some_and(|ids| ids.len() == 1 && ids.contains("*")) {
                return Some(Principal::Anyone);
            }
            Some(Principal::Typed(typed))
        }
        _ => None,
    }
}

/// AWS principals with `arn:PARTITION:iam::ACCOUNT:root` written as the
/// bare account ID (IAM turns either into the ARN).
fn account_forms(ids: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    ids.into_iter()
        .map(|id| {
            let account = id
                .strip_prefix("arn:")
                .and_then(|rest| rest.split_once(":iam::"))
                .and_then(|(_, rest)| rest.strip_suffix(":root"))
                .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()));
            account.map(str::to_string).unwrap_or(id)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"},{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}}]}"#;

    fn eq(a: &str, b: &str) {
        assert!(equivalent(a, b), "should be equivalent:\n{a}\n{b}");
        assert!(equivalent(b, a), "equivalence is symmetric:\n{b}\n{a}");
    }

    fn ne(a: &str, b: &str) {
        assert!(!equivalent(a, b), "should differ:\n{a}\n{b}");
        assert!(!equivalent(b, a), "difference is symmetric:\n{b}\n{a}");
    }

    #[test]
    fn whitespace_and_key_order_do_not_matter() {
        let pretty = r#"{
          "Statement": [
            { "Resource": "arn:aws:s3:::b/*", "Action": ["s3:GetObject", "s3:PutObject"], "Effect": "Allow", "Sid": "A" },
            { "Principal": { "Service": "ec2.amazonaws.com" }, "Action": "sts:AssumeRole", "Effect": "Allow" }
          ],
          "Version": "2012-10-17"
        }"#;
        eq(BASE, pretty);
    }

    #[test]
    fn statement_and_value_order_do_not_matter() {
        let reordered = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":["ec2.amazonaws.com"]}},{"Sid":"A","Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":["arn:aws:s3:::b/*"]}]}"#;
        eq(BASE, reordered);
    }

    #[test]
    fn a_single_string_is_a_one_element_list() {
        eq(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["*"]}]}"#,
        );
        // The whole document in a one-element list.
        eq(
            r#"[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}]"#,
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        );
    }

    #[test]
    fn principal_star_forms_and_account_roots() {
        let with = |p: &str| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Principal":{p}}}]}}"#
            )
        };
        eq(&with(r#""*""#), &with(r#"{"AWS":"*"}"#));
        eq(&with(r#""*""#), &with(r#"{"AWS":["*"]}"#));
        ne(&with(r#""*""#), &with(r#"{"Service":"*"}"#));
        eq(&with(r#"{"AWS":"123456789012"}"#), &with(r#"{"AWS":"arn:aws:iam::123456789012:root"}"#));
        eq(
            &with(r#"{"AWS":["123456789012","arn:aws:iam::210987654321:root"]}"#),
            &with(r#"{"AWS":["arn:aws:iam::123456789012:root","210987654321"]}"#),
        );
        ne(&with(r#"{"AWS":"123456789012"}"#), &with(r#"{"AWS":"arn:aws:iam::123456789012:user/x"}"#));
        ne(&with(r#"{"AWS":"*"}"#), &with(r#"{"AWS":"*","Service":"ec2.amazonaws.com"}"#));
    }

    #[test]
    fn conditions_compare_by_operator_key_and_value_set() {
        let with = |c: &str| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{c}}}]}}"#
            )
        };
        eq(
            &with(r#"{"StringEquals":{"aws:x":["a","b"],"aws:y":"c"},"Bool":{"aws:SecureTransport":true}}"#),
            &with(r#"{"Bool":{"aws:SecureTransport":"true"},"StringEquals":{"aws:y":["c"],"aws:x":["b","a"]}}"#),
        );
        ne(&with(r#"{"StringEquals":{"aws:x":"a"}}"#), &with(r#"{"StringLike":{"aws:x":"a"}}"#));
        ne(&with(r#"{"StringEquals":{"aws:x":"a"}}"#), &with(r#"{"StringEquals":{"aws:x":["a","b"]}}"#));
        eq(&with(r#"{"NumericLessThan":{"s3:max-keys":10}}"#), &with(r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#));
    }

    #[test]
    fn effect_is_case_insensitive_but_sid_version_and_id_are_exact() {
        let doc = |v: &str, id: &str, sid: &str, effect: &str| {
            format!(
                r#"{{"Version":"{v}","Id":"{id}","Statement":[{{"Sid":"{sid}","Effect":"{effect}","Action":"s3:*","Resource":"*"}}]}}"#
            )
        };
        eq(&doc("2012-10-17", "i", "s", "Allow"), &doc("2012-10-17", "i", "s", "allow"));
        ne(&doc("2012-10-17", "i", "s", "Allow"), &doc("2008-10-17", "i", "s", "Allow"));
        ne(&doc("2012-10-17", "i", "s", "Allow"), &doc("2012-10-17", "j", "s", "Allow"));
        ne(&doc("2012-10-17", "i", "s", "Allow"), &doc("2012-10-17", "i", "S", "Allow"));
        ne(&doc("2012-10-17", "i", "s", "Allow"), &doc("2012-10-17", "i", "s", "Deny"));
    }

    #[test]
    fn real_changes_are_changes() {
        ne(BASE, &BASE.replace("s3:PutObject", "s3:DeleteObject"));
        ne(BASE, &BASE.replace("arn:aws:s3:::b/*", "arn:aws:s3:::c/*"));
        ne(BASE, &BASE.replace(r#""Action":"sts:AssumeRole""#, r#""NotAction":"sts:AssumeRole""#));
        // One statement more.
        let more = BASE.replace("]}", r#",{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}"#);
        ne(BASE, &more);
    }

    #[test]
    fn empty_documents_are_equal() {
        eq("", "{}");
        eq("  ", "{}");
        eq("{}", "{\n}");
        ne("{}", BASE);
    }

    #[test]
    fn url_encoded_documents_as_iam_returns_them() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Aa%2Bb%20c%22%7D%5D%7D";
        let plain = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::a+b c"}]}"#;
        assert_eq!(decode(encoded), plain);
        assert_eq!(decode(plain), plain);
        eq(encoded, plain);
        // Broken escapes are kept as they are.
        assert_eq!(decode("%7"), "%7");
        assert_eq!(decode("%zz"), "%zz");
    }

    #[test]
    fn the_known_text_is_kept_when_what_is_read_means_the_same() {
        let configured = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}\n}";
        let remote = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Resource%22%3A%22%2A%22%2C%22Action%22%3A%5B%22s3%3A%2A%22%5D%2C%22Effect%22%3A%22Allow%22%7D%5D%7D";
        assert_eq!(to_store(Some(configured), remote), configured);
        // Changed by hand: the remote document, normalized.
        let changed = r#"{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}], "Version":"2012-10-17"}"#;
        assert_eq!(
            to_store(Some(configured), changed),
            r#"{"Statement":[{"Action":"s3:*","Effect":"Deny","Resource":"*"}],"Version":"2012-10-17"}"#
        );
        assert_eq!(to_store(None, changed), normalize(changed));
    }

    #[test]
    fn documents_that_are_not_json_are_equal_only_to_themselves() {
        assert!(equivalent("not json", "not json"));
        ne("not json", "{}");
        ne(r#"{"Statement":"x"}"#, "{}");
        ne(r#"{"Version":1}"#, r#"{"Version":"1"}"#);
        ne(r#"{"Statement":[{"Action":{"a":1}}]}"#, r#"{"Statement":[]}"#);
        // Deeply nested junk is rejected by the parser, not a stack overflow.
        let deep = "[".repeat(10_000);
        ne(&deep, "{}");
        assert!(invalid_reason(&deep).is_some());
    }

    #[test]
    fn validation_gives_the_providers_reasons() {
        assert_eq!(invalid_reason(BASE), None);
        assert_eq!(invalid_reason(" {}").as_deref(), Some("leading space characters are not allowed"));
        assert_eq!(invalid_reason("[]").as_deref(), Some("not a JSON object"));
        assert!(invalid_reason("{\"Version\":").unwrap().starts_with("contains an invalid JSON: "));
        assert!(invalid_reason("").is_some());
    }
}
