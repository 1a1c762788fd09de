//! The real files in `../shared/samples/`, read at test time (never copied here), with
//! cells checked by reading the samples by hand.

mod common;
use common::*;

fn csv_of(sample_name: &str, extra: &[&str]) -> (Vec<String>, Vec<Vec<String>>, String) {
    let p = sample(sample_name);
    let mut args = vec!["--as-of", AS_OF];
    args.extend_from_slice(extra);
    args.push(p.to_str().unwrap());
    let o = run(&args);
    let out = ok(&o);
    let (h, rows) = parse_csv(&out);
    (h, rows, stderr(&o))
}

#[test]
fn elastic_wire_response_epoch_numbers() {
    let (h, rows, err) = csv_of("elastic_integrations_listfindings_wire_response.json", &[]);
    assert!(err.contains("findings: 1 read, 1 written"), "{err}");
    assert!(err.contains("warnings: 0"), "{err}");
    let r = &rows[0];
    assert_cells(
        &h,
        r,
        &[
            ("First Seen", "2025-05-29T17:28:07.919Z"), // 1748539687.919
            ("Last Seen", "2025-06-05T23:23:16.162Z"),  // 1749165796.162
            ("Vendor Advisory Published", "2025-04-16T18:16:04.000Z"), // 1744827364
            ("Age (Days)", "11"),
            ("Epss Score", "0.00024"),
            ("Resource Public Ipv4", "1.128.0.1"),
            (
                "Package Installed Version",
                "v0.1.0,v0.30.0,v0.30.0,v0.30.0,v0.30.0,0:2.0.4-1.amzn2.0.1",
            ),
            ("Package Remediation", ",,,,,yum update nerdctl"),
            (
                "Package Manager",
                "GOBINARY,GOBINARY,GOBINARY,GOBINARY,GOBINARY,OS",
            ),
            // Two identical NVD 3.1 entries: the first wins; the vendor is NVD too.
            ("NVD CVSS3 Score", "6.5"),
            ("Vendor CVSS3 Score", "6.5"),
        ],
    );
    assert!(cell(&h, r, "Resource Private Ipv4").starts_with("10.90.1.245,10.90.1.45,"));
    assert_eq!(cell(&h, r, "Resource Private Ipv4").split(',').count(), 18);
    assert!(cell(&h, r, "File Path").ends_with("usr/bin/kubelet,"));
    assert_eq!(
        cell(&h, r, "Resource Tags").split(',').next().unwrap(),
        "aws:autoscaling:groupName:eks-sei_demo_prod_linux-00c12345-abcd-1234-5678-601234567896"
    );
    assert_eq!(cell(&h, r, "Reference Urls").split(',').count(), 10);
}

#[test]
fn defectdojo_cli_dump_local_offsets() {
    let (h, rows, _) = csv_of("defectdojo_aws_inspector2_one_vul.json", &[]);
    assert_cells(
        &h,
        &rows[0],
        &[
            ("First Seen", "2024-02-02T15:30:33.045Z"), // +01:00
            ("Last Seen", "2024-06-14T02:03:53.051Z"),  // +02:00
            ("Package Installed Version", "0:4.19.118-2"),
            ("Fixed in Version", "0:4.19.232-1"),
            ("Container Image Tags", "2.3.0"),
            ("Platform", "DEBIAN_10"),
            ("Vendor", "DEBIAN_CVE"),
            // No DEBIAN_CVE cvss entry.
            ("Vendor CVSS3 Score", ""),
            ("NVD CVSS3 Score", "5.5"),
            ("Resource Tags", ""),
        ],
    );
}

#[test]
fn defectdojo_many_default_status_rule() {
    let (_, rows, err) = csv_of("defectdojo_aws_inspector2_many_vul.json", &[]);
    assert_eq!(rows.len(), 7);
    assert!(err.contains("findings: 8 read, 7 written"), "{err}");
    assert!(err.contains("excluded by the default status rule"), "{err}");
}

#[test]
fn defectdojo_package_vuln_metadata_all_convert() {
    let (h, rows, err) = csv_of("defectdojo_aws_inspector2_package_vuln_metadata.json", &[]);
    assert_eq!(rows.len(), 28, "{err}");
    let r = &rows[0];
    assert_eq!(cell(&h, r, "First Seen"), "2025-12-26T13:21:44.742Z"); // space form, +01:00
    assert!(
        cell(&h, r, "Resource ID").starts_with("arn:aws:lambda:us-west-2:123456789014:function:")
    );
}

#[test]
fn eventbridge_network_reachability_event() {
    let (h, rows, err) = csv_of(
        "inspector_userguide_eventbridge_ec2_network_reachability_event.json",
        &[],
    );
    assert!(err.contains("findings: 1 read, 1 written"), "{err}");
    assert_cells(
        &h,
        &rows[0],
        &[
            ("Finding Type", "NETWORK_REACHABILITY"),
            ("First Seen", "2024-09-05T13:06:56.334Z"),
            (
                "Network Paths",
                "igw-261bab4d > acl-171b527d > sg-0d34debf87410f2d9 > eni-094ad651219472857 > i-12345678901234567",
            ),
            ("Port Range", "22-22"),
            // `1.23.456.789` is no dotted IPv4 address, so it counts as public.
            ("Resource Public Ipv4", "1.23.456.789,123.45.67.890"),
            ("Resource Vpc", "vpc-12345678"),
            ("Age (Days)", "277"),
        ],
    );
}

#[test]
fn every_sample_to_json_report_round_trips() {
    for name in [
        "defectdojo_aws_inspector2_many_vul.json",
        "defectdojo_aws_inspector2_one_vul.json",
        "defectdojo_aws_inspector2_package_vuln_metadata.json",
        "elastic_integrations_listfindings_wire_response.json",
        "inspector_userguide_eventbridge_ec2_network_reachability_event.json",
    ] {
        let p = sample(name);
        let got = json_report(&["--json-timestamps", "verbatim"], &p);
        let want = active_findings(&p);
        assert_eq!(got["findings"].as_array().unwrap(), &want, "{name}");
        // Default: the timestamp members are strings.
        let iso = json_report(&[], &p);
        for f in iso["findings"].as_array().unwrap() {
            for k in ["firstObservedAt", "lastObservedAt", "updatedAt"] {
                let v = f[k]
                    .as_str()
                    .unwrap_or_else(|| panic!("{name} {k} not a string"));
                assert!(v.len() == 24 && v.ends_with('Z'), "{name} {k} {v}");
            }
        }
    }
}
