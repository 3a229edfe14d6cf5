//! `aws_network_acl` (inline `ingress`/`egress` rule sets, `subnet_ids`),
//! `aws_network_acl_rule` (one entry of an ACL, every argument forcing a
//! new rule) and `aws_network_acl_association` (one subnet's ACL).
//!
//! AWS speaks protocol numbers only, and so does the state: `tcp` in the
//! configuration is planned as `"6"` and `all` as `"-1"` (the provider
//! hashes rules by protocol number, so both spellings are one rule). An
//! entry is named by its direction and rule number; updating the inline
//! sets deletes the entries that are gone, then creates the new ones.
//! The rules AWS puts in every ACL (numbers 32767 and 32768, deny all) are
//! neither reported nor touched.
//!
//! A subnet always has exactly one ACL: "removing" it from an ACL (from
//! `subnet_ids`, or deleting an association or the ACL) gives it back to
//! its VPC's default ACL. Like `ingress`/`egress`, `subnet_ids` is optional
//! and computed: left out, the ACL's subnets (and rules) are not managed,
//! so `aws_network_acl_rule` and `aws_network_acl_association` resources
//! can add to them. Refresh reads are batched: one DescribeNetworkAcls per
//! VPC (ACLs) or per ACL (rules) answers every read of that scope.

use crate::client::{aws_error, Aws, AwsError, EVENTUAL_CONSISTENCY};
use crate::util::{attr, bool_attr, map_of, nonempty, object, str_attr, strings_of, with_attr};
use crate::vpc::{delete_with_retry, filter, tag_pairs, tag_spec, update_tags};
use crate::{id_of, tags};
use aws_sdk_ec2::types::{IcmpTypeCode, NetworkAcl, NetworkAclEntry, PortRange, ResourceType, RuleAction};
use std::collections::{BTreeMap, HashMap};
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, PathStep, ProviderDiagnostic};

const WHAT: &str = "EC2 Network ACL";

/// The rule numbers of the deny-all rules AWS adds to every ACL (IPv4, IPv6).
const DEFAULT_RULE_NUMBERS: [i64; 2] = [32767, 32768];

/// IANA protocol names the provider accepts, with their numbers (names are
/// matched exactly: `TCP` is not one). Numbers are accepted when they have
/// a row here; a few have no name and are spelled as their number.
const PROTOCOLS: &[(&str, i64)] = &[
    ("all", -1),
    ("hopopt", 0),
    ("icmp", 1),
    ("igmp", 2),
    ("ggp", 3),
    ("ipv4", 4),
    ("st", 5),
    ("tcp", 6),
    ("cbt", 7),
    ("egp", 8),
    ("igp", 9),
    ("bbn-rcc-mon", 10),
    ("nvp-ii", 11),
    ("pup", 12),
    ("argus", 13),
    ("emcon", 14),
    ("xnet", 15),
    ("chaos", 16),
    ("udp", 17),
    ("mux", 18),
    ("dcn-meas", 19),
    ("hmp", 20),
    ("prm", 21),
    ("xns-idp", 22),
    ("trunk-1", 23),
    ("trunk-2", 24),
    ("leaf-1", 25),
    ("leaf-2", 26),
    ("rdp", 27),
    ("irtp", 28),
    ("iso-tp4", 29),
    ("netblt", 30),
    ("mfe-nsp", 31),
    ("merit-inp", 32),
    ("dccp", 33),
    ("3pc", 34),
    ("idpr", 35),
    ("xtp", 36),
    ("ddp", 37),
    ("idpr-cmtp", 38),
    ("tp++", 39),
    ("il", 40),
    ("ipv6", 41),
    ("sdrp", 42),
    ("ipv6-route", 43),
    ("ipv6-frag", 44),
    ("idrp", 45),
    ("rsvp", 46),
    ("gre", 47),
    ("dsr", 48),
    ("bna", 49),
    ("esp", 50),
    ("ah", 51),
    ("i-nlsp", 52),
    ("swipe", 53),
    ("narp", 54),
    ("mobile", 55),
    ("tlsp", 56),
    ("ipv6-icmp", 58),
    ("ipv6-nonxt", 59),
    ("ipv6-opts", 60),
    ("61", 61),
    ("cftp", 62),
    ("63", 63),
    ("sat-expak", 64),
    ("kryptolan", 65),
    ("rvd", 66),
    ("ippc", 67),
    ("68", 68),
    ("sat-mon", 69),
    ("visa", 70),
    ("ipcv", 71),
    ("cpnx", 72),
    ("cphb", 73),
    ("wsn", 74),
    ("pvp", 75),
    ("br-sat-mon", 76),
    ("sun-nd", 77),
    ("wb-mon", 78),
    ("wb-expak", 79),
    ("iso-ip", 80),
    ("vmtp", 81),
    ("secure-vmtp", 82),
    ("vines", 83),
    ("ttp", 84),
    ("nsfnet-igp", 85),
    ("dgp", 86),
    ("tcf", 87),
    ("eigrp", 88),
    ("ospfigp", 89),
    ("sprite-rpc", 90),
    ("larp", 91),
    ("mtp", 92),
    ("ax.25", 93),
    ("ipip", 94),
    ("micp", 95),
    ("scc-sp", 96),
    ("etherip", 97),
    ("encap", 98),
    ("99", 99),
    ("gmtp", 100),
    ("ifmp", 101),
    ("pnni", 102),
    ("pim", 103),
    ("aris", 104),
    ("scps", 105),
    ("qnx", 106),
    ("a/n", 107),
    ("ipcomp", 108),
    ("snp", 109),
    ("compaq-peer", 110),
    ("ipx-in-ip", 111),
    ("vrrp", 112),
    ("pgm", 113),
    ("114", 114),
    ("l2tp", 115),
    ("dd", 116),
    ("iatp", 117),
    ("stp", 118),
    ("srp", 119),
    ("uti", 120),
    ("smp", 121),
    ("sm", 122),
    ("ptp", 123),
    ("isis-over-ipv4", 124),
    ("fire", 125),
    ("crtp", 126),
    ("crudp", 127),
    ("sscopmce", 128),
    ("iplt", 129),
    ("sps", 130),
    ("pipe", 131),
    ("sctp", 132),
    ("fc", 133),
    ("rsvp-e2e-ignore", 134),
    ("mobility-header", 135),
    ("udplite", 136),
    ("mpls-in-ip", 137),
    ("manet", 138),
    ("hip", 139),
    ("shim6", 140),
    ("wesp", 141),
    ("rohc", 142),
    ("253", 253),
    ("254", 254),
];

