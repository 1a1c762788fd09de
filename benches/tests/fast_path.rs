//! The generator's findings take the decoder's fast path: the walker must not bail on them
//! (or the benches would measure serde_json's fallback), and it must give serde_json's view.

use inspector_report_core::decode::finding::Finding;
use inspector_report_core::decode::walk::walk;

#[test]
fn generated_findings_walk_without_falling_back() {
    for i in 0..2000 {
        let f = inspector_report_bench::finding(42, i);
        for text in [
            serde_json::to_string(&f).unwrap(),
            serde_json::to_string_pretty(&f).unwrap(),
        ] {
            let walked = walk::<Finding>(&text)
                .unwrap_or_else(|_| panic!("the walker bailed on generated finding {i}"));
            let parsed: Finding = serde_json::from_str(&text).unwrap();
            assert_eq!(format!("{walked:?}"), format!("{parsed:?}"), "finding {i}");
        }
    }
}
