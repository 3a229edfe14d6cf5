//! OpenSearch Service against moto: a logging domain with hot, UltraWarm
//! and cold tiers, dedicated masters across two zones, encryption,
//! fine-grained access, slow logs and an access policy (re-planned clean,
//! an equivalent policy no change, a tier resized in place with the rest
//! of its block kept on AWS, the snapshot hour changed by hand seen by
//! drift and put back, import by domain name, a new name replacing it);
//! the service's rules checked at validate, pointing at the domain, before
//! anything exists; the legacy `aws_elasticsearch_domain` over the same
//! API; a domain policy managed on its own and the data source.
//!
//! What moto cannot show: it accepts any configuration (no tier rules,
//! no version list), every domain is ready at once, there is no
//! UpgradeDomain, and an empty access policy or log publishing map in an
//! update leaves the old one (so a removed domain policy stays on moto).

use crate::aws_support::*;
use crate::moto::{aws, moto};
use crate::support::*;

const REGION: &str = "eu-west-3";

/// The provider block, with the OpenSearch endpoint (a second
/// `endpoints` block: the set merges).
fn provider() -> String {
    let e = &moto().endpoint;
    provider_block(None, REGION, &format!("  endpoints {{\n    opensearch = \"{e}\"\n  }}\n"))
}

fn opensearch(script: &str) -> String {
    aws(&format!(
        "osc = boto3.client('opensearch', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n{script}"
    ))
    .trim()
    .to_string()
}

/// A domain's tiers and settings as AWS holds them, or `gone`.
fn remote_domain(name: &str) -> String {
    opensearch(&format!(
        "try:\n    d = osc.describe_domain(DomainName='{name}')['DomainStatus']\n\
         except osc.exceptions.ResourceNotFoundException:\n    print('gone'); raise SystemExit\n\
         c = d['ClusterConfig']\n\
         print(d['EngineVersion'], c['InstanceType'], c['InstanceCount'], c.get('DedicatedMasterType'), c.get('DedicatedMasterCount'), \
         c.get('ZoneAwarenessConfig', {{}}).get('AvailabilityZoneCount'), c['WarmEnabled'], c.get('WarmType'), c.get('WarmCount'), \
         c['ColdStorageOptions']['Enabled'], d['EBSOptions'].get('VolumeSize'), d['SnapshotOptions'].get('AutomatedSnapshotStartHour'))"
    ))
}

const PASSWORD: &str = "Planted-Master-Pw-91x!";

fn policy(account_form: bool) -> String {
    // The same policy two ways: IAM equivalence makes them one.
    if account_form {
        r#"jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "123456789012" }
      Action    = ["es:ESHttpGet", "es:ESHttpPost"]
      Resource  = "arn:aws:es:eu-west-3:123456789012:domain/*"
    }]
  })"#
        .to_string()
    } else {
        r#"jsonencode({
    Statement = {
      Resource  = ["arn:aws:es:eu-west-3:123456789012:domain/*"]
      Action    = ["es:ESHttpPost", "es:ESHttpGet"]
      Principal = { AWS = ["arn:aws:iam::123456789012:root"] }
      Effect    = "allow"
    }
    Version = "2012-10-17"
  })"#
        .to_string()
    }
}

