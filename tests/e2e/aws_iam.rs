//! IAM against moto: a role whose trust policy comes from
//! `data.aws_iam_policy_document`, a managed policy, its attachment and an
//! inline policy; equivalent documents (reordered, reformatted, a string
//! for a one-element list) plan no change; a real change makes a new
//! default policy version (five at most); drift (an attachment removed,
//! an inline policy changed by hand); import of each type by its
//! provider ID; destroy leaving nothing, a role with a hand-made
//! attachment included (`force_detach_policies`).
//!
//! moto keeps no eventual consistency and does not check principals in a
//! trust policy (CreateRole stores it verbatim), so the provider's retries
//! on "Invalid principal in policy" are not exercised here; documents come
//! back URL-encoded as on AWS.

use crate::aws_support::*;
use crate::support::*;

/// The managed policy's document in three spellings: `compact` and
/// `reordered` mean the same, `changed(n)` grants on another bucket.
fn compact(bucket: &str) -> String {
    format!(
        r#"jsonencode({{ Version = "2012-10-17", Statement = [{{ Sid = "Read", Effect = "Allow", Action = ["s3:GetObject", "s3:ListBucket"], Resource = ["arn:aws:s3:::{bucket}", "arn:aws:s3:::{bucket}/*"] }}, {{ Effect = "Deny", Action = "s3:DeleteBucket", Resource = "*" }}] }})"#
    )
}

fn reordered(bucket: &str) -> String {
    format!(
        r#"<<-EOT
    {{
      "Statement": [
        {{ "Resource": ["*"], "Action": ["s3:DeleteBucket"], "Effect": "deny" }},
        {{
          "Resource": ["arn:aws:s3:::{bucket}/*", "arn:aws:s3:::{bucket}"],
          "Action": ["s3:ListBucket", "s3:GetObject"],
          "Effect": "Allow",
          "Sid": "Read"
        }}
      ],
      "Version": "2012-10-17"
    }}
    EOT"#
    )
}

fn config(name: &str, policy: &str, inline: &str) -> String {
    format!(
        r#"{}
data "aws_iam_policy_document" "trust" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["ec2.amazonaws.com", "lambda.amazonaws.com"]
    }}
  }}
}}

resource "aws_iam_role" "r" {{
  name                 = "{name}"
  path                 = "/app/"
  description          = "strata test role"
  max_session_duration = 7200
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  tags                 = {{ Test = "{name}" }}
}}

resource "aws_iam_policy" "p" {{
  name        = "{name}-read"
  description = "read the bucket"
  policy      = {policy}
  tags        = {{ Test = "{name}" }}
}}

resource "aws_iam_role_policy_attachment" "a" {{
  role       = aws_iam_role.r.name
  policy_arn = aws_iam_policy.p.arn
}}

resource "aws_iam_role_policy" "i" {{
  name   = "inline"
  role   = aws_iam_role.r.id
  policy = {inline}
}}

resource "aws_iam_role" "prefixed" {{
  name_prefix           = "{name}-p-"
  force_detach_policies = true
  assume_role_policy    = jsonencode({{ Version = "2012-10-17", Statement = {{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ AWS = "*" }} }} }})
}}
"#,
        provider_block(None, "us-east-1", "")
    )
}

const INLINE: &str = r#"jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "*" }] })"#;
/// The inline policy reformatted, its actions reordered and its
/// statement a single object.
const INLINE_EQUIVALENT: &str = r#"jsonencode({ Statement = { Resource = ["*"], Action = ["logs:PutLogEvents", "logs:CreateLogStream"], Effect = "Allow" }, Version = "2012-10-17" })"#;

/// The managed policy's versions on moto: (count, default version id).
fn versions(arn: &str) -> (usize, String) {
    let out = iam(&format!(
        "v = iam.list_policy_versions(PolicyArn='{arn}')['Versions']\nprint(len(v), [x['VersionId'] for x in v if x['IsDefaultVersion']][0])"
    ));
    let (n, default) = out.trim().split_once(' ').expect("count and default");
    (n.parse().expect("a count"), default.to_string())
}

