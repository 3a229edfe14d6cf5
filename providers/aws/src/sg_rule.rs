//! `aws_vpc_security_group_ingress_rule` and
//! `aws_vpc_security_group_egress_rule`: one rule (one source) of a
//! security group, known by its rule id (`sgr-…`). Everything but the group
//! updates in place through ModifySecurityGroupRules, except a change of
//! the kind of source (CIDR to prefix list, …), which AWS cannot modify
//! and so replaces the rule, as in Terraform. Refresh reads are batched:
//! one DescribeSecurityGroupRules per group answers the reads of all its
//! rules (see `cache`).

use crate::client::{aws_error, Aws, AwsError};
use crate::sg::normal_protocol;
use crate::util::{attr, map_of, nonempty, object, str_attr, with_attr};
use crate::vpc::{filter, tag_pairs, tag_spec, update_tags};
use crate::{id_of, tags};
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType, SecurityGroupRule, SecurityGroupRuleRequest,
    SecurityGroupRuleUpdate, UserIdGroupPair,
};
use std::collections::{BTreeMap, HashMap};
use strata_lang::{Type, Value};
use strata_provider::{Attribute, AttributePath, Block, PathStep, ProviderDiagnostic};

/// The attributes naming a rule's source; exactly one is set.
const SOURCES: [&str; 4] = ["cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_security_group_id"];

pub fn schema() -> Block {
    let c = || Attribute::computed(Type::String);
    let o = || Attribute::optional(Type::String);
    Block {
        attributes: BTreeMap::from([
            ("arn".to_string(), c()),
            ("cidr_ipv4".to_string(), o()),
            ("cidr_ipv6".to_string(), o()),
            ("description".to_string(), o()),
            ("from_port".to_string(), Attribute::optional(Type::Number)),
            ("id".to_string(), c()),
            ("ip_protocol".to_string(), Attribute::required(Type::String)),
            ("prefix_list_id".to_string(), o()),
            ("referenced_security_group_id".to_string(), o()),
            ("security_group_id".to_string(), Attribute::required(Type::String).force_new()),
            ("security_group_rule_id".to_string(), c()),
            ("tags".to_string(), Attribute::optional(Type::map(Type::String))),
            ("tags_all".to_string(), Attribute::computed(Type::map(Type::String))),
            ("to_port".to_string(), Attribute::optional(Type::Number)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn is_egress(type_name: &str) -> bool {
    type_name == "aws_vpc_security_group_egress_rule"
}

fn what(egress: bool) -> &'static str {
    if egress {
        "EC2 Security Group Egress Rule"
    } else {
        "EC2 Security Group Ingress Rule"
    }
}

/// Exactly one source must be configured (checked once all are known).
pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let values: Vec<Value> = SOURCES.iter().map(|s| attr(config, s)).collect();
    if values.iter().any(|v| !v.is_known()) {
        return Vec::new();
    }
    let set = values.iter().filter(|v| !v.is_null()).count();
    if set == 1 {
        return Vec::new();
    }
    let list = SOURCES.join(",");
    let detail = if set == 0 {
        format!("No attribute specified when one (and only one) of [{list}] is required")
    } else {
        format!("{set} attributes specified when one (and only one) of [{list}] is required")
    };
    vec![ProviderDiagnostic::error("Invalid Attribute Combination", detail)]
}

fn source_kind(v: &Value) -> Option<&'static str> {
    SOURCES.iter().copied().find(|s| !attr(v, s).is_null())
}

/// The plan: a protocol written another way (`6` for `tcp`) keeps the
/// stored spelling, and a change of the kind of source forces replacement.
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
    if prior.is_null() {
        return (planned.clone(), Vec::new());
    }
    let mut p = planned.clone();
    if let (Some(want), Some(have)) = (str_attr(config, "ip_protocol"), str_attr(prior, "ip_protocol")) {
        if normal_protocol(&want) == normal_protocol(&have) {
            p = with_attr(&p, "ip_protocol", Value::string(have.as_str()));
        }
    }
    let mut replace = Vec::new();
    match (source_kind(prior), source_kind(&p)) {
        (Some(old), Some(new)) if old != new => {
            replace.push(vec![PathStep::Attr(old.to_string())]);
            replace.push(vec![PathStep::Attr(new.to_string())]);
        }
        _ => {}
    }
    (p, replace)
}

fn port(v: &Value, name: &str) -> Option<i32> {
    attr(v, name).unmark_deep().0.as_number().and_then(|n| n.to_i64()).and_then(|n| i32::try_from(n).ok())
}

/// `sg-…` or `ACCOUNT/sg-…` (a group of another account).
fn group_pair(referenced: &str, description: Option<String>) -> UserIdGroupPair {
    let (account, group) = match referenced.split_once('/') {
        Some((account, group)) => (Some(account.to_string()), group),
        None => (None, referenced),
    };
    UserIdGroupPair::builder().set_user_id(account).group_id(group).set_description(description).build()
}

fn permission(planned: &Value) -> IpPermission {
    let description = nonempty(planned, "description");
    let mut p = IpPermission::builder()
        .ip_protocol(str_attr(planned, "ip_protocol").unwrap_or_default())
        .set_from_port(port(planned, "from_port"))
        .set_to_port(port(planned, "to_port"));
    if let Some(c) = nonempty(planned, "cidr_ipv4") {
        p = p.ip_ranges(IpRange::builder().cidr_ip(c).set_description(description.clone()).build());
    }
    if let Some(c) = nonempty(planned, "cidr_ipv6") {
        p = p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(c).set_description(description.clone()).build());
    }
    if let Some(id) = nonempty(planned, "prefix_list_id") {
        p = p.prefix_list_ids(PrefixListId::builder().prefix_list_id(id).set_description(description.clone()).build());
    }
    if let Some(g) = nonempty(planned, "referenced_security_group_id") {
        p = p.user_id_group_pairs(group_pair(&g, description));
    }
    p.build()
}

