//! DynamoDB, as hashicorp/aws 6.x models it: `aws_dynamodb_table` (id =
//! name, imported by it). The name, keys and local secondary indexes
//! replace the table; billing, capacity, streams, global secondary
//! indexes (deleted, created and updated one at a time, each waited for),
//! TTL, point-in-time recovery, encryption, table class, deletion
//! protection and tags change in place. `stream_arn`/`stream_label` are
//! unknown in a plan that changes the stream. Waits for ACTIVE are
//! bounded by the `timeouts {}` operation.

use crate::client::{aws_error, Aws, AwsError};
use crate::family::Family;
use crate::tags;
use crate::util::{
    attr, attrs, bool_attr, int_attr, is_set, items, map_of, nonempty, object, set_of, single, str_attr,
};
use crate::util::{complete_items, plan_computed_block, with_attr};
use aws_sdk_dynamodb::types as ddb;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, AttributePath, Block, ListedObject, PathStep, ProviderDiagnostic};

pub const TABLE: &str = "aws_dynamodb_table";

const TYPES: [&str; 1] = [TABLE];

const WHAT: &str = "DynamoDB Table";

/// The family (`family::FAMILIES`).
pub struct DynamoDb;

fn attribute_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("name", Attribute::required(Type::String)),
            ("type", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn gsi_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("hash_key", Attribute::required(Type::String)),
            ("name", Attribute::required(Type::String)),
            ("non_key_attributes", Attribute::optional(Type::set(Type::String))),
            ("projection_type", Attribute::required(Type::String)),
            ("range_key", Attribute::optional(Type::String)),
            ("read_capacity", Attribute::optional_computed(Type::Number)),
            ("write_capacity", Attribute::optional_computed(Type::Number)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn lsi_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("name", Attribute::required(Type::String).force_new()),
            ("non_key_attributes", Attribute::optional(Type::list(Type::String)).force_new()),
            ("projection_type", Attribute::required(Type::String).force_new()),
            ("range_key", Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn pitr_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("enabled", Attribute::required(Type::Bool)),
            ("recovery_period_in_days", Attribute::optional_computed(Type::Number)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn sse_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("enabled", Attribute::required(Type::Bool)),
            ("kms_key_arn", Attribute::optional_computed(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn ttl_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("attribute_name", Attribute::optional(Type::String)),
            ("enabled", Attribute::optional(Type::Bool)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn table_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("billing_mode", Attribute::optional(Type::String)),
            ("deletion_protection_enabled", Attribute::optional(Type::Bool)),
            ("hash_key", Attribute::optional_computed(Type::String).force_new()),
            ("id", Attribute::computed(Type::String)),
            ("name", Attribute::required(Type::String).force_new()),
            ("range_key", Attribute::optional(Type::String).force_new()),
            ("read_capacity", Attribute::optional_computed(Type::Number)),
            ("stream_arn", Attribute::computed(Type::String)),
            ("stream_enabled", Attribute::optional(Type::Bool)),
            ("stream_label", Attribute::computed(Type::String)),
            ("stream_view_type", Attribute::optional_computed(Type::String)),
            ("table_class", Attribute::optional(Type::String)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
            ("write_capacity", Attribute::optional_computed(Type::Number)),
        ]),
        blocks: BTreeMap::from([
            ("attribute".to_string(), set_of(attribute_block())),
            ("global_secondary_index".to_string(), set_of(gsi_block())),
            ("local_secondary_index".to_string(), set_of(lsi_block())),
            ("point_in_time_recovery".to_string(), single(pitr_block())),
            ("server_side_encryption".to_string(), single(sse_block())),
            ("ttl".to_string(), single(ttl_block())),
        ]),
    }
}

impl Family for DynamoDb {
    fn types(&self) -> &'static [&'static str] {
        &TYPES
    }

    fn schema(&self, _type_name: &str) -> Block {
        table_schema()
    }

    /// The provider migrated the table's state once.
    fn schema_version(&self, _type_name: &str) -> u64 {
        1
    }

    fn timeouts(&self, _type_name: &str) -> &'static [(&'static str, u64)] {
        &[("create", 30), ("update", 60), ("delete", 10)]
    }

    fn defaults(&self, _type_name: &str) -> Vec<(&'static str, Value)> {
        vec![("billing_mode", Value::string("PROVISIONED")), ("table_class", Value::string("STANDARD"))]
    }

    fn validate(&self, _type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
        if config.is_null() {
            return Vec::new();
        }
        validate_table(config)
    }

    fn plan(&self, _type_name: &str, planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
        plan_table(planned, config, prior)
    }

    fn apply(&self, aws: &Aws, _type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
        if prior.is_null() {
            create_table(aws, planned)
        } else {
            update_table(aws, prior, planned)
        }
    }

    fn read(&self, aws: &Aws, _type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        read_table(aws, current)
    }

    fn delete(&self, aws: &Aws, _type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
        delete_table(aws, prior)
    }

    /// The table of the planned name, if it carries the create token.
    fn find(
        &self,
        aws: &Aws,
        _type_name: &str,
        token: &str,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderDiagnostic> {
        let planned = &crate::util::known_or_null(planned);
        let Some(name) = nonempty(planned, "name") else { return Ok(None) };
        let what = "looking for a DynamoDB Table an interrupted create made";
        let Some(table) = describe(aws, &name).map_err(|e| e.into_diag(what))? else { return Ok(None) };
        let tags = table_tags(aws, table.table_arn().unwrap_or_default()).map_err(|e| e.into_diag(what))?;
        if tags::carry_token(&tags, token) {
            return read_table(aws, &with_attr(planned, "id", Value::string(name.as_str())));
        }
        Ok(None)
    }

    /// A table whose create failed after CreateTable (a wait, TTL or
    /// backups refused) exists.
    fn keeps_failed_creates(&self, _type_name: &str) -> bool {
        true
    }

    fn list(&self, aws: &Aws, _type_name: &str) -> Option<Result<Vec<ListedObject>, ProviderDiagnostic>> {
        Some(list_tables(aws))
    }
}

fn at(path: Vec<PathStep>, summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(path)
}

fn attr_path(name: &str) -> Vec<PathStep> {
    vec![PathStep::Attr(name.into())]
}

fn one_of(v: &Value, name: &str, allowed: &[&str], path: Vec<PathStep>) -> Option<ProviderDiagnostic> {
    let got = str_attr(v, name).filter(|x| !allowed.contains(&x.as_str()))?;
    let list = allowed.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(" ");
    Some(at(path, &format!("Invalid {name}"), format!("expected {name} to be one of [{list}], got {got}")))
}

/// The provider's checks, its plan-time rules included: billing mode and
/// capacities, every attribute used by a key or index, streams needing a
/// view type, TTL needing an attribute name.
fn validate_table(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    if let Some(name) = str_attr(config, "name") {
        if !(3..=255).contains(&name.len()) || !name.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)) {
            diags.push(at(
                attr_path("name"),
                "Invalid name",
                format!("name {name:?} must be 3 to 255 letters, digits, '_', '-' or '.'"),
            ));
        }
    }
    diags.extend(one_of(config, "billing_mode", &["PROVISIONED", "PAY_PER_REQUEST"], attr_path("billing_mode")));
    diags.extend(one_of(config, "table_class", &["STANDARD", "STANDARD_INFREQUENT_ACCESS"], attr_path("table_class")));
    diags.extend(one_of(
        config,
        "stream_view_type",
        &["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"],
        attr_path("stream_view_type"),
    ));
    let billing = attr(config, "billing_mode");
    let on_demand = str_attr(config, "billing_mode").as_deref() == Some("PAY_PER_REQUEST");
    if billing.is_known() {
        for name in ["read_capacity", "write_capacity"] {
            let v = attr(config, name);
            if on_demand && is_set(&v) && int_attr(config, name) != Some(0) {
                diags.push(at(
                    attr_path(name),
                    &format!("Invalid {name}"),
                    format!("{name} can not be set when billing_mode is \"PAY_PER_REQUEST\""),
                ));
            }
            if !on_demand && v.is_known() && v.is_null() {
                diags.push(at(
                    attr_path(name),
                    &format!("Missing {name}"),
                    format!("{name} must be set when billing_mode is \"PROVISIONED\""),
                ));
            }
        }
    }
    if bool_attr(config, "stream_enabled") == Some(true)
        && attr(config, "stream_view_type").is_known()
        && nonempty(config, "stream_view_type").is_none()
    {
        diags.push(at(
            attr_path("stream_view_type"),
            "Missing stream_view_type",
            "stream_view_type is required when stream_enabled = true".into(),
        ));
    }
    for a in items(&attr(config, "attribute")) {
        diags.extend(one_of(&a, "type", &["S", "N", "B"], vec![PathStep::Attr("attribute".into())]));
    }
    for (block, path) in
        [("global_secondary_index", "global_secondary_index"), ("local_secondary_index", "local_secondary_index")]
    {
        for index in items(&attr(config, block)) {
            diags.extend(one_of(
                &index,
                "projection_type",
                &["ALL", "INCLUDE", "KEYS_ONLY"],
                vec![PathStep::Attr(path.into())],
            ));
        }
    }
    for t in items(&attr(config, "ttl")) {
        if bool_attr(&t, "enabled") == Some(true)
            && attr(&t, "attribute_name").is_known()
            && nonempty(&t, "attribute_name").is_none()
        {
            diags.push(at(
                vec![PathStep::Attr("ttl".into())],
                "Missing ttl attribute_name",
                "ttl: attribute_name must be set when enabled is true".into(),
            ));
        }
    }
    if attr(config, "hash_key").is_known() && nonempty(config, "hash_key").is_none() {
        diags.push(at(attr_path("hash_key"), "Missing hash_key", "hash_key must be set".into()));
    }
    diags.extend(unindexed_attributes(config));
    diags
}

