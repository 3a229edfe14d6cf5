//! The `aws` provider (source `hashicorp/aws`).
//! Resource types, arguments and computed attributes follow Terraform's
//! hashicorp/aws provider so existing configurations work unchanged:
//! `aws_vpc`, `aws_subnet`, `aws_internet_gateway`, `aws_security_group`,
//! `aws_route_table`, `aws_route_table_association`, `aws_route`,
//! `aws_vpc_security_group_ingress_rule`/`_egress_rule`, `aws_eip`,
//! `aws_nat_gateway` (each with its `timeouts {}` block where Terraform's
//! has one, bounding the operation: `timeouts`) and the
//! data sources `aws_vpc`, `aws_subnets`, `aws_availability_zones`,
//! `aws_caller_identity` and `aws_region`; IAM, a global service:
//! `aws_iam_role`, `aws_iam_policy`, `aws_iam_role_policy` and
//! `aws_iam_role_policy_attachment`, `aws_iam_instance_profile`,
//! `aws_iam_service_linked_role` and data `aws_iam_policy` (documents
//! compared by meaning, `iam_policy`); CloudWatch Logs:
//! `aws_cloudwatch_log_group` and its data source (`logs`); CloudWatch
//! metric alarms, `aws_cloudwatch_metric_alarm` (`metric_alarm`); ECS
//! clusters, capacity providers, task definitions and services, and their
//! data sources (`ecs`); API Gateway REST APIs with their resources,
//! methods, integrations, deployments, stages, API keys and usage plans
//! (`apigateway`); Lambda functions, permissions, aliases and event
//! source mappings (`lambda`); S3 buckets, their split configuration
//! resources and objects (`s3`); VPC endpoints
//! (`vpc_endpoint`), the classic `aws_security_group_rule`
//! (`security_group_rule`) and VPC Block Public Access
//! (`block_public_access`); the database services' subnet groups, each
//! through its own SDK crate: `aws_db_subnet_group`,
//! `aws_elasticache_subnet_group` and `aws_redshift_subnet_group`
//! (`subnet_group`). Each service family since ECS is a `family::Family`
//! reached through `family::FAMILIES`: ECS (`ecs`), API Gateway REST
//! (`apigateway`), RDS parameter groups, instances (read replicas
//! included) and snapshots (`rds`), SQS queues and queue policies
//! (`sqs`), SNS topics and subscriptions (`sns`), KMS keys and aliases
//! (`kms`), Secrets Manager secrets and versions (`secretsmanager`),
//! DynamoDB tables (`dynamodb`), Lambda (`lambda`), S3 (`s3`) and Amazon
//! Managed Service for Prometheus workspaces, rule group namespaces and
//! alert manager definitions (`amp`), OpenSearch and Elasticsearch domains
//! and domain policies (`opensearch`), and CloudWatch Logs subscription
//! filters (`subscription_filter`). The
//! network types, log groups, subnet groups and most family types can
//! also be listed, for `strata drift -unmanaged` (`list`).
//!
//! The engine is synchronous and calls may come from several threads at
//! once; each configured instance owns a small multi-threaded Tokio runtime
//! and blocks on each AWS call. Refresh reads of one type are batched: the
//! first read of a subnet describes every subnet of its VPC in one call and
//! later reads are answered from that (see `cache`).
//!
//! This crate knows nothing of the engine, state files or configuration
//! files: it sees values shaped by its schemas.

mod amp;
mod apigateway;
mod appautoscaling;
mod block_public_access;
mod cache;
mod client;
mod data;
mod default_nacl;
mod defaults;
mod dhcp;
mod dynamodb;
mod ecs;
mod eigw;
mod eip;
mod elbv2;
mod family;
mod flow_log;
mod iam;
mod iam_instance_profile;
mod iam_policy;
mod iam_service_linked_role;
mod igw;
mod kms;
mod lambda;
mod list;
mod logs;
mod metric_alarm;
mod nacl;
mod nat;
mod opensearch;
mod policy_document;
mod rds;
mod region;
mod route_table;
mod s3;
mod secretsmanager;
mod security_group_rule;
mod settings;
mod sg;
mod sg_rule;
mod sns;
mod sqs;
mod subnet;
mod subnet_group;
mod subscription_filter;
mod tags;
mod timeouts;
mod util;
mod vpc;
mod vpc_cidr;
mod vpc_endpoint;
mod vpn;

use client::Aws;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use strata_lang::Value;
use strata_provider::*;
use util::{attr, str_attr, with_attr};

pub struct Factory;

impl ProviderFactory for Factory {
    fn source(&self) -> &str {
        "hashicorp/aws"
    }
    fn version(&self) -> &str {
        "6.28.0"
    }
    fn new_instance(&self) -> Arc<dyn Provider> {
        Arc::new(AwsProvider { aws: OnceLock::new(), settings: OnceLock::new(), regional: Mutex::new(BTreeMap::new()) })
    }
}

/// Adds the aws provider to `registry`.
pub fn register(registry: &mut Registry) {
    registry.add(Arc::new(Factory));
}

struct AwsProvider {
    /// The clients of the provider configuration's own region.
    aws: OnceLock<Arc<Aws>>,
    settings: OnceLock<settings::Settings>,
    /// Clients for the other regions resources name with their `region`
    /// argument (hashicorp/aws 6.x's per-resource region), connected on
    /// first use with the configuration's settings otherwise.
    regional: Mutex<BTreeMap<String, Arc<Aws>>>,
}

/// Types whose objects other resources change when applied: a NAT gateway
/// associates its Elastic IP, rule resources add to a group's `ingress`/
/// `egress`, `aws_route` adds to a table's `route`, `aws_network_acl_rule` and
/// `_association` add to an ACL's rules and `subnet_ids` (all optional and
/// computed, so the group and table read them back); an attachment
/// changes its IAM policy's `attachment_count`, and a role's
/// `managed_policy_arns` (and `inline_policy`, by `aws_iam_role_policy`);
/// `aws_sqs_queue_policy` sets its queue's `policy`, `aws_opensearch_domain_policy` its
/// domain's `access_policies`; the split S3
/// configuration resources write a bucket's optional and computed inline
/// blocks (`versioning`, `policy`, …); a listener (or listener rule)
/// forwarding to a target group fills the group's `load_balancer_arns`.
const CHANGED_BY_DEPENDENTS: [&str; 13] = [
    "aws_default_route_table",
    "aws_default_security_group",
    "aws_eip",
    "aws_iam_policy",
    "aws_iam_role",
    "aws_lb_target_group",
    "aws_network_acl",
    "aws_opensearch_domain",
    "aws_route_table",
    "aws_s3_bucket",
    "aws_security_group",
    "aws_sqs_queue",
    "aws_vpn_gateway",
];

/// Resource types of global services, which take no `region`.
const GLOBAL_RESOURCES: [&str; 6] = [
    "aws_iam_instance_profile",
    "aws_iam_policy",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_service_linked_role",
];

