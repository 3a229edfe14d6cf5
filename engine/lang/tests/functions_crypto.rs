//! Hash and crypto functions, checked against Terraform 1.11.4.

mod support;

use support::{check, check_err_containing as check_err};

#[test]
fn hashes() {
    for (src, want) in [
        (r#"md5("hello world")"#, r#""5eb63bbbe01eeed093cb22bb8f5acdc3""#),
        (r#"md5(" tada ")"#, r#""aadf191a583e53062de2d02c008141c4""#),
        (r#"sha1("hello world")"#, r#""2aae6c35c94fcfb415dbe95f408b9ce91ee846ed""#),
        (r#"sha256("héllo wörld")"#, r#""a1003f7d04a4115711d0b48a2eaf1359ce565d2d2a6fd65098dfcffadeeef59f""#),
        (
            r#"sha512("test")"#,
            r#""ee26b0dd4af7e749aa1a8ee3c10ae9923f618980772e473f8819a5d4940e0db27ac185f8a0e1d5f84f88bc887fd67b143732c304cc5fa9ad8e6f57f50028a8ff""#,
        ),
        (r#"base64sha256("☃")"#, r#""UWQzYceeyu8lqN6ALeJPVwuiXZwt8dItlPreEbT0Zsw=""#),
        (
            r#"base64sha512("hello world")"#,
            r#""MJ7MSJwS1utMxA9QyQLytNDtd+5RGnx6m808qG1M2G+YndNbxf9JlnDaNCVbRbDP2DDoH2Bdz33FVC6TrpzXbw==""#,
        ),
        (r#"md5(var.unknown_string)"#, "(known after apply)"),
        (r#"sha256(var.secret)"#, "(sensitive value)"),
    ] {
        check(src, want);
    }
}

#[test]
fn uuids() {
    for (src, want) in [
        (r#"uuidv5("dns", "www.opentofu.org")"#, r#""df1e675d-b743-5f6c-9952-6311d0f141df""#),
        (
            r#"uuidv5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.opentofu.org")"#,
            r#""df1e675d-b743-5f6c-9952-6311d0f141df""#,
        ),
        (r#"uuidv5("oid", "tada")"#, r#""61eeea26-5176-5288-87fc-232d6ed30d2f""#),
        (
            r#"uuidv5("{6ba7b810-9dad-11d1-80b4-00c04fd430c8}", "www.opentofu.org")"#,
            r#""df1e675d-b743-5f6c-9952-6311d0f141df""#,
        ),
        (r#"length(uuid())"#, "36"),
        (r#"uuid() == uuid()"#, "false"),
    ] {
        check(src, want);
    }
    check_err(r#"uuidv5("tada", "tada")"#, "uuidv5() doesn't support namespace tada (invalid UUID length: 4).");
}

#[test]
fn bcrypt() {
    check(r#"length(bcrypt("x"))"#, "60");
    check(r#"substr(bcrypt("x"), 0, 7)"#, r#""$2a$10$""#);
    check(r#"substr(bcrypt("x", 4), 0, 7)"#, r#""$2a$04$""#);
    check(r#"substr(bcrypt("x", 2), 0, 7)"#, r#""$2a$10$""#);
    check_err(r#"bcrypt("x", 32)"#, "cost 32 is outside allowed range (4,31)");
    check_err(r#"bcrypt("x", 4, 5)"#, "bcrypt() takes no more than two arguments");
    check_err(r#"bcrypt("x", 4.5)"#, "value must be a whole number");
    check_err(&format!("bcrypt(\"{}\")", "a".repeat(73)), "password length exceeds 72 bytes");
}

// A throwaway test key (openssl genrsa -traditional 1024; pkcs8 -topk8) and
// `echo -n 'Hello, world!' | openssl pkeyutl -encrypt -pkeyopt rsa_padding_mode:pkcs1 | base64`.
const KEY: &str = "-----BEGIN RSA PRIVATE KEY-----\nMIICXgIBAAKBgQDOmzVtLuFXsjJkt4VRFq/tB/338x3fH6wWe4g+u9yuEbLnTYZK\niAddTiTmfUawjv9MEg53nOfIP2xinRg8VI5eAflAflA+CgbW5PFCRU72/EkhCDYU\n5fULPrXcuGSid1IxCEmdWOD+3ES7px3EAUO0NAKFVQrY/LLmDkh+lHB/dwIDAQAB\nAoGAbUda8u0g86mlTfBj64f8dXsMseE9o461Dw83+TaUet2RqxYuOa3Jd2ily+Pn\nR+vazPmf/VRYpGongeFluENhKRR75T8t+yXp/vkJ0u/TZiSGuX0sFEc5Cg7a9ZTX\nANIrE6Ro4JKbmNkHsMqtHFj98+oGOOFGF8u8i1xb92GNM4ECQQDxq8XP8/sNY56d\n0kVYlY8uwkFY5zc75Fc105RSASbRsijla/97HIO2PC8eO0OYUDwnufTOhfZoO9pt\nLxq1XHDfAkEA2tsz8BgfoJwYDlZ+xgnFcpCEyemmC1VJkhfWQYwHuHF946yZ8PAt\nAjneWFXV+VREaTPsdb9eKjRZX7NybHxMaQJBANIqIGec9ImLRahX8Qh9X7w5IJ0Q\nzj7eb10W95hs+fZIajpBtja48G3tXsh6n2j49adSlut3Inc4/dYPrblkf58CQQCI\nsj2AizDF+nk0C2Znf5bp9cZa7ysdDQpEy8qxaiswUwLUf+wvB3S1XTu5ZPOfJbkN\nFLdu3DaOmd/w3H5tsD1xAkEAuAOj//eg4dzGO6ifiZKaL074gx4FpKC46lt08Ivv\nF2PXJs70peZgG27grhfpuZ3CKO4tzB7LW/jifr+Ra4fK1w==\n-----END RSA PRIVATE KEY-----\n";
const KEY8: &str = "-----BEGIN PRIVATE KEY-----\nMIICeAIBADANBgkqhkiG9w0BAQEFAASCAmIwggJeAgEAAoGBAM6bNW0u4VeyMmS3\nhVEWr+0H/ffzHd8frBZ7iD673K4RsudNhkqIB11OJOZ9RrCO/0wSDnec58g/bGKd\nGDxUjl4B+UB+UD4KBtbk8UJFTvb8SSEINhTl9Qs+tdy4ZKJ3UjEISZ1Y4P7cRLun\nHcQBQ7Q0AoVVCtj8suYOSH6UcH93AgMBAAECgYBtR1ry7SDzqaVN8GPrh/x1ewyx\n4T2jjrUPDzf5NpR63ZGrFi45rcl3aKXL4+dH69rM+Z/9VFikaieB4WW4Q2EpFHvl\nPy37Jen++QnS79NmJIa5fSwURzkKDtr1lNcA0isTpGjgkpuY2Qewyq0cWP3z6gY4\n4UYXy7yLXFv3YY0zgQJBAPGrxc/z+w1jnp3SRViVjy7CQVjnNzvkVzXTlFIBJtGy\nKOVr/3scg7Y8Lx47Q5hQPCe59M6F9mg72m0vGrVccN8CQQDa2zPwGB+gnBgOVn7G\nCcVykITJ6aYLVUmSF9ZBjAe4cX3jrJnw8C0COd5YVdX5VERpM+x1v14qNFlfs3Js\nfExpAkEA0iogZ5z0iYtFqFfxCH1fvDkgnRDOPt5vXRb3mGz59khqOkG2Nrjwbe1e\nyHqfaPj1p1KW63cidzj91g+tuWR/nwJBAIiyPYCLMMX6eTQLZmd/lun1xlrvKx0N\nCkTLyrFqKzBTAtR/7C8HdLVdO7lk858luQ0Ut27cNo6Z3/Dcfm2wPXECQQC4A6P/\n96Dh3MY7qJ+JkpovTviDHgWkoLjqW3Twi+8XY9cmzvSl5mAbbuCuF+m5ncIo7i3M\nHstb+OJ+v5Frh8rX\n-----END PRIVATE KEY-----\n";
const CIPHERTEXT: &str = "VXIQK/Ez+/x/dr3I+XvbM+Et4jLth7r28fwxDUrxYXK1jVobdWFMliNNvpBDQgQ7faDTP18L0KwQCLcz3rlyeX0mkgtMzlEO7zOFROZLMJe9M9Y51PZmbaNUatEwQ3aYco/gCWBUkIWK3kj+Pr1TJNtD1hraVm7o9X50DlzUung=";

#[test]
fn rsadecrypt() {
    let ct = CIPHERTEXT.trim();
    check(&format!("rsadecrypt({ct:?}, {KEY:?})"), r#""Hello, world!""#);
    check(&format!("rsadecrypt({ct:?}, {KEY8:?})"), r#""Hello, world!""#);
    check_err(&format!("rsadecrypt(\"bad\", {KEY:?})"), "cipher text must be base64-encoded");
    check_err(&format!("rsadecrypt(\"aGVsbG8=\", {KEY:?})"), "failed to decrypt");
    check_err(r#"rsadecrypt("aGVsbG8=", "x")"#, "invalid private key");
    check_err(
        r#"rsadecrypt("aGVsbG8=", "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----")"#,
        "invalid ASN1 data in the given private key: truncated tag or length",
    );
}