/// DynamoDB rejects attribute definitions no key or index uses (the
/// provider's "all attributes must be indexed").
fn unindexed_attributes(config: &Value) -> Option<ProviderDiagnostic> {
    let defined = attr(config, "attribute");
    if !defined.is_wholly_known() {
        return None;
    }
    let mut used: BTreeSet<String> = ["hash_key", "range_key"].iter().filter_map(|k| nonempty(config, k)).collect();
    for block in ["global_secondary_index", "local_secondary_index"] {
        let indexes = attr(config, block);
        if !indexes.is_wholly_known() {
            return None;
        }
        for index in items(&indexes) {
            used.extend(["hash_key", "range_key"].iter().filter_map(|k| nonempty(&index, k)));
        }
    }
    let unused: Vec<String> = items(&defined)
        .iter()
        .filter_map(|a| str_attr(a, "name"))
        .filter(|n| !used.contains(n))
        .map(|n| format!("{n:?}"))
        .collect();
    (!unused.is_empty()).then(|| {
        at(
            attr_path("attribute"),
            "Unused attribute definitions",
            format!("all attributes must be indexed. Unused attributes: [{}]", unused.join(" ")),
        )
    })
}

/// The planned table: nested blocks completed as the plugin SDK stores
/// them, capacities DynamoDB reports kept, optional-and-computed blocks
/// kept when left out, stream attributes unknown when the stream changes,
/// and a changed local secondary index set replacing the table.
fn plan_table(planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
    let schema = table_schema();
    let mut p = planned.clone();
    for name in ["attribute", "global_secondary_index", "local_secondary_index"] {
        let nested = &schema.blocks[name];
        p = with_attr(&p, name, complete_items(&attr(&p, name), &nested.block, nested.nesting, "", &[]));
    }
    p = with_attr(&p, "global_secondary_index", plan_gsi_capacities(&attr(&p, "global_secondary_index"), prior));
    p = with_attr(
        &p,
        "point_in_time_recovery",
        plan_computed_block(&p, config, prior, "point_in_time_recovery", &pitr_block(), &[]),
    );
    p = with_attr(
        &p,
        "server_side_encryption",
        plan_computed_block(&p, config, prior, "server_side_encryption", &sse_block(), &[]),
    );
    p = with_attr(
        &p,
        "ttl",
        plan_computed_block(&p, config, prior, "ttl", &ttl_block(), &[("enabled", Value::bool(false))]),
    );
    if prior.is_null() {
        return (p, Vec::new());
    }
    let changed = |a: &str| !attr(prior, a).raw_equal(&attr(&p, a));
    if changed("stream_enabled") || changed("stream_view_type") {
        p = with_attr(&p, "stream_arn", Value::unknown(Type::String));
        p = with_attr(&p, "stream_label", Value::unknown(Type::String));
    }
    // Leaving PAY_PER_REQUEST, the capacities come from the configuration.
    let mut replace = Vec::new();
    let (before, after) = (attr(prior, "local_secondary_index"), attr(&p, "local_secondary_index"));
    if after.is_wholly_known() && !before.raw_equal(&after) && !(items(&before).is_empty() && items(&after).is_empty())
    {
        replace.push(attr_path("local_secondary_index"));
    }
    (p, replace)
}

