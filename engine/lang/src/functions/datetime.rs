//! Date and time functions: formatdate plantimestamp timeadd timecmp
//! timestamp. Timestamps are RFC 3339 strings, parsed as Go's
//! `time.Parse(time.RFC3339, ...)` does, with cty's error messages.

use super::encoding::{arg_fail, fail};
use super::{CallContext, FnResult, Function, Param, ReturnType};
use crate::types::Type;
use crate::value::Value;

pub(super) fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

pub(super) fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// An instant with the UTC offset it was written with.
#[derive(Clone, Copy, Debug)]
pub(super) struct Time {
    /// Seconds since the Unix epoch.
    pub secs: i64,
    pub nanos: u32,
    /// Offset east of UTC, in seconds; `None` for `Z`.
    pub offset: Option<i32>,
}

struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    weekday: u32,
}

impl Time {
    fn offset_secs(&self) -> i64 {
        self.offset.unwrap_or(0) as i64
    }

    fn civil(&self) -> Civil {
        let local = self.secs + self.offset_secs();
        let days = local.div_euclid(86400);
        let rem = local.rem_euclid(86400);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
            weekday: (days + 4).rem_euclid(7) as u32,
        }
    }

    /// `Z07:00`
    fn zone_colon(&self, z_for_utc: bool) -> String {
        let o = self.offset.unwrap_or(0);
        if o == 0 && z_for_utc {
            return "Z".into();
        }
        let sign = if o < 0 { '-' } else { '+' };
        let a = o.abs();
        format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
    }

    fn zone_plain(&self) -> String {
        let o = self.offset.unwrap_or(0);
        let sign = if o < 0 { '-' } else { '+' };
        let a = o.abs();
        format!("{sign}{:02}{:02}", a / 3600, a % 3600 / 60)
    }

    pub fn rfc3339(&self) -> String {
        let c = self.civil();
        let year = if c.year < 0 { format!("-{:04}", -c.year) } else { format!("{:04}", c.year) };
        format!(
            "{year}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
            c.month,
            c.day,
            c.hour,
            c.minute,
            c.second,
            self.zone_colon(true)
        )
    }
}

struct ParseError {
    layout: &'static str,
    value: String,
    message: String,
}

fn perr(layout: &'static str, value: &str, message: &str) -> ParseError {
    ParseError { layout, value: value.to_string(), message: message.to_string() }
}

fn getnum(s: &str, fixed: bool) -> Option<(u32, &str)> {
    let b = s.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if !b.get(1).is_some_and(u8::is_ascii_digit) {
        if fixed {
            return None;
        }
        return Some(((b[0] - b'0') as u32, &s[1..]));
    }
    Some((((b[0] - b'0') * 10 + (b[1] - b'0')) as u32, &s[2..]))
}

