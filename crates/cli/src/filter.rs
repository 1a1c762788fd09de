//! The filter options: the FilterCriteria document (read once, from a file or the
//! argument itself) ANDed with the shortcuts, which the core's
//! [`SHORTCUTS`] table compiles.

use crate::args::{FilterArgs, Format};
use crate::error::CliError;
use inspector_report_core::filter::{enums, shortcuts, Criteria, FilterDocument, RequestFormat};
use inspector_report_core::filter::{ShortcutKind, SHORTCUTS};
use serde_json::{Map, Value};

/// What the filter options decide.
#[derive(Debug)]
pub struct Filters {
    /// The document's criteria ANDed with the shortcuts'.
    pub criteria: Criteria,
    /// The shortcuts' criteria alone (a live source sends them with the document).
    pub shortcuts: Criteria,
    /// The `reportFormat` of a CreateFindingsReport request given as the document.
    pub requested_format: Option<Format>,
    /// The filters as given, for the S3 status document.
    pub echo: FilterEcho,
    /// What the document asks that is likely not what was meant (an enum value in the
    /// wrong case), for the run summary.
    pub warnings: Vec<String>,
}

/// The filters as the user gave them, echoed in the S3 status document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterEcho {
    /// The FilterCriteria object (`{}` when none was given).
    pub document: Value,
    /// The shortcut options given, by their names in camelCase (`resourceType`).
    pub options: Map<String, Value>,
}

impl Default for FilterEcho {
    fn default() -> FilterEcho {
        FilterEcho {
            document: Value::Object(Map::new()),
            options: Map::new(),
        }
    }
}

impl Filters {
    /// Reads and checks the filter options; relative dates count back from `as_of` (epoch
    /// milliseconds). A bad document or shortcut value is a usage error.
    pub fn new(a: &FilterArgs, as_of: i64) -> Result<Filters, CliError> {
        let mut doc = FilterDocument::default();
        let mut echo = FilterEcho::default();
        if let Some(text) = document_text(a)? {
            doc = FilterDocument::parse(&text).map_err(|e| CliError::usage(e.to_string()))?;
            echo.document = doc.filter_criteria;
        }
        let given: Vec<_> = SHORTCUTS
            .iter()
            .filter_map(|s| a.shortcut(s.name).map(|values| (s, values)))
            .collect();
        let warnings = enums::document_warnings(&doc.criteria);
        let mut criteria = doc.criteria;
        let shortcut_criteria = shortcuts::criteria(given.iter().copied(), as_of)
            .map_err(|e| CliError::usage(e.to_string()))?;
        criteria.extend(shortcut_criteria.clone());
        for (s, values) in given {
            let value = match s.kind {
                ShortcutKind::Equals => values.to_vec().into(),
                ShortcutKind::After | ShortcutKind::Before => values[0].clone().into(),
                ShortcutKind::AllStatuses => true.into(),
            };
            echo.options.insert(camel_case(s.name), value);
        }
        Ok(Filters {
            criteria,
            shortcuts: shortcut_criteria,
            requested_format: doc.report_format.map(|f| match f {
                RequestFormat::Csv => Format::Csv,
                RequestFormat::Json => Format::Json,
            }),
            echo,
            warnings,
        })
    }
}

/// The text of `--filter-criteria`: the argument itself when it starts like a JSON object,
/// array or string, else the file it names.
fn document_text(a: &FilterArgs) -> Result<Option<String>, CliError> {
    let Some(arg) = &a.filter_criteria else {
        return Ok(None);
    };
    // A JSON text that is not an object goes to the parser too, which says what a
    // FilterCriteria document is, instead of looking for a file named `[]`.
    if arg.trim_start().starts_with(['{', '[', '"']) {
        return Ok(Some(arg.clone()));
    }
    std::fs::read_to_string(arg).map(Some).map_err(|e| {
        CliError::usage(format!(
            "--filter-criteria {arg}: cannot read the filter document: {e}"
        ))
    })
}

/// `first-observed-after` -> `firstObservedAfter`, as the API names things.
fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn filters(argv: &[&str]) -> Result<Filters, CliError> {
        let a = crate::args::Cli::parse_from([&["x"], argv].concat()).args;
        Filters::new(&a.filters, 0)
    }

    #[test]
    fn names_in_camel_case() {
        assert_eq!(camel_case("severity"), "severity");
        assert_eq!(camel_case("resource-type"), "resourceType");
        assert_eq!(camel_case("first-observed-after"), "firstObservedAfter");
    }

    #[test]
    fn the_echo_holds_what_was_given() {
        let f = filters(&[
            "--filter-criteria",
            r#"{"filterCriteria":{"severity":[{"comparison":"EQUALS","value":"HIGH"}]}}"#,
            "--resource-type",
            "AWS_EC2_INSTANCE,AWS_LAMBDA_FUNCTION",
            "--last-observed-before",
            "2026-01-01T00:00:00Z",
            "--all-statuses",
        ])
        .unwrap();
        let want = serde_json::json!({
            "document": {"severity": [{"comparison": "EQUALS", "value": "HIGH"}]},
            "options": {
                "resourceType": ["AWS_EC2_INSTANCE", "AWS_LAMBDA_FUNCTION"],
                "lastObservedBefore": "2026-01-01T00:00:00Z",
                "allStatuses": true,
            },
        });
        assert_eq!(f.echo.document, want["document"]);
        assert_eq!(Value::Object(f.echo.options), want["options"]);
        assert_eq!(f.criteria.conditions.len(), 3);
        assert!(f.criteria.status_given);
        assert_eq!(filters(&[]).unwrap().echo, FilterEcho::default());
    }

    #[test]
    fn mistakes_are_usage_errors() {
        let e = filters(&["--first-observed-after", "soon"]).unwrap_err();
        assert_eq!(e.exit, crate::error::Exit::Usage);
        assert!(
            e.message
                .starts_with("--first-observed-after \"soon\" is not a time; use a date"),
            "{e}"
        );
        let e = filters(&["--severity", "high,critcal"]).unwrap_err();
        assert_eq!(e.exit, crate::error::Exit::Usage);
        assert!(e.message.ends_with("did you mean CRITICAL?"), "{e}");
        let e = filters(&["--filter-criteria", "{"]).unwrap_err();
        assert!(
            e.message.starts_with("filter criteria: not valid JSON"),
            "{e}"
        );
    }
}
