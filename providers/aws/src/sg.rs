//! `aws_security_group` with inline `ingress` and `egress` rules.
//!
//! A rule of the configuration may name several sources (CIDRs, prefix
//! lists, groups, itself); AWS keeps one permission per source and merges
//! permissions of one protocol and port range. Both sides are therefore
//! compared as atoms, one per source: an update revokes the atoms that are
//! gone and authorizes the new ones, and a read groups the atoms AWS reports
//! back into the rules the prior state had, so a configuration matches what
//! AWS returns. Atoms no prior rule claims (a rule added by hand) become
//! rules of their own and show as drift.
//!
//! `ingress`/`egress` are optional and computed attributes of set-of-object
//! type, as in Terraform's provider (`ConfigModeAttr`): written as blocks or
//! as `ingress = [...]`; left out, the group's rules are not managed, and
//! `ingress = []` removes them all.

use crate::client::{aws_error, Aws, AwsError, DEPENDENCY_TIMEOUT, EVENTUAL_CONSISTENCY};
use crate::util::{attr, bool_attr, map_of, nonempty, object, str_attr, strings_of, with_attr};
use crate::vpc::{filter, tag_pairs, tag_spec, update_tags};
use crate::{id_of, tags};
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType, SecurityGroup, UserIdGroupPair,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, PathStep, ProviderDiagnostic};

pub const DEFAULT_DESCRIPTION: &str = "Managed by Terraform";

