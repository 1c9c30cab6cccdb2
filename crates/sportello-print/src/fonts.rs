//! The two faces every Sportello document uses, DejaVu Sans regular and bold,
//! embedded in the binary (no system fonts: the offline laptops differ) and
//! parsed once per process. Measurement uses the same advances the PDF viewer
//! will apply (`/W` comes from the same `hmtx`), so what we wrap is what prints.

use std::sync::OnceLock;

use printpdf::ParsedFont;

use crate::error::{Code, Error};

const REGULAR: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

/// Which face a run of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    Regular,
    Bold,
}

/// A parsed face plus a table of advances for the characters an Italian document
/// uses most, so that wrapping thousands of table cells does not walk the cmap
/// for every letter.
pub struct FaceData {
    pub font: ParsedFont,
    units_per_em: f32,
    ascent: f32,
    descent: f32,
    /// Advance in font units for U+0000..U+0250 (Latin, Latin-1, Latin Extended A/B).
    common: Vec<u16>,
}

impl FaceData {
    fn load(bytes: &[u8], name: &str) -> Result<FaceData, Error> {
        let font = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .ok_or_else(|| Error::new(Code::Internal, format!("carattere {name} non leggibile")))?;
        let metrics = font.font_metrics;
        let units_per_em = f32::from(metrics.units_per_em.max(1));
        let mut face = FaceData {
            units_per_em,
            ascent: metrics.ascent,
            descent: metrics.descent,
            common: Vec::new(),
            font,
        };
        face.common = (0u32..0x250).map(|cp| face.advance_units_slow(cp)).collect();
        Ok(face)
    }

    fn advance_units_slow(&self, cp: u32) -> u16 {
        // A character the font lacks prints as the .notdef box: measure that box.
        let gid = self.font.lookup_glyph_index(cp).unwrap_or(0);
        self.font.get_horizontal_advance(gid)
    }

    fn advance_units(&self, ch: char) -> u16 {
        let cp = ch as u32;
        match self.common.get(cp as usize) {
            Some(&w) => w,
            None => self.advance_units_slow(cp),
        }
    }

    /// Width of `ch` at `size` points.
    pub fn char_width(&self, ch: char, size: f32) -> f32 {
        f32::from(self.advance_units(ch)) * size / self.units_per_em
    }

    /// Width of `s` at `size` points (no kerning: the PDF is written without it).
    pub fn text_width(&self, s: &str, size: f32) -> f32 {
        let units: u32 = s.chars().map(|c| u32::from(self.advance_units(c))).sum();
        units as f32 * size / self.units_per_em
    }

    /// Height above the baseline at `size` points.
    pub fn ascent(&self, size: f32) -> f32 {
        self.ascent * size / self.units_per_em
    }

    /// Depth below the baseline at `size` points (positive).
    pub fn descent(&self, size: f32) -> f32 {
        self.descent.abs() * size / self.units_per_em
    }

    /// Whether the face has a glyph for `ch` (otherwise it prints as a box).
    pub fn has_glyph(&self, ch: char) -> bool {
        self.font.lookup_glyph_index(ch as u32).is_some_and(|g| g != 0)
    }

    /// The first character of `s` this face cannot print (spaces and control
    /// characters aside, which the layout never draws as glyphs).
    pub fn missing_glyph(&self, s: &str) -> Option<char> {
        s.chars().find(|&c| !c.is_ascii() && !c.is_whitespace() && !c.is_control() && !self.has_glyph(c))
    }
}

/// A text that cannot be printed as written would reach paper as empty boxes and
/// vanish from the PDF's text: refuse it, naming the character and the field.
pub fn check_printable(field: &str, text: &str) -> Result<(), Error> {
    let f = fonts()?;
    match f.regular.missing_glyph(text).or_else(|| f.bold.missing_glyph(text)) {
        None => Ok(()),
        Some(c) => Err(unprintable(c).with_field(field)),
    }
}

pub(crate) fn unprintable(c: char) -> Error {
    Error::invalid(
        "testo",
        format!(
            "il carattere «{c}» (U+{:04X}) non si può stampare con il carattere dei documenti (DejaVu Sans): \
             scrivere il testo in caratteri latini, come nei documenti d'identità italiani",
            c as u32
        ),
    )
}

pub struct Fonts {
    pub regular: FaceData,
    pub bold: FaceData,
}

impl Fonts {
    pub fn face(&self, face: Face) -> &FaceData {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }
}

/// The process-wide fonts, parsed on first use.
pub fn fonts() -> Result<&'static Fonts, Error> {
    static FONTS: OnceLock<Result<Fonts, Error>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Ok(Fonts {
                regular: FaceData::load(REGULAR, "DejaVu Sans")?,
                bold: FaceData::load(BOLD, "DejaVu Sans Bold")?,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_and_vietnamese_letters_have_glyphs() {
        let f = fonts().unwrap();
        for face in [Face::Regular, Face::Bold] {
            for ch in "àèéìòùÀÈÉÌÒÙ€“”’«»ễịĐđŁłŞşçñöüëÿ".chars() {
                assert!(f.face(face).has_glyph(ch), "{ch} missing in {face:?}");
            }
        }
    }

    #[test]
    fn unprintable_characters_are_named() {
        assert!(check_printable("x", "Niccolò Dell'Orto, Thị Lan Nguyễn — 1.234,56 € “ok”").is_ok());
        let e = check_printable("members[m3].first_name", "Zoë 王").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("members[m3].first_name"));
        assert!(e.message.contains("«王» (U+738B)"), "{}", e.message);
    }

    #[test]
    fn widths_add_up_and_bold_is_wider() {
        let f = fonts().unwrap();
        let w = f.regular.text_width("Niccolò", 10.0);
        let sum: f32 = "Niccolò".chars().map(|c| f.regular.char_width(c, 10.0)).sum();
        assert!((w - sum).abs() < 1e-3);
        assert!(w > 20.0 && w < 60.0, "{w}");
        assert!(f.bold.text_width("Niccolò", 10.0) > w);
        // Scales linearly with the size.
        assert!((f.regular.text_width("Niccolò", 20.0) - 2.0 * w).abs() < 1e-3);
        // Outside the fast table too.
        assert!(f.regular.char_width('ễ', 10.0) > 0.0);
        assert!(f.regular.char_width('€', 10.0) > 0.0);
    }
}