/// A global secondary index's unset capacities: as the prior index of
/// that name has them (DynamoDB reports 0 on demand), unknown for a new one.
fn plan_gsi_capacities(indexes: &Value, prior: &Value) -> Value {
    if !indexes.is_wholly_known() {
        return indexes.clone();
    }
    let before = items(&attr(prior, "global_secondary_index"));
    let out: Vec<Value> = items(indexes)
        .into_iter()
        .map(|index| {
            let old = before.iter().find(|b| str_attr(b, "name") == str_attr(&index, "name"));
            let mut index = index;
            for name in ["read_capacity", "write_capacity"] {
                if attr(&index, name).is_null() {
                    let kept = old
                        .map(|o| attr(o, name))
                        .filter(|v| !v.is_null())
                        .unwrap_or_else(|| Value::unknown(Type::Number));
                    index = with_attr(&index, name, kept);
                }
            }
            index
        })
        .collect();
    Value::set(gsi_block().implied_type(), out).mark(indexes.marks())
}

// ---- building requests ----

fn built<T>(r: Result<T, aws_sdk_dynamodb::error::BuildError>) -> Result<T, ProviderDiagnostic> {
    r.map_err(|e| ProviderDiagnostic::error("Invalid DynamoDB request", e.to_string()))
}

fn key_schema(hash: &str, range: Option<&str>) -> Result<Vec<ddb::KeySchemaElement>, ProviderDiagnostic> {
    let mut keys =
        vec![built(ddb::KeySchemaElement::builder().attribute_name(hash).key_type(ddb::KeyType::Hash).build())?];
    if let Some(r) = range.filter(|r| !r.is_empty()) {
        keys.push(built(ddb::KeySchemaElement::builder().attribute_name(r).key_type(ddb::KeyType::Range).build())?);
    }
    Ok(keys)
}

fn attribute_definitions(planned: &Value) -> Result<Vec<ddb::AttributeDefinition>, ProviderDiagnostic> {
    items(&attr(planned, "attribute"))
        .iter()
        .map(|a| {
            built(
                ddb::AttributeDefinition::builder()
                    .attribute_name(str_attr(a, "name").unwrap_or_default())
                    .attribute_type(ddb::ScalarAttributeType::from(str_attr(a, "type").unwrap_or_default().as_str()))
                    .build(),
            )
        })
        .collect()
}

fn projection(index: &Value) -> ddb::Projection {
    let non_key = crate::util::strings_of(&attr(index, "non_key_attributes"));
    ddb::Projection::builder()
        .projection_type(ddb::ProjectionType::from(str_attr(index, "projection_type").unwrap_or_default().as_str()))
        .set_non_key_attributes((!non_key.is_empty()).then_some(non_key))
        .build()
}

fn throughput(v: &Value) -> Result<Option<ddb::ProvisionedThroughput>, ProviderDiagnostic> {
    match (int_attr(v, "read_capacity"), int_attr(v, "write_capacity")) {
        (Some(r), Some(w)) if r > 0 || w > 0 => Ok(Some(built(
            ddb::ProvisionedThroughput::builder().read_capacity_units(r).write_capacity_units(w).build(),
        )?)),
        _ => Ok(None),
    }
}

fn on_demand(v: &Value) -> bool {
    str_attr(v, "billing_mode").as_deref() == Some("PAY_PER_REQUEST")
}

fn gsi_request(index: &Value, on_demand: bool) -> Result<ddb::GlobalSecondaryIndex, ProviderDiagnostic> {
    let hash = str_attr(index, "hash_key").unwrap_or_default();
    built(
        ddb::GlobalSecondaryIndex::builder()
            .index_name(str_attr(index, "name").unwrap_or_default())
            .set_key_schema(Some(key_schema(&hash, str_attr(index, "range_key").as_deref())?))
            .projection(projection(index))
            .set_provisioned_throughput(if on_demand { None } else { throughput(index)? })
            .build(),
    )
}

fn stream_specification(v: &Value) -> Result<ddb::StreamSpecification, ProviderDiagnostic> {
    let enabled = bool_attr(v, "stream_enabled").unwrap_or(false);
    built(
        ddb::StreamSpecification::builder()
            .stream_enabled(enabled)
            .set_stream_view_type(
                nonempty(v, "stream_view_type").filter(|_| enabled).map(|t| ddb::StreamViewType::from(t.as_str())),
            )
            .build(),
    )
}

fn sse_specification(v: &Value) -> Option<ddb::SseSpecification> {
    let sse = items(&attr(v, "server_side_encryption")).into_iter().next()?;
    let enabled = bool_attr(&sse, "enabled").unwrap_or(false);
    let key = nonempty(&sse, "kms_key_arn").filter(|_| attr(&sse, "kms_key_arn").is_known());
    Some(
        ddb::SseSpecification::builder()
            .enabled(enabled)
            .set_sse_type(enabled.then_some(ddb::SseType::Kms))
            .set_kms_master_key_id(key.filter(|_| enabled))
            .build(),
    )
}