#[test]
fn iam_roles_policies_attachments_and_inline_policies() {
    let name = format!("strata-iam-{}", std::process::id());
    let d = TempDir::with_files("aws-iam", &[("main.tf", &config(&name, &compact("b0"), INLINE))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_id(&d, "aws_iam_role", "r"), name);
    let role_arn = state_attr(&d, "aws_iam_role", "r", "arn");
    assert_eq!(role_arn, format!("arn:aws:iam::123456789012:role/app/{name}"));
    let arn = state_id(&d, "aws_iam_policy", "p");
    assert_eq!(arn, format!("arn:aws:iam::123456789012:policy/{name}-read"));
    assert_eq!(state_attr(&d, "aws_iam_policy", "p", "arn"), arn);
    assert!(!state_attr(&d, "aws_iam_policy", "p", "policy_id").is_empty());
    assert_eq!(state_id(&d, "aws_iam_role_policy_attachment", "a"), format!("{name}/{arn}"));
    assert_eq!(state_id(&d, "aws_iam_role_policy", "i"), format!("{name}:inline"));
    let prefixed = state_id(&d, "aws_iam_role", "prefixed");
    assert!(prefixed.starts_with(&format!("{name}-p-")), "{prefixed}");
    // The trust policy is stored as the data source rendered it (IAM
    // returns it URL-encoded), and the attachment is counted.
    let trust = state_attr(&d, "aws_iam_role", "r", "assume_role_policy");
    assert!(trust.starts_with("{\n  \"Version\": \"2012-10-17\""), "{trust}");
    assert_eq!(state_json(&d, "aws_iam_policy", "p")["attachment_count"], 1);
    assert!(state_json(&d, "aws_iam_role", "r").get("region").is_none(), "IAM is global: no region");
    no_changes(&d);
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 0, "{}", drift.transcript());

    // The same documents spelled otherwise: nothing to do.
    d.write("main.tf", &config(&name, &reordered("b0"), INLINE_EQUIVALENT));
    no_changes(&d);

    // A real change: a new default version, in place; IAM keeps five.
    d.write("main.tf", &config(&name, &compact("b1"), INLINE_EQUIVALENT));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_iam_policy.p will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_id(&d, "aws_iam_policy", "p"), arn);
    assert_eq!(versions(&arn), (2, "v2".to_string()));
    no_changes(&d);
    for n in 2..=5 {
        d.write("main.tf", &config(&name, &compact(&format!("b{n}")), INLINE_EQUIVALENT));
        strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    }
    assert_eq!(versions(&arn), (5, "v6".to_string()), "the oldest version was pruned");
    assert!(iam(&format!("print(iam.get_policy(PolicyArn='{arn}')['Policy']['DefaultVersionId'])")).contains("v6"));
    no_changes(&d);

    // By hand, an equivalent inline document: no drift. Then a real change
    // and the attachment removed: both drift and are put back.
    let doc = r#"{"Version":"2012-10-17","Statement":{"Action":["logs:PutLogEvents","logs:CreateLogStream"],"Resource":"*","Effect":"Allow"}}"#;
    iam(&format!("iam.put_role_policy(RoleName='{name}', PolicyName='inline', PolicyDocument='{doc}')"));
    no_changes(&d);
    let changed = doc.replace("logs:PutLogEvents", "logs:DeleteLogGroup");
    iam(&format!(
        "iam.put_role_policy(RoleName='{name}', PolicyName='inline', PolicyDocument='{changed}')\niam.detach_role_policy(RoleName='{name}', PolicyArn='{arn}')"
    ));
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    assert!(drift.stdout.contains("aws_iam_role_policy.i"), "{}", drift.stdout);
    assert!(drift.stdout.contains("aws_iam_role_policy_attachment.a"), "{}", drift.stdout);
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_iam_role_policy_attachment.a will be created"), "{plan}");
    assert!(plan.contains("# aws_iam_role_policy.i will be updated in-place"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);
    let attached = iam(&format!(
        "print([p['PolicyArn'] for p in iam.list_attached_role_policies(RoleName='{name}')['AttachedPolicies']])"
    ));
    assert!(attached.contains(&arn), "{attached}");

    // Import each type by the ID the provider gives it.
    let all = ["aws_iam_role.r", "aws_iam_policy.p", "aws_iam_role_policy.i", "aws_iam_role_policy_attachment.a"];
    strata_ok(&d, &[&["state", "rm"][..], &all[..]].concat());
    let missing = strata(&d, &["import", "-no-color", "aws_iam_role.r", "no-such-role"]);
    assert_ne!(missing.code, 0);
    assert!(missing.stderr.contains("Cannot import non-existent remote object"), "{}", missing.transcript());
    strata_ok(&d, &["import", "-no-color", "aws_iam_role.r", &name]);
    strata_ok(&d, &["import", "-no-color", "aws_iam_policy.p", &arn]);
    strata_ok(&d, &["import", "-no-color", "aws_iam_role_policy.i", &format!("{name}:inline")]);
    strata_ok(&d, &["import", "-no-color", "aws_iam_role_policy_attachment.a", &format!("{name}/{arn}")]);
    assert_eq!(state_attr(&d, "aws_iam_role", "r", "path"), "/app/");
    assert_eq!(state_json(&d, "aws_iam_role", "r")["max_session_duration"], 7200);
    no_changes(&d);

    // A policy attached by hand to the prefixed role is detached on destroy.
    // (One made by hand: attaching aws_iam_policy.p would race its own
    // destroy, which moto lets go through while the attachment stays.)
    let hand = iam(&format!(
        "print(iam.create_policy(PolicyName='hand-{name}', PolicyDocument=json.dumps({{'Version': '2012-10-17', 'Statement': [{{'Effect': 'Allow', 'Action': 's3:ListBucket', 'Resource': '*'}}]}}))['Policy']['Arn'])"
    ));
    let hand = hand.trim();
    iam(&format!("iam.attach_role_policy(RoleName='{prefixed}', PolicyArn='{hand}')"));
    let destroy = strata(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(destroy.code, 0, "{}", destroy.transcript());
    assert_eq!(iam(&format!("print(iam.get_policy(PolicyArn='{hand}')['Policy']['AttachmentCount'])")).trim(), "0");
    iam(&format!("iam.delete_policy(PolicyArn='{hand}')"));
    let left = iam(&format!(
        "print(len([r for r in iam.list_roles()['Roles'] if r['RoleName'].startswith('{name}')]), len([p for p in iam.list_policies(Scope='Local')['Policies'] if p['PolicyName'].startswith('{name}')]))"
    ));
    assert_eq!(left.trim(), "0 0");
}

#[test]
fn a_malformed_policy_document_is_a_located_error() {
    let config = format!(
        r#"{}
resource "aws_iam_policy" "bad" {{
  name   = "strata-iam-bad"
  policy = "{{\"Version\": \"2012-10-17\", \"Statement\": ["
}}

resource "aws_iam_role" "bad" {{
  name               = "strata-iam-bad"
  assume_role_policy = "[]"
}}
"#,
        provider_block(None, "us-east-1", "")
    );
    let d = TempDir::with_files("aws-iam-bad", &[("main.tf", &config)]);
    // The provider checks resource bodies in the plan's walk, before any call.
    let out = strata(&d, &["plan", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stderr.contains("\"policy\" contains an invalid JSON policy"), "{}", out.stderr);
    assert!(
        out.stderr.contains("\"assume_role_policy\" contains an invalid JSON policy: not a JSON object"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("main.tf:"), "located: {}", out.stderr);
}

/// Creates interrupted by a crash are found again: a role named at plan
/// time by its name, a role named by a prefix among the roles with the
/// prefix, a policy among the policies under its path, each by the create
/// token tag the create carried (put here by hand with a journal intent,
/// as a kill between CreateRole and the journal entry leaves them).
#[test]
fn interrupted_creates_are_found_by_name_and_create_token() {
    let name = format!("strata-iam-crash-{}", std::process::id());
    let config = format!(
        r#"{}
resource "aws_iam_role" "named" {{
  name               = "{name}"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "ec2.amazonaws.com" }} }}] }})
  tags               = {{ Test = "{name}" }}
}}