fn domain_config(name: &str, warm_count: u32, policy_text: &str) -> String {
    format!(
        r#"{provider}
variable "master_password" {{
  type      = string
  sensitive = true
  default   = "{PASSWORD}"
}}

resource "aws_opensearch_domain" "logs" {{
  domain_name    = "{name}"
  engine_version = "OpenSearch_2.11"

  cluster_config {{
    instance_type            = "r6g.large.search"
    instance_count           = 4
    dedicated_master_enabled = true
    dedicated_master_type    = "m6g.large.search"
    dedicated_master_count   = 3
    zone_awareness_enabled   = true
    zone_awareness_config {{
      availability_zone_count = 2
    }}
    warm_enabled = true
    warm_type    = "ultrawarm1.medium.search"
    warm_count   = {warm_count}
    cold_storage_options {{
      enabled = true
    }}
  }}

  ebs_options {{
    ebs_enabled = true
    volume_type = "gp3"
    volume_size = 100
  }}

  encrypt_at_rest {{
    enabled = true
  }}

  node_to_node_encryption {{
    enabled = true
  }}

  domain_endpoint_options {{
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
  }}

  advanced_security_options {{
    enabled                        = true
    internal_user_database_enabled = true
    master_user_options {{
      master_user_name     = "admin"
      master_user_password = var.master_password
    }}
  }}

  snapshot_options {{
    automated_snapshot_start_hour = 3
  }}

  log_publishing_options {{
    log_type                 = "INDEX_SLOW_LOGS"
    cloudwatch_log_group_arn = "arn:aws:logs:{REGION}:123456789012:log-group:/aws/opensearch/{name}"
  }}

  advanced_options = {{
    "rest.action.multi.allow_explicit_index" = "true"
  }}

  access_policies = {policy_text}

  tags = {{ Test = "{name}" }}

  timeouts {{
    create = "30m"
  }}
}}
"#,
        provider = provider()
    )
}

fn assert_no_password(o: &Output) {
    assert!(!o.stdout.contains(PASSWORD) && !o.stderr.contains(PASSWORD), "the password leaked:\n{}", o.transcript());
}