fn schema() -> Arc<ProviderSchema> {
    static SCHEMA: OnceLock<Arc<ProviderSchema>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            // hashicorp/aws 5.x builds these with terraform-plugin-sdk/v2, the
            // security group rule resources with the plugin framework.
            let sdk = ReadOnlyWording::Sdk;
            let rs = |block: Block| ResourceSchema { version: 1, block, read_only_wording: sdk, ..Default::default() };
            let rs0 = |block: Block| ResourceSchema { version: 0, block, read_only_wording: sdk, ..Default::default() };
            let framework = |block: Block| ResourceSchema { version: 0, block, ..Default::default() };
            let ds = |block: Block| ResourceSchema { version: 0, block, ..Default::default() };
            Arc::new(ProviderSchema {
                provider: settings::schema(),
                resources: BTreeMap::from([
                    // Versions as hashicorp/aws 5.x declares them (`SchemaVersion`).
                    ("aws_security_group".to_string(), rs(sg::schema())),
                    ("aws_subnet".to_string(), rs(subnet::schema())),
                    ("aws_vpc".to_string(), rs(vpc::schema())),
                    ("aws_internet_gateway".to_string(), rs0(igw::schema())),
                    ("aws_route".to_string(), rs0(route_table::route_schema())),
                    ("aws_route_table".to_string(), rs0(route_table::schema())),
                    ("aws_route_table_association".to_string(), rs0(route_table::association_schema())),
                    ("aws_eip".to_string(), rs0(eip::schema())),
                    ("aws_egress_only_internet_gateway".to_string(), rs0(eigw::schema())),
                    ("aws_vpc_dhcp_options".to_string(), rs0(dhcp::schema())),
                    ("aws_vpc_dhcp_options_association".to_string(), rs0(dhcp::association_schema())),
                    ("aws_vpc_ipv4_cidr_block_association".to_string(), rs0(vpc_cidr::schema())),
                    ("aws_customer_gateway".to_string(), rs0(vpn::customer_gateway_schema())),
                    ("aws_vpn_gateway".to_string(), rs0(vpn::vpn_gateway_schema())),
                    ("aws_vpn_gateway_attachment".to_string(), rs0(vpn::attachment_schema())),
                    ("aws_vpn_gateway_route_propagation".to_string(), rs0(vpn::propagation_schema())),
                    ("aws_flow_log".to_string(), rs0(flow_log::schema())),
                    ("aws_cloudwatch_log_group".to_string(), rs0(logs::schema())),
                    ("aws_cloudwatch_metric_alarm".to_string(), rs(metric_alarm::schema())),
                    ("aws_nat_gateway".to_string(), rs0(nat::schema())),
                    ("aws_network_acl".to_string(), rs0(nacl::schema())),
                    ("aws_network_acl_association".to_string(), rs0(nacl::association_schema())),
                    ("aws_network_acl_rule".to_string(), rs0(nacl::rule_schema())),
                    ("aws_vpc_security_group_egress_rule".to_string(), framework(sg_rule::schema())),
                    ("aws_vpc_security_group_ingress_rule".to_string(), framework(sg_rule::schema())),
                    ("aws_default_security_group".to_string(), rs(defaults::security_group_schema())),
                    ("aws_default_route_table".to_string(), rs0(defaults::route_table_schema())),
                    ("aws_default_vpc".to_string(), rs(defaults::vpc_schema())),
                    ("aws_default_network_acl".to_string(), rs0(default_nacl::schema())),
                    ("aws_vpc_endpoint".to_string(), rs0(vpc_endpoint::schema())),
                    (
                        "aws_security_group_rule".to_string(),
                        ResourceSchema { version: 2, ..rs(security_group_rule::schema()) },
                    ),
                    (
                        "aws_vpc_block_public_access_options".to_string(),
                        framework(block_public_access::options_schema()),
                    ),
                    (
                        "aws_vpc_block_public_access_exclusion".to_string(),
                        framework(block_public_access::exclusion_schema()),
                    ),
                    // The database services' subnet groups.
                    ("aws_db_subnet_group".to_string(), rs0(subnet_group::schema(subnet_group::Kind::Db))),
                    (
                        "aws_elasticache_subnet_group".to_string(),
                        rs0(subnet_group::schema(subnet_group::Kind::ElastiCache)),
                    ),
                    ("aws_redshift_subnet_group".to_string(), rs0(subnet_group::schema(subnet_group::Kind::Redshift))),
                    // IAM (global: no `region`).
                    ("aws_iam_instance_profile".to_string(), rs0(iam_instance_profile::schema())),
                    ("aws_iam_policy".to_string(), rs0(iam::policy_schema())),
                    ("aws_iam_role".to_string(), rs0(iam::role_schema())),
                    ("aws_iam_role_policy".to_string(), rs0(iam::role_policy_schema())),
                    ("aws_iam_role_policy_attachment".to_string(), rs0(iam::attachment_schema())),
                    ("aws_iam_service_linked_role".to_string(), rs0(iam_service_linked_role::schema())),
                    // Application Auto Scaling.
                    ("aws_appautoscaling_target".to_string(), rs0(appautoscaling::target_schema())),
                    ("aws_appautoscaling_policy".to_string(), rs0(appautoscaling::policy_schema())),
                ])
                .into_iter()
                .chain(elbv2::schemas(rs0))
                .chain(family::FAMILIES.iter().flat_map(|f| {
                    f.types().iter().map(move |t| {
                        let block = f.schema(t);
                        let r = if f.is_framework(t) { framework(block) } else { rs0(block) };
                        (t.to_string(), ResourceSchema { version: f.schema_version(t), ..r })
                    })
                }))
                .map(|(name, r)| {
                    let block = timeouts::with_block(&name, r.block);
                    let global = GLOBAL_RESOURCES.contains(&name.as_str())
                        || family::of(&name).is_some_and(|f| f.is_global(&name));
                    let block = if global { block } else { region::with_attribute(block) };
                    let reread_after_dependents_apply = CHANGED_BY_DEPENDENTS.contains(&name.as_str());
                    (name, ResourceSchema { block, reread_after_dependents_apply, ..r })
                })
                .collect(),
                data_sources: BTreeMap::from([
                    ("aws_availability_zones".to_string(), ds(data::availability_zones_schema())),
                    ("aws_caller_identity".to_string(), ds(data::caller_identity_schema())),
                    ("aws_cloudwatch_log_group".to_string(), ds(logs::data_schema())),
                    ("aws_iam_policy".to_string(), ds(iam_instance_profile::policy_data_schema())),
                    ("aws_iam_policy_document".to_string(), ds(policy_document::schema())),
                    ("aws_partition".to_string(), ds(policy_document::partition_schema())),
                    ("aws_region".to_string(), ds(data::region_schema())),
                    ("aws_subnets".to_string(), ds(data::subnets_schema())),
                    ("aws_vpc".to_string(), ds(data::vpc_schema())),
                    ("aws_vpc_endpoint_service".to_string(), ds(vpc_endpoint::service_schema())),
                ])
                .into_iter()
                .chain(
                    family::FAMILIES
                        .iter()
                        .flat_map(|f| f.data_types().iter().map(move |t| (t.to_string(), ds(f.data_schema(t))))),
                )
                .map(|(name, r)| {
                    // Global data sources take no region.
                    let global = ["aws_caller_identity", "aws_iam_policy", "aws_iam_policy_document", "aws_partition"];
                    let block = if global.contains(&name.as_str()) { r.block } else { region::with_attribute(r.block) };
                    (name, ResourceSchema { block, ..r })
                })
                .collect(),
            })
        })
        .clone()
}

