//! The objects AWS makes itself and hashicorp/aws adopts rather than
//! creates: `aws_default_security_group` (a VPC's `default` group),
//! `aws_default_route_table` (a VPC's main route table) and
//! `aws_default_vpc` (the region's default VPC).
//!
//! "Create" finds the object by what names it (the VPC, the table id, the
//! region), strips what the configuration does not say (every rule of the
//! group; every route and propagating gateway of the table) and applies
//! the configuration with the code `aws_security_group` and
//! `aws_route_table` use (`sg`, `route_table`). Reads and updates are
//! theirs too. "Destroy" only forgets the object: it stays in AWS as it
//! is (a default VPC is deleted only with `force_destroy`).

use crate::client::{aws_error, Aws};
use crate::route_table::{self, DEFAULT_TABLE_TARGETS};
use crate::util::{attr, bool_attr, nonempty, object, str_attr, with_attr};
use crate::vpc::{filter, tag_pairs, update_tags};
use crate::{id_of, sg, tags, vpc};
use aws_sdk_ec2::types::{Filter, RouteTable, SecurityGroup};
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, ProviderDiagnostic};

/// Types whose "create" adopts an object AWS made: found again after an
/// interrupted create by what names them, never tagged with a create token.
pub const ADOPTED: [&str; 4] =
    ["aws_default_network_acl", "aws_default_route_table", "aws_default_security_group", "aws_default_vpc"];

/// The warning a destroy gives where hashicorp/aws warns that the object
/// stays (its log's wording).
pub fn destroy_warning(type_name: &str, prior: &Value) -> Option<ProviderDiagnostic> {
    let id = id_of(prior);
    match type_name {
        "aws_default_route_table" => Some(ProviderDiagnostic::warning(
            "Cannot destroy Default Route Table",
            format!(
                "Cannot destroy Default Route Table ({id}). It was removed from the state; the route table and its routes remain in AWS as they are."
            ),
        )),
        "aws_default_network_acl" => Some(crate::default_nacl::destroy_warning(prior)),
        "aws_default_vpc" if bool_attr(prior, "force_destroy") != Some(true) => Some(ProviderDiagnostic::warning(
            "EC2 Default VPC not deleted",
            format!(
                "EC2 Default VPC ({id}) not deleted, removing from state. Set force_destroy = true to delete the default VPC."
            ),
        )),
        _ => None,
    }
}

/// The AWS tags of an adopted object as a state's `tags_all` (what an
/// update from them to the plan's compares with).
fn as_found(aws: &Aws, planned: &Value, remote: Vec<(String, String)>) -> Value {
    let (_, tags_all) = tags::read_tags(&aws.default_tags, &Value::null(Type::map(Type::String)), remote);
    with_attr(planned, "tags_all", tags_all)
}

// --- aws_default_security_group ---

/// `aws_security_group`'s schema with `description`, `name` and
/// `name_prefix` computed only.
pub fn security_group_schema() -> Block {
    let mut block = sg::schema();
    for name in ["description", "name", "name_prefix"] {
        block.attributes.insert(name.to_string(), Attribute::computed(Type::String));
    }
    block
}

pub fn plan_security_group(planned: &Value, config: &Value, prior: &Value) -> Value {
    sg::plan_rules(planned, config, prior)
}

/// The `default` group of the VPC `vpc` names (without one, the group
/// described "default group", as the provider looks for it).
fn find_default_group(aws: &Aws, vpc: Option<&str>) -> Result<Option<SecurityGroup>, ProviderDiagnostic> {
    let second = match vpc {
        Some(v) => filter("vpc-id", v),
        None => filter("description", "default group"),
    };
    aws.log_call("ec2:DescribeSecurityGroups");
    let out = aws
        .block(aws.ec2.describe_security_groups().filters(filter("group-name", "default")).filters(second).send())
        .map_err(|e| aws_error(e).into_diag("reading Default Security Group"))?;
    match out.security_groups() {
        [] => Ok(None),
        [g] => Ok(Some(g.clone())),
        _ => Err(ProviderDiagnostic::error(
            "reading Default Security Group: too many results",
            "reading Default Security Group: too many results: give vpc_id.",
        )),
    }
}

