//! `aws_default_network_acl`: a VPC's default network ACL, adopted as
//! hashicorp/aws 6.x adopts it. "Create" finds the ACL by its id (it must
//! be a default one), deletes every entry but AWS's own catch-all denies
//! (rules 32767 and 32768), then creates the configured `ingress`/`egress`
//! entries, associates the configured subnets and sets the tags. Entries
//! are optional but not computed: none configured means none kept.
//! Subnets cannot leave the default ACL (only join another), so a subnet
//! left out of `subnet_ids` stays a planned change until it moves.
//! "Destroy" only forgets the ACL, with the provider's warning.
//!
//! Self-contained on purpose: `aws_network_acl` comes separately, and the
//! entry code can be shared with it once both are in.

use crate::client::{aws_error, Aws, AwsError};
use crate::util::{attr, nonempty, object, str_attr, strings_of, with_attr};
use crate::vpc::{filter, tag_pairs, update_tags};
use crate::{id_of, tags};
use aws_sdk_ec2::types::{IcmpTypeCode, NetworkAcl, NetworkAclEntry, PortRange, RuleAction};
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, ProviderDiagnostic};

/// AWS's catch-all deny entries, which no one can change.
const CATCH_ALL: [i32; 2] = [32767, 32768];

fn entry_block() -> Block {
    let s = || Attribute::optional(Type::String);
    let n = || Attribute::optional(Type::Number);
    Block {
        attributes: BTreeMap::from([
            ("action".to_string(), Attribute::required(Type::String)),
            ("cidr_block".to_string(), s()),
            ("from_port".to_string(), Attribute::required(Type::Number)),
            ("icmp_code".to_string(), n()),
            ("icmp_type".to_string(), n()),
            ("ipv6_cidr_block".to_string(), s()),
            ("protocol".to_string(), Attribute::required(Type::String)),
            ("rule_no".to_string(), Attribute::required(Type::Number)),
            ("to_port".to_string(), Attribute::required(Type::Number)),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn schema() -> Block {
    let c = || Attribute::computed(Type::String);
    let entries = || Attribute::optional(Type::set(entry_block().implied_type()));
    Block {
        attributes: BTreeMap::from([
            ("arn".to_string(), c()),
            ("default_network_acl_id".to_string(), Attribute::required(Type::String).force_new()),
            ("egress".to_string(), entries()),
            ("id".to_string(), c()),
            ("ingress".to_string(), entries()),
            ("owner_id".to_string(), c()),
            ("subnet_ids".to_string(), Attribute::optional(Type::set(Type::String))),
            ("tags".to_string(), Attribute::optional(Type::map(Type::String))),
            ("tags_all".to_string(), Attribute::optional_computed(Type::map(Type::String))),
            ("vpc_id".to_string(), c()),
        ]),
        blocks: BTreeMap::new(),
    }
}

/// AWS speaks protocol numbers only, and the state keeps them: names
/// become their numbers (`all` is `-1`).
fn protocol_number(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "all" | "-1" => "-1".into(),
        "icmp" => "1".into(),
        "tcp" => "6".into(),
        "udp" => "17".into(),
        "icmpv6" | "ipv6-icmp" => "58".into(),
        other => other.to_string(),
    }
}

fn int_attr(v: &Value, name: &str) -> i64 {
    attr(v, name).unmark_deep().0.as_number().and_then(|n| n.to_i64()).unwrap_or(0)
}

/// One entry as the state keeps it (every field set).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    rule_no: i64,
    action: String,
    protocol: String,
    cidr_block: String,
    ipv6_cidr_block: String,
    from_port: i64,
    to_port: i64,
    icmp_type: i64,
    icmp_code: i64,
}

impl Entry {
    fn from_value(v: &Value) -> Entry {
        Entry {
            rule_no: int_attr(v, "rule_no"),
            action: str_attr(v, "action").unwrap_or_default().to_ascii_lowercase(),
            protocol: protocol_number(&str_attr(v, "protocol").unwrap_or_default()),
            cidr_block: str_attr(v, "cidr_block").unwrap_or_default(),
            ipv6_cidr_block: str_attr(v, "ipv6_cidr_block").unwrap_or_default(),
            from_port: int_attr(v, "from_port"),
            to_port: int_attr(v, "to_port"),
            icmp_type: int_attr(v, "icmp_type"),
            icmp_code: int_attr(v, "icmp_code"),
        }
    }

    fn from_aws(e: &NetworkAclEntry) -> Entry {
        let ports = e.port_range();
        let icmp = e.icmp_type_code();
        Entry {
            rule_no: i64::from(e.rule_number().unwrap_or(0)),
            action: e.rule_action().map(|a| a.as_str().to_ascii_lowercase()).unwrap_or_default(),
            protocol: protocol_number(e.protocol().unwrap_or("-1")),
            cidr_block: e.cidr_block().unwrap_or_default().to_string(),
            ipv6_cidr_block: e.ipv6_cidr_block().unwrap_or_default().to_string(),
            from_port: i64::from(ports.and_then(|p| p.from()).unwrap_or(0)),
            to_port: i64::from(ports.and_then(|p| p.to()).unwrap_or(0)),
            icmp_type: i64::from(icmp.and_then(|i| i.r#type()).unwrap_or(0)),
            icmp_code: i64::from(icmp.and_then(|i| i.code()).unwrap_or(0)),
        }
    }

    fn value(&self) -> Value {
        object(
            &entry_block(),
            [
                ("action", Value::string(self.action.as_str())),
                ("cidr_block", Value::string(self.cidr_block.as_str())),
                ("from_port", Value::int(self.from_port)),
                ("icmp_code", Value::int(self.icmp_code)),
                ("icmp_type", Value::int(self.icmp_type)),
                ("ipv6_cidr_block", Value::string(self.ipv6_cidr_block.as_str())),
                ("protocol", Value::string(self.protocol.as_str())),
                ("rule_no", Value::int(self.rule_no)),
                ("to_port", Value::int(self.to_port)),
            ],
        )
    }
}

fn entries_of(v: &Value, dir: &str) -> Vec<Entry> {
    let entries = attr(v, dir).unmark_deep().0;
    entries.as_seq().unwrap_or_default().iter().filter(|e| e.is_wholly_known()).map(Entry::from_value).collect()
}

/// The plan's entries in the state's form (protocol numbers, lower-case
/// actions, unset fields "" or 0); unknown entries stay unknown.
pub fn plan(planned: &Value, _config: &Value, _prior: &Value) -> Value {
    let mut p = planned.clone();
    for dir in ["ingress", "egress"] {
        let entries = attr(&p, dir);
        if entries.is_null() || !entries.is_known() {
            continue;
        }
        let entries = entries.unmark_deep().0;
        let items = entries
            .as_seq()
            .unwrap_or_default()
            .iter()
            .map(|e| if e.is_wholly_known() { Entry::from_value(e).value() } else { e.clone() })
            .collect();
        p = with_attr(&p, dir, Value::set(entry_block().implied_type(), items));
    }
    p
}

fn describe(aws: &Aws, id: &str) -> Result<Option<NetworkAcl>, AwsError> {
    aws.log_call("ec2:DescribeNetworkAcls");
    let out = match aws.block(aws.ec2.describe_network_acls().network_acl_ids(id).send()).map_err(aws_error) {
        Ok(out) => out,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(out.network_acls().iter().find(|a| a.network_acl_id() == Some(id)).cloned())
}

fn delete_entry(aws: &Aws, id: &str, egress: bool, rule_no: i64) -> Result<(), ProviderDiagnostic> {
    aws.log_call("ec2:DeleteNetworkAclEntry");
    let r = aws
        .block(aws.ec2.delete_network_acl_entry().network_acl_id(id).egress(egress).rule_number(rule_no as i32).send());
    match r.map_err(aws_error) {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e.into_diag(&format!("deleting EC2 Network ACL ({id}) Rule (egress: {egress})({rule_no})"))),
    }
}

fn create_entry(aws: &Aws, id: &str, egress: bool, e: &Entry) -> Result<(), ProviderDiagnostic> {
    let mut req = aws
        .ec2
        .create_network_acl_entry()
        .network_acl_id(id)
        .egress(egress)
        .rule_number(e.rule_no as i32)
        .protocol(&e.protocol)
        .rule_action(RuleAction::from(e.action.as_str()))
        .set_cidr_block((!e.cidr_block.is_empty()).then(|| e.cidr_block.clone()))
        .set_ipv6_cidr_block((!e.ipv6_cidr_block.is_empty()).then(|| e.ipv6_cidr_block.clone()));
    if e.protocol != "-1" {
        req = req.port_range(PortRange::builder().from(e.from_port as i32).to(e.to_port as i32).build());
    }
    if e.protocol == "1" || e.protocol == "58" {
        req = req.icmp_type_code(IcmpTypeCode::builder().r#type(e.icmp_type as i32).code(e.icmp_code as i32).build());
    }
    aws.log_call("ec2:CreateNetworkAclEntry");
    aws.block(req.send()).map(|_| ()).map_err(|err| {
        aws_error(err).into_diag(&format!("creating EC2 Network ACL ({id}) Rule (egress: {egress})({})", e.rule_no))
    })
}

/// Entries from `old` to `new`: the ones gone first, then the new ones.
fn update_entries(aws: &Aws, id: &str, old: &Value, new: &Value) -> Result<(), ProviderDiagnostic> {
    for (dir, egress) in [("ingress", false), ("egress", true)] {
        let before = entries_of(old, dir);
        let after = entries_of(new, dir);
        for e in before.iter().filter(|e| !after.contains(e)) {
            delete_entry(aws, id, egress, e.rule_no)?;
        }
        for e in after.iter().filter(|e| !before.contains(e)) {
            create_entry(aws, id, egress, e)?;
        }
    }
    Ok(())
}

/// Moves the subnets of `planned` that are elsewhere to this ACL.
fn associate_subnets(aws: &Aws, id: &str, planned: &Value) -> Result<(), ProviderDiagnostic> {
    let wanted = strings_of(&attr(planned, "subnet_ids"));
    for subnet in wanted {
        aws.log_call("ec2:DescribeNetworkAcls");
        let out = aws
            .block(aws.ec2.describe_network_acls().filters(filter("association.subnet-id", &subnet)).send())
            .map_err(|e| aws_error(e).into_diag(&format!("reading EC2 Network ACL for subnet ({subnet})")))?;
        let current = out
            .network_acls()
            .iter()
            .flat_map(|a| a.associations())
            .find(|a| a.subnet_id() == Some(subnet.as_str()) && a.network_acl_id() != Some(id));
        if let Some(assoc) = current.and_then(|a| a.network_acl_association_id()) {
            aws.log_call("ec2:ReplaceNetworkAclAssociation");
            aws.block(aws.ec2.replace_network_acl_association().association_id(assoc).network_acl_id(id).send())
                .map_err(|e| {
                    aws_error(e)
                        .into_diag(&format!("replacing EC2 Network ACL ({id}) Association for subnet ({subnet})"))
                })?;
        }
    }
    Ok(())
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = str_attr(planned, "default_network_acl_id").unwrap_or_default();
    let what = format!("reading EC2 Network ACL ({id})");
    let Some(acl) = describe(aws, &id).map_err(|e| e.into_diag(&what))? else {
        return Err(ProviderDiagnostic::error(
            format!("{what}: couldn't find resource"),
            format!("{what}: couldn't find resource: no network ACL {id}"),
        ));
    };
    if acl.is_default() != Some(true) {
        return Err(ProviderDiagnostic::error(
            "use the `aws_network_acl` resource instead",
            format!("{id} is not a default network ACL: use the `aws_network_acl` resource instead"),
        ));
    }
    // Adopting removes every entry but AWS's catch-all denies.
    for e in acl.entries() {
        let rule = e.rule_number().unwrap_or(0);
        if !CATCH_ALL.contains(&rule) {
            delete_entry(aws, &id, e.egress() == Some(true), i64::from(rule))?;
        }
    }
    let planned = with_attr(planned, "id", Value::string(id.as_str()));
    update_entries(aws, &id, &Value::dynamic_null(), &planned)?;
    associate_subnets(aws, &id, &planned)?;
    let (_, found_tags) =
        tags::read_tags(&aws.default_tags, &Value::null(Type::map(Type::String)), tag_pairs(acl.tags()));
    update_tags(aws, &id, &with_attr(&planned, "tags_all", found_tags), &planned)?;
    read_after_write(aws, &planned)
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(prior);
    update_entries(aws, &id, prior, planned)?;
    // Subnets left out cannot leave the default ACL; new ones join it.
    associate_subnets(aws, &id, planned)?;
    update_tags(aws, &id, prior, planned)?;
    read_after_write(aws, planned)
}

pub fn destroy_warning(prior: &Value) -> ProviderDiagnostic {
    let id = id_of(prior);
    ProviderDiagnostic::warning(
        format!("EC2 Default Network ACL ({id}) not deleted, removing from state"),
        format!("EC2 Default Network ACL ({id}) not deleted, removing from state"),
    )
}

fn read_after_write(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(planned);
    read(aws, planned)?.ok_or_else(|| {
        ProviderDiagnostic::error(
            "EC2 Default Network ACL not found after change",
            format!("The network ACL {id} was not found right after it was adopted or changed."),
        )
    })
}

/// The ACL as it is now; `None` when it no longer exists.
pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let Some(acl) = describe(aws, &id).map_err(|e| e.into_diag(&format!("reading EC2 Network ACL ({id})")))? else {
        return Ok(None);
    };
    let s = |x: &str| Value::string(x);
    let owner = acl.owner_id().unwrap_or_default();
    let entries = |egress: bool| {
        let mut items: Vec<Entry> = acl
            .entries()
            .iter()
            .filter(|e| (e.egress() == Some(true)) == egress && !CATCH_ALL.contains(&e.rule_number().unwrap_or(0)))
            .map(Entry::from_aws)
            .collect();
        items.sort();
        Value::set(entry_block().implied_type(), items.iter().map(Entry::value).collect())
    };
    let subnets: Vec<Value> = acl.associations().iter().filter_map(|a| a.subnet_id()).map(s).collect();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), tag_pairs(acl.tags()));
    Ok(Some(object(
        &schema(),
        [
            ("arn", s(&aws.arn("network-acl", owner, &id))),
            ("default_network_acl_id", s(&id)),
            ("egress", entries(true)),
            ("id", s(&id)),
            ("ingress", entries(false)),
            ("owner_id", s(owner)),
            ("subnet_ids", Value::set(Type::String, subnets)),
            ("tags", tags),
            ("tags_all", tags_all),
            ("vpc_id", s(acl.vpc_id().unwrap_or_default())),
        ],
    )))
}

/// The ACL an interrupted adoption was adopting: the one the plan names.
pub fn find(planned: &Value) -> Option<Value> {
    nonempty(planned, "default_network_acl_id").map(|id| with_attr(planned, "id", Value::string(id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planned_entries_take_the_form_aws_reads_back() {
        let rule = object(
            &entry_block(),
            [
                ("rule_no", Value::int(100)),
                ("action", Value::string("ALLOW")),
                ("protocol", Value::string("tcp")),
                ("from_port", Value::int(443)),
                ("to_port", Value::int(443)),
                ("cidr_block", Value::string("10.0.0.0/8")),
            ],
        );
        let config = object(&schema(), [("ingress", Value::set(entry_block().implied_type(), vec![rule]))]);
        let planned = plan(&config, &config, &Value::null(schema().implied_type()));
        let aws = NetworkAclEntry::builder()
            .rule_number(100)
            .rule_action(RuleAction::Allow)
            .protocol("6")
            .egress(false)
            .cidr_block("10.0.0.0/8")
            .port_range(PortRange::builder().from(443).to(443).build())
            .build();
        let read = Value::set(entry_block().implied_type(), vec![Entry::from_aws(&aws).value()]);
        assert!(attr(&planned, "ingress").raw_equal(&read), "{planned:?}");
        assert!(attr(&planned, "egress").is_null());
    }
}
