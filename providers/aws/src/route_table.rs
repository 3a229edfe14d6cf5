//! `aws_route_table` (inline `route` set), `aws_route_table_association`
//! and `aws_route`. Refresh reads are batched: one DescribeRouteTables per
//! VPC (route tables) or per route table (associations, routes) answers
//! every read of that scope (see `cache`).
//!
//! A route is its destination (IPv4 CIDR, IPv6 CIDR or prefix list) and one
//! target; updates replace a route whose destination stays, create new
//! destinations and delete the ones that are gone. The VPC's `local` route
//! and routes propagated from virtual private gateways are AWS's own and
//! are not reported.

use crate::client::{aws_error, Aws, AwsError, EVENTUAL_CONSISTENCY};
use crate::util::{attr, map_of, nonempty, object, str_attr, strings_of, with_attr};
use crate::vpc::{delete_with_retry, filter, tag_pairs, tag_spec, update_tags};
use crate::{id_of, tags};
use aws_sdk_ec2::types::{ResourceType, Route, RouteTable};
use std::collections::{BTreeMap, HashMap};
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, ProviderDiagnostic};

/// Destination attributes of an inline route, in Terraform's names.
const DESTINATIONS: [&str; 3] = ["cidr_block", "ipv6_cidr_block", "destination_prefix_list_id"];

/// Target attributes, in Terraform's names.
const TARGETS: [&str; 10] = [
    "carrier_gateway_id",
    "core_network_arn",
    "egress_only_gateway_id",
    "gateway_id",
    "local_gateway_id",
    "nat_gateway_id",
    "network_interface_id",
    "transit_gateway_id",
    "vpc_endpoint_id",
    "vpc_peering_connection_id",
];

/// Targets of `aws_default_route_table`'s inline routes: a subset of
/// `aws_route_table`'s, plus an instance.
pub const DEFAULT_TABLE_TARGETS: [&str; 9] = [
    "core_network_arn",
    "egress_only_gateway_id",
    "gateway_id",
    "instance_id",
    "nat_gateway_id",
    "network_interface_id",
    "transit_gateway_id",
    "vpc_endpoint_id",
    "vpc_peering_connection_id",
];

fn route_block() -> Block {
    inline_block(&TARGETS)
}

/// The object type of an inline route with these targets.
pub fn inline_block(targets: &[&str]) -> Block {
    Block {
        attributes: DESTINATIONS
            .iter()
            .chain(targets.iter())
            .map(|n| (n.to_string(), Attribute::optional(Type::String)))
            .collect(),
        blocks: BTreeMap::new(),
    }
}

