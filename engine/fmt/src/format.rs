//! Whitespace normalisation: a port of `hclwrite`'s token-based formatter.
//!
//! The token stream is split into lines, each with up to three "cells":
//! `lead` (everything up to the other cells), `assign` (from an attribute's
//! `=` to the end of the line, when the right-hand side is bracket-balanced)
//! and `comment` (a trailing comment). Indentation is computed from bracket
//! nesting, spaces between tokens from pair rules, and finally the `assign`
//! and `comment` cells of consecutive lines are aligned.

use crate::lexer::{Kind, Token, Tokens};
use crate::unicode::grapheme_count;

type Range = (usize, usize);

struct Line {
    lead: Range,
    assign: Option<Range>,
    comment: Option<Range>,
}

fn is_newline(toks: &Tokens<'_>, t: &Token) -> bool {
    match t.kind {
        Kind::Newline => true,
        Kind::Comment => toks.text(t).ends_with('\n'),
        _ => false,
    }
}

pub(crate) fn format(toks: &mut Tokens<'_>) {
    let mut lines = lines_for_format(toks);
    format_indent(&mut toks.toks, &lines);
    format_spaces(toks, &lines);
    format_cells(toks, &mut lines);
}

fn lines_for_format(toks: &Tokens<'_>) -> Vec<Line> {
    let ts = &toks.toks;
    let mut lines = Vec::new();
    let mut line_start = 0;
    let mut end = ts.len();
    for (i, t) in ts.iter().enumerate() {
        if t.kind == Kind::Eof {
            end = i;
            break;
        }
        if is_newline(toks, t) {
            lines.push(Line { lead: (line_start, i + 1), assign: None, comment: None });
            line_start = i + 1;
        }
    }
    lines.push(Line { lead: (line_start, end.max(line_start)), assign: None, comment: None });

    for line in &mut lines {
        let (s, e) = line.lead;
        if s == e {
            continue;
        }
        let mut e = e;
        if e - s > 1 && ts[e - 1].kind == Kind::Comment {
            line.comment = Some((e - 1, e));
            e -= 1;
            line.lead = (s, e);
        }
        for i in s + 1..e {
            if ts[i].kind == Kind::Equal {
                let net: i32 = ts[i..e].iter().map(|t| t.kind.bracket_change()).sum();
                if net == 0 {
                    line.assign = Some((i, e));
                    line.lead = (s, i);
                }
                break;
            }
        }
    }
    lines
}

fn format_indent(ts: &mut [Token], lines: &[Line]) {
    let mut indents: Vec<i32> = Vec::with_capacity(10);
    for line in lines {
        let (s, e) = line.lead;
        if s == e {
            continue;
        }
        if ts[s].kind == Kind::Newline {
            ts[s].spaces = 0;
            continue;
        }
        let mut net = 0i32;
        for t in &ts[s..e] {
            net += t.kind.bracket_change();
            if t.kind == Kind::OHeredoc {
                break;
            }
        }
        if let Some((as_, ae)) = line.assign {
            for t in &ts[as_..ae] {
                net += t.kind.bracket_change();
            }
        }
        if net > 0 {
            ts[s].spaces = 2 * indents.len() as u32;
            indents.push(net);
        } else {
            if net < 0 {
                let mut closed = -net;
                while closed > 0 {
                    let Some(top) = indents.last_mut() else { break };
                    if closed > *top {
                        closed -= *top;
                        indents.pop();
                    } else if closed < *top {
                        *top -= closed;
                        closed = 0;
                    } else {
                        indents.pop();
                        closed = 0;
                    }
                }
            }
            ts[s].spaces = 2 * indents.len() as u32;
        }
    }
}

fn format_spaces(toks: &mut Tokens<'_>, lines: &[Line]) {
    for line in lines {
        space_cell(toks, line.lead, false);
        if let Some(r) = line.assign {
            space_cell(toks, r, true);
        }
    }
}

fn space_cell(toks: &mut Tokens<'_>, (s, e): Range, is_assign: bool) {
    if s == e {
        return;
    }
    if is_assign {
        toks.toks[s].spaces = 1;
    }
    for i in s..e - 1 {
        let before = if i > s { Some(&toks.toks[i - 1]) } else { None };
        let sp = space_after(toks, &toks.toks[i], before, &toks.toks[i + 1]);
        toks.toks[i + 1].spaces = u32::from(sp);
    }
}

