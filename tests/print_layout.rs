//! The layout engine end to end: glyphs that must survive into the PDF text.

use crate::print_support as support;

use sportello::print::layout::{Document, Paragraph};
use support::*;

#[test]
fn italian_glyphs_and_typography_are_real_text() {
    let s = "àèéìòù ÀÈÉÌÒÙ € 1.234,56 “virgolette” l’apostrofo «caporali» Nguyễn Thị Łódź Ærø";
    let mut d = Document::new("Prova glifi");
    d.heading(1, "Perché così?");
    d.paragraph(Paragraph::text(s));
    let bytes = d.render().unwrap();
    let flat = squash(&pdf_text(&bytes));
    assert!(flat.contains("Perché così?"), "{flat}");
    assert!(flat.contains(s), "{flat}");
    assert!(pdf_info(&bytes).contains("Title:           Prova glifi"));
}

#[test]
fn an_empty_document_still_has_one_numbered_page() {
    let d = Document::new("Vuoto");
    let text = pdf_text(&d.render().unwrap());
    assert_eq!(squash(&text), "Vuoto pagina 1 di 1");
}
