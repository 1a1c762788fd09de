//! The borrowed, typed views of the `Finding` members the report reads.
//!
//! Every member is optional and lenient (see [`super::value`]): the report is written from
//! whatever the finding has. Members the report never reads are skipped without being
//! stored; in the JSON report they are kept because the finding's own bytes are copied,
//! not this view. A member given twice (valid JSON, if unusual) takes its last value, as
//! serde_json's own `Value` does, instead of failing the finding.
//!
//! The same views read an EventBridge event: an event has `detail-type` and `detail`, and
//! the finding is the `detail` object (`decode::event` tells which kind an item is).

use super::value::{Leaf, Lenient, List, Pairs};
use super::view::view;

view! {
    /// One finding (or an EventBridge event around one).
    pub struct Finding<'a> {
        aws_account_id: Option<Leaf<'a>> = "awsAccountId",
        severity: Option<Leaf<'a>> = "severity",
        fix_available: Option<Leaf<'a>> = "fixAvailable",
        finding_type: Option<Leaf<'a>> = "type",
        title: Option<Leaf<'a>> = "title",
        description: Option<Leaf<'a>> = "description",
        finding_arn: Option<Leaf<'a>> = "findingArn",
        first_observed_at: Option<Leaf<'a>> = "firstObservedAt",
        last_observed_at: Option<Leaf<'a>> = "lastObservedAt",
        updated_at: Option<Leaf<'a>> = "updatedAt",
        inspector_score: Option<Leaf<'a>> = "inspectorScore",
        status: Option<Leaf<'a>> = "status",
        exploit_available: Option<Leaf<'a>> = "exploitAvailable",
        resources: Option<List<Resource<'a>>> = "resources",
        package_vulnerability_details: Option<Lenient<PackageVulnerabilityDetails<'a>>>
            = "packageVulnerabilityDetails",
        code_vulnerability_details: Option<Lenient<CodeVulnerabilityDetails<'a>>>
            = "codeVulnerabilityDetails",
        network_reachability_details: Option<Lenient<NetworkReachabilityDetails<'a>>>
            = "networkReachabilityDetails",
        remediation: Option<Lenient<Remediation<'a>>> = "remediation",
        inspector_score_details: Option<Lenient<ScoreDetails<'a>>> = "inspectorScoreDetails",
        epss: Option<Lenient<Epss<'a>>> = "epss",
        exploitability_details: Option<Lenient<Exploitability<'a>>> = "exploitabilityDetails",
        /// Present on EventBridge events only.
        detail_type: Option<Leaf<'a>> = "detail-type",
        /// The finding inside an EventBridge event.
        detail: Option<Leaf<'a>> = "detail",
    }

    /// The least a finding can be decoded into: its status, and the EventBridge envelope
    /// members. The JSON report uses it when only the default status rule applies.
    pub struct StatusOnly<'a> {
        status: Option<Leaf<'a>> = "status",
        detail_type: Option<Leaf<'a>> = "detail-type",
        detail: Option<Leaf<'a>> = "detail",
    }

    /// What de-duplication reads of a finding (spec 6): which finding it is, and when it
    /// was last updated; its status, which tells a finding at once; and the EventBridge
    /// envelope members.
    pub struct Identity<'a> {
        finding_arn: Option<Leaf<'a>> = "findingArn",
        updated_at: Option<Leaf<'a>> = "updatedAt",
        status: Option<Leaf<'a>> = "status",
        detail_type: Option<Leaf<'a>> = "detail-type",
        detail: Option<Leaf<'a>> = "detail",
    }

    /// What a comparison reads of a finding (spec 6) when its filter needs no more than
    /// `status`: its identity, and the members whose change makes it `CHANGED`.
    pub struct Compared<'a> {
        finding_arn: Option<Leaf<'a>> = "findingArn",
        updated_at: Option<Leaf<'a>> = "updatedAt",
        severity: Option<Leaf<'a>> = "severity",
        inspector_score: Option<Leaf<'a>> = "inspectorScore",
        status: Option<Leaf<'a>> = "status",
        fix_available: Option<Leaf<'a>> = "fixAvailable",
        exploit_available: Option<Leaf<'a>> = "exploitAvailable",
        epss: Option<Lenient<Epss<'a>>> = "epss",
        detail_type: Option<Leaf<'a>> = "detail-type",
        detail: Option<Leaf<'a>> = "detail",
    }

    /// `resources[]`.
    pub struct Resource<'a> {
        id: Option<Leaf<'a>> = "id",
        region: Option<Leaf<'a>> = "region",
        resource_type: Option<Leaf<'a>> = "type",
        tags: Option<Lenient<Pairs<'a>>> = "tags",
        details: Option<Lenient<Details<'a>>> = "details",
        provider: Option<Leaf<'a>> = "provider",
        provider_account_id: Option<Leaf<'a>> = "providerAccountId",
        provider_org_id: Option<Leaf<'a>> = "providerOrgId",
    }

    /// `resources[].details`.
    pub struct Details<'a> {
        aws_ec2_instance: Option<Lenient<Ec2<'a>>> = "awsEc2Instance",
        aws_ecr_container_image: Option<Lenient<Ecr<'a>>> = "awsEcrContainerImage",
        aws_lambda_function: Option<Lenient<Lambda<'a>>> = "awsLambdaFunction",
        vm: Option<Lenient<Vm<'a>>> = "vm",
        image: Option<Lenient<Image<'a>>> = "image",
        serverless_function: Option<Lenient<Serverless<'a>>> = "serverlessFunction",
        code_repository: Option<Lenient<CodeRepository<'a>>> = "codeRepository",
    }

    /// `details.awsEc2Instance`.
    pub struct Ec2<'a> {
        platform: Option<Leaf<'a>> = "platform",
        image_id: Option<Leaf<'a>> = "imageId",
        ipv4: Option<List<Leaf<'a>>> = "ipV4Addresses",
        ipv6: Option<List<Leaf<'a>>> = "ipV6Addresses",
        vpc_id: Option<Leaf<'a>> = "vpcId",
        subnet_id: Option<Leaf<'a>> = "subnetId",
    }

    /// `details.awsEcrContainerImage`.
    pub struct Ecr<'a> {
        platform: Option<Leaf<'a>> = "platform",
        image_tags: Option<List<Leaf<'a>>> = "imageTags",
        pushed_at: Option<Leaf<'a>> = "pushedAt",
        architecture: Option<Leaf<'a>> = "architecture",
        registry: Option<Leaf<'a>> = "registry",
        repository_name: Option<Leaf<'a>> = "repositoryName",
        image_hash: Option<Leaf<'a>> = "imageHash",
        last_in_use_at: Option<Leaf<'a>> = "lastInUseAt",
        in_use_count: Option<Leaf<'a>> = "inUseCount",
    }

    /// `details.awsLambdaFunction`.
    pub struct Lambda<'a> {
        runtime: Option<Leaf<'a>> = "runtime",
        vpc_config: Option<Lenient<VpcConfig<'a>>> = "vpcConfig",
        layers: Option<List<Leaf<'a>>> = "layers",
        package_type: Option<Leaf<'a>> = "packageType",
        last_modified_at: Option<Leaf<'a>> = "lastModifiedAt",
        function_name: Option<Leaf<'a>> = "functionName",
        execution_role_arn: Option<Leaf<'a>> = "executionRoleArn",
    }

    /// `details.codeRepository`.
    pub struct CodeRepository<'a> {
        project_name: Option<Leaf<'a>> = "projectName",
        provider_type: Option<Leaf<'a>> = "providerType",
    }

    /// `awsLambdaFunction.vpcConfig`.
    pub struct VpcConfig<'a> {
        vpc_id: Option<Leaf<'a>> = "vpcId",
    }

    /// `details.vm` (multicloud).
    pub struct Vm<'a> {
        platform: Option<Leaf<'a>> = "platform",
        ipv4: Option<List<Leaf<'a>>> = "ipV4Addresses",
        ipv6: Option<List<Leaf<'a>>> = "ipV6Addresses",
        network_id: Option<Leaf<'a>> = "networkId",
        vm_image_reference: Option<Leaf<'a>> = "vmImageReference",
        subnet_ids: Option<List<Leaf<'a>>> = "subnetIds",
    }

    /// `details.image` (multicloud).
    pub struct Image<'a> {
        platform: Option<Leaf<'a>> = "platform",
        image_tags: Option<List<Leaf<'a>>> = "imageTags",
        repository_name: Option<Leaf<'a>> = "repositoryName",
        registry: Option<Leaf<'a>> = "registry",
        image_digest: Option<Leaf<'a>> = "imageDigest",
        pushed_at: Option<Leaf<'a>> = "pushedAt",
        architecture: Option<Leaf<'a>> = "architecture",
        last_in_use_at: Option<Leaf<'a>> = "lastInUseAt",
        in_use_count: Option<Leaf<'a>> = "inUseCount",
    }

    /// `details.serverlessFunction` (multicloud).
    pub struct Serverless<'a> {
        runtime: Option<Leaf<'a>> = "runtime",
        layers: Option<List<Leaf<'a>>> = "layers",
        package_type: Option<Leaf<'a>> = "packageType",
        last_modified_at: Option<Leaf<'a>> = "lastModifiedAt",
        serverless_function_name: Option<Leaf<'a>> = "serverlessFunctionName",
        execution_role: Option<Leaf<'a>> = "executionRole",
    }

    /// `packageVulnerabilityDetails`.
    pub struct PackageVulnerabilityDetails<'a> {
        vulnerability_id: Option<Leaf<'a>> = "vulnerabilityId",
        source: Option<Leaf<'a>> = "source",
        vendor_severity: Option<Leaf<'a>> = "vendorSeverity",
        source_url: Option<Leaf<'a>> = "sourceUrl",
        vendor_created_at: Option<Leaf<'a>> = "vendorCreatedAt",
        cvss: Option<List<Cvss<'a>>> = "cvss",
        reference_urls: Option<List<Leaf<'a>>> = "referenceUrls",
        vulnerable_packages: Option<List<Package<'a>>> = "vulnerablePackages",
        related_vulnerabilities: Option<List<Leaf<'a>>> = "relatedVulnerabilities",
    }

    /// `packageVulnerabilityDetails.cvss[]`.
    pub struct Cvss<'a> {
        base_score: Option<Leaf<'a>> = "baseScore",
        scoring_vector: Option<Leaf<'a>> = "scoringVector",
        source: Option<Leaf<'a>> = "source",
        version: Option<Leaf<'a>> = "version",
    }

    /// `packageVulnerabilityDetails.vulnerablePackages[]`.
    pub struct Package<'a> {
        name: Option<Leaf<'a>> = "name",
        version: Option<Leaf<'a>> = "version",
        epoch: Option<Leaf<'a>> = "epoch",
        release: Option<Leaf<'a>> = "release",
        fixed_in_version: Option<Leaf<'a>> = "fixedInVersion",
        remediation: Option<Leaf<'a>> = "remediation",
        file_path: Option<Leaf<'a>> = "filePath",
        package_manager: Option<Leaf<'a>> = "packageManager",
        arch: Option<Leaf<'a>> = "arch",
        source_layer_hash: Option<Leaf<'a>> = "sourceLayerHash",
        source_lambda_layer_arn: Option<Leaf<'a>> = "sourceLambdaLayerArn",
    }

    /// `codeVulnerabilityDetails`.
    pub struct CodeVulnerabilityDetails<'a> {
        file_path: Option<Lenient<CodeFilePath<'a>>> = "filePath",
        cwes: Option<List<Leaf<'a>>> = "cwes",
        reference_urls: Option<List<Leaf<'a>>> = "referenceUrls",
        detector_name: Option<Leaf<'a>> = "detectorName",
        detector_tags: Option<List<Leaf<'a>>> = "detectorTags",
    }

    /// `codeVulnerabilityDetails.filePath`.
    pub struct CodeFilePath<'a> {
        file_path: Option<Leaf<'a>> = "filePath",
    }

    /// `networkReachabilityDetails`.
    pub struct NetworkReachabilityDetails<'a> {
        network_path: Option<Lenient<NetworkPath<'a>>> = "networkPath",
        open_port_range: Option<Lenient<PortRange<'a>>> = "openPortRange",
        protocol: Option<Leaf<'a>> = "protocol",
    }

    /// `networkReachabilityDetails.networkPath`.
    pub struct NetworkPath<'a> {
        steps: Option<List<Step<'a>>> = "steps",
    }

    /// `networkPath.steps[]`.
    pub struct Step<'a> {
        component_id: Option<Leaf<'a>> = "componentId",
        component_type: Option<Leaf<'a>> = "componentType",
    }

    /// `networkReachabilityDetails.openPortRange`.
    pub struct PortRange<'a> {
        begin: Option<Leaf<'a>> = "begin",
        end: Option<Leaf<'a>> = "end",
    }

    /// `remediation`.
    pub struct Remediation<'a> {
        recommendation: Option<Lenient<Recommendation<'a>>> = "recommendation",
    }

    /// `remediation.recommendation`.
    pub struct Recommendation<'a> {
        text: Option<Leaf<'a>> = "text",
    }

    /// `inspectorScoreDetails`.
    pub struct ScoreDetails<'a> {
        adjusted_cvss: Option<Lenient<AdjustedCvss<'a>>> = "adjustedCvss",
    }

    /// `inspectorScoreDetails.adjustedCvss`.
    pub struct AdjustedCvss<'a> {
        scoring_vector: Option<Leaf<'a>> = "scoringVector",
    }

    /// `epss`.
    pub struct Epss<'a> {
        score: Option<Leaf<'a>> = "score",
    }

    /// `exploitabilityDetails`.
    pub struct Exploitability<'a> {
        last_known_exploit_at: Option<Leaf<'a>> = "lastKnownExploitAt",
    }
}