fn parse_go_rfc3339(s: &str) -> Result<Time, ParseError> {
    let mut value = s;
    // 2006
    let b = value.as_bytes();
    if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
        return Err(perr("2006", value, ""));
    }
    let year: i64 = value[..4].parse().expect("digits");
    value = &value[4..];
    let lit = |value: &mut &str, l: &'static str| -> Result<(), ParseError> {
        match value.strip_prefix(l) {
            Some(rest) => {
                *value = rest;
                Ok(())
            }
            None => Err(perr(l, value, "")),
        }
    };
    lit(&mut value, "-")?;
    let hold = value;
    let (month, rest) = getnum(value, true).ok_or_else(|| perr("01", hold, ""))?;
    value = rest;
    if !(1..=12).contains(&month) {
        return Err(perr("01", value, ": month out of range"));
    }
    lit(&mut value, "-")?;
    let hold = value;
    let (day, rest) = getnum(value, true).ok_or_else(|| perr("02", hold, ""))?;
    value = rest;
    lit(&mut value, "T")?;
    let hold = value;
    let (hour, rest) = getnum(value, false).ok_or_else(|| perr("15", hold, ""))?;
    value = rest;
    if hour >= 24 {
        return Err(perr("15", value, ": hour out of range"));
    }
    lit(&mut value, ":")?;
    let hold = value;
    let (minute, rest) = getnum(value, true).ok_or_else(|| perr("04", hold, ""))?;
    value = rest;
    if minute >= 60 {
        return Err(perr("04", value, ": minute out of range"));
    }
    lit(&mut value, ":")?;
    let hold = value;
    let (second, rest) = getnum(value, true).ok_or_else(|| perr("05", hold, ""))?;
    value = rest;
    if second >= 60 {
        return Err(perr("05", value, ": second out of range"));
    }
    let mut nanos = 0u32;
    let vb = value.as_bytes();
    if vb.len() >= 2 && (vb[0] == b'.' || vb[0] == b',') && vb[1].is_ascii_digit() {
        let mut n = 2;
        while n < vb.len() && vb[n].is_ascii_digit() {
            n += 1;
        }
        let digits = &value[1..n];
        let mut frac: u64 = 0;
        for (i, c) in digits.bytes().take(9).enumerate() {
            frac += (c - b'0') as u64 * 10u64.pow(8 - i as u32);
        }
        nanos = frac as u32;
        value = &value[n..];
    }
    // Z07:00
    let offset = if let Some(rest) = value.strip_prefix('Z') {
        value = rest;
        None
    } else {
        let vb = value.as_bytes();
        if vb.len() < 6 || vb[3] != b':' {
            return Err(perr("Z07:00", value, ""));
        }
        let hold = value;
        let (hr, _) = getnum(&value[1..3], true).ok_or_else(|| perr("Z07:00", hold, ""))?;
        let (mm, _) = getnum(&value[4..6], true).ok_or_else(|| perr("Z07:00", hold, ""))?;
        let sign = match vb[0] {
            b'+' => 1,
            b'-' => -1,
            _ => return Err(perr("Z07:00", hold, "")),
        };
        value = &value[6..];
        if hr > 24 {
            return Err(perr("Z07:00", value, ": time zone offset hour out of range"));
        }
        if mm > 60 {
            return Err(perr("Z07:00", value, ": time zone offset minute out of range"));
        }
        Some(sign * ((hr * 60 + mm) * 60) as i32)
    };
    if !value.is_empty() {
        return Err(perr("", value, ": extra text"));
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(perr("", "", ": day out of range"));
    }
    let days = days_from_civil(year, month, day);
    let local = days * 86400 + (hour * 3600 + minute * 60 + second) as i64;
    let offset = offset.filter(|o| *o != 0);
    Ok(Time { secs: local - offset.unwrap_or(0) as i64, nanos, offset })
}

/// Parses an RFC 3339 timestamp as Terraform does (Go's strict RFC 3339
/// parsing), with Terraform's error messages.
pub(super) fn parse_timestamp(s: &str) -> Result<Time, String> {
    let p = "not a valid RFC3339 timestamp";
    let e = match parse_go_rfc3339(s) {
        Ok(t) => {
            // Go's extra strict checks after a lenient parse.
            let b = s.as_bytes();
            if b.get(12) == Some(&b':') {
                return Err(format!("{p}: hour must have exactly two digits"));
            }
            if b.get(19) == Some(&b',') {
                return Err(format!("{p}: cannot use \",\" as timestamp segment"));
            }
            return Ok(t);
        }
        Err(e) => e,
    };
    if e.layout.is_empty() && e.value.is_empty() && !e.message.is_empty() {
        return Err(format!("{p}{}", e.message));
    }
    let what = match e.layout {
        "2006" => "year",
        "01" => "month",
        "02" => "day of month",
        "15" => "hour",
        "04" => "minute",
        "05" => "second",
        "Z07:00" => "UTC offset",
        "T" => return Err(format!("{p}: missing required time introducer 'T'")),
        ":" | "-" => {
            return Err(if e.value.is_empty() {
                format!("{p}: end of string where {:?} is expected", e.layout)
            } else {
                format!("{p}: found {} where {:?} is expected", crate::render::go_quote(&e.value), e.layout)
            });
        }
        _ => "timestamp segment",
    };
    Err(if e.value.is_empty() {
        format!("{p}: end of string before {what}")
    } else if what == "hour" && e.value.contains(':') {
        format!("{p}: hour must be between 0 and 23 inclusive")
    } else if what == "hour" && e.value.len() != 2 {
        format!("{p}: hour must have exactly two digits")
    } else if what == "minute" && e.value.len() != 2 {
        format!("{p}: minute must have exactly two digits")
    } else {
        format!("{p}: cannot use {} as {what}", crate::render::go_quote(&e.value))
    })
}

