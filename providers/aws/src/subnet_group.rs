//! The subnet groups of the managed database services, each from its own
//! SDK crate: `aws_db_subnet_group` (RDS; `name` or `name_prefix`),
//! `aws_elasticache_subnet_group` (ElastiCache keeps names in lower case,
//! and so does the state) and `aws_redshift_subnet_group`. All three: the
//! name forces a new group, `description` (default "Managed by Terraform")
//! and `subnet_ids` change in place, tags; imported by name.
//!
//! Each service's calls are wrapped into one shape (`Group`), so that
//! planning, reading back, finding an interrupted create and listing are
//! written once.

use crate::client::{aws_error, Aws, AwsError};
use crate::tags;
use crate::util::{attr, map_of, nonempty, object, str_attr, strings_of, with_attr};
use std::collections::BTreeMap;
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, ListedObject, PathStep, ProviderDiagnostic};

/// The three services' subnet groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Db,
    ElastiCache,
    Redshift,
}

pub const TYPES: [&str; 3] = ["aws_db_subnet_group", "aws_elasticache_subnet_group", "aws_redshift_subnet_group"];

/// The provider's default `description` (Terraform's `Default:`).
pub const DEFAULT_DESCRIPTION: &str = "Managed by Terraform";

/// How long RDS may go on showing a deleted group (the provider waits 3 minutes).
const DELETE_SETTLE: Duration = Duration::from_secs(180);
/// How long ElastiCache may refuse to delete a group a cluster just left.
const DEPENDENCY_CLEARS: Duration = Duration::from_secs(300);

impl Kind {
    pub fn of(type_name: &str) -> Option<Kind> {
        match type_name {
            "aws_db_subnet_group" => Some(Kind::Db),
            "aws_elasticache_subnet_group" => Some(Kind::ElastiCache),
            "aws_redshift_subnet_group" => Some(Kind::Redshift),
            _ => None,
        }
    }

    /// The provider's name for the object in messages.
    fn what(self) -> &'static str {
        match self {
            Kind::Db => "RDS DB Subnet Group",
            Kind::ElastiCache => "ElastiCache Subnet Group",
            Kind::Redshift => "Redshift Subnet Group",
        }
    }

    fn service(self) -> &'static str {
        match self {
            Kind::Db => "rds",
            Kind::ElastiCache => "elasticache",
            Kind::Redshift => "redshift",
        }
    }
}

pub fn schema(kind: Kind) -> Block {
    let mut a = vec![
        ("arn", Attribute::computed(Type::String)),
        ("description", Attribute::optional(Type::String)),
        ("id", Attribute::computed(Type::String)),
        ("subnet_ids", Attribute::required(Type::set(Type::String))),
        ("tags", Attribute::optional(Type::map(Type::String))),
        ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
    ];
    match kind {
        Kind::Db => a.extend([
            ("name", Attribute::optional_computed(Type::String).force_new()),
            ("name_prefix", Attribute::optional_computed(Type::String).force_new()),
            ("supported_network_types", Attribute::computed(Type::set(Type::String))),
            ("vpc_id", Attribute::computed(Type::String)),
        ]),
        Kind::ElastiCache => a.extend([
            ("name", Attribute::required(Type::String).force_new()),
            ("vpc_id", Attribute::computed(Type::String)),
        ]),
        Kind::Redshift => a.push(("name", Attribute::required(Type::String).force_new())),
    }
    Block { attributes: a.into_iter().map(|(k, v)| (k.to_string(), v)).collect(), blocks: BTreeMap::new() }
}