pub fn schema() -> Block {
    let c = || Attribute::computed(Type::String);
    Block {
        attributes: BTreeMap::from([
            ("arn".to_string(), c()),
            ("id".to_string(), c()),
            ("owner_id".to_string(), c()),
            ("propagating_vgws".to_string(), Attribute::optional_computed(Type::set(Type::String))),
            // Set-of-object attribute (Terraform's `ConfigModeAttr`): `route { }` blocks or `route = [...]`.
            ("route".to_string(), Attribute::optional_computed(Type::set(route_block().implied_type()))),
            ("tags".to_string(), Attribute::optional(Type::map(Type::String))),
            ("tags_all".to_string(), Attribute::optional_computed(Type::map(Type::String))),
            ("vpc_id".to_string(), Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn association_schema() -> Block {
    Block {
        attributes: BTreeMap::from([
            ("gateway_id".to_string(), Attribute::optional(Type::String).force_new()),
            ("id".to_string(), Attribute::computed(Type::String)),
            ("route_table_id".to_string(), Attribute::required(Type::String)),
            ("subnet_id".to_string(), Attribute::optional(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn route_schema() -> Block {
    let mut attributes: BTreeMap<String, Attribute> = BTreeMap::new();
    for d in ["destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"] {
        attributes.insert(d.to_string(), Attribute::optional(Type::String).force_new());
    }
    for t in TARGETS {
        attributes.insert(t.to_string(), Attribute::optional(Type::String));
    }
    attributes.insert("network_interface_id".to_string(), Attribute::optional_computed(Type::String));
    for c in ["id", "instance_id", "instance_owner_id", "origin", "state"] {
        attributes.insert(c.to_string(), Attribute::computed(Type::String));
    }
    attributes.insert("route_table_id".to_string(), Attribute::required(Type::String).force_new());
    Block { attributes, blocks: BTreeMap::new() }
}

/// One route: destination attribute and value, and its targets.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RouteSpec {
    dest_kind: &'static str,
    dest: String,
    targets: BTreeMap<&'static str, String>,
}

impl RouteSpec {
    fn target(&self, name: &str) -> Option<String> {
        self.targets.get(name).cloned()
    }

    /// From an inline route or an `aws_route` (whose destinations carry
    /// the `destination_` prefix).
    fn from_value(v: &Value, route_resource: bool, targets: &[&'static str]) -> Option<RouteSpec> {
        let (dest_kind, dest) = DESTINATIONS.iter().find_map(|d| {
            let name = if route_resource && *d != "destination_prefix_list_id" {
                format!("destination_{d}")
            } else {
                d.to_string()
            };
            nonempty(v, &name).map(|x| (*d, x))
        })?;
        let targets = targets.iter().filter_map(|t| nonempty(v, t).map(|x| (*t, x))).collect();
        Some(RouteSpec { dest_kind, dest, targets })
    }

    fn from_aws(r: &Route) -> Option<RouteSpec> {
        let (dest_kind, dest) = if let Some(c) = r.destination_cidr_block() {
            ("cidr_block", c)
        } else if let Some(c) = r.destination_ipv6_cidr_block() {
            ("ipv6_cidr_block", c)
        } else {
            ("destination_prefix_list_id", r.destination_prefix_list_id()?)
        };
        let mut targets = BTreeMap::new();
        let mut put = |k: &'static str, v: Option<&str>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                targets.insert(k, v.to_string());
            }
        };
        match r.gateway_id() {
            Some(g) if g.starts_with("vpce-") => put("vpc_endpoint_id", Some(g)),
            g => put("gateway_id", g),
        }
        put("carrier_gateway_id", r.carrier_gateway_id());
        put("core_network_arn", r.core_network_arn());
        put("egress_only_gateway_id", r.egress_only_internet_gateway_id());
        put("instance_id", r.instance_id());
        put("local_gateway_id", r.local_gateway_id());
        put("nat_gateway_id", r.nat_gateway_id());
        if r.nat_gateway_id().is_none() {
            put("network_interface_id", r.network_interface_id());
        }
        put("transit_gateway_id", r.transit_gateway_id());
        put("vpc_peering_connection_id", r.vpc_peering_connection_id());
        Some(RouteSpec { dest_kind, dest: dest.to_string(), targets })
    }

    /// The inline route value: every attribute set, "" where unused.
    fn inline_value(&self, targets: &[&str]) -> Value {
        let block = inline_block(targets);
        let mut values: Vec<(&str, Value)> =
            DESTINATIONS.iter().chain(targets.iter()).map(|n| (*n, Value::string(""))).collect();
        for (n, v) in values.iter_mut() {
            if *n == self.dest_kind {
                *v = Value::string(self.dest.as_str());
            } else if let Some(t) = self.targets.get(*n) {
                *v = Value::string(t.as_str());
            }
        }
        object(&block, values)
    }
}

/// The AWS routes the configuration manages: not `local`, not propagated.
fn managed_routes(rt: &RouteTable) -> Vec<RouteSpec> {
    rt.routes()
        .iter()
        .filter(|r| r.gateway_id() != Some("local"))
        .filter(|r| r.origin().map(|o| o.as_str()) != Some("EnableVgwRoutePropagation"))
        // A Gateway endpoint's routes belong to its `aws_vpc_endpoint`, as
        // the provider's table read skips them.
        .filter(|r| {
            !(r.destination_prefix_list_id().is_some() && r.gateway_id().is_some_and(|g| g.starts_with("vpce-")))
        })
        .filter_map(RouteSpec::from_aws)
        .collect()
}

macro_rules! with_route {
    ($req:expr, $spec:expr) => {{
        let s: &RouteSpec = $spec;
        let req = match s.dest_kind {
            "cidr_block" => $req.destination_cidr_block(&s.dest),
            "ipv6_cidr_block" => $req.destination_ipv6_cidr_block(&s.dest),
            _ => $req.destination_prefix_list_id(&s.dest),
        };
        req.set_carrier_gateway_id(s.target("carrier_gateway_id"))
            .set_core_network_arn(s.target("core_network_arn"))
            .set_egress_only_internet_gateway_id(s.target("egress_only_gateway_id"))
            .set_gateway_id(s.target("gateway_id"))
            .set_instance_id(s.target("instance_id"))
            .set_local_gateway_id(s.target("local_gateway_id"))
            .set_nat_gateway_id(s.target("nat_gateway_id"))
            .set_network_interface_id(s.target("network_interface_id"))
            .set_transit_gateway_id(s.target("transit_gateway_id"))
            .set_vpc_endpoint_id(s.target("vpc_endpoint_id"))
            .set_vpc_peering_connection_id(s.target("vpc_peering_connection_id"))
    }};
}

fn create_one_route(aws: &Aws, table: &str, spec: &RouteSpec) -> Result<(), ProviderDiagnostic> {
    // A just-created gateway may not be visible to the route yet.
    aws.retry(
        EVENTUAL_CONSISTENCY,
        |e| e.code == "InvalidParameterException" || e.code == "InvalidTransitGatewayID.NotFound",
        || {
            aws.log_call("ec2:CreateRoute");
            aws.block(with_route!(aws.ec2.create_route().route_table_id(table), spec).send())
                .map(|_| ())
                .map_err(aws_error)
        },
    )
    .map_err(|e| e.into_diag(&format!("creating Route in Route Table ({table}) with destination ({})", spec.dest)))
}

fn replace_one_route(aws: &Aws, table: &str, spec: &RouteSpec) -> Result<(), ProviderDiagnostic> {
    aws.log_call("ec2:ReplaceRoute");
    aws.block(with_route!(aws.ec2.replace_route().route_table_id(table), spec).send()).map(|_| ()).map_err(|e| {
        aws_error(e).into_diag(&format!("updating Route in Route Table ({table}) with destination ({})", spec.dest))
    })
}

fn delete_one_route(aws: &Aws, table: &str, spec: &RouteSpec) -> Result<(), ProviderDiagnostic> {
    let req = aws.ec2.delete_route().route_table_id(table);
    let req = match spec.dest_kind {
        "cidr_block" => req.destination_cidr_block(&spec.dest),
        "ipv6_cidr_block" => req.destination_ipv6_cidr_block(&spec.dest),
        _ => req.destination_prefix_list_id(&spec.dest),
    };
    aws.log_call("ec2:DeleteRoute");
    match aws.block(req.send()).map_err(aws_error) {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => {
            Err(e.into_diag(&format!("deleting Route in Route Table ({table}) with destination ({})", spec.dest)))
        }
    }
}

/// The plan's inline routes: every unset attribute "" (as the state keeps
/// them). Without `route` (no block, no attribute) the table's routes are
/// not managed (Terraform's optional-and-computed `route`): the prior
/// routes stay; `route = []` deletes them all.
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> Value {
    plan_routes(planned, config, prior, &TARGETS)
}

/// [`plan`] for inline routes with these targets.
pub fn plan_routes(planned: &Value, config: &Value, prior: &Value, targets: &[&str]) -> Value {
    let ty = inline_block(targets).implied_type();
    if attr(config, "route").is_null() {
        let routes = if prior.is_null() { Value::unknown(Type::set(ty)) } else { attr(prior, "route") };
        return with_attr(planned, "route", routes);
    }
    let routes = attr(planned, "route");
    if !routes.is_known() {
        return planned.clone();
    }
    let routes = routes.unmark_deep().0;
    let items = routes
        .as_seq()
        .unwrap_or_default()
        .iter()
        .map(|r| {
            if !r.is_known() {
                return r.clone();
            }
            let mut r = r.clone();
            for n in DESTINATIONS.iter().chain(targets.iter()) {
                if attr(&r, n).is_null() {
                    r = with_attr(&r, n, Value::string(""));
                }
            }
            r
        })
        .collect();
    with_attr(planned, "route", Value::set(ty, items))
}

fn routes_of(v: &Value, targets: &[&'static str]) -> Vec<RouteSpec> {
    let routes = attr(v, "route").unmark_deep().0;
    routes.as_seq().unwrap_or_default().iter().filter_map(|r| RouteSpec::from_value(r, false, targets)).collect()
}

fn set_vgws(aws: &Aws, id: &str, old: &[String], new: &[String]) -> Result<(), ProviderDiagnostic> {
    for g in old.iter().filter(|g| !new.contains(g)) {
        aws.log_call("ec2:DisableVgwRoutePropagation");
        aws.block(aws.ec2.disable_vgw_route_propagation().route_table_id(id).gateway_id(g).send()).map_err(|e| {
            aws_error(e).into_diag(&format!("disabling Route Table ({id}) VGW ({g}) route propagation"))
        })?;
    }
    for g in new.iter().filter(|g| !old.contains(g)) {
        aws.log_call("ec2:EnableVgwRoutePropagation");
        aws.block(aws.ec2.enable_vgw_route_propagation().route_table_id(id).gateway_id(g).send())
            .map_err(|e| aws_error(e).into_diag(&format!("enabling Route Table ({id}) VGW ({g}) route propagation")))?;
    }
    Ok(())
}

fn update_routes(aws: &Aws, id: &str, old: &[RouteSpec], new: &[RouteSpec]) -> Result<(), ProviderDiagnostic> {
    for r in old.iter().filter(|o| !new.iter().any(|n| n.dest == o.dest)) {
        delete_one_route(aws, id, r)?;
    }
    for r in new {
        match old.iter().find(|o| o.dest == r.dest) {
            Some(o) if o == r => {}
            Some(_) => replace_one_route(aws, id, r)?,
            None => create_one_route(aws, id, r)?,
        }
    }
    Ok(())
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let req = aws.ec2.create_route_table().set_vpc_id(str_attr(planned, "vpc_id")).set_tag_specifications(
        tag_spec(ResourceType::RouteTable, &map_of(&attr(planned, "tags_all"))).map(|t| vec![t]),
    );
    aws.log_call("ec2:CreateRouteTable");
    let out = aws.block(req.send()).map_err(|e| aws_error(e).into_diag("creating Route Table"))?;
    let id = out.route_table().and_then(|t| t.route_table_id()).unwrap_or_default().to_string();
    wait_visible(aws, &id)?;
    let stub = with_attr(planned, "id", Value::string(id.as_str()));
    set_vgws(aws, &id, &[], &strings_of(&attr(planned, "propagating_vgws")))?;
    update_routes(aws, &id, &[], &routes_of(planned, &TARGETS))?;
    read_after_write(aws, &stub)
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    apply_changes(aws, &id_of(prior), prior, planned, &TARGETS)?;
    read_after_write(aws, planned)
}

/// Brings table `id`'s propagating gateways, inline routes (with these
/// targets) and tags from `prior` to `planned`.
pub fn apply_changes(
    aws: &Aws,
    id: &str,
    prior: &Value,
    planned: &Value,
    targets: &[&'static str],
) -> Result<(), ProviderDiagnostic> {
    if attr(planned, "propagating_vgws").is_wholly_known() {
        set_vgws(
            aws,
            id,
            &strings_of(&attr(prior, "propagating_vgws")),
            &strings_of(&attr(planned, "propagating_vgws")),
        )?;
    }
    update_routes(aws, id, &routes_of(prior, targets), &routes_of(planned, targets))?;
    update_tags(aws, id, prior, planned)
}

/// Strips table `rt` of what its adopter does not configure: every
/// propagating gateway and every route but the `local` one, propagated
/// ones and VPC endpoint routes (which `aws_vpc_endpoint` manages).
pub fn strip(aws: &Aws, rt: &RouteTable) -> Result<(), ProviderDiagnostic> {
    let id = rt.route_table_id().unwrap_or_default();
    let vgws: Vec<String> = rt.propagating_vgws().iter().filter_map(|g| g.gateway_id()).map(String::from).collect();
    set_vgws(aws, id, &vgws, &[])?;
    for r in managed_routes(rt) {
        if r.dest_kind == "destination_prefix_list_id" && r.target("vpc_endpoint_id").is_some() {
            continue;
        }
        delete_one_route(aws, id, &r)?;
    }
    Ok(())
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    if let Some(rt) = describe_one(aws, &id).map_err(|e| e.into_diag(&format!("reading Route Table ({id})")))? {
        for a in rt.associations().iter().filter(|a| a.main() != Some(true)) {
            if let Some(assoc) = a.route_table_association_id() {
                disassociate(aws, assoc)?;
            }
        }
    }
    delete_with_retry(aws, &format!("Route Table ({id})"), || {
        aws.log_call("ec2:DeleteRouteTable");
        aws.block(aws.ec2.delete_route_table().route_table_id(&id).send()).map(|_| ()).map_err(aws_error)
    })
}

pub fn wait_visible(aws: &Aws, id: &str) -> Result<RouteTable, ProviderDiagnostic> {
    aws.until_visible(id, || describe_one(aws, id)).map_err(|e| e.into_diag(&format!("reading Route Table ({id})")))
}

fn read_after_write(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let rt = wait_visible(aws, &id_of(planned))?;
    Ok(state_of(aws, &rt, planned))
}

pub fn describe_by(aws: &Aws, name: &str, value: &str) -> Result<HashMap<String, RouteTable>, AwsError> {
    let mut out = HashMap::new();
    let mut token: Option<String> = None;
    // Bounded: 1,000 pages.
    for _ in 0..1000 {
        aws.log_call("ec2:DescribeRouteTables");
        let page = aws
            .block(aws.ec2.describe_route_tables().filters(filter(name, value)).set_next_token(token.clone()).send())
            .map_err(aws_error)?;
        for t in page.route_tables() {
            if let Some(id) = t.route_table_id() {
                out.insert(id.to_string(), t.clone());
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

pub fn describe_one(aws: &Aws, id: &str) -> Result<Option<RouteTable>, AwsError> {
    Ok(describe_by(aws, "route-table-id", id)?.remove(id))
}

/// A route table from the batch of its scope (one describe per table id,
/// shared by the table's routes and associations during one refresh).
fn cached_table(aws: &Aws, id: &str) -> Result<Option<RouteTable>, AwsError> {
    aws.cache.get_or_fill(&format!("route-table/{id}"), id, || describe_by(aws, "route-table-id", id))
}

/// The route table as it is now; `None` when it no longer exists.
pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let what = format!("reading Route Table ({id})");
    let found = match nonempty(current, "vpc_id") {
        Some(vpc) => aws
            .cache
            .get_or_fill(&format!("route-tables/{vpc}"), &id, || describe_by(aws, "vpc-id", &vpc))
            .map_err(|e| e.into_diag(&what))?,
        None => describe_one(aws, &id).map_err(|e| e.into_diag(&what))?,
    };
    Ok(found.map(|t| state_of(aws, &t, current)))
}

fn state_of(aws: &Aws, rt: &RouteTable, prior: &Value) -> Value {
    let s = |x: &str| Value::string(x);
    let id = rt.route_table_id().unwrap_or_default();
    let owner = rt.owner_id().unwrap_or_default();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(prior, "tags"), tag_pairs(rt.tags()));
    object(
        &schema(),
        [
            ("arn", s(&aws.arn("route-table", owner, id))),
            ("id", s(id)),
            ("owner_id", s(owner)),
            ("propagating_vgws", propagating_vgws(rt)),
            ("route", inline_routes(rt, &TARGETS)),
            ("tags", tags),
            ("tags_all", tags_all),
            ("vpc_id", s(rt.vpc_id().unwrap_or_default())),
        ],
    )
}

/// The table's managed routes as inline routes with these targets.
pub fn inline_routes(rt: &RouteTable, targets: &[&str]) -> Value {
    let routes: Vec<Value> = managed_routes(rt).iter().map(|r| r.inline_value(targets)).collect();
    Value::set(inline_block(targets).implied_type(), routes)
}

pub fn propagating_vgws(rt: &RouteTable) -> Value {
    Value::set(Type::String, rt.propagating_vgws().iter().filter_map(|g| g.gateway_id()).map(Value::string).collect())
}

// --- aws_route_table_association ---

fn disassociate(aws: &Aws, assoc: &str) -> Result<(), ProviderDiagnostic> {
    aws.log_call("ec2:DisassociateRouteTable");
    match aws.block(aws.ec2.disassociate_route_table().association_id(assoc).send()).map_err(aws_error) {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e.into_diag(&format!("deleting Route Table Association ({assoc})"))),
    }
}

pub fn create_association(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let table = str_attr(planned, "route_table_id").unwrap_or_default();
    let out = aws
        .retry(
            EVENTUAL_CONSISTENCY,
            |e| e.code == "InvalidRouteTableID.NotFound",
            || {
                aws.log_call("ec2:AssociateRouteTable");
                aws.block(
                    aws.ec2
                        .associate_route_table()
                        .route_table_id(&table)
                        .set_subnet_id(nonempty(planned, "subnet_id"))
                        .set_gateway_id(nonempty(planned, "gateway_id"))
                        .send(),
                )
                .map_err(aws_error)
            },
        )
        .map_err(|e| e.into_diag(&format!("creating Route Table ({table}) Association")))?;
    let id = out.association_id().unwrap_or_default().to_string();
    association_after_write(aws, &with_attr(planned, "id", Value::string(id.as_str())))
}

pub fn update_association(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(prior);
    let table = str_attr(planned, "route_table_id").unwrap_or_default();
    aws.log_call("ec2:ReplaceRouteTableAssociation");
    let out = aws
        .block(aws.ec2.replace_route_table_association().association_id(&id).route_table_id(&table).send())
        .map_err(|e| aws_error(e).into_diag(&format!("updating Route Table Association ({id})")))?;
    // Replacing an association gives it a new id.
    let new_id = out.new_association_id().map(String::from).unwrap_or(id);
    association_after_write(aws, &with_attr(planned, "id", Value::string(new_id.as_str())))
}

/// Moving an association to another table gives it a new id.
pub fn plan_association(planned: &Value, prior: &Value) -> Value {
    let moved = !prior.is_null() && !attr(planned, "route_table_id").raw_equal(&attr(prior, "route_table_id"));
    if moved {
        with_attr(planned, "id", Value::unknown(Type::String))
    } else {
        planned.clone()
    }
}

pub fn delete_association(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    disassociate(aws, &id_of(prior))
}

fn association_after_write(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(planned);
    aws.until_visible(&id, || find_association(aws, planned, false))
        .map_err(|e| e.into_diag(&format!("reading Route Table Association ({id})")))
}

/// Finds the association by id, or for an import id `subnet-…/rtb-…` (or
/// `igw-…/rtb-…`) by what it associates.
fn find_association(aws: &Aws, current: &Value, cached: bool) -> Result<Option<Value>, AwsError> {
    let id = id_of(current);
    let (table, target) = match id.split_once('/') {
        Some((target, table)) => (Some(table.to_string()), Some(target.to_string())),
        None => (nonempty(current, "route_table_id"), None),
    };
    let tables: Vec<RouteTable> = match &table {
        Some(t) if cached => cached_table(aws, t)?.into_iter().collect(),
        Some(t) => describe_one(aws, t)?.into_iter().collect(),
        None => describe_by(aws, "association.route-table-association-id", &id)?.into_values().collect(),
    };
    // An association that moved to another table (by hand) is still found by its id.
    let tables = if tables.iter().any(|t| has_association(t, &id, target.as_deref())) || target.is_some() {
        tables
    } else {
        describe_by(aws, "association.route-table-association-id", &id)?.into_values().collect()
    };
    for t in &tables {
        for a in t.associations() {
            let state = a.association_state().and_then(|s| s.state()).map(|s| s.as_str().to_string());
            if matches!(state.as_deref(), Some("disassociated") | Some("disassociating") | Some("failed")) {
                continue;
            }
            let matches = match &target {
                Some(x) => a.subnet_id() == Some(x.as_str()) || a.gateway_id() == Some(x.as_str()),
                None => a.route_table_association_id() == Some(id.as_str()),
            };
            if matches && a.main() != Some(true) {
                // The target not used is "", as the provider stores it.
                let opt = |x: Option<&str>| Value::string(x.unwrap_or_default());
                return Ok(Some(object(
                    &association_schema(),
                    [
                        ("gateway_id", opt(a.gateway_id())),
                        ("id", Value::string(a.route_table_association_id().unwrap_or_default())),
                        (
                            "route_table_id",
                            Value::string(a.route_table_id().or(t.route_table_id()).unwrap_or_default()),
                        ),
                        ("subnet_id", opt(a.subnet_id())),
                    ],
                )));
            }
        }
    }
    Ok(None)
}

fn has_association(t: &RouteTable, id: &str, target: Option<&str>) -> bool {
    t.associations().iter().any(|a| match target {
        Some(x) => a.subnet_id() == Some(x) || a.gateway_id() == Some(x),
        None => a.route_table_association_id() == Some(id),
    })
}

pub fn read_association(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    find_association(aws, current, true).map_err(|e| e.into_diag(&format!("reading Route Table Association ({id})")))
}

// --- aws_route ---

/// Terraform's id of a route: `r-` + table id + the CRC-32 of the destination.
pub fn route_id(table: &str, destination: &str) -> String {
    format!("r-{table}{}", crc32(destination.as_bytes()))
}

pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

pub fn create_route(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let table = str_attr(planned, "route_table_id").unwrap_or_default();
    let Some(spec) = RouteSpec::from_value(planned, true, &TARGETS) else {
        return Err(ProviderDiagnostic::error(
            "Invalid route",
            "One of destination_cidr_block, destination_ipv6_cidr_block or destination_prefix_list_id must be set.",
        ));
    };
    create_one_route(aws, &table, &spec)?;
    route_after_write(aws, &with_attr(planned, "id", Value::string(route_id(&table, &spec.dest))))
}

pub fn update_route(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let table = str_attr(planned, "route_table_id").unwrap_or_default();
    if let Some(spec) = RouteSpec::from_value(planned, true, &TARGETS) {
        replace_one_route(aws, &table, &spec)?;
    }
    route_after_write(aws, &with_attr(planned, "id", attr(prior, "id")))
}

pub fn delete_route(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let table = str_attr(prior, "route_table_id").unwrap_or_default();
    match RouteSpec::from_value(prior, true, &TARGETS) {
        Some(spec) => delete_one_route(aws, &table, &spec),
        None => Ok(()),
    }
}

fn route_after_write(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(planned);
    aws.until_visible(&format!("route {id}"), || find_route(aws, planned, false))
        .map_err(|e| e.into_diag(&format!("reading Route ({id})")))
}

/// Finds the route by table and destination; an import id is
/// `rtb-…_DESTINATION`.
fn find_route(aws: &Aws, current: &Value, cached: bool) -> Result<Option<Value>, AwsError> {
    let id = id_of(current);
    let (table, dest) = match (nonempty(current, "route_table_id"), RouteSpec::from_value(current, true, &TARGETS)) {
        (Some(t), Some(spec)) => (t, spec.dest),
        _ => match id.split_once('_') {
            Some((t, d)) => (t.to_string(), d.to_string()),
            None => return Ok(None),
        },
    };
    let rt = if cached { cached_table(aws, &table)? } else { describe_one(aws, &table)? };
    let Some(rt) = rt else { return Ok(None) };
    let Some(route) = rt.routes().iter().find(|r| {
        r.destination_cidr_block() == Some(dest.as_str())
            || r.destination_ipv6_cidr_block() == Some(dest.as_str())
            || r.destination_prefix_list_id() == Some(dest.as_str())
    }) else {
        return Ok(None);
    };
    let Some(spec) = RouteSpec::from_aws(route) else { return Ok(None) };
    // Unset destinations and targets are "", as the provider stores them.
    let opt = |x: Option<&str>| Value::string(x.unwrap_or_default());
    let mut values: Vec<(&str, Value)> = vec![
        ("id", Value::string(route_id(&table, &spec.dest))),
        ("route_table_id", Value::string(table.as_str())),
        ("instance_id", Value::string(route.instance_id().unwrap_or_default())),
        ("instance_owner_id", Value::string(route.instance_owner_id().unwrap_or_default())),
        ("origin", Value::string(route.origin().map(|o| o.as_str()).unwrap_or_default())),
        ("state", Value::string(route.state().map(|o| o.as_str()).unwrap_or_default())),
        ("network_interface_id", Value::string(route.network_interface_id().unwrap_or_default())),
    ];
    for (kind, name) in [
        ("cidr_block", "destination_cidr_block"),
        ("ipv6_cidr_block", "destination_ipv6_cidr_block"),
        ("destination_prefix_list_id", "destination_prefix_list_id"),
    ] {
        values.push((name, opt((spec.dest_kind == kind).then_some(spec.dest.as_str()))));
    }
    for t in TARGETS.into_iter().filter(|t| *t != "network_interface_id") {
        values.push((t, opt(spec.targets.get(t).map(String::as_str))));
    }
    Ok(Some(object(&route_schema(), values)))
}

pub fn read_route(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    find_route(aws, current, true).map_err(|e| e.into_diag(&format!("reading Route ({id})")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_ids_are_terraforms() {
        // hashcode.String("0.0.0.0/0") in Terraform's provider.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert!(route_id("rtb-1", "0.0.0.0/0").starts_with("r-rtb-1"));
    }

    #[test]
    fn planned_routes_have_every_attribute_set() {
        let r = object(
            &route_block(),
            [("cidr_block", Value::string("0.0.0.0/0")), ("gateway_id", Value::string("igw-1"))],
        );
        let planned = object(&schema(), [("route", Value::set(route_block().implied_type(), vec![r]))]);
        let planned = plan(&planned, &planned, &Value::null(schema().implied_type()));
        let spec = RouteSpec {
            dest_kind: "cidr_block",
            dest: "0.0.0.0/0".into(),
            targets: BTreeMap::from([("gateway_id", "igw-1".to_string())]),
        };
        let want = Value::set(route_block().implied_type(), vec![spec.inline_value(&TARGETS)]);
        assert!(attr(&planned, "route").raw_equal(&want));
    }
}