fn ddb_tags(m: &BTreeMap<String, String>) -> Result<Option<Vec<ddb::Tag>>, ProviderDiagnostic> {
    let tags: Vec<ddb::Tag> =
        m.iter().map(|(k, v)| built(ddb::Tag::builder().key(k).value(v).build())).collect::<Result<_, _>>()?;
    Ok((!tags.is_empty()).then_some(tags))
}

// ---- create, read, update, delete ----

fn create_table(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = str_attr(planned, "name").unwrap_or_default();
    let what = format!("creating {WHAT} ({name})");
    let pay_per_request = on_demand(planned);
    let gsis = items(&attr(planned, "global_secondary_index"))
        .iter()
        .map(|i| gsi_request(i, pay_per_request))
        .collect::<Result<Vec<_>, _>>()?;
    let lsis = items(&attr(planned, "local_secondary_index"))
        .iter()
        .map(|i| {
            let hash = str_attr(planned, "hash_key").unwrap_or_default();
            built(
                ddb::LocalSecondaryIndex::builder()
                    .index_name(str_attr(i, "name").unwrap_or_default())
                    .set_key_schema(Some(key_schema(&hash, str_attr(i, "range_key").as_deref())?))
                    .projection(projection(i))
                    .build(),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let stream =
        if bool_attr(planned, "stream_enabled") == Some(true) { Some(stream_specification(planned)?) } else { None };
    let hash = str_attr(planned, "hash_key").unwrap_or_default();
    aws.log_call("dynamodb:CreateTable");
    let request = aws
        .dynamodb
        .create_table()
        .table_name(&name)
        .set_key_schema(Some(key_schema(&hash, str_attr(planned, "range_key").as_deref())?))
        .set_attribute_definitions(Some(attribute_definitions(planned)?))
        .billing_mode(ddb::BillingMode::from(if pay_per_request { "PAY_PER_REQUEST" } else { "PROVISIONED" }))
        .set_provisioned_throughput(if pay_per_request { None } else { throughput(planned)? })
        .set_global_secondary_indexes((!gsis.is_empty()).then_some(gsis))
        .set_local_secondary_indexes((!lsis.is_empty()).then_some(lsis))
        .set_stream_specification(stream)
        .set_sse_specification(sse_specification(planned).filter(|s| s.enabled() == Some(true)))
        .set_table_class(nonempty(planned, "table_class").map(|c| ddb::TableClass::from(c.as_str())))
        .set_deletion_protection_enabled(bool_attr(planned, "deletion_protection_enabled").filter(|d| *d))
        .set_tags(ddb_tags(&map_of(&attr(planned, "tags_all")))?);
    // Tables are created a few at a time per account: LimitExceeded is retried.
    aws.retry(
        Duration::from_secs(300),
        |e| e.code == "LimitExceededException",
        || aws.block(request.clone().send()).map_err(aws_error),
    )
    .map_err(|e| e.into_diag(&what))?;
    let stub = with_attr(planned, "id", Value::string(name.as_str()));
    wait_active(aws, &name).map_err(|e| e.into_diag(&format!("waiting for {WHAT} ({name}) create")))?;
    let ttl = items(&attr(planned, "ttl")).into_iter().next();
    if let Some(t) = ttl.filter(|t| bool_attr(t, "enabled") == Some(true)) {
        put_ttl(aws, &name, &t)?;
    }
    let pitr = items(&attr(planned, "point_in_time_recovery")).into_iter().next();
    if let Some(p) = pitr.filter(|p| bool_attr(p, "enabled") == Some(true)) {
        put_pitr(aws, &name, &p)?;
    }
    read_after_write(aws, &stub)
}

fn read_after_write(aws: &Aws, current: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(current);
    read_table(aws, current)?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{WHAT} not found after change"), format!("{WHAT} ({id}) was not found."))
    })
}

fn describe(aws: &Aws, name: &str) -> Result<Option<ddb::TableDescription>, AwsError> {
    aws.log_call("dynamodb:DescribeTable");
    match aws.block(aws.dynamodb.describe_table().table_name(name).send()).map_err(aws_error) {
        Ok(out) => Ok(out.table().cloned()),
        Err(e) if e.code == "ResourceNotFoundException" => Ok(None),
        Err(e) => Err(e),
    }
}

/// Waits (within the operation's timeout) until the table and all its
/// global secondary indexes are ACTIVE.
fn wait_active(aws: &Aws, name: &str) -> Result<(), AwsError> {
    aws.retry(
        Duration::from_secs(3600),
        |e| e.code == "NotActive",
        || {
            let table = describe(aws, name)?
                .ok_or_else(|| AwsError { code: "NotActive".into(), message: format!("{name} is not yet visible") })?;
            let status = table.table_status().map(|s| s.as_str().to_string()).unwrap_or_default();
            let pending_index = table
                .global_secondary_indexes()
                .iter()
                .find(|i| i.index_status().is_some_and(|s| s.as_str() != "ACTIVE"))
                .and_then(|i| i.index_name().map(String::from));
            match (status.as_str(), pending_index) {
                ("ACTIVE", None) => Ok(()),
                (_, Some(index)) => Err(AwsError {
                    code: "NotActive".into(),
                    message: format!("index {index} of {name} is not yet ACTIVE"),
                }),
                (s, None) => {
                    Err(AwsError { code: "NotActive".into(), message: format!("{name} is {s}, not yet ACTIVE") })
                }
            }
        },
    )
}

fn put_ttl(aws: &Aws, name: &str, ttl: &Value) -> Result<(), ProviderDiagnostic> {
    let enabled = bool_attr(ttl, "enabled").unwrap_or(false);
    let spec = built(
        ddb::TimeToLiveSpecification::builder()
            .attribute_name(str_attr(ttl, "attribute_name").unwrap_or_default())
            .enabled(enabled)
            .build(),
    )?;
    aws.log_call("dynamodb:UpdateTimeToLive");
    aws.block(aws.dynamodb.update_time_to_live().table_name(name).time_to_live_specification(spec).send())
        .map(|_| ())
        .map_err(|e| aws_error(e).into_diag(&format!("updating {WHAT} ({name}) time to live")))
}

fn put_pitr(aws: &Aws, name: &str, pitr: &Value) -> Result<(), ProviderDiagnostic> {
    let enabled = bool_attr(pitr, "enabled").unwrap_or(false);
    let days =
        int_attr(pitr, "recovery_period_in_days").filter(|d| *d > 0 && enabled).and_then(|d| i32::try_from(d).ok());
    let spec = built(
        ddb::PointInTimeRecoverySpecification::builder()
            .point_in_time_recovery_enabled(enabled)
            .set_recovery_period_in_days(days)
            .build(),
    )?;
    aws.log_call("dynamodb:UpdateContinuousBackups");
    // Backups can be refused for a moment after the table becomes ACTIVE.
    aws.retry(
        Duration::from_secs(120),
        |e| e.code == "ContinuousBackupsUnavailableException",
        || {
            aws.block(
                aws.dynamodb
                    .update_continuous_backups()
                    .table_name(name)
                    .point_in_time_recovery_specification(spec.clone())
                    .send(),
            )
            .map(|_| ())
            .map_err(aws_error)
        },
    )
    .map_err(|e| e.into_diag(&format!("updating {WHAT} ({name}) point in time recovery")))
}

fn table_tags(aws: &Aws, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("dynamodb:ListTagsOfResource");
        let page = aws
            .block(aws.dynamodb.list_tags_of_resource().resource_arn(arn).set_next_token(token.clone()).send())
            .map_err(aws_error)?;
        out.extend(page.tags().iter().map(|t| (t.key().to_string(), t.value().to_string())));
        match page.next_token().filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    Ok(out)
}

fn keys_of(keys: &[ddb::KeySchemaElement]) -> (String, String) {
    let find = |t: &str| {
        keys.iter().find(|k| k.key_type().as_str() == t).map(|k| k.attribute_name().to_string()).unwrap_or_default()
    };
    (find("HASH"), find("RANGE"))
}

fn non_key_attributes(p: Option<&ddb::Projection>) -> Vec<String> {
    p.map(|p| p.non_key_attributes().to_vec()).unwrap_or_default()
}

fn read_table(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let name = crate::id_of(current);
    let what = format!("reading {WHAT} ({name})");
    let Some(table) = describe(aws, &name).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    if table.table_status().is_some_and(|s| s.as_str() == "DELETING") {
        return Ok(None);
    }
    let arn = table.table_arn().unwrap_or_default().to_string();
    let billing = table
        .billing_mode_summary()
        .and_then(|b| b.billing_mode())
        .map(|b| b.as_str().to_string())
        .unwrap_or_else(|| "PROVISIONED".into());
    let capacity = |t: Option<&ddb::ProvisionedThroughputDescription>| {
        (
            Value::int(t.and_then(|t| t.read_capacity_units()).unwrap_or(0)),
            Value::int(t.and_then(|t| t.write_capacity_units()).unwrap_or(0)),
        )
    };
    let (read, write) = capacity(table.provisioned_throughput());
    let (hash, range) = keys_of(table.key_schema());
    let schema = table_schema();
    // DynamoDB keeps only the definitions its keys use; moto keeps those of
    // a deleted index too, which AWS would have dropped.
    let mut keyed: BTreeSet<&str> = table.key_schema().iter().map(|k| k.attribute_name()).collect();
    keyed.extend(
        table.global_secondary_indexes().iter().flat_map(|i| i.key_schema().iter().map(|k| k.attribute_name())),
    );
    keyed
        .extend(table.local_secondary_indexes().iter().flat_map(|i| i.key_schema().iter().map(|k| k.attribute_name())));
    let attribute_items = table
        .attribute_definitions()
        .iter()
        .filter(|a| keyed.contains(a.attribute_name()))
        .map(|a| {
            object(
                &attribute_block(),
                [("name", Value::string(a.attribute_name())), ("type", Value::string(a.attribute_type().as_str()))],
            )
        })
        .collect();
    let gsis = table
        .global_secondary_indexes()
        .iter()
        .map(|i| {
            let (h, r) = keys_of(i.key_schema());
            let (read, write) = capacity(i.provisioned_throughput());
            object(
                &gsi_block(),
                [
                    ("hash_key", Value::string(h.as_str())),
                    ("name", Value::string(i.index_name().unwrap_or_default())),
                    (
                        "non_key_attributes",
                        Value::set(
                            Type::String,
                            non_key_attributes(i.projection()).iter().map(|s| Value::string(s.as_str())).collect(),
                        ),
                    ),
                    (
                        "projection_type",
                        Value::string(
                            i.projection().and_then(|p| p.projection_type()).map(|t| t.as_str()).unwrap_or_default(),
                        ),
                    ),
                    ("range_key", Value::string(r.as_str())),
                    ("read_capacity", read),
                    ("write_capacity", write),
                ],
            )
        })
        .collect();
    let lsis = table
        .local_secondary_indexes()
        .iter()
        .map(|i| {
            let (_, r) = keys_of(i.key_schema());
            object(
                &lsi_block(),
                [
                    ("name", Value::string(i.index_name().unwrap_or_default())),
                    ("non_key_attributes", crate::util::string_list(non_key_attributes(i.projection()))),
                    (
                        "projection_type",
                        Value::string(
                            i.projection().and_then(|p| p.projection_type()).map(|t| t.as_str()).unwrap_or_default(),
                        ),
                    ),
                    ("range_key", Value::string(r.as_str())),
                ],
            )
        })
        .collect();
    let stream_enabled = table.stream_specification().is_some_and(|s| s.stream_enabled());
    let view_type = table
        .stream_specification()
        .filter(|s| s.stream_enabled())
        .and_then(|s| s.stream_view_type())
        .map(|v| v.as_str().to_string())
        .unwrap_or_default();
    let sse = match table.sse_description() {
        Some(d) => vec![object(
            &sse_block(),
            [
                (
                    "enabled",
                    Value::bool(d.status().is_some_and(|s| matches!(s.as_str(), "ENABLED" | "ENABLING" | "UPDATING"))),
                ),
                ("kms_key_arn", Value::string(d.kms_master_key_arn().unwrap_or_default())),
            ],
        )],
        None => Vec::new(),
    };
    aws.log_call("dynamodb:DescribeTimeToLive");
    let ttl = aws
        .block(aws.dynamodb.describe_time_to_live().table_name(&name).send())
        .map_err(|e| aws_error(e).into_diag(&what))?;
    let ttl = ttl.time_to_live_description();
    let ttl_item = object(
        &ttl_block(),
        [
            ("attribute_name", Value::string(ttl.and_then(|t| t.attribute_name()).unwrap_or_default())),
            (
                "enabled",
                Value::bool(
                    ttl.and_then(|t| t.time_to_live_status())
                        .is_some_and(|s| matches!(s.as_str(), "ENABLED" | "ENABLING")),
                ),
            ),
        ],
    );
    aws.log_call("dynamodb:DescribeContinuousBackups");
    let backups = aws
        .block(aws.dynamodb.describe_continuous_backups().table_name(&name).send())
        .map_err(|e| aws_error(e).into_diag(&what))?;
    let pitr = backups.continuous_backups_description().and_then(|d| d.point_in_time_recovery_description());
    let pitr_enabled = pitr.and_then(|p| p.point_in_time_recovery_status()).is_some_and(|s| s.as_str() == "ENABLED");
    let period = match pitr.and_then(|p| p.recovery_period_in_days()) {
        Some(d) => Value::int(d as i64),
        // AWS reports an enabled recovery's period; an endpoint that does
        // not (moto) leaves what was known, or AWS's 35 days.
        None if pitr_enabled => items(&attr(current, "point_in_time_recovery"))
            .first()
            .map(|p| attr(p, "recovery_period_in_days"))
            .filter(|v| v.is_known() && !v.is_null())
            .unwrap_or_else(|| Value::int(35)),
        None => Value::int(0),
    };
    let pitr_item =
        object(&pitr_block(), [("enabled", Value::bool(pitr_enabled)), ("recovery_period_in_days", period)]);
    let remote_tags = table_tags(aws, &arn).map_err(|e| e.into_diag(&what))?;
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), remote_tags);
    let block_ty = |n: &str| schema.blocks[n].block.implied_type();
    let table_class = table
        .table_class_summary()
        .and_then(|c| c.table_class())
        .map(|c| c.as_str().to_string())
        .unwrap_or_else(|| "STANDARD".into());
    Ok(Some(object(
        &schema,
        [
            ("arn", Value::string(arn.as_str())),
            ("attribute", Value::set(block_ty("attribute"), attribute_items)),
            ("billing_mode", Value::string(billing.as_str())),
            ("deletion_protection_enabled", Value::bool(table.deletion_protection_enabled().unwrap_or(false))),
            ("global_secondary_index", Value::set(block_ty("global_secondary_index"), gsis)),
            ("hash_key", Value::string(hash.as_str())),
            ("id", Value::string(name.as_str())),
            ("local_secondary_index", Value::set(block_ty("local_secondary_index"), lsis)),
            ("name", Value::string(table.table_name().unwrap_or(&name))),
            ("point_in_time_recovery", Value::list(block_ty("point_in_time_recovery"), vec![pitr_item])),
            ("range_key", crate::iam::optional_text(Some(range.as_str()), current, "range_key")),
            ("read_capacity", read),
            ("server_side_encryption", Value::list(block_ty("server_side_encryption"), sse)),
            ("stream_arn", Value::string(table.latest_stream_arn().filter(|_| stream_enabled).unwrap_or_default())),
            ("stream_enabled", Value::bool(stream_enabled)),
            ("stream_label", Value::string(table.latest_stream_label().filter(|_| stream_enabled).unwrap_or_default())),
            ("stream_view_type", Value::string(view_type.as_str())),
            ("table_class", Value::string(table_class.as_str())),
            ("tags", tags),
            ("tags_all", tags_all),
            ("ttl", Value::list(block_ty("ttl"), vec![ttl_item])),
            ("write_capacity", write),
        ],
    )))
}

