//! Providers built into Strata that need no cloud: Terraform's built-in
//! `terraform_data`, and (as their Terraform namesakes) `random`, `local`
//! and `archive` (data `archive_file`, zip). They are the offline quick start and the engine's test bed.

mod archive;
mod local;
mod random;
mod terraform;
mod words;

use std::sync::Arc;
use strata_provider::{ProviderFactory, Registry};

pub use terraform::RemoteStateBackends;

/// Adds every built-in provider to `registry`; `terraform_remote_state`
/// reads backends other than `local` through `backends`.
pub fn register(registry: &mut Registry, backends: Option<Arc<dyn RemoteStateBackends>>) {
    let factories: Vec<Arc<dyn ProviderFactory>> = vec![
        Arc::new(terraform::Factory { backends }),
        Arc::new(random::Factory),
        Arc::new(local::Factory),
        Arc::new(archive::Factory),
    ];
    for f in factories {
        registry.add(f);
    }
}

/// Helpers shared by the built-in providers.
pub(crate) mod util {
    pub use strata_provider::values::{attr, str_attr, with_attr};

    /// A random UUID-shaped id, as hashicorp/go-uuid makes them (no version bits).
    pub fn random_id() -> String {
        let mut b = [0u8; 16];
        if getrandom::fill(&mut b).is_err() {
            // No entropy source: fall back to time-derived bytes (ids need only be unique).
            let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
            b = t.to_le_bytes();
        }
        let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
        format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
    }

    /// Fills `b` from the system's entropy source.
    pub fn fill_random(b: &mut [u8]) -> Result<(), String> {
        getrandom::fill(b).map_err(|e| e.to_string())
    }

    /// A uniformly random number in `0..n` (`n > 0`), without modulo bias.
    pub fn random_below(n: u64) -> Result<u64, String> {
        debug_assert!(n > 0);
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let mut b = [0u8; 8];
            fill_random(&mut b)?;
            let x = u64::from_le_bytes(b);
            if x < zone {
                return Ok(x % n);
            }
        }
    }

    const B64_STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const B64_URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    fn b64_encode(data: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
        let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
        for chunk in data.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
            let chars = chunk.len() + 1;
            for i in 0..4 {
                if i < chars {
                    out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else if pad {
                    out.push('=');
                }
            }
        }
        out
    }

    fn b64_decode(s: &str, alphabet: &[u8; 64], pad: bool) -> Result<Vec<u8>, String> {
        let bytes = s.as_bytes();
        let body = if pad {
            if bytes.len() & 3 != 0 {
                return Err(format!("illegal base64 data at input byte {}", bytes.len() - bytes.len() % 4));
            }
            let trimmed = bytes.iter().rev().take_while(|&&c| c == b'=').count();
            if trimmed > 2 {
                return Err(format!("illegal base64 data at input byte {}", bytes.len() - trimmed));
            }
            &bytes[..bytes.len() - trimmed]
        } else {
            bytes
        };
        if body.len() % 4 == 1 {
            return Err(format!("illegal base64 data at input byte {}", body.len() - 1));
        }
        let mut out = Vec::with_capacity(body.len() * 3 / 4);
        for (ci, chunk) in body.chunks(4).enumerate() {
            let mut n = 0u32;
            for (i, c) in chunk.iter().enumerate() {
                let Some(v) = alphabet.iter().position(|a| a == c) else {
                    return Err(format!("illegal base64 data at input byte {}", ci * 4 + i));
                };
                n |= (v as u32) << (18 - 6 * i);
            }
            for i in 0..chunk.len() - 1 {
                out.push((n >> (16 - 8 * i)) as u8);
            }
        }
        Ok(out)
    }

    /// Standard base64 with padding (Go's `base64.StdEncoding`).
    pub fn base64_std(data: &[u8]) -> String {
        b64_encode(data, B64_STD, true)
    }

    /// URL-safe base64 without padding (Go's `base64.RawURLEncoding`).
    pub fn base64_raw_url(data: &[u8]) -> String {
        b64_encode(data, B64_URL, false)
    }

    pub fn decode_base64_std(s: &str) -> Result<Vec<u8>, String> {
        b64_decode(s, B64_STD, true)
    }

    pub fn decode_base64_raw_url(s: &str) -> Result<Vec<u8>, String> {
        b64_decode(s, B64_URL, false)
    }

    pub fn hex(data: &[u8]) -> String {
        data.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn base64_round_trips() {
            for (raw, std, url) in [
                (&b""[..], "", ""),
                (b"f", "Zg==", "Zg"),
                (b"fo", "Zm8=", "Zm8"),
                (b"foo", "Zm9v", "Zm9v"),
                (b"\xfb\xff\xfe", "+//+", "-__-"),
            ] {
                assert_eq!(base64_std(raw), std);
                assert_eq!(base64_raw_url(raw), url);
                assert_eq!(decode_base64_std(std).unwrap(), raw);
                assert_eq!(decode_base64_raw_url(url).unwrap(), raw);
            }
            assert!(decode_base64_std("Zg=").is_err());
            assert!(decode_base64_raw_url("Z").is_err());
            assert!(decode_base64_std("Z!==").is_err());
        }

        #[test]
        fn random_below_stays_in_range() {
            for _ in 0..100 {
                assert!(random_below(3).unwrap() < 3);
            }
            assert_eq!(random_below(1).unwrap(), 0);
        }
    }
}
