//! hashicorp/aws 6.x's per-resource `region` against moto: one provider
//! configuration, objects in two regions; the region stored, planned clean,
//! a change of region replacing the object, `ID@REGION` imports, data
//! sources reading another region, and a 5.x state (no `region`) planning
//! no change.

use crate::aws_support::*;
use crate::support::*;

#[test]
fn one_provider_two_regions() {
    let tag = format!("region-{}", std::process::id());
    let config = |west_region: &str| {
        format!(
            "{}resource \"aws_vpc\" \"east\" {{\n  cidr_block = \"10.1.0.0/16\"\n  tags = {{ Test = \"{tag}\" }}\n}}\n\nresource \"aws_vpc\" \"west\" {{\n  region     = \"{west_region}\"\n  cidr_block = \"10.2.0.0/16\"\n  tags = {{ Test = \"{tag}\" }}\n}}\n\nresource \"aws_subnet\" \"west\" {{\n  region     = aws_vpc.west.region\n  vpc_id     = aws_vpc.west.id\n  cidr_block = \"10.2.1.0/24\"\n}}\n\ndata \"aws_vpc\" \"found\" {{\n  region = aws_vpc.west.region\n  id     = aws_vpc.west.id\n}}\n\ndata \"aws_region\" \"other\" {{\n  region = \"eu-central-1\"\n}}\n\noutput \"found\" {{\n  value = data.aws_vpc.found.cidr_block\n}}\n\noutput \"other\" {{\n  value = [data.aws_region.other.region, data.aws_region.other.name]\n}}\n",
            provider_block(None, "us-east-1", "")
        )
    };
    let d = TempDir::with_files("aws-region", &[("main.tf", &config("us-west-2"))]);
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(apply.stdout.contains("found = \"10.2.0.0/16\""), "{}", apply.stdout);
    assert!(apply.stdout.contains("other = [\n  \"eu-central-1\",\n  \"eu-central-1\",\n]"), "{}", apply.stdout);
    assert_eq!(state_attr(&d, "aws_vpc", "east", "region"), "us-east-1");
    assert_eq!(state_attr(&d, "aws_vpc", "west", "region"), "us-west-2");
    assert!(state_attr(&d, "aws_vpc", "west", "arn").starts_with("arn:aws:ec2:us-west-2:"));
    assert_eq!(state_attr(&d, "aws_subnet", "west", "region"), "us-west-2");
    assert_eq!((count_tagged_in("us-west-2", "vpcs", &tag), count_tagged("vpcs", &tag)), (1, 1));
    no_changes(&d);

    // Importing from another region: `ID@REGION`.
    let west_id = state_id(&d, "aws_vpc", "west");
    d.write(
        "import.tf",
        &format!("resource \"aws_vpc\" \"again\" {{\n  region     = \"us-west-2\"\n  cidr_block = \"10.2.0.0/16\"\n  tags = {{ Test = \"{tag}\" }}\n}}\n"),
    );
    strata_ok(&d, &["import", "-no-color", "aws_vpc.again", &format!("{west_id}@us-west-2")]);
    assert_eq!(state_attr(&d, "aws_vpc", "again", "region"), "us-west-2");
    strata_ok(&d, &["state", "rm", "aws_vpc.again"]);
    std::fs::remove_file(d.path().join("import.tf")).unwrap();

    // Another region replaces the VPC (and what lives in it).
    d.write("main.tf", &config("eu-west-1"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_vpc.west must be replaced"), "{plan}");
    assert!(plan.contains("~ region") && plan.contains("# forces replacement"), "{plan}");
    assert!(!plan.contains("# aws_vpc.east"), "the other region's VPC is untouched: {plan}");

    d.write("main.tf", &config("us-west-2"));
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!((count_tagged_in("us-west-2", "vpcs", &tag), count_tagged("vpcs", &tag)), (0, 0));
}

/// A state written by hashicorp/aws 5.x has no `region`: it means the
/// provider's region, and plans no change (nor a replacement).
#[test]
fn a_state_without_region_plans_no_change() {
    let tag = format!("region5-{}", std::process::id());
    let config = format!(
        "{}resource \"aws_vpc\" \"v\" {{\n  cidr_block = \"10.3.0.0/16\"\n  tags = {{ Test = \"{tag}\" }}\n}}\n",
        provider_block(None, "us-east-1", "")
    );
    let d = TempDir::with_files("aws-region5", &[("main.tf", &config)]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    // Rewrite the state as 5.x wrote it: no region attribute.
    let path = d.path().join("terraform.tfstate");
    let mut st: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    st["resources"][0]["instances"][0]["attributes"].as_object_mut().unwrap().remove("region");
    std::fs::write(&path, serde_json::to_string_pretty(&st).unwrap()).unwrap();
    no_changes(&d);
    let plan = strata(&d, &["plan", "-refresh=false", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(count_tagged("vpcs", &tag), 0);
}
