//! The borrowed, typed view of the `Finding` members the report reads.
//!
//! Every member is optional and lenient (see [`crate::value`]): the report is written from
//! whatever the finding has. Members the report never reads are skipped by serde without
//! being stored; in the JSON report they are kept because the finding's own bytes are
//! copied, not this view.
//!
//! The same view reads an EventBridge event: an event has `detail-type` and `detail`, and
//! the finding is the `detail` object.

use crate::model_element;
use crate::value::{Leaf, Lenient, List, Pairs};
use serde::Deserialize;
use serde_json::value::RawValue;

type L<'a> = Option<Leaf<'a>>;
type Obj<T> = Option<Lenient<T>>;
type Many<T> = Option<List<T>>;

/// One finding (or an EventBridge event around one).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Finding<'a> {
    #[serde(borrow)]
    pub aws_account_id: L<'a>,
    #[serde(borrow)]
    pub severity: L<'a>,
    #[serde(borrow)]
    pub fix_available: L<'a>,
    #[serde(borrow, rename = "type")]
    pub finding_type: L<'a>,
    #[serde(borrow)]
    pub title: L<'a>,
    #[serde(borrow)]
    pub description: L<'a>,
    #[serde(borrow)]
    pub finding_arn: L<'a>,
    #[serde(borrow)]
    pub first_observed_at: L<'a>,
    #[serde(borrow)]
    pub last_observed_at: L<'a>,
    #[serde(borrow)]
    pub updated_at: L<'a>,
    #[serde(borrow)]
    pub inspector_score: L<'a>,
    #[serde(borrow)]
    pub status: L<'a>,
    #[serde(borrow)]
    pub exploit_available: L<'a>,
    #[serde(borrow)]
    pub resources: Many<Resource<'a>>,
    #[serde(borrow)]
    pub package_vulnerability_details: Obj<Pvd<'a>>,
    #[serde(borrow)]
    pub code_vulnerability_details: Obj<Cvd<'a>>,
    #[serde(borrow)]
    pub network_reachability_details: Obj<Nrd<'a>>,
    #[serde(borrow)]
    pub remediation: Obj<Remediation<'a>>,
    #[serde(borrow)]
    pub inspector_score_details: Obj<ScoreDetails<'a>>,
    #[serde(borrow)]
    pub epss: Obj<Epss<'a>>,
    #[serde(borrow)]
    pub exploitability_details: Obj<Exploitability<'a>>,
    /// Present on EventBridge events only.
    #[serde(borrow, rename = "detail-type")]
    pub detail_type: L<'a>,
    /// The finding inside an EventBridge event.
    #[serde(borrow)]
    pub detail: Option<&'a RawValue>,
}

/// The least a finding can be decoded into: its status, and the EventBridge envelope
/// members. The JSON report uses it when only the default status rule applies.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct StatusOnly<'a> {
    #[serde(borrow)]
    pub status: L<'a>,
    #[serde(borrow, rename = "detail-type")]
    pub detail_type: L<'a>,
    #[serde(borrow)]
    pub detail: Option<&'a RawValue>,
}

/// `resources[]`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Resource<'a> {
    #[serde(borrow)]
    pub id: L<'a>,
    #[serde(borrow)]
    pub region: L<'a>,
    #[serde(borrow, rename = "type")]
    pub resource_type: L<'a>,
    #[serde(borrow)]
    pub tags: Obj<Pairs<'a>>,
    #[serde(borrow)]
    pub details: Obj<Details<'a>>,
    #[serde(borrow)]
    pub provider: L<'a>,
    #[serde(borrow)]
    pub provider_account_id: L<'a>,
    #[serde(borrow)]
    pub provider_org_id: L<'a>,
}

/// `resources[].details`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Details<'a> {
    #[serde(borrow)]
    pub aws_ec2_instance: Obj<Ec2<'a>>,
    #[serde(borrow)]
    pub aws_ecr_container_image: Obj<Ecr<'a>>,
    #[serde(borrow)]
    pub aws_lambda_function: Obj<Lambda<'a>>,
    #[serde(borrow)]
    pub vm: Obj<Vm<'a>>,
    #[serde(borrow)]
    pub image: Obj<Image<'a>>,
    #[serde(borrow)]
    pub serverless_function: Obj<Serverless<'a>>,
    #[serde(borrow)]
    pub code_repository: Obj<CodeRepository<'a>>,
}

/// `details.awsEc2Instance`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Ec2<'a> {
    #[serde(borrow)]
    pub platform: L<'a>,
    #[serde(borrow)]
    pub image_id: L<'a>,
    #[serde(borrow, rename = "ipV4Addresses")]
    pub ipv4: Many<Leaf<'a>>,
    #[serde(borrow, rename = "ipV6Addresses")]
    pub ipv6: Many<Leaf<'a>>,
    #[serde(borrow)]
    pub vpc_id: L<'a>,
    #[serde(borrow)]
    pub subnet_id: L<'a>,
}