resource "aws_iam_role" "prefixed" {{
  name_prefix        = "{name}-"
  assume_role_policy = aws_iam_role.named.assume_role_policy
}}

resource "aws_iam_policy" "p" {{
  name   = "{name}"
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "s3:ListAllMyBuckets", Resource = "*" }}] }})
}}
"#,
        provider_block(None, "us-east-1", "")
    );
    let d = TempDir::with_files("aws-iam-crash", &[("main.tf", &config)]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let prefixed = state_id(&d, "aws_iam_role", "prefixed");
    let arn = state_id(&d, "aws_iam_policy", "p");
    let st = state(&d);
    let mut intents = Vec::new();
    for (type_name, res_name, unknown) in [
        ("aws_iam_role", "named", &["arn", "create_date", "id", "unique_id"][..]),
        ("aws_iam_role", "prefixed", &["arn", "create_date", "id", "name", "unique_id"][..]),
        ("aws_iam_policy", "p", &["arn", "attachment_count", "id", "policy_id"][..]),
    ] {
        let resource = st["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == type_name && r["name"] == res_name)
            .unwrap()
            .clone();
        let mut instance = resource["instances"][0].clone();
        for a in unknown {
            instance["attributes"][a] = serde_json::Value::Null;
        }
        let token = format!("tok-{res_name}-{}", std::process::id());
        intents.push(serde_json::json!({
            "mode": "managed", "type": type_name, "name": res_name, "provider": resource["provider"],
            "instance": instance, "intent": token, "intent_at": 0,
        }));
    }
    let tag = |t: &str| format!("[{{'Key': 'strata:create-token', 'Value': '{t}'}}]");
    let pid = std::process::id();
    iam(&format!(
        "iam.tag_role(RoleName='{name}', Tags={})\niam.tag_role(RoleName='{prefixed}', Tags={})\niam.tag_policy(PolicyArn='{arn}', Tags={})",
        tag(&format!("tok-named-{pid}")),
        tag(&format!("tok-prefixed-{pid}")),
        tag(&format!("tok-p-{pid}"))
    ));
    strata_ok(&d, &["state", "rm", "aws_iam_role.named", "aws_iam_role.prefixed", "aws_iam_policy.p"]);
    let st = state(&d);
    let header = serde_json::json!({ "lineage": st["lineage"], "serial": st["serial"] });
    let journal: Vec<String> = std::iter::once(header).chain(intents).map(|v| v.to_string()).collect();
    d.write("terraform.tfstate.journal", &(journal.join("\n") + "\n"));

    // The next plan adopts all three: nothing to create, no token in tags.
    no_changes(&d);
    assert!(!d.path().join("terraform.tfstate.journal").exists(), "every intent is resolved");
    assert_eq!(state_id(&d, "aws_iam_role", "named"), name);
    assert_eq!(state_id(&d, "aws_iam_role", "prefixed"), prefixed);
    assert_eq!(state_id(&d, "aws_iam_policy", "p"), arn);
    assert_eq!(state_json(&d, "aws_iam_role", "named")["tags_all"], serde_json::json!({ "Test": name }));
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
}

/// `aws_iam_instance_profile` (its role changed in place, drift when the
/// role is removed by hand, import by name), a role's permissions boundary
/// set and removed, and data `aws_iam_policy` (by name and by ARN, the
/// document as IAM holds it).
#[test]
fn instance_profiles_and_the_policy_data_source() {
    let name = format!("strata-iam-ip-{}", std::process::id());
    let config = |role: &str| {
        // Role b is bounded by the policy while the profile holds role a.
        let boundary = if role == "a" { "aws_iam_policy.p.arn" } else { "null" };
        format!(
            r#"{}
resource "aws_iam_role" "a" {{
  name               = "{name}-a"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "ec2.amazonaws.com" }} }}] }})
}}