fn space_after(toks: &Tokens<'_>, subject: &Token, before: Option<&Token>, after: &Token) -> bool {
    use Kind::*;
    let (sk, ak) = (subject.kind, after.kind);
    if ak == Newline || ak == Eof {
        return false;
    }
    if sk == Ident && ak == OParen {
        return false;
    }
    if (sk == Ident && ak == DoubleColon) || (sk == DoubleColon && ak == Ident) {
        return false;
    }
    if sk == Dot || ak == Dot {
        return false;
    }
    if ak == Comma || ak == Ellipsis {
        return false;
    }
    if sk == Comma {
        return true;
    }
    if matches!(sk, QuotedLit | StringLit | OQuote | OHeredoc)
        || matches!(ak, QuotedLit | StringLit | CQuote | CHeredoc)
    {
        return false;
    }
    if sk == Ident && toks.text(subject) == "in" && before.is_some_and(|b| b.kind == Ident) {
        return true;
    }
    if ak == OBrack && (sk == Ident || sk == NumberLit || sk.bracket_change() < 0) {
        return false;
    }
    if sk == Bang {
        return false;
    }
    if sk == Minus {
        let Some(before) = before else { return false };
        return !matches!(
            before.kind,
            OParen
                | OBrace
                | OBrack
                | Equal
                | Colon
                | Comma
                | Question
                | Plus
                | Star
                | Slash
                | Percent
                | Minus
                | EqualOp
                | NotEqual
                | GreaterThan
                | GreaterThanEq
                | LessThan
                | LessThanEq
                | And
                | Or
                | Bang
        );
    }
    if sk == OBrace || ak == CBrace {
        return !(sk == OBrace && ak == CBrace);
    }
    if (sk == TemplateInterp || sk == TemplateControl) && ak == OBrace {
        return true;
    }
    if sk == CBrace && ak == TemplateSeqEnd {
        return true;
    }
    if sk == TemplateSeqEnd && (ak == TemplateInterp || ak == TemplateControl) {
        return false;
    }
    if sk.bracket_change() > 0 {
        return false;
    }
    if ak.bracket_change() < 0 {
        return false;
    }
    true
}

fn columns(toks: &Tokens<'_>, (s, e): Range) -> usize {
    toks.toks[s..e].iter().map(|t| t.spaces as usize + grapheme_count(toks.text(t))).sum()
}

fn format_cells(toks: &mut Tokens<'_>, lines: &mut [Line]) {
    // Assignments first, since moving them also moves the comments.
    let mut chain_start: Option<usize> = None;
    let mut max_cols = 0usize;
    let close_assign = |toks: &mut Tokens<'_>, lines: &[Line], from: usize, to: usize, max_cols: usize| {
        for line in &lines[from..to] {
            let cols = columns(toks, line.lead);
            let a = line.assign.expect("chain lines have an assign cell").0;
            toks.toks[a].spaces = (max_cols - cols + 1) as u32;
        }
    };
    for i in 0..lines.len() {
        if lines[i].assign.is_none() {
            if let Some(cs) = chain_start.take() {
                close_assign(toks, lines, cs, i, max_cols);
                max_cols = 0;
            }
        } else {
            chain_start.get_or_insert(i);
            max_cols = max_cols.max(columns(toks, lines[i].lead));
        }
    }
    if let Some(cs) = chain_start.take() {
        close_assign(toks, lines, cs, lines.len(), max_cols);
    }

    let line_cols =
        |toks: &Tokens<'_>, line: &Line| columns(toks, line.lead) + line.assign.map_or(0, |r| columns(toks, r));
    let close_comment = |toks: &mut Tokens<'_>, lines: &[Line], from: usize, to: usize, max_cols: usize| {
        for line in &lines[from..to] {
            let cols = line_cols(toks, line);
            let c = line.comment.expect("chain lines have a comment cell").0;
            toks.toks[c].spaces = (max_cols - cols + 1) as u32;
        }
    };
    max_cols = 0;
    for i in 0..lines.len() {
        if lines[i].comment.is_none() {
            if let Some(cs) = chain_start.take() {
                close_comment(toks, lines, cs, i, max_cols);
                max_cols = 0;
            }
        } else {
            chain_start.get_or_insert(i);
            max_cols = max_cols.max(line_cols(toks, &lines[i]));
        }
    }
    if let Some(cs) = chain_start.take() {
        close_comment(toks, lines, cs, lines.len(), max_cols);
    }
}
