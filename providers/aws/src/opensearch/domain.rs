//! `aws_opensearch_domain` and `aws_elasticsearch_domain` (one schema
//! builder, one set of calls; [`Flavour`] names what differs), and data
//! `aws_opensearch_domain`, read with the resource's code.
//!
//! Blocks the provider declares optional and computed keep what AWS
//! reported when left out (unknown when creating); written ones are
//! completed with the provider's defaults, else the plugin SDK's zero
//! values, so what AWS reports back reads as exactly what was planned.
//! `master_user_options` is never read back: AWS does not return it.

use super::{describe, domain_name_of_id, list_tags, not_found, tags_to_send, update_tags, wait_domain, Flavour};
use crate::client::{aws_error, Aws};
use crate::iam_policy;
use crate::tags;
use crate::util::{
    attr, attrs, bool_attr, complete_items, int_attr, is_set, items, map_of, nonempty, object, set_of, single,
    str_attr, string_map, strings_of, with_attr,
};
use aws_sdk_opensearch::types as os;
use std::collections::{BTreeMap, HashMap};
use strata_lang::{Type, Value};
use strata_provider::{Attribute, AttributePath, Block, Nesting, PathStep, ProviderDiagnostic};

const LOG_TYPES: [&str; 4] = ["AUDIT_LOGS", "ES_APPLICATION_LOGS", "INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS"];
const TLS_POLICIES: [&str; 4] = [
    "Policy-Min-TLS-1-0-2019-07",
    "Policy-Min-TLS-1-2-2019-07",
    "Policy-Min-TLS-1-2-PFS-2023-10",
    "Policy-Min-TLS-1-2-RFC9151-FIPS-2024-08",
];
const VOLUME_TYPES: [&str; 4] = ["standard", "gp2", "gp3", "io1"];
const WARM_SIZES: [&str; 3] = ["medium", "large", "xlarge"];

// --- schema ---

fn block(attributes: Vec<(&str, Attribute)>, blocks: Vec<(&str, strata_provider::NestedBlock)>) -> Block {
    Block { attributes: attrs(attributes), blocks: blocks.into_iter().map(|(k, b)| (k.to_string(), b)).collect() }
}

fn cluster_config_block(f: Flavour) -> Block {
    let n = || Attribute::optional(Type::Number);
    let b = || Attribute::optional(Type::Bool);
    let s = || Attribute::optional(Type::String);
    let mut attributes = vec![
        ("dedicated_master_count", n()),
        ("dedicated_master_enabled", b()),
        ("dedicated_master_type", s()),
        ("instance_count", n()),
        ("instance_type", s()),
        ("warm_count", n()),
        ("warm_enabled", b()),
        ("warm_type", s()),
        ("zone_awareness_enabled", b()),
    ];
    if f == Flavour::OpenSearch {
        attributes.push(("multi_az_with_standby_enabled", b()));
    }
    block(
        attributes,
        vec![
            (
                "cold_storage_options",
                single(block(vec![("enabled", Attribute::optional_computed(Type::Bool))], vec![])),
            ),
            ("zone_awareness_config", single(block(vec![("availability_zone_count", n())], vec![]))),
        ],
    )
}

fn ebs_block() -> Block {
    block(
        vec![
            ("ebs_enabled", Attribute::required(Type::Bool)),
            ("iops", Attribute::optional_computed(Type::Number)),
            ("throughput", Attribute::optional_computed(Type::Number)),
            ("volume_size", Attribute::optional(Type::Number)),
            ("volume_type", Attribute::optional_computed(Type::String)),
        ],
        vec![],
    )
}

fn encrypt_block() -> Block {
    block(
        vec![("enabled", Attribute::required(Type::Bool)), ("kms_key_id", Attribute::optional_computed(Type::String))],
        vec![],
    )
}

fn enabled_block() -> Block {
    block(vec![("enabled", Attribute::required(Type::Bool))], vec![])
}

fn endpoint_options_block() -> Block {
    block(
        vec![
            ("custom_endpoint", Attribute::optional(Type::String)),
            ("custom_endpoint_certificate_arn", Attribute::optional(Type::String)),
            ("custom_endpoint_enabled", Attribute::optional(Type::Bool)),
            ("enforce_https", Attribute::optional(Type::Bool)),
            ("tls_security_policy", Attribute::optional_computed(Type::String)),
        ],
        vec![],
    )
}

fn master_user_block() -> Block {
    block(
        vec![
            ("master_user_arn", Attribute::optional(Type::String)),
            ("master_user_name", Attribute::optional(Type::String)),
            ("master_user_password", Attribute::optional(Type::String).sensitive()),
        ],
        vec![],
    )
}

fn security_block() -> Block {
    block(
        vec![
            ("anonymous_auth_enabled", Attribute::optional_computed(Type::Bool)),
            ("enabled", Attribute::required(Type::Bool)),
            ("internal_user_database_enabled", Attribute::optional(Type::Bool)),
        ],
        vec![("master_user_options", single(master_user_block()))],
    )
}

fn log_block() -> Block {
    block(
        vec![
            ("cloudwatch_log_group_arn", Attribute::required(Type::String)),
            ("enabled", Attribute::optional(Type::Bool)),
            ("log_type", Attribute::required(Type::String)),
        ],
        vec![],
    )
}

fn snapshot_block() -> Block {
    block(vec![("automated_snapshot_start_hour", Attribute::required(Type::Number))], vec![])
}

fn vpc_block() -> Block {
    block(
        vec![
            ("availability_zones", Attribute::computed(Type::set(Type::String))),
            ("security_group_ids", Attribute::optional(Type::set(Type::String))),
            ("subnet_ids", Attribute::optional(Type::set(Type::String))),
            ("vpc_id", Attribute::computed(Type::String)),
        ],
        vec![],
    )
}

fn software_update_block() -> Block {
    block(vec![("auto_software_update_enabled", Attribute::optional_computed(Type::Bool))], vec![])
}

pub fn schema(f: Flavour) -> Block {
    let c = || Attribute::computed(Type::String);
    let mut attributes = vec![
        ("access_policies", Attribute::optional_computed(Type::String)),
        ("advanced_options", Attribute::optional_computed(Type::map(Type::String))),
        ("arn", c()),
        ("domain_id", c()),
        ("domain_name", Attribute::required(Type::String).force_new()),
        ("endpoint", c()),
        ("id", c()),
        ("tags", Attribute::optional(Type::map(Type::String))),
        ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
    ];
    let mut blocks = vec![
        ("advanced_security_options", single(security_block())),
        ("cluster_config", single(cluster_config_block(f))),
        ("domain_endpoint_options", single(endpoint_options_block())),
        ("ebs_options", single(ebs_block())),
        ("encrypt_at_rest", single(encrypt_block())),
        ("log_publishing_options", set_of(log_block())),
        ("node_to_node_encryption", single(enabled_block())),
        ("snapshot_options", single(snapshot_block())),
        ("vpc_options", single(vpc_block())),
    ];
    match f {
        Flavour::OpenSearch => {
            attributes.push(("dashboard_endpoint", c()));
            attributes.push(("engine_version", Attribute::optional_computed(Type::String)));
            blocks.push(("software_update_options", single(software_update_block())));
        }
        Flavour::Elasticsearch => {
            attributes.push(("elasticsearch_version", Attribute::optional(Type::String)));
            attributes.push(("kibana_endpoint", c()));
        }
    }
    block(attributes, blocks)
}

/// The data source: the domain's attributes and its configuration blocks
/// as computed lists of objects, as the provider's data source has them.
pub fn data_schema() -> Block {
    let resource = schema(Flavour::OpenSearch);
    let mut attributes: BTreeMap<String, Attribute> = resource
        .attributes
        .iter()
        .map(|(k, a)| (k.clone(), Attribute { sensitive: false, ..Attribute::computed(a.ty.clone()) }))
        .collect();
    attributes.insert("domain_name".into(), Attribute::required(Type::String));
    attributes.insert("tags".into(), Attribute::optional_computed(Type::map(Type::String)));
    attributes.remove("tags_all");
    for (name, nested) in &resource.blocks {
        // The password never leaves AWS, so the data source has no master user.
        let mut inner = nested.block.clone();
        inner.blocks.remove("master_user_options");
        let ty = match nested.nesting {
            Nesting::Set => Type::set(inner.implied_type()),
            _ => Type::list(inner.implied_type()),
        };
        attributes.insert(name.clone(), Attribute::computed(ty));
    }
    attributes.insert("created".into(), Attribute::computed(Type::Bool));
    attributes.insert("deleted".into(), Attribute::computed(Type::Bool));
    attributes.insert("processing".into(), Attribute::computed(Type::Bool));
    Block { attributes, blocks: BTreeMap::new() }
}

