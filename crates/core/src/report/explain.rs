//! The cold path of a warning example: which member of the finding raised the warning,
//! with what value, in the finding of what ARN (spec 5, third point; the run summary
//! shows them).
//!
//! Counting a warning costs the hot path one increment; this runs only for the few
//! findings that become examples. A decode warning (a member of the wrong type, a single
//! value for a list) is found by reading the finding again with its view's shape
//! ([`crate::decode::shape`]). A warning raised while rendering (a timestamp of no known
//! form, an object where a cell's value belongs) depends on the report and its columns,
//! so the finding is rendered again with the [`witness`](crate::witness) armed, and the
//! value it reports is placed in the finding ([`crate::decode::raw::path_at`]).

use super::renderer::FindingRenderer;
use crate::decode::finding::{Finding, StatusOnly};
use crate::decode::raw::{member, members, path_at};
use crate::decode::shape::{first_decode_warning, Shaped};
use crate::decode::{decode_as, escaped, shown, unescape, Decoded, REQUIRED_MEMBERS, SHOWN_CHARS};
use crate::stats::{Stats, WarningKind, Warnings};
use crate::witness::watching;

/// Most characters of a finding ARN an example keeps (real ones have about 120).
const ARN_CHARS: usize = 256;

/// Where a warning was raised, as far as can be told.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Located {
    /// The member's path inside the finding.
    pub(crate) member: Option<String>,
    /// Its value as JSON text, on one line, escaped and cut ([`shown`]).
    pub(crate) value: Option<String>,
    /// The finding's `findingArn`, escaped.
    pub(crate) arn: Option<String>,
}

