//! How each cell of the CSV report is computed from a finding (spec section 2.4): the
//! rules that [`super::Column::rule`] states in a line.

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
fn leaf(out: &mut Vec<u8>, v: Option<&Leaf>, w: &mut Warnings) {
    let Some(v) = v else { return };
    match v.kind() {
        LeafKind::Composite => {
            w.not_a_value += 1;
            saw(WarningKind::NotAValue, v.raw().as_bytes());
        }
        LeafKind::Null => {}
        _ => v.write_text(out),
    }
}

/// Writes a timestamp cell: UTC rendering, or the value unchanged with a warning.
fn ts(out: &mut Vec<u8>, v: Option<&Leaf>, w: &mut Warnings) {
    let Some(v) = v else { return };
    match v.kind() {
        LeafKind::Null => {}
        LeafKind::Composite => {
            w.not_a_value += 1;
            w.timestamp += 1;
            saw(WarningKind::NotAValue, v.raw().as_bytes());
            saw(WarningKind::Timestamp, v.raw().as_bytes());
        }
        _ => {
            if let Some(t) = v.text() {
                match timestamp::parse(&t) {
                    Some(ms) => timestamp::render(ms, out),
                    None => {
                        w.timestamp += 1;
                        saw(WarningKind::Timestamp, v.raw().as_bytes());
                        out.extend_from_slice(t.as_bytes());
                    }
                }
            }
        }
    }
}

/// Writes one entry per element with `f`, comma-separated; a cell whose entries are all
/// empty is empty.
fn per_entry<T>(
    out: &mut Vec<u8>,
    elems: &[T],
    w: &mut Warnings,
    mut f: impl FnMut(&mut Vec<u8>, &T, &mut Warnings),
) {
    let start = out.len();
    let mut any = false;
    for (i, e) in elems.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let before = out.len();
        f(out, e, w);
        any |= out.len() > before;
    }
    if !any {
        out.truncate(start);
    }
}

/// Joins values with `sep`, skipping empty ones.
struct Joiner<'o> {
    out: &'o mut Vec<u8>,
    sep: &'static [u8],
    first: bool,
}

impl<'o> Joiner<'o> {
    fn new(out: &'o mut Vec<u8>, sep: &'static [u8]) -> Self {
        Joiner {
            out,
            sep,
            first: true,
        }
    }
    fn push_with(&mut self, w: &mut Warnings, f: impl FnOnce(&mut Vec<u8>, &mut Warnings)) {
        let mark = self.out.len();
        if !self.first {
            self.out.extend_from_slice(self.sep);
        }
        let body = self.out.len();
        f(self.out, w);
        if self.out.len() == body {
            self.out.truncate(mark);
        } else {
            self.first = false;
        }
    }
    fn leaf(&mut self, v: &Leaf, w: &mut Warnings) {
        self.push_with(w, |o, w| leaf(o, Some(v), w));
    }
    fn leaves(&mut self, l: &[Leaf], w: &mut Warnings) {
        for v in l {
            self.leaf(v, w);
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
    out: &mut Vec<u8>,
    res: &'r [Resource<'a>],
    w: &mut Warnings,
    lists: impl Fn(&'r Details<'a>) -> [Option<&'r [Leaf<'a>]>; N],
) {
    let mut j = Joiner::new(out, b",");
    for r in res {
        let Some(d) = r.details() else { continue };
        for l in lists(d).into_iter().flatten() {
            j.leaves(l, w);
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

/// Is this dotted-quad string in one of the spec's private ranges? `None` when it is not
/// a dotted IPv4 address at all (then it counts as public).
pub fn is_private_ipv4(s: &str) -> Option<bool> {
    // Byte by byte: a cell of every finding runs this on every address, and `split` plus
    // `parse` cost several times more.
    let mut o = [0u16; 4];
    let mut k = 0;
    let mut digits = 0;
    for &b in s.as_bytes() {
        match b {
            b'0'..=b'9' if digits < 3 => {
                o[k] = o[k] * 10 + (b - b'0') as u16;
                digits += 1;
            }
            b'.' if digits > 0 && k < 3 => {
                k += 1;
                digits = 0;
            }
            _ => return None,
        }
    }
    if k != 3 || digits == 0 || o.iter().any(|&v| v > 255) {
        return None;
    }
    let o = o.map(|v| v as u8);
    Some(
        matches!(o, [10, ..] | [127, ..] | [192, 168, ..] | [169, 254, ..])
            || (o[0] == 172 && (16..=31).contains(&o[1]))
            || (o[0] == 100 && (64..=127).contains(&o[1])),
    )
}

fn ipv4(out: &mut Vec<u8>, res: &[Resource], private: bool, w: &mut Warnings) {
    let mut j = Joiner::new(out, b",");
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
                j.leaf(v, w);
            }
        }
    }
}

