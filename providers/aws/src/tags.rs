//! `tags` and `tags_all` as Terraform's aws provider keeps them: `tags_all`
//! is the provider's `default_tags` with the resource's own `tags` on top;
//! reading back, `tags` keeps what the resource itself sets (a default tag
//! appears in `tags` only if the configuration also sets it there).

use crate::util::{attr, map_of, string_map, with_attr};
use std::collections::BTreeMap;
use strata_lang::{Type, Value};

/// The tag a create carries so that an interrupted apply can find the
/// object it made (the engine's create token). Like AWS's own `aws:` tags
/// it is not part of `tags` or `tags_all`, so it never shows as drift.
pub const CREATE_TOKEN_TAG: &str = "strata:create-token";

/// `planned` with the create token among the tags sent.
pub fn with_create_token(planned: &Value, token: &str) -> Value {
    let mut all = map_of(&attr(planned, "tags_all"));
    all.insert(CREATE_TOKEN_TAG.to_string(), token.to_string());
    with_attr(planned, "tags_all", string_map(&all))
}

/// Whether `tags` (key and value pairs as AWS reports them) carry the
/// create token `token`.
pub fn carry_token<'a>(tags: impl IntoIterator<Item = &'a (String, String)>, token: &str) -> bool {
    tags.into_iter().any(|(k, v)| k == CREATE_TOKEN_TAG && v == token)
}

