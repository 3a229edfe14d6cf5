//! Rendering for people: diagnostics through miette, colors on request.

use std::io::IsTerminal;
use strata_diag::{Diagnostic, Diagnostics, Severity};

#[derive(Clone, Copy)]
pub struct Ui {
    pub color: bool,
    /// `-json`: diagnostics (and the command's output) as Terraform's
    /// machine-readable UI lines on stdout.
    pub json: bool,
}

impl Ui {
    pub fn new(no_color_flag: bool) -> Ui {
        let color = !no_color_flag
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::io::stderr().is_terminal();
        Ui { color, json: false }
    }

    pub fn with_json(self) -> Ui {
        Ui { color: false, json: true }
    }

    pub fn bold(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    pub fn green(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[32m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// Prints every diagnostic to stderr, sorted: errors first, then by place.
    pub fn print_diagnostics(&self, diags: &Diagnostics) {
        let sorted = diags.clone().sorted();
        for d in sorted.iter() {
            if self.json {
                crate::json_view::diagnostic(d);
            } else {
                eprintln!("{}", self.render(d));
            }
        }
    }

    pub fn render(&self, d: &Diagnostic) -> String {
        let theme =
            if self.color { miette::GraphicalTheme::unicode() } else { miette::GraphicalTheme::unicode_nocolor() };
        let mut theme = theme;
        theme.characters.error = String::new();
        theme.characters.warning = String::new();
        let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100).with_context_lines(1);
        let wrapped = Headed(d);
        let mut out = String::new();
        if handler.render_report(&mut out, &wrapped).is_err() {
            out = format!("{}: {}\n{}", severity_word(d.severity), d.summary, d.detail);
        }
        out
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
    }
}

/// A diagnostic whose message starts with "Error:" or "Warning:", as
/// Terraform users (and their scripts) expect.
struct Headed<'a>(&'a Diagnostic);

impl std::fmt::Debug for Headed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.0, f)
    }
}

impl std::fmt::Display for Headed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", severity_word(self.0.severity), self.0.summary)
    }
}

impl std::error::Error for Headed<'_> {}

impl miette::Diagnostic for Headed<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        miette::Diagnostic::severity(self.0)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        miette::Diagnostic::help(self.0)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        miette::Diagnostic::source_code(self.0)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        miette::Diagnostic::labels(self.0)
    }
}