impl FindingRenderer<'_> {
    /// For each of `kinds`, where the first warning of that kind in `item` came from;
    /// `item` rendered with warnings of those kinds before.
    #[cold]
    #[inline(never)]
    pub(crate) fn explain(
        &mut self,
        item: &[u8],
        kinds: &[WarningKind],
    ) -> Vec<(WarningKind, Located)> {
        let mut scratch = Vec::new();
        // The counts of this second rendering are thrown away: the first one counted.
        let (_, seen) = watching(|| self.render(item, &mut scratch, &mut Stats::default()));
        // The finding's own text (an event's `detail`): paths start at it.
        let finding = match decode_as::<StatusOnly>(item, &mut Warnings::default()) {
            Ok(Decoded::Finding { bytes, .. }) => std::str::from_utf8(bytes).ok(),
            _ => None,
        };
        let Some(text) = finding else {
            return kinds.iter().map(|k| (*k, Located::default())).collect();
        };
        let top = members(text).unwrap_or_default();
        let arn = member(&top, "findingArn")
            .filter(|v| v.starts_with('"'))
            .map(|v| escaped(&unescape(v), ARN_CHARS));
        kinds
            .iter()
            .map(|&kind| {
                let site = match kind {
                    WarningKind::WrongType | WarningKind::SingleForList => {
                        first_decode_warning(Finding::SHAPE, text, kind)
                    }
                    WarningKind::Timestamp | WarningKind::NotAValue => seen
                        .value_in(kind, text)
                        .and_then(|(at, v)| Some((path_at(text, at)?, v))),
                    // The first one missing; there is no value to show.
                    WarningKind::MissingMember => {
                        let missing = REQUIRED_MEMBERS
                            .iter()
                            .find(|k| member(&top, k).is_none_or(|v| v == "null"));
                        let located = Located {
                            member: missing.map(|k| k.to_string()),
                            value: None,
                            arn: arn.clone(),
                        };
                        return (kind, located);
                    }
                };
                let (member, value) = match site {
                    Some((path, v)) => (Some(path), Some(shown(v, SHOWN_CHARS))),
                    None => (None, None),
                };
                (
                    kind,
                    Located {
                        member,
                        value,
                        arn: arn.clone(),
                    },
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::CellContext;
    use crate::filter::{Criteria, Filter};
    use crate::report::{JsonTimestamps, ReportFormat};

    fn explain(format: &ReportFormat, filter: &Filter, item: &str) -> Vec<(WarningKind, Located)> {
        let mut r = FindingRenderer::new(format, filter, CellContext { as_of_ms: 0 });
        let mut counts = Stats::default();
        r.render(item.as_bytes(), &mut Vec::new(), &mut counts)
            .unwrap();
        let w = counts.warnings;
        let kinds: Vec<WarningKind> = WarningKind::ALL
            .into_iter()
            .filter(|k| w.get(*k) > 0)
            .collect();
        r.explain(item.as_bytes(), &kinds)
    }

    fn at(member: &str, value: &str, arn: &str) -> Located {
        Located {
            member: Some(member.into()),
            value: Some(value.into()),
            arn: Some(arn.into()),
        }
    }

    /// A required member missing: there is no value to show.
    fn missing(member: &str) -> Located {
        Located {
            member: Some(member.into()),
            value: None,
            arn: Some("arn:x/1".into()),
        }
    }

    const ITEM: &str = r#"{"findingArn":"arn:x/1","status":"ACTIVE",
        "resources":[{"id":"i-1"},{"id":{"deep":1},"tags":"env",
           "details":{"awsEc2Instance":{"launchedAt":"last\ttuesday"},
                      "awsLambdaFunction":{"lastModifiedAt":"then"}}}],
        "packageVulnerabilityDetails":{"cvss":{"source":"NVD"}}}"#;

    #[test]
    fn every_kind_names_its_member_and_value() {
        let csv = ReportFormat::default();
        let got = explain(&csv, &Filter::default(), ITEM);
        assert_eq!(
            got,
            [
                (
                    WarningKind::Timestamp,
                    at(
                        "resources[1].details.awsLambdaFunction.lastModifiedAt",
                        "\"then\"",
                        "arn:x/1"
                    )
                ),
                (
                    WarningKind::NotAValue,
                    at("resources[1].id", r#"{"deep":1}"#, "arn:x/1")
                ),
                (
                    WarningKind::WrongType,
                    at("resources[1].tags", "\"env\"", "arn:x/1")
                ),
                (
                    WarningKind::SingleForList,
                    at(
                        "packageVulnerabilityDetails.cvss",
                        r#"{"source":"NVD"}"#,
                        "arn:x/1"
                    )
                ),
                (WarningKind::MissingMember, missing("awsAccountId")),
            ]
        );
        // The JSON report rewrites launchedAt, which no CSV column reads.
        let json = ReportFormat::Json {
            timestamps: JsonTimestamps::Iso,
        };
        let fast = explain(&json, &Filter::default(), ITEM);
        assert_eq!(
            fast,
            [
                (
                    WarningKind::Timestamp,
                    at(
                        "resources[1].details.awsEc2Instance.launchedAt",
                        "\"last\\ttuesday\"",
                        "arn:x/1"
                    )
                ),
                (WarningKind::MissingMember, missing("awsAccountId")),
            ]
        );
        // A filter that needs the whole finding decodes it: the decode warnings too.
        let criteria =
            Criteria::parse(r#"{"findingStatus":[{"comparison":"EQUALS","value":"ACTIVE"}]}"#)
                .unwrap();
        let full = explain(&json, &Filter::new(criteria), ITEM);
        assert_eq!(full[0], fast[0]);
        assert_eq!(full.len(), 4, "{full:?}");
    }

    #[test]
    fn an_event_s_paths_start_at_its_finding() {
        let event = format!(r#"{{"detail-type":"Inspector2 Finding","time":"x","detail":{ITEM}}}"#);
        let got = explain(&ReportFormat::default(), &Filter::default(), &event);
        assert_eq!(
            got[0].1.member.as_deref(),
            Some("resources[1].details.awsLambdaFunction.lastModifiedAt")
        );
    }
}
