//! The borrowed, typed view of the `Finding` members the report reads.
//!
//! Every member is optional and lenient (see [`crate::value`]): the report is written from
//! whatever the finding has. Members the report never reads are skipped without being
//! stored; in the JSON report they are kept because the finding's own bytes are copied,
//! not this view. A member given twice (valid JSON, if unusual) takes its last value, as
//! serde_json's own `Value` does, instead of failing the finding.
//!
//! The same view reads an EventBridge event: an event has `detail-type` and `detail`, and
//! the finding is the `detail` object.

use crate::value::{Leaf, Lenient, List, Pairs};
use crate::{model_element, view};

type L<'a> = Option<Leaf<'a>>;
type Obj<T> = Option<Lenient<T>>;
type Many<T> = Option<List<T>>;

view! {
    /// One finding (or an EventBridge event around one).
    pub struct Finding<'a> {
        aws_account_id: L<'a> = "awsAccountId",
        severity: L<'a> = "severity",
        fix_available: L<'a> = "fixAvailable",
        finding_type: L<'a> = "type",
        title: L<'a> = "title",
        description: L<'a> = "description",
        finding_arn: L<'a> = "findingArn",
        first_observed_at: L<'a> = "firstObservedAt",
        last_observed_at: L<'a> = "lastObservedAt",
        updated_at: L<'a> = "updatedAt",
        inspector_score: L<'a> = "inspectorScore",
        status: L<'a> = "status",
        exploit_available: L<'a> = "exploitAvailable",
        resources: Many<Resource<'a>> = "resources",
        package_vulnerability_details: Obj<Pvd<'a>> = "packageVulnerabilityDetails",
        code_vulnerability_details: Obj<Cvd<'a>> = "codeVulnerabilityDetails",
        network_reachability_details: Obj<Nrd<'a>> = "networkReachabilityDetails",
        remediation: Obj<Remediation<'a>> = "remediation",
        inspector_score_details: Obj<ScoreDetails<'a>> = "inspectorScoreDetails",
        epss: Obj<Epss<'a>> = "epss",
        exploitability_details: Obj<Exploitability<'a>> = "exploitabilityDetails",
        /// Present on EventBridge events only.
        detail_type: L<'a> = "detail-type",
        /// The finding inside an EventBridge event.
        detail: L<'a> = "detail",
    }
}

view! {
    /// The least a finding can be decoded into: its status, and the EventBridge envelope
    /// members. The JSON report uses it when only the default status rule applies.
    pub struct StatusOnly<'a> {
        status: L<'a> = "status",
        detail_type: L<'a> = "detail-type",
        detail: L<'a> = "detail",
    }
}

view! {
    /// `resources[]`.
    pub struct Resource<'a> {
        id: L<'a> = "id",
        region: L<'a> = "region",
        resource_type: L<'a> = "type",
        tags: Obj<Pairs<'a>> = "tags",
        details: Obj<Details<'a>> = "details",
        provider: L<'a> = "provider",
        provider_account_id: L<'a> = "providerAccountId",
        provider_org_id: L<'a> = "providerOrgId",
    }
}

view! {
    /// `resources[].details`.
    pub struct Details<'a> {
        aws_ec2_instance: Obj<Ec2<'a>> = "awsEc2Instance",
        aws_ecr_container_image: Obj<Ecr<'a>> = "awsEcrContainerImage",
        aws_lambda_function: Obj<Lambda<'a>> = "awsLambdaFunction",
        vm: Obj<Vm<'a>> = "vm",
        image: Obj<Image<'a>> = "image",
        serverless_function: Obj<Serverless<'a>> = "serverlessFunction",
        code_repository: Obj<CodeRepository<'a>> = "codeRepository",
    }
}

view! {
    /// `details.awsEc2Instance`.
    pub struct Ec2<'a> {
        platform: L<'a> = "platform",
        image_id: L<'a> = "imageId",
        ipv4: Many<Leaf<'a>> = "ipV4Addresses",
        ipv6: Many<Leaf<'a>> = "ipV6Addresses",
        vpc_id: L<'a> = "vpcId",
        subnet_id: L<'a> = "subnetId",
    }
}

view! {
    /// `details.awsEcrContainerImage`.
    pub struct Ecr<'a> {
        platform: L<'a> = "platform",
        image_tags: Many<Leaf<'a>> = "imageTags",
        pushed_at: L<'a> = "pushedAt",
        architecture: L<'a> = "architecture",
        registry: L<'a> = "registry",
        repository_name: L<'a> = "repositoryName",
        image_hash: L<'a> = "imageHash",
        last_in_use_at: L<'a> = "lastInUseAt",
        in_use_count: L<'a> = "inUseCount",
    }
}

view! {
    /// `details.awsLambdaFunction`.
    pub struct Lambda<'a> {
        runtime: L<'a> = "runtime",
        vpc_config: Obj<VpcConfig<'a>> = "vpcConfig",
        layers: Many<Leaf<'a>> = "layers",
        package_type: L<'a> = "packageType",
        last_modified_at: L<'a> = "lastModifiedAt",
        function_name: L<'a> = "functionName",
        execution_role_arn: L<'a> = "executionRoleArn",
    }
}

view! {
    /// `details.codeRepository`.
    pub struct CodeRepository<'a> {
        project_name: L<'a> = "projectName",
        provider_type: L<'a> = "providerType",
    }
}

view! {
    /// `awsLambdaFunction.vpcConfig`.
    pub struct VpcConfig<'a> {
        vpc_id: L<'a> = "vpcId",
    }
}

