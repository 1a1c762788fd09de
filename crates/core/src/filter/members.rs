//! Spec Appendix A: the 65 members of `FilterCriteria`, their filter kinds, and the
//! finding attributes they test. This table is the single source of truth for filters.

use crate::decode::finding::{items, Details, Finding, OptionalObject, Resource};
use crate::decode::value::Leaf;

/// The kind of filter objects a member takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `StringFilter`: `{comparison, value}`.
    String,
    /// `DateFilter`: `{startInclusive, endInclusive}`.
    Date,
    /// `NumberFilter`: `{lowerInclusive, upperInclusive}`.
    Number,
    /// `MapFilter`: `{comparison, key, value}`.
    Map,
    /// `PortRangeFilter`: `{beginInclusive, endInclusive}`.
    PortRange,
    /// `PackageFilter`: sub-filters of one package.
    Package,
}

impl Kind {
    /// The API's name for the filter shape, for messages.
    pub fn shape(self) -> &'static str {
        match self {
            Kind::String => "StringFilter objects {\"comparison\": EQUALS|PREFIX|NOT_EQUALS, \"value\": ...}",
            Kind::Date => "DateFilter objects {\"startInclusive\": ..., \"endInclusive\": ...}",
            Kind::Number => "NumberFilter objects {\"lowerInclusive\": ..., \"upperInclusive\": ...}",
            Kind::Map => "MapFilter objects {\"comparison\": \"EQUALS\", \"key\": ..., \"value\": ...}",
            Kind::PortRange => "PortRangeFilter objects {\"beginInclusive\": ..., \"endInclusive\": ...}",
            Kind::Package => "PackageFilter objects {\"name\": StringFilter, \"version\": ..., \"epoch\": NumberFilter, ...}",
        }
    }
}

macro_rules! members {
    ($($v:ident = $name:literal : $kind:ident,)*) => {
        /// One member of `FilterCriteria`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum Member { $($v,)* }

        impl Member {
            /// Every member, in the order of spec Appendix A.
            pub const ALL: &'static [Member] = &[$(Member::$v,)*];

            /// The member's name in the JSON document.
            pub fn name(self) -> &'static str {
                match self { $(Member::$v => $name,)* }
            }

            /// The filters it takes.
            pub fn kind(self) -> Kind {
                match self { $(Member::$v => Kind::$kind,)* }
            }
        }
    };
}