fn block_of(type_name: &str) -> Option<Block> {
    schema().resources.get(type_name).map(|r| r.block.clone())
}

/// Arguments with a default that the plan fills in when configuration
/// leaves them null (Terraform's `Default:`; `aws_security_group`'s are
/// filled by `sg::plan`).
fn defaults(type_name: &str) -> Vec<(&'static str, Value)> {
    match type_name {
        "aws_vpc" => vec![
            ("instance_tenancy", Value::string("default")),
            ("enable_dns_support", Value::bool(true)),
            ("assign_generated_ipv6_cidr_block", Value::bool(false)),
        ],
        "aws_subnet" => vec![
            ("map_public_ip_on_launch", Value::bool(false)),
            ("assign_ipv6_address_on_creation", Value::bool(false)),
            ("enable_dns64", Value::bool(false)),
            ("enable_resource_name_dns_a_record_on_launch", Value::bool(false)),
            ("enable_resource_name_dns_aaaa_record_on_launch", Value::bool(false)),
            ("ipv6_native", Value::bool(false)),
        ],
        "aws_nat_gateway" => vec![("connectivity_type", Value::string("public"))],
        "aws_vpc_endpoint" => vec![("vpc_endpoint_type", Value::string("Gateway"))],
        "aws_flow_log" => vec![
            ("log_destination_type", Value::string("cloud-watch-logs")),
            ("max_aggregation_interval", Value::int(600)),
        ],
        "aws_default_vpc" => vec![
            ("enable_dns_hostnames", Value::bool(true)),
            ("enable_dns_support", Value::bool(true)),
            ("force_destroy", Value::bool(false)),
            ("assign_generated_ipv6_cidr_block", Value::bool(false)),
        ],
        "aws_cloudwatch_log_group" => logs::defaults(),
        "aws_cloudwatch_metric_alarm" => metric_alarm::defaults(),
        t if elbv2::TYPES.contains(&t) => elbv2::defaults(t),
        t if appautoscaling::TYPES.contains(&t) => appautoscaling::defaults(t),
        t if family::of(t).is_some() => family::of(t).expect("a family type").defaults(t),
        t if subnet_group::TYPES.contains(&t) => {
            vec![("description", Value::string(subnet_group::DEFAULT_DESCRIPTION))]
        }
        t => iam::defaults(t),
    }
}

impl AwsProvider {
    fn aws(&self) -> Result<Arc<Aws>, ProviderDiagnostic> {
        self.aws.get().cloned().ok_or_else(|| {
            ProviderDiagnostic::error("Provider not configured", "The aws provider was used before it was configured.")
        })
    }

    /// The clients for the region `value` names in its `region` attribute
    /// (the provider's own when it names none).
    fn aws_for(&self, value: &Value) -> Result<Arc<Aws>, ProviderDiagnostic> {
        let default = self.aws()?;
        let Some(region) = region::named(value).filter(|r| *r != default.region) else { return Ok(default) };
        let mut regional = self.regional.lock().expect("no poisoned locks");
        if let Some(aws) = regional.get(&region) {
            return Ok(aws.clone());
        }
        let mut settings = self.settings.get().cloned().unwrap_or_default();
        settings.region = Some(region.clone());
        // The credentials were checked when the provider was configured.
        settings.skip_credentials_validation = true;
        let aws = Arc::new(Aws::connect(settings)?);
        regional.insert(region, aws.clone());
        Ok(aws)
    }

