//! `aws_vpc_endpoint` (Gateway and Interface endpoints, as hashicorp/aws
//! 6.x models them) and data `aws_vpc_endpoint_service`.
//!
//! The endpoint's service, type, VPC and region force a new endpoint;
//! route tables, subnets, security groups, the policy, private DNS, DNS
//! options and the IP address type change in place (ModifyVpcEndpoint).
//! Creates, updates and deletes wait for the endpoint's state, bounded by
//! the resource's `timeouts` (10 minutes each by default). The policy is
//! compared by IAM policy equivalence (`iam_policy`) and stored normalized,
//! as the provider's `SecondJSONUnlessEquivalent` + `NormalizeJsonString`
//! leave it. `dns_options` and `subnet_configuration` are optional and
//! computed blocks: left out, they keep what AWS reports. `cidr_blocks` and
//! `prefix_list_id` come from the service's AWS-managed prefix list (Gateway
//! services); `subnet_configuration` is read from the endpoint's network
//! interfaces.

use crate::client::{aws_error, Aws, AwsError, EVENTUAL_CONSISTENCY};
use crate::iam_policy;
use crate::util::{attr, bool_attr, map_of, nonempty, object, str_attr, strings_of, with_attr};
use crate::vpc::{filter, tag_pairs, tag_spec, update_tags};
use crate::{id_of, tags};
use aws_sdk_ec2::types::{
    DnsOptionsSpecification, DnsRecordIpType, Filter, IpAddressType, ResourceType, SubnetConfiguration, VpcEndpoint,
    VpcEndpointType,
};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, AttributePath, Block, NestedBlock, Nesting, PathStep, ProviderDiagnostic};

const WHAT: &str = "EC2 VPC Endpoint";

fn strings_set() -> Type {
    Type::set(Type::String)
}

fn dns_entry_type() -> Type {
    Type::object(BTreeMap::from([("dns_name".to_string(), Type::String), ("hosted_zone_id".to_string(), Type::String)]))
}

fn dns_options_block() -> NestedBlock {
    NestedBlock {
        nesting: Nesting::List,
        block: Block {
            attributes: BTreeMap::from([
                ("dns_record_ip_type".to_string(), Attribute::optional_computed(Type::String)),
                ("private_dns_only_for_inbound_resolver_endpoint".to_string(), Attribute::optional(Type::Bool)),
                ("private_dns_preference".to_string(), Attribute::optional_computed(Type::String).force_new()),
                ("private_dns_specified_domains".to_string(), Attribute::optional_computed(strings_set()).force_new()),
            ]),
            blocks: BTreeMap::new(),
        },
        min_items: 0,
        max_items: 1,
    }
}

fn subnet_configuration_block() -> NestedBlock {
    let o = || Attribute::optional(Type::String);
    NestedBlock {
        nesting: Nesting::Set,
        block: Block {
            attributes: BTreeMap::from([
                ("ipv4".to_string(), o()),
                ("ipv6".to_string(), o()),
                ("subnet_id".to_string(), o()),
            ]),
            blocks: BTreeMap::new(),
        },
        min_items: 0,
        max_items: 0,
    }
}