/// The provider's checks of names, located at their argument (values not
/// yet known are checked when they are).
pub fn validate(kind: Kind, config: &Value) -> Vec<ProviderDiagnostic> {
    let at = |name: &str| vec![PathStep::Attr(name.to_string())];
    let err = |name: &str, message: String| ProviderDiagnostic::error(message, "").at(at(name));
    let mut diags = Vec::new();
    let name = str_attr(config, "name");
    match kind {
        Kind::Db => {
            let allowed = |s: &str| s.chars().all(|c| matches!(c, '0'..='9' | 'a'..='z' | '_' | ' ' | '.' | '-'));
            let only = |k: &str| {
                format!("only lowercase alphanumeric characters, hyphens, underscores, periods, and spaces allowed in {k:?}")
            };
            if let Some(n) = &name {
                if n.is_empty() || !allowed(n) {
                    diags.push(err("name", only("name")));
                }
                if n.len() > 255 {
                    diags.push(err("name", "\"name\" cannot be longer than 255 characters".into()));
                }
                if n == "default" {
                    diags.push(err("name", "\"Default\" is not allowed as \"name\"".into()));
                }
            }
            if let Some(p) = str_attr(config, "name_prefix") {
                if p.is_empty() || !allowed(&p) {
                    diags.push(err("name_prefix", only("name_prefix")));
                }
                if p.len() > 229 {
                    diags.push(err("name_prefix", "\"name_prefix\" cannot be longer than 229 characters".into()));
                }
            }
            if !attr(config, "name").is_null() && !attr(config, "name_prefix").is_null() {
                diags.push(
                    ProviderDiagnostic::error(
                        "Conflicting configuration arguments",
                        "\"name\": conflicts with name_prefix",
                    )
                    .at(at("name")),
                );
            }
        }
        Kind::Redshift => {
            if let Some(n) = &name {
                let len = n.chars().count();
                if !(1..=255).contains(&len) {
                    diags.push(err("name", format!("expected length of name to be in the range (1 - 255), got {n}")));
                }
                if !n.is_empty() && !n.chars().all(|c| matches!(c, '0'..='9' | 'a'..='z' | '-')) {
                    diags.push(err(
                        "name",
                        "invalid value for name (must contain only lowercase alphanumeric characters and hyphens)"
                            .into(),
                    ));
                }
                if n == "default" {
                    diags.push(err("name", format!("expected name to not be any of [default], got {n}")));
                }
            }
        }
        // ElastiCache checks nothing itself (AWS does).
        Kind::ElastiCache => {}
    }
    diags
}

/// The plan of a subnet group. ElastiCache keeps names in lower case: the
/// provider stores its `name` lowered (its `StateFunc`), so a name that
/// differs only in case plans no change.
pub fn plan(kind: Kind, planned: &Value, config: &Value) -> Value {
    if kind != Kind::ElastiCache {
        return planned.clone();
    }
    match str_attr(config, "name") {
        Some(n) if attr(config, "name").is_known() => with_attr(planned, "name", Value::string(n.to_lowercase())),
        _ => planned.clone(),
    }
}

/// A subnet group as any of the three services describes it.
#[derive(Debug, Clone, Default)]
struct Group {
    name: String,
    description: String,
    subnet_ids: Vec<String>,
    vpc_id: Option<String>,
    arn: Option<String>,
    network_types: Vec<String>,
    /// Carried by the description (Redshift); the others list them apart.
    tags: Option<Vec<(String, String)>>,
}

fn is_not_found(e: &AwsError) -> bool {
    matches!(
        e.code.as_str(),
        "DBSubnetGroupNotFoundFault" | "CacheSubnetGroupNotFoundFault" | "ClusterSubnetGroupNotFoundFault"
    )
}