fn rule_block() -> Block {
    let strings = || Attribute::optional(Type::list(Type::String));
    Block {
        attributes: BTreeMap::from([
            ("cidr_blocks".to_string(), strings()),
            ("description".to_string(), Attribute::optional(Type::String)),
            ("from_port".to_string(), Attribute::required(Type::Number)),
            ("ipv6_cidr_blocks".to_string(), strings()),
            ("prefix_list_ids".to_string(), strings()),
            ("protocol".to_string(), Attribute::required(Type::String)),
            ("security_groups".to_string(), Attribute::optional(Type::set(Type::String))),
            ("self".to_string(), Attribute::optional(Type::Bool)),
            ("to_port".to_string(), Attribute::required(Type::Number)),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn schema() -> Block {
    let c = || Attribute::computed(Type::String);
    let rules = || Attribute::optional_computed(Type::set(rule_block().implied_type()));
    Block {
        attributes: BTreeMap::from([
            ("arn".to_string(), c()),
            ("description".to_string(), Attribute::optional(Type::String).force_new()),
            ("egress".to_string(), rules()),
            ("id".to_string(), c()),
            ("ingress".to_string(), rules()),
            ("name".to_string(), Attribute::optional_computed(Type::String).force_new()),
            ("name_prefix".to_string(), Attribute::optional_computed(Type::String).force_new()),
            ("owner_id".to_string(), c()),
            ("revoke_rules_on_delete".to_string(), Attribute::optional(Type::Bool)),
            ("tags".to_string(), Attribute::optional(Type::map(Type::String))),
            ("tags_all".to_string(), Attribute::optional_computed(Type::map(Type::String))),
            ("vpc_id".to_string(), Attribute::optional_computed(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

/// Terraform's protocol normal form: lower case, `all` is `-1`, the
/// numbers of the common protocols become their names.
pub fn normal_protocol(p: &str) -> String {
    let p = p.to_ascii_lowercase();
    match p.as_str() {
        "all" | "-1" => "-1".into(),
        "1" => "icmp".into(),
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "58" => "icmpv6".into(),
        _ => p,
    }
}

/// One source of one permission, as AWS stores it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Atom {
    pub protocol: String,
    pub from: i64,
    pub to: i64,
    pub source: Source,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    Cidr(String),
    Ipv6(String),
    PrefixList(String),
    Group(String),
    SelfGroup,
}

fn int_attr(v: &Value, name: &str) -> i64 {
    attr(v, name).unmark_deep().0.as_number().and_then(|n| n.to_i64()).unwrap_or(0)
}

/// A rule with every unset argument at its empty value and the protocol
/// in normal form (what the state holds). Unknown parts stay unknown.
pub fn normalize_rule(rule: &Value) -> Value {
    if !rule.is_known() || rule.is_null() {
        return rule.clone();
    }
    let mut r = rule.clone();
    for name in ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"] {
        if attr(&r, name).is_null() {
            r = with_attr(&r, name, Value::list(Type::String, Vec::new()));
        }
    }
    if attr(&r, "security_groups").is_null() {
        r = with_attr(&r, "security_groups", Value::set(Type::String, Vec::new()));
    }
    if attr(&r, "self").is_null() {
        r = with_attr(&r, "self", Value::bool(false));
    }
    if attr(&r, "description").is_null() {
        r = with_attr(&r, "description", Value::string(""));
    }
    if let Some(p) = str_attr(&r, "protocol") {
        r = with_attr(&r, "protocol", Value::string(normal_protocol(&p)));
    }
    r
}

/// `ingress`/`egress` of a plan: every rule normalized.
pub fn normalize_rules(rules: &Value) -> Value {
    let ty = rule_block().implied_type();
    if !rules.is_known() {
        return rules.clone();
    }
    let items = rules.unmark_deep().0.as_seq().map(|s| s.iter().map(normalize_rule).collect()).unwrap_or_default();
    Value::set(ty, items)
}

/// The plan's additions: defaults and normalized rules. Like Terraform's
/// optional-and-computed rule sets, a direction left out keeps what the
/// group has (unknown when creating): its rules are not managed.
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> Value {
    let mut p = planned.clone();
    if attr(config, "description").is_null() {
        p = with_attr(&p, "description", Value::string(DEFAULT_DESCRIPTION));
    }
    plan_rules(&p, config, prior)
}

/// `revoke_rules_on_delete`'s default and the planned `ingress`/`egress`
/// (shared with `aws_default_security_group`).
pub fn plan_rules(planned: &Value, config: &Value, prior: &Value) -> Value {
    let mut p = planned.clone();
    if attr(config, "revoke_rules_on_delete").is_null() {
        p = with_attr(&p, "revoke_rules_on_delete", Value::bool(false));
    }
    for dir in ["ingress", "egress"] {
        let rules = if attr(config, dir).is_null() {
            if prior.is_null() {
                Value::unknown(Type::set(rule_block().implied_type()))
            } else {
                attr(prior, dir)
            }
        } else {
            normalize_rules(&attr(&p, dir))
        };
        p = with_attr(&p, dir, rules);
    }
    p
}

/// Rules written as blocks may leave out required fields (the engine
/// decodes blocks of a set-of-object attribute with every field optional,
/// as Terraform does); the provider reports them, as Terraform's does.
pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let required: Vec<String> =
        rule_block().attributes.into_iter().filter(|(_, a)| a.required).map(|(name, _)| name).collect();
    let mut out = Vec::new();
    for dir in ["ingress", "egress"] {
        let rules = attr(config, dir);
        for (i, rule) in rules.as_seq().unwrap_or_default().iter().enumerate() {
            for name in required.iter().filter(|name| rule.is_known() && attr(rule, name).is_null()) {
                out.push(
                    ProviderDiagnostic::error(
                        "Missing required argument",
                        format!("The argument \"{dir}.{i}.{name}\" is required, but no definition was found."),
                    )
                    .at(vec![
                        PathStep::Attr(dir.into()),
                        PathStep::Index(i as u64),
                        PathStep::Attr(name.clone()),
                    ]),
                );
            }
        }
    }
    out
}

/// The atoms of one (normalized, known) rule.
pub fn rule_atoms(rule: &Value) -> Vec<Atom> {
    let protocol = normal_protocol(&str_attr(rule, "protocol").unwrap_or_default());
    let (from, to) = if protocol == "-1" { (0, 0) } else { (int_attr(rule, "from_port"), int_attr(rule, "to_port")) };
    let description = str_attr(rule, "description").unwrap_or_default();
    let mut sources: Vec<Source> = Vec::new();
    sources.extend(strings_of(&attr(rule, "cidr_blocks")).into_iter().map(Source::Cidr));
    sources.extend(strings_of(&attr(rule, "ipv6_cidr_blocks")).into_iter().map(Source::Ipv6));
    sources.extend(strings_of(&attr(rule, "prefix_list_ids")).into_iter().map(Source::PrefixList));
    sources.extend(strings_of(&attr(rule, "security_groups")).into_iter().map(Source::Group));
    if bool_attr(rule, "self") == Some(true) {
        sources.push(Source::SelfGroup);
    }
    sources
        .into_iter()
        .map(|source| Atom { protocol: protocol.clone(), from, to, source, description: description.clone() })
        .collect()
}

fn rules_atoms(rules: &Value) -> BTreeSet<Atom> {
    let rules = rules.unmark_deep().0;
    rules.as_seq().unwrap_or_default().iter().flat_map(rule_atoms).collect()
}

/// The atoms of AWS's permissions; `group_id` is the group itself, `owner`
/// its account (a group of another account is `account/sg-…`).
pub fn permission_atoms(perms: &[IpPermission], group_id: &str, owner: &str) -> Vec<Atom> {
    let mut out = Vec::new();
    for p in perms {
        let protocol = normal_protocol(p.ip_protocol().unwrap_or("-1"));
        let (from, to) = if protocol == "-1" {
            (0, 0)
        } else {
            (p.from_port().unwrap_or(0) as i64, p.to_port().unwrap_or(0) as i64)
        };
        let atom = |source: Source, d: Option<&str>| Atom {
            protocol: protocol.clone(),
            from,
            to,
            source,
            description: d.unwrap_or_default().to_string(),
        };
        for r in p.ip_ranges() {
            out.push(atom(Source::Cidr(r.cidr_ip().unwrap_or_default().into()), r.description()));
        }
        for r in p.ipv6_ranges() {
            out.push(atom(Source::Ipv6(r.cidr_ipv6().unwrap_or_default().into()), r.description()));
        }
        for r in p.prefix_list_ids() {
            out.push(atom(Source::PrefixList(r.prefix_list_id().unwrap_or_default().into()), r.description()));
        }
        for g in p.user_id_group_pairs() {
            let id = g.group_id().unwrap_or_default();
            let source = if id == group_id {
                Source::SelfGroup
            } else {
                match g.user_id() {
                    Some(u) if !u.is_empty() && u != owner => Source::Group(format!("{u}/{id}")),
                    _ => Source::Group(id.to_string()),
                }
            };
            out.push(atom(source, g.description()));
        }
    }
    out
}

/// AWS permissions for `atoms`: one per protocol and port range.
fn permissions(atoms: &[&Atom], group_id: &str) -> Vec<IpPermission> {
    let mut by_range: BTreeMap<(String, i64, i64), Vec<&Atom>> = BTreeMap::new();
    for a in atoms {
        by_range.entry((a.protocol.clone(), a.from, a.to)).or_default().push(a);
    }
    by_range
        .into_iter()
        .map(|((protocol, from, to), atoms)| {
            let mut p = IpPermission::builder().ip_protocol(&protocol);
            if protocol != "-1" {
                p = p.from_port(from as i32).to_port(to as i32);
            }
            for a in atoms {
                let d = (!a.description.is_empty()).then(|| a.description.clone());
                p = match &a.source {
                    Source::Cidr(c) => p.ip_ranges(IpRange::builder().cidr_ip(c).set_description(d).build()),
                    Source::Ipv6(c) => p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(c).set_description(d).build()),
                    Source::PrefixList(id) => {
                        p.prefix_list_ids(PrefixListId::builder().prefix_list_id(id).set_description(d).build())
                    }
                    Source::Group(g) => {
                        let pair = match g.split_once('/') {
                            Some((user, id)) => UserIdGroupPair::builder().user_id(user).group_id(id),
                            None => UserIdGroupPair::builder().group_id(g),
                        };
                        p.user_id_group_pairs(pair.set_description(d).build())
                    }
                    Source::SelfGroup => {
                        p.user_id_group_pairs(UserIdGroupPair::builder().group_id(group_id).set_description(d).build())
                    }
                };
            }
            p.build()
        })
        .collect()
}

/// The rules to store: the prior rules whose sources AWS still has (only
/// those sources), then AWS's other atoms grouped by protocol, ports and
/// description.
pub fn gather_rules(prior: &Value, remote: Vec<Atom>) -> Value {
    let ty = rule_block().implied_type();
    let mut left: Vec<Atom> = remote;
    let mut rules = Vec::new();
    let prior = prior.unmark_deep().0;
    for rule in prior.as_seq().unwrap_or_default() {
        if !rule.is_wholly_known() {
            continue;
        }
        let rule = normalize_rule(rule);
        let atoms = rule_atoms(&rule);
        let found: Vec<&Atom> = atoms.iter().filter(|a| left.contains(a)).collect();
        if found.is_empty() {
            continue;
        }
        let keep = |name: &str, pick: &dyn Fn(&Source) -> Option<String>| {
            let present: BTreeSet<String> = found.iter().filter_map(|a| pick(&a.source)).collect();
            let items: Vec<Value> = strings_of(&attr(&rule, name))
                .into_iter()
                .filter(|s| present.contains(s))
                .map(|s| Value::string(s.as_str()))
                .collect();
            items
        };
        let cidrs = keep("cidr_blocks", &|s| if let Source::Cidr(c) = s { Some(c.clone()) } else { None });
        let ipv6 = keep("ipv6_cidr_blocks", &|s| if let Source::Ipv6(c) = s { Some(c.clone()) } else { None });
        let lists = keep("prefix_list_ids", &|s| if let Source::PrefixList(c) = s { Some(c.clone()) } else { None });
        let groups = keep("security_groups", &|s| if let Source::Group(c) = s { Some(c.clone()) } else { None });
        let has_self = found.iter().any(|a| a.source == Source::SelfGroup);
        let mut r = with_attr(&rule, "cidr_blocks", Value::list(Type::String, cidrs));
        r = with_attr(&r, "ipv6_cidr_blocks", Value::list(Type::String, ipv6));
        r = with_attr(&r, "prefix_list_ids", Value::list(Type::String, lists));
        r = with_attr(&r, "security_groups", Value::set(Type::String, groups));
        r = with_attr(&r, "self", Value::bool(has_self));
        let taken: Vec<Atom> = found.into_iter().cloned().collect();
        left.retain(|a| !taken.contains(a));
        rules.push(r);
    }
    let mut grouped: BTreeMap<(String, i64, i64, String), Vec<Source>> = BTreeMap::new();
    for a in left {
        grouped.entry((a.protocol, a.from, a.to, a.description)).or_default().push(a.source);
    }
    for ((protocol, from, to, description), sources) in grouped {
        let pick = |f: &dyn Fn(&Source) -> Option<String>| -> Vec<Value> {
            sources.iter().filter_map(f).map(|s| Value::string(s.as_str())).collect()
        };
        let block = rule_block();
        rules.push(object(
            &block,
            [
                (
                    "cidr_blocks",
                    Value::list(Type::String, pick(&|s| if let Source::Cidr(c) = s { Some(c.clone()) } else { None })),
                ),
                ("description", Value::string(description.as_str())),
                ("from_port", Value::int(from)),
                (
                    "ipv6_cidr_blocks",
                    Value::list(Type::String, pick(&|s| if let Source::Ipv6(c) = s { Some(c.clone()) } else { None })),
                ),
                (
                    "prefix_list_ids",
                    Value::list(
                        Type::String,
                        pick(&|s| if let Source::PrefixList(c) = s { Some(c.clone()) } else { None }),
                    ),
                ),
                ("protocol", Value::string(protocol.as_str())),
                (
                    "security_groups",
                    Value::set(Type::String, pick(&|s| if let Source::Group(c) = s { Some(c.clone()) } else { None })),
                ),
                ("self", Value::bool(sources.contains(&Source::SelfGroup))),
                ("to_port", Value::int(to)),
            ],
        ));
    }
    Value::set(ty, rules)
}

/// Terraform's generated names: prefix, a UTC timestamp to the
/// ten-thousandth of a second and a counter (26 characters after the prefix).
pub fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst) + 1;
    format!(
        "{prefix}{year:04}{month:02}{day:02}{:02}{:02}{:02}{:04}{n:08x}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        now.subsec_nanos() / 100_000
    )
}

/// The prefix of a generated name (empty when `name` was not generated).
pub fn prefix_of(name: &str) -> String {
    if name.len() < 26 || !name.is_char_boundary(name.len() - 26) {
        return String::new();
    }
    let (prefix, suffix) = name.split_at(name.len() - 26);
    let (stamp, counter) = suffix.as_bytes().split_at(18);
    let generated =
        stamp.iter().all(u8::is_ascii_digit) && counter.iter().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b));
    if generated {
        prefix.to_string()
    } else {
        String::new()
    }
}

pub fn describe_by(aws: &Aws, name: &str, value: &str) -> Result<HashMap<String, SecurityGroup>, AwsError> {
    let mut out = HashMap::new();
    let mut token: Option<String> = None;
    // Bounded: 1,000 pages.
    for _ in 0..1000 {
        aws.log_call("ec2:DescribeSecurityGroups");
        let page = aws
            .block(aws.ec2.describe_security_groups().filters(filter(name, value)).set_next_token(token.clone()).send())
            .map_err(aws_error)?;
        for g in page.security_groups() {
            if let Some(id) = g.group_id() {
                out.insert(id.to_string(), g.clone());
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

pub fn describe_one(aws: &Aws, id: &str) -> Result<Option<SecurityGroup>, AwsError> {
    Ok(describe_by(aws, "group-id", id)?.remove(id))
}

fn revoke(aws: &Aws, id: &str, egress: bool, atoms: &[&Atom]) -> Result<(), AwsError> {
    if atoms.is_empty() {
        return Ok(());
    }
    let perms = permissions(atoms, id);
    if egress {
        aws.log_call("ec2:RevokeSecurityGroupEgress");
        aws.block(aws.ec2.revoke_security_group_egress().group_id(id).set_ip_permissions(Some(perms)).send())
            .map(|_| ())
            .map_err(aws_error)
    } else {
        aws.log_call("ec2:RevokeSecurityGroupIngress");
        aws.block(aws.ec2.revoke_security_group_ingress().group_id(id).set_ip_permissions(Some(perms)).send())
            .map(|_| ())
            .map_err(aws_error)
    }
}

fn authorize(aws: &Aws, id: &str, egress: bool, atoms: &[&Atom]) -> Result<(), AwsError> {
    if atoms.is_empty() {
        return Ok(());
    }
    let perms = Some(permissions(atoms, id));
    if egress {
        aws.log_call("ec2:AuthorizeSecurityGroupEgress");
        aws.block(aws.ec2.authorize_security_group_egress().group_id(id).set_ip_permissions(perms).send())
            .map(|_| ())
            .map_err(aws_error)
    } else {
        aws.log_call("ec2:AuthorizeSecurityGroupIngress");
        aws.block(aws.ec2.authorize_security_group_ingress().group_id(id).set_ip_permissions(perms).send())
            .map(|_| ())
            .map_err(aws_error)
    }
}

/// Brings the rules of `id` from `old` to `new` (both rule sets):
/// revokes what is gone first, then authorizes what is new.
pub fn update_rules(aws: &Aws, id: &str, old: &Value, new: &Value) -> Result<(), ProviderDiagnostic> {
    for (dir, egress) in [("ingress", false), ("egress", true)] {
        let before = rules_atoms(&attr(old, dir));
        let after = rules_atoms(&attr(new, dir));
        let gone: Vec<&Atom> = before.difference(&after).collect();
        let added: Vec<&Atom> = after.difference(&before).collect();
        revoke(aws, id, egress, &gone)
            .map_err(|e| e.into_diag(&format!("revoking Security Group ({id}) {dir} rules")))?;
        authorize(aws, id, egress, &added)
            .map_err(|e| e.into_diag(&format!("authorizing Security Group ({id}) {dir} rules")))?;
    }
    Ok(())
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = match (nonempty(planned, "name"), nonempty(planned, "name_prefix")) {
        (Some(n), _) => n,
        (None, Some(p)) => unique_name(&p),
        (None, None) => unique_name("terraform-"),
    };
    let description = str_attr(planned, "description").unwrap_or_else(|| DEFAULT_DESCRIPTION.into());
    let req = aws
        .ec2
        .create_security_group()
        .group_name(&name)
        .description(description)
        .set_vpc_id(nonempty(planned, "vpc_id"))
        .set_tag_specifications(
            tag_spec(ResourceType::SecurityGroup, &map_of(&attr(planned, "tags_all"))).map(|t| vec![t]),
        );
    aws.log_call("ec2:CreateSecurityGroup");
    let out =
        aws.block(req.send()).map_err(|e| aws_error(e).into_diag(&format!("creating Security Group ({name})")))?;
    let id = out.group_id().unwrap_or_default().to_string();
    aws.retry(
        EVENTUAL_CONSISTENCY,
        |e| e.code == "NotFound",
        || match describe_one(aws, &id) {
            Ok(Some(_)) => Ok(()),
            Ok(None) => Err(AwsError { code: "NotFound".into(), message: format!("{id} not yet visible") }),
            Err(e) => Err(e),
        },
    )
    .map_err(|e| e.into_diag(&format!("waiting for Security Group ({id}) create")))?;
    // AWS gives every new group an allow-all egress rule; Terraform removes
    // it so that only configured rules exist.
    for source in [Source::Cidr("0.0.0.0/0".into()), Source::Ipv6("::/0".into())] {
        let atom = Atom { protocol: "-1".into(), from: 0, to: 0, source, description: String::new() };
        match revoke(aws, &id, true, &[&atom]) {
            Ok(()) => {}
            Err(e) if e.code == "InvalidPermission.NotFound" || e.code == "InvalidParameterValue" => {}
            Err(e) => return Err(e.into_diag(&format!("revoking default egress rule for Security Group ({id})"))),
        }
    }
    let stub = with_attr(planned, "id", Value::string(id.as_str()));
    let none = with_attr(
        &with_attr(planned, "ingress", Value::set(rule_block().implied_type(), Vec::new())),
        "egress",
        Value::set(rule_block().implied_type(), Vec::new()),
    );
    update_rules(aws, &id, &none, planned)?;
    read_after_write(aws, &stub)
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(prior);
    update_rules(aws, &id, prior, planned)?;
    update_tags(aws, &id, prior, planned)?;
    read_after_write(aws, planned)
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    if bool_attr(prior, "revoke_rules_on_delete") == Some(true) {
        revoke_all(aws, &id)?;
    }
    // Network interfaces and rules of other groups that use this group
    // keep it alive for a while; retry within a bound.
    let r = aws.retry(
        DEPENDENCY_TIMEOUT,
        |e| e.code == "DependencyViolation" || e.code == "InvalidGroup.InUse",
        || {
            aws.log_call("ec2:DeleteSecurityGroup");
            aws.block(aws.ec2.delete_security_group().group_id(&id).send()).map(|_| ()).map_err(aws_error)
        },
    );
    match r {
        Ok(()) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e.into_diag(&format!("deleting Security Group ({id})"))),
    }
}

/// Revokes every rule the group has now (both directions).
pub fn revoke_all(aws: &Aws, id: &str) -> Result<(), ProviderDiagnostic> {
    let Some(g) = describe_one(aws, id).map_err(|e| e.into_diag(&format!("reading Security Group ({id})")))? else {
        return Ok(());
    };
    let owner = g.owner_id().unwrap_or_default();
    for (egress, perms) in [(false, g.ip_permissions()), (true, g.ip_permissions_egress())] {
        let atoms = permission_atoms(perms, id, owner);
        let refs: Vec<&Atom> = atoms.iter().collect();
        match revoke(aws, id, egress, &refs) {
            Ok(()) => {}
            Err(e) if e.is_not_found() || e.code == "InvalidPermission.NotFound" => {}
            Err(e) => return Err(e.into_diag(&format!("revoking Security Group ({id}) rules"))),
        }
    }
    Ok(())
}

pub fn read_after_write(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(planned);
    match describe_one(aws, &id).map_err(|e| e.into_diag(&format!("reading Security Group ({id})")))? {
        Some(g) => Ok(state_of(aws, &g, planned)),
        None => Err(ProviderDiagnostic::error(
            "Security Group not found after change",
            format!("The security group {id} was not found right after it was created or changed."),
        )),
    }
}

/// The group as it is now; `None` when it no longer exists. Groups whose
/// VPC is known are read through one DescribeSecurityGroups per VPC.
pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let what = format!("reading Security Group ({id})");
    let found = match nonempty(current, "vpc_id") {
        Some(vpc) => aws
            .cache
            .get_or_fill(&format!("security-groups/{vpc}"), &id, || describe_by(aws, "vpc-id", &vpc))
            .map_err(|e| e.into_diag(&what))?,
        None => describe_one(aws, &id).map_err(|e| e.into_diag(&what))?,
    };
    Ok(found.map(|g| state_of(aws, &g, current)))
}

fn state_of(aws: &Aws, g: &SecurityGroup, prior: &Value) -> Value {
    let s = |x: &str| Value::string(x);
    let id = g.group_id().unwrap_or_default();
    let owner = g.owner_id().unwrap_or_default();
    let name = g.group_name().unwrap_or_default();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(prior, "tags"), tag_pairs(g.tags()));
    let ingress = gather_rules(&attr(prior, "ingress"), permission_atoms(g.ip_permissions(), id, owner));
    let egress = gather_rules(&attr(prior, "egress"), permission_atoms(g.ip_permissions_egress(), id, owner));
    // Not an AWS attribute: kept from the prior state (false on import).
    let revoke = Value::bool(bool_attr(prior, "revoke_rules_on_delete").unwrap_or(false));
    object(
        &schema(),
        [
            (
                "arn",
                s(g.security_group_arn()
                    .map(String::from)
                    .unwrap_or_else(|| aws.arn("security-group", owner, id))
                    .as_str()),
            ),
            ("description", s(g.description().unwrap_or_default())),
            ("egress", egress),
            ("id", s(id)),
            ("ingress", ingress),
            ("name", s(name)),
            ("name_prefix", s(&prefix_of(name))),
            ("owner_id", s(owner)),
            ("revoke_rules_on_delete", revoke),
            ("tags", tags),
            ("tags_all", tags_all),
            ("vpc_id", s(g.vpc_id().unwrap_or_default())),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(protocol: &str, from: i64, to: i64, cidrs: &[&str]) -> Value {
        object(
            &rule_block(),
            [
                ("protocol", Value::string(protocol)),
                ("from_port", Value::int(from)),
                ("to_port", Value::int(to)),
                ("cidr_blocks", Value::list(Type::String, cidrs.iter().map(|c| Value::string(*c)).collect())),
            ],
        )
    }

    fn set(rules: Vec<Value>) -> Value {
        Value::set(rule_block().implied_type(), rules.iter().map(normalize_rule).collect())
    }

    #[test]
    fn protocols_take_terraforms_normal_form() {
        assert_eq!(normal_protocol("ALL"), "-1");
        assert_eq!(normal_protocol("-1"), "-1");
        assert_eq!(normal_protocol("6"), "tcp");
        assert_eq!(normal_protocol("TCP"), "tcp");
        assert_eq!(normal_protocol("50"), "50");
    }

    #[test]
    fn a_rule_with_several_cidrs_reads_back_as_configured() {
        let prior =
            set(vec![rule("tcp", 443, 443, &["10.0.0.0/8", "192.168.0.0/16"]), rule("all", 0, 0, &["1.2.3.4/32"])]);
        // AWS merged and reordered the permissions.
        let perm = IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(443)
            .to_port(443)
            .ip_ranges(IpRange::builder().cidr_ip("192.168.0.0/16").build())
            .ip_ranges(IpRange::builder().cidr_ip("10.0.0.0/8").build())
            .build();
        let all = IpPermission::builder()
            .ip_protocol("-1")
            .ip_ranges(IpRange::builder().cidr_ip("1.2.3.4/32").build())
            .build();
        let read = gather_rules(&prior, permission_atoms(&[all, perm], "sg-1", "123"));
        assert!(read.raw_equal(&prior), "{read:?}");
    }

    #[test]
    fn a_rule_added_by_hand_is_a_rule_of_its_own_and_a_removed_cidr_is_gone() {
        let prior = set(vec![rule("tcp", 22, 22, &["10.0.0.0/8", "10.1.0.0/16"])]);
        let perms = [
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(IpRange::builder().cidr_ip("10.0.0.0/8").build())
                .build(),
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(80)
                .to_port(80)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        ];
        let read = gather_rules(&prior, permission_atoms(&perms, "sg-1", "123"));
        let want = set(vec![rule("tcp", 22, 22, &["10.0.0.0/8"]), rule("tcp", 80, 80, &["0.0.0.0/0"])]);
        assert!(read.raw_equal(&want), "{read:?}");
    }

    #[test]
    fn a_direction_without_blocks_is_not_managed() {
        let ty = rule_block().implied_type();
        let config = object(&schema(), [("ingress", set(vec![rule("tcp", 22, 22, &["10.0.0.0/8"])]))]);
        let created = plan(&config, &config, &Value::null(schema().implied_type()));
        assert!(attr(&created, "egress").is_unknown());
        assert_eq!(str_attr(&created, "description").as_deref(), Some(DEFAULT_DESCRIPTION));
        let prior = with_attr(&created, "egress", set(vec![rule("-1", 0, 0, &["0.0.0.0/0"])]));
        let updated = plan(&config, &config, &prior);
        assert!(attr(&updated, "egress").raw_equal(&attr(&prior, "egress")));
        assert!(attr(&updated, "ingress").raw_equal(&attr(&config, "ingress")));
        assert_eq!(attr(&updated, "ingress").ty(), Type::set(ty));
    }

    #[test]
    fn an_empty_rule_list_is_managed_and_removes_every_rule() {
        let config = object(&schema(), [("egress", set(Vec::new()))]);
        let prior = object(&schema(), [("egress", set(vec![rule("-1", 0, 0, &["0.0.0.0/0"])]))]);
        let planned = plan(&config, &config, &prior);
        assert_eq!(attr(&planned, "egress").length(), Some(0));
        assert!(attr(&planned, "egress").is_known());
    }

    #[test]
    fn rules_written_as_blocks_must_give_the_required_fields() {
        let partial = object(&rule_block(), [("protocol", Value::string("tcp")), ("from_port", Value::int(80))]);
        let config = object(&schema(), [("ingress", Value::set(rule_block().implied_type(), vec![partial]))]);
        let diags = validate(&config);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].summary, "Missing required argument");
        assert_eq!(diags[0].detail, "The argument \"ingress.0.to_port\" is required, but no definition was found.");
        assert!(validate(&object(&schema(), [("ingress", set(vec![rule("tcp", 1, 2, &[])]))])).is_empty());
    }

    #[test]
    fn generated_names_have_their_prefix_back() {
        let n = unique_name("web-");
        assert_eq!(n.len(), 4 + 26);
        assert_eq!(prefix_of(&n), "web-");
        assert_eq!(prefix_of("hand-made"), "");
        assert_eq!(prefix_of(&unique_name("terraform-")), "terraform-");
    }
}