    fn plan(&self, req: &PlanRequest) -> Result<PlanResponse, ProviderDiagnostic> {
        // The private data Terraform's plugin SDK stored (its timeouts and
        // schema version) is kept as it is: nothing here reads it.
        let mut resp = PlanResponse {
            planned: req.proposed.clone(),
            requires_replace: Vec::new(),
            private: req.prior_private.to_vec(),
            diagnostics: Vec::new(),
        };
        if req.proposed.is_null() || req.config.is_null() {
            return Ok(resp);
        }
        let aws = self.aws()?;
        let mut planned = req.proposed.clone();
        if is_regional(req.type_name) {
            planned = region::plan(req.proposed, req.config, req.prior, &aws.region);
            if let Some(path) = region::replaced(req.prior, &planned) {
                resp.requires_replace.push(path);
            }
        }
        for (name, default) in defaults(req.type_name) {
            if attr(req.config, name).is_null() {
                planned = with_attr(&planned, name, default);
            }
        }
        if !is_framework_resource(req.type_name) {
            planned = keep_legacy_zero_values(req.type_name, &planned, req.config, req.prior);
        }
        planned = match req.type_name {
            "aws_security_group" => sg::plan(&planned, req.config, req.prior),
            "aws_route_table" => route_table::plan(&planned, req.config, req.prior),
            "aws_route_table_association" => route_table::plan_association(&planned, req.prior),
            "aws_network_acl" => nacl::plan(&planned, req.config, req.prior),
            "aws_cloudwatch_log_group" => logs::plan(&planned, req.config, req.prior),
            "aws_cloudwatch_metric_alarm" => metric_alarm::plan(&planned, req.config, req.prior),
            t if appautoscaling::TYPES.contains(&t) => appautoscaling::plan(t, &planned, req.config, req.prior),
            t if elbv2::TYPES.contains(&t) => {
                let (planned, replace) = elbv2::plan(t, &planned, req.config, req.prior);
                resp.requires_replace.extend(replace);
                planned
            }
            "aws_iam_service_linked_role" => iam_service_linked_role::plan(&planned, req.config, req.prior),
            "aws_network_acl_rule" => nacl::plan_rule(&planned, req.config, req.prior),
            "aws_default_security_group" => defaults::plan_security_group(&planned, req.config, req.prior),
            "aws_default_route_table" => defaults::plan_route_table(&planned, req.config, req.prior),
            "aws_default_network_acl" => default_nacl::plan(&planned, req.config, req.prior),
            "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                let (planned, replace) = sg_rule::plan(&planned, req.config, req.prior);
                resp.requires_replace.extend(replace);
                planned
            }
            "aws_iam_role" | "aws_iam_policy" | "aws_iam_role_policy" | "aws_iam_instance_profile" => {
                iam::plan(req.type_name, &planned, req.config, req.prior)
            }
            "aws_vpc_endpoint" => {
                let (planned, replace) = vpc_endpoint::plan(&planned, req.config, req.prior);
                resp.requires_replace.extend(replace);
                planned
            }
            "aws_security_group_rule" => security_group_rule::plan(&planned, req.config, req.prior),
            "aws_vpc_block_public_access_options" => block_public_access::plan_options(&planned, req.prior),
            t => match (family::of(t), subnet_group::Kind::of(t)) {
                (Some(f), _) => {
                    let (planned, replace) = f.plan(t, &planned, req.config, req.prior);
                    resp.requires_replace.extend(replace);
                    planned
                }
                (None, Some(kind)) => subnet_group::plan(kind, &planned, req.config),
                (None, None) => planned,
            },
        };
        if block_of(req.type_name).is_some_and(|b| b.attributes.contains_key("tags_all")) {
            let tags_all = tags::plan_tags_all(&aws.default_tags, &attr(req.config, "tags"));
            planned = with_attr(&planned, "tags_all", tags_all);
        }
        resp.planned = planned;
        Ok(resp)
    }

    /// One create, update or delete, bounded by the resource's timeout
    /// for it; the result keeps the planned `timeouts`.
    fn apply(&self, req: &ApplyRequest) -> Result<Value, ProviderDiagnostic> {
        let (operation, configured) = match (req.prior.is_null(), req.planned.is_null()) {
            (_, true) => ("delete", req.prior),
            (true, false) => ("create", req.planned),
            (false, false) => ("update", req.planned),
        };
        let aws = self.aws_for(configured)?;
        let aws = &*aws;
        let limit = timeouts::timeout(req.type_name, configured, operation);
        // A create carries the engine's token as a tag, where the type has tags.
        let tagged;
        let req = match req.create_token {
            Some(token)
                if operation == "create" && has_tags(req.type_name) && !defaults::ADOPTED.contains(&req.type_name) =>
            {
                tagged = tags::with_create_token(req.planned, token);
                &ApplyRequest { planned: &tagged, ..*req }
            }
            _ => req,
        };
        let result = tags::without_create_token(&aws.within(limit, || self.apply_operation(aws, req))?);
        let result = region::with_region(&result, configured, &aws.region, is_regional(req.type_name));
        Ok(match block_of(req.type_name) {
            Some(block) => timeouts::carry(&block, &result, req.planned),
            None => result,
        })
    }

    /// The object an interrupted create made, if it made one: found by its
    /// create token tag (one DescribeTags call whatever the type), or, for
    /// the types AWS cannot tag, by what names them.
    fn find(&self, req: &FindCreatedRequest) -> Result<Option<Value>, ProviderDiagnostic> {
        // A create sent just before the crash may still be completing, and
        // new objects show in describe calls only after a moment: until the
        // create is this old, not finding it is not yet an answer.
        const SETTLE: std::time::Duration = std::time::Duration::from_secs(30);
        let started = std::time::Instant::now();
        loop {
            let found = self.find_once(req.type_name, req.token, req.planned)?;
            let age = req.age.saturating_add(started.elapsed());
            if found.is_some() || age >= SETTLE {
                return Ok(found);
            }
            std::thread::sleep((SETTLE - age).min(std::time::Duration::from_secs(1)));
        }
    }

    fn find_once(&self, type_name: &str, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        let aws = self.aws_for(planned)?;
        let stub = util::known_or_null(planned);
        let current = match type_name {
            "aws_route_table_association" => {
                let target = str_attr(&stub, "subnet_id").or_else(|| str_attr(&stub, "gateway_id")).unwrap_or_default();
                let table = str_attr(&stub, "route_table_id").unwrap_or_default();
                with_attr(&stub, "id", Value::string(format!("{target}/{table}")))
            }
            "aws_route"
            | "aws_vpc_dhcp_options_association"
            | "aws_vpn_gateway_attachment"
            | "aws_vpn_gateway_route_propagation" => stub,
            // Not taggable, and nothing names it before it exists: the
            // VPC's association with the planned block, if there is one.
            "aws_vpc_ipv4_cidr_block_association" => {
                let Some(found) = vpc_cidr::find(&aws, &stub)? else { return Ok(None) };
                found
            }
            // Found by what names them: the ACL's rule number, the subnet.
            "aws_network_acl_rule" | "aws_network_acl_association" => stub,
            // Adopted objects: found by what names them.
            "aws_default_security_group"
            | "aws_default_route_table"
            | "aws_default_vpc"
            | "aws_default_network_acl" => {
                let found = match type_name {
                    "aws_default_security_group" => defaults::find_security_group(&aws, &stub)?,
                    "aws_default_route_table" => defaults::find_route_table(&aws, &stub)?,
                    "aws_default_network_acl" => default_nacl::find(&stub),
                    _ => defaults::find_vpc(&aws, &stub)?,
                };
                match found {
                    Some(v) => v,
                    None => return Ok(None),
                }
            }
            // IAM objects: by the name they were given (or its prefix) and
            // the create token tag where the type has tags.
            "aws_iam_role" => return iam::find_role(&aws, token, planned),
            "aws_iam_policy" => return iam::find_policy(&aws, token, planned),
            // Named at plan time (a prefix is `CannotTell`, see `find_created`).
            "aws_iam_role_policy" => match iam::role_policy_stub(planned) {
                Some(stub) => stub,
                None => return Ok(None),
            },
            "aws_iam_role_policy_attachment" => stub,
            // Not taggable: named by what it allows.
            "aws_security_group_rule" => with_attr(&stub, "id", Value::string(security_group_rule::rule_id(&stub))),
            // One per account and region: it always exists.
            "aws_vpc_block_public_access_options" => stub,
            "aws_iam_instance_profile" => return iam_instance_profile::find(&aws, token, planned),
            "aws_cloudwatch_log_group" => return logs::find(&aws, token, planned),
            "aws_cloudwatch_metric_alarm" => return metric_alarm::find(&aws, token, planned),
            t if elbv2::TYPES.contains(&t) => return elbv2::find(&aws, t, token, planned),
            // Named by their arguments.
            t if appautoscaling::TYPES.contains(&t) => return appautoscaling::find(&aws, t, planned),
            "aws_iam_service_linked_role" => return iam_service_linked_role::find(&aws, token, planned),
            t if family::of(t).is_some() => {
                return family::of(t).expect("a family type").find(&aws, t, token, planned);
            }
            // Named by their arguments (RDS: or a prefix), and tagged.
            t if subnet_group::Kind::of(t).is_some() => {
                let kind = subnet_group::Kind::of(t).expect("a subnet group type");
                return subnet_group::find(&aws, kind, token, planned);
            }
            _ => {
                aws.log_call("ec2:DescribeTags");
                let out = aws
                    .block(
                        aws.ec2
                            .describe_tags()
                            .filters(vpc::filter("key", tags::CREATE_TOKEN_TAG))
                            .filters(vpc::filter("value", token))
                            .send(),
                    )
                    .map_err(|e| client::aws_error(e).into_diag("looking for an object an interrupted create made"))?;
                let Some(id) = out.tags().iter().find_map(|t| t.resource_id()) else { return Ok(None) };
                with_attr(&stub, "id", Value::string(id))
            }
        };
        // Batched reads may hold a describe made before the create landed.
        aws.cache.invalidate();
        self.read(type_name, &current)
    }

    /// The object a create made before it failed (an ECS service whose
    /// steady-state wait timed out, a target group whose attributes AWS
    /// refused), found by the create token, so that the engine keeps it
    /// tainted rather than orphaning it.
    fn left_by_failed_create(&self, req: &ApplyRequest) -> Option<Value> {
        let token = req.create_token?;
        if !req.prior.is_null() || req.planned.is_null() {
            return None;
        }
        let t = req.type_name;
        let aws = self.aws_for(req.planned).ok()?;
        let found = if let Some(f) = family::of(t).filter(|f| f.keeps_failed_creates(t)) {
            f.find(&aws, t, token, req.planned).ok()??
        } else if elbv2::TYPES.contains(&t) {
            elbv2::find(&aws, t, token, req.planned).ok()??
        } else {
            return None;
        };
        let found = region::with_region(&found, req.planned, &aws.region, is_regional(req.type_name));
        Some(match block_of(req.type_name) {
            Some(block) => timeouts::carry(&block, &found, req.planned),
            None => found,
        })
    }

    fn apply_operation(&self, aws: &Aws, req: &ApplyRequest) -> Result<Value, ProviderDiagnostic> {
        let t = req.type_name;
        if req.planned.is_null() {
            match t {
                "aws_vpc" => vpc::delete(aws, req.prior)?,
                "aws_subnet" => subnet::delete(aws, req.prior)?,
                "aws_internet_gateway" => igw::delete(aws, req.prior)?,
                "aws_security_group" => sg::delete(aws, req.prior)?,
                "aws_route_table" => route_table::delete(aws, req.prior)?,
                "aws_route_table_association" => route_table::delete_association(aws, req.prior)?,
                "aws_route" => route_table::delete_route(aws, req.prior)?,
                "aws_eip" => eip::delete(aws, req.prior)?,
                "aws_nat_gateway" => nat::delete(aws, req.prior)?,
                "aws_egress_only_internet_gateway" => eigw::delete(aws, req.prior)?,
                "aws_vpc_dhcp_options" => dhcp::delete(aws, req.prior)?,
                "aws_vpc_dhcp_options_association" => dhcp::delete_association(aws, req.prior)?,
                "aws_vpc_ipv4_cidr_block_association" => vpc_cidr::delete(aws, req.prior)?,
                "aws_customer_gateway" => vpn::delete_customer_gateway(aws, req.prior)?,
                "aws_vpn_gateway" => vpn::delete_vpn_gateway(aws, req.prior)?,
                "aws_vpn_gateway_attachment" => vpn::delete_attachment(aws, req.prior)?,
                "aws_vpn_gateway_route_propagation" => vpn::delete_propagation(aws, req.prior)?,
                "aws_flow_log" => flow_log::delete(aws, req.prior)?,
                "aws_cloudwatch_log_group" => logs::delete(aws, req.prior)?,
                "aws_cloudwatch_metric_alarm" => metric_alarm::delete(aws, req.prior)?,
                t if elbv2::TYPES.contains(&t) => elbv2::delete(aws, t, req.prior)?,
                t if appautoscaling::TYPES.contains(&t) => appautoscaling::delete(aws, t, req.prior)?,
                "aws_iam_service_linked_role" => iam_service_linked_role::delete(aws, req.prior)?,
                "aws_network_acl" => nacl::delete(aws, req.prior)?,
                "aws_network_acl_rule" => nacl::delete_rule(aws, req.prior)?,
                "aws_network_acl_association" => nacl::delete_association(aws, req.prior)?,
                "aws_iam_role" => iam::delete_role(aws, req.prior)?,
                "aws_iam_policy" => iam::delete_policy(aws, req.prior)?,
                "aws_iam_role_policy" => iam::delete_role_policy(aws, req.prior)?,
                "aws_iam_role_policy_attachment" => iam::detach(aws, req.prior)?,
                "aws_iam_instance_profile" => iam_instance_profile::delete(aws, req.prior)?,
                "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                    sg_rule::delete(aws, t, req.prior)?
                }
                // Destroying an adopted object only forgets it (`defaults::destroy_warning`).
                "aws_default_security_group" | "aws_default_route_table" | "aws_default_network_acl" => {}
                "aws_default_vpc" => defaults::delete_vpc(aws, req.prior)?,
                "aws_vpc_endpoint" => vpc_endpoint::delete(aws, req.prior)?,
                "aws_security_group_rule" => security_group_rule::delete(aws, req.prior)?,
                "aws_vpc_block_public_access_options" => block_public_access::delete_options(aws)?,
                "aws_vpc_block_public_access_exclusion" => block_public_access::delete_exclusion(aws, req.prior)?,
                t if family::of(t).is_some() => family::of(t).expect("a family type").delete(aws, t, req.prior)?,
                other => match subnet_group::Kind::of(other) {
                    Some(kind) => subnet_group::delete(aws, kind, req.prior)?,
                    None => return Err(unknown_type(other)),
                },
            }
            aws.cache.invalidate();
            return Ok(req.planned.clone());
        }
        let creating = req.prior.is_null();
        let result = match (t, creating) {
            ("aws_vpc", true) => vpc::create(aws, req.planned),
            ("aws_vpc", false) => vpc::update(aws, req.prior, req.planned),
            ("aws_subnet", true) => subnet::create(aws, req.planned),
            ("aws_subnet", false) => subnet::update(aws, req.prior, req.planned),
            ("aws_internet_gateway", true) => igw::create(aws, req.planned),
            ("aws_internet_gateway", false) => igw::update(aws, req.prior, req.planned),
            ("aws_security_group", true) => sg::create(aws, req.planned),
            ("aws_security_group", false) => sg::update(aws, req.prior, req.planned),
            ("aws_route_table", true) => route_table::create(aws, req.planned),
            ("aws_route_table", false) => route_table::update(aws, req.prior, req.planned),
            ("aws_route_table_association", true) => route_table::create_association(aws, req.planned),
            ("aws_route_table_association", false) => route_table::update_association(aws, req.prior, req.planned),
            ("aws_route", true) => route_table::create_route(aws, req.planned),
            ("aws_route", false) => route_table::update_route(aws, req.prior, req.planned),
            ("aws_eip", true) => eip::create(aws, req.planned),
            ("aws_eip", false) => eip::update(aws, req.prior, req.planned),
            ("aws_nat_gateway", true) => nat::create(aws, req.planned),
            ("aws_nat_gateway", false) => nat::update(aws, req.prior, req.planned),
            ("aws_egress_only_internet_gateway", true) => eigw::create(aws, req.planned),
            ("aws_egress_only_internet_gateway", false) => eigw::update(aws, req.prior, req.planned),
            ("aws_vpc_dhcp_options", true) => dhcp::create(aws, req.planned),
            ("aws_vpc_dhcp_options", false) => dhcp::update(aws, req.prior, req.planned),
            ("aws_vpc_dhcp_options_association", true) => dhcp::create_association(aws, req.planned),
            ("aws_vpc_dhcp_options_association", false) => dhcp::update_association(aws, req.planned),
            ("aws_vpc_ipv4_cidr_block_association", true) => vpc_cidr::create(aws, req.planned),
            ("aws_vpc_ipv4_cidr_block_association", false) => Ok(req.planned.clone()),
            ("aws_customer_gateway", true) => vpn::create_customer_gateway(aws, req.planned),
            ("aws_customer_gateway", false) => vpn::update_customer_gateway(aws, req.prior, req.planned),
            ("aws_vpn_gateway", true) => vpn::create_vpn_gateway(aws, req.planned),
            ("aws_vpn_gateway", false) => vpn::update_vpn_gateway(aws, req.prior, req.planned),
            ("aws_vpn_gateway_attachment", true) => vpn::create_attachment(aws, req.planned),
            ("aws_vpn_gateway_route_propagation", true) => vpn::create_propagation(aws, req.planned),
            ("aws_vpn_gateway_attachment" | "aws_vpn_gateway_route_propagation", false) => Ok(req.planned.clone()),
            ("aws_flow_log", true) => flow_log::create(aws, req.planned),
            ("aws_flow_log", false) => flow_log::update(aws, req.prior, req.planned),
            ("aws_cloudwatch_log_group", true) => logs::create(aws, req.planned),
            ("aws_cloudwatch_log_group", false) => logs::update(aws, req.prior, req.planned),
            ("aws_cloudwatch_metric_alarm", true) => metric_alarm::create(aws, req.planned),
            ("aws_cloudwatch_metric_alarm", false) => metric_alarm::update(aws, req.prior, req.planned),
            (t, _) if elbv2::TYPES.contains(&t) => elbv2::apply(aws, t, req.prior, req.planned),
            (t, _) if appautoscaling::TYPES.contains(&t) => appautoscaling::apply(aws, t, req.prior, req.planned),
            ("aws_iam_service_linked_role", true) => iam_service_linked_role::create(aws, req.planned),
            ("aws_iam_service_linked_role", false) => iam_service_linked_role::update(aws, req.prior, req.planned),
            ("aws_network_acl", true) => nacl::create(aws, req.planned),
            ("aws_network_acl", false) => nacl::update(aws, req.prior, req.planned),
            ("aws_network_acl_rule", true) => nacl::create_rule(aws, req.planned),
            ("aws_network_acl_association", true) => nacl::create_association(aws, req.planned),
            // Every argument forces a new object: nothing to change in place.
            ("aws_network_acl_rule" | "aws_network_acl_association", false) => Ok(req.planned.clone()),
            ("aws_iam_role", true) => iam::create_role(aws, req.planned),
            ("aws_iam_role", false) => iam::update_role(aws, req.prior, req.planned),
            ("aws_iam_policy", true) => iam::create_policy(aws, req.planned),
            ("aws_iam_policy", false) => iam::update_policy(aws, req.prior, req.planned),
            ("aws_iam_role_policy", _) => iam::put_role_policy(aws, req.planned),
            ("aws_iam_role_policy_attachment", _) => iam::attach(aws, req.planned),
            ("aws_iam_instance_profile", true) => iam_instance_profile::create(aws, req.planned),
            ("aws_iam_instance_profile", false) => iam_instance_profile::update(aws, req.prior, req.planned),
            ("aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule", true) => {
                sg_rule::create(aws, t, req.planned)
            }
            ("aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule", false) => {
                sg_rule::update(aws, t, req.prior, req.planned)
            }
            ("aws_default_security_group", true) => defaults::create_security_group(aws, req.planned),
            ("aws_default_security_group", false) => sg::update(aws, req.prior, req.planned),
            ("aws_default_route_table", true) => defaults::create_route_table(aws, req.planned),
            ("aws_default_route_table", false) => defaults::update_route_table(aws, req.prior, req.planned),
            ("aws_default_vpc", true) => defaults::create_vpc(aws, req.planned),
            ("aws_default_vpc", false) => defaults::update_vpc(aws, req.prior, req.planned),
            ("aws_default_network_acl", true) => default_nacl::create(aws, req.planned),
            ("aws_default_network_acl", false) => default_nacl::update(aws, req.prior, req.planned),
            ("aws_vpc_endpoint", true) => vpc_endpoint::create(aws, req.planned),
            ("aws_vpc_endpoint", false) => vpc_endpoint::update(aws, req.prior, req.planned),
            ("aws_security_group_rule", true) => security_group_rule::create(aws, req.planned),
            ("aws_security_group_rule", false) => security_group_rule::update(aws, req.prior, req.planned),
            ("aws_vpc_block_public_access_options", true) => block_public_access::create_options(aws, req.planned),
            ("aws_vpc_block_public_access_options", false) => block_public_access::update_options(aws, req.planned),
            ("aws_vpc_block_public_access_exclusion", true) => block_public_access::create_exclusion(aws, req.planned),
            ("aws_vpc_block_public_access_exclusion", false) => {
                block_public_access::update_exclusion(aws, req.prior, req.planned)
            }
            (t, _) if family::of(t).is_some() => {
                family::of(t).expect("a family type").apply(aws, t, req.prior, req.planned)
            }
            (other, creating) => match subnet_group::Kind::of(other) {
                Some(kind) if creating => subnet_group::create(aws, kind, req.planned),
                Some(kind) => subnet_group::update(aws, kind, req.prior, req.planned),
                None => Err(unknown_type(other)),
            },
        };
        aws.cache.invalidate();
        result
    }

    /// The object as it is now (bounded by the `read` timeout), keeping
    /// the `timeouts` of `current`.
    fn read(&self, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        let aws = self.aws_for(current)?;
        let aws = &*aws;
        let limit = timeouts::timeout(type_name, current, "read");
        let found = aws.within(limit, || self.read_object(aws, type_name, current))?;
        let found = found.map(|v| region::with_region(&v, current, &aws.region, is_regional(type_name)));
        Ok(match block_of(type_name) {
            Some(block) => found.map(|v| timeouts::carry(&block, &v, current)),
            None => found,
        })
    }

    fn read_object(&self, aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        match type_name {
            "aws_vpc" => vpc::read(aws, current),
            "aws_subnet" => subnet::read(aws, current),
            "aws_internet_gateway" => igw::read(aws, current),
            "aws_security_group" => sg::read(aws, current),
            "aws_route_table" => route_table::read(aws, current),
            "aws_route_table_association" => route_table::read_association(aws, current),
            "aws_route" => route_table::read_route(aws, current),
            "aws_eip" => eip::read(aws, current),
            "aws_nat_gateway" => nat::read(aws, current),
            "aws_egress_only_internet_gateway" => eigw::read(aws, current),
            "aws_vpc_dhcp_options" => dhcp::read(aws, current),
            "aws_vpc_dhcp_options_association" => dhcp::read_association(aws, current),
            "aws_vpc_ipv4_cidr_block_association" => vpc_cidr::read(aws, current),
            "aws_customer_gateway" => vpn::read_customer_gateway(aws, current),
            "aws_vpn_gateway" => vpn::read_vpn_gateway(aws, current),
            "aws_vpn_gateway_attachment" => vpn::read_attachment(aws, current),
            "aws_vpn_gateway_route_propagation" => vpn::read_propagation(aws, current),
            "aws_flow_log" => flow_log::read(aws, current),
            "aws_cloudwatch_log_group" => logs::read(aws, current),
            "aws_cloudwatch_metric_alarm" => metric_alarm::read(aws, current),
            t if elbv2::TYPES.contains(&t) => elbv2::read(aws, t, current),
            t if appautoscaling::TYPES.contains(&t) => appautoscaling::read(aws, t, current),
            "aws_iam_service_linked_role" => iam_service_linked_role::read(aws, current),
            "aws_network_acl" => nacl::read(aws, current),
            "aws_network_acl_rule" => nacl::read_rule(aws, current),
            "aws_network_acl_association" => nacl::read_association(aws, current),
            "aws_iam_role" => iam::read_role(aws, current),
            "aws_iam_policy" => iam::read_policy(aws, current),
            "aws_iam_role_policy" => iam::read_role_policy(aws, current),
            "aws_iam_role_policy_attachment" => iam::read_attachment(aws, current),
            "aws_iam_instance_profile" => iam_instance_profile::read(aws, current),
            "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                sg_rule::read(aws, type_name, current)
            }
            "aws_default_security_group" => sg::read(aws, current),
            "aws_default_route_table" => defaults::read_route_table(aws, current),
            "aws_default_vpc" => defaults::read_vpc(aws, current),
            "aws_default_network_acl" => default_nacl::read(aws, current),
            "aws_vpc_endpoint" => vpc_endpoint::read(aws, current),
            "aws_security_group_rule" => security_group_rule::read(aws, current),
            "aws_vpc_block_public_access_options" => block_public_access::read_options(aws, current),
            "aws_vpc_block_public_access_exclusion" => block_public_access::read_exclusion(aws, current),
            t if family::of(t).is_some() => family::of(t).expect("a family type").read(aws, t, current),
            other => match subnet_group::Kind::of(other) {
                Some(kind) => subnet_group::read(aws, kind, current),
                None => Err(unknown_type(other)),
            },
        }
    }
}

