//! Text files as offices have them: UTF-8 (with or without the BOM a
//! spreadsheet puts first) or, when the bytes are not UTF-8, Windows-1252,
//! what Excel on an Italian Windows writes by "CSV (delimitato dal separatore
//! di elenco)". The two cannot be confused: Windows-1252 text with an accented
//! letter is never valid UTF-8 (à is the lone byte 0xE0, which UTF-8 only
//! allows as the start of a three-byte sequence), and text without one reads
//! the same either way. So the choice is not a guess, and it is reported.

use std::borrow::Cow;
use std::fmt;

/// How a file's bytes were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// UTF-8 starting with the byte-order mark (removed from the text).
    Utf8Bom,
    Windows1252,
}

impl Encoding {
    /// For the operator: what the program read the file as.
    pub fn italian(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 con BOM",
            Encoding::Windows1252 => "Windows-1252 (ANSI)",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.italian())
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The text of a file and how it was read.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, Encoding) {
    if let Some(rest) = bytes.strip_prefix(BOM) {
        if let Ok(s) = std::str::from_utf8(rest) {
            return (Cow::Borrowed(s), Encoding::Utf8Bom);
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), Encoding::Utf8),
        Err(_) => (Cow::Owned(bytes.iter().map(|&b| windows_1252(b)).collect()), Encoding::Windows1252),
    }
}

/// 0x80-0x9F are Windows-1252's own (€, curly quotes, dashes, Œ, Š…); the
/// five bytes it leaves undefined map to the C1 controls of the same number,
/// as the WHATWG encoding standard does. Every other byte is Latin-1.
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
        '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
        '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
        '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_is_read_and_named() {
        assert_eq!(decode("Niccolò".as_bytes()), (Cow::Borrowed("Niccolò"), Encoding::Utf8));
        assert_eq!(decode(b"\xEF\xBB\xBFNiccol\xC3\xB2"), (Cow::Borrowed("Niccolò"), Encoding::Utf8Bom));
        let (text, enc) = decode(b"Niccol\xF2 D\x92Angelo \x80 4.800,00 \x96 \x9Cuvre");
        assert_eq!((text.as_ref(), enc), ("Niccolò D’Angelo € 4.800,00 – œuvre", Encoding::Windows1252));
        // Plain ASCII is the same in all three: UTF-8, never a guess.
        assert_eq!(decode(b"protocol;amount").1, Encoding::Utf8);
    }

    #[test]
    fn every_byte_of_windows_1252_is_a_character() {
        let all: Vec<u8> = (0x80..=0xFF).collect();
        let (text, enc) = decode(&all);
        assert_eq!(enc, Encoding::Windows1252);
        assert_eq!(text.chars().count(), 128);
        assert!(text.starts_with('€') && text.ends_with('ÿ'));
    }
}
