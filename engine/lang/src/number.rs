//! Terraform's number: a binary floating-point value with a 512-bit mantissa,
//! rounded to nearest-even after every operation, exactly as Go's `big.Float`
//! at the precision cty uses. Printing gives the shortest decimal that reads
//! back to the same value, so `0.1 + 0.2` prints `0.3` and `1/3` prints the
//! same 155 digits Terraform prints.

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};
use std::cmp::Ordering;
use std::fmt;

/// Mantissa precision in bits (cty parses and computes at 512).
pub const PRECISION: u64 = 512;

/// Largest binary exponent we accept; beyond it numbers are "too large".
/// (About 10^300000: far past anything real, small enough to print.)
const MAX_EXP: i64 = 1 << 20;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Number {
    neg: bool,
    /// Odd, or zero for the value zero (and for infinities).
    mant: BigUint,
    /// value = mant * 2^exp
    exp: i64,
    /// ±Inf (the sign in `neg`), as cty's numbers allow (`log(0, 10)`).
    inf: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    Syntax,
    OutOfRange,
    DivideByZero,
    /// Inf - Inf, 0 * Inf and the like.
    NotANumber(&'static str),
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NumberError::Syntax => "not a valid number",
            NumberError::OutOfRange => "number is too large or too small to represent",
            NumberError::DivideByZero => "can't divide by zero",
            NumberError::NotANumber(why) => why,
        })
    }
}

fn bit_len(m: &BigUint) -> i64 {
    m.bits() as i64
}

impl Number {
    pub fn zero() -> Number {
        Number { neg: false, mant: BigUint::zero(), exp: 0, inf: false }
    }

    /// +Inf or -Inf.
    pub fn infinity(negative: bool) -> Number {
        Number { neg: negative, mant: BigUint::zero(), exp: 0, inf: true }
    }

    pub fn is_infinite(&self) -> bool {
        self.inf
    }

    /// Rounds `(-1)^neg * mant * 2^exp` (plus a sticky "something below")
    /// to PRECISION bits, nearest-even.
    fn round(neg: bool, mut mant: BigUint, mut exp: i64, sticky: bool) -> Result<Number, NumberError> {
        if mant.is_zero() {
            return Ok(Number::zero());
        }
        let bits = bit_len(&mant);
        if bits > PRECISION as i64 {
            let shift = (bits - PRECISION as i64) as u64;
            let half = mant.bit(shift - 1);
            let below_half = sticky || mant.trailing_zeros().is_some_and(|tz| tz < shift - 1);
            mant >>= shift;
            exp += shift as i64;
            if half && (below_half || mant.bit(0)) {
                mant += 1u32;
            }
        }
        if let Some(tz) = mant.trailing_zeros() {
            if tz > 0 {
                mant >>= tz;
                exp += tz as i64;
            }
        }
        let top = exp + bit_len(&mant);
        if top > MAX_EXP {
            return Err(NumberError::OutOfRange);
        }
        if top < -MAX_EXP {
            return Ok(Number::zero());
        }
        Ok(Number { neg, mant, exp, inf: false })
    }

    pub fn from_i64(v: i64) -> Number {
        Number::round(v < 0, BigUint::from(v.unsigned_abs()), 0, false).expect("i64 fits")
    }

    pub fn from_u64(v: u64) -> Number {
        Number::round(false, BigUint::from(v), 0, false).expect("u64 fits")
    }

    /// Exact conversion of a finite f64; `None` for NaN and infinities.
    pub fn from_f64(v: f64) -> Option<Number> {
        if v.is_infinite() {
            return Some(Number::infinity(v < 0.0));
        }
        if v.is_nan() {
            return None;
        }
        if v == 0.0 {
            return Some(Number::zero());
        }
        let bits = v.to_bits();
        let neg = bits >> 63 == 1;
        let exp_bits = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (mant, exp) = if exp_bits == 0 { (frac, -1074) } else { (frac | (1u64 << 52), exp_bits - 1075) };
        Number::round(neg, BigUint::from(mant), exp, false).ok()
    }