pub fn create(aws: &Aws, type_name: &str, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let egress = is_egress(type_name);
    let group = str_attr(planned, "security_group_id").unwrap_or_default();
    let tags = tag_spec(ResourceType::SecurityGroupRule, &map_of(&attr(planned, "tags_all"))).map(|t| vec![t]);
    let rules = if egress {
        aws.log_call("ec2:AuthorizeSecurityGroupEgress");
        aws.block(
            aws.ec2
                .authorize_security_group_egress()
                .group_id(&group)
                .ip_permissions(permission(planned))
                .set_tag_specifications(tags)
                .send(),
        )
        .map(|o| o.security_group_rules().to_vec())
        .map_err(aws_error)
    } else {
        aws.log_call("ec2:AuthorizeSecurityGroupIngress");
        aws.block(
            aws.ec2
                .authorize_security_group_ingress()
                .group_id(&group)
                .ip_permissions(permission(planned))
                .set_tag_specifications(tags)
                .send(),
        )
        .map(|o| o.security_group_rules().to_vec())
        .map_err(aws_error)
    }
    .map_err(|e| e.into_diag(&format!("creating {}", what(egress))))?;
    let Some(id) = rules.first().and_then(|r| r.security_group_rule_id()) else {
        return Err(ProviderDiagnostic::error(
            format!("creating {}", what(egress)),
            format!("AWS created a rule in Security Group ({group}) but returned no rule id."),
        ));
    };
    read_after_write(aws, type_name, &with_attr(planned, "id", Value::string(id)))
}

/// Whether anything ModifySecurityGroupRules changes differs.
fn rule_changed(prior: &Value, planned: &Value) -> bool {
    let names = ["cidr_ipv4", "cidr_ipv6", "description", "from_port", "to_port", "prefix_list_id"];
    let names = names.iter().chain(["referenced_security_group_id", "ip_protocol"].iter());
    names.into_iter().any(|n| !attr(prior, n).raw_equal(&attr(planned, n)))
}

pub fn update(aws: &Aws, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(prior);
    let egress = is_egress(type_name);
    if rule_changed(prior, planned) {
        let request = SecurityGroupRuleRequest::builder()
            .ip_protocol(str_attr(planned, "ip_protocol").unwrap_or_default())
            .set_from_port(port(planned, "from_port"))
            .set_to_port(port(planned, "to_port"))
            .set_cidr_ipv4(nonempty(planned, "cidr_ipv4"))
            .set_cidr_ipv6(nonempty(planned, "cidr_ipv6"))
            .set_prefix_list_id(nonempty(planned, "prefix_list_id"))
            .set_referenced_group_id(nonempty(planned, "referenced_security_group_id"))
            .set_description(str_attr(planned, "description"))
            .build();
        let change =
            SecurityGroupRuleUpdate::builder().security_group_rule_id(&id).security_group_rule(request).build();
        aws.log_call("ec2:ModifySecurityGroupRules");
        aws.block(
            aws.ec2
                .modify_security_group_rules()
                .group_id(str_attr(planned, "security_group_id").unwrap_or_default())
                .security_group_rules(change)
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&format!("updating {} ({id})", what(egress))))?;
    }
    update_tags(aws, &id, prior, planned)?;
    read_after_write(aws, type_name, planned)
}