pub fn create_security_group(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let vpc = nonempty(planned, "vpc_id");
    let Some(g) = find_default_group(aws, vpc.as_deref())? else {
        return Err(ProviderDiagnostic::error(
            "reading Default Security Group: empty result",
            format!(
                "reading Default Security Group: empty result: no default security group{}",
                vpc.map(|v| format!(" in VPC {v}")).unwrap_or_default()
            ),
        ));
    };
    let id = g.group_id().unwrap_or_default().to_string();
    let planned = with_attr(planned, "id", Value::string(id.as_str()));
    update_tags(aws, &id, &as_found(aws, &planned, tag_pairs(g.tags())), &planned)?;
    // Adopting removes every rule; then only the configured ones are made.
    sg::revoke_all(aws, &id)?;
    sg::update_rules(aws, &id, &Value::dynamic_null(), &planned)?;
    sg::read_after_write(aws, &planned)
}

/// The default group an interrupted adoption was adopting.
pub fn find_security_group(aws: &Aws, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let g = find_default_group(aws, nonempty(planned, "vpc_id").as_deref())?;
    Ok(g.map(|g| with_attr(planned, "id", Value::string(g.group_id().unwrap_or_default()))))
}

// --- aws_default_route_table ---

pub fn route_table_schema() -> Block {
    let c = || Attribute::computed(Type::String);
    let routes = Type::set(route_table::inline_block(&DEFAULT_TABLE_TARGETS).implied_type());
    Block {
        attributes: [
            ("arn", c()),
            ("default_route_table_id", Attribute::required(Type::String).force_new()),
            ("id", c()),
            ("owner_id", c()),
            ("propagating_vgws", Attribute::optional(Type::set(Type::String))),
            // Set-of-object attribute (`ConfigModeAttr`), as `aws_route_table`'s.
            ("route", Attribute::optional_computed(routes)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
            ("vpc_id", c()),
        ]
        .into_iter()
        .map(|(n, a)| (n.to_string(), a))
        .collect(),
        blocks: Default::default(),
    }
}

pub fn plan_route_table(planned: &Value, config: &Value, prior: &Value) -> Value {
    let mut p = route_table::plan_routes(planned, config, prior, &DEFAULT_TABLE_TARGETS);
    // The id is the table's, known from the configuration.
    if prior.is_null() && attr(config, "default_route_table_id").is_known() {
        p = with_attr(&p, "id", attr(config, "default_route_table_id"));
    }
    p
}

fn table_state(aws: &Aws, rt: &RouteTable, prior: &Value) -> Value {
    let s = |x: &str| Value::string(x);
    let id = rt.route_table_id().unwrap_or_default();
    let owner = rt.owner_id().unwrap_or_default();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(prior, "tags"), tag_pairs(rt.tags()));
    object(
        &route_table_schema(),
        [
            ("arn", s(&aws.arn("route-table", owner, id))),
            ("default_route_table_id", s(id)),
            ("id", s(id)),
            ("owner_id", s(owner)),
            ("propagating_vgws", route_table::propagating_vgws(rt)),
            ("route", route_table::inline_routes(rt, &DEFAULT_TABLE_TARGETS)),
            ("tags", tags),
            ("tags_all", tags_all),
            ("vpc_id", s(rt.vpc_id().unwrap_or_default())),
        ],
    )
}

