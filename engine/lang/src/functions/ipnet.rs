//! IP network functions: cidrhost cidrnetmask cidrsubnet cidrsubnets and
//! OpenTofu's cidrcontains, for IPv4 and IPv6, with go-cidr's semantics.

use super::crypto::whole_int;
use super::encoding::{arg_fail, fail};
use super::{CallContext, FnResult, Function, Param, ReturnType};
use crate::types::Type;
use crate::value::Value;
use num_bigint::{BigInt, Sign};

/// An address or network: `bits` is 32 or 128.
#[derive(Clone, Copy, PartialEq, Debug)]
struct Net {
    ip: u128,
    len: u32,
    bits: u32,
}

fn full(bits: u32) -> u128 {
    if bits == 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

fn mask(len: u32, bits: u32) -> u128 {
    if len == 0 {
        0
    } else if len >= bits {
        full(bits)
    } else {
        (full(bits) << (bits - len)) & full(bits)
    }
}

fn parse_ipv4(s: &str) -> Option<u128> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut v: u128 = 0;
    for p in parts {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let n: u32 = p.parse().ok()?;
        if n > 255 {
            return None;
        }
        v = v << 8 | n as u128;
    }
    Some(v)
}

fn parse_ipv6(s: &str) -> Option<u128> {
    let (head, tail, has_ellipsis) = match s.find("::") {
        Some(i) => (&s[..i], &s[i + 2..], true),
        None => (s, "", false),
    };
    if has_ellipsis && tail.contains("::") {
        return None;
    }
    let groups = |part: &str, allow_v4: bool| -> Option<Vec<u16>> {
        if part.is_empty() {
            return Some(vec![]);
        }
        let items: Vec<&str> = part.split(':').collect();
        let mut out = Vec::new();
        for (i, it) in items.iter().enumerate() {
            if allow_v4 && i + 1 == items.len() && it.contains('.') {
                let v4 = parse_ipv4(it)? as u32;
                out.push((v4 >> 16) as u16);
                out.push(v4 as u16);
                continue;
            }
            if it.is_empty() || it.len() > 4 {
                return None;
            }
            out.push(u16::from_str_radix(it, 16).ok()?);
        }
        Some(out)
    };
    let h = groups(head, !has_ellipsis)?;
    let t = groups(tail, true)?;
    let n = h.len() + t.len();
    if (has_ellipsis && n > 7) || (!has_ellipsis && n != 8) {
        return None;
    }
    let mut all = h;
    all.extend(std::iter::repeat_n(0, 8 - n));
    all.extend(t);
    Some(all.iter().fold(0u128, |acc, g| acc << 16 | *g as u128))
}

/// An IP address: IPv4 dotted quad (leading zeros allowed) or IPv6.
fn parse_ip(s: &str) -> Option<(u128, u32)> {
    if let Some(v) = parse_ipv4(s) {
        return Some((v, 32));
    }
    if s.contains(':') {
        return parse_ipv6(s).map(|v| (v, 128));
    }
    None
}

/// `ipaddr.ParseCIDR`: the network (host bits cleared).
fn parse_cidr(s: &str) -> Result<Net, String> {
    let err = || format!("invalid CIDR address: {s}");
    let (addr, len) = s.split_once('/').ok_or_else(err)?;
    let (ip, bits) = parse_ip(addr).ok_or_else(err)?;
    if len.is_empty() || len.len() > 3 || !len.bytes().all(|c| c.is_ascii_digit()) {
        return Err(err());
    }
    let len: u32 = len.parse().map_err(|_| err())?;
    if len > bits {
        return Err(err());
    }
    Ok(Net { ip: ip & mask(len, bits), len, bits })
}

fn ip_string(ip: u128, bits: u32) -> String {
    if bits == 32 || (ip >> 32) == 0xffff {
        let v = ip as u32;
        return format!("{}.{}.{}.{}", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255);
    }
    let groups: Vec<u16> = (0..8).map(|i| (ip >> (112 - 16 * i)) as u16).collect();
    // Longest run of two or more zero groups becomes "::".
    let (mut best, mut best_len) = (None, 1);
    let mut i = 0;
    while i < 8 {
        if groups[i] == 0 {
            let st = i;
            while i < 8 && groups[i] == 0 {
                i += 1;
            }
            if i - st > best_len {
                best = Some(st);
                best_len = i - st;
            }
        } else {
            i += 1;
        }
    }
    let hex = |g: &[u16]| g.iter().map(|x| format!("{x:x}")).collect::<Vec<_>>().join(":");
    match best {
        Some(st) => format!("{}::{}", hex(&groups[..st]), hex(&groups[st + best_len..])),
        None => hex(&groups),
    }
}

