//! Terraform's number: a binary floating-point value like Go's `big.Float`
//! as cty uses it. Each number carries its precision in bits: numbers read
//! from text have 512, integers made by functions 64 (`cty.NumberIntVal`),
//! float64 results 53 (`pow`, `log`). Operations round to nearest-even at
//! the precision cty's operations choose (the larger operand's; products as
//! many bits as they need). Printing gives the shortest decimal that reads
//! back to the same value at the number's precision, so `0.1 + 0.2` prints
//! `0.3` and `1/3` the same 155 digits Terraform prints. Zero has a sign as
//! in Go (`-0`), and infinities exist (`1/0`, `log(0, 10)`).

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// Precision in bits of numbers parsed from text (cty's `ParseNumberVal`).
pub const PRECISION: u32 = 512;

/// Precision of integers made by functions (Go's `SetInt64`).
const INT_PRECISION: u32 = 64;

/// Precision of float64 results (Go's `SetFloat64`).
const FLOAT_PRECISION: u32 = 53;

/// Largest binary exponent we accept; beyond it numbers are "too large".
/// (About 10^300000: far past anything real, small enough to print.)
const MAX_EXP: i64 = 1 << 20;

#[derive(Clone)]
pub struct Number {
    /// The sign; zero and infinities have one too.
    neg: bool,
    /// Odd, or zero for the value zero (and for infinities).
    mant: BigUint,
    /// value = mant * 2^exp
    exp: i64,
    /// ±Inf (the sign in `neg`), as cty's numbers allow (`log(0, 10)`).
    inf: bool,
    /// Mantissa precision in bits: how the number rounds and prints.
    prec: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    Syntax,
    OutOfRange,
    /// Inf - Inf, 0 * Inf and the like: cty's message.
    NotANumber(&'static str),
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NumberError::Syntax => "not a valid number",
            NumberError::OutOfRange => "number is too large or too small to represent",
            NumberError::NotANumber(why) => why,
        })
    }
}

fn bit_len(m: &BigUint) -> i64 {
    m.bits() as i64
}

impl Number {
    /// +0, as `cty.Zero`.
    pub fn zero() -> Number {
        Number::signed_zero(false, INT_PRECISION)
    }

    fn signed_zero(neg: bool, prec: u32) -> Number {
        Number { neg, mant: BigUint::zero(), exp: 0, inf: false, prec }
    }

    /// +Inf or -Inf.
    pub fn infinity(negative: bool) -> Number {
        Number { neg: negative, mant: BigUint::zero(), exp: 0, inf: true, prec: PRECISION }
    }

    pub fn is_infinite(&self) -> bool {
        self.inf
    }

    /// Rounds `(-1)^neg * mant * 2^exp` (plus a sticky "something below")
    /// to `prec` bits, nearest-even.
    fn round(neg: bool, mut mant: BigUint, mut exp: i64, sticky: bool, prec: u32) -> Result<Number, NumberError> {
        if mant.is_zero() {
            return Ok(Number::signed_zero(neg, prec));
        }
        let bits = bit_len(&mant);
        if bits > prec as i64 {
            let shift = (bits - prec as i64) as u64;
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
            return Ok(Number::signed_zero(neg, prec));
        }
        Ok(Number { neg, mant, exp, inf: false, prec })
    }

    /// An integer as functions make them (`cty.NumberIntVal`: 64 bits).
    pub fn from_i64(v: i64) -> Number {
        Number::round(v < 0, BigUint::from(v.unsigned_abs()), 0, false, INT_PRECISION).expect("i64 fits")
    }

    pub fn from_u64(v: u64) -> Number {
        Number::round(false, BigUint::from(v), 0, false, INT_PRECISION).expect("u64 fits")
    }

