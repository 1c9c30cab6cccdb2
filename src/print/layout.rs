//! A small layout engine for the documents an office hands out: A4 pages of
//! wrapped paragraphs, headings, lists, tables and signature lines, with a
//! "pagina N di M" footer.
//!
//! printpdf's ops API places glyphs and nothing more, so this module does the
//! typesetting itself in two passes: [`Document::layout`] turns blocks into
//! pages of positioned items (pure, inspectable in tests), then
//! [`Document::render`] writes them as PDF text in the embedded DejaVu faces.
//!
//! Blocks become "units" (a line, a table row slice, a signature line), the only
//! things that are never split; a unit may ask to stay on the same page as the
//! next one, which is how headings keep with what follows, rows keep whole, and
//! a paragraph avoids leaving a single line behind.

use chrono::{Datelike, NaiveDate};
use printpdf::{
    Color, DateTime, Greyscale, Line as PdfLine, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem, TextMatrix,
};

use super::fonts::{fonts, Face, Fonts};
use crate::error::{Code, Error};

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.276;
pub const PAGE_HEIGHT: f32 = 841.89;

/// Millimetres to points.
pub fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

/// Body text size and the line pitch relative to the size.
pub const BODY_SIZE: f32 = 10.0;
const LEADING: f32 = 1.38;
const SMALL_SIZE: f32 = 8.5;

/// Margins of every page, in points.
#[derive(Debug, Clone, Copy)]
pub struct Margins {
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
    pub left: f32,
}

impl Default for Margins {
    fn default() -> Self {
        // 20 mm around the text, a little more at the bottom for the footer.
        Margins { top: mm(18.0), right: mm(20.0), bottom: mm(22.0), left: mm(20.0) }
    }
}

/// A run of text in one face.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub text: String,
    pub face: Face,
}

impl Span {
    pub fn regular(text: impl Into<String>) -> Span {
        Span { text: text.into(), face: Face::Regular }
    }
    pub fn bold(text: impl Into<String>) -> Span {
        Span { text: text.into(), face: Face::Bold }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// A paragraph: wrapped spans, optionally with a marker ("•", "3.") hanging in
/// the left indent of its first line.
#[derive(Debug, Clone)]
pub struct Paragraph {
    pub spans: Vec<Span>,
    pub size: f32,
    pub align: Align,
    /// Left indent of every line, in points.
    pub indent: f32,
    pub marker: Option<String>,
    pub space_before: f32,
    /// Stay on the same page as the first line of the next block.
    pub keep_with_next: bool,
}

impl Paragraph {
    pub fn new(spans: Vec<Span>) -> Paragraph {
        Paragraph {
            spans,
            size: BODY_SIZE,
            align: Align::Left,
            indent: 0.0,
            marker: None,
            space_before: 4.0,
            keep_with_next: false,
        }
    }
    pub fn text(text: impl Into<String>) -> Paragraph {
        Paragraph::new(vec![Span::regular(text)])
    }
    pub fn size(mut self, size: f32) -> Self {
        self.size = size;
        self
    }
    pub fn align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }
    pub fn indent(mut self, indent: f32) -> Self {
        self.indent = indent;
        self
    }
    pub fn marker(mut self, marker: impl Into<String>) -> Self {
        self.marker = Some(marker.into());
        self
    }
    pub fn space_before(mut self, pt: f32) -> Self {
        self.space_before = pt;
        self
    }
    pub fn keep_with_next(mut self) -> Self {
        self.keep_with_next = true;
        self
    }
}

#[derive(Debug, Clone)]
pub struct Column {
    pub title: String,
    /// Relative width: columns share the text width in proportion.
    pub weight: f32,
    pub align: Align,
}

impl Column {
    pub fn new(title: impl Into<String>, weight: f32, align: Align) -> Column {
        Column { title: title.into(), weight, align }
    }
}

#[derive(Debug, Clone)]
pub enum Row {
    Cells(Vec<String>),
    /// A full-width label that opens a section of the table ("Non ammessi");
    /// repeated with "(segue)" when the section continues on a new page.
    Section(String),
}

/// A table whose header is repeated on every page it spans.
#[derive(Debug, Clone)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub size: f32,
}

/// A line to sign on, with the printed name (or the statement of who signs for
/// whom) above it.
#[derive(Debug, Clone)]
pub struct Signature {
    pub label: Vec<Span>,
}

#[derive(Debug, Clone)]
pub enum Block {
    Paragraph(Paragraph),
    Table(Table),
    Signature(Signature),
    /// Vertical space (dropped at the top of a page).
    Space(f32),
    /// A thin horizontal rule across the text width.
    Rule,
    PageBreak,
}

