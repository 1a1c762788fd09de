//! A deterministic generator of realistic Inspector findings, in every input layout and
//! any size, for benches and tests.
//!
//! The same seed gives the same bytes on every machine: the random numbers come from a
//! fixed xorshift generator, not from the OS. Findings mix the kinds real accounts hold
//! (EC2 and ECR package findings, Lambda, code and network findings), with 1 to 10
//! packages, several CVSS entries, tags, and long descriptions with escapes and unicode.

use serde_json::{json, Value};
use std::io::{self, Write};

/// A small, fast, deterministic random number generator (xorshift64*).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is replaced by a fixed constant).
    pub fn new(seed: u64) -> Rng {
        Rng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// One element of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// The input layouts of spec section 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `aws inspector2 list-findings` output: pretty pages (4-space indent) with
    /// `nextToken`, one after another as `>>` leaves them.
    Cli,
    /// Compact pages of 100 findings, concatenated, as SDK dumps.
    Pages,
    /// One pretty `{"findings":[...]}` report document.
    Report,
    /// A pretty top-level array.
    Array,
    /// One compact finding per line.
    Ndjson,
    /// One EventBridge event per line (every tenth is a scan event without a finding).
    Events,
}

impl std::str::FromStr for Layout {
    type Err = String;
    fn from_str(s: &str) -> Result<Layout, String> {
        Ok(match s {
            "cli" => Layout::Cli,
            "pages" => Layout::Pages,
            "report" => Layout::Report,
            "array" => Layout::Array,
            "ndjson" => Layout::Ndjson,
            "events" => Layout::Events,
            _ => {
                return Err(format!(
                    "unknown layout {s:?}: cli, pages, report, array, ndjson, events"
                ))
            }
        })
    }
}

const SEVERITIES: &[&str] = &[
    "CRITICAL",
    "HIGH",
    "MEDIUM",
    "LOW",
    "INFORMATIONAL",
    "UNTRIAGED",
];
const STATUSES: &[&str] = &[
    "ACTIVE",
    "ACTIVE",
    "ACTIVE",
    "ACTIVE",
    "ACTIVE",
    "ACTIVE",
    "SUPPRESSED",
    "CLOSED",
];
const REGIONS: &[&str] = &[
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
];
const PKGS: &[&str] = &[
    "openssl",
    "curl",
    "glibc",
    "zlib",
    "golang.org/x/net",
    "requests",
    "log4j-core",
    "libxml2",
    "linux",
    "sudo",
    "nghttp2",
    "expat",
];
const MANAGERS: &[&str] = &["OS", "PYTHON", "GOBINARY", "JAR", "NPM", "GENERIC"];
const PLATFORMS: &[&str] = &[
    "AMAZON_LINUX_2",
    "AMAZON_LINUX_2023",
    "UBUNTU_22_04",
    "DEBIAN_12",
    "WINDOWS_SERVER_2022",
];
const WORDS: &[&str] = &[
    "buffer",
    "overflow",
    "in",
    "the",
    "parser",
    "allows",
    "remote",
    "attackers",
    "to",
    "cause",
    "a",
    "denial",
    "of",
    "service",
    "via",
    "crafted",
    "input",
    "\"quoted\"",
    "path\\to\\file",
    "naïve",
    "résumé",
    "漏洞",
    "😀",
    "line\nbreak",
    "tab\there",
    "comma,",
    "<svg>",
    "memory",
    "leak",
];

fn description(rng: &mut Rng) -> String {
    let n = 20 + rng.below(120) as usize;
    let mut s = String::with_capacity(n * 8);
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        let w: &&str = rng.pick(WORDS);
        s.push_str(w);
    }
    s.push('.');
    s
}

fn hex(rng: &mut Rng, n: usize) -> String {
    let mut s = String::with_capacity(n);
    while s.len() < n {
        s.push_str(&format!("{:016x}", rng.next_u64()));
    }
    s.truncate(n);
    s
}