view! {
    /// `details.vm` (multicloud).
    pub struct Vm<'a> {
        platform: L<'a> = "platform",
        ipv4: Many<Leaf<'a>> = "ipV4Addresses",
        ipv6: Many<Leaf<'a>> = "ipV6Addresses",
        network_id: L<'a> = "networkId",
        vm_image_reference: L<'a> = "vmImageReference",
        subnet_ids: Many<Leaf<'a>> = "subnetIds",
    }
}

view! {
    /// `details.image` (multicloud).
    pub struct Image<'a> {
        platform: L<'a> = "platform",
        image_tags: Many<Leaf<'a>> = "imageTags",
        repository_name: L<'a> = "repositoryName",
        registry: L<'a> = "registry",
        image_digest: L<'a> = "imageDigest",
        pushed_at: L<'a> = "pushedAt",
        architecture: L<'a> = "architecture",
        last_in_use_at: L<'a> = "lastInUseAt",
        in_use_count: L<'a> = "inUseCount",
    }
}

view! {
    /// `details.serverlessFunction` (multicloud).
    pub struct Serverless<'a> {
        runtime: L<'a> = "runtime",
        layers: Many<Leaf<'a>> = "layers",
        package_type: L<'a> = "packageType",
        last_modified_at: L<'a> = "lastModifiedAt",
        serverless_function_name: L<'a> = "serverlessFunctionName",
        execution_role: L<'a> = "executionRole",
    }
}

view! {
    /// `packageVulnerabilityDetails`.
    pub struct Pvd<'a> {
        vulnerability_id: L<'a> = "vulnerabilityId",
        source: L<'a> = "source",
        vendor_severity: L<'a> = "vendorSeverity",
        source_url: L<'a> = "sourceUrl",
        vendor_created_at: L<'a> = "vendorCreatedAt",
        cvss: Many<Cvss<'a>> = "cvss",
        reference_urls: Many<Leaf<'a>> = "referenceUrls",
        vulnerable_packages: Many<Package<'a>> = "vulnerablePackages",
        related_vulnerabilities: Many<Leaf<'a>> = "relatedVulnerabilities",
    }
}

view! {
    /// `packageVulnerabilityDetails.cvss[]`.
    pub struct Cvss<'a> {
        base_score: L<'a> = "baseScore",
        scoring_vector: L<'a> = "scoringVector",
        source: L<'a> = "source",
        version: L<'a> = "version",
    }
}

view! {
    /// `packageVulnerabilityDetails.vulnerablePackages[]`.
    pub struct Package<'a> {
        name: L<'a> = "name",
        version: L<'a> = "version",
        epoch: L<'a> = "epoch",
        release: L<'a> = "release",
        fixed_in_version: L<'a> = "fixedInVersion",
        remediation: L<'a> = "remediation",
        file_path: L<'a> = "filePath",
        package_manager: L<'a> = "packageManager",
        arch: L<'a> = "arch",
        source_layer_hash: L<'a> = "sourceLayerHash",
        source_lambda_layer_arn: L<'a> = "sourceLambdaLayerArn",
    }
}

view! {
    /// `codeVulnerabilityDetails`.
    pub struct Cvd<'a> {
        file_path: Obj<CodeFilePath<'a>> = "filePath",
        cwes: Many<Leaf<'a>> = "cwes",
        reference_urls: Many<Leaf<'a>> = "referenceUrls",
        detector_name: L<'a> = "detectorName",
        detector_tags: Many<Leaf<'a>> = "detectorTags",
    }
}

view! {
    /// `codeVulnerabilityDetails.filePath`.
    pub struct CodeFilePath<'a> {
        file_path: L<'a> = "filePath",
    }
}

view! {
    /// `networkReachabilityDetails`.
    pub struct Nrd<'a> {
        network_path: Obj<NetworkPath<'a>> = "networkPath",
        open_port_range: Obj<PortRange<'a>> = "openPortRange",
        protocol: L<'a> = "protocol",
    }
}

view! {
    /// `networkReachabilityDetails.networkPath`.
    pub struct NetworkPath<'a> {
        steps: Many<Step<'a>> = "steps",
    }
}

view! {
    /// `networkPath.steps[]`.
    pub struct Step<'a> {
        component_id: L<'a> = "componentId",
        component_type: L<'a> = "componentType",
    }
}

view! {
    /// `networkReachabilityDetails.openPortRange`.
    pub struct PortRange<'a> {
        begin: L<'a> = "begin",
        end: L<'a> = "end",
    }
}

view! {
    /// `remediation`.
    pub struct Remediation<'a> {
        recommendation: Obj<Recommendation<'a>> = "recommendation",
    }
}

view! {
    /// `remediation.recommendation`.
    pub struct Recommendation<'a> {
        text: L<'a> = "text",
    }
}

view! {
    /// `inspectorScoreDetails`.
    pub struct ScoreDetails<'a> {
        adjusted_cvss: Obj<AdjustedCvss<'a>> = "adjustedCvss",
    }
}

view! {
    /// `inspectorScoreDetails.adjustedCvss`.
    pub struct AdjustedCvss<'a> {
        scoring_vector: L<'a> = "scoringVector",
    }
}

view! {
    /// `epss`.
    pub struct Epss<'a> {
        score: L<'a> = "score",
    }
}

view! {
    /// `exploitabilityDetails`.
    pub struct Exploitability<'a> {
        last_known_exploit_at: L<'a> = "lastKnownExploitAt",
    }
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