/// Something drawn on a page. Coordinates in points from the top-left corner of
/// the page; `y` of a text is its baseline.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text { x: f32, y: f32, face: Face, size: f32, text: String },
    Line { x1: f32, y1: f32, x2: f32, y2: f32, width: f32, grey: f32 },
    Fill { x: f32, y: f32, w: f32, h: f32, grey: f32 },
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub items: Vec<Item>,
}

impl Page {
    /// The page's text, one string per text item, in drawing order.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.items.iter().filter_map(|i| match i {
            Item::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
    }
}

/// The result of the layout pass: what goes on each page, footers included.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub pages: Vec<Page>,
}

/// A document: metadata, footer label, and blocks in reading order.
#[derive(Debug, Clone)]
pub struct Document {
    pub title: String,
    pub subject: String,
    /// Left part of the footer (the page count is on the right).
    pub footer: String,
    /// The document's own date (written as the PDF creation date: rendering never
    /// reads the clock).
    pub date: Option<NaiveDate>,
    pub margins: Margins,
    pub blocks: Vec<Block>,
}

impl Document {
    pub fn new(title: impl Into<String>) -> Document {
        let title = title.into();
        Document {
            footer: title.clone(),
            title,
            subject: String::new(),
            date: None,
            margins: Margins::default(),
            blocks: Vec::new(),
        }
    }

    /// Text width between the margins.
    pub fn text_width(&self) -> f32 {
        PAGE_WIDTH - self.margins.left - self.margins.right
    }

    pub fn push(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }

    pub fn paragraph(&mut self, p: Paragraph) -> &mut Self {
        self.push(Block::Paragraph(p))
    }

    /// A heading: level 1 is the document title (centred), level 2 a section.
    /// Always kept on the same page as the start of what follows it.
    pub fn heading(&mut self, level: u8, text: impl Into<String>) -> &mut Self {
        let p = match level {
            1 => Paragraph::new(vec![Span::bold(text)]).size(14.5).align(Align::Center).space_before(14.0),
            2 => Paragraph::new(vec![Span::bold(text)]).size(11.5).space_before(14.0),
            _ => Paragraph::new(vec![Span::bold(text)]).size(BODY_SIZE + 0.5).space_before(12.0),
        };
        self.paragraph(p.keep_with_next())
    }

    /// A bulleted list, one paragraph per item.
    pub fn bullets<S: AsRef<str>>(&mut self, items: &[S]) -> &mut Self {
        for (i, item) in items.iter().enumerate() {
            let p = Paragraph::text(item.as_ref()).indent(14.0).marker("•").space_before(if i == 0 {
                4.0
            } else {
                2.0
            });
            self.paragraph(p);
        }
        self
    }

    /// Lays the blocks out on pages (pure: no PDF yet).
    pub fn layout(&self) -> Result<Layout, Error> {
        let fonts = fonts()?;
        let mut b = UnitBuilder::new(fonts, self.margins.left, self.text_width());
        for block in &self.blocks {
            b.block(block);
        }
        let mut layout = paginate(&b, &self.margins);
        add_footers(&mut layout, fonts, &self.margins, &self.footer);
        // Last line of defence: callers check their fields by name first.
        for page in &layout.pages {
            for item in &page.items {
                if let Item::Text { face, text, .. } = item {
                    if let Some(c) = fonts.face(*face).missing_glyph(text) {
                        return Err(super::fonts::unprintable(c));
                    }
                }
            }
        }
        Ok(layout)
    }

    /// Lays out and writes the PDF.
    pub fn render(&self) -> Result<Vec<u8>, Error> {
        let layout = self.layout()?;
        self.pdf(&layout)
    }

