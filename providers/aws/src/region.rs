//! hashicorp/aws 6.x's per-resource `region`: every regional resource and
//! data source takes an optional `region` (computed: the provider's region
//! when not set); the object lives there, a change of region replaces it,
//! and `terraform import` takes `ID@REGION`. State written by 5.x has no
//! `region`: it reads as null and is filled in by the next refresh, never
//! a replacement.

use crate::util::{attr, with_attr};
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block};

pub fn with_attribute(mut block: Block) -> Block {
    block.attributes.entry("region".to_string()).or_insert_with(|| Attribute::optional_computed(Type::String));
    block
}

/// The region a value names (known, non-empty), if any.
pub fn named(v: &Value) -> Option<String> {
    if v.is_null() || !v.is_known() {
        return None;
    }
    let r = attr(v, "region");
    if r.is_null() || !r.is_known() {
        return None;
    }
    r.as_str().filter(|s| !s.is_empty()).map(str::to_string)
}

/// The planned value with `region` filled in: the configuration's, or the
/// provider's own region. An object stored without one (by hashicorp/aws
/// 5.x) keeps null, which means the provider's region: no change shows.
pub fn plan(proposed: &Value, config: &Value, prior: &Value, provider_region: &str) -> Value {
    if proposed.is_null() || !proposed.is_known() {
        return proposed.clone();
    }
    let configured = attr(config, "region");
    if !configured.is_null() {
        return proposed.clone();
    }
    if !prior.is_null() && attr(prior, "region").is_null() {
        return with_attr(proposed, "region", Value::null(Type::String));
    }
    with_attr(proposed, "region", Value::string(provider_region))
}

/// The path to report as forcing replacement when the planned region is
/// another than the one the object lives in.
pub fn replaced(prior: &Value, planned: &Value) -> Option<Vec<strata_provider::PathStep>> {
    let before = named(prior)?;
    let after = attr(planned, "region");
    if after.is_known() && after.as_str() == Some(before.as_str()) {
        return None;
    }
    Some(vec![strata_provider::PathStep::Attr("region".into())])
}

/// An object read or written in `region`, saying so where `given` (what
/// was asked for) names a region; null stays null (`regional`: the type
/// takes a region).
pub fn with_region(v: &Value, given: &Value, region: &str, regional: bool) -> Value {
    if !regional || v.is_null() || !v.is_known() {
        return v.clone();
    }
    let region = if named(given).is_some() { Value::string(region) } else { Value::null(Type::String) };
    with_attr(v, "region", region)
}

/// `vpc-123@us-west-2` → (`vpc-123`, Some(`us-west-2`)).
pub fn split_import_id(id: &str) -> (&str, Option<&str>) {
    match id.rsplit_once('@') {
        Some((i, r)) if !i.is_empty() && is_region_name(r) => (i, Some(r)),
        _ => (id, None),
    }
}

fn is_region_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
        && parts.last().is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_name_a_region() {
        assert_eq!(split_import_id("vpc-1@us-west-2"), ("vpc-1", Some("us-west-2")));
        assert_eq!(split_import_id("vpc-1"), ("vpc-1", None));
        assert_eq!(split_import_id("a@b"), ("a@b", None));
        assert_eq!(split_import_id("x@us-gov-west-1"), ("x", Some("us-gov-west-1")));
    }
}
