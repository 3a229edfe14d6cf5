//! `aws_network_acl`, `aws_network_acl_rule` and
//! `aws_network_acl_association` against moto: create with inline rules
//! and subnets, plan clean, a rule changed in place, a rule resource
//! replaced, a subnet given back to the VPC's default ACL, drift (rules and
//! an ACL deleted by hand), import (ACL, rule by `ACL:NUMBER:PROTOCOL:EGRESS`,
//! association), destroy leaving nothing; the provider's errors; ACLs made by
//! hand listed by `drift -unmanaged`.
//!
//! moto drops the ICMP type and code of an entry (it reads `Icmp.Code`
//! where the API sends them nested), so no rule here uses ICMP; real AWS
//! keeps them. moto also gives new ACLs none of the deny-all rules
//! (32767/32768) AWS adds; Strata ignores those either way.

use crate::aws_support::*;
use crate::moto::aws;
use crate::support::*;

struct Knobs<'a> {
    port: u32,
    rule_cidr: &'a str,
    subnets: &'a str,
}

fn config(tag: &str, k: &Knobs) -> String {
    format!(
        r#"{provider}
resource "aws_vpc" "v" {{
  cidr_block = "10.70.0.0/16"
  tags       = {{ Test = "{tag}" }}
}}

resource "aws_subnet" "a" {{
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.70.1.0/24"
  tags       = {{ Test = "{tag}" }}
}}

resource "aws_subnet" "b" {{
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.70.2.0/24"
  tags       = {{ Test = "{tag}" }}
}}

resource "aws_subnet" "c" {{
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.70.3.0/24"
  tags       = {{ Test = "{tag}" }}
}}

resource "aws_network_acl" "inline" {{
  vpc_id     = aws_vpc.v.id
  subnet_ids = [{subnets}]

  ingress {{
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "10.0.0.0/8"
    from_port  = {port}
    to_port    = {port}
  }}

  ingress {{
    protocol   = "all"
    rule_no    = 200
    action     = "DENY"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }}

  egress {{
    protocol        = "-1"
    rule_no         = 100
    action          = "allow"
    ipv6_cidr_block = "::/0"
    from_port       = 0
    to_port         = 0
  }}

  tags = {{ Test = "{tag}", Name = "inline" }}
}}

# Rules and subnets from the resources below: not managed here.
resource "aws_network_acl" "bare" {{
  vpc_id = aws_vpc.v.id
  tags   = {{ Test = "{tag}" }}
}}

resource "aws_network_acl_rule" "https" {{
  network_acl_id = aws_network_acl.bare.id
  rule_number    = 100
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "{rule_cidr}"
  from_port      = 443
  to_port        = 443
}}

resource "aws_network_acl_rule" "out" {{
  network_acl_id = aws_network_acl.bare.id
  rule_number    = 100
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}}

resource "aws_network_acl_association" "c" {{
  network_acl_id = aws_network_acl.bare.id
  subnet_id      = aws_subnet.c.id
}}
"#,
        provider = provider_block(None, "us-east-1", "  default_tags {\n    tags = { Owner = \"net\" }\n  }\n"),
        port = k.port,
        rule_cidr = k.rule_cidr,
        subnets = k.subnets,
    )
}

/// An ACL's entries as sorted `direction number protocol action cidr from-to`
/// lines, without AWS's deny-all rules; `gone` when there is no such ACL.
fn remote_entries(acl: &str) -> Vec<String> {
    let out = aws(&format!(
        r#"try:
    r = ec2.describe_network_acls(NetworkAclIds=['{acl}'])['NetworkAcls']
except Exception:
    r = []
if not r:
    print('gone')
for a in r:
    for e in a['Entries']:
        if e['RuleNumber'] < 32767:
            p = e.get('PortRange', {{}})
            print('out' if e['Egress'] else 'in', e['RuleNumber'], e['Protocol'], e['RuleAction'], e.get('CidrBlock') or e.get('Ipv6CidrBlock'), '%s-%s' % (p.get('From', 0), p.get('To', 0)))
"#
    ));
    let mut lines: Vec<String> = out.lines().map(String::from).collect();
    lines.sort();
    lines
}

