//! S3 against moto (eu-west-2; bucket names start with the test's name,
//! S3 names being global): a write-once audit bucket with every split
//! configuration resource (versioning, encryption, public access block,
//! ownership controls, a 7-year lifecycle with Glacier transitions,
//! COMPLIANCE object lock, a policy), re-planned clean, drift seen by
//! `plan` and `drift`, imports, in-place updates and destroy; objects
//! uploaded again in place on a content change, tagged, drifting when
//! overwritten; destroy of a non-empty bucket with and without
//! `force_destroy`; a notification to an SQS queue; an interrupted bucket
//! create adopted from the journal; validation errors.

use crate::aws_support::*;
use crate::moto::aws;
use crate::support::*;

const REGION: &str = "eu-west-2";

/// Runs boto3 with `s3w` an S3 client and `sqs` an SQS client in REGION.
fn s3(script: &str) -> String {
    aws(&format!(
        "s3w = boto3.client('s3', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n\
         sqs = boto3.client('sqs', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n{script}"
    ))
    .trim()
    .to_string()
}

fn bucket_exists(name: &str) -> bool {
    s3(&format!("print(any(b['Name'] == '{name}' for b in s3w.list_buckets()['Buckets']))")) == "True"
}

fn audit(name: &str, expiration_days: u32, policy_action: &str) -> String {
    format!(
        r#"{provider}
resource "aws_s3_bucket" "audit" {{
  bucket              = "{name}"
  object_lock_enabled = true
  tags                = {{ Purpose = "audit" }}
}}

resource "aws_s3_bucket_versioning" "audit" {{
  bucket = aws_s3_bucket.audit.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "audit" {{
  bucket = aws_s3_bucket.audit.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm = "AES256"
    }}
  }}
}}

resource "aws_s3_bucket_public_access_block" "audit" {{
  bucket                  = aws_s3_bucket.audit.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}

resource "aws_s3_bucket_ownership_controls" "audit" {{
  bucket = aws_s3_bucket.audit.id
  rule {{
    object_ownership = "BucketOwnerEnforced"
  }}
}}

resource "aws_s3_bucket_lifecycle_configuration" "audit" {{
  bucket = aws_s3_bucket.audit.id

  rule {{
    id     = "retain-7-years"
    status = "Enabled"
    filter {{}}
    transition {{
      days          = 90
      storage_class = "GLACIER"
    }}
    transition {{
      days          = 365
      storage_class = "DEEP_ARCHIVE"
    }}
    expiration {{
      days = {expiration_days}
    }}
    noncurrent_version_expiration {{
      noncurrent_days = 30
    }}
  }}

  rule {{
    id     = "uploads"
    status = "Enabled"
    filter {{
      prefix = "uploads/"
    }}
    abort_incomplete_multipart_upload {{
      days_after_initiation = 7
    }}
  }}
}}

resource "aws_s3_bucket_object_lock_configuration" "audit" {{
  bucket = aws_s3_bucket.audit.id
  rule {{
    default_retention {{
      mode  = "COMPLIANCE"
      years = 7
    }}
  }}
}}

resource "aws_s3_bucket_policy" "audit" {{
  bucket = aws_s3_bucket.audit.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "{policy_action}"
      Resource  = ["${{aws_s3_bucket.audit.arn}}", "${{aws_s3_bucket.audit.arn}}/*"]
      Condition = {{ Bool = {{ "aws:SecureTransport" = "false" }} }}
    }}]
  }})
}}
"#,
        provider = provider_block(None, REGION, "")
    )
}

