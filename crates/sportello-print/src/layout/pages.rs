//! Units into pages: headings kept with what follows, table headers repeated,
//! the "pagina N di M" footer.

use super::*;

pub(super) struct Pager<'a> {
    pub(super) b: &'a UnitBuilder<'a>,
    pub(super) top: f32,
    pub(super) body: f32,
    pub(super) pages: Vec<Page>,
    pub(super) y: f32,
    pub(super) has_content: bool,
}

impl Pager<'_> {
    pub(super) fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = 0.0;
        self.has_content = false;
    }

    pub(super) fn place(&mut self, u: &Unit) {
        let sb = if self.has_content { u.space_before } else { 0.0 };
        let dy = self.top + self.y + sb;
        let page = self.pages.last_mut().expect("a page");
        page.items.extend(u.items.iter().cloned().map(|i| shift(i, dy)));
        self.y += sb + u.height;
        self.has_content = true;
    }

    pub(super) fn break_before(&mut self, u: &Unit) {
        self.new_page();
        for r in repeats(self.b, u) {
            self.place(r);
        }
    }
}

/// What must be repeated above `u` when it opens a page: the table header, and
/// the label of the section it continues.
pub(super) fn repeats<'a>(b: &'a UnitBuilder<'_>, u: &Unit) -> Vec<&'a Unit> {
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

pub(super) fn paginate(b: &UnitBuilder<'_>, m: &Margins) -> Layout {
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

pub(super) fn add_footers(layout: &mut Layout, fonts: &Fonts, m: &Margins, label: &str) {
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

pub(super) fn ellipsize(fonts: &Fonts, s: &str, size: f32, room: f32) -> String {
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
