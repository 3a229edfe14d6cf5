//! IP network functions, checked against Terraform 1.11.4.

mod support;

use support::{check, check_err_containing as check_err};

#[test]
fn cidr() {
    for (src, want) in [
        (r#"cidrhost("10.12.112.0/20", 16)"#, r#""10.12.112.16""#),
        (r#"cidrhost("192.168.1.0/24", -256)"#, r#""192.168.1.0""#),
        (r#"cidrhost("fd00:fd12:3456:7890::/56", 16)"#, r#""fd00:fd12:3456:7800::10""#),
        (r#"cidrhost("2001:db8::/64", -1)"#, r#""2001:db8::ffff:ffff:ffff:ffff""#),
        (r#"cidrhost("2001:db8:0:1:1:1:1:1/128", 0)"#, r#""2001:db8:0:1:1:1:1:1""#),
        (r#"cidrnetmask("172.16.0.0/12")"#, r#""255.240.0.0""#),
        (r#"cidrnetmask("0.0.0.0/0")"#, r#""0.0.0.0""#),
        (r#"cidrsubnet("172.16.0.0/12", 4, 2)"#, r#""172.18.0.0/16""#),
        (r#"cidrsubnet("010.001.0.0/24", 4, 1)"#, r#""10.1.0.16/28""#),
        (r#"cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)"#, r#""fd00:fd12:3456:7800:a200::/72""#),
        (r#"cidrsubnet("10.0.0.0/8", 4, -1)"#, r#""0.16.0.0/12""#),
        (r#"cidrsubnet("::ffff:10.0.0.0/104", 8, 3)"#, r#""10.3.0.0/16""#),
        (
            r#"cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)"#,
            "tolist([\n  \"10.1.0.0/20\",\n  \"10.1.16.0/20\",\n  \"10.1.32.0/24\",\n  \"10.1.48.0/20\",\n])",
        ),
        (r#"cidrsubnets("10.0.0.0/8")"#, "tolist([])"),
        (
            r#"cidrsubnets("fd00:fd12:3456:7890::/56", 16, 16)"#,
            "tolist([\n  \"fd00:fd12:3456:7800::/72\",\n  \"fd00:fd12:3456:7800:100::/72\",\n])",
        ),
        (r#"cidrcontains("10.0.0.0/8", "10.1.2.3")"#, "true"),
        (r#"cidrcontains("10.0.0.0/8", "10.1.0.0/16")"#, "true"),
        (r#"cidrcontains("10.0.0.0/16", "10.0.0.0/8")"#, "false"),
        (r#"cidrcontains("10.0.0.0/8", "11.0.0.1")"#, "false"),
        (r#"cidrhost(var.unknown_string, 1)"#, "(known after apply)"),
        (r#"cidrhost(sensitive("10.0.0.0/8"), 1)"#, "(sensitive value)"),
    ] {
        check(src, want);
    }
    for (src, want) in [
        (r#"cidrhost("192.168.1.0/24", 256)"#, "prefix of 24 does not accommodate a host numbered 256."),
        (r#"cidrhost("192.168.1.0/24", -257)"#, "prefix of 24 does not accommodate a host numbered -1."),
        (r#"cidrhost("192.168.1.0/24", 1.5)"#, "value must be a whole number."),
        (r#"cidrhost("not-a-cidr", 1)"#, "invalid CIDR expression: invalid CIDR address: not-a-cidr."),
        (r#"cidrnetmask("::/64")"#, "IPv6 addresses cannot have a netmask: ::/64."),
        (r#"cidrsubnet("10.0.0.0/8", 25, 1)"#, "insufficient address space to extend prefix of 8 by 25."),
        (r#"cidrsubnet("10.0.0.0/8", 4, 16)"#, "prefix extension of 4 does not accommodate a subnet numbered 16."),
        (
            r#"cidrsubnets("10.0.0.0/8", 1, 1, 1)"#,
            "not enough remaining address space for a subnet with a prefix of 9 bits after 10.128.0.0/9.",
        ),
        (r#"cidrsubnets("10.0.0.0/8", 0)"#, "must extend prefix by at least one bit."),
        (r#"cidrsubnets("10.0.0.0/8", 33)"#, "may not extend prefix by more than 32 bits."),
        (r#"cidrsubnets("10.0.0.0/30", 3)"#, "would extend prefix to 33 bits, which is too long for an IPv4 address."),
        (r#"cidrhost("::/0", 1e100)"#, "does not accommodate a host numbered"),
    ] {
        check_err(src, want);
    }
}
