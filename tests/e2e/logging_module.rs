//! `modules/logging` as a user runs it: the domain with its tiers, the
//! write-once snapshot bucket and the snapshot role in moto; the retention
//! policy, the monthly templates, the S3 snapshot repository and the
//! nightly snapshot policy through the opensearch provider, pointed at the
//! search test server over osmem-server (moto's domains serve no data
//! plane). Applied, checked on both servers, planned clean, and destroyed.

use crate::aws_example::copy_tree;
use crate::aws_support::{strata_ok_with, strata_with};
use crate::moto::{aws, moto};
use crate::search_support::*;
use crate::support::{repo_root, TempDir};

fn caller(search_url: &str, tiers: bool) -> String {
    let tiers = if tiers { "" } else { "  warm_count           = 0\n  cold_storage         = false\n" };
    format!(
        r#"terraform {{
  required_providers {{
    aws        = {{ source = "hashicorp/aws", version = ">= 6.0" }}
    opensearch = {{ source = "opensearch-project/opensearch" }}
  }}
}}

provider "aws" {{
  region                      = "us-east-1"
  s3_use_path_style           = true
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}}

# On AWS: url = "https://${{module.security_logs.endpoint}}", sign_aws_requests = true.
provider "opensearch" {{
  url = "{search_url}"
}}

variable "search_master_password" {{
  type      = string
  sensitive = true
  default   = "Correct-Horse-Battery-9"
}}

module "security_logs" {{
  source               = "./modules/logging"
  name                 = "security-logs"
  master_user_password = var.search_master_password
{tiers}}}

output "endpoint" {{
  value = module.security_logs.endpoint
}}
"#
    )
}

fn env() -> [(&'static str, &'static str); 1] {
    [("AWS_ENDPOINT_URL", moto().endpoint.as_str())]
}

