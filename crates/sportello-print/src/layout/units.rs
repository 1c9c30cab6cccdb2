//! Blocks into units: a line, a table row, a signature line, the things that are
//! never split; a unit may ask to stay with the next one.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Normal,
    TableHeader,
    SectionLabel,
    PageBreak,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TableCtx {
    pub(super) table: usize,
    pub(super) section: Option<usize>,
}

/// An unbreakable piece of a page. Item coordinates are relative to the unit's
/// top-left corner of the text area (x absolute, y from the unit's top).
#[derive(Debug, Clone)]
pub(super) struct Unit {
    pub(super) height: f32,
    pub(super) space_before: f32,
    pub(super) keep_with_next: bool,
    pub(super) items: Vec<Item>,
    pub(super) ctx: Option<TableCtx>,
    pub(super) role: Role,
}

impl Unit {
    pub(super) fn new(height: f32, space_before: f32, items: Vec<Item>) -> Unit {
        Unit { height, space_before, keep_with_next: false, items, ctx: None, role: Role::Normal }
    }
}

pub(super) struct UnitBuilder<'f> {
    pub(super) fonts: &'f Fonts,
    pub(super) left: f32,
    pub(super) width: f32,
    pub(super) units: Vec<Unit>,
    /// Per table: its header, and the "(segue)" label of each section.
    pub(super) headers: Vec<Unit>,
    pub(super) continued: Vec<Vec<Unit>>,
    pub(super) pending_space: f32,
}

pub(super) fn baseline(fonts: &Fonts, face: Face, size: f32, line_h: f32) -> f32 {
    let f = fonts.face(face);
    let (a, d) = (f.ascent(size), f.descent(size));
    (line_h - (a + d)) / 2.0 + a
}

/// Text items for one wrapped line whose box starts at `x` and is `w` wide.
pub(super) fn line_items(
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
    pub(super) fn new(fonts: &'f Fonts, left: f32, width: f32) -> Self {
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

    pub(super) fn take_space(&mut self, own: f32) -> f32 {
        let s = own + self.pending_space;
        self.pending_space = 0.0;
        s
    }

    pub(super) fn block(&mut self, block: &Block) {
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

    pub(super) fn paragraph(&mut self, p: &Paragraph) {
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

    pub(super) fn signature(&mut self, s: &Signature) {
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

    pub(super) fn table(&mut self, t: &Table) {
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

pub(super) fn shift(item: Item, dy: f32) -> Item {
    match item {
        Item::Text { x, y, face, size, text } => Item::Text { x, y: y + dy, face, size, text },
        Item::Line { x1, y1, x2, y2, width, grey } => {
            Item::Line { x1, y1: y1 + dy, x2, y2: y2 + dy, width, grey }
        }
        Item::Fill { x, y, w, h, grey } => Item::Fill { x, y: y + dy, w, h, grey },
    }
}