fn epoch(rng: &mut Rng) -> Value {
    // Wire-format epoch seconds with milliseconds, 2022-2025.
    let secs = 1_640_995_200 + rng.below(4 * 365 * 86_400);
    let ms = rng.below(1000);
    serde_json::from_str(&format!("{secs}.{ms:03}")).unwrap_or(Value::Null)
}

fn iso(rng: &mut Rng) -> Value {
    // AWS CLI v2 style: local offset, microseconds.
    let y = 2022 + rng.below(4);
    let m = 1 + rng.below(12);
    let d = 1 + rng.below(28);
    let (h, mi, s) = (rng.below(24), rng.below(60), rng.below(60));
    Value::String(format!(
        "{y}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:06}+01:00",
        rng.below(1_000_000)
    ))
}

fn timestamp(rng: &mut Rng) -> Value {
    if rng.below(2) == 0 {
        epoch(rng)
    } else {
        iso(rng)
    }
}

fn score(rng: &mut Rng) -> Value {
    serde_json::from_str(&format!("{}.{}", rng.below(10), rng.below(10))).unwrap_or(Value::Null)
}

fn resource(rng: &mut Rng, kind: u64, account: &str, region: &str) -> Value {
    let mut tags = serde_json::Map::new();
    for t in 0..rng.below(6) {
        tags.insert(
            format!("tag-{t}:{}", hex(rng, 4)),
            Value::String(format!("value {}, {}", t, hex(rng, 6))),
        );
    }
    match kind {
        0 | 3 | 4 => {
            let id = format!("i-{}", hex(rng, 17));
            let ips: Vec<String> = (0..1 + rng.below(4))
                .map(|k| {
                    if k == 0 && rng.below(2) == 0 {
                        format!(
                            "54.{}.{}.{}",
                            rng.below(256),
                            rng.below(256),
                            rng.below(256)
                        )
                    } else {
                        format!(
                            "10.{}.{}.{}",
                            rng.below(256),
                            rng.below(256),
                            rng.below(256)
                        )
                    }
                })
                .collect();
            json!({"type": "AWS_EC2_INSTANCE", "id": id, "partition": "aws", "region": region, "tags": tags,
                "details": {"awsEc2Instance": {"type": "t3.medium", "imageId": format!("ami-{}", hex(rng, 17)),
                    "platform": rng.pick(PLATFORMS), "ipV4Addresses": ips, "ipV6Addresses": [],
                    "launchedAt": timestamp(rng), "subnetId": format!("subnet-{}", hex(rng, 17)),
                    "vpcId": format!("vpc-{}", hex(rng, 17)),
                    "iamInstanceProfileArn": format!("arn:aws:iam::{account}:instance-profile/role-{}", hex(rng, 8))}}})
        }
        1 => {
            let repo = format!("team/{}", rng.pick(PKGS).replace('/', "-"));
            let digest = hex(rng, 64);
            json!({"type": "AWS_ECR_CONTAINER_IMAGE",
                "id": format!("arn:aws:ecr:{region}:{account}:repository/{repo}/sha256:{digest}"),
                "partition": "aws", "region": region, "tags": tags,
                "details": {"awsEcrContainerImage": {"architecture": "amd64", "author": "Dev <dev@example.com>",
                    "imageHash": format!("sha256:{digest}"), "imageTags": [format!("v{}.{}", rng.below(10), rng.below(10)), "latest"],
                    "platform": rng.pick(PLATFORMS), "pushedAt": timestamp(rng), "lastInUseAt": timestamp(rng),
                    "inUseCount": rng.below(20), "registry": account, "repositoryName": repo}}})
        }
        _ => {
            let name = format!("fn-{}", hex(rng, 8));
            json!({"type": "AWS_LAMBDA_FUNCTION",
                "id": format!("arn:aws:lambda:{region}:{account}:function:{name}"),
                "partition": "aws", "region": region, "tags": tags,
                "details": {"awsLambdaFunction": {"functionName": name, "runtime": "PYTHON_3_12",
                    "codeSha256": hex(rng, 44), "version": "$LATEST", "packageType": "ZIP", "architectures": ["X86_64"],
                    "executionRoleArn": format!("arn:aws:iam::{account}:role/{name}"),
                    "layers": [format!("arn:aws:lambda:{region}:{account}:layer:deps:{}", rng.below(9))],
                    "lastModifiedAt": timestamp(rng), "vpcConfig": {"vpcId": format!("vpc-{}", hex(rng, 17)), "subnetIds": [], "securityGroupIds": []}}}})
        }
    }
}