#[test]
fn the_logging_module_applies_the_domain_and_what_lives_in_it_plans_clean_and_destroys() {
    let Some(osmem) = osmem() else { return };
    let server = search_test_server(Flavour::OpenSearch, Some(&osmem.url));
    let d = TempDir::new("logging-module");
    copy_tree(&repo_root().join("modules/logging"), &d.path().join("modules/logging"));
    d.write("main.tf", &caller(&server.url, true));
    let apply = strata_ok_with(d.path(), &["apply", "-auto-approve", "-no-color"], &env());
    assert!(!apply.stdout.contains("Correct-Horse"), "the master password is sensitive:\n{}", apply.stdout);
    no_changes_with(&d);

    // The domain has its tiers, the bucket its lock.
    let domain = aws(
        "os = boto3.client('opensearch', endpoint_url=s3.meta.endpoint_url, region_name='us-east-1')\n\
         c = os.describe_domain(DomainName='security-logs')['DomainStatus']['ClusterConfig']\n\
         print(c['WarmEnabled'], c['WarmCount'], c['ColdStorageOptions']['Enabled'], c['DedicatedMasterCount'], c['ZoneAwarenessConfig']['AvailabilityZoneCount'])\n\
         l = s3.get_object_lock_configuration(Bucket=[b['Name'] for b in s3.list_buckets()['Buckets'] if b['Name'].startswith('security-logs-snapshots-')][0])\n\
         r = l['ObjectLockConfiguration']['Rule']['DefaultRetention']\n\
         print(r['Mode'], r['Days'])\n",
    );
    assert_eq!(domain, "True 2 True 3 3\nCOMPLIANCE 2555\n");

    // Inside: the policy with the service's tier actions, the templates,
    // the repository in the locked bucket, the nightly snapshots.
    let policy = request("GET", &format!("{}/_plugins/_ism/policies/security-logs-retention", server.url), None).json();
    let states: Vec<&str> =
        policy["policy"]["states"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(states, ["hot", "warm", "cold", "delete"]);
    assert!(policy["policy"]["states"][1]["actions"][0].get("warm_migration").is_some(), "{policy}");
    assert_eq!(policy["policy"]["states"][2]["transitions"][0]["conditions"]["min_index_age"], "2555d");
    let repo = request("GET", &format!("{}/_snapshot/security-logs-worm", server.url), None).json();
    assert_eq!(repo["security-logs-worm"]["type"], "s3", "{repo}");
    assert!(repo["security-logs-worm"]["settings"]["bucket"].as_str().unwrap().starts_with("security-logs-snapshots-"));
    let sm = request("GET", &format!("{}/_plugins/_sm/policies/security-logs-nightly", server.url), None);
    assert_eq!(sm.status, 200, "{}", sm.body);

    // A month's index gets the template's settings and the policy.
    let made = request("PUT", &format!("{}/security-logs-2026.12", server.url), Some("{}"));
    assert_eq!(made.status, 200, "{}", made.body);
    let settings = request("GET", &format!("{}/security-logs-2026.12/_settings", server.url), None).json();
    assert_eq!(settings["security-logs-2026.12"]["settings"]["index"]["number_of_shards"], "3", "{settings}");
    let explained = request("GET", &format!("{}/_plugins/_ism/explain/security-logs-2026.12", server.url), None).json();
    assert_eq!(explained["security-logs-2026.12"]["policy_id"], "security-logs-retention", "{explained}");

    // Without UltraWarm and cold storage, the same policy uses plain ISM
    // actions and the domain loses its warm nodes in place.
    d.write("main.tf", &caller(&server.url, false));
    let plan = strata_with(d.path(), &["plan", "-no-color"], &env());
    assert!(
        plan.stdout.contains("# module.security_logs.aws_opensearch_domain.this will be updated in-place"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    strata_ok_with(d.path(), &["apply", "-auto-approve", "-no-color"], &env());
    no_changes_with(&d);
    let policy = request("GET", &format!("{}/_plugins/_ism/policies/security-logs-retention", server.url), None).json();
    assert!(policy["policy"]["states"][1]["actions"][0].get("read_only").is_some(), "{policy}");

    strata_ok_with(d.path(), &["destroy", "-auto-approve", "-no-color"], &env());
    assert_eq!(
        request("GET", &format!("{}/_plugins/_ism/policies/security-logs-retention", server.url), None).status,
        404
    );
    let left = aws("os = boto3.client('opensearch', endpoint_url=s3.meta.endpoint_url, region_name='us-east-1')\n\
         print([d['DomainName'] for d in os.list_domain_names()['DomainNames']])\n");
    assert!(!left.contains("security-logs"), "{left}");
}

fn no_changes_with(d: &TempDir) {
    let plan = strata_with(d.path(), &["plan", "-detailed-exitcode", "-no-color"], &env());
    assert_eq!(plan.code, 0, "expected no changes:\n{}", plan.transcript());
}

#[test]
fn the_logging_module_refuses_bad_names_and_tiers_out_of_order_before_anything_is_made() {
    let d = TempDir::new("logging-module-bad");
    copy_tree(&repo_root().join("modules/logging"), &d.path().join("modules/logging"));
    let config = caller("http://127.0.0.1:9", true);
    d.write("main.tf", &config.replace("\"security-logs\"", "\"Security_Logs\""));
    let bad = strata_with(d.path(), &["validate", "-no-color"], &env());
    assert_eq!(bad.code, 1, "{}", bad.transcript());
    assert!(bad.stderr.contains("A domain name is 3 to 28 characters"), "{}", bad.stderr);

    let audit = config.replace("\"security-logs\"", "\"audit-trail\"");
    d.write(
        "main.tf",
        &audit.replace(
            "master_user_password = var.search_master_password",
            "master_user_password = var.search_master_password\n  hot_days             = 60",
        ),
    );
    let out_of_order = strata_with(d.path(), &["plan", "-no-color"], &env());
    assert_eq!(out_of_order.code, 1, "{}", out_of_order.transcript());
    assert!(
        out_of_order.stderr.contains("The tiers run in order: hot_days < warm_days < retention_days."),
        "{}",
        out_of_order.stderr
    );
    let nothing =
        aws("print(len([b for b in s3.list_buckets()['Buckets'] if b['Name'].startswith('audit-trail-')]))\n");
    assert_eq!(nothing.trim(), "0", "the plan made nothing");
}
