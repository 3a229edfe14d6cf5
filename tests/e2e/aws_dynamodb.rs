//! DynamoDB against moto: a provisioned table with a range key, global
//! and local secondary indexes, TTL, point-in-time recovery and a stream,
//! and an on-demand table; capacity, a new index and the stream changed in
//! place, a new hash key replacing; drift made with boto3, import by name,
//! an interrupted create adopted from the journal, validation, destroy.
//!
//! moto ignores SSESpecification and TableClass on UpdateTable and never
//! stores a table class (STANDARD is read back), so those are not changed
//! here; it reports no point-in-time recovery period (35 days is read).

use crate::aws_support::*;
use crate::support::*;

const REGION: &str = "ap-southeast-1";

/// Runs boto3 with `ddb` a DynamoDB client in the tests' region.
fn dynamodb(script: &str) -> String {
    crate::moto::aws(&format!(
        "ddb = boto3.client('dynamodb', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n{script}"
    ))
}

/// Whether a line of `plan` holds every one of `parts` (the plan's column
/// alignment left out).
fn line_with(plan: &str, parts: &[&str]) -> bool {
    plan.lines().any(|l| parts.iter().all(|p| l.contains(p)))
}

fn tables_named(prefix: &str) -> Vec<String> {
    let out = dynamodb(&format!(
        "for t in sorted(ddb.list_tables()['TableNames']):\n    print(t) if t.startswith('{prefix}') else None"
    ));
    out.lines().map(String::from).collect()
}

struct Orders {
    read: u32,
    email_index: bool,
    stream: bool,
    events_key: &'static str,
}

fn config(name: &str, o: &Orders) -> String {
    let email_attribute =
        if o.email_index { "  attribute {\n    name = \"email\"\n    type = \"S\"\n  }\n" } else { "" };
    let email_index = if o.email_index {
        "  global_secondary_index {\n    name            = \"by-email\"\n    hash_key        = \"email\"\n    projection_type = \"INCLUDE\"\n    non_key_attributes = [\"total\"]\n    read_capacity   = 2\n    write_capacity  = 2\n  }\n"
    } else {
        ""
    };
    let stream = if o.stream { "  stream_enabled   = true\n  stream_view_type = \"NEW_IMAGE\"\n" } else { "" };
    format!(
        r#"{provider}
resource "aws_dynamodb_table" "orders" {{
  name           = "{name}-orders"
  read_capacity  = {read}
  write_capacity = 5
  hash_key       = "pk"
  range_key      = "sk"

  attribute {{
    name = "pk"
    type = "S"
  }}
  attribute {{
    name = "sk"
    type = "S"
  }}
  attribute {{
    name = "status"
    type = "S"
  }}
{email_attribute}
  global_secondary_index {{
    name            = "by-status"
    hash_key        = "status"
    range_key       = "sk"
    projection_type = "KEYS_ONLY"
    read_capacity   = 1
    write_capacity  = 1
  }}
{email_index}
  local_secondary_index {{
    name            = "by-pk-status"
    range_key       = "status"
    projection_type = "ALL"
  }}

  ttl {{
    attribute_name = "expires"
    enabled        = true
  }}

  point_in_time_recovery {{
    enabled = true
  }}
{stream}
  tags = {{ Team = "a" }}
}}

resource "aws_dynamodb_table" "events" {{
  name         = "{name}-events"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "{key}"

  attribute {{
    name = "{key}"
    type = "S"
  }}
}}
"#,
        provider = provider_block(None, REGION, ""),
        read = o.read,
        key = o.events_key,
    )
}

