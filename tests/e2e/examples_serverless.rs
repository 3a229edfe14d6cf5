//! The serverless examples (`modules/lambda-function`, `modules/queue`):
//! document-pipeline, notifications, webhooks and dev-environments, each
//! through the shared lifecycle, and each one's story: the wiring checked
//! through boto3 (notification, permission, least-privilege policies,
//! mapping, API keys and usage plan, cost tags), a change made in place,
//! and for dev-environments two developers' workspaces destroyed by
//! `scripts/destroy-all.sh`.
//!
//! moto runs no function without Docker: an upload under the pipeline's
//! prefix succeeds (moto logs that Docker is not there) and writes no
//! item; nothing is sent to a mapped queue. The wiring is what is tested.

use crate::examples::{examples, Example, Running};
use crate::moto::{moto, ENV};
use crate::support::strata_bin;

/// Every object whose name starts with `<name>-` in the services these
/// examples use, one a line: nothing once destroyed.
const LEFTOVERS: &str = r#"
def every(service, op, key, **kw):
    return [x for page in client(service).get_paginator(op).paginate(**kw) for x in page.get(key, [])]
p = name + '-'
left = [b['Name'] for b in client('s3').list_buckets()['Buckets'] if b['Name'].startswith(p)]
left += [t for t in every('dynamodb', 'list_tables', 'TableNames') if t.startswith(p)]
left += [f['FunctionName'] for f in every('lambda', 'list_functions', 'Functions') if f['FunctionName'].startswith(p)]
left += [m['UUID'] for m in every('lambda', 'list_event_source_mappings', 'EventSourceMappings') if (':function:' + p) in m['FunctionArn']]
left += [g['logGroupName'] for g in every('logs', 'describe_log_groups', 'logGroups', logGroupNamePrefix='/aws/lambda/' + p)]
left += [r['RoleName'] for r in every('iam', 'list_roles', 'Roles') if r['RoleName'].startswith(p)]
left += every('sqs', 'list_queues', 'QueueUrls', QueueNamePrefix=p)
left += [t['TopicArn'] for t in every('sns', 'list_topics', 'Topics') if t['TopicArn'].split(':')[-1].startswith(p)]
left += [a['name'] for a in every('apigateway', 'get_rest_apis', 'items') if a['name'].startswith(p)]
left += [k['name'] for k in every('apigateway', 'get_api_keys', 'items') if k['name'].startswith(p)]
left += [u['name'] for u in every('apigateway', 'get_usage_plans', 'items') if u['name'].startswith(p)]
for x in left:
    print(x)
"#;