/// Resource types that live in one region (all but IAM's).
fn is_regional(type_name: &str) -> bool {
    block_of(type_name).is_some_and(|b| b.attributes.contains_key("region"))
}

/// Types whose objects carry tags (and so the create token).
fn has_tags(type_name: &str) -> bool {
    block_of(type_name).is_some_and(|b| b.attributes.contains_key("tags_all"))
}

/// Types built on the plugin framework, which stores null for unset
/// arguments; every other type is built on the legacy plugin SDK.
fn is_framework_resource(type_name: &str) -> bool {
    family::of(type_name).is_some_and(|f| f.is_framework(type_name))
        || matches!(
            type_name,
            "aws_vpc_security_group_ingress_rule"
                | "aws_vpc_security_group_egress_rule"
                | "aws_vpc_block_public_access_options"
                | "aws_vpc_block_public_access_exclusion"
        )
}

/// The legacy plugin SDK stores an unset argument as its type's zero
/// value ("", false, 0) and sees no change between that and null: an
/// optional argument left out of the configuration keeps its prior value
/// when both are null or zero, and so does one configured as a zero value
/// (`[]`, `""`) where the prior value is null. State written by Terraform
/// (zero values) and state written before an argument existed (null) plan
/// no changes.
fn keep_legacy_zero_values(type_name: &str, planned: &Value, config: &Value, prior: &Value) -> Value {
    let Some(block) = block_of(type_name) else { return planned.clone() };
    if prior.is_null() {
        return planned.clone();
    }
    let null_or_zero = |v: &Value| v.is_null() || util::is_zero_value(v);
    let mut out = planned.clone();
    for (name, _) in block.attributes.iter().filter(|(_, a)| a.optional && !a.computed) {
        let before = attr(prior, name);
        if null_or_zero(&attr(config, name)) && null_or_zero(&before) && null_or_zero(&attr(&out, name)) {
            out = with_attr(&out, name, before);
        }
    }
    out
}

