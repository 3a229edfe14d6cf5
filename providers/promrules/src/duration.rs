//! Prometheus durations (`model.Duration`): `1h30m`, `5m`, `1w`, `0`, read
//! and written as Prometheus does, so that `60m` and `1h` compare equal and
//! a re-plan is clean.

use std::sync::OnceLock;

const UNITS: [(&str, u64); 7] = [
    ("y", 1000 * 60 * 60 * 24 * 365),
    ("w", 1000 * 60 * 60 * 24 * 7),
    ("d", 1000 * 60 * 60 * 24),
    ("h", 1000 * 60 * 60),
    ("m", 1000 * 60),
    ("s", 1000),
    ("ms", 1),
];

/// Milliseconds, or Prometheus's own message for a bad duration.
pub fn parse(text: &str) -> Result<u64, String> {
    static SHAPE: OnceLock<regex::Regex> = OnceLock::new();
    let shape = SHAPE.get_or_init(|| {
        regex::Regex::new(r"^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$")
            .expect("the duration pattern compiles")
    });
    if text == "0" {
        return Ok(0);
    }
    let bad = || format!("not a valid duration string: {text:?}");
    if text.is_empty() {
        return Err("empty duration string".into());
    }
    let caps = shape.captures(text).ok_or_else(bad)?;
    let mut total: u64 = 0;
    for (i, (_, mult)) in UNITS.iter().enumerate() {
        if let Some(n) = caps.get(2 * i + 2) {
            let n: u64 = n.as_str().parse().map_err(|_| bad())?;
            total = n
                .checked_mul(*mult)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(|| "duration out of range".to_string())?;
        }
    }
    if total > i64::MAX as u64 / 1_000_000 {
        return Err("duration out of range".into());
    }
    Ok(total)
}

/// Prometheus's canonical form: years and weeks only when exact, `0s` for zero.
pub fn format(ms: u64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    let mut left = ms;
    let mut out = String::new();
    for (i, (unit, mult)) in UNITS.iter().enumerate() {
        if i < 2 && !left.is_multiple_of(*mult) {
            continue;
        }
        let v = left / mult;
        if v > 0 {
            out.push_str(&format!("{v}{unit}"));
            left -= v * mult;
        }
    }
    out
}

/// `text` in canonical form, or unchanged when it does not parse (the
/// check reports it).
pub fn canonical(text: &str) -> String {
    parse(text).map(format).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_and_print_as_prometheus_does() {
        for (text, ms, canon) in [
            ("0", 0, "0s"),
            ("0s", 0, "0s"),
            ("60m", 3_600_000, "1h"),
            ("90m", 5_400_000, "1h30m"),
            ("1h30m", 5_400_000, "1h30m"),
            ("7d", 604_800_000, "1w"),
            ("90d", 7_776_000_000, "90d"),
            ("365d", 31_536_000_000, "1y"),
            ("1500ms", 1500, "1s500ms"),
            ("2555d", 220_752_000_000, "7y"),
        ] {
            assert_eq!(parse(text), Ok(ms), "{text}");
            assert_eq!(format(ms), canon, "{text}");
        }
        for bad in ["", "5", "1m1h", "5 m", "-1m", "1.5h", "m"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