    /// Exact conversion of an f64 at 53 bits (`cty.NumberFloatVal`); `None` for NaN.
    pub fn from_f64(v: f64) -> Option<Number> {
        if v.is_infinite() {
            return Some(Number { prec: FLOAT_PRECISION, ..Number::infinity(v < 0.0) });
        }
        if v.is_nan() {
            return None;
        }
        if v == 0.0 {
            return Some(Number::signed_zero(v.is_sign_negative(), FLOAT_PRECISION));
        }
        let bits = v.to_bits();
        let neg = bits >> 63 == 1;
        let exp_bits = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (mant, exp) = if exp_bits == 0 { (frac, -1074) } else { (frac | (1u64 << 52), exp_bits - 1075) };
        Number::round(neg, BigUint::from(mant), exp, false, FLOAT_PRECISION).ok()
    }

    /// A big integer as Go's `SetInt` makes it: as many bits as it has, at least 64.
    pub fn from_biguint(v: BigUint, neg: bool) -> Result<Number, NumberError> {
        let prec = (v.bits() as u32).max(INT_PRECISION);
        Number::round(neg, v, 0, false, prec)
    }

    /// Parses Terraform number syntax: optional sign, digits, optional
    /// fraction and exponent (`-1.5e3`), at 512 bits.
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
            return Ok(Number::signed_zero(neg, PRECISION));
        }
        exp10 -= frac_part.len() as i64;
        // Rough magnitude check before doing big arithmetic.
        let magnitude = digits.len() as i64 + exp10;
        if magnitude > 315_000 {
            return Err(NumberError::OutOfRange);
        }
        if magnitude < -315_000 {
            return Ok(Number::signed_zero(neg, PRECISION));
        }
        let d = BigUint::parse_bytes(digits.as_bytes(), 10).ok_or(NumberError::Syntax)?;
        if exp10 >= 0 {
            Number::round(neg, d * BigUint::from(10u32).pow(exp10 as u32), 0, false, PRECISION)
        } else {
            let den = BigUint::from(10u32).pow((-exp10) as u32);
            Number::div_mag(neg, &d, 0, &den, 0, PRECISION)
        }
    }

    /// Rounded quotient of two magnitudes `a*2^ea / (b*2^eb)`.
    fn div_mag(neg: bool, a: &BigUint, ea: i64, b: &BigUint, eb: i64, prec: u32) -> Result<Number, NumberError> {
        let k = (prec as i64 + 2 + bit_len(b) - bit_len(a)).max(0);
        let (q, r) = (a << k as u64).div_rem(b);
        Number::round(neg, q, ea - k - eb, !r.is_zero(), prec)
    }

    /// This number rounded to `prec` bits (Go's `SetPrec`), keeping the sign of zero.
    fn with_prec(&self, prec: u32) -> Number {
        if self.inf || self.mant.is_zero() {
            return Number { prec, ..self.clone() };
        }
        if prec >= self.prec || bit_len(&self.mant) <= prec as i64 {
            return Number { prec, ..self.clone() };
        }
        Number::round(self.neg, self.mant.clone(), self.exp, false, prec).unwrap_or_else(|_| self.clone())
    }

    /// The precision in bits this number rounds and prints at.
    pub fn precision(&self) -> u32 {
        self.prec
    }

    pub fn is_zero(&self) -> bool {
        !self.inf && self.mant.is_zero()
    }

    /// Below zero (negative zero is not).
    pub fn is_negative(&self) -> bool {
        self.neg && !self.is_zero()
    }

    /// The sign bit, set for negative zero too.
    pub fn is_sign_negative(&self) -> bool {
        self.neg
    }

    pub fn is_integer(&self) -> bool {
        !self.inf && (self.is_zero() || self.exp >= 0)
    }

    /// -1, 0 or 1, as Go's `Sign` (0 for both zeros).
    pub fn signum(&self) -> i32 {
        if self.is_zero() {
            0
        } else if self.neg {
            -1
        } else {
            1
        }
    }

    /// Flips the sign, of zero too (`-(0)` is `-0`).
    pub fn neg(&self) -> Number {
        Number { neg: !self.neg, ..self.clone() }
    }

    pub fn abs(&self) -> Number {
        Number { neg: false, ..self.clone() }
    }

    /// cty's `Add`: rounded at the larger precision.
    pub fn add(&self, other: &Number) -> Result<Number, NumberError> {
        self.add_or(other, "can't compute sum of opposing infinities")
    }

    fn add_or(&self, other: &Number, nan: &'static str) -> Result<Number, NumberError> {
        let prec = self.prec.max(other.prec);
        match (self.inf, other.inf) {
            (true, true) if self.neg != other.neg => return Err(NumberError::NotANumber(nan)),
            (true, _) => return Ok(Number { prec, ..self.clone() }),
            (false, true) => return Ok(Number { prec, ..other.clone() }),
            _ => {}
        }
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ok(Number::signed_zero(self.neg && other.neg, prec)),
            (true, false) => return Ok(other.with_prec(prec)),
            (false, true) => return Ok(self.with_prec(prec)),
            _ => {}
        }
        let exp = self.exp.min(other.exp);
        let a = &self.mant << (self.exp - exp) as u64;
        let b = &other.mant << (other.exp - exp) as u64;
        if self.neg == other.neg {
            return Number::round(self.neg, a + b, exp, false, prec);
        }
        match a.cmp(&b) {
            Ordering::Equal => Ok(Number::signed_zero(false, prec)),
            Ordering::Greater => Number::round(self.neg, a - b, exp, false, prec),
            Ordering::Less => Number::round(other.neg, b - a, exp, false, prec),
        }
    }

    /// cty's `Subtract`: adds the negation.
    pub fn sub(&self, other: &Number) -> Result<Number, NumberError> {
        self.add_or(&other.neg(), "can't subtract infinity from itself")
    }

    /// cty's `Multiply`: the product at 512 bits, kept at the larger of the
    /// operands' precisions and the bits the product needs.
    pub fn mul(&self, other: &Number) -> Result<Number, NumberError> {
        let neg = self.neg != other.neg;
        let prec = self.prec.max(other.prec);
        if self.inf || other.inf {
            if self.is_zero() || other.is_zero() {
                return Err(NumberError::NotANumber("can't multiply zero by infinity"));
            }
            return Ok(Number { prec, ..Number::infinity(neg) });
        }
        let product = Number::round(neg, &self.mant * &other.mant, self.exp + other.exp, false, PRECISION)?;
        let needed = bit_len(&product.mant) as u32;
        Ok(Number { prec: prec.max(needed), ..product })
    }

    /// cty's `Divide`: `x/0` is ±Inf; `0/0` and `Inf/Inf` fail.
    pub fn div(&self, other: &Number) -> Result<Number, NumberError> {
        let neg = self.neg != other.neg;
        let prec = self.prec.max(other.prec);
        let nan = NumberError::NotANumber("can't divide zero by zero or infinity by infinity");
        match (self.inf, other.inf, self.is_zero(), other.is_zero()) {
            (true, true, ..) | (false, false, true, true) => Err(nan),
            (true, false, ..) | (false, false, false, true) => Ok(Number { prec, ..Number::infinity(neg) }),
            (false, true, ..) | (false, false, true, false) => Ok(Number::signed_zero(neg, prec)),
            _ => Number::div_mag(neg, &self.mant, self.exp, &other.mant, other.exp, prec),
        }
    }

    /// cty's `Modulo`: `a - b * trunc(a / b)` at `a`'s precision; `a % 0` is `a`.
    pub fn rem(&self, other: &Number) -> Result<Number, NumberError> {
        const NAN: NumberError = NumberError::NotANumber("can't use modulo with zero and infinity");
        if other.is_zero() {
            return Ok(self.clone());
        }
        let quotient = self.div(other).map_err(|_| NAN)?;
        if quotient.inf {
            // cty converts the infinite quotient to a nil big.Int and crashes.
            return Err(NumberError::NotANumber(
                "panic in function implementation: runtime error: invalid memory address or nil pointer dereference",
            ));
        }
        let (whole, _) = quotient.integer_part();
        let whole = Number::round(quotient.neg, whole, 0, false, self.prec)?.abs_zero();
        if other.inf {
            // Inf * 0
            return Err(NAN);
        }
        let product =
            Number::round(other.neg != whole.neg, &other.mant * &whole.mant, other.exp + whole.exp, false, self.prec)?;
        self.add_or(&product.neg(), "can't use modulo with zero and infinity")
    }

    /// Zero loses its sign (a big.Int has none); other values are unchanged.
    fn abs_zero(self) -> Number {
        if self.is_zero() {
            Number { neg: false, ..self }
        } else {
            self
        }
    }

    /// The magnitude truncated toward zero, and whether anything was cut off.
    fn integer_part(&self) -> (BigUint, bool) {
        if self.is_zero() {
            return (BigUint::zero(), false);
        }
        if self.exp >= 0 {
            return (&self.mant << self.exp as u64, false);
        }
        let shift = (-self.exp) as u64;
        // The mantissa is odd, so a negative exponent always cuts something off.
        (&self.mant >> shift, true)
    }

    /// Rounds toward zero to an integer (as Go's `Int`, then `SetInt` at
    /// this precision: zero has no sign).
    pub fn trunc(&self) -> Number {
        if self.inf {
            return self.clone();
        }
        let (whole, _) = self.integer_part();
        Number::round(self.neg, whole, 0, false, self.prec).expect("smaller than input").abs_zero()
    }

    /// cty's `floor`: keeps the precision; `floor(-0)` is `0`.
    pub fn floor(&self) -> Number {
        if self.inf {
            return self.clone();
        }
        let (mut whole, cut) = self.integer_part();
        if cut && self.neg {
            whole += 1u32;
        }
        Number::round(self.neg, whole, 0, false, self.prec).expect("in range").abs_zero()
    }

    /// cty's `ceil`: keeps the precision; `ceil(-0.5)` is `0`.
    pub fn ceil(&self) -> Number {
        if self.inf {
            return self.clone();
        }
        let (mut whole, cut) = self.integer_part();
        if cut && !self.neg {
            whole += 1u32;
        }
        Number::round(self.neg, whole, 0, false, self.prec).expect("in range").abs_zero()
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

    /// The nearest f64, ties to even, as Go's `Float64` (infinite when out
    /// of range, subnormal or zero when tiny, keeping the sign).
    pub fn to_f64(&self) -> f64 {
        let sign = if self.neg { -1.0 } else { 1.0 };
        if self.inf {
            return sign * f64::INFINITY;
        }
        if self.is_zero() {
            return sign * 0.0;
        }
        let top = self.exp + bit_len(&self.mant);
        if top > 1024 {
            return sign * f64::INFINITY;
        }
        if top < -1100 {
            return sign * 0.0;
        }
        // Round to a multiple of 2^q: 53 bits, fewer for subnormals.
        let q = (top - 53).max(-1074);
        let shift = q - self.exp;
        let m: u64 = if shift <= 0 {
            (&self.mant << (-shift) as u64).to_u64().expect("at most 53 bits")
        } else {
            let s = shift as u64;
            let kept = (&self.mant >> s).to_u64().unwrap_or(0);
            let half = self.mant.bit(s - 1);
            let below = self.mant.trailing_zeros().is_some_and(|tz| tz < s - 1);
            if half && (below || kept & 1 == 1) {
                kept + 1
            } else {
                kept
            }
        };
        let scale =
            if q >= -1022 { f64::from_bits(((q + 1023) as u64) << 52) } else { f64::from_bits(1u64 << (q + 1074)) };
        sign * (m as f64) * scale
    }

    /// The exact integer value as a decimal string, when integral.
    pub fn to_bigint_string(&self) -> Option<String> {
        if !self.is_integer() {
            return None;
        }
        let m = &self.mant << self.exp.max(0) as u64;
        Some(format!("{}{}", if self.neg && !m.is_zero() { "-" } else { "" }, m))
    }

    /// cty's number equality (`rawNumberEqual`): integers by value, others
    /// by their printed text, so `-0` equals `0` but a 53-bit `pow` result
    /// need not equal the same value at 512 bits.
    pub fn cty_equal(&self, other: &Number) -> bool {
        if self.signum() != other.signum() || self.inf != other.inf {
            return false;
        }
        match (self.is_integer(), other.is_integer()) {
            (true, true) => self == other,
            // At one precision the shortest text identifies the value.
            (false, false) if self.prec == other.prec => self == other,
            (false, false) => self.to_string() == other.to_string(),
            _ => false,
        }
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

    /// Shortest decimal digits that read back (at this number's precision) to this value.
    fn shortest_decimal(&self) -> (Vec<u8>, i64) {
        let (mut digits, mut point) = Number::exact_decimal(&self.mant, self.exp);
        // Bounds half an ulp (of a prec-bit mantissa) either side.
        let bits = bit_len(&self.mant);
        let s = bits - (self.prec as i64 + 1);
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
        if self.is_zero() && other.is_zero() {
            return Ordering::Equal;
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
            return f.write_str(if self.neg { "-0" } else { "0" });
        }
        // An integer that fits in its precision prints all its digits (no
        // shorter decimal is within half an ulp): skip the big decimal
        // expansions (the hot path).
        if self.exp + bit_len(&self.mant) <= self.prec as i64 {
            if let Some(i) = self.to_i64() {
                return write!(f, "{i}");
            }
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

/// Equal values are equal whatever their precision, and `-0 == 0`.
impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        if self.is_zero() && other.is_zero() {
            return true;
        }
        self.inf == other.inf && self.neg == other.neg && self.mant == other.mant && (self.inf || self.exp == other.exp)
    }
}

impl Eq for Number {}

impl Hash for Number {
    fn hash<H: Hasher>(&self, state: &mut H) {
        if self.is_zero() {
            0u8.hash(state);
            return;
        }
        (self.inf, self.neg, &self.mant, if self.inf { 0 } else { self.exp }).hash(state);
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

    #[test]
    fn to_f64_rounds_like_go() {
        for (text, want) in [
            ("0.1", 0.1),
            ("9007199254740993", 9007199254740992.0),
            ("9007199254740995", 9007199254740996.0),
            ("4.9406564584124654e-324", 5e-324),
            ("2.2250738585072011e-308", 2.225073858507201e-308),
            ("1.7976931348623157e308", f64::MAX),
            ("1e-400", 0.0),
            ("1e400", f64::INFINITY),
        ] {
            assert_eq!(n(text).to_f64(), want, "{text}");
        }
        assert!(n("-1e-400").to_f64().is_sign_negative());
        assert!(n("-0").to_f64().is_sign_negative());
    }

    #[test]
    fn signed_zero_and_precision() {
        let minus_zero = n("0").neg();
        assert_eq!(minus_zero.to_string(), "-0");
        assert_eq!(minus_zero, Number::zero());
        assert!(minus_zero.cty_equal(&Number::zero()));
        assert_eq!(minus_zero.add(&Number::zero()).unwrap().to_string(), "0");
        assert_eq!(minus_zero.sub(&Number::zero()).unwrap().to_string(), "-0");
        assert_eq!(n("3").sub(&n("3")).unwrap().to_string(), "0");
        assert_eq!(Number::from_f64(-0.0).unwrap().to_string(), "-0");
        assert_eq!(n("-0.5").ceil().to_string(), "0");
        let third = Number::from_i64(1).div(&Number::from_i64(3)).unwrap();
        assert_eq!(third.precision(), 64);
        assert_eq!(third.to_string(), "0.33333333333333333334");
        let root2 = Number::from_f64(std::f64::consts::SQRT_2).unwrap();
        assert_eq!(root2.to_string(), "1.4142135623730951");
        assert_eq!(root2.mul(&n("1")).unwrap().to_string(), "1.4142135623730951454746218587388284504413604736328125");
        assert!(!root2.cty_equal(&root2.mul(&n("1")).unwrap()));
    }
}
