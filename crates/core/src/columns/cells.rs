//! How each cell of the CSV report is computed from a finding (spec section 2.4): the
//! rules that [`super::Column::rule`] states in a line.

use super::ipv4::is_private_ipv4;
use super::Column;
use crate::decode::finding::{
    items, Details, Finding, OptionalObject, Package, PackageVulnerabilityDetails, Resource,
};
use crate::decode::value::{Leaf, LeafKind};
use crate::stats::{WarningKind, Warnings};
use crate::timestamp;
use crate::witness::saw;
use std::borrow::Cow;

/// What a cell needs beyond the finding.
#[derive(Clone, Copy, Debug)]
pub struct CellContext {
    /// The report time for `Age (Days)`, in epoch milliseconds.
    pub as_of_ms: i64,
}

/// Writes a leaf's cell text; an object or list leaves the cell empty and warns.
#[inline]
fn leaf(c: &mut CellOut, v: Option<&Leaf>) {
    let Some(v) = v else { return };
    match v.kind() {
        LeafKind::Composite => {
            c.w.not_a_value += 1;
            saw(WarningKind::NotAValue, v.raw().as_bytes());
        }
        LeafKind::Null => {}
        _ => {
            c.quotes |= v.may_hold_quote();
            v.write_text(c.text)
        }
    }
}

/// Writes a timestamp cell: UTC rendering, or the value unchanged with a warning.
fn ts(c: &mut CellOut, v: Option<&Leaf>) {
    let Some(v) = v else { return };
    match v.kind() {
        LeafKind::Null => {}
        LeafKind::Composite => {
            // One warning (spec 1.2), of the kind the JSON report counts for the same
            // value.
            c.w.timestamp += 1;
            saw(WarningKind::Timestamp, v.raw().as_bytes());
        }
        _ => {
            if let Some(t) = v.text() {
                match timestamp::parse(&t) {
                    Some(ms) => timestamp::render(ms, c.text),
                    None => {
                        c.w.timestamp += 1;
                        saw(WarningKind::Timestamp, v.raw().as_bytes());
                        c.quotes |= v.may_hold_quote();
                        c.text.extend_from_slice(t.as_bytes());
                    }
                }
            }
        }
    }
}

/// Writes one entry per element with `f`, comma-separated; a cell whose entries are all
/// empty is empty.
fn per_entry<T>(c: &mut CellOut, elems: &[T], mut f: impl FnMut(&mut CellOut, &T)) {
    let start = c.text.len();
    let mut any = false;
    for (i, e) in elems.iter().enumerate() {
        if i > 0 {
            c.text.push(b',');
        }
        let before = c.text.len();
        f(c, e);
        any |= c.text.len() > before;
    }
    if !any {
        c.text.truncate(start);
    }
}

/// Joins values with `sep`, skipping empty ones.
struct Joiner<'c, 'o> {
    c: &'c mut CellOut<'o>,
    sep: &'static [u8],
    first: bool,
}

impl<'c, 'o> Joiner<'c, 'o> {
    fn new(c: &'c mut CellOut<'o>, sep: &'static [u8]) -> Self {
        Joiner {
            c,
            sep,
            first: true,
        }
    }
    fn push_with(&mut self, f: impl FnOnce(&mut CellOut)) {
        let mark = self.c.text.len();
        if !self.first {
            self.c.text.extend_from_slice(self.sep);
        }
        let body = self.c.text.len();
        f(self.c);
        if self.c.text.len() == body {
            self.c.text.truncate(mark);
        } else {
            self.first = false;
        }
    }
    fn leaf(&mut self, v: &Leaf) {
        self.push_with(|c| leaf(c, Some(v)));
    }
    fn leaves(&mut self, l: &[Leaf]) {
        for v in l {
            self.leaf(v);
        }
    }
}