fn unknown_type(t: &str) -> ProviderDiagnostic {
    ProviderDiagnostic::error("Unknown resource type", format!("The aws provider has no resource type {t:?}."))
}

impl Provider for AwsProvider {
    fn schema(&self) -> Arc<ProviderSchema> {
        schema()
    }

    fn validate_resource(&self, req: ValidateResourceRequest) -> Diagnostics {
        let mut diags = match req.type_name {
            "aws_security_group" => sg::validate(req.config),
            "aws_default_security_group" => sg::validate(req.config),
            "aws_nat_gateway" => nat::validate(req.config),
            "aws_flow_log" => flow_log::validate(req.config),
            "aws_cloudwatch_log_group" => logs::validate(req.config),
            "aws_cloudwatch_metric_alarm" => metric_alarm::validate(req.config),
            t if elbv2::TYPES.contains(&t) => elbv2::validate(t, req.config),
            t if appautoscaling::TYPES.contains(&t) => appautoscaling::validate(t, req.config),
            "aws_iam_service_linked_role" => iam_service_linked_role::validate(req.config),
            "aws_network_acl" => nacl::validate(req.config),
            "aws_network_acl_rule" => nacl::validate_rule(req.config),
            "aws_iam_role" | "aws_iam_policy" | "aws_iam_role_policy" | "aws_iam_instance_profile" => {
                iam::validate(req.type_name, req.config)
            }
            "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                sg_rule::validate(req.config)
            }
            "aws_vpc_endpoint" => vpc_endpoint::validate(req.config),
            "aws_security_group_rule" => security_group_rule::validate(req.config),
            "aws_vpc_block_public_access_options" => block_public_access::validate_options(req.config),
            "aws_vpc_block_public_access_exclusion" => block_public_access::validate_exclusion(req.config),
            t if family::of(t).is_some() => family::of(t).expect("a family type").validate(t, req.config),
            t => subnet_group::Kind::of(t).map(|k| subnet_group::validate(k, req.config)).unwrap_or_default(),
        };
        diags.extend(timeouts::validate(req.config));
        diags
    }

    fn configure(&self, req: ConfigureRequest) -> Diagnostics {
        let settings = match settings::Settings::from_value(req.config) {
            Ok(s) => s,
            Err(d) => return vec![d],
        };
        match Aws::connect(settings.clone()) {
            Ok(aws) => {
                let _ = self.aws.set(Arc::new(aws));
                let _ = self.settings.set(settings);
                Vec::new()
            }
            Err(d) => vec![d],
        }
    }

    fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        match self.read(req.type_name, req.current) {
            Ok(new_state) => ReadResourceResponse { new_state, private: req.private.to_vec(), diagnostics: Vec::new() },
            Err(d) => ReadResourceResponse {
                new_state: Some(req.current.clone()),
                private: req.private.to_vec(),
                diagnostics: vec![d],
            },
        }
    }

    fn plan_resource(&self, req: PlanRequest) -> PlanResponse {
        self.plan(&req).unwrap_or_else(|d| PlanResponse {
            planned: req.proposed.clone(),
            requires_replace: Vec::new(),
            private: Vec::new(),
            diagnostics: vec![d],
        })
    }

    fn apply_resource(&self, req: ApplyRequest) -> ApplyResponse {
        match self.apply(&req) {
            Ok(new_state) => {
                let private = if new_state.is_null() { Vec::new() } else { req.planned_private.to_vec() };
                let destroyed = req.planned.is_null();
                let diagnostics = destroyed
                    .then(|| defaults::destroy_warning(req.type_name, req.prior))
                    .flatten()
                    .into_iter()
                    .collect();
                ApplyResponse { new_state, private, diagnostics }
            }
            // Nothing changed (or the object is as before): keep the prior
            // object, or one a failed create left behind (tainted).
            Err(d) => ApplyResponse {
                new_state: self.left_by_failed_create(&req).unwrap_or_else(|| req.prior.clone()),
                private: req.planned_private.to_vec(),
                diagnostics: vec![d],
            },
        }
    }

    fn import_resource(&self, req: ImportRequest) -> ImportResponse {
        let Some(block) = block_of(req.type_name) else {
            return ImportResponse { imported: Vec::new(), diagnostics: vec![unknown_type(req.type_name)] };
        };
        // `ID@REGION` imports from another region, as hashicorp/aws 6.x does.
        // Global types take the ID as it is (IAM names may hold an `@`).
        let (id, region) = if is_regional(req.type_name) { region::split_import_id(req.id) } else { (req.id, None) };
        let mut stub = util::object(&block, [("id", Value::string(id))]);
        if let Some(r) = region {
            stub = with_attr(&stub, "region", Value::string(r));
        }
        match self.read(req.type_name, &stub) {
            Ok(Some(state)) => ImportResponse {
                imported: vec![ImportedObject { type_name: req.type_name.to_string(), state, private: Vec::new() }],
                diagnostics: Vec::new(),
            },
            Ok(None) => ImportResponse {
                imported: Vec::new(),
                diagnostics: vec![ProviderDiagnostic::error(
                    "Cannot import non-existent remote object",
                    format!(
                        "While attempting to import an existing object to {:?}, the provider detected that no object exists with the given id. Only pre-existing objects can be imported; check that the id is correct and that it is associated with the provider's configured region or endpoint, or use \"terraform apply\" to create a new remote object for this resource.",
                        req.type_name
                    ),
                )],
            },
            Err(d) => ImportResponse { imported: Vec::new(), diagnostics: vec![d] },
        }
    }

    fn find_created(&self, req: FindCreatedRequest) -> FindCreatedResponse {
        // An inline policy named by a prefix carries no token and no name
        // known before the create: nothing to look it up by.
        let untraceable = family::of(req.type_name).is_some_and(|f| f.cannot_find_created(req.type_name, req.planned));
        if untraceable || req.type_name == "aws_iam_role_policy" && iam::role_policy_stub(req.planned).is_none() {
            return FindCreatedResponse { found: FoundCreated::CannotTell, diagnostics: Vec::new() };
        }
        match self.find(&req) {
            Ok(Some(state)) => FindCreatedResponse {
                found: FoundCreated::Object { state, private: Vec::new() },
                diagnostics: Vec::new(),
            },
            Ok(None) => FindCreatedResponse { found: FoundCreated::Nothing, diagnostics: Vec::new() },
            Err(d) => FindCreatedResponse { found: FoundCreated::Nothing, diagnostics: vec![d] },
        }
    }

    fn list_resources(&self, req: ListResourcesRequest) -> ListResourcesResponse {
        let aws = match self.aws() {
            Ok(aws) => aws,
            Err(d) => return ListResourcesResponse { objects: None, diagnostics: vec![d] },
        };
        match list::list(&aws, req.type_name) {
            None => ListResourcesResponse { objects: None, diagnostics: Vec::new() },
            Some(Ok(objects)) => ListResourcesResponse { objects: Some(objects), diagnostics: Vec::new() },
            Some(Err(d)) => ListResourcesResponse { objects: None, diagnostics: vec![d] },
        }
    }

    fn read_data_source(&self, req: ReadDataRequest) -> ReadDataResponse {
        let result = self.aws_for(req.config).and_then(|aws| {
            let regional =
                schema().data_sources.get(req.type_name).is_some_and(|d| d.block.attributes.contains_key("region"));
            let asked = with_attr(req.config, "region", Value::string(aws.region.as_str()));
            data::read(&aws, req.type_name, req.config).map(|v| region::with_region(&v, &asked, &aws.region, regional))
        });
        match result {
            Ok(state) => ReadDataResponse { state, diagnostics: Vec::new() },
            Err(d) => ReadDataResponse { state: Value::dynamic_null(), diagnostics: vec![d] },
        }
    }
}