/// Reads an optional, lenient object member without a ladder of `if let`.
pub trait OptionalObject<T> {
    /// The object, when present and of the right type.
    fn object(&self) -> Option<&T>;
}

impl<T> OptionalObject<T> for Option<Lenient<T>> {
    #[inline]
    fn object(&self) -> Option<&T> {
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
    /// How many of the members the API's `Finding` shape requires
    /// ([`super::REQUIRED_MEMBERS`]) are absent or `null`: spec 5 counts a warning for each
    /// finding that is written.
    pub fn missing_required(&self) -> u64 {
        let present = [
            self.aws_account_id.is_some(),
            self.description.is_some(),
            self.finding_arn.is_some(),
            self.first_observed_at.is_some(),
            self.last_observed_at.is_some(),
            self.remediation.is_some(),
            self.resources.is_some(),
            self.severity.is_some(),
            self.status.is_some(),
            self.finding_type.is_some(),
        ];
        present.iter().filter(|p| !**p).count() as u64
    }

    /// The resources, in order.
    pub fn resources(&self) -> &[Resource<'a>] {
        items(&self.resources)
    }

    /// `packageVulnerabilityDetails`, when present.
    pub fn package_vulnerability_details(&self) -> Option<&PackageVulnerabilityDetails<'a>> {
        self.package_vulnerability_details.object()
    }

