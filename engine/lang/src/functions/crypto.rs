//! Hash and crypto functions: md5 sha1 sha256 sha512 base64sha256
//! base64sha512, their file* variants, bcrypt, rsadecrypt, uuid, uuidv5.

use super::encoding::{arg_fail, b64_decode, b64_encode, fail};
use super::filesystem::read_file_bytes;
use super::{CallContext, FnResult, Function, Param, ReturnType};
use crate::types::Type;
use crate::value::Value;
use num_bigint::BigUint;

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[derive(Clone, Copy)]
enum Algo {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

fn digest(algo: Algo, data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    match algo {
        Algo::Md5 => md5::Md5::digest(data).to_vec(),
        Algo::Sha1 => sha1::Sha1::digest(data).to_vec(),
        Algo::Sha256 => sha2::Sha256::digest(data).to_vec(),
        Algo::Sha512 => sha2::Sha512::digest(data).to_vec(),
    }
}

fn str_arg(a: &[Value], i: usize) -> &str {
    a[i].as_str().expect("converted to string")
}

macro_rules! string_hash {
    ($name:literal, $algo:expr, $enc:expr) => {
        Function {
            name: $name,
            params: vec![Param::new("str", Type::String)],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::String),
            imp: |_, a, _| Ok(Value::string($enc(&digest($algo, str_arg(a, 0).as_bytes())))),
        }
    };
}

macro_rules! file_hash {
    ($name:literal, $algo:expr, $enc:expr) => {
        Function {
            name: $name,
            params: vec![Param::new("path", Type::String).allow_marked()],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::String),
            imp: |ctx, a, _| {
                let (p, marks) = a[0].clone().unmark_deep();
                let data = read_file_bytes(ctx, p.as_str().expect("string"), marks, false)?;
                Ok(Value::string($enc(&digest($algo, &data))).mark(marks))
            },
        }
    };
}

/// A number argument as Go's `int`, with gocty's messages.
pub(super) fn whole_int(v: &Value) -> Result<i64, String> {
    let n = v.as_number().ok_or_else(|| "number required".to_string())?;
    n.to_i64()
        .filter(|_| n.is_integer())
        .ok_or_else(|| "value must be a whole number, between -9223372036854775808 and 9223372036854775807".into())
}

fn bcrypt_imp(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let mut cost: i64 = 10;
    if a.len() > 1 {
        cost = whole_int(&a[1]).map_err(fail)?;
    }
    if a.len() > 2 {
        return Err(fail("bcrypt() takes no more than two arguments"));
    }
    let input = str_arg(a, 0).as_bytes();
    if input.len() > 72 {
        return Err(fail("error occured generating password bcrypt: password length exceeds 72 bytes"));
    }
    if cost < 4 {
        cost = 10;
    }
    if cost > 31 {
        return Err(fail(format!(
            "error occured generating password crypto/bcrypt: cost {cost} is outside allowed range (4,31)"
        )));
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| fail(format!("error occured generating password {e}")))?;
    let parts = bcrypt::hash_with_salt(input, cost as u32, salt)
        .map_err(|e| fail(format!("error occured generating password {e}")))?;
    Ok(Value::string(parts.format_for_version(bcrypt::Version::TwoA)))
}

fn format_uuid(b: &[u8; 16]) -> String {
    format!("{}-{}-{}-{}-{}", hex(&b[0..4]), hex(&b[4..6]), hex(&b[6..8]), hex(&b[8..10]), hex(&b[10..16]))
}

fn uuid_imp(_: &CallContext, _: &[Value], _: &Type) -> FnResult {
    // hashicorp/go-uuid: 16 random bytes, formatted without version bits.
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| fail(e.to_string()))?;
    Ok(Value::string(format_uuid(&b)))
}

/// google/uuid's Parse: the 36-char form, optionally `urn:uuid:` prefixed,
/// `{...}` braced, or 32 bare hex digits.
fn parse_uuid(s: &str) -> Result<[u8; 16], String> {
    let bytes = s.as_bytes();
    let core: &[u8] = match bytes.len() {
        36 => bytes,
        45 => {
            if !s.get(..9).is_some_and(|p| p.eq_ignore_ascii_case("urn:uuid:")) {
                return Err(format!("invalid urn prefix: {:?}", String::from_utf8_lossy(&bytes[..9])));
            }
            &bytes[9..]
        }
        38 => &bytes[1..37],
        32 => {
            let mut out = [0u8; 16];
            for i in 0..16 {
                out[i] = hex_byte(bytes[2 * i], bytes[2 * i + 1]).ok_or("invalid UUID format")?;
            }
            return Ok(out);
        }
        n => return Err(format!("invalid UUID length: {n}")),
    };
    if core[8] != b'-' || core[13] != b'-' || core[18] != b'-' || core[23] != b'-' {
        return Err("invalid UUID format".into());
    }
    let mut out = [0u8; 16];
    for (i, x) in [0usize, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34].iter().enumerate() {
        out[i] = hex_byte(core[*x], core[x + 1]).ok_or("invalid UUID format")?;
    }
    Ok(out)
}

