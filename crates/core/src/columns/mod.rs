//! The ordered column list of the CSV report: header name, rule, and how each cell is
//! computed ([`write_cell`], in `cells`). This folder is the single source of truth for
//! spec section 2.4.

mod cells;
mod ipv4;

pub(crate) use cells::write_cell_text;
pub use cells::{write_cell, CellContext};
pub use ipv4::is_private_ipv4;

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

    /// True for the number columns, which `--excel-safe` leaves as they are (spec 2.2.1):
    /// `-1.5` there is a number, not a formula.
    pub fn is_number(self) -> bool {
        matches!(
            self,
            Column::AgeDays
                | Column::InspectorScore
                | Column::NvdCvss3Score
                | Column::NvdCvss2Score
                | Column::VendorCvss3Score
                | Column::VendorCvss2Score
                | Column::EpssScore
        )
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
}