/// `details.awsEcrContainerImage`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Ecr<'a> {
    #[serde(borrow)]
    pub platform: L<'a>,
    #[serde(borrow)]
    pub image_tags: Many<Leaf<'a>>,
    #[serde(borrow)]
    pub pushed_at: L<'a>,
    #[serde(borrow)]
    pub architecture: L<'a>,
    #[serde(borrow)]
    pub registry: L<'a>,
    #[serde(borrow)]
    pub repository_name: L<'a>,
    #[serde(borrow)]
    pub image_hash: L<'a>,
    #[serde(borrow)]
    pub last_in_use_at: L<'a>,
    #[serde(borrow)]
    pub in_use_count: L<'a>,
}

/// `details.awsLambdaFunction`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Lambda<'a> {
    #[serde(borrow)]
    pub runtime: L<'a>,
    #[serde(borrow)]
    pub vpc_config: Obj<VpcConfig<'a>>,
    #[serde(borrow)]
    pub layers: Many<Leaf<'a>>,
    #[serde(borrow)]
    pub package_type: L<'a>,
    #[serde(borrow)]
    pub last_modified_at: L<'a>,
    #[serde(borrow)]
    pub function_name: L<'a>,
    #[serde(borrow)]
    pub execution_role_arn: L<'a>,
}

/// `details.codeRepository`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct CodeRepository<'a> {
    #[serde(borrow)]
    pub project_name: L<'a>,
    #[serde(borrow)]
    pub provider_type: L<'a>,
}

/// `awsLambdaFunction.vpcConfig`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct VpcConfig<'a> {
    #[serde(borrow)]
    pub vpc_id: L<'a>,
}

/// `details.vm` (multicloud).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Vm<'a> {
    #[serde(borrow)]
    pub platform: L<'a>,
    #[serde(borrow, rename = "ipV4Addresses")]
    pub ipv4: Many<Leaf<'a>>,
    #[serde(borrow, rename = "ipV6Addresses")]
    pub ipv6: Many<Leaf<'a>>,
    #[serde(borrow)]
    pub network_id: L<'a>,
    #[serde(borrow)]
    pub vm_image_reference: L<'a>,
    #[serde(borrow)]
    pub subnet_ids: Many<Leaf<'a>>,
}

/// `details.image` (multicloud).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Image<'a> {
    #[serde(borrow)]
    pub platform: L<'a>,
    #[serde(borrow)]
    pub image_tags: Many<Leaf<'a>>,
    #[serde(borrow)]
    pub repository_name: L<'a>,
    #[serde(borrow)]
    pub registry: L<'a>,
    #[serde(borrow)]
    pub image_digest: L<'a>,
    #[serde(borrow)]
    pub pushed_at: L<'a>,
    #[serde(borrow)]
    pub architecture: L<'a>,
    #[serde(borrow)]
    pub last_in_use_at: L<'a>,
    #[serde(borrow)]
    pub in_use_count: L<'a>,
}

/// `details.serverlessFunction` (multicloud).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Serverless<'a> {
    #[serde(borrow)]
    pub runtime: L<'a>,
    #[serde(borrow)]
    pub layers: Many<Leaf<'a>>,
    #[serde(borrow)]
    pub package_type: L<'a>,
    #[serde(borrow)]
    pub last_modified_at: L<'a>,
    #[serde(borrow)]
    pub serverless_function_name: L<'a>,
    #[serde(borrow)]
    pub execution_role: L<'a>,
}

/// `packageVulnerabilityDetails`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Pvd<'a> {
    #[serde(borrow)]
    pub vulnerability_id: L<'a>,
    #[serde(borrow)]
    pub source: L<'a>,
    #[serde(borrow)]
    pub vendor_severity: L<'a>,
    #[serde(borrow)]
    pub source_url: L<'a>,
    #[serde(borrow)]
    pub vendor_created_at: L<'a>,
    #[serde(borrow)]
    pub cvss: Many<Cvss<'a>>,
    #[serde(borrow)]
    pub reference_urls: Many<Leaf<'a>>,
    #[serde(borrow)]
    pub vulnerable_packages: Many<Package<'a>>,
    #[serde(borrow)]
    pub related_vulnerabilities: Many<Leaf<'a>>,
}

/// `packageVulnerabilityDetails.cvss[]`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Cvss<'a> {
    #[serde(borrow)]
    pub base_score: L<'a>,
    #[serde(borrow)]
    pub scoring_vector: L<'a>,
    #[serde(borrow)]
    pub source: L<'a>,
    #[serde(borrow)]
    pub version: L<'a>,
}

/// `packageVulnerabilityDetails.vulnerablePackages[]`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Package<'a> {
    #[serde(borrow)]
    pub name: L<'a>,
    #[serde(borrow)]
    pub version: L<'a>,
    #[serde(borrow)]
    pub epoch: L<'a>,
    #[serde(borrow)]
    pub release: L<'a>,
    #[serde(borrow)]
    pub fixed_in_version: L<'a>,
    #[serde(borrow)]
    pub remediation: L<'a>,
    #[serde(borrow)]
    pub file_path: L<'a>,
    #[serde(borrow)]
    pub package_manager: L<'a>,
    #[serde(borrow)]
    pub arch: L<'a>,
    #[serde(borrow)]
    pub source_layer_hash: L<'a>,
    #[serde(borrow)]
    pub source_lambda_layer_arn: L<'a>,
}