fn send_update(
    aws: &Aws,
    name: &str,
    request: aws_sdk_dynamodb::operation::update_table::builders::UpdateTableFluentBuilder,
) -> Result<(), ProviderDiagnostic> {
    let what = format!("updating {WHAT} ({name})");
    aws.log_call("dynamodb:UpdateTable");
    aws.block(request.send()).map_err(|e| aws_error(e).into_diag(&what))?;
    wait_active(aws, name).map_err(|e| e.into_diag(&format!("waiting for {WHAT} ({name}) update")))
}

/// The global secondary index changes, as DynamoDB takes them: one
/// index per UpdateTable, deletes first, then creates and capacity updates;
/// an index whose keys or projection changed is deleted and created again.
fn gsi_updates(prior: &Value, planned: &Value) -> Result<Vec<ddb::GlobalSecondaryIndexUpdate>, ProviderDiagnostic> {
    let by_name = |v: &Value| -> BTreeMap<String, Value> {
        items(&attr(v, "global_secondary_index"))
            .into_iter()
            .filter_map(|i| str_attr(&i, "name").map(|n| (n, i)))
            .collect()
    };
    let (before, after) = (by_name(prior), by_name(planned));
    let pay_per_request = on_demand(planned);
    let shape = |i: &Value| {
        let mut non_key = crate::util::strings_of(&attr(i, "non_key_attributes"));
        non_key.sort();
        (str_attr(i, "hash_key"), nonempty(i, "range_key"), str_attr(i, "projection_type"), non_key)
    };
    let mut deletes = Vec::new();
    let mut creates = Vec::new();
    let mut updates = Vec::new();
    for (name, old) in &before {
        match after.get(name) {
            None => deletes.push(name.clone()),
            Some(new) if shape(old) != shape(new) => {
                deletes.push(name.clone());
                creates.push(new.clone());
            }
            Some(new) => {
                let capacity_changed =
                    ["read_capacity", "write_capacity"].iter().any(|c| !attr(old, c).raw_equal(&attr(new, c)));
                if capacity_changed && !pay_per_request {
                    if let Some(t) = throughput(new)? {
                        updates.push(built(
                            ddb::UpdateGlobalSecondaryIndexAction::builder()
                                .index_name(name)
                                .provisioned_throughput(t)
                                .build(),
                        )?);
                    }
                }
            }
        }
    }
    creates.extend(after.iter().filter(|(n, _)| !before.contains_key(*n)).map(|(_, i)| i.clone()));
    let mut out = Vec::new();
    for name in deletes {
        let delete = built(ddb::DeleteGlobalSecondaryIndexAction::builder().index_name(name).build())?;
        out.push(ddb::GlobalSecondaryIndexUpdate::builder().delete(delete).build());
    }
    for index in creates {
        let g = gsi_request(&index, pay_per_request)?;
        let create = built(
            ddb::CreateGlobalSecondaryIndexAction::builder()
                .index_name(g.index_name())
                .set_key_schema(Some(g.key_schema().to_vec()))
                .set_projection(g.projection().cloned())
                .set_provisioned_throughput(g.provisioned_throughput().cloned())
                .build(),
        )?;
        out.push(ddb::GlobalSecondaryIndexUpdate::builder().create(create).build());
    }
    out.extend(updates.into_iter().map(|u| ddb::GlobalSecondaryIndexUpdate::builder().update(u).build()));
    Ok(out)
}