    pub fn from_biguint(v: BigUint, neg: bool) -> Result<Number, NumberError> {
        Number::round(neg, v, 0, false)
    }

    /// Parses Terraform number syntax: optional sign, digits, optional
    /// fraction and exponent (`-1.5e3`).
    pub fn parse(s: &str) -> Result<Number, NumberError> {
        let s = s.trim();
        match s {
            "+Inf" | "Inf" | "inf" | "+inf" => return Ok(Number::infinity(false)),
            "-Inf" | "-inf" => return Ok(Number::infinity(true)),
            _ => {}
        }
        let (neg, body) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let body = body.trim_start();
        let (mantissa, exponent) = match body.find(['e', 'E']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        let (int_part, frac_part) = match mantissa.find('.') {
            Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
            None => (mantissa, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(NumberError::Syntax);
        }
        if !int_part.bytes().all(|b| b.is_ascii_digit()) || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NumberError::Syntax);
        }
        let mut exp10: i64 = match exponent {
            None => 0,
            Some(e) => {
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(NumberError::Syntax);
                }
                if digits.len() > 9 {
                    return Err(NumberError::OutOfRange);
                }
                let v: i64 = digits.parse().map_err(|_| NumberError::Syntax)?;
                if e.starts_with('-') {
                    -v
                } else {
                    v
                }
            }
        };
        let digits = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        if digits.is_empty() {
            return Ok(Number::zero());
        }
        exp10 -= frac_part.len() as i64;
        // Rough magnitude check before doing big arithmetic.
        let magnitude = digits.len() as i64 + exp10;
        if magnitude > 315_000 {
            return Err(NumberError::OutOfRange);
        }
        if magnitude < -315_000 {
            return Ok(Number::zero());
        }
        let d = BigUint::parse_bytes(digits.as_bytes(), 10).ok_or(NumberError::Syntax)?;
        if exp10 >= 0 {
            Number::round(neg, d * BigUint::from(10u32).pow(exp10 as u32), 0, false)
        } else {
            let den = BigUint::from(10u32).pow((-exp10) as u32);
            Number::div_mag(neg, &d, 0, &den, 0)
        }
    }

    /// Rounded quotient of two magnitudes `a*2^ea / (b*2^eb)`.
    fn div_mag(neg: bool, a: &BigUint, ea: i64, b: &BigUint, eb: i64) -> Result<Number, NumberError> {
        let k = (PRECISION as i64 + 2 + bit_len(b) - bit_len(a)).max(0);
        let (q, r) = (a << k as u64).div_rem(b);
        Number::round(neg, q, ea - k - eb, !r.is_zero())
    }

    pub fn is_zero(&self) -> bool {
        !self.inf && self.mant.is_zero()
    }

    pub fn is_negative(&self) -> bool {
        self.neg && !self.is_zero()
    }

    pub fn is_integer(&self) -> bool {
        !self.inf && (self.is_zero() || self.exp >= 0)
    }

    pub fn neg(&self) -> Number {
        if self.is_zero() {
            return self.clone();
        }
        Number { neg: !self.neg, ..self.clone() }
    }

    pub fn abs(&self) -> Number {
        Number { neg: false, ..self.clone() }
    }

    pub fn add(&self, other: &Number) -> Result<Number, NumberError> {
        match (self.inf, other.inf) {
            (true, true) if self.neg != other.neg => {
                return Err(NumberError::NotANumber("can't add infinities of opposite signs"))
            }
            (true, _) => return Ok(self.clone()),
            (false, true) => return Ok(other.clone()),
            _ => {}
        }
        if self.is_zero() {
            return Ok(other.clone());
        }
        if other.is_zero() {
            return Ok(self.clone());
        }
        let exp = self.exp.min(other.exp);
        let a = &self.mant << (self.exp - exp) as u64;
        let b = &other.mant << (other.exp - exp) as u64;
        if self.neg == other.neg {
            return Number::round(self.neg, a + b, exp, false);
        }
        match a.cmp(&b) {
            Ordering::Equal => Ok(Number::zero()),
            Ordering::Greater => Number::round(self.neg, a - b, exp, false),
            Ordering::Less => Number::round(other.neg, b - a, exp, false),
        }
    }

    pub fn sub(&self, other: &Number) -> Result<Number, NumberError> {
        self.add(&other.neg())
    }

    pub fn mul(&self, other: &Number) -> Result<Number, NumberError> {
        if self.inf || other.inf {
            if self.is_zero() || other.is_zero() {
                return Err(NumberError::NotANumber("can't multiply zero by infinity"));
            }
            return Ok(Number::infinity(self.neg != other.neg));
        }
        Number::round(self.neg != other.neg, &self.mant * &other.mant, self.exp + other.exp, false)
    }

    pub fn div(&self, other: &Number) -> Result<Number, NumberError> {
        if other.is_zero() {
            return Err(NumberError::DivideByZero);
        }
        match (self.inf, other.inf) {
            (true, true) => return Err(NumberError::NotANumber("can't divide infinity by infinity")),
            (true, false) => return Ok(Number::infinity(self.neg != other.neg)),
            (false, true) => return Ok(Number::zero()),
            _ => {}
        }
        if self.is_zero() {
            return Ok(Number::zero());
        }
        Number::div_mag(self.neg != other.neg, &self.mant, self.exp, &other.mant, other.exp)
    }

    /// cty's modulo: `a - b * trunc(a / b)`.
    pub fn rem(&self, other: &Number) -> Result<Number, NumberError> {
        if other.is_zero() {
            return Err(NumberError::DivideByZero);
        }
        // As cty: an infinite dividend stays infinite, an infinite divisor leaves the dividend.
        if self.inf || other.inf {
            return Ok(self.clone());
        }
        let q = self.div(other)?.trunc();
        self.sub(&other.mul(&q)?)
    }

    /// Rounds toward zero to an integer.
    pub fn trunc(&self) -> Number {
        if self.inf || self.is_integer() {
            return self.clone();
        }
        let shift = (-self.exp) as u64;
        Number::round(self.neg, &self.mant >> shift, 0, false).expect("smaller than input")
    }

    pub fn floor(&self) -> Number {
        if self.inf {
            return self.clone();
        }
        let t = self.trunc();
        if self.is_negative() && t != *self {
            t.sub(&Number::from_i64(1)).expect("in range")
        } else {
            t
        }
    }

    pub fn ceil(&self) -> Number {
        if self.inf {
            return self.clone();
        }
        let t = self.trunc();
        if !self.is_negative() && t != *self {
            t.add(&Number::from_i64(1)).expect("in range")
        } else {
            t
        }
    }

    /// The value as i64 when it is an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        if !self.is_integer() {
            return None;
        }
        if self.is_zero() {
            return Some(0);
        }
        if self.exp > 64 {
            return None;
        }
        let m = (&self.mant << self.exp as u64).to_i128()?;
        let v = if self.neg { -m } else { m };
        i64::try_from(v).ok()
    }

    /// The nearest f64 (infinite when out of range).
    pub fn to_f64(&self) -> f64 {
        if self.inf {
            return if self.neg { f64::NEG_INFINITY } else { f64::INFINITY };
        }
        if self.is_zero() {
            return 0.0;
        }
        // Keep the top 64 bits; f64 rounding of those is within one ulp.
        let bits = bit_len(&self.mant);
        let (m, e) = if bits > 64 {
            ((&self.mant >> (bits - 64) as u64).to_u64().unwrap_or(u64::MAX), self.exp + bits - 64)
        } else {
            (self.mant.to_u64().unwrap_or(0), self.exp)
        };
        let v = (m as f64) * 2f64.powi(e.clamp(-2000, 2000) as i32);
        let v = if e < -1074 - 64 { 0.0 } else { v };
        if self.neg {
            -v
        } else {
            v
        }
    }

    /// The exact integer value as a decimal string, when integral.
    pub fn to_bigint_string(&self) -> Option<String> {
        if !self.is_integer() {
            return None;
        }
        let m = &self.mant << self.exp.max(0) as u64;
        Some(format!("{}{}", if self.neg && !m.is_zero() { "-" } else { "" }, m))
    }

    /// Exact decimal expansion: (digits without leading/trailing zeros, decimal
    /// point position) with value = 0.digits * 10^point, as Go's `decimal`.
    fn exact_decimal(mant: &BigUint, exp: i64) -> (Vec<u8>, i64) {
        let (s, point) = if exp >= 0 {
            let s = (mant << exp as u64).to_string();
            let len = s.len() as i64;
            (s, len)
        } else {
            let s = (mant * BigUint::from(5u32).pow((-exp) as u32)).to_string();
            let len = s.len() as i64;
            (s, len + exp)
        };
        let trimmed = s.trim_end_matches('0');
        (trimmed.as_bytes().to_vec(), point)
    }

    /// Shortest decimal digits that read back (at PRECISION bits) to this value.
    fn shortest_decimal(&self) -> (Vec<u8>, i64) {
        let (mut digits, mut point) = Number::exact_decimal(&self.mant, self.exp);
        // Bounds half an ulp (of a PRECISION-bit mantissa) either side.
        let bits = bit_len(&self.mant);
        let s = bits - (PRECISION as i64 + 1);
        let (mant2, exp2) =
            if s < 0 { (&self.mant << (-s) as u64, self.exp + s) } else { (&self.mant >> s as u64, self.exp + s) };
        let (lower, _lower_point) = Number::exact_decimal_aligned(&(&mant2 - 1u32), exp2, point);
        let (upper, _upper_point) = Number::exact_decimal_aligned(&(&mant2 + 1u32), exp2, point);
        let inclusive = !mant2.bit(1);
        let at = |d: &[u8], i: usize| -> u8 { d.get(i).copied().unwrap_or(b'0') };
        for i in 0..digits.len() {
            let m = digits[i];
            let l = at(&lower, i);
            let u = at(&upper, i);
            let okdown = l != m || (inclusive && i + 1 == lower.len());
            let okup = m != u && (inclusive || m + 1 < u || i + 1 < upper.len());
            let n = i + 1;
            if okdown && okup {
                let up = if digits.get(n) == Some(&b'5') && n + 1 == digits.len() {
                    n > 0 && (digits[n - 1] - b'0') & 1 == 1
                } else {
                    digits.get(n).is_some_and(|d| *d >= b'5')
                };
                if up {
                    round_up(&mut digits, n, &mut point);
                } else {
                    digits.truncate(n);
                }
                break;
            } else if okdown {
                digits.truncate(n);
                break;
            } else if okup {
                round_up(&mut digits, n, &mut point);
                break;
            }
        }
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        (digits, point)
    }

    /// Decimal digits of `mant*2^exp` expressed relative to decimal point
    /// position `point` (padding with leading zeros when needed), so digit i
    /// lines up with digit i of the value.
    fn exact_decimal_aligned(mant: &BigUint, exp: i64, point: i64) -> (Vec<u8>, i64) {
        let (d, p) = Number::exact_decimal(mant, exp);
        if d.is_empty() {
            return (d, point);
        }
        match p.cmp(&point) {
            Ordering::Equal => (d, p),
            Ordering::Less => {
                let mut padded = vec![b'0'; (point - p) as usize];
                padded.extend_from_slice(&d);
                (padded, point)
            }
            // A bound with more integer digits than the value: it differs at
            // the first digit, which the caller's comparison handles.
            Ordering::Greater => {
                let mut v = vec![b'9' + 1; 1];
                v.extend_from_slice(&d);
                (v, point)
            }
        }
    }
}