fn net_string(n: &Net) -> String {
    if n.bits == 128 && (n.ip >> 32) == 0xffff {
        return format!("{}/{}", ip_string(n.ip, n.bits), n.len.saturating_sub(96));
    }
    format!("{}/{}", ip_string(n.ip, n.bits), n.len)
}

fn s(a: &[Value], i: usize) -> &str {
    a[i].as_str().expect("converted to string")
}

fn big_arg(v: &Value) -> Result<BigInt, String> {
    let n = v.as_number().ok_or("number required")?;
    if !n.is_integer() {
        return Err("value must be a whole number".into());
    }
    n.to_bigint_string().and_then(|t| t.parse().ok()).ok_or_else(|| "value must be a whole number".into())
}

fn big_to_u128(n: &BigInt) -> Option<u128> {
    if n.sign() == Sign::Minus {
        return None;
    }
    let digits = n.to_u64_digits().1;
    if digits.len() > 2 {
        return None;
    }
    Some(digits.iter().rev().fold(0u128, |acc, d| acc << 64 | *d as u128))
}

fn cidrhost_imp(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let mut num = big_arg(&a[1]).map_err(fail)?;
    let net = parse_cidr(s(a, 0)).map_err(|e| fail(format!("invalid CIDR expression: {e}")))?;
    let host_len = net.bits - net.len;
    let max = (BigInt::from(1) << host_len) - 1;
    let check = if num.sign() == Sign::Minus {
        let n2 = -num.clone() - 1;
        num = &max - &n2;
        n2
    } else {
        num.clone()
    };
    if check > max {
        return Err(fail(format!("prefix of {} does not accommodate a host numbered {num}", net.len)));
    }
    let mut host = big_to_u128(&num).unwrap_or(0);
    if net.bits == 128 && net.ip >> 32 == 0xffff {
        // go-cidr counts an IPv4-mapped address as 32 bits long but shifts
        // the host number within all 128: it lands 96 bits too high.
        host = host.checked_shl(96).unwrap_or(0);
    }
    Ok(Value::string(ip_string((net.ip | host) & full(net.bits), net.bits)))
}

fn cidrnetmask_imp(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let net = parse_cidr(s(a, 0)).map_err(|e| fail(format!("invalid CIDR expression: {e}")))?;
    if net.bits != 32 {
        return Err(fail(format!("IPv6 addresses cannot have a netmask: {}", s(a, 0))));
    }
    Ok(Value::string(ip_string(mask(net.len, 32), 32)))
}

fn cidrsubnet_imp(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let newbits = whole_int(&a[1]).map_err(fail)?;
    let num = big_arg(&a[2]).map_err(fail)?;
    let net = parse_cidr(s(a, 0)).map_err(|e| fail(format!("invalid CIDR expression: {e}")))?;
    let new_len = net.len as i64 + newbits;
    if new_len > net.bits as i64 {
        return Err(fail(format!("insufficient address space to extend prefix of {} by {newbits}", net.len)));
    }
    // go-cidr compares num.Uint64() (the low 64 bits of |num|).
    let low64 = num.magnitude().iter_u64_digits().next().unwrap_or(0);
    let max: u64 = if !(0..64).contains(&newbits) { u64::MAX } else { (1u64 << newbits).wrapping_sub(1) };
    if low64 > max {
        return Err(fail(format!("prefix extension of {newbits} does not accommodate a subnet numbered {num}")));
    }
    if new_len < 0 {
        return Err(fail(format!("prefix extension of {newbits} does not accommodate a subnet numbered {num}")));
    }
    let new_len = new_len as u32;
    let shift = net.bits - new_len;
    // go-cidr: big.Int OR (two's complement), then the magnitude's low bytes.
    let combined = BigInt::from(net.ip) | (num.clone() << shift);
    if combined.magnitude().bits() > net.bits as u64 {
        return Err(fail(format!("prefix extension of {newbits} does not accommodate a subnet numbered {num}")));
    }
    let ip = big_to_u128(&BigInt::from_biguint(
        Sign::Plus,
        combined.magnitude() & num_bigint::BigUint::from(full(net.bits)),
    ))
    .unwrap_or(0);
    Ok(Value::string(net_string(&Net { ip: ip & mask(new_len, net.bits), len: new_len, bits: net.bits })))
}