    /// Writes the PDF of a layout made by [`Document::layout`] (for callers that
    /// also want to know the page count).
    pub fn pdf(&self, layout: &Layout) -> Result<Vec<u8>, Error> {
        let fonts = fonts()?;
        let mut pdf = PdfDocument::new(&self.title);
        let info = &mut pdf.metadata.info;
        info.creator = "Sportello".to_string();
        info.producer = "Sportello".to_string();
        info.subject = self.subject.clone();
        if let Some(d) = self.date {
            let dt = pdf_date(d);
            info.creation_date = dt;
            info.modification_date = dt;
            info.metadata_date = dt;
        }
        let regular = PdfFontHandle::External(pdf.add_font(&fonts.regular.font));
        let bold = PdfFontHandle::External(pdf.add_font(&fonts.bold.font));
        let pages = layout
            .pages
            .iter()
            .map(|page| PdfPage::new(Mm(210.0), Mm(297.0), page_ops(page, &regular, &bold)))
            .collect();
        pdf.with_pages(pages);
        let mut warnings = Vec::new();
        // printpdf would compress at flate's best level, which triples the time
        // of a two-page document for a few percent of size: compress here.
        let opts = PdfSaveOptions { optimize: false, image_optimization: None, ..PdfSaveOptions::default() };
        let mut doc = pdf.to_lopdf_document(&opts, &mut warnings);
        for object in doc.objects.values_mut() {
            if let lopdf::Object::Stream(stream) = object {
                compress(stream);
            }
        }
        let mut out = Vec::new();
        doc.save_to(&mut out).map_err(|e| Error::new(Code::Internal, format!("scrittura del PDF: {e}")))?;
        Ok(out)
    }
}

/// zlib's default level: within a few percent of the best size, in half the time.
const FLATE_LEVEL: u32 = 6;

fn compress(stream: &mut lopdf::Stream) {
    use std::io::Write;
    if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
        return;
    }
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(FLATE_LEVEL));
    if enc.write_all(&stream.content).is_err() {
        return;
    }
    if let Ok(packed) = enc.finish() {
        // Only worth it when it saves more than the /Filter entry costs.
        if packed.len() + 19 < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(packed);
        }
    }
}

fn pdf_date(d: NaiveDate) -> DateTime {
    DateTime {
        date: printpdf::Date { year: d.year(), month: d.month() as u8, day: d.day() as u8 },
        time: printpdf::Time { hour: 0, minute: 0, second: 0, millisecond: 0 },
        offset: printpdf::Offset { hours: 0, minutes: 0, seconds: 0, milliseconds: 0 },
    }
}

fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale::new(level, None))
}

fn page_ops(page: &Page, regular: &PdfFontHandle, bold: &PdfFontHandle) -> Vec<Op> {
    let flip = |y: f32| Pt(PAGE_HEIGHT - y);
    let mut ops = Vec::new();
    // Fills under the rules, rules under the text.
    for item in &page.items {
        if let Item::Fill { x, y, w, h, grey: g } = item {
            ops.push(Op::SetFillColor { col: grey(*g) });
            let mut rect = Rect::from_xywh(Pt(*x), flip(y + h), Pt(*w), Pt(*h));
            rect.mode = Some(PaintMode::Fill);
            ops.push(Op::DrawRectangle { rectangle: rect });
        }
    }
    for item in &page.items {
        if let Item::Line { x1, y1, x2, y2, width, grey: g } = item {
            ops.push(Op::SetOutlineColor { col: grey(*g) });
            ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
            let p = |x: f32, y: f32| LinePoint { p: Point { x: Pt(x), y: flip(y) }, bezier: false };
            ops.push(Op::DrawLine {
                line: PdfLine { points: vec![p(*x1, *y1), p(*x2, *y2)], is_closed: false },
            });
        }
    }
    ops.push(Op::SetFillColor { col: grey(0.0) });
    ops.push(Op::StartTextSection);
    let mut current: Option<(Face, f32)> = None;
    for item in &page.items {
        if let Item::Text { x, y, face, size, text } = item {
            if current != Some((*face, *size)) {
                let font = if *face == Face::Bold { bold } else { regular };
                ops.push(Op::SetFont { font: font.clone(), size: Pt(*size) });
                current = Some((*face, *size));
            }
            ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(Pt(*x), flip(*y)) });
            ops.push(Op::ShowText { items: vec![TextItem::Text(text.clone())] });
        }
    }
    ops.push(Op::EndTextSection);
    ops
}

// ---------------------------------------------------------------- wrapping

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
    fn push(&mut self, face: Face, s: &str) {
        match self.runs.last_mut() {
            Some((f, t)) if *f == face => t.push_str(s),
            _ => self.runs.push((face, s.to_string())),
        }
    }
}

enum Token {
    /// A word: pieces by face, never broken unless longer than a line.
    Word(Vec<(Face, String)>),
    Space(Face),
    Break,
}

fn is_break_space(c: char) -> bool {
    // No-break spaces (U+00A0, U+202F) belong to the word.
    c.is_whitespace() && c != '\u{a0}' && c != '\u{202f}' && c != '\n'
}

