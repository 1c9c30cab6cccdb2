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

mod pages;
mod pdf;
mod units;
mod wrap;

use super::fonts::{fonts, Face, Fonts};
use crate::error::{Code, Error};
use pages::*;
use pdf::*;
use units::*;
pub use wrap::{wrap, WrappedLine};

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
