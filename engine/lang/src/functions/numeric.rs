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
    n.to_string().parse::<f64>().unwrap_or_else(|_| n.to_f64())
}

fn float_result(v: f64) -> FnResult {
    if v.is_nan() {
        return Err(FunctionError::new("panic in function implementation: Float.SetFloat64(NaN)"));
    }
    // cty keeps float64 results at 53 bits, so they print as Go's shortest
    // float64 text; the shortest decimal read back at 512 bits prints the same.
    match Number::from_f64(v).and_then(|n| Number::parse(&format!("{v}")).ok().or(Some(n))) {
        Some(n) => Ok(Value::number(n)),
        None => Err(FunctionError::new(format!(
            "the result is {}, which Strata cannot represent as a number.",
            if v > 0.0 { "+Inf" } else { "-Inf" }
        ))),
    }
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

fn go_exp(x: f64) -> f64 {
    const LN2_HI: f64 = 6.93147180369123816490e-01;
    const LN2_LO: f64 = 1.90821492927058770002e-10;
    const LOG2E: f64 = 1.44269504088896338700e+00;
    const OVERFLOW: f64 = 7.09782712893383973096e+02;
    const UNDERFLOW: f64 = -7.45133219101941108420e+02;
    const NEAR_ZERO: f64 = 1.0 / (1u64 << 28) as f64;
    if x.is_nan() || x == f64::INFINITY {
        return x;
    }
    if x == f64::NEG_INFINITY || x < UNDERFLOW {
        return 0.0;
    }
    if x > OVERFLOW {
        return f64::INFINITY;
    }
    if -NEAR_ZERO < x && x < NEAR_ZERO {
        return 1.0 + x;
    }
    let k: i64 = if x < 0.0 { (LOG2E * x - 0.5) as i64 } else { (LOG2E * x + 0.5) as i64 };
    let hi = x - k as f64 * LN2_HI;
    let lo = k as f64 * LN2_LO;
    const P1: f64 = 1.66666666666666657415e-01;
    const P2: f64 = -2.77777777770155933842e-03;
    const P3: f64 = 6.61375632143793436117e-05;
    const P4: f64 = -1.65339022054652515390e-06;
    const P5: f64 = 4.13813679705723846039e-08;
    let r = hi - lo;
    let t = r * r;
    let c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    ldexp(y, k as i32)
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