fn tokenize(spans: &[Span]) -> Vec<Token> {
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
fn is_combining(c: char) -> bool {
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
fn break_word(
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

// ---------------------------------------------------------------- units

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Normal,
    TableHeader,
    SectionLabel,
    PageBreak,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TableCtx {
    table: usize,
    section: Option<usize>,
}

/// An unbreakable piece of a page. Item coordinates are relative to the unit's
/// top-left corner of the text area (x absolute, y from the unit's top).
#[derive(Debug, Clone)]
struct Unit {
    height: f32,
    space_before: f32,
    keep_with_next: bool,
    items: Vec<Item>,
    ctx: Option<TableCtx>,
    role: Role,
}

impl Unit {
    fn new(height: f32, space_before: f32, items: Vec<Item>) -> Unit {
        Unit { height, space_before, keep_with_next: false, items, ctx: None, role: Role::Normal }
    }
}

struct UnitBuilder<'f> {
    fonts: &'f Fonts,
    left: f32,
    width: f32,
    units: Vec<Unit>,
    /// Per table: its header, and the "(segue)" label of each section.
    headers: Vec<Unit>,
    continued: Vec<Vec<Unit>>,
    pending_space: f32,
}

fn baseline(fonts: &Fonts, face: Face, size: f32, line_h: f32) -> f32 {
    let f = fonts.face(face);
    let (a, d) = (f.ascent(size), f.descent(size));
    (line_h - (a + d)) / 2.0 + a
}

/// Text items for one wrapped line whose box starts at `x` and is `w` wide.
fn line_items(
    fonts: &Fonts,
    line: &WrappedLine,
    size: f32,
    x: f32,
    w: f32,
    align: Align,
    y: f32,
) -> Vec<Item> {
    let mut cx = match align {
        Align::Left => x,
        Align::Center => x + (w - line.width).max(0.0) / 2.0,
        Align::Right => x + (w - line.width).max(0.0),
    };
    let mut items = Vec::with_capacity(line.runs.len());
    for (face, text) in &line.runs {
        items.push(Item::Text { x: cx, y, face: *face, size, text: text.clone() });
        cx += fonts.face(*face).text_width(text, size);
    }
    items
}

impl<'f> UnitBuilder<'f> {
    fn new(fonts: &'f Fonts, left: f32, width: f32) -> Self {
        UnitBuilder {
            fonts,
            left,
            width,
            units: Vec::new(),
            headers: Vec::new(),
            continued: Vec::new(),
            pending_space: 0.0,
        }
    }

    fn take_space(&mut self, own: f32) -> f32 {
        let s = own + self.pending_space;
        self.pending_space = 0.0;
        s
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Paragraph(p) => self.paragraph(p),
            Block::Table(t) => self.table(t),
            Block::Signature(s) => self.signature(s),
            Block::Space(pt) => self.pending_space += pt,
            Block::Rule => {
                let sb = self.take_space(2.0);
                let line = Item::Line {
                    x1: self.left,
                    y1: 3.0,
                    x2: self.left + self.width,
                    y2: 3.0,
                    width: 0.6,
                    grey: 0.45,
                };
                self.units.push(Unit::new(6.0, sb, vec![line]));
            }
            Block::PageBreak => {
                let mut u = Unit::new(0.0, 0.0, Vec::new());
                u.role = Role::PageBreak;
                self.units.push(u);
                self.pending_space = 0.0;
            }
        }
    }

    fn paragraph(&mut self, p: &Paragraph) {
        let x = self.left + p.indent;
        let w = (self.width - p.indent).max(10.0);
        let lines = wrap(self.fonts, &p.spans, p.size, w);
        let line_h = p.size * LEADING;
        let first_face = p.spans.first().map(|s| s.face).unwrap_or(Face::Regular);
        let base = baseline(self.fonts, first_face, p.size, line_h);
        let n = lines.len();
        let sb = self.take_space(p.space_before);
        for (i, line) in lines.iter().enumerate() {
            let mut items = line_items(self.fonts, line, p.size, x, w, p.align, base);
            if i == 0 {
                if let Some(m) = &p.marker {
                    let mw = self.fonts.regular.text_width(m, p.size);
                    let mx = (x - mw - 4.0).max(self.left);
                    items.push(Item::Text {
                        x: mx,
                        y: base,
                        face: Face::Regular,
                        size: p.size,
                        text: m.clone(),
                    });
                }
            }
            let mut u = Unit::new(line_h, if i == 0 { sb } else { 0.0 }, items);
            // No single first or last line alone at a page's edge.
            u.keep_with_next = if i + 1 == n { p.keep_with_next } else { n <= 3 || i == 0 || i + 2 == n };
            self.units.push(u);
        }
    }

    fn signature(&mut self, s: &Signature) {
        let sb = self.take_space(12.0);
        let size = BODY_SIZE;
        let line_h = size * LEADING;
        let lines = wrap(self.fonts, &s.label, size, self.width);
        let base = baseline(self.fonts, Face::Regular, size, line_h);
        for (i, line) in lines.iter().enumerate() {
            let items = line_items(self.fonts, line, size, self.left, self.width, Align::Left, base);
            let mut u = Unit::new(line_h, if i == 0 { sb } else { 0.0 }, items);
            u.keep_with_next = true;
            self.units.push(u);
        }
        // "Firma ______________    Data __________": room to sign above the rules.
        let h = 38.0;
        let y = h - 6.0;
        let small = SMALL_SIZE;
        let f = &self.fonts.regular;
        let firma_w = f.text_width("Firma", small);
        let data_x = self.left + self.width * 0.68;
        let data_w = f.text_width("Data", small);
        let items = vec![
            Item::Text { x: self.left, y, face: Face::Regular, size: small, text: "Firma".into() },
            Item::Line {
                x1: self.left + firma_w + 4.0,
                y1: y + 1.0,
                x2: data_x - 18.0,
                y2: y + 1.0,
                width: 0.5,
                grey: 0.0,
            },
            Item::Text { x: data_x, y, face: Face::Regular, size: small, text: "Data".into() },
            Item::Line {
                x1: data_x + data_w + 4.0,
                y1: y + 1.0,
                x2: self.left + self.width,
                y2: y + 1.0,
                width: 0.5,
                grey: 0.0,
            },
        ];
        self.units.push(Unit::new(h, 0.0, items));
    }

    fn table(&mut self, t: &Table) {
        const PAD_X: f32 = 4.0;
        const PAD_Y: f32 = 2.5;
        let (left, width, fonts) = (self.left, self.width, self.fonts);
        let table = self.headers.len();
        let total: f32 = t.columns.iter().map(|c| c.weight.max(0.0)).sum::<f32>().max(f32::EPSILON);
        let mut xs = Vec::with_capacity(t.columns.len());
        let mut x = left;
        for c in &t.columns {
            let w = width * c.weight.max(0.0) / total;
            xs.push((x, w));
            x += w;
        }
        let size = t.size;
        let line_h = size * LEADING;
        let base = baseline(fonts, Face::Regular, size, line_h);
        let right = left + width;

        // A row of cells as slices (line k of every cell), so that a row taller
        // than a page can still flow; slices of a row keep together otherwise.
        let row_units = |cells: Vec<(Vec<WrappedLine>, Align)>,
                         fill: Option<f32>,
                         rule: (f32, f32)|
         -> Vec<Unit> {
            let n = cells.iter().map(|(l, _)| l.len()).max().unwrap_or(0).max(1);
            let mut units = Vec::with_capacity(n);
            for k in 0..n {
                let top = if k == 0 { PAD_Y } else { 0.0 };
                let bottom = if k + 1 == n { PAD_Y } else { 0.0 };
                let h = top + line_h + bottom;
                let mut items = Vec::new();
                if let Some(g) = fill {
                    items.push(Item::Fill { x: left, y: 0.0, w: width, h, grey: g });
                }
                for (col, (lines, align)) in cells.iter().enumerate() {
                    if let Some(line) = lines.get(k) {
                        let (cx, cw) = xs[col.min(xs.len() - 1)];
                        let cw = if cells.len() == 1 { width } else { cw };
                        items.extend(line_items(
                            fonts,
                            line,
                            size,
                            cx + PAD_X,
                            cw - 2.0 * PAD_X,
                            *align,
                            top + base,
                        ));
                    }
                }
                if k + 1 == n {
                    items.push(Item::Line { x1: left, y1: h, x2: right, y2: h, width: rule.0, grey: rule.1 });
                }
                let mut u = Unit::new(h, 0.0, items);
                u.keep_with_next = k + 1 < n;
                units.push(u);
            }
            units
        };
        let wrap_cell = |text: &str, face: Face, col: usize, full: bool| -> Vec<WrappedLine> {
            let w = if full { width } else { xs[col].1 } - 2.0 * PAD_X;
            wrap(fonts, &[Span { text: text.to_string(), face }], size, w.max(4.0))
        };

        let header_cells = t
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| (wrap_cell(&c.title, Face::Bold, i, false), c.align))
            .collect();
        let header_slices = row_units(header_cells, Some(0.88), (0.8, 0.2));
        // The header is one unit: it never splits and it is what gets repeated.
        let mut header = Unit::new(header_slices.iter().map(|u| u.height).sum(), 0.0, Vec::new());
        let mut dy = 0.0;
        for s in header_slices {
            header.items.extend(s.items.into_iter().map(|i| shift(i, dy)));
            dy += s.height;
        }
        header.role = Role::TableHeader;
        header.keep_with_next = true;
        header.ctx = Some(TableCtx { table, section: None });
        let mut first = header.clone();
        first.space_before = self.take_space(6.0);
        self.units.push(first);
        self.headers.push(header);

        let mut sections = Vec::new();
        let mut section: Option<usize> = None;
        for row in &t.rows {
            match row {
                Row::Section(label) => {
                    let s = sections.len();
                    section = Some(s);
                    let ctx = Some(TableCtx { table, section });
                    let mk = |text: &str| -> Unit {
                        let mut units = row_units(
                            vec![(wrap_cell(text, Face::Bold, 0, true), Align::Left)],
                            Some(0.95),
                            (0.4, 0.6),
                        );
                        // A label is short; should it wrap, keep it as one piece.
                        let mut u = Unit::new(units.iter().map(|u| u.height).sum(), 0.0, Vec::new());
                        let mut dy = 0.0;
                        for s in units.drain(..) {
                            u.items.extend(s.items.into_iter().map(|i| shift(i, dy)));
                            dy += s.height;
                        }
                        u.keep_with_next = true;
                        u.role = Role::SectionLabel;
                        u.ctx = ctx;
                        u
                    };
                    self.units.push(mk(label));
                    sections.push(mk(&format!("{label} (segue)")));
                }
                Row::Cells(cells) => {
                    let wrapped = t
                        .columns
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            (
                                wrap_cell(
                                    cells.get(i).map(String::as_str).unwrap_or(""),
                                    Face::Regular,
                                    i,
                                    false,
                                ),
                                c.align,
                            )
                        })
                        .collect();
                    for mut u in row_units(wrapped, None, (0.4, 0.7)) {
                        u.ctx = Some(TableCtx { table, section });
                        self.units.push(u);
                    }
                }
            }
        }
        self.continued.push(sections);
        self.pending_space = 4.0;
    }
}

