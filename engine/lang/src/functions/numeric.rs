//! Numeric functions: abs ceil floor log max min parseint pow signum sum.
//!
//! As cty does, `log` and `pow` compute in float64 (with Go's algorithms),
//! the rest exactly.

// Constants are Go's math package values, digit for digit: results must match it.
#![allow(clippy::excessive_precision, clippy::approx_constant)]

use super::{CallContext, FnResult, Function, FunctionError, Param, ReturnType};
use crate::convert::convert;
use crate::number::Number;
use crate::render::go_quote;
use crate::types::Type;
use crate::value::{Marks, Value};
use num_bigint::BigUint;

// ---------------------------------------------------------------- helpers shared by my families

/// An argument error, worded as HCL words it.
pub(super) fn perr(i: usize, name: &str, msg: impl std::fmt::Display) -> FunctionError {
    FunctionError::arg(i, format!("Invalid value for \"{name}\" parameter: {msg}."))
}

/// A call error ("Call to function ... failed: msg.").
pub(super) fn ferr(msg: impl std::fmt::Display) -> FunctionError {
    FunctionError::new(format!("{msg}."))
}

/// A parameter that sees unknowns (we check them at the top level, as cty does).
pub(super) fn p(name: &'static str, ty: Type) -> Param {
    Param::new(name, ty).allow_unknown()
}

/// True when any argument is itself unknown (cty's rule for params without AllowUnknown).
pub(super) fn any_unknown(args: &[Value]) -> bool {
    args.iter().any(Value::is_unknown)
}

pub(super) const WHOLE_NUMBER: &str =
    "value must be a whole number, between -9223372036854775808 and 9223372036854775807";

/// gocty's conversion to a Go int.
pub(super) fn to_int(v: &Value) -> Result<i64, String> {
    v.as_number().and_then(Number::to_i64).ok_or_else(|| WHOLE_NUMBER.to_string())
}

/// The float64 Go's big.Float.Float64 gives (nearest, infinities on overflow).
pub(super) fn to_f64(n: &Number) -> f64 {
    n.to_f64()
}

/// `cty.NumberFloatVal`: the float64 exactly, at 53 bits; NaN makes Go panic.
fn float_result(v: f64) -> FnResult {
    Number::from_f64(v)
        .map(Value::number)
        .ok_or_else(|| FunctionError::new("panic in function implementation: Float.SetFloat64(NaN)"))
}

fn num(v: &Value) -> &Number {
    static ZERO: std::sync::OnceLock<Number> = std::sync::OnceLock::new();
    v.as_number().unwrap_or_else(|| ZERO.get_or_init(Number::zero))
}

// ---------------------------------------------------------------- Go's math.Log and math.Pow

fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let (mut x, mut e) = (x, 0);
    if x.abs() < f64::MIN_POSITIVE {
        x *= (1u64 << 52) as f64;
        e = -52;
    }
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7ff) as i32 - 1022;
    let bits = (bits & !(0x7ffu64 << 52)) | (1022u64 << 52);
    (f64::from_bits(bits), e)
}

fn ldexp(frac: f64, exp: i32) -> f64 {
    let mut x = frac;
    let mut e = exp;
    while e > 1000 {
        x *= 2f64.powi(1000);
        e -= 1000;
        if x.is_infinite() {
            return x;
        }
    }
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
        if x == 0.0 {
            return x;
        }
    }
    if e < -1022 {
        // Two steps so subnormal results round once.
        x *= 2f64.powi(e + 1022);
        x * 2f64.powi(-1022)
    } else {
        x * 2f64.powi(e)
    }
}