examples! {
    document_pipeline_applies_plans_clean_catches_drift_and_destroys: Example {
        dir: "document-pipeline",
        name: "sl-docs",
        region: "eu-west-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &["envs/prod.tfvars"],
        needs: &[],
        drift: "client('s3').put_bucket_versioning(Bucket=name + '-documents', VersioningConfiguration={'Status': 'Suspended'})",
        drifted: &["aws_s3_bucket_versioning.documents", r#""Enabled" -> "Suspended""#],
        leftovers: Some(LEFTOVERS),
    };
    notifications_applies_plans_clean_catches_drift_and_destroys: Example {
        dir: "notifications",
        name: "sl-notify",
        region: "eu-west-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &["envs/prod.tfvars"],
        needs: &[],
        drift: "lam = client('lambda')\n\
                m = lam.list_event_source_mappings(FunctionName=name + '-notify')['EventSourceMappings'][0]\n\
                lam.update_event_source_mapping(UUID=m['UUID'], DestinationConfig={'OnFailure': {}})",
        drifted: &["aws_lambda_event_source_mapping.events", "destination_config"],
        leftovers: Some(LEFTOVERS),
    };
    webhooks_applies_plans_clean_catches_drift_and_destroys: Example {
        dir: "webhooks",
        name: "sl-hooks",
        region: "eu-west-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &["envs/prod.tfvars"],
        needs: &[],
        drift: "api = client('apigateway')\n\
                plan = [p for p in api.get_usage_plans()['items'] if p['name'] == name + '-senders'][0]\n\
                api.update_usage_plan(usagePlanId=plan['id'], patchOperations=[{'op': 'replace', 'path': '/throttle/rateLimit', 'value': '1000'}])",
        drifted: &["aws_api_gateway_usage_plan.senders", "rate_limit: 5 -> 1000"],
        leftovers: Some(LEFTOVERS),
    };
    dev_environments_applies_plans_clean_catches_drift_and_destroys: Example {
        dir: "dev-environments",
        name: "sl-dev",
        region: "eu-west-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &[],
        needs: &[],
        drift: "client('logs').put_retention_policy(logGroupName='/aws/lambda/' + name + '-default-worker', retentionInDays=30)",
        drifted: &["module.worker.aws_cloudwatch_log_group.function", "retention_in_days: 3 -> 30"],
        leftovers: Some(LEFTOVERS),
    };
}

/// Starts `row` (its servers are moto's only, always there).
fn start(row: &'static Example) -> Running {
    row.check_files();
    row.start().expect("moto is all these examples need")
}

#[test]
fn the_document_pipeline_lets_s3_start_the_function_which_may_write_one_table() {
    static ROW: Example = Example {
        dir: "document-pipeline",
        name: "sl-sdocs",
        region: "eu-west-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &[],
        needs: &[],
        drift: "",
        drifted: &[],
        leftovers: Some(LEFTOVERS),
    };
    let run = start(&ROW);
    run.apply();
    run.plan_clean();
    let wiring = run.python(
        r#"
import json
s3, lam, iam = client('s3'), client('lambda'), client('iam')
bucket = name + '-documents'
n = s3.get_bucket_notification_configuration(Bucket=bucket)['LambdaFunctionConfigurations']
print(len(n), n[0]['LambdaFunctionArn'].split(':')[-1], n[0]['Events'], n[0]['Filter']['Key']['FilterRules'])
stmt = json.loads(lam.get_policy(FunctionName=name + '-ingest')['Policy'])['Statement'][0]
print(stmt['Principal'], stmt['Condition']['ArnLike']['AWS:SourceArn'])
doc = iam.get_role_policy(RoleName=name + '-ingest-fn', PolicyName='documents')['PolicyDocument']
print(sorted((s['Sid'], s['Resource']) for s in doc['Statement']))
print(sorted(iam.list_role_policies(RoleName=name + '-ingest-fn')['PolicyNames']))
sse = s3.get_bucket_encryption(Bucket=bucket)['ServerSideEncryptionConfiguration']['Rules'][0]
print(sse['ApplyServerSideEncryptionByDefault']['SSEAlgorithm'], s3.get_bucket_versioning(Bucket=bucket)['Status'])
print(sorted(s3.get_public_access_block(Bucket=bucket)['PublicAccessBlockConfiguration'].values()))
print(client('logs').describe_log_groups(logGroupNamePrefix='/aws/lambda/' + name + '-ingest')['logGroups'][0]['retentionInDays'])
"#,
    );
    let lines: Vec<&str> = wiring.lines().collect();
    assert_eq!(
        lines[0], "1 sl-sdocs-ingest ['s3:ObjectCreated:*'] [{'Name': 'prefix', 'Value': 'incoming/'}]",
        "{wiring}"
    );
    assert_eq!(lines[1], "{'Service': 's3.amazonaws.com'} arn:aws:s3:::sl-sdocs-documents", "{wiring}");
    assert_eq!(
        lines[2],
        "[('ReadUploads', 'arn:aws:s3:::sl-sdocs-documents/incoming/*'), \
         ('WriteTable', 'arn:aws:dynamodb:eu-west-1:123456789012:table/sl-sdocs-documents')]",
        "{wiring}"
    );
    assert_eq!(lines[3], "['documents', 'logs']", "{wiring}");
    assert_eq!(lines[4], "AES256 Enabled", "{wiring}");
    assert_eq!(lines[5], "[True, True, True, True]", "{wiring}");
    assert_eq!(lines[6], "7", "{wiring}");

    // An upload: accepted and versioned (moto cannot run the function).
    let upload = run.python(
        "r = client('s3').put_object(Bucket=name + '-documents', Key='incoming/report.txt', Body=b'q3')\n\
         print(r['ResponseMetadata']['HTTPStatusCode'], r['ServerSideEncryption'], bool(r['VersionId']))",
    );
    assert_eq!(upload.trim(), "200 AES256 True");
    run.plan_clean();

    // The bucket keeps documents: destroy needs it emptied first.
    run.python(
        "s3 = client('s3')\n\
         for v in s3.list_object_versions(Bucket=name + '-documents').get('Versions', []):\n    \
             s3.delete_object(Bucket=name + '-documents', Key=v['Key'], VersionId=v['VersionId'])",
    );
    run.destroy();
}

#[test]
fn the_notifications_mapping_sends_failed_batches_to_its_queue_and_changes_in_place() {
    static ROW: Example = Example {
        dir: "notifications",
        name: "sl-snotify",
        region: "eu-west-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &[],
        needs: &[],
        drift: "",
        drifted: &[],
        leftovers: Some(LEFTOVERS),
    };
    const MAPPING: &str = r#"
m = client('lambda').list_event_source_mappings(FunctionName=name + '-notify')['EventSourceMappings']
assert len(m) == 1, m
m = m[0]
print(m['EventSourceArn'].split('/')[1], m['StartingPosition'], m['State'], m['BatchSize'], m['MaximumRetryAttempts'], m['MaximumRecordAgeInSeconds'], m['BisectBatchOnFunctionError'])
print(m['FilterCriteria']['Filters'][0]['Pattern'])
print(m['DestinationConfig']['OnFailure'].get('Destination', '-'))
"#;
    let mut run = start(&ROW);
    run.apply();
    run.plan_clean();
    let failed = "arn:aws:sqs:eu-west-1:123456789012:sl-snotify-failed";
    let mapping = run.python(MAPPING);
    assert_eq!(
        mapping,
        format!("sl-snotify-events LATEST Enabled 10 1 600 True\n{{\"eventName\":[\"INSERT\"]}}\n{failed}\n")
    );
    let policy = run.python(
        "import json\n\
         doc = client('iam').get_role_policy(RoleName=name + '-notify-fn', PolicyName='stream')['PolicyDocument']\n\
         print(sorted((s['Sid'], s['Resource'].split(':')[2]) for s in doc['Statement']))\n\
         print(client('dynamodb').describe_table(TableName=name + '-events')['Table']['StreamSpecification'])",
    );
    assert_eq!(
        policy,
        "[('Publish', 'sns'), ('ReadStream', 'dynamodb'), ('ReportFailures', 'sqs')]\n\
         {'StreamEnabled': True, 'StreamViewType': 'NEW_IMAGE'}\n"
    );

    // The destination removed by hand: an in-place update puts it back.
    run.python(
        "lam = client('lambda')\n\
         m = lam.list_event_source_mappings(FunctionName=name + '-notify')['EventSourceMappings'][0]\n\
         lam.update_event_source_mapping(UUID=m['UUID'], DestinationConfig={'OnFailure': {}})",
    );
    let plan = run.strata(&["plan"]);
    assert!(
        plan.stdout.contains("# aws_lambda_event_source_mapping.events will be updated in-place"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("+ destination_config {"), "{}", plan.stdout);
    assert!(plan.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{}", plan.stdout);
    run.apply();
    assert!(run.python(MAPPING).ends_with(&format!("{failed}\n")));
    run.plan_clean();

    // Production's batching and retries: the same mapping, changed in place.
    run.use_var_file("envs/prod.tfvars");
    let plan = run.strata(&["plan"]);
    assert!(
        plan.stdout.contains("# aws_lambda_event_source_mapping.events will be updated in-place"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    run.apply();
    let mapping = run.python(MAPPING);
    assert!(mapping.starts_with("sl-snotify-events LATEST Enabled 100 5 21600 True\n"), "{mapping}");
    assert!(mapping.ends_with(&format!("{failed}\n")), "{mapping}");
    run.plan_clean();
    run.destroy();
}

#[test]
fn the_webhooks_api_requires_a_key_under_a_throttled_plan_and_adds_senders_in_place() {
    static ROW: Example = Example {
        dir: "webhooks",
        name: "sl-shooks",
        region: "eu-west-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &[],
        needs: &[],
        drift: "",
        drifted: &[],
        leftovers: Some(LEFTOVERS),
    };
    const KEYS: &str = r#"
api = client('apigateway')
plan = [p for p in api.get_usage_plans()['items'] if p['name'] == name + '-senders'][0]
print(sorted(k['name'] for k in api.get_usage_plan_keys(usagePlanId=plan['id'])['items']))
"#;
    let mut run = start(&ROW);
    run.apply();
    run.plan_clean();
    let wiring = run.python(
        r#"
import json
api = client('apigateway')
rest = [a for a in api.get_rest_apis()['items'] if a['name'] == name + '-webhooks'][0]
res = [r for r in api.get_resources(restApiId=rest['id'])['items'] if r['path'] == '/webhooks'][0]
m = api.get_method(restApiId=rest['id'], resourceId=res['id'], httpMethod='POST')
print(rest['apiKeySource'], m['apiKeyRequired'], m['authorizationType'])
i = m['methodIntegration']
print(i['type'], i['httpMethod'], i['uri'].endswith(':function:' + name + '-receiver/invocations'))
print(api.get_stage(restApiId=rest['id'], stageName='dev')['stageName'])
plan = [p for p in api.get_usage_plans()['items'] if p['name'] == name + '-senders'][0]
print(plan['apiStages'][0]['apiId'] == rest['id'], plan['apiStages'][0]['stage'], plan['throttle'], plan['quota'])
stmt = json.loads(client('lambda').get_policy(FunctionName=name + '-receiver')['Policy'])['Statement'][0]
print(stmt['Principal'], stmt['Condition']['ArnLike']['AWS:SourceArn'].endswith(rest['id'] + '/*/POST/webhooks'))
doc = client('iam').get_role_policy(RoleName=name + '-receiver-fn', PolicyName='queue')['PolicyDocument']
print([(s['Action'], s['Resource'].split(':')[-1]) for s in doc['Statement']])
q = client('sqs')
url = q.get_queue_url(QueueName=name + '-webhooks')['QueueUrl']
print(json.loads(q.get_queue_attributes(QueueUrl=url, AttributeNames=['RedrivePolicy'])['Attributes']['RedrivePolicy']))
"#,
    );
    let lines: Vec<&str> = wiring.lines().collect();
    assert_eq!(lines[0], "HEADER True NONE", "{wiring}");
    assert_eq!(lines[1], "AWS_PROXY POST True", "{wiring}");
    assert_eq!(lines[2], "dev", "{wiring}");
    assert_eq!(lines[3], "True dev {'burstLimit': 10, 'rateLimit': 5.0} {'limit': 1000, 'period': 'DAY'}", "{wiring}");
    assert_eq!(lines[4], "{'Service': 'apigateway.amazonaws.com'} True", "{wiring}");
    assert_eq!(lines[5], "[('sqs:SendMessage', 'sl-shooks-webhooks')]", "{wiring}");
    assert_eq!(
        lines[6],
        "{'deadLetterTargetArn': 'arn:aws:sqs:eu-west-1:123456789012:sl-shooks-webhooks-dlq', 'maxReceiveCount': 5}",
        "{wiring}"
    );
    assert_eq!(run.python(KEYS), "['sl-shooks-tester']\n");

    // A second sender: its key and plan key added, nothing else touched.
    let dev = std::fs::read_to_string(run.path().join("envs/dev.tfvars")).unwrap();
    let two = dev.replace(r#"senders            = ["tester"]"#, r#"senders            = ["tester", "partner"]"#);
    assert_ne!(two, dev, "dev.tfvars names its senders");
    std::fs::write(run.path().join("envs/two-senders.tfvars"), two).unwrap();
    run.use_var_file("envs/two-senders.tfvars");
    let plan = run.strata(&["plan"]);
    assert!(plan.stdout.contains("Plan: 2 to add, 0 to change, 0 to destroy."), "{}", plan.stdout);
    assert!(plan.stdout.contains(r#"aws_api_gateway_api_key.sender["partner"] will be created"#), "{}", plan.stdout);
    run.apply();
    assert_eq!(run.python(KEYS), "['sl-shooks-partner', 'sl-shooks-tester']\n");
    run.plan_clean();
    run.destroy();
}

#[test]
fn two_developers_workspaces_are_tagged_by_owner_and_destroy_all_empties_both() {
    static ROW: Example = Example {
        dir: "dev-environments",
        name: "sl-sdev",
        region: "eu-west-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &[],
        needs: &[],
        drift: "",
        drifted: &[],
        leftovers: Some(LEFTOVERS),
    };
    let run = start(&ROW);
    for developer in ["alice", "bob"] {
        run.strata_ok(&["workspace", "new", developer]);
        run.apply();
        run.plan_clean();
    }
    let list = run.strata_ok(&["workspace", "list"]).stdout;
    assert_eq!(list.split_whitespace().collect::<Vec<_>>(), ["default", "alice", "*", "bob"], "{list}");

    // Every object carries its owner's cost tags.
    let tags = run.python(
        r#"
s3, ddb, sqs, lam = client('s3'), client('dynamodb'), client('sqs'), client('lambda')
keys = ('owner', 'project', 'cost-center', 'environment')
for dev in ['alice', 'bob']:
    p = name + '-' + dev
    found = [
        {t['Key']: t['Value'] for t in s3.get_bucket_tagging(Bucket=p + '-scratch')['TagSet']},
        {t['Key']: t['Value'] for t in ddb.list_tags_of_resource(ResourceArn=ddb.describe_table(TableName=p + '-results')['Table']['TableArn'])['Tags']},
        sqs.list_queue_tags(QueueUrl=sqs.get_queue_url(QueueName=p + '-jobs')['QueueUrl'])['Tags'],
        sqs.list_queue_tags(QueueUrl=sqs.get_queue_url(QueueName=p + '-jobs-dlq')['QueueUrl'])['Tags'],
        lam.get_function(FunctionName=p + '-worker')['Tags'],
        {t['Key']: t['Value'] for t in client('iam').list_role_tags(RoleName=p + '-worker-fn')['Tags']},
    ]
    print(dev, set(tuple(t.get(k) for k in keys) for t in found))
"#,
    );
    assert_eq!(
        tags,
        "alice {('alice', 'storefront', 'engineering', 'development')}\n\
         bob {('bob', 'storefront', 'engineering', 'development')}\n"
    );

    // A file left in alice's bucket does not stop the bulk destroy.
    run.python("client('s3').put_object(Bucket=name + '-alice-scratch', Key='notes.txt', Body=b'wip')");
    let env: Vec<(String, String)> = ENV
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain([("AWS_ENDPOINT_URL".to_string(), moto().endpoint.clone())])
        .chain([("STRATA".to_string(), strata_bin().display().to_string())])
        .collect();
    let out = std::process::Command::new("sh")
        .args(["scripts/destroy-all.sh", "-no-color", "-var-file=envs/dev.tfvars", "-var", "name=sl-sdev"])
        .current_dir(run.path())
        .env("NO_COLOR", "1")
        .env_remove("TF_WORKSPACE")
        .envs(env)
        .output()
        .expect("sh runs");
    let transcript = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "destroy-all.sh:\n{transcript}");
    assert_eq!(transcript.matches("Destroy complete! Resources: 11 destroyed.").count(), 2, "{transcript}");
    assert!(transcript.contains("== destroyed: default alice bob"), "{transcript}");
    let list = run.strata_ok(&["workspace", "list"]).stdout;
    assert_eq!(list.split_whitespace().collect::<Vec<_>>(), ["*", "default"], "{list}");
    let left = run.python(LEFTOVERS);
    assert_eq!(left, "", "left behind by destroy-all.sh:\n{left}");
}