fn shift(item: Item, dy: f32) -> Item {
    match item {
        Item::Text { x, y, face, size, text } => Item::Text { x, y: y + dy, face, size, text },
        Item::Line { x1, y1, x2, y2, width, grey } => {
            Item::Line { x1, y1: y1 + dy, x2, y2: y2 + dy, width, grey }
        }
        Item::Fill { x, y, w, h, grey } => Item::Fill { x, y: y + dy, w, h, grey },
    }
}

// ---------------------------------------------------------------- pages

struct Pager<'a> {
    b: &'a UnitBuilder<'a>,
    top: f32,
    body: f32,
    pages: Vec<Page>,
    y: f32,
    has_content: bool,
}

impl Pager<'_> {
    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = 0.0;
        self.has_content = false;
    }

    fn place(&mut self, u: &Unit) {
        let sb = if self.has_content { u.space_before } else { 0.0 };
        let dy = self.top + self.y + sb;
        let page = self.pages.last_mut().expect("a page");
        page.items.extend(u.items.iter().cloned().map(|i| shift(i, dy)));
        self.y += sb + u.height;
        self.has_content = true;
    }

    fn break_before(&mut self, u: &Unit) {
        self.new_page();
        for r in repeats(self.b, u) {
            self.place(r);
        }
    }
}