/// The first present (non-null) of the `candidates` a resource's details offer; none
/// without details.
#[inline(always)]
fn first_in_details<'r, 'a, const N: usize>(
    r: &'r Resource<'a>,
    candidates: impl FnOnce(&'r Details<'a>) -> [Option<&'r Leaf<'a>>; N],
) -> Option<&'r Leaf<'a>> {
    r.details()
        .and_then(|d| candidates(d).into_iter().flatten().next())
}

/// Joins with `,` the non-empty elements of the `lists` each resource's details offer,
/// resource by resource.
#[inline(always)]
fn join_from_details<'r, 'a, const N: usize>(
    c: &mut CellOut,
    res: &'r [Resource<'a>],
    lists: impl Fn(&'r Details<'a>) -> [Option<&'r [Leaf<'a>]>; N],
) {
    let mut j = Joiner::new(c, b",");
    for r in res {
        let Some(d) = r.details() else { continue };
        for l in lists(d).into_iter().flatten() {
            j.leaves(l);
        }
    }
}

/// True for a non-empty string (the spec's "release is present").
fn non_empty_str(v: Option<&Leaf>) -> bool {
    v.is_some_and(|v| v.kind() == LeafKind::Str && v.text().is_some_and(|t| !t.is_empty()))
}

/// Which of the four CVSS cells.
#[derive(Clone, Copy)]
enum CvssPick {
    Nvd3,
    Nvd2,
    Vendor3,
    Vendor2,
}

/// The chosen entry: source and major version match; highest version text wins, the
/// first in input order on ties.
fn chosen_cvss<'p, 'a>(
    package_details: &'p PackageVulnerabilityDetails<'a>,
    pick: CvssPick,
) -> Option<&'p crate::decode::finding::Cvss<'a>> {
    let (source, major): (Cow<str>, u8) = match pick {
        CvssPick::Nvd3 => (Cow::Borrowed("NVD"), b'3'),
        CvssPick::Nvd2 => (Cow::Borrowed("NVD"), b'2'),
        CvssPick::Vendor3 => (package_details.source.as_ref()?.str_or_num()?, b'3'),
        CvssPick::Vendor2 => (package_details.source.as_ref()?.str_or_num()?, b'2'),
    };
    let mut best: Option<(&crate::decode::finding::Cvss, Cow<str>)> = None;
    for c in items(&package_details.cvss) {
        let Some(src) = c.source.as_ref().and_then(|s| s.str_or_num()) else {
            continue;
        };
        if src != source {
            continue;
        }
        let Some(ver) = c.version.as_ref().and_then(|s| s.str_or_num()) else {
            continue;
        };
        if ver.as_bytes().first() != Some(&major) {
            continue;
        }
        if best.as_ref().is_none_or(|(_, b)| ver.as_ref() > b.as_ref()) {
            best = Some((c, ver));
        }
    }
    best.map(|(c, _)| c)
}

fn ipv4(c: &mut CellOut, res: &[Resource], private: bool) {
    let mut j = Joiner::new(c, b",");
    for r in res {
        let Some(d) = r.details() else { continue };
        let ec2 = d.aws_ec2_instance.object().map(|e| items(&e.ipv4));
        let vm = d.vm.object().map(|v| items(&v.ipv4));
        for v in ec2.into_iter().chain(vm).flatten() {
            let is_private = v
                .str_or_num()
                .and_then(|t| is_private_ipv4(&t))
                .unwrap_or(false);
            if is_private == private {
                j.leaf(v);
            }
        }
    }
}

fn installed_version(c: &mut CellOut, p: &Package) {
    if non_empty_str(p.release.as_ref()) {
        match p.epoch.as_ref() {
            Some(e) if e.kind() != LeafKind::Null => leaf(c, Some(e)),
            _ => c.text.push(b'0'),
        }
        c.text.push(b':');
        leaf(c, p.version.as_ref());
        c.text.push(b'-');
        leaf(c, p.release.as_ref());
    } else {
        leaf(c, p.version.as_ref());
    }
}

/// Writes the text of one cell (unquoted) for `col` into `out`.
pub fn write_cell(
    col: Column,
    f: &Finding,
    ctx: &CellContext,
    out: &mut Vec<u8>,
    w: &mut Warnings,
) {
    write_cell_text(col, f, ctx, out, w);
}

