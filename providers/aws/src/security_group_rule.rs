//! `aws_security_group_rule`: the classic standalone rule (schema version
//! 2), one permission of a group naming one or more sources. Every
//! argument but `description` forces a new rule. Its id is the provider's
//! `sgrule-<hash>`: Terraform's `hashcode.String` of the group, ports,
//! protocol, direction and sorted sources, so that the same rule gets the
//! same id wherever it is computed. Imported as
//! `SECURITYGROUPID_TYPE_PROTOCOL_FROMPORT_TOPORT_SOURCE[_SOURCE]*`.
//!
//! The rule is found in its group's permissions (one DescribeSecurityGroups
//! per group answers every rule of it, see `cache`): it exists while every
//! source it names does; it is gone (drift) otherwise. With the group's
//! `ingress`/`egress` left out of an `aws_security_group`, those read the
//! rule back and leave it alone, as in Terraform; a group that also lists
//! inline rules removes what they do not name, as Terraform's does.

use crate::client::{aws_error, Aws, AwsError};
use crate::sg::{describe_one, normal_protocol, permission_atoms, Atom, Source};
use crate::util::{attr, bool_attr, nonempty, object, str_attr, strings_of, with_attr};
use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, PrefixListId, SecurityGroup, UserIdGroupPair};
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, PathStep, ProviderDiagnostic};

const SOURCES: [&str; 5] = ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "self", "source_security_group_id"];