#[test]
fn an_audit_bucket_applies_replans_clean_drifts_imports_and_destroys() {
    let name = format!("audit-{}", std::process::id());
    let d = TempDir::with_files("aws-s3-audit", &[("main.tf", &audit(&name, 2555, "s3:*"))]);
    strata_ok(&d, &["validate", "-no-color"]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);

    let bucket = state_json(&d, "aws_s3_bucket", "audit");
    assert_eq!(bucket["id"], name.as_str());
    assert_eq!(bucket["arn"], format!("arn:aws:s3:::{name}"));
    assert_eq!(bucket["bucket_regional_domain_name"], format!("{name}.s3.{REGION}.amazonaws.com"));
    assert_eq!(bucket["bucket_domain_name"], format!("{name}.s3.amazonaws.com"));
    assert_eq!(bucket["hosted_zone_id"], "Z3GKZC51ZF0DB4");
    assert_eq!(bucket["bucket_region"], REGION);
    assert_eq!(bucket["region"], REGION);
    assert_eq!(bucket["object_lock_enabled"], true);
    assert_eq!(bucket["tags_all"], serde_json::json!({"Purpose": "audit"}));
    assert_eq!(bucket["force_destroy"], false);
    let lifecycle = state_json(&d, "aws_s3_bucket_lifecycle_configuration", "audit");
    assert_eq!(lifecycle["rule"][0]["expiration"][0]["days"], 2555);
    assert_eq!(lifecycle["rule"][0]["prefix"], "");
    assert_eq!(lifecycle["rule"][1]["filter"][0]["prefix"], "uploads/");
    assert_eq!(lifecycle["transition_default_minimum_object_size"], "all_storage_classes_128K");
    assert_eq!(state_id(&d, "aws_s3_bucket_versioning", "audit"), name);

    // What S3 holds: made in the region asked for, as configured.
    let remote = s3(&format!(
        "print(s3w.get_bucket_location(Bucket='{name}')['LocationConstraint'])\n\
         r = s3w.get_bucket_lifecycle_configuration(Bucket='{name}')['Rules']\n\
         print(len(r), r[0]['Expiration']['Days'], sorted(t['StorageClass'] for t in r[0]['Transitions']))\n\
         d = s3w.get_object_lock_configuration(Bucket='{name}')['ObjectLockConfiguration']['Rule']['DefaultRetention']\n\
         print(d['Mode'], d['Years'])\n\
         print(s3w.get_bucket_versioning(Bucket='{name}')['Status'])\n\
         print(s3w.get_public_access_block(Bucket='{name}')['PublicAccessBlockConfiguration']['BlockPublicPolicy'])\n\
         print(s3w.get_bucket_ownership_controls(Bucket='{name}')['OwnershipControls']['Rules'][0]['ObjectOwnership'])"
    ));
    assert_eq!(
        remote,
        format!("{REGION}\n2 2555 ['DEEP_ARCHIVE', 'GLACIER']\nCOMPLIANCE 7\nEnabled\nTrue\nBucketOwnerEnforced")
    );
    // The 7-year lifecycle, the policy written by jsonencode and S3's
    // defaults all read back as planned.
    no_changes(&d);

    // Drift behind Strata's back: versioning suspended, the policy's action changed.
    s3(&format!(
        "s3w.put_bucket_versioning(Bucket='{name}', VersioningConfiguration={{'Status': 'Suspended'}})\n\
         p = json.loads(s3w.get_bucket_policy(Bucket='{name}')['Policy'])\n\
         p['Statement'][0]['Action'] = 's3:GetObject'\n\
         s3w.put_bucket_policy(Bucket='{name}', Policy=json.dumps(p))"
    ));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_s3_bucket_versioning.audit will be updated in-place"), "{plan}");
    assert!(plan.contains("\"Suspended\" -> \"Enabled\""), "{plan}");
    assert!(plan.contains("# aws_s3_bucket_policy.audit will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 2 to change, 0 to destroy."), "{plan}");
    let drift = strata(&d, &["drift", "-json"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    let report: serde_json::Value =
        serde_json::from_str(&drift.stdout).unwrap_or_else(|e| panic!("{e}: {}", drift.transcript()));
    // The bucket's own inline `versioning` and `policy` read the same drift.
    assert_eq!(report["summary"]["changed"], 3, "{}", drift.stdout);
    let changed: Vec<&str> =
        report["resources"].as_array().unwrap().iter().filter_map(|r| r["address"].as_str()).collect();
    assert_eq!(
        changed,
        ["aws_s3_bucket.audit", "aws_s3_bucket_policy.audit", "aws_s3_bucket_versioning.audit"],
        "{}",
        drift.stdout
    );
    let bucket_paths: Vec<&str> =
        report["resources"][0]["attributes"].as_array().unwrap().iter().filter_map(|a| a["path"].as_str()).collect();
    assert_eq!(bucket_paths, ["policy", "versioning[0].enabled"], "{}", drift.stdout);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(s3(&format!("print(s3w.get_bucket_versioning(Bucket='{name}')['Status'])")), "Enabled");
    no_changes(&d);

    // A lifecycle rule deleted by hand is put back, in place.
    s3(&format!(
        "r = s3w.get_bucket_lifecycle_configuration(Bucket='{name}')['Rules']\n\
         s3w.put_bucket_lifecycle_configuration(Bucket='{name}', LifecycleConfiguration={{'Rules': r[:1]}})"
    ));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_s3_bucket_lifecycle_configuration.audit will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // A longer retention is an in-place update; so is a bucket's tag.
    let longer = audit(&name, 3650, "s3:*").replace("Purpose = \"audit\"", "Purpose = \"audit\", Owner = \"sec\"");
    std::fs::write(d.path().join("main.tf"), &longer).unwrap();
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_s3_bucket_lifecycle_configuration.audit will be updated in-place"), "{plan}");
    assert!(plan.contains("# aws_s3_bucket.audit will be updated in-place"), "{plan}");
    assert!(plan.contains("2555 -> 3650"), "{plan}");
    assert!(!plan.contains("must be replaced"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(
        s3(&format!(
            "print(s3w.get_bucket_lifecycle_configuration(Bucket='{name}')['Rules'][0]['Expiration']['Days'])"
        )),
        "3650"
    );
    no_changes(&d);

    // Imports: the bucket and two split resources by the bucket's name.
    strata_ok(
        &d,
        &[
            "state",
            "rm",
            "aws_s3_bucket.audit",
            "aws_s3_bucket_versioning.audit",
            "aws_s3_bucket_lifecycle_configuration.audit",
        ],
    );
    strata_ok(&d, &["import", "-no-color", "aws_s3_bucket.audit", &name]);
    strata_ok(&d, &["import", "-no-color", "aws_s3_bucket_versioning.audit", &name]);
    strata_ok(&d, &["import", "-no-color", "aws_s3_bucket_lifecycle_configuration.audit", &name]);
    assert_eq!(state_json(&d, "aws_s3_bucket", "audit")["object_lock_enabled"], true);
    no_changes(&d);

    // A new name replaces the bucket (and its configuration with it).
    let renamed =
        longer.replace(&format!("bucket              = \"{name}\""), &format!("bucket              = \"{name}-b\""));
    std::fs::write(d.path().join("main.tf"), &renamed).unwrap();
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_s3_bucket.audit must be replaced"), "{plan}");
    assert!(plan.contains("# aws_s3_bucket_policy.audit must be replaced"), "{plan}");
    std::fs::write(d.path().join("main.tf"), &longer).unwrap();

    // Empty: destroyed without force_destroy. Object lock keeps versioning
    // on (S3 refuses to suspend it), so the versioning resource's delete
    // leaves it as it is.
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(!bucket_exists(&name), "the bucket is gone");
}

fn objects(name: &str, content: &str, key: &str, extra_tag: &str, force_destroy: bool) -> String {
    format!(
        r#"{provider}
resource "aws_s3_bucket" "b" {{
  bucket        = "{name}"
  force_destroy = {force_destroy}
}}

resource "aws_s3_bucket_versioning" "b" {{
  bucket = aws_s3_bucket.b.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_object" "doc" {{
  bucket        = aws_s3_bucket_versioning.b.bucket
  key           = "{key}"
  content       = "{content}"
  content_type  = "text/plain"
  cache_control = "max-age=60"
  metadata      = {{ owner = "docs" }}
  tags          = {{ Kind = "doc"{extra_tag} }}
}}

# Through the versioning resource, as the provider's docs advise: put
# while versioning is still being enabled, the object gets no version, its
# destroy leaves a delete marker, and moto then fails (500, for good) to
# delete that marker once versioning is suspended.
resource "aws_s3_object" "logo" {{
  bucket         = aws_s3_bucket_versioning.b.bucket
  key            = "img/logo.txt"
  content_base64 = base64encode("logo")
}}
"#,
        provider = provider_block(None, REGION, "")
    )
}

#[test]
fn objects_upload_in_place_drift_when_overwritten_and_a_bucket_needs_force_destroy() {
    let name = format!("objects-{}", std::process::id());
    let d = TempDir::with_files("aws-s3-objects", &[("main.tf", &objects(&name, "v1", "docs/a.txt", "", false))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let doc = state_json(&d, "aws_s3_object", "doc");
    assert_eq!(doc["id"], format!("{name}/docs/a.txt"));
    assert_eq!(doc["arn"], format!("arn:aws:s3:::{name}/docs/a.txt"));
    assert_eq!(doc["storage_class"], "STANDARD");
    assert_eq!(doc["metadata"], serde_json::json!({"owner": "docs"}));
    // The etag is the content's MD5; a versioned bucket gives a version.
    let md5 = aws("import hashlib\nprint(hashlib.md5(b'v1').hexdigest())").trim().to_string();
    assert_eq!(doc["etag"], md5.as_str());
    let v1 = doc["version_id"].as_str().unwrap_or_default().to_string();
    assert!(!v1.is_empty(), "{doc}");
    let remote = s3(&format!(
        "o = s3w.get_object(Bucket='{name}', Key='docs/a.txt')\n\
         print(o['Body'].read().decode(), o['ContentType'], o['CacheControl'])\n\
         print(s3w.get_object_tagging(Bucket='{name}', Key='docs/a.txt')['TagSet'])\n\
         print(s3w.get_object(Bucket='{name}', Key='img/logo.txt')['Body'].read().decode())"
    ));
    assert_eq!(remote, "v1 text/plain max-age=60\n[{'Key': 'Kind', 'Value': 'doc'}]\nlogo");
    no_changes(&d);

    // New content: uploaded again in place, a new version and etag.
    std::fs::write(d.path().join("main.tf"), objects(&name, "v2", "docs/a.txt", "", false)).unwrap();
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_s3_object.doc will be updated in-place"), "{plan}");
    assert!(plan.contains("~ content") && plan.contains("\"v1\" -> \"v2\""), "content is not sensitive:\n{plan}");
    assert!(plan.contains("~ version_id") && plan.contains("(known after apply)"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let doc = state_json(&d, "aws_s3_object", "doc");
    assert_ne!(doc["version_id"], v1.as_str());
    let v2 = doc["version_id"].as_str().unwrap_or_default().to_string();
    assert_eq!(s3(&format!("print(s3w.get_object(Bucket='{name}', Key='docs/a.txt')['Body'].read().decode())")), "v2");
    no_changes(&d);

    // A tag change retags the object: no new version.
    std::fs::write(d.path().join("main.tf"), objects(&name, "v2", "docs/a.txt", ", Team = \"web\"", false)).unwrap();
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_s3_object.doc will be updated in-place"), "{plan}");
    assert!(!plan.contains("~ version_id"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_json(&d, "aws_s3_object", "doc")["version_id"], v2.as_str());
    assert_eq!(
        s3(&format!(
            "print(sorted(t['Key'] for t in s3w.get_object_tagging(Bucket='{name}', Key='docs/a.txt')['TagSet']))"
        )),
        "['Kind', 'Team']"
    );

    // Overwritten behind Strata's back: the new content type is drift.
    s3(&format!("s3w.put_object(Bucket='{name}', Key='docs/a.txt', Body=b'other', ContentType='application/json')"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_s3_object.doc will be updated in-place"), "{plan}");
    assert!(plan.contains("\"application/json\" -> \"text/plain\""), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // A new key replaces the object.
    std::fs::write(d.path().join("main.tf"), objects(&name, "v2", "docs/b.txt", ", Team = \"web\"", false)).unwrap();
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_s3_object.doc must be replaced"), "{plan}");
    assert!(plan.contains("Plan: 1 to add, 0 to change, 1 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    // Its versions went with it.
    assert_eq!(
        s3(&format!("print(len(s3w.list_object_versions(Bucket='{name}', Prefix='docs/a.txt').get('Versions', [])))")),
        "0"
    );

    // Import by `bucket/key` and `s3://bucket/key`.
    strata_ok(&d, &["state", "rm", "aws_s3_object.doc", "aws_s3_object.logo"]);
    strata_ok(&d, &["import", "-no-color", "aws_s3_object.doc", &format!("{name}/docs/b.txt")]);
    strata_ok(&d, &["import", "-no-color", "aws_s3_object.logo", &format!("s3://{name}/img/logo.txt")]);
    assert_eq!(state_json(&d, "aws_s3_object", "doc")["content_type"], "text/plain");

    // An object Strata does not manage: destroy fails clearly without force_destroy.
    s3(&format!("s3w.put_object(Bucket='{name}', Key='stray.txt', Body=b'x')"));
    let out = strata(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_ne!(out.code, 0, "{}", out.transcript());
    assert!(
        out.stderr.contains("BucketNotEmpty") && out.stderr.contains("force_destroy = true"),
        "{}",
        out.transcript()
    );
    assert!(bucket_exists(&name));
    // With it, every version and delete marker goes first.
    std::fs::write(d.path().join("main.tf"), objects(&name, "v2", "docs/b.txt", ", Team = \"web\"", true)).unwrap();
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(!bucket_exists(&name), "the bucket is gone");
}

fn notified(name: &str, queue_arn: &str, with_notification: bool) -> String {
    let notification = if with_notification {
        format!(
            r#"
resource "aws_s3_bucket_notification" "n" {{
  bucket = aws_s3_bucket.b.id
  queue {{
    queue_arn     = "{queue_arn}"
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = "incoming/"
    filter_suffix = ".csv"
  }}
}}
"#
        )
    } else {
        String::new()
    };
    format!(
        r#"{provider}
resource "aws_s3_bucket" "b" {{
  bucket = "{name}"
}}
{notification}"#,
        provider = provider_block(None, REGION, "")
    )
}

#[test]
fn a_notification_to_an_sqs_queue_applies_imports_and_is_emptied_on_destroy() {
    let name = format!("notify-{}", std::process::id());
    let queue_arn = s3(&format!(
        "u = sqs.create_queue(QueueName='{name}')['QueueUrl']\n\
         print(sqs.get_queue_attributes(QueueUrl=u, AttributeNames=['QueueArn'])['Attributes']['QueueArn'])"
    ));
    let d = TempDir::with_files("aws-s3-notify", &[("main.tf", &notified(&name, &queue_arn, true))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let n = state_json(&d, "aws_s3_bucket_notification", "n");
    assert_eq!(n["id"], name.as_str());
    assert_eq!(n["eventbridge"], false);
    let id = n["queue"][0]["id"].as_str().unwrap_or_default().to_string();
    assert!(id.starts_with("tf-s3-queue-"), "{n}");
    let remote = s3(&format!(
        "q = s3w.get_bucket_notification_configuration(Bucket='{name}')['QueueConfigurations'][0]\n\
         print(q['Id'], q['QueueArn'] == '{queue_arn}', q['Events'], sorted((r['Name'], r['Value']) for r in q['Filter']['Key']['FilterRules']))"
    ));
    assert_eq!(remote, format!("{id} True ['s3:ObjectCreated:*'] [('prefix', 'incoming/'), ('suffix', '.csv')]"));
    no_changes(&d);

    strata_ok(&d, &["state", "rm", "aws_s3_bucket_notification.n"]);
    strata_ok(&d, &["import", "-no-color", "aws_s3_bucket_notification.n", &name]);
    assert_eq!(state_json(&d, "aws_s3_bucket_notification", "n")["queue"][0]["id"], id.as_str());
    no_changes(&d);

    // Removing the resource empties the bucket's configuration.
    std::fs::write(d.path().join("main.tf"), notified(&name, &queue_arn, false)).unwrap();
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(
        s3(&format!(
            "print(len(s3w.get_bucket_notification_configuration(Bucket='{name}').get('QueueConfigurations', [])))"
        )),
        "0"
    );
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(!bucket_exists(&name));
    s3(&format!("sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName='{name}')['QueueUrl'])"));
}

#[test]
fn an_interrupted_bucket_create_is_adopted_from_the_journal() {
    let name = format!("adopt-{}", std::process::id());
    let seed =
        format!("{provider}\nresource \"terraform_data\" \"seed\" {{}}\n", provider = provider_block(None, REGION, ""));
    let config = format!(
        "{seed}resource \"aws_s3_bucket\" \"b\" {{\n  bucket = \"{name}\"\n  tags   = {{ Team = \"data\" }}\n}}\n"
    );
    let d = TempDir::with_files("aws-s3-adopt", &[("main.tf", &seed)]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    // What the killed create made: the bucket, tagged with its token.
    let token = format!("tok-bucket-{}", std::process::id());
    s3(&format!(
        "s3w.create_bucket(Bucket='{name}', CreateBucketConfiguration={{'LocationConstraint': '{REGION}'}})\n\
         s3w.put_bucket_tagging(Bucket='{name}', Tagging={{'TagSet': [{{'Key': 'Team', 'Value': 'data'}}, {{'Key': 'strata:create-token', 'Value': '{token}'}}]}})"
    ));
    // The journal as the killed apply left it: the intent, nothing after.
    let st = state(&d);
    let header = serde_json::json!({"lineage": st["lineage"], "serial": st["serial"]});
    let intent = serde_json::json!({
        "mode": "managed", "type": "aws_s3_bucket", "name": "b",
        "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
        "instance": {"schema_version": 0, "attributes": {"bucket": name, "region": REGION}, "sensitive_attributes": []},
        "intent": token, "intent_at": 0
    });
    std::fs::write(d.path().join("terraform.tfstate.journal"), format!("{header}\n{intent}\n")).unwrap();
    std::fs::write(d.path().join("main.tf"), &config).unwrap();
    let plan = strata(&d, &["plan", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(plan.stderr.contains("Adopted an object"), "{}", plan.transcript());
    assert!(!plan.stdout.contains("will be created"), "{}", plan.stdout);
    assert_eq!(state_id(&d, "aws_s3_bucket", "b"), name);
    assert_eq!(state_json(&d, "aws_s3_bucket", "b")["tags"], serde_json::json!({"Team": "data"}));
    assert!(!state(&d).to_string().contains("strata:create-token"));
    no_changes(&d);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(!bucket_exists(&name));
}

#[test]
fn bad_s3_configurations_are_refused_at_validate_naming_the_attribute() {
    let provider = provider_block(None, REGION, "");
    let cases = [
        ("resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"Bad_Name\"\n}\n", "only lowercase alphanumeric characters"),
        ("resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"ab\"\n}\n", "must contain from 3 to 63 characters"),
        (
            "resource \"aws_s3_bucket\" \"b\" {\n  website {\n    index_document = \"i.html\"\n  }\n}\n",
            "use aws_s3_bucket_website_configuration",
        ),
        (
            "resource \"aws_s3_bucket_lifecycle_configuration\" \"l\" {\n  bucket = \"b-b-b\"\n  rule {\n    id     = \"r\"\n    status = \"Enabled\"\n    filter {}\n    transition {\n      days          = 30\n      storage_class = \"COLD\"\n    }\n  }\n}\n",
            "storage_class value must be one of",
        ),
        (
            "resource \"aws_s3_bucket_object_lock_configuration\" \"o\" {\n  bucket = \"b-b-b\"\n  rule {\n    default_retention {\n      mode = \"FOREVER\"\n      days = 1\n    }\n  }\n}\n",
            "expected mode to be one of [\"GOVERNANCE\" \"COMPLIANCE\"], got FOREVER",
        ),
        (
            "resource \"aws_s3_object\" \"o\" {\n  bucket         = \"b-b-b\"\n  key            = \"k\"\n  content        = \"a\"\n  content_base64 = \"YQ==\"\n}\n",
            "\"content_base64\": conflicts with content",
        ),
        (
            "resource \"aws_s3_object\" \"o\" {\n  bucket   = \"b-b-b\"\n  key      = \"k\"\n  metadata = { Owner = \"x\" }\n}\n",
            "Metadata must be lowercase only",
        ),
        (
            "resource \"aws_s3_bucket_versioning\" \"v\" {\n  bucket = \"b-b-b\"\n  versioning_configuration {\n    status = \"On\"\n  }\n}\n",
            "expected status to be one of [\"Enabled\" \"Suspended\" \"Disabled\"], got On",
        ),
    ];
    for (i, (resource, want)) in cases.iter().enumerate() {
        let d = TempDir::with_files(&format!("aws-s3-bad-{i}"), &[("main.tf", &format!("{provider}{resource}"))]);
        let out = strata(&d, &["validate", "-no-color"]);
        assert_ne!(out.code, 0, "{resource}: {}", out.transcript());
        // Long diagnostics wrap: compare with the whitespace collapsed.
        let said = out.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(said.contains(want), "{resource}: want {want:?}:\n{}", out.transcript());
    }
    // A lifecycle rule with neither filter nor prefix: the provider's warning, not an error.
    let d = TempDir::with_files(
        "aws-s3-warn",
        &[(
            "main.tf",
            &format!("{provider}resource \"aws_s3_bucket_lifecycle_configuration\" \"l\" {{\n  bucket = \"b-b-b\"\n  rule {{\n    id     = \"r\"\n    status = \"Enabled\"\n    expiration {{\n      days = 1\n    }}\n  }}\n}}\n"),
        )],
    );
    let out = strata(&d, &["validate", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let said = format!("{} {}", out.stdout, out.stderr).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        said.contains("Warning") && said.contains("one (and only one) of [rule[0].filter,rule[0].prefix]"),
        "{}",
        out.transcript()
    );
}

/// A bucket with versioning and a lifecycle configuration in a state file
/// as Terraform with hashicorp/aws 6.x writes it (the bucket's inline
/// blocks as read, the lifecycle's legacy zero values, its schema version
/// 1): refreshing and planning against the same configuration changes
/// nothing.
#[test]
fn a_terraform_written_bucket_state_plans_no_changes() {
    let name = format!("tfstate-{}", std::process::id());
    s3(&format!(
        "s3w.create_bucket(Bucket='{name}', CreateBucketConfiguration={{'LocationConstraint': '{REGION}'}})\n\
         s3w.put_bucket_versioning(Bucket='{name}', VersioningConfiguration={{'Status': 'Enabled'}})\n\
         s3w.put_bucket_lifecycle_configuration(Bucket='{name}', LifecycleConfiguration={{'Rules': [{{'ID': 'retain', 'Status': 'Enabled', 'Filter': {{'Prefix': ''}}, 'Expiration': {{'Days': 2555}}, 'Transitions': [{{'Days': 90, 'StorageClass': 'GLACIER'}}]}}]}})"
    ));
    let bucket = serde_json::json!({
        "acceleration_status": "", "acl": null, "arn": format!("arn:aws:s3:::{name}"), "bucket": name,
        "bucket_domain_name": format!("{name}.s3.amazonaws.com"), "bucket_prefix": "", "bucket_region": REGION,
        "bucket_regional_domain_name": format!("{name}.s3.{REGION}.amazonaws.com"), "cors_rule": [],
        "force_destroy": false, "grant": [], "hosted_zone_id": "Z3GKZC51ZF0DB4", "id": name, "lifecycle_rule": [],
        "logging": [], "object_lock_configuration": [], "object_lock_enabled": false, "policy": "", "region": REGION,
        "replication_configuration": [], "request_payer": "BucketOwner",
        "server_side_encryption_configuration": [{"rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": "", "sse_algorithm": "AES256"}], "bucket_key_enabled": false}]}],
        "tags": null, "tags_all": {}, "timeouts": null, "versioning": [{"enabled": true, "mfa_delete": false}],
        "website": [], "website_domain": null, "website_endpoint": null
    });
    let versioning = serde_json::json!({
        "bucket": name, "expected_bucket_owner": "", "id": name, "mfa": null, "region": REGION,
        "versioning_configuration": [{"mfa_delete": "", "status": "Enabled"}]
    });
    let lifecycle = serde_json::json!({
        "bucket": name, "expected_bucket_owner": null, "id": name, "region": REGION, "timeouts": null,
        "transition_default_minimum_object_size": "all_storage_classes_128K",
        "rule": [{
            "abort_incomplete_multipart_upload": [],
            "expiration": [{"date": null, "days": 2555, "expired_object_delete_marker": false}],
            "filter": [{"and": [], "object_size_greater_than": null, "object_size_less_than": null, "prefix": "", "tag": []}],
            "id": "retain", "noncurrent_version_expiration": [], "noncurrent_version_transition": [],
            "prefix": "", "status": "Enabled",
            "transition": [{"date": null, "days": 90, "storage_class": "GLACIER"}]
        }]
    });
    let resource = |ty: &str, version: u64, attributes: serde_json::Value| {
        serde_json::json!({
            "mode": "managed", "type": ty, "name": "b",
            "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
            "instances": [{"schema_version": version, "attributes": attributes, "sensitive_attributes": []}]
        })
    };
    let state = serde_json::json!({
        "version": 4, "terraform_version": "1.11.4", "serial": 4,
        "lineage": "0c9a1e52-6d0b-4f2e-9a55-5a3c2f1d7e80", "outputs": {},
        "resources": [
            resource("aws_s3_bucket", 0, bucket),
            resource("aws_s3_bucket_lifecycle_configuration", 1, lifecycle),
            resource("aws_s3_bucket_versioning", 0, versioning),
        ],
        "check_results": null
    });
    let config = format!(
        r#"{provider}
resource "aws_s3_bucket" "b" {{
  bucket = "{name}"
}}

resource "aws_s3_bucket_versioning" "b" {{
  bucket = aws_s3_bucket.b.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_lifecycle_configuration" "b" {{
  bucket = aws_s3_bucket.b.id
  rule {{
    id     = "retain"
    status = "Enabled"
    filter {{}}
    expiration {{
      days = 2555
    }}
    transition {{
      days          = 90
      storage_class = "GLACIER"
    }}
  }}
}}
"#,
        provider = provider_block(None, REGION, "")
    );
    let d = TempDir::with_files(
        "aws-s3-tfstate",
        &[("main.tf", &config), ("terraform.tfstate", &serde_json::to_string_pretty(&state).unwrap())],
    );
    let plan = no_changes(&d);
    assert!(plan.contains("No changes."), "{plan}");
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(!bucket_exists(&name));
}