    /// `codeVulnerabilityDetails`, when present.
    pub fn code_vulnerability_details(&self) -> Option<&CodeVulnerabilityDetails<'a>> {
        self.code_vulnerability_details.object()
    }

    /// `networkReachabilityDetails`, when present.
    pub fn network_reachability_details(&self) -> Option<&NetworkReachabilityDetails<'a>> {
        self.network_reachability_details.object()
    }

    /// The vulnerable packages, in order.
    pub fn packages(&self) -> &[Package<'a>] {
        self.package_vulnerability_details()
            .map(|p| items(&p.vulnerable_packages))
            .unwrap_or(&[])
    }

    /// True for an EventBridge event (it has `detail-type`).
    pub fn is_event(&self) -> bool {
        self.detail_type.is_some()
    }
}

impl<'a> Resource<'a> {
    /// `details`, when present.
    pub fn details(&self) -> Option<&Details<'a>> {
        self.details.object()
    }
}

#[cfg(test)]
mod tests {
    use crate::decode::finding::{Compared, Finding, Identity, StatusOnly};
    use crate::decode::value::take_decode_warnings;
    use crate::decode::walk::{walk, MAX_WALK_DEPTH};

    /// Both decoders of a view must agree: the walker returns serde_json's view with no
    /// warnings, or bails.
    fn agree(text: &str) -> bool {
        take_decode_warnings();
        let serde = serde_json::from_str::<Finding>(text);
        let warned = take_decode_warnings() != (0, 0);
        let walked = walk::<Finding>(text);
        if let Ok(v) = &walked {
            let s = serde
                .as_ref()
                .unwrap_or_else(|e| panic!("walker accepted what serde rejects ({e}): {text}"));
            assert_eq!(format!("{v:?}"), format!("{s:?}"), "{text}");
            assert!(!warned, "walker accepted what serde warns about: {text}");
        }
        narrow_agrees::<StatusOnly>(text);
        narrow_agrees::<Identity>(text);
        narrow_agrees::<Compared>(text);
        walked.is_ok()
    }