/// One page of groups (all of them, or the one named), and the next marker.
fn describe_page(
    aws: &Aws,
    kind: Kind,
    name: Option<&str>,
    marker: Option<String>,
) -> Result<(Vec<Group>, Option<String>), AwsError> {
    let name = name.map(String::from);
    match kind {
        Kind::Db => {
            aws.log_call("rds:DescribeDBSubnetGroups");
            let out = aws
                .block(aws.rds.describe_db_subnet_groups().set_db_subnet_group_name(name).set_marker(marker).send())
                .map_err(aws_error)?;
            let groups = out
                .db_subnet_groups()
                .iter()
                .map(|g| Group {
                    name: g.db_subnet_group_name().unwrap_or_default().to_string(),
                    description: g.db_subnet_group_description().unwrap_or_default().to_string(),
                    subnet_ids: g.subnets().iter().filter_map(|s| s.subnet_identifier().map(String::from)).collect(),
                    vpc_id: g.vpc_id().map(String::from),
                    arn: g.db_subnet_group_arn().map(String::from),
                    network_types: g.supported_network_types().to_vec(),
                    tags: None,
                })
                .collect();
            Ok((groups, out.marker().map(String::from)))
        }
        Kind::ElastiCache => {
            aws.log_call("elasticache:DescribeCacheSubnetGroups");
            let out = aws
                .block(
                    aws.elasticache
                        .describe_cache_subnet_groups()
                        .set_cache_subnet_group_name(name)
                        .set_marker(marker)
                        .send(),
                )
                .map_err(aws_error)?;
            let groups = out
                .cache_subnet_groups()
                .iter()
                .map(|g| Group {
                    name: g.cache_subnet_group_name().unwrap_or_default().to_string(),
                    description: g.cache_subnet_group_description().unwrap_or_default().to_string(),
                    subnet_ids: g.subnets().iter().filter_map(|s| s.subnet_identifier().map(String::from)).collect(),
                    vpc_id: g.vpc_id().map(String::from),
                    arn: g.arn().map(String::from),
                    network_types: Vec::new(),
                    tags: None,
                })
                .collect();
            Ok((groups, out.marker().map(String::from)))
        }
        Kind::Redshift => {
            aws.log_call("redshift:DescribeClusterSubnetGroups");
            let out = aws
                .block(
                    aws.redshift
                        .describe_cluster_subnet_groups()
                        .set_cluster_subnet_group_name(name)
                        .set_marker(marker)
                        .send(),
                )
                .map_err(aws_error)?;
            let groups = out
                .cluster_subnet_groups()
                .iter()
                .map(|g| Group {
                    name: g.cluster_subnet_group_name().unwrap_or_default().to_string(),
                    description: g.description().unwrap_or_default().to_string(),
                    subnet_ids: g.subnets().iter().filter_map(|s| s.subnet_identifier().map(String::from)).collect(),
                    vpc_id: g.vpc_id().map(String::from),
                    arn: None,
                    network_types: Vec::new(),
                    tags: Some(
                        g.tags()
                            .iter()
                            .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string())))
                            .collect(),
                    ),
                })
                .collect();
            Ok((groups, out.marker().map(String::from)))
        }
    }
}

/// Every group in the region (bounded: 1,000 pages).
fn describe_all(aws: &Aws, kind: Kind) -> Result<Vec<Group>, AwsError> {
    let mut out = Vec::new();
    let mut marker = None;
    for _ in 0..1000 {
        let (groups, next) = describe_page(aws, kind, None, marker)?;
        out.extend(groups);
        match next.filter(|m| !m.is_empty()) {
            Some(m) => marker = Some(m),
            None => break,
        }
    }
    Ok(out)
}