pub fn create_route_table(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = str_attr(planned, "default_route_table_id").unwrap_or_default();
    let what = format!("reading EC2 Default Route Table ({id})");
    let Some(rt) = route_table::describe_one(aws, &id).map_err(|e| e.into_diag(&what))? else {
        return Err(ProviderDiagnostic::error(
            format!("{what}: couldn't find resource"),
            format!("{what}: couldn't find resource: no route table {id}"),
        ));
    };
    let planned = with_attr(planned, "id", Value::string(id.as_str()));
    // Adopting removes every route and propagating gateway; then only the
    // configured ones are made.
    route_table::strip(aws, &rt)?;
    let found = as_found(aws, &planned, tag_pairs(rt.tags()));
    let empty =
        with_attr(&with_attr(&found, "route", Value::dynamic_null()), "propagating_vgws", Value::dynamic_null());
    route_table::apply_changes(aws, &id, &empty, &planned, &DEFAULT_TABLE_TARGETS)?;
    let rt = route_table::wait_visible(aws, &id)?;
    Ok(table_state(aws, &rt, &planned))
}

pub fn update_route_table(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(prior);
    route_table::apply_changes(aws, &id, prior, planned, &DEFAULT_TABLE_TARGETS)?;
    let rt = route_table::wait_visible(aws, &id)?;
    Ok(table_state(aws, &rt, planned))
}

/// The table as it is now. An id `vpc-…` (an import) names the VPC whose
/// main route table is meant.
pub fn read_route_table(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let what = format!("reading EC2 Default Route Table ({id})");
    let found = if id.starts_with("vpc-") {
        let tables = route_table::describe_by(aws, "vpc-id", &id).map_err(|e| e.into_diag(&what))?;
        tables.into_values().find(|t| t.associations().iter().any(|a| a.main() == Some(true)))
    } else {
        match nonempty(current, "vpc_id") {
            Some(vpc) => aws
                .cache
                .get_or_fill(&format!("route-tables/{vpc}"), &id, || route_table::describe_by(aws, "vpc-id", &vpc))
                .map_err(|e| e.into_diag(&what))?,
            None => route_table::describe_one(aws, &id).map_err(|e| e.into_diag(&what))?,
        }
    };
    Ok(found.map(|t| table_state(aws, &t, current)))
}

pub fn find_route_table(aws: &Aws, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    match nonempty(planned, "default_route_table_id") {
        Some(id) => read_route_table(aws, &with_attr(planned, "id", Value::string(id))),
        None => Ok(None),
    }
}

// --- aws_default_vpc ---

/// `aws_vpc`'s schema with `cidr_block` and `instance_tenancy` computed
/// only, the IPv4 IPAM arguments left out, and `existing_default_vpc`
/// (computed) and `force_destroy` added.
pub fn vpc_schema() -> Block {
    let mut block = vpc::schema();
    for name in ["cidr_block", "instance_tenancy"] {
        block.attributes.insert(name.to_string(), Attribute::computed(Type::String));
    }
    block.attributes.remove("ipv4_ipam_pool_id");
    block.attributes.remove("ipv4_netmask_length");
    block.attributes.insert("enable_dns_hostnames".to_string(), Attribute::optional(Type::Bool));
    block.attributes.insert("existing_default_vpc".to_string(), Attribute::computed(Type::Bool));
    block.attributes.insert("force_destroy".to_string(), Attribute::optional(Type::Bool));
    block
}

/// An `aws_vpc` state as an `aws_default_vpc` one; `existing_default_vpc`
/// and `force_destroy` are the provider's own, kept from `prior`.
fn as_default_vpc(state: &Value, prior: &Value) -> Value {
    let block = vpc_schema();
    let values: Vec<(&str, Value)> = block
        .attributes
        .keys()
        .map(|name| {
            let v = match name.as_str() {
                "existing_default_vpc" | "force_destroy" => Value::bool(bool_attr(prior, name).unwrap_or(false)),
                _ => attr(state, name),
            };
            (name.as_str(), v)
        })
        .collect();
    object(&block, values)
}

