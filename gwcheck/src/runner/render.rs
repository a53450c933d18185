//! The text report of a run: per file, the failures with what was expected
//! and what was found side by side; then the counts.

use std::fmt::Write as _;

use super::{Check, CheckKind, Coverage, FileReport, Item, RunSummary};

/// How much to print.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Failing files' names only, and the counts.
    Quiet,
    /// Every file's result line, failures in detail.
    #[default]
    Normal,
    /// Every expectation, passed or failed.
    Verbose,
}

/// Options of the text report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Whether to colour the output with ANSI escapes.
    pub color: bool,
    /// How much to print.
    pub verbosity: Verbosity,
    /// Whether to list the route rules no request reached.
    pub coverage: bool,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

struct Paint {
    on: bool,
}

impl Paint {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.on {
            format!("{style}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }
}

fn tally_text(report: &FileReport) -> String {
    let t = report.tally();
    let mut parts = Vec::new();
    if t.status_total > 0 {
        parts.push(format!("status {}/{}", t.status_passed, t.status_total));
    }
    if t.requests_total > 0 {
        parts.push(format!(
            "requests {}/{}",
            t.requests_passed, t.requests_total
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("  ({})", parts.join(", "))
    }
}

fn item_line(out: &mut String, p: &Paint, indent: &str, item: &Item, prefix: &str) {
    let mark = if item.passed {
        p.paint(GREEN, "✓")
    } else {
        p.paint(RED, "✗")
    };
    let what = if prefix.is_empty() {
        item.what.clone()
    } else if item.what.is_empty() {
        prefix.to_owned()
    } else {
        format!("{prefix}: {}", item.what)
    };
    if item.passed {
        let _ = writeln!(out, "{indent}{mark} {what}: {}", item.found);
    } else {
        let _ = writeln!(
            out,
            "{indent}{mark} {what}: expected {}, found {}",
            p.paint(BOLD, &item.expected),
            p.paint(YELLOW, &item.found)
        );
    }
}

fn check_lines(out: &mut String, p: &Paint, check: &Check, verbose: bool) {
    let show: Vec<&Item> = check
        .items
        .iter()
        .filter(|i| verbose || !i.passed)
        .collect();
    if show.is_empty() && (check.passed() || check.kind != CheckKind::Setup) {
        return;
    }
    match (check.kind, show.as_slice()) {
        (CheckKind::Status, [one]) => {
            item_line(out, p, "    ", one, &check.subject);
        }
        (CheckKind::Status, _) => {
            let _ = writeln!(out, "    {}", check.subject);
            for item in show {
                item_line(out, p, "      ", item, "");
            }
        }
        (CheckKind::Request | CheckKind::Setup, _) => {
            let mark = if check.passed() {
                p.paint(GREEN, "✓")
            } else {
                p.paint(RED, "✗")
            };
            let _ = writeln!(out, "    {mark} {}", check.subject);
            for item in show {
                item_line(out, p, "        ", item, "");
            }
            if !check.trace.is_empty() && (!check.passed() || verbose) {
                let _ = writeln!(
                    out,
                    "        {}",
                    p.paint(DIM, &format!("via {}", check.trace.join(" -> ")))
                );
            }
        }
    }
}

/// The report of one file: its result line, then (unless quiet) the failed
/// expectations, or every expectation when verbose.
#[must_use]
pub fn render_file(report: &FileReport, options: &RenderOptions) -> String {
    let p = Paint { on: options.color };
    let mut out = String::new();
    let passed = report.passed();
    if passed && options.verbosity == Verbosity::Quiet {
        return out;
    }
    let status = if passed {
        p.paint(GREEN, "ok  ")
    } else {
        p.paint(RED, "FAIL")
    };
    let name = report
        .name()
        .map(|n| format!("  {}", p.paint(DIM, n)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{status} {}{name}{}",
        report.path().display(),
        tally_text(report)
    );
    if options.verbosity == Verbosity::Quiet {
        return out;
    }
    if let Some(error) = report.error() {
        for line in error.lines() {
            let _ = writeln!(out, "    {} {line}", p.paint(RED, "error:"));
        }
        return out;
    }
    let verbose = options.verbosity == Verbosity::Verbose;
    let mut stage = None;
    for check in report.checks() {
        let shown = verbose || !check.passed();
        if shown
            && stage != Some(check.stage)
            && report.checks().iter().any(|c| c.stage != check.stage)
        {
            let _ = writeln!(out, "  {}", p.paint(DIM, &format!("[{}]", check.stage)));
            stage = Some(check.stage);
        }
        if shown {
            check_lines(&mut out, &p, check, verbose);
        }
    }
    if !passed || verbose {
        const MAX_NOTES: usize = 12;
        for note in report.notes().iter().take(MAX_NOTES) {
            let _ = writeln!(out, "    {}", p.paint(DIM, &format!("note: {note}")));
        }
        if report.notes().len() > MAX_NOTES {
            let _ = writeln!(
                out,
                "    {}",
                p.paint(
                    DIM,
                    &format!("note: ... and {} more", report.notes().len() - MAX_NOTES)
                )
            );
        }
    }
    out
}

fn coverage_lines(out: &mut String, coverage: &Coverage) {
    let unreached: Vec<_> = coverage.unreached().collect();
    let _ = writeln!(
        out,
        "coverage: {} of {} route rules reached by no request",
        unreached.len(),
        coverage.rules.len()
    );
    for (kind, namespace, name, rule) in unreached {
        let _ = writeln!(out, "  {kind} {namespace}/{name} rules[{rule}]");
    }
}

/// The end of the report: the split counts of expectations, the skipped
/// files, coverage when asked, and last the line `N passed, N failed`
/// (with `, N skipped` when the skip list kept files from running).
#[must_use]
pub fn render_summary(summary: &RunSummary, options: &RenderOptions) -> String {
    let p = Paint { on: options.color };
    let mut out = String::new();
    let tally = summary.tally();
    if options.coverage {
        coverage_lines(&mut out, &summary.coverage());
    }
    for (path, skip) in &summary.skipped {
        let _ = writeln!(
            out,
            "{} {}: {}",
            p.paint(YELLOW, "skip"),
            path.display(),
            skip.reason
        );
    }
    let _ = writeln!(
        out,
        "expectations: status {}/{}, requests {}/{}",
        tally.status_passed, tally.status_total, tally.requests_passed, tally.requests_total
    );
    let failed = summary.failed();
    let mut last = format!("{} passed, {failed} failed", summary.passed());
    if !summary.skipped.is_empty() {
        let _ = write!(last, ", {} skipped", summary.skipped.len());
    }
    let style = if failed > 0 { RED } else { GREEN };
    let _ = writeln!(out, "{}", p.paint(style, &last));
    out
}