/// The protocol number of a name or number; `None` when unsupported.
pub fn protocol_number(p: &str) -> Option<i64> {
    match p.parse::<i64>() {
        Ok(n) => PROTOCOLS.iter().any(|(_, x)| *x == n).then_some(n),
        Err(_) => PROTOCOLS.iter().find(|(name, _)| *name == p).map(|(_, n)| *n),
    }
}

/// `p` as the state keeps it: its number, or as written when unsupported.
fn protocol_as_number(p: &str) -> String {
    protocol_number(p).map(|n| n.to_string()).unwrap_or_else(|| p.to_string())
}

fn protocol_error(path: Vec<PathStep>, key: &str, p: &str) -> ProviderDiagnostic {
    ProviderDiagnostic::error(format!("{key:?} : unsupported NACL protocol: {p}"), "").at(path)
}

fn action_error(path: Vec<PathStep>, key: &str, got: &str) -> ProviderDiagnostic {
    ProviderDiagnostic::error(format!("expected {key} to be one of [\"allow\" \"deny\"], got {got}"), "").at(path)
}

fn rule_block() -> Block {
    let n =
        |required: bool| if required { Attribute::required(Type::Number) } else { Attribute::optional(Type::Number) };
    Block {
        attributes: BTreeMap::from([
            ("action".to_string(), Attribute::required(Type::String)),
            ("cidr_block".to_string(), Attribute::optional(Type::String)),
            ("from_port".to_string(), n(true)),
            ("icmp_code".to_string(), n(false)),
            ("icmp_type".to_string(), n(false)),
            ("ipv6_cidr_block".to_string(), Attribute::optional(Type::String)),
            ("protocol".to_string(), Attribute::required(Type::String)),
            ("rule_no".to_string(), n(true)),
            ("to_port".to_string(), n(true)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn rule_set_type() -> Type {
    Type::set(rule_block().implied_type())
}

pub fn schema() -> Block {
    let c = || Attribute::computed(Type::String);
    // Set-of-object attributes (Terraform's `ConfigModeAttr`): blocks or `ingress = [...]`.
    let rules = || Attribute::optional_computed(rule_set_type());
    Block {
        attributes: BTreeMap::from([
            ("arn".to_string(), c()),
            ("egress".to_string(), rules()),
            ("id".to_string(), c()),
            ("ingress".to_string(), rules()),
            ("owner_id".to_string(), c()),
            ("subnet_ids".to_string(), Attribute::optional_computed(Type::set(Type::String))),
            ("tags".to_string(), Attribute::optional(Type::map(Type::String))),
            ("tags_all".to_string(), Attribute::optional_computed(Type::map(Type::String))),
            ("vpc_id".to_string(), Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn rule_schema() -> Block {
    let s = || Attribute::optional(Type::String).force_new();
    let n = || Attribute::optional(Type::Number).force_new();
    Block {
        attributes: BTreeMap::from([
            ("cidr_block".to_string(), s()),
            ("egress".to_string(), Attribute::optional(Type::Bool).force_new()),
            ("from_port".to_string(), n()),
            ("icmp_code".to_string(), n()),
            ("icmp_type".to_string(), n()),
            ("id".to_string(), Attribute::computed(Type::String)),
            ("ipv6_cidr_block".to_string(), s()),
            ("network_acl_id".to_string(), Attribute::required(Type::String).force_new()),
            ("protocol".to_string(), Attribute::required(Type::String).force_new()),
            ("rule_action".to_string(), Attribute::required(Type::String).force_new()),
            ("rule_number".to_string(), Attribute::required(Type::Number).force_new()),
            ("to_port".to_string(), n()),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn association_schema() -> Block {
    Block {
        attributes: BTreeMap::from([
            ("id".to_string(), Attribute::computed(Type::String)),
            ("network_acl_id".to_string(), Attribute::required(Type::String).force_new()),
            ("subnet_id".to_string(), Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn int_attr(v: &Value, name: &str) -> Option<i64> {
    attr(v, name).unmark_deep().0.as_number().and_then(|n| n.to_i64())
}

fn i32_of(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(if n < 0 { i32::MIN } else { i32::MAX })
}

// --- aws_network_acl ---

/// A rule as the state keeps it: protocol as a number, action in lower
/// case, unset CIDRs "" and ICMP fields 0. Unknown parts stay unknown.
fn normalize_rule(rule: &Value) -> Value {
    if !rule.is_known() || rule.is_null() {
        return rule.clone();
    }
    let mut r = rule.clone();
    for name in ["cidr_block", "ipv6_cidr_block"] {
        if attr(&r, name).is_null() {
            r = with_attr(&r, name, Value::string(""));
        }
    }
    for name in ["icmp_code", "icmp_type"] {
        if attr(&r, name).is_null() {
            r = with_attr(&r, name, Value::int(0));
        }
    }
    if let Some(p) = str_attr(&r, "protocol") {
        r = with_attr(&r, "protocol", Value::string(protocol_as_number(&p)));
    }
    if let Some(a) = str_attr(&r, "action") {
        r = with_attr(&r, "action", Value::string(a.to_ascii_lowercase()));
    }
    r
}

fn normalize_rules(rules: &Value) -> Value {
    if !rules.is_known() {
        return rules.clone();
    }
    let items = rules.unmark_deep().0.as_seq().map(|s| s.iter().map(normalize_rule).collect()).unwrap_or_default();
    Value::set(rule_block().implied_type(), items)
}

/// The plan's rules normalized; a rule set or `subnet_ids` left out keeps
/// what the ACL has (unknown when creating): it is not managed.
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> Value {
    let mut p = planned.clone();
    for (name, ty) in
        [("ingress", rule_set_type()), ("egress", rule_set_type()), ("subnet_ids", Type::set(Type::String))]
    {
        let v = if attr(config, name).is_null() {
            if prior.is_null() {
                Value::unknown(ty)
            } else {
                attr(prior, name)
            }
        } else if name == "subnet_ids" {
            attr(&p, name)
        } else {
            normalize_rules(&attr(&p, name))
        };
        p = with_attr(&p, name, v);
    }
    p
}

/// Rules written as blocks must give the required fields (the engine
/// decodes them with every field optional); protocols, actions and rule
/// numbers are checked as the provider checks them.
pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let required: Vec<String> =
        rule_block().attributes.into_iter().filter(|(_, a)| a.required).map(|(name, _)| name).collect();
    let mut out = Vec::new();
    for dir in ["ingress", "egress"] {
        let rules = attr(config, dir);
        for (i, rule) in rules.as_seq().unwrap_or_default().iter().enumerate() {
            if !rule.is_known() {
                continue;
            }
            let path = |name: &str| {
                vec![PathStep::Attr(dir.into()), PathStep::Index(i as u64), PathStep::Attr(name.to_string())]
            };
            for name in required.iter().filter(|name| attr(rule, name).is_null()) {
                out.push(
                    ProviderDiagnostic::error(
                        "Missing required argument",
                        format!("The argument \"{dir}.{i}.{name}\" is required, but no definition was found."),
                    )
                    .at(path(name)),
                );
            }
            if let Some(p) = str_attr(rule, "protocol") {
                if protocol_number(&p).is_none() {
                    out.push(protocol_error(path("protocol"), &format!("{dir}.{i}.protocol"), &p));
                }
            }
            if let Some(a) = str_attr(rule, "action") {
                if !a.eq_ignore_ascii_case("allow") && !a.eq_ignore_ascii_case("deny") {
                    out.push(action_error(path("action"), &format!("{dir}.{i}.action"), &a));
                }
            }
            if let Some(n) = int_attr(rule, "rule_no") {
                if !(1..=32766).contains(&n) {
                    out.push(
                        ProviderDiagnostic::error(
                            format!("expected {dir}.{i}.rule_no to be in the range (1 - 32766), got {n}"),
                            "",
                        )
                        .at(path("rule_no")),
                    );
                }
            }
            for name in ["from_port", "to_port"] {
                if let Some(n) = int_attr(rule, name).filter(|n| !(0..=65535).contains(n)) {
                    out.push(
                        ProviderDiagnostic::error(
                            format!("expected {dir}.{i}.{name} to be a valid port number or 0, got: {n}"),
                            "",
                        )
                        .at(path(name)),
                    );
                }
            }
        }
    }
    out
}

/// One entry to create, from a (normalized) inline rule.
struct Entry {
    rule_number: i64,
    protocol: String,
    action: String,
    cidr: Option<String>,
    ipv6: Option<String>,
    from: i64,
    to: i64,
    icmp: Option<(i64, i64)>,
}

impl Entry {
    fn of_rule(rule: &Value) -> Entry {
        let protocol = protocol_as_number(&str_attr(rule, "protocol").unwrap_or_default());
        let icmp = (protocol == "1" || protocol == "58")
            .then(|| (int_attr(rule, "icmp_type").unwrap_or(0), int_attr(rule, "icmp_code").unwrap_or(0)));
        Entry {
            rule_number: int_attr(rule, "rule_no").unwrap_or(0),
            protocol,
            action: str_attr(rule, "action").unwrap_or_default(),
            cidr: nonempty(rule, "cidr_block"),
            ipv6: nonempty(rule, "ipv6_cidr_block"),
            from: int_attr(rule, "from_port").unwrap_or(0),
            to: int_attr(rule, "to_port").unwrap_or(0),
            icmp,
        }
    }

    fn create(&self, aws: &Aws, acl: &str, egress: bool) -> Result<(), AwsError> {
        let req = aws
            .ec2
            .create_network_acl_entry()
            .network_acl_id(acl)
            .egress(egress)
            .rule_number(i32_of(self.rule_number))
            .protocol(&self.protocol)
            .rule_action(RuleAction::from(self.action.as_str()))
            .set_cidr_block(self.cidr.clone())
            .set_ipv6_cidr_block(self.ipv6.clone())
            .port_range(PortRange::builder().from(i32_of(self.from)).to(i32_of(self.to)).build())
            .set_icmp_type_code(
                self.icmp.map(|(t, c)| IcmpTypeCode::builder().r#type(i32_of(t)).code(i32_of(c)).build()),
            );
        aws.log_call("ec2:CreateNetworkAclEntry");
        aws.block(req.send()).map(|_| ()).map_err(aws_error)
    }
}

fn delete_entry(aws: &Aws, acl: &str, egress: bool, rule_number: i64) -> Result<(), AwsError> {
    aws.log_call("ec2:DeleteNetworkAclEntry");
    let req = aws.ec2.delete_network_acl_entry().network_acl_id(acl).egress(egress).rule_number(i32_of(rule_number));
    aws.block(req.send()).map(|_| ()).map_err(aws_error)
}

fn rules_of(v: &Value, dir: &str) -> Vec<Value> {
    let rules = attr(v, dir).unmark_deep().0;
    rules.as_seq().unwrap_or_default().iter().filter(|r| r.is_wholly_known()).map(normalize_rule).collect()
}

/// Brings the entries of `acl` from `old`'s rules to `new`'s: deletes the
/// rules that are gone first (a changed rule keeps its number), then
/// creates the new ones.
fn update_entries(aws: &Aws, acl: &str, old: &Value, new: &Value) -> Result<(), ProviderDiagnostic> {
    for (dir, egress) in [("egress", true), ("ingress", false)] {
        if !attr(new, dir).is_wholly_known() {
            continue;
        }
        let (before, after) = (rules_of(old, dir), rules_of(new, dir));
        let contains = |set: &[Value], r: &Value| set.iter().any(|x| x.raw_equal(r));
        for r in before.iter().filter(|r| !contains(&after, r)) {
            let number = int_attr(r, "rule_no").unwrap_or(0);
            if DEFAULT_RULE_NUMBERS.contains(&number) {
                continue;
            }
            match delete_entry(aws, acl, egress, number) {
                Ok(()) => {}
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e.into_diag(&format!("deleting {WHAT} ({acl}) Entry"))),
            }
        }
        for r in after.iter().filter(|r| !contains(&before, r)) {
            let entry = Entry::of_rule(r);
            if entry.protocol == "-1" && (entry.from != 0 || entry.to != 0) {
                let message = format!(
                    "to_port ({}) and from_port ({}) must both be 0 to use the 'all' \"-1\" protocol!",
                    entry.to, entry.from
                );
                return Err(ProviderDiagnostic::error(message.clone(), message));
            }
            entry.create(aws, acl, egress).map_err(|e| e.into_diag(&format!("creating {WHAT} ({acl}) Entry")))?;
        }
    }
    Ok(())
}

fn describe_by(aws: &Aws, name: &str, value: &str) -> Result<HashMap<String, NetworkAcl>, AwsError> {
    let mut out = HashMap::new();
    let mut token: Option<String> = None;
    // Bounded: 1,000 pages.
    for _ in 0..1000 {
        aws.log_call("ec2:DescribeNetworkAcls");
        let page = aws
            .block(aws.ec2.describe_network_acls().filters(filter(name, value)).set_next_token(token.clone()).send())
            .map_err(aws_error)?;
        for a in page.network_acls() {
            if let Some(id) = a.network_acl_id() {
                out.insert(id.to_string(), a.clone());
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

/// The ACL `id`, by its id (moto has no `network-acl-id` filter).
fn describe_one(aws: &Aws, id: &str) -> Result<Option<NetworkAcl>, AwsError> {
    aws.log_call("ec2:DescribeNetworkAcls");
    match aws.block(aws.ec2.describe_network_acls().network_acl_ids(id).send()).map_err(aws_error) {
        Ok(out) => Ok(out.network_acls().iter().find(|a| a.network_acl_id() == Some(id)).cloned()),
        // AWS: InvalidNetworkAclID.NotFound (moto says InvalidRouteTableID.NotFound).
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The ACL from the batch of its scope (shared by the ACL's rules).
fn cached_acl(aws: &Aws, id: &str) -> Result<Option<NetworkAcl>, AwsError> {
    aws.cache.get_or_fill(&format!("network-acl/{id}"), id, || {
        Ok(describe_one(aws, id)?.map(|a| (id.to_string(), a)).into_iter().collect::<HashMap<_, _>>())
    })
}

fn default_acl(aws: &Aws, vpc: &str) -> Result<String, ProviderDiagnostic> {
    let what = format!("reading EC2 VPC ({vpc}) default NACL");
    aws.log_call("ec2:DescribeNetworkAcls");
    let out = aws
        .block(aws.ec2.describe_network_acls().filters(filter("vpc-id", vpc)).filters(filter("default", "true")).send())
        .map_err(|e| aws_error(e).into_diag(&what))?;
    out.network_acls()
        .iter()
        .find_map(|a| a.network_acl_id().map(String::from))
        .ok_or_else(|| AwsError { code: "NotFound".into(), message: "no default network ACL".into() }.into_diag(&what))
}

/// The association of `subnet` with its current ACL: (association id, ACL id).
fn subnet_association(aws: &Aws, subnet: &str) -> Result<Option<(String, String)>, AwsError> {
    let acls = describe_by(aws, "association.subnet-id", subnet)?;
    Ok(acls.values().flat_map(|a| a.associations()).find(|x| x.subnet_id() == Some(subnet)).map(|x| {
        (
            x.network_acl_association_id().unwrap_or_default().to_string(),
            x.network_acl_id().unwrap_or_default().to_string(),
        )
    }))
}

/// Moves an association to `acl`; its new id. Only a move to a new ACL
/// (`wait`) waits for an association id AWS does not know yet, as the
/// provider does; moving back to the default ACL does not.
fn replace_association(aws: &Aws, association: &str, acl: &str, wait: bool) -> Result<String, AwsError> {
    aws.retry(
        if wait { EVENTUAL_CONSISTENCY } else { std::time::Duration::ZERO },
        |e| e.code == "InvalidAssociationID.NotFound",
        || {
            aws.log_call("ec2:ReplaceNetworkAclAssociation");
            aws.block(aws.ec2.replace_network_acl_association().association_id(association).network_acl_id(acl).send())
                .map(|o| o.new_association_id().unwrap_or_default().to_string())
                .map_err(aws_error)
        },
    )
}

/// Moves `subnet` to `acl`; the new association's id. `None`: no such
/// subnet (after waiting for a new one to show, when `wait`).
fn associate(aws: &Aws, acl: &str, subnet: &str, wait: bool) -> Result<Option<String>, ProviderDiagnostic> {
    let timeout = if wait { EVENTUAL_CONSISTENCY } else { std::time::Duration::ZERO };
    let current = aws.retry(
        timeout,
        |e| e.code == "NotFound",
        || match subnet_association(aws, subnet) {
            Ok(Some(a)) => Ok(a),
            Ok(None) => Err(AwsError { code: "NotFound".into(), message: format!("EC2 Subnet ({subnet}) not found") }),
            Err(e) => Err(e),
        },
    );
    let (association, _) = match current {
        Ok(a) => a,
        Err(e) if e.code == "NotFound" => return Ok(None),
        Err(e) => return Err(e.into_diag(&format!("reading EC2 Network ACL Association for EC2 Subnet ({subnet})"))),
    };
    replace_association(aws, &association, acl, true)
        .map(Some)
        .map_err(|e| e.into_diag(&format!("creating {WHAT} ({acl}) Association")))
}

fn prefixed(d: ProviderDiagnostic, what: &str) -> ProviderDiagnostic {
    ProviderDiagnostic { summary: format!("{what}: {}", d.summary), detail: format!("{what}: {}", d.detail), ..d }
}

/// Gives `subnets` back to `vpc`'s default ACL (subnets gone are skipped).
fn disassociate_subnets(aws: &Aws, vpc: &str, subnets: &[String]) -> Result<(), ProviderDiagnostic> {
    if subnets.is_empty() {
        return Ok(());
    }
    let default = default_acl(aws, vpc)?;
    for subnet in subnets {
        let found = subnet_association(aws, subnet)
            .map_err(|e| e.into_diag(&format!("reading EC2 Network ACL Association for EC2 Subnet ({subnet})")))?;
        if let Some((association, _)) = found {
            match replace_association(aws, &association, &default, false) {
                Ok(_) => {}
                Err(e) if e.code == "InvalidAssociationID.NotFound" => {}
                Err(e) => return Err(e.into_diag(&format!("deleting EC2 Network ACL Association ({association})"))),
            }
        }
    }
    Ok(())
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let vpc = str_attr(planned, "vpc_id").unwrap_or_default();
    let req = aws.ec2.create_network_acl().vpc_id(&vpc).set_tag_specifications(
        tag_spec(ResourceType::NetworkAcl, &map_of(&attr(planned, "tags_all"))).map(|t| vec![t]),
    );
    aws.log_call("ec2:CreateNetworkAcl");
    let out = aws.block(req.send()).map_err(|e| aws_error(e).into_diag(&format!("creating {WHAT}")))?;
    let id = out.network_acl().and_then(|a| a.network_acl_id()).unwrap_or_default().to_string();
    let stub = with_attr(planned, "id", Value::string(id.as_str()));
    // The provider keeps an ACL whose rules or subnets failed as a tainted
    // object; here a failed create leaves nothing behind instead.
    let configured = wait_visible(aws, &id).and_then(|_| configure_new(aws, &id, planned));
    if let Err(d) = configured {
        let _ = delete(aws, &stub);
        return Err(d);
    }
    read_after_write(aws, &stub)
}

/// The rules and subnets of a new ACL.
fn configure_new(aws: &Aws, id: &str, planned: &Value) -> Result<(), ProviderDiagnostic> {
    let empty = object(&schema(), []);
    update_entries(aws, id, &empty, planned).map_err(|d| prefixed(d, &format!("creating {WHAT}")))?;
    for subnet in strings_of(&attr(planned, "subnet_ids")) {
        if associate(aws, id, &subnet, true)?.is_none() {
            return Err(AwsError { code: "NotFound".into(), message: format!("EC2 Subnet ({subnet}) not found") }
                .into_diag(&format!(
                    "creating {WHAT}: reading EC2 Network ACL Association for EC2 Subnet ({subnet})"
                )));
        }
    }
    Ok(())
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(prior);
    let what = format!("updating {WHAT} ({id})");
    update_entries(aws, &id, prior, planned).map_err(|d| prefixed(d, &what))?;
    if attr(planned, "subnet_ids").is_wholly_known() {
        let (old, new) = (strings_of(&attr(prior, "subnet_ids")), strings_of(&attr(planned, "subnet_ids")));
        let gone: Vec<String> = old.iter().filter(|s| !new.contains(s)).cloned().collect();
        let vpc = str_attr(prior, "vpc_id").unwrap_or_default();
        disassociate_subnets(aws, &vpc, &gone).map_err(|d| prefixed(d, &what))?;
        for subnet in new.iter().filter(|s| !old.contains(s)) {
            // A subnet deleted meanwhile is skipped, as the provider skips it.
            associate(aws, &id, subnet, false).map_err(|d| prefixed(d, &what))?;
        }
    }
    update_tags(aws, &id, prior, planned)?;
    read_after_write(aws, planned)
}

/// Every subnet goes back to the VPC's default ACL first (those of
/// `aws_network_acl_association` resources too, as the provider does).
pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    let Some(acl) = describe_one(aws, &id).map_err(|e| e.into_diag(&format!("reading {WHAT} ({id})")))? else {
        return Ok(());
    };
    let subnets: Vec<String> = acl.associations().iter().filter_map(|a| a.subnet_id().map(String::from)).collect();
    let vpc = acl.vpc_id().map(String::from).unwrap_or_else(|| str_attr(prior, "vpc_id").unwrap_or_default());
    disassociate_subnets(aws, &vpc, &subnets).map_err(|d| prefixed(d, &format!("deleting {WHAT} ({id})")))?;
    delete_with_retry(aws, &format!("{WHAT} ({id})"), || {
        aws.log_call("ec2:DeleteNetworkAcl");
        aws.block(aws.ec2.delete_network_acl().network_acl_id(&id).send()).map(|_| ()).map_err(aws_error)
    })
}

fn wait_visible(aws: &Aws, id: &str) -> Result<NetworkAcl, ProviderDiagnostic> {
    aws.until_visible(id, || describe_one(aws, id)).map_err(|e| e.into_diag(&format!("reading {WHAT} ({id})")))
}

fn read_after_write(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let acl = wait_visible(aws, &id_of(planned))?;
    Ok(state_of(aws, &acl, planned))
}

/// The ACL as it is now; `None` when it no longer exists. ACLs whose VPC
/// is known are read through one DescribeNetworkAcls per VPC. A VPC's
/// default ACL is refused on import, as the provider refuses it.
pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let what = format!("reading {WHAT} ({id})");
    let found = match nonempty(current, "vpc_id") {
        Some(vpc) => aws
            .cache
            .get_or_fill(&format!("network-acls/{vpc}"), &id, || describe_by(aws, "vpc-id", &vpc))
            .map_err(|e| e.into_diag(&what))?,
        None => {
            let found = describe_one(aws, &id).map_err(|e| e.into_diag(&what))?;
            if found.as_ref().is_some_and(|a| a.is_default() == Some(true)) {
                return Err(ProviderDiagnostic::error(
                    "use the `aws_default_network_acl` resource instead",
                    format!("{id} is its VPC's default network ACL."),
                ));
            }
            found
        }
    };
    Ok(found.map(|a| state_of(aws, &a, current)))
}

fn rule_value(e: &NetworkAclEntry) -> Value {
    let int = |n: Option<i32>| Value::int(i64::from(n.unwrap_or(0)));
    let protocol = e.protocol().unwrap_or_default();
    object(
        &rule_block(),
        [
            ("action", Value::string(e.rule_action().map(|a| a.as_str()).unwrap_or_default())),
            ("cidr_block", Value::string(e.cidr_block().unwrap_or_default())),
            ("from_port", int(e.port_range().and_then(|p| p.from()))),
            ("icmp_code", int(e.icmp_type_code().and_then(|i| i.code()))),
            ("icmp_type", int(e.icmp_type_code().and_then(|i| i.r#type()))),
            ("ipv6_cidr_block", Value::string(e.ipv6_cidr_block().unwrap_or_default())),
            ("protocol", Value::string(protocol_as_number(protocol))),
            ("rule_no", int(e.rule_number())),
            ("to_port", int(e.port_range().and_then(|p| p.to()))),
        ],
    )
}

fn is_default_rule(e: &NetworkAclEntry) -> bool {
    DEFAULT_RULE_NUMBERS.contains(&i64::from(e.rule_number().unwrap_or(0)))
}

fn state_of(aws: &Aws, a: &NetworkAcl, prior: &Value) -> Value {
    let s = |x: &str| Value::string(x);
    let id = a.network_acl_id().unwrap_or_default();
    let owner = a.owner_id().unwrap_or_default();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(prior, "tags"), tag_pairs(a.tags()));
    let rules = |egress: bool| {
        let items =
            a.entries().iter().filter(|e| e.egress() == Some(egress) && !is_default_rule(e)).map(rule_value).collect();
        Value::set(rule_block().implied_type(), items)
    };
    let subnets = a.associations().iter().filter_map(|x| x.subnet_id()).map(s).collect();
    object(
        &schema(),
        [
            ("arn", s(&aws.arn("network-acl", owner, id))),
            ("egress", rules(true)),
            ("id", s(id)),
            ("ingress", rules(false)),
            ("owner_id", s(owner)),
            ("subnet_ids", Value::set(Type::String, subnets)),
            ("tags", tags),
            ("tags_all", tags_all),
            ("vpc_id", s(a.vpc_id().unwrap_or_default())),
        ],
    )
}

// --- aws_network_acl_rule ---

/// Terraform's id of a rule: `nacl-` + the CRC-32 of
/// `ACL-NUMBER-EGRESS-PROTOCOL-` (the protocol as configured).
pub fn rule_id(acl: &str, rule_number: i64, egress: bool, protocol: &str) -> String {
    format!("nacl-{}", crate::route_table::crc32(format!("{acl}-{rule_number}-{egress}-{protocol}-").as_bytes()))
}

/// The plan: `egress` defaults to false; a protocol or action written
/// another way (`tcp` for `6`, `ALLOW`) keeps the stored spelling.
pub fn plan_rule(planned: &Value, config: &Value, prior: &Value) -> Value {
    let mut p = planned.clone();
    if attr(config, "egress").is_null() {
        p = with_attr(&p, "egress", Value::bool(false));
    }
    if prior.is_null() {
        return p;
    }
    if let (Some(want), Some(have)) = (str_attr(config, "protocol"), str_attr(prior, "protocol")) {
        let number = |x: &str| protocol_number(x).map(|n| n.to_string()).unwrap_or_else(|| x.to_string());
        if number(&want) == number(&have) {
            p = with_attr(&p, "protocol", Value::string(have.as_str()));
        }
    }
    if let (Some(want), Some(have)) = (str_attr(config, "rule_action"), str_attr(prior, "rule_action")) {
        if want.eq_ignore_ascii_case(&have) {
            p = with_attr(&p, "rule_action", Value::string(have.as_str()));
        }
    }
    p
}

pub fn validate_rule(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut out = Vec::new();
    let at = |name: &str| vec![PathStep::Attr(name.to_string())];
    if let Some(p) = str_attr(config, "protocol") {
        if protocol_number(&p).is_none() {
            out.push(protocol_error(at("protocol"), "protocol", &p));
        }
    }
    if let Some(a) = str_attr(config, "rule_action") {
        if a != "allow" && a != "deny" {
            out.push(action_error(at("rule_action"), "rule_action", &a));
        }
    }
    let (cidr, ipv6) = (attr(config, "cidr_block"), attr(config, "ipv6_cidr_block"));
    if cidr.is_known() && ipv6.is_known() {
        let list = "`cidr_block,ipv6_cidr_block`";
        match (cidr.is_null(), ipv6.is_null()) {
            (true, true) => out.push(
                ProviderDiagnostic::error(
                    "Invalid combination of arguments",
                    format!("\"cidr_block\": one of {list} must be specified"),
                )
                .at(at("cidr_block")),
            ),
            (false, false) => out.push(
                ProviderDiagnostic::error(
                    "Invalid combination of arguments",
                    format!("\"cidr_block\": only one of {list} can be specified, but {list} were specified."),
                )
                .at(at("cidr_block")),
            ),
            _ => {}
        }
    }
    out
}

fn rule_key(v: &Value) -> (String, bool, i64) {
    (
        str_attr(v, "network_acl_id").unwrap_or_default(),
        bool_attr(v, "egress").unwrap_or(false),
        int_attr(v, "rule_number").unwrap_or(0),
    )
}

fn rule_what(acl: &str, egress: bool, number: i64) -> String {
    format!("{WHAT} ({acl}) Rule (egress: {egress})({number})")
}

pub fn create_rule(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let protocol = str_attr(planned, "protocol").unwrap_or_default();
    let Some(number) = protocol_number(&protocol) else {
        return Err(ProviderDiagnostic::error(
            "creating EC2 Network ACL Rule",
            format!("creating EC2 Network ACL Rule: unsupported NACL protocol: {protocol}"),
        ));
    };
    let (acl, egress, rule_number) = rule_key(planned);
    // CreateNetworkAclEntry succeeds when an identical rule exists.
    let existing =
        find_entry(aws, &acl, egress, rule_number, false).map_err(|e| e.into_diag("reading EC2 Network ACL Rule"))?;
    if existing.is_some() {
        let message = format!("NetworkAclEntryAlreadyExists: {} already exists", rule_what(&acl, egress, rule_number));
        return Err(ProviderDiagnostic::error(message.clone(), message));
    }
    let entry = Entry {
        rule_number,
        protocol: number.to_string(),
        action: str_attr(planned, "rule_action").unwrap_or_default(),
        cidr: nonempty(planned, "cidr_block"),
        ipv6: nonempty(planned, "ipv6_cidr_block"),
        from: int_attr(planned, "from_port").unwrap_or(0),
        to: int_attr(planned, "to_port").unwrap_or(0),
        icmp: (number == 1 || number == 58)
            .then(|| (int_attr(planned, "icmp_type").unwrap_or(0), int_attr(planned, "icmp_code").unwrap_or(0))),
    };
    aws.retry(EVENTUAL_CONSISTENCY, |e| e.code == "InvalidNetworkAclID.NotFound", || entry.create(aws, &acl, egress))
        .map_err(|e| e.into_diag(&format!("creating {}", rule_what(&acl, egress, rule_number))))?;
    let stub = with_attr(planned, "id", Value::string(rule_id(&acl, rule_number, egress, &protocol)));
    aws.retry(
        EVENTUAL_CONSISTENCY,
        |e| e.code == "NotFound",
        || match find_rule(aws, &stub, false) {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Err(AwsError { code: "NotFound".into(), message: "rule not yet visible".into() }),
            Err(e) => Err(e),
        },
    )
    .map_err(|e| e.into_diag(&format!("reading EC2 Network ACL Rule ({})", id_of(&stub))))
}

pub fn delete_rule(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let (acl, egress, number) = rule_key(prior);
    match delete_entry(aws, &acl, egress, number) {
        Ok(()) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e.into_diag(&format!("deleting EC2 Network ACL Rule ({})", id_of(prior)))),
    }
}

fn find_entry(
    aws: &Aws,
    acl: &str,
    egress: bool,
    number: i64,
    cached: bool,
) -> Result<Option<NetworkAclEntry>, AwsError> {
    let found = if cached { cached_acl(aws, acl)? } else { describe_one(aws, acl)? };
    Ok(found.and_then(|a| {
        a.entries()
            .iter()
            .find(|e| e.egress() == Some(egress) && i64::from(e.rule_number().unwrap_or(-1)) == number)
            .cloned()
    }))
}

/// `ACL:NUMBER:PROTOCOL:EGRESS` (an import id) as a rule stub.
fn parse_import_id(id: &str) -> Result<Value, ProviderDiagnostic> {
    let bad = || {
        ProviderDiagnostic::error(
            format!("unexpected format of ID ({id}), expected NETWORK_ACL_ID:RULE_NUMBER:PROTOCOL:EGRESS"),
            "",
        )
    };
    let parts: Vec<&str> = id.split(':').collect();
    if parts.len() != 4 || parts.iter().any(|p| p.is_empty()) {
        return Err(bad());
    }
    let number: i64 = parts[1]
        .parse()
        .map_err(|_| ProviderDiagnostic::error(format!("strconv.Atoi: parsing {:?}: invalid syntax", parts[1]), ""))?;
    // Go's strconv.ParseBool.
    let egress = match parts[3] {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => true,
        "0" | "f" | "F" | "FALSE" | "false" | "False" => false,
        other => {
            return Err(ProviderDiagnostic::error(format!("strconv.ParseBool: parsing {other:?}: invalid syntax"), ""))
        }
    };
    Ok(object(
        &rule_schema(),
        [
            ("id", Value::string(rule_id(parts[0], number, egress, parts[2]))),
            ("egress", Value::bool(egress)),
            ("network_acl_id", Value::string(parts[0])),
            ("rule_number", Value::int(number)),
        ],
    ))
}

fn find_rule(aws: &Aws, current: &Value, cached: bool) -> Result<Option<Value>, AwsError> {
    let (acl, egress, number) = rule_key(current);
    let Some(e) = find_entry(aws, &acl, egress, number, cached)? else { return Ok(None) };
    // Ports and ICMP fields AWS does not return keep their prior values
    // (0 when there are none), as the provider keeps them.
    let kept = |name: &str| {
        let v = attr(current, name);
        if v.is_null() {
            Value::int(0)
        } else {
            v
        }
    };
    let int = |n: Option<i32>, name: &str| n.map(|n| Value::int(i64::from(n))).unwrap_or_else(|| kept(name));
    let (icmp_code, icmp_type) = match e.icmp_type_code() {
        Some(i) => (int(i.code(), "icmp_code"), int(i.r#type(), "icmp_type")),
        None => (kept("icmp_code"), kept("icmp_type")),
    };
    let (from, to) = match e.port_range() {
        Some(p) => (int(p.from(), "from_port"), int(p.to(), "to_port")),
        None => (kept("from_port"), kept("to_port")),
    };
    Ok(Some(object(
        &rule_schema(),
        [
            ("cidr_block", Value::string(e.cidr_block().unwrap_or_default())),
            ("egress", Value::bool(e.egress().unwrap_or(egress))),
            ("from_port", from),
            ("icmp_code", icmp_code),
            ("icmp_type", icmp_type),
            ("id", attr(current, "id")),
            ("ipv6_cidr_block", Value::string(e.ipv6_cidr_block().unwrap_or_default())),
            ("network_acl_id", Value::string(acl.as_str())),
            ("protocol", Value::string(protocol_as_number(e.protocol().unwrap_or_default()))),
            ("rule_action", Value::string(e.rule_action().map(|a| a.as_str()).unwrap_or_default())),
            ("rule_number", Value::int(i64::from(e.rule_number().unwrap_or(0)))),
            ("to_port", to),
        ],
    )))
}

/// The rule as it is now; an import stub (`acl-…:100:tcp:false`) is read
/// by what it names. A rule found by an interrupted create's planned
/// object (no id yet) gets its id from the planned protocol.
pub fn read_rule(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let mut current = if attr(current, "network_acl_id").is_null() { parse_import_id(&id)? } else { current.clone() };
    if attr(&current, "id").is_null() {
        let (acl, egress, number) = rule_key(&current);
        let protocol = str_attr(&current, "protocol").unwrap_or_default();
        current = with_attr(&current, "id", Value::string(rule_id(&acl, number, egress, &protocol)));
    }
    find_rule(aws, &current, true).map_err(|e| e.into_diag(&format!("reading EC2 Network ACL Rule ({id})")))
}

// --- aws_network_acl_association ---

fn association(id: &str, acl: &str, subnet: &str) -> Value {
    object(
        &association_schema(),
        [("id", Value::string(id)), ("network_acl_id", Value::string(acl)), ("subnet_id", Value::string(subnet))],
    )
}

pub fn create_association(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let acl = str_attr(planned, "network_acl_id").unwrap_or_default();
    let subnet = str_attr(planned, "subnet_id").unwrap_or_default();
    let Some(id) = associate(aws, &acl, &subnet, true)? else {
        return Err(AwsError { code: "NotFound".into(), message: format!("EC2 Subnet ({subnet}) not found") }
            .into_diag(&format!("reading EC2 Network ACL Association for EC2 Subnet ({subnet})")));
    };
    Ok(association(&id, &acl, &subnet))
}

/// The subnet goes back to its VPC's default ACL.
pub fn delete_association(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    let acls = describe_by(aws, "association.association-id", &id)
        .map_err(|e| e.into_diag(&format!("reading {WHAT} for Association ({id})")))?;
    // Already gone with its ACL or subnet: nothing to give back.
    let Some(vpc) = acls.values().find_map(|a| a.vpc_id().map(String::from)) else { return Ok(()) };
    let default = default_acl(aws, &vpc)?;
    match replace_association(aws, &id, &default, false) {
        Ok(_) => Ok(()),
        Err(e) if e.code == "InvalidAssociationID.NotFound" => Ok(()),
        Err(e) => Err(e.into_diag(&format!("deleting EC2 Network ACL Association ({id})"))),
    }
}

/// By the association's id; a stub without one (an interrupted create's
/// planned object) is found by its subnet, when that uses its ACL.
pub fn read_association(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let what = format!("reading EC2 Network ACL Association ({id})");
    if id.is_empty() {
        let acl = str_attr(current, "network_acl_id").unwrap_or_default();
        let subnet = str_attr(current, "subnet_id").unwrap_or_default();
        let found = subnet_association(aws, &subnet).map_err(|e| e.into_diag(&what))?;
        return Ok(found.filter(|(_, a)| *a == acl).map(|(id, _)| association(&id, &acl, &subnet)));
    }
    let acls = describe_by(aws, "association.association-id", &id).map_err(|e| e.into_diag(&what))?;
    Ok(acls
        .values()
        .flat_map(|a| a.associations())
        .find(|x| x.network_acl_association_id() == Some(id.as_str()))
        .map(|x| association(&id, x.network_acl_id().unwrap_or_default(), x.subnet_id().unwrap_or_default())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(protocol: &str, number: i64, from: i64, to: i64, cidr: &str) -> Value {
        object(
            &rule_block(),
            [
                ("action", Value::string("ALLOW")),
                ("protocol", Value::string(protocol)),
                ("rule_no", Value::int(number)),
                ("from_port", Value::int(from)),
                ("to_port", Value::int(to)),
                ("cidr_block", Value::string(cidr)),
            ],
        )
    }

    #[test]
    fn protocols_are_iana_names_or_their_numbers() {
        assert_eq!(protocol_number("tcp"), Some(6));
        assert_eq!(protocol_number("all"), Some(-1));
        assert_eq!(protocol_number("-1"), Some(-1));
        assert_eq!(protocol_number("58"), Some(58));
        assert_eq!(protocol_number("ipv6-icmp"), Some(58));
        assert_eq!(protocol_number("TCP"), None, "names are matched exactly, as the provider matches them");
        assert_eq!(protocol_number("57"), None);
        assert_eq!(protocol_number("300"), None);
        assert_eq!(protocol_number(""), None);
    }

    #[test]
    fn planned_rules_take_the_form_the_state_keeps() {
        let config = object(
            &schema(),
            [("ingress", Value::set(rule_block().implied_type(), vec![rule("tcp", 100, 80, 80, "10.0.0.0/8")]))],
        );
        let planned = plan(&config, &config, &Value::null(schema().implied_type()));
        let ingress = attr(&planned, "ingress");
        let r = &ingress.as_seq().unwrap()[0];
        assert_eq!(str_attr(r, "protocol").as_deref(), Some("6"));
        assert_eq!(str_attr(r, "action").as_deref(), Some("allow"));
        assert_eq!(str_attr(r, "ipv6_cidr_block").as_deref(), Some(""));
        assert_eq!(int_attr(r, "icmp_type"), Some(0));
        // Left out: not managed (unknown when creating, kept after).
        assert!(attr(&planned, "egress").is_unknown());
        assert!(attr(&planned, "subnet_ids").is_unknown());
        let prior = with_attr(&planned, "egress", Value::set(rule_block().implied_type(), vec![normalize_rule(r)]));
        let prior = with_attr(&prior, "subnet_ids", Value::set(Type::String, vec![Value::string("subnet-1")]));
        let again = plan(&config, &config, &prior);
        assert!(attr(&again, "egress").raw_equal(&attr(&prior, "egress")));
        assert!(attr(&again, "subnet_ids").raw_equal(&attr(&prior, "subnet_ids")));
        assert!(attr(&again, "ingress").raw_equal(&attr(&planned, "ingress")));
    }

    #[test]
    fn inline_rules_are_checked_as_the_provider_checks_them() {
        let bad = object(
            &rule_block(),
            [
                ("action", Value::string("permit")),
                ("protocol", Value::string("tcpx")),
                ("rule_no", Value::int(0)),
                ("from_port", Value::int(80)),
            ],
        );
        let config = object(&schema(), [("egress", Value::set(rule_block().implied_type(), vec![bad]))]);
        let summaries: Vec<String> = validate(&config).into_iter().map(|d| d.summary).collect();
        assert!(
            summaries.contains(&"\"egress.0.protocol\" : unsupported NACL protocol: tcpx".to_string()),
            "{summaries:?}"
        );
        assert!(
            summaries.contains(&"expected egress.0.action to be one of [\"allow\" \"deny\"], got permit".to_string())
        );
        assert!(summaries.contains(&"expected egress.0.rule_no to be in the range (1 - 32766), got 0".to_string()));
        assert!(summaries.contains(&"Missing required argument".to_string()), "to_port is missing");
        let good = object(
            &schema(),
            [("egress", Value::set(rule_block().implied_type(), vec![rule("-1", 100, 0, 0, "0.0.0.0/0")]))],
        );
        assert!(validate(&good).is_empty());
    }

    #[test]
    fn entries_read_back_as_the_rules_planned_and_awss_own_are_left_out() {
        let entry = |number: i32, protocol: &str, ports: Option<(i32, i32)>| {
            NetworkAclEntry::builder()
                .rule_number(number)
                .protocol(protocol)
                .rule_action(RuleAction::Allow)
                .egress(false)
                .cidr_block("10.0.0.0/8")
                .set_port_range(ports.map(|(f, t)| PortRange::builder().from(f).to(t).build()))
                .build()
        };
        let read = rule_value(&entry(100, "6", Some((80, 80))));
        let planned = normalize_rule(&rule("tcp", 100, 80, 80, "10.0.0.0/8"));
        assert!(read.raw_equal(&planned), "{read:?}");
        // All protocols: AWS keeps no ports, the configuration must say 0.
        let all = rule_value(&entry(200, "-1", None));
        assert!(all.raw_equal(&normalize_rule(&rule("all", 200, 0, 0, "10.0.0.0/8"))), "{all:?}");
        assert!(is_default_rule(&entry(32767, "-1", None)) && is_default_rule(&entry(32768, "-1", None)));
        assert!(!is_default_rule(&entry(32766, "-1", None)));
    }

    #[test]
    fn rule_ids_and_import_ids_are_terraforms() {
        // hashcode.String("acl-1-100-false-tcp-") in Terraform's provider.
        let id = rule_id("acl-1", 100, false, "tcp");
        assert_eq!(id, format!("nacl-{}", crate::route_table::crc32(b"acl-1-100-false-tcp-")));
        let stub = parse_import_id("acl-1:100:tcp:false").unwrap();
        assert_eq!(str_attr(&stub, "id"), Some(id));
        assert_eq!(bool_attr(&stub, "egress"), Some(false));
        assert_eq!(int_attr(&stub, "rule_number"), Some(100));
        assert!(parse_import_id("acl-1:100:tcp:TRUE").is_ok());
        let e = parse_import_id("acl-1:100:tcp").unwrap_err();
        assert_eq!(
            e.summary,
            "unexpected format of ID (acl-1:100:tcp), expected NETWORK_ACL_ID:RULE_NUMBER:PROTOCOL:EGRESS"
        );
        assert!(parse_import_id("acl-1:x:tcp:false").is_err());
        assert!(parse_import_id("acl-1:100:tcp:maybe").is_err());
    }

    #[test]
    fn a_rule_keeps_the_stored_spelling_of_an_equal_protocol_and_action() {
        let prior = object(
            &rule_schema(),
            [("protocol", Value::string("6")), ("rule_action", Value::string("allow")), ("egress", Value::bool(false))],
        );
        let config =
            object(&rule_schema(), [("protocol", Value::string("tcp")), ("rule_action", Value::string("ALLOW"))]);
        let planned = plan_rule(&config, &config, &prior);
        assert_eq!(str_attr(&planned, "protocol").as_deref(), Some("6"));
        assert_eq!(str_attr(&planned, "rule_action").as_deref(), Some("allow"));
        assert_eq!(bool_attr(&planned, "egress"), Some(false));
        let udp = with_attr(&config, "protocol", Value::string("udp"));
        assert_eq!(str_attr(&plan_rule(&udp, &udp, &prior), "protocol").as_deref(), Some("udp"));
    }

    #[test]
    fn a_rule_needs_exactly_one_cidr() {
        let none =
            object(&rule_schema(), [("protocol", Value::string("tcp")), ("rule_action", Value::string("allow"))]);
        assert_eq!(validate_rule(&none).len(), 1);
        let both = with_attr(
            &with_attr(&none, "cidr_block", Value::string("10.0.0.0/8")),
            "ipv6_cidr_block",
            Value::string("::/0"),
        );
        assert_eq!(validate_rule(&both).len(), 1);
        let one = with_attr(&none, "cidr_block", Value::string("10.0.0.0/8"));
        assert!(validate_rule(&one).is_empty());
        let bad =
            with_attr(&with_attr(&one, "protocol", Value::string("bogus")), "rule_action", Value::string("ALLOW"));
        assert_eq!(validate_rule(&bad).len(), 2, "enum validation of rule_action is case-sensitive");
    }
}