fn cidrsubnets_imp(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let net = parse_cidr(s(a, 0)).map_err(|e| arg_fail(0, "prefix", format!("invalid CIDR expression: {e}")))?;
    if a.len() == 1 {
        return Ok(Value::list(Type::String, vec![]));
    }
    let first = whole_int(&a[1]).map_err(|e| arg_fail(1, "newbits", e))?;
    let first_len = (net.len as i64 + first).clamp(0, net.bits as i64) as u32;
    // PreviousSubnet(network, firstLength)
    let prev_ip = net.ip.wrapping_sub(1) & full(net.bits);
    let mut current = Net { ip: prev_ip & mask(first_len, net.bits), len: first_len, bits: net.bits };
    let mut out = Vec::new();
    for (i, arg) in a[1..].iter().enumerate() {
        let length = whole_int(arg).map_err(|e| arg_fail(i + 1, "newbits", e))?;
        if length < 1 {
            return Err(arg_fail(i + 1, "newbits", "must extend prefix by at least one bit"));
        }
        if length > 32 {
            return Err(arg_fail(i + 1, "newbits", "may not extend prefix by more than 32 bits"));
        }
        let length = length as u32 + net.len;
        if length > net.bits {
            let proto = if net.bits == 32 { "IPv4" } else { "IPv6" };
            return Err(arg_fail(
                i + 1,
                "newbits",
                format!("would extend prefix to {length} bits, which is too long for an {proto} address"),
            ));
        }
        // NextSubnet(current, length)
        let current_last = current.ip | (!mask(current.len, net.bits) & full(net.bits));
        let m = mask(length, net.bits);
        let sub_first = current_last & m;
        let sub_last = sub_first | (!m & full(net.bits));
        let inc = sub_last.wrapping_add(1) & full(net.bits);
        let next = Net { ip: inc & m, len: length, bits: net.bits };
        let rollover = inc == 0;
        let contained = next.ip & mask(net.len, net.bits) == net.ip;
        if rollover || !contained {
            return Err(arg_fail(
                i + 1,
                "newbits",
                format!(
                    "not enough remaining address space for a subnet with a prefix of {length} bits after {}",
                    net_string(&current)
                ),
            ));
        }
        current = next;
        out.push(Value::string(net_string(&current)));
    }
    Ok(Value::list(Type::String, out))
}

fn cidrcontains_imp(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let net = parse_cidr(s(a, 0)).map_err(|e| fail(format!("invalid CIDR expression: {e}")))?;
    let other = s(a, 1);
    let (ip, bits, len) = if other.contains('/') {
        let n = parse_cidr(other).map_err(|e| fail(format!("invalid CIDR expression: {e}")))?;
        (n.ip, n.bits, n.len)
    } else {
        let (ip, bits) = parse_ip(other).ok_or_else(|| fail(format!("invalid IP address: {other}")))?;
        (ip, bits, bits)
    };
    if bits != net.bits {
        return Err(fail(format!("address family mismatch: {} vs. {}", s(a, 0), other)));
    }
    Ok(Value::bool(len >= net.len && ip & mask(net.len, bits) == net.ip))
}

pub(super) fn functions() -> Vec<Function> {
    vec![
        Function {
            name: "cidrhost",
            params: vec![Param::new("prefix", Type::String), Param::new("hostnum", Type::Number)],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::String),
            imp: cidrhost_imp,
        },
        Function {
            name: "cidrnetmask",
            params: vec![Param::new("prefix", Type::String)],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::String),
            imp: cidrnetmask_imp,
        },
        Function {
            name: "cidrsubnet",
            params: vec![
                Param::new("prefix", Type::String),
                Param::new("newbits", Type::Number),
                Param::new("netnum", Type::Number),
            ],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::String),
            imp: cidrsubnet_imp,
        },
        Function {
            name: "cidrsubnets",
            params: vec![Param::new("prefix", Type::String)],
            var_param: Some(Param::new("newbits", Type::Number)),
            ret: ReturnType::Fixed(|| Type::list(Type::String)),
            imp: cidrsubnets_imp,
        },
        Function {
            name: "cidrcontains",
            params: vec![
                Param::new("containing_prefix", Type::String),
                Param::new("contained_ip_or_prefix", Type::String),
            ],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::Bool),
            imp: cidrcontains_imp,
        },
    ]
}