fn hex_byte(a: u8, b: u8) -> Option<u8> {
    let d = |c: u8| (c as char).to_digit(16).map(|v| v as u8);
    Some(d(a)? << 4 | d(b)?)
}

fn uuidv5_imp(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let ns_str = str_arg(a, 0);
    let ns: [u8; 16] = match ns_str {
        "dns" => parse_uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8").expect("valid"),
        "url" => parse_uuid("6ba7b811-9dad-11d1-80b4-00c04fd430c8").expect("valid"),
        "oid" => parse_uuid("6ba7b812-9dad-11d1-80b4-00c04fd430c8").expect("valid"),
        "x500" => parse_uuid("6ba7b814-9dad-11d1-80b4-00c04fd430c8").expect("valid"),
        other => parse_uuid(other).map_err(|e| fail(format!("uuidv5() doesn't support namespace {other} ({e})")))?,
    };
    let mut data = ns.to_vec();
    data.extend_from_slice(str_arg(a, 1).as_bytes());
    let h = digest(Algo::Sha1, &data);
    let mut u = [0u8; 16];
    u.copy_from_slice(&h[..16]);
    u[6] = (u[6] & 0x0f) | 0x50;
    u[8] = (u[8] & 0x3f) | 0x80;
    Ok(Value::string(format_uuid(&u)))
}

// ------------------------------------------------------------------ RSA

/// A minimal DER reader: enough for PKCS#1 and PKCS#8 RSA private keys.
struct Der<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Der<'a> {
    fn read(&mut self) -> Result<(u8, &'a [u8]), String> {
        let err = || "invalid ASN1 data in the given private key: truncated tag or length".to_string();
        let tag = *self.data.get(self.pos).ok_or_else(err)?;
        let mut len = *self.data.get(self.pos + 1).ok_or_else(err)? as usize;
        self.pos += 2;
        if len & 0x80 != 0 {
            let n = len & 0x7f;
            if n == 0 || n > 4 {
                return Err("invalid ASN1 data in the given private key: length too large".into());
            }
            len = 0;
            for _ in 0..n {
                len = (len << 8) | *self.data.get(self.pos).ok_or_else(err)? as usize;
                self.pos += 1;
            }
        }
        let end = self.pos.checked_add(len).filter(|e| *e <= self.data.len()).ok_or_else(err)?;
        let body = &self.data[self.pos..end];
        self.pos = end;
        Ok((tag, body))
    }

    fn expect(&mut self, want: u8) -> Result<&'a [u8], String> {
        let (tag, body) = self.read()?;
        if tag != want {
            return Err(format!(
                "invalid ASN1 data in the given private key {{optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false}} tag mismatch ({tag:#x})"
            ));
        }
        Ok(body)
    }
}

struct RsaKey {
    n: BigUint,
    d: BigUint,
}

fn parse_pkcs1(der: &[u8]) -> Result<RsaKey, String> {
    let mut outer = Der { data: der, pos: 0 };
    let seq = outer.expect(0x30)?;
    let mut r = Der { data: seq, pos: 0 };
    let version = r.expect(0x02)?;
    if version.iter().any(|b| *b > 1) {
        return Err("x509: unsupported private key version".into());
    }
    let n = BigUint::from_bytes_be(r.expect(0x02)?);
    let _e = r.expect(0x02)?;
    let d = BigUint::from_bytes_be(r.expect(0x02)?);
    if n.bits() == 0 || d.bits() == 0 {
        return Err("invalid private key: crypto/rsa: invalid modulus".into());
    }
    Ok(RsaKey { n, d })
}

fn parse_pkcs8(der: &[u8]) -> Result<RsaKey, String> {
    let mut outer = Der { data: der, pos: 0 };
    let seq = outer.expect(0x30)?;
    let mut r = Der { data: seq, pos: 0 };
    let _version = r.expect(0x02)?;
    let alg = r.expect(0x30)?;
    let mut a = Der { data: alg, pos: 0 };
    let oid = a.expect(0x06)?;
    // 1.2.840.113549.1.1.1 rsaEncryption
    if oid != [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01] {
        return Err("invalid private key type".into());
    }
    let key = r.expect(0x04)?;
    parse_pkcs1(key)
}