members! {
    FindingArn = "findingArn": String,
    AwsAccountId = "awsAccountId": String,
    FindingType = "findingType": String,
    Severity = "severity": String,
    FirstObservedAt = "firstObservedAt": Date,
    LastObservedAt = "lastObservedAt": Date,
    UpdatedAt = "updatedAt": Date,
    FindingStatus = "findingStatus": String,
    Title = "title": String,
    InspectorScore = "inspectorScore": Number,
    ResourceType = "resourceType": String,
    ResourceId = "resourceId": String,
    ResourceTags = "resourceTags": Map,
    Ec2InstanceImageId = "ec2InstanceImageId": String,
    Ec2InstanceVpcId = "ec2InstanceVpcId": String,
    Ec2InstanceSubnetId = "ec2InstanceSubnetId": String,
    EcrImagePushedAt = "ecrImagePushedAt": Date,
    EcrImageArchitecture = "ecrImageArchitecture": String,
    EcrImageRegistry = "ecrImageRegistry": String,
    EcrImageRepositoryName = "ecrImageRepositoryName": String,
    EcrImageTags = "ecrImageTags": String,
    EcrImageHash = "ecrImageHash": String,
    EcrImageLastInUseAt = "ecrImageLastInUseAt": Date,
    EcrImageInUseCount = "ecrImageInUseCount": Number,
    PortRange = "portRange": PortRange,
    NetworkProtocol = "networkProtocol": String,
    ComponentId = "componentId": String,
    ComponentType = "componentType": String,
    VulnerabilityId = "vulnerabilityId": String,
    VulnerabilitySource = "vulnerabilitySource": String,
    VendorSeverity = "vendorSeverity": String,
    VulnerablePackages = "vulnerablePackages": Package,
    RelatedVulnerabilities = "relatedVulnerabilities": String,
    FixAvailable = "fixAvailable": String,
    LambdaFunctionName = "lambdaFunctionName": String,
    LambdaFunctionLayers = "lambdaFunctionLayers": String,
    LambdaFunctionRuntime = "lambdaFunctionRuntime": String,
    LambdaFunctionLastModifiedAt = "lambdaFunctionLastModifiedAt": Date,
    LambdaFunctionExecutionRoleArn = "lambdaFunctionExecutionRoleArn": String,
    ExploitAvailable = "exploitAvailable": String,
    CodeVulnerabilityDetectorName = "codeVulnerabilityDetectorName": String,
    CodeVulnerabilityDetectorTags = "codeVulnerabilityDetectorTags": String,
    CodeVulnerabilityFilePath = "codeVulnerabilityFilePath": String,
    EpssScore = "epssScore": Number,
    CodeRepositoryProjectName = "codeRepositoryProjectName": String,
    CodeRepositoryProviderType = "codeRepositoryProviderType": String,
    CloudProvider = "cloudProvider": String,
    CloudProviderRegion = "cloudProviderRegion": String,
    CloudProviderAccountId = "cloudProviderAccountId": String,
    CloudProviderOrgId = "cloudProviderOrgId": String,
    CloudVmImageReference = "cloudVmImageReference": String,
    CloudVmNetworkId = "cloudVmNetworkId": String,
    CloudVmSubnetIds = "cloudVmSubnetIds": String,
    CloudImageRepositoryName = "cloudImageRepositoryName": String,
    CloudImageRegistry = "cloudImageRegistry": String,
    CloudImageDigest = "cloudImageDigest": String,
    CloudImageTags = "cloudImageTags": String,
    CloudImagePushedAt = "cloudImagePushedAt": Date,
    CloudImageArchitecture = "cloudImageArchitecture": String,
    CloudImageLastInUseAt = "cloudImageLastInUseAt": Date,
    CloudImageInUseCount = "cloudImageInUseCount": Number,
    CloudServerlessFunctionName = "cloudServerlessFunctionName": String,
    CloudServerlessFunctionRuntime = "cloudServerlessFunctionRuntime": String,
    CloudServerlessFunctionLastModifiedAt = "cloudServerlessFunctionLastModifiedAt": Date,
    CloudServerlessFunctionExecutionRole = "cloudServerlessFunctionExecutionRole": String,
}

impl Member {
    /// The member with this exact name.
    pub fn from_name(name: &str) -> Option<Member> {
        Member::ALL.iter().copied().find(|m| m.name() == name)
    }