pub fn schema() -> Block {
    let list = || Attribute::optional(Type::list(Type::String)).force_new();
    let r = |ty| Attribute::required(ty).force_new();
    Block {
        attributes: BTreeMap::from([
            ("cidr_blocks".to_string(), list()),
            ("description".to_string(), Attribute::optional(Type::String)),
            ("from_port".to_string(), r(Type::Number)),
            ("id".to_string(), Attribute::computed(Type::String)),
            ("ipv6_cidr_blocks".to_string(), list()),
            ("prefix_list_ids".to_string(), list()),
            ("protocol".to_string(), r(Type::String)),
            ("security_group_id".to_string(), r(Type::String)),
            ("security_group_rule_id".to_string(), Attribute::computed(Type::String)),
            ("self".to_string(), Attribute::optional(Type::Bool).force_new()),
            ("source_security_group_id".to_string(), Attribute::optional_computed(Type::String).force_new()),
            ("to_port".to_string(), r(Type::Number)),
            ("type".to_string(), r(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn int(v: &Value, name: &str) -> i64 {
    attr(v, name).unmark_deep().0.as_number().and_then(|n| n.to_i64()).unwrap_or(0)
}

/// The provider's checks: the direction, at least one source, and the
/// sources that exclude each other.
pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    let t = attr(config, "type");
    if t.is_known() && !t.is_null() {
        let got = str_attr(config, "type").unwrap_or_default();
        if got != "ingress" && got != "egress" {
            diags.push(
                ProviderDiagnostic::error(
                    "Invalid value",
                    format!("expected type to be one of [\"ingress\" \"egress\"], got {got}"),
                )
                .at(vec![PathStep::Attr("type".into())]),
            );
        }
    }
    // Unknown sources may still become anything: checked once known.
    if SOURCES.iter().any(|s| !attr(config, s).is_known()) || config.is_null() {
        return diags;
    }
    // `self = false` is the default: not a source.
    let given = |name: &str| match name {
        "self" => bool_attr(config, "self") == Some(true),
        _ => !attr(config, name).is_null(),
    };
    if !SOURCES.iter().any(|s| given(s)) {
        let m = format!("\"one of `{}` must be specified\"", SOURCES.join(","));
        diags.push(ProviderDiagnostic::error("Missing required argument", m));
    }
    let conflicts: [(&str, &[&str]); 4] = [
        ("cidr_blocks", &["source_security_group_id", "self"]),
        ("ipv6_cidr_blocks", &["source_security_group_id", "self"]),
        ("self", &["cidr_blocks", "ipv6_cidr_blocks", "source_security_group_id"]),
        ("source_security_group_id", &["cidr_blocks", "ipv6_cidr_blocks", "self"]),
    ];
    for (name, others) in conflicts {
        if !given(name) {
            continue;
        }
        for other in others.iter().filter(|o| given(o)) {
            diags.push(
                ProviderDiagnostic::error(
                    "Conflicting configuration arguments",
                    format!("\"{name}\": conflicts with {other}"),
                )
                .at(vec![PathStep::Attr(name.into())]),
            );
        }
    }
    diags
}

/// The plan: `self` defaults to false; the protocol is stored in normal
/// form (the provider's StateFunc), so another spelling is no change; with
/// all protocols, stored ports of 0 stay whatever the configuration says
/// (the provider's DiffSuppressFunc).
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> Value {
    let mut p = planned.clone();
    if attr(config, "self").is_null() {
        p = with_attr(&p, "self", Value::bool(false));
    }
    if let Some(proto) = str_attr(config, "protocol") {
        p = with_attr(&p, "protocol", Value::string(normal_protocol(&proto)));
    }
    if prior.is_null() {
        return p;
    }
    if str_attr(&p, "protocol").as_deref() == Some("-1") {
        for port in ["from_port", "to_port"] {
            if int(prior, port) == 0 && attr(prior, port).is_known() {
                p = with_attr(&p, port, attr(prior, port));
            }
        }
    }
    // Unset lists: the legacy SDK's empty values, as stored.
    for name in ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"] {
        let before = attr(prior, name);
        if attr(config, name).is_null() && (before.is_null() || before.length() == Some(0)) {
            p = with_attr(&p, name, before);
        }
    }
    p
}

/// The configured rule as AWS permission atoms (descriptions left empty:
/// a rule is found by what it allows).
fn atoms(rule: &Value, group: &str) -> Vec<Atom> {
    let protocol = normal_protocol(&str_attr(rule, "protocol").unwrap_or_default());
    let (from, to) = if protocol == "-1" { (0, 0) } else { (int(rule, "from_port"), int(rule, "to_port")) };
    let mut sources = Vec::new();
    sources.extend(strings_of(&attr(rule, "cidr_blocks")).into_iter().map(Source::Cidr));
    sources.extend(strings_of(&attr(rule, "ipv6_cidr_blocks")).into_iter().map(Source::Ipv6));
    sources.extend(strings_of(&attr(rule, "prefix_list_ids")).into_iter().map(Source::PrefixList));
    if bool_attr(rule, "self") == Some(true) {
        sources.push(Source::SelfGroup);
    }
    if let Some(g) = nonempty(rule, "source_security_group_id") {
        let id = g.rsplit('/').next().unwrap_or_default().to_string();
        sources.push(if id == group { Source::SelfGroup } else { Source::Group(g) });
    }
    sources.dedup();
    sources
        .into_iter()
        .map(|source| Atom { protocol: protocol.clone(), from, to, source, description: String::new() })
        .collect()
}

/// The provider's `SecurityGroupRuleCreateID`.
pub fn rule_id(rule: &Value) -> String {
    let group = str_attr(rule, "security_group_id").unwrap_or_default();
    let kind = str_attr(rule, "type").unwrap_or_default();
    let protocol = normal_protocol(&str_attr(rule, "protocol").unwrap_or_default());
    let mut buf = format!("{group}-");
    if protocol != "-1" {
        for port in ["from_port", "to_port"] {
            let n = int(rule, port);
            if n > 0 {
                buf.push_str(&format!("{n}-"));
            }
        }
    }
    buf.push_str(&format!("{protocol}-{kind}-"));
    for name in ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"] {
        let mut items = strings_of(&attr(rule, name));
        items.sort();
        for i in items {
            buf.push_str(&format!("{i}-"));
        }
    }
    let mut pairs = Vec::new();
    if bool_attr(rule, "self") == Some(true) {
        pairs.push(group.clone());
    }
    if let Some(g) = nonempty(rule, "source_security_group_id") {
        let id = g.rsplit('/').next().unwrap_or_default().to_string();
        if !pairs.contains(&id) {
            pairs.push(id);
        }
    }
    pairs.sort();
    for p in pairs {
        // GroupId, then the (unset) GroupName of a VPC group.
        buf.push_str(&format!("{p}--"));
    }
    format!("sgrule-{}", crate::util::hashcode(&buf))
}

fn permission(rule: &Value, group: &str) -> IpPermission {
    let protocol = normal_protocol(&str_attr(rule, "protocol").unwrap_or_default());
    let description = nonempty(rule, "description");
    let mut p = IpPermission::builder().ip_protocol(&protocol);
    if protocol != "-1" {
        p = p.from_port(int(rule, "from_port") as i32).to_port(int(rule, "to_port") as i32);
    }
    for c in strings_of(&attr(rule, "cidr_blocks")) {
        p = p.ip_ranges(IpRange::builder().cidr_ip(c).set_description(description.clone()).build());
    }
    for c in strings_of(&attr(rule, "ipv6_cidr_blocks")) {
        p = p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(c).set_description(description.clone()).build());
    }
    for id in strings_of(&attr(rule, "prefix_list_ids")) {
        p = p.prefix_list_ids(PrefixListId::builder().prefix_list_id(id).set_description(description.clone()).build());
    }
    if bool_attr(rule, "self") == Some(true) {
        p = p.user_id_group_pairs(
            UserIdGroupPair::builder().group_id(group).set_description(description.clone()).build(),
        );
    }
    if let Some(g) = nonempty(rule, "source_security_group_id") {
        let pair = match g.split_once('/') {
            Some((user, id)) => UserIdGroupPair::builder().user_id(user).group_id(id),
            None => UserIdGroupPair::builder().group_id(&g),
        };
        if g != group {
            p = p.user_id_group_pairs(pair.set_description(description).build());
        }
    }
    p.build()
}

fn what(rule: &Value) -> String {
    format!("Security Group ({}) Rule ({})", str_attr(rule, "security_group_id").unwrap_or_default(), rule_id(rule))
}

fn is_egress(rule: &Value) -> bool {
    str_attr(rule, "type").as_deref() == Some("egress")
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let group = str_attr(planned, "security_group_id").unwrap_or_default();
    let perm = permission(planned, &group);
    let result = if is_egress(planned) {
        aws.log_call("ec2:AuthorizeSecurityGroupEgress");
        aws.block(aws.ec2.authorize_security_group_egress().group_id(&group).ip_permissions(perm).send())
            .map(|o| o.security_group_rules().to_vec())
            .map_err(aws_error)
    } else {
        aws.log_call("ec2:AuthorizeSecurityGroupIngress");
        aws.block(aws.ec2.authorize_security_group_ingress().group_id(&group).ip_permissions(perm).send())
            .map(|o| o.security_group_rules().to_vec())
            .map_err(aws_error)
    };
    match result {
        Ok(_) => {}
        Err(e) if e.code == "InvalidPermission.Duplicate" => {
            return Err(ProviderDiagnostic::error(
                format!("A duplicate Security Group rule was found on ({group})"),
                format!(
                    "[WARN] A duplicate Security Group rule was found on ({group}). This may be\na side effect of a now-fixed Terraform issue causing two security groups with\nidentical attributes but different source_security_group_ids to overwrite each\nother in the state. See https://github.com/hashicorp/terraform/pull/2376 for more\ninformation and instructions for recovery. Error: {}: {}",
                    e.code, e.message
                ),
            ))
        }
        Err(e) => return Err(e.into_diag(&format!("authorizing {}", what(planned)))),
    }
    // Until the group shows it, within the create timeout (5 minutes).
    let stub = with_attr(planned, "id", Value::string(rule_id(planned)));
    let limit = aws.time_left().unwrap_or(std::time::Duration::from_secs(300));
    aws.retry(
        limit,
        |e| e.code == "NotFound",
        || {
            aws.cache.invalidate();
            match find(aws, &stub) {
                Ok(Some(v)) => Ok(v),
                Ok(None) => Err(AwsError { code: "NotFound".into(), message: "rule not yet visible".into() }),
                Err(e) => Err(e),
            }
        },
    )
    .map_err(|e| e.into_diag(&format!("waiting for {} create", what(planned))))
}

/// Only the description changes in place.
pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    if !attr(prior, "description").raw_equal(&attr(planned, "description")) {
        let group = str_attr(planned, "security_group_id").unwrap_or_default();
        let perm = permission(planned, &group);
        let r = if is_egress(planned) {
            aws.log_call("ec2:UpdateSecurityGroupRuleDescriptionsEgress");
            aws.block(
                aws.ec2.update_security_group_rule_descriptions_egress().group_id(&group).ip_permissions(perm).send(),
            )
            .map(|_| ())
            .map_err(aws_error)
        } else {
            aws.log_call("ec2:UpdateSecurityGroupRuleDescriptionsIngress");
            aws.block(
                aws.ec2.update_security_group_rule_descriptions_ingress().group_id(&group).ip_permissions(perm).send(),
            )
            .map(|_| ())
            .map_err(aws_error)
        };
        r.map_err(|e| e.into_diag(&format!("updating {} description", what(planned))))?;
    }
    aws.cache.invalidate();
    find(aws, planned).map_err(|e| e.into_diag(&format!("reading {}", what(planned))))?.ok_or_else(|| {
        ProviderDiagnostic::error("Security Group Rule not found", format!("{} disappeared", what(planned)))
    })
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let group = str_attr(prior, "security_group_id").unwrap_or_default();
    let perm = permission(prior, &group);
    let r = if is_egress(prior) {
        aws.log_call("ec2:RevokeSecurityGroupEgress");
        aws.block(aws.ec2.revoke_security_group_egress().group_id(&group).ip_permissions(perm).send())
            .map(|_| ())
            .map_err(aws_error)
    } else {
        aws.log_call("ec2:RevokeSecurityGroupIngress");
        aws.block(aws.ec2.revoke_security_group_ingress().group_id(&group).ip_permissions(perm).send())
            .map(|_| ())
            .map_err(aws_error)
    };
    match r {
        Ok(()) => Ok(()),
        Err(e) if e.code == "InvalidPermission.NotFound" || e.code == "InvalidGroup.NotFound" => Ok(()),
        Err(e) => Err(e.into_diag(&format!("revoking {}", what(prior)))),
    }
}

/// `sg-1_ingress_tcp_80_80_10.0.0.0/8[_SOURCE]*` as the rule it names.
pub fn parse_import_id(id: &str) -> Result<Value, String> {
    let invalid = |msg: &str| {
        format!("unexpected format for ID ({id:?}), expected SECURITYGROUPID_TYPE_PROTOCOL_FROMPORT_TOPORT_SOURCE[_SOURCE]*: {msg}")
    };
    let parts: Vec<&str> = id.split('_').collect();
    if parts.len() < 6 {
        return Err(invalid("too few parts"));
    }
    let (group, kind, protocol, from, to) = (parts[0], parts[1], parts[2], parts[3], parts[4]);
    if !group.starts_with("sg-") {
        return Err(invalid("invalid Security Group ID"));
    }
    if kind != "ingress" && kind != "egress" {
        return Err(invalid("expecting 'ingress' or 'egress'"));
    }
    let named = ["tcp", "udp", "icmp", "icmpv6", "all", "-1"];
    if !named.contains(&protocol) && protocol.parse::<i64>().is_err() {
        return Err(invalid("protocol must be tcp/udp/icmp/icmpv6/all or a number"));
    }
    let protocol = normal_protocol(protocol);
    let (f, t) = (from.parse::<i64>(), to.parse::<i64>());
    if protocol == "icmp" || protocol == "icmpv6" {
        if !f.as_ref().is_ok_and(|v| (-1..=255).contains(v)) {
            return Err(invalid("invalid icmp type"));
        }
        if !t.as_ref().is_ok_and(|v| (-1..=255).contains(v)) {
            return Err(invalid("invalid icmp code"));
        }
    } else {
        let Ok(f) = f else { return Err(invalid("invalid from_port")) };
        let Ok(t) = t else { return Err(invalid("invalid to_port")) };
        if t < f {
            return Err(invalid("to_port lower than from_port"));
        }
    }
    let (mut cidrs, mut ipv6, mut lists) = (Vec::new(), Vec::new(), Vec::new());
    let mut values = vec![
        ("security_group_id", Value::string(group)),
        ("type", Value::string(kind)),
        ("protocol", Value::string(protocol.as_str())),
        ("from_port", Value::int(from.parse().unwrap_or(0))),
        ("to_port", Value::int(to.parse().unwrap_or(0))),
        ("self", Value::bool(false)),
    ];
    for s in &parts[5..] {
        match *s {
            "self" => values.push(("self", Value::bool(true))),
            s if s.contains("sg-") => values.push(("source_security_group_id", Value::string(s))),
            s if s.contains(':') => ipv6.push(s.to_string()),
            s if s.contains("pl-") => lists.push(s.to_string()),
            s if s.contains('.') => cidrs.push(s.to_string()),
            _ => return Err(invalid("source must be cidr, ipv6cidr, prefix list, 'self', or a Security Group ID")),
        }
    }
    let list = |items: Vec<String>| crate::util::string_list(items);
    values.push(("cidr_blocks", list(cidrs)));
    values.push(("ipv6_cidr_blocks", list(ipv6)));
    values.push(("prefix_list_ids", list(lists)));
    Ok(object(&schema(), values))
}

/// The group, through one batched describe per group.
fn group(aws: &Aws, id: &str) -> Result<Option<SecurityGroup>, AwsError> {
    aws.cache.get_or_fill(&format!("security-group/{id}"), id, || {
        Ok(describe_one(aws, id)?.into_iter().map(|g| (id.to_string(), g)).collect())
    })
}

/// The rule as it is now; `None` when its group or any of its sources is gone.
fn find(aws: &Aws, rule: &Value) -> Result<Option<Value>, AwsError> {
    // A planned rule's computed values are not known yet.
    let rule = &crate::util::known_or_null(rule);
    let group_id = str_attr(rule, "security_group_id").unwrap_or_default();
    let Some(g) = group(aws, &group_id)? else { return Ok(None) };
    let owner = g.owner_id().unwrap_or_default();
    let perms = if is_egress(rule) { g.ip_permissions_egress() } else { g.ip_permissions() };
    let remote = permission_atoms(perms, &group_id, owner);
    let wanted = atoms(rule, &group_id);
    let same = |a: &Atom, w: &Atom| {
        a.protocol == w.protocol
            && a.from == w.from
            && a.to == w.to
            && (a.source == w.source || same_group(&a.source, &w.source))
    };
    let mut description = String::new();
    for w in &wanted {
        let Some(found) = remote.iter().find(|a| same(a, w)) else { return Ok(None) };
        if description.is_empty() {
            description = found.description.clone();
        }
    }
    if wanted.is_empty() {
        return Ok(None);
    }
    let mut v = with_attr(rule, "description", Value::string(description.as_str()));
    if nonempty(rule, "description").is_none() && description.is_empty() {
        v = with_attr(&v, "description", attr(rule, "description"));
    }
    if let Some(p) = str_attr(rule, "protocol") {
        v = with_attr(&v, "protocol", Value::string(normal_protocol(&p)));
    }
    if str_attr(&v, "protocol").as_deref() == Some("-1") {
        // The provider stores what the permission (without ports) reads: 0.
        for port in ["from_port", "to_port"] {
            if attr(&v, port).is_null() {
                v = with_attr(&v, port, Value::int(0));
            }
        }
    }
    if attr(&v, "self").is_null() {
        v = with_attr(&v, "self", Value::bool(false));
    }
    if attr(&v, "source_security_group_id").is_null() {
        v = with_attr(&v, "source_security_group_id", Value::string(""));
    }
    for name in ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"] {
        if attr(&v, name).is_null() {
            v = with_attr(&v, name, Value::list(Type::String, Vec::new()));
        }
    }
    v = with_attr(&v, "id", Value::string(rule_id(&v)));
    let rule_id =
        if wanted.len() == 1 { security_group_rule_id(aws, &group_id, &wanted[0], is_egress(rule))? } else { None };
    v = with_attr(&v, "security_group_rule_id", Value::string(rule_id.unwrap_or_default().as_str()));
    Ok(Some(object(&schema(), schema().attributes.keys().map(|k| (k.as_str(), attr(&v, k))).collect::<Vec<_>>())))
}