pub fn delete(aws: &Aws, type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    let egress = is_egress(type_name);
    let group = str_attr(prior, "security_group_id").unwrap_or_default();
    let result = if egress {
        aws.log_call("ec2:RevokeSecurityGroupEgress");
        aws.block(aws.ec2.revoke_security_group_egress().group_id(&group).security_group_rule_ids(&id).send())
            .map(|_| ())
            .map_err(aws_error)
    } else {
        aws.log_call("ec2:RevokeSecurityGroupIngress");
        aws.block(aws.ec2.revoke_security_group_ingress().group_id(&group).security_group_rule_ids(&id).send())
            .map(|_| ())
            .map_err(aws_error)
    };
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.code == "InvalidGroup.NotFound" || e.code == "InvalidSecurityGroupRuleId.NotFound" => Ok(()),
        Err(e) => Err(e.into_diag(&format!("deleting {} ({id})", what(egress)))),
    }
}

/// Every rule of a group, by rule id (all pages).
fn describe_group_rules(aws: &Aws, group: &str) -> Result<HashMap<String, SecurityGroupRule>, AwsError> {
    let mut out = HashMap::new();
    let mut token: Option<String> = None;
    // Bounded: 1,000 pages.
    for _ in 0..1000 {
        aws.log_call("ec2:DescribeSecurityGroupRules");
        let page = aws
            .block(
                aws.ec2
                    .describe_security_group_rules()
                    .filters(filter("group-id", group))
                    .set_next_token(token.clone())
                    .send(),
            )
            .map_err(aws_error)?;
        for r in page.security_group_rules() {
            if let Some(id) = r.security_group_rule_id() {
                out.insert(id.to_string(), r.clone());
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

fn describe_one(aws: &Aws, id: &str) -> Result<Option<SecurityGroupRule>, AwsError> {
    aws.log_call("ec2:DescribeSecurityGroupRules");
    match aws.block(aws.ec2.describe_security_group_rules().security_group_rule_ids(id).send()).map_err(aws_error) {
        Ok(out) => Ok(out.security_group_rules().first().cloned()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

fn read_after_write(aws: &Aws, type_name: &str, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(planned);
    let egress = is_egress(type_name);
    let found = describe_one(aws, &id).map_err(|e| e.into_diag(&format!("reading {} ({id})", what(egress))))?;
    match found.filter(|r| r.is_egress() == Some(egress)) {
        Some(r) => Ok(state_of(aws, &r, planned)),
        None => Err(ProviderDiagnostic::error(
            format!("{} not found after change", what(egress)),
            format!("The security group rule {id} was not found right after it was created or changed."),
        )),
    }
}

/// The rule as it is now; `None` when it is gone (or is a rule of the
/// other direction, as an import of the wrong id would find).
pub fn read(aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let egress = is_egress(type_name);
    let reading = format!("reading {} ({id})", what(egress));
    let found = match nonempty(current, "security_group_id") {
        Some(group) => aws
            .cache
            .get_or_fill(&format!("security-group-rules/{group}"), &id, || describe_group_rules(aws, &group))
            .map_err(|e| e.into_diag(&reading))?,
        None => describe_one(aws, &id).map_err(|e| e.into_diag(&reading))?,
    };
    Ok(found.filter(|r| r.is_egress() == Some(egress)).map(|r| state_of(aws, &r, current)))
}

fn state_of(aws: &Aws, rule: &SecurityGroupRule, prior: &Value) -> Value {
    let s = |x: Option<&str>| x.map(Value::string).unwrap_or_else(|| Value::null(Type::String));
    let id = rule.security_group_rule_id().unwrap_or_default();
    let owner = rule.group_owner_id().unwrap_or_default();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(prior, "tags"), tag_pairs(rule.tags()));
    // AWS reports -1 for the ports of "all protocols"; an unset port stays unset.
    let port = |remote: Option<i32>, name: &str| match remote {
        Some(-1) if attr(prior, name).is_null() => Value::null(Type::Number),
        Some(p) => Value::int(i64::from(p)),
        None => Value::null(Type::Number),
    };
    let remote_protocol = rule.ip_protocol().unwrap_or_default();
    let protocol = match str_attr(prior, "ip_protocol") {
        Some(p) if normal_protocol(&p) == normal_protocol(remote_protocol) => p,
        _ => remote_protocol.to_string(),
    };
    // A group of another account is `ACCOUNT/sg-…`; the configuration's
    // spelling is kept while it names the same group.
    let referenced = rule.referenced_group_info().and_then(|g| {
        let group = g.group_id()?;
        let configured = str_attr(prior, "referenced_security_group_id");
        Some(match (configured, g.user_id()) {
            (Some(c), _) if c == group || c.ends_with(&format!("/{group}")) => c,
            (_, Some(account)) if !account.is_empty() && !owner.is_empty() && account != owner => {
                format!("{account}/{group}")
            }
            _ => group.to_string(),
        })
    });
    let arn =
        rule.security_group_rule_arn().map(String::from).unwrap_or_else(|| aws.arn("security-group-rule", owner, id));
    object(
        &schema(),
        [
            ("arn", Value::string(arn.as_str())),
            ("cidr_ipv4", s(rule.cidr_ipv4())),
            ("cidr_ipv6", s(rule.cidr_ipv6())),
            ("description", s(rule.description())),
            ("from_port", port(rule.from_port(), "from_port")),
            ("id", Value::string(id)),
            ("ip_protocol", Value::string(protocol.as_str())),
            ("prefix_list_id", s(rule.prefix_list_id())),
            ("referenced_security_group_id", s(referenced.as_deref())),
            ("security_group_id", s(rule.group_id())),
            ("security_group_rule_id", Value::string(id)),
            ("tags", tags),
            ("tags_all", tags_all),
            ("to_port", port(rule.to_port(), "to_port")),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(pairs: &[(&str, Value)]) -> Value {
        object(&schema(), pairs.iter().cloned())
    }

    #[test]
    fn exactly_one_source_is_required() {
        let none = rule(&[("ip_protocol", Value::string("tcp"))]);
        assert_eq!(validate(&none)[0].summary, "Invalid Attribute Combination");
        assert!(validate(&none)[0].detail.starts_with("No attribute specified"));
        let two = rule(&[("cidr_ipv4", Value::string("10.0.0.0/8")), ("prefix_list_id", Value::string("pl-1"))]);
        assert!(validate(&two)[0].detail.starts_with("2 attributes specified"));
        assert!(validate(&rule(&[("cidr_ipv6", Value::string("::/0"))])).is_empty());
        let unknown = rule(&[("cidr_ipv4", Value::unknown(Type::String))]);
        assert!(validate(&unknown).is_empty());
    }

    #[test]
    fn another_kind_of_source_replaces_and_another_spelling_of_the_protocol_is_no_change() {
        let prior = rule(&[("cidr_ipv4", Value::string("10.0.0.0/8")), ("ip_protocol", Value::string("tcp"))]);
        let config = rule(&[("cidr_ipv4", Value::string("10.0.0.0/8")), ("ip_protocol", Value::string("6"))]);
        let (planned, replace) = plan(&config, &config, &prior);
        assert_eq!(str_attr(&planned, "ip_protocol").as_deref(), Some("tcp"));
        assert!(replace.is_empty());
        let config = rule(&[("prefix_list_id", Value::string("pl-1")), ("ip_protocol", Value::string("tcp"))]);
        let (_, replace) = plan(&config, &config, &prior);
        assert_eq!(
            replace,
            vec![vec![PathStep::Attr("cidr_ipv4".into())], vec![PathStep::Attr("prefix_list_id".into())]]
        );
        let config = rule(&[("cidr_ipv4", Value::string("10.1.0.0/16")), ("ip_protocol", Value::string("udp"))]);
        let (planned, replace) = plan(&config, &config, &prior);
        assert_eq!(str_attr(&planned, "ip_protocol").as_deref(), Some("udp"));
        assert!(replace.is_empty());
    }
}