/// Defaults the provider declares, by dotted path.
fn block_defaults(f: Flavour) -> Vec<(String, Value)> {
    vec![
        ("cluster_config.instance_type".into(), Value::string(format!("m3.medium{}", f.instance_suffix()))),
        ("cluster_config.instance_count".into(), Value::int(1)),
        ("cluster_config.zone_awareness_config.availability_zone_count".into(), Value::int(2)),
        ("domain_endpoint_options.enforce_https".into(), Value::bool(true)),
        ("log_publishing_options.enabled".into(), Value::bool(true)),
    ]
}

// --- validate ---

fn path(steps: &[&str]) -> AttributePath {
    let mut out = Vec::new();
    for s in steps {
        match s.parse::<u64>() {
            Ok(i) => out.push(PathStep::Index(i)),
            Err(_) => out.push(PathStep::Attr(s.to_string())),
        }
    }
    out
}

fn err(steps: &[&str], summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(path(steps))
}

/// The first item of a written block (null when it is not written).
fn first(v: &Value, name: &str) -> Value {
    items(&attr(v, name)).into_iter().next().unwrap_or_else(Value::dynamic_null)
}

/// The domain's configuration checked as the provider's validators and
/// the service's own rules would check it (the service answers a
/// ValidationException only after the plan was applied; moto never).
pub fn validate(f: Flavour, config: &Value) -> Vec<ProviderDiagnostic> {
    let mut d = Vec::new();
    if let Some(name) = str_attr(config, "domain_name") {
        let ok = name.len() >= 3
            && name.len() <= 28
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !ok {
            d.push(err(
                &["domain_name"],
                "Invalid domain name",
                format!("domain_name {name:?}: must start with a lowercase letter and be 3 to 28 characters of a-z, 0-9 and -"),
            ));
        }
    }
    if let Some(v) = str_attr(config, f.version_attr()) {
        if !valid_version(f, &v) {
            let want = match f {
                Flavour::OpenSearch => "OpenSearch_X.Y or Elasticsearch_X.Y",
                Flavour::Elasticsearch => "X.Y",
            };
            d.push(err(
                &[f.version_attr()],
                "Invalid engine version",
                format!("{} {v:?}: expected {want}", f.version_attr()),
            ));
        }
    }
    if let Some(doc) = str_attr(config, "access_policies") {
        if let Some(reason) = iam_policy::invalid_reason(&doc) {
            d.push(err(
                &["access_policies"],
                "Invalid access policy",
                format!("\"access_policies\" contains an invalid JSON policy: {reason}"),
            ));
        }
    }
    validate_cluster(f, config, &mut d);
    validate_ebs(config, &mut d);
    validate_endpoint_options(config, &mut d);
    validate_security(config, &mut d);
    let snapshot = first(config, "snapshot_options");
    if let Some(h) = int_attr(&snapshot, "automated_snapshot_start_hour") {
        if !(0..=23).contains(&h) {
            d.push(err(
                &["snapshot_options", "0", "automated_snapshot_start_hour"],
                "Invalid snapshot hour",
                format!("automated_snapshot_start_hour must be between 0 and 23, got {h}"),
            ));
        }
    }
    let security_enabled = bool_attr(&first(config, "advanced_security_options"), "enabled") == Some(true);
    let mut seen = Vec::new();
    for (i, log) in items(&attr(config, "log_publishing_options")).iter().enumerate() {
        let Some(t) = str_attr(log, "log_type") else { continue };
        let at = i.to_string();
        if !LOG_TYPES.contains(&t.as_str()) {
            d.push(err(
                &["log_publishing_options", at.as_str(), "log_type"],
                "Invalid log type",
                format!("log_type {t:?}: expected one of {}", LOG_TYPES.join(", ")),
            ));
        }
        if t == "AUDIT_LOGS" && !security_enabled {
            d.push(err(
                &["log_publishing_options", at.as_str(), "log_type"],
                "Audit logs need fine-grained access control",
                "AUDIT_LOGS can be published only when advanced_security_options.enabled is true".into(),
            ));
        }
        if seen.contains(&t) {
            d.push(err(
                &["log_publishing_options", at.as_str(), "log_type"],
                "Duplicate log type",
                format!("log_type {t:?} is published twice: each log type takes one block"),
            ));
        }
        seen.push(t);
    }
    d
}

fn valid_version(f: Flavour, v: &str) -> bool {
    let number = |s: &str, major_digits: usize| {
        let Some((a, b)) = s.split_once('.') else { return false };
        !a.is_empty()
            && a.len() <= major_digits
            && !b.is_empty()
            && b.len() <= 2
            && a.chars().all(|c| c.is_ascii_digit())
            && b.chars().all(|c| c.is_ascii_digit())
    };
    match f {
        Flavour::OpenSearch => match (v.strip_prefix("OpenSearch_"), v.strip_prefix("Elasticsearch_")) {
            (Some(n), _) => number(n, 2),
            (_, Some(n)) => number(n, 1),
            _ => false,
        },
        Flavour::Elasticsearch => number(v, 1),
    }
}