/// The group named `name`, if there is one. RDS may answer for another
/// name while it settles: only the one asked for counts.
fn describe_one(aws: &Aws, kind: Kind, name: &str) -> Result<Option<Group>, AwsError> {
    match describe_page(aws, kind, Some(name), None) {
        Ok((groups, _)) => Ok(groups.into_iter().find(|g| g.name == name)),
        Err(e) if is_not_found(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The ARN tags are addressed by: the service's, or (Redshift, which
/// reports none) the provider's own making.
fn arn_of(aws: &Aws, kind: Kind, g: &Group) -> String {
    g.arn.clone().unwrap_or_else(|| {
        let account = aws.account_id.clone().unwrap_or_default();
        format!(
            "arn:{}:{}:{}:{account}:subnetgroup:{}",
            crate::util::partition(&aws.region),
            kind.service(),
            aws.region,
            g.name
        )
    })
}

fn list_tags(aws: &Aws, kind: Kind, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
    let pairs = |tags: Vec<(Option<&str>, Option<&str>)>| {
        tags.into_iter().filter_map(|(k, v)| Some((k?.to_string(), v.unwrap_or_default().to_string()))).collect()
    };
    match kind {
        Kind::Db => {
            aws.log_call("rds:ListTagsForResource");
            let out = aws.block(aws.rds.list_tags_for_resource().resource_name(arn).send()).map_err(aws_error)?;
            Ok(pairs(out.tag_list().iter().map(|t| (t.key(), t.value())).collect()))
        }
        Kind::ElastiCache => {
            aws.log_call("elasticache:ListTagsForResource");
            let out =
                aws.block(aws.elasticache.list_tags_for_resource().resource_name(arn).send()).map_err(aws_error)?;
            Ok(pairs(out.tag_list().iter().map(|t| (t.key(), t.value())).collect()))
        }
        Kind::Redshift => unreachable!("Redshift describes its tags with the group"),
    }
}

fn tags_of(aws: &Aws, kind: Kind, g: &Group) -> Result<Vec<(String, String)>, AwsError> {
    match &g.tags {
        Some(t) => Ok(t.clone()),
        None => list_tags(aws, kind, &arn_of(aws, kind, g)),
    }
}

/// Tags AWS should end with, from `old` to `new` (`tags_all`, create
/// token included where a create sets it).
fn change_tags(
    aws: &Aws,
    kind: Kind,
    arn: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let (set, remove) = tags::tag_changes(old, new);
    if !remove.is_empty() {
        match kind {
            Kind::Db => {
                aws.log_call("rds:RemoveTagsFromResource");
                aws.block(aws.rds.remove_tags_from_resource().resource_name(arn).set_tag_keys(Some(remove)).send())
                    .map_err(aws_error)?;
            }
            Kind::ElastiCache => {
                aws.log_call("elasticache:RemoveTagsFromResource");
                aws.block(
                    aws.elasticache.remove_tags_from_resource().resource_name(arn).set_tag_keys(Some(remove)).send(),
                )
                .map_err(aws_error)?;
            }
            Kind::Redshift => {
                aws.log_call("redshift:DeleteTags");
                aws.block(aws.redshift.delete_tags().resource_name(arn).set_tag_keys(Some(remove)).send())
                    .map_err(aws_error)?;
            }
        }
    }
    if !set.is_empty() {
        match kind {
            Kind::Db => {
                aws.log_call("rds:AddTagsToResource");
                aws.block(aws.rds.add_tags_to_resource().resource_name(arn).set_tags(rds_tags(&set)).send())
                    .map_err(aws_error)?;
            }
            Kind::ElastiCache => {
                aws.log_call("elasticache:AddTagsToResource");
                aws.block(
                    aws.elasticache.add_tags_to_resource().resource_name(arn).set_tags(elasticache_tags(&set)).send(),
                )
                .map_err(aws_error)?;
            }
            Kind::Redshift => {
                aws.log_call("redshift:CreateTags");
                aws.block(aws.redshift.create_tags().resource_name(arn).set_tags(redshift_tags(&set)).send())
                    .map_err(aws_error)?;
            }
        }
    }
    Ok(())
}

fn rds_tags(m: &BTreeMap<String, String>) -> Option<Vec<aws_sdk_rds::types::Tag>> {
    let t: Vec<_> = m.iter().map(|(k, v)| aws_sdk_rds::types::Tag::builder().key(k).value(v).build()).collect();
    (!t.is_empty()).then_some(t)
}

fn elasticache_tags(m: &BTreeMap<String, String>) -> Option<Vec<aws_sdk_elasticache::types::Tag>> {
    let t: Vec<_> = m.iter().map(|(k, v)| aws_sdk_elasticache::types::Tag::builder().key(k).value(v).build()).collect();
    (!t.is_empty()).then_some(t)
}

fn redshift_tags(m: &BTreeMap<String, String>) -> Option<Vec<aws_sdk_redshift::types::Tag>> {
    let t: Vec<_> = m.iter().map(|(k, v)| aws_sdk_redshift::types::Tag::builder().key(k).value(v).build()).collect();
    (!t.is_empty()).then_some(t)
}

/// The name a create gives the group: RDS's from `name` or `name_prefix`
/// (`terraform-` and a unique suffix when neither is set); ElastiCache's
/// lowered (the service lowers it anyway, and moto, which does not, then
/// finds it by the id the provider keeps).
fn name_for(kind: Kind, planned: &Value) -> String {
    match kind {
        Kind::Db => crate::iam::name_for(planned),
        Kind::ElastiCache => nonempty(planned, "name").unwrap_or_default().to_lowercase(),
        Kind::Redshift => nonempty(planned, "name").unwrap_or_default(),
    }
}

/// The prefix of a name made from one: what comes before the 26
/// hexadecimal digits of the unique suffix (the provider's
/// `create.NamePrefixFromName`).
fn name_prefix_from_name(name: &str) -> Option<&str> {
    const SUFFIX: usize = 26;
    let cut = name.len().checked_sub(SUFFIX).filter(|&i| i > 0)?;
    let suffix = name.get(cut..)?;
    suffix.chars().all(|c| c.is_ascii_hexdigit()).then(|| &name[..cut])
}

pub fn create(aws: &Aws, kind: Kind, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = name_for(kind, planned);
    let description = str_attr(planned, "description").unwrap_or_else(|| DEFAULT_DESCRIPTION.into());
    let subnets = strings_of(&attr(planned, "subnet_ids"));
    let tags_all = map_of(&attr(planned, "tags_all"));
    let what = format!("creating {} ({name})", kind.what());
    match kind {
        Kind::Db => {
            aws.log_call("rds:CreateDBSubnetGroup");
            aws.block(
                aws.rds
                    .create_db_subnet_group()
                    .db_subnet_group_name(&name)
                    .db_subnet_group_description(&description)
                    .set_subnet_ids(Some(subnets))
                    .set_tags(rds_tags(&tags_all))
                    .send(),
            )
            .map(|_| ())
            .map_err(aws_error)
        }
        Kind::ElastiCache => {
            aws.log_call("elasticache:CreateCacheSubnetGroup");
            aws.block(
                aws.elasticache
                    .create_cache_subnet_group()
                    .cache_subnet_group_name(&name)
                    .cache_subnet_group_description(&description)
                    .set_subnet_ids(Some(subnets))
                    .set_tags(elasticache_tags(&tags_all))
                    .send(),
            )
            .map(|_| ())
            .map_err(aws_error)
        }
        Kind::Redshift => {
            aws.log_call("redshift:CreateClusterSubnetGroup");
            aws.block(
                aws.redshift
                    .create_cluster_subnet_group()
                    .cluster_subnet_group_name(&name)
                    .description(&description)
                    .set_subnet_ids(Some(subnets))
                    .set_tags(redshift_tags(&tags_all))
                    .send(),
            )
            .map(|_| ())
            .map_err(aws_error)
        }
    }
    .map_err(|e| e.into_diag(&what))?;
    let stub = with_attr(&with_attr(planned, "id", Value::string(name.as_str())), "name", Value::string(name.as_str()));
    read_after_write(aws, kind, &stub)
}

pub fn update(aws: &Aws, kind: Kind, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = crate::id_of(prior);
    let what = format!("updating {} ({name})", kind.what());
    let changed = |a: &str| !attr(prior, a).raw_equal(&attr(planned, a));
    if changed("description") || changed("subnet_ids") {
        let description = str_attr(planned, "description").unwrap_or_default();
        let subnets = Some(strings_of(&attr(planned, "subnet_ids")));
        match kind {
            Kind::Db => {
                aws.log_call("rds:ModifyDBSubnetGroup");
                aws.block(
                    aws.rds
                        .modify_db_subnet_group()
                        .db_subnet_group_name(&name)
                        .db_subnet_group_description(&description)
                        .set_subnet_ids(subnets)
                        .send(),
                )
                .map(|_| ())
                .map_err(aws_error)
            }
            Kind::ElastiCache => {
                aws.log_call("elasticache:ModifyCacheSubnetGroup");
                aws.block(
                    aws.elasticache
                        .modify_cache_subnet_group()
                        .cache_subnet_group_name(&name)
                        .cache_subnet_group_description(&description)
                        .set_subnet_ids(subnets)
                        .send(),
                )
                .map(|_| ())
                .map_err(aws_error)
            }
            Kind::Redshift => {
                aws.log_call("redshift:ModifyClusterSubnetGroup");
                aws.block(
                    aws.redshift
                        .modify_cluster_subnet_group()
                        .cluster_subnet_group_name(&name)
                        .description(&description)
                        .set_subnet_ids(subnets)
                        .send(),
                )
                .map(|_| ())
                .map_err(aws_error)
            }
        }
        .map_err(|e| e.into_diag(&what))?;
    }
    if changed("tags_all") {
        let arn = nonempty(prior, "arn")
            .unwrap_or_else(|| arn_of(aws, kind, &Group { name: name.clone(), ..Group::default() }));
        change_tags(aws, kind, &arn, &map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")))
            .map_err(|e| e.into_diag(&what))?;
    }
    read_after_write(aws, kind, planned)
}

pub fn delete(aws: &Aws, kind: Kind, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let name = crate::id_of(prior);
    let what = format!("deleting {} ({name})", kind.what());
    let sent = match kind {
        Kind::Db => {
            aws.log_call("rds:DeleteDBSubnetGroup");
            aws.block(aws.rds.delete_db_subnet_group().db_subnet_group_name(&name).send())
                .map(|_| ())
                .map_err(aws_error)
        }
        // A cluster just deleted may hold on to the group for a while.
        Kind::ElastiCache => aws.retry(
            DEPENDENCY_CLEARS,
            |e| e.code == "DependencyViolation",
            || {
                aws.log_call("elasticache:DeleteCacheSubnetGroup");
                aws.block(aws.elasticache.delete_cache_subnet_group().cache_subnet_group_name(&name).send())
                    .map(|_| ())
                    .map_err(aws_error)
            },
        ),
        Kind::Redshift => {
            aws.log_call("redshift:DeleteClusterSubnetGroup");
            aws.block(aws.redshift.delete_cluster_subnet_group().cluster_subnet_group_name(&name).send())
                .map(|_| ())
                .map_err(aws_error)
        }
    };
    match sent {
        Err(e) if is_not_found(&e) => return Ok(()),
        Err(e) => return Err(e.into_diag(&what)),
        Ok(()) => {}
    }
    if kind == Kind::Db {
        // RDS goes on describing a deleted group for a moment.
        aws.retry(
            DELETE_SETTLE,
            |e| e.code == "StillThere",
            || match describe_one(aws, kind, &name)? {
                Some(_) => Err(AwsError { code: "StillThere".into(), message: format!("{name} is still described") }),
                None => Ok(()),
            },
        )
        .map_err(|e| e.into_diag(&format!("waiting for RDS Subnet Group ({name}) delete")))?;
    }
    Ok(())
}

/// The group as a create or update left it. The provider reads once:
/// a group not found now is an error, not something to wait for.
fn read_after_write(aws: &Aws, kind: Kind, current: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = crate::id_of(current);
    let what = format!("reading {} ({name})", kind.what());
    match describe_one(aws, kind, &name).map_err(|e| e.into_diag(&what))? {
        Some(group) => state_of(aws, kind, &group, current).map_err(|e| e.into_diag(&what)),
        None => Err(ProviderDiagnostic::error(
            format!("{} not found after change", kind.what()),
            format!("{what}: the group was not found after it was written."),
        )),
    }
}

pub fn read(aws: &Aws, kind: Kind, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let name = crate::id_of(current);
    let what = format!("reading {} ({name})", kind.what());
    let Some(group) = describe_one(aws, kind, &name).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    state_of(aws, kind, &group, current).map(Some).map_err(|e| e.into_diag(&what))
}

fn state_of(aws: &Aws, kind: Kind, g: &Group, prior: &Value) -> Result<Value, AwsError> {
    let s = |x: &str| Value::string(x);
    let arn = arn_of(aws, kind, g);
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(prior, "tags"), tags_of(aws, kind, g)?);
    let set = |items: &[String]| Value::set(Type::String, items.iter().map(|i| s(i)).collect());
    let mut values = vec![
        ("arn", s(&arn)),
        ("description", s(&g.description)),
        ("id", s(&g.name)),
        ("name", s(&g.name)),
        ("subnet_ids", set(&g.subnet_ids)),
        ("tags", tags),
        ("tags_all", tags_all),
    ];
    let vpc = g.vpc_id.as_deref().map(s).unwrap_or_else(|| Value::null(Type::String));
    match kind {
        Kind::Db => values.extend([
            ("name_prefix", name_prefix_from_name(&g.name).map(s).unwrap_or_else(|| Value::null(Type::String))),
            ("supported_network_types", set(&g.network_types)),
            ("vpc_id", vpc),
        ]),
        Kind::ElastiCache => values.push(("vpc_id", vpc)),
        Kind::Redshift => {}
    }
    Ok(object(&schema(kind), values))
}

/// The group an interrupted create made: by the name it was given (RDS:
/// or among those with its prefix), carrying the create token tag.
pub fn find(aws: &Aws, kind: Kind, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = format!("looking for an {} an interrupted create made", kind.what());
    let candidates = match (kind, nonempty(planned, "name")) {
        (_, Some(n)) => {
            let n = if kind == Kind::ElastiCache { n.to_lowercase() } else { n };
            describe_one(aws, kind, &n).map_err(|e| e.into_diag(&what))?.into_iter().collect()
        }
        (Kind::Db, None) => {
            let prefix = str_attr(planned, "name_prefix").unwrap_or_else(|| "terraform-".into());
            let all = describe_all(aws, kind).map_err(|e| e.into_diag(&what))?;
            all.into_iter().filter(|g| g.name.starts_with(&prefix)).collect()
        }
        (_, None) => Vec::new(),
    };
    for g in candidates {
        let tagged = tags_of(aws, kind, &g)
            .map_err(|e| e.into_diag(&what))?
            .iter()
            .any(|(k, v)| k == tags::CREATE_TOKEN_TAG && v == token);
        if tagged {
            let stub = with_attr(planned, "id", Value::string(g.name.as_str()));
            return state_of(aws, kind, &g, &crate::util::known_or_null(&stub))
                .map(Some)
                .map_err(|e| e.into_diag(&what));
        }
    }
    Ok(None)
}

/// Every group in the region, for `drift -unmanaged`, but the `default`
/// ones AWS makes itself (Terraform's names may not be `default`).
pub fn list(aws: &Aws, kind: Kind) -> Result<Vec<ListedObject>, AwsError> {
    let mut out = Vec::new();
    for g in describe_all(aws, kind)?.into_iter().filter(|g| !g.name.eq_ignore_ascii_case("default")) {
        let tags = tags_of(aws, kind, &g)?;
        out.push(ListedObject { id: g.name.clone(), tags: tags.into_iter().collect() });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(kind: Kind, values: Vec<(&str, Value)>) -> Value {
        object(&schema(kind), values)
    }

    #[test]
    fn prefixes_come_back_from_generated_names_only() {
        assert_eq!(name_prefix_from_name("app-20261207061234000000000001"), Some("app-"));
        assert_eq!(name_prefix_from_name("terraform-2026120706123400000000000a"), Some("terraform-"));
        assert_eq!(name_prefix_from_name("main"), None);
        assert_eq!(name_prefix_from_name("20261207061234000000000001"), None, "nothing before the suffix");
        assert_eq!(name_prefix_from_name("app-2026120706123400000000000z"), None);
        let made = name_for(Kind::Db, &config(Kind::Db, vec![("name_prefix", Value::string("db-"))]));
        assert_eq!(name_prefix_from_name(&made), Some("db-"), "{made}");
    }

    #[test]
    fn elasticache_names_are_planned_and_sent_in_lower_case() {
        let c = config(Kind::ElastiCache, vec![("name", Value::string("My-Cache"))]);
        assert_eq!(str_attr(&plan(Kind::ElastiCache, &c, &c), "name").as_deref(), Some("my-cache"));
        assert_eq!(name_for(Kind::ElastiCache, &c), "my-cache");
        let r = config(Kind::Redshift, vec![("name", Value::string("My-Group"))]);
        assert_eq!(str_attr(&plan(Kind::Redshift, &r, &r), "name").as_deref(), Some("My-Group"));
        let unknown = config(Kind::ElastiCache, vec![("name", Value::unknown(Type::String))]);
        assert!(attr(&plan(Kind::ElastiCache, &unknown, &unknown), "name").is_unknown());
    }

    #[test]
    fn names_are_checked_as_the_provider_checks_them() {
        let summaries =
            |kind, values| validate(kind, &config(kind, values)).into_iter().map(|d| d.summary).collect::<Vec<_>>();
        let s = Value::string;
        let long = "a".repeat(230);
        assert!(summaries(Kind::Db, vec![("name", s("main db_1.x"))]).is_empty());
        assert_eq!(
            summaries(Kind::Db, vec![("name", s("Main"))]),
            vec![
                "only lowercase alphanumeric characters, hyphens, underscores, periods, and spaces allowed in \"name\""
            ]
        );
        assert_eq!(summaries(Kind::Db, vec![("name", s("default"))]), vec!["\"Default\" is not allowed as \"name\""]);
        assert_eq!(
            summaries(Kind::Db, vec![("name_prefix", s(&long))]),
            vec!["\"name_prefix\" cannot be longer than 229 characters"]
        );
        assert_eq!(
            summaries(Kind::Db, vec![("name", s("a")), ("name_prefix", s("b"))]),
            vec!["Conflicting configuration arguments"]
        );
        assert!(summaries(Kind::Redshift, vec![("name", s("main-1"))]).is_empty());
        assert_eq!(
            summaries(Kind::Redshift, vec![("name", s("main_1"))]),
            vec!["invalid value for name (must contain only lowercase alphanumeric characters and hyphens)"]
        );
        assert_eq!(
            summaries(Kind::Redshift, vec![("name", s("default"))]),
            vec!["expected name to not be any of [default], got default"]
        );
        assert!(summaries(Kind::ElastiCache, vec![("name", s("Any Name"))]).is_empty());
        assert!(summaries(Kind::Db, vec![("name", Value::unknown(Type::String))]).is_empty());
        let diags = validate(Kind::Redshift, &config(Kind::Redshift, vec![("name", s("X"))]));
        assert_eq!(diags[0].attribute, Some(vec![PathStep::Attr("name".into())]));
    }

    #[test]
    fn schemas_follow_the_provider() {
        let db = schema(Kind::Db);
        assert!(db.attributes["name"].optional && db.attributes["name"].computed && db.attributes["name"].force_new);
        assert!(db.attributes["supported_network_types"].computed && db.attributes["vpc_id"].computed);
        let cache = schema(Kind::ElastiCache);
        assert!(cache.attributes["name"].required && cache.attributes["vpc_id"].computed);
        assert!(!cache.attributes.contains_key("name_prefix"));
        let redshift = schema(Kind::Redshift);
        assert!(redshift.attributes["name"].required && !redshift.attributes.contains_key("vpc_id"));
        for kind in [Kind::Db, Kind::ElastiCache, Kind::Redshift] {
            let b = schema(kind);
            assert!(!b.attributes["description"].force_new && !b.attributes["subnet_ids"].force_new, "{kind:?}");
            assert!(b.attributes["subnet_ids"].required);
        }
    }
}