/// The ACL a subnet uses, `default` for its VPC's default ACL.
fn acl_of(subnet: &str) -> String {
    aws(&format!(
        r#"a = ec2.describe_network_acls(Filters=[{{'Name':'association.subnet-id','Values':['{subnet}']}}])['NetworkAcls'][0]
print('default' if a['IsDefault'] else a['NetworkAclId'])"#
    ))
    .trim()
    .to_string()
}

/// Takes the ACL `inline`, the rule `https` and the association `c` out of
/// the state and leaves a journal as a kill -9 right after their creates
/// were sent would (each intent: a token and the planned object, whose
/// computed values are still null); the ACL carries its token tag, as its
/// create would have put it. The next plan must adopt all three.
fn adopt_after_interrupted_creates(d: &TempDir, acl: &str) {
    let st = state(d);
    let names =
        [("aws_network_acl", "inline"), ("aws_network_acl_rule", "https"), ("aws_network_acl_association", "c")];
    let mut lines = vec![serde_json::json!({ "lineage": st["lineage"], "serial": st["serial"] }).to_string()];
    for (i, (type_name, name)) in names.iter().enumerate() {
        let r = st["resources"].as_array().unwrap().iter().find(|r| r["type"] == *type_name && r["name"] == *name);
        let r = r.unwrap_or_else(|| panic!("{type_name}.{name} in state"));
        let mut instance = r["instances"][0].clone();
        instance["attributes"]["id"] = serde_json::Value::Null;
        if *type_name == "aws_network_acl_rule" {
            instance["attributes"]["protocol"] = "tcp".into(); // as configured
        }
        let entry = serde_json::json!({
            "mode": "managed", "type": type_name, "name": name, "provider": r["provider"],
            "instance": instance, "intent": format!("token-{i}-{}", std::process::id()), "intent_at": 0,
        });
        lines.push(entry.to_string());
    }
    let resources: Vec<String> = names.iter().map(|(t, n)| format!("{t}.{n}")).collect();
    let mut args = vec!["state", "rm"];
    args.extend(resources.iter().map(String::as_str));
    strata_ok(d, &args);
    aws(&format!(
        "ec2.create_tags(Resources=['{acl}'], Tags=[{{'Key': 'strata:create-token', 'Value': 'token-0-{}'}}])",
        std::process::id()
    ));
    std::fs::write(d.path().join("terraform.tfstate.journal"), lines.join("\n") + "\n").unwrap();
    let plan = strata(d, &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, 0, "the objects are in state again:\n{}", plan.transcript());
    assert_eq!(plan.stderr.matches("Adopted an object an interrupted apply created").count(), 3, "{}", plan.stderr);
    assert!(!d.path().join("terraform.tfstate.journal").exists(), "every intent is resolved");
}

fn apply(d: &TempDir) -> String {
    strata_ok(d, &["apply", "-auto-approve", "-no-color"]).stdout
}