fn round_up(digits: &mut Vec<u8>, n: usize, point: &mut i64) {
    digits.truncate(n);
    let mut i = n;
    while i > 0 && digits[i - 1] >= b'9' {
        i -= 1;
    }
    if i == 0 {
        digits.clear();
        digits.push(b'1');
        *point += 1;
    } else {
        digits[i - 1] += 1;
        digits.truncate(i);
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Number) -> Ordering {
        let rank = |n: &Number| match (n.inf, n.neg) {
            (true, true) => -1,
            (true, false) => 1,
            _ => 0,
        };
        if self.inf || other.inf {
            return rank(self).cmp(&rank(other));
        }
        let diff = self.sub(other).unwrap_or_else(|_| {
            // Out of range only when magnitudes are huge and opposite; the sign decides.
            if self.is_negative() {
                Number::from_i64(-1)
            } else {
                Number::from_i64(1)
            }
        });
        if diff.is_zero() {
            Ordering::Equal
        } else if diff.neg {
            Ordering::Less
        } else {
            Ordering::Greater
        }
    }
}

impl fmt::Display for Number {
    /// Go's `Text('f', -1)`: shortest round-tripping digits, no exponent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.inf {
            return f.write_str(if self.neg { "-Inf" } else { "+Inf" });
        }
        if self.is_zero() {
            return f.write_str("0");
        }
        // Integers below 2^63 are exact at 512 bits, so their digits are the
        // shortest form: skip the big decimal expansions (the hot path).
        if let Some(i) = self.to_i64() {
            return write!(f, "{i}");
        }
        let (digits, point) = self.shortest_decimal();
        let mut out = String::with_capacity(digits.len() + 4);
        if self.neg {
            out.push('-');
        }
        if point > 0 {
            let p = point as usize;
            for i in 0..p {
                out.push(*digits.get(i).unwrap_or(&b'0') as char);
            }
            if digits.len() > p {
                out.push('.');
                out.extend(digits[p..].iter().map(|d| *d as char));
            }
        } else {
            out.push_str("0.");
            for _ in 0..(-point) {
                out.push('0');
            }
            out.extend(digits.iter().map(|d| *d as char));
        }
        f.write_str(&out)
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Number {
        Number::from_i64(v)
    }
}

