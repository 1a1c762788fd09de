//! The ordered column list of the CSV report: header name, rule, and how each cell is
//! computed. This file is the single source of truth for spec section 2.4.

use crate::finding::{items, Finding, OptExt, Package, Pvd, Resource};
use crate::stats::Warnings;
use crate::timestamp;
use crate::value::{Leaf, LeafKind};
use std::borrow::Cow;

macro_rules! columns {
    ($($variant:ident = $name:literal : $rule:literal,)*) => {
        /// One column of the CSV report.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum Column { $($variant,)* }

        impl Column {
            /// Every column in the order of the `inspector` layout.
            pub const ALL: &'static [Column] = &[$(Column::$variant,)*];

            /// The exact header name.
            pub fn name(self) -> &'static str {
                match self { $(Column::$variant => $name,)* }
            }

            /// The spec's one-line rule for the cell.
            pub fn rule(self) -> &'static str {
                match self { $(Column::$variant => $rule,)* }
            }
        }
    };
}

columns! {
    AwsAccountId = "AWS Account Id": "awsAccountId",
    Severity = "Severity": "severity",
    FixAvailable = "Fix Available": "fixAvailable",
    FindingType = "Finding Type": "type, as the enum text",
    Title = "Title": "title",
    Description = "Description": "description",
    FindingArn = "Finding ARN": "findingArn",
    FirstSeen = "First Seen": "firstObservedAt, timestamp",
    LastSeen = "Last Seen": "lastObservedAt, timestamp",
    LastUpdated = "Last Updated": "updatedAt, timestamp",
    ResourceId = "Resource ID": "resources[].id, per resource",
    ContainerImageTags = "Container Image Tags": "details.awsEcrContainerImage.imageTags, then details.image.imageTags, all resources",
    Region = "Region": "resources[].region, per resource",
    Platform = "Platform": "first present of awsEc2Instance.platform, awsEcrContainerImage.platform, awsLambdaFunction.runtime, vm.platform, image.platform, serverlessFunction.runtime, per resource",
    ResourceTags = "Resource Tags": "each tag of resources[].tags as key:value",
    AffectedPackages = "Affected Packages": "vulnerablePackages[].name, per package",
    PackageInstalledVersion = "Package Installed Version": "epoch:version-release when release is present (epoch 0 when absent), else version, per package",
    FixedInVersion = "Fixed in Version": "vulnerablePackages[].fixedInVersion, per package",
    PackageRemediation = "Package Remediation": "vulnerablePackages[].remediation, per package",
    FilePath = "File Path": "vulnerablePackages[].filePath, per package; without packages codeVulnerabilityDetails.filePath.filePath",
    NetworkPaths = "Network Paths": "networkReachabilityDetails.networkPath.steps[].componentId joined with ' > '",
    AgeDays = "Age (Days)": "whole days from firstObservedAt to the report time, never below 0",
    Remediation = "Remediation": "remediation.recommendation.text",
    InspectorScore = "Inspector Score": "inspectorScore",
    InspectorScoreVector = "Inspector Score Vector": "inspectorScoreDetails.adjustedCvss.scoringVector",
    Status = "Status": "status",
    VulnerabilityId = "Vulnerability Id": "packageVulnerabilityDetails.vulnerabilityId; without it codeVulnerabilityDetails.cwes",
    Vendor = "Vendor": "packageVulnerabilityDetails.source",
    VendorSeverity = "Vendor Severity": "packageVulnerabilityDetails.vendorSeverity",
    VendorAdvisory = "Vendor Advisory": "packageVulnerabilityDetails.sourceUrl",
    VendorAdvisoryPublished = "Vendor Advisory Published": "packageVulnerabilityDetails.vendorCreatedAt, timestamp",
    NvdCvss3Score = "NVD CVSS3 Score": "baseScore of the cvss entry with source NVD and version 3.x (highest version)",
    NvdCvss3Vector = "NVD CVSS3 Vector": "scoringVector of the cvss entry with source NVD and version 3.x",
    NvdCvss2Score = "NVD CVSS2 Score": "baseScore of the cvss entry with source NVD and version 2.x",
    NvdCvss2Vector = "NVD CVSS2 Vector": "scoringVector of the cvss entry with source NVD and version 2.x",
    VendorCvss3Score = "Vendor CVSS3 Score": "baseScore of the cvss entry whose source is the finding's vendor and version 3.x",
    VendorCvss3Vector = "Vendor CVSS3 Vector": "scoringVector of the vendor's cvss entry with version 3.x",
    VendorCvss2Score = "Vendor CVSS2 Score": "baseScore of the vendor's cvss entry with version 2.x",
    VendorCvss2Vector = "Vendor CVSS2 Vector": "scoringVector of the vendor's cvss entry with version 2.x",
    ResourceType = "Resource Type": "resources[].type, per resource",
    Ami = "Ami": "details.awsEc2Instance.imageId, per resource",
    ResourcePublicIpv4 = "Resource Public Ipv4": "awsEc2Instance.ipV4Addresses and vm.ipV4Addresses outside the private ranges",
    ResourcePrivateIpv4 = "Resource Private Ipv4": "ipV4Addresses in 10/8, 172.16/12, 192.168/16, 100.64/10, 169.254/16 or 127/8",
    ResourceIpv6 = "Resource Ipv6": "awsEc2Instance.ipV6Addresses, then vm.ipV6Addresses",
    ResourceVpc = "Resource Vpc": "first present of awsEc2Instance.vpcId, awsLambdaFunction.vpcConfig.vpcId, vm.networkId, per resource",
    PortRange = "Port Range": "networkReachabilityDetails.openPortRange as begin-end",
    EpssScore = "Epss Score": "epss.score",
    ExploitAvailable = "Exploit Available": "exploitAvailable",
    LastExploitedAt = "Last Exploited At": "exploitabilityDetails.lastKnownExploitAt, timestamp",
    LambdaLayers = "Lambda Layers": "awsLambdaFunction.layers, then serverlessFunction.layers, all resources",
    LambdaPackageType = "Lambda Package Type": "awsLambdaFunction.packageType, else serverlessFunction.packageType, per resource",
    LambdaLastUpdatedAt = "Lambda Last Updated At": "awsLambdaFunction.lastModifiedAt, else serverlessFunction.lastModifiedAt, timestamp, per resource",
    ReferenceUrls = "Reference Urls": "packageVulnerabilityDetails.referenceUrls; without it codeVulnerabilityDetails.referenceUrls",
    DetectorName = "Detector Name": "codeVulnerabilityDetails.detectorName",
    PackageManager = "Package Manager": "vulnerablePackages[].packageManager, per package",
}

