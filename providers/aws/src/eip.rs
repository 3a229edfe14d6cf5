//! `aws_eip`: an Elastic IP allocation in the `vpc` domain, optionally
//! associated with an instance or network interface (associations made by
//! others, such as a NAT gateway, are reported but left alone), tags
//! updated in place. The id is the allocation id; an import may name the
//! public IP instead.

use crate::client::{aws_error, Aws, AwsError, EVENTUAL_CONSISTENCY};
use crate::util::{attr, map_of, nonempty, object, with_attr};
use crate::vpc::{filter, tag_pairs, tag_spec, update_tags};
use crate::{id_of, tags};
use aws_sdk_ec2::types::{Address, DomainType, ResourceType};
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, ProviderDiagnostic};

pub fn schema() -> Block {
    let c = || Attribute::computed(Type::String);
    let o = || Attribute::optional(Type::String);
    let oc = || Attribute::optional_computed(Type::String);
    Block {
        attributes: BTreeMap::from([
            ("address".to_string(), o().force_new()),
            ("allocation_id".to_string(), c()),
            ("arn".to_string(), c()),
            ("associate_with_private_ip".to_string(), o()),
            ("association_id".to_string(), c()),
            ("carrier_ip".to_string(), c()),
            ("customer_owned_ip".to_string(), c()),
            ("customer_owned_ipv4_pool".to_string(), o()),
            ("domain".to_string(), oc().force_new()),
            ("id".to_string(), c()),
            ("instance".to_string(), oc()),
            ("ipam_pool_id".to_string(), oc().force_new()),
            ("network_border_group".to_string(), oc().force_new()),
            ("network_interface".to_string(), oc()),
            ("private_dns".to_string(), c()),
            ("private_ip".to_string(), c()),
            ("ptr_record".to_string(), c()),
            ("public_dns".to_string(), c()),
            ("public_ip".to_string(), c()),
            ("public_ipv4_pool".to_string(), oc().force_new()),
            ("tags".to_string(), Attribute::optional(Type::map(Type::String))),
            ("tags_all".to_string(), Attribute::optional_computed(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::new(),
    }
}

const WHAT: &str = "EC2 EIP";

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    // EC2-Classic is retired: `vpc` is the only domain left. hashicorp/aws 6
    // removed the `vpc` argument; a 5.x state's `vpc` is dropped on load.
    let domain = nonempty(planned, "domain");
    let req = aws
        .ec2
        .allocate_address()
        .set_domain(domain.map(|d| DomainType::from(d.as_str())))
        .set_address(nonempty(planned, "address"))
        .set_customer_owned_ipv4_pool(nonempty(planned, "customer_owned_ipv4_pool"))
        .set_ipam_pool_id(nonempty(planned, "ipam_pool_id"))
        .set_network_border_group(nonempty(planned, "network_border_group"))
        .set_public_ipv4_pool(nonempty(planned, "public_ipv4_pool"))
        .set_tag_specifications(
            tag_spec(ResourceType::ElasticIp, &map_of(&attr(planned, "tags_all"))).map(|t| vec![t]),
        );
    aws.log_call("ec2:AllocateAddress");
    let out = aws.block(req.send()).map_err(|e| aws_error(e).into_diag(&format!("creating {WHAT}")))?;
    let id = out.allocation_id().unwrap_or_default().to_string();
    aws.retry(
        EVENTUAL_CONSISTENCY,
        |e| e.code == "NotFound",
        || match describe(aws, &id) {
            Ok(Some(_)) => Ok(()),
            Ok(None) => Err(AwsError { code: "NotFound".into(), message: format!("{id} not yet visible") }),
            Err(e) => Err(e),
        },
    )
    .map_err(|e| e.into_diag(&format!("waiting for {WHAT} ({id}) create")))?;
    let (instance, eni) = (nonempty(planned, "instance"), nonempty(planned, "network_interface"));
    if instance.is_some() || eni.is_some() {
        associate(aws, &id, instance, eni, nonempty(planned, "associate_with_private_ip"))?;
    }
    read_after_write(aws, &with_attr(planned, "id", Value::string(id.as_str())))
}

fn associate(
    aws: &Aws,
    id: &str,
    instance: Option<String>,
    eni: Option<String>,
    private_ip: Option<String>,
) -> Result<(), ProviderDiagnostic> {
    // The allocation may not be visible to AssociateAddress at once.
    aws.retry(
        EVENTUAL_CONSISTENCY,
        |e| e.code == "InvalidAllocationID.NotFound",
        || {
            aws.log_call("ec2:AssociateAddress");
            aws.block(
                aws.ec2
                    .associate_address()
                    .allocation_id(id)
                    .set_instance_id(instance.clone())
                    .set_network_interface_id(eni.clone())
                    .set_private_ip_address(private_ip.clone())
                    .send(),
            )
            .map(|_| ())
            .map_err(aws_error)
        },
    )
    .map_err(|e| e.into_diag(&format!("associating {WHAT} ({id})")))
}

fn disassociate(aws: &Aws, association: &str) -> Result<(), ProviderDiagnostic> {
    aws.log_call("ec2:DisassociateAddress");
    match aws.block(aws.ec2.disassociate_address().association_id(association).send()).map_err(aws_error) {
        Ok(_) => Ok(()),
        Err(e) if e.code == "InvalidAssociationID.NotFound" => Ok(()),
        Err(e) => Err(e.into_diag(&format!("disassociating {WHAT} ({association})"))),
    }
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(prior);
    let association_changed = ["instance", "network_interface", "associate_with_private_ip"]
        .iter()
        .any(|n| !attr(prior, n).raw_equal(&attr(planned, n)));
    if association_changed {
        if let Some(association) = nonempty(prior, "association_id") {
            disassociate(aws, &association)?;
        }
        let (instance, eni) = (nonempty(planned, "instance"), nonempty(planned, "network_interface"));
        if instance.is_some() || eni.is_some() {
            associate(aws, &id, instance, eni, nonempty(planned, "associate_with_private_ip"))?;
        }
    }
    update_tags(aws, &id, prior, planned)?;
    read_after_write(aws, planned)
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    if let Some(association) = nonempty(prior, "association_id") {
        disassociate(aws, &association)?;
    }
    aws.log_call("ec2:ReleaseAddress");
    let req =
        aws.ec2.release_address().allocation_id(&id).set_network_border_group(nonempty(prior, "network_border_group"));
    match aws.block(req.send()).map_err(aws_error) {
        Ok(_) => Ok(()),
        Err(e) if e.code == "InvalidAllocationID.NotFound" => Ok(()),
        Err(e) => Err(e.into_diag(&format!("deleting {WHAT} ({id})"))),
    }
}

/// The address by allocation id, or by public IP (an import may name it).
fn describe(aws: &Aws, id: &str) -> Result<Option<Address>, AwsError> {
    let by = if id.parse::<std::net::IpAddr>().is_ok() { "public-ip" } else { "allocation-id" };
    aws.log_call("ec2:DescribeAddresses");
    match aws.block(aws.ec2.describe_addresses().filters(filter(by, id)).send()).map_err(aws_error) {
        Ok(out) => Ok(out.addresses().first().cloned()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

fn read_after_write(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(planned);
    match describe(aws, &id).map_err(|e| e.into_diag(&format!("reading {WHAT} ({id})")))? {
        Some(a) => Ok(state_of(aws, &a, planned)),
        None => Err(ProviderDiagnostic::error(
            format!("{WHAT} not found after change"),
            format!("The Elastic IP {id} was not found right after it was created or changed."),
        )),
    }
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let found = describe(aws, &id).map_err(|e| e.into_diag(&format!("reading {WHAT} ({id})")))?;
    Ok(found.map(|a| state_of(aws, &a, current)))
}

/// EC2's DNS names for an address: `ec2-1-2-3-4.compute-1.amazonaws.com`
/// and `ip-10-0-0-1.ec2.internal` in us-east-1, the region in the name elsewhere.
fn dns_name(region: &str, ip: &str, public: bool) -> String {
    let dashed = ip.replace('.', "-");
    match (public, region) {
        (true, "us-east-1") => format!("ec2-{dashed}.compute-1.amazonaws.com"),
        (true, _) => format!("ec2-{dashed}.{region}.compute.amazonaws.com"),
        (false, "us-east-1") => format!("ip-{dashed}.ec2.internal"),
        (false, _) => format!("ip-{dashed}.{region}.compute.internal"),
    }
}

fn state_of(aws: &Aws, a: &Address, prior: &Value) -> Value {
    let s = |x: Option<&str>| Value::string(x.unwrap_or_default());
    // Arguments AWS does not report keep what the configuration said.
    let kept = |name: &str, remote: Option<&str>| match remote.filter(|r| !r.is_empty()) {
        Some(r) => Value::string(r),
        None => attr(prior, name),
    };
    let id = a.allocation_id().unwrap_or_default();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(prior, "tags"), tag_pairs(a.tags()));
    let domain = a.domain().map(|d| d.as_str().to_string()).unwrap_or_default();
    let private_ip = a.private_ip_address().filter(|ip| !ip.is_empty());
    let public_ip = a.public_ip().filter(|ip| !ip.is_empty());
    let pool = a.public_ipv4_pool().unwrap_or_default();
    let ipam_pool = match attr(prior, "ipam_pool_id") {
        _ if pool.starts_with("ipam-pool-") => Value::string(pool),
        configured if configured.is_known() => configured,
        _ => Value::null(Type::String),
    };
    let account = aws.account_id.clone().unwrap_or_default();
    object(
        &schema(),
        [
            ("address", attr(prior, "address")),
            ("allocation_id", Value::string(id)),
            ("arn", Value::string(crate::util::ec2_arn(&aws.region, &account, "elastic-ip", id).as_str())),
            ("associate_with_private_ip", attr(prior, "associate_with_private_ip")),
            ("association_id", s(a.association_id())),
            ("carrier_ip", s(a.carrier_ip())),
            ("customer_owned_ip", s(a.customer_owned_ip())),
            ("customer_owned_ipv4_pool", kept("customer_owned_ipv4_pool", a.customer_owned_ipv4_pool())),
            ("domain", Value::string(domain.as_str())),
            ("id", Value::string(id)),
            ("instance", s(a.instance_id())),
            ("ipam_pool_id", ipam_pool),
            ("network_border_group", s(a.network_border_group())),
            ("network_interface", s(a.network_interface_id())),
            (
                "private_dns",
                private_ip
                    .map_or_else(|| Value::null(Type::String), |ip| Value::string(dns_name(&aws.region, ip, false))),
            ),
            ("private_ip", s(private_ip)),
            // DescribeAddressesAttribute is not read: no PTR record is managed here.
            ("ptr_record", Value::string("")),
            (
                "public_dns",
                public_ip
                    .map_or_else(|| Value::null(Type::String), |ip| Value::string(dns_name(&aws.region, ip, true))),
            ),
            ("public_ip", s(public_ip)),
            ("public_ipv4_pool", Value::string(pool)),
            ("tags", tags),
            ("tags_all", tags_all),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names_follow_ec2s_scheme() {
        assert_eq!(dns_name("us-east-1", "54.1.2.3", true), "ec2-54-1-2-3.compute-1.amazonaws.com");
        assert_eq!(dns_name("eu-west-1", "54.1.2.3", true), "ec2-54-1-2-3.eu-west-1.compute.amazonaws.com");
        assert_eq!(dns_name("us-east-1", "10.0.0.9", false), "ip-10-0-0-9.ec2.internal");
        assert_eq!(dns_name("eu-west-1", "10.0.0.9", false), "ip-10-0-0-9.eu-west-1.compute.internal");
    }
}