fn go_log(x: f64) -> f64 {
    const LN2_HI: f64 = 6.93147180369123816490e-01;
    const LN2_LO: f64 = 1.90821492927058770002e-10;
    const L1: f64 = 6.666666666666735130e-01;
    const L2: f64 = 3.999999999940941908e-01;
    const L3: f64 = 2.857142874366239149e-01;
    const L4: f64 = 2.222219843214978396e-01;
    const L5: f64 = 1.818357216161805012e-01;
    const L6: f64 = 1.531383769920937332e-01;
    const L7: f64 = 1.479819860511658591e-01;
    if x.is_nan() || x == f64::INFINITY {
        return x;
    }
    if x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    let (mut f1, mut ki) = frexp(x);
    if f1 < std::f64::consts::SQRT_2 / 2.0 {
        f1 *= 2.0;
        ki -= 1;
    }
    let f = f1 - 1.0;
    let k = ki as f64;
    let s = f / (2.0 + f);
    let s2 = s * s;
    let s4 = s2 * s2;
    let t1 = s2 * (L1 + s4 * (L3 + s4 * (L5 + s4 * L7)));
    let t2 = s4 * (L2 + s4 * (L4 + s4 * L6));
    let r = t1 + t2;
    let hfsq = 0.5 * f * f;
    k * LN2_HI - ((hfsq - (s * (hfsq + r) + k * LN2_LO)) - f)
}

/// Go's `math.Exp` as it runs on amd64 with FMA (the assembly version, a
/// simplified SLEEF algorithm): reduce by multiples of ln 2, a Taylor
/// series on x/16, then square four times. `mul_add` is the fused
/// multiply-add the assembly uses.
fn go_exp(x: f64) -> f64 {
    const LOG2E: f64 = 1.4426950408889634073599246810018920;
    const LN2U: f64 = 0.69314718055966295651160180568695068359375;
    const LN2L: f64 = 0.28235290563031577122588448175013436025525412068e-12;
    const OVERFLOW: f64 = 7.09782712893384e+02;
    const TAYLOR: [f64; 6] = [
        1.9841269841269841270e-4,
        1.3888888888888888889e-3,
        8.3333333333333333333e-3,
        4.1666666666666666667e-2,
        1.6666666666666666667e-1,
        0.5,
    ];
    if !x.is_finite() {
        return if x == f64::NEG_INFINITY { 0.0 } else { x };
    }
    if x > OVERFLOW {
        return f64::INFINITY;
    }
    // CVTSD2SL: round to nearest even; out of range gives i32::MIN.
    let t = (LOG2E * x).round_ties_even();
    let k: i32 = if t.abs() < 2147483648.0 { t as i32 } else { i32::MIN };
    let kf = k as f64;
    let mut r = (-kf).mul_add(LN2U, x);
    r = (-kf).mul_add(LN2L, r);
    r *= 0.0625;
    let mut p: f64 = 2.4801587301587301587e-5;
    for c in TAYLOR {
        p = p.mul_add(r, c);
    }
    p = p.mul_add(r, 1.0);
    r *= p;
    for _ in 0..3 {
        let t = r + 2.0;
        r *= t;
    }
    let t = r + 2.0;
    r = r.mul_add(t, 1.0);
    // r * 2^k, with the assembly's handling of the subnormal range.
    let biased = k.wrapping_add(0x3ff);
    if biased <= 0 {
        if biased < -52 {
            return 0.0;
        }
        r *= f64::from_bits(((biased + 0x3fe) as u64) << 52);
        return r * f64::from_bits(1u64 << 52);
    }
    if biased >= 0x7ff {
        return f64::INFINITY;
    }
    r * f64::from_bits((biased as u64) << 52)
}

fn is_odd_int(x: f64) -> bool {
    if x.abs() >= (1u64 << 53) as f64 {
        return false;
    }
    let (xi, xf) = (x.trunc(), x.fract());
    xf == 0.0 && (xi as i64) & 1 == 1
}