    /// Calls `each` with every value of the member's attribute in `f` (none when the
    /// attribute is missing; several for attributes of every resource or list element).
    /// Only for String, Date and Number members; the others have their own shapes.
    pub fn visit<'f, 'a>(self, f: &'f Finding<'a>, each: &mut dyn FnMut(&'f Leaf<'a>)) {
        use Member as M;
        let one = |v: &'f Option<Leaf<'a>>, each: &mut dyn FnMut(&'f Leaf<'a>)| {
            if let Some(v) = v {
                each(v)
            }
        };
        let many = |v: &'f Option<crate::decode::value::List<Leaf<'a>>>,
                    each: &mut dyn FnMut(&'f Leaf<'a>)| {
            for x in items(v) {
                each(x)
            }
        };
        // Every resource, and every resource's details.
        let res = f.resources();
        let details = || res.iter().filter_map(Resource::details);
        let package_details = f.package_vulnerability_details();
        let code_details = f.code_vulnerability_details();
        let network_details = f.network_reachability_details();
        match self {
            M::FindingArn => one(&f.finding_arn, each),
            M::AwsAccountId => one(&f.aws_account_id, each),
            M::FindingType => one(&f.finding_type, each),
            M::Severity => one(&f.severity, each),
            M::FirstObservedAt => one(&f.first_observed_at, each),
            M::LastObservedAt => one(&f.last_observed_at, each),
            M::UpdatedAt => one(&f.updated_at, each),
            M::FindingStatus => one(&f.status, each),
            M::Title => one(&f.title, each),
            M::InspectorScore => one(&f.inspector_score, each),
            M::ResourceType => res.iter().for_each(|r| one(&r.resource_type, each)),
            M::ResourceId => res.iter().for_each(|r| one(&r.id, each)),
            M::Ec2InstanceImageId => ec2(details(), |e| one(&e.image_id, each)),
            M::Ec2InstanceVpcId => ec2(details(), |e| one(&e.vpc_id, each)),
            M::Ec2InstanceSubnetId => ec2(details(), |e| one(&e.subnet_id, each)),
            M::EcrImagePushedAt => ecr(details(), |e| one(&e.pushed_at, each)),
            M::EcrImageArchitecture => ecr(details(), |e| one(&e.architecture, each)),
            M::EcrImageRegistry => ecr(details(), |e| one(&e.registry, each)),
            M::EcrImageRepositoryName => ecr(details(), |e| one(&e.repository_name, each)),
            M::EcrImageTags => ecr(details(), |e| many(&e.image_tags, each)),
            M::EcrImageHash => ecr(details(), |e| one(&e.image_hash, each)),
            M::EcrImageLastInUseAt => ecr(details(), |e| one(&e.last_in_use_at, each)),
            M::EcrImageInUseCount => ecr(details(), |e| one(&e.in_use_count, each)),
            M::NetworkProtocol => {
                if let Some(n) = network_details {
                    one(&n.protocol, each)
                }
            }
            M::ComponentId | M::ComponentType => {
                let steps = network_details
                    .and_then(|n| n.network_path.object())
                    .map(|p| items(&p.steps))
                    .unwrap_or(&[]);
                for s in steps {
                    one(
                        if self == M::ComponentId {
                            &s.component_id
                        } else {
                            &s.component_type
                        },
                        each,
                    )
                }
            }
            M::VulnerabilityId => package_details
                .into_iter()
                .for_each(|p| one(&p.vulnerability_id, each)),
            M::VulnerabilitySource => package_details
                .into_iter()
                .for_each(|p| one(&p.source, each)),
            M::VendorSeverity => package_details
                .into_iter()
                .for_each(|p| one(&p.vendor_severity, each)),
            M::RelatedVulnerabilities => package_details
                .into_iter()
                .for_each(|p| many(&p.related_vulnerabilities, each)),
            M::FixAvailable => one(&f.fix_available, each),
            M::LambdaFunctionName => lambda(details(), |l| one(&l.function_name, each)),
            M::LambdaFunctionLayers => lambda(details(), |l| many(&l.layers, each)),
            M::LambdaFunctionRuntime => lambda(details(), |l| one(&l.runtime, each)),
            M::LambdaFunctionLastModifiedAt => {
                lambda(details(), |l| one(&l.last_modified_at, each))
            }
            M::LambdaFunctionExecutionRoleArn => {
                lambda(details(), |l| one(&l.execution_role_arn, each))
            }
            M::ExploitAvailable => one(&f.exploit_available, each),
            M::CodeVulnerabilityDetectorName => code_details
                .into_iter()
                .for_each(|c| one(&c.detector_name, each)),
            M::CodeVulnerabilityDetectorTags => code_details
                .into_iter()
                .for_each(|c| many(&c.detector_tags, each)),
            M::CodeVulnerabilityFilePath => code_details
                .and_then(|c| c.file_path.object())
                .into_iter()
                .for_each(|p| one(&p.file_path, each)),
            M::EpssScore => f
                .epss
                .object()
                .into_iter()
                .for_each(|e| one(&e.score, each)),
            M::CodeRepositoryProjectName => details()
                .filter_map(|d| d.code_repository.object())
                .for_each(|c| one(&c.project_name, each)),
            M::CodeRepositoryProviderType => details()
                .filter_map(|d| d.code_repository.object())
                .for_each(|c| one(&c.provider_type, each)),
            M::CloudProvider => res.iter().for_each(|r| one(&r.provider, each)),
            M::CloudProviderRegion => res.iter().for_each(|r| one(&r.region, each)),
            M::CloudProviderAccountId => res.iter().for_each(|r| one(&r.provider_account_id, each)),
            M::CloudProviderOrgId => res.iter().for_each(|r| one(&r.provider_org_id, each)),
            M::CloudVmImageReference => vm(details(), |v| one(&v.vm_image_reference, each)),
            M::CloudVmNetworkId => vm(details(), |v| one(&v.network_id, each)),
            M::CloudVmSubnetIds => vm(details(), |v| many(&v.subnet_ids, each)),
            M::CloudImageRepositoryName => image(details(), |i| one(&i.repository_name, each)),
            M::CloudImageRegistry => image(details(), |i| one(&i.registry, each)),
            M::CloudImageDigest => image(details(), |i| one(&i.image_digest, each)),
            M::CloudImageTags => image(details(), |i| many(&i.image_tags, each)),
            M::CloudImagePushedAt => image(details(), |i| one(&i.pushed_at, each)),
            M::CloudImageArchitecture => image(details(), |i| one(&i.architecture, each)),
            M::CloudImageLastInUseAt => image(details(), |i| one(&i.last_in_use_at, each)),
            M::CloudImageInUseCount => image(details(), |i| one(&i.in_use_count, each)),
            M::CloudServerlessFunctionName => {
                serverless(details(), |s| one(&s.serverless_function_name, each))
            }
            M::CloudServerlessFunctionRuntime => serverless(details(), |s| one(&s.runtime, each)),
            M::CloudServerlessFunctionLastModifiedAt => {
                serverless(details(), |s| one(&s.last_modified_at, each))
            }
            M::CloudServerlessFunctionExecutionRole => {
                serverless(details(), |s| one(&s.execution_role, each))
            }
            M::ResourceTags | M::PortRange | M::VulnerablePackages => {}
        }
    }
}

