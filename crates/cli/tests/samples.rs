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
    assert_eq!(cell(&h, r, "First Seen"), "2025-05-29T17:28:07.919Z"); // 1748539687.919
    assert_eq!(cell(&h, r, "Last Seen"), "2025-06-05T23:23:16.162Z"); // 1749165796.162
    assert_eq!(
        cell(&h, r, "Vendor Advisory Published"),
        "2025-04-16T18:16:04.000Z"
    ); // 1744827364
    assert_eq!(cell(&h, r, "Age (Days)"), "11");
    assert_eq!(cell(&h, r, "Epss Score"), "0.00024");
    assert_eq!(cell(&h, r, "Resource Public Ipv4"), "1.128.0.1");
    assert!(cell(&h, r, "Resource Private Ipv4").starts_with("10.90.1.245,10.90.1.45,"));
    assert_eq!(cell(&h, r, "Resource Private Ipv4").split(',').count(), 18);
    assert_eq!(
        cell(&h, r, "Package Installed Version"),
        "v0.1.0,v0.30.0,v0.30.0,v0.30.0,v0.30.0,0:2.0.4-1.amzn2.0.1"
    );
    assert_eq!(
        cell(&h, r, "Package Remediation"),
        ",,,,,yum update nerdctl"
    );
    assert_eq!(
        cell(&h, r, "Package Manager"),
        "GOBINARY,GOBINARY,GOBINARY,GOBINARY,GOBINARY,OS"
    );
    assert!(cell(&h, r, "File Path").ends_with("usr/bin/kubelet,"));
    // Two identical NVD 3.1 entries: the first wins; the vendor is NVD too.
    assert_eq!(cell(&h, r, "NVD CVSS3 Score"), "6.5");
    assert_eq!(cell(&h, r, "Vendor CVSS3 Score"), "6.5");
    assert_eq!(
        cell(&h, r, "Resource Tags").split(',').next().unwrap(),
        "aws:autoscaling:groupName:eks-sei_demo_prod_linux-00c12345-abcd-1234-5678-601234567896"
    );
    assert_eq!(cell(&h, r, "Reference Urls").split(',').count(), 10);
}

#[test]
fn defectdojo_cli_dump_local_offsets() {
    let (h, rows, _) = csv_of("defectdojo_aws_inspector2_one_vul.json", &[]);
    let r = &rows[0];
    assert_eq!(cell(&h, r, "First Seen"), "2024-02-02T15:30:33.045Z"); // +01:00
    assert_eq!(cell(&h, r, "Last Seen"), "2024-06-14T02:03:53.051Z"); // +02:00
    assert_eq!(cell(&h, r, "Package Installed Version"), "0:4.19.118-2");
    assert_eq!(cell(&h, r, "Fixed in Version"), "0:4.19.232-1");
    assert_eq!(cell(&h, r, "Container Image Tags"), "2.3.0");
    assert_eq!(cell(&h, r, "Platform"), "DEBIAN_10");
    assert_eq!(cell(&h, r, "Vendor"), "DEBIAN_CVE");
    assert_eq!(
        cell(&h, r, "Vendor CVSS3 Score"),
        "",
        "no DEBIAN_CVE cvss entry"
    );
    assert_eq!(cell(&h, r, "NVD CVSS3 Score"), "5.5");
    assert_eq!(cell(&h, r, "Resource Tags"), "");
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
    let r = &rows[0];
    assert_eq!(cell(&h, r, "Finding Type"), "NETWORK_REACHABILITY");
    assert_eq!(cell(&h, r, "First Seen"), "2024-09-05T13:06:56.334Z");
    assert_eq!(
        cell(&h, r, "Network Paths"),
        "igw-261bab4d > acl-171b527d > sg-0d34debf87410f2d9 > eni-094ad651219472857 > i-12345678901234567"
    );
    assert_eq!(cell(&h, r, "Port Range"), "22-22");
    // `1.23.456.789` is no dotted IPv4 address, so it counts as public.
    assert_eq!(
        cell(&h, r, "Resource Public Ipv4"),
        "1.23.456.789,123.45.67.890"
    );
    assert_eq!(cell(&h, r, "Resource Vpc"), "vpc-12345678");
    assert_eq!(cell(&h, r, "Age (Days)"), "277");
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
        let out = ok(&run(&[
            "-q",
            "-f",
            "json",
            "--json-timestamps",
            "verbatim",
            p.to_str().unwrap(),
        ]));
        let got: serde_json::Value = serde_json::from_str(&out).unwrap();
        let input: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        let mut want: Vec<serde_json::Value> = match input.get("findings") {
            Some(f) => f.as_array().unwrap().clone(),
            None => vec![input["detail"].clone()],
        };
        want.retain(|f| f["status"] == "ACTIVE");
        assert_eq!(got["findings"].as_array().unwrap(), &want, "{name}");
        // Default: the timestamp members are strings.
        let iso = ok(&run(&["-q", "-f", "json", p.to_str().unwrap()]));
        let iso: serde_json::Value = serde_json::from_str(&iso).unwrap();
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