/// Go's `time.ParseDuration`, in nanoseconds.
pub(super) fn parse_duration(orig: &str) -> Result<i128, String> {
    let invalid = || format!("time: invalid duration {}", crate::render::go_quote(orig));
    let mut s = orig;
    let mut neg = false;
    if let Some(c) = s.chars().next() {
        if c == '-' || c == '+' {
            neg = c == '-';
            s = &s[1..];
        }
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: i128 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        let mut i = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let int_part = &s[..i];
        let pre = i > 0;
        let mut frac_part = "";
        if i < b.len() && b[i] == b'.' {
            let st = i + 1;
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            frac_part = &s[st..i];
        }
        if !pre && frac_part.is_empty() {
            return Err(invalid());
        }
        let mut j = i;
        while j < b.len() && b[j] != b'.' && !b[j].is_ascii_digit() {
            j += 1;
        }
        let unit_str = &s[i..j];
        if unit_str.is_empty() {
            return Err(format!("time: missing unit in duration {}", crate::render::go_quote(orig)));
        }
        let unit: i128 = match unit_str {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    crate::render::go_quote(unit_str),
                    crate::render::go_quote(orig)
                ))
            }
        };
        let v: i128 = if int_part.is_empty() { 0 } else { int_part.parse::<i128>().map_err(|_| invalid())? };
        if v > (1i128 << 63) {
            return Err(invalid());
        }
        let mut part = v * unit;
        if !frac_part.is_empty() {
            let mut scale: i128 = 1;
            let mut f: i128 = 0;
            for c in frac_part.bytes().take(30) {
                f = f * 10 + (c - b'0') as i128;
                scale *= 10;
            }
            part += f * unit / scale;
        }
        total += part;
        if total > (1i128 << 63) {
            return Err(invalid());
        }
        s = &s[j..];
    }
    if neg {
        total = -total;
    }
    if total > i64::MAX as i128 || total < i64::MIN as i128 {
        return Err(invalid());
    }
    Ok(total)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

fn format_date(format: &str, t: &Time) -> Result<String, String> {
    let c = t.civil();
    let chars: Vec<char> = format.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        if ch == '\'' {
            if chars.get(i + 1) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            // Quoted literal, with '' as an escaped quote.
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err("unterminated literal '".into()),
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        out.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(c) => {
                        out.push(*c);
                        i += 1;
                    }
                }
            }
            continue;
        }
        if !ch.is_ascii_alphabetic() {
            out.push(ch);
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && chars[j] == ch {
            j += 1;
        }
        let verb: String = chars[i..j].iter().collect();
        i = j;
        let bad = |why: &str| Err(format!("invalid date format verb {verb:?}: {why}"));
        let h12 = if c.hour.is_multiple_of(12) { 12 } else { c.hour % 12 };
        match verb.as_str() {
            "YYYY" => {
                if c.year < 0 {
                    out.push_str(&format!("-{:04}", -c.year));
                } else {
                    out.push_str(&format!("{:04}", c.year));
                }
            }
            "YY" => out.push_str(&format!("{:02}", c.year.rem_euclid(100))),
            "MMMM" => out.push_str(MONTHS[c.month as usize - 1]),
            "MMM" => out.push_str(&MONTHS[c.month as usize - 1][..3]),
            "MM" => out.push_str(&format!("{:02}", c.month)),
            "M" => out.push_str(&c.month.to_string()),
            "DD" => out.push_str(&format!("{:02}", c.day)),
            "D" => out.push_str(&c.day.to_string()),
            "EEEE" => out.push_str(DAYS[c.weekday as usize]),
            "EEE" => out.push_str(&DAYS[c.weekday as usize][..3]),
            "hh" => out.push_str(&format!("{:02}", c.hour)),
            "h" => out.push_str(&c.hour.to_string()),
            "HH" => out.push_str(&format!("{h12:02}")),
            "H" => out.push_str(&h12.to_string()),
            "AA" => out.push_str(if c.hour < 12 { "AM" } else { "PM" }),
            "aa" => out.push_str(if c.hour < 12 { "am" } else { "pm" }),
            "mm" => out.push_str(&format!("{:02}", c.minute)),
            "m" => out.push_str(&c.minute.to_string()),
            "ss" => out.push_str(&format!("{:02}", c.second)),
            "s" => out.push_str(&c.second.to_string()),
            "ZZZZZ" => out.push_str(&t.zone_colon(false)),
            "ZZZZ" => out.push_str(&t.zone_plain()),
            "ZZZ" => {
                if t.offset.is_none() {
                    out.push_str("UTC");
                } else {
                    out.push_str(&t.zone_plain());
                }
            }
            "Z" => out.push_str(&t.zone_colon(true)),
            _ => {
                return match ch {
                    'Y' => bad("year must either be \"YY\" or \"YYYY\""),
                    'M' => bad("month must be \"M\", \"MM\", \"MMM\", or \"MMMM\""),
                    'D' => bad("day of month must either be \"D\" or \"DD\""),
                    'E' => bad("day of week must either be \"EEE\" or \"EEEE\""),
                    'h' => bad("24-hour must either be \"h\" or \"hh\""),
                    'H' => bad("12-hour must either be \"H\" or \"HH\""),
                    'A' => bad("must be \"AA\""),
                    'a' => bad("must be \"aa\""),
                    'm' => bad("minute must either be \"m\" or \"mm\""),
                    's' => bad("second must either be \"s\" or \"ss\""),
                    'Z' => bad("timezone must be Z, ZZZZ, or ZZZZZ"),
                    _ => Err(format!("invalid date format verb {verb:?}")),
                };
            }
        }
    }
    Ok(out)
}