fn go_pow(x: f64, y: f64) -> f64 {
    if y == 0.0 || x == 1.0 {
        return 1.0;
    }
    if y == 1.0 {
        return x;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 {
        if y < 0.0 {
            return if x.is_sign_negative() && is_odd_int(y) { f64::NEG_INFINITY } else { f64::INFINITY };
        }
        return if x.is_sign_negative() && is_odd_int(y) { x } else { 0.0 };
    }
    if y.is_infinite() {
        if x == -1.0 {
            return 1.0;
        }
        return if (x.abs() < 1.0) == (y > 0.0) { 0.0 } else { f64::INFINITY };
    }
    if x.is_infinite() {
        if x < 0.0 {
            return go_pow(1.0 / x, -y);
        }
        return if y < 0.0 { 0.0 } else { f64::INFINITY };
    }
    if y == 0.5 {
        return x.sqrt();
    }
    if y == -0.5 {
        return 1.0 / x.sqrt();
    }
    let ay = y.abs();
    let (mut yi, mut yf) = (ay.trunc(), ay.fract());
    if yf != 0.0 && x < 0.0 {
        return f64::NAN;
    }
    if yi >= 9.223372036854775808e18 {
        if x == -1.0 {
            return 1.0;
        }
        return if (x.abs() < 1.0) == (y > 0.0) { 0.0 } else { f64::INFINITY };
    }
    let mut a1 = 1.0;
    let mut ae: i64 = 0;
    if yf != 0.0 {
        if yf > 0.5 {
            yf -= 1.0;
            yi += 1.0;
        }
        a1 = go_exp(yf * go_log(x));
    }
    let (mut x1, xe) = frexp(x);
    let mut xe = xe as i64;
    let mut i = yi as i64;
    while i != 0 {
        if !(-(1 << 12)..=(1 << 12)).contains(&xe) {
            ae += xe;
            break;
        }
        if i & 1 == 1 {
            a1 *= x1;
            ae += xe;
        }
        x1 *= x1;
        xe <<= 1;
        if x1 < 0.5 {
            x1 += x1;
            xe -= 1;
        }
        i >>= 1;
    }
    if y < 0.0 {
        a1 = 1.0 / a1;
        ae = -ae;
    }
    ldexp(a1, ae.clamp(-100_000, 100_000) as i32)
}

// ---------------------------------------------------------------- parseint

fn parse_big_int(s: &str, base: u32) -> Option<(bool, BigUint)> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut out = BigUint::from(0u32);
    for c in digits.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
            'A'..='Z' => c as u32 - 'A' as u32 + 36,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        out = out * base + d;
    }
    Some((neg, out))
}

fn redact(s: String, marks: Marks) -> String {
    if marks.contains(Marks::SENSITIVE) {
        "(sensitive value)".to_string()
    } else {
        s
    }
}

fn parseint(_: &CallContext, args: &[Value], _: &Type) -> FnResult {
    // Terraform redacts sensitive values here in principle, but its message
    // shows the string itself (the oracle does), so we do too.
    let (n, nm) = args[0].unmark_deep();
    let (b, bm) = args[1].unmark_deep();
    let marks = nm | bm;
    if !n.is_known() || !b.is_known() {
        return Ok(Value::unknown(Type::Number).mark(marks));
    }
    let s = n.as_str().unwrap_or_default();
    let base = to_int(&b).map_err(|e| perr(1, "base", e))?;
    if !(2..=62).contains(&base) {
        return Err(perr(1, "base", "base must be a whole number between 2 and 62 inclusive"));
    }
    let Some((neg, mag)) = parse_big_int(s, base as u32) else {
        return Err(perr(
            0,
            "number",
            format!("cannot parse {} as a base {} integer", go_quote(s), redact(base.to_string(), bm)),
        ));
    };
    // A big.Int has no negative zero.
    let neg = neg && mag != BigUint::from(0u32);
    let v = Number::from_biguint(mag, neg).map_err(ferr)?;
    Ok(Value::number(v).mark(marks))
}

// ---------------------------------------------------------------- sum

