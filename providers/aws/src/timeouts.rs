//! Terraform's per-resource `timeouts {}` block: which operations each
//! type accepts and their defaults (as hashicorp/aws declares them), Go
//! duration strings ("90s", "10m", "1h30m"), and the value the state keeps
//! (null when the configuration has no block, as Terraform stores it).
//!
//! The engine passes the block through like any nested block; the provider
//! carries it from plan to state, and `Aws::within` bounds each operation
//! by its timeout.

use crate::util::attr;
use std::collections::BTreeMap;
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, NestedBlock, Nesting, PathStep, ProviderDiagnostic};

/// The plugin SDK's timeout for an operation a type declares no default for.
const SDK_DEFAULT: Duration = Duration::from_secs(20 * 60);

const fn minutes(m: u64) -> Duration {
    Duration::from_secs(m * 60)
}

/// The operations a type's `timeouts` block accepts, with their defaults.
/// Types that are absent have no block (`aws_vpc`, and the framework-based
/// security group rule types).
fn declared_minutes(type_name: &str) -> &'static [(&'static str, u64)] {
    match type_name {
        "aws_subnet" => &[("create", 10), ("delete", 20)],
        "aws_internet_gateway" => &[("create", 20), ("update", 20), ("delete", 20)],
        "aws_security_group" => &[("create", 10), ("delete", 15)],
        "aws_route_table" | "aws_route_table_association" | "aws_route" => {
            &[("create", 5), ("update", 2), ("delete", 5)]
        }
        "aws_default_route_table" => &[("create", 2), ("update", 2)],
        "aws_eip" => &[("read", 15), ("update", 5), ("delete", 3)],
        "aws_nat_gateway" => &[("create", 10), ("update", 10), ("delete", 30)],
        "aws_vpc_ipv4_cidr_block_association" => &[("create", 10), ("delete", 10)],
        "aws_vpc_endpoint" => &[("create", 10), ("update", 10), ("delete", 10)],
        "aws_security_group_rule" => &[("create", 5)],
        "aws_vpc_block_public_access_options" | "aws_vpc_block_public_access_exclusion" => {
            &[("create", 30), ("update", 30), ("delete", 30)]
        }
        t if crate::elbv2::TYPES.contains(&t) => crate::elbv2::timeouts(t),
        t if crate::family::of(t).is_some() => crate::family::of(t).expect("a family type").timeouts(t),
        _ => &[],
    }
}

fn declared(type_name: &str) -> impl Iterator<Item = (&'static str, Duration)> {
    declared_minutes(type_name).iter().map(|(op, m)| (*op, minutes(*m)))
}

/// `block` with the type's `timeouts` block added (unchanged for types without one).
pub fn with_block(type_name: &str, mut block: Block) -> Block {
    let attributes: BTreeMap<String, Attribute> =
        declared(type_name).map(|(op, _)| (op.to_string(), Attribute::optional(Type::String))).collect();
    if !attributes.is_empty() {
        block.blocks.insert(
            "timeouts".to_string(),
            NestedBlock {
                nesting: Nesting::Single,
                block: Block { attributes, blocks: BTreeMap::new() },
                min_items: 0,
                max_items: 0,
            },
        );
    }
    block
}

/// `result` with the `timeouts` of `from` (the plan or the prior state):
/// AWS knows nothing of them, so reads and applies carry them over.
pub fn carry(block: &Block, result: &Value, from: &Value) -> Value {
    let Some(nested) = block.blocks.get("timeouts") else { return result.clone() };
    if result.is_null() {
        return result.clone();
    }
    let kept = match attr(from, "timeouts") {
        v if v.is_null() => Value::null(nested.block.implied_type()),
        v => v,
    };
    crate::util::with_attr(result, "timeouts", kept)
}

/// How long operation `op` of `value`'s resource may take: the configured
/// duration, else the type's default, else the plugin SDK's 20 minutes.
pub fn timeout(type_name: &str, value: &Value, op: &str) -> Duration {
    let configured = crate::util::str_attr(&attr(value, "timeouts"), op).and_then(|s| parse_go_duration(&s).ok());
    configured.or_else(|| declared(type_name).find(|(o, _)| *o == op).map(|(_, d)| d)).unwrap_or(SDK_DEFAULT)
}