#[test]
fn network_acls_rules_and_associations_lifecycle() {
    let tag = format!("nacl-{}", std::process::id());
    let first = Knobs { port: 80, rule_cidr: "10.1.0.0/16", subnets: "aws_subnet.a.id, aws_subnet.b.id" };
    let d = TempDir::with_files("aws-nacl", &[("main.tf", &config(&tag, &first))]);
    let out = apply(&d);
    assert!(out.contains("Resources: 9 added, 0 changed, 0 destroyed."), "{out}");
    let inline = state_id(&d, "aws_network_acl", "inline");
    let bare = state_id(&d, "aws_network_acl", "bare");
    let (a, b, c) = (state_id(&d, "aws_subnet", "a"), state_id(&d, "aws_subnet", "b"), state_id(&d, "aws_subnet", "c"));
    assert!(inline.starts_with("acl-"), "{inline}");
    let acl = state_json(&d, "aws_network_acl", "inline");
    assert!(acl["arn"].as_str().unwrap().ends_with(&format!(":network-acl/{inline}")), "{acl}");
    assert_eq!(acl["tags_all"]["Owner"], "net");
    assert!(acl["tags"].get("Owner").is_none(), "{acl}");
    // The state speaks protocol numbers and lower-case actions, as the provider's does.
    let ingress = acl["ingress"].as_array().unwrap();
    assert!(ingress.iter().any(|r| r["protocol"] == "6" && r["from_port"] == 80 && r["icmp_type"] == 0), "{acl}");
    assert!(ingress.iter().any(|r| r["protocol"] == "-1" && r["action"] == "deny"), "{acl}");
    let mut subnets: Vec<&str> = acl["subnet_ids"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    subnets.sort();
    let mut want = vec![a.as_str(), b.as_str()];
    want.sort();
    assert_eq!(subnets, want);
    assert_eq!(
        remote_entries(&inline),
        ["in 100 6 allow 10.0.0.0/8 80-80", "in 200 -1 deny 0.0.0.0/0 0-0", "out 100 -1 allow ::/0 0-0"]
    );
    assert_eq!(remote_entries(&bare), ["in 100 6 allow 10.1.0.0/16 443-443", "out 100 -1 allow 0.0.0.0/0 0-0"]);
    let rule = state_json(&d, "aws_network_acl_rule", "https");
    let rule_id = rule["id"].as_str().unwrap().to_string();
    assert!(rule_id.starts_with("nacl-"), "{rule}");
    assert_eq!(rule["protocol"], "6");
    assert_eq!(rule["egress"], false);
    // The bare ACL reads its rule resources' rules and its association's subnet.
    let bare_state = state_json(&d, "aws_network_acl", "bare");
    assert_eq!(bare_state["ingress"].as_array().unwrap().len(), 1, "{bare_state}");
    assert_eq!(bare_state["subnet_ids"], serde_json::json!([c.clone()]));
    assert_eq!((acl_of(&a), acl_of(&b), acl_of(&c)), (inline.clone(), inline.clone(), bare.clone()));
    no_changes(&d);

    // An inline rule changes in place: its entry is replaced.
    let ported = Knobs { port: 8080, ..first };
    d.write("main.tf", &config(&tag, &ported));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_network_acl.inline will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    apply(&d);
    assert_eq!(state_id(&d, "aws_network_acl", "inline"), inline);
    assert!(remote_entries(&inline).contains(&"in 100 6 allow 10.0.0.0/8 8080-8080".to_string()));
    no_changes(&d);

    // Every argument of a rule resource forces a new rule (the same id:
    // it is made of the ACL, number, direction and protocol).
    let recidred = Knobs { rule_cidr: "10.2.0.0/16", ..ported };
    d.write("main.tf", &config(&tag, &recidred));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_network_acl_rule.https must be replaced"), "{plan}");
    assert!(plan.contains("# forces replacement"), "{plan}");
    apply(&d);
    assert_eq!(state_id(&d, "aws_network_acl_rule", "https"), rule_id);
    assert!(remote_entries(&bare).contains(&"in 100 6 allow 10.2.0.0/16 443-443".to_string()));
    no_changes(&d);

    // A subnet left out of subnet_ids goes back to the VPC's default ACL.
    let fewer = Knobs { subnets: "aws_subnet.a.id", ..recidred };
    d.write("main.tf", &config(&tag, &fewer));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_network_acl.inline will be updated in-place"), "{plan}");
    apply(&d);
    assert_eq!((acl_of(&a), acl_of(&b)), (inline.clone(), "default".to_string()));
    no_changes(&d);

    // Drift: rules deleted by hand are put back.
    aws(&format!(
        "ec2.delete_network_acl_entry(NetworkAclId='{inline}', RuleNumber=200, Egress=False)\nec2.delete_network_acl_entry(NetworkAclId='{bare}', RuleNumber=100, Egress=False)"
    ));
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    assert!(drift.stdout.contains("aws_network_acl.inline"), "{}", drift.stdout);
    assert!(drift.stdout.contains("aws_network_acl_rule.https"), "{}", drift.stdout);
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_network_acl.inline will be updated in-place"), "{plan}");
    assert!(plan.contains("# aws_network_acl_rule.https will be created"), "{plan}");
    apply(&d);
    assert!(remote_entries(&inline).contains(&"in 200 -1 deny 0.0.0.0/0 0-0".to_string()));
    assert!(remote_entries(&bare).contains(&"in 100 6 allow 10.2.0.0/16 443-443".to_string()));
    no_changes(&d);

    // Drift: the ACL deleted by hand (its subnet given back first) is made again.
    aws(&format!(
        r#"a = ec2.describe_network_acls(Filters=[{{'Name':'association.subnet-id','Values':['{a}']}}])['NetworkAcls'][0]
assoc = [x['NetworkAclAssociationId'] for x in a['Associations'] if x['SubnetId'] == '{a}'][0]
default = ec2.describe_network_acls(Filters=[{{'Name':'default','Values':['true']}}, {{'Name':'vpc-id','Values':[a['VpcId']]}}])['NetworkAcls'][0]['NetworkAclId']
ec2.replace_network_acl_association(AssociationId=assoc, NetworkAclId=default)
ec2.delete_network_acl(NetworkAclId='{inline}')"#
    ));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_network_acl.inline will be created"), "{plan}");
    apply(&d);
    let inline = state_id(&d, "aws_network_acl", "inline");
    assert_eq!(acl_of(&a), inline);
    assert_eq!(remote_entries(&inline).len(), 3);
    no_changes(&d);

    // Import: the ACL by id, the rule by ACL:NUMBER:PROTOCOL:EGRESS, the
    // association by its id.
    let association = state_id(&d, "aws_network_acl_association", "c");
    assert!(association.starts_with("aclassoc-"), "{association}");
    strata_ok(
        &d,
        &["state", "rm", "aws_network_acl.inline", "aws_network_acl_rule.https", "aws_network_acl_association.c"],
    );
    // A VPC's default ACL is aws_default_network_acl's, not this type's.
    let vpc = state_id(&d, "aws_vpc", "v");
    let default = aws(&format!(
        "print(ec2.describe_network_acls(Filters=[{{'Name':'default','Values':['true']}}, {{'Name':'vpc-id','Values':['{vpc}']}}])['NetworkAcls'][0]['NetworkAclId'])"
    ));
    let refused = strata(&d, &["import", "-no-color", "aws_network_acl.inline", default.trim()]);
    assert_ne!(refused.code, 0);
    assert!(refused.stderr.contains("use the `aws_default_network_acl` resource instead"), "{}", refused.stderr);
    strata_ok(&d, &["import", "-no-color", "aws_network_acl.inline", &inline]);
    let bad = strata(&d, &["import", "-no-color", "aws_network_acl_rule.https", &format!("{bare}:100:tcp")]);
    assert_ne!(bad.code, 0);
    assert!(
        bad.stderr.contains("unexpected format of ID") && bad.stderr.contains("RULE_NUMBER:PROTOCOL:EGRESS"),
        "{}",
        bad.stderr
    );
    strata_ok(&d, &["import", "-no-color", "aws_network_acl_rule.https", &format!("{bare}:100:tcp:false")]);
    strata_ok(&d, &["import", "-no-color", "aws_network_acl_association.c", &association]);
    assert_eq!(state_id(&d, "aws_network_acl_rule", "https"), rule_id);
    assert_eq!(state_attr(&d, "aws_network_acl_association", "c", "subnet_id"), c);
    no_changes(&d);

    // Interrupted creates: the journal holds intents whose outcome was
    // never recorded; the next plan finds the ACL by its token tag, the
    // rule by its ACL, direction and number, the association by its subnet.
    adopt_after_interrupted_creates(&d, &inline);
    assert_eq!(state_id(&d, "aws_network_acl", "inline"), inline);
    assert_eq!(state_id(&d, "aws_network_acl_rule", "https"), rule_id);
    assert_eq!(state_id(&d, "aws_network_acl_association", "c"), association);
    no_changes(&d);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(count_tagged("network_acls", &tag), 0);
    assert_eq!(count_tagged("subnets", &tag), 0);
    assert_eq!(count_tagged("vpcs", &tag), 0);
}

/// Two rules with one number, and an all-protocols inline rule with
/// ports: the provider's errors, and a failed ACL leaves nothing behind.
#[test]
fn network_acl_errors_are_the_providers() {
    let tag = format!("nacl-bad-{}", std::process::id());
    let config = format!(
        r#"{provider}
resource "aws_vpc" "v" {{
  cidr_block = "10.71.0.0/16"
  tags       = {{ Test = "{tag}" }}
}}

resource "aws_network_acl" "ok" {{
  vpc_id = aws_vpc.v.id
  tags   = {{ Test = "{tag}" }}
}}

resource "aws_network_acl_rule" "first" {{
  network_acl_id = aws_network_acl.ok.id
  rule_number    = 100
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/8"
  from_port      = 53
  to_port        = 53
}}

resource "aws_network_acl_rule" "again" {{
  network_acl_id = aws_network_acl.ok.id
  rule_number    = 100
  protocol       = "tcp"
  rule_action    = "deny"
  cidr_block     = "10.0.0.0/8"
  depends_on     = [aws_network_acl_rule.first]
}}

resource "aws_network_acl" "bad" {{
  vpc_id = aws_vpc.v.id
  ingress {{
    protocol   = "-1"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 1
    to_port    = 2
  }}
  tags = {{ Test = "{tag}" }}
}}
"#,
        provider = provider_block(None, "us-east-1", "")
    );
    let d = TempDir::with_files("aws-nacl-bad", &[("main.tf", &config)]);
    let out = strata(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_ne!(out.code, 0, "{}", out.transcript());
    let ok = state_id(&d, "aws_network_acl", "ok");
    // The messages are wrapped on the terminal: check their pieces.
    assert!(
        out.stderr.contains(&format!("NetworkAclEntryAlreadyExists: EC2 Network ACL ({ok}) Rule")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("(100) already exists"), "{}", out.stderr);
    assert!(
        out.stderr.contains("creating EC2 Network ACL: to_port (2) and from_port (1) must both be 0"),
        "{}",
        out.stderr
    );
    assert_eq!(remote_entries(&ok), ["in 100 17 allow 10.0.0.0/8 53-53"], "the first rule stays as it was");
    assert_eq!(count_tagged("network_acls", &tag), 1, "the failed ACL was not left behind");
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(count_tagged("network_acls", &tag), 0);
    assert_eq!(count_tagged("vpcs", &tag), 0);
}

/// `drift -unmanaged` lists an ACL made by hand, not the VPC's default ACL
/// (a region of its own, so that other tests' ACLs stay out of the list).
#[test]
fn an_acl_made_by_hand_is_unmanaged_and_the_default_acl_is_not() {
    const REGION: &str = "ap-southeast-2";
    let config = format!(
        r#"{provider}
resource "aws_vpc" "v" {{
  cidr_block = "10.72.0.0/16"
}}

resource "aws_network_acl" "managed" {{
  vpc_id = aws_vpc.v.id
}}
"#,
        provider = provider_block(None, REGION, "")
    );
    let d = TempDir::with_files("aws-nacl-unmanaged", &[("main.tf", &config)]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let clean = strata(&d, &["drift", "-unmanaged", "-json"]);
    assert_eq!(clean.code, 0, "{}", clean.transcript());
    let vpc = state_id(&d, "aws_vpc", "v");
    let made = aws_in(REGION, &format!("print(ec2.create_network_acl(VpcId='{vpc}')['NetworkAcl']['NetworkAclId'])"));
    let out = strata(&d, &["drift", "-unmanaged", "-json"]);
    assert_eq!(out.code, 2, "{}", out.transcript());
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let unmanaged: Vec<(&str, &str)> = report["unmanaged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["type"].as_str().unwrap(), o["id"].as_str().unwrap()))
        .collect();
    assert_eq!(unmanaged, [("aws_network_acl", made.trim())], "{}", out.stdout);
    aws_in(REGION, &format!("ec2.delete_network_acl(NetworkAclId='{}')", made.trim()));
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
}

/// Rules given as terraform-aws-modules/vpc gives them: a `list(map(string))`
/// variable (numbers as strings), `lookup(…, null)` for what a rule leaves
/// out, `count` over the list, `region = null`; the ACL's subnets from a
/// splat. Plans clean after the apply, and a rule added to the list is one
/// create.
#[test]
fn rules_written_as_the_vpc_module_writes_them() {
    let tag = format!("nacl-module-{}", std::process::id());
    let config = |extra_rule: &str| {
        format!(
            r#"{provider}
variable "inbound" {{
  type = list(map(string))
  default = [
    {{ rule_number = 100, rule_action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" }},
    {{ rule_number = 110, rule_action = "deny", from_port = 22, to_port = 22, protocol = "tcp", ipv6_cidr_block = "::/0" }},
    {extra_rule}
  ]
}}

variable "region" {{
  type    = string
  default = null
}}

resource "aws_vpc" "v" {{
  cidr_block = "10.73.0.0/16"
  tags       = {{ Test = "{tag}" }}
}}

resource "aws_subnet" "public" {{
  count      = 2
  vpc_id     = aws_vpc.v.id
  cidr_block = cidrsubnet(aws_vpc.v.cidr_block, 8, count.index)
}}

resource "aws_network_acl" "public" {{
  region     = var.region
  vpc_id     = aws_vpc.v.id
  subnet_ids = aws_subnet.public[*].id
  tags       = {{ Name = "public", Test = "{tag}" }}
}}

resource "aws_network_acl_rule" "public_inbound" {{
  count  = length(var.inbound)
  region = var.region

  network_acl_id  = aws_network_acl.public.id
  egress          = false
  rule_number     = var.inbound[count.index]["rule_number"]
  rule_action     = var.inbound[count.index]["rule_action"]
  from_port       = lookup(var.inbound[count.index], "from_port", null)
  to_port         = lookup(var.inbound[count.index], "to_port", null)
  icmp_code       = lookup(var.inbound[count.index], "icmp_code", null)
  icmp_type       = lookup(var.inbound[count.index], "icmp_type", null)
  protocol        = var.inbound[count.index]["protocol"]
  cidr_block      = lookup(var.inbound[count.index], "cidr_block", null)
  ipv6_cidr_block = lookup(var.inbound[count.index], "ipv6_cidr_block", null)
}}
"#,
            provider = provider_block(None, "us-east-1", "")
        )
    };
    let d = TempDir::with_files("aws-nacl-module", &[("main.tf", &config(""))]);
    let out = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]).stdout;
    assert!(out.contains("Resources: 6 added, 0 changed, 0 destroyed."), "{out}");
    let acl = state_id(&d, "aws_network_acl", "public");
    assert_eq!(remote_entries(&acl), ["in 100 -1 allow 0.0.0.0/0 0-0", "in 110 6 deny ::/0 22-22"]);
    no_changes(&d);

    let https = r#"{ rule_number = 120, rule_action = "allow", from_port = 443, to_port = 443, protocol = "6", cidr_block = "10.0.0.0/8" },"#;
    d.write("main.tf", &config(https));
    let plan = planned_changes(&d);
    assert!(plan.contains("Plan: 1 to add, 0 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(remote_entries(&acl).contains(&"in 120 6 allow 10.0.0.0/8 443-443".to_string()));
    no_changes(&d);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(count_tagged("network_acls", &tag), 0);
}
