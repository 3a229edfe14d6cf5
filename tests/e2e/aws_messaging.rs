//! SQS against moto: a dead-letter queue and the queue that redrives to
//! it (the redrive policy written with `maxReceiveCount` as a string,
//! which SQS returns as a number), a FIFO queue named by prefix, and a
//! queue policy; in-place updates and replacements as the provider
//! decides them, drift made with boto3, imports by URL, an interrupted
//! create adopted from the journal, validation errors, destroy.
//!
//! moto's SetQueueAttributes drops a queue's policy unless the call
//! carries it (the provider's updates send it again), and moto never
//! reports `RedriveAllowPolicy`, so that argument is not exercised here.

use crate::aws_support::*;
use crate::support::*;

const REGION: &str = "ap-southeast-1";

/// Runs boto3 with `sqs` an SQS client in the tests' region.
fn sqs(script: &str) -> String {
    crate::moto::aws(&format!(
        "sqs = boto3.client('sqs', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n{script}"
    ))
}

/// The names of the queues whose names start with `prefix`, sorted.
fn queues_named(prefix: &str) -> Vec<String> {
    let out = sqs(&format!(
        "for u in sorted(sqs.list_queues(QueueNamePrefix='{prefix}').get('QueueUrls', [])):\n    print(u.rsplit('/', 1)[1])"
    ));
    out.lines().map(String::from).collect()
}

fn queues_config(name: &str, visibility: u32, jobs_prefix: &str, team: &str) -> String {
    format!(
        r#"{provider}
resource "aws_sqs_queue" "dlq" {{
  name                      = "{name}-dlq"
  message_retention_seconds = 1209600
}}

resource "aws_sqs_queue" "main" {{
  name                       = "{name}-main"
  visibility_timeout_seconds = {visibility}
  redrive_policy = jsonencode({{
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = "5"
  }})
  tags = {{ Team = "{team}" }}
}}

resource "aws_sqs_queue" "jobs" {{
  name_prefix                 = "{jobs_prefix}"
  fifo_queue                  = true
  content_based_deduplication = true
}}

resource "aws_sqs_queue_policy" "main" {{
  queue_url = aws_sqs_queue.main.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid       = "AllowSend"
      Effect    = "Allow"
      Principal = "*"
      Action    = ["sqs:SendMessage"]
      Resource  = aws_sqs_queue.main.arn
    }}]
  }})
}}
"#,
        provider = provider_block(None, REGION, "  default_tags {\n    tags = { Owner = \"strata\" }\n  }\n")
    )
}