/// What must be repeated above `u` when it opens a page: the table header, and
/// the label of the section it continues.
fn repeats<'a>(b: &'a UnitBuilder<'_>, u: &Unit) -> Vec<&'a Unit> {
    let mut r = Vec::new();
    if let Some(ctx) = u.ctx {
        if u.role != Role::TableHeader {
            r.push(&b.headers[ctx.table]);
            if let (Some(s), Role::Normal) = (ctx.section, u.role) {
                r.push(&b.continued[ctx.table][s]);
            }
        }
    }
    r
}

fn paginate(b: &UnitBuilder<'_>, m: &Margins) -> Layout {
    let mut p = Pager {
        b,
        top: m.top,
        body: PAGE_HEIGHT - m.top - m.bottom,
        pages: Vec::new(),
        y: 0.0,
        has_content: false,
    };
    p.new_page();
    let units = &b.units;
    let mut i = 0;
    while i < units.len() {
        if units[i].role == Role::PageBreak {
            if p.has_content {
                p.new_page();
            }
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < units.len() && units[j].keep_with_next && units[j + 1].role != Role::PageBreak {
            j += 1;
        }
        let rest: f32 =
            units[i..=j].iter().skip(1).map(|u| u.space_before + u.height).sum::<f32>() + units[i].height;
        let sb = if p.has_content { units[i].space_before } else { 0.0 };
        if p.has_content && p.y + sb + rest > p.body {
            let repeat_h: f32 = repeats(b, &units[i]).iter().map(|u| u.height).sum();
            // Move the whole group only if it fits on a fresh page; otherwise let it flow.
            if repeat_h + rest <= p.body {
                p.break_before(&units[i]);
            }
        }
        for u in &units[i..=j] {
            let sb = if p.has_content { u.space_before } else { 0.0 };
            if p.has_content && p.y + sb + u.height > p.body {
                p.break_before(u);
            }
            p.place(u);
        }
        i = j + 1;
    }
    Layout { pages: p.pages }
}

fn add_footers(layout: &mut Layout, fonts: &Fonts, m: &Margins, label: &str) {
    let total = layout.pages.len();
    let size = SMALL_SIZE;
    let y = PAGE_HEIGHT - m.bottom + mm(10.0);
    let left = m.left;
    let right = PAGE_WIDTH - m.right;
    for (n, page) in layout.pages.iter_mut().enumerate() {
        let count = format!("pagina {} di {}", n + 1, total);
        let cw = fonts.regular.text_width(&count, size);
        page.items.push(Item::Line {
            x1: left,
            y1: y - 10.0,
            x2: right,
            y2: y - 10.0,
            width: 0.4,
            grey: 0.6,
        });
        page.items.push(Item::Text { x: right - cw, y, face: Face::Regular, size, text: count });
        // The label repeats what the first page says in full, so it may be
        // shortened to leave room for the page count.
        let room = right - cw - 12.0 - left;
        let label = ellipsize(fonts, label, size, room);
        if !label.is_empty() {
            page.items.push(Item::Text { x: left, y, face: Face::Regular, size, text: label });
        }
    }
}

fn ellipsize(fonts: &Fonts, s: &str, size: f32, room: f32) -> String {
    let f = &fonts.regular;
    let s: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if f.text_width(&s, size) <= room {
        return s;
    }
    let ell = f.char_width('…', size);
    let mut out = String::new();
    let mut w = 0.0;
    for c in s.chars() {
        let cw = f.char_width(c, size);
        if w + cw + ell > room {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f() -> &'static Fonts {
        fonts().unwrap()
    }

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn wrap_never_cuts_a_word_and_respects_the_width() {
        let text = "Frequentare il corso di lingua italiana livello A2, almeno l'80% delle ore previste; \
                    Niccolò Dell'Orto e Thị Lan Nguyễn si presentano al Centro per l'impiego.";
        for width in [75.0, 90.0, 150.0, 233.0, 400.0] {
            let lines = wrap(f(), &[Span::regular(text)], 10.0, width);
            for l in &lines {
                assert!(l.width <= width + 0.01, "{} > {width}: {:?}", l.width, l.text());
                let measured = f().regular.text_width(&l.text(), 10.0);
                assert!((measured - l.width).abs() < 0.01);
                assert!(!l.text().starts_with(' ') && !l.text().ends_with(' '));
            }
            let joined: Vec<String> = lines.iter().flat_map(|l| words(&l.text())).collect();
            assert_eq!(joined, words(text), "width {width}");
        }
    }

    #[test]
    fn wrap_is_greedy() {
        // Each line is full: the first word of the next line would not have fit.
        let text = "uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici";
        let width = 100.0;
        let lines = wrap(f(), &[Span::regular(text)], 10.0, width);
        assert!(lines.len() > 2);
        for pair in lines.windows(2) {
            let next = words(&pair[1].text())[0].clone();
            let w = pair[0].width + f().regular.text_width(&format!(" {next}"), 10.0);
            assert!(w > width, "«{next}» would have fit after «{}»", pair[0].text());
        }
    }

    #[test]
    fn an_overlong_word_is_broken_by_characters_as_last_resort() {
        let long = "Precipitevolissimevolmente".repeat(4);
        let lines = wrap(f(), &[Span::regular(format!("a {long} b"))], 10.0, 120.0);
        assert!(lines.len() >= 4);
        for l in &lines {
            assert!(l.width <= 120.01);
        }
        let all: String = lines.iter().map(|l| l.text()).collect::<Vec<_>>().join("");
        assert_eq!(all.replace(' ', ""), format!("a{long}b"));
        // The word starts on its own line, it is not glued after "a".
        assert_eq!(lines[0].text(), "a");
    }

    #[test]
    fn combining_marks_stay_with_their_letter() {
        let word = "e\u{301}".repeat(60);
        let lines = wrap(f(), &[Span::regular(word)], 10.0, 50.0);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(!l.text().starts_with('\u{301}'));
        }
    }

    #[test]
    fn newlines_break_and_spaces_collapse() {
        let lines = wrap(f(), &[Span::regular("uno   due\ntre\t quattro\n\ncinque")], 10.0, 400.0);
        let t: Vec<String> = lines.iter().map(WrappedLine::text).collect();
        assert_eq!(t, vec!["uno due", "tre quattro", "", "cinque"]);
    }

    #[test]
    fn faces_mix_within_a_line() {
        let spans =
            [Span::regular("da sottoscrivere entro il "), Span::bold("22/12/2026"), Span::regular(".")];
        let lines = wrap(f(), &spans, 10.0, 400.0);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].text(), "da sottoscrivere entro il 22/12/2026.");
        let expected = vec![
            (Face::Regular, "da sottoscrivere entro il ".to_string()),
            (Face::Bold, "22/12/2026".to_string()),
            (Face::Regular, ".".to_string()),
        ];
        assert_eq!(lines[0].runs, expected);
    }

    fn doc_with_paragraphs(n: usize) -> Document {
        let mut d = Document::new("Prova");
        d.heading(1, "Titolo");
        for i in 0..n {
            d.heading(2, format!("Sezione {i}"));
            d.paragraph(Paragraph::text("parola ".repeat(120)));
        }
        d
    }

    #[test]
    fn pages_flow_and_every_page_has_its_footer() {
        let layout = doc_with_paragraphs(12).layout().unwrap();
        let n = layout.pages.len();
        assert!(n >= 3, "{n}");
        for (i, p) in layout.pages.iter().enumerate() {
            let footer = format!("pagina {} di {n}", i + 1);
            assert_eq!(p.texts().filter(|t| *t == footer).count(), 1);
        }
    }

    #[test]
    fn text_stays_inside_the_margins() {
        let d = doc_with_paragraphs(12);
        let m = d.margins;
        for p in d.layout().unwrap().pages {
            for item in &p.items {
                if let Item::Text { x, y, face, size, text } = item {
                    let w = f().face(*face).text_width(text, *size);
                    assert!(*x >= m.left - 0.01 && x + w <= PAGE_WIDTH - m.right + 0.01, "{text}");
                    assert!(*y > m.top && *y < PAGE_HEIGHT - mm(8.0), "{text} at {y}");
                }
            }
        }
    }

    #[test]
    fn a_heading_is_never_last_on_its_page() {
        let layout = doc_with_paragraphs(30).layout().unwrap();
        for p in &layout.pages {
            let texts: Vec<&str> = p.texts().collect();
            // Body texts come before the footer's two items.
            let body = &texts[..texts.len() - 2];
            assert!(!body.last().unwrap().starts_with("Sezione"), "{:?}", body.last());
        }
    }

    #[test]
    fn table_header_repeats_on_every_page_with_the_section() {
        let mut d = Document::new("Tabella");
        let rows = (0..300)
            .map(|i| {
                if i == 0 {
                    Row::Section("Ammessi".into())
                } else {
                    Row::Cells(vec![i.to_string(), format!("P{i}")])
                }
            })
            .collect();
        d.push(Block::Table(Table {
            columns: vec![
                Column::new("Posizione", 1.0, Align::Right),
                Column::new("Protocollo", 3.0, Align::Left),
            ],
            rows,
            size: 9.0,
        }));
        let layout = d.layout().unwrap();
        assert!(layout.pages.len() >= 5);
        for (i, p) in layout.pages.iter().enumerate() {
            let texts: Vec<&str> = p.texts().collect();
            assert_eq!(texts[0], "Posizione", "page {i}");
            let label = if i == 0 { "Ammessi" } else { "Ammessi (segue)" };
            assert!(texts.contains(&label), "page {i}");
        }
        let all: Vec<String> = layout.pages.iter().flat_map(|p| p.texts().map(str::to_string)).collect();
        for i in 1..300 {
            assert_eq!(all.iter().filter(|t| **t == format!("P{i}")).count(), 1);
        }
    }

    #[test]
    fn text_the_font_cannot_print_is_refused_not_lost() {
        let mut d = Document::new("Prova");
        d.paragraph(Paragraph::text("Nguyễn ok, 王 no"));
        let e = d.layout().unwrap_err();
        assert!(e.message.contains("U+738B"), "{}", e.message);
    }

    #[test]
    fn renders_a_pdf() {
        let bytes = doc_with_paragraphs(2).render().unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
    }
}
