//! Writing laid-out pages as PDF: text in the embedded faces, lines and boxes,
//! streams compressed at a level that keeps a two-page agreement fast.

use super::*;

/// zlib's default level: within a few percent of the best size, in half the time.
pub(super) const FLATE_LEVEL: u32 = 6;

pub(super) fn compress(stream: &mut lopdf::Stream) {
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

pub(super) fn pdf_date(d: NaiveDate) -> DateTime {
    DateTime {
        date: printpdf::Date { year: d.year(), month: d.month() as u8, day: d.day() as u8 },
        time: printpdf::Time { hour: 0, minute: 0, second: 0, millisecond: 0 },
        offset: printpdf::Offset { hours: 0, minutes: 0, seconds: 0, milliseconds: 0 },
    }
}

pub(super) fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale::new(level, None))
}

pub(super) fn page_ops(page: &Page, regular: &PdfFontHandle, bold: &PdfFontHandle) -> Vec<Op> {
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