pub fn schema() -> Block {
    let c = || Attribute::computed(Type::String);
    let oc_set = || Attribute::optional_computed(strings_set());
    let f = || Attribute::optional(Type::String).force_new();
    Block {
        attributes: BTreeMap::from([
            ("arn".to_string(), c()),
            ("auto_accept".to_string(), Attribute::optional(Type::Bool)),
            ("cidr_blocks".to_string(), Attribute::computed(Type::list(Type::String))),
            ("dns_entry".to_string(), Attribute::computed(Type::list(dns_entry_type()))),
            ("id".to_string(), c()),
            ("ip_address_type".to_string(), Attribute::optional_computed(Type::String)),
            ("network_interface_ids".to_string(), Attribute::computed(strings_set())),
            ("owner_id".to_string(), c()),
            ("policy".to_string(), Attribute::optional_computed(Type::String)),
            ("prefix_list_id".to_string(), c()),
            ("private_dns_enabled".to_string(), Attribute::optional_computed(Type::Bool)),
            ("requester_managed".to_string(), Attribute::computed(Type::Bool)),
            ("resource_configuration_arn".to_string(), f()),
            ("route_table_ids".to_string(), oc_set()),
            ("security_group_ids".to_string(), oc_set()),
            ("service_name".to_string(), f()),
            ("service_network_arn".to_string(), f()),
            ("service_region".to_string(), Attribute::optional_computed(Type::String).force_new()),
            ("state".to_string(), c()),
            ("subnet_ids".to_string(), oc_set()),
            ("tags".to_string(), Attribute::optional(Type::map(Type::String))),
            ("tags_all".to_string(), Attribute::optional_computed(Type::map(Type::String))),
            ("vpc_endpoint_type".to_string(), Attribute::optional(Type::String).force_new()),
            ("vpc_id".to_string(), Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::from([
            ("dns_options".to_string(), dns_options_block()),
            ("subnet_configuration".to_string(), subnet_configuration_block()),
        ]),
    }
}

fn is_empty_blocks(v: &Value) -> bool {
    v.is_null() || (v.is_known() && v.length() == Some(0))
}

/// The plan's additions (defaults are `lib::defaults`): an equivalent
/// policy keeps the stored text; computed blocks left out keep what was
/// read; new subnets make the network interfaces unknown; private DNS
/// changes on a non-Interface endpoint replace it, as the provider's
/// CustomizeDiff does.
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
    let mut p = zero_values_in_blocks(planned, prior);
    let mut replace = Vec::new();
    if prior.is_null() {
        return (p, replace);
    }
    let (before, after) = (attr(prior, "policy"), attr(config, "policy"));
    if let (Some(b), Some(a)) = (before.as_str(), after.as_str()) {
        if before.is_known() && after.is_known() && iam_policy::equivalent(b, a) {
            p = with_attr(&p, "policy", before.clone());
        }
    }
    for block in ["dns_options", "subnet_configuration"] {
        if is_empty_blocks(&attr(config, block)) {
            p = with_attr(&p, block, attr(prior, block));
        }
    }
    let changed = |p: &Value, name: &str| !attr(prior, name).raw_equal(&attr(p, name));
    if changed(&p, "subnet_ids") || changed(&p, "subnet_configuration") {
        p = with_attr(&p, "network_interface_ids", Value::unknown(strings_set()));
    }
    let interface = str_attr(&p, "vpc_endpoint_type").is_some_and(|t| t.eq_ignore_ascii_case("Interface"));
    if changed(&p, "private_dns_enabled") && !interface {
        replace.push(vec![PathStep::Attr("private_dns_enabled".into())]);
    }
    // The IP address type is compared case-insensitively.
    if let (Some(b), Some(a)) = (str_attr(prior, "ip_address_type"), str_attr(config, "ip_address_type")) {
        if b.eq_ignore_ascii_case(&a) {
            p = with_attr(&p, "ip_address_type", Value::string(b.as_str()));
        }
    }
    (p, replace)
}

/// The legacy SDK's view of the blocks' unset arguments: a subnet
/// configuration's unset address is "", the inbound-resolver option false;
/// the DNS options' optional and computed arguments keep what was read
/// (unknown when creating).
fn zero_values_in_blocks(planned: &Value, prior: &Value) -> Value {
    let mut p = planned.clone();
    let block = schema();
    let sc = &block.blocks["subnet_configuration"].block;
    let configs = attr(planned, "subnet_configuration");
    if configs.is_wholly_known() && !configs.is_null() {
        let items = configs
            .as_seq()
            .unwrap_or_default()
            .iter()
            .map(|c| {
                let mut c = c.clone();
                for name in ["ipv4", "ipv6", "subnet_id"] {
                    if attr(&c, name).is_null() {
                        c = with_attr(&c, name, Value::string(""));
                    }
                }
                c
            })
            .collect();
        p = with_attr(&p, "subnet_configuration", Value::set(sc.implied_type(), items));
    }
    let dns = &block.blocks["dns_options"].block;
    let options = attr(planned, "dns_options");
    let read = attr(prior, "dns_options").as_seq().and_then(|s| s.first().cloned());
    if options.is_known() && !options.is_null() {
        let items = options
            .as_seq()
            .unwrap_or_default()
            .iter()
            .map(|o| {
                let mut o = o.clone();
                if attr(&o, "private_dns_only_for_inbound_resolver_endpoint").is_null() {
                    o = with_attr(&o, "private_dns_only_for_inbound_resolver_endpoint", Value::bool(false));
                }
                for (name, a) in dns.attributes.iter().filter(|(_, a)| a.computed) {
                    if attr(&o, name).is_null() {
                        let kept = read.as_ref().map(|r| attr(r, name)).unwrap_or_else(|| Value::unknown(a.ty.clone()));
                        o = with_attr(&o, name, kept);
                    }
                }
                o
            })
            .collect();
        p = with_attr(&p, "dns_options", Value::list(dns.implied_type(), items));
    }
    p
}

/// The policy's JSON and the enums' values, as the provider validates them.
pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    let policy = attr(config, "policy");
    if policy.is_known() && !policy.is_null() {
        let text = str_attr(config, "policy").unwrap_or_default();
        // An empty policy means "the default": the provider accepts it.
        if !text.is_empty() {
            if let Some(reason) = iam_policy::invalid_reason(&text) {
                let m = format!("\"policy\" contains an invalid JSON policy: {reason}");
                diags.push(ProviderDiagnostic::error(m.clone(), m).at(vec![PathStep::Attr("policy".into())]));
            }
        }
    }
    let one_of = |name: &str, allowed: &[&str], diags: &mut Vec<ProviderDiagnostic>| {
        let v = attr(config, name);
        if !v.is_known() || v.is_null() {
            return;
        }
        let got = str_attr(config, name).unwrap_or_default();
        if !allowed.contains(&got.as_str()) {
            diags.push(
                ProviderDiagnostic::error(
                    "Invalid value",
                    format!("expected {name} to be one of [{}], got {got}", allowed.join(" ")),
                )
                .at(vec![PathStep::Attr(name.into())]),
            );
        }
    };
    one_of(
        "vpc_endpoint_type",
        &["Interface", "Gateway", "GatewayLoadBalancer", "Resource", "ServiceNetwork"],
        &mut diags,
    );
    let conflicts = ["service_name", "resource_configuration_arn", "service_network_arn"];
    let set: Vec<&str> = conflicts.iter().copied().filter(|n| crate::util::is_set(&attr(config, n))).collect();
    if set.len() > 1 {
        diags.push(
            ProviderDiagnostic::error(
                "Conflicting configuration arguments",
                format!("\"{}\": conflicts with {}", set[0], set[1]),
            )
            .at(vec![PathStep::Attr(set[0].into())]),
        );
    }
    diags
}

fn set_of(v: &Value) -> BTreeSet<String> {
    strings_of(v).into_iter().collect()
}

fn dns_options_of(planned: &Value, s3_interface: bool) -> Option<DnsOptionsSpecification> {
    let block = attr(planned, "dns_options").unmark_deep().0;
    let o = block.as_seq().and_then(|s| s.first().cloned())?;
    let mut spec = DnsOptionsSpecification::builder();
    if let Some(t) = nonempty(&o, "dns_record_ip_type") {
        spec = spec.dns_record_ip_type(DnsRecordIpType::from(t.as_str()));
    }
    // Only services with both endpoint types (S3) take this option.
    if s3_interface {
        if let Some(b) = bool_attr(&o, "private_dns_only_for_inbound_resolver_endpoint") {
            spec = spec.private_dns_only_for_inbound_resolver_endpoint(b);
        }
    } else {
        if let Some(p) = nonempty(&o, "private_dns_preference") {
            spec = spec.private_dns_preference(p);
        }
        let domains = strings_of(&attr(&o, "private_dns_specified_domains"));
        if !domains.is_empty() {
            spec = spec.set_private_dns_specified_domains(Some(domains));
        }
    }
    Some(spec.build())
}

/// `com.amazonaws.REGION.s3` as an Interface endpoint.
fn is_s3_interface(planned: &Value) -> bool {
    let name = str_attr(planned, "service_name").unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    let s3 = parts.len() == 4 && parts[0] == "com" && parts[1] == "amazonaws" && parts[3] == "s3";
    s3 && str_attr(planned, "vpc_endpoint_type").as_deref() == Some("Interface")
}

fn subnet_configurations(planned: &Value) -> Vec<SubnetConfiguration> {
    let v = attr(planned, "subnet_configuration").unmark_deep().0;
    v.as_seq()
        .unwrap_or_default()
        .iter()
        .map(|c| {
            SubnetConfiguration::builder()
                .set_ipv4(nonempty(c, "ipv4"))
                .set_ipv6(nonempty(c, "ipv6"))
                .set_subnet_id(nonempty(c, "subnet_id"))
                .build()
        })
        .collect()
}

fn nonempty_vec(v: Vec<String>) -> Option<Vec<String>> {
    (!v.is_empty()).then_some(v)
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let service = str_attr(planned, "service_name").unwrap_or_default();
    let kind = str_attr(planned, "vpc_endpoint_type").unwrap_or_else(|| "Gateway".into());
    let policy = nonempty(planned, "policy").map(|p| iam_policy::normalize(&p));
    let mut req = aws
        .ec2
        .create_vpc_endpoint()
        .client_token(format!("strata-{}", crate::util::jitter_ms(u64::MAX)))
        .private_dns_enabled(bool_attr(planned, "private_dns_enabled").unwrap_or(false))
        .vpc_endpoint_type(VpcEndpointType::from(kind.as_str()))
        .vpc_id(str_attr(planned, "vpc_id").unwrap_or_default())
        .set_service_name(nonempty(planned, "service_name"))
        .set_policy_document(policy)
        .set_resource_configuration_arn(nonempty(planned, "resource_configuration_arn"))
        .set_service_network_arn(nonempty(planned, "service_network_arn"))
        .set_service_region(nonempty(planned, "service_region"))
        .set_route_table_ids(nonempty_vec(strings_of(&attr(planned, "route_table_ids"))))
        .set_security_group_ids(nonempty_vec(strings_of(&attr(planned, "security_group_ids"))))
        .set_subnet_ids(nonempty_vec(strings_of(&attr(planned, "subnet_ids"))))
        .set_dns_options(dns_options_of(planned, is_s3_interface(planned)))
        .set_tag_specifications(
            tag_spec(ResourceType::VpcEndpoint, &map_of(&attr(planned, "tags_all"))).map(|t| vec![t]),
        );
    let configs = subnet_configurations(planned);
    if !configs.is_empty() {
        req = req.set_subnet_configurations(Some(configs));
    }
    if let Some(t) = nonempty(planned, "ip_address_type") {
        req = req.ip_address_type(IpAddressType::from(t.as_str()));
    }
    aws.log_call("ec2:CreateVpcEndpoint");
    let out = aws
        .retry(
            EVENTUAL_CONSISTENCY,
            |e| e.code == "InvalidVpcID.NotFound" || e.code == "InvalidRouteTableId.NotFound",
            || aws.block(req.clone().send()).map_err(aws_error),
        )
        .map_err(|e| e.into_diag(&format!("creating {WHAT} ({service})")))?;
    let created = out.vpc_endpoint();
    let id = created.and_then(|e| e.vpc_endpoint_id()).unwrap_or_default().to_string();
    let stub = with_attr(planned, "id", Value::string(id.as_str()));
    let pending_acceptance =
        created.and_then(|e| e.state()).is_some_and(|s| s.as_str().eq_ignore_ascii_case("pendingAcceptance"));
    if bool_attr(planned, "auto_accept") == Some(true) && pending_acceptance {
        accept(aws, &id, &service)?;
    }
    wait_available(aws, &id, "create")?;
    read_after_write(aws, &stub)
}

/// Accepts the endpoint's connection to a service of this account.
fn accept(aws: &Aws, id: &str, service: &str) -> Result<(), ProviderDiagnostic> {
    aws.log_call("ec2:DescribeVpcEndpointServiceConfigurations");
    let out = aws
        .block(aws.ec2.describe_vpc_endpoint_service_configurations().filters(filter("service-name", service)).send())
        .map_err(|e| aws_error(e).into_diag(&format!("reading EC2 VPC Endpoint Service Configuration ({service})")))?;
    let Some(service_id) = out.service_configurations().first().and_then(|c| c.service_id()) else {
        return Err(ProviderDiagnostic::error(
            format!("reading EC2 VPC Endpoint Service Configuration ({service})"),
            format!("no EC2 VPC Endpoint Service Configuration named {service} in this account"),
        ));
    };
    aws.log_call("ec2:AcceptVpcEndpointConnections");
    aws.block(aws.ec2.accept_vpc_endpoint_connections().service_id(service_id).vpc_endpoint_ids(id).send())
        .map_err(|e| aws_error(e).into_diag(&format!("accepting {WHAT} ({id}) connection")))?;
    Ok(())
}

/// Waits while the endpoint is `pending` (the provider's targets:
/// `available` or `pendingAcceptance`), within the operation's timeout.
fn wait_available(aws: &Aws, id: &str, op: &str) -> Result<(), ProviderDiagnostic> {
    let limit = aws.time_left().unwrap_or(Duration::from_secs(600));
    aws.retry(
        limit,
        |e| e.code == "Pending" || e.code == "NotFound",
        || match describe(aws, id) {
            Ok(Some(e)) => match e.state().map(|s| s.as_str().to_ascii_lowercase()) {
                Some(s) if s == "pending" => {
                    Err(AwsError { code: "Pending".into(), message: format!("{id} is pending") })
                }
                Some(s) if s == "failed" => {
                    let why = e
                        .last_error()
                        .map(|l| format!("{}: {}", l.code().unwrap_or_default(), l.message().unwrap_or_default()));
                    Err(AwsError { code: "Failed".into(), message: why.unwrap_or_else(|| "failed".into()) })
                }
                _ => Ok(()),
            },
            Ok(None) => Err(AwsError { code: "NotFound".into(), message: format!("{id} not yet visible") }),
            Err(e) => Err(e),
        },
    )
    .map_err(|e| e.into_diag(&format!("waiting for {WHAT} ({id}) {op}")))
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(prior);
    let changed = |name: &str| !attr(prior, name).raw_equal(&attr(planned, name));
    let service = str_attr(planned, "service_name").unwrap_or_default();
    let state = str_attr(prior, "state").unwrap_or_default();
    if changed("auto_accept")
        && bool_attr(planned, "auto_accept") == Some(true)
        && state.eq_ignore_ascii_case("pendingAcceptance")
    {
        accept(aws, &id, &service)?;
    }
    let modified = [
        "dns_options",
        "ip_address_type",
        "policy",
        "private_dns_enabled",
        "security_group_ids",
        "route_table_ids",
        "subnet_configuration",
        "subnet_ids",
    ];
    if modified.iter().any(|n| changed(n)) {
        let mut req = aws.ec2.modify_vpc_endpoint().vpc_endpoint_id(&id);
        let s3 = is_s3_interface(planned);
        if changed("dns_options") {
            req = req.set_dns_options(dns_options_of(planned, s3));
        }
        if changed("ip_address_type") {
            req =
                req.set_ip_address_type(nonempty(planned, "ip_address_type").map(|t| IpAddressType::from(t.as_str())));
        }
        if changed("private_dns_enabled") {
            let enabled = bool_attr(planned, "private_dns_enabled").unwrap_or(false);
            req = req.private_dns_enabled(enabled);
            // Turning private DNS on sends the DNS options with it.
            if enabled {
                req = req.set_dns_options(dns_options_of(planned, s3));
            }
        }
        for name in ["route_table_ids", "security_group_ids", "subnet_ids"] {
            if !changed(name) {
                continue;
            }
            let (old, new) = (set_of(&attr(prior, name)), set_of(&attr(planned, name)));
            let added = nonempty_vec(new.difference(&old).cloned().collect());
            let removed = nonempty_vec(old.difference(&new).cloned().collect());
            req = match name {
                "route_table_ids" => req.set_add_route_table_ids(added).set_remove_route_table_ids(removed),
                "security_group_ids" => req.set_add_security_group_ids(added).set_remove_security_group_ids(removed),
                _ => req.set_add_subnet_ids(added).set_remove_subnet_ids(removed),
            };
        }
        if changed("policy") {
            let (old, new) =
                (str_attr(prior, "policy").unwrap_or_default(), str_attr(planned, "policy").unwrap_or_default());
            if !iam_policy::equivalent(&old, &new) {
                let normalized = iam_policy::normalize(&new);
                req = if normalized.is_empty() { req.reset_policy(true) } else { req.policy_document(normalized) };
            }
        }
        if changed("subnet_configuration") {
            let configs = subnet_configurations(planned);
            if !configs.is_empty() {
                req = req.set_subnet_configurations(Some(configs));
            }
        }
        aws.log_call("ec2:ModifyVpcEndpoint");
        aws.block(req.send()).map_err(|e| aws_error(e).into_diag(&format!("updating {WHAT} ({id})")))?;
        wait_available(aws, &id, "update")?;
    }
    update_tags(aws, &id, prior, planned)?;
    read_after_write(aws, planned)
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    aws.log_call("ec2:DeleteVpcEndpoints");
    let out = match aws.block(aws.ec2.delete_vpc_endpoints().vpc_endpoint_ids(&id).send()).map_err(aws_error) {
        Ok(out) => out,
        Err(e) if e.code == "InvalidVpcEndpoint.NotFound" || e.code == "InvalidVpcEndpointId.NotFound" => return Ok(()),
        Err(e) => return Err(e.into_diag(&format!("deleting {WHAT} ({id})"))),
    };
    if let Some(e) = out.unsuccessful().first().and_then(|u| u.error()) {
        let code = e.code().unwrap_or_default();
        if code.ends_with("NotFound") {
            return Ok(());
        }
        return Err(AwsError { code: code.to_string(), message: e.message().unwrap_or_default().to_string() }
            .into_diag(&format!("deleting {WHAT} ({id})")));
    }
    // Until it is gone (or `deleted`).
    let limit = aws.time_left().unwrap_or(Duration::from_secs(600));
    aws.retry(
        limit,
        |e| e.code == "Deleting",
        || match describe(aws, &id) {
            Ok(Some(_)) => Err(AwsError { code: "Deleting".into(), message: format!("{id} is still being deleted") }),
            Ok(None) => Ok(()),
            Err(e) => Err(e),
        },
    )
    .map_err(|e| e.into_diag(&format!("waiting for {WHAT} ({id}) delete")))
}

/// The endpoint; `None` when it does not exist or is `deleted` (as the
/// provider's finder sees it).
fn describe(aws: &Aws, id: &str) -> Result<Option<VpcEndpoint>, AwsError> {
    aws.log_call("ec2:DescribeVpcEndpoints");
    match aws.block(aws.ec2.describe_vpc_endpoints().vpc_endpoint_ids(id).send()).map_err(aws_error) {
        Ok(out) => Ok(out
            .vpc_endpoints()
            .iter()
            .find(|e| e.vpc_endpoint_id() == Some(id))
            .filter(|e| !e.state().is_some_and(|s| s.as_str().eq_ignore_ascii_case("deleted")))
            .cloned()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

fn read_after_write(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(planned);
    let found =
        aws.until_visible(&id, || describe(aws, &id)).map_err(|e| e.into_diag(&format!("reading {WHAT} ({id})")))?;
    state_of(aws, &found, planned)
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    match describe(aws, &id).map_err(|e| e.into_diag(&format!("reading {WHAT} ({id})")))? {
        Some(e) => state_of(aws, &e, current).map(Some),
        None => Ok(None),
    }
}

/// The AWS-managed prefix list named after the service (Gateway services).
fn prefix_list(aws: &Aws, service: &str) -> Result<Option<(String, Vec<String>)>, AwsError> {
    aws.log_call("ec2:DescribePrefixLists");
    let out = aws
        .block(aws.ec2.describe_prefix_lists().filters(filter("prefix-list-name", service)).send())
        .map_err(aws_error)?;
    Ok(out.prefix_lists().first().map(|p| (p.prefix_list_id().unwrap_or_default().to_string(), p.cidrs().to_vec())))
}

/// `(ipv4, ipv6, subnet_id)` of each network interface.
fn interface_configurations(aws: &Aws, ids: &[String]) -> Result<Vec<(String, String, String)>, AwsError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    aws.log_call("ec2:DescribeNetworkInterfaces");
    let out = aws
        .block(aws.ec2.describe_network_interfaces().set_network_interface_ids(Some(ids.to_vec())).send())
        .map_err(aws_error)?;
    Ok(out
        .network_interfaces()
        .iter()
        .map(|n| {
            let ipv6 = n.ipv6_address().map(String::from).unwrap_or_default();
            (
                n.private_ip_address().unwrap_or_default().to_string(),
                ipv6,
                n.subnet_id().unwrap_or_default().to_string(),
            )
        })
        .collect())
}

fn string_set(items: impl IntoIterator<Item = String>) -> Value {
    Value::set(Type::String, items.into_iter().map(|s| Value::string(s.as_str())).collect())
}

fn state_of(aws: &Aws, e: &VpcEndpoint, prior: &Value) -> Result<Value, ProviderDiagnostic> {
    let s = |x: Option<&str>| Value::string(x.unwrap_or_default());
    let id = e.vpc_endpoint_id().unwrap_or_default();
    let owner = e.owner_id().unwrap_or_default();
    let reading = |what: &str| format!("reading {WHAT} ({id}) {what}");
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(prior, "tags"), tag_pairs(e.tags()));
    let service = e.service_name();
    let (prefix_list_id, cidrs) = match service {
        Some(name) => match prefix_list(aws, name).map_err(|x| x.into_diag(&reading("prefix list")))? {
            Some((id, cidrs)) => (id, cidrs),
            None => (String::new(), Vec::new()),
        },
        None => (String::new(), Vec::new()),
    };
    let configs = interface_configurations(aws, e.network_interface_ids())
        .map_err(|x| x.into_diag(&reading("subnet configurations")))?;
    let block = schema();
    let sc_block = &block.blocks["subnet_configuration"].block;
    let subnet_configuration = Value::set(
        sc_block.implied_type(),
        configs
            .iter()
            .map(|(v4, v6, subnet)| {
                object(
                    sc_block,
                    [
                        ("ipv4", Value::string(v4.as_str())),
                        ("ipv6", Value::string(v6.as_str())),
                        ("subnet_id", Value::string(subnet.as_str())),
                    ],
                )
            })
            .collect(),
    );
    let dns_block = &block.blocks["dns_options"].block;
    // An endpoint AWS reports no DNS options for (moto reports none) keeps
    // what was read or planned before: absence is not a change.
    // (What was planned may still be unknown in parts: those read as AWS
    // reports nothing, "" or empty.)
    let kept_dns = attr(prior, "dns_options");
    let dns_options = if e.dns_options().is_none() && kept_dns.is_known() && !kept_dns.is_null() {
        let settle = |v: &Value| match (v.is_wholly_known(), v.ty()) {
            (true, _) => v.clone(),
            (false, Type::Set(t)) => Value::set((*t).clone(), Vec::new()),
            (false, Type::Bool) => Value::bool(false),
            (false, _) => Value::string(""),
        };
        let items = kept_dns.as_seq().unwrap_or_default();
        let settled = items.iter().map(|o| {
            let fields: Vec<(&str, Value)> =
                dns_block.attributes.keys().map(|k| (k.as_str(), settle(&attr(o, k)))).collect();
            object(dns_block, fields)
        });
        Value::list(dns_block.implied_type(), settled.collect())
    } else {
        Value::list(
            dns_block.implied_type(),
            e.dns_options()
                .map(|o| {
                    let only = o
                        .private_dns_only_for_inbound_resolver_endpoint()
                        .map(Value::bool)
                        .unwrap_or_else(|| Value::bool(false));
                    object(
                        dns_block,
                        [
                            ("dns_record_ip_type", s(o.dns_record_ip_type().map(|t| t.as_str()))),
                            ("private_dns_only_for_inbound_resolver_endpoint", only),
                            ("private_dns_preference", s(o.private_dns_preference())),
                            ("private_dns_specified_domains", string_set(o.private_dns_specified_domains().to_vec())),
                        ],
                    )
                })
                .into_iter()
                .collect(),
        )
    };
    let dns_entry = Value::list(
        dns_entry_type(),
        e.dns_entries()
            .iter()
            .map(|d| {
                Value::object(
                    BTreeMap::from([
                        ("dns_name".to_string(), s(d.dns_name())),
                        ("hosted_zone_id".to_string(), s(d.hosted_zone_id())),
                    ])
                    .into(),
                )
            })
            .collect(),
    );
    let known = str_attr(prior, "policy");
    let policy = e
        .policy_document()
        .map(|remote| iam_policy::normalize(&iam_policy::to_store(known.as_deref(), remote)))
        .unwrap_or_default();
    let kind = match e.vpc_endpoint_type().map(|t| t.as_str()) {
        None | Some("") => "Gateway",
        Some(t) => t,
    };
    let arn = crate::util::ec2_arn(&aws.region, owner, "vpc-endpoint", id);
    let groups: Vec<String> = e.groups().iter().filter_map(|g| g.group_id().map(String::from)).collect();
    let v = object(
        &block,
        [
            ("arn", Value::string(arn.as_str())),
            ("auto_accept", attr(prior, "auto_accept")),
            ("cidr_blocks", crate::util::string_list(cidrs)),
            ("dns_entry", dns_entry),
            ("id", Value::string(id)),
            ("ip_address_type", s(e.ip_address_type().map(|t| t.as_str()))),
            ("network_interface_ids", string_set(e.network_interface_ids().to_vec())),
            ("owner_id", Value::string(owner)),
            ("policy", Value::string(policy.as_str())),
            ("prefix_list_id", Value::string(prefix_list_id.as_str())),
            ("private_dns_enabled", Value::bool(e.private_dns_enabled().unwrap_or(false))),
            ("requester_managed", Value::bool(e.requester_managed().unwrap_or(false))),
            ("resource_configuration_arn", s(e.resource_configuration_arn())),
            ("route_table_ids", string_set(e.route_table_ids().to_vec())),
            ("security_group_ids", string_set(groups)),
            ("service_name", s(service)),
            ("service_network_arn", s(e.service_network_arn())),
            ("service_region", s(e.service_region())),
            ("state", s(e.state().map(|x| x.as_str()))),
            ("subnet_ids", string_set(e.subnet_ids().to_vec())),
            ("tags", tags),
            ("tags_all", tags_all),
            ("vpc_endpoint_type", Value::string(kind)),
            ("vpc_id", s(e.vpc_id())),
            ("dns_options", dns_options),
            ("subnet_configuration", subnet_configuration),
        ],
    );
    Ok(v)
}

// ---- data aws_vpc_endpoint_service ----

pub fn service_schema() -> Block {
    let c = || Attribute::computed(Type::String);
    let cb = || Attribute::computed(Type::Bool);
    let filter = crate::data::filter_block();
    Block {
        attributes: BTreeMap::from([
            ("acceptance_required".to_string(), cb()),
            ("arn".to_string(), c()),
            ("availability_zones".to_string(), Attribute::computed(strings_set())),
            ("base_endpoint_dns_names".to_string(), Attribute::computed(strings_set())),
            ("id".to_string(), c()),
            ("manages_vpc_endpoints".to_string(), cb()),
            ("owner".to_string(), c()),
            ("private_dns_name".to_string(), c()),
            ("private_dns_names".to_string(), Attribute::computed(Type::list(Type::String))),
            ("service".to_string(), Attribute::optional(Type::String)),
            ("service_id".to_string(), c()),
            ("service_name".to_string(), Attribute::optional_computed(Type::String)),
            ("service_region".to_string(), c()),
            ("service_regions".to_string(), Attribute::optional(strings_set())),
            ("service_type".to_string(), Attribute::optional_computed(Type::String)),
            ("supported_ip_address_types".to_string(), Attribute::computed(strings_set())),
            ("tags".to_string(), Attribute::optional_computed(Type::map(Type::String))),
            ("vpc_endpoint_policy_supported".to_string(), cb()),
        ]),
        blocks: BTreeMap::from([
            ("filter".to_string(), filter),
            ("timeouts".to_string(), crate::data::read_timeouts()),
        ]),
    }
}

/// The data source's argument checks (made when it is read: data sources
/// have no validation hook here).
fn validate_service(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    if crate::util::is_set(&attr(config, "service")) && crate::util::is_set(&attr(config, "service_name")) {
        diags.push(
            ProviderDiagnostic::error(
                "Conflicting configuration arguments",
                "\"service\": conflicts with service_name",
            )
            .at(vec![PathStep::Attr("service".into())]),
        );
    }
    let t = attr(config, "service_type");
    if t.is_known() && !t.is_null() {
        let got = str_attr(config, "service_type").unwrap_or_default();
        let allowed = ["Interface", "Gateway", "GatewayLoadBalancer"];
        if !allowed.contains(&got.as_str()) {
            diags.push(
                ProviderDiagnostic::error(
                    "Invalid value",
                    format!("expected service_type to be one of [\"Interface\" \"Gateway\" \"GatewayLoadBalancer\"], got {got}"),
                )
                .at(vec![PathStep::Attr("service_type".into())]),
            );
        }
    }
    diags
}

pub fn read_service(aws: &Aws, config: &Value) -> Result<Value, ProviderDiagnostic> {
    if let Some(d) = validate_service(config).into_iter().next() {
        return Err(d);
    }
    let mut filters: Vec<Filter> = Vec::new();
    if let Some(t) = nonempty(config, "service_type") {
        filters.push(filter("service-type", &t));
    }
    for (k, v) in map_of(&attr(config, "tags")) {
        filters.push(filter(&format!("tag:{k}"), &v));
    }
    filters.extend(crate::data::filters_of(config));
    let name = nonempty(config, "service_name")
        .or_else(|| nonempty(config, "service").map(|s| format!("com.amazonaws.{}.{s}", aws.region)));
    let regions = strings_of(&attr(config, "service_regions"));
    let mut details = Vec::new();
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    // Bounded: 100 pages.
    for _ in 0..100 {
        let req = aws
            .ec2
            .describe_vpc_endpoint_services()
            .set_filters((!filters.is_empty()).then(|| filters.clone()))
            .set_service_names(name.clone().map(|n| vec![n]))
            .set_service_regions(nonempty_vec(regions.clone()))
            .set_next_token(token.clone());
        aws.log_call("ec2:DescribeVpcEndpointServices");
        let out = aws.block(req.send()).map_err(|e| aws_error(e).into_diag("reading EC2 VPC Endpoint Services"))?;
        details.extend(out.service_details().iter().cloned());
        names.extend(out.service_names().iter().cloned());
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    let none = || {
        ProviderDiagnostic::error(
            "no matching EC2 VPC Endpoint Service found",
            "no matching EC2 VPC Endpoint Service found",
        )
    };
    let echo = |v: Value| {
        let mut v = with_attr(&v, "filter", attr(config, "filter"));
        v = with_attr(&v, "timeouts", attr(config, "timeouts"));
        v = with_attr(&v, "service", attr(config, "service"));
        with_attr(&v, "service_regions", attr(config, "service_regions"))
    };
    let block = service_schema();
    if details.is_empty() {
        // Partitions answering with names only (GovCloud): the name alone.
        let wanted = name.clone().unwrap_or_default();
        if !wanted.is_empty() && names.contains(&wanted) {
            let id = crate::util::hashcode(&wanted).to_string();
            let v =
                object(&block, [("id", Value::string(id.as_str())), ("service_name", Value::string(wanted.as_str()))]);
            return Ok(echo(v));
        }
        return Err(none());
    }
    if details.len() > 1 {
        let m = "multiple EC2 VPC Endpoint Services matched; use additional constraints to reduce matches to a single EC2 VPC Endpoint Service";
        return Err(ProviderDiagnostic::error(m, m));
    }
    let d = &details[0];
    let s = |x: Option<&str>| Value::string(x.unwrap_or_default());
    let service_id = d.service_id().unwrap_or_default();
    let service_name = d.service_name().unwrap_or_default();
    let account = aws.account_id.clone().unwrap_or_default();
    let arn = crate::util::ec2_arn(&aws.region, &account, "vpc-endpoint-service", service_id);
    let tags =
        crate::util::string_map(&tag_pairs(d.tags()).into_iter().filter(|(k, _)| !k.starts_with("aws:")).collect());
    let v = object(
        &block,
        [
            ("acceptance_required", Value::bool(d.acceptance_required().unwrap_or(false))),
            ("arn", Value::string(arn.as_str())),
            ("availability_zones", string_set(d.availability_zones().to_vec())),
            ("base_endpoint_dns_names", string_set(d.base_endpoint_dns_names().to_vec())),
            ("id", Value::string(crate::util::hashcode(service_name).to_string().as_str())),
            ("manages_vpc_endpoints", Value::bool(d.manages_vpc_endpoints().unwrap_or(false))),
            ("owner", s(d.owner())),
            ("private_dns_name", s(d.private_dns_name())),
            (
                "private_dns_names",
                crate::util::string_list(
                    d.private_dns_names().iter().filter_map(|p| p.private_dns_name().map(String::from)),
                ),
            ),
            ("service_id", Value::string(service_id)),
            ("service_name", Value::string(service_name)),
            ("service_region", s(d.service_region())),
            ("service_type", s(d.service_type().first().and_then(|t| t.service_type()).map(|t| t.as_str()))),
            (
                "supported_ip_address_types",
                string_set(d.supported_ip_address_types().iter().map(|t| t.as_str().to_string())),
            ),
            ("tags", tags),
            ("vpc_endpoint_policy_supported", Value::bool(d.vpc_endpoint_policy_supported().unwrap_or(false))),
        ],
    );
    Ok(echo(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(values: Vec<(&str, Value)>) -> Value {
        object(&schema(), values)
    }

    #[test]
    fn an_equivalent_policy_keeps_the_stored_text() {
        let stored =
            r#"{"Statement":[{"Action":"*","Effect":"Allow","Principal":"*","Resource":"*"}],"Version":"2008-10-17"}"#;
        let written = "{\n  \"Version\": \"2008-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"*\"}, \"Action\": [\"*\"], \"Resource\": \"*\"}]\n}";
        let prior = endpoint(vec![("policy", Value::string(stored)), ("vpc_endpoint_type", Value::string("Gateway"))]);
        let config =
            endpoint(vec![("policy", Value::string(written)), ("vpc_endpoint_type", Value::string("Gateway"))]);
        let (planned, replace) = plan(&config, &config, &prior);
        assert_eq!(str_attr(&planned, "policy").as_deref(), Some(stored));
        assert!(replace.is_empty());
        let other = endpoint(vec![("policy", Value::string(written.replace("Allow", "Deny").as_str()))]);
        let (planned, _) = plan(&other, &other, &prior);
        assert_ne!(str_attr(&planned, "policy").as_deref(), Some(stored));
    }

    #[test]
    fn private_dns_replaces_only_non_interface_endpoints() {
        let prior = endpoint(vec![
            ("private_dns_enabled", Value::bool(false)),
            ("vpc_endpoint_type", Value::string("Gateway")),
        ]);
        let config =
            endpoint(vec![("private_dns_enabled", Value::bool(true)), ("vpc_endpoint_type", Value::string("Gateway"))]);
        let (_, replace) = plan(&config, &config, &prior);
        assert_eq!(replace, vec![vec![PathStep::Attr("private_dns_enabled".into())]]);
        let prior = with_attr(&prior, "vpc_endpoint_type", Value::string("Interface"));
        let config = with_attr(&config, "vpc_endpoint_type", Value::string("Interface"));
        let (_, replace) = plan(&config, &config, &prior);
        assert!(replace.is_empty());
    }

    #[test]
    fn computed_blocks_left_out_keep_what_was_read_and_new_subnets_make_interfaces_unknown() {
        let sc = &schema().blocks["subnet_configuration"].block;
        let read = Value::set(
            sc.implied_type(),
            vec![object(
                sc,
                [
                    ("ipv4", Value::string("10.0.1.10")),
                    ("ipv6", Value::string("")),
                    ("subnet_id", Value::string("subnet-1")),
                ],
            )],
        );
        let prior = endpoint(vec![
            ("subnet_configuration", read.clone()),
            ("subnet_ids", string_set(vec!["subnet-1".into()])),
            ("network_interface_ids", string_set(vec!["eni-1".into()])),
        ]);
        let config = endpoint(vec![("subnet_ids", string_set(vec!["subnet-1".into()]))]);
        let proposed = with_attr(&config, "network_interface_ids", attr(&prior, "network_interface_ids"));
        let (planned, _) = plan(&proposed, &config, &prior);
        assert!(attr(&planned, "subnet_configuration").raw_equal(&read));
        assert!(attr(&planned, "network_interface_ids").is_known());
        let config = endpoint(vec![("subnet_ids", string_set(vec!["subnet-1".into(), "subnet-2".into()]))]);
        let proposed = with_attr(&config, "network_interface_ids", attr(&prior, "network_interface_ids"));
        let (planned, _) = plan(&proposed, &config, &prior);
        assert!(!attr(&planned, "network_interface_ids").is_known());
    }

    #[test]
    fn s3_interface_endpoints_take_the_inbound_resolver_option() {
        let p = endpoint(vec![
            ("service_name", Value::string("com.amazonaws.eu-west-1.s3")),
            ("vpc_endpoint_type", Value::string("Interface")),
        ]);
        assert!(is_s3_interface(&p));
        assert!(!is_s3_interface(&with_attr(&p, "vpc_endpoint_type", Value::string("Gateway"))));
        assert!(!is_s3_interface(&with_attr(&p, "service_name", Value::string("com.amazonaws.eu-west-1.s3-control"))));
    }

    #[test]
    fn bad_policies_and_types_are_reported() {
        let c = endpoint(vec![("policy", Value::string("not json")), ("vpc_endpoint_type", Value::string("Gate"))]);
        let diags = validate(&c);
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags[0].summary.starts_with("\"policy\" contains an invalid JSON policy"));
        assert!(diags[1].detail.contains("got Gate"));
        assert!(validate(&endpoint(vec![("policy", Value::string(""))])).is_empty());
    }
}
