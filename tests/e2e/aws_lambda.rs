//! Lambda against moto, with its code zipped by the built-in
//! `archive_file`: a function made from a directory (the zip readable by
//! Python's `zipfile`, its hash the function's CodeSha256), planned clean,
//! its code changed in place with a new published version, an environment
//! variable marked sensitive never shown, drift made with boto3 seen,
//! imported by name, destroyed; an alias, permissions for S3 and API
//! Gateway and event source mappings from SQS and a DynamoDB stream,
//! changed in place or replaced as the provider decides, imported by their
//! IDs; an interrupted function create adopted from the journal; and the
//! provider's checks at validate.
//!
//! No function is ever invoked (moto would need Docker), so no message is
//! sent to a mapped queue. The queue and the table are made with boto3:
//! their resource types are not part of this family.

use crate::aws_support::*;
use crate::support::*;

const REGION: &str = "ap-northeast-1";

/// Runs boto3 with `lam` a Lambda client in the test region.
fn lambda(script: &str) -> String {
    crate::moto::aws(&format!(
        "lam = boto3.client('lambda', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n{script}"
    ))
}

fn role(name: &str) -> String {
    format!(
        r#"
resource "aws_iam_role" "fn" {{
  name = "{name}"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "lambda.amazonaws.com" }} }}]
  }})
}}
"#
    )
}

fn function_config(name: &str, memory: u32) -> String {
    format!(
        r#"{provider}{role}
data "archive_file" "code" {{
  type             = "zip"
  source_dir       = "${{path.module}}/src"
  excludes         = ["**/*.pyc"]
  output_path      = "${{path.module}}/build/code.zip"
  output_file_mode = "0644"
}}

resource "aws_lambda_function" "fn" {{
  function_name    = "{name}"
  role             = aws_iam_role.fn.arn
  filename         = data.archive_file.code.output_path
  source_code_hash = data.archive_file.code.output_base64sha256
  handler          = "index.handler"
  runtime          = "python3.12"
  memory_size      = {memory}
  publish          = true
  environment {{
    variables = {{
      MODE   = "test"
      SECRET = sensitive("hunter2-{name}")
    }}
  }}
  tags = {{ Team = "lambda" }}
}}

output "zip_sha" {{
  value = data.archive_file.code.output_base64sha256
}}
"#,
        provider = provider_block(None, REGION, ""),
        role = role(name),
    )
}