/// A named set of columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// The 55 columns of real Inspector exports since 2024 (the default).
    Inspector,
    /// The 52 columns of the Inspector user guide's sample header.
    Documented,
}

impl Layout {
    /// The layout's columns, in order.
    pub fn columns(self) -> Vec<Column> {
        match self {
            Layout::Inspector => Column::ALL.to_vec(),
            Layout::Documented => Column::ALL
                .iter()
                .copied()
                .filter(|c| {
                    !matches!(
                        c,
                        Column::EpssScore | Column::DetectorName | Column::PackageManager
                    )
                })
                .collect(),
        }
    }
}

impl Column {
    /// The column with this exact header name.
    pub fn from_name(name: &str) -> Option<Column> {
        Column::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// Parses a comma-separated list of header names. On an unknown name, the error is
    /// that name.
    pub fn parse_list(list: &str) -> Result<Vec<Column>, String> {
        list.split(',')
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
            .map(|n| Column::from_name(n).ok_or_else(|| n.to_string()))
            .collect()
    }
}

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
        LeafKind::Composite => w.not_a_value += 1,
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
        }
        _ => {
            if let Some(t) = v.text() {
                match timestamp::parse(&t) {
                    Some(ms) => timestamp::render(ms, out),
                    None => {
                        w.timestamp += 1;
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

/// The first present (non-null) of several optional leaves.
fn first_present<'x, 'a>(
    vals: impl IntoIterator<Item = Option<&'x Leaf<'a>>>,
) -> Option<&'x Leaf<'a>>
where
    'a: 'x,
{
    vals.into_iter().flatten().next()
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
fn chosen_cvss<'p, 'a>(pvd: &'p Pvd<'a>, pick: CvssPick) -> Option<&'p crate::finding::Cvss<'a>> {
    let (source, major): (Cow<str>, u8) = match pick {
        CvssPick::Nvd3 => (Cow::Borrowed("NVD"), b'3'),
        CvssPick::Nvd2 => (Cow::Borrowed("NVD"), b'2'),
        CvssPick::Vendor3 => (pvd.source.as_ref()?.str_or_num()?, b'3'),
        CvssPick::Vendor2 => (pvd.source.as_ref()?.str_or_num()?, b'2'),
    };
    let mut best: Option<(&crate::finding::Cvss, Cow<str>)> = None;
    for c in items(&pvd.cvss) {
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
        let ec2 = d.aws_ec2_instance.obj().map(|e| items(&e.ipv4));
        let vm = d.vm.obj().map(|v| items(&v.ipv4));
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
    let pvd = f.pvd();
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
        C::ContainerImageTags => {
            let mut j = Joiner::new(out, b",");
            for r in res {
                let Some(d) = r.details() else { continue };
                if let Some(e) = d.aws_ecr_container_image.obj() {
                    j.leaves(items(&e.image_tags), w);
                }
                if let Some(i) = d.image.obj() {
                    j.leaves(items(&i.image_tags), w);
                }
            }
        }
        C::Region => per_entry(out, res, w, |o, r, w| leaf(o, r.region.as_ref(), w)),
        C::Platform => per_entry(out, res, w, |o, r, w| {
            let d = r.details();
            let v = first_present([
                d.and_then(|d| d.aws_ec2_instance.obj())
                    .and_then(|x| x.platform.as_ref()),
                d.and_then(|d| d.aws_ecr_container_image.obj())
                    .and_then(|x| x.platform.as_ref()),
                d.and_then(|d| d.aws_lambda_function.obj())
                    .and_then(|x| x.runtime.as_ref()),
                d.and_then(|d| d.vm.obj()).and_then(|x| x.platform.as_ref()),
                d.and_then(|d| d.image.obj())
                    .and_then(|x| x.platform.as_ref()),
                d.and_then(|d| d.serverless_function.obj())
                    .and_then(|x| x.runtime.as_ref()),
            ]);
            leaf(o, v, w)
        }),
        C::ResourceTags => {
            let mut j = Joiner::new(out, b",");
            for r in res {
                let Some(tags) = r.tags.obj() else { continue };
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
                    .cvd()
                    .and_then(|c| c.file_path.obj())
                    .and_then(|p| p.file_path.as_ref());
                leaf(out, v, w)
            } else {
                per_entry(out, pkgs, w, |o, p, w| leaf(o, p.file_path.as_ref(), w))
            }
        }
        C::NetworkPaths => {
            let steps = f
                .network_reachability_details
                .obj()
                .and_then(|n| n.network_path.obj())
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
                .obj()
                .and_then(|r| r.recommendation.obj())
                .and_then(|r| r.text.as_ref());
            leaf(out, v, w)
        }
        C::InspectorScore => leaf(out, f.inspector_score.as_ref(), w),
        C::InspectorScoreVector => {
            let v = f
                .inspector_score_details
                .obj()
                .and_then(|d| d.adjusted_cvss.obj())
                .and_then(|a| a.scoring_vector.as_ref());
            leaf(out, v, w)
        }
        C::Status => leaf(out, f.status.as_ref(), w),
        C::VulnerabilityId => match pvd {
            Some(p) => leaf(out, p.vulnerability_id.as_ref(), w),
            None => {
                if let Some(c) = f.cvd() {
                    Joiner::new(out, b",").leaves(items(&c.cwes), w);
                }
            }
        },
        C::Vendor => leaf(out, pvd.and_then(|p| p.source.as_ref()), w),
        C::VendorSeverity => leaf(out, pvd.and_then(|p| p.vendor_severity.as_ref()), w),
        C::VendorAdvisory => leaf(out, pvd.and_then(|p| p.source_url.as_ref()), w),
        C::VendorAdvisoryPublished => ts(out, pvd.and_then(|p| p.vendor_created_at.as_ref()), w),
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
            if let Some(c) = pvd.and_then(|p| chosen_cvss(p, pick)) {
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
                .and_then(|d| d.aws_ec2_instance.obj())
                .and_then(|e| e.image_id.as_ref());
            leaf(o, v, w)
        }),
        C::ResourcePublicIpv4 => ipv4(out, res, false, w),
        C::ResourcePrivateIpv4 => ipv4(out, res, true, w),
        C::ResourceIpv6 => {
            let mut j = Joiner::new(out, b",");
            for r in res {
                let Some(d) = r.details() else { continue };
                if let Some(e) = d.aws_ec2_instance.obj() {
                    j.leaves(items(&e.ipv6), w);
                }
                if let Some(v) = d.vm.obj() {
                    j.leaves(items(&v.ipv6), w);
                }
            }
        }
        C::ResourceVpc => per_entry(out, res, w, |o, r, w| {
            let d = r.details();
            let v = first_present([
                d.and_then(|d| d.aws_ec2_instance.obj())
                    .and_then(|x| x.vpc_id.as_ref()),
                d.and_then(|d| d.aws_lambda_function.obj())
                    .and_then(|x| x.vpc_config.obj())
                    .and_then(|x| x.vpc_id.as_ref()),
                d.and_then(|d| d.vm.obj())
                    .and_then(|x| x.network_id.as_ref()),
            ]);
            leaf(o, v, w)
        }),
        C::PortRange => {
            let r = f
                .network_reachability_details
                .obj()
                .and_then(|n| n.open_port_range.obj());
            if let Some(r) = r {
                if r.begin.is_some() || r.end.is_some() {
                    leaf(out, r.begin.as_ref(), w);
                    out.push(b'-');
                    leaf(out, r.end.as_ref(), w);
                }
            }
        }
        C::EpssScore => leaf(out, f.epss.obj().and_then(|e| e.score.as_ref()), w),
        C::ExploitAvailable => leaf(out, f.exploit_available.as_ref(), w),
        C::LastExploitedAt => ts(
            out,
            f.exploitability_details
                .obj()
                .and_then(|e| e.last_known_exploit_at.as_ref()),
            w,
        ),
        C::LambdaLayers => {
            let mut j = Joiner::new(out, b",");
            for r in res {
                let Some(d) = r.details() else { continue };
                if let Some(l) = d.aws_lambda_function.obj() {
                    j.leaves(items(&l.layers), w);
                }
                if let Some(s) = d.serverless_function.obj() {
                    j.leaves(items(&s.layers), w);
                }
            }
        }
        C::LambdaPackageType => per_entry(out, res, w, |o, r, w| {
            let d = r.details();
            let v = first_present([
                d.and_then(|d| d.aws_lambda_function.obj())
                    .and_then(|x| x.package_type.as_ref()),
                d.and_then(|d| d.serverless_function.obj())
                    .and_then(|x| x.package_type.as_ref()),
            ]);
            leaf(o, v, w)
        }),
        C::LambdaLastUpdatedAt => per_entry(out, res, w, |o, r, w| {
            let d = r.details();
            let v = first_present([
                d.and_then(|d| d.aws_lambda_function.obj())
                    .and_then(|x| x.last_modified_at.as_ref()),
                d.and_then(|d| d.serverless_function.obj())
                    .and_then(|x| x.last_modified_at.as_ref()),
            ]);
            ts(o, v, w)
        }),
        C::ReferenceUrls => {
            let urls = match pvd {
                Some(p) => items(&p.reference_urls),
                None => f.cvd().map(|c| items(&c.reference_urls)).unwrap_or(&[]),
            };
            Joiner::new(out, b",").leaves(urls, w);
        }
        C::DetectorName => leaf(out, f.cvd().and_then(|c| c.detector_name.as_ref()), w),
        C::PackageManager => per_entry(out, pkgs, w, |o, p, w| {
            leaf(o, p.package_manager.as_ref(), w)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_have_the_spec_headers() {
        let inspector: Vec<_> = Layout::Inspector
            .columns()
            .iter()
            .map(|c| c.name())
            .collect();
        assert_eq!(inspector.len(), 55);
        assert_eq!(
            inspector.join(","),
            "AWS Account Id,Severity,Fix Available,Finding Type,Title,Description,Finding ARN,First Seen,Last Seen,Last Updated,Resource ID,Container Image Tags,Region,Platform,Resource Tags,Affected Packages,Package Installed Version,Fixed in Version,Package Remediation,File Path,Network Paths,Age (Days),Remediation,Inspector Score,Inspector Score Vector,Status,Vulnerability Id,Vendor,Vendor Severity,Vendor Advisory,Vendor Advisory Published,NVD CVSS3 Score,NVD CVSS3 Vector,NVD CVSS2 Score,NVD CVSS2 Vector,Vendor CVSS3 Score,Vendor CVSS3 Vector,Vendor CVSS2 Score,Vendor CVSS2 Vector,Resource Type,Ami,Resource Public Ipv4,Resource Private Ipv4,Resource Ipv6,Resource Vpc,Port Range,Epss Score,Exploit Available,Last Exploited At,Lambda Layers,Lambda Package Type,Lambda Last Updated At,Reference Urls,Detector Name,Package Manager"
        );
        let documented = Layout::Documented.columns();
        assert_eq!(documented.len(), 52);
        assert!(!documented.contains(&Column::EpssScore));
    }

    #[test]
    fn names_parse_exactly() {
        assert_eq!(
            Column::parse_list("Severity, Ami,Fixed in Version").unwrap(),
            vec![Column::Severity, Column::Ami, Column::FixedInVersion]
        );
        assert_eq!(
            Column::parse_list("Fixed In Version").unwrap_err(),
            "Fixed In Version"
        );
    }

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
