//! Search keys: names folded so that what an operator types finds what was
//! registered, with or without accents, apostrophes and spaces.
//!
//! "Nguyễn" → "nguyen", "Dell'Orto" → "dellorto", "De Luca" → "deluca",
//! "Niccolò" → "niccolo". Scripts without case or accents (Chinese, Arabic…)
//! are kept as they are.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lower case, accents removed, only letters and digits kept.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        // Letters that do not decompose into a base letter and an accent.
        let special = match c {
            'ß' | 'ẞ' => Some("ss"),
            'æ' | 'Æ' => Some("ae"),
            'œ' | 'Œ' => Some("oe"),
            'ø' | 'Ø' => Some("o"),
            'đ' | 'Đ' | 'ð' | 'Ð' => Some("d"),
            'ł' | 'Ł' => Some("l"),
            'þ' | 'Þ' => Some("th"),
            'ı' => Some("i"),
            _ => None,
        };
        if let Some(rep) = special {
            out.push_str(rep);
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// A codice fiscale prefix as stored: upper case, letters and digits only.
pub fn fold_code(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// The exclusive upper bound of the keys starting with `prefix` (for an index
/// range scan: `key >= prefix AND key < upper`).
pub fn prefix_upper_bound(prefix: &str) -> String {
    // Keys are compared as UTF-8 bytes (BINARY); U+10FFFF is above every
    // character that can follow the prefix.
    format!("{prefix}\u{10FFFF}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_apostrophes_and_foreign_letters() {
        assert_eq!(fold("Nguyễn"), "nguyen");
        assert_eq!(fold("Thị Lan"), "thilan");
        assert_eq!(fold("Dell'Orto"), "dellorto");
        assert_eq!(fold("Dell’Orto"), "dellorto");
        assert_eq!(fold("dell'orto"), fold("DELLORTO"));
        assert_eq!(fold("Niccolò"), "niccolo");
        assert_eq!(fold("Zoë"), "zoe");
        assert_eq!(fold("De Luca-Ferrà"), "delucaferra");
        assert_eq!(fold("Đặng"), "dang");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Søren Łukasz"), "sorenlukasz");
        assert_eq!(fold("王芳"), "王芳");
        assert_eq!(fold("  "), "");
    }

    #[test]
    fn upper_bound_is_above_every_continuation() {
        let up = prefix_upper_bound("ros");
        for k in ["ros", "rossi", "rosé", "ros王", "rosz"] {
            assert!(k >= "ros" && k < up.as_str(), "{k}");
        }
        assert!("rot" > up.as_str());
    }
}