fn parse_pem(key: &str) -> Result<(String, Vec<u8>), String> {
    let no_key = || "invalid private key: ssh: no key found".to_string();
    let start = key.find("-----BEGIN ").ok_or_else(no_key)?;
    let rest = &key[start + 11..];
    let label_end = rest.find("-----").ok_or_else(no_key)?;
    let label = rest[..label_end].to_string();
    let body_start = label_end + 5;
    let end_marker = format!("-----END {label}-----");
    let body_end = rest[body_start..].find(&end_marker).ok_or_else(no_key)? + body_start;
    let body = &rest[body_start..body_end];
    if body.contains(':') {
        return Err("invalid private key: ssh: this private key is passphrase protected".into());
    }
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let der = b64_decode(&b64).ok_or_else(no_key)?;
    Ok((label, der))
}

fn rsadecrypt_imp(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let s = str_arg(a, 0);
    let key = str_arg(a, 1);
    let ct = b64_decode(s).ok_or_else(|| {
        arg_fail(0, "ciphertext", format!("failed to decode input {s:?}: cipher text must be base64-encoded"))
    })?;
    let (label, der) = parse_pem(key).map_err(|e| arg_fail(1, "privatekey", e))?;
    let k = match label.as_str() {
        "RSA PRIVATE KEY" => parse_pkcs1(&der),
        "PRIVATE KEY" => parse_pkcs8(&der),
        other => Err(format!("invalid private key: ssh: unsupported key type {other:?}")),
    }
    .map_err(|e| arg_fail(1, "privatekey", e))?;
    let k_len = (k.n.bits() as usize).div_ceil(8);
    let fail = || fail("failed to decrypt: crypto/rsa: decryption error");
    if ct.len() != k_len || k_len < 11 {
        return Err(fail());
    }
    let c = BigUint::from_bytes_be(&ct);
    if c >= k.n {
        return Err(fail());
    }
    let m = c.modpow(&k.d, &k.n);
    let mb = m.to_bytes_be();
    if mb.len() > k_len {
        return Err(fail());
    }
    let mut em = vec![0u8; k_len - mb.len()];
    em.extend_from_slice(&mb);
    // EM = 0x00 || 0x02 || PS (>= 8 nonzero bytes) || 0x00 || M
    if em[0] != 0 || em[1] != 2 {
        return Err(fail());
    }
    let sep = em[2..].iter().position(|b| *b == 0).map(|p| p + 2).ok_or_else(fail)?;
    if sep < 10 {
        return Err(fail());
    }
    let msg = &em[sep + 1..];
    Ok(Value::string(String::from_utf8_lossy(msg).into_owned()))
}

pub(super) fn functions() -> Vec<Function> {
    vec![
        string_hash!("md5", Algo::Md5, hex),
        string_hash!("sha1", Algo::Sha1, hex),
        string_hash!("sha256", Algo::Sha256, hex),
        string_hash!("sha512", Algo::Sha512, hex),
        string_hash!("base64sha256", Algo::Sha256, b64_encode),
        string_hash!("base64sha512", Algo::Sha512, b64_encode),
        file_hash!("filemd5", Algo::Md5, hex),
        file_hash!("filesha1", Algo::Sha1, hex),
        file_hash!("filesha256", Algo::Sha256, hex),
        file_hash!("filesha512", Algo::Sha512, hex),
        file_hash!("filebase64sha256", Algo::Sha256, b64_encode),
        file_hash!("filebase64sha512", Algo::Sha512, b64_encode),
        Function {
            name: "bcrypt",
            params: vec![Param::new("str", Type::String)],
            var_param: Some(Param::new("cost", Type::Number)),
            ret: ReturnType::Fixed(|| Type::String),
            imp: bcrypt_imp,
        },
        Function {
            name: "uuid",
            params: vec![],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::String),
            imp: uuid_imp,
        },
        Function {
            name: "uuidv5",
            params: vec![Param::new("namespace", Type::String), Param::new("name", Type::String)],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::String),
            imp: uuidv5_imp,
        },
        Function {
            name: "rsadecrypt",
            params: vec![Param::new("ciphertext", Type::String), Param::new("privatekey", Type::String)],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::String),
            imp: rsadecrypt_imp,
        },
    ]
}