fn update_table(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = crate::id_of(prior);
    let what = format!("updating {WHAT} ({name})");
    let changed = |a: &str| !attr(prior, a).raw_equal(&attr(planned, a));
    let table = || aws.dynamodb.update_table().table_name(&name);
    let pay_per_request = on_demand(planned);
    if changed("billing_mode") || (!pay_per_request && (changed("read_capacity") || changed("write_capacity"))) {
        let mut request = table().billing_mode(ddb::BillingMode::from(if pay_per_request {
            "PAY_PER_REQUEST"
        } else {
            "PROVISIONED"
        }));
        if !pay_per_request {
            request = request.set_provisioned_throughput(throughput(planned)?);
            // Leaving on-demand, every index needs its capacities too.
            if changed("billing_mode") {
                let updates = items(&attr(planned, "global_secondary_index"))
                    .iter()
                    .filter_map(|i| throughput(i).transpose().map(|t| (str_attr(i, "name").unwrap_or_default(), t)))
                    .map(|(n, t)| {
                        let action = built(
                            ddb::UpdateGlobalSecondaryIndexAction::builder()
                                .index_name(n)
                                .provisioned_throughput(t?)
                                .build(),
                        )?;
                        Ok(ddb::GlobalSecondaryIndexUpdate::builder().update(action).build())
                    })
                    .collect::<Result<Vec<_>, ProviderDiagnostic>>()?;
                request = request.set_global_secondary_index_updates((!updates.is_empty()).then_some(updates));
            }
        }
        send_update(aws, &name, request)?;
    }
    if changed("global_secondary_index") {
        for update in gsi_updates(prior, planned)? {
            let mut request = table().global_secondary_index_updates(update.clone());
            if update.create().is_some() {
                request = request.set_attribute_definitions(Some(attribute_definitions(planned)?));
            }
            send_update(aws, &name, request)?;
        }
    }
    if changed("stream_enabled") || changed("stream_view_type") {
        // A stream's view type changes by turning it off and on again.
        let was_enabled = bool_attr(prior, "stream_enabled") == Some(true);
        if was_enabled && bool_attr(planned, "stream_enabled") == Some(true) {
            let off = built(ddb::StreamSpecification::builder().stream_enabled(false).build())?;
            send_update(aws, &name, table().stream_specification(off))?;
        }
        if was_enabled || bool_attr(planned, "stream_enabled") == Some(true) {
            send_update(aws, &name, table().stream_specification(stream_specification(planned)?))?;
        }
    }
    if changed("deletion_protection_enabled") {
        let on = bool_attr(planned, "deletion_protection_enabled").unwrap_or(false);
        send_update(aws, &name, table().deletion_protection_enabled(on))?;
    }
    if changed("table_class") {
        if let Some(class) = nonempty(planned, "table_class") {
            send_update(aws, &name, table().table_class(ddb::TableClass::from(class.as_str())))?;
        }
    }
    if changed("server_side_encryption") {
        if let Some(sse) = sse_specification(planned) {
            send_update(aws, &name, table().sse_specification(sse))?;
        }
    }
    if changed("ttl") {
        if let Some(t) = items(&attr(planned, "ttl")).into_iter().next().filter(|t| t.is_wholly_known()) {
            // Turning TTL off names the attribute it was on.
            let t = if bool_attr(&t, "enabled") != Some(true) && nonempty(&t, "attribute_name").is_none() {
                let before = items(&attr(prior, "ttl")).into_iter().next();
                match before.and_then(|b| str_attr(&b, "attribute_name")) {
                    Some(a) => with_attr(&t, "attribute_name", Value::string(a.as_str())),
                    None => t,
                }
            } else {
                t
            };
            let was = items(&attr(prior, "ttl")).first().and_then(|b| bool_attr(b, "enabled")).unwrap_or(false);
            if was || bool_attr(&t, "enabled") == Some(true) {
                put_ttl(aws, &name, &t)?;
            }
        }
    }
    if changed("point_in_time_recovery") {
        if let Some(p) =
            items(&attr(planned, "point_in_time_recovery")).into_iter().next().filter(|p| p.is_wholly_known())
        {
            put_pitr(aws, &name, &p)?;
        }
    }
    let arn = str_attr(prior, "arn").unwrap_or_default();
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("dynamodb:UntagResource");
        aws.block(aws.dynamodb.untag_resource().resource_arn(&arn).set_tag_keys(Some(remove)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    if let Some(set) = ddb_tags(&set)? {
        aws.log_call("dynamodb:TagResource");
        aws.block(aws.dynamodb.tag_resource().resource_arn(&arn).set_tags(Some(set)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    read_after_write(aws, &with_attr(planned, "id", Value::string(name.as_str())))
}

fn delete_table(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let name = crate::id_of(prior);
    let what = format!("deleting {WHAT} ({name})");
    aws.log_call("dynamodb:DeleteTable");
    // A table still being created or updated cannot be deleted yet.
    let result = aws.retry(
        Duration::from_secs(600),
        |e| e.code == "ResourceInUseException",
        || aws.block(aws.dynamodb.delete_table().table_name(&name).send()).map(|_| ()).map_err(aws_error),
    );
    match result {
        Err(e) if e.code == "ResourceNotFoundException" => return Ok(()),
        Err(e) => return Err(e.into_diag(&what)),
        Ok(()) => {}
    }
    aws.retry(
        Duration::from_secs(600),
        |e| e.code == "StillThere",
        || match describe(aws, &name)? {
            Some(_) => {
                Err(AwsError { code: "StillThere".into(), message: format!("{WHAT} ({name}) is still being deleted") })
            }
            None => Ok(()),
        },
    )
    .map_err(|e| e.into_diag(&format!("waiting for {WHAT} ({name}) delete")))
}

fn list_tables(aws: &Aws) -> Result<Vec<ListedObject>, ProviderDiagnostic> {
    let what = "listing DynamoDB Tables";
    let mut objects = Vec::new();
    let mut start: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("dynamodb:ListTables");
        let page = aws
            .block(aws.dynamodb.list_tables().set_exclusive_start_table_name(start.clone()).send())
            .map_err(|e| aws_error(e).into_diag(what))?;
        for name in page.table_names() {
            let Some(table) = describe(aws, name).map_err(|e| e.into_diag(what))? else { continue };
            let tags = table_tags(aws, table.table_arn().unwrap_or_default()).map_err(|e| e.into_diag(what))?;
            objects.push(ListedObject { id: name.clone(), tags: tags.into_iter().collect() });
        }
        match page.last_evaluated_table_name() {
            Some(t) => start = Some(t.to_string()),
            None => break,
        }
    }
    Ok(objects)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(values: Vec<(&str, Value)>) -> Value {
        object(&table_schema(), values)
    }

    fn attributes(names: &[(&str, &str)]) -> Value {
        let block = attribute_block();
        Value::set(
            block.implied_type(),
            names
                .iter()
                .map(|(n, t)| object(&block, [("name", Value::string(*n)), ("type", Value::string(*t))]))
                .collect(),
        )
    }

    fn gsi(name: &str, hash: &str, read: Option<i64>) -> Value {
        let mut values = vec![
            ("name", Value::string(name)),
            ("hash_key", Value::string(hash)),
            ("projection_type", Value::string("ALL")),
        ];
        if let Some(r) = read {
            values.push(("read_capacity", Value::int(r)));
            values.push(("write_capacity", Value::int(r)));
        }
        object(&gsi_block(), values)
    }

    #[test]
    fn the_providers_plan_time_rules_are_checked() {
        let bad = table(vec![
            ("name", Value::string("t")),
            ("hash_key", Value::string("id")),
            ("billing_mode", Value::string("PAY_PER_REQUEST")),
            ("read_capacity", Value::int(5)),
            ("stream_enabled", Value::bool(true)),
            ("attribute", attributes(&[("id", "S"), ("unused", "X")])),
        ]);
        let details: Vec<String> = validate_table(&bad).into_iter().map(|d| d.detail).collect();
        assert!(details.iter().any(|d| d.contains("name \"t\" must be 3 to 255")), "{details:#?}");
        assert!(details
            .iter()
            .any(|d| d.contains("read_capacity can not be set when billing_mode is \"PAY_PER_REQUEST\"")));
        assert!(details.iter().any(|d| d.contains("stream_view_type is required when stream_enabled = true")));
        assert!(details.iter().any(|d| d.contains("expected type to be one of [\"S\" \"N\" \"B\"], got X")));
        assert!(details.iter().any(|d| d.contains("all attributes must be indexed. Unused attributes: [\"unused\"]")));
        assert_eq!(details.len(), 5, "{details:#?}");
        let provisioned = table(vec![
            ("name", Value::string("orders")),
            ("hash_key", Value::string("id")),
            ("attribute", attributes(&[("id", "S")])),
        ]);
        let details: Vec<String> = validate_table(&provisioned).into_iter().map(|d| d.detail).collect();
        assert_eq!(
            details,
            vec![
                "read_capacity must be set when billing_mode is \"PROVISIONED\"",
                "write_capacity must be set when billing_mode is \"PROVISIONED\""
            ]
        );
    }

    #[test]
    fn index_changes_are_sent_one_at_a_time_deletes_first() {
        let gsis = |list: Vec<Value>| Value::set(gsi_block().implied_type(), list);
        let prior = table(vec![(
            "global_secondary_index",
            gsis(vec![gsi("a", "x", Some(1)), gsi("b", "y", Some(1)), gsi("c", "z", Some(1))]),
        )]);
        let planned = table(vec![(
            "global_secondary_index",
            gsis(vec![gsi("a", "x", Some(2)), gsi("c", "w", Some(1)), gsi("d", "v", Some(1))]),
        )]);
        let updates = gsi_updates(&prior, &planned).unwrap();
        let kinds: Vec<String> = updates
            .iter()
            .map(|u| match (u.delete(), u.create(), u.update()) {
                (Some(d), _, _) => format!("delete {}", d.index_name()),
                (_, Some(c), _) => format!("create {}", c.index_name()),
                (_, _, Some(u)) => format!("update {}", u.index_name()),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(kinds, ["delete b", "delete c", "create c", "create d", "update a"]);
    }

    #[test]
    fn unset_index_capacities_keep_what_dynamodb_reports() {
        let gsis = |list: Vec<Value>| Value::set(gsi_block().implied_type(), list);
        let prior = table(vec![("global_secondary_index", gsis(vec![gsi("a", "x", Some(0))]))]);
        let planned = plan_gsi_capacities(&gsis(vec![gsi("a", "x", None), gsi("b", "y", None)]), &prior);
        let items = items(&planned);
        let a = items.iter().find(|i| str_attr(i, "name").as_deref() == Some("a")).unwrap();
        let b = items.iter().find(|i| str_attr(i, "name").as_deref() == Some("b")).unwrap();
        assert_eq!(int_attr(a, "read_capacity"), Some(0));
        assert!(attr(b, "read_capacity").is_unknown());
    }
}