/// `codeVulnerabilityDetails`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Cvd<'a> {
    #[serde(borrow)]
    pub file_path: Obj<CodeFilePath<'a>>,
    #[serde(borrow)]
    pub cwes: Many<Leaf<'a>>,
    #[serde(borrow)]
    pub reference_urls: Many<Leaf<'a>>,
    #[serde(borrow)]
    pub detector_name: L<'a>,
    #[serde(borrow)]
    pub detector_tags: Many<Leaf<'a>>,
}

/// `codeVulnerabilityDetails.filePath`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct CodeFilePath<'a> {
    #[serde(borrow)]
    pub file_path: L<'a>,
}

/// `networkReachabilityDetails`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Nrd<'a> {
    #[serde(borrow)]
    pub network_path: Obj<NetworkPath<'a>>,
    #[serde(borrow)]
    pub open_port_range: Obj<PortRange<'a>>,
    #[serde(borrow)]
    pub protocol: L<'a>,
}

/// `networkReachabilityDetails.networkPath`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct NetworkPath<'a> {
    #[serde(borrow)]
    pub steps: Many<Step<'a>>,
}

/// `networkPath.steps[]`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Step<'a> {
    #[serde(borrow)]
    pub component_id: L<'a>,
    #[serde(borrow)]
    pub component_type: L<'a>,
}

/// `networkReachabilityDetails.openPortRange`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct PortRange<'a> {
    #[serde(borrow)]
    pub begin: L<'a>,
    #[serde(borrow)]
    pub end: L<'a>,
}

/// `remediation`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Remediation<'a> {
    #[serde(borrow)]
    pub recommendation: Obj<Recommendation<'a>>,
}

/// `remediation.recommendation`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Recommendation<'a> {
    #[serde(borrow)]
    pub text: L<'a>,
}

/// `inspectorScoreDetails`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ScoreDetails<'a> {
    #[serde(borrow)]
    pub adjusted_cvss: Obj<AdjustedCvss<'a>>,
}

/// `inspectorScoreDetails.adjustedCvss`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct AdjustedCvss<'a> {
    #[serde(borrow)]
    pub scoring_vector: L<'a>,
}

/// `epss`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Epss<'a> {
    #[serde(borrow)]
    pub score: L<'a>,
}

/// `exploitabilityDetails`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Exploitability<'a> {
    #[serde(borrow)]
    pub last_known_exploit_at: L<'a>,
}

model_element!(
    Finding,
    Resource,
    Details,
    Ec2,
    Ecr,
    Lambda,
    CodeRepository,
    VpcConfig,
    Vm,
    Image,
    Serverless,
    Pvd,
    Cvss,
    Package,
    Cvd,
    CodeFilePath,
    Nrd,
    NetworkPath,
    Step,
    PortRange,
    Remediation,
    Recommendation,
    ScoreDetails,
    AdjustedCvss,
    Epss,
    Exploitability,
);

/// Helpers to walk optional, lenient members without a ladder of `if let`.
pub trait OptExt<T> {
    /// The object, when present and of the right type.
    fn obj(&self) -> Option<&T>;
}

impl<T> OptExt<T> for Option<Lenient<T>> {
    #[inline]
    fn obj(&self) -> Option<&T> {
        self.as_ref().and_then(|l| l.get())
    }
}

/// The elements of an optional list (empty when absent).
#[inline]
pub fn items<T>(l: &Option<List<T>>) -> &[T] {
    match l {
        Some(l) => &l.0,
        None => &[],
    }
}

impl<'a> Finding<'a> {
    /// The resources, in order.
    pub fn resources(&self) -> &[Resource<'a>] {
        items(&self.resources)
    }

    /// `packageVulnerabilityDetails`, when present.
    pub fn pvd(&self) -> Option<&Pvd<'a>> {
        self.package_vulnerability_details.obj()
    }

    /// `codeVulnerabilityDetails`, when present.
    pub fn cvd(&self) -> Option<&Cvd<'a>> {
        self.code_vulnerability_details.obj()
    }

    /// The vulnerable packages, in order.
    pub fn packages(&self) -> &[Package<'a>] {
        self.pvd()
            .map(|p| items(&p.vulnerable_packages))
            .unwrap_or(&[])
    }

    /// True for an EventBridge event (it has `detail-type`).
    pub fn is_event(&self) -> bool {
        self.detail_type.is_some()
    }
}

impl<'a> Finding<'a> {
    /// `networkReachabilityDetails`, when present.
    pub fn nrd(&self) -> Option<&Nrd<'a>> {
        self.network_reachability_details.obj()
    }
}

impl<'a> Resource<'a> {
    /// `details`, when present.
    pub fn details(&self) -> Option<&Details<'a>> {
        self.details.obj()
    }
}