fn validate_cluster(f: Flavour, config: &Value, d: &mut Vec<ProviderDiagnostic>) {
    let c = first(config, "cluster_config");
    if c.is_null() {
        return;
    }
    let at = |name: &'static str| ["cluster_config", "0", name];
    let on = |name: &str| bool_attr(&c, name) == Some(true);
    let known = |name: &str| is_set(&attr(&c, name));
    let count = int_attr(&c, "instance_count").unwrap_or(1);
    for name in ["instance_type", "dedicated_master_type"] {
        if let Some(t) = nonempty(&c, name) {
            if !t.ends_with(f.instance_suffix()) || t.matches('.').count() != 2 {
                d.push(err(
                    &at(name),
                    "Invalid instance type",
                    format!("{name} {t:?}: expected a type such as m6g.large{}", f.instance_suffix()),
                ));
            }
        }
    }
    if let Some(n) = int_attr(&c, "instance_count") {
        if n < 1 {
            d.push(err(
                &at("instance_count"),
                "Invalid instance count",
                format!("instance_count must be at least 1, got {n}"),
            ));
        }
    }
    // Dedicated masters: a type and 3 or 5 of them.
    let masters = on("dedicated_master_enabled");
    if masters {
        if known("dedicated_master_type") && nonempty(&c, "dedicated_master_type").is_none() {
            d.push(err(
                &at("dedicated_master_type"),
                "Dedicated master type missing",
                "dedicated_master_enabled = true needs dedicated_master_type".into(),
            ));
        }
        match int_attr(&c, "dedicated_master_count") {
            Some(3) | Some(5) => {}
            Some(n) => d.push(err(
                &at("dedicated_master_count"),
                "Invalid dedicated master count",
                format!("dedicated_master_count must be 3 or 5 (a quorum that survives the loss of a node), got {n}"),
            )),
            None if !known("dedicated_master_count") && !attr(&c, "dedicated_master_count").is_null() => {}
            None => d.push(err(
                &at("dedicated_master_count"),
                "Dedicated master count missing",
                "dedicated_master_enabled = true needs dedicated_master_count (3 or 5)".into(),
            )),
        }
    }
    // Zone awareness: 2 or 3 zones, the data nodes spread evenly.
    let zones_block = first(&c, "zone_awareness_config");
    let zones = int_attr(&zones_block, "availability_zone_count");
    if let Some(z) = zones {
        if z != 2 && z != 3 {
            d.push(err(
                &["cluster_config", "0", "zone_awareness_config", "0", "availability_zone_count"],
                "Invalid availability zone count",
                format!("availability_zone_count must be 2 or 3, got {z}"),
            ));
        }
    }
    if on("zone_awareness_enabled") {
        let z = zones.unwrap_or(2);
        if (z == 2 || z == 3) && int_attr(&c, "instance_count").is_some() && count % z != 0 {
            d.push(err(
                &at("instance_count"),
                "Instance count does not fit the zones",
                format!("with zone awareness across {z} availability zones, instance_count must be a multiple of {z}, got {count}"),
            ));
        }
    } else if !zones_block.is_null() && bool_attr(&c, "zone_awareness_enabled") == Some(false) {
        d.push(err(
            &["cluster_config", "0", "zone_awareness_config"],
            "Zone awareness is off",
            "zone_awareness_config needs zone_awareness_enabled = true".into(),
        ));
    }
    // Multi-AZ with standby: three zones, dedicated masters, nodes in threes.
    if f == Flavour::OpenSearch && on("multi_az_with_standby_enabled") {
        if !on("zone_awareness_enabled") || zones != Some(3) {
            d.push(err(
                &at("multi_az_with_standby_enabled"),
                "Multi-AZ with standby needs three zones",
                "multi_az_with_standby_enabled needs zone_awareness_enabled = true and zone_awareness_config.availability_zone_count = 3".into(),
            ));
        }
        if !masters {
            d.push(err(
                &at("multi_az_with_standby_enabled"),
                "Multi-AZ with standby needs dedicated masters",
                "multi_az_with_standby_enabled needs dedicated_master_enabled = true".into(),
            ));
        }
    }
    // UltraWarm: dedicated masters, a warm type, 2 to 150 nodes.
    let warm = on("warm_enabled");
    if warm {
        if !masters && attr(&c, "dedicated_master_enabled").is_known() {
            d.push(err(
                &at("warm_enabled"),
                "UltraWarm needs dedicated masters",
                "warm_enabled = true needs dedicated_master_enabled = true".into(),
            ));
        }
        if attr(&c, "warm_type").is_known() && nonempty(&c, "warm_type").is_none() {
            d.push(err(&at("warm_type"), "Warm type missing", "warm_enabled = true needs warm_type".into()));
        }
        match int_attr(&c, "warm_count") {
            Some(n) if (2..=150).contains(&n) => {}
            Some(n) => d.push(err(
                &at("warm_count"),
                "Invalid warm count",
                format!("warm_count must be between 2 and 150, got {n}"),
            )),
            None if attr(&c, "warm_count").is_known() => d.push(err(
                &at("warm_count"),
                "Warm count missing",
                "warm_enabled = true needs warm_count (2 to 150)".into(),
            )),
            None => {}
        }
    } else {
        for name in ["warm_type", "warm_count"] {
            if is_set(&attr(&c, name)) && !crate::util::is_zero_value(&attr(&c, name)) {
                d.push(err(&at(name), "UltraWarm is off", format!("{name} needs warm_enabled = true")));
            }
        }
    }
    if let Some(t) = nonempty(&c, "warm_type") {
        let size = t.strip_prefix("ultrawarm1.").and_then(|r| r.strip_suffix(f.instance_suffix()));
        if !size.is_some_and(|s| WARM_SIZES.contains(&s)) {
            d.push(err(
                &at("warm_type"),
                "Invalid warm type",
                format!(
                    "warm_type {t:?}: expected one of {}",
                    WARM_SIZES
                        .iter()
                        .map(|s| format!("ultrawarm1.{s}{}", f.instance_suffix()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    // Cold storage sits behind UltraWarm.
    if bool_attr(&first(&c, "cold_storage_options"), "enabled") == Some(true) && !warm {
        d.push(err(
            &["cluster_config", "0", "cold_storage_options", "0", "enabled"],
            "Cold storage needs UltraWarm",
            "cold_storage_options.enabled = true needs warm_enabled = true (and so dedicated masters)".into(),
        ));
    }
}

fn validate_ebs(config: &Value, d: &mut Vec<ProviderDiagnostic>) {
    let e = first(config, "ebs_options");
    if e.is_null() {
        return;
    }
    let at = |name: &'static str| ["ebs_options", "0", name];
    let volume = nonempty(&e, "volume_type");
    if let Some(t) = &volume {
        if !VOLUME_TYPES.contains(&t.as_str()) {
            d.push(err(
                &at("volume_type"),
                "Invalid volume type",
                format!("volume_type {t:?}: expected one of {}", VOLUME_TYPES.join(", ")),
            ));
        }
    }
    if bool_attr(&e, "ebs_enabled") == Some(true) {
        if attr(&e, "volume_size").is_null() {
            d.push(err(&at("volume_size"), "Volume size missing", "ebs_enabled = true needs volume_size".into()));
        }
    } else if bool_attr(&e, "ebs_enabled") == Some(false) && is_set(&attr(&e, "volume_size")) {
        d.push(err(&at("volume_size"), "EBS is off", "volume_size needs ebs_enabled = true".into()));
    }
    if let Some(n) = int_attr(&e, "iops").filter(|n| *n > 0) {
        if !matches!(volume.as_deref(), Some("gp3") | Some("io1")) {
            d.push(err(&at("iops"), "IOPS need gp3 or io1", format!("iops = {n} is for gp3 and io1 volumes only")));
        }
    }
    if let Some(n) = int_attr(&e, "throughput").filter(|n| *n > 0) {
        if volume.as_deref() != Some("gp3") {
            d.push(err(&at("throughput"), "Throughput needs gp3", format!("throughput = {n} is for gp3 volumes only")));
        }
    }
}

fn validate_endpoint_options(config: &Value, d: &mut Vec<ProviderDiagnostic>) {
    let e = first(config, "domain_endpoint_options");
    let at = |name: &'static str| ["domain_endpoint_options", "0", name];
    if let Some(p) = nonempty(&e, "tls_security_policy") {
        if !TLS_POLICIES.contains(&p.as_str()) {
            d.push(err(
                &at("tls_security_policy"),
                "Invalid TLS security policy",
                format!("tls_security_policy {p:?}: expected one of {}", TLS_POLICIES.join(", ")),
            ));
        }
    }
    if bool_attr(&e, "custom_endpoint_enabled") == Some(true) {
        for name in ["custom_endpoint", "custom_endpoint_certificate_arn"] {
            if attr(&e, name).is_known() && nonempty(&e, name).is_none() {
                d.push(err(
                    &at(name),
                    "Custom endpoint incomplete",
                    format!("custom_endpoint_enabled = true needs {name}"),
                ));
            }
        }
    }
}

fn validate_security(config: &Value, d: &mut Vec<ProviderDiagnostic>) {
    let s = first(config, "advanced_security_options");
    if bool_attr(&s, "enabled") != Some(true) {
        return;
    }
    // Fine-grained access control: HTTPS only, both encryptions on.
    let needs = [
        ("node_to_node_encryption", "enabled", "node_to_node_encryption.enabled = true"),
        ("encrypt_at_rest", "enabled", "encrypt_at_rest.enabled = true"),
        ("domain_endpoint_options", "enforce_https", "domain_endpoint_options.enforce_https = true"),
    ];
    for (block_name, name, what) in needs {
        let b = first(config, block_name);
        let v = attr(&b, name);
        let off = match bool_attr(&b, name) {
            Some(on) => !on,
            // enforce_https defaults to true; the encryptions default to off.
            None => v.is_known() && name != "enforce_https",
        };
        if off {
            d.push(err(
                &["advanced_security_options", "0", "enabled"],
                "Fine-grained access control needs encryption",
                format!("advanced_security_options.enabled = true needs {what}"),
            ));
        }
    }
    let m = first(&s, "master_user_options");
    let at = |name: &'static str| ["advanced_security_options", "0", "master_user_options", "0", name];
    if bool_attr(&s, "internal_user_database_enabled") == Some(true) {
        if m.is_null() || attr(&m, "master_user_name").is_known() && nonempty(&m, "master_user_name").is_none() {
            d.push(err(
                &at("master_user_name"),
                "Master user missing",
                "internal_user_database_enabled = true needs master_user_options with master_user_name and master_user_password".into(),
            ));
        }
        if nonempty(&m, "master_user_arn").is_some() {
            d.push(err(
                &at("master_user_arn"),
                "Conflicting master user",
                "with the internal user database, the master user is a name and password, not an ARN".into(),
            ));
        }
        let pw = attr(&m, "master_user_password");
        if pw.is_known() {
            match str_attr(&m, "master_user_password") {
                None => d.push(err(
                    &at("master_user_password"),
                    "Master password missing",
                    "internal_user_database_enabled = true needs master_user_password".into(),
                )),
                Some(p) => {
                    if let Some(problem) = password_problem(&p) {
                        // The value itself is never shown.
                        d.push(err(&at("master_user_password"), "Invalid master password", problem.into()));
                    }
                }
            }
        }
    } else if !m.is_null() && attr(&m, "master_user_arn").is_known() && nonempty(&m, "master_user_arn").is_none() {
        d.push(err(
            &at("master_user_arn"),
            "Master user ARN missing",
            "without the internal user database, the master user is an IAM ARN (master_user_arn)".into(),
        ));
    }
}

/// What the service says of a master password, never quoting it.
fn password_problem(p: &str) -> Option<&'static str> {
    let n = p.chars().count();
    if !(8..=128).contains(&n) {
        return Some("master_user_password must be 8 to 128 characters long");
    }
    let has = |f: fn(&char) -> bool| p.chars().any(|c| f(&c));
    if !(has(char::is_ascii_uppercase)
        && has(char::is_ascii_lowercase)
        && has(char::is_ascii_digit)
        && has(|c| !c.is_alphanumeric()))
    {
        return Some(
            "master_user_password must contain at least one uppercase letter, one lowercase letter, one number, and one special character",
        );
    }
    None
}

// --- plan ---

/// Blocks the provider declares optional and computed.
const COMPUTED_BLOCKS: [&str; 7] = [
    "advanced_security_options",
    "cluster_config",
    "domain_endpoint_options",
    "ebs_options",
    "encrypt_at_rest",
    "node_to_node_encryption",
    "software_update_options",
];

pub fn plan(f: Flavour, planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
    let schema = schema(f);
    let defaults_owned = block_defaults(f);
    let mut p = planned.clone();
    for (name, nested) in &schema.blocks {
        if name == "timeouts" {
            continue;
        }
        let defaults: Vec<(&str, Value)> = defaults_owned
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix(name.as_str()).and_then(|r| r.strip_prefix('.')).map(|r| (r, v.clone()))
            })
            .collect();
        let value = if COMPUTED_BLOCKS.contains(&name.as_str()) {
            plan_block(
                &attr(&p, name),
                &attr(config, name),
                &attr(prior, name),
                prior.is_null(),
                &nested.block,
                &defaults,
            )
        } else {
            let v = complete_items(&attr(&p, name), &nested.block, nested.nesting, "", &defaults);
            fill_computed(&v, &attr(prior, name), &nested.block, nested.nesting)
        };
        p = with_attr(&p, name, value);
    }
    // A policy that means the same keeps its stored text.
    p = crate::sqs::plan_document(&p, config, prior, "access_policies", iam_policy::equivalent);
    if attr(config, "access_policies").is_null() {
        p = with_attr(
            &p,
            "access_policies",
            if prior.is_null() { Value::unknown(Type::String) } else { attr(prior, "access_policies") },
        );
    }
    if prior.is_null() {
        return (p, Vec::new());
    }
    let mut replace = Vec::new();
    let turned_off = |block_name: &str, name: &str| {
        let before = bool_attr(&first(prior, block_name), name) == Some(true);
        let after = bool_attr(&first(&p, block_name), name);
        before && after == Some(false)
    };
    for (block_name, name) in [
        ("encrypt_at_rest", "enabled"),
        ("node_to_node_encryption", "enabled"),
        ("advanced_security_options", "enabled"),
    ] {
        if turned_off(block_name, name) {
            replace.push(path(&[block_name, "0", name]));
        }
    }
    let key = |v: &Value| nonempty(&first(v, "encrypt_at_rest"), "kms_key_id");
    if let (Some(a), Some(b)) = (key(prior), key(&p)) {
        if a != b {
            replace.push(path(&["encrypt_at_rest", "0", "kms_key_id"]));
        }
    }
    if !attr(prior, "vpc_options").raw_equal(&attr(&p, "vpc_options")) {
        replace.push(path(&["vpc_options"]));
    }
    // The service upgrades in place; anything else (a downgrade, another
    // engine than an Elasticsearch → OpenSearch move) is a new domain.
    let version = f.version_attr();
    if let (Some(a), Some(b)) = (str_attr(prior, version), str_attr(&p, version)) {
        if a != b && attr(&p, version).is_known() && !is_upgrade(&f.to_api_version(&a), &f.to_api_version(&b)) {
            replace.push(path(&[version]));
        }
    }
    (p, replace)
}

/// Whether the service can move a domain from `from` to `to` in place.
fn is_upgrade(from: &str, to: &str) -> bool {
    let parse = |v: &str| -> Option<(u8, u32, u32)> {
        let (engine, n) = v.split_once('_')?;
        let (a, b) = n.split_once('.')?;
        let rank = match engine {
            "Elasticsearch" => 0,
            "OpenSearch" => 1,
            _ => return None,
        };
        Some((rank, a.parse().ok()?, b.parse().ok()?))
    };
    match (parse(from), parse(to)) {
        (Some(a), Some(b)) => b > a,
        _ => false,
    }
}

/// An optional-and-computed block: left out, it keeps what was read (or is
/// unknown when creating); written, it is completed with the defaults and
/// zero values, its computed arguments and left-out computed child blocks
/// kept from before (or unknown).
fn plan_block(
    planned: &Value,
    written: &Value,
    prior: &Value,
    creating: bool,
    block: &Block,
    defaults: &[(&str, Value)],
) -> Value {
    if items(written).is_empty() && written.is_known() {
        return if creating { Value::unknown(Type::list(block.implied_type())) } else { prior.clone() };
    }
    let completed = complete_items(planned, block, Nesting::List, "", defaults);
    fill_computed(&completed, prior, block, Nesting::List)
}

/// Each item's computed arguments (null after completing) kept from the
/// prior item, else unknown; child blocks that the provider declares
/// optional and computed (cold storage) likewise; a zone awareness
/// configuration left out keeps the one before, as the provider's
/// missing-block suppression does.
fn fill_computed(v: &Value, prior: &Value, block: &Block, nesting: Nesting) -> Value {
    let Some(list) = v.as_seq() else { return v.clone() };
    let before = items(prior).into_iter().next();
    let out: Vec<Value> = list
        .iter()
        .map(|item| {
            let mut item = item.clone();
            for (name, a) in block.attributes.iter().filter(|(_, a)| a.computed) {
                if attr(&item, name).is_null() {
                    let kept = before.as_ref().map(|b| attr(b, name)).filter(|x| !x.is_null());
                    item = with_attr(&item, name, kept.unwrap_or_else(|| Value::unknown(a.ty.clone())));
                }
            }
            for (name, nested) in &block.blocks {
                let child = attr(&item, name);
                let before_child = before.as_ref().map(|b| attr(b, name)).unwrap_or_else(Value::dynamic_null);
                if items(&child).is_empty() && child.is_known() {
                    let kept = match name.as_str() {
                        "cold_storage_options" => Some(if before.is_none() {
                            Value::unknown(Type::list(nested.block.implied_type()))
                        } else {
                            before_child.clone()
                        }),
                        "zone_awareness_config" if before.is_some() => Some(before_child.clone()),
                        "zone_awareness_config" if bool_attr(&item, "zone_awareness_enabled") == Some(true) => {
                            Some(Value::unknown(Type::list(nested.block.implied_type())))
                        }
                        _ => None,
                    };
                    if let Some(k) = kept.filter(|k| !k.is_null()) {
                        item = with_attr(&item, name, k);
                    }
                } else {
                    item = with_attr(&item, name, fill_computed(&child, &before_child, &nested.block, nested.nesting));
                }
            }
            item
        })
        .collect();
    let ty = block.implied_type();
    let out = if nesting == Nesting::Set { Value::set(ty, out) } else { Value::list(ty, out) };
    out.mark(v.marks())
}

// --- requests ---

fn i32_of(v: &Value, name: &str) -> Option<i32> {
    int_attr(v, name).and_then(|n| i32::try_from(n).ok())
}

fn cluster_config(c: &Value) -> Option<os::ClusterConfig> {
    if c.is_null() {
        return None;
    }
    let zones = first(c, "zone_awareness_config");
    let cold = first(c, "cold_storage_options");
    Some(
        os::ClusterConfig::builder()
            .set_instance_type(
                nonempty(c, "instance_type").map(|t| os::OpenSearchPartitionInstanceType::from(t.as_str())),
            )
            .set_instance_count(i32_of(c, "instance_count"))
            .set_dedicated_master_enabled(bool_attr(c, "dedicated_master_enabled"))
            .set_dedicated_master_type(
                nonempty(c, "dedicated_master_type").map(|t| os::OpenSearchPartitionInstanceType::from(t.as_str())),
            )
            .set_dedicated_master_count(i32_of(c, "dedicated_master_count").filter(|n| *n > 0))
            .set_zone_awareness_enabled(bool_attr(c, "zone_awareness_enabled"))
            .set_zone_awareness_config(
                i32_of(&zones, "availability_zone_count")
                    .map(|n| os::ZoneAwarenessConfig::builder().availability_zone_count(n).build()),
            )
            .set_warm_enabled(bool_attr(c, "warm_enabled"))
            .set_warm_type(nonempty(c, "warm_type").map(|t| os::OpenSearchWarmPartitionInstanceType::from(t.as_str())))
            .set_warm_count(i32_of(c, "warm_count").filter(|n| *n > 0))
            .set_cold_storage_options(
                bool_attr(&cold, "enabled").and_then(|e| os::ColdStorageOptions::builder().enabled(e).build().ok()),
            )
            .set_multi_az_with_standby_enabled(bool_attr(c, "multi_az_with_standby_enabled"))
            .build(),
    )
}

fn ebs_options(e: &Value) -> Option<os::EbsOptions> {
    if e.is_null() {
        return None;
    }
    let enabled = bool_attr(e, "ebs_enabled").unwrap_or(false);
    let mut b = os::EbsOptions::builder().ebs_enabled(enabled);
    if enabled {
        b = b
            .set_volume_type(nonempty(e, "volume_type").map(|t| os::VolumeType::from(t.as_str())))
            .set_volume_size(i32_of(e, "volume_size").filter(|n| *n > 0))
            .set_iops(i32_of(e, "iops").filter(|n| *n > 0))
            .set_throughput(i32_of(e, "throughput").filter(|n| *n > 0));
    }
    Some(b.build())
}

fn encryption(e: &Value) -> Option<os::EncryptionAtRestOptions> {
    (!e.is_null()).then(|| {
        os::EncryptionAtRestOptions::builder()
            .set_enabled(bool_attr(e, "enabled"))
            .set_kms_key_id(nonempty(e, "kms_key_id"))
            .build()
    })
}

fn node_to_node(e: &Value) -> Option<os::NodeToNodeEncryptionOptions> {
    (!e.is_null()).then(|| os::NodeToNodeEncryptionOptions::builder().set_enabled(bool_attr(e, "enabled")).build())
}

fn endpoint_options(e: &Value) -> Option<os::DomainEndpointOptions> {
    (!e.is_null()).then(|| {
        let custom = bool_attr(e, "custom_endpoint_enabled").unwrap_or(false);
        let mut b = os::DomainEndpointOptions::builder()
            .set_enforce_https(bool_attr(e, "enforce_https"))
            .set_tls_security_policy(
                nonempty(e, "tls_security_policy").map(|p| os::TlsSecurityPolicy::from(p.as_str())),
            )
            .custom_endpoint_enabled(custom);
        if custom {
            b = b
                .set_custom_endpoint(nonempty(e, "custom_endpoint"))
                .set_custom_endpoint_certificate_arn(nonempty(e, "custom_endpoint_certificate_arn"));
        }
        b.build()
    })
}

fn security(s: &Value) -> Option<os::AdvancedSecurityOptionsInput> {
    if s.is_null() {
        return None;
    }
    let m = first(s, "master_user_options");
    let master = (!m.is_null()).then(|| {
        os::MasterUserOptions::builder()
            .set_master_user_arn(nonempty(&m, "master_user_arn"))
            .set_master_user_name(nonempty(&m, "master_user_name"))
            .set_master_user_password(nonempty(&m, "master_user_password"))
            .build()
    });
    Some(
        os::AdvancedSecurityOptionsInput::builder()
            .set_enabled(bool_attr(s, "enabled"))
            .set_internal_user_database_enabled(bool_attr(s, "internal_user_database_enabled"))
            .set_anonymous_auth_enabled(bool_attr(s, "anonymous_auth_enabled").filter(|_| {
                // Only a domain with fine-grained access control takes it.
                bool_attr(s, "enabled") == Some(true)
            }))
            .set_master_user_options(master)
            .build(),
    )
}

fn snapshot(s: &Value) -> Option<os::SnapshotOptions> {
    i32_of(s, "automated_snapshot_start_hour")
        .map(|h| os::SnapshotOptions::builder().automated_snapshot_start_hour(h).build())
}

fn vpc(v: &Value) -> Option<os::VpcOptions> {
    (!v.is_null()).then(|| {
        let subnets = strings_of(&attr(v, "subnet_ids"));
        let groups = strings_of(&attr(v, "security_group_ids"));
        os::VpcOptions::builder()
            .set_subnet_ids((!subnets.is_empty()).then_some(subnets))
            .set_security_group_ids((!groups.is_empty()).then_some(groups))
            .build()
    })
}

/// The log publishing map: every configured log type, and those `prior`
/// had that are gone, disabled (a missing key leaves AWS's entry as it is).
fn log_publishing(planned: &Value, prior: &Value) -> HashMap<os::LogType, os::LogPublishingOption> {
    let mut out = HashMap::new();
    for log in items(&attr(prior, "log_publishing_options")) {
        if let Some(t) = str_attr(&log, "log_type") {
            let option = os::LogPublishingOption::builder()
                .set_cloud_watch_logs_log_group_arn(nonempty(&log, "cloudwatch_log_group_arn"))
                .enabled(false)
                .build();
            out.insert(os::LogType::from(t.as_str()), option);
        }
    }
    for log in items(&attr(planned, "log_publishing_options")) {
        if let Some(t) = str_attr(&log, "log_type") {
            let option = os::LogPublishingOption::builder()
                .set_cloud_watch_logs_log_group_arn(nonempty(&log, "cloudwatch_log_group_arn"))
                .enabled(bool_attr(&log, "enabled").unwrap_or(true))
                .build();
            out.insert(os::LogType::from(t.as_str()), option);
        }
    }
    out
}

fn software_update(s: &Value) -> Option<os::SoftwareUpdateOptions> {
    bool_attr(s, "auto_software_update_enabled")
        .map(|e| os::SoftwareUpdateOptions::builder().auto_software_update_enabled(e).build())
}

fn advanced_options(planned: &Value) -> Option<HashMap<String, String>> {
    let v = attr(planned, "advanced_options");
    (v.is_wholly_known() && !v.is_null()).then(|| map_of(&v).into_iter().collect())
}

fn policy_to_send(planned: &Value) -> Option<String> {
    let v = attr(planned, "access_policies");
    v.is_known().then(|| nonempty(planned, "access_policies").map(|p| iam_policy::normalize(&p))).flatten()
}

// --- create, read, update, delete ---

fn gone_after_change(f: Flavour, name: &str) -> ProviderDiagnostic {
    ProviderDiagnostic::error(
        format!("{} not found after change", f.what()),
        format!("{} ({name}) was not found.", f.what()),
    )
}

pub fn create(aws: &Aws, f: Flavour, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = str_attr(planned, "domain_name").unwrap_or_default();
    let what = format!("creating {} ({name})", f.what());
    let known = |block_name: &str| {
        let v = attr(planned, block_name);
        // Written blocks are known lists (their computed parts may not be).
        if v.is_known() {
            first(planned, block_name)
        } else {
            Value::dynamic_null()
        }
    };
    let logs = log_publishing(planned, &Value::dynamic_null());
    let version = str_attr(planned, f.version_attr()).map(|v| f.to_api_version(&v));
    let mut req = aws
        .opensearch
        .create_domain()
        .domain_name(&name)
        .set_engine_version(version)
        .set_cluster_config(cluster_config(&known("cluster_config")))
        .set_ebs_options(ebs_options(&known("ebs_options")))
        .set_encryption_at_rest_options(encryption(&known("encrypt_at_rest")))
        .set_node_to_node_encryption_options(node_to_node(&known("node_to_node_encryption")))
        .set_domain_endpoint_options(endpoint_options(&known("domain_endpoint_options")))
        .set_advanced_security_options(security(&known("advanced_security_options")))
        .set_snapshot_options(snapshot(&first(planned, "snapshot_options")))
        .set_vpc_options(vpc(&first(planned, "vpc_options")))
        .set_log_publishing_options((!logs.is_empty()).then_some(logs))
        .set_advanced_options(advanced_options(planned))
        .set_access_policies(policy_to_send(planned))
        .set_tag_list(tags_to_send(planned));
    if f == Flavour::OpenSearch {
        req = req.set_software_update_options(software_update(&known("software_update_options")));
    }
    aws.log_call("es:CreateDomain");
    aws.block(req.send()).map_err(|e| aws_error(e).into_diag(&what))?;
    wait_domain(aws, &name, f.what(), "create", false, true)?;
    let stub = with_attr(planned, "id", Value::string(name.as_str()));
    read(aws, f, &stub)?.ok_or_else(|| gone_after_change(f, &name))
}

pub fn update(aws: &Aws, f: Flavour, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = str_attr(prior, "domain_name").unwrap_or_default();
    let what = format!("updating {} ({name})", f.what());
    let changed = |n: &str| !attr(prior, n).raw_equal(&attr(planned, n));
    // Each changed block is sent whole.
    let mut req = aws.opensearch.update_domain_config().domain_name(&name);
    let mut any = false;
    if changed("cluster_config") {
        req = req.set_cluster_config(cluster_config(&first(planned, "cluster_config")));
        any = true;
    }
    if changed("ebs_options") {
        req = req.set_ebs_options(ebs_options(&first(planned, "ebs_options")));
        any = true;
    }
    if changed("encrypt_at_rest") {
        req = req.set_encryption_at_rest_options(encryption(&first(planned, "encrypt_at_rest")));
        any = true;
    }
    if changed("node_to_node_encryption") {
        req = req.set_node_to_node_encryption_options(node_to_node(&first(planned, "node_to_node_encryption")));
        any = true;
    }
    if changed("domain_endpoint_options") {
        req = req.set_domain_endpoint_options(endpoint_options(&first(planned, "domain_endpoint_options")));
        any = true;
    }
    if changed("advanced_security_options") {
        req = req.set_advanced_security_options(security(&first(planned, "advanced_security_options")));
        any = true;
    }
    if changed("snapshot_options") {
        let s = snapshot(&first(planned, "snapshot_options"))
            .unwrap_or_else(|| os::SnapshotOptions::builder().automated_snapshot_start_hour(0).build());
        req = req.snapshot_options(s);
        any = true;
    }
    if changed("log_publishing_options") {
        req = req.set_log_publishing_options(Some(log_publishing(planned, prior)));
        any = true;
    }
    if changed("advanced_options") {
        req = req.set_advanced_options(Some(advanced_options(planned).unwrap_or_default()));
        any = true;
    }
    if changed("access_policies") {
        req = req.access_policies(policy_to_send(planned).unwrap_or_default());
        any = true;
    }
    if f == Flavour::OpenSearch && changed("software_update_options") {
        req = req.set_software_update_options(software_update(&first(planned, "software_update_options")));
        any = true;
    }
    if any {
        aws.log_call("es:UpdateDomainConfig");
        aws.block(req.send()).map_err(|e| aws_error(e).into_diag(&what))?;
        wait_domain(aws, &name, f.what(), "update", false, false)?;
    }
    let version = f.version_attr();
    if changed(version) {
        let target = f.to_api_version(&str_attr(planned, version).unwrap_or_default());
        aws.log_call("es:UpgradeDomain");
        aws.block(aws.opensearch.upgrade_domain().domain_name(&name).target_version(&target).send())
            .map_err(|e| aws_error(e).into_diag(&format!("upgrading {} ({name}) to {target}", f.what())))?;
        wait_domain(aws, &name, f.what(), "upgrade", false, false)?;
    }
    let arn = str_attr(prior, "arn").unwrap_or_default();
    update_tags(aws, &arn, prior, planned, f.what())?;
    read(aws, f, planned)?.ok_or_else(|| gone_after_change(f, &name))
}

pub fn delete(aws: &Aws, f: Flavour, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let name = str_attr(prior, "domain_name").unwrap_or_else(|| domain_name_of_id(&crate::id_of(prior)));
    aws.log_call("es:DeleteDomain");
    match aws.block(aws.opensearch.delete_domain().domain_name(&name).send()).map_err(aws_error) {
        Err(e) if not_found(&e) => return Ok(()),
        Err(e) => return Err(e.into_diag(&format!("deleting {} ({name})", f.what()))),
        Ok(_) => {}
    }
    wait_domain(aws, &name, f.what(), "delete", true, false)
}

pub fn find(aws: &Aws, f: Flavour, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let Some(name) = nonempty(planned, "domain_name") else { return Ok(None) };
    let what = format!("finding {} ({name})", f.what());
    let Some(d) = describe(aws, &name).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    let tags = list_tags(aws, d.arn()).map_err(|e| e.into_diag(&what))?;
    if !tags::carry_token(&tags, token) {
        return Ok(None);
    }
    read(aws, f, &with_attr(planned, "id", Value::string(d.arn())))
}

/// The domain as it is; `current` may be the prior state, the planned
/// object after a change, or an import's `id` (the domain name).
pub fn read(aws: &Aws, f: Flavour, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let name = nonempty(current, "domain_name").unwrap_or_else(|| domain_name_of_id(&crate::id_of(current)));
    let what = format!("reading {} ({name})", f.what());
    let Some(d) = describe(aws, &name).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    if d.deleted().unwrap_or(false) {
        return Ok(None);
    }
    let remote_tags = list_tags(aws, d.arn()).map_err(|e| e.into_diag(&what))?;
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), remote_tags);
    Ok(Some(to_value(f, &d, current, tags, tags_all)))
}

fn list_value(block: &Block, item: Option<Value>) -> Value {
    Value::list(block.implied_type(), item.into_iter().collect())
}

fn int(n: Option<i32>) -> Value {
    Value::int(n.unwrap_or(0) as i64)
}

/// The object state holds for domain `d`, with `current`'s master user
/// (never read back) and policy text where it means the same.
fn to_value(f: Flavour, d: &os::DomainStatus, current: &Value, tags: Value, tags_all: Value) -> Value {
    let schema = schema(f);
    let blk = |n: &str| schema.blocks[n].block.clone();
    let endpoint = d.endpoint().map(str::to_string).or_else(|| d.endpoints().and_then(|e| e.get("vpc").cloned()));
    let cluster = d.cluster_config().map(|c| {
        let cb = blk("cluster_config");
        let zones = c.zone_awareness_config().map(|z| {
            object(
                &cb.blocks["zone_awareness_config"].block,
                [("availability_zone_count", int(z.availability_zone_count()))],
            )
        });
        let cold = c
            .cold_storage_options()
            .map(|o| object(&cb.blocks["cold_storage_options"].block, [("enabled", Value::bool(o.enabled()))]));
        let mut fields = vec![
            ("cold_storage_options", list_value(&cb.blocks["cold_storage_options"].block, cold)),
            ("dedicated_master_count", int(c.dedicated_master_count())),
            ("dedicated_master_enabled", Value::bool(c.dedicated_master_enabled().unwrap_or(false))),
            ("dedicated_master_type", Value::string(c.dedicated_master_type().map(|t| t.as_str()).unwrap_or(""))),
            ("instance_count", int(c.instance_count())),
            ("instance_type", Value::string(c.instance_type().map(|t| t.as_str()).unwrap_or(""))),
            ("warm_count", int(c.warm_count())),
            ("warm_enabled", Value::bool(c.warm_enabled().unwrap_or(false))),
            ("warm_type", Value::string(c.warm_type().map(|t| t.as_str()).unwrap_or(""))),
            ("zone_awareness_config", list_value(&cb.blocks["zone_awareness_config"].block, zones)),
            ("zone_awareness_enabled", Value::bool(c.zone_awareness_enabled().unwrap_or(false))),
        ];
        if f == Flavour::OpenSearch {
            fields.push((
                "multi_az_with_standby_enabled",
                Value::bool(c.multi_az_with_standby_enabled().unwrap_or(false)),
            ));
        }
        object(&cb, fields)
    });
    let ebs = d.ebs_options().map(|e| {
        object(
            &blk("ebs_options"),
            [
                ("ebs_enabled", Value::bool(e.ebs_enabled().unwrap_or(false))),
                ("iops", int(e.iops())),
                ("throughput", int(e.throughput())),
                ("volume_size", int(e.volume_size())),
                ("volume_type", Value::string(e.volume_type().map(|t| t.as_str()).unwrap_or(""))),
            ],
        )
    });
    let encrypt = d.encryption_at_rest_options().map(|e| {
        object(
            &blk("encrypt_at_rest"),
            [
                ("enabled", Value::bool(e.enabled().unwrap_or(false))),
                ("kms_key_id", Value::string(e.kms_key_id().unwrap_or(""))),
            ],
        )
    });
    let n2n = d
        .node_to_node_encryption_options()
        .map(|e| object(&blk("node_to_node_encryption"), [("enabled", Value::bool(e.enabled().unwrap_or(false)))]));
    let endpoint_options = d.domain_endpoint_options().map(|e| {
        object(
            &blk("domain_endpoint_options"),
            [
                ("custom_endpoint", Value::string(e.custom_endpoint().unwrap_or(""))),
                ("custom_endpoint_certificate_arn", Value::string(e.custom_endpoint_certificate_arn().unwrap_or(""))),
                ("custom_endpoint_enabled", Value::bool(e.custom_endpoint_enabled().unwrap_or(false))),
                ("enforce_https", Value::bool(e.enforce_https().unwrap_or(false))),
                ("tls_security_policy", Value::string(e.tls_security_policy().map(|p| p.as_str()).unwrap_or(""))),
            ],
        )
    });
    let security = d.advanced_security_options().map(|s| {
        let sb = blk("advanced_security_options");
        let master = attr(&first(current, "advanced_security_options"), "master_user_options");
        let master = if master.is_null() || !master.is_known() {
            Value::list(sb.blocks["master_user_options"].block.implied_type(), Vec::new())
        } else {
            master
        };
        object(
            &sb,
            [
                ("anonymous_auth_enabled", Value::bool(s.anonymous_auth_enabled().unwrap_or(false))),
                ("enabled", Value::bool(s.enabled().unwrap_or(false))),
                ("internal_user_database_enabled", Value::bool(s.internal_user_database_enabled().unwrap_or(false))),
                ("master_user_options", master),
            ],
        )
    });
    // An hour AWS reports by default (0) with no block before is no block.
    let had_snapshot = !items(&attr(current, "snapshot_options")).is_empty();
    let snapshot = d
        .snapshot_options()
        .and_then(|s| s.automated_snapshot_start_hour())
        .filter(|h| *h != 0 || had_snapshot)
        .map(|h| object(&blk("snapshot_options"), [("automated_snapshot_start_hour", Value::int(h as i64))]));
    let vpc = d.vpc_options().filter(|v| !v.subnet_ids().is_empty()).map(|v| {
        let set = |s: &[String]| Value::set(Type::String, s.iter().map(|x| Value::string(x.as_str())).collect());
        object(
            &blk("vpc_options"),
            [
                ("availability_zones", set(v.availability_zones())),
                ("security_group_ids", set(v.security_group_ids())),
                ("subnet_ids", set(v.subnet_ids())),
                ("vpc_id", Value::string(v.vpc_id().unwrap_or(""))),
            ],
        )
    });
    // Disabled entries a removal left behind are not blocks of ours.
    let configured: Vec<String> =
        items(&attr(current, "log_publishing_options")).iter().filter_map(|l| str_attr(l, "log_type")).collect();
    let mut logs: Vec<(String, Value)> = d
        .log_publishing_options()
        .map(|m| {
            m.iter()
                .filter(|(t, o)| o.enabled().unwrap_or(false) || configured.iter().any(|c| c == t.as_str()))
                .map(|(t, o)| {
                    let v = object(
                        &blk("log_publishing_options"),
                        [
                            (
                                "cloudwatch_log_group_arn",
                                Value::string(o.cloud_watch_logs_log_group_arn().unwrap_or("")),
                            ),
                            ("enabled", Value::bool(o.enabled().unwrap_or(false))),
                            ("log_type", Value::string(t.as_str())),
                        ],
                    );
                    (t.as_str().to_string(), v)
                })
                .collect()
        })
        .unwrap_or_default();
    logs.sort_by(|a, b| a.0.cmp(&b.0));
    let logs = Value::set(blk("log_publishing_options").implied_type(), logs.into_iter().map(|(_, v)| v).collect());
    let policy = crate::sqs::document_to_store(
        d.access_policies().map(str::to_string).as_ref(),
        current,
        "access_policies",
        true,
    );
    let advanced: BTreeMap<String, String> =
        d.advanced_options().map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default();
    let version = d.engine_version().map(|v| f.version_from_api(v)).unwrap_or_default();
    let mut fields = vec![
        ("access_policies", policy),
        ("advanced_options", string_map(&advanced)),
        ("advanced_security_options", list_value(&blk("advanced_security_options"), security)),
        ("arn", Value::string(d.arn())),
        ("cluster_config", list_value(&blk("cluster_config"), cluster)),
        ("domain_endpoint_options", list_value(&blk("domain_endpoint_options"), endpoint_options)),
        ("domain_id", Value::string(d.domain_id())),
        ("domain_name", Value::string(d.domain_name())),
        ("ebs_options", list_value(&blk("ebs_options"), ebs)),
        ("encrypt_at_rest", list_value(&blk("encrypt_at_rest"), encrypt)),
        ("endpoint", endpoint.as_deref().map_or(Value::null(Type::String), Value::string)),
        ("id", Value::string(d.arn())),
        ("log_publishing_options", logs),
        ("node_to_node_encryption", list_value(&blk("node_to_node_encryption"), n2n)),
        ("snapshot_options", list_value(&blk("snapshot_options"), snapshot)),
        ("tags", tags),
        ("tags_all", tags_all),
        ("vpc_options", list_value(&blk("vpc_options"), vpc)),
        (f.version_attr(), Value::string(version.as_str())),
    ];
    match f {
        Flavour::OpenSearch => {
            let dashboard = endpoint.as_ref().map(|e| format!("{e}/_dashboards"));
            fields.push(("dashboard_endpoint", dashboard.as_deref().map_or(Value::null(Type::String), Value::string)));
            let su = d.software_update_options().map(|s| {
                object(
                    &blk("software_update_options"),
                    [("auto_software_update_enabled", Value::bool(s.auto_software_update_enabled().unwrap_or(false)))],
                )
            });
            fields.push(("software_update_options", list_value(&blk("software_update_options"), su)));
        }
        Flavour::Elasticsearch => {
            let kibana = endpoint.as_ref().map(|e| format!("{e}/_plugin/kibana/"));
            fields.push(("kibana_endpoint", kibana.as_deref().map_or(Value::null(Type::String), Value::string)));
        }
    }
    object(&schema, fields)
}

/// Data `aws_opensearch_domain`: the resource's reading, its blocks as
/// lists of objects (without the master user).
pub fn read_data(aws: &Aws, config: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = str_attr(config, "domain_name").unwrap_or_default();
    let what = format!("reading OpenSearch Domain ({name})");
    let Some(d) = describe(aws, &name).map_err(|e| e.into_diag(&what))? else {
        return Err(ProviderDiagnostic::error(
            "OpenSearch Domain not found",
            format!("{what}: no domain named {name:?} in this region"),
        ));
    };
    let remote_tags: BTreeMap<String, String> = list_tags(aws, d.arn())
        .map_err(|e| e.into_diag(&what))?
        .into_iter()
        .filter(|(k, _)| !k.starts_with("aws:") && k != tags::CREATE_TOKEN_TAG)
        .collect();
    let stub = Value::dynamic_null();
    let v = to_value(Flavour::OpenSearch, &d, &stub, Value::dynamic_null(), Value::dynamic_null());
    let schema = data_schema();
    let mut fields: Vec<(&str, Value)> = Vec::new();
    for (name, a) in &schema.attributes {
        let value = match name.as_str() {
            "tags" => string_map(&remote_tags),
            "created" => Value::bool(d.created().unwrap_or(false)),
            "deleted" => Value::bool(d.deleted().unwrap_or(false)),
            "processing" => Value::bool(d.processing().unwrap_or(false)),
            n => strata_lang::convert::convert(&strip_master_user(&attr(&v, n)), &a.ty)
                .unwrap_or_else(|_| Value::null(a.ty.clone())),
        };
        fields.push((name.as_str(), value));
    }
    Ok(object(&schema, fields))
}

/// A security block's items without `master_user_options`.
fn strip_master_user(v: &Value) -> Value {
    let Some(list) = v.as_seq() else { return v.clone() };
    if !list.iter().any(|i| i.as_entries().is_some_and(|m| m.get("master_user_options").is_some())) {
        return v.clone();
    }
    let out: Vec<Value> = list
        .iter()
        .map(|i| {
            let mut m = i.as_entries().cloned().unwrap_or_default();
            m.remove("master_user_options");
            Value::object(m)
        })
        .collect();
    Value::tuple(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    fn list(items: Vec<Value>) -> Value {
        Value::tuple(items)
    }

    fn details(diags: &[ProviderDiagnostic]) -> Vec<String> {
        diags.iter().map(|d| d.detail.clone()).collect()
    }

    fn cluster(pairs: Vec<(&str, Value)>) -> Value {
        obj(vec![("domain_name", Value::string("logs")), ("cluster_config", list(vec![obj(pairs)]))])
    }

    #[test]
    fn tiers_follow_the_service_rules() {
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (
                cluster(vec![
                    ("instance_type", Value::string("r6g.large.search")),
                    ("instance_count", Value::int(4)),
                    ("dedicated_master_enabled", Value::bool(true)),
                    ("dedicated_master_type", Value::string("m6g.large.search")),
                    ("dedicated_master_count", Value::int(3)),
                    ("zone_awareness_enabled", Value::bool(true)),
                    ("zone_awareness_config", list(vec![obj(vec![("availability_zone_count", Value::int(2))])])),
                    ("warm_enabled", Value::bool(true)),
                    ("warm_type", Value::string("ultrawarm1.medium.search")),
                    ("warm_count", Value::int(2)),
                    ("cold_storage_options", list(vec![obj(vec![("enabled", Value::bool(true))])])),
                ]),
                vec![],
            ),
            (
                cluster(vec![
                    ("warm_enabled", Value::bool(true)),
                    ("warm_type", Value::string("ultrawarm1.medium.search")),
                    ("warm_count", Value::int(1)),
                ]),
                vec![
                    "warm_enabled = true needs dedicated_master_enabled = true",
                    "warm_count must be between 2 and 150, got 1",
                ],
            ),
            (
                cluster(vec![("cold_storage_options", list(vec![obj(vec![("enabled", Value::bool(true))])]))]),
                vec!["cold_storage_options.enabled = true needs warm_enabled = true (and so dedicated masters)"],
            ),
            (
                cluster(vec![
                    ("instance_count", Value::int(3)),
                    ("zone_awareness_enabled", Value::bool(true)),
                    ("zone_awareness_config", list(vec![obj(vec![("availability_zone_count", Value::int(2))])])),
                ]),
                vec!["with zone awareness across 2 availability zones, instance_count must be a multiple of 2, got 3"],
            ),
            (
                cluster(vec![
                    ("zone_awareness_enabled", Value::bool(true)),
                    ("zone_awareness_config", list(vec![obj(vec![("availability_zone_count", Value::int(4))])])),
                ]),
                vec!["availability_zone_count must be 2 or 3, got 4"],
            ),
            (
                cluster(vec![
                    ("dedicated_master_enabled", Value::bool(true)),
                    ("dedicated_master_type", Value::string("m6g.large.search")),
                    ("dedicated_master_count", Value::int(2)),
                ]),
                vec!["dedicated_master_count must be 3 or 5 (a quorum that survives the loss of a node), got 2"],
            ),
            (
                cluster(vec![
                    ("warm_enabled", Value::bool(true)),
                    ("dedicated_master_enabled", Value::bool(true)),
                    ("dedicated_master_type", Value::string("m6g.large.search")),
                    ("dedicated_master_count", Value::int(3)),
                    ("warm_type", Value::string("ultrawarm2.medium.search")),
                    ("warm_count", Value::int(2)),
                ]),
                vec!["warm_type \"ultrawarm2.medium.search\": expected one of ultrawarm1.medium.search, ultrawarm1.large.search, ultrawarm1.xlarge.search"],
            ),
        ];
        for (config, want) in cases {
            assert_eq!(details(&validate(Flavour::OpenSearch, &config)), want, "{config:?}");
        }
    }

    #[test]
    fn fine_grained_access_needs_encryption_and_a_good_password() {
        let config = obj(vec![
            ("domain_name", Value::string("logs")),
            (
                "advanced_security_options",
                list(vec![obj(vec![
                    ("enabled", Value::bool(true)),
                    ("internal_user_database_enabled", Value::bool(true)),
                    (
                        "master_user_options",
                        list(vec![obj(vec![
                            ("master_user_name", Value::string("admin")),
                            ("master_user_password", Value::string("short-secret")),
                        ])]),
                    ),
                ])]),
            ),
            ("node_to_node_encryption", list(vec![obj(vec![("enabled", Value::bool(false))])])),
        ]);
        let got = details(&validate(Flavour::OpenSearch, &config));
        assert_eq!(
            got,
            vec![
                "advanced_security_options.enabled = true needs node_to_node_encryption.enabled = true",
                "advanced_security_options.enabled = true needs encrypt_at_rest.enabled = true",
                "master_user_password must contain at least one uppercase letter, one lowercase letter, one number, and one special character",
            ]
        );
        assert!(got.iter().all(|d| !d.contains("short-secret")));
    }

    #[test]
    fn names_versions_and_instance_types_are_checked() {
        let config = obj(vec![
            ("domain_name", Value::string("Logs")),
            ("engine_version", Value::string("OpenSearch2.11")),
            ("cluster_config", list(vec![obj(vec![("instance_type", Value::string("r6g.large.elasticsearch"))])])),
        ]);
        let got = details(&validate(Flavour::OpenSearch, &config));
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(valid_version(Flavour::OpenSearch, "OpenSearch_2.11"));
        assert!(valid_version(Flavour::OpenSearch, "Elasticsearch_7.10"));
        assert!(valid_version(Flavour::Elasticsearch, "7.10"));
        assert!(!valid_version(Flavour::Elasticsearch, "Elasticsearch_7.10"));
    }

    #[test]
    fn upgrades_are_in_place_and_downgrades_replace() {
        assert!(is_upgrade("OpenSearch_2.5", "OpenSearch_2.11"));
        assert!(is_upgrade("Elasticsearch_7.10", "OpenSearch_1.3"));
        assert!(!is_upgrade("OpenSearch_2.11", "OpenSearch_2.5"));
        assert!(!is_upgrade("OpenSearch_1.3", "Elasticsearch_7.10"));
    }
}
