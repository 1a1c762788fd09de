//! FilterCriteria semantics (spec section 4, Appendix A): every member keeps and drops a
//! finding, and the rules for mixing filters, missing and multi-valued attributes.

use inspector_report_core::decode::finding::Finding;
use inspector_report_core::filter::{Criteria, Member};
use inspector_report_core::{Filter, Verdict};

const RICH: &str = r#"{
 "findingArn":"arn:f1","awsAccountId":"111122223333","type":"PACKAGE_VULNERABILITY","severity":"HIGH",
 "firstObservedAt":1700000000,"lastObservedAt":"2024-02-02T16:30:33+01:00","updatedAt":"Wed Sep 04 16:59:44.356 UTC 2024",
 "status":"ACTIVE","title":"CVE-1 - openssl","inspectorScore":7.50,"fixAvailable":"YES","exploitAvailable":"NO",
 "epss":{"score":0.00024},
 "networkReachabilityDetails":{"protocol":"TCP","openPortRange":{"begin":20,"end":25},
   "networkPath":{"steps":[{"componentId":"igw-1","componentType":"AWS::EC2::InternetGateway"},
                           {"componentId":"sg-1","componentType":"AWS::EC2::SecurityGroup"}]}},
 "packageVulnerabilityDetails":{"vulnerabilityId":"CVE-1","source":"NVD","vendorSeverity":"MEDIUM","relatedVulnerabilities":["CVE-0","CVE-9"],
   "vulnerablePackages":[
     {"name":"openssl","version":"1.1","epoch":1,"release":"r1","arch":"X86_64","sourceLayerHash":"sha256:l1","sourceLambdaLayerArn":"arn:layer:1","filePath":"/usr/lib/a"},
     {"name":"curl","version":"7.0","epoch":0}]},
 "codeVulnerabilityDetails":{"detectorName":"Det","detectorTags":["security","cwe-1"],"filePath":{"filePath":"src/a.py"}},
 "resources":[
   {"type":"AWS_EC2_INSTANCE","id":"i-1","region":"us-east-1","provider":"AWS","providerAccountId":"acct-1","providerOrgId":"org-1",
    "tags":{"env":"prod","team":"a"},
    "details":{"awsEc2Instance":{"imageId":"ami-1","vpcId":"vpc-1","subnetId":"subnet-1"},
      "awsEcrContainerImage":{"pushedAt":"2023-05-05T00:00:00Z","architecture":"amd64","registry":"reg","repositoryName":"repo",
        "imageTags":["v1","latest"],"imageHash":"sha256:h","lastInUseAt":1710000000,"inUseCount":3},
      "awsLambdaFunction":{"functionName":"fn","layers":["arn:layer:a","arn:layer:b"],"runtime":"PYTHON_3_12",
        "lastModifiedAt":"2024-01-01T00:00:00Z","executionRoleArn":"arn:role"},
      "codeRepository":{"projectName":"proj","providerType":"GITHUB"}}},
   {"type":"AZURE_VM","id":"vm-1","region":"eastus","provider":"AZURE",
    "details":{"vm":{"vmImageReference":"img-ref","networkId":"vnet-1","subnetIds":["sn-a","sn-b"]},
      "image":{"repositoryName":"crepo","registry":"creg","imageDigest":"sha256:d","imageTags":["t1"],"pushedAt":1717200000,
        "architecture":"arm64","lastInUseAt":"2024-06-01T00:00:00Z","inUseCount":"5"},
      "serverlessFunction":{"serverlessFunctionName":"sfn","runtime":"NODEJS_20_X","lastModifiedAt":"2024-07-01T00:00:00Z","executionRole":"role-x"}}}
 ]
}"#;