/// `ACCOUNT/sg-1` names the group `sg-1` reads back as.
fn same_group(a: &Source, b: &Source) -> bool {
    match (a, b) {
        (Source::Group(x), Source::Group(y)) => x.rsplit('/').next() == y.rsplit('/').next(),
        _ => false,
    }
}

/// The `sgr-…` id of the one rule a single-source rule is.
fn security_group_rule_id(aws: &Aws, group: &str, atom: &Atom, egress: bool) -> Result<Option<String>, AwsError> {
    let rules = aws.cache.get_or_fill(&format!("security-group-rules-all/{group}"), group, || {
        aws.log_call("ec2:DescribeSecurityGroupRules");
        let out = aws
            .block(aws.ec2.describe_security_group_rules().filters(crate::vpc::filter("group-id", group)).send())
            .map_err(aws_error)?;
        Ok(std::collections::HashMap::from([(group.to_string(), out.security_group_rules().to_vec())]))
    })?;
    let found = rules.unwrap_or_default().into_iter().find(|r| {
        let protocol = normal_protocol(r.ip_protocol().unwrap_or_default());
        let (from, to) = if protocol == "-1" {
            (0, 0)
        } else {
            (i64::from(r.from_port().unwrap_or(0)), i64::from(r.to_port().unwrap_or(0)))
        };
        let source = match (r.cidr_ipv4(), r.cidr_ipv6(), r.prefix_list_id(), r.referenced_group_info()) {
            (Some(c), _, _, _) => Source::Cidr(c.to_string()),
            (_, Some(c), _, _) => Source::Ipv6(c.to_string()),
            (_, _, Some(p), _) => Source::PrefixList(p.to_string()),
            (_, _, _, Some(g)) if g.group_id() == Some(group) => Source::SelfGroup,
            (_, _, _, Some(g)) => Source::Group(g.group_id().unwrap_or_default().to_string()),
            _ => return false,
        };
        r.is_egress() == Some(egress)
            && protocol == atom.protocol
            && from == atom.from
            && to == atom.to
            && (source == atom.source || same_group(&source, &atom.source))
    });
    Ok(found.and_then(|r| r.security_group_rule_id().map(String::from)))
}