#[test]
fn dynamodb_tables_update_indexes_and_streams_replace_drift_import_and_destroy() {
    let name = format!("ddb-{}", std::process::id());
    let table = format!("{name}-orders");
    let mut o = Orders { read: 5, email_index: false, stream: false, events_key: "id" };
    let d = TempDir::with_files("aws-ddb", &[("main.tf", &config(&name, &o))]);
    let plan = planned_changes(&d);
    assert!(line_with(&plan, &["+ billing_mode ", "= \"PROVISIONED\""]), "{plan}");
    assert!(plan.contains("Plan: 2 to add, 0 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);

    let orders = state_json(&d, "aws_dynamodb_table", "orders");
    assert_eq!(orders["id"], table);
    assert_eq!(orders["arn"], format!("arn:aws:dynamodb:{REGION}:123456789012:table/{table}"));
    assert_eq!(orders["hash_key"], "pk");
    assert_eq!(orders["range_key"], "sk");
    assert_eq!(orders["read_capacity"], 5);
    assert_eq!(orders["ttl"], serde_json::json!([{"attribute_name": "expires", "enabled": true}]));
    assert_eq!(orders["point_in_time_recovery"][0]["enabled"], true);
    assert_eq!(orders["stream_enabled"], false);
    assert_eq!(orders["stream_arn"], "");
    assert_eq!(orders["table_class"], "STANDARD");
    assert_eq!(orders["global_secondary_index"].as_array().unwrap().len(), 1);
    assert_eq!(orders["local_secondary_index"][0]["name"], "by-pk-status");
    let events = state_json(&d, "aws_dynamodb_table", "events");
    assert_eq!(events["billing_mode"], "PAY_PER_REQUEST");
    assert_eq!(events["read_capacity"], 0);
    let remote = dynamodb(&format!(
        "t = ddb.describe_table(TableName='{table}')['Table']\n\
         ttl = ddb.describe_time_to_live(TableName='{table}')['TimeToLiveDescription']\n\
         pitr = ddb.describe_continuous_backups(TableName='{table}')['ContinuousBackupsDescription']['PointInTimeRecoveryDescription']\n\
         print(t['ProvisionedThroughput']['ReadCapacityUnits'], [i['IndexName'] for i in t['GlobalSecondaryIndexes']], ttl['TimeToLiveStatus'], ttl['AttributeName'], pitr['PointInTimeRecoveryStatus'])"
    ));
    assert_eq!(remote.trim(), "5 ['by-status'] ENABLED expires ENABLED");
    no_changes(&d);

    // Capacity, a new global secondary index and a stream change in place.
    o = Orders { read: 10, email_index: true, stream: true, ..o };
    d.write("main.tf", &config(&name, &o));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_dynamodb_table.orders will be updated in-place"), "{plan}");
    assert!(line_with(&plan, &["~ read_capacity ", "= 5 -> 10"]), "{plan}");
    assert!(line_with(&plan, &["~ stream_arn ", "= \"\" -> (known after apply)"]), "{plan}");
    assert!(line_with(&plan, &["+ name ", "= \"by-email\""]), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let orders = state_json(&d, "aws_dynamodb_table", "orders");
    assert!(
        orders["stream_arn"]
            .as_str()
            .unwrap()
            .starts_with(&format!("arn:aws:dynamodb:{REGION}:123456789012:table/{table}/stream/")),
        "{orders}"
    );
    assert_eq!(orders["stream_view_type"], "NEW_IMAGE");
    assert_ne!(orders["stream_label"], "");
    let remote = dynamodb(&format!(
        "t = ddb.describe_table(TableName='{table}')['Table']\n\
         print(t['ProvisionedThroughput']['ReadCapacityUnits'], sorted(i['IndexName'] for i in t['GlobalSecondaryIndexes']), t['StreamSpecification']['StreamViewType'])"
    ));
    assert_eq!(remote.trim(), "10 ['by-email', 'by-status'] NEW_IMAGE");
    no_changes(&d);

    // Removing the index is in place too; a new hash key is a new table.
    o = Orders { email_index: false, events_key: "key", ..o };
    d.write("main.tf", &config(&name, &o));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_dynamodb_table.orders will be updated in-place"), "{plan}");
    assert!(line_with(&plan, &["- name ", "= \"by-email\""]), "{plan}");
    assert!(plan.contains("# aws_dynamodb_table.events must be replaced"), "{plan}");
    assert!(line_with(&plan, &["~ hash_key ", "= \"id\" -> \"key\" # forces replacement"]), "{plan}");
    assert!(plan.contains("Plan: 1 to add, 1 to change, 1 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let remote = dynamodb(&format!(
        "t = ddb.describe_table(TableName='{table}')['Table']\n\
         e = ddb.describe_table(TableName='{name}-events')['Table']\n\
         print([i['IndexName'] for i in t['GlobalSecondaryIndexes']], e['KeySchema'][0]['AttributeName'])"
    ));
    assert_eq!(remote.trim(), "['by-status'] key");
    no_changes(&d);

    // By hand: TTL off and a tag.
    dynamodb(&format!(
        "ddb.update_time_to_live(TableName='{table}', TimeToLiveSpecification={{'AttributeName': 'expires', 'Enabled': False}})\n\
         ddb.tag_resource(ResourceArn='arn:aws:dynamodb:{REGION}:123456789012:table/{table}', Tags=[{{'Key': 'Extra', 'Value': 'x'}}])"
    ));
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    assert!(drift.stdout.contains("aws_dynamodb_table.orders"), "{}", drift.stdout);
    let plan = planned_changes(&d);
    assert!(line_with(&plan, &["~ enabled ", "= false -> true"]), "{plan}");
    assert!(plan.contains("- \"Extra\" = \"x\""), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // Import by name.
    strata_ok(&d, &["state", "rm", "aws_dynamodb_table.orders"]);
    strata_ok(&d, &["import", "-no-color", "aws_dynamodb_table.orders", &table]);
    no_changes(&d);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(tables_named(&name).is_empty(), "{:?}", tables_named(&name));
}

#[test]
fn dynamodb_arguments_are_checked_at_validate() {
    let d = TempDir::with_files(
        "aws-ddb-invalid",
        &[(
            "main.tf",
            &format!(
                r#"{provider}
resource "aws_dynamodb_table" "bad" {{
  name           = "t"
  billing_mode   = "PAY_PER_REQUEST"
  read_capacity  = 5
  hash_key       = "id"
  stream_enabled = true

  attribute {{
    name = "id"
    type = "S"
  }}
  attribute {{
    name = "unused"
    type = "S"
  }}
  ttl {{
    enabled = true
  }}
}}
"#,
                provider = provider_block(None, REGION, "")
            ),
        )],
    );
    let out = strata(&d, &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    for needle in [
        "name \"t\" must be 3 to 255",
        "read_capacity can not be set when billing_mode is \"PAY_PER_REQUEST\"",
        "stream_view_type is required when stream_enabled = true",
        "all attributes must be indexed. Unused attributes: [\"unused\"]",
        "ttl: attribute_name must be set when enabled is true",
    ] {
        assert!(out.stderr.contains(needle), "{needle}:\n{}", out.stderr);
    }
}

/// A crash between sending a table's create and journalling its result:
/// the journal holds the intent, DynamoDB holds the table with the token.
/// The next plan adopts it instead of creating another.
#[test]
fn an_interrupted_table_create_is_found_by_its_token_and_adopted() {
    let name = format!("ddb-kill-{}", std::process::id());
    let provider = provider_block(None, REGION, "");
    let first = format!(
        "{provider}\nresource \"aws_dynamodb_table\" \"first\" {{\n  name         = \"{name}-first\"\n  billing_mode = \"PAY_PER_REQUEST\"\n  hash_key     = \"id\"\n  attribute {{\n    name = \"id\"\n    type = \"S\"\n  }}\n}}\n"
    );
    let d = TempDir::with_files("aws-ddb-kill", &[("main.tf", &first)]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    dynamodb(&format!(
        "ddb.create_table(TableName='{name}-main', BillingMode='PAY_PER_REQUEST', KeySchema=[{{'AttributeName': 'id', 'KeyType': 'HASH'}}], AttributeDefinitions=[{{'AttributeName': 'id', 'AttributeType': 'S'}}], Tags=[{{'Key': 'strata:create-token', 'Value': 't-table'}}])"
    ));
    let st = state(&d);
    let header = serde_json::json!({"lineage": st["lineage"], "serial": st["serial"]});
    let intent = serde_json::json!({
        "mode": "managed", "type": "aws_dynamodb_table", "name": "main",
        "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
        "instance": {"schema_version": 1, "attributes": {"name": format!("{name}-main"), "region": REGION}, "sensitive_attributes": []},
        "intent": "t-table", "intent_at": 0
    });
    std::fs::write(d.path().join("terraform.tfstate.journal"), format!("{header}\n{intent}\n")).unwrap();
    d.write(
        "main.tf",
        &format!(
            "{first}\nresource \"aws_dynamodb_table\" \"main\" {{\n  name         = \"{name}-main\"\n  billing_mode = \"PAY_PER_REQUEST\"\n  hash_key     = \"id\"\n  attribute {{\n    name = \"id\"\n    type = \"S\"\n  }}\n}}\n"
        ),
    );
    let plan = strata(&d, &["plan", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert_eq!(plan.stderr.matches("Adopted an object").count(), 1, "{}", plan.transcript());
    assert!(!plan.stdout.contains("will be created"), "{}", plan.stdout);
    assert_eq!(state_id(&d, "aws_dynamodb_table", "main"), format!("{name}-main"));
    assert!(!state(&d).to_string().contains("strata:create-token"));
    no_changes(&d);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(tables_named(&name).is_empty());
}