resource "aws_iam_role" "b" {{
  name                 = "{name}-b"
  assume_role_policy   = aws_iam_role.a.assume_role_policy
  permissions_boundary = {boundary}
}}

resource "aws_iam_instance_profile" "p" {{
  name = "{name}"
  role = aws_iam_role.{role}.name
  tags = {{ Test = "{name}" }}
}}

resource "aws_iam_policy" "p" {{
  name   = "{name}"
  path   = "/team/"
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "ec2:Describe*", Resource = "*" }}] }})
}}

data "aws_iam_policy" "by_name" {{
  name        = aws_iam_policy.p.name
  path_prefix = "/team/"
}}

data "aws_iam_policy" "by_arn" {{
  arn = aws_iam_policy.p.arn
}}

output "found" {{
  value = [data.aws_iam_policy.by_name.arn, data.aws_iam_policy.by_arn.name, data.aws_iam_policy.by_arn.path]
}}

output "document" {{
  value = jsondecode(data.aws_iam_policy.by_name.policy).Statement[0].Action
}}
"#,
            provider_block(None, "us-east-1", "")
        )
    };
    let d = TempDir::with_files("aws-iam-ip", &[("main.tf", &config("a"))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_id(&d, "aws_iam_instance_profile", "p"), name);
    assert_eq!(state_attr(&d, "aws_iam_instance_profile", "p", "role"), format!("{name}-a"));
    assert_eq!(
        state_attr(&d, "aws_iam_instance_profile", "p", "arn"),
        format!("arn:aws:iam::123456789012:instance-profile/{name}")
    );
    let arn = state_id(&d, "aws_iam_policy", "p");
    let found = strata_ok(&d, &["output", "-json", "found"]).stdout;
    let found: serde_json::Value = serde_json::from_str(&found).unwrap();
    assert_eq!(found, serde_json::json!([arn, name, "/team/"]));
    assert_eq!(strata_ok(&d, &["output", "-raw", "document"]).stdout, "ec2:Describe*");
    no_changes(&d);
    assert_eq!(state_attr(&d, "aws_iam_role", "b", "permissions_boundary"), arn);
    let bounded = iam(&format!(
        "print(iam.get_role(RoleName='{name}-b')['Role']['PermissionsBoundary']['PermissionsBoundaryArn'])"
    ));
    assert_eq!(bounded.trim(), arn);

    // Another role, in place.
    d.write("main.tf", &config("b"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_iam_instance_profile.p will be updated in-place"), "{plan}");
    assert!(plan.contains("# aws_iam_role.b will be updated in-place"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_attr(&d, "aws_iam_instance_profile", "p", "role"), format!("{name}-b"));
    no_changes(&d);
    // The boundary removed in place.
    assert_eq!(state_attr(&d, "aws_iam_role", "b", "permissions_boundary"), "");
    let unbounded = iam(&format!("print('PermissionsBoundary' in iam.get_role(RoleName='{name}-b')['Role'])"));
    assert_eq!(unbounded.trim(), "False");

    // The role removed by hand: drift, put back.
    iam(&format!("iam.remove_role_from_instance_profile(InstanceProfileName='{name}', RoleName='{name}-b')"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_iam_instance_profile.p will be updated in-place"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    strata_ok(&d, &["state", "rm", "aws_iam_instance_profile.p"]);
    strata_ok(&d, &["import", "-no-color", "aws_iam_instance_profile.p", &name]);
    no_changes(&d);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    let left = iam(&format!(
        "print(len([p for p in iam.list_instance_profiles()['InstanceProfiles'] if p['InstanceProfileName'].startswith('{name}')]), len([r for r in iam.list_roles()['Roles'] if r['RoleName'].startswith('{name}')]))"
    ));
    assert_eq!(left.trim(), "0 0");
}

/// A service-linked role: its id the role's ARN (service name and custom
/// suffix read back from it), description and tags changed in place and
/// when changed by hand, the suffix forcing a new role, import by ARN.
/// moto names the role as AWS does (`AWSServiceRoleForAutoScaling_SUFFIX`)
/// but keeps no deletion task: the role is gone when
/// DeleteServiceLinkedRole returns, where AWS makes the provider wait on
/// GetServiceLinkedRoleDeletionStatus (and refuses while the service
/// still uses the role).
#[test]
fn service_linked_roles_update_drift_import_and_replace() {
    let suffix = format!("strata{}", std::process::id());
    let config = |suffix: &str, description: &str, team: &str| {
        format!(
            r#"{}
resource "aws_iam_service_linked_role" "asg" {{
  aws_service_name = "autoscaling.amazonaws.com"
  custom_suffix    = "{suffix}"
  description      = "{description}"
  tags             = {{ Team = "{team}" }}
}}
"#,
            provider_block(None, "us-east-1", "")
        )
    };
    let d = TempDir::with_files("aws-iam-slr", &[("main.tf", &config(&suffix, "first", "a"))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let role = format!("AWSServiceRoleForAutoScaling_{suffix}");
    let arn = format!("arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/{role}");
    assert_eq!(state_id(&d, "aws_iam_service_linked_role", "asg"), arn);
    let st = state_json(&d, "aws_iam_service_linked_role", "asg");
    assert_eq!(st["arn"], arn);
    assert_eq!(st["name"], role);
    assert_eq!(st["path"], "/aws-service-role/autoscaling.amazonaws.com/");
    assert_eq!(st["custom_suffix"], suffix);
    assert_eq!(st["aws_service_name"], "autoscaling.amazonaws.com");
    assert!(st["unique_id"].as_str().is_some_and(|u| !u.is_empty()), "{st}");
    assert!(st["create_date"].as_str().is_some_and(|c| c.ends_with('Z')), "{st}");
    assert!(st.get("region").is_none(), "IAM is global");
    assert_eq!(st["tags"], serde_json::json!({"Team": "a"}));
    no_changes(&d);
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 0, "{}", drift.transcript());

    // Description and tags: in place.
    d.write("main.tf", &config(&suffix, "second", "b"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_iam_service_linked_role.asg will be updated in-place"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let remote = iam(&format!(
        "r = iam.get_role(RoleName='{role}')['Role']\nprint(r.get('Description'), sorted((t['Key'], t['Value']) for t in r.get('Tags', []) if not t['Key'].startswith('strata:')))"
    ));
    assert_eq!(remote.trim(), "second [('Team', 'b')]");
    no_changes(&d);

    // Changed by hand: drift, put back.
    iam(&format!("iam.update_role(RoleName='{role}', Description='by hand')"));
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    let plan = planned_changes(&d);
    assert!(plan.contains("~ description      = \"by hand\" -> \"second\""), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // Import by ARN.
    strata_ok(&d, &["state", "rm", "aws_iam_service_linked_role.asg"]);
    let bad = strata(&d, &["import", "-no-color", "aws_iam_service_linked_role.asg", &role]);
    assert_ne!(bad.code, 0);
    assert!(bad.stderr.contains("expected IAM Service Role ARN"), "{}", bad.transcript());
    strata_ok(&d, &["import", "-no-color", "aws_iam_service_linked_role.asg", &arn]);
    no_changes(&d);

    // Another suffix is another role.
    let other = format!("{suffix}x");
    d.write("main.tf", &config(&other, "second", "b"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_iam_service_linked_role.asg must be replaced"), "{plan}");
    assert!(plan.contains("# forces replacement"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(state_id(&d, "aws_iam_service_linked_role", "asg").ends_with(&format!("_{other}")));
    no_changes(&d);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    let left = iam(&format!(
        "print(len([r for r in iam.list_roles(PathPrefix='/aws-service-role/')['Roles'] if r['RoleName'].endswith('{suffix}') or r['RoleName'].endswith('{other}')]))"
    ));
    assert_eq!(left.trim(), "0");
}

/// `inline_policy` and `managed_policy_arns` (deprecated in 6.x, still
/// there) manage a role's policies exclusively: out-of-band ones are
/// drift and are removed; one empty `inline_policy {}` block and `[]`
/// remove them all. Left out, both only report what the role has.
#[test]
fn a_roles_inline_and_managed_policies_are_exclusive() {
    let name = format!("strata-iam-excl-{}", std::process::id());
    let doc = |action: &str| {
        format!(
            r#"jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "{action}", Resource = "*" }}] }})"#
        )
    };
    let config = |inline: &str, managed: &str| {
        format!(
            r#"{}
resource "aws_iam_policy" "p" {{
  name   = "{name}-p"
  policy = {}
}}

resource "aws_iam_role" "r" {{
  name               = "{name}"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "ec2.amazonaws.com" }} }}] }})
{inline}
  managed_policy_arns = {managed}
}}
"#,
            provider_block(None, "us-east-1", ""),
            doc("s3:ListAllMyBuckets")
        )
    };
    let two = format!(
        "  inline_policy {{\n    name   = \"a\"\n    policy = {}\n  }}\n  inline_policy {{\n    name   = \"b\"\n    policy = {}\n  }}",
        doc("s3:GetObject"),
        doc("s3:PutObject")
    );
    let d = TempDir::with_files("aws-iam-excl", &[("main.tf", &config(&two, "[aws_iam_policy.p.arn]"))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let policy_arn = state_id(&d, "aws_iam_policy", "p");
    let remote = || {
        iam(&format!(
            "print(sorted(iam.list_role_policies(RoleName='{name}')['PolicyNames']), sorted(p['PolicyName'] for p in iam.list_attached_role_policies(RoleName='{name}')['AttachedPolicies']))"
        ))
        .trim()
        .to_string()
    };
    assert_eq!(remote(), format!("['a', 'b'] ['{name}-p']"));
    let st = state_json(&d, "aws_iam_role", "r");
    assert_eq!(st["managed_policy_arns"], serde_json::json!([policy_arn]));
    assert_eq!(st["inline_policy"].as_array().map(Vec::len), Some(2), "{st}");
    no_changes(&d);
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 0, "{}", drift.transcript());

    // Out of band: another inline policy, another attachment, an inline
    // document reworded to mean the same (not drift).
    let same = r#"{"Statement":{"Resource":["*"],"Action":["s3:GetObject"],"Effect":"Allow"},"Version":"2012-10-17"}"#;
    let other = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#;
    iam(&format!(
        "iam.put_role_policy(RoleName='{name}', PolicyName='a', PolicyDocument='{same}')\n\
         iam.put_role_policy(RoleName='{name}', PolicyName='c', PolicyDocument='{other}')\n\
         q = iam.create_policy(PolicyName='{name}-q', PolicyDocument='{other}')['Policy']['Arn']\n\
         iam.attach_role_policy(RoleName='{name}', PolicyArn=q)"
    ));
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    assert!(drift.stdout.contains("aws_iam_role.r"), "{}", drift.stdout);
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_iam_role.r will be updated in-place"), "{plan}");
    assert!(plan.contains(&format!("- \"arn:aws:iam::123456789012:policy/{name}-q\"")), "{plan}");
    assert!(plan.contains("- name   = \"c\""), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote(), format!("['a', 'b'] ['{name}-p']"));
    no_changes(&d);

    // One policy dropped and the other changed.
    let one = format!("  inline_policy {{\n    name   = \"a\"\n    policy = {}\n  }}", doc("s3:DeleteObject"));
    d.write("main.tf", &config(&one, "[aws_iam_policy.p.arn]"));
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote(), format!("['a'] ['{name}-p']"));
    let a = iam(&format!("print(iam.get_role_policy(RoleName='{name}', PolicyName='a')['PolicyDocument'])"));
    assert!(a.contains("s3:DeleteObject"), "{a}");
    no_changes(&d);

    // An empty block and an empty list: none at all.
    d.write("main.tf", &config("  inline_policy {}", "[]"));
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote(), "[] []");
    no_changes(&d);

    // Left out: what the role has is only reported.
    d.write("main.tf", &config("", "null"));
    no_changes(&d);
    iam(&format!("iam.attach_role_policy(RoleName='{name}', PolicyArn='{policy_arn}')"));
    no_changes(&d);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_json(&d, "aws_iam_role", "r")["managed_policy_arns"], serde_json::json!([policy_arn]));
    // Named again, the attachment made by hand is what is asked for: no
    // change. Applied, the state records that the role depends on the
    // policy, so the role (detaching it) is destroyed first.
    d.write("main.tf", &config("", "[aws_iam_policy.p.arn]"));
    no_changes(&d);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    iam(&format!("iam.delete_policy(PolicyArn='arn:aws:iam::123456789012:policy/{name}-q')"));
    let left = iam(&format!(
        "print(len([r for r in iam.list_roles()['Roles'] if r['RoleName'] == '{name}']), len([p for p in iam.list_policies(Scope='Local')['Policies'] if p['PolicyName'].startswith('{name}')]))"
    ));
    assert_eq!(left.trim(), "0 0");
}