fn find_default_vpc(aws: &Aws) -> Result<Option<String>, ProviderDiagnostic> {
    aws.log_call("ec2:DescribeVpcs");
    let out = aws
        .block(aws.ec2.describe_vpcs().filters(Filter::builder().name("is-default").values("true").build()).send())
        .map_err(|e| aws_error(e).into_diag("reading EC2 Default VPC"))?;
    Ok(out.vpcs().first().and_then(|v| v.vpc_id()).map(String::from))
}

fn read_vpc_state(aws: &Aws, current: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(current);
    vpc::read(aws, current)?.ok_or_else(|| {
        ProviderDiagnostic::error(
            "EC2 Default VPC not found",
            format!("The default VPC {id} was not found right after it was adopted or created."),
        )
    })
}

pub fn create_vpc(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (id, existing) = match find_default_vpc(aws)? {
        Some(id) => (id, true),
        None => {
            aws.log_call("ec2:CreateDefaultVpc");
            let out = aws
                .block(aws.ec2.create_default_vpc().send())
                .map_err(|e| aws_error(e).into_diag("creating EC2 Default VPC"))?;
            (out.vpc().and_then(|v| v.vpc_id()).unwrap_or_default().to_string(), false)
        }
    };
    let planned =
        with_attr(&with_attr(planned, "id", Value::string(id.as_str())), "existing_default_vpc", Value::bool(existing));
    let found = aws.retry(
        crate::client::EVENTUAL_CONSISTENCY,
        |e| e.code == "NotFound",
        || match vpc::read(aws, &planned) {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Err(crate::client::AwsError {
                code: "NotFound".into(),
                message: format!("default VPC {id} not yet visible"),
            }),
            Err(d) => Err(crate::client::AwsError { code: "ReadFailed".into(), message: d.detail }),
        },
    );
    let found = found.map_err(|e| e.into_diag(&format!("waiting for EC2 Default VPC ({id}) create")))?;
    // From the VPC as found to the plan: DNS attributes, then tags.
    vpc::set_dns(aws, &id, Some(&found), &planned)?;
    update_tags(aws, &id, &found, &planned)?;
    Ok(as_default_vpc(&read_vpc_state(aws, &planned)?, &planned))
}

pub fn update_vpc(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    Ok(as_default_vpc(&vpc::update(aws, prior, planned)?, planned))
}

pub fn delete_vpc(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    if bool_attr(prior, "force_destroy") == Some(true) {
        vpc::delete(aws, prior)?;
    }
    Ok(())
}

pub fn read_vpc(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    Ok(vpc::read(aws, current)?.map(|v| as_default_vpc(&v, current)))
}

pub fn find_vpc(aws: &Aws, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    Ok(find_default_vpc(aws)?.map(|id| with_attr(planned, "id", Value::string(id))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adopted_types_share_their_counterparts_state_shape() {
        // The security group's reads are `aws_security_group`'s: one object type.
        assert_eq!(security_group_schema().implied_type(), sg::schema().implied_type());
        let g = security_group_schema();
        assert!(g.attributes["description"].computed && !g.attributes["description"].optional);
        let v = vpc_schema();
        assert!(!v.attributes.contains_key("ipv4_ipam_pool_id"));
        assert!(v.attributes["cidr_block"].computed && !v.attributes["cidr_block"].optional);
        let t = route_table_schema();
        assert!(t.attributes["default_route_table_id"].required && t.attributes["default_route_table_id"].force_new);
    }

    #[test]
    fn only_the_route_table_and_a_kept_vpc_warn_on_destroy() {
        let rt = object(&route_table_schema(), [("id", Value::string("rtb-1"))]);
        assert!(destroy_warning("aws_default_route_table", &rt).is_some_and(|d| !d.error));
        let kept = object(&vpc_schema(), [("id", Value::string("vpc-1"))]);
        assert!(destroy_warning("aws_default_vpc", &kept).is_some());
        let forced = with_attr(&kept, "force_destroy", Value::bool(true));
        assert!(destroy_warning("aws_default_vpc", &forced).is_none());
        assert!(destroy_warning("aws_default_security_group", &kept).is_none());
    }
}