/// The rule as it is now. An imported stub's id is the import format.
pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = str_attr(current, "id").unwrap_or_default();
    let current = if id.contains('_') && str_attr(current, "security_group_id").is_none() {
        parse_import_id(&id).map_err(|m| ProviderDiagnostic::error(m.clone(), m))?
    } else {
        current.clone()
    };
    find(aws, &current).map_err(|e| e.into_diag(&format!("reading {}", what(&current))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(values: Vec<(&str, Value)>) -> Value {
        object(&schema(), values)
    }

    fn https(cidrs: &[&str]) -> Value {
        rule(vec![
            ("security_group_id", Value::string("sg-0123")),
            ("type", Value::string("ingress")),
            ("protocol", Value::string("tcp")),
            ("from_port", Value::int(443)),
            ("to_port", Value::int(443)),
            ("cidr_blocks", Value::list(Type::String, cidrs.iter().map(|c| Value::string(*c)).collect())),
        ])
    }

    #[test]
    fn ids_hash_what_the_provider_hashes() {
        let id = rule_id(&https(&["10.0.0.0/16"]));
        assert_eq!(id, format!("sgrule-{}", crate::util::hashcode("sg-0123-443-443-tcp-ingress-10.0.0.0/16-")));
        // Sources are sorted; `6` is `tcp`.
        let a = rule_id(&https(&["10.1.0.0/16", "10.0.0.0/16"]));
        let b = rule_id(&with_attr(&https(&["10.0.0.0/16", "10.1.0.0/16"]), "protocol", Value::string("6")));
        assert_eq!(a, b);
        // All protocols leave the ports out; groups end with an empty name.
        let all = rule(vec![
            ("security_group_id", Value::string("sg-1")),
            ("type", Value::string("egress")),
            ("protocol", Value::string("all")),
            ("from_port", Value::int(0)),
            ("to_port", Value::int(65535)),
            ("source_security_group_id", Value::string("sg-2")),
        ]);
        assert_eq!(rule_id(&all), format!("sgrule-{}", crate::util::hashcode("sg-1--1-egress-sg-2--")));
    }

    #[test]
    fn import_ids_name_the_rule() {
        let r = parse_import_id("sg-09a0_ingress_tcp_8000_8000_10.0.3.0/24_2001:db8::/48_pl-1").unwrap();
        assert_eq!(str_attr(&r, "security_group_id").as_deref(), Some("sg-09a0"));
        assert_eq!(strings_of(&attr(&r, "cidr_blocks")), vec!["10.0.3.0/24"]);
        assert_eq!(strings_of(&attr(&r, "ipv6_cidr_blocks")), vec!["2001:db8::/48"]);
        assert_eq!(strings_of(&attr(&r, "prefix_list_ids")), vec!["pl-1"]);
        let r = parse_import_id("sg-1_egress_all_0_65536_self").unwrap();
        assert_eq!(str_attr(&r, "protocol").as_deref(), Some("-1"));
        assert_eq!(bool_attr(&r, "self"), Some(true));
        assert!(parse_import_id("sg-1_ingress_tcp_80").unwrap_err().ends_with("too few parts"));
        assert!(parse_import_id("sg-1_sideways_tcp_80_80_10.0.0.0/8").unwrap_err().contains("'ingress' or 'egress'"));
        assert!(parse_import_id("sg-1_ingress_tcp_90_80_10.0.0.0/8")
            .unwrap_err()
            .ends_with("to_port lower than from_port"));
    }

    #[test]
    fn sources_are_required_and_some_exclude_others() {
        let none = with_attr(&https(&[]), "cidr_blocks", Value::null(Type::list(Type::String)));
        let diags = validate(&none);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0]
            .detail
            .contains("one of `cidr_blocks,ipv6_cidr_blocks,prefix_list_ids,self,source_security_group_id`"));
        let both = with_attr(&https(&["10.0.0.0/8"]), "self", Value::bool(true));
        let diags = validate(&both);
        assert!(diags.iter().any(|d| d.detail == "\"cidr_blocks\": conflicts with self"), "{diags:?}");
        assert!(validate(&https(&["10.0.0.0/8"])).is_empty());
        let bad = with_attr(&https(&["10.0.0.0/8"]), "type", Value::string("inbound"));
        assert!(validate(&bad)[0].detail.contains("got inbound"));
    }

    #[test]
    fn another_spelling_of_the_protocol_and_ports_of_all_protocols_are_no_change() {
        let prior =
            with_attr(&with_attr(&https(&["10.0.0.0/8"]), "protocol", Value::string("-1")), "from_port", Value::int(0));
        let prior = with_attr(&prior, "to_port", Value::int(0));
        let config = with_attr(&with_attr(&prior, "protocol", Value::string("all")), "to_port", Value::int(65535));
        let planned = plan(&config, &config, &prior);
        assert_eq!(str_attr(&planned, "protocol").as_deref(), Some("-1"));
        assert_eq!(int(&planned, "to_port"), 0);
        assert_eq!(bool_attr(&planned, "self"), Some(false));
    }
}