/// Finding number `i` of the stream seeded by `seed`, as a JSON value.
pub fn finding(seed: u64, i: u64) -> Value {
    let mut rng = Rng::new(seed.wrapping_mul(0x100_0000_01B3) ^ i.wrapping_mul(0x9E37_79B9));
    let account = format!("{:012}", 100_000_000_000 + rng.below(20));
    let region = *rng.pick(REGIONS);
    // 0 EC2 package, 1 ECR package, 2 Lambda package, 3 network, 4 code (on Lambda).
    let kind = rng.below(10).min(4);
    let kind = if kind == 4 && rng.below(2) == 0 {
        0
    } else {
        kind
    };
    let id = hex(&mut rng, 32);
    let severity = *rng.pick(SEVERITIES);
    let mut f = json!({
        "awsAccountId": account,
        "findingArn": format!("arn:aws:inspector2:{region}:{account}:finding/{id}"),
        "severity": severity,
        "status": rng.pick(STATUSES),
        "firstObservedAt": timestamp(&mut rng),
        "lastObservedAt": timestamp(&mut rng),
        "updatedAt": timestamp(&mut rng),
        "description": description(&mut rng),
        "remediation": {"recommendation": {"text": "None Provided"}},
        "resources": [resource(&mut rng, if kind == 4 { 2 } else { kind }, &account, region)],
    });
    let o = f.as_object_mut().expect("object");
    match kind {
        3 => {
            let port = rng.below(65536);
            o.insert("type".into(), json!("NETWORK_REACHABILITY"));
            o.insert(
                "title".into(),
                json!(format!(
                    "Port {port} is reachable from an Internet Gateway - TCP"
                )),
            );
            o.insert("networkReachabilityDetails".into(), json!({"protocol": "TCP",
                "openPortRange": {"begin": port, "end": port},
                "networkPath": {"steps": [{"componentId": format!("igw-{}", hex(&mut rng, 8)), "componentType": "AWS::EC2::InternetGateway"},
                    {"componentId": format!("sg-{}", hex(&mut rng, 17)), "componentType": "AWS::EC2::SecurityGroup"},
                    {"componentId": format!("eni-{}", hex(&mut rng, 17)), "componentType": "AWS::EC2::NetworkInterface"}]}}));
        }
        4 => {
            let cwe = 20 + rng.below(900);
            o.insert("type".into(), json!("CODE_VULNERABILITY"));
            o.insert(
                "title".into(),
                json!(format!("CWE-{cwe} - Detector finding")),
            );
            o.insert("codeVulnerabilityDetails".into(), json!({"cwes": [format!("CWE-{cwe}")],
                "detectorId": format!("python/detector-{cwe}@v1.0"), "detectorName": "Hardcoded credentials",
                "detectorTags": ["security", format!("cwe-{cwe}")],
                "filePath": {"fileName": "app.py", "filePath": format!("src/mod{}/app.py", rng.below(50)), "startLine": rng.below(500), "endLine": 600},
                "referenceUrls": [format!("https://cwe.mitre.org/data/definitions/{cwe}.html")],
                "ruleId": format!("rule-{cwe}")}));
        }
        _ => {
            let cve = format!("CVE-20{}-{}", 18 + rng.below(8), 1000 + rng.below(60000));
            let npk = 1 + rng.below(10);
            let pkgs: Vec<Value> = (0..npk)
                .map(|_| {
                    let name = *rng.pick(PKGS);
                    let mut p = json!({"name": name, "version": format!("{}.{}.{}", rng.below(5), rng.below(30), rng.below(100)),
                        "epoch": rng.below(3), "packageManager": rng.pick(MANAGERS),
                        "fixedInVersion": if rng.below(4) == 0 { "NotAvailable".to_string() } else { format!("0:{}.{}.{}-1", rng.below(5), rng.below(30), rng.below(100)) }});
                    let po = p.as_object_mut().expect("object");
                    if rng.below(2) == 0 {
                        po.insert("release".into(), json!(format!("{}.amzn2.0.{}", rng.below(20), rng.below(5))));
                        po.insert("arch".into(), json!("X86_64"));
                        po.insert("remediation".into(), json!(format!("yum update {name}")));
                    } else {
                        po.insert("filePath".into(), json!(format!("/opt/app/{}/{}", hex(&mut rng, 6), name)));
                    }
                    p
                })
                .collect();
            let source = if rng.below(2) == 0 {
                "NVD"
            } else {
                "UBUNTU_CVE"
            };
            let mut cvss = vec![
                json!({"source": "NVD", "version": "3.1", "baseScore": score(&mut rng), "scoringVector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}),
            ];
            if rng.below(2) == 0 {
                cvss.push(json!({"source": "NVD", "version": "2.0", "baseScore": score(&mut rng), "scoringVector": "AV:N/AC:L/Au:N/C:P/I:P/A:P"}));
            }
            if source != "NVD" {
                cvss.push(json!({"source": source, "version": "3.1", "baseScore": score(&mut rng), "scoringVector": "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H"}));
            }
            let names: Vec<&str> = pkgs.iter().filter_map(|p| p["name"].as_str()).collect();
            o.insert("type".into(), json!("PACKAGE_VULNERABILITY"));
            o.insert(
                "title".into(),
                json!(format!("{cve} - {}", names.join(", "))),
            );
            o.insert(
                "fixAvailable".into(),
                json!(*rng.pick(&["YES", "NO", "PARTIAL"])),
            );
            o.insert("exploitAvailable".into(), json!(*rng.pick(&["YES", "NO"])));
            o.insert("inspectorScore".into(), score(&mut rng));
            o.insert("inspectorScoreDetails".into(), json!({"adjustedCvss": {"adjustments": [], "cvssSource": "NVD", "score": score(&mut rng), "scoreSource": "NVD", "scoringVector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "version": "3.1"}}));
            o.insert("epss".into(), json!({"score": serde_json::from_str::<Value>(&format!("0.000{}", 1 + rng.below(999))).unwrap_or(Value::Null)}));
            o.insert("packageVulnerabilityDetails".into(), json!({"cvss": cvss,
                "referenceUrls": [format!("https://nvd.nist.gov/vuln/detail/{cve}"), format!("https://alas.aws.amazon.com/{cve}.html")],
                "relatedVulnerabilities": [], "source": source, "sourceUrl": format!("https://nvd.nist.gov/vuln/detail/{cve}"),
                "vendorCreatedAt": timestamp(&mut rng), "vendorSeverity": severity, "vendorUpdatedAt": timestamp(&mut rng),
                "vulnerabilityId": cve, "vulnerablePackages": pkgs}));
            if rng.below(5) == 0 {
                o.insert(
                    "exploitabilityDetails".into(),
                    json!({"lastKnownExploitAt": timestamp(&mut rng)}),
                );
            }
        }
    }
    f
}

fn pretty(v: &Value, out: &mut Vec<u8>) {
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(out, fmt);
    serde::Serialize::serialize(v, &mut ser).expect("serialize to memory");
}

fn compact(v: &Value, out: &mut Vec<u8>) {
    serde_json::to_writer(out, v).expect("serialize to memory");
}

/// Writes findings in `layout` until at least `target_bytes` are written; returns the
/// number of findings (EventBridge scan events not counted).
pub fn generate(
    layout: Layout,
    seed: u64,
    target_bytes: u64,
    out: &mut dyn Write,
) -> io::Result<u64> {
    let mut written = 0u64;
    let mut n = 0u64;
    let mut buf = Vec::with_capacity(1 << 20);
    const PAGE: u64 = 100;
    let page_open = |buf: &mut Vec<u8>, first_page: bool| {
        if !first_page {
            buf.extend_from_slice(b"\n");
        }
        buf.extend_from_slice(b"{\n    \"findings\": [");
    };
    let mut in_page = 0u64;
    let mut first_page = true;
    match layout {
        Layout::Report => buf.extend_from_slice(b"{\n    \"findings\": ["),
        Layout::Array => buf.push(b'['),
        _ => {}
    }
    while written + buf.len() as u64 <= target_bytes {
        let f = finding(seed, n);
        match layout {
            Layout::Cli | Layout::Pages => {
                if in_page == 0 {
                    if layout == Layout::Cli {
                        page_open(&mut buf, first_page);
                        buf.extend_from_slice(b"\n");
                    } else {
                        if !first_page {
                            buf.push(b'\n');
                        }
                        buf.extend_from_slice(b"{\"findings\":[");
                    }
                    first_page = false;
                } else {
                    buf.extend_from_slice(if layout == Layout::Cli { b",\n" } else { b"," });
                }
                if layout == Layout::Cli {
                    pretty(&f, &mut buf);
                } else {
                    compact(&f, &mut buf);
                }
                in_page += 1;
                if in_page == PAGE {
                    let token = format!("{:032x}", n);
                    if layout == Layout::Cli {
                        buf.extend_from_slice(
                            format!("\n    ],\n    \"nextToken\": \"{token}\"\n}}").as_bytes(),
                        );
                    } else {
                        buf.extend_from_slice(format!("],\"nextToken\":\"{token}\"}}").as_bytes());
                    }
                    in_page = 0;
                }
            }
            Layout::Report | Layout::Array => {
                if n > 0 {
                    buf.push(b',');
                }
                buf.extend_from_slice(b"\n");
                pretty(&f, &mut buf);
            }
            Layout::Ndjson => {
                compact(&f, &mut buf);
                buf.push(b'\n');
            }
            Layout::Events => {
                if n % 10 == 9 {
                    compact(
                        &json!({"version": "0", "id": format!("scan-{n}"), "detail-type": "Inspector2 Scan",
                        "source": "aws.inspector2", "detail": {"scan-status": "INITIAL_SCAN_COMPLETE"}}),
                        &mut buf,
                    );
                    buf.push(b'\n');
                }
                compact(
                    &json!({"version": "0", "id": format!("ev-{n}"), "detail-type": "Inspector2 Finding",
                    "source": "aws.inspector2", "account": f["awsAccountId"], "time": "2024-09-05T13:06:56Z",
                    "region": "us-east-1", "resources": [f["resources"][0]["id"]], "detail": f}),
                    &mut buf,
                );
                buf.push(b'\n');
            }
        }
        n += 1;
        if buf.len() >= 1 << 20 {
            out.write_all(&buf)?;
            written += buf.len() as u64;
            buf.clear();
        }
    }
    match layout {
        Layout::Cli if in_page > 0 => buf.extend_from_slice(b"\n    ]\n}\n"),
        Layout::Pages if in_page > 0 => buf.extend_from_slice(b"]}\n"),
        Layout::Report => buf.extend_from_slice(b"\n    ]\n}\n"),
        Layout::Array => buf.extend_from_slice(b"\n]\n"),
        _ => {}
    }
    out.write_all(&buf)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layout_is_valid_json_and_deterministic() {
        for layout in [
            Layout::Cli,
            Layout::Pages,
            Layout::Report,
            Layout::Array,
            Layout::Ndjson,
            Layout::Events,
        ] {
            let mut a = Vec::new();
            let n = generate(layout, 7, 300_000, &mut a).unwrap();
            let mut b = Vec::new();
            assert_eq!(generate(layout, 7, 300_000, &mut b).unwrap(), n);
            assert_eq!(a, b);
            let values: Vec<Value> = serde_json::Deserializer::from_slice(&a)
                .into_iter::<Value>()
                .collect::<Result<_, _>>()
                .unwrap_or_else(|e| panic!("{layout:?}: {e}"));
            assert!(!values.is_empty());
            assert!(n > 50, "{layout:?} {n}");
        }
    }
}