fn sum(_: &CallContext, args: &[Value], _: &Type) -> FnResult {
    let list = &args[0];
    let bad = || perr(0, "list", "argument must be list, set, or tuple of number values");
    let ty = list.ty();
    let items = match (&ty, list.as_seq(), list.as_entries()) {
        (Type::List(_) | Type::Set(_) | Type::Tuple(_) | Type::Map(_) | Type::Object(_), _, _) if list.is_unknown() => {
            return Ok(Value::unknown(Type::Number));
        }
        (_, Some(items), _) => items.to_vec(),
        (_, _, Some(entries)) => {
            if entries.is_empty() {
                return Err(perr(0, "list", "cannot sum an empty list"));
            }
            return Err(perr(
                0,
                "list",
                format!("argument must be list, set, or tuple. Received {}", ty.friendly_name()),
            ));
        }
        _ => {
            if list.is_unknown() {
                return Ok(Value::unknown(Type::Number));
            }
            return Err(perr(0, "list", "cannot sum noniterable"));
        }
    };
    if items.is_empty() {
        return Err(perr(0, "list", "cannot sum an empty list"));
    }
    if !list.is_wholly_known() {
        return Ok(Value::unknown(Type::Number));
    }
    let mut total: Option<Number> = None;
    for v in &items {
        if v.is_null() {
            return Err(bad());
        }
        let n = convert(v, &Type::Number).map_err(|_| bad())?;
        let n = num(&n).clone();
        total = Some(match total {
            None => n,
            Some(t) => t.add(&n).map_err(ferr)?,
        });
    }
    Ok(Value::number(total.unwrap_or_else(Number::zero)))
}

// ---------------------------------------------------------------- the family

fn number_fn(name: &'static str, params: Vec<Param>, imp: fn(&CallContext, &[Value], &Type) -> FnResult) -> Function {
    Function { name, params, var_param: None, ret: ReturnType::Fixed(|| Type::Number), imp }
}

pub(super) fn functions() -> Vec<Function> {
    vec![
        number_fn("abs", vec![Param::new("num", Type::Number)], |_, a, _| Ok(Value::number(num(&a[0]).abs()))),
        number_fn("ceil", vec![Param::new("num", Type::Number)], |_, a, _| Ok(Value::number(num(&a[0]).ceil()))),
        number_fn("floor", vec![Param::new("num", Type::Number)], |_, a, _| Ok(Value::number(num(&a[0]).floor()))),
        number_fn("log", vec![Param::new("num", Type::Number), Param::new("base", Type::Number)], |_, a, _| {
            let (x, b) = (to_f64(num(&a[0])), to_f64(num(&a[1])));
            float_result(go_log(x) / go_log(b))
        }),
        number_fn("pow", vec![Param::new("num", Type::Number), Param::new("power", Type::Number)], |_, a, _| {
            float_result(go_pow(to_f64(num(&a[0])), to_f64(num(&a[1]))))
        }),
        number_fn("signum", vec![Param::new("num", Type::Number)], |_, a, _| {
            let n = to_int(&a[0]).map_err(ferr)?;
            Ok(Value::int(n.signum()))
        }),
        Function {
            name: "max",
            params: vec![],
            var_param: Some(Param::new("numbers", Type::Number)),
            ret: ReturnType::Fixed(|| Type::Number),
            imp: |_, a, _| {
                let mut best: Option<&Number> = None;
                for v in a {
                    let n = num(v);
                    if best.is_none_or(|b| n > b) {
                        best = Some(n);
                    }
                }
                best.map(|n| Value::number(n.clone())).ok_or_else(|| ferr("must pass at least one number"))
            },
        },
        Function {
            name: "min",
            params: vec![],
            var_param: Some(Param::new("numbers", Type::Number)),
            ret: ReturnType::Fixed(|| Type::Number),
            imp: |_, a, _| {
                let mut best: Option<&Number> = None;
                for v in a {
                    let n = num(v);
                    if best.is_none_or(|b| n < b) {
                        best = Some(n);
                    }
                }
                best.map(|n| Value::number(n.clone())).ok_or_else(|| ferr("must pass at least one number"))
            },
        },
        Function {
            name: "parseint",
            params: vec![
                Param::new("number", Type::Dynamic).allow_unknown().allow_marked(),
                Param::new("base", Type::Number).allow_unknown().allow_marked(),
            ],
            var_param: None,
            ret: ReturnType::FromArgs(|a| {
                let t = a[0].ty();
                if t != Type::String && t != Type::Dynamic {
                    return Err(perr(
                        0,
                        "number",
                        format!("first argument must be a string, not {}", t.friendly_name()),
                    ));
                }
                Ok(Type::Number)
            }),
            imp: parseint,
        },
        Function {
            name: "sum",
            params: vec![Param::new("list", Type::Dynamic).allow_unknown()],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::Number),
            imp: sum,
        },
    ]
}