fn installed_version(out: &mut Vec<u8>, p: &Package, w: &mut Warnings) {
    if non_empty_str(p.release.as_ref()) {
        match p.epoch.as_ref() {
            Some(e) if e.kind() != LeafKind::Null => leaf(out, Some(e), w),
            _ => out.push(b'0'),
        }
        out.push(b':');
        leaf(out, p.version.as_ref(), w);
        out.push(b'-');
        leaf(out, p.release.as_ref(), w);
    } else {
        leaf(out, p.version.as_ref(), w);
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
    use Column as C;
    let res = f.resources();
    let package_details = f.package_vulnerability_details();
    let pkgs = f.packages();
    match col {
        C::AwsAccountId => leaf(out, f.aws_account_id.as_ref(), w),
        C::Severity => leaf(out, f.severity.as_ref(), w),
        C::FixAvailable => leaf(out, f.fix_available.as_ref(), w),
        C::FindingType => leaf(out, f.finding_type.as_ref(), w),
        C::Title => leaf(out, f.title.as_ref(), w),
        C::Description => leaf(out, f.description.as_ref(), w),
        C::FindingArn => leaf(out, f.finding_arn.as_ref(), w),
        C::FirstSeen => ts(out, f.first_observed_at.as_ref(), w),
        C::LastSeen => ts(out, f.last_observed_at.as_ref(), w),
        C::LastUpdated => ts(out, f.updated_at.as_ref(), w),
        C::ResourceId => per_entry(out, res, w, |o, r, w| leaf(o, r.id.as_ref(), w)),
        C::ContainerImageTags => join_from_details(out, res, w, |d| {
            [
                d.aws_ecr_container_image
                    .object()
                    .map(|e| items(&e.image_tags)),
                d.image.object().map(|i| items(&i.image_tags)),
            ]
        }),
        C::Region => per_entry(out, res, w, |o, r, w| leaf(o, r.region.as_ref(), w)),
        C::Platform => per_entry(out, res, w, |o, r, w| {
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
            leaf(o, v, w)
        }),
        C::ResourceTags => {
            let mut j = Joiner::new(out, b",");
            for r in res {
                let Some(tags) = r.tags.object() else {
                    continue;
                };
                for (k, v) in &tags.0 {
                    j.push_with(w, |o, w| {
                        o.extend_from_slice(k.0.as_bytes());
                        o.push(b':');
                        leaf(o, Some(v), w);
                    });
                }
            }
        }
        C::AffectedPackages => per_entry(out, pkgs, w, |o, p, w| leaf(o, p.name.as_ref(), w)),
        C::PackageInstalledVersion => per_entry(out, pkgs, w, installed_version),
        C::FixedInVersion => per_entry(out, pkgs, w, |o, p, w| {
            leaf(o, p.fixed_in_version.as_ref(), w)
        }),
        C::PackageRemediation => {
            per_entry(out, pkgs, w, |o, p, w| leaf(o, p.remediation.as_ref(), w))
        }
        C::FilePath => {
            if pkgs.is_empty() {
                let v = f
                    .code_vulnerability_details()
                    .and_then(|c| c.file_path.object())
                    .and_then(|p| p.file_path.as_ref());
                leaf(out, v, w)
            } else {
                per_entry(out, pkgs, w, |o, p, w| leaf(o, p.file_path.as_ref(), w))
            }
        }
        C::NetworkPaths => {
            let steps = f
                .network_reachability_details
                .object()
                .and_then(|n| n.network_path.object())
                .map(|p| items(&p.steps))
                .unwrap_or(&[]);
            let mut j = Joiner::new(out, b" > ");
            for s in steps {
                if let Some(c) = &s.component_id {
                    j.leaf(c, w);
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
                out.extend_from_slice(days.to_string().as_bytes());
            }
        }
        C::Remediation => {
            let v = f
                .remediation
                .object()
                .and_then(|r| r.recommendation.object())
                .and_then(|r| r.text.as_ref());
            leaf(out, v, w)
        }
        C::InspectorScore => leaf(out, f.inspector_score.as_ref(), w),
        C::InspectorScoreVector => {
            let v = f
                .inspector_score_details
                .object()
                .and_then(|d| d.adjusted_cvss.object())
                .and_then(|a| a.scoring_vector.as_ref());
            leaf(out, v, w)
        }
        C::Status => leaf(out, f.status.as_ref(), w),
        C::VulnerabilityId => match package_details {
            Some(p) => leaf(out, p.vulnerability_id.as_ref(), w),
            None => {
                if let Some(c) = f.code_vulnerability_details() {
                    Joiner::new(out, b",").leaves(items(&c.cwes), w);
                }
            }
        },
        C::Vendor => leaf(out, package_details.and_then(|p| p.source.as_ref()), w),
        C::VendorSeverity => leaf(
            out,
            package_details.and_then(|p| p.vendor_severity.as_ref()),
            w,
        ),
        C::VendorAdvisory => leaf(out, package_details.and_then(|p| p.source_url.as_ref()), w),
        C::VendorAdvisoryPublished => ts(
            out,
            package_details.and_then(|p| p.vendor_created_at.as_ref()),
            w,
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
            if let Some(c) = package_details.and_then(|p| chosen_cvss(p, pick)) {
                leaf(
                    out,
                    if score {
                        c.base_score.as_ref()
                    } else {
                        c.scoring_vector.as_ref()
                    },
                    w,
                )
            }
        }
        C::ResourceType => per_entry(out, res, w, |o, r, w| leaf(o, r.resource_type.as_ref(), w)),
        C::Ami => per_entry(out, res, w, |o, r, w| {
            let v = r
                .details()
                .and_then(|d| d.aws_ec2_instance.object())
                .and_then(|e| e.image_id.as_ref());
            leaf(o, v, w)
        }),
        C::ResourcePublicIpv4 => ipv4(out, res, false, w),
        C::ResourcePrivateIpv4 => ipv4(out, res, true, w),
        C::ResourceIpv6 => join_from_details(out, res, w, |d| {
            [
                d.aws_ec2_instance.object().map(|e| items(&e.ipv6)),
                d.vm.object().map(|v| items(&v.ipv6)),
            ]
        }),
        C::ResourceVpc => per_entry(out, res, w, |o, r, w| {
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
            leaf(o, v, w)
        }),
        C::PortRange => {
            let r = f
                .network_reachability_details
                .object()
                .and_then(|n| n.open_port_range.object());
            if let Some(r) = r {
                if r.begin.is_some() || r.end.is_some() {
                    leaf(out, r.begin.as_ref(), w);
                    out.push(b'-');
                    leaf(out, r.end.as_ref(), w);
                }
            }
        }
        C::EpssScore => leaf(out, f.epss.object().and_then(|e| e.score.as_ref()), w),
        C::ExploitAvailable => leaf(out, f.exploit_available.as_ref(), w),
        C::LastExploitedAt => ts(
            out,
            f.exploitability_details
                .object()
                .and_then(|e| e.last_known_exploit_at.as_ref()),
            w,
        ),
        C::LambdaLayers => join_from_details(out, res, w, |d| {
            [
                d.aws_lambda_function.object().map(|l| items(&l.layers)),
                d.serverless_function.object().map(|s| items(&s.layers)),
            ]
        }),
        C::LambdaPackageType => per_entry(out, res, w, |o, r, w| {
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
            leaf(o, v, w)
        }),
        C::LambdaLastUpdatedAt => per_entry(out, res, w, |o, r, w| {
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
            ts(o, v, w)
        }),
        C::ReferenceUrls => {
            let urls = match package_details {
                Some(p) => items(&p.reference_urls),
                None => f
                    .code_vulnerability_details()
                    .map(|c| items(&c.reference_urls))
                    .unwrap_or(&[]),
            };
            Joiner::new(out, b",").leaves(urls, w);
        }
        C::DetectorName => leaf(
            out,
            f.code_vulnerability_details()
                .and_then(|c| c.detector_name.as_ref()),
            w,
        ),
        C::PackageManager => per_entry(out, pkgs, w, |o, p, w| {
            leaf(o, p.package_manager.as_ref(), w)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ranges() {
        for p in [
            "10.0.0.1",
            "172.16.0.0",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "169.254.1.1",
            "127.0.0.1",
        ] {
            assert_eq!(is_private_ipv4(p), Some(true), "{p}");
        }
        for p in [
            "172.32.0.1",
            "172.15.0.1",
            "100.128.0.1",
            "8.8.8.8",
            "192.169.0.1",
            "1.128.0.1",
        ] {
            assert_eq!(is_private_ipv4(p), Some(false), "{p}");
        }
        for p in [
            "1.23.456.789",
            "10.0.0",
            "10.0.0.1.2",
            "a.b.c.d",
            "",
            "10..0.1",
            "::1",
            "256.1.1.1",
            "1.1.1.1.",
            ".1.1.1",
            "0001.0.0.1",
        ] {
            assert_eq!(is_private_ipv4(p), None, "{p}");
        }
        assert_eq!(is_private_ipv4("010.1.1.1"), Some(true));
    }

    /// The byte parser agrees with the obvious split-and-parse on random short strings.
    #[test]
    fn private_ranges_match_split_and_parse() {
        fn slow(s: &str) -> Option<bool> {
            let o: Vec<u8> = s
                .split('.')
                .map(|p| {
                    (!p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
                        .then(|| p.parse::<u16>().ok().filter(|v| *v <= 255))
                        .flatten()
                        .map(|v| v as u8)
                })
                .collect::<Option<_>>()?;
            let o: [u8; 4] = o.try_into().ok()?;
            Some(
                matches!(o, [10, ..] | [127, ..] | [192, 168, ..] | [169, 254, ..])
                    || (o[0] == 172 && (16..=31).contains(&o[1]))
                    || (o[0] == 100 && (64..=127).contains(&o[1])),
            )
        }
        let pool = [
            "1", "0", "2", "5", "9", ".", "17", "25", "10", "a", "", "192", "168",
        ];
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..100_000 {
            let mut s = String::new();
            for _ in 0..(x % 9) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push_str(pool[(x % pool.len() as u64) as usize]);
            }
            assert_eq!(is_private_ipv4(&s), slow(&s), "{s}");
        }
    }
}
