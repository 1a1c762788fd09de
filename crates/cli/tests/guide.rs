//! The user guide stays in sync with the code: every column with its rule, and every
//! filter member, appears in `docs/guide.md`.

mod common;
use common::*;
use inspector_report_core::filter::Member;
use inspector_report_core::Column;

fn guide() -> String {
    std::fs::read_to_string(root().join("docs/guide.md")).unwrap()
}

#[test]
fn every_column_and_its_rule_is_in_the_guide() {
    let g = guide();
    for c in Column::ALL {
        let row = format!("| {} | {} |", c.name(), c.rule());
        assert!(g.contains(&row), "docs/guide.md lacks the row {row:?}");
    }
}

#[test]
fn every_filter_member_is_in_the_guide() {
    let g = guide();
    for m in Member::ALL {
        assert!(
            g.contains(&format!("| {} |", m.name())),
            "docs/guide.md lacks member {}",
            m.name()
        );
    }
}

/// The exit statuses the binary documents are the guide's, and the guide shows how to compare
/// exports week by week (issue 19).
#[test]
fn the_guide_documents_exit_statuses_and_comparing_exports() {
    let g = guide();
    let help = ok(&run(&["--help"]));
    for status in ["0", "1", "2", "3"] {
        assert!(g.contains(&format!("| {status} |")), "guide: exit {status}");
        assert!(
            help.contains(&format!("\n    {status} ")),
            "--help: exit {status}"
        );
    }
    let diff_help = ok(&run(&["diff", "--help"]));
    assert!(diff_help.contains("\n    3 "), "diff --help: exit 3");
    let section = g
        .split("## 9. Comparing exports")
        .nth(1)
        .expect("a section on comparing exports");
    assert!(section.contains("### A weekly diff"));
    assert!(section.contains("inspector-report diff "));
    for change in ["NEW", "CHANGED", "UNCHANGED", "RESOLVED"] {
        assert!(section.contains(&format!("| `{change}` |")), "{change}");
    }
}

#[test]
fn list_columns_prints_the_layout_with_rules() {
    let out = ok(&run(&["--list-columns"]));
    assert_eq!(out.lines().count(), 55);
    assert!(out.lines().next().unwrap().starts_with("AWS Account Id"));
    assert!(out.contains("Package Installed Version"));
    assert!(out.contains("epoch:version-release"));
    let doc = ok(&run(&["--list-columns", "--layout", "documented"]));
    assert_eq!(doc.lines().count(), 52);
    assert!(!doc.contains("Epss Score"));
    let some = ok(&run(&["--list-columns", "--columns", "Severity,Ami"]));
    assert_eq!(some.lines().count(), 2);
}

#[test]
fn completions() {
    for shell in ["bash", "zsh", "fish"] {
        let out = ok(&run(&["completions", shell]));
        assert!(
            out.contains("inspector-report") && out.contains("filter-criteria"),
            "{shell}"
        );
    }
    assert_eq!(run(&["completions", "tcsh"]).status.code(), Some(2));
}
