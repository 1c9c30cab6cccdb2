//! The recovery key: the database key written so a person can copy it on
//! paper and type it back. Crockford's base32 (no I, L, O, U: nothing to
//! misread), in groups of four, with a check group, so a typo is caught before
//! anything is tried.

use sha2::{Digest, Sha256};

use super::DbKey;
use crate::error::Error;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// 32 bytes of key → 52 base32 characters (256 bits in 260), plus 4 of check.
const KEY_CHARS: usize = 52;
const CHECK_CHARS: usize = 4;

/// A recovery code, printable as `XXXX-XXXX-…` (14 groups of four).
pub struct RecoveryCode(zeroize::Zeroizing<String>);

impl RecoveryCode {
    pub(super) fn of(key: &DbKey) -> RecoveryCode {
        let mut chars = encode(&key.bytes()[..]);
        chars.push_str(&check(&chars));
        let mut out = String::with_capacity(chars.len() + chars.len() / 4);
        for (i, c) in chars.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(c);
        }
        zeroize::Zeroize::zeroize(&mut chars);
        RecoveryCode(zeroize::Zeroizing::new(out))
    }

    /// The key written in `text` (spaces, dashes and case do not matter; the
    /// letters people confuse are read as the digits they look like).
    pub fn parse(text: &str) -> Result<DbKey, Error> {
        let bad = || {
            Error::invalid(
                "recovery_key",
                "La chiave di recupero non è valida: controllare di averla ricopiata per intero, senza errori",
            )
        };
        let clean: zeroize::Zeroizing<String> = zeroize::Zeroizing::new(
            text.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .map(|c| match c.to_ascii_uppercase() {
                    'O' => '0',
                    'I' | 'L' => '1',
                    other => other,
                })
                .collect(),
        );
        if clean.len() != KEY_CHARS + CHECK_CHARS || !clean.is_ascii() {
            return Err(bad());
        }
        let (body, sum) = clean.split_at(KEY_CHARS);
        if check(body) != sum {
            return Err(bad());
        }
        let bytes = zeroize::Zeroizing::new(decode(body).ok_or_else(bad)?);
        DbKey::from_bytes(&bytes).ok_or_else(bad)
    }
}

impl std::fmt::Display for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((acc >> bits) & 31) as usize]));
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((acc << (5 - bits)) & 31) as usize]));
    }
    out
}

fn decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = (acc << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
        acc &= (1 << bits) - 1;
    }
    // The 4 padding bits of the last character must be zero.
    (acc == 0).then_some(out)
}

fn check(body: &str) -> String {
    let d = Sha256::digest([b"sportello-recupero/1\0".as_slice(), body.as_bytes()].concat());
    encode(&d[..3])[..CHECK_CHARS].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;

    #[test]
    fn a_code_reads_back_to_its_key_whatever_the_spacing_and_case() {
        for _ in 0..50 {
            let key = DbKey::generate().unwrap();
            let code = key.recovery_code().to_string();
            assert_eq!(code.len(), 56 + 13);
            assert_eq!(RecoveryCode::parse(&code).unwrap().bytes(), key.bytes());
            let sloppy = code.to_lowercase().replace('-', " ");
            assert_eq!(RecoveryCode::parse(&sloppy).unwrap().bytes(), key.bytes());
        }
    }

    #[test]
    fn one_wrong_character_is_caught_by_the_check() {
        let code = DbKey::generate().unwrap().recovery_code().to_string();
        let mut caught = 0;
        for (i, c) in code.char_indices().filter(|(_, c)| *c != '-') {
            let other = if c == 'Z' { 'Y' } else { 'Z' };
            let typo = format!("{}{other}{}", &code[..i], &code[i + 1..]);
            if RecoveryCode::parse(&typo).is_err() {
                caught += 1;
            }
        }
        // 20 bits of check: a single substitution slips through about once in a million.
        assert_eq!(caught, 56);
        assert_eq!(RecoveryCode::parse("ABCD").unwrap_err().code, Code::Invalid);
    }
}