fn eq(v: &str) -> String {
    format!(r#"[{{"comparison":"EQUALS","value":"{v}"}}]"#)
}

fn dates(start: &str, end: &str) -> String {
    format!(r#"[{{"startInclusive":{start},"endInclusive":{end}}}]"#)
}

fn nums(lo: &str, hi: &str) -> String {
    format!(r#"[{{"lowerInclusive":{lo},"upperInclusive":{hi}}}]"#)
}

/// (member, a filter that keeps RICH, a filter that drops it).
fn table() -> Vec<(&'static str, String, String)> {
    vec![
        ("findingArn", eq("arn:f1"), eq("arn:f2")),
        ("awsAccountId", eq("111122223333"), eq("999")),
        (
            "findingType",
            eq("PACKAGE_VULNERABILITY"),
            eq("CODE_VULNERABILITY"),
        ),
        ("severity", eq("HIGH"), eq("LOW")),
        (
            "firstObservedAt",
            dates("1700000000", "1700000000"),
            dates("1700000000.001", "null"),
        ),
        (
            "lastObservedAt",
            dates("\"2024-02-02T15:30:33Z\"", "null"),
            dates("null", "\"2024-02-02T15:30:32.999Z\""),
        ),
        (
            "updatedAt",
            dates("\"Sep 4, 2024, 4:00:00 PM\"", "\"2024-09-04 17:00:00\""),
            dates("\"2024-09-05T00:00:00Z\"", "null"),
        ),
        ("findingStatus", eq("ACTIVE"), eq("CLOSED")),
        (
            "title",
            r#"[{"comparison":"PREFIX","value":"CVE-1 "}]"#.into(),
            r#"[{"comparison":"PREFIX","value":"cve"}]"#.into(),
        ),
        ("inspectorScore", nums("7.5", "7.5"), nums("7.51", "null")),
        ("resourceType", eq("AZURE_VM"), eq("AWS_LAMBDA_FUNCTION")),
        ("resourceId", eq("vm-1"), eq("i-2")),
        (
            "resourceTags",
            r#"[{"comparison":"EQUALS","key":"env","value":"prod"}]"#.into(),
            r#"[{"comparison":"EQUALS","key":"env","value":"dev"}]"#.into(),
        ),
        ("ec2InstanceImageId", eq("ami-1"), eq("ami-2")),
        ("ec2InstanceVpcId", eq("vpc-1"), eq("vpc-2")),
        ("ec2InstanceSubnetId", eq("subnet-1"), eq("subnet-2")),
        (
            "ecrImagePushedAt",
            dates("\"2023-05-05T00:00:00Z\"", "\"2023-05-05T00:00:00Z\""),
            dates("\"2023-05-06T00:00:00Z\"", "null"),
        ),
        ("ecrImageArchitecture", eq("amd64"), eq("arm64")),
        ("ecrImageRegistry", eq("reg"), eq("creg")),
        ("ecrImageRepositoryName", eq("repo"), eq("crepo")),
        ("ecrImageTags", eq("latest"), eq("t1")),
        ("ecrImageHash", eq("sha256:h"), eq("sha256:d")),
        (
            "ecrImageLastInUseAt",
            dates("1710000000", "null"),
            dates("null", "1709999999.999"),
        ),
        ("ecrImageInUseCount", nums("3", "3"), nums("4", "null")),
        (
            "portRange",
            r#"[{"beginInclusive":25,"endInclusive":30}]"#.into(),
            r#"[{"beginInclusive":26}]"#.into(),
        ),
        ("networkProtocol", eq("TCP"), eq("UDP")),
        ("componentId", eq("sg-1"), eq("eni-1")),
        (
            "componentType",
            eq("AWS::EC2::InternetGateway"),
            eq("AWS::EC2::Instance"),
        ),
        ("vulnerabilityId", eq("CVE-1"), eq("CVE-2")),
        ("vulnerabilitySource", eq("NVD"), eq("DEBIAN_CVE")),
        ("vendorSeverity", eq("MEDIUM"), eq("HIGH")),
        (
            "vulnerablePackages",
            r#"[{"name":{"comparison":"EQUALS","value":"openssl"},"epoch":{"lowerInclusive":1}}]"#
                .into(),
            r#"[{"name":{"comparison":"EQUALS","value":"curl"},"epoch":{"lowerInclusive":1}}]"#
                .into(),
        ),
        ("relatedVulnerabilities", eq("CVE-9"), eq("CVE-1")),
        ("fixAvailable", eq("YES"), eq("NO")),
        ("lambdaFunctionName", eq("fn"), eq("sfn")),
        ("lambdaFunctionLayers", eq("arn:layer:b"), eq("arn:layer:c")),
        (
            "lambdaFunctionRuntime",
            eq("PYTHON_3_12"),
            eq("NODEJS_20_X"),
        ),
        (
            "lambdaFunctionLastModifiedAt",
            dates("\"2024-01-01T00:00:00Z\"", "null"),
            dates("\"2024-01-01T00:00:00.001Z\"", "null"),
        ),
        (
            "lambdaFunctionExecutionRoleArn",
            eq("arn:role"),
            eq("role-x"),
        ),
        ("exploitAvailable", eq("NO"), eq("YES")),
        ("codeVulnerabilityDetectorName", eq("Det"), eq("Other")),
        ("codeVulnerabilityDetectorTags", eq("cwe-1"), eq("cwe-2")),
        ("codeVulnerabilityFilePath", eq("src/a.py"), eq("src/b.py")),
        (
            "epssScore",
            nums("\"0.00024\"", "\"0.00024\""),
            nums("0.00025", "null"),
        ),
        ("codeRepositoryProjectName", eq("proj"), eq("other")),
        (
            "codeRepositoryProviderType",
            eq("GITHUB"),
            eq("GITLAB_SELF_MANAGED"),
        ),
        ("cloudProvider", eq("AZURE"), eq("GCP")),
        ("cloudProviderRegion", eq("eastus"), eq("westus")),
        ("cloudProviderAccountId", eq("acct-1"), eq("acct-2")),
        ("cloudProviderOrgId", eq("org-1"), eq("org-2")),
        ("cloudVmImageReference", eq("img-ref"), eq("img-other")),
        ("cloudVmNetworkId", eq("vnet-1"), eq("vnet-2")),
        ("cloudVmSubnetIds", eq("sn-b"), eq("sn-c")),
        ("cloudImageRepositoryName", eq("crepo"), eq("repo")),
        ("cloudImageRegistry", eq("creg"), eq("reg")),
        ("cloudImageDigest", eq("sha256:d"), eq("sha256:h")),
        ("cloudImageTags", eq("t1"), eq("v1")),
        (
            "cloudImagePushedAt",
            dates("\"2024-06-01T00:00:00Z\"", "\"2024-06-01T00:00:00Z\""),
            dates("null", "\"2024-05-31T23:59:59.999Z\""),
        ),
        ("cloudImageArchitecture", eq("arm64"), eq("amd64")),
        (
            "cloudImageLastInUseAt",
            dates("\"2024-06-01T02:00:00+02:00\"", "null"),
            dates("\"2024-06-01T02:00:00.001+02:00\"", "null"),
        ),
        (
            "cloudImageInUseCount",
            nums("5", "5.0"),
            nums("null", "4.99"),
        ),
        ("cloudServerlessFunctionName", eq("sfn"), eq("fn")),
        (
            "cloudServerlessFunctionRuntime",
            eq("NODEJS_20_X"),
            eq("PYTHON_3_12"),
        ),
        (
            "cloudServerlessFunctionLastModifiedAt",
            dates("1719792000", "1719792000"),
            dates("1719792001", "null"),
        ),
        (
            "cloudServerlessFunctionExecutionRole",
            eq("role-x"),
            eq("arn:role"),
        ),
    ]
}

fn verdict(doc: &str, finding: &str) -> Verdict {
    let c = Criteria::parse(doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
    let f: Finding = serde_json::from_str(finding).unwrap();
    Filter::new(c).verdict(&f)
}

fn keeps(doc: &str, finding: &str) -> bool {
    verdict(doc, finding) == Verdict::Keep
}

#[test]
fn every_member_keeps_and_drops() {
    let t = table();
    let mut named: Vec<&str> = t.iter().map(|(m, _, _)| *m).collect();
    named.sort();
    let mut all: Vec<&str> = Member::ALL.iter().map(|m| m.name()).collect();
    all.sort();
    assert_eq!(named, all, "the table covers every member of Appendix A");
    for (member, keep, drop) in &t {
        let k = format!("{{\"{member}\":{keep}}}");
        let d = format!("{{\"{member}\":{drop}}}");
        assert!(keeps(&k, RICH), "{member} should keep with {keep}");
        assert_eq!(
            verdict(&d, RICH),
            Verdict::ExcludedByFilter,
            "{member} should drop with {drop}"
        );
    }
}

#[test]
fn or_among_equals_and_prefix_and_among_not_equals() {
    let f = r#"{"status":"ACTIVE","severity":"HIGH","title":"CVE-1 - x"}"#;
    // EQUALS/PREFIX OR.
    assert!(keeps(
        r#"{"severity":[{"comparison":"EQUALS","value":"LOW"},{"comparison":"EQUALS","value":"HIGH"}]}"#,
        f
    ));
    assert!(keeps(
        r#"{"severity":[{"comparison":"EQUALS","value":"LOW"},{"comparison":"PREFIX","value":"HI"}]}"#,
        f
    ));
    assert!(
        !keeps(
            r#"{"severity":[{"comparison":"EQUALS","value":"LOW"},{"comparison":"PREFIX","value":"hi"}]}"#,
            f
        ),
        "case-sensitive"
    );
    // NOT_EQUALS AND.
    assert!(keeps(
        r#"{"severity":[{"comparison":"NOT_EQUALS","value":"LOW"},{"comparison":"NOT_EQUALS","value":"MEDIUM"}]}"#,
        f
    ));
    assert!(!keeps(
        r#"{"severity":[{"comparison":"NOT_EQUALS","value":"LOW"},{"comparison":"NOT_EQUALS","value":"HIGH"}]}"#,
        f
    ));
    // Positive and negative together: (one positive matches) and every NOT_EQUALS holds.
    assert!(keeps(
        r#"{"title":[{"comparison":"PREFIX","value":"CVE-"},{"comparison":"NOT_EQUALS","value":"CVE-2 - x"}]}"#,
        f
    ));
    assert!(!keeps(
        r#"{"title":[{"comparison":"PREFIX","value":"CVE-"},{"comparison":"NOT_EQUALS","value":"CVE-1 - x"}]}"#,
        f
    ));
    assert!(!keeps(
        r#"{"title":[{"comparison":"PREFIX","value":"GHSA"},{"comparison":"NOT_EQUALS","value":"zzz"}]}"#,
        f
    ));
    // Members AND.
    assert!(keeps(
        &format!(
            r#"{{"severity":{},"title":{}}}"#,
            eq("HIGH"),
            r#"[{"comparison":"PREFIX","value":"CVE"}]"#
        ),
        f
    ));
    assert!(!keeps(
        &format!(r#"{{"severity":{},"title":{}}}"#, eq("HIGH"), eq("nope")),
        f
    ));
}

#[test]
fn missing_attributes() {
    let f = r#"{"status":"ACTIVE"}"#;
    assert!(!keeps(&format!(r#"{{"severity":{}}}"#, eq("HIGH")), f));
    assert!(!keeps(
        r#"{"severity":[{"comparison":"PREFIX","value":"H"}]}"#,
        f
    ));
    assert!(keeps(
        r#"{"severity":[{"comparison":"NOT_EQUALS","value":"HIGH"}]}"#,
        f
    ));
    assert!(keeps(
        r#"{"ecrImageTags":[{"comparison":"NOT_EQUALS","value":"latest"}]}"#,
        f
    ));
    assert!(!keeps(
        &format!(r#"{{"firstObservedAt":{}}}"#, dates("null", "null")),
        f
    ));
    assert!(!keeps(
        &format!(r#"{{"inspectorScore":{}}}"#, nums("null", "null")),
        f
    ));
    assert!(!keeps(r#"{"portRange":[{}]}"#, f));
    assert!(!keeps(
        r#"{"resourceTags":[{"comparison":"EQUALS","key":"env"}]}"#,
        f
    ));
    // A value that is not a timestamp or not a number matches no date or number filter.
    let odd = r#"{"status":"ACTIVE","firstObservedAt":"yesterday","inspectorScore":"high"}"#;
    assert!(!keeps(
        &format!(r#"{{"firstObservedAt":{}}}"#, dates("null", "null")),
        odd
    ));
    assert!(!keeps(
        &format!(r#"{{"inspectorScore":{}}}"#, nums("null", "null")),
        odd
    ));
    // A finding without packages matches no package filter, even NOT_EQUALS only.
    assert!(!keeps(
        r#"{"vulnerablePackages":[{"name":{"comparison":"NOT_EQUALS","value":"x"}}]}"#,
        f
    ));
}

#[test]
fn multi_valued_attributes() {
    // ecrImageTags: v1, latest; resourceId: i-1, vm-1.
    assert!(keeps(&format!(r#"{{"ecrImageTags":{}}}"#, eq("v1")), RICH));
    assert!(keeps(&format!(r#"{{"resourceId":{}}}"#, eq("i-1")), RICH));
    assert!(
        !keeps(
            r#"{"ecrImageTags":[{"comparison":"NOT_EQUALS","value":"latest"}]}"#,
            RICH
        ),
        "no value may equal"
    );
    assert!(keeps(
        r#"{"ecrImageTags":[{"comparison":"NOT_EQUALS","value":"v2"}]}"#,
        RICH
    ));
    assert!(!keeps(
        r#"{"resourceId":[{"comparison":"NOT_EQUALS","value":"vm-1"}]}"#,
        RICH
    ));
    assert!(keeps(
        r#"{"componentId":[{"comparison":"PREFIX","value":"igw-"}]}"#,
        RICH
    ));
}

#[test]
fn date_bounds_in_epoch_and_iso_forms() {
    let f = r#"{"status":"ACTIVE","firstObservedAt":"2024-02-02T16:30:33.045000+01:00"}"#;
    // 2024-02-02T15:30:33.045Z = 1706887833.045
    for (start, end, want) in [
        ("1706887833.045", "null", true),
        ("1706887833.046", "null", false),
        ("null", "1706887833.045", true),
        ("null", "1706887833.0449", false),
        (
            "\"2024-02-02T15:30:33.045Z\"",
            "\"2024-02-02T15:30:33.045Z\"",
            true,
        ),
        ("\"2024-02-02 16:30:33.045+01:00\"", "null", true),
        ("\"1.706887833045E9\"", "null", true),
        ("\"Feb 2, 2024, 3:30:34 PM\"", "null", false),
        ("null", "null", true),
    ] {
        assert_eq!(
            keeps(
                &format!(r#"{{"firstObservedAt":{}}}"#, dates(start, end)),
                f
            ),
            want,
            "{start}..{end}"
        );
    }
    // OR among date filters.
    assert!(keeps(
        r#"{"firstObservedAt":[{"endInclusive":0},{"startInclusive":1706887833}]}"#,
        f
    ));
}

#[test]
fn numbers_compare_exact_decimals() {
    let f = r#"{"status":"ACTIVE","inspectorScore":"7.5","epss":{"score":1e-4}}"#;
    assert!(keeps(
        &format!(r#"{{"inspectorScore":{}}}"#, nums("7.50", "7.5")),
        f
    ));
    assert!(!keeps(
        &format!(r#"{{"inspectorScore":{}}}"#, nums("7.5000000001", "null")),
        f
    ));
    assert!(keeps(
        &format!(r#"{{"epssScore":{}}}"#, nums("0.0001", "0.0001")),
        f
    ));
    assert!(
        keeps(
            r#"{"inspectorScore":[{"upperInclusive":1},{"lowerInclusive":7}]}"#,
            f
        ),
        "OR"
    );
}

#[test]
fn port_ranges_overlap() {
    let f = r#"{"status":"ACTIVE","networkReachabilityDetails":{"openPortRange":{"begin":20,"end":25}}}"#;
    for (filter, want) in [
        (r#"{"beginInclusive":25,"endInclusive":25}"#, true),
        (r#"{"beginInclusive":10,"endInclusive":20}"#, true),
        (r#"{"beginInclusive":21,"endInclusive":22}"#, true),
        (r#"{"beginInclusive":0,"endInclusive":65535}"#, true),
        (r#"{"beginInclusive":26}"#, false),
        (r#"{"endInclusive":19}"#, false),
        (r#"{}"#, true),
    ] {
        assert_eq!(
            keeps(&format!(r#"{{"portRange":[{filter}]}}"#), f),
            want,
            "{filter}"
        );
    }
}

#[test]
fn tags_by_key_or_key_and_value() {
    let kv = |k: &str, v: Option<&str>| match v {
        Some(v) => {
            format!(r#"{{"resourceTags":[{{"comparison":"EQUALS","key":"{k}","value":"{v}"}}]}}"#)
        }
        None => format!(r#"{{"resourceTags":[{{"comparison":"EQUALS","key":"{k}"}}]}}"#),
    };
    assert!(keeps(&kv("team", None), RICH));
    assert!(keeps(&kv("team", Some("a")), RICH));
    assert!(!keeps(&kv("team", Some("b")), RICH));
    assert!(!keeps(&kv("prod", None), RICH), "a value is not a key");
    assert!(!keeps(&kv("Team", None), RICH), "case-sensitive");
    assert!(
        keeps(
            r#"{"resourceTags":[{"comparison":"EQUALS","key":"x"},{"comparison":"EQUALS","key":"env","value":"prod"}]}"#,
            RICH
        ),
        "OR"
    );
}

#[test]
fn package_filters_need_one_package_to_meet_every_sub_filter() {
    // openssl: version 1.1, epoch 1, arch X86_64; curl: version 7.0, epoch 0.
    let p = |body: &str| format!(r#"{{"vulnerablePackages":[{body}]}}"#);
    assert!(keeps(
        &p(
            r#"{"name":{"comparison":"EQUALS","value":"curl"},"version":{"comparison":"PREFIX","value":"7."}}"#
        ),
        RICH
    ));
    assert!(
        !keeps(
            &p(
                r#"{"name":{"comparison":"EQUALS","value":"curl"},"version":{"comparison":"EQUALS","value":"1.1"}}"#
            ),
            RICH
        ),
        "spread over two packages"
    );
    assert!(keeps(
        &p(
            r#"{"name":{"comparison":"EQUALS","value":"openssl"},"architecture":{"comparison":"EQUALS","value":"X86_64"},"release":{"comparison":"EQUALS","value":"r1"},"sourceLayerHash":{"comparison":"EQUALS","value":"sha256:l1"},"sourceLambdaLayerArn":{"comparison":"EQUALS","value":"arn:layer:1"},"filePath":{"comparison":"PREFIX","value":"/usr/"}}"#
        ),
        RICH
    ));
    assert!(
        keeps(
            &p(r#"{"architecture":{"comparison":"NOT_EQUALS","value":"X86_64"}}"#),
            RICH
        ),
        "curl has no arch: NOT_EQUALS holds for it"
    );
    assert!(keeps(&p(r#"{"epoch":{"upperInclusive":0}}"#), RICH));
    assert!(!keeps(&p(r#"{"epoch":{"lowerInclusive":2}}"#), RICH));
    assert!(
        keeps(
            &p(
                r#"{"name":{"comparison":"EQUALS","value":"zlib"}},{"name":{"comparison":"EQUALS","value":"curl"}}"#
            ),
            RICH
        ),
        "OR among package filters"
    );
}

#[test]
fn status_member_replaces_the_default_rule() {
    let closed = r#"{"status":"CLOSED","severity":"HIGH"}"#;
    assert_eq!(
        verdict(&format!(r#"{{"severity":{}}}"#, eq("HIGH")), closed),
        Verdict::ExcludedByStatusRule
    );
    assert!(keeps(
        &format!(r#"{{"findingStatus":{}}}"#, eq("CLOSED")),
        closed
    ));
    assert!(keeps(
        r#"{"findingStatus":[{"comparison":"NOT_EQUALS","value":"SUPPRESSED"}]}"#,
        closed
    ));
}