    /// A narrow view's walk returns serde_json's view, or bails.
    fn narrow_agrees<'a, V>(text: &'a str)
    where
        V: crate::decode::walk::WalkView<'a> + serde::Deserialize<'a> + std::fmt::Debug,
    {
        if let Ok(v) = walk::<V>(text) {
            let s = serde_json::from_str::<V>(text).unwrap_or_else(|e| {
                panic!("narrow walk accepted what serde rejects ({e}): {text}")
            });
            assert_eq!(format!("{v:?}"), format!("{s:?}"), "{text}");
        }
        take_decode_warnings();
    }

    #[test]
    fn takes_the_happy_path() {
        for ok in [
            r#"{}"#,
            " {\"title\" : \"t\" ,\n  \"status\":\"ACTIVE\"}\n ",
            r#"{"title":"a\"b\\u00e9\n","inspectorScore":7.50,"fixAvailable":true}"#,
            r#"{"resources":[{"id":"i-1","tags":{"k":"v","n":null,"o":{"x":[1]}}},null]}"#,
            r#"{"packageVulnerabilityDetails":{"cvss":[{"baseScore":-1.5e+3}],"referenceUrls":["u",null,2]}}"#,
            r#"{"title":"a","title":"b","remediation":{"recommendation":{"text":"x"}},"remediation":null}"#,
            r#"{"unknown":{"deep":[[[{"a":[false,null,0,-0.0,1E9]}]]]},"epss":{"score":0.01}}"#,
            r#"{"detail-type":"Inspector2 Finding","detail":{"title":"x"}}"#,
            r#"{"detail":null,"status":null}"#,
            r#"{"findingArn":"arn:x","updatedAt":1,"epss":{"score":0.1},"inspectorScore":9.8}"#,
        ] {
            assert!(agree(ok), "should walk: {ok}");
        }
    }

    #[test]
    fn bails_where_serde_rejects_or_warns() {
        for bail in [
            "",
            "[]",
            "{",
            r#"{"a":1,}"#,
            r#"{"a":1 "b":2}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":-}"#,
            r#"{"a":1e}"#,
            r#"{"a":tru}"#,
            r#"{"a":nul}"#,
            r#"{"a":"\x"}"#,
            r#"{"a":"\u12G4"}"#,
            "{\"a\":\"x\ny\"}",
            r#"{"a":[1,]}"#,
            r#"{"a":[1 2]}"#,
            r#"{"a":{"b"}}"#,
            r#"{"a":{1:2}}"#,
            r#"{"a":1} x"#,
            r#"{"a":1}{}"#,
            r#"{"t\u0069tle":"escaped key"}"#,
            r#"{"resources":{"id":"single object where a list belongs"}}"#,
            r#"{"resources":["not an object"]}"#,
            r#"{"remediation":"a string where an object belongs"}"#,
            r#"{"packageVulnerabilityDetails":{"referenceUrls":"one"}}"#,
            r#"{"resources":[{"tags":[1]}]}"#,
        ] {
            assert!(!agree(bail), "should bail: {bail}");
        }
    }

    #[test]
    fn depth_beyond_the_limit_is_left_to_serde() {
        let deep = |n: usize| format!("{{\"x\":{}{}}}", "[".repeat(n), "]".repeat(n));
        assert!(agree(&deep(MAX_WALK_DEPTH as usize - 1)));
        assert!(!agree(&deep(MAX_WALK_DEPTH as usize)));
        assert!(!agree(&deep(200)));
    }

    /// Every prefix of a valid finding, and every one-byte change to it, gets the same
    /// verdict from both decoders.
    #[test]
    fn prefixes_and_byte_changes_agree() {
        let f = r#"{"awsAccountId":"1","resources":[{"id":"i","tags":{"a":"b"},"details":{"awsEc2Instance":{"ipV4Addresses":["1.2.3.4"]}}}],"inspectorScore":9.8,"packageVulnerabilityDetails":{"cvss":[{"baseScore":7.5,"version":"3.1"}],"vulnerablePackages":[{"name":"p","epoch":0}]},"title":"a\tb\u00e9","exploitAvailable":false,"x":null}"#;
        assert!(agree(f));
        for n in 0..f.len() {
            if f.is_char_boundary(n) {
                agree(&f[..n]);
            }
        }
        let bytes = f.as_bytes();
        for i in 0..bytes.len() {
            for c in [
                b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b' ', b'0', b'-', b'e', b'n', 0x01,
            ] {
                let mut m = bytes.to_vec();
                m[i] = c;
                if let Ok(t) = std::str::from_utf8(&m) {
                    agree(t);
                }
            }
        }
    }
}