/// Errors for configured durations Go's `time.ParseDuration` would reject.
pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let timeouts = attr(config, "timeouts");
    let Some(entries) = timeouts.as_entries() else { return Vec::new() };
    let mut diags = Vec::new();
    for (op, v) in entries {
        let Some(text) = v.unmark_deep().0.as_str().map(String::from) else { continue };
        if let Err(message) = parse_go_duration(&text) {
            diags.push(
                ProviderDiagnostic::error(
                    message,
                    format!(
                        "The {op:?} timeout must be a duration such as \"90s\", \"10m\" or \"1h30m\" (units ns, us, ms, s, m, h)."
                    ),
                )
                .at(vec![PathStep::Attr("timeouts".into()), PathStep::Attr(op.clone())]),
            );
        }
    }
    diags
}

/// Go's `time.ParseDuration`: a sign, then one or more decimal numbers
/// each with a unit; "0" alone needs none. Errors read as Go's. A negative
/// duration is zero here (nothing can wait less than that).
pub fn parse_go_duration(text: &str) -> Result<Duration, String> {
    let invalid = || format!("time: invalid duration {text:?}");
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut nanos: f64 = 0.0;
    while !rest.is_empty() {
        let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(invalid());
        }
        let value: f64 = number.parse().map_err(|_| invalid())?;
        rest = &rest[number_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration {text:?}"));
        }
        let scale = match unit {
            "ns" => 1.0,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return Err(format!("time: unknown unit {unit:?} in duration {text:?}")),
        };
        nanos += value * scale;
        // Go's limit: about 290 years.
        if nanos > i64::MAX as f64 {
            return Err(invalid());
        }
        rest = &rest[unit_len..];
    }
    Ok(if negative { Duration::ZERO } else { Duration::from_nanos(nanos as u64) })
}

/// A duration as Go prints it: `10m0s`, `1h30m0s`, `3s`, `250ms`.
pub fn go_duration_text(d: Duration) -> String {
    let secs = d.as_secs();
    if secs == 0 {
        return if d.is_zero() { "0s".into() } else { format!("{}ms", d.as_millis()) };
    }
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_parse_as_go_parses_them() {
        assert_eq!(parse_go_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_go_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_go_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_go_duration("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_go_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_go_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_go_duration("+2m3s"), Ok(Duration::from_secs(123)));
        assert_eq!(parse_go_duration("-5m"), Ok(Duration::ZERO));
        assert_eq!(go_duration_text(Duration::from_secs(600)), "10m0s");
        assert_eq!(go_duration_text(Duration::from_secs(5400)), "1h30m0s");
        assert_eq!(go_duration_text(Duration::from_secs(3)), "3s");
    }

    #[test]
    fn bad_durations_get_gos_messages() {
        assert_eq!(parse_go_duration("ten minutes"), Err("time: invalid duration \"ten minutes\"".into()));
        assert_eq!(parse_go_duration(""), Err("time: invalid duration \"\"".into()));
        assert_eq!(parse_go_duration("10"), Err("time: missing unit in duration \"10\"".into()));
        assert_eq!(parse_go_duration("10x"), Err("time: unknown unit \"x\" in duration \"10x\"".into()));
        assert_eq!(parse_go_duration("5 m"), Err("time: unknown unit \" m\" in duration \"5 m\"".into()));
        assert_eq!(parse_go_duration("1..2s"), Err("time: invalid duration \"1..2s\"".into()));
    }

    #[test]
    fn configured_timeouts_win_over_the_types_defaults() {
        let block = with_block("aws_nat_gateway", Block::default());
        let timeouts = crate::util::object(&block.blocks["timeouts"].block, [("create", Value::string("90s"))]);
        let configured = Value::object(strata_lang::Fields::from([("timeouts".to_string(), timeouts)]));
        assert_eq!(timeout("aws_nat_gateway", &configured, "create"), Duration::from_secs(90));
        assert_eq!(timeout("aws_nat_gateway", &configured, "delete"), minutes(30));
        assert_eq!(timeout("aws_eip", &Value::dynamic_null(), "create"), SDK_DEFAULT);
        assert!(!with_block("aws_vpc", Block::default()).blocks.contains_key("timeouts"));
        assert_eq!(
            block.blocks["timeouts"].block.attributes.keys().collect::<Vec<_>>(),
            vec!["create", "delete", "update"]
        );
    }

    #[test]
    fn a_bad_duration_is_an_error_at_its_attribute() {
        let config = Value::object(
            BTreeMap::from([(
                "timeouts".to_string(),
                Value::object(
                    BTreeMap::from([
                        ("create".to_string(), Value::string("10 minutes")),
                        ("delete".to_string(), Value::null(Type::String)),
                    ])
                    .into(),
                ),
            )])
            .into(),
        );
        let diags = validate(&config);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].summary, "time: unknown unit \" minutes\" in duration \"10 minutes\"");
        assert_eq!(diags[0].attribute, Some(vec![PathStep::Attr("timeouts".into()), PathStep::Attr("create".into())]));
    }
}
