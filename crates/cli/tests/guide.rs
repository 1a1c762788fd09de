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