/// The `id` of a state value (empty when absent).
fn id_of(v: &Value) -> String {
    str_attr(v, "id").unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::bool_attr;

    fn subnet(values: Vec<(&str, Value)>) -> Value {
        util::object(&subnet::schema(), values)
    }

    #[test]
    fn unset_arguments_keep_terraforms_zero_values() {
        let prior = subnet(vec![("customer_owned_ipv4_pool", Value::string("")), ("outpost_arn", Value::string(""))]);
        let config = subnet(vec![]);
        let planned = keep_legacy_zero_values("aws_subnet", &config, &config, &prior);
        assert_eq!(str_attr(&planned, "customer_owned_ipv4_pool").as_deref(), Some(""));
        assert_eq!(str_attr(&planned, "outpost_arn").as_deref(), Some(""));
    }

    #[test]
    fn a_default_zero_keeps_a_null_written_before_the_argument_existed() {
        let prior = subnet(vec![("vpc_id", Value::string("vpc-1"))]);
        let planned = subnet(vec![("ipv6_native", Value::bool(false)), ("enable_dns64", Value::bool(false))]);
        let kept = keep_legacy_zero_values("aws_subnet", &planned, &subnet(vec![]), &prior);
        assert!(attr(&kept, "ipv6_native").is_null());
        assert!(attr(&kept, "enable_dns64").is_null());
    }

    #[test]
    fn configured_and_non_zero_values_are_planned_as_given() {
        let prior = subnet(vec![("map_public_ip_on_launch", Value::bool(false)), ("outpost_arn", Value::string(""))]);
        let config = subnet(vec![("map_public_ip_on_launch", Value::bool(true))]);
        let planned = keep_legacy_zero_values("aws_subnet", &config, &config, &prior);
        assert_eq!(bool_attr(&planned, "map_public_ip_on_launch"), Some(true));
        // Creating: nothing prior to keep.
        let null = Value::null(subnet::schema().implied_type());
        let created = keep_legacy_zero_values("aws_subnet", &config, &config, &null);
        assert!(attr(&created, "outpost_arn").is_null());
    }

    #[test]
    fn iam_types_are_global() {
        let s = schema();
        for t in GLOBAL_RESOURCES {
            assert!(!s.resources[t].block.attributes.contains_key("region"), "{t}");
            assert!(!is_regional(t), "{t}");
        }
        assert!(!s.data_sources["aws_iam_policy"].block.attributes.contains_key("region"));
        assert!(is_regional("aws_vpc"));
        // Only types with tags carry the create token.
        assert!(has_tags("aws_iam_role") && has_tags("aws_iam_policy") && has_tags("aws_iam_instance_profile"));
        assert!(!has_tags("aws_iam_role_policy") && !has_tags("aws_iam_role_policy_attachment"));
    }

    #[test]
    fn legacy_sdk_types_use_their_provider_schema_versions() {
        let s = schema();
        let version = |t: &str| s.resources[t].version;
        for t in ["aws_vpc", "aws_subnet", "aws_security_group", "aws_default_security_group", "aws_default_vpc"] {
            assert_eq!(version(t), 1, "{t}");
        }
        for t in ["aws_internet_gateway", "aws_route", "aws_route_table", "aws_route_table_association", "aws_eip"] {
            assert_eq!(version(t), 0, "{t}");
        }
        for t in ["aws_default_route_table", "aws_default_network_acl", "aws_vpc_endpoint"] {
            assert_eq!(version(t), 0, "{t}");
        }
        // The classic rule migrated its state twice (`SchemaVersion: 2`).
        assert_eq!(version("aws_security_group_rule"), 2);
        // Plugin-framework types: version 0, null for unset arguments.
        for t in ["aws_vpc_block_public_access_options", "aws_vpc_block_public_access_exclusion"] {
            assert_eq!(version(t), 0, "{t}");
            assert!(is_framework_resource(t), "{t}");
            assert_eq!(s.resources[t].read_only_wording, ReadOnlyWording::default(), "{t}");
        }
    }
}
