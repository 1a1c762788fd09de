use inspector_report_core::finding::Finding;
#[test]
fn scratch() {
    let mut bails = 0;
    for i in 0..2000 {
        let f = inspector_report_bench::finding(42, i);
        let s = serde_json::to_string(&f).unwrap();
        if inspector_report_core::walk::walk::<Finding>(&s).is_err() {
            bails += 1;
            if bails < 3 {
                println!("{}", &s[..s.len().min(3000)]);
            }
        }
        let p = serde_json::to_string_pretty(&f).unwrap();
        assert_eq!(
            inspector_report_core::walk::walk::<Finding>(&p).is_err(),
            inspector_report_core::walk::walk::<Finding>(&s).is_err()
        );
    }
    println!("bails {bails}");
}