#[test]
fn sqs_queues_with_a_dead_letter_queue_update_replace_drift_import_and_destroy() {
    let name = format!("msg-sqs-{}", std::process::id());
    let jobs = format!("{name}-jobs-");
    let d = TempDir::with_files("aws-sqs", &[("main.tf", &queues_config(&name, 60, &jobs, "a"))]);
    let plan = planned_changes(&d);
    assert!(plan.contains("+ max_message_size                  = 262144"), "{plan}");
    assert!(plan.contains("+ url                               = (known after apply)"), "{plan}");
    assert!(plan.contains("Plan: 4 to add, 0 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);

    let main = state_json(&d, "aws_sqs_queue", "main");
    let url = main["id"].as_str().unwrap().to_string();
    assert!(url.ends_with(&format!("/123456789012/{name}-main")), "{url}");
    assert_eq!(main["url"], url);
    assert_eq!(main["arn"], format!("arn:aws:sqs:{REGION}:123456789012:{name}-main"));
    let dlq_arn = format!("arn:aws:sqs:{REGION}:123456789012:{name}-dlq");
    // The stored text is the configuration's, though SQS answers with a number.
    assert_eq!(main["redrive_policy"], format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"5"}}"#));
    assert_eq!(main["tags"], serde_json::json!({"Team": "a"}));
    assert_eq!(main["tags_all"], serde_json::json!({"Owner": "strata", "Team": "a"}));
    assert_eq!(main["visibility_timeout_seconds"], 60);
    assert_eq!(main["message_retention_seconds"], 345600);
    assert_eq!(main["fifo_queue"], false);
    assert_eq!(main["deduplication_scope"], "");
    assert_eq!(main["region"], REGION);
    let jobs_state = state_json(&d, "aws_sqs_queue", "jobs");
    let jobs_name = jobs_state["name"].as_str().unwrap().to_string();
    assert!(jobs_name.starts_with(&jobs) && jobs_name.ends_with(".fifo"), "{jobs_name}");
    assert_eq!(jobs_state["name_prefix"], jobs);
    assert_eq!(jobs_state["content_based_deduplication"], true);
    assert_eq!(state_id(&d, "aws_sqs_queue_policy", "main"), url);
    let remote = sqs(&format!(
        "a = sqs.get_queue_attributes(QueueUrl='{url}', AttributeNames=['All'])['Attributes']\n\
         t = sqs.list_queue_tags(QueueUrl='{url}')['Tags']\n\
         print(a['VisibilityTimeout'], json.loads(a['RedrivePolicy'])['maxReceiveCount'], json.loads(a['Policy'])['Statement'][0]['Sid'], sorted(k for k in t if not k.startswith('strata:')))"
    ));
    assert_eq!(remote.trim(), "60 5 AllowSend ['Owner', 'Team']");
    no_changes(&d);
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 0, "the queue policy's change to its queue is read back:\n{}", drift.transcript());

    // The visibility timeout and tags change in place; the policy stays.
    d.write("main.tf", &queues_config(&name, 90, &jobs, "b"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_sqs_queue.main will be updated in-place"), "{plan}");
    assert!(plan.contains("~ visibility_timeout_seconds        = 60 -> 90"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let remote = sqs(&format!(
        "a = sqs.get_queue_attributes(QueueUrl='{url}', AttributeNames=['All'])['Attributes']\nprint(a['VisibilityTimeout'], 'Policy' in a, sqs.list_queue_tags(QueueUrl='{url}')['Tags']['Team'])"
    ));
    assert_eq!(remote.trim(), "90 True b");
    no_changes(&d);

    // A new name prefix is a new queue.
    let jobs2 = format!("{name}-work-");
    d.write("main.tf", &queues_config(&name, 90, &jobs2, "b"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_sqs_queue.jobs must be replaced"), "{plan}");
    assert!(
        plan.contains("~ name_prefix                       = \"") && plan.contains("# forces replacement"),
        "{plan}"
    );
    assert!(plan.contains("Plan: 1 to add, 0 to change, 1 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(queues_named(&jobs).is_empty(), "the old FIFO queue is deleted");
    assert_eq!(queues_named(&jobs2).len(), 1);
    no_changes(&d);

    // By hand: a delay and a tag (the policy sent along, as moto would drop it).
    sqs(&format!(
        "p = sqs.get_queue_attributes(QueueUrl='{url}', AttributeNames=['Policy'])['Attributes']['Policy']\n\
         sqs.set_queue_attributes(QueueUrl='{url}', Attributes={{'DelaySeconds': '15', 'Policy': p}})\n\
         sqs.tag_queue(QueueUrl='{url}', Tags={{'Extra': 'x'}})"
    ));
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    assert!(drift.stdout.contains("aws_sqs_queue.main"), "{}", drift.stdout);
    let plan = planned_changes(&d);
    assert!(plan.contains("~ delay_seconds                     = 15 -> 0"), "{plan}");
    assert!(plan.contains("- \"Extra\" = \"x\""), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // Imports by URL, as Terraform's docs give them.
    strata_ok(&d, &["state", "rm", "aws_sqs_queue.main", "aws_sqs_queue_policy.main"]);
    let missing = strata(&d, &["import", "-no-color", "aws_sqs_queue.main", &format!("{url}-nope")]);
    assert_eq!(missing.code, 1, "{}", missing.transcript());
    assert!(missing.stderr.contains("Cannot import non-existent remote object"), "{}", missing.stderr);
    strata_ok(&d, &["import", "-no-color", "aws_sqs_queue.main", &url]);
    strata_ok(&d, &["import", "-no-color", "aws_sqs_queue_policy.main", &url]);
    no_changes(&d);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(queues_named(&name).is_empty(), "every queue is deleted: {:?}", queues_named(&name));
}

#[test]
fn sqs_arguments_are_checked_at_validate() {
    let d = TempDir::with_files(
        "aws-sqs-invalid",
        &[(
            "main.tf",
            &format!(
                r#"{provider}
resource "aws_sqs_queue" "bad" {{
  name                        = "not-fifo.fifo"
  delay_seconds               = 901
  content_based_deduplication = true
  kms_master_key_id           = "alias/aws/sqs"
  sqs_managed_sse_enabled     = true
  redrive_policy              = "{{not json"
  fifo_throughput_limit       = "perEverything"
}}

resource "aws_sqs_queue_policy" "bad" {{
  queue_url = "http://localhost/123456789012/q"
  policy    = "[]"
}}
"#,
                provider = provider_block(None, REGION, "")
            ),
        )],
    );
    let out = strata(&d, &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    for needle in [
        "invalid queue name: not-fifo.fifo",
        "expected delay_seconds to be in the range (0 - 900), got 901",
        "content-based deduplication can only be set for FIFO queue",
        "\"kms_master_key_id\": conflicts with sqs_managed_sse_enabled",
        "\"redrive_policy\" contains an invalid JSON",
        "expected fifo_throughput_limit to be one of",
        "\"policy\" contains an invalid JSON policy: not a JSON object",
    ] {
        assert!(out.stderr.contains(needle), "{needle}:\n{}", out.stderr);
    }
}

/// A crash between sending a queue's create and journalling its result:
/// the journal holds the intent, SQS holds the queue with the token. The
/// next plan adopts it instead of creating another.
#[test]
fn an_interrupted_queue_create_is_found_by_its_token_and_adopted() {
    let name = format!("msg-kill-{}", std::process::id());
    let first = format!(
        "{provider}\nresource \"aws_sqs_queue\" \"dlq\" {{\n  name = \"{name}-dlq\"\n}}\n",
        provider = provider_block(None, REGION, "")
    );
    let d = TempDir::with_files("aws-sqs-kill", &[("main.tf", &first)]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let url = sqs(&format!(
        "print(sqs.create_queue(QueueName='{name}-main', Attributes={{'MaximumMessageSize': '262144'}}, tags={{'strata:create-token': 't-queue'}})['QueueUrl'])"
    ));
    let url = url.trim();

    let st = state(&d);
    let header = serde_json::json!({"lineage": st["lineage"], "serial": st["serial"]});
    let intent = serde_json::json!({
        "mode": "managed", "type": "aws_sqs_queue", "name": "main",
        "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
        "instance": {"schema_version": 0, "attributes": {"name": format!("{name}-main"), "region": REGION}, "sensitive_attributes": []},
        "intent": "t-queue", "intent_at": 0
    });
    std::fs::write(d.path().join("terraform.tfstate.journal"), format!("{header}\n{intent}\n")).unwrap();
    d.write("main.tf", &format!("{first}\nresource \"aws_sqs_queue\" \"main\" {{\n  name = \"{name}-main\"\n}}\n"));

    let plan = strata(&d, &["plan", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert_eq!(plan.stderr.matches("Adopted an object").count(), 1, "{}", plan.transcript());
    assert!(!plan.stdout.contains("will be created"), "{}", plan.stdout);
    assert_eq!(state_id(&d, "aws_sqs_queue", "main"), url);
    assert!(!state(&d).to_string().contains("strata:create-token"));
    no_changes(&d);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(queues_named(&name).is_empty());
}

/// Runs boto3 with `sns` an SNS client in the tests' region.
fn sns(script: &str) -> String {
    crate::moto::aws(&format!(
        "sns = boto3.client('sns', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n{script}"
    ))
}

/// The names of the topics whose names start with `prefix`, sorted.
fn topics_named(prefix: &str) -> Vec<String> {
    let out = sns(&format!(
        "for t in sorted(t['TopicArn'].rsplit(':', 1)[1] for t in sns.list_topics()['Topics']):\n    print(t) if t.startswith('{prefix}') else None"
    ));
    out.lines().map(String::from).collect()
}

fn topics_config(name: &str, display: &str, raw: bool, endpoint: &str) -> String {
    format!(
        r#"{provider}
resource "aws_sns_topic" "events" {{
  name         = "{name}-events"
  display_name = "{display}"
  delivery_policy = jsonencode({{
    http = {{ defaultHealthyRetryPolicy = {{ numRetries = 3, minDelayTarget = 20, maxDelayTarget = 20 }} }}
  }})
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid       = "Publish"
      Effect    = "Allow"
      Principal = {{ AWS = "123456789012" }}
      Action    = "sns:Publish"
      Resource  = "arn:aws:sns:{REGION}:123456789012:{name}-events"
    }}]
  }})
  tags = {{ Team = "a" }}
}}

resource "aws_sns_topic" "orders" {{
  name_prefix                 = "{name}-orders-"
  fifo_topic                  = true
  content_based_deduplication = true
}}

resource "aws_sqs_queue" "inbox" {{
  name = "{name}-inbox"
}}

resource "aws_sqs_queue" "audit" {{
  name = "{name}-audit"
}}

resource "aws_sns_topic_subscription" "inbox" {{
  topic_arn            = aws_sns_topic.events.arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.{endpoint}.arn
  raw_message_delivery = {raw}
  filter_policy        = jsonencode({{ kind = ["order"] }})
}}
"#,
        provider = provider_block(None, REGION, "")
    )
}

#[test]
fn sns_topics_and_an_sqs_subscription_update_replace_drift_import_and_destroy() {
    let name = format!("msg-sns-{}", std::process::id());
    let topic_arn = format!("arn:aws:sns:{REGION}:123456789012:{name}-events");
    let d = TempDir::with_files("aws-sns", &[("main.tf", &topics_config(&name, "Events", true, "inbox"))]);
    let plan = planned_changes(&d);
    assert!(plan.contains("Plan: 5 to add, 0 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);

    let events = state_json(&d, "aws_sns_topic", "events");
    assert_eq!(events["id"], topic_arn);
    assert_eq!(events["arn"], topic_arn);
    assert_eq!(events["owner"], "123456789012");
    assert_eq!(events["display_name"], "Events");
    assert_eq!(events["fifo_topic"], false);
    assert!(events["policy"].as_str().unwrap().contains("\"Action\":\"sns:Publish\""), "{}", events["policy"]);
    let orders = state_json(&d, "aws_sns_topic", "orders");
    let orders_name = orders["name"].as_str().unwrap();
    assert!(orders_name.starts_with(&format!("{name}-orders-")) && orders_name.ends_with(".fifo"), "{orders_name}");
    assert_eq!(orders["name_prefix"], format!("{name}-orders-"));
    assert_eq!(orders["content_based_deduplication"], true);
    // moto gives a topic without a policy its default one: it is read back.
    assert!(orders["policy"].as_str().unwrap().contains("SNS:Publish"), "{}", orders["policy"]);
    let sub = state_json(&d, "aws_sns_topic_subscription", "inbox");
    let sub_arn = sub["id"].as_str().unwrap().to_string();
    assert!(sub_arn.starts_with(&format!("{topic_arn}:")), "{sub_arn}");
    assert_eq!(sub["arn"], sub_arn);
    assert_eq!(sub["owner_id"], "123456789012");
    assert_eq!(sub["pending_confirmation"], false);
    assert_eq!(sub["confirmation_was_authenticated"], true);
    assert_eq!(sub["raw_message_delivery"], true);
    assert_eq!(sub["filter_policy"], r#"{"kind":["order"]}"#);
    assert_eq!(sub["filter_policy_scope"], "MessageAttributes");
    assert_eq!(sub["endpoint"], format!("arn:aws:sqs:{REGION}:123456789012:{name}-inbox"));
    let remote = sns(&format!(
        "a = sns.get_subscription_attributes(SubscriptionArn='{sub_arn}')['Attributes']\nprint(a['RawMessageDelivery'], a['FilterPolicy'])"
    ));
    assert_eq!(remote.trim(), r#"true {"kind":["order"]}"#);
    no_changes(&d);

    // A policy SNS holds in another form that means the same is no change.
    sns(&format!(
        "sns.set_topic_attributes(TopicArn='{topic_arn}', AttributeName='Policy', AttributeValue=json.dumps({{'Version': '2012-10-17', 'Statement': {{'Resource': '{topic_arn}', 'Action': ['sns:Publish'], 'Principal': {{'AWS': 'arn:aws:iam::123456789012:root'}}, 'Effect': 'Allow', 'Sid': 'Publish'}}}}))"
    ));
    no_changes(&d);

    // The display name and raw delivery change in place.
    d.write("main.tf", &topics_config(&name, "Events 2", false, "inbox"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_sns_topic.events will be updated in-place"), "{plan}");
    assert!(plan.contains("~ display_name ") && plan.contains("\"Events\" -> \"Events 2\""), "{plan}");
    assert!(plan.contains("# aws_sns_topic_subscription.inbox will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 2 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let remote = sns(&format!(
        "print(sns.get_topic_attributes(TopicArn='{topic_arn}')['Attributes']['DisplayName'], sns.get_subscription_attributes(SubscriptionArn='{sub_arn}')['Attributes']['RawMessageDelivery'])"
    ));
    assert_eq!(remote.trim(), "Events 2 false");
    no_changes(&d);

    // Another endpoint is another subscription.
    d.write("main.tf", &topics_config(&name, "Events 2", false, "audit"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_sns_topic_subscription.inbox must be replaced"), "{plan}");
    assert!(plan.contains("Plan: 1 to add, 0 to change, 1 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let sub_arn = state_id(&d, "aws_sns_topic_subscription", "inbox");
    let endpoints = sns(&format!(
        "print(sorted(s['Endpoint'].rsplit(':', 1)[1] for s in sns.list_subscriptions_by_topic(TopicArn='{topic_arn}')['Subscriptions']))"
    ));
    assert_eq!(endpoints.trim(), format!("['{name}-audit']"));
    no_changes(&d);

    // By hand: the display name and a tag.
    sns(&format!(
        "sns.set_topic_attributes(TopicArn='{topic_arn}', AttributeName='DisplayName', AttributeValue='Changed')\n\
         sns.tag_resource(ResourceArn='{topic_arn}', Tags=[{{'Key': 'Extra', 'Value': 'x'}}])"
    ));
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    assert!(drift.stdout.contains("aws_sns_topic.events"), "{}", drift.stdout);
    let plan = planned_changes(&d);
    assert!(plan.contains("\"Changed\" -> \"Events 2\""), "{plan}");
    assert!(plan.contains("- \"Extra\" = \"x\""), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // Imports by ARN.
    strata_ok(&d, &["state", "rm", "aws_sns_topic.events", "aws_sns_topic_subscription.inbox"]);
    strata_ok(&d, &["import", "-no-color", "aws_sns_topic.events", &topic_arn]);
    strata_ok(&d, &["import", "-no-color", "aws_sns_topic_subscription.inbox", &sub_arn]);
    no_changes(&d);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(topics_named(&name).is_empty(), "{:?}", topics_named(&name));
    let left = sns(&format!(
        "print(len([s for s in sns.list_subscriptions()['Subscriptions'] if s['TopicArn'].endswith(':{name}-events')]))"
    ));
    assert_eq!(left.trim(), "0");
}

#[test]
fn sns_arguments_are_checked_at_validate() {
    let d = TempDir::with_files(
        "aws-sns-invalid",
        &[(
            "main.tf",
            &format!(
                r#"{provider}
resource "aws_sns_topic" "bad" {{
  name                             = "plain"
  fifo_topic                       = true
  sqs_success_feedback_sample_rate = 150
  delivery_policy                  = "{{"
}}

resource "aws_sns_topic_subscription" "bad" {{
  topic_arn = "arn:aws:sns:{REGION}:123456789012:t"
  protocol  = "carrier-pigeon"
  endpoint  = "x"
}}
"#,
                provider = provider_block(None, REGION, "")
            ),
        )],
    );
    let out = strata(&d, &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    for needle in [
        "invalid topic name: plain",
        "expected sqs_success_feedback_sample_rate to be in the range (0 - 100), got 150",
        "\"delivery_policy\" contains an invalid JSON",
        "expected protocol to be one of",
        "got carrier-pigeon",
    ] {
        assert!(out.stderr.contains(needle), "{needle}:\n{}", out.stderr);
    }
}

/// Runs boto3 with `kms` a KMS client in the tests' region.
fn kms(script: &str) -> String {
    crate::moto::aws(&format!(
        "kms = boto3.client('kms', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n{script}"
    ))
}

fn keys_config(name: &str, description: &str, enabled: bool, target: &str, multi_region: bool) -> String {
    format!(
        r#"{provider}
resource "aws_kms_key" "a" {{
  description             = "{description}"
  deletion_window_in_days = 7
  enable_key_rotation     = true
  is_enabled              = {enabled}
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid       = "Root"
      Effect    = "Allow"
      Principal = {{ AWS = "arn:aws:iam::123456789012:root" }}
      Action    = "kms:*"
      Resource  = "*"
    }}]
  }})
  tags = {{ Name = "{name}-a" }}
}}

resource "aws_kms_key" "b" {{
  description  = "{name} b"
  multi_region = {multi_region}
}}

resource "aws_kms_alias" "app" {{
  name          = "alias/{name}-app"
  target_key_id = aws_kms_key.{target}.key_id
}}

resource "aws_kms_alias" "prefixed" {{
  name_prefix   = "alias/{name}-p-"
  target_key_id = aws_kms_key.a.arn
}}
"#,
        provider = provider_block(None, REGION, "")
    )
}

#[test]
fn kms_keys_and_aliases_update_retarget_replace_drift_import_and_destroy() {
    let name = format!("msg-kms-{}", std::process::id());
    let d = TempDir::with_files("aws-kms", &[("main.tf", &keys_config(&name, "app key", true, "a", false))]);
    let plan = planned_changes(&d);
    assert!(plan.contains("+ key_usage                          = \"ENCRYPT_DECRYPT\""), "{plan}");
    assert!(plan.contains("Plan: 4 to add, 0 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);

    let a = state_json(&d, "aws_kms_key", "a");
    let key_a = a["id"].as_str().unwrap().to_string();
    assert_eq!(a["key_id"], key_a);
    assert_eq!(a["arn"], format!("arn:aws:kms:{REGION}:123456789012:key/{key_a}"));
    assert_eq!(a["enable_key_rotation"], true);
    assert_eq!(a["rotation_period_in_days"], 365);
    assert_eq!(a["customer_master_key_spec"], "SYMMETRIC_DEFAULT");
    assert_eq!(a["multi_region"], false);
    assert_eq!(a["tags"], serde_json::json!({"Name": format!("{name}-a")}));
    let key_b = state_id(&d, "aws_kms_key", "b");
    // moto gives a key made without a policy its default policy.
    assert!(state_attr(&d, "aws_kms_key", "b", "policy").contains("kms:*"));
    let app = state_json(&d, "aws_kms_alias", "app");
    assert_eq!(app["id"], format!("alias/{name}-app"));
    assert_eq!(app["arn"], format!("arn:aws:kms:{REGION}:123456789012:alias/{name}-app"));
    assert_eq!(app["target_key_arn"], a["arn"]);
    let prefixed = state_json(&d, "aws_kms_alias", "prefixed");
    assert!(prefixed["name"].as_str().unwrap().starts_with(&format!("alias/{name}-p-")), "{prefixed}");
    // Given as the key's ARN, the target reads back as its ID: no change.
    assert_eq!(prefixed["target_key_id"], key_a);
    no_changes(&d);

    // Description and enabled state change in place; the alias moves to key b.
    d.write("main.tf", &keys_config(&name, "app key v2", false, "b", false));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_kms_key.a will be updated in-place"), "{plan}");
    assert!(plan.contains("~ is_enabled ") && plan.contains("true -> false"), "{plan}");
    assert!(plan.contains("# aws_kms_alias.app will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 2 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let remote = kms(&format!(
        "m = kms.describe_key(KeyId='{key_a}')['KeyMetadata']\n\
         t = [x['TargetKeyId'] for x in kms.list_aliases()['Aliases'] if x['AliasName'] == 'alias/{name}-app']\n\
         print(m['Description'], m['Enabled'], t == ['{key_b}'])"
    ));
    assert_eq!(remote.trim(), "app key v2 False True");
    no_changes(&d);

    // multi_region replaces the key; the alias follows the new one.
    d.write("main.tf", &keys_config(&name, "app key v2", false, "b", true));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_kms_key.b must be replaced"), "{plan}");
    assert!(plan.contains("Plan: 1 to add, 1 to change, 1 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let new_b = state_id(&d, "aws_kms_key", "b");
    assert_ne!(new_b, key_b);
    assert_eq!(state_attr(&d, "aws_kms_alias", "app", "target_key_id"), new_b);
    let old = kms(&format!("print(kms.describe_key(KeyId='{key_b}')['KeyMetadata']['KeyState'])"));
    assert_eq!(old.trim(), "PendingDeletion");
    no_changes(&d);

    // By hand: the description and rotation.
    kms(&format!(
        "kms.enable_key(KeyId='{key_a}')\nkms.update_key_description(KeyId='{key_a}', Description='by hand')\nkms.disable_key_rotation(KeyId='{key_a}')\nkms.disable_key(KeyId='{key_a}')"
    ));
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    assert!(drift.stdout.contains("aws_kms_key.a"), "{}", drift.stdout);
    let plan = planned_changes(&d);
    assert!(plan.contains("\"by hand\" -> \"app key v2\""), "{plan}");
    assert!(plan.contains("~ enable_key_rotation ") && plan.contains("false -> true"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // Imports: the key by ID, the alias by name. The deletion window is
    // not something KMS reports: as in Terraform, it is set again in place.
    strata_ok(&d, &["state", "rm", "aws_kms_key.a", "aws_kms_alias.app"]);
    strata_ok(&d, &["import", "-no-color", "aws_kms_key.a", &key_a]);
    strata_ok(&d, &["import", "-no-color", "aws_kms_alias.app", &format!("alias/{name}-app")]);
    let plan = planned_changes(&d);
    assert!(plan.contains("+ deletion_window_in_days "), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    let remote = kms(&format!(
        "print(kms.describe_key(KeyId='{key_a}')['KeyMetadata']['KeyState'], [x['AliasName'] for x in kms.list_aliases()['Aliases'] if '{name}' in x['AliasName']])"
    ));
    assert_eq!(remote.trim(), "PendingDeletion []");
}

#[test]
fn kms_arguments_are_checked_at_validate() {
    let d = TempDir::with_files(
        "aws-kms-invalid",
        &[(
            "main.tf",
            &format!(
                r#"{provider}
resource "aws_kms_key" "bad" {{
  key_usage               = "DECRYPT_ONLY"
  deletion_window_in_days = 3
}}

resource "aws_kms_alias" "bad" {{
  name          = "app"
  target_key_id = "k"
}}

resource "aws_kms_alias" "reserved" {{
  name          = "alias/aws/s3"
  target_key_id = "k"
}}
"#,
                provider = provider_block(None, REGION, "")
            ),
        )],
    );
    let out = strata(&d, &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    for needle in [
        "expected key_usage to be one of",
        "expected deletion_window_in_days to be in the range (7 - 30), got 3",
        "name \"app\" must begin with 'alias/'",
        "cannot begin with reserved AWS alias prefix 'alias/aws/'",
    ] {
        assert!(out.stderr.contains(needle), "{needle}:\n{}", out.stderr);
    }
}

/// Runs boto3 with `sm` a Secrets Manager client in the tests' region.
fn secrets(script: &str) -> String {
    crate::moto::aws(&format!(
        "sm = boto3.client('secretsmanager', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n{script}"
    ))
}

fn secrets_config(name: &str, description: &str, secret: &str) -> String {
    format!(
        r#"{provider}
resource "aws_secretsmanager_secret" "app" {{
  name                    = "{name}/app"
  description             = "{description}"
  recovery_window_in_days = 0
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid       = "Read"
      Effect    = "Allow"
      Principal = {{ AWS = "123456789012" }}
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
    }}]
  }})
  tags = {{ Team = "a" }}
}}

resource "aws_secretsmanager_secret" "prefixed" {{
  name_prefix             = "{name}-p-"
  recovery_window_in_days = 7
}}

resource "aws_secretsmanager_secret_version" "app" {{
  secret_id     = aws_secretsmanager_secret.app.id
  secret_string = "{secret}"
}}

resource "aws_secretsmanager_secret_version" "binary" {{
  secret_id     = aws_secretsmanager_secret.prefixed.id
  secret_binary = base64encode("bin-{name}")
}}
"#,
        provider = provider_block(None, REGION, "")
    )
}

/// Everything strata printed, and the output of the commands that show state.
fn assert_not_shown(out: &crate::support::Output, secret: &str) {
    assert!(!out.stdout.contains(secret) && !out.stderr.contains(secret), "the secret leaked:\n{}", out.transcript());
}

#[test]
fn secrets_and_versions_never_show_the_secret_and_update_drift_import_and_destroy() {
    let name = format!("msg-sm-{}", std::process::id());
    let (first, second) = (format!("Fir5t-{name}"), format!("Sec0nd-{name}"));
    let d = TempDir::with_files("aws-sm", &[("main.tf", &secrets_config(&name, "app", &first))]);
    let plan = strata(&d, &["plan", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(plan.stdout.contains("+ secret_string  = (sensitive value)"), "{}", plan.stdout);
    assert!(plan.stdout.contains("+ recovery_window_in_days        = 0"), "{}", plan.stdout);
    assert_not_shown(&plan, &first);
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_not_shown(&apply, &first);

    let app = state_json(&d, "aws_secretsmanager_secret", "app");
    let arn = app["id"].as_str().unwrap().to_string();
    assert!(arn.starts_with(&format!("arn:aws:secretsmanager:{REGION}:123456789012:secret:{name}/app-")), "{arn}");
    assert_eq!(app["arn"], arn);
    assert_eq!(app["description"], "app");
    assert!(app["policy"].as_str().unwrap().contains("\"Sid\":\"Read\""), "{}", app["policy"]);
    let prefixed = state_json(&d, "aws_secretsmanager_secret", "prefixed");
    assert_eq!(prefixed["name_prefix"], format!("{name}-p-"));
    let version = state_json(&d, "aws_secretsmanager_secret_version", "app");
    let version_id = version["version_id"].as_str().unwrap().to_string();
    assert_eq!(version["id"], format!("{arn}|{version_id}"));
    assert_eq!(version["arn"], arn);
    assert_eq!(version["version_stages"], serde_json::json!(["AWSCURRENT"]));
    let sensitive = state(&d)["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "aws_secretsmanager_secret_version" && r["name"] == "app")
        .unwrap()["instances"][0]["sensitive_attributes"]
        .to_string();
    assert!(sensitive.contains("secret_string"), "{sensitive}");
    let remote = secrets(&format!(
        "print(sm.get_secret_value(SecretId='{arn}')['SecretString'] == '{first}', sm.get_secret_value(SecretId='{}')['SecretBinary'] == b'bin-{name}')",
        prefixed["arn"].as_str().unwrap()
    ));
    assert_eq!(remote.trim(), "True True");
    let show = strata_ok(&d, &["show", "-no-color"]);
    assert_not_shown(&show, &first);
    assert!(show.stdout.contains("secret_string  = (sensitive value)"), "{}", show.stdout);
    // As Terraform's, show -json holds state values as they are, the
    // secret marked in `sensitive_values` for whatever reads it.
    let show_json = strata_ok(&d, &["show", "-json"]);
    let json: serde_json::Value = serde_json::from_str(&show_json.stdout).unwrap();
    let resources = json["values"]["root_module"]["resources"].as_array().unwrap().clone();
    let shown = resources.iter().find(|r| r["address"] == "aws_secretsmanager_secret_version.app").unwrap();
    assert_eq!(shown["sensitive_values"]["secret_string"], true, "{shown}");
    no_changes(&d);

    // A new secret string is a new version; the description changes in place.
    d.write("main.tf", &secrets_config(&name, "app v2", &second));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_secretsmanager_secret_version.app must be replaced"), "{plan}");
    assert!(
        plan.lines().any(|l| l.contains("~ secret_string ") && l.ends_with("= (sensitive value) # forces replacement")),
        "{plan}"
    );
    assert!(plan.contains("# aws_secretsmanager_secret.app will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 1 to add, 1 to change, 1 to destroy."), "{plan}");
    assert!(!plan.contains(&first) && !plan.contains(&second), "{plan}");
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_not_shown(&apply, &first);
    assert_not_shown(&apply, &second);
    let new_version = state_attr(&d, "aws_secretsmanager_secret_version", "app", "version_id");
    assert_ne!(new_version, version_id);
    let remote = secrets(&format!(
        "v = sm.describe_secret(SecretId='{arn}')\nprint(sm.get_secret_value(SecretId='{arn}')['SecretString'] == '{second}', v['Description'], sorted(v['VersionIdsToStages']['{version_id}']))"
    ));
    assert_eq!(remote.trim(), "True app v2 ['AWSPREVIOUS']");
    no_changes(&d);

    // By hand: the description.
    secrets(&format!("sm.update_secret(SecretId='{arn}', Description='by hand')"));
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    assert!(drift.stdout.contains("aws_secretsmanager_secret.app"), "{}", drift.stdout);
    assert_not_shown(&drift, &second);
    let plan = planned_changes(&d);
    assert!(plan.contains("\"by hand\" -> \"app v2\""), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // Imports: the secret by ARN, the version by ARN|VERSION_ID.
    strata_ok(&d, &["state", "rm", "aws_secretsmanager_secret.app", "aws_secretsmanager_secret_version.app"]);
    strata_ok(&d, &["import", "-no-color", "aws_secretsmanager_secret.app", &arn]);
    let bad = strata(&d, &["import", "-no-color", "aws_secretsmanager_secret_version.app", "no-bar-here"]);
    assert_eq!(bad.code, 1, "{}", bad.transcript());
    assert!(bad.stderr.contains("expected SECRET_ID|VERSION_ID"), "{}", bad.stderr);
    let import = strata_ok(
        &d,
        &["import", "-no-color", "aws_secretsmanager_secret_version.app", &format!("{arn}|{new_version}")],
    );
    assert_not_shown(&import, &second);
    // The recovery window is not something AWS reports: an import takes the
    // default, and the configuration's 0 is set again in place.
    let plan = planned_changes(&d);
    assert!(plan.contains("~ recovery_window_in_days        = 30 -> 0"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // A version AWS refuses: the error names the secret, never its value.
    let refused = TempDir::with_files(
        "aws-sm-refused",
        &[(
            "main.tf",
            &format!(
                "{provider}\nresource \"aws_secretsmanager_secret_version\" \"x\" {{\n  secret_id     = \"{name}/missing\"\n  secret_string = \"{second}\"\n}}\n",
                provider = provider_block(None, REGION, "")
            ),
        )],
    );
    let out = strata(&refused, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stderr.contains("ResourceNotFoundException"), "{}", out.stderr);
    assert_not_shown(&out, &second);

    let destroy = strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_not_shown(&destroy, &second);
    let remote = secrets(&format!(
        "import botocore\ntry:\n    sm.describe_secret(SecretId='{arn}')\n    print('still there')\nexcept botocore.exceptions.ClientError as e:\n    print(e.response['Error']['Code'])\nprint('DeletedDate' in sm.describe_secret(SecretId='{}'))",
        prefixed["arn"].as_str().unwrap()
    ));
    assert_eq!(remote.trim(), "ResourceNotFoundException\nTrue", "recovery window 0 deletes at once, 7 schedules");
}

#[test]
fn secrets_manager_arguments_are_checked_at_validate() {
    let d = TempDir::with_files(
        "aws-sm-invalid",
        &[(
            "main.tf",
            &format!(
                r#"{provider}
resource "aws_secretsmanager_secret" "bad" {{
  name                    = "has spaces"
  recovery_window_in_days = 3
}}

resource "aws_secretsmanager_secret_version" "bad" {{
  secret_id     = "x"
  secret_string = "Hidden-Value-1"
  secret_binary = "not base64!"
}}
"#,
                provider = provider_block(None, REGION, "")
            ),
        )],
    );
    let out = strata(&d, &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    for needle in [
        "name \"has spaces\" must be 1 to 512",
        "expected recovery_window_in_days to be 0 or in the range (7 - 30), got 3",
        "\"secret_string\": conflicts with secret_binary",
        "secret_binary must be base64-encoded",
    ] {
        assert!(out.stderr.contains(needle), "{needle}:\n{}", out.stderr);
    }
    assert!(!out.stderr.contains("Hidden-Value-1"), "{}", out.stderr);
}