/// [`write_cell`], returning whether the text may hold a `"`: only text decoded from a
/// string with escapes can, so the CSV writer searches only those cells for quotes to
/// double (the search of every cell was 5% of a pretty-CSV run).
#[inline]
pub(crate) fn write_cell_text(
    col: Column,
    f: &Finding,
    ctx: &CellContext,
    out: &mut Vec<u8>,
    w: &mut Warnings,
) -> bool {
    let mut c = CellOut {
        text: out,
        w,
        quotes: false,
    };
    cell(col, f, ctx, &mut c);
    c.quotes
}

/// Where a cell's text goes, with the warnings its values raise and whether the text may
/// hold a `"`.
struct CellOut<'o> {
    text: &'o mut Vec<u8>,
    w: &'o mut Warnings,
    quotes: bool,
}

fn cell(col: Column, f: &Finding, ctx: &CellContext, c: &mut CellOut) {
    use Column as C;
    let res = f.resources();
    let package_details = f.package_vulnerability_details();
    let pkgs = f.packages();
    match col {
        C::AwsAccountId => leaf(c, f.aws_account_id.as_ref()),
        C::Severity => leaf(c, f.severity.as_ref()),
        C::FixAvailable => leaf(c, f.fix_available.as_ref()),
        C::FindingType => leaf(c, f.finding_type.as_ref()),
        C::Title => leaf(c, f.title.as_ref()),
        C::Description => leaf(c, f.description.as_ref()),
        C::FindingArn => leaf(c, f.finding_arn.as_ref()),
        C::FirstSeen => ts(c, f.first_observed_at.as_ref()),
        C::LastSeen => ts(c, f.last_observed_at.as_ref()),
        C::LastUpdated => ts(c, f.updated_at.as_ref()),
        C::ResourceId => per_entry(c, res, |c, r| leaf(c, r.id.as_ref())),
        C::ContainerImageTags => join_from_details(c, res, |d| {
            [
                d.aws_ecr_container_image
                    .object()
                    .map(|e| items(&e.image_tags)),
                d.image.object().map(|i| items(&i.image_tags)),
            ]
        }),
        C::Region => per_entry(c, res, |c, r| leaf(c, r.region.as_ref())),
        C::Platform => per_entry(c, res, |c, r| {
            let v = first_in_details(r, |d| {
                [
                    d.aws_ec2_instance
                        .object()
                        .and_then(|x| x.platform.as_ref()),
                    d.aws_ecr_container_image
                        .object()
                        .and_then(|x| x.platform.as_ref()),
                    d.aws_lambda_function
                        .object()
                        .and_then(|x| x.runtime.as_ref()),
                    d.vm.object().and_then(|x| x.platform.as_ref()),
                    d.image.object().and_then(|x| x.platform.as_ref()),
                    d.serverless_function
                        .object()
                        .and_then(|x| x.runtime.as_ref()),
                ]
            });
            leaf(c, v)
        }),
        C::ResourceTags => {
            let mut j = Joiner::new(c, b",");
            for r in res {
                let Some(tags) = r.tags.object() else {
                    continue;
                };
                for (k, v) in &tags.0 {
                    j.push_with(|c| {
                        // A key is written as decoded: one that had escapes may hold a
                        // quote.
                        c.quotes |= matches!(k.0, Cow::Owned(_));
                        c.text.extend_from_slice(k.0.as_bytes());
                        c.text.push(b':');
                        leaf(c, Some(v));
                    });
                }
            }
        }
        C::AffectedPackages => per_entry(c, pkgs, |c, p| leaf(c, p.name.as_ref())),
        C::PackageInstalledVersion => per_entry(c, pkgs, installed_version),
        C::FixedInVersion => per_entry(c, pkgs, |c, p| leaf(c, p.fixed_in_version.as_ref())),
        C::PackageRemediation => per_entry(c, pkgs, |c, p| leaf(c, p.remediation.as_ref())),
        C::FilePath => {
            if pkgs.is_empty() {
                let v = f
                    .code_vulnerability_details()
                    .and_then(|c| c.file_path.object())
                    .and_then(|p| p.file_path.as_ref());
                leaf(c, v)
            } else {
                per_entry(c, pkgs, |c, p| leaf(c, p.file_path.as_ref()))
            }
        }
        C::NetworkPaths => {
            let steps = f
                .network_reachability_details
                .object()
                .and_then(|n| n.network_path.object())
                .map(|p| items(&p.steps))
                .unwrap_or(&[]);
            let mut j = Joiner::new(c, b" > ");
            for s in steps {
                if let Some(c) = &s.component_id {
                    j.leaf(c);
                }
            }
        }
        C::AgeDays => {
            let first = f
                .first_observed_at
                .as_ref()
                .and_then(|v| v.str_or_num())
                .and_then(|t| timestamp::parse(&t));
            if let Some(first) = first {
                let days = (ctx.as_of_ms - first).div_euclid(86_400_000).max(0);
                c.text.extend_from_slice(days.to_string().as_bytes());
            }
        }
        C::Remediation => {
            let v = f
                .remediation
                .object()
                .and_then(|r| r.recommendation.object())
                .and_then(|r| r.text.as_ref());
            leaf(c, v)
        }
        C::InspectorScore => leaf(c, f.inspector_score.as_ref()),
        C::InspectorScoreVector => {
            let v = f
                .inspector_score_details
                .object()
                .and_then(|d| d.adjusted_cvss.object())
                .and_then(|a| a.scoring_vector.as_ref());
            leaf(c, v)
        }
        C::Status => leaf(c, f.status.as_ref()),
        C::VulnerabilityId => match package_details {
            Some(p) => leaf(c, p.vulnerability_id.as_ref()),
            None => {
                if let Some(code) = f.code_vulnerability_details() {
                    Joiner::new(c, b",").leaves(items(&code.cwes));
                }
            }
        },
        C::Vendor => leaf(c, package_details.and_then(|p| p.source.as_ref())),
        C::VendorSeverity => leaf(c, package_details.and_then(|p| p.vendor_severity.as_ref())),
        C::VendorAdvisory => leaf(c, package_details.and_then(|p| p.source_url.as_ref())),
        C::VendorAdvisoryPublished => ts(
            c,
            package_details.and_then(|p| p.vendor_created_at.as_ref()),
        ),
        C::NvdCvss3Score
        | C::NvdCvss3Vector
        | C::NvdCvss2Score
        | C::NvdCvss2Vector
        | C::VendorCvss3Score
        | C::VendorCvss3Vector
        | C::VendorCvss2Score
        | C::VendorCvss2Vector => {
            let (pick, score) = match col {
                C::NvdCvss3Score => (CvssPick::Nvd3, true),
                C::NvdCvss3Vector => (CvssPick::Nvd3, false),
                C::NvdCvss2Score => (CvssPick::Nvd2, true),
                C::NvdCvss2Vector => (CvssPick::Nvd2, false),
                C::VendorCvss3Score => (CvssPick::Vendor3, true),
                C::VendorCvss3Vector => (CvssPick::Vendor3, false),
                C::VendorCvss2Score => (CvssPick::Vendor2, true),
                _ => (CvssPick::Vendor2, false),
            };
            if let Some(cvss) = package_details.and_then(|p| chosen_cvss(p, pick)) {
                leaf(
                    c,
                    if score {
                        cvss.base_score.as_ref()
                    } else {
                        cvss.scoring_vector.as_ref()
                    },
                )
            }
        }
        C::ResourceType => per_entry(c, res, |c, r| leaf(c, r.resource_type.as_ref())),
        C::Ami => per_entry(c, res, |c, r| {
            let v = r
                .details()
                .and_then(|d| d.aws_ec2_instance.object())
                .and_then(|e| e.image_id.as_ref());
            leaf(c, v)
        }),
        C::ResourcePublicIpv4 => ipv4(c, res, false),
        C::ResourcePrivateIpv4 => ipv4(c, res, true),
        C::ResourceIpv6 => join_from_details(c, res, |d| {
            [
                d.aws_ec2_instance.object().map(|e| items(&e.ipv6)),
                d.vm.object().map(|v| items(&v.ipv6)),
            ]
        }),
        C::ResourceVpc => per_entry(c, res, |c, r| {
            let v = first_in_details(r, |d| {
                [
                    d.aws_ec2_instance.object().and_then(|x| x.vpc_id.as_ref()),
                    d.aws_lambda_function
                        .object()
                        .and_then(|x| x.vpc_config.object())
                        .and_then(|x| x.vpc_id.as_ref()),
                    d.vm.object().and_then(|x| x.network_id.as_ref()),
                ]
            });
            leaf(c, v)
        }),
        C::PortRange => {
            let r = f
                .network_reachability_details
                .object()
                .and_then(|n| n.open_port_range.object());
            if let Some(r) = r {
                if r.begin.is_some() || r.end.is_some() {
                    leaf(c, r.begin.as_ref());
                    c.text.push(b'-');
                    leaf(c, r.end.as_ref());
                }
            }
        }
        C::EpssScore => leaf(c, f.epss.object().and_then(|e| e.score.as_ref())),
        C::ExploitAvailable => leaf(c, f.exploit_available.as_ref()),
        C::LastExploitedAt => ts(
            c,
            f.exploitability_details
                .object()
                .and_then(|e| e.last_known_exploit_at.as_ref()),
        ),
        C::LambdaLayers => join_from_details(c, res, |d| {
            [
                d.aws_lambda_function.object().map(|l| items(&l.layers)),
                d.serverless_function.object().map(|s| items(&s.layers)),
            ]
        }),
        C::LambdaPackageType => per_entry(c, res, |c, r| {
            let v = first_in_details(r, |d| {
                [
                    d.aws_lambda_function
                        .object()
                        .and_then(|x| x.package_type.as_ref()),
                    d.serverless_function
                        .object()
                        .and_then(|x| x.package_type.as_ref()),
                ]
            });
            leaf(c, v)
        }),
        C::LambdaLastUpdatedAt => per_entry(c, res, |c, r| {
            let v = first_in_details(r, |d| {
                [
                    d.aws_lambda_function
                        .object()
                        .and_then(|x| x.last_modified_at.as_ref()),
                    d.serverless_function
                        .object()
                        .and_then(|x| x.last_modified_at.as_ref()),
                ]
            });
            ts(c, v)
        }),
        C::ReferenceUrls => {
            let urls = match package_details {
                Some(p) => items(&p.reference_urls),
                None => f
                    .code_vulnerability_details()
                    .map(|c| items(&c.reference_urls))
                    .unwrap_or(&[]),
            };
            Joiner::new(c, b",").leaves(urls);
        }
        C::DetectorName => leaf(
            c,
            f.code_vulnerability_details()
                .and_then(|c| c.detector_name.as_ref()),
        ),
        C::PackageManager => per_entry(c, pkgs, |c, p| leaf(c, p.package_manager.as_ref())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A finding whose every string is `s` (JSON text, quotes included), except its tag:
    /// the value is a number, so that the key alone can put a quote in the cell, and the
    /// key is `s` where `key` says so. Where `single` does, `referenceUrls` is one string
    /// where a list belongs (a `Leaf::Text`, which only serde_json's lenient path makes).
    fn finding_with(s: &str, key: bool, single: bool) -> String {
        let k = if key { s } else { "\"k\"" };
        let urls = if single { "@S" } else { "[@S]" };
        r#"{"awsAccountId":@S,"severity":@S,"fixAvailable":@S,"type":@S,"title":@S,
          "description":@S,"findingArn":@S,"firstObservedAt":@S,"lastObservedAt":@S,
          "updatedAt":@S,"inspectorScore":@S,"status":@S,"exploitAvailable":@S,
          "resources":[{"id":@S,"region":@S,"type":@S,"tags":{@K:7},"details":{
            "awsEc2Instance":{"platform":@S,"imageId":@S,"ipV4Addresses":[@S,"10.0.0.1"],
              "ipV6Addresses":[@S],"vpcId":@S},
            "awsEcrContainerImage":{"imageTags":[@S]},
            "awsLambdaFunction":{"layers":[@S],"packageType":@S,"lastModifiedAt":@S}}}],
          "packageVulnerabilityDetails":{"vulnerabilityId":@S,"source":@S,"vendorSeverity":@S,
            "sourceUrl":@S,"vendorCreatedAt":@S,"referenceUrls":@U,
            "cvss":[{"baseScore":@S,"scoringVector":@S,"source":"NVD","version":"3.1"}],
            "vulnerablePackages":[{"name":@S,"version":@S,"release":@S,"epoch":@S,
              "fixedInVersion":@S,"remediation":@S,"filePath":@S,"packageManager":@S}]},
          "networkReachabilityDetails":{"openPortRange":{"begin":@S,"end":@S},
            "networkPath":{"steps":[{"componentId":@S}]}},
          "remediation":{"recommendation":{"text":@S}},
          "inspectorScoreDetails":{"adjustedCvss":{"scoringVector":@S}},
          "epss":{"score":@S},"exploitabilityDetails":{"lastKnownExploitAt":@S}}"#
            .replace("@U", urls)
            .replace("@S", s)
            .replace("@K", k)
    }

    /// Each cell's text, and whether `write_cell_text` said it may hold a quote.
    fn cells(f: &Finding) -> Vec<(Column, String, bool)> {
        let ctx = CellContext { as_of_ms: 0 };
        Column::ALL
            .iter()
            .map(|&col| {
                let mut out = Vec::new();
                let quotes = write_cell_text(col, f, &ctx, &mut out, &mut Warnings::default());
                (col, String::from_utf8(out).unwrap(), quotes)
            })
            .collect()
    }

    #[test]
    fn a_cell_that_holds_a_quote_says_so() {
        // `"` escaped both ways, in every string, a tag key, and a string where a list
        // belongs (`referenceUrls`, a `Leaf::Text`); through the walker and through
        // serde_json (the escaped key makes the walker bail).
        for s in [r#""a\"b""#, r#""a\u0022b""#] {
            for (key, single) in [(false, false), (true, false), (false, true)] {
                let text = finding_with(s, key, single);
                let walked = crate::decode::walk::walk::<Finding>(&text);
                assert_eq!(walked.is_ok(), !key && !single, "{text}");
                let serde: Finding = serde_json::from_str(&text).unwrap();
                for f in walked.iter().chain([&serde]) {
                    let cells = cells(f);
                    for (col, text, quotes) in &cells {
                        assert!(quotes | !text.contains('"'), "{col:?}: {text}");
                    }
                    let with = cells.iter().filter(|c| c.1.contains('"')).count();
                    assert!(with >= 35, "only {with} cells hold a quote");
                }
            }
        }
    }

    #[test]
    fn cells_of_strings_without_escapes_are_not_searched() {
        let text = finding_with(r#""a b""#, true, false);
        let f = crate::decode::walk::walk::<Finding>(&text).unwrap();
        for (col, text, quotes) in cells(&f) {
            assert!(!quotes, "{col:?}: {text}");
        }
    }

    #[test]
    fn an_object_in_a_timestamp_cell_is_one_warning() {
        let text = r#"{"status":"ACTIVE","updatedAt":{"a":1},"firstObservedAt":[1]}"#;
        let f = crate::decode::walk::walk::<Finding>(text).unwrap();
        let ctx = CellContext { as_of_ms: 0 };
        for col in [Column::LastUpdated, Column::FirstSeen] {
            let (mut out, mut w) = (Vec::new(), Warnings::default());
            write_cell(col, &f, &ctx, &mut out, &mut w);
            assert!(out.is_empty());
            assert_eq!((w.total(), w.timestamp), (1, 1), "{col:?}");
        }
    }
}