fn ec2<'f, 'a: 'f>(
    d: impl Iterator<Item = &'f Details<'a>>,
    mut f: impl FnMut(&'f crate::decode::finding::Ec2<'a>),
) {
    d.filter_map(|d| d.aws_ec2_instance.object())
        .for_each(&mut f)
}

fn ecr<'f, 'a: 'f>(
    d: impl Iterator<Item = &'f Details<'a>>,
    mut f: impl FnMut(&'f crate::decode::finding::Ecr<'a>),
) {
    d.filter_map(|d| d.aws_ecr_container_image.object())
        .for_each(&mut f)
}

fn lambda<'f, 'a: 'f>(
    d: impl Iterator<Item = &'f Details<'a>>,
    mut f: impl FnMut(&'f crate::decode::finding::Lambda<'a>),
) {
    d.filter_map(|d| d.aws_lambda_function.object())
        .for_each(&mut f)
}

fn vm<'f, 'a: 'f>(
    d: impl Iterator<Item = &'f Details<'a>>,
    mut f: impl FnMut(&'f crate::decode::finding::Vm<'a>),
) {
    d.filter_map(|d| d.vm.object()).for_each(&mut f)
}

fn image<'f, 'a: 'f>(
    d: impl Iterator<Item = &'f Details<'a>>,
    mut f: impl FnMut(&'f crate::decode::finding::Image<'a>),
) {
    d.filter_map(|d| d.image.object()).for_each(&mut f)
}

fn serverless<'f, 'a: 'f>(
    d: impl Iterator<Item = &'f Details<'a>>,
    mut f: impl FnMut(&'f crate::decode::finding::Serverless<'a>),
) {
    d.filter_map(|d| d.serverless_function.object())
        .for_each(&mut f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appendix_a_has_65_members_with_unique_names() {
        assert_eq!(Member::ALL.len(), 65);
        let mut names: Vec<_> = Member::ALL.iter().map(|m| m.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 65);
        assert_eq!(
            Member::from_name("vulnerablePackages").unwrap().kind(),
            Kind::Package
        );
    }
}
