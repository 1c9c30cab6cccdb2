//! Wrapping by glyph advances: a line never exceeds the width, a word is broken
//! only when it alone is wider, combining marks stay with their letter.

use super::*;

/// One wrapped line: runs of text by face, and its width in points.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WrappedLine {
    pub runs: Vec<(Face, String)>,
    pub width: f32,
}

impl WrappedLine {
    pub fn text(&self) -> String {
        self.runs.iter().map(|(_, s)| s.as_str()).collect()
    }
    pub(super) fn push(&mut self, face: Face, s: &str) {
        match self.runs.last_mut() {
            Some((f, t)) if *f == face => t.push_str(s),
            _ => self.runs.push((face, s.to_string())),
        }
    }
}

pub(super) enum Token {
    /// A word: pieces by face, never broken unless longer than a line.
    Word(Vec<(Face, String)>),
    Space(Face),
    Break,
}

pub(super) fn is_break_space(c: char) -> bool {
    // No-break spaces (U+00A0, U+202F) belong to the word.
    c.is_whitespace() && c != '\u{a0}' && c != '\u{202f}' && c != '\n'
}

pub(super) fn tokenize(spans: &[Span]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word: Vec<(Face, String)> = Vec::new();
    let flush = |word: &mut Vec<(Face, String)>, tokens: &mut Vec<Token>| {
        if !word.is_empty() {
            tokens.push(Token::Word(std::mem::take(word)));
        }
    };
    for span in spans {
        for c in span.text.chars() {
            if c == '\n' {
                flush(&mut word, &mut tokens);
                tokens.push(Token::Break);
            } else if is_break_space(c) {
                flush(&mut word, &mut tokens);
                if !matches!(tokens.last(), Some(Token::Space(_)) | Some(Token::Break) | None) {
                    tokens.push(Token::Space(span.face));
                }
            } else if c.is_control() {
                // Stray control characters (a pasted form feed) have no glyph.
                continue;
            } else {
                let c = if c == '\u{202f}' { '\u{a0}' } else { c };
                match word.last_mut() {
                    Some((f, s)) if *f == span.face => s.push(c),
                    _ => word.push((span.face, c.to_string())),
                }
            }
        }
    }
    flush(&mut word, &mut tokens);
    tokens
}

/// A combining mark stays with the letter before it when a word is broken.
pub(super) fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Wraps `spans` at `size` into lines no wider than `width`: greedy, breaking
/// only at spaces (and at newlines); a single word longer than the line is
/// broken between characters as a last resort.
pub fn wrap(fonts: &Fonts, spans: &[Span], size: f32, width: f32) -> Vec<WrappedLine> {
    const EPS: f32 = 0.01;
    let mut lines = Vec::new();
    let mut line = WrappedLine::default();
    let mut line_started = false;
    let mut pending_space: Option<Face> = None;
    for token in tokenize(spans) {
        match token {
            Token::Break => {
                lines.push(std::mem::take(&mut line));
                line_started = false;
                pending_space = None;
            }
            Token::Space(face) => pending_space = Some(face),
            Token::Word(pieces) => {
                let word_w: f32 = pieces.iter().map(|(f, s)| fonts.face(*f).text_width(s, size)).sum();
                if line_started {
                    let face = pending_space.unwrap_or(Face::Regular);
                    let space_w = fonts.face(face).char_width(' ', size);
                    if line.width + space_w + word_w <= width + EPS {
                        line.push(face, " ");
                        line.width += space_w;
                        for (f, s) in &pieces {
                            line.push(*f, s);
                        }
                        line.width += word_w;
                        pending_space = None;
                        continue;
                    }
                    lines.push(std::mem::take(&mut line));
                }
                pending_space = None;
                line_started = true;
                if word_w <= width + EPS {
                    for (f, s) in &pieces {
                        line.push(*f, s);
                    }
                    line.width = word_w;
                } else {
                    break_word(fonts, &pieces, size, width, &mut lines, &mut line);
                }
            }
        }
    }
    if line_started || !line.runs.is_empty() {
        lines.push(line);
    }
    lines
}

/// Breaks an over-long word by characters: full lines go to `lines`, the tail
/// stays in `line` so the next word may follow it.
pub(super) fn break_word(
    fonts: &Fonts,
    pieces: &[(Face, String)],
    size: f32,
    width: f32,
    lines: &mut Vec<WrappedLine>,
    line: &mut WrappedLine,
) {
    let mut clusters: Vec<(Face, String)> = Vec::new();
    for (face, s) in pieces {
        for c in s.chars() {
            match clusters.last_mut() {
                Some((f, cl)) if is_combining(c) && *f == *face => cl.push(c),
                _ => clusters.push((*face, c.to_string())),
            }
        }
    }
    for (face, cl) in clusters {
        let w = fonts.face(face).text_width(&cl, size);
        if !line.runs.is_empty() && line.width + w > width + 0.01 {
            lines.push(std::mem::take(line));
        }
        line.push(face, &cl);
        line.width += w;
    }
}