#[test]
fn a_zipped_function_updates_publishes_drifts_imports_and_destroys() {
    let name = format!("lambda-fn-{}", std::process::id());
    let d = TempDir::with_files(
        "aws-lambda-fn",
        &[
            ("main.tf", &function_config(&name, 128)),
            ("src/index.py", "def handler(event, context):\n    return 1\n"),
            ("src/lib/util.py", "X = 1\n"),
            ("src/cache.pyc", "compiled"),
        ],
    );
    let plan = planned_changes(&d);
    assert!(!plan.contains(&format!("hunter2-{name}")), "{plan}");
    assert!(plan.contains("+ version "), "{plan}");
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(!apply.stdout.contains(&format!("hunter2-{name}")), "{}", apply.stdout);

    // The zip: Python reads it, the excluded file left out, the hash AWS computed.
    let zip = d.path().join("build/code.zip");
    let listed = crate::moto::aws(&format!(
        "import zipfile, hashlib, base64\nz = zipfile.ZipFile('{}')\nprint(sorted(z.namelist()), z.read('index.py').decode().splitlines()[0], oct(z.getinfo('index.py').external_attr >> 16))\nprint(base64.b64encode(hashlib.sha256(open('{}', 'rb').read()).digest()).decode())",
        zip.display(),
        zip.display()
    ));
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines[0], "['index.py', 'lib/util.py'] def handler(event, context): 0o100644", "{listed}");
    let hash = state_attr(&d, "aws_lambda_function", "fn", "source_code_hash");
    assert_eq!(hash, lines[1]);
    let remote = lambda(&format!(
        "c = lam.get_function(FunctionName='{name}')['Configuration']\nprint(c['CodeSha256'], c['MemorySize'], c['Environment']['Variables']['SECRET'])"
    ));
    assert_eq!(remote.trim(), format!("{hash} 128 hunter2-{name}"));
    let st = state_json(&d, "aws_lambda_function", "fn");
    assert_eq!(st["version"], "1", "{st}");
    assert_eq!(st["qualified_arn"], format!("{}:1", st["arn"].as_str().unwrap()));
    assert_eq!(
        st["invoke_arn"].as_str().unwrap(),
        format!(
            "arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{}/invocations",
            st["arn"].as_str().unwrap()
        )
    );
    assert_eq!(st["reserved_concurrent_executions"], -1);
    assert_eq!(st["timeout"], 3);
    assert_eq!(st["tracing_config"][0]["mode"], "PassThrough");
    let state = state(&d);
    let instance = state["resources"].as_array().unwrap().iter().find(|r| r["type"] == "aws_lambda_function").unwrap()
        ["instances"][0]
        .clone();
    let marked = instance["sensitive_attributes"].to_string();
    assert!(marked.contains("environment") && marked.contains("SECRET") && !marked.contains("MODE"), "{marked}");
    no_changes(&d);

    // A code change: in place, a new hash and (publish) a new version.
    d.write("src/index.py", "def handler(event, context):\n    return 2\n");
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_lambda_function.fn will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    assert!(plan.contains("~ source_code_hash"), "{plan}");
    assert!(plan.contains("~ version") && plan.contains("(known after apply)"), "{plan}");
    assert!(!plan.contains(&format!("hunter2-{name}")), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let st = state_json(&d, "aws_lambda_function", "fn");
    assert_eq!(st["version"], "2", "{st}");
    assert_ne!(st["source_code_hash"].as_str().unwrap(), hash);
    no_changes(&d);

    // Drift made by hand is seen, and put back in place.
    lambda(&format!("lam.update_function_configuration(FunctionName='{name}', MemorySize=512, Description='by hand')"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_lambda_function.fn will be updated in-place"), "{plan}");
    assert!(plan.contains("~ memory_size") && plan.contains("512 -> 128"), "{plan}");
    assert!(plan.contains("- description") || plan.contains("~ description"), "{plan}");
    let drift = strata(&d, &["drift", "-no-color"]);
    assert!(drift.stdout.contains("aws_lambda_function.fn"), "{}", drift.transcript());
    assert!(!drift.stdout.contains(&format!("hunter2-{name}")), "{}", drift.stdout);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // More memory is in place; a new name replaces.
    d.write("main.tf", &function_config(&name, 256));
    let plan = planned_changes(&d);
    assert!(plan.contains("will be updated in-place") && plan.contains("128 -> 256"), "{plan}");
    d.write(
        "main.tf",
        &function_config(&name, 128)
            .replace(&format!("function_name    = \"{name}\""), &format!("function_name    = \"{name}-b\"")),
    );
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_lambda_function.fn must be replaced"), "{plan}");
    assert!(plan.contains("# forces replacement"), "{plan}");
    d.write("main.tf", &function_config(&name, 128));

    // Import by name.
    strata_ok(&d, &["state", "rm", "aws_lambda_function.fn"]);
    strata_ok(&d, &["import", "-no-color", "aws_lambda_function.fn", &name]);
    let st = state_json(&d, "aws_lambda_function", "fn");
    assert_eq!(st["function_name"], name.as_str());
    assert_eq!(st["memory_size"], 128);
    assert_eq!(st["handler"], "index.handler");
    let plan = strata(&d, &["plan", "-no-color"]);
    assert!(
        !plan.stdout.contains("must be replaced") && !plan.stdout.contains("will be created"),
        "{}",
        plan.transcript()
    );

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    let gone = lambda(&format!(
        "try:\n    lam.get_function(FunctionName='{name}')\n    print('there')\nexcept lam.exceptions.ResourceNotFoundException:\n    print('gone')"
    ));
    assert_eq!(gone.trim(), "gone");
}

fn wiring_config(
    name: &str,
    queue_arn: &str,
    stream_arn: &str,
    batch: u32,
    description: &str,
    principal: &str,
) -> String {
    format!(
        r#"{provider}{role}
data "archive_file" "code" {{
  type                    = "zip"
  source_content          = "def handler(event, context):\n    return 1\n"
  source_content_filename = "index.py"
  output_path             = "${{path.module}}/code.zip"
}}

resource "aws_lambda_function" "fn" {{
  function_name    = "{name}"
  role             = aws_iam_role.fn.arn
  filename         = data.archive_file.code.output_path
  source_code_hash = data.archive_file.code.output_base64sha256
  handler          = "index.handler"
  runtime          = "python3.12"
  publish          = true
  timeout          = 30

  reserved_concurrent_executions = 3
  tracing_config {{
    mode = "Active"
  }}
  ephemeral_storage {{
    size = 1024
  }}
  logging_config {{
    log_format = "JSON"
  }}
  dead_letter_config {{
    target_arn = "{queue_arn}"
  }}
  vpc_config {{
    subnet_ids         = ["subnet-0a1b2c3d"]
    security_group_ids = ["sg-0a1b2c3d"]
  }}
  replace_security_groups_on_destroy = true
  replacement_security_group_ids     = ["sg-0e0e0e0e"]
}}

resource "aws_lambda_alias" "live" {{
  name             = "live"
  function_name    = aws_lambda_function.fn.function_name
  function_version = aws_lambda_function.fn.version
  description      = "{description}"
}}

resource "aws_lambda_permission" "s3" {{
  statement_id  = "AllowS3"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fn.function_name
  principal     = "{principal}"
  source_arn    = "arn:aws:s3:::{name}-bucket"
}}

resource "aws_lambda_permission" "api" {{
  statement_id_prefix = "api-"
  action              = "lambda:InvokeFunction"
  function_name       = aws_lambda_function.fn.function_name
  principal           = "apigateway.amazonaws.com"
  source_arn          = "arn:aws:execute-api:{REGION}:123456789012:abc123/*/GET/hello"
}}

resource "aws_lambda_event_source_mapping" "queue" {{
  event_source_arn = "{queue_arn}"
  function_name    = aws_lambda_function.fn.arn
  batch_size       = {batch}
  scaling_config {{
    maximum_concurrency = 5
  }}
}}

resource "aws_lambda_event_source_mapping" "stream" {{
  event_source_arn  = "{stream_arn}"
  function_name     = aws_lambda_function.fn.function_name
  starting_position = "LATEST"
  filter_criteria {{
    filter {{
      pattern = jsonencode({{ eventName = ["INSERT"] }})
    }}
  }}
}}
"#,
        provider = provider_block(None, REGION, ""),
        role = role(name),
    )
}

#[test]
fn aliases_permissions_and_event_source_mappings() {
    let name = format!("lambda-wire-{}", std::process::id());
    let arns = crate::moto::aws(&format!(
        "sqs = boto3.client('sqs', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n\
         db = boto3.client('dynamodb', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n\
         q = sqs.create_queue(QueueName='{name}')['QueueUrl']\n\
         qa = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=['QueueArn'])['Attributes']['QueueArn']\n\
         t = db.create_table(TableName='{name}', KeySchema=[{{'AttributeName': 'id', 'KeyType': 'HASH'}}], AttributeDefinitions=[{{'AttributeName': 'id', 'AttributeType': 'S'}}], BillingMode='PAY_PER_REQUEST', StreamSpecification={{'StreamEnabled': True, 'StreamViewType': 'NEW_IMAGE'}})\n\
         print(qa, t['TableDescription']['LatestStreamArn'])"
    ));
    let arns: Vec<&str> = arns.split_whitespace().collect();
    let (queue, stream) = (arns[0], arns[1]);
    let config =
        |batch, description: &str, principal: &str| wiring_config(&name, queue, stream, batch, description, principal);
    let d = TempDir::with_files("aws-lambda-wire", &[("main.tf", &config(10, "v1", "s3.amazonaws.com"))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    let function = state_json(&d, "aws_lambda_function", "fn");
    assert_eq!(function["reserved_concurrent_executions"], 3, "{function}");
    assert_eq!(function["tracing_config"][0]["mode"], "Active");
    assert_eq!(function["ephemeral_storage"][0]["size"], 1024);
    assert_eq!(function["logging_config"][0]["log_group"], format!("/aws/lambda/{name}"));
    assert_eq!(function["vpc_config"][0]["subnet_ids"][0], "subnet-0a1b2c3d");
    assert!(function["vpc_config"][0]["vpc_id"].as_str().is_some_and(|v| v.starts_with("vpc-")), "{function}");
    let remote = lambda(&format!(
        "f = lam.get_function(FunctionName='{name}')\nc = f['Configuration']\nprint(f['Concurrency']['ReservedConcurrentExecutions'], c['Timeout'], c['TracingConfig']['Mode'], c['EphemeralStorage']['Size'])"
    ));
    assert_eq!(remote.trim(), "3 30 Active 1024");
    let alias = state_json(&d, "aws_lambda_alias", "live");
    assert_eq!(alias["function_version"], "1", "{alias}");
    assert!(alias["arn"].as_str().unwrap().ends_with(&format!(":function:{name}:live")), "{alias}");
    let api_sid = state_id(&d, "aws_lambda_permission", "api");
    assert!(api_sid.starts_with("api-"), "{api_sid}");
    assert_eq!(state_id(&d, "aws_lambda_permission", "s3"), "AllowS3");
    let policy = lambda(&format!(
        "import json\np = json.loads(lam.get_policy(FunctionName='{name}')['Policy'])\nfor s in sorted(p['Statement'], key=lambda s: s['Sid']):\n    print(s['Sid'], json.dumps(s['Principal']), json.dumps(s['Condition']))"
    ));
    assert!(policy.contains("AllowS3 {\"Service\": \"s3.amazonaws.com\"}"), "{policy}");
    assert!(policy.contains(&format!("arn:aws:s3:::{name}-bucket")), "{policy}");
    assert!(policy.contains("apigateway.amazonaws.com"), "{policy}");
    let queue_map = state_json(&d, "aws_lambda_event_source_mapping", "queue");
    assert_eq!(queue_map["state"], "Enabled");
    assert_eq!(queue_map["batch_size"], 10);
    assert_eq!(queue_map["uuid"], queue_map["id"]);
    let stream_map = state_json(&d, "aws_lambda_event_source_mapping", "stream");
    assert_eq!(stream_map["batch_size"], 100, "the stream default: {stream_map}");
    assert_eq!(stream_map["starting_position"], "LATEST");
    let mappings = lambda(&format!(
        "for m in sorted([m for m in lam.list_event_source_mappings()['EventSourceMappings'] if m['FunctionArn'].endswith(':{name}')], key=lambda m: m['EventSourceArn']):\n    print(m['EventSourceArn'].split(':')[2], m['BatchSize'], m.get('FilterCriteria', {{}}).get('Filters', [{{}}])[0].get('Pattern', '-'))"
    ));
    assert_eq!(mappings.trim(), "dynamodb 100 {\"eventName\":[\"INSERT\"]}\nsqs 10 -", "{mappings}");

    // A batch size and a description change in place.
    d.write("main.tf", &config(5, "v2", "s3.amazonaws.com"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_lambda_event_source_mapping.queue will be updated in-place"), "{plan}");
    assert!(plan.contains("# aws_lambda_alias.live will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 2 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_json(&d, "aws_lambda_event_source_mapping", "queue")["batch_size"], 5);
    no_changes(&d);

    // A permission's principal replaces it.
    d.write("main.tf", &config(5, "v2", "events.amazonaws.com"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_lambda_permission.s3 must be replaced"), "{plan}");
    assert!(plan.contains("Plan: 1 to add, 0 to change, 1 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // Drift: a mapping disabled by hand.
    let uuid = state_id(&d, "aws_lambda_event_source_mapping", "queue");
    lambda(&format!("lam.update_event_source_mapping(UUID='{uuid}', Enabled=False)"));
    let plan = planned_changes(&d);
    assert!(plan.contains("~ enabled") && plan.contains("false -> true"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);

    // Imports by the provider's IDs.
    for (address, id) in [
        ("aws_lambda_alias.live", format!("{name}/live")),
        ("aws_lambda_permission.s3", format!("{name}/AllowS3")),
        ("aws_lambda_event_source_mapping.queue", uuid.clone()),
        ("aws_lambda_event_source_mapping.stream", state_id(&d, "aws_lambda_event_source_mapping", "stream")),
    ] {
        strata_ok(&d, &["state", "rm", address]);
        strata_ok(&d, &["import", "-no-color", address, &id]);
    }
    assert_eq!(state_json(&d, "aws_lambda_permission", "s3")["principal"], "events.amazonaws.com");
    assert_eq!(state_json(&d, "aws_lambda_alias", "live")["description"], "v2");
    no_changes(&d);
    let bad = strata(&d, &["import", "-no-color", "aws_lambda_alias.other", "no-slash"]);
    assert_ne!(bad.code, 0);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    let left = lambda(&format!(
        "print(len(lam.list_event_source_mappings(EventSourceArn='{queue}')['EventSourceMappings']), [f['FunctionName'] for f in lam.list_functions()['Functions'] if f['FunctionName'] == '{name}'])"
    ));
    assert_eq!(left.trim(), "0 []");
}

/// A crash after CreateFunction was sent and before its result was
/// journalled: the journal holds the intent, moto the function with the
/// token tag. The next plan adopts it instead of creating it again.
#[test]
fn an_interrupted_function_create_is_adopted_from_the_journal() {
    let name = format!("lambda-kill-{}", std::process::id());
    let base = format!("{}{}", provider_block(None, REGION, ""), role(&name));
    let d = TempDir::with_files(
        "aws-lambda-kill",
        &[("main.tf", &base), ("index.py", "def handler(e, c):\n    return 0\n")],
    );
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let role_arn = state_attr(&d, "aws_iam_role", "fn", "arn");
    let zip = d.path().join("code.zip");
    lambda(&format!(
        "import zipfile\nwith zipfile.ZipFile('{zip}', 'w') as z:\n    z.writestr('index.py', 'def handler(e, c):\\n    return 0\\n')\n\
         lam.create_function(FunctionName='{name}', Role='{role_arn}', Runtime='python3.12', Handler='index.handler', Code={{'ZipFile': open('{zip}', 'rb').read()}}, Tags={{'strata:create-token': 't-fn'}})",
        zip = zip.display()
    ));
    let st = state(&d);
    let header = serde_json::json!({"lineage": st["lineage"], "serial": st["serial"]});
    let intent = serde_json::json!({
        "mode": "managed", "type": "aws_lambda_function", "name": "fn",
        "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
        "instance": {"schema_version": 0, "attributes": {"function_name": name, "region": REGION}, "sensitive_attributes": []},
        "intent": "t-fn", "intent_at": 0
    });
    std::fs::write(d.path().join("terraform.tfstate.journal"), format!("{header}\n{intent}\n")).unwrap();
    let function = format!(
        r#"
resource "aws_lambda_function" "fn" {{
  function_name    = "{name}"
  role             = aws_iam_role.fn.arn
  filename         = "${{path.module}}/code.zip"
  source_code_hash = filebase64sha256("${{path.module}}/code.zip")
  handler          = "index.handler"
  runtime          = "python3.12"
}}
"#
    );
    d.write("main.tf", &format!("{base}{function}"));
    let plan = strata(&d, &["plan", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert_eq!(plan.stderr.matches("Adopted an object").count(), 1, "{}", plan.transcript());
    assert!(!plan.stdout.contains("will be created"), "{}", plan.stdout);
    assert_eq!(state_id(&d, "aws_lambda_function", "fn"), name);
    assert!(!state(&d).to_string().contains("strata:create-token"));
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
}

#[test]
fn lambda_arguments_are_checked_at_validate() {
    let config = format!(
        r#"{provider}
resource "aws_lambda_function" "two_sources" {{
  function_name = "a"
  role          = "arn:aws:iam::123456789012:role/r"
  filename      = "a.zip"
  image_uri     = "123456789012.dkr.ecr.{REGION}.amazonaws.com/a:latest"
}}

resource "aws_lambda_function" "bad_runtime" {{
  function_name = "b"
  role          = "arn:aws:iam::123456789012:role/r"
  filename      = "b.zip"
  runtime       = "python2.1"
  memory_size   = 64
}}

resource "aws_lambda_event_source_mapping" "bad" {{
  event_source_arn        = "arn:aws:sqs:{REGION}:123456789012:q"
  function_name           = "b"
  function_response_types = ["Everything"]
}}

resource "aws_lambda_alias" "digits" {{
  name             = "123"
  function_name    = "b"
  function_version = "1"
}}
"#,
        provider = provider_block(None, REGION, "")
    );
    let d = TempDir::with_files("aws-lambda-validate", &[("main.tf", &config)]);
    let out = strata(&d, &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    for needle in [
        "only one of `filename,image_uri,s3_bucket` can be specified",
        "expected runtime to be one of",
        "got python2.1",
        "expected memory_size to be in the range (128 - 10240), got 64",
        "got Everything",
        "not only digits",
    ] {
        assert!(out.stderr.contains(needle), "{needle}:\n{}", out.stderr);
    }
    // archive_file is a data source: its checks run when it is read.
    let archive = "data \"archive_file\" \"neither\" {\n  type        = \"zip\"\n  output_path = \"x.zip\"\n}\n\ndata \"archive_file\" \"both\" {\n  type        = \"zip\"\n  source_file = \"a\"\n  source_dir  = \"b\"\n  output_path = \"y.zip\"\n}\n";
    let d = TempDir::with_files("aws-lambda-archive-checks", &[("main.tf", archive)]);
    let plan = strata(&d, &["plan", "-no-color"]);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(
        plan.stderr.contains("At least one attribute out of [source,source_content_filename,source_file,source_dir]"),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stderr.contains("Attribute \"source_dir\" cannot be specified when \"source_file\" is specified"),
        "{}",
        plan.stderr
    );
}

/// The deprecated `resource "archive_file"`: written at apply, planned
/// clean, archived again when a source changes, replaced when an
/// argument does.
#[test]
fn the_deprecated_archive_resource_follows_its_sources() {
    let config = |mode: &str| {
        format!(
            "resource \"archive_file\" \"code\" {{\n  type             = \"zip\"\n  source_file      = \"${{path.module}}/in.txt\"\n  output_path      = \"${{path.module}}/out/code.zip\"\n  output_file_mode = \"{mode}\"\n}}\n"
        )
    };
    let d = TempDir::with_files("archive-resource", &[("main.tf", &config("0644")), ("in.txt", "one")]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(d.path().join("out/code.zip").exists());
    no_changes(&d);
    d.write("in.txt", "two");
    let plan = planned_changes(&d);
    assert!(plan.contains("# archive_file.code will be created"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);
    d.write("main.tf", &config("0600"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# archive_file.code must be replaced"), "{plan}");
    assert!(plan.contains("Plan: 1 to add, 0 to change, 1 to destroy."), "{plan}");
}