fn s(a: &[Value], i: usize) -> &str {
    a[i].as_str().expect("converted to string")
}

fn formatdate_imp(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let t = parse_timestamp(s(a, 1)).map_err(|e| arg_fail(1, "time", e))?;
    format_date(s(a, 0), &t).map(Value::string).map_err(|e| arg_fail(0, "format", e))
}

fn timeadd_imp(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let t = parse_timestamp(s(a, 0)).map_err(fail)?;
    let d = parse_duration(s(a, 1)).map_err(fail)?;
    let total = t.secs as i128 * 1_000_000_000 + t.nanos as i128 + d;
    let secs = total.div_euclid(1_000_000_000);
    let nanos = total.rem_euclid(1_000_000_000) as u32;
    let secs = i64::try_from(secs).map_err(|_| fail("time out of range"))?;
    Ok(Value::string(Time { secs, nanos, offset: t.offset }.rfc3339()))
}

fn timecmp_imp(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let x = parse_timestamp(s(a, 0)).map_err(|e| arg_fail(0, "timestamp_a", e))?;
    let y = parse_timestamp(s(a, 1)).map_err(|e| arg_fail(1, "timestamp_b", e))?;
    let ord = (x.secs, x.nanos).cmp(&(y.secs, y.nanos));
    Ok(Value::int(ord as i64))
}

/// The current UTC time, second precision.
pub(super) fn now_rfc3339() -> String {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    Time { secs: d.as_secs() as i64, nanos: 0, offset: None }.rfc3339()
}

pub(super) fn functions() -> Vec<Function> {
    vec![
        Function {
            name: "formatdate",
            params: vec![Param::new("format", Type::String), Param::new("time", Type::String)],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::String),
            imp: formatdate_imp,
        },
        Function {
            name: "timeadd",
            params: vec![Param::new("timestamp", Type::String), Param::new("duration", Type::String)],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::String),
            imp: timeadd_imp,
        },
        Function {
            name: "timecmp",
            params: vec![Param::new("timestamp_a", Type::String), Param::new("timestamp_b", Type::String)],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::Number),
            imp: timecmp_imp,
        },
        Function {
            name: "timestamp",
            params: vec![],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::String),
            imp: |_, _, _| Ok(Value::string(now_rfc3339())),
        },
        Function {
            name: "plantimestamp",
            params: vec![],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::String),
            imp: |ctx, _, _| {
                Ok(match &ctx.plan_timestamp {
                    Some(t) => Value::string(t.as_str()),
                    None => Value::unknown(Type::String),
                })
            },
        },
    ]
}