/// The first of `ids` whose tags (read by `tags_of`) carry the create
/// token `token`, for finding what an interrupted create made; an object
/// deleted while the ids were walked is skipped.
pub fn first_carrying_token(
    ids: impl IntoIterator<Item = String>,
    token: &str,
    mut tags_of: impl FnMut(&str) -> Result<Vec<(String, String)>, crate::client::AwsError>,
) -> Result<Option<String>, crate::client::AwsError> {
    for id in ids {
        match tags_of(&id) {
            Ok(tags) if carry_token(&tags, token) => return Ok(Some(id)),
            Ok(_) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// `state` without the create token, should a create have echoed it.
pub fn without_create_token(state: &Value) -> Value {
    let mut out = state.clone();
    for name in ["tags", "tags_all"] {
        let v = attr(state, name);
        if v.is_wholly_known() && !v.is_null() && map_of(&v).contains_key(CREATE_TOKEN_TAG) {
            let mut m = map_of(&v);
            m.remove(CREATE_TOKEN_TAG);
            out = with_attr(&out, name, string_map(&m));
        }
    }
    out
}

/// `default_tags` with `tags` on top; unknown while `tags` is unknown.
pub fn plan_tags_all(default_tags: &BTreeMap<String, String>, tags: &Value) -> Value {
    if !tags.is_wholly_known() {
        return Value::unknown(Type::map(Type::String));
    }
    string_map(&merge(default_tags, &map_of(tags)))
}

pub fn merge(default_tags: &BTreeMap<String, String>, tags: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut all = default_tags.clone();
    all.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
    all
}

/// `(tags, tags_all)` from the tags AWS reports. Tags under `aws:` are
/// AWS's own and ignored. A default tag is left out of `tags` unless the
/// prior `tags` had it or AWS holds another value for it; `tags` stays null
/// when it was null and nothing of the resource's own is left.
pub fn read_tags(
    default_tags: &BTreeMap<String, String>,
    prior_tags: &Value,
    remote: impl IntoIterator<Item = (String, String)>,
) -> (Value, Value) {
    let all: BTreeMap<String, String> =
        remote.into_iter().filter(|(k, _)| !k.starts_with("aws:") && k != CREATE_TOKEN_TAG).collect();
    let prior = map_of(prior_tags);
    let own: BTreeMap<String, String> = all
        .iter()
        .filter(|(k, v)| prior.contains_key(*k) || default_tags.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let tags =
        if own.is_empty() && prior_tags.is_null() { Value::null(Type::map(Type::String)) } else { string_map(&own) };
    (tags, string_map(&all))
}

/// What to change on AWS to go from `old` to `new`: (set, remove).
pub fn tag_changes(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> (BTreeMap<String, String>, Vec<String>) {
    let set = new.iter().filter(|(k, v)| old.get(*k) != Some(*v)).map(|(k, v)| (k.clone(), v.clone())).collect();
    let remove = old.keys().filter(|k| !new.contains_key(*k)).cloned().collect();
    (set, remove)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_object_carrying_the_token_is_found_past_deleted_and_other_objects() {
        use crate::client::AwsError;
        let tagged = |token: &str| vec![("team".to_string(), "a".to_string()), (CREATE_TOKEN_TAG.into(), token.into())];
        let tags_of = |id: &str| match id {
            "gone" => Err(AwsError { code: "NotFound".into(), message: "deleted meanwhile".into() }),
            "other" => Ok(tagged("another-token")),
            "untagged" => Ok(Vec::new()),
            _ => Ok(tagged("t-1")),
        };
        let ids = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let found = first_carrying_token(ids(&["gone", "other", "untagged", "mine"]), "t-1", tags_of).unwrap();
        assert_eq!(found.as_deref(), Some("mine"));
        assert_eq!(first_carrying_token(ids(&["other", "untagged"]), "t-1", tags_of).unwrap(), None);
        // Any other error is the answer: not finding is not known.
        let refused = |_: &str| Err(AwsError { code: "AccessDenied".into(), message: "no".into() });
        assert!(first_carrying_token(ids(&["mine"]), "t-1", refused).is_err());
    }

    fn m(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn tags_all_is_default_tags_with_resource_tags_on_top() {
        let defaults = m(&[("Env", "dev"), ("Team", "net")]);
        let all = plan_tags_all(&defaults, &string_map(&m(&[("Team", "core"), ("Name", "a")])));
        assert!(all.raw_equal(&string_map(&m(&[("Env", "dev"), ("Name", "a"), ("Team", "core")]))));
        let none = plan_tags_all(&defaults, &Value::null(Type::map(Type::String)));
        assert!(none.raw_equal(&string_map(&defaults)));
        let unknown = plan_tags_all(&defaults, &Value::unknown(Type::map(Type::String)));
        assert!(unknown.is_unknown());
        assert!(plan_tags_all(&BTreeMap::new(), &Value::null(Type::map(Type::String))).raw_equal(&string_map(&m(&[]))));
    }

    #[test]
    fn reading_back_separates_default_tags_from_own_tags() {
        let defaults = m(&[("Env", "dev")]);
        let remote = || {
            m(&[("Env", "dev"), ("Name", "a"), ("aws:cloudformation:stack", "x"), (CREATE_TOKEN_TAG, "t")]).into_iter()
        };
        let (tags, all) = read_tags(&defaults, &string_map(&m(&[("Name", "a")])), remote());
        assert!(tags.raw_equal(&string_map(&m(&[("Name", "a")]))));
        assert!(all.raw_equal(&string_map(&m(&[("Env", "dev"), ("Name", "a")]))));
        // The configuration sets a default tag itself: it stays in `tags`.
        let (tags, _) = read_tags(&defaults, &string_map(&m(&[("Env", "dev"), ("Name", "a")])), remote());
        assert!(tags.raw_equal(&string_map(&m(&[("Env", "dev"), ("Name", "a")]))));
        // A default tag changed outside shows up in `tags` as drift.
        let (tags, _) = read_tags(&defaults, &Value::null(Type::map(Type::String)), m(&[("Env", "prod")]));
        assert!(tags.raw_equal(&string_map(&m(&[("Env", "prod")]))));
        // Null stays null when only default tags are there.
        let (tags, all) = read_tags(&defaults, &Value::null(Type::map(Type::String)), m(&[("Env", "dev")]));
        assert!(tags.is_null());
        assert!(all.raw_equal(&string_map(&defaults)));
    }

    #[test]
    fn tag_changes_set_new_values_and_remove_dropped_keys() {
        let (set, remove) = tag_changes(&m(&[("A", "1"), ("B", "2")]), &m(&[("A", "1"), ("B", "3"), ("C", "4")]));
        assert_eq!(set, m(&[("B", "3"), ("C", "4")]));
        assert!(remove.is_empty());
        let (set, remove) = tag_changes(&m(&[("A", "1"), ("B", "2")]), &m(&[("A", "1")]));
        assert!(set.is_empty());
        assert_eq!(remove, vec!["B".to_string()]);
    }
}