impl One for Number {
    fn one() -> Number {
        Number::from_i64(1)
    }
}

impl std::ops::Mul for Number {
    type Output = Number;
    fn mul(self, rhs: Number) -> Number {
        Number::mul(&self, &rhs).unwrap_or_else(|_| Number::zero())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap()
    }

    #[test]
    fn prints_like_terraform() {
        let cases = [
            (n("0.1").add(&n("0.2")).unwrap(), "0.3"),
            (n("1").div(&n("3")).unwrap(), "0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335"),
            (n("2").div(&n("3")).unwrap(), "0.6666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666667"),
            (n("1e30"), "1000000000000000000000000000000"),
            (n("12345678901234567890123").mul(&n("3")).unwrap(), "37037036703703703670369"),
            (n("1e-5"), "0.00001"),
            (n("10").div(&n("4")).unwrap(), "2.5"),
            (n("-7").rem(&n("3")).unwrap(), "-1"),
            (n("7.5").rem(&n("2")).unwrap(), "1.5"),
            (n("-0.5"), "-0.5"),
            (n("100"), "100"),
            (n("0"), "0"),
            (n("123.456"), "123.456"),
            (n("9.99"), "9.99"),
        ];
        for (got, want) in cases {
            assert_eq!(got.to_string(), want);
        }
        let big = format!("1{}", "0".repeat(400));
        assert_eq!(n("1e400").to_string(), big);
    }

    #[test]
    fn integer_helpers() {
        assert_eq!(n("2.7").floor().to_string(), "2");
        assert_eq!(n("-2.2").floor().to_string(), "-3");
        assert_eq!(n("2.2").ceil().to_string(), "3");
        assert_eq!(n("42").to_i64(), Some(42));
        assert_eq!(n("4.5").to_i64(), None);
        assert_eq!(n("0.1").to_f64(), 0.1);
        assert!(n("3") > n("2.5"));
        assert_eq!(Number::parse("1e999999999"), Err(NumberError::OutOfRange));
        assert_eq!(Number::parse("abc"), Err(NumberError::Syntax));
        assert_eq!(Number::from_f64(0.5).unwrap().to_string(), "0.5");
    }
}