#[test]
fn a_tiered_domain_is_created_resized_drifted_imported_replaced_and_destroyed() {
    let name = format!("logs{}", std::process::id());
    let d = TempDir::with_files("aws-os-domain", &[("main.tf", &domain_config(&name, 2, &policy(true)))]);
    let plan = strata_ok(&d, &["plan", "-no-color"]);
    assert!(plan.stdout.contains("(sensitive value)"), "{}", plan.stdout);
    assert_no_password(&plan);
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_no_password(&apply);
    let s = state_json(&d, "aws_opensearch_domain", "logs");
    let arn = format!("arn:aws:es:{REGION}:123456789012:domain/{name}");
    assert_eq!(s["id"], arn.as_str(), "{s}");
    assert_eq!(s["arn"], arn.as_str());
    assert_eq!(s["domain_id"], format!("123456789012/{name}").as_str());
    assert_eq!(s["endpoint"], format!("{name}.{REGION}.es.amazonaws.com").as_str());
    assert_eq!(s["dashboard_endpoint"], format!("{name}.{REGION}.es.amazonaws.com/_dashboards").as_str());
    assert_eq!(s["tags_all"]["Test"], name.as_str());
    assert_eq!(
        remote_domain(&name),
        "OpenSearch_2.11 r6g.large.search 4 m6g.large.search 3 2 True ultrawarm1.medium.search 2 True 100 3"
    );
    // What moto answers reads back as exactly what was planned.
    no_changes(&d);
    // The same policy written another way is no change.
    d.write("main.tf", &domain_config(&name, 2, &policy(false)));
    no_changes(&d);
    let show = strata_ok(&d, &["show", "-no-color"]);
    assert_no_password(&show);

    // One tier resized in place: the whole block is sent, so the rest of
    // it (hot nodes, masters, cold storage) is still there.
    d.write("main.tf", &domain_config(&name, 3, &policy(true)));
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_opensearch_domain.logs will be updated in-place"), "{plan}");
    assert!(plan.contains("warm_count") && plan.contains("2 -> 3"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_no_password(&apply);
    assert_eq!(
        remote_domain(&name),
        "OpenSearch_2.11 r6g.large.search 4 m6g.large.search 3 2 True ultrawarm1.medium.search 3 True 100 3"
    );
    no_changes(&d);

    // Drift: the snapshot hour changed behind Strata's back.
    opensearch(&format!(
        "osc.update_domain_config(DomainName='{name}', SnapshotOptions={{'AutomatedSnapshotStartHour': 5}})"
    ));
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "drift is reported:\n{}", drift.transcript());
    assert!(drift.stdout.contains("automated_snapshot_start_hour"), "{}", drift.stdout);
    assert_no_password(&drift);
    let plan = planned_changes(&d);
    assert!(plan.contains("will be updated in-place") && plan.contains("5 -> 3"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(remote_domain(&name).ends_with(" 100 3"), "{}", remote_domain(&name));
    no_changes(&d);

    // Import by domain name. AWS never returns the master user, so the
    // configured one is planned again (as hashicorp/aws does), and then
    // nothing is left to change.
    strata_ok(&d, &["state", "rm", "aws_opensearch_domain.logs"]);
    let missing = strata(&d, &["import", "-no-color", "aws_opensearch_domain.logs", "nosuchdomain"]);
    assert!(missing.stderr.contains("Cannot import non-existent remote object"), "{}", missing.transcript());
    strata_ok(&d, &["import", "-no-color", "aws_opensearch_domain.logs", &name]);
    assert_eq!(state_id(&d, "aws_opensearch_domain", "logs"), arn);
    let plan = planned_changes(&d);
    assert!(plan.contains("master_user_options"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // A new name is a new domain.
    let renamed = format!("{name}b");
    d.write("main.tf", &domain_config(&renamed, 3, &policy(true)));
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_opensearch_domain.logs must be replaced"), "{plan}");
    assert!(plan.contains("Plan: 1 to add, 0 to change, 1 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_domain(&name), "gone");
    assert!(remote_domain(&renamed).starts_with("OpenSearch_2.11 "));
    no_changes(&d);

    let destroy = strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_no_password(&destroy);
    assert_eq!(remote_domain(&renamed), "gone");
}

#[test]
fn the_service_rules_are_checked_before_anything_is_applied() {
    let name = format!("bad{}", std::process::id());
    let config = format!(
        r#"{provider}
resource "aws_opensearch_domain" "bad" {{
  domain_name = "{name}"

  cluster_config {{
    instance_type            = "r6g.large.search"
    instance_count           = 3
    dedicated_master_enabled = true
    dedicated_master_type    = "m6g.large.search"
    dedicated_master_count   = 2
    zone_awareness_enabled   = true
    zone_awareness_config {{
      availability_zone_count = 2
    }}
    warm_type  = "ultrawarm1.medium.search"
    cold_storage_options {{
      enabled = true
    }}
  }}

  advanced_security_options {{
    enabled                        = true
    internal_user_database_enabled = true
    master_user_options {{
      master_user_name     = "admin"
      master_user_password = "{PASSWORD}"
    }}
  }}
}}

resource "aws_elasticsearch_domain" "legacy" {{
  domain_name           = "{name}-es"
  elasticsearch_version = "OpenSearch_2.11"
  cluster_config {{
    warm_enabled = true
    warm_type    = "ultrawarm1.medium.search"
    warm_count   = 200
  }}
}}
"#,
        provider = provider()
    );
    let d = TempDir::with_files("aws-os-validate", &[("main.tf", &config)]);
    for command in ["validate", "plan"] {
        let out = strata(&d, &[command, "-no-color"]);
        assert_eq!(out.code, 1, "{}", out.transcript());
        assert_no_password(&out);
        // Summaries (the details wrap with the terminal's width).
        for expected in [
            "Invalid dedicated master count",
            "Instance count does not fit the zones",
            "UltraWarm is off",
            "Cold storage needs UltraWarm",
            "Fine-grained access control needs encryption",
            "(at cluster_config[0].dedicated_master_count)",
            "(at cluster_config[0].instance_count)",
            "Invalid engine version",
            "UltraWarm needs dedicated masters",
            "Invalid warm count",
            "Invalid warm type",
        ] {
            assert!(out.stderr.contains(expected), "{command}: {expected}:\n{}", out.stderr);
        }
        let text = std::fs::read_to_string(d.path().join("main.tf")).unwrap();
        // A type with a sensitive attribute: located at the resource block,
        // so no neighbouring line can show the password.
        let line = text.lines().position(|l| l.starts_with("resource \"aws_opensearch_domain\" \"bad\"")).unwrap() + 1;
        assert!(out.stderr.contains(&format!("main.tf:{line}:1")), "at the resource block:\n{}", out.stderr);
    }
    assert_eq!(remote_domain(&name), "gone");
}

fn legacy_config(name: &str, count: u32) -> String {
    format!(
        r#"{provider}
resource "aws_elasticsearch_domain" "legacy" {{
  domain_name           = "{name}"
  elasticsearch_version = "7.10"

  cluster_config {{
    instance_type          = "m5.large.elasticsearch"
    instance_count         = {count}
    zone_awareness_enabled = true
  }}

  ebs_options {{
    ebs_enabled = true
    volume_size = 20
  }}

  tags = {{ Test = "{name}" }}
}}
"#,
        provider = provider()
    )
}

#[test]
fn a_legacy_elasticsearch_domain_goes_through_the_same_api() {
    let name = format!("legacy{}", std::process::id());
    let d = TempDir::with_files("aws-es-domain", &[("main.tf", &legacy_config(&name, 2))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let s = state_json(&d, "aws_elasticsearch_domain", "legacy");
    assert_eq!(s["elasticsearch_version"], "7.10", "{s}");
    assert_eq!(s["kibana_endpoint"], format!("{name}.{REGION}.es.amazonaws.com/_plugin/kibana/").as_str());
    assert!(
        remote_domain(&name).starts_with("Elasticsearch_7.10 m5.large.elasticsearch 2 "),
        "{}",
        remote_domain(&name)
    );
    no_changes(&d);

    d.write("main.tf", &legacy_config(&name, 4));
    let plan = planned_changes(&d);
    assert!(plan.contains("will be updated in-place") && plan.contains("2 -> 4"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    // Sent through UpdateDomainConfig (moto drops the legacy API's update).
    assert!(
        remote_domain(&name).starts_with("Elasticsearch_7.10 m5.large.elasticsearch 4 "),
        "{}",
        remote_domain(&name)
    );
    no_changes(&d);

    strata_ok(&d, &["state", "rm", "aws_elasticsearch_domain.legacy"]);
    strata_ok(&d, &["import", "-no-color", "aws_elasticsearch_domain.legacy", &name]);
    no_changes(&d);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(remote_domain(&name), "gone");
}

fn policy_config(name: &str, with_policy: bool) -> String {
    let policy = if with_policy {
        r#"
resource "aws_opensearch_domain_policy" "main" {
  domain_name = aws_opensearch_domain.search.domain_name
  access_policies = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "es:*", Resource = "${aws_opensearch_domain.search.arn}/*" }]
  })
}"#
        .to_string()
    } else {
        String::new()
    };
    format!(
        r#"{provider}
resource "aws_opensearch_domain" "search" {{
  domain_name    = "{name}"
  engine_version = "OpenSearch_2.11"
  cluster_config {{
    instance_type  = "t3.small.search"
    instance_count = 1
  }}
  ebs_options {{
    ebs_enabled = true
    volume_size = 10
  }}
}}
{policy}
data "aws_opensearch_domain" "search" {{
  domain_name = aws_opensearch_domain.search.domain_name
}}

output "endpoint" {{
  value = data.aws_opensearch_domain.search.endpoint
}}

output "instance_type" {{
  value = data.aws_opensearch_domain.search.cluster_config[0].instance_type
}}

output "volume_size" {{
  value = data.aws_opensearch_domain.search.ebs_options[0].volume_size
}}
"#,
        provider = provider()
    )
}

fn remote_policy(name: &str) -> String {
    opensearch(&format!("print(osc.describe_domain(DomainName='{name}')['DomainStatus'].get('AccessPolicies', ''))"))
}

#[test]
fn a_domain_policy_is_set_on_its_own_and_the_data_source_reads_the_domain() {
    let name = format!("search{}", std::process::id());
    let d = TempDir::with_files("aws-os-policy", &[("main.tf", &policy_config(&name, true))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_id(&d, "aws_opensearch_domain_policy", "main"), format!("esd-policy-{name}"));
    let remote = remote_policy(&name);
    assert!(remote.contains("es:*") && remote.contains(&format!("domain/{name}/*")), "{remote}");
    // The domain reads the policy its dependent set, and nothing drifts.
    no_changes(&d);
    let out = strata_ok(&d, &["output", "-json"]);
    let outputs: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(outputs["endpoint"]["value"], format!("{name}.{REGION}.es.amazonaws.com").as_str());
    assert_eq!(outputs["instance_type"]["value"], "t3.small.search");
    assert_eq!(outputs["volume_size"]["value"], 10);

    // Changed by hand: seen, and put back.
    opensearch(&format!(
        "osc.update_domain_config(DomainName='{name}', AccessPolicies=json.dumps({{'Version': '2012-10-17', 'Statement': []}}))"
    ));
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_opensearch_domain_policy.main will be updated in-place"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(remote_policy(&name).contains("es:*"));

    // Imported by domain name.
    strata_ok(&d, &["state", "rm", "aws_opensearch_domain_policy.main"]);
    strata_ok(&d, &["import", "-no-color", "aws_opensearch_domain_policy.main", &name]);
    assert_eq!(state_id(&d, "aws_opensearch_domain_policy", "main"), format!("esd-policy-{name}"));

    // Removed: the provider sends an empty policy (which moto ignores).
    d.write("main.tf", &policy_config(&name, false));
    let plan = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(plan.stdout.contains("aws_opensearch_domain_policy.main: Destruction complete"), "{}", plan.stdout);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(remote_domain(&name), "gone");
}

fn vpc_domain_config(name: &str, group: &str) -> String {
    format!(
        r#"{provider}
resource "aws_vpc" "search" {{
  cidr_block = "10.40.0.0/16"
}}

resource "aws_subnet" "a" {{
  vpc_id            = aws_vpc.search.id
  cidr_block        = "10.40.1.0/24"
  availability_zone = "{REGION}a"
}}

resource "aws_security_group" "first" {{
  name   = "{name}-first"
  vpc_id = aws_vpc.search.id
}}

resource "aws_security_group" "second" {{
  name   = "{name}-second"
  vpc_id = aws_vpc.search.id
}}

resource "aws_opensearch_domain" "private" {{
  domain_name    = "{name}"
  engine_version = "OpenSearch_2.11"

  cluster_config {{
    instance_type  = "r6g.large.search"
    instance_count = 1
  }}

  ebs_options {{
    ebs_enabled = true
    volume_size = 20
  }}

  vpc_options {{
    subnet_ids         = [aws_subnet.a.id]
    security_group_ids = [aws_security_group.{group}.id]
  }}
}}
"#,
        provider = provider()
    )
}

#[test]
fn a_domain_in_a_vpc_is_placed_in_its_subnet_and_replaced_when_its_placement_changes() {
    let name = format!("vpc{}", std::process::id());
    let d = TempDir::with_files("aws-os-vpc", &[("main.tf", &vpc_domain_config(&name, "first"))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let subnet = state_id(&d, "aws_subnet", "a");
    let first = state_id(&d, "aws_security_group", "first");
    let placed = opensearch(&format!(
        "v = osc.describe_domain(DomainName='{name}')['DomainStatus']['VPCOptions']\nprint(v['SubnetIds'], v['SecurityGroupIds'])"
    ));
    assert_eq!(placed, format!("['{subnet}'] ['{first}']"));
    let s = state_json(&d, "aws_opensearch_domain", "private");
    assert_eq!(s["vpc_options"][0]["subnet_ids"][0], subnet.as_str(), "{s}");
    no_changes(&d);

    // vpc_options forces a new domain, as in the provider.
    d.write("main.tf", &vpc_domain_config(&name, "second"));
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_opensearch_domain.private must be replaced"), "{plan}");
    assert!(plan.contains("# forces replacement"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let second = state_id(&d, "aws_security_group", "second");
    let placed = opensearch(&format!(
        "print(osc.describe_domain(DomainName='{name}')['DomainStatus']['VPCOptions']['SecurityGroupIds'])"
    ));
    assert_eq!(placed, format!("['{second}']"));
    no_changes(&d);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(remote_domain(&name), "gone");
}
